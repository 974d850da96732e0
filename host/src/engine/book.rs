//! The product matching engine: per book and side a price ladder over the band, each level a
//! FIFO of resting orders linked through one global order pool, and a two-level bitmap that
//! finds the best (or next) non-empty level in two word scans. The same structure is what the
//! card keeps in block RAM, so the software path and the hardware share their bounds.
//!
//! No allocation after construction: the pool, ladders and bitmaps are sized from the config.

use abi::{Event, EventKind, OrderId, Reason, Side, TimeInForce};

use super::{
    accepted_event, crosses, fill_event, next_generation, removed_event, self_trade_action,
    taker_view, Matcher, NewOrder, RestingOrder, SelfTradeAction,
};
use crate::config::{VenueConfig, LEVELS_PER_SIDE_LIMIT};

/// End of a list.
const NIL: u32 = u32::MAX;

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
    client_ref: u64,
}

#[derive(Debug, Clone, Copy)]
struct Level {
    head: u32,
    tail: u32,
}

/// One side of one book: levels indexed by `price - price_min`, and the bitmap of non-empty
/// levels (`words`) with its summary (bit w set when `words[w] != 0`).
struct Ladder {
    levels: Vec<Level>,
    words: Vec<u64>,
    summary: u64,
}

const _: () = assert!(LEVELS_PER_SIDE_LIMIT as usize <= 64 * 64);

impl Ladder {
    fn new(levels: usize) -> Ladder {
        assert!(levels > 0 && levels <= LEVELS_PER_SIDE_LIMIT as usize);
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
        }
    }

    #[inline]
    fn mark(&mut self, index: usize) {
        self.words[index >> 6] |= 1 << (index & 63);
        self.summary |= 1 << (index >> 6);
    }

    #[inline]
    fn unmark(&mut self, index: usize) {
        let word = index >> 6;
        self.words[word] &= !(1 << (index & 63));
        if self.words[word] == 0 {
            self.summary &= !(1 << word);
        }
    }

    /// Lowest non-empty level at or above `index`.
    #[inline]
    fn lowest_from(&self, index: usize) -> Option<usize> {
        let word = index >> 6;
        if word >= self.words.len() {
            return None;
        }
        let bits = self.words[word] & (u64::MAX << (index & 63));
        if bits != 0 {
            return Some((word << 6) | bits.trailing_zeros() as usize);
        }
        let above = if word == 63 {
            0
        } else {
            self.summary & (u64::MAX << (word + 1))
        };
        if above == 0 {
            return None;
        }
        let word = above.trailing_zeros() as usize;
        Some((word << 6) | self.words[word].trailing_zeros() as usize)
    }

    /// Highest non-empty level at or below `index`.
    #[inline]
    fn highest_to(&self, index: usize) -> Option<usize> {
        let word = index >> 6;
        let bits = self.words[word] & (u64::MAX >> (63 - (index & 63)));
        if bits != 0 {
            return Some((word << 6) | (63 - bits.leading_zeros() as usize));
        }
        let below = self.summary & ((1u64 << word) - 1);
        if below == 0 {
            return None;
        }
        let word = 63 - below.leading_zeros() as usize;
        Some((word << 6) | (63 - self.words[word].leading_zeros() as usize))
    }
}

struct Book {
    instrument: u16,
    price_min_ticks: u32,
    /// Indexed by `Side as usize`: bids, asks.
    sides: [Ladder; 2],
}

impl Book {
    /// The best level of `side` at or better than level `limit` (as seen by a taker on the
    /// other side: asks from `0` up to `limit`, bids from the top down to `limit`).
    #[inline]
    fn best(&self, side: Side) -> Option<usize> {
        let ladder = &self.sides[side as usize];
        match side {
            Side::Buy => ladder.highest_to(ladder.levels.len() - 1),
            Side::Sell => ladder.lowest_from(0),
        }
    }

