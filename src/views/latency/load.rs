//! Latency under load: per model, each concurrency level with calls completed and
//! failed (by class), accuracy under load, throughput, and p50/p90/p99 of the
//! successful calls drawn as bars on the model's own scale; the degradation ratio
//! with its badge; and a headline naming the least and most degraded models —
//! with the caveat when one only looks flat because its calls failed.

use leptos::prelude::*;
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::intervals::Verdict;
use sqlsweep_core::analysis::latency::{
    Badge, Degradation, LoadLevel, LoadReport, ModelLoad, DEGRADATION_NEUTRAL_BELOW,
    DEGRADATION_OK_BELOW, P99_MIN_SAMPLES,
};

use super::bar_percent;
use crate::components::table_head::{Column, TableHead};
use crate::data::FetchError;
use crate::views::figures::accuracy_text;

/// Models reserved while the file loads (layout only: the published file holds three).
const SKELETON_MODELS: usize = 3;

pub fn badge_class(b: Badge) -> &'static str {
    match b {
        Badge::Ok => "badge badge-ok",
        Badge::Neutral => "badge badge-neutral",
        Badge::Bad => "badge badge-bad",
    }
}

/// One sentence on how accuracy moved between the lowest and highest level.
pub fn accuracy_change_text(d: &Degradation) -> String {
    let c = &d.accuracy_change;
    // In the core's comparison A is the highest level, B the lowest.
    let (hi, lo) = (d.to_concurrency, d.from_concurrency);
    let counts = format!(
        "on the same {} questions, {} were right only at c={lo} and {} only at c={hi} (exact McNemar p = {:.3})",
        c.paired, c.only_b, c.only_a, c.p_value
    );
    match c.verdict {
        Verdict::NoDisagreement => format!(
            "Accuracy did not move under load: the same {} questions were right or wrong at c={lo} and c={hi}.",
            c.paired
        ),
        Verdict::NotSignificant => {
            format!("Accuracy under load: {counts} — a change this small could be chance.")
        }
        Verdict::BBetter => format!("Accuracy drops under load, beyond chance: {counts}."),
        Verdict::ABetter => format!("Accuracy rises under load, beyond chance: {counts}."),
    }
}

fn errors_text(l: &LoadLevel) -> String {
    if l.errors == 0 {
        return String::new();
    }
    let classes: Vec<String> = l
        .errors_by_class
        .iter()
        .map(|(o, n)| format!("{n} {}", o.label()))
        .collect();
    format!("{} failed: {}", l.errors, classes.join(", "))
}

/// The headline: who degrades least and most, and the caveat about failed calls.
pub fn headline(r: &LoadReport) -> Option<String> {
    let name = |i: usize| {
        let m = &r.models[i];
        let ratio = m.degradation.as_ref().map(|d| d.ratio);
        format!("{} ({})", m.label, format::ratio(ratio))
    };
    let least = r.least_degraded?;
    let most = r.most_degraded?;
    let mut t = format!(
        "Median latency of successful calls, highest concurrency ÷ lowest: {} degrades least, {} most.",
        name(least),
        name(most)
    );
    let lm = &r.models[least];
    if let Some(d) = lm.degradation.as_ref().filter(|d| d.failed_at_top > 0) {
        let calls = lm.levels.last().map(|l| l.calls).unwrap_or_default();
        t.push_str(&format!(
            " But {} only looks flat: {} of its {} calls at c={} failed and are not in that median.",
            lm.label, d.failed_at_top, calls, d.to_concurrency
        ));
        match r.least_degraded_without_failures {
            Some(c) if c != least => t.push_str(&format!(
                " Among models with no failed call at their highest level, {} degrades least.",
                name(c)
            )),
            Some(_) => {}
            None => t.push_str(" Every model lost calls at its highest level."),
        }
    }
    Some(t)
}

#[component]
pub fn LoadSection(report: Memo<Option<Result<LoadReport, FetchError>>>) -> impl IntoView {
    let body = move || {
        match report.get() {
        None => (0..SKELETON_MODELS)
            .map(|_| view! { <div class="model-load skeleton" aria-hidden="true"><span class="bar"></span></div> })
            .collect_view()
            .into_any(),
        Some(Err(_)) => view! {
            <p class="note">"The concurrency benchmark could not be loaded (see the message above), so there are no figures under load."</p>
        }
        .into_any(),
        Some(Ok(r)) if r.models.is_empty() => {
            view! { <p class="note">"The concurrency file holds no runs."</p> }.into_any()
        }
        Some(Ok(r)) => {
            let target = r.target_ms;
            view! {
                <p class="headline" data-testid="load-headline">{headline(&r)}</p>
                {r.models.into_iter().map(|m| view! { <ModelBlock model=m target_ms=target /> }).collect_view()}
            }
            .into_any()
        }
    }
    };
    view! {
        <section class="under-load" aria-labelledby="load-title" aria-busy=move || report.with(Option::is_none).to_string()>
            <h2 id="load-title">"Under load"</h2>
            <p class="note">
                "Each model answered the gold questions with the full agent at several concurrency levels (closed loop: "
                "that many calls in flight at once). Badge: median at the highest level ÷ median at the lowest — "
                {format!(
                    "under {DEGRADATION_OK_BELOW}× holds up, under {DEGRADATION_NEUTRAL_BELOW}× slows, from {DEGRADATION_NEUTRAL_BELOW}× degrades. "
                )}
                "Bars share each model's scale (its slowest p99); the orange line marks the latency target; striped p99 bars rest on too few calls to be more than indicative."
            </p>
            {body}
        </section>
    }
}

