//! The simple baseline: each side of a book is a `BTreeMap<price, VecDeque<slot>>`. Written
//! independently of [`super::LadderBook`] and kept obvious, it is the oracle the product
//! engine is diffed against in property tests and the baseline `ordo bench matching` reports
//! ratios against. It issues order ids by the same contract (see [`super::next_generation`]).

use std::collections::{BTreeMap, VecDeque};

use abi::{Event, EventKind, OrderId, Reason, Side, TimeInForce};

use super::{
    accepted_event, crosses, fill_event, next_generation, removed_event, self_trade_action,
    taker_view, Matcher, NewOrder, RestingOrder, SelfTradeAction,
};
use crate::config::VenueConfig;

type Levels = BTreeMap<u32, VecDeque<u32>>;

pub struct BTreeBook {
    /// Per book: bids, asks.
    books: Vec<[Levels; 2]>,
    instruments: Vec<u16>,
    orders: Vec<Option<RestingOrder>>,
    generations: Vec<u32>,
    /// Free slots; the top of the stack is the last element.
    free: Vec<u32>,
    /// `venue.fok_orders_max`.
    fok_orders_max: u32,
}

impl BTreeBook {
    /// Price levels of the side opposite a taker, best first.
    fn crossing_prices(&self, order: &NewOrder) -> Vec<u32> {
        let levels = &self.books[order.book][order.side.opposite() as usize];
        let prices: Vec<u32> = match order.side {
            Side::Buy => levels.keys().copied().collect(),
            Side::Sell => levels.keys().rev().copied().collect(),
        };
        prices
            .into_iter()
            .take_while(|&p| crosses(order.side, order.price_ticks, p))
            .collect()
    }

    /// The FOK check of abi.md §11 over the crossing `prices` (best first): the resting
    /// orders in priority order, at most `fok_orders_max` of them visited.
    fn fok_check(&self, order: &NewOrder, prices: &[u32]) -> Result<(), Reason> {
        let opposite = &self.books[order.book][order.side.opposite() as usize];
        let makers = prices
            .iter()
            .flat_map(|price| opposite[price].iter())
            .map(|slot| self.orders[*slot as usize].as_ref().unwrap());
        let mut available = 0u64;
        // `visited`: the orders visited before this one.
        for (visited, maker) in makers.enumerate() {
            if visited == self.fok_orders_max as usize {
                return Err(Reason::FokTooDeep);
            }
            match self_trade_action(order, maker.account) {
                SelfTradeAction::Trade => available += u64::from(maker.qty_lots),
                SelfTradeAction::CancelMaker => {}
                SelfTradeAction::CancelTaker | SelfTradeAction::CancelBoth => {
                    return Err(Reason::FokCannotFill)
                }
            }
            if available >= u64::from(order.qty_lots) {
                return Ok(());
            }
        }
        Err(Reason::FokCannotFill)
    }

    fn remove_from_level(&mut self, slot: u32) -> RestingOrder {
        let order = self.orders[slot as usize].take().expect("resting");
        let book = self
            .instruments
            .iter()
            .position(|&i| i == order.instrument)
            .unwrap();
        let levels = &mut self.books[book][order.side as usize];
        let queue = levels.get_mut(&order.price_ticks).unwrap();
        queue.retain(|&s| s != slot);
        if queue.is_empty() {
            levels.remove(&order.price_ticks);
        }
        self.free.push(slot);
        order
    }
}

impl Matcher for BTreeBook {
    fn with_config(config: &VenueConfig) -> BTreeBook {
        let pool = config.venue.orders_resting_max;
        BTreeBook {
            books: config
                .instruments
                .iter()
                .map(|_| [Levels::new(), Levels::new()])
                .collect(),
            instruments: config.instruments.iter().map(|i| i.id).collect(),
            orders: vec![None; pool as usize],
            generations: vec![0; pool as usize],
            free: (0..pool).rev().collect(),
            fok_orders_max: config.venue.fok_orders_max,
        }
    }

