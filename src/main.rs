//! sqlsweep dashboard entry point (the web work item builds the app here).
fn main() {}
