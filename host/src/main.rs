//! `ordo`: the ordering and matching appliance's command.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::RangedU64ValueParser;
use clap::{Parser, Subcommand};
use serde_json::json;

use host::config::{VenueConfig, DEFAULT_CONFIG_TOML};
use host::input::{
    append_event, decode_events, encode_orders, events_file_header, read_events_file, read_orders,
};
use host::margin::config::MarginConfig;
use host::margin::node::MarginNode;
use host::margin::scenario::{usd, ScenarioReport};
use host::pipeline::{self, progress_bar, Report};
use host::summary::{event_json, Summary, Tally};
use host::workload::{generate, Spec};
use host::{bench, sigverify, Error};

// Bounds of the numeric flags, checked by clap as the command line is parsed: a value
// outside is a usage error (exit 2) before any work starts, never an allocation abort or a
// run that cannot finish. Each is chosen from what the command holds per unit (measured on
// the debug build: maximum resident size at two sizes, the difference per unit) so that the
// largest run fits a 24 GiB machine shared with others, and finishes in minutes. The
// `--help` text of each flag states its range; `flag_help_states_every_bound` checks it.

/// `demo --messages`: about 330 bytes per message with `--events` and `--write-orders`
/// (workload, verifier copy, verdicts, events), 3.3 GB at the bound; the bound is the
/// orders-file bound, so `ordo replay` reads back whatever the demo writes.
const DEMO_MESSAGES_MAX: u64 = host::input::ORDERS_MAX as u64;
/// `--threads` (signature verification): beyond the cores, threads only cost stacks; 256
/// covers the largest machine this runs on.
const THREADS_MAX: u64 = 256;
/// `bench matching --messages`: about 245 bytes per message (two flows generated, their
/// inputs), 2.5 GB at the bound.
const MATCHING_MESSAGES_MAX: u64 = 10_000_000;
/// `bench matching --repeats`, `bench margin --repeats`: timed runs; the time is linear.
const BENCH_REPEATS_MAX: u64 = 100;
/// `bench sigverify --messages`: about 220 bytes per message, but each is signed and then
/// verified three times (about 1,500 messages a second in all on one core): a million
/// take some ten minutes.
const SIGVERIFY_MESSAGES_MAX: u64 = 1_000_000;
/// `bench hdl --orders`: orders resting at once in a phase; the script refuses more than
/// the venue's order pool holds (16,384 on the default venue, the card's).
const HDL_ORDERS_MAX: u64 = 100_000;
/// `bench hdl --messages`: rust-hdl runs about 50,000 cycles a second, 5.5 cycles a
/// message, five timed runs: 200,000 messages take about two minutes.
const HDL_MESSAGES_MAX: u64 = 200_000;
/// `bench hdl --verilator-messages`: Verilator runs 60 times faster, but its stimulus
/// file is 225 bytes a message: 2 million make a 450 MB file per run.
const VERILATOR_MESSAGES_MAX: u64 = 2_000_000;
/// `bench margin --accounts`: about 170 bytes per account, 1.7 GB at the bound (and one
/// index update re-checks them all, about a second).
const MARGIN_ACCOUNTS_MAX: u64 = 10_000_000;
/// `bench margin --fills`: the fills are built first, about 70 bytes each: 1.4 GB.
const MARGIN_FILLS_MAX: u64 = 20_000_000;

/// `diff --engines`: engines compared in one run, each run's events held until the end.
const DIFF_ENGINES_MAX: usize = 8;

/// A `usize` flag in `1..=max`.
fn count_in(max: u64) -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::<usize>::new().range(1..=max)
}

