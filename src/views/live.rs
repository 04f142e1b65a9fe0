//! `#/live`: the live demo and comparison tool. With a key the user pastes, the
//! page calls the provider directly, streams each side's answer, runs the SQL in the
//! SQLite worker under the guarded executor and shows timings, tokens, cost, the
//! gold verdict and a specific status per failure class; plus cost at scale, the
//! activity log, the latency probe and the schema the model sees.
//!
//! Provider, custom base URL, models, strategies and the question live in the URL
//! (never the key).

use std::sync::Arc;

use leptos::prelude::*;
use sqlsweep_core::agent::{SchemaInfo, Strategy};
use sqlsweep_core::catalog::Availability;
use sqlsweep_core::demo::display::picker_label;
use sqlsweep_core::demo::key::key_for;
use sqlsweep_core::gold::GoldSet;

use crate::live::activity::{use_activity, ActivityPanel};
use crate::live::driver::RunSpec;
use crate::live::probe::{LatencyProbe, Prepare};
use crate::live::scale_card::CostAtScale;
use crate::live::schema_view::{SchemaState, SchemaView};
use crate::live::settings::{KeyBar, LiveSettings, ProviderChoice};
use crate::live::side::{SideConfig, SidePanel, SideSlot};
use crate::router::use_hash_location;
use crate::sql_worker::{use_sql_worker, Reply, Request, SqlWorker, WorkerStatus};

/// The gold question shown first (as the original).
const DEFAULT_QUESTION: &str = "q_001";

fn strategy_from(q: Option<&str>, default: Strategy) -> Strategy {
    match q {
        Some("agent") => Strategy::agent(),
        Some("baseline") => Strategy::Baseline,
        _ => default,
    }
}

fn default_model(choice: ProviderChoice) -> String {
    choice
        .catalog()
        .map(|p| p.default_model)
        .unwrap_or_default()
}

async fn load_gold(worker: SqlWorker) -> Result<Arc<GoldSet>, String> {
    match worker.request(Request::Gold).await? {
        Reply::Gold { gold } => Ok(Arc::new(gold)),
        other => Err(format!("unexpected worker reply {other:?}")),
    }
}

async fn load_schema(worker: SqlWorker) -> Result<Arc<SchemaInfo>, String> {
    match worker.request(Request::Schema).await? {
        Reply::Schema { schema } => Ok(Arc::new(schema)),
        other => Err(format!("unexpected worker reply {other:?}")),
    }
}

