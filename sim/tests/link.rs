//! The host link's blocks (hdl::link_deframer, hdl::link_framer) against their models, the
//! contract's encoders (abi::link), Verilator and yosys.

use abi::link::{CardRecord, HostRecord, LinkStatus};
use hdl::link_deframer::{model, DeframerCounts, LinkDeframer};
use hdl::link_framer::LinkFramer;
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

fn port(name: &'static str, bits: u32) -> Port {
    Port { name, bits }
}

fn random_order(rng: &mut SplitMix64) -> HostRecord {
    let mut message = [0u8; abi::ORDER_MESSAGE_BYTES];
    for b in message.iter_mut() {
        // Plenty of zeros and small values, as real messages have.
        *b = match rng.below(4) {
            0 => 0,
            1 => rng.below(9) as u8,
            _ => rng.next_u64() as u8,
        };
    }
    HostRecord::Order {
        arrival_ns: rng.next_u64(),
        signature_ok: rng.chance(50),
        message,
    }
}

fn random_record(rng: &mut SplitMix64) -> HostRecord {
    match rng.below(10) {
        0..=5 => random_order(rng),
        6..=8 => HostRecord::Config {
            address: rng.next_u64() as u16,
            data: rng.next_u64() as u32,
        },
        _ => HostRecord::StatusRequest,
    }
}

/// Bytes that can never end a length field: no zero among them.
fn garbage(rng: &mut SplitMix64, n: usize) -> Vec<u8> {
    (0..n).map(|_| 1 + rng.below(255) as u8).collect()
}

/// A framed record with a wrong length field, a payload free of zeros.
fn wrong_length(rng: &mut SplitMix64) -> Vec<u8> {
    let payload = garbage(rng, 143);
    let mut out = Vec::new();
    abi::framing::write_frame(&mut out, &payload);
    out
}

/// A stream of good records with bad ones between them (wrong length, bad CRC, unknown kind,
/// reserved byte set, garbage), built so that the resynchronisation rule loses no good record:
/// the good records, in order.
fn stream(seed: u64, good: usize) -> (Vec<u8>, Vec<HostRecord>, DeframerCounts) {
    let mut rng = SplitMix64::new(seed);
    let (mut bytes, mut records, mut counts) = (Vec::new(), Vec::new(), DeframerCounts::default());
    for _ in 0..good {
        match rng.below(12) {
            0 => {
                bytes.extend(wrong_length(&mut rng));
                counts.bad_length += 1;
            }
            1 => {
                let mut framed = Vec::new();
                random_order(&mut rng).write(&mut framed);
                let at = 8 + rng.below(144) as usize;
                framed[at] ^= 1 << rng.below(8);
                bytes.extend(framed);
                counts.bad_crc += 1;
            }
            2 => {
                let mut payload = HostRecord::StatusRequest.payload();
                payload[0] = 0x09;
                abi::framing::write_frame(&mut bytes, &payload);
                counts.bad_kind += 1;
            }
            3 => {
                let mut payload = random_order(&mut rng).payload();
                payload[3] = 1;
                abi::framing::write_frame(&mut bytes, &payload);
                counts.bad_kind += 1;
            }
            4 => {
                let n = 1 + rng.below(40) as usize;
                bytes.extend(garbage(&mut rng, n));
                counts.bad_length += 1;
            }
            _ => {}
        }
        let r = random_record(&mut rng);
        r.write(&mut bytes);
        records.push(r);
    }
    (bytes, records, counts)
}

/// What the deframer delivered.
#[derive(Debug, Default)]
struct Delivered {
    /// Orders and configuration writes, in the order executed.
    executed: Vec<HostRecord>,
    status_requests: usize,
    /// bad_length, bad_crc, bad_kind, overflow, records_done.
    counters: [u64; 5],
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
}

const DEFRAMER_INPUTS: [(&str, u32); 4] =
    [("hold", 1), ("s_valid", 1), ("s_data", 8), ("m_ready", 1)];
const DEFRAMER_OUTPUTS: [(&str, u32); 20] = [
    ("s_ready", 1),
    ("m_valid", 1),
    ("m_data0", 32),
    ("m_data1", 32),
    ("m_data2", 32),
    ("m_data3", 32),
    ("m_data4", 32),
    ("m_data5", 32),
    ("m_data6", 32),
    ("m_data7", 32),
    ("m_arrival_ns", 64),
    ("m_signature_ok", 1),
    ("cfg_valid", 1),
    ("cfg_address", 16),
    ("cfg_data", 32),
    ("status_request", 1),
    ("records_done", 32),
    ("bad_length", 32),
    ("bad_crc", 32),
    ("bad_kind", 32),
];

