//! The card behind the Xilinx XDMA IP on an Alveo U200 (`bitstreams/u200/`, issue 12's PCIe
//! flow): the Verilog of the wrapper `card_xdma` and of the board top `ordo_u200`, generated
//! here with every constant taken from `abi::regs` (the register map, the record layouts) and
//! from `hdl` (the card's built capacities).
//!
//! ```text
//!            axi_aclk (XDMA user clock, 250 MHz)            │  card_clock (MMCM, CARD_CLOCK_MHZ)
//!  H2C 256b ─▶ record parser ─▶ async FIFO (beat+arrival+verdict, commit per record) ─▶ card s_*
//!  C2H 256b ◀─ 2 beats/event ◀─ async FIFO (512-bit event) ◀──────────────────────────── card m_*
//!  AXI-Lite ─▶ config window ─▶ async FIFO (address, data) ──────────────────────────────▶ card cfg_*
//!  (BAR)    ◀─ read decode (abi::regs::REGISTERS) ◀─ Gray-coded status ◀───────────────── card st_*
//! ```
//!
//! **Clocking.** The card does not close at 250 MHz (27.63 MHz measured on the ECP5; the
//! UltraScale+ projection in docs/hardware.md is well under 250), so it runs in its own clock,
//! an MMCM output derived from `axi_aclk`, and every crossing is one of three asynchronous
//! FIFOs ([`ASYNC_FIFO`]: Gray-coded pointers through two-flop synchronizers) or a Gray-coded
//! counter. A clock enable at 250 MHz was the alternative: it would need multicycle
//! constraints over the whole card and its RAMs; a second clock keeps the card's timing
//! report honest (its own clock, its own slack).
//!
//! **Resets.** The card has none (its registers start from their initial values when the FPGA
//! is configured). `axi_aresetn` (low while the PCIe link is down) resets the bus-side
//! handshakes, aborts a record half received, and holds the MMCM in reset, so the card's clock
//! (a BUFGCE enabled by LOCKED) stops and the card keeps its state until the link is back.
//!
//! The host's side of the streams is the contract in abi.md §17: host-to-card records of
//! [`abi::regs::H2C_RECORD_BYTES`] (a header beat with the arrival time and the verdict, then
//! the message), card-to-host records of one event each.

use abi::regs::{self, Capability, Status, Value};

use crate::Error;

/// The Verilog files `ordo fpga vivado` writes and `bitstreams/u200/build.tcl` reads, in order.
pub const GENERATED_FILES: &[&str] = &["card.v", "card_xdma.v", "ordo_u200.v"];
/// The Tcl file `ordo fpga vivado` writes beside them: the firmware id and the card clock,
/// which `build.tcl` prints, records and puts in the bitstream's USERID.
pub const BUILD_INFO: &str = "build_info.tcl";

/// The Xilinx part of the Alveo U200.
pub const PART: &str = "xcu200-fsgd2104-2-e";

/// The XDMA stream clock (`axisten_freq`, Gen3 x8 with a 256-bit interface).
pub const AXI_CLOCK_MHZ: f64 = 250.0;
/// The MMCM's VCO: `axi_aclk` × 4 (within the UltraScale+ MMCM's 800–1600 MHz).
const VCO_MHZ: f64 = 1000.0;
const VCO_MULTIPLY: f64 = VCO_MHZ / AXI_CLOCK_MHZ;

/// The card clock the Vivado build is generated for unless told otherwise: below the
/// UltraScale+ projection's central figure (docs/hardware.md, "The PCIe target"), so the
/// first build has a chance to meet timing; `build.tcl` fails when it does not.
pub const DEFAULT_CARD_CLOCK_MHZ: f64 = 80.0;

/// Depth of each clock-crossing FIFO (entries, log2): the H2C FIFO holds four records, more
/// than the card takes while the bus side refills it.
const FIFO_ADDRESS_BITS: u32 = 4;

