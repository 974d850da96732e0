//! The Matcher block against the software path: every message the software sequencer passes
//! to its matcher is fed to the block, and the block's events must equal the software's,
//! field for field (sequence numbers and stamps are the sequencer's, added after), once the
//! host has restored the client references the card leaves to it (abi::client_refs).

use abi::{Event, EventKind, MessageType, OrderMessage, Reason, StpMode};
use hdl::matcher::Matcher as HdlMatcher;
use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::rng::SplitMix64;
use sim::harness::Harness;

/// The block's input for a message the validator passed.
struct Command {
    cancel: bool,
    book: u64,
    side: bool,
    own_key: u64,
    cross_key: u64,
    price_min: u64,
    price_max: u64,
    stp: u64,
    message: OrderMessage,
}

fn command(config: &VenueConfig, m: &OrderMessage) -> Command {
    let book = config
        .instruments
        .iter()
        .position(|i| i.id == m.instrument)
        .expect("validated");
    let i = &config.instruments[book];
    let (min, max) = (i.price_min_ticks(), i.price_max_ticks());
    let cancel = m.message_type == MessageType::Cancel as u8;
    let buy = m.side == 0;
    let key = |bid_side: bool| -> u64 {
        if cancel {
            0
        } else if bid_side {
            u64::from(max - m.price_ticks)
        } else {
            u64::from(m.price_ticks - min)
        }
    };
    let stp = match m.stp().expect("validated") {
        StpMode::Default => config.venue.default_stp.mode() as u64,
        mode => mode as u64,
    };
    Command {
        cancel,
        book: book as u64,
        side: !buy,
        own_key: key(buy),
        cross_key: key(!buy),
        price_min: u64::from(min),
        price_max: u64::from(max),
        stp,
        message: *m,
    }
}

struct Bench {
    h: Harness<HdlMatcher>,
    rng: SplitMix64,
    ready_percent: u64,
    /// Per-cycle vectors, recorded when `record` (for the Verilator diff).
    record: bool,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
    /// The host's side of the contract: client references of resting orders.
    refs: abi::ClientRefs,
    /// The `m_ready` of the cycle the last message ended in: that cycle is driven again with
    /// the next message, and the event it took (the last message's) is not collected again.
    carried_ready: Option<bool>,
}

const INPUT_NAMES: [(&str, u32); 17] = [
    ("s_valid", 1),
    ("s_cancel", 1),
    ("s_book", 3),
    ("s_instrument", 16),
    ("s_account", 32),
    ("s_side", 1),
    ("s_price", 32),
    ("s_qty", 32),
    ("s_tif", 2),
    ("s_stp", 3),
    ("s_client_ref", 64),
    ("s_target", 64),
    ("s_own_key", 12),
    ("s_cross_key", 12),
    ("s_price_min", 32),
    ("s_price_max", 32),
    ("m_ready", 1),
];
const OUTPUT_NAMES: [(&str, u32); 14] = [
    ("s_ready", 1),
    ("m_valid", 1),
    ("m_kind", 8),
    ("m_reason", 8),
    ("m_side", 8),
    ("m_instrument", 16),
    ("m_account", 32),
    ("m_price", 32),
    ("m_order_id", 64),
    ("m_qty", 32),
    ("m_remaining", 32),
    ("m_ref", 64),
    ("m_maker_account", 32),
    ("m_maker_remaining", 32),
];

