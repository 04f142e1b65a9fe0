//! The engine proper: a sans-IO state machine (in the style of quinn-proto and h2)
//! that runs a [`RunSpec`] to a [`SweepFile`].
//!
//! The driver — the browser with `fetch` and a SQLite worker, the CLI with tokio and
//! reqwest — owns the clock, the network and the database. It calls
//! [`Engine::poll`] with the current time and performs the [`Action`]s it gets:
//! [`Action::Send`] a request (then report with [`Engine::on_call_finished`]),
//! [`Action::Execute`] SQL (then [`Engine::on_executed`]), [`Action::WakeAt`] (poll
//! again then, or earlier when something finished), [`Action::Done`]. Every decision
//! is made here: which job starts when (pacing, the concurrency limit, phase
//! barriers), retries and their back-off, what a trace records. So a run is
//! reproducible under a simulated clock, and the browser and the CLI cannot drift.
//!
//! Results come out incrementally as [`Event`]s — each trace the moment it finishes,
//! and progress — and [`Engine::sweep`] is the whole file at any time, resumed traces
//! included. Nothing finished is ever dropped: [`Engine::cancel`] drops only
//! unfinished work, which a resumed run redoes.
//!
//! Fail-fast: once `limits.stop_model_after_consecutive_failures` traces of a model
//! in a row (in finishing order) ended in a fatal failure (401/403, 404, another
//! client error: [`crate::outcome::Outcome::is_fatal_for_model`]), the engine stops dispatching that
//! model's queued jobs — calls already in flight finish and are recorded — and goes
//! on with the other models. The skipped jobs get no trace (so they count in no
//! figure, neither as wrong answers nor in `n`) and are listed in
//! `RunMeta::stopped_models` with the reason; progress counts them as done. A
//! resumed run tries a stopped model again (the key or model id may have been
//! fixed), and stops it again after the same limit if it still fails.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde_json::Value;

use crate::agent::{Agent, AgentResult, SchemaInfo, Step, Strategy, UnexpectedInput};
use crate::gold::{GoldQuestion, GoldSet};
use crate::live::bridge::agent_body;
use crate::live::retry::{AttemptLog, Decision, RetryPolicy};
use crate::live::stream::CallRecord;
use crate::sweep::{
    ModelRun, Protocol, RunMeta, Schedule, Source, StoppedModel, SweepFile, Trace, SCHEMA_ID,
    SCHEMA_VERSION,
};
use crate::value::ResultSet;

use super::jitter::Jitter;
use super::key::TraceKey;
use super::plan::{plan, JobPlan, Phase};
use super::progress::{eta_ms, model_progress, Progress};
use super::spec::{RunSpec, SpecError};
use super::trace::{self, Finished};
use super::wallclock::rfc3339_utc;

/// Names one request the engine asked for (a model call or an SQL execution).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

/// What the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// POST `body` to the endpoint's chat-completions URL (with the key the driver
    /// holds), within `timeout_ms`, then [`Engine::on_call_finished`].
    Send {
        call_id: CallId,
        model: String,
        qid: String,
        body: Value,
        timeout_ms: u64,
    },
    /// Run `sql` through the guarded executor with the spec's limits, then
    /// [`Engine::on_executed`].
    Execute { call_id: CallId, sql: String },
    /// Nothing more to do before this time (driver clock) unless a result arrives.
    WakeAt(f64),
    /// The run is over (finished or cancelled).
    Done,
}

/// What happened, for display and checkpointing.
// Events are short-lived and drained right away; boxing the trace buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A closed loop started: `jobs` traces of `model` at `concurrency`.
    PhaseStarted {
        model: String,
        concurrency: u32,
        jobs: usize,
    },
    /// A trace is final; checkpoint it.
    TraceFinished {
        model: String,
        trace: Trace,
    },
    /// A call failed and will be tried again after `wait_ms`.
    Retrying {
        model: String,
        qid: String,
        /// 1 for the first retry.
        retry: u32,
        wait_ms: f64,
        reason: String,
    },
    Progress(Progress),
}

