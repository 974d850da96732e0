//! The margin engine: option prices, risk and collateral requirements computed from the
//! sequenced stream. Like the matcher it is state-transition code, so it follows the
//! determinism rules of ARCHITECTURE.md: integers only (no floats anywhere, not even in
//! intermediate steps), fixed evaluation order and explicit rounding, so every replica on
//! every platform computes bit-identical margins from the same input stream.

pub mod bench;
pub mod config;
pub mod credit;
pub mod engine;
pub mod fixed;
pub mod node;
pub mod options;
pub mod scenario;

#[cfg(test)]
mod tests;
