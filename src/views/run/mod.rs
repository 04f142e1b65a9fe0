//! `#/run`: sweeps and load tests run from the browser with the user's key — pick
//! the provider (the shared key bar), models, questions, protocol and schedule;
//! follow the progress; get the summary and latency under load, the harness's own
//! calibrated error, and a file `sqlsweep verify` accepts. Every finished trace is
//! checkpointed to browser storage, so a reload resumes instead of starting over,
//! and the run joins every dashboard view, labelled as yours.
//!
//! The engine (`sqlsweep_core::engine`) decides everything; [`driver`] moves data
//! between it, the streaming transport and the SQLite worker; [`session`] holds the
//! page-wide run; [`store`] is the checkpoint layout; the rest are components.

pub mod browser;
pub mod driver;
pub mod form;
pub mod progress;
pub mod results;
pub mod runs;
pub mod session;
pub mod store;

use leptos::prelude::*;
use sqlsweep_core::engine::form::{parse_models, MAX_CONCURRENCY, MAX_STOP_AFTER_FAILURES};
use sqlsweep_core::engine::load::BROWSER_CONNECTIONS_PER_HOST;

use crate::data::use_sweep_library;
use crate::live::settings::{KeyBar, ProviderChoice};
use crate::router::{use_hash_location, HashLocation, Route};
use crate::sql_worker::WorkerStatus;
use form::{FormValues, ScheduleKind, PROTOCOLS};
use progress::ProgressCard;
use results::RunResults;
use runs::RunsCard;
pub use session::{provide_run_session, use_run_session, RunSession};

/// A number typed in a field, or the current value when it is not one.
fn parsed<T: std::str::FromStr + Copy>(text: &str, current: T) -> T {
    text.trim().parse().unwrap_or(current)
}

#[component]
fn InterruptedBanner(session: RunSession) -> impl IntoView {
    let stored = move || {
        let id = session.interrupted.get()?;
        session.stored.get().into_iter().find(|e| e.run_id == id)
    };
    move || {
        stored().map(|e| {
            let (resume_id, discard_id) = (e.run_id.clone(), e.run_id.clone());
            let key_missing = move || session.settings.key.get().is_none();
            view! {
                <section class="card banner" role="alert" data-testid="interrupted" data-run-id=e.run_id.clone() data-traces=e.traces>
                    <p>
                        <strong>"A run was interrupted"</strong>
                        {format!(
                            " before it finished (reload, crash or closed tab): “{}” — {} finished trace(s) are saved in this browser.",
                            e.label, e.traces
                        )}
                    </p>
                    <Show when=key_missing>
                        <p class="muted">"Resuming sends the remaining calls with your key: paste it in the key bar first (keys are never stored)."</p>
                    </Show>
                    <button type="button" class="primary" data-testid="resume-interrupted" on:click=move |_| session.resume(&resume_id)>
                        "Resume"
                    </button>
                    " "
                    <button type="button" class="danger" data-testid="discard-interrupted" on:click=move |_| session.discard(&discard_id)>
                        "Discard"
                    </button>
                </section>
            }
        })
    }
}

