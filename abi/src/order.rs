//! Order-entry message: 128 bytes, little-endian, a 64-byte signed body and its ed25519
//! signature.
//!
//! | offset | size | field | notes |
//! |---|---|---|---|
//! | 0 | 1 | version | [`crate::ABI_VERSION`] |
//! | 1 | 1 | message type | [`MessageType`] |
//! | 2 | 1 | side | [`Side`] |
//! | 3 | 1 | time in force | [`TimeInForce`] |
//! | 4 | 1 | STP mode | [`StpMode`] |
//! | 5 | 1 | flags | must be 0 (reduce-only etc. reserved) |
//! | 6 | 2 | instrument id | |
//! | 8 | 4 | account id | index into the account table |
//! | 12 | 4 | price, ticks | new order only |
//! | 16 | 8 | nonce | strictly increasing per account |
//! | 24 | 4 | quantity, lots | new order only |
//! | 28 | 4 | reserved | must be 0 |
//! | 32 | 8 | client order reference | echoed in accepted/rejected events and with the order when it leaves |
//! | 40 | 8 | target order id | cancel only; 0 for a new order |
//! | 48 | 16 | reserved | must be 0 |
//! | 64 | 64 | signature | ed25519 (R ‖ S) over [`signed_message`]: a domain tag, the venue id and bytes 0..64 as received |
//!
//! Decoding keeps every byte: `OrderMessage::decode(b).encode() == b[..128]` for every input,
//! so the body a verifier checks is exactly the body that was received.

use crate::{Error, ABI_VERSION};

/// Bytes in one order-entry message.
pub const ORDER_MESSAGE_BYTES: usize = 128;
/// Bytes covered by the signature (the body).
pub const ORDER_BODY_BYTES: usize = 64;
const _: () = assert!(ORDER_BODY_BYTES + 64 == ORDER_MESSAGE_BYTES);

/// The first bytes of every signed message (abi.md §3): binds a signature to this contract
/// version's signing scheme, so it cannot be replayed as a signature over anything else.
pub const SIGNING_DOMAIN_TAG: [u8; 8] = *b"ordo/v2\0";
/// Bytes an ed25519 signature covers: the domain tag, the venue id (u64, little-endian) and
/// the 64-byte body. With R and A in front, SHA-512 hashes 144 bytes: two 128-byte blocks, as
/// without the prefix (the card's hash engine does not get slower).
pub const SIGNED_MESSAGE_BYTES: usize = SIGNING_DOMAIN_TAG.len() + 8 + ORDER_BODY_BYTES;
const _: () = assert!(SIGNED_MESSAGE_BYTES == 80);

/// The message `M` that an order-entry signature signs for venue `venue_id`:
/// `SIGNING_DOMAIN_TAG ‖ venue_id (u64 LE) ‖ body`. A signature made for one venue is invalid on
/// every other (domain separation; the venue id is `venue.id` in the venue config).
pub fn signed_message(venue_id: u64, body: &[u8; ORDER_BODY_BYTES]) -> [u8; SIGNED_MESSAGE_BYTES] {
    let mut m = [0u8; SIGNED_MESSAGE_BYTES];
    m[..8].copy_from_slice(&SIGNING_DOMAIN_TAG);
    m[8..16].copy_from_slice(&venue_id.to_le_bytes());
    m[16..].copy_from_slice(body);
    m
}

/// Byte offsets of the order-entry message (the single source for every encoder/decoder).
pub mod offset {
    pub const VERSION: usize = 0;
    pub const MESSAGE_TYPE: usize = 1;
    pub const SIDE: usize = 2;
    pub const TIME_IN_FORCE: usize = 3;
    pub const STP: usize = 4;
    pub const FLAGS: usize = 5;
    pub const INSTRUMENT: usize = 6;
    pub const ACCOUNT: usize = 8;
    pub const PRICE_TICKS: usize = 12;
    pub const NONCE: usize = 16;
    pub const QTY_LOTS: usize = 24;
    pub const RESERVED0: usize = 28;
    pub const CLIENT_REF: usize = 32;
    pub const TARGET_ORDER_ID: usize = 40;
    pub const RESERVED1: usize = 48;
    pub const SIGNATURE: usize = 64;
}

