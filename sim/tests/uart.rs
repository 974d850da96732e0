//! The UART blocks (the dev board's host link) against their models, each other, Verilator
//! and yosys.

use hdl::uart::{model_line, model_receive, rx_verilog, tx_verilog, UartRx, UartTx};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const TX_INPUTS: [Port; 3] = [
    Port {
        name: "s_valid",
        bits: 1,
    },
    Port {
        name: "s_data",
        bits: 8,
    },
    Port {
        name: "divisor",
        bits: 16,
    },
];
const TX_OUTPUTS: [Port; 2] = [
    Port {
        name: "s_ready",
        bits: 1,
    },
    Port {
        name: "tx",
        bits: 1,
    },
];
const RX_INPUTS: [Port; 3] = [
    Port {
        name: "rx",
        bits: 1,
    },
    Port {
        name: "divisor",
        bits: 16,
    },
    Port {
        name: "m_ready",
        bits: 1,
    },
];
const RX_OUTPUTS: [Port; 4] = [
    Port {
        name: "m_valid",
        bits: 1,
    },
    Port {
        name: "m_data",
        bits: 8,
    },
    Port {
        name: "m_overrun",
        bits: 1,
    },
    Port {
        name: "m_frame_error",
        bits: 1,
    },
];

fn random_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    (0..n).map(|_| rng.next_u64() as u8).collect()
}

/// A transmitter's run: the line per cycle and the recorded vectors.
struct TxRun {
    line: Vec<bool>,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
}

/// Offer `bytes` to a UartTx (each after an idle gap of up to `gap_max` cycles once the
/// previous was taken), then run until the line has been idle for two bit periods.
fn transmit(bytes: &[u8], divisor: u16, gap_max: u64, seed: u64) -> TxRun {
    let mut h = Harness::new(UartTx::default());
    let mut rng = SplitMix64::new(seed);
    let (mut next, mut wait) = (0usize, 0u64);
    let mut run = TxRun {
        line: Vec::new(),
        inputs: Vec::new(),
        outputs: Vec::new(),
    };
    let mut idle = 0u64;
    while next < bytes.len() || idle < 2 * u64::from(divisor) * 10 {
        let offer = next < bytes.len() && wait == 0;
        let data = bytes.get(next).copied().unwrap_or(0);
        h.uut.s_valid.next = offer;
        h.uut.s_data.next = u64::from(data).into();
        h.uut.divisor.next = u64::from(divisor).into();
        h.settle();
        let (ready, tx) = (h.uut.s_ready.val(), h.uut.tx.val());
        run.inputs
            .push(vec![u64::from(offer), u64::from(data), u64::from(divisor)]);
        run.outputs.push(vec![u64::from(ready), u64::from(tx)]);
        run.line.push(tx);
        if offer && ready {
            next += 1;
            wait = if gap_max == 0 {
                0
            } else {
                rng.below(gap_max + 1)
            };
        } else {
            wait = wait.saturating_sub(1);
        }
        idle = if tx && next == bytes.len() {
            idle + 1
        } else {
            0
        };
        h.tick();
    }
    run
}

/// What a UartRx makes of `line` (one level per cycle), the sink ready with probability
/// `ready_percent`: bytes, overruns, framing errors, and the recorded vectors.
struct RxRun {
    bytes: Vec<u8>,
    overruns: usize,
    frame_errors: usize,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
}

fn receive(line: &[bool], divisor: u16, ready_percent: u64, seed: u64) -> RxRun {
    let mut h = Harness::new(UartRx::default());
    let mut rng = SplitMix64::new(seed);
    let mut run = RxRun {
        bytes: Vec::new(),
        overruns: 0,
        frame_errors: 0,
        inputs: Vec::new(),
        outputs: Vec::new(),
    };
    // The line, then idle long enough for the last byte to come out.
    let tail = std::iter::repeat_n(true, 4 * usize::from(divisor) + 8);
    for level in line.iter().copied().chain(tail) {
        let ready = rng.chance(ready_percent);
        h.uut.rx.next = level;
        h.uut.divisor.next = u64::from(divisor).into();
        h.uut.m_ready.next = ready;
        h.settle();
        let u = &h.uut;
        let (valid, data) = (u.m_valid.val(), u.m_data.val().to_u64());
        let (overrun, error) = (u.m_overrun.val(), u.m_frame_error.val());
        run.inputs
            .push(vec![u64::from(level), u64::from(divisor), u64::from(ready)]);
        run.outputs.push(vec![
            u64::from(valid),
            data,
            u64::from(overrun),
            u64::from(error),
        ]);
        if valid && ready {
            run.bytes.push(data as u8);
        }
        run.overruns += usize::from(overrun);
        run.frame_errors += usize::from(error);
        h.tick();
    }
    run
}

/// A line of `bytes` whose bit period is `period` cycles (fractional: a sender off the
/// receiver's rate), with random idle gaps and, for each byte index in `bad_stop`, a low
/// stop bit.
fn line_at(bytes: &[u8], period: f64, gap_max: u64, bad_stop: &[usize], seed: u64) -> Vec<bool> {
    let mut rng = SplitMix64::new(seed);
    let mut line = vec![true; 50];
    for (i, &byte) in bytes.iter().enumerate() {
        let gap = rng.below(gap_max + 1) as usize;
        line.extend(std::iter::repeat_n(true, gap));
        let start = line.len() as f64;
        let stop = !bad_stop.contains(&i);
        let levels: Vec<bool> = std::iter::once(false)
            .chain((0..8).map(|b| byte >> b & 1 == 1))
            .chain(std::iter::once(stop))
            .collect();
        let end = (start + 10.0 * period).round() as usize;
        for t in line.len()..end {
            let bit = (((t as f64) - start) / period) as usize;
            line.push(levels[bit.min(9)]);
        }
        if !stop {
            // Back to idle before the next frame can start.
            line.extend(std::iter::repeat_n(true, (2.0 * period) as usize));
        }
    }
    line
}

