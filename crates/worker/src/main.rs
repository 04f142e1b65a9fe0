//! The worker binary Trunk builds (`data-type="worker"`, loaded through
//! `sqlsweep-worker_loader.js`). All logic is in the library.

fn main() {
    #[cfg(target_arch = "wasm32")]
    sqlsweep_worker::runtime::start();

    #[cfg(not(target_arch = "wasm32"))]
    {
        eprintln!(
            "sqlsweep-worker runs in a browser as a Web Worker; it is built by `trunk build` \
             (see README). For verification on the command line use `sqlsweep verify`."
        );
        std::process::exit(2);
    }
}
