//! Validator: the sequencer's checks before matching (docs/abi.md §8, steps 1–7.3), in the
//! contract's order — account, signature verdict, nonce (consumed when it passes), fields,
//! instrument, message type, quantity, price band, pre-trade credit. The software path
//! (`host::engine::Sequencer`) is its reference model; `sim/tests/validator.rs` diffs the two
//! message by message on a fault-injecting workload.
//!
//! Configuration is written through `cfg_valid` / `cfg_address` / `cfg_data` before traffic
//! (the host does this over the register map):
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
//! that kind, not the matcher's) and `m_book` (the instrument's book when it passes to the
//! matcher, else 0).
//!
//! Latency 2 cycles (accept; RAM read and checks; respond); one message in flight. Nonces
//! are two 32-bit RAMs (64-bit compare), the account bits a 3-bit RAM, the credit a 1-bit
//! and two 32-bit RAMs (limit, consumption), all read at accept and written in the check
//! cycle — at least two cycles before the next message's read, so no forwarding is needed.
//! An order's cost is qty × lot cost, two 16 × 16 products (the ECP5's multipliers).

use rust_hdl::prelude::*;

use crate::consts::*;

use crate::gated::Gated;

/// Account ids the block holds (the ECP5 configuration's `accounts_max`).
pub const ACCOUNTS: usize = 1024;
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

/// One configured instrument: its id and limits, and the checks against them.
#[derive(LogicBlock, Default)]
pub struct InstrumentEntry {
    pub clock: Signal<In, Clock>,
    pub cfg_write: Signal<In, Bit>,
    pub cfg_field: Signal<In, Bits<2>>,
    pub cfg_data: Signal<In, Bits<32>>,
    pub instrument: Signal<In, Bits<16>>,
    pub price: Signal<In, Bits<32>>,
    pub qty: Signal<In, Bits<32>>,
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
}

crate::inputs!(InstrumentEntry: clock, cfg_write, cfg_field, cfg_data, instrument, price, qty, admin_write, admin_data);

impl Logic for InstrumentEntry {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, id, price_min, price_max, qty_max, lot_cost_q);
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
        self.price_ok.next = (self.price.val() >= self.price_min.q.val())
            & (self.price.val() <= self.price_max.q.val());
        self.qty_ok.next = self.qty.val().any() & (self.qty.val() <= self.qty_max.q.val());
    }
}

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum ValidatorState {
    Idle,
    Check,
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
    pub m_book: Signal<Out, Bits<3>>,
    /// The message passed as an update, not an order: its event is an echo of this kind
    /// (6 oracle, 7 admin; 0 for anything else).
    pub m_echo: Signal<Out, Bits<8>>,
    /// Per account: bit 0 known (has a key), bit 1 oracle, bit 2 admin.
    known: RAM<Bits<3>, 10>,
    /// Per account: the pre-trade credit (abi.md §16) — whether it is limited, the limit and
    /// the consumption counter (both wrap).
    credit_on: RAM<Bit, 10>,
    credit_limit: RAM<Bits<32>, 10>,
    credit_used: RAM<Bits<32>, 10>,
    /// Account ids are below this (admin targets are checked against it).
    accounts_max: DFF<Bits<32>>,
    nonce_lo: RAM<Bits<32>, 10>,
    nonce_hi: RAM<Bits<32>, 10>,
    entry0: Gated<InstrumentEntry>,
    entry1: Gated<InstrumentEntry>,
    entry2: Gated<InstrumentEntry>,
    entry3: Gated<InstrumentEntry>,
    entry4: Gated<InstrumentEntry>,
    entry5: Gated<InstrumentEntry>,
    entry6: Gated<InstrumentEntry>,
    entry7: Gated<InstrumentEntry>,
    state: DFF<ValidatorState>,
    account: DFF<Bits<10>>,
    account_in_range: DFF<Bit>,
    signature_ok: DFF<Bit>,
    nonce: DFF<Bits<64>>,
    malformed: DFF<Bit>,
    instrument_found: DFF<Bit>,
    book: DFF<Bits<3>>,
    unsupported: DFF<Bit>,
    is_new: DFF<Bit>,
    is_oracle: DFF<Bit>,
    is_admin: DFF<Bit>,
    /// An admin message with instrument 0 (a credit or a transfer), else for a book.
    admin_account: DFF<Bit>,
    /// Side 1: a collateral transfer (instrument 0) or isolation (a book) for the margin
    /// engine — echoed, no state here, its target account checked.
    admin_transfer: DFF<Bit>,
    target: DFF<Bits<10>>,
    target_ok: DFF<Bit>,
    price: DFF<Bits<32>>,
    qty: DFF<Bits<32>>,
    qty_lo: DFF<Bits<16>>,
    qty_hi: DFF<Bits<16>>,
    lot_cost: DFF<Bits<16>>,
    qty_bad: DFF<Bit>,
    price_bad: DFF<Bit>,
    reason: DFF<Bits<8>>,
    last_nonce: Signal<Local, Bits<64>>,
    /// The order's credit cost, qty × lot cost, as 32 bits and whether it needs more.
    cost_lo: Signal<Local, Bits<32>>,
    cost_hi: Signal<Local, Bits<32>>,
    cost: Signal<Local, Bits<32>>,
    cost_overflow: Signal<Local, Bit>,
    available: Signal<Local, Bits<32>>,
    credit_ok: Signal<Local, Bit>,
    /// The Check state's reason (0: passes), whether it passes, and whether it is a passing
    /// lot-cost message.
    verdict: Signal<Local, Bits<8>>,
    passed: Signal<Local, Bit>,
    lot_write: Signal<Local, Bit>,
}

