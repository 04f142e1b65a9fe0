//! The header row of the views' hand-laid tables (run results, latency under load,
//! sequential runs, the cost matrix, quantization): every column a `<th
//! scope="col">` with its optional class (`num` right-aligns figures) and tooltip.
//! The columns are declared once as data beside the rows that fill them, instead
//! of each view spelling out the same header markup.

use leptos::prelude::*;

/// One column of a table's header.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    pub label: &'static str,
    /// The header cell's class (`num` for figures), if any.
    pub class: Option<&'static str>,
    /// A tooltip explaining the column, if any.
    pub title: Option<&'static str>,
}

impl Column {
    /// A text column (left-aligned).
    pub const fn text(label: &'static str) -> Column {
        Column {
            label,
            class: None,
            title: None,
        }
    }

    /// A column of figures (right-aligned, class `num`).
    pub const fn num(label: &'static str) -> Column {
        Column::classed(label, "num")
    }

    /// A column with its own class.
    pub const fn classed(label: &'static str, class: &'static str) -> Column {
        Column {
            label,
            class: Some(class),
            title: None,
        }
    }

    /// The same column with a tooltip.
    pub const fn titled(self, title: &'static str) -> Column {
        Column {
            title: Some(title),
            ..self
        }
    }
}

/// `<thead>` with one `<th scope="col">` per column, in order.
#[component]
pub fn TableHead(columns: &'static [Column]) -> impl IntoView {
    let cells = columns
        .iter()
        .map(|c| view! { <th scope="col" class=c.class title=c.title>{c.label}</th> })
        .collect_view();
    view! {
        <thead>
            <tr>{cells}</tr>
        </thead>
    }
}
