//! The Reorder block against its contract (verdicts leave in arrival order), Verilator and
//! yosys.

use hdl::reorder::{verilog, Reorder, WINDOW};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const INPUTS: [Port; 4] = [
    Port {
        name: "s_valid",
        bits: 1,
    },
    Port {
        name: "s_tag",
        bits: 5,
    },
    Port {
        name: "s_ok",
        bits: 1,
    },
    Port {
        name: "m_ready",
        bits: 1,
    },
];
const OUTPUTS: [Port; 4] = [
    Port {
        name: "s_ready",
        bits: 1,
    },
    Port {
        name: "m_valid",
        bits: 1,
    },
    Port {
        name: "m_tag",
        bits: 5,
    },
    Port {
        name: "m_ok",
        bits: 1,
    },
];

struct Run {
    released: Vec<(u64, bool)>,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
}

/// `messages` arrive with verdicts; `engines` finish them out of order (each cycle a random
/// in-flight message completes), never more than `WINDOW` in flight; the sink is ready with
/// probability `ready_percent`.
fn drive(verdicts: &[bool], seed: u64, ready_percent: u64) -> Run {
    let mut h = Harness::new(Reorder::default());
    let mut rng = SplitMix64::new(seed);
    let (mut issued, mut in_flight) = (0usize, Vec::<usize>::new());
    let (mut released, mut inputs, mut outputs) = (Vec::new(), Vec::new(), Vec::new());
    let mut oldest_unreleased = 0usize;
    while released.len() < verdicts.len() {
        assert!(h.cycle() < 100 + 50 * verdicts.len() as u64, "no progress");
        // Issue new messages to the engines while the window allows.
        while issued < verdicts.len() && issued < oldest_unreleased + WINDOW && rng.chance(60) {
            in_flight.push(issued);
            issued += 1;
        }
        let completing = (!in_flight.is_empty() && rng.chance(70))
            .then(|| in_flight.swap_remove(rng.below(in_flight.len() as u64) as usize));
        let m_ready = rng.chance(ready_percent);
        let (tag, ok) = completing
            .map(|i| ((i % WINDOW) as u64, verdicts[i]))
            .unwrap_or((0, false));
        h.uut.s_valid.next = completing.is_some();
        h.uut.s_tag.next = tag.into();
        h.uut.s_ok.next = ok;
        h.uut.m_ready.next = m_ready;
        h.settle();
        let u = &h.uut;
        let (s_ready, m_valid, m_tag, m_ok) = (
            u.s_ready.val(),
            u.m_valid.val(),
            u.m_tag.val().to_u64(),
            u.m_ok.val(),
        );
        assert!(s_ready);
        inputs.push(vec![
            u64::from(completing.is_some()),
            tag,
            u64::from(ok),
            u64::from(m_ready),
        ]);
        outputs.push(vec![
            u64::from(s_ready),
            u64::from(m_valid),
            m_tag,
            u64::from(m_ok),
        ]);
        if m_valid && m_ready {
            released.push((m_tag, m_ok));
            oldest_unreleased += 1;
        }
        h.tick();
    }
    Run {
        released,
        inputs,
        outputs,
    }
}

fn verdicts(seed: u64, count: usize) -> Vec<bool> {
    let mut rng = SplitMix64::new(seed);
    (0..count).map(|_| rng.chance(97)).collect()
}

#[test]
fn verdicts_leave_in_arrival_order() {
    // Proves every verdict leaves exactly once, in arrival order, with its own value,
    // whatever the completion order inside the window and the sink's backpressure.
    for (seed, ready) in [(1, 100), (2, 50), (3, 15)] {
        let verdicts = verdicts(seed, 5_000);
        let run = drive(&verdicts, seed, ready);
        let want: Vec<(u64, bool)> = verdicts
            .iter()
            .enumerate()
            .map(|(i, &ok)| ((i % WINDOW) as u64, ok))
            .collect();
        assert_eq!(run.released, want, "seed {seed}");
    }
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the Verilator build matches the rust-hdl simulation on every cycle.
    let run = drive(&verdicts(4, 4_000), 4, 60);
    let difference = first_difference(
        "reorder",
        &verilog(),
        &INPUTS,
        &OUTPUTS,
        &run.inputs,
        &run.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

#[test]
fn synthesizes_for_ecp5() {
    // Proves the Verilog is latch-free and synthesizes: 64 state bits and the 5-bit head.
    let utilization = sim::yosys::check("reorder", &verilog()).expect("yosys");
    assert_eq!(utilization.flip_flops, 69, "{utilization:?}");
    println!("reorder ECP5: {utilization:?}");
}
