//! Building one chat-completions request: where it goes, how it authenticates, and
//! the exact JSON body. Pure data in, pure data out — the adapters (browser fetch,
//! CLI reqwest) only send what this module describes.
//!
//! Key hygiene: the API key is never stored in an [`Endpoint`] and never formatted
//! into a URL or a body. [`AuthHeader`] is the only value that holds it, and its
//! `Debug` output is redacted, so a stray `{:?}` in a log cannot leak it.

use std::fmt;

use serde_json::{json, Map, Value};

/// Fireworks' OpenAI-compatible base URL.
pub const FIREWORKS_BASE_URL: &str = "https://api.fireworks.ai/inference/v1";
/// Baseten's Model APIs base URL.
pub const BASETEN_BASE_URL: &str = "https://inference.baseten.co/v1";

/// Sampling temperature of every benchmark call (as the original).
pub const TEMPERATURE: f64 = 0.0;
/// Output budget of every benchmark call (as the original).
pub const MAX_TOKENS: u32 = 1024;

/// Which provider a call goes to; decides the base URL, the auth scheme and the
/// per-model quirks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    Fireworks,
    Baseten,
    /// Any OpenAI-compatible endpoint (a local server, a gateway, the fixture).
    Custom,
}

/// How the key travels in the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>` (Fireworks, OpenAI, most servers).
    Bearer,
    /// `Authorization: Api-Key <key>` (Baseten).
    ApiKey,
}

impl AuthScheme {
    fn prefix(self) -> &'static str {
        match self {
            AuthScheme::Bearer => "Bearer",
            AuthScheme::ApiKey => "Api-Key",
        }
    }
}

/// A request target: provider, normalised base URL (no trailing slash) and auth scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub provider: Provider,
    pub base_url: String,
    pub auth: AuthScheme,
}

/// Why a base URL or key was refused before any request was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("base URL must start with http:// or https:// (got {0:?})")]
    BadScheme(String),
    #[error("base URL has no host (got {0:?})")]
    NoHost(String),
    #[error("base URL must not carry credentials (user:password@); pass the key separately")]
    CredentialsInUrl,
    #[error("base URL must not have a query string or fragment (got {0:?})")]
    QueryInUrl(String),
    #[error("base URL contains whitespace or control characters")]
    BadCharacters,
    #[error("the API key is empty")]
    EmptyKey,
    #[error("the API key contains characters that cannot go in an HTTP header (whitespace or control characters)")]
    KeyNotHeaderSafe,
}

impl Endpoint {
    pub fn fireworks() -> Endpoint {
        Endpoint {
            provider: Provider::Fireworks,
            base_url: FIREWORKS_BASE_URL.to_string(),
            auth: AuthScheme::Bearer,
        }
    }

    pub fn baseten() -> Endpoint {
        Endpoint {
            provider: Provider::Baseten,
            base_url: BASETEN_BASE_URL.to_string(),
            auth: AuthScheme::ApiKey,
        }
    }

    /// A custom OpenAI-compatible endpoint with Bearer auth. `base_url` is the part
    /// before `/chat/completions` (e.g. `http://127.0.0.1:8000/v1`). A URL whose host
    /// is Fireworks' or Baseten's gets that provider's auth scheme and quirks.
    pub fn custom(base_url: &str) -> Result<Endpoint, RequestError> {
        let base = normalise_base_url(base_url)?;
        let host = host_of(&base).to_ascii_lowercase();
        let (provider, auth) = if host == "api.fireworks.ai" {
            (Provider::Fireworks, AuthScheme::Bearer)
        } else if host.ends_with("baseten.co") {
            (Provider::Baseten, AuthScheme::ApiKey)
        } else {
            (Provider::Custom, AuthScheme::Bearer)
        };
        Ok(Endpoint {
            provider,
            base_url: base,
            auth,
        })
    }

    /// `POST` target: `{base}/chat/completions`.
    pub fn chat_completions_url(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }

