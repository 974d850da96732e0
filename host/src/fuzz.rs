//! Bodies of the fuzz targets (`fuzz/`, issue 11): one `pub fn <target>(data: &[u8])` per
//! decoder or loader of outside bytes. They live here, not in `fuzz/`, so that the libFuzzer
//! binaries (`fuzz/fuzz_targets/<target>.rs`, one call each) and the plain `cargo test`
//! replay of the corpus and of every crash ever found (`host/tests/fuzz_corpus.rs`) run the
//! same checks.
//!
//! A body returns normally when the decoder behaved; it panics — on purpose, that is how
//! libFuzzer learns of a failure — when the decoder panicked itself or broke one of the
//! properties asserted below (an error that is not a `Result`, a round trip that does not
//! hold). Inputs are hostile by definition; nothing here trusts them. Work per input is
//! bounded (`*_MAX` below) so each run stays in the microseconds to low milliseconds.
//!
//! Not part of the crate's interface: hidden from the docs, free to change with the targets.

use std::path::Path;
use std::sync::OnceLock;

use abi::framing::{EVENTS_MAGIC, ORDERS_MAGIC, ORDER_RECORD_BYTES};
use abi::{
    ClientRefs, Event, EventKind, FrameReader, MessageType, OrderMessage, RestoreError,
    EVENT_BYTES, ORDER_MESSAGE_BYTES,
};

use crate::config::VenueConfig;
use crate::engine::{Input, LadderBook, Sequencer};
use crate::input::{append_event, decode_events, decode_orders, encode_orders, parse_csv};
use crate::margin::config::MarginConfig;
use crate::margin::node::{follow as follow_stream, MarginNode};
use crate::summary::{event_json, Tally};
use crate::workload::{generate, Spec, Stimulus};
use crate::Error;

/// The name errors give the fuzzed "file".
const ORIGIN: &str = "<fuzz input>";

/// CSV inputs with more lines are skipped: the parser is linear, so longer ones find nothing
/// new and only slow the run down.
pub const CSV_LINES_MAX: usize = 256;

/// Follow inputs longer than this are skipped (a follower run costs about a microsecond per
/// event plus the engine's set-up; this keeps each run in the low milliseconds).
pub const FOLLOW_BYTES_MAX: usize = 256 * EVENT_BYTES;

/// Venue capacities up to which the `venue_config` target also builds a sequencer from the
/// config and runs messages through it (bigger ones allocate megabytes per run).
pub const SEQUENCER_CAPACITY_MAX: u32 = 1 << 16;

/// Order slots of the client-reference table the `event` target restores into: small, so
/// both in-range and out-of-range slots are common.
const CLIENT_REF_SLOTS: usize = 16;

fn origin() -> &'static Path {
    Path::new(ORIGIN)
}

/// The embedded venue config, parsed once (each target would otherwise spend most of its
/// time re-parsing TOML).
pub fn venue() -> &'static VenueConfig {
    static VENUE: OnceLock<VenueConfig> = OnceLock::new();
    VENUE.get_or_init(VenueConfig::embedded)
}

/// The embedded margin config, parsed once.
pub fn margin() -> &'static MarginConfig {
    static MARGIN: OnceLock<MarginConfig> = OnceLock::new();
    MARGIN.get_or_init(MarginConfig::embedded)
}

/// The venue's first admin account: the one `ordo follow` checks.
fn admin(venue: &VenueConfig) -> Option<u32> {
    venue.accounts.admins.first().copied()
}

/// A small unsigned demo workload (seeded, deterministic) for the embedded venue, and the
/// events the software sequencer makes of it. Seed corpora are made from it, and the
/// `margin_config` target follows its events under each fuzzed margin config.
pub fn demo_run(seed: u64, messages: usize) -> (Vec<Stimulus>, Vec<Event>) {
    let venue = venue();
    let workload = generate(
        venue,
        Spec {
            sign: false,
            ..Spec::demo(seed, messages)
        },
        &|_| {},
    );
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(venue);
    let mut events = Vec::new();
    for (s, &signature_ok) in workload.stimuli.iter().zip(&workload.signature_ok) {
        events.extend_from_slice(sequencer.handle(&Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok,
        }));
    }
    (workload.stimuli, events)
}

