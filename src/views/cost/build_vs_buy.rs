//! Build vs buy, four ways, at the chosen volume: stay on GPT-5.4, call open
//! models' vendors directly, self-host on rented GPUs (priced in whole GPUs, so it
//! steps with volume), or use a managed platform. The ranking and the volumes
//! where self-hosting starts to win come from `analysis::cost::build_vs_buy`.

use leptos::prelude::*;
use sqlsweep_core::analysis::assumptions::Assumptions;
use sqlsweep_core::analysis::cost::{
    gpus_needed, Basis, BuildOption, BuildVsBuy, OptionCost, BREAKEVEN_SEARCH_MAX,
};
use sqlsweep_core::analysis::format;
use sqlsweep_core::analysis::records::Record;
use sqlsweep_core::sweep::PriceSource;

use crate::views::figures::estimate_badge;

/// The option's key in the DOM (`data-option`), as the core serialises it.
pub fn option_key(o: BuildOption) -> &'static str {
    match o {
        BuildOption::Gpt54 => "gpt54",
        BuildOption::DirectApi => "direct_api",
        BuildOption::SelfHost => "self_host",
        BuildOption::Managed => "managed",
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        format::thousands(n as i64),
        if n == 1 { one } else { many }
    )
}

/// Words for a break-even volume.
pub fn breakeven_text(versus: BuildOption, volume: Option<u64>, a: &Assumptions) -> String {
    match volume {
        Some(v) => format!(
            "Self-hosting costs less than {} from {} ({}).",
            versus.title(),
            format::volume(v),
            plural(gpus_needed(v, a), "GPU", "GPUs")
        ),
        None => format!(
            "Self-hosting never costs less than {} (searched up to {}): each GPU-day costs more than the queries it can serve would cost there.",
            versus.title(),
            format::volume(BREAKEVEN_SEARCH_MAX)
        ),
    }
}

/// How an option's figure is made, in words, with the values it uses.
fn explanation(o: &OptionCost, b: &BuildVsBuy, records: &[Record], a: &Assumptions) -> String {
    let p = &b.profile;
    match o.option {
        BuildOption::Gpt54 => format!(
            "{} input + {} output tokens per query at GPT-5.4's list price, ${} / ${} per million tokens (assumed).",
            format::tokens(Some(p.prompt_tokens)),
            format::tokens(Some(p.completion_tokens)),
            a.gpt_input_rate,
            a.gpt_output_rate
        ),
        BuildOption::DirectApi => format!(
            "The managed price less an assumed {} discount for calling each model's own vendor. Not counted: \
             managing several vendors and contracts, data residency, each vendor's rate limits, and no \
             common fine-tuning or observability.",
            format::pct(Some(a.direct_api_discount))
        ),
        BuildOption::SelfHost => {
            let s = &b.self_host;
            format!(
                "{} around the clock at ${}/hour ({}/month) plus {} FTE of an engineer at {}/month ({}/month). \
                 Serves up to {} ({} used); the next GPU is needed from {}.",
                plural(s.gpus, "GPU", "GPUs"),
                a.gpu_hourly_usd,
                format::usd(Some(s.gpu_monthly)),
                a.self_host_fte,
                format::usd(Some(a.fte_monthly_usd)),
                format::usd(Some(s.staff_monthly)),
                format::volume(s.capacity_per_day),
                format::pct(Some(s.utilisation)),
                format::volume(s.next_gpu_at)
            )
        }
        BuildOption::Managed => match b.reference.map(|i| &records[i]) {
            Some(r) => {
                let rate = match r.pricing {
                    Some(pr) => format!(
                        "${} / ${} per million tokens ({})",
                        pr.input,
                        pr.output,
                        match pr.source {
                            PriceSource::Published => "published rate",
                            PriceSource::UserEntered => "rate you entered",
                            PriceSource::Proxy => "proxy: another model's rate",
                            PriceSource::Estimate => "estimated rate",
                        }
                    ),
                    None => "no rate".into(),
                };
                let mut t = format!(
                    "{} on {}, serverless, at {}.",
                    r.label,
                    r.platform.label(),
                    rate
                );
                if b.reference_fallback {
                    t.push_str(&format!(
                        " The assumed reference model ({}) is not loaded or not priced, so the most accurate priced model stands in.",
                        a.reference_model
                    ));
                }
                t
            }
            None => "No priced model is loaded.".into(),
        },
    }
}