/// An admin credit of this many units means "no limit" (abi.md §16).
pub const CREDIT_UNLIMITED: u32 = u32::MAX;
/// The largest credit cost per lot an admin message may set (the card multiplies 16 × 16).
pub const LOT_COST_MAX: u32 = 0xFFFF;

/// What an order-entry message asks for.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// Enter a new order.
    NewOrder = 1,
    /// Cancel a resting order by exchange order id.
    Cancel = 2,
    /// Reserved: amend price/quantity of a resting order (rejected as unsupported today).
    Amend = 3,
    /// Reserved: cancel all of an account's orders on an instrument (rejected as unsupported).
    MassCancel = 4,
    /// An oracle update, from an oracle account: `instrument` is the underlying's id,
    /// `price_ticks` its index (> 0), `qty_lots` its volatility in ppm (0: unchanged);
    /// `target_order_id` zero. Sequenced like orders; touches no book (abi.md §15).
    Oracle = 5,
    /// An instruction of the venue's own systems, from an admin account (abi.md §16); the
    /// side byte is the operation. Side 0, `instrument` 0: set the pre-trade credit of
    /// account `target_order_id` to `price_ticks` units beyond its consumption counter
    /// value `qty_lots` (`price_ticks` = `u32::MAX`: unlimited). Side 0, `instrument` ≠ 0:
    /// set that instrument's credit cost per lot to `qty_lots` (≤ 65,535), `price_ticks` and
    /// `target_order_id` zero. Side 1, `instrument` 0: a collateral transfer of
    /// `qty_lots << 32 | price_ticks` (two's complement, e6; negative: a withdrawal) for
    /// account `target_order_id`, which the margin engine applies. Side 1, `instrument` ≠
    /// 0: margin of the same amount into (negative: out of) account `target_order_id`'s
    /// isolated position in that instrument, which the margin engine applies. Sequenced
    /// like orders; touches no book.
    Admin = 6,
}

impl MessageType {
    pub fn from_u8(value: u8) -> Option<MessageType> {
        match value {
            1 => Some(MessageType::NewOrder),
            2 => Some(MessageType::Cancel),
            3 => Some(MessageType::Amend),
            4 => Some(MessageType::MassCancel),
            5 => Some(MessageType::Oracle),
            6 => Some(MessageType::Admin),
            _ => None,
        }
    }
}

/// Order side.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Buy = 0,
    Sell = 1,
}

impl Side {
    pub fn from_u8(value: u8) -> Option<Side> {
        match value {
            0 => Some(Side::Buy),
            1 => Some(Side::Sell),
            _ => None,
        }
    }

    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

/// Time in force.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeInForce {
    /// Good till cancelled: the remainder rests.
    Gtc = 0,
    /// Immediate or cancel: the remainder expires.
    Ioc = 1,
    /// Fill or kill: fills in full at once or is rejected with no effect.
    Fok = 2,
    /// Post-only: rests without trading, or is rejected if it would cross.
    PostOnly = 3,
}

impl TimeInForce {
    pub fn from_u8(value: u8) -> Option<TimeInForce> {
        match value {
            0 => Some(TimeInForce::Gtc),
            1 => Some(TimeInForce::Ioc),
            2 => Some(TimeInForce::Fok),
            3 => Some(TimeInForce::PostOnly),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeInForce::Gtc => "gtc",
            TimeInForce::Ioc => "ioc",
            TimeInForce::Fok => "fok",
            TimeInForce::PostOnly => "post_only",
        }
    }
}

