//! Simulation speed of the card top: the demo workload through the rust-hdl harness, then
//! the recorded per-cycle vectors through the Verilator build, in one process, with the
//! event streams checked equal to the software path's. Run in release:
//! `cargo run --release -p sim --example card_speed [MESSAGES]`

use std::time::Instant;

use hdl::card::{verilog, Card, CFG_DEFAULT_STP, CFG_PRICE_BOUNDS};
use hdl::validator::{ACCOUNTS, CFG_INSTRUMENTS};
use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::workload::{generate, Spec};
use sim::harness::Harness;
use sim::verilator::{Port, Verilated};

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

    // Stimulus as per-cycle vectors: configuration, then one word per cycle while accepted.
    let mut cfg: Vec<(u64, u64)> = Vec::new();
    let known = host::keys::account_table(&config);
    for account in 0..ACCOUNTS {
        cfg.push((
            account as u64,
            u64::from(known.get(account).is_some_and(Option::is_some)),
        ));
    }
    for (book, i) in config.instruments.iter().enumerate() {
        let base = CFG_INSTRUMENTS + 4 * book as u64;
        cfg.push((base, u64::from(i.id) | 1 << 16));
        cfg.push((base + 1, u64::from(i.price_min_ticks())));
        cfg.push((base + 2, u64::from(i.price_max_ticks())));
        cfg.push((base + 3, u64::from(i.qty_lots_max)));
        cfg.push((
            CFG_PRICE_BOUNDS + 2 * book as u64,
            u64::from(i.price_min_ticks()),
        ));
        cfg.push((
            CFG_PRICE_BOUNDS + 2 * book as u64 + 1,
            u64::from(i.price_max_ticks()),
        ));
    }
    cfg.push((CFG_DEFAULT_STP, config.venue.default_stp.mode() as u64));
    let mut words = Vec::new();
    for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
        for chunk in s.message.encode().chunks(4) {
            words.push((
                u64::from(u32::from_le_bytes(chunk.try_into().unwrap())),
                s.arrival_ns,
                ok,
            ));
        }
    }

    let mut h = Harness::new(Card::default());
    let (mut inputs, mut got) = (Vec::new(), Vec::new());
    let started = Instant::now();
    let mut next = 0;
    for &(address, data) in &cfg {
        step(&mut h, &mut inputs, &mut got, (true, address, data), None);
    }
    while got.len() < want.len() || next < words.len() {
        let word = words.get(next).copied();
        if step(&mut h, &mut inputs, &mut got, (false, 0, 0), word) && word.is_some() {
            next += 1;
        }
    }
    let rust_hdl_seconds = started.elapsed().as_secs_f64();
    assert_eq!(
        got, want,
        "the rust-hdl card differs from the software path"
    );
    let cycles = inputs.len();

    let port = |name, bits| Port { name, bits };
    let ins = [
        port("cfg_valid", 1),
        port("cfg_address", 16),
        port("cfg_data", 32),
        port("s_valid", 1),
        port("s_data", 32),
        port("s_arrival_ns", 64),
        port("s_signature_ok", 1),
        port("m_ready", 1),
    ];
    let outs = [
        port("s_ready", 1),
        port("m_valid", 1),
        port("m_data", 32),
        port("m_last", 1),
    ];
    let model = Verilated::build("card", &verilog(), &ins, &outs).expect("verilator");
    let started = Instant::now();
    let out = model.run(&inputs).expect("run");
    let verilator_seconds = started.elapsed().as_secs_f64();
    let verilator_events: Vec<u8> = out
        .iter()
        .filter(|o| o[1] == 1)
        .flat_map(|o| (o[2] as u32).to_le_bytes())
        .collect();
    assert_eq!(
        verilator_events, want,
        "the Verilator card differs from the software path"
    );

    let rate = |s: f64| cycles as f64 / s;
    println!(
        "card top, {messages} messages, {} events, {cycles} cycles ({:.1} cycles/message)",
        want.len() / 64,
        cycles as f64 / messages as f64
    );
    println!(
        "  rust-hdl harness  {:>12.0} cycles/s",
        rate(rust_hdl_seconds)
    );
    println!(
        "  verilator         {:>12.0} cycles/s  {:.1}x (incl. vector file I/O)",
        rate(verilator_seconds),
        rust_hdl_seconds / verilator_seconds
    );
}

/// One cycle: drive the inputs, record them, collect an event word, tick. Returns whether a
/// word offered this cycle was accepted.
fn step(
    h: &mut Harness<Card>,
    inputs: &mut Vec<Vec<u64>>,
    got: &mut Vec<u8>,
    cfg: (bool, u64, u64),
    word: Option<(u64, u64, bool)>,
) -> bool {
    let (data, arrival, ok) = word.unwrap_or((0, 0, false));
    let u = &mut h.uut;
    u.cfg_valid.next = cfg.0;
    u.cfg_address.next = cfg.1.into();
    u.cfg_data.next = cfg.2.into();
    u.s_valid.next = word.is_some();
    u.s_data.next = data.into();
    u.s_arrival_ns.next = arrival.into();
    u.s_signature_ok.next = ok;
    u.m_ready.next = true;
    h.settle();
    inputs.push(vec![
        u64::from(cfg.0),
        cfg.1,
        cfg.2,
        u64::from(word.is_some()),
        data,
        arrival,
        u64::from(ok),
        1,
    ]);
    if h.uut.m_valid.val() {
        got.extend_from_slice(&(h.uut.m_data.val().to_u64() as u32).to_le_bytes());
    }
    let accepted = h.uut.s_ready.val();
    h.tick();
    accepted
}
