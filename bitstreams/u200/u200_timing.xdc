# Read after synthesis (build.tcl): constraints on the XDMA's clock and on synthesized cells.

# The card clock: the MMCM's CLKOUT0 (auto-derived from axi_aclk), renamed.
create_generated_clock -name card_clock [get_pins card_mmcm/CLKOUT0]

# Every path between the bus clock (axi_aclk, 250 MHz) and the card clock goes through one of
# card_xdma's crossings (sim::xdma): Gray-coded FIFO pointers and status counters into two-flop
# synchronizers (ASYNC_REG), and FIFO RAM reads of entries written at least one write-clock
# and two read-clock cycles earlier. Vivado sees the two clocks as related (one is derived from
# the other) and would time those paths edge to edge; they are bounded instead by the faster
# clock's period, data path only. report_cdc (cdc.rpt) lists every crossing for review.
set axi_clock [get_clocks -of_objects [get_pins xdma/axi_aclk]]
set_max_delay -datapath_only -from $axi_clock -to [get_clocks card_clock] 4.000
set_max_delay -datapath_only -from [get_clocks card_clock] -to $axi_clock 4.000

# The PCIe block is in SLR1 (clock regions X4Y5..X5Y8): keep the card there, no SLR crossing.
create_pblock pblock_card
resize_pblock [get_pblocks pblock_card] -add {SLR1}
add_cells_to_pblock [get_pblocks pblock_card] [get_cells card_xdma]