/// The stream the `margin_config` target follows: short, so a run stays fast.
fn margin_config_stream() -> &'static [Event] {
    static STREAM: OnceLock<Vec<Event>> = OnceLock::new();
    STREAM.get_or_init(|| demo_run(11, 40).1)
}

/// Encode events as an events file (what `ordo replay --events` writes).
pub fn events_file_bytes(events: &[Event]) -> Vec<u8> {
    let mut out = crate::input::events_file_header();
    for e in events {
        append_event(&mut out, e);
    }
    out
}

/// Render stimuli as CSV that [`parse_csv`] reads back to the same stimuli: every column
/// given, nonces and arrival times explicit (no defaults to re-derive). `None` when a
/// message is not one a CSV row can express (only new orders and cancels can be).
pub fn render_csv(stimuli: &[Stimulus]) -> Option<String> {
    let mut out =
        String::from("op,account,instrument,side,price_ticks,qty_lots,tif,stp,client_ref,order_id,nonce,arrival_ns\n");
    for s in stimuli {
        let m = &s.message;
        let row = match m.message_type()? {
            MessageType::NewOrder => format!(
                "new,{},{},{},{},{},{},{},{},,{},{}\n",
                m.account,
                m.instrument,
                m.side()?.name(),
                m.price_ticks,
                m.qty_lots,
                m.time_in_force()?.name(),
                m.stp()?.name(),
                m.client_ref,
                m.nonce,
                s.arrival_ns
            ),
            MessageType::Cancel => format!(
                "cancel,{},{},,,,,,{},{:#x},{},{}\n",
                m.account, m.instrument, m.client_ref, m.target_order_id.0, m.nonce, s.arrival_ns
            ),
            _ => return None,
        };
        out.push_str(&row);
    }
    Some(out)
}

/// Turn fuzz bytes into the event stream the `follow` target feeds a follower, or `None`
/// when `ordo follow` would stop with an error before following.
///
/// - Bytes that start with the events-file magic are an events file, decoded exactly as
///   `ordo follow` decodes it: any damage is an error (`None`).
/// - Any other bytes are raw 64-byte records without framing (a fuzzer cannot forge CRCs,
///   so this is how it reaches the follower at all): records that do not decode are
///   skipped, and the rest are numbered on from the first one's sequence number, as
///   `decode_events` requires of a file. The result is therefore always a stream some
///   events file carries: [`events_file_bytes`] writes it, for `ordo follow` to reproduce
///   a finding.
pub fn follow_events(data: &[u8]) -> Option<Vec<Event>> {
    if data.starts_with(&EVENTS_MAGIC) {
        let (events, error) = decode_events(data, origin());
        return if error.is_none() { Some(events) } else { None };
    }
    let mut events: Vec<Event> = Vec::new();
    for chunk in data.chunks_exact(EVENT_BYTES) {
        let Ok(mut e) = Event::decode(chunk) else {
            continue;
        };
        if let Some(previous) = events.last() {
            match previous.seq.checked_add(1) {
                Some(seq) => e.seq = seq,
                None => break,
            }
        }
        events.push(e);
    }
    Some(events)
}

// ---------------------------------------------------------------------------------------------
// The targets

/// `abi::OrderMessage::decode`: fails exactly on buffers shorter than 128 bytes, with a
/// length error; what it decodes encodes back to exactly the bytes it came from (abi.md §1:
/// the signature is checked over the bytes as received).
pub fn order_message(data: &[u8]) {
    let decoded = OrderMessage::decode(data);
    if data.len() < ORDER_MESSAGE_BYTES {
        assert_eq!(
            decoded,
            Err(abi::Error::Length {
                expected: ORDER_MESSAGE_BYTES,
                got: data.len()
            }),
            "a short buffer is a length error"
        );
        return;
    }
    let Ok(m) = decoded else {
        panic!("decode failed on {} >= 128 bytes: {decoded:?}", data.len());
    };
    let encoded = m.encode();
    assert_eq!(
        OrderMessage::decode(&encoded),
        Ok(m),
        "decode(encode(decode(b))) == decode(b)"
    );
    assert_eq!(
        encoded[..],
        data[..ORDER_MESSAGE_BYTES],
        "decode(b).encode() == b[..128]: every byte kept as received"
    );
    assert_eq!(
        m.body()[..],
        encoded[..64],
        "the signed body is bytes 0..64"
    );
    // The typed views of raw enumeration bytes are total.
    let _ = (m.message_type(), m.side(), m.time_in_force(), m.stp());
}

