//! Reorder buffer: signature engines finish out of order; the sequencer must see messages
//! in arrival order (the fairness promise). Ingress tags each message with its arrival
//! number modulo [`WINDOW`]; engines report `(tag, verdict)` in any order; this block
//! releases verdicts strictly in tag order, one per cycle, as soon as the next one is in.
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_tag` (5 bits), `s_ok` (signature verdict);
//! `m_valid`, `m_ready`, `m_tag` (5 bits), `m_ok`.
//!
//! Contract with the producer: at most [`WINDOW`] messages in flight (tags `head ..
//! head + 31`), each tag reported once; `s_ready` is always high (storage is per tag).
//! Latency: a verdict whose tag is next leaves on the following cycle; throughput 1/cycle.

use rust_hdl::prelude::*;

/// Messages in flight between ingress and the sequencer.
pub const WINDOW: usize = 32;

#[derive(LogicBlock, Default)]
pub struct Reorder {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_tag: Signal<In, Bits<5>>,
    pub s_ok: Signal<In, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_tag: Signal<Out, Bits<5>>,
    pub m_ok: Signal<Out, Bit>,
    /// Bit t: tag t's verdict has arrived and not left yet.
    present: DFF<Bits<32>>,
    /// Bit t: tag t's verdict.
    verdicts: DFF<Bits<32>>,
    /// The next tag to release.
    head: DFF<Bits<5>>,
    present_next: Signal<Local, Bits<32>>,
}

impl Logic for Reorder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, present, verdicts, head);
        self.s_ready.next = true;
        self.m_valid.next = self.present.q.val().get_bit(self.head.q.val().index());
        self.m_tag.next = self.head.q.val();
        self.m_ok.next = self.verdicts.q.val().get_bit(self.head.q.val().index());
        self.present_next.next = self.present.q.val();
        if self.m_valid.val() & self.m_ready.val() {
            self.present_next.next = self
                .present
                .q
                .val()
                .replace_bit(self.head.q.val().index(), false);
            self.head.d.next = self.head.q.val() + 1;
        }
        if self.s_valid.val() {
            self.present_next.next = self
                .present_next
                .val()
                .replace_bit(self.s_tag.val().index(), true);
            self.verdicts.d.next = self
                .verdicts
                .q
                .val()
                .replace_bit(self.s_tag.val().index(), self.s_ok.val());
        }
        self.present.d.next = self.present_next.val();
    }
}

/// The Verilog of a Reorder as a top module.
pub fn verilog() -> String {
    let mut uut = Reorder::default();
    uut.connect_all();
    generate_verilog(&uut)
}
