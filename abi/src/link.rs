//! The serial host link of a dev board without PCIe (the ULX3S's USB-UART, docs/hardware.md
//! "The ULX3S board"): abi §13 records (`len u32 ‖ crc32 u32 ‖ payload`) both ways, with no
//! file header, the first payload byte naming the record's kind (abi.md §18).
//!
//! Host → card: [`HostRecord`] — an order (arrival time, the host's signature verdict, the
//! 128-byte message), a configuration write, a status request. Card → host: [`CardRecord`] —
//! an event (the 64-byte record as the card emits it), a status report ([`LinkStatus`]).
//!
//! Flow control: the line cannot be paused, so the host keeps at most [`WINDOW_RECORDS`]
//! records unacknowledged ([`Window`]); the card buffers that many, so its input never
//! overruns. An order is acknowledged by its first event (abi §6 message boundaries: the card
//! took the whole message before answering it); any record by a status report whose
//! `records_done` counts it.

use crate::framing::FRAME_HEADER_BYTES;
use crate::{EVENT_BYTES, ORDER_MESSAGE_BYTES};

/// The line: 8 data bits, no parity, 1 stop bit, LSB first, at this many bits per second
/// (the FT231X's highest rate; the board divides its clock by an exact integer to it).
pub const BAUD: u64 = 3_000_000;

/// Kind of a host → card order record.
pub const KIND_ORDER: u8 = 0x01;
/// Kind of a host → card configuration write.
pub const KIND_CONFIG: u8 = 0x02;
/// Kind of a host → card status request.
pub const KIND_STATUS_REQUEST: u8 = 0x03;
/// Kind of a card → host event record.
pub const KIND_EVENT: u8 = 0x81;
/// Kind of a card → host status report.
pub const KIND_STATUS: u8 = 0x82;

/// Payload bytes of an order record: kind, verdict, 6 reserved, arrival_ns u64, message.
pub const ORDER_PAYLOAD_BYTES: usize = 16 + ORDER_MESSAGE_BYTES;
/// Payload offset of an order record's arrival time.
pub const ORDER_ARRIVAL_OFFSET: usize = 8;
/// Payload offset of an order record's message.
pub const ORDER_MESSAGE_OFFSET: usize = 16;
/// Payload bytes of a configuration write: kind, reserved, address u16, data u32.
pub const CONFIG_PAYLOAD_BYTES: usize = 8;
/// Payload bytes of a status request: kind, 7 reserved.
pub const STATUS_REQUEST_PAYLOAD_BYTES: usize = 8;
/// Payload bytes of an event record: kind, the 64-byte event.
pub const EVENT_PAYLOAD_BYTES: usize = 1 + EVENT_BYTES;
/// Payload bytes of a status report (layout in [`LinkStatus::encode`]).
pub const STATUS_PAYLOAD_BYTES: usize = 48;
/// Records the card buffers (each an order's or a configuration write's): the host's window.
pub const WINDOW_RECORDS: usize = 8;
/// Bytes of one buffer slot on the card (the largest host record's payload fits).
pub const SLOT_BYTES: usize = 256;

const _: () = assert!(WINDOW_RECORDS.is_power_of_two());
const _: () = assert!(ORDER_PAYLOAD_BYTES <= SLOT_BYTES);
const _: () = assert!(ORDER_MESSAGE_BYTES.is_multiple_of(32));
const _: () = assert!(EVENT_BYTES.is_multiple_of(4) && STATUS_PAYLOAD_BYTES.is_multiple_of(4));

/// The payload length of a host record of `kind` (None: not a host record kind).
pub fn host_payload_bytes(kind: u8) -> Option<usize> {
    match kind {
        KIND_ORDER => Some(ORDER_PAYLOAD_BYTES),
        KIND_CONFIG => Some(CONFIG_PAYLOAD_BYTES),
        KIND_STATUS_REQUEST => Some(STATUS_REQUEST_PAYLOAD_BYTES),
        _ => None,
    }
}

/// One record from the host to the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRecord {
    /// An order-entry message with its arrival time and the host's signature verdict (until
    /// the card verifies signatures itself, issue 14).
    Order {
        arrival_ns: u64,
        signature_ok: bool,
        message: [u8; ORDER_MESSAGE_BYTES],
    },
    /// A configuration write (the card's `cfg_address`, `cfg_data`).
    Config { address: u16, data: u32 },
    /// Ask for a status report; served ahead of the events not yet framed.
    StatusRequest,
}

