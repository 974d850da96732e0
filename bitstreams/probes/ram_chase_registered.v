// (b) pointer chase with a fabric register after the RAM (2 cycles per hop)
module ram_chase_registered(input clock, input we, input [13:0] wa, input [14:0] wd, output reg [14:0] out);
  reg [14:0] mem[16383:0];
  reg [14:0] rd, rq;
  always @(posedge clock) begin
    rd <= mem[rq[13:0]];
    rq <= rd;
    if (we) mem[wa] <= wd;
    out <= rq;
  end
endmodule