/// Why a run cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    Spec(#[from] SpecError),
    #[error(
        "cannot resume from this file: its {what} is {file}, this run's is {run} \
         (re-run with the same options, or write to a new --out file)"
    )]
    ResumeMismatch {
        what: &'static str,
        file: String,
        run: String,
    },
    #[error("cannot resume from this file: {0}")]
    NotResumable(String),
}

/// The driver reported something the engine did not ask for (a driver bug).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("no request {0:?} is outstanding")]
    UnknownCall(CallId),
    #[error("request {0:?} is an SQL execution, not a model call")]
    NotACall(CallId),
    #[error("request {0:?} is a model call, not an SQL execution")]
    NotAnExecution(CallId),
    #[error(transparent)]
    Agent(#[from] UnexpectedInput),
}

type JobId = u64;

/// One trace in the making.
struct Job {
    plan: JobPlan,
    agent: Agent,
    log: AttemptLog,
    /// The body of the current model call (sent again on a retry).
    body: Value,
    first_dispatch: Option<f64>,
    attempt_dispatch: f64,
    /// End of a failed attempt that will be retried (for the attempt's `waited_ms`).
    retry_from: Option<f64>,
    waited: f64,
    retries_this_call: u32,
    /// Answering attempt of the first model call.
    first_call: Option<CallRecord>,
    calls_done: u32,
}

enum Ready {
    Send(JobId),
    Execute(JobId, String),
}

#[derive(Clone, Copy)]
enum Pending {
    Call(JobId),
    Exec(JobId),
}

/// See the module documentation.
pub struct Engine {
    spec: RunSpec,
    questions: Vec<GoldQuestion>,
    schema: SchemaInfo,
    strategy: Strategy,
    retry: RetryPolicy,
    sweep: SweepFile,
    /// Spec model index → index in `sweep.models`.
    model_index: Vec<usize>,
    gold_order: HashMap<String, usize>,
    phases: VecDeque<Phase>,
    current: Option<Phase>,
    phase_in_flight: u32,
    jobs: BTreeMap<JobId, Job>,
    outstanding: HashMap<CallId, Pending>,
    cancelled_calls: HashSet<CallId>,
    ready: VecDeque<Ready>,
    /// Retries waiting for their back-off to pass: (due, job).
    timers: Vec<(f64, JobId)>,
    next_job: JobId,
    next_call: u64,
    t0: Option<f64>,
    /// This session's number: 0 for a fresh run, one more than the resumed file's
    /// latest (see `live::timing`).
    session: u32,
    last_now: f64,
    last_job_end: Option<f64>,
    first_session_dispatch: Option<f64>,
    events: VecDeque<Event>,
    jitter: Jitter,
    /// Per spec model: traces planned, and finished (resumed included).
    totals: Vec<usize>,
    done: Vec<usize>,
    resumed: usize,
    /// Per spec model: fatal failures in a row, and whether it was stopped.
    consecutive_fatal: Vec<u32>,
    stopped: Vec<bool>,
    /// Jobs dropped because their model was stopped.
    skipped: usize,
    session_done: usize,
    max_in_flight_calls: usize,
    cancelled: bool,
}

