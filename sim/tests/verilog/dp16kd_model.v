// A simulation model of the ECP5 DP16KD, for the modes hdl::bram uses and nothing else:
// port A writes, port B reads; DATA_WIDTH 1, 2, 4, 9 or 18 (the same on both ports);
// REGMODE_B "NOREG" or "OUTREG"; chip selects unused (CSDECODE 0b000, CS pins low).
// Written from the primitive's behaviour as Lattice TN1264 (ECP5 and ECP5-5G Memory Usage
// Guide) describes it; the address-pin convention per width is the one yosys's own DP16KD
// mapping uses (techlibs/lattice/brams_map_16kd.v), so the two agree on the pins:
// - the word address sits in AD13..AD(k), k = 0, 1, 2, 3, 4 for widths 1, 2, 4, 9, 18;
// - in the 18-bit mode, port A's AD0 and AD1 are the byte write enables (DI8..0, DI17..9);
// - CE gates the port's clock (address and data capture), OCE the output register, which
//   with REGMODE "OUTREG" delays the read data by one more clock.
// Only sim/tests/bram.rs uses it, to run the block's DP16KD body through Verilator.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module DP16KD #(
  parameter DATA_WIDTH_A = 18, parameter DATA_WIDTH_B = 18,
  parameter REGMODE_A = "NOREG", parameter REGMODE_B = "NOREG",
  parameter WRITEMODE_A = "NORMAL", parameter WRITEMODE_B = "NORMAL",
  parameter RESETMODE = "SYNC", parameter ASYNC_RESET_RELEASE = "SYNC",
  parameter CSDECODE_A = "0b000", parameter CSDECODE_B = "0b000",
  parameter GSR = "ENABLED"
) (
  input CLKA, CEA, OCEA, WEA, RSTA, CSA0, CSA1, CSA2,
  input ADA0, ADA1, ADA2, ADA3, ADA4, ADA5, ADA6, ADA7, ADA8, ADA9, ADA10, ADA11, ADA12, ADA13,
  input DIA0, DIA1, DIA2, DIA3, DIA4, DIA5, DIA6, DIA7, DIA8,
  input DIA9, DIA10, DIA11, DIA12, DIA13, DIA14, DIA15, DIA16, DIA17,
  input CLKB, CEB, OCEB, WEB, RSTB, CSB0, CSB1, CSB2,
  input ADB0, ADB1, ADB2, ADB3, ADB4, ADB5, ADB6, ADB7, ADB8, ADB9, ADB10, ADB11, ADB12, ADB13,
  input DIB0,
  output DOB0, DOB1, DOB2, DOB3, DOB4, DOB5, DOB6, DOB7, DOB8,
  output DOB9, DOB10, DOB11, DOB12, DOB13, DOB14, DOB15, DOB16, DOB17
);
  localparam integer K = DATA_WIDTH_A == 1 ? 0 : DATA_WIDTH_A == 2 ? 1 : DATA_WIDTH_A == 4 ? 2
                       : DATA_WIDTH_A == 9 ? 3 : 4;
  wire [13:0] ada = {ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2, ADA1, ADA0};
  wire [13:0] adb = {ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2, ADB1, ADB0};
  wire [17:0] dia = {DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9,
                     DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0};
  wire [13:0] wa = ada >> K;
  wire [13:0] ra = adb >> K;
  reg [17:0] mem [0:16383];
  reg [17:0] latch = 18'd0;
  reg [17:0] out_reg = 18'd0;
  integer i;
  initial for (i = 0; i < 16384; i = i + 1) mem[i] = 18'd0;
  always @(posedge CLKA) begin
    if (CEA && WEA) begin
      if (DATA_WIDTH_A == 18) begin
        if (ADA0) mem[wa][8:0] <= dia[8:0];
        if (ADA1) mem[wa][17:9] <= dia[17:9];
      end else begin
        mem[wa] <= dia & ((18'd1 << DATA_WIDTH_A) - 18'd1);
      end
    end
  end
  always @(posedge CLKB) begin
    if (OCEB) out_reg <= latch;
    if (CEB) latch <= mem[ra];
  end
  wire [17:0] dob = REGMODE_B == "OUTREG" ? out_reg : latch;
  assign {DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9,
          DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0} = dob;
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