#[component]
fn FormCard(session: RunSession) -> impl IntoView {
    let form = session.form;
    let settings = session.settings;
    let busy = move || session.phase.get().busy();

    let catalog_options = move || {
        settings.choice.get().catalog().map(|c| {
            c.models
                .iter()
                .map(|m| view! { <option value=m.id.clone()>{m.label.clone()}</option> })
                .collect_view()
        })
    };
    let add_model = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if id.is_empty() {
            return;
        }
        form.set(|v| {
            let mut models = parse_models(&v.models);
            if !models.contains(&id) {
                models.push(id);
            }
            v.models = models.join("\n");
        });
    };
    let protocol_buttons = PROTOCOLS
        .into_iter()
        .map(|(p, key, label)| {
            let pressed = {
                let p = p.clone();
                move || (form.get(|v| v.protocol == p)).to_string()
            };
            view! {
                <button type="button" class="seg" data-protocol=key aria-pressed=pressed on:click=move |_| form.set(|v| v.protocol = p.clone())>
                    {label}
                </button>
            }
        })
        .collect_view();
    let schedule_buttons = ScheduleKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <button type="button" class="seg" data-schedule=k.key() aria-pressed=move || (form.get(|v| v.kind == k)).to_string() on:click=move |_| form.set(|v| v.kind = k)>
                    {k.label()}
                </button>
            }
        })
        .collect_view();
    let kind = move || form.get(|v| v.kind);
    let over_limit = move || {
        let v = form.0.get();
        let c = v.to_form("", 1.0).schedule.max_concurrency();
        c > BROWSER_CONNECTIONS_PER_HOST
    };
    let start = move |_| {
        let v = form.0.get_untracked();
        let run_form = v.to_form(
            &settings.custom_base.get_untracked(),
            settings.timeout_s.get_untracked(),
        );
        session.start(run_form);
    };
    let worker = crate::sql_worker::use_sql_worker();
    let worker_state = move || match worker.status.get() {
        WorkerStatus::Failed(e) => {
            Some(format!("Chinook failed to load in the SQLite worker: {e}"))
        }
        _ => None,
    };

    view! {
        <section class="card run-form" data-testid="run-form" aria-label="What to run">
            <div class="grid">
                <label class="field models">
                    "Models (one per line, as the provider names them)"
                    <textarea
                        rows="3"
                        data-testid="models"
                        spellcheck="false"
                        prop:value=move || form.get(|v| v.models.clone())
                        on:change=move |ev| form.set(|v| v.models = event_target_value(&ev))
                    ></textarea>
                </label>
                <Show when=move || settings.choice.get() != ProviderChoice::Custom>
                    <label class="field">
                        "Add from the catalog "
                        <select data-testid="catalog" on:change=add_model prop:value="">
                            <option value="">"—"</option>
                            {catalog_options}
                        </select>
                    </label>
                </Show>
                <label class="field">
                    "Gold questions "
                    <input
                        type="text"
                        data-testid="questions"
                        placeholder="all · q_001..q_010 · q_001,q_003"
                        prop:value=move || form.get(|v| v.questions.clone())
                        on:change=move |ev| form.set(|v| v.questions = event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    "Label "
                    <input
                        type="text"
                        data-testid="label"
                        placeholder="your run · … (default)"
                        prop:value=move || form.get(|v| v.label.clone())
                        on:change=move |ev| form.set(|v| v.label = event_target_value(&ev))
                    />
                </label>
            </div>
            <div class="row">
                <span class="field-label">"Protocol"</span>
                <div class="segmented" role="group" aria-label="Protocol">{protocol_buttons}</div>
            </div>
            <div class="row">
                <span class="field-label">"Schedule"</span>
                <div class="segmented" role="group" aria-label="Schedule">{schedule_buttons}</div>
                <Show when=move || kind() == ScheduleKind::Sequential>
                    <label class="field num">
                        "pause "
                        <input type="number" min="0" step="100" data-testid="pace"
                            prop:value=move || form.get(|v| v.pace_ms.to_string())
                            on:change=move |ev| form.set(|v| v.pace_ms = parsed(&event_target_value(&ev), v.pace_ms)) />
                        " ms between calls"
                    </label>
                </Show>
                <Show when=move || kind() == ScheduleKind::Concurrent>
                    <label class="field num">
                        "concurrency "
                        <input type="number" min="1" max=MAX_CONCURRENCY data-testid="concurrency"
                            prop:value=move || form.get(|v| v.concurrency.to_string())
                            on:change=move |ev| form.set(|v| v.concurrency = parsed(&event_target_value(&ev), v.concurrency)) />
                    </label>
                </Show>
                <Show when=move || kind() == ScheduleKind::Load>
                    <label class="field">
                        "concurrencies "
                        <input type="text" data-testid="levels" placeholder="1, 3, 6"
                            prop:value=move || form.get(|v| v.levels.clone())
                            on:change=move |ev| form.set(|v| v.levels = event_target_value(&ev)) />
                    </label>
                    <label class="field num">
                        "rounds "
                        <input type="text" inputmode="numeric" data-testid="rounds" placeholder="auto"
                            prop:value=move || form.get(|v| v.rounds.clone())
                            on:change=move |ev| form.set(|v| v.rounds = event_target_value(&ev)) />
                    </label>
                    <label class="field num">
                        "min. calls per level "
                        <input type="number" min="1" data-testid="min-samples"
                            prop:value=move || form.get(|v| v.min_samples.to_string())
                            on:change=move |ev| form.set(|v| v.min_samples = parsed(&event_target_value(&ev), v.min_samples)) />
                    </label>
                </Show>
                <Show when=move || kind() != ScheduleKind::Sequential>
                    <label class="field num">
                        "warm-up "
                        <input type="number" min="0" data-testid="warmup"
                            prop:value=move || form.get(|v| v.warmup.to_string())
                            on:change=move |ev| form.set(|v| v.warmup = parsed(&event_target_value(&ev), v.warmup)) />
                        " calls (excluded)"
                    </label>
                </Show>
            </div>
            <div class="row">
                <label class="field num">
                    "Stop asking a model after "
                    <input type="number" min="0" max=MAX_STOP_AFTER_FAILURES data-testid="stop-after"
                        prop:value=move || form.get(|v| v.stop_after_failures.to_string())
                        on:change=move |ev| form.set(|v| v.stop_after_failures = parsed(&event_target_value(&ev), v.stop_after_failures)) />
                    " refused calls in a row"
                </label>
                <span class="muted">"(401/403/404; 0 = never): its remaining questions are skipped, not counted as wrong."</span>
            </div>
            <Show when=over_limit>
                <p class="note warning" data-testid="over-limit">
                    {format!(
                        "Above {BROWSER_CONNECTIONS_PER_HOST} concurrent calls a browser queues HTTP/1.1 requests to one host: \
                         such levels are flagged browser-limited unless the connection turns out to be HTTP/2. \
                         `sqlsweep load` is the tool for hundreds of streams."
                    )}
                </p>
            </Show>
            <div class="row">
                <label class="field check">
                    <input type="checkbox" data-testid="calibrate"
                        prop:checked=move || form.get(|v| v.calibrate)
                        on:change=move |ev| form.set(|v| v.calibrate = event_target_checked(&ev)) />
                    " calibrate the harness first against a sqlsweep-fixture at "
                </label>
                <input type="url" class="grow" data-testid="calibration-base"
                    placeholder=move || {
                        let base = settings.custom_base.get();
                        if base.trim().is_empty() { "http://127.0.0.1:PORT/v1".to_string() } else { base }
                    }
                    prop:value=move || form.get(|v| v.calibration_base.clone())
                    on:change=move |ev| form.set(|v| v.calibration_base = event_target_value(&ev)) />
                <label class="field num">
                    " first token after "
                    <input type="number" min="1" data-testid="calibration-ttft"
                        prop:value=move || form.get(|v| v.calibration_ttft_ms.to_string())
                        on:change=move |ev| form.set(|v| v.calibration_ttft_ms = parsed(&event_target_value(&ev), v.calibration_ttft_ms)) />
                    " ms, "
                </label>
                <label class="field num">
                    <input type="number" min="1" data-testid="calibration-calls"
                        prop:value=move || form.get(|v| v.calibration_calls.to_string())
                        on:change=move |ev| form.set(|v| v.calibration_calls = parsed(&event_target_value(&ev), v.calibration_calls)) />
                    " calls"
                </label>
            </div>
            <div class="row">
                <button type="button" class="primary" data-testid="start" on:click=start disabled=busy>
                    {move || if busy() { "Running…" } else { "Start ▸" }}
                </button>
                {move || worker_state().map(|e| view! { <span class="error">{e}</span> })}
            </div>
        </section>
    }
}

