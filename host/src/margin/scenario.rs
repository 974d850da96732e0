//! The margin scenario of `ordo demo` (index updates are the oracle account's signed,
//! sequenced messages, like orders): traders take leveraged SOL-PERP positions against a
//! market maker on the software path, then the SOL index crashes by 7% (SOL, because the
//! default venue's SOL book has a ±10% price band; BTC's is ±1.1%). Every order is signed
//! with its account's test key, verified (ZIP-215) and sequenced; the sequencer refuses
//! those beyond the account's pre-trade credit, which the credit desk (`margin::credit`)
//! sets from the margin engine with the admin account's signed messages — as the card
//! would. Every event feeds the margin engine, and the liquidation orders it decides go
//! back into the book as signed orders of the insurance account. The perp's mark
//! is the median of the index and the book's best bid and ask (fed after every message), so
//! on the final gap the mark follows only once the market maker has re-quoted. The report
//! says what happened.

use std::collections::{HashMap, VecDeque};

use abi::{Event, EventKind, OrderId, OrderMessage, Side, StpMode, TimeInForce};
use ed25519_consensus::SigningKey;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::config::MarginConfig;
use super::credit::Setting;
use super::engine::MarginEvent;
use super::node::{Action, MarginNode};
use crate::config::VenueConfig;
use crate::engine::{Input, LadderBook, Sequencer};
use crate::keys::{sign_with_test_key, test_signing_key};
use crate::rng::SplitMix64;
use crate::Error;

const PERP: u16 = 3;
const UNDERLYING: u16 = 3;
const MARKET_MAKER: u32 = 1;
/// Traders are accounts `FIRST_TRADER ..`.
const FIRST_TRADER: u32 = 10;
const TRADERS: u32 = 40;
/// SOL at 150 USD (ticks of 0.01 USD).
const INDEX_START: i64 = 15_000;
/// The crash: the index falls by `CRASH_STEP` ticks per second, `CRASH_STEPS` times, then
/// gaps down by `GAP` ticks (−4% and −3%: the gap leaves some accounts bankrupt).
const CRASH_STEP: i64 = 50;
const CRASH_STEPS: i64 = 12;
const GAP: i64 = 450;
/// The market maker's ladder: levels per side, ticks apart, lots (0.1 SOL) per level.
const LADDER_LEVELS: u32 = 60;
const LADDER_GAP: u32 = 2;
const LADDER_LOTS: u32 = 40_000;
const NS_PER_S: u64 = 1_000_000_000;
const USD: i64 = 1_000_000;

/// Whether trader `t` margins its SOL-PERP position in isolation.
fn isolates(t: u32) -> bool {
    (FIRST_TRADER..FIRST_TRADER + TRADERS).contains(&t) && (t - FIRST_TRADER).is_multiple_of(5)
}

/// What the scenario did.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    pub traders: u32,
    pub index_start_ticks: i64,
    pub index_end_ticks: i64,
    pub orders: u64,
    pub fills: u64,
    /// Orders the sequencer refused for want of credit (`credit_exceeded`).
    pub credit_rejects: u64,
    /// Orders the margin engine's own pre-trade check would have refused (all of them
    /// among the credit rejections: see `accepted_beyond_margin`).
    pub margin_rejects: u64,
    /// Orders the sequencer accepted that the margin engine's check would have refused
    /// (should be 0: the credit is never looser).
    pub accepted_beyond_margin: u64,
    /// Admin messages the credit desk sent (credits and costs per lot).
    pub credit_settings: u64,
    /// Traders whose position is isolated (half their deposit), and how many of them
    /// were liquidated; isolations the margin engine refused (should be 0).
    pub isolated_accounts: u32,
    pub isolated_liquidated: usize,
    pub isolations_refused: u64,
    /// Accounts liquidated, liquidation steps, lots taken over by the insurance account.
    pub liquidated_accounts: usize,
    pub liquidation_steps: u64,
    pub liquidated_lots: i64,
    pub penalties_e6: i128,
    /// The insurance account's orders into the book, and the lots they filled.
    pub liquidation_orders: u64,
    pub liquidation_filled_lots: u64,
    pub deficits_covered_e6: i128,
    pub auto_deleveraged: u64,
    pub halts: u64,
    pub insurance_fund_start_e6: i128,
    pub insurance_fund_end_e6: i128,
    pub fees_e6: i128,
    /// After the crash, accounts below maintenance margin (should be none).
    pub below_maintenance_end: usize,
    /// Σ balances + quotes + fees − deposits (should be 0).
    pub conservation_error_e6: i128,
    /// SHA-256 of the margin engine's final state.
    pub state_digest: String,
}

