//! Event record: 64 bytes, little-endian, one per sequence number.
//!
//! | offset | size | field | kinds |
//! |---|---|---|---|
//! | 0 | 8 | sequence number | all; starts at 1, +1 per event, no gaps |
//! | 8 | 8 | sequencer timestamp, ns | all; the ingress stamp of the message that caused it |
//! | 16 | 1 | kind | [`EventKind`] |
//! | 17 | 1 | reason | [`crate::Reason`]; rejected, cancelled |
//! | 18 | 1 | side | order side (taker side for a fill) |
//! | 19 | 1 | reserved | 0 |
//! | 20 | 2 | instrument id | all |
//! | 22 | 2 | reserved | 0 |
//! | 24 | 4 | account id | order owner (taker for a fill) |
//! | 28 | 4 | price, ticks | order price; fill price (the maker's) |
//! | 32 | 8 | order id | the order (taker for a fill; cancel target or 0 for a reject) |
//! | 40 | 4 | quantity, lots | accepted: order qty; fill: traded; cancelled/expired: removed |
//! | 44 | 4 | remaining, lots | order's open qty after this event (taker for a fill) |
//! | 48 | 8 | client ref / maker order id | fill: maker order id; others: client reference |
//! | 56 | 4 | maker account | fill only, else 0 |
//! | 60 | 4 | maker remaining, lots | fill only, else 0 |

use crate::{Error, Reason};

/// Bytes in one event record.
pub const EVENT_BYTES: usize = 64;

/// What an event reports.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// A new order was accepted and given an order id.
    Accepted = 1,
    /// A message was rejected; `reason` says why. Nothing else changed.
    Rejected = 2,
    /// A taker traded with a resting maker at the maker's price.
    Fill = 3,
    /// An order (or a taker's remainder) left the book: by request (`reason` none) or by
    /// self-trade prevention (`reason` self_trade).
    Cancelled = 4,
    /// The unfilled remainder of an IOC order expired.
    Expired = 5,
    /// An oracle update was sequenced: the message's fields echoed (`instrument` the
    /// underlying, `price_ticks` the index, `qty_lots` the volatility in ppm or 0).
    Oracle = 6,
    /// An admin message was sequenced and applied: its fields echoed like an oracle
    /// update's (abi.md §16).
    Admin = 7,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::Accepted,
        EventKind::Rejected,
        EventKind::Fill,
        EventKind::Cancelled,
        EventKind::Expired,
        EventKind::Oracle,
        EventKind::Admin,
    ];

    pub fn from_u8(value: u8) -> Option<EventKind> {
        match value {
            1 => Some(EventKind::Accepted),
            2 => Some(EventKind::Rejected),
            3 => Some(EventKind::Fill),
            4 => Some(EventKind::Cancelled),
            5 => Some(EventKind::Expired),
            6 => Some(EventKind::Oracle),
            7 => Some(EventKind::Admin),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EventKind::Accepted => "accepted",
            EventKind::Rejected => "rejected",
            EventKind::Fill => "fill",
            EventKind::Cancelled => "cancelled",
            EventKind::Expired => "expired",
            EventKind::Oracle => "oracle",
            EventKind::Admin => "admin",
        }
    }
}

/// One event, fields as on the wire. Fields a kind does not use are zero (the encoder
/// asserts it), so decode(encode(e)) == e.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub seq: u64,
    pub timestamp_ns: u64,
    pub kind: EventKind,
    pub reason: Reason,
    /// Raw side byte: a rejected message may carry an undefined side.
    pub side: u8,
    pub instrument: u16,
    pub account: u32,
    pub price_ticks: u32,
    pub order_id: u64,
    pub qty_lots: u32,
    pub remaining_lots: u32,
    pub client_ref: u64,
    pub maker_order_id: u64,
    pub maker_account: u32,
    pub maker_remaining_lots: u32,
}

