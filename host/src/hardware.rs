//! The card's simulated implementations as engines of the `ordo` command (rust-hdl and
//! Verilator, from the `sim` crate), and `ordo bench hdl`. Built only with the `hardware`
//! feature, so the software path — the README's first command — does not compile rust-hdl.

use abi::Event;
use serde::Serialize;

use crate::config::VenueConfig;
use crate::pipeline::Engine;
use crate::workload::Stimulus;
use crate::Error;

/// Run `stimuli` (with their signature verdicts) through `engine`; returns the events.
#[cfg(feature = "hardware")]
pub fn run(
    engine: Engine,
    config: &VenueConfig,
    stimuli: &[Stimulus],
    verdicts: &[bool],
) -> Result<Vec<Event>, Error> {
    let messages: Vec<sim::card::CardMessage> = stimuli
        .iter()
        .zip(verdicts)
        .map(|(s, &ok)| sim::card::CardMessage {
            arrival_ns: s.arrival_ns,
            bytes: s.message.encode(),
            signature_ok: ok,
        })
        .collect();
    let output = run_card(engine, config, &messages, sim::card::Pacing::Saturated)?;
    decode_events(engine, &output.events)
}

/// Without the `hardware` feature: a clear error naming the way to get the engines.
#[cfg(not(feature = "hardware"))]
pub fn run(
    engine: Engine,
    _config: &VenueConfig,
    _stimuli: &[Stimulus],
    _verdicts: &[bool],
) -> Result<Vec<Event>, Error> {
    Err(not_built(engine_name(engine)))
}

#[cfg(not(feature = "hardware"))]
fn not_built(engine: &'static str) -> Error {
    Error::Engine {
        engine,
        message: "this ordo was built without the hardware engines; build it with \
                  `cargo run --release -p host --features hardware -- ...`"
            .to_string(),
    }
}

pub fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Software => "software",
        Engine::RustHdl => "rust-hdl",
        Engine::Verilator => "verilator",
    }
}

/// What the host writes into the card for `config`.
#[cfg(feature = "hardware")]
pub fn card_config(config: &VenueConfig) -> sim::card::CardConfig {
    sim::card::CardConfig {
        known_accounts: crate::keys::account_table(config)
            .iter()
            .map(Option::is_some)
            .collect(),
        oracle_accounts: config.accounts.oracles.clone(),
        admin_accounts: config.accounts.admins.clone(),
        accounts_max: config.venue.accounts_max,
        instruments: config
            .instruments
            .iter()
            .map(|i| sim::card::CardInstrument {
                id: i.id,
                price_min_ticks: i.price_min_ticks(),
                price_max_ticks: i.price_max_ticks(),
                qty_lots_max: i.qty_lots_max,
            })
            .collect(),
        default_stp: config.venue.default_stp.mode() as u8,
        orders_max: config.venue.orders_resting_max,
        fok_orders_max: config.venue.fok_orders_max,
    }
}

#[cfg(feature = "hardware")]
fn run_card(
    engine: Engine,
    config: &VenueConfig,
    messages: &[sim::card::CardMessage],
    pacing: sim::card::Pacing,
) -> Result<sim::card::CardOutput, Error> {
    let card_config = card_config(config);
    match engine {
        Engine::RustHdl => sim::card::run_rust_hdl(&card_config, messages, pacing),
        Engine::Verilator => sim::card::run_verilator(&card_config, messages, pacing),
        Engine::Software => unreachable!("the software engine does not go through the card"),
    }
    .map_err(|e| Error::Engine {
        engine: engine_name(engine),
        message: e.to_string(),
    })
}

#[cfg(feature = "hardware")]
fn decode_events(engine: Engine, bytes: &[u8]) -> Result<Vec<Event>, Error> {
    bytes
        .chunks(abi::EVENT_BYTES)
        .map(|record| {
            Event::decode(record).map_err(|e| Error::Engine {
                engine: engine_name(engine),
                message: format!("bad event record: {e}"),
            })
        })
        .collect()
}

/// One throughput figure of `ordo bench hdl`: a kind of message, sustained.
#[derive(Debug, Clone, Serialize)]
pub struct KindFigure {
    pub kind: &'static str,
    /// Messages (or fills) measured.
    pub count: usize,
    pub cycles_per: f64,
    /// `cycles_per` at the bench's card clock ([`card_clock`]), and its rate: messages (or
    /// fills) per second.
    pub ns_at_card_clock: f64,
    pub per_second_at_card_clock: f64,
    /// The software path (LadderBook sequencer, this build, one core) on the same messages in
    /// the same order, in the same run: ns per message (per fill: the taker's whole handling
    /// over its fills), the fastest of [`SOFTWARE_REPEATS`] replays.
    pub software_ns: f64,
    /// The goal, where it sets one: at most this many cycles.
    pub goal_cycles: Option<f64>,
    pub goal_met: Option<bool>,
}

/// Ingress-to-first-event latency of one message meeting an idle card.
#[derive(Debug, Clone, Serialize)]
pub struct LatencyFigure {
    pub kind: &'static str,
    /// From the cycle its first word is accepted to the cycle its first event word leaves.
    pub cycles: u64,
    pub goal_cycles: u64,
    pub goal_met: bool,
}

/// Simulation speed of both simulators on one run: cycles over the wall time of the cycle
/// loop alone (the goals' figure; see [`sim::card::CardOutput::simulated`]), and, for the
/// record, over the whole run including building the model and packing stimulus.
#[derive(Debug, Clone, Serialize)]
pub struct SpeedFigure {
    pub run: &'static str,
    pub rust_hdl_messages: usize,
    pub rust_hdl_cycles: u64,
    pub rust_hdl_cycles_per_s: f64,
    pub verilator_messages: usize,
    pub verilator_cycles: u64,
    pub verilator_cycles_per_s: f64,
    /// Verilator over rust-hdl.
    pub ratio: f64,
    pub rust_hdl_whole_run_cycles_per_s: f64,
    pub verilator_whole_run_cycles_per_s: f64,
}

