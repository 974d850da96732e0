//! Client references of resting orders, kept on the host (docs/abi.md §14).
//!
//! The card does not store the 64-bit client reference of a resting order: 16,384 of them
//! would take 64 of an ECP5-85k's 208 block RAMs (docs/hardware.md). An event that reports a
//! resting order leaving the book — `cancelled` by a cancel message or by self-trade
//! prevention — therefore leaves the card with client reference 0, and the driver restores it
//! from the `accepted` event that gave the order its id. The rule is a pure function of the
//! event stream, applied record by record in stream order:
//!
//! - `accepted`: remember its client reference under its order id's slot;
//! - `cancelled`, `expired`: set the client reference to the one remembered for its slot;
//! - every other kind: unchanged.
//!
//! Applied to a stream that already carries every reference (the software path's), it changes
//! nothing; applied to the card's, it gives the software path's, byte for byte.

use crate::event::{EventKind, EVENT_BYTES};
use crate::order::OrderId;

/// Offset of the event kind in an event record.
const KIND: usize = 16;
/// Offset of the order id.
const ORDER_ID: usize = 32;
/// Offset of the client reference (the maker order id in a fill).
const CLIENT_REF: usize = 48;

/// Errors restoring client references.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RestoreError {
    /// An event names an order slot beyond the pool the table was made for.
    #[error("order id {order_id:#x} names slot {slot}, beyond the {slots}-slot pool")]
    SlotOutOfRange {
        order_id: u64,
        slot: u64,
        slots: usize,
    },
}

/// The host's copy of every live order's client reference, by slot.
#[derive(Debug, Clone)]
pub struct ClientRefs {
    by_slot: Vec<u64>,
}

impl ClientRefs {
    /// A table for an order pool of `slots` slots (the card's `orders_resting_max`).
    pub fn new(slots: usize) -> ClientRefs {
        ClientRefs {
            by_slot: vec![0; slots],
        }
    }

    /// Apply the rule to one encoded event record (the next one of the stream).
    pub fn restore(&mut self, record: &mut [u8; EVENT_BYTES]) -> Result<(), RestoreError> {
        let kind = record[KIND];
        let is = |k: EventKind| kind == k as u8;
        if !(is(EventKind::Accepted) || is(EventKind::Cancelled) || is(EventKind::Expired)) {
            return Ok(());
        }
        let order_id = u64::from_le_bytes(record[ORDER_ID..ORDER_ID + 8].try_into().unwrap());
        let slot = OrderId(order_id).slot();
        let slots = self.by_slot.len();
        let entry = self
            .by_slot
            .get_mut(slot as usize)
            .ok_or(RestoreError::SlotOutOfRange {
                order_id,
                slot: u64::from(slot),
                slots,
            })?;
        let field = &mut record[CLIENT_REF..CLIENT_REF + 8];
        if is(EventKind::Accepted) {
            *entry = u64::from_le_bytes(field.try_into().unwrap());
        } else {
            field.copy_from_slice(&entry.to_le_bytes());
        }
        Ok(())
    }

    /// Apply the rule to a buffer of back-to-back records; a trailing partial record is left
    /// alone (the caller's framing reports it).
    pub fn restore_all(&mut self, records: &mut [u8]) -> Result<(), RestoreError> {
        for record in records.chunks_exact_mut(EVENT_BYTES) {
            self.restore(record.try_into().unwrap())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::Reason;

    fn event(kind: EventKind, order_id: u64, client_ref: u64) -> Event {
        Event {
            order_id,
            client_ref,
            reason: if kind == EventKind::Cancelled {
                Reason::SelfTrade
            } else {
                Reason::None
            },
            ..Event::blank(kind)
        }
    }

    #[test]
    fn offsets_are_the_event_layouts() {
        let e = Event {
            order_id: 0x1122_3344_5566_7788,
            client_ref: 0x99AA_BBCC_DDEE_FF00,
            ..Event::blank(EventKind::Expired)
        };
        let b = e.encode();
        assert_eq!(b[KIND], EventKind::Expired as u8);
        assert_eq!(b[ORDER_ID..ORDER_ID + 8], e.order_id.to_le_bytes());
        assert_eq!(b[CLIENT_REF..CLIENT_REF + 8], e.client_ref.to_le_bytes());
    }

    #[test]
    fn cancelled_and_expired_get_the_accepted_reference_of_their_slot() {
        let mut refs = ClientRefs::new(16);
        let id = OrderId::new(5, 7).0;
        let mut accepted = event(EventKind::Accepted, id, 0xABCD).encode();
        refs.restore(&mut accepted).unwrap();
        assert_eq!(accepted, event(EventKind::Accepted, id, 0xABCD).encode());
        for kind in [EventKind::Cancelled, EventKind::Expired] {
            let mut record = event(kind, id, 0).encode();
            refs.restore(&mut record).unwrap();
            assert_eq!(record, event(kind, id, 0xABCD).encode(), "{kind:?}");
        }
        // A later order in the same slot replaces the reference.
        let id2 = OrderId::new(5, 8).0;
        let mut accepted = event(EventKind::Accepted, id2, 0xEF).encode();
        refs.restore(&mut accepted).unwrap();
        let mut record = event(EventKind::Cancelled, id2, 0).encode();
        refs.restore(&mut record).unwrap();
        assert_eq!(record, event(EventKind::Cancelled, id2, 0xEF).encode());
    }

    #[test]
    fn fills_and_rejects_are_untouched() {
        let mut refs = ClientRefs::new(16);
        let mut accepted = event(EventKind::Accepted, OrderId::new(1, 1).0, 42).encode();
        refs.restore(&mut accepted).unwrap();
        let fill = Event {
            order_id: OrderId::new(1, 1).0,
            maker_order_id: OrderId::new(2, 1).0,
            maker_account: 3,
            ..Event::blank(EventKind::Fill)
        }
        .encode();
        let reject = event(EventKind::Rejected, OrderId::new(1, 1).0, 9).encode();
        for original in [fill, reject] {
            let mut record = original;
            refs.restore(&mut record).unwrap();
            assert_eq!(record, original);
        }
    }

    #[test]
    fn a_slot_beyond_the_pool_is_an_error_and_changes_nothing() {
        let mut refs = ClientRefs::new(16);
        let original = event(EventKind::Cancelled, OrderId::new(16, 1).0, 0).encode();
        let mut record = original;
        assert_eq!(
            refs.restore(&mut record),
            Err(RestoreError::SlotOutOfRange {
                order_id: OrderId::new(16, 1).0,
                slot: 16,
                slots: 16
            })
        );
        assert_eq!(record, original);
    }
}
