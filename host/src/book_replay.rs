//! Rebuild the books from an event stream alone. A replica (or an auditor) that sees only the
//! events must reach the same resting orders as the engine that produced them; the property
//! tests check exactly that, and the replication layer will use it as its book replay check.

use std::collections::{BTreeMap, HashMap};
use std::mem::size_of;

use abi::{Event, EventKind, OrderId, Side};

use crate::config::VenueConfig;
use crate::engine::RestingOrder;

/// Bound on the bytes [`BookReplay`] holds per live order: its entry in `live` (the key and
/// value) three times over. Std's B-tree keeps 5 to 11 entries in a node of 11 (the root
/// fewer), plus a small header and, in inner nodes, 12 edges: at worst about 2.6 entries'
/// room per entry; `tests/memory.rs` measures it.
pub const LIVE_ORDER_BYTES_MAX: u64 = 3 * size_of::<(u64, (u64, RestingOrder))>() as u64;

/// The same bound per price level with open lots, in `levels`.
pub const LEVEL_BYTES_MAX: u64 = 3 * size_of::<(u32, u64)>() as u64;

/// Live orders as implied by the events seen so far.
#[derive(Default)]
pub struct BookReplay {
    /// Order id → (sequence number of its acceptance, order with its open quantity).
    live: BTreeMap<u64, (u64, RestingOrder)>,
    /// (instrument, side) → price → open lots at that price (the books' depth, for tops).
    levels: HashMap<(u16, u8), BTreeMap<u32, u64>>,
}

/// A book's best bid and ask (None: that side is empty).
pub type Top = (Option<u32>, Option<u32>);

/// An event the stream should not contain at this point.
#[derive(Debug, PartialEq, Eq)]
pub struct ReplayError {
    pub seq: u64,
    pub message: String,
}

impl BookReplay {
    pub fn apply(&mut self, e: &Event) -> Result<(), ReplayError> {
        let fail = |message: &str| {
            Err(ReplayError {
                seq: e.seq,
                message: message.to_string(),
            })
        };
        match e.kind {
            EventKind::Accepted => {
                let Some(side) = Side::from_u8(e.side) else {
                    return fail("accepted with bad side");
                };
                let order = RestingOrder {
                    order_id: OrderId(e.order_id),
                    instrument: e.instrument,
                    side,
                    price_ticks: e.price_ticks,
                    qty_lots: e.qty_lots,
                    account: e.account,
                    client_ref: e.client_ref,
                };
                if self.live.insert(e.order_id, (e.seq, order)).is_some() {
                    return fail("order id accepted twice while live");
                }
                self.change(&order, i64::from(order.qty_lots));
            }
            EventKind::Fill => {
                for (id, qty, remaining) in [
                    (e.maker_order_id, e.qty_lots, e.maker_remaining_lots),
                    (e.order_id, e.qty_lots, e.remaining_lots),
                ] {
                    let Some((_, order)) = self.live.get_mut(&id) else {
                        return fail("fill of an order that is not live");
                    };
                    if order.qty_lots < qty || order.qty_lots - qty != remaining {
                        return fail("fill quantities do not add up");
                    }
                    order.qty_lots = remaining;
                    let order = *order;
                    if remaining == 0 {
                        self.live.remove(&id);
                    }
                    self.change(&order, -i64::from(qty));
                }
            }
            EventKind::Cancelled | EventKind::Expired => match self.live.remove(&e.order_id) {
                Some((_, order)) if order.qty_lots == e.qty_lots => {
                    self.change(&order, -i64::from(order.qty_lots));
                }
                Some(_) => return fail("removed quantity differs from open quantity"),
                None => return fail("removal of an order that is not live"),
            },
            EventKind::Rejected | EventKind::Oracle | EventKind::Admin => {}
        }
        Ok(())
    }

    /// `lots` more (negative: fewer) open at `order`'s price on its book side.
    fn change(&mut self, order: &RestingOrder, lots: i64) {
        let level = self
            .levels
            .entry((order.instrument, order.side as u8))
            .or_default();
        let total = level.entry(order.price_ticks).or_default();
        *total = total.wrapping_add_signed(lots);
        if *total == 0 {
            level.remove(&order.price_ticks);
        }
    }

    /// Orders live now (accepted, and not yet filled, cancelled or expired).
    pub fn live_orders(&self) -> usize {
        self.live.len()
    }

    /// The best bid and ask of `instrument`'s book as the events imply them (a taker's
    /// quantity counts from its `accepted` event until its fills, expiry or cancel — read
    /// tops between messages).
    pub fn best_prices(&self, instrument: u16) -> Top {
        let best = |side: Side, highest: bool| {
            let level = self.levels.get(&(instrument, side as u8))?;
            if highest {
                level.keys().next_back().copied()
            } else {
                level.keys().next().copied()
            }
        };
        (best(Side::Buy, true), best(Side::Sell, false))
    }

    /// Resting orders in the engine's canonical order: by book (config order), bids then
    /// asks, best price first, then time priority.
    pub fn resting_orders(&self, config: &VenueConfig) -> Vec<RestingOrder> {
        let book_of = |instrument: u16| {
            config
                .instruments
                .iter()
                .position(|i| i.id == instrument)
                .unwrap_or(usize::MAX)
        };
        let mut orders: Vec<(u64, RestingOrder)> = self.live.values().copied().collect();
        orders.sort_by_key(|(accepted_seq, o)| {
            let price_key = match o.side {
                Side::Buy => u32::MAX - o.price_ticks,
                Side::Sell => o.price_ticks,
            };
            (
                book_of(o.instrument),
                o.side as u8,
                price_key,
                *accepted_seq,
            )
        });
        orders.into_iter().map(|(_, o)| o).collect()
    }
}
