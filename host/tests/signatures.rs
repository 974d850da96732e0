//! Regression tests for issue 11's first defect ("signature over a re-encoded body"): the
//! signature covers the bytes as received, and the venue's domain, on the software path end
//! to end — a binary orders file decoded, verified on all cores (batched) and sequenced.

use std::path::Path;

use abi::{EventKind, OrderMessage, Reason, Side, StpMode, TimeInForce};
use host::config::VenueConfig;
use host::input::{decode_events, decode_orders, encode_orders};
use host::keys::{sign_with_test_key, test_signing_key};
use host::pipeline::{self, Engine, Options};
use host::workload::Stimulus;

const ACCOUNT: u32 = 7;

fn order(nonce: u64) -> OrderMessage {
    OrderMessage::new_order(
        ACCOUNT,
        nonce,
        1,
        Side::Buy,
        179_000,
        3,
        TimeInForce::Gtc,
        StpMode::None,
        nonce,
    )
}

fn signed(mut m: OrderMessage, venue_id: u64) -> OrderMessage {
    let key = test_signing_key(m.account);
    sign_with_test_key(&mut m, &key, venue_id);
    m
}

/// The events (kind, reason) per message of `messages`, run through a binary orders file
/// (encoded, then decoded as `ordo replay` reads it) and the verifying software path.
fn run(config: &VenueConfig, messages: &[OrderMessage]) -> Vec<(EventKind, Reason)> {
    let stimuli: Vec<Stimulus> = messages
        .iter()
        .enumerate()
        .map(|(i, &message)| Stimulus {
            arrival_ns: 1_000 * (i as u64 + 1),
            message,
        })
        .collect();
    let file = encode_orders(&stimuli);
    let decoded = decode_orders(&file, Path::new("test.orders")).expect("valid file");
    let options = Options {
        engine: Engine::Software,
        verify: true,
        threads: 2,
        keep_events: true,
        progress: false,
    };
    let report = pipeline::run(config, &decoded, options).expect("runs");
    let (events, error) = decode_events(&report.events_file.unwrap(), Path::new("events"));
    assert!(error.is_none());
    assert_eq!(events.len(), messages.len(), "one event per message here");
    events.iter().map(|e| (e.kind, e.reason)).collect()
}

#[test]
fn signature_covers_reserved_bytes_as_received() {
    // Proves the signature is checked over bytes 0..64 as received: an order signed with
    // reserved byte 50 = 1 (and one with byte 29 = 0x80) passes the signature check and is
    // rejected `malformed`, as abi.md §8 orders the checks, not `bad_signature`. Before the
    // fix the decoder folded the reserved bytes into one bit and re-encoded it at byte 28, so
    // the signature did not verify.
    let config = VenueConfig::embedded();
    let mut byte_50 = order(1);
    byte_50.reserved1[2] = 1;
    let mut byte_29 = order(2);
    byte_29.reserved0[1] = 0x80;
    let messages = [
        signed(byte_50, config.venue.id),
        signed(byte_29, config.venue.id),
    ];
    assert_eq!(
        run(&config, &messages),
        vec![
            (EventKind::Rejected, Reason::Malformed),
            (EventKind::Rejected, Reason::Malformed)
        ]
    );
}

#[test]
fn tampered_reserved_bytes_do_not_consume_nonce() {
    // Proves a message whose reserved bytes were changed after signing fails `bad_signature`
    // and consumes no nonce: an attacker's copy of the owner's order with byte 50 changed,
    // sent first, leaves the genuine order to be accepted. Before the fix the copy passed the
    // signature check, consumed the nonce, and the genuine order got `duplicate_nonce`.
    let config = VenueConfig::embedded();
    let genuine = signed(order(1), config.venue.id);
    for at in [28usize, 31, 48, 50, 63] {
        let mut bytes = genuine.encode();
        bytes[at] ^= 0x01;
        let tampered = OrderMessage::decode(&bytes).unwrap();
        assert_eq!(
            run(&config, &[tampered, genuine]),
            vec![
                (EventKind::Rejected, Reason::BadSignature),
                (EventKind::Accepted, Reason::None)
            ],
            "byte {at}"
        );
    }
}

#[test]
fn signature_for_another_venue_is_bad_signature() {
    // Proves domain separation (abi.md §3): the same key's correctly signed order for
    // another venue id is rejected `bad_signature` here and burns none of the account's
    // nonces — a replayed high nonce from the other venue leaves this venue's next order
    // (lower nonce) accepted. A message signed the version-1 way (the bare body) fails too.
    let config = VenueConfig::embedded();
    let other_venue = signed(order(1_000), config.venue.id ^ 1);
    let mut bare_body = order(1_001);
    bare_body.signature = test_signing_key(ACCOUNT).sign(&bare_body.body()).to_bytes();
    let here = signed(order(5), config.venue.id);
    assert_eq!(
        run(&config, &[other_venue, bare_body, here]),
        vec![
            (EventKind::Rejected, Reason::BadSignature),
            (EventKind::Rejected, Reason::BadSignature),
            (EventKind::Accepted, Reason::None)
        ]
    );
}
