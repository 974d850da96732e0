//! Hand-checked scenario tests of the sequencer and both matchers.
//!
//! Every scenario is a generic function over [`Matcher`] that drives a [`Sequencer`] message
//! by message and asserts the exact event list of each message (every field, including the
//! sequence number and timestamp) and, where it matters, the exact resting book. The
//! `for_both_matchers!` macro at the bottom instantiates each scenario once for the product
//! matcher ([`LadderBook`]) and once for the baseline ([`BTreeBook`]).
//!
//! All expected values are written out by hand from the documented contract (the module docs
//! of `abi::{order, event, reason}` and `host::engine`); nothing is computed by engine code.
//!
//! The venue is the embedded default config with a 4-slot order pool, 8 test accounts and a
//! per-order maximum of 1000 lots on instrument 1 (reference 180000, band 2000, so prices
//! 178000..=182000); FOK checks visit at most 256 resting orders (the default), except in
//! the FOK cap scenarios, which set `fok_orders_max` to 3 (or 1) with [`fok_capped`].

use std::collections::HashMap;

use abi::Side::{Buy, Sell};
use abi::TimeInForce::{Fok, Gtc, Ioc, PostOnly};
use abi::{
    Event, EventKind, MessageType, OrderId, OrderMessage, Reason, Side, StpMode, TimeInForce,
    ABI_VERSION,
};
use host::config::{StpName, VenueConfig, DEFAULT_CONFIG_TOML};
use host::engine::{Input, Matcher, RestingOrder, Sequencer};

// ---------------------------------------------------------------------------------------------
// Venue under test
// ---------------------------------------------------------------------------------------------

/// Instrument 1 (BTC-PERP): reference 180000, band 2000, at most 1000 lots per order (edited).
const BTC: u16 = 1;
/// Instrument 2 (ETH-PERP): reference 70000, band 2000, at most 1000000 lots per order.
const ETH: u16 = 2;
/// BTC reference price.
const P: u32 = 180_000;
/// Lowest and highest BTC price inside the band.
const BAND_LOW: u32 = 178_000;
const BAND_HIGH: u32 = 182_000;
/// BTC per-order quantity maximum in the test config.
const QTY_MAX: u32 = 1000;

/// Test accounts (0..8 are known in the test config).
const A: u32 = 1;
const B: u32 = 2;
const C: u32 = 3;
const D: u32 = 4;
/// The oracle account of the test config.
const ORACLE: u32 = 7;

/// The test config: the embedded default with `replacements` applied after the standard
/// edits (pool of 4 slots, 8 test accounts, BTC per-order maximum 1000 lots).
fn config_with(replacements: &[(&str, &str)]) -> VenueConfig {
    let standard = [
        ("orders_resting_max = 16384", "orders_resting_max = 4"),
        ("test_accounts = 512", "test_accounts = 8"),
        // Account 7 is the venue's oracle.
        ("oracles = [510]", "oracles = [7]"),
        // Account 6 is its admin (the risk engine's credit settings).
        ("admins = [509]", "admins = [6]"),
        // First occurrence: instrument 1 (BTC-PERP).
        ("qty_lots_max = 1000000", "qty_lots_max = 1000"),
    ];
    let mut text = DEFAULT_CONFIG_TOML.to_string();
    for (from, to) in standard.iter().chain(replacements) {
        assert!(text.contains(from), "default config lost `{from}`");
        text = text.replacen(from, to, 1);
    }
    VenueConfig::parse(&text, "scenarios").expect("test config is valid")
}

fn test_config() -> VenueConfig {
    config_with(&[])
}

/// The test config with `pool` order slots and FOK checks that visit at most `cap` resting
/// orders.
fn fok_capped(pool: u32, cap: u32) -> VenueConfig {
    let pool = format!("orders_resting_max = {pool}");
    let cap_line = format!("fok_orders_max = {cap}");
    let c = config_with(&[
        ("orders_resting_max = 4", &pool),
        ("fok_orders_max = 256", &cap_line),
    ]);
    assert_eq!(c.venue.fok_orders_max, cap);
    c
}

/// Order id of `slot` at `generation` as it appears in events.
fn id(slot: u32, generation: u32) -> u64 {
    OrderId::new(slot, generation).0
}

// ---------------------------------------------------------------------------------------------
// Expected events (unstamped: the harness adds seq and timestamp)
// ---------------------------------------------------------------------------------------------

/// `accepted`: order `order_id` of `account` for `qty` lots; remaining is the full quantity.
fn accepted(
    account: u32,
    side: Side,
    price: u32,
    order_id: u64,
    qty: u32,
    client_ref: u64,
) -> Event {
    Event {
        side: side as u8,
        instrument: BTC,
        account,
        price_ticks: price,
        order_id,
        qty_lots: qty,
        remaining_lots: qty,
        client_ref,
        ..Event::blank(EventKind::Accepted)
    }
}

/// `fill`: the taker (`account`, `side`, `taker_id`) traded `qty` at the maker's `price`.
fn fill(
    account: u32,
    side: Side,
    price: u32,
    taker_id: u64,
    qty: u32,
    taker_remaining: u32,
    maker_id: u64,
    maker_account: u32,
    maker_remaining: u32,
) -> Event {
    Event {
        side: side as u8,
        instrument: BTC,
        account,
        price_ticks: price,
        order_id: taker_id,
        qty_lots: qty,
        remaining_lots: taker_remaining,
        maker_order_id: maker_id,
        maker_account,
        maker_remaining_lots: maker_remaining,
        ..Event::blank(EventKind::Fill)
    }
}

/// `cancelled`: order `order_id` left with `qty` open lots (remaining 0).
fn cancelled(
    reason: Reason,
    account: u32,
    side: Side,
    price: u32,
    order_id: u64,
    qty: u32,
    client_ref: u64,
) -> Event {
    Event {
        reason,
        side: side as u8,
        instrument: BTC,
        account,
        price_ticks: price,
        order_id,
        qty_lots: qty,
        remaining_lots: 0,
        client_ref,
        ..Event::blank(EventKind::Cancelled)
    }
}

/// `expired`: the IOC order `order_id` expired with `qty` unfilled lots (remaining 0).
fn expired(
    account: u32,
    side: Side,
    price: u32,
    order_id: u64,
    qty: u32,
    client_ref: u64,
) -> Event {
    Event {
        kind: EventKind::Expired,
        ..cancelled(
            Reason::None,
            account,
            side,
            price,
            order_id,
            qty,
            client_ref,
        )
    }
}

/// `rejected`: echoes the message's fields as received (order id: the cancel target, 0 for
/// a well-formed new order).
fn rejected(reason: Reason, m: &OrderMessage) -> Event {
    Event {
        reason,
        side: m.side,
        instrument: m.instrument,
        account: m.account,
        price_ticks: m.price_ticks,
        order_id: m.target_order_id.0,
        qty_lots: m.qty_lots,
        client_ref: m.client_ref,
        ..Event::blank(EventKind::Rejected)
    }
}

/// `event` on another instrument.
fn on(instrument: u16, event: Event) -> Event {
    Event {
        instrument,
        ..event
    }
}

/// `event` with an explicit sequence number and timestamp.
fn stamped(event: Event, seq: u64, timestamp_ns: u64) -> Event {
    Event {
        seq,
        timestamp_ns,
        ..event
    }
}

