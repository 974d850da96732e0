//! The sequencer and the matching engine: the software path's I/O-free core.
//!
//! [`Sequencer::handle`] takes one verified order-entry message with its arrival time and
//! returns the events it caused, stamped with gap-free sequence numbers. Order of checks (the
//! contract; the hardware follows it exactly):
//!
//! 1. account id unknown → `unknown_account`;
//! 2. signature invalid → `bad_signature`;
//! 3. nonce ≤ the account's last accepted nonce → `duplicate_nonce` / `stale_nonce`; otherwise
//!    the nonce is consumed, whatever happens next;
//! 4. undefined version, type, side, time in force, STP mode, flags or reserved bytes, a cancel
//!    carrying price/quantity, or a new order carrying a target id → `malformed`;
//! 5. instrument not configured → `unknown_instrument`;
//! 6. amend and mass cancel → `unsupported_message`;
//! 7. new order: quantity 0 or above the maximum → `invalid_quantity`; price outside the band →
//!    `price_out_of_band`; then the matcher's own checks in this order: post-only that would
//!    cross (even if only its own account's orders) → `post_only_would_cross`; FOK whose
//!    fill check would visit more than `venue.fok_orders_max` resting orders →
//!    `fok_too_deep`, one that cannot fill → `fok_cannot_fill`; no free order slot →
//!    `order_pool_full` (every accepted order takes a slot for its id, even one that will
//!    fill at once);
//!    cancel: the matcher's checks (`unknown_order`, then `not_order_owner`).
//!
//! Every event caused by one message carries that message's ingress stamp:
//! `stamp = max(arrival_ns, previous stamp)`, so timestamps never go backwards and a stalled
//! ingress delays processing without changing any stamp.

pub mod book;
pub mod reference;

use std::mem::size_of;

use abi::{
    Event, EventKind, MessageType, OrderId, OrderMessage, Reason, Side, StpMode, TimeInForce,
};

use crate::config::VenueConfig;

pub use book::LadderBook;
pub use reference::BTreeBook;

/// One message as it reaches the sequencer: its arrival time and whether its signature
/// verified (the verifier runs before, possibly in parallel and in hardware).
#[derive(Debug, Clone, Copy)]
pub struct Input {
    pub arrival_ns: u64,
    pub message: OrderMessage,
    pub signature_ok: bool,
}

/// A validated new order as the matcher sees it.
#[derive(Debug, Clone, Copy)]
pub struct NewOrder {
    pub account: u32,
    /// Index of the instrument's book (0 .. instruments.len()).
    pub book: usize,
    pub instrument: u16,
    pub side: Side,
    pub price_ticks: u32,
    pub qty_lots: u32,
    pub time_in_force: TimeInForce,
    /// Resolved: never [`StpMode::Default`].
    pub stp: StpMode,
    pub client_ref: u64,
}

/// A resting order, for inspection (tests, replay checks, snapshots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestingOrder {
    pub order_id: OrderId,
    pub instrument: u16,
    pub side: Side,
    pub price_ticks: u32,
    pub qty_lots: u32,
    pub account: u32,
    pub client_ref: u64,
}

/// A matching engine: the books behind the sequencer. Implementations must emit identical
/// events (unstamped) for identical calls; [`LadderBook`] is the product, [`BTreeBook`] the
/// simple baseline it is diffed and benchmarked against.
pub trait Matcher {
    /// Build empty books for `config`.
    fn with_config(config: &VenueConfig) -> Self;
    /// Enter an order. `Err` means rejected with no effect at all.
    fn new_order(&mut self, order: &NewOrder, events: &mut Vec<Event>) -> Result<(), Reason>;
    /// Cancel `target` for `account` on book `book`. `Err` means rejected with no effect.
    fn cancel(
        &mut self,
        account: u32,
        book: usize,
        target: OrderId,
        events: &mut Vec<Event>,
    ) -> Result<(), Reason>;
    /// Every resting order, by book (config order), bids then asks, in priority order.
    fn resting_orders(&self) -> Vec<RestingOrder>;
}

#[derive(Debug, Clone, Copy)]
struct InstrumentLimits {
    price_min_ticks: u32,
    price_max_ticks: u32,
    qty_lots_max: u32,
}

