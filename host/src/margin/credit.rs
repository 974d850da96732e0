//! The pre-trade credit (abi.md §16): the host's side of the limits the sequencer — the
//! card, or the software path — enforces before an order reaches the book.
//!
//! - [`CreditMirror`] rebuilds the sequencer's credit table from the event stream alone
//!   (admin echoes, and the cost each new order consumed), as a host attached to a card or
//!   a follower replica must: it cannot read the card's RAM, but it reads every event.
//! - [`CreditDesk`] decides the settings from the margin engine: each margined book's cost
//!   per lot is an upper bound on what one lot of open orders adds to an account's initial
//!   requirement ([`MarginEngine::lot_requirement_bound_e6`]), and an account's credit is
//!   its free margin ([`MarginEngine::free_margin_e6`]) in credit units. Orders whose
//!   costs fit in the credit therefore raise the initial requirement by less than the free
//!   margin: every order the sequencer accepts would pass the margin engine's own
//!   pre-trade check at the moment the credit was set (the crash scenario counts it).
//!   Credits are anchored to the consumption counter the desk saw, so orders sequenced
//!   before the setting arrives still count against it.
//!
//! Settings are lowered at once and raised only past `credit.raise_ppm` (fewer messages).

use abi::{Event, EventKind, Reason, Side, CREDIT_UNLIMITED, LOT_COST_MAX};

use super::config::MarginConfig;
use super::engine::MarginEngine;
use crate::config::VenueConfig;
use crate::engine::Credit;

/// The sequencer's credit table, rebuilt from its events.
#[derive(Debug, Clone)]
pub struct CreditMirror {
    credit: Vec<Credit>,
    /// Per instrument id: cost per lot.
    lot_cost: Vec<u32>,
}

impl CreditMirror {
    /// The table at start: every account unlimited, every cost 0.
    pub fn new(venue: &VenueConfig) -> CreditMirror {
        CreditMirror {
            credit: vec![Credit::default(); venue.venue.accounts_max as usize],
            lot_cost: vec![0; usize::from(u16::MAX) + 1],
        }
    }

    /// Apply one event (in sequence order).
    pub fn observe(&mut self, e: &Event) {
        let consumed = match e.kind {
            // Transfers and isolations (side 1) leave the credit table alone.
            EventKind::Admin if e.side == Side::Sell as u8 => false,
            EventKind::Admin if e.instrument == 0 => {
                if let Some(c) = self.credit.get_mut(e.order_id as usize) {
                    c.limited = e.price_ticks != CREDIT_UNLIMITED;
                    c.limit = e.qty_lots.wrapping_add(e.price_ticks);
                }
                false
            }
            EventKind::Admin => {
                self.lot_cost[usize::from(e.instrument)] = e.qty_lots;
                false
            }
            // A new order consumed its cost once it passed the sequencer's own checks: it
            // was accepted, or the matcher refused it (these reasons are new orders' only).
            EventKind::Accepted => true,
            EventKind::Rejected => matches!(
                e.reason,
                Reason::PostOnlyWouldCross
                    | Reason::FokCannotFill
                    | Reason::FokTooDeep
                    | Reason::OrderPoolFull
            ),
            _ => false,
        };
        if consumed {
            let cost = u64::from(e.qty_lots) * u64::from(self.lot_cost[usize::from(e.instrument)]);
            if let Some(c) = self.credit.get_mut(e.account as usize) {
                c.used = c.used.wrapping_add(cost as u32);
            }
        }
    }

    /// `account`'s credit as the sequencer holds it.
    pub fn credit(&self, account: u32) -> Credit {
        self.credit
            .get(account as usize)
            .copied()
            .unwrap_or_default()
    }

    /// The cost per lot of `instrument` as the sequencer holds it.
    pub fn lot_cost(&self, instrument: u16) -> u32 {
        self.lot_cost[usize::from(instrument)]
    }
}

/// A setting for the sequencer, to be sent as an admin message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `OrderMessage::admin_credit(admin, nonce, target, credit, as_of)`.
    Credit {
        target: u32,
        credit: u32,
        as_of: u32,
    },
    /// `OrderMessage::admin_lot_cost(admin, nonce, instrument, cost)`.
    LotCost { instrument: u16, cost: u32 },
}

/// Decides credit settings from the margin engine's state.
#[derive(Debug, Clone)]
pub struct CreditDesk {
    unit_e6: i64,
    raise_ppm: i64,
    /// Margined books: instrument id and the band's highest price.
    books: Vec<(u16, i64)>,
    /// Accounts the desk never limits (the insurance account: its liquidation orders must
    /// always reach the book).
    exempt: u32,
}

