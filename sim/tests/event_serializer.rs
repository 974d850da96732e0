//! The EventSerializer block against abi::Event::encode (the contract's own encoder) and the
//! software path's event stream, Verilator and yosys.

use abi::Event;
use hdl::event_serializer::{verilog, EventSerializer, LANES};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const INPUT_NAMES: [(&str, u32); 15] = [
    ("s_valid", 1),
    ("s_stamp_ns", 64),
    ("s_kind", 8),
    ("s_reason", 8),
    ("s_side", 8),
    ("s_instrument", 16),
    ("s_account", 32),
    ("s_price", 32),
    ("s_order_id", 64),
    ("s_qty", 32),
    ("s_remaining", 32),
    ("s_ref", 64),
    ("s_maker_account", 32),
    ("s_maker_remaining", 32),
    ("m_ready", 1),
];

/// The software path's events for a demo workload (seq and stamps included).
fn software_events(messages: usize) -> Vec<Event> {
    use host::engine::{Input, LadderBook, Sequencer};
    let config = host::config::VenueConfig::embedded();
    let w = host::workload::generate(
        &config,
        host::workload::Spec {
            sign: false,
            ..host::workload::Spec::demo(3, messages)
        },
        &|_| {},
    );
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let mut out = Vec::new();
    for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
        out.extend_from_slice(sequencer.handle(&Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        }));
    }
    out
}

fn field_vector(e: &Event) -> Vec<u64> {
    let reference = if e.kind == abi::EventKind::Fill {
        e.maker_order_id
    } else {
        e.client_ref
    };
    vec![
        e.timestamp_ns,
        e.kind as u64,
        e.reason as u64,
        u64::from(e.side),
        u64::from(e.instrument),
        u64::from(e.account),
        u64::from(e.price_ticks),
        e.order_id,
        u64::from(e.qty_lots),
        u64::from(e.remaining_lots),
        reference,
        u64::from(e.maker_account),
        u64::from(e.maker_remaining_lots),
    ]
}

struct Run {
    records: Vec<Vec<u8>>,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
    cycles: u64,
}

fn drive(events: &[Event], seed: u64, idle_percent: u64, ready_percent: u64) -> Run {
    let mut h = Harness::new(EventSerializer::default());
    let mut rng = SplitMix64::new(seed);
    let (mut next, mut offering) = (0usize, false);
    let (mut records, mut inputs, mut outputs) = (Vec::new(), Vec::new(), Vec::new());
    while records.len() < events.len() {
        assert!(h.cycle() < 1_000 + 100 * events.len() as u64, "no progress");
        offering = offering || (next < events.len() && !rng.chance(idle_percent));
        let m_ready = rng.chance(ready_percent);
        let f = events
            .get(next)
            .map(field_vector)
            .unwrap_or_else(|| vec![0; 13]);
        let u = &mut h.uut;
        u.s_valid.next = offering;
        u.s_stamp_ns.next = f[0].into();
        u.s_kind.next = f[1].into();
        u.s_reason.next = f[2].into();
        u.s_side.next = f[3].into();
        u.s_instrument.next = f[4].into();
        u.s_account.next = f[5].into();
        u.s_price.next = f[6].into();
        u.s_order_id.next = f[7].into();
        u.s_qty.next = f[8].into();
        u.s_remaining.next = f[9].into();
        u.s_ref.next = f[10].into();
        u.s_maker_account.next = f[11].into();
        u.s_maker_remaining.next = f[12].into();
        u.m_ready.next = m_ready;
        h.settle();
        let u = &h.uut;
        let (s_ready, m_valid) = (u.s_ready.val(), u.m_valid.val());
        let lanes = [
            &u.m_data0,
            &u.m_data1,
            &u.m_data2,
            &u.m_data3,
            &u.m_data4,
            &u.m_data5,
            &u.m_data6,
            &u.m_data7,
            &u.m_data8,
            &u.m_data9,
            &u.m_data10,
            &u.m_data11,
            &u.m_data12,
            &u.m_data13,
            &u.m_data14,
            &u.m_data15,
        ]
        .map(|lane| lane.val().to_u64());
        let mut vector = vec![u64::from(offering)];
        vector.extend(&f);
        vector.push(u64::from(m_ready));
        inputs.push(vector);
        let mut out = vec![u64::from(s_ready), u64::from(m_valid)];
        out.extend(lanes);
        outputs.push(out);
        if m_valid && m_ready {
            records.push(
                lanes
                    .iter()
                    .flat_map(|&lane| (lane as u32).to_le_bytes())
                    .collect::<Vec<u8>>(),
            );
        }
        if offering && s_ready {
            next += 1;
            offering = false;
        }
        h.tick();
    }
    Run {
        records,
        inputs,
        outputs,
        cycles: h.cycle(),
    }
}

#[test]
fn records_equal_the_software_paths_encoded_events() {
    // Proves the block numbers events 1, 2, 3, … and writes each as the contract's 64-byte
    // record: fed the software path's events (without their sequence numbers), it emits the
    // byte-identical encoded stream, with idle gaps and backpressure.
    let events = software_events(600);
    for (seed, idle, ready) in [(1, 0, 100), (2, 40, 50)] {
        let run = drive(&events, seed, idle, ready);
        for (i, (record, event)) in run.records.iter().zip(&events).enumerate() {
            assert_eq!(
                record.as_slice(),
                &event.encode()[..],
                "event {i} (seed {seed})"
            );
        }
    }
}

#[test]
fn full_throughput_is_one_event_per_cycle() {
    // Proves one event per cycle back to back: n events take n + 1 cycles.
    let events = software_events(50);
    let run = drive(&events, 3, 0, 100);
    assert_eq!(run.cycles, events.len() as u64 + 1);
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the Verilator build matches the rust-hdl simulation on every cycle.
    let events = software_events(300);
    let run = drive(&events, 4, 20, 70);
    let inputs: Vec<Port> = INPUT_NAMES
        .iter()
        .map(|&(name, bits)| Port { name, bits })
        .collect();
    let mut outputs = vec![
        Port {
            name: "s_ready",
            bits: 1,
        },
        Port {
            name: "m_valid",
            bits: 1,
        },
    ];
    outputs.extend(
        [
            "m_data0", "m_data1", "m_data2", "m_data3", "m_data4", "m_data5", "m_data6", "m_data7",
            "m_data8", "m_data9", "m_data10", "m_data11", "m_data12", "m_data13", "m_data14",
            "m_data15",
        ]
        .map(|name| Port { name, bits: 32 }),
    );
    assert_eq!(outputs.len(), 2 + LANES);
    let difference = first_difference(
        "event_serializer",
        &verilog(),
        &inputs,
        &outputs,
        &run.inputs,
        &run.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

#[test]
fn synthesizes_for_ecp5() {
    // Proves the Verilog is latch-free and synthesizes. Registers: 16 record lanes less the
    // 24 always-zero reserved bits, and the busy flag; yosys merges the 64-bit sequence
    // counter with lanes 0–1, which hold the same value once loaded.
    let utilization = sim::yosys::check("event_serializer", &verilog()).expect("yosys");
    assert!(utilization.flip_flops >= 16 * 32 - 24, "{utilization:?}");
    println!("event_serializer ECP5: {utilization:?}");
}
