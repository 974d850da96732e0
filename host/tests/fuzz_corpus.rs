//! The fuzz targets' bodies (`host::fuzz`) under plain `cargo test`: every committed seed
//! (`fuzz/corpus/<target>/`) and every crash input ever found (`fuzz/artifacts/<target>/`)
//! is replayed, then a few thousand generated inputs — random bytes and single-byte
//! mutations of the seeds — so a decoder that breaks a fuzz property fails the test suite
//! without libFuzzer, on stable Rust. `regenerate_seed_corpora` (ignored) rewrites the seeds.

use std::fs;
use std::path::{Path, PathBuf};

use abi::{EventKind, MessageType, OrderMessage, EVENT_BYTES};
use host::config::DEFAULT_CONFIG_TOML;
use host::fuzz::{demo_run, events_file_bytes, render_csv, TARGETS};
use host::input::encode_orders;
use host::margin::config::DEFAULT_MARGIN_TOML;
use proptest::prelude::*;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Every file under `fuzz/<kind>/<target>/` (kind: corpus or artifacts), sorted.
fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(fuzz_dir().join(kind).join(target)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    paths.sort();
    paths
}

/// (target index, file contents) of every committed seed.
fn seeds() -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    for (index, (name, _)) in TARGETS.iter().enumerate() {
        for path in files("corpus", name) {
            out.push((index, fs::read(&path).expect("readable seed")));
        }
    }
    out
}

#[test]
fn every_corpus_and_artifact_file_passes_its_target() {
    // Proves each target has seeds and that every seed and every kept crash input runs
    // through its target's body without breaking a property: reading each file under
    // fuzz/corpus/<target>/ and fuzz/artifacts/<target>/ and calling the body on it (a
    // failure panics, naming the file through the assertion's message and this loop's).
    for (name, body) in TARGETS {
        let seeds = files("corpus", name);
        assert!(!seeds.is_empty(), "no seed corpus for {name}");
        for path in seeds.iter().chain(&files("artifacts", name)) {
            let data = fs::read(path).expect("readable file");
            eprintln!("{name}: {}", path.display());
            body(&data);
        }
    }
}

#[test]
fn fuzz_venue_config_non_ascii_public_key() {
    // Proves the venue_config finding (fuzz/artifacts/venue_config/non_ascii_public_key.toml)
    // stays fixed: a 64-byte public key holding a two-byte character made
    // `parse_public_key` slice inside it and panic; the file now fails to load with an
    // error naming the key.
    let path = fuzz_dir().join("artifacts/venue_config/non_ascii_public_key.toml");
    let text = fs::read_to_string(path).expect("the finding");
    let error = host::config::VenueConfig::parse(&text, "finding").expect_err("an error");
    assert!(
        error
            .to_string()
            .contains("account 600: public_key has a non-hex"),
        "{error}"
    );
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1500,
        // A failure here is a finding: keep its input under fuzz/artifacts/ instead.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes_break_no_target(
        target in 0..TARGETS.len(),
        data in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        // Proves no target body fails on unstructured bytes: proptest draws a target and up
        // to 600 random bytes (past every fixed record size) and runs the body, which
        // panics on a broken property.
        (TARGETS[target].1)(&data);
    }

    #[test]
    fn single_byte_mutations_of_seeds_break_no_target(
        pick in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        how in 0..3u8,
    ) {
        // Proves the decoders hold their properties next to valid inputs, where the
        // interesting branches are: proptest picks a seed and a position and overwrites,
        // inserts or deletes one byte there, then runs the seed's target on the result.
        let seeds = seeds();
        let (target, mut data) = seeds[pick.index(seeds.len())].clone();
        let at = at.index(data.len() + 1);
        match how {
            0 if at < data.len() => data[at] = byte,
            1 => data.insert(at, byte),
            _ if at < data.len() => {
                data.remove(at);
            }
            _ => data.push(byte),
        }
        (TARGETS[target].1)(&data);
    }
}

// ---------------------------------------------------------------------------------------------
// The seed corpora

/// Write `data` as `fuzz/corpus/<target>/<name>`.
fn write_seed(target: &str, name: &str, data: &[u8]) {
    let dir = fuzz_dir().join("corpus").join(target);
    fs::create_dir_all(&dir).expect("corpus directory");
    fs::write(dir.join(name), data).expect("seed written");
}

