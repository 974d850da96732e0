//! Hardening tests of the `ordo` binary (issue 11): every number read from outside is
//! range-checked where it is read, every input-driven loop and allocation is bounded, and no
//! input makes the command panic. Each test drives the binary as a user would and asserts a
//! clear usage error (exit 2), a clear error (exit 1, `ordo: error: …`) or a divergence —
//! never exit 101 (a panic) or a signal (an allocation abort).

use abi::{Event, EventKind, OrderId, Reason};
use host::input::{append_event, decode_events, events_file_header};

mod common;
use common::{failed, ordo, p, stderr, stdout, Scratch};
use std::process::Output;

/// The command was refused as clap refuses a bad flag value: exit 2, before any work, and
/// the message names the flag and every `needle`.
fn usage_error(args: &[&str], flag: &str, needles: &[&str]) {
    let out = ordo(args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: exit status; stderr: {err}"
    );
    assert!(err.contains(flag), "{args:?}: stderr lacks `{flag}`: {err}");
    for needle in needles {
        assert!(
            err.contains(needle),
            "{args:?}: stderr lacks `{needle}`: {err}"
        );
    }
    assert!(stdout(&out).is_empty(), "{args:?}: ran anyway");
}

/// Neither a panic (exit 101) nor a signal: exit 0, or 1 with a message or a divergence.
fn no_panic(out: &Output, what: &str) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{what}: ordo panicked: {err}");
    match out.status.code() {
        Some(0) => {}
        Some(1) => {
            let text = stdout(out);
            assert!(
                err.contains("ordo: error:")
                    || text.contains("DIVERGED")
                    || text.contains("\"divergence\":{"),
                "{what}: exit 1 without a message or a divergence; stderr: {err}"
            )
        }
        code => panic!("{what}: exit status {code:?}; stderr: {err}"),
    }
}

/// An events file of `events`, numbered from `first_seq` in order.
fn events_file(events: &[Event], first_seq: u64) -> Vec<u8> {
    let mut bytes = events_file_header();
    for (i, e) in events.iter().enumerate() {
        append_event(
            &mut bytes,
            &Event {
                seq: first_seq + i as u64,
                ..*e
            },
        );
    }
    bytes
}

/// The crash scenario's event stream (what `ordo demo --margin-events` writes): funded
/// accounts, positions, resting orders, leader actions — the prefix hostile events follow.
fn crash_stream(dir: &Scratch) -> Vec<Event> {
    let path = dir.path("crash.events");
    let out = ordo(&["demo", "--messages", "20", "--margin-events", p(&path)]);
    assert!(out.status.success(), "demo: {}", stderr(&out));
    let (events, error) = decode_events(&std::fs::read(&path).unwrap(), &path);
    assert!(error.is_none(), "{error:?}");
    events
}

/// An account the crash scenario isolated: the target of a sequenced isolation (an admin
/// event of side 1 on an instrument).
fn isolated_trader(events: &[Event]) -> (u64, u16) {
    events
        .iter()
        .find(|e| e.kind == EventKind::Admin && e.side == 1 && e.instrument != 0)
        .map(|e| (e.order_id, e.instrument))
        .expect("the scenario isolates traders")
}

fn event(kind: EventKind) -> Event {
    Event {
        timestamp_ns: 1_000_000_000,
        ..Event::blank(kind)
    }
}

// --- numeric flags -------------------------------------------------------------------------

#[test]
fn demo_messages_beyond_bound_is_a_usage_error() {
    // Proves `demo --messages` is range-checked at parse time: ten billion messages (about
    // 3 TB of workload) and zero are refused by clap with the range, exit 2, before anything
    // is generated — not an allocation abort an hour in.
    for value in ["10000000000", "10000001", "0", "-1"] {
        let flag = format!("--messages={value}");
        usage_error(&["demo", &flag], "--messages", &[]);
    }
    usage_error(
        &["demo", "--messages", "10000000000"],
        "--messages",
        &["1..=10000000"],
    );
}

