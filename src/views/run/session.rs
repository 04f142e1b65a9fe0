//! One run at a time, page-wide: the controller behind `#/run`. It turns the form
//! into core's `RunSpec`, calibrates the harness against a fixture when asked, drives
//! the engine, checkpoints every finished trace to browser storage, and publishes the
//! growing sweep into the sweep library so every view shows it, labelled as yours.
//!
//! It lives at the app level (provided by the shell), so a run keeps going while the
//! user looks at `#/sweep`, and on start-up it brings stored runs back into the
//! library and notices a run that was interrupted by a reload or a crash.

use std::rc::Rc;

use leptos::prelude::*;
use sqlsweep_core::agent::SchemaInfo;
use sqlsweep_core::demo::advice::{advise, Advice, Situation, WaitSource};
use sqlsweep_core::demo::key::{key_for, BoundKey};
use sqlsweep_core::engine::calibrate::{calibration, calibration_spec};
use sqlsweep_core::engine::checkpoint::{header_line, journal, trace_line};
use sqlsweep_core::engine::spec::platform_of;
use sqlsweep_core::engine::{Engine, Event, Progress, RunContext, RunForm, RunSpec};
use sqlsweep_core::gold::GoldSet;
use sqlsweep_core::outcome::Outcome;
use sqlsweep_core::sweep::{self, Calibration, Source, SweepFile, Trace};

use super::browser::{forget_resource_timings, next_hop_protocol, user_agent};
use super::driver::{self, drive, HarnessTime, RunControl, Wire};
use super::form::{FormState, FormValues};
use super::store::{
    export_file_name, run_id, with_protocol, RunState, RunStore, SavedRun, StoredRun, WebStorage,
};
use crate::components::export::download;
use crate::data::{use_sweep_library, SweepLibrary};
use crate::live::clock::{local_time, now_ms, random, wall_ms};
use crate::live::settings::{LiveSettings, ProviderChoice};
use crate::sql_worker::{use_sql_worker, Reply, Request, SqlWorker};

/// The key calibration sends to a fixture on another host than the key's (a
/// fixture started without `--key` accepts any); the user's key never leaves its host.
pub const CALIBRATION_KEY: &str = "sqlsweep-calibration";
/// How often a running sweep is re-published to the library (every view recomputes).
const PUBLISH_EVERY_MS: f64 = 750.0;

/// Where the page's run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Idle,
    /// Waiting for Chinook, the gold set and the schema from the worker.
    Preparing,
    Calibrating,
    Running,
    Finished,
    /// Cancelled: finished traces kept, the rest can be resumed.
    Stopped,
    Failed(String),
}

impl Phase {
    /// The `data-state` name.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Preparing => "preparing",
            Phase::Calibrating => "calibrating",
            Phase::Running => "running",
            Phase::Finished => "finished",
            Phase::Stopped => "stopped",
            Phase::Failed(_) => "failed",
        }
    }

    pub fn busy(&self) -> bool {
        matches!(self, Phase::Preparing | Phase::Calibrating | Phase::Running)
    }
}

/// A run kept in browser storage and its place in the library.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    pub run_id: String,
    pub entry_id: usize,
    pub label: String,
    pub state: RunState,
    pub traces: usize,
}

/// A failed call of the run and core's advice for its outcome class.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureNote {
    pub model: String,
    pub qid: String,
    pub outcome: Outcome,
    pub advice: Advice,
}

/// Core's advice for a trace that failed in transport; `None` for any other trace.
fn failure_note(spec: &RunSpec, provider: &str, model: &str, trace: &Trace) -> Option<FailureNote> {
    let outcome = trace.outcome?;
    if !outcome.is_transport_failure() {
        return None;
    }
    let retried = trace.attempts.len() > 1;
    let advice = advise(&Situation {
        outcome,
        provider,
        endpoint: &spec.endpoint,
        model,
        strategy: spec.strategy(),
        status: trace.attempts.last().and_then(|a| a.status),
        message: trace.error.as_deref(),
        rows: None,
        rows_capped: false,
        repairs: trace.repairs.unwrap_or(0),
        http_attempts: trace.attempts.len().max(1) as u32,
        wait: if retried {
            WaitSource::Backoff
        } else {
            WaitSource::NoRetry
        },
        timeout_ms: spec.limits.call_timeout_ms as f64,
    });
    Some(FailureNote {
        model: model.to_string(),
        qid: trace.qid.clone(),
        outcome,
        advice,
    })
}

