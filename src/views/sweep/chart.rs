//! The cost-vs-accuracy chart, drawn with plotters on a `<canvas>`: every model
//! the core's [`frontier`] can place (platform filter respected), its accuracy's
//! 95 % Wilson interval as a whisker, the Pareto frontier as a staircase, and the
//! models it cannot place listed with the reason. Pointer or arrow keys pick a
//! point; its details show as text beside it. A table of the same points follows
//! the chart for screen readers (and for the tests, which read where each point
//! was drawn).

use std::sync::Arc;

use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use sqlsweep_core::analysis::format::{pct_interval, usd_per_query};
use sqlsweep_core::analysis::frontier::{frontier, Frontier};
use sqlsweep_core::analysis::records::{PlatformFilter, Record};
use sqlsweep_core::sweep::Platform;

use super::chart_layout::{
    cost_range, cost_tick, cost_ticks, css_colour, nearest, platform_colour, staircase, standing,
    step_focus, summary, tooltip_lines, Rgb, ScreenPoint,
};
use super::table::platforms;

/// How close (CSS px) the pointer must be to a point to pick it.
const PICK_RADIUS: f64 = 18.0;
/// The frontier's colour (the shell's accent).
const ACCENT: RGBColor = RGBColor(234, 88, 12);

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// What the chart shows: the records and their frontier.
type Placed = (Arc<Vec<Record>>, Frontier);

#[component]
pub fn CostAccuracyChart(
    /// `None` while the sweeps load.
    #[prop(into)]
    records: Signal<Option<Arc<Vec<Record>>>>,
    #[prop(into)] filter: Signal<PlatformFilter>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let placed: Memo<Option<Placed>> = Memo::new(move |_| {
        records.with(|r| r.as_ref().map(|r| (r.clone(), frontier(r, &filter.get()))))
    });
    // The record under the pointer or the keyboard focus.
    let hovered = RwSignal::new(None::<usize>);
    // Where each point was drawn (CSS px), set by every redraw.
    let screen = RwSignal::new(Vec::<ScreenPoint>::new());
    let draw_error = RwSignal::new(None::<String>);
    let resized = RwSignal::new(0u32);

    let listener = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|n| *n = n.wrapping_add(1))
    });
    on_cleanup(move || listener.remove());

    // A filter change can remove the hovered point.
    Effect::new(move |_| {
        let keep = placed.with(|p| {
            p.as_ref().is_some_and(|(_, f)| {
                hovered
                    .get_untracked()
                    .is_some_and(|h| f.points.iter().any(|q| q.record == h))
            })
        });
        if !keep {
            hovered.set(None);
        }
    });

    Effect::new(move |_| {
        resized.track();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let h = hovered.get();
        placed.with(|p| {
            let Some((recs, f)) = p else {
                return;
            };
            match draw(&canvas, recs, f, h) {
                Ok(points) => {
                    screen.set(points);
                    draw_error.set(None);
                }
                Err(e) => draw_error.set(Some(e)),
            }
        });
    });

    let on_move = move |ev: leptos::ev::PointerEvent| {
        let pick = screen.with_untracked(|s| {
            nearest(s, ev.offset_x() as f64, ev.offset_y() as f64, PICK_RADIUS)
        });
        if hovered.get_untracked() != pick {
            hovered.set(pick);
        }
    };
    let order = move || {
        placed.with_untracked(|p| {
            p.as_ref()
                .map(|(_, f)| f.points.iter().map(|q| q.record).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            hovered.set(None);
            return;
        }
        let next = step_focus(hovered.get_untracked(), &order(), &key);
        if next != hovered.get_untracked() {
            ev.prevent_default();
            hovered.set(next);
        }
    };

    let tooltip = move || {
        let h = hovered.get()?;
        let (x, y) = screen.with(|s| s.iter().find(|p| p.record == h).map(|p| (p.x, p.y)))?;
        placed.with(|p| {
            let (recs, f) = p.as_ref()?;
            let point = f.points.iter().find(|q| q.record == h)?;
            let lines = tooltip_lines(recs, point);
            // Left of the point when it sits in the right half.
            let width = canvas_ref
                .get_untracked()
                .map_or(600.0, |c| c.client_width() as f64);
            let style = if x > width / 2.0 {
                format!(
                    "right: {:.0}px; top: {:.0}px;",
                    width - x + 14.0,
                    (y - 12.0).max(0.0)
                )
            } else {
                format!(
                    "left: {:.0}px; top: {:.0}px;",
                    x + 14.0,
                    (y - 12.0).max(0.0)
                )
            };
            let key = recs[h].key.clone();
            Some(view! {
                <div class="chart-tooltip" style=style data-testid="chart-tooltip" data-key=key>
                    {lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, l)| if i == 0 {
                            view! { <strong>{l}</strong> }.into_any()
                        } else {
                            view! { <span>{l}</span> }.into_any()
                        })
                        .collect_view()}
                </div>
            })
        })
    };

    let aria_label = move || {
        placed.with(|p| match p {
            None => "Cost-vs-accuracy chart, loading".to_string(),
            Some((recs, f)) => format!(
                "Cost-vs-accuracy chart. {} Use the arrow keys to step through the models.",
                summary(recs, &f.frontier, f.points.len())
            ),
        })
    };
    let empty = move || {
        placed.with(|p| {
            p.as_ref()
                .filter(|(_, f)| f.points.is_empty())
                .map(|_| view! { <p class="chart-empty">"No model of this filter can be placed: see below why."</p> })
        })
    };

    view! {
        <figure class="chart" data-testid="cost-chart">
            <div class="chart-area">
                <canvas
                    node_ref=canvas_ref
                    tabindex="0"
                    role="img"
                    aria-label=aria_label
                    data-testid="chart-canvas"
                    data-drawn=move || screen.with(|s| s.len().to_string())
                    on:pointermove=on_move
                    on:pointerdown=on_move
                    on:pointerleave=move |_| hovered.set(None)
                    on:keydown=on_key
                    on:blur=move |_| hovered.set(None)
                ></canvas>
                {tooltip}
                {empty}
            </div>
            <figcaption>
                <Legend placed=placed />
                {move || draw_error.get().map(|e| view! { <p class="error" role="alert">{format!("The chart could not be drawn: {e}")}</p> })}
            </figcaption>
            {move || placed.get().map(|(recs, f)| view! { <ChartFacts records=recs frontier=f screen=screen.read_only() /> })}
        </figure>
    }
}

