//! Event serializer: the sequencer's output end. Gives each event its sequence number
//! (1, 2, 3, … gap-free, docs/abi.md §9) and writes it as the 64-byte record of abi §5, as 16
//! little-endian 32-bit words (word k = bytes 4k..4k+4) on a valid/ready stream with `m_last`
//! on the 16th word — the layout a PCIe ring slot or a network frame carries.
//!
//! Ports: `clock`; `s_valid`, `s_ready` and the event fields without its sequence number:
//! `s_stamp_ns` (64), `s_kind`, `s_reason`, `s_side` (8 each), `s_instrument` (16),
//! `s_account`, `s_price`, `s_qty`, `s_remaining`, `s_maker_account`, `s_maker_remaining`
//! (32 each), `s_order_id`, `s_ref` (64 each: client reference, or the maker's order id for a
//! fill); `m_valid`, `m_ready`, `m_data` (32), `m_last`.
//!
//! Throughput one word per cycle, 16 cycles per event with no gap between events; an event
//! is taken (`s_ready`) when its first word is sent.

use rust_hdl::prelude::*;

/// Words per event record.
pub const WORDS: usize = abi::EVENT_BYTES / 4;

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
    pub m_data: Signal<Out, Bits<32>>,
    pub m_last: Signal<Out, Bit>,
    /// The record being sent, as 16 words.
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
    /// Next word to send (0..16); `busy` while a record is being sent.
    index: DFF<Bits<4>>,
    busy: DFF<Bit>,
    /// Sequence number of the last event taken (0 before the first).
    seq: DFF<Bits<64>>,
    seq_next: Signal<Local, Bits<64>>,
}

impl Logic for EventSerializer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, index, busy, seq, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12,
            w13, w14, w15
        );
        self.seq_next.next = self.seq.q.val() + 1;
        self.m_valid.next = self.busy.q.val();
        self.m_last.next = self.index.q.val() == 15;
        self.m_data.next = self.w0.q.val();
        if self.index.q.val() == 1 {
            self.m_data.next = self.w1.q.val();
        }
        if self.index.q.val() == 2 {
            self.m_data.next = self.w2.q.val();
        }
        if self.index.q.val() == 3 {
            self.m_data.next = self.w3.q.val();
        }
        if self.index.q.val() == 4 {
            self.m_data.next = self.w4.q.val();
        }
        if self.index.q.val() == 5 {
            self.m_data.next = self.w5.q.val();
        }
        if self.index.q.val() == 6 {
            self.m_data.next = self.w6.q.val();
        }
        if self.index.q.val() == 7 {
            self.m_data.next = self.w7.q.val();
        }
        if self.index.q.val() == 8 {
            self.m_data.next = self.w8.q.val();
        }
        if self.index.q.val() == 9 {
            self.m_data.next = self.w9.q.val();
        }
        if self.index.q.val() == 10 {
            self.m_data.next = self.w10.q.val();
        }
        if self.index.q.val() == 11 {
            self.m_data.next = self.w11.q.val();
        }
        if self.index.q.val() == 12 {
            self.m_data.next = self.w12.q.val();
        }
        if self.index.q.val() == 13 {
            self.m_data.next = self.w13.q.val();
        }
        if self.index.q.val() == 14 {
            self.m_data.next = self.w14.q.val();
        }
        if self.index.q.val() == 15 {
            self.m_data.next = self.w15.q.val();
        }
        // Take the next event when idle, or as the last word of the current one leaves.
        self.s_ready.next = !self.busy.q.val() | ((self.index.q.val() == 15) & self.m_ready.val());
        if self.busy.q.val() & self.m_ready.val() {
            self.index.d.next = self.index.q.val() + 1;
            if self.index.q.val() == 15 {
                self.busy.d.next = false;
            }
        }
        if self.s_valid.val()
            & (!self.busy.q.val() | ((self.index.q.val() == 15) & self.m_ready.val()))
        {
            self.busy.d.next = true;
            self.index.d.next = 0.into();
            self.seq.d.next = self.seq_next.val();
            self.w0.d.next = self.seq_next.val().get_bits::<32>(0);
            self.w1.d.next = self.seq_next.val().get_bits::<32>(32);
            self.w2.d.next = self.s_stamp_ns.val().get_bits::<32>(0);
            self.w3.d.next = self.s_stamp_ns.val().get_bits::<32>(32);
            self.w4.d.next = bit_cast::<32, 8>(self.s_kind.val())
                | (bit_cast::<32, 8>(self.s_reason.val()) << 8)
                | (bit_cast::<32, 8>(self.s_side.val()) << 16);
            self.w5.d.next = bit_cast::<32, 16>(self.s_instrument.val());
            self.w6.d.next = self.s_account.val();
            self.w7.d.next = self.s_price.val();
            self.w8.d.next = self.s_order_id.val().get_bits::<32>(0);
            self.w9.d.next = self.s_order_id.val().get_bits::<32>(32);
            self.w10.d.next = self.s_qty.val();
            self.w11.d.next = self.s_remaining.val();
            self.w12.d.next = self.s_ref.val().get_bits::<32>(0);
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
