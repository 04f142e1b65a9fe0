//! The browser's clocks, timers and randomness, for the live demo. Core takes
//! timestamps and random numbers as inputs; this is where they come from.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Monotonic milliseconds (`performance.now()`), the clock every live timing uses.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Wall-clock Unix milliseconds (for log timestamps and HTTP-date `Retry-After`).
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// A uniform random number in [0, 1) (retry jitter).
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// Local wall-clock time `HH:MM:SS` of a Unix-millisecond instant.
pub fn local_time(unix_ms: f64) -> String {
    let d = js_sys::Date::new(&unix_ms.into());
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// Waits `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep(ms: f64) {
    let ms = ms.clamp(0.0, i32::MAX as f64) as i32;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A one-shot timer that runs a callback unless dropped first.
pub struct Timer {
    handle: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Runs `f` after `ms` milliseconds.
    pub fn start(ms: f64, f: impl FnOnce() + 'static) -> Timer {
        let mut f = Some(f);
        let closure = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        let handle = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                closure.as_ref().unchecked_ref(),
                ms.clamp(0.0, i32::MAX as f64) as i32,
            )
            .ok()
        });
        Timer {
            handle,
            _callback: closure,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let (Some(h), Some(w)) = (self.handle, web_sys::window()) {
            w.clear_timeout_with_handle(h);
        }
    }
}
