//! The Bram block (block RAM with a registered output) against a reference memory, both of
//! its Verilog bodies through Verilator (the DP16KD one against a model of the primitive),
//! and yosys: the DP16KD count of its layout, every one with its output register.

use hdl::bram::{block_rams, layout, verilog, Bram, Layout};
use host::rng::SplitMix64;
use rust_hdl::prelude::*;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const DP16KD_MODEL: &str = include_str!("verilog/dp16kd_model.v");

fn inputs(bits: u32, abits: u32) -> Vec<Port> {
    [
        ("read_enable", 1),
        ("read_address", abits),
        ("write_enable", 1),
        ("write_address", abits),
        ("write_data", bits),
    ]
    .into_iter()
    .map(|(name, bits)| Port { name, bits })
    .collect()
}

const OUTPUTS_NAME: &str = "read_data";

struct Run {
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
    /// Reads whose data came back (cycle c's address, seen in cycle c + 2).
    reads: usize,
}

/// Random traffic over a few hot addresses (so reads meet recent writes), never a read and a
/// write of one address in one cycle; every output checked against a plain memory whose
/// reads land two cycles later.
fn drive<const B: usize, const N: usize>(cycles: usize, seed: u64) -> Run {
    let mut h = Harness::new(Bram::<Bits<B>, N>::default());
    let mut rng = SplitMix64::new(seed);
    let depth = 1u64 << N;
    let mask = if B == 64 { u64::MAX } else { (1u64 << B) - 1 };
    let hot: Vec<u64> = (0..16).map(|_| rng.below(depth)).collect();
    let mut reference = vec![0u64; depth as usize];
    // What read_data shows in each cycle: the latch loaded two cycles before.
    let mut latch = 0u64;
    let mut shown = 0u64;
    let mut run = Run {
        inputs: Vec::new(),
        outputs: Vec::new(),
        reads: 0,
    };
    for _ in 0..cycles {
        let address = |rng: &mut SplitMix64| {
            if rng.chance(70) {
                hot[rng.below(hot.len() as u64) as usize]
            } else {
                rng.below(depth)
            }
        };
        let re = rng.chance(70);
        let ra = address(&mut rng);
        let we = rng.chance(50);
        let mut wa = address(&mut rng);
        if re && we && wa == ra {
            wa = (wa + 1) % depth;
        }
        let wd = rng.next_u64() & mask;
        h.uut.read_enable.next = re;
        h.uut.read_address.next = ra.into();
        h.uut.write_enable.next = we;
        h.uut.write_address.next = wa.into();
        h.uut.write_data.next = wd.into();
        h.settle();
        let out = h.uut.read_data.val().to_u64();
        assert_eq!(out, shown, "cycle {}", run.inputs.len());
        run.inputs
            .push(vec![u64::from(re), ra, u64::from(we), wa, wd]);
        run.outputs.push(vec![out]);
        h.tick();
        // The edge: the output register takes the latch, the latch the read, then the write.
        shown = latch;
        if re {
            latch = reference[ra as usize];
            run.reads += 1;
        }
        if we {
            reference[wa as usize] = wd;
        }
    }
    run
}

/// Run the traffic through the DP16KD body (and, with `behavioural`, the other body too)
/// under Verilator: the same read data as the rust-hdl model on every cycle.
fn check_shape<const B: usize, const N: usize>(seed: u64, behavioural_too: bool) {
    let run = drive::<B, N>(3_000, seed);
    assert!(run.reads > 1_500);
    let input_ports = inputs(B as u32, N as u32);
    let outputs = [Port {
        name: OUTPUTS_NAME,
        bits: B as u32,
    }];
    let behavioural = verilog::<B, N>();
    let name = format!("bram-{B}x{N}");
    if behavioural_too {
        let d = first_difference(
            &name,
            &behavioural,
            &input_ports,
            &outputs,
            &run.inputs,
            &run.outputs,
        );
        assert_eq!(d.expect("verilator"), None, "behavioural body, {B} x 2^{N}");
    }
    let dp16kd = format!("`define ORDO_DP16KD\n{DP16KD_MODEL}\n{behavioural}");
    let d = first_difference(
        &format!("{name}-dp16kd"),
        &dp16kd,
        &input_ports,
        &outputs,
        &run.inputs,
        &run.outputs,
    );
    assert_eq!(d.expect("verilator"), None, "DP16KD body, {B} x 2^{N}");
}

