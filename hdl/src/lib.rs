//! rust-hdl blocks of the ordo card. Each block is one file named after its struct, with a
//! doc comment giving function, latency, throughput and every port, a pure-Rust model in the
//! same file, and tests that it synthesizes (yosys), matches its model under the cycle
//! harness (`sim`), and that its Verilator build matches the rust-hdl simulation.
//!
//! Landed so far: [`stamper::Stamper`] (ingress stamp rule), [`priority_bitmap::PriorityBitmap`]
//! (best-level finder of a book side) and its [`ctz32::Ctz32`] priority encoder. The sequencer and matching core
//! follow (issue 3); the software path in `host` is the reference they must reproduce.

pub mod card;
pub mod ctz32;
pub mod deserializer;
pub mod event_serializer;
pub mod level_queues;
pub mod matcher;
pub mod order_pool;
pub mod priority_bitmap;
pub mod reorder;
pub mod stamper;
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
