//! The Deserializer block against abi::OrderMessage::decode (the contract's own decoder),
//! Verilator and yosys.

use abi::OrderMessage;
use hdl::deserializer::{verilog, Deserializer, BEATS, LANES};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const OUTPUT_NAMES: [(&str, u32); 16] = [
    ("s_ready", 1),
    ("m_valid", 1),
    ("m_version", 8),
    ("m_type", 8),
    ("m_side", 8),
    ("m_tif", 8),
    ("m_stp", 8),
    ("m_flags", 8),
    ("m_instrument", 16),
    ("m_account", 32),
    ("m_price", 32),
    ("m_qty", 32),
    ("m_nonce", 64),
    ("m_client_ref", 64),
    ("m_target", 64),
    ("m_reserved_nonzero", 1),
];

/// Random messages: every byte random (so undefined enum values too), with the reserved
/// areas zero in half of them and one random reserved byte set in the rest.
fn messages(seed: u64, count: usize) -> Vec<[u8; 128]> {
    let mut rng = SplitMix64::new(seed);
    (0..count)
        .map(|_| {
            let mut bytes = [0u8; 128];
            bytes.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
            bytes[28..32].fill(0);
            bytes[48..64].fill(0);
            if rng.chance(50) {
                let reserved: Vec<usize> = (28..32).chain(48..64).collect();
                bytes[reserved[rng.below(reserved.len() as u64) as usize]] =
                    1 + rng.below(255) as u8;
            }
            bytes
        })
        .collect()
}

fn fields(u: &Deserializer) -> Vec<u64> {
    vec![
        u.m_version.val().to_u64(),
        u.m_type.val().to_u64(),
        u.m_side.val().to_u64(),
        u.m_tif.val().to_u64(),
        u.m_stp.val().to_u64(),
        u.m_flags.val().to_u64(),
        u.m_instrument.val().to_u64(),
        u.m_account.val().to_u64(),
        u.m_price.val().to_u64(),
        u.m_qty.val().to_u64(),
        u.m_nonce.val().to_u64(),
        u.m_client_ref.val().to_u64(),
        u.m_target.val().to_u64(),
        u64::from(u.m_reserved_nonzero.val()),
    ]
}

fn expected(bytes: &[u8; 128]) -> Vec<u64> {
    let m = OrderMessage::decode(bytes).unwrap();
    vec![
        m.version.into(),
        m.message_type.into(),
        m.side.into(),
        m.time_in_force.into(),
        m.stp.into(),
        m.flags.into(),
        m.instrument.into(),
        m.account.into(),
        m.price_ticks.into(),
        m.qty_lots.into(),
        m.nonce,
        m.client_ref,
        m.target_order_id.0,
        u64::from(m.reserved_nonzero()),
    ]
}

struct Run {
    parsed: Vec<Vec<u64>>,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
    cycles: u64,
}

fn drive(messages: &[[u8; 128]], seed: u64, idle_percent: u64, ready_percent: u64) -> Run {
    let beats: Vec<[u32; LANES]> = messages
        .iter()
        .flat_map(|m| {
            m.chunks(4 * LANES)
                .map(|chunk| {
                    let mut lanes = [0u32; LANES];
                    for (lane, bytes) in lanes.iter_mut().zip(chunk.chunks(4)) {
                        *lane = u32::from_le_bytes(bytes.try_into().unwrap());
                    }
                    lanes
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut h = Harness::new(Deserializer::default());
    let mut rng = SplitMix64::new(seed);
    let (mut next, mut offering) = (0usize, false);
    let (mut parsed, mut inputs, mut outputs) = (Vec::new(), Vec::new(), Vec::new());
    while parsed.len() < messages.len() {
        assert!(h.cycle() < 100 + 40 * beats.len() as u64, "no progress");
        offering = offering || (next < beats.len() && !rng.chance(idle_percent));
        let m_ready = rng.chance(ready_percent);
        let lanes = beats.get(next).copied().unwrap_or([0; LANES]);
        let u = &mut h.uut;
        u.s_valid.next = offering;
        let data = [
            &mut u.s_data0,
            &mut u.s_data1,
            &mut u.s_data2,
            &mut u.s_data3,
            &mut u.s_data4,
            &mut u.s_data5,
            &mut u.s_data6,
            &mut u.s_data7,
        ];
        for (input, &lane) in data.into_iter().zip(&lanes) {
            input.next = u64::from(lane).into();
        }
        u.m_ready.next = m_ready;
        h.settle();
        let (s_ready, m_valid) = (h.uut.s_ready.val(), h.uut.m_valid.val());
        let f = fields(&h.uut);
        let mut vector = vec![u64::from(offering)];
        vector.extend(lanes.iter().map(|&l| u64::from(l)));
        vector.push(u64::from(m_ready));
        inputs.push(vector);
        let mut out = vec![u64::from(s_ready), u64::from(m_valid)];
        out.extend(&f);
        outputs.push(out);
        if m_valid && m_ready {
            parsed.push(f);
        }
        if offering && s_ready {
            next += 1;
            offering = false;
        }
        h.tick();
    }
    Run {
        parsed,
        inputs,
        outputs,
        cycles: h.cycle(),
    }
}

#[test]
fn fields_match_the_contract_decoder() {
    // Proves every field of every message, undefined values and reserved-byte detection
    // included, equals abi::OrderMessage::decode of the same 128 bytes, with idle gaps and
    // backpressure, none lost.
    for (seed, idle, ready) in [(1, 0, 100), (2, 30, 50), (3, 5, 10)] {
        let messages = messages(seed, 300);
        let run = drive(&messages, seed, idle, ready);
        let want: Vec<Vec<u64>> = messages.iter().map(expected).collect();
        assert_eq!(run.parsed, want, "seed {seed}");
    }
}

#[test]
fn full_throughput_is_one_beat_per_cycle() {
    // Proves back-to-back messages stream at one beat per cycle: n messages take 4n + 1
    // cycles with an always-ready sink.
    let messages = messages(4, 50);
    let run = drive(&messages, 4, 0, 100);
    assert_eq!(run.cycles, (BEATS * messages.len()) as u64 + 1);
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the Verilator build matches the rust-hdl simulation on every cycle.
    let messages = messages(5, 200);
    let run = drive(&messages, 5, 20, 60);
    let mut inputs = vec![Port {
        name: "s_valid",
        bits: 1,
    }];
    inputs.extend(
        [
            "s_data0", "s_data1", "s_data2", "s_data3", "s_data4", "s_data5", "s_data6", "s_data7",
        ]
        .map(|name| Port { name, bits: 32 }),
    );
    inputs.push(Port {
        name: "m_ready",
        bits: 1,
    });
    let outputs: Vec<Port> = OUTPUT_NAMES
        .iter()
        .map(|&(name, bits)| Port { name, bits })
        .collect();
    let difference = first_difference(
        "deserializer",
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
    // Proves the Verilog is latch-free and synthesizes.
    let utilization = sim::yosys::check("deserializer", &verilog()).expect("yosys");
    assert!(utilization.flip_flops >= 300, "{utilization:?}");
    println!("deserializer ECP5: {utilization:?}");
}
