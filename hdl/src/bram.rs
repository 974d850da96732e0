//! Block RAM with a registered output (`Bram`): the building block of the pipelined matcher
//! (issue 12, "Timing closure"). The card's RAMs today are rust-hdl `RAM`s, which yosys maps
//! to DP16KDs without their output register: a read's data leaves the RAM 5.83 ns after the
//! clock (nextpnr's ECP5 −6 model), so a RAM output that goes anywhere but straight into a
//! register caps the clock below ~100 MHz, and one that chases a pointer back into a read
//! address at 88 MHz (measured: docs/hardware.md "What the ECP5 allows"). yosys's ECP5 memory
//! library cannot use the DP16KD's output register, so this block instantiates the DP16KDs
//! itself when synthesized for the ECP5 flow (`ORDO_DP16KD` defined), with `REGMODE_B =
//! "OUTREG"`: the read data then comes from a register inside the RAM and the logic after it
//! has the whole cycle.
//!
//! Ports (one clock):
//! - read: `read_enable`, `read_address` → `read_data`, **two cycles later**: an address
//!   presented in cycle c (with `read_enable`) is on `read_data` throughout cycle c + 2. A
//!   cycle without `read_enable` leaves the RAM's latch as it was, so `read_data` repeats the
//!   last read from cycle c + 2 on.
//! - write: `write_enable`, `write_address`, `write_data`: written at the end of the cycle.
//! - **A read and a write of the same address in the same cycle is a design error**: the
//!   DP16KD's two ports give no defined result then. The rust-hdl model panics on it, naming
//!   the address, so every differential test proves that the design forwards instead.
//!
//! Two Verilog bodies, one behaviour: without `ORDO_DP16KD` (Verilator, rust-hdl's yosys
//! validation) a behavioural array with two registers; with it, DP16KD instances: widths
//! 18/9/4/2/1 for 1,024/2,048/4,096/8,192/16,384 entries, deeper tables in banks of 16,384
//! whose outputs are chosen after the output registers (the bank number travels two
//! registers along), so a 65,536-deep table costs a 4:1 mux after a register instead of
//! before one. `sim/tests/bram.rs` runs both bodies through Verilator (the DP16KD one
//! against a model of the primitive, its address pins as yosys's DP16KD mapping uses them)
//! and checks the DP16KD count and `OUTREG` in yosys.

use std::fmt::Write as _;

use rust_hdl::prelude::*;

/// Entries of one DP16KD at its narrowest width (16 Kbit).
const DP16KD_DEPTH_BITS: usize = 14;

#[derive(LogicBlock)]
pub struct Bram<D: Synth, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub read_enable: Signal<In, Bit>,
    pub read_address: Signal<In, Bits<N>>,
    pub read_data: Signal<Out, D>,
    pub write_enable: Signal<In, Bit>,
    pub write_address: Signal<In, Bits<N>>,
    pub write_data: Signal<In, D>,
    /// The model: the RAM's contents and its latch (the value the output register loads).
    _mem: Vec<D>,
    _latch: D,
}

impl<D: Synth, const N: usize> Default for Bram<D, N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            read_enable: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            write_enable: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            _mem: vec![D::default(); 1 << N],
            _latch: D::default(),
        }
    }
}

impl<D: Synth, const N: usize> Logic for Bram<D, N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.read_data.next = self._latch;
            let read = self.read_enable.val();
            let write = self.write_enable.val();
            let ra = self.read_address.val().index();
            let wa = self.write_address.val().index();
            assert!(
                !(read && write && ra == wa),
                "Bram<{}, {}>: read and write of address {ra:#x} in one cycle (the DP16KD's \
                 result is undefined: forward the written value instead)",
                D::BITS,
                N
            );
            if read {
                self._latch = self._mem[ra];
            }
            if write {
                self._mem[wa] = self.write_data.val();
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(body(D::BITS, N))
    }
}

/// How the DP16KD body lays out a table of `abits` address bits: the primitive's data width,
/// the address pin of the word address's lowest bit, instances per bank, banks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub width: usize,
    pub low_pin: usize,
    pub per_bank: usize,
    pub banks: usize,
}

