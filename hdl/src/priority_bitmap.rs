//! Priority bitmaps over 4,096 keys for [`SIDES`] book sides: the structure that finds the
//! best price level of each side of each book (keys are the matcher's priority keys, so the
//! best level is the lowest set key; see `host::engine::book`; side number = book ‖ side, as
//! the matcher's tables). Two levels per side: 128 words of 32 bits (all sides' words in one
//! block RAM, address side ‖ word), and a 128-bit summary (one bit per non-empty word) as four
//! 16 × 32 LUT RAMs, one per summary word, read in parallel for the command's side.
//!
//! Commands on a valid/ready stream, one at a time, each on side `s_side`; one response per
//! command:
//! - `s_op` 0, set: mark `s_key`; responds found = 1, key = `s_key`;
//! - `s_op` 1, clear: unmark `s_key`; responds found = 1, key = `s_key`;
//! - `s_op` 2, first from: the lowest marked key ≥ `s_key`; responds found and key (0 when
//!   none).
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_op` (2 bits), `s_side` (4 bits), `s_key` (12
//! bits); `m_valid`, `m_ready`, `m_found`, `m_key` (12 bits).
//!
//! Latency (accept to response valid): set/clear 3 cycles; first-from 3 cycles when the
//! answer is in the key's own word or there is none, 5 when it is in a later word. The words
//! are a [`Bram`] (the DP16KD's output register: read data two cycles after the address), and
//! every cycle's logic is short (issue 12's timing closure; figures in docs/hardware.md):
//!
//! | state | does | logic after a register |
//! |---|---|---|
//! | Idle | accepts; addresses the key's word | the input key to the RAM's address |
//! | Wait | the side's summary words (out of their LUT RAMs' registers) searched, registered: per summary word, the first non-empty word after the key's (a mask, a [`Ctz32`]) | mask, ctz (~5 LUT levels) |
//! | Data | set/clear: the word written back, whether it is empty now registered; first-from: the masked word's lowest bit, the later word read (speculatively) | RAM output → mask → [`Ctz32`] → result (~6 levels) |
//! | Wait2, Scan | first-from in a later word: its lowest bit | RAM output → [`Ctz32`] |
//! | Respond | the response until taken; the summary bit of a set, or of a clear that emptied its word, written | summary LUT RAM output → bit → its write |
//!
//! One command in flight at a time, so a read never meets a write to the same address in
//! one cycle (the Bram refuses it) and no forwarding is needed.

use rust_hdl::prelude::*;

use crate::bram::Bram;
use crate::ctz32::Ctz32;

/// Opcode: mark a key.
pub const OP_SET: u64 = 0;
/// Opcode: unmark a key.
pub const OP_CLEAR: u64 = 1;
/// Opcode: lowest marked key at or above the given one.
pub const OP_FIRST_FROM: u64 = 2;
/// Keys the bitmap holds per side.
pub const KEYS: usize = 4096;
/// Book sides (book ‖ side: the card's 8 books × 2).
pub const SIDES: usize = 16;

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum BitmapState {
    Idle,
    Wait,
    Data,
    Wait2,
    Scan,
    Respond,
}

#[derive(LogicBlock, Default)]
pub struct PriorityBitmap {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_op: Signal<In, Bits<2>>,
    pub s_side: Signal<In, Bits<4>>,
    pub s_key: Signal<In, Bits<12>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_found: Signal<Out, Bit>,
    pub m_key: Signal<Out, Bits<12>>,
    /// Address side ‖ word.
    words: Bram<Bits<32>, 11>,
    /// Summary word j of every side (address side): words 32j..32j+31's non-empty bits.
    summary0: RAM<Bits<32>, 4>,
    summary1: RAM<Bits<32>, 4>,
    summary2: RAM<Bits<32>, 4>,
    summary3: RAM<Bits<32>, 4>,
    side: DFF<Bits<4>>,
    state: DFF<BitmapState>,
    op: DFF<Bits<2>>,
    key: DFF<Bits<12>>,
    found: DFF<Bit>,
    result: DFF<Bits<12>>,
    /// Registered at accept, from the key: its bits at or above it in its word, and the
    /// summary bits above its word in its summary register.
    ge_mask: DFF<Bits<32>>,
    after_mask: DFF<Bits<32>>,
    /// Registered in Wait: each summary register's first later non-empty word.
    sum_found: DFF<Bits<4>>,
    sum_index0: DFF<Bits<5>>,
    sum_index1: DFF<Bits<5>>,
    sum_index2: DFF<Bits<5>>,
    sum_index3: DFF<Bits<5>>,
    ctz_word: Ctz32,
    /// The summary search, one encoder per summary register (Wait).
    ctz_s0: Ctz32,
    ctz_s1: Ctz32,
    ctz_s2: Ctz32,
    ctz_s3: Ctz32,
    /// Word of `key` (key / 32).
    word_index: Signal<Local, Bits<7>>,
    /// Registered at accept: the bit of `key` in its word.
    bit_mask: DFF<Bits<32>>,
    /// Registered at accept: the bit of the key's word in its summary word.
    summary_mask: DFF<Bits<32>>,
    updated: Signal<Local, Bits<32>>,
    /// Registered in Data: the word set or cleared is empty now.
    word_empty: DFF<Bit>,
    /// Respond: the summary bit is written (a set, or a clear that emptied its word).
    summary_write: Signal<Local, Bit>,
    /// Of each summary register, the bits of words after the key's word.
    after0: Signal<Local, Bits<32>>,
    after1: Signal<Local, Bits<32>>,
    after2: Signal<Local, Bits<32>>,
    after3: Signal<Local, Bits<32>>,
    /// The key's word in the words RAM (side ‖ word).
    word_address: Signal<Local, Bits<11>>,
    /// Data: the first later non-empty word (valid when `later_found`).
    later_found: Signal<Local, Bit>,
    later_word: Signal<Local, Bits<7>>,
}

impl Logic for PriorityBitmap {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            side,
            state,
            op,
            key,
            found,
            result,
            ge_mask,
            after_mask,
            bit_mask,
            summary_mask,
            word_empty,
            sum_found,
            sum_index0,
            sum_index1,
            sum_index2,
            sum_index3
        );
        self.words.clock.next = self.clock.val();
        self.summary0.read_clock.next = self.clock.val();
        self.summary0.write_clock.next = self.clock.val();
        self.summary1.read_clock.next = self.clock.val();
        self.summary1.write_clock.next = self.clock.val();
        self.summary2.read_clock.next = self.clock.val();
        self.summary2.write_clock.next = self.clock.val();
        self.summary3.read_clock.next = self.clock.val();
        self.summary3.write_clock.next = self.clock.val();
        // Defaults: the command's side's summary words on the LUT RAMs' outputs, no writes.
        self.summary0.read_address.next = self.side.q.val();
        self.summary1.read_address.next = self.side.q.val();
        self.summary2.read_address.next = self.side.q.val();
        self.summary3.read_address.next = self.side.q.val();
        self.summary0.write_address.next = self.side.q.val();
        self.summary1.write_address.next = self.side.q.val();
        self.summary2.write_address.next = self.side.q.val();
        self.summary3.write_address.next = self.side.q.val();
        self.summary0.write_data.next = self.summary0.read_data.val() | self.summary_mask.q.val();
        if self.op.q.val() == 1 {
            self.summary0.write_data.next =
                self.summary0.read_data.val() & !self.summary_mask.q.val();
        }
        self.summary1.write_data.next = self.summary1.read_data.val() | self.summary_mask.q.val();
        if self.op.q.val() == 1 {
            self.summary1.write_data.next =
                self.summary1.read_data.val() & !self.summary_mask.q.val();
        }
        self.summary2.write_data.next = self.summary2.read_data.val() | self.summary_mask.q.val();
        if self.op.q.val() == 1 {
            self.summary2.write_data.next =
                self.summary2.read_data.val() & !self.summary_mask.q.val();
        }
        self.summary3.write_data.next = self.summary3.read_data.val() | self.summary_mask.q.val();
        if self.op.q.val() == 1 {
            self.summary3.write_data.next =
                self.summary3.read_data.val() & !self.summary_mask.q.val();
        }
        self.summary_write.next = false;
        self.summary0.write_enable.next = false;
        self.summary1.write_enable.next = false;
        self.summary2.write_enable.next = false;
        self.summary3.write_enable.next = false;
        self.word_index.next = self.key.q.val().get_bits::<7>(5);
        self.word_address.next =
            (bit_cast::<11, 4>(self.side.q.val()) << 7) | bit_cast::<11, 7>(self.word_index.val());
        self.updated.next = self.words.read_data.val();
        self.words.read_enable.next = false;
        self.words.read_address.next = self.word_address.val();
        self.words.write_address.next = self.word_address.val();
        self.words.write_data.next = self.updated.val();
        self.words.write_enable.next = false;
        self.s_ready.next = false;
        self.m_valid.next = false;
        self.m_found.next = self.found.q.val();
        self.m_key.next = self.result.q.val();
        self.ctz_word.word.next = self.words.read_data.val();
        // Summary bits of words after word_index: register j covers words 32j..32j+31; the
        // key's own register keeps the bits above its word, later registers all, earlier
        // ones none.
        self.after0.next = 0.into();
        self.after1.next = 0.into();
        self.after2.next = 0.into();
        self.after3.next = 0.into();
        if self.key.q.val().get_bits::<2>(10) == 0 {
            self.after0.next = self.summary0.read_data.val() & self.after_mask.q.val();
            self.after1.next = self.summary1.read_data.val();
            self.after2.next = self.summary2.read_data.val();
            self.after3.next = self.summary3.read_data.val();
        }
        if self.key.q.val().get_bits::<2>(10) == 1 {
            self.after1.next = self.summary1.read_data.val() & self.after_mask.q.val();
            self.after2.next = self.summary2.read_data.val();
            self.after3.next = self.summary3.read_data.val();
        }
        if self.key.q.val().get_bits::<2>(10) == 2 {
            self.after2.next = self.summary2.read_data.val() & self.after_mask.q.val();
            self.after3.next = self.summary3.read_data.val();
        }
        if self.key.q.val().get_bits::<2>(10) == 3 {
            self.after3.next = self.summary3.read_data.val() & self.after_mask.q.val();
        }
        self.ctz_s0.word.next = self.after0.val();
        self.ctz_s1.word.next = self.after1.val();
        self.ctz_s2.word.next = self.after2.val();
        self.ctz_s3.word.next = self.after3.val();
        // Data: the lowest register with a later word wins (assigned last).
        self.later_found.next = self.sum_found.q.val().any();
        self.later_word.next = 0x60 | bit_cast::<7, 5>(self.sum_index3.q.val());
        if self.sum_found.q.val().get_bit(2) {
            self.later_word.next = 0x40 | bit_cast::<7, 5>(self.sum_index2.q.val());
        }
        if self.sum_found.q.val().get_bit(1) {
            self.later_word.next = 0x20 | bit_cast::<7, 5>(self.sum_index1.q.val());
        }
        if self.sum_found.q.val().get_bit(0) {
            self.later_word.next = bit_cast::<7, 5>(self.sum_index0.q.val());
        }
        match self.state.q.val() {
            BitmapState::Idle => {
                self.s_ready.next = true;
                self.words.read_enable.next = true;
                self.words.read_address.next = (bit_cast::<11, 4>(self.s_side.val()) << 7)
                    | bit_cast::<11, 7>(self.s_key.val().get_bits::<7>(5));
                self.summary0.read_address.next = self.s_side.val();
                self.summary1.read_address.next = self.s_side.val();
                self.summary2.read_address.next = self.s_side.val();
                self.summary3.read_address.next = self.s_side.val();
                self.ge_mask.d.next = !bits::<32>(0) << bit_cast::<5, _>(self.s_key.val());
                self.bit_mask.d.next = bits::<32>(1) << bit_cast::<5, _>(self.s_key.val());
                self.summary_mask.d.next =
                    bits::<32>(1) << bit_cast::<5, _>(self.s_key.val().get_bits::<5>(5));
                self.after_mask.d.next =
                    (!bits::<32>(0) << bit_cast::<5, _>(self.s_key.val().get_bits::<5>(5))) << 1;
                if self.s_valid.val() {
                    self.op.d.next = self.s_op.val();
                    self.side.d.next = self.s_side.val();
                    self.key.d.next = self.s_key.val();
                    self.state.d.next = BitmapState::Wait;
                }
            }
            BitmapState::Wait => {
                // The word is on its way; the summary search needs only the key.
                self.sum_found.d.next = bit_cast::<4, 1>(self.ctz_s0.found.val().into())
                    | (bit_cast::<4, 1>(self.ctz_s1.found.val().into()) << 1)
                    | (bit_cast::<4, 1>(self.ctz_s2.found.val().into()) << 2)
                    | (bit_cast::<4, 1>(self.ctz_s3.found.val().into()) << 3);
                self.sum_index0.d.next = self.ctz_s0.index.val();
                self.sum_index1.d.next = self.ctz_s1.index.val();
                self.sum_index2.d.next = self.ctz_s2.index.val();
                self.sum_index3.d.next = self.ctz_s3.index.val();
                self.state.d.next = BitmapState::Data;
            }
            BitmapState::Data => {
                self.found.d.next = true;
                self.result.d.next = self.key.q.val();
                self.state.d.next = BitmapState::Respond;
                // The word written back now; its summary bit in Respond (below), from the
                // registered `word_empty`, so no summary write waits on this word's OR.
                if self.op.q.val() == 0 {
                    // OP_SET
                    self.updated.next = self.words.read_data.val() | self.bit_mask.q.val();
                    self.words.write_data.next = self.updated.val();
                    self.words.write_enable.next = true;
                }
                if self.op.q.val() == 1 {
                    // OP_CLEAR
                    self.updated.next = self.words.read_data.val() & !self.bit_mask.q.val();
                    self.words.write_data.next = self.updated.val();
                    self.words.write_enable.next = true;
                }
                self.word_empty.d.next = !self.updated.val().any();
                if self.op.q.val() == 2 {
                    // OP_FIRST_FROM
                    self.ctz_word.word.next = self.words.read_data.val() & self.ge_mask.q.val();
                    // The later word is read whether or not this one answers: its address
                    // then does not wait for this word's encoder.
                    self.words.read_enable.next = self.later_found.val();
                    self.words.read_address.next = (bit_cast::<11, 4>(self.side.q.val()) << 7)
                        | bit_cast::<11, 7>(self.later_word.val());
                    if self.ctz_word.found.val() {
                        self.result.d.next = (bit_cast::<12, 7>(self.word_index.val()) << 5)
                            | bit_cast::<12, 5>(self.ctz_word.index.val());
                    } else {
                        self.found.d.next = false;
                        self.result.d.next = 0.into();
                        if self.later_found.val() {
                            // The answer is in the later word read now: scan it.
                            self.key.d.next = bit_cast::<12, 7>(self.later_word.val()) << 5;
                            self.state.d.next = BitmapState::Wait2;
                        }
                    }
                }
            }
            BitmapState::Wait2 => {
                self.state.d.next = BitmapState::Scan;
            }
            BitmapState::Scan => {
                // The summary promised a set bit in this word.
                self.found.d.next = self.ctz_word.found.val();
                self.result.d.next = (bit_cast::<12, 7>(self.word_index.val()) << 5)
                    | bit_cast::<12, 5>(self.ctz_word.index.val());
                self.state.d.next = BitmapState::Respond;
            }
            BitmapState::Respond => {
                // The summary bit of the word set or cleared in Data (rewritten each cycle
                // the response waits: the same value).
                self.summary_write.next =
                    (self.op.q.val() == 0) | ((self.op.q.val() == 1) & self.word_empty.q.val());
                if self.word_index.val().get_bits::<2>(5) == 0 {
                    self.summary0.write_enable.next = self.summary_write.val();
                }
                if self.word_index.val().get_bits::<2>(5) == 1 {
                    self.summary1.write_enable.next = self.summary_write.val();
                }
                if self.word_index.val().get_bits::<2>(5) == 2 {
                    self.summary2.write_enable.next = self.summary_write.val();
                }
                if self.word_index.val().get_bits::<2>(5) == 3 {
                    self.summary3.write_enable.next = self.summary_write.val();
                }
                self.m_valid.next = true;
                if self.m_ready.val() {
                    self.state.d.next = BitmapState::Idle;
                }
            }
        }
    }
}

/// The pure-Rust model: the same commands on a plain bit array per side.
#[derive(Debug, Clone)]
pub struct Model {
    marked: Vec<bool>,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            marked: vec![false; SIDES * KEYS],
        }
    }
}

impl Model {
    /// Apply one command on `side`; returns (found, key) as the block responds.
    pub fn apply(&mut self, op: u64, side: u8, key: u16) -> (bool, u16) {
        let k = usize::from(key);
        assert!(k < KEYS && usize::from(side) < SIDES);
        let marked = &mut self.marked[usize::from(side) * KEYS..][..KEYS];
        match op {
            OP_SET => {
                marked[k] = true;
                (true, key)
            }
            OP_CLEAR => {
                marked[k] = false;
                (true, key)
            }
            OP_FIRST_FROM => match (k..KEYS).find(|&i| marked[i]) {
                Some(i) => (true, i as u16),
                None => (false, 0),
            },
            _ => panic!("undefined opcode {op}"),
        }
    }
}

/// The Verilog of a PriorityBitmap as a top module.
pub fn verilog() -> String {
    let mut uut = PriorityBitmap::default();
    uut.connect_all();
    generate_verilog(&uut)
}
