//! Card top: order-entry beats in, event records out — the card's contract end to end
//! (docs/abi.md), wiring Deserializer → stamp rule → Validator → Matcher → EventSerializer.
//! The software path is the reference: `sim/tests/card.rs` requires the byte-identical
//! event stream on the same stimulus.
//!
//! Ports:
//! - `clock`;
//! - configuration, before traffic: `cfg_valid`, `cfg_address` (16), `cfg_data` (32) —
//!   addresses below 0x0800 are the Validator's (accounts, instruments); `0x0800 + 2 * book`
//!   and `+ 1`: the book's lowest and highest in-band price; [`CFG_DEFAULT_STP`]: the venue's
//!   default STP mode (wire value 1–4);
//! - orders: `s_valid`, `s_ready`, `s_data0` … `s_data7` (32 each): a 256-bit stream, 4 beats
//!   per message (deserializer.rs); sideband sampled with each message's first beat:
//!   `s_arrival_ns` (64) and `s_signature_ok` (the verdict of the
//!   signature engines, which are not built yet);
//! - events: `m_valid`, `m_ready`, `m_data0` … `m_data15` (32 each): one 64-byte record per
//!   beat (event_serializer.rs);
//! - status, as the driver reads it: `st_taken` (32), messages whose last beat was taken;
//!   `st_answered` (32), messages whose every event has been handed to the event serializer;
//!   `st_idle`, no message in the card and no event waiting on `m_*`: every message taken has
//!   been answered and its events have left.
//!
//! Two messages are in flight: the front end validates the next one while the back end emits
//! the current one's events (its reject, or the matcher's), so events keep message order.

use rust_hdl::prelude::*;

use crate::consts::*;

use crate::deserializer::Deserializer;
use crate::event_serializer::EventSerializer;
use crate::gated::Gated;
use crate::matcher::Matcher;
use crate::validator::Validator;

/// Configuration address of book 0's lowest in-band price (its highest is the next one). The
/// addresses are the register map's (`abi::regs`, docs/abi.md §17).
pub const CFG_PRICE_BOUNDS: u64 = abi::regs::CFG_PRICE_BOUNDS as u64;
/// Configuration address of the default STP mode.
pub const CFG_DEFAULT_STP: u64 = abi::regs::CFG_DEFAULT_STP as u64;
/// Configuration address of the venue's `orders_resting_max` (1 ..= [`crate::matcher::SLOTS`]);
/// never written (reset): all slots.
pub const CFG_ORDERS_MAX: u64 = abi::regs::CFG_ORDERS_MAX as u64;
/// Configuration address of the most resting orders one FOK check visits (abi §11,
/// `fok_orders_max`, 1 ..= [`crate::matcher::SLOTS`]); never written (reset): no bound
/// beyond the pool.
pub const CFG_FOK_ORDERS_MAX: u64 = abi::regs::CFG_FOK_ORDERS_MAX as u64;
// `update` spells them as literals (hdl_gen does not translate constants): 2048 + 2·book
// (+1), 2064, 2065, 2066.
const _: () = assert!(CFG_PRICE_BOUNDS == 2048 && CFG_DEFAULT_STP == 2064);
const _: () = assert!(CFG_ORDERS_MAX == 2065 && CFG_FOK_ORDERS_MAX == 2066);

/// The front end: a message from the deserializer through the validator (Verdict: waiting
/// for its verdict), handed to the back end as the verdict arrives when the back end is free,
/// else held (Hold) until it is. The next message is taken in the cycle one is handed over.
#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum FrontState {
    Idle,
    Verdict,
    Hold,
}

/// The back end: one validated message's events, in order — its reject (or an oracle or admin
/// update's echo, in the same state), or the matcher's.
#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum BackState {
    Idle,
    Reject,
    MatchRun,
}