/// Self-trade prevention: what happens when an incoming (taker) order would trade with a
/// resting order of the same account. The taker's mode decides.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StpMode {
    /// Use the venue's configured default mode.
    Default = 0,
    /// Allow the self-trade.
    None = 1,
    /// Cancel the taker's remainder; matching stops.
    CancelNewest = 2,
    /// Cancel the resting order; matching continues.
    CancelOldest = 3,
    /// Cancel both the resting order and the taker's remainder.
    CancelBoth = 4,
}

impl StpMode {
    pub fn from_u8(value: u8) -> Option<StpMode> {
        match value {
            0 => Some(StpMode::Default),
            1 => Some(StpMode::None),
            2 => Some(StpMode::CancelNewest),
            3 => Some(StpMode::CancelOldest),
            4 => Some(StpMode::CancelBoth),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            StpMode::Default => "default",
            StpMode::None => "none",
            StpMode::CancelNewest => "cancel_newest",
            StpMode::CancelOldest => "cancel_oldest",
            StpMode::CancelBoth => "cancel_both",
        }
    }
}

/// Exchange order id: `generation << 32 | slot`. The slot indexes the venue's order pool; the
/// generation counts how often that slot has issued an id, so a stale id never names a newer
/// order. Id 0 is never issued (generations start at 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct OrderId(pub u64);

impl OrderId {
    pub const NONE: OrderId = OrderId(0);

    pub fn new(slot: u32, generation: u32) -> OrderId {
        OrderId((u64::from(generation) << 32) | u64::from(slot))
    }

    pub fn slot(self) -> u32 {
        self.0 as u32
    }

    pub fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

/// One order-entry message, fields as they are on the wire. Enumerated fields stay raw `u8`
/// so that a signed message with an undefined value can still be carried to the sequencer
/// and rejected there with [`crate::Reason::Malformed`]; use the typed accessors to read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderMessage {
    pub version: u8,
    pub message_type: u8,
    pub side: u8,
    pub time_in_force: u8,
    pub stp: u8,
    pub flags: u8,
    pub instrument: u16,
    pub account: u32,
    pub price_ticks: u32,
    pub nonce: u64,
    pub qty_lots: u32,
    pub client_ref: u64,
    pub target_order_id: OrderId,
    /// Bytes 28..32 as received (must be zero; anything else is malformed).
    pub reserved0: [u8; 4],
    /// Bytes 48..64 as received (must be zero; anything else is malformed).
    pub reserved1: [u8; 16],
    pub signature: [u8; 64],
}

impl OrderMessage {
    /// A new-order message with a zero signature (sign it with [`OrderMessage::body`]).
    pub fn new_order(
        account: u32,
        nonce: u64,
        instrument: u16,
        side: Side,
        price_ticks: u32,
        qty_lots: u32,
        time_in_force: TimeInForce,
        stp: StpMode,
        client_ref: u64,
    ) -> OrderMessage {
        OrderMessage {
            version: ABI_VERSION,
            message_type: MessageType::NewOrder as u8,
            side: side as u8,
            time_in_force: time_in_force as u8,
            stp: stp as u8,
            flags: 0,
            instrument,
            account,
            price_ticks,
            nonce,
            qty_lots,
            client_ref,
            target_order_id: OrderId::NONE,
            reserved0: [0; 4],
            reserved1: [0; 16],
            signature: [0; 64],
        }
    }

    /// A cancel message for `target` with a zero signature.
    /// An oracle update (see [`MessageType::Oracle`]); the client reference is the nonce.
    pub fn oracle(
        account: u32,
        nonce: u64,
        underlying: u16,
        index_ticks: u32,
        volatility_ppm: u32,
    ) -> OrderMessage {
        OrderMessage {
            message_type: MessageType::Oracle as u8,
            ..OrderMessage::new_order(
                account,
                nonce,
                underlying,
                Side::Buy,
                index_ticks,
                volatility_ppm,
                TimeInForce::Gtc,
                StpMode::Default,
                nonce,
            )
        }
    }

