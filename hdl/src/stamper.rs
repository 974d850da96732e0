//! Ingress stamper: gives each arriving message its sequencer stamp by the contract's rule
//! `stamp = max(arrival_ns, previous stamp)` (docs/abi.md §9), so stamps never go backwards
//! and a stalled ingress delays a message without changing its stamp.
//!
//! Ports (valid/ready on both streams; a transfer happens when valid and ready are both high
//! at a rising clock edge):
//! - `clock`;
//! - `s_valid`, `s_ready`, `s_arrival_ns` (64 bits): arrival times, in arrival order;
//! - `m_valid`, `m_ready`, `m_stamp_ns` (64 bits): stamps, in the same order.
//!
//! Latency 1 cycle; throughput 1 message per cycle while `m_ready` is high. `s_ready` is
//! combinational from `m_ready` (a pipeline register, not a skid buffer): the output register
//! is free when empty or being drained this cycle.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Stamper {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_arrival_ns: Signal<In, Bits<64>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_stamp_ns: Signal<Out, Bits<64>>,
    out_valid: DFF<Bit>,
    /// The latest stamp, which is also the stamp on the output (stamps never go back).
    last_stamp: DFF<Bits<64>>,
}

impl Logic for Stamper {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, out_valid, last_stamp);
        self.m_valid.next = self.out_valid.q.val();
        self.m_stamp_ns.next = self.last_stamp.q.val();
        self.s_ready.next = !self.out_valid.q.val() | self.m_ready.val();
        if self.m_ready.val() {
            self.out_valid.d.next = false;
        }
        if self.s_valid.val() & (!self.out_valid.q.val() | self.m_ready.val()) {
            self.out_valid.d.next = true;
            if self.s_arrival_ns.val() > self.last_stamp.q.val() {
                self.last_stamp.d.next = self.s_arrival_ns.val();
            }
        }
    }
}

/// The pure-Rust model: the stamps for a run of arrival times.
pub fn model(arrivals_ns: &[u64]) -> Vec<u64> {
    let mut last = 0u64;
    arrivals_ns
        .iter()
        .map(|&arrival| {
            last = last.max(arrival);
            last
        })
        .collect()
}

/// The Verilog of a Stamper as a top module.
pub fn verilog() -> String {
    let mut uut = Stamper::default();
    uut.connect_all();
    generate_verilog(&uut)
}