/// A resting BTC order as `Matcher::resting_orders` lists it.
fn resting(
    order_id: u64,
    account: u32,
    side: Side,
    price: u32,
    qty: u32,
    client_ref: u64,
) -> RestingOrder {
    RestingOrder {
        order_id: OrderId(order_id),
        instrument: BTC,
        side,
        price_ticks: price,
        qty_lots: qty,
        account,
        client_ref,
    }
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// A sequencer plus a trivial independent model of its stamping: the next sequence number and
/// the last stamp. `expect` stamps the hand-written expected events from this model, so every
/// assertion also checks seq numbers (gap-free from 1) and timestamps (max of arrival and the
/// previous stamp). By default each message arrives 1000 ns after the previous one.
struct Venue<M: Matcher> {
    sequencer: Sequencer<M>,
    /// Highest nonce used per account (by the builders or by any message sent).
    last_nonce: HashMap<u32, u64>,
    /// Arrival time of the last message.
    clock_ns: u64,
    /// Model: stamp of the last message.
    stamp_ns: u64,
    /// Model: sequence number of the next event.
    seq: u64,
}

impl<M: Matcher> Venue<M> {
    fn new() -> Self {
        Self::with_config(&test_config())
    }

    fn with_config(config: &VenueConfig) -> Self {
        Venue {
            sequencer: Sequencer::new(config),
            last_nonce: HashMap::new(),
            clock_ns: 0,
            stamp_ns: 0,
            seq: 1,
        }
    }

    /// The next unused nonce of `account`.
    fn nonce(&mut self, account: u32) -> u64 {
        let last = self.last_nonce.entry(account).or_insert(0);
        *last += 1;
        *last
    }

    /// A BTC new order with the next nonce of `account`.
    fn order(
        &mut self,
        account: u32,
        side: Side,
        price: u32,
        qty: u32,
        tif: TimeInForce,
        stp: StpMode,
        client_ref: u64,
    ) -> OrderMessage {
        let nonce = self.nonce(account);
        OrderMessage::new_order(account, nonce, BTC, side, price, qty, tif, stp, client_ref)
    }

    /// A BTC GTC order with the venue-default STP mode.
    fn gtc(&mut self, account: u32, side: Side, price: u32, qty: u32, cref: u64) -> OrderMessage {
        self.order(account, side, price, qty, Gtc, StpMode::Default, cref)
    }

    /// A BTC cancel of `target` with the next nonce of `account`.
    fn cancel(&mut self, account: u32, target: u64, client_ref: u64) -> OrderMessage {
        let nonce = self.nonce(account);
        OrderMessage::cancel(account, nonce, BTC, OrderId(target), client_ref)
    }

    /// Deliver `message` at `arrival_ns`; returns its events exactly as emitted (checked only
    /// to survive the wire encoding).
    fn send_at(
        &mut self,
        arrival_ns: u64,
        signature_ok: bool,
        message: OrderMessage,
    ) -> Vec<Event> {
        let last = self.last_nonce.entry(message.account).or_insert(0);
        *last = (*last).max(message.nonce);
        self.clock_ns = arrival_ns;
        let events = self
            .sequencer
            .handle(&Input {
                arrival_ns,
                message,
                signature_ok,
            })
            .to_vec();
        for event in &events {
            assert_eq!(Event::decode(&event.encode()).unwrap(), *event);
        }
        self.stamp_ns = self.stamp_ns.max(arrival_ns);
        self.seq += events.len() as u64;
        events
    }

    /// Deliver `message` 1000 ns after the previous one and assert its events are exactly
    /// `expected`, stamped with the next sequence numbers and `max(arrival, last stamp)`.
    fn expect_signed(&mut self, signature_ok: bool, message: OrderMessage, expected: &[Event]) {
        let arrival_ns = self.clock_ns + 1_000;
        let stamp_ns = self.stamp_ns.max(arrival_ns);
        let expected: Vec<Event> = expected
            .iter()
            .zip(self.seq..)
            .map(|(event, seq)| stamped(*event, seq, stamp_ns))
            .collect();
        let actual = self.send_at(arrival_ns, signature_ok, message);
        if actual != expected {
            panic!(
                "events of {message:?}\nactual:\n{}expected:\n{}",
                listing(&actual),
                listing(&expected)
            );
        }
    }

    /// `expect_signed` with a valid signature.
    fn expect(&mut self, message: OrderMessage, expected: &[Event]) {
        self.expect_signed(true, message, expected);
    }

    /// Send `message` and expect exactly one `rejected` event for `reason`.
    fn expect_reject(&mut self, message: OrderMessage, reason: Reason) {
        self.expect(message, &[rejected(reason, &message)]);
    }

    /// Enter a BTC GTC order that rests without trading; it must be given `order_id`.
    fn rest(&mut self, order_id: u64, account: u32, side: Side, price: u32, qty: u32, cref: u64) {
        let m = self.gtc(account, side, price, qty, cref);
        self.expect(m, &[accepted(account, side, price, order_id, qty, cref)]);
    }

    /// Every resting order: by book, bids then asks, in priority order.
    fn book(&self) -> Vec<RestingOrder> {
        self.sequencer.matcher().resting_orders()
    }
}

/// A named edit of a message (for table-driven reject cases).
type Mutation = (&'static str, fn(&mut OrderMessage));

fn listing(events: &[Event]) -> String {
    events.iter().map(|e| format!("  {e:?}\n")).collect()
}

// ---------------------------------------------------------------------------------------------
// The test config
// ---------------------------------------------------------------------------------------------

#[test]
fn test_config_is_as_intended() {
    // Proves the edited default config is what every scenario assumes: a 4-slot pool, 8 test
    // accounts, default STP cancel_newest, and BTC (id 1) at 180000 ± 2000 with 1000 lots max.
    let c = test_config();
    assert_eq!(c.venue.orders_resting_max, 4);
    assert_eq!(c.venue.fok_orders_max, 256);
    assert_eq!(c.venue.accounts_max, 1024);
    assert_eq!(c.accounts.test_accounts, 8);
    assert_eq!(c.venue.default_stp, StpName::CancelNewest);
    let btc = c.instrument(BTC).unwrap();
    assert_eq!(
        (btc.reference_price_ticks, btc.band_ticks, btc.qty_lots_max),
        (P, 2000, QTY_MAX)
    );
    assert_eq!(
        (btc.price_min_ticks(), btc.price_max_ticks()),
        (BAND_LOW, BAND_HIGH)
    );
    let eth = c.instrument(ETH).unwrap();
    assert_eq!(
        (eth.reference_price_ticks, eth.band_ticks, eth.qty_lots_max),
        (70_000, 2000, 1_000_000)
    );
    assert!(c.instrument(5).is_none());
}

// ---------------------------------------------------------------------------------------------
// Order types
// ---------------------------------------------------------------------------------------------

fn gtc_rests_on_the_book<M: Matcher>() {
    // Proves a non-crossing GTC order is accepted (remaining = qty) and rests with nothing
    // else emitted: enter a bid and an ask that do not cross, check events and the book.
    let mut v = Venue::<M>::new();
    let m = v.gtc(A, Buy, P - 10, 10, 101);
    v.expect(m, &[accepted(A, Buy, P - 10, id(0, 1), 10, 101)]);
    let m = v.gtc(B, Sell, P + 10, 7, 201);
    v.expect(m, &[accepted(B, Sell, P + 10, id(1, 1), 7, 201)]);
    assert_eq!(
        v.book(),
        [
            resting(id(0, 1), A, Buy, P - 10, 10, 101),
            resting(id(1, 1), B, Sell, P + 10, 7, 201),
        ]
    );
}

fn ioc_partial_fill_then_remainder_expires<M: Matcher>() {
    // Proves an IOC trades what it can (at the maker's price) and its remainder expires at
    // the IOC's own limit: 3 lots rest, an IOC for 5 fills 3 and expires 2; the book is empty.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 3, 11);
    let m = v.order(B, Buy, P + 5, 5, Ioc, StpMode::Default, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 5, id(1, 1), 5, 21),
            fill(B, Buy, P, id(1, 1), 3, 2, id(0, 1), A, 0),
            expired(B, Buy, P + 5, id(1, 1), 2, 21),
        ],
    );
    assert_eq!(v.book(), []);
}

fn ioc_with_nothing_to_hit_is_accepted_then_expires<M: Matcher>() {
    // Proves an IOC that cannot trade is still accepted (it gets an id) and then expires in
    // full: once on an empty book, once with a non-crossing ask that stays untouched.
    let mut v = Venue::<M>::new();
    let m = v.order(B, Buy, P, 5, Ioc, StpMode::Default, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P, id(0, 1), 5, 21),
            expired(B, Buy, P, id(0, 1), 5, 21),
        ],
    );
    // Slot 0 came back, so the ask reuses it at generation 2.
    v.rest(id(0, 2), A, Sell, P + 1, 3, 11);
    let m = v.order(B, Buy, P, 5, Ioc, StpMode::Default, 22);
    v.expect(
        m,
        &[
            accepted(B, Buy, P, id(1, 1), 5, 22),
            expired(B, Buy, P, id(1, 1), 5, 22),
        ],
    );
    assert_eq!(v.book(), [resting(id(0, 2), A, Sell, P + 1, 3, 11)]);
}

fn fok_fills_fully_across_several_levels<M: Matcher>() {
    // Proves a FOK that can fill walks several levels in price order, each fill at the maker's
    // price, with no expiry, and leaves a partially filled last maker; then a FOK for exactly
    // the available quantity fills and empties the book.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    v.rest(id(1, 1), C, Sell, P + 1, 3, 31);
    v.rest(id(2, 1), A, Sell, P + 2, 4, 12);
    let m = v.order(B, Buy, P + 2, 7, Fok, StpMode::Default, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 2, id(3, 1), 7, 21),
            fill(B, Buy, P, id(3, 1), 2, 5, id(0, 1), A, 0),
            fill(B, Buy, P + 1, id(3, 1), 3, 2, id(1, 1), C, 0),
            fill(B, Buy, P + 2, id(3, 1), 2, 0, id(2, 1), A, 2),
        ],
    );
    assert_eq!(v.book(), [resting(id(2, 1), A, Sell, P + 2, 2, 12)]);
    // Exactly the available quantity. The last taker's slot 3 was freed last, so it is reused.
    let m = v.order(B, Buy, P + 2, 2, Fok, StpMode::Default, 22);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 2, id(3, 2), 2, 22),
            fill(B, Buy, P + 2, id(3, 2), 2, 0, id(2, 1), A, 0),
        ],
    );
    assert_eq!(v.book(), []);
}

fn fok_that_cannot_fill_is_rejected_with_no_effect<M: Matcher>() {
    // Proves a FOK that cannot fill in full is rejected fok_cannot_fill with no other effect:
    // too little quantity, and enough quantity only beyond its limit, both leave the book as
    // it was and issue no id (the next accepted order gets the id the FOK would have had);
    // the nonce is still consumed (resending it is a duplicate).
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    v.rest(id(1, 1), C, Sell, P + 1, 3, 31);
    let before = v.book();
    let too_much = v.order(B, Buy, P + 1, 6, Fok, StpMode::Default, 21);
    v.expect_reject(too_much, Reason::FokCannotFill);
    let limit_too_low = v.order(B, Buy, P, 3, Fok, StpMode::Default, 22);
    v.expect_reject(limit_too_low, Reason::FokCannotFill);
    v.expect_reject(limit_too_low, Reason::DuplicateNonce);
    assert_eq!(v.book(), before);
    v.rest(id(2, 1), B, Buy, P - 1, 1, 23);
}

fn post_only_rests_when_not_crossing<M: Matcher>() {
    // Proves a post-only order that does not cross is accepted and rests like a GTC: a bid one
    // tick under the best ask, and an ask joining the best ask level behind the earlier order.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P + 5, 4, 11);
    let m = v.order(B, Buy, P + 4, 2, PostOnly, StpMode::Default, 21);
    v.expect(m, &[accepted(B, Buy, P + 4, id(1, 1), 2, 21)]);
    let m = v.order(C, Sell, P + 5, 1, PostOnly, StpMode::Default, 31);
    v.expect(m, &[accepted(C, Sell, P + 5, id(2, 1), 1, 31)]);
    assert_eq!(
        v.book(),
        [
            resting(id(1, 1), B, Buy, P + 4, 2, 21),
            resting(id(0, 1), A, Sell, P + 5, 4, 11),
            resting(id(2, 1), C, Sell, P + 5, 1, 31),
        ]
    );
}

fn post_only_that_would_cross_is_rejected<M: Matcher>() {
    // Proves a post-only order that would trade is rejected post_only_would_cross with no
    // effect: at the best opposite price, through it, on the sell side, and against the
    // account's own order (the cross check ignores STP); no id is issued.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P + 5, 4, 11);
    v.rest(id(1, 1), B, Buy, P, 4, 21);
    let before = v.book();
    let at_best = v.order(B, Buy, P + 5, 1, PostOnly, StpMode::Default, 22);
    v.expect_reject(at_best, Reason::PostOnlyWouldCross);
    let through = v.order(B, Buy, P + 6, 1, PostOnly, StpMode::Default, 23);
    v.expect_reject(through, Reason::PostOnlyWouldCross);
    let sell = v.order(A, Sell, P, 1, PostOnly, StpMode::Default, 12);
    v.expect_reject(sell, Reason::PostOnlyWouldCross);
    let own = v.order(A, Buy, P + 5, 1, PostOnly, StpMode::CancelOldest, 13);
    v.expect_reject(own, Reason::PostOnlyWouldCross);
    assert_eq!(v.book(), before);
    v.rest(id(2, 1), C, Sell, P + 9, 1, 31);
}

// ---------------------------------------------------------------------------------------------
// Rejects: one section per reason, then the check order and nonce consumption
// ---------------------------------------------------------------------------------------------

fn bad_signature_is_rejected_and_does_not_consume_the_nonce<M: Matcher>() {
    // Proves a message whose signature failed is rejected bad_signature and leaves the nonce
    // unused: the same message with a good signature is then accepted, and only then is a
    // resend a duplicate.
    let mut v = Venue::<M>::new();
    let m = OrderMessage::new_order(A, 1, BTC, Buy, P, 1, Gtc, StpMode::Default, 11);
    v.expect_signed(false, m, &[rejected(Reason::BadSignature, &m)]);
    v.expect(m, &[accepted(A, Buy, P, id(0, 1), 1, 11)]);
    v.expect_reject(m, Reason::DuplicateNonce);
    // A bad signature on a cancel is rejected the same way and cancels nothing.
    let c = OrderMessage::cancel(A, 2, BTC, OrderId(id(0, 1)), 12);
    v.expect_signed(false, c, &[rejected(Reason::BadSignature, &c)]);
    assert_eq!(v.book(), [resting(id(0, 1), A, Buy, P, 1, 11)]);
    v.expect(c, &[cancelled(Reason::None, A, Buy, P, id(0, 1), 1, 11)]);
}

