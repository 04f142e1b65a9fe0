//! The Roadmap view's data-derived part: the limitations [`super::limitations`]
//! finds in the loaded data, with a heading per kind and as a table for CSV.
//! (The roadmap itself is prose in the view; it states no figures.)

use super::limitations::{Limitation, LimitationKind};
use super::records::Record;
use crate::exchange::Table;

/// A short heading for a kind of limitation.
pub fn kind_label(kind: LimitationKind) -> &'static str {
    match kind {
        LimitationKind::FatalModels => "Models that never ran",
        LimitationKind::StoppedModels => "Models stopped early",
        LimitationKind::UnpricedModels => "Unpriced models",
        LimitationKind::PromotionalPrices => "Promotional prices",
        LimitationKind::EstimatedPrices => "Estimated prices",
        LimitationKind::UnavailableModels => "Unavailable models",
        LimitationKind::SampleSize => "Sample size",
        LimitationKind::FailedCalls => "Failed calls",
        LimitationKind::SmallLatencySamples => "Small latency samples",
        LimitationKind::LoadFailures => "Failures under load",
    }
}

/// One row per limitation: its kind, the sentence, and the models concerned.
pub fn limitations_table(limitations: &[Limitation], records: &[Record]) -> Table {
    let mut t = Table::new(["Kind", "Limitation", "Models"]);
    for l in limitations {
        let models: Vec<&str> = l
            .records
            .iter()
            .filter_map(|&i| records.get(i))
            .map(|r| r.model.as_str())
            .collect();
        // Three cells for three headers: cannot be ragged.
        let _ = t.push([
            kind_label(l.kind).to_string(),
            l.text.clone(),
            models.join("; "),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::limitations::limitations;
    use crate::analysis::records::records;
    use crate::analysis::records::testing::{fatal_run, run, sweep};
    use crate::sweep::Platform;

    #[test]
    fn table_of_limitations() {
        let sweeps = vec![sweep(
            "bt",
            Platform::Baseten,
            vec![
                fatal_run("b/dead", Platform::Baseten, 25, "503"),
                run("b/unpriced", Platform::Baseten, 20, 25, (1, 1), None),
            ],
        )];
        let recs = records(&sweeps);
        let t = limitations_table(&limitations(&recs, &sweeps, None, None), &recs);
        t.check().unwrap();
        let col = |c: usize| t.rows.iter().map(|r| r[c].as_str()).collect::<Vec<_>>();
        assert_eq!(
            col(0),
            ["Models that never ran", "Unpriced models", "Sample size"]
        );
        assert_eq!(col(2), ["b/dead", "b/unpriced", ""]);
        assert!(t.rows[0][1].starts_with("dead never answered"));
        assert!(limitations_table(&[], &recs).is_empty());
    }
}
