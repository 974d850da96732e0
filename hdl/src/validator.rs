//! Validator: the sequencer's checks before matching (docs/abi.md §8, steps 1–7.3), in the
//! contract's order — account, signature verdict, nonce (consumed when it passes), fields,
//! instrument, message type, quantity, price band, pre-trade credit. The software path
//! (`host::engine::Sequencer`) is its reference model; `sim/tests/validator.rs` diffs the two
//! message by message on a fault-injecting workload, one message at a time and back to back.
//!
//! Configuration is written through `cfg_valid` / `cfg_address` / `cfg_data` before traffic
//! (the host does this over the register map; the account table is a [`Bram`], whose model
//! refuses a configuration write of an account in the cycle a message of that account is
//! accepted):
//! - `0x0000 + account` (account < [`ACCOUNTS`]): bit 0 = the account has a key, bit 1 =
//!   it is an oracle (may send oracle messages), bit 2 = it is an admin (may send admin
//!   messages);
//! - `0x0400 + 4 * book + field` (book < [`INSTRUMENTS`]): field 0 = instrument id in bits
//!   0..16 and "configured" in bit 16; 1 = lowest in-band price; 2 = highest; 3 = largest
//!   quantity;
//! - [`CFG_ACCOUNTS_MAX`]: the venue's `accounts_max`.
//!
//! Admin messages (abi §16) change state at run time, in sequence: an account's credit
//! (limited or not, and its limit) or a book's credit cost per lot; transfers and
//! isolations (side 1) are checked (target account, instrument) and echoed.
//!
//! Messages (valid/ready `s_*`) carry the order-entry fields and the signature verdict;
//! each gets one verdict (valid/ready `m_*`): `m_reason` ([`abi::Reason`] wire value; 0 =
//! passes), `m_echo` (it passed as an update — 6 oracle, 7 admin: its event is an echo of
//! that kind, not the matcher's) and `m_book`: the found instrument's book (0 when none),
//! the matcher's book when the message passes to it. `m_book` is a register, valid from the
//! cycle after the message is accepted until the next one is, so that the card can give the
//! matcher its book's bounds and keys from registers by the time the verdict arrives. Two
//! configured books with one instrument id (which the venue config refuses) resolve to the
//! higher book, as before.
//!
//! **Latency 4 cycles** (accepted in cycle 0, verdict valid from cycle 4) and **one message
//! every 4 cycles**: the next message is accepted in the cycle the verdict is taken
//! (`s_ready = Idle | Respond & m_ready`). One message in flight. Its nonce, a credit
//! setting and a lot cost are written in cycle 3, before the next message's reads (its
//! cycle 0, the earliest the previous one's cycle 4); its consumption is written in cycle 4,
//! from registers — when the next message, of the same account, is accepted in that very
//! cycle, its table read is skipped (a [`Bram`] refuses a read and a write of one address in
//! one cycle) and the new consumption forwarded instead. Each cycle's logic is short (issue
//! 12's timing closure; figures in docs/hardware.md):
//!
//! | cycle (state) | does | logic after a register |
//! |---|---|---|
//! | 0 (Idle, or Respond while the verdict is taken) | accepts; the account's six tables addressed (the consumption's read skipped when forwarded); the fields decoded into flags (type, enum ranges, zero tests, the admin target's halves); the instrument looked up in the 8 entries: per entry, whether it is the highest that hits (one-hot), and the found book; each entry registers its own band and quantity checks | input → 17-bit compare → the highest hit (~5 LUT levels); the entries' and the target's 32-bit compares (a carry chain) |
//! | 1 (Product) | the found book's lot cost (the AND-OR of the one-hot hits and the entries' costs) and qty's halves into the two multipliers' input registers ([`Mul16`], MULT18X18D); `malformed` and the admin target check combined from the flags; the book's band and quantity checks selected; checks 4 (admin target) – 7.2 resolved into one registered reason; a credit setting's limit (`as_of + credit`) | 2 LUT levels → the DSP; 8:1 select → priority (~4 levels); a 32-bit add |
//! | 2 (Credit) | the tables' data (the DP16KDs' output registers; the consumption forwarded): unknown account, not oracle, not admin; the nonce compared with the last as two 32-bit halves; `available = limit − used`; the two products registered as they leave the multipliers | RAM output → a 32-bit carry chain; the multiplier (3.86 ns after the clock) → register |
//! | 3 (Decide) | the credit check: the cost `lo + hi · 2¹⁶` (exact, 48 bits) fits when `hi < 2¹⁶` and `available − lo − (hi mod 2¹⁶) · 2¹⁶ ≥ 0` (one 34-bit subtraction), or is exactly 0; the verdict of the other checks in contract order and the credit check's failure, registered; the nonce written when consumed, a credit or a lot cost when an admin message passes; `used + cost` registered | a 34-bit borrow chain → 2 LUT levels → register; the verdict's priority (~3 levels); 2 LUT levels → the tables' write enables |
//! | 4 (Respond) | the verdict until taken; a passing order's consumption written | a register to the table |
//!
//! Tables (one DP16KD each per 18 bits, [`Bram`]): account flags (3 bits), nonce low and
//! high halves (32 + 32), the credit's limited bit, limit and consumption (1 + 32 + 32).

use rust_hdl::prelude::*;

use crate::consts::*;

use crate::bram::Bram;
use crate::gated::Gated;
use crate::mul16::Mul16;

