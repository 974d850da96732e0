//! The card's worst-case messages, and the harness around them (issue 16): the longest
//! messages — the deepest FOK check, the longest sweep, a full pool — at the very end of the
//! input, where a harness that ends a run on a quiet spell loses them; the venue's
//! capacities reaching the card (or refused before the run); a watchdog that fires is an
//! error, never a short stream. Every flow runs through the software path, rust-hdl and
//! Verilator, and the three event streams must be byte-identical.

use abi::{Event, EventKind, OrderId, OrderMessage, Reason, Side, StpMode, TimeInForce};
use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::hardware::card_config;
use host::rng::SplitMix64;
use host::workload::{generate, Spec};
use sim::card::{CardMessage, CardOutput, Pacing::Saturated};
use sim::Error;

/// A flow built message by message against the software path, which gives the expected
/// stream (and the order ids later messages name).
struct Flow {
    config: VenueConfig,
    sequencer: Sequencer<LadderBook>,
    messages: Vec<CardMessage>,
    want: Vec<u8>,
    /// Nonces above any the demo prefix uses.
    nonce: u64,
}

impl Flow {
    fn new(config: VenueConfig) -> Flow {
        let sequencer = Sequencer::new(&config);
        Flow {
            config,
            sequencer,
            messages: Vec::new(),
            want: Vec::new(),
            nonce: 1 << 40,
        }
    }

    /// The demo workload's first `messages` messages (faults included) as a prefix.
    fn demo_prefix(mut self, seed: u64, messages: usize) -> Flow {
        let w = generate(
            &self.config,
            Spec {
                sign: false,
                ..Spec::demo(seed, messages)
            },
            &|_| {},
        );
        for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
            self.send_raw(s.message, ok);
        }
        self
    }

    fn send_raw(&mut self, message: OrderMessage, signature_ok: bool) -> Vec<Event> {
        let arrival_ns = 1_000 + self.messages.len() as u64;
        let events = self
            .sequencer
            .handle(&Input {
                arrival_ns,
                message,
                signature_ok,
            })
            .to_vec();
        for e in &events {
            self.want.extend_from_slice(&e.encode());
        }
        self.messages.push(CardMessage {
            arrival_ns,
            bytes: message.encode(),
            signature_ok,
        });
        events
    }

    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        account: u32,
        side: Side,
        price: u32,
        qty: u32,
        tif: TimeInForce,
        stp: StpMode,
    ) -> Vec<Event> {
        self.nonce += 1;
        let instrument = self.config.instruments[0].id;
        let m = OrderMessage::new_order(
            account, self.nonce, instrument, side, price, qty, tif, stp, self.nonce,
        );
        self.send_raw(m, true)
    }

    fn cancel(&mut self, account: u32, id: u64) -> Vec<Event> {
        self.nonce += 1;
        let instrument = self.config.instruments[0].id;
        let m = OrderMessage::cancel(account, self.nonce, instrument, OrderId(id), 0);
        self.send_raw(m, true)
    }

    fn low(&self) -> u32 {
        self.config.instruments[0].price_min_ticks()
    }

    fn high(&self) -> u32 {
        self.config.instruments[0].price_max_ticks()
    }

    /// Both card engines give the software path's stream; returns their outputs.
    fn check(&self) -> (CardOutput, CardOutput) {
        let card = card_config(&self.config);
        let rust_hdl =
            sim::card::run_rust_hdl(&card, &self.messages, Saturated).expect("rust-hdl run");
        assert_same_stream("rust-hdl", &rust_hdl.events, &self.want);
        let verilator =
            sim::card::run_verilator(&card, &self.messages, Saturated).expect("verilator run");
        assert_same_stream("verilator", &verilator.events, &self.want);
        assert_eq!(rust_hdl.emitted_at, verilator.emitted_at, "cycle for cycle");
        assert_eq!(rust_hdl.cycles, verilator.cycles, "cycle for cycle");
        (rust_hdl, verilator)
    }

    /// The last message's events in the expected stream.
    fn last_reason(&self) -> (EventKind, Reason) {
        let e = Event::decode(&self.want[self.want.len() - 64..]).unwrap();
        (e.kind, e.reason)
    }
}

fn assert_same_stream(engine: &str, got: &[u8], want: &[u8]) {
    let first = got
        .chunks(64)
        .zip(want.chunks(64))
        .position(|(a, b)| a != b);
    assert_eq!(first, None, "{engine}: first differing event");
    assert_eq!(got.len() / 64, want.len() / 64, "{engine}: events");
}

fn config_with(orders_resting_max: u32, fok_orders_max: u32) -> VenueConfig {
    let mut config = VenueConfig::embedded();
    config.venue.orders_resting_max = orders_resting_max;
    config.venue.fok_orders_max = fok_orders_max;
    config
}

