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

use abi::{Event, EventKind, Reason, Side};

use super::config::MarginConfig;
use super::credit::{CreditDesk, CreditMirror, Setting};
use super::engine::{MarginEngine, MarginEvent, MarginInput};
use crate::book_replay::{BookReplay, ReplayError, Top};
use crate::config::VenueConfig;

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
    /// The current message: open, and what it produced so far.
    open: bool,
    touched: Vec<u32>,
    actions: Vec<Action>,
}

impl MarginNode {
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

    /// The first event the rebuilt books could not take — a fill, cancel or expiry of an
    /// order that is not live, quantities that do not add up: the stream is not one a
    /// sequencer produced.
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
    /// next answer — callers that know the boundary call it themselves first).
    pub fn observe(&mut self, e: &Event) -> (Vec<MarginEvent>, Vec<Action>) {
        let mut closed = (Vec::new(), Vec::new());
        if starts_message(e) && self.open {
            closed = self.end_message();
        }
        self.open = true;
        if let Err(error) = self.books.apply(e) {
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
    insurance: u32,
    admin: u32,
    /// Leader actions seen and matched.
    pub matched: u64,
}

/// The leader's message at `seq` is not the action the follower computed, or (`books`
/// set) the event at `seq` cannot happen on the books the stream built so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    pub seq: u64,
    pub expected: Option<Action>,
    pub event: Event,
    /// What the rebuilt books found wrong with the event, if that is the divergence.
    pub books: Option<String>,
}

impl Follower {
    pub fn new(venue: &VenueConfig, margin: &MarginConfig, admin: u32) -> Result<Follower, String> {
        let node = MarginNode::new(venue, margin)?;
        let due = node.initial_actions().into();
        Ok(Follower {
            node,
            due,
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
        state_digest: String::new(),
        divergence: None,
    };
    let mut count = |decisions: Vec<MarginEvent>| {
        for d in decisions {
            match d {
                MarginEvent::Liquidated { .. } => report.liquidations += 1,
                MarginEvent::TransferRefused { .. } => report.transfers_refused += 1,
                MarginEvent::IsolateRefused { .. } => report.isolations_refused += 1,
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
        // overflowed i128; now the follower reports a books divergence at that seq.
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
        assert_eq!(
            divergence.books.as_deref(),
            Some("fill of an order that is not live")
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