#[derive(LogicBlock, Default)]
pub struct Card {
    pub clock: Signal<In, Clock>,
    pub cfg_valid: Signal<In, Bit>,
    pub cfg_address: Signal<In, Bits<16>>,
    pub cfg_data: Signal<In, Bits<32>>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_data0: Signal<In, Bits<32>>,
    pub s_data1: Signal<In, Bits<32>>,
    pub s_data2: Signal<In, Bits<32>>,
    pub s_data3: Signal<In, Bits<32>>,
    pub s_data4: Signal<In, Bits<32>>,
    pub s_data5: Signal<In, Bits<32>>,
    pub s_data6: Signal<In, Bits<32>>,
    pub s_data7: Signal<In, Bits<32>>,
    pub s_arrival_ns: Signal<In, Bits<64>>,
    pub s_signature_ok: Signal<In, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_data0: Signal<Out, Bits<32>>,
    pub m_data1: Signal<Out, Bits<32>>,
    pub m_data2: Signal<Out, Bits<32>>,
    pub m_data3: Signal<Out, Bits<32>>,
    pub m_data4: Signal<Out, Bits<32>>,
    pub m_data5: Signal<Out, Bits<32>>,
    pub m_data6: Signal<Out, Bits<32>>,
    pub m_data7: Signal<Out, Bits<32>>,
    pub m_data8: Signal<Out, Bits<32>>,
    pub m_data9: Signal<Out, Bits<32>>,
    pub m_data10: Signal<Out, Bits<32>>,
    pub m_data11: Signal<Out, Bits<32>>,
    pub m_data12: Signal<Out, Bits<32>>,
    pub m_data13: Signal<Out, Bits<32>>,
    pub m_data14: Signal<Out, Bits<32>>,
    pub m_data15: Signal<Out, Bits<32>>,
    pub st_taken: Signal<Out, Bits<32>>,
    pub st_answered: Signal<Out, Bits<32>>,
    pub st_idle: Signal<Out, Bit>,
    deserializer: Gated<Deserializer>,
    validator: Gated<Validator>,
    matcher: Gated<Matcher>,
    serializer: Gated<EventSerializer>,
    front: DFF<FrontState>,
    back: DFF<BackState>,
    /// The message between validation and the back end.
    f_type: DFF<Bits<8>>,
    f_side: DFF<Bits<8>>,
    f_tif: DFF<Bits<8>>,
    f_stp: DFF<Bits<8>>,
    f_instrument: DFF<Bits<16>>,
    f_account: DFF<Bits<32>>,
    f_price: DFF<Bits<32>>,
    f_qty: DFF<Bits<32>>,
    f_client_ref: DFF<Bits<64>>,
    f_target: DFF<Bits<64>>,
    f_stamp: DFF<Bits<64>>,
    f_reason: DFF<Bits<8>>,
    f_book: DFF<Bits<3>>,
    /// The held message passed as an update (oracle, admin): its event is an echo of this
    /// kind, with a reject's fields; 0 for anything else.
    f_echo: DFF<Bits<8>>,
    /// The back end can take the held message this cycle.
    back_free: Signal<Local, Bit>,
    /// The front end's verdict this cycle (the validator's as it arrives, else the held
    /// one), whether there is one, whether the message is handed to the back end now, and
    /// whether the front end can take the next message. The book is `f_book`'s: loaded from
    /// the validator's found book while the verdict is awaited, so the matcher's book,
    /// bounds and keys come from registers.
    v_reason: Signal<Local, Bits<8>>,
    v_echo: Signal<Local, Bits<8>>,
    v_ready: Signal<Local, Bit>,
    handover: Signal<Local, Bit>,
    front_take: Signal<Local, Bit>,
    /// Beats of the current message accepted so far (sideband is taken with beat 0).
    beat: DFF<Bits<2>>,
    pending_arrival: DFF<Bits<64>>,
    pending_signature_ok: DFF<Bit>,
    last_stamp: DFF<Bits<64>>,
    stamp: DFF<Bits<64>>,
    default_stp: DFF<Bits<3>>,
    /// `orders_resting_max`, 0 = all slots (reset).
    orders_max: DFF<Bits<15>>,
    /// `fok_orders_max`, 0 = unbounded (reset).
    fok_orders_max: DFF<Bits<15>>,
    taken: DFF<Bits<32>>,
    answered: DFF<Bits<32>>,
    price_min0: DFF<Bits<32>>,
    price_max0: DFF<Bits<32>>,
    price_min1: DFF<Bits<32>>,
    price_max1: DFF<Bits<32>>,
    price_min2: DFF<Bits<32>>,
    price_max2: DFF<Bits<32>>,
    price_min3: DFF<Bits<32>>,
    price_max3: DFF<Bits<32>>,
    price_min4: DFF<Bits<32>>,
    price_max4: DFF<Bits<32>>,
    price_min5: DFF<Bits<32>>,
    price_max5: DFF<Bits<32>>,
    price_min6: DFF<Bits<32>>,
    price_max6: DFF<Bits<32>>,
    price_min7: DFF<Bits<32>>,
    price_max7: DFF<Bits<32>>,
    // The message being processed.
    message_type: DFF<Bits<8>>,
    side: DFF<Bits<8>>,
    tif: DFF<Bits<8>>,
    stp: DFF<Bits<8>>,
    instrument: DFF<Bits<16>>,
    account: DFF<Bits<32>>,
    price: DFF<Bits<32>>,
    qty: DFF<Bits<32>>,
    client_ref: DFF<Bits<64>>,
    target: DFF<Bits<64>>,
    reason: DFF<Bits<8>>,
    book: DFF<Bits<3>>,
    /// The message is an update: its echo kind (see `f_echo`).
    echo: DFF<Bits<8>>,
    /// The front end's book's bounds (muxed from the configuration by `f_book`).
    price_min: Signal<Local, Bits<32>>,
    price_max: Signal<Local, Bits<32>>,
    arrival: Signal<Local, Bits<64>>,
    /// The message's book bounds and its limit price's priority keys on the bid ladder
    /// (max - price) and the ask ladder, registered from the front registers every cycle:
    /// `f_book` is loaded one cycle after the validator accepts the message, so these hold
    /// from the third cycle, before the verdict (the fourth), and the matcher's bounds and
    /// keys leave registers instead of the book's 8:1 mux and a 32-bit subtraction.
    m_price_min: DFF<Bits<32>>,
    m_price_max: DFF<Bits<32>>,
    bid_key: DFF<Bits<12>>,
    ask_key: DFF<Bits<12>>,
}

