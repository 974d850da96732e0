//! The PriorityBitmap block against its model, Verilator and yosys.

use hdl::ctz32::Ctz32;
use hdl::priority_bitmap::{
    verilog, Model, PriorityBitmap, KEYS, OP_CLEAR, OP_FIRST_FROM, OP_SET, SIDES,
};
use host::rng::SplitMix64;
use rust_hdl::prelude::*;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const INPUTS: [Port; 5] = [
    Port {
        name: "s_valid",
        bits: 1,
    },
    Port {
        name: "s_op",
        bits: 2,
    },
    Port {
        name: "s_side",
        bits: 4,
    },
    Port {
        name: "s_key",
        bits: 12,
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
        name: "m_found",
        bits: 1,
    },
    Port {
        name: "m_key",
        bits: 12,
    },
];

/// A command: (op, side, key).
type Command = (u64, u8, u16);

/// Commands like the book sides see: most on a few busy sides (so a side's summary and words
/// are shared with its neighbours' in the RAMs), keys clustered near each side's moving
/// "touch" (several per word, word boundaries crossed), some far away, clears of marked
/// keys, first-from queries from random places (including 0 = best, and past every marked
/// key).
fn commands(seed: u64, count: usize) -> Vec<Command> {
    let mut rng = SplitMix64::new(seed);
    let mut marked: Vec<Vec<u16>> = vec![Vec::new(); SIDES];
    let mut touch = [2048u64; SIDES];
    (0..count)
        .map(|_| {
            let side = if rng.chance(70) {
                rng.below(3) as usize
            } else {
                rng.below(SIDES as u64) as usize
            };
            if rng.chance(5) {
                touch[side] = (touch[side] + rng.below(200))
                    .saturating_sub(100)
                    .min(KEYS as u64 - 100);
            }
            let key = if rng.chance(80) {
                touch[side] + rng.below(100)
            } else {
                rng.below(KEYS as u64)
            } as u16;
            let (op, key) = match rng.below(10) {
                0..=3 => {
                    marked[side].push(key);
                    (OP_SET, key)
                }
                4..=6 if !marked[side].is_empty() => {
                    let index = rng.below(marked[side].len() as u64) as usize;
                    (OP_CLEAR, marked[side].swap_remove(index))
                }
                7 => (OP_FIRST_FROM, 0),
                _ => (OP_FIRST_FROM, key),
            };
            (op, side as u8, key)
        })
        .collect()
}

struct Run {
    responses: Vec<(bool, u16)>,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
    cycles: u64,
}

fn drive(commands: &[Command], seed: u64, idle_percent: u64, ready_percent: u64) -> Run {
    let mut h = Harness::new(PriorityBitmap::default());
    let mut rng = SplitMix64::new(seed);
    let (mut next, mut offering) = (0usize, false);
    let (mut responses, mut inputs, mut outputs) = (Vec::new(), Vec::new(), Vec::new());
    let cycles_max = 1_000 + commands.len() as u64 * 1_000 / ready_percent.max(1);
    while responses.len() < commands.len() {
        assert!(
            h.cycle() < cycles_max,
            "no progress after {} responses",
            responses.len()
        );
        offering = offering || (next < commands.len() && !rng.chance(idle_percent));
        let (op, side, key) = commands.get(next).copied().unwrap_or((0, 0, 0));
        let m_ready = rng.chance(ready_percent);
        h.uut.s_valid.next = offering;
        h.uut.s_op.next = op.into();
        h.uut.s_side.next = u64::from(side).into();
        h.uut.s_key.next = u64::from(key).into();
        h.uut.m_ready.next = m_ready;
        h.settle();
        let s_ready = h.uut.s_ready.val();
        let (m_valid, found, out_key) = (
            h.uut.m_valid.val(),
            h.uut.m_found.val(),
            h.uut.m_key.val().to_u64(),
        );
        inputs.push(vec![
            u64::from(offering),
            op,
            u64::from(side),
            u64::from(key),
            u64::from(m_ready),
        ]);
        outputs.push(vec![
            u64::from(s_ready),
            u64::from(m_valid),
            u64::from(found),
            out_key,
        ]);
        if m_valid && m_ready {
            responses.push((found, out_key as u16));
        }
        if offering && s_ready {
            next += 1;
            offering = false;
        }
        h.tick();
    }
    Run {
        responses,
        inputs,
        outputs,
        cycles: h.cycle(),
    }
}