/// `label`, or `label (2)`, `label (3)`… when a stored run already has it (the
/// library tells runs apart by label).
fn unique_label(label: String, taken: &[String]) -> String {
    if !taken.contains(&label) {
        return label;
    }
    (2..)
        .map(|n| format!("{label} ({n})"))
        .find(|l| !taken.contains(l))
        .unwrap_or(label)
}

/// See the module documentation. Cheap to copy.
#[derive(Clone, Copy)]
pub struct RunSession {
    /// Provider, endpoint, key (in memory only) and the per-call limit.
    pub settings: LiveSettings,
    /// The form's fields (kept while the user visits other views).
    pub form: FormState,
    pub phase: RwSignal<Phase>,
    /// The run's progress (resumed traces included).
    pub progress: RwSignal<Option<Progress>>,
    /// The calibration's progress while it runs.
    pub calibrating: RwSignal<Option<Progress>>,
    /// The library entry the results card shows.
    pub shown: RwSignal<Option<usize>>,
    /// Runs in browser storage, oldest first.
    pub stored: RwSignal<Vec<StoredEntry>>,
    /// The run that was running when the page was last left (reload, crash).
    pub interrupted: RwSignal<Option<String>>,
    /// Problems worth a line: storage full, a stored run that cannot be read.
    pub notices: RwSignal<Vec<String>>,
    /// The latest call that failed in transport, with what to do about it.
    pub last_failure: RwSignal<Option<FailureNote>>,
    /// What the harness cost in this page's latest run (with its library entry).
    pub harness: RwSignal<Option<(usize, HarnessTime)>>,
    /// The stored run being run now.
    pub active: RwSignal<Option<String>>,
    control: StoredValue<Option<RunControl>, LocalStorage>,
    worker: SqlWorker,
    library: SweepLibrary,
}

/// Creates the session (restoring stored runs into the library) and provides it.
pub fn provide_run_session() -> RunSession {
    let session = RunSession {
        settings: LiveSettings::new(ProviderChoice::Custom, String::new()),
        form: FormState::new(FormValues::default()),
        phase: RwSignal::new(Phase::Idle),
        progress: RwSignal::new(None),
        calibrating: RwSignal::new(None),
        shown: RwSignal::new(None),
        stored: RwSignal::new(Vec::new()),
        interrupted: RwSignal::new(None),
        notices: RwSignal::new(Vec::new()),
        last_failure: RwSignal::new(None),
        harness: RwSignal::new(None),
        active: RwSignal::new(None),
        control: StoredValue::new_local(None),
        worker: use_sql_worker(),
        library: use_sweep_library(),
    };
    provide_context(session);
    // After the first view has rendered: stored runs can be large.
    leptos::task::spawn_local(async move {
        crate::live::clock::sleep(0.0).await;
        session.restore();
    });
    session
}

/// The page's run session.
pub fn use_run_session() -> RunSession {
    use_context::<RunSession>().unwrap_or_else(provide_run_session)
}

fn store() -> Option<RunStore<WebStorage>> {
    WebStorage::open().map(RunStore::new)
}

async fn gold_and_schema(worker: SqlWorker) -> Result<(GoldSet, SchemaInfo), String> {
    let gold = match worker.request(Request::Gold).await? {
        Reply::Gold { gold } => gold,
        other => return Err(format!("unexpected worker reply {other:?}")),
    };
    let schema = match worker.request(Request::Schema).await? {
        Reply::Schema { schema } => schema,
        other => return Err(format!("unexpected worker reply {other:?}")),
    };
    Ok((gold, schema))
}

/// A fresh seed for the engine's back-off jitter.
fn seed() -> u64 {
    (random() * 9_007_199_254_740_992.0) as u64
}

fn context(label: String, http_protocol: Option<String>, started: f64) -> RunContext {
    RunContext {
        label: Some(label),
        tool_version: format!("sqlsweep-web {}", env!("CARGO_PKG_VERSION")),
        user_agent: user_agent(),
        http_protocol,
        started_at_unix_ms: Some(started),
        calibration: None,
    }
}

impl RunSession {
    /// Brings every stored run into the library; notes an interrupted one.
    fn restore(&self) {
        let Some(store) = store() else {
            return;
        };
        for id in store.ids() {
            match store.load(&id) {
                Ok(run) => {
                    if run.saved.state == RunState::Running {
                        self.interrupted.set(Some(id.clone()));
                    }
                    self.publish_stored(&run);
                }
                Err(e) => self.notice(format!("A run saved in this browser cannot be read: {e}")),
            }
        }
    }

    fn notice(&self, text: String) {
        self.notices.update(|n| {
            if !n.contains(&text) {
                n.push(text)
            }
        });
    }