fn unknown_account_is_rejected<M: Matcher>() {
    // Proves account ids at or above test_accounts (8) are unknown, both inside and beyond
    // accounts_max (1024), for new orders and cancels; the last test account (7) is known.
    let mut v = Venue::<M>::new();
    for account in [8, 511, 1023, 1024, u32::MAX] {
        let m = OrderMessage::new_order(account, 1, BTC, Buy, P, 1, Gtc, StpMode::Default, 7);
        v.expect_reject(m, Reason::UnknownAccount);
    }
    let c = OrderMessage::cancel(8, 2, BTC, OrderId(id(0, 1)), 8);
    v.expect_reject(c, Reason::UnknownAccount);
    let m = OrderMessage::new_order(7, 1, BTC, Buy, P, 1, Gtc, StpMode::Default, 9);
    v.expect(m, &[accepted(7, Buy, P, id(0, 1), 1, 9)]);
}

fn duplicate_and_stale_nonces_are_rejected<M: Matcher>() {
    // Proves nonce checks per account: nonce 0 on a fresh account equals the initial "last
    // accepted" 0 (duplicate); gaps are allowed (5 after nothing); equal → duplicate_nonce;
    // lower → stale_nonce; higher → accepted; another account has its own sequence.
    let mut v = Venue::<M>::new();
    let msg = |nonce, price, cref| {
        OrderMessage::new_order(D, nonce, BTC, Buy, price, 1, Gtc, StpMode::Default, cref)
    };
    v.expect_reject(msg(0, P, 40), Reason::DuplicateNonce);
    v.expect(msg(5, P, 45), &[accepted(D, Buy, P, id(0, 1), 1, 45)]);
    v.expect_reject(msg(5, P - 1, 46), Reason::DuplicateNonce);
    v.expect_reject(msg(4, P - 1, 44), Reason::StaleNonce);
    v.expect_reject(msg(1, P - 1, 41), Reason::StaleNonce);
    v.expect(
        msg(6, P - 1, 46),
        &[accepted(D, Buy, P - 1, id(1, 1), 1, 46)],
    );
    let other = OrderMessage::new_order(A, 1, BTC, Buy, P - 2, 1, Gtc, StpMode::Default, 11);
    v.expect(other, &[accepted(A, Buy, P - 2, id(2, 1), 1, 11)]);
}

fn oracle_messages_are_sequenced_and_touch_no_book<M: Matcher>() {
    // Proves abi §15: an oracle account's update is one `oracle` event echoing its fields
    // (underlying id, index, volatility) with no effect on the book; from any other account it
    // is rejected not_oracle; with a zero price or a target id it is malformed; and each of
    // these consumes the nonce like any checked message.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P + 1, 1, 11);
    let nonce = v.nonce(ORACLE);
    let update = OrderMessage::oracle(ORACLE, nonce, 1, 90_000, 800_000);
    let echo = Event {
        side: 0,
        instrument: 1,
        account: ORACLE,
        price_ticks: 90_000,
        qty_lots: 800_000,
        client_ref: nonce,
        ..Event::blank(EventKind::Oracle)
    };
    v.expect(update, &[echo]);
    v.expect_reject(update, Reason::DuplicateNonce);
    let nonce = v.nonce(A);
    v.expect_reject(
        OrderMessage::oracle(A, nonce, 1, 90_000, 0),
        Reason::NotOracle,
    );
    let nonce = v.nonce(ORACLE);
    v.expect_reject(
        OrderMessage::oracle(ORACLE, nonce, 1, 0, 0),
        Reason::Malformed,
    );
    let nonce = v.nonce(ORACLE);
    let mut targeted = OrderMessage::oracle(ORACLE, nonce, 1, 90_000, 0);
    targeted.target_order_id = OrderId(id(0, 1));
    v.expect_reject(targeted, Reason::Malformed);
    // An underlying id that is no book's is fine: oracle messages skip the instrument check.
    let nonce = v.nonce(ORACLE);
    let other = OrderMessage::oracle(ORACLE, nonce, 0x0777, 5, 0);
    v.expect(
        other,
        &[Event {
            instrument: 0x0777,
            price_ticks: 5,
            qty_lots: 0,
            client_ref: nonce,
            ..echo
        }],
    );
    assert_eq!(v.book(), [resting(id(0, 1), A, Sell, P + 1, 1, 11)]);
}

fn malformed_messages_are_rejected<M: Matcher>() {
    // Proves every undefined field value is rejected malformed, echoing the raw bytes, with no
    // effect on the book and no id issued, while still consuming the nonce: bad side, time in
    // force, STP mode, flags, reserved bytes, version, message type, a new order carrying a
    // target id, and a cancel carrying price, quantity or an undefined side.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P + 1, 1, 11);
    let new_order_cases: [Mutation; 13] = [
        ("side 2", |m| m.side = 2),
        ("side 255", |m| m.side = 255),
        ("time in force 4", |m| m.time_in_force = 4),
        ("stp 5", |m| m.stp = 5),
        ("flags 1", |m| m.flags = 1),
        ("flags 0x80", |m| m.flags = 0x80),
        ("reserved bytes", |m| m.reserved1[2] = 1),
        ("version 0", |m| m.version = 0),
        ("version + 1", |m| m.version = ABI_VERSION + 1),
        ("message type 0", |m| m.message_type = 0),
        ("message type 6", |m| m.message_type = 6),
        ("message type 255", |m| m.message_type = 255),
        ("new order with a target id", |m| {
            m.target_order_id = OrderId::new(0, 1)
        }),
    ];
    for (case, mutate) in new_order_cases {
        let base = v.gtc(B, Buy, P + 1, 1, 21);
        let mut m = base;
        mutate(&mut m);
        assert_ne!(m, base, "{case} changes the message");
        v.expect_reject(m, Reason::Malformed);
    }
    let cancel_cases: [Mutation; 5] = [
        ("cancel with a price", |m| m.price_ticks = P + 1),
        ("cancel with a quantity", |m| m.qty_lots = 1),
        ("cancel with side 2", |m| m.side = 2),
        ("cancel with reserved bytes", |m| m.reserved1[2] = 1),
        ("cancel with flags", |m| m.flags = 1),
    ];
    let mut last = None;
    for (case, mutate) in cancel_cases {
        let base = v.cancel(A, id(0, 1), 12);
        let mut m = base;
        mutate(&mut m);
        assert_ne!(m, base, "{case} changes the message");
        v.expect_reject(m, Reason::Malformed);
        last = Some(m);
    }
    // The malformed cancel consumed its nonce.
    v.expect_reject(last.unwrap(), Reason::DuplicateNonce);
    assert_eq!(v.book(), [resting(id(0, 1), A, Sell, P + 1, 1, 11)]);
    v.rest(id(1, 1), B, Buy, P, 1, 22);
}

fn amend_and_mass_cancel_are_unsupported<M: Matcher>() {
    // Proves message types 3 (amend) and 4 (mass cancel) are rejected unsupported_message
    // with no effect on the named order, and that they consume the nonce.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P + 1, 2, 11);
    let amend = OrderMessage {
        message_type: MessageType::Amend as u8,
        price_ticks: P + 2,
        qty_lots: 1,
        ..v.cancel(A, id(0, 1), 12)
    };
    v.expect_reject(amend, Reason::UnsupportedMessage);
    let bare_amend = OrderMessage {
        message_type: 3,
        ..v.cancel(A, id(0, 1), 13)
    };
    v.expect_reject(bare_amend, Reason::UnsupportedMessage);
    let mass_cancel = OrderMessage {
        message_type: MessageType::MassCancel as u8,
        ..v.cancel(A, 0, 14)
    };
    v.expect_reject(mass_cancel, Reason::UnsupportedMessage);
    v.expect_reject(mass_cancel, Reason::DuplicateNonce);
    // A reserved type with an undefined field is malformed first (step 4 checks fields).
    let bad_amend = OrderMessage {
        message_type: MessageType::Amend as u8,
        side: 7,
        ..v.cancel(A, id(0, 1), 15)
    };
    v.expect_reject(bad_amend, Reason::Malformed);
    assert_eq!(v.book(), [resting(id(0, 1), A, Sell, P + 1, 2, 11)]);
}

fn unknown_instrument_precedes_unsupported_message<M: Matcher>() {
    // Proves the documented check order for reserved message types: step 5 (instrument not
    // configured → unknown_instrument) comes before step 6 (amend / mass cancel →
    // unsupported_message), so an amend or mass cancel naming an unconfigured instrument is
    // rejected unknown_instrument.
    let mut v = Venue::<M>::new();
    let amend = OrderMessage {
        message_type: MessageType::Amend as u8,
        instrument: 9,
        ..v.cancel(A, id(0, 1), 12)
    };
    v.expect_reject(amend, Reason::UnknownInstrument);
    let mass_cancel = OrderMessage {
        message_type: MessageType::MassCancel as u8,
        instrument: 0,
        ..v.cancel(A, 0, 13)
    };
    v.expect_reject(mass_cancel, Reason::UnknownInstrument);
}

fn unknown_instrument_is_rejected<M: Matcher>() {
    // Proves instrument ids that are not configured (0, 5, 9, 65535) are rejected
    // unknown_instrument for new orders and cancels, while configured id 2 is accepted.
    let mut v = Venue::<M>::new();
    for instrument in [0, 5, 9, u16::MAX] {
        let m = OrderMessage {
            instrument,
            ..v.gtc(A, Buy, P, 1, 11)
        };
        v.expect_reject(m, Reason::UnknownInstrument);
    }
    let c = OrderMessage {
        instrument: 5,
        ..v.cancel(A, id(0, 1), 12)
    };
    v.expect_reject(c, Reason::UnknownInstrument);
    let m = OrderMessage {
        instrument: ETH,
        ..v.gtc(A, Buy, 70_000, 1, 13)
    };
    v.expect(m, &[on(ETH, accepted(A, Buy, 70_000, id(0, 1), 1, 13))]);
}

fn invalid_quantity_is_rejected<M: Matcher>() {
    // Proves quantity 0 and anything above the instrument's maximum (1000 on BTC) are rejected
    // invalid_quantity; exactly 1000 and 1 are accepted; the maximum is per instrument (1001
    // is fine on ETH, whose maximum is 1000000).
    let mut v = Venue::<M>::new();
    for qty in [0, QTY_MAX + 1, u32::MAX] {
        let m = v.gtc(A, Buy, P, qty, 11);
        v.expect_reject(m, Reason::InvalidQuantity);
    }
    v.rest(id(0, 1), A, Buy, P, QTY_MAX, 12);
    v.rest(id(1, 1), A, Buy, P, 1, 13);
    let m = OrderMessage {
        instrument: ETH,
        ..v.gtc(A, Sell, 70_000, QTY_MAX + 1, 14)
    };
    v.expect(
        m,
        &[on(
            ETH,
            accepted(A, Sell, 70_000, id(2, 1), QTY_MAX + 1, 14),
        )],
    );
}