crate::inputs!(Validator: clock, cfg_valid, cfg_address, cfg_data, s_valid, s_account, s_signature_ok, s_nonce, s_version, s_type, s_side, s_tif, s_stp, s_flags, s_reserved_nonzero, s_instrument, s_price, s_qty, s_target, m_ready);

impl Logic for Validator {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            account,
            account_in_range,
            signature_ok,
            nonce,
            malformed,
            instrument_found,
            book,
            unsupported,
            is_new,
            is_oracle,
            is_admin,
            admin_account,
            admin_transfer,
            target,
            target_ok,
            price,
            qty,
            qty_lo,
            qty_hi,
            lot_cost,
            accounts_max,
            qty_bad,
            price_bad,
            reason
        );
        self.known.read_clock.next = self.clock.val();
        self.known.write_clock.next = self.clock.val();
        self.nonce_lo.read_clock.next = self.clock.val();
        self.nonce_lo.write_clock.next = self.clock.val();
        self.nonce_hi.read_clock.next = self.clock.val();
        self.nonce_hi.write_clock.next = self.clock.val();
        self.credit_on.read_clock.next = self.clock.val();
        self.credit_on.write_clock.next = self.clock.val();
        self.credit_limit.read_clock.next = self.clock.val();
        self.credit_limit.write_clock.next = self.clock.val();
        self.credit_used.read_clock.next = self.clock.val();
        self.credit_used.write_clock.next = self.clock.val();
        self.entry0.clock.next = self.clock.val();
        self.entry0.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1024);
        self.entry0.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry0.cfg_data.next = self.cfg_data.val();
        self.entry0.instrument.next = self.s_instrument.val();
        self.entry0.price.next = self.s_price.val();
        self.entry0.qty.next = self.s_qty.val();
        self.entry0.admin_write.next = false;
        self.entry0.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry1.clock.next = self.clock.val();
        self.entry1.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1028);
        self.entry1.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry1.cfg_data.next = self.cfg_data.val();
        self.entry1.instrument.next = self.s_instrument.val();
        self.entry1.price.next = self.s_price.val();
        self.entry1.qty.next = self.s_qty.val();
        self.entry1.admin_write.next = false;
        self.entry1.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry2.clock.next = self.clock.val();
        self.entry2.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1032);
        self.entry2.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry2.cfg_data.next = self.cfg_data.val();
        self.entry2.instrument.next = self.s_instrument.val();
        self.entry2.price.next = self.s_price.val();
        self.entry2.qty.next = self.s_qty.val();
        self.entry2.admin_write.next = false;
        self.entry2.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry3.clock.next = self.clock.val();
        self.entry3.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1036);
        self.entry3.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry3.cfg_data.next = self.cfg_data.val();
        self.entry3.instrument.next = self.s_instrument.val();
        self.entry3.price.next = self.s_price.val();
        self.entry3.qty.next = self.s_qty.val();
        self.entry3.admin_write.next = false;
        self.entry3.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry4.clock.next = self.clock.val();
        self.entry4.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1040);
        self.entry4.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry4.cfg_data.next = self.cfg_data.val();
        self.entry4.instrument.next = self.s_instrument.val();
        self.entry4.price.next = self.s_price.val();
        self.entry4.qty.next = self.s_qty.val();
        self.entry4.admin_write.next = false;
        self.entry4.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry5.clock.next = self.clock.val();
        self.entry5.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1044);
        self.entry5.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry5.cfg_data.next = self.cfg_data.val();
        self.entry5.instrument.next = self.s_instrument.val();
        self.entry5.price.next = self.s_price.val();
        self.entry5.qty.next = self.s_qty.val();
        self.entry5.admin_write.next = false;
        self.entry5.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry6.clock.next = self.clock.val();
        self.entry6.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1048);
        self.entry6.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry6.cfg_data.next = self.cfg_data.val();
        self.entry6.instrument.next = self.s_instrument.val();
        self.entry6.price.next = self.s_price.val();
        self.entry6.qty.next = self.s_qty.val();
        self.entry6.admin_write.next = false;
        self.entry6.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        self.entry7.clock.next = self.clock.val();
        self.entry7.cfg_write.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFFFC) == 1052);
        self.entry7.cfg_field.next = bit_cast::<2, 16>(self.cfg_address.val());
        self.entry7.cfg_data.next = self.cfg_data.val();
        self.entry7.instrument.next = self.s_instrument.val();
        self.entry7.price.next = self.s_price.val();
        self.entry7.qty.next = self.s_qty.val();
        self.entry7.admin_write.next = false;
        self.entry7.admin_data.next = bit_cast::<16, 32>(self.qty.q.val());
        // Configuration: account known bits.
        self.known.write_enable.next =
            self.cfg_valid.val() & ((self.cfg_address.val() & 0xFC00) == 0);
        self.known.write_address.next = bit_cast::<10, 16>(self.cfg_address.val());
        self.known.write_data.next = bit_cast::<3, 32>(self.cfg_data.val());
        if self.cfg_valid.val() & (self.cfg_address.val() == 0x0420) {
            self.accounts_max.d.next = self.cfg_data.val();
        }
        // Nonce table: read at accept, written in Check when the nonce is consumed.
        self.known.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.nonce_lo.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.nonce_hi.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.credit_on.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.credit_limit.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        self.credit_used.read_address.next = bit_cast::<10, 32>(self.s_account.val());
        // Credit: an order's consumption is written back to its account, an admin message's
        // limit to its target.
        self.credit_used.write_address.next = self.account.q.val();
        self.credit_used.write_enable.next = false;
        self.credit_limit.write_address.next = self.target.q.val();
        self.credit_limit.write_data.next = self.qty.q.val() + self.price.q.val();
        self.credit_limit.write_enable.next = false;
        self.credit_on.write_address.next = self.target.q.val();
        self.credit_on.write_data.next = self.price.q.val() != 0xFFFF_FFFF_u64;
        self.credit_on.write_enable.next = false;
        self.cost_lo.next = 0.into();
        self.cost_hi.next = 0.into();
        self.cost.next = 0.into();
        self.cost_overflow.next = false;
        self.available.next = 0.into();
        self.credit_ok.next = true;
        self.verdict.next = REASON_NONE.into();
        self.passed.next = false;
        self.lot_write.next = false;
        self.credit_used.write_data.next = self.credit_used.read_data.val();
        self.nonce_lo.write_address.next = self.account.q.val();
        self.nonce_hi.write_address.next = self.account.q.val();
        self.nonce_lo.write_data.next = bit_cast::<32, 64>(self.nonce.q.val());
        self.nonce_hi.write_data.next = self.nonce.q.val().get_bits::<32>(32);
        self.nonce_lo.write_enable.next = false;
        self.nonce_hi.write_enable.next = false;
        self.last_nonce.next = (bit_cast::<64, 32>(self.nonce_hi.read_data.val()) << 32)
            | bit_cast::<64, 32>(self.nonce_lo.read_data.val());
        self.s_ready.next = false;
        self.m_valid.next = false;
        self.m_reason.next = self.reason.q.val();
        self.m_book.next = 0.into();
        self.m_echo.next = 0.into();
        if !self.reason.q.val().any() {
            if self.is_oracle.q.val() {
                self.m_echo.next = KIND_ORACLE.into();
            } else {
                if self.is_admin.q.val() {
                    self.m_echo.next = KIND_ADMIN.into();
                } else {
                    self.m_book.next = self.book.q.val();
                }
            }
        }
        match self.state.q.val() {
            ValidatorState::Idle => {
                self.s_ready.next = true;
                if self.s_valid.val() {
                    self.state.d.next = ValidatorState::Check;
                    self.account.d.next = bit_cast::<10, 32>(self.s_account.val());
                    self.account_in_range.d.next = self.s_account.val() < 1024;
                    self.signature_ok.d.next = self.s_signature_ok.val();
                    self.nonce.d.next = self.s_nonce.val();
                    self.malformed.d.next = (self.s_version.val() != ABI_VERSION)
                        | self.s_flags.val().any()
                        | self.s_reserved_nonzero.val()
                        | (self.s_type.val() < MSG_NEW_ORDER)
                        | (self.s_type.val() > MSG_ADMIN)
                        | (self.s_side.val() > SIDE_SELL)
                        | (self.s_tif.val() > TIF_POST_ONLY)
                        | (self.s_stp.val() > STP_CANCEL_BOTH)
                        | ((self.s_type.val() == MSG_NEW_ORDER) & self.s_target.val().any())
                        | ((self.s_type.val() == MSG_CANCEL)
                            & (self.s_price.val().any() | self.s_qty.val().any()))
                        | ((self.s_type.val() == MSG_ORACLE)
                            & (self.s_target.val().any() | !self.s_price.val().any()))
                        | ((self.s_type.val() == MSG_ADMIN)
                            & (self.s_target.val() > 0xFFFF_FFFF_u64))
                        | ((self.s_type.val() == MSG_ADMIN)
                            & (self.s_instrument.val() != 0)
                            & !self.s_side.val().any()
                            & (self.s_price.val().any()
                                | self.s_target.val().any()
                                | (self.s_qty.val() > LOT_COST_MAX)));
                    self.unsupported.d.next =
                        (self.s_type.val() == MSG_AMEND) | (self.s_type.val() == MSG_MASS_CANCEL);
                    self.is_new.d.next = self.s_type.val() == MSG_NEW_ORDER;
                    self.is_oracle.d.next = self.s_type.val() == MSG_ORACLE;
                    self.is_admin.d.next = self.s_type.val() == MSG_ADMIN;
                    self.admin_account.d.next = self.s_instrument.val() == 0;
                    self.admin_transfer.d.next = self.s_side.val() == 1;
                    self.target.d.next = bit_cast::<10, 64>(self.s_target.val());
                    self.target_ok.d.next =
                        self.s_target.val() < bit_cast::<64, 32>(self.accounts_max.q.val());
                    self.price.d.next = self.s_price.val();
                    self.qty.d.next = self.s_qty.val();
                    self.qty_lo.d.next = bit_cast::<16, 32>(self.s_qty.val());
                    self.qty_hi.d.next = self.s_qty.val().get_bits::<16>(16);
                    self.lot_cost.d.next = 0.into();
                    self.instrument_found.d.next = false;
                    self.book.d.next = 0.into();
                    self.qty_bad.d.next = false;
                    self.price_bad.d.next = false;
                    if self.entry0.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 0.into();
                        self.lot_cost.d.next = self.entry0.lot_cost.val();
                        self.qty_bad.d.next = !self.entry0.qty_ok.val();
                        self.price_bad.d.next = !self.entry0.price_ok.val();
                    }
                    if self.entry1.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 1.into();
                        self.lot_cost.d.next = self.entry1.lot_cost.val();
                        self.qty_bad.d.next = !self.entry1.qty_ok.val();
                        self.price_bad.d.next = !self.entry1.price_ok.val();
                    }
                    if self.entry2.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 2.into();
                        self.lot_cost.d.next = self.entry2.lot_cost.val();
                        self.qty_bad.d.next = !self.entry2.qty_ok.val();
                        self.price_bad.d.next = !self.entry2.price_ok.val();
                    }
                    if self.entry3.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 3.into();
                        self.lot_cost.d.next = self.entry3.lot_cost.val();
                        self.qty_bad.d.next = !self.entry3.qty_ok.val();
                        self.price_bad.d.next = !self.entry3.price_ok.val();
                    }
                    if self.entry4.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 4.into();
                        self.lot_cost.d.next = self.entry4.lot_cost.val();
                        self.qty_bad.d.next = !self.entry4.qty_ok.val();
                        self.price_bad.d.next = !self.entry4.price_ok.val();
                    }
                    if self.entry5.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 5.into();
                        self.lot_cost.d.next = self.entry5.lot_cost.val();
                        self.qty_bad.d.next = !self.entry5.qty_ok.val();
                        self.price_bad.d.next = !self.entry5.price_ok.val();
                    }
                    if self.entry6.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 6.into();
                        self.lot_cost.d.next = self.entry6.lot_cost.val();
                        self.qty_bad.d.next = !self.entry6.qty_ok.val();
                        self.price_bad.d.next = !self.entry6.price_ok.val();
                    }
                    if self.entry7.hit.val() {
                        self.instrument_found.d.next = true;
                        self.book.d.next = 7.into();
                        self.lot_cost.d.next = self.entry7.lot_cost.val();
                        self.qty_bad.d.next = !self.entry7.qty_ok.val();
                        self.price_bad.d.next = !self.entry7.price_ok.val();
                    }
                }
            }
            ValidatorState::Check => {
                self.state.d.next = ValidatorState::Respond;
                // The order's credit cost and whether its account can pay it (abi §16): qty
                // × lot cost from two 16 × 16 products; the account's credit is `limit −
                // used`, none when that is negative; a zero cost always passes — zero as the
                // exact product, not its low 32 bits (a cost of 2³² is not free).
                self.cost_lo.next = self.qty_lo.q.val() * self.lot_cost.q.val();
                self.cost_hi.next = self.qty_hi.q.val() * self.lot_cost.q.val();
                self.cost.next = (self.cost_hi.val() << 16) + self.cost_lo.val();
                self.cost_overflow.next =
                    (self.cost_hi.val() > 0xFFFF) | (self.cost.val() < self.cost_lo.val());
                self.available.next =
                    self.credit_limit.read_data.val() - self.credit_used.read_data.val();
                self.credit_ok.next = !self.credit_on.read_data.val()
                    | !(self.cost_lo.val().any() | self.cost_hi.val().any())
                    | (!self.cost_overflow.val()
                        & !self.available.val().get_bit(31)
                        & (self.cost.val() <= self.available.val()));
                // The verdict, checks in reverse priority order: the last failing check
                // assigned is the first in the contract's order (abi §8), which decides.
                self.verdict.next = REASON_NONE.into();
                if self.is_new.q.val() & !self.credit_ok.val() {
                    self.verdict.next = REASON_CREDIT_EXCEEDED.into();
                }
                if self.is_new.q.val() & self.price_bad.q.val() {
                    self.verdict.next = REASON_PRICE_OUT_OF_BAND.into();
                }
                if self.is_new.q.val() & self.qty_bad.q.val() {
                    self.verdict.next = REASON_INVALID_QUANTITY.into();
                }
                if self.unsupported.q.val() {
                    self.verdict.next = REASON_UNSUPPORTED_MESSAGE.into();
                }
                if !self.instrument_found.q.val()
                    & !self.is_oracle.q.val()
                    & !(self.is_admin.q.val() & self.admin_account.q.val())
                {
                    self.verdict.next = REASON_UNKNOWN_INSTRUMENT.into();
                }
                if self.is_admin.q.val()
                    & (self.admin_account.q.val() | self.admin_transfer.q.val())
                    & !self.target_ok.q.val()
                {
                    self.verdict.next = REASON_MALFORMED.into();
                }
                if self.is_admin.q.val() & !self.known.read_data.val().get_bit(2) {
                    self.verdict.next = REASON_NOT_ADMIN.into();
                }
                if self.is_oracle.q.val() & !self.known.read_data.val().get_bit(1) {
                    self.verdict.next = REASON_NOT_ORACLE.into();
                }
                if self.malformed.q.val() {
                    self.verdict.next = REASON_MALFORMED.into();
                }
                if self.nonce.q.val() < self.last_nonce.val() {
                    self.verdict.next = REASON_STALE_NONCE.into();
                }
                if self.nonce.q.val() == self.last_nonce.val() {
                    self.verdict.next = REASON_DUPLICATE_NONCE.into();
                }
                if !self.signature_ok.q.val() {
                    self.verdict.next = REASON_BAD_SIGNATURE.into();
                }
                if !self.account_in_range.q.val() | !self.known.read_data.val().get_bit(0) {
                    self.verdict.next = REASON_UNKNOWN_ACCOUNT.into();
                }
                self.reason.d.next = self.verdict.val();
                // Effects: the nonce is consumed once the nonce check passed; a passing order
                // consumes its credit; a passing admin message sets a credit or a lot cost.
                self.passed.next = !self.verdict.val().any();
                // Reasons from `malformed` on come after the nonce check (abi §8).
                self.nonce_lo.write_enable.next =
                    self.passed.val() | (self.verdict.val() >= REASON_MALFORMED);
                self.nonce_hi.write_enable.next =
                    self.passed.val() | (self.verdict.val() >= REASON_MALFORMED);
                self.credit_used.write_data.next =
                    self.credit_used.read_data.val() + self.cost.val();
                self.credit_used.write_enable.next = self.passed.val() & self.is_new.q.val();
                self.credit_limit.write_enable.next = self.passed.val()
                    & self.is_admin.q.val()
                    & self.admin_account.q.val()
                    & !self.admin_transfer.q.val();
                self.credit_on.write_enable.next = self.passed.val()
                    & self.is_admin.q.val()
                    & self.admin_account.q.val()
                    & !self.admin_transfer.q.val();
                self.lot_write.next = self.passed.val()
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
                if self.m_ready.val() {
                    self.state.d.next = ValidatorState::Idle;
                }
            }
        }
    }
}

/// The Verilog of a Validator as a top module.
pub fn verilog() -> String {
    let mut uut = Validator::default();
    uut.connect_all();
    crate::consts::declare(&generate_verilog(&uut))
}
