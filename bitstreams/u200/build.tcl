# ordo: the card on an AMD Alveo U200 behind the XDMA IP (PCIe Gen3 x8, 256-bit AXI-Stream).
# Vivado (2022.2 or later; the XDMA IP 4.1), non-project batch flow:
#
#   cargo run --release -p host --features hardware --bin ordo -- fpga vivado --out bitstreams/u200/gen
#   vivado -mode batch -source bitstreams/u200/build.tcl
#
# Inputs: the generated Verilog and build_info.tcl in $ORDO_GEN_DIR (default ./gen beside this
# script), u200.xdc (pins, configuration) and u200_timing.xdc (clocks, crossings, placement)
# beside it. Products in $ORDO_OUT_DIR (default ./build): checkpoints, timing, utilisation and
# clock-crossing reports, figures.txt, ordo_u200.bit and ordo_u200.mcs (configuration flash).
# The build stops before the bitstream when timing is not met. README.md says how to flash and run.

set here [file normalize [file dirname [info script]]]
proc ordo_env {name default} {
    if {[info exists ::env($name)]} { return $::env($name) }
    return $default
}
set gen_dir [file normalize [ordo_env ORDO_GEN_DIR [file join $here gen]]]
set out_dir [file normalize [ordo_env ORDO_OUT_DIR [file join $here build]]]
set part xcu200-fsgd2104-2-e
set top ordo_u200
# Written by `ordo fpga vivado` (sim::xdma), in this order.
set sources {card.v card_xdma.v ordo_u200.v}
foreach name [concat $sources build_info.tcl] {
    if {![file exists [file join $gen_dir $name]]} {
        error "$gen_dir/$name is missing: run `ordo fpga vivado --out $gen_dir` first (README.md)"
    }
}
# ordo_firmware_id (the design revision) and ordo_card_clock_mhz.
source [file join $gen_dir build_info.tcl]
puts "ordo: firmware id $ordo_firmware_id, card clock $ordo_card_clock_mhz MHz, part $part"
file mkdir $out_dir

create_project -in_memory -part $part
set_param general.maxThreads [ordo_env ORDO_JOBS 8]

# The XDMA IP: an endpoint in the PCIe block next to quads 227..224 (lanes 0-7 on 227 and 226,
# the U200's edge connector lanes 0-7), Gen3 x8, one H2C and one C2H AXI-Stream channel of 256
# bits at 250 MHz, the AXI-Lite master on BAR0 (1 MiB, abi::regs::BAR_BYTES: /dev/xdma0_user),
# the DMA engine's registers on BAR1. Device id 9038 (Gen3 x8), which the XDMA driver knows.
create_ip -name xdma -vendor xilinx.com -library ip -version 4.1 -module_name xdma_0 -dir [file join $out_dir ip]
set_property -dict [list \
    CONFIG.mode_selection {Advanced} \
    CONFIG.pcie_blk_locn {X1Y2} \
    CONFIG.select_quad {GTY_Quad_227} \
    CONFIG.pl_link_cap_max_link_width {X8} \
    CONFIG.pl_link_cap_max_link_speed {8.0_GT/s} \
    CONFIG.ref_clk_freq {100_MHz} \
    CONFIG.axi_data_width {256_bit} \
    CONFIG.axisten_freq {250} \
    CONFIG.plltype {QPLL1} \
    CONFIG.xdma_axi_intf_mm {AXI_Stream} \
    CONFIG.xdma_rnum_chnl {1} \
    CONFIG.xdma_wnum_chnl {1} \
    CONFIG.xdma_num_usr_irq {1} \
    CONFIG.axilite_master_en {true} \
    CONFIG.axilite_master_size {1} \
    CONFIG.axilite_master_scale {Megabytes} \
    CONFIG.pf0_device_id {9038} \
    CONFIG.cfg_mgmt_if {false} \
] [get_ips xdma_0]
generate_target {synthesis implementation instantiation_template} [get_ips xdma_0]
synth_ip [get_ips xdma_0]

foreach name $sources {
    read_verilog [file join $gen_dir $name]
}
read_xdc [file join $here u200.xdc]
synth_design -top $top -part $part
# Constraints on clocks the IP creates (axi_aclk) and on cells of the synthesized design.
read_xdc [file join $here u200_timing.xdc]
write_checkpoint -force [file join $out_dir post_synth.dcp]
report_utilization -file [file join $out_dir utilization_synth.rpt]

opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force [file join $out_dir post_route.dcp]
report_timing_summary -max_paths 10 -file [file join $out_dir timing_summary.rpt]
report_utilization -file [file join $out_dir utilization.rpt]
report_utilization -hierarchical -hierarchical_depth 3 -file [file join $out_dir utilization_hierarchy.rpt]
report_cdc -details -file [file join $out_dir cdc.rpt]

# The card clock's achieved frequency: its period less the worst setup slack inside it.
set card_clock [get_clocks card_clock]
set card_period [get_property PERIOD $card_clock]
set card_path [get_timing_paths -from $card_clock -to $card_clock -setup -max_paths 1]
set card_slack [get_property SLACK $card_path]
set card_fmax [expr {1000.0 / ($card_period - $card_slack)}]
set wns [get_property SLACK [get_timing_paths -setup -max_paths 1]]
set whs [get_property SLACK [get_timing_paths -hold -max_paths 1]]
set figures [open [file join $out_dir figures.txt] w]
puts $figures "firmware_id $ordo_firmware_id"
puts $figures "part $part"
puts $figures "card_clock_mhz $ordo_card_clock_mhz"
puts $figures "card_clock_fmax_mhz [format %.2f $card_fmax]"
puts $figures "card_critical_path [get_property STARTPOINT_PIN $card_path] -> [get_property ENDPOINT_PIN $card_path]"
puts $figures "wns_ns $wns"
puts $figures "whs_ns $whs"
close $figures
puts "ordo: card clock reaches [format %.2f $card_fmax] MHz (built for $ordo_card_clock_mhz); WNS $wns ns, WHS $whs ns"
if {$wns < 0 || $whs < 0} {
    error "timing not met (WNS $wns ns, WHS $whs ns; $out_dir/timing_summary.rpt): build a slower card clock, `ordo fpga vivado --card-clock-mhz <MHz>`"
}

# The design revision's low 32 bits in the configuration's USERID (read over JTAG), as the ECP5
# build puts them in its USERCODE; the whole id is in the register map (abi::regs).
set_property BITSTREAM.CONFIG.USERID [format 0x%08x [expr {$ordo_firmware_id & 0xffffffff}]] [current_design]
write_bitstream -force [file join $out_dir ordo_u200.bit]
# The configuration flash image at the U200's user-image offset (the golden image stays at 0).
write_cfgmem -force -format mcs -size 128 -interface SPIx4 \
    -loadbit [list up 0x01002000 [file join $out_dir ordo_u200.bit]] \
    -file [file join $out_dir ordo_u200.mcs]
puts "ordo: [file join $out_dir ordo_u200.bit]"
