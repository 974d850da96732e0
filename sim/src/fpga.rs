//! Tops for FPGA builds of the card (the flow itself is `host::fpga`, `ordo fpga build`).
//!
//! [`timing_harness`]: the card's ~950 port bits behind registers, reached through two
//! serial chains, so that the card fits a 381-ball package, nothing of it is optimised away,
//! and the timing nextpnr reports is the card's own (register to register), not the pins'.
//!
//! ```text
//!  din ──▶ in_sr (shift, LSB first) ──update──▶ in_r ──▶ card inputs
//!  card outputs ──▶ out_r ──capture──▶ out_sr = {firmware id, out_r} ──shift──▶ dout
//! ```
//!
//! Protocol, one bit per clock: every cycle `in_sr` shifts right with `din` entering at its
//! top, so after [`TimingHarness::input_bits`] cycles bit *i* of the card's input vector is
//! the *i*-th bit shifted in; a cycle with `update` high copies `in_sr` into `in_r`, which
//! drives every card input (the card sees a whole new input vector at once). Every card
//! output is registered each cycle in `out_r`; a cycle with `capture` high loads
//! `{firmware id, out_r}` into `out_sr`, which then shifts right, one bit per cycle, onto
//! `dout` (card output bit 0 first, the 64-bit firmware id last). `update` and `capture` are
//! registered once at the pins, so every path inside is register to register. Port vectors
//! are the card's ports in the order of its Verilog port list, each port LSB first.
//!
//! The firmware id (design revision, [`design_revision`]) is the first 64 bits of the
//! SHA-256 of the card's Verilog: built into the bitstream (read through the chain, and the
//! JTAG USERCODE holds its low 32 bits) and printed by `ordo fpga build`.

use sha2::{Digest, Sha256};

use crate::Error;

/// One port of the card top as its Verilog declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPort {
    pub name: String,
    pub bits: u32,
    pub output: bool,
}

/// The ports of module `top` in `verilog` (rust-hdl's output: one `input wire [h:0] name;`
/// or `output reg name;` line per port), in the order of its port list, the clock left out.
pub fn card_ports(verilog: &str) -> Result<Vec<CardPort>, Error> {
    let malformed = |message: String| Error::ToolFailed {
        tool: "card Verilog",
        message,
    };
    let start = verilog
        .find("module top(")
        .ok_or_else(|| malformed("no `module top(`".into()))?;
    let module = &verilog[start..];
    let header = &module[..module
        .find(");")
        .ok_or_else(|| malformed("no port list".into()))?];
    let order: Vec<&str> = header["module top(".len()..]
        .split(',')
        .map(str::trim)
        .collect();
    let body = &module[..module.find("endmodule").unwrap_or(module.len())];
    let mut declared = std::collections::HashMap::new();
    for line in body.lines().map(str::trim) {
        let (output, rest) = if let Some(rest) = line.strip_prefix("input ") {
            (false, rest)
        } else if let Some(rest) = line.strip_prefix("output ") {
            (true, rest)
        } else {
            continue;
        };
        let rest = rest.trim_end_matches(';');
        let mut words = rest
            .split_whitespace()
            .filter(|w| *w != "wire" && *w != "reg");
        let (bits, name) = match (words.next(), words.next()) {
            (Some(name), None) => (1, name),
            (Some(range), Some(name)) => {
                let high = range
                    .strip_prefix('[')
                    .and_then(|r| r.strip_suffix(":0]"))
                    .and_then(|h| h.parse::<u32>().ok())
                    .ok_or_else(|| malformed(format!("port range {range:?} of {name}")))?;
                (high + 1, name)
            }
            _ => return Err(malformed(format!("port declaration {line:?}"))),
        };
        declared.insert(name.to_string(), (bits, output));
    }
    if !order.contains(&"clock") {
        return Err(malformed("the card top has no `clock` port".into()));
    }
    order
        .iter()
        .filter(|name| **name != "clock")
        .map(|name| {
            let (bits, output) = declared
                .get(*name)
                .ok_or_else(|| malformed(format!("port {name} is not declared")))?;
            Ok(CardPort {
                name: name.to_string(),
                bits: *bits,
                output: *output,
            })
        })
        .collect()
}

/// The card top's Verilog (`hdl::card::verilog`), which the FPGA tops wrap.
pub fn card_verilog() -> String {
    hdl::card::verilog()
}