impl Event {
    /// An all-zero event of `kind` (sequence and time are stamped by the sequencer).
    pub const fn blank(kind: EventKind) -> Event {
        Event {
            seq: 0,
            timestamp_ns: 0,
            kind,
            reason: Reason::None,
            side: 0,
            instrument: 0,
            account: 0,
            price_ticks: 0,
            order_id: 0,
            qty_lots: 0,
            remaining_lots: 0,
            client_ref: 0,
            maker_order_id: 0,
            maker_account: 0,
            maker_remaining_lots: 0,
        }
    }

    pub fn encode(&self) -> [u8; EVENT_BYTES] {
        let mut b = [0u8; EVENT_BYTES];
        self.encode_into(&mut b);
        b
    }

    pub fn encode_into(&self, b: &mut [u8; EVENT_BYTES]) {
        let is_fill = self.kind == EventKind::Fill;
        assert!(
            is_fill
                || (self.maker_order_id == 0
                    && self.maker_account == 0
                    && self.maker_remaining_lots == 0)
        );
        assert!(!is_fill || self.client_ref == 0);
        b[0..8].copy_from_slice(&self.seq.to_le_bytes());
        b[8..16].copy_from_slice(&self.timestamp_ns.to_le_bytes());
        b[16] = self.kind as u8;
        b[17] = self.reason as u8;
        b[18] = self.side;
        b[19] = 0;
        b[20..22].copy_from_slice(&self.instrument.to_le_bytes());
        b[22..24].copy_from_slice(&[0, 0]);
        b[24..28].copy_from_slice(&self.account.to_le_bytes());
        b[28..32].copy_from_slice(&self.price_ticks.to_le_bytes());
        b[32..40].copy_from_slice(&self.order_id.to_le_bytes());
        b[40..44].copy_from_slice(&self.qty_lots.to_le_bytes());
        b[44..48].copy_from_slice(&self.remaining_lots.to_le_bytes());
        let ref_or_maker = if is_fill {
            self.maker_order_id
        } else {
            self.client_ref
        };
        b[48..56].copy_from_slice(&ref_or_maker.to_le_bytes());
        b[56..60].copy_from_slice(&self.maker_account.to_le_bytes());
        b[60..64].copy_from_slice(&self.maker_remaining_lots.to_le_bytes());
    }

    /// Decode one record; undefined kind or reason values and non-zero reserved bytes are
    /// errors (an event stream is produced by ordo, so any of these means corruption).
    pub fn decode(b: &[u8]) -> Result<Event, Error> {
        if b.len() != EVENT_BYTES {
            return Err(Error::Length {
                expected: EVENT_BYTES,
                got: b.len(),
            });
        }
        let u16_at = |at: usize| u16::from_le_bytes([b[at], b[at + 1]]);
        let u32_at = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let u64_at = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
        let kind = EventKind::from_u8(b[16]).ok_or(Error::Field {
            field: "kind",
            value: u64::from(b[16]),
        })?;
        let reason = Reason::from_u8(b[17]).ok_or(Error::Field {
            field: "reason",
            value: u64::from(b[17]),
        })?;
        if b[19] != 0 || u16_at(22) != 0 {
            return Err(Error::Field {
                field: "reserved",
                value: 1,
            });
        }
        let is_fill = kind == EventKind::Fill;
        let event = Event {
            seq: u64_at(0),
            timestamp_ns: u64_at(8),
            kind,
            reason,
            side: b[18],
            instrument: u16_at(20),
            account: u32_at(24),
            price_ticks: u32_at(28),
            order_id: u64_at(32),
            qty_lots: u32_at(40),
            remaining_lots: u32_at(44),
            client_ref: if is_fill { 0 } else { u64_at(48) },
            maker_order_id: if is_fill { u64_at(48) } else { 0 },
            maker_account: u32_at(56),
            maker_remaining_lots: u32_at(60),
        };
        if !is_fill && (event.maker_account != 0 || event.maker_remaining_lots != 0) {
            return Err(Error::Field {
                field: "maker fields on a non-fill",
                value: 1,
            });
        }
        Ok(event)
    }
}

