//! The product matching engine: per book and side a price ladder over the band, each level a
//! FIFO of resting orders linked through one global order pool, and a two-level bitmap that
//! finds the best (or next) non-empty level in two word scans. The same structure is what the
//! card keeps in block RAM, so the software path and the hardware share their bounds.
//!
//! No allocation after construction: the pool, ladders and bitmaps are sized from the config
//! (their bytes: [`ORDER_SLOT_BYTES`], [`ladder_bytes`], summed by `VenueConfig::memory`).

use std::mem::size_of;

use abi::{Event, EventKind, OrderId, Reason, Side, TimeInForce};

use super::{
    accepted_event, fill_event, next_generation, removed_event, self_trade_action, taker_view,
    Matcher, NewOrder, RestingOrder, SelfTradeAction,
};
use crate::config::{VenueConfig, LEVELS_PER_SIDE_LIMIT};

/// End of a list.
const NIL: u32 = u32::MAX;

/// Hot part of an order slot (the client reference, needed only when an order leaves, is kept
/// apart in `LadderBook::client_refs`).
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Next order at the same level (or next free slot).
    next: u32,
    /// Previous order at the same level.
    prev: u32,
    qty_lots: u32,
    price_ticks: u32,
    account: u32,
    generation: u32,
    book: u16,
    side: Side,
    resting: bool,
}

#[derive(Debug, Clone, Copy)]
struct Level {
    head: u32,
    tail: u32,
}

/// One side of one book. Levels are indexed by *priority key*: the distance in ticks from the
/// best price the side could have (`key = price - price_min` for asks, `price_max - price`
/// for bids), so on both sides the best level is the lowest non-empty key and one scan
/// direction serves both (the card uses the same trick: one priority encoder). `words` is the
/// bitmap of non-empty keys and `summary` has bit w set when `words[w] != 0`.
struct Ladder {
    levels: Vec<Level>,
    words: Vec<u64>,
    summary: u64,
    /// Price at key 0.
    base_ticks: u32,
    /// 1 for asks, u32::MAX (that is, -1 in wrapping arithmetic) for bids.
    direction: u32,
}

const _: () = assert!(LEVELS_PER_SIDE_LIMIT as usize <= 64 * 64);

impl Ladder {
    fn new(side: Side, price_min_ticks: u32, price_max_ticks: u32) -> Ladder {
        let levels = (price_max_ticks - price_min_ticks + 1) as usize;
        assert!(levels <= LEVELS_PER_SIDE_LIMIT as usize);
        let (base_ticks, direction) = match side {
            Side::Buy => (price_max_ticks, u32::MAX),
            Side::Sell => (price_min_ticks, 1),
        };
        Ladder {
            levels: vec![
                Level {
                    head: NIL,
                    tail: NIL
                };
                levels
            ],
            words: vec![0; levels.div_ceil(64)],
            summary: 0,
            base_ticks,
            direction,
        }
    }

    /// Priority key of an in-band price.
    #[inline]
    fn key_of(&self, price_ticks: u32) -> usize {
        let key = price_ticks
            .wrapping_sub(self.base_ticks)
            .wrapping_mul(self.direction) as usize;
        debug_assert!(key < self.levels.len());
        key
    }

    fn price_of(&self, key: usize) -> u32 {
        self.base_ticks
            .wrapping_add((key as u32).wrapping_mul(self.direction))
    }

    #[inline]
    fn mark(&mut self, key: usize) {
        self.words[key >> 6] |= 1 << (key & 63);
        self.summary |= 1 << (key >> 6);
    }

    /// Clear `key`'s bit when `emptied` (branch-free: the caller's condition is random).
    #[inline]
    fn unmark_if(&mut self, key: usize, emptied: bool) {
        let word = key >> 6;
        self.words[word] &= !(u64::from(emptied) << (key & 63));
        self.summary &= !(u64::from(self.words[word] == 0) << word);
    }

    /// The best non-empty level.
    #[inline]
    fn best(&self) -> Option<usize> {
        if self.summary == 0 {
            return None;
        }
        let word = self.summary.trailing_zeros() as usize;
        Some((word << 6) | self.words[word].trailing_zeros() as usize)
    }

    /// The first non-empty level at or after `key` in priority order.
    #[inline]
    fn first_from(&self, key: usize) -> Option<usize> {
        let word = key >> 6;
        if word >= self.words.len() {
            return None;
        }
        let bits = self.words[word] & (u64::MAX << (key & 63));
        if bits != 0 {
            return Some((word << 6) | bits.trailing_zeros() as usize);
        }
        let after = if word == 63 {
            0
        } else {
            self.summary & (u64::MAX << (word + 1))
        };
        if after == 0 {
            return None;
        }
        let word = after.trailing_zeros() as usize;
        Some((word << 6) | self.words[word].trailing_zeros() as usize)
    }
}