/// The Verilog of one block by its command-line name (`hdl::blocks::Block`), top module
/// `top`, for the timing harness: a block's own Fmax.
pub fn block_verilog(name: &str) -> Result<String, Error> {
    hdl::blocks::Block::from_name(name)
        .map(hdl::blocks::Block::verilog)
        .ok_or_else(|| Error::ToolFailed {
            tool: "block name",
            message: format!(
                "no block `{name}`: one of {}",
                hdl::blocks::Block::all()
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The design revision (firmware id) of a card Verilog: the first 64 bits of its SHA-256.
pub fn design_revision(card_verilog: &str) -> u64 {
    let digest = Sha256::digest(card_verilog.as_bytes());
    u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Lower-case hex SHA-256 of `text` (cache keys of the FPGA flow).
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Bits of the firmware id at the end of the output chain.
pub const FIRMWARE_ID_BITS: u32 = 64;

/// The timing harness top (module `top`: `clock`, `din`, `update`, `capture`, `dout`)
/// around a card Verilog (its `top` renamed `card`).
#[derive(Debug, Clone)]
pub struct TimingHarness {
    /// The whole design: the card's modules and the harness's `top`.
    pub verilog: String,
    /// The card's ports, in chain order.
    pub ports: Vec<CardPort>,
    /// Length of the input chain: the card's input bits.
    pub input_bits: u32,
    /// The card's output bits (the output chain is these plus [`FIRMWARE_ID_BITS`]).
    pub output_bits: u32,
    /// The design revision built in.
    pub firmware_id: u64,
}

/// Wrap `card` (rust-hdl Verilog with top module `top`) in the timing harness.
pub fn timing_harness(card: &str) -> Result<TimingHarness, Error> {
    let ports = card_ports(card)?;
    let firmware_id = design_revision(card);
    let input_bits: u32 = ports.iter().filter(|p| !p.output).map(|p| p.bits).sum();
    let output_bits: u32 = ports.iter().filter(|p| p.output).map(|p| p.bits).sum();
    if input_bits == 0 || output_bits == 0 {
        return Err(Error::ToolFailed {
            tool: "card Verilog",
            message: format!("{input_bits} input and {output_bits} output bits"),
        });
    }
    let chain_bits = output_bits + FIRMWARE_ID_BITS;
    let mut v = card.replacen("module top(", "module card(", 1);
    v.push_str(&format!(
        "
// ordo timing harness (sim::fpga::timing_harness): every card port behind a register, the
// {input_bits} input bits shifted in on din, the {output_bits} output bits and the 64-bit
// firmware id shifted out on dout. Design revision {firmware_id:016x}.
module top(clock, din, update, capture, dout);
    input wire clock;
    input wire din;
    input wire update;
    input wire capture;
    output wire dout;
    reg update_r;
    reg capture_r;
    reg [{ih}:0] in_sr;
    reg [{ih}:0] in_r;
    wire [{oh}:0] out_w;
    reg [{oh}:0] out_r;
    reg [{ch}:0] out_sr;
    always @(posedge clock) begin
        update_r <= update;
        capture_r <= capture;
        in_sr <= {{din, in_sr[{ih}:1]}};
        if (update_r) in_r <= in_sr;
        out_r <= out_w;
        if (capture_r) out_sr <= {{64'h{firmware_id:016x}, out_r}};
        else out_sr <= {{1'b0, out_sr[{ch}:1]}};
    end
    assign dout = out_sr[0];
    card card(
        .clock(clock)",
        ih = input_bits - 1,
        oh = output_bits - 1,
        ch = chain_bits - 1,
    ));
    let (mut at_in, mut at_out) = (0, 0);
    for port in &ports {
        let (vector, at) = if port.output {
            ("out_w", &mut at_out)
        } else {
            ("in_r", &mut at_in)
        };
        v.push_str(&format!(
            ",\n        .{}({vector}[{}:{}])",
            port.name,
            *at + port.bits - 1,
            *at
        ));
        *at += port.bits;
    }
    v.push_str("\n    );\nendmodule\n");
    Ok(TimingHarness {
        verilog: v,
        ports,
        input_bits,
        output_bits,
        firmware_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verilator::{Port, Verilated};

    fn card() -> String {
        hdl::card::verilog()
    }

    #[test]
    fn the_ports_parsed_are_the_card_drivers_port_list() {
        // The harness takes the card's ports from its Verilog; the closed-loop driver's
        // lists (written by hand) must say the same, so both see one card.
        let ports = card_ports(&card()).unwrap();
        let listed: Vec<(String, u32, bool)> = crate::card::CARD_INPUTS
            .iter()
            .map(|(n, b)| (n.to_string(), *b, false))
            .chain(
                crate::card::CARD_OUTPUTS
                    .iter()
                    .map(|(n, b)| (n.to_string(), *b, true)),
            )
            .collect();
        let mut parsed: Vec<(String, u32, bool)> = ports
            .iter()
            .map(|p| (p.name.clone(), p.bits, p.output))
            .collect();
        parsed.sort_by_key(|p| (p.2, listed.iter().position(|l| l.0 == p.0)));
        assert_eq!(parsed, listed);
    }

    #[test]
    fn the_chains_carry_every_card_port_bit_exactly_once() {
        let card = card();
        let harness = timing_harness(&card).unwrap();
        let inputs: u32 = crate::card::CARD_INPUTS.iter().map(|p| p.1).sum();
        let outputs: u32 = crate::card::CARD_OUTPUTS.iter().map(|p| p.1).sum();
        assert_eq!(harness.input_bits, inputs);
        assert_eq!(harness.output_bits, outputs);
        assert_eq!(inputs + outputs, 951, "the card's port bits (clock aside)");
        // Every port is connected once, to its own slice; the slices tile each vector.
        let top = &harness.verilog[harness.verilog.find("    card card(").unwrap()..];
        let mut covered = [vec![false; inputs as usize], vec![false; outputs as usize]];
        for port in &harness.ports {
            let pattern = format!(".{}(", port.name);
            assert_eq!(
                top.matches(&pattern).count(),
                1,
                "{} connected once",
                port.name
            );
            let at = top.find(&pattern).unwrap() + pattern.len();
            let slice = &top[at..at + top[at..].find(')').unwrap()];
            let (vector, range) = slice.split_once('[').unwrap();
            assert_eq!(vector, if port.output { "out_w" } else { "in_r" });
            let (high, low) = range.trim_end_matches(']').split_once(':').unwrap();
            let (high, low): (usize, usize) = (high.parse().unwrap(), low.parse().unwrap());
            assert_eq!(high + 1 - low, port.bits as usize, "{}", port.name);
            for bit in &mut covered[port.output as usize][low..=high] {
                assert!(!*bit, "{} overlaps another port", port.name);
                *bit = true;
            }
        }
        assert!(covered.iter().flatten().all(|b| *b));
        assert_eq!(harness.firmware_id, design_revision(&card));
        assert!(harness
            .verilog
            .contains(&format!("64'h{:016x}", harness.firmware_id)));
    }

    #[test]
    fn the_harness_passes_verilator_lint() {
        // -Wall reports an input bit that reaches nothing (UNUSED) and an output bit that
        // drives nothing (UNDRIVEN): neither kind is waived.
        let harness = timing_harness(&card()).unwrap();
        let dir = crate::build_root().join("fpga-harness-lint");
        std::fs::create_dir_all(&dir).unwrap();
        let top = dir.join("top.v");
        std::fs::write(&top, &harness.verilog).unwrap();
        crate::verilator::lint(&top).unwrap();
    }

    #[test]
    fn the_output_chain_shifts_out_the_card_outputs_then_the_firmware_id() {
        // Through Verilator: the card idles (nothing shifted in: every input 0), one capture,
        // then the chain read bit by bit. The card's idle outputs are at their places
        // (`s_ready` and `st_idle` high, everything else low) and the firmware id follows.
        let harness = timing_harness(&card()).unwrap();
        let model = Verilated::build(
            "fpga-harness",
            &harness.verilog,
            &[
                Port {
                    name: "din",
                    bits: 1,
                },
                Port {
                    name: "update",
                    bits: 1,
                },
                Port {
                    name: "capture",
                    bits: 1,
                },
            ],
            &[Port {
                name: "dout",
                bits: 1,
            }],
        )
        .unwrap();
        let chain = (harness.output_bits + FIRMWARE_ID_BITS) as usize;
        // Cycle k's inputs are sampled at its rising edge: update at 4 (in_r takes zeros),
        // capture at 16 (registered at 16, loaded at 17), the chain's bit 0 on dout in
        // cycle 18.
        let mut cycles = vec![vec![0, 0, 0]; 18 + chain + 2];
        cycles[4][1] = 1;
        cycles[16][2] = 1;
        let out = model.run(&cycles).unwrap();
        let bits: Vec<u64> = out[18..18 + chain].iter().map(|v| v[0]).collect();
        let mut at = 0;
        let mut expected = Vec::new();
        for port in harness.ports.iter().filter(|p| p.output) {
            let high = matches!(port.name.as_str(), "s_ready" | "st_idle");
            expected.extend((0..port.bits).map(|bit| u64::from(high && bit == 0)));
            at += port.bits;
        }
        assert_eq!(at, harness.output_bits);
        expected.extend((0..FIRMWARE_ID_BITS).map(|bit| (harness.firmware_id >> bit) & 1));
        assert_eq!(bits, expected);
        // Past the chain, zeros.
        assert!(out[18 + chain..].iter().all(|v| v[0] == 0));
    }
}
