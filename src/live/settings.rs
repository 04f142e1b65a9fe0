//! The connection settings of the live demo and the key bar that edits them:
//! provider (Baseten, Fireworks, or a custom OpenAI-compatible endpoint with rates
//! the user enters), the API key bound to the exact host it will be sent to, and the
//! per-call time limit.
//!
//! Key hygiene (decisions in `sqlsweep_core::demo::key`): the key lives in memory
//! and in the password field only; the field is never given a `value` attribute, so
//! the key is not in the DOM's text or markup; it is cleared whenever the target host
//! changes (provider switch, or a custom URL on another host); only an explicit
//! opt-in keeps it in this tab's `sessionStorage`, together with its host.

use leptos::prelude::*;
use sqlsweep_core::catalog;
use sqlsweep_core::demo::key::{
    check_key, restore_session_entry, session_entry, BoundKey, SESSION_STORAGE_ITEM,
};
use sqlsweep_core::demo::side::user_pricing;
use sqlsweep_core::live::request::Endpoint;
use sqlsweep_core::sweep::{Platform, Pricing};

/// Which provider the demo talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderChoice {
    Baseten,
    Fireworks,
    Custom,
}

impl ProviderChoice {
    /// In the order of the toggle (Baseten first, as the original).
    pub const ALL: [ProviderChoice; 3] = [
        ProviderChoice::Baseten,
        ProviderChoice::Fireworks,
        ProviderChoice::Custom,
    ];

    /// The URL value.
    pub fn key(self) -> &'static str {
        match self {
            ProviderChoice::Baseten => "baseten",
            ProviderChoice::Fireworks => "fireworks",
            ProviderChoice::Custom => "custom",
        }
    }

    pub fn from_key(s: &str) -> Option<ProviderChoice> {
        ProviderChoice::ALL.into_iter().find(|p| p.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderChoice::Baseten => "Baseten",
            ProviderChoice::Fireworks => "Fireworks",
            ProviderChoice::Custom => "Custom endpoint",
        }
    }

    /// The built-in catalog (models, rates), for the two known providers.
    pub fn catalog(self) -> Option<catalog::ProviderCatalog> {
        match self {
            ProviderChoice::Baseten => Some(catalog::baseten()),
            ProviderChoice::Fireworks => Some(catalog::fireworks()),
            ProviderChoice::Custom => None,
        }
    }
}

/// The settings, shared by the key bar, both sides and the probe.
#[derive(Clone, Copy)]
pub struct LiveSettings {
    pub choice: RwSignal<ProviderChoice>,
    /// Base URL of the custom endpoint (`http://127.0.0.1:8000/v1`).
    pub custom_base: RwSignal<String>,
    /// Rates typed for the custom endpoint, USD per million tokens.
    pub custom_input_rate: RwSignal<String>,
    pub custom_output_rate: RwSignal<String>,
    /// The key and the host it may go to.
    pub key: RwSignal<Option<BoundKey>>,
    /// The user opted in to keeping the key in this tab's sessionStorage.
    pub remember: RwSignal<bool>,
    /// Limit for one HTTP attempt, headers and body, in seconds.
    pub timeout_s: RwSignal<f64>,
}

/// The default per-attempt limit (the original used 15 s for the headers only;
/// this one covers the whole response, so it is longer).
pub const DEFAULT_TIMEOUT_S: f64 = 30.0;

impl LiveSettings {
    pub fn new(choice: ProviderChoice, custom_base: String) -> LiveSettings {
        LiveSettings {
            choice: RwSignal::new(choice),
            custom_base: RwSignal::new(custom_base),
            custom_input_rate: RwSignal::new(String::new()),
            custom_output_rate: RwSignal::new(String::new()),
            key: RwSignal::new(None),
            remember: RwSignal::new(false),
            timeout_s: RwSignal::new(DEFAULT_TIMEOUT_S),
        }
    }

    /// Where calls go (tracked), or why the custom URL is unusable.
    pub fn endpoint(&self) -> Result<Endpoint, String> {
        match self.choice.get() {
            ProviderChoice::Baseten => Ok(Endpoint::baseten()),
            ProviderChoice::Fireworks => Ok(Endpoint::fireworks()),
            ProviderChoice::Custom => {
                let base = self.custom_base.get();
                if base.trim().is_empty() {
                    return Err(
                        "enter the base URL of the custom endpoint (e.g. http://127.0.0.1:8000/v1)"
                            .into(),
                    );
                }
                Endpoint::custom(&base).map_err(|e| format!("custom endpoint: {e}"))
            }
        }
    }

    /// Display name of the provider ("Custom endpoint").
    pub fn provider_name(&self) -> &'static str {
        self.choice.get().label()
    }

    /// The per-attempt limit in milliseconds.
    pub fn timeout_ms(&self) -> f64 {
        let s = self.timeout_s.get();
        if s.is_finite() && s > 0.0 {
            s * 1000.0
        } else {
            DEFAULT_TIMEOUT_S * 1000.0
        }
    }

    /// The rate of `model`: the catalog's (Fireworks models it lacks are priced at
    /// Kimi K2.6's rate, marked as a proxy), or the typed rates for a custom endpoint.
    pub fn pricing(&self, model: &str) -> Result<Option<Pricing>, String> {
        match self.choice.get() {
            ProviderChoice::Baseten => Ok(catalog::price_for(&Platform::Baseten, model)),
            ProviderChoice::Fireworks => Ok(catalog::price_for(&Platform::Fireworks, model)),
            ProviderChoice::Custom => user_pricing(
                &self.custom_input_rate.get(),
                &self.custom_output_rate.get(),
            ),
        }
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn forget_stored_key() {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(SESSION_STORAGE_ITEM);
    }
}