#[component]
fn ResultsCard(session: RunSession) -> impl IntoView {
    let library = use_sweep_library();
    let shown = Memo::new(move |_| {
        let id = session.shown.get()?;
        library.entries().into_iter().find(|e| e.id == id)
    });
    let error = RwSignal::new(None::<String>);
    move || {
        shown.get().map(|entry| {
            let id = entry.id;
            let harness = session.harness.get().filter(|(e, _)| *e == id).map(|(_, h)| h);
            view! {
                <section class="card results" data-testid="results-card" data-entry=id>
                    <div class="row">
                        <h2>"Results"</h2>
                        <button type="button" data-testid="export-shown" on:click=move |_| error.set(session.export(id).err())>
                            "Export JSON"
                        </button>
                        <a href=HashLocation::href(Route::Sweep) data-testid="to-sweep">"See it beside the published sweeps →"</a>
                    </div>
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    {entry.sweep.run.stopped_models.iter().map(|m| view! {
                        <p class="note warning" data-testid="stopped-model" data-model=m.model.clone()>
                            {format!("Stopped early: {}", m.message())}
                        </p>
                    }).collect_view()}
                    {match harness {
                        Some(h) => view! { <RunResults sweep=(*entry.sweep).clone() harness=h /> }.into_any(),
                        None => view! { <RunResults sweep=(*entry.sweep).clone() /> }.into_any(),
                    }}
                </section>
            }
        })
    }
}

#[component]
pub fn RunView() -> impl IntoView {
    let router = use_hash_location();
    let session = use_run_session();
    let settings = session.settings;
    let worker = crate::sql_worker::use_sql_worker();
    worker.start();

    // The URL sets the form when it says anything; otherwise the form stays as the
    // user left it (and is written to the URL).
    let query = router.location.get_untracked().query;
    if let Some(choice) = query.get("provider").and_then(ProviderChoice::from_key) {
        settings.choice.set(choice);
    }
    if let Some(base) = query.get("base") {
        settings.custom_base.set(base.to_string());
    }
    let from_url = FormValues::from_query(&query);
    if from_url != FormValues::default() {
        session.form.0.set(from_url);
    }
    Effect::new(move |_| {
        let values = session.form.0.get();
        let choice = settings.choice.get();
        let base = settings.custom_base.get();
        let current = router.location.get_untracked().query;
        let next = values
            .to_query(current.clone())
            .with("provider", Some(choice.key()))
            .with(
                "base",
                (choice == ProviderChoice::Custom && !base.trim().is_empty())
                    .then_some(base.trim()),
            );
        if next != current {
            router.replace_query(next);
        }
    });

    view! {
        <section class="view run" data-testid="run-view">
            <h1>"Run a sweep"</h1>
            <p class="lede">
                "Reproduce or extend the published runs with your own key: the questions go from this browser straight to the provider, "
                "each answer's SQL runs on Chinook in a read-only SQLite worker, and the results join every view, labelled as yours. "
                "For hundreds of concurrent streams, use "<code>"sqlsweep load"</code>" from a terminal."
            </p>
            <InterruptedBanner session=session />
            <KeyBar settings=settings />
            <FormCard session=session />
            <ProgressCard session=session />
            <ResultsCard session=session />
            <RunsCard session=session />
        </section>
    }
}