/// `abi::Event::decode`: fails on any length but 64 with a length error; a decoded event
/// encodes to exactly the bytes it came from (so encoding never trips its own asserts on
/// it) and decodes back to itself. Also `abi::ClientRefs`, which rewrites raw records
/// (the card's, possibly undecodable): it never panics, touches only the client-reference
/// field, and refuses a slot beyond its table without changing anything.
pub fn event(data: &[u8]) {
    match Event::decode(data) {
        Err(e) => {
            if data.len() != EVENT_BYTES {
                assert_eq!(
                    e,
                    abi::Error::Length {
                        expected: EVENT_BYTES,
                        got: data.len()
                    }
                );
            }
        }
        Ok(e) => {
            let encoded = e.encode();
            assert_eq!(encoded[..], data[..], "encode(decode(b)) == b");
            assert_eq!(Event::decode(&encoded), Ok(e), "decode(encode(e)) == e");
            let _ = (event_json(&e), e.kind.name(), e.reason.name());
        }
    }
    let mut refs = ClientRefs::new(CLIENT_REF_SLOTS);
    let mut records = data.to_vec();
    let restored = refs.restore_all(&mut records);
    let whole = data.len() / EVENT_BYTES * EVENT_BYTES;
    assert_eq!(
        records[whole..],
        data[whole..],
        "a partial tail is left alone"
    );
    let pairs = records
        .chunks_exact(EVENT_BYTES)
        .zip(data.chunks_exact(EVENT_BYTES));
    for (at, (after, before)) in pairs.enumerate() {
        assert_eq!(
            after[..48],
            before[..48],
            "record {at}: before the client ref"
        );
        assert_eq!(
            after[56..],
            before[56..],
            "record {at}: after the client ref"
        );
    }
    if let Err(RestoreError::SlotOutOfRange { slots, .. }) = restored {
        assert_eq!(slots, CLIENT_REF_SLOTS);
    }
}

/// `host::input::decode_orders`, the binary orders file (`ordo replay --input`): errors are
/// `Error::Input`; a file that decodes is whole (header, then 144 bytes per record) and its
/// messages, written again with `encode_orders`, decode to the same stimuli.
pub fn orders_file(data: &[u8]) {
    match decode_orders(data, origin()) {
        Err(e) => assert!(matches!(e, Error::Input { .. }), "not an input error: {e}"),
        Ok(stimuli) => {
            let record = abi::FRAME_HEADER_BYTES + ORDER_RECORD_BYTES;
            assert!(data.starts_with(&ORDERS_MAGIC));
            assert_eq!(
                data.len(),
                16 + stimuli.len() * record,
                "the whole file is read"
            );
            let encoded = encode_orders(&stimuli);
            assert_eq!(encoded.len(), data.len());
            let again = decode_orders(&encoded, origin()).expect("encode_orders output decodes");
            assert_eq!(again, stimuli, "decode(encode(decode(f))) == decode(f)");
            // Every message keeps its bytes as received, so the whole file round-trips.
            assert_eq!(encoded, data, "encode_orders(decode_orders(f)) == f");
        }
    }
}

/// `host::input::parse_csv`, trusted (rows are not signed: signing costs ~50 µs a row and
/// is not parsing), on the UTF-8 inputs of at most [`CSV_LINES_MAX`] lines. Errors are
/// `Error::Input` naming a line; every row that loads is a well-formed new order or cancel
/// on a configured instrument, and the stimuli rendered back to CSV load to the same
/// stimuli.
pub fn orders_csv(data: &[u8]) {
    // `read_orders` reports non-UTF-8 bytes itself (a Result) before the CSV parser runs.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.lines().nth(CSV_LINES_MAX).is_some() {
        return;
    }
    let venue = venue();
    match parse_csv(text, origin(), venue, false) {
        Err(Error::Input { location, .. }) => {
            let line: usize = location
                .strip_prefix("line ")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("location `{location}` is not a line"));
            assert!(
                line >= 1 && line <= text.lines().count().max(1),
                "line {line}"
            );
        }
        Err(e) => panic!("not an input error: {e}"),
        Ok(stimuli) => {
            for s in &stimuli {
                let m = &s.message;
                assert_eq!(m.version, abi::ABI_VERSION);
                assert!(matches!(
                    m.message_type(),
                    Some(MessageType::NewOrder | MessageType::Cancel)
                ));
                assert!(venue.instrument(m.instrument).is_some());
                assert_eq!(m.signature, [0; 64], "trusted rows are not signed");
                assert_eq!(
                    OrderMessage::decode(&m.encode()),
                    Ok(*m),
                    "no reserved bits"
                );
            }
            let csv = render_csv(&stimuli).expect("CSV rows are new orders and cancels");
            let again = parse_csv(&csv, origin(), venue, false)
                .unwrap_or_else(|e| panic!("rendered CSV does not load: {e}\n{csv}"));
            assert_eq!(again, stimuli, "parse(render(parse(t))) == parse(t)");
        }
    }
}