/// `levels` one-lot asks, one per level two ticks apart from the bottom of the band, then
/// a FOK buy for `qty` at the top of the band (account 500 against account 1).
fn deep_fok(config: VenueConfig, levels: u32, qty: u32) -> Flow {
    let mut flow = Flow::new(config);
    let low = flow.low();
    for i in 0..levels {
        let events = flow.order(
            1,
            Side::Sell,
            low + 2 * i,
            1,
            TimeInForce::Gtc,
            StpMode::None,
        );
        assert_eq!(events[0].kind, EventKind::Accepted);
    }
    let high = flow.high();
    flow.order(500, Side::Buy, high, qty, TimeInForce::Fok, StpMode::None);
    flow
}

#[test]
fn deep_fok_that_cannot_fill_as_the_last_message_is_answered() {
    // Proves the first case: 975 one-lot asks, then a FOK for 976 as the last message;
    // its check walks all 975 orders (no bound beyond the pool here) and is rejected
    // fok_cannot_fill on both card engines, as in software — the harness waits for the card
    // to say it is idle instead of ending on a quiet spell.
    let flow = deep_fok(config_with(16_384, 16_384), 975, 976);
    assert_eq!(
        flow.last_reason(),
        (EventKind::Rejected, Reason::FokCannotFill)
    );
    let (rust_hdl, _) = flow.check();
    assert_eq!((rust_hdl.taken, rust_hdl.answered), (976, 976));
    // The FOK alone keeps the card busy, silent, for more than the old 5,000-cycle window.
    let last = *rust_hdl.accepted_at.last().unwrap();
    let rejected = *rust_hdl.emitted_at.last().unwrap();
    assert!(rejected - last > 5_000, "{} cycles", rejected - last);
}

#[test]
fn deep_fok_that_fills_and_the_messages_after_it_are_answered() {
    // Proves the second form: 1,500 levels and a FOK that fills against all of them (the
    // accepted event and 1,500 fills), followed by more messages — none lost.
    let mut flow = deep_fok(config_with(16_384, 16_384), 1_500, 1_500);
    let fills = flow
        .want
        .chunks(64)
        .filter(|r| r[16] == EventKind::Fill as u8)
        .count();
    assert_eq!(fills, 1_500);
    let low = flow.low();
    flow.order(1, Side::Sell, low + 1, 3, TimeInForce::Gtc, StpMode::None);
    flow.order(2, Side::Buy, low + 1, 1, TimeInForce::Ioc, StpMode::None);
    flow.check();
}

#[test]
fn the_fok_bound_is_the_same_on_every_path() {
    // Proves fok_orders_max on the card: a FOK that fills with exactly the bound's number of
    // orders is accepted, one that needs one more is rejected fok_too_deep (across levels and
    // within one level), and one whose crossing orders end at the bound is fok_cannot_fill.
    let flow = deep_fok(config_with(16_384, 40), 40, 40);
    assert_eq!(flow.last_reason().0, EventKind::Fill);
    flow.check();
    let flow = deep_fok(config_with(16_384, 40), 41, 41);
    assert_eq!(
        flow.last_reason(),
        (EventKind::Rejected, Reason::FokTooDeep)
    );
    flow.check();
    let flow = deep_fok(config_with(16_384, 40), 40, 41);
    assert_eq!(
        flow.last_reason(),
        (EventKind::Rejected, Reason::FokCannotFill)
    );
    flow.check();
    // Within one level: 10 one-lot asks at one price, a bound of 4.
    let mut flow = Flow::new(config_with(16_384, 4));
    let low = flow.low();
    for _ in 0..10 {
        flow.order(1, Side::Sell, low, 1, TimeInForce::Gtc, StpMode::None);
    }
    flow.order(2, Side::Buy, low, 5, TimeInForce::Fok, StpMode::None);
    assert_eq!(
        flow.last_reason(),
        (EventKind::Rejected, Reason::FokTooDeep)
    );
    flow.order(2, Side::Buy, low, 4, TimeInForce::Fok, StpMode::None);
    assert_eq!(flow.last_reason().0, EventKind::Fill);
    flow.check();
}

#[test]
fn a_pool_of_one_order_is_the_card_pool() {
    // Proves orders_resting_max = 1 reaches the card: the second resting order is rejected
    // order_pool_full (the card used to accept it), a taker finds no slot either, and the
    // freed slot is reused with the next generation — the software path's stream exactly.
    let mut flow = Flow::new(config_with(1, 256));
    let low = flow.low();
    let first = flow.order(1, Side::Sell, low + 10, 1, TimeInForce::Gtc, StpMode::None);
    let second = flow.order(1, Side::Sell, low + 12, 1, TimeInForce::Gtc, StpMode::None);
    assert_eq!(second[0].reason, Reason::OrderPoolFull);
    let taker = flow.order(2, Side::Buy, low + 20, 1, TimeInForce::Ioc, StpMode::None);
    assert_eq!(taker[0].reason, Reason::OrderPoolFull);
    flow.cancel(1, first[0].order_id);
    let again = flow.order(1, Side::Buy, low, 1, TimeInForce::Gtc, StpMode::None);
    assert_eq!(again[0].order_id, OrderId::new(0, 2).0);
    flow.order(1, Side::Buy, low + 1, 1, TimeInForce::Gtc, StpMode::None);
    assert_eq!(flow.last_reason().1, Reason::OrderPoolFull);
    flow.check();
}