impl HostRecord {
    /// The payload (kind byte first).
    pub fn payload(&self) -> Vec<u8> {
        match *self {
            HostRecord::Order {
                arrival_ns,
                signature_ok,
                message,
            } => {
                let mut p = vec![0u8; ORDER_PAYLOAD_BYTES];
                p[0] = KIND_ORDER;
                p[1] = u8::from(signature_ok);
                p[ORDER_ARRIVAL_OFFSET..ORDER_MESSAGE_OFFSET]
                    .copy_from_slice(&arrival_ns.to_le_bytes());
                p[ORDER_MESSAGE_OFFSET..].copy_from_slice(&message);
                p
            }
            HostRecord::Config { address, data } => {
                let mut p = vec![0u8; CONFIG_PAYLOAD_BYTES];
                p[0] = KIND_CONFIG;
                p[2..4].copy_from_slice(&address.to_le_bytes());
                p[4..8].copy_from_slice(&data.to_le_bytes());
                p
            }
            HostRecord::StatusRequest => {
                let mut p = vec![0u8; STATUS_REQUEST_PAYLOAD_BYTES];
                p[0] = KIND_STATUS_REQUEST;
                p
            }
        }
    }

    /// Append the framed record (abi §13: len, crc32, payload).
    pub fn write(&self, out: &mut Vec<u8>) {
        crate::framing::write_frame(out, &self.payload());
    }

    /// Decode a payload strictly: the kind's length, reserved bytes zero, a verdict of 0 or 1.
    pub fn decode(payload: &[u8]) -> Result<HostRecord, LinkError> {
        let kind = *payload.first().ok_or(LinkError::Empty)?;
        let expected = host_payload_bytes(kind).ok_or(LinkError::Kind { kind })?;
        if payload.len() != expected {
            return Err(LinkError::Length {
                kind,
                len: payload.len(),
                expected,
            });
        }
        let zero = |range: std::ops::Range<usize>| {
            if payload[range.clone()].iter().all(|&b| b == 0) {
                Ok(())
            } else {
                Err(LinkError::Reserved { kind })
            }
        };
        match kind {
            KIND_ORDER => {
                zero(2..ORDER_ARRIVAL_OFFSET)?;
                if payload[1] > 1 {
                    return Err(LinkError::Reserved { kind });
                }
                Ok(HostRecord::Order {
                    arrival_ns: u64::from_le_bytes(
                        payload[ORDER_ARRIVAL_OFFSET..ORDER_MESSAGE_OFFSET]
                            .try_into()
                            .expect("8 bytes"),
                    ),
                    signature_ok: payload[1] == 1,
                    message: payload[ORDER_MESSAGE_OFFSET..]
                        .try_into()
                        .expect("128 bytes"),
                })
            }
            KIND_CONFIG => {
                zero(1..2)?;
                Ok(HostRecord::Config {
                    address: u16::from_le_bytes([payload[2], payload[3]]),
                    data: u32::from_le_bytes(payload[4..8].try_into().expect("4 bytes")),
                })
            }
            _ => {
                zero(1..STATUS_REQUEST_PAYLOAD_BYTES)?;
                Ok(HostRecord::StatusRequest)
            }
        }
    }
}

/// The card's link status report (payload layout, little-endian, in [`LinkStatus::encode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkStatus {
    /// The card's `st_idle`.
    pub idle: bool,
    /// Messages the card took whole (`st_taken`).
    pub taken: u32,
    /// Messages every event of which was handed to the event serializer (`st_answered`).
    pub answered: u32,
    /// Host records executed: orders the card took whole, configuration writes applied.
    pub records_done: u32,
    /// Records dropped because their length field is not a host record's length (counted
    /// once per loss of synchronisation: the bytes after it are searched for a length).
    pub bad_length: u32,
    /// Records dropped because their CRC did not match.
    pub bad_crc: u32,
    /// Records dropped because their kind is unknown, is not their length's, or a reserved
    /// byte is not zero.
    pub bad_kind: u32,
    /// Records dropped because the buffer was full (the host broke the window).
    pub overflow: u32,
    /// Bytes the UART receiver dropped for a low stop bit.
    pub frame_errors: u32,
    /// Bytes the UART receiver dropped because the previous one was not yet taken.
    pub uart_overruns: u32,
    /// The firmware id (design revision) built in.
    pub firmware_id: u64,
}