#[component]
fn ModelBlock(model: ModelLoad, target_ms: f64) -> impl IntoView {
    let badge = model.degradation.as_ref().map(|d| {
        view! {
            <span class=badge_class(d.badge) class:caveat={d.failed_at_top > 0} data-testid="degradation" data-ratio=format!("{:.2}", d.ratio)>
                {format!("p50 c={}→c={} · {}", d.from_concurrency, d.to_concurrency, format::ratio(Some(d.ratio)))}
                {(d.failed_at_top > 0).then(|| format!(" · {} failed", d.failed_at_top))}
            </span>
        }
    });
    let caveat = model.degradation.as_ref().filter(|d| d.failed_at_top > 0).map(|d| {
        view! {
            <p class="note warn">
                {format!(
                    "{} calls failed at c={}: the ratio covers only the calls that got through.",
                    d.failed_at_top, d.to_concurrency
                )}
            </p>
        }
    });
    let change = model.degradation.as_ref().map(
        |d| view! { <p class="note" data-testid="accuracy-change">{accuracy_change_text(d)}</p> },
    );
    let scale = model.bar_scale_ms;
    let target_at = bar_percent(target_ms, scale);
    let target_visible = scale.is_some_and(|s| target_ms <= s);
    let rows = model
        .levels
        .iter()
        .map(|l| level_row(l, scale, target_at, target_visible))
        .collect_view();
    view! {
        <article class="model-load" data-model=model.model.clone()>
            <header>
                <h3>{model.label.clone()}</h3>
                <span class="id">{model.model.clone()}</span>
                {badge}
            </header>
            {caveat}
            {change}
            <div class="table-wrap" tabindex="0" role="region" aria-label=format!("{} under load (scrolls sideways)", model.label)>
                <table class="load-table">
                    <TableHead columns=LEVEL_COLUMNS />
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </article>
    }
}

/// A model's table columns (one row per concurrency level).
const LEVEL_COLUMNS: &[Column] = &[
    Column::text("Concurrency"),
    Column::num("Completed"),
    Column::num("Accuracy (95 % CI)"),
    Column::num("Throughput"),
    Column::num("Wall-clock"),
    Column::classed("Successful calls: p50 · p90 · p99", "col-bars"),
    Column::num("Failed calls' median"),
];

fn level_row(
    l: &LoadLevel,
    scale: Option<f64>,
    target_at: f64,
    target_visible: bool,
) -> impl IntoView {
    let f = &l.ok_latency;
    let bar = |name: &'static str, v: Option<f64>, flagged: bool| {
        let width = format!("width: {:.2}%", bar_percent(v.unwrap_or(0.0), scale));
        let title = if flagged {
            format!(
                "{name} from {} samples (fewer than {P99_MIN_SAMPLES}): indicative only",
                f.samples
            )
        } else {
            format!("{name} of {} successful calls", f.samples)
        };
        view! {
            <div class="bar-row" title=title data-stat=name>
                <span class="bar-label">{name}</span>
                <span class="bar-track">
                    <span class="bar-fill" class:indicative=flagged style=width></span>
                    {target_visible.then(|| view! { <span class="target-line" style=format!("left: {target_at:.2}%") aria-hidden="true"></span> })}
                </span>
                <span class="bar-value" data-testid=name>{format::ms(v)}{flagged.then(|| view! { <span class="indicative-tag">" indicative only"</span> })}</span>
            </div>
        }
    };
    let errors = errors_text(l);
    view! {
        <tr data-concurrency=l.concurrency.to_string()>
            <th scope="row">{format!("c={}", l.concurrency)}</th>
            <td class="num" data-testid="completed">
                {format!("{}/{}", l.completed, l.calls)}
                {(!errors.is_empty()).then(|| view! { <span class="errors">{errors.clone()}</span> })}
            </td>
            <td class="num" data-testid="load-accuracy">{l.accuracy.as_ref().map(accuracy_text).unwrap_or_else(|| format::MISSING.into())}</td>
            <td class="num" data-testid="throughput">
                {l.throughput_qps.map_or(format::MISSING.to_string(), |q| format!("{q:.2} q/s"))}
                <span class="sub">{l.goodput_qps.map(|g| format!("{g:.2} correct/s"))}</span>
            </td>
            <td class="num">{l.wallclock_s.map_or(format::MISSING.to_string(), |w| format!("{w:.1} s"))}</td>
            <td class="col-bars">
                {bar("p50", f.p50_ms, false)}
                {bar("p90", f.p90_ms, false)}
                {bar("p99", f.p99_ms, f.p99_indicative_only)}
            </td>
            <td class="num" data-testid="failed-median">{format::ms(l.failed_median_ms)}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_classes() {
        for (b, c) in [
            (Badge::Ok, "badge-ok"),
            (Badge::Neutral, "badge-neutral"),
            (Badge::Bad, "badge-bad"),
        ] {
            assert!(badge_class(b).ends_with(c));
        }
    }
}