impl Engine {
    /// Prepares a run. `gold` is the whole gold set (its hash goes into the metadata;
    /// the spec selects questions from it); `schema` is the database schema the
    /// prompts show; `resume_from` is a partial output of the same run, whose
    /// finished traces are kept and not redone.
    pub fn new(
        spec: RunSpec,
        gold: &GoldSet,
        schema: &SchemaInfo,
        resume_from: Option<&SweepFile>,
    ) -> Result<Engine, EngineError> {
        spec.validate()?;
        let questions: Vec<GoldQuestion> =
            spec.questions.resolve(gold)?.into_iter().cloned().collect();
        let gold_hash = gold.sha256_hex();
        let meta = run_meta(&spec, &gold_hash, questions.len());
        let mut sweep = match resume_from {
            Some(file) => {
                check_resumable(file, &meta)?;
                let mut s = file.clone();
                s.run = RunMeta {
                    started_at: file.run.started_at.clone().or(meta.started_at.clone()),
                    calibration: meta.calibration.clone().or(file.run.calibration.clone()),
                    probed_unavailable: file.run.probed_unavailable.clone(),
                    // A resumed run tries stopped models again (see the module docs).
                    stopped_models: Vec::new(),
                    ..meta
                };
                s
            }
            None => SweepFile {
                schema: SCHEMA_ID.to_string(),
                version: SCHEMA_VERSION,
                run: meta,
                models: Vec::new(),
            },
        };
        let mut model_index = Vec::with_capacity(spec.models.len());
        for m in &spec.models {
            let i = match sweep.models.iter().position(|r| r.model == m.id) {
                Some(i) => i,
                None => {
                    sweep.models.push(ModelRun {
                        model: m.id.clone(),
                        platform: Some(spec.platform.clone()),
                        pricing: m.pricing,
                        traces: Vec::new(),
                        recorded: None,
                    });
                    sweep.models.len() - 1
                }
            };
            let run = &mut sweep.models[i];
            run.platform.get_or_insert_with(|| spec.platform.clone());
            if run.pricing.is_none() {
                run.pricing = m.pricing;
            }
            model_index.push(i);
        }
        let session = sweep
            .models
            .iter()
            .flat_map(|r| &r.traces)
            .filter(|t| t.timing.dispatch_ms.is_some())
            .map(|t| t.timing.session.saturating_add(1))
            .max()
            .unwrap_or(0);
        let finished: HashSet<TraceKey> = sweep
            .models
            .iter()
            .flat_map(|r| r.traces.iter().map(|t| TraceKey::of(&r.model, t)))
            .collect();

        let mut totals = vec![0; spec.models.len()];
        let mut done = vec![0; spec.models.len()];
        let mut resumed = 0;
        let mut phases = VecDeque::new();
        for mut phase in plan(&spec.schedule, spec.models.len(), questions.len()) {
            phase.jobs.retain(|j| {
                totals[j.model] += 1;
                let key =
                    TraceKey::new(&spec.models[j.model].id, &questions[j.question].id, j.slot);
                let skip = finished.contains(&key);
                if skip {
                    done[j.model] += 1;
                    resumed += 1;
                }
                !skip
            });
            phases.push_back(phase);
        }

        let gold_order = gold
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        Ok(Engine {
            strategy: spec.strategy(),
            retry: spec.retry_policy(),
            jitter: Jitter::new(spec.seed),
            questions,
            schema: schema.clone(),
            sweep,
            model_index,
            gold_order,
            phases,
            current: None,
            phase_in_flight: 0,
            jobs: BTreeMap::new(),
            outstanding: HashMap::new(),
            cancelled_calls: HashSet::new(),
            ready: VecDeque::new(),
            timers: Vec::new(),
            next_job: 0,
            next_call: 0,
            t0: None,
            session,
            last_now: f64::NEG_INFINITY,
            last_job_end: None,
            first_session_dispatch: None,
            events: VecDeque::new(),
            totals,
            done,
            resumed,
            consecutive_fatal: vec![0; spec.models.len()],
            stopped: vec![false; spec.models.len()],
            skipped: 0,
            session_done: 0,
            max_in_flight_calls: 0,
            cancelled: false,
            spec,
        })
    }

