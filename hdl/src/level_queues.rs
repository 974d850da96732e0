//! Level queues: the FIFOs of resting orders, one per price level of every book side, as
//! doubly linked lists through the order slots (the structure of `host::engine::book`, in
//! block RAM). A level is addressed by 16 bits (book 3 ‖ side 1 ‖ priority key 12); a slot by
//! 14 bits (the order pool's).
//!
//! Commands on a valid/ready stream, one at a time, one response each (`m_slot`, `m_flag`):
//! - `s_op` 0, push `s_slot` at the tail of `s_level`: flag = the level was empty (the
//!   matcher then marks its bitmap);
//! - `s_op` 1, remove `s_slot` from `s_level` (anywhere in the FIFO): flag = the level is
//!   now empty (the matcher unmarks it);
//! - `s_op` 2, head of `s_level`: slot and flag = non-empty;
//! - `s_op` 3, next after `s_slot` in its level: slot and flag = exists.
//!
//! When the flag of a head or next response is 0 the slot is unspecified.
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_op` (2), `s_level` (16), `s_slot` (14);
//! `m_valid`, `m_ready`, `m_slot` (14), `m_flag`.
//!
//! Latency (accept to response valid): 3 cycles for head and next (wait, read, respond), 4
//! for remove and for a push onto an empty level (wait, read, write, respond), 5 for a push
//! onto an occupied level (the old tail's link is a second write to the same RAM). The
//! tables are [`Bram`]s: addressed at accept, their data two cycles later out of the
//! DP16KDs' output registers (the 64K-deep level table's bank chosen after them), so no cycle
//! starts at a RAM's slow unregistered output. Links are 15-bit
//! words, bit 14 = "present", so a missing neighbour needs no sentinel.
//!
//! RAM: levels 65,536 × 28 bits (head, tail), links 2 × 16,384 × 15 bits.

use rust_hdl::prelude::*;

use crate::bram::Bram;

pub const OP_PUSH: u64 = 0;
pub const OP_REMOVE: u64 = 1;
pub const OP_HEAD: u64 = 2;
pub const OP_NEXT: u64 = 3;
/// Levels addressable (8 books × 2 sides × 4,096 keys).
pub const LEVELS: usize = 1 << 16;
/// Order slots.
pub const SLOTS: usize = 1 << 14;

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum QueueState {
    Idle,
    Wait,
    Read,
    Write,
    LinkTail,
    Respond,
}

#[derive(LogicBlock, Default)]
pub struct LevelQueues {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_op: Signal<In, Bits<2>>,
    pub s_level: Signal<In, Bits<16>>,
    pub s_slot: Signal<In, Bits<14>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_slot: Signal<Out, Bits<14>>,
    pub m_flag: Signal<Out, Bit>,
    /// Per level: head (bits 0..14), tail (14..28), meaningful when `occupied`.
    levels: Bram<Bits<28>, 16>,
    occupied: Bram<Bit, 16>,
    /// Per slot: previous / next slot in its level, bit 14 = present.
    prev: Bram<Bits<15>, 14>,
    next: Bram<Bits<15>, 14>,
    state: DFF<QueueState>,
    op: DFF<Bits<2>>,
    level: DFF<Bits<16>>,
    slot: DFF<Bits<14>>,
    out_slot: DFF<Bits<14>>,
    out_flag: DFF<Bit>,
    /// Values read in Read, used in Write.
    head: DFF<Bits<14>>,
    tail: DFF<Bits<14>>,
    was_occupied: DFF<Bit>,
    slot_prev: DFF<Bits<15>>,
    slot_next: DFF<Bits<15>>,
}

impl Logic for LevelQueues {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            op,
            level,
            slot,
            out_slot,
            out_flag,
            head,
            tail,
            was_occupied,
            slot_prev,
            slot_next
        );
        self.levels.clock.next = self.clock.val();
        self.occupied.clock.next = self.clock.val();
        self.prev.clock.next = self.clock.val();
        self.next.clock.next = self.clock.val();
        // Reads only at accept (Idle), so a read never meets a write.
        self.levels.read_enable.next = false;
        self.occupied.read_enable.next = false;
        self.prev.read_enable.next = false;
        self.next.read_enable.next = false;
        // Defaults: addressed at the command's level/slot, write nothing.
        self.levels.read_address.next = self.s_level.val();
        self.occupied.read_address.next = self.s_level.val();
        self.prev.read_address.next = self.s_slot.val();
        self.next.read_address.next = self.s_slot.val();
        self.levels.write_address.next = self.level.q.val();
        self.levels.write_data.next =
            (bit_cast::<28, 14>(self.tail.q.val()) << 14) | bit_cast::<28, 14>(self.head.q.val());
        self.levels.write_enable.next = false;
        self.occupied.write_address.next = self.level.q.val();
        self.occupied.write_data.next = true;
        self.occupied.write_enable.next = false;
        self.prev.write_address.next = self.slot.q.val();
        self.prev.write_data.next = 0.into();
        self.prev.write_enable.next = false;
        self.next.write_address.next = self.slot.q.val();
        self.next.write_data.next = 0.into();
        self.next.write_enable.next = false;
        self.s_ready.next = false;
        self.m_valid.next = false;
        self.m_slot.next = self.out_slot.q.val();
        self.m_flag.next = self.out_flag.q.val();
        match self.state.q.val() {
            QueueState::Idle => {
                self.s_ready.next = true;
                self.levels.read_enable.next = true;
                self.occupied.read_enable.next = true;
                self.prev.read_enable.next = true;
                self.next.read_enable.next = true;
                if self.s_valid.val() {
                    self.op.d.next = self.s_op.val();
                    self.level.d.next = self.s_level.val();
                    self.slot.d.next = self.s_slot.val();
                    self.state.d.next = QueueState::Wait;
                }
            }
            QueueState::Wait => {
                self.state.d.next = QueueState::Read;
            }
            QueueState::Read => {
                self.head.d.next = bit_cast::<14, _>(self.levels.read_data.val());
                self.tail.d.next = self.levels.read_data.val().get_bits::<14>(14);
                self.was_occupied.d.next = self.occupied.read_data.val();
                self.slot_prev.d.next = self.prev.read_data.val();
                self.slot_next.d.next = self.next.read_data.val();
                self.state.d.next = QueueState::Write;
                if self.op.q.val() == 2 {
                    self.out_slot.d.next = bit_cast::<14, _>(self.levels.read_data.val());
                    self.out_flag.d.next = self.occupied.read_data.val();
                    self.state.d.next = QueueState::Respond;
                }
                if self.op.q.val() == 3 {
                    self.out_slot.d.next = bit_cast::<14, _>(self.next.read_data.val());
                    self.out_flag.d.next = self.next.read_data.val().get_bit(14);
                    self.state.d.next = QueueState::Respond;
                }
            }
            QueueState::Write => {
                self.state.d.next = QueueState::Respond;
                self.out_slot.d.next = self.slot.q.val();
                if self.op.q.val() == 0 {
                    // Push at the tail: the slot's own links and the level now; the old
                    // tail's forward link next cycle (the `next` RAM has one write port).
                    self.out_flag.d.next = !self.was_occupied.q.val();
                    self.prev.write_enable.next = true;
                    self.next.write_enable.next = true;
                    self.levels.write_enable.next = true;
                    self.occupied.write_enable.next = true;
                    if self.was_occupied.q.val() {
                        self.prev.write_data.next = bit_cast::<15, 14>(self.tail.q.val()) | 0x4000;
                        self.levels.write_data.next = (bit_cast::<28, 14>(self.slot.q.val()) << 14)
                            | bit_cast::<28, 14>(self.head.q.val());
                        self.state.d.next = QueueState::LinkTail;
                    } else {
                        self.levels.write_data.next = (bit_cast::<28, 14>(self.slot.q.val()) << 14)
                            | bit_cast::<28, 14>(self.slot.q.val());
                    }
                }
                if self.op.q.val() == 1 {
                    // Remove: neighbours' links in this cycle (prev.next and next.prev use
                    // the two RAMs' write ports), the level's head/tail too.
                    self.next.write_address.next = bit_cast::<14, _>(self.slot_prev.q.val());
                    self.next.write_data.next = self.slot_next.q.val();
                    self.next.write_enable.next = self.slot_prev.q.val().get_bit(14);
                    self.prev.write_address.next = bit_cast::<14, _>(self.slot_next.q.val());
                    self.prev.write_data.next = self.slot_prev.q.val();
                    self.prev.write_enable.next = self.slot_next.q.val().get_bit(14);
                    self.levels.write_enable.next = true;
                    self.levels.write_data.next = (bit_cast::<28, 14>(self.tail.q.val()) << 14)
                        | bit_cast::<28, 14>(self.head.q.val());
                    if self.head.q.val() == self.slot.q.val() {
                        self.levels.write_data.next = (bit_cast::<28, 14>(self.tail.q.val()) << 14)
                            | bit_cast::<28, 14>(bit_cast::<14, _>(self.slot_next.q.val()));
                    }
                    if self.tail.q.val() == self.slot.q.val() {
                        self.levels.write_data.next =
                            (bit_cast::<28, 14>(bit_cast::<14, _>(self.slot_prev.q.val())) << 14)
                                | bit_cast::<28, 14>(self.head.q.val());
                    }
                    self.out_flag.d.next =
                        !self.slot_prev.q.val().get_bit(14) & !self.slot_next.q.val().get_bit(14);
                    if !self.slot_prev.q.val().get_bit(14) & !self.slot_next.q.val().get_bit(14) {
                        self.occupied.write_enable.next = true;
                        self.occupied.write_data.next = false;
                    }
                }
            }
            QueueState::LinkTail => {
                self.next.write_address.next = self.tail.q.val();
                self.next.write_data.next = bit_cast::<15, 14>(self.slot.q.val()) | 0x4000;
                self.next.write_enable.next = true;
                self.state.d.next = QueueState::Respond;
            }
            QueueState::Respond => {
                self.m_valid.next = true;
                if self.m_ready.val() {
                    self.state.d.next = QueueState::Idle;
                }
            }
        }
    }
}

/// The pure-Rust model: one FIFO per level.
#[derive(Debug, Clone, Default)]
pub struct Model {
    levels: std::collections::BTreeMap<u16, std::collections::VecDeque<u16>>,
}

impl Model {
    /// Apply one command; returns (slot, flag) as the block responds.
    pub fn apply(&mut self, op: u64, level: u16, slot: u16) -> (u16, bool) {
        match op {
            OP_PUSH => {
                let queue = self.levels.entry(level).or_default();
                assert!(!queue.contains(&slot), "slot {slot} pushed twice");
                queue.push_back(slot);
                (slot, queue.len() == 1)
            }
            OP_REMOVE => {
                let queue = self.levels.get_mut(&level).expect("level has the slot");
                let at = queue
                    .iter()
                    .position(|&s| s == slot)
                    .expect("slot is queued");
                queue.remove(at);
                let emptied = queue.is_empty();
                if emptied {
                    self.levels.remove(&level);
                }
                (slot, emptied)
            }
            OP_HEAD => match self.levels.get(&level).and_then(|q| q.front()) {
                Some(&head) => (head, true),
                None => (0, false),
            },
            OP_NEXT => {
                let queue = self
                    .levels
                    .values()
                    .find(|q| q.contains(&slot))
                    .expect("slot is queued");
                let at = queue.iter().position(|&s| s == slot).unwrap();
                match queue.get(at + 1) {
                    Some(&next) => (next, true),
                    None => (0, false),
                }
            }
            _ => panic!("undefined opcode {op}"),
        }
    }
}

/// The Verilog of a LevelQueues as a top module.
pub fn verilog() -> String {
    let mut uut = LevelQueues::default();
    uut.connect_all();
    generate_verilog(&uut)
}
