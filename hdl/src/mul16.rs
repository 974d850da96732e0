//! A 16 × 16 → 32-bit unsigned product in the ECP5's multiplier, its operands registered in
//! the multiplier (`Mul16`): the block the Validator's credit cost (qty × lot cost, two
//! products) is built from.
//!
//! yosys maps `a * b` to a MULT18X18D without any of its registers, so a product between two
//! fabric registers pays the multiplier's combinational delay (3.93 ns at speed grade 6)
//! plus the routing into and out of the DSP in one cycle: the Validator's critical path once
//! its RAMs had output registers (9.00 ns). Measured on a register → MULT18X18D → register
//! probe (nextpnr-ecp5 `--85k --speed 6 --seed 1`): no DSP register, 139 MHz; the output
//! register only, 3.49 ns of setup at the operands; the input registers only, 3.86 ns from
//! the clock to the product; both, 283 MHz (the path no longer crosses the multiplier). The
//! input registers fit the Validator: its operands come out of a little logic (the book's
//! lot cost, an AND-OR) and its products go straight into fabric registers. So in the ECP5
//! flow (`ORDO_DP16KD` defined: the flow's define for the primitives' own bodies, as in
//! [`crate::bram`]) this block instantiates the MULT18X18D itself with `REG_INPUTA_CLK =
//! REG_INPUTB_CLK = "CLK0"`; elsewhere (Verilator, rust-hdl's yosys validation) the body is
//! the same two registers and `a * b` after them.
//!
//! Ports (one clock): `a`, `b` (16 bits each) → `p` (32 bits) = `a × b` of the operands
//! presented **one cycle earlier**: operands in cycle c (taken every cycle, no enable),
//! product on `p` throughout cycle c + 1 — combinationally after the registers, 3.86 ns
//! into the cycle on the ECP5, so `p` should go straight into a register. One product per
//! cycle.
//!
//! `sim/tests/mul16.rs` runs both bodies through Verilator (the MULT18X18D one against a
//! model of the primitive, `sim/tests/verilog/mult18x18d_model.v`) against the rust-hdl
//! model, and checks in yosys that the ECP5 body is one MULT18X18D with its input registers
//! and no fabric register.

use std::fmt::Write as _;

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Mul16 {
    pub clock: Signal<In, Clock>,
    pub a: Signal<In, Bits<16>>,
    pub b: Signal<In, Bits<16>>,
    pub p: Signal<Out, Bits<32>>,
    /// The model: the operands' registers.
    _a: Bits<16>,
    _b: Bits<16>,
}

impl Logic for Mul16 {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self._a = self.a.val();
            self._b = self.b.val();
        }
        self.p.next = self._a * self._b;
    }

    fn connect(&mut self) {
        self.p.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(body())
    }
}

fn body() -> String {
    let pins = |port: char, signal: &str, width: usize, of: usize| -> String {
        (0..of)
            .map(|i| {
                if i < width {
                    format!(".{port}{i}({signal}[{i}])")
                } else {
                    format!(".{port}{i}(1'b0)")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut v = String::new();
    v.push_str("`ifdef ORDO_DP16KD\nwire [31:0] product;\n");
    // The primitive's unused pins (the C input, the cascade and shift chains, the product's
    // top four bits, always 0 here) stay unconnected; its pipeline and output registers are
    // bypassed (NONE).
    v.push_str("/* verilator lint_off PINMISSING */\n");
    let _ = writeln!(
        v,
        "MULT18X18D #(.REG_INPUTA_CLK(\"CLK0\"), .REG_INPUTA_CE(\"CE0\"), \
         .REG_INPUTA_RST(\"RST0\"), .REG_INPUTB_CLK(\"CLK0\"), .REG_INPUTB_CE(\"CE0\"), \
         .REG_INPUTB_RST(\"RST0\"), .REG_INPUTC_CLK(\"NONE\"), .REG_PIPELINE_CLK(\"NONE\"), \
         .REG_OUTPUT_CLK(\"NONE\"), .REG_OUTPUT_CE(\"CE0\"), .REG_OUTPUT_RST(\"RST0\"), \
         .CLK0_DIV(\"ENABLED\"), .CLK1_DIV(\"ENABLED\"), .CLK2_DIV(\"ENABLED\"), \
         .CLK3_DIV(\"ENABLED\"), .HIGHSPEED_CLK(\"NONE\"), .GSR(\"DISABLED\"), \
         .CAS_MATCH_REG(\"FALSE\"), .SOURCEB_MODE(\"B_SHIFT\"), .MULT_BYPASS(\"DISABLED\"), \
         .RESETMODE(\"SYNC\")) mult (\n\
         \x20 .CLK0(clock), .CE0(1'b1), .RST0(1'b0), .CLK1(1'b0), .CE1(1'b0), .RST1(1'b0),\n\
         \x20 .CLK2(1'b0), .CE2(1'b0), .RST2(1'b0), .CLK3(1'b0), .CE3(1'b0), .RST3(1'b0),\n\
         \x20 .SIGNEDA(1'b0), .SIGNEDB(1'b0), .SOURCEA(1'b0), .SOURCEB(1'b0),\n\
         \x20 {},\n\
         \x20 {},\n\
         \x20 {});",
        pins('A', "a", 16, 18),
        pins('B', "b", 16, 18),
        (0..32)
            .map(|i| format!(".P{i}(product[{i}])"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    v.push_str("/* verilator lint_on PINMISSING */\n");
    v.push_str("always @(*) p = product;\n");
    v.push_str(
        "`else\nreg [15:0] a_q;\nreg [15:0] b_q;\n\
         always @(posedge clock) begin\n\
         \x20  a_q <= a;\n\
         \x20  b_q <= b;\n\
         end\n\
         always @(*) p = a_q * b_q;\n`endif\n",
    );
    v
}

/// The Verilog of a `Mul16` as a top module (both bodies, chosen by `ORDO_DP16KD`).
pub fn verilog() -> String {
    let mut uut = Mul16::default();
    uut.connect_all();
    generate_verilog(&uut)
}
