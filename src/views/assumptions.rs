//! The editable assumptions (GPU price, GPT-5.4 rates, volume, …) as view state:
//! read from the URL query of the current view (`#/cost?gpu_hour=3&volume=90000`),
//! written back on every valid edit — the URL is their only home, so a link or a
//! reload shows exactly what was shared — and shown in a panel of inputs whose
//! invalid values get a message while the figures keep the last valid ones. The
//! panel links to the other views that use them, with the same values.
//!
//! The values, their keys, defaults and validation are the core's
//! (`analysis::assumptions`); this module only moves them between the URL, the
//! inputs and the views.

use leptos::prelude::*;
use sqlsweep_core::analysis::assumptions::Assumptions;

use crate::router::{use_hash_location, HashLocation, HashRouter, Query, Route, Target};

/// Every assumption's URL key, in the core's display order.
pub fn keys() -> Vec<&'static str> {
    Assumptions::default()
        .rows()
        .into_iter()
        .map(|r| r.key)
        .collect()
}

/// The assumptions a query carries (keys that are not assumptions are ignored: they
/// belong to the view), with a message for every value that was rejected.
pub fn from_query(q: &Query) -> (Assumptions, Vec<String>) {
    let present: Vec<(&str, &str)> = keys()
        .into_iter()
        .filter_map(|k| q.get(k).map(|v| (k, v)))
        .collect();
    Assumptions::from_pairs(present)
}

/// `q` with its assumption keys replaced by those of `a` that differ from the
/// defaults (the view's own keys are kept, in place).
pub fn to_query(q: Query, a: &Assumptions) -> Query {
    let mut q = keys().into_iter().fold(q, |q, k| q.with(k, None));
    for (k, v) in a.to_pairs() {
        q.set(k, &v);
    }
    q
}

/// The views whose figures rest on the assumptions.
pub const VIEWS_WITH_ASSUMPTIONS: [Route; 5] = [
    Route::Overview,
    Route::Platforms,
    Route::Cost,
    Route::Insights,
    Route::Latency,
];

/// A link to `route` carrying the assumptions of `a` that differ from the defaults.
pub fn href_with(route: Route, a: &Assumptions) -> String {
    HashLocation {
        target: Target::View(route),
        query: to_query(Query::default(), a),
    }
    .to_hash()
}

/// The current view's assumptions and how to change them.
#[derive(Clone, Copy)]
pub struct ViewAssumptions {
    /// The valid assumptions in force (defaults for anything the URL does not set).
    pub current: Memo<Assumptions>,
    /// Values in the URL that were rejected (each names key, value and problem).
    pub url_problems: Memo<Vec<String>>,
    router: HashRouter,
}

impl ViewAssumptions {
    /// Sets one assumption from text. On success the URL (and every figure) follows;
    /// on error nothing changes and the message says what was wrong.
    pub fn apply(&self, key: &str, value: &str) -> Result<(), String> {
        let mut a = self.current.get_untracked();
        a.set(key, value)?;
        self.replace(&a);
        Ok(())
    }

    /// Back to the defaults.
    pub fn reset(&self) {
        self.replace(&Assumptions::default());
    }

    fn replace(&self, a: &Assumptions) {
        let q = self.router.location.get_untracked().query;
        self.router.replace_query(to_query(q, a));
    }
}

/// The assumptions of the view being shown, from its URL.
pub fn use_view_assumptions() -> ViewAssumptions {
    let router = use_hash_location();
    let parsed = Memo::new(move |_| from_query(&router.location.get().query));
    let current = Memo::new(move |_| parsed.with(|p| p.0.clone()));
    let url_problems = Memo::new(move |_| parsed.with(|p| p.1.clone()));
    ViewAssumptions {
        current,
        url_problems,
        router,
    }
}

/// How an assumption is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A number (`type=number`).
    Number,
    /// A `LOW-HIGH` range.
    Range,
    /// A model id.
    Model,
}

