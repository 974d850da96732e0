//! The ULX3S board (ECP5-85F): its top Verilog and constraints around `hdl::board_link`,
//! and a host that talks to the top through Verilator over simulated UART lines.
//!
//! ```text
//!  clk_25mhz ─▶ EHXPLLL ─▶ clock (CARD_CLOCK_HZ) ──────────────┐
//!  btn_fire1 ─▶ sync ─┐    locked ─▶ sync ─┐                   ▼
//!                     └──▶ power-on / button reset ─▶ hold ─▶ BoardLink ─▶ led[3:0]
//!  ftdi_txd (host → FPGA) ─────────────────────────────────▶ rx      tx ─▶ ftdi_rxd
//! ```
//!
//! The clock is written in one place, [`PLL`]: the card clock, the UART divisor (for
//! [`BAUD`], exact) and the LPF's constraint all derive from it. Under Verilator (`ifdef
//! VERILATOR`, the only conditional in the top) the PLL is replaced by `clock = clk_25mhz`,
//! `locked = 1`; [`pll_bypass`] checks that this is the only difference. The board's reset
//! (power-up, the PLL losing lock, FIRE1 held) holds the link (`hold`: the line taken as idle,
//! a partial record dropped) for [`RESET_CYCLES`] after it ends; the card itself has no reset
//! (its registers and RAMs start from the bitstream's initial values): reloading the
//! bitstream resets it.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use abi::link::{CardReader, CardRecord, HostRecord, LinkStatus, Window};

use crate::verilator::VerilatedDriver;
use crate::Error;

/// The board's oscillator.
pub const OSCILLATOR_HZ: u64 = 25_000_000;

/// The ECP5 PLL's dividers: card clock = 25 MHz × `clkfb_div` / `clki_div`, the VCO at
/// clock × `clkop_div` (ecppll's output for `-i 25 -o 15`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pll {
    pub clki_div: u64,
    pub clkfb_div: u64,
    pub clkop_div: u64,
}

/// The card's clock on the ULX3S: 15 MHz, the highest PLL output below the card's achieved
/// Fmax (27.6 MHz) that divides exactly into a baud rate the FT231X makes (3 Mbaud): the link,
/// not the card, bounds the board's throughput (an order record is 1,520 bit periods).
pub const PLL: Pll = Pll {
    clki_div: 5,
    clkfb_div: 3,
    clkop_div: 40,
};
/// The card clock.
pub const CARD_CLOCK_HZ: u64 = OSCILLATOR_HZ * PLL.clkfb_div / PLL.clki_div;
/// The host link's baud rate (the contract's, `abi::link::BAUD`).
pub const BAUD: u64 = abi::link::BAUD;
/// Clock cycles per bit on the link.
pub const DIVISOR: u64 = CARD_CLOCK_HZ / BAUD;
/// Cycles the link is held after the reset ends (the PLL locked, FIRE1 released).
pub const RESET_CYCLES: u64 = 256;

const _: () = assert!((OSCILLATOR_HZ * PLL.clkfb_div).is_multiple_of(PLL.clki_div));
const _: () = assert!(CARD_CLOCK_HZ.is_multiple_of(BAUD), "an exact divisor");
const _: () = assert!(DIVISOR >= 4, "the UART needs 4 cycles per bit");
// ECP5 sysCLOCK PLL: phase detector ≥ 3.125 MHz, VCO 400–800 MHz.
const _: () = assert!(OSCILLATOR_HZ / PLL.clki_div >= 3_125_000);
const _: () = assert!(CARD_CLOCK_HZ * PLL.clkop_div >= 400_000_000);
const _: () = assert!(CARD_CLOCK_HZ * PLL.clkop_div <= 800_000_000);

/// The card clock in MHz (the LPF's constraint, the Fmax the build must reach).
pub fn card_clock_mhz() -> f64 {
    CARD_CLOCK_HZ as f64 / 1e6
}

/// The board top.
#[derive(Debug, Clone)]
pub struct Ulx3sTop {
    /// The board link's modules and the board's `top`.
    pub verilog: String,
    /// The constraints (real ball names of the ULX3S v3.x, ulx3s_v20.lpf).
    pub lpf: String,
    /// The firmware id: the design revision of the board link's Verilog (the card included).
    pub firmware_id: u64,
}