/// `host::input::decode_events` over `abi::FrameReader` (`ordo events`, `ordo follow`):
/// every good event up to the first bad record, and an `Error::Input` there. The good
/// events, written again, are exactly the file's first bytes (all of them when there was no
/// error); the stream is gap-free (the summary's tally, which asserts that, takes it).
pub fn events_file(data: &[u8]) {
    let (events, error) = decode_events(data, origin());
    if let Some(e) = &error {
        assert!(matches!(e, Error::Input { .. }), "not an input error: {e}");
    }
    if FrameReader::new(data, EVENTS_MAGIC, EVENT_BYTES, "events").is_err() {
        assert!(
            events.is_empty() && error.is_some(),
            "a bad header reads nothing"
        );
        return;
    }
    let encoded = events_file_bytes(&events);
    assert!(encoded.len() <= data.len());
    assert_eq!(
        encoded[..],
        data[..encoded.len()],
        "the good events are the file's prefix"
    );
    assert_eq!(error.is_none(), encoded.len() == data.len(), "{error:?}");
    let (again, again_error) = decode_events(&encoded, origin());
    assert!(again_error.is_none(), "{again_error:?}");
    assert_eq!(again, events);
    let mut tally = Tally::default();
    for e in &events {
        tally.add(e);
        let _ = event_json(e);
    }
    let summary = tally.finish();
    assert_eq!(summary.events, events.len() as u64);
}

/// `host::config::VenueConfig::parse` on UTF-8 text: errors are `Error::Config`; a config
/// that parses has bands that fit (the engine relies on it), builds the account table,
/// a margin node with the embedded margin config (or says why not), and — when its
/// capacities are at most [`SEQUENCER_CAPACITY_MAX`] — a sequencer that takes a new order at
/// each edge of every band and a cancel, and a FOK that `venue.fok_orders_max` accepts (a
/// cap of 2 or more) or rejects `fok_too_deep` (a cap of 1).
pub fn venue_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = match VenueConfig::parse(text, ORIGIN) {
        Err(e) => {
            assert!(matches!(e, Error::Config { .. }), "not a config error: {e}");
            return;
        }
        Ok(config) => config,
    };
    for i in &config.instruments {
        assert!(i.price_min_ticks() < i.price_max_ticks());
        assert!(i.levels() <= config.venue.levels_per_side_max);
    }
    let small = config.venue.accounts_max <= SEQUENCER_CAPACITY_MAX
        && config.venue.orders_resting_max <= SEQUENCER_CAPACITY_MAX
        // Deriving a test key costs ~20 µs; the default's 512 would make each run 10 ms.
        && config.accounts.test_accounts <= 64;
    if !small {
        return;
    }
    let table = crate::keys::account_table(&config);
    assert_eq!(table.len(), config.venue.accounts_max as usize);
    let _ = MarginNode::new(&config, margin());
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let account = config.accounts.test_accounts.saturating_sub(1);
    let mut nonce = 0;
    let mut send = |message: OrderMessage| {
        nonce += 1;
        let mut message = message;
        message.nonce = nonce;
        let events = sequencer.handle(&Input {
            arrival_ns: nonce,
            message,
            signature_ok: true,
        });
        *events.first().expect("every message has an event")
    };
    use abi::{Reason, Side, StpMode, TimeInForce};
    for i in &config.instruments {
        for (side, price) in [
            (Side::Sell, i.price_max_ticks()),
            (Side::Buy, i.price_min_ticks()),
            (Side::Buy, i.price_max_ticks()),
        ] {
            let new = OrderMessage::new_order(
                account,
                0,
                i.id,
                side,
                price,
                i.qty_lots_max,
                TimeInForce::Gtc,
                StpMode::None,
                7,
            );
            let first = send(new);
            if first.kind == EventKind::Accepted {
                let id = abi::OrderId(first.order_id);
                send(OrderMessage::cancel(account, 0, i.id, id, 8));
            }
        }
        // The FOK cap (abi.md §11): two 1-lot asks at the top of the (empty) book, then a
        // FOK for both: filled when `fok_orders_max` >= 2, `fok_too_deep` when it is 1.
        if config.venue.orders_resting_max < 3 {
            continue;
        }
        let order = |side, qty, time_in_force, client_ref| {
            OrderMessage::new_order(
                account,
                0,
                i.id,
                side,
                i.price_max_ticks(),
                qty,
                time_in_force,
                StpMode::None,
                client_ref,
            )
        };
        let asks =
            [9, 10].map(|client_ref| send(order(Side::Sell, 1, TimeInForce::Gtc, client_ref)));
        if asks.iter().any(|e| e.kind != EventKind::Accepted) {
            continue;
        }
        let fok = send(order(Side::Buy, 2, TimeInForce::Fok, 11));
        if config.venue.fok_orders_max >= 2 {
            assert_eq!(
                fok.kind,
                EventKind::Accepted,
                "a FOK within the cap: {fok:?}"
            );
        } else {
            assert_eq!(
                fok.reason,
                Reason::FokTooDeep,
                "a FOK beyond the cap: {fok:?}"
            );
            for ask in asks {
                let id = abi::OrderId(ask.order_id);
                send(OrderMessage::cancel(account, 0, i.id, id, 12));
            }
        }
    }
}

