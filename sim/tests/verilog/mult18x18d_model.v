// A simulation model of the ECP5 MULT18X18D, for the modes hdl::mul16 uses and nothing else:
// unsigned operands (SIGNEDA = SIGNEDB = 0), A and B from their pins (SOURCEA = SOURCEB = 0),
// all registers on CLK0 with CE0 (RST0 held low), each of the input registers and the output
// register either bypassed ("NONE") or clocked ("CLK0"); the pipeline register and the C
// input unused. Ports and parameters as yosys declares the primitive (techlibs/lattice,
// cells_bb_ecp5.v); behaviour: P = A × B (36 bits), after whichever registers are on.
// Only sim/tests/mul16.rs uses it, to run the block's MULT18X18D body through Verilator.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module MULT18X18D #(
  parameter REG_INPUTA_CLK = "NONE", parameter REG_INPUTA_CE = "CE0",
  parameter REG_INPUTA_RST = "RST0", parameter REG_INPUTB_CLK = "NONE",
  parameter REG_INPUTB_CE = "CE0", parameter REG_INPUTB_RST = "RST0",
  parameter REG_INPUTC_CLK = "NONE", parameter REG_INPUTC_CE = "CE0",
  parameter REG_INPUTC_RST = "RST0", parameter REG_PIPELINE_CLK = "NONE",
  parameter REG_PIPELINE_CE = "CE0", parameter REG_PIPELINE_RST = "RST0",
  parameter REG_OUTPUT_CLK = "NONE", parameter REG_OUTPUT_CE = "CE0",
  parameter REG_OUTPUT_RST = "RST0", parameter CLK0_DIV = "ENABLED",
  parameter CLK1_DIV = "ENABLED", parameter CLK2_DIV = "ENABLED", parameter CLK3_DIV = "ENABLED",
  parameter HIGHSPEED_CLK = "NONE", parameter GSR = "ENABLED", parameter CAS_MATCH_REG = "FALSE",
  parameter SOURCEB_MODE = "B_SHIFT", parameter MULT_BYPASS = "DISABLED",
  parameter RESETMODE = "SYNC"
) (
  input A17, A16, A15, A14, A13, A12, A11, A10, A9, A8, A7, A6, A5, A4, A3, A2, A1, A0,
  input B17, B16, B15, B14, B13, B12, B11, B10, B9, B8, B7, B6, B5, B4, B3, B2, B1, B0,
  input SIGNEDA, SIGNEDB, SOURCEA, SOURCEB,
  input CLK0, CLK1, CLK2, CLK3, CE0, CE1, CE2, CE3, RST0, RST1, RST2, RST3,
  output P35, P34, P33, P32, P31, P30, P29, P28, P27, P26, P25, P24, P23, P22, P21, P20, P19, P18, P17, P16, P15, P14, P13, P12, P11, P10, P9, P8, P7, P6, P5, P4, P3, P2, P1, P0
);
  wire [17:0] a = {A17, A16, A15, A14, A13, A12, A11, A10, A9, A8, A7, A6, A5, A4, A3, A2, A1, A0};
  wire [17:0] b = {B17, B16, B15, B14, B13, B12, B11, B10, B9, B8, B7, B6, B5, B4, B3, B2, B1, B0};
  reg [17:0] a_q = 18'd0;
  reg [17:0] b_q = 18'd0;
  always @(posedge CLK0) if (CE0) begin
    a_q <= a;
    b_q <= b;
  end
  wire [17:0] a_in = REG_INPUTA_CLK == "NONE" ? a : a_q;
  wire [17:0] b_in = REG_INPUTB_CLK == "NONE" ? b : b_q;
  wire [35:0] product = {18'd0, a_in} * {18'd0, b_in};
  reg [35:0] p_q = 36'd0;
  always @(posedge CLK0) if (CE0) p_q <= product;
  wire [35:0] p = REG_OUTPUT_CLK == "NONE" ? product : p_q;
  assign P0 = p[0];
  assign P1 = p[1];
  assign P2 = p[2];
  assign P3 = p[3];
  assign P4 = p[4];
  assign P5 = p[5];
  assign P6 = p[6];
  assign P7 = p[7];
  assign P8 = p[8];
  assign P9 = p[9];
  assign P10 = p[10];
  assign P11 = p[11];
  assign P12 = p[12];
  assign P13 = p[13];
  assign P14 = p[14];
  assign P15 = p[15];
  assign P16 = p[16];
  assign P17 = p[17];
  assign P18 = p[18];
  assign P19 = p[19];
  assign P20 = p[20];
  assign P21 = p[21];
  assign P22 = p[22];
  assign P23 = p[23];
  assign P24 = p[24];
  assign P25 = p[25];
  assign P26 = p[26];
  assign P27 = p[27];
  assign P28 = p[28];
  assign P29 = p[29];
  assign P30 = p[30];
  assign P31 = p[31];
  assign P32 = p[32];
  assign P33 = p[33];
  assign P34 = p[34];
  assign P35 = p[35];
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