/// The `step` of a number input: hundredths for shares, free otherwise.
pub fn input_step(key: &str) -> &'static str {
    match key {
        "direct_discount" | "ship_acc" => "0.01",
        _ => "any",
    }
}

pub fn input_kind(key: &str) -> InputKind {
    match key {
        "ft_hours" | "fp8_loss" | "fp4_loss" => InputKind::Range,
        "reference" => InputKind::Model,
        _ => InputKind::Number,
    }
}

/// The assumptions panel: the view's own assumptions as inputs, the others behind a
/// disclosure, problems from the URL, and a reset.
#[component]
pub fn AssumptionsPanel(
    state: ViewAssumptions,
    /// The keys this view's figures rest on, shown first.
    primary: &'static [&'static str],
    /// Model ids offered for the "reference" assumption.
    #[prop(optional, into)]
    models: Option<Signal<Vec<String>>>,
    /// Optional heading text.
    #[prop(optional)]
    title: Option<&'static str>,
) -> impl IntoView {
    let others: Vec<&'static str> = keys()
        .into_iter()
        .filter(|k| !primary.contains(k))
        .collect();
    let changed = move || state.current.with(|a| a.to_pairs().len());
    let list_id = "assumption-models";
    let models_list = models.map(|m| {
        view! {
            <datalist id=list_id>
                {move || m.get().into_iter().map(|id| view! { <option value=id></option> }).collect_view()}
            </datalist>
        }
    });
    view! {
        <section class="assumptions" aria-labelledby="assumptions-title" data-testid="assumptions">
            <h2 id="assumptions-title">{title.unwrap_or("Assumptions")}</h2>
            <p class="note">
                "Figures below rest on these values as well as on the data. Edit any of them: the figures "
                "follow, the address bar keeps them (share or reload the link), and an invalid value is "
                "refused with a message while the figures keep the last valid value."
            </p>
            {move || {
                state
                    .url_problems
                    .get()
                    .into_iter()
                    .map(|p| view! { <p class="error" role="alert" data-testid="url-problem">"Ignored from the address: " {p}</p> })
                    .collect_view()
            }}
            <div class="assumption-grid">
                {primary.iter().map(|k| view! { <AssumptionInput state=state key=k list=list_id /> }).collect_view()}
            </div>
            <details class="more-assumptions">
                <summary>{format!("Other assumptions ({})", others.len())}</summary>
                <div class="assumption-grid">
                    {others.into_iter().map(|k| view! { <AssumptionInput state=state key=k list=list_id /> }).collect_view()}
                </div>
            </details>
            {move || {
                let here = state.router.location.with(|l| l.target.clone());
                let a = state.current.get();
                (changed() > 0).then(|| {
                    let links = VIEWS_WITH_ASSUMPTIONS
                        .into_iter()
                        .filter(|r| here != Target::View(*r))
                        .map(|r| view! { " " <a href=href_with(r, &a) data-testid=format!("with-assumptions-{}", if r == Route::HOME { "overview" } else { r.path() })>{r.title()}</a> })
                        .collect_view();
                    view! { <p class="note" data-testid="assumption-links">"The same assumptions on:" {links}</p> }
                })
            }}
            <p class="assumption-actions">
                <button
                    type="button"
                    data-testid="reset-assumptions"
                    disabled=move || changed() == 0
                    on:click=move |_| state.reset()
                >
                    "Reset to defaults"
                </button>
                <span class="muted">
                    {move || match changed() {
                        0 => "All at their defaults.".to_string(),
                        1 => "1 value differs from its default.".to_string(),
                        n => format!("{n} values differ from their defaults."),
                    }}
                </span>
            </p>
            {models_list}
        </section>
    }
}