impl Bench {
    /// Run one message through the block; returns its events (seq and stamp zero).
    fn run(&mut self, c: &Command) -> Vec<Event> {
        let m = &c.message;
        let mut events = Vec::new();
        let mut accepted = false;
        let mut carried = self.carried_ready.take();
        for _ in 0..200_000 {
            let u = &mut self.h.uut;
            u.s_valid.next = !accepted;
            u.s_cancel.next = c.cancel;
            u.s_book.next = c.book.into();
            u.s_instrument.next = u64::from(m.instrument).into();
            u.s_account.next = u64::from(m.account).into();
            u.s_side.next = c.side;
            u.s_price.next = u64::from(m.price_ticks).into();
            u.s_qty.next = u64::from(m.qty_lots).into();
            u.s_tif.next = u64::from(m.time_in_force).into();
            u.s_stp.next = c.stp.into();
            u.s_client_ref.next = m.client_ref.into();
            u.s_target.next = m.target_order_id.0.into();
            u.s_own_key.next = c.own_key.into();
            u.s_cross_key.next = c.cross_key.into();
            u.s_price_min.next = c.price_min.into();
            u.s_price_max.next = c.price_max.into();
            let repeated = carried.is_some();
            let m_ready = carried
                .take()
                .unwrap_or_else(|| self.rng.chance(self.ready_percent));
            u.m_ready.next = m_ready;
            self.h.settle();
            let u = &self.h.uut;
            // The message ends when the matcher is idle and its last event leaves (or has
            // left), as the card reads it. That cycle is not ticked here: the next message's
            // inputs are set in it again (and recorded then), so it is recorded once.
            let ends = accepted && u.s_ready.val() && (!u.m_valid.val() || m_ready);
            if self.record && !ends {
                self.inputs.push(vec![
                    u64::from(!accepted),
                    u64::from(c.cancel),
                    c.book,
                    u64::from(m.instrument),
                    u64::from(m.account),
                    u64::from(c.side),
                    u64::from(m.price_ticks),
                    u64::from(m.qty_lots),
                    u64::from(m.time_in_force),
                    c.stp,
                    m.client_ref,
                    m.target_order_id.0,
                    c.own_key,
                    c.cross_key,
                    c.price_min,
                    c.price_max,
                    u64::from(m_ready),
                ]);
                self.outputs.push(vec![
                    u64::from(u.s_ready.val()),
                    u64::from(u.m_valid.val()),
                    u.m_kind.val().to_u64(),
                    u.m_reason.val().to_u64(),
                    u.m_side.val().to_u64(),
                    u.m_instrument.val().to_u64(),
                    u.m_account.val().to_u64(),
                    u.m_price.val().to_u64(),
                    u.m_order_id.val().to_u64(),
                    u.m_qty.val().to_u64(),
                    u.m_remaining.val().to_u64(),
                    u.m_ref.val().to_u64(),
                    u.m_maker_account.val().to_u64(),
                    u.m_maker_remaining.val().to_u64(),
                ]);
            }
            let taken = u.m_valid.val() && m_ready && !repeated;
            if ends {
                if taken {
                    events.push(self.event());
                }
                self.carried_ready = Some(m_ready);
                return events
                    .iter()
                    .map(|e: &Event| {
                        let mut record = e.encode();
                        self.refs.restore(&mut record).expect("slot in the pool");
                        Event::decode(&record).expect("decodes")
                    })
                    .collect();
            }
            if taken {
                let event = self.event();
                events.push(event);
            }
            accepted |= u.s_ready.val();
            self.h.tick();
        }
        panic!("message never finished: {m:?}");
    }

    /// The event on the outputs this cycle.
    fn event(&self) -> Event {
        let u = &self.h.uut;
        let kind = EventKind::from_u8(u.m_kind.val().to_u64() as u8).expect("kind");
        let reference = u.m_ref.val().to_u64();
        Event {
            seq: 0,
            timestamp_ns: 0,
            kind,
            reason: Reason::from_u8(u.m_reason.val().to_u64() as u8).expect("reason"),
            side: u.m_side.val().to_u64() as u8,
            instrument: u.m_instrument.val().to_u64() as u16,
            account: u.m_account.val().to_u64() as u32,
            price_ticks: u.m_price.val().to_u64() as u32,
            order_id: u.m_order_id.val().to_u64(),
            qty_lots: u.m_qty.val().to_u64() as u32,
            remaining_lots: u.m_remaining.val().to_u64() as u32,
            client_ref: if kind == EventKind::Fill {
                0
            } else {
                reference
            },
            maker_order_id: if kind == EventKind::Fill {
                reference
            } else {
                0
            },
            maker_account: u.m_maker_account.val().to_u64() as u32,
            maker_remaining_lots: u.m_maker_remaining.val().to_u64() as u32,
        }
    }
}

