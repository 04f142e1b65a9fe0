//! Moving data in and out of the dashboard: CSV of any table, JSON of a view's
//! data, sweep files combined for export, and the checks an imported file passes
//! before it joins the library. Pure: the browser supplies bytes and takes strings.
//!
//! - [`table`]: a table as header and text cells — what a view shows and what its
//!   CSV holds.
//! - [`csv`]: RFC 4180 writer that also defuses spreadsheet formulas.
//! - [`json`]: the envelope a view's JSON export is wrapped in.
//! - [`combine`]: several sweeps (or some of their models) as one sweep file.
//! - [`import`]: size, emptiness and format checks, and the imported label.

pub mod combine;
pub mod csv;
pub mod import;
pub mod json;
pub mod table;

pub use table::Table;