/// The pins: (port, ball, IO settings, what it is on the board).
pub const PINS: &[(&str, &str, &str, &str)] = &[
    (
        "clk_25mhz",
        "G2",
        "PULLMODE=NONE IO_TYPE=LVCMOS33",
        "25 MHz oscillator",
    ),
    (
        "ftdi_txd",
        "M1",
        "PULLMODE=UP IO_TYPE=LVCMOS33",
        "FT231X TXD: the FPGA receives",
    ),
    (
        "ftdi_rxd",
        "L4",
        "PULLMODE=UP IO_TYPE=LVCMOS33 DRIVE=4",
        "FT231X RXD: the FPGA transmits",
    ),
    (
        "btn_fire1",
        "R1",
        "PULLMODE=DOWN IO_TYPE=LVCMOS33",
        "btn[1] FIRE1 (high when pressed)",
    ),
    (
        "wifi_gpio0",
        "L2",
        "PULLMODE=UP IO_TYPE=LVCMOS33 DRIVE=4",
        "ESP32 GPIO0: held high so the ESP32 does not reset the board",
    ),
    (
        "led[0]",
        "B2",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "the card is idle",
    ),
    (
        "led[1]",
        "C2",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "a record was dropped (length, CRC, kind)",
    ),
    (
        "led[2]",
        "C1",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "an overrun (window broken, UART byte lost)",
    ),
    (
        "led[3]",
        "D2",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "a UART framing error",
    ),
    (
        "led[4]",
        "D1",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "off",
    ),
    (
        "led[5]",
        "E2",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "the link is held in reset",
    ),
    (
        "led[6]",
        "E1",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "the PLL is locked",
    ),
    (
        "led[7]",
        "H3",
        "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4",
        "heartbeat (~0.9 Hz)",
    ),
];

