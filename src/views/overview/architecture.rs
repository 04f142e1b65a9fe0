//! The architecture diagram: the seven [`Step`]s as an inline SVG flowchart whose
//! nodes are buttons (Tab to reach, Enter or Space to open), and a panel with the
//! open step's details. The open step lives in the URL (`?step=parse`).

use leptos::prelude::*;
use sqlsweep_core::agent::machine::Strategy;
use sqlsweep_core::analysis::overview::PipelineEvidence;

use super::steps::Step;

/// Node geometry in the SVG's user units.
const BOX_W: f64 = 150.0;
const BOX_H: f64 = 64.0;
const GAP: f64 = 20.0;
const TOP_Y: f64 = 24.0;
const REPAIR_Y: f64 = 168.0;
const LEFT: f64 = 6.0;
/// The width of the drawing (six boxes in the top row).
const VIEW_W: f64 = LEFT * 2.0 + 6.0 * BOX_W + 5.0 * GAP;
const VIEW_H: f64 = 250.0;

/// Top-left corner of a step's box. The top row is the straight path; repair sits
/// under execute.
fn position(step: Step) -> (f64, f64) {
    let col = |i: f64| LEFT + i * (BOX_W + GAP);
    match step {
        Step::Question => (col(0.0), TOP_Y),
        Step::Schema => (col(1.0), TOP_Y),
        Step::Inference => (col(2.0), TOP_Y),
        Step::Parse => (col(3.0), TOP_Y),
        Step::Execute => (col(4.0), TOP_Y),
        Step::Result => (col(5.0), TOP_Y),
        Step::Repair => (col(4.0), REPAIR_Y),
    }
}

#[component]
pub fn Architecture(
    /// The open step.
    #[prop(into)]
    selected: Signal<Step>,
    on_select: Callback<Step>,
    /// What the loaded traces say (`None` while loading).
    #[prop(into)]
    evidence: Signal<Option<(PipelineEvidence, usize)>>,
) -> impl IntoView {
    let node = move |step: Step| {
        let (x, y) = position(step);
        let active = move || selected.get() == step;
        let on_key = move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Enter" || ev.key() == " " {
                ev.prevent_default();
                on_select.run(step);
            }
        };
        view! {
            <g
                class="node"
                class:active=active
                class:repair=step == Step::Repair
                tabindex="0"
                role="button"
                aria-pressed=move || if active() { "true" } else { "false" }
                aria-label=format!("Step {}: {}", step.number(), step.title())
                data-step=step.key()
                on:click=move |_| on_select.run(step)
                on:keydown=on_key
            >
                <rect x=x y=y width=BOX_W height=BOX_H rx="10" />
                <text x=x + 10.0 y=y + 20.0 class="num">{step.number()}</text>
                <text x=x + 10.0 y=y + 39.0 class="title">{step.title()}</text>
                <text x=x + 10.0 y=y + 55.0 class="sub">{step.subtitle()}</text>
            </g>
        }
    };

    // Straight arrows along the top row.
    let top_row = [
        Step::Question,
        Step::Schema,
        Step::Inference,
        Step::Parse,
        Step::Execute,
        Step::Result,
    ];
    let arrows = top_row
        .windows(2)
        .map(|w| {
            let (x1, y1) = position(w[0]);
            let (x2, _) = position(w[1]);
            let y = y1 + BOX_H / 2.0;
            view! {
                <line x1=x1 + BOX_W y1=y x2=x2 - 3.0 y2=y class="arrow" marker-end="url(#arch-head)" />
            }
        })
        .collect_view();
    let (ex, ey) = position(Step::Execute);
    let (rx, ry) = position(Step::Repair);
    let (ix, iy) = position(Step::Inference);
    let down_x = ex + BOX_W / 2.0;
    let loop_y = ry + BOX_H / 2.0;
    let back_x = ix + BOX_W / 2.0;
    let loop_path = format!("M {rx} {loop_y} H {back_x} V {}", iy + BOX_H + 3.0);
    let retry_label = format!(
        "retry with the error · at most {}",
        Strategy::DEFAULT_MAX_REPAIRS
    );

    let detail = move || {
        let step = selected.get();
        let evidence_line = evidence
            .get()
            .and_then(|(e, questions)| step.evidence(&e, questions));
        view! {
            <h3>{format!("{} · {}", step.number(), step.title())}</h3>
            <dl>
                <dt>"What sqlsweep does"</dt>
                <dd>{step.what()}</dd>
                <dt>"Why · trade-off"</dt>
                <dd>{step.why()}</dd>
                <dt>"In the code"</dt>
                <dd><code>{step.code()}</code></dd>
                {evidence_line.map(|line| view! {
                    <dt>"Evidence"</dt>
                    <dd data-testid="step-evidence">{line}</dd>
                })}
            </dl>
        }
    };

    view! {
        <div class="architecture">
            <div class="diagram-scroll">
                <svg
                    viewBox=format!("0 0 {VIEW_W} {VIEW_H}")
                    class="diagram"
                    role="group"
                    aria-label="sqlsweep's pipeline in seven steps; choose a step for its details"
                    data-testid="architecture"
                >
                    <defs>
                        <marker id="arch-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="head" />
                        </marker>
                        <marker id="arch-head-loop" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="head loop" />
                        </marker>
                    </defs>
                    {arrows}
                    <line x1=down_x y1=ey + BOX_H x2=down_x y2=ry - 3.0 class="arrow loop" marker-end="url(#arch-head-loop)" />
                    <text x=down_x + 8.0 y=(ey + BOX_H + ry) / 2.0 + 4.0 class="edge-label">"on an SQL error or no SQL"</text>
                    <path d=loop_path class="arrow loop" fill="none" marker-end="url(#arch-head-loop)" />
                    <text x=back_x + 8.0 y=loop_y - 8.0 class="edge-label">{retry_label}</text>
                    {Step::ALL.map(node).collect_view()}
                </svg>
            </div>
            <div class="step-detail" aria-live="polite" data-testid="step-detail">{detail}</div>
        </div>
    }
}