/// Feed `bytes` to a LinkDeframer, one every 1 ..= `gap_max` cycles; the card side ready with
/// probability `ready_percent` (0: never, until the bytes are in, then always).
fn deframe(bytes: &[u8], gap_max: u64, ready_percent: u64, seed: u64) -> Delivered {
    let mut h = Harness::new(LinkDeframer::default());
    let mut rng = SplitMix64::new(seed);
    let mut d = Delivered::default();
    let (mut next, mut wait, mut quiet) = (0usize, 0u64, 0u64);
    let mut beats: Vec<[u32; 8]> = Vec::new();
    let mut sideband = (0u64, false);
    while next < bytes.len() || quiet < 1_000 {
        let offer = next < bytes.len() && wait == 0;
        let data = bytes.get(next).copied().unwrap_or(0);
        let ready = if next < bytes.len() {
            rng.chance(ready_percent)
        } else {
            true
        };
        let u = &mut h.uut;
        u.hold.next = false;
        u.s_valid.next = offer;
        u.s_data.next = u64::from(data).into();
        u.m_ready.next = ready;
        h.settle();
        let u = &h.uut;
        let lanes = [
            &u.m_data0, &u.m_data1, &u.m_data2, &u.m_data3, &u.m_data4, &u.m_data5, &u.m_data6,
            &u.m_data7,
        ]
        .map(|l| l.val().to_u64());
        let mut out = vec![u64::from(u.s_ready.val()), u64::from(u.m_valid.val())];
        out.extend(lanes);
        out.extend([
            u.m_arrival_ns.val().to_u64(),
            u64::from(u.m_signature_ok.val()),
            u64::from(u.cfg_valid.val()),
            u.cfg_address.val().to_u64(),
            u.cfg_data.val().to_u64(),
            u64::from(u.status_request.val()),
            u.records_done.val().to_u64(),
            u.bad_length.val().to_u64(),
            u.bad_crc.val().to_u64(),
            u.bad_kind.val().to_u64(),
        ]);
        d.inputs
            .push(vec![0, u64::from(offer), u64::from(data), u64::from(ready)]);
        let active = u.m_valid.val() || u.cfg_valid.val() || u.status_request.val();
        if u.m_valid.val() && ready {
            if beats.is_empty() {
                sideband = (u.m_arrival_ns.val().to_u64(), u.m_signature_ok.val());
            }
            beats.push(lanes.map(|l| l as u32));
            if beats.len() == 4 {
                let mut message = [0u8; abi::ORDER_MESSAGE_BYTES];
                for (chunk, lane) in message.chunks_mut(4).zip(beats.iter().flatten()) {
                    chunk.copy_from_slice(&lane.to_le_bytes());
                }
                d.executed.push(HostRecord::Order {
                    arrival_ns: sideband.0,
                    signature_ok: sideband.1,
                    message,
                });
                beats.clear();
            }
        }
        if u.cfg_valid.val() {
            d.executed.push(HostRecord::Config {
                address: u.cfg_address.val().to_u64() as u16,
                data: u.cfg_data.val().to_u64() as u32,
            });
        }
        d.status_requests += usize::from(u.status_request.val());
        d.counters = [
            u.bad_length.val().to_u64(),
            u.bad_crc.val().to_u64(),
            u.bad_kind.val().to_u64(),
            u.overflow.val().to_u64(),
            u.records_done.val().to_u64(),
        ];
        d.outputs.push(out);
        if offer && u.s_ready.val() {
            next += 1;
            wait = rng.below(gap_max);
        } else {
            wait = wait.saturating_sub(1);
        }
        quiet = if active || next < bytes.len() {
            0
        } else {
            quiet + 1
        };
        h.tick();
    }
    d
}

fn split(records: &[HostRecord]) -> (Vec<HostRecord>, usize) {
    let executed: Vec<HostRecord> = records
        .iter()
        .copied()
        .filter(|r| *r != HostRecord::StatusRequest)
        .collect();
    (executed.clone(), records.len() - executed.len())
}

#[test]
fn the_model_keeps_every_good_record_between_bad_ones() {
    // Proves the resynchronisation rule on streams built for it: every good record is
    // delivered, in order, and every bad one counted under its cause.
    for seed in 0..20 {
        let (bytes, good, counts) = stream(seed, 60);
        let (records, got) = model(&bytes);
        assert_eq!(records, good, "seed {seed}");
        assert_eq!(got, counts, "seed {seed}");
    }
}