fn unstamped(events: &[Event]) -> Vec<Event> {
    events
        .iter()
        .map(|e| Event {
            seq: 0,
            timestamp_ns: 0,
            ..*e
        })
        .collect()
}

/// What the compared messages exercised: event kinds and reasons seen.
#[derive(Default)]
struct Coverage {
    messages: usize,
    kinds: std::collections::BTreeSet<(u8, u8)>,
}

fn diff_workload(
    spec: host::workload::Spec,
    config: &VenueConfig,
    ready_percent: u64,
    bench: &mut Bench,
) -> Coverage {
    let mut w = host::workload::generate(config, spec, &|_| {});
    // Then cancels of ids that are not live: never issued, stale generations, slots beyond
    // the pool, other books (fresh nonces above anything the workload used).
    let mut rng = SplitMix64::new(spec.seed);
    let last_arrival = w.stimuli.last().map_or(0, |s| s.arrival_ns);
    for k in 0..200u64 {
        let account = rng.below(u64::from(config.accounts.test_accounts)) as u32;
        let slot = if rng.chance(10) {
            20_000
        } else {
            rng.below(64)
        } as u32;
        let target = abi::OrderId::new(slot, rng.below(4) as u32);
        let instrument = config.instruments[rng.below(config.instruments.len() as u64) as usize].id;
        let message = OrderMessage::cancel(account, 1 << 40 | k, instrument, target, k);
        w.stimuli.push(host::workload::Stimulus {
            arrival_ns: last_arrival + k,
            message,
        });
        w.signature_ok.push(true);
    }
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(config);
    let mut coverage = Coverage::default();
    bench.ready_percent = ready_percent;
    for (i, (s, &ok)) in w.stimuli.iter().zip(&w.signature_ok).enumerate() {
        let input = Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        };
        let want = unstamped(sequencer.handle(&input));
        let validator_reject =
            want[0].kind == EventKind::Rejected && !want[0].reason.decided_by_matcher();
        if validator_reject || matches!(want[0].kind, EventKind::Oracle | EventKind::Admin) {
            continue; // the validator's decision (or an update's echo), not the matcher's
        }
        let got = bench.run(&command(config, &s.message));
        assert_eq!(got, want, "message {i}: {:?}", s.message);
        coverage.messages += 1;
        coverage
            .kinds
            .extend(want.iter().map(|e| (e.kind as u8, e.reason as u8)));
    }
    coverage
}

fn bench(record: bool) -> Bench {
    Bench {
        h: Harness::new(HdlMatcher::default()),
        rng: SplitMix64::new(9),
        ready_percent: 100,
        record,
        inputs: Vec::new(),
        outputs: Vec::new(),
        refs: abi::ClientRefs::new(hdl::matcher::SLOTS),
        carried_ready: None,
    }
}

/// A venue that makes books deep and self-trades common: 4 accounts, narrow bands.
fn crowded_config() -> VenueConfig {
    let text = host::config::DEFAULT_CONFIG_TOML
        .replacen("test_accounts = 512", "test_accounts = 4", 1)
        .replacen("oracles = [510]", "oracles = [3]", 1)
        // No admin: credit limits on 4 accounts would starve the books (covered elsewhere).
        .replacen("admins = [509]", "admins = []", 1)
        .replace("band_ticks = 2000", "band_ticks = 12")
        .replace("band_ticks = 1500", "band_ticks = 12")
        .replace("band_ticks = 1000", "band_ticks = 12");
    VenueConfig::parse(&text, "crowded").expect("valid")
}