#[test]
fn tx_line_is_the_model_cycle_for_cycle() {
    // Proves the transmitter's line, bytes offered back to back, is exactly the model's: start
    // bit, 8 data bits LSB first and stop bit, `divisor` cycles each, no gap between frames,
    // starting the cycle after the first byte is taken.
    for divisor in [4u16, 5, 17, 40] {
        let bytes = random_bytes(u64::from(divisor), 300);
        let run = transmit(&bytes, divisor, 0, 1);
        let want = model_line(&bytes, usize::from(divisor), 1);
        assert_eq!(&run.line[..want.len()], &want[..], "divisor {divisor}");
        assert!(run.line[want.len()..].iter().all(|&l| l), "idle high after");
    }
}

#[test]
fn tx_with_gaps_decodes_to_its_bytes() {
    // Proves bytes offered with idle gaps between them leave intact: the model receiver reads
    // every byte back from the line, with no framing error.
    let bytes = random_bytes(7, 500);
    let run = transmit(&bytes, 9, 30, 2);
    assert_eq!(model_receive(&run.line, 9), (bytes, 0));
}

#[test]
fn rx_reads_lines_off_rate_with_gaps_glitches_and_framing_errors() {
    // Proves the receiver against the model receiver on the same lines: senders 3% slow and
    // 3% fast, random idle gaps, glitches shorter than half a bit while idle (ignored), and,
    // at the nominal rate, two low stop bits (frame errors, the bytes dropped). (Off rate, a
    // low stop bit runs into the next sample point and reads as a start bit — a break, as on
    // any UART — so the framing cases are at the nominal rate.)
    let divisor = 16u16;
    let bytes = random_bytes(3, 400);
    for (period, seed, bad) in [
        (16.0, 1, vec![10, 200]),
        (16.48, 2, vec![]),
        (15.52, 3, vec![]),
    ] {
        let mut line = line_at(&bytes, period, 40, &bad, seed);
        // Glitches: a few cycles low in the idle line before the first frame.
        for t in [5, 6, 7, 20, 21] {
            line[t] = false;
        }
        let run = receive(&line, divisor, 100, seed);
        let (model_bytes, model_errors) = model_receive(&line, usize::from(divisor));
        let mut want = bytes.clone();
        for &i in bad.iter().rev() {
            want.remove(i);
        }
        assert_eq!(model_bytes, want, "the model, period {period}");
        assert_eq!(model_errors, bad.len());
        assert_eq!(run.bytes, want, "period {period}");
        assert_eq!((run.frame_errors, run.overruns), (bad.len(), 0));
    }
}

#[test]
fn rx_reports_an_overrun_and_keeps_the_held_byte() {
    // Proves a byte that completes while the previous one is still held is dropped with an
    // overrun pulse, and the held byte is the first one.
    let line = line_at(&[0x5a, 0xa5, 0x3c], 8.0, 0, &[], 4);
    let run = receive(&line, 8, 0, 5);
    assert_eq!(run.overruns, 2);
    assert_eq!(run.outputs.last().unwrap()[..2], [1, 0x5a]);
}

#[test]
fn tx_to_rx_loopback_carries_every_byte() {
    // Proves the two blocks agree with each other: the transmitter's line fed into the
    // receiver, 2,000 random bytes with random gaps, at the shortest divisor and a common one.
    for (divisor, gap) in [(4u16, 3u64), (17, 50)] {
        let bytes = random_bytes(u64::from(divisor) + 100, 2_000);
        let tx = transmit(&bytes, divisor, gap, 6);
        let rx = receive(&tx.line, divisor, 100, 7);
        assert_eq!(rx.bytes, bytes, "divisor {divisor}");
        assert_eq!((rx.frame_errors, rx.overruns), (0, 0));
    }
}

#[test]
fn verilator_builds_match_rust_hdl_cycle_by_cycle() {
    // Proves both blocks' generated Verilog, built by Verilator after the -Wall lint, gives
    // the rust-hdl outputs on every cycle of recorded runs (gaps, a framing error, a glitch,
    // a sink so slow that bytes overrun).
    let bytes = random_bytes(11, 200);
    let tx = transmit(&bytes, 6, 20, 8);
    let difference = first_difference(
        "uart-tx",
        &tx_verilog(),
        &TX_INPUTS,
        &TX_OUTPUTS,
        &tx.inputs,
        &tx.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
    let mut line = line_at(&bytes, 12.0, 30, &[50], 9);
    line[10] = false;
    let rx = receive(&line, 12, 2, 10);
    assert!(
        rx.overruns > 0 && rx.frame_errors == 1,
        "the run exercises both"
    );
    let difference = first_difference(
        "uart-rx",
        &rx_verilog(),
        &RX_INPUTS,
        &RX_OUTPUTS,
        &rx.inputs,
        &rx.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

#[test]
fn synthesizes_for_ecp5() {
    // Proves both are latch-free and synthesize, with exactly their registers.
    let tx = sim::yosys::check("uart-tx", &tx_verilog()).expect("yosys");
    // The shift register's lowest bit (the bit on the line) is never read back: 9 + 4 + 16 + 1.
    assert_eq!(tx.flip_flops, 30, "{tx:?}");
    let rx = sim::yosys::check("uart-rx", &rx_verilog()).expect("yosys");
    println!("uart ECP5: tx {tx:?}, rx {rx:?}");
    assert_eq!(rx.block_rams + tx.block_rams, 0);
}
