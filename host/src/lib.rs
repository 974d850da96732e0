//! ordo host: the software path (the reference model of the card), the venue configuration,
//! and the pieces behind the `ordo` command.
//!
//! Data flow of the software path ([`pipeline::run`]):
//! orders (file, CSV or [`workload`]) → [`sigverify`] (all cores, ZIP-215) →
//! [`engine::Sequencer`] over [`engine::LadderBook`] → stamped [`abi::Event`]s → framed file
//! and digest.

pub mod bench;
pub mod book_replay;
pub mod config;
pub mod engine;
pub mod fpga;
/// Bodies of the fuzz targets in `fuzz/` (shared with the corpus replay test); not API.
#[doc(hidden)]
pub mod fuzz;
pub mod hardware;
pub mod input;
pub mod keys;
pub mod margin;
pub mod pipeline;
pub mod rng;
pub mod sigverify;
pub mod summary;
pub mod workload;

/// Errors of the host crate: operating faults (bad files, bad config), never bugs.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The venue configuration is invalid.
    #[error("config {origin}: {message}")]
    Config { origin: String, message: String },
    /// A sequencing engine other than the software path failed or is not built in.
    #[error("engine {engine}: {message}")]
    Engine {
        engine: &'static str,
        message: String,
    },
    /// A stage of the FPGA flow (`ordo fpga build`) failed, or the build is below its floor.
    #[error("fpga {stage}: {message}")]
    Fpga {
        stage: &'static str,
        message: String,
    },
    /// An input file is malformed; `location` names the line or byte offset.
    #[error("{path}: {location}: {message}")]
    Input {
        path: String,
        location: String,
        message: String,
    },
}