/// One worst case of `ordo bench hdl`: the longest one message of a kind can keep the card,
/// meeting an idle card (arrival-time pacing), beside the software path on the same message.
#[derive(Debug, Clone, Serialize)]
pub struct WorstCaseFigure {
    pub kind: &'static str,
    /// Resting orders the message visits (a FOK check) or meets (a sweep).
    pub orders: usize,
    /// Events it causes.
    pub events: usize,
    /// From the cycle its first word is taken to the cycle its last event leaves.
    pub cycles: u64,
    /// `cycles` at the bench's card clock ([`card_clock`]).
    pub ns_at_card_clock: f64,
    /// The software path (LadderBook sequencer, this build) on the same message in the same
    /// state: the fastest of [`WORST_CASE_REPEATS`] timings.
    pub software_ns: f64,
}

/// The card's clock as last recorded: the achieved Fmax of an ECP5 build of the card top
/// (`ordo fpga build ecp5-timing`, ECP5-85F speed grade −6, nextpnr seed 1;
/// bitstreams/README.md keeps the table). `ordo bench hdl` uses it only when the flow's cache
/// holds no build of the card it benchmarks ([`card_clock`]). Update it with the table.
pub const CARD_CLOCK_MHZ: f64 = 79.40;
/// The design revision [`CARD_CLOCK_MHZ`] was measured on.
pub const CARD_CLOCK_REVISION: u64 = 0xa0ab_e552_2c88_902c;
/// Where [`CARD_CLOCK_MHZ`] comes from.
pub const CARD_CLOCK_SOURCE: &str =
    "ordo fpga build ecp5-timing, revision a0abe5522c88902c, ECP5-85F −6, seed 1";

/// The clock `ordo bench hdl` prices cycles at, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardClock {
    pub mhz: f64,
    /// The benchmarked card's design revision (the firmware id).
    pub revision: String,
    /// True: measured on this revision (its build in the flow's cache, or the recorded
    /// figure's revision is this one); false: the last recorded figure of another revision.
    pub this_revision: bool,
    pub source: String,
}

/// The achieved Fmax of the ECP5 build of the card being benchmarked, read from the flow's
/// cache (`host::fpga::build_root()`: the build directory is keyed by the top's Verilog, so
/// a report there is this revision's); without one, [`CARD_CLOCK_MHZ`], saying whether it
/// was measured on this revision.
#[cfg(feature = "hardware")]
pub fn card_clock() -> CardClock {
    card_clock_in(&crate::fpga::build_root())
}

/// [`card_clock`] with the flow's cache in `root`.
#[cfg(feature = "hardware")]
pub fn card_clock_in(root: &std::path::Path) -> CardClock {
    use crate::fpga::{parse_report, top_verilog, Target};
    let recorded = |revision: Option<u64>| CardClock {
        mhz: CARD_CLOCK_MHZ,
        revision: revision.map_or_else(|| "unknown".into(), |r| format!("{r:016x}")),
        this_revision: revision == Some(CARD_CLOCK_REVISION),
        source: if revision == Some(CARD_CLOCK_REVISION) {
            format!("{CARD_CLOCK_SOURCE} (recorded for this revision)")
        } else {
            format!(
                "{CARD_CLOCK_SOURCE} (recorded for another revision: build this one with                  `ordo fpga build ecp5-timing`)"
            )
        },
    };
    let Ok((verilog, revision)) = top_verilog(Target::Ecp5Timing, None) else {
        return recorded(None);
    };
    let sha = sim::fpga::sha256_hex(&verilog);
    let report = root
        .join(format!("{}-{}", Target::Ecp5Timing.name(), &sha[..16]))
        .join("report.json");
    let fmax = std::fs::read_to_string(&report)
        .ok()
        .and_then(|text| parse_report(&text).ok())
        .and_then(|r| r.clocks.iter().map(|c| c.achieved_mhz).reduce(f64::min));
    match fmax {
        Some(mhz) => CardClock {
            mhz,
            revision: format!("{revision:016x}"),
            this_revision: true,
            source: format!(
                "ordo fpga build ecp5-timing of this revision ({})",
                report.display()
            ),
        },
        None => recorded(Some(revision)),
    }
}
/// Software timings per worst case; the fastest counts.
pub const WORST_CASE_REPEATS: usize = 5;
/// Software replays of the scripted kinds and the demo flow; the fastest counts.
pub const SOFTWARE_REPEATS: usize = 5;

/// Everything `ordo bench hdl` measures.
#[derive(Debug, Clone, Serialize)]
pub struct HdlBench {
    pub kinds: Vec<KindFigure>,
    pub latency: Vec<LatencyFigure>,
    /// Cycles per message of the demo flow (mixed kinds, faults included), sustained.
    pub demo_messages: usize,
    pub demo_cycles_per_message: f64,
    /// The demo flow at the card clock (ns per message, messages per second) and the software
    /// path on the same messages (ns per message, fastest of [`SOFTWARE_REPEATS`]).
    pub demo_ns_at_card_clock: f64,
    pub demo_messages_per_second_at_card_clock: f64,
    pub demo_software_ns: f64,
    pub speed: Vec<SpeedFigure>,
    /// The longest messages, each meeting an idle card, at the venue's bounds
    /// (`fok_orders_max`, `orders_resting_max`).
    pub worst_cases: Vec<WorstCaseFigure>,
    pub card_clock: CardClock,
    pub fok_orders_max: u32,
    pub orders_resting_max: u32,
    /// Timed runs per simulator and run; the fastest counts.
    pub timed_runs: usize,
    pub goal_rust_hdl_cycles_per_s: f64,
    pub goal_ratio: f64,
}

