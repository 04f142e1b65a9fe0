//! The activity log panel: every HTTP attempt of the live demo (both sides, retries,
//! repair turns, the latency probe), newest first, bounded by core's
//! [`ActivityLog`]. Rows are keyed by entry id, so a new call adds one row and the
//! others are left alone.

use leptos::prelude::*;
use sqlsweep_core::demo::activity::{ActivityEntry, ActivityLog};

use super::clock::local_time;
use super::outcome_slug;
use sqlsweep_core::analysis::format::ms as millis;

/// The page's activity log (kept across navigation, like the original's).
#[derive(Clone, Copy)]
pub struct Activity {
    pub log: RwSignal<ActivityLog>,
}

impl Activity {
    pub fn record(&self, entry: ActivityEntry) {
        self.log.update(|l| {
            l.push(entry);
        });
    }
}

/// The page's activity log, created on first use.
pub fn use_activity() -> Activity {
    if let Some(a) = use_context::<Activity>() {
        return a;
    }
    let a = Activity {
        log: RwSignal::new(ActivityLog::new()),
    };
    provide_context(a);
    a
}

#[component]
pub fn ActivityPanel(activity: Activity) -> impl IntoView {
    let entries = move || {
        activity
            .log
            .with(|l| l.entries().cloned().collect::<Vec<ActivityEntry>>())
    };
    let counter = move || activity.log.with(|l| l.counter_text());
    let empty = move || activity.log.with(|l| l.is_empty());
    view! {
        <aside class="card activity" data-testid="activity" aria-label="Activity log">
            <h2>"Activity log " <span class="counter" data-testid="activity-count">{counter}</span></h2>
            <Show when=empty>
                <p class="muted">"No calls yet. Every HTTP attempt (retries and repair turns included) appears here."</p>
            </Show>
            <ol class="log">
                <For
                    each=entries
                    key=|e| e.id
                    children=move |e: ActivityEntry| {
                        let level = e.level().name();
                        let retry = e.retry_text();
                        view! {
                            <li
                                class=format!("entry {level}")
                                data-id=e.id
                                data-origin=e.origin.clone()
                                data-outcome=outcome_slug(e.outcome)
                                data-status=e.status.map(|s| s.to_string()).unwrap_or_default()
                                data-attempt=e.attempt
                            >
                                <span class="time">{local_time(e.at_unix_ms)}</span>
                                <span class="who">{format!("{} · {} · {}", e.origin, e.model, e.strategy)}</span>
                                <span class="target">{e.target.clone()}</span>
                                <span class="status">{e.status_text()}</span>
                                <span class="latency">{millis(e.latency_ms)}</span>
                                <span class="tokens">{e.tokens_text()}</span>
                                {(!retry.is_empty()).then(|| view! { <span class="retry">{retry}</span> })}
                            </li>
                        }
                    }
                />
            </ol>
        </aside>
    }
}