/// Run the scenario on the venue's software path with `margin` parameters.
pub fn crash(venue: &VenueConfig, margin: &MarginConfig) -> Result<ScenarioReport, Error> {
    crash_stream(venue, margin).map(|(report, _)| report)
}

/// [`crash`], with the event stream it produced (a follower can replay it).
pub fn crash_stream(
    venue: &VenueConfig,
    margin: &MarginConfig,
) -> Result<(ScenarioReport, Vec<Event>), Error> {
    let mut run = Run::new(venue, margin)?;
    run.fund_accounts();
    run.quote(INDEX_START);
    run.traders_take_positions();
    let fund_start = run.node.engine().insurance_fund_e6();
    for step in 1..=CRASH_STEPS + 1 {
        let index =
            INDEX_START - step.min(CRASH_STEPS) * CRASH_STEP - GAP * i64::from(step > CRASH_STEPS);
        run.time_ns += NS_PER_S;
        // The oracle moves first: on the gap the book still stands where it was.
        run.oracle(index);
        run.quote(index);
    }
    let report = run.report(fund_start);
    Ok((report, run.events))
}

struct Run {
    sequencer: Sequencer<LadderBook>,
    /// The margin engine, credit desk and mirror, fed by the events (as on every replica).
    node: MarginNode,
    /// The node's actions not sent yet (FIFO, as a follower expects them).
    due: VecDeque<Action>,
    /// Actions are being sent (a message sent while acting only queues its own).
    acting: bool,
    /// Every event, in order (a follower replays them in the scenario's test).
    events: Vec<Event>,
    /// The signing keys of the accounts that sent so far (a few dozen: a table over every
    /// account id would cost hundreds of bytes per id).
    keys: HashMap<u32, SigningKey>,
    /// The venue's id, signed into every message (abi.md §3).
    venue_id: u64,
    nonces: Vec<u64>,
    time_ns: u64,
    /// The market maker's resting orders (cancelled when it re-quotes).
    quotes: Vec<(OrderId, Side)>,
    insurance: u32,
    /// The venue's oracle account (signs the index updates).
    oracle: u32,
    /// The venue's admin account (signs the credit desk's settings and custody transfers).
    admin: u32,
    tally: Tally,
}

#[derive(Default)]
struct Tally {
    orders: u64,
    fills: u64,
    credit_rejects: u64,
    margin_rejects: u64,
    beyond_margin: u64,
    credit_settings: u64,
    isolations_refused: u64,
    liquidated: Vec<u32>,
    liquidation_steps: u64,
    liquidated_lots: i64,
    penalties_e6: i128,
    liquidation_orders: u64,
    liquidation_filled_lots: u64,
    covered_e6: i128,
    adl: u64,
    halts: u64,
}

impl Run {
    fn new(venue: &VenueConfig, margin: &MarginConfig) -> Result<Run, Error> {
        let insurance = margin.margin.insurance_account;
        let known = venue.accounts.test_accounts;
        let Some(&oracle) = venue.accounts.oracles.iter().find(|&&o| o < known) else {
            return Err(Error::Config {
                origin: "margin scenario".into(),
                message: "needs an oracle account among the test accounts (accounts.oracles)"
                    .into(),
            });
        };
        let Some(&admin) = venue.accounts.admins.iter().find(|&&a| a < known) else {
            return Err(Error::Config {
                origin: "margin scenario".into(),
                message: "needs an admin account among the test accounts (accounts.admins)".into(),
            });
        };
        if insurance >= known || FIRST_TRADER + TRADERS > known {
            return Err(Error::Config {
                origin: "margin scenario".into(),
                message: format!(
                    "needs test accounts 0..{} and the insurance account {insurance} among them \
                     (accounts.test_accounts is {known})",
                    FIRST_TRADER + TRADERS
                ),
            });
        }
        let book = venue.instruments.iter().find(|i| i.id == PERP);
        let crash_low = INDEX_START - CRASH_STEPS * CRASH_STEP - GAP;
        let fits = book.is_some_and(|b| {
            i64::from(b.price_min_ticks()) < crash_low * 97 / 100
                && i64::from(b.price_max_ticks()) > INDEX_START * 101 / 100
        });
        if !fits || !margin.perps.iter().any(|p| p.instrument == PERP) {
            return Err(Error::Config {
                origin: "margin scenario".into(),
                message: format!(
                    "needs instrument {PERP} (SOL-PERP) in the venue, margined, with a price \
                     band covering {} to {} ticks",
                    crash_low * 97 / 100,
                    INDEX_START * 101 / 100
                ),
            });
        }
        let node = MarginNode::new(venue, margin).map_err(|message| Error::Config {
            origin: "margin scenario".into(),
            message,
        })?;
        Ok(Run {
            sequencer: Sequencer::new(venue),
            due: node.initial_actions().into(),
            node,
            acting: false,
            events: Vec::new(),
            admin,
            keys: HashMap::new(),
            venue_id: venue.venue.id,
            nonces: vec![0; venue.venue.accounts_max as usize],
            time_ns: NS_PER_S,
            quotes: Vec::new(),
            insurance,
            oracle,
            tally: Tally::default(),
        })
    }