    /// An admin message setting `target`'s pre-trade credit (see [`MessageType::Admin`]):
    /// `credit` units beyond consumption counter value `as_of` ([`CREDIT_UNLIMITED`]: no
    /// limit). The client reference is the nonce.
    pub fn admin_credit(
        admin: u32,
        nonce: u64,
        target: u32,
        credit: u32,
        as_of: u32,
    ) -> OrderMessage {
        OrderMessage {
            message_type: MessageType::Admin as u8,
            target_order_id: OrderId(u64::from(target)),
            ..OrderMessage::new_order(
                admin,
                nonce,
                0,
                Side::Buy,
                credit,
                as_of,
                TimeInForce::Gtc,
                StpMode::Default,
                nonce,
            )
        }
    }

    /// An admin message transferring `amount_e6` of collateral to (negative: from) account
    /// `target` (see [`MessageType::Admin`]). The client reference is the nonce.
    pub fn admin_transfer(admin: u32, nonce: u64, target: u32, amount_e6: i64) -> OrderMessage {
        let bits = amount_e6 as u64;
        OrderMessage {
            message_type: MessageType::Admin as u8,
            target_order_id: OrderId(u64::from(target)),
            ..OrderMessage::new_order(
                admin,
                nonce,
                0,
                Side::Sell,
                bits as u32,
                (bits >> 32) as u32,
                TimeInForce::Gtc,
                StpMode::Default,
                nonce,
            )
        }
    }

    /// An admin message moving `amount_e6` of account `target`'s collateral into (negative:
    /// out of) its isolated position in `instrument` (see [`MessageType::Admin`]). The
    /// client reference is the nonce.
    pub fn admin_isolate(
        admin: u32,
        nonce: u64,
        target: u32,
        instrument: u16,
        amount_e6: i64,
    ) -> OrderMessage {
        OrderMessage {
            instrument,
            ..OrderMessage::admin_transfer(admin, nonce, target, amount_e6)
        }
    }

    /// The amount of an admin transfer or isolation (see [`MessageType::Admin`]) with these
    /// fields.
    pub fn transfer_amount_e6(price_ticks: u32, qty_lots: u32) -> i64 {
        ((u64::from(qty_lots) << 32) | u64::from(price_ticks)) as i64
    }

    /// An admin message setting `instrument`'s credit cost per lot (see
    /// [`MessageType::Admin`]). The client reference is the nonce.
    pub fn admin_lot_cost(admin: u32, nonce: u64, instrument: u16, cost: u32) -> OrderMessage {
        OrderMessage {
            message_type: MessageType::Admin as u8,
            ..OrderMessage::new_order(
                admin,
                nonce,
                instrument,
                Side::Buy,
                0,
                cost,
                TimeInForce::Gtc,
                StpMode::Default,
                nonce,
            )
        }
    }

    pub fn cancel(
        account: u32,
        nonce: u64,
        instrument: u16,
        target: OrderId,
        client_ref: u64,
    ) -> OrderMessage {
        OrderMessage {
            message_type: MessageType::Cancel as u8,
            target_order_id: target,
            ..OrderMessage::new_order(
                account,
                nonce,
                instrument,
                Side::Buy,
                0,
                0,
                TimeInForce::Gtc,
                StpMode::Default,
                client_ref,
            )
        }
    }

    pub fn message_type(&self) -> Option<MessageType> {
        MessageType::from_u8(self.message_type)
    }

    pub fn side(&self) -> Option<Side> {
        Side::from_u8(self.side)
    }

    pub fn time_in_force(&self) -> Option<TimeInForce> {
        TimeInForce::from_u8(self.time_in_force)
    }

    pub fn stp(&self) -> Option<StpMode> {
        StpMode::from_u8(self.stp)
    }

    /// True when any reserved byte is non-zero (the message is then malformed).
    pub fn reserved_nonzero(&self) -> bool {
        self.reserved0
            .iter()
            .chain(&self.reserved1)
            .any(|&b| b != 0)
    }

