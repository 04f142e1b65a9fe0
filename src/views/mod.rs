//! One module per view. The shell's nav lists exactly the views in
//! [`crate::router::Route::ALL`]; each renders from shared data and computes
//! nothing a core function could.

pub mod live;
pub mod not_found;
pub mod run;
pub mod sweep;