#[test]
fn threads_beyond_bound_is_a_usage_error() {
    // Proves `--threads` of demo, replay and diff is range-checked at parse time: zero and
    // a million threads (each a spawned stack) are refused with the range, exit 2.
    for command in ["demo", "replay", "diff"] {
        for value in ["0", "1000000", "257"] {
            let mut args = vec![command, "--threads", value];
            if command != "demo" {
                args.extend(["--input", "/nonexistent"]);
            }
            usage_error(&args, "--threads", &["1..=256"]);
        }
    }
}

#[test]
fn seed_beyond_u64_is_a_usage_error() {
    // Proves `--seed` (any u64 is a valid seed) refuses what does not fit u64, at parse time.
    for command in [
        &["demo"][..],
        &["bench", "matching"],
        &["bench", "sigverify"],
    ] {
        let mut args = command.to_vec();
        args.extend(["--seed", "18446744073709551616"]);
        usage_error(&args, "--seed", &[]);
    }
}

#[test]
fn bench_sizes_beyond_bound_are_usage_errors() {
    // Proves every bench size flag is range-checked at parse time with its documented range:
    // the bound plus one, and zero, are refused with exit 2 before any work (the margin
    // bench's `accounts + 1` and the hdl script's `2 * orders` could otherwise overflow, and
    // the sizes allocate per unit).
    let cases: [(&[&str], &str, &str); 8] = [
        (&["bench", "matching"], "--messages", "10000000"),
        (&["bench", "matching"], "--repeats", "100"),
        (&["bench", "sigverify"], "--messages", "1000000"),
        (&["bench", "hdl"], "--orders", "100000"),
        (&["bench", "hdl"], "--messages", "200000"),
        (&["bench", "hdl"], "--verilator-messages", "2000000"),
        (&["bench", "margin"], "--accounts", "10000000"),
        (&["bench", "margin"], "--fills", "20000000"),
    ];
    for (command, flag, max) in cases {
        let beyond = (max.parse::<u64>().unwrap() + 1).to_string();
        for value in [beyond.as_str(), "0", "18446744073709551616"] {
            let mut args = command.to_vec();
            args.extend([flag, value]);
            usage_error(&args, flag, &[]);
        }
        let mut args = command.to_vec();
        args.extend([flag, beyond.as_str()]);
        usage_error(&args, flag, &[&format!("1..={max}")]);
    }
    usage_error(
        &["bench", "margin", "--repeats", "101"],
        "--repeats",
        &["1..=100"],
    );
}