/// Account ids the block holds (the ECP5 configuration's `accounts_max`).
pub const ACCOUNTS: usize = 1024;
/// Address bits of the account tables.
const ACCOUNT_BITS: usize = 10;
const _: () = assert!(ACCOUNTS == 1 << ACCOUNT_BITS);
/// Books the block holds (`instruments_max`).
pub const INSTRUMENTS: usize = 8;
/// Configuration address of account 0's known bit (the register map's, `abi::regs`).
pub const CFG_ACCOUNTS: u64 = abi::regs::CFG_ACCOUNTS as u64;
/// Configuration address of book 0's instrument id.
pub const CFG_INSTRUMENTS: u64 = abi::regs::CFG_INSTRUMENTS as u64;
/// Configuration address of `accounts_max` (admin messages' targets must be below it).
pub const CFG_ACCOUNTS_MAX: u64 = abi::regs::CFG_ACCOUNTS_MAX as u64;
// `update` spells them as literals (hdl_gen does not translate constants).
const _: () = assert!(CFG_ACCOUNTS == 0x0000 && CFG_INSTRUMENTS == 0x0400);
const _: () = assert!(CFG_ACCOUNTS_MAX == 0x0420);

/// One configured instrument: its id and limits, and the checks against them. `hit` is of
/// this cycle's instrument; `price_ok` and `qty_ok` are registered: the checks of the price
/// and quantity presented in the last cycle `sample` was high (the Validator's accept).
#[derive(LogicBlock, Default)]
pub struct InstrumentEntry {
    pub clock: Signal<In, Clock>,
    pub cfg_write: Signal<In, Bit>,
    pub cfg_field: Signal<In, Bits<2>>,
    pub cfg_data: Signal<In, Bits<32>>,
    pub instrument: Signal<In, Bits<16>>,
    pub price: Signal<In, Bits<32>>,
    pub qty: Signal<In, Bits<32>>,
    pub sample: Signal<In, Bit>,
    /// An admin message sets the book's credit cost per lot (abi.md §16).
    pub admin_write: Signal<In, Bit>,
    pub admin_data: Signal<In, Bits<16>>,
    pub hit: Signal<Out, Bit>,
    pub price_ok: Signal<Out, Bit>,
    pub qty_ok: Signal<Out, Bit>,
    pub lot_cost: Signal<Out, Bits<16>>,
    id: DFF<Bits<17>>,
    price_min: DFF<Bits<32>>,
    price_max: DFF<Bits<32>>,
    qty_max: DFF<Bits<32>>,
    lot_cost_q: DFF<Bits<16>>,
    price_ok_q: DFF<Bit>,
    qty_ok_q: DFF<Bit>,
}

crate::inputs!(InstrumentEntry: clock, cfg_write, cfg_field, cfg_data, instrument, price, qty, sample, admin_write, admin_data);

impl Logic for InstrumentEntry {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, id, price_min, price_max, qty_max, lot_cost_q, price_ok_q, qty_ok_q
        );
        if self.admin_write.val() {
            self.lot_cost_q.d.next = self.admin_data.val();
        }
        self.lot_cost.next = self.lot_cost_q.q.val();
        if self.cfg_write.val() {
            if self.cfg_field.val() == 0 {
                self.id.d.next = bit_cast::<17, 32>(self.cfg_data.val());
            }
            if self.cfg_field.val() == 1 {
                self.price_min.d.next = self.cfg_data.val();
            }
            if self.cfg_field.val() == 2 {
                self.price_max.d.next = self.cfg_data.val();
            }
            if self.cfg_field.val() == 3 {
                self.qty_max.d.next = self.cfg_data.val();
            }
        }
        self.hit.next = self.id.q.val().get_bit(16)
            & (bit_cast::<16, 17>(self.id.q.val()) == self.instrument.val());
        if self.sample.val() {
            self.price_ok_q.d.next = (self.price.val() >= self.price_min.q.val())
                & (self.price.val() <= self.price_max.q.val());
            self.qty_ok_q.d.next = self.qty.val().any() & (self.qty.val() <= self.qty_max.q.val());
        }
        self.price_ok.next = self.price_ok_q.q.val();
        self.qty_ok.next = self.qty_ok_q.q.val();
    }
}

/// One state per cycle of a message (see the table above).
#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum ValidatorState {
    Idle,
    Product,
    Credit,
    Decide,
    Respond,
}

