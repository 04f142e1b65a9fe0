//! Where an API key may go, and what to say about it as the user types.
//!
//! A key is bound to the host it was entered for ([`BoundKey`]). It can only be
//! handed to a request for that same host, so a key typed for one provider is never
//! sent to another — the original's latency tab sent a Baseten key to Fireworks.
//! Switching provider (or pointing a custom endpoint at another host) makes the key
//! unusable, and the page then clears it.
//!
//! The key is kept in memory. Only when the user opts in is it kept in the tab's
//! `sessionStorage`, as a [`session_entry`] that also names its host, so a stored
//! key is restored only for the host it belongs to.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Level;
use crate::live::request::{Endpoint, Provider};

/// The `sessionStorage` item that holds an opted-in key.
pub const SESSION_STORAGE_ITEM: &str = "sqlsweep.live.key";

/// An API key and the host it may be sent to. `Debug` never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct BoundKey {
    host: String,
    secret: String,
}

impl fmt::Debug for BoundKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BoundKey({} <redacted>)", self.host)
    }
}

/// Why no key can be used for a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("no API key: paste a {provider} key in the key bar to run live calls")]
    Missing { provider: String },
    #[error(
        "the key in the key bar was entered for {bound}; it is never sent to {target}. \
         Paste a key for {target}"
    )]
    OtherHost { bound: String, target: String },
}

impl BoundKey {
    /// Binds `secret` (trimmed) to `host`; `None` when the key is empty.
    pub fn new(host: &str, secret: &str) -> Option<BoundKey> {
        let secret = secret.trim();
        (!secret.is_empty()).then(|| BoundKey {
            host: host.to_ascii_lowercase(),
            secret: secret.to_string(),
        })
    }

    /// The host this key may be sent to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether the key may go to `endpoint`.
    pub fn fits(&self, endpoint: &Endpoint) -> bool {
        self.host.eq_ignore_ascii_case(endpoint.host())
    }

    /// The key, for the `Authorization` header of a request to `endpoint` only.
    pub fn secret_for(&self, endpoint: &Endpoint) -> Result<&str, KeyError> {
        if self.fits(endpoint) {
            Ok(&self.secret)
        } else {
            Err(KeyError::OtherHost {
                bound: self.host.clone(),
                target: endpoint.host().to_string(),
            })
        }
    }

    /// Removes the key from text that came back from a server or a browser API.
    pub fn scrub(&self, text: &str) -> String {
        crate::live::request::scrub(text, &self.secret)
    }

    /// The advisory check of this key for `endpoint` (see [`check_key`]).
    pub fn check(&self, endpoint: &Endpoint) -> KeyCheck {
        check_key(endpoint, &self.secret)
    }

    /// Removes the key from every server-provided text of a call record.
    pub fn scrub_record(&self, record: &mut crate::live::stream::CallRecord) {
        record.scrub(&self.secret);
    }
}

/// The key for a request to `endpoint`, if the user gave one for that host.
/// `provider` names the provider in the error ("Fireworks").
pub fn key_for<'a>(
    key: Option<&'a BoundKey>,
    endpoint: &Endpoint,
    provider: &str,
) -> Result<&'a str, KeyError> {
    match key {
        None => Err(KeyError::Missing {
            provider: provider.to_string(),
        }),
        Some(k) => k.secret_for(endpoint),
    }
}

/// An advisory check of a key as typed (it never blocks a call except for keys that
/// cannot be sent in a header at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    pub level: Level,
    pub message: String,
}

/// Checks `key` for `endpoint`: shape hints per provider, header safety, and a warning
/// when a key would travel unencrypted to a host other than this machine.
pub fn check_key(endpoint: &Endpoint, key: &str) -> KeyCheck {
    let host = endpoint.host();
    let sent_to = format!("Sent only to {host}.");
    let key = key.trim();
    let check = |level, message: String| KeyCheck { level, message };
    if key.is_empty() {
        return check(
            Level::Warn,
            format!("No key yet. Kept in memory only (never in the URL or logs). {sent_to}"),
        );
    }
    if endpoint.auth_header(key).is_err() {
        return check(
            Level::Bad,
            "The key contains spaces, control or non-ASCII characters and cannot be sent in a \
             header; paste it again."
                .to_string(),
        );
    }
    if endpoint.base_url.starts_with("http://") && !is_loopback(host) {
        return check(
            Level::Warn,
            format!("{host} is plain http: the key would travel unencrypted. Use https."),
        );
    }
    match endpoint.provider {
        Provider::Fireworks if key.starts_with("fw_") && key.len() > 20 => {
            check(Level::Ok, format!("Looks like a Fireworks key. {sent_to}"))
        }
        Provider::Fireworks => check(
            Level::Warn,
            format!(
                "Does not look like a Fireworks key (expected fw_…); it will be tried anyway. \
                 {sent_to}"
            ),
        ),
        Provider::Baseten if key.len() >= 12 => {
            check(Level::Ok, format!("Baseten key set. {sent_to}"))
        }
        Provider::Baseten => check(
            Level::Warn,
            format!("The key looks short for a Baseten key; it will be tried anyway. {sent_to}"),
        ),
        Provider::Custom => check(Level::Ok, format!("Key set. {sent_to}")),
    }
}

/// `127.0.0.1`, `localhost`, `[::1]` (with or without a port).
fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost" || name == "::1" || name.starts_with("127.")
}

#[derive(Serialize, Deserialize)]
struct SessionEntry {
    host: String,
    key: String,
}

/// The `sessionStorage` value for an opted-in key (it names the key's host).
pub fn session_entry(key: &BoundKey) -> String {
    serde_json::json!({ "host": key.host, "key": key.secret }).to_string()
}