    fn publish_stored(&self, run: &StoredRun) {
        self.publish(&run.saved, run.sweep(), run.traces());
    }

    /// Puts `sweep` into the library under the run's label; keeps the stored list.
    fn publish(&self, saved: &SavedRun, sweep: SweepFile, traces: usize) -> usize {
        let entry = self.library.add_own(&saved.label, sweep);
        let item = StoredEntry {
            run_id: saved.id.clone(),
            entry_id: entry.id,
            label: saved.label.clone(),
            state: saved.state,
            traces,
        };
        self.stored.update(
            |list| match list.iter_mut().find(|e| e.run_id == saved.id) {
                Some(e) => *e = item,
                None => list.push(item),
            },
        );
        entry.id
    }

    /// Starts a run of `form` with the key bar's provider and key.
    pub fn start(&self, form: RunForm) {
        if self.phase.get_untracked().busy() {
            return;
        }
        // A new run leaves an interrupted one as a partial run (resumable from the list).
        self.interrupted.set(None);
        let this = *self;
        leptos::task::spawn_local(async move {
            let outcome = this.execute(form, None).await;
            this.finish(outcome);
        });
    }

    /// Resumes stored run `id`: finished traces are kept, the rest is run.
    pub fn resume(&self, id: &str) {
        if self.phase.get_untracked().busy() {
            return;
        }
        let loaded = match store()
            .ok_or("this browser gives the page no storage".to_string())
            .and_then(|s| s.load(id))
        {
            Ok(r) => r,
            Err(e) => {
                self.phase.set(Phase::Failed(format!("cannot resume: {e}")));
                return;
            }
        };
        // Resuming goes to the endpoint the run used.
        if let Some(choice) = ProviderChoice::from_key(&loaded.saved.provider) {
            self.settings.choice.set(choice);
            self.settings
                .custom_base
                .set(loaded.saved.custom_base.clone());
        }
        if let Some(r) = loaded.saved.rates {
            self.settings.custom_input_rate.set(r.input.to_string());
            self.settings.custom_output_rate.set(r.output.to_string());
        }
        self.interrupted.set(None);
        let this = *self;
        leptos::task::spawn_local(async move {
            let form = loaded.saved.form.clone();
            let outcome = this.execute(form, Some(loaded)).await;
            this.finish(outcome);
        });
    }

    /// Cancels the run in flight (finished traces stay; it can be resumed).
    pub fn cancel(&self) {
        if let Some(c) = self.control.get_value() {
            c.cancel();
        }
    }

    /// Forgets a stored run: storage and library.
    pub fn discard(&self, id: &str) {
        if self.active.get_untracked().as_deref() == Some(id) {
            return;
        }
        if let Some(s) = store() {
            s.remove(id);
        }
        if let Some(e) = self
            .stored
            .get_untracked()
            .into_iter()
            .find(|e| e.run_id == id)
        {
            self.library.remove(e.entry_id);
            if self.shown.get_untracked() == Some(e.entry_id) {
                self.shown.set(None);
            }
        }
        self.stored.update(|l| l.retain(|e| e.run_id != id));
        if self.interrupted.get_untracked().as_deref() == Some(id) {
            self.interrupted.set(None);
        }
    }

    /// Removes a library entry that is not stored here (an imported file).
    pub fn remove_entry(&self, entry_id: usize) {
        match self
            .stored
            .get_untracked()
            .into_iter()
            .find(|e| e.entry_id == entry_id)
        {
            Some(e) => self.discard(&e.run_id),
            None => {
                self.library.remove(entry_id);
                if self.shown.get_untracked() == Some(entry_id) {
                    self.shown.set(None);
                }
            }
        }
    }

    /// Downloads library entry `entry_id` as a sweep file of our schema.
    pub fn export(&self, entry_id: usize) -> Result<(), String> {
        let entry = self
            .library
            .entries()
            .into_iter()
            .find(|e| e.id == entry_id)
            .ok_or("that run is no longer loaded")?;
        let text = sweep::to_json(&entry.sweep);
        let name = match entry.sweep.run.source {
            Some(Source::Imported { ref file }) if file.ends_with(".json") => file.clone(),
            _ => export_file_name(&entry.sweep.run.label),
        };
        download(&name, "application/json", &text)
    }

    fn finish(&self, outcome: Result<Phase, String>) {
        self.control.set_value(None);
        self.active.set(None);
        self.calibrating.set(None);
        self.phase.set(match outcome {
            Ok(p) => p,
            Err(e) => Phase::Failed(e),
        });
    }