fn model_responses(commands: &[Command]) -> Vec<(bool, u16)> {
    let mut model = Model::default();
    commands
        .iter()
        .map(|&(op, side, key)| model.apply(op, side, key))
        .collect()
}

#[test]
fn responses_match_the_model_under_backpressure() {
    // Proves every response (set/clear acknowledgements and first-from answers, found or
    // not) equals the model's, in order, none lost, on 16 sides sharing the RAMs, with idle
    // gaps and backpressure.
    for (seed, idle, ready) in [(1, 0, 100), (2, 40, 60), (3, 10, 25)] {
        let commands = commands(seed, 3_000);
        let run = drive(&commands, seed, idle, ready);
        assert_eq!(run.responses, model_responses(&commands), "seed {seed}");
    }
}

#[test]
fn latency_is_as_documented() {
    // Proves the cycle budget in the block's doc: with no idle source and an always-ready
    // sink, a set/clear command takes 4 cycles (accept, wait for the RAM, data, respond) and
    // a first-from whose answer is in a later word takes 6 (two more for that word's read).
    let set = drive(&[(OP_SET, 9, 700)], 1, 0, 100);
    assert_eq!(set.cycles, 4);
    let far = drive(&[(OP_SET, 9, 700), (OP_FIRST_FROM, 9, 5)], 1, 0, 100);
    assert_eq!(far.responses, vec![(true, 700), (true, 700)]);
    assert_eq!(far.cycles, 4 + 6);
    // Another side sees none of it.
    let other = drive(&[(OP_SET, 9, 700), (OP_FIRST_FROM, 8, 5)], 1, 0, 100);
    assert_eq!(other.responses, vec![(true, 700), (false, 0)]);
    let none = drive(&[(OP_FIRST_FROM, 0, 4095)], 1, 0, 100);
    assert_eq!(none.responses, vec![(false, 0)]);
    assert_eq!(none.cycles, 4);
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the generated Verilog, built by Verilator after a clean -Wall lint (waivers
    // listed in sim::verilator), gives the same outputs as rust-hdl on every cycle of a
    // backpressured run.
    let commands = commands(7, 4_000);
    let run = drive(&commands, 7, 20, 70);
    let difference = first_difference(
        "priority_bitmap",
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
    // Proves the Verilog is latch-free and synthesizes, with the four 32-bit summary
    // registers and the word RAM (a block RAM or its LUT-RAM equivalent).
    let utilization = sim::yosys::check("priority_bitmap", &verilog()).expect("yosys");
    assert!(utilization.flip_flops >= 4 * 32, "{utilization:?}");
    println!("priority_bitmap ECP5: {utilization:?}");
}

/// Ctz32's outputs for `word`, settled.
fn ctz(uut: &mut Ctz32, word: u32) -> (bool, u32) {
    uut.word.next = u64::from(word).into();
    for _ in 0..100 {
        uut.update_all();
        if !uut.has_changed() {
            return (uut.found.val(), uut.index.val().to_u64() as u32);
        }
    }
    panic!("Ctz32 did not settle for {word:#x}");
}

#[test]
fn ctz32_is_trailing_zeros() {
    // Proves the parallel encoder is `u32::trailing_zeros` (31 and not found for zero): every
    // single-bit word, every nibble pattern at every nibble with noise above it, random
    // words. (Its Verilog runs inside the PriorityBitmap's Verilator diff.)
    let mut uut = Ctz32::default();
    uut.connect_all();
    let mut words = vec![0u32, u32::MAX];
    words.extend((0..32).map(|b| 1u32 << b));
    let mut rng = SplitMix64::new(9);
    for nibble in 0..8 {
        for pattern in 1..16u32 {
            let above = (rng.next_u64() as u32)
                .checked_shl(4 * nibble + 4)
                .unwrap_or(0);
            words.push((pattern << (4 * nibble)) | above);
        }
    }
    words.extend((0..2_000).map(|_| (rng.next_u64() as u32) >> rng.below(32)));
    for &w in &words {
        let (found, index) = ctz(&mut uut, w);
        let want = if w == 0 { 31 } else { w.trailing_zeros() };
        assert_eq!((found, index), (w != 0, want), "{w:#x}");
    }
}
