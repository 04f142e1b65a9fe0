//! Providers and their models as data: endpoint, how the key is sent, which models
//! exist, what each costs and where that price comes from.
//!
//! The dashboard prices every sweep row from here when a file carries no pricing, the
//! live demo builds its requests from here, and the cost views mark any figure that
//! rests on a non-published rate as an estimate. Rates are USD per million tokens, as
//! published by the original benchmark (its sweep scripts and dashboard constants):
//! Baseten's rates came from each provider's `/v1/models` listing (published); on
//! Fireworks only Kimi K2.6 is published, the others are priced at Kimi K2.6's rate as a
//! proxy (as the original did), and Qwen3-8B's rate is a guess.

use serde::{Deserialize, Serialize};

pub use crate::live::request::AuthScheme;
use crate::live::request::{self, Endpoint, RequestError};
use crate::sweep::{Platform, PriceSource, Pricing};

/// Whether a catalog model can be used, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum Availability {
    Available,
    /// The provider refused it (404, 503, …) when it was probed or swept.
    Unavailable(String),
    /// Reachable, but it did not produce usable answers in the published sweep.
    Broken(String),
}

impl Availability {
    pub fn is_available(&self) -> bool {
        matches!(self, Availability::Available)
    }
}

/// One model a provider offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogModel {
    /// Full id as sent in the request body.
    pub id: String,
    /// Short display name.
    pub label: String,
    /// Per-token rates; `None` when unknown.
    pub pricing: Option<Pricing>,
    pub availability: Availability,
    /// Whether to send `response_format: {"type": "json_object"}`. False for models
    /// that reject it (Baseten's DeepSeek-V3.1 does not advertise JSON mode).
    pub json_mode: bool,
    /// Whether to send `reasoning_effort: "none"` (reasoning models such as Qwen3).
    pub reasoning_off: bool,
    /// A remark shown beside the model (promotional price, slow, …).
    pub note: Option<String>,
}

/// An OpenAI-compatible inference provider and the models it offers. Where requests go
/// and how the key is sent come from [`crate::live::request`] (see [`Self::endpoint`]),
/// so the catalog and the request builder cannot disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderCatalog {
    pub platform: Platform,
    /// Display name.
    pub name: String,
    /// Normalised base URL; requests go to `{base_url}/chat/completions`.
    pub base_url: String,
    pub auth: AuthScheme,
    pub models: Vec<CatalogModel>,
    /// The model selected by default.
    pub default_model: String,
}

impl ProviderCatalog {
    /// The request target for this provider.
    pub fn endpoint(&self) -> Endpoint {
        let provider = match self.platform {
            Platform::Fireworks => request::Provider::Fireworks,
            Platform::Baseten => request::Provider::Baseten,
            Platform::Custom(_) => request::Provider::Custom,
        };
        Endpoint {
            provider,
            base_url: self.base_url.clone(),
            auth: self.auth,
        }
    }

    pub fn model(&self, id: &str) -> Option<&CatalogModel> {
        self.models.iter().find(|m| m.id == id)
    }

    /// The price of `model` on this provider, if known.
    pub fn price_for(&self, model: &str) -> Option<Pricing> {
        self.model(model).and_then(|m| m.pricing)
    }
}

/// Kimi K2.6's published Fireworks rate, also the proxy for other Fireworks models.
pub const FIREWORKS_KIMI_K2P6: Pricing = Pricing {
    input: 0.95,
    output: 4.00,
    source: PriceSource::Published,
};

fn model(id: &str, label: &str, pricing: Option<Pricing>) -> CatalogModel {
    CatalogModel {
        id: id.to_string(),
        label: label.to_string(),
        pricing,
        availability: Availability::Available,
        json_mode: true,
        reasoning_off: false,
        note: None,
    }
}

fn published(input: f64, output: f64) -> Option<Pricing> {
    Some(Pricing {
        input,
        output,
        source: PriceSource::Published,
    })
}