#[component]
pub fn BuildVsBuyCards(
    bvb: Memo<BuildVsBuy>,
    records: Memo<Vec<Record>>,
    assumptions: Memo<Assumptions>,
    #[prop(into)] own_available: Signal<bool>,
    #[prop(into)] use_own: Signal<bool>,
    on_profile: Callback<bool>,
    #[prop(into)] loading: Signal<bool>,
) -> impl IntoView {
    let cards = move || {
        let b = bvb.get();
        let a = assumptions.get();
        if loading.get() {
            return BuildOption::ALL
                .iter()
                .map(|o| view! { <article class="option skeleton" aria-hidden="true"><h3>{o.title()}</h3><span class="bar"></span><span class="bar"></span><span class="bar"></span></article> })
                .collect_view()
                .into_any();
        }
        if b.options.is_empty() {
            return view! { <p class="note">"No priced model is loaded, so there is nothing to compare."</p> }.into_any();
        }
        records.with(|recs| {
            b.options
                .iter()
                .map(|o| {
                    let source = match o.option {
                        BuildOption::Managed => b.reference.and_then(|i| recs[i].price_source()),
                        _ => None,
                    };
                    let title = match (o.option, b.reference) {
                        (BuildOption::Managed, Some(i)) => format!("{} · {}", o.option.title(), recs[i].platform.label()),
                        _ => o.option.title().to_string(),
                    };
                    view! {
                        <article class="option" class:cheapest=o.rank == 1 data-option=option_key(o.option) data-rank=o.rank.to_string()>
                            <header>
                                <h3>{title}</h3>
                                <span class="rank" title="Rank by annual cost at this volume, 1 = cheapest">{format!("#{}", o.rank)}</span>
                            </header>
                            <dl>
                                <dt>"Per query"</dt>
                                <dd data-testid="per-query">{format::usd_per_query(Some(o.cost.per_query))}{estimate_badge(o.basis, source)}</dd>
                                <dt>"Per month"</dt>
                                <dd data-testid="per-month">{format::usd(Some(o.cost.per_month))}</dd>
                                <dt>"Per year"</dt>
                                <dd data-testid="per-year">{format::usd(Some(o.cost.per_year))}</dd>
                            </dl>
                            <p class="note">{explanation(o, &b, recs, &a)}</p>
                        </article>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    let ranking = move || {
        let b = bvb.get();
        (!b.ranking.is_empty() && !loading.get()).then(|| {
            let list = b
                .ranking
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}. {}", i + 1, o.title()))
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <p class="ranking" data-testid="ranking">
                    <strong>{format!("Cheapest first at {}: ", format::volume(b.volume_per_day))}</strong>
                    {list}
                </p>
            }
        })
    };
    let breakevens = move || {
        let b = bvb.get();
        let a = assumptions.get();
        (!b.breakevens.is_empty() && !loading.get()).then(|| {
            view! {
                <ul class="breakevens" data-testid="breakevens">
                    {b.breakevens
                        .iter()
                        .map(|x| view! { <li data-versus=option_key(x.versus)>{breakeven_text(x.versus, x.volume_per_day, &a)}</li> })
                        .collect_view()}
                </ul>
            }
        })
    };
    let profile = move || {
        let b = bvb.get();
        let p = &b.profile;
        format!(
            "Token profile: {} input + {} output tokens per query — {}.",
            format::tokens(Some(p.prompt_tokens)),
            format::tokens(Some(p.completion_tokens)),
            p.source
        )
    };
    let toggle = move || {
        own_available.get().then(|| {
            view! {
                <div class="profile-toggle" role="group" aria-label="Token profile">
                    <button type="button" aria-pressed=move || (!use_own.get()).to_string() on:click=move |_| on_profile.run(false)>"Benchmark"</button>
                    <button type="button" aria-pressed=move || use_own.get().to_string() on:click=move |_| on_profile.run(true)>"Your runs"</button>
                </div>
            }
        })
    };

    view! {
        <section class="build-vs-buy" aria-labelledby="bvb-title">
            <h2 id="bvb-title">"Build vs buy"</h2>
            <p class="profile" data-testid="token-profile">{profile}</p>
            {toggle}
            {ranking}
            <div class="options">{cards}</div>
            <h3>"Where self-hosting starts to pay"</h3>
            <p class="note">
                "Pay-per-token options grow in step with volume; self-hosting costs the same until the GPUs are full, "
                "then jumps by a whole GPU. So the order above changes with volume, and these are the volumes where "
                "self-hosting overtakes each alternative, at the current assumptions:"
            </p>
            {breakevens}
            <p class="note">
                <span class="estimate">"est."</span>
                " " {super::super::figures::basis_reason(Basis::Assumption, None)}
                " (GPT-5.4 list price, the direct-API discount, GPU price and capacity, staffing). "
                "The managed option is measured when its model's rate is published."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(versus: BuildOption, volume: Option<u64>, expected: &str) {
        let got = breakeven_text(versus, volume, &Assumptions::default());
        assert!(got.contains(expected), "{got} should contain {expected}");
    }

    #[test]
    fn breakeven_texts() {
        check(
            BuildOption::Gpt54,
            Some(113_392),
            "from 113,392 queries/day (2 GPUs)",
        );
        check(BuildOption::Managed, Some(1_648_876), "(23 GPUs)");
        check(BuildOption::Managed, Some(50_000), "(1 GPU)");
        check(
            BuildOption::DirectApi,
            None,
            "never costs less than Direct model APIs",
        );
        check(BuildOption::DirectApi, None, "1,000,000,000 queries/day");
        assert_eq!(option_key(BuildOption::SelfHost), "self_host");
    }
}
