//! What the card-level tests share: the demo workload, the software path's stream for it, and
//! the stream comparison (the card's stream as the host delivers it against the software
//! path's). `mod common;` in each test binary; a binary uses what it needs.
#![allow(dead_code)]

use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::workload::{generate, Spec, Workload};

/// The demo workload, unsigned (verdicts from the generator).
pub fn demo(config: &VenueConfig, seed: u64, messages: usize) -> Workload {
    generate(
        config,
        Spec {
            sign: false,
            ..Spec::demo(seed, messages)
        },
        &|_| {},
    )
}

/// The software path's event stream for `w`.
pub fn software_stream(config: &VenueConfig, w: &Workload) -> Vec<u8> {
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(config);
    let mut bytes = Vec::new();
    for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
        for e in sequencer.handle(&Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        }) {
            bytes.extend_from_slice(&e.encode());
        }
    }
    bytes
}

/// The two streams are equal; on failure, name the first differing event.
pub fn assert_same_stream(got: &[u8], want: &[u8]) {
    let first = got
        .chunks(64)
        .zip(want.chunks(64))
        .position(|(a, b)| a != b);
    assert_eq!(first, None, "first differing event");
    assert_eq!(got.len(), want.len(), "event bytes");
}

/// [`assert_same_stream`] for the card's raw stream: the host's restoration of client
/// references (abi §14) is applied first.
pub fn assert_same_card_stream(raw: &[u8], want: &[u8]) {
    let mut got = raw.to_vec();
    abi::ClientRefs::new(hdl::matcher::SLOTS)
        .restore_all(&mut got)
        .expect("slots in the pool");
    assert_same_stream(&got, want);
}
