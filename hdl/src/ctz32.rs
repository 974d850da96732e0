//! Count trailing zeros of a 32-bit word: the index of its lowest set bit. Combinational and
//! shallow: each nibble's "any" and 2-bit lowest index in parallel (one LUT4 level each), the
//! lowest non-empty nibble of eight (a priority over 8 flags, two levels), and its 2-bit
//! index chosen by that (an 8:1 mux, two levels) — about four LUT4 levels where a binary
//! search (five dependent 16-bit tests and shifts) takes ten or more. The book bitmaps'
//! priority encoders are built from it.
//!
//! Ports: `word` (32 bits, in); `found` (out: any bit set); `index` (5 bits, out: lowest set
//! bit; 31 when `word` is zero, so check `found`).
//!
//! Model: `u32::trailing_zeros` (31 for zero); `sim/tests/priority_bitmap.rs` checks every
//! single-bit word, every nibble pattern in every position and random words.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Ctz32 {
    pub word: Signal<In, Bits<32>>,
    pub found: Signal<Out, Bit>,
    pub index: Signal<Out, Bits<5>>,
    /// Per nibble: any bit set (bit n for nibble n).
    any: Signal<Local, Bits<8>>,
    /// Per nibble: the lowest set bit's index in it (2 bits each, nibble n at bits 2n).
    low: Signal<Local, Bits<16>>,
    nibble: Signal<Local, Bits<3>>,
}

impl Logic for Ctz32 {
    #[hdl_gen]
    fn update(&mut self) {
        self.found.next = self.word.val().any();
        self.any.next = 0.into();
        self.low.next = 0.into();
        if (self.word.val() & bits::<32>(0xF)).any() {
            self.any.next = self.any.val() | 1;
        }
        if !self.word.val().get_bit(0) & (self.word.val().get_bit(1) | !self.word.val().get_bit(2))
        {
            self.low.next = self.low.val() | 1;
        }
        if !self.word.val().get_bit(0) & !self.word.val().get_bit(1) {
            self.low.next = self.low.val() | 2;
        }
        if (self.word.val() & bits::<32>(0xF << 4)).any() {
            self.any.next = self.any.val() | 2;
        }
        if !self.word.val().get_bit(4) & (self.word.val().get_bit(5) | !self.word.val().get_bit(6))
        {
            self.low.next = self.low.val() | 4;
        }
        if !self.word.val().get_bit(4) & !self.word.val().get_bit(5) {
            self.low.next = self.low.val() | 8;
        }
        if (self.word.val() & bits::<32>(0xF << 8)).any() {
            self.any.next = self.any.val() | 4;
        }
        if !self.word.val().get_bit(8) & (self.word.val().get_bit(9) | !self.word.val().get_bit(10))
        {
            self.low.next = self.low.val() | 16;
        }
        if !self.word.val().get_bit(8) & !self.word.val().get_bit(9) {
            self.low.next = self.low.val() | 32;
        }
        if (self.word.val() & bits::<32>(0xF << 12)).any() {
            self.any.next = self.any.val() | 8;
        }
        if !self.word.val().get_bit(12)
            & (self.word.val().get_bit(13) | !self.word.val().get_bit(14))
        {
            self.low.next = self.low.val() | 64;
        }
        if !self.word.val().get_bit(12) & !self.word.val().get_bit(13) {
            self.low.next = self.low.val() | 128;
        }
        if (self.word.val() & bits::<32>(0xF << 16)).any() {
            self.any.next = self.any.val() | 16;
        }
        if !self.word.val().get_bit(16)
            & (self.word.val().get_bit(17) | !self.word.val().get_bit(18))
        {
            self.low.next = self.low.val() | 256;
        }
        if !self.word.val().get_bit(16) & !self.word.val().get_bit(17) {
            self.low.next = self.low.val() | 512;
        }
        if (self.word.val() & bits::<32>(0xF << 20)).any() {
            self.any.next = self.any.val() | 32;
        }
        if !self.word.val().get_bit(20)
            & (self.word.val().get_bit(21) | !self.word.val().get_bit(22))
        {
            self.low.next = self.low.val() | 1024;
        }
        if !self.word.val().get_bit(20) & !self.word.val().get_bit(21) {
            self.low.next = self.low.val() | 2048;
        }
        if (self.word.val() & bits::<32>(0xF << 24)).any() {
            self.any.next = self.any.val() | 64;
        }
        if !self.word.val().get_bit(24)
            & (self.word.val().get_bit(25) | !self.word.val().get_bit(26))
        {
            self.low.next = self.low.val() | 4096;
        }
        if !self.word.val().get_bit(24) & !self.word.val().get_bit(25) {
            self.low.next = self.low.val() | 8192;
        }
        if (self.word.val() & bits::<32>(0xF << 28)).any() {
            self.any.next = self.any.val() | 128;
        }
        if !self.word.val().get_bit(28)
            & (self.word.val().get_bit(29) | !self.word.val().get_bit(30))
        {
            self.low.next = self.low.val() | 16384;
        }
        if !self.word.val().get_bit(28) & !self.word.val().get_bit(29) {
            self.low.next = self.low.val() | 32768;
        }
        // The lowest non-empty nibble (7 when none: then the index is 31, as documented).
        self.nibble.next = 7.into();
        if self.any.val().get_bit(6) {
            self.nibble.next = 6.into();
        }
        if self.any.val().get_bit(5) {
            self.nibble.next = 5.into();
        }
        if self.any.val().get_bit(4) {
            self.nibble.next = 4.into();
        }
        if self.any.val().get_bit(3) {
            self.nibble.next = 3.into();
        }
        if self.any.val().get_bit(2) {
            self.nibble.next = 2.into();
        }
        if self.any.val().get_bit(1) {
            self.nibble.next = 1.into();
        }
        if self.any.val().get_bit(0) {
            self.nibble.next = 0.into();
        }
        self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(14)) | 28;
        if self.nibble.val() == 6 {
            self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(12)) | 24;
        }
        if self.nibble.val() == 5 {
            self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(10)) | 20;
        }
        if self.nibble.val() == 4 {
            self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(8)) | 16;
        }
        if self.nibble.val() == 3 {
            self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(6)) | 12;
        }
        if self.nibble.val() == 2 {
            self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(4)) | 8;
        }
        if self.nibble.val() == 1 {
            self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(2)) | 4;
        }
        if self.nibble.val() == 0 {
            self.index.next = bit_cast::<5, 2>(self.low.val().get_bits::<2>(0));
        }
        if !self.found.val() {
            self.index.next = 31.into();
        }
    }
}
