//! A table rendered from core's `exchange::Table` — the same text cells its CSV
//! export holds — with a caption, its CSV button, numeric columns right-aligned
//! and the first column as row headers. Text only: cells are never parsed as HTML.

use leptos::prelude::*;
use sqlsweep_core::exchange::Table;

use super::export::ExportCsv;

/// True when a cell reads as a figure: digits with optional sign, separators,
/// `%`, `/`, `$`, ` ms`, or the missing-value dash.
pub fn is_figure(cell: &str) -> bool {
    let c = cell.trim();
    if c.is_empty() || c == "—" {
        return true;
    }
    let c = c.strip_suffix(" ms").unwrap_or(c);
    c.chars().any(|ch| ch.is_ascii_digit())
        && c.chars()
            .all(|ch| ch.is_ascii_digit() || ".,%/$+-−–() ".contains(ch))
}

/// Columns (after the first) whose every cell is a figure.
pub fn numeric_columns(table: &Table) -> Vec<bool> {
    (0..table.headers.len())
        .map(|c| {
            c > 0
                && !table.rows.is_empty()
                && table
                    .rows
                    .iter()
                    .all(|r| r.get(c).is_none_or(|x| is_figure(x)))
        })
        .collect()
}

/// Columns holding long text (SQL, sentences): any cell over 40 characters or
/// spanning lines. They wrap; the others stay on one line.
pub fn long_columns(table: &Table) -> Vec<bool> {
    (0..table.headers.len())
        .map(|c| {
            table.rows.iter().any(|r| {
                r.get(c)
                    .is_some_and(|x| x.chars().count() > 40 || x.contains('\n'))
            })
        })
        .collect()
}

/// A captioned table with a CSV button. `None` while loading: `skeleton_rows`
/// placeholder rows keep the space, so nothing jumps when the data arrives.
#[component]
pub fn DataTable(
    #[prop(into)] table: Signal<Option<Table>>,
    /// Caption and accessible name.
    #[prop(into)]
    caption: String,
    /// Names the CSV file and the `data-testid` (`table-<name>`).
    #[prop(into)]
    name: String,
    #[prop(default = 3)] skeleton_rows: usize,
    /// Shown instead of an empty table.
    #[prop(into, default = "Nothing to show.".to_string())]
    empty: String,
) -> impl IntoView {
    let testid = format!("table-{name}");
    let body = move || {
        table.with(|t| match t {
            None => view! {
                <tbody>
                    {(0..skeleton_rows)
                        .map(|_| view! { <tr class="skeleton" aria-hidden="true"><td><span class="bar"></span></td></tr> })
                        .collect_view()}
                </tbody>
            }
            .into_any(),
            Some(t) => {
                let numeric = numeric_columns(t);
                let long = long_columns(t);
                let head = t
                    .headers
                    .iter()
                    .enumerate()
                    .map(|(i, h)| view! { <th scope="col" class:num=numeric[i]>{h.clone()}</th> })
                    .collect_view();
                let rows = if t.rows.is_empty() {
                    view! { <tr><td class="empty" colspan=t.headers.len()>{empty.clone()}</td></tr> }.into_any()
                } else {
                    t.rows
                        .iter()
                        .map(|r| {
                            let cells = r
                                .iter()
                                .enumerate()
                                .map(|(i, c)| {
                                    if i == 0 {
                                        view! { <th scope="row">{c.clone()}</th> }.into_any()
                                    } else {
                                        view! { <td class:num=numeric[i] class:long=long[i] class:zero=c == "0">{c.clone()}</td> }.into_any()
                                    }
                                })
                                .collect_view();
                            view! { <tr>{cells}</tr> }
                        })
                        .collect_view()
                        .into_any()
                };
                view! {
                    <thead><tr>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="data-table">
            <div class="table-head">
                <h3 class="table-caption">{caption.clone()}</h3>
                <ExportCsv name=name.clone() label=caption.clone() table=table />
            </div>
            <div class="table-wrap">
                <table data-testid=testid aria-label=caption.clone() aria-busy=move || if table.with(|t| t.is_none()) { "true" } else { "false" }>
                    {body}
                </table>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures() {
        let cases = [
            ("24/25", true),
            ("96% (80–99%)", true),
            ("1,232 ms", true),
            ("$0.000187", true),
            ("−96%", true),
            ("—", true),
            ("", true),
            ("0", true),
            ("gpt-oss-120b", false),
            ("Baseten", false),
            ("easy", false),
            ("()", false),
        ];
        for (cell, want) in cases {
            assert_eq!(is_figure(cell), want, "{cell:?}");
        }
        let t = Table {
            headers: vec!["Model".into(), "Count".into(), "Note".into()],
            rows: vec![
                vec!["a".into(), "3".into(), "x".into()],
                vec!["b".into(), "—".into(), "4".into()],
            ],
        };
        assert_eq!(numeric_columns(&t), [false, true, false]);
        assert_eq!(long_columns(&t), [false, false, false]);
        let sql = Table {
            headers: vec!["q".into(), "sql".into()],
            rows: vec![vec!["a".into(), "SELECT 1\nFROM t".into()]],
        };
        assert_eq!(long_columns(&sql), [false, true]);
    }
}
