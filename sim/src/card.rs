//! The card as an engine: the same stimulus (configuration, order messages with arrival
//! times and signature verdicts) run through the rust-hdl simulation of `hdl::Card` or its
//! Verilator build, giving the framed-free event stream (64-byte records back to back) to
//! diff against the software path.
//!
//! Protocol, identical in both runners: configuration writes first, one per cycle; then the
//! messages' 4 beats of 8 lanes in order, one offered per cycle (no earlier than the
//! [`Pacing`] allows) and held until accepted, each beat carrying its message's arrival time
//! and verdict as sideband; events leave one record per beat; the event sink is always ready.
//! The run ends when every word is in and the card's status says it is idle with every
//! message it took answered (`st_idle`, as the driver reads it) — never on a timeout. A
//! watchdog ([`WATCHDOG_CYCLES`] cycles in which no word is taken and no event leaves) is an
//! error naming the message in flight, and a run that answers fewer messages than it was
//! given — by the card's count or by the event stream's message boundaries (abi §6) — is an
//! error too: events are never lost silently.

use hdl::card::{
    verilog, Card, CFG_DEFAULT_STP, CFG_FOK_ORDERS_MAX, CFG_ORDERS_MAX, CFG_PRICE_BOUNDS,
};
use hdl::matcher::SLOTS;
use hdl::validator::{ACCOUNTS, CFG_ACCOUNTS_MAX, CFG_INSTRUMENTS, INSTRUMENTS};

use crate::harness::Harness;
use crate::verilator::VerilatedDriver;
use crate::Error;

/// Cycles without progress (no word taken, no event out) after which a run is an error.
/// The longest a message can keep the card busy without emitting is the FOK check, bounded
/// by `fok_orders_max` ≤ [`SLOTS`] orders at a few cycles each (docs/hardware.md, "Worst
/// case per message"): this is several times that over a full pool.
pub const WATCHDOG_CYCLES: u64 = 1 << 20;

/// One configured book.
#[derive(Debug, Clone, Copy)]
pub struct CardInstrument {
    pub id: u16,
    pub price_min_ticks: u32,
    pub price_max_ticks: u32,
    pub qty_lots_max: u32,
}

/// What the host writes into the card before traffic.
#[derive(Debug, Clone)]
pub struct CardConfig {
    /// Per account id: has a key.
    pub known_accounts: Vec<bool>,
    /// Account ids that may send oracle messages.
    pub oracle_accounts: Vec<u32>,
    /// Account ids that may send admin messages.
    pub admin_accounts: Vec<u32>,
    /// The venue's `accounts_max` (admin messages' target accounts are below it).
    pub accounts_max: u32,
    pub instruments: Vec<CardInstrument>,
    /// Wire value of the venue's default STP mode (1–4).
    pub default_stp: u8,
    /// The venue's `orders_resting_max` (1 ..= [`SLOTS`]).
    pub orders_max: u32,
    /// The venue's `fok_orders_max` (≥ 1; beyond `orders_max` it never binds).
    pub fok_orders_max: u32,
}

/// One message as the card receives it.
#[derive(Debug, Clone, Copy)]
pub struct CardMessage {
    pub arrival_ns: u64,
    pub bytes: [u8; abi::ORDER_MESSAGE_BYTES],
    pub signature_ok: bool,
}

/// A run's result.
#[derive(Debug, Clone)]
pub struct CardOutput {
    /// Event records, 64 bytes each, in order, as the driver delivers them: the card's, with
    /// the client references of resting orders restored by the host (abi::client_refs).
    pub events: Vec<u8>,
    /// Cycles from the first configuration write to the cycle the card reported idle.
    pub cycles: u64,
    /// The card's status at the end: messages taken and answered (equal to the messages
    /// given, or the run is an error).
    pub taken: u64,
    pub answered: u64,
    /// Per message: the cycle its first beat was accepted.
    pub accepted_at: Vec<u64>,
    /// Per event: the cycle it was presented (and taken: the sink is always ready).
    pub emitted_at: Vec<u64>,
    /// Wall time of the cycle loop alone — first configuration write to the idle status — as the simulator's own speed: building the model and packing or unpacking
    /// stimulus and results are left out, the same way for both simulators. Not part of the
    /// result (it differs from run to run).
    pub simulated: std::time::Duration,
}

