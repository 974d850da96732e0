//! UART transmitter and receiver (8 data bits, no parity, 1 stop bit, LSB first): the host
//! link of a dev board without PCIe (a ULX3S's USB-UART), below the record framing.
//!
//! Both take the bit period as a static input, `divisor` (16 bits): clock cycles per bit,
//! ≥ 4 (e.g. a 50 MHz clock at 3 Mbaud: 16.67 → 17, 2% fast; a UART tolerates ~±4%).
//!
//! [`UartTx`] ports: `clock`; `s_valid`, `s_ready`, `s_data` (8): bytes to send; `divisor`;
//! `tx`: the line (idle high). A byte taken at an edge goes out from the next cycle: start
//! bit (low), 8 data bits, stop bit (high), each exactly `divisor` cycles; `s_ready` is high
//! in the stop bit's last cycle, so bytes offered back to back leave without a gap:
//! 10 · `divisor` cycles per byte. Latency 1 cycle to the start bit.
//!
//! [`UartRx`] ports: `clock`; `rx`: the line (asynchronous: two synchronizer flip-flops);
//! `divisor`; `m_valid`, `m_ready`, `m_data` (8): bytes received, held until taken;
//! `m_overrun`: high for one cycle when a byte completes while the previous one is still
//! held (the new byte is dropped — the line cannot be paused); `m_frame_error`: high for
//! one cycle when a stop bit is low (the byte is dropped). A falling edge while idle starts a
//! byte; the start bit is checked at its middle (a pulse shorter than half a bit is ignored),
//! then each bit is sampled once per `divisor` cycles at its middle.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct UartTx {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_data: Signal<In, Bits<8>>,
    pub divisor: Signal<In, Bits<16>>,
    pub tx: Signal<Out, Bit>,
    /// Bits still to send, the current one lowest; bit 9 is the stop bit.
    shift: DFF<Bits<10>>,
    /// Bits left in the frame, the current one included (0: idle).
    bits: DFF<Bits<4>>,
    /// Cycles left of the current bit, minus one.
    count: DFF<Bits<16>>,
    /// The line (a register: no glitches on the pin).
    line: DFF<Bit>,
    last_cycle: Signal<Local, Bit>,
}

impl Logic for UartTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, shift, bits, count, line);
        self.tx.next = !self.line.q.val();
        // The frame's last cycle: its stop bit is nearly done, or there is no frame.
        self.last_cycle.next =
            (self.bits.q.val() == 0) | ((self.bits.q.val() == 1) & (self.count.q.val() == 0));
        self.s_ready.next = self.last_cycle.val();
        if self.bits.q.val() != 0 {
            self.count.d.next = self.count.q.val() - 1;
            if self.count.q.val() == 0 {
                self.count.d.next = self.divisor.val() - 1;
                self.bits.d.next = self.bits.q.val() - 1;
                self.shift.d.next = self.shift.q.val() >> 1;
                // `line` holds the inverted level, so that reset (0) is the idle high.
                self.line.d.next = !self.shift.q.val().get_bit(1);
                if self.bits.q.val() == 1 {
                    self.line.d.next = false;
                }
            }
        }
        if self.s_valid.val() & self.last_cycle.val() {
            // Start bit now; then the data, LSB first; then the stop bit.
            self.shift.d.next =
                bit_cast::<10, 9>(bit_cast::<9, 8>(self.s_data.val()) << 1) | bits::<10>(0x200);
            self.bits.d.next = 10.into();
            self.count.d.next = self.divisor.val() - 1;
            self.line.d.next = true;
        }
    }
}

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum RxState {
    Idle,
    Start,
    Data,
    Stop,
}

#[derive(LogicBlock, Default)]
pub struct UartRx {
    pub clock: Signal<In, Clock>,
    pub rx: Signal<In, Bit>,
    pub divisor: Signal<In, Bits<16>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_data: Signal<Out, Bits<8>>,
    pub m_overrun: Signal<Out, Bit>,
    pub m_frame_error: Signal<Out, Bit>,
    /// Two synchronizer stages, inverted (reset 0 = the idle line high).
    sync0: DFF<Bit>,
    sync1: DFF<Bit>,
    state: DFF<RxState>,
    count: DFF<Bits<16>>,
    /// The data bit being received (`bit` is a SystemVerilog keyword: Verilator refuses it).
    bit_index: DFF<Bits<3>>,
    shift: DFF<Bits<8>>,
    held: DFF<Bit>,
    data: DFF<Bits<8>>,
    overrun: DFF<Bit>,
    frame_error: DFF<Bit>,
    /// The synchronized line level.
    level: Signal<Local, Bit>,
}