/// Cycles per add or cancel, sustained (issue 3).
pub const GOAL_CYCLES_PER_ADD_OR_CANCEL: f64 = 4.0;
/// Cycles per fill, sustained.
pub const GOAL_CYCLES_PER_FILL: f64 = 2.0;
/// Ingress-to-first-event latency on an idle card.
pub const GOAL_LATENCY_CYCLES: u64 = 20;
/// rust-hdl harness speed on the card top.
pub const GOAL_RUST_HDL_CYCLES_PER_S: f64 = 50_000.0;
/// Verilator over rust-hdl.
pub const GOAL_VERILATOR_RATIO: f64 = 50.0;

/// The card clock the bench paces arrivals with (250 MHz).
pub const NS_PER_CYCLE: u64 = 4;

#[cfg(not(feature = "hardware"))]
pub fn bench(
    _config: &VenueConfig,
    _orders: usize,
    _messages: usize,
    _verilator_messages: usize,
) -> Result<HdlBench, Error> {
    Err(not_built("rust-hdl"))
}

/// Measure the card top: per-kind cycles and latency on a scripted flow sized by `orders`,
/// and simulation speed on the demo flow — `messages` messages through rust-hdl and
/// `verilator_messages` (a longer run of the same flow, so process start-up does not count)
/// through Verilator. Every run must be byte-identical to the software path, and the two
/// simulators must agree cycle for cycle on what both ran.
#[cfg(feature = "hardware")]
pub fn bench(
    config: &VenueConfig,
    orders: usize,
    messages: usize,
    verilator_messages: usize,
) -> Result<HdlBench, Error> {
    use sim::card::Pacing;

    let script = script::build(config, orders)?;
    let scripted = Pacing::ArrivalTime {
        ns_per_cycle: NS_PER_CYCLE,
    };
    let demo = script::demo(config, messages.max(verilator_messages));
    let runs = [
        (
            "scripted kinds",
            &script.messages,
            &script.events,
            scripted,
            script.messages.len(),
        ),
        ("demo flow", &demo.0, &demo.1, Pacing::Saturated, messages),
    ];
    let mut speed = Vec::new();
    let mut outputs = Vec::new();
    for (run, all, want, pacing, hdl_messages) in runs {
        // Build (or find cached) the Verilator model outside the timed run.
        run_card(Engine::Verilator, config, &all[..1], pacing)?;
        let (verilated, verilator_s, verilator_whole_s) =
            fastest(|| run_card(Engine::Verilator, config, all, pacing))?;
        let (hdl, rust_hdl_s, rust_hdl_whole_s) =
            fastest(|| run_card(Engine::RustHdl, config, &all[..hdl_messages], pacing))?;
        check_same_events(run, Engine::Verilator, &verilated.events, want)?;
        let hdl_events = hdl.emitted_at.len();
        check_same_events(run, Engine::RustHdl, &hdl.events, &want[..hdl_events])?;
        // Each message's timing depends only on those before it: rust-hdl's run is a prefix.
        if verilated.accepted_at[..hdl_messages] != hdl.accepted_at[..]
            || verilated.emitted_at[..hdl_events] != hdl.emitted_at[..]
        {
            return Err(Error::Engine {
                engine: "verilator",
                message: format!("{run}: cycle timing differs from rust-hdl"),
            });
        }
        let rust_hdl_cycles_per_s = hdl.cycles as f64 / rust_hdl_s;
        let verilator_cycles_per_s = verilated.cycles as f64 / verilator_s;
        speed.push(SpeedFigure {
            run,
            rust_hdl_messages: hdl_messages,
            rust_hdl_cycles: hdl.cycles,
            rust_hdl_cycles_per_s,
            verilator_messages: all.len(),
            verilator_cycles: verilated.cycles,
            verilator_cycles_per_s,
            ratio: verilator_cycles_per_s / rust_hdl_cycles_per_s,
            rust_hdl_whole_run_cycles_per_s: hdl.cycles as f64 / rust_hdl_whole_s,
            verilator_whole_run_cycles_per_s: verilated.cycles as f64 / verilator_whole_s,
        });
        outputs.push(verilated);
    }
    // Mixed kinds, saturated: the acceptance rate over the run.
    let accepted = &outputs[1].accepted_at;
    let demo_cycles_per_message = match accepted.as_slice() {
        [first, .., last] => (last - first) as f64 / (accepted.len() - 1) as f64,
        _ => f64::NAN,
    };
    let card_clock = card_clock();
    let (kinds, latency) = script.measure(config, &outputs[0], card_clock.mhz);
    let demo_software_ns =
        script::software_ns(config, &demo.2, std::slice::from_ref(&(0..demo.2.len())))[0]
            / demo.2.len() as f64;
    let demo_ns_at_card_clock = demo_cycles_per_message * 1e3 / card_clock.mhz;
    let worst_cases = worst::measure(config, card_clock.mhz)?;
    Ok(HdlBench {
        kinds,
        latency,
        demo_messages: accepted.len(),
        demo_cycles_per_message,
        demo_ns_at_card_clock,
        demo_messages_per_second_at_card_clock: 1e9 / demo_ns_at_card_clock,
        demo_software_ns,
        speed,
        worst_cases,
        card_clock,
        fok_orders_max: config.venue.fok_orders_max,
        orders_resting_max: config.venue.orders_resting_max,
        timed_runs: TIMED_RUNS,
        goal_rust_hdl_cycles_per_s: GOAL_RUST_HDL_CYCLES_PER_S,
        goal_ratio: GOAL_VERILATOR_RATIO,
    })
}

