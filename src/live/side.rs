//! One side of the comparison: its configuration (model × strategy), its run, and
//! the panel that shows the run as it streams and once it is done. Figures and
//! wording come from core (`demo::side`, `demo::advice`, `demo::display`); model
//! text is rendered as text, never as markup.

use leptos::prelude::*;
use sqlsweep_core::agent::prompt::answer_json;
use sqlsweep_core::agent::{Strategy, Turn, HISTORY_TURN_LIMIT};
use sqlsweep_core::demo::display::{preview, RowsPreview, PREVIEW_ROWS};
use sqlsweep_core::demo::scale::SideInput;
use sqlsweep_core::demo::side::{side_report, SideContext, SideReport};
use sqlsweep_core::live::stream::Delta;
use sqlsweep_core::sweep::Pricing;

use super::activity::Activity;
use super::clock::now_ms;
use super::driver::{run_agent, RunHooks, RunOutput, RunSpec, RunStop};
use super::transport::Cancel;
use super::{outcome_slug, Elapsed};
use crate::sql_worker::SqlWorker;
use sqlsweep_core::analysis::format::{ms as millis, thousands};

/// Most characters of streamed text kept on screen per side.
const STREAM_SHOWN_CHARS: usize = 200_000;

/// What a finished run shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SideDone {
    pub report: SideReport,
    pub preview: Option<RowsPreview>,
    pub sql: Option<String>,
    /// For the cost-at-scale card.
    pub scale: SideInput,
    pub wall_ms: f64,
    pub harness_ms: f64,
}

/// Where a side stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Idle,
    Running {
        since_ms: f64,
        call: u32,
    },
    Done(Box<SideDone>),
    /// The run could not finish (a driver error); the text says why.
    Broken(String),
}

/// The header of a run: what was asked of whom.
#[derive(Debug, Clone, PartialEq)]
pub struct RunHeader {
    pub model: String,
    pub strategy: Strategy,
    pub question: String,
    pub host: String,
}

/// One side's configuration and state.
#[derive(Clone, Copy)]
pub struct SideSlot {
    pub name: &'static str,
    pub model: RwSignal<String>,
    pub strategy: RwSignal<Strategy>,
    pub phase: RwSignal<Phase>,
    pub header: RwSignal<Option<RunHeader>>,
    /// Streamed answer text of every call, in order.
    pub stream: RwSignal<String>,
    /// Streamed reasoning text.
    pub reasoning: RwSignal<String>,
    /// The SQL being run (before the result arrives).
    pub sql: RwSignal<Option<String>>,
    /// This side's answered exchanges, oldest first: what a follow-up sends before
    /// its question. A run that is not a follow-up starts it afresh.
    pub conversation: RwSignal<Vec<Turn>>,
    cancel: StoredValue<Option<Cancel>, LocalStorage>,
}

impl SideSlot {
    pub fn new(name: &'static str, model: String, strategy: Strategy) -> SideSlot {
        SideSlot {
            name,
            model: RwSignal::new(model),
            strategy: RwSignal::new(strategy),
            phase: RwSignal::new(Phase::Idle),
            header: RwSignal::new(None),
            stream: RwSignal::new(String::new()),
            reasoning: RwSignal::new(String::new()),
            sql: RwSignal::new(None),
            conversation: RwSignal::new(Vec::new()),
            cancel: StoredValue::new_local(None),
        }
    }

    /// Stops the run in flight, if any.
    pub fn cancel(&self) {
        if let Some(Some(c)) = self.cancel.try_get_value() {
            c.cancel();
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.phase.get(), Phase::Running { .. })
    }

    /// The finished run, if any (tracked).
    pub fn done(&self) -> Option<SideDone> {
        match self.phase.get() {
            Phase::Done(d) => Some(*d),
            _ => None,
        }
    }

    fn append(&self, signal: RwSignal<String>, text: &str) {
        signal.try_update(|s| {
            if s.len() < STREAM_SHOWN_CHARS {
                s.push_str(text);
                if s.len() >= STREAM_SHOWN_CHARS {
                    s.push_str("\n… (output shortened on screen)");
                }
            }
        });
    }