    /// Advances the run to `now_ms` (the driver's monotonic clock, any origin) and
    /// returns what to do. Ends with [`Action::Done`] once nothing is left, else with
    /// an [`Action::WakeAt`] when the engine waits for a timer (back-off, pacing).
    pub fn poll(&mut self, now_ms: f64) -> Vec<Action> {
        let now = self.clock(now_ms);
        let mut actions = Vec::new();
        if self.cancelled {
            actions.push(Action::Done);
            return actions;
        }
        // Back-offs that are over: send again, in due order.
        self.timers
            .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let due = self.timers.partition_point(|(t, _)| *t <= now);
        for (_, job) in self.timers.drain(..due).collect::<Vec<_>>() {
            self.ready.push_back(Ready::Send(job));
        }
        self.start_jobs(now);
        while let Some(r) = self.ready.pop_front() {
            if let Some(a) = self.dispatch(r, now) {
                actions.push(a);
            }
        }
        self.max_in_flight_calls = self.max_in_flight_calls.max(
            self.outstanding
                .values()
                .filter(|p| matches!(p, Pending::Call(_)))
                .count(),
        );
        if self.is_done() {
            actions.push(Action::Done);
        } else if let Some(t) = self.next_wake(now) {
            actions.push(Action::WakeAt(t));
        }
        actions
    }

    /// A model call finished (successfully or not) with its final record. The record
    /// must already be scrubbed of the key by the transport.
    pub fn on_call_finished(
        &mut self,
        now_ms: f64,
        call_id: CallId,
        record: CallRecord,
    ) -> Result<(), FeedError> {
        let now = self.clock(now_ms);
        let job_id = match self.take_outstanding(call_id)? {
            None => return Ok(()),
            Some(Pending::Call(j)) => j,
            Some(p @ Pending::Exec(_)) => {
                self.outstanding.insert(call_id, p);
                return Err(FeedError::NotACall(call_id));
            }
        };
        let t0 = self.t0.unwrap_or(now);
        let now_unix = self.spec.context.started_at_unix_ms.map(|s| s + (now - t0));
        let random = self.jitter.next_unit();
        let job = self
            .jobs
            .get_mut(&job_id)
            .ok_or(FeedError::UnknownCall(call_id))?;
        job.log.push(job.attempt_dispatch, job.waited, &record);
        match self
            .retry
            .decide(&record, job.retries_this_call, random, now_unix)
        {
            Decision::Retry { wait_ms, .. } => {
                job.retries_this_call += 1;
                job.retry_from = Some(now);
                self.timers.push((now + wait_ms, job_id));
                self.events.push_back(Event::Retrying {
                    model: self.spec.models[job.plan.model].id.clone(),
                    qid: self.questions[job.plan.question].id.clone(),
                    retry: job.retries_this_call,
                    wait_ms,
                    reason: record
                        .error_message
                        .clone()
                        .unwrap_or_else(|| record.outcome.label().to_string()),
                });
            }
            Decision::Stop(_) => {
                if job.calls_done == 0 {
                    job.first_call = Some(record.clone());
                }
                job.calls_done += 1;
                job.agent.on_reply(record.to_agent_reply())?;
                self.advance(job_id, now);
            }
        }
        Ok(())
    }

    /// An SQL execution finished: rows (capped by the executor) or its error message.
    pub fn on_executed(
        &mut self,
        now_ms: f64,
        call_id: CallId,
        result: Result<ResultSet, String>,
    ) -> Result<(), FeedError> {
        let now = self.clock(now_ms);
        let job_id = match self.take_outstanding(call_id)? {
            None => return Ok(()),
            Some(Pending::Exec(j)) => j,
            Some(p @ Pending::Call(_)) => {
                self.outstanding.insert(call_id, p);
                return Err(FeedError::NotAnExecution(call_id));
            }
        };
        self.jobs
            .get_mut(&job_id)
            .ok_or(FeedError::UnknownCall(call_id))?
            .agent
            .on_executed(result)?;
        self.advance(job_id, now);
        Ok(())
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Every pending event, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        self.events.drain(..).collect()
    }

