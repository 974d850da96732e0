//! The card top against the software path: the same stimulus (order words, arrival times,
//! signature verdicts) must give the byte-identical event stream — sequence numbers, stamps,
//! every field. And its Verilator build against its rust-hdl simulation, cycle by cycle.

mod common;

use common::{assert_same_card_stream, assert_same_stream, demo, software_stream};
use hdl::card::{verilog, Card};
use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::hardware::card_config;
use host::rng::SplitMix64;
use host::workload::Workload;
use sim::card::Pacing::Saturated;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

/// Per-cycle ports for the Verilator diff: (name, bits).
fn inputs() -> Vec<Port> {
    let mut ports = vec![
        port("cfg_valid", 1),
        port("cfg_address", 16),
        port("cfg_data", 32),
        port("s_valid", 1),
    ];
    ports.extend(IN_DATA.iter().map(|&name| port(name, 32)));
    ports.extend([
        port("s_arrival_ns", 64),
        port("s_signature_ok", 1),
        port("m_ready", 1),
    ]);
    ports
}

fn outputs() -> Vec<Port> {
    let mut ports = vec![port("s_ready", 1), port("m_valid", 1)];
    ports.extend(OUT_DATA.iter().map(|&name| port(name, 32)));
    ports.extend([
        port("st_taken", 32),
        port("st_answered", 32),
        port("st_idle", 1),
    ]);
    ports
}

fn port(name: &'static str, bits: u32) -> Port {
    Port { name, bits }
}

const IN_DATA: [&str; 8] = [
    "s_data0", "s_data1", "s_data2", "s_data3", "s_data4", "s_data5", "s_data6", "s_data7",
];
const OUT_DATA: [&str; 16] = [
    "m_data0", "m_data1", "m_data2", "m_data3", "m_data4", "m_data5", "m_data6", "m_data7",
    "m_data8", "m_data9", "m_data10", "m_data11", "m_data12", "m_data13", "m_data14", "m_data15",
];

/// One input beat: 8 lanes, arrival time, verdict.
type Beat = ([u32; 8], u64, bool);

struct Bench {
    h: Harness<Card>,
    rng: SplitMix64,
    record: bool,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
    events: Vec<u8>,
}

impl Bench {
    fn cycle(&mut self, cfg: (bool, u64, u64), beat: Option<Beat>, m_ready: bool) -> bool {
        let (lanes, arrival, ok) = beat.unwrap_or(([0; 8], 0, false));
        let u = &mut self.h.uut;
        u.cfg_valid.next = cfg.0;
        u.cfg_address.next = cfg.1.into();
        u.cfg_data.next = cfg.2.into();
        u.s_valid.next = beat.is_some();
        sim::card::set_lanes(u, &lanes);
        u.s_arrival_ns.next = arrival.into();
        u.s_signature_ok.next = ok;
        u.m_ready.next = m_ready;
        self.h.settle();
        let u = &self.h.uut;
        let out = sim::card::output_lanes(u);
        let (s_ready, m_valid) = (u.s_ready.val(), u.m_valid.val());
        if self.record {
            let mut vector = vec![u64::from(cfg.0), cfg.1, cfg.2, u64::from(beat.is_some())];
            vector.extend(lanes.iter().map(|&l| u64::from(l)));
            vector.extend([arrival, u64::from(ok), u64::from(m_ready)]);
            self.inputs.push(vector);
            let mut vector = vec![u64::from(s_ready), u64::from(m_valid)];
            vector.extend(out);
            vector.extend([
                u.st_taken.val().to_u64(),
                u.st_answered.val().to_u64(),
                u64::from(u.st_idle.val()),
            ]);
            self.outputs.push(vector);
        }
        if m_valid && m_ready {
            for lane in out {
                self.events.extend_from_slice(&(lane as u32).to_le_bytes());
            }
        }
        self.h.tick();
        s_ready
    }

    fn configure(&mut self, config: &VenueConfig) {
        for (address, data) in card_config(config).writes().expect("fits the card") {
            self.cycle((true, address, data), None, true);
        }
    }