fn price_out_of_band_is_rejected_and_band_edges_are_accepted<M: Matcher>() {
    // Proves the band [180000 - 2000, 180000 + 2000] is inclusive: one tick outside either
    // edge, price 0 and u32::MAX are rejected price_out_of_band; orders at both edges rest and
    // trade at the edge prices (the first and last ladder levels); the band is per instrument.
    let mut v = Venue::<M>::new();
    for (side, price) in [
        (Buy, BAND_LOW - 1),
        (Sell, BAND_HIGH + 1),
        (Buy, BAND_HIGH + 1),
        (Sell, BAND_LOW - 1),
        (Buy, 0),
        (Sell, u32::MAX),
    ] {
        let m = v.gtc(A, side, price, 1, 11);
        v.expect_reject(m, Reason::PriceOutOfBand);
    }
    v.rest(id(0, 1), A, Buy, BAND_LOW, 2, 12);
    v.rest(id(1, 1), B, Sell, BAND_HIGH, 3, 21);
    assert_eq!(
        v.book(),
        [
            resting(id(0, 1), A, Buy, BAND_LOW, 2, 12),
            resting(id(1, 1), B, Sell, BAND_HIGH, 3, 21),
        ]
    );
    let m = v.order(C, Sell, BAND_LOW, 1, Ioc, StpMode::Default, 31);
    v.expect(
        m,
        &[
            accepted(C, Sell, BAND_LOW, id(2, 1), 1, 31),
            fill(C, Sell, BAND_LOW, id(2, 1), 1, 0, id(0, 1), A, 1),
        ],
    );
    let m = v.order(D, Buy, BAND_HIGH, 3, Ioc, StpMode::Default, 41);
    v.expect(
        m,
        &[
            accepted(D, Buy, BAND_HIGH, id(2, 2), 3, 41),
            fill(D, Buy, BAND_HIGH, id(2, 2), 3, 0, id(1, 1), B, 0),
        ],
    );
    assert_eq!(v.book(), [resting(id(0, 1), A, Buy, BAND_LOW, 1, 12)]);
    // ETH's band is 68000..=72000: the BTC reference price is outside it.
    let m = OrderMessage {
        instrument: ETH,
        ..v.gtc(A, Buy, P, 1, 13)
    };
    v.expect_reject(m, Reason::PriceOutOfBand);
    let m = OrderMessage {
        instrument: ETH,
        ..v.gtc(A, Buy, 72_001, 1, 14)
    };
    v.expect_reject(m, Reason::PriceOutOfBand);
}

fn order_pool_full_is_rejected<M: Matcher>() {
    // Proves that with all 4 slots resting, any order that would need an id is rejected
    // order_pool_full (also a taker that would fill completely, as the taker needs an id
    // before it trades), that the post-only and FOK checks come first, that cancels still
    // work, and that a freed slot is issued again.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Buy, P - 1, 1, 11);
    v.rest(id(1, 1), A, Buy, P - 2, 1, 12);
    v.rest(id(2, 1), A, Sell, P + 1, 1, 13);
    v.rest(id(3, 1), A, Sell, P + 2, 1, 14);
    let before = v.book();
    let m = v.gtc(B, Buy, P - 3, 1, 21);
    v.expect_reject(m, Reason::OrderPoolFull);
    let m = v.order(B, Buy, P + 1, 1, Ioc, StpMode::Default, 22);
    v.expect_reject(m, Reason::OrderPoolFull);
    let m = v.order(B, Buy, P + 1, 1, Fok, StpMode::Default, 23);
    v.expect_reject(m, Reason::OrderPoolFull);
    let m = v.order(B, Buy, P + 2, 5, Fok, StpMode::Default, 24);
    v.expect_reject(m, Reason::FokCannotFill);
    let m = v.order(B, Buy, P + 1, 1, PostOnly, StpMode::Default, 25);
    v.expect_reject(m, Reason::PostOnlyWouldCross);
    let m = v.order(B, Buy, P, 1, PostOnly, StpMode::Default, 26);
    v.expect_reject(m, Reason::OrderPoolFull);
    assert_eq!(v.book(), before);
    let c = v.cancel(A, id(1, 1), 15);
    v.expect(
        c,
        &[cancelled(Reason::None, A, Buy, P - 2, id(1, 1), 1, 12)],
    );
    v.rest(id(1, 2), B, Buy, P - 3, 1, 27);
    let m = v.gtc(B, Buy, P - 4, 1, 28);
    v.expect_reject(m, Reason::OrderPoolFull);
}

fn unknown_order_is_rejected<M: Matcher>() {
    // Proves a cancel is rejected unknown_order for: ids never issued (slot 0 before any
    // order, id 0, a slot beyond the pool, a future generation), the right id on the wrong
    // instrument, an order already cancelled, a stale generation after its slot was reused,
    // a fully filled order, and a taker that never rested. The live order is never touched.
    let mut v = Venue::<M>::new();
    for target in [id(0, 1), 0, id(99, 1)] {
        let c = v.cancel(A, target, 10);
        v.expect_reject(c, Reason::UnknownOrder);
    }
    v.rest(id(0, 1), A, Sell, P + 1, 2, 11);
    let c = v.cancel(A, id(0, 2), 12);
    v.expect_reject(c, Reason::UnknownOrder);
    let wrong_book = OrderMessage {
        instrument: ETH,
        ..v.cancel(A, id(0, 1), 13)
    };
    v.expect_reject(wrong_book, Reason::UnknownOrder);
    assert_eq!(v.book(), [resting(id(0, 1), A, Sell, P + 1, 2, 11)]);
    let c = v.cancel(A, id(0, 1), 14);
    v.expect(
        c,
        &[cancelled(Reason::None, A, Sell, P + 1, id(0, 1), 2, 11)],
    );
    let c = v.cancel(A, id(0, 1), 15);
    v.expect_reject(c, Reason::UnknownOrder);
    // The slot is reused at generation 2; the old id still names nothing.
    v.rest(id(0, 2), A, Sell, P + 1, 3, 16);
    let c = v.cancel(A, id(0, 1), 17);
    v.expect_reject(c, Reason::UnknownOrder);
    assert_eq!(v.book(), [resting(id(0, 2), A, Sell, P + 1, 3, 16)]);
    // Filled away: the maker's id is gone, and so is the taker's (it never rested).
    let m = v.order(C, Buy, P + 1, 3, Ioc, StpMode::Default, 31);
    v.expect(
        m,
        &[
            accepted(C, Buy, P + 1, id(1, 1), 3, 31),
            fill(C, Buy, P + 1, id(1, 1), 3, 0, id(0, 2), A, 0),
        ],
    );
    let c = v.cancel(A, id(0, 2), 18);
    v.expect_reject(c, Reason::UnknownOrder);
    let c = v.cancel(C, id(1, 1), 32);
    v.expect_reject(c, Reason::UnknownOrder);
}

fn not_order_owner_is_rejected<M: Matcher>() {
    // Proves only the owner can cancel: another account's cancel of a live order is rejected
    // not_order_owner with no effect, a stale id is unknown_order even for another account
    // (existence is checked before ownership), and the owner's cancel then works.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P + 1, 2, 11);
    let c = v.cancel(B, id(0, 1), 21);
    v.expect_reject(c, Reason::NotOrderOwner);
    let c = v.cancel(B, id(0, 2), 22);
    v.expect_reject(c, Reason::UnknownOrder);
    assert_eq!(v.book(), [resting(id(0, 1), A, Sell, P + 1, 2, 11)]);
    let c = v.cancel(A, id(0, 1), 12);
    v.expect(
        c,
        &[cancelled(Reason::None, A, Sell, P + 1, id(0, 1), 2, 11)],
    );
}

fn checks_run_in_the_documented_order<M: Matcher>() {
    // Proves a message failing several checks is rejected for the earliest in the documented
    // order: unknown account > bad signature > nonce > malformed > unknown instrument >
    // invalid quantity > price band > post-only / FOK > pool full; a malformed cancel beats
    // an unknown target.
    let mut v = Venue::<M>::new();
    let new = |account, nonce, instrument, side, price, qty, tif| {
        OrderMessage::new_order(
            account,
            nonce,
            instrument,
            side,
            price,
            qty,
            tif,
            StpMode::Default,
            7,
        )
    };
    // Unknown account with a bad signature.
    let m = new(8, 1, BTC, Buy, P, 1, Gtc);
    v.expect_signed(false, m, &[rejected(Reason::UnknownAccount, &m)]);
    // Bad signature with a duplicate nonce (0) and a bad side.
    let m = OrderMessage {
        side: 9,
        ..new(A, 0, BTC, Buy, P, 1, Gtc)
    };
    v.expect_signed(false, m, &[rejected(Reason::BadSignature, &m)]);
    v.expect(
        new(A, 3, BTC, Sell, P + 1, 1, Gtc),
        &[accepted(A, Sell, P + 1, id(0, 1), 1, 7)],
    );
    // Duplicate nonce with a bad side.
    let m = OrderMessage {
        side: 9,
        ..new(A, 3, BTC, Buy, P, 1, Gtc)
    };
    v.expect_reject(m, Reason::DuplicateNonce);
    // Stale nonce with an unknown instrument.
    v.expect_reject(new(A, 2, 9, Buy, P, 1, Gtc), Reason::StaleNonce);
    // Malformed with an unknown instrument.
    let m = OrderMessage {
        side: 9,
        ..new(A, 4, 9, Buy, P, 1, Gtc)
    };
    v.expect_reject(m, Reason::Malformed);
    // Unknown instrument with quantity 0 and price 1.
    v.expect_reject(new(A, 5, 9, Buy, 1, 0, Gtc), Reason::UnknownInstrument);
    // Quantity 0 with price 1.
    v.expect_reject(new(A, 6, BTC, Buy, 1, 0, Gtc), Reason::InvalidQuantity);
    // Out of band, and would cross as post-only.
    v.expect_reject(
        new(A, 7, BTC, Buy, BAND_HIGH + 1, 1, PostOnly),
        Reason::PriceOutOfBand,
    );
    // Fill the pool, then: post-only cross and FOK shortfall beat pool full.
    v.expect(
        new(A, 8, BTC, Buy, P - 1, 1, Gtc),
        &[accepted(A, Buy, P - 1, id(1, 1), 1, 7)],
    );
    v.expect(
        new(A, 9, BTC, Buy, P - 2, 1, Gtc),
        &[accepted(A, Buy, P - 2, id(2, 1), 1, 7)],
    );
    v.expect(
        new(A, 10, BTC, Buy, P - 3, 1, Gtc),
        &[accepted(A, Buy, P - 3, id(3, 1), 1, 7)],
    );
    v.expect_reject(
        new(B, 1, BTC, Buy, P + 1, 1, PostOnly),
        Reason::PostOnlyWouldCross,
    );
    v.expect_reject(new(B, 2, BTC, Buy, P + 1, 2, Fok), Reason::FokCannotFill);
    v.expect_reject(new(B, 3, BTC, Buy, P + 1, 1, Fok), Reason::OrderPoolFull);
    // Malformed cancel (carries a price) of an unknown order.
    let c = OrderMessage {
        price_ticks: P,
        ..OrderMessage::cancel(B, 4, BTC, OrderId(id(3, 7)), 8)
    };
    v.expect_reject(c, Reason::Malformed);
    // Cancel on an unknown instrument of an order that exists elsewhere.
    let c = OrderMessage::cancel(B, 5, 9, OrderId(id(0, 1)), 8);
    v.expect_reject(c, Reason::UnknownInstrument);
}