    /// Prepares, calibrates (if asked) and runs; returns how it ended.
    async fn execute(&self, form: RunForm, resume: Option<StoredRun>) -> Result<Phase, String> {
        let s = self.settings;
        let (endpoint, provider, choice, custom_base, key) = untrack(|| {
            (
                s.endpoint(),
                s.provider_name(),
                s.choice.get(),
                s.custom_base.get(),
                s.key.get(),
            )
        });
        let endpoint = endpoint?;
        let secret = key_for(key.as_ref(), &endpoint, provider).map_err(|e| e.to_string())?;
        let auth = endpoint.auth_header(secret).map_err(|e| e.to_string())?;
        let key =
            key.ok_or_else(|| format!("no API key: paste a {provider} key in the key bar"))?;
        // A resumed run keeps the rates its first traces were priced at.
        let rates = match &resume {
            Some(r) => r.saved.rates,
            None => untrack(|| s.pricing("")).map_err(|e| format!("custom rates: {e}"))?,
        };

        self.phase.set(Phase::Preparing);
        self.progress.set(None);
        self.last_failure.set(None);
        self.harness.set(None);
        let (gold, schema) = gold_and_schema(self.worker)
            .await
            .map_err(|e| format!("Chinook or the gold set is not available: {e}"))?;

        let started = wall_ms();
        let (id, label, http_protocol) = match &resume {
            Some(r) => (
                r.saved.id.clone(),
                r.saved.label.clone(),
                r.saved.http_protocol.clone(),
            ),
            None => {
                let label = if form.label.trim().is_empty() {
                    form.default_label(&platform_of(&endpoint), &local_time(started))
                } else {
                    form.label.trim().to_string()
                };
                let taken: Vec<String> =
                    self.library.entries().into_iter().map(|e| e.file).collect();
                (run_id(started), unique_label(label, &taken), None)
            }
        };
        let form = RunForm {
            label: label.clone(),
            ..form
        };
        let mut spec = form
            .to_spec(
                endpoint.clone(),
                &gold,
                rates,
                context(label.clone(), http_protocol.clone(), started),
                seed(),
            )
            .map_err(|e| e.to_string())?;

        let already = resume
            .as_ref()
            .and_then(|r| r.replayed.sweep.run.calibration.clone());
        if already.is_none() {
            if let Some(cal) = self.calibrate(&form, &key, &gold, &schema, started).await? {
                spec.context.calibration = Some(cal);
            }
            if self.phase.get_untracked() == Phase::Stopped {
                return Ok(Phase::Stopped);
            }
        }

        let mut engine = Engine::new(
            spec,
            &gold,
            &schema,
            resume.as_ref().map(|r| &r.replayed.sweep),
        )
        .map_err(|e| e.to_string())?;
        let mut saved = SavedRun {
            id: id.clone(),
            form,
            provider: choice.key().to_string(),
            custom_base,
            rates,
            label,
            state: RunState::Running,
            http_protocol,
        };
        let store = store();
        if store.is_none() {
            self.notice(
                "This browser gives the page no storage: the run cannot survive a reload.".into(),
            );
        }
        let mut writer = match store
            .as_ref()
            .map(|s| s.begin(&saved, &journal(&engine.sweep())))
        {
            Some(Ok(w)) => Some(w),
            Some(Err(e)) => {
                self.notice(e);
                None
            }
            None => None,
        };
        let initial = engine.progress(now_ms());
        self.progress.set(Some(initial.clone()));
        let entry = self.publish(
            &saved,
            with_protocol(engine.sweep(), saved.http_protocol.as_deref()),
            initial.done,
        );
        self.shown.set(Some(entry));
        self.active.set(Some(id));
        self.phase.set(Phase::Running);

        let wire = Rc::new(Wire {
            endpoint: endpoint.clone(),
            auth,
            key,
        });
        let (control, inbox) = driver::channel();
        self.control.set_value(Some(control));
        let url = endpoint.chat_completions_url();
        if saved.http_protocol.is_none() {
            forget_resource_timings();
        }
        let mut last_publish = now_ms();
        let mut storage_failed = false;
        let this = *self;
        let mut on_event = |engine: &Engine, event: Event| -> Result<(), String> {
            match event {
                Event::TraceFinished { model, trace } => {
                    if let Some(note) = failure_note(engine.spec(), provider, &model, &trace) {
                        this.last_failure.set(Some(note));
                    }
                    if let (Some(store), Some(w)) = (store.as_ref(), writer.as_mut()) {
                        if let Err(e) = store.append(w, &trace_line(&model, &trace)) {
                            if !storage_failed {
                                storage_failed = true;
                                this.notice(e);
                            }
                        }
                    }
                    if saved.http_protocol.is_none() {
                        if let Some(p) = next_hop_protocol(&url) {
                            saved.http_protocol = Some(p);
                            if let (Some(store), Some(w)) = (store.as_ref(), writer.as_ref()) {
                                let _ = store.save(&saved);
                                let mut meta = engine.sweep();
                                meta.run.http_protocol = saved.http_protocol.clone();
                                let _ = store.rewrite_header(w, &header_line(&meta));
                            }
                        }
                    }
                    let now = now_ms();
                    if now - last_publish >= PUBLISH_EVERY_MS {
                        last_publish = now;
                        let done = engine.progress(now).done;
                        this.publish(
                            &saved,
                            with_protocol(engine.sweep(), saved.http_protocol.as_deref()),
                            done,
                        );
                    }
                }
                Event::Progress(p) => this.progress.set(Some(p)),
                Event::PhaseStarted { .. } | Event::Retrying { .. } => {}
            }
            Ok(())
        };
        let driven = drive(&mut engine, wire, self.worker, inbox, &mut on_event).await;
        let progress = engine.progress(now_ms());
        let complete = progress.done >= progress.total;
        saved.state = if complete {
            RunState::Finished
        } else {
            RunState::Stopped
        };
        if let Some(store) = store.as_ref() {
            if let Err(e) = store.save(&saved) {
                self.notice(e);
            }
        }
        self.progress.set(Some(progress.clone()));
        let entry = self.publish(
            &saved,
            with_protocol(engine.sweep(), saved.http_protocol.as_deref()),
            progress.done,
        );
        let harness = driven?;
        self.harness.set(Some((entry, harness)));
        Ok(if complete {
            Phase::Finished
        } else {
            Phase::Stopped
        })
    }

