//! The Crc32 block against its model, `crc32fast` (the CRC the record framing uses, abi §13),
//! Verilator and yosys.

use hdl::crc32::{model, verilog, Crc32};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const INPUTS: [Port; 3] = [
    Port {
        name: "s_valid",
        bits: 1,
    },
    Port {
        name: "s_first",
        bits: 1,
    },
    Port {
        name: "s_data",
        bits: 8,
    },
];
const OUTPUTS: [Port; 1] = [Port {
    name: "crc",
    bits: 32,
}];

/// Random records: lengths 1..=300, the framing's 64- and 136-byte payloads among them.
fn records(seed: u64, n: usize) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|i| {
            let len = match i % 4 {
                0 => 64,
                1 => 136,
                _ => 1 + rng.below(300) as usize,
            };
            (0..len).map(|_| rng.next_u64() as u8).collect()
        })
        .collect()
}

struct Run {
    crcs: Vec<u32>,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
}

/// Feed each record's bytes with random idle cycles between them; read the CRC the cycle
/// after each record's last byte.
fn drive(records: &[Vec<u8>], idle_percent: u64, seed: u64) -> Run {
    let mut h = Harness::new(Crc32::default());
    let mut rng = SplitMix64::new(seed);
    let mut run = Run {
        crcs: Vec::new(),
        inputs: Vec::new(),
        outputs: Vec::new(),
    };
    let mut cycle = |h: &mut Harness<Crc32>, valid: bool, first: bool, data: u8| {
        h.uut.s_valid.next = valid;
        h.uut.s_first.next = first;
        h.uut.s_data.next = u64::from(data).into();
        h.settle();
        let crc = h.uut.crc.val().to_u64();
        run.inputs
            .push(vec![u64::from(valid), u64::from(first), u64::from(data)]);
        run.outputs.push(vec![crc]);
        h.tick();
        crc as u32
    };
    for record in records {
        for (i, &byte) in record.iter().enumerate() {
            while rng.chance(idle_percent) {
                // Idle cycles hold the CRC; the data lanes carry noise.
                cycle(&mut h, false, rng.chance(50), rng.next_u64() as u8);
            }
            cycle(&mut h, true, i == 0, byte);
        }
        let crc = cycle(&mut h, false, false, 0);
        run.crcs.push(crc);
    }
    run
}

#[test]
fn model_is_the_framing_crc() {
    // Proves the bit-by-bit model is crc32fast's CRC (the one abi::framing stores), and the
    // check value of CRC-32/ISO-HDLC.
    assert_eq!(model(b"123456789"), 0xCBF4_3926);
    for record in records(1, 500) {
        assert_eq!(model(&record), crc32fast::hash(&record));
    }
}

#[test]
fn block_gives_the_framing_crc_of_every_record() {
    // Proves the block's CRC after each record is crc32fast's, records back to back (s_first
    // restarts it) and with idle cycles carrying noise between bytes.
    for (idle, seed) in [(0, 1), (30, 2), (80, 3)] {
        let records = records(seed + 10, 300);
        let run = drive(&records, idle, seed);
        let want: Vec<u32> = records.iter().map(|r| crc32fast::hash(r)).collect();
        assert_eq!(run.crcs, want, "idle {idle}%");
    }
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the generated Verilog gives the rust-hdl CRC on every cycle of a recorded run.
    let run = drive(&records(20, 100), 25, 4);
    let difference = first_difference(
        "crc32",
        &verilog(),
        &INPUTS,
        &OUTPUTS,
        &run.inputs,
        &run.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

#[test]
fn synthesizes_for_ecp5() {
    // Proves it is latch-free and synthesizes, with its 32-bit register and nothing else.
    let utilization = sim::yosys::check("crc32", &verilog()).expect("yosys");
    println!("crc32 ECP5: {utilization:?}");
    assert_eq!(utilization.flip_flops, 32, "{utilization:?}");
    assert_eq!(utilization.block_rams, 0);
}