/// `host::margin::config::MarginConfig::parse` on UTF-8 text: errors are `Error::Config`;
/// a config that parses makes a margin node for the embedded venue (or an error saying why
/// not), and a follower under it takes a short demo stream (in step or diverged, never a
/// panic: the checks in `parse` are what keep the engine's integer arithmetic in range).
pub fn margin_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = match MarginConfig::parse(text, ORIGIN) {
        Err(e) => {
            assert!(matches!(e, Error::Config { .. }), "not a config error: {e}");
            return;
        }
        Ok(config) => config,
    };
    let venue = venue();
    let Ok(node) = MarginNode::new(venue, &config) else {
        return;
    };
    let _ = node.initial_actions();
    if let Some(admin) = admin(venue) {
        let stream = margin_config_stream();
        let report = follow_stream(venue, &config, admin, stream)
            .expect("the node was made from these configs above");
        assert!(report.events as usize <= stream.len());
    }
}

/// `host::margin::node::follow` (what `ordo follow` runs) over the stream
/// [`follow_events`] makes of the bytes, with the embedded configs: a hostile stream ends
/// in step or in a `Divergence` (reported with the events read so far), never a panic.
pub fn follow(data: &[u8]) {
    if data.len() > FOLLOW_BYTES_MAX {
        return;
    }
    let Some(events) = follow_events(data) else {
        return;
    };
    let venue = venue();
    let Some(admin) = admin(venue) else {
        return;
    };
    let report = follow_stream(venue, margin(), admin, &events)
        .expect("the embedded configs make a follower");
    assert!(report.events as usize <= events.len());
    if report.divergence.is_none() {
        assert_eq!(
            report.events as usize,
            events.len(),
            "in step means all read"
        );
    }
    if let Some(d) = &report.divergence {
        // The divergence names an event of the stream (seq 0: the end of it).
        assert!(
            d.seq == 0 || events.iter().any(|e| e.seq == d.seq),
            "divergence at seq {} outside the stream",
            d.seq
        );
        let _ = event_json(&d.event);
    }
}

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target by name, for the corpus replay test and tools.
pub const TARGETS: [(&str, Target); 8] = [
    ("order_message", order_message),
    ("event", event),
    ("orders_file", orders_file),
    ("orders_csv", orders_csv),
    ("events_file", events_file),
    ("venue_config", venue_config),
    ("margin_config", margin_config),
    ("follow", follow),
];