/// What the generated Vivado sources describe.
#[derive(Debug, Clone)]
pub struct XdmaDesign {
    /// (file name, text): the [`GENERATED_FILES`] in order, then [`BUILD_INFO`].
    pub files: Vec<(&'static str, String)>,
    /// The design revision built in (`sim::fpga::design_revision` of the card's Verilog).
    pub firmware_id: u64,
    pub card_clock_mhz: f64,
    /// The MMCM's CLKOUT0_DIVIDE_F.
    pub mmcm_divide: f64,
}

/// The card's built capacities, as the capability registers report them.
pub fn capability(c: Capability, card_clock_mhz: f64) -> u32 {
    match c {
        Capability::OrdersMax => hdl::matcher::SLOTS as u32,
        Capability::Books => hdl::validator::INSTRUMENTS as u32,
        Capability::Accounts => hdl::validator::ACCOUNTS as u32,
        Capability::LevelsPerSide => hdl::matcher::LEVELS_PER_SIDE as u32,
        Capability::CardClockKhz => (card_clock_mhz * 1000.0).round() as u32,
    }
}

/// The MMCM's output divider for `card_clock_mhz`: the VCO over it, which the MMCM takes in
/// steps of 1/8 from 2 to 128; other clocks are refused.
pub fn mmcm_divide(card_clock_mhz: f64) -> Result<f64, Error> {
    let divide = VCO_MHZ / card_clock_mhz;
    let eighths = divide * 8.0;
    if !(2.0..=128.0).contains(&divide) || (eighths - eighths.round()).abs() > 1e-9 {
        return Err(Error::ToolFailed {
            tool: "card clock",
            message: format!(
                "{card_clock_mhz} MHz is not {VCO_MHZ} MHz over a divider in steps of 1/8 \
                 from 2 to 128 (e.g. 62.5, 80, 100, 125)"
            ),
        });
    }
    Ok(divide)
}

/// Generate the Vivado sources around `card` (rust-hdl Verilog, top module `top`).
pub fn design(card: &str, card_clock_mhz: f64) -> Result<XdmaDesign, Error> {
    let mmcm_divide = mmcm_divide(card_clock_mhz)?;
    let firmware_id = crate::fpga::design_revision(card);
    // The card's ports must be the ones the wrapper connects.
    let ports = crate::fpga::card_ports(card)?;
    let names: Vec<&str> = ports.iter().map(|p| p.name.as_str()).collect();
    let expected: Vec<&str> = crate::card::CARD_INPUTS
        .iter()
        .chain(crate::card::CARD_OUTPUTS)
        .map(|(n, _)| *n)
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort_unstable();
    if sorted != expected_sorted {
        return Err(Error::ToolFailed {
            tool: "card Verilog",
            message: format!("the card's ports {names:?} are not the wrapper's {expected:?}"),
        });
    }
    let card_v = format!(
        "// The card top (hdl::card::verilog), its module renamed `card`. Design revision \
         {firmware_id:016x}.\n{}",
        card.replacen("module top(", "module card(", 1)
    );
    Ok(XdmaDesign {
        files: vec![
            ("card.v", card_v),
            (
                "card_xdma.v",
                format!("{ASYNC_FIFO}\n{}", wrapper(firmware_id, card_clock_mhz)),
            ),
            ("ordo_u200.v", board_top(card_clock_mhz, mmcm_divide)),
            (
                BUILD_INFO,
                format!(
                    "# Generated by `ordo fpga vivado` (sim::xdma): what build.tcl builds.\n\
                     set ordo_firmware_id 0x{firmware_id:016x}\n\
                     set ordo_card_clock_mhz {card_clock_mhz}\n"
                ),
            ),
        ],
        firmware_id,
        card_clock_mhz,
        mmcm_divide,
    })
}

/// The clock-crossing FIFO: `2^ADDR` entries of `WIDTH` bits in distributed RAM (read
/// asynchronously, so the read side sees its head entry without a cycle of latency).
///
/// Writes land at `wr_ptr` but become visible only when committed (`wr_commit`, with or after
/// the write); `wr_abort` drops everything written since the last commit. The committed
/// pointer is published one entry per write-clock cycle, Gray-coded, so the read side's
/// two-flop synchronizer only ever sees one bit change at a time even when a whole record is
/// committed at once. `wr_full` counts uncommitted entries; `wr_empty` says the read side has
/// taken everything written (uncommitted entries included). `rd_last`: exactly one entry
/// visible.
pub const ASYNC_FIFO: &str = r#"// ordo_async_fifo (sim::xdma::ASYNC_FIFO): clock-crossing FIFO with Gray-coded pointers,
// write commit/abort, distributed RAM read asynchronously.
module ordo_async_fifo #(
    parameter WIDTH = 8,
    parameter ADDR = 4
) (
    input wire wr_clock,
    input wire wr_en,
    input wire [WIDTH-1:0] wr_data,
    input wire wr_commit,
    input wire wr_abort,
    output wire wr_full,
    output wire wr_empty,
    input wire rd_clock,
    input wire rd_en,
    output wire [WIDTH-1:0] rd_data,
    output wire rd_empty,
    output wire rd_last
);
    function automatic [ADDR:0] to_gray(input [ADDR:0] b);
        to_gray = b ^ (b >> 1);
    endfunction
    function automatic [ADDR:0] to_binary(input [ADDR:0] g);
        integer i;
        begin
            to_binary[ADDR] = g[ADDR];
            for (i = ADDR - 1; i >= 0; i = i - 1) to_binary[i] = to_binary[i + 1] ^ g[i];
        end
    endfunction
    (* ram_style = "distributed" *) reg [WIDTH-1:0] mem [0:(1 << ADDR) - 1];
    // Write side.
    reg [ADDR:0] wr_ptr = 0;
    reg [ADDR:0] wr_committed = 0;
    reg [ADDR:0] wr_published = 0;
    reg [ADDR:0] wr_gray = 0;
    (* ASYNC_REG = "TRUE" *) reg [ADDR:0] rd_gray_s1 = 0;
    (* ASYNC_REG = "TRUE" *) reg [ADDR:0] rd_gray_s2 = 0;
    wire [ADDR:0] rd_seen = to_binary(rd_gray_s2);
    wire [ADDR:0] wr_count = wr_ptr - rd_seen;
    assign wr_full = wr_count[ADDR];
    assign wr_empty = wr_ptr == rd_seen;
    wire wr_go = wr_en & ~wr_full & ~wr_abort;
    wire [ADDR:0] wr_next = wr_ptr + {{ADDR{1'b0}}, wr_go};
    always @(posedge wr_clock) begin
        if (wr_go) mem[wr_ptr[ADDR-1:0]] <= wr_data;
    end
    always @(posedge wr_clock) begin
        rd_gray_s1 <= rd_gray;
        rd_gray_s2 <= rd_gray_s1;
        if (wr_abort) begin
            wr_ptr <= wr_committed;
        end else begin
            wr_ptr <= wr_next;
            if (wr_commit) wr_committed <= wr_next;
        end
        if (wr_published != wr_committed) begin
            wr_published <= wr_published + 1'b1;
            wr_gray <= to_gray(wr_published + 1'b1);
        end
    end
    // Read side.
    reg [ADDR:0] rd_ptr = 0;
    reg [ADDR:0] rd_gray = 0;
    (* ASYNC_REG = "TRUE" *) reg [ADDR:0] wr_gray_s1 = 0;
    (* ASYNC_REG = "TRUE" *) reg [ADDR:0] wr_gray_s2 = 0;
    wire [ADDR:0] wr_seen = to_binary(wr_gray_s2);
    assign rd_empty = rd_ptr == wr_seen;
    assign rd_last = rd_ptr + 1'b1 == wr_seen;
    assign rd_data = mem[rd_ptr[ADDR-1:0]];
    always @(posedge rd_clock) begin
        wr_gray_s1 <= wr_gray;
        wr_gray_s2 <= wr_gray_s1;
        if (rd_en & ~rd_empty) begin
            rd_ptr <= rd_ptr + 1'b1;
            rd_gray <= to_gray(rd_ptr + 1'b1);
        end
    end
endmodule
"#;

fn hex32(v: u32) -> String {
    format!("32'h{v:08x}")
}

/// The read decode: one case arm per register of `abi::regs::REGISTERS`.
fn read_decode(firmware_id: u64, card_clock_mhz: f64) -> String {
    regs::REGISTERS
        .iter()
        .map(|r| {
            let value = match r.value {
                Value::Constant(v) => hex32(v),
                Value::FirmwareIdLo => hex32(firmware_id as u32),
                Value::FirmwareIdHi => hex32((firmware_id >> 32) as u32),
                Value::Capability(c) => hex32(capability(c, card_clock_mhz)),
                Value::Status(Status::Taken) => "status_taken".into(),
                Value::Status(Status::Answered) => "status_answered".into(),
                Value::Status(Status::Flags) => "status_flags".into(),
                Value::Status(Status::H2cDropped) => "h2c_dropped".into(),
            };
            format!(
                "                {}: s_axil_rdata <= {value}; // {}\n",
                hex32(r.offset),
                r.name
            )
        })
        .collect()
}

fn log2(v: u32) -> u32 {
    assert!(v.is_power_of_two());
    v.trailing_zeros()
}

/// The wrapper module `card_xdma`: the XDMA's streams and AXI-Lite master on one side, the
/// card on the other.
fn wrapper(firmware_id: u64, card_clock_mhz: f64) -> String {
    const BEAT_BITS: usize = 8 * regs::STREAM_BEAT_BYTES;
    const _: () = assert!(BEAT_BITS == 32 * hdl::deserializer::LANES);
    const _: () = assert!(2 * BEAT_BITS == 32 * hdl::event_serializer::LANES);
    const _: () = assert!(regs::H2C_RECORD_BEATS == 1 + hdl::deserializer::BEATS);
    // Header fields, as bit ranges of the header beat.
    let kind_lo = 8 * regs::H2C_KIND;
    let flags_lo = 8 * regs::H2C_FLAGS;
    let arrival_lo = 8 * regs::H2C_ARRIVAL_NS;
    let reserved_lo = 8 * regs::H2C_RESERVED;
    let signature_bit = flags_lo + regs::H2C_FLAG_SIGNATURE_OK.trailing_zeros() as usize;
    assert_eq!(regs::H2C_FLAG_SIGNATURE_OK.count_ones(), 1);
    assert_eq!(
        signature_bit, flags_lo,
        "the verdict is the flags' lowest bit"
    );
    assert_eq!(flags_lo + 32, arrival_lo);
    assert_eq!(arrival_lo + 64, reserved_lo);
    let message_beats = hdl::deserializer::BEATS;
    // Address decode of the configuration window: [CFG_WINDOW, CFG_WINDOW + 4 · addresses).
    let window_bits = log2(regs::CFG_ADDRESSES * regs::REGISTER_BYTES);
    let window_index = regs::CFG_WINDOW >> window_bits;
    let word_bits = log2(regs::REGISTER_BYTES);
    let cfg_bits = regs::CFG_ADDRESS_BITS;
    let h2c_width = BEAT_BITS + 64 + 1;
    let event_bits = 2 * BEAT_BITS;
    let cfg_width = cfg_bits + 32;
    let s_data: String = (0..hdl::deserializer::LANES)
        .map(|l| {
            format!(
                ",\n        .s_data{l}(h2c_rd_data[{}:{}])",
                32 * l + 31,
                32 * l
            )
        })
        .collect();
    let m_data: String = (0..hdl::event_serializer::LANES)
        .map(|l| {
            format!(
                ",\n        .m_data{l}(card_event[{}:{}])",
                32 * l + 31,
                32 * l
            )
        })
        .collect();
    let flag = |f: u32| f.trailing_zeros();
    let decode = read_decode(firmware_id, card_clock_mhz);
    format!(
        r#"// card_xdma (sim::xdma): the card behind the XDMA IP's 256-bit streams and AXI-Lite master.
// Register map, record layouts: docs/abi.md §17 (abi::regs). Design revision {firmware_id:016x}.
module card_xdma(
    input wire axi_aclk,
    input wire axi_aresetn,
    input wire card_clock,
    // Host to card (the XDMA's M_AXIS_H2C_0).
    input wire [{bh}:0] s_axis_h2c_tdata,
    input wire [{kh}:0] s_axis_h2c_tkeep,
    input wire s_axis_h2c_tlast,
    input wire s_axis_h2c_tvalid,
    output wire s_axis_h2c_tready,
    // Card to host (the XDMA's S_AXIS_C2H_0): every byte valid.
    output wire [{bh}:0] m_axis_c2h_tdata,
    output wire m_axis_c2h_tlast,
    output wire m_axis_c2h_tvalid,
    input wire m_axis_c2h_tready,
    // The register space (the XDMA's M_AXI_LITE: BAR offsets).
    input wire [31:0] s_axil_awaddr,
    input wire s_axil_awvalid,
    output wire s_axil_awready,
    input wire [31:0] s_axil_wdata,
    input wire [3:0] s_axil_wstrb,
    input wire s_axil_wvalid,
    output wire s_axil_wready,
    output wire [1:0] s_axil_bresp,
    output reg s_axil_bvalid,
    input wire s_axil_bready,
    input wire [31:0] s_axil_araddr,
    input wire s_axil_arvalid,
    output wire s_axil_arready,
    output reg [31:0] s_axil_rdata,
    output wire [1:0] s_axil_rresp,
    output reg s_axil_rvalid,
    input wire s_axil_rready,
    // Every flag of status.flags set (an LED).
    output wire quiet
);
    // ---- Host to card: records of one header beat and {message_beats} message beats (abi::regs::H2C_*).
    reg [2:0] h2c_beat = 3'd0;
    reg h2c_skip = 1'b0;
    reg [63:0] h2c_arrival = 64'd0;
    reg h2c_signature_ok = 1'b0;
    reg [31:0] h2c_dropped = 32'd0;
    wire h2c_full;
    wire h2c_wr_empty;
    wire h2c_keep_all = &s_axis_h2c_tkeep;
    wire h2c_header_ok = (s_axis_h2c_tdata[{kh2}:{kind_lo}] == {kind})
        & (s_axis_h2c_tdata[{fh}:{fl1}] == {fz}'d0)
        & (s_axis_h2c_tdata[{bh}:{reserved_lo}] == {rz}'d0)
        & h2c_keep_all & ~s_axis_h2c_tlast;
    wire h2c_message = ~h2c_skip & (h2c_beat != 3'd0);
    wire h2c_last_beat = h2c_beat == 3'd{message_beats};
    assign s_axis_h2c_tready = ~h2c_message | ~h2c_full;
    wire h2c_fire = s_axis_h2c_tvalid & s_axis_h2c_tready;
    // A message beat cut short (bytes missing, or the write ended inside the record).
    wire h2c_cut = h2c_fire & h2c_message
        & (~h2c_keep_all | (s_axis_h2c_tlast & ~h2c_last_beat));
    wire h2c_wr = h2c_fire & h2c_message & ~h2c_cut;
    always @(posedge axi_aclk) begin
        if (!axi_aresetn) begin
            if (h2c_beat != 3'd0) h2c_dropped <= h2c_dropped + 1'b1;
            h2c_beat <= 3'd0;
            h2c_skip <= 1'b0;
        end else if (h2c_fire) begin
            if (h2c_skip) begin
                if (s_axis_h2c_tlast) h2c_skip <= 1'b0;
            end else if (h2c_beat == 3'd0) begin
                if (h2c_header_ok) begin
                    h2c_beat <= 3'd1;
                    h2c_arrival <= s_axis_h2c_tdata[{ah}:{arrival_lo}];
                    h2c_signature_ok <= s_axis_h2c_tdata[{signature_bit}];
                end else begin
                    h2c_dropped <= h2c_dropped + 1'b1;
                    h2c_skip <= ~s_axis_h2c_tlast;
                end
            end else if (h2c_cut) begin
                h2c_dropped <= h2c_dropped + 1'b1;
                h2c_beat <= 3'd0;
                h2c_skip <= ~s_axis_h2c_tlast;
            end else begin
                h2c_beat <= h2c_last_beat ? 3'd0 : h2c_beat + 3'd1;
            end
        end
    end
    wire [{h2ch}:0] h2c_rd_data;
    wire h2c_rd_empty;
    wire card_s_ready;
    ordo_async_fifo #(.WIDTH({h2c_width}), .ADDR({addr})) h2c_fifo(
        .wr_clock(axi_aclk),
        .wr_en(h2c_wr),
        .wr_data({{h2c_signature_ok, h2c_arrival, s_axis_h2c_tdata}}),
        .wr_commit(h2c_wr & h2c_last_beat),
        .wr_abort(h2c_cut | ~axi_aresetn),
        .wr_full(h2c_full),
        .wr_empty(h2c_wr_empty),
        .rd_clock(card_clock),
        .rd_en(card_s_ready),
        .rd_data(h2c_rd_data),
        .rd_empty(h2c_rd_empty),
        // verilator lint_off PINCONNECTEMPTY
        .rd_last() // only the card-to-host side asks
        // verilator lint_on PINCONNECTEMPTY
    );
    // ---- Register space: writes to the configuration window become card configuration writes.
    wire cfg_full;
    wire cfg_wr_empty;
    wire axil_write = s_axil_awvalid & s_axil_wvalid & ~s_axil_bvalid & ~cfg_full;
    assign s_axil_awready = axil_write;
    assign s_axil_wready = axil_write;
    assign s_axil_bresp = 2'b00;
    wire cfg_write = axil_write & (s_axil_awaddr[31:{window_bits}] == {wz}'d{window_index})
        & (s_axil_awaddr[{wbh}:0] == {word_bits}'d0) & (s_axil_wstrb == 4'hf);
    always @(posedge axi_aclk) begin
        if (!axi_aresetn) s_axil_bvalid <= 1'b0;
        else if (axil_write) s_axil_bvalid <= 1'b1;
        else if (s_axil_bready) s_axil_bvalid <= 1'b0;
    end
    wire [{cfgh}:0] cfg_rd_data;
    wire cfg_rd_empty;
    ordo_async_fifo #(.WIDTH({cfg_width}), .ADDR({addr})) cfg_fifo(
        .wr_clock(axi_aclk),
        .wr_en(cfg_write),
        .wr_data({{s_axil_awaddr[{wah}:{word_bits}], s_axil_wdata}}),
        .wr_commit(cfg_write),
        .wr_abort(1'b0),
        .wr_full(cfg_full),
        .wr_empty(cfg_wr_empty),
        .rd_clock(card_clock),
        .rd_en(1'b1),
        .rd_data(cfg_rd_data),
        .rd_empty(cfg_rd_empty),
        // verilator lint_off PINCONNECTEMPTY
        .rd_last() // only the card-to-host side asks
        // verilator lint_on PINCONNECTEMPTY
    );
    // ---- The card, in its own clock.
    wire card_m_valid;
    wire [{eh}:0] card_event;
    wire c2h_full;
    wire [31:0] card_taken;
    wire [31:0] card_answered;
    wire card_idle;
    card card(
        .clock(card_clock),
        .cfg_valid(~cfg_rd_empty),
        .cfg_address(cfg_rd_data[{cfgh}:32]),
        .cfg_data(cfg_rd_data[31:0]),
        .s_valid(~h2c_rd_empty),
        .s_ready(card_s_ready){s_data},
        .s_arrival_ns(h2c_rd_data[{ah2}:{bits}]),
        .s_signature_ok(h2c_rd_data[{h2ch}]),
        .m_valid(card_m_valid),
        .m_ready(~c2h_full){m_data},
        .st_taken(card_taken),
        .st_answered(card_answered),
        .st_idle(card_idle)
    );
    // ---- Card to host: each 64-byte event as two beats, bytes 0..31 first. tlast ends an
    // event when no other was waiting as it started (a host read returns at a burst's end).
    wire [{eh}:0] c2h_rd_data;
    wire c2h_rd_empty;
    wire c2h_rd_last;
    wire c2h_wr_empty;
    reg c2h_half = 1'b0;
    reg c2h_last = 1'b0;
    assign m_axis_c2h_tvalid = ~c2h_rd_empty;
    assign m_axis_c2h_tdata = c2h_half ? c2h_rd_data[{eh}:{bits}] : c2h_rd_data[{bh}:0];
    assign m_axis_c2h_tlast = c2h_half & c2h_last;
    wire c2h_fire = m_axis_c2h_tvalid & m_axis_c2h_tready;
    always @(posedge axi_aclk) begin
        if (!axi_aresetn) begin
            c2h_half <= 1'b0;
        end else if (c2h_fire) begin
            c2h_half <= ~c2h_half;
            if (!c2h_half) c2h_last <= c2h_rd_last;
        end
    end
    ordo_async_fifo #(.WIDTH({event_bits}), .ADDR({addr})) c2h_fifo(
        .wr_clock(card_clock),
        .wr_en(card_m_valid),
        .wr_data(card_event),
        .wr_commit(card_m_valid),
        .wr_abort(1'b0),
        .wr_full(c2h_full),
        .wr_empty(c2h_wr_empty),
        .rd_clock(axi_aclk),
        .rd_en(c2h_fire & c2h_half),
        .rd_data(c2h_rd_data),
        .rd_empty(c2h_rd_empty),
        .rd_last(c2h_rd_last)
    );
    // ---- Status, card clock to bus clock: counters Gray-coded (they move by at most one a
    // card cycle), idle registered twice in the card's clock so that it arrives after the last
    // event's FIFO pointer.
    function automatic [31:0] gray_to_binary(input [31:0] g);
        integer i;
        begin
            gray_to_binary[31] = g[31];
            for (i = 30; i >= 0; i = i - 1) gray_to_binary[i] = gray_to_binary[i + 1] ^ g[i];
        end
    endfunction
    reg [31:0] taken_gray = 32'd0;
    reg [31:0] answered_gray = 32'd0;
    reg idle_r1 = 1'b0;
    reg idle_r2 = 1'b0;
    always @(posedge card_clock) begin
        taken_gray <= card_taken ^ (card_taken >> 1);
        answered_gray <= card_answered ^ (card_answered >> 1);
        idle_r1 <= card_idle & c2h_wr_empty;
        idle_r2 <= idle_r1;
    end
    (* ASYNC_REG = "TRUE" *) reg [31:0] taken_s1 = 32'd0;
    (* ASYNC_REG = "TRUE" *) reg [31:0] taken_s2 = 32'd0;
    (* ASYNC_REG = "TRUE" *) reg [31:0] answered_s1 = 32'd0;
    (* ASYNC_REG = "TRUE" *) reg [31:0] answered_s2 = 32'd0;
    (* ASYNC_REG = "TRUE" *) reg idle_s1 = 1'b0;
    (* ASYNC_REG = "TRUE" *) reg idle_s2 = 1'b0;
    reg [31:0] status_taken = 32'd0;
    reg [31:0] status_answered = 32'd0;
    always @(posedge axi_aclk) begin
        taken_s1 <= taken_gray;
        taken_s2 <= taken_s1;
        answered_s1 <= answered_gray;
        answered_s2 <= answered_s1;
        idle_s1 <= idle_r2;
        idle_s2 <= idle_s1;
        status_taken <= gray_to_binary(taken_s2);
        status_answered <= gray_to_binary(answered_s2);
    end
    wire [31:0] status_flags = ({{31'd0, idle_s2}} << {f_idle})
        | ({{31'd0, h2c_wr_empty & ~h2c_message}} << {f_h2c})
        | ({{31'd0, c2h_rd_empty}} << {f_c2h})
        | ({{31'd0, cfg_wr_empty}} << {f_cfg});
    assign quiet = status_flags == {quiet_mask};
    // ---- Register reads (abi::regs::REGISTERS); any other offset reads 0.
    assign s_axil_arready = ~s_axil_rvalid;
    assign s_axil_rresp = 2'b00;
    always @(posedge axi_aclk) begin
        if (!axi_aresetn) begin
            s_axil_rvalid <= 1'b0;
        end else if (s_axil_arvalid & s_axil_arready) begin
            s_axil_rvalid <= 1'b1;
            case (s_axil_araddr)
{decode}                default: s_axil_rdata <= 32'h00000000;
            endcase
        end else if (s_axil_rready) begin
            s_axil_rvalid <= 1'b0;
        end
    end
endmodule
"#,
        bh = BEAT_BITS - 1,
        kh = BEAT_BITS / 8 - 1,
        kh2 = kind_lo + 31,
        kind = hex32(regs::H2C_KIND_ORDER),
        fh = flags_lo + 31,
        fl1 = signature_bit + 1,
        fz = 31,
        rz = BEAT_BITS - reserved_lo,
        ah = arrival_lo + 63,
        h2ch = h2c_width - 1,
        addr = FIFO_ADDRESS_BITS,
        wz = 32 - window_bits,
        wbh = word_bits - 1,
        wah = word_bits + cfg_bits - 1,
        cfgh = cfg_width - 1,
        eh = event_bits - 1,
        ah2 = BEAT_BITS + 63,
        bits = BEAT_BITS,
        f_idle = flag(regs::FLAG_CARD_IDLE),
        f_h2c = flag(regs::FLAG_H2C_EMPTY),
        f_c2h = flag(regs::FLAG_C2H_EMPTY),
        f_cfg = flag(regs::FLAG_CFG_EMPTY),
        quiet_mask = hex32(regs::FLAGS_QUIET),
    )
}

/// The board top `ordo_u200`: PCIe reference clock and reset, the XDMA IP (`xdma_0`, made by
/// `build.tcl`), the card clock's MMCM, `card_xdma`, three LEDs.
fn board_top(card_clock_mhz: f64, mmcm_divide: f64) -> String {
    let lanes = 8;
    format!(
        r#"// ordo_u200 (sim::xdma): Alveo U200 top. PCIe Gen3 x{lanes} through the XDMA IP (xdma_0,
// AXI-Stream, one H2C and one C2H channel, AXI-Lite master on BAR0), the card at {card_clock_mhz} MHz.
module ordo_u200(
    input wire pcie_refclk_p,
    input wire pcie_refclk_n,
    input wire pcie_reset_n,
    input wire [{lh}:0] pci_exp_rxp,
    input wire [{lh}:0] pci_exp_rxn,
    output wire [{lh}:0] pci_exp_txp,
    output wire [{lh}:0] pci_exp_txn,
    output wire [2:0] led
);
    wire sys_clk;
    wire sys_clk_gt;
    wire sys_rst_n;
    // The PCIe reference clock: O to the GTs, ODIV2 (undivided with REFCLK_HROW_CK_SEL 00) to the IP.
    IBUFDS_GTE4 #(.REFCLK_HROW_CK_SEL(2'b00)) refclk_buf(
        .I(pcie_refclk_p),
        .IB(pcie_refclk_n),
        .CEB(1'b0),
        .O(sys_clk_gt),
        .ODIV2(sys_clk)
    );
    IBUF reset_buf(.I(pcie_reset_n), .O(sys_rst_n));
    wire axi_aclk;
    wire axi_aresetn;
    wire user_lnk_up;
    wire [255:0] h2c_tdata;
    wire [31:0] h2c_tkeep;
    wire h2c_tlast;
    wire h2c_tvalid;
    wire h2c_tready;
    wire [255:0] c2h_tdata;
    wire c2h_tlast;
    wire c2h_tvalid;
    wire c2h_tready;
    wire [31:0] axil_awaddr;
    wire axil_awvalid;
    wire axil_awready;
    wire [31:0] axil_wdata;
    wire [3:0] axil_wstrb;
    wire axil_wvalid;
    wire axil_wready;
    wire [1:0] axil_bresp;
    wire axil_bvalid;
    wire axil_bready;
    wire [31:0] axil_araddr;
    wire axil_arvalid;
    wire axil_arready;
    wire [31:0] axil_rdata;
    wire [1:0] axil_rresp;
    wire axil_rvalid;
    wire axil_rready;
    xdma_0 xdma(
        .sys_clk(sys_clk),
        .sys_clk_gt(sys_clk_gt),
        .sys_rst_n(sys_rst_n),
        .user_lnk_up(user_lnk_up),
        .pci_exp_txp(pci_exp_txp),
        .pci_exp_txn(pci_exp_txn),
        .pci_exp_rxp(pci_exp_rxp),
        .pci_exp_rxn(pci_exp_rxn),
        .axi_aclk(axi_aclk),
        .axi_aresetn(axi_aresetn),
        .usr_irq_req(1'b0),
        .m_axil_awaddr(axil_awaddr),
        .m_axil_awvalid(axil_awvalid),
        .m_axil_awready(axil_awready),
        .m_axil_wdata(axil_wdata),
        .m_axil_wstrb(axil_wstrb),
        .m_axil_wvalid(axil_wvalid),
        .m_axil_wready(axil_wready),
        .m_axil_bvalid(axil_bvalid),
        .m_axil_bresp(axil_bresp),
        .m_axil_bready(axil_bready),
        .m_axil_araddr(axil_araddr),
        .m_axil_arvalid(axil_arvalid),
        .m_axil_arready(axil_arready),
        .m_axil_rdata(axil_rdata),
        .m_axil_rresp(axil_rresp),
        .m_axil_rvalid(axil_rvalid),
        .m_axil_rready(axil_rready),
        .s_axis_c2h_tdata_0(c2h_tdata),
        .s_axis_c2h_tlast_0(c2h_tlast),
        .s_axis_c2h_tvalid_0(c2h_tvalid),
        .s_axis_c2h_tready_0(c2h_tready),
        .s_axis_c2h_tkeep_0({{32{{1'b1}}}}),
        .m_axis_h2c_tdata_0(h2c_tdata),
        .m_axis_h2c_tlast_0(h2c_tlast),
        .m_axis_h2c_tvalid_0(h2c_tvalid),
        .m_axis_h2c_tready_0(h2c_tready),
        .m_axis_h2c_tkeep_0(h2c_tkeep)
    );
    // The card clock: axi_aclk × {vco_mult} = {VCO_MHZ} MHz VCO, ÷ {mmcm_divide:.3} = {card_clock_mhz} MHz. Held in reset
    // while the link is down; the BUFGCE passes the clock only once the MMCM is locked, so the
    // card (which has no reset) never sees a clock out of specification.
    wire mmcm_feedback;
    wire mmcm_clock;
    wire mmcm_locked;
    wire card_clock;
    MMCME4_BASE #(
        .CLKIN1_PERIOD({axi_period:.3}),
        .CLKFBOUT_MULT_F({vco_mult:.3}),
        .DIVCLK_DIVIDE(1),
        .CLKOUT0_DIVIDE_F({mmcm_divide:.3})
    ) card_mmcm(
        .CLKIN1(axi_aclk),
        .CLKFBIN(mmcm_feedback),
        .CLKFBOUT(mmcm_feedback),
        .CLKOUT0(mmcm_clock),
        .LOCKED(mmcm_locked),
        .PWRDWN(1'b0),
        .RST(~axi_aresetn)
    );
    BUFGCE card_clock_buf(.I(mmcm_clock), .CE(mmcm_locked), .O(card_clock));
    wire quiet;
    card_xdma card_xdma(
        .axi_aclk(axi_aclk),
        .axi_aresetn(axi_aresetn),
        .card_clock(card_clock),
        .s_axis_h2c_tdata(h2c_tdata),
        .s_axis_h2c_tkeep(h2c_tkeep),
        .s_axis_h2c_tlast(h2c_tlast),
        .s_axis_h2c_tvalid(h2c_tvalid),
        .s_axis_h2c_tready(h2c_tready),
        .m_axis_c2h_tdata(c2h_tdata),
        .m_axis_c2h_tlast(c2h_tlast),
        .m_axis_c2h_tvalid(c2h_tvalid),
        .m_axis_c2h_tready(c2h_tready),
        .s_axil_awaddr(axil_awaddr),
        .s_axil_awvalid(axil_awvalid),
        .s_axil_awready(axil_awready),
        .s_axil_wdata(axil_wdata),
        .s_axil_wstrb(axil_wstrb),
        .s_axil_wvalid(axil_wvalid),
        .s_axil_wready(axil_wready),
        .s_axil_bresp(axil_bresp),
        .s_axil_bvalid(axil_bvalid),
        .s_axil_bready(axil_bready),
        .s_axil_araddr(axil_araddr),
        .s_axil_arvalid(axil_arvalid),
        .s_axil_arready(axil_arready),
        .s_axil_rdata(axil_rdata),
        .s_axil_rresp(axil_rresp),
        .s_axil_rvalid(axil_rvalid),
        .s_axil_rready(axil_rready),
        .quiet(quiet)
    );
    // LEDs: link up, card clock locked, card quiet (every status flag set).
    assign led = {{quiet, mmcm_locked, user_lnk_up}};
endmodule
"#,
        lh = lanes - 1,
        vco_mult = VCO_MULTIPLY,
        axi_period = 1000.0 / AXI_CLOCK_MHZ,
    )
}

/// Models of the Xilinx primitives and of the XDMA IP's ports that `ordo_u200` uses, for
/// `verilator --lint-only` **only**: never part of the Vivado project (`build.tcl` does not
/// name this file; Vivado has the real ones). Each output is tied off; each input is folded
/// into a dummy output so that lint sees it read.
pub const LINT_STUBS: &str = r#"// LINT ONLY (sim::xdma::LINT_STUBS): port models of the Xilinx primitives and of the
// XDMA IP that ordo_u200 instantiates, so that verilator --lint-only can check the top. Not
// a model of their behaviour; never added to the Vivado project.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNDRIVEN */
/* verilator lint_off UNUSEDPARAM */
module IBUFDS_GTE4 #(parameter [1:0] REFCLK_HROW_CK_SEL = 2'b00) (
    input wire I, input wire IB, input wire CEB, output wire O, output wire ODIV2);
    assign O = I;
    assign ODIV2 = I;
endmodule
module IBUF(input wire I, output wire O);
    assign O = I;
endmodule
module BUFGCE(input wire I, input wire CE, output wire O);
    assign O = I;
endmodule
module MMCME4_BASE #(
    parameter real CLKIN1_PERIOD = 4.0,
    parameter real CLKFBOUT_MULT_F = 4.0,
    parameter integer DIVCLK_DIVIDE = 1,
    parameter real CLKOUT0_DIVIDE_F = 10.0
) (
    input wire CLKIN1, input wire CLKFBIN, output wire CLKFBOUT, output wire CLKOUT0,
    output wire LOCKED, input wire PWRDWN, input wire RST);
    assign CLKFBOUT = CLKIN1;
    assign CLKOUT0 = CLKIN1;
    assign LOCKED = 1'b1;
endmodule
module xdma_0(
    input wire sys_clk, input wire sys_clk_gt, input wire sys_rst_n, output wire user_lnk_up,
    output wire [7:0] pci_exp_txp, output wire [7:0] pci_exp_txn,
    input wire [7:0] pci_exp_rxp, input wire [7:0] pci_exp_rxn,
    output wire axi_aclk, output wire axi_aresetn, input wire [0:0] usr_irq_req,
    output wire [31:0] m_axil_awaddr, output wire m_axil_awvalid, input wire m_axil_awready,
    output wire [31:0] m_axil_wdata, output wire [3:0] m_axil_wstrb, output wire m_axil_wvalid,
    input wire m_axil_wready, input wire m_axil_bvalid, input wire [1:0] m_axil_bresp,
    output wire m_axil_bready, output wire [31:0] m_axil_araddr, output wire m_axil_arvalid,
    input wire m_axil_arready, input wire [31:0] m_axil_rdata, input wire [1:0] m_axil_rresp,
    input wire m_axil_rvalid, output wire m_axil_rready,
    input wire [255:0] s_axis_c2h_tdata_0, input wire s_axis_c2h_tlast_0,
    input wire s_axis_c2h_tvalid_0, output wire s_axis_c2h_tready_0,
    input wire [31:0] s_axis_c2h_tkeep_0,
    output wire [255:0] m_axis_h2c_tdata_0, output wire m_axis_h2c_tlast_0,
    output wire m_axis_h2c_tvalid_0, input wire m_axis_h2c_tready_0,
    output wire [31:0] m_axis_h2c_tkeep_0);
    assign user_lnk_up = 1'b0;
    assign pci_exp_txp = 8'd0;
    assign pci_exp_txn = 8'd0;
    assign axi_aclk = sys_clk;
    assign axi_aresetn = sys_rst_n;
    assign m_axil_awaddr = 32'd0;
    assign m_axil_awvalid = 1'b0;
    assign m_axil_wdata = 32'd0;
    assign m_axil_wstrb = 4'd0;
    assign m_axil_wvalid = 1'b0;
    assign m_axil_bready = 1'b0;
    assign m_axil_araddr = 32'd0;
    assign m_axil_arvalid = 1'b0;
    assign m_axil_rready = 1'b0;
    assign s_axis_c2h_tready_0 = 1'b0;
    assign m_axis_h2c_tdata_0 = 256'd0;
    assign m_axis_h2c_tlast_0 = 1'b0;
    assign m_axis_h2c_tvalid_0 = 1'b0;
    assign m_axis_h2c_tkeep_0 = 32'd0;
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNDRIVEN */
/* verilator lint_on UNUSEDSIGNAL */
"#;

/// Write the generated files into `dir` (created if missing); returns their paths.
pub fn write(design: &XdmaDesign, dir: &std::path::Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let io = |path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| Error::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    design
        .files
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(io(&path))?;
            Ok(path)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Simulation of `card_xdma` through Verilator: an AXI-Lite master and the two streams driven
// by a C++ bench in the bus clock, the card in its own clock.

/// One step of the bench's AXI-Lite master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Write `data` at BAR offset `offset` (all four byte strobes).
    Write { offset: u32, data: u32 },
    /// Write with the byte strobes `strobe` (a partial write the card must ignore).
    WriteStrobe { offset: u32, data: u32, strobe: u8 },
    /// Read `offset`; its value is reported in [`BenchOutput::reads`].
    Read { offset: u32 },
    /// Read `offset` until `value & mask == expected` (at most [`POLLS_MAX`] reads, else the
    /// run fails); its last value is reported in [`BenchOutput::reads`].
    Poll {
        offset: u32,
        mask: u32,
        expected: u32,
    },
    /// Send every host-to-card beat (the bench's stream), waiting until the last is taken.
    Stream,
}

/// The most reads one [`Op::Poll`] makes.
pub const POLLS_MAX: u64 = 100_000;

/// One beat of a 256-bit stream: data (little-endian 64-bit words), byte enables, last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamBeat {
    pub data: [u64; 4],
    pub keep: u32,
    pub last: bool,
}

impl StreamBeat {
    /// The beat's 32 bytes.
    pub fn bytes(&self) -> [u8; regs::STREAM_BEAT_BYTES] {
        let mut bytes = [0u8; regs::STREAM_BEAT_BYTES];
        for (chunk, word) in bytes.chunks_mut(8).zip(self.data) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }

    /// A full beat of `bytes`.
    pub fn from_bytes(bytes: &[u8], last: bool) -> StreamBeat {
        assert_eq!(bytes.len(), regs::STREAM_BEAT_BYTES);
        let mut data = [0u64; 4];
        for (word, chunk) in data.iter_mut().zip(bytes.chunks(8)) {
            *word = u64::from_le_bytes(chunk.try_into().unwrap());
        }
        StreamBeat {
            data,
            keep: u32::MAX,
            last,
        }
    }
}

/// How the bench drives the wrapper.
#[derive(Debug, Clone)]
pub struct Bench {
    /// Clock periods, ps.
    pub axi_period_ps: u64,
    pub card_period_ps: u64,
    /// Percent of bus cycles in which the host-to-card stream offers nothing, and in which
    /// the card-to-host stream is not ready (both random, seeded).
    pub h2c_idle_percent: u32,
    pub c2h_stall_percent: u32,
    pub seed: u64,
    pub ops: Vec<Op>,
    pub beats: Vec<StreamBeat>,
}

/// What the bench saw.
#[derive(Debug, Clone)]
pub struct BenchOutput {
    /// The value of every [`Op::Read`] and [`Op::Poll`], in order.
    pub reads: Vec<u32>,
    /// The card-to-host beats, in order.
    pub c2h: Vec<StreamBeat>,
    /// Bus clock cycles run.
    pub axi_cycles: u64,
}

impl Bench {
    /// Build (cached) and run the wrapper around `card` through Verilator.
    pub fn run(&self, card: &str) -> Result<BenchOutput, Error> {
        let design = design(card, DEFAULT_CARD_CLOCK_MHZ)?;
        let verilog: String = design.files[..2]
            .iter()
            .map(|(_, text)| text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let driver = crate::verilator::VerilatedDriver::build_top(
            "card-xdma",
            &verilog,
            "card_xdma",
            BENCH_DRIVER,
        )?;
        let mut input: Vec<u64> = vec![
            self.axi_period_ps,
            self.card_period_ps,
            u64::from(self.h2c_idle_percent),
            u64::from(self.c2h_stall_percent),
            self.seed,
            POLLS_MAX,
            self.ops.len() as u64,
        ];
        for op in &self.ops {
            let (kind, offset, data, mask) = match *op {
                Op::Write { offset, data } => (0, offset, data, 0xF),
                Op::WriteStrobe {
                    offset,
                    data,
                    strobe,
                } => (0, offset, data, u32::from(strobe)),
                Op::Read { offset } => (1, offset, 0, 0),
                Op::Poll {
                    offset,
                    mask,
                    expected,
                } => (2, offset, expected, mask),
                Op::Stream => (3, 0, 0, 0),
            };
            input.extend([kind, offset.into(), data.into(), mask.into()]);
        }
        input.push(self.beats.len() as u64);
        for b in &self.beats {
            input.extend(b.data);
            input.push(u64::from(b.keep) | u64::from(b.last) << 32);
        }
        let bytes: Vec<u8> = input.iter().flat_map(|v| v.to_le_bytes()).collect();
        let (raw, printed) = driver.run(&bytes)?;
        let words: Vec<u64> = raw
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let malformed = || Error::ToolFailed {
            tool: "card_xdma bench",
            message: format!("malformed output ({} bytes): {printed}", raw.len()),
        };
        let (&status, rest) = words.split_first().ok_or_else(malformed)?;
        let (&axi_cycles, rest) = rest.split_first().ok_or_else(malformed)?;
        if status != 0 {
            return Err(Error::ToolFailed {
                tool: "card_xdma bench",
                message: format!("failed after {axi_cycles} bus cycles: {printed}"),
            });
        }
        let (&n_reads, rest) = rest.split_first().ok_or_else(malformed)?;
        let n_reads = n_reads as usize;
        if rest.len() < n_reads + 1 {
            return Err(malformed());
        }
        let reads = rest[..n_reads].iter().map(|&v| v as u32).collect();
        let n_beats = rest[n_reads] as usize;
        let beats = &rest[n_reads + 1..];
        if beats.len() != 5 * n_beats {
            return Err(malformed());
        }
        let c2h = beats
            .chunks(5)
            .map(|b| StreamBeat {
                data: [b[0], b[1], b[2], b[3]],
                keep: u32::MAX,
                last: b[4] != 0,
            })
            .collect();
        Ok(BenchOutput {
            reads,
            c2h,
            axi_cycles,
        })
    }
}

/// The bench: two clocks by their edges in time order; the AXI-Lite master and the streams
/// act in the bus clock (inputs settle after a rising edge, handshakes are sampled before the
/// next one, as registered logic in that clock would).
const BENCH_DRIVER: &str = r#"// ordo sim::xdma: bench for card_xdma (two clocks, AXI-Lite master, H2C and C2H streams).
#include "Vtop.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <vector>

static uint64_t rng_state;
static uint32_t next_random() {  // splitmix64
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

int main(int argc, char** argv) {
    if (argc != 3) { std::fprintf(stderr, "usage: model IN OUT\n"); return 2; }
    Verilated::commandArgs(1, argv);
    std::FILE* fin = std::fopen(argv[1], "rb");
    std::FILE* fout = std::fopen(argv[2], "wb");
    if (!fin || !fout) { std::perror("open"); return 2; }
    std::vector<uint64_t> in;
    uint64_t v;
    while (std::fread(&v, sizeof v, 1, fin) == 1) in.push_back(v);
    size_t p = 0;
    const uint64_t axi_half = in[p++] / 2, card_half = in[p++] / 2;
    const uint32_t h2c_idle = (uint32_t)in[p++], c2h_stall = (uint32_t)in[p++];
    rng_state = in[p++];
    const uint64_t polls_max = in[p++];
    const uint64_t n_ops = in[p++];
    const size_t ops = p;
    p += 4 * n_ops;
    const uint64_t n_beats = in[p++];
    const size_t beats = p;

    Vtop* top = new Vtop;
    uint64_t axi_next = axi_half, card_next = card_half;  // both clocks start low
    bool card_level = false;
    top->axi_aclk = 0; top->card_clock = 0; top->axi_aresetn = 0;
    top->eval();
    // Advance time to the next rising edge of axi_aclk (card edges before it, and the bus
    // clock's falling edge, are applied in time order), leaving the clock low.
    auto to_axi_rise = [&]() {
        for (;;) {
            bool axi_rise = !top->axi_aclk;
            if (card_next < axi_next || (card_next == axi_next && !axi_rise)) {
                card_level = !card_level; top->card_clock = card_level; top->eval();
                card_next += card_half;
            } else if (!axi_rise) {
                top->axi_aclk = 0; top->eval(); axi_next += axi_half;
            } else {
                return;
            }
        }
    };
    auto axi_rise = [&]() { top->axi_aclk = 1; top->eval(); axi_next += axi_half; };

    std::vector<uint64_t> reads, c2h;
    uint64_t cycles = 0, status = 0;
    // Reset for 8 bus cycles.
    for (int i = 0; i < 8; i++) { to_axi_rise(); axi_rise(); cycles++; }
    top->axi_aresetn = 1;
    top->m_axis_c2h_tready = 0;
    uint64_t op = 0, beat = 0, polls = 0;
    int phase = 0;  // 0: start the op; 1: address/data offered; 2: waiting for the response
    bool streaming = false;
    const uint64_t cycles_max = 50000000;
    for (;;) {
        if (op == n_ops) {
            // Drain: a few hundred cycles more, nothing may arrive.
            static uint64_t tail = 0;
            if (++tail > 400) break;
        }
        to_axi_rise();
        top->eval();
        bool h2c_fire = top->s_axis_h2c_tvalid && top->s_axis_h2c_tready;
        bool c2h_fire = top->m_axis_c2h_tvalid && top->m_axis_c2h_tready;
        if (c2h_fire) {
            for (int w = 0; w < 4; w++)
                c2h.push_back((uint64_t)top->m_axis_c2h_tdata[2 * w] | ((uint64_t)top->m_axis_c2h_tdata[2 * w + 1] << 32));
            c2h.push_back(top->m_axis_c2h_tlast);
        }
        bool w_fire = top->s_axil_awvalid && top->s_axil_awready;
        bool b_fire = top->s_axil_bvalid && top->s_axil_bready;
        bool ar_fire = top->s_axil_arvalid && top->s_axil_arready;
        bool r_fire = top->s_axil_rvalid && top->s_axil_rready;
        uint32_t rdata = top->s_axil_rdata;
        axi_rise();
        cycles++;
        if (cycles > cycles_max) { status = 2; break; }
        // The streams.
        if (h2c_fire) beat++;
        top->m_axis_c2h_tready = (next_random() % 100) >= c2h_stall;
        bool offer = streaming && beat < n_beats && (next_random() % 100) >= h2c_idle;
        top->s_axis_h2c_tvalid = offer;
        if (beat < n_beats) {
            const uint64_t* b = &in[beats + 5 * beat];
            for (int w = 0; w < 4; w++) {
                top->s_axis_h2c_tdata[2 * w] = (uint32_t)b[w];
                top->s_axis_h2c_tdata[2 * w + 1] = (uint32_t)(b[w] >> 32);
            }
            top->s_axis_h2c_tkeep = (uint32_t)b[4];
            top->s_axis_h2c_tlast = (b[4] >> 32) & 1;
        }
        if (streaming && beat == n_beats) { streaming = false; op++; phase = 0; }
        // The AXI-Lite master: one op at a time.
        if (op < n_ops && !streaming) {
            const uint64_t* o = &in[ops + 4 * op];
            uint64_t kind = o[0];
            if (phase == 0) {
                if (kind == 3) { streaming = true; }
                else if (kind == 0) {
                    top->s_axil_awaddr = (uint32_t)o[1]; top->s_axil_wdata = (uint32_t)o[2];
                    top->s_axil_wstrb = (uint32_t)o[3];
                    top->s_axil_awvalid = 1; top->s_axil_wvalid = 1; top->s_axil_bready = 1;
                    phase = 1;
                } else {
                    top->s_axil_araddr = (uint32_t)o[1];
                    top->s_axil_arvalid = 1; top->s_axil_rready = 1;
                    phase = 1;
                }
            } else if (kind == 0) {
                if (w_fire) { top->s_axil_awvalid = 0; top->s_axil_wvalid = 0; phase = 2; }
                if (phase == 2 && b_fire) { top->s_axil_bready = 0; op++; phase = 0; }
            } else {
                if (ar_fire) { top->s_axil_arvalid = 0; phase = 2; }
                if (phase == 2 && r_fire) {
                    top->s_axil_rready = 0;
                    phase = 0;
                    if (kind == 1 || (rdata & (uint32_t)o[3]) == (uint32_t)o[2]) {
                        reads.push_back(rdata); op++; polls = 0;
                    } else if (++polls >= polls_max) {
                        std::fprintf(stderr, "op %llu: poll of 0x%llx never matched (last 0x%x)\n",
                                     (unsigned long long)op, (unsigned long long)o[1], rdata);
                        status = 1;
                        break;
                    }
                }
            }
        }
    }
    top->final();
    delete top;
    uint64_t n = reads.size();
    std::fwrite(&status, sizeof status, 1, fout);
    std::fwrite(&cycles, sizeof cycles, 1, fout);
    std::fwrite(&n, sizeof n, 1, fout);
    std::fwrite(reads.data(), sizeof(uint64_t), n, fout);
    n = c2h.size() / 5;
    std::fwrite(&n, sizeof n, 1, fout);
    std::fwrite(c2h.data(), sizeof(uint64_t), c2h.size(), fout);
    return std::fclose(fout) == 0 ? 0 : 1;
}
"#;

// ---------------------------------------------------------------------------------------
// The build script without Vivado: `tclsh` runs it with every Vivado command it uses replaced
// by a procedure that records the call, and the XDC files it reads are sourced the same way.

/// The Vivado commands `build.tcl` and its XDC files may call, each stubbed to record its
/// arguments. A command not in this list is an error (`unknown` is replaced), so a misspelt
/// or new command fails the check until it is added here on purpose.
pub const VIVADO_COMMANDS: &[&str] = &[
    "add_cells_to_pblock",
    "create_clock",
    "create_generated_clock",
    "create_ip",
    "create_pblock",
    "create_project",
    "current_design",
    "generate_target",
    "get_cells",
    "get_clocks",
    "get_ips",
    "get_pblocks",
    "get_pins",
    "get_ports",
    "get_property",
    "get_timing_paths",
    "opt_design",
    "phys_opt_design",
    "place_design",
    "read_verilog",
    "read_xdc",
    "report_cdc",
    "report_timing_summary",
    "report_utilization",
    "resize_pblock",
    "route_design",
    "set_false_path",
    "set_max_delay",
    "set_param",
    "set_property",
    "synth_design",
    "synth_ip",
    "write_bitstream",
    "write_cfgmem",
    "write_checkpoint",
];

const TCL_HARNESS: &str = r#"# ordo sim::xdma: run a Vivado script under tclsh with recording stubs.
set ::ordo_calls {}
proc unknown {args} { error "not a Vivado command the stubs know: [lindex $args 0]" }
foreach command $::ordo_commands {
    proc $command {args} [format {
        lappend ::ordo_calls [linsert $args 0 %s]
        return [list %s {*}$args]
    } $command $command]
}
# Values the script computes with: slacks and periods in ns.
proc get_property {name object} {
    lappend ::ordo_calls [list get_property $name $object]
    switch -- $name {
        SLACK { return 0.250 }
        PERIOD { return 12.500 }
        default { return "<$name>" }
    }
}
# The XDC files are Tcl too: source them with the same stubs.
proc read_xdc {args} {
    lappend ::ordo_calls [linsert $args 0 read_xdc]
    set file [lindex $args end]
    if {![file exists $file]} { error "read_xdc: no file $file" }
    uplevel #0 [list source $file]
}
proc read_verilog {args} {
    lappend ::ordo_calls [linsert $args 0 read_verilog]
    set file [lindex $args end]
    if {![file exists $file]} { error "read_verilog: no file $file" }
}
source [lindex $argv 0]
set out [open [lindex $argv 1] w]
foreach call $::ordo_calls { puts $out $call }
close $out
"#;

/// Run `script` under `tclsh` with [`VIVADO_COMMANDS`] stubbed (the generated files in
/// `gen_dir`, products in `out_dir`); returns every Vivado call it made, in order, each as
/// its words.
pub fn run_tcl_stubbed(
    script: &std::path::Path,
    gen_dir: &std::path::Path,
    out_dir: &std::path::Path,
) -> Result<Vec<Vec<String>>, Error> {
    let harness = out_dir.join("harness.tcl");
    let calls = out_dir.join("calls.txt");
    let io = |path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| Error::Io { path, source }
    };
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    std::fs::write(
        &harness,
        format!(
            "set ::ordo_commands {{{}}}\n{TCL_HARNESS}",
            VIVADO_COMMANDS.join(" ")
        ),
    )
    .map_err(io(&harness))?;
    let output = std::process::Command::new("tclsh")
        .arg(&harness)
        .arg(script)
        .arg(&calls)
        .env("ORDO_GEN_DIR", gen_dir)
        .env("ORDO_OUT_DIR", out_dir)
        .output()
        .map_err(|_| Error::ToolMissing { tool: "tclsh" })?;
    if !output.status.success() {
        return Err(Error::ToolFailed {
            tool: "tclsh",
            message: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        });
    }
    let text = std::fs::read_to_string(&calls).map_err(io(&calls))?;
    // One Tcl list per line: split it into words with tclsh's own rules would need tclsh
    // again; the calls' words contain no nested lists but braces around some.
    Ok(text.lines().map(tcl_words).collect())
}

/// The words of one line written by Tcl's `puts` of a list (braces group, no escapes used).
fn tcl_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == ' ' {
            chars.next();
        } else if c == '{' {
            chars.next();
            let mut depth = 1;
            let mut word = String::new();
            for c in chars.by_ref() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                word.push(c);
            }
            words.push(word);
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            words.push(word);
        }
    }
    words
}