fn proxy_kimi() -> Option<Pricing> {
    Some(Pricing {
        source: PriceSource::Proxy,
        ..FIREWORKS_KIMI_K2P6
    })
}

/// Fireworks serverless: the original's seven model ids.
pub fn fireworks() -> ProviderCatalog {
    let fw = |name: &str| format!("accounts/fireworks/models/{name}");
    let models = vec![
        CatalogModel {
            note: Some("primary model of the original benchmark".into()),
            ..model(&fw("kimi-k2p6"), "kimi-k2p6", Some(FIREWORKS_KIMI_K2P6))
        },
        model(&fw("kimi-k2p5"), "kimi-k2p5", proxy_kimi()),
        model(&fw("deepseek-v4-pro"), "deepseek-v4-pro", proxy_kimi()),
        CatalogModel {
            availability: Availability::Unavailable(
                "404 Not Found when probed for the published sweep".into(),
            ),
            ..model(&fw("glm-5"), "glm-5", proxy_kimi())
        },
        model(&fw("glm-5p1"), "glm-5p1", proxy_kimi()),
        CatalogModel {
            note: Some("slow: p50 ≈ 6 s in the published sweep".into()),
            ..model(&fw("minimax-m2p7"), "minimax-m2p7", proxy_kimi())
        },
        CatalogModel {
            availability: Availability::Unavailable(
                "404 Not Found when probed for the published sweep".into(),
            ),
            reasoning_off: true,
            note: Some("price is a guess; reasoning must be turned off".into()),
            ..model(
                &fw("qwen3-8b"),
                "qwen3-8b",
                Some(Pricing {
                    input: 0.20,
                    output: 0.20,
                    source: PriceSource::Estimate,
                }),
            )
        },
    ];
    let endpoint = Endpoint::fireworks();
    ProviderCatalog {
        platform: Platform::Fireworks,
        name: "Fireworks".into(),
        base_url: endpoint.base_url,
        auth: endpoint.auth,
        models,
        default_model: fw("kimi-k2p6"),
    }
}

/// Baseten Model APIs: the ten models of the published sweep, with their published rates.
pub fn baseten() -> ProviderCatalog {
    let models = vec![
        model("moonshotai/Kimi-K2.6", "Kimi-K2.6", published(0.95, 4.00)),
        model("openai/gpt-oss-120b", "gpt-oss-120b", published(0.10, 0.50)),
        CatalogModel {
            json_mode: false,
            note: Some("does not advertise JSON mode; asked for JSON in the prompt only".into()),
            ..model(
                "deepseek-ai/DeepSeek-V3.1",
                "DeepSeek-V3.1",
                published(0.50, 1.50),
            )
        },
        model("moonshotai/Kimi-K2.5", "Kimi-K2.5", published(0.60, 3.00)),
        model(
            "deepseek-ai/DeepSeek-V4-Pro",
            "DeepSeek-V4-Pro",
            published(1.74, 3.48),
        ),
        CatalogModel {
            note: Some("$0 is a promotional (beta) price".into()),
            ..model("zai-org/GLM-5.1", "GLM-5.1", published(0.0, 0.0))
        },
        model("zai-org/GLM-4.7", "GLM-4.7", published(0.12, 2.20)),
        model(
            "nvidia/Nemotron-120B-A12B",
            "Nemotron-120B-A12B",
            published(0.06, 0.75),
        ),
        CatalogModel {
            availability: Availability::Broken(
                "no SQL extractable on every question of the published sweep (reasoning runaway)"
                    .into(),
            ),
            ..model(
                "MiniMaxAI/MiniMax-M2.5",
                "MiniMax-M2.5",
                published(0.06, 1.20),
            )
        },
        CatalogModel {
            availability: Availability::Unavailable(
                "503 Service Temporarily Unavailable on every call of the published sweep".into(),
            ),
            ..model("zai-org/GLM-5", "GLM-5", published(0.95, 3.15))
        },
    ];
    let endpoint = Endpoint::baseten();
    ProviderCatalog {
        platform: Platform::Baseten,
        name: "Baseten".into(),
        base_url: endpoint.base_url,
        auth: endpoint.auth,
        models,
        default_model: "moonshotai/Kimi-K2.6".into(),
    }
}

