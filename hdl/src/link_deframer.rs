//! Host-link records in, card input out: the receiving half of the dev board's serial link
//! (abi §13 records, `abi::link`, docs/abi.md §18).
//!
//! Bytes from the UART receiver are parsed as records (`len u32 ‖ crc32 u32 ‖ payload`). A
//! record is written into one of [`SLOTS`] buffer slots as it arrives and committed only when
//! its CRC ([`Crc32`], one byte per cycle) and its content check out, so a bad record is
//! dropped whole — never fed to the card in part — and counted:
//! - `bad_length`: the length field is no host record's (8 or 144). The parser then hunts:
//!   every further byte ends a candidate length field (the last 4 bytes), until one is a host
//!   record's length; this is counted once per loss of synchronisation. A real record's
//!   length field (`90 00 00 00` or `08 00 00 00`) cannot be matched across its own start, so
//!   garbage before a record costs that record nothing unless the garbage itself holds a
//!   length pattern within a record's length of it (the false record then fails its CRC and
//!   may take the real one with it: counted as `bad_crc`);
//! - `bad_crc`: the CRC does not match (the record is skipped by its length: the parser stays
//!   in step);
//! - `bad_kind`: the kind is unknown or not its length's, or a reserved byte is set;
//! - `overflow`: a good order or configuration record found every slot full (the host broke
//!   the window, `abi::link::WINDOW_RECORDS`).
//!
//! A good status request raises `status_request` for one cycle (it takes no slot). Committed
//! records leave in order: an order as 4 beats on `m_*` (the card's `s_*`: 8 lanes of 32
//! bits, `m_arrival_ns` and `m_signature_ok` with every beat), a configuration write as one
//! cycle of `cfg_valid` with `cfg_address`, `cfg_data`. `records_done` counts the records
//! executed (an order once its last beat is taken).
//!
//! Ports: `clock`; `hold` (the board's reset: the parser restarts, a partial record is
//! dropped uncounted); `s_valid`, `s_ready`, `s_data` (8): bytes (taken every cycle but the
//! one after a record's last byte, when it is checked); `m_valid`, `m_ready`, `m_data0..7`,
//! `m_arrival_ns` (64), `m_signature_ok`; `cfg_valid`, `cfg_address` (16), `cfg_data` (32);
//! `status_request`; counters (32 each) `records_done`, `bad_length`, `bad_crc`, `bad_kind`,
//! `overflow`.
//!
//! Latency: a record is committed the cycle after its last byte; its first beat is offered
//! 2 cycles per byte read later (the buffer is read one byte every other cycle: an order
//! takes ~290 cycles to present, against 1,520 bit periods to arrive). Buffer: one 2,048 × 8
//! RAM (one DP16KD).

use rust_hdl::prelude::*;

use crate::consts::*;
use crate::crc32::Crc32;
use abi::link::{
    CONFIG_PAYLOAD_BYTES, ORDER_ARRIVAL_OFFSET, ORDER_MESSAGE_OFFSET, ORDER_PAYLOAD_BYTES,
    SLOT_BYTES, WINDOW_RECORDS,
};

/// Buffer slots: the host's window.
pub const SLOTS: usize = WINDOW_RECORDS;

// Record kinds and sizes are `crate::consts` names; the layout's offsets and the buffer's
// geometry are spelled as numbers in `update` (bit positions and shifts), pinned here.
const _: () = assert!(ORDER_ARRIVAL_OFFSET == 8 && ORDER_MESSAGE_OFFSET == 16);
const _: () = assert!(ORDER_PAYLOAD_BYTES <= SLOT_BYTES);
const _: () = assert!(SLOTS == 8 && SLOT_BYTES == 256);

/// The parser.
#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum RxState {
    Len,
    Crc,
    Payload,
    Check,
}

/// The reader of committed records.
#[derive(Copy, Clone, PartialEq, Eq, Debug, LogicState)]
pub enum FeedState {
    Idle,
    Wait,
    Data,
    Beat,
}

