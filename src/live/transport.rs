//! The browser's streaming transport: `fetch` POST with an `AbortController`, the
//! response body read as a `ReadableStream`, bytes and `performance.now()`
//! timestamps fed into core's [`CallMachine`], retries decided by core's
//! [`RetryPolicy`]. Nothing here decides anything about the protocol.
//!
//! * One time limit per attempt covers the headers *and* the body (the original's
//!   15 s timer stopped at the headers, so a stalled stream hung forever).
//! * [`Cancel`] aborts the attempt in flight and any back-off (the page cancels a
//!   run when its view goes away).
//! * `fetch` rejecting with no status (`TypeError: Failed to fetch`) is a network
//!   failure whose message names both causes a page cannot tell apart: a CORS
//!   refusal and an unreachable server.
//! * Retry-After is honoured only when the browser may read it (the provider must
//!   list it in `Access-Control-Expose-Headers`); otherwise the policy backs off.
//! * Requests carry no cookies and no referrer; every server text is scrubbed of the
//!   key before it leaves this module.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use sqlsweep_core::demo::advice::network_failure_message;
use sqlsweep_core::demo::key::BoundKey;
use sqlsweep_core::demo::side::CallWire;
use sqlsweep_core::live::request::{AuthHeader, Endpoint};
use sqlsweep_core::live::retry::{AttemptLog, Decision, RetryPolicy};
use sqlsweep_core::live::stream::{CallMachine, CallRecord, Delta, TransportFailure};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, ReadableStreamReadResult,
    ReferrerPolicy, RequestCredentials, RequestInit, RequestMode, Response,
};

use super::clock::{now_ms, random, sleep, wall_ms, Timer};

/// Cancellation shared by everything one run does.
#[derive(Clone, Default)]
pub struct Cancel(Rc<CancelInner>);

#[derive(Default)]
struct CancelInner {
    cancelled: Cell<bool>,
    in_flight: RefCell<Option<AbortController>>,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Aborts the request in flight; later attempts and back-off stop.
    pub fn cancel(&self) {
        self.0.cancelled.set(true);
        if let Some(c) = self.0.in_flight.borrow_mut().take() {
            c.abort();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.get()
    }

    fn track(&self, controller: Option<AbortController>) {
        *self.0.in_flight.borrow_mut() = controller;
    }
}

/// One model call to make: where, with which credentials, what body.
pub struct CallSpec<'a> {
    pub endpoint: &'a Endpoint,
    pub auth: &'a AuthHeader,
    /// The key, only to scrub it from server text.
    pub key: &'a BoundKey,
    /// The JSON body (see `live::bridge::agent_body`).
    pub body: String,
    /// Limit for one attempt, headers and body together.
    pub timeout_ms: f64,
}

/// One finished HTTP attempt, for the activity log.
pub struct AttemptReport<'a> {
    /// 1 for the first attempt, 2… for retries.
    pub attempt: u32,
    pub dispatch_wall_ms: f64,
    /// Back-off waited before this attempt.
    pub waited_ms: f64,
    pub record: &'a CallRecord,
}

/// A call's outcome after all attempts.
pub struct CallResult {
    /// The last attempt (scrubbed).
    pub record: CallRecord,
    pub wire: CallWire,
    /// Time spent in this client's own code for the call (request building, stream
    /// parsing, bookkeeping), excluding waiting and page rendering.
    pub harness_ms: f64,
}

fn js_text(v: &JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        let name = String::from(e.name());
        let msg = String::from(e.message());
        if name.is_empty() || name == "Error" {
            msg
        } else {
            format!("{name}: {msg}")
        }
    } else if let Some(e) = v.dyn_ref::<web_sys::DomException>() {
        format!("{}: {}", e.name(), e.message())
    } else {
        v.as_string().unwrap_or_else(|| "unknown error".to_string())
    }
}

/// Builds the fetch options; `None` when the browser refuses to build them.
fn request_init(spec: &CallSpec<'_>, controller: &AbortController) -> Option<RequestInit> {
    let headers = Headers::new().ok()?;
    headers.set("Content-Type", "application/json").ok()?;
    headers.set(AuthHeader::NAME, spec.auth.expose()).ok()?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&spec.body));
    init.set_signal(Some(&controller.signal()));
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    Some(init)
}