/// 32-bit lanes of an input beat.
pub const IN_LANES: usize = hdl::deserializer::LANES;
/// Input beats per order-entry message.
pub const BEATS_PER_MESSAGE: usize = hdl::deserializer::BEATS;
/// 32-bit lanes of an output beat: one event record.
pub const OUT_LANES: usize = hdl::event_serializer::LANES;

impl CardConfig {
    /// The configuration writes, in order: (address, data).
    pub fn writes(&self) -> Result<Vec<(u64, u64)>, Error> {
        let refuse = |field: String, value: u64, limit: String| {
            Err(Error::Capacity {
                field,
                value,
                limit,
            })
        };
        if self.accounts_max as usize > ACCOUNTS || self.known_accounts.len() > ACCOUNTS {
            return refuse(
                "venue.accounts_max".into(),
                u64::from(self.accounts_max).max(self.known_accounts.len() as u64),
                format!("{ACCOUNTS} accounts"),
            );
        }
        if self.instruments.len() > INSTRUMENTS {
            return refuse(
                "instruments".into(),
                self.instruments.len() as u64,
                format!("{INSTRUMENTS} books"),
            );
        }
        if self.orders_max == 0 || self.orders_max as usize > SLOTS {
            return refuse(
                "venue.orders_resting_max".into(),
                u64::from(self.orders_max),
                format!("1 ..= {SLOTS} order slots"),
            );
        }
        if self.fok_orders_max == 0 {
            return refuse("venue.fok_orders_max".into(), 0, "at least 1 order".into());
        }
        for (index, i) in self.instruments.iter().enumerate() {
            let levels = u64::from(i.price_max_ticks - i.price_min_ticks) + 1;
            if levels > hdl::matcher::LEVELS_PER_SIDE as u64 {
                return refuse(
                    format!("instruments[{index}] (id {}) band_ticks", i.id),
                    levels,
                    format!("{} price levels per side", hdl::matcher::LEVELS_PER_SIDE),
                );
            }
        }
        let mut writes = Vec::new();
        for account in 0..ACCOUNTS {
            let known = self.known_accounts.get(account).copied().unwrap_or(false);
            let oracle = self.oracle_accounts.contains(&(account as u32));
            let admin = self.admin_accounts.contains(&(account as u32));
            writes.push((
                account as u64,
                u64::from(known) | u64::from(oracle) << 1 | u64::from(admin) << 2,
            ));
        }
        writes.push((CFG_ACCOUNTS_MAX, u64::from(self.accounts_max)));
        for (book, i) in self.instruments.iter().enumerate() {
            let base = CFG_INSTRUMENTS + 4 * book as u64;
            writes.push((base, u64::from(i.id) | 1 << 16));
            writes.push((base + 1, u64::from(i.price_min_ticks)));
            writes.push((base + 2, u64::from(i.price_max_ticks)));
            writes.push((base + 3, u64::from(i.qty_lots_max)));
            writes.push((
                CFG_PRICE_BOUNDS + 2 * book as u64,
                u64::from(i.price_min_ticks),
            ));
            writes.push((
                CFG_PRICE_BOUNDS + 2 * book as u64 + 1,
                u64::from(i.price_max_ticks),
            ));
        }
        writes.push((CFG_DEFAULT_STP, u64::from(self.default_stp)));
        writes.push((CFG_ORDERS_MAX, u64::from(self.orders_max)));
        // A FOK check can never visit more orders than rest: beyond the pool, the bound is
        // the pool's, and the card's register holds up to SLOTS.
        writes.push((
            CFG_FOK_ORDERS_MAX,
            u64::from(self.fok_orders_max.min(self.orders_max)),
        ));
        Ok(writes)
    }
}

/// When the runner offers each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// Every word offered as soon as the previous one was taken: the input never idles, so
    /// the card's acceptance rate is its sustained throughput.
    Saturated,
    /// A message is offered no earlier than its arrival time, counted from the first
    /// message's arrival at `ns_per_cycle` nanoseconds per clock (a card clocked at 250 MHz
    /// has 4). Gaps in arrival times become idle input cycles, so a message that arrives
    /// long after the previous one meets an idle card (how latency is measured).
    ArrivalTime { ns_per_cycle: u64 },
}

