//! Ingress deserializer: an order-entry message arrives as 32 little-endian 32-bit words
//! (the 128-byte layout of docs/abi.md §1, word k = bytes 4k..4k+4, as a PCIe ring slot
//! delivers it) and leaves as parsed fields for the sequencer. The signature words (16–31)
//! are consumed but not output: the signature engines take the raw words.
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_data` (32 bits) — words in order, exactly 32 per
//! message (ring slots are fixed-size); `m_valid`, `m_ready` and the fields: `m_version`,
//! `m_type`, `m_side`, `m_tif`, `m_stp`, `m_flags` (8 bits each), `m_instrument` (16),
//! `m_account`, `m_price`, `m_qty` (32), `m_nonce`, `m_client_ref`, `m_target` (64),
//! `m_reserved_nonzero` (any reserved byte of 28..32 or 48..64 non-zero).
//!
//! Throughput 1 word per cycle with no gap between messages; a message's fields are valid
//! from the cycle after its last word until taken, and words stall only while a finished
//! message waits (`s_ready = !m_valid | m_ready`).

use rust_hdl::prelude::*;

/// Words per message.
pub const WORDS: usize = abi::ORDER_MESSAGE_BYTES / 4;

#[derive(LogicBlock, Default)]
pub struct Deserializer {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_data: Signal<In, Bits<32>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_version: Signal<Out, Bits<8>>,
    pub m_type: Signal<Out, Bits<8>>,
    pub m_side: Signal<Out, Bits<8>>,
    pub m_tif: Signal<Out, Bits<8>>,
    pub m_stp: Signal<Out, Bits<8>>,
    pub m_flags: Signal<Out, Bits<8>>,
    pub m_instrument: Signal<Out, Bits<16>>,
    pub m_account: Signal<Out, Bits<32>>,
    pub m_price: Signal<Out, Bits<32>>,
    pub m_qty: Signal<Out, Bits<32>>,
    pub m_nonce: Signal<Out, Bits<64>>,
    pub m_client_ref: Signal<Out, Bits<64>>,
    pub m_target: Signal<Out, Bits<64>>,
    pub m_reserved_nonzero: Signal<Out, Bit>,
    count: DFF<Bits<5>>,
    done: DFF<Bit>,
    version: DFF<Bits<8>>,
    message_type: DFF<Bits<8>>,
    side: DFF<Bits<8>>,
    tif: DFF<Bits<8>>,
    stp: DFF<Bits<8>>,
    flags: DFF<Bits<8>>,
    instrument: DFF<Bits<16>>,
    account: DFF<Bits<32>>,
    price: DFF<Bits<32>>,
    qty: DFF<Bits<32>>,
    nonce_lo: DFF<Bits<32>>,
    nonce_hi: DFF<Bits<32>>,
    client_ref_lo: DFF<Bits<32>>,
    client_ref_hi: DFF<Bits<32>>,
    target_lo: DFF<Bits<32>>,
    target_hi: DFF<Bits<32>>,
    reserved_nonzero: DFF<Bit>,
}

impl Logic for Deserializer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            count,
            done,
            version,
            message_type,
            side,
            tif,
            stp,
            flags,
            instrument,
            account,
            price,
            qty,
            nonce_lo,
            nonce_hi,
            client_ref_lo,
            client_ref_hi,
            target_lo,
            target_hi,
            reserved_nonzero
        );
        self.m_valid.next = self.done.q.val();
        self.s_ready.next = !self.done.q.val() | self.m_ready.val();
        self.m_version.next = self.version.q.val();
        self.m_type.next = self.message_type.q.val();
        self.m_side.next = self.side.q.val();
        self.m_tif.next = self.tif.q.val();
        self.m_stp.next = self.stp.q.val();
        self.m_flags.next = self.flags.q.val();
        self.m_instrument.next = self.instrument.q.val();
        self.m_account.next = self.account.q.val();
        self.m_price.next = self.price.q.val();
        self.m_qty.next = self.qty.q.val();
        self.m_nonce.next = (bit_cast::<64, 32>(self.nonce_hi.q.val()) << 32)
            | bit_cast::<64, 32>(self.nonce_lo.q.val());
        self.m_client_ref.next = (bit_cast::<64, 32>(self.client_ref_hi.q.val()) << 32)
            | bit_cast::<64, 32>(self.client_ref_lo.q.val());
        self.m_target.next = (bit_cast::<64, 32>(self.target_hi.q.val()) << 32)
            | bit_cast::<64, 32>(self.target_lo.q.val());
        self.m_reserved_nonzero.next = self.reserved_nonzero.q.val();
        if self.done.q.val() & self.m_ready.val() {
            self.done.d.next = false;
        }
        if self.s_valid.val() & (!self.done.q.val() | self.m_ready.val()) {
            self.count.d.next = self.count.q.val() + 1;
            if self.count.q.val() == 0 {
                self.version.d.next = self.s_data.val().get_bits::<8>(0);
                self.message_type.d.next = self.s_data.val().get_bits::<8>(8);
                self.side.d.next = self.s_data.val().get_bits::<8>(16);
                self.tif.d.next = self.s_data.val().get_bits::<8>(24);
                self.reserved_nonzero.d.next = false;
            }
            if self.count.q.val() == 1 {
                self.stp.d.next = self.s_data.val().get_bits::<8>(0);
                self.flags.d.next = self.s_data.val().get_bits::<8>(8);
                self.instrument.d.next = self.s_data.val().get_bits::<16>(16);
            }
            if self.count.q.val() == 2 {
                self.account.d.next = self.s_data.val();
            }
            if self.count.q.val() == 3 {
                self.price.d.next = self.s_data.val();
            }
            if self.count.q.val() == 4 {
                self.nonce_lo.d.next = self.s_data.val();
            }
            if self.count.q.val() == 5 {
                self.nonce_hi.d.next = self.s_data.val();
            }
            if self.count.q.val() == 6 {
                self.qty.d.next = self.s_data.val();
            }
            if self.count.q.val() == 8 {
                self.client_ref_lo.d.next = self.s_data.val();
            }
            if self.count.q.val() == 9 {
                self.client_ref_hi.d.next = self.s_data.val();
            }
            if self.count.q.val() == 10 {
                self.target_lo.d.next = self.s_data.val();
            }
            if self.count.q.val() == 11 {
                self.target_hi.d.next = self.s_data.val();
            }
            if ((self.count.q.val() == 7)
                | ((self.count.q.val() >= 12) & (self.count.q.val() < 16)))
                & self.s_data.val().any()
            {
                self.reserved_nonzero.d.next = true;
            }
            if self.count.q.val() == 31 {
                self.done.d.next = true;
            }
        }
    }
}

/// The Verilog of a Deserializer as a top module.
pub fn verilog() -> String {
    let mut uut = Deserializer::default();
    uut.connect_all();
    generate_verilog(&uut)
}
