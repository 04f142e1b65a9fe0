//! Turning one finished job — the agent's result plus the records of its HTTP
//! attempts — into a [`Trace`] of the sweep schema: the same fields the published
//! sweeps have, plus what they lacked (outcome class, attempts, raw timings).
//!
//! Definitions (timings: `crate::live::timing`):
//! - `headers_ms`, `ttft_ms`, `first_answer_ms` come from the first model call's
//!   answering attempt (the original's TTFT is the first call's);
//! - `latency_ms` is the model time: the answering attempt's latency for one-shot and
//!   baseline, the sum over the agent's calls for the agent protocol (as the original
//!   agent summed its calls), back-off never included;
//! - `latency_with_retries_ms` is first dispatch → end of the last attempt, back-off,
//!   repairs and SQL execution included: what a user waited;
//! - tokens are summed over the calls that reported usage; cost only when both sums
//!   and a price are known;
//! - a result cut by the executor's row cap is never correct (as `verify` rescores).

use crate::agent::AgentResult;
use crate::gold::GoldQuestion;
use crate::live::stream::CallRecord;
use crate::live::timing::trace_timing;
use crate::outcome::Outcome;
use crate::summary::cost_usd;
use crate::sweep::{Attempt, LoadSlot, Pricing, Protocol, Trace};

/// Characters of the model's answer kept in a trace (as the published sweeps).
pub const RAW_CONTENT_MAX_CHARS: usize = 500;

/// Everything a job knew when it finished.
pub struct Finished<'a> {
    pub question: &'a GoldQuestion,
    pub slot: Option<LoadSlot>,
    pub protocol: &'a Protocol,
    pub result: &'a AgentResult,
    /// The answering (final) attempt of the first model call, if any call was made.
    pub first_call: Option<&'a CallRecord>,
    pub attempts: Vec<Attempt>,
    /// First dispatch relative to the start of this session.
    pub dispatch_ms: Option<f64>,
    /// The session (0 for a fresh run, one more per resume; see `live::timing`).
    pub session: u32,
    pub pricing: Option<Pricing>,
    pub stored_rows: usize,
}

/// The trace of a finished job.
pub fn build(f: Finished<'_>) -> Trace {
    let r = f.result;
    let mut outcome = r.outcome;
    let mut result = r.result.clone();
    if outcome == Outcome::Correct && result.as_ref().is_some_and(|rs| rs.truncated) {
        outcome = Outcome::WrongShape;
    }
    if let Some(rs) = result.as_mut() {
        if rs.rows.len() > f.stored_rows {
            rs.rows.truncate(f.stored_rows);
            rs.truncated = true;
        }
    }
    let mut timing = match f.first_call {
        Some(first) => trace_timing(f.dispatch_ms, &f.attempts, first),
        None => Default::default(),
    };
    if matches!(f.protocol, Protocol::Agent) {
        timing.latency_ms = r.latency_ms();
    }
    if timing.dispatch_ms.is_some() {
        timing.session = f.session;
    }
    let raw_content = r
        .calls
        .iter()
        .rev()
        .find_map(|c| c.reply.as_ref())
        .map(|reply| reply.content.chars().take(RAW_CONTENT_MAX_CHARS).collect());
    let cost_usd = match (f.pricing, r.prompt_tokens, r.completion_tokens) {
        (Some(p), Some(pt), Some(ct)) => Some(cost_usd(pt as f64, ct as f64, &p)),
        _ => None,
    };
    Trace {
        qid: f.question.id.clone(),
        question: Some(f.question.question.clone()),
        tier: Some(f.question.tier),
        raw_content,
        json_ok: r.json_ok,
        sql: r.sql.clone(),
        result,
        correct: outcome == Outcome::Correct,
        timing,
        prompt_tokens: r.prompt_tokens,
        completion_tokens: r.completion_tokens,
        cost_usd,
        error: r.error.clone(),
        outcome: Some(outcome),
        repairs: matches!(f.protocol, Protocol::Agent).then_some(r.repairs),
        attempts: f.attempts,
        load: f.slot,
    }
}
