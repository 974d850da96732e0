//! `ordo bench margin`: re-marking and re-checking every account of an underlying after one
//! index update, and the margin cost of one fill — each next to a baseline measured in the
//! same run (a bare pass over the same accounts' positions), so the ratio stays meaningful on
//! a shared machine.

use std::hint::black_box;
use std::time::Instant;

use abi::{Event, EventKind, Side};
use serde::Serialize;

use super::config::MarginConfig;
use super::engine::{MarginEngine, MarginEvent, MarginInput};
use crate::rng::SplitMix64;

/// The goals: one index update over 100,000 accounts, and one fill.
pub const GOAL_RECHECK_MS: f64 = 10.0;
pub const GOAL_FILL_NS: f64 = 200.0;

/// Accounts the "active traders" fill figure draws from.
pub const ACTIVE_ACCOUNTS: u32 = 1_000;

/// BTC: the perpetual, its underlying, and two option series on it (default config).
const PERP: u16 = 1;
const UNDERLYING: u16 = 1;
const OPTIONS: [u16; 2] = [101, 102];
const INDEX_TICKS: i64 = 180_000;

/// What `ordo bench margin` measures.
#[derive(Debug, Clone, Serialize)]
pub struct MarginBench {
    pub accounts: u32,
    /// Accounts that also hold options on the underlying.
    pub option_accounts: u32,
    pub repeats: usize,
    /// One index update: re-mark (perp, options with their scenario grid) and re-check every
    /// holder; fastest and median of `repeats`.
    pub recheck_ms_best: f64,
    pub recheck_ms_median: f64,
    /// A bare pass reading every account's equity inputs (the memory traffic floor).
    pub baseline_pass_ms: f64,
    pub recheck_over_baseline: f64,
    /// Liquidations the updates caused (the bench moves the index ±0.5%: expected 0).
    pub liquidations: usize,
    /// A perp book-top move that leaves the mark where it is (the index inside the new
    /// spread), right after an index update: the engine proves it changes nothing and skips
    /// the re-check (fastest of `repeats`, µs) — and the same move fully re-marked and
    /// re-checked (ms), as the engine did before; both give the same (empty) output.
    pub top_move_us: f64,
    pub top_move_full_ms: f64,
    pub fills: usize,
    /// Per fill (positions, fees, open orders and the maintenance check of both parties;
    /// fastest of three runs),
    /// between two of [`ACTIVE_ACCOUNTS`] accounts spread over the population: how fills
    /// fall on a venue, where most involve a small set of active traders (the goal's figure).
    pub fill_ns: f64,
    /// The same between two accounts drawn from the whole population: the cache-cold worst
    /// case (each party's account and positions are a miss to memory).
    pub fill_uniform_ns: f64,
    pub active_accounts: u32,
    pub goal_recheck_ms: f64,
    pub goal_fill_ns: f64,
}

/// Build `accounts` accounts holding the perp (and every fifth, two option series), then time
/// index updates and fills.
pub fn bench(config: &MarginConfig, accounts: u32, fills: usize, repeats: usize) -> MarginBench {
    let mut config = config.clone();
    config.margin.insurance_account = accounts;
    let (mut engine, option_accounts) = populate(&config, accounts);
    let mut times = Vec::new();
    let mut liquidations = 0;
    let mut t = 1_000_000u64;
    let mut index = INDEX_TICKS;
    for i in 0..repeats.max(1) {
        // Alternate ±0.5% so no account drifts toward liquidation.
        index = if i % 2 == 0 {
            INDEX_TICKS * 1005 / 1000
        } else {
            INDEX_TICKS * 995 / 1000
        };
        t += 1_000;
        let input = MarginInput::Oracle {
            underlying: UNDERLYING,
            index_ticks: index,
            volatility_ppm: None,
            timestamp_ns: t,
        };
        let started = Instant::now();
        let events = engine.handle(black_box(&input));
        times.push(started.elapsed().as_secs_f64() * 1e3);
        liquidations += events
            .iter()
            .filter(|e| matches!(e, MarginEvent::Liquidated { .. }))
            .count();
    }
    times.sort_by(f64::total_cmp);
    let (top_move_us, top_move_full_ms) = time_top_moves(&mut engine, index, repeats);
    let baseline_pass_ms = baseline(&engine, accounts, repeats);
    let active = ACTIVE_ACCOUNTS.min(accounts);
    // Active accounts drawn at random (a fifth of them hold options, as in the population).
    let mut rng = SplitMix64::new(3);
    let active_set: Vec<u32> = (0..active)
        .map(|_| rng.below(u64::from(accounts)) as u32)
        .collect();
    let everyone: Vec<u32> = (0..accounts).collect();
    let fill_ns = time_fills(&mut engine, &active_set, fills, t);
    let fill_uniform_ns = time_fills(&mut engine, &everyone, fills, t);
    MarginBench {
        accounts,
        option_accounts,
        repeats: times.len(),
        recheck_ms_best: times[0],
        recheck_ms_median: times[times.len() / 2],
        baseline_pass_ms,
        recheck_over_baseline: times[0] / baseline_pass_ms,
        liquidations,
        top_move_us,
        top_move_full_ms,
        fills,
        fill_ns,
        fill_uniform_ns,
        active_accounts: active,
        goal_recheck_ms: GOAL_RECHECK_MS,
        goal_fill_ns: GOAL_FILL_NS,
    }
}

