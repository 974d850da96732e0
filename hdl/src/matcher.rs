//! Matching core: price-time priority over several books, the contract's order types, STP
//! modes, reject reasons and order-id allocation (docs/abi.md §10–12), step for step as the
//! software `LadderBook` (host/src/engine/book.rs) so the events come out identical.
//!
//! Second design (issue 12, "Timing closure"): the tables are [`RegBram`]s (block RAM with its
//! output register, registered inputs and a fabric register after the output: read data four
//! cycles after the address, a write
//! reaching the RAM a cycle after it is issued), the level bitmaps the
//! [`PriorityBitmap`] block, events leave from one output register, and no cycle starts at a
//! RAM's slow unregistered output. The first design — one FSM over rust-hdl `RAM`s that
//! closed at 27.6 MHz — is in git history (docs/hardware.md, "The matcher").
//!
//! Input: one validated message per handshake (`s_*`): `s_cancel`, `s_book` (3), `s_instrument`
//! (16), `s_account` (32), `s_side` (1: 0 buy, 1 sell), `s_price` (32), `s_qty` (32), `s_tif`
//! (2), `s_stp` (3, resolved: 1 none, 2 cancel newest, 3 cancel oldest, 4 both),
//! `s_client_ref` (64), `s_target` (64, cancel), `s_own_key` / `s_cross_key` (12: the limit's
//! priority key on its own side and on the opposite side), `s_price_min` / `s_price_max` (the
//! book's band: resting prices are rebuilt from their keys); static configuration
//! `s_orders_max` (the venue's `orders_resting_max`, 1 ..= [`SLOTS`]; 0: [`SLOTS`]) and
//! `s_fok_orders_max` (`fok_orders_max`; 0: unbounded).
//! Output: the message's events without sequence number and stamp (`m_*`, one per
//! handshake, fields as abi §5; `m_ref` is a fill's maker id), from the output register,
//! refilled the cycle it is taken. `s_ready` is high in `Idle`, also while the message's last
//! event waits in the output register (every state that emits waits for it to drain, so
//! events leave in order); a user that needs every event of a message gone reads `s_ready &
//! !m_valid`, or `s_ready & m_ready` in the cycle the last one is taken.
//!
//! Tables (address slot, 16,384 entries unless named): `qty` (32), `account` (16), `generation`
//! (32), `meta` (resting ‖ book ‖ side ‖ key, 17), `prev` / `next` (present ‖ slot, 15: a
//! level's FIFO; a head's `prev` holds its level's tail with the present bit clear; `next`
//! also links the free slots), `level` (book ‖ side ‖ key → occupied ‖ head, 65,536 × 15),
//! the level bitmaps (`PriorityBitmap`, 16 book sides), and per book side the best level in a
//! register (stale after its level empties, until a search).
//!
//! States (one cycle each; "read" = a `RegBram` address, its data four states later: the
//! `…Wait3`, `…Wait2`, `…Wait` states between):
//!
//! | message | states |
//! |---|---|
//! | add | `Idle` (accept; read the free slot's generation and link, and the own level) → `Decide` (the best opposite level from the cache, or a search; rejects; read the best opposite level) → `AllocData` (`accepted`; pop the slot) → matching or `Finish` |
//! | matching | `MatchHead` (the level's head: read its order) → `MatchWait` → `MatchMaker` (fill, self-trade or stop; the next order of the level read at once: 2 cycles per fill) … → `MatchNext` when the level empties (bit cleared, the next best level) |
//! | end | `Finish` (expired, STP cancel, release, or rest) → `Link` → (`LinkWait3` (the head's prev: the new tail) → `LinkWait` → `LinkTail` on an occupied level) or `BitCmd` (the level's bit) → `Idle`; a resting add that did not cross skips `Finish` and `Link`: `AllocData` does their work (on an empty level all of it, on an occupied one the writes and the tail's read) |
//! | FOK | `Decide` → `FokLevelWait` → `FokLevel` → `FokWait` → `FokOrder` (per order; `Search` for the next level) → `Alloc` → `AllocWait` → `AllocData` → matching |
//! | cancel | `Idle` (read the target's slot) → `CancelWait` → `CancelCheck` (checks registered) → `CancelEmit` (event; unlink) → `CancelRelease` → (`CancelTail`, `BitCmd`) → `Idle` |
//!
//! A read and a write of one address issued in one cycle never happens (the `Bram` model
//! panics on it, so every differential test proves it): each state writes only tables it does
//! not read at that address.

use rust_hdl::prelude::*;

use crate::bram::RegBram;
use crate::consts::*;
use crate::priority_bitmap::{PriorityBitmap, OP_CLEAR, OP_FIRST_FROM, OP_SET};

/// Order slots (the ECP5 configuration's `orders_resting_max`).
pub const SLOTS: usize = 1 << 14;
/// Price levels per book side: the priority keys (`s_own_key`, `s_cross_key`) are 12 bits.
pub const LEVELS_PER_SIDE: usize = 1 << 12;

