//! The ULX3S board top (sim::board) through Verilator with a simulated FT231X on both lines:
//! the host side is abi::link's (records, window, reader), the card's event stream after the
//! link must be the software path's, byte for byte; bad records are dropped and counted while
//! the good ones around them go through.

mod common;

use common::assert_same_card_stream;

use abi::link::HostRecord;
use sim::board::{pll_bypass, session, ulx3s_top, BoardSim, Item, Ulx3sTop};

fn top() -> Ulx3sTop {
    ulx3s_top(&sim::board::board_link_verilog())
}

#[test]
fn an_idle_board_reports_its_status_and_firmware_id() {
    // Proves the round trip at the pins: out of reset, a status request gets a report of an
    // idle card with nothing taken and the firmware id built in.
    let top = top();
    let mut board = BoardSim::start(&top).unwrap();
    let s = session(&mut board, &[]).unwrap();
    assert!(s.status.idle);
    assert_eq!(
        (s.status.taken, s.status.answered, s.status.records_done),
        (0, 0, 0)
    );
    assert_eq!(s.status.firmware_id, top.firmware_id);
    assert_eq!(s.reports, 1);
    assert!(s.events.is_empty());
    // LEDs: idle, no errors, out of reset, PLL (bypassed) locked.
    assert_eq!(s.leds & 0x7F, 0b0100_0001, "leds {:08b}", s.leds);
}

/// The demo workload's configuration writes and order records, and the software path's
/// event stream for it.
fn demo(seed: u64, messages: usize) -> (Vec<HostRecord>, Vec<HostRecord>, Vec<u8>) {
    use host::engine::{Input, LadderBook, Sequencer};
    let config = host::config::VenueConfig::embedded();
    let w = host::workload::generate(
        &config,
        host::workload::Spec {
            sign: false,
            ..host::workload::Spec::demo(seed, messages)
        },
        &|_| {},
    );
    let writes: Vec<HostRecord> = host::hardware::card_config(&config)
        .writes()
        .expect("fits the card")
        .into_iter()
        .map(|(address, data)| HostRecord::Config {
            address: u16::try_from(address).expect("16-bit address"),
            data: u32::try_from(data).expect("32-bit data"),
        })
        .collect();
    let orders: Vec<HostRecord> = w
        .stimuli
        .iter()
        .zip(&w.signature_ok)
        .map(|(s, &ok)| HostRecord::Order {
            arrival_ns: s.arrival_ns,
            signature_ok: ok,
            message: s.message.encode(),
        })
        .collect();
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let mut software = Vec::new();
    for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
        for e in sequencer.handle(&Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        }) {
            software.extend_from_slice(&e.encode());
        }
    }
    (writes, orders, software)
}

#[test]
fn the_demo_over_the_serial_link_is_the_software_paths_stream() {
    // Proves the board end to end at its pins: the venue's configuration written over the
    // link (every write the driver makes), then 300 demo messages under the window, give the
    // software path's event stream byte for byte; the last status report counts every record
    // executed and nothing dropped, and the window was used (the host had 8 records out).
    let (writes, orders, software) = demo(11, 300);
    let items: Vec<Item> = writes
        .iter()
        .chain(&orders)
        .map(|&r| Item::Record(r))
        .collect();
    let mut board = BoardSim::start(&top()).unwrap();
    let started = std::time::Instant::now();
    let s = session(&mut board, &items).unwrap();
    println!(
        "{} writes, {} messages, {} events: {} cycles ({:.1} ms at {} MHz), {} status reports, \
         {:.1} s",
        writes.len(),
        orders.len(),
        s.events.len() / 64,
        s.cycles,
        s.cycles as f64 / sim::board::card_clock_mhz() / 1e3,
        sim::board::card_clock_mhz(),
        s.reports,
        started.elapsed().as_secs_f64()
    );
    assert_same_card_stream(&s.events, &software);
    let n = orders.len() as u32;
    assert_eq!((s.status.taken, s.status.answered), (n, n));
    assert_eq!(s.status.records_done as usize, writes.len() + orders.len());
    assert_eq!(
        [
            s.status.bad_length,
            s.status.bad_crc,
            s.status.bad_kind,
            s.status.overflow
        ],
        [0; 4]
    );
    assert_eq!((s.status.frame_errors, s.status.uart_overruns), (0, 0));
    assert_eq!(s.in_flight_max, abi::link::WINDOW_RECORDS as u64);
    assert_eq!(s.leds & 0b1110, 0, "no error LED");
}