    /// Stops the run: nothing new starts, unfinished jobs are dropped (a resumed run
    /// redoes them), finished traces stay. Results for dropped requests are ignored.
    pub fn cancel(&mut self) {
        self.cancelled = true;
        self.cancelled_calls
            .extend(self.outstanding.keys().copied());
        self.outstanding.clear();
        self.phases.clear();
        self.current = None;
        self.jobs.clear();
        self.timers.clear();
        self.ready.clear();
        self.phase_in_flight = 0;
    }

    /// True once every job finished (or the run was cancelled).
    pub fn is_done(&self) -> bool {
        self.cancelled
            || (self.current.is_none()
                && self.phases.is_empty()
                && self.jobs.is_empty()
                && self.ready.is_empty())
    }

    /// Progress at `now_ms`.
    pub fn progress(&self, now_ms: f64) -> Progress {
        let elapsed = self
            .first_session_dispatch
            .map_or(0.0, |t| (now_ms.max(self.last_now) - t).max(0.0));
        let done: usize = self.done.iter().sum();
        let total: usize = self.totals.iter().sum();
        let models = self
            .spec
            .models
            .iter()
            .enumerate()
            .map(|(i, _)| {
                model_progress(
                    &self.sweep.models[self.model_index[i]],
                    self.done[i],
                    self.totals[i],
                )
            })
            .collect();
        Progress {
            done,
            total,
            resumed: self.resumed,
            skipped: self.skipped,
            in_flight: self.jobs.len(),
            elapsed_ms: elapsed,
            eta_ms: eta_ms(self.session_done, total.saturating_sub(done), elapsed),
            models,
        }
    }

    /// The sweep so far (resumed traces included), traces in a stable order: by
    /// closed-loop level (warm-ups first), round, then gold order.
    pub fn sweep(&self) -> SweepFile {
        let mut s = self.sweep.clone();
        for run in &mut s.models {
            sort_traces(&mut run.traces, &self.gold_order);
        }
        s
    }

    /// The run metadata (for a checkpoint header).
    pub fn run_meta(&self) -> &RunMeta {
        &self.sweep.run
    }

    pub fn spec(&self) -> &RunSpec {
        &self.spec
    }

    /// This session's number (0 for a fresh run, one more per resume).
    pub fn session(&self) -> u32 {
        self.session
    }

    /// The most model calls that were ever outstanding at once.
    pub fn max_in_flight_calls(&self) -> usize {
        self.max_in_flight_calls
    }

    /// The driver's time, made monotonic; the first call fixes the run's origin.
    fn clock(&mut self, now_ms: f64) -> f64 {
        let now = if now_ms.is_finite() {
            now_ms
        } else if self.last_now.is_finite() {
            self.last_now
        } else {
            0.0
        };
        let now = now.max(self.last_now);
        self.last_now = now;
        self.t0.get_or_insert(now);
        now
    }

    /// The job an outstanding request belongs to; `Ok(None)` for a request dropped by
    /// [`Engine::cancel`] (its result is ignored).
    fn take_outstanding(&mut self, call_id: CallId) -> Result<Option<Pending>, FeedError> {
        match self.outstanding.remove(&call_id) {
            Some(p) => Ok(Some(p)),
            None if self.cancelled_calls.contains(&call_id) => Ok(None),
            None => Err(FeedError::UnknownCall(call_id)),
        }
    }