#[test]
fn flag_help_states_every_bound() {
    // Proves the documented ranges are in `--help`: each bounded flag's help text names its
    // upper bound, so a user learns the range before hitting it.
    let cases: [(&[&str], &[&str]); 6] = [
        (
            &["demo"],
            &["1..=10000000", "1..=256", "0..=18446744073709551615"],
        ),
        (&["replay"], &["1..=256"]),
        (&["diff"], &["1..=256", "2..=8"]),
        (&["bench", "matching"], &["1..=10000000", "1..=100"]),
        (&["bench", "sigverify"], &["1..=1000000"]),
        (
            &["bench", "hdl"],
            &["1..=100000", "1..=200000", "1..=2000000"],
        ),
    ];
    for (command, ranges) in cases {
        let mut args = command.to_vec();
        args.push("--help");
        let out = ordo(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let help = stdout(&out);
        for range in ranges {
            assert!(help.contains(range), "{args:?} help lacks {range}: {help}");
        }
    }
    let help = stdout(&ordo(&["bench", "margin", "--help"]));
    for range in ["1..=10000000", "1..=20000000", "1..=100"] {
        assert!(
            help.contains(range),
            "bench margin help lacks {range}: {help}"
        );
    }
}

#[test]
fn diff_with_too_many_engines_is_a_usage_error() {
    // Proves `diff --engines` is bounded: every engine's events are held until compared, so
    // nine engines are refused (exit 1, naming the bound) before any engine runs.
    let dir = Scratch::new("engines");
    let csv = dir.write(
        "one.csv",
        "op,account,instrument,side,price_ticks,qty_lots,tif,stp,client_ref\n\
         new,1,1,buy,180000,1,gtc,,1\n",
    );
    let engines = ["software"; 9].join(",");
    let out = ordo(&["diff", "--input", p(&csv), "--engines", &engines]);
    failed(&out, &["--engines", "at most 8"]);
    assert!(stdout(&out).is_empty(), "ran anyway");
}

// --- input files ---------------------------------------------------------------------------

#[test]
fn orders_file_beyond_bound_is_refused_before_it_is_read() {
    // Proves the orders reader checks the file's size before reading it: a sparse file one
    // byte past the bound (no disk used) is refused at once with the bound in the message,
    // instead of being read into memory whole.
    let dir = Scratch::new("big-orders");
    let path = dir.path("big.orders");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(host::input::ORDERS_FILE_BYTES_MAX.max(host::input::CSV_FILE_BYTES_MAX) + 1)
        .unwrap();
    let out = ordo(&["replay", "--input", p(&path), "--trusted"]);
    failed(&out, &["big.orders", "file size", "more than"]);
}

#[test]
fn csv_file_beyond_its_bound_is_refused() {
    // Proves a CSV orders file has its own, smaller size bound: a sparse file past
    // CSV_FILE_BYTES_MAX (but under the binary bound) that is not binary is refused as CSV.
    let dir = Scratch::new("big-csv");
    let path = dir.path("big.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(host::input::CSV_FILE_BYTES_MAX + 1).unwrap();
    let out = ordo(&["replay", "--input", p(&path), "--trusted"]);
    failed(&out, &["big.csv", "CSV orders file may have"]);
}

#[test]
fn events_file_beyond_bound_is_refused_before_it_is_read() {
    // Proves `ordo events` and `ordo follow` check the events file's size before reading it:
    // a sparse file past EVENTS_FILE_BYTES_MAX is refused at once, naming the bound.
    let dir = Scratch::new("big-events");
    let path = dir.path("big.events");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(host::input::EVENTS_FILE_BYTES_MAX + 1)
        .unwrap();
    for args in [
        vec!["events", p(&path)],
        vec!["events", p(&path), "--summary"],
        vec!["follow", p(&path)],
    ] {
        failed(
            &ordo(&args),
            &["big.events", "file size", "events file may have"],
        );
    }
}

#[test]
fn csv_line_beyond_bound_is_an_error_naming_the_line() {
    // Proves one CSV line cannot make the parser split or echo without bound: a row of
    // 100,000 commas, and a 100,000-digit number, are refused at their line with the bound
    // (the message does not echo the line).
    let dir = Scratch::new("long-line");
    let header = "op,account,instrument,side,price_ticks,qty_lots,tif,stp,client_ref";
    for (name, row) in [
        ("commas.csv", ",".repeat(100_000)),
        (
            "digits.csv",
            format!("new,{},1,buy,1,1,gtc,,1", "9".repeat(100_000)),
        ),
    ] {
        let csv = dir.write(name, format!("{header}\n{row}\n"));
        let out = ordo(&["replay", "--input", p(&csv), "--trusted"]);
        let err = failed(&out, &[name, "line 2", "longer than the 1024"]);
        assert!(
            err.len() < 1000,
            "the line is not echoed: {} bytes",
            err.len()
        );
    }
    let csv = dir.write("header.csv", format!("{}\n", "op,".repeat(10_000)));
    failed(
        &ordo(&["replay", "--input", p(&csv), "--trusted"]),
        &["line 1", "longer than"],
    );
}

// --- hostile events files ------------------------------------------------------------------

#[test]
fn hostile_events_files_never_panic() {
    // Proves no events file makes `ordo follow`, `ordo events` or `ordo events --summary`
    // panic or run without bound: each handcrafted hostile stream — most of them the crash
    // scenario's real stream with hostile events appended, so the margin engine has funded
    // accounts, positions and resting orders to trip over — ends with exit 0, or 1 and a
    // message or a divergence — timestamps at u64::MAX included (the funding catch-up is
    // bounded since the funding fix).
    let dir = Scratch::new("hostile");
    let crash = crash_stream(&dir);
    let live = crash
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::Accepted && e.remaining_lots > 0)
        .copied()
        .expect("an accepted order");
    let last_ts = crash.last().unwrap().timestamp_ns;
    let at = |e: Event| Event {
        timestamp_ns: last_ts,
        ..e
    };
    let admin = 509;
    let transfer = |account: u64, amount: i64| {
        at(Event {
            account: admin,
            side: 1,
            order_id: account,
            price_ticks: amount as u64 as u32,
            qty_lots: ((amount as u64) >> 32) as u32,
            ..event(EventKind::Admin)
        })
    };
    // A trader the scenario isolated (a sequenced isolation names it), and its instrument.
    let (isolated, perp) = isolated_trader(&crash);
    let isolate = |account: u64, amount: i64| Event {
        instrument: perp,
        ..transfer(account, amount)
    };
    let accepted = |id: u64, qty: u32, price: u32| {
        at(Event {
            side: 0,
            instrument: 1,
            account: 7,
            price_ticks: price,
            order_id: id,
            qty_lots: qty,
            remaining_lots: qty,
            ..event(EventKind::Accepted)
        })
    };
    let fill = |maker: u64, taker: u64, qty: u32, price: u32| {
        at(Event {
            side: 0,
            instrument: 1,
            account: 7,
            price_ticks: price,
            order_id: taker,
            qty_lots: qty,
            maker_order_id: maker,
            maker_account: 8,
            ..event(EventKind::Fill)
        })
    };
    let trader = u64::from(
        crash
            .iter()
            .find(|e| e.kind == EventKind::Fill)
            .unwrap()
            .account,
    );
    // (name, events appended to the crash stream)
    let appended: Vec<(&str, Vec<Event>)> = vec![
        (
            "fill of an unknown order",
            vec![fill(12345, 678, 1, 180_000)],
        ),
        (
            "cancel of a never-accepted id",
            vec![at(Event {
                instrument: 1,
                order_id: 999_999,
                qty_lots: 3,
                ..event(EventKind::Cancelled)
            })],
        ),
        (
            "expiry of a live order's id with another quantity",
            vec![at(Event {
                qty_lots: live.remaining_lots + 1,
                ..Event {
                    kind: EventKind::Expired,
                    ..live
                }
            })],
        ),
        (
            "an out-of-range slot",
            vec![accepted(OrderId::new(u32::MAX, u32::MAX).0, 1, 180_000)],
        ),
        (
            "an order at the top of u32",
            vec![
                accepted(1 << 40, u32::MAX, u32::MAX),
                fill(1 << 40, 2 << 40, u32::MAX, u32::MAX),
            ],
        ),
        (
            "a fill beyond the band between live orders",
            vec![
                accepted(1 << 40, 1_000_000, 182_000),
                Event {
                    side: 1,
                    ..accepted(2 << 40, 1_000_000, 178_000)
                },
                fill(1 << 40, 2 << 40, 1_000_000, u32::MAX),
            ],
        ),
        (
            "an admin event with absurd fields",
            vec![at(Event {
                account: u32::MAX,
                side: 200,
                instrument: u16::MAX,
                order_id: u64::MAX,
                price_ticks: u32::MAX,
                qty_lots: u32::MAX,
                client_ref: u64::MAX,
                ..event(EventKind::Admin)
            })],
        ),
        (
            "admin settings with absurd fields",
            vec![
                at(Event {
                    account: admin,
                    order_id: u64::MAX,
                    price_ticks: u32::MAX,
                    qty_lots: u32::MAX,
                    ..event(EventKind::Admin)
                }),
                at(Event {
                    account: admin,
                    instrument: 1,
                    qty_lots: u32::MAX,
                    ..event(EventKind::Admin)
                }),
            ],
        ),
        ("a transfer of i64::MIN", vec![transfer(trader, i64::MIN)]),
        (
            "two transfers of i64::MAX",
            vec![transfer(trader, i64::MAX), transfer(trader, i64::MAX)],
        ),
        (
            "a withdrawal of i64::MIN from an account in deficit",
            vec![transfer(trader, -1 << 62), transfer(trader, i64::MIN)],
        ),
        (
            "isolations of i64::MIN and i64::MAX",
            vec![
                isolate(trader, i64::MIN),
                isolate(trader, i64::MAX),
                isolate(trader, i64::MAX),
            ],
        ),
        (
            "a withdrawal of i64::MIN from an isolated position",
            vec![isolate(isolated, 1), isolate(isolated, i64::MIN)],
        ),
        (
            "a transfer to an account beyond the venue",
            vec![transfer(u64::MAX, 1), transfer(u64::from(u32::MAX), 1)],
        ),
        (
            "oracles with index 0, u32::MAX and an absurd volatility",
            vec![
                at(Event {
                    account: 510,
                    instrument: 0,
                    price_ticks: 1,
                    ..event(EventKind::Oracle)
                }),
                at(Event {
                    account: 510,
                    instrument: 3,
                    price_ticks: u32::MAX,
                    qty_lots: u32::MAX,
                    ..event(EventKind::Oracle)
                }),
                at(Event {
                    account: 510,
                    instrument: 3,
                    price_ticks: 1,
                    ..event(EventKind::Oracle)
                }),
            ],
        ),
        (
            "a large timestamp jump",
            vec![at(Event {
                account: 510,
                instrument: 3,
                price_ticks: 15_000,
                timestamp_ns: 1 << 55,
                ..event(EventKind::Oracle)
            })],
        ),
        (
            "timestamps at the end of time",
            vec![
                at(Event {
                    account: 510,
                    instrument: 3,
                    price_ticks: 15_000,
                    timestamp_ns: u64::MAX - 1,
                    ..event(EventKind::Oracle)
                }),
                at(Event {
                    account: 510,
                    instrument: 3,
                    price_ticks: 1,
                    timestamp_ns: u64::MAX,
                    ..event(EventKind::Oracle)
                }),
            ],
        ),
        (
            "a timestamp going backwards",
            vec![at(Event {
                account: 510,
                instrument: 3,
                price_ticks: 15_000,
                timestamp_ns: 0,
                ..event(EventKind::Oracle)
            })],
        ),
        (
            "a fill naming accounts beyond the venue",
            vec![Event {
                account: u32::MAX,
                maker_account: u32::MAX,
                ..fill(live.order_id, live.order_id, 1, live.price_ticks)
            }],
        ),
        (
            "a rejection echoing absurd fields",
            vec![at(Event {
                reason: Reason::Malformed,
                side: 255,
                instrument: u16::MAX,
                account: u32::MAX,
                price_ticks: u32::MAX,
                order_id: u64::MAX,
                qty_lots: u32::MAX,
                remaining_lots: u32::MAX,
                client_ref: u64::MAX,
                ..event(EventKind::Rejected)
            })],
        ),
        (
            "a liquidation order that does not match",
            vec![at(Event {
                account: 511,
                side: 1,
                instrument: 3,
                price_ticks: 15_000,
                order_id: 77 << 32,
                qty_lots: 1_000_000,
                remaining_lots: 1_000_000,
                ..event(EventKind::Accepted)
            })],
        ),
    ];
    let mut files: Vec<(String, Vec<u8>)> = appended
        .into_iter()
        .map(|(name, tail)| {
            let mut events = crash.clone();
            events.extend(tail);
            (name.to_string(), events_file(&events, 1))
        })
        .collect();
    // Whole streams of their own.
    let mut repeated = events_file(&crash[..3], 1);
    let second = repeated[16 + 72..16 + 2 * 72].to_vec();
    repeated.extend_from_slice(&second);
    files.extend([
        ("an empty file".to_string(), Vec::new()),
        ("a header alone".to_string(), events_file(&[], 1)),
        ("a stream from seq 0".to_string(), events_file(&crash, 0)),
        ("a stream from seq 7".to_string(), events_file(&crash, 7)),
        (
            "a stream from seq u64::MAX".to_string(),
            events_file(&crash[..1], u64::MAX),
        ),
        ("a repeated sequence number".to_string(), repeated),
        (
            "a sequence jump".to_string(),
            [
                events_file(&crash[..2], 1),
                events_file(&crash[2..4], 10)[16..].to_vec(),
            ]
            .concat(),
        ),
        (
            "a header claiming huge records".to_string(),
            [
                &b"ORDOEVT1"[..],
                &1u32.to_le_bytes(),
                &u32::MAX.to_le_bytes(),
            ]
            .concat(),
        ),
        (
            "a record claiming a huge length".to_string(),
            [
                events_file(&[], 1),
                u32::MAX.to_le_bytes().to_vec(),
                vec![0; 68],
            ]
            .concat(),
        ),
    ]);
    for (i, (name, bytes)) in files.iter().enumerate() {
        let path = dir.write(&format!("hostile-{i}.events"), bytes);
        for args in [
            vec!["follow", p(&path)],
            vec!["follow", p(&path), "--json"],
            vec!["events", p(&path), "--summary"],
            vec!["events", p(&path)],
        ] {
            no_panic(&ordo(&args), &format!("{name}: {args:?}"));
        }
    }
}

#[test]
fn follow_refuses_a_fill_beyond_the_venues_limits() {
    // Proves the follower checks every event against the venue's limits before the margin
    // engine sees it: an order of u32::MAX lots at u32::MAX ticks and its fill (the engine
    // computed qty × price × tick value in i64 and overflowed — a panic in the debug build,
    // a silent wrap in release) is a divergence at the accepted event, naming the quantity.
    let dir = Scratch::new("beyond-limits");
    let mut events = crash_stream(&dir);
    let ts = events.last().unwrap().timestamp_ns;
    let seq = events.len() as u64 + 1;
    for (kind, id) in [
        (EventKind::Accepted, 1u64 << 40),
        (EventKind::Fill, 2 << 40),
    ] {
        events.push(Event {
            timestamp_ns: ts,
            side: 0,
            instrument: 1,
            account: 7,
            price_ticks: u32::MAX,
            order_id: id,
            qty_lots: u32::MAX,
            remaining_lots: if kind == EventKind::Accepted {
                u32::MAX
            } else {
                0
            },
            maker_order_id: if kind == EventKind::Fill { 1 << 40 } else { 0 },
            maker_account: if kind == EventKind::Fill { 8 } else { 0 },
            ..event(kind)
        });
    }
    let path = dir.write("beyond.events", events_file(&events, 1));
    let out = ordo(&["follow", p(&path), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert_eq!(r["divergence"]["seq"], seq, "{r}");
    let books = r["divergence"]["books"].as_str().unwrap_or("");
    assert!(books.contains("outside the band"), "{r}");
}

#[test]
fn follow_transfers_of_extreme_amounts_are_refused_not_a_panic() {
    // Proves sequenced transfers and isolations of any 64-bit amount (the sequencer accepts
    // every amount) are refused by the margin engine when they would take a balance or an
    // isolated margin beyond its range: two transfers of i64::MAX to one trader overflowed
    // the balance (a panic in debug builds), i64::MIN overflowed the isolation's `-amount`.
    // The follower reads on and counts them refused.
    let dir = Scratch::new("extreme-transfers");
    let mut events = crash_stream(&dir);
    let ts = events.last().unwrap().timestamp_ns;
    let trader = events
        .iter()
        .find(|e| e.kind == EventKind::Fill)
        .unwrap()
        .account;
    let (isolated, perp) = isolated_trader(&events);
    let transfer = |instrument: u16, amount: i64| Event {
        timestamp_ns: ts,
        account: 509,
        side: 1,
        instrument,
        order_id: if instrument == 0 {
            u64::from(trader)
        } else {
            isolated
        },
        price_ticks: amount as u64 as u32,
        qty_lots: ((amount as u64) >> 32) as u32,
        ..Event::blank(EventKind::Admin)
    };
    let before = {
        let path = dir.write("before.events", events_file(&events, 1));
        let out = ordo(&["follow", p(&path), "--json"]);
        let r: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
        (
            r["transfers_refused"].as_u64().unwrap(),
            r["isolations_refused"].as_u64().unwrap(),
        )
    };
    events.extend([
        transfer(0, i64::MAX),
        transfer(0, i64::MAX),
        transfer(0, i64::MIN),
        transfer(perp, 1),
        transfer(perp, i64::MIN),
        transfer(perp, i64::MAX),
    ]);
    let path = dir.write("extreme.events", events_file(&events, 1));
    let out = ordo(&["follow", p(&path), "--json"]);
    no_panic(&out, "extreme transfers");
    let r: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert_eq!(r["events"].as_u64().unwrap(), events.len() as u64, "{r}");
    assert!(
        r["transfers_refused"].as_u64().unwrap() >= before.0 + 2,
        "{r}"
    );
    assert!(
        r["isolations_refused"].as_u64().unwrap() >= before.1 + 2,
        "{r}"
    );
}

#[test]
fn follow_of_a_stream_not_from_seq_1_is_an_error() {
    // Proves `ordo follow` refuses a stream that does not start at seq 1 (a replica follows a
    // whole stream; a divergence at seq 0 read as "the stream ended"), naming the first seq.
    let dir = Scratch::new("seq-start");
    let crash = crash_stream(&dir);
    for first in [0u64, 2, 1 << 40] {
        let path = dir.write("late.events", events_file(&crash[..5], first));
        failed(
            &ordo(&["follow", p(&path)]),
            &["late.events", &format!("starts at seq {first}")],
        );
    }
}

#[test]
fn a_large_position_at_an_extreme_index_does_not_overflow_the_engine() {
    // Proves that the margin engine values any position the venue's limits allow at any
    // index the oracle may send: two funded accounts trade five fills of qty_lots_max
    // (5,000 BTC, inside every limit the follower checks), then the oracle sends the index
    // u32::MAX ticks (the top of the engine's accepted range). The engine's money was i64
    // and the re-check's size × value = 5·10⁶ × 2.1·10¹² overflowed (`assess_scope`): a
    // panic in debug builds, a wrapped equity in release. Money is i128 now
    // (docs/margin.md, "Numeric range"). Every event here is one the sequencer could emit.
    let dir = Scratch::new("whale");
    let t = 1_000_000_000u64;
    let transfer = |account: u64, amount: i64| Event {
        timestamp_ns: t,
        account: 509,
        side: 1,
        order_id: account,
        price_ticks: amount as u64 as u32,
        qty_lots: ((amount as u64) >> 32) as u32,
        ..Event::blank(EventKind::Admin)
    };
    let mut events = vec![
        transfer(2, 10_000_000_000_000),
        transfer(3, 10_000_000_000_000),
    ];
    for generation in 1..=5u32 {
        let maker = OrderId::new(0, generation).0;
        let taker = OrderId::new(1, generation).0;
        let order = |side: u8, account: u32, id: u64| Event {
            timestamp_ns: t,
            side,
            instrument: 1,
            account,
            price_ticks: 182_000,
            order_id: id,
            qty_lots: 1_000_000,
            remaining_lots: 1_000_000,
            ..Event::blank(EventKind::Accepted)
        };
        events.push(order(0, 2, maker));
        events.push(order(1, 3, taker));
        events.push(Event {
            kind: EventKind::Fill,
            remaining_lots: 0,
            client_ref: 0,
            maker_order_id: maker,
            maker_account: 2,
            ..order(1, 3, taker)
        });
    }
    events.push(Event {
        timestamp_ns: t + 1,
        account: 510,
        instrument: 1,
        price_ticks: u32::MAX,
        ..Event::blank(EventKind::Oracle)
    });
    let path = dir.write("whale.events", events_file(&events, 1));
    no_panic(&ordo(&["follow", p(&path)]), "a whale at an extreme index");
}