/// One input word: value, arrival time and verdict (sideband), and the earliest cycle, counted
/// from the first traffic cycle, at which it may be offered.
#[derive(Debug, Clone, Copy)]
struct Beat {
    lanes: [u32; IN_LANES],
    arrival_ns: u64,
    signature_ok: bool,
    not_before: u64,
}

fn beats(messages: &[CardMessage], pacing: Pacing) -> Vec<Beat> {
    let first_ns = messages.first().map_or(0, |m| m.arrival_ns);
    messages
        .iter()
        .flat_map(|m| {
            let not_before = match pacing {
                Pacing::Saturated => 0,
                Pacing::ArrivalTime { ns_per_cycle } => {
                    m.arrival_ns.saturating_sub(first_ns) / ns_per_cycle.max(1)
                }
            };
            m.bytes.chunks(4 * IN_LANES).map(move |chunk| {
                let mut lanes = [0u32; IN_LANES];
                for (lane, bytes) in lanes.iter_mut().zip(chunk.chunks(4)) {
                    *lane = u32::from_le_bytes(bytes.try_into().unwrap());
                }
                Beat {
                    lanes,
                    arrival_ns: m.arrival_ns,
                    signature_ok: m.signature_ok,
                    not_before,
                }
            })
        })
        .collect()
}

/// Drive the card's input lanes.
pub fn set_lanes(u: &mut Card, lanes: &[u32; IN_LANES]) {
    let inputs = [
        &mut u.s_data0,
        &mut u.s_data1,
        &mut u.s_data2,
        &mut u.s_data3,
        &mut u.s_data4,
        &mut u.s_data5,
        &mut u.s_data6,
        &mut u.s_data7,
    ];
    for (input, &lane) in inputs.into_iter().zip(lanes) {
        input.next = u64::from(lane).into();
    }
}

/// The card's output lanes this cycle.
pub fn output_lanes(u: &Card) -> [u64; OUT_LANES] {
    [
        &u.m_data0,
        &u.m_data1,
        &u.m_data2,
        &u.m_data3,
        &u.m_data4,
        &u.m_data5,
        &u.m_data6,
        &u.m_data7,
        &u.m_data8,
        &u.m_data9,
        &u.m_data10,
        &u.m_data11,
        &u.m_data12,
        &u.m_data13,
        &u.m_data14,
        &u.m_data15,
    ]
    .map(|lane| lane.val().to_u64())
}

/// The card's output beat: one event record.
fn event_record(u: &Card) -> [u8; abi::EVENT_BYTES] {
    let mut record = [0u8; abi::EVENT_BYTES];
    for (bytes, lane) in record.chunks_mut(4).zip(output_lanes(u)) {
        bytes.copy_from_slice(&(lane as u32).to_le_bytes());
    }
    record
}

/// Run through the rust-hdl simulation (single-threaded harness).
pub fn run_rust_hdl(
    config: &CardConfig,
    messages: &[CardMessage],
    pacing: Pacing,
) -> Result<CardOutput, Error> {
    run_rust_hdl_watched(config, messages, pacing, WATCHDOG_CYCLES)
}

