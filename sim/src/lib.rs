//! Simulation of the `hdl` blocks, two ways, through one interface:
//! - [`harness::Harness`]: drives a rust-hdl block directly, single-threaded (set inputs,
//!   settle, sample outputs, clock edge). rust-hdl's threaded testbench is ~3,000× slower on
//!   small designs (rust-hdl 0.46, a 32-bit counter: ~6,000 against ~18M cycles/s), so it is
//!   not used.
//! - [`verilator::Verilated`]: the block's generated Verilog built with Verilator and driven
//!   cycle by cycle with the same per-cycle input vectors, producing the same per-cycle
//!   output vectors. Generated Verilog is untrusted (rust-hdl issues #22, #40): every block's
//!   Verilator build is diffed against its rust-hdl simulation.
//!
//! [`yosys`] checks that a block's Verilog synthesizes (for ECP5) and reports its size.
//! [`fpga`] wraps the card in the tops that FPGA builds need (`ordo fpga build`).

pub mod board;
pub mod card;
pub mod fpga;
pub mod harness;
pub mod verilator;
pub mod xdma;
pub mod yosys;

/// Errors of the simulation tooling (missing tools, failed builds), never design mismatches,
/// which tests report as assertion failures.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An external tool is not installed.
    #[error("`{tool}` not found on PATH: run ./scripts/test.sh, which installs it")]
    ToolMissing { tool: &'static str },
    /// An external tool ran and failed.
    #[error("{tool} failed: {message}")]
    ToolFailed { tool: &'static str, message: String },
    /// A file operation in the build directory failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A venue capacity the card cannot be configured to (refused before the run).
    #[error("{field} = {value} does not fit the card (it holds {limit})")]
    Capacity {
        field: String,
        value: u64,
        limit: String,
    },
    /// The card made no progress (took no word, emitted no event) for `cycles` cycles.
    #[error(
        "{engine}: the card made no progress for {cycles} cycles with message {message} \
         (0-based, of {messages}) in flight; it had taken {taken} messages and answered {answered}"
    )]
    Timeout {
        engine: &'static str,
        cycles: u64,
        message: u64,
        messages: usize,
        taken: u64,
        answered: u64,
    },
    /// A run answered fewer (or more) messages than it was given: events were lost.
    #[error(
        "{engine}: {messages} messages given, the card took {taken} and answered {answered}, \
         the event stream answers {in_stream} (abi §6 message boundaries)"
    )]
    Shortfall {
        engine: &'static str,
        messages: usize,
        taken: u64,
        answered: u64,
        in_stream: usize,
    },
    /// The card's event stream broke the contract the host relies on.
    #[error("card events: {0}")]
    Events(#[from] abi::RestoreError),
    /// A cycle vector does not match the port list.
    #[error("cycle {cycle}: {got} values for {expected} ports")]
    Vector {
        cycle: usize,
        got: usize,
        expected: usize,
    },
}

/// Directory for build products of external tools: `$CARGO_TARGET_DIR/ordo-sim` or
/// `target/ordo-sim` beside the workspace, so builds are cached between test runs.
pub fn build_root() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("ordo-sim")
}

/// Whether `tool` runs (`tool --version` succeeds).
pub fn tool_available(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
