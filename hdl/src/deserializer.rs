//! Ingress deserializer: an order-entry message arrives as 4 beats of 8 little-endian 32-bit
//! lanes — a 256-bit stream, as a PCIe DMA engine delivers a 128-byte ring slot (docs/abi.md
//! §1: beat b, lane l carries bytes 32b + 4l .. 32b + 4l + 4) — and leaves as parsed fields
//! for the sequencer. Beats 2 and 3 (the signature) are consumed but not output: the
//! signature engines take the raw beats.
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_data0` … `s_data7` (32 bits each) — beats in
//! order, exactly 4 per message (ring slots are fixed-size); `m_valid`, `m_ready` and the
//! fields: `m_version`, `m_type`, `m_side`, `m_tif`, `m_stp`, `m_flags` (8 bits each),
//! `m_instrument` (16), `m_account`, `m_price`, `m_qty` (32), `m_nonce`, `m_client_ref`,
//! `m_target` (64), `m_reserved_nonzero` (any reserved byte of 28..32 or 48..64 non-zero).
//!
//! Throughput 1 beat per cycle with no gap between messages (4 cycles per message); a
//! message's fields are valid from the cycle after its last beat until taken, and beats stall
//! only while a finished message waits (`s_ready = !m_valid | m_ready`).

use rust_hdl::prelude::*;

/// 32-bit lanes per beat (a 256-bit stream).
pub const LANES: usize = 8;
/// Beats per message.
pub const BEATS: usize = abi::ORDER_MESSAGE_BYTES / (4 * LANES);

#[derive(LogicBlock, Default)]
pub struct Deserializer {
    pub clock: Signal<In, Clock>,
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
    beat: DFF<Bits<2>>,
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

crate::inputs!(Deserializer: clock, s_valid, s_data0, s_data1, s_data2, s_data3, s_data4, s_data5, s_data6, s_data7, m_ready);

impl Logic for Deserializer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            beat,
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
            self.beat.d.next = self.beat.q.val() + 1;
            if self.beat.q.val() == 0 {
                self.version.d.next = bit_cast::<8, _>(self.s_data0.val());
                self.message_type.d.next = self.s_data0.val().get_bits::<8>(8);
                self.side.d.next = self.s_data0.val().get_bits::<8>(16);
                self.tif.d.next = self.s_data0.val().get_bits::<8>(24);
                self.stp.d.next = bit_cast::<8, _>(self.s_data1.val());
                self.flags.d.next = self.s_data1.val().get_bits::<8>(8);
                self.instrument.d.next = self.s_data1.val().get_bits::<16>(16);
                self.account.d.next = self.s_data2.val();
                self.price.d.next = self.s_data3.val();
                self.nonce_lo.d.next = self.s_data4.val();
                self.nonce_hi.d.next = self.s_data5.val();
                self.qty.d.next = self.s_data6.val();
                // Bytes 28..32.
                self.reserved_nonzero.d.next = self.s_data7.val().any();
            }
            if self.beat.q.val() == 1 {
                self.client_ref_lo.d.next = self.s_data0.val();
                self.client_ref_hi.d.next = self.s_data1.val();
                self.target_lo.d.next = self.s_data2.val();
                self.target_hi.d.next = self.s_data3.val();
                // Bytes 48..64.
                if self.s_data4.val().any()
                    | self.s_data5.val().any()
                    | self.s_data6.val().any()
                    | self.s_data7.val().any()
                {
                    self.reserved_nonzero.d.next = true;
                }
            }
            if self.beat.q.val() == 3 {
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
