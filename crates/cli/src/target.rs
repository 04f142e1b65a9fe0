//! Where a run's requests go and with which key: `--base-url` and/or `--provider`,
//! the key from the provider's environment variable (`FIREWORKS_API_KEY`,
//! `BASETEN_API_KEY`) or `SQLSWEEP_API_KEY` for any other endpoint. The key is read
//! once, kept out of every URL, file and message, and only ever placed in the
//! `Authorization` header by the transport.

use sqlsweep_core::live::request::{AuthHeader, AuthScheme, Endpoint, Provider};

use crate::cmd::probe::ProviderArg;

/// The endpoint flags shared by `sweep`, `load`, `ask` and `calibrate`.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// OpenAI-compatible base URL (the part before /chat/completions). Defaults to the
    /// provider's URL when --provider is given.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Provider conventions: key from FIREWORKS_API_KEY / BASETEN_API_KEY and its auth
    /// scheme. Without it the key comes from SQLSWEEP_API_KEY, sent as a Bearer token.
    #[arg(long, value_enum)]
    pub provider: Option<ProviderArg>,
}

/// A resolved endpoint with its key.
pub struct Target {
    pub endpoint: Endpoint,
    pub auth: AuthHeader,
    /// For scrubbing server text only.
    pub key: String,
}

impl TargetArgs {
    /// The endpoint and the name of the variable its key comes from.
    pub fn endpoint(&self) -> Result<(Endpoint, &'static str), String> {
        let mut endpoint = match (&self.base_url, self.provider) {
            (Some(url), _) => Endpoint::custom(url).map_err(|e| format!("--base-url: {e}"))?,
            (None, Some(ProviderArg::Fireworks)) => Endpoint::fireworks(),
            (None, Some(ProviderArg::Baseten)) => Endpoint::baseten(),
            (None, None) => {
                return Err("give --base-url URL (or --provider fireworks|baseten)".into())
            }
        };
        let var = match self.provider {
            Some(ProviderArg::Fireworks) => {
                endpoint.provider = Provider::Fireworks;
                endpoint.auth = AuthScheme::Bearer;
                "FIREWORKS_API_KEY"
            }
            Some(ProviderArg::Baseten) => {
                endpoint.provider = Provider::Baseten;
                endpoint.auth = AuthScheme::ApiKey;
                "BASETEN_API_KEY"
            }
            None => "SQLSWEEP_API_KEY",
        };
        Ok((endpoint, var))
    }

    /// The endpoint and the key from the environment; an error names what is missing.
    pub fn resolve(&self) -> Result<Target, String> {
        let (endpoint, var) = self.endpoint()?;
        let key = std::env::var(var).unwrap_or_default().trim().to_string();
        if key.is_empty() {
            return Err(format!("no API key: set {var}"));
        }
        with_key(endpoint, key).map_err(|e| format!("{var}: {e}"))
    }
}

/// A target for `endpoint` with `key`.
pub fn with_key(endpoint: Endpoint, key: String) -> Result<Target, String> {
    let auth = endpoint.auth_header(&key).map_err(|e| e.to_string())?;
    Ok(Target {
        endpoint,
        auth,
        key,
    })
}