impl LinkStatus {
    /// The payload: kind u8 ‖ flags u8 (bit 0: idle) ‖ reserved u16 ‖ taken ‖ answered ‖
    /// records_done ‖ bad_length ‖ bad_crc ‖ bad_kind ‖ overflow ‖ frame_errors ‖
    /// uart_overruns (u32 each, offsets 4..40) ‖ firmware_id u64 (40..48).
    pub fn encode(&self) -> [u8; STATUS_PAYLOAD_BYTES] {
        let mut p = [0u8; STATUS_PAYLOAD_BYTES];
        p[0] = KIND_STATUS;
        p[1] = u8::from(self.idle);
        for (i, v) in self.counters().iter().enumerate() {
            p[4 + 4 * i..8 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        p[40..48].copy_from_slice(&self.firmware_id.to_le_bytes());
        p
    }

    fn counters(&self) -> [u32; 9] {
        [
            self.taken,
            self.answered,
            self.records_done,
            self.bad_length,
            self.bad_crc,
            self.bad_kind,
            self.overflow,
            self.frame_errors,
            self.uart_overruns,
        ]
    }

    fn decode(p: &[u8]) -> Result<LinkStatus, LinkError> {
        if p[1] > 1 || p[2] != 0 || p[3] != 0 {
            return Err(LinkError::Reserved { kind: KIND_STATUS });
        }
        let word = |i: usize| u32::from_le_bytes(p[4 + 4 * i..8 + 4 * i].try_into().unwrap());
        Ok(LinkStatus {
            idle: p[1] == 1,
            taken: word(0),
            answered: word(1),
            records_done: word(2),
            bad_length: word(3),
            bad_crc: word(4),
            bad_kind: word(5),
            overflow: word(6),
            frame_errors: word(7),
            uart_overruns: word(8),
            firmware_id: u64::from_le_bytes(p[40..48].try_into().unwrap()),
        })
    }
}

/// One record from the card to the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardRecord {
    /// An event record, as the card emits it (client references not yet restored, abi §14).
    Event([u8; EVENT_BYTES]),
    Status(LinkStatus),
}

impl CardRecord {
    /// The payload (kind byte first).
    pub fn payload(&self) -> Vec<u8> {
        match self {
            CardRecord::Event(event) => {
                let mut p = Vec::with_capacity(EVENT_PAYLOAD_BYTES);
                p.push(KIND_EVENT);
                p.extend_from_slice(event);
                p
            }
            CardRecord::Status(status) => status.encode().to_vec(),
        }
    }

    /// Append the framed record.
    pub fn write(&self, out: &mut Vec<u8>) {
        crate::framing::write_frame(out, &self.payload());
    }

    /// Decode a payload strictly.
    pub fn decode(payload: &[u8]) -> Result<CardRecord, LinkError> {
        let kind = *payload.first().ok_or(LinkError::Empty)?;
        let expected = match kind {
            KIND_EVENT => EVENT_PAYLOAD_BYTES,
            KIND_STATUS => STATUS_PAYLOAD_BYTES,
            _ => return Err(LinkError::Kind { kind }),
        };
        if payload.len() != expected {
            return Err(LinkError::Length {
                kind,
                len: payload.len(),
                expected,
            });
        }
        Ok(match kind {
            KIND_EVENT => CardRecord::Event(payload[1..].try_into().expect("64 bytes")),
            _ => CardRecord::Status(LinkStatus::decode(payload)?),
        })
    }
}

/// What is wrong with a link record.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LinkError {
    /// The payload is empty (no kind byte).
    #[error("empty link record")]
    Empty,
    /// The kind byte names no record of this direction.
    #[error("unknown link record kind {kind:#04x}")]
    Kind { kind: u8 },
    /// The payload length is not the kind's.
    #[error("link record kind {kind:#04x} of {len} bytes (expected {expected})")]
    Length {
        kind: u8,
        len: usize,
        expected: usize,
    },
    /// A reserved byte or flag is not zero.
    #[error("link record kind {kind:#04x} with a reserved byte set")]
    Reserved { kind: u8 },
    /// A record's CRC does not match its payload.
    #[error("link record crc mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    Crc { stored: u32, computed: u32 },
    /// A length field no card record has (the stream is not in sync).
    #[error("link record length {len} is no card record's")]
    FrameLength { len: usize },
}