// `update` spells the bitmap's opcodes as literals (they are not contract numbers, so not in
// `consts`, and hdl_gen does not translate constants).
const _: () = assert!(OP_SET == 0 && OP_CLEAR == 1 && OP_FIRST_FROM == 2);

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum MatcherState {
    Idle,
    Decide,
    Alloc,
    AllocWait3,
    AllocWait2,
    AllocWait,
    AllocData,
    MatchNext,
    MatchLevelWait3,
    MatchLevelWait2,
    MatchLevelWait,
    MatchHead,
    MatchWait3,
    MatchWait2,
    MatchWait,
    MatchLatch,
    MatchAct,
    Finish,
    RestWait3,
    RestWait2,
    RestWait,
    RestData,
    Link,
    LinkWait3,
    LinkWait2,
    LinkWait,
    LinkTail,
    BitCmd,
    Search,
    SearchWait,
    FokLevelWait3,
    FokLevelWait2,
    FokLevelWait,
    FokLevel,
    FokWait3,
    FokWait2,
    FokWait,
    FokLatch,
    FokOrder,
    FokNext,
    CancelWait3,
    CancelWait2,
    CancelWait,
    CancelCheck,
    CancelEmit,
    CancelRelease,
    CancelTailWait2,
    CancelTailWait,
    CancelTail,
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
    pub s_price_min: Signal<In, Bits<32>>,
    pub s_price_max: Signal<In, Bits<32>>,
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
    // Tables.
    qty_ram: RegBram<Bits<32>, 14>,
    account_ram: RegBram<Bits<16>, 14>,
    generation_ram: RegBram<Bits<32>, 14>,
    meta_ram: RegBram<Bits<17>, 14>,
    prev_ram: RegBram<Bits<15>, 14>,
    next_ram: RegBram<Bits<15>, 14>,
    level_ram: RegBram<Bits<15>, 16>,
    bitmap: PriorityBitmap,
    state: DFF<MatcherState>,
    /// Where `Search` and `BitCmd` go when done.
    search_return: DFF<MatcherState>,
    bit_return: DFF<MatcherState>,
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
    /// `Decide` runs for the first time this message: the reads `Idle` made are on the
    /// RAMs' outputs in the next state.
    first: DFF<Bit>,
    /// The best opposite level crosses the limit (`Decide`'s verdict for `AllocData`).
    crosses: DFF<Bit>,
    /// `AllocData` follows `Decide` at once: the own level read by `Idle` is on the level
    /// RAM's output.
    fast: DFF<Bit>,
    /// `Decide` found nothing to cross for a GTC or post-only order on its fast path: it
    /// rests, and `AllocData` links it when its level is empty.
    rest_fast: DFF<Bit>,
    // The taker.
    remaining: DFF<Bits<32>>,
    stopped: DFF<Bit>,
    taker_slot: DFF<Bits<14>>,
    taker_generation: DFF<Bits<32>>,
    from_fresh: DFF<Bit>,
    /// The taker's generation is written in the cycle after `AllocData`.
    generation_pending: DFF<Bit>,
    /// The own level (occupied, head), registered in `AllocData` or `RestData`.
    own_valid: DFF<Bit>,
    own_occupied: DFF<Bit>,
    own_head: DFF<Bits<14>>,
    // Free slots: a LIFO stack through `next`, then never-used slots from `fresh`.
    free_head: DFF<Bits<14>>,
    stacked: DFF<Bit>,
    fresh: DFF<Bits<14>>,
    fresh_exhausted: DFF<Bit>,
    // The opposite level being matched or walked, and its maker.
    level_key: DFF<Bits<12>>,
    maker_slot: DFF<Bits<14>>,
    /// The maker was read through its level's head (its `prev` holds the tail); else the
    /// tail is `maker_tail`.
    maker_from_head: DFF<Bit>,
    maker_tail: DFF<Bits<15>>,
    /// The maker as MatchLatch registered it (MatchAct's operands).
    mk_qty: DFF<Bits<32>>,
    mk_account: DFF<Bits<32>>,
    mk_own: DFF<Bit>,
    mk_less: DFF<Bit>,
    mk_more: DFF<Bit>,
    mk_taker_left: DFF<Bits<32>>,
    mk_left: DFF<Bits<32>>,
    mk_fill: DFF<Bits<32>>,
    mk_id: DFF<Bits<64>>,
    mk_next: DFF<Bits<15>>,
    mk_tail: DFF<Bits<15>>,
    /// The FOK walk's order as FokLatch registered it.
    fk_own: DFF<Bit>,
    fk_enough: DFF<Bit>,
    fk_left: DFF<Bits<32>>,
    fk_next: DFF<Bits<15>>,
    /// The order registered is the last the walk may visit (`fok_count + 1` = the bound).
    fk_at_bound: DFF<Bit>,
    /// FOK walk: quantity still needed, orders visited.
    fok_need: DFF<Bits<32>>,
    fok_count: DFF<Bits<15>>,
    // Search / bitmap command (registered operands of `PriorityBitmap`).
    bm_op: DFF<Bits<2>>,
    bm_side: DFF<Bits<4>>,
    bm_key: DFF<Bits<12>>,
    found: DFF<Bit>,
    found_key: DFF<Bits<12>>,
    // Cancel: the target's fields and verdict.
    c_unknown: DFF<Bit>,
    c_owner: DFF<Bit>,
    c_side: DFF<Bit>,
    c_key: DFF<Bits<12>>,
    c_qty: DFF<Bits<32>>,
    c_account: DFF<Bits<32>>,
    c_price: DFF<Bits<32>>,
    c_prev: DFF<Bits<15>>,
    c_next: DFF<Bits<15>>,
    /// Best level per book side (index book ‖ side): bit 13 stale (search), bit 12 the side
    /// has a level, bits 0..12 its key. Reset: known, empty.
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
    // The output register.
    ev_valid: DFF<Bit>,
    ev_instrument: DFF<Bits<16>>,
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
    // Combinational.
    /// The output register is empty.
    can_emit: Signal<Local, Bit>,
    /// Load the output register with `e_*`.
    emit: Signal<Local, Bit>,
    e_kind: Signal<Local, Bits<8>>,
    e_reason: Signal<Local, Bits<8>>,
    e_side: Signal<Local, Bits<8>>,
    e_account: Signal<Local, Bits<32>>,
    e_price: Signal<Local, Bits<32>>,
    e_order_id: Signal<Local, Bits<64>>,
    e_qty: Signal<Local, Bits<32>>,
    e_remaining: Signal<Local, Bits<32>>,
    e_ref: Signal<Local, Bits<64>>,
    e_maker_account: Signal<Local, Bits<32>>,
    e_maker_remaining: Signal<Local, Bits<32>>,
    side8: Signal<Local, Bits<8>>,
    opposite: Signal<Local, Bit>,
    own_index: Signal<Local, Bits<4>>,
    opposite_index: Signal<Local, Bits<4>>,
    /// The best-level cache: one read (index `best_index`), one write.
    best_index: Signal<Local, Bits<4>>,
    best_write: Signal<Local, Bit>,
    best_write_value: Signal<Local, Bits<14>>,
    /// The cache entry of the message's opposite side and whether it crosses the limit, in
    /// registers (loaded at accept, kept equal to the cache's writes of that side), so that
    /// `Decide` and `MatchNext` decide from registers.
    best_opp: DFF<Bits<14>>,
    best_opp_crosses: DFF<Bit>,
    /// The same for the message's own side (for `own_better`).
    best_own: DFF<Bits<14>>,
    best_own_in_index: Signal<Local, Bits<4>>,
    /// The cache entry of the cancelled order's side: the message's book's two entries
    /// (muxed by registers), then its side.
    best_book_bids: Signal<Local, Bits<14>>,
    best_book_asks: Signal<Local, Bits<14>>,
    best_cancel: Signal<Local, Bits<14>>,
    best_own_in: Signal<Local, Bits<14>>,
    /// The cache entry of the side opposite to the message on `s_*` (Idle).
    best_in_index: Signal<Local, Bits<4>>,
    best_in: Signal<Local, Bits<14>>,
    /// The best level's address (opposite side).
    best_level: Signal<Local, Bits<16>>,
    candidate: Signal<Local, Bits<14>>,
    pool_empty: Signal<Local, Bit>,
    taker_id: Signal<Local, Bits<64>>,
    level_price: Signal<Local, Bits<32>>,
    opposite_level: Signal<Local, Bits<16>>,
    own_level: Signal<Local, Bits<16>>,
    next_generation: Signal<Local, Bits<32>>,
    /// Slot-table reads: one address for all six tables, an enable each.
    slot_read: Signal<Local, Bits<14>>,
    // The maker on the slot RAMs' outputs (MatchMaker, FokOrder).
    maker_account: Signal<Local, Bits<32>>,
    maker_own: Signal<Local, Bit>,
    maker_less: Signal<Local, Bit>,
    maker_more: Signal<Local, Bit>,
    maker_taker_left: Signal<Local, Bits<32>>,
    maker_left: Signal<Local, Bits<32>>,
    maker_fill: Signal<Local, Bits<32>>,
    maker_id: Signal<Local, Bits<64>>,
    maker_tail_now: Signal<Local, Bits<15>>,
    maker_next: Signal<Local, Bits<15>>,
    fok_enough: Signal<Local, Bit>,
    fok_count_next: Signal<Local, Bits<15>>,
    fok_at_bound: Signal<Local, Bit>,
    meta_price: Signal<Local, Bits<32>>,
    /// A resting order's meta word, and whether its key is the side's new best (the cache
    /// knows the side and its best is worse or absent).
    own_meta: Signal<Local, Bits<17>>,
    own_better: Signal<Local, Bit>,
    /// The cancelled order's level.
    cancel_level: Signal<Local, Bits<16>>,
}

crate::inputs!(Matcher: clock, s_valid, s_cancel, s_book, s_instrument, s_account, s_side, s_price, s_qty, s_tif, s_stp, s_client_ref, s_target, s_own_key, s_cross_key, s_price_min, s_price_max, s_orders_max, s_fok_orders_max, m_ready);