/// No instrument at this id (in the id → book table).
const NO_BOOK: u8 = u8::MAX;

/// Bytes [`Sequencer::new`] allocates per account id: its nonce, its three flags (known,
/// oracle, admin) and its credit.
pub const SEQUENCER_ACCOUNT_BYTES: u64 =
    (size_of::<u64>() + 3 * size_of::<bool>() + size_of::<Credit>()) as u64;

/// Bytes [`Sequencer::new`] allocates per order slot: the event buffer holds an event for
/// every resting order one message can meet.
pub const SEQUENCER_ORDER_SLOT_BYTES: u64 = size_of::<Event>() as u64;

/// Bytes [`Sequencer::new`] allocates besides those per account and per order slot, for
/// `instruments` books: the instrument id → book table, the event buffer's spare events,
/// and each book's limits and cost per lot.
pub fn sequencer_table_bytes(instruments: usize) -> u64 {
    let per_book = size_of::<InstrumentLimits>() + size_of::<u32>();
    (size_of::<u8>() * (usize::from(u16::MAX) + 1)
        + EVENT_BUFFER_SPARE * size_of::<Event>()
        + instruments * per_book) as u64
}

/// Room in the event buffer beyond one event per resting order: a message's accepted event
/// and its taker's cancel or expiry, and two to spare (see `Sequencer::new`).
const EVENT_BUFFER_SPARE: usize = 4;

/// Sequencer in front of a matcher: stamps, nonces, field checks, and gap-free numbering.
pub struct Sequencer<M> {
    matcher: M,
    /// Last accepted nonce per account id (0: none yet, so nonces start at 1).
    nonces: Vec<u64>,
    /// Whether each account id has a key in the account table.
    account_known: Vec<bool>,
    /// Whether each account id may send oracle messages.
    account_oracle: Vec<bool>,
    /// Whether each account id may send admin messages.
    account_admin: Vec<bool>,
    /// Per account: its pre-trade credit (abi.md §16).
    credit: Vec<Credit>,
    /// Per book: credit units one lot of a new order costs.
    lot_cost: Vec<u32>,
    /// Instrument id → book index, [`NO_BOOK`] when not configured.
    book_of_instrument: Vec<u8>,
    limits: Vec<InstrumentLimits>,
    default_stp: StpMode,
    next_seq: u64,
    last_stamp_ns: u64,
    events: Vec<Event>,
}

impl<M: Matcher> Sequencer<M> {
    pub fn new(config: &VenueConfig) -> Sequencer<M> {
        let accounts_max = config.venue.accounts_max as usize;
        let mut account_known = vec![false; accounts_max];
        account_known[..config.accounts.test_accounts as usize].fill(true);
        for key in &config.accounts.keys {
            account_known[key.id as usize] = true;
        }
        let mut account_oracle = vec![false; accounts_max];
        for &oracle in &config.accounts.oracles {
            account_oracle[oracle as usize] = true;
        }
        let mut account_admin = vec![false; accounts_max];
        for &admin in &config.accounts.admins {
            account_admin[admin as usize] = true;
        }
        let mut book_of_instrument = vec![NO_BOOK; usize::from(u16::MAX) + 1];
        assert!(config.instruments.len() < usize::from(NO_BOOK));
        for (index, instrument) in config.instruments.iter().enumerate() {
            book_of_instrument[usize::from(instrument.id)] = index as u8;
        }
        let limits = config
            .instruments
            .iter()
            .map(|i| InstrumentLimits {
                price_min_ticks: i.price_min_ticks(),
                price_max_ticks: i.price_max_ticks(),
                qty_lots_max: i.qty_lots_max,
            })
            .collect();
        Sequencer {
            matcher: M::with_config(config),
            nonces: vec![0; accounts_max],
            account_known,
            account_oracle,
            account_admin,
            credit: vec![Credit::default(); accounts_max],
            lot_cost: vec![0; config.instruments.len()],
            book_of_instrument,
            limits,
            default_stp: config.venue.default_stp.mode(),
            next_seq: 1,
            last_stamp_ns: 0,
            // Bound: one message emits at most accepted + (fill or STP cancel) per resting
            // order + one taker cancel or expiry.
            events: Vec::with_capacity(
                config.venue.orders_resting_max as usize + EVENT_BUFFER_SPARE,
            ),
        }
    }

