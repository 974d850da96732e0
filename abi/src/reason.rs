//! Reject and cancel reason codes: one named code per rule, identical on every path.
//!
//! The numeric values are wire values (event byte 17). Never renumber; append.

/// Why an order-entry message was rejected, or why a resting order left the book.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// No reason: accepted, filled, or cancelled at the owner's request.
    None = 0,
    /// The ed25519 signature does not verify under the account's key (ZIP-215 rules).
    BadSignature = 1,
    /// The account id is not in the account table.
    UnknownAccount = 2,
    /// The nonce equals the account's last consumed nonce (a replayed message). A nonce is
    /// consumed by every validly signed message that passes this check, whatever its outcome.
    DuplicateNonce = 3,
    /// The nonce is below the account's last consumed nonce.
    StaleNonce = 4,
    /// A field holds a value the layout does not define (version, message type, side, time in
    /// force, STP mode, flags, reserved bytes), a cancel carries a price or quantity, or a new
    /// order carries a target order id.
    Malformed = 5,
    /// The message type is defined but not enabled on this venue (amend, mass cancel).
    UnsupportedMessage = 6,
    /// The instrument id is not configured.
    UnknownInstrument = 7,
    /// Quantity is zero or above the instrument's per-order maximum.
    InvalidQuantity = 8,
    /// Price is outside the band `[reference - band, reference + band]` (or zero).
    PriceOutOfBand = 9,
    /// A post-only order would have crossed the book.
    PostOnlyWouldCross = 10,
    /// A fill-or-kill order could not be filled in full at once.
    FokCannotFill = 11,
    /// Every order slot is in use: the venue holds `orders_resting_max` orders.
    OrderPoolFull = 12,
    /// Cancel: no live order has that id on that instrument.
    UnknownOrder = 13,
    /// Cancel: the order belongs to another account.
    NotOrderOwner = 14,
    /// Cancel reason: self-trade prevention removed the order.
    SelfTrade = 15,
    /// An oracle message from an account that is not an oracle.
    NotOracle = 16,
    /// An admin message from an account that is not an admin.
    NotAdmin = 17,
    /// A new order whose credit cost (quantity × the instrument's cost per lot) exceeds the
    /// credit the risk engine left its account (abi.md §16).
    CreditExceeded = 18,
    /// A fill-or-kill order whose fill check would have to visit more than
    /// `venue.fok_orders_max` crossing resting orders (abi.md §11): the walk is bounded, so
    /// one message costs a bounded amount of work on every path.
    FokTooDeep = 19,
}

impl Reason {
    /// Every code, in wire order (used by summaries and tests).
    pub const ALL: [Reason; 20] = [
        Reason::None,
        Reason::BadSignature,
        Reason::UnknownAccount,
        Reason::DuplicateNonce,
        Reason::StaleNonce,
        Reason::Malformed,
        Reason::UnsupportedMessage,
        Reason::UnknownInstrument,
        Reason::InvalidQuantity,
        Reason::PriceOutOfBand,
        Reason::PostOnlyWouldCross,
        Reason::FokCannotFill,
        Reason::OrderPoolFull,
        Reason::UnknownOrder,
        Reason::NotOrderOwner,
        Reason::SelfTrade,
        Reason::NotOracle,
        Reason::NotAdmin,
        Reason::CreditExceeded,
        Reason::FokTooDeep,
    ];

    /// The reason is the matcher's decision (abi.md §8 steps 7.5–7.6 and cancels, and STP),
    /// not one of the checks before it (the card's validator makes those).
    pub fn decided_by_matcher(self) -> bool {
        matches!(
            self,
            Reason::PostOnlyWouldCross
                | Reason::FokCannotFill
                | Reason::FokTooDeep
                | Reason::OrderPoolFull
                | Reason::UnknownOrder
                | Reason::NotOrderOwner
                | Reason::SelfTrade
        )
    }

    /// Decode a wire value.
    pub fn from_u8(value: u8) -> Option<Reason> {
        Reason::ALL.get(usize::from(value)).copied()
    }

    /// Stable snake_case name, used in JSON and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Reason::None => "none",
            Reason::BadSignature => "bad_signature",
            Reason::UnknownAccount => "unknown_account",
            Reason::DuplicateNonce => "duplicate_nonce",
            Reason::StaleNonce => "stale_nonce",
            Reason::Malformed => "malformed",
            Reason::UnsupportedMessage => "unsupported_message",
            Reason::UnknownInstrument => "unknown_instrument",
            Reason::InvalidQuantity => "invalid_quantity",
            Reason::PriceOutOfBand => "price_out_of_band",
            Reason::PostOnlyWouldCross => "post_only_would_cross",
            Reason::FokCannotFill => "fok_cannot_fill",
            Reason::OrderPoolFull => "order_pool_full",
            Reason::UnknownOrder => "unknown_order",
            Reason::NotOrderOwner => "not_order_owner",
            Reason::SelfTrade => "self_trade",
            Reason::NotOracle => "not_oracle",
            Reason::NotAdmin => "not_admin",
            Reason::CreditExceeded => "credit_exceeded",
            Reason::FokTooDeep => "fok_too_deep",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_are_dense_and_round_trip() {
        // Proves ALL lists every code at its own wire value, so from_u8 is the inverse of `as u8`.
        for (index, reason) in Reason::ALL.iter().enumerate() {
            assert_eq!(*reason as usize, index);
            assert_eq!(Reason::from_u8(index as u8), Some(*reason));
        }
        assert_eq!(Reason::from_u8(Reason::ALL.len() as u8), None);
    }

    #[test]
    fn names_are_unique_and_fok_too_deep_is_the_matchers_code_19() {
        // Proves every code has its own wire name, and pins the newest code where the card
        // reads it: wire 19, `fok_too_deep`, decided by the matcher (like fok_cannot_fill).
        let mut names: Vec<&str> = Reason::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Reason::ALL.len());
        assert_eq!(Reason::from_u8(19), Some(Reason::FokTooDeep));
        assert_eq!(Reason::FokTooDeep.name(), "fok_too_deep");
        assert!(Reason::FokTooDeep.decided_by_matcher());
        assert!(Reason::FokCannotFill.decided_by_matcher());
        assert!(!Reason::CreditExceeded.decided_by_matcher());
    }
}