    /// The market maker gets 50M USD; traders 2,000–20,000 USD, and every fifth trader
    /// isolates half of it on SOL-PERP (a sequenced isolation, as its owner would ask
    /// through the gateway). The credit desk prices the book's lots first, then grants each
    /// account its credit.
    fn fund_accounts(&mut self) {
        self.act();
        let mut rng = SplitMix64::new(42);
        self.deposit(MARKET_MAKER, 50_000_000 * USD);
        for t in FIRST_TRADER..FIRST_TRADER + TRADERS {
            let amount_e6 = (2_000 + 1_000 * rng.below(19) as i64) * USD;
            self.deposit(t, amount_e6);
            if isolates(t) {
                let nonce = self.nonce(self.admin);
                let events = self.send(OrderMessage::admin_isolate(
                    self.admin,
                    nonce,
                    t,
                    PERP,
                    amount_e6 / 2,
                ));
                assert_eq!(events[0].kind, EventKind::Admin, "sequenced");
            }
        }
    }

    /// Collateral in, as the venue's custody reports it: an admin transfer, sequenced.
    fn deposit(&mut self, account: u32, amount_e6: i64) {
        let nonce = self.nonce(self.admin);
        let message = OrderMessage::admin_transfer(self.admin, nonce, account, amount_e6);
        let events = self.send(message);
        assert_eq!(
            events[0].kind,
            EventKind::Admin,
            "the venue's admin is accepted"
        );
    }

    /// The market maker moves its ladder to `index` without leaving the book one-sided:
    /// it cancels its asks, posts the new bids, cancels its old bids, posts the new asks
    /// (the index only falls here, so new bids never meet old asks).
    fn quote(&mut self, index: i64) {
        let index = index as u32;
        let mut posted = Vec::new();
        for side in [Side::Sell, Side::Buy] {
            let (old, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.quotes)
                .into_iter()
                .partition(|&(_, s)| s == side);
            self.quotes = keep;
            for (id, _) in old {
                let nonce = self.nonce(MARKET_MAKER);
                self.send(OrderMessage::cancel(MARKET_MAKER, nonce, PERP, id, 0));
            }
            let side = side.opposite();
            for level in 1..=LADDER_LEVELS {
                let price = match side {
                    Side::Buy => index - level * LADDER_GAP,
                    Side::Sell => index + level * LADDER_GAP,
                };
                let events = self.order(MARKET_MAKER, side, price, LADDER_LOTS, TimeInForce::Gtc);
                if let Some(e) = events.iter().find(|e| e.kind == EventKind::Accepted) {
                    posted.push((OrderId(e.order_id), side));
                }
            }
        }
        self.quotes = posted;
    }

