// (e) pointer chase through a Bram (OUTREG DP16KDs, 4 banks of 16K, mux after the registers):
// the read data, plus one, is the next read address: one hop per two cycles, the logic between
// (4:1 bank mux, 16-bit increment) in one cycle.
module bram_chase(input clock, input we, input [15:0] wa, input [14:0] wd, output reg [15:0] out);
  wire [14:0] rd;
  reg [15:0] ra;
  bram15x16 ram(.clock(clock), .read_enable(1'b1), .read_address(ra), .read_data(rd),
                .write_enable(we), .write_address(wa), .write_data(wd));
  always @(posedge clock) begin
    ra <= {rd[0], rd} + 16'd1;
    out <= ra;
  end
endmodule
