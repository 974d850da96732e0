//! Matching core: price-time priority over several books, the contract's order types, STP
//! modes, reject reasons and order-id allocation (docs/abi.md §10–12), step for step as the
//! software `LadderBook` (host/src/engine/book.rs) so the events come out identical.
//!
//! Correctness-first: one FSM over block RAMs, one RAM access per table per cycle, no
//! pipelining (cycle budget and the way to the issue's goals: docs/hardware.md).
//!
//! Input: one validated message per handshake (`s_*`): `s_cancel`, `s_book` (3), `s_instrument`
//! (16), `s_account` (32), `s_side` (1: 0 buy, 1 sell), `s_price` (32), `s_qty` (32), `s_tif`
//! (2), `s_stp` (3, resolved: 1 none, 2 cancel newest, 3 cancel oldest, 4 both),
//! `s_client_ref` (64), `s_target` (64, cancel), `s_own_key` / `s_cross_key` (12: the limit's
//! priority key on its own side and on the opposite side).
//! Output: the message's events without sequence number and stamp (`m_*`, one per
//! handshake, fields as abi §5), then `s_ready` again.

use rust_hdl::prelude::*;

use crate::consts::*;

/// Order slots (the ECP5 configuration's `orders_resting_max`).
pub const SLOTS: usize = 1 << 14;
/// Price levels per book side: the priority keys (`s_own_key`, `s_cross_key`) are 12 bits.
pub const LEVELS_PER_SIDE: usize = 1 << 12;

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum MatcherState {
    Idle,
    PreCheck,
    FokLevel,
    FokOrder,
    FokNextLevel,
    Alloc,
    AllocRead,
    EmitAccepted,
    MatchFind,
    MatchLevel,
    MatchHead,
    MatchNext,
    MatchMaker,
    MatchDecide,
    EmitUnlink,
    UnlinkLevel,
    Finish,
    ReleaseTaker,
    LinkLevel,
    CancelCheck,
    FindStart,
    FindWord,
    FindSum,
    FindWord2,
    BitSum,
    Emit,
}

#[derive(LogicBlock, Default)]
pub struct Matcher {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_cancel: Signal<In, Bit>,
    pub s_book: Signal<In, Bits<3>>,
    pub s_instrument: Signal<In, Bits<16>>,
    pub s_account: Signal<In, Bits<32>>,
    pub s_side: Signal<In, Bit>,
    pub s_price: Signal<In, Bits<32>>,
    pub s_qty: Signal<In, Bits<32>>,
    pub s_tif: Signal<In, Bits<2>>,
    pub s_stp: Signal<In, Bits<3>>,
    pub s_client_ref: Signal<In, Bits<64>>,
    pub s_target: Signal<In, Bits<64>>,
    pub s_own_key: Signal<In, Bits<12>>,
    pub s_cross_key: Signal<In, Bits<12>>,
    /// The message's book's price band (resting prices are rebuilt from their keys).
    pub s_price_min: Signal<In, Bits<32>>,
    pub s_price_max: Signal<In, Bits<32>>,
    /// The venue's `orders_resting_max` (1 ..= SLOTS; 0: SLOTS) and `fok_orders_max`
    /// (1 ..= SLOTS; 0: unbounded), static configuration.
    pub s_orders_max: Signal<In, Bits<15>>,
    pub s_fok_orders_max: Signal<In, Bits<15>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_kind: Signal<Out, Bits<8>>,
    pub m_reason: Signal<Out, Bits<8>>,
    pub m_side: Signal<Out, Bits<8>>,
    pub m_instrument: Signal<Out, Bits<16>>,
    pub m_account: Signal<Out, Bits<32>>,
    pub m_price: Signal<Out, Bits<32>>,
    pub m_order_id: Signal<Out, Bits<64>>,
    pub m_qty: Signal<Out, Bits<32>>,
    pub m_remaining: Signal<Out, Bits<32>>,
    pub m_ref: Signal<Out, Bits<64>>,
    pub m_maker_account: Signal<Out, Bits<32>>,
    pub m_maker_remaining: Signal<Out, Bits<32>>,
    // Order slots.
    slot_qty: RAM<Bits<32>, 14>,
    /// Account ids are < validator::ACCOUNTS (≤ 65,536): 16 bits.
    slot_account: RAM<Bits<16>, 14>,
    slot_generation: RAM<Bits<32>, 14>,
    /// resting (16) ‖ book (13..16) ‖ side (12) ‖ key (0..12)
    slot_meta: RAM<Bits<17>, 14>,
    /// Level links, bit 14 = present. `slot_next` also links free slots. A head's
    /// `slot_prev` holds its level's tail, present bit clear.
    slot_prev: RAM<Bits<15>, 14>,
    slot_next: RAM<Bits<15>, 14>,
    // Levels: occupied (14) ‖ head (0..14); address book ‖ side ‖ key. A level's tail is
    // kept in its head's `slot_prev` (present bit clear): one read away, and 56 block RAMs
    // fewer than a head ‖ tail table (docs/hardware.md).
    level: RAM<Bits<15>, 16>,
    // Bitmaps: words (address book ‖ side ‖ word) and summaries (book ‖ side ‖ summary word).
    bitmap_word: RAM<Bits<32>, 11>,
    bitmap_summary: RAM<Bits<32>, 6>,
    /// Find-first-set of a bitmap word (`ctz_a`) and of a summary or a second word
    /// (`ctz_b`): input word, any bit set, lowest set bit (31 when none).
    ctz_a_word: Signal<Local, Bits<32>>,
    ctz_a_found: Signal<Local, Bit>,
    ctz_a_index: Signal<Local, Bits<5>>,
    ctz_b_word: Signal<Local, Bits<32>>,
    ctz_b_found: Signal<Local, Bit>,
    ctz_b_index: Signal<Local, Bits<5>>,
    state: DFF<MatcherState>,
    find_return: DFF<MatcherState>,
    bit_return: DFF<MatcherState>,
    unlink_return: DFF<MatcherState>,
    emit_return: DFF<MatcherState>,
    // The message.
    cancel: DFF<Bit>,
    book: DFF<Bits<3>>,
    instrument: DFF<Bits<16>>,
    account: DFF<Bits<32>>,
    side: DFF<Bit>,
    price: DFF<Bits<32>>,
    qty: DFF<Bits<32>>,
    tif: DFF<Bits<2>>,
    stp: DFF<Bits<3>>,
    client_ref: DFF<Bits<64>>,
    target: DFF<Bits<64>>,
    own_key: DFF<Bits<12>>,
    cross_key: DFF<Bits<12>>,
    price_min: DFF<Bits<32>>,
    price_max: DFF<Bits<32>>,
    // The taker.
    remaining: DFF<Bits<32>>,
    stopped: DFF<Bit>,
    fok_sum: DFF<Bits<64>>,
    /// Resting orders the FOK check has visited (abi §11: at most `s_fok_orders_max`).
    fok_count: DFF<Bits<15>>,
    taker_slot: DFF<Bits<14>>,
    taker_generation: DFF<Bits<32>>,
    from_fresh: DFF<Bit>,
    // Free slots: a LIFO stack through slot_next, then never-used slots from `fresh`.
    free_head: DFF<Bits<14>>,
    stacked: DFF<Bit>,
    /// The sweep (MatchMaker's fast path) has taken makers off the level's head: the level's
    /// tail pointer, which the head's `prev` holds, travels here until the sweep stops.
    swept: DFF<Bit>,
    sweep_tail: DFF<Bits<15>>,
    /// The sweep across levels, one level ahead: `ahead` — the level RAM's output holds the
    /// level `ahead_key` (read last cycle); `next2_*` — the key after the next, for MatchHead
    /// to read; `fwd_*` — the bitmap word just written, whose read in the same cycle returns
    /// the old value.
    ahead: DFF<Bit>,
    ahead_key: DFF<Bits<12>>,
    next2_found: DFF<Bit>,
    next2_key: DFF<Bits<12>>,
    fwd_valid: DFF<Bit>,
    fwd_word: DFF<Bits<32>>,
    fresh: DFF<Bits<14>>,
    fresh_exhausted: DFF<Bit>,
    // Find: first marked key >= find_key on side find_side.
    find_side: DFF<Bit>,
    find_key: DFF<Bits<12>>,
    find_word: DFF<Bits<7>>,
    found: DFF<Bit>,
    found_key: DFF<Bits<12>>,
    // Bit set/clear.
    bit_side: DFF<Bit>,
    bit_key: DFF<Bits<12>>,
    bit_set: DFF<Bit>,
    bit_word_empty: DFF<Bit>,
    /// Best level per book side (index book ‖ side): bit 13 stale (unknown: search), bit 12
    /// the side has a level, bits 0..12 its key. Reset is "known, empty": books start empty.
    best0: DFF<Bits<14>>,
    best1: DFF<Bits<14>>,
    best2: DFF<Bits<14>>,
    best3: DFF<Bits<14>>,
    best4: DFF<Bits<14>>,
    best5: DFF<Bits<14>>,
    best6: DFF<Bits<14>>,
    best7: DFF<Bits<14>>,
    best8: DFF<Bits<14>>,
    best9: DFF<Bits<14>>,
    best10: DFF<Bits<14>>,
    best11: DFF<Bits<14>>,
    best12: DFF<Bits<14>>,
    best13: DFF<Bits<14>>,
    best14: DFF<Bits<14>>,
    best15: DFF<Bits<14>>,
    best_opposite: Signal<Local, Bits<14>>,
    best_own: Signal<Local, Bits<14>>,
    best_unlink: Signal<Local, Bits<14>>,
    best_opposite_index: Signal<Local, Bits<4>>,
    best_own_index: Signal<Local, Bits<4>>,
    best_unlink_index: Signal<Local, Bits<4>>,
    best_write: Signal<Local, Bit>,
    best_write_index: Signal<Local, Bits<4>>,
    best_write_value: Signal<Local, Bits<14>>,
    /// BitSum's summary write is due in the next cycle (done by Idle, so that an add or a
    /// cancel does not wait for it; the summary is next read two cycles later at the earliest).
    sum_pending: DFF<Bit>,
    /// The tail link is due in the next cycle (done by Idle with the tail read in
    /// LinkLevel: tail.next = taker_slot, taker_slot.prev = tail).
    link_pending: DFF<Bit>,
    /// The previous cycle did those writes: a cancel reading either slot in that cycle got
    /// the old links, and CancelCheck forwards the new ones.
    link_forward: DFF<Bit>,
    link_slot: DFF<Bits<14>>,
    link_tail: DFF<Bits<14>>,
    cancel_prev: Signal<Local, Bits<15>>,
    cancel_next: Signal<Local, Bits<15>>,
    // The order being walked, matched or unlinked.
    level_key: DFF<Bits<12>>,
    unlink_side: DFF<Bit>,
    maker_slot: DFF<Bits<14>>,
    maker_qty: DFF<Bits<32>>,
    maker_account: DFF<Bits<32>>,
    maker_price: DFF<Bits<32>>,
    maker_generation: DFF<Bits<32>>,
    maker_prev: DFF<Bits<15>>,
    maker_next: DFF<Bits<15>>,
    // The event being emitted.
    ev_kind: DFF<Bits<8>>,
    ev_reason: DFF<Bits<8>>,
    ev_side: DFF<Bits<8>>,
    ev_account: DFF<Bits<32>>,
    ev_price: DFF<Bits<32>>,
    ev_order_id: DFF<Bits<64>>,
    ev_qty: DFF<Bits<32>>,
    ev_remaining: DFF<Bits<32>>,
    ev_ref: DFF<Bits<64>>,
    ev_maker_account: DFF<Bits<32>>,
    ev_maker_remaining: DFF<Bits<32>>,
    // Combinational helpers.
    opposite: Signal<Local, Bit>,
    taker_id: Signal<Local, Bits<64>>,
    maker_id: Signal<Local, Bits<64>>,
    fill_qty: Signal<Local, Bits<32>>,
    fok_next: Signal<Local, Bits<64>>,
    /// The order on the RAM outputs is the last one the FOK check may visit.
    fok_full: Signal<Local, Bit>,
    same_account: Signal<Local, Bit>,
    /// MatchMaker: the head on the RAM outputs can be swept (see there).
    sweep_fill: Signal<Local, Bit>,
    sweep_cross: Signal<Local, Bit>,
    sweep_key: Signal<Local, Bits<12>>,
    sweep_key2: Signal<Local, Bits<12>>,
    sweep_word: Signal<Local, Bits<32>>,
    sweep_cleared: Signal<Local, Bits<32>>,
    next_generation: Signal<Local, Bits<32>>,
    word_next: Signal<Local, Bits<8>>,
    summary_next: Signal<Local, Bits<3>>,
    new_word: Signal<Local, Bits<32>>,
    level_head: Signal<Local, Bits<14>>,
    level_occupied: Signal<Local, Bit>,
    /// Price of level `level_key` on the opposite side (the makers').
    level_price: Signal<Local, Bits<32>>,
    /// Price of the order whose `slot_meta` was read (side bit 12, key bits 0..12).
    meta_price: Signal<Local, Bits<32>>,
}