    /// Each trader buys (four in five) or sells with a leverage of 2x to 30x of its
    /// deposit, at market (IOC at 1% through the index). The tiers' initial margin (2% up
    /// to 250,000 USD, 5% above) would allow all of them; the sequencer's credit, which
    /// prices every lot at the top tier's 5% of the band's highest price, stops those above
    /// about 18x.
    fn traders_take_positions(&mut self) {
        let mut rng = SplitMix64::new(7);
        for t in FIRST_TRADER..FIRST_TRADER + TRADERS {
            let leverage = 2 + rng.below(29) as i64;
            let equity = self.node.engine().assess(t).equity_e6;
            let lot_value = self.node.engine().value_e6(PERP).expect("checked in new");
            let lots = (equity * i128::from(leverage) / lot_value).max(1) as u32;
            let (side, limit) = if rng.chance(80) {
                (Side::Buy, (INDEX_START * 101 / 100) as u32)
            } else {
                (Side::Sell, (INDEX_START * 99 / 100) as u32)
            };
            self.time_ns += NS_PER_S / 100;
            self.order(t, side, limit, lots, TimeInForce::Ioc);
        }
    }

    /// The oracle's signed update, sequenced like an order; its `oracle` event reaches the
    /// margin engine through `send`.
    fn oracle(&mut self, index_ticks: i64) {
        let nonce = self.nonce(self.oracle);
        let index = u32::try_from(index_ticks).expect("the crash stays in range");
        let events = self.send(OrderMessage::oracle(
            self.oracle,
            nonce,
            UNDERLYING,
            index,
            0,
        ));
        assert_eq!(
            events[0].kind,
            EventKind::Oracle,
            "the venue's oracle is accepted"
        );
    }

    /// A new order into the sequencer, which checks its credit; its events. The margin
    /// engine's own pre-trade check is asked too, to count what it would have refused.
    fn order(
        &mut self,
        account: u32,
        side: Side,
        price: u32,
        qty: u32,
        tif: TimeInForce,
    ) -> Vec<Event> {
        // The insurance account's liquidation orders are the engine's own decisions.
        let margin_ok = account == self.insurance
            || self
                .node
                .engine()
                .check_order(account, PERP, side, i64::from(price), i64::from(qty), false)
                .is_ok();
        self.tally.margin_rejects += u64::from(!margin_ok);
        let nonce = self.nonce(account);
        let m = OrderMessage::new_order(
            account,
            nonce,
            PERP,
            side,
            price,
            qty,
            tif,
            StpMode::Default,
            nonce,
        );
        let events = self.send(m);
        let first = events[0];
        self.tally.credit_rejects += u64::from(first.reason == abi::Reason::CreditExceeded);
        self.tally.beyond_margin += u64::from(first.kind == EventKind::Accepted && !margin_ok);
        events
    }

    /// Send the due actions, oldest first; those their own messages cause join the back.
    fn act(&mut self) {
        if self.acting {
            return;
        }
        self.acting = true;
        while let Some(action) = self.due.pop_front() {
            match action {
                Action::Liquidation {
                    instrument,
                    side,
                    qty_lots,
                    limit_ticks,
                } => {
                    assert_eq!(instrument, PERP, "only SOL-PERP positions here");
                    self.tally.liquidation_orders += 1;
                    let insurance = self.insurance;
                    self.order(insurance, side, limit_ticks, qty_lots, TimeInForce::Ioc);
                }
                Action::Credit(setting) => self.admin(setting),
            }
        }
        self.acting = false;
    }

    /// One admin message with a credit desk setting.
    fn admin(&mut self, setting: Setting) {
        let nonce = self.nonce(self.admin);
        let message = match setting {
            Setting::Credit {
                target,
                credit,
                as_of,
            } => OrderMessage::admin_credit(self.admin, nonce, target, credit, as_of),
            Setting::LotCost { instrument, cost } => {
                OrderMessage::admin_lot_cost(self.admin, nonce, instrument, cost)
            }
        };
        let events = self.send(message);
        assert_eq!(
            events[0].kind,
            EventKind::Admin,
            "the venue's admin is accepted"
        );
        self.tally.credit_settings += 1;
    }

    fn nonce(&mut self, account: u32) -> u64 {
        self.nonces[account as usize] += 1;
        self.nonces[account as usize]
    }