#[derive(Parser)]
#[command(
    name = "ordo",
    version,
    about = "ordo: ordering and matching appliance for derivatives venues"
)]
struct Cli {
    /// Venue configuration (TOML); the embedded default when absent (see `ordo config`).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a deterministic signed workload, run the software path, print a summary.
    Demo {
        /// Workload seed: any u64 (0..=18446744073709551615).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Messages to generate: 1..=10000000.
        #[arg(long, default_value_t = 200_000, value_parser = count_in(DEMO_MESSAGES_MAX))]
        messages: usize,
        /// Signature verification threads, 1..=256 (default: all cores).
        #[arg(long, value_parser = count_in(THREADS_MAX))]
        threads: Option<usize>,
        /// Write the event stream here.
        #[arg(long, value_name = "FILE")]
        events: Option<PathBuf>,
        /// Write the generated workload here (binary orders file, replayable).
        #[arg(long, value_name = "FILE")]
        write_orders: Option<PathBuf>,
        /// Margin parameters (TOML) for the crash scenario; the embedded default when absent.
        #[arg(long, value_name = "FILE")]
        margin_config: Option<PathBuf>,
        /// Write the crash scenario's event stream here (`ordo follow` checks it).
        #[arg(long, value_name = "FILE")]
        margin_events: Option<PathBuf>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Run an orders file (binary or CSV) through an engine (the software path by default).
    Replay {
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Sequencing and matching engine; rust-hdl and verilator need the `hardware` build.
        #[arg(long, value_enum, default_value = "software")]
        engine: pipeline::Engine,
        /// Write the event stream here.
        #[arg(long, value_name = "FILE")]
        events: Option<PathBuf>,
        /// Do not sign CSV rows or verify signatures: every message counts as validly signed.
        #[arg(long)]
        trusted: bool,
        /// Signature verification threads, 1..=256 (default: all cores).
        #[arg(long, value_parser = count_in(THREADS_MAX))]
        threads: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Run one orders file through several engines and report the first differing event.
    Diff {
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Engines to compare, the first being the reference: 2..=8 of them.
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            default_value = "software,rust-hdl,verilator"
        )]
        engines: Vec<pipeline::Engine>,
        #[arg(long)]
        trusted: bool,
        /// Signature verification threads, 1..=256 (default: all cores).
        #[arg(long, value_parser = count_in(THREADS_MAX))]
        threads: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Print an event stream file as JSON lines (or a summary).
    Events {
        file: PathBuf,
        /// Print only the summary (digest and counts).
        #[arg(long)]
        summary: bool,
        /// With --summary: as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Run the margin engine over an event stream file as a replica does, checking every
    /// liquidation order and credit setting of the venue against its own; exit 1 on a
    /// divergence.
    Follow {
        file: PathBuf,
        /// Margin parameters (TOML) the leader ran with; the embedded default when absent.
        #[arg(long, value_name = "FILE")]
        margin_config: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Print the embedded default venue configuration; with --check, check the venue
    /// configuration in use (--config FILE, or the embedded default) and print its
    /// capacities and the memory they need.
    Config {
        /// Check the venue configuration (and --margin-config, against it) instead of
        /// printing the embedded default.
        #[arg(long)]
        check: bool,
        /// With --check: margin parameters (TOML) to check against the venue.
        #[arg(long, value_name = "FILE", requires = "check")]
        margin_config: Option<PathBuf>,
        /// With --check: print the report as one JSON object.
        #[arg(long, requires = "check")]
        json: bool,
    },
    /// Benchmarks: figures next to a baseline measured in the same run.
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
    /// FPGA builds of the card (need the `hardware` feature): bitstream, timing, utilisation.
    Fpga {
        #[command(subcommand)]
        which: FpgaCommand,
    },
}

#[derive(Subcommand)]
enum FpgaCommand {
    /// Synthesize, place and route, and pack a target with the open toolchain (installed
    /// into target/ordo-fpga/venv when missing); print the achieved Fmax per clock, the
    /// critical path's ends, utilisation, the bitstream and the wall time per stage.
    /// Progress goes to stderr. Products are cached by the hash of the top's Verilog.
    Build {
        target: host::fpga::Target,
        /// One block behind the timing harness instead of the card (its own Fmax): stamper,
        /// priority-bitmap, order-pool, validator, deserializer, level-queues,
        /// event-serializer, reorder, matcher, card, bram.
        #[arg(long, value_name = "BLOCK", conflicts_with = "check_floor")]
        block: Option<String>,
        /// Fail (exit 1) when the slowest clock's Fmax is below the target's floor
        /// (bitstreams/<target>.floor, or --floor FILE).
        #[arg(long)]
        check_floor: bool,
        /// The floor file for --check-floor.
        #[arg(long, value_name = "FILE", requires = "check_floor")]
        floor: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Write a target's top Verilog (what `fpga build` synthesizes) to stdout or a file.
    Verilog {
        target: host::fpga::Target,
        /// One block behind the timing harness instead of the card (as `fpga build --block`).
        #[arg(long, value_name = "BLOCK")]
        block: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write the generated sources of the Vivado project for the Alveo U200 (the card behind
    /// the XDMA IP: card.v, card_xdma.v, ordo_u200.v, build_info.tcl), which
    /// bitstreams/u200/build.tcl builds (bitstreams/u200/README.md).
    Vivado {
        /// Directory to write into (default bitstreams/u200/gen, where build.tcl looks).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The card clock in MHz: 1000 over a divider in steps of 1/8 (62.5, 80, 100, 125, ...).
        #[arg(long, value_name = "MHZ", default_value_t = 80.0)]
        card_clock_mhz: f64,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Matching core alone (sequencer + books, signatures pre-verified): ladder vs BTreeMap.
    Matching {
        /// Messages of each flow: 1..=10000000.
        #[arg(long, default_value_t = 1_000_000, value_parser = count_in(MATCHING_MESSAGES_MAX))]
        messages: usize,
        /// Timed runs of each engine, the best counting: 1..=100.
        #[arg(long, default_value_t = 3, value_parser = count_in(BENCH_REPEATS_MAX))]
        repeats: usize,
        /// Workload seed: any u64.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// Signature verification: single vs batched, one core vs all cores.
    Sigverify {
        /// Signed messages verified by each method: 1..=1000000.
        #[arg(long, default_value_t = 20_000, value_parser = count_in(SIGVERIFY_MESSAGES_MAX))]
        messages: usize,
        /// Workload seed: any u64.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// The card top in simulation (needs the `hardware` feature): cycles per message by kind,
    /// latency, and rust-hdl vs Verilator speed; every run checked against the software path.
    Hdl {
        /// Orders in each scripted phase (adds, cancels, rejects; sweeps are a quarter):
        /// 1..=100000, and the venue's order pool must hold the phase.
        #[arg(long, default_value_t = 2_000, value_parser = count_in(HDL_ORDERS_MAX))]
        orders: usize,
        /// Messages of the demo flow through rust-hdl: 1..=200000.
        #[arg(long, default_value_t = 2_000, value_parser = count_in(HDL_MESSAGES_MAX))]
        messages: usize,
        /// Messages of the demo flow through Verilator (a longer run of the same flow):
        /// 1..=2000000.
        #[arg(long, default_value_t = 200_000, value_parser = count_in(VERILATOR_MESSAGES_MAX))]
        verilator_messages: usize,
        #[arg(long)]
        json: bool,
    },
    /// The margin engine: re-mark and re-check every account after one index update, and
    /// the margin cost of one fill.
    Margin {
        /// Accounts holding the underlying (every fifth pair also holds options):
        /// 1..=10000000.
        #[arg(
            long,
            default_value_t = 100_000,
            value_parser = clap::value_parser!(u32).range(1..=MARGIN_ACCOUNTS_MAX as i64)
        )]
        accounts: u32,
        /// Fills timed: 1..=20000000.
        #[arg(long, default_value_t = 1_000_000, value_parser = count_in(MARGIN_FILLS_MAX))]
        fills: usize,
        /// Index updates timed: 1..=100.
        #[arg(long, default_value_t = 21, value_parser = count_in(BENCH_REPEATS_MAX))]
        repeats: usize,
        /// Margin parameters (TOML); the embedded default when absent.
        #[arg(long, value_name = "FILE")]
        margin_config: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ordo: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let config = VenueConfig::load(cli.config.as_deref())?;
    let origin = cli.config.as_ref().map_or_else(
        || "<embedded default>".to_string(),
        |path| path.display().to_string(),
    );
    let show_progress = std::io::stderr().is_terminal();
    match cli.command {
        Command::Demo {
            seed,
            messages,
            threads,
            events,
            write_orders,
            margin_config,
            margin_events,
            json,
        } => {
            host::workload::check_config(&config)?;
            let margin = MarginConfig::load(margin_config.as_deref())?;
            // A margin config given with --margin-config must fit the venue; the embedded
            // one only runs the scenario on venues it fits (else the scenario is skipped,
            // with the reason, like on a venue without SOL-PERP).
            let margin_unfit = match margin.check_against(&config) {
                Ok(()) => None,
                Err(e) if margin_config.is_none() => Some(e.to_string()),
                Err(e) => return Err(e),
            };
            // The run, then the margin scenario (a sequencer and a margin node).
            let margin_bytes = match margin_unfit {
                None => MarginNode::memory(&config).total_bytes,
                Some(_) => 0,
            };
            let needed = config.memory().total_bytes + margin_bytes;
            check_memory(&origin, needed)?;
            let bar = progress_bar(show_progress, messages as u64, "generate");
            let workload = generate(&config, Spec::demo(seed, messages), &|done| {
                bar.set_position(done as u64)
            });
            bar.finish_and_clear();
            if let Some(path) = &write_orders {
                write_file(path, &encode_orders(&workload.stimuli))?;
            }
            let options = pipeline::Options {
                engine: pipeline::Engine::Software,
                verify: true,
                threads: threads.unwrap_or_else(sigverify::all_cores),
                keep_events: events.is_some(),
                progress: show_progress,
            };
            let report = pipeline::run(&config, &workload.stimuli, options)?;
            let title = format!(
                "ordo demo: software path, seed {seed}, {messages} messages, {} instruments, {} accounts",
                config.instruments.len(),
                config.accounts.test_accounts
            );
            // The scenario needs SOL-PERP with a wide band and a few dozen test accounts; on
            // a venue without them it is skipped, with the reason, not failed.
            let crash = match margin_unfit {
                Some(reason) => Err(reason),
                None => host::margin::scenario::crash_stream(&config, &margin)
                    .map_err(|e| e.to_string()),
            };
            if let Some(path) = &margin_events {
                let Ok((_, stream)) = &crash else {
                    return Err(usage_error(
                        "--margin-events: the margin scenario cannot run on this venue",
                    ));
                };
                let mut bytes = events_file_header();
                stream.iter().for_each(|e| append_event(&mut bytes, e));
                write_file(path, &bytes)?;
            }
            let crash = crash.map(|(report, _)| report);
            let crash_json = match &crash {
                Ok(report) => json!(report),
                Err(reason) => json!({ "skipped": reason }),
            };
            let code = finish_run(
                &report,
                events.as_deref(),
                json,
                &title,
                json!({"seed": seed, "margin_scenario": crash_json}),
            )?;
            if !json {
                match &crash {
                    Ok(report) => print_crash(report),
                    Err(reason) => println!("margin scenario: skipped ({reason})"),
                }
            }
            Ok(code)
        }
        Command::Replay {
            input,
            engine,
            events,
            trusted,
            threads,
            json,
        } => {
            check_memory(&origin, config.memory().total_bytes)?;
            let stimuli = read_orders(&input, &config, trusted)?;
            let options = pipeline::Options {
                engine,
                verify: !trusted,
                threads: threads.unwrap_or_else(sigverify::all_cores),
                keep_events: events.is_some(),
                progress: show_progress,
            };
            let report = pipeline::run(&config, &stimuli, options)?;
            let title = format!(
                "ordo replay: {} ({} messages, engine {})",
                input.display(),
                stimuli.len(),
                host::hardware::engine_name(engine)
            );
            finish_run(
                &report,
                events.as_deref(),
                json,
                &title,
                json!({"input": input.display().to_string(), "trusted": trusted,
                       "engine": host::hardware::engine_name(engine)}),
            )
        }
        Command::Diff {
            input,
            engines,
            trusted,
            threads,
            json,
        } => {
            check_memory(&origin, config.memory().total_bytes)?;
            let stimuli = read_orders(&input, &config, trusted)?;
            run_diff(&config, &stimuli, &engines, trusted, threads, json)
        }
        Command::Events {
            file,
            summary,
            json,
        } => print_events(&file, summary, json),
        Command::Follow {
            file,
            margin_config,
            json,
        } => {
            let margin = MarginConfig::load(margin_config.as_deref())?;
            margin.check_against(&config)?;
            check_memory(&origin, MarginNode::memory(&config).total_bytes)?;
            follow_file(&config, &margin, &file, json)
        }
        Command::Config { check: false, .. } => {
            print!("{DEFAULT_CONFIG_TOML}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Config {
            check: true,
            margin_config,
            json,
        } => check_config_file(&config, &origin, margin_config.as_deref(), json),
        Command::Bench { which } => {
            host::workload::check_config(&config)?;
            // `bench margin` runs its own engine of --accounts accounts with its own insurance
            // account, apart from the venue: neither the venue's memory nor the cross-file
            // check (`MarginConfig::check_against`) concerns it.
            if !matches!(which, BenchCommand::Margin { .. }) {
                check_memory(&origin, config.memory().total_bytes)?;
            }
            run_bench(&config, which)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Fpga { which } => run_fpga(which),
    }
}

fn run_fpga(which: FpgaCommand) -> Result<ExitCode, Error> {
    match which {
        FpgaCommand::Build {
            target,
            block,
            check_floor,
            floor,
            json,
        } => {
            // The floor is read first: a missing or malformed floor fails before the build.
            let floor = match (check_floor, floor) {
                (false, _) => None,
                (true, file) => {
                    let file = file.unwrap_or_else(|| {
                        host::fpga::bitstreams_dir().join(format!("{}.floor", target.name()))
                    });
                    let mhz = host::fpga::read_floor(&file)?;
                    Some((file, mhz))
                }
            };
            let progress = |line: &str| eprintln!("ordo fpga: {line}");
            let mut build = host::fpga::build(target, block.as_deref(), &progress)?;
            build.floor = floor
                .as_ref()
                .map(|(file, mhz)| host::fpga::check_floor(file, *mhz, &build.clocks));
            if json {
                println!("{}", json!(build));
            } else {
                print_fpga_build(&build);
            }
            let missed: Vec<&host::fpga::ClockFmax> =
                build.clocks.iter().filter(|c| !c.met).collect();
            if build.device.must_meet && !missed.is_empty() {
                for c in missed {
                    eprintln!(
                        "ordo: error: fpga timing: {} reaches {:.2} MHz on {}, below the \
                         {:.2} MHz it runs at",
                        build.target, c.achieved_mhz, c.clock, c.constraint_mhz
                    );
                }
                return Ok(ExitCode::FAILURE);
            }
            match &build.floor {
                Some(f) if !f.met => {
                    eprintln!(
                        "ordo: error: fpga floor: {} reaches {:.2} MHz, below the floor of \
                         {:.2} MHz in {}",
                        build.target, f.achieved_mhz, f.floor_mhz, f.file
                    );
                    Ok(ExitCode::FAILURE)
                }
                _ => Ok(ExitCode::SUCCESS),
            }
        }
        FpgaCommand::Vivado {
            out,
            card_clock_mhz,
        } => {
            let dir = out.unwrap_or_else(host::fpga::vivado_gen_dir);
            let (files, firmware_id) = host::fpga::write_vivado_sources(&dir, card_clock_mhz)?;
            println!(
                "ordo fpga vivado: design revision (firmware id) {firmware_id:016x}, card clock \
                 {card_clock_mhz} MHz"
            );
            for file in files {
                println!("  {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        FpgaCommand::Verilog { target, block, out } => {
            let verilog = host::fpga::top_verilog(target, block.as_deref())?.0;
            match out {
                Some(path) => write_file(&path, verilog.as_bytes())?,
                None => print!("{verilog}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_fpga_build(b: &host::fpga::FpgaBuild) {
    let d = &b.device;
    match &b.block {
        Some(block) => println!(
            "ordo fpga build {} --block {block}: the block alone behind the timing harness \
             (revision {})",
            b.target, b.design_revision
        ),
        None => println!(
            "ordo fpga build {}: design revision (firmware id) {}",
            b.target, b.design_revision
        ),
    }
    println!(
        "  device        {} {}, speed grade {}, seed {}; {}",
        d.part,
        d.package,
        d.speed,
        d.seed,
        b.tool_versions
            .iter()
            .map(|v| host::fpga::short_version(v))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for c in &b.clocks {
        println!(
            "  fmax          {:<8} {:>7.2} MHz  (asked {:.2} MHz: {})",
            c.clock,
            c.achieved_mhz,
            c.constraint_mhz,
            if c.met { "met" } else { "not met" }
        );
    }
    for p in &b.critical_paths {
        println!(
            "  critical path {:.2} ns ({:.2} logic, {:.2} routing; {} logic levels), {} -> {}",
            p.delay_ns,
            p.logic_ns,
            p.routing_ns,
            p.logic_levels,
            host::fpga::clock_name(&p.from),
            host::fpga::clock_name(&p.to)
        );
        for (end, e) in [("from", &p.start), ("to", &p.end)] {
            println!(
                "    {end:<4} {}.{} (net {}{})",
                e.cell,
                e.port,
                e.net.as_deref().unwrap_or("-"),
                e.sources
                    .iter()
                    .find(|s| s.starts_with("top.v"))
                    .map(|s| format!(", {s}"))
                    .unwrap_or_default()
            );
        }
    }
    for r in &b.utilisation {
        println!(
            "  {:<13} {:>6} / {:<6} {:>5.1}%  ({})",
            r.resource,
            r.used,
            r.available,
            100.0 * r.used as f64 / r.available.max(1) as f64,
            r.bel
        );
    }
    let cells: Vec<String> = b
        .synthesis_cells
        .iter()
        .map(|(cell, n)| format!("{cell} {n}"))
        .collect();
    println!("  synthesized   {}", cells.join(", "));
    println!(
        "  bitstream     {} ({} bytes, USERCODE {})",
        b.bitstream.path, b.bitstream.bytes, b.bitstream.usercode
    );
    let stages: Vec<String> = b
        .stages
        .iter()
        .map(|s| {
            format!(
                "{} {:.1} s{}",
                s.stage,
                s.seconds,
                if s.cached { " (cached)" } else { "" }
            )
        })
        .collect();
    println!("  stages        {}", stages.join(", "));
    println!("  this run      {:.1} s", b.wall_seconds);
    if let Some(f) = &b.floor {
        println!(
            "  floor         {:.2} MHz ({}): {}",
            f.floor_mhz,
            f.file,
            if f.met { "met" } else { "BELOW THE FLOOR" }
        );
    }
}

/// Memory a command may use: `ORDO_MEMORY_AVAILABLE_BYTES` when set (to leave room for other
/// processes, or to see the refusal), else MemAvailable of /proc/meminfo; None when neither
/// is there, and then nothing is refused (the figure is a guard, not a requirement).
fn available_memory_bytes() -> Result<Option<u64>, Error> {
    if let Ok(text) = std::env::var("ORDO_MEMORY_AVAILABLE_BYTES") {
        return text.trim().parse().map(Some).map_err(|_| Error::Config {
            origin: "environment".to_string(),
            message: format!("ORDO_MEMORY_AVAILABLE_BYTES {text:?} is not a number of bytes"),
        });
    }
    Ok(std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| mem_available_bytes(&text)))
}

/// MemAvailable from the text of /proc/meminfo (`MemAvailable:   123456 kB`), in bytes.
fn mem_available_bytes(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// Refuse, before anything is allocated, a venue whose capacities need more memory
/// (`needed_bytes`) than is available.
fn check_memory(origin: &str, needed_bytes: u64) -> Result<(), Error> {
    match available_memory_bytes()? {
        Some(available_bytes) if needed_bytes > available_bytes => {
            Err(memory_refusal(origin, needed_bytes, available_bytes))
        }
        _ => Ok(()),
    }
}

fn memory_refusal(origin: &str, needed_bytes: u64, available_bytes: u64) -> Error {
    Error::Config {
        origin: origin.to_string(),
        message: format!(
            "the capacities need {} of memory, {} are available; lower \
             venue.orders_resting_max or venue.accounts_max (`ordo config --check` shows \
             what each part needs)",
            human_bytes(needed_bytes),
            human_bytes(available_bytes)
        ),
    }
}

/// Bytes for people: in the largest binary unit (KiB, MiB, GiB) that leaves at least one,
/// with two decimals.
fn human_bytes(bytes: u64) -> String {
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    match units.iter().find(|&&(_, size)| bytes >= size) {
        Some(&(unit, size)) => format!("{:.2} {unit}", bytes as f64 / size as f64),
        None => format!("{bytes} bytes"),
    }
}

/// `ordo config --check`: the venue config (checked at load), the margin config against it,
/// and what their capacities need in memory against what is available.
fn check_config_file(
    config: &VenueConfig,
    origin: &str,
    margin_config: Option<&Path>,
    json: bool,
) -> Result<ExitCode, Error> {
    if let Some(path) = margin_config {
        MarginConfig::load(Some(path))?.check_against(config)?;
    }
    let v = &config.venue;
    let book_levels: u64 = config
        .instruments
        .iter()
        .map(|i| 2 * u64::from(i.levels()))
        .sum();
    let venue = config.memory();
    let margin = MarginNode::memory(config);
    // What demo needs, the most of any command (replay, diff, bench: the venue part;
    // follow: the margin part).
    let total_bytes = venue.total_bytes + margin.total_bytes;
    let available_bytes = available_memory_bytes()?;
    let fits = available_bytes.is_none_or(|available| total_bytes <= available);
    if json {
        println!(
            "{}",
            json!({
                "config": origin,
                "margin_config": margin_config.map(|p| p.display().to_string()),
                "capacities": {
                    "orders_resting_max": v.orders_resting_max,
                    "fok_orders_max": v.fok_orders_max,
                    "accounts_max": v.accounts_max,
                    "levels_per_side_max": v.levels_per_side_max,
                    "instruments_max": v.instruments_max,
                    "instruments": config.instruments.len(),
                    "book_levels": book_levels,
                },
                "memory": {
                    "venue": venue,
                    "margin": margin,
                    "total_bytes": total_bytes,
                    "available_bytes": available_bytes,
                    "fits": fits,
                },
            })
        );
    } else {
        println!("ordo config --check: {origin} is valid");
        if let Some(path) = margin_config {
            println!("  margin config {} agrees with it", path.display());
        }
        println!("capacities");
        println!(
            "  order slots {:>12} (venue.orders_resting_max) x {} bytes; up to {} more each in a follower",
            v.orders_resting_max, venue.per_order_slot_bytes, margin.per_order_slot_bytes
        );
        println!(
            "  FOK checks  {:>12} resting orders visited at most (venue.fok_orders_max)",
            v.fok_orders_max
        );
        println!(
            "  accounts    {:>12} (venue.accounts_max) x {} bytes; {} more each in a follower",
            v.accounts_max, venue.per_account_bytes, margin.per_account_bytes
        );
        println!(
            "  books       {:>12} of at most {} (venue.instruments_max), {book_levels} price levels in all",
            config.instruments.len(),
            v.instruments_max
        );
        println!("memory: software path (replay, diff, bench)");
        println!("  order slots {:>12}", human_bytes(venue.order_slots_bytes));
        println!("  accounts    {:>12}", human_bytes(venue.accounts_bytes));
        println!("  books       {:>12}", human_bytes(venue.books_bytes));
        println!("  tables      {:>12}", human_bytes(venue.tables_bytes));
        println!("  total       {:>12}", human_bytes(venue.total_bytes));
        println!("memory: margin node (follow; the demo's margin scenario)");
        println!(
            "  live orders {:>12} at most",
            human_bytes(margin.order_slots_bytes)
        );
        println!("  accounts    {:>12}", human_bytes(margin.accounts_bytes));
        println!("  tables      {:>12}", human_bytes(margin.tables_bytes));
        println!("  total       {:>12}", human_bytes(margin.total_bytes));
        let available = available_bytes.map_or_else(|| "unknown".to_string(), human_bytes);
        println!(
            "demo needs    {:>12} (both); available {available}: {}",
            human_bytes(total_bytes),
            if fits { "fits" } else { "DOES NOT FIT" }
        );
    }
    match available_bytes {
        Some(available_bytes) if !fits => Err(memory_refusal(origin, total_bytes, available_bytes)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

fn finish_run(
    report: &Report,
    events: Option<&Path>,
    json: bool,
    title: &str,
    extra: serde_json::Value,
) -> Result<ExitCode, Error> {
    if let (Some(path), Some(bytes)) = (events, &report.events_file) {
        write_file(path, bytes)?;
    }
    if json {
        let mut object = json!({
            "messages": report.messages,
            "summary": report.summary,
            "resting_orders_end": report.resting_orders_end,
            "timing": report.timing,
        });
        let map = object.as_object_mut().expect("object");
        for (key, value) in extra.as_object().expect("object") {
            map.insert(key.clone(), value.clone());
        }
        println!("{object}");
    } else {
        println!("{title}");
        print_summary(&report.summary);
        if let Some(resting) = report.resting_orders_end {
            println!("  resting     {resting:>12} orders at the end");
        }
        let t = &report.timing;
        if t.verify_threads > 0 {
            println!(
                "  verify      {:>12.0} signatures/s ({} threads, {:.2} s)",
                t.verifies_per_second, t.verify_threads, t.verify_seconds
            );
        }
        println!(
            "  sequence    {:>12.0} messages/s (sequencing, matching, digest; {:.3} s)",
            t.engine_messages_per_second, t.engine_seconds
        );
        println!(
            "  end to end  {:>12.0} messages/s ({:.2} s)",
            t.messages_per_second, t.total_seconds
        );
        if let Some(path) = events {
            println!("  events file {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(s: &Summary) {
    println!(
        "  events      {:>12} (seq {}..{})",
        s.events, s.first_seq, s.last_seq
    );
    println!("  accepted    {:>12}", s.accepted);
    println!("  rejected    {:>12}", s.rejected);
    for (reason, count) in &s.rejected_by_reason {
        println!("    {reason:<24}{count:>10}");
    }
    println!("  fills       {:>12} ({} lots)", s.fills, s.filled_lots);
    if s.oracle > 0 {
        println!("  oracle      {:>12} index updates", s.oracle);
    }
    if s.admin > 0 {
        println!(
            "  admin       {:>12} messages (credit, lot cost, transfers, isolations)",
            s.admin
        );
    }
    println!(
        "  cancelled   {:>12} (self-trade prevention: {})",
        s.cancelled, s.cancelled_self_trade
    );
    println!("  expired     {:>12}", s.expired);
    println!("  digest      sha256:{}", s.digest_sha256);
}

fn print_events(file: &Path, summary_only: bool, json: bool) -> Result<ExitCode, Error> {
    let bytes = read_events_file(file)?;
    let (events, error) = decode_events(&bytes, file);
    if summary_only {
        let mut tally = Tally::default();
        events.iter().for_each(|e| tally.add(e));
        let summary = tally.finish();
        if json {
            println!(
                "{}",
                json!({"file": file.display().to_string(), "complete": error.is_none(), "summary": summary})
            );
        } else {
            println!("ordo events: {}", file.display());
            print_summary(&summary);
        }
    } else {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for event in &events {
            if writeln!(out, "{}", event_json(event)).is_err() {
                return Ok(ExitCode::SUCCESS); // reader went away (e.g. `| head`)
            }
        }
        let _ = out.flush();
    }
    match error {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn follow_file(
    config: &VenueConfig,
    margin: &MarginConfig,
    file: &Path,
    json: bool,
) -> Result<ExitCode, Error> {
    let bytes = read_events_file(file)?;
    let (events, error) = decode_events(&bytes, file);
    if let Some(e) = error {
        return Err(e); // a replica does not follow a damaged stream past the damage
    }
    // A replica follows a whole stream; seq 0 would also read as "the stream ended".
    if let Some(first) = events.first().filter(|e| e.seq != 1) {
        return Err(Error::Input {
            path: file.display().to_string(),
            location: "byte offset 16".into(),
            message: format!(
                "the stream starts at seq {}: a replica follows a whole stream, from seq 1",
                first.seq
            ),
        });
    }
    let Some(&admin) = config.accounts.admins.first() else {
        return Err(usage_error(
            "the venue has no admin account (accounts.admins): nothing to follow",
        ));
    };
    let r = host::margin::node::follow(config, margin, admin, &events).map_err(|message| {
        Error::Config {
            origin: "margin".into(),
            message,
        }
    })?;
    let divergence = r.divergence.as_ref().map(|d| {
        json!({
            "seq": d.seq,
            "expected": d.expected.map(|a| format!("{a:?}")),
            "event": event_json(&d.event),
            "books": d.books,
        })
    });
    if json {
        println!(
            "{}",
            json!({
                "file": file.display().to_string(),
                "events": r.events,
                "matched": r.matched,
                "liquidations": r.liquidations,
                "transfers_refused": r.transfers_refused,
                "isolations_refused": r.isolations_refused,
                "funding_periods_skipped": r.funding_periods_skipped,
                "state_digest": r.state_digest,
                "divergence": divergence,
            })
        );
    } else {
        println!("ordo follow: {} ({} events)", file.display(), r.events);
        println!(
            "  leader      {:>12} actions matched (liquidation orders, credit and cost settings)",
            r.matched
        );
        println!(
            "  margin      {:>12} liquidation steps; refused: {} transfers, {} isolations",
            r.liquidations, r.transfers_refused, r.isolations_refused
        );
        if r.funding_periods_skipped > 0 {
            println!(
                "  funding     {:>12} periods skipped after gaps in sequencer time",
                r.funding_periods_skipped
            );
        }
        println!("  state       {:>12}", r.state_digest);
        match &r.divergence {
            None => println!("  verdict     in step with the leader"),
            Some(d) if d.seq == 0 => println!(
                "  verdict     DIVERGED: the stream ends with {:?} still due",
                d.expected
            ),
            Some(d) => println!(
                "  verdict     DIVERGED at seq {}: expected {:?}, the stream has {} {}",
                d.seq,
                d.expected,
                event_json(&d.event),
                d.books.as_deref().unwrap_or("")
            ),
        }
    }
    Ok(if r.divergence.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn usage_error(message: &str) -> Error {
    Error::Config {
        origin: "command line".to_string(),
        message: message.to_string(),
    }
}

fn run_bench(config: &VenueConfig, which: BenchCommand) -> Result<(), Error> {
    // Every size flag is at least 1 and bounded (checked as the flags were parsed).
    match which {
        BenchCommand::Matching {
            messages,
            repeats,
            seed,
            json,
        } => {
            let flows = bench::matching(config, messages, seed, repeats);
            if json {
                println!("{}", json!({"bench": "matching", "flows": flows}));
                return Ok(());
            }
            println!(
                "ordo bench matching: sequencer + matching core alone, one core, best of {repeats}"
            );
            println!(
                "{:<12}{:>10}{:>14}{:>16}{:>14}{:>16}{:>10}{:>9}",
                "flow",
                "orders",
                "ladder ns/ord",
                "ladder ord/s",
                "btree ns/ord",
                "btree ord/s",
                "speedup",
                "same"
            );
            for f in flows {
                println!(
                    "{:<12}{:>10}{:>14.1}{:>16.0}{:>14.1}{:>16.0}{:>9.2}x{:>9}",
                    f.flow,
                    f.messages,
                    f.ladder_ns_per_order,
                    f.ladder_orders_per_second,
                    f.btree_ns_per_order,
                    f.btree_orders_per_second,
                    f.speedup_vs_btree,
                    f.digests_equal
                );
            }
        }
        BenchCommand::Sigverify {
            messages,
            seed,
            json,
        } => {
            let f = bench::sigverify(config, messages, seed);
            if json {
                println!("{}", json!({"bench": "sigverify", "figures": f}));
                return Ok(());
            }
            println!(
                "ordo bench sigverify: {} ed25519 signatures (ZIP-215)",
                f.messages
            );
            println!(
                "  single, one core      {:>12.0} verifies/s  1.00x",
                f.single_verifies_per_second
            );
            println!(
                "  batched, one core     {:>12.0} verifies/s  {:.2}x",
                f.batched_one_core_verifies_per_second, f.batched_one_core_ratio
            );
            println!(
                "  batched, {} cores      {:>12.0} verifies/s  {:.2}x",
                f.threads, f.batched_all_cores_verifies_per_second, f.batched_all_cores_ratio
            );
            println!("  verdicts equal        {}", f.verdicts_equal);
        }
        BenchCommand::Hdl {
            orders,
            messages,
            verilator_messages,
            json,
        } => {
            let f = host::hardware::bench(config, orders, messages, verilator_messages)?;
            if json {
                println!("{}", json!({"bench": "hdl", "figures": f}));
                return Ok(());
            }
            print_hdl_bench(&f);
        }
        BenchCommand::Margin {
            accounts,
            fills,
            repeats,
            margin_config,
            json,
        } => {
            let margin = host::margin::config::MarginConfig::load(margin_config.as_deref())?;
            let f = host::margin::bench::bench(&margin, accounts, fills, repeats);
            if json {
                println!("{}", json!({"bench": "margin", "figures": f}));
                return Ok(());
            }
            print_margin_bench(&f);
        }
    }
    Ok(())
}

fn goal_text(goal: Option<f64>, met: Option<bool>) -> String {
    match (goal, met) {
        (Some(goal), Some(met)) => {
            format!("≤ {goal:<5} {}", if met { "met" } else { "NOT met" })
        }
        _ => "-".to_string(),
    }
}

fn print_hdl_bench(f: &host::hardware::HdlBench) {
    println!(
        "ordo bench hdl: the card top (hdl::Card), both simulators byte-identical to the \
         software path and to each other cycle for cycle"
    );
    println!(
        "sustained; card ns at {:.2} MHz ({}), software: this build's sequencer on one core, \
         same messages, same run",
        f.card_clock.mhz, f.card_clock.source
    );
    println!(
        "{:<30}{:>8}{:>12}{:>9}{:>12}{:>12}{:>10}  goal (cycles)",
        "kind", "count", "cycles/each", "card ns", "card /s", "software ns", "card/sw"
    );
    for k in &f.kinds {
        println!(
            "{:<30}{:>8}{:>12.2}{:>9.1}{:>12.0}{:>12.1}{:>9.2}x  {}",
            k.kind,
            k.count,
            k.cycles_per,
            k.ns_at_card_clock,
            k.per_second_at_card_clock,
            k.software_ns,
            k.software_ns / k.ns_at_card_clock,
            goal_text(k.goal_cycles, k.goal_met)
        );
    }
    println!(
        "{:<30}{:>8}{:>12.2}{:>9.1}{:>12.0}{:>12.1}{:>9.2}x  -",
        "demo flow (mixed)",
        f.demo_messages,
        f.demo_cycles_per_message,
        f.demo_ns_at_card_clock,
        f.demo_messages_per_second_at_card_clock,
        f.demo_software_ns,
        f.demo_software_ns / f.demo_ns_at_card_clock
    );
    println!("card/sw: the software path's ns over the card's (above 1: the card is faster)");
    println!("{:<30}{:>20}  goal", "latency, idle card", "cycles");
    for l in &f.latency {
        println!(
            "{:<30}{:>20}  {}",
            l.kind,
            l.cycles,
            goal_text(Some(l.goal_cycles as f64), Some(l.goal_met))
        );
    }
    println!(
        "worst case per message, idle card (fok_orders_max {}, orders_resting_max {}); ns at \
         {} MHz ({})",
        f.fok_orders_max, f.orders_resting_max, f.card_clock.mhz, f.card_clock.source
    );
    println!(
        "{:<52}{:>7}{:>7}{:>9}{:>12}{:>14}",
        "message", "orders", "events", "cycles", "card ns", "software ns"
    );
    for w in &f.worst_cases {
        println!(
            "{:<52}{:>7}{:>7}{:>9}{:>12.0}{:>14.0}",
            w.kind, w.orders, w.events, w.cycles, w.ns_at_card_clock, w.software_ns
        );
    }
    println!(
        "{:<16}{:>22}{:>12}{:>22}{:>12}{:>9}",
        "simulation speed",
        "rust-hdl msgs/cycles",
        "cycles/s",
        "verilator msgs/cycles",
        "cycles/s",
        "ratio"
    );
    for s in &f.speed {
        println!(
            "{:<16}{:>22}{:>12.0}{:>22}{:>12.0}{:>8.1}x",
            s.run,
            format!("{}/{}", s.rust_hdl_messages, s.rust_hdl_cycles),
            s.rust_hdl_cycles_per_s,
            format!("{}/{}", s.verilator_messages, s.verilator_cycles),
            s.verilator_cycles_per_s,
            s.ratio
        );
    }
    let whole: Vec<String> = f
        .speed
        .iter()
        .map(|s| {
            format!(
                "{} {:.0} / {:.0}",
                s.run, s.rust_hdl_whole_run_cycles_per_s, s.verilator_whole_run_cycles_per_s
            )
        })
        .collect();
    println!(
        "cycles/s: of the cycle loop alone (fastest of {}); whole runs, model build and \
         stimulus packing included (rust-hdl / verilator): {}",
        f.timed_runs,
        whole.join(", ")
    );
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    let slowest = f
        .speed
        .iter()
        .map(|s| s.rust_hdl_cycles_per_s)
        .fold(f64::INFINITY, f64::min);
    let lowest_ratio = f
        .speed
        .iter()
        .map(|s| s.ratio)
        .fold(f64::INFINITY, f64::min);
    println!(
        "goals (every run): rust-hdl ≥ {:.0} cycles/s {}, verilator ≥ {:.0}x rust-hdl {}",
        f.goal_rust_hdl_cycles_per_s,
        met(slowest >= f.goal_rust_hdl_cycles_per_s),
        f.goal_ratio,
        met(lowest_ratio >= f.goal_ratio)
    );
}

fn print_crash(r: &ScenarioReport) {
    let percent =
        (r.index_end_ticks - r.index_start_ticks) as f64 * 100.0 / r.index_start_ticks as f64;
    println!(
        "margin scenario: SOL-PERP index {} -> {} ticks ({percent:.1}%), {} leveraged traders vs a market maker",
        r.index_start_ticks, r.index_end_ticks, r.traders
    );
    println!(
        "  orders      {:>12} ({} fills; {} refused by the sequencer's pre-trade credit)",
        r.orders, r.fills, r.credit_rejects
    );
    println!(
        "  credit      {:>12} settings by the admin account; the margin engine alone would refuse {}; accepted beyond margin: {}",
        r.credit_settings, r.margin_rejects, r.accepted_beyond_margin
    );
    println!(
        "  isolated    {:>12} traders margined SOL-PERP with half their deposit (sequenced isolations; {} refused); {} of them liquidated",
        r.isolated_accounts, r.isolations_refused, r.isolated_liquidated
    );
    println!(
        "  liquidated  {:>12} accounts in {} steps: {} lots to the insurance account, penalties {} USDC",
        r.liquidated_accounts,
        r.liquidation_steps,
        r.liquidated_lots,
        usd(r.penalties_e6)
    );
    println!(
        "  liq. orders {:>12} IOC orders into the book, {} lots filled",
        r.liquidation_orders, r.liquidation_filled_lots
    );
    println!(
        "  insurance   {:>12} -> {} USDC (deficits covered {}, auto-deleveraged {})",
        usd(r.insurance_fund_start_e6),
        usd(r.insurance_fund_end_e6),
        usd(r.deficits_covered_e6),
        r.auto_deleveraged
    );
    println!(
        "  after       {:>12} accounts below maintenance; money conserved: {}; state {}",
        r.below_maintenance_end,
        if r.conservation_error_e6 == 0 {
            "yes"
        } else {
            "NO"
        },
        r.state_digest
    );
}

fn print_margin_bench(f: &host::margin::bench::MarginBench) {
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "ordo bench margin: {} accounts on one underlying ({} also hold options), one core",
        f.accounts, f.option_accounts
    );
    println!(
        "index update, re-mark + re-check all: {:>8.3} ms best, {:.3} ms median of {}  \
         (goal ≤ {} ms: {})",
        f.recheck_ms_best,
        f.recheck_ms_median,
        f.repeats,
        f.goal_recheck_ms,
        met(f.recheck_ms_best <= f.goal_recheck_ms)
    );
    println!(
        "  baseline, bare pass over the accounts: {:.3} ms ({:.1}x); liquidations: {}",
        f.baseline_pass_ms, f.recheck_over_baseline, f.liquidations
    );
    println!(
        "book-top move leaving the mark: {:>8.3} us (proved a no-op; fully re-checked: {:.3} ms)",
        f.top_move_us, f.top_move_full_ms
    );
    println!(
        "fill, positions + fees + both parties re-checked, {} fills:",
        f.fills
    );
    println!(
        "  between {} active accounts: {:>8.1} ns  (goal ≤ {} ns: {})",
        f.active_accounts,
        f.fill_ns,
        f.goal_fill_ns,
        met(f.fill_ns <= f.goal_fill_ns)
    );
    println!(
        "  between any of the {} (cache-cold): {:>8.1} ns",
        f.accounts, f.fill_uniform_ns
    );
}

/// Run `stimuli` through every engine; compare each event stream with the first engine's.
fn run_diff(
    config: &VenueConfig,
    stimuli: &[host::workload::Stimulus],
    engines: &[pipeline::Engine],
    trusted: bool,
    threads: Option<usize>,
    json: bool,
) -> Result<ExitCode, Error> {
    if engines.len() < 2 {
        return Err(usage_error("--engines needs at least two engines"));
    }
    // Each run's events are held until all are compared: a bound on the runs.
    if engines.len() > DIFF_ENGINES_MAX {
        return Err(usage_error(&format!(
            "--engines takes at most {DIFF_ENGINES_MAX} engines, got {}",
            engines.len()
        )));
    }
    let mut runs = Vec::new();
    for &engine in engines {
        let options = pipeline::Options {
            engine,
            verify: !trusted,
            threads: threads.unwrap_or_else(sigverify::all_cores),
            keep_events: true,
            progress: false,
        };
        let mut report = pipeline::run(config, stimuli, options)?;
        // Taken, not copied: only the decoded events are kept per run.
        let bytes = report.events_file.take().expect("kept");
        let (events, error) = decode_events(&bytes, Path::new("<memory>"));
        assert!(error.is_none(), "an engine's own event stream decodes");
        runs.push((engine, report, events));
    }
    let (reference_engine, reference, reference_events) = &runs[0];
    let mut results = Vec::new();
    let mut all_equal = true;
    for (engine, report, events) in &runs[1..] {
        let first = reference_events
            .iter()
            .zip(events)
            .position(|(a, b)| a != b)
            .or_else(|| {
                (reference_events.len() != events.len())
                    .then(|| reference_events.len().min(events.len()))
            });
        all_equal &= first.is_none();
        let show = |list: &[abi::Event], at: usize| list.get(at).map(event_json);
        results.push(json!({
            "engine": host::hardware::engine_name(*engine),
            "events": events.len(),
            "digest_sha256": report.summary.digest_sha256,
            "identical": first.is_none(),
            "first_difference": first.map(|at| json!({
                "index": at,
                host::hardware::engine_name(*reference_engine): show(reference_events, at),
                host::hardware::engine_name(*engine): show(events, at),
            })),
        }));
    }
    if json {
        println!(
            "{}",
            json!({
                "reference": host::hardware::engine_name(*reference_engine),
                "messages": stimuli.len(),
                "events": reference_events.len(),
                "digest_sha256": reference.summary.digest_sha256,
                "identical": all_equal,
                "engines": results,
            })
        );
    } else {
        println!(
            "ordo diff: {} messages, reference {} ({} events, sha256:{})",
            stimuli.len(),
            host::hardware::engine_name(*reference_engine),
            reference_events.len(),
            reference.summary.digest_sha256
        );
        for r in &results {
            match &r["first_difference"] {
                serde_json::Value::Null => {
                    println!("  {:<10} identical", r["engine"].as_str().unwrap_or(""))
                }
                d => println!(
                    "  {:<10} DIFFERS at event {}: {d}",
                    r["engine"].as_str().unwrap_or(""),
                    d["index"]
                ),
            }
        }
    }
    Ok(if all_equal {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_available_is_read_from_meminfo_text() {
        // Proves the MemAvailable line is found and scaled from kB (KiB) to bytes, and that a
        // text without it, or with a value that is not a number, gives none (nothing refused).
        let text = "MemTotal:       24597480 kB\nMemFree:        21000000 kB\nMemAvailable:   22943312 kB\n";
        assert_eq!(mem_available_bytes(text), Some(22_943_312 * 1024));
        assert_eq!(mem_available_bytes("MemTotal: 1 kB\n"), None);
        assert_eq!(mem_available_bytes("MemAvailable: lots kB\n"), None);
        assert_eq!(human_bytes(1 << 20), "1.00 MiB");
        assert_eq!(human_bytes(1023), "1023 bytes");
        assert_eq!(human_bytes(3 << 29), "1.50 GiB");
    }
}