#[test]
fn the_deframer_is_its_model_on_good_and_bad_records() {
    // Proves the block delivers what the model delivers — orders as the card's beats with
    // their sideband, configuration writes, status requests — and counts what it counts, on
    // streams with bad records, and on a stream of random bytes spliced into records (where
    // false synchronisations happen), with the card side stalling at random.
    for (seed, ready) in [(1u64, 100u64), (2, 30)] {
        let (bytes, good, counts) = stream(seed, 40);
        let d = deframe(&bytes, 3, ready, seed);
        let (executed, requests) = split(&good);
        assert_eq!(d.executed, executed, "seed {seed}");
        assert_eq!(d.status_requests, requests);
        assert_eq!(
            d.counters,
            [
                u64::from(counts.bad_length),
                u64::from(counts.bad_crc),
                u64::from(counts.bad_kind),
                0,
                executed.len() as u64
            ]
        );
    }
    // Random splices: cut records at random points and glue them together.
    let mut rng = SplitMix64::new(9);
    let mut bytes = Vec::new();
    for _ in 0..40 {
        let mut framed = Vec::new();
        random_record(&mut rng).write(&mut framed);
        let keep = if rng.chance(25) {
            rng.below(framed.len() as u64) as usize
        } else {
            framed.len()
        };
        bytes.extend_from_slice(&framed[..keep]);
    }
    let (records, counts) = model(&bytes);
    let d = deframe(&bytes, 2, 100, 3);
    let (executed, requests) = split(&records);
    assert_eq!(d.executed, executed);
    assert_eq!(d.status_requests, requests);
    assert_eq!(
        d.counters[..3],
        [
            u64::from(counts.bad_length),
            u64::from(counts.bad_crc),
            u64::from(counts.bad_kind)
        ]
    );
    assert!(
        counts.bad_length + counts.bad_crc > 0,
        "the splices broke records"
    );
}

#[test]
fn a_record_beyond_the_window_is_dropped_whole_and_counted() {
    // Proves the buffer's bound: with the card never ready, 8 orders are buffered and the
    // next 3 dropped (overflow 3); once the card takes them, the 8 come out whole and in order
    // and a later record gets a slot again.
    let mut rng = SplitMix64::new(5);
    let orders: Vec<HostRecord> = (0..12).map(|_| random_order(&mut rng)).collect();
    let mut bytes = Vec::new();
    for r in &orders[..11] {
        r.write(&mut bytes);
    }
    let d = deframe(&bytes, 1, 0, 1);
    assert_eq!(d.executed, orders[..8].to_vec());
    assert_eq!(d.counters, [0, 0, 0, 3, 8]);
    let mut more = bytes.clone();
    orders[11].write(&mut more);
    // The card is never ready while bytes arrive: the 12th is the 4th dropped.
    assert_eq!(deframe(&more, 1, 0, 1).counters[3], 4);
}

#[test]
fn the_deframers_verilator_build_matches_cycle_for_cycle() {
    let (bytes, _, _) = stream(4, 12);
    let d = deframe(&bytes, 2, 60, 4);
    let inputs: Vec<Port> = DEFRAMER_INPUTS.iter().map(|&(n, b)| port(n, b)).collect();
    let outputs: Vec<Port> = DEFRAMER_OUTPUTS.iter().map(|&(n, b)| port(n, b)).collect();
    let diff = first_difference(
        "link-deframer",
        &hdl::link_deframer::verilog(),
        &inputs,
        &outputs,
        &d.inputs,
        &d.outputs,
    )
    .unwrap();
    assert_eq!(diff, None);
}

/// What a LinkFramer sends for `events` (offered with random gaps) and a status request
/// raised at cycle `request_at`: the line's bytes, the cycles each event was taken.
fn frame(
    events: &[[u8; 64]],
    status: &LinkStatus,
    request_at: u64,
    ready_percent: u64,
    seed: u64,
) -> (Vec<u8>, Vec<Vec<u64>>, Vec<Vec<u64>>) {
    let mut h = Harness::new(LinkFramer::default());
    let mut rng = SplitMix64::new(seed);
    let (mut next, mut bytes, mut quiet) = (0usize, Vec::new(), 0u64);
    let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
    while next < events.len() || quiet < 200 {
        let offer = next < events.len();
        let event = events.get(next).copied().unwrap_or([0; 64]);
        let ready = rng.chance(ready_percent);
        let request = h.cycle() == request_at;
        let u = &mut h.uut;
        let lanes: Vec<u64> = event
            .chunks(4)
            .map(|c| u64::from(u32::from_le_bytes(c.try_into().unwrap())))
            .collect();
        for (input, &lane) in [
            &mut u.s_data0,
            &mut u.s_data1,
            &mut u.s_data2,
            &mut u.s_data3,
            &mut u.s_data4,
            &mut u.s_data5,
            &mut u.s_data6,
            &mut u.s_data7,
            &mut u.s_data8,
            &mut u.s_data9,
            &mut u.s_data10,
            &mut u.s_data11,
            &mut u.s_data12,
            &mut u.s_data13,
            &mut u.s_data14,
            &mut u.s_data15,
        ]
        .into_iter()
        .zip(&lanes)
        {
            input.next = lane.into();
        }
        u.s_valid.next = offer;
        u.status_request.next = request;
        u.st_idle.next = status.idle;
        let words = [
            status.taken,
            status.answered,
            status.records_done,
            status.bad_length,
            status.bad_crc,
            status.bad_kind,
            status.overflow,
            status.frame_errors,
            status.uart_overruns,
        ];
        for (input, &w) in [
            &mut u.st_taken,
            &mut u.st_answered,
            &mut u.records_done,
            &mut u.bad_length,
            &mut u.bad_crc,
            &mut u.bad_kind,
            &mut u.overflow,
            &mut u.frame_errors,
            &mut u.uart_overruns,
        ]
        .into_iter()
        .zip(&words)
        {
            input.next = u64::from(w).into();
        }
        u.firmware_id.next = status.firmware_id.into();
        u.m_ready.next = ready;
        h.settle();
        let u = &h.uut;
        let (valid, data, taken) = (u.m_valid.val(), u.m_data.val().to_u64(), u.s_ready.val());
        let mut vector = vec![u64::from(offer), u64::from(request), u64::from(status.idle)];
        vector.extend(&lanes);
        vector.extend(words.iter().map(|&w| u64::from(w)));
        vector.extend([status.firmware_id, u64::from(ready)]);
        inputs.push(vector);
        outputs.push(vec![u64::from(taken), u64::from(valid), data]);
        if valid && ready {
            bytes.push(data as u8);
        }
        if offer && taken {
            next += 1;
        }
        quiet = if valid || next < events.len() {
            0
        } else {
            quiet + 1
        };
        h.tick();
    }
    (bytes, inputs, outputs)
}