    /// Sign, verify and sequence `message`; the margin node reads its events and says what
    /// is due, which is sent next (liquidation orders, credit settings). Returns the
    /// message's own events.
    fn send(&mut self, mut message: OrderMessage) -> Vec<Event> {
        let account = message.account;
        let key = self
            .keys
            .entry(account)
            .or_insert_with(|| test_signing_key(account));
        sign_with_test_key(&mut message, key, self.venue_id);
        let signature_ok = key
            .verification_key()
            .verify(
                &message.signature.into(),
                &message.signed_message(self.venue_id),
            )
            .is_ok();
        self.tally.orders += 1;
        self.time_ns += 1_000;
        let events = self
            .sequencer
            .handle(&Input {
                arrival_ns: self.time_ns,
                message,
                signature_ok,
            })
            .to_vec();
        for e in &events {
            if e.kind == EventKind::Fill {
                self.tally.fills += 1;
                if e.account == self.insurance {
                    self.tally.liquidation_filled_lots += u64::from(e.qty_lots);
                }
            }
            let (decisions, _) = self.node.observe(e);
            self.tally(&decisions);
        }
        self.events.extend_from_slice(&events);
        let (decisions, actions) = self.node.end_message();
        self.tally(&decisions);
        // The node's tops come from the events; they must be the book's own.
        debug_assert_eq!(
            self.node.book_top(PERP),
            self.sequencer.matcher().best_prices(PERP)
        );
        self.due.extend(actions);
        self.act();
        events
    }

    /// Count the margin engine's decisions (the node turns them into actions).
    fn tally(&mut self, decisions: &[MarginEvent]) {
        for decision in decisions {
            let t = &mut self.tally;
            match *decision {
                MarginEvent::Liquidated {
                    account,
                    qty_lots,
                    penalty_e6,
                    ..
                } => {
                    if !t.liquidated.contains(&account) {
                        t.liquidated.push(account);
                    }
                    t.liquidation_steps += 1;
                    t.liquidated_lots += qty_lots.abs();
                    t.penalties_e6 += penalty_e6;
                }
                MarginEvent::InsuranceCovered { deficit_e6, .. } => t.covered_e6 += deficit_e6,
                MarginEvent::AutoDeleveraged { .. } => t.adl += 1,
                MarginEvent::Halted { .. } => t.halts += 1,
                // Traders here only send IOC orders: nothing rests to cancel.
                MarginEvent::LiquidationOrder { .. }
                | MarginEvent::CancelAll { .. }
                | MarginEvent::Funding { .. }
                // The scenario's clock moves in seconds: no gap reaches a skipped period.
                | MarginEvent::FundingSkipped { .. }
                | MarginEvent::Resumed { .. }
                | MarginEvent::Expired { .. }
                | MarginEvent::Flagged { .. }
                | MarginEvent::TransferRefused { .. } => {}
                MarginEvent::IsolateRefused { .. } => t.isolations_refused += 1,
            }
        }
    }

    fn report(&self, insurance_fund_start_e6: i128) -> ScenarioReport {
        let t = &self.tally;
        let e = self.node.engine();
        ScenarioReport {
            traders: TRADERS,
            index_start_ticks: INDEX_START,
            index_end_ticks: INDEX_START - CRASH_STEPS * CRASH_STEP - GAP,
            orders: t.orders,
            fills: t.fills,
            credit_rejects: t.credit_rejects,
            margin_rejects: t.margin_rejects,
            accepted_beyond_margin: t.beyond_margin,
            credit_settings: t.credit_settings,
            isolated_accounts: (FIRST_TRADER..FIRST_TRADER + TRADERS)
                .filter(|&t| isolates(t))
                .count() as u32,
            isolated_liquidated: t.liquidated.iter().filter(|&&a| isolates(a)).count(),
            isolations_refused: t.isolations_refused,
            liquidated_accounts: t.liquidated.len(),
            liquidation_steps: t.liquidation_steps,
            liquidated_lots: t.liquidated_lots,
            penalties_e6: t.penalties_e6,
            liquidation_orders: t.liquidation_orders,
            liquidation_filled_lots: t.liquidation_filled_lots,
            deficits_covered_e6: t.covered_e6,
            auto_deleveraged: t.adl,
            halts: t.halts,
            insurance_fund_start_e6,
            insurance_fund_end_e6: e.insurance_fund_e6(),
            fees_e6: e.fees_e6(),
            below_maintenance_end: e.below_maintenance().len(),
            conservation_error_e6: e.total_e6() - e.deposits_e6(),
            state_digest: short_digest(e),
        }
    }
}