    /// The body: bytes 0..64 of the encoding, which are the bytes received when the message
    /// was decoded.
    pub fn body(&self) -> [u8; ORDER_BODY_BYTES] {
        let bytes = self.encode();
        let mut body = [0u8; ORDER_BODY_BYTES];
        body.copy_from_slice(&bytes[..ORDER_BODY_BYTES]);
        body
    }

    /// What this message's signature must sign on venue `venue_id` ([`signed_message`]).
    pub fn signed_message(&self, venue_id: u64) -> [u8; SIGNED_MESSAGE_BYTES] {
        signed_message(venue_id, &self.body())
    }

    /// Encode to the wire layout: every field, reserved bytes included, as it was decoded or
    /// set.
    pub fn encode(&self) -> [u8; ORDER_MESSAGE_BYTES] {
        use offset::*;
        let mut b = [0u8; ORDER_MESSAGE_BYTES];
        b[VERSION] = self.version;
        b[MESSAGE_TYPE] = self.message_type;
        b[SIDE] = self.side;
        b[TIME_IN_FORCE] = self.time_in_force;
        b[STP] = self.stp;
        b[FLAGS] = self.flags;
        b[INSTRUMENT..INSTRUMENT + 2].copy_from_slice(&self.instrument.to_le_bytes());
        b[ACCOUNT..ACCOUNT + 4].copy_from_slice(&self.account.to_le_bytes());
        b[PRICE_TICKS..PRICE_TICKS + 4].copy_from_slice(&self.price_ticks.to_le_bytes());
        b[NONCE..NONCE + 8].copy_from_slice(&self.nonce.to_le_bytes());
        b[QTY_LOTS..QTY_LOTS + 4].copy_from_slice(&self.qty_lots.to_le_bytes());
        b[RESERVED0..RESERVED0 + 4].copy_from_slice(&self.reserved0);
        b[CLIENT_REF..CLIENT_REF + 8].copy_from_slice(&self.client_ref.to_le_bytes());
        b[TARGET_ORDER_ID..TARGET_ORDER_ID + 8]
            .copy_from_slice(&self.target_order_id.0.to_le_bytes());
        b[RESERVED1..SIGNATURE].copy_from_slice(&self.reserved1);
        b[SIGNATURE..].copy_from_slice(&self.signature);
        b
    }