fn random_events(seed: u64, n: usize) -> Vec<[u8; 64]> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let mut e = [0u8; 64];
            e.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
            e
        })
        .collect()
}

fn sample_status() -> LinkStatus {
    LinkStatus {
        idle: true,
        taken: 0x0102_0304,
        answered: 5,
        records_done: 6,
        bad_length: 7,
        bad_crc: 8,
        bad_kind: 9,
        overflow: 10,
        frame_errors: 11,
        uart_overruns: 12,
        firmware_id: 0xF1F2_F3F4_F5F6_F7F8,
    }
}

#[test]
fn the_framer_sends_the_contracts_records_and_a_status_report_between_events() {
    // Proves the line carries exactly abi::link's framing of the events, in order, with the
    // status report requested in the middle of the first event placed after it, and that the
    // host's reader decodes it all.
    let events = random_events(1, 6);
    let status = sample_status();
    let (bytes, _, _) = frame(&events, &status, 10, 70, 2);
    let mut records: Vec<CardRecord> = events.iter().map(|&e| CardRecord::Event(e)).collect();
    records.insert(1, CardRecord::Status(status));
    assert_eq!(bytes, hdl::link_framer::model(&records));
    let mut reader = abi::link::CardReader::new();
    assert_eq!(reader.push(&bytes).unwrap(), records);
}

#[test]
fn the_framers_verilator_build_matches_cycle_for_cycle() {
    let (_, inputs, outputs) = frame(&random_events(3, 3), &sample_status(), 300, 50, 4);
    let mut input_ports = vec![
        port("s_valid", 1),
        port("status_request", 1),
        port("st_idle", 1),
    ];
    const LANES: [&str; 16] = [
        "s_data0", "s_data1", "s_data2", "s_data3", "s_data4", "s_data5", "s_data6", "s_data7",
        "s_data8", "s_data9", "s_data10", "s_data11", "s_data12", "s_data13", "s_data14",
        "s_data15",
    ];
    input_ports.extend(LANES.iter().map(|&n| port(n, 32)));
    for n in [
        "st_taken",
        "st_answered",
        "records_done",
        "bad_length",
        "bad_crc",
        "bad_kind",
        "overflow",
        "frame_errors",
        "uart_overruns",
    ] {
        input_ports.push(port(n, 32));
    }
    input_ports.extend([port("firmware_id", 64), port("m_ready", 1)]);
    let output_ports = [port("s_ready", 1), port("m_valid", 1), port("m_data", 8)];
    let diff = first_difference(
        "link-framer",
        &hdl::link_framer::verilog(),
        &input_ports,
        &output_ports,
        &inputs,
        &outputs,
    )
    .unwrap();
    assert_eq!(diff, None);
}

#[test]
fn the_link_blocks_synthesize_for_ecp5() {
    let deframer = sim::yosys::check("link-deframer", &hdl::link_deframer::verilog()).unwrap();
    let framer = sim::yosys::check("link-framer", &hdl::link_framer::verilog()).unwrap();
    println!("deframer: {deframer:?}\nframer: {framer:?}");
    assert_eq!(deframer.block_rams, 1, "the buffer is one DP16KD");
    assert_eq!(framer.block_rams, 0);
}