/// Reads card records from the bytes of the line as they arrive (the host side). The card's
/// output is always well framed, so any bad record is an error and stops the reader.
#[derive(Debug, Default)]
pub struct CardReader {
    buffer: Vec<u8>,
    failed: bool,
}

impl CardReader {
    pub fn new() -> CardReader {
        CardReader::default()
    }

    /// Take `bytes` from the line; return the records they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<CardRecord>, LinkError> {
        assert!(!self.failed, "a failed CardReader reads nothing more");
        self.buffer.extend_from_slice(bytes);
        let mut records = Vec::new();
        let mut at = 0;
        while self.buffer.len() - at >= FRAME_HEADER_BYTES {
            let word = |o: usize| u32::from_le_bytes(self.buffer[o..o + 4].try_into().unwrap());
            let len = word(at) as usize;
            if len != EVENT_PAYLOAD_BYTES && len != STATUS_PAYLOAD_BYTES {
                self.failed = true;
                return Err(LinkError::FrameLength { len });
            }
            if self.buffer.len() - at < FRAME_HEADER_BYTES + len {
                break;
            }
            let payload = &self.buffer[at + FRAME_HEADER_BYTES..at + FRAME_HEADER_BYTES + len];
            let (stored, computed) = (word(at + 4), crc32fast::hash(payload));
            if stored != computed {
                self.failed = true;
                return Err(LinkError::Crc { stored, computed });
            }
            match CardRecord::decode(payload) {
                Ok(record) => records.push(record),
                Err(e) => {
                    self.failed = true;
                    return Err(e);
                }
            }
            at += FRAME_HEADER_BYTES + len;
        }
        self.buffer.drain(..at);
        Ok(records)
    }

    /// Bytes received that do not complete a record yet.
    pub fn pending_bytes(&self) -> usize {
        self.buffer.len()
    }
}

/// The host's flow control: how many records it may send now. Records are executed in the
/// order sent, so an acknowledgement of record *r* acknowledges every record before it.
#[derive(Debug, Clone, Default)]
pub struct Window {
    sent: u64,
    acknowledged: u64,
    /// Record index (0-based, among all records sent) of each order sent, in order.
    order_records: std::collections::VecDeque<u64>,
    orders_started: u64,
}

impl Window {
    pub fn new() -> Window {
        Window::default()
    }

    /// Whether another order or configuration record may be sent now.
    pub fn may_send(&self) -> bool {
        self.sent - self.acknowledged < WINDOW_RECORDS as u64
    }

    /// Records sent and not yet acknowledged.
    pub fn in_flight(&self) -> u64 {
        self.sent - self.acknowledged
    }

    /// Count an order or configuration record sent (status requests are not buffered).
    pub fn sent(&mut self, record: &HostRecord) {
        if *record == HostRecord::StatusRequest {
            return;
        }
        assert!(self.may_send(), "the window is full");
        match record {
            HostRecord::StatusRequest => unreachable!(),
            HostRecord::Order { .. } => self.order_records.push_back(self.sent),
            HostRecord::Config { .. } => {}
        }
        self.sent += 1;
    }

    /// Take a record from the card: an event that begins a message acknowledges that
    /// message's order record; a status report, every record it counts as done.
    pub fn received(&mut self, record: &CardRecord) {
        match record {
            CardRecord::Event(event) => {
                if crate::starts_message(event[16], event[17]) {
                    let index = self
                        .order_records
                        .pop_front()
                        .expect("an answer to an order that was sent");
                    self.orders_started += 1;
                    self.acknowledged = self.acknowledged.max(index + 1);
                }
            }
            CardRecord::Status(status) => {
                // `records_done` counts from the card's configuration; it never exceeds what
                // was sent (a u32 that wraps after 4 G records: compare the low bits).
                let done = (self.sent & !0xFFFF_FFFF) | u64::from(status.records_done);
                let done = if done > self.sent {
                    done - (1 << 32)
                } else {
                    done
                };
                self.acknowledged = self.acknowledged.max(done);
            }
        }
    }