/// One assumption: label, input, default, and the message when the input is refused.
#[component]
fn AssumptionInput(state: ViewAssumptions, key: &'static str, list: &'static str) -> impl IntoView {
    let row = Memo::new(move |_| {
        state
            .current
            .with(|a| a.rows().into_iter().find(|r| r.key == key))
    });
    let default = Assumptions::default()
        .rows()
        .into_iter()
        .find(|r| r.key == key)
        .map(|r| r.value)
        .unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    // A change from elsewhere (reset, another link) clears a stale message.
    Effect::new(move |_| {
        row.track();
        error.set(None);
    });
    let id = format!("assumption-{key}");
    let message_id = format!("{id}-message");
    let kind = input_kind(key);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        match state.apply(key, &text) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some(e)),
        }
    };
    let label = move || row.with(|r| r.as_ref().map(|r| r.label).unwrap_or(key));
    let value = move || row.with(|r| r.as_ref().map(|r| r.value.clone()).unwrap_or_default());
    let is_default = move || row.with(|r| r.as_ref().is_none_or(|r| r.is_default));
    view! {
        <div class="assumption" class:changed=move || !is_default() data-key=key>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=key
                type=if kind == InputKind::Number { "number" } else { "text" }
                step=(kind == InputKind::Number).then(|| input_step(key))
                min=(kind == InputKind::Number).then_some("0")
                inputmode=(kind == InputKind::Number).then_some("decimal")
                list=(kind == InputKind::Model).then_some(list)
                placeholder=(kind == InputKind::Range).then_some("low-high")
                autocomplete="off"
                spellcheck="false"
                prop:value=value
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=message_id.clone()
                on:input=on_input
            />
            <span class="hint">"default " {default}</span>
            <span id=message_id class="field-error" role="status" aria-live="polite">
                {move || error.get()}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(hash_query: &str, expected_pairs: &[(&str, &str)], problems: usize, kept: &str) {
        let q = Query::parse(hash_query);
        let (a, errs) = from_query(&q);
        let pairs = a.to_pairs();
        let want: Vec<(&str, String)> = expected_pairs
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        assert_eq!(pairs, want, "{hash_query}");
        assert_eq!(errs.len(), problems, "{hash_query}: {errs:?}");
        // Writing back keeps the view's own keys and the valid assumptions only.
        assert_eq!(to_query(q, &a).to_string(), kept, "{hash_query}");
    }

    #[test]
    fn query_round_trip() {
        check("", &[], 0, "");
        check("platform=baseten", &[], 0, "platform=baseten");
        check(
            "volume=90000&platform=fireworks&gpu_hour=3.1",
            &[("volume", "90000"), ("gpu_hour", "3.1")],
            0,
            "platform=fireworks&volume=90000&gpu_hour=3.1",
        );
        // Invalid values are reported and dropped; defaults are not carried.
        check(
            "gpu_hour=abc&volume=30000&direct_discount=0.2",
            &[("direct_discount", "0.2")],
            1,
            "direct_discount=0.2",
        );
        check(
            "reference=openai%2Fgpt-oss-120b",
            &[("reference", "openai/gpt-oss-120b")],
            0,
            "reference=openai/gpt-oss-120b",
        );
        let a = Assumptions {
            volume_per_day: 60_000,
            ..Assumptions::default()
        };
        assert_eq!(href_with(Route::Insights, &a), "#/insights?volume=60000");
        assert_eq!(
            href_with(Route::Latency, &Assumptions::default()),
            "#/latency"
        );
    }

    #[test]
    fn input_kinds() {
        for (key, kind) in [
            ("volume", InputKind::Number),
            ("gpu_hour", InputKind::Number),
            ("ft_hours", InputKind::Range),
            ("fp4_loss", InputKind::Range),
            ("reference", InputKind::Model),
        ] {
            assert_eq!(input_kind(key), kind, "{key}");
        }
        assert!(keys().iter().all(|k| !k.is_empty()));
        assert_eq!(input_step("direct_discount"), "0.01");
        assert_eq!(input_step("gpu_hour"), "any");
    }
}