fn a_rejected_message_after_a_valid_nonce_consumes_the_nonce<M: Matcher>() {
    // Proves step 3's "the nonce is consumed, whatever happens next": after a reject for
    // price_out_of_band (nonce 5), unknown_instrument (6), unknown_order (7) and
    // fok_cannot_fill (8), a valid message reusing that nonce is a duplicate; a bad signature
    // (nonce 9) does not consume it, so nonce 9 then works.
    let mut v = Venue::<M>::new();
    let gtc = |nonce, price| {
        OrderMessage::new_order(A, nonce, BTC, Buy, price, 1, Gtc, StpMode::Default, nonce)
    };
    v.expect_reject(gtc(5, BAND_LOW - 1), Reason::PriceOutOfBand);
    v.expect_reject(gtc(5, P), Reason::DuplicateNonce);
    let m = OrderMessage {
        instrument: 9,
        ..gtc(6, P)
    };
    v.expect_reject(m, Reason::UnknownInstrument);
    v.expect_reject(gtc(6, P), Reason::DuplicateNonce);
    let c = OrderMessage::cancel(A, 7, BTC, OrderId(id(3, 9)), 7);
    v.expect_reject(c, Reason::UnknownOrder);
    v.expect_reject(gtc(7, P), Reason::DuplicateNonce);
    let fok = OrderMessage::new_order(A, 8, BTC, Buy, P, 1, Fok, StpMode::Default, 8);
    v.expect_reject(fok, Reason::FokCannotFill);
    v.expect_reject(gtc(8, P), Reason::DuplicateNonce);
    v.expect_signed(
        false,
        gtc(9, P),
        &[rejected(Reason::BadSignature, &gtc(9, P))],
    );
    v.expect(gtc(9, P), &[accepted(A, Buy, P, id(0, 1), 1, 9)]);
}

// ---------------------------------------------------------------------------------------------
// Price-time priority, partial fills, sweeps
// ---------------------------------------------------------------------------------------------

fn better_price_matches_first<M: Matcher>() {
    // Proves price priority on both sides regardless of entry order: asks entered at +3, +1,
    // +2 are hit +1, +2, +3 by a buy; bids entered at -3, -1, -2 are hit -1, -2, -3 by a sell.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P + 3, 1, 11);
    v.rest(id(1, 1), C, Sell, P + 1, 1, 31);
    v.rest(id(2, 1), A, Sell, P + 2, 1, 12);
    assert_eq!(
        v.book(),
        [
            resting(id(1, 1), C, Sell, P + 1, 1, 31),
            resting(id(2, 1), A, Sell, P + 2, 1, 12),
            resting(id(0, 1), A, Sell, P + 3, 1, 11),
        ]
    );
    let m = v.gtc(B, Buy, P + 3, 3, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 3, id(3, 1), 3, 21),
            fill(B, Buy, P + 1, id(3, 1), 1, 2, id(1, 1), C, 0),
            fill(B, Buy, P + 2, id(3, 1), 1, 1, id(2, 1), A, 0),
            fill(B, Buy, P + 3, id(3, 1), 1, 0, id(0, 1), A, 0),
        ],
    );
    assert_eq!(v.book(), []);
    // Freed in the order 1, 2, 0, then the taker's 3: reissued 3, 0, 2, 1.
    v.rest(id(3, 2), A, Buy, P - 3, 1, 13);
    v.rest(id(0, 2), C, Buy, P - 1, 1, 32);
    v.rest(id(2, 2), A, Buy, P - 2, 1, 14);
    let m = v.gtc(B, Sell, P - 3, 3, 22);
    v.expect(
        m,
        &[
            accepted(B, Sell, P - 3, id(1, 2), 3, 22),
            fill(B, Sell, P - 1, id(1, 2), 1, 2, id(0, 2), C, 0),
            fill(B, Sell, P - 2, id(1, 2), 1, 1, id(2, 2), A, 0),
            fill(B, Sell, P - 3, id(1, 2), 1, 0, id(3, 2), A, 0),
        ],
    );
    assert_eq!(v.book(), []);
}

fn earlier_order_at_one_price_matches_first<M: Matcher>() {
    // Proves time priority within a level and that a partially filled maker keeps its place:
    // A, C, D rest 2 lots each at one price; a buy for 3 takes A's 2 then 1 of C's; a later
    // order joins behind D; the next buy takes C's last lot, D's 2, then 1 of the newcomer.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    v.rest(id(1, 1), C, Sell, P, 2, 31);
    v.rest(id(2, 1), D, Sell, P, 2, 41);
    let m = v.gtc(B, Buy, P, 3, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P, id(3, 1), 3, 21),
            fill(B, Buy, P, id(3, 1), 2, 1, id(0, 1), A, 0),
            fill(B, Buy, P, id(3, 1), 1, 0, id(1, 1), C, 1),
        ],
    );
    assert_eq!(
        v.book(),
        [
            resting(id(1, 1), C, Sell, P, 1, 31),
            resting(id(2, 1), D, Sell, P, 2, 41),
        ]
    );
    v.rest(id(3, 2), A, Sell, P, 5, 12);
    let m = v.order(B, Buy, P, 4, Ioc, StpMode::Default, 22);
    v.expect(
        m,
        &[
            accepted(B, Buy, P, id(0, 2), 4, 22),
            fill(B, Buy, P, id(0, 2), 1, 3, id(1, 1), C, 0),
            fill(B, Buy, P, id(0, 2), 2, 1, id(2, 1), D, 0),
            fill(B, Buy, P, id(0, 2), 1, 0, id(3, 2), A, 4),
        ],
    );
    assert_eq!(v.book(), [resting(id(3, 2), A, Sell, P, 4, 12)]);
}

fn fills_happen_at_the_makers_price<M: Matcher>() {
    // Proves the trade price is the resting order's, not the taker's limit: a buy limited
    // 500 ticks above the ask fills at the ask; a sell limited 600 ticks below a bid fills at
    // the bid and its remainder rests at its own limit.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    let m = v.gtc(B, Buy, P + 500, 1, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 500, id(1, 1), 1, 21),
            fill(B, Buy, P, id(1, 1), 1, 0, id(0, 1), A, 1),
        ],
    );
    v.rest(id(1, 2), C, Buy, P - 100, 1, 31);
    let m = v.gtc(D, Sell, P - 700, 2, 41);
    v.expect(
        m,
        &[
            accepted(D, Sell, P - 700, id(2, 1), 2, 41),
            fill(D, Sell, P - 100, id(2, 1), 1, 1, id(1, 2), C, 0),
        ],
    );
    assert_eq!(
        v.book(),
        [
            resting(id(2, 1), D, Sell, P - 700, 1, 41),
            resting(id(0, 1), A, Sell, P, 1, 11),
        ]
    );
}

fn taker_partial_fill_rests_its_remainder<M: Matcher>() {
    // Proves a partially filled GTC taker rests its remainder at its own limit under its own
    // id (accepted shows the full quantity), and later trades as a maker with that remainder.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 3, 11);
    let m = v.gtc(B, Buy, P + 1, 5, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 1, id(1, 1), 5, 21),
            fill(B, Buy, P, id(1, 1), 3, 2, id(0, 1), A, 0),
        ],
    );
    assert_eq!(v.book(), [resting(id(1, 1), B, Buy, P + 1, 2, 21)]);
    let m = v.order(C, Sell, P, 5, Ioc, StpMode::Default, 31);
    v.expect(
        m,
        &[
            accepted(C, Sell, P, id(0, 2), 5, 31),
            fill(C, Sell, P + 1, id(0, 2), 2, 3, id(1, 1), B, 0),
            expired(C, Sell, P, id(0, 2), 3, 31),
        ],
    );
    assert_eq!(v.book(), []);
}

fn sweep_over_several_levels<M: Matcher>() {
    // Proves a large taker sweeps every crossing level best first, rests the rest at its
    // limit, and that a later sweep ends by partially filling the last maker it reaches.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Buy, P - 2, 1, 11);
    v.rest(id(1, 1), C, Buy, P - 1, 2, 31);
    v.rest(id(2, 1), D, Buy, P, 3, 41);
    let m = v.gtc(B, Sell, P - 2, 10, 21);
    v.expect(
        m,
        &[
            accepted(B, Sell, P - 2, id(3, 1), 10, 21),
            fill(B, Sell, P, id(3, 1), 3, 7, id(2, 1), D, 0),
            fill(B, Sell, P - 1, id(3, 1), 2, 5, id(1, 1), C, 0),
            fill(B, Sell, P - 2, id(3, 1), 1, 4, id(0, 1), A, 0),
        ],
    );
    assert_eq!(v.book(), [resting(id(3, 1), B, Sell, P - 2, 4, 21)]);
    // Freed 2, 1, 0: reissued 0 first.
    v.rest(id(0, 2), C, Sell, P, 5, 32);
    let m = v.order(D, Buy, P, 6, Ioc, StpMode::Default, 42);
    v.expect(
        m,
        &[
            accepted(D, Buy, P, id(1, 2), 6, 42),
            fill(D, Buy, P - 2, id(1, 2), 4, 2, id(3, 1), B, 0),
            fill(D, Buy, P, id(1, 2), 2, 0, id(0, 2), C, 3),
        ],
    );
    assert_eq!(v.book(), [resting(id(0, 2), C, Sell, P, 3, 32)]);
}

fn books_are_independent<M: Matcher>() {
    // Proves instruments do not interact: an ETH ask far below a BTC bid is not crossed by
    // it, a BTC buy rests, and an ETH buy trades with the ETH ask (events carry instrument 2).
    let mut v = Venue::<M>::new();
    let m = OrderMessage {
        instrument: ETH,
        ..v.gtc(A, Sell, 70_000, 1, 11)
    };
    v.expect(m, &[on(ETH, accepted(A, Sell, 70_000, id(0, 1), 1, 11))]);
    v.rest(id(1, 1), B, Buy, P, 1, 21);
    let m = OrderMessage {
        instrument: ETH,
        ..v.gtc(B, Buy, 70_000, 1, 22)
    };
    v.expect(
        m,
        &[
            on(ETH, accepted(B, Buy, 70_000, id(2, 1), 1, 22)),
            on(ETH, fill(B, Buy, 70_000, id(2, 1), 1, 0, id(0, 1), A, 0)),
        ],
    );
    assert_eq!(v.book(), [resting(id(1, 1), B, Buy, P, 1, 21)]);
}

// ---------------------------------------------------------------------------------------------
// Self-trade prevention
// ---------------------------------------------------------------------------------------------

fn stp_none_allows_a_self_trade<M: Matcher>() {
    // Proves STP none lets an account trade with itself: an ordinary fill with maker account
    // equal to the taker account.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    let m = v.order(A, Buy, P, 1, Gtc, StpMode::None, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P, id(1, 1), 1, 12),
            fill(A, Buy, P, id(1, 1), 1, 0, id(0, 1), A, 1),
        ],
    );
    assert_eq!(v.book(), [resting(id(0, 1), A, Sell, P, 1, 11)]);
}

fn stp_cancel_newest_cancels_the_taker_remainder<M: Matcher>() {
    // Proves cancel_newest: fills before the own order stand, the taker's remainder is
    // cancelled (self_trade, at the taker's price) when it reaches its own order, matching
    // stops (a deeper ask of another account is untouched), the own resting order stays, and
    // the GTC taker does not rest (its slot is returned).
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), A, Sell, P + 1, 2, 11);
    v.rest(id(2, 1), C, Sell, P + 2, 3, 32);
    let m = v.order(A, Buy, P + 2, 6, Gtc, StpMode::CancelNewest, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 2, id(3, 1), 6, 12),
            fill(A, Buy, P, id(3, 1), 1, 5, id(0, 1), C, 0),
            cancelled(Reason::SelfTrade, A, Buy, P + 2, id(3, 1), 5, 12),
        ],
    );
    assert_eq!(
        v.book(),
        [
            resting(id(1, 1), A, Sell, P + 1, 2, 11),
            resting(id(2, 1), C, Sell, P + 2, 3, 32),
        ]
    );
    v.rest(id(3, 2), C, Buy, P - 5, 1, 33);
}