/// Any OpenAI-compatible endpoint (a local server, another cloud). The base URL is
/// checked and normalised as [`Endpoint::custom`] does (a Fireworks or Baseten URL gets
/// that provider's auth scheme). `models` pairs each id with the rates the user typed,
/// if any; those are marked [`PriceSource::UserEntered`].
pub fn custom(
    name: &str,
    base_url: &str,
    models: &[(&str, Option<(f64, f64)>)],
) -> Result<ProviderCatalog, RequestError> {
    let endpoint = Endpoint::custom(base_url)?;
    let models: Vec<CatalogModel> = models
        .iter()
        .map(|(id, rates)| {
            let pricing = rates.map(|(input, output)| Pricing {
                input,
                output,
                source: PriceSource::UserEntered,
            });
            model(id, id.rsplit('/').next().unwrap_or(id), pricing)
        })
        .collect();
    Ok(ProviderCatalog {
        platform: Platform::Custom(name.to_string()),
        name: name.to_string(),
        base_url: endpoint.base_url,
        auth: endpoint.auth,
        default_model: models.first().map(|m| m.id.clone()).unwrap_or_default(),
        models,
    })
}

/// The built-in providers, Baseten first (the original's default).
pub fn providers() -> Vec<ProviderCatalog> {
    vec![baseten(), fireworks()]
}

/// The built-in provider for a platform (`None` for custom endpoints).
pub fn provider(platform: &Platform) -> Option<ProviderCatalog> {
    match platform {
        Platform::Fireworks => Some(fireworks()),
        Platform::Baseten => Some(baseten()),
        Platform::Custom(_) => None,
    }
}