/// The first 8 bytes of the SHA-256 of the engine's state digest, hex.
pub fn short_digest(engine: &super::engine::MarginEngine) -> String {
    Sha256::digest(engine.digest())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `x` millionths as a decimal with two places (e.g. "1234.57").
pub fn usd(e6: i128) -> String {
    let cents = e6 / 10_000;
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::super::node::Follower;
    use super::*;

    #[test]
    fn the_crash_liquidates_and_leaves_nothing_behind() {
        // Proves the demo's claims: the crash liquidates some accounts (more than one, fewer
        // than all), the insurance account's orders fill in the book, no account is left
        // below maintenance, money is conserved, and the run is deterministic.
        let venue = VenueConfig::embedded();
        let margin = MarginConfig::embedded();
        let r = crash(&venue, &margin).unwrap();
        assert!(
            r.liquidated_accounts > 1 && r.liquidated_accounts < r.traders as usize,
            "{r:?}"
        );
        assert!(r.liquidation_filled_lots > 0, "{r:?}");
        // The sequencer's credit is never looser than the margin engine's check: it refused
        // every order the engine would have refused, and more (it prices every lot at the
        // top tier's rate).
        assert_eq!(r.accepted_beyond_margin, 0, "{r:?}");
        assert!(r.credit_rejects > r.margin_rejects, "{r:?}");
        assert!(r.credit_settings > 0, "{r:?}");
        // Sequenced isolations all applied; at least one isolated position went under.
        assert_eq!(r.isolations_refused, 0, "{r:?}");
        assert!(r.isolated_liquidated >= 1, "{r:?}");
        assert_eq!(r.below_maintenance_end, 0);
        assert_eq!(r.conservation_error_e6, 0);
        assert_eq!(crash(&venue, &margin).unwrap().state_digest, r.state_digest);
    }

    #[test]
    fn a_follower_replaying_the_stream_checks_every_leader_action() {
        // Proves the replica story on the crash: a follower fed only the event stream
        // (books' tops rebuilt from events, credit table mirrored) computes the same
        // liquidation orders and credit settings at the same points, finds each of the
        // leader's in the stream in order, and ends in the same margin state. A stream with
        // one liquidation order altered is caught at that order's sequence number.
        let venue = VenueConfig::embedded();
        let margin = MarginConfig::embedded();
        let (r, events) = crash_stream(&venue, &margin).unwrap();
        let admin = venue.accounts.admins[0];
        let mut follower = Follower::new(&venue, &margin, admin).unwrap();
        for e in &events {
            follower.observe(e).unwrap();
        }
        follower.finish().unwrap();
        assert_eq!(
            follower.matched,
            r.liquidation_orders + r.credit_settings,
            "{r:?}"
        );
        assert_eq!(short_digest(follower.node().engine()), r.state_digest);
        // An isolated position's loss stops at its margin: every isolated trader keeps a
        // cross balance (half its deposit less fees), liquidated or not.
        let engine = follower.node().engine();
        for t in (FIRST_TRADER..FIRST_TRADER + TRADERS).filter(|&t| isolates(t)) {
            assert!(engine.balance_e6(t) > 0, "trader {t}");
        }

        let insurance = margin.margin.insurance_account;
        let mut altered = events.clone();
        let at = altered
            .iter()
            .position(|e| e.account == insurance && e.kind == EventKind::Accepted)
            .expect("a liquidation order");
        altered[at].qty_lots += 1;
        let mut follower = Follower::new(&venue, &margin, admin).unwrap();
        let divergence = altered
            .iter()
            .find_map(|e| follower.observe(e).err())
            .expect("caught");
        assert_eq!(divergence.seq, altered[at].seq);
        assert_eq!(divergence.books, None);

        // A fill of an order the stream never accepted is caught by the rebuilt books.
        let mut broken = events.clone();
        let at = broken
            .iter()
            .position(|e| e.kind == EventKind::Fill)
            .expect("a fill");
        broken[at].maker_order_id ^= 1 << 40;
        let mut follower = Follower::new(&venue, &margin, admin).unwrap();
        let divergence = broken
            .iter()
            .find_map(|e| follower.observe(e).err())
            .expect("caught");
        assert_eq!(divergence.seq, broken[at].seq);
        assert!(divergence.books.is_some(), "{divergence:?}");
    }

    #[test]
    fn usd_formats_cents() {
        assert_eq!(usd(1_234_567_890), "1234.56");
        assert_eq!(usd(-5_000), "0.00");
        assert_eq!(usd(-1_230_000), "-1.23");
    }
}
