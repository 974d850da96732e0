//! Event serializer: the sequencer's output end. Gives each event its sequence number
//! (1, 2, 3, … gap-free, docs/abi.md §9) and writes it as the 64-byte record of abi §5 in
//! one beat of 16 little-endian 32-bit lanes (lane k = bytes 4k..4k+4) on a valid/ready
//! stream — a 512-bit DMA write per event.
//!
//! Ports: `clock`; `s_valid`, `s_ready` and the event fields without its sequence number:
//! `s_stamp_ns` (64), `s_kind`, `s_reason`, `s_side` (8 each), `s_instrument` (16),
//! `s_account`, `s_price`, `s_qty`, `s_remaining`, `s_maker_account`, `s_maker_remaining`
//! (32 each), `s_order_id`, `s_ref` (64 each: client reference, or the maker's order id for a
//! fill); `m_valid`, `m_ready`, `m_data0` … `m_data15` (32 each).
//!
//! Throughput one event per cycle: an event taken at a clock edge is presented from the next
//! cycle, and the next is taken in the cycle the present one leaves (`s_ready = !m_valid |
//! m_ready`).

use rust_hdl::prelude::*;

/// 32-bit lanes per beat: one event record per beat.
pub const LANES: usize = abi::EVENT_BYTES / 4;

#[derive(LogicBlock, Default)]
pub struct EventSerializer {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_stamp_ns: Signal<In, Bits<64>>,
    pub s_kind: Signal<In, Bits<8>>,
    pub s_reason: Signal<In, Bits<8>>,
    pub s_side: Signal<In, Bits<8>>,
    pub s_instrument: Signal<In, Bits<16>>,
    pub s_account: Signal<In, Bits<32>>,
    pub s_price: Signal<In, Bits<32>>,
    pub s_order_id: Signal<In, Bits<64>>,
    pub s_qty: Signal<In, Bits<32>>,
    pub s_remaining: Signal<In, Bits<32>>,
    pub s_ref: Signal<In, Bits<64>>,
    pub s_maker_account: Signal<In, Bits<32>>,
    pub s_maker_remaining: Signal<In, Bits<32>>,
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
    /// The record being presented, as 16 lanes.
    w0: DFF<Bits<32>>,
    w1: DFF<Bits<32>>,
    w2: DFF<Bits<32>>,
    w3: DFF<Bits<32>>,
    w4: DFF<Bits<32>>,
    w5: DFF<Bits<32>>,
    w6: DFF<Bits<32>>,
    w7: DFF<Bits<32>>,
    w8: DFF<Bits<32>>,
    w9: DFF<Bits<32>>,
    w10: DFF<Bits<32>>,
    w11: DFF<Bits<32>>,
    w12: DFF<Bits<32>>,
    w13: DFF<Bits<32>>,
    w14: DFF<Bits<32>>,
    w15: DFF<Bits<32>>,
    /// A record is being presented.
    busy: DFF<Bit>,
    /// Sequence number of the last event taken (0 before the first), in 32-bit halves.
    seq_lo: DFF<Bits<32>>,
    seq_hi: DFF<Bits<32>>,
    seq_next_lo: Signal<Local, Bits<32>>,
    seq_next_hi: Signal<Local, Bits<32>>,
}

crate::inputs!(EventSerializer: clock, s_valid, s_stamp_ns, s_kind, s_reason, s_side, s_instrument, s_account, s_price, s_order_id, s_qty, s_remaining, s_ref, s_maker_account, s_maker_remaining, m_ready);

impl Logic for EventSerializer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, busy, seq_lo, seq_hi, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11,
            w12, w13, w14, w15
        );
        self.seq_next_lo.next = self.seq_lo.q.val() + 1;
        self.seq_next_hi.next = self.seq_hi.q.val();
        if self.seq_lo.q.val().all() {
            self.seq_next_hi.next = self.seq_hi.q.val() + 1;
        }
        self.m_valid.next = self.busy.q.val();
        self.m_data0.next = self.w0.q.val();
        self.m_data1.next = self.w1.q.val();
        self.m_data2.next = self.w2.q.val();
        self.m_data3.next = self.w3.q.val();
        self.m_data4.next = self.w4.q.val();
        self.m_data5.next = self.w5.q.val();
        self.m_data6.next = self.w6.q.val();
        self.m_data7.next = self.w7.q.val();
        self.m_data8.next = self.w8.q.val();
        self.m_data9.next = self.w9.q.val();
        self.m_data10.next = self.w10.q.val();
        self.m_data11.next = self.w11.q.val();
        self.m_data12.next = self.w12.q.val();
        self.m_data13.next = self.w13.q.val();
        self.m_data14.next = self.w14.q.val();
        self.m_data15.next = self.w15.q.val();
        self.s_ready.next = !self.busy.q.val() | self.m_ready.val();
        if self.busy.q.val() & self.m_ready.val() {
            self.busy.d.next = false;
        }
        if self.s_valid.val() & (!self.busy.q.val() | self.m_ready.val()) {
            self.busy.d.next = true;
            self.seq_lo.d.next = self.seq_next_lo.val();
            self.seq_hi.d.next = self.seq_next_hi.val();
            self.w0.d.next = self.seq_next_lo.val();
            self.w1.d.next = self.seq_next_hi.val();
            self.w2.d.next = bit_cast::<32, _>(self.s_stamp_ns.val());
            self.w3.d.next = self.s_stamp_ns.val().get_bits::<32>(32);
            self.w4.d.next = bit_cast::<32, 8>(self.s_kind.val())
                | (bit_cast::<32, 8>(self.s_reason.val()) << 8)
                | (bit_cast::<32, 8>(self.s_side.val()) << 16);
            self.w5.d.next = bit_cast::<32, 16>(self.s_instrument.val());
            self.w6.d.next = self.s_account.val();
            self.w7.d.next = self.s_price.val();
            self.w8.d.next = bit_cast::<32, _>(self.s_order_id.val());
            self.w9.d.next = self.s_order_id.val().get_bits::<32>(32);
            self.w10.d.next = self.s_qty.val();
            self.w11.d.next = self.s_remaining.val();
            self.w12.d.next = bit_cast::<32, _>(self.s_ref.val());
            self.w13.d.next = self.s_ref.val().get_bits::<32>(32);
            self.w14.d.next = self.s_maker_account.val();
            self.w15.d.next = self.s_maker_remaining.val();
        }
    }
}

/// The Verilog of an EventSerializer as a top module.
pub fn verilog() -> String {
    let mut uut = EventSerializer::default();
    uut.connect_all();
    generate_verilog(&uut)
}