/// Timed runs of each simulation; the fastest counts. On a shared machine other work only
/// ever slows a run down (one run was seen to vary by ±30%), so the minimum is the estimate
/// of the simulator's own speed.
#[cfg(feature = "hardware")]
const TIMED_RUNS: usize = 5;

/// The last of [`TIMED_RUNS`] runs of `run` (all must succeed; they are deterministic), with
/// the fastest cycle loop ([`sim::card::CardOutput::simulated`]) and the fastest whole run
/// (model built, stimulus packed, results decoded), in seconds.
#[cfg(feature = "hardware")]
fn fastest(
    mut run: impl FnMut() -> Result<sim::card::CardOutput, Error>,
) -> Result<(sim::card::CardOutput, f64, f64), Error> {
    let (mut loop_s, mut whole_s) = (f64::INFINITY, f64::INFINITY);
    let mut last = None;
    for _ in 0..TIMED_RUNS {
        let started = std::time::Instant::now();
        let output = run()?;
        whole_s = whole_s.min(started.elapsed().as_secs_f64());
        loop_s = loop_s.min(output.simulated.as_secs_f64());
        last = Some(output);
    }
    Ok((last.expect("TIMED_RUNS > 0"), loop_s, whole_s))
}

/// `got` (encoded records) equals `want`; otherwise an error naming the first difference.
#[cfg(feature = "hardware")]
fn check_same_events(run: &str, engine: Engine, got: &[u8], want: &[Event]) -> Result<(), Error> {
    let got = decode_events(engine, got)?;
    match (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
        None => Ok(()),
        Some(i) => Err(Error::Engine {
            engine: engine_name(engine),
            message: format!(
                "{run}: event {i} differs from the software path: {:?} vs {:?}",
                got.get(i),
                want.get(i)
            ),
        }),
    }
}

/// The scripted flow of `ordo bench hdl`: latency probes on an idle card, then saturated
/// phases of one kind each, built next to the software sequencer (which supplies order ids
/// and the expected events).
#[cfg(feature = "hardware")]
mod script {
    use std::ops::Range;

    use abi::{EventKind, OrderId, OrderMessage, Side, StpMode, TimeInForce};
    use sim::card::{CardMessage, CardOutput};

    use super::*;
    use crate::engine::{Input, LadderBook, Sequencer};

    /// Idle time before each latency probe: far longer than any message takes.
    const PROBE_GAP_NS: u64 = 20_000;
    /// Messages at the start of a phase left out of its figure (more than the card buffers).
    const WARM_UP: usize = 8;