/// The catalog price of `model` on `platform`. On Fireworks, a model missing from the
/// catalog is priced at Kimi K2.6's rate as a [`PriceSource::Proxy`] (what the original
/// dashboard did); on Baseten an unknown model has no price; custom endpoints carry their
/// rates in their own [`Provider`].
pub fn price_for(platform: &Platform, model: &str) -> Option<Pricing> {
    let provider = provider(platform)?;
    match provider.price_for(model) {
        Some(p) => Some(p),
        None if *platform == Platform::Fireworks => proxy_kimi(),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(platform: Platform, model: &str, expected: Option<(f64, f64, PriceSource)>) {
        let got = price_for(&platform, model).map(|p| (p.input, p.output, p.source));
        assert_eq!(got, expected, "price_for({platform:?}, {model})");
    }

    #[test]
    fn prices() {
        use PriceSource::*;
        let fw = |m: &str| format!("accounts/fireworks/models/{m}");
        check(
            Platform::Fireworks,
            &fw("kimi-k2p6"),
            Some((0.95, 4.00, Published)),
        );
        for m in [
            "kimi-k2p5",
            "deepseek-v4-pro",
            "glm-5",
            "glm-5p1",
            "minimax-m2p7",
            "some-new-model",
        ] {
            check(Platform::Fireworks, &fw(m), Some((0.95, 4.00, Proxy)));
        }
        check(
            Platform::Fireworks,
            &fw("qwen3-8b"),
            Some((0.20, 0.20, Estimate)),
        );
        check(
            Platform::Baseten,
            "openai/gpt-oss-120b",
            Some((0.10, 0.50, Published)),
        );
        check(
            Platform::Baseten,
            "deepseek-ai/DeepSeek-V3.1",
            Some((0.50, 1.50, Published)),
        );
        check(
            Platform::Baseten,
            "zai-org/GLM-4.7",
            Some((0.12, 2.20, Published)),
        );
        check(
            Platform::Baseten,
            "moonshotai/Kimi-K2.5",
            Some((0.60, 3.00, Published)),
        );
        check(
            Platform::Baseten,
            "MiniMaxAI/MiniMax-M2.5",
            Some((0.06, 1.20, Published)),
        );
        check(
            Platform::Baseten,
            "zai-org/GLM-5",
            Some((0.95, 3.15, Published)),
        );
        check(
            Platform::Baseten,
            "nvidia/Nemotron-120B-A12B",
            Some((0.06, 0.75, Published)),
        );
        check(
            Platform::Baseten,
            "zai-org/GLM-5.1",
            Some((0.0, 0.0, Published)),
        );
        check(
            Platform::Baseten,
            "moonshotai/Kimi-K2.6",
            Some((0.95, 4.00, Published)),
        );
        check(
            Platform::Baseten,
            "deepseek-ai/DeepSeek-V4-Pro",
            Some((1.74, 3.48, Published)),
        );
        check(Platform::Baseten, "unknown/model", None);
        check(Platform::Custom("localhost".into()), "anything", None);
    }

    #[test]
    fn providers_as_data() {
        let (bt, fw) = (baseten(), fireworks());
        assert_eq!((bt.models.len(), fw.models.len()), (10, 7));
        let (bte, fwe) = (bt.endpoint(), fw.endpoint());
        assert_eq!(bte, Endpoint::baseten());
        assert_eq!(fwe, Endpoint::fireworks());
        assert_eq!(
            bte.chat_completions_url(),
            "https://inference.baseten.co/v1/chat/completions"
        );
        assert_eq!(
            fwe.chat_completions_url(),
            "https://api.fireworks.ai/inference/v1/chat/completions"
        );
        assert_eq!(
            (bte.host(), fwe.host()),
            ("inference.baseten.co", "api.fireworks.ai")
        );
        assert_eq!((bt.auth, fw.auth), (AuthScheme::ApiKey, AuthScheme::Bearer));
        assert!(bt.model(&bt.default_model).is_some() && fw.model(&fw.default_model).is_some());
        let unavailable: Vec<&str> = bt
            .models
            .iter()
            .chain(&fw.models)
            .filter(|m| !m.availability.is_available())
            .map(|m| m.label.as_str())
            .collect();
        assert_eq!(unavailable, ["MiniMax-M2.5", "GLM-5", "glm-5", "qwen3-8b"]);
        assert!(!bt.model("deepseek-ai/DeepSeek-V3.1").unwrap().json_mode);
        assert!(
            fw.model("accounts/fireworks/models/qwen3-8b")
                .unwrap()
                .reasoning_off
        );
        assert_eq!(provider(&Platform::Baseten), Some(bt));
        assert_eq!(provider(&Platform::Custom("x".into())), None);

        let local = custom(
            "local",
            "http://127.0.0.1:8080/v1/",
            &[("llama", Some((0.1, 0.2))), ("free", None)],
        )
        .unwrap();
        assert_eq!(local.endpoint().host(), "127.0.0.1:8080");
        assert_eq!(
            local.endpoint().chat_completions_url(),
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        assert_eq!(local.auth, AuthScheme::Bearer);
        assert_eq!(
            local.price_for("llama"),
            Some(Pricing {
                input: 0.1,
                output: 0.2,
                source: PriceSource::UserEntered
            })
        );
        assert_eq!(local.price_for("free"), None);
        assert_eq!(local.default_model, "llama");
        assert!(custom("bad", "ftp://x", &[]).is_err());
        assert!(custom("creds", "https://user:pw@host/v1", &[]).is_err());
        // Round-trips through JSON (the web app keeps a custom provider in storage).
        let back: ProviderCatalog =
            serde_json::from_str(&serde_json::to_string(&local).unwrap()).unwrap();
        assert_eq!(back, local);
    }
}
