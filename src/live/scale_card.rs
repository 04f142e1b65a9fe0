//! The "cost at scale" card: both sides' per-query costs projected to a daily volume
//! the user sets, the annual difference, and GPT-5.4 at the same token profile.
//! The projection is core's `demo::scale::compare`.

use leptos::prelude::*;
use sqlsweep_core::demo::scale::{
    compare, usd, Comparison, Headline, Projection, ScaleAssumptions, DAYS_PER_MONTH,
};

use super::side::SideSlot;
use crate::router::use_hash_location;
use sqlsweep_core::analysis::format::thousands;

/// A table row: its name and the figure it shows.
type Row = (&'static str, fn(&Projection) -> f64);

/// A figure, or "N/A" (the reason is in the headline).
fn cell(p: &Result<Projection, String>, f: fn(&Projection) -> f64) -> String {
    match p {
        Ok(p) => usd(f(p)),
        Err(_) => "N/A".to_string(),
    }
}

#[component]
pub fn CostAtScale(a: SideSlot, b: SideSlot) -> impl IntoView {
    // The volume is view state: it lives in the URL (`volume=…`, the same key the
    // cost views use), so a shared link keeps it; the default leaves no trace.
    let router = use_hash_location();
    let default = ScaleAssumptions::default().volume_per_day;
    let volume = Memo::new(move |_| {
        router
            .location
            .get()
            .query
            .get("volume")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(default)
    });
    let comparison = Memo::new(move |_| -> Option<(Comparison, [String; 2])> {
        let (da, db) = (a.done()?, b.done()?);
        let assumptions = ScaleAssumptions {
            volume_per_day: volume.get(),
            ..ScaleAssumptions::default()
        };
        Some((
            compare([&da.scale, &db.scale], &assumptions),
            [da.scale.label, db.scale.label],
        ))
    });
    let body = move || {
        let Some((c, labels)) = comparison.get() else {
            return view! {
                <p class="muted" data-testid="scale-waiting">"Run both sides to compare what they would cost at scale."</p>
            }
            .into_any();
        };
        let headline = match &c.headline {
            Headline::Savings {
                cheaper,
                annual_usd,
            } => format!("↓ {}/yr saved with {}", usd(*annual_usd), labels[*cheaper]),
            Headline::Equal => "Both sides cost the same per query.".to_string(),
            Headline::CannotCompare => {
                let why: Vec<String> = c
                    .sides
                    .iter()
                    .zip(&labels)
                    .filter_map(|(s, l)| s.as_ref().err().map(|e| format!("{l}: {e}")))
                    .collect();
                format!("⚠ Cannot compare — {}", why.join("; "))
            }
        };
        let rows: [Row; 5] = [
            ("Per query", |p| p.per_query),
            ("Per day", |p| p.daily),
            ("Per month", |p| p.monthly),
            ("Per year", |p| p.annual),
            ("Per year at 10× volume", |p| p.annual_10x),
        ];
        let table_rows = rows
            .into_iter()
            .map(|(name, f)| {
                view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td>{cell(&c.sides[0], f)}</td>
                        <td>{cell(&c.sides[1], f)}</td>
                    </tr>
                }
            })
            .collect_view();
        let vs = |v: Option<f64>| match v {
            Some(f) if f >= 0.0 => format!("{:.0}% cheaper", f * 100.0),
            Some(f) => format!("{:.0}% dearer", -f * 100.0),
            None => "—".to_string(),
        };
        let rates = ScaleAssumptions::default();
        let gpt = c.gpt.map(|g| {
            format!(
                "GPT-5.4 at the same token profile: {}/query, {}/month (assumed rates ${:.2} in / ${:.2} out per million tokens).",
                usd(g.per_query),
                usd(g.monthly),
                rates.gpt_input_rate,
                rates.gpt_output_rate
            )
        });
        let estimate = c.any_estimate.then(|| {
            view! { <p class="note estimate-note">"est. One side's rate is a proxy or a guess, not a published price: its figures are estimates."</p> }
        });
        view! {
            <p class="headline" data-testid="scale-headline">{headline}</p>
            <table class="scale" data-testid="scale-table">
                <thead><tr><th></th><th scope="col">{labels[0].clone()}</th><th scope="col">{labels[1].clone()}</th></tr></thead>
                <tbody>
                    {table_rows}
                    <tr><th scope="row">"vs GPT-5.4"</th><td>{vs(c.vs_gpt[0])}</td><td>{vs(c.vs_gpt[1])}</td></tr>
                </tbody>
            </table>
            {gpt.map(|g| view! { <p class="note" data-testid="scale-gpt">{g}</p> })}
            {estimate}
        }
        .into_any()
    };
    view! {
        <section class="card scale-card" data-testid="scale" aria-label="Cost at scale">
            <h2>"Cost at scale"</h2>
            <label class="field">
                "Queries per day "
                <input
                    type="number"
                    min="1"
                    step="1000"
                    data-testid="volume"
                    prop:value=move || volume.get().to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            if v.is_finite() && v > 0.0 {
                                let value = (v != default).then(|| v.to_string());
                                let q = router.location.get_untracked().query;
                                router.replace_query(q.with("volume", value.as_deref()));
                            }
                        }
                    }
                />
            </label>
            {body}
            <p class="note">
                {move || format!(
                    "Cost of this one question per side (every model call, repairs included) × {} queries a day. A month is a twelfth of a 365-day year ({DAYS_PER_MONTH:.2} days).",
                    thousands(volume.get().round() as i64)
                )}
            </p>
        </section>
    }
}
