//! "What the model sees": the compact schema of Chinook as the agent sends it, and
//! the trimmed schema for the question chosen above (core's `trim_for_question`),
//! with the tables the question matched and those kept to join them. The original
//! showed only a static copy of the full schema.

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::agent::schema::compact;
use sqlsweep_core::agent::{trim_for_question, SchemaInfo};

use sqlsweep_core::analysis::format::thousands;

/// The schema as loaded from the worker: `None` while loading.
pub type SchemaState = Option<Result<Arc<SchemaInfo>, String>>;

#[component]
pub fn SchemaView(schema: Signal<SchemaState>, question: Signal<String>) -> impl IntoView {
    let body = move || {
        match schema.get() {
        None => view! { <p class="muted" aria-busy="true">"Reading the schema from Chinook in the SQLite worker…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert" data-testid="schema-error">{format!("Could not read the schema: {e}")}</p> }.into_any(),
        Some(Ok(schema)) => {
            let full = compact(&schema);
            let q = question.get();
            let trimmed = trim_for_question(&schema, &q);
            let chars = |s: &str| thousands(s.chars().count() as i64);
            let summary = if q.trim().is_empty() {
                "No question chosen: the model would see the full schema.".to_string()
            } else if trimmed.fired {
                format!(
                    "The question names {} — kept with the tables that join them: {} of {} tables, {} of {} characters.",
                    trimmed.matched.join(", "),
                    trimmed.tables.len(),
                    schema.tables.len(),
                    chars(&trimmed.text),
                    chars(&full)
                )
            } else if trimmed.matched.is_empty() {
                "The question names no table, so the model sees the full schema.".to_string()
            } else {
                format!(
                    "The question names {} only (two or more are needed to trim), so the model sees the full schema.",
                    trimmed.matched.join(", ")
                )
            };
            view! {
                <p data-testid="trim-summary" data-fired=trimmed.fired.to_string() data-tables=trimmed.tables.join(",")>{summary}</p>
                <div class="schemas">
                    <div>
                        <h3>{format!("Trimmed for this question ({} chars)", chars(&trimmed.text))}</h3>
                        <pre data-testid="schema-trimmed">{trimmed.text.clone()}</pre>
                    </div>
                    <div>
                        <h3>{format!("Full compact schema ({} tables, {} chars)", schema.tables.len(), chars(&full))}</h3>
                        <pre data-testid="schema-full">{full}</pre>
                    </div>
                </div>
            }
            .into_any()
        }
    }
    };
    view! {
        <section class="card schema-view" data-testid="schema" aria-label="Schema the model sees">
            <h2>"Schema · what the model sees"</h2>
            <p class="muted">"The agent strategy sends the schema in its system prompt, trimmed to the question's tables when it names two or more; the first repair turn sends the full schema. The baseline sends none."</p>
            {body}
        </section>
    }
}
