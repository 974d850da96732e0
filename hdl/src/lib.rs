//! rust-hdl blocks of the ordo card. Each block is one file named after its struct, with a
//! doc comment giving function, latency, throughput and every port, a pure-Rust model in the
//! same file, and tests that it synthesizes (yosys), matches its model under the cycle
//! harness (`sim`), and that its Verilator build matches the rust-hdl simulation.
//!
//! Landed so far: [`stamper::Stamper`] (ingress stamp rule). The sequencer and matching core
//! follow (issue 3); the software path in `host` is the reference they must reproduce.

pub mod stamper;

pub use stamper::Stamper;