/// Book-top moves around `index` that leave the perp's mark at the index: fastest of
/// `repeats` with the engine's skip (µs), then with it off (ms). The outputs must agree.
fn time_top_moves(engine: &mut MarginEngine, index: i64, repeats: usize) -> (f64, f64) {
    let time = |engine: &mut MarginEngine, skip: bool| {
        engine.skip_unmoved_tops = skip;
        let mut best = f64::INFINITY;
        let mut outputs = Vec::new();
        for i in 0..repeats.max(1) as i64 {
            let spread = 2 + i % 5;
            let input = MarginInput::BookTop {
                instrument: PERP,
                best_bid_ticks: Some(index - spread),
                best_ask_ticks: Some(index + spread),
            };
            let started = Instant::now();
            let events = engine.handle(black_box(&input));
            best = best.min(started.elapsed().as_secs_f64());
            outputs.push(events);
        }
        (best, outputs)
    };
    let (skipped, skipped_out) = time(engine, true);
    let (full, full_out) = time(engine, false);
    engine.skip_unmoved_tops = true;
    assert_eq!(
        skipped_out, full_out,
        "skipping a top move changed the output"
    );
    (skipped * 1e6, full * 1e3)
}

/// Pairs of accounts trade with each other: account 2k buys from 2k+1, sizes 1–50 lots at
/// the index, 10,000 USD each; every fifth pair also trades both option series.
fn populate(config: &MarginConfig, accounts: u32) -> (MarginEngine, u32) {
    let mut engine = MarginEngine::new(config, accounts + 1);
    let mut rng = SplitMix64::new(1);
    let mut option_accounts = 0;
    for a in 0..accounts {
        engine
            .deposit(a, 10_000_000_000)
            .expect("deposits are accepted");
    }
    for pair in 0..accounts / 2 {
        let (buyer, seller) = (2 * pair, 2 * pair + 1);
        let lots = 1 + rng.below(50) as u32;
        engine.handle(&fill(buyer, seller, PERP, INDEX_TICKS as u32, lots, 1));
        if pair % 5 == 0 {
            for option in OPTIONS {
                // At the model's value: the premium is fair, equity unchanged.
                let value = engine.value_e6(option).expect("configured") / 500;
                engine.handle(&fill(seller, buyer, option, value as u32, lots, 1));
            }
            option_accounts += 2;
        }
    }
    (engine, option_accounts)
}

fn fill(buyer: u32, seller: u32, instrument: u16, price: u32, lots: u32, t: u64) -> MarginInput {
    MarginInput::Event(Event {
        timestamp_ns: t,
        side: Side::Buy as u8,
        instrument,
        account: buyer,
        price_ticks: price,
        qty_lots: lots,
        maker_account: seller,
        ..Event::blank(EventKind::Fill)
    })
}

/// Fastest of `repeats` bare passes summing each account's assessment inputs through the
/// public API's cheapest call (balance and position size): the floor any re-check pays.
fn baseline(engine: &MarginEngine, accounts: u32, repeats: usize) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..repeats.max(1) {
        let started = Instant::now();
        let mut sum = 0i128;
        for a in 0..accounts {
            sum = sum.wrapping_add(engine.balance_e6(black_box(a)));
            sum = sum.wrapping_add(i128::from(engine.position_lots(a, PERP)));
        }
        black_box(sum);
        best = best.min(started.elapsed().as_secs_f64() * 1e3);
    }
    best
}

/// Timed runs of the fill loop; the fastest counts (other work on a shared machine only
/// slows a run down).
const FILL_RUNS: usize = 3;

/// Nanoseconds per fill between random pairs of `accounts` (one lot, at the mark): the
/// fastest of [`FILL_RUNS`] runs of `fills` fills (the state carries on between runs).
fn time_fills(engine: &mut MarginEngine, accounts: &[u32], fills: usize, t: u64) -> f64 {
    let mut rng = SplitMix64::new(2);
    let price = engine.mark_ticks(PERP).expect("the perp is configured") as u32;
    let mut pick = || accounts[rng.below(accounts.len() as u64) as usize];
    let inputs: Vec<MarginInput> = (0..fills)
        .map(|_| {
            let buyer = pick();
            let seller = pick();
            fill(buyer, seller, PERP, price, 1, t + 1)
        })
        .collect();
    let mut best = f64::INFINITY;
    for _ in 0..FILL_RUNS {
        let started = Instant::now();
        for input in &inputs {
            black_box(engine.handle(black_box(input)));
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    best * 1e9 / fills.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_runs_and_changes_nothing_it_should_not() {
        // A small run: the updates liquidate nobody and the books balance (the bench's
        // populations are what the figures claim).
        let f = bench(&MarginConfig::embedded(), 1_000, 1_000, 3);
        assert_eq!(f.liquidations, 0);
        assert_eq!(f.option_accounts, 200);
        assert!(f.recheck_ms_best > 0.0 && f.fill_ns > 0.0);
    }
}