    fn new_order(&mut self, order: &NewOrder, events: &mut Vec<Event>) -> Result<(), Reason> {
        let prices = self.crossing_prices(order);
        if order.time_in_force == TimeInForce::PostOnly && !prices.is_empty() {
            return Err(Reason::PostOnlyWouldCross);
        }
        if order.time_in_force == TimeInForce::Fok {
            self.fok_check(order, &prices)?;
        }
        let slot = self.free.pop().ok_or(Reason::OrderPoolFull)?;
        self.generations[slot as usize] = next_generation(self.generations[slot as usize]);
        let id = OrderId::new(slot, self.generations[slot as usize]);
        events.push(accepted_event(order, id));

        let mut remaining = order.qty_lots;
        let mut stopped = false;
        'levels: for price in prices {
            loop {
                if remaining == 0 {
                    break 'levels;
                }
                let queue = &self.books[order.book][order.side.opposite() as usize];
                let Some(&maker_slot) = queue.get(&price).and_then(|q| q.front()) else {
                    break;
                };
                let maker = self.orders[maker_slot as usize].unwrap();
                let action = self_trade_action(order, maker.account);
                if action == SelfTradeAction::Trade {
                    let qty = remaining.min(maker.qty_lots);
                    remaining -= qty;
                    let after = RestingOrder {
                        qty_lots: maker.qty_lots - qty,
                        ..maker
                    };
                    events.push(fill_event(
                        order,
                        id,
                        remaining,
                        after.order_id,
                        after.account,
                        after.price_ticks,
                        after.qty_lots,
                        qty,
                    ));
                    if after.qty_lots == 0 {
                        self.remove_from_level(maker_slot);
                    } else {
                        self.orders[maker_slot as usize] = Some(after);
                    }
                    continue;
                }
                if matches!(
                    action,
                    SelfTradeAction::CancelMaker | SelfTradeAction::CancelBoth
                ) {
                    let gone = self.remove_from_level(maker_slot);
                    events.push(removed_event(
                        EventKind::Cancelled,
                        Reason::SelfTrade,
                        &gone,
                    ));
                }
                if matches!(
                    action,
                    SelfTradeAction::CancelTaker | SelfTradeAction::CancelBoth
                ) {
                    stopped = true;
                    break 'levels;
                }
            }
        }
        let taker = taker_view(order, id, remaining);
        let rests = remaining > 0
            && !stopped
            && matches!(
                order.time_in_force,
                TimeInForce::Gtc | TimeInForce::PostOnly
            );
        if remaining > 0 && stopped {
            events.push(removed_event(
                EventKind::Cancelled,
                Reason::SelfTrade,
                &taker,
            ));
        } else if remaining > 0 && order.time_in_force == TimeInForce::Ioc {
            events.push(removed_event(EventKind::Expired, Reason::None, &taker));
        }
        assert!(!(remaining > 0 && order.time_in_force == TimeInForce::Fok && !stopped));
        if rests {
            self.orders[slot as usize] = Some(taker);
            self.books[order.book][order.side as usize]
                .entry(order.price_ticks)
                .or_default()
                .push_back(slot);
        } else {
            self.free.push(slot);
        }
        Ok(())
    }

    fn cancel(
        &mut self,
        account: u32,
        book: usize,
        target: OrderId,
        events: &mut Vec<Event>,
    ) -> Result<(), Reason> {
        let slot = target.slot() as usize;
        let Some(Some(order)) = self.orders.get(slot) else {
            return Err(Reason::UnknownOrder);
        };
        if order.order_id != target || order.instrument != self.instruments[book] {
            return Err(Reason::UnknownOrder);
        }
        if order.account != account {
            return Err(Reason::NotOrderOwner);
        }
        let gone = self.remove_from_level(slot as u32);
        events.push(removed_event(EventKind::Cancelled, Reason::None, &gone));
        Ok(())
    }

    fn resting_orders(&self) -> Vec<RestingOrder> {
        let mut out = Vec::new();
        for [bids, asks] in &self.books {
            for queue in bids.values().rev().chain(asks.values()) {
                out.extend(queue.iter().map(|&s| self.orders[s as usize].unwrap()));
            }
        }
        out
    }
}
