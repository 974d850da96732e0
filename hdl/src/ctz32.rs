//! Count trailing zeros of a 32-bit word: the index of its lowest set bit. Combinational,
//! five levels of 2:1 muxes (a binary search), which is what the priority encoders of the
//! book bitmaps are built from.
//!
//! Ports: `word` (32 bits, in); `found` (out: any bit set); `index` (5 bits, out: lowest set
//! bit; 31 when `word` is zero, so check `found`).

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Ctz32 {
    pub word: Signal<In, Bits<32>>,
    pub found: Signal<Out, Bit>,
    pub index: Signal<Out, Bits<5>>,
    rest: Signal<Local, Bits<32>>,
}

impl Logic for Ctz32 {
    #[hdl_gen]
    fn update(&mut self) {
        self.found.next = self.word.val().any();
        self.index.next = 0.into();
        self.rest.next = self.word.val();
        if !(self.rest.val() & 0xFFFF).any() {
            self.index.next = self.index.val() | 16;
            self.rest.next = self.rest.val() >> 16;
        }
        if !(self.rest.val() & 0xFF).any() {
            self.index.next = self.index.val() | 8;
            self.rest.next = self.rest.val() >> 8;
        }
        if !(self.rest.val() & 0xF).any() {
            self.index.next = self.index.val() | 4;
            self.rest.next = self.rest.val() >> 4;
        }
        if !(self.rest.val() & 0x3).any() {
            self.index.next = self.index.val() | 2;
            self.rest.next = self.rest.val() >> 2;
        }
        if !(self.rest.val() & 0x1).any() {
            self.index.next = self.index.val() | 1;
        }
    }
}
