//! `use_sql_worker()`: the page's handle on the SQLite Web Worker (crate
//! `sqlsweep-worker`, built by Trunk as `sqlsweep-worker_loader.js`).
//!
//! The worker starts lazily, on the first request, and opens Chinook and the gold
//! set before anything else. Requests are serde messages over `postMessage`
//! ([`sqlsweep_worker::protocol`]); each returns a future of its reply. Messages
//! wait until the worker says it is ready (a wasm worker drops earlier ones).

mod client;

use leptos::prelude::*;
pub use sqlsweep_worker::protocol::{Opened, Reply, Request};

use client::Client;

/// Where the worker stands, for status lines.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerStatus {
    /// Nothing has needed SQLite yet.
    Idle,
    /// Loading the worker, Chinook and the gold set.
    Starting,
    /// Database open.
    Ready(Opened),
    /// The worker or its data failed to load; the text says what.
    Failed(String),
}

/// The page's handle on the worker (cheap to copy; one worker per page).
#[derive(Clone, Copy)]
pub struct SqlWorker {
    /// Updates as the worker starts, opens its data, or fails.
    pub status: ReadSignal<WorkerStatus>,
    client: StoredValue<std::rc::Rc<Client>, LocalStorage>,
}

impl SqlWorker {
    /// Sends `request` (starting the worker if needed) and waits for its reply.
    /// A `Reply::Failed` from the worker comes back as `Err` with its text.
    pub async fn request(&self, request: Request) -> Result<Reply, String> {
        let client = self.client.get_value();
        match client.request(request).await? {
            Reply::Failed { error } => Err(error),
            reply => Ok(reply),
        }
    }

    /// Starts the worker (and the database load) now, without a request.
    pub fn start(&self) {
        self.client.get_value().ensure_started();
    }
}

/// The page's SQLite worker; the first call in a page creates it (not yet started).
pub fn use_sql_worker() -> SqlWorker {
    if let Some(w) = use_context::<SqlWorker>() {
        return w;
    }
    let (status, set_status) = signal(WorkerStatus::Idle);
    let client = std::rc::Rc::new(Client::new(set_status));
    let stored = StoredValue::new_local(client.clone());
    let worker = SqlWorker {
        status,
        client: stored,
    };
    on_cleanup({
        let client = send_wrapper::SendWrapper::new(client);
        move || client.terminate()
    });
    provide_context(worker);
    worker
}
