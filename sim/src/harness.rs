//! The cycle harness: drives one rust-hdl block directly, one clock at a time.
//!
//! A cycle is: the caller sets inputs; [`Harness::settle`] propagates combinational logic;
//! the caller samples outputs; [`Harness::tick`] applies a rising then a falling clock edge
//! (settled together: see there).
//! The Verilator runner uses exactly the same order, so per-cycle samples are comparable.

use std::io::Write;

use rust_hdl::core::vcd_probe::{write_vcd_change, write_vcd_header, VCDProbe};
use rust_hdl::prelude::*;

use crate::Error;

/// A block with one clock input.
pub trait Clocked: Block {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock>;

    /// Take the values just written to the block's own input signals (`update_all` on each).
    /// rust-hdl's derived `update_all` runs a block's `update` before it latches the block's
    /// own signals, so without this the first evaluation after new inputs (or a clock edge)
    /// only latches them. Purely a speed-up: an input left out is latched one evaluation
    /// later, as before, with the same result.
    fn latch_inputs(&mut self) {}
}

/// Combinational settling bound: more iterations than this means the logic oscillates.
const SETTLE_ITERATIONS_MAX: usize = 1_000;

/// Drives `uut` cycle by cycle; optionally records a VCD.
pub struct Harness<B: Clocked> {
    pub uut: B,
    cycle: u64,
    iterations: u64,
    vcd: Option<VCDProbe<Box<dyn Write>>>,
}

impl<B: Clocked> Harness<B> {
    pub fn new(mut uut: B) -> Harness<B> {
        uut.connect_all();
        let mut harness = Harness {
            uut,
            cycle: 0,
            iterations: 0,
            vcd: None,
        };
        harness.settle();
        harness
    }

    /// Record every signal change from now on into `writer` as a VCD (one clock = 2 ns).
    pub fn record_vcd(&mut self, writer: Box<dyn Write>) {
        self.vcd = Some(write_vcd_header(writer, &self.uut));
    }

    /// Record a VCD into the file at `path`.
    pub fn record_vcd_file(&mut self, path: &std::path::Path) -> Result<(), Error> {
        let file = std::fs::File::create(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        self.record_vcd(Box::new(std::io::BufWriter::new(file)));
        Ok(())
    }

    /// Propagate combinational logic after inputs changed. Panics if it does not converge
    /// (a combinational loop is a design bug).
    pub fn settle(&mut self) {
        self.settle_edge(false);
    }

    /// Settle; with `pulse`, the clock input is lowered again after the first evaluation, so
    /// that the falling edge travels down the hierarchy one evaluation behind the rising one
    /// and settles together with the logic that the rising edge set off (see [`Harness::tick`]).
    fn settle_edge(&mut self, pulse: bool) {
        self.uut.latch_inputs();
        for i in 0..SETTLE_ITERATIONS_MAX {
            self.iterations += 1;
            self.uut.update_all();
            if pulse && i == 0 {
                self.uut.clock_signal().next = Clock { clk: false };
                self.uut.latch_inputs();
                continue;
            }
            if !self.uut.has_changed() {
                return;
            }
        }
        panic!("logic did not settle at cycle {}", self.cycle);
    }

    /// Evaluations of the whole design so far (each `settle` takes at least one).
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// One full clock: a rising then a falling edge.
    ///
    /// rust-hdl hands a clock down the hierarchy one evaluation per block boundary, and every
    /// register and RAM acts in the evaluation after its own clock input changed. So the
    /// falling edge can follow the rising one by a single evaluation: each clock signal still
    /// sees the high level for exactly one evaluation, in order, and every edge-triggered
    /// element fires exactly once, on the values its inputs held before the edge. No block
    /// uses the clock's level. This saves settling the falling edge on its own (several
    /// evaluations of the whole design per cycle). With a VCD being recorded, the two edges
    /// are settled and dumped separately, as a waveform viewer expects.
    pub fn tick(&mut self) {
        self.uut.clock_signal().next = Clock { clk: true };
        if self.vcd.is_some() {
            self.settle();
            self.dump(true);
            self.uut.clock_signal().next = Clock { clk: false };
            self.settle();
            self.dump(false);
        } else {
            self.settle_edge(true);
        }
        self.cycle += 1;
    }

    fn dump(&mut self, high: bool) {
        if let Some(vcd) = self.vcd.take() {
            let mut vcd = vcd;
            let time_ps = self.cycle * 2_000 + if high { 1_000 } else { 2_000 };
            vcd.timestamp(time_ps).expect("vcd write");
            self.vcd = Some(write_vcd_change(vcd, &self.uut));
        }
    }

    /// Cycles ticked so far.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }
}

impl Clocked for hdl::Stamper {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::PriorityBitmap {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::OrderPool {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::Validator {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::Deserializer {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::LevelQueues {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::EventSerializer {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::Reorder {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::Matcher {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::Card {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
    fn latch_inputs(&mut self) {
        let u = self;
        u.clock.update_all();
        u.cfg_valid.update_all();
        u.cfg_address.update_all();
        u.cfg_data.update_all();
        u.s_valid.update_all();
        u.s_data0.update_all();
        u.s_data1.update_all();
        u.s_data2.update_all();
        u.s_data3.update_all();
        u.s_data4.update_all();
        u.s_data5.update_all();
        u.s_data6.update_all();
        u.s_data7.update_all();
        u.s_arrival_ns.update_all();
        u.s_signature_ok.update_all();
        u.m_ready.update_all();
    }
}

impl Clocked for hdl::uart::UartTx {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::uart::UartRx {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::crc32::Crc32 {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::link_deframer::LinkDeframer {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::link_framer::LinkFramer {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::board_link::BoardLink {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl<D: rust_hdl::prelude::Synth, const N: usize> Clocked for hdl::bram::Bram<D, N> {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

impl Clocked for hdl::mul16::Mul16 {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}
