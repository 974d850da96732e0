//! The card's contract, shared by every implementation of the ordo pipeline (software path,
//! rust-hdl simulation, Verilator simulation, the card itself).
//!
//! Nothing here decides anything: it only names the bytes. Every layout is little-endian and
//! documented with byte offsets in `docs/abi.md`; the constants below are the single source of
//! truth for those offsets, and `tests` in each module pin them.

pub mod client_refs;
pub mod event;
pub mod framing;
pub mod link;
pub mod order;
pub mod reason;
pub mod regs;

pub use client_refs::{ClientRefs, RestoreError};
pub use event::{messages_answered, starts_message, Event, EventKind, EVENT_BYTES};
pub use framing::{FrameError, FrameReader, FRAME_HEADER_BYTES};
pub use order::{
    MessageType, OrderId, OrderMessage, Side, StpMode, TimeInForce, CREDIT_UNLIMITED, LOT_COST_MAX,
    ORDER_BODY_BYTES, ORDER_MESSAGE_BYTES, SIGNED_MESSAGE_BYTES, SIGNING_DOMAIN_TAG,
};
pub use reason::Reason;

/// Contract version carried in every order-entry message and in file headers. Version 2
/// (2026-12): signatures cover the domain tag and venue id ahead of the body as received
/// (abi.md §3); version 1 signed the bare body. The layouts are unchanged.
pub const ABI_VERSION: u8 = 2;

/// Errors from decoding bytes that claim to follow this contract.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The buffer is shorter than the fixed layout.
    #[error("need {expected} bytes, got {got}")]
    Length { expected: usize, got: usize },
    /// A field holds a value the contract does not define.
    #[error("field `{field}` holds undefined value {value}")]
    Field { field: &'static str, value: u64 },
}
