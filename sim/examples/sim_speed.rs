//! Simulation speed of the landed blocks: rust-hdl direct-drive harness vs the Verilator
//! build, same per-cycle vectors, in one process. Run in release:
//! `cargo run --release -p sim --example sim_speed`
//! (needs verilator; the Verilator figure includes writing and reading the vector files).

use std::time::Instant;

use hdl::priority_bitmap::{verilog, PriorityBitmap, KEYS};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{Port, Verilated};

fn main() {
    let cycles: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let mut rng = SplitMix64::new(1);
    let vectors: Vec<Vec<u64>> = (0..cycles)
        .map(|_| {
            vec![
                1,
                rng.below(3),
                rng.below(KEYS as u64),
                u64::from(rng.chance(90)),
            ]
        })
        .collect();

    let mut h = Harness::new(PriorityBitmap::default());
    let started = Instant::now();
    let mut responses = 0u64;
    for v in &vectors {
        h.uut.s_valid.next = v[0] == 1;
        h.uut.s_op.next = v[1].into();
        h.uut.s_key.next = v[2].into();
        h.uut.m_ready.next = v[3] == 1;
        h.settle();
        responses += u64::from(h.uut.m_valid.val() && v[3] == 1);
        h.tick();
    }
    let rust_hdl_seconds = started.elapsed().as_secs_f64();

    let ports = |names: &[(&'static str, u32)]| -> Vec<Port> {
        names
            .iter()
            .map(|&(name, bits)| Port { name, bits })
            .collect()
    };
    let inputs = ports(&[("s_valid", 1), ("s_op", 2), ("s_key", 12), ("m_ready", 1)]);
    let outputs = ports(&[
        ("s_ready", 1),
        ("m_valid", 1),
        ("m_found", 1),
        ("m_key", 12),
    ]);
    let model =
        Verilated::build("priority_bitmap", &verilog(), &inputs, &outputs).expect("verilator");
    let started = Instant::now();
    let out = model.run(&vectors).expect("run");
    let verilator_seconds = started.elapsed().as_secs_f64();
    let verilator_responses = out
        .iter()
        .zip(&vectors)
        .filter(|(o, v)| o[1] == 1 && v[3] == 1)
        .count();
    assert_eq!(
        verilator_responses as u64, responses,
        "the two simulators disagree"
    );

    let rate = |s: f64| cycles as f64 / s;
    println!("PriorityBitmap, {cycles} cycles, {responses} responses");
    println!(
        "  rust-hdl harness  {:>12.0} cycles/s",
        rate(rust_hdl_seconds)
    );
    println!(
        "  verilator         {:>12.0} cycles/s  {:.1}x",
        rate(verilator_seconds),
        rust_hdl_seconds / verilator_seconds
    );
}