impl CreditDesk {
    /// A desk for the venue's books that the margin engine margins. Fails when a book's
    /// cost per lot at the top of its price band would not fit the card's 16 bits.
    pub fn new(
        venue: &VenueConfig,
        margin: &MarginConfig,
        engine: &MarginEngine,
    ) -> Result<CreditDesk, String> {
        let mut desk = CreditDesk {
            unit_e6: margin.credit.unit_e6,
            raise_ppm: margin.credit.raise_ppm,
            books: Vec::new(),
            exempt: margin.margin.insurance_account,
        };
        for i in &venue.instruments {
            let top = i64::from(i.price_max_ticks());
            if let Some(bound) = engine.lot_requirement_bound_e6(i.id, top) {
                let units = desk.units_up(bound);
                if units > i64::from(LOT_COST_MAX) {
                    return Err(format!(
                        "{}: a lot's cost at the top of the band is {units} credit units, \
                         above {LOT_COST_MAX}; raise credit.unit_e6",
                        i.symbol
                    ));
                }
                desk.books.push((i.id, top));
            }
        }
        Ok(desk)
    }

    fn units_up(&self, e6: i64) -> i64 {
        (e6 + self.unit_e6 - 1).div_euclid(self.unit_e6)
    }

    /// Whether `a` exceeds `b` by more than `raise_ppm`.
    fn past(&self, a: u64, b: u64) -> bool {
        u128::from(a) * 1_000_000 > u128::from(b) * (1_000_000 + self.raise_ppm as u128)
    }

    /// Cost-per-lot settings due for every margined book (after a mark moved).
    pub fn review_lot_costs(&self, engine: &MarginEngine, mirror: &CreditMirror) -> Vec<Setting> {
        let mut out = Vec::new();
        for &(instrument, top) in &self.books {
            // The mark could leave the band: price at whichever is higher, within 16 bits.
            let bound = engine
                .lot_requirement_bound_e6(instrument, top)
                .expect("margined");
            let cost = self.units_up(bound).min(i64::from(LOT_COST_MAX)) as u32;
            let held = mirror.lot_cost(instrument);
            // A higher cost tightens every account: set it at once; a lower one only once
            // the held cost is past the threshold above it.
            if cost > held || self.past(u64::from(held), u64::from(cost)) {
                out.push(Setting::LotCost { instrument, cost });
            }
        }
        out
    }