fn stp_cancel_oldest_cancels_resting_and_continues<M: Matcher>() {
    // Proves cancel_oldest: each own resting order met is cancelled (self_trade, its own
    // price, open qty and client ref) and matching continues to the next order, trading with
    // other accounts; the GTC remainder then rests. The cancelled ids are dead.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    v.rest(id(1, 1), C, Sell, P, 3, 31);
    v.rest(id(2, 1), A, Sell, P + 1, 1, 12);
    let m = v.order(A, Buy, P + 1, 4, Gtc, StpMode::CancelOldest, 13);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 1, id(3, 1), 4, 13),
            cancelled(Reason::SelfTrade, A, Sell, P, id(0, 1), 2, 11),
            fill(A, Buy, P, id(3, 1), 3, 1, id(1, 1), C, 0),
            cancelled(Reason::SelfTrade, A, Sell, P + 1, id(2, 1), 1, 12),
        ],
    );
    assert_eq!(v.book(), [resting(id(3, 1), A, Buy, P + 1, 1, 13)]);
    let c = v.cancel(A, id(0, 1), 14);
    v.expect_reject(c, Reason::UnknownOrder);
}

fn stp_cancel_both_cancels_maker_and_taker<M: Matcher>() {
    // Proves cancel_both: after a normal fill with another account, meeting an own order
    // cancels that resting order and then the taker's remainder (both self_trade, in that
    // order); the later order of another account at the same price is untouched.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), A, Sell, P, 2, 11);
    v.rest(id(2, 1), C, Sell, P, 3, 32);
    let m = v.order(A, Buy, P, 5, Gtc, StpMode::CancelBoth, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P, id(3, 1), 5, 12),
            fill(A, Buy, P, id(3, 1), 1, 4, id(0, 1), C, 0),
            cancelled(Reason::SelfTrade, A, Sell, P, id(1, 1), 2, 11),
            cancelled(Reason::SelfTrade, A, Buy, P, id(3, 1), 4, 12),
        ],
    );
    assert_eq!(v.book(), [resting(id(2, 1), C, Sell, P, 3, 32)]);
}

fn stp_mode_of_the_taker_decides<M: Matcher>() {
    // Proves only the taker's STP mode matters: a maker entered with cancel_both is traded
    // with by its own taker using none; makers entered with cancel_both and none are both
    // cancelled by an own IOC taker using cancel_oldest, whose untouched remainder then
    // expires (not cancelled: STP did not stop it).
    let mut v = Venue::<M>::new();
    let m = v.order(A, Sell, P, 2, Gtc, StpMode::CancelBoth, 11);
    v.expect(m, &[accepted(A, Sell, P, id(0, 1), 2, 11)]);
    let m = v.order(A, Buy, P, 1, Gtc, StpMode::None, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P, id(1, 1), 1, 12),
            fill(A, Buy, P, id(1, 1), 1, 0, id(0, 1), A, 1),
        ],
    );
    let m = v.order(A, Sell, P + 1, 1, Gtc, StpMode::None, 13);
    v.expect(m, &[accepted(A, Sell, P + 1, id(1, 2), 1, 13)]);
    let m = v.order(A, Buy, P + 1, 2, Ioc, StpMode::CancelOldest, 14);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 1, id(2, 1), 2, 14),
            cancelled(Reason::SelfTrade, A, Sell, P, id(0, 1), 1, 11),
            cancelled(Reason::SelfTrade, A, Sell, P + 1, id(1, 2), 1, 13),
            expired(A, Buy, P + 1, id(2, 1), 2, 14),
        ],
    );
    assert_eq!(v.book(), []);
}

fn stp_default_resolves_to_the_venue_default<M: Matcher>() {
    // Proves wire STP mode `default` takes the venue's configured mode: cancel_newest in the
    // embedded config (taker cancelled, own ask kept), and, with the config edited,
    // cancel_oldest (own ask cancelled, taker rests), none (self trade) and cancel_both.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    let m = v.gtc(A, Buy, P, 1, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P, id(1, 1), 1, 12),
            cancelled(Reason::SelfTrade, A, Buy, P, id(1, 1), 1, 12),
        ],
    );
    assert_eq!(v.book(), [resting(id(0, 1), A, Sell, P, 2, 11)]);

    let with_default = |mode: &str| {
        let to = format!("default_stp = \"{mode}\"");
        Venue::<M>::with_config(&config_with(&[(
            "default_stp = \"cancel_newest\"",
            to.as_str(),
        )]))
    };
    let mut v = with_default("cancel_oldest");
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    let m = v.gtc(A, Buy, P, 1, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P, id(1, 1), 1, 12),
            cancelled(Reason::SelfTrade, A, Sell, P, id(0, 1), 2, 11),
        ],
    );
    assert_eq!(v.book(), [resting(id(1, 1), A, Buy, P, 1, 12)]);

    let mut v = with_default("none");
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    let m = v.gtc(A, Buy, P, 1, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P, id(1, 1), 1, 12),
            fill(A, Buy, P, id(1, 1), 1, 0, id(0, 1), A, 1),
        ],
    );

    let mut v = with_default("cancel_both");
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    let m = v.gtc(A, Buy, P, 1, 12);
    v.expect(
        m,
        &[
            accepted(A, Buy, P, id(1, 1), 1, 12),
            cancelled(Reason::SelfTrade, A, Sell, P, id(0, 1), 2, 11),
            cancelled(Reason::SelfTrade, A, Buy, P, id(1, 1), 1, 12),
        ],
    );
    assert_eq!(v.book(), []);
}

fn fok_with_cancel_oldest_does_not_count_own_orders<M: Matcher>() {
    // Proves the FOK check under cancel_oldest skips own orders as liquidity: with 2 own + 3
    // other lots, a FOK for 4 is rejected and nothing is cancelled; a FOK for 3 is accepted,
    // cancels the own order and fills 3. Control: under STP none own lots do count.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 2, 11);
    v.rest(id(1, 1), C, Sell, P + 1, 3, 31);
    let before = v.book();
    let m = v.order(A, Buy, P + 1, 4, Fok, StpMode::CancelOldest, 12);
    v.expect_reject(m, Reason::FokCannotFill);
    assert_eq!(v.book(), before);
    let m = v.order(A, Buy, P + 1, 3, Fok, StpMode::CancelOldest, 13);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 1, id(2, 1), 3, 13),
            cancelled(Reason::SelfTrade, A, Sell, P, id(0, 1), 2, 11),
            fill(A, Buy, P + 1, id(2, 1), 3, 0, id(1, 1), C, 0),
        ],
    );
    assert_eq!(v.book(), []);
    // Freed 0, 1, then the taker's 2.
    v.rest(id(2, 2), A, Sell, P, 2, 14);
    v.rest(id(1, 2), C, Sell, P + 1, 3, 32);
    let m = v.order(A, Buy, P + 1, 4, Fok, StpMode::None, 15);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 1, id(0, 2), 4, 15),
            fill(A, Buy, P, id(0, 2), 2, 2, id(2, 2), A, 0),
            fill(A, Buy, P + 1, id(0, 2), 2, 0, id(1, 2), C, 1),
        ],
    );
    assert_eq!(v.book(), [resting(id(1, 2), C, Sell, P + 1, 1, 32)]);
}

fn fok_with_cancel_newest_stops_the_walk_at_own_order<M: Matcher>() {
    // Proves the FOK check under cancel_newest / cancel_both / default (= cancel_newest)
    // stops at the first own order: 1 lot before it is not enough for 3 even though 5 more
    // lie beyond it. A FOK for 1 fills before reaching the own order (no STP event). Control:
    // another account's FOK for 3 walks through and fills.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), A, Sell, P + 1, 2, 11);
    v.rest(id(2, 1), C, Sell, P + 2, 5, 32);
    let before = v.book();
    for stp in [StpMode::CancelNewest, StpMode::CancelBoth, StpMode::Default] {
        let m = v.order(A, Buy, P + 2, 3, Fok, stp, 12);
        v.expect_reject(m, Reason::FokCannotFill);
    }
    assert_eq!(v.book(), before);
    let m = v.order(A, Buy, P + 2, 1, Fok, StpMode::CancelNewest, 13);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 2, id(3, 1), 1, 13),
            fill(A, Buy, P, id(3, 1), 1, 0, id(0, 1), C, 0),
        ],
    );
    let m = v.order(B, Buy, P + 2, 3, Fok, StpMode::CancelNewest, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 2, id(3, 2), 3, 21),
            fill(B, Buy, P + 1, id(3, 2), 2, 1, id(1, 1), A, 0),
            fill(B, Buy, P + 2, id(3, 2), 1, 0, id(2, 1), C, 4),
        ],
    );
    assert_eq!(v.book(), [resting(id(2, 1), C, Sell, P + 2, 4, 32)]);
}

// ---------------------------------------------------------------------------------------------
// The FOK cap (`venue.fok_orders_max`, abi.md §11)
// ---------------------------------------------------------------------------------------------

fn fok_filling_with_exactly_the_cap_of_orders_is_accepted<M: Matcher>() {
    // Proves, with fok_orders_max 3, that a FOK which fills on the third order it visits is
    // accepted and fills in priority order (the third maker partly), leaving the fourth
    // untouched; and that a FOK for exactly the quantity of the first three orders (all of
    // it) is accepted too and empties them.
    let mut v = Venue::<M>::with_config(&fok_capped(8, 3));
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), D, Sell, P, 1, 41);
    v.rest(id(2, 1), C, Sell, P + 1, 5, 32);
    v.rest(id(3, 1), D, Sell, P + 2, 5, 42);
    let m = v.order(B, Buy, P + 2, 3, Fok, StpMode::Default, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 2, id(4, 1), 3, 21),
            fill(B, Buy, P, id(4, 1), 1, 2, id(0, 1), C, 0),
            fill(B, Buy, P, id(4, 1), 1, 1, id(1, 1), D, 0),
            fill(B, Buy, P + 1, id(4, 1), 1, 0, id(2, 1), C, 4),
        ],
    );
    assert_eq!(
        v.book(),
        [
            resting(id(2, 1), C, Sell, P + 1, 4, 32),
            resting(id(3, 1), D, Sell, P + 2, 5, 42),
        ]
    );
    // The taker's slot 4 was released last, so it is on top of the free list.
    v.rest(id(4, 2), C, Sell, P + 2, 2, 33);
    let m = v.order(B, Buy, P + 2, 4 + 5 + 2, Fok, StpMode::Default, 22);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 2, id(1, 2), 11, 22),
            fill(B, Buy, P + 1, id(1, 2), 4, 7, id(2, 1), C, 0),
            fill(B, Buy, P + 2, id(1, 2), 5, 2, id(3, 1), D, 0),
            fill(B, Buy, P + 2, id(1, 2), 2, 0, id(4, 2), C, 0),
        ],
    );
    assert_eq!(v.book(), []);
}