/// The DP16KD layout of a `bits` × 2^`abits` table.
pub fn layout(bits: usize, abits: usize) -> Layout {
    let (width, low_pin) = match abits {
        0..=10 => (18, 4),
        11 => (9, 3),
        12 => (4, 2),
        13 => (2, 1),
        _ => (1, 0),
    };
    Layout {
        width,
        low_pin,
        per_bank: bits.div_ceil(width),
        banks: 1 << abits.saturating_sub(DP16KD_DEPTH_BITS),
    }
}

/// DP16KDs a `bits` × 2^`abits` table takes.
pub fn block_rams(bits: usize, abits: usize) -> usize {
    let l = layout(bits, abits);
    l.per_bank * l.banks
}

fn body(bits: usize, abits: usize) -> String {
    let top = bits - 1;
    let mut v = String::new();
    v.push_str("`ifdef ORDO_DP16KD\n");
    v.push_str(&dp16kd_body(bits, abits));
    v.push_str("`else\n");
    let _ = write!(
        v,
        "reg [{top}:0] mem[{last}:0];\n\
         reg [{top}:0] latch;\n\
         always @(posedge clock) begin\n\
         \x20  if (read_enable) latch <= mem[read_address];\n\
         \x20  read_data <= latch;\n\
         \x20  if (write_enable) mem[write_address] <= write_data;\n\
         end\n",
        last = (1usize << abits) - 1
    );
    v.push_str("`endif\n");
    v
}

fn dp16kd_body(bits: usize, abits: usize) -> String {
    let l = layout(bits, abits);
    let word_bits = abits.min(DP16KD_DEPTH_BITS);
    let mut v = String::new();
    let bank_bits = abits.saturating_sub(DP16KD_DEPTH_BITS);
    for bank in 0..l.banks {
        let _ = writeln!(v, "wire [{}:0] bank{bank};", bits - 1);
    }
    if bank_bits > 0 {
        let _ = writeln!(
            v,
            "reg [{b}:0] bank_q1;\nreg [{b}:0] bank_q2;\n\
             always @(posedge clock) begin\n\
             \x20  if (read_enable) bank_q1 <= read_address[{hi}:{lo}];\n\
             \x20  bank_q2 <= bank_q1;\n\
             end",
            b = bank_bits - 1,
            hi = abits - 1,
            lo = DP16KD_DEPTH_BITS
        );
    }
    // Address pins: the word address from `low_pin` up; below it 0, except port A's byte
    // enables (pins 0 and 1) in the 18-bit mode.
    let pins = |port: &str, address: &str, write: bool| -> String {
        let mut s = String::new();
        for pin in 0..14 {
            let signal = if pin >= l.low_pin && pin - l.low_pin < word_bits {
                format!("{address}[{}]", pin - l.low_pin)
            } else if write && l.width == 18 && pin < 2 {
                "1'b1".to_string()
            } else {
                "1'b0".to_string()
            };
            let _ = write!(s, ".AD{port}{pin}({signal}), ");
        }
        s
    };
    // The primitive's unused pins (port A's outputs, port B's data inputs, the last
    // instance's spare bits) stay unconnected.
    v.push_str("/* verilator lint_off PINMISSING */\n");
    let write_pins = pins("A", "write_address", true);
    let read_pins = pins("B", "read_address", false);
    for bank in 0..l.banks {
        let we = if bank_bits > 0 {
            format!(
                "write_enable & (write_address[{}:{}] == {bank_bits}'d{bank})",
                abits - 1,
                DP16KD_DEPTH_BITS
            )
        } else {
            "write_enable".to_string()
        };
        for i in 0..l.per_bank {
            let mut di = String::new();
            let mut dob = String::new();
            for pin in 0..18 {
                let bit = i * l.width + pin;
                let signal = if pin < l.width && bit < bits {
                    format!("write_data[{bit}]")
                } else {
                    "1'b0".to_string()
                };
                let _ = write!(di, ".DIA{pin}({signal}), ");
                if pin < l.width && bit < bits {
                    let _ = write!(dob, ".DOB{pin}(bank{bank}[{bit}]), ");
                }
            }
            let _ = writeln!(
                v,
                "DP16KD #(.DATA_WIDTH_A({w}), .DATA_WIDTH_B({w}), .REGMODE_A(\"NOREG\"), \
                 .REGMODE_B(\"OUTREG\"), .WRITEMODE_A(\"NORMAL\"), .WRITEMODE_B(\"NORMAL\"), \
                 .RESETMODE(\"SYNC\"), .ASYNC_RESET_RELEASE(\"SYNC\"), .CSDECODE_A(\"0b000\"), \
                 .CSDECODE_B(\"0b000\"), .GSR(\"DISABLED\")) ram_{bank}_{i} (\n\
                 \x20 .CLKA(clock), .CEA(1'b1), .OCEA(1'b1), .WEA({we}), .RSTA(1'b0), \
                 .CSA0(1'b0), .CSA1(1'b0), .CSA2(1'b0),\n\
                 \x20 {write_pins}\n\
                 \x20 {di}\n\
                 \x20 .CLKB(clock), .CEB(read_enable), .OCEB(1'b1), .WEB(1'b0), .RSTB(1'b0), \
                 .CSB0(1'b0), .CSB1(1'b0), .CSB2(1'b0),\n\
                 \x20 {read_pins}\n\
                 \x20 {dob}\n\
                 \x20 .DIB0(1'b0));",
                w = l.width,
            );
        }
    }
    v.push_str("/* verilator lint_on PINMISSING */\n");
    if bank_bits > 0 {
        v.push_str("always @(*) begin\n   case (bank_q2)\n");
        for bank in 0..l.banks {
            let _ = writeln!(v, "      {bank_bits}'d{bank}: read_data = bank{bank};");
        }
        v.push_str("      default: read_data = bank0;\n   endcase\nend\n");
    } else {
        v.push_str("always @(*) read_data = bank0;\n");
    }
    v
}