    /// Send every message (idle gaps, backpressure) and drain the events.
    fn run(&mut self, w: &Workload, expected_bytes: usize, idle_percent: u64, ready_percent: u64) {
        let mut words: Vec<Beat> = Vec::new();
        for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
            for chunk in s.message.encode().chunks(32) {
                let mut lanes = [0u32; 8];
                for (lane, bytes) in lanes.iter_mut().zip(chunk.chunks(4)) {
                    *lane = u32::from_le_bytes(bytes.try_into().unwrap());
                }
                words.push((lanes, s.arrival_ns, ok));
            }
        }
        let (mut next, mut offering) = (0usize, false);
        let limit = 10_000 + 200 * w.stimuli.len() as u64;
        while self.events.len() < expected_bytes || next < words.len() {
            assert!(
                self.h.cycle() < limit,
                "no progress: {} of {expected_bytes} event bytes",
                self.events.len()
            );
            offering = offering || (next < words.len() && !self.rng.chance(idle_percent));
            let m_ready = self.rng.chance(ready_percent);
            let word = offering.then(|| words[next]);
            if self.cycle((false, 0, 0), word, m_ready) && offering {
                next += 1;
                offering = false;
            }
        }
        // A little longer: nothing more may come out.
        for _ in 0..200 {
            self.cycle((false, 0, 0), None, true);
        }
    }
}

fn bench(seed: u64, record: bool) -> Bench {
    Bench {
        h: Harness::new(Card::default()),
        rng: SplitMix64::new(seed),
        record,
        inputs: Vec::new(),
        outputs: Vec::new(),
        events: Vec::new(),
    }
}

