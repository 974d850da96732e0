//! Card output to host-link records: the sending half of the dev board's serial link
//! (`abi::link`, docs/abi.md §18).
//!
//! Each event the card offers (`s_*`: one 64-byte record, 16 lanes of 32 bits) leaves as an
//! event record (`len ‖ crc32 ‖ KIND_EVENT ‖ event`, 73 bytes); a status request (a one-cycle
//! `status_request`, remembered until served) as a status report (`abi::link::LinkStatus`,
//! 56 bytes framed) of the status inputs sampled when the report starts. A report pending
//! when a record ends goes before the next event. The event is taken (`s_ready` high for one
//! cycle) with its record's last byte, so the card's output waits on the line: this is the
//! link's backpressure.
//!
//! The CRC comes before the payload, so each record is read twice: once through [`Crc32`]
//! (one byte per cycle: 65 or 48 cycles), then out on `m_*` (bytes to the UART transmitter:
//! the 4 length bytes, the 4 CRC bytes, the payload).
//!
//! Ports: `clock`; `s_valid`, `s_ready`, `s_data0..15` (32); `status_request`; the status:
//! `st_idle`, and (32 each) `st_taken`, `st_answered`, `records_done`, `bad_length`,
//! `bad_crc`, `bad_kind`, `overflow`, `frame_errors`, `uart_overruns`, `firmware_id` (64);
//! `m_valid`, `m_ready`, `m_data` (8).
//!
//! Throughput: one record per (CRC pass + bytes on the line); at a UART's rate the line is
//! the bound (73 bytes, 730 bit periods, per event).

use rust_hdl::prelude::*;

use crate::consts::*;
use crate::crc32::Crc32;

#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum FrameState {
    Idle,
    Crc,
    Header,
    Payload,
}

#[derive(LogicBlock, Default)]
pub struct LinkFramer {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_data0: Signal<In, Bits<32>>,
    pub s_data1: Signal<In, Bits<32>>,
    pub s_data2: Signal<In, Bits<32>>,
    pub s_data3: Signal<In, Bits<32>>,
    pub s_data4: Signal<In, Bits<32>>,
    pub s_data5: Signal<In, Bits<32>>,
    pub s_data6: Signal<In, Bits<32>>,
    pub s_data7: Signal<In, Bits<32>>,
    pub s_data8: Signal<In, Bits<32>>,
    pub s_data9: Signal<In, Bits<32>>,
    pub s_data10: Signal<In, Bits<32>>,
    pub s_data11: Signal<In, Bits<32>>,
    pub s_data12: Signal<In, Bits<32>>,
    pub s_data13: Signal<In, Bits<32>>,
    pub s_data14: Signal<In, Bits<32>>,
    pub s_data15: Signal<In, Bits<32>>,
    pub status_request: Signal<In, Bit>,
    pub st_idle: Signal<In, Bit>,
    pub st_taken: Signal<In, Bits<32>>,
    pub st_answered: Signal<In, Bits<32>>,
    pub records_done: Signal<In, Bits<32>>,
    pub bad_length: Signal<In, Bits<32>>,
    pub bad_crc: Signal<In, Bits<32>>,
    pub bad_kind: Signal<In, Bits<32>>,
    pub overflow: Signal<In, Bits<32>>,
    pub frame_errors: Signal<In, Bits<32>>,
    pub uart_overruns: Signal<In, Bits<32>>,
    pub firmware_id: Signal<In, Bits<64>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_data: Signal<Out, Bits<8>>,
    checksum: Crc32,
    state: DFF<FrameState>,
    /// The record being framed is a status report (else an event).
    is_status: DFF<Bit>,
    /// Byte of the pass (CRC pass and payload: payload byte; header: header byte).
    index: DFF<Bits<8>>,
    pending: DFF<Bit>,
    /// The status report's payload, as 12 little-endian words.
    snap0: DFF<Bits<32>>,
    snap1: DFF<Bits<32>>,
    snap2: DFF<Bits<32>>,
    snap3: DFF<Bits<32>>,
    snap4: DFF<Bits<32>>,
    snap5: DFF<Bits<32>>,
    snap6: DFF<Bits<32>>,
    snap7: DFF<Bits<32>>,
    snap8: DFF<Bits<32>>,
    snap9: DFF<Bits<32>>,
    snap10: DFF<Bits<32>>,
    snap11: DFF<Bits<32>>,
    len: Signal<Local, Bits<8>>,
    /// The payload's byte `index` as a word index and a byte in it.
    at: Signal<Local, Bits<6>>,
    word_index: Signal<Local, Bits<4>>,
    byte_index: Signal<Local, Bits<2>>,
    word: Signal<Local, Bits<32>>,
    payload_byte: Signal<Local, Bits<8>>,
    header_byte: Signal<Local, Bits<8>>,
    last: Signal<Local, Bit>,
}

