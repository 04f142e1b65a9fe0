//! Entry point of the dashboard's wasm binary (Trunk's `data-bin="sqlsweep-web"`).

fn main() {
    sqlsweep_web::mount();
}