    /// Messages whose answer has begun in the event stream.
    pub fn orders_started(&self) -> u64 {
        self.orders_started
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(arrival_ns: u64, fill: u8) -> HostRecord {
        HostRecord::Order {
            arrival_ns,
            signature_ok: fill.is_multiple_of(2),
            message: [fill; ORDER_MESSAGE_BYTES],
        }
    }

    #[test]
    fn host_records_round_trip_with_their_lengths() {
        for (r, len) in [
            (order(0x0102_0304_0506_0708, 7), 144),
            (
                HostRecord::Config {
                    address: 0x0811,
                    data: 0xDEAD_BEEF,
                },
                8,
            ),
            (HostRecord::StatusRequest, 8),
        ] {
            let p = r.payload();
            assert_eq!(p.len(), len);
            assert_eq!(HostRecord::decode(&p), Ok(r));
            let mut framed = Vec::new();
            r.write(&mut framed);
            assert_eq!(&framed[..4], &(len as u32).to_le_bytes());
            assert_eq!(&framed[4..8], &crc32fast::hash(&p).to_le_bytes());
        }
        let p = order(0x0102_0304_0506_0708, 7).payload();
        assert_eq!(&p[8..16], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(p[16], 7);
    }

    #[test]
    fn host_records_with_reserved_bytes_or_a_wrong_kind_are_refused() {
        let mut p = order(1, 2).payload();
        p[1] = 2;
        assert_eq!(
            HostRecord::decode(&p),
            Err(LinkError::Reserved { kind: KIND_ORDER })
        );
        let mut p = order(1, 2).payload();
        p[5] = 1;
        assert!(HostRecord::decode(&p).is_err());
        let mut p = HostRecord::StatusRequest.payload();
        p[0] = KIND_ORDER;
        assert!(matches!(
            HostRecord::decode(&p),
            Err(LinkError::Length { .. })
        ));
        p[0] = 9;
        assert_eq!(HostRecord::decode(&p), Err(LinkError::Kind { kind: 9 }));
    }

    #[test]
    fn card_records_are_read_across_any_split_of_the_line() {
        // Proves the reader returns the same records however the bytes arrive.
        let status = LinkStatus {
            idle: true,
            taken: 3,
            answered: 2,
            records_done: 40,
            bad_length: 1,
            bad_crc: 2,
            bad_kind: 3,
            overflow: 4,
            frame_errors: 5,
            uart_overruns: 6,
            firmware_id: 0x1122_3344_5566_7788,
        };
        let records = [
            CardRecord::Event([9; 64]),
            CardRecord::Status(status),
            CardRecord::Event([1; 64]),
        ];
        let mut line = Vec::new();
        for r in &records {
            r.write(&mut line);
        }
        for chunk in [1, 7, 64, line.len()] {
            let mut reader = CardReader::new();
            let mut got = Vec::new();
            for piece in line.chunks(chunk) {
                got.extend(reader.push(piece).unwrap());
            }
            assert_eq!(got, records);
            assert_eq!(reader.pending_bytes(), 0);
        }
        let mut bad = line.clone();
        bad[20] ^= 1;
        assert!(matches!(
            CardReader::new().push(&bad),
            Err(LinkError::Crc { .. })
        ));
    }

    #[test]
    fn the_window_opens_on_first_events_and_status_reports() {
        let mut w = Window::new();
        let config = HostRecord::Config {
            address: 1,
            data: 2,
        };
        for _ in 0..3 {
            w.sent(&config);
        }
        for i in 0..5 {
            w.sent(&order(i, 0));
        }
        assert!(!w.may_send());
        w.sent(&HostRecord::StatusRequest); // never buffered: always allowed
        let mut first = [0u8; 64];
        first[16] = crate::EventKind::Accepted as u8;
        let mut fill = first;
        fill[16] = crate::EventKind::Fill as u8;
        w.received(&CardRecord::Event(fill));
        assert!(!w.may_send(), "a fill begins no message");
        w.received(&CardRecord::Event(first));
        // The first order was record 3: records 0..=3 are done.
        assert_eq!(w.in_flight(), 4);
        w.received(&CardRecord::Status(LinkStatus {
            records_done: 6,
            ..LinkStatus::default()
        }));
        assert_eq!(w.in_flight(), 2);
        assert_eq!(w.orders_started(), 1);
    }
}