    /// Starts jobs while the phase, the concurrency limit and the pacing allow.
    fn start_jobs(&mut self, now: f64) {
        loop {
            let exhausted = self
                .current
                .as_ref()
                .is_none_or(|p| p.jobs.is_empty() && self.phase_in_flight == 0);
            if exhausted {
                match self.phases.pop_front() {
                    Some(p) => {
                        if let Some(first) = p.jobs.front() {
                            self.events.push_back(Event::PhaseStarted {
                                model: self.spec.models[first.model].id.clone(),
                                concurrency: p.concurrency,
                                jobs: p.jobs.len(),
                            });
                        }
                        self.current = Some(p);
                        self.phase_in_flight = 0;
                        continue;
                    }
                    None => {
                        self.current = None;
                        return;
                    }
                }
            }
            let Some(phase) = self.current.as_mut() else {
                return;
            };
            if phase.jobs.is_empty() || self.phase_in_flight >= phase.concurrency {
                return;
            }
            if let Some(gate) = pace_gate(phase, self.last_job_end) {
                if now < gate {
                    return;
                }
            }
            let Some(plan) = phase.jobs.pop_front() else {
                return;
            };
            self.phase_in_flight += 1;
            self.start_job(plan, now);
        }
    }

    fn start_job(&mut self, plan: JobPlan, now: f64) {
        let q = &self.questions[plan.question];
        let agent =
            Agent::new(self.strategy, &q.question, &self.schema, &[]).with_gold(q.expected.clone());
        let id = self.next_job;
        self.next_job += 1;
        self.jobs.insert(
            id,
            Job {
                plan,
                agent,
                log: AttemptLog::new(),
                body: Value::Null,
                first_dispatch: None,
                attempt_dispatch: now,
                retry_from: None,
                waited: 0.0,
                retries_this_call: 0,
                first_call: None,
                calls_done: 0,
            },
        );
        self.advance(id, now);
    }

    /// Asks the job's agent what is next and queues it (or finishes the job).
    fn advance(&mut self, id: JobId, now: f64) {
        let Some(job) = self.jobs.get_mut(&id) else {
            return;
        };
        match job.agent.next() {
            Step::Call(req) => {
                let model = &self.spec.models[job.plan.model].id;
                job.body = agent_body(&self.spec.endpoint, model, &req);
                job.retries_this_call = 0;
                self.ready.push_back(Ready::Send(id));
            }
            Step::Execute(sql) => self.ready.push_back(Ready::Execute(id, sql)),
            Step::Done(result) => self.finish_job(id, &result, now),
        }
    }

    fn dispatch(&mut self, r: Ready, now: f64) -> Option<Action> {
        let call_id = CallId(self.next_call);
        self.next_call += 1;
        match r {
            Ready::Send(id) => {
                let job = self.jobs.get_mut(&id)?;
                job.attempt_dispatch = now;
                job.first_dispatch.get_or_insert(now);
                job.waited = job.retry_from.take().map_or(0.0, |t| (now - t).max(0.0));
                self.first_session_dispatch.get_or_insert(now);
                self.outstanding.insert(call_id, Pending::Call(id));
                Some(Action::Send {
                    call_id,
                    model: self.spec.models[job.plan.model].id.clone(),
                    qid: self.questions[job.plan.question].id.clone(),
                    body: job.body.clone(),
                    timeout_ms: self.spec.limits.call_timeout_ms,
                })
            }
            Ready::Execute(id, sql) => {
                self.jobs.get(&id)?;
                self.outstanding.insert(call_id, Pending::Exec(id));
                Some(Action::Execute { call_id, sql })
            }
        }
    }

    fn finish_job(&mut self, id: JobId, result: &AgentResult, now: f64) {
        let Some(job) = self.jobs.remove(&id) else {
            return;
        };
        self.phase_in_flight = self.phase_in_flight.saturating_sub(1);
        self.last_job_end = Some(now);
        let plan = job.plan;
        let model = self.spec.models[plan.model].id.clone();
        let t0 = self.t0.unwrap_or(now);
        let trace = trace::build(Finished {
            question: &self.questions[plan.question],
            slot: plan.slot,
            protocol: &self.spec.protocol,
            result,
            first_call: job.first_call.as_ref(),
            attempts: job.log.into_attempts(),
            dispatch_ms: job.first_dispatch.map(|d| d - t0),
            session: self.session,
            pricing: self.spec.models[plan.model].pricing,
            stored_rows: self.spec.limits.stored_rows,
        });
        self.sweep.models[self.model_index[plan.model]]
            .traces
            .push(trace.clone());
        self.done[plan.model] += 1;
        self.session_done += 1;
        self.fail_fast(plan.model, &trace);
        self.events.push_back(Event::TraceFinished { model, trace });
        let progress = self.progress(now);
        self.events.push_back(Event::Progress(progress));
    }

