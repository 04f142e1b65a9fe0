//! The failure taxonomy: why each question of every sweep in the library failed,
//! in the one vocabulary of core's `Outcome`, per model or per platform (the
//! grouping is in the URL: `by=platform`).

use leptos::prelude::*;
use sqlsweep_core::analysis::quality_page::{taxonomy_table, Grouping};
use sqlsweep_core::outcome::Outcome;

use super::QualityData;
use crate::components::data_table::DataTable;

/// What each class means, for the legend.
fn meaning(o: Outcome) -> &'static str {
    match o {
        Outcome::NoSql => {
            "no SQL could be taken from the answer (often an empty reply after reasoning)"
        }
        Outcome::InvalidJson => "JSON mode was asked for and the answer was not a JSON object",
        Outcome::SqlError => "the SQL failed to run (syntax, unknown table or column, refused)",
        Outcome::WrongShape => {
            "the SQL ran, but returned a different number of rows or columns than the gold answer"
        }
        Outcome::WrongRows => "same shape as the gold answer, different values",
        Outcome::Correct => "matched the gold answer",
        Outcome::Answered => "ran, but the question has no gold answer to compare with",
        Outcome::RateLimited => "the provider refused the call (HTTP 429)",
        Outcome::ServerError => "the provider failed (HTTP 5xx, or an error inside the stream)",
        Outcome::Unauthorized => "the key was refused (HTTP 401/403)",
        Outcome::NotFound => "unknown model or endpoint (HTTP 404)",
        Outcome::HttpError => "another HTTP error",
        Outcome::Network => "no response: network failure or a browser CORS refusal",
        Outcome::Timeout => "the time budget ran out",
        Outcome::CutStream => "the stream ended before the answer was complete",
    }
}

#[component]
pub fn Taxonomy(
    data: Memo<Option<QualityData>>,
    grouping: Memo<Result<Grouping, String>>,
    on_grouping: Callback<Grouping>,
) -> impl IntoView {
    let by = move || grouping.get().unwrap_or_default();
    let table = Signal::derive(move || {
        let by = by();
        data.with(|d| {
            let d = d.as_ref()?;
            Some(
                d.page
                    .taxonomy
                    .as_ref()
                    .map(|t| taxonomy_table(t, &d.records, by))
                    .unwrap_or_default(),
            )
        })
    });
    let scope = move || {
        data.with(|d| {
            let d = d.as_ref()?;
            let t = d.page.taxonomy.as_ref()?;
            let sweeps: Vec<&str> = {
                let mut v: Vec<&str> = Vec::new();
                for r in &d.records {
                    if !v.contains(&r.source_label.as_str()) {
                        v.push(&r.source_label);
                    }
                }
                v
            };
            let questions: u32 = t.by_platform.iter().map(|p| p.questions).sum();
            Some(format!(
                "{questions} answers of {} models from {} ({}). Imported sweeps and your own runs join this table.",
                t.by_model.len(),
                if sweeps.len() == 1 { "1 sweep".to_string() } else { format!("{} sweeps", sweeps.len()) },
                sweeps.join(", ")
            ))
        })
    };
    let legend = move || {
        data.with(|d| {
            d.as_ref()
                .and_then(|d| d.page.taxonomy.as_ref())
                .map(|t| t.columns.clone())
                .unwrap_or_default()
        })
        .into_iter()
        .map(|o| view! { <li><strong>{o.label()}</strong>": " {meaning(o)}</li> })
        .collect_view()
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(g) = Grouping::from_key(&event_target_value(&ev)) {
            on_grouping.run(g);
        }
    };
    let caption = move || match by() {
        Grouping::Model => "Failure classes per model",
        Grouping::Platform => "Failure classes per platform",
    };
    view! {
        <section class="quality-section" aria-labelledby="taxonomy-h">
            <h2 id="taxonomy-h">"Failure taxonomy"</h2>
            <p class="note" data-testid="taxonomy-scope">{move || scope().unwrap_or_else(|| "\u{a0}".into())}</p>
            {move || grouping.get().err().map(|e| view! { <p class="error" role="alert">{format!("Ignored the address's {e}; showing per model.")}</p> })}
            <div class="toolbar">
                <label>
                    "Group by "
                    <select data-testid="taxonomy-grouping" on:change=on_change prop:value=move || by().key()>
                        <option value="model" selected=move || by() == Grouping::Model>"model"</option>
                        <option value="platform" selected=move || by() == Grouping::Platform>"platform"</option>
                    </select>
                </label>
            </div>
            {move || {
                let caption = caption();
                let name = format!("quality-taxonomy-{}", by().key());
                view! { <DataTable table=table caption=caption name=name skeleton_rows=15 empty="No sweeps loaded." /> }
            }}
            <details class="legend">
                <summary>"What the classes mean"</summary>
                <ul>{legend}</ul>
            </details>
            <p class="note">
                "Transport classes (rate limits, server errors) are failures of the provider, not of the model's SQL; they still count as wrong answers in the accuracy figures."
            </p>
        </section>
    }
}
