//! Priority bitmap over 4,096 keys: the structure that finds the best price level of one
//! side of a book (keys are the matcher's priority keys, so the best level is the lowest set
//! key; see `host::engine::book`). Two levels: 128 words of 32 bits in block RAM, and a
//! 128-bit summary (one bit per non-empty word) in four 32-bit registers.
//!
//! Commands on a valid/ready stream, one at a time; one response per command:
//! - `s_op` 0, set: mark `s_key`; responds found = 1, key = `s_key`;
//! - `s_op` 1, clear: unmark `s_key`; responds found = 1, key = `s_key`;
//! - `s_op` 2, first from: the lowest marked key ≥ `s_key`; responds found and key (0 when
//!   none).
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_op` (2 bits), `s_key` (12 bits); `m_valid`,
//! `m_ready`, `m_found`, `m_key` (12 bits).
//!
//! Latency (accept to response valid): set/clear 3 cycles; first-from 3 cycles when the
//! answer is in the key's own word or there is none, 5 when it is in a later word. The words
//! are a [`Bram`] (the DP16KD's output register: read data two cycles after the address), and
//! every cycle's logic is short (issue 12's timing closure; figures in docs/hardware.md):
//!
//! | state | does | logic after a register |
//! |---|---|---|
//! | Idle | accepts; addresses the key's word | the input key to the RAM's address |
//! | Wait | the summary search, registered: the first non-empty word after the key's (four 32-bit masks, a 4-way priority, one [`Ctz32`]) and the key's mask of bits at or above it | mask, priority, ctz (~7 LUT levels) |
//! | Data | set/clear: the word written back, the summary bit updated; first-from: the masked word's lowest bit, or the summary's word read | RAM output → mask → [`Ctz32`] → result (~6 levels) |
//! | Wait2, Scan | first-from in a later word: its lowest bit | RAM output → [`Ctz32`] |
//! | Respond | the response until taken | — |
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
/// Keys the bitmap holds.
pub const KEYS: usize = 4096;

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
    pub s_key: Signal<In, Bits<12>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_found: Signal<Out, Bit>,
    pub m_key: Signal<Out, Bits<12>>,
    words: Bram<Bits<32>, 7>,
    summary0: DFF<Bits<32>>,
    summary1: DFF<Bits<32>>,
    summary2: DFF<Bits<32>>,
    summary3: DFF<Bits<32>>,
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
    /// Bit of `key` in its word.
    bit_mask: Signal<Local, Bits<32>>,
    /// Bit of `word_index` in its summary register.
    summary_mask: Signal<Local, Bits<32>>,
    updated: Signal<Local, Bits<32>>,
    /// Of each summary register, the bits of words after the key's word.
    after0: Signal<Local, Bits<32>>,
    after1: Signal<Local, Bits<32>>,
    after2: Signal<Local, Bits<32>>,
    after3: Signal<Local, Bits<32>>,
    /// Data: the first later non-empty word (valid when `later_found`).
    later_found: Signal<Local, Bit>,
    later_word: Signal<Local, Bits<7>>,
}

impl Logic for PriorityBitmap {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, summary0, summary1, summary2, summary3, state, op, key, found, result,
            ge_mask, after_mask, sum_found, sum_index0, sum_index1, sum_index2, sum_index3
        );
        self.words.clock.next = self.clock.val();
        // Defaults.
        self.word_index.next = self.key.q.val().get_bits::<7>(5);
        self.bit_mask.next = bits::<32>(1) << bit_cast::<5, _>(self.key.q.val());
        self.summary_mask.next = bits::<32>(1) << bit_cast::<5, _>(self.word_index.val());
        self.updated.next = self.words.read_data.val();
        self.words.read_enable.next = false;
        self.words.read_address.next = self.word_index.val();
        self.words.write_address.next = self.word_index.val();
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
            self.after0.next = self.summary0.q.val() & self.after_mask.q.val();
            self.after1.next = self.summary1.q.val();
            self.after2.next = self.summary2.q.val();
            self.after3.next = self.summary3.q.val();
        }
        if self.key.q.val().get_bits::<2>(10) == 1 {
            self.after1.next = self.summary1.q.val() & self.after_mask.q.val();
            self.after2.next = self.summary2.q.val();
            self.after3.next = self.summary3.q.val();
        }
        if self.key.q.val().get_bits::<2>(10) == 2 {
            self.after2.next = self.summary2.q.val() & self.after_mask.q.val();
            self.after3.next = self.summary3.q.val();
        }
        if self.key.q.val().get_bits::<2>(10) == 3 {
            self.after3.next = self.summary3.q.val() & self.after_mask.q.val();
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
                self.words.read_address.next = self.s_key.val().get_bits::<7>(5);
                self.ge_mask.d.next = !bits::<32>(0) << bit_cast::<5, _>(self.s_key.val());
                self.after_mask.d.next =
                    (!bits::<32>(0) << bit_cast::<5, _>(self.s_key.val().get_bits::<5>(5))) << 1;
                if self.s_valid.val() {
                    self.op.d.next = self.s_op.val();
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
                if self.op.q.val() == 0 {
                    // OP_SET
                    self.updated.next = self.words.read_data.val() | self.bit_mask.val();
                    self.words.write_data.next = self.updated.val();
                    self.words.write_enable.next = true;
                    if self.word_index.val().get_bits::<2>(5) == 0 {
                        self.summary0.d.next = self.summary0.q.val() | self.summary_mask.val();
                    }
                    if self.word_index.val().get_bits::<2>(5) == 1 {
                        self.summary1.d.next = self.summary1.q.val() | self.summary_mask.val();
                    }
                    if self.word_index.val().get_bits::<2>(5) == 2 {
                        self.summary2.d.next = self.summary2.q.val() | self.summary_mask.val();
                    }
                    if self.word_index.val().get_bits::<2>(5) == 3 {
                        self.summary3.d.next = self.summary3.q.val() | self.summary_mask.val();
                    }
                }
                if self.op.q.val() == 1 {
                    // OP_CLEAR
                    self.updated.next = self.words.read_data.val() & !self.bit_mask.val();
                    self.words.write_data.next = self.updated.val();
                    self.words.write_enable.next = true;
                    if !self.updated.val().any() {
                        if self.word_index.val().get_bits::<2>(5) == 0 {
                            self.summary0.d.next = self.summary0.q.val() & !self.summary_mask.val();
                        }
                        if self.word_index.val().get_bits::<2>(5) == 1 {
                            self.summary1.d.next = self.summary1.q.val() & !self.summary_mask.val();
                        }
                        if self.word_index.val().get_bits::<2>(5) == 2 {
                            self.summary2.d.next = self.summary2.q.val() & !self.summary_mask.val();
                        }
                        if self.word_index.val().get_bits::<2>(5) == 3 {
                            self.summary3.d.next = self.summary3.q.val() & !self.summary_mask.val();
                        }
                    }
                }
                if self.op.q.val() == 2 {
                    // OP_FIRST_FROM
                    self.ctz_word.word.next = self.words.read_data.val() & self.ge_mask.q.val();
                    // The later word is read whether or not this one answers: its address
                    // then does not wait for this word's encoder.
                    self.words.read_enable.next = self.later_found.val();
                    self.words.read_address.next = self.later_word.val();
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
                self.m_valid.next = true;
                if self.m_ready.val() {
                    self.state.d.next = BitmapState::Idle;
                }
            }
        }
    }
}

/// The pure-Rust model: the same commands on a plain bit array.
#[derive(Debug, Clone)]
pub struct Model {
    marked: Vec<bool>,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            marked: vec![false; KEYS],
        }
    }
}

impl Model {
    /// Apply one command; returns (found, key) as the block responds.
    pub fn apply(&mut self, op: u64, key: u16) -> (bool, u16) {
        let k = usize::from(key);
        assert!(k < KEYS);
        match op {
            OP_SET => {
                self.marked[k] = true;
                (true, key)
            }
            OP_CLEAR => {
                self.marked[k] = false;
                (true, key)
            }
            OP_FIRST_FROM => match (k..KEYS).find(|&i| self.marked[i]) {
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