/// [`run_rust_hdl`] with its watchdog set to `watchdog_cycles`.
pub fn run_rust_hdl_watched(
    config: &CardConfig,
    messages: &[CardMessage],
    pacing: Pacing,
    watchdog_cycles: u64,
) -> Result<CardOutput, Error> {
    let writes = config.writes()?;
    let beats = beats(messages, pacing);
    let mut h = Harness::new(Card::default());
    let mut events = Vec::new();
    let (mut accepted_at, mut emitted_at) = (Vec::new(), Vec::new());
    let status = |u: &Card| (u.st_taken.val().to_u64(), u.st_answered.val().to_u64());
    let step = |h: &mut Harness<Card>, cfg: Option<(u64, u64)>, beat: Option<Beat>| {
        let (address, data) = cfg.unwrap_or((0, 0));
        let u = &mut h.uut;
        u.cfg_valid.next = cfg.is_some();
        u.cfg_address.next = address.into();
        u.cfg_data.next = data.into();
        u.s_valid.next = beat.is_some();
        let beat = beat.unwrap_or(Beat {
            lanes: [0; IN_LANES],
            arrival_ns: 0,
            signature_ok: false,
            not_before: 0,
        });
        set_lanes(u, &beat.lanes);
        u.s_arrival_ns.next = beat.arrival_ns.into();
        u.s_signature_ok.next = beat.signature_ok;
        u.m_ready.next = true;
        h.settle();
        let event = h.uut.m_valid.val().then(|| event_record(&h.uut));
        let accepted = h.uut.s_ready.val();
        let idle = h.uut.st_idle.val();
        h.tick();
        (accepted, event, idle)
    };
    let started = std::time::Instant::now();
    for &write in &writes {
        step(&mut h, Some(write), None);
    }
    let (mut next, mut stalled) = (0usize, 0u64);
    let start = h.cycle();
    loop {
        let cycle = h.cycle();
        let beat = beats
            .get(next)
            .copied()
            .filter(|b| cycle - start >= b.not_before);
        let (accepted, event, idle) = step(&mut h, None, beat);
        let took = accepted && beat.is_some();
        if took {
            if next % BEATS_PER_MESSAGE == 0 {
                accepted_at.push(cycle);
            }
            next += 1;
        }
        if let Some(record) = event {
            emitted_at.push(cycle);
            events.extend_from_slice(&record);
        }
        if next == beats.len() && idle {
            break;
        }
        // Waiting for a message's arrival time is not a stall.
        let waiting = beats
            .get(next)
            .is_some_and(|b| cycle - start < b.not_before);
        stalled = if took || event.is_some() || waiting {
            0
        } else {
            stalled + 1
        };
        if stalled >= watchdog_cycles {
            let (taken, answered) = status(&h.uut);
            return Err(Error::Timeout {
                engine: "rust-hdl",
                cycles: stalled,
                message: answered,
                messages: messages.len(),
                taken,
                answered,
            });
        }
    }
    let simulated = started.elapsed();
    if std::env::var_os("ORDO_SIM_ITERATIONS").is_some() {
        eprintln!(
            "rust-hdl: {} cycles, {} evaluations ({:.2}/cycle)",
            h.cycle(),
            h.iterations(),
            h.iterations() as f64 / h.cycle() as f64
        );
    }
    let (taken, answered) = status(&h.uut);
    finish(
        "rust-hdl",
        messages.len(),
        events,
        h.cycle(),
        taken,
        answered,
        accepted_at,
        emitted_at,
        simulated,
    )
}

/// The end of every run: the answered-message checks, then the client references restored.
#[allow(clippy::too_many_arguments)]
fn finish(
    engine: &'static str,
    messages: usize,
    mut events: Vec<u8>,
    cycles: u64,
    taken: u64,
    answered: u64,
    accepted_at: Vec<u64>,
    emitted_at: Vec<u64>,
    simulated: std::time::Duration,
) -> Result<CardOutput, Error> {
    let in_stream = abi::messages_answered(&events);
    let n = messages as u64;
    if taken != n || answered != n || in_stream != messages {
        return Err(Error::Shortfall {
            engine,
            messages,
            taken,
            answered,
            in_stream,
        });
    }
    abi::ClientRefs::new(SLOTS).restore_all(&mut events)?;
    Ok(CardOutput {
        events,
        cycles,
        taken,
        answered,
        accepted_at,
        emitted_at,
        simulated,
    })
}

/// Run through the Verilator build with a closed-loop C++ driver (no Rust in the loop).
pub fn run_verilator(
    config: &CardConfig,
    messages: &[CardMessage],
    pacing: Pacing,
) -> Result<CardOutput, Error> {
    run_verilator_watched(config, messages, pacing, WATCHDOG_CYCLES)
}