    /// Starts `spec` on this side (cancelling what it was doing).
    pub fn launch(
        self,
        spec: RunSpec,
        pricing: Option<Pricing>,
        worker: SqlWorker,
        activity: Activity,
    ) {
        self.cancel();
        let cancel = Cancel::new();
        self.cancel.set_value(Some(cancel.clone()));
        self.header.set(Some(RunHeader {
            model: spec.model.clone(),
            strategy: spec.strategy,
            question: spec.question.clone(),
            host: spec.endpoint.host().to_string(),
        }));
        self.stream.set(String::new());
        self.reasoning.set(String::new());
        self.sql.set(None);
        self.phase.set(Phase::Running {
            since_ms: now_ms(),
            call: 0,
        });
        leptos::task::spawn_local(async move {
            let on_call = move |n: u32| {
                self.phase.try_update(|p| {
                    if let Phase::Running { call, .. } = p {
                        *call = n;
                    }
                });
                if n > 1 {
                    self.append(self.stream, &format!("\n── call {n} (repair) ──\n"));
                }
            };
            let on_delta = move |d: &Delta| match d {
                Delta::Content(t) => self.append(self.stream, t),
                Delta::Reasoning(t) => self.append(self.reasoning, t),
            };
            let on_sql = move |sql: &str| {
                self.sql.try_set(Some(sql.to_string()));
            };
            let hooks = RunHooks {
                on_call: &on_call,
                on_delta: &on_delta,
                on_sql: &on_sql,
            };
            let out = run_agent(&spec, worker, activity, &cancel, &hooks).await;
            match out {
                Ok(out) => {
                    self.conversation.try_set(conversation_after(&spec, &out));
                    let done = finish(self.name, &spec, &out, pricing.as_ref());
                    self.phase.try_set(Phase::Done(Box::new(done)));
                }
                Err(RunStop::Cancelled) => {}
                Err(RunStop::Failed(why)) => {
                    self.phase.try_set(Phase::Broken(why));
                }
            }
        });
    }
}

/// The conversation after a run: the history it sent, plus its exchange when it
/// produced SQL that ran (a failed run adds nothing); at most the exchanges the agent
/// sends (`HISTORY_TURN_LIMIT` messages, a question and an answer each).
fn conversation_after(spec: &RunSpec, out: &RunOutput) -> Vec<Turn> {
    let mut turns = spec.history.clone();
    if let (Some(sql), None) = (&out.result.sql, &out.result.error) {
        turns.push(Turn {
            question: spec.question.clone(),
            answer: answer_json(sql, out.result.rationale.as_deref()),
        });
    }
    let excess = turns.len().saturating_sub(HISTORY_TURN_LIMIT / 2);
    turns.drain(..excess);
    turns
}

fn short_model(model: &str) -> &str {
    model.rsplit('/').next().unwrap_or(model)
}

fn finish(name: &str, spec: &RunSpec, out: &RunOutput, pricing: Option<&Pricing>) -> SideDone {
    let ctx = SideContext {
        provider: spec.provider,
        endpoint: &spec.endpoint,
        model: &spec.model,
        timeout_ms: spec.timeout_ms,
        gold: spec.gold.is_some(),
    };
    let message = out.result.error.as_deref().map(|e| spec.key.scrub(e));
    let report = side_report(&out.result, &out.wire, pricing, &ctx, message.as_deref());
    let label = format!(
        "Side {name} · {} · {}",
        short_model(&spec.model),
        spec.strategy.short_name()
    );
    SideDone {
        scale: SideInput::from_report(&label, &report),
        preview: out.result.result.as_ref().map(|r| preview(r, PREVIEW_ROWS)),
        sql: out.result.sql.clone(),
        report,
        wall_ms: out.wall_ms,
        harness_ms: out.harness_ms,
    }
}

