//! The card behind a serial host link: the board-neutral logic of a dev board without PCIe
//! (the ULX3S wrapper, `sim::board`, adds the PLL, the reset and the pins).
//!
//! ```text
//!  rx ─▶ UartRx ─▶ LinkDeframer ─▶ Card ─▶ LinkFramer ─▶ UartTx ─▶ tx
//!                  (records → beats,        (events, status
//!                   config writes)           reports → records)
//! ```
//!
//! Ports: `clock`; `rx` (the line from the host, idle high), `tx` (to the host); `divisor`
//! (16, static: clock cycles per bit, ≥ 4); `firmware_id` (64, static: reported in status
//! reports); `hold` (the board's reset: the line is taken as idle and a partial record is
//! dropped; the card keeps its state); LEDs: `led_idle` (the card's `st_idle`),
//! `led_bad_record` (a record was dropped for its length, CRC or kind), `led_overrun` (a byte
//! or a record was lost to an overrun: the host broke the window, or the UART receiver was
//! not served), `led_frame_error` (a byte with a low stop bit: a baud-rate mismatch).
//!
//! Flow control (docs/hardware.md "The ULX3S board"): the deframer buffers
//! `abi::link::WINDOW_RECORDS` records and the host keeps at most that many unacknowledged;
//! the card's event output waits for the transmitter (the framer takes an event with its
//! record's last byte).

use rust_hdl::prelude::*;

use crate::card::Card;
use crate::link_deframer::LinkDeframer;
use crate::link_framer::LinkFramer;
use crate::uart::{UartRx, UartTx};

#[derive(LogicBlock, Default)]
pub struct BoardLink {
    pub clock: Signal<In, Clock>,
    pub rx: Signal<In, Bit>,
    pub tx: Signal<Out, Bit>,
    pub divisor: Signal<In, Bits<16>>,
    pub firmware_id: Signal<In, Bits<64>>,
    pub hold: Signal<In, Bit>,
    pub led_idle: Signal<Out, Bit>,
    pub led_bad_record: Signal<Out, Bit>,
    pub led_overrun: Signal<Out, Bit>,
    pub led_frame_error: Signal<Out, Bit>,
    uart_rx: UartRx,
    deframer: LinkDeframer,
    card: Card,
    framer: LinkFramer,
    uart_tx: UartTx,
    frame_errors: DFF<Bits<32>>,
    uart_overruns: DFF<Bits<32>>,
}

impl Logic for BoardLink {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, frame_errors, uart_overruns);
        clock!(self, clock, uart_rx, deframer, card, framer, uart_tx);
        // Line in.
        self.uart_rx.rx.next = self.rx.val() | self.hold.val();
        self.uart_rx.divisor.next = self.divisor.val();
        self.uart_rx.m_ready.next = self.deframer.s_ready.val();
        if self.uart_rx.m_frame_error.val() {
            self.frame_errors.d.next = self.frame_errors.q.val() + 1;
        }
        if self.uart_rx.m_overrun.val() {
            self.uart_overruns.d.next = self.uart_overruns.q.val() + 1;
        }
        self.deframer.hold.next = self.hold.val();
        self.deframer.s_valid.next = self.uart_rx.m_valid.val();
        self.deframer.s_data.next = self.uart_rx.m_data.val();
        // Records to the card.
        self.card.cfg_valid.next = self.deframer.cfg_valid.val();
        self.card.cfg_address.next = self.deframer.cfg_address.val();
        self.card.cfg_data.next = self.deframer.cfg_data.val();
        self.card.s_valid.next = self.deframer.m_valid.val();
        self.deframer.m_ready.next = self.card.s_ready.val();
        self.card.s_data0.next = self.deframer.m_data0.val();
        self.card.s_data1.next = self.deframer.m_data1.val();
        self.card.s_data2.next = self.deframer.m_data2.val();
        self.card.s_data3.next = self.deframer.m_data3.val();
        self.card.s_data4.next = self.deframer.m_data4.val();
        self.card.s_data5.next = self.deframer.m_data5.val();
        self.card.s_data6.next = self.deframer.m_data6.val();
        self.card.s_data7.next = self.deframer.m_data7.val();
        self.card.s_arrival_ns.next = self.deframer.m_arrival_ns.val();
        self.card.s_signature_ok.next = self.deframer.m_signature_ok.val();
        // Events and status reports out.
        self.framer.s_valid.next = self.card.m_valid.val();
        self.card.m_ready.next = self.framer.s_ready.val();
        self.framer.s_data0.next = self.card.m_data0.val();
        self.framer.s_data1.next = self.card.m_data1.val();
        self.framer.s_data2.next = self.card.m_data2.val();
        self.framer.s_data3.next = self.card.m_data3.val();
        self.framer.s_data4.next = self.card.m_data4.val();
        self.framer.s_data5.next = self.card.m_data5.val();
        self.framer.s_data6.next = self.card.m_data6.val();
        self.framer.s_data7.next = self.card.m_data7.val();
        self.framer.s_data8.next = self.card.m_data8.val();
        self.framer.s_data9.next = self.card.m_data9.val();
        self.framer.s_data10.next = self.card.m_data10.val();
        self.framer.s_data11.next = self.card.m_data11.val();
        self.framer.s_data12.next = self.card.m_data12.val();
        self.framer.s_data13.next = self.card.m_data13.val();
        self.framer.s_data14.next = self.card.m_data14.val();
        self.framer.s_data15.next = self.card.m_data15.val();
        self.framer.status_request.next = self.deframer.status_request.val();
        self.framer.st_idle.next = self.card.st_idle.val();
        self.framer.st_taken.next = self.card.st_taken.val();
        self.framer.st_answered.next = self.card.st_answered.val();
        self.framer.records_done.next = self.deframer.records_done.val();
        self.framer.bad_length.next = self.deframer.bad_length.val();
        self.framer.bad_crc.next = self.deframer.bad_crc.val();
        self.framer.bad_kind.next = self.deframer.bad_kind.val();
        self.framer.overflow.next = self.deframer.overflow.val();
        self.framer.frame_errors.next = self.frame_errors.q.val();
        self.framer.uart_overruns.next = self.uart_overruns.q.val();
        self.framer.firmware_id.next = self.firmware_id.val();
        self.uart_tx.s_valid.next = self.framer.m_valid.val();
        self.uart_tx.s_data.next = self.framer.m_data.val();
        self.framer.m_ready.next = self.uart_tx.s_ready.val();
        self.uart_tx.divisor.next = self.divisor.val();
        self.tx.next = self.uart_tx.tx.val();
        // LEDs.
        self.led_idle.next = self.card.st_idle.val();
        self.led_bad_record.next = self.deframer.bad_length.val().any()
            | self.deframer.bad_crc.val().any()
            | self.deframer.bad_kind.val().any();
        self.led_overrun.next =
            self.deframer.overflow.val().any() | self.uart_overruns.q.val().any();
        self.led_frame_error.next = self.frame_errors.q.val().any();
    }
}

/// The Verilog of a BoardLink as a top module.
pub fn verilog() -> String {
    let mut uut = BoardLink::default();
    uut.connect_all();
    crate::consts::declare(&generate_verilog(&uut))
}
