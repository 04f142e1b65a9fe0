//! Every figure the dashboard shows, computed from loaded data (sweeps and the
//! other published files) plus visible, overridable [`assumptions`]. The web
//! components only render what these functions return: numbers with flags
//! (`is_estimate`, `indicative_only`, show/hide conditions), never HTML.
//!
//! Entry point: [`records::records`] turns loaded sweeps into the normalised
//! records every view reads.

pub mod assumptions;
pub mod cost;
pub mod format;
pub mod frontier;
pub mod insights;
pub mod intervals;
pub mod latency;
pub mod limitations;
pub mod matrix;
pub mod overview;
pub mod platforms;
pub mod quality;
pub mod quality_page;
pub mod records;
pub mod roadmap;
pub mod taxonomy;