/// The stored key, if `text` is a valid entry for `host`; anything else (another host,
/// a malformed entry) is ignored and should be removed.
pub fn restore_session_entry(text: &str, host: &str) -> Option<BoundKey> {
    let entry: SessionEntry = serde_json::from_str(text).ok()?;
    if !entry.host.eq_ignore_ascii_case(host) {
        return None;
    }
    BoundKey::new(&entry.host, &entry.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(base: &str) -> Endpoint {
        Endpoint::custom(base).unwrap()
    }

    fn check(endpoint: &Endpoint, key: &str, level: Level, needle: &str) {
        let got = check_key(endpoint, key);
        assert_eq!(
            got.level,
            level,
            "{key:?} at {}: {}",
            endpoint.host(),
            got.message
        );
        assert!(
            got.message.contains(needle),
            "{key:?}: {:?} lacks {needle:?}",
            got.message
        );
        assert!(
            key.trim().is_empty() || !got.message.contains(key.trim()),
            "the message quotes the key: {}",
            got.message
        );
    }

    #[test]
    fn advisory_checks() {
        let fw = Endpoint::fireworks();
        let bt = Endpoint::baseten();
        let local = ep("http://127.0.0.1:8000/v1");
        let cases = [
            (&fw, "", Level::Warn, "Sent only to api.fireworks.ai."),
            (
                &fw,
                "fw_0123456789abcdefghij",
                Level::Ok,
                "Looks like a Fireworks key",
            ),
            (&fw, "fw_short", Level::Warn, "expected fw_"),
            (&fw, "sk-0123456789abcdefghij", Level::Warn, "expected fw_"),
            (
                &bt,
                "abcdefghijkl",
                Level::Ok,
                "Sent only to inference.baseten.co.",
            ),
            (&bt, "abc", Level::Warn, "looks short"),
            (
                &local,
                "sk-local-1",
                Level::Ok,
                "Sent only to 127.0.0.1:8000.",
            ),
            (
                &ep("http://localhost/v1"),
                "sk-local-1",
                Level::Ok,
                "Sent only to localhost",
            ),
            (
                &ep("http://[::1]:9/v1"),
                "sk-local-1",
                Level::Ok,
                "Sent only to [::1]:9",
            ),
            (
                &ep("http://example.com/v1"),
                "sk-local-1",
                Level::Warn,
                "unencrypted",
            ),
            (
                &ep("https://example.com/v1"),
                "sk-local-1",
                Level::Ok,
                "Sent only to example.com",
            ),
            (&fw, "fw_abc def", Level::Bad, "cannot be sent in a header"),
            (&fw, "fw_clé_0123456789abcdef", Level::Bad, "cannot be sent"),
        ];
        for (endpoint, key, level, needle) in cases {
            check(endpoint, key, level, needle);
        }
    }

    #[test]
    fn a_key_goes_only_to_its_host() {
        let fw = Endpoint::fireworks();
        let bt = Endpoint::baseten();
        let key = BoundKey::new(bt.host(), "  bt-secret-123 ").unwrap();
        assert_eq!(key.secret_for(&bt), Ok("bt-secret-123"));
        let err = key.secret_for(&fw).unwrap_err();
        assert_eq!(
            err,
            KeyError::OtherHost {
                bound: "inference.baseten.co".into(),
                target: "api.fireworks.ai".into()
            }
        );
        assert!(!err.to_string().contains("bt-secret-123"));
        // A custom endpoint on another port is another host.
        let k = BoundKey::new("127.0.0.1:8000", "k1").unwrap();
        assert!(k.fits(&ep("http://127.0.0.1:8000/v1")));
        assert!(!k.fits(&ep("http://127.0.0.1:8001/v1")));
        assert_eq!(BoundKey::new("h", "   "), None);
        assert_eq!(
            key_for(None, &fw, "Fireworks").unwrap_err().to_string(),
            "no API key: paste a Fireworks key in the key bar to run live calls"
        );
        assert_eq!(key_for(Some(&key), &bt, "Baseten"), Ok("bt-secret-123"));
    }

    #[test]
    fn debug_and_scrub_hide_the_key() {
        let key = BoundKey::new("api.fireworks.ai", "fw_secret_value").unwrap();
        assert_eq!(format!("{key:?}"), "BoundKey(api.fireworks.ai <redacted>)");
        assert_eq!(
            key.scrub("Invalid key fw_secret_value."),
            "Invalid key <redacted>."
        );
        let mut m = crate::live::stream::CallMachine::new(0.0);
        m.headers(1.0, 401, |_| None);
        m.body(2.0, br#"{"error":{"message":"bad key fw_secret_value"}}"#);
        m.end(3.0, true);
        let mut rec = m.finish();
        key.scrub_record(&mut rec);
        let msg = rec.error_message.unwrap();
        assert!(msg.contains("bad key <redacted>"), "{msg}");
    }

    #[test]
    fn session_entries_restore_only_for_their_host() {
        let key = BoundKey::new("127.0.0.1:9", "sk-1").unwrap();
        let text = session_entry(&key);
        let cases: [(&str, &str, Option<&BoundKey>); 5] = [
            (&text, "127.0.0.1:9", Some(&key)),
            (&text, "127.0.0.1:10", None),
            ("not json", "127.0.0.1:9", None),
            (r#"{"host":"127.0.0.1:9"}"#, "127.0.0.1:9", None),
            (r#"{"host":"127.0.0.1:9","key":"  "}"#, "127.0.0.1:9", None),
        ];
        for (stored, host, want) in cases {
            assert_eq!(
                restore_session_entry(stored, host).as_ref(),
                want,
                "{stored} for {host}"
            );
        }
    }
}