    /// The credit setting due for `account`, if any.
    pub fn review_account(
        &self,
        engine: &MarginEngine,
        mirror: &CreditMirror,
        account: u32,
    ) -> Option<Setting> {
        if account == self.exempt || account >= engine.account_count() {
            return None;
        }
        let free = engine.free_margin_e6(account).div_euclid(self.unit_e6);
        let credit = free.clamp(0, i64::from(i32::MAX)) as u32;
        let held = mirror.credit(account);
        // Lower at once, raise past the threshold.
        let available = held.available();
        if held.limited
            && credit >= available
            && !self.past(u64::from(credit), u64::from(available))
        {
            return None;
        }
        Some(Setting::Credit {
            target: account,
            credit,
            as_of: held.used,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::engine::MarginInput;
    use super::*;
    use crate::engine::{Input, LadderBook, Sequencer};
    use crate::workload::{generate, Spec};
    use abi::{OrderMessage, Side, StpMode, TimeInForce};

    const USD: i64 = 1_000_000;

    #[test]
    fn settings_hand_checked_and_enforced_by_the_sequencer() {
        // BTC-PERP: top tier 5%; band top 180,000 + 2,000 = 182,000 ticks at 0.0005 USD per
        // tick-lot = 91 USD a lot; 5% of it 4.55 USD = 455 units of 0.01 USD.
        // Account 7 with 10,000 USD and nothing open: credit 1,000,000 units, enough for
        // 1,000,000 / 455 = 2,197 lots (999,635 units).
        let venue = VenueConfig::embedded();
        let margin = MarginConfig::embedded();
        let mut engine = MarginEngine::new(&margin, venue.venue.accounts_max);
        engine.deposit(7, 10_000 * USD).unwrap();
        let desk = CreditDesk::new(&venue, &margin, &engine).unwrap();
        let mut mirror = CreditMirror::new(&venue);
        let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&venue);
        let admin = venue.accounts.admins[0];
        let mut nonce = 0;
        let mut send = |m: OrderMessage, mirror: &mut CreditMirror, engine: &mut MarginEngine| {
            let events = sequencer
                .handle(&Input {
                    arrival_ns: 1,
                    message: m,
                    signature_ok: true,
                })
                .to_vec();
            for e in &events {
                mirror.observe(e);
                engine.handle(&MarginInput::Event(*e));
            }
            events
        };
        let costs = desk.review_lot_costs(&engine, &mirror);
        assert!(
            costs.contains(&Setting::LotCost {
                instrument: 1,
                cost: 455
            }),
            "{costs:?}"
        );
        let credit = desk.review_account(&engine, &mirror, 7);
        assert_eq!(
            credit,
            Some(Setting::Credit {
                target: 7,
                credit: 1_000_000,
                as_of: 0
            })
        );
        for setting in costs.into_iter().chain(credit) {
            nonce += 1;
            let m = match setting {
                Setting::LotCost { instrument, cost } => {
                    OrderMessage::admin_lot_cost(admin, nonce, instrument, cost)
                }
                Setting::Credit {
                    target,
                    credit,
                    as_of,
                } => OrderMessage::admin_credit(admin, nonce, target, credit, as_of),
            };
            assert_eq!(send(m, &mut mirror, &mut engine)[0].kind, EventKind::Admin);
        }
        // No change, nothing due.
        assert_eq!(desk.review_account(&engine, &mirror, 7), None);
        let order = |nonce, qty| {
            OrderMessage::new_order(
                7,
                nonce,
                1,
                Side::Buy,
                180_000,
                qty,
                TimeInForce::Gtc,
                StpMode::Default,
                nonce,
            )
        };
        // 2,197 lots pass (the margin engine agrees), one more lot does not fit.
        assert!(engine
            .check_order(7, 1, Side::Buy, 180_000, 2_197, false)
            .is_ok());
        assert_eq!(
            send(order(1, 2_197), &mut mirror, &mut engine)[0].kind,
            EventKind::Accepted
        );
        assert_eq!(mirror.credit(7).used, 999_635);
        let refused = send(order(2, 1), &mut mirror, &mut engine);
        assert_eq!(refused[0].reason, Reason::CreditExceeded);
        // The desk re-grants from the engine's state: the open order's IM is 2,197 lots ×
        // 90 USD × 1% = 1,977.30 USD, so 8,022.70 USD are free: 802,270 units beyond the
        // counter it saw — far above the 365 left, so it is due.
        assert_eq!(
            desk.review_account(&engine, &mirror, 7),
            Some(Setting::Credit {
                target: 7,
                credit: 802_270,
                as_of: 999_635
            })
        );
    }

    #[test]
    fn the_mirror_rebuilds_the_sequencers_credit_table_from_events() {
        // Proves CreditMirror, fed only the events, holds the sequencer's credit and costs
        // after a demo workload with admin messages and credit rejections in it: on the
        // embedded venue, and with `fok_orders_max = 1`, where FOKs are rejected
        // fok_too_deep after their cost was consumed (some on books with a cost per lot),
        // so the mirror must count those as it counts fok_cannot_fill.
        let embedded = VenueConfig::embedded();
        let text = crate::config::DEFAULT_CONFIG_TOML.replacen(
            "fok_orders_max = 256",
            "fok_orders_max = 1",
            1,
        );
        let shallow = VenueConfig::parse(&text, "test").unwrap();
        assert_eq!(shallow.venue.fok_orders_max, 1);
        for venue in [embedded, shallow] {
            let w = generate(
                &venue,
                Spec {
                    sign: false,
                    ..Spec::demo(5, 30_000)
                },
                &|_| {},
            );
            let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&venue);
            let mut mirror = CreditMirror::new(&venue);
            let mut rejected = 0;
            let mut too_deep_at_a_cost = 0;
            for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
                let input = Input {
                    arrival_ns: s.arrival_ns,
                    message: s.message,
                    signature_ok: ok,
                };
                for e in sequencer.handle(&input) {
                    rejected += u32::from(e.reason == Reason::CreditExceeded);
                    too_deep_at_a_cost += u32::from(
                        e.reason == Reason::FokTooDeep && mirror.lot_cost(e.instrument) > 0,
                    );
                    mirror.observe(e);
                }
            }
            assert!(rejected > 0, "the workload exercises the credit check");
            let fok_orders_max = venue.venue.fok_orders_max;
            assert_eq!(
                too_deep_at_a_cost > 0,
                fok_orders_max == 1,
                "fok_too_deep at a cost: {too_deep_at_a_cost} (fok_orders_max {fok_orders_max})"
            );
            for account in 0..venue.venue.accounts_max {
                assert_eq!(
                    mirror.credit(account),
                    sequencer.credit(account),
                    "account {account}, fok_orders_max {fok_orders_max}"
                );
            }
            for (book, i) in venue.instruments.iter().enumerate() {
                assert_eq!(mirror.lot_cost(i.id), sequencer.lot_cost(book));
            }
        }
    }
}