    /// Decode the wire layout. Never fails on field values (see the type's doc); fails only on
    /// a short buffer. Keeps every byte: `decode(b)?.encode() == b[..128]`.
    pub fn decode(bytes: &[u8]) -> Result<OrderMessage, Error> {
        use offset::*;
        if bytes.len() < ORDER_MESSAGE_BYTES {
            return Err(Error::Length {
                expected: ORDER_MESSAGE_BYTES,
                got: bytes.len(),
            });
        }
        let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        let mut reserved0 = [0u8; 4];
        reserved0.copy_from_slice(&bytes[RESERVED0..RESERVED0 + 4]);
        let mut reserved1 = [0u8; 16];
        reserved1.copy_from_slice(&bytes[RESERVED1..SIGNATURE]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&bytes[SIGNATURE..ORDER_MESSAGE_BYTES]);
        Ok(OrderMessage {
            version: bytes[VERSION],
            message_type: bytes[MESSAGE_TYPE],
            side: bytes[SIDE],
            time_in_force: bytes[TIME_IN_FORCE],
            stp: bytes[STP],
            flags: bytes[FLAGS],
            instrument: u16_at(INSTRUMENT),
            account: u32_at(ACCOUNT),
            price_ticks: u32_at(PRICE_TICKS),
            nonce: u64_at(NONCE),
            qty_lots: u32_at(QTY_LOTS),
            client_ref: u64_at(CLIENT_REF),
            target_order_id: OrderId(u64_at(TARGET_ORDER_ID)),
            reserved0,
            reserved1,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip_and_offsets() {
        // Proves the documented offsets: each field lands where docs/abi.md says it does.
        let mut m = OrderMessage::new_order(
            0x0403_0201,
            0x0c0b_0a09_0807_0605,
            0x0201,
            Side::Sell,
            0x1122_3344,
            0x5566_7788,
            TimeInForce::PostOnly,
            StpMode::CancelBoth,
            0xdead_beef_0000_0001,
        );
        m.signature = [0xab; 64];
        let b = m.encode();
        assert_eq!(b[0], ABI_VERSION);
        assert_eq!(b[1], 1);
        assert_eq!(b[2], 1);
        assert_eq!(b[3], 3);
        assert_eq!(b[4], 4);
        assert_eq!(&b[6..8], &[0x01, 0x02]);
        assert_eq!(&b[8..12], &[0x01, 0x02, 0x03, 0x04]);
        assert_eq!(&b[12..16], &[0x44, 0x33, 0x22, 0x11]);
        assert_eq!(b[16], 0x05);
        assert_eq!(&b[24..28], &[0x88, 0x77, 0x66, 0x55]);
        assert_eq!(b[32], 0x01);
        assert!(b[48..64].iter().all(|&x| x == 0));
        assert!(b[64..].iter().all(|&x| x == 0xab));
        assert_eq!(OrderMessage::decode(&b).unwrap(), m);
    }

    #[test]
    fn reserved_bytes_are_detected() {
        // Proves a non-zero byte anywhere in either reserved area marks the message.
        let base =
            OrderMessage::new_order(1, 1, 0, Side::Buy, 1, 1, TimeInForce::Gtc, StpMode::None, 0)
                .encode();
        for at in (28..32).chain(48..64) {
            let mut b = base;
            b[at] = 1;
            let m = OrderMessage::decode(&b).unwrap();
            assert!(m.reserved_nonzero(), "byte {at}");
            assert_eq!(m.encode(), b, "byte {at} is kept as received");
        }
        assert!(!OrderMessage::decode(&base).unwrap().reserved_nonzero());
    }

    #[test]
    fn decode_keeps_every_byte_as_received() {
        // Proves the signed body is the body received: decoding then encoding any 128 bytes
        // gives the same 128 bytes (xorshift stream of inputs, plus every single-byte value at
        // every offset of an all-zero message).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2_000 {
            let mut b = [0u8; ORDER_MESSAGE_BYTES];
            for chunk in b.chunks_mut(8) {
                chunk.copy_from_slice(&next().to_le_bytes());
            }
            assert_eq!(OrderMessage::decode(&b).unwrap().encode(), b);
        }
        for at in 0..ORDER_MESSAGE_BYTES {
            for value in [1u8, 0x80, 0xff] {
                let mut b = [0u8; ORDER_MESSAGE_BYTES];
                b[at] = value;
                assert_eq!(OrderMessage::decode(&b).unwrap().encode(), b, "byte {at}");
            }
        }
    }

    #[test]
    fn signed_message_binds_tag_venue_and_body() {
        // Proves the layout of M (abi.md §3): tag, venue id little-endian, then the body as
        // encoded; a different venue id gives a different M.
        let m =
            OrderMessage::new_order(3, 9, 1, Side::Buy, 5, 6, TimeInForce::Ioc, StpMode::None, 7);
        let signed = m.signed_message(0x0102_0304_0506_0708);
        assert_eq!(&signed[..8], b"ordo/v2\0");
        assert_eq!(&signed[8..16], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(&signed[16..], &m.encode()[..ORDER_BODY_BYTES]);
        assert_ne!(signed, m.signed_message(1));
    }

    #[test]
    fn short_buffer_is_an_error() {
        assert_eq!(
            OrderMessage::decode(&[0u8; 127]),
            Err(Error::Length {
                expected: 128,
                got: 127
            })
        );
    }

    #[test]
    fn order_id_packs_slot_and_generation() {
        let id = OrderId::new(7, 3);
        assert_eq!(id.0, (3u64 << 32) | 7);
        assert_eq!((id.slot(), id.generation()), (7, 3));
    }
}