    /// The next level of `side` after `index` in priority order.
    #[inline]
    fn next_after(&self, side: Side, index: usize) -> Option<usize> {
        let ladder = &self.sides[side as usize];
        match side {
            Side::Buy => index.checked_sub(1).and_then(|i| ladder.highest_to(i)),
            Side::Sell => ladder.lowest_from(index + 1),
        }
    }
}

/// Ladder-and-bitmap books over one order pool.
pub struct LadderBook {
    slots: Vec<Slot>,
    free_head: u32,
    books: Vec<Book>,
}

impl LadderBook {
    fn price_of(&self, book: usize, index: usize) -> u32 {
        self.books[book].price_min_ticks + index as u32
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
            client_ref: s.client_ref,
        }
    }

    /// Pop a slot and issue its next id.
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

    fn release(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.resting = false;
        s.next = self.free_head;
        self.free_head = slot;
    }

    /// Append `slot` (already filled in) at the tail of its level.
    fn link(&mut self, slot: u32) {
        let s = self.slots[slot as usize];
        let book = usize::from(s.book);
        let index = (s.price_ticks - self.books[book].price_min_ticks) as usize;
        let ladder = &mut self.books[book].sides[s.side as usize];
        let tail = ladder.levels[index].tail;
        if tail == NIL {
            ladder.levels[index].head = slot;
            ladder.mark(index);
        } else {
            self.slots[tail as usize].next = slot;
        }
        ladder.levels[index].tail = slot;
        let s = &mut self.slots[slot as usize];
        s.prev = tail;
        s.next = NIL;
        s.resting = true;
    }

    /// Remove `slot` from its level (anywhere in the FIFO) and free it.
    fn unlink(&mut self, slot: u32) {
        let s = self.slots[slot as usize];
        debug_assert!(s.resting);
        let book = usize::from(s.book);
        let index = (s.price_ticks - self.books[book].price_min_ticks) as usize;
        if s.prev != NIL {
            self.slots[s.prev as usize].next = s.next;
        }
        if s.next != NIL {
            self.slots[s.next as usize].prev = s.prev;
        }
        let ladder = &mut self.books[book].sides[s.side as usize];
        let level = &mut ladder.levels[index];
        if level.head == slot {
            level.head = s.next;
        }
        if level.tail == slot {
            level.tail = s.prev;
        }
        if ladder.levels[index].head == NIL {
            ladder.unmark(index);
        }
        self.release(slot);
    }

    /// Can a FOK taker fill in full right now? Walks the crossing orders in priority order
    /// exactly as matching would, applying STP (own orders are skipped under cancel-oldest
    /// and end the walk under cancel-newest/both).
    fn fok_fillable(&self, order: &NewOrder) -> bool {
        let book = &self.books[order.book];
        let opposite = order.side.opposite();
        let mut available: u64 = 0;
        let mut level = book.best(opposite);
        while let Some(index) = level {
            if !crosses(
                order.side,
                order.price_ticks,
                self.price_of(order.book, index),
            ) {
                return false;
            }
            let mut slot = book.sides[opposite as usize].levels[index].head;
            while slot != NIL {
                let s = &self.slots[slot as usize];
                match self_trade_action(order, s.account) {
                    SelfTradeAction::Trade => available += u64::from(s.qty_lots),
                    SelfTradeAction::CancelMaker => {}
                    SelfTradeAction::CancelTaker | SelfTradeAction::CancelBoth => return false,
                }
                if available >= u64::from(order.qty_lots) {
                    return true;
                }
                slot = s.next;
            }
            level = book.next_after(opposite, index);
        }
        false
    }

    /// Would `order` trade on entry (post-only check)?
    fn would_cross(&self, order: &NewOrder) -> bool {
        let opposite = order.side.opposite();
        self.books[order.book]
            .best(opposite)
            .is_some_and(|i| crosses(order.side, order.price_ticks, self.price_of(order.book, i)))
    }

    /// Trade `order` against the book; returns its open quantity and whether STP stopped it.
    fn execute(&mut self, order: &NewOrder, id: OrderId, events: &mut Vec<Event>) -> (u32, bool) {
        let opposite = order.side.opposite();
        let mut remaining = order.qty_lots;
        while remaining > 0 {
            let Some(index) = self.books[order.book].best(opposite) else {
                break;
            };
            if !crosses(
                order.side,
                order.price_ticks,
                self.price_of(order.book, index),
            ) {
                break;
            }
            let slot = self.books[order.book].sides[opposite as usize].levels[index].head;
            let maker_account = self.slots[slot as usize].account;
            match self_trade_action(order, maker_account) {
                SelfTradeAction::Trade => {
                    let maker = &mut self.slots[slot as usize];
                    let qty = remaining.min(maker.qty_lots);
                    maker.qty_lots -= qty;
                    remaining -= qty;
                    let maker_view = self.view(slot);
                    events.push(fill_event(order, id, remaining, &maker_view, qty));
                    if maker_view.qty_lots == 0 {
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

impl Matcher for LadderBook {
    fn with_config(config: &VenueConfig) -> LadderBook {
        let pool = config.venue.orders_resting_max;
        let slots = (0..pool)
            .map(|i| Slot {
                next: if i + 1 == pool { NIL } else { i + 1 },
                prev: NIL,
                qty_lots: 0,
                price_ticks: 0,
                account: 0,
                generation: 0,
                book: 0,
                side: Side::Buy,
                resting: false,
                client_ref: 0,
            })
            .collect();
        let books = config
            .instruments
            .iter()
            .map(|i| {
                let levels = i.levels() as usize;
                Book {
                    instrument: i.id,
                    price_min_ticks: i.price_min_ticks(),
                    sides: [Ladder::new(levels), Ladder::new(levels)],
                }
            })
            .collect();
        LadderBook {
            slots,
            free_head: 0,
            books,
        }
    }

    fn new_order(&mut self, order: &NewOrder, events: &mut Vec<Event>) -> Result<(), Reason> {
        match order.time_in_force {
            TimeInForce::PostOnly if self.would_cross(order) => {
                return Err(Reason::PostOnlyWouldCross)
            }
            TimeInForce::Fok if !self.fok_fillable(order) => return Err(Reason::FokCannotFill),
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
                TimeInForce::Gtc | TimeInForce::PostOnly => {
                    let s = &mut self.slots[slot as usize];
                    s.qty_lots = remaining;
                    s.price_ticks = order.price_ticks;
                    s.account = order.account;
                    s.book = order.book as u16;
                    s.side = order.side;
                    s.client_ref = order.client_ref;
                    self.link(slot);
                }
                TimeInForce::Ioc => {
                    let taker = taker_view(order, id, remaining);
                    events.push(removed_event(EventKind::Expired, Reason::None, &taker));
                    self.release(slot);
                }
                TimeInForce::Fok => unreachable!("fok_fillable promised a full fill"),
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
            for side in [Side::Buy, Side::Sell] {
                let mut level = book.best(side);
                while let Some(index) = level {
                    let mut slot = book.sides[side as usize].levels[index].head;
                    assert!(slot != NIL, "a marked level is never empty");
                    while slot != NIL {
                        out.push(self.view(slot));
                        slot = self.slots[slot as usize].next;
                    }
                    level = book.next_after(side, index);
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
        // Proves lowest_from/highest_to against brute force on a sparse pattern that crosses
        // word boundaries, including the first and last level of a full 4095-level ladder.
        let mut ladder = Ladder::new(4095);
        let marked = [0usize, 1, 63, 64, 127, 700, 2047, 4031, 4032, 4094];
        for &i in &marked {
            ladder.mark(i);
        }
        for probe in 0..4095 {
            let low = marked.iter().copied().filter(|&m| m >= probe).min();
            let high = marked.iter().copied().filter(|&m| m <= probe).max();
            assert_eq!(ladder.lowest_from(probe), low, "lowest_from({probe})");
            assert_eq!(ladder.highest_to(probe), high, "highest_to({probe})");
        }
        for &i in &marked {
            ladder.unmark(i);
        }
        assert_eq!(ladder.summary, 0);
        assert_eq!(ladder.lowest_from(0), None);
    }
}
