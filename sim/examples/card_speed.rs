//! Simulation speed of the card top: the demo workload through the rust-hdl harness and
//! through the Verilator build (closed-loop C++ driver), both checked byte-identical to the
//! software path, in one process. Run in release:
//! `cargo run --release -p sim --example card_speed [MESSAGES]`

use std::time::Instant;

use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::workload::{generate, Spec};
use sim::card::{run_rust_hdl, run_verilator, CardConfig, CardInstrument, CardMessage};

fn main() {
    let messages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000);
    let config = VenueConfig::embedded();
    let w = generate(
        &config,
        Spec {
            sign: false,
            ..Spec::demo(1, messages)
        },
        &|_| {},
    );
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let mut want = Vec::new();
    for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
        for e in sequencer.handle(&Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        }) {
            want.extend_from_slice(&e.encode());
        }
    }
    let card_config = CardConfig {
        known_accounts: host::keys::account_table(&config)
            .iter()
            .map(Option::is_some)
            .collect(),
        instruments: config
            .instruments
            .iter()
            .map(|i| CardInstrument {
                id: i.id,
                price_min_ticks: i.price_min_ticks(),
                price_max_ticks: i.price_max_ticks(),
                qty_lots_max: i.qty_lots_max,
            })
            .collect(),
        default_stp: config.venue.default_stp.mode() as u8,
    };
    let stimulus: Vec<CardMessage> = w
        .stimuli
        .iter()
        .zip(&w.signature_ok)
        .map(|(s, &ok)| CardMessage {
            arrival_ns: s.arrival_ns,
            bytes: s.message.encode(),
            signature_ok: ok,
        })
        .collect();

    let started = Instant::now();
    let hdl = run_rust_hdl(&card_config, &stimulus).expect("rust-hdl");
    let rust_hdl_seconds = started.elapsed().as_secs_f64();
    assert_eq!(
        hdl.events, want,
        "the rust-hdl card differs from the software path"
    );
    sim::card::run_verilator(&card_config, &stimulus[..1])
        .expect("build the verilator model first");
    let started = Instant::now();
    let verilated = run_verilator(&card_config, &stimulus).expect("verilator");
    let verilator_seconds = started.elapsed().as_secs_f64();
    assert_eq!(
        verilated.events, want,
        "the Verilator card differs from the software path"
    );
    assert_eq!(
        verilated.cycles, hdl.cycles,
        "the two simulators took different cycle counts"
    );

    let cycles = hdl.cycles as f64;
    println!(
        "card top, {messages} messages, {} events, {} cycles ({:.1} cycles/message)",
        want.len() / 64,
        hdl.cycles,
        cycles / messages as f64
    );
    println!(
        "  rust-hdl harness  {:>12.0} cycles/s",
        cycles / rust_hdl_seconds
    );
    println!(
        "  verilator         {:>12.0} cycles/s  {:.1}x (closed-loop C++ driver)",
        cycles / verilator_seconds,
        rust_hdl_seconds / verilator_seconds
    );
}