#[test]
fn events_match_the_software_matcher_on_the_demo_flow() {
    // Proves the block reproduces the software matcher's events, field for field, on the
    // demo mix: adds near the touch, cancels, sweeps, IOC/FOK/post-only, STP modes, faults.
    let config = VenueConfig::embedded();
    let spec = host::workload::Spec {
        sign: false,
        ..host::workload::Spec::demo(21, 1_500)
    };
    let coverage = diff_workload(spec, &config, 70, &mut bench(false));
    assert!(coverage.messages > 1_300, "{}", coverage.messages);
}

#[test]
fn events_match_the_software_matcher_on_crowded_books() {
    // Proves the same on books 25 ticks wide shared by 4 accounts, where levels hold many
    // orders, sweeps cross several levels, FOK walks skip or stop at own orders and every
    // STP mode fires; checks that every matcher event kind and reason was exercised.
    let config = crowded_config();
    let mut seen = std::collections::BTreeSet::new();
    for seed in [1, 2] {
        // Fresh books on both sides for each workload.
        let spec = host::workload::Spec {
            sign: false,
            ..host::workload::Spec::demo(seed, 1_500)
        };
        seen.extend(diff_workload(spec, &config, 50, &mut bench(false)).kinds);
    }
    let r = |reason: Reason| reason as u8;
    for want in [
        (EventKind::Accepted as u8, r(Reason::None)),
        (EventKind::Fill as u8, r(Reason::None)),
        (EventKind::Cancelled as u8, r(Reason::None)),
        (EventKind::Cancelled as u8, r(Reason::SelfTrade)),
        (EventKind::Expired as u8, r(Reason::None)),
        (EventKind::Rejected as u8, r(Reason::PostOnlyWouldCross)),
        (EventKind::Rejected as u8, r(Reason::FokCannotFill)),
        (EventKind::Rejected as u8, r(Reason::UnknownOrder)),
        (EventKind::Rejected as u8, r(Reason::NotOrderOwner)),
    ] {
        assert!(
            seen.contains(&want),
            "never exercised: {want:?}; seen {seen:?}"
        );
    }
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the Verilator build of the matcher matches the rust-hdl simulation on every
    // cycle of a backpressured run on crowded books.
    let config = crowded_config();
    let mut b = bench(true);
    let spec = host::workload::Spec {
        sign: false,
        ..host::workload::Spec::demo(3, 400)
    };
    diff_workload(spec, &config, 60, &mut b);
    let ports = |names: &[(&'static str, u32)]| -> Vec<sim::verilator::Port> {
        names
            .iter()
            .map(|&(name, bits)| sim::verilator::Port { name, bits })
            .collect()
    };
    let difference = sim::verilator::first_difference(
        "matcher",
        &hdl::matcher::verilog(),
        &ports(&INPUT_NAMES),
        &ports(&OUTPUT_NAMES),
        &b.inputs,
        &b.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

// No synthesis check of its own: the matcher's Verilog is a module of the card's, which
// sim/tests/card.rs synthesizes (latches, undriven signals, the ECP5-85k's budgets); its
// utilisation alone comes from `ordo fpga build ecp5-timing --block matcher`.

#[test]
fn cycles_per_message_on_the_demo_flow() {
    // Measures (deterministically: cycles, not time) the correctness-first FSM's cost per
    // message with an always-ready sink, for docs/hardware.md, and pins it so a change that
    // slows the FSM is noticed.
    let config = VenueConfig::embedded();
    let mut b = bench(false);
    let spec = host::workload::Spec {
        sign: false,
        ..host::workload::Spec::demo(5, 1_000)
    };
    let coverage = diff_workload(spec, &config, 100, &mut b);
    let per_message = b.h.cycle() as f64 / coverage.messages as f64;
    println!(
        "matcher: {} messages, {} cycles, {per_message:.1} cycles/message",
        coverage.messages,
        b.h.cycle()
    );
    assert!(per_message < 40.0, "{per_message}");
}