struct Book {
    instrument: u16,
    /// Indexed by `Side as usize`: bids, asks.
    sides: [Ladder; 2],
}

/// Ladder-and-bitmap books over one order pool.
pub struct LadderBook {
    slots: Vec<Slot>,
    client_refs: Vec<u64>,
    free_head: u32,
    books: Vec<Book>,
    /// `venue.fok_orders_max`: the most resting orders one FOK check visits.
    fok_orders_max: u32,
}

impl LadderBook {
    /// Best bid and best ask of the instrument's book (None: that side is empty, or no
    /// such book).
    pub fn best_prices(&self, instrument: u16) -> (Option<u32>, Option<u32>) {
        let Some(book) = self.books.iter().find(|b| b.instrument == instrument) else {
            return (None, None);
        };
        let best = |ladder: &Ladder| ladder.best().map(|key| ladder.price_of(key));
        (best(&book.sides[0]), best(&book.sides[1]))
    }

    fn view(&self, slot: u32) -> RestingOrder {
        let s = &self.slots[slot as usize];
        RestingOrder {
            order_id: OrderId::new(slot, s.generation),
            instrument: self.books[usize::from(s.book)].instrument,
            side: s.side,
            price_ticks: s.price_ticks,
            qty_lots: s.qty_lots,
            account: s.account,
            client_ref: self.client_refs[slot as usize],
        }
    }

    /// Pop a slot and issue its next id.
    #[inline]
    fn allocate(&mut self) -> Option<u32> {
        let slot = self.free_head;
        if slot == NIL {
            return None;
        }
        let s = &mut self.slots[slot as usize];
        self.free_head = s.next;
        s.generation = next_generation(s.generation);
        s.next = NIL;
        s.resting = false;
        Some(slot)
    }

    #[inline]
    fn release(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.resting = false;
        s.next = self.free_head;
        self.free_head = slot;
    }

    /// Rest `order` in `slot` at the tail of its level.
    fn link(&mut self, slot: u32, order: &NewOrder, qty_lots: u32) {
        let ladder = &mut self.books[order.book].sides[order.side as usize];
        let key = ladder.key_of(order.price_ticks);
        let tail = ladder.levels[key].tail;
        if tail == NIL {
            ladder.levels[key].head = slot;
            ladder.mark(key);
        } else {
            self.slots[tail as usize].next = slot;
        }
        ladder.levels[key].tail = slot;
        let s = &mut self.slots[slot as usize];
        s.prev = tail;
        s.next = NIL;
        s.qty_lots = qty_lots;
        s.price_ticks = order.price_ticks;
        s.account = order.account;
        s.book = order.book as u16;
        s.side = order.side;
        s.resting = true;
        self.client_refs[slot as usize] = order.client_ref;
    }

    /// Remove `slot` from its level (anywhere in the FIFO) and free it. Branch-free on the
    /// position in the FIFO: a missing neighbour is the spare slot at index `pool`, which
    /// absorbs the write (cancels hit random positions, so branches here mispredict).
    fn unlink(&mut self, slot: u32) {
        let s = self.slots[slot as usize];
        debug_assert!(s.resting);
        let spare = self.spare_slot();
        let prev = if s.prev == NIL { spare } else { s.prev };
        let next = if s.next == NIL { spare } else { s.next };
        self.slots[prev as usize].next = s.next;
        self.slots[next as usize].prev = s.prev;
        let ladder = &mut self.books[usize::from(s.book)].sides[s.side as usize];
        let key = ladder.key_of(s.price_ticks);
        let level = &mut ladder.levels[key];
        level.head = if level.head == slot {
            s.next
        } else {
            level.head
        };
        level.tail = if level.tail == slot {
            s.prev
        } else {
            level.tail
        };
        ladder.unmark_if(key, (s.prev == NIL) & (s.next == NIL));
        self.release(slot);
    }

    /// Index of the spare slot (never allocated; absorbs writes to a missing neighbour).
    #[inline]
    fn spare_slot(&self) -> u32 {
        (self.slots.len() - 1) as u32
    }

