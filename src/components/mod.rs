//! Components shared by several views.
//!
//! - [`data_table`]: a table from core's `exchange::Table`, with its CSV button.
//! - [`export`]: "CSV" and "JSON" download buttons for any table or view.
//! - [`load_errors`]: the alert for each data file that failed to load.
//! - [`table_head`]: the header row of a table, from its columns declared as data.
//! - [`import`]: the sweep library panel — import by file picker or by dropping a
//!   file anywhere on the page, the list of loaded sweeps, removal of imports.

pub mod data_table;
pub mod export;
pub mod import;
pub mod load_errors;
pub mod table_head;