fn store_key(key: &BoundKey) {
    if let Some(s) = session_storage() {
        let _ = s.set_item(SESSION_STORAGE_ITEM, &session_entry(key));
    }
}

/// Provider toggle, custom endpoint fields, password field with the exact host the
/// key goes to, advisory check, sessionStorage opt-in and the time limit.
#[component]
pub fn KeyBar(settings: LiveSettings) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let host = Memo::new(move |_| settings.endpoint().ok().map(|e| e.host().to_string()));

    // The key follows its host: a different host clears it (memory, field, storage);
    // a stored key for the current host is restored.
    Effect::new(move |_| {
        let host = host.get();
        let current = settings.key.get_untracked();
        if let Some(k) = &current {
            if Some(k.host()) != host.as_deref() {
                settings.key.set(None);
                settings.remember.set(false);
                forget_stored_key();
                if let Some(el) = input.get_untracked() {
                    el.set_value("");
                }
            }
        }
        if settings.key.get_untracked().is_none() {
            let stored =
                session_storage().and_then(|s| s.get_item(SESSION_STORAGE_ITEM).ok().flatten());
            if let Some(text) = stored {
                match host
                    .as_deref()
                    .and_then(|h| restore_session_entry(&text, h))
                {
                    Some(k) => {
                        settings.key.set(Some(k));
                        settings.remember.set(true);
                    }
                    None => forget_stored_key(),
                }
            }
        }
    });

    let on_key = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let Some(host) = host.get_untracked() else {
            settings.key.set(None);
            return;
        };
        let key = BoundKey::new(&host, &text);
        match (&key, settings.remember.get_untracked()) {
            (Some(k), true) => store_key(k),
            (None, _) => forget_stored_key(),
            _ => {}
        }
        settings.key.set(key);
    };
    let on_remember = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        settings.remember.set(on);
        match (on, settings.key.get_untracked()) {
            (true, Some(k)) => store_key(&k),
            _ => forget_stored_key(),
        }
    };
    let choose = move |p: ProviderChoice| {
        if settings.choice.get_untracked() != p {
            settings.choice.set(p);
        }
    };

    let check = move || -> (String, String) {
        match settings.endpoint() {
            Err(e) => ("bad".into(), e),
            Ok(ep) => {
                let c = match settings.key.get() {
                    Some(k) if k.fits(&ep) => k.check(&ep),
                    _ => check_key(&ep, ""),
                };
                let kept = if settings.remember.get() && settings.key.get().is_some() {
                    " Kept in this tab's sessionStorage until the tab closes or the provider changes."
                } else {
                    ""
                };
                (c.level.name().to_string(), format!("{}{kept}", c.message))
            }
        }
    };

    let toggle = ProviderChoice::ALL
        .into_iter()
        .map(|p| {
            view! {
                <button
                    type="button"
                    class="seg"
                    data-provider=p.key()
                    aria-pressed=move || (settings.choice.get() == p).to_string()
                    on:click=move |_| choose(p)
                >
                    {p.label()}
                </button>
            }
        })
        .collect_view();

    view! {
        <section class="card key-bar" data-testid="key-bar" aria-label="Provider and API key">
            <div class="row">
                <div class="segmented" role="group" aria-label="Provider">{toggle}</div>
                <Show when=move || settings.choice.get() == ProviderChoice::Custom>
                    <label class="field grow">
                        "Base URL "
                        <input
                            type="url"
                            data-testid="custom-base"
                            placeholder="http://127.0.0.1:8000/v1"
                            prop:value=move || settings.custom_base.get()
                            on:change=move |ev| settings.custom_base.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="field rate">
                        "$/M in "
                        <input
                            type="text"
                            inputmode="decimal"
                            data-testid="rate-in"
                            prop:value=move || settings.custom_input_rate.get()
                            on:change=move |ev| settings.custom_input_rate.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="field rate">
                        "$/M out "
                        <input
                            type="text"
                            inputmode="decimal"
                            data-testid="rate-out"
                            prop:value=move || settings.custom_output_rate.get()
                            on:change=move |ev| settings.custom_output_rate.set(event_target_value(&ev))
                        />
                    </label>
                </Show>
            </div>
            <div class="row">
                <label class="field grow">
                    {move || format!("{} API key ", settings.provider_name())}
                    <input
                        type="password"
                        node_ref=input
                        data-testid="api-key"
                        data-no-url=""
                        autocomplete="off"
                        spellcheck="false"
                        on:input=on_key
                    />
                </label>
                <span class="host" data-testid="key-host">
                    "→ "
                    {move || host.get().unwrap_or_else(|| "no valid endpoint".into())}
                </span>
                <label class="field check">
                    <input type="checkbox" data-testid="remember-key" data-no-url="" prop:checked=move || settings.remember.get() on:change=on_remember />
                    " keep for this tab (sessionStorage)"
                </label>
                <label class="field timeout">
                    "limit "
                    <input
                        type="number"
                        min="1"
                        max="600"
                        step="1"
                        data-testid="timeout"
                        data-no-url=""
                        prop:value=move || settings.timeout_s.get().to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                settings.timeout_s.set(v.clamp(1.0, 600.0));
                            }
                        }
                    />
                    " s per call"
                </label>
            </div>
            {move || {
                let (level, message) = check();
                view! { <p class=format!("key-status {level}") data-testid="key-status" role="status">{message}</p> }
            }}
        </section>
    }
}