#[test]
fn a_pool_beyond_the_card_is_refused_before_the_run() {
    // Proves orders_resting_max = 20,000 (more than the card's 16,384 slots) is refused by
    // both card engines before a cycle runs, naming the field — where the card used to reject
    // the 16,385th order that the software path accepts.
    let flow = deep_fok(config_with(20_000, 256), 3, 1);
    let card = card_config(&flow.config);
    for result in [
        sim::card::run_rust_hdl(&card, &flow.messages, Saturated),
        sim::card::run_verilator(&card, &flow.messages, Saturated),
    ] {
        let error = result.expect_err("refused");
        assert!(
            matches!(&error, Error::Capacity { field, value: 20_000, .. } if field == "venue.orders_resting_max"),
            "{error}"
        );
        assert!(error
            .to_string()
            .contains("venue.orders_resting_max = 20000"));
    }
    // And the other capacities: more books, accounts or levels than the card holds.
    let mut config = config_with(16_384, 256);
    config.venue.accounts_max = 1_025;
    let refused = card_config(&config).writes().expect_err("accounts");
    assert!(
        refused.to_string().contains("venue.accounts_max = 1025"),
        "{refused}"
    );
}

#[test]
fn a_watchdog_that_fires_is_an_error_naming_the_message_in_flight() {
    // Proves a harness timeout is reported, not swallowed: with a watchdog shorter than the
    // deep FOK's silent walk, both engines fail naming message 975 (the FOK), with 976 taken
    // and 975 answered — never a short stream that passes.
    let flow = deep_fok(config_with(16_384, 16_384), 975, 976);
    let card = card_config(&flow.config);
    for result in [
        sim::card::run_rust_hdl_watched(&card, &flow.messages, Saturated, 1_000),
        sim::card::run_verilator_watched(&card, &flow.messages, Saturated, 1_000),
    ] {
        match result {
            Err(Error::Timeout {
                message,
                taken,
                answered,
                cycles,
                ..
            }) => assert_eq!((message, taken, answered, cycles), (975, 976, 975, 1_000)),
            other => panic!(
                "expected a timeout, got {:?}",
                other.map(|o| o.events.len())
            ),
        }
    }
}

/// The worst-case suffix: the pool filled with one-lot asks on as many levels as the band
/// has (several per level beyond that), from accounts 100–102 (the demo prefix limits the
/// credit of accounts below 16 only); then FOKs at half the bound, at it and beyond it,
/// under `stp`, from account 101 (a third of the makers are its own);
/// the longest sweep (an IOC across the whole side); the pool filled again to
/// `order_pool_full`; and last a FOK that walks as deep as the bound lets it.
fn worst_case_suffix(flow: &mut Flow, rng: &mut SplitMix64, stp: StpMode) {
    let (low, high) = (flow.low(), flow.high());
    let span = high - low;
    let fill_pool = |flow: &mut Flow, rng: &mut SplitMix64| loop {
        let account = 100 + rng.below(3) as u32;
        let price = low + 1 + rng.below(u64::from(span) / 2) as u32;
        let events = flow.order(
            account,
            Side::Sell,
            price,
            1,
            TimeInForce::Gtc,
            StpMode::None,
        );
        if events[0].reason == Reason::OrderPoolFull {
            break;
        }
    };
    fill_pool(flow, rng);
    let k = flow.config.venue.fok_orders_max.min(20_000);
    for qty in [k / 2 + 1, k, k + 1] {
        flow.order(101, Side::Buy, high, qty.max(1), TimeInForce::Fok, stp);
    }
    let qty_max = flow.config.instruments[0].qty_lots_max;
    flow.order(104, Side::Buy, high, qty_max, TimeInForce::Ioc, stp);
    fill_pool(flow, rng);
    flow.order(101, Side::Buy, high, k, TimeInForce::Fok, stp);
}

#[test]
fn worst_case_messages_at_the_end_of_the_input_match_on_every_path() {
    // Proves the differential class the issue asks for: demo prefixes followed by the
    // worst-case suffix (deepest FOK, longest sweep, full pool, then the deepest FOK again as
    // the very last message) over pool sizes, FOK bounds and STP modes, byte-identical
    // through software, rust-hdl and Verilator.
    let cases = [
        (64, 1, StpMode::None),
        (64, 7, StpMode::CancelOldest),
        (300, 256, StpMode::CancelNewest),
        (1_000, 1_000, StpMode::CancelBoth),
        (16_384, 256, StpMode::CancelOldest),
    ];
    for (case, &(pool, k, stp)) in cases.iter().enumerate() {
        let mut flow = Flow::new(config_with(pool, k)).demo_prefix(100 + case as u64, 500);
        let mut rng = SplitMix64::new(case as u64);
        worst_case_suffix(&mut flow, &mut rng, stp);
        let (rust_hdl, _) = flow.check();
        println!(
            "pool {pool}, fok bound {k}, {stp:?}: {} messages, {} events, {} cycles",
            flow.messages.len(),
            flow.want.len() / 64,
            rust_hdl.cycles
        );
    }
}