#[derive(LogicBlock, Default)]
pub struct Validator {
    pub clock: Signal<In, Clock>,
    pub cfg_valid: Signal<In, Bit>,
    pub cfg_address: Signal<In, Bits<16>>,
    pub cfg_data: Signal<In, Bits<32>>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_account: Signal<In, Bits<32>>,
    pub s_signature_ok: Signal<In, Bit>,
    pub s_nonce: Signal<In, Bits<64>>,
    pub s_version: Signal<In, Bits<8>>,
    pub s_type: Signal<In, Bits<8>>,
    pub s_side: Signal<In, Bits<8>>,
    pub s_tif: Signal<In, Bits<8>>,
    pub s_stp: Signal<In, Bits<8>>,
    pub s_flags: Signal<In, Bits<8>>,
    pub s_reserved_nonzero: Signal<In, Bit>,
    pub s_instrument: Signal<In, Bits<16>>,
    pub s_price: Signal<In, Bits<32>>,
    pub s_qty: Signal<In, Bits<32>>,
    pub s_target: Signal<In, Bits<64>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_reason: Signal<Out, Bits<8>>,
    /// The found instrument's book, registered at accept (see above).
    pub m_book: Signal<Out, Bits<3>>,
    /// The message passed as an update, not an order: its event is an echo of this kind
    /// (6 oracle, 7 admin; 0 for anything else).
    pub m_echo: Signal<Out, Bits<8>>,
    /// Per account: bit 0 known (has a key), bit 1 oracle, bit 2 admin.
    known: Bram<Bits<3>, ACCOUNT_BITS>,
    /// Per account: the pre-trade credit (abi.md §16) — whether it is limited, the limit and
    /// the consumption counter (both wrap).
    credit_on: Bram<Bit, ACCOUNT_BITS>,
    credit_limit: Bram<Bits<32>, ACCOUNT_BITS>,
    credit_used: Bram<Bits<32>, ACCOUNT_BITS>,
    /// Per account: the last nonce consumed, as two halves.
    nonce_lo: Bram<Bits<32>, ACCOUNT_BITS>,
    nonce_hi: Bram<Bits<32>, ACCOUNT_BITS>,
    /// The order's cost: qty's low and high halves × the book's lot cost (operands in
    /// Product, products in Decide).
    mul_lo: Mul16,
    mul_hi: Mul16,
    /// Account ids are below this (admin targets are checked against it).
    accounts_max: DFF<Bits<32>>,
    entry0: Gated<InstrumentEntry>,
    entry1: Gated<InstrumentEntry>,
    entry2: Gated<InstrumentEntry>,
    entry3: Gated<InstrumentEntry>,
    entry4: Gated<InstrumentEntry>,
    entry5: Gated<InstrumentEntry>,
    entry6: Gated<InstrumentEntry>,
    entry7: Gated<InstrumentEntry>,
    state: DFF<ValidatorState>,
    // Registered at accept (cycle 0).
    account: DFF<Bits<10>>,
    account_in_range: DFF<Bit>,
    signature_ok: DFF<Bit>,
    nonce_lo_q: DFF<Bits<32>>,
    nonce_hi_q: DFF<Bits<32>>,
    /// Version, flags, reserved bytes, type, side, time in force or STP undefined.
    fields_bad: DFF<Bit>,
    is_new: DFF<Bit>,
    is_cancel: DFF<Bit>,
    is_oracle: DFF<Bit>,
    is_admin: DFF<Bit>,
    unsupported: DFF<Bit>,
    /// An admin message with instrument 0 (a credit or a transfer), else for a book.
    admin_account: DFF<Bit>,
    /// Side 1: a collateral transfer (instrument 0) or isolation (a book) for the margin
    /// engine — echoed, no state here, its target account checked.
    admin_transfer: DFF<Bit>,
    side_zero: DFF<Bit>,
    target: DFF<Bits<10>>,
    /// The target's high half is not zero; its low half is below `accounts_max`; any bit.
    target_high: DFF<Bit>,
    target_low_ok: DFF<Bit>,
    target_any: DFF<Bit>,
    price: DFF<Bits<32>>,
    price_any: DFF<Bit>,
    qty: DFF<Bits<32>>,
    qty_any: DFF<Bit>,
    /// The quantity is above a lot cost's bound (a cost setting's quantity field).
    qty_over_lot_cost: DFF<Bit>,
    instrument_found: DFF<Bit>,
    book: DFF<Bits<3>>,
    /// Per entry: it is the highest entry whose id the instrument is (one-hot, or none).
    winner0: DFF<Bit>,
    winner1: DFF<Bit>,
    winner2: DFF<Bit>,
    winner3: DFF<Bit>,
    winner4: DFF<Bit>,
    winner5: DFF<Bit>,
    winner6: DFF<Bit>,
    winner7: DFF<Bit>,
    /// The previous message writes this account's consumption in the accept cycle: the
    /// table is not read, `used_new` is taken instead.
    used_forward: DFF<Bit>,
    // Registered in Product (cycle 1).
    malformed: DFF<Bit>,
    /// The first failing check of 4 (the admin target) to 7.2 (band), none when 0.
    tail_reason: DFF<Bits<8>>,
    /// A credit setting's new limit (`as_of + credit`) and limited bit.
    limit_new: DFF<Bits<32>>,
    limited_new: DFF<Bit>,
    // Registered in Credit (cycle 2).
    account_bad: DFF<Bit>,
    oracle_bad: DFF<Bit>,
    admin_bad: DFF<Bit>,
    nonce_hi_eq: DFF<Bit>,
    nonce_hi_lt: DFF<Bit>,
    nonce_lo_eq: DFF<Bit>,
    nonce_lo_lt: DFF<Bit>,
    limited: DFF<Bit>,
    used: DFF<Bits<32>>,
    available: DFF<Bits<32>>,
    /// The products (qty's halves × lot cost), out of the multipliers.
    cost_lo: DFF<Bits<32>>,
    cost_hi: DFF<Bits<32>>,
    // Registered in Decide (cycle 3): the first failing check before the credit check (0:
    // none); the credit check failed (an order that passed every other check); a passing
    // order's new consumption (`used + cost`), written in Respond.
    reason: DFF<Bits<8>>,
    credit_failed: DFF<Bit>,
    used_write: DFF<Bit>,
    used_new: DFF<Bits<32>>,
    /// Accept: a message is taken this cycle; its consumption is forwarded.
    accept: Signal<Local, Bit>,
    forwarding: Signal<Local, Bit>,
    /// Product: each entry's lot cost masked by its winner bit, and their OR.
    masked0: Signal<Local, Bits<16>>,
    masked1: Signal<Local, Bits<16>>,
    masked2: Signal<Local, Bits<16>>,
    masked3: Signal<Local, Bits<16>>,
    masked4: Signal<Local, Bits<16>>,
    masked5: Signal<Local, Bits<16>>,
    masked6: Signal<Local, Bits<16>>,
    masked7: Signal<Local, Bits<16>>,
    lot_cost: Signal<Local, Bits<16>>,
    /// Product: the book's quantity and band checks failed; the admin target is an account;
    /// the checks from the admin target on.
    qty_bad: Signal<Local, Bit>,
    price_bad: Signal<Local, Bit>,
    target_ok: Signal<Local, Bit>,
    tail: Signal<Local, Bits<8>>,
    /// Credit: the account's consumption (read or forwarded).
    used_read: Signal<Local, Bits<32>>,
    /// Decide: `available − lo − (hi mod 2¹⁶) · 2¹⁶`, exact (34 bits: one borrow chain,
    /// which two 32-bit halves would split into two); its sign says whether the cost
    /// exceeds what is available.
    fit: Signal<Local, Bits<34>>,
    fit_sign: Signal<Local, Bits<1>>,
    cost_zero: Signal<Local, Bit>,
    credit_ok: Signal<Local, Bit>,
    /// Decide: the nonce checks, whether a check before the credit check failed, the
    /// verdict, and its effects.
    duplicate: Signal<Local, Bit>,
    stale: Signal<Local, Bit>,
    head_failed: Signal<Local, Bit>,
    verdict: Signal<Local, Bits<8>>,
    nonce_consumed: Signal<Local, Bit>,
    /// Every check but the credit check passed (the credit check is a new order's only).
    passed_but_credit: Signal<Local, Bit>,
    lot_write: Signal<Local, Bit>,
    credit_write: Signal<Local, Bit>,
}

