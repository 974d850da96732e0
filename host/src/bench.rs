//! `ordo bench`: figures measured in one process, each next to a baseline measured in the
//! same run, so ratios stay meaningful on a shared or slow machine.

use std::hint::black_box;
use std::time::Instant;

use serde::Serialize;

use crate::config::VenueConfig;
use crate::engine::{BTreeBook, Input, LadderBook, Matcher, Sequencer};
use crate::sigverify::{all_cores, Verifier};
use crate::summary::Tally;
use crate::workload::{generate, Spec, Workload};

/// Matching-core figures for one flow.
#[derive(Debug, Clone, Serialize)]
pub struct MatchingFlow {
    pub flow: &'static str,
    pub messages: usize,
    pub events: u64,
    pub ladder_ns_per_order: f64,
    pub ladder_orders_per_second: f64,
    pub btree_ns_per_order: f64,
    pub btree_orders_per_second: f64,
    /// btree time / ladder time.
    pub speedup_vs_btree: f64,
    /// Both engines produced the same event stream digest (a correctness check).
    pub digests_equal: bool,
}

fn inputs(workload: &Workload) -> Vec<Input> {
    workload
        .stimuli
        .iter()
        .zip(&workload.signature_ok)
        .map(|(s, &ok)| Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        })
        .collect()
}

/// Best of `repeats` timed runs of the sequencer and matcher over `inputs` (fresh books each
/// run; construction not timed). Returns seconds.
fn time_engine<M: Matcher>(config: &VenueConfig, inputs: &[Input], repeats: usize) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..repeats.max(1) {
        let mut sequencer: Sequencer<M> = Sequencer::new(config);
        let started = Instant::now();
        let mut events = 0usize;
        for input in inputs {
            events += sequencer.handle(black_box(input)).len();
        }
        black_box(events);
        best = best.min(started.elapsed().as_secs_f64());
    }
    best
}

fn digest<M: Matcher>(config: &VenueConfig, inputs: &[Input]) -> (String, u64) {
    let mut sequencer: Sequencer<M> = Sequencer::new(config);
    let mut tally = Tally::default();
    for input in inputs {
        sequencer.handle(input).iter().for_each(|e| tally.add(e));
    }
    let summary = tally.finish();
    (summary.digest_sha256, summary.events)
}

/// Measure the matching core on the demo flow and on an add/cancel-heavy flow.
pub fn matching(
    config: &VenueConfig,
    messages: usize,
    seed: u64,
    repeats: usize,
) -> Vec<MatchingFlow> {
    let flows = [
        (
            "demo",
            Spec {
                sign: false,
                ..Spec::demo(seed, messages)
            },
        ),
        ("add_cancel", Spec::add_cancel(seed, messages)),
    ];
    flows
        .into_iter()
        .map(|(flow, spec)| {
            let inputs = inputs(&generate(config, spec, &|_| {}));
            let (ladder_digest, events) = digest::<LadderBook>(config, &inputs);
            let (btree_digest, _) = digest::<BTreeBook>(config, &inputs);
            let ladder = time_engine::<LadderBook>(config, &inputs, repeats);
            let btree = time_engine::<BTreeBook>(config, &inputs, repeats);
            let n = inputs.len() as f64;
            MatchingFlow {
                flow,
                messages: inputs.len(),
                events,
                ladder_ns_per_order: ladder * 1e9 / n,
                ladder_orders_per_second: n / ladder,
                btree_ns_per_order: btree * 1e9 / n,
                btree_orders_per_second: n / btree,
                speedup_vs_btree: btree / ladder,
                digests_equal: ladder_digest == btree_digest,
            }
        })
        .collect()
}

/// Signature verification figures.
#[derive(Debug, Clone, Serialize)]
pub struct SigverifyFigures {
    pub messages: usize,
    pub threads: usize,
    /// One core, one signature at a time (the baseline).
    pub single_verifies_per_second: f64,
    /// One core, batches of [`crate::sigverify::BATCH_MESSAGES_MAX`].
    pub batched_one_core_verifies_per_second: f64,
    /// All cores, batched.
    pub batched_all_cores_verifies_per_second: f64,
    pub batched_one_core_ratio: f64,
    pub batched_all_cores_ratio: f64,
    /// All three methods returned the same verdicts.
    pub verdicts_equal: bool,
}

/// Measure verification of `messages` valid signed demo messages.
pub fn sigverify(config: &VenueConfig, messages: usize, seed: u64) -> SigverifyFigures {
    let spec = Spec {
        fault_per_mille: 0,
        ..Spec::demo(seed, messages)
    };
    let workload = generate(config, spec, &|_| {});
    let list: Vec<_> = workload.stimuli.iter().map(|s| s.message).collect();
    let verifier = Verifier::for_venue(config);
    let threads = all_cores();

    let started = Instant::now();
    let single: Vec<bool> = list.iter().map(|m| verifier.verify_one(m)).collect();
    let single_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut batched = vec![false; list.len()];
    verifier.verify_batched(&list, &mut batched);
    let batched_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let parallel = verifier.verify_parallel(&list, threads, &|_| {});
    let parallel_seconds = started.elapsed().as_secs_f64();

    let n = list.len() as f64;
    SigverifyFigures {
        messages: list.len(),
        threads,
        single_verifies_per_second: n / single_seconds,
        batched_one_core_verifies_per_second: n / batched_seconds,
        batched_all_cores_verifies_per_second: n / parallel_seconds,
        batched_one_core_ratio: single_seconds / batched_seconds,
        batched_all_cores_ratio: single_seconds / parallel_seconds,
        verdicts_equal: single == batched && single == parallel,
    }
}