    /// The host (and port) the key will be sent to — shown beside the key field.
    pub fn host(&self) -> &str {
        host_of(&self.base_url)
    }

    /// The `Authorization` header for `key`. Fails on an empty key or one that could
    /// not be sent as a header value (which would otherwise surface as an obscure
    /// transport error, possibly quoting the key).
    pub fn auth_header(&self, key: &str) -> Result<AuthHeader, RequestError> {
        let key = key.trim();
        if key.is_empty() {
            return Err(RequestError::EmptyKey);
        }
        if key
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(RequestError::KeyNotHeaderSafe);
        }
        Ok(AuthHeader {
            value: format!("{} {}", self.auth.prefix(), key),
        })
    }
}

/// The `Authorization` header value. `Debug`/`Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthHeader {
    value: String,
}

impl AuthHeader {
    /// Header name.
    pub const NAME: &'static str = "Authorization";

    /// The secret header value, for the transport only.
    pub fn expose(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for AuthHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.value.split(' ').next().unwrap_or("");
        write!(f, "AuthHeader({scheme} <redacted>)")
    }
}

fn normalise_base_url(raw: &str) -> Result<String, RequestError> {
    let url = raw.trim();
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RequestError::BadCharacters);
    }
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        r
    } else {
        return Err(RequestError::BadScheme(url.to_string()));
    };
    if url.contains('?') || url.contains('#') {
        return Err(RequestError::QueryInUrl(url.to_string()));
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return Err(RequestError::CredentialsInUrl);
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err(RequestError::NoHost(url.to_string()));
    }
    let mut base = url.trim_end_matches('/').to_string();
    // Accept a full endpoint URL too.
    if let Some(stripped) = base.strip_suffix("/chat/completions") {
        base = stripped.to_string();
    }
    Ok(base)
}

fn host_of(base: &str) -> &str {
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .unwrap_or(base);
    rest.split('/').next().unwrap_or(rest)
}

/// What a model needs beyond the common parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelProfile {
    /// Send `response_format: {type: json_object}` in JSON mode (false: the model or
    /// platform rejects or mishandles it; the answer is then parsed leniently).
    pub json_response_format: bool,
    /// Top-level fields merged into the body (e.g. `reasoning_effort: "none"`).
    pub extras: Map<String, Value>,
}

/// The quirks table: which models need which extra body fields.
///
/// * any model whose id contains `qwen3`: `reasoning_effort: "none"` (as the original,
///   so the answer is not preceded by a long hidden reasoning phase);
/// * DeepSeek-V3.1 on Baseten: no `response_format` (the published Baseten sweep
///   deliberately left it out; the original's live demo sending it was a defect).
pub fn model_profile(provider: &Provider, model: &str) -> ModelProfile {
    let id = model.to_ascii_lowercase();
    let mut extras = Map::new();
    if id.contains("qwen3") {
        extras.insert("reasoning_effort".into(), Value::from("none"));
    }
    let json_response_format =
        !(matches!(provider, Provider::Baseten) && id.contains("deepseek-v3.1"));
    ModelProfile {
        json_response_format,
        extras,
    }
}

/// The JSON body of `POST {base}/chat/completions` for one streamed call.
///
/// `messages` are `(role, content)` pairs (the agent's conversation), so any message
/// type can be passed without conversion. Streaming with
/// `stream_options.include_usage` so usage arrives even from OpenAI-style servers.
pub fn chat_body<'a>(
    endpoint: &Endpoint,
    model: &str,
    messages: impl IntoIterator<Item = (&'a str, &'a str)>,
    json_mode: bool,
) -> Value {
    let profile = model_profile(&endpoint.provider, model);
    let messages: Vec<Value> = messages
        .into_iter()
        .map(|(role, content)| json!({ "role": role, "content": content }))
        .collect();
    let mut body = Map::new();
    body.insert("model".into(), Value::from(model));
    body.insert("messages".into(), Value::Array(messages));
    body.insert("temperature".into(), json!(TEMPERATURE));
    body.insert("max_tokens".into(), json!(MAX_TOKENS));
    body.insert("stream".into(), Value::Bool(true));
    body.insert("stream_options".into(), json!({ "include_usage": true }));
    if json_mode && profile.json_response_format {
        body.insert("response_format".into(), json!({ "type": "json_object" }));
    }
    for (k, v) in profile.extras {
        body.insert(k, v);
    }
    Value::Object(body)
}

