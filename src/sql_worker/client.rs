//! The message plumbing behind [`super::SqlWorker`]: starting the worker, holding
//! messages until it is ready, pairing replies with requests by id.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use leptos::prelude::*;
use sqlsweep_worker::protocol::{decode, encode, Reply, Request, READY_ID};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions};

use super::WorkerStatus;
use crate::data::data_url;
use crate::data::published::{DATABASE_FILE, GOLD_FILES};

/// The loader Trunk writes for `<link data-trunk rel="rust" data-type="worker" data-loader-shim>`
/// (worker file names are never hashed).
pub const WORKER_SCRIPT: &str = "sqlsweep-worker_loader.js";

/// A DOM event handler kept alive by the client.
type Handler = Closure<dyn FnMut(web_sys::Event)>;

type Pending = HashMap<u32, oneshot::Sender<Result<Reply, String>>>;

pub struct Client {
    worker: RefCell<Option<Worker>>,
    ready: Cell<bool>,
    /// Encoded messages waiting for the worker's `Ready`.
    queue: RefCell<Vec<String>>,
    pending: Rc<RefCell<Pending>>,
    next_id: Cell<u32>,
    set_status: WriteSignal<WorkerStatus>,
    /// Event handlers, kept alive as long as the worker.
    handlers: RefCell<Vec<Handler>>,
}

impl Client {
    pub fn new(set_status: WriteSignal<WorkerStatus>) -> Client {
        Client {
            worker: RefCell::new(None),
            ready: Cell::new(false),
            queue: RefCell::new(Vec::new()),
            pending: Rc::new(RefCell::new(HashMap::new())),
            next_id: Cell::new(READY_ID + 1),
            set_status,
            handlers: RefCell::new(Vec::new()),
        }
    }

    /// Sends `request` and returns its reply (or why there is none).
    pub async fn request(self: &Rc<Self>, request: Request) -> Result<Reply, String> {
        self.ensure_started();
        let rx = self.send(&request);
        rx.await
            .unwrap_or_else(|_| Err("the SQLite worker stopped before answering".into()))
    }

    fn send(self: &Rc<Self>, request: &Request) -> oneshot::Receiver<Result<Reply, String>> {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1).max(READY_ID + 1));
        let (tx, rx) = oneshot::channel();
        self.pending.borrow_mut().insert(id, tx);
        let text = encode(id, request);
        if self.ready.get() {
            self.post(&text);
        } else {
            self.queue.borrow_mut().push(text);
        }
        rx
    }

    fn post(&self, text: &str) {
        if let Some(w) = self.worker.borrow().as_ref() {
            if let Err(e) = w.post_message(&text.into()) {
                leptos::logging::error!("posting to the SQLite worker failed: {e:?}");
            }
        }
    }

    /// Creates the worker and asks it to open the database, once.
    pub fn ensure_started(self: &Rc<Self>) {
        if self.worker.borrow().is_some() {
            return;
        }
        self.set_status.try_set(WorkerStatus::Starting);
        let options = WorkerOptions::new();
        options.set_name("sqlsweep-sqlite");
        let worker = match Worker::new_with_options(WORKER_SCRIPT, &options) {
            Ok(w) => w,
            Err(e) => {
                self.set_status.try_set(WorkerStatus::Failed(format!(
                    "the SQLite worker ({WORKER_SCRIPT}) could not be started: {e:?}"
                )));
                return;
            }
        };
        let weak = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let (Some(client), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) {
                client.on_message(event);
            }
        });
        let weak = Rc::downgrade(self);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let detail = event
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| format!("{WORKER_SCRIPT} failed to load or crashed"));
            if let Some(client) = weak.upgrade() {
                client.fail_all(&format!("SQLite worker error: {detail}"));
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.handlers.borrow_mut().extend([on_message, on_error]);
        *self.worker.borrow_mut() = Some(worker);

        // First message: open the database and gold set; its reply sets the status.
        let open = Request::Open {
            database: data_url(DATABASE_FILE),
            gold: GOLD_FILES.iter().map(|f| data_url(f)).collect(),
        };
        let rx = self.send(&open);
        let set_status = self.set_status;
        leptos::task::spawn_local(async move {
            let status = match rx.await {
                Ok(Ok(Reply::Opened(o))) => WorkerStatus::Ready(o),
                Ok(Ok(Reply::Failed { error })) | Ok(Err(error)) => WorkerStatus::Failed(error),
                Ok(Ok(other)) => {
                    WorkerStatus::Failed(format!("unexpected reply to open: {other:?}"))
                }
                Err(_) => WorkerStatus::Failed("the SQLite worker stopped before opening".into()),
            };
            set_status.try_set(status);
        });
    }

    fn on_message(&self, event: &MessageEvent) {
        let Some(text) = event.data().as_string() else {
            leptos::logging::error!("the SQLite worker sent a message that is not text");
            return;
        };
        let envelope = match decode::<Reply>(&text, "worker reply") {
            Ok(e) => e,
            Err(e) => {
                leptos::logging::error!("{e}");
                return;
            }
        };
        if envelope.id == READY_ID {
            if matches!(envelope.body, Reply::Ready) {
                self.ready.set(true);
                for text in self.queue.borrow_mut().drain(..) {
                    self.post(&text);
                }
            } else if let Reply::Failed { error } = envelope.body {
                leptos::logging::error!("SQLite worker: {error}");
            }
            return;
        }
        if let Some(tx) = self.pending.borrow_mut().remove(&envelope.id) {
            let _ = tx.send(Ok(envelope.body));
        }
    }

    /// The worker is gone: every waiting request gets `reason`.
    fn fail_all(&self, reason: &str) {
        self.set_status
            .try_set(WorkerStatus::Failed(reason.to_string()));
        for (_, tx) in self.pending.borrow_mut().drain() {
            let _ = tx.send(Err(reason.to_string()));
        }
        self.queue.borrow_mut().clear();
    }

    pub fn terminate(&self) {
        if let Some(w) = self.worker.borrow_mut().take() {
            w.terminate();
        }
        for (_, tx) in self.pending.borrow_mut().drain() {
            let _ = tx.send(Err("the page stopped the SQLite worker".to_string()));
        }
    }
}