impl Logic for Card {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            front,
            back,
            f_type,
            f_side,
            f_tif,
            f_stp,
            f_instrument,
            f_account,
            f_price,
            f_qty,
            f_client_ref,
            f_target,
            f_stamp,
            f_reason,
            f_book,
            f_echo,
            beat,
            pending_arrival,
            pending_signature_ok,
            last_stamp,
            stamp,
            default_stp,
            orders_max,
            fok_orders_max,
            taken,
            answered,
            price_min0,
            price_max0,
            price_min1,
            price_max1,
            price_min2,
            price_max2,
            price_min3,
            price_max3,
            price_min4,
            price_max4,
            price_min5,
            price_max5,
            price_min6,
            price_max6,
            price_min7,
            price_max7,
            message_type,
            side,
            tif,
            stp,
            instrument,
            account,
            price,
            qty,
            client_ref,
            target,
            reason,
            book,
            echo,
            m_price_min,
            m_price_max,
            bid_key,
            ask_key
        );
        clock!(self, clock, deserializer, validator, matcher, serializer);
        // The front end's verdict: the validator's in the cycle it arrives, else the held one.
        self.v_reason.next = self.f_reason.q.val();
        self.v_echo.next = self.f_echo.q.val();
        self.v_ready.next = self.front.q.val() == FrontState::Hold;
        if (self.front.q.val() == FrontState::Verdict) & self.validator.m_valid.val() {
            self.v_reason.next = self.validator.m_reason.val();
            self.v_echo.next = self.validator.m_echo.val();
            self.v_ready.next = true;
        }
        self.handover.next = false;
        self.front_take.next = false;
        // Configuration.
        self.validator.cfg_valid.next = self.cfg_valid.val() & !self.cfg_address.val().get_bit(11);
        self.validator.cfg_address.next = self.cfg_address.val();
        self.validator.cfg_data.next = self.cfg_data.val();
        if self.cfg_valid.val() & (self.cfg_address.val() == 2064) {
            self.default_stp.d.next = bit_cast::<3, _>(self.cfg_data.val());
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2065) {
            self.orders_max.d.next = bit_cast::<15, _>(self.cfg_data.val());
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2066) {
            self.fok_orders_max.d.next = bit_cast::<15, _>(self.cfg_data.val());
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2048) {
            self.price_min0.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2049) {
            self.price_max0.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2050) {
            self.price_min1.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2051) {
            self.price_max1.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2052) {
            self.price_min2.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2053) {
            self.price_max2.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2054) {
            self.price_min3.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2055) {
            self.price_max3.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2056) {
            self.price_min4.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2057) {
            self.price_max4.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2058) {
            self.price_min5.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2059) {
            self.price_max5.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2060) {
            self.price_min6.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2061) {
            self.price_max6.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2062) {
            self.price_min7.d.next = self.cfg_data.val();
        }
        if self.cfg_valid.val() & (self.cfg_address.val() == 2063) {
            self.price_max7.d.next = self.cfg_data.val();
        }
        // Orders in: beats to the deserializer, sideband captured with beat 0.
        self.deserializer.s_valid.next = self.s_valid.val();
        self.deserializer.s_data0.next = self.s_data0.val();
        self.deserializer.s_data1.next = self.s_data1.val();
        self.deserializer.s_data2.next = self.s_data2.val();
        self.deserializer.s_data3.next = self.s_data3.val();
        self.deserializer.s_data4.next = self.s_data4.val();
        self.deserializer.s_data5.next = self.s_data5.val();
        self.deserializer.s_data6.next = self.s_data6.val();
        self.deserializer.s_data7.next = self.s_data7.val();
        self.s_ready.next = self.deserializer.s_ready.val();
        if self.s_valid.val() & self.deserializer.s_ready.val() {
            self.beat.d.next = self.beat.q.val() + 1;
            if self.beat.q.val() == 3 {
                self.taken.d.next = self.taken.q.val() + 1;
            }
            if self.beat.q.val() == 0 {
                self.pending_arrival.d.next = self.s_arrival_ns.val();
                self.pending_signature_ok.d.next = self.s_signature_ok.val();
            }
        }
        // Deserializer to validator (see the front end below).
        self.deserializer.m_ready.next = false;
        self.validator.s_valid.next = false;
        self.validator.s_account.next = self.deserializer.m_account.val();
        self.validator.s_signature_ok.next = self.pending_signature_ok.q.val();
        self.validator.s_nonce.next = self.deserializer.m_nonce.val();
        self.validator.s_version.next = self.deserializer.m_version.val();
        self.validator.s_type.next = self.deserializer.m_type.val();
        self.validator.s_side.next = self.deserializer.m_side.val();
        self.validator.s_tif.next = self.deserializer.m_tif.val();
        self.validator.s_stp.next = self.deserializer.m_stp.val();
        self.validator.s_flags.next = self.deserializer.m_flags.val();
        self.validator.s_reserved_nonzero.next = self.deserializer.m_reserved_nonzero.val();
        self.validator.s_instrument.next = self.deserializer.m_instrument.val();
        self.validator.s_price.next = self.deserializer.m_price.val();
        self.validator.s_qty.next = self.deserializer.m_qty.val();
        self.validator.s_target.next = self.deserializer.m_target.val();
        self.validator.m_ready.next = false;
        // The matcher takes the front end's message (its fields and book in the front
        // registers): book bounds, priority keys.
        self.price_min.next = self.price_min0.q.val();
        self.price_max.next = self.price_max0.q.val();
        if self.f_book.q.val() == 0 {
            self.price_min.next = self.price_min0.q.val();
            self.price_max.next = self.price_max0.q.val();
        }
        if self.f_book.q.val() == 1 {
            self.price_min.next = self.price_min1.q.val();
            self.price_max.next = self.price_max1.q.val();
        }
        if self.f_book.q.val() == 2 {
            self.price_min.next = self.price_min2.q.val();
            self.price_max.next = self.price_max2.q.val();
        }
        if self.f_book.q.val() == 3 {
            self.price_min.next = self.price_min3.q.val();
            self.price_max.next = self.price_max3.q.val();
        }
        if self.f_book.q.val() == 4 {
            self.price_min.next = self.price_min4.q.val();
            self.price_max.next = self.price_max4.q.val();
        }
        if self.f_book.q.val() == 5 {
            self.price_min.next = self.price_min5.q.val();
            self.price_max.next = self.price_max5.q.val();
        }
        if self.f_book.q.val() == 6 {
            self.price_min.next = self.price_min6.q.val();
            self.price_max.next = self.price_max6.q.val();
        }
        if self.f_book.q.val() == 7 {
            self.price_min.next = self.price_min7.q.val();
            self.price_max.next = self.price_max7.q.val();
        }
        self.matcher.s_valid.next = false;
        self.matcher.s_cancel.next = self.f_type.q.val() == 2;
        self.matcher.s_book.next = self.f_book.q.val();
        self.matcher.s_instrument.next = self.f_instrument.q.val();
        self.matcher.s_account.next = self.f_account.q.val();
        self.matcher.s_side.next = self.f_side.q.val().get_bit(0);
        self.matcher.s_price.next = self.f_price.q.val();
        self.matcher.s_qty.next = self.f_qty.q.val();
        self.matcher.s_tif.next = bit_cast::<2, _>(self.f_tif.q.val());
        self.matcher.s_stp.next = bit_cast::<3, _>(self.f_stp.q.val());
        if self.f_stp.q.val() == STP_DEFAULT {
            self.matcher.s_stp.next = self.default_stp.q.val();
        }
        self.matcher.s_client_ref.next = self.f_client_ref.q.val();
        self.matcher.s_target.next = self.f_target.q.val();
        // Buy: own key on the bid ladder, cross key on the ask ladder; sell: the reverse.
        self.m_price_min.d.next = self.price_min.val();
        self.m_price_max.d.next = self.price_max.val();
        self.bid_key.d.next = bit_cast::<12, 32>(self.price_max.val() - self.f_price.q.val());
        self.ask_key.d.next = bit_cast::<12, 32>(self.f_price.q.val() - self.price_min.val());
        self.matcher.s_price_min.next = self.m_price_min.q.val();
        self.matcher.s_price_max.next = self.m_price_max.q.val();
        self.matcher.s_own_key.next = self.bid_key.q.val();
        self.matcher.s_cross_key.next = self.ask_key.q.val();
        if self.f_side.q.val().get_bit(0) {
            self.matcher.s_own_key.next = self.ask_key.q.val();
            self.matcher.s_cross_key.next = self.bid_key.q.val();
        }
        if self.f_type.q.val() == 2 {
            self.matcher.s_own_key.next = 0.into();
            self.matcher.s_cross_key.next = 0.into();
        }
        self.matcher.s_orders_max.next = self.orders_max.q.val();
        self.matcher.s_fok_orders_max.next = self.fok_orders_max.q.val();
        self.matcher.m_ready.next = false;
        // Events out.
        self.m_valid.next = self.serializer.m_valid.val();
        self.m_data0.next = self.serializer.m_data0.val();
        self.m_data1.next = self.serializer.m_data1.val();
        self.m_data2.next = self.serializer.m_data2.val();
        self.m_data3.next = self.serializer.m_data3.val();
        self.m_data4.next = self.serializer.m_data4.val();
        self.m_data5.next = self.serializer.m_data5.val();
        self.m_data6.next = self.serializer.m_data6.val();
        self.m_data7.next = self.serializer.m_data7.val();
        self.m_data8.next = self.serializer.m_data8.val();
        self.m_data9.next = self.serializer.m_data9.val();
        self.m_data10.next = self.serializer.m_data10.val();
        self.m_data11.next = self.serializer.m_data11.val();
        self.m_data12.next = self.serializer.m_data12.val();
        self.m_data13.next = self.serializer.m_data13.val();
        self.m_data14.next = self.serializer.m_data14.val();
        self.m_data15.next = self.serializer.m_data15.val();
        self.serializer.m_ready.next = self.m_ready.val();
        self.serializer.s_valid.next = false;
        self.serializer.s_stamp_ns.next = self.stamp.q.val();
        self.serializer.s_kind.next = self.matcher.m_kind.val();
        self.serializer.s_reason.next = self.matcher.m_reason.val();
        self.serializer.s_side.next = self.matcher.m_side.val();
        self.serializer.s_instrument.next = self.matcher.m_instrument.val();
        self.serializer.s_account.next = self.matcher.m_account.val();
        self.serializer.s_price.next = self.matcher.m_price.val();
        self.serializer.s_order_id.next = self.matcher.m_order_id.val();
        self.serializer.s_qty.next = self.matcher.m_qty.val();
        self.serializer.s_remaining.next = self.matcher.m_remaining.val();
        self.serializer.s_ref.next = self.matcher.m_ref.val();
        self.serializer.s_maker_account.next = self.matcher.m_maker_account.val();
        self.serializer.s_maker_remaining.next = self.matcher.m_maker_remaining.val();
        self.arrival.next = self.pending_arrival.q.val();
        // Status.
        self.st_taken.next = self.taken.q.val();
        self.st_answered.next = self.answered.q.val();
        self.st_idle.next = (self.taken.q.val() == self.answered.q.val())
            & !self.serializer.m_valid.val()
            & (self.beat.q.val() == 0);
        // Front end: validate the next message while the back end works on this one.
        match self.front.q.val() {
            FrontState::Idle => {
                self.front_take.next = true;
            }
            FrontState::Verdict => {
                // The verdict is always taken: handed over below with its message, or held.
                // The book is the validator's `m_book`, registered there at accept.
                self.validator.m_ready.next = true;
                self.f_book.d.next = self.validator.m_book.val();
            }
            FrontState::Hold => {}
        }
        // Back end: the held message's events, strictly after the previous message's.
        self.back_free.next = false;
        match self.back.q.val() {
            BackState::Idle => {
                self.back_free.next = true;
            }
            BackState::Reject => {
                self.serializer.s_valid.next = true;
                // A reject, or an update's echo (abi §15, §16: same fields, its own kind).
                self.serializer.s_kind.next = KIND_REJECTED.into();
                if self.echo.q.val().any() {
                    self.serializer.s_kind.next = self.echo.q.val();
                }
                self.serializer.s_reason.next = self.reason.q.val();
                self.serializer.s_side.next = self.side.q.val();
                self.serializer.s_instrument.next = self.instrument.q.val();
                self.serializer.s_account.next = self.account.q.val();
                self.serializer.s_price.next = self.price.q.val();
                self.serializer.s_order_id.next = self.target.q.val();
                self.serializer.s_qty.next = self.qty.q.val();
                self.serializer.s_remaining.next = 0.into();
                self.serializer.s_ref.next = self.client_ref.q.val();
                self.serializer.s_maker_account.next = 0.into();
                self.serializer.s_maker_remaining.next = 0.into();
                if self.serializer.s_ready.val() {
                    self.back_free.next = true;
                    self.back.d.next = BackState::Idle;
                    self.answered.d.next = self.answered.q.val() + 1;
                }
            }
            BackState::MatchRun => {
                self.serializer.s_valid.next = self.matcher.m_valid.val();
                self.matcher.m_ready.next = self.serializer.s_ready.val();
                // The message is done when the matcher is idle and its last event leaves (or
                // has left): the stamp and the back end's fields serve it until then, and a
                // reject handed over now emits after it.
                if self.matcher.s_ready.val()
                    & (!self.matcher.m_valid.val() | self.serializer.s_ready.val())
                {
                    self.back_free.next = true;
                    self.back.d.next = BackState::Idle;
                    self.answered.d.next = self.answered.q.val() + 1;
                }
            }
        }
        // Hand the message over as its verdict arrives or, held, as the back end frees up: a
        // reject to the back end's registers, anything else to the matcher directly (it is
        // idle whenever the back end is free) with the back end keeping the stamp and fields
        // for its events.
        if self.v_ready.val() & self.back_free.val() {
            self.matcher.s_valid.next = !self.v_reason.val().any() & !self.v_echo.val().any();
            if self.v_reason.val().any() | self.v_echo.val().any() | self.matcher.s_ready.val() {
                self.handover.next = true;
                self.message_type.d.next = self.f_type.q.val();
                self.side.d.next = self.f_side.q.val();
                self.tif.d.next = self.f_tif.q.val();
                self.stp.d.next = self.f_stp.q.val();
                self.instrument.d.next = self.f_instrument.q.val();
                self.account.d.next = self.f_account.q.val();
                self.price.d.next = self.f_price.q.val();
                self.qty.d.next = self.f_qty.q.val();
                self.client_ref.d.next = self.f_client_ref.q.val();
                self.target.d.next = self.f_target.q.val();
                self.stamp.d.next = self.f_stamp.q.val();
                self.reason.d.next = self.v_reason.val();
                self.book.d.next = self.f_book.q.val();
                self.echo.d.next = self.v_echo.val();
                self.back.d.next = BackState::MatchRun;
                if self.v_reason.val().any() | self.v_echo.val().any() {
                    self.back.d.next = BackState::Reject;
                }
                self.front.d.next = FrontState::Idle;
                self.front_take.next = true;
            }
        }
        // A verdict that cannot be handed over yet is held.
        if (self.front.q.val() == FrontState::Verdict)
            & self.validator.m_valid.val()
            & !self.handover.val()
        {
            self.f_reason.d.next = self.validator.m_reason.val();
            self.f_echo.d.next = self.validator.m_echo.val();
            self.front.d.next = FrontState::Hold;
        }
        // Deserializer to validator: the next message, when the front end is free or hands
        // its message over in this cycle.
        if self.front_take.val() {
            self.validator.s_valid.next = self.deserializer.m_valid.val();
            self.deserializer.m_ready.next = self.validator.s_ready.val();
            if self.deserializer.m_valid.val() & self.validator.s_ready.val() {
                self.f_type.d.next = self.deserializer.m_type.val();
                self.f_side.d.next = self.deserializer.m_side.val();
                self.f_tif.d.next = self.deserializer.m_tif.val();
                self.f_stp.d.next = self.deserializer.m_stp.val();
                self.f_instrument.d.next = self.deserializer.m_instrument.val();
                self.f_account.d.next = self.deserializer.m_account.val();
                self.f_price.d.next = self.deserializer.m_price.val();
                self.f_qty.d.next = self.deserializer.m_qty.val();
                self.f_client_ref.d.next = self.deserializer.m_client_ref.val();
                self.f_target.d.next = self.deserializer.m_target.val();
                // The stamp rule: max(arrival, previous stamp).
                self.f_stamp.d.next = self.last_stamp.q.val();
                if self.arrival.val() > self.last_stamp.q.val() {
                    self.f_stamp.d.next = self.arrival.val();
                    self.last_stamp.d.next = self.arrival.val();
                }
                self.front.d.next = FrontState::Verdict;
            }
        }
    }
}

/// The Verilog of a Card as a top module.
pub fn verilog() -> String {
    let mut uut = Card::default();
    uut.connect_all();
    crate::consts::declare(&generate_verilog(&uut))
}