#[test]
fn bad_records_are_dropped_and_counted_and_the_good_ones_go_through() {
    // Proves the card never sees a bad record and loses no good one: between the demo's
    // messages the host sends a record with a wrong length, one with a bad CRC (a real order
    // with a flipped bit: fed to the card it would change the stream), one of an unknown kind
    // and bytes of garbage; the stream is still the software path's for the good messages,
    // and the status report counts each bad record under its cause, with the error LED lit.
    let (writes, orders, software) = demo(12, 60);
    let mut items: Vec<Item> = writes.iter().map(|&r| Item::Record(r)).collect();
    let (mut length, mut crc, mut kind) = (0u32, 0u32, 0u32);
    for (i, &order) in orders.iter().enumerate() {
        match i % 10 {
            3 => {
                let mut framed = Vec::new();
                order.write(&mut framed);
                framed[0] = 143;
                items.push(Item::Bytes(framed));
                length += 1;
            }
            5 => {
                let mut framed = Vec::new();
                order.write(&mut framed);
                framed[8 + 40] ^= 0x10;
                items.push(Item::Bytes(framed));
                crc += 1;
            }
            7 => {
                let mut payload = HostRecord::StatusRequest.payload();
                payload[0] = 0x7F;
                let mut framed = Vec::new();
                abi::framing::write_frame(&mut framed, &payload);
                items.push(Item::Bytes(framed));
                kind += 1;
            }
            9 => {
                items.push(Item::Bytes(vec![0xA5, 0x5A, 0xFF, 0x13, 0x37]));
                length += 1;
            }
            _ => {}
        }
        items.push(Item::Record(order));
    }
    let mut board = BoardSim::start(&top()).unwrap();
    let s = session(&mut board, &items).unwrap();
    assert_same_card_stream(&s.events, &software);
    assert_eq!(
        [
            s.status.bad_length,
            s.status.bad_crc,
            s.status.bad_kind,
            s.status.overflow
        ],
        [length, crc, kind, 0]
    );
    assert!(length > 0 && crc > 0 && kind > 0);
    assert_eq!(s.status.taken as usize, orders.len());
    assert_eq!(s.leds & 0b0010, 0b0010, "the bad-record LED");
}

#[test]
fn the_pll_bypass_is_the_only_difference_under_verilator() {
    // Proves what Verilator runs is the board's top but for the PLL: the top has one
    // `ifdef VERILATOR` (the others are block RAMs' bodies); its Verilator branch only ties `clock` to the oscillator and `locked`
    // high; its synthesis branch is one EHXPLLL from clk_25mhz to `clock` with `locked` as
    // its LOCK, at the dividers of sim::board::PLL. With either branch replaced by the other
    // the rest of the text is the same.
    let top = top();
    let (sim_branch, synth_branch) = pll_bypass(&top.verilog).unwrap();
    assert_eq!(
        sim_branch,
        "    assign clock = clk_25mhz;\n    assign locked = 1'b1;\n"
    );
    assert_eq!(synth_branch.matches("EHXPLLL").count(), 1);
    for port in [
        ".CLKI(clk_25mhz)",
        ".CLKOP(clock)",
        ".CLKFB(clock)",
        ".LOCK(locked)",
    ] {
        assert!(synth_branch.contains(port), "{port}");
    }
    let pll = sim::board::PLL;
    for (name, value) in [
        ("CLKI_DIV", pll.clki_div),
        ("CLKFB_DIV", pll.clkfb_div),
        ("CLKOP_DIV", pll.clkop_div),
    ] {
        assert!(
            synth_branch.contains(&format!(".{name}({value})")),
            "{name}"
        );
    }
    // 25 MHz × CLKFB_DIV / CLKI_DIV is the card clock; the divisor is exact.
    assert_eq!(
        sim::board::OSCILLATOR_HZ * pll.clkfb_div / pll.clki_div,
        sim::board::CARD_CLOCK_HZ
    );
    assert_eq!(
        sim::board::CARD_CLOCK_HZ,
        sim::board::DIVISOR * sim::board::BAUD
    );
    // Nothing else is conditional, and no other module than the PLL is the board's own.
    let without = top
        .verilog
        .replace(&synth_branch, "")
        .replace(&sim_branch, "");
    assert!(!without.contains("EHXPLLL") && !without.contains("assign locked"));
    assert!(top.lpf.contains("FREQUENCY NET \"clock\" 15 MHZ;"));
}

#[test]
fn the_lpf_locates_every_top_port_on_its_ulx3s_ball() {
    // Proves the constraints cover the top's ports exactly (every port located, nothing
    // located that the top does not have) on the balls of the ULX3S v3.x.
    let top = top();
    let header = &top.verilog[top.verilog.find("module top(").unwrap()..];
    let ports: Vec<&str> = header["module top(".len()..header.find(')').unwrap()]
        .split(',')
        .map(str::trim)
        .collect();
    let mut located: Vec<String> = top
        .lpf
        .lines()
        .filter_map(|l| l.strip_prefix("LOCATE COMP \""))
        .map(|l| l.split('"').next().unwrap().to_string())
        .collect();
    located.sort();
    let mut want: Vec<String> = ports
        .iter()
        .flat_map(|&p| {
            if p == "led" {
                (0..8).map(|i| format!("led[{i}]")).collect()
            } else {
                vec![p.to_string()]
            }
        })
        .collect();
    want.sort();
    assert_eq!(located, want);
    for (port, ball) in [
        ("clk_25mhz", "G2"),
        ("ftdi_txd", "M1"),
        ("ftdi_rxd", "L4"),
        ("led[0]", "B2"),
    ] {
        assert!(
            top.lpf
                .contains(&format!("LOCATE COMP \"{port}\" SITE \"{ball}\";")),
            "{port}"
        );
    }
}