    /// Counts a model's fatal failures in a row and stops it at the limit: its queued
    /// jobs are dropped and recorded as skipped (see the module documentation).
    fn fail_fast(&mut self, model: usize, trace: &Trace) {
        let limit = self.spec.limits.stop_model_after_consecutive_failures;
        if limit == 0 || self.stopped[model] {
            return;
        }
        let fatal = trace.outcome.filter(|o| o.is_fatal_for_model());
        let Some(outcome) = fatal else {
            self.consecutive_fatal[model] = 0;
            return;
        };
        self.consecutive_fatal[model] += 1;
        if self.consecutive_fatal[model] < limit {
            return;
        }
        self.stopped[model] = true;
        let mut dropped = Vec::new();
        for phase in self.current.iter_mut().chain(self.phases.iter_mut()) {
            phase.jobs.retain(|j| {
                let keep = j.model != model;
                if !keep {
                    dropped.push(*j);
                }
                keep
            });
        }
        if dropped.is_empty() {
            return;
        }
        let mut skipped: Vec<String> = Vec::new();
        for j in &dropped {
            let id = &self.questions[j.question].id;
            if !skipped.contains(id) {
                skipped.push(id.clone());
            }
        }
        self.done[model] += dropped.len();
        self.skipped += dropped.len();
        self.sweep.run.stopped_models.push(StoppedModel {
            model: self.spec.models[model].id.clone(),
            outcome,
            failures: self.consecutive_fatal[model],
            error: trace.error.clone(),
            skipped_calls: u32::try_from(dropped.len()).unwrap_or(u32::MAX),
            skipped,
        });
    }