crate::inputs!(Matcher: clock, s_valid, s_cancel, s_book, s_instrument, s_account, s_side, s_price, s_qty, s_tif, s_stp, s_client_ref, s_target, s_own_key, s_cross_key, s_price_min, s_price_max, s_orders_max, s_fok_orders_max, m_ready);

impl Logic for Matcher {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            find_return,
            bit_return,
            unlink_return,
            emit_return,
            cancel,
            book,
            instrument,
            account,
            side,
            price,
            qty,
            tif,
            stp,
            client_ref,
            target,
            own_key,
            cross_key,
            price_min,
            price_max,
            remaining,
            stopped,
            fok_sum,
            fok_count,
            taker_slot,
            taker_generation,
            from_fresh,
            free_head,
            stacked,
            swept,
            sweep_tail,
            ahead,
            ahead_key,
            next2_found,
            next2_key,
            fwd_valid,
            fwd_word,
            fresh,
            fresh_exhausted,
            find_side,
            find_key,
            find_word,
            found,
            found_key,
            bit_side,
            bit_key,
            bit_set,
            bit_word_empty,
            sum_pending,
            link_pending,
            link_forward,
            link_slot,
            link_tail,
            best0,
            best1,
            best2,
            best3,
            best4,
            best5,
            best6,
            best7,
            best8,
            best9,
            best10,
            best11,
            best12,
            best13,
            best14,
            best15,
            level_key,
            unlink_side,
            maker_slot,
            maker_qty,
            maker_account,
            maker_price,
            maker_generation,
            maker_prev,
            maker_next,
            ev_kind,
            ev_reason,
            ev_side,
            ev_account,
            ev_price,
            ev_order_id,
            ev_qty,
            ev_remaining,
            ev_ref,
            ev_maker_account,
            ev_maker_remaining
        );
        self.slot_qty.read_clock.next = self.clock.val();
        self.slot_qty.write_clock.next = self.clock.val();
        self.slot_account.read_clock.next = self.clock.val();
        self.slot_account.write_clock.next = self.clock.val();
        self.slot_generation.read_clock.next = self.clock.val();
        self.slot_generation.write_clock.next = self.clock.val();
        self.slot_meta.read_clock.next = self.clock.val();
        self.slot_meta.write_clock.next = self.clock.val();
        self.slot_prev.read_clock.next = self.clock.val();
        self.slot_prev.write_clock.next = self.clock.val();
        self.slot_next.read_clock.next = self.clock.val();
        self.slot_next.write_clock.next = self.clock.val();
        self.level.read_clock.next = self.clock.val();
        self.level.write_clock.next = self.clock.val();
        self.bitmap_word.read_clock.next = self.clock.val();
        self.bitmap_word.write_clock.next = self.clock.val();
        self.bitmap_summary.read_clock.next = self.clock.val();
        self.bitmap_summary.write_clock.next = self.clock.val();
        // Helpers.
        self.opposite.next = !self.side.q.val();
        self.taker_id.next = (bit_cast::<64, 32>(self.taker_generation.q.val()) << 32)
            | bit_cast::<64, 14>(self.taker_slot.q.val());
        self.maker_id.next = (bit_cast::<64, 32>(self.maker_generation.q.val()) << 32)
            | bit_cast::<64, 14>(self.maker_slot.q.val());
        // MatchMaker's sweep: the maker on the slot RAMs' outputs trades with the taker (no
        // self-trade), is filled completely with the taker left wanting more, and has a
        // successor at its level.
        self.sweep_fill.next = ((bit_cast::<32, 16>(self.slot_account.read_data.val())
            != self.account.q.val())
            | (self.stp.q.val() == STP_NONE))
            & (self.slot_qty.read_data.val() < self.remaining.q.val())
            & self.slot_next.read_data.val().get_bit(14);
        // ... or it is its level's only order, and the next marked key of the level's bitmap
        // word (on the bitmap RAM's output, this level's bit cleared) still crosses.
        self.sweep_word.next = self.bitmap_word.read_data.val();
        if self.fwd_valid.q.val() {
            self.sweep_word.next = self.fwd_word.q.val();
        }
        self.sweep_cleared.next =
            self.sweep_word.val() & !(bits::<32>(1) << bit_cast::<5, _>(self.level_key.q.val()));
        // The two find-first-set units, computed here, before the state machine's case
        // statement reads them: a separate block (`Ctz32`) fed from this `always` block and
        // read back by it is a combinational loop to Verilator, which then evaluates the
        // whole block twice per cycle (and, with the inputs chosen inside the case, until it
        // settles: UNOPTFLAT).
        // FindWord: the word at or above the search key; UnlinkLevel: the word with the
        // emptied level's bit cleared (the sweep); FindSum: the summary at or above the word.
        self.ctz_a_word.next = self.bitmap_word.read_data.val();
        if self.state.q.val() == MatcherState::FindWord {
            self.ctz_a_word.next = self.bitmap_word.read_data.val()
                & (!bits::<32>(0) << bit_cast::<5, _>(self.find_key.q.val()));
        }
        if self.state.q.val() == MatcherState::UnlinkLevel {
            self.ctz_a_word.next = self.bitmap_word.read_data.val()
                & !(bits::<32>(1) << bit_cast::<5, _>(self.level_key.q.val()));
        }
        // MatchMaker: the level's word with its (lowest) bit cleared gives the next level,
        // with its next lowest cleared too the level after (`x & (x - 1)`).
        if self.state.q.val() == MatcherState::MatchMaker {
            self.ctz_a_word.next = self.sweep_cleared.val();
        }
        self.ctz_b_word.next = self.bitmap_summary.read_data.val();
        if self.state.q.val() == MatcherState::MatchMaker {
            self.ctz_b_word.next = self.sweep_cleared.val() & (self.sweep_cleared.val() - 1);
        }
        if self.state.q.val() == MatcherState::FindSum {
            self.ctz_b_word.next = self.bitmap_summary.read_data.val()
                & (!bits::<32>(0) << bit_cast::<5, _>(self.find_word.q.val()));
        }
        // Lowest set bit first (index 31 when none: check found).
        self.ctz_a_found.next = self.ctz_a_word.val().any();
        self.ctz_a_index.next = 31.into();
        if self.ctz_a_word.val().get_bit(30) {
            self.ctz_a_index.next = 30.into();
        }
        if self.ctz_a_word.val().get_bit(29) {
            self.ctz_a_index.next = 29.into();
        }
        if self.ctz_a_word.val().get_bit(28) {
            self.ctz_a_index.next = 28.into();
        }
        if self.ctz_a_word.val().get_bit(27) {
            self.ctz_a_index.next = 27.into();
        }
        if self.ctz_a_word.val().get_bit(26) {
            self.ctz_a_index.next = 26.into();
        }
        if self.ctz_a_word.val().get_bit(25) {
            self.ctz_a_index.next = 25.into();
        }
        if self.ctz_a_word.val().get_bit(24) {
            self.ctz_a_index.next = 24.into();
        }
        if self.ctz_a_word.val().get_bit(23) {
            self.ctz_a_index.next = 23.into();
        }
        if self.ctz_a_word.val().get_bit(22) {
            self.ctz_a_index.next = 22.into();
        }
        if self.ctz_a_word.val().get_bit(21) {
            self.ctz_a_index.next = 21.into();
        }
        if self.ctz_a_word.val().get_bit(20) {
            self.ctz_a_index.next = 20.into();
        }
        if self.ctz_a_word.val().get_bit(19) {
            self.ctz_a_index.next = 19.into();
        }
        if self.ctz_a_word.val().get_bit(18) {
            self.ctz_a_index.next = 18.into();
        }
        if self.ctz_a_word.val().get_bit(17) {
            self.ctz_a_index.next = 17.into();
        }
        if self.ctz_a_word.val().get_bit(16) {
            self.ctz_a_index.next = 16.into();
        }
        if self.ctz_a_word.val().get_bit(15) {
            self.ctz_a_index.next = 15.into();
        }
        if self.ctz_a_word.val().get_bit(14) {
            self.ctz_a_index.next = 14.into();
        }
        if self.ctz_a_word.val().get_bit(13) {
            self.ctz_a_index.next = 13.into();
        }
        if self.ctz_a_word.val().get_bit(12) {
            self.ctz_a_index.next = 12.into();
        }
        if self.ctz_a_word.val().get_bit(11) {
            self.ctz_a_index.next = 11.into();
        }
        if self.ctz_a_word.val().get_bit(10) {
            self.ctz_a_index.next = 10.into();
        }
        if self.ctz_a_word.val().get_bit(9) {
            self.ctz_a_index.next = 9.into();
        }
        if self.ctz_a_word.val().get_bit(8) {
            self.ctz_a_index.next = 8.into();
        }
        if self.ctz_a_word.val().get_bit(7) {
            self.ctz_a_index.next = 7.into();
        }
        if self.ctz_a_word.val().get_bit(6) {
            self.ctz_a_index.next = 6.into();
        }
        if self.ctz_a_word.val().get_bit(5) {
            self.ctz_a_index.next = 5.into();
        }
        if self.ctz_a_word.val().get_bit(4) {
            self.ctz_a_index.next = 4.into();
        }
        if self.ctz_a_word.val().get_bit(3) {
            self.ctz_a_index.next = 3.into();
        }
        if self.ctz_a_word.val().get_bit(2) {
            self.ctz_a_index.next = 2.into();
        }
        if self.ctz_a_word.val().get_bit(1) {
            self.ctz_a_index.next = 1.into();
        }
        if self.ctz_a_word.val().get_bit(0) {
            self.ctz_a_index.next = 0.into();
        }
        self.ctz_b_found.next = self.ctz_b_word.val().any();
        self.ctz_b_index.next = 31.into();
        if self.ctz_b_word.val().get_bit(30) {
            self.ctz_b_index.next = 30.into();
        }
        if self.ctz_b_word.val().get_bit(29) {
            self.ctz_b_index.next = 29.into();
        }
        if self.ctz_b_word.val().get_bit(28) {
            self.ctz_b_index.next = 28.into();
        }
        if self.ctz_b_word.val().get_bit(27) {
            self.ctz_b_index.next = 27.into();
        }
        if self.ctz_b_word.val().get_bit(26) {
            self.ctz_b_index.next = 26.into();
        }
        if self.ctz_b_word.val().get_bit(25) {
            self.ctz_b_index.next = 25.into();
        }
        if self.ctz_b_word.val().get_bit(24) {
            self.ctz_b_index.next = 24.into();
        }
        if self.ctz_b_word.val().get_bit(23) {
            self.ctz_b_index.next = 23.into();
        }
        if self.ctz_b_word.val().get_bit(22) {
            self.ctz_b_index.next = 22.into();
        }
        if self.ctz_b_word.val().get_bit(21) {
            self.ctz_b_index.next = 21.into();
        }
        if self.ctz_b_word.val().get_bit(20) {
            self.ctz_b_index.next = 20.into();
        }
        if self.ctz_b_word.val().get_bit(19) {
            self.ctz_b_index.next = 19.into();
        }
        if self.ctz_b_word.val().get_bit(18) {
            self.ctz_b_index.next = 18.into();
        }
        if self.ctz_b_word.val().get_bit(17) {
            self.ctz_b_index.next = 17.into();
        }
        if self.ctz_b_word.val().get_bit(16) {
            self.ctz_b_index.next = 16.into();
        }
        if self.ctz_b_word.val().get_bit(15) {
            self.ctz_b_index.next = 15.into();
        }
        if self.ctz_b_word.val().get_bit(14) {
            self.ctz_b_index.next = 14.into();
        }
        if self.ctz_b_word.val().get_bit(13) {
            self.ctz_b_index.next = 13.into();
        }
        if self.ctz_b_word.val().get_bit(12) {
            self.ctz_b_index.next = 12.into();
        }
        if self.ctz_b_word.val().get_bit(11) {
            self.ctz_b_index.next = 11.into();
        }
        if self.ctz_b_word.val().get_bit(10) {
            self.ctz_b_index.next = 10.into();
        }
        if self.ctz_b_word.val().get_bit(9) {
            self.ctz_b_index.next = 9.into();
        }
        if self.ctz_b_word.val().get_bit(8) {
            self.ctz_b_index.next = 8.into();
        }
        if self.ctz_b_word.val().get_bit(7) {
            self.ctz_b_index.next = 7.into();
        }
        if self.ctz_b_word.val().get_bit(6) {
            self.ctz_b_index.next = 6.into();
        }
        if self.ctz_b_word.val().get_bit(5) {
            self.ctz_b_index.next = 5.into();
        }
        if self.ctz_b_word.val().get_bit(4) {
            self.ctz_b_index.next = 4.into();
        }
        if self.ctz_b_word.val().get_bit(3) {
            self.ctz_b_index.next = 3.into();
        }
        if self.ctz_b_word.val().get_bit(2) {
            self.ctz_b_index.next = 2.into();
        }
        if self.ctz_b_word.val().get_bit(1) {
            self.ctz_b_index.next = 1.into();
        }
        if self.ctz_b_word.val().get_bit(0) {
            self.ctz_b_index.next = 0.into();
        }
        // The level's word (upper 7 bits of its key) and the bit found in it. A mask, not a
        // part-select and shift: rust-hdl shifts short `Bits` through heap big integers.
        self.sweep_key.next = (self.level_key.q.val() & bits::<12>(0xfe0))
            | bit_cast::<12, 5>(self.ctz_a_index.val());
        self.sweep_key2.next = (self.level_key.q.val() & bits::<12>(0xfe0))
            | bit_cast::<12, 5>(self.ctz_b_index.val());
        // One-cycle flags (set again by the cycle that keeps them true).
        self.ahead.d.next = false;
        self.next2_found.d.next = false;
        self.fwd_valid.d.next = false;
        self.sweep_cross.next = ((bit_cast::<32, 16>(self.slot_account.read_data.val())
            != self.account.q.val())
            | (self.stp.q.val() == STP_NONE))
            & (self.slot_qty.read_data.val() < self.remaining.q.val())
            & !self.slot_next.read_data.val().get_bit(14)
            & self.ctz_a_found.val()
            & (self.sweep_key.val() <= self.cross_key.q.val());
        self.same_account.next =
            (self.maker_account.q.val() == self.account.q.val()) & (self.stp.q.val() != STP_NONE);
        self.fill_qty.next = self.remaining.q.val();
        if self.maker_qty.q.val() < self.remaining.q.val() {
            self.fill_qty.next = self.maker_qty.q.val();
        }
        self.next_generation.next = self.slot_generation.read_data.val() + 1;
        if self.slot_generation.read_data.val().all() {
            self.next_generation.next = 1.into();
        }
        self.fok_next.next =
            self.fok_sum.q.val() + bit_cast::<64, 32>(self.slot_qty.read_data.val());
        self.fok_full.next = (self.fok_count.q.val() + 1) == self.s_fok_orders_max.val();
        self.word_next.next = bit_cast::<8, 7>(self.find_key.q.val().get_bits::<7>(5)) + 1;
        self.summary_next.next = bit_cast::<3, 2>(self.find_word.q.val().get_bits::<2>(5)) + 1;
        self.new_word.next = self.bitmap_word.read_data.val();
        self.level_head.next = bit_cast::<14, 15>(self.level.read_data.val());
        self.level_occupied.next = self.level.read_data.val().get_bit(14);
        // A key is the distance in ticks from the side's best end of the band (abi §11).
        self.level_price.next = self.price_max.q.val() - bit_cast::<32, 12>(self.level_key.q.val());
        if self.opposite.val() {
            self.level_price.next =
                self.price_min.q.val() + bit_cast::<32, 12>(self.level_key.q.val());
        }
        self.meta_price.next =
            self.price_max.q.val() - bit_cast::<32, 17>(self.slot_meta.read_data.val() & 0xFFF);
        if self.slot_meta.read_data.val().get_bit(12) {
            self.meta_price.next =
                self.price_min.q.val() + bit_cast::<32, 17>(self.slot_meta.read_data.val() & 0xFFF);
        }
        // RAM defaults: no writes; reads at address 0.
        self.slot_qty.read_address.next = 0.into();
        self.slot_qty.write_address.next = 0.into();
        self.slot_qty.write_enable.next = false;
        self.slot_account.read_address.next = 0.into();
        self.slot_account.write_address.next = 0.into();
        self.slot_account.write_enable.next = false;
        self.slot_generation.read_address.next = 0.into();
        self.slot_generation.write_address.next = 0.into();
        self.slot_generation.write_enable.next = false;
        self.slot_meta.read_address.next = 0.into();
        self.slot_meta.write_address.next = 0.into();
        self.slot_meta.write_enable.next = false;
        self.slot_prev.read_address.next = 0.into();
        self.slot_prev.write_address.next = 0.into();
        self.slot_prev.write_enable.next = false;
        self.slot_next.read_address.next = 0.into();
        self.slot_next.write_address.next = 0.into();
        self.slot_next.write_enable.next = false;
        self.level.read_address.next = 0.into();
        self.level.write_address.next = 0.into();
        self.level.write_enable.next = false;
        self.bitmap_word.read_address.next = 0.into();
        self.bitmap_word.write_address.next = 0.into();
        self.bitmap_word.write_enable.next = false;
        self.bitmap_summary.read_address.next = 0.into();
        self.bitmap_summary.write_address.next = 0.into();
        self.bitmap_summary.write_enable.next = false;
        self.slot_qty.write_data.next = 0.into();
        self.slot_account.write_data.next = 0.into();
        self.slot_generation.write_data.next = 0.into();
        self.slot_meta.write_data.next = 0.into();
        self.slot_prev.write_data.next = 0.into();
        self.slot_next.write_data.next = 0.into();
        self.level.write_data.next = 0.into();
        self.bitmap_word.write_data.next = 0.into();
        self.bitmap_summary.write_data.next = 0.into();
        self.s_ready.next = false;
        self.m_valid.next = false;
        self.m_kind.next = self.ev_kind.q.val();
        self.m_reason.next = self.ev_reason.q.val();
        self.m_side.next = self.ev_side.q.val();
        self.m_instrument.next = self.instrument.q.val();
        self.m_account.next = self.ev_account.q.val();
        self.m_price.next = self.ev_price.q.val();
        self.m_order_id.next = self.ev_order_id.q.val();
        self.m_qty.next = self.ev_qty.q.val();
        self.m_remaining.next = self.ev_remaining.q.val();
        self.m_ref.next = self.ev_ref.q.val();
        self.m_maker_account.next = self.ev_maker_account.q.val();
        self.m_maker_remaining.next = self.ev_maker_remaining.q.val();
        // The best-level cache: three read ports, one write port (one state writes it).
        self.best_opposite_index.next = bit_cast::<4, 3>(self.book.q.val()) << 1;
        if self.opposite.val() {
            self.best_opposite_index.next = (bit_cast::<4, 3>(self.book.q.val()) << 1) | 1;
        }
        self.best_own_index.next = bit_cast::<4, 3>(self.book.q.val()) << 1;
        if self.side.q.val() {
            self.best_own_index.next = (bit_cast::<4, 3>(self.book.q.val()) << 1) | 1;
        }
        self.best_unlink_index.next = bit_cast::<4, 3>(self.book.q.val()) << 1;
        if self.unlink_side.q.val() {
            self.best_unlink_index.next = (bit_cast::<4, 3>(self.book.q.val()) << 1) | 1;
        }
        self.best_opposite.next = self.best0.q.val();
        if self.best_opposite_index.val() == 1 {
            self.best_opposite.next = self.best1.q.val();
        }
        if self.best_opposite_index.val() == 2 {
            self.best_opposite.next = self.best2.q.val();
        }
        if self.best_opposite_index.val() == 3 {
            self.best_opposite.next = self.best3.q.val();
        }
        if self.best_opposite_index.val() == 4 {
            self.best_opposite.next = self.best4.q.val();
        }
        if self.best_opposite_index.val() == 5 {
            self.best_opposite.next = self.best5.q.val();
        }
        if self.best_opposite_index.val() == 6 {
            self.best_opposite.next = self.best6.q.val();
        }
        if self.best_opposite_index.val() == 7 {
            self.best_opposite.next = self.best7.q.val();
        }
        if self.best_opposite_index.val() == 8 {
            self.best_opposite.next = self.best8.q.val();
        }
        if self.best_opposite_index.val() == 9 {
            self.best_opposite.next = self.best9.q.val();
        }
        if self.best_opposite_index.val() == 10 {
            self.best_opposite.next = self.best10.q.val();
        }
        if self.best_opposite_index.val() == 11 {
            self.best_opposite.next = self.best11.q.val();
        }
        if self.best_opposite_index.val() == 12 {
            self.best_opposite.next = self.best12.q.val();
        }
        if self.best_opposite_index.val() == 13 {
            self.best_opposite.next = self.best13.q.val();
        }
        if self.best_opposite_index.val() == 14 {
            self.best_opposite.next = self.best14.q.val();
        }
        if self.best_opposite_index.val() == 15 {
            self.best_opposite.next = self.best15.q.val();
        }
        self.best_own.next = self.best0.q.val();
        if self.best_own_index.val() == 1 {
            self.best_own.next = self.best1.q.val();
        }
        if self.best_own_index.val() == 2 {
            self.best_own.next = self.best2.q.val();
        }
        if self.best_own_index.val() == 3 {
            self.best_own.next = self.best3.q.val();
        }
        if self.best_own_index.val() == 4 {
            self.best_own.next = self.best4.q.val();
        }
        if self.best_own_index.val() == 5 {
            self.best_own.next = self.best5.q.val();
        }
        if self.best_own_index.val() == 6 {
            self.best_own.next = self.best6.q.val();
        }
        if self.best_own_index.val() == 7 {
            self.best_own.next = self.best7.q.val();
        }
        if self.best_own_index.val() == 8 {
            self.best_own.next = self.best8.q.val();
        }
        if self.best_own_index.val() == 9 {
            self.best_own.next = self.best9.q.val();
        }
        if self.best_own_index.val() == 10 {
            self.best_own.next = self.best10.q.val();
        }
        if self.best_own_index.val() == 11 {
            self.best_own.next = self.best11.q.val();
        }
        if self.best_own_index.val() == 12 {
            self.best_own.next = self.best12.q.val();
        }
        if self.best_own_index.val() == 13 {
            self.best_own.next = self.best13.q.val();
        }
        if self.best_own_index.val() == 14 {
            self.best_own.next = self.best14.q.val();
        }
        if self.best_own_index.val() == 15 {
            self.best_own.next = self.best15.q.val();
        }
        self.best_unlink.next = self.best0.q.val();
        if self.best_unlink_index.val() == 1 {
            self.best_unlink.next = self.best1.q.val();
        }
        if self.best_unlink_index.val() == 2 {
            self.best_unlink.next = self.best2.q.val();
        }
        if self.best_unlink_index.val() == 3 {
            self.best_unlink.next = self.best3.q.val();
        }
        if self.best_unlink_index.val() == 4 {
            self.best_unlink.next = self.best4.q.val();
        }
        if self.best_unlink_index.val() == 5 {
            self.best_unlink.next = self.best5.q.val();
        }
        if self.best_unlink_index.val() == 6 {
            self.best_unlink.next = self.best6.q.val();
        }
        if self.best_unlink_index.val() == 7 {
            self.best_unlink.next = self.best7.q.val();
        }
        if self.best_unlink_index.val() == 8 {
            self.best_unlink.next = self.best8.q.val();
        }
        if self.best_unlink_index.val() == 9 {
            self.best_unlink.next = self.best9.q.val();
        }
        if self.best_unlink_index.val() == 10 {
            self.best_unlink.next = self.best10.q.val();
        }
        if self.best_unlink_index.val() == 11 {
            self.best_unlink.next = self.best11.q.val();
        }
        if self.best_unlink_index.val() == 12 {
            self.best_unlink.next = self.best12.q.val();
        }
        if self.best_unlink_index.val() == 13 {
            self.best_unlink.next = self.best13.q.val();
        }
        if self.best_unlink_index.val() == 14 {
            self.best_unlink.next = self.best14.q.val();
        }
        if self.best_unlink_index.val() == 15 {
            self.best_unlink.next = self.best15.q.val();
        }
        self.best_write.next = false;
        self.best_write_index.next = 0.into();
        self.best_write_value.next = 0.into();
        self.link_forward.d.next = false;
        // A cancel's links, with the writes of the cycle that read them forwarded.
        self.cancel_prev.next = self.slot_prev.read_data.val();
        self.cancel_next.next = self.slot_next.read_data.val();
        if self.link_forward.q.val() & (self.maker_slot.q.val() == self.link_slot.q.val()) {
            self.cancel_prev.next = bit_cast::<15, 14>(self.link_tail.q.val()) | 0x4000;
        }
        if self.link_forward.q.val() & (self.maker_slot.q.val() == self.link_tail.q.val()) {
            self.cancel_next.next = bit_cast::<15, 14>(self.link_slot.q.val()) | 0x4000;
        }
        match self.state.q.val() {
            MatcherState::Idle => {
                if self.link_pending.q.val() {
                    self.slot_next.write_address.next =
                        bit_cast::<14, _>(self.slot_prev.read_data.val());
                    self.slot_next.write_data.next =
                        bit_cast::<15, 14>(self.taker_slot.q.val()) | 0x4000;
                    self.slot_next.write_enable.next = true;
                    self.slot_prev.write_address.next = self.taker_slot.q.val();
                    self.slot_prev.write_data.next =
                        bit_cast::<15, 14>(bit_cast::<14, _>(self.slot_prev.read_data.val()))
                            | 0x4000;
                    self.slot_prev.write_enable.next = true;
                    self.link_pending.d.next = false;
                    self.link_forward.d.next = true;
                    self.link_slot.d.next = self.taker_slot.q.val();
                    self.link_tail.d.next = bit_cast::<14, _>(self.slot_prev.read_data.val());
                }
                if self.sum_pending.q.val() {
                    self.bitmap_summary.write_address.next = (bit_cast::<6, 3>(self.book.q.val())
                        << 3)
                        | bit_cast::<6, 2>(self.bit_key.q.val().get_bits::<2>(10));
                    if self.bit_side.q.val() {
                        self.bitmap_summary.write_address.next =
                            (bit_cast::<6, 3>(self.book.q.val()) << 3)
                                | 0x4
                                | bit_cast::<6, 2>(self.bit_key.q.val().get_bits::<2>(10));
                    }
                    if self.bit_set.q.val() {
                        self.bitmap_summary.write_data.next = self.bitmap_summary.read_data.val()
                            | (bits::<32>(1) << self.bit_key.q.val().get_bits::<5>(5));
                        self.bitmap_summary.write_enable.next = true;
                    } else if self.bit_word_empty.q.val() {
                        self.bitmap_summary.write_data.next = self.bitmap_summary.read_data.val()
                            & !(bits::<32>(1) << self.bit_key.q.val().get_bits::<5>(5));
                        self.bitmap_summary.write_enable.next = true;
                    }
                    self.sum_pending.d.next = false;
                }
                self.s_ready.next = true;
                if self.s_valid.val() {
                    self.cancel.d.next = self.s_cancel.val();
                    self.book.d.next = self.s_book.val();
                    self.instrument.d.next = self.s_instrument.val();
                    self.account.d.next = self.s_account.val();
                    self.side.d.next = self.s_side.val();
                    self.price.d.next = self.s_price.val();
                    self.qty.d.next = self.s_qty.val();
                    self.tif.d.next = self.s_tif.val();
                    self.stp.d.next = self.s_stp.val();
                    self.client_ref.d.next = self.s_client_ref.val();
                    self.target.d.next = self.s_target.val();
                    self.own_key.d.next = self.s_own_key.val();
                    self.cross_key.d.next = self.s_cross_key.val();
                    self.price_min.d.next = self.s_price_min.val();
                    self.price_max.d.next = self.s_price_max.val();
                    self.stopped.d.next = false;
                    self.fok_sum.d.next = 0.into();
                    self.fok_count.d.next = 0.into();
                    if self.s_cancel.val() {
                        // CancelRead's work: read the target's slot.
                        self.maker_slot.d.next = bit_cast::<14, _>(self.s_target.val());
                        self.slot_qty.read_address.next = bit_cast::<14, _>(self.s_target.val());
                        self.slot_account.read_address.next =
                            bit_cast::<14, _>(self.s_target.val());
                        self.slot_generation.read_address.next =
                            bit_cast::<14, _>(self.s_target.val());
                        self.slot_meta.read_address.next = bit_cast::<14, _>(self.s_target.val());
                        self.slot_prev.read_address.next = bit_cast::<14, _>(self.s_target.val());
                        self.slot_next.read_address.next = bit_cast::<14, _>(self.s_target.val());
                        self.state.d.next = MatcherState::CancelCheck;
                    } else if (self.s_tif.val() == TIF_FOK) | (self.s_tif.val() == TIF_POST_ONLY) {
                        self.find_side.d.next = !self.s_side.val();
                        self.find_key.d.next = 0.into();
                        self.find_return.d.next = MatcherState::PreCheck;
                        self.state.d.next = MatcherState::FindStart;
                    } else if self.stacked.q.val() {
                        // Allocate at once (Alloc's work): a slot from the free stack.
                        self.taker_slot.d.next = self.free_head.q.val();
                        self.from_fresh.d.next = false;
                        self.slot_next.read_address.next = self.free_head.q.val();
                        self.slot_generation.read_address.next = self.free_head.q.val();
                        self.state.d.next = MatcherState::AllocRead;
                    } else if !self.fresh_exhausted.q.val() {
                        self.taker_slot.d.next = self.fresh.q.val();
                        self.from_fresh.d.next = true;
                        self.slot_generation.read_address.next = self.fresh.q.val();
                        self.state.d.next = MatcherState::AllocRead;
                    } else {
                        self.state.d.next = MatcherState::Alloc;
                    }
                }
            }
            MatcherState::PreCheck => {
                if self.tif.q.val() == TIF_POST_ONLY {
                    if self.found.q.val() & (self.found_key.q.val() <= self.cross_key.q.val()) {
                        self.ev_kind.d.next = KIND_REJECTED.into();
                        self.ev_reason.d.next = REASON_POST_ONLY_WOULD_CROSS.into();
                        self.ev_side.d.next = 0.into();
                        if self.side.q.val() {
                            self.ev_side.d.next = 1.into();
                        }
                        self.ev_account.d.next = self.account.q.val();
                        self.ev_price.d.next = self.price.q.val();
                        self.ev_order_id.d.next = self.target.q.val();
                        self.ev_qty.d.next = self.qty.q.val();
                        self.ev_remaining.d.next = 0.into();
                        self.ev_ref.d.next = self.client_ref.q.val();
                        self.ev_maker_account.d.next = 0.into();
                        self.ev_maker_remaining.d.next = 0.into();
                        self.emit_return.d.next = MatcherState::Idle;
                        self.state.d.next = MatcherState::Emit;
                    } else {
                        self.state.d.next = MatcherState::Alloc;
                    }
                } else {
                    if !self.found.q.val() | (self.found_key.q.val() > self.cross_key.q.val()) {
                        self.ev_kind.d.next = KIND_REJECTED.into();
                        self.ev_reason.d.next = REASON_FOK_CANNOT_FILL.into();
                        self.ev_side.d.next = 0.into();
                        if self.side.q.val() {
                            self.ev_side.d.next = 1.into();
                        }
                        self.ev_account.d.next = self.account.q.val();
                        self.ev_price.d.next = self.price.q.val();
                        self.ev_order_id.d.next = self.target.q.val();
                        self.ev_qty.d.next = self.qty.q.val();
                        self.ev_remaining.d.next = 0.into();
                        self.ev_ref.d.next = self.client_ref.q.val();
                        self.ev_maker_account.d.next = 0.into();
                        self.ev_maker_remaining.d.next = 0.into();
                        self.emit_return.d.next = MatcherState::Idle;
                        self.state.d.next = MatcherState::Emit;
                    } else {
                        self.level_key.d.next = self.found_key.q.val();
                        self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                            | bit_cast::<16, 12>(self.found_key.q.val());
                        if self.opposite.val() {
                            self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val())
                                << 13)
                                | 0x1000
                                | bit_cast::<16, 12>(self.found_key.q.val());
                        }
                        self.state.d.next = MatcherState::FokLevel;
                    }
                }
            }
            MatcherState::FokLevel => {
                self.maker_slot.d.next = self.level_head.val();
                self.slot_qty.read_address.next = self.level_head.val();
                self.slot_account.read_address.next = self.level_head.val();
                self.slot_generation.read_address.next = self.level_head.val();
                self.slot_meta.read_address.next = self.level_head.val();
                self.slot_prev.read_address.next = self.level_head.val();
                self.slot_next.read_address.next = self.level_head.val();
                self.state.d.next = MatcherState::FokOrder;
            }
            MatcherState::FokOrder => {
                self.fok_count.d.next = self.fok_count.q.val() + 1;
                if (bit_cast::<32, 16>(self.slot_account.read_data.val()) == self.account.q.val())
                    & (self.stp.q.val() != STP_NONE)
                {
                    if self.stp.q.val() != STP_CANCEL_OLDEST {
                        self.ev_kind.d.next = KIND_REJECTED.into();
                        self.ev_reason.d.next = REASON_FOK_CANNOT_FILL.into();
                        self.ev_side.d.next = 0.into();
                        if self.side.q.val() {
                            self.ev_side.d.next = 1.into();
                        }
                        self.ev_account.d.next = self.account.q.val();
                        self.ev_price.d.next = self.price.q.val();
                        self.ev_order_id.d.next = self.target.q.val();
                        self.ev_qty.d.next = self.qty.q.val();
                        self.ev_remaining.d.next = 0.into();
                        self.ev_ref.d.next = self.client_ref.q.val();
                        self.ev_maker_account.d.next = 0.into();
                        self.ev_maker_remaining.d.next = 0.into();
                        self.emit_return.d.next = MatcherState::Idle;
                        self.state.d.next = MatcherState::Emit;
                    } else {
                        if self.slot_next.read_data.val().get_bit(14) & self.fok_full.val() {
                            self.ev_kind.d.next = KIND_REJECTED.into();
                            self.ev_reason.d.next = REASON_FOK_TOO_DEEP.into();
                            self.ev_side.d.next = 0.into();
                            if self.side.q.val() {
                                self.ev_side.d.next = 1.into();
                            }
                            self.ev_account.d.next = self.account.q.val();
                            self.ev_price.d.next = self.price.q.val();
                            self.ev_order_id.d.next = self.target.q.val();
                            self.ev_qty.d.next = self.qty.q.val();
                            self.ev_remaining.d.next = 0.into();
                            self.ev_ref.d.next = self.client_ref.q.val();
                            self.ev_maker_account.d.next = 0.into();
                            self.ev_maker_remaining.d.next = 0.into();
                            self.emit_return.d.next = MatcherState::Idle;
                            self.state.d.next = MatcherState::Emit;
                        } else if self.slot_next.read_data.val().get_bit(14) {
                            self.slot_qty.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_account.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_generation.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_meta.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_prev.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_next.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.state.d.next = MatcherState::FokOrder;
                        } else {
                            if self.level_key.q.val().all() {
                                self.ev_kind.d.next = KIND_REJECTED.into();
                                self.ev_reason.d.next = REASON_FOK_CANNOT_FILL.into();
                                self.ev_side.d.next = 0.into();
                                if self.side.q.val() {
                                    self.ev_side.d.next = 1.into();
                                }
                                self.ev_account.d.next = self.account.q.val();
                                self.ev_price.d.next = self.price.q.val();
                                self.ev_order_id.d.next = self.target.q.val();
                                self.ev_qty.d.next = self.qty.q.val();
                                self.ev_remaining.d.next = 0.into();
                                self.ev_ref.d.next = self.client_ref.q.val();
                                self.ev_maker_account.d.next = 0.into();
                                self.ev_maker_remaining.d.next = 0.into();
                                self.emit_return.d.next = MatcherState::Idle;
                                self.state.d.next = MatcherState::Emit;
                            } else {
                                self.find_side.d.next = self.opposite.val();
                                self.find_key.d.next = self.level_key.q.val() + 1;
                                self.find_return.d.next = MatcherState::FokNextLevel;
                                self.state.d.next = MatcherState::FindStart;
                            }
                        }
                    }
                } else {
                    self.fok_sum.d.next = self.fok_next.val();
                    if self.fok_next.val() >= bit_cast::<64, 32>(self.qty.q.val()) {
                        self.state.d.next = MatcherState::Alloc;
                    } else {
                        if self.slot_next.read_data.val().get_bit(14) & self.fok_full.val() {
                            self.ev_kind.d.next = KIND_REJECTED.into();
                            self.ev_reason.d.next = REASON_FOK_TOO_DEEP.into();
                            self.ev_side.d.next = 0.into();
                            if self.side.q.val() {
                                self.ev_side.d.next = 1.into();
                            }
                            self.ev_account.d.next = self.account.q.val();
                            self.ev_price.d.next = self.price.q.val();
                            self.ev_order_id.d.next = self.target.q.val();
                            self.ev_qty.d.next = self.qty.q.val();
                            self.ev_remaining.d.next = 0.into();
                            self.ev_ref.d.next = self.client_ref.q.val();
                            self.ev_maker_account.d.next = 0.into();
                            self.ev_maker_remaining.d.next = 0.into();
                            self.emit_return.d.next = MatcherState::Idle;
                            self.state.d.next = MatcherState::Emit;
                        } else if self.slot_next.read_data.val().get_bit(14) {
                            self.slot_qty.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_account.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_generation.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_meta.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_prev.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.slot_next.read_address.next =
                                bit_cast::<14, _>(self.slot_next.read_data.val());
                            self.state.d.next = MatcherState::FokOrder;
                        } else {
                            if self.level_key.q.val().all() {
                                self.ev_kind.d.next = KIND_REJECTED.into();
                                self.ev_reason.d.next = REASON_FOK_CANNOT_FILL.into();
                                self.ev_side.d.next = 0.into();
                                if self.side.q.val() {
                                    self.ev_side.d.next = 1.into();
                                }
                                self.ev_account.d.next = self.account.q.val();
                                self.ev_price.d.next = self.price.q.val();
                                self.ev_order_id.d.next = self.target.q.val();
                                self.ev_qty.d.next = self.qty.q.val();
                                self.ev_remaining.d.next = 0.into();
                                self.ev_ref.d.next = self.client_ref.q.val();
                                self.ev_maker_account.d.next = 0.into();
                                self.ev_maker_remaining.d.next = 0.into();
                                self.emit_return.d.next = MatcherState::Idle;
                                self.state.d.next = MatcherState::Emit;
                            } else {
                                self.find_side.d.next = self.opposite.val();
                                self.find_key.d.next = self.level_key.q.val() + 1;
                                self.find_return.d.next = MatcherState::FokNextLevel;
                                self.state.d.next = MatcherState::FindStart;
                            }
                        }
                    }
                }
            }
            MatcherState::FokNextLevel => {
                if !self.found.q.val() | (self.found_key.q.val() > self.cross_key.q.val()) {
                    self.ev_kind.d.next = KIND_REJECTED.into();
                    self.ev_reason.d.next = REASON_FOK_CANNOT_FILL.into();
                    self.ev_side.d.next = 0.into();
                    if self.side.q.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.account.q.val();
                    self.ev_price.d.next = self.price.q.val();
                    self.ev_order_id.d.next = self.target.q.val();
                    self.ev_qty.d.next = self.qty.q.val();
                    self.ev_remaining.d.next = 0.into();
                    self.ev_ref.d.next = self.client_ref.q.val();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.emit_return.d.next = MatcherState::Idle;
                    self.state.d.next = MatcherState::Emit;
                } else if self.fok_count.q.val() == self.s_fok_orders_max.val() {
                    self.ev_kind.d.next = KIND_REJECTED.into();
                    self.ev_reason.d.next = REASON_FOK_TOO_DEEP.into();
                    self.ev_side.d.next = 0.into();
                    if self.side.q.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.account.q.val();
                    self.ev_price.d.next = self.price.q.val();
                    self.ev_order_id.d.next = self.target.q.val();
                    self.ev_qty.d.next = self.qty.q.val();
                    self.ev_remaining.d.next = 0.into();
                    self.ev_ref.d.next = self.client_ref.q.val();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.emit_return.d.next = MatcherState::Idle;
                    self.state.d.next = MatcherState::Emit;
                } else {
                    self.level_key.d.next = self.found_key.q.val();
                    self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                        | bit_cast::<16, 12>(self.found_key.q.val());
                    if self.opposite.val() {
                        self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                            | 0x1000
                            | bit_cast::<16, 12>(self.found_key.q.val());
                    }
                    self.state.d.next = MatcherState::FokLevel;
                }
            }
            MatcherState::Alloc => {
                if self.stacked.q.val() {
                    self.taker_slot.d.next = self.free_head.q.val();
                    self.from_fresh.d.next = false;
                    self.slot_next.read_address.next = self.free_head.q.val();
                    self.slot_generation.read_address.next = self.free_head.q.val();
                    self.state.d.next = MatcherState::AllocRead;
                } else if !self.fresh_exhausted.q.val() {
                    self.taker_slot.d.next = self.fresh.q.val();
                    self.from_fresh.d.next = true;
                    self.slot_generation.read_address.next = self.fresh.q.val();
                    self.state.d.next = MatcherState::AllocRead;
                } else {
                    self.ev_kind.d.next = KIND_REJECTED.into();
                    self.ev_reason.d.next = REASON_ORDER_POOL_FULL.into();
                    self.ev_side.d.next = 0.into();
                    if self.side.q.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.account.q.val();
                    self.ev_price.d.next = self.price.q.val();
                    self.ev_order_id.d.next = self.target.q.val();
                    self.ev_qty.d.next = self.qty.q.val();
                    self.ev_remaining.d.next = 0.into();
                    self.ev_ref.d.next = self.client_ref.q.val();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.emit_return.d.next = MatcherState::Idle;
                    self.state.d.next = MatcherState::Emit;
                }
            }
            MatcherState::AllocRead => {
                self.slot_generation.write_address.next = self.taker_slot.q.val();
                self.slot_generation.write_data.next = self.next_generation.val();
                self.slot_generation.write_enable.next = true;
                self.taker_generation.d.next = self.next_generation.val();
                if self.from_fresh.q.val() {
                    self.fresh.d.next = self.fresh.q.val() + 1;
                    if self.fresh.q.val().all()
                        | ((bit_cast::<15, 14>(self.fresh.q.val()) + 1) == self.s_orders_max.val())
                    {
                        self.fresh_exhausted.d.next = true;
                    }
                } else {
                    self.free_head.d.next = bit_cast::<14, _>(self.slot_next.read_data.val());
                    self.stacked.d.next = self.slot_next.read_data.val().get_bit(14);
                }
                self.remaining.d.next = self.qty.q.val();
                self.ev_kind.d.next = KIND_ACCEPTED.into();
                self.ev_reason.d.next = REASON_NONE.into();
                self.ev_side.d.next = 0.into();
                if self.side.q.val() {
                    self.ev_side.d.next = 1.into();
                }
                self.ev_account.d.next = self.account.q.val();
                self.ev_price.d.next = self.price.q.val();
                self.ev_order_id.d.next = (bit_cast::<64, 32>(self.next_generation.val()) << 32)
                    | bit_cast::<64, 14>(self.taker_slot.q.val());
                self.ev_qty.d.next = self.qty.q.val();
                self.ev_remaining.d.next = self.qty.q.val();
                self.ev_ref.d.next = self.client_ref.q.val();
                self.ev_maker_account.d.next = 0.into();
                self.ev_maker_remaining.d.next = 0.into();
                // Present `accepted` now, straight from the values above; if the sink stalls,
                // EmitAccepted presents the registered copy.
                self.m_valid.next = true;
                self.m_kind.next = KIND_ACCEPTED.into();
                self.m_reason.next = REASON_NONE.into();
                self.m_side.next = 0.into();
                if self.side.q.val() {
                    self.m_side.next = 1.into();
                }
                self.m_account.next = self.account.q.val();
                self.m_price.next = self.price.q.val();
                self.m_order_id.next = (bit_cast::<64, 32>(self.next_generation.val()) << 32)
                    | bit_cast::<64, 14>(self.taker_slot.q.val());
                self.m_qty.next = self.qty.q.val();
                self.m_remaining.next = self.qty.q.val();
                self.m_ref.next = self.client_ref.q.val();
                self.m_maker_account.next = 0.into();
                self.m_maker_remaining.next = 0.into();
                // EmitAccepted's work: the best opposite level, from the cache or a search.
                self.find_side.d.next = self.opposite.val();
                self.find_key.d.next = 0.into();
                self.find_return.d.next = MatcherState::MatchLevel;
                self.bitmap_word.read_address.next = bit_cast::<11, 3>(self.book.q.val()) << 8;
                if self.opposite.val() {
                    self.bitmap_word.read_address.next =
                        (bit_cast::<11, 3>(self.book.q.val()) << 8) | 0x80;
                }
                self.state.d.next = MatcherState::EmitAccepted;
                if self.m_ready.val() {
                    self.state.d.next = MatcherState::FindWord;
                    if !self.best_opposite.val().get_bit(13) {
                        self.found.d.next = self.best_opposite.val().get_bit(12);
                        self.found_key.d.next = bit_cast::<12, _>(self.best_opposite.val());
                        self.state.d.next = MatcherState::MatchLevel;
                    }
                }
            }
            MatcherState::EmitAccepted => {
                // Present `accepted` while starting the search for the best opposite level
                // (MatchFind and FindStart's work; the taker has qty ≥ 1 left). A stalled sink
                // only repeats the read.
                self.m_valid.next = true;
                self.find_side.d.next = self.opposite.val();
                self.find_key.d.next = 0.into();
                self.find_return.d.next = MatcherState::MatchLevel;
                self.bitmap_word.read_address.next = bit_cast::<11, 3>(self.book.q.val()) << 8;
                if self.opposite.val() {
                    self.bitmap_word.read_address.next =
                        (bit_cast::<11, 3>(self.book.q.val()) << 8) | 0x80;
                }
                if self.m_ready.val() {
                    self.state.d.next = MatcherState::FindWord;
                    if !self.best_opposite.val().get_bit(13) {
                        // The cache knows the best opposite level: no search.
                        self.found.d.next = self.best_opposite.val().get_bit(12);
                        self.found_key.d.next = bit_cast::<12, _>(self.best_opposite.val());
                        self.state.d.next = MatcherState::MatchLevel;
                    }
                }
            }
            MatcherState::MatchFind => {
                if !self.remaining.q.val().any() {
                    self.state.d.next = MatcherState::Finish;
                } else {
                    self.find_side.d.next = self.opposite.val();
                    self.find_key.d.next = 0.into();
                    self.find_return.d.next = MatcherState::MatchLevel;
                    self.state.d.next = MatcherState::FindStart;
                }
            }
            MatcherState::MatchLevel => {
                // found / found_key: the best opposite level (a search from key 0, the cache,
                // or the next marked key after the emptied best): cache it.
                self.best_write.next = true;
                self.best_write_index.next = self.best_opposite_index.val();
                self.best_write_value.next = bit_cast::<14, 12>(self.found_key.q.val());
                if self.found.q.val() {
                    self.best_write_value.next =
                        0x1000 | bit_cast::<14, 12>(self.found_key.q.val());
                }
                if !self.found.q.val() | (self.found_key.q.val() > self.cross_key.q.val()) {
                    self.state.d.next = MatcherState::Finish;
                    if !self.stopped.q.val()
                        & self.remaining.q.val().any()
                        & ((self.tif.q.val() == TIF_GTC) | (self.tif.q.val() == TIF_POST_ONLY))
                    {
                        // Nothing (more) to match and the order rests: Finish and LinkStart's
                        // work in this cycle.
                        self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                            | bit_cast::<16, 12>(self.own_key.q.val());
                        if self.side.q.val() {
                            self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val())
                                << 13)
                                | 0x1000
                                | bit_cast::<16, 12>(self.own_key.q.val());
                        }
                        self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                            << 8)
                            | bit_cast::<11, 7>(self.own_key.q.val().get_bits::<7>(5));
                        if self.side.q.val() {
                            self.bitmap_word.read_address.next =
                                (bit_cast::<11, 3>(self.book.q.val()) << 8)
                                    | 0x80
                                    | bit_cast::<11, 7>(self.own_key.q.val().get_bits::<7>(5));
                        }
                        self.state.d.next = MatcherState::LinkLevel;
                    }
                } else {
                    self.level_key.d.next = self.found_key.q.val();
                    self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                        | bit_cast::<16, 12>(self.found_key.q.val());
                    if self.opposite.val() {
                        self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                            | 0x1000
                            | bit_cast::<16, 12>(self.found_key.q.val());
                    }
                    self.state.d.next = MatcherState::MatchHead;
                }
            }
            MatcherState::MatchHead => {
                self.maker_slot.d.next = self.level_head.val();
                self.slot_qty.read_address.next = self.level_head.val();
                self.slot_account.read_address.next = self.level_head.val();
                self.slot_generation.read_address.next = self.level_head.val();
                self.slot_meta.read_address.next = self.level_head.val();
                self.slot_prev.read_address.next = self.level_head.val();
                self.slot_next.read_address.next = self.level_head.val();
                self.swept.d.next = false;
                // After a sweep across levels: the level after this one, read ahead.
                if self.next2_found.q.val() {
                    self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                        | bit_cast::<16, 12>(self.next2_key.q.val());
                    if self.opposite.val() {
                        self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                            | 0x1000
                            | bit_cast::<16, 12>(self.next2_key.q.val());
                    }
                    self.ahead.d.next = true;
                    self.ahead_key.d.next = self.next2_key.q.val();
                }
                // The level's bitmap word, for MatchMaker's sweep across levels.
                self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val()) << 8)
                    | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                if self.opposite.val() {
                    self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | 0x80
                        | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                }
                self.state.d.next = MatcherState::MatchMaker;
            }
            MatcherState::MatchNext => {
                self.maker_slot.d.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.slot_qty.read_address.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.slot_account.read_address.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.slot_generation.read_address.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.slot_meta.read_address.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.slot_prev.read_address.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.slot_next.read_address.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.swept.d.next = false;
                self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val()) << 8)
                    | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                if self.opposite.val() {
                    self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | 0x80
                        | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                }
                self.state.d.next = MatcherState::MatchMaker;
            }
            MatcherState::MatchMaker => {
                // The level's head maker is on the slot RAMs' outputs. The sweep: a head
                // that the taker fills completely, with a successor and the taker left with
                // more, is filled, reported, unlinked and released in this one cycle, while
                // its successor is read — one cycle per fill. The successor's `prev` is not
                // rewritten per fill: the tail pointer rides in `sweep_tail` and is written
                // once, where the sweep stops. Anything else goes the general way
                // (MatchDecide), with the registers as if the sweep had unlinked step by step.
                // The level's bitmap word stays on the RAM's output.
                self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val()) << 8)
                    | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                if self.opposite.val() {
                    self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | 0x80
                        | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                }
                if self.sweep_fill.val() | self.sweep_cross.val() {
                    self.m_valid.next = true;
                    self.m_kind.next = KIND_FILL.into();
                    self.m_reason.next = REASON_NONE.into();
                    self.m_side.next = 0.into();
                    if self.side.q.val() {
                        self.m_side.next = 1.into();
                    }
                    self.m_account.next = self.account.q.val();
                    self.m_price.next = self.level_price.val();
                    self.m_order_id.next = self.taker_id.val();
                    self.m_qty.next = self.slot_qty.read_data.val();
                    self.m_remaining.next = self.remaining.q.val() - self.slot_qty.read_data.val();
                    self.m_ref.next = (bit_cast::<64, 32>(self.slot_generation.read_data.val())
                        << 32)
                        | bit_cast::<64, 14>(self.maker_slot.q.val());
                    self.m_maker_account.next =
                        bit_cast::<32, 16>(self.slot_account.read_data.val());
                    self.m_maker_remaining.next = 0.into();
                    // Until the sink takes the event: read the same maker again.
                    self.slot_qty.read_address.next = self.maker_slot.q.val();
                    self.slot_account.read_address.next = self.maker_slot.q.val();
                    self.slot_generation.read_address.next = self.maker_slot.q.val();
                    self.slot_meta.read_address.next = self.maker_slot.q.val();
                    self.slot_prev.read_address.next = self.maker_slot.q.val();
                    self.slot_next.read_address.next = self.maker_slot.q.val();
                    if self.m_ready.val() {
                        self.remaining.d.next =
                            self.remaining.q.val() - self.slot_qty.read_data.val();
                        if !self.swept.q.val() {
                            self.sweep_tail.d.next = self.slot_prev.read_data.val();
                        }
                        self.swept.d.next = true;
                        // Its successor heads the level, or the level empties.
                        self.level.write_address.next = (bit_cast::<16, 3>(self.book.q.val())
                            << 13)
                            | bit_cast::<16, 12>(self.level_key.q.val());
                        if self.opposite.val() {
                            self.level.write_address.next = (bit_cast::<16, 3>(self.book.q.val())
                                << 13)
                                | 0x1000
                                | bit_cast::<16, 12>(self.level_key.q.val());
                        }
                        self.level.write_data.next = 0x4000
                            | bit_cast::<15, 14>(bit_cast::<14, _>(self.slot_next.read_data.val()));
                        if self.sweep_cross.val() {
                            self.level.write_data.next = 0.into();
                        }
                        self.level.write_enable.next = true;
                        // Released as UnlinkLevel does.
                        self.slot_qty.write_address.next = self.maker_slot.q.val();
                        self.slot_qty.write_data.next = 0.into();
                        self.slot_qty.write_enable.next = true;
                        self.slot_next.write_address.next = self.maker_slot.q.val();
                        self.slot_next.write_data.next = bit_cast::<15, 14>(self.free_head.q.val());
                        if self.stacked.q.val() {
                            self.slot_next.write_data.next =
                                bit_cast::<15, 14>(self.free_head.q.val()) | 0x4000;
                        }
                        self.slot_next.write_enable.next = true;
                        self.slot_meta.write_address.next = self.maker_slot.q.val();
                        self.slot_meta.write_data.next = 0.into();
                        self.slot_meta.write_enable.next = true;
                        self.free_head.d.next = self.maker_slot.q.val();
                        self.stacked.d.next = true;
                        // The successor, read now.
                        self.maker_slot.d.next = bit_cast::<14, _>(self.slot_next.read_data.val());
                        self.slot_qty.read_address.next =
                            bit_cast::<14, _>(self.slot_next.read_data.val());
                        self.slot_account.read_address.next =
                            bit_cast::<14, _>(self.slot_next.read_data.val());
                        self.slot_generation.read_address.next =
                            bit_cast::<14, _>(self.slot_next.read_data.val());
                        self.slot_meta.read_address.next =
                            bit_cast::<14, _>(self.slot_next.read_data.val());
                        self.slot_prev.read_address.next =
                            bit_cast::<14, _>(self.slot_next.read_data.val());
                        self.slot_next.read_address.next =
                            bit_cast::<14, _>(self.slot_next.read_data.val());
                        if self.sweep_cross.val() {
                            // The level empties and its word does not: clear its bit; the
                            // next marked key is the best level now (cache it) and crosses:
                            // read its head (MatchLevel's work), then the head (MatchHead).
                            self.bitmap_word.write_address.next =
                                (bit_cast::<11, 3>(self.book.q.val()) << 8)
                                    | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                            if self.opposite.val() {
                                self.bitmap_word.write_address.next =
                                    (bit_cast::<11, 3>(self.book.q.val()) << 8)
                                        | 0x80
                                        | bit_cast::<11, 7>(
                                            self.level_key.q.val().get_bits::<7>(5),
                                        );
                            }
                            self.bitmap_word.write_data.next = self.sweep_cleared.val();
                            self.fwd_word.d.next = self.sweep_cleared.val();
                            self.fwd_valid.d.next = true;
                            self.bitmap_word.write_enable.next = true;
                            self.best_write.next = true;
                            self.best_write_index.next = self.best_opposite_index.val();
                            self.best_write_value.next =
                                0x1000 | bit_cast::<14, 12>(self.sweep_key.val());
                            self.level_key.d.next = self.sweep_key.val();
                            self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val())
                                << 13)
                                | bit_cast::<16, 12>(self.sweep_key.val());
                            if self.opposite.val() {
                                self.level.read_address.next =
                                    (bit_cast::<16, 3>(self.book.q.val()) << 13)
                                        | 0x1000
                                        | bit_cast::<16, 12>(self.sweep_key.val());
                            }
                            self.swept.d.next = false;
                            self.state.d.next = MatcherState::MatchHead;
                            self.next2_found.d.next = self.ctz_b_found.val();
                            self.next2_key.d.next = self.sweep_key2.val();
                            if self.ahead.q.val() & (self.ahead_key.q.val() == self.sweep_key.val())
                            {
                                // The next level's head was read last cycle: read that order
                                // now (MatchHead's work) and the level after that. (The key
                                // read ahead is this one by construction; the compare keeps a
                                // future path that reads ahead otherwise from going wrong.)
                                self.maker_slot.d.next = self.level_head.val();
                                self.slot_qty.read_address.next = self.level_head.val();
                                self.slot_account.read_address.next = self.level_head.val();
                                self.slot_generation.read_address.next = self.level_head.val();
                                self.slot_meta.read_address.next = self.level_head.val();
                                self.slot_prev.read_address.next = self.level_head.val();
                                self.slot_next.read_address.next = self.level_head.val();
                                self.level.read_address.next =
                                    (bit_cast::<16, 3>(self.book.q.val()) << 13)
                                        | bit_cast::<16, 12>(self.sweep_key2.val());
                                if self.opposite.val() {
                                    self.level.read_address.next =
                                        (bit_cast::<16, 3>(self.book.q.val()) << 13)
                                            | 0x1000
                                            | bit_cast::<16, 12>(self.sweep_key2.val());
                                }
                                self.ahead.d.next = self.ctz_b_found.val();
                                self.ahead_key.d.next = self.sweep_key2.val();
                                self.next2_found.d.next = false;
                                self.state.d.next = MatcherState::MatchMaker;
                            }
                        }
                    }
                } else {
                    self.maker_qty.d.next = self.slot_qty.read_data.val();
                    self.maker_account.d.next =
                        bit_cast::<32, 16>(self.slot_account.read_data.val());
                    self.maker_price.d.next = self.level_price.val();
                    self.maker_generation.d.next = self.slot_generation.read_data.val();
                    self.maker_prev.d.next = self.slot_prev.read_data.val();
                    self.maker_next.d.next = self.slot_next.read_data.val();
                    if self.swept.q.val() {
                        // The sweep stopped here: this head takes the tail pointer.
                        self.maker_prev.d.next = self.sweep_tail.q.val();
                        self.slot_prev.write_address.next = self.maker_slot.q.val();
                        self.slot_prev.write_data.next = self.sweep_tail.q.val();
                        self.slot_prev.write_enable.next = true;
                    }
                    self.swept.d.next = false;
                    self.state.d.next = MatcherState::MatchDecide;
                }
            }
            MatcherState::MatchDecide => {
                if !self.same_account.val() {
                    self.remaining.d.next = self.remaining.q.val() - self.fill_qty.val();
                    self.maker_qty.d.next = self.maker_qty.q.val() - self.fill_qty.val();
                    self.slot_qty.write_address.next = self.maker_slot.q.val();
                    self.slot_qty.write_data.next = self.maker_qty.q.val() - self.fill_qty.val();
                    self.slot_qty.write_enable.next = true;
                    if self.maker_qty.q.val() == self.fill_qty.val() {
                        self.unlink_side.d.next = self.opposite.val();
                        self.unlink_return.d.next = MatcherState::MatchFind;
                        self.ev_kind.d.next = KIND_FILL.into();
                        self.ev_reason.d.next = REASON_NONE.into();
                        self.ev_side.d.next = 0.into();
                        if self.side.q.val() {
                            self.ev_side.d.next = 1.into();
                        }
                        self.ev_account.d.next = self.account.q.val();
                        self.ev_price.d.next = self.maker_price.q.val();
                        self.ev_order_id.d.next = self.taker_id.val();
                        self.ev_qty.d.next = self.fill_qty.val();
                        self.ev_remaining.d.next = self.remaining.q.val() - self.fill_qty.val();
                        self.ev_ref.d.next = self.maker_id.val();
                        self.ev_maker_account.d.next = self.maker_account.q.val();
                        self.ev_maker_remaining.d.next =
                            self.maker_qty.q.val() - self.fill_qty.val();
                        self.state.d.next = MatcherState::EmitUnlink;
                    } else {
                        self.ev_kind.d.next = KIND_FILL.into();
                        self.ev_reason.d.next = REASON_NONE.into();
                        self.ev_side.d.next = 0.into();
                        if self.side.q.val() {
                            self.ev_side.d.next = 1.into();
                        }
                        self.ev_account.d.next = self.account.q.val();
                        self.ev_price.d.next = self.maker_price.q.val();
                        self.ev_order_id.d.next = self.taker_id.val();
                        self.ev_qty.d.next = self.fill_qty.val();
                        self.ev_remaining.d.next = self.remaining.q.val() - self.fill_qty.val();
                        self.ev_ref.d.next = self.maker_id.val();
                        self.ev_maker_account.d.next = self.maker_account.q.val();
                        self.ev_maker_remaining.d.next =
                            self.maker_qty.q.val() - self.fill_qty.val();
                        // The maker keeps the rest: the taker is exhausted.
                        self.emit_return.d.next = MatcherState::Finish;
                        self.state.d.next = MatcherState::Emit;
                    }
                } else if self.stp.q.val() == STP_CANCEL_NEWEST {
                    self.stopped.d.next = true;
                    self.state.d.next = MatcherState::Finish;
                } else {
                    if self.stp.q.val() == STP_CANCEL_BOTH {
                        self.stopped.d.next = true;
                        self.unlink_return.d.next = MatcherState::Finish;
                    } else {
                        self.unlink_return.d.next = MatcherState::MatchFind;
                    }
                    self.unlink_side.d.next = self.opposite.val();
                    self.ev_kind.d.next = KIND_CANCELLED.into();
                    self.ev_reason.d.next = REASON_SELF_TRADE.into();
                    self.ev_side.d.next = 0.into();
                    if self.opposite.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.maker_account.q.val();
                    self.ev_price.d.next = self.maker_price.q.val();
                    self.ev_order_id.d.next = self.maker_id.val();
                    self.ev_qty.d.next = self.maker_qty.q.val();
                    self.ev_remaining.d.next = 0.into();
                    // The resting order's client reference is the host's (abi::client_refs).
                    self.ev_ref.d.next = 0.into();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.state.d.next = MatcherState::EmitUnlink;
                }
            }
            MatcherState::EmitUnlink => {
                // Present the event that reports the order leaving while unlinking it (the
                // writes are idempotent, so a stalled sink only repeats them).
                self.m_valid.next = true;
                self.slot_next.write_address.next = bit_cast::<14, _>(self.maker_prev.q.val());
                self.slot_next.write_data.next = self.maker_next.q.val();
                self.slot_next.write_enable.next = self.maker_prev.q.val().get_bit(14);
                self.slot_prev.write_address.next = bit_cast::<14, _>(self.maker_next.q.val());
                self.slot_prev.write_data.next = self.maker_prev.q.val();
                self.slot_prev.write_enable.next = self.maker_next.q.val().get_bit(14);
                self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                    | bit_cast::<16, 12>(self.level_key.q.val());
                if self.unlink_side.q.val() {
                    self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                        | 0x1000
                        | bit_cast::<16, 12>(self.level_key.q.val());
                }
                // The level's bitmap word, in case the level empties.
                self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val()) << 8)
                    | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                if self.unlink_side.q.val() {
                    self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | 0x80
                        | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                }
                if self.m_ready.val() {
                    self.state.d.next = MatcherState::UnlinkLevel;
                }
            }
            MatcherState::UnlinkLevel => {
                self.level.write_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                    | bit_cast::<16, 12>(self.level_key.q.val());
                if self.unlink_side.q.val() {
                    self.level.write_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                        | 0x1000
                        | bit_cast::<16, 12>(self.level_key.q.val());
                }
                // The head leaves: its successor (which inherited the tail pointer in
                // UnlinkStart) becomes the head, or the level empties.
                self.level.write_data.next = 0.into();
                if self.maker_next.q.val().get_bit(14) {
                    self.level.write_data.next =
                        0x4000 | bit_cast::<15, 14>(bit_cast::<14, _>(self.maker_next.q.val()));
                }
                // The tail leaves and a predecessor stays: the head's tail pointer moves back.
                self.slot_prev.write_address.next = self.level_head.val();
                self.slot_prev.write_data.next =
                    bit_cast::<15, 14>(bit_cast::<14, _>(self.maker_prev.q.val()));
                self.slot_prev.write_enable.next =
                    self.maker_prev.q.val().get_bit(14) & !self.maker_next.q.val().get_bit(14);
                self.level.write_enable.next = !self.maker_prev.q.val().get_bit(14);
                // Release the slot now (its writes touch neither the level table nor
                // slot_prev).
                self.slot_next.write_address.next = self.maker_slot.q.val();
                self.slot_next.write_data.next = bit_cast::<15, 14>(self.free_head.q.val());
                if self.stacked.q.val() {
                    self.slot_next.write_data.next =
                        bit_cast::<15, 14>(self.free_head.q.val()) | 0x4000;
                }
                self.slot_next.write_enable.next = true;
                self.slot_meta.write_address.next = self.maker_slot.q.val();
                self.slot_meta.write_data.next = 0.into();
                self.slot_meta.write_enable.next = true;
                self.free_head.d.next = self.maker_slot.q.val();
                self.stacked.d.next = true;
                if !self.maker_prev.q.val().get_bit(14) & !self.maker_next.q.val().get_bit(14) {
                    // The level empties: clear its bit in the word read in
                    // EmitUnlink, then the summary bit (BitSum, or Idle when the message is done).
                    self.new_word.next = self.bitmap_word.read_data.val()
                        & !(bits::<32>(1) << bit_cast::<5, _>(self.level_key.q.val()));
                    self.bitmap_word.write_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                    if self.unlink_side.q.val() {
                        self.bitmap_word.write_address.next =
                            (bit_cast::<11, 3>(self.book.q.val()) << 8)
                                | 0x80
                                | bit_cast::<11, 7>(self.level_key.q.val().get_bits::<7>(5));
                    }
                    self.bitmap_word.write_data.next = self.new_word.val();
                    self.bitmap_word.write_enable.next = true;
                    self.bit_word_empty.d.next = !self.new_word.val().any();
                    self.bitmap_summary.read_address.next = (bit_cast::<6, 3>(self.book.q.val())
                        << 3)
                        | bit_cast::<6, 2>(self.level_key.q.val().get_bits::<2>(10));
                    if self.unlink_side.q.val() {
                        self.bitmap_summary.read_address.next =
                            (bit_cast::<6, 3>(self.book.q.val()) << 3)
                                | 0x4
                                | bit_cast::<6, 2>(self.level_key.q.val().get_bits::<2>(10));
                    }
                    self.bit_side.d.next = self.unlink_side.q.val();
                    self.bit_key.d.next = self.level_key.q.val();
                    self.bit_set.d.next = false;
                    // The best level emptied: the cache no longer knows the best.
                    if !self.best_unlink.val().get_bit(13)
                        & self.best_unlink.val().get_bit(12)
                        & (bit_cast::<12, _>(self.best_unlink.val()) == self.level_key.q.val())
                    {
                        self.best_write.next = true;
                        self.best_write_index.next = self.best_unlink_index.val();
                        self.best_write_value.next = 0x2000.into();
                    }
                    self.bit_return.d.next = self.unlink_return.q.val();
                    // Sweeping: the emptied level was the best, so the next best is the next
                    // marked key of this word, if any — no search.
                    if (self.unlink_return.q.val() == MatcherState::MatchFind)
                        & self.remaining.q.val().any()
                        & self.ctz_a_found.val()
                    {
                        self.found.d.next = true;
                        self.found_key.d.next =
                            (bit_cast::<12, 7>(self.level_key.q.val().get_bits::<7>(5)) << 5)
                                | bit_cast::<12, 5>(self.ctz_a_index.val());
                        self.bit_return.d.next = MatcherState::MatchLevel;
                    }
                    self.state.d.next = MatcherState::BitSum;
                    if self.unlink_return.q.val() == MatcherState::Idle {
                        self.sum_pending.d.next = true;
                        self.state.d.next = MatcherState::Idle;
                    }
                } else {
                    // If the taker goes on matching, its next maker is the successor at this
                    // same level: no search needed.
                    self.state.d.next = self.unlink_return.q.val();
                    if (self.unlink_return.q.val() == MatcherState::MatchFind)
                        & self.maker_next.q.val().get_bit(14)
                        & self.remaining.q.val().any()
                    {
                        self.state.d.next = MatcherState::MatchNext;
                    }
                }
            }
            MatcherState::Finish => {
                if self.stopped.q.val() {
                    self.ev_kind.d.next = KIND_CANCELLED.into();
                    self.ev_reason.d.next = REASON_SELF_TRADE.into();
                    self.ev_side.d.next = 0.into();
                    if self.side.q.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.account.q.val();
                    self.ev_price.d.next = self.price.q.val();
                    self.ev_order_id.d.next = self.taker_id.val();
                    self.ev_qty.d.next = self.remaining.q.val();
                    self.ev_remaining.d.next = 0.into();
                    self.ev_ref.d.next = self.client_ref.q.val();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.emit_return.d.next = MatcherState::ReleaseTaker;
                    self.state.d.next = MatcherState::Emit;
                } else if !self.remaining.q.val().any() {
                    self.state.d.next = MatcherState::ReleaseTaker;
                } else if (self.tif.q.val() == TIF_GTC) | (self.tif.q.val() == TIF_POST_ONLY) {
                    self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                        | bit_cast::<16, 12>(self.own_key.q.val());
                    if self.side.q.val() {
                        self.level.read_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                            | 0x1000
                            | bit_cast::<16, 12>(self.own_key.q.val());
                    }
                    self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | bit_cast::<11, 7>(self.own_key.q.val().get_bits::<7>(5));
                    if self.side.q.val() {
                        self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                            << 8)
                            | 0x80
                            | bit_cast::<11, 7>(self.own_key.q.val().get_bits::<7>(5));
                    }
                    self.state.d.next = MatcherState::LinkLevel;
                } else {
                    self.ev_kind.d.next = KIND_EXPIRED.into();
                    self.ev_reason.d.next = REASON_NONE.into();
                    self.ev_side.d.next = 0.into();
                    if self.side.q.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.account.q.val();
                    self.ev_price.d.next = self.price.q.val();
                    self.ev_order_id.d.next = self.taker_id.val();
                    self.ev_qty.d.next = self.remaining.q.val();
                    self.ev_remaining.d.next = 0.into();
                    self.ev_ref.d.next = self.client_ref.q.val();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.emit_return.d.next = MatcherState::ReleaseTaker;
                    self.state.d.next = MatcherState::Emit;
                }
            }
            MatcherState::ReleaseTaker => {
                self.slot_next.write_address.next = self.taker_slot.q.val();
                self.slot_next.write_data.next = bit_cast::<15, 14>(self.free_head.q.val());
                if self.stacked.q.val() {
                    self.slot_next.write_data.next =
                        bit_cast::<15, 14>(self.free_head.q.val()) | 0x4000;
                }
                self.slot_next.write_enable.next = true;
                self.free_head.d.next = self.taker_slot.q.val();
                self.stacked.d.next = true;
                self.state.d.next = MatcherState::Idle;
            }
            MatcherState::LinkLevel => {
                self.slot_qty.write_address.next = self.taker_slot.q.val();
                self.slot_qty.write_data.next = self.remaining.q.val();
                self.slot_qty.write_enable.next = true;
                self.slot_account.write_address.next = self.taker_slot.q.val();
                self.slot_account.write_data.next = bit_cast::<16, _>(self.account.q.val());
                self.slot_account.write_enable.next = true;
                self.slot_meta.write_address.next = self.taker_slot.q.val();
                self.slot_meta.write_data.next = 0x10000
                    | (bit_cast::<17, 3>(self.book.q.val()) << 13)
                    | bit_cast::<17, 12>(self.own_key.q.val());
                self.slot_meta.write_enable.next = true;
                if self.side.q.val() {
                    self.slot_meta.write_data.next = 0x11000
                        | (bit_cast::<17, 3>(self.book.q.val()) << 13)
                        | bit_cast::<17, 12>(self.own_key.q.val());
                }
                self.slot_next.write_address.next = self.taker_slot.q.val();
                self.slot_next.write_data.next = 0.into();
                self.slot_next.write_enable.next = true;
                self.slot_prev.write_address.next = self.taker_slot.q.val();
                self.slot_prev.write_data.next = 0.into();
                self.slot_prev.write_enable.next = true;
                self.level.write_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                    | bit_cast::<16, 12>(self.own_key.q.val());
                if self.side.q.val() {
                    self.level.write_address.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                        | 0x1000
                        | bit_cast::<16, 12>(self.own_key.q.val());
                }
                self.level.write_enable.next = true;
                if self.level_occupied.val() {
                    // Append after the tail, which the head's prev holds: read it.
                    // ...and write the head's new tail pointer (the taker) in the same cycle:
                    // a RAM read returns the value before a same-cycle write.
                    self.maker_slot.d.next = self.level_head.val();
                    self.slot_prev.write_address.next = self.level_head.val();
                    self.slot_prev.write_data.next = bit_cast::<15, 14>(self.taker_slot.q.val());
                    self.slot_prev.read_address.next = self.level_head.val();
                    self.level.write_enable.next = false;
                    self.link_pending.d.next = true;
                    self.state.d.next = MatcherState::Idle;
                } else {
                    // The only order: head, and its own tail.
                    self.slot_prev.write_data.next = bit_cast::<15, 14>(self.taker_slot.q.val());
                    self.level.write_data.next =
                        0x4000 | bit_cast::<15, 14>(self.taker_slot.q.val());
                    // Mark the level: set its bit in the word read with the level; the
                    // summary bit in the next cycle, by Idle (sum_pending).
                    self.new_word.next = self.bitmap_word.read_data.val()
                        | (bits::<32>(1) << bit_cast::<5, _>(self.own_key.q.val()));
                    self.bitmap_word.write_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | bit_cast::<11, 7>(self.own_key.q.val().get_bits::<7>(5));
                    if self.side.q.val() {
                        self.bitmap_word.write_address.next =
                            (bit_cast::<11, 3>(self.book.q.val()) << 8)
                                | 0x80
                                | bit_cast::<11, 7>(self.own_key.q.val().get_bits::<7>(5));
                    }
                    self.bitmap_word.write_data.next = self.new_word.val();
                    self.bitmap_word.write_enable.next = true;
                    self.bitmap_summary.read_address.next = (bit_cast::<6, 3>(self.book.q.val())
                        << 3)
                        | bit_cast::<6, 2>(self.own_key.q.val().get_bits::<2>(10));
                    if self.side.q.val() {
                        self.bitmap_summary.read_address.next =
                            (bit_cast::<6, 3>(self.book.q.val()) << 3)
                                | 0x4
                                | bit_cast::<6, 2>(self.own_key.q.val().get_bits::<2>(10));
                    }
                    self.bit_side.d.next = self.side.q.val();
                    self.bit_key.d.next = self.own_key.q.val();
                    self.bit_set.d.next = true;
                    self.sum_pending.d.next = true;
                    // A known best moves to this level if it is better (or the side was empty).
                    if !self.best_own.val().get_bit(13)
                        & (!self.best_own.val().get_bit(12)
                            | (self.own_key.q.val() < bit_cast::<12, _>(self.best_own.val())))
                    {
                        self.best_write.next = true;
                        self.best_write_index.next = self.best_own_index.val();
                        self.best_write_value.next =
                            0x1000 | bit_cast::<14, 12>(self.own_key.q.val());
                    }
                    self.state.d.next = MatcherState::Idle;
                }
            }
            MatcherState::CancelCheck => {
                self.maker_qty.d.next = self.slot_qty.read_data.val();
                self.maker_account.d.next = bit_cast::<32, 16>(self.slot_account.read_data.val());
                self.maker_price.d.next = self.meta_price.val();
                self.maker_generation.d.next = self.slot_generation.read_data.val();
                self.maker_prev.d.next = self.cancel_prev.val();
                self.maker_next.d.next = self.cancel_next.val();
                self.level_key.d.next = bit_cast::<12, _>(self.slot_meta.read_data.val());
                self.unlink_side.d.next = self.slot_meta.read_data.val().get_bit(12);
                // A slot beyond the pool, a free slot, another generation or another book:
                // not a live order of this book.
                if self.target.q.val().get_bits::<18>(14).any()
                    | !self.slot_meta.read_data.val().get_bit(16)
                    | (self.slot_generation.read_data.val()
                        != self.target.q.val().get_bits::<32>(32))
                    | (self.slot_meta.read_data.val().get_bits::<3>(13) != self.book.q.val())
                {
                    self.ev_kind.d.next = KIND_REJECTED.into();
                    self.ev_reason.d.next = REASON_UNKNOWN_ORDER.into();
                    self.ev_side.d.next = 0.into();
                    if self.side.q.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.account.q.val();
                    self.ev_price.d.next = self.price.q.val();
                    self.ev_order_id.d.next = self.target.q.val();
                    self.ev_qty.d.next = self.qty.q.val();
                    self.ev_remaining.d.next = 0.into();
                    self.ev_ref.d.next = self.client_ref.q.val();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.emit_return.d.next = MatcherState::Idle;
                    self.state.d.next = MatcherState::Emit;
                } else if bit_cast::<32, 16>(self.slot_account.read_data.val())
                    != self.account.q.val()
                {
                    self.ev_kind.d.next = KIND_REJECTED.into();
                    self.ev_reason.d.next = REASON_NOT_ORDER_OWNER.into();
                    self.ev_side.d.next = 0.into();
                    if self.side.q.val() {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = self.account.q.val();
                    self.ev_price.d.next = self.price.q.val();
                    self.ev_order_id.d.next = self.target.q.val();
                    self.ev_qty.d.next = self.qty.q.val();
                    self.ev_remaining.d.next = 0.into();
                    self.ev_ref.d.next = self.client_ref.q.val();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.emit_return.d.next = MatcherState::Idle;
                    self.state.d.next = MatcherState::Emit;
                } else {
                    self.unlink_return.d.next = MatcherState::Idle;
                    self.ev_kind.d.next = KIND_CANCELLED.into();
                    self.ev_reason.d.next = REASON_NONE.into();
                    self.ev_side.d.next = 0.into();
                    if self.slot_meta.read_data.val().get_bit(12) {
                        self.ev_side.d.next = 1.into();
                    }
                    self.ev_account.d.next = bit_cast::<32, 16>(self.slot_account.read_data.val());
                    self.ev_price.d.next = self.meta_price.val();
                    self.ev_order_id.d.next = self.target.q.val();
                    self.ev_qty.d.next = self.slot_qty.read_data.val();
                    self.ev_remaining.d.next = 0.into();
                    // The resting order's client reference is the host's (abi::client_refs).
                    self.ev_ref.d.next = 0.into();
                    self.ev_maker_account.d.next = 0.into();
                    self.ev_maker_remaining.d.next = 0.into();
                    self.state.d.next = MatcherState::EmitUnlink;
                }
            }
            MatcherState::FindStart => {
                self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val()) << 8)
                    | bit_cast::<11, 7>(self.find_key.q.val().get_bits::<7>(5));
                if self.find_side.q.val() {
                    self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | 0x80
                        | bit_cast::<11, 7>(self.find_key.q.val().get_bits::<7>(5));
                }
                self.state.d.next = MatcherState::FindWord;
            }
            MatcherState::FindWord => {
                if self.ctz_a_found.val() {
                    self.found.d.next = true;
                    self.found_key.d.next =
                        (bit_cast::<12, 7>(self.find_key.q.val().get_bits::<7>(5)) << 5)
                            | bit_cast::<12, 5>(self.ctz_a_index.val());
                    self.state.d.next = self.find_return.q.val();
                } else if self.word_next.val().get_bit(7) {
                    self.found.d.next = false;
                    self.state.d.next = self.find_return.q.val();
                } else {
                    self.find_word.d.next = bit_cast::<7, _>(self.word_next.val());
                    self.bitmap_summary.read_address.next = (bit_cast::<6, 3>(self.book.q.val())
                        << 3)
                        | bit_cast::<6, 2>(self.word_next.val().get_bits::<2>(5));
                    if self.find_side.q.val() {
                        self.bitmap_summary.read_address.next =
                            (bit_cast::<6, 3>(self.book.q.val()) << 3)
                                | 0x4
                                | bit_cast::<6, 2>(self.word_next.val().get_bits::<2>(5));
                    }
                    self.state.d.next = MatcherState::FindSum;
                }
            }
            MatcherState::FindSum => {
                if self.ctz_b_found.val() {
                    self.find_word.d.next =
                        (bit_cast::<7, 2>(self.find_word.q.val().get_bits::<2>(5)) << 5)
                            | bit_cast::<7, 5>(self.ctz_b_index.val());
                    self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                        << 8)
                        | bit_cast::<11, 7>(
                            (bit_cast::<7, 2>(self.find_word.q.val().get_bits::<2>(5)) << 5)
                                | bit_cast::<7, 5>(self.ctz_b_index.val()),
                        );
                    if self.find_side.q.val() {
                        self.bitmap_word.read_address.next = (bit_cast::<11, 3>(self.book.q.val())
                            << 8)
                            | 0x80
                            | bit_cast::<11, 7>(
                                (bit_cast::<7, 2>(self.find_word.q.val().get_bits::<2>(5)) << 5)
                                    | bit_cast::<7, 5>(self.ctz_b_index.val()),
                            );
                    }
                    self.state.d.next = MatcherState::FindWord2;
                } else if self.summary_next.val().get_bit(2) {
                    self.found.d.next = false;
                    self.state.d.next = self.find_return.q.val();
                } else {
                    self.find_word.d.next =
                        bit_cast::<7, 2>(bit_cast::<2, _>(self.summary_next.val())) << 5;
                    self.bitmap_summary.read_address.next = (bit_cast::<6, 3>(self.book.q.val())
                        << 3)
                        | bit_cast::<6, 2>(bit_cast::<2, _>(self.summary_next.val()));
                    if self.find_side.q.val() {
                        self.bitmap_summary.read_address.next =
                            (bit_cast::<6, 3>(self.book.q.val()) << 3)
                                | 0x4
                                | bit_cast::<6, 2>(bit_cast::<2, _>(self.summary_next.val()));
                    }
                    self.state.d.next = MatcherState::FindSum;
                }
            }
            MatcherState::FindWord2 => {
                self.found.d.next = true;
                self.found_key.d.next = (bit_cast::<12, 7>(self.find_word.q.val()) << 5)
                    | bit_cast::<12, 5>(self.ctz_a_index.val());
                self.state.d.next = self.find_return.q.val();
            }
            MatcherState::BitSum => {
                self.bitmap_summary.write_address.next = (bit_cast::<6, 3>(self.book.q.val()) << 3)
                    | bit_cast::<6, 2>(self.bit_key.q.val().get_bits::<2>(10));
                if self.bit_side.q.val() {
                    self.bitmap_summary.write_address.next = (bit_cast::<6, 3>(self.book.q.val())
                        << 3)
                        | 0x4
                        | bit_cast::<6, 2>(self.bit_key.q.val().get_bits::<2>(10));
                }
                if self.bit_set.q.val() {
                    self.bitmap_summary.write_data.next = self.bitmap_summary.read_data.val()
                        | (bits::<32>(1) << self.bit_key.q.val().get_bits::<5>(5));
                    self.bitmap_summary.write_enable.next = true;
                } else if self.bit_word_empty.q.val() {
                    self.bitmap_summary.write_data.next = self.bitmap_summary.read_data.val()
                        & !(bits::<32>(1) << self.bit_key.q.val().get_bits::<5>(5));
                    self.bitmap_summary.write_enable.next = true;
                }
                self.state.d.next = self.bit_return.q.val();
            }
            MatcherState::Emit => {
                self.m_valid.next = true;
                if self.m_ready.val() {
                    self.state.d.next = self.emit_return.q.val();
                }
            }
        }
        if self.best_write.val() & (self.best_write_index.val() == 0) {
            self.best0.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 1) {
            self.best1.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 2) {
            self.best2.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 3) {
            self.best3.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 4) {
            self.best4.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 5) {
            self.best5.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 6) {
            self.best6.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 7) {
            self.best7.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 8) {
            self.best8.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 9) {
            self.best9.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 10) {
            self.best10.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 11) {
            self.best11.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 12) {
            self.best12.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 13) {
            self.best13.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 14) {
            self.best14.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_write_index.val() == 15) {
            self.best15.d.next = self.best_write_value.val();
        }
    }
}

/// The Verilog of a Matcher as a top module.
pub fn verilog() -> String {
    let mut uut = Matcher::default();
    uut.connect_all();
    crate::consts::declare(&generate_verilog(&uut))
}