#[test]
fn card_event_stream_is_byte_identical_to_the_software_path() {
    // Proves the card top (deserializer, stamp rule, validator, matcher, event serializer)
    // turns the demo workload — faults included: bad signatures, replayed and stale nonces,
    // unknown instruments, out-of-band prices, foreign cancels — into exactly the software
    // path's event stream, byte for byte, with idle gaps on the input and backpressure on
    // the output.
    let config = VenueConfig::embedded();
    let w = demo(&config, 31, 2_000);
    let want = software_stream(&config, &w);
    let mut b = bench(1, false);
    b.configure(&config);
    b.run(&w, want.len(), 10, 70);
    assert_same_card_stream(&b.events, &want);
    println!(
        "card: {} messages, {} events, {} cycles",
        w.stimuli.len(),
        want.len() / 64,
        b.h.cycle()
    );
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the card top's Verilator build matches its rust-hdl simulation on every cycle,
    // configuration included.
    let config = VenueConfig::embedded();
    let w = demo(&config, 32, 300);
    let want = software_stream(&config, &w);
    let mut b = bench(2, true);
    b.configure(&config);
    b.run(&w, want.len(), 20, 60);
    assert_same_card_stream(&b.events, &want);
    let difference = first_difference(
        "card",
        &verilog(),
        &inputs(),
        &outputs(),
        &b.inputs,
        &b.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

fn card_messages(w: &Workload) -> Vec<sim::card::CardMessage> {
    w.stimuli
        .iter()
        .zip(&w.signature_ok)
        .map(|(s, &ok)| sim::card::CardMessage {
            arrival_ns: s.arrival_ns,
            bytes: s.message.encode(),
            signature_ok: ok,
        })
        .collect()
}

#[test]
fn twenty_thousand_orders_through_rust_hdl() {
    // Proves the rust-hdl card engine (sim::card::run_rust_hdl, the protocol ordo uses)
    // gives the software path's event stream on 20,000 demo messages.
    let config = VenueConfig::embedded();
    let w = demo(&config, 41, 20_000);
    let want = software_stream(&config, &w);
    let got = sim::card::run_rust_hdl(&card_config(&config), &card_messages(&w), Saturated)
        .expect("rust-hdl");
    assert_same_stream(&got.events, &want);
}

#[test]
fn one_million_orders_through_verilator() {
    // Proves the Verilator card engine (closed-loop C++ driver) gives the software path's
    // event stream, byte for byte, on 1,000,000 demo messages.
    let config = VenueConfig::embedded();
    let w = demo(&config, 42, 1_000_000);
    let want = software_stream(&config, &w);
    let got = sim::card::run_verilator(&card_config(&config), &card_messages(&w), Saturated)
        .expect("verilator");
    assert_same_stream(&got.events, &want);
    println!(
        "verilator: 1,000,000 messages, {} events, {} cycles",
        want.len() / 64,
        got.cycles
    );
}

#[test]
fn a_full_order_pool_rejects_through_verilator_and_frees_by_the_contract() {
    // Proves the card's order pool holds exactly hdl::matcher::SLOTS resting orders: the next
    // add is rejected order_pool_full (and a crossing IOC too, as the contract says), cancels
    // free slots that the following adds reuse with the next generation (LIFO), and the whole
    // stream — 2 × 16,384 orders — equals the software path byte for byte (Verilator).
    use abi::{OrderId, OrderMessage, Side, StpMode, TimeInForce};
    let config = VenueConfig::embedded();
    assert_eq!(
        config.venue.orders_resting_max as usize,
        hdl::matcher::SLOTS,
        "the software path's pool is the card's"
    );
    let instrument = &config.instruments[0];
    let (lo, hi) = (instrument.price_min_ticks(), instrument.price_max_ticks());
    let mid = lo + (hi - lo) / 2;
    let spread = ((hi - lo) / 2 - 1).min(500);
    let mut nonce = 0u64;
    let mut order = |account: u32, side: Side, price: u32, tif: TimeInForce| {
        nonce += 1;
        OrderMessage::new_order(
            account,
            nonce,
            instrument.id,
            side,
            price,
            1,
            tif,
            StpMode::Default,
            nonce,
        )
    };
    let mut messages = Vec::new();
    for i in 0..hdl::matcher::SLOTS as u32 + 2 {
        let offset = 1 + (i / 2) % spread;
        messages.push(if i % 2 == 0 {
            order(1, Side::Buy, mid - offset, TimeInForce::Gtc)
        } else {
            order(1, Side::Sell, mid + offset, TimeInForce::Gtc)
        });
    }
    messages.push(order(2, Side::Buy, mid + 1, TimeInForce::Ioc));
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let mut want = Vec::new();
    let mut stimuli = Vec::new();
    let mut send = |m: OrderMessage, want: &mut Vec<u8>| {
        let arrival_ns = 1_000 + stimuli.len() as u64;
        let events = sequencer.handle(&Input {
            arrival_ns,
            message: m,
            signature_ok: true,
        });
        for e in events {
            want.extend_from_slice(&e.encode());
        }
        stimuli.push(sim::card::CardMessage {
            arrival_ns,
            bytes: m.encode(),
            signature_ok: true,
        });
        events.to_vec()
    };
    let mut ids = Vec::new();
    let mut pool_full = 0;
    for m in messages {
        for e in send(m, &mut want) {
            match (e.kind, e.reason) {
                (abi::EventKind::Accepted, _) => ids.push(e.order_id),
                (abi::EventKind::Rejected, abi::Reason::OrderPoolFull) => pool_full += 1,
                other => panic!("unexpected event {other:?}"),
            }
        }
    }
    assert_eq!((ids.len(), pool_full), (hdl::matcher::SLOTS, 3));
    // Free every other order, then fill the pool again: reused slots, next generations.
    let mut cancel_nonce = 0u64;
    for &id in ids.iter().step_by(2) {
        cancel_nonce += 1;
        let m = OrderMessage::cancel(1, nonce + cancel_nonce, instrument.id, OrderId(id), 0);
        send(m, &mut want);
    }
    let mut nonce2 = nonce + cancel_nonce;
    for i in 0..hdl::matcher::SLOTS as u32 / 2 + 1 {
        nonce2 += 1;
        let m = OrderMessage::new_order(
            1,
            nonce2,
            instrument.id,
            Side::Buy,
            mid - 1 - i % spread,
            1,
            TimeInForce::Gtc,
            StpMode::Default,
            0,
        );
        send(m, &mut want);
    }
    let last = abi::Event::decode(&want[want.len() - 64..]).unwrap();
    assert_eq!(last.reason, abi::Reason::OrderPoolFull, "full again");
    let got =
        sim::card::run_verilator(&card_config(&config), &stimuli, Saturated).expect("verilator");
    assert_same_stream(&got.events, &want);
}

/// Block RAMs (DP16KD) of the smallest target part, an ECP5-85k (LFE5UM-85F).
const ECP5_85K_BLOCK_RAMS: u64 = 208;
/// Its LUT4s.
const ECP5_85K_LUTS: u64 = 83_640;

#[test]
fn the_card_fits_an_ecp5_85k() {
    // Proves the card top at its ECP5 configuration (16,384 resting orders, 4,096 levels per
    // side, 8 books, 1,024 accounts) synthesizes for the smallest target part within its
    // block RAM and LUT budgets (figures for docs/hardware.md).
    let utilization = sim::yosys::check("card", &verilog()).expect("yosys");
    println!("card ECP5: {utilization:?}");
    assert!(
        utilization.block_rams <= ECP5_85K_BLOCK_RAMS,
        "{} DP16KD of {ECP5_85K_BLOCK_RAMS}",
        utilization.block_rams
    );
    assert!(
        utilization.luts <= ECP5_85K_LUTS,
        "{} LUT4 of {ECP5_85K_LUTS}",
        utilization.luts
    );
}