#[derive(LogicBlock, Default)]
pub struct LinkDeframer {
    pub clock: Signal<In, Clock>,
    pub hold: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub s_data: Signal<In, Bits<8>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub m_data0: Signal<Out, Bits<32>>,
    pub m_data1: Signal<Out, Bits<32>>,
    pub m_data2: Signal<Out, Bits<32>>,
    pub m_data3: Signal<Out, Bits<32>>,
    pub m_data4: Signal<Out, Bits<32>>,
    pub m_data5: Signal<Out, Bits<32>>,
    pub m_data6: Signal<Out, Bits<32>>,
    pub m_data7: Signal<Out, Bits<32>>,
    pub m_arrival_ns: Signal<Out, Bits<64>>,
    pub m_signature_ok: Signal<Out, Bit>,
    pub cfg_valid: Signal<Out, Bit>,
    pub cfg_address: Signal<Out, Bits<16>>,
    pub cfg_data: Signal<Out, Bits<32>>,
    pub status_request: Signal<Out, Bit>,
    pub records_done: Signal<Out, Bits<32>>,
    pub bad_length: Signal<Out, Bits<32>>,
    pub bad_crc: Signal<Out, Bits<32>>,
    pub bad_kind: Signal<Out, Bits<32>>,
    pub overflow: Signal<Out, Bits<32>>,
    checksum: Crc32,
    /// SLOTS slots of SLOT_BYTES bytes: address = slot ‖ byte.
    buffer: RAM<Bits<8>, 11>,
    // The parser.
    rx: DFF<RxState>,
    /// The last 4 bytes received in state Len (the candidate length field, little-endian).
    window: DFF<Bits<32>>,
    /// Bytes of the candidate length field received (saturates at 4).
    have: DFF<Bits<3>>,
    /// Synchronisation was lost (a bad length was counted) and no record has checked out since.
    hunting: DFF<Bit>,
    len: DFF<Bits<8>>,
    stored_crc: DFF<Bits<32>>,
    /// CRC bytes, then payload bytes, received.
    count: DFF<Bits<8>>,
    kind: DFF<Bits<8>>,
    reserved_bad: DFF<Bit>,
    /// Every slot was taken when the record's length was read: it is not written.
    no_slot: DFF<Bit>,
    wr_slot: DFF<Bits<3>>,
    rd_slot: DFF<Bits<3>>,
    /// Committed slots not yet executed (0 ..= SLOTS).
    used: DFF<Bits<4>>,
    status_pulse: DFF<Bit>,
    // The reader.
    feed: DFF<FeedState>,
    /// The byte of the head slot being read.
    rp: DFF<Bits<8>>,
    feed_kind: DFF<Bits<8>>,
    verdict: DFF<Bit>,
    arrival_lo: DFF<Bits<32>>,
    arrival_hi: DFF<Bits<32>>,
    lane0: DFF<Bits<32>>,
    lane1: DFF<Bits<32>>,
    lane2: DFF<Bits<32>>,
    lane3: DFF<Bits<32>>,
    lane4: DFF<Bits<32>>,
    lane5: DFF<Bits<32>>,
    lane6: DFF<Bits<32>>,
    lane7: DFF<Bits<32>>,
    cfg_address_r: DFF<Bits<16>>,
    cfg_data_r: DFF<Bits<32>>,
    cfg_pulse: DFF<Bit>,
    // Counters.
    done_count: DFF<Bits<32>>,
    bad_length_count: DFF<Bits<32>>,
    bad_crc_count: DFF<Bits<32>>,
    bad_kind_count: DFF<Bits<32>>,
    overflow_count: DFF<Bits<32>>,
    commit: Signal<Local, Bit>,
    free: Signal<Local, Bit>,
    new_window: Signal<Local, Bits<32>>,
    /// The message byte being read, counted from the message's start, within its beat (reader).
    message_byte: Signal<Local, Bits<5>>,
    /// The byte read, shifted into the top of a 32-bit lane.
    byte_top: Signal<Local, Bits<32>>,
    kind_ok: Signal<Local, Bit>,
    /// The payload byte received is a reserved one and not as the contract has it.
    reserved_hit: Signal<Local, Bit>,
    /// The lane the message byte being read goes to: (byte / 4) % 8.
    lane_index: Signal<Local, Bits<3>>,
}