#[test]
#[ignore = "rewrites fuzz/corpus/; run by hand after a format change"]
fn regenerate_seed_corpora() {
    // Proves nothing by itself: it regenerates the seeds (valid files from the embedded
    // configs and a small seeded demo workload) that the test above then replays. Run with
    // `cargo test -p host --test fuzz_corpus -- --ignored regenerate` and commit the result.
    let (stimuli, events) = demo_run(1, 400);
    let dir = fuzz_dir().join("corpus");
    if dir.exists() {
        fs::remove_dir_all(&dir).expect("old corpus removed");
    }

    // order_message: one of each message type the workload sends, and a malformed one.
    for kind in [
        MessageType::NewOrder,
        MessageType::Cancel,
        MessageType::Oracle,
        MessageType::Admin,
    ] {
        if let Some(s) = stimuli
            .iter()
            .find(|s| s.message.message_type() == Some(kind))
        {
            write_seed("order_message", &format!("{kind:?}"), &s.message.encode());
        }
    }
    let mut reserved = stimuli[0].message.encode();
    reserved[50] = 0xff;
    write_seed("order_message", "reserved_nonzero", &reserved);

    // event: the first event of each kind.
    for kind in EventKind::ALL {
        if let Some(e) = events.iter().find(|e| e.kind == kind) {
            write_seed("event", kind.name(), &e.encode());
        }
    }

    // orders_file: a short file and an empty one (header only).
    write_seed(
        "orders_file",
        "eight_records",
        &encode_orders(&stimuli[..8]),
    );
    write_seed("orders_file", "empty", &encode_orders(&[]));

    // orders_csv: the worked example of docs/formats.md (defaults, hex, a cancel), a file
    // with comments, CRLF and defaulted columns, and a rendering of workload rows.
    write_seed(
        "orders_csv",
        "formats_md_example.csv",
        b"# a resting sell, a crossing buy, an IOC that sweeps and expires, a late cancel\n\
op,account,instrument,side,price_ticks,qty_lots,tif,stp,client_ref,order_id\n\
new,1,1,sell,180005,5,gtc,,11,\n\
new,2,1,buy,180010,3,gtc,,22,\n\
new,3,1,buy,180010,4,ioc,,33,\n\
cancel,1,1,,,,,,44,0x100000000\n",
    );
    write_seed(
        "orders_csv",
        "defaults_crlf.csv",
        b"\r\n# header after a comment\r\nqty_lots, op ,account,instrument,side,price_ticks,tif,stp,client_ref,nonce,arrival_ns\r\n\
  7,NEW,4,2,Buy,70001,Post_Only,cancel_both,0x10,5,\r\n\
1,new,4,2,sell,69999,fok,none,,,0x20\r\n\
   \r\n#\r\n",
    );
    let rows: Vec<_> = stimuli
        .iter()
        .filter(|s| {
            matches!(
                s.message.message_type(),
                Some(MessageType::NewOrder | MessageType::Cancel)
            )
        })
        .take(12)
        .copied()
        .collect();
    let csv = render_csv(&rows).expect("workload rows render");
    write_seed("orders_csv", "workload.csv", csv.as_bytes());

    // events_file: the events of the first messages, and an empty file.
    let first: Vec<_> = events.iter().take(20).copied().collect();
    write_seed("events_file", "twenty_events", &events_file_bytes(&first));
    write_seed("events_file", "empty", &events_file_bytes(&[]));

    // venue_config: the embedded default, one with a listed key, a small venue (its
    // capacities let the target run a sequencer) and the same with FOK checks capped at one
    // order, and the default without the optional field (a file older than the field).
    write_seed(
        "venue_config",
        "default.toml",
        DEFAULT_CONFIG_TOML.as_bytes(),
    );
    let key = host::keys::test_signing_key(600).verification_key();
    let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let keyed = DEFAULT_CONFIG_TOML.replacen(
        "keys = []",
        &format!("keys = [ {{ id = 600, public_key = \"{hex}\" }} ]"),
        1,
    );
    write_seed("venue_config", "with_key.toml", keyed.as_bytes());
    let small = DEFAULT_CONFIG_TOML
        .replacen("orders_resting_max = 16384", "orders_resting_max = 64", 1)
        .replacen("accounts_max = 1024", "accounts_max = 32", 1)
        .replacen("test_accounts = 512", "test_accounts = 16", 1)
        .replacen("oracles = [510]", "oracles = [15]", 1)
        .replacen("admins = [509]", "admins = [14]", 1);
    write_seed("venue_config", "small.toml", small.as_bytes());
    // The small venue with the smallest FOK cap: the target's FOK is fok_too_deep there.
    let shallow = small.replacen("fok_orders_max = 256", "fok_orders_max = 1", 1);
    assert_ne!(shallow, small);
    write_seed("venue_config", "small_fok_cap_1.toml", shallow.as_bytes());
    // A file written before venue.fok_orders_max existed (the field is optional).
    let start = DEFAULT_CONFIG_TOML
        .find("# The most resting orders one FOK")
        .expect("the field's comment");
    let line = "fok_orders_max = 256\n";
    let end = DEFAULT_CONFIG_TOML.find(line).expect("the field") + line.len();
    let old = format!(
        "{}{}",
        &DEFAULT_CONFIG_TOML[..start],
        &DEFAULT_CONFIG_TOML[end..]
    );
    assert!(!old.contains("fok_orders_max") && !old.contains("fok_too_deep"));
    write_seed(
        "venue_config",
        "without_fok_orders_max.toml",
        old.as_bytes(),
    );

    // margin_config: the embedded default.
    write_seed(
        "margin_config",
        "margin.toml",
        DEFAULT_MARGIN_TOML.as_bytes(),
    );

    // follow: the start of the crash scenario's stream (funding, quotes, the first
    // positions: what `ordo demo --margin-events` writes) as an events file, and a window of
    // the demo stream as raw records (the target's unframed form).
    let venue = host::fuzz::venue();
    let (_, crash) = host::margin::scenario::crash_stream(venue, host::fuzz::margin())
        .expect("the crash scenario runs on the embedded venue");
    let crash_start: Vec<_> = crash.iter().take(48).copied().collect();
    write_seed(
        "follow",
        "crash_start.evt",
        &events_file_bytes(&crash_start),
    );
    let raw: Vec<u8> = events.iter().take(40).flat_map(|e| e.encode()).collect();
    assert_eq!(raw.len() % EVENT_BYTES, 0);
    write_seed("follow", "demo_raw", &raw);
    // Bytes that are no events: an order message, two raw records the event decoder
    // refuses (the follow target skips them; mutations make them decode).
    write_seed(
        "follow",
        "not_events",
        &OrderMessage::decode(&reserved).unwrap().encode(),
    );
}