fn fok_needing_one_order_beyond_the_cap_is_rejected_fok_too_deep<M: Matcher>() {
    // Proves, with fok_orders_max 3 and four 1-lot asks, that a FOK which would have to visit
    // the fourth is rejected fok_too_deep — for 4 lots (the four would fill it), under STP
    // none as well, and for 1000 lots (that nothing could fill: the cap is met first) — with
    // no effect but the consumed nonce: the resent message is a duplicate, the book is as it
    // was, and a following IOC gets the id the FOK would have had and meets all four asks
    // with their full quantity, in priority order.
    let mut v = Venue::<M>::with_config(&fok_capped(8, 3));
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), D, Sell, P, 1, 41);
    v.rest(id(2, 1), C, Sell, P + 1, 1, 32);
    v.rest(id(3, 1), D, Sell, P + 2, 1, 42);
    let before = v.book();
    let four = v.order(B, Buy, P + 2, 4, Fok, StpMode::Default, 21);
    v.expect_reject(four, Reason::FokTooDeep);
    let four_stp_none = v.order(B, Buy, P + 2, 4, Fok, StpMode::None, 22);
    v.expect_reject(four_stp_none, Reason::FokTooDeep);
    let huge = v.order(B, Buy, P + 2, QTY_MAX, Fok, StpMode::Default, 23);
    v.expect_reject(huge, Reason::FokTooDeep);
    v.expect_reject(huge, Reason::DuplicateNonce);
    assert_eq!(v.book(), before);
    let m = v.order(B, Buy, P + 2, 5, Ioc, StpMode::Default, 24);
    v.expect(
        m,
        &[
            accepted(B, Buy, P + 2, id(4, 1), 5, 24),
            fill(B, Buy, P, id(4, 1), 1, 4, id(0, 1), C, 0),
            fill(B, Buy, P, id(4, 1), 1, 3, id(1, 1), D, 0),
            fill(B, Buy, P + 1, id(4, 1), 1, 2, id(2, 1), C, 0),
            fill(B, Buy, P + 2, id(4, 1), 1, 1, id(3, 1), D, 0),
            expired(B, Buy, P + 2, id(4, 1), 1, 24),
        ],
    );
    assert_eq!(v.book(), []);
}

fn fok_whose_crossing_orders_end_at_the_cap_is_fok_cannot_fill<M: Matcher>() {
    // Proves, with fok_orders_max 3, on the bid side: when exactly three bids cross a sell
    // FOK's limit and they are not enough, the walk ends there and the FOK is rejected
    // fok_cannot_fill (a fourth bid, below its limit, is not visited); with a limit that
    // reaches the fourth bid the same FOK is fok_too_deep; neither changes the book, and a
    // FOK for the three bids' quantity fills on them.
    let mut v = Venue::<M>::with_config(&fok_capped(8, 3));
    v.rest(id(0, 1), C, Buy, P, 1, 31);
    v.rest(id(1, 1), D, Buy, P - 1, 1, 41);
    v.rest(id(2, 1), C, Buy, P - 2, 1, 32);
    v.rest(id(3, 1), D, Buy, P - 3, 5, 42);
    let before = v.book();
    let m = v.order(B, Sell, P - 2, 4, Fok, StpMode::Default, 21);
    v.expect_reject(m, Reason::FokCannotFill);
    let m = v.order(B, Sell, P - 3, 4, Fok, StpMode::Default, 22);
    v.expect_reject(m, Reason::FokTooDeep);
    assert_eq!(v.book(), before);
    let m = v.order(B, Sell, P - 2, 3, Fok, StpMode::Default, 23);
    v.expect(
        m,
        &[
            accepted(B, Sell, P - 2, id(4, 1), 3, 23),
            fill(B, Sell, P, id(4, 1), 1, 2, id(0, 1), C, 0),
            fill(B, Sell, P - 1, id(4, 1), 1, 1, id(1, 1), D, 0),
            fill(B, Sell, P - 2, id(4, 1), 1, 0, id(2, 1), C, 0),
        ],
    );
    assert_eq!(v.book(), [resting(id(3, 1), D, Buy, P - 3, 5, 42)]);
}

fn fok_cap_counts_an_own_order_skipped_under_cancel_oldest<M: Matcher>() {
    // Proves, with fok_orders_max 3, that under cancel_oldest an own order the walk skips
    // still counts as visited: behind one own ask lie three 1-lot asks of another account,
    // and a FOK for 3 would need the fourth order visited, so it is fok_too_deep and the own
    // ask is not cancelled; a FOK for 2 fills on the third order visited: the own ask is
    // cancelled (self_trade) and two asks fill.
    let mut v = Venue::<M>::with_config(&fok_capped(8, 3));
    v.rest(id(0, 1), A, Sell, P, 1, 11);
    v.rest(id(1, 1), C, Sell, P, 1, 31);
    v.rest(id(2, 1), C, Sell, P + 1, 1, 32);
    v.rest(id(3, 1), C, Sell, P + 2, 1, 33);
    let before = v.book();
    let m = v.order(A, Buy, P + 2, 3, Fok, StpMode::CancelOldest, 12);
    v.expect_reject(m, Reason::FokTooDeep);
    assert_eq!(v.book(), before);
    let m = v.order(A, Buy, P + 2, 2, Fok, StpMode::CancelOldest, 13);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 2, id(4, 1), 2, 13),
            cancelled(Reason::SelfTrade, A, Sell, P, id(0, 1), 1, 11),
            fill(A, Buy, P, id(4, 1), 1, 1, id(1, 1), C, 0),
            fill(A, Buy, P + 1, id(4, 1), 1, 0, id(2, 1), C, 0),
        ],
    );
    assert_eq!(v.book(), [resting(id(3, 1), C, Sell, P + 2, 1, 33)]);
}

fn fok_cap_and_an_own_order_under_cancel_newest<M: Matcher>() {
    // Proves, with fok_orders_max 3, that under cancel_newest, cancel_both and the default
    // (cancel_newest) an own order at a position within the cap ends the walk:
    // fok_cannot_fill, though the cap was not reached (third position) or barely begun
    // (first position); and that an own order at position 4, beyond the cap, is never seen:
    // a FOK that needs the fourth order is fok_too_deep, one that fills on the first three
    // is accepted.
    let mut v = Venue::<M>::with_config(&fok_capped(8, 3));
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), C, Sell, P, 1, 32);
    v.rest(id(2, 1), A, Sell, P + 1, 1, 11);
    v.rest(id(3, 1), C, Sell, P + 2, 5, 33);
    let before = v.book();
    for stp in [StpMode::CancelNewest, StpMode::CancelBoth, StpMode::Default] {
        let m = v.order(A, Buy, P + 2, 3, Fok, stp, 12);
        v.expect_reject(m, Reason::FokCannotFill);
    }
    assert_eq!(v.book(), before);
    // Own order first: C's FOK meets it at position 1.
    let m = v.order(C, Buy, P + 2, 1, Fok, StpMode::CancelNewest, 34);
    v.expect_reject(m, Reason::FokCannotFill);
    assert_eq!(v.book(), before);

    let mut v = Venue::<M>::with_config(&fok_capped(8, 3));
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), C, Sell, P, 1, 32);
    v.rest(id(2, 1), C, Sell, P + 1, 1, 33);
    v.rest(id(3, 1), A, Sell, P + 2, 1, 11);
    let m = v.order(A, Buy, P + 2, 4, Fok, StpMode::CancelNewest, 12);
    v.expect_reject(m, Reason::FokTooDeep);
    let m = v.order(A, Buy, P + 2, 3, Fok, StpMode::CancelNewest, 13);
    v.expect(
        m,
        &[
            accepted(A, Buy, P + 2, id(4, 1), 3, 13),
            fill(A, Buy, P, id(4, 1), 1, 2, id(0, 1), C, 0),
            fill(A, Buy, P, id(4, 1), 1, 1, id(1, 1), C, 0),
            fill(A, Buy, P + 1, id(4, 1), 1, 0, id(2, 1), C, 0),
        ],
    );
    assert_eq!(v.book(), [resting(id(3, 1), A, Sell, P + 2, 1, 11)]);
}

fn fok_too_deep_is_checked_before_order_pool_full<M: Matcher>() {
    // Proves the check order of abi.md §8 step 7.5–7.6 with the cap: with all 4 slots
    // resting (fok_orders_max 3), a FOK that would need the fourth ask is fok_too_deep, not
    // order_pool_full; one that runs out of crossing asks is fok_cannot_fill; one that
    // could fill within the cap passes the FOK check and is order_pool_full.
    let mut v = Venue::<M>::with_config(&fok_capped(4, 3));
    v.rest(id(0, 1), C, Sell, P, 1, 31);
    v.rest(id(1, 1), C, Sell, P, 1, 32);
    v.rest(id(2, 1), C, Sell, P + 1, 1, 33);
    v.rest(id(3, 1), C, Sell, P + 2, 1, 34);
    let before = v.book();
    let m = v.order(B, Buy, P + 2, 4, Fok, StpMode::Default, 21);
    v.expect_reject(m, Reason::FokTooDeep);
    let m = v.order(B, Buy, P + 1, 4, Fok, StpMode::Default, 22);
    v.expect_reject(m, Reason::FokCannotFill);
    let m = v.order(B, Buy, P + 2, 3, Fok, StpMode::Default, 23);
    v.expect_reject(m, Reason::OrderPoolFull);
    assert_eq!(v.book(), before);
}

fn fok_orders_max_of_one_looks_at_the_first_order_only<M: Matcher>() {
    // Proves the smallest cap, 1: a FOK that the best order cannot fill alone is
    // fok_too_deep while a second crossing order exists, one that it can fill is accepted,
    // and once the best order is the only one left, a FOK it cannot fill is fok_cannot_fill.
    let mut v = Venue::<M>::with_config(&fok_capped(4, 1));
    v.rest(id(0, 1), C, Sell, P, 2, 31);
    v.rest(id(1, 1), D, Sell, P, 2, 41);
    let m = v.order(B, Buy, P, 3, Fok, StpMode::Default, 21);
    v.expect_reject(m, Reason::FokTooDeep);
    let m = v.order(B, Buy, P, 2, Fok, StpMode::Default, 22);
    v.expect(
        m,
        &[
            accepted(B, Buy, P, id(2, 1), 2, 22),
            fill(B, Buy, P, id(2, 1), 2, 0, id(0, 1), C, 0),
        ],
    );
    let m = v.order(B, Buy, P, 3, Fok, StpMode::Default, 23);
    v.expect_reject(m, Reason::FokCannotFill);
    assert_eq!(v.book(), [resting(id(1, 1), D, Sell, P, 2, 41)]);
}

// ---------------------------------------------------------------------------------------------
// Order ids (slot + generation)
// ---------------------------------------------------------------------------------------------

fn first_order_gets_slot_0_generation_1<M: Matcher>() {
    // Proves the id layout `generation << 32 | slot`: the first order's id is 1 << 32 (slot 0,
    // generation 1), and fresh slots are issued in order 0, 1, 2, 3.
    let mut v = Venue::<M>::new();
    let m = v.gtc(A, Buy, P, 1, 11);
    let events = v.send_at(1_000, true, m);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::Accepted);
    assert_eq!(events[0].order_id, 0x1_0000_0000);
    let first = OrderId(events[0].order_id);
    assert_eq!((first.slot(), first.generation()), (0, 1));
    v.rest(id(1, 1), A, Buy, P - 1, 1, 12);
    v.rest(id(2, 1), A, Buy, P - 2, 1, 13);
    v.rest(id(3, 1), A, Buy, P - 3, 1, 14);
    assert_eq!(id(3, 1), 0x1_0000_0003);
}