/// The PLL's instance, as `ecppll -i 25 -o 15` writes it.
fn pll_instance() -> String {
    format!(
        "    (* FREQUENCY_PIN_CLKI=\"{fin}\" *) (* FREQUENCY_PIN_CLKOP=\"{fout}\" *)
    (* ICP_CURRENT=\"12\" *) (* LPF_RESISTOR=\"8\" *) (* MFG_ENABLE_FILTEROPAMP=\"1\" *) (* MFG_GMCREF_SEL=\"2\" *)
    EHXPLLL #(
        .PLLRST_ENA(\"DISABLED\"), .INTFB_WAKE(\"DISABLED\"), .STDBY_ENABLE(\"DISABLED\"),
        .DPHASE_SOURCE(\"DISABLED\"), .OUTDIVIDER_MUXA(\"DIVA\"), .OUTDIVIDER_MUXB(\"DIVB\"),
        .OUTDIVIDER_MUXC(\"DIVC\"), .OUTDIVIDER_MUXD(\"DIVD\"),
        .CLKI_DIV({clki}), .CLKOP_ENABLE(\"ENABLED\"), .CLKOP_DIV({clkop}),
        .CLKOP_CPHASE({cphase}), .CLKOP_FPHASE(0), .FEEDBK_PATH(\"CLKOP\"), .CLKFB_DIV({clkfb})
    ) pll (
        .RST(1'b0), .STDBY(1'b0), .CLKI(clk_25mhz), .CLKOP(clock), .CLKFB(clock), .CLKINTFB(),
        .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1),
        .PHASELOADREG(1'b1), .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .LOCK(locked)
    );
",
        fin = OSCILLATOR_HZ / 1_000_000,
        fout = CARD_CLOCK_HZ / 1_000_000,
        clki = PLL.clki_div,
        clkop = PLL.clkop_div,
        cphase = (PLL.clkop_div - 1) / 2,
        clkfb = PLL.clkfb_div,
    )
}

/// The Verilator branch of the clock: the oscillator is the card clock, always locked.
const PLL_BYPASS: &str = "    assign clock = clk_25mhz;\n    assign locked = 1'b1;\n";

/// The board link's Verilog (`hdl::board_link`), which [`ulx3s_top`] wraps.
pub fn board_link_verilog() -> String {
    hdl::board_link::verilog()
}

/// Wrap `board_link` (rust-hdl Verilog of `hdl::board_link::BoardLink`, top module `top`).
pub fn ulx3s_top(board_link: &str) -> Ulx3sTop {
    let firmware_id = crate::fpga::design_revision(board_link);
    let mut v = board_link.replacen("module top(", "module board_link(", 1);
    let heartbeat_bits = 64 - (CARD_CLOCK_HZ / 2).leading_zeros();
    v.push_str(&format!(
        "
// ordo ULX3S board top (sim::board::ulx3s_top): the card clock {mhz} MHz from the 25 MHz
// oscillator through the PLL, the link at {baud} baud ({div} cycles per bit) on the FT231X,
// status on the LEDs. Design revision {firmware_id:016x}.
module top(clk_25mhz, ftdi_txd, ftdi_rxd, btn_fire1, led, wifi_gpio0);
    input wire clk_25mhz;
    input wire ftdi_txd;
    output wire ftdi_rxd;
    input wire btn_fire1;
    output wire [7:0] led;
    output wire wifi_gpio0;
    wire clock;
    wire locked;
`ifdef VERILATOR
{PLL_BYPASS}`else
{pll}`endif
    // Reset: the PLL's lock and the button, synchronized; the link held {reset} cycles after.
    reg [1:0] locked_s = 2'b00;
    reg [1:0] button_s = 2'b00;
    reg [8:0] reset_count = 9'd0;
    reg ready = 1'b0;
    always @(posedge clock) begin
        locked_s <= {{locked_s[0], locked}};
        button_s <= {{button_s[0], btn_fire1}};
        if (!locked_s[1] || button_s[1]) begin
            reset_count <= 9'd0;
            ready <= 1'b0;
        end else if (reset_count != 9'd{reset}) begin
            reset_count <= reset_count + 9'd1;
        end else begin
            ready <= 1'b1;
        end
    end
    reg [{hb}:0] heartbeat = 0;
    always @(posedge clock) heartbeat <= heartbeat + 1'b1;
    wire led_idle, led_bad_record, led_overrun, led_frame_error;
    board_link link(
        .clock(clock),
        .rx(ftdi_txd),
        .tx(ftdi_rxd),
        .divisor(16'd{div}),
        .firmware_id(64'h{firmware_id:016x}),
        .hold(!ready),
        .led_idle(led_idle),
        .led_bad_record(led_bad_record),
        .led_overrun(led_overrun),
        .led_frame_error(led_frame_error)
    );
    assign led = {{heartbeat[{hb}], locked_s[1], !ready, 1'b0, led_frame_error, led_overrun,
                   led_bad_record, led_idle}};
    assign wifi_gpio0 = 1'b1;
endmodule
",
        mhz = card_clock_mhz(),
        baud = BAUD,
        div = DIVISOR,
        pll = pll_instance(),
        reset = RESET_CYCLES,
        hb = heartbeat_bits - 1,
    ));
    Ulx3sTop {
        verilog: v,
        lpf: lpf(),
        firmware_id,
    }
}

/// The ULX3S constraints for the top's pins, and the clocks.
pub fn lpf() -> String {
    let mut lpf = String::from(
        "# ordo ULX3S (ECP5-85F, CABGA381) board top: generated by sim::board::lpf.\n\
         # Balls from the ULX3S v3.x constraints (ulx3s_v20.lpf).\n\
         BLOCK RESETPATHS;\nBLOCK ASYNCPATHS;\n\
         SYSCONFIG CONFIG_IOVOLTAGE=3.3 COMPRESS_CONFIG=ON MCCLK_FREQ=62 MASTER_SPI_PORT=DISABLE SLAVE_SPI_PORT=DISABLE SLAVE_PARALLEL_PORT=DISABLE;\n",
    );
    for (port, ball, io, what) in PINS {
        lpf.push_str(&format!(
            "LOCATE COMP \"{port}\" SITE \"{ball}\"; # {what}\nIOBUF PORT \"{port}\" {io};\n"
        ));
    }
    lpf.push_str(&format!(
        "FREQUENCY PORT \"clk_25mhz\" {} MHZ;\nFREQUENCY NET \"clock\" {} MHZ;\n",
        OSCILLATOR_HZ / 1_000_000,
        card_clock_mhz()
    ));
    lpf
}

/// The two branches of the top's one `ifdef VERILATOR`: (Verilator's, synthesis's). Every
/// other conditional must be a block RAM's body choice (`ifdef ORDO_DP16KD`, `hdl::bram`),
/// which the Verilator run and the synthesis of the board top resolve alike.
pub fn pll_bypass(top: &str) -> Result<(String, String), String> {
    let conditionals = top.matches("`ifdef").count();
    let rams = top.matches("`ifdef ORDO_DP16KD\n").count();
    if top.matches("`ifdef VERILATOR\n").count() != 1 || conditionals != rams + 1 {
        return Err(
            "the top must have exactly one `ifdef VERILATOR ... `else ... `endif besides the \
             block RAMs' `ifdef ORDO_DP16KD"
                .into(),
        );
    }
    let start = top
        .find("`ifdef VERILATOR\n")
        .ok_or("no `ifdef VERILATOR")?;
    let rest = &top[start + "`ifdef VERILATOR\n".len()..];
    let (sim, rest) = rest.split_once("`else\n").ok_or("no `else")?;
    let (synth, _) = rest.split_once("`endif\n").ok_or("no `endif")?;
    Ok((sim.to_string(), synth.to_string()))
}

/// A reply of the board driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// A byte arrived on the card's line.
    Byte(u8),
    /// The bytes queued for the card have all gone out.
    Drained,
    /// The cycles asked for have run.
    Ran,
    /// A byte from the card had a low stop bit.
    FrameError,
}

/// The board top under Verilator, with a simulated FT231X on both lines: bytes queued are
/// sent on `ftdi_txd` back to back (8N1 at [`DIVISOR`] cycles per bit), and `ftdi_rxd` is
/// sampled at each bit's middle.
pub struct BoardSim {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    /// Cycles run, and the LEDs, as of the last reply.
    pub cycle: u64,
    pub leds: u8,
}

impl BoardSim {
    /// Build (or find in the cache) the top's Verilator model and start it.
    pub fn start(top: &Ulx3sTop) -> Result<BoardSim, Error> {
        let driver = VerilatedDriver::build("ulx3s-board", &top.verilog, DRIVER)?;
        let mut child = Command::new(driver.binary())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|source| Error::Io {
                path: driver.binary().display().to_string(),
                source,
            })?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let mut sim = BoardSim {
            child,
            stdin,
            stdout,
            cycle: 0,
            leds: 0,
        };
        sim.write(&[DIVISOR])?;
        Ok(sim)
    }

    fn write(&mut self, words: &[u64]) -> Result<(), Error> {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.stdin.write_all(&bytes).map_err(pipe)
    }

    /// Queue `bytes` for the line to the card.
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.write(&[1, bytes.len() as u64])?;
        self.stdin.write_all(bytes).map_err(pipe)
    }

    /// Run until a byte arrives, the queue drains (if it held bytes), or `cycles` have run.
    pub fn run(&mut self, cycles: u64) -> Result<Reply, Error> {
        self.write(&[2, cycles])?;
        self.stdin.flush().map_err(pipe)?;
        let mut raw = [0u8; 32];
        self.stdout.read_exact(&mut raw).map_err(pipe)?;
        let word = |i: usize| u64::from_le_bytes(raw[8 * i..8 * i + 8].try_into().unwrap());
        self.cycle = word(2);
        self.leds = word(3) as u8;
        Ok(match word(0) {
            1 => Reply::Byte(word(1) as u8),
            2 => Reply::Drained,
            3 => Reply::Ran,
            _ => Reply::FrameError,
        })
    }
}

impl Drop for BoardSim {
    fn drop(&mut self) {
        let _ = self.write(&[0]);
        let _ = self.child.wait();
    }
}

fn pipe(source: std::io::Error) -> Error {
    Error::Io {
        path: "board driver pipe".into(),
        source,
    }
}

/// What the host sends, in order: records (orders and configuration writes count in the
/// window) or raw bytes (bad records, noise: sent as they are, outside the window).
#[derive(Debug, Clone)]
pub enum Item {
    Record(HostRecord),
    Bytes(Vec<u8>),
}

/// A host session's result.
#[derive(Debug, Clone)]
pub struct Session {
    /// The card's event records (64 bytes each, as the card emits them), in order.
    pub events: Vec<u8>,
    /// The last status report (every order answered, the card idle).
    pub status: LinkStatus,
    /// Status reports received.
    pub reports: usize,
    pub cycles: u64,
    pub leds: u8,
    /// Most records the host ever had unacknowledged.
    pub in_flight_max: u64,
}

/// Cycles without a byte from the card or a byte sent after which a session is an error.
pub const SESSION_WATCHDOG_CYCLES: u64 = 2_000_000;

/// Run `items` through the board as the host driver does: at most
/// [`abi::link::WINDOW_RECORDS`] records unacknowledged (orders acknowledged by their first
/// event, anything by a status report, requested when the window is full and no order is
/// outstanding to open it), then status reports until the card is idle with every order
/// answered.
pub fn session(sim: &mut BoardSim, items: &[Item]) -> Result<Session, Error> {
    let fail = |message: String| Error::ToolFailed {
        tool: "board session",
        message,
    };
    // Out of reset first.
    while sim.run(2 * RESET_CYCLES + 16)? != Reply::Ran {}
    let orders = items
        .iter()
        .filter(|i| matches!(i, Item::Record(HostRecord::Order { .. })))
        .count() as u64;
    let (mut window, mut reader) = (Window::new(), CardReader::new());
    let (mut next, mut events, mut reports) = (0usize, Vec::new(), 0usize);
    let (mut status_outstanding, mut in_flight_max) = (false, 0u64);
    let mut last_status: Option<LinkStatus> = None;
    loop {
        // Queue what the window allows.
        let mut bytes = Vec::new();
        while let Some(item) = items.get(next) {
            match item {
                Item::Bytes(b) => bytes.extend_from_slice(b),
                Item::Record(r) => {
                    if *r != HostRecord::StatusRequest && !window.may_send() {
                        break;
                    }
                    window.sent(r);
                    r.write(&mut bytes);
                }
            }
            next += 1;
        }
        in_flight_max = in_flight_max.max(window.in_flight());
        let done_sending = next == items.len();
        let orders_open = window.orders_started() < sent_orders(items, next);
        let finished = last_status.is_some_and(|s| {
            s.idle && u64::from(s.answered) == orders && u64::from(s.taken) == orders
        });
        if done_sending && finished {
            break;
        }
        // A status report when nothing else will open the window or end the session.
        let blocked = !done_sending && !window.may_send() && !orders_open;
        let draining = done_sending && !orders_open;
        if (blocked || draining) && !status_outstanding {
            HostRecord::StatusRequest.write(&mut bytes);
            status_outstanding = true;
        }
        if !bytes.is_empty() {
            sim.send(&bytes)?;
        }
        match sim.run(SESSION_WATCHDOG_CYCLES)? {
            Reply::Byte(b) => {
                for record in reader.push(&[b]).map_err(|e| fail(e.to_string()))? {
                    window.received(&record);
                    match record {
                        CardRecord::Event(e) => events.extend_from_slice(&e),
                        CardRecord::Status(s) => {
                            reports += 1;
                            status_outstanding = false;
                            last_status = Some(s);
                        }
                    }
                }
            }
            Reply::Drained => {}
            Reply::Ran => {
                return Err(fail(format!(
                    "no byte for {SESSION_WATCHDOG_CYCLES} cycles at cycle {}: {} of {} items \
                     sent, {} orders answered of {orders}, last status {last_status:?}",
                    sim.cycle,
                    next,
                    items.len(),
                    window.orders_started()
                )))
            }
            Reply::FrameError => return Err(fail("a framing error on the card's line".into())),
        }
    }
    Ok(Session {
        events,
        status: last_status.expect("finished on a status report"),
        reports,
        cycles: sim.cycle,
        leds: sim.leds,
        in_flight_max,
    })
}

fn sent_orders(items: &[Item], next: usize) -> u64 {
    items[..next]
        .iter()
        .filter(|i| matches!(i, Item::Record(HostRecord::Order { .. })))
        .count() as u64
}

/// The board driver: commands on stdin (u64 little-endian: the divisor first; then `1, n,
/// n bytes` queues bytes, `2, cycles` runs, `0` ends), one 4-word reply per run on stdout
/// (kind: 1 byte, 2 drained, 3 ran, 4 framing error; the byte; the cycle; the LEDs).
const DRIVER: &str = r#"// ordo sim::board: the ULX3S top with a simulated FT231X on both lines.
#include "Vtop.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>
#include <deque>
#include <vector>
#include <unistd.h>

static bool read_all(void* p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(0, (char*)p + got, n - got);
        if (r <= 0) return false;
        got += (size_t)r;
    }
    return true;
}

static void write_all(const void* p, size_t n) {
    size_t put = 0;
    while (put < n) {
        ssize_t w = write(1, (const char*)p + put, n - put);
        if (w <= 0) return;
        put += (size_t)w;
    }
}

int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    Vtop* top = new Vtop;
    uint64_t div = 0;
    if (!read_all(&div, 8) || div < 4) return 2;
    top->clk_25mhz = 0;
    top->ftdi_txd = 1;
    top->btn_fire1 = 0;
    top->eval();
    std::deque<uint8_t> queue;
    int tx_bit = -1;  // -1: idle; 0 start, 1..8 data, 9 stop
    uint64_t tx_count = 0;
    uint8_t tx_byte = 0;
    int rx_state = 0, rx_bit = 0;
    uint64_t rx_count = 0;
    uint8_t rx_byte = 0;
    uint64_t cycle = 0;
    for (;;) {
        uint64_t cmd;
        if (!read_all(&cmd, 8) || cmd == 0) break;
        if (cmd == 1) {
            uint64_t n;
            if (!read_all(&n, 8)) break;
            std::vector<uint8_t> bytes(n);
            if (n && !read_all(bytes.data(), n)) break;
            for (uint8_t b : bytes) queue.push_back(b);
            continue;
        }
        uint64_t max;
        if (!read_all(&max, 8)) break;
        bool had = !queue.empty() || tx_bit >= 0;
        uint64_t reply[4] = {3, 0, 0, 0};
        for (uint64_t i = 0; i < max; i++) {
            if (tx_bit < 0 && !queue.empty()) {
                tx_byte = queue.front();
                queue.pop_front();
                tx_bit = 0;
                tx_count = 0;
            }
            int level = 1;
            if (tx_bit == 0) level = 0;
            else if (tx_bit >= 1 && tx_bit <= 8) level = (tx_byte >> (tx_bit - 1)) & 1;
            top->ftdi_txd = level;
            top->clk_25mhz = 1;
            top->eval();
            top->clk_25mhz = 0;
            top->eval();
            cycle++;
            if (tx_bit >= 0 && ++tx_count == div) {
                tx_count = 0;
                if (++tx_bit == 10) tx_bit = -1;
            }
            int line = top->ftdi_rxd;
            bool got = false;
            if (rx_state == 0) {
                if (!line) { rx_state = 1; rx_count = div / 2; }
            } else if (--rx_count == 0) {
                if (rx_state == 1) {
                    if (!line) { rx_state = 2; rx_bit = 0; rx_byte = 0; rx_count = div; }
                    else rx_state = 0;
                } else if (rx_state == 2) {
                    rx_byte |= (uint8_t)(line << rx_bit);
                    rx_count = div;
                    if (++rx_bit == 8) rx_state = 3;
                } else {
                    rx_state = 0;
                    reply[0] = line ? 1 : 4;
                    reply[1] = rx_byte;
                    got = true;
                }
            }
            reply[2] = cycle;
            reply[3] = top->led;
            if (got) break;
            if (had && queue.empty() && tx_bit < 0) { reply[0] = 2; break; }
        }
        write_all(reply, sizeof reply);
    }
    top->final();
    delete top;
    return 0;
}
"#;