impl Logic for LinkFramer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, state, is_status, index, pending, snap0, snap1, snap2, snap3, snap4,
            snap5, snap6, snap7, snap8, snap9, snap10, snap11
        );
        clock!(self, clock, checksum);
        self.len.next = LINK_EVENT_PAYLOAD_BYTES.into();
        if self.is_status.q.val() {
            self.len.next = LINK_STATUS_PAYLOAD_BYTES.into();
        }
        self.last.next = self.index.q.val() == self.len.val() - 1;
        // Payload byte `index`: a status report's words as they are; an event's kind byte,
        // then the event (byte index - 1).
        self.at.next = bit_cast::<6, 8>(self.index.q.val() - 1);
        if self.is_status.q.val() {
            self.at.next = bit_cast::<6, 8>(self.index.q.val());
        }
        self.word_index.next = self.at.val().get_bits::<4>(2);
        self.byte_index.next = self.at.val().get_bits::<2>(0);
        self.word.next = self.s_data0.val();
        if self.word_index.val() == 1 {
            self.word.next = self.s_data1.val();
        }
        if self.word_index.val() == 2 {
            self.word.next = self.s_data2.val();
        }
        if self.word_index.val() == 3 {
            self.word.next = self.s_data3.val();
        }
        if self.word_index.val() == 4 {
            self.word.next = self.s_data4.val();
        }
        if self.word_index.val() == 5 {
            self.word.next = self.s_data5.val();
        }
        if self.word_index.val() == 6 {
            self.word.next = self.s_data6.val();
        }
        if self.word_index.val() == 7 {
            self.word.next = self.s_data7.val();
        }
        if self.word_index.val() == 8 {
            self.word.next = self.s_data8.val();
        }
        if self.word_index.val() == 9 {
            self.word.next = self.s_data9.val();
        }
        if self.word_index.val() == 10 {
            self.word.next = self.s_data10.val();
        }
        if self.word_index.val() == 11 {
            self.word.next = self.s_data11.val();
        }
        if self.word_index.val() == 12 {
            self.word.next = self.s_data12.val();
        }
        if self.word_index.val() == 13 {
            self.word.next = self.s_data13.val();
        }
        if self.word_index.val() == 14 {
            self.word.next = self.s_data14.val();
        }
        if self.word_index.val() == 15 {
            self.word.next = self.s_data15.val();
        }
        if self.is_status.q.val() {
            self.word.next = self.snap0.q.val();
            if self.word_index.val() == 1 {
                self.word.next = self.snap1.q.val();
            }
            if self.word_index.val() == 2 {
                self.word.next = self.snap2.q.val();
            }
            if self.word_index.val() == 3 {
                self.word.next = self.snap3.q.val();
            }
            if self.word_index.val() == 4 {
                self.word.next = self.snap4.q.val();
            }
            if self.word_index.val() == 5 {
                self.word.next = self.snap5.q.val();
            }
            if self.word_index.val() == 6 {
                self.word.next = self.snap6.q.val();
            }
            if self.word_index.val() == 7 {
                self.word.next = self.snap7.q.val();
            }
            if self.word_index.val() == 8 {
                self.word.next = self.snap8.q.val();
            }
            if self.word_index.val() == 9 {
                self.word.next = self.snap9.q.val();
            }
            if self.word_index.val() == 10 {
                self.word.next = self.snap10.q.val();
            }
            if self.word_index.val() == 11 {
                self.word.next = self.snap11.q.val();
            }
        }
        self.payload_byte.next = bit_cast::<8, 32>(self.word.val());
        if self.byte_index.val() == 1 {
            self.payload_byte.next = bit_cast::<8, 32>(self.word.val() >> 8);
        }
        if self.byte_index.val() == 2 {
            self.payload_byte.next = bit_cast::<8, 32>(self.word.val() >> 16);
        }
        if self.byte_index.val() == 3 {
            self.payload_byte.next = bit_cast::<8, 32>(self.word.val() >> 24);
        }
        if !self.is_status.q.val() & (self.index.q.val() == 0) {
            self.payload_byte.next = LINK_KIND_EVENT.into();
        }
        // Header byte `index`: the length (< 256: one byte, three zeros), then the CRC.
        self.header_byte.next = 0.into();
        if self.index.q.val() == 0 {
            self.header_byte.next = self.len.val();
        }
        if self.index.q.val() == 4 {
            self.header_byte.next = bit_cast::<8, 32>(self.checksum.crc.val());
        }
        if self.index.q.val() == 5 {
            self.header_byte.next = bit_cast::<8, 32>(self.checksum.crc.val() >> 8);
        }
        if self.index.q.val() == 6 {
            self.header_byte.next = bit_cast::<8, 32>(self.checksum.crc.val() >> 16);
        }
        if self.index.q.val() == 7 {
            self.header_byte.next = bit_cast::<8, 32>(self.checksum.crc.val() >> 24);
        }
        // Defaults.
        self.s_ready.next = false;
        self.m_valid.next = false;
        self.m_data.next = self.payload_byte.val();
        self.checksum.s_valid.next = false;
        self.checksum.s_first.next = self.index.q.val() == 0;
        self.checksum.s_data.next = self.payload_byte.val();
        if self.status_request.val() {
            self.pending.d.next = true;
        }
        match self.state.q.val() {
            FrameState::Idle => {
                self.index.d.next = 0.into();
                if self.pending.q.val() | self.status_request.val() {
                    self.pending.d.next = false;
                    self.is_status.d.next = true;
                    self.state.d.next = FrameState::Crc;
                    // KIND_STATUS, flags (bit 0: idle), reserved u16; counters; firmware id.
                    self.snap0.d.next = LINK_KIND_STATUS.into();
                    if self.st_idle.val() {
                        self.snap0.d.next = bits::<32>(LINK_KIND_STATUS | 0x100);
                    }
                    self.snap1.d.next = self.st_taken.val();
                    self.snap2.d.next = self.st_answered.val();
                    self.snap3.d.next = self.records_done.val();
                    self.snap4.d.next = self.bad_length.val();
                    self.snap5.d.next = self.bad_crc.val();
                    self.snap6.d.next = self.bad_kind.val();
                    self.snap7.d.next = self.overflow.val();
                    self.snap8.d.next = self.frame_errors.val();
                    self.snap9.d.next = self.uart_overruns.val();
                    self.snap10.d.next = self.firmware_id.val().get_bits::<32>(0);
                    self.snap11.d.next = self.firmware_id.val().get_bits::<32>(32);
                } else if self.s_valid.val() {
                    self.is_status.d.next = false;
                    self.state.d.next = FrameState::Crc;
                }
            }
            FrameState::Crc => {
                self.checksum.s_valid.next = true;
                self.index.d.next = self.index.q.val() + 1;
                if self.last.val() {
                    self.index.d.next = 0.into();
                    self.state.d.next = FrameState::Header;
                }
            }
            FrameState::Header => {
                self.m_valid.next = true;
                self.m_data.next = self.header_byte.val();
                if self.m_ready.val() {
                    self.index.d.next = self.index.q.val() + 1;
                    if self.index.q.val() == 7 {
                        self.index.d.next = 0.into();
                        self.state.d.next = FrameState::Payload;
                    }
                }
            }
            FrameState::Payload => {
                self.m_valid.next = true;
                if self.m_ready.val() {
                    self.index.d.next = self.index.q.val() + 1;
                    if self.last.val() {
                        self.s_ready.next = !self.is_status.q.val();
                        self.state.d.next = FrameState::Idle;
                    }
                }
            }
        }
    }
}

/// The pure-Rust model: the line bytes for `records` sent in order.
pub fn model(records: &[abi::link::CardRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        r.write(&mut out);
    }
    out
}

/// The Verilog of a LinkFramer as a top module.
pub fn verilog() -> String {
    let mut uut = LinkFramer::default();
    uut.connect_all();
    crate::consts::declare(&generate_verilog(&uut))
}