/// One HTTP attempt. Returns its record (scrubbed), its dispatch time on the
/// monotonic clock and the client time it used.
pub async fn attempt(
    spec: &CallSpec<'_>,
    cancel: &Cancel,
    on_delta: &mut dyn FnMut(&Delta),
) -> (CallRecord, f64, f64) {
    let mut busy = 0.0;
    let t0 = now_ms();
    let mut machine = CallMachine::new(t0);
    let Some(window) = web_sys::window() else {
        machine.fail(
            now_ms(),
            TransportFailure::Network("no window to fetch from".into()),
        );
        return (machine.finish(), t0, 0.0);
    };
    let controller = match AbortController::new() {
        Ok(c) => c,
        Err(e) => {
            let msg = format!(
                "the browser could not create an AbortController ({})",
                js_text(&e)
            );
            machine.fail(now_ms(), TransportFailure::Network(msg));
            return (machine.finish(), t0, 0.0);
        }
    };
    let Some(init) = request_init(spec, &controller) else {
        machine.fail(
            now_ms(),
            TransportFailure::Network("the browser refused to build the request".into()),
        );
        return (machine.finish(), t0, 0.0);
    };
    cancel.track(Some(controller.clone()));
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let (flag, controller) = (timed_out.clone(), controller.clone());
        Timer::start(spec.timeout_ms, move || {
            flag.set(true);
            controller.abort();
        })
    };
    let limit_s = spec.timeout_ms / 1000.0;
    let stopped = |when: &str| -> Option<TransportFailure> {
        if timed_out.get() {
            Some(TransportFailure::Timeout(format!(
                "no complete response within {limit_s:.0} s ({when})"
            )))
        } else if cancel.is_cancelled() {
            Some(TransportFailure::Network("cancelled by the page".into()))
        } else {
            None
        }
    };

    let url = spec.endpoint.chat_completions_url();
    let promise = window.fetch_with_str_and_init(&url, &init);
    busy += now_ms() - t0;
    let response = JsFuture::from(promise).await;
    let t = now_ms();
    let response: Response = match response.map(JsCast::dyn_into::<Response>) {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => {
            machine.fail(
                t,
                TransportFailure::Network("fetch gave no response object".into()),
            );
            return finish(machine, spec, cancel, t0, busy);
        }
        Err(e) => {
            let failure = stopped("waiting for the response headers").unwrap_or_else(|| {
                TransportFailure::Network(network_failure_message(
                    spec.endpoint.host(),
                    &js_text(&e),
                ))
            });
            machine.fail(t, failure);
            return finish(machine, spec, cancel, t0, busy);
        }
    };
    let headers = response.headers();
    machine.headers(t, response.status(), |name| {
        headers.get(name).ok().flatten()
    });
    busy += now_ms() - t;

    let Some(body) = response.body() else {
        machine.end(now_ms(), true);
        return finish(machine, spec, cancel, t0, busy);
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    loop {
        let read = JsFuture::from(reader.read()).await;
        let t = now_ms();
        match read {
            Ok(v) => {
                let chunk: ReadableStreamReadResult = v.unchecked_into();
                if chunk.get_done().unwrap_or(true) {
                    machine.end(t, true);
                    break;
                }
                let bytes = js_sys::Uint8Array::new(&chunk.get_value()).to_vec();
                let deltas = machine.body(t, &bytes);
                busy += now_ms() - t;
                for d in &deltas {
                    on_delta(d);
                }
            }
            Err(e) => {
                let failure = stopped("while reading the response body")
                    .unwrap_or_else(|| TransportFailure::Network(js_text(&e)));
                machine.fail(t, failure);
                break;
            }
        }
    }
    finish(machine, spec, cancel, t0, busy)
}

fn finish(
    machine: CallMachine,
    spec: &CallSpec<'_>,
    cancel: &Cancel,
    t0: f64,
    busy: f64,
) -> (CallRecord, f64, f64) {
    cancel.track(None);
    let mut record = machine.finish();
    spec.key.scrub_record(&mut record);
    (record, t0, busy)
}

/// A call with retries: attempts until the policy stops, reporting each attempt.
pub async fn call(
    spec: &CallSpec<'_>,
    policy: &RetryPolicy,
    cancel: &Cancel,
    on_delta: &mut dyn FnMut(&Delta),
    on_attempt: &mut dyn FnMut(&AttemptReport<'_>),
) -> CallResult {
    let mut log = AttemptLog::new();
    let mut waited = 0.0;
    let mut server_wait = false;
    let mut harness = 0.0;
    loop {
        let dispatch_wall_ms = wall_ms();
        let (record, dispatch, busy) = attempt(spec, cancel, on_delta).await;
        harness += busy;
        log.push(dispatch, waited, &record);
        on_attempt(&AttemptReport {
            attempt: log.attempts().len() as u32,
            dispatch_wall_ms,
            waited_ms: waited,
            record: &record,
        });
        let decision = policy.decide(&record, log.retries(), random(), Some(wall_ms()));
        match decision {
            Decision::Retry {
                wait_ms,
                server_suggested,
            } if !cancel.is_cancelled() => {
                server_wait |= server_suggested;
                waited = wait_ms;
                sleep(wait_ms).await;
                if cancel.is_cancelled() {
                    return CallResult {
                        wire: wire(&record, log, server_wait),
                        record,
                        harness_ms: harness,
                    };
                }
            }
            _ => {
                return CallResult {
                    wire: wire(&record, log, server_wait),
                    record,
                    harness_ms: harness,
                }
            }
        }
    }
}

fn wire(record: &CallRecord, log: AttemptLog, server_wait: bool) -> CallWire {
    CallWire {
        status: record.status,
        attempts: log.into_attempts(),
        server_wait,
    }
}
