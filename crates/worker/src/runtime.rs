//! The worker's event loop (wasm32 only): receives [`Request`]s over `postMessage`,
//! fetches the data files, hands the work to the [`Engine`] and posts the replies.
//! Requests are handled one at a time, in order, so `Open` always completes first.

use futures::channel::mpsc;
use futures::StreamExt;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

use crate::engine::Engine;
use crate::protocol::{decode, encode, Opened, Reply, Request, READY_ID};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now_ms() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

fn post(id: u32, reply: &Reply) {
    if let Err(e) = scope().post_message(&JsValue::from_str(&encode(id, reply))) {
        web_sys::console::error_2(&"sqlsweep worker: could not post a reply".into(), &e);
    }
}

fn js_text(v: &JsValue) -> String {
    match v.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => v.as_string().unwrap_or_else(|| format!("{v:?}")),
    }
}

/// Fetches a data file (URL relative to the worker script, i.e. the site root).
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let name = url.rsplit('/').next().unwrap_or(url);
    let response = JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(|e| format!("{name}: could not be fetched from {url} ({})", js_text(&e)))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| format!("{name}: fetch gave no response"))?;
    if !response.ok() {
        return Err(format!("{name}: HTTP {} from {url}", response.status()));
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| format!("{name}: body unreadable ({})", js_text(&e)))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| format!("{name}: body unreadable ({})", js_text(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

async fn handle(engine: &mut Engine, request: Request) -> Reply {
    let started = now_ms();
    match request {
        Request::Open { database, gold } => {
            let db = match fetch_bytes(&database).await {
                Ok(b) => b,
                Err(error) => return Reply::Failed { error },
            };
            let mut gold_files = Vec::with_capacity(gold.len());
            for url in &gold {
                match fetch_bytes(url).await {
                    Ok(b) => {
                        gold_files.push((url.rsplit('/').next().unwrap_or(url).to_string(), b))
                    }
                    Err(error) => return Reply::Failed { error },
                }
            }
            match engine.open(&db, &gold_files) {
                Ok(facts) => Reply::Opened(Opened {
                    sqlite_version: facts.sqlite_version,
                    database_bytes: db.len() as u64,
                    gold_questions: facts.gold_questions,
                    elapsed_ms: now_ms() - started,
                }),
                Err(error) => Reply::Failed { error },
            }
        }
        Request::RunSql { sql, max_rows } => match engine.run_sql(&sql, max_rows) {
            Ok(result) => Reply::Rows {
                result,
                elapsed_ms: now_ms() - started,
            },
            Err(error) => Reply::Failed { error },
        },
        Request::Schema => match engine.schema() {
            Ok(schema) => Reply::Schema { schema },
            Err(error) => Reply::Failed { error },
        },
        Request::Gold => match engine.gold() {
            Ok(gold) => Reply::Gold { gold },
            Err(error) => Reply::Failed { error },
        },
        Request::Verify { sweep } => match engine.verify(&sweep) {
            Ok(report) => Reply::Verified {
                report,
                elapsed_ms: now_ms() - started,
            },
            Err(error) => Reply::Failed { error },
        },
    }
}

/// Installs the message handler, starts the loop and tells the page it is ready.
pub fn start() {
    let (tx, mut rx) = mpsc::unbounded::<String>();
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match event.data().as_string() {
                Some(text) => {
                    let _ = tx.unbounded_send(text);
                }
                None => post(
                    READY_ID,
                    &Reply::Failed {
                        error: "the worker accepts only text messages".into(),
                    },
                ),
            }
        });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();

    wasm_bindgen_futures::spawn_local(async move {
        let mut engine = Engine::new();
        while let Some(text) = rx.next().await {
            match decode::<Request>(&text, "request") {
                Ok(envelope) => {
                    let reply = handle(&mut engine, envelope.body).await;
                    post(envelope.id, &reply);
                }
                Err(e) => {
                    // Answer under the request's id when it can be read, so the page is not left waiting.
                    let id = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v.get("id")?.as_u64())
                        .and_then(|id| u32::try_from(id).ok())
                        .unwrap_or(READY_ID);
                    post(
                        id,
                        &Reply::Failed {
                            error: e.to_string(),
                        },
                    );
                }
            }
        }
    });
    post(READY_ID, &Reply::Ready);
}
