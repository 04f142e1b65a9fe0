//! CPU time of this process (all threads, user + system), from `getrusage`, so a run
//! can report what the harness itself costs per call.

/// User + system CPU seconds used by this process so far; None if the OS refuses.
pub fn process_cpu_seconds() -> Option<f64> {
    // SAFETY: `getrusage` writes into the zeroed struct we own; RUSAGE_SELF is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if rc != 0 {
        return None;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(secs(usage.ru_utime) + secs(usage.ru_stime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work() {
        let before = process_cpu_seconds().expect("getrusage works");
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed().as_millis() < 50 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let after = process_cpu_seconds().unwrap();
        assert!(after > before, "{before} → {after}");
    }
}