    /// The FOK check (abi.md §11): can the taker fill in full right now, visiting at most
    /// `fok_orders_max` resting orders? Walks the crossing orders in priority order exactly
    /// as matching would, applying STP (own orders are skipped under cancel-oldest, and
    /// count as visited; they end the walk under cancel-newest/both). `Err(FokTooDeep)` when
    /// the next order to visit would be one more than the cap, `Err(FokCannotFill)` when
    /// the crossing orders run out or STP ends the walk first.
    fn fok_check(&self, order: &NewOrder) -> Result<(), Reason> {
        let ladder = &self.books[order.book].sides[order.side.opposite() as usize];
        let limit_key = ladder.key_of(order.price_ticks);
        let mut visited: u32 = 0;
        let mut available: u64 = 0;
        let mut level = ladder.best();
        while let Some(key) = level.filter(|&key| key <= limit_key) {
            let mut slot = ladder.levels[key].head;
            while slot != NIL {
                if visited == self.fok_orders_max {
                    return Err(Reason::FokTooDeep);
                }
                visited += 1;
                let s = &self.slots[slot as usize];
                match self_trade_action(order, s.account) {
                    SelfTradeAction::Trade => available += u64::from(s.qty_lots),
                    SelfTradeAction::CancelMaker => {}
                    SelfTradeAction::CancelTaker | SelfTradeAction::CancelBoth => {
                        return Err(Reason::FokCannotFill)
                    }
                }
                if available >= u64::from(order.qty_lots) {
                    return Ok(());
                }
                slot = s.next;
            }
            level = ladder.first_from(key + 1);
        }
        Err(Reason::FokCannotFill)
    }

    /// Would `order` trade on entry (post-only check)?
    fn would_cross(&self, order: &NewOrder) -> bool {
        let ladder = &self.books[order.book].sides[order.side.opposite() as usize];
        ladder
            .best()
            .is_some_and(|key| key <= ladder.key_of(order.price_ticks))
    }

    /// Trade `order` against the book; returns its open quantity and whether STP stopped it.
    fn execute(&mut self, order: &NewOrder, id: OrderId, events: &mut Vec<Event>) -> (u32, bool) {
        let opposite = order.side.opposite() as usize;
        let limit_key = self.books[order.book].sides[opposite].key_of(order.price_ticks);
        let mut remaining = order.qty_lots;
        while remaining > 0 {
            let ladder = &self.books[order.book].sides[opposite];
            let Some(key) = ladder.best().filter(|&key| key <= limit_key) else {
                break;
            };
            let slot = ladder.levels[key].head;
            let maker = &mut self.slots[slot as usize];
            match self_trade_action(order, maker.account) {
                SelfTradeAction::Trade => {
                    let qty = remaining.min(maker.qty_lots);
                    maker.qty_lots -= qty;
                    remaining -= qty;
                    let maker_id = OrderId::new(slot, maker.generation);
                    let maker_open = maker.qty_lots;
                    events.push(fill_event(
                        order,
                        id,
                        remaining,
                        maker_id,
                        maker.account,
                        maker.price_ticks,
                        maker_open,
                        qty,
                    ));
                    if maker_open == 0 {
                        self.unlink(slot);
                    }
                }
                SelfTradeAction::CancelMaker => self.cancel_self_trade(slot, events),
                SelfTradeAction::CancelTaker => return (remaining, true),
                SelfTradeAction::CancelBoth => {
                    self.cancel_self_trade(slot, events);
                    return (remaining, true);
                }
            }
        }
        (remaining, false)
    }

    fn cancel_self_trade(&mut self, slot: u32, events: &mut Vec<Event>) {
        events.push(removed_event(
            EventKind::Cancelled,
            Reason::SelfTrade,
            &self.view(slot),
        ));
        self.unlink(slot);
    }
}

/// Bytes [`Matcher::with_config`] allocates per order slot: the hot slot and its client
/// reference (the pool also has one spare slot, [`SPARE_SLOT_BYTES`]).
pub const ORDER_SLOT_BYTES: u64 = (size_of::<Slot>() + size_of::<u64>()) as u64;

/// The spare slot beyond the pool (see `unlink`).
pub const SPARE_SLOT_BYTES: u64 = size_of::<Slot>() as u64;

/// Bytes per book beside its ladders (the `Book` itself, in the books vector).
pub const BOOK_BYTES: u64 = size_of::<Book>() as u64;

/// Bytes one price level takes (its FIFO's ends), besides its bit in the bitmap.
pub const LEVEL_BYTES: u64 = size_of::<Level>() as u64;

/// Bytes [`Matcher::with_config`] allocates for one side of a book of `levels` levels: the
/// levels and the bitmap words over them.
pub fn ladder_bytes(levels: u32) -> u64 {
    let levels = u64::from(levels);
    levels * LEVEL_BYTES + levels.div_ceil(64) * size_of::<u64>() as u64
}