    pub struct Script {
        pub messages: Vec<CardMessage>,
        pub events: Vec<Event>,
        /// The software path's inputs, one per message (for its timing).
        inputs: Vec<Input>,
        /// Per message: the range of its events.
        events_of: Vec<Range<usize>>,
        /// (kind, first message of the probe).
        probes: Vec<(&'static str, usize)>,
        /// (kind, messages of the phase): throughput by acceptance rate.
        phases: Vec<(&'static str, Range<usize>, Option<f64>)>,
        /// (kind, the taker message): throughput by the spacing of its fill events.
        sweeps: Vec<(&'static str, usize)>,
    }

    struct Builder {
        sequencer: Sequencer<LadderBook>,
        nonces: Vec<u64>,
        arrival_ns: u64,
        script: Script,
    }

    impl Builder {
        fn send(&mut self, gap_ns: u64, signature_ok: bool, message: OrderMessage) -> &[Event] {
            self.arrival_ns += gap_ns;
            let input = Input {
                arrival_ns: self.arrival_ns,
                message,
                signature_ok,
            };
            let events = self.sequencer.handle(&input);
            let s = &mut self.script;
            s.inputs.push(input);
            s.messages.push(CardMessage {
                arrival_ns: self.arrival_ns,
                bytes: message.encode(),
                signature_ok,
            });
            let start = s.events.len();
            s.events.extend_from_slice(events);
            s.events_of.push(start..s.events.len());
            &s.events[start..]
        }

        fn nonce(&mut self, account: u32) -> u64 {
            let n = &mut self.nonces[account as usize];
            *n += 1;
            *n
        }

        /// A GTC or IOC order; returns its order id (accepted) or None.
        #[allow(clippy::too_many_arguments)]
        fn order(
            &mut self,
            gap_ns: u64,
            account: u32,
            instrument: u16,
            side: Side,
            price: u32,
            qty: u32,
            tif: TimeInForce,
        ) -> Option<OrderId> {
            let nonce = self.nonce(account);
            let m = OrderMessage::new_order(
                account,
                nonce,
                instrument,
                side,
                price,
                qty,
                tif,
                StpMode::Default,
                nonce,
            );
            let events = self.send(gap_ns, true, m);
            events
                .first()
                .filter(|e| e.kind == EventKind::Accepted)
                .map(|e| OrderId(e.order_id))
        }

        fn cancel(&mut self, gap_ns: u64, account: u32, instrument: u16, id: OrderId) {
            let nonce = self.nonce(account);
            self.send(
                gap_ns,
                true,
                OrderMessage::cancel(account, nonce, instrument, id, nonce),
            );
        }

        fn next_index(&self) -> usize {
            self.script.messages.len()
        }
    }

    fn unexpected(what: String) -> Error {
        Error::Engine {
            engine: "software",
            message: format!("bench script: {what}"),
        }
    }

    pub fn build(config: &VenueConfig, orders: usize) -> Result<Script, Error> {
        let instrument = config
            .instruments
            .first()
            .ok_or_else(|| unexpected("the venue has no instrument".into()))?;
        let accounts: Vec<u32> = crate::keys::account_table(config)
            .iter()
            .enumerate()
            .filter(|(_, k)| k.is_some())
            .map(|(a, _)| a as u32)
            .take(2)
            .collect();
        let &[a, b] = accounts.as_slice() else {
            return Err(unexpected("the venue needs two accounts with keys".into()));
        };
        let (lo, hi) = (instrument.price_min_ticks(), instrument.price_max_ticks());
        let mid = lo + (hi - lo) / 2;
        // Levels used on each side of the mid price.
        let levels = ((hi - lo) / 2).saturating_sub(2).min(1_000);
        let sweep = (orders / 4)
            .min(levels as usize)
            .min(instrument.qty_lots_max as usize);
        if 2 * orders + 2 * sweep > config.venue.orders_resting_max as usize {
            return Err(unexpected(format!(
                "{orders} orders per phase: the script rests {} at once, beyond the pool of {}",
                2 * orders + 2 * sweep,
                config.venue.orders_resting_max
            )));
        }
        if levels < 8 || sweep < 8 || orders < 2 * WARM_UP {
            return Err(unexpected(format!(
                "band {lo}..={hi} or {orders} orders too small to measure"
            )));
        }
        let id = instrument.id;
        let mut s = Builder {
            sequencer: Sequencer::new(config),
            nonces: vec![0; config.venue.accounts_max as usize],
            arrival_ns: 1_000,
            script: Script {
                messages: Vec::new(),
                events: Vec::new(),
                inputs: Vec::new(),
                events_of: Vec::new(),
                probes: Vec::new(),
                phases: Vec::new(),
                sweeps: Vec::new(),
            },
        };
        let (gtc, ioc) = (TimeInForce::Gtc, TimeInForce::Ioc);
        let missing = || unexpected("an order the script rests was not accepted".into());

        // Latency probes, each meeting an idle card.
        s.script.probes.push(("add", s.next_index()));
        let resting = s
            .order(0, a, id, Side::Buy, mid - 10, 1, gtc)
            .ok_or_else(missing)?;
        s.script.probes.push(("cancel", s.next_index()));
        s.cancel(PROBE_GAP_NS, a, id, resting);
        s.order(PROBE_GAP_NS, a, id, Side::Sell, mid + 10, 1, gtc)
            .ok_or_else(missing)?;
        s.script.probes.push(("crossing order", s.next_index()));
        s.order(PROBE_GAP_NS, b, id, Side::Buy, mid + 10, 1, ioc);
        s.script
            .probes
            .push(("reject (bad signature)", s.next_index()));
        let nonce = s.nonce(a);
        let bad =
            OrderMessage::new_order(a, nonce, id, Side::Buy, mid, 1, gtc, StpMode::Default, 0);
        s.send(PROBE_GAP_NS, false, bad);

        // Saturated phases: everything from here arrives at once.
        let gap = PROBE_GAP_NS;
        let start = s.next_index();
        let mut ids = Vec::with_capacity(orders);
        for i in 0..orders {
            let offset = 1 + (i as u32 / 2) % levels;
            let (side, price) = if i % 2 == 0 {
                (Side::Buy, mid - offset)
            } else {
                (Side::Sell, mid + offset)
            };
            let first_gap = if i == 0 { gap } else { 0 };
            ids.push(
                s.order(first_gap, a, id, side, price, 1 + i as u32 % 5, gtc)
                    .ok_or_else(missing)?,
            );
        }
        let adds = start..s.next_index();
        // The same prices again: every level already holds an order.
        for i in 0..orders {
            let offset = 1 + (i as u32 / 2) % levels;
            let (side, price) = if i % 2 == 0 {
                (Side::Buy, mid - offset)
            } else {
                (Side::Sell, mid + offset)
            };
            ids.push(
                s.order(0, a, id, side, price, 1 + i as u32 % 5, gtc)
                    .ok_or_else(missing)?,
            );
        }
        let adds_occupied = adds.end..s.next_index();
        for &order in &ids {
            s.cancel(0, a, id, order);
        }
        let cancels = adds_occupied.end..s.next_index();
        // A sweep through one level, then through `sweep` levels of one order each.
        for _ in 0..sweep {
            s.order(0, a, id, Side::Sell, mid + 1, 1, gtc)
                .ok_or_else(missing)?;
        }
        let one_level = s.next_index();
        s.order(0, b, id, Side::Buy, mid + 1, sweep as u32, ioc);
        for level in 0..sweep as u32 {
            s.order(0, a, id, Side::Sell, mid + 1 + level, 1, gtc)
                .ok_or_else(missing)?;
        }
        let many_levels = s.next_index();
        s.order(0, b, id, Side::Buy, mid + sweep as u32, sweep as u32, ioc);
        let rejects_start = s.next_index();
        for _ in 0..orders {
            let nonce = s.nonce(a);
            let m =
                OrderMessage::new_order(a, nonce, id, Side::Buy, mid, 1, gtc, StpMode::Default, 0);
            s.send(0, false, m);
        }
        let rejects = rejects_start..s.next_index();
        // One more message closes the last measured phase.
        s.cancel(0, a, id, OrderId(0));

        let mut script = s.script;
        for taker in [one_level, many_levels] {
            let fills = script.events[script.events_of[taker].clone()]
                .iter()
                .filter(|e| e.kind == EventKind::Fill)
                .count();
            if fills != sweep {
                return Err(unexpected(format!(
                    "a sweep filled {fills} makers, not {sweep}"
                )));
            }
        }
        script.phases = vec![
            (
                "add (resting, new level)",
                adds,
                Some(GOAL_CYCLES_PER_ADD_OR_CANCEL),
            ),
            (
                "add (resting, level occupied)",
                adds_occupied,
                Some(GOAL_CYCLES_PER_ADD_OR_CANCEL),
            ),
            ("cancel", cancels, Some(GOAL_CYCLES_PER_ADD_OR_CANCEL)),
            ("reject (bad signature)", rejects, None),
        ];
        script.sweeps = vec![
            ("fill (one level)", one_level),
            ("fill (one order per level)", many_levels),
        ];
        Ok(script)
    }

    impl Script {
        /// Per-kind throughput (cycles, and ns at `card_mhz` beside the software path's on
        /// the same messages) and probe latencies from a run of this script.
        pub fn measure(
            &self,
            config: &VenueConfig,
            out: &CardOutput,
            card_mhz: f64,
        ) -> (Vec<KindFigure>, Vec<LatencyFigure>) {
            // The phases' measured messages, then each sweep's taker.
            let measured = |range: &Range<usize>| range.start + WARM_UP..range.end;
            let ranges: Vec<Range<usize>> = self
                .phases
                .iter()
                .map(|(_, range, _)| measured(range))
                .chain(self.sweeps.iter().map(|&(_, taker)| taker..taker + 1))
                .collect();
            let software = software_ns(config, &self.inputs, &ranges);
            let mut kinds = Vec::new();
            for ((kind, range, goal), ns) in self.phases.iter().zip(&software) {
                // From the acceptance of the phase's WARM_UP-th message to that of the next
                // phase's first: with the input saturated, the card takes a message as fast
                // as it retires one. The first few are skipped: the card holds up to three
                // messages, so they were taken while the previous phase still ran.
                let range = measured(range);
                let cycles = out.accepted_at[range.end] - out.accepted_at[range.start];
                let count = range.len();
                kinds.push(figure(
                    kind,
                    count,
                    cycles,
                    card_mhz,
                    ns / count as f64,
                    *goal,
                ));
            }
            for ((kind, taker), ns) in self.sweeps.iter().zip(&software[self.phases.len()..]) {
                let fills: Vec<usize> = self.events_of[*taker]
                    .clone()
                    .filter(|&e| self.events[e].kind == EventKind::Fill)
                    .collect();
                let (first, last) = (fills[0], fills[fills.len() - 1]);
                let cycles = out.emitted_at[last] - out.emitted_at[first];
                kinds.push(figure(
                    kind,
                    fills.len() - 1,
                    cycles,
                    card_mhz,
                    ns / fills.len() as f64,
                    Some(GOAL_CYCLES_PER_FILL),
                ));
            }
            let latency = self
                .probes
                .iter()
                .map(|&(kind, message)| {
                    let first_event = self.events_of[message].start;
                    let cycles = out.emitted_at[first_event] - out.accepted_at[message];
                    LatencyFigure {
                        kind,
                        cycles,
                        goal_cycles: GOAL_LATENCY_CYCLES,
                        goal_met: cycles <= GOAL_LATENCY_CYCLES,
                    }
                })
                .collect();
            (kinds, latency)
        }
    }

    fn figure(
        kind: &'static str,
        count: usize,
        cycles: u64,
        card_mhz: f64,
        software_ns: f64,
        goal: Option<f64>,
    ) -> KindFigure {
        let cycles_per = cycles as f64 / count as f64;
        let ns_at_card_clock = cycles_per * 1e3 / card_mhz;
        KindFigure {
            kind,
            count,
            cycles_per,
            ns_at_card_clock,
            per_second_at_card_clock: 1e9 / ns_at_card_clock,
            software_ns,
            goal_cycles: goal,
            goal_met: goal.map(|g| cycles_per <= g),
        }
    }

    /// The software path (a fresh LadderBook sequencer, this build) on `inputs` in order: the
    /// ns spent handling the messages of each of `ranges` (disjoint, in any order), the
    /// fastest of [`SOFTWARE_REPEATS`] replays each.
    pub fn software_ns(
        config: &VenueConfig,
        inputs: &[Input],
        ranges: &[Range<usize>],
    ) -> Vec<f64> {
        let mut order: Vec<usize> = (0..ranges.len()).collect();
        order.sort_by_key(|&r| ranges[r].start);
        let mut fastest = vec![f64::INFINITY; ranges.len()];
        for _ in 0..SOFTWARE_REPEATS {
            let mut sequencer: Sequencer<LadderBook> = Sequencer::new(config);
            let mut next = 0;
            for &r in &order {
                let range = &ranges[r];
                for input in &inputs[next..range.start] {
                    std::hint::black_box(sequencer.handle(input).len());
                }
                let started = std::time::Instant::now();
                for input in &inputs[range.clone()] {
                    std::hint::black_box(sequencer.handle(input).len());
                }
                fastest[r] = fastest[r].min(started.elapsed().as_secs_f64() * 1e9);
                next = range.end;
            }
        }
        fastest
    }

    /// The demo flow (unsigned: verdicts from the generator), its software events and the
    /// software path's inputs.
    pub fn demo(
        config: &VenueConfig,
        messages: usize,
    ) -> (Vec<CardMessage>, Vec<Event>, Vec<Input>) {
        let w = crate::workload::generate(
            config,
            crate::workload::Spec {
                sign: false,
                ..crate::workload::Spec::demo(1, messages)
            },
            &|_| {},
        );
        let mut sequencer: Sequencer<LadderBook> = Sequencer::new(config);
        let mut events = Vec::new();
        let mut card = Vec::new();
        let mut inputs = Vec::new();
        for (st, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
            let input = Input {
                arrival_ns: st.arrival_ns,
                message: st.message,
                signature_ok: ok,
            };
            events.extend_from_slice(sequencer.handle(&input));
            inputs.push(input);
            card.push(CardMessage {
                arrival_ns: st.arrival_ns,
                bytes: st.message.encode(),
                signature_ok: ok,
            });
        }
        (card, events, inputs)
    }
}

/// The worst cases of `ordo bench hdl`: the longest messages the venue's bounds allow, each
/// after an idle gap, through both simulators (byte-identical to the software path, equal
/// cycle for cycle), and the software path timed on the same message in the same state.
#[cfg(feature = "hardware")]
mod worst {
    use std::time::Instant;

    use abi::{EventKind, OrderMessage, Reason, Side, StpMode, TimeInForce};
    use sim::card::{CardMessage, Pacing};

    use super::*;
    use crate::engine::{Input, LadderBook, Sequencer};

    /// Card cycles allowed per message and per event before a probe, so it meets an idle card
    /// (the second matcher design takes ~10–20 cycles a message, 4 a fill, plus a bitmap
    /// search when a level empties: `the card was not idle` below says when this is short).
    const GAP_CYCLES_PER_MESSAGE: u64 = 32;
    const GAP_CYCLES_PER_EVENT: u64 = 8;
    const GAP_CYCLES: u64 = 2_000;

    struct Flow {
        sequencer: Sequencer<LadderBook>,
        inputs: Vec<Input>,
        events: Vec<Event>,
        /// Per message: its events' range.
        events_of: Vec<std::ops::Range<usize>>,
        /// (kind, message index, orders visited or met).
        probes: Vec<(&'static str, usize, usize)>,
        nonce: u64,
        arrival_ns: u64,
        /// Messages and events since the last probe (for the next probe's gap).
        since: (u64, u64),
        instrument: u16,
    }

    impl Flow {
        fn send(&mut self, message: OrderMessage, gap_ns: u64) -> Vec<Event> {
            self.arrival_ns += gap_ns;
            let input = Input {
                arrival_ns: self.arrival_ns,
                message,
                signature_ok: true,
            };
            let events = self.sequencer.handle(&input).to_vec();
            let start = self.events.len();
            self.events.extend_from_slice(&events);
            self.events_of.push(start..self.events.len());
            self.inputs.push(input);
            self.since.0 += 1;
            self.since.1 += events.len() as u64;
            events
        }

        fn order(
            &mut self,
            account: u32,
            side: Side,
            price: u32,
            qty: u32,
            tif: TimeInForce,
        ) -> Vec<Event> {
            self.nonce += 1;
            let m = OrderMessage::new_order(
                account,
                self.nonce,
                self.instrument,
                side,
                price,
                qty,
                tif,
                StpMode::None,
                0,
            );
            self.send(m, 0)
        }

        /// The message measured: it arrives once everything before it is done.
        fn probe(
            &mut self,
            kind: &'static str,
            orders: usize,
            message: OrderMessage,
        ) -> Vec<Event> {
            let cycles = GAP_CYCLES
                + self.since.0 * GAP_CYCLES_PER_MESSAGE
                + self.since.1 * GAP_CYCLES_PER_EVENT;
            self.probes.push((kind, self.inputs.len(), orders));
            let events = self.send(message, cycles * NS_PER_CYCLE);
            self.since = (0, 0);
            events
        }

        fn taker(&mut self, account: u32, price: u32, qty: u32, tif: TimeInForce) -> OrderMessage {
            self.nonce += 1;
            OrderMessage::new_order(
                account,
                self.nonce,
                self.instrument,
                Side::Buy,
                price,
                qty,
                tif,
                StpMode::None,
                0,
            )
        }
    }

    fn unexpected(what: String) -> Error {
        Error::Engine {
            engine: "software",
            message: format!("bench worst cases: {what}"),
        }
    }

    pub fn measure(config: &VenueConfig, card_mhz: f64) -> Result<Vec<WorstCaseFigure>, Error> {
        let instrument = config
            .instruments
            .first()
            .ok_or_else(|| unexpected("the venue has no instrument".into()))?;
        let accounts: Vec<u32> = crate::keys::account_table(config)
            .iter()
            .enumerate()
            .filter(|(_, k)| k.is_some())
            .map(|(a, _)| a as u32)
            .take(2)
            .collect();
        let &[maker, taker] = accounts.as_slice() else {
            return Err(unexpected("the venue needs two accounts with keys".into()));
        };
        let pool = config.venue.orders_resting_max;
        let k = config.venue.fok_orders_max.min(pool.saturating_sub(2));
        let (lo, hi) = (instrument.price_min_ticks(), instrument.price_max_ticks());
        let levels = hi - lo + 1;
        if k < 1 || instrument.qty_lots_max < pool {
            return Err(unexpected(format!(
                "needs a pool of at least 3 and qty_lots_max ≥ the pool ({pool})"
            )));
        }
        let mut f = Flow {
            sequencer: Sequencer::new(config),
            inputs: Vec::new(),
            events: Vec::new(),
            events_of: Vec::new(),
            probes: Vec::new(),
            nonce: 0,
            arrival_ns: 1_000,
            since: (0, 0),
            instrument: instrument.id,
        };
        let rest = |f: &mut Flow, price: u32| -> Result<(), Error> {
            let events = f.order(maker, Side::Sell, price, 1, TimeInForce::Gtc);
            match events.first() {
                Some(e) if e.kind == EventKind::Accepted => Ok(()),
                other => Err(unexpected(format!(
                    "a resting order was refused: {other:?}"
                ))),
            }
        };
        // FOK checks that visit fok_orders_max orders and find one more: fok_too_deep.
        let layouts: [(&'static str, u32); 3] = [
            ("FOK check, bound reached, one level", 0),
            ("FOK check, bound reached, adjacent levels", 1),
            ("FOK check, bound reached, one level per bitmap word", 32),
        ];
        for (kind, step) in layouts {
            for i in 0..=k {
                rest(&mut f, lo + (i * step) % levels)?;
            }
            let m = f.taker(taker, hi, k + 1, TimeInForce::Fok);
            let events = f.probe(kind, k as usize, m);
            if events.first().map(|e| e.reason) != Some(Reason::FokTooDeep) {
                return Err(unexpected(format!("{kind}: {events:?}")));
            }
            // Clear the book for the next case (a sweep of k + 1 makers).
            f.order(taker, Side::Buy, hi, k + 1, TimeInForce::Ioc);
        }
        // A FOK that fills with exactly fok_orders_max orders, one per adjacent level.
        for i in 0..k {
            rest(&mut f, lo + i % levels)?;
        }
        let m = f.taker(taker, hi, k, TimeInForce::Fok);
        f.probe(
            "FOK that fills at the bound, adjacent levels",
            k as usize,
            m,
        );
        // The longest sweep: the whole pool but the taker's slot, spread over every level.
        for i in 0..pool - 1 {
            rest(&mut f, lo + i % levels)?;
        }
        let m = f.taker(taker, hi, pool - 1, TimeInForce::Ioc);
        f.probe("sweep, the whole pool", pool as usize - 1, m);
        // A full pool: the next add is rejected.
        for i in 0..pool {
            rest(&mut f, lo + i % levels)?;
        }
        let m = f.taker(taker, lo, 1, TimeInForce::Gtc);
        let events = f.probe("add, pool full (order_pool_full)", 0, m);
        if events.first().map(|e| e.reason) != Some(Reason::OrderPoolFull) {
            return Err(unexpected(format!("pool full: {events:?}")));
        }

        let messages: Vec<CardMessage> = f
            .inputs
            .iter()
            .map(|i| CardMessage {
                arrival_ns: i.arrival_ns,
                bytes: i.message.encode(),
                signature_ok: i.signature_ok,
            })
            .collect();
        let pacing = Pacing::ArrivalTime {
            ns_per_cycle: NS_PER_CYCLE,
        };
        let verilated = run_card(Engine::Verilator, config, &messages, pacing)?;
        check_same_events(
            "worst cases",
            Engine::Verilator,
            &verilated.events,
            &f.events,
        )?;
        let hdl = run_card(Engine::RustHdl, config, &messages, pacing)?;
        check_same_events("worst cases", Engine::RustHdl, &hdl.events, &f.events)?;
        if hdl.accepted_at != verilated.accepted_at || hdl.emitted_at != verilated.emitted_at {
            return Err(Error::Engine {
                engine: "verilator",
                message: "worst cases: cycle timing differs from rust-hdl".into(),
            });
        }
        let mut figures = Vec::new();
        for &(kind, message, orders) in &f.probes {
            let range = f.events_of[message].clone();
            let previous_end = f.events_of[message - 1].end;
            let taken = verilated.accepted_at[message];
            if previous_end > 0 && verilated.emitted_at[previous_end - 1] >= taken {
                return Err(unexpected(format!("{kind}: the card was not idle")));
            }
            let cycles = verilated.emitted_at[range.end - 1] - taken;
            figures.push(WorstCaseFigure {
                kind,
                orders,
                events: range.len(),
                cycles,
                ns_at_card_clock: cycles as f64 * 1e3 / card_mhz,
                software_ns: software_ns(config, &f.inputs[..message], &f.inputs[message]),
            });
        }
        Ok(figures)
    }

    /// The software path on `message` after `before`: the fastest of WORST_CASE_REPEATS.
    fn software_ns(config: &VenueConfig, before: &[Input], message: &Input) -> f64 {
        let mut fastest = f64::INFINITY;
        for _ in 0..WORST_CASE_REPEATS {
            let mut sequencer: Sequencer<LadderBook> = Sequencer::new(config);
            for input in before {
                sequencer.handle(input);
            }
            let started = Instant::now();
            let events = sequencer.handle(message).len();
            let ns = started.elapsed().as_secs_f64() * 1e9;
            std::hint::black_box(events);
            fastest = fastest.min(ns);
        }
        fastest
    }
}

#[cfg(all(test, feature = "hardware"))]
mod tests {
    use super::*;

    #[test]
    fn the_card_clock_is_this_revisions_build_when_the_cache_holds_one() {
        // Proves `ordo bench hdl` prices cycles at the Fmax of the build of the very card it
        // benchmarks when the flow's cache holds its report (the sample report: 27.63 MHz),
        // and otherwise at the recorded figure, saying whether that was measured on this
        // revision.
        let root = std::env::temp_dir().join(format!("ordo-card-clock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let empty = card_clock_in(&root);
        assert_eq!(empty.mhz, CARD_CLOCK_MHZ);
        let (verilog, revision) =
            crate::fpga::top_verilog(crate::fpga::Target::Ecp5Timing, None).unwrap();
        assert_eq!(empty.revision, format!("{revision:016x}"));
        assert_eq!(empty.this_revision, revision == CARD_CLOCK_REVISION);
        assert!(empty.source.contains("recorded for"), "{empty:?}");
        let sha = sim::fpga::sha256_hex(&verilog);
        let dir = root.join(format!("ecp5-timing-{}", &sha[..16]));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("report.json"),
            include_str!("../tests/data/nextpnr-report-sample.json"),
        )
        .unwrap();
        let built = card_clock_in(&root);
        assert!((built.mhz - 27.63).abs() < 0.01, "{built:?}");
        assert!(built.this_revision);
        assert!(built.source.contains("of this revision"), "{built:?}");
        // Another revision's build is not this card's.
        std::fs::rename(&dir, root.join("ecp5-timing-0000000000000000")).unwrap();
        assert_eq!(card_clock_in(&root).mhz, CARD_CLOCK_MHZ);
        let _ = std::fs::remove_dir_all(&root);
    }
}