// Each test proves that the block returns each read's data in cycle c + 2 with writes taking
// effect at the end of their cycle, and that its DP16KD body does the same on every cycle in
// one DP16KD mode (the behavioural body is the same text for every shape: checked twice).

#[test]
fn reads_land_two_cycles_later_18_bit_mode_with_byte_enables() {
    check_shape::<17, 10>(1, true);
}

#[test]
fn reads_land_two_cycles_later_9_bit_mode() {
    check_shape::<32, 11>(2, false);
}

#[test]
fn reads_land_two_cycles_later_4_and_2_bit_modes() {
    check_shape::<12, 12>(3, false);
    check_shape::<6, 13>(4, false);
}

#[test]
fn reads_land_two_cycles_later_1_bit_mode() {
    check_shape::<15, 14>(5, false);
}

#[test]
fn reads_land_two_cycles_later_in_banks() {
    check_shape::<15, 16>(6, true);
}

#[test]
#[should_panic(expected = "read and write of address 0x5 in one cycle")]
fn a_read_and_a_write_of_one_address_in_one_cycle_is_refused() {
    // Proves the model refuses what the DP16KD does not define.
    let mut h = Harness::new(Bram::<Bits<8>, 4>::default());
    h.uut.read_enable.next = true;
    h.uut.read_address.next = 5.into();
    h.uut.write_enable.next = true;
    h.uut.write_address.next = 5.into();
    h.uut.write_data.next = 1.into();
    h.settle();
    h.tick();
}

#[test]
fn layouts_are_the_narrowest_dp16kd_mode_for_the_depth() {
    // Proves the layout table: one DP16KD per 18, 9, 4, 2, 1 bits of width for 1K, 2K, 4K,
    // 8K, 16K entries, and banks of 16K beyond.
    assert_eq!(
        layout(32, 11),
        Layout {
            width: 9,
            low_pin: 3,
            per_bank: 4,
            banks: 1
        }
    );
    assert_eq!(block_rams(17, 10), 1);
    assert_eq!(block_rams(15, 14), 15);
    assert_eq!(block_rams(15, 16), 60);
    assert_eq!(block_rams(32, 6), 2);
}

#[test]
fn synthesizes_to_dp16kds_with_their_output_registers() {
    // Proves the ECP5 body: exactly the layout's DP16KDs, each with REGMODE_B = OUTREG, no
    // fabric register on the data path (only the banked table's two bank-number registers),
    // and the behavioural body synthesizes too.
    for (bits, abits, verilog, bank_ffs) in [
        (32, 11, verilog::<32, 11>(), 0),
        (15, 16, verilog::<15, 16>(), 4),
    ] {
        let u =
            sim::yosys::check_defined(&format!("bram-{bits}x{abits}"), &verilog, &["ORDO_DP16KD"])
                .expect("yosys");
        println!("bram {bits} x 2^{abits} (DP16KD body): {u:?}");
        assert_eq!(u.block_rams, block_rams(bits, abits) as u64, "{u:?}");
        assert_eq!(u.block_rams_outreg, u.block_rams, "{u:?}");
        assert_eq!(u.flip_flops, bank_ffs, "{u:?}");
        let b = sim::yosys::check(&format!("bram-{bits}x{abits}-behavioural"), &verilog)
            .expect("yosys");
        println!("bram {bits} x 2^{abits} (behavioural body): {b:?}");
        assert_eq!(b.block_rams_outreg, 0, "{b:?}");
    }
}
