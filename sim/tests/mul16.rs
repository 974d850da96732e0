//! The Mul16 block (a 16 × 16 product with its operands registered in the ECP5's multiplier)
//! against plain multiplication, both of its Verilog bodies through Verilator (the
//! MULT18X18D one against a model of the primitive), and yosys: one MULT18X18D with both
//! input registers and no fabric register.

use hdl::mul16::{verilog, Mul16};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const MULT18X18D_MODEL: &str = include_str!("verilog/mult18x18d_model.v");

fn ports(names: &[(&'static str, u32)]) -> Vec<Port> {
    names
        .iter()
        .map(|&(name, bits)| Port { name, bits })
        .collect()
}

/// Random operands (the extremes among them) for `cycles` cycles; every cycle's product is
/// checked against the operands of the cycle before. Returns the per-cycle input and output
/// vectors for the Verilator comparison.
fn drive(cycles: usize, seed: u64) -> (Vec<Vec<u64>>, Vec<Vec<u64>>) {
    let mut h = Harness::new(Mul16::default());
    let mut rng = SplitMix64::new(seed);
    let mut previous = (0u64, 0u64);
    let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
    for cycle in 0..cycles {
        let operand = |rng: &mut SplitMix64| match rng.below(8) {
            0 => 0,
            1 => 0xFFFF,
            _ => rng.below(1 << 16),
        };
        let (a, b) = (operand(&mut rng), operand(&mut rng));
        h.uut.a.next = a.into();
        h.uut.b.next = b.into();
        h.settle();
        let p = h.uut.p.val().to_u64();
        if cycle > 0 {
            assert_eq!(p, previous.0 * previous.1, "cycle {cycle}");
        }
        inputs.push(vec![a, b]);
        outputs.push(vec![p]);
        h.tick();
        previous = (a, b);
    }
    (inputs, outputs)
}

#[test]
fn the_product_is_of_the_operands_one_cycle_earlier_in_both_bodies() {
    // Proves the model's latency and arithmetic (every product of 4,000 random operand
    // pairs, 0 and 0xFFFF among them), and that the behavioural body and the MULT18X18D
    // body (against the primitive's model) give the same product on every cycle.
    let (inputs, outputs) = drive(4_000, 1);
    let input_ports = ports(&[("a", 16), ("b", 16)]);
    let output_ports = ports(&[("p", 32)]);
    let behavioural = verilog();
    let d = first_difference(
        "mul16",
        &behavioural,
        &input_ports,
        &output_ports,
        &inputs,
        &outputs,
    );
    assert_eq!(d.expect("verilator"), None, "behavioural body");
    let dsp = format!("`define ORDO_DP16KD\n{MULT18X18D_MODEL}\n{behavioural}");
    let d = first_difference(
        "mul16-dsp",
        &dsp,
        &input_ports,
        &output_ports,
        &inputs,
        &outputs,
    );
    assert_eq!(d.expect("verilator"), None, "MULT18X18D body");
}

#[test]
fn synthesizes_to_one_multiplier_with_its_input_registers() {
    // Proves the ECP5 body is one MULT18X18D registering both operands, with no fabric
    // register, and that the behavioural body maps to a multiplier too (with its two
    // operand registers in the fabric: yosys does not put registers into the DSP).
    let v = verilog();
    let u = sim::yosys::check_defined("mul16", &v, &["ORDO_DP16KD"]).expect("yosys");
    println!("mul16 (MULT18X18D body): {u:?}");
    assert_eq!(u.multipliers, 1, "{u:?}");
    assert_eq!(u.multipliers_input_registered, 1, "{u:?}");
    assert_eq!(u.flip_flops, 0, "{u:?}");
    let b = sim::yosys::check("mul16-behavioural", &v).expect("yosys");
    println!("mul16 (behavioural body): {b:?}");
    assert_eq!(b.multipliers, 1, "{b:?}");
    assert_eq!(b.multipliers_input_registered, 0, "{b:?}");
    assert_eq!(b.flip_flops, 32, "{b:?}");
}
