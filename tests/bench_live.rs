//! Harness fidelity of the browser transport (run by `scripts/bench-live`, which
//! starts the fixture provider and passes its URL at compile time): against a
//! known first-token delay, how far is the TTFT the page measures from the
//! configured delay, at concurrency 1 and 6, and how much client time does the
//! harness spend per call. Prints figures; ignored in the normal test run.
#![cfg(target_arch = "wasm32")]

use futures::future::join_all;
use sqlsweep_core::demo::key::BoundKey;
use sqlsweep_core::live::request::{chat_body, Endpoint};
use sqlsweep_core::live::stream::Delta;
use sqlsweep_core::stats::quantile;
use sqlsweep_web::live::transport::{attempt, CallSpec, Cancel};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The fixture's base URL (`http://127.0.0.1:PORT/v1`), given by scripts/bench-live.
const BASE: Option<&str> = option_env!("SQLSWEEP_BENCH_FIXTURE");
/// The configured first-token delay.
const DELAY_MS: f64 = 200.0;
const WARMUP: usize = 3;

struct Sample {
    ttft_error_ms: f64,
    harness_ms: f64,
}

async fn one(endpoint: &Endpoint, key: &BoundKey) -> Sample {
    let auth = endpoint
        .auth_header("bench-key")
        .expect("a constant key is header-safe");
    let model = format!("ttft-{DELAY_MS:.0}");
    let spec = CallSpec {
        endpoint,
        auth: &auth,
        key,
        body: chat_body(
            endpoint,
            &model,
            [("user", "How many tracks are there?")],
            true,
        )
        .to_string(),
        timeout_ms: 30_000.0,
    };
    let mut ignore = |_: &Delta| {};
    let (record, _, harness_ms) = attempt(&spec, &Cancel::new(), &mut ignore).await;
    assert!(
        record.is_success(),
        "bench call failed: {:?} {:?}",
        record.outcome,
        record.error_message
    );
    let ttft = record.ttft_ms.expect("a streamed answer has a TTFT");
    Sample {
        ttft_error_ms: ttft - DELAY_MS,
        harness_ms,
    }
}

/// `calls` calls, `concurrency` at a time (closed loop: each worker starts its next
/// call when the previous one ends).
async fn run(endpoint: &Endpoint, key: &BoundKey, concurrency: usize, calls: usize) -> Vec<Sample> {
    for _ in 0..WARMUP {
        one(endpoint, key).await;
    }
    let per_worker = calls / concurrency;
    let workers = (0..concurrency).map(|_| async {
        let mut out = Vec::new();
        for _ in 0..per_worker {
            out.push(one(endpoint, key).await);
        }
        out
    });
    join_all(workers).await.into_iter().flatten().collect()
}

fn line(what: &str, values: &[f64]) -> String {
    let q = |p| quantile(values, p).map_or("—".to_string(), |v| format!("{v:.1}"));
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    format!(
        "{what:<34} n={:<3} mean {mean:>6.1}  p50 {:>6}  p90 {:>6}  p99 {:>6}  max {:>6}  (ms)",
        values.len(),
        q(0.5),
        q(0.9),
        q(0.99),
        q(1.0)
    )
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: scripts/bench-live starts the fixture and runs it"]
async fn ttft_fidelity_and_harness_cpu() {
    let base = BASE.expect("SQLSWEEP_BENCH_FIXTURE is set by scripts/bench-live");
    let endpoint = Endpoint::custom(base).expect("the fixture URL is valid");
    let key = BoundKey::new(endpoint.host(), "bench-key").expect("non-empty");
    let mut report = vec![format!(
        "browser transport vs fixture: configured first-token delay {DELAY_MS:.0} ms"
    )];
    for (concurrency, calls) in [(1, 40), (6, 60)] {
        let samples = run(&endpoint, &key, concurrency, calls).await;
        let err: Vec<f64> = samples.iter().map(|s| s.ttft_error_ms).collect();
        let cpu: Vec<f64> = samples.iter().map(|s| s.harness_ms).collect();
        report.push(line(
            &format!("c={concurrency}: measured − configured TTFT"),
            &err,
        ));
        report.push(line(
            &format!("c={concurrency}: harness CPU per call"),
            &cpu,
        ));
    }
    for l in &report {
        console_log!("BENCH {l}");
    }
}
