//! The Validator block against the software path (its reference model), Verilator and yosys.

use abi::{EventKind, MessageType, OrderId, OrderMessage, Reason, Side, StpMode, TimeInForce};
use hdl::validator::{
    verilog, Validator, ACCOUNTS, CFG_ACCOUNTS_MAX, CFG_INSTRUMENTS, INSTRUMENTS,
};
use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const INPUT_NAMES: [(&str, u32); 19] = [
    ("cfg_valid", 1),
    ("cfg_address", 16),
    ("cfg_data", 32),
    ("s_valid", 1),
    ("s_account", 32),
    ("s_signature_ok", 1),
    ("s_nonce", 64),
    ("s_version", 8),
    ("s_type", 8),
    ("s_side", 8),
    ("s_tif", 8),
    ("s_stp", 8),
    ("s_flags", 8),
    ("s_reserved_nonzero", 1),
    ("s_instrument", 16),
    ("s_price", 32),
    ("s_qty", 32),
    ("s_target", 64),
    ("m_ready", 1),
];
const OUTPUT_NAMES: [(&str, u32); 5] = [
    ("s_ready", 1),
    ("m_valid", 1),
    ("m_reason", 8),
    ("m_book", 3),
    ("m_echo", 8),
];

fn ports(names: &[(&'static str, u32)]) -> Vec<Port> {
    names
        .iter()
        .map(|&(name, bits)| Port { name, bits })
        .collect()
}

struct Bench {
    h: Harness<Validator>,
    rng: SplitMix64,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
}

impl Bench {
    fn new(config: &VenueConfig, seed: u64) -> Bench {
        let mut bench = Bench {
            h: Harness::new(Validator::default()),
            rng: SplitMix64::new(seed),
            inputs: Vec::new(),
            outputs: Vec::new(),
        };
        assert!(config.venue.accounts_max as usize <= ACCOUNTS);
        assert!(config.instruments.len() <= INSTRUMENTS);
        let known = host::keys::account_table(config);
        for account in 0..ACCOUNTS {
            let is_known = known.get(account).is_some_and(Option::is_some);
            let is_oracle = config.accounts.oracles.contains(&(account as u32));
            let is_admin = config.accounts.admins.contains(&(account as u32));
            bench.configure(
                account as u64,
                u64::from(is_known) | u64::from(is_oracle) << 1 | u64::from(is_admin) << 2,
            );
        }
        bench.configure(CFG_ACCOUNTS_MAX, u64::from(config.venue.accounts_max));
        for (book, i) in config.instruments.iter().enumerate() {
            let base = CFG_INSTRUMENTS + 4 * book as u64;
            bench.configure(base, u64::from(i.id) | 1 << 16);
            bench.configure(base + 1, u64::from(i.price_min_ticks()));
            bench.configure(base + 2, u64::from(i.price_max_ticks()));
            bench.configure(base + 3, u64::from(i.qty_lots_max));
        }
        bench
    }

    /// Drive one cycle with `cfg` and `message` inputs; returns (s_ready, m_valid, reason, book,
    /// echo).
    fn cycle(
        &mut self,
        cfg: (bool, u64, u64),
        message: Option<&(OrderMessage, bool)>,
        m_ready: bool,
    ) -> [u64; 5] {
        let u = &mut self.h.uut;
        let (m, ok) = message.copied().unwrap_or((
            OrderMessage::new_order(
                0,
                0,
                0,
                Side::Buy,
                0,
                0,
                TimeInForce::Gtc,
                StpMode::Default,
                0,
            ),
            false,
        ));
        let values: Vec<u64> = vec![
            u64::from(cfg.0),
            cfg.1,
            cfg.2,
            u64::from(message.is_some()),
            u64::from(m.account),
            u64::from(ok),
            m.nonce,
            u64::from(m.version),
            u64::from(m.message_type),
            u64::from(m.side),
            u64::from(m.time_in_force),
            u64::from(m.stp),
            u64::from(m.flags),
            u64::from(m.reserved_nonzero()),
            u64::from(m.instrument),
            u64::from(m.price_ticks),
            u64::from(m.qty_lots),
            m.target_order_id.0,
            u64::from(m_ready),
        ];
        u.cfg_valid.next = cfg.0;
        u.cfg_address.next = cfg.1.into();
        u.cfg_data.next = cfg.2.into();
        u.s_valid.next = message.is_some();
        u.s_account.next = values[4].into();
        u.s_signature_ok.next = ok;
        u.s_nonce.next = values[6].into();
        u.s_version.next = values[7].into();
        u.s_type.next = values[8].into();
        u.s_side.next = values[9].into();
        u.s_tif.next = values[10].into();
        u.s_stp.next = values[11].into();
        u.s_flags.next = values[12].into();
        u.s_reserved_nonzero.next = m.reserved_nonzero();
        u.s_instrument.next = values[14].into();
        u.s_price.next = values[15].into();
        u.s_qty.next = values[16].into();
        u.s_target.next = values[17].into();
        u.m_ready.next = m_ready;
        self.h.settle();
        let u = &self.h.uut;
        let out = [
            u64::from(u.s_ready.val()),
            u64::from(u.m_valid.val()),
            u.m_reason.val().to_u64(),
            u.m_book.val().to_u64(),
            u.m_echo.val().to_u64(),
        ];
        self.inputs.push(values);
        self.outputs.push(out.to_vec());
        self.h.tick();
        out
    }

    fn configure(&mut self, address: u64, data: u64) {
        self.cycle((true, address, data), None, true);
    }

    /// Validate one message (random idle cycles and backpressure); returns (reason, book,
    /// echo kind).
    fn validate(&mut self, message: OrderMessage, signature_ok: bool) -> (u8, u8, u8) {
        let (mut sent, mut accepted_at) = (false, 0);
        for _ in 0..1_000 {
            let offer = !sent && !self.rng.chance(20);
            let m_ready = self.rng.chance(70);
            let out = self.cycle(
                (false, 0, 0),
                offer.then_some(&(message, signature_ok)),
                m_ready,
            );
            if offer && out[0] == 1 {
                sent = true;
                accepted_at = self.outputs.len() - 1;
            }
            if out[1] == 1 && m_ready {
                assert!(sent);
                return self.verdict(accepted_at);
            }
        }
        panic!("no verdict");
    }
}

impl Bench {
    /// The verdict presented this cycle for the message accepted in cycle `accepted_at` (an
    /// index into the recorded outputs): (reason, book, echo kind), the book counted only when
    /// the message passes to the matcher. Checks that `m_book` held the verdict's book in every
    /// cycle from the one after the accept: the card registers the matcher's bounds and keys
    /// from it before the verdict.
    fn verdict(&self, accepted_at: usize) -> (u8, u8, u8) {
        let now = self.outputs.last().expect("a cycle ran");
        let (reason, book, echo) = (now[2] as u8, now[3], now[4] as u8);
        for (cycle, out) in self.outputs.iter().enumerate().skip(accepted_at + 1) {
            assert_eq!(
                out[3], book,
                "m_book changed in cycle {cycle} after the accept"
            );
        }
        let to_matcher = reason == 0 && echo == 0;
        (reason, if to_matcher { book as u8 } else { 0 }, echo)
    }

    /// Offer `messages` back to back — each from the cycle after the previous one was
    /// accepted, idle in `idle_percent` of the cycles — and take verdicts in
    /// `ready_percent` of them; returns the verdicts in order and, for each message after
    /// the first, the cycles since the previous one was accepted.
    fn stream(
        &mut self,
        messages: &[(OrderMessage, bool)],
        idle_percent: u64,
        ready_percent: u64,
    ) -> (Vec<(u8, u8, u8)>, Vec<u64>) {
        let mut verdicts = Vec::with_capacity(messages.len());
        let mut spacing = Vec::with_capacity(messages.len());
        let (mut next, mut last_accept) = (0usize, None::<u64>);
        let mut accepted_at = Vec::with_capacity(messages.len());
        for cycle in 0u64.. {
            assert!(cycle < 100 * messages.len() as u64 + 1_000, "no progress");
            let offer = next < messages.len() && !self.rng.chance(idle_percent);
            let m_ready = self.rng.chance(ready_percent);
            let out = self.cycle((false, 0, 0), offer.then(|| &messages[next]), m_ready);
            if offer && out[0] == 1 {
                if let Some(last) = last_accept {
                    spacing.push(cycle - last);
                }
                last_accept = Some(cycle);
                accepted_at.push(self.outputs.len() - 1);
                next += 1;
            }
            if out[1] == 1 && m_ready {
                verdicts.push(self.verdict(accepted_at[verdicts.len()]));
                if verdicts.len() == messages.len() {
                    break;
                }
            }
        }
        (verdicts, spacing)
    }
}

/// The software path's verdict for the validator's part of the checks.
fn expected(events: &[abi::Event], message: &OrderMessage, config: &VenueConfig) -> (u8, u8, u8) {
    let first = events[0];
    if first.kind == EventKind::Rejected && !first.reason.decided_by_matcher() {
        return (first.reason as u8, 0, 0);
    }
    if matches!(first.kind, EventKind::Oracle | EventKind::Admin) {
        return (0, 0, first.kind as u8);
    }
    let book = config
        .instruments
        .iter()
        .position(|i| i.id == message.instrument)
        .expect("passed");
    (0, book as u8, 0)
}

/// Demo traffic plus hand-made edge cases for every validator reason.
fn messages(config: &VenueConfig) -> Vec<(OrderMessage, bool)> {
    let w = host::workload::generate(
        config,
        host::workload::Spec {
            sign: false,
            ..host::workload::Spec::demo(9, 1_500)
        },
        &|_| {},
    );
    let mut out: Vec<(OrderMessage, bool)> = w
        .stimuli
        .iter()
        .map(|s| s.message)
        .zip(w.signature_ok)
        .collect();
    let btc = config.instruments[0].clone();
    let new = |account: u32, nonce: u64, price: u32, qty: u32| {
        OrderMessage::new_order(
            account,
            nonce,
            btc.id,
            Side::Buy,
            price,
            qty,
            TimeInForce::Gtc,
            StpMode::Default,
            0,
        )
    };
    let nonce = 1_000_000u64;
    let oracle = config.accounts.oracles[0];
    out.extend([
        (new(600, 1, btc.reference_price_ticks, 1), true), // known range, no key
        (new(1023, 1, btc.reference_price_ticks, 1), true), // no key
        (new(5_000, 1, btc.reference_price_ticks, 1), true), // beyond ACCOUNTS
        (new(7, nonce, btc.reference_price_ticks, 1), false), // bad signature
        (new(7, nonce, btc.price_min_ticks(), 1), true),   // band edge: passes
        (new(7, nonce, btc.price_min_ticks(), 1), true),   // duplicate
        (new(7, nonce - 1, btc.price_min_ticks(), 1), true), // stale
        (new(7, nonce + 1, btc.price_max_ticks() + 1, 1), true), // out of band
        (new(7, nonce + 2, btc.price_min_ticks() - 1, 1), true), // out of band
        (new(7, nonce + 3, btc.price_max_ticks(), 0), true), // qty 0
        (
            new(7, nonce + 4, btc.price_max_ticks(), btc.qty_lots_max + 1),
            true,
        ),
        (
            new(7, nonce + 5, btc.price_max_ticks(), btc.qty_lots_max),
            true,
        ), // passes
        (new(7, u64::MAX, btc.reference_price_ticks, 1), true), // top nonce
        (new(8, 5, btc.reference_price_ticks, 1), true),
        // Oracle updates: from the oracle (passes; any underlying id), from another account
        // (not_oracle), with a zero index or a target id (malformed).
        (
            OrderMessage::oracle(oracle, nonce, 1, 90_000, 800_000),
            true,
        ),
        (OrderMessage::oracle(oracle, nonce + 1, 0x0777, 5, 0), true),
        (OrderMessage::oracle(9, nonce, 1, 90_000, 0), true),
        (OrderMessage::oracle(oracle, nonce + 2, 1, 0, 0), true),
        (
            OrderMessage {
                target_order_id: OrderId(1),
                ..OrderMessage::oracle(oracle, nonce + 3, 1, 90_000, 0)
            },
            true,
        ),
    ]);
    let mut next_nonce = 10u64;
    let mut variant = |f: &dyn Fn(&mut OrderMessage)| {
        let mut m = new(8, next_nonce, btc.reference_price_ticks, 1);
        next_nonce += 1;
        f(&mut m);
        (m, true)
    };
    out.extend([
        variant(&|m| m.version = 1),
        variant(&|m| m.flags = 1),
        variant(&|m| m.reserved1[2] = 1),
        variant(&|m| m.message_type = 0),
        variant(&|m| m.message_type = 9),
        variant(&|m| m.side = 2),
        variant(&|m| m.time_in_force = 4),
        variant(&|m| m.stp = 5),
        variant(&|m| m.target_order_id = OrderId(1)),
        variant(&|m| m.message_type = MessageType::Amend as u8),
        variant(&|m| m.message_type = MessageType::MassCancel as u8),
        variant(&|m| {
            m.message_type = MessageType::Amend as u8;
            m.instrument = 999;
        }),
        variant(&|m| m.instrument = 999),
        variant(&|m| {
            m.message_type = MessageType::Cancel as u8;
            m.target_order_id = OrderId(5);
        }), // cancel with price and qty: malformed
        variant(&|m| {
            *m = OrderMessage::cancel(8, m.nonce, m.instrument, OrderId(5), 0);
        }), // a well-formed cancel passes (the matcher decides unknown_order)
    ]);
    out.extend(credit_cases(config, &out));
    out
}

/// Admin messages and the credit check, after `before` (whose effect on the credit counter
/// of the account used here is replayed first, so the limits below are exact).
fn credit_cases(
    config: &VenueConfig,
    before: &[(OrderMessage, bool)],
) -> Vec<(OrderMessage, bool)> {
    let mut shadow: Sequencer<LadderBook> = Sequencer::new(config);
    for (i, &(message, signature_ok)) in before.iter().enumerate() {
        shadow.handle(&Input {
            arrival_ns: i as u64,
            message,
            signature_ok,
        });
    }
    let btc = config.instruments[0].clone();
    let (trader, admin, base) = (20u32, config.accounts.admins[0], 2_000_000u64);
    let used = shadow.credit(trader).used;
    let order = |n: u64, qty: u32| {
        let m = OrderMessage::new_order(
            trader,
            base + n,
            btc.id,
            Side::Buy,
            btc.reference_price_ticks,
            qty,
            TimeInForce::Gtc,
            StpMode::Default,
            0,
        );
        (m, true)
    };
    let credit = |n: u64, credit: u32, as_of: u32| {
        (
            OrderMessage::admin_credit(admin, base + n, trader, credit, as_of),
            true,
        )
    };
    let lot_cost = |n: u64, cost: u32| {
        (
            OrderMessage::admin_lot_cost(admin, base + n, btc.id, cost),
            true,
        )
    };
    let unlimited = abi::CREDIT_UNLIMITED;
    let mut cases = vec![
        lot_cost(1, 5),
        credit(2, 20, used),
        order(3, 4), // costs 20 of 20: passes
        order(4, 1), // nothing left: credit_exceeded
        credit(5, unlimited, 0),
        order(6, 1),      // unlimited: passes (used + 25 now)
        credit(7, 10, 0), // limit 10, far below the counter: nothing available
        order(8, 1),
        lot_cost(9, 0),
        order(10, 1000), // free, even with nothing available
        lot_cost(11, 20_000),
        credit(12, 0x7000_0000, used.wrapping_add(25)),
        order(13, 70_000), // 1.4e9 units (the high half of qty counts): passes
        credit(
            14,
            0x7000_0000,
            used.wrapping_add(25).wrapping_add(1_400_000_000),
        ),
        order(15, 100_000),          // 2e9 > 1.88e9: credit_exceeded
        order(16, btc.qty_lots_max), // 2e10 does not fit in 32 bits: credit_exceeded
        (OrderMessage::admin_credit(9, base, trader, 1, 0), true), // not an admin
        (
            OrderMessage {
                target_order_id: OrderId(1 << 32),
                ..OrderMessage::admin_credit(admin, base + 17, trader, 1, 0)
            },
            true,
        ), // target beyond 32 bits: malformed
        (
            OrderMessage::admin_credit(admin, base + 18, config.venue.accounts_max, 1, 0),
            true,
        ), // target beyond accounts_max: malformed
        (
            OrderMessage {
                price_ticks: 1,
                ..OrderMessage::admin_lot_cost(admin, base + 19, btc.id, 1)
            },
            true,
        ), // lot cost with a price: malformed
        lot_cost(20, abi::LOT_COST_MAX + 1), // malformed
        (OrderMessage::admin_lot_cost(admin, base + 21, 999, 1), true), // unknown_instrument
        lot_cost(22, abi::LOT_COST_MAX),
        // Transfers and isolations (side 1): echoed, credit and lot cost untouched (the
        // last order below would pass free if an isolation set the lot cost); a target
        // below accounts_max; an isolation's instrument configured.
        (
            OrderMessage::admin_transfer(admin, base + 24, trader, -5_000_000),
            true,
        ),
        (
            OrderMessage::admin_isolate(admin, base + 25, trader, btc.id, 1),
            true,
        ),
        (
            OrderMessage::admin_transfer(admin, base + 26, config.venue.accounts_max, 1),
            true,
        ), // malformed
        (
            OrderMessage::admin_isolate(admin, base + 27, trader, btc.id, -1),
            true,
        ),
        (
            OrderMessage::admin_isolate(admin, base + 28, config.venue.accounts_max, btc.id, 1),
            true,
        ), // malformed
        (
            OrderMessage::admin_isolate(admin, base + 29, trader, 999, 1),
            true,
        ), // unknown_instrument
        (
            OrderMessage::admin_isolate(admin, base + 30, config.venue.accounts_max, 999, 1),
            true,
        ), // malformed: the target is checked first
        (
            OrderMessage {
                target_order_id: OrderId(1 << 32),
                ..OrderMessage::admin_isolate(admin, base + 31, trader, btc.id, 1)
            },
            true,
        ), // malformed
        credit(32, 0, used.wrapping_add(25).wrapping_add(1_400_000_000)),
    ];
    cases.push(order(23, 1));
    // A cost of exactly 2³² (32,768 × 131,072): nonzero, so under a limit it is rejected
    // like any cost beyond the credit, although its low 32 bits are 0.
    cases.push(lot_cost(33, 32_768));
    cases.push(order(34, 131_072));
    cases
}

#[test]
fn verdicts_match_the_software_path() {
    // Proves the block takes the software sequencer's decision for every message of a
    // fault-injecting demo workload plus hand-made cases of every validator reason (unknown
    // account, bad signature, duplicate/stale nonce with consumption, every malformed field,
    // unknown instrument, unsupported type, quantity, both band edges), and routes passing
    // messages to the instrument's book.
    let config = VenueConfig::embedded();
    let mut bench = Bench::new(&config, 1);
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let mut reasons = std::collections::BTreeSet::new();
    for (i, (message, signature_ok)) in messages(&config).into_iter().enumerate() {
        let input = Input {
            arrival_ns: i as u64,
            message,
            signature_ok,
        };
        let want = expected(sequencer.handle(&input), &message, &config);
        reasons.insert(want.0);
        assert_eq!(
            bench.validate(message, signature_ok),
            want,
            "message {i}: {message:?}"
        );
    }
    let mut all: std::collections::BTreeSet<u8> =
        (Reason::None as u8..=Reason::PriceOutOfBand as u8).collect();
    all.extend([
        Reason::NotOracle as u8,
        Reason::NotAdmin as u8,
        Reason::CreditExceeded as u8,
    ]);
    assert_eq!(reasons, all, "every validator reason was exercised");
}

/// The software path's verdicts for `messages`, in order.
fn software_verdicts(config: &VenueConfig, messages: &[(OrderMessage, bool)]) -> Vec<(u8, u8, u8)> {
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(config);
    messages
        .iter()
        .enumerate()
        .map(|(i, &(message, signature_ok))| {
            let input = Input {
                arrival_ns: i as u64,
                message,
                signature_ok,
            };
            expected(sequencer.handle(&input), &message, config)
        })
        .collect()
}

#[test]
fn back_to_back_verdicts_match_the_software_path_at_one_message_per_4_cycles() {
    // Proves the pipelined block under a saturated input: every message accepted exactly 4
    // cycles after the one before (the card's input rate) when verdicts are taken at once,
    // with the software sequencer's verdict for each — consecutive messages of one account
    // included (nonces, and the consumption forwarded from the message whose verdict is
    // being taken, e.g. an order that uses the last of its credit followed by one that is
    // refused) — and again with idle input cycles and verdicts taken late, which the
    // Verilator build matches cycle by cycle.
    let config = VenueConfig::embedded();
    let messages = messages(&config);
    let want = software_verdicts(&config, &messages);
    let mut bench = Bench::new(&config, 3);
    let (got, spacing) = bench.stream(&messages, 0, 100);
    for (i, (got, want)) in got.iter().zip(&want).enumerate() {
        assert_eq!(got, want, "message {i}: {:?}", messages[i].0);
    }
    assert!(spacing.iter().all(|&c| c == 4), "{spacing:?}");
    let mut bench = Bench::new(&config, 4);
    let (got, spacing) = bench.stream(&messages, 10, 70);
    assert_eq!(got, want);
    assert!(spacing.iter().all(|&c| c >= 4));
    let difference = first_difference(
        "validator",
        &verilog(),
        &ports(&INPUT_NAMES),
        &ports(&OUTPUT_NAMES),
        &bench.inputs,
        &bench.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

#[test]
fn two_books_with_one_instrument_id_resolve_to_the_higher_book() {
    // Proves the configuration the venue config refuses (two books configured with one
    // instrument id) resolves as it always did on the card, to the higher book: its lot
    // cost (set by an admin message, which reaches it alone), its quantity bound and its
    // number. Book 0 holds BTC with lot cost 1; book 6 is configured with BTC's id, a
    // quantity bound of 2 and then lot cost 4; with a credit of 9, two lots cost 8 (book 6's
    // cost; the OR of both costs, 5, would make it 10 and refuse the order).
    let config = VenueConfig::embedded();
    let btc = config.instruments[0].clone();
    let (trader, admin) = (20u32, config.accounts.admins[0]);
    let mut bench = Bench::new(&config, 5);
    let order = |nonce: u64, qty: u32| {
        OrderMessage::new_order(
            trader,
            nonce,
            btc.id,
            Side::Buy,
            btc.reference_price_ticks,
            qty,
            TimeInForce::Gtc,
            StpMode::Default,
            0,
        )
    };
    let admin_kind = EventKind::Admin as u8;
    let lot_cost = |nonce: u64, cost: u32| OrderMessage::admin_lot_cost(admin, nonce, btc.id, cost);
    assert_eq!(bench.validate(lot_cost(1, 1), true), (0, 0, admin_kind));
    let base = CFG_INSTRUMENTS + 4 * 6;
    bench.configure(base, u64::from(btc.id) | 1 << 16);
    bench.configure(base + 1, u64::from(btc.price_min_ticks()));
    bench.configure(base + 2, u64::from(btc.price_max_ticks()));
    bench.configure(base + 3, 2);
    assert_eq!(bench.validate(lot_cost(2, 4), true), (0, 0, admin_kind));
    let credit = OrderMessage::admin_credit(admin, 3, trader, 9, 0);
    assert_eq!(bench.validate(credit, true), (0, 0, admin_kind));
    assert_eq!(bench.validate(order(1, 2), true), (0, 6, 0));
    assert_eq!(
        bench.validate(order(2, 3), true),
        (Reason::InvalidQuantity as u8, 0, 0)
    );
    assert_eq!(
        bench.validate(order(3, 1), true),
        (Reason::CreditExceeded as u8, 0, 0)
    );
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the Verilator build matches the rust-hdl simulation on every cycle, the
    // configuration writes and the credit cases (16 × 16 products, overflow) included.
    let config = VenueConfig::embedded();
    let mut bench = Bench::new(&config, 2);
    for (message, ok) in messages(&config) {
        bench.validate(message, ok);
    }
    let difference = first_difference(
        "validator",
        &verilog(),
        &ports(&INPUT_NAMES),
        &ports(&OUTPUT_NAMES),
        &bench.inputs,
        &bench.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

#[test]
fn synthesizes_for_ecp5() {
    // Proves the Verilog is latch-free and synthesizes, its six account tables in block RAM
    // and the cost's two products in multipliers; and that the ECP5 flow's bodies
    // (ORDO_DP16KD) give 10 DP16KDs, every one with its output register, and two
    // MULT18X18Ds that register their operands.
    let utilization = sim::yosys::check("validator", &verilog()).expect("yosys");
    println!("validator ECP5: {utilization:?}");
    assert_eq!(utilization.block_rams, 10, "{utilization:?}");
    assert_eq!(utilization.multipliers, 2, "{utilization:?}");
    let ecp5 =
        sim::yosys::check_defined("validator-ecp5", &verilog(), &["ORDO_DP16KD"]).expect("yosys");
    println!("validator ECP5 (the flow's bodies): {ecp5:?}");
    assert_eq!(ecp5.block_rams, 10, "{ecp5:?}");
    assert_eq!(ecp5.block_rams_outreg, 10, "{ecp5:?}");
    assert_eq!(ecp5.multipliers, 2, "{ecp5:?}");
    assert_eq!(ecp5.multipliers_input_registered, 2, "{ecp5:?}");
}
