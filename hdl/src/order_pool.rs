//! Order pool: issues exchange order ids by the contract (docs/abi.md §10) — slots from a
//! LIFO free list that initially holds 0, 1, 2, … (0 on top), each slot with a generation
//! that advances on every issue (wrapping from u32::MAX to 1), an id being
//! `generation << 32 | slot`.
//!
//! The initial list is not stored: slots never issued are handed out from a `fresh` counter
//! once the stack of released slots is empty. That is the same order as the contract's list
//! (released slots sit on top of the untouched remainder 0, 1, 2, …), without a 16,384-entry
//! RAM initialisation.
//!
//! Commands on a valid/ready stream, one at a time, one response each:
//! - `s_op` 0, allocate: responds `m_ok` (0 when every slot is in use), `m_slot`,
//!   `m_generation` (the id just issued);
//! - `s_op` 1, release `s_slot`: pushes it on the stack; responds `m_ok` = 1 and the slot.
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_op` (1 bit), `s_slot` (14 bits); `m_valid`,
//! `m_ready`, `m_ok`, `m_slot` (14 bits), `m_generation` (32 bits).
//!
//! Latency 3 cycles (accept, wait for the RAMs, data, respond); one command in flight.
//! Capacity [`SLOTS`] = 16,384, the ECP5 configuration's `orders_resting_max`. The tables
//! are [`Bram`]s (the DP16KD's output register): the slot to take is addressed at accept,
//! its link and generation arrive two cycles later, and the cycle that uses them holds only
//! the generation's increment (a 32-bit carry chain) and the stack's update — so no cycle
//! starts at a RAM's slow unregistered output (docs/hardware.md, "What the ECP5 allows").

use rust_hdl::prelude::*;

use crate::bram::Bram;

/// Opcode: issue an id.
pub const OP_ALLOCATE: u64 = 0;
/// Opcode: return a slot.
pub const OP_RELEASE: u64 = 1;
/// Slots in the pool.
pub const SLOTS: usize = 16_384;

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum PoolState {
    Idle,
    Wait,
    Read,
    Respond,
}

#[derive(LogicBlock, Default)]
pub struct OrderPool {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_op: Signal<In, Bit>,
    pub s_slot: Signal<In, Bits<14>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_ok: Signal<Out, Bit>,
    pub m_slot: Signal<Out, Bits<14>>,
    pub m_generation: Signal<Out, Bits<32>>,
    /// Free-stack links: bit 14 set when the entry below exists, bits 0..14 its slot.
    links: Bram<Bits<15>, 14>,
    generations: Bram<Bits<32>, 14>,
    /// Top of the stack of released slots, valid when `stacked`.
    head: DFF<Bits<14>>,
    stacked: DFF<Bit>,
    /// Next never-issued slot; `fresh_exhausted` once all have been issued. (Registers start
    /// at zero in both simulators, so the flag is stated so that zero is the reset state.)
    fresh: DFF<Bits<14>>,
    fresh_exhausted: DFF<Bit>,
    state: DFF<PoolState>,
    op: DFF<Bit>,
    slot: DFF<Bits<14>>,
    ok: DFF<Bit>,
    generation: DFF<Bits<32>>,
    /// The allocation's new generation is written in Respond, from `generation` (a register,
    /// not the increment's carry chain, drives the 32 RAMs' data pins).
    generation_write: DFF<Bit>,
    /// The slot an allocation takes (head of the stack, else fresh).
    take: Signal<Local, Bits<14>>,
    next_generation: Signal<Local, Bits<32>>,
}

impl Logic for OrderPool {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            head,
            stacked,
            fresh,
            fresh_exhausted,
            state,
            op,
            slot,
            ok,
            generation,
            generation_write
        );
        self.links.clock.next = self.clock.val();
        self.generations.clock.next = self.clock.val();
        self.links.read_enable.next = false;
        self.generations.read_enable.next = false;
        self.take.next = self.fresh.q.val();
        if self.stacked.q.val() {
            self.take.next = self.head.q.val();
        }
        self.links.read_address.next = self.take.val();
        self.generations.read_address.next = self.take.val();
        self.links.write_address.next = self.slot.q.val();
        self.links.write_data.next = bit_cast::<15, 14>(self.head.q.val());
        if self.stacked.q.val() {
            self.links.write_data.next = bit_cast::<15, 14>(self.head.q.val()) | 0x4000;
        }
        self.links.write_enable.next = false;
        self.generations.write_address.next = self.slot.q.val();
        self.next_generation.next = self.generations.read_data.val() + 1;
        if self.generations.read_data.val().all() {
            self.next_generation.next = 1.into();
        }
        self.generations.write_data.next = self.generation.q.val();
        self.generations.write_enable.next = false;
        self.s_ready.next = false;
        self.m_valid.next = false;
        self.m_ok.next = self.ok.q.val();
        self.m_slot.next = self.slot.q.val();
        self.m_generation.next = self.generation.q.val();
        match self.state.q.val() {
            PoolState::Idle => {
                self.s_ready.next = true;
                // The slot an allocation would take, read now (its data two cycles later).
                self.links.read_enable.next = true;
                self.generations.read_enable.next = true;
                if self.s_valid.val() {
                    self.op.d.next = self.s_op.val();
                    self.slot.d.next = self.s_slot.val();
                    if !self.s_op.val() {
                        self.slot.d.next = self.take.val();
                    }
                    self.state.d.next = PoolState::Wait;
                }
            }
            PoolState::Wait => {
                self.state.d.next = PoolState::Read;
            }
            PoolState::Read => {
                self.state.d.next = PoolState::Respond;
                self.ok.d.next = true;
                self.generation.d.next = 0.into();
                if self.op.q.val() {
                    // Release: link the slot above the current top.
                    self.links.write_enable.next = true;
                    self.head.d.next = self.slot.q.val();
                    self.stacked.d.next = true;
                } else {
                    if self.stacked.q.val() {
                        self.generation_write.d.next = true;
                        self.generation.d.next = self.next_generation.val();
                        self.head.d.next = bit_cast::<14, _>(self.links.read_data.val());
                        self.stacked.d.next = self.links.read_data.val().get_bit(14);
                    } else {
                        if self.fresh_exhausted.q.val() {
                            self.ok.d.next = false;
                        } else {
                            self.generation_write.d.next = true;
                            self.generation.d.next = self.next_generation.val();
                            self.fresh.d.next = self.fresh.q.val() + 1;
                            if self.fresh.q.val().all() {
                                self.fresh_exhausted.d.next = true;
                            }
                        }
                    }
                }
            }
            PoolState::Respond => {
                // The new generation (rewritten each cycle the response waits: the same value).
                self.generations.write_enable.next = self.generation_write.q.val();
                self.m_valid.next = true;
                if self.m_ready.val() {
                    self.generation_write.d.next = false;
                    self.state.d.next = PoolState::Idle;
                }
            }
        }
    }
}

/// The pure-Rust model: the contract's free list as a stack.
#[derive(Debug, Clone)]
pub struct Model {
    free: Vec<u32>,
    generations: Vec<u32>,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            free: (0..SLOTS as u32).rev().collect(),
            generations: vec![0; SLOTS],
        }
    }
}

impl Model {
    /// Issue an id: (slot, generation), or None when every slot is in use.
    pub fn allocate(&mut self) -> Option<(u32, u32)> {
        let slot = self.free.pop()?;
        let g = &mut self.generations[slot as usize];
        *g = if *g == u32::MAX { 1 } else { *g + 1 };
        Some((slot, *g))
    }

    pub fn release(&mut self, slot: u32) {
        assert!(!self.free.contains(&slot), "slot {slot} released twice");
        self.free.push(slot);
    }
}

/// The Verilog of an OrderPool as a top module.
pub fn verilog() -> String {
    let mut uut = OrderPool::default();
    uut.connect_all();
    generate_verilog(&uut)
}