/// [`run_verilator`] with its watchdog set to `watchdog_cycles`.
pub fn run_verilator_watched(
    config: &CardConfig,
    messages: &[CardMessage],
    pacing: Pacing,
    watchdog_cycles: u64,
) -> Result<CardOutput, Error> {
    let writes = config.writes()?;
    let driver = card_driver()?;
    let mut input = Vec::new();
    input.extend_from_slice(&watchdog_cycles.to_le_bytes());
    input.extend_from_slice(&(writes.len() as u64).to_le_bytes());
    for (address, data) in writes {
        input.extend_from_slice(&address.to_le_bytes());
        input.extend_from_slice(&data.to_le_bytes());
    }
    let beats = beats(messages, pacing);
    input.reserve((beats.len() * (IN_LANES / 2 + 3) + 1) * 8);
    input.extend_from_slice(&(beats.len() as u64).to_le_bytes());
    for b in beats {
        for pair in b.lanes.chunks(2) {
            let packed = u64::from(pair[0]) | u64::from(pair[1]) << 32;
            input.extend_from_slice(&packed.to_le_bytes());
        }
        input.extend_from_slice(&b.arrival_ns.to_le_bytes());
        input.extend_from_slice(&u64::from(b.signature_ok).to_le_bytes());
        input.extend_from_slice(&b.not_before.to_le_bytes());
    }
    let (raw, printed) = driver.run(&input)?;
    decode_output(&raw, &printed, messages.len())
}

/// The card's closed-loop Verilator driver, built (or found in the build cache) once per
/// process: generating and hashing the card's Verilog takes tens of milliseconds, which
/// would otherwise count in every timed run.
fn card_driver() -> Result<VerilatedDriver, Error> {
    static BUILT: std::sync::OnceLock<VerilatedDriver> = std::sync::OnceLock::new();
    if let Some(driver) = BUILT.get() {
        return Ok(driver.clone());
    }
    // Lanes travel two per u64 (low lane first), halving the files the driver reads and writes.
    let set_lanes: String = (0..IN_LANES)
        .map(|l| {
            format!(
                "top->s_data{l} = (uint32_t)(in[b + {}] >> {}); ",
                l / 2,
                32 * (l % 2)
            )
        })
        .collect();
    let get_lanes: String = (0..OUT_LANES / 2)
        .map(|k| {
            format!(
                "event_words.push_back((uint64_t)top->m_data{} | ((uint64_t)top->m_data{} << 32)); ",
                2 * k,
                2 * k + 1
            )
        })
        .collect();
    let cpp = DRIVER
        .replace("@IN_LANES@", &IN_LANES.to_string())
        .replace("@BEATS_PER_MESSAGE@", &BEATS_PER_MESSAGE.to_string())
        .replace("@SET_LANES@", &set_lanes)
        .replace("@GET_LANES@", &get_lanes);
    let driver = VerilatedDriver::build("card-driver", &registered_inputs(&verilog()), &cpp)?;
    Ok(BUILT.get_or_init(|| driver).clone())
}

/// The driver's output: cycles, the cycle loop's wall time in nanoseconds, the watchdog's
/// verdict (stalled cycles if it fired, else 0), the card's status (taken, answered), then
/// three length-prefixed arrays of u64 (event lane pairs, accept cycles, emit cycles).
fn decode_output(raw: &[u8], printed: &str, messages: usize) -> Result<CardOutput, Error> {
    let malformed = || Error::ToolFailed {
        tool: "card driver",
        message: format!(
            "malformed output ({} bytes); it printed: {printed}",
            raw.len()
        ),
    };
    let mut values = raw
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()));
    let array = |values: &mut dyn Iterator<Item = u64>| -> Result<Vec<u64>, Error> {
        let n = values.next().ok_or_else(malformed)? as usize;
        let array: Vec<u64> = values.take(n).collect();
        if array.len() == n {
            Ok(array)
        } else {
            Err(malformed())
        }
    };
    let cycles = values.next().ok_or_else(malformed)?;
    let simulated = std::time::Duration::from_nanos(values.next().ok_or_else(malformed)?);
    let stalled = values.next().ok_or_else(malformed)?;
    let taken = values.next().ok_or_else(malformed)?;
    let answered = values.next().ok_or_else(malformed)?;
    let words = array(&mut values)?;
    let accepted_at = array(&mut values)?;
    let emitted_at = array(&mut values)?;
    if !raw.len().is_multiple_of(8) || values.next().is_some() {
        return Err(malformed());
    }
    if stalled > 0 {
        return Err(Error::Timeout {
            engine: "verilator",
            cycles: stalled,
            message: answered,
            messages,
            taken,
            answered,
        });
    }
    // Two lanes per value, low lane first: little-endian bytes are the record's bytes.
    let events: Vec<u8> = words.iter().flat_map(|&w| w.to_le_bytes()).collect();
    finish(
        "verilator",
        messages,
        events,
        cycles,
        taken,
        answered,
        accepted_at,
        emitted_at,
        simulated,
    )
}