fn slots_are_reused_lifo_with_the_next_generation<M: Matcher>() {
    // Proves the free list is LIFO and generations count issues per slot: cancel slot 1 then
    // slot 0; the next orders get slot 0 (gen 2), slot 1 (gen 2), then the never-used slot 3
    // (gen 1); cancelling slot 0 again reissues it at gen 3.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Buy, P - 1, 1, 11);
    v.rest(id(1, 1), A, Buy, P - 2, 1, 12);
    v.rest(id(2, 1), A, Buy, P - 3, 1, 13);
    let c = v.cancel(A, id(1, 1), 14);
    v.expect(
        c,
        &[cancelled(Reason::None, A, Buy, P - 2, id(1, 1), 1, 12)],
    );
    let c = v.cancel(A, id(0, 1), 15);
    v.expect(
        c,
        &[cancelled(Reason::None, A, Buy, P - 1, id(0, 1), 1, 11)],
    );
    v.rest(id(0, 2), A, Buy, P - 4, 1, 16);
    v.rest(id(1, 2), A, Buy, P - 5, 1, 17);
    v.rest(id(3, 1), A, Buy, P - 6, 1, 18);
    let c = v.cancel(A, id(0, 2), 19);
    v.expect(
        c,
        &[cancelled(Reason::None, A, Buy, P - 4, id(0, 2), 1, 16)],
    );
    v.rest(id(0, 3), A, Buy, P - 7, 1, 20);
}

fn a_taker_that_does_not_rest_gives_its_slot_back<M: Matcher>() {
    // Proves a taker's slot is returned when it does not rest: three expiring IOCs get slot 0
    // at generations 1, 2, 3; a fully filled GTC taker frees its slot after the maker it
    // emptied, so the next two orders get the taker's slot, then the maker's.
    let mut v = Venue::<M>::new();
    for generation in 1..=3 {
        let m = v.order(B, Buy, P, 1, Ioc, StpMode::Default, 20);
        v.expect(
            m,
            &[
                accepted(B, Buy, P, id(0, generation), 1, 20),
                expired(B, Buy, P, id(0, generation), 1, 20),
            ],
        );
    }
    v.rest(id(0, 4), A, Sell, P, 1, 11);
    let m = v.gtc(B, Buy, P, 1, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P, id(1, 1), 1, 21),
            fill(B, Buy, P, id(1, 1), 1, 0, id(0, 4), A, 0),
        ],
    );
    assert_eq!(v.book(), []);
    v.rest(id(1, 2), C, Buy, P - 1, 1, 31);
    v.rest(id(0, 5), D, Buy, P - 2, 1, 41);
}

// ---------------------------------------------------------------------------------------------
// Sequence numbers and timestamps
// ---------------------------------------------------------------------------------------------

fn sequence_numbers_start_at_one_and_are_gap_free<M: Matcher>() {
    // Proves numbering with literal values: a fresh sequencer's next number is 1; one event
    // per accepted/rejected message and one per event of a multi-event message, no gaps.
    let mut v = Venue::<M>::new();
    assert_eq!(v.sequencer.next_seq(), 1);
    let m = v.gtc(A, Sell, P, 2, 11);
    let seqs = |events: Vec<Event>| events.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(v.send_at(10, true, m)), [1]);
    let m = v.gtc(A, Sell, 0, 2, 12);
    assert_eq!(seqs(v.send_at(20, true, m)), [2]);
    let m = v.order(B, Buy, P, 3, Ioc, StpMode::Default, 21);
    assert_eq!(seqs(v.send_at(30, true, m)), [3, 4, 5]);
    assert_eq!(v.sequencer.next_seq(), 6);
    let m = v.gtc(A, Sell, P, 2, 13);
    assert_eq!(seqs(v.send_at(40, false, m)), [6]);
    assert_eq!(v.sequencer.next_seq(), 7);
}

fn every_event_carries_the_message_stamp<M: Matcher>() {
    // Proves stamp = max(arrival_ns, previous stamp), with literal seq and stamp values: all
    // events of one message share its stamp; an earlier arrival keeps the previous stamp;
    // rejected messages are stamped too and a late one advances the stamp for the next.
    let mut v = Venue::<M>::new();
    let m = v.gtc(A, Sell, P, 2, 11);
    assert_eq!(
        v.send_at(1_000, true, m),
        [stamped(accepted(A, Sell, P, id(0, 1), 2, 11), 1, 1_000)]
    );
    let m = v.order(B, Buy, P, 3, Ioc, StpMode::Default, 21);
    assert_eq!(
        v.send_at(5_000, true, m),
        [
            stamped(accepted(B, Buy, P, id(1, 1), 3, 21), 2, 5_000),
            stamped(fill(B, Buy, P, id(1, 1), 2, 1, id(0, 1), A, 0), 3, 5_000),
            stamped(expired(B, Buy, P, id(1, 1), 1, 21), 4, 5_000),
        ]
    );
    let m = v.gtc(C, Buy, P - 1, 1, 31);
    assert_eq!(
        v.send_at(4_000, true, m),
        [stamped(accepted(C, Buy, P - 1, id(1, 2), 1, 31), 5, 5_000)]
    );
    let m = v.gtc(C, Buy, P - 1, 1, 32);
    assert_eq!(
        v.send_at(4_500, false, m),
        [stamped(rejected(Reason::BadSignature, &m), 6, 5_000)]
    );
    let m = OrderMessage::new_order(8, 1, BTC, Buy, P, 1, Gtc, StpMode::Default, 81);
    assert_eq!(
        v.send_at(9_000, true, m),
        [stamped(rejected(Reason::UnknownAccount, &m), 7, 9_000)]
    );
    let m = v.gtc(A, Sell, P + 1, 1, 12);
    assert_eq!(
        v.send_at(8_000, true, m),
        [stamped(accepted(A, Sell, P + 1, id(0, 2), 1, 12), 8, 9_000)]
    );
    let m = v.gtc(A, Sell, P + 2, 1, 13);
    assert_eq!(
        v.send_at(9_000, true, m),
        [stamped(accepted(A, Sell, P + 2, id(2, 1), 1, 13), 9, 9_000)]
    );
    let c = v.cancel(C, id(1, 2), 33);
    assert_eq!(
        v.send_at(12_000, true, c),
        [stamped(
            cancelled(Reason::None, C, Buy, P - 1, id(1, 2), 1, 31),
            10,
            12_000
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Cancel by owner
// ---------------------------------------------------------------------------------------------

fn owner_cancel_reports_open_quantity_and_client_ref<M: Matcher>() {
    // Proves a cancel by the owner emits one cancelled event (reason none) carrying the
    // order's side, price, open (not original) quantity, remaining 0 and the order's own
    // client ref (not the cancel message's); the order leaves the book and its slot is
    // reissued. Works for asks and bids.
    let mut v = Venue::<M>::new();
    v.rest(id(0, 1), A, Sell, P, 10, 77);
    let m = v.order(B, Buy, P, 4, Ioc, StpMode::Default, 21);
    v.expect(
        m,
        &[
            accepted(B, Buy, P, id(1, 1), 4, 21),
            fill(B, Buy, P, id(1, 1), 4, 0, id(0, 1), A, 6),
        ],
    );
    let c = v.cancel(A, id(0, 1), 99);
    v.expect(c, &[cancelled(Reason::None, A, Sell, P, id(0, 1), 6, 77)]);
    assert_eq!(v.book(), []);
    v.rest(id(0, 2), A, Buy, P - 1, 3, 78);
    let c = v.cancel(A, id(0, 2), 98);
    v.expect(
        c,
        &[cancelled(Reason::None, A, Buy, P - 1, id(0, 2), 3, 78)],
    );
    assert_eq!(v.book(), []);
}

// ---------------------------------------------------------------------------------------------
// Instantiation for both matchers
// ---------------------------------------------------------------------------------------------

macro_rules! for_both_matchers {
    ($($(#[$attr:meta])* $name:ident,)*) => {
        mod ladder_book {
            $( $(#[$attr])* #[test] fn $name() { super::$name::<host::engine::LadderBook>(); } )*
        }
        mod btree_book {
            $( $(#[$attr])* #[test] fn $name() { super::$name::<host::engine::BTreeBook>(); } )*
        }
    };
}

for_both_matchers! {
    // Order types
    gtc_rests_on_the_book,
    ioc_partial_fill_then_remainder_expires,
    ioc_with_nothing_to_hit_is_accepted_then_expires,
    fok_fills_fully_across_several_levels,
    fok_that_cannot_fill_is_rejected_with_no_effect,
    post_only_rests_when_not_crossing,
    post_only_that_would_cross_is_rejected,
    // Rejects
    bad_signature_is_rejected_and_does_not_consume_the_nonce,
    unknown_account_is_rejected,
    duplicate_and_stale_nonces_are_rejected,
    malformed_messages_are_rejected,
    oracle_messages_are_sequenced_and_touch_no_book,
    amend_and_mass_cancel_are_unsupported,
    unknown_instrument_precedes_unsupported_message,
    unknown_instrument_is_rejected,
    invalid_quantity_is_rejected,
    price_out_of_band_is_rejected_and_band_edges_are_accepted,
    order_pool_full_is_rejected,
    unknown_order_is_rejected,
    not_order_owner_is_rejected,
    checks_run_in_the_documented_order,
    a_rejected_message_after_a_valid_nonce_consumes_the_nonce,
    // Priority, partial fills, sweeps
    better_price_matches_first,
    earlier_order_at_one_price_matches_first,
    fills_happen_at_the_makers_price,
    taker_partial_fill_rests_its_remainder,
    sweep_over_several_levels,
    books_are_independent,
    // Self-trade prevention
    stp_none_allows_a_self_trade,
    stp_cancel_newest_cancels_the_taker_remainder,
    stp_cancel_oldest_cancels_resting_and_continues,
    stp_cancel_both_cancels_maker_and_taker,
    stp_mode_of_the_taker_decides,
    stp_default_resolves_to_the_venue_default,
    fok_with_cancel_oldest_does_not_count_own_orders,
    fok_with_cancel_newest_stops_the_walk_at_own_order,
    // The FOK cap
    fok_filling_with_exactly_the_cap_of_orders_is_accepted,
    fok_needing_one_order_beyond_the_cap_is_rejected_fok_too_deep,
    fok_whose_crossing_orders_end_at_the_cap_is_fok_cannot_fill,
    fok_cap_counts_an_own_order_skipped_under_cancel_oldest,
    fok_cap_and_an_own_order_under_cancel_newest,
    fok_too_deep_is_checked_before_order_pool_full,
    fok_orders_max_of_one_looks_at_the_first_order_only,
    // Order ids
    first_order_gets_slot_0_generation_1,
    slots_are_reused_lifo_with_the_next_generation,
    a_taker_that_does_not_rest_gives_its_slot_back,
    // Sequence numbers and timestamps
    sequence_numbers_start_at_one_and_are_gap_free,
    every_event_carries_the_message_stamp,
    // Cancel
    owner_cancel_reports_open_quantity_and_client_ref,
}