impl Logic for Matcher {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            search_return,
            bit_return,
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
            first,
            crosses,
            fast,
            rest_fast,
            best_opp,
            best_opp_crosses,
            best_own,
            remaining,
            stopped,
            taker_slot,
            taker_generation,
            from_fresh,
            generation_pending,
            own_valid,
            own_occupied,
            own_head,
            free_head,
            stacked,
            fresh,
            fresh_exhausted,
            level_key,
            maker_slot,
            maker_from_head,
            maker_tail,
            mk_qty,
            mk_account,
            mk_own,
            mk_less,
            mk_more,
            mk_taker_left,
            mk_left,
            mk_fill,
            mk_id,
            mk_next,
            mk_tail,
            fk_own,
            fk_enough,
            fk_left,
            fk_next,
            fk_at_bound,
            fok_need,
            fok_count,
            bm_op,
            bm_side,
            bm_key,
            found,
            found_key,
            c_unknown,
            c_owner,
            c_side,
            c_key,
            c_qty,
            c_account,
            c_price,
            c_prev,
            c_next,
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
            ev_valid,
            ev_instrument,
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
        clock!(
            self,
            clock,
            qty_ram,
            account_ram,
            generation_ram,
            meta_ram,
            prev_ram,
            next_ram,
            level_ram,
            bitmap
        );
        // Outputs: the output register.
        self.m_valid.next = self.ev_valid.q.val();
        self.m_kind.next = self.ev_kind.q.val();
        self.m_reason.next = self.ev_reason.q.val();
        self.m_side.next = self.ev_side.q.val();
        self.m_instrument.next = self.ev_instrument.q.val();
        self.m_account.next = self.ev_account.q.val();
        self.m_price.next = self.ev_price.q.val();
        self.m_order_id.next = self.ev_order_id.q.val();
        self.m_qty.next = self.ev_qty.q.val();
        self.m_remaining.next = self.ev_remaining.q.val();
        self.m_ref.next = self.ev_ref.q.val();
        self.m_maker_account.next = self.ev_maker_account.q.val();
        self.m_maker_remaining.next = self.ev_maker_remaining.q.val();
        self.s_ready.next = false;
        // Only an empty output register is refilled: `m_ready` reaches no state's logic (an
        // event leaves at most every other cycle; a fill takes three).
        self.can_emit.next = !self.ev_valid.q.val();
        // Helpers from registers.
        self.side8.next = 0.into();
        if self.side.q.val() {
            self.side8.next = 1.into();
        }
        self.opposite.next = !self.side.q.val();
        self.own_index.next = bit_cast::<4, 3>(self.book.q.val()) << 1;
        if self.side.q.val() {
            self.own_index.next = (bit_cast::<4, 3>(self.book.q.val()) << 1) | 1;
        }
        self.opposite_index.next = (bit_cast::<4, 3>(self.book.q.val()) << 1) | 1;
        if self.side.q.val() {
            self.opposite_index.next = bit_cast::<4, 3>(self.book.q.val()) << 1;
        }
        self.own_level.next = (bit_cast::<16, 4>(self.own_index.val()) << 12)
            | bit_cast::<16, 12>(self.own_key.q.val());
        self.opposite_level.next = (bit_cast::<16, 4>(self.opposite_index.val()) << 12)
            | bit_cast::<16, 12>(self.level_key.q.val());
        self.taker_id.next = (bit_cast::<64, 32>(self.taker_generation.q.val()) << 32)
            | bit_cast::<64, 14>(self.taker_slot.q.val());
        // A key is the distance in ticks from its side's best end of the band (abi §11).
        self.level_price.next = self.price_max.q.val() - bit_cast::<32, 12>(self.level_key.q.val());
        if self.opposite.val() {
            self.level_price.next =
                self.price_min.q.val() + bit_cast::<32, 12>(self.level_key.q.val());
        }
        self.candidate.next = self.fresh.q.val();
        if self.stacked.q.val() {
            self.candidate.next = self.free_head.q.val();
        }
        self.pool_empty.next = !self.stacked.q.val() & self.fresh_exhausted.q.val();
        // The best-level cache (the opposite side's unless a state says otherwise).
        self.best_index.next = self.opposite_index.val();
        if (self.state.q.val() == MatcherState::Link)
            | (self.state.q.val() == MatcherState::AllocData)
        {
            self.best_index.next = self.own_index.val();
        }
        if self.state.q.val() == MatcherState::CancelEmit {
            self.best_index.next = bit_cast::<4, 3>(self.book.q.val()) << 1;
            if self.c_side.q.val() {
                self.best_index.next = (bit_cast::<4, 3>(self.book.q.val()) << 1) | 1;
            }
        }
        self.best_in_index.next = (bit_cast::<4, 3>(self.s_book.val()) << 1) | 1;
        if self.s_side.val() {
            self.best_in_index.next = bit_cast::<4, 3>(self.s_book.val()) << 1;
        }
        self.best_in.next = self.best0.q.val();
        if self.best_in_index.val() == 1 {
            self.best_in.next = self.best1.q.val();
        }
        if self.best_in_index.val() == 2 {
            self.best_in.next = self.best2.q.val();
        }
        if self.best_in_index.val() == 3 {
            self.best_in.next = self.best3.q.val();
        }
        if self.best_in_index.val() == 4 {
            self.best_in.next = self.best4.q.val();
        }
        if self.best_in_index.val() == 5 {
            self.best_in.next = self.best5.q.val();
        }
        if self.best_in_index.val() == 6 {
            self.best_in.next = self.best6.q.val();
        }
        if self.best_in_index.val() == 7 {
            self.best_in.next = self.best7.q.val();
        }
        if self.best_in_index.val() == 8 {
            self.best_in.next = self.best8.q.val();
        }
        if self.best_in_index.val() == 9 {
            self.best_in.next = self.best9.q.val();
        }
        if self.best_in_index.val() == 10 {
            self.best_in.next = self.best10.q.val();
        }
        if self.best_in_index.val() == 11 {
            self.best_in.next = self.best11.q.val();
        }
        if self.best_in_index.val() == 12 {
            self.best_in.next = self.best12.q.val();
        }
        if self.best_in_index.val() == 13 {
            self.best_in.next = self.best13.q.val();
        }
        if self.best_in_index.val() == 14 {
            self.best_in.next = self.best14.q.val();
        }
        if self.best_in_index.val() == 15 {
            self.best_in.next = self.best15.q.val();
        }
        self.best_own_in_index.next = bit_cast::<4, 3>(self.s_book.val()) << 1;
        if self.s_side.val() {
            self.best_own_in_index.next = (bit_cast::<4, 3>(self.s_book.val()) << 1) | 1;
        }
        self.best_own_in.next = self.best0.q.val();
        if self.best_own_in_index.val() == 1 {
            self.best_own_in.next = self.best1.q.val();
        }
        if self.best_own_in_index.val() == 2 {
            self.best_own_in.next = self.best2.q.val();
        }
        if self.best_own_in_index.val() == 3 {
            self.best_own_in.next = self.best3.q.val();
        }
        if self.best_own_in_index.val() == 4 {
            self.best_own_in.next = self.best4.q.val();
        }
        if self.best_own_in_index.val() == 5 {
            self.best_own_in.next = self.best5.q.val();
        }
        if self.best_own_in_index.val() == 6 {
            self.best_own_in.next = self.best6.q.val();
        }
        if self.best_own_in_index.val() == 7 {
            self.best_own_in.next = self.best7.q.val();
        }
        if self.best_own_in_index.val() == 8 {
            self.best_own_in.next = self.best8.q.val();
        }
        if self.best_own_in_index.val() == 9 {
            self.best_own_in.next = self.best9.q.val();
        }
        if self.best_own_in_index.val() == 10 {
            self.best_own_in.next = self.best10.q.val();
        }
        if self.best_own_in_index.val() == 11 {
            self.best_own_in.next = self.best11.q.val();
        }
        if self.best_own_in_index.val() == 12 {
            self.best_own_in.next = self.best12.q.val();
        }
        if self.best_own_in_index.val() == 13 {
            self.best_own_in.next = self.best13.q.val();
        }
        if self.best_own_in_index.val() == 14 {
            self.best_own_in.next = self.best14.q.val();
        }
        if self.best_own_in_index.val() == 15 {
            self.best_own_in.next = self.best15.q.val();
        }
        self.best_book_bids.next = self.best0.q.val();
        self.best_book_asks.next = self.best1.q.val();
        if self.book.q.val() == 1 {
            self.best_book_bids.next = self.best2.q.val();
            self.best_book_asks.next = self.best3.q.val();
        }
        if self.book.q.val() == 2 {
            self.best_book_bids.next = self.best4.q.val();
            self.best_book_asks.next = self.best5.q.val();
        }
        if self.book.q.val() == 3 {
            self.best_book_bids.next = self.best6.q.val();
            self.best_book_asks.next = self.best7.q.val();
        }
        if self.book.q.val() == 4 {
            self.best_book_bids.next = self.best8.q.val();
            self.best_book_asks.next = self.best9.q.val();
        }
        if self.book.q.val() == 5 {
            self.best_book_bids.next = self.best10.q.val();
            self.best_book_asks.next = self.best11.q.val();
        }
        if self.book.q.val() == 6 {
            self.best_book_bids.next = self.best12.q.val();
            self.best_book_asks.next = self.best13.q.val();
        }
        if self.book.q.val() == 7 {
            self.best_book_bids.next = self.best14.q.val();
            self.best_book_asks.next = self.best15.q.val();
        }
        self.best_cancel.next = self.best_book_bids.val();
        if self.c_side.q.val() {
            self.best_cancel.next = self.best_book_asks.val();
        }
        self.best_level.next = (bit_cast::<16, 4>(self.opposite_index.val()) << 12)
            | (bit_cast::<16, 14>(self.best_opp.q.val()) & 0xFFF);
        self.best_write.next = false;
        self.best_write_value.next = 0.into();
        self.own_meta.next = (bit_cast::<17, 4>(self.own_index.val()) << 12)
            | bit_cast::<17, 12>(self.own_key.q.val())
            | 0x10000;
        self.own_better.next = !self.best_own.q.val().get_bit(13)
            & (!self.best_own.q.val().get_bit(12)
                | (self.own_key.q.val() < bit_cast::<12, 14>(self.best_own.q.val())));
        // The order on the slot RAMs' outputs, as a maker of the taker.
        self.maker_account.next = bit_cast::<32, 16>(self.account_ram.read_data.val());
        self.maker_own.next =
            (self.maker_account.val() == self.account.q.val()) & (self.stp.q.val() != STP_NONE);
        self.maker_less.next = self.qty_ram.read_data.val() < self.remaining.q.val();
        self.maker_more.next = self.remaining.q.val() < self.qty_ram.read_data.val();
        self.maker_taker_left.next = self.remaining.q.val() - self.qty_ram.read_data.val();
        self.maker_left.next = self.qty_ram.read_data.val() - self.remaining.q.val();
        self.maker_fill.next = self.remaining.q.val();
        if self.maker_less.val() {
            self.maker_fill.next = self.qty_ram.read_data.val();
        }
        self.maker_id.next = (bit_cast::<64, 32>(self.generation_ram.read_data.val()) << 32)
            | bit_cast::<64, 14>(self.maker_slot.q.val());
        self.maker_tail_now.next = self.maker_tail.q.val();
        if self.maker_from_head.q.val() {
            self.maker_tail_now.next = self.prev_ram.read_data.val();
        }
        self.maker_next.next = self.next_ram.read_data.val();
        self.fok_enough.next = self.qty_ram.read_data.val() >= self.fok_need.q.val();
        self.fok_count_next.next = self.fok_count.q.val() + 1;
        self.fok_at_bound.next = self.fok_count_next.val() == self.s_fok_orders_max.val();
        self.meta_price.next =
            self.price_max.q.val() - bit_cast::<32, 17>(self.meta_ram.read_data.val() & 0xFFF);
        if self.meta_ram.read_data.val().get_bit(12) {
            self.meta_price.next =
                self.price_min.q.val() + bit_cast::<32, 17>(self.meta_ram.read_data.val() & 0xFFF);
        }
        self.next_generation.next = self.generation_ram.read_data.val() + 1;
        if self.generation_ram.read_data.val().all() {
            self.next_generation.next = 1.into();
        }
        self.cancel_level.next =
            (bit_cast::<16, 3>(self.book.q.val()) << 13) | bit_cast::<16, 12>(self.c_key.q.val());
        if self.c_side.q.val() {
            self.cancel_level.next = (bit_cast::<16, 3>(self.book.q.val()) << 13)
                | 0x1000
                | bit_cast::<16, 12>(self.c_key.q.val());
        }
        // The event to load: by default a reject of the message (its fields as received).
        self.emit.next = false;
        self.e_kind.next = KIND_REJECTED.into();
        self.e_reason.next = REASON_NONE.into();
        self.e_side.next = self.side8.val();
        self.e_account.next = self.account.q.val();
        self.e_price.next = self.price.q.val();
        self.e_order_id.next = self.target.q.val();
        self.e_qty.next = self.qty.q.val();
        self.e_remaining.next = 0.into();
        self.e_ref.next = self.client_ref.q.val();
        self.e_maker_account.next = 0.into();
        self.e_maker_remaining.next = 0.into();
        // RAM defaults: no reads, no writes.
        self.slot_read.next = self.candidate.val();
        self.qty_ram.read_enable.next = false;
        self.account_ram.read_enable.next = false;
        self.generation_ram.read_enable.next = false;
        self.meta_ram.read_enable.next = false;
        self.prev_ram.read_enable.next = false;
        self.next_ram.read_enable.next = false;
        self.level_ram.read_enable.next = false;
        self.level_ram.read_address.next = self.opposite_level.val();
        self.qty_ram.write_enable.next = false;
        self.qty_ram.write_address.next = self.taker_slot.q.val();
        self.qty_ram.write_data.next = self.remaining.q.val();
        self.account_ram.write_enable.next = false;
        self.account_ram.write_address.next = self.taker_slot.q.val();
        self.account_ram.write_data.next = bit_cast::<16, 32>(self.account.q.val());
        self.generation_ram.write_enable.next = false;
        self.generation_ram.write_address.next = self.taker_slot.q.val();
        self.generation_ram.write_data.next = self.taker_generation.q.val();
        self.meta_ram.write_enable.next = false;
        self.meta_ram.write_address.next = self.taker_slot.q.val();
        self.meta_ram.write_data.next = 0.into();
        self.prev_ram.write_enable.next = false;
        self.prev_ram.write_address.next = self.taker_slot.q.val();
        self.prev_ram.write_data.next = 0.into();
        self.next_ram.write_enable.next = false;
        self.next_ram.write_address.next = self.taker_slot.q.val();
        self.next_ram.write_data.next = 0.into();
        self.level_ram.write_enable.next = false;
        self.level_ram.write_address.next = self.opposite_level.val();
        self.level_ram.write_data.next = 0.into();
        // The bitmap: commands from the registered operands; every response is taken.
        self.bitmap.s_valid.next = false;
        self.bitmap.s_op.next = self.bm_op.q.val();
        self.bitmap.s_side.next = self.bm_side.q.val();
        self.bitmap.s_key.next = self.bm_key.q.val();
        self.bitmap.m_ready.next = true;
        // The taker's new generation, a cycle after AllocData (nothing reads its slot then).
        if self.generation_pending.q.val() {
            self.generation_ram.write_enable.next = true;
            self.generation_pending.d.next = false;
        }
        match self.state.q.val() {
            MatcherState::Idle => {
                // Not while the last add's generation is written this cycle and the message
                // cancels that very slot (its read would meet the write in the RAM).
                self.s_ready.next = !(self.generation_pending.q.val()
                    & self.s_cancel.val()
                    & (bit_cast::<14, 64>(self.s_target.val()) == self.taker_slot.q.val()));
                if self.s_valid.val() & self.s_ready.val() {
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
                    self.first.d.next = true;
                    self.own_valid.d.next = false;
                    self.fok_need.d.next = self.s_qty.val();
                    self.fok_count.d.next = 0.into();
                    self.remaining.d.next = self.s_qty.val();
                    self.best_opp.d.next = self.best_in.val();
                    self.best_own.d.next = self.best_own_in.val();
                    self.best_opp_crosses.d.next = self.best_in.val().get_bit(12)
                        & (bit_cast::<12, 14>(self.best_in.val()) <= self.s_cross_key.val());
                    if self.s_cancel.val() {
                        self.slot_read.next = bit_cast::<14, 64>(self.s_target.val());
                        self.qty_ram.read_enable.next = true;
                        self.account_ram.read_enable.next = true;
                        self.generation_ram.read_enable.next = true;
                        self.meta_ram.read_enable.next = true;
                        self.prev_ram.read_enable.next = true;
                        self.next_ram.read_enable.next = true;
                        self.state.d.next = MatcherState::CancelWait3;
                    } else {
                        // The slot an add would take, and the level it would rest at.
                        self.generation_ram.read_enable.next = true;
                        self.next_ram.read_enable.next = true;
                        self.level_ram.read_enable.next = true;
                        self.level_ram.read_address.next = (bit_cast::<16, 3>(self.s_book.val())
                            << 13)
                            | bit_cast::<16, 12>(self.s_own_key.val());
                        if self.s_side.val() {
                            self.level_ram.read_address.next =
                                (bit_cast::<16, 3>(self.s_book.val()) << 13)
                                    | 0x1000
                                    | bit_cast::<16, 12>(self.s_own_key.val());
                        }
                        self.state.d.next = MatcherState::Decide;
                    }
                }
            }
            MatcherState::Decide => {
                self.first.d.next = false;
                self.fast.d.next = self.first.q.val();
                self.crosses.d.next = self.best_opp_crosses.q.val();
                // The operands of the level's bit set, for AllocData (a search below replaces
                // them; it takes the slow path, which sets them again in Link).
                self.bm_op.d.next = 0.into();
                self.bm_side.d.next = self.own_index.val();
                self.bm_key.d.next = self.own_key.q.val();
                self.rest_fast.d.next = self.first.q.val()
                    & !self.best_opp_crosses.q.val()
                    & ((self.tif.q.val() == TIF_GTC) | (self.tif.q.val() == TIF_POST_ONLY));
                self.level_key.d.next = bit_cast::<12, 14>(self.best_opp.q.val());
                if self.best_opp.q.val().get_bit(13) {
                    // Unknown since its level emptied: search from the best key.
                    self.bm_op.d.next = 2.into();
                    self.bm_side.d.next = self.opposite_index.val();
                    self.bm_key.d.next = 0.into();
                    self.search_return.d.next = MatcherState::Decide;
                    self.state.d.next = MatcherState::Search;
                } else if self.tif.q.val() == TIF_FOK {
                    if !self.best_opp_crosses.q.val() {
                        if self.can_emit.val() {
                            self.emit.next = true;
                            self.e_reason.next = REASON_FOK_CANNOT_FILL.into();
                            self.state.d.next = MatcherState::Idle;
                        }
                    } else {
                        self.level_ram.read_enable.next = true;
                        self.level_ram.read_address.next = self.best_level.val();
                        self.state.d.next = MatcherState::FokLevelWait3;
                    }
                } else if (self.tif.q.val() == TIF_POST_ONLY) & self.best_opp_crosses.q.val() {
                    if self.can_emit.val() {
                        self.emit.next = true;
                        self.e_reason.next = REASON_POST_ONLY_WOULD_CROSS.into();
                        self.state.d.next = MatcherState::Idle;
                    }
                } else if self.pool_empty.val() {
                    if self.can_emit.val() {
                        self.emit.next = true;
                        self.e_reason.next = REASON_ORDER_POOL_FULL.into();
                        self.state.d.next = MatcherState::Idle;
                    }
                } else if self.first.q.val() {
                    // The free slot's generation and link arrive in AllocData; the best
                    // opposite level is read for MatchHead after it.
                    self.level_ram.read_enable.next = self.best_opp_crosses.q.val();
                    self.level_ram.read_address.next = self.best_level.val();
                    self.state.d.next = MatcherState::AllocWait2;
                } else {
                    self.state.d.next = MatcherState::Alloc;
                }
            }
            MatcherState::Alloc => {
                // After a search or a FOK walk: read the free slot again.
                if self.pool_empty.val() {
                    if self.can_emit.val() {
                        self.emit.next = true;
                        self.e_reason.next = REASON_ORDER_POOL_FULL.into();
                        self.state.d.next = MatcherState::Idle;
                    }
                } else {
                    self.fast.d.next = false;
                    self.generation_ram.read_enable.next = true;
                    self.next_ram.read_enable.next = true;
                    self.state.d.next = MatcherState::AllocWait3;
                }
            }
            MatcherState::AllocWait3 => {
                self.state.d.next = MatcherState::AllocWait2;
            }
            MatcherState::AllocWait2 => {
                self.state.d.next = MatcherState::AllocWait;
            }
            MatcherState::AllocWait => {
                self.state.d.next = MatcherState::AllocData;
            }
            MatcherState::AllocData => {
                // The free slot's generation and link on the RAM outputs (and, when fast, the
                // own level on the level RAM's): issue the id, pop the slot.
                if self.can_emit.val() {
                    self.taker_slot.d.next = self.candidate.val();
                    self.taker_generation.d.next = self.next_generation.val();
                    self.generation_pending.d.next = true;
                    self.from_fresh.d.next = !self.stacked.q.val();
                    if self.stacked.q.val() {
                        self.free_head.d.next = bit_cast::<14, 15>(self.next_ram.read_data.val());
                        self.stacked.d.next = self.next_ram.read_data.val().get_bit(14);
                    } else {
                        self.fresh.d.next = self.fresh.q.val() + 1;
                        if self.fresh.q.val().all()
                            | ((bit_cast::<15, 14>(self.fresh.q.val()) + 1)
                                == self.s_orders_max.val())
                        {
                            self.fresh_exhausted.d.next = true;
                        }
                    }
                    self.own_valid.d.next = self.fast.q.val();
                    self.own_occupied.d.next = self.level_ram.read_data.val().get_bit(14);
                    self.own_head.d.next = bit_cast::<14, 15>(self.level_ram.read_data.val());
                    self.emit.next = true;
                    self.e_kind.next = KIND_ACCEPTED.into();
                    self.e_order_id.next = (bit_cast::<64, 32>(self.next_generation.val()) << 32)
                        | bit_cast::<64, 14>(self.candidate.val());
                    self.e_remaining.next = self.qty.q.val();
                    self.state.d.next = MatcherState::Finish;
                    if self.rest_fast.q.val() & self.bitmap.s_ready.val() {
                        // Its level's bit (already set if the level is occupied: no change)
                        // and the side's best, whatever the level holds.
                        self.best_write.next = self.own_better.val();
                        self.best_write_value.next =
                            bit_cast::<14, 12>(self.own_key.q.val()) | 0x1000;
                        // Decide loaded the set's operands.
                        self.bitmap.s_valid.next = true;
                    }
                    if self.rest_fast.q.val()
                        & !self.level_ram.read_data.val().get_bit(14)
                        & self.bitmap.s_ready.val()
                    {
                        // It rests at once, alone at its level: Finish and Link's work now.
                        self.qty_ram.write_enable.next = true;
                        self.qty_ram.write_address.next = self.candidate.val();
                        self.qty_ram.write_data.next = self.qty.q.val();
                        self.account_ram.write_enable.next = true;
                        self.account_ram.write_address.next = self.candidate.val();
                        self.meta_ram.write_enable.next = true;
                        self.meta_ram.write_address.next = self.candidate.val();
                        self.meta_ram.write_data.next = self.own_meta.val();
                        self.next_ram.write_enable.next = true;
                        self.next_ram.write_address.next = self.candidate.val();
                        self.prev_ram.write_enable.next = true;
                        self.prev_ram.write_address.next = self.candidate.val();
                        self.prev_ram.write_data.next = bit_cast::<15, 14>(self.candidate.val());
                        self.level_ram.write_enable.next = true;
                        self.level_ram.write_address.next = self.own_level.val();
                        self.level_ram.write_data.next =
                            bit_cast::<15, 14>(self.candidate.val()) | 0x4000;
                        self.state.d.next = MatcherState::Idle;
                    }
                    if self.rest_fast.q.val()
                        & self.level_ram.read_data.val().get_bit(14)
                        & self.bitmap.s_ready.val()
                    {
                        // It rests at the tail of an occupied level: Link's writes now, and
                        // the tail (the head's prev) read at once.
                        self.qty_ram.write_enable.next = true;
                        self.qty_ram.write_address.next = self.candidate.val();
                        self.qty_ram.write_data.next = self.qty.q.val();
                        self.account_ram.write_enable.next = true;
                        self.account_ram.write_address.next = self.candidate.val();
                        self.meta_ram.write_enable.next = true;
                        self.meta_ram.write_address.next = self.candidate.val();
                        self.meta_ram.write_data.next = self.own_meta.val();
                        self.next_ram.write_enable.next = true;
                        self.next_ram.write_address.next = self.candidate.val();
                        self.slot_read.next = bit_cast::<14, 15>(self.level_ram.read_data.val());
                        self.prev_ram.read_enable.next = true;
                        self.state.d.next = MatcherState::LinkWait3;
                    }
                    if self.crosses.q.val() {
                        self.state.d.next = MatcherState::MatchNext;
                        if self.fast.q.val() {
                            // Decide read the best opposite level: on the output next cycle.
                            self.state.d.next = MatcherState::MatchHead;
                        }
                    }
                }
            }
            MatcherState::MatchNext => {
                // The best opposite level, if it still crosses: read it.
                self.level_key.d.next = bit_cast::<12, 14>(self.best_opp.q.val());
                if self.best_opp.q.val().get_bit(13) {
                    self.bm_op.d.next = 2.into();
                    self.bm_side.d.next = self.opposite_index.val();
                    self.bm_key.d.next = 0.into();
                    self.search_return.d.next = MatcherState::MatchNext;
                    self.state.d.next = MatcherState::Search;
                } else if self.best_opp_crosses.q.val() {
                    self.level_ram.read_enable.next = true;
                    self.level_ram.read_address.next = self.best_level.val();
                    self.state.d.next = MatcherState::MatchLevelWait3;
                } else {
                    self.state.d.next = MatcherState::Finish;
                }
            }
            MatcherState::MatchLevelWait3 => {
                self.state.d.next = MatcherState::MatchLevelWait2;
            }
            MatcherState::MatchLevelWait2 => {
                self.state.d.next = MatcherState::MatchLevelWait;
            }
            MatcherState::MatchLevelWait => {
                self.state.d.next = MatcherState::MatchHead;
            }
            MatcherState::MatchHead => {
                // The level (occupied: its bit is set) on the level RAM's output: read its head.
                self.slot_read.next = bit_cast::<14, 15>(self.level_ram.read_data.val());
                self.maker_slot.d.next = bit_cast::<14, 15>(self.level_ram.read_data.val());
                self.maker_from_head.d.next = true;
                self.qty_ram.read_enable.next = true;
                self.account_ram.read_enable.next = true;
                self.generation_ram.read_enable.next = true;
                self.prev_ram.read_enable.next = true;
                self.next_ram.read_enable.next = true;
                self.state.d.next = MatcherState::MatchWait3;
            }
            MatcherState::MatchWait3 => {
                self.state.d.next = MatcherState::MatchWait2;
            }
            MatcherState::MatchWait2 => {
                self.state.d.next = MatcherState::MatchWait;
            }
            MatcherState::MatchWait => {
                self.state.d.next = MatcherState::MatchLatch;
            }
            MatcherState::MatchLatch => {
                // The level's head maker on the slot RAMs' outputs: registered with what the
                // fill needs, so that MatchAct decides from registers; its successor read now
                // (the taker may want it).
                self.mk_qty.d.next = self.qty_ram.read_data.val();
                self.mk_account.d.next = self.maker_account.val();
                self.mk_own.d.next = self.maker_own.val();
                self.mk_less.d.next = self.maker_less.val();
                self.mk_more.d.next = self.maker_more.val();
                self.mk_taker_left.d.next = self.maker_taker_left.val();
                self.mk_left.d.next = self.maker_left.val();
                self.mk_fill.d.next = self.maker_fill.val();
                self.mk_id.d.next = self.maker_id.val();
                self.mk_next.d.next = self.maker_next.val();
                self.mk_tail.d.next = self.maker_tail_now.val();
                self.slot_read.next = bit_cast::<14, 15>(self.maker_next.val());
                self.qty_ram.read_enable.next = self.maker_next.val().get_bit(14);
                self.account_ram.read_enable.next = self.maker_next.val().get_bit(14);
                self.generation_ram.read_enable.next = self.maker_next.val().get_bit(14);
                self.next_ram.read_enable.next = self.maker_next.val().get_bit(14);
                self.state.d.next = MatcherState::MatchAct;
            }
            MatcherState::MatchAct => {
                // The level's head maker, as MatchLatch registered it.
                if self.mk_own.q.val() & (self.stp.q.val() == STP_CANCEL_NEWEST) {
                    // The taker goes; the maker stays.
                    self.stopped.d.next = true;
                    self.state.d.next = MatcherState::Finish;
                } else if self.can_emit.val() {
                    self.emit.next = true;
                    // Either a fill or the maker's self-trade cancel: the maker leaves unless
                    // a fill leaves it open.
                    if self.mk_own.q.val() {
                        self.e_kind.next = KIND_CANCELLED.into();
                        self.e_reason.next = REASON_SELF_TRADE.into();
                        self.e_side.next = 1.into();
                        if self.side.q.val() {
                            self.e_side.next = 0.into();
                        }
                        self.e_account.next = self.mk_account.q.val();
                        self.e_price.next = self.level_price.val();
                        self.e_order_id.next = self.mk_id.q.val();
                        self.e_qty.next = self.mk_qty.q.val();
                        self.e_ref.next = 0.into();
                        if self.stp.q.val() == STP_CANCEL_BOTH {
                            self.stopped.d.next = true;
                        }
                    } else {
                        self.e_kind.next = KIND_FILL.into();
                        self.e_price.next = self.level_price.val();
                        self.e_order_id.next = self.taker_id.val();
                        self.e_qty.next = self.mk_fill.q.val();
                        self.e_remaining.next = 0.into();
                        if self.mk_less.q.val() {
                            self.e_remaining.next = self.mk_taker_left.q.val();
                        }
                        self.e_ref.next = self.mk_id.q.val();
                        self.e_maker_account.next = self.mk_account.q.val();
                        self.e_maker_remaining.next = 0.into();
                        if self.mk_more.q.val() {
                            self.e_maker_remaining.next = self.mk_left.q.val();
                        }
                        self.remaining.d.next = 0.into();
                        if self.mk_less.q.val() {
                            self.remaining.d.next = self.mk_taker_left.q.val();
                        }
                    }
                    if !self.mk_own.q.val() & self.mk_more.q.val() {
                        // Filled in part: it stays at the head, the taker is done.
                        self.qty_ram.write_enable.next = true;
                        self.qty_ram.write_address.next = self.maker_slot.q.val();
                        self.qty_ram.write_data.next = self.mk_left.q.val();
                        self.state.d.next = MatcherState::Finish;
                    } else {
                        // The maker leaves its level's head; its slot is freed.
                        self.next_ram.write_enable.next = true;
                        self.next_ram.write_address.next = self.maker_slot.q.val();
                        self.next_ram.write_data.next = bit_cast::<15, 14>(self.free_head.q.val());
                        if self.stacked.q.val() {
                            self.next_ram.write_data.next =
                                bit_cast::<15, 14>(self.free_head.q.val()) | 0x4000;
                        }
                        self.free_head.d.next = self.maker_slot.q.val();
                        self.stacked.d.next = true;
                        self.meta_ram.write_enable.next = true;
                        self.meta_ram.write_address.next = self.maker_slot.q.val();
                        self.meta_ram.write_data.next = 0.into();
                        self.level_ram.write_enable.next = true;
                        if self.mk_next.q.val().get_bit(14) {
                            // Its successor heads the level and holds the tail.
                            self.level_ram.write_data.next = self.mk_next.q.val();
                            self.prev_ram.write_enable.next = true;
                            self.prev_ram.write_address.next =
                                bit_cast::<14, 15>(self.mk_next.q.val());
                            self.prev_ram.write_data.next = self.mk_tail.q.val();
                            self.maker_tail.d.next = self.mk_tail.q.val();
                            self.maker_slot.d.next = bit_cast::<14, 15>(self.mk_next.q.val());
                            self.maker_from_head.d.next = false;
                            // MatchLatch read it: on the outputs in three cycles (4 per maker).
                            self.state.d.next = MatcherState::MatchWait2;
                            if (!self.mk_own.q.val() & !self.mk_less.q.val())
                                | (self.mk_own.q.val() & (self.stp.q.val() == STP_CANCEL_BOTH))
                            {
                                self.state.d.next = MatcherState::Finish;
                            }
                        } else {
                            // The level empties: its bit cleared, the best unknown until the
                            // next search.
                            self.level_ram.write_data.next = 0.into();
                            self.best_write.next = true;
                            self.best_write_value.next = 0x2000.into();
                            self.bm_op.d.next = 1.into();
                            self.bm_side.d.next = self.opposite_index.val();
                            self.bm_key.d.next = self.level_key.q.val();
                            self.bit_return.d.next = MatcherState::MatchNext;
                            if (!self.mk_own.q.val() & !self.mk_less.q.val())
                                | (self.mk_own.q.val() & (self.stp.q.val() == STP_CANCEL_BOTH))
                            {
                                self.bit_return.d.next = MatcherState::Finish;
                            }
                            self.state.d.next = MatcherState::BitCmd;
                        }
                    }
                }
            }
            MatcherState::Finish => {
                // Matching is over: the taker is filled, stopped, expires, or rests.
                if !self.remaining.q.val().any()
                    | self.stopped.q.val()
                    | (self.tif.q.val() == TIF_IOC)
                {
                    if self.can_emit.val() {
                        self.emit.next = self.remaining.q.val().any();
                        self.e_kind.next = KIND_EXPIRED.into();
                        if self.stopped.q.val() {
                            self.e_kind.next = KIND_CANCELLED.into();
                            self.e_reason.next = REASON_SELF_TRADE.into();
                        }
                        self.e_order_id.next = self.taker_id.val();
                        self.e_qty.next = self.remaining.q.val();
                        self.next_ram.write_enable.next = true;
                        self.next_ram.write_address.next = self.taker_slot.q.val();
                        self.next_ram.write_data.next = bit_cast::<15, 14>(self.free_head.q.val());
                        if self.stacked.q.val() {
                            self.next_ram.write_data.next =
                                bit_cast::<15, 14>(self.free_head.q.val()) | 0x4000;
                        }
                        self.free_head.d.next = self.taker_slot.q.val();
                        self.stacked.d.next = true;
                        self.state.d.next = MatcherState::Idle;
                    }
                } else if self.own_valid.q.val() {
                    self.state.d.next = MatcherState::Link;
                } else {
                    self.level_ram.read_enable.next = true;
                    self.level_ram.read_address.next = self.own_level.val();
                    self.state.d.next = MatcherState::RestWait3;
                }
            }
            MatcherState::RestWait3 => {
                self.state.d.next = MatcherState::RestWait2;
            }
            MatcherState::RestWait2 => {
                self.state.d.next = MatcherState::RestWait;
            }
            MatcherState::RestWait => {
                self.state.d.next = MatcherState::RestData;
            }
            MatcherState::RestData => {
                self.own_occupied.d.next = self.level_ram.read_data.val().get_bit(14);
                self.own_head.d.next = bit_cast::<14, 15>(self.level_ram.read_data.val());
                self.state.d.next = MatcherState::Link;
            }
            MatcherState::Link => {
                // Rest the taker at the tail of its level.
                self.qty_ram.write_enable.next = true;
                self.account_ram.write_enable.next = true;
                self.meta_ram.write_enable.next = true;
                self.meta_ram.write_data.next = self.own_meta.val();
                self.next_ram.write_enable.next = true;
                if self.own_occupied.q.val() {
                    // The tail is in the head's prev.
                    self.slot_read.next = self.own_head.q.val();
                    self.prev_ram.read_enable.next = true;
                    self.state.d.next = MatcherState::LinkWait3;
                } else {
                    self.level_ram.write_enable.next = true;
                    self.level_ram.write_address.next = self.own_level.val();
                    self.level_ram.write_data.next =
                        bit_cast::<15, 14>(self.taker_slot.q.val()) | 0x4000;
                    self.prev_ram.write_enable.next = true;
                    self.prev_ram.write_data.next = bit_cast::<15, 14>(self.taker_slot.q.val());
                    // The level's bit; the best of the side if the cache knows it is worse.
                    self.best_write.next = self.own_better.val();
                    self.best_write_value.next = bit_cast::<14, 12>(self.own_key.q.val()) | 0x1000;
                    self.bm_op.d.next = 0.into();
                    self.bm_side.d.next = self.own_index.val();
                    self.bm_key.d.next = self.own_key.q.val();
                    self.bit_return.d.next = MatcherState::Idle;
                    self.state.d.next = MatcherState::BitCmd;
                }
            }
            MatcherState::LinkWait3 => {
                // The head's prev: the new tail (its old value is being read this cycle; the
                // write reaches the RAM in the next).
                self.prev_ram.write_enable.next = true;
                self.prev_ram.write_address.next = self.own_head.q.val();
                self.prev_ram.write_data.next = bit_cast::<15, 14>(self.taker_slot.q.val());
                self.state.d.next = MatcherState::LinkWait2;
            }
            MatcherState::LinkWait2 => {
                self.state.d.next = MatcherState::LinkWait;
            }
            MatcherState::LinkWait => {
                self.state.d.next = MatcherState::LinkTail;
            }
            MatcherState::LinkTail => {
                // The tail on prev's output: tail.next = taker, taker.prev = tail.
                self.next_ram.write_enable.next = true;
                self.next_ram.write_address.next =
                    bit_cast::<14, 15>(self.prev_ram.read_data.val());
                self.next_ram.write_data.next =
                    bit_cast::<15, 14>(self.taker_slot.q.val()) | 0x4000;
                self.prev_ram.write_enable.next = true;
                self.prev_ram.write_data.next =
                    bit_cast::<15, 14>(bit_cast::<14, 15>(self.prev_ram.read_data.val())) | 0x4000;
                self.state.d.next = MatcherState::Idle;
            }
            MatcherState::BitCmd => {
                // A set or clear (its response is not waited for).
                if self.bitmap.s_ready.val() {
                    self.bitmap.s_valid.next = true;
                    self.state.d.next = self.bit_return.q.val();
                }
            }
            MatcherState::Search => {
                if self.bitmap.s_ready.val() {
                    self.bitmap.s_valid.next = true;
                    self.state.d.next = MatcherState::SearchWait;
                }
            }
            MatcherState::SearchWait => {
                if self.bitmap.m_valid.val() {
                    self.found.d.next = self.bitmap.m_found.val();
                    self.found_key.d.next = self.bitmap.m_key.val();
                    if !self.bm_key.q.val().any() {
                        // From the first key: the side's best.
                        self.best_write.next = true;
                        self.best_write_value.next = bit_cast::<14, 12>(self.bitmap.m_key.val());
                        if self.bitmap.m_found.val() {
                            self.best_write_value.next =
                                bit_cast::<14, 12>(self.bitmap.m_key.val()) | 0x1000;
                        }
                    }
                    self.state.d.next = self.search_return.q.val();
                }
            }
            MatcherState::FokLevelWait3 => {
                self.state.d.next = MatcherState::FokLevelWait2;
            }
            MatcherState::FokLevelWait2 => {
                self.state.d.next = MatcherState::FokLevelWait;
            }
            MatcherState::FokLevelWait => {
                self.state.d.next = MatcherState::FokLevel;
            }
            MatcherState::FokLevel => {
                self.slot_read.next = bit_cast::<14, 15>(self.level_ram.read_data.val());
                self.qty_ram.read_enable.next = true;
                self.account_ram.read_enable.next = true;
                self.next_ram.read_enable.next = true;
                self.state.d.next = MatcherState::FokWait3;
            }
            MatcherState::FokWait3 => {
                self.state.d.next = MatcherState::FokWait2;
            }
            MatcherState::FokWait2 => {
                self.state.d.next = MatcherState::FokWait;
            }
            MatcherState::FokWait => {
                self.state.d.next = MatcherState::FokLatch;
            }
            MatcherState::FokLatch => {
                // The order on the slot RAMs' outputs, registered for FokOrder; the next order of
                // its level read now, whatever the verdict (reads change nothing).
                self.fk_own.d.next = self.maker_own.val();
                self.fk_enough.d.next = self.fok_enough.val();
                self.fk_left.d.next = self.fok_need.q.val() - self.qty_ram.read_data.val();
                self.fk_next.d.next = self.maker_next.val();
                self.fk_at_bound.d.next = self.fok_at_bound.val();
                self.slot_read.next = bit_cast::<14, 15>(self.maker_next.val());
                self.qty_ram.read_enable.next = self.maker_next.val().get_bit(14);
                self.account_ram.read_enable.next = self.maker_next.val().get_bit(14);
                self.next_ram.read_enable.next = self.maker_next.val().get_bit(14);
                self.state.d.next = MatcherState::FokOrder;
            }
            MatcherState::FokOrder => {
                // One crossing order visited (abi §11): STP, the quantity, the bound.
                self.fok_count.d.next = self.fok_count_next.val();
                if !self.fk_own.q.val() {
                    self.fok_need.d.next = self.fk_left.q.val();
                }
                if self.fk_own.q.val() & (self.stp.q.val() != STP_CANCEL_OLDEST) {
                    self.emit.next = true;
                    self.e_reason.next = REASON_FOK_CANNOT_FILL.into();
                    self.state.d.next = MatcherState::Idle;
                } else if !self.fk_own.q.val() & self.fk_enough.q.val() {
                    // It fills: allocate and match for real.
                    self.crosses.d.next = true;
                    self.state.d.next = MatcherState::Alloc;
                } else if self.fk_next.q.val().get_bit(14) {
                    if self.fk_at_bound.q.val() {
                        self.emit.next = true;
                        self.e_reason.next = REASON_FOK_TOO_DEEP.into();
                        self.state.d.next = MatcherState::Idle;
                    } else {
                        // FokLatch read it: on the outputs in three cycles.
                        self.state.d.next = MatcherState::FokWait2;
                    }
                } else if self.level_key.q.val().all() {
                    self.emit.next = true;
                    self.e_reason.next = REASON_FOK_CANNOT_FILL.into();
                    self.state.d.next = MatcherState::Idle;
                } else {
                    self.bm_op.d.next = 2.into();
                    self.bm_side.d.next = self.opposite_index.val();
                    self.bm_key.d.next = self.level_key.q.val() + 1;
                    self.search_return.d.next = MatcherState::FokNext;
                    self.state.d.next = MatcherState::Search;
                }
            }
            MatcherState::FokNext => {
                if !self.found.q.val() | (self.found_key.q.val() > self.cross_key.q.val()) {
                    self.emit.next = true;
                    self.e_reason.next = REASON_FOK_CANNOT_FILL.into();
                    self.state.d.next = MatcherState::Idle;
                } else if self.fk_at_bound.q.val() {
                    // The order FokOrder counted last was the bound's.
                    self.emit.next = true;
                    self.e_reason.next = REASON_FOK_TOO_DEEP.into();
                    self.state.d.next = MatcherState::Idle;
                } else {
                    self.level_key.d.next = self.found_key.q.val();
                    self.level_ram.read_enable.next = true;
                    self.level_ram.read_address.next =
                        (bit_cast::<16, 4>(self.opposite_index.val()) << 12)
                            | bit_cast::<16, 12>(self.found_key.q.val());
                    self.state.d.next = MatcherState::FokLevelWait3;
                }
            }
            MatcherState::CancelWait3 => {
                self.state.d.next = MatcherState::CancelWait2;
            }
            MatcherState::CancelWait2 => {
                self.state.d.next = MatcherState::CancelWait;
            }
            MatcherState::CancelWait => {
                self.state.d.next = MatcherState::CancelCheck;
            }
            MatcherState::CancelCheck => {
                // The target's slot on the RAM outputs: register its fields and the checks.
                // A slot beyond the pool, a free slot, another generation or another book is
                // not a live order of this book.
                self.c_unknown.d.next = self.target.q.val().get_bits::<18>(14).any()
                    | !self.meta_ram.read_data.val().get_bit(16)
                    | (self.generation_ram.read_data.val()
                        != self.target.q.val().get_bits::<32>(32))
                    | (self.meta_ram.read_data.val().get_bits::<3>(13) != self.book.q.val());
                self.c_owner.d.next = self.maker_account.val() == self.account.q.val();
                self.c_side.d.next = self.meta_ram.read_data.val().get_bit(12);
                self.c_key.d.next = bit_cast::<12, 17>(self.meta_ram.read_data.val());
                self.c_qty.d.next = self.qty_ram.read_data.val();
                self.c_account.d.next = self.maker_account.val();
                self.c_price.d.next = self.meta_price.val();
                self.c_prev.d.next = self.prev_ram.read_data.val();
                self.c_next.d.next = self.next_ram.read_data.val();
                self.state.d.next = MatcherState::CancelEmit;
            }
            MatcherState::CancelEmit => {
                if self.can_emit.val() {
                    self.emit.next = true;
                    self.state.d.next = MatcherState::Idle;
                    if self.c_unknown.q.val() {
                        self.e_reason.next = REASON_UNKNOWN_ORDER.into();
                    } else if !self.c_owner.q.val() {
                        self.e_reason.next = REASON_NOT_ORDER_OWNER.into();
                    } else {
                        self.e_kind.next = KIND_CANCELLED.into();
                        self.e_side.next = 0.into();
                        if self.c_side.q.val() {
                            self.e_side.next = 1.into();
                        }
                        self.e_account.next = self.c_account.q.val();
                        self.e_price.next = self.c_price.q.val();
                        self.e_qty.next = self.c_qty.q.val();
                        // The resting order's client reference is the host's (abi §14).
                        self.e_ref.next = 0.into();
                        self.state.d.next = MatcherState::CancelRelease;
                        // Unlink: the neighbours' links.
                        self.next_ram.write_enable.next = self.c_prev.q.val().get_bit(14);
                        self.next_ram.write_address.next = bit_cast::<14, 15>(self.c_prev.q.val());
                        self.next_ram.write_data.next = self.c_next.q.val();
                        // The successor's prev: the predecessor, or (for a head) the tail.
                        self.prev_ram.write_enable.next = self.c_next.q.val().get_bit(14);
                        self.prev_ram.write_address.next = bit_cast::<14, 15>(self.c_next.q.val());
                        self.prev_ram.write_data.next = self.c_prev.q.val();
                        self.meta_ram.write_enable.next = true;
                        self.meta_ram.write_address.next = bit_cast::<14, 64>(self.target.q.val());
                        self.meta_ram.write_data.next = 0.into();
                        self.level_ram.write_address.next = self.cancel_level.val();
                        self.level_ram.read_address.next = self.cancel_level.val();
                        if !self.c_prev.q.val().get_bit(14) {
                            // The head: its successor heads the level, or the level empties.
                            self.level_ram.write_enable.next = true;
                            self.level_ram.write_data.next = self.c_next.q.val();
                            if !self.c_next.q.val().get_bit(14) {
                                self.level_ram.write_data.next = 0.into();
                                // The side's best is unknown until the next search if it
                                // was this level.
                                if !self.best_cancel.val().get_bit(13)
                                    & self.best_cancel.val().get_bit(12)
                                    & (bit_cast::<12, 14>(self.best_cancel.val())
                                        == self.c_key.q.val())
                                {
                                    self.best_write.next = true;
                                    self.best_write_value.next = 0x2000.into();
                                }
                            }
                        } else if !self.c_next.q.val().get_bit(14) {
                            // The tail: the head's prev must point at the new tail.
                            self.level_ram.read_enable.next = true;
                        }
                    }
                }
            }
            MatcherState::CancelRelease => {
                self.next_ram.write_enable.next = true;
                self.next_ram.write_address.next = bit_cast::<14, 64>(self.target.q.val());
                self.next_ram.write_data.next = bit_cast::<15, 14>(self.free_head.q.val());
                if self.stacked.q.val() {
                    self.next_ram.write_data.next =
                        bit_cast::<15, 14>(self.free_head.q.val()) | 0x4000;
                }
                self.free_head.d.next = bit_cast::<14, 64>(self.target.q.val());
                self.stacked.d.next = true;
                self.state.d.next = MatcherState::Idle;
                if self.c_prev.q.val().get_bit(14) & !self.c_next.q.val().get_bit(14) {
                    self.state.d.next = MatcherState::CancelTailWait2;
                }
                if !self.c_prev.q.val().get_bit(14) & !self.c_next.q.val().get_bit(14) {
                    self.bm_op.d.next = 1.into();
                    self.bm_side.d.next = bit_cast::<4, 3>(self.book.q.val()) << 1;
                    if self.c_side.q.val() {
                        self.bm_side.d.next = (bit_cast::<4, 3>(self.book.q.val()) << 1) | 1;
                    }
                    self.bm_key.d.next = self.c_key.q.val();
                    self.bit_return.d.next = MatcherState::Idle;
                    self.state.d.next = MatcherState::BitCmd;
                }
            }
            MatcherState::CancelTailWait2 => {
                self.state.d.next = MatcherState::CancelTailWait;
            }
            MatcherState::CancelTailWait => {
                self.state.d.next = MatcherState::CancelTail;
            }
            MatcherState::CancelTail => {
                // The level (read in CancelEmit) on the output: its head's prev is the new
                // tail, the cancelled order's predecessor.
                self.prev_ram.write_enable.next = true;
                self.prev_ram.write_address.next =
                    bit_cast::<14, 15>(self.level_ram.read_data.val());
                self.prev_ram.write_data.next =
                    bit_cast::<15, 14>(bit_cast::<14, 15>(self.c_prev.q.val()));
                self.state.d.next = MatcherState::Idle;
            }
        }
        // Slot-table read addresses.
        self.qty_ram.read_address.next = self.slot_read.val();
        self.account_ram.read_address.next = self.slot_read.val();
        self.generation_ram.read_address.next = self.slot_read.val();
        self.meta_ram.read_address.next = self.slot_read.val();
        self.prev_ram.read_address.next = self.slot_read.val();
        self.next_ram.read_address.next = self.slot_read.val();
        // The output register.
        if self.emit.val() {
            self.ev_valid.d.next = true;
            self.ev_instrument.d.next = self.instrument.q.val();
            self.ev_kind.d.next = self.e_kind.val();
            self.ev_reason.d.next = self.e_reason.val();
            self.ev_side.d.next = self.e_side.val();
            self.ev_account.d.next = self.e_account.val();
            self.ev_price.d.next = self.e_price.val();
            self.ev_order_id.d.next = self.e_order_id.val();
            self.ev_qty.d.next = self.e_qty.val();
            self.ev_remaining.d.next = self.e_remaining.val();
            self.ev_ref.d.next = self.e_ref.val();
            self.ev_maker_account.d.next = self.e_maker_account.val();
            self.ev_maker_remaining.d.next = self.e_maker_remaining.val();
        } else if self.m_ready.val() {
            self.ev_valid.d.next = false;
        }
        // The best-level cache's write (and the register copy of the opposite side's entry).
        if self.best_write.val() & (self.best_index.val() == self.own_index.val()) {
            self.best_own.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == self.opposite_index.val()) {
            self.best_opp.d.next = self.best_write_value.val();
            self.best_opp_crosses.d.next = self.best_write_value.val().get_bit(12)
                & (bit_cast::<12, 14>(self.best_write_value.val()) <= self.cross_key.q.val());
        }
        if self.best_write.val() & (self.best_index.val() == 0) {
            self.best0.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 1) {
            self.best1.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 2) {
            self.best2.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 3) {
            self.best3.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 4) {
            self.best4.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 5) {
            self.best5.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 6) {
            self.best6.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 7) {
            self.best7.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 8) {
            self.best8.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 9) {
            self.best9.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 10) {
            self.best10.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 11) {
            self.best11.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 12) {
            self.best12.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 13) {
            self.best13.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 14) {
            self.best14.d.next = self.best_write_value.val();
        }
        if self.best_write.val() & (self.best_index.val() == 15) {
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