crate::inputs!(Validator: clock, cfg_valid, cfg_address, cfg_data, s_valid, s_account, s_signature_ok, s_nonce, s_version, s_type, s_side, s_tif, s_stp, s_flags, s_reserved_nonzero, s_instrument, s_price, s_qty, s_target, m_ready);

impl Logic for Validator {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            accounts_max,
            state,
            account,
            account_in_range,
            signature_ok,
            nonce_lo_q,
            nonce_hi_q,
            fields_bad,
            is_new,
            is_cancel,
            is_oracle,
            is_admin,
            unsupported,
            admin_account,
            admin_transfer,
            side_zero,
            target,
            target_high,
            target_low_ok,
            target_any,
            price,
            price_any,
            qty,
            qty_any,
            qty_over_lot_cost,
            instrument_found,
            book,
            winner0,
            winner1,
            winner2,
            winner3,
            winner4,
            winner5,
            winner6,
            winner7,
            used_forward,
            malformed,
            tail_reason,
            limit_new,
            limited_new,
            account_bad,
            oracle_bad,
            admin_bad,
            nonce_hi_eq,
            nonce_hi_lt,
            nonce_lo_eq,
            nonce_lo_lt,
            limited,
            used,
            available,
            cost_lo,
            cost_hi,
            reason,
            credit_failed,
            used_write,
            used_new
        );
        clock!(
            self,
            clock,
            known,
            credit_on,
            credit_limit,
            credit_used,
            nonce_lo,
            nonce_hi,
            mul_lo,
            mul_hi,
            entry0,
            entry1,
            entry2,
            entry3,
            entry4,
            entry5,
            entry6,
            entry7
        );
        // Defaults: every local, every table port, every entry's inputs.
        self.accept.next = false;
        self.forwarding.next = false;
        self.masked0.next = 0.into();
        self.masked1.next = 0.into();
        self.masked2.next = 0.into();
        self.masked3.next = 0.into();
        self.masked4.next = 0.into();
        self.masked5.next = 0.into();
        self.masked6.next = 0.into();
        self.masked7.next = 0.into();
        self.lot_cost.next = 0.into();
        self.qty_bad.next = false;
        self.price_bad.next = false;
        self.target_ok.next = false;
        self.tail.next = REASON_NONE.into();
        self.used_read.next = 0.into();
        self.fit.next = 0.into();
        self.fit_sign.next = 0.into();
        self.cost_zero.next = false;
        self.credit_ok.next = true;
        self.duplicate.next = false;
        self.stale.next = false;
        self.head_failed.next = false;
        self.verdict.next = REASON_NONE.into();
        self.nonce_consumed.next = false;
        self.passed_but_credit.next = false;
        self.lot_write.next = false;
        self.credit_write.next = false;
        self.entry0.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1024);
        self.entry0.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry0.cfg_data.next = self.cfg_data.val();
        self.entry0.instrument.next = self.s_instrument.val();
        self.entry0.price.next = self.s_price.val();
        self.entry0.qty.next = self.s_qty.val();
        self.entry0.sample.next = false;
        self.entry0.admin_write.next = false;
        self.entry0.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry1.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1028);
        self.entry1.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry1.cfg_data.next = self.cfg_data.val();
        self.entry1.instrument.next = self.s_instrument.val();
        self.entry1.price.next = self.s_price.val();
        self.entry1.qty.next = self.s_qty.val();
        self.entry1.sample.next = false;
        self.entry1.admin_write.next = false;
        self.entry1.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry2.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1032);
        self.entry2.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry2.cfg_data.next = self.cfg_data.val();
        self.entry2.instrument.next = self.s_instrument.val();
        self.entry2.price.next = self.s_price.val();
        self.entry2.qty.next = self.s_qty.val();
        self.entry2.sample.next = false;
        self.entry2.admin_write.next = false;
        self.entry2.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry3.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1036);
        self.entry3.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry3.cfg_data.next = self.cfg_data.val();
        self.entry3.instrument.next = self.s_instrument.val();
        self.entry3.price.next = self.s_price.val();
        self.entry3.qty.next = self.s_qty.val();
        self.entry3.sample.next = false;
        self.entry3.admin_write.next = false;
        self.entry3.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry4.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1040);
        self.entry4.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry4.cfg_data.next = self.cfg_data.val();
        self.entry4.instrument.next = self.s_instrument.val();
        self.entry4.price.next = self.s_price.val();
        self.entry4.qty.next = self.s_qty.val();
        self.entry4.sample.next = false;
        self.entry4.admin_write.next = false;
        self.entry4.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry5.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1044);
        self.entry5.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry5.cfg_data.next = self.cfg_data.val();
        self.entry5.instrument.next = self.s_instrument.val();
        self.entry5.price.next = self.s_price.val();
        self.entry5.qty.next = self.s_qty.val();
        self.entry5.sample.next = false;
        self.entry5.admin_write.next = false;
        self.entry5.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry6.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1048);
        self.entry6.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry6.cfg_data.next = self.cfg_data.val();
        self.entry6.instrument.next = self.s_instrument.val();
        self.entry6.price.next = self.s_price.val();
        self.entry6.qty.next = self.s_qty.val();
        self.entry6.sample.next = false;
        self.entry6.admin_write.next = false;
        self.entry6.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry7.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1052);
        self.entry7.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry7.cfg_data.next = self.cfg_data.val();
        self.entry7.instrument.next = self.s_instrument.val();
        self.entry7.price.next = self.s_price.val();
        self.entry7.qty.next = self.s_qty.val();
        self.entry7.sample.next = false;
        self.entry7.admin_write.next = false;
        self.entry7.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        // Configuration.
        self.known.write_enable.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFC00) == 0);
        self.known.write_address.next = bit_cast::<10, 16>(self.cfg_address.val());
        self.known.write_data.next = bit_cast::<3, 32>(self.cfg_data.val());
        if self.cfg_valid.val() & (self.cfg_address.val() == 0x0420) {
            self.accounts_max.d.next = self.cfg_data.val();
        }
        // The account's tables: read at accept (data in Credit), written in Decide (the
        // consumption in Respond).
        self.known.read_enable.next = false;
        self.known.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.nonce_lo.read_enable.next = false;
        self.nonce_lo.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.nonce_hi.read_enable.next = false;
        self.nonce_hi.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.credit_on.read_enable.next = false;
        self.credit_on.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.credit_limit.read_enable.next = false;
        self.credit_limit.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.credit_used.read_enable.next = false;
        self.credit_used.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.nonce_lo.write_enable.next = false;
        self.nonce_lo.write_address.next = self.account.q.val();
        self.nonce_lo.write_data.next = self.nonce_lo_q.q.val();
        self.nonce_hi.write_enable.next = false;
        self.nonce_hi.write_address.next = self.account.q.val();
        self.nonce_hi.write_data.next = self.nonce_hi_q.q.val();
        self.credit_used.write_enable.next = false;
        self.credit_used.write_address.next = self.account.q.val();
        self.credit_used.write_data.next = self.used_new.q.val();
        self.credit_limit.write_enable.next = false;
        self.credit_limit.write_address.next = self.target.q.val();
        self.credit_limit.write_data.next = self.limit_new.q.val();
        self.credit_on.write_enable.next = false;
        self.credit_on.write_address.next = self.target.q.val();
        self.credit_on.write_data.next = self.limited_new.q.val();
        // The multipliers take their operands every cycle; Product's are the ones used: the
        // found book's lot cost (its winner bit masks every other entry's).
        if self.winner0.q.val() {
            self.masked0.next = self.entry0.lot_cost.val();
        }
        if self.winner1.q.val() {
            self.masked1.next = self.entry1.lot_cost.val();
        }
        if self.winner2.q.val() {
            self.masked2.next = self.entry2.lot_cost.val();
        }
        if self.winner3.q.val() {
            self.masked3.next = self.entry3.lot_cost.val();
        }
        if self.winner4.q.val() {
            self.masked4.next = self.entry4.lot_cost.val();
        }
        if self.winner5.q.val() {
            self.masked5.next = self.entry5.lot_cost.val();
        }
        if self.winner6.q.val() {
            self.masked6.next = self.entry6.lot_cost.val();
        }
        if self.winner7.q.val() {
            self.masked7.next = self.entry7.lot_cost.val();
        }
        self.lot_cost.next = self.masked0.val()
            | self.masked1.val()
            | self.masked2.val()
            | self.masked3.val()
            | self.masked4.val()
            | self.masked5.val()
            | self.masked6.val()
            | self.masked7.val();
        self.mul_lo.a.next = self.qty.q.val().get_bits::<16>(0);
        self.mul_lo.b.next = self.lot_cost.val();
        self.mul_hi.a.next = self.qty.q.val().get_bits::<16>(16);
        self.mul_hi.b.next = self.lot_cost.val();
        // The verdict, presented in Respond: the checks before the credit check, or the
        // credit check's failure (registered beside them, so that the credit check's borrow
        // chain reaches one register in Decide, not the whole priority).
        self.s_ready.next = false;
        self.m_valid.next = false;
        self.m_reason.next = self.reason.q.val();
        if self.credit_failed.q.val() {
            self.m_reason.next = REASON_CREDIT_EXCEEDED.into();
        }
        self.m_book.next = self.book.q.val();
        self.m_echo.next = 0.into();
        if !self.reason.q.val().any() & !self.credit_failed.q.val() {
            if self.is_oracle.q.val() {
                self.m_echo.next = KIND_ORACLE.into();
            } else {
                if self.is_admin.q.val() {
                    self.m_echo.next = KIND_ADMIN.into();
                }
            }
        }
        match self.state.q.val() {
            ValidatorState::Idle => {
                self.s_ready.next = true;
                self.accept.next = self.s_valid.val();
            }
            ValidatorState::Product => {
                self.state.d.next = ValidatorState::Credit;
                // Step 4's field checks (abi §8), from the flags registered at accept.
                self.malformed.d.next = self.fields_bad.q.val()
                    | (self.is_new.q.val() & self.target_any.q.val())
                    | (self.is_cancel.q.val() & (self.price_any.q.val() | self.qty_any.q.val()))
                    | (self.is_oracle.q.val()
                        & (self.target_any.q.val() | !self.price_any.q.val()))
                    | (self.is_admin.q.val() & self.target_high.q.val())
                    | (self.is_admin.q.val()
                        & !self.admin_account.q.val()
                        & self.side_zero.q.val()
                        & (self.price_any.q.val()
                            | self.target_any.q.val()
                            | self.qty_over_lot_cost.q.val()));
                self.target_ok.next = !self.target_high.q.val() & self.target_low_ok.q.val();
                // The book's band and quantity checks (registered in its entry at accept).
                if self.book.q.val() == 0 {
                    self.qty_bad.next = !self.entry0.qty_ok.val();
                    self.price_bad.next = !self.entry0.price_ok.val();
                }
                if self.book.q.val() == 1 {
                    self.qty_bad.next = !self.entry1.qty_ok.val();
                    self.price_bad.next = !self.entry1.price_ok.val();
                }
                if self.book.q.val() == 2 {
                    self.qty_bad.next = !self.entry2.qty_ok.val();
                    self.price_bad.next = !self.entry2.price_ok.val();
                }
                if self.book.q.val() == 3 {
                    self.qty_bad.next = !self.entry3.qty_ok.val();
                    self.price_bad.next = !self.entry3.price_ok.val();
                }
                if self.book.q.val() == 4 {
                    self.qty_bad.next = !self.entry4.qty_ok.val();
                    self.price_bad.next = !self.entry4.price_ok.val();
                }
                if self.book.q.val() == 5 {
                    self.qty_bad.next = !self.entry5.qty_ok.val();
                    self.price_bad.next = !self.entry5.price_ok.val();
                }
                if self.book.q.val() == 6 {
                    self.qty_bad.next = !self.entry6.qty_ok.val();
                    self.price_bad.next = !self.entry6.price_ok.val();
                }
                if self.book.q.val() == 7 {
                    self.qty_bad.next = !self.entry7.qty_ok.val();
                    self.price_bad.next = !self.entry7.price_ok.val();
                }
                // Checks from the admin target on, in reverse order: the last failing check
                // assigned is the first in the contract's order (abi §8), which decides.
                self.tail.next = REASON_NONE.into();
                if self.is_new.q.val() & self.price_bad.val() {
                    self.tail.next = REASON_PRICE_OUT_OF_BAND.into();
                }
                if self.is_new.q.val() & self.qty_bad.val() {
                    self.tail.next = REASON_INVALID_QUANTITY.into();
                }
                if self.unsupported.q.val() {
                    self.tail.next = REASON_UNSUPPORTED_MESSAGE.into();
                }
                if !self.instrument_found.q.val()
                    & !self.is_oracle.q.val()
                    & !(self.is_admin.q.val() & self.admin_account.q.val())
                {
                    self.tail.next = REASON_UNKNOWN_INSTRUMENT.into();
                }
                if self.is_admin.q.val()
                    & (self.admin_account.q.val() | self.admin_transfer.q.val())
                    & !self.target_ok.val()
                {
                    self.tail.next = REASON_MALFORMED.into();
                }
                self.tail_reason.d.next = self.tail.val();
                // A credit setting: `limit = as_of + credit`, limited unless unlimited.
                self.limit_new.d.next = self.qty.q.val() + self.price.q.val();
                self.limited_new.d.next = self.price.q.val() != 0xFFFF_FFFF_u64;
            }
            ValidatorState::Credit => {
                self.state.d.next = ValidatorState::Decide;
                // The account's tables, out of the block RAMs' output registers.
                self.account_bad.d.next =
                    !self.account_in_range.q.val() | !self.known.read_data.val().get_bit(0);
                self.oracle_bad.d.next =
                    self.is_oracle.q.val() & !self.known.read_data.val().get_bit(1);
                self.admin_bad.d.next =
                    self.is_admin.q.val() & !self.known.read_data.val().get_bit(2);
                self.nonce_hi_eq.d.next = self.nonce_hi_q.q.val() == self.nonce_hi.read_data.val();
                self.nonce_hi_lt.d.next = self.nonce_hi_q.q.val() < self.nonce_hi.read_data.val();
                self.nonce_lo_eq.d.next = self.nonce_lo_q.q.val() == self.nonce_lo.read_data.val();
                self.nonce_lo_lt.d.next = self.nonce_lo_q.q.val() < self.nonce_lo.read_data.val();
                // The account's credit is `limit − used`, none when that is negative; the
                // consumption is the table's, or the previous message's new value when it
                // was being written as this message was accepted.
                self.used_read.next = self.credit_used.read_data.val();
                if self.used_forward.q.val() {
                    self.used_read.next = self.used_new.q.val();
                }
                self.limited.d.next = self.credit_on.read_data.val();
                self.used.d.next = self.used_read.val();
                self.available.d.next = self.credit_limit.read_data.val() - self.used_read.val();
                self.cost_lo.d.next = self.mul_lo.p.val();
                self.cost_hi.d.next = self.mul_hi.p.val();
            }
            ValidatorState::Decide => {
                self.state.d.next = ValidatorState::Respond;
                // The order's cost is lo + hi · 2¹⁶ (abi §16: exact, up to 48 bits). It fits
                // the credit when hi < 2¹⁶ and `available − lo − hi · 2¹⁶ ≥ 0` (34 bits,
                // signed); a cost of exactly 0 always passes.
                self.fit.next = bit_cast::<34, 32>(self.available.q.val())
                    - bit_cast::<34, 32>(self.cost_lo.q.val())
                    - (bit_cast::<34, 16>(self.cost_hi.q.val().get_bits::<16>(0)) << 16);
                self.fit_sign.next = bit_cast::<1, 34>(self.fit.val() >> 33);
                self.cost_zero.next = !self.cost_lo.q.val().any() & !self.cost_hi.q.val().any();
                self.credit_ok.next = !self.limited.q.val()
                    | self.cost_zero.val()
                    | (!self.available.q.val().get_bit(31)
                        & !self.cost_hi.q.val().get_bits::<16>(16).any()
                        & !self.fit_sign.val().any());
                // The verdict of every check before the credit check, in reverse order as in
                // Product; the credit check (the last) decides only when they all pass.
                self.duplicate.next = self.nonce_hi_eq.q.val() & self.nonce_lo_eq.q.val();
                self.stale.next = self.nonce_hi_lt.q.val()
                    | (self.nonce_hi_eq.q.val() & self.nonce_lo_lt.q.val());
                self.verdict.next = self.tail_reason.q.val();
                if self.admin_bad.q.val() {
                    self.verdict.next = REASON_NOT_ADMIN.into();
                }
                if self.oracle_bad.q.val() {
                    self.verdict.next = REASON_NOT_ORACLE.into();
                }
                if self.malformed.q.val() {
                    self.verdict.next = REASON_MALFORMED.into();
                }
                if self.stale.val() {
                    self.verdict.next = REASON_STALE_NONCE.into();
                }
                if self.duplicate.val() {
                    self.verdict.next = REASON_DUPLICATE_NONCE.into();
                }
                if !self.signature_ok.q.val() {
                    self.verdict.next = REASON_BAD_SIGNATURE.into();
                }
                if self.account_bad.q.val() {
                    self.verdict.next = REASON_UNKNOWN_ACCOUNT.into();
                }
                self.reason.d.next = self.verdict.val();
                // Effects. The nonce is consumed once the nonce check passed (every reason
                // from `malformed` on comes after it, abi §8); a passing order consumes its
                // cost (written in Respond, from registers: the credit check's chain
                // reaches a register here, not the table's write enable); a passing admin
                // message sets a credit or a lot cost.
                self.nonce_consumed.next = !self.account_bad.q.val()
                    & self.signature_ok.q.val()
                    & !self.duplicate.val()
                    & !self.stale.val();
                self.head_failed.next =
                    self.malformed.q.val() | self.oracle_bad.q.val() | self.admin_bad.q.val();
                self.passed_but_credit.next = self.nonce_consumed.val()
                    & !self.head_failed.val()
                    & !self.tail_reason.q.val().any();
                self.credit_failed.d.next =
                    self.passed_but_credit.val() & self.is_new.q.val() & !self.credit_ok.val();
                self.used_write.d.next =
                    self.passed_but_credit.val() & self.is_new.q.val() & self.credit_ok.val();
                self.used_new.d.next = self.used.q.val()
                    + self.cost_lo.q.val()
                    + (bit_cast::<32, 16>(self.cost_hi.q.val().get_bits::<16>(0)) << 16);
                self.nonce_lo.write_enable.next = self.nonce_consumed.val();
                self.nonce_hi.write_enable.next = self.nonce_consumed.val();
                self.credit_write.next = self.passed_but_credit.val()
                    & self.is_admin.q.val()
                    & self.admin_account.q.val()
                    & !self.admin_transfer.q.val();
                self.credit_limit.write_enable.next = self.credit_write.val();
                self.credit_on.write_enable.next = self.credit_write.val();
                self.lot_write.next = self.passed_but_credit.val()
                    & self.is_admin.q.val()
                    & !self.admin_account.q.val()
                    & !self.admin_transfer.q.val();
                self.entry0.admin_write.next = self.lot_write.val() & (self.book.q.val() == 0);
                self.entry1.admin_write.next = self.lot_write.val() & (self.book.q.val() == 1);
                self.entry2.admin_write.next = self.lot_write.val() & (self.book.q.val() == 2);
                self.entry3.admin_write.next = self.lot_write.val() & (self.book.q.val() == 3);
                self.entry4.admin_write.next = self.lot_write.val() & (self.book.q.val() == 4);
                self.entry5.admin_write.next = self.lot_write.val() & (self.book.q.val() == 5);
                self.entry6.admin_write.next = self.lot_write.val() & (self.book.q.val() == 6);
                self.entry7.admin_write.next = self.lot_write.val() & (self.book.q.val() == 7);
            }
            ValidatorState::Respond => {
                self.m_valid.next = true;
                self.credit_used.write_enable.next = self.used_write.q.val();
                if self.m_ready.val() {
                    // The next message may be accepted as this verdict is taken.
                    self.state.d.next = ValidatorState::Idle;
                    self.s_ready.next = true;
                    self.accept.next = self.s_valid.val();
                }
            }
        }
        // Accept (cycle 0): the tables addressed, the fields decoded into flags, the
        // instrument looked up.
        if self.accept.val() {
            self.state.d.next = ValidatorState::Product;
            self.known.read_enable.next = true;
            self.nonce_lo.read_enable.next = true;
            self.nonce_hi.read_enable.next = true;
            self.credit_on.read_enable.next = true;
            self.credit_limit.read_enable.next = true;
            // The previous message's consumption is written in this cycle (Respond) to this
            // account: forwarded instead of read.
            self.forwarding.next = (self.state.q.val() == ValidatorState::Respond)
                & self.used_write.q.val()
                & (bit_cast::<10, 32>(self.s_account.val()) == self.account.q.val());
            self.used_forward.d.next = self.forwarding.val();
            self.credit_used.read_enable.next = !self.forwarding.val();
            self.account.d.next = bit_cast::<10, 32>(self.s_account.val());
            self.account_in_range.d.next = !self.s_account.val().get_bits::<22>(10).any();
            self.signature_ok.d.next = self.s_signature_ok.val();
            self.nonce_lo_q.d.next = bit_cast::<32, 64>(self.s_nonce.val());
            self.nonce_hi_q.d.next = self.s_nonce.val().get_bits::<32>(32);
            self.fields_bad.d.next = (self.s_version.val() != ABI_VERSION)
                | self.s_flags.val().any()
                | self.s_reserved_nonzero.val()
                | (self.s_type.val() < MSG_NEW_ORDER)
                | (self.s_type.val() > MSG_ADMIN)
                | (self.s_side.val() > SIDE_SELL)
                | (self.s_tif.val() > TIF_POST_ONLY)
                | (self.s_stp.val() > STP_CANCEL_BOTH);
            self.is_new.d.next = self.s_type.val() == MSG_NEW_ORDER;
            self.is_cancel.d.next = self.s_type.val() == MSG_CANCEL;
            self.is_oracle.d.next = self.s_type.val() == MSG_ORACLE;
            self.is_admin.d.next = self.s_type.val() == MSG_ADMIN;
            self.unsupported.d.next =
                (self.s_type.val() == MSG_AMEND) | (self.s_type.val() == MSG_MASS_CANCEL);
            self.admin_account.d.next = !self.s_instrument.val().any();
            self.admin_transfer.d.next = self.s_side.val() == SIDE_SELL;
            self.side_zero.d.next = !self.s_side.val().any();
            self.target.d.next = bit_cast::<10, 64>(self.s_target.val());
            self.target_high.d.next = self.s_target.val().get_bits::<32>(32).any();
            self.target_low_ok.d.next =
                bit_cast::<32, 64>(self.s_target.val()) < self.accounts_max.q.val();
            self.target_any.d.next = self.s_target.val().any();
            self.price.d.next = self.s_price.val();
            self.price_any.d.next = self.s_price.val().any();
            self.qty.d.next = self.s_qty.val();
            self.qty_any.d.next = self.s_qty.val().any();
            self.qty_over_lot_cost.d.next = self.s_qty.val() > LOT_COST_MAX;
            // The instrument: found, its book (the highest entry that hits), and per entry
            // whether it is that one.
            self.instrument_found.d.next = false;
            self.book.d.next = 0.into();
            self.entry0.sample.next = true;
            if self.entry0.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 0.into();
            }
            self.entry1.sample.next = true;
            if self.entry1.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 1.into();
            }
            self.entry2.sample.next = true;
            if self.entry2.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 2.into();
            }
            self.entry3.sample.next = true;
            if self.entry3.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 3.into();
            }
            self.entry4.sample.next = true;
            if self.entry4.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 4.into();
            }
            self.entry5.sample.next = true;
            if self.entry5.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 5.into();
            }
            self.entry6.sample.next = true;
            if self.entry6.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 6.into();
            }
            self.entry7.sample.next = true;
            if self.entry7.hit.val() {
                self.instrument_found.d.next = true;
                self.book.d.next = 7.into();
            }
            self.winner0.d.next = self.entry0.hit.val()
                & !(self.entry1.hit.val()
                    | self.entry2.hit.val()
                    | self.entry3.hit.val()
                    | self.entry4.hit.val()
                    | self.entry5.hit.val()
                    | self.entry6.hit.val()
                    | self.entry7.hit.val());
            self.winner1.d.next = self.entry1.hit.val()
                & !(self.entry2.hit.val()
                    | self.entry3.hit.val()
                    | self.entry4.hit.val()
                    | self.entry5.hit.val()
                    | self.entry6.hit.val()
                    | self.entry7.hit.val());
            self.winner2.d.next = self.entry2.hit.val()
                & !(self.entry3.hit.val()
                    | self.entry4.hit.val()
                    | self.entry5.hit.val()
                    | self.entry6.hit.val()
                    | self.entry7.hit.val());
            self.winner3.d.next = self.entry3.hit.val()
                & !(self.entry4.hit.val()
                    | self.entry5.hit.val()
                    | self.entry6.hit.val()
                    | self.entry7.hit.val());
            self.winner4.d.next = self.entry4.hit.val()
                & !(self.entry5.hit.val() | self.entry6.hit.val() | self.entry7.hit.val());
            self.winner5.d.next =
                self.entry5.hit.val() & !(self.entry6.hit.val() | self.entry7.hit.val());
            self.winner6.d.next = self.entry6.hit.val() & !(self.entry7.hit.val());
            self.winner7.d.next = self.entry7.hit.val();
        }
    }
}

/// The Verilog of a Validator as a top module.
pub fn verilog() -> String {
    let mut uut = Validator::default();
    uut.connect_all();
    crate::consts::declare(&generate_verilog(&uut))
}
