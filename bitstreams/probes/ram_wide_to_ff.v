// (c) 64K x 15 RAM (level table shape) read into a fabric register, address from a register
module ram_wide_to_ff(input clock, input we, input [15:0] ra, input [15:0] wa, input [14:0] wd, output reg [14:0] out);
  reg [14:0] mem[65535:0];
  reg [14:0] rd;
  reg [15:0] ra_q;
  always @(posedge clock) begin
    ra_q <= ra;
    rd <= mem[ra_q];
    if (we) mem[wa] <= wd;
    out <= rd;
  end
endmodule
