//! The cycle harness: drives one rust-hdl block directly, one clock at a time.
//!
//! A cycle is: the caller sets inputs; [`Harness::settle`] propagates combinational logic;
//! the caller samples outputs; [`Harness::tick`] applies a rising then a falling clock edge
//! (the falling edge settles with the next cycle's inputs).
//! The Verilator runner uses exactly the same order, so per-cycle samples are comparable.

use std::io::Write;

use rust_hdl::core::vcd_probe::{write_vcd_change, write_vcd_header, VCDProbe};
use rust_hdl::prelude::*;

use crate::Error;

/// A block with one clock input.
pub trait Clocked: Block {
    fn clock_signal(&mut self) -> &mut Signal<In, Clock>;
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
        for _ in 0..SETTLE_ITERATIONS_MAX {
            self.iterations += 1;
            self.uut.update_all();
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

    /// One full clock: the rising edge, settled; then the falling edge, which is settled by
    /// the next [`Harness::settle`] together with that cycle's inputs (no block acts on a
    /// falling edge, so this saves an evaluation of the whole design per cycle and changes
    /// no value). With a VCD being recorded, the falling edge is settled and dumped on its own.
    pub fn tick(&mut self) {
        self.uut.clock_signal().next = Clock { clk: true };
        self.settle();
        self.dump(true);
        self.uut.clock_signal().next = Clock { clk: false };
        if self.vcd.is_some() {
            self.settle();
            self.dump(false);
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
}