/// The Verilog of a `Bram<Bits<B>, N>` as a top module (both bodies, chosen by
/// `ORDO_DP16KD`).
pub fn verilog<const B: usize, const N: usize>() -> String {
    let mut uut = Bram::<Bits<B>, N>::default();
    uut.connect_all();
    generate_verilog(&uut)
}

/// A [`Bram`] behind a register on every input and with a fabric register after its output:
/// for tables spread over the part, whose pins are a long route away from the logic, each of
/// those routes gets a cycle of its own (docs/hardware.md, "The matcher").
///
/// Read data arrives **four** cycles after the address (`read_enable` and `read_address` in
/// cycle c, `read_data` throughout c + 4, and it repeats the last read until the next); a
/// write issued in cycle c reaches the RAM in cycle c + 1. Reads and writes are delayed alike
/// on the way in, so they meet the RAM in the order they were issued, and the rule stays the
/// `Bram`'s: a read and a write of one address issued in the same cycle is a design error (the
/// model panics, one cycle later).
#[derive(LogicBlock, Default)]
pub struct RegBram<D: Synth, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub read_enable: Signal<In, Bit>,
    pub read_address: Signal<In, Bits<N>>,
    pub read_data: Signal<Out, D>,
    pub write_enable: Signal<In, Bit>,
    pub write_address: Signal<In, Bits<N>>,
    pub write_data: Signal<In, D>,
    ram: Bram<D, N>,
    read_enable_q: DFF<Bit>,
    read_address_q: DFF<Bits<N>>,
    write_enable_q: DFF<Bit>,
    write_address_q: DFF<Bits<N>>,
    write_data_q: DFF<D>,
    read_data_q: DFF<D>,
}

impl<D: Synth, const N: usize> Logic for RegBram<D, N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            read_enable_q,
            read_address_q,
            write_enable_q,
            write_address_q,
            write_data_q,
            read_data_q
        );
        clock!(self, clock, ram);
        self.read_enable_q.d.next = self.read_enable.val();
        self.read_address_q.d.next = self.read_address.val();
        self.write_enable_q.d.next = self.write_enable.val();
        self.write_address_q.d.next = self.write_address.val();
        self.write_data_q.d.next = self.write_data.val();
        self.ram.read_enable.next = self.read_enable_q.q.val();
        self.ram.read_address.next = self.read_address_q.q.val();
        self.ram.write_enable.next = self.write_enable_q.q.val();
        self.ram.write_address.next = self.write_address_q.q.val();
        self.ram.write_data.next = self.write_data_q.q.val();
        self.read_data_q.d.next = self.ram.read_data.val();
        self.read_data.next = self.read_data_q.q.val();
    }
}