impl Logic for LinkDeframer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            rx,
            window,
            have,
            hunting,
            len,
            stored_crc,
            count,
            kind,
            reserved_bad,
            no_slot,
            wr_slot,
            rd_slot,
            used,
            status_pulse,
            feed,
            rp,
            feed_kind,
            verdict,
            arrival_lo,
            arrival_hi,
            lane0,
            lane1,
            lane2,
            lane3,
            lane4,
            lane5,
            lane6,
            lane7,
            cfg_address_r,
            cfg_data_r,
            cfg_pulse,
            done_count,
            bad_length_count,
            bad_crc_count,
            bad_kind_count,
            overflow_count
        );
        clock!(self, clock, checksum);
        self.buffer.read_clock.next = self.clock.val();
        self.buffer.write_clock.next = self.clock.val();
        // Outputs.
        self.s_ready.next = self.rx.q.val() != RxState::Check;
        self.m_valid.next = false;
        self.m_data0.next = self.lane0.q.val();
        self.m_data1.next = self.lane1.q.val();
        self.m_data2.next = self.lane2.q.val();
        self.m_data3.next = self.lane3.q.val();
        self.m_data4.next = self.lane4.q.val();
        self.m_data5.next = self.lane5.q.val();
        self.m_data6.next = self.lane6.q.val();
        self.m_data7.next = self.lane7.q.val();
        self.m_arrival_ns.next = (bit_cast::<64, 32>(self.arrival_hi.q.val()) << 32)
            | bit_cast::<64, 32>(self.arrival_lo.q.val());
        self.m_signature_ok.next = self.verdict.q.val();
        self.cfg_valid.next = self.cfg_pulse.q.val();
        self.cfg_address.next = self.cfg_address_r.q.val();
        self.cfg_data.next = self.cfg_data_r.q.val();
        self.status_request.next = self.status_pulse.q.val();
        self.records_done.next = self.done_count.q.val();
        self.bad_length.next = self.bad_length_count.q.val();
        self.bad_crc.next = self.bad_crc_count.q.val();
        self.bad_kind.next = self.bad_kind_count.q.val();
        self.overflow.next = self.overflow_count.q.val();
        // The parser: bytes into the free slot at `wr_slot`, the CRC beside.
        self.checksum.s_valid.next = false;
        self.checksum.s_first.next = self.count.q.val() == 0;
        self.checksum.s_data.next = self.s_data.val();
        self.buffer.write_enable.next = false;
        self.buffer.write_address.next =
            (bit_cast::<11, 3>(self.wr_slot.q.val()) << 8) | bit_cast::<11, 8>(self.count.q.val());
        self.buffer.write_data.next = self.s_data.val();
        self.commit.next = false;
        self.reserved_hit.next = false;
        self.status_pulse.d.next = false;
        self.new_window.next =
            (self.window.q.val() >> 8) | (bit_cast::<32, 8>(self.s_data.val()) << 24);
        // A kind with its own length (KIND_ORDER: 144 bytes; KIND_CONFIG, KIND_STATUS_REQUEST: 8).
        self.kind_ok.next = ((self.kind.q.val() == LINK_KIND_ORDER)
            & (self.len.q.val() == LINK_ORDER_PAYLOAD_BYTES))
            | ((self.kind.q.val() == LINK_KIND_CONFIG)
                & (self.len.q.val() == LINK_CONFIG_PAYLOAD_BYTES))
            | ((self.kind.q.val() == LINK_KIND_STATUS_REQUEST)
                & (self.len.q.val() == LINK_STATUS_REQUEST_PAYLOAD_BYTES));
        match self.rx.q.val() {
            RxState::Len => {
                if self.s_valid.val() {
                    self.window.d.next = self.new_window.val();
                    if self.have.q.val() != 4 {
                        self.have.d.next = self.have.q.val() + 1;
                    }
                    if self.have.q.val() >= 3 {
                        if (self.new_window.val() == LINK_CONFIG_PAYLOAD_BYTES)
                            | (self.new_window.val() == LINK_STATUS_REQUEST_PAYLOAD_BYTES)
                            | (self.new_window.val() == LINK_ORDER_PAYLOAD_BYTES)
                        {
                            self.len.d.next = bit_cast::<8, 32>(self.new_window.val());
                            self.count.d.next = 0.into();
                            self.no_slot.d.next = self.used.q.val() == 8;
                            self.rx.d.next = RxState::Crc;
                        } else if !self.hunting.q.val() {
                            self.bad_length_count.d.next = self.bad_length_count.q.val() + 1;
                            self.hunting.d.next = true;
                        }
                    }
                }
            }
            RxState::Crc => {
                if self.s_valid.val() {
                    self.stored_crc.d.next = (self.stored_crc.q.val() >> 8)
                        | (bit_cast::<32, 8>(self.s_data.val()) << 24);
                    self.count.d.next = self.count.q.val() + 1;
                    if self.count.q.val() == 3 {
                        self.count.d.next = 0.into();
                        self.rx.d.next = RxState::Payload;
                    }
                }
            }
            RxState::Payload => {
                if self.s_valid.val() {
                    self.checksum.s_valid.next = true;
                    self.buffer.write_enable.next = !self.no_slot.q.val();
                    self.count.d.next = self.count.q.val() + 1;
                    if self.count.q.val() == 0 {
                        self.kind.d.next = self.s_data.val();
                        self.reserved_bad.d.next = false;
                    }
                    // Reserved bytes: an order's verdict is 0 or 1 and bytes 2..8 are zero;
                    // a configuration write's byte 1; a status request's bytes 1..8.
                    if (self.kind.q.val() == LINK_KIND_ORDER) & (self.count.q.val() == 1) {
                        self.reserved_hit.next = self.s_data.val() > 1;
                    }
                    if (self.kind.q.val() == LINK_KIND_ORDER)
                        & (self.count.q.val() >= 2)
                        & (self.count.q.val() < 8)
                    {
                        self.reserved_hit.next = self.s_data.val().any();
                    }
                    if (self.kind.q.val() == LINK_KIND_CONFIG) & (self.count.q.val() == 1) {
                        self.reserved_hit.next = self.s_data.val().any();
                    }
                    if (self.kind.q.val() == LINK_KIND_STATUS_REQUEST)
                        & (self.count.q.val() >= 1)
                        & (self.count.q.val() < 8)
                    {
                        self.reserved_hit.next = self.s_data.val().any();
                    }
                    if self.reserved_hit.val() {
                        self.reserved_bad.d.next = true;
                    }
                    if self.count.q.val() == self.len.q.val() - 1 {
                        self.rx.d.next = RxState::Check;
                    }
                }
            }
            RxState::Check => {
                self.rx.d.next = RxState::Len;
                self.have.d.next = 0.into();
                self.count.d.next = 0.into();
                if self.checksum.crc.val() != self.stored_crc.q.val() {
                    self.bad_crc_count.d.next = self.bad_crc_count.q.val() + 1;
                } else {
                    self.hunting.d.next = false;
                    if !self.kind_ok.val() | self.reserved_bad.q.val() {
                        self.bad_kind_count.d.next = self.bad_kind_count.q.val() + 1;
                    } else if self.kind.q.val() == LINK_KIND_STATUS_REQUEST {
                        self.status_pulse.d.next = true;
                    } else if self.no_slot.q.val() {
                        self.overflow_count.d.next = self.overflow_count.q.val() + 1;
                    } else {
                        self.commit.next = true;
                    }
                }
            }
        }
        if self.hold.val() {
            self.rx.d.next = RxState::Len;
            self.have.d.next = 0.into();
            self.count.d.next = 0.into();
            self.hunting.d.next = false;
            self.commit.next = false;
            self.status_pulse.d.next = false;
        }
        // The reader: the head slot, one byte every other cycle.
        self.buffer.read_address.next =
            (bit_cast::<11, 3>(self.rd_slot.q.val()) << 8) | bit_cast::<11, 8>(self.rp.q.val());
        self.free.next = false;
        self.cfg_pulse.d.next = false;
        self.message_byte.next = bit_cast::<5, 8>(self.rp.q.val() - 16);
        self.lane_index.next = self.message_byte.val().get_bits::<3>(2);
        self.byte_top.next = bit_cast::<32, 8>(self.buffer.read_data.val()) << 24;
        match self.feed.q.val() {
            FeedState::Idle => {
                if self.used.q.val() != 0 {
                    self.rp.d.next = 0.into();
                    self.feed.d.next = FeedState::Wait;
                }
            }
            FeedState::Wait => {
                self.feed.d.next = FeedState::Data;
            }
            FeedState::Data => {
                self.rp.d.next = self.rp.q.val() + 1;
                self.feed.d.next = FeedState::Wait;
                if self.rp.q.val() == 0 {
                    self.feed_kind.d.next = self.buffer.read_data.val();
                }
                // An order (KIND_ORDER): verdict, arrival time, then the message in beats.
                if self.feed_kind.q.val() == LINK_KIND_ORDER {
                    if self.rp.q.val() == 1 {
                        self.verdict.d.next = self.buffer.read_data.val().get_bit(0);
                    }
                    if (self.rp.q.val() >= 8) & (self.rp.q.val() < 12) {
                        self.arrival_lo.d.next =
                            (self.arrival_lo.q.val() >> 8) | self.byte_top.val();
                    }
                    if (self.rp.q.val() >= 12) & (self.rp.q.val() < 16) {
                        self.arrival_hi.d.next =
                            (self.arrival_hi.q.val() >> 8) | self.byte_top.val();
                    }
                    if self.rp.q.val() >= 16 {
                        // Byte m of the message goes to lane (m / 4) % 8 of beat m / 32.
                        if self.lane_index.val() == 0 {
                            self.lane0.d.next = (self.lane0.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.lane_index.val() == 1 {
                            self.lane1.d.next = (self.lane1.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.lane_index.val() == 2 {
                            self.lane2.d.next = (self.lane2.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.lane_index.val() == 3 {
                            self.lane3.d.next = (self.lane3.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.lane_index.val() == 4 {
                            self.lane4.d.next = (self.lane4.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.lane_index.val() == 5 {
                            self.lane5.d.next = (self.lane5.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.lane_index.val() == 6 {
                            self.lane6.d.next = (self.lane6.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.lane_index.val() == 7 {
                            self.lane7.d.next = (self.lane7.q.val() >> 8) | self.byte_top.val();
                        }
                        if self.message_byte.val() == 31 {
                            self.feed.d.next = FeedState::Beat;
                        }
                    }
                }
                // A configuration write (KIND_CONFIG): address, data, then one cycle out.
                if self.feed_kind.q.val() == LINK_KIND_CONFIG {
                    if (self.rp.q.val() >= 2) & (self.rp.q.val() < 4) {
                        self.cfg_address_r.d.next = (self.cfg_address_r.q.val() >> 8)
                            | (bit_cast::<16, 8>(self.buffer.read_data.val()) << 8);
                    }
                    if (self.rp.q.val() >= 4) & (self.rp.q.val() < 8) {
                        self.cfg_data_r.d.next =
                            (self.cfg_data_r.q.val() >> 8) | self.byte_top.val();
                    }
                    if self.rp.q.val() == 7 {
                        self.cfg_pulse.d.next = true;
                        self.free.next = true;
                        self.feed.d.next = FeedState::Idle;
                    }
                }
            }
            FeedState::Beat => {
                self.m_valid.next = true;
                if self.m_ready.val() {
                    self.feed.d.next = FeedState::Wait;
                    if self.rp.q.val() == LINK_ORDER_PAYLOAD_BYTES {
                        self.free.next = true;
                        self.feed.d.next = FeedState::Idle;
                    }
                }
            }
        }
        // Slots: committed at `wr_slot`, freed at `rd_slot`.
        if self.commit.val() {
            self.wr_slot.d.next = self.wr_slot.q.val() + 1;
        }
        if self.free.val() {
            self.rd_slot.d.next = self.rd_slot.q.val() + 1;
            self.done_count.d.next = self.done_count.q.val() + 1;
        }
        if self.commit.val() & !self.free.val() {
            self.used.d.next = self.used.q.val() + 1;
        }
        if self.free.val() & !self.commit.val() {
            self.used.d.next = self.used.q.val() - 1;
        }
    }
}

/// Counters of the deframer (and of its model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeframerCounts {
    pub bad_length: u32,
    pub bad_crc: u32,
    pub bad_kind: u32,
}

/// The pure-Rust model of the parser: the records `bytes` deliver, in order (status requests
/// included), and the counters, with every slot free whenever a record is read (no
/// overflow). The rule of the module doc, byte by byte.
pub fn model(bytes: &[u8]) -> (Vec<abi::link::HostRecord>, DeframerCounts) {
    let (mut records, mut counts) = (Vec::new(), DeframerCounts::default());
    let (mut window, mut have, mut hunting) = (0u32, 0usize, false);
    let mut at = 0;
    while at < bytes.len() {
        window = window >> 8 | u32::from(bytes[at]) << 24;
        have = (have + 1).min(4);
        at += 1;
        if have < 4 {
            continue;
        }
        let len = window as usize;
        if len != ORDER_PAYLOAD_BYTES && len != CONFIG_PAYLOAD_BYTES {
            if !hunting {
                counts.bad_length += 1;
                hunting = true;
            }
            continue;
        }
        // The CRC and the payload; a record cut short by the end of the bytes is never seen.
        if bytes.len() - at < 4 + len {
            break;
        }
        let stored = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let payload = &bytes[at + 4..at + 4 + len];
        at += 4 + len;
        (window, have) = (0, 0);
        if crc32model(payload) != stored {
            counts.bad_crc += 1;
            continue;
        }
        hunting = false;
        match abi::link::HostRecord::decode(payload) {
            Ok(record) => records.push(record),
            Err(_) => counts.bad_kind += 1,
        }
    }
    (records, counts)
}

fn crc32model(bytes: &[u8]) -> u32 {
    crate::crc32::model(bytes)
}

/// The Verilog of a LinkDeframer as a top module.
pub fn verilog() -> String {
    let mut uut = LinkDeframer::default();
    uut.connect_all();
    crate::consts::declare(&generate_verilog(&uut))
}
