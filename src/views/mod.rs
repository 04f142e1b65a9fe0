//! One module per view. The shell's nav lists exactly the views in
//! [`crate::router::Route::ALL`]; each renders from shared data and computes
//! nothing a core function could.

pub mod assumptions;
pub mod cost;
pub mod figures;
pub mod insights;
pub mod latency;
pub mod live;
pub mod not_found;
pub mod overview;
pub mod platforms;
pub mod quality;
pub mod roadmap;
pub mod run;
pub mod sweep;