/// The card's input ports (name, width) in the order of its Verilog port list.
pub(crate) const CARD_INPUTS: &[(&str, u32)] = &[
    ("cfg_valid", 1),
    ("cfg_address", 16),
    ("cfg_data", 32),
    ("s_valid", 1),
    ("s_data0", 32),
    ("s_data1", 32),
    ("s_data2", 32),
    ("s_data3", 32),
    ("s_data4", 32),
    ("s_data5", 32),
    ("s_data6", 32),
    ("s_data7", 32),
    ("s_arrival_ns", 64),
    ("s_signature_ok", 1),
    ("m_ready", 1),
];

/// The card's output ports (name, width).
pub(crate) const CARD_OUTPUTS: &[(&str, u32)] = &[
    ("s_ready", 1),
    ("m_valid", 1),
    ("m_data0", 32),
    ("m_data1", 32),
    ("m_data2", 32),
    ("m_data3", 32),
    ("m_data4", 32),
    ("m_data5", 32),
    ("m_data6", 32),
    ("m_data7", 32),
    ("m_data8", 32),
    ("m_data9", 32),
    ("m_data10", 32),
    ("m_data11", 32),
    ("m_data12", 32),
    ("m_data13", 32),
    ("m_data14", 32),
    ("m_data15", 32),
    ("st_taken", 32),
    ("st_answered", 32),
    ("st_idle", 1),
];

/// The card's Verilog (its top renamed `card`) inside a `top` that registers every input on
/// the clock's rising edge — the closed-loop driver's test bench, not part of the card.
///
/// Why: Verilator 5 evaluates the logic that depends on top-level inputs (the "input
/// combinational" region) on every `eval`, and on the card that is all its combinational
/// logic — twice per cycle (inputs, then the clock edge). Behind registers, the card's
/// combinational logic depends on flip-flops only and is evaluated once per cycle, after the
/// edge. The driver presents cycle k's inputs before the edge that registers them, and the
/// card then acts on them one edge later: the same cycle-by-cycle behaviour, shifted by one
/// edge (the card idles through the first, from reset, as it does through any idle cycle),
/// which the driver's cycle count leaves out. `ordo bench hdl` checks that every acceptance
/// and every event lands in the same cycle as under rust-hdl.
fn registered_inputs(card: &str) -> String {
    let port_list: Vec<&str> = std::iter::once("clock")
        .chain(CARD_INPUTS.iter().map(|(n, _)| *n))
        .chain(CARD_OUTPUTS.iter().map(|(n, _)| *n))
        .collect();
    let range = |bits: u32| {
        if bits == 1 {
            String::new()
        } else {
            format!("[{}:0] ", bits - 1)
        }
    };
    let mut v = card.replacen("module top(", "module card(", 1);
    v.push_str(&format!("\nmodule top({});\n", port_list.join(",")));
    v.push_str("    input wire clock;\n");
    for (name, bits) in CARD_INPUTS {
        v.push_str(&format!("    input wire {}{name};\n", range(*bits)));
        v.push_str(&format!("    reg {}{name}_r;\n", range(*bits)));
    }
    for (name, bits) in CARD_OUTPUTS {
        v.push_str(&format!("    output wire {}{name};\n", range(*bits)));
    }
    v.push_str("    always @(posedge clock) begin\n");
    for (name, _) in CARD_INPUTS {
        v.push_str(&format!("        {name}_r <= {name};\n"));
    }
    v.push_str("    end\n    card card(.clock(clock)");
    for (name, _) in CARD_INPUTS {
        v.push_str(&format!(", .{name}({name}_r)"));
    }
    for (name, _) in CARD_OUTPUTS {
        v.push_str(&format!(", .{name}({name})"));
    }
    v.push_str(");\nendmodule\n");
    v
}

/// The closed-loop driver: the protocol in the module doc, in C++ (`@NAME@` stands for the
/// Rust constant of that name).
const DRIVER: &str = r#"// ordo sim::card: closed-loop driver for the card top.
#include "Vtop.h"
#include "verilated.h"
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