/// Replaces every occurrence of `secret` in `text` with `<redacted>`. Used on any text
/// that came back from a server (error bodies may echo the key) before it is shown.
pub fn scrub(text: &str, secret: &str) -> String {
    let secret = secret.trim();
    if secret.is_empty() || !text.contains(secret) {
        return text.to_string();
    }
    text.replace(secret, "<redacted>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_url(input: &str, expected: Result<(&str, Provider, AuthScheme), RequestError>) {
        let got = Endpoint::custom(input).map(|e| (e.base_url.clone(), e.provider, e.auth));
        let expected = expected.map(|(b, p, a)| (b.to_string(), p, a));
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn custom_base_urls() {
        use AuthScheme::*;
        use Provider::*;
        check_url(
            "http://127.0.0.1:8000/v1",
            Ok(("http://127.0.0.1:8000/v1", Custom, Bearer)),
        );
        check_url(
            " http://127.0.0.1:8000/v1/ ",
            Ok(("http://127.0.0.1:8000/v1", Custom, Bearer)),
        );
        check_url(
            "http://localhost:9/v1/chat/completions",
            Ok(("http://localhost:9/v1", Custom, Bearer)),
        );
        check_url(
            "https://api.fireworks.ai/inference/v1",
            Ok(("https://api.fireworks.ai/inference/v1", Fireworks, Bearer)),
        );
        check_url(
            "https://inference.baseten.co/v1",
            Ok(("https://inference.baseten.co/v1", Baseten, ApiKey)),
        );
        check_url(
            "ftp://x/v1",
            Err(RequestError::BadScheme("ftp://x/v1".into())),
        );
        check_url(
            "127.0.0.1:8000",
            Err(RequestError::BadScheme("127.0.0.1:8000".into())),
        );
        check_url("http://", Err(RequestError::NoHost("http://".into())));
        check_url(
            "http://:80/v1",
            Err(RequestError::NoHost("http://:80/v1".into())),
        );
        check_url(
            "http://user:sk-1@host/v1",
            Err(RequestError::CredentialsInUrl),
        );
        check_url(
            "http://host/v1?key=sk-1",
            Err(RequestError::QueryInUrl("http://host/v1?key=sk-1".into())),
        );
        check_url("http://ho st/v1", Err(RequestError::BadCharacters));
    }

    #[test]
    fn provider_endpoints() {
        let fw = Endpoint::fireworks();
        assert_eq!(
            fw.chat_completions_url(),
            "https://api.fireworks.ai/inference/v1/chat/completions"
        );
        assert_eq!(fw.host(), "api.fireworks.ai");
        let bt = Endpoint::baseten();
        assert_eq!(
            bt.chat_completions_url(),
            "https://inference.baseten.co/v1/chat/completions"
        );
        assert_eq!(bt.host(), "inference.baseten.co");
        assert_eq!(
            Endpoint::custom("http://127.0.0.1:5/v1").unwrap().host(),
            "127.0.0.1:5"
        );
    }

    fn check_auth(endpoint: &Endpoint, key: &str, expected: Result<&str, RequestError>) {
        let got = endpoint.auth_header(key).map(|h| h.expose().to_string());
        assert_eq!(got, expected.map(str::to_string), "key {key:?}");
    }

    #[test]
    fn auth_headers() {
        check_auth(&Endpoint::fireworks(), "fw_abc", Ok("Bearer fw_abc"));
        check_auth(&Endpoint::baseten(), " bt123 \n", Ok("Api-Key bt123"));
        check_auth(
            &Endpoint::custom("http://h/v1").unwrap(),
            "k",
            Ok("Bearer k"),
        );
        check_auth(&Endpoint::fireworks(), "   ", Err(RequestError::EmptyKey));
        check_auth(
            &Endpoint::fireworks(),
            "a b",
            Err(RequestError::KeyNotHeaderSafe),
        );
        check_auth(
            &Endpoint::fireworks(),
            "a\u{7f}b",
            Err(RequestError::KeyNotHeaderSafe),
        );
        check_auth(
            &Endpoint::fireworks(),
            "clé",
            Err(RequestError::KeyNotHeaderSafe),
        );
    }

    #[test]
    fn auth_header_debug_is_redacted() {
        let h = Endpoint::baseten().auth_header("secret-key-123").unwrap();
        let dbg = format!("{h:?}");
        assert!(!dbg.contains("secret-key-123"), "{dbg}");
        assert_eq!(dbg, "AuthHeader(Api-Key <redacted>)");
        let err = Endpoint::custom("http://u:secret-key-123@h/v1")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret-key-123"), "{err}");
    }

    fn check_body(endpoint: &Endpoint, model: &str, json_mode: bool, expected: Value) {
        let msgs = [("system", "S"), ("user", "Q")];
        let got = chat_body(endpoint, model, msgs, json_mode);
        assert_eq!(got, expected, "model {model}, json_mode {json_mode}");
    }

    #[test]
    fn bodies() {
        let base = |model: &str| {
            json!({
                "model": model,
                "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}],
                "temperature": 0.0, "max_tokens": 1024, "stream": true,
                "stream_options": {"include_usage": true},
            })
        };
        let with = |mut v: Value, k: &str, x: Value| {
            v.as_object_mut().unwrap().insert(k.into(), x);
            v
        };
        let fw = Endpoint::fireworks();
        let bt = Endpoint::baseten();
        let json_fmt = json!({"type": "json_object"});
        check_body(&fw, "m", false, base("m"));
        check_body(
            &fw,
            "m",
            true,
            with(base("m"), "response_format", json_fmt.clone()),
        );
        check_body(
            &fw,
            "accounts/fireworks/models/qwen3-8b",
            false,
            with(
                base("accounts/fireworks/models/qwen3-8b"),
                "reasoning_effort",
                json!("none"),
            ),
        );
        check_body(
            &fw,
            "Qwen3-32B",
            true,
            with(
                with(base("Qwen3-32B"), "response_format", json_fmt.clone()),
                "reasoning_effort",
                json!("none"),
            ),
        );
        // DeepSeek-V3.1 on Baseten: JSON mode without response_format.
        check_body(
            &bt,
            "deepseek-ai/DeepSeek-V3.1",
            true,
            base("deepseek-ai/DeepSeek-V3.1"),
        );
        // …but the same id elsewhere still gets it.
        check_body(
            &fw,
            "deepseek-ai/DeepSeek-V3.1",
            true,
            with(
                base("deepseek-ai/DeepSeek-V3.1"),
                "response_format",
                json_fmt,
            ),
        );
    }

    #[test]
    fn body_never_holds_the_key() {
        let ep = Endpoint::fireworks();
        let _auth = ep.auth_header("fw_secret").unwrap();
        let body = chat_body(&ep, "m", [("user", "q")], true).to_string();
        assert!(!body.contains("fw_secret"));
        assert!(!ep.chat_completions_url().contains("fw_secret"));
    }

    #[test]
    fn scrubbing() {
        let cases = [
            (
                "Incorrect API key provided: sk-123",
                "sk-123",
                "Incorrect API key provided: <redacted>",
            ),
            ("sk-1 and sk-1", "sk-1", "<redacted> and <redacted>"),
            ("nothing here", "sk-1", "nothing here"),
            ("empty secret", "", "empty secret"),
        ];
        for (text, secret, want) in cases {
            assert_eq!(scrub(text, secret), want);
        }
    }
}
