//! rust-hdl blocks of the ordo card. Each block is one file named after its struct, with a
//! doc comment giving function, latency, throughput and every port; a reference model (a
//! pure-Rust model in the same file, or the contract's own code in `abi` / the software path
//! in `host` where those already are the model); and tests in `sim/tests/` that it
//! synthesizes (yosys), matches its reference under the cycle harness, and that its
//! Verilator build matches the rust-hdl simulation.
//!
//! Landed: the card top [`card::Card`] (byte-identical to the software path), the
//! [`matcher::Matcher`], and the blocks [`deserializer::Deserializer`],
//! [`stamper::Stamper`], [`validator::Validator`], [`reorder::Reorder`],
//! [`order_pool::OrderPool`], [`priority_bitmap::PriorityBitmap`] (with [`ctz32::Ctz32`]),
//! [`level_queues::LevelQueues`], [`event_serializer::EventSerializer`], the board link's
//! [`uart::UartTx`], [`uart::UartRx`] and [`crc32::Crc32`], [`bram::Bram`] (block RAM with
//! its output register, for the pipelined matcher and the validator) and [`mul16::Mul16`] (a
//! product with its operands registered in the multiplier, for the validator's credit cost).
//! Status, figures and what is left: `docs/hardware.md`.

pub mod blocks;
pub mod board_link;
pub mod bram;
pub mod card;
pub mod consts;
pub mod crc32;
pub mod ctz32;
pub mod deserializer;
pub mod event_serializer;
pub mod gated;
pub mod level_queues;
pub mod link_deframer;
pub mod link_framer;
pub mod matcher;
pub mod mul16;
pub mod order_pool;
pub mod priority_bitmap;
pub mod reorder;
pub mod stamper;
pub mod uart;
pub mod validator;

pub use card::Card;
pub use deserializer::Deserializer;
pub use event_serializer::EventSerializer;
pub use level_queues::LevelQueues;
pub use matcher::Matcher;
pub use order_pool::OrderPool;
pub use priority_bitmap::PriorityBitmap;
pub use reorder::Reorder;
pub use stamper::Stamper;
pub use validator::Validator;
