//! Export buttons: [`ExportCsv`] downloads a table (headers and text cells) as
//! CSV written by core (`exchange::csv`: RFC 4180 quoting, spreadsheet formulas
//! defused); [`ExportJson`] downloads a view's data as JSON (core's sweep schema
//! for sweeps, core's view envelope for the rest). A failure is shown beside the
//! button, never swallowed.

mod download;

pub use download::download;

use leptos::prelude::*;
use sqlsweep_core::exchange::Table;

/// MIME type of the CSV files.
const CSV_MIME: &str = "text/csv;charset=utf-8";
/// MIME type of the JSON files.
const JSON_MIME: &str = "application/json";

/// `sqlsweep-<name>.<ext>`, with anything but letters, digits, `-` and `_` turned into `-`.
pub fn file_name(name: &str, ext: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    format!("sqlsweep-{slug}.{ext}")
}

/// A "CSV" button for one table. Disabled while `table` is `None` (loading) or empty.
#[component]
pub fn ExportCsv(
    /// Names the file (`sqlsweep-<name>.csv`) and the button's accessible label.
    #[prop(into)]
    name: String,
    /// What the table is, for screen readers ("failure taxonomy").
    #[prop(into)]
    label: String,
    #[prop(into)] table: Signal<Option<Table>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let file = file_name(&name, "csv");
    let testid = format!("export-csv-{name}");
    let on_click = {
        let file = file.clone();
        move |_| {
            let result = table.with_untracked(|t| match t {
                Some(t) => t
                    .to_csv()
                    .map_err(|e| format!("could not write {file}: {e}"))
                    .and_then(|csv| download(&file, CSV_MIME, &csv)),
                None => Err(format!("could not write {file}: the data has not loaded")),
            });
            error.set(result.err());
        }
    };
    let disabled = move || table.with(|t| t.as_ref().is_none_or(|t| t.is_empty()));
    view! {
        <span class="export">
            <button
                type="button"
                class="export-button"
                data-testid=testid
                data-file=file.clone()
                aria-label=format!("Download the {label} as CSV ({file})")
                title=format!("Download as CSV: {file}")
                disabled=disabled
                on:click=on_click
            >
                "CSV"
            </button>
            {move || error.get().map(|e| view! { <span class="error inline" role="alert">{e}</span> })}
        </span>
    }
}

/// A "JSON" button; `json` builds the file's text when clicked (not before).
#[component]
pub fn ExportJson(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    /// Builds the JSON; `Err` is shown beside the button.
    json: Callback<(), Result<String, String>>,
    /// False while the data is loading.
    #[prop(into, default = Signal::stored(true))]
    ready: Signal<bool>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let file = file_name(&name, "json");
    let testid = format!("export-json-{name}");
    let on_click = {
        let file = file.clone();
        move |_| {
            let result = json
                .run(())
                .map_err(|e| format!("could not write {file}: {e}"))
                .and_then(|text| download(&file, JSON_MIME, &text));
            error.set(result.err());
        }
    };
    view! {
        <span class="export">
            <button
                type="button"
                class="export-button"
                data-testid=testid
                data-file=file.clone()
                aria-label=format!("Download the {label} as JSON ({file})")
                title=format!("Download as JSON: {file}")
                disabled=move || !ready.get()
                on:click=on_click
            >
                "JSON"
            </button>
            {move || error.get().map(|e| view! { <span class="error inline" role="alert">{e}</span> })}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let cases = [
            ("quality-taxonomy", "csv", "sqlsweep-quality-taxonomy.csv"),
            ("Sweep Matrix", "csv", "sqlsweep-sweep-matrix.csv"),
            ("../etc/passwd", "json", "sqlsweep-etc-passwd.json"),
            (
                "baseten_sweep.json",
                "json",
                "sqlsweep-baseten_sweep-json.json",
            ),
        ];
        for (name, ext, want) in cases {
            assert_eq!(file_name(name, ext), want, "{name}");
        }
    }
}
