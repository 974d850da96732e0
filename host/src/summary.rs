//! Tallies of an event stream and its digest: SHA-256 over the 64-byte event encodings in
//! sequence order. Two runs agree on the digest exactly when they produced the same stream.

use std::collections::BTreeMap;

use abi::{Event, EventKind, Reason};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What an event stream contained.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub events: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Rejections by reason name (only reasons that occurred).
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    pub fills: u64,
    pub filled_lots: u64,
    pub cancelled: u64,
    /// Of `cancelled`: removed by self-trade prevention.
    pub cancelled_self_trade: u64,
    pub expired: u64,
    /// Oracle updates sequenced.
    pub oracle: u64,
    /// Admin messages sequenced (credit and lot cost settings, transfers, isolations).
    pub admin: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    /// SHA-256 of the event stream, hex.
    pub digest_sha256: String,
}

/// Accumulates a [`Summary`] event by event, checking the stream is gap-free as it goes.
pub struct Tally {
    summary: Summary,
    hasher: Sha256,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            summary: Summary::default(),
            hasher: Sha256::new(),
        }
    }
}

impl Tally {
    /// Add one event. Panics if the sequence is not gap-free: the engine promises it.
    pub fn add(&mut self, event: &Event) {
        let s = &mut self.summary;
        if s.events == 0 {
            s.first_seq = event.seq;
        } else {
            assert_eq!(event.seq, s.last_seq + 1, "event sequence has a gap");
        }
        s.last_seq = event.seq;
        s.events += 1;
        match event.kind {
            EventKind::Accepted => s.accepted += 1,
            EventKind::Rejected => {
                s.rejected += 1;
                *s.rejected_by_reason.entry(event.reason.name()).or_default() += 1;
            }
            EventKind::Fill => {
                s.fills += 1;
                s.filled_lots += u64::from(event.qty_lots);
            }
            EventKind::Cancelled => {
                s.cancelled += 1;
                s.cancelled_self_trade += u64::from(event.reason == Reason::SelfTrade);
            }
            EventKind::Expired => s.expired += 1,
            EventKind::Oracle => s.oracle += 1,
            EventKind::Admin => s.admin += 1,
        }
        self.hasher.update(event.encode());
    }

    pub fn finish(self) -> Summary {
        let mut summary = self.summary;
        summary.digest_sha256 = hex(&self.hasher.finalize());
        summary
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An event as one JSON object (for `ordo events`).
pub fn event_json(e: &Event) -> serde_json::Value {
    let mut v = serde_json::json!({
        "seq": e.seq,
        "timestamp_ns": e.timestamp_ns,
        "kind": e.kind.name(),
        "instrument": e.instrument,
        "account": e.account,
        "side": match abi::Side::from_u8(e.side) { Some(side) => side.name().to_string(), None => e.side.to_string() },
        "price_ticks": e.price_ticks,
        "order_id": e.order_id,
        "qty_lots": e.qty_lots,
        "remaining_lots": e.remaining_lots,
    });
    let map = v.as_object_mut().expect("object");
    if e.reason != Reason::None {
        map.insert("reason".into(), e.reason.name().into());
    }
    if e.kind == EventKind::Fill {
        map.insert("maker_order_id".into(), e.maker_order_id.into());
        map.insert("maker_account".into(), e.maker_account.into());
        map.insert("maker_remaining_lots".into(), e.maker_remaining_lots.into());
    } else {
        map.insert("client_ref".into(), e.client_ref.into());
    }
    v
}