#[component]
pub fn LiveView() -> impl IntoView {
    let router = use_hash_location();
    let worker = use_sql_worker();
    let activity = use_activity();

    // Initial state from the URL.
    let query = router.location.get_untracked().query;
    let choice = query
        .get("provider")
        .and_then(ProviderChoice::from_key)
        .unwrap_or(ProviderChoice::Baseten);
    let settings = LiveSettings::new(choice, query.get("base").unwrap_or("").to_string());
    let model_or_default = |key: &str| {
        query
            .get(key)
            .map(str::to_string)
            .unwrap_or_else(|| default_model(choice))
    };
    let a = SideSlot::new(
        "A",
        model_or_default("a"),
        strategy_from(query.get("as"), Strategy::agent()),
    );
    let b = SideSlot::new(
        "B",
        model_or_default("b"),
        strategy_from(query.get("bs"), Strategy::Baseline),
    );
    let qid = RwSignal::new(query.get("q").unwrap_or(DEFAULT_QUESTION).to_string());
    let free_text = RwSignal::new(String::new());
    let run_error = RwSignal::new(None::<String>);

    // A provider switch resets both sides to the provider's default model.
    Effect::new(move |prev: Option<ProviderChoice>| {
        let now = settings.choice.get();
        if prev.is_some_and(|p| p != now) {
            a.model.set(default_model(now));
            b.model.set(default_model(now));
        }
        now
    });

    // The URL follows the settings (never the key) once the user changes one: opening
    // `#/live` keeps its address (the defaults need no spelling out).
    Effect::new(move |first_run_done: Option<bool>| {
        let choice = settings.choice.get();
        let base = settings.custom_base.get();
        let q = router
            .location
            .get_untracked()
            .query
            .with("provider", Some(choice.key()))
            .with(
                "base",
                (choice == ProviderChoice::Custom && !base.trim().is_empty())
                    .then_some(base.trim()),
            )
            .with("a", Some(&a.model.get()))
            .with("as", Some(a.strategy.get().short_name()))
            .with("b", Some(&b.model.get()))
            .with("bs", Some(b.strategy.get().short_name()))
            .with("q", Some(&qid.get()));
        if first_run_done.is_some() && q != router.location.get_untracked().query {
            router.replace_query(q);
        }
        true
    });

    // Chinook and the gold set come from the worker (started here if not yet).
    let gold = LocalResource::new(move || load_gold(worker));
    let schema = LocalResource::new(move || load_schema(worker));
    let schema_state = Signal::derive(move || -> SchemaState { schema.get() });

    // The question: free text wins; otherwise the picked gold question.
    let question = Signal::derive(move || -> (String, Option<String>) {
        let text = free_text.get();
        if !text.trim().is_empty() {
            return (text.trim().to_string(), None);
        }
        let id = qid.get();
        match gold.get() {
            Some(Ok(g)) => match g.get(&id) {
                Some(q) => (q.question.clone(), Some(q.id.clone())),
                None => (String::new(), None),
            },
            _ => (String::new(), None),
        }
    });
    let question_text = Signal::derive(move || question.get().0);

    // Builds a run from the current settings, or says why it cannot start.
    let prepare: Prepare = Callback::new(
        move |(origin, model, strategy): (&'static str, String, Strategy)| {
            let endpoint = settings.endpoint()?;
            let provider = settings.provider_name();
            let key = settings.key.get_untracked();
            let secret = key_for(key.as_ref(), &endpoint, provider).map_err(|e| e.to_string())?;
            let auth = endpoint.auth_header(secret).map_err(|e| e.to_string())?;
            let Some(key) = key else {
                return Err(format!("no API key: paste a {provider} key in the key bar"));
            };
            let model = model.trim().to_string();
            if model.is_empty() {
                return Err("choose or type a model id first".to_string());
            }
            let schema = match schema.get_untracked() {
                Some(Ok(s)) => s,
                Some(Err(e)) => return Err(format!("the database is not available: {e}")),
                None => {
                    return Err(
                        "Chinook is still loading in the SQLite worker; try again in a moment"
                            .into(),
                    )
                }
            };
            let (text, gold_id) = question.get_untracked();
            if text.is_empty() {
                return Err("choose a gold question or type a question".to_string());
            }
            let gold_rows = gold_id.and_then(|id| match gold.get_untracked() {
                Some(Ok(g)) => g.get(&id).map(|q| q.expected.clone()),
                _ => None,
            });
            Ok(RunSpec {
                origin,
                provider,
                endpoint,
                auth,
                key,
                model,
                strategy,
                question: text,
                gold: gold_rows,
                schema,
                timeout_ms: settings.timeout_ms(),
                history: Vec::new(),
            })
        },
    );

    // Follow-up mode: each side sends its earlier exchanges before the question.
    let follow_up = RwSignal::new(false);
    let earlier = move || {
        let (na, nb) = (a.conversation.get().len(), b.conversation.get().len());
        format!("earlier exchanges: A {na}, B {nb}")
    };
    let new_conversation = move |_| {
        a.conversation.set(Vec::new());
        b.conversation.set(Vec::new());
    };

    let run_both = move |_| {
        let mut specs = Vec::new();
        for slot in [a, b] {
            let pricing = match settings.pricing(&slot.model.get_untracked()) {
                Ok(p) => p,
                Err(e) => {
                    run_error.set(Some(format!("Custom rates: {e}")));
                    return;
                }
            };
            match prepare.run((
                slot.name,
                slot.model.get_untracked(),
                slot.strategy.get_untracked(),
            )) {
                Ok(mut spec) => {
                    if follow_up.get_untracked() {
                        spec.history = slot.conversation.get_untracked();
                    }
                    specs.push((slot, spec, pricing))
                }
                Err(e) => {
                    run_error.set(Some(e));
                    return;
                }
            }
        }
        run_error.set(None);
        for (slot, spec, pricing) in specs {
            slot.launch(spec, pricing, worker, activity);
        }
    };
    on_cleanup(move || {
        a.cancel();
        b.cancel();
    });
    let running = move || a.is_running() || b.is_running();

    let models = Signal::derive(move || -> Option<Vec<(String, String)>> {
        let provider = settings.choice.get().catalog()?;
        Some(
            provider
                .models
                .iter()
                .map(|m| {
                    let price = match &m.pricing {
                        Some(p) if p.is_estimate() => " · est. price",
                        Some(_) => "",
                        None => " · no price",
                    };
                    let availability = match &m.availability {
                        Availability::Available => String::new(),
                        Availability::Unavailable(why) | Availability::Broken(why) => {
                            format!(" · ⚠ {why}")
                        }
                    };
                    (m.id.clone(), format!("{}{price}{availability}", m.label))
                })
                .collect(),
        )
    });

    let picker = move || {
        match gold.get() {
        None => view! { <option value="">"Loading the gold questions…"</option> }.into_any(),
        Some(Err(e)) => view! { <option value="">{format!("Gold questions unavailable: {e}")}</option> }.into_any(),
        Some(Ok(g)) => g
            .questions
            .iter()
            .map(|q| {
                let id = q.id.clone();
                let selected = qid.get_untracked() == id;
                view! { <option value=id.clone() selected=selected>{picker_label(&q.id, &q.question)}</option> }
            })
            .collect_view()
            .into_any(),
    }
    };
    let db_status = move || {
        match worker.status.get() {
        WorkerStatus::Idle | WorkerStatus::Starting => ("loading", "Loading SQLite and Chinook in a worker…".to_string()),
        WorkerStatus::Ready(o) => (
            "ready",
            format!("✓ Chinook ready · SQLite {} · guarded: read-only, one statement, step budget, row cap", o.sqlite_version),
        ),
        WorkerStatus::Failed(e) => ("failed", format!("✗ Chinook failed to load: {e}")),
    }
    };
    let model_a = Signal::derive(move || a.model.get());

    view! {
        <section class="view live" data-testid="live-view">
            <h1>"Live demo"</h1>
            <p class="lede">
                "Ask a question of two model × strategy pairs at once, straight from your browser to the provider. "
                "Each answer streams in, its SQL runs on Chinook in a read-only SQLite worker, and the figures are measured here."
            </p>
            <KeyBar settings=settings />
            {move || {
                let (state, text) = db_status();
                view! { <p class=format!("pill {state}") data-testid="db-status" data-state=state>{text}</p> }
            }}
            <div class="live-grid">
                <div class="live-main">
                    <section class="card question" aria-label="Question">
                        <label class="field">
                            "Gold question "
                            <select
                                data-testid="question"
                                prop:value=move || qid.get()
                                on:change=move |ev| qid.set(event_target_value(&ev))
                            >
                                {picker}
                            </select>
                        </label>
                        <label class="field">
                            "…or your own question (no gold answer to check against) "
                            <textarea
                                data-testid="free-text"
                                rows="2"
                                prop:value=move || free_text.get()
                                on:input=move |ev| free_text.set(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <div class="sides-config">
                            <SideConfig side=a models=models />
                            <SideConfig side=b models=models />
                        </div>
                        <div class="follow-up">
                            <label class="field check">
                                <input
                                    type="checkbox"
                                    data-testid="follow-up"
                                    data-no-url=""
                                    prop:checked=move || follow_up.get()
                                    on:change=move |ev| follow_up.set(event_target_checked(&ev))
                                />
                                " Follow-up: each agent side sends its earlier questions and answers first (the last three exchanges)"
                            </label>
                            <span class="muted" data-testid="earlier">{earlier}</span>
                            <button type="button" data-testid="new-conversation" on:click=new_conversation disabled=running>
                                "New conversation"
                            </button>
                        </div>
                        <button type="button" class="primary" data-testid="run-both" on:click=run_both disabled=running>
                            {move || if running() { "Running…" } else { "Run both ▸" }}
                        </button>
                        {move || run_error.get().map(|e| view! { <p class="error" role="alert" data-testid="run-error">{e}</p> })}
                    </section>
                    <div class="sides">
                        <SidePanel side=a />
                        <SidePanel side=b />
                    </div>
                    <CostAtScale a=a b=b />
                    <LatencyProbe prepare=prepare model=model_a worker=worker activity=activity />
                    <SchemaView schema=schema_state question=question_text />
                </div>
                <ActivityPanel activity=activity />
            </div>
        </section>
    }
}
