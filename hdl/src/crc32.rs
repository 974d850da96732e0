//! CRC-32/ISO-HDLC (the zlib / `crc32fast` CRC of the record framing, abi §13), one byte per
//! cycle: the checksum of the host link's records, computed and checked on the card.
//!
//! Ports: `clock`; `s_valid`, `s_first`, `s_data` (8): bytes, `s_first` with a record's
//! first byte (the CRC restarts); `crc` (32): the CRC of the bytes since the last `s_first`,
//! from the cycle after the last of them was taken (final XOR applied). Latency 1 cycle,
//! 1 byte per cycle, no backpressure (the CRC is never busy). The reflected polynomial
//! 0xEDB88320 is applied a bit at a time in 8 unrolled steps (a 32-bit XOR per step: 8
//! levels of logic, far inside a UART-rate budget; a wider link would use a table per byte).

use rust_hdl::prelude::*;

/// The reflected CRC-32 polynomial.
pub const POLY: u32 = 0xEDB8_8320;

#[derive(LogicBlock, Default)]
pub struct Crc32 {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_first: Signal<In, Bit>,
    pub s_data: Signal<In, Bits<8>>,
    pub crc: Signal<Out, Bits<32>>,
    /// The running register, inverted (reset 0 = the initial all-ones).
    state: DFF<Bits<32>>,
    step0: Signal<Local, Bits<32>>,
    step1: Signal<Local, Bits<32>>,
    step2: Signal<Local, Bits<32>>,
    step3: Signal<Local, Bits<32>>,
    step4: Signal<Local, Bits<32>>,
    step5: Signal<Local, Bits<32>>,
    step6: Signal<Local, Bits<32>>,
    step7: Signal<Local, Bits<32>>,
    step8: Signal<Local, Bits<32>>,
}

impl Logic for Crc32 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state);
        self.crc.next = self.state.q.val();
        // The register (un-inverted), or all ones for a record's first byte, with the byte in.
        self.step0.next = !self.state.q.val() ^ bit_cast::<32, 8>(self.s_data.val());
        if self.s_first.val() {
            self.step0.next = bits::<32>(0xFFFF_FFFF_u64) ^ bit_cast::<32, 8>(self.s_data.val());
        }
        self.step1.next = self.step0.val() >> 1;
        if self.step0.val().get_bit(0) {
            self.step1.next = (self.step0.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        self.step2.next = self.step1.val() >> 1;
        if self.step1.val().get_bit(0) {
            self.step2.next = (self.step1.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        self.step3.next = self.step2.val() >> 1;
        if self.step2.val().get_bit(0) {
            self.step3.next = (self.step2.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        self.step4.next = self.step3.val() >> 1;
        if self.step3.val().get_bit(0) {
            self.step4.next = (self.step3.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        self.step5.next = self.step4.val() >> 1;
        if self.step4.val().get_bit(0) {
            self.step5.next = (self.step4.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        self.step6.next = self.step5.val() >> 1;
        if self.step5.val().get_bit(0) {
            self.step6.next = (self.step5.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        self.step7.next = self.step6.val() >> 1;
        if self.step6.val().get_bit(0) {
            self.step7.next = (self.step6.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        self.step8.next = self.step7.val() >> 1;
        if self.step7.val().get_bit(0) {
            self.step8.next = (self.step7.val() >> 1) ^ bits::<32>(0xEDB8_8320_u64);
        }
        if self.s_valid.val() {
            self.state.d.next = !self.step8.val();
        }
    }
}

/// The pure-Rust model: the CRC of `bytes`, bit by bit as the block does it.
pub fn model(bytes: &[u8]) -> u32 {
    let mut c = u32::MAX;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 { (c >> 1) ^ POLY } else { c >> 1 };
        }
    }
    !c
}

/// The Verilog of a Crc32 as a top module.
pub fn verilog() -> String {
    let mut uut = Crc32::default();
    uut.connect_all();
    generate_verilog(&uut)
}