impl Matcher for LadderBook {
    fn with_config(config: &VenueConfig) -> LadderBook {
        let pool = config.venue.orders_resting_max;
        // One slot more than the pool: the spare (see `unlink`), outside the free list.
        let slots = (0..=pool)
            .map(|i| Slot {
                next: if i + 1 >= pool { NIL } else { i + 1 },
                prev: NIL,
                qty_lots: 0,
                price_ticks: 0,
                account: 0,
                generation: 0,
                book: 0,
                side: Side::Buy,
                resting: false,
            })
            .collect();
        let books = config
            .instruments
            .iter()
            .map(|i| {
                let (min, max) = (i.price_min_ticks(), i.price_max_ticks());
                Book {
                    instrument: i.id,
                    sides: [
                        Ladder::new(Side::Buy, min, max),
                        Ladder::new(Side::Sell, min, max),
                    ],
                }
            })
            .collect();
        LadderBook {
            slots,
            client_refs: vec![0; pool as usize],
            free_head: 0,
            books,
            fok_orders_max: config.venue.fok_orders_max,
        }
    }

    fn new_order(&mut self, order: &NewOrder, events: &mut Vec<Event>) -> Result<(), Reason> {
        match order.time_in_force {
            TimeInForce::PostOnly if self.would_cross(order) => {
                return Err(Reason::PostOnlyWouldCross)
            }
            TimeInForce::Fok => self.fok_check(order)?,
            _ => {}
        }
        let slot = self.allocate().ok_or(Reason::OrderPoolFull)?;
        let id = OrderId::new(slot, self.slots[slot as usize].generation);
        events.push(accepted_event(order, id));
        let (remaining, stopped_by_stp) = self.execute(order, id, events);
        if remaining == 0 {
            self.release(slot);
        } else if stopped_by_stp {
            let taker = taker_view(order, id, remaining);
            events.push(removed_event(
                EventKind::Cancelled,
                Reason::SelfTrade,
                &taker,
            ));
            self.release(slot);
        } else {
            match order.time_in_force {
                TimeInForce::Gtc | TimeInForce::PostOnly => self.link(slot, order, remaining),
                TimeInForce::Ioc => {
                    let taker = taker_view(order, id, remaining);
                    events.push(removed_event(EventKind::Expired, Reason::None, &taker));
                    self.release(slot);
                }
                TimeInForce::Fok => unreachable!("fok_check promised a full fill"),
            }
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
        let slot = target.slot();
        let s = self.slots.get(slot as usize).ok_or(Reason::UnknownOrder)?;
        if !s.resting || s.generation != target.generation() || usize::from(s.book) != book {
            return Err(Reason::UnknownOrder);
        }
        if s.account != account {
            return Err(Reason::NotOrderOwner);
        }
        events.push(removed_event(
            EventKind::Cancelled,
            Reason::None,
            &self.view(slot),
        ));
        self.unlink(slot);
        Ok(())
    }

    fn resting_orders(&self) -> Vec<RestingOrder> {
        let mut out = Vec::new();
        for book in &self.books {
            for ladder in &book.sides {
                let mut level = ladder.best();
                while let Some(key) = level {
                    let mut slot = ladder.levels[key].head;
                    assert!(slot != NIL, "a marked level is never empty");
                    while slot != NIL {
                        let order = self.view(slot);
                        assert_eq!(ladder.key_of(order.price_ticks), key);
                        out.push(order);
                        slot = self.slots[slot as usize].next;
                    }
                    level = ladder.first_from(key + 1);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmap_scans_agree_with_a_linear_scan() {
        // Proves best/first_from against brute force on a sparse pattern that crosses word
        // boundaries, including the first and last level of a full 4095-level ladder.
        let mut ladder = Ladder::new(Side::Sell, 1000, 1000 + 4094);
        let marked = [0usize, 1, 63, 64, 127, 700, 2047, 4031, 4032, 4094];
        for &i in &marked {
            ladder.mark(i);
        }
        assert_eq!(ladder.best(), Some(0));
        for probe in 0..4095 {
            let first = marked.iter().copied().filter(|&m| m >= probe).min();
            assert_eq!(ladder.first_from(probe), first, "first_from({probe})");
        }
        for &i in &marked {
            ladder.unmark_if(i, false);
            assert_eq!(ladder.first_from(i), Some(i));
            ladder.unmark_if(i, true);
        }
        assert_eq!(ladder.summary, 0);
        assert_eq!(ladder.best(), None);
        assert_eq!(ladder.first_from(0), None);
    }

    #[test]
    fn priority_keys_put_the_best_price_first_on_both_sides() {
        // Proves key 0 is the highest bid / lowest ask and keys round-trip to prices.
        let bids = Ladder::new(Side::Buy, 100, 110);
        let asks = Ladder::new(Side::Sell, 100, 110);
        assert_eq!((bids.key_of(110), bids.key_of(100)), (0, 10));
        assert_eq!((asks.key_of(100), asks.key_of(110)), (0, 10));
        for price in 100..=110 {
            assert_eq!(bids.price_of(bids.key_of(price)), price);
            assert_eq!(asks.price_of(asks.key_of(price)), price);
        }
    }
}