    /// The earliest timer (back-off or pacing) after `now`.
    fn next_wake(&self, now: f64) -> Option<f64> {
        let retry = self.timers.iter().map(|(t, _)| *t).reduce(f64::min);
        let pace = self.current.as_ref().and_then(|p| {
            let startable = !p.jobs.is_empty() && self.phase_in_flight < p.concurrency;
            pace_gate(p, self.last_job_end).filter(|g| startable && *g > now)
        });
        match (retry, pace) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// When the next job of a paced phase may start.
fn pace_gate(phase: &Phase, last_job_end: Option<f64>) -> Option<f64> {
    (phase.pace_ms > 0)
        .then_some(last_job_end)
        .flatten()
        .map(|end| end + phase.pace_ms as f64)
}

/// By level (warm-ups first), round, then gold order (unknown ids last, by id).
pub fn sort_traces(traces: &mut [Trace], gold_order: &HashMap<String, usize>) {
    traces.sort_by_key(|t| {
        (
            t.load.map(|s| (s.concurrency, !s.warmup, s.round)),
            gold_order.get(&t.qid).copied().unwrap_or(usize::MAX),
            t.qid.clone(),
        )
    });
}

/// The metadata of a run of `spec`.
fn run_meta(spec: &RunSpec, gold_hash: &str, questions: usize) -> RunMeta {
    let ctx = &spec.context;
    let label = ctx.label.clone().unwrap_or_else(|| {
        format!(
            "{} on {} (own run)",
            protocol_name(&spec.protocol),
            spec.platform.label()
        )
    });
    RunMeta {
        label,
        source: Some(Source::Own),
        platform: Some(spec.platform.clone()),
        base_url: Some(spec.endpoint.base_url.clone()),
        protocol: Some(spec.protocol.clone()),
        schedule: Some(spec.schedule.clone()),
        methodology: Some(methodology(spec, questions)),
        tool_version: Some(ctx.tool_version.clone()).filter(|v| !v.is_empty()),
        gold_set_hash: Some(gold_hash.to_string()),
        started_at: ctx.started_at_unix_ms.and_then(rfc3339_utc),
        user_agent: ctx.user_agent.clone(),
        http_protocol: ctx.http_protocol.clone(),
        calibration: ctx.calibration.clone(),
        probed_unavailable: Vec::new(),
        stopped_models: Vec::new(),
    }
}

fn protocol_name(p: &Protocol) -> &'static str {
    match p {
        Protocol::OneShot => "one-shot sweep",
        Protocol::Agent => "agent sweep",
        Protocol::Baseline => "baseline sweep",
    }
}

/// The protocol in words, like the published files' `methodology`.
pub fn methodology(spec: &RunSpec, questions: usize) -> String {
    use crate::live::request::{MAX_TOKENS, TEMPERATURE};
    let protocol = match spec.protocol {
        Protocol::OneShot => {
            "one-shot, no repair, no retry · JSON mode · trimmed compact schema".to_string()
        }
        Protocol::Agent => format!(
            "full agent: JSON mode, trimmed compact schema, execute-and-repair (≤ {} repairs), \
             ≤ {} retries per call with back-off",
            crate::agent::Strategy::DEFAULT_MAX_REPAIRS,
            spec.limits.retries
        ),
        Protocol::Baseline => {
            "customer baseline: naive prompt, no schema, no JSON mode, no repair, no retry"
                .to_string()
        }
    };
    let schedule = match &spec.schedule {
        Schedule::Sequential { pace_ms: 0 } => "sequential, unpaced".to_string(),
        Schedule::Sequential { pace_ms } => format!("sequential, {pace_ms} ms between calls"),
        Schedule::Concurrent {
            concurrency,
            warmup,
        } => format!("closed loop at concurrency {concurrency}, {warmup} warm-up call(s) excluded"),
        Schedule::Load { steps, warmup } => {
            let levels: Vec<String> = steps
                .iter()
                .map(|s| format!("c={} ×{}", s.concurrency, s.rounds))
                .collect();
            format!(
                "load test, closed loops at {} (rounds per question), {warmup} warm-up call(s) per level excluded",
                levels.join(", ")
            )
        }
    };
    format!(
        "{questions}-question gold set ({}) · streaming · TTFT captured · {protocol} · temp {TEMPERATURE} · \
         max_tokens {MAX_TOKENS} · {schedule} · SQL run read-only with a {} row cap",
        spec.questions, spec.limits.max_rows
    )
}

/// A partial file can be resumed only by the same run.
fn check_resumable(file: &SweepFile, meta: &RunMeta) -> Result<(), EngineError> {
    if !matches!(file.run.source, Some(Source::Own)) {
        return Err(EngineError::NotResumable(
            "it is not a run of this tool (a published or imported sweep)".into(),
        ));
    }
    /// One resumability check: the field, as the file and the run have it, and
    /// whether they agree.
    fn field<T: std::fmt::Debug + PartialEq>(
        what: &'static str,
        file: &Option<T>,
        run: &Option<T>,
    ) -> (&'static str, String, String, bool) {
        let show = |v: &Option<T>| match v {
            Some(v) => format!("{v:?}"),
            None => "not recorded".to_string(),
        };
        (what, show(file), show(run), file == run)
    }
    let checks = [
        field("protocol", &file.run.protocol, &meta.protocol),
        field(
            "gold-set hash",
            &file.run.gold_set_hash,
            &meta.gold_set_hash,
        ),
        field("schedule", &file.run.schedule, &meta.schedule),
        field("base URL", &file.run.base_url, &meta.base_url),
    ];
    for (what, f, r, same) in checks {
        if !same {
            return Err(EngineError::ResumeMismatch {
                what,
                file: f,
                run: r,
            });
        }
    }
    Ok(())
}