/// Does an event with this kind and reason begin its message's events (abi.md §6, message
/// boundaries)? Every message's first event is its `accepted`, its `rejected`, its cancel's
/// `cancelled` (reason none) or its update's echo (`oracle`, `admin`); fills, STP
/// cancellations (`self_trade`) and `expired` only ever follow an `accepted` of the same
/// message.
pub fn starts_message(kind: u8, reason: u8) -> bool {
    match EventKind::from_u8(kind) {
        Some(EventKind::Accepted | EventKind::Rejected | EventKind::Oracle | EventKind::Admin) => {
            true
        }
        Some(EventKind::Cancelled) => reason == Reason::None as u8,
        Some(EventKind::Fill | EventKind::Expired) | None => false,
    }
}

/// How many messages a stream of encoded event records answers: the records that begin a
/// message ([`starts_message`]). A run that answers fewer messages than it was given lost
/// events (every message has at least one).
pub fn messages_answered(records: &[u8]) -> usize {
    records
        .chunks(EVENT_BYTES)
        .filter(|r| r.len() == EVENT_BYTES && starts_message(r[16], r[17]))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_and_accept_round_trip_at_documented_offsets() {
        // Proves the kind-dependent slot at offset 48 and the maker fields survive a round trip.
        let mut fill = Event::blank(EventKind::Fill);
        fill.seq = 9;
        fill.timestamp_ns = 1000;
        fill.side = 1;
        fill.instrument = 3;
        fill.account = 11;
        fill.price_ticks = 100;
        fill.order_id = 0x1_0000_0002;
        fill.qty_lots = 5;
        fill.remaining_lots = 2;
        fill.maker_order_id = 0x1_0000_0001;
        fill.maker_account = 12;
        fill.maker_remaining_lots = 7;
        let b = fill.encode();
        assert_eq!(b[16], EventKind::Fill as u8);
        assert_eq!(
            u64::from_le_bytes(b[48..56].try_into().unwrap()),
            0x1_0000_0001
        );
        assert_eq!(u32::from_le_bytes(b[56..60].try_into().unwrap()), 12);
        assert_eq!(Event::decode(&b).unwrap(), fill);

        let mut accepted = Event::blank(EventKind::Accepted);
        accepted.client_ref = 77;
        let b = accepted.encode();
        assert_eq!(u64::from_le_bytes(b[48..56].try_into().unwrap()), 77);
        assert_eq!(Event::decode(&b).unwrap(), accepted);
    }

    #[test]
    fn corrupt_fields_are_rejected() {
        // Proves decode refuses undefined kinds/reasons and stray maker fields.
        let good = Event::blank(EventKind::Rejected).encode();
        let mut b = good;
        b[16] = 0;
        assert!(Event::decode(&b).is_err());
        let mut b = good;
        b[17] = 200;
        assert!(Event::decode(&b).is_err());
        let mut b = good;
        b[57] = 1;
        assert!(Event::decode(&b).is_err());
        assert!(Event::decode(&good[..63]).is_err());
    }

    #[test]
    fn message_boundaries_follow_section_6() {
        // Proves the boundary rule on each kind: a stream of accepted, fill, STP cancel,
        // expired, a cancel's cancelled, a reject and two echoes answers five messages.
        let mut stream = Vec::new();
        for (kind, reason) in [
            (EventKind::Accepted, Reason::None),
            (EventKind::Fill, Reason::None),
            (EventKind::Cancelled, Reason::SelfTrade),
            (EventKind::Expired, Reason::None),
            (EventKind::Cancelled, Reason::None),
            (EventKind::Rejected, Reason::FokCannotFill),
            (EventKind::Oracle, Reason::None),
            (EventKind::Admin, Reason::None),
        ] {
            let mut e = Event::blank(kind);
            e.reason = reason;
            stream.extend_from_slice(&e.encode());
        }
        assert_eq!(messages_answered(&stream), 5);
        assert_eq!(messages_answered(&stream[EVENT_BYTES..4 * EVENT_BYTES]), 0);
        assert!(!starts_message(0, 0));
    }
}