impl Logic for UartRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            sync0,
            sync1,
            state,
            count,
            bit_index,
            shift,
            held,
            data,
            overrun,
            frame_error
        );
        self.sync0.d.next = !self.rx.val();
        self.sync1.d.next = self.sync0.q.val();
        self.level.next = !self.sync1.q.val();
        self.m_valid.next = self.held.q.val();
        self.m_data.next = self.data.q.val();
        self.m_overrun.next = self.overrun.q.val();
        self.m_frame_error.next = self.frame_error.q.val();
        self.overrun.d.next = false;
        self.frame_error.d.next = false;
        if self.held.q.val() & self.m_ready.val() {
            self.held.d.next = false;
        }
        self.count.d.next = self.count.q.val() - 1;
        match self.state.q.val() {
            RxState::Idle => {
                self.count.d.next = (self.divisor.val() >> 1) - 1;
                if !self.level.val() {
                    self.state.d.next = RxState::Start;
                }
            }
            RxState::Start => {
                if self.count.q.val() == 0 {
                    self.count.d.next = self.divisor.val() - 1;
                    self.bit_index.d.next = 0.into();
                    self.state.d.next = RxState::Data;
                    if self.level.val() {
                        // Shorter than half a bit: a glitch, not a start bit.
                        self.state.d.next = RxState::Idle;
                    }
                }
            }
            RxState::Data => {
                if self.count.q.val() == 0 {
                    self.count.d.next = self.divisor.val() - 1;
                    self.shift.d.next = self.shift.q.val() >> 1;
                    if self.level.val() {
                        self.shift.d.next = (self.shift.q.val() >> 1) | bits::<8>(0x80);
                    }
                    self.bit_index.d.next = self.bit_index.q.val() + 1;
                    if self.bit_index.q.val() == 7 {
                        self.state.d.next = RxState::Stop;
                    }
                }
            }
            RxState::Stop => {
                if self.count.q.val() == 0 {
                    self.state.d.next = RxState::Idle;
                    if !self.level.val() {
                        self.frame_error.d.next = true;
                    } else if self.held.q.val() & !self.m_ready.val() {
                        self.overrun.d.next = true;
                    } else {
                        self.held.d.next = true;
                        self.data.d.next = self.shift.q.val();
                    }
                }
            }
        }
    }
}

/// The pure-Rust model of a line: the levels, one per cycle, of `bytes` sent back to back
/// at `divisor` cycles per bit after `idle` cycles of idle line (what [`UartTx`] drives
/// from the cycle after it takes the first byte, when every byte is offered in time).
pub fn model_line(bytes: &[u8], divisor: usize, idle: usize) -> Vec<bool> {
    let mut line = vec![true; idle];
    for &byte in bytes {
        let frame = std::iter::once(false)
            .chain((0..8).map(|i| byte >> i & 1 == 1))
            .chain(std::iter::once(true));
        for level in frame {
            line.extend(std::iter::repeat_n(level, divisor));
        }
    }
    line
}

/// The pure-Rust model of a receiver sampling `line` (one level per cycle) the way
/// [`UartRx`] does, after its two-cycle synchronizer: the bytes received and the number of
/// framing errors.
pub fn model_receive(line: &[bool], divisor: usize) -> (Vec<u8>, usize) {
    let (mut bytes, mut errors) = (Vec::new(), 0);
    let mut t = 0;
    while t < line.len() {
        if line[t] {
            t += 1;
            continue;
        }
        // The receiver notices the falling edge at t and checks the start bit's middle.
        let middle = t + divisor / 2;
        if middle >= line.len() {
            break;
        }
        if line[middle] {
            t = middle + 1;
            continue;
        }
        let sample = |i: usize| line.get(middle + i * divisor).copied();
        let mut byte = 0u8;
        let mut complete = true;
        for bit in 0..8 {
            match sample(bit + 1) {
                Some(level) => byte |= u8::from(level) << bit,
                None => complete = false,
            }
        }
        match sample(9) {
            Some(true) if complete => bytes.push(byte),
            Some(false) if complete => errors += 1,
            _ => break,
        }
        t = middle + 9 * divisor + 1;
    }
    (bytes, errors)
}

/// The Verilog of a UartTx as a top module.
pub fn tx_verilog() -> String {
    let mut uut = UartTx::default();
    uut.connect_all();
    generate_verilog(&uut)
}

/// The Verilog of a UartRx as a top module.
pub fn rx_verilog() -> String {
    let mut uut = UartRx::default();
    uut.connect_all();
    generate_verilog(&uut)
}