/// Start cycles of the bytes on `line` (one level per cycle), decoded as the board driver's
/// simulated FT231X does (the start bit checked at its middle, each bit sampled at its
/// middle), with the bytes.
fn decode_line(line: &[bool], divisor: usize) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    let mut t = 0;
    while t < line.len() {
        if line[t] {
            t += 1;
            continue;
        }
        let middle = t + divisor / 2;
        if middle + 9 * divisor >= line.len() {
            break;
        }
        let byte = (0..8).fold(0u8, |b, i| {
            b | u8::from(line[middle + (i + 1) * divisor]) << i
        });
        assert!(line[middle + 9 * divisor], "stop bit at {t}");
        out.push((t, byte));
        t = middle + 9 * divisor + 1;
    }
    out
}

#[test]
fn the_board_link_under_rust_hdl_sends_what_the_verilator_board_sends() {
    // Proves the rust-hdl simulation of hdl::BoardLink and the Verilator build of the board
    // top (the same link behind the reset logic) put the same bytes on the line, each the same
    // number of cycles after the previous one, for a status request and two orders to an
    // unconfigured card (two rejects); and that the host's reader decodes them.
    use hdl::board_link::BoardLink;
    let mut rng = host::rng::SplitMix64::new(3);
    let mut bytes = Vec::new();
    HostRecord::StatusRequest.write(&mut bytes);
    for arrival_ns in [1_000u64, 2_000] {
        let mut message = [0u8; abi::ORDER_MESSAGE_BYTES];
        message.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
        HostRecord::Order {
            arrival_ns,
            signature_ok: true,
            message,
        }
        .write(&mut bytes);
    }
    let divisor = sim::board::DIVISOR as usize;
    let want_bytes = 8 + abi::link::STATUS_PAYLOAD_BYTES + 2 * (8 + abi::link::EVENT_PAYLOAD_BYTES);
    // rust-hdl: the line from the first cycle, the link out of reset.
    let top = top();
    let line = hdl::uart::model_line(&bytes, divisor, 20);
    let mut h = sim::harness::Harness::new(BoardLink::default());
    let mut tx = Vec::new();
    let mut t = 0usize;
    while decode_line(&tx, divisor).len() < want_bytes {
        assert!(
            t < 200_000,
            "the link answered {} bytes",
            decode_line(&tx, divisor).len()
        );
        h.uut.rx.next = line.get(t).copied().unwrap_or(true);
        h.uut.divisor.next = (divisor as u64).into();
        h.uut.firmware_id.next = top.firmware_id.into();
        h.uut.hold.next = false;
        h.settle();
        tx.push(h.uut.tx.val());
        h.tick();
        t += 1;
    }
    // A few more bit periods: the last stop bit.
    for _ in 0..2 * divisor {
        h.settle();
        tx.push(h.uut.tx.val());
        h.tick();
    }
    let rust_hdl = decode_line(&tx, divisor);
    // Verilator: the same bytes, queued at once after the reset.
    let mut board = BoardSim::start(&top).unwrap();
    while board.run(2 * sim::board::RESET_CYCLES + 16).unwrap() != sim::board::Reply::Ran {}
    board.send(&bytes).unwrap();
    let mut verilator = Vec::new();
    while verilator.len() < want_bytes {
        match board.run(1_000_000).unwrap() {
            sim::board::Reply::Byte(b) => verilator.push((board.cycle as usize, b)),
            sim::board::Reply::Drained => {}
            other => panic!("{other:?} after {} bytes", verilator.len()),
        }
    }
    let values = |v: &[(usize, u8)]| v.iter().map(|p| p.1).collect::<Vec<u8>>();
    let gaps = |v: &[(usize, u8)]| v.windows(2).map(|w| w[1].0 - w[0].0).collect::<Vec<_>>();
    assert_eq!(values(&rust_hdl[..want_bytes]), values(&verilator));
    assert_eq!(gaps(&rust_hdl[..want_bytes]), gaps(&verilator));
    let records = abi::link::CardReader::new()
        .push(&values(&verilator))
        .unwrap();
    assert_eq!(records.len(), 3);
    assert!(
        matches!(records[0], abi::link::CardRecord::Status(s) if s.firmware_id == top.firmware_id)
    );
    for r in &records[1..] {
        let abi::link::CardRecord::Event(e) = r else {
            panic!("an event")
        };
        assert_eq!(e[16], abi::EventKind::Rejected as u8);
    }
}