/// Platform colours and what the marks mean.
#[component]
fn Legend(placed: Memo<Option<Placed>>) -> impl IntoView {
    let swatches = move || {
        placed.with(|p| {
            let Some((recs, f)) = p else {
                return Vec::new();
            };
            let all = platforms(recs);
            let mut shown: Vec<Platform> = Vec::new();
            for q in &f.points {
                if !shown.contains(&recs[q.record].platform) {
                    shown.push(recs[q.record].platform.clone());
                }
            }
            shown
                .into_iter()
                .map(|pl| {
                    let colour = css_colour(platform_colour(&pl, &all));
                    view! {
                        <li><span class="swatch" style=format!("background: {colour}")></span>{pl.label().to_string()}</li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <ul class="legend">
            {swatches}
            <li><span class="mark frontier"></span>"frontier (staircase), its models outlined"</li>
            <li><span class="mark whisker"></span>"95 % Wilson interval of accuracy"</li>
            <li><span class="mark hollow"></span>"clearly dominated: worse on both axes beyond the intervals"</li>
        </ul>
    }
}

/// The frontier in words, the points as a table (each row says where its point
/// was drawn), and the models not placed.
#[component]
fn ChartFacts(
    records: Arc<Vec<Record>>,
    frontier: Frontier,
    screen: ReadSignal<Vec<ScreenPoint>>,
) -> impl IntoView {
    let names = |ix: &[usize]| {
        ix.iter()
            .map(|&i| records[i].label.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let clearly: Vec<String> = frontier
        .points
        .iter()
        .filter(|p| !p.clearly_dominated_by.is_empty())
        .map(|p| {
            format!(
                "{} (by {})",
                records[p.record].label,
                names(&p.clearly_dominated_by)
            )
        })
        .collect();
    let verdict = if frontier.points.is_empty() {
        None
    } else {
        Some(format!(
            "On the frontier: {}. Clearly dominated, beyond the 95 % intervals: {}. Every other model is dominated only within the intervals — with this few questions, not a real difference.",
            names(&frontier.frontier),
            if clearly.is_empty() { "none".to_string() } else { clearly.join("; ") }
        ))
    };
    let rows = frontier
        .points
        .iter()
        .map(|p| {
            let r = &records[p.record];
            let record = p.record;
            let at = move |f: fn(&ScreenPoint) -> f64| {
                screen.with(|s| {
                    s.iter()
                        .find(|q| q.record == record)
                        .map(|q| format!("{:.1}", f(q)))
                        .unwrap_or_default()
                })
            };
            view! {
                <tr
                    data-key=r.key.clone()
                    data-frontier=p.on_frontier.to_string()
                    data-x=move || at(|q| q.x)
                    data-y=move || at(|q| q.y)
                >
                    <th scope="row">{r.label.clone()}</th>
                    <td>{r.platform.label().to_string()}</td>
                    <td class="num">{pct_interval(&p.accuracy)}</td>
                    <td class="num">{usd_per_query(Some(p.cost_per_query))}{p.cost_is_estimate.then_some(" (est.)")}</td>
                    <td>{standing(&records, p)}</td>
                </tr>
            }
        })
        .collect_view();
    let excluded = frontier
        .excluded
        .iter()
        .map(|(i, why)| {
            let r = &records[*i];
            view! {
                <li data-key=r.key.clone()>
                    <strong>{r.label.clone()}</strong>
                    {format!(" ({}): {}", r.platform.label(), why.text())}
                </li>
            }
        })
        .collect_view();
    view! {
        {verdict.map(|v| view! { <p class="note" data-testid="frontier-verdict">{v}</p> })}
        {(!frontier.excluded.is_empty()).then(|| view! {
            <div class="excluded">
                <p class="note">"Not on the chart:"</p>
                <ul data-testid="chart-excluded">{excluded}</ul>
            </div>
        })}
        <details class="chart-data">
            <summary>"The chart's data as a table"</summary>
            <div class="table-wrap">
                <table data-testid="chart-points">
                    <thead>
                        <tr><th scope="col">"Model"</th><th scope="col">"Platform"</th><th scope="col">"Accuracy (95 % interval)"</th><th scope="col">"$/query"</th><th scope="col">"Standing"</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

/// Draws the chart at the canvas's CSS size times the device pixel ratio, and
/// returns where each point landed in CSS pixels.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    records: &[Record],
    f: &Frontier,
    hovered: Option<usize>,
) -> Result<Vec<ScreenPoint>, String> {
    let css_w = canvas.client_width().max(1) as f64;
    let css_h = canvas.client_height().max(1) as f64;
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|d| d.is_finite() && *d > 0.0)
        .unwrap_or(1.0);
    canvas.set_width((css_w * dpr).round() as u32);
    canvas.set_height((css_h * dpr).round() as u32);
    let px = |v: f64| (v * dpr).round() as i32;
    let size = |v: f64| (v * dpr).round() as u32;

    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "the browser gave no 2D canvas context".to_string())?;
    let root = backend.into_drawing_area();
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let Some((lo, hi)) = cost_range(f.points.iter().map(|p| p.cost_per_query)) else {
        return Ok(Vec::new());
    };
    let all_platforms = platforms(records);
    let colour = |i: usize| rgb(platform_colour(&records[i].platform, &all_platforms));

    let font = |s: f64| ("sans-serif", s * dpr).into_font();
    let mut chart = ChartBuilder::on(&root)
        .margin(size(14.0))
        .x_label_area_size(size(46.0))
        .y_label_area_size(size(56.0))
        .build_cartesian_2d(
            (lo..hi).log_scale().with_key_points(cost_ticks(lo, hi)),
            0.0f64..1.0f64,
        )
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .x_desc("$ per query (log scale)")
        .y_desc("Accuracy")
        .y_labels(6)
        .x_label_formatter(&|v| cost_tick(*v))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .label_style(font(12.0).color(&RGBColor(71, 85, 105)))
        .axis_desc_style(font(13.0).color(&RGBColor(15, 23, 42)))
        .bold_line_style(RGBColor(226, 232, 240).stroke_width(size(1.0)))
        .light_line_style(RGBColor(248, 250, 252).stroke_width(size(1.0)))
        .axis_style(RGBColor(148, 163, 184).stroke_width(size(1.0)))
        .draw()
        .map_err(|e| fail(&e))?;

    // The frontier, under the points.
    let steps = staircase(
        &f.points
            .iter()
            .filter(|p| p.on_frontier)
            .map(|p| (p.cost_per_query, p.accuracy.estimate))
            .collect::<Vec<_>>(),
    );
    chart
        .draw_series(LineSeries::new(
            steps,
            ACCENT.mix(0.8).stroke_width(size(2.0)),
        ))
        .map_err(|e| fail(&e))?;

    // Whiskers: the 95 % interval, with short caps.
    for p in &f.points {
        let style = colour(p.record).mix(0.55).stroke_width(size(2.0));
        let (c, a) = (p.cost_per_query, &p.accuracy);
        let cap = |y: f64| {
            EmptyElement::at((c, y)) + PathElement::new(vec![(-px(4.0), 0), (px(4.0), 0)], style)
        };
        chart
            .draw_series([PathElement::new(vec![(c, a.lo), (c, a.hi)], style)])
            .map_err(|e| fail(&e))?;
        chart
            .draw_series([cap(a.lo), cap(a.hi)])
            .map_err(|e| fail(&e))?;
    }

    // Points: frontier ones outlined, clearly dominated ones hollow.
    for p in &f.points {
        let c = colour(p.record);
        let at = (p.cost_per_query, p.accuracy.estimate);
        let clearly = !p.clearly_dominated_by.is_empty();
        let dot = if clearly {
            Circle::new((0, 0), size(5.0), c.stroke_width(size(2.0)))
        } else {
            Circle::new(
                (0, 0),
                size(if p.on_frontier { 6.5 } else { 5.0 }),
                c.filled(),
            )
        };
        chart
            .draw_series([EmptyElement::at(at) + dot])
            .map_err(|e| fail(&e))?;
        if p.on_frontier {
            let ring = Circle::new((0, 0), size(7.5), BLACK.stroke_width(size(1.5)));
            let label = Text::new(
                records[p.record].label.clone(),
                (px(10.0), -px(16.0)),
                font(12.0).color(&RGBColor(15, 23, 42)),
            );
            chart
                .draw_series([EmptyElement::at(at) + ring + label])
                .map_err(|e| fail(&e))?;
        }
    }
    if let Some(h) = hovered.and_then(|h| f.points.iter().find(|p| p.record == h)) {
        let ring = Circle::new((0, 0), size(11.0), ACCENT.stroke_width(size(2.5)));
        chart
            .draw_series([EmptyElement::at((h.cost_per_query, h.accuracy.estimate)) + ring])
            .map_err(|e| fail(&e))?;
    }
    root.present().map_err(|e| fail(&e))?;

    Ok(f.points
        .iter()
        .map(|p| {
            let (x, y) = chart.backend_coord(&(p.cost_per_query, p.accuracy.estimate));
            ScreenPoint {
                record: p.record,
                x: x as f64 / dpr,
                y: y as f64 / dpr,
            }
        })
        .collect())
}