/// The result table (capped; what is hidden is said).
#[component]
fn RowsTable(preview: RowsPreview) -> impl IntoView {
    let footer = preview.footer();
    let head = preview
        .columns
        .iter()
        .map(|c| view! { <th scope="col">{c.clone()}</th> })
        .collect_view();
    let body = preview
        .rows
        .into_iter()
        .map(|r| {
            let cells = r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="rows-wrap">
            <table class="rows" data-testid="rows" data-total=preview.total data-capped=preview.capped.to_string()>
                <thead><tr>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
            {footer.map(|f| view! { <p class="muted" data-testid="rows-footer">{f}</p> })}
        </div>
    }
}

/// The figures and status of a finished run.
#[component]
fn DoneView(done: SideDone) -> impl IntoView {
    let r = done.report;
    let repairs = match r.repairs {
        0 => String::new(),
        1 => " · 1 repair".to_string(),
        n => format!(" · {n} repairs"),
    };
    let tokens = match (r.prompt_tokens, r.completion_tokens) {
        (Some(p), Some(c)) => format!("{} in / {} out", thousands(p as i64), thousands(c as i64)),
        _ => "not reported".to_string(),
    };
    let cost = match (&r.cost, &r.cost_missing) {
        (Some(c), _) => c.label(),
        (None, Some(why)) => format!("— ({why})"),
        (None, None) => "—".to_string(),
    };
    let estimate = r.cost.is_some_and(|c| c.is_estimate());
    let retries = (r.http_attempts > r.calls).then(|| {
        format!(
            " · {} HTTP attempts (with retries: {})",
            r.http_attempts,
            millis(r.latency_with_retries_ms)
        )
    });
    let verdict = r.verdict.map(|ok| {
        let (class, text) = if ok {
            ("ok", "Verdict: ✓ matches the gold answer")
        } else {
            ("bad", "Verdict: ✗ does not match the gold answer")
        };
        view! { <p class=format!("verdict {class}") data-testid="verdict" data-match=ok.to_string()>{text}</p> }
    });
    let level = r.advice.level;
    view! {
        <dl class="figures">
            <dt>"TTFT"</dt><dd data-testid="ttft">{millis(r.ttft_ms)}</dd>
            <dt>"Latency"</dt><dd data-testid="latency">{millis(r.latency_ms)}{repairs}{retries}</dd>
            <dt>"End to end"</dt><dd data-testid="wall">{millis(Some(done.wall_ms))}</dd>
            <dt>"Tokens"</dt><dd data-testid="tokens">{tokens}</dd>
            <dt>"Cost"</dt><dd data-testid="cost" data-estimate=estimate.to_string()>{cost}</dd>
            <dt>"Calls"</dt><dd data-testid="calls" data-repairs=r.repairs data-attempts=r.http_attempts>{format!("{} model call(s), {} repair(s)", r.calls, r.repairs)}</dd>
        </dl>
        <div class=format!("status {}", level.name()) data-testid="status" data-outcome=outcome_slug(r.outcome) role="status">
            <p class="headline">{format!("{} {}", level.glyph(), r.advice.headline)}</p>
            {(!r.advice.detail.is_empty()).then(|| view! { <p class="detail" data-testid="advice">{r.advice.detail.clone()}</p> })}
        </div>
        {verdict}
    }
}

/// Model picker (catalog select, or a text field for a custom endpoint) and the
/// strategy toggle.
#[component]
pub fn SideConfig(side: SideSlot, models: Signal<Option<Vec<(String, String)>>>) -> impl IntoView {
    let slot = side;
    let name = slot.name.to_ascii_lowercase();
    let picker = move || match models.get() {
        Some(list) => {
            let options = list
                .into_iter()
                .map(|(id, label)| {
                    let selected = slot.model.get_untracked() == id;
                    view! { <option value=id.clone() selected=selected>{label}</option> }
                })
                .collect_view();
            view! {
                <select
                    data-testid="model"
                    prop:value=move || slot.model.get()
                    on:change=move |ev| slot.model.set(event_target_value(&ev))
                >
                    {options}
                </select>
            }
            .into_any()
        }
        None => view! {
            <input
                type="text"
                data-testid="model"
                placeholder="model id"
                spellcheck="false"
                prop:value=move || slot.model.get()
                on:input=move |ev| slot.model.set(event_target_value(&ev))
            />
        }
        .into_any(),
    };
    let strategies = [Strategy::agent(), Strategy::Baseline]
        .into_iter()
        .map(|s| {
            view! {
                <button
                    type="button"
                    class="seg"
                    data-strategy=s.short_name()
                    aria-pressed=move || (slot.strategy.get() == s).to_string()
                    on:click=move |_| slot.strategy.set(s)
                >
                    {match s {
                        Strategy::Baseline => "Customer baseline",
                        Strategy::Agent { .. } => "Agent",
                    }}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="side-config" data-testid=format!("config-{name}")>
            <label class="field">{format!("Side {} model ", slot.name)}{picker}</label>
            <div class="segmented" role="group" aria-label=format!("Side {} strategy", slot.name)>{strategies}</div>
        </div>
    }
}

/// The terminal-style panel of one side.
#[component]
pub fn SidePanel(side: SideSlot) -> impl IntoView {
    let slot = side;
    let name = slot.name.to_ascii_lowercase();
    let state = move || match slot.phase.get() {
        Phase::Idle => "idle",
        Phase::Running { .. } => "running",
        Phase::Done(_) => "done",
        Phase::Broken(_) => "broken",
    };
    let header = move || {
        slot.header.get().map(|h| {
            view! {
                <p class="line"><span class="k">"Model "</span>{h.model}</p>
                <p class="line"><span class="k">"Prompt "</span>{h.strategy.description()}</p>
                <p class="line"><span class="k">"Question "</span>{h.question}</p>
            }
        })
    };
    let running = move || match slot.phase.get() {
        Phase::Running { since_ms, call } => {
            let host = slot.header.get().map(|h| h.host).unwrap_or_default();
            let which = if call > 1 {
                format!(" (call {call})")
            } else {
                String::new()
            };
            Some(view! {
                <p class="running" data-testid="running">
                    <span class="spinner" aria-hidden="true"></span>
                    {format!("calling {host}{which}… ")}
                    <Elapsed since_ms=since_ms />
                </p>
            })
        }
        _ => None,
    };
    let reasoning = move || {
        let r = slot.reasoning.get();
        (!r.is_empty()).then(|| {
            view! {
                <details class="reasoning">
                    <summary>{format!("Reasoning ({} chars)", r.chars().count())}</summary>
                    <pre data-testid="reasoning">{r}</pre>
                </details>
            }
        })
    };
    let sql = move || {
        let done_sql = slot.done().map(|d| d.sql);
        let sql = match done_sql {
            Some(s) => s,
            None => slot.sql.get(),
        };
        let started = !matches!(slot.phase.get(), Phase::Idle);
        started.then(|| {
            view! {
                <p class="k">"SQL"</p>
                <pre class="sql" data-testid="sql">{sql.unwrap_or_else(|| "(model returned no SQL)".to_string())}</pre>
            }
        })
    };
    let body = move || {
        match slot.phase.get() {
        Phase::Done(done) => {
            let done = *done;
            let rows = done
                .preview
                .clone()
                .map(|p| view! { <RowsTable preview=p /> }.into_any())
                .unwrap_or_else(|| view! { <p class="muted">"(no rows: the SQL did not run)"</p> }.into_any());
            Some(view! { {rows} <DoneView done=done /> }.into_any())
        }
        Phase::Broken(why) => Some(
            view! { <p class="status bad" data-testid="status" data-outcome="broken" role="alert">{format!("✗ the run stopped: {why}")}</p> }
                .into_any(),
        ),
        _ => None,
    }
    };
    view! {
        <section class="card terminal" data-testid=format!("side-{name}") data-state=state aria-live="polite">
            <h2>{format!("Side {}", slot.name)}</h2>
            {header}
            {running}
            <pre class="stream" data-testid="stream">{move || slot.stream.get()}</pre>
            {reasoning}
            {sql}
            {body}
        </section>
    }
}