    /// The harness's own TTFT error against the fixture the form names, measured with
    /// the same engine and transport as the run, at the run's highest concurrency.
    async fn calibrate(
        &self,
        form: &RunForm,
        key: &BoundKey,
        gold: &GoldSet,
        schema: &SchemaInfo,
        started: f64,
    ) -> Result<Option<Calibration>, String> {
        let Some((endpoint, c)) = form.calibration_endpoint().map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        self.phase.set(Phase::Calibrating);
        let concurrency = form.schedule.max_concurrency();
        let spec = calibration_spec(
            endpoint.clone(),
            c.ttft_ms,
            concurrency,
            c.calls,
            concurrency,
            gold.len(),
            context(String::new(), None, started),
        );
        // The user's key goes only to its own host.
        let (auth, scrub) = if key.fits(&endpoint) {
            (
                key.secret_for(&endpoint).map_err(|e| e.to_string())?,
                key.clone(),
            )
        } else {
            (
                CALIBRATION_KEY,
                BoundKey::new(endpoint.host(), CALIBRATION_KEY).ok_or("empty calibration key")?,
            )
        };
        let wire = Rc::new(Wire {
            auth: endpoint.auth_header(auth).map_err(|e| e.to_string())?,
            endpoint: endpoint.clone(),
            key: scrub,
        });
        let mut engine = Engine::new(spec, gold, schema, None).map_err(|e| e.to_string())?;
        let (control, inbox) = driver::channel();
        self.control.set_value(Some(control));
        let this = *self;
        let mut on_event = |_: &Engine, event: Event| -> Result<(), String> {
            if let Event::Progress(p) = event {
                this.calibrating.set(Some(p));
            }
            Ok(())
        };
        drive(&mut engine, wire, self.worker, inbox, &mut on_event).await?;
        let progress = engine.progress(now_ms());
        if progress.done < progress.total {
            self.phase.set(Phase::Stopped);
            return Ok(None);
        }
        let traces: Vec<_> = engine
            .sweep()
            .models
            .into_iter()
            .flat_map(|m| m.traces)
            .collect();
        match calibration(c.ttft_ms as f64, &traces) {
            Some(cal) => Ok(Some(cal)),
            None => Err(format!(
                "the calibration got no first token from {} (is a sqlsweep-fixture running there?)",
                endpoint.host()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_unique() {
        let taken = vec!["a".to_string(), "a (2)".to_string(), "b (2)".to_string()];
        for (label, want) in [
            ("c", "c"),
            ("a", "a (3)"),
            ("b", "b"),
            ("b (2)", "b (2) (2)"),
        ] {
            assert_eq!(unique_label(label.to_string(), &taken), want);
        }
    }
}