static const uint64_t IN_LANES = @IN_LANES@;
static_assert(IN_LANES % 2 == 0, "lanes travel in pairs");
static const uint64_t BEAT_VALUES = IN_LANES / 2 + 3;  // lane pairs, arrival, verdict, not-before
static const uint64_t BEATS_PER_MESSAGE = @BEATS_PER_MESSAGE@;

int main(int argc, char** argv) {
    if (argc != 3) { std::fprintf(stderr, "usage: model IN OUT\n"); return 2; }
    Verilated::commandArgs(1, argv);
    // The input is mapped, not copied: it is tens of megabytes on long runs.
    int fin = open(argv[1], O_RDONLY);
    std::FILE* fout = std::fopen(argv[2], "wb");
    if (fin < 0 || !fout) { std::perror("open"); return 2; }
    struct stat st;
    if (fstat(fin, &st) != 0 || st.st_size < (off_t)sizeof(uint64_t)) { std::perror("input"); return 2; }
    void* mapped = mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fin, 0);
    if (mapped == MAP_FAILED) { std::perror("mmap"); return 2; }
    const uint64_t* in = static_cast<const uint64_t*>(mapped);
    size_t p = 0;
    Vtop* top = new Vtop;
    uint64_t cycles = 0;
    top->clock = 0;
    top->m_ready = 1;
    top->eval();
    // The card sits behind input registers (`registered_inputs`): a cycle is the cycle's
    // inputs, the rising edge that registers them (after which the card's outputs are the
    // cycle's), then the falling edge, which only the next rising edge needs.
    auto edge = [&]() { top->clock = 1; top->eval(); };
    auto tick = [&]() { top->clock = 0; top->eval(); cycles++; };
    std::vector<uint64_t> event_words, accepted_at, emitted_at;
    auto collect = [&]() {
        if (!top->m_valid) return false;
        emitted_at.push_back(cycles);
        @GET_LANES@
        return true;
    };
    // The cycle loop's wall time (the simulator's speed), as `run_rust_hdl` measures its own.
    auto started = std::chrono::steady_clock::now();
    uint64_t watchdog = in[p++];
    uint64_t writes = in[p++];
    for (uint64_t i = 0; i < writes; i++) {
        top->cfg_valid = 1; top->cfg_address = in[p++]; top->cfg_data = in[p++];
        top->s_valid = 0;
        edge();
        collect();
        tick();
    }
    top->cfg_valid = 0;
    uint64_t beats = in[p++];
    uint64_t next = 0, stalled = 0, start = cycles;
    bool timed_out = false;
    for (;;) {
        size_t b = p + BEAT_VALUES * next;
        bool waiting = next < beats && cycles - start < in[b + IN_LANES / 2 + 2];
        bool offer = next < beats && !waiting;
        top->s_valid = offer;
        if (offer) {
            @SET_LANES@
            top->s_arrival_ns = in[b + IN_LANES / 2];
            top->s_signature_ok = in[b + IN_LANES / 2 + 1];
        }
        edge();
        bool event = collect();
        bool accepted = offer && top->s_ready;
        bool idle = top->st_idle;
        if (accepted && next % BEATS_PER_MESSAGE == 0) accepted_at.push_back(cycles);
        tick();
        if (accepted) next++;
        if (next == beats && idle) break;
        // Waiting for a message's arrival time is not a stall.
        stalled = (accepted || event || waiting) ? 0 : stalled + 1;
        if (stalled >= watchdog) { timed_out = true; break; }
    }
    uint64_t simulated_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now() - started).count();
    uint64_t status[3] = {timed_out ? stalled : 0, (uint64_t)top->st_taken, (uint64_t)top->st_answered};
    top->final();
    delete top;
    std::fwrite(&cycles, sizeof cycles, 1, fout);
    std::fwrite(&simulated_ns, sizeof simulated_ns, 1, fout);
    std::fwrite(status, sizeof status[0], 3, fout);
    for (auto* array : {&event_words, &accepted_at, &emitted_at}) {
        uint64_t n = array->size();
        std::fwrite(&n, sizeof n, 1, fout);
        std::fwrite(array->data(), sizeof(uint64_t), n, fout);
    }
    return std::fclose(fout) == 0 ? 0 : 1;
}
"#;
