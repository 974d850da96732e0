//! The margin engine on the event stream alone, as every replica runs it: [`MarginNode`]
//! reads the sequenced events in order, rebuilds the books' best prices from them (marks
//! use the book), keeps the credit mirror, and says — after each message — what the venue
//! must do next: the liquidation orders the engine decided and the credit settings due.
//!
//! The leader ([`super::scenario`]) sends those actions into the sequencer; a follower
//! ([`Follower`]) runs the same node on the same events and checks that the leader's own
//! messages in the stream (the insurance account's orders, the admin account's settings)
//! are exactly the actions it computed itself, in the same order. Both keep a FIFO of due
//! actions: after a message, its actions join the back; the leader sends from the front.
//! A mismatch is a divergence, reported with its sequence number.
//!
//! Message boundaries come from the contract (abi §6): a message's first event is
//! `accepted`, `rejected`, `oracle`, `admin`, or a `cancelled` with reason none (a cancel
//! request); fills, STP cancels and expiries follow the first event of their message.

use std::collections::VecDeque;
use std::mem::size_of;

use abi::{Event, EventKind, OrderId, Reason, Side, LOT_COST_MAX};
use serde::Serialize;

use super::config::MarginConfig;
use super::credit::{CreditDesk, CreditMirror, Setting};
use super::engine::{MarginEngine, MarginEvent, MarginInput, ACCOUNT_BYTES, POSITION_BYTES};
use crate::book_replay::{BookReplay, ReplayError, Top, LEVEL_BYTES_MAX, LIVE_ORDER_BYTES_MAX};
use crate::config::VenueConfig;
use crate::engine::Credit;

/// Leader actions a follower holds due at most. The leader sends each message's actions
/// right after it; a queue this long (a credit setting for every account of the largest
/// venue, `venue.accounts_max` ≤ 2²⁴) means it stopped acting — a divergence — and bounds
/// what a stream that never acts can make a follower hold (16 bytes an action).
pub const DUE_ACTIONS_MAX: usize = 1 << 24;

/// What the venue's sequencer lets through for one instrument (abi §5, §7): prices inside
/// the band, quantities up to the instrument's maximum.
#[derive(Debug, Clone, Copy)]
struct Limits {
    instrument: u16,
    price_min_ticks: u32,
    price_max_ticks: u32,
    qty_lots_max: u32,
}

/// The venue's bounds on what its sequencer emits, against which the node checks every
/// event before anything of it reaches the margin engine: the engine's integer arithmetic
/// relies on prices, quantities and ids in these ranges.
#[derive(Debug, Clone)]
struct Contract {
    limits: Vec<Limits>,
    accounts_max: u32,
    /// The order pool: every live order (accepted, not yet filled, cancelled or expired)
    /// holds one of its slots, so at most this many are live at once.
    orders_resting_max: u32,
    /// Most events one message causes: an accepted order meets every resting order (a fill
    /// or an STP cancel each), then its remainder leaves (the sequencer's own bound).
    message_events_max: u64,
    oracles: Vec<u32>,
    admins: Vec<u32>,
}

impl Contract {
    fn new(venue: &VenueConfig) -> Contract {
        Contract {
            limits: venue
                .instruments
                .iter()
                .map(|i| Limits {
                    instrument: i.id,
                    price_min_ticks: i.price_min_ticks(),
                    price_max_ticks: i.price_max_ticks(),
                    qty_lots_max: i.qty_lots_max,
                })
                .collect(),
            accounts_max: venue.venue.accounts_max,
            orders_resting_max: venue.venue.orders_resting_max,
            message_events_max: u64::from(venue.venue.orders_resting_max) + 4,
            oracles: venue.accounts.oracles.clone(),
            admins: venue.accounts.admins.clone(),
        }
    }

