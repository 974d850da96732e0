// (a) pointer chase through a 16K x 15 rust-hdl-style RAM (DP16KDs without their output
// register): the read data, through one XOR, is the next read address: one hop per cycle.
module ram_chase(input clock, input we, input [13:0] wa, input [14:0] wd, output reg [14:0] out);
  reg [14:0] mem[16383:0];
  reg [14:0] rd;
  always @(posedge clock) begin
    rd <= mem[rd[13:0] ^ {13'b0, out[0]}];
    if (we) mem[wa] <= wd;
    out <= rd;
  end
endmodule