    pub fn matcher(&self) -> &M {
        &self.matcher
    }

    /// `account`'s pre-trade credit (zero for an id outside the table).
    pub fn credit(&self, account: u32) -> Credit {
        self.credit
            .get(account as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Credit units one lot of a new order on `book` costs.
    pub fn lot_cost(&self, book: usize) -> u32 {
        self.lot_cost[book]
    }

    /// Sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Process one message; returns its events (at least one), stamped.
    pub fn handle(&mut self, input: &Input) -> &[Event] {
        let stamp_ns = input.arrival_ns.max(self.last_stamp_ns);
        self.last_stamp_ns = stamp_ns;
        self.events.clear();
        let capacity = self.events.capacity();
        if let Err(reason) = self.dispatch(input) {
            assert!(
                self.events.is_empty(),
                "a rejected message has no other effect"
            );
            self.events.push(reject_event(&input.message, reason));
        }
        assert!(
            self.events.capacity() == capacity,
            "event buffer must not grow"
        );
        for event in self.events.iter_mut() {
            event.seq = self.next_seq;
            event.timestamp_ns = stamp_ns;
            self.next_seq += 1;
        }
        &self.events
    }

    fn dispatch(&mut self, input: &Input) -> Result<(), Reason> {
        let m = &input.message;
        let account = m.account as usize;
        if !self.account_known.get(account).copied().unwrap_or(false) {
            return Err(Reason::UnknownAccount);
        }
        if !input.signature_ok {
            return Err(Reason::BadSignature);
        }
        let last = self.nonces[account];
        if m.nonce == last {
            return Err(Reason::DuplicateNonce);
        }
        if m.nonce < last {
            return Err(Reason::StaleNonce);
        }
        self.nonces[account] = m.nonce;
        let message_type = check_fields(m)?;
        if message_type == MessageType::Oracle {
            // Step 5 for oracle messages: the sender must be an oracle; no book is involved.
            if !self.account_oracle[account] {
                return Err(Reason::NotOracle);
            }
            self.events.push(oracle_event(m));
            return Ok(());
        }
        if message_type == MessageType::Admin {
            return self.admin(m);
        }
        let book = self.book_of_instrument[usize::from(m.instrument)];
        if book == NO_BOOK {
            return Err(Reason::UnknownInstrument);
        }
        let book = usize::from(book);
        match message_type {
            MessageType::NewOrder => self.new_order(m, book),
            MessageType::Cancel => {
                self.matcher
                    .cancel(m.account, book, m.target_order_id, &mut self.events)
            }
            MessageType::Amend | MessageType::MassCancel => Err(Reason::UnsupportedMessage),
            MessageType::Oracle | MessageType::Admin => unreachable!("handled above"),
        }
    }

    fn new_order(&mut self, m: &OrderMessage, book: usize) -> Result<(), Reason> {
        let limits = self.limits[book];
        if m.qty_lots == 0 || m.qty_lots > limits.qty_lots_max {
            return Err(Reason::InvalidQuantity);
        }
        if m.price_ticks < limits.price_min_ticks || m.price_ticks > limits.price_max_ticks {
            return Err(Reason::PriceOutOfBand);
        }
        // Step 7.3, the pre-trade credit: the last check before the matcher; an order that
        // passes consumes its cost whatever the matcher then does with it.
        let cost = u64::from(m.qty_lots) * u64::from(self.lot_cost[book]);
        let credit = &mut self.credit[m.account as usize];
        if credit.limited && cost > u64::from(credit.available()) {
            return Err(Reason::CreditExceeded);
        }
        credit.used = credit.used.wrapping_add(cost as u32);
        // check_fields proved these decode.
        let stp = match m.stp().unwrap() {
            StpMode::Default => self.default_stp,
            mode => mode,
        };
        let order = NewOrder {
            account: m.account,
            book,
            instrument: m.instrument,
            side: m.side().unwrap(),
            price_ticks: m.price_ticks,
            qty_lots: m.qty_lots,
            time_in_force: m.time_in_force().unwrap(),
            stp,
            client_ref: m.client_ref,
        };
        self.matcher.new_order(&order, &mut self.events)
    }
}

impl<M: Matcher> Sequencer<M> {
    /// Step 5 for admin messages (abi.md §16): the sender must be an admin; the target (an
    /// account below `accounts_max`, or a configured instrument) must exist.
    fn admin(&mut self, m: &OrderMessage) -> Result<(), Reason> {
        if !self.account_admin[m.account as usize] {
            return Err(Reason::NotAdmin);
        }
        // Side 0 with instrument 0 sets a credit, with an instrument a cost per lot; side 1
        // is a transfer (instrument 0) or an isolation (an instrument) for the margin engine.
        let setting = m.side == Side::Buy as u8;
        let book = self.book_of_instrument[usize::from(m.instrument)];
        if m.instrument == 0 || !setting {
            let credit = usize::try_from(m.target_order_id.0)
                .ok()
                .and_then(|target| self.credit.get_mut(target))
                .ok_or(Reason::Malformed)?;
            if m.instrument == 0 && setting {
                credit.limited = m.price_ticks != abi::CREDIT_UNLIMITED;
                credit.limit = m.qty_lots.wrapping_add(m.price_ticks);
            }
        }
        if m.instrument != 0 {
            if book == NO_BOOK {
                return Err(Reason::UnknownInstrument);
            }
            if setting {
                self.lot_cost[usize::from(book)] = m.qty_lots;
            }
        }
        self.events.push(echo_event(m, EventKind::Admin));
        Ok(())
    }
}

/// An account's pre-trade credit (abi.md §16): every new order that passes the sequencer's
/// own checks adds its cost to `used`; an admin message sets `limit` to the consumption
/// counter value the risk engine saw plus the credit it grants, so orders sequenced between
/// the two are not forgotten. Counters wrap (32 bits, as on the card).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Credit {
    /// Orders are checked against `limit` (an admin message turned it on).
    pub limited: bool,
    pub limit: u32,
    /// The consumption counter: the sum of the costs of every order that passed, mod 2³².
    pub used: u32,
}

impl Credit {
    /// Units left: `limit − used`, or 0 when consumption has passed the limit.
    pub fn available(self) -> u32 {
        let left = self.limit.wrapping_sub(self.used);
        if left > i32::MAX as u32 {
            0
        } else {
            left
        }
    }
}

/// Step 4 of the check order: every enumerated field defined, reserved bytes zero, and the
/// fields a message type does not use left zero.
fn check_fields(m: &OrderMessage) -> Result<MessageType, Reason> {
    // `&`, not `&&`: one combined test instead of six unpredictable branches.
    let defined = (m.version == abi::ABI_VERSION)
        & (m.flags == 0)
        & !m.reserved_nonzero()
        & m.side().is_some()
        & m.time_in_force().is_some()
        & m.stp().is_some();
    let message_type = m
        .message_type()
        .filter(|_| defined)
        .ok_or(Reason::Malformed)?;
    match message_type {
        MessageType::NewOrder if m.target_order_id != OrderId::NONE => Err(Reason::Malformed),
        MessageType::Cancel if m.price_ticks != 0 || m.qty_lots != 0 => Err(Reason::Malformed),
        MessageType::Oracle if m.target_order_id != OrderId::NONE || m.price_ticks == 0 => {
            Err(Reason::Malformed)
        }
        // Any target is an account, below 2³² (a credit, transfer or isolation); a cost
        // setting (side 0, an instrument) is at most LOT_COST_MAX, no price, no target.
        MessageType::Admin
            if m.target_order_id.0 > u64::from(u32::MAX)
                || (m.instrument != 0
                    && m.side == Side::Buy as u8
                    && (m.price_ticks != 0
                        || m.target_order_id != OrderId::NONE
                        || m.qty_lots > abi::LOT_COST_MAX)) =>
        {
            Err(Reason::Malformed)
        }
        _ => Ok(message_type),
    }
}

/// The oracle event for `m`: its fields echoed, as a rejected event's are.
pub fn oracle_event(m: &OrderMessage) -> Event {
    echo_event(m, EventKind::Oracle)
}

/// An echo of `m` (an oracle or admin event): its fields as a rejected event's, reason none.
pub fn echo_event(m: &OrderMessage, kind: EventKind) -> Event {
    Event {
        kind,
        reason: Reason::None,
        ..reject_event(m, Reason::None)
    }
}

/// The rejected event for `m`: echoes the message's fields as received.
pub fn reject_event(m: &OrderMessage, reason: Reason) -> Event {
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

/// Allocation of exchange order ids, shared by every matcher so ids agree by construction:
/// a LIFO free list of slots (initially 0, 1, 2, … from the top), each slot with a generation
/// that counts the ids it has issued. An id is issued when an order is accepted (its slot is
/// popped then); a slot is pushed back when its order leaves the book, or at once if the order
/// never rests. Generations wrap from u32::MAX to 1, so id 0 is never issued.
pub fn next_generation(generation: u32) -> u32 {
    if generation == u32::MAX {
        1
    } else {
        generation + 1
    }
}

/// Build the accepted event for an order given `order_id`.
pub(crate) fn accepted_event(order: &NewOrder, order_id: OrderId) -> Event {
    Event {
        side: order.side as u8,
        instrument: order.instrument,
        account: order.account,
        price_ticks: order.price_ticks,
        order_id: order_id.0,
        qty_lots: order.qty_lots,
        remaining_lots: order.qty_lots,
        client_ref: order.client_ref,
        ..Event::blank(EventKind::Accepted)
    }
}

/// Build a fill event: `taker` traded `qty_lots` with the maker at the maker's price.
#[inline]
pub(crate) fn fill_event(
    taker: &NewOrder,
    taker_id: OrderId,
    taker_remaining_lots: u32,
    maker_id: OrderId,
    maker_account: u32,
    maker_price_ticks: u32,
    maker_remaining_lots: u32,
    qty_lots: u32,
) -> Event {
    Event {
        side: taker.side as u8,
        instrument: taker.instrument,
        account: taker.account,
        price_ticks: maker_price_ticks,
        order_id: taker_id.0,
        qty_lots,
        remaining_lots: taker_remaining_lots,
        maker_order_id: maker_id.0,
        maker_account,
        maker_remaining_lots,
        ..Event::blank(EventKind::Fill)
    }
}

/// Build the event for an order leaving with `qty_lots` unfilled (cancelled or expired).
pub(crate) fn removed_event(kind: EventKind, reason: Reason, order: &RestingOrder) -> Event {
    Event {
        reason,
        side: order.side as u8,
        instrument: order.instrument,
        account: order.account,
        price_ticks: order.price_ticks,
        order_id: order.order_id.0,
        qty_lots: order.qty_lots,
        remaining_lots: 0,
        client_ref: order.client_ref,
        ..Event::blank(kind)
    }
}

/// The taker as a [`RestingOrder`] view with `qty_lots` open (for its removal events).
pub(crate) fn taker_view(order: &NewOrder, order_id: OrderId, qty_lots: u32) -> RestingOrder {
    RestingOrder {
        order_id,
        instrument: order.instrument,
        side: order.side,
        price_ticks: order.price_ticks,
        qty_lots,
        account: order.account,
        client_ref: order.client_ref,
    }
}

/// What happens to a taker that meets a resting order of its own account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SelfTradeAction {
    Trade,
    CancelMaker,
    CancelTaker,
    CancelBoth,
}

pub(crate) fn self_trade_action(taker: &NewOrder, maker_account: u32) -> SelfTradeAction {
    if taker.account != maker_account {
        return SelfTradeAction::Trade;
    }
    match taker.stp {
        StpMode::None => SelfTradeAction::Trade,
        StpMode::CancelOldest => SelfTradeAction::CancelMaker,
        StpMode::CancelNewest => SelfTradeAction::CancelTaker,
        StpMode::CancelBoth => SelfTradeAction::CancelBoth,
        StpMode::Default => unreachable!("the sequencer resolves the default STP mode"),
    }
}

/// Does a resting price cross a taker's limit?
#[inline]
pub(crate) fn crosses(taker_side: Side, limit_ticks: u32, resting_ticks: u32) -> bool {
    match taker_side {
        Side::Buy => resting_ticks <= limit_ticks,
        Side::Sell => resting_ticks >= limit_ticks,
    }
}