    /// Why `e` is not an event this venue's sequencer emits, if it is not. Rejections echo
    /// whatever the message held, so only the other kinds are bounded.
    fn check(&self, e: &Event) -> Result<(), String> {
        let limits = self.limits.iter().find(|l| l.instrument == e.instrument);
        match e.kind {
            EventKind::Rejected => Ok(()),
            EventKind::Accepted | EventKind::Fill | EventKind::Cancelled | EventKind::Expired => {
                let Some(l) = limits else {
                    return Err(format!(
                        "instrument {} is not one of the venue's",
                        e.instrument
                    ));
                };
                if Side::from_u8(e.side).is_none() {
                    return Err(format!("side {} is undefined", e.side));
                }
                if e.account >= self.accounts_max || e.maker_account >= self.accounts_max {
                    return Err(format!(
                        "account {} or maker account {} is beyond the venue's {}",
                        e.account, e.maker_account, self.accounts_max
                    ));
                }
                if !(l.price_min_ticks..=l.price_max_ticks).contains(&e.price_ticks) {
                    return Err(format!(
                        "price {} is outside the band {}..={}",
                        e.price_ticks, l.price_min_ticks, l.price_max_ticks
                    ));
                }
                let least = u32::from(matches!(e.kind, EventKind::Accepted | EventKind::Fill));
                let quantities = [e.qty_lots, e.remaining_lots, e.maker_remaining_lots];
                if e.qty_lots < least || quantities.iter().any(|&q| q > l.qty_lots_max) {
                    return Err(format!(
                        "quantities {quantities:?} are outside 0..={} (at least {least} traded or accepted)",
                        l.qty_lots_max
                    ));
                }
                let id = OrderId(e.order_id);
                if e.kind == EventKind::Accepted
                    && (id.generation() == 0
                        || id.slot() >= self.orders_resting_max
                        || e.remaining_lots != e.qty_lots)
                {
                    return Err(format!(
                        "an accepted order with id {:#x} (slot beyond the pool of {}, or generation 0), or remaining lots other than its quantity",
                        e.order_id, self.orders_resting_max
                    ));
                }
                Ok(())
            }
            EventKind::Oracle if !self.oracles.contains(&e.account) => Err(format!(
                "an oracle update from account {}, which is not an oracle",
                e.account
            )),
            EventKind::Oracle if e.price_ticks == 0 || e.order_id != 0 => {
                Err("an oracle update of index 0, or with a target".into())
            }
            EventKind::Oracle => Ok(()),
            EventKind::Admin => {
                // Side 0 with instrument 0 sets a credit, with an instrument a cost per lot;
                // side 1 is a transfer (instrument 0) or an isolation (abi §16).
                let setting = e.side == Side::Buy as u8;
                let on_account = e.instrument == 0 || !setting;
                if !self.admins.contains(&e.account) {
                    Err(format!(
                        "an admin message from account {}, which is not an admin",
                        e.account
                    ))
                } else if e.side > Side::Sell as u8 {
                    Err(format!("an admin message of undefined side {}", e.side))
                } else if on_account && e.order_id >= u64::from(self.accounts_max) {
                    Err(format!(
                        "an admin message for account {}, beyond the venue's {}",
                        e.order_id, self.accounts_max
                    ))
                } else if e.instrument != 0 && limits.is_none() {
                    Err(format!(
                        "an admin message for instrument {}, not one of the venue's",
                        e.instrument
                    ))
                } else if !on_account
                    && (e.price_ticks != 0 || e.order_id != 0 || e.qty_lots > LOT_COST_MAX)
                {
                    Err(format!(
                        "a cost setting with a price or a target, or a cost above {LOT_COST_MAX}"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Whether `e` is the first event of its message (abi §6).
pub fn starts_message(e: &Event) -> bool {
    match e.kind {
        EventKind::Accepted | EventKind::Rejected | EventKind::Oracle | EventKind::Admin => true,
        EventKind::Cancelled => e.reason == Reason::None,
        EventKind::Fill | EventKind::Expired => false,
    }
}

/// What the venue must send next, decided from the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// An IOC order of the insurance account (a `MarginEvent::LiquidationOrder`).
    Liquidation {
        instrument: u16,
        side: Side,
        qty_lots: u32,
        limit_ticks: u32,
    },
    /// An admin setting of the credit desk.
    Credit(Setting),
}

/// The margin engine, the credit desk and mirror, and the book tops, fed by events.
pub struct MarginNode {
    contract: Contract,
    engine: MarginEngine,
    desk: CreditDesk,
    mirror: CreditMirror,
    /// The books as the events imply them (their tops feed the marks).
    books: BookReplay,
    /// The first event the books could not take (a broken stream), if any.
    replay_error: Option<ReplayError>,
    /// Each book's top as last given to the engine.
    fed_tops: Vec<(u16, Top)>,
    /// Each underlying's engine revision when last reviewed (see `MarginEngine::revisions`).
    reviewed: Vec<(u16, u64)>,
    /// The current message: open, its events so far, and what it produced so far.
    open: bool,
    message_events: u64,
    touched: Vec<u32>,
    actions: Vec<Action>,
}

/// What a venue's capacities cost in memory in a [`MarginNode`] ([`MarginNode::memory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MarginMemory {
    /// Per account id (`venue.accounts_max`): the margin engine's entry (two positions
    /// inline), the credit mirror's, and the demo scenario's nonce.
    pub per_account_bytes: u64,
    /// Per order slot (`venue.orders_resting_max`), at most: a live order in the books
    /// rebuilt from the events.
    pub per_order_slot_bytes: u64,
    /// Per position entry beyond two in one account (on the heap as accounts take them,
    /// up to `margin.positions_per_account_max` each; not in `total_bytes`).
    pub per_extra_position_bytes: u64,
    pub accounts_bytes: u64,
    pub order_slots_bytes: u64,
    /// The rebuilt books' price levels (at most every level of every book) and the
    /// instrument id tables.
    pub tables_bytes: u64,
    pub total_bytes: u64,
}

impl MarginNode {
    /// The bytes a node (and the demo's margin scenario around it) holds for `venue`'s
    /// capacities: allocated at start (accounts, tables), or at most as the books fill (live
    /// orders, levels). Positions beyond two in an account come on top.
    pub fn memory(venue: &VenueConfig) -> MarginMemory {
        let v = &venue.venue;
        let per_account_bytes =
            ACCOUNT_BYTES + size_of::<Credit>() as u64 + size_of::<u64>() as u64;
        let accounts_bytes = u64::from(v.accounts_max) * per_account_bytes;
        let order_slots_bytes = u64::from(v.orders_resting_max) * LIVE_ORDER_BYTES_MAX;
        let levels: u64 = venue
            .instruments
            .iter()
            .map(|i| 2 * u64::from(i.levels()))
            .sum();
        // The engine's instrument id → market table (u16) and the mirror's cost per lot per
        // instrument id (u32).
        let id_tables_bytes =
            ((usize::from(u16::MAX) + 1) * (size_of::<u16>() + size_of::<u32>())) as u64;
        let tables_bytes = levels * LEVEL_BYTES_MAX + id_tables_bytes;
        MarginMemory {
            per_account_bytes,
            per_order_slot_bytes: LIVE_ORDER_BYTES_MAX,
            per_extra_position_bytes: POSITION_BYTES + size_of::<u32>() as u64,
            accounts_bytes,
            order_slots_bytes,
            tables_bytes,
            total_bytes: accounts_bytes + order_slots_bytes + tables_bytes,
        }
    }

    pub fn new(venue: &VenueConfig, margin: &MarginConfig) -> Result<MarginNode, String> {
        // The two files are checked apart; `MarginEngine::new` asserts what joins them.
        let insurance = margin.margin.insurance_account;
        if insurance >= venue.venue.accounts_max {
            return Err(format!(
                "margin.insurance_account {insurance} is not an account of the venue (0..{})",
                venue.venue.accounts_max
            ));
        }
        let engine = MarginEngine::new(margin, venue.venue.accounts_max);
        let desk = CreditDesk::new(venue, margin, &engine)?;
        Ok(MarginNode {
            contract: Contract::new(venue),
            reviewed: engine.revisions().collect(),
            engine,
            desk,
            mirror: CreditMirror::new(venue),
            books: BookReplay::default(),
            replay_error: None,
            fed_tops: venue
                .instruments
                .iter()
                .map(|i| (i.id, (None, None)))
                .collect(),
            open: false,
            message_events: 0,
            touched: Vec::new(),
            actions: Vec::new(),
        })
    }

    pub fn engine(&self) -> &MarginEngine {
        &self.engine
    }

    /// A book's best bid and ask as the events imply them.
    pub fn book_top(&self, instrument: u16) -> Top {
        self.books.best_prices(instrument)
    }

    /// The first event the node refused — one outside the venue's limits (an unknown
    /// instrument, a price outside the band, a quantity beyond the maximum, a message longer
    /// than the sequencer emits), or one the rebuilt books could not take (a fill, cancel or
    /// expiry of an order that is not live, quantities that do not add up): the stream is
    /// not one a sequencer produced. A refused event changes nothing else in the node.
    pub fn replay_error(&self) -> Option<&ReplayError> {
        self.replay_error.as_ref()
    }

    pub fn mirror(&self) -> &CreditMirror {
        &self.mirror
    }

    /// The cost-per-lot settings due now (the leader sends them before it opens).
    pub fn initial_actions(&self) -> Vec<Action> {
        self.desk
            .review_lot_costs(&self.engine, &self.mirror)
            .into_iter()
            .map(Action::Credit)
            .collect()
    }

    /// One event, in sequence order; returns the engine's decisions. The first event of a
    /// message closes the previous one (its actions are then in [`MarginNode::end_message`]'s
    /// next answer — callers that know the boundary call it themselves first). An event the
    /// node refuses ([`MarginNode::replay_error`]) goes no further: the engine, the mirror
    /// and the books only ever take events a sequencer of this venue can emit.
    pub fn observe(&mut self, e: &Event) -> (Vec<MarginEvent>, Vec<Action>) {
        let mut closed = (Vec::new(), Vec::new());
        if starts_message(e) && self.open {
            closed = self.end_message();
        }
        self.open = true;
        self.message_events += 1;
        let refused = if self.message_events > self.contract.message_events_max {
            Err(format!(
                "a message of more than {} events (the most the sequencer emits for one)",
                self.contract.message_events_max
            ))
        } else {
            self.contract.check(e)
        };
        let refused = refused
            .map_err(|message| ReplayError {
                seq: e.seq,
                message,
            })
            .and_then(|()| self.books.apply(e))
            .and_then(|()| {
                // Bounds the rebuilt books (and the engine's open orders) by the pool.
                if self.books.live_orders() > self.contract.orders_resting_max as usize {
                    return Err(ReplayError {
                        seq: e.seq,
                        message: format!(
                            "more than {} orders live at once (the venue's order pool)",
                            self.contract.orders_resting_max
                        ),
                    });
                }
                Ok(())
            });
        if let Err(error) = refused {
            self.replay_error.get_or_insert(error);
            // No sequencer made this event: the engine's arithmetic is only bounded on
            // streams one did (fuzz finding: a fill of orders never accepted, at price 0,
            // overflowed the ADL ranking). The follower diverges here anyway.
            return closed;
        }
        self.mirror.observe(e);
        let decisions = self.engine.handle(&MarginInput::Event(*e));
        self.collect(&decisions);
        match e.kind {
            EventKind::Oracle => {}
            // A credit setting, transfer or isolation concerns the target account.
            EventKind::Admin if e.instrument == 0 || e.side == Side::Sell as u8 => {
                self.touched.push(e.order_id as u32)
            }
            EventKind::Admin => {}
            _ => {
                self.touched.push(e.account);
                if e.kind == EventKind::Fill {
                    self.touched.push(e.maker_account);
                }
            }
        }
        closed.0.extend(decisions);
        closed
    }

    /// Close the current message: give the engine the books' new tops, then return its
    /// decisions and the actions due — liquidation orders, then cost and credit settings
    /// (every holder of an underlying that moved, and every account the message touched).
    pub fn end_message(&mut self) -> (Vec<MarginEvent>, Vec<Action>) {
        if !self.open {
            return (Vec::new(), Vec::new());
        }
        self.open = false;
        self.message_events = 0;
        let mut decisions = Vec::new();
        for i in 0..self.fed_tops.len() {
            let (instrument, fed) = self.fed_tops[i];
            let top = self.books.best_prices(instrument);
            if top != fed {
                self.fed_tops[i].1 = top;
                let d = self.engine.handle(&MarginInput::BookTop {
                    instrument,
                    best_bid_ticks: top.0.map(i64::from),
                    best_ask_ticks: top.1.map(i64::from),
                });
                self.collect(&d);
                decisions.extend(d);
            }
        }
        let mut actions = std::mem::take(&mut self.actions);
        let mut touched = std::mem::take(&mut self.touched);
        // Underlyings whose marks, funding or expiries changed in this message (an index
        // update, a book-top move the engine did not prove a no-op, a time step).
        let mut moved = Vec::new();
        for ((u, seen), (_, now)) in self.reviewed.iter_mut().zip(self.engine.revisions()) {
            if *seen != now {
                *seen = now;
                moved.push(*u);
            }
        }
        if !moved.is_empty() {
            actions.extend(
                self.desk
                    .review_lot_costs(&self.engine, &self.mirror)
                    .into_iter()
                    .map(Action::Credit),
            );
            // Every holder of an underlying that moved.
            for u in moved {
                touched.extend(self.engine.accounts_on(u));
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for account in touched {
            if let Some(setting) = self
                .desk
                .review_account(&self.engine, &self.mirror, account)
            {
                actions.push(Action::Credit(setting));
            }
        }
        (decisions, actions)
    }

    /// Only liquidation orders are actions the venue sends; every other decision (funding
    /// paid or skipped, halts, expiries) changed the engine's state alone, which the
    /// revisions and the credit review carry — the same on every replica.
    fn collect(&mut self, decisions: &[MarginEvent]) {
        for d in decisions {
            if let MarginEvent::LiquidationOrder {
                instrument,
                side,
                qty_lots,
                limit_ticks,
            } = *d
            {
                self.actions.push(Action::Liquidation {
                    instrument,
                    side,
                    qty_lots,
                    limit_ticks,
                });
            }
        }
    }
}

/// A replica's check of the leader: the same node on the same events, and every message of
/// the insurance or admin account (settings; transfers and isolations, side 1, come from
/// custody and users) must be the next action due.
pub struct Follower {
    node: MarginNode,
    due: VecDeque<Action>,
    /// [`DUE_ACTIONS_MAX`] (smaller in the test of the bound).
    due_max: usize,
    insurance: u32,
    admin: u32,
    /// Leader actions seen and matched.
    pub matched: u64,
}

/// The leader's message at `seq` is not the action the follower computed, or (`books`
/// set) the event at `seq` cannot happen on the books the stream built so far, or is
/// outside what the venue's sequencer emits, or leaves more than [`DUE_ACTIONS_MAX`]
/// leader actions due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    pub seq: u64,
    pub expected: Option<Action>,
    pub event: Event,
    /// What the node found wrong with the event (the rebuilt books, the venue's limits, the
    /// leader's lag), if that is the divergence.
    pub books: Option<String>,
}

impl Follower {
    pub fn new(venue: &VenueConfig, margin: &MarginConfig, admin: u32) -> Result<Follower, String> {
        let node = MarginNode::new(venue, margin)?;
        let due = node.initial_actions().into();
        Ok(Follower {
            node,
            due,
            due_max: DUE_ACTIONS_MAX,
            insurance: margin.margin.insurance_account,
            admin,
            matched: 0,
        })
    }

    pub fn node(&self) -> &MarginNode {
        &self.node
    }

    /// One event of the stream, in order; the margin engine's decisions it completed.
    pub fn observe(&mut self, e: &Event) -> Result<Vec<MarginEvent>, Divergence> {
        let mut decisions = Vec::new();
        if starts_message(e) {
            let (closed, actions) = self.node.end_message();
            decisions = closed;
            self.due.extend(actions);
            if self.due.len() > self.due_max {
                return Err(Divergence {
                    seq: e.seq,
                    expected: self.due.front().copied(),
                    event: *e,
                    books: Some(format!(
                        "more than {} leader actions due: the leader stopped acting",
                        self.due_max
                    )),
                });
            }
            let leaders = (e.account == self.insurance
                && matches!(e.kind, EventKind::Accepted | EventKind::Rejected))
                || (e.account == self.admin
                    && matches!(e.kind, EventKind::Admin | EventKind::Rejected)
                    && e.side != Side::Sell as u8);
            if leaders {
                let expected = self.due.pop_front();
                if expected != Some(action_of(e, e.account == self.admin)) {
                    return Err(Divergence {
                        seq: e.seq,
                        expected,
                        event: *e,
                        books: None,
                    });
                }
                self.matched += 1;
            }
        }
        decisions.extend(self.node.observe(e).0);
        match self.node.replay_error() {
            Some(error) if error.seq == e.seq => Err(Divergence {
                seq: e.seq,
                expected: self.due.front().copied(),
                event: *e,
                books: Some(error.message.clone()),
            }),
            _ => Ok(decisions),
        }
    }

    /// The end of the stream: nothing may be left due. Returns the last message's
    /// decisions.
    pub fn finish(&mut self) -> Result<Vec<MarginEvent>, Divergence> {
        let (decisions, actions) = self.node.end_message();
        self.due.extend(actions);
        match self.due.front() {
            None => Ok(decisions),
            Some(&a) => Err(Divergence {
                seq: 0,
                expected: Some(a),
                event: Event::blank(EventKind::Rejected),
                books: None,
            }),
        }
    }
}

/// What a follower found in a whole stream (`ordo follow`).
#[derive(Debug, Clone)]
pub struct FollowReport {
    /// Events read (up to the divergence, if any).
    pub events: u64,
    /// Leader actions (insurance orders, admin settings) matched.
    pub matched: u64,
    pub liquidations: u64,
    pub transfers_refused: u64,
    pub isolations_refused: u64,
    /// Funding periods skipped after gaps in sequencer time (`FundingSkipped` events).
    pub funding_periods_skipped: u64,
    /// Short digest of the margin state at the end (or at the divergence).
    pub state_digest: String,
    pub divergence: Option<Divergence>,
}

/// Run a [`Follower`] over `events` (a whole stream, from seq 1), stopping at the first
/// divergence.
pub fn follow(
    venue: &VenueConfig,
    margin: &MarginConfig,
    admin: u32,
    events: &[Event],
) -> Result<FollowReport, String> {
    let mut follower = Follower::new(venue, margin, admin)?;
    let mut report = FollowReport {
        events: 0,
        matched: 0,
        liquidations: 0,
        transfers_refused: 0,
        isolations_refused: 0,
        funding_periods_skipped: 0,
        state_digest: String::new(),
        divergence: None,
    };
    let mut count = |decisions: Vec<MarginEvent>| {
        for d in decisions {
            match d {
                MarginEvent::Liquidated { .. } => report.liquidations += 1,
                MarginEvent::TransferRefused { .. } => report.transfers_refused += 1,
                MarginEvent::IsolateRefused { .. } => report.isolations_refused += 1,
                MarginEvent::FundingSkipped { periods } => {
                    report.funding_periods_skipped += periods;
                }
                _ => {}
            }
        }
    };
    let mut read = 0;
    let mut divergence = None;
    for e in events {
        read += 1;
        match follower.observe(e) {
            Ok(decisions) => count(decisions),
            Err(d) => {
                divergence = Some(d);
                break;
            }
        }
    }
    if divergence.is_none() {
        match follower.finish() {
            Ok(decisions) => count(decisions),
            Err(d) => divergence = Some(d),
        }
    }
    report.divergence = divergence;
    report.events = read;
    report.matched = follower.matched;
    report.state_digest = super::scenario::short_digest(follower.node().engine());
    Ok(report)
}

/// The action a leader's message event stands for (`admin`: the admin account's).
fn action_of(e: &Event, admin: bool) -> Action {
    if admin {
        Action::Credit(if e.instrument == 0 {
            Setting::Credit {
                target: e.order_id as u32,
                credit: e.price_ticks,
                as_of: e.qty_lots,
            }
        } else {
            Setting::LotCost {
                instrument: e.instrument,
                cost: e.qty_lots,
            }
        })
    } else {
        Action::Liquidation {
            instrument: e.instrument,
            side: Side::from_u8(e.side).unwrap_or(Side::Buy),
            qty_lots: e.qty_lots,
            limit_ticks: e.price_ticks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Input, LadderBook, Sequencer};
    use crate::margin::scenario::short_digest;
    use crate::workload::{generate, Spec};

    /// The demo workload through the software sequencer into a node; after every message
    /// the invariants hold. Returns the engine's digest and the margin events by kind.
    fn demo_stream(seed: u64, messages: usize) -> (String, [usize; 4]) {
        let venue = VenueConfig::embedded();
        let margin = MarginConfig::embedded();
        let w = generate(
            &venue,
            Spec {
                sign: false,
                ..Spec::demo(seed, messages)
            },
            &|_| {},
        );
        let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&venue);
        let mut node = MarginNode::new(&venue, &margin).unwrap();
        // Sequenced isolations applied and refused, transfers refused, liquidations.
        let mut seen = [0usize; 4];
        for (s, &signature_ok) in w.stimuli.iter().zip(&w.signature_ok) {
            let events = sequencer.handle(&Input {
                arrival_ns: s.arrival_ns,
                message: s.message,
                signature_ok,
            });
            let mut decisions = Vec::new();
            for e in events {
                if e.kind == EventKind::Admin && e.side == Side::Sell as u8 && e.instrument != 0 {
                    seen[0] += 1;
                }
                decisions.extend(node.observe(e).0);
            }
            decisions.extend(node.end_message().0);
            for d in &decisions {
                match d {
                    MarginEvent::IsolateRefused { .. } => seen[1] += 1,
                    MarginEvent::TransferRefused { .. } => seen[2] += 1,
                    MarginEvent::Liquidated { .. } => seen[3] += 1,
                    _ => {}
                }
            }
            let engine = node.engine();
            assert_eq!(engine.total_e6(), engine.deposits_e6(), "conserved");
            for a in engine.below_maintenance() {
                assert!(
                    engine.flagged(a),
                    "account {a} below maintenance, not flagged"
                );
            }
            assert_eq!(node.replay_error(), None);
        }
        (short_digest(node.engine()), seen)
    }

    /// An accepted buy of `qty` lots on BTC-PERP (instrument 1) by account 7 in slot `slot`.
    fn accepted(seq: u64, slot: u32, qty: u32) -> Event {
        Event {
            seq,
            timestamp_ns: 1_000,
            side: Side::Buy as u8,
            instrument: 1,
            account: 7,
            price_ticks: 180_000,
            order_id: abi::OrderId::new(slot, 1).0,
            qty_lots: qty,
            remaining_lots: qty,
            ..Event::blank(EventKind::Accepted)
        }
    }

    #[test]
    fn events_beyond_the_venues_limits_are_refused_and_change_nothing() {
        // Proves the node checks every event against what the venue's sequencer can emit
        // before the books, the mirror or the engine take it (the engine's arithmetic relies
        // on those ranges: a u32::MAX-lot fill at u32::MAX ticks overflowed it): each
        // hostile event below is a replay error at its seq naming what is wrong, and the
        // engine's state — its clock included — is what it was before the event.
        let venue = VenueConfig::embedded();
        let margin = MarginConfig::embedded();
        let good = accepted(1, 0, 5);
        let admin = Event {
            account: venue.accounts.admins[0],
            ..Event::blank(EventKind::Admin)
        };
        let cases = [
            (
                "not one of the venue's",
                Event {
                    instrument: 99,
                    ..good
                },
            ),
            ("side 2 is undefined", Event { side: 2, ..good }),
            (
                "beyond the venue's",
                Event {
                    account: venue.venue.accounts_max,
                    ..good
                },
            ),
            (
                "outside the band",
                Event {
                    price_ticks: u32::MAX,
                    ..good
                },
            ),
            (
                "quantities",
                Event {
                    qty_lots: u32::MAX,
                    remaining_lots: u32::MAX,
                    ..good
                },
            ),
            (
                "quantities",
                Event {
                    qty_lots: 0,
                    remaining_lots: 0,
                    ..good
                },
            ),
            (
                "slot beyond the pool",
                Event {
                    order_id: abi::OrderId::new(16_384, 1).0,
                    ..good
                },
            ),
            (
                "generation 0",
                Event {
                    order_id: 5,
                    ..good
                },
            ),
            (
                "remaining lots",
                Event {
                    remaining_lots: 4,
                    ..good
                },
            ),
            (
                "not an oracle",
                Event {
                    account: 7,
                    price_ticks: 1,
                    ..Event::blank(EventKind::Oracle)
                },
            ),
            (
                "index 0",
                Event {
                    account: venue.accounts.oracles[0],
                    ..Event::blank(EventKind::Oracle)
                },
            ),
            (
                "not an admin",
                Event {
                    account: 7,
                    ..admin
                },
            ),
            ("undefined side", Event { side: 200, ..admin }),
            (
                "for account",
                Event {
                    order_id: u64::MAX,
                    ..admin
                },
            ),
            (
                "instrument 99",
                Event {
                    instrument: 99,
                    ..admin
                },
            ),
            (
                "cost above",
                Event {
                    instrument: 1,
                    qty_lots: u32::MAX,
                    ..admin
                },
            ),
        ];
        for (needle, e) in cases {
            let mut node = MarginNode::new(&venue, &margin).unwrap();
            let before = node.engine().digest();
            node.observe(&Event {
                seq: 1,
                timestamp_ns: 5_000,
                ..e
            });
            let error = node
                .replay_error()
                .unwrap_or_else(|| panic!("{needle}: taken"));
            assert_eq!(error.seq, 1, "{needle}");
            assert!(
                error.message.contains(needle),
                "{needle}: {}",
                error.message
            );
            assert_eq!(
                node.engine().digest(),
                before,
                "{needle}: the engine saw it"
            );
        }
        let mut node = MarginNode::new(&venue, &margin).unwrap();
        node.observe(&good);
        assert_eq!(node.replay_error(), None, "the good event is taken");
    }

    #[test]
    fn a_message_longer_than_the_sequencer_emits_is_refused() {
        // Proves the per-message bound (the order pool plus 4 events): with a pool of 4, a
        // taker filled lot by lot against one maker — which no matcher does, it fills a
        // maker once per taker — is refused at the message's 9th event, though the books
        // alone would take every fill.
        let mut venue = VenueConfig::embedded();
        venue.venue.orders_resting_max = 4;
        let margin = MarginConfig::embedded();
        let mut node = MarginNode::new(&venue, &margin).unwrap();
        let maker = Event {
            side: Side::Sell as u8,
            ..accepted(1, 0, 100)
        };
        let taker = accepted(2, 1, 100);
        node.observe(&maker);
        node.observe(&taker);
        for i in 1..=10u32 {
            let seq = 2 + u64::from(i);
            node.observe(&Event {
                seq,
                timestamp_ns: 1_000,
                side: Side::Buy as u8,
                instrument: 1,
                account: 7,
                price_ticks: 180_000,
                order_id: taker.order_id,
                qty_lots: 1,
                remaining_lots: 100 - i,
                maker_order_id: maker.order_id,
                maker_account: 7,
                maker_remaining_lots: 100 - i,
                ..Event::blank(EventKind::Fill)
            });
            if seq < 2 + 8 {
                assert_eq!(node.replay_error(), None, "fill {i}");
            }
        }
        let error = node.replay_error().expect("refused");
        assert_eq!(error.seq, 2 + 8, "{error:?}");
        assert!(error.message.contains("more than 8 events"), "{error:?}");
    }

    #[test]
    fn more_live_orders_than_the_pool_are_refused() {
        // Proves the rebuilt books are bounded by the venue's order pool: with a pool of 4,
        // four resting orders are taken and a fifth accepted order (which the sequencer
        // would have rejected order_pool_full) is refused, naming the pool.
        let mut venue = VenueConfig::embedded();
        venue.venue.orders_resting_max = 4;
        let margin = MarginConfig::embedded();
        let mut node = MarginNode::new(&venue, &margin).unwrap();
        for slot in 0..4 {
            node.observe(&accepted(u64::from(slot) + 1, slot, 1));
        }
        assert_eq!(node.replay_error(), None);
        // Slot 3 again, with a new generation: the slot is in range, the pool is full.
        node.observe(&Event {
            order_id: abi::OrderId::new(3, 2).0,
            ..accepted(5, 3, 1)
        });
        let error = node.replay_error().expect("refused");
        assert_eq!(error.seq, 5);
        assert!(
            error.message.contains("more than 4 orders live"),
            "{error:?}"
        );
    }

    #[test]
    fn a_follower_with_too_many_actions_due_diverges() {
        // Proves the follower's queue of due leader actions is bounded: a stream that never
        // acts (here, oracle moves whose cost settings the leader never sends) diverges at
        // the first message that would take the queue past the bound, naming it, instead of
        // growing the queue for as long as the stream goes on.
        let venue = VenueConfig::embedded();
        let margin = MarginConfig::embedded();
        let admin = venue.accounts.admins[0];
        let mut follower = Follower::new(&venue, &margin, admin).unwrap();
        let initial = follower.due.len();
        assert!(initial > 0, "cost settings are due at the start");
        follower.due_max = initial;
        let oracle = |seq: u64, index: u32| Event {
            seq,
            timestamp_ns: seq * 1_000,
            account: venue.accounts.oracles[0],
            instrument: 1,
            price_ticks: index,
            ..Event::blank(EventKind::Oracle)
        };
        follower
            .observe(&oracle(1, 190_000))
            .expect("the queue is at its bound");
        let divergence = follower.observe(&oracle(2, 200_000)).expect_err("past it");
        assert_eq!(divergence.seq, 2);
        let books = divergence.books.unwrap_or_default();
        assert!(books.contains("leader actions due"), "{books}");
    }

    #[test]
    fn fuzz_venue_config_insurance_account_outside_venue() {
        // Proves the first fuzz finding (venue_config target) stays fixed: a venue with
        // fewer accounts than the margin config's insurance account (511) made
        // `MarginEngine::new` assert; the node (so `ordo follow`, `ordo demo`) now
        // refuses the pair with an error naming the field.
        let venue = VenueConfig::parse(
            &crate::config::DEFAULT_CONFIG_TOML
                .replacen("accounts_max = 1024", "accounts_max = 32", 1)
                .replacen("test_accounts = 512", "test_accounts = 16", 1)
                .replacen("oracles = [510]", "oracles = [15]", 1)
                .replacen("admins = [509]", "admins = [14]", 1),
            "small",
        )
        .unwrap();
        let margin = MarginConfig::embedded();
        let error = MarginNode::new(&venue, &margin).err().unwrap();
        assert!(error.contains("insurance_account 511"), "{error}");
        assert!(follow(&venue, &margin, 14, &[]).is_err());
    }

    #[test]
    fn fuzz_follow_fill_of_orders_never_accepted() {
        // Proves the follow target's finding (fuzz/artifacts/follow/fill_of_orders_never_
        // accepted) stays fixed: three accepted orders, then a fill at price 0 of two order
        // ids the stream never accepted, of 218,959,117 lots. The rebuilt books refuse the
        // fill, but the node used to feed it to the engine anyway, whose ADL ranking
        // overflowed i128; now the follower reports a divergence at that seq and the engine
        // never sees the event.
        let venue = VenueConfig::embedded();
        let margin = MarginConfig::embedded();
        let accepted = |seq, account, instrument, side, price_ticks, qty_lots| Event {
            seq,
            timestamp_ns: 1_000_000_000 + seq,
            account,
            instrument,
            side,
            price_ticks,
            order_id: (1 << 32) + seq - 1,
            qty_lots,
            remaining_lots: qty_lots,
            client_ref: 2,
            ..Event::blank(EventKind::Accepted)
        };
        let fill = Event {
            seq: 4,
            timestamp_ns: 51_561_082_388_547,
            account: 4,
            instrument: 1,
            order_id: 940_422_246_676_037_633,
            qty_lots: 218_959_117,
            remaining_lots: 3328,
            maker_order_id: 2_199_023_255_808,
            ..Event::blank(EventKind::Fill)
        };
        let events = [
            accepted(1, 449, 2, 1, 70_007, 13),
            accepted(2, 41, 4, 0, 11_997, 11),
            accepted(3, 278, 2, 1, 70_041, 15),
            fill,
        ];
        let report = follow(&venue, &margin, 509, &events).unwrap();
        let divergence = report.divergence.expect("a divergence");
        assert_eq!(divergence.seq, 4);
        // The venue-limits check (a price outside the band) refuses it before the books do.
        assert_eq!(
            divergence.books.as_deref(),
            Some("price 0 is outside the band 178000..=182000")
        );
    }

    #[test]
    fn the_node_takes_the_demo_stream_whole() {
        // Proves the node digests what a real sequencer emits — every event kind, admin
        // transfers and isolations to accounts with and without collateral, oracle moves,
        // fills between accounts that never deposited (liquidated at once: no leader sends
        // the orders here) — with money conserved and nobody left below maintenance
        // unflagged after any message, and the same state from the same stream.
        let (digest, seen) = demo_stream(3, 20_000);
        assert!(seen[0] > 0, "isolations in the stream: {seen:?}");
        assert!(seen[1] <= seen[0], "{seen:?}");
        assert!(seen[3] > 0, "liquidations: {seen:?}");
        assert_eq!(demo_stream(3, 20_000).0, digest);
    }
}
