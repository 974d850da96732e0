//! The card's register space (the PCIe BAR the host maps: `/dev/xdma<N>_user` under the XDMA
//! driver) and the records its DMA streams carry (docs/abi.md §17).
//!
//! Every register is 32 bits, little-endian, at a 4-byte-aligned byte offset. The space is a
//! chain of blocks in Corundum's manner: each block begins with a type (a four-character code),
//! a version and the byte offset of the next block (0: the last), so a driver walks the chain
//! from offset 0 and finds what it knows by type, and a later firmware adds blocks (issue 15's
//! DMA rings, control) without moving these. [`REGISTERS`] is the one table: the card's read
//! decode is generated from it (`sim::xdma`), the driver reads it, docs/abi.md §17 lists it.
//!
//! Writes: only the configuration window ([`CFG_WINDOW`]) takes writes, one card
//! configuration write (`cfg_address`, `cfg_data`) per 32-bit register, at
//! `CFG_WINDOW + 4 · cfg_address`. Writes anywhere else, and writes with a byte strobe other
//! than all four bytes, are ignored; reads of an offset not in [`REGISTERS`] return 0. Both
//! answer OKAY, so a stray access never raises a PCIe error on the host.

/// Bytes per register.
pub const REGISTER_BYTES: u32 = 4;
/// The size of the register space (the BAR): 1 MiB, the XDMA AXI-Lite master's aperture.
pub const BAR_BYTES: u32 = 1 << 20;

/// Block header: the block's type (four-character code, little-endian ASCII).
pub const BLOCK_TYPE: u32 = 0x00;
/// Block header: the block's layout version.
pub const BLOCK_VERSION: u32 = 0x04;
/// Block header: byte offset of the next block, 0 for the last.
pub const BLOCK_NEXT: u32 = 0x08;

/// A four-character code as a register value: `b"ORDO"` reads as the bytes `O R D O`.
pub const fn fourcc(code: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*code)
}

/// The identity block, at offset 0: its type is the magic that says "an ordo card".
pub const ID_BLOCK: u32 = 0x0000;
/// The magic: the identity block's type, `ORDO`.
pub const MAGIC: u32 = fourcc(b"ORDO");
/// Version of this register map (the identity block's version). A driver refuses a card whose
/// map version it does not know.
pub const MAP_VERSION: u32 = 1;
/// The contract version the card implements ([`crate::ABI_VERSION`]).
pub const ID_ABI_VERSION: u32 = ID_BLOCK + 0x0C;
/// Firmware id (the design revision: the first 64 bits of the SHA-256 of the card's Verilog),
/// low 32 bits.
pub const ID_FIRMWARE_ID_LO: u32 = ID_BLOCK + 0x10;
/// Firmware id, high 32 bits.
pub const ID_FIRMWARE_ID_HI: u32 = ID_BLOCK + 0x14;

/// The capability block: what the firmware was built with. The host checks the venue config
/// against it before traffic (each venue capacity within the card's, or the run is refused
/// naming the field, docs/hardware.md "The venue's capacities on the card").
pub const CAPS_BLOCK: u32 = 0x0100;
pub const CAPS_TYPE: u32 = fourcc(b"CAPS");
pub const CAPS_VERSION: u32 = 1;
/// Order slots (the most `venue.orders_resting_max` the card takes).
pub const CAPS_ORDERS_MAX: u32 = CAPS_BLOCK + 0x0C;
/// Books (configured instruments).
pub const CAPS_BOOKS: u32 = CAPS_BLOCK + 0x10;
/// Accounts (the most `venue.accounts_max`).
pub const CAPS_ACCOUNTS: u32 = CAPS_BLOCK + 0x14;
/// Price levels per book side (the most `2 · band_ticks + 1`).
pub const CAPS_LEVELS_PER_SIDE: u32 = CAPS_BLOCK + 0x18;
/// Bytes of one host-to-card record ([`H2C_RECORD_BYTES`]).
pub const CAPS_H2C_RECORD_BYTES: u32 = CAPS_BLOCK + 0x1C;
/// Bytes of one card-to-host record ([`C2H_RECORD_BYTES`]).
pub const CAPS_C2H_RECORD_BYTES: u32 = CAPS_BLOCK + 0x20;
/// The card clock the bitstream was built for, in kHz (cycles to nanoseconds).
pub const CAPS_CARD_CLOCK_KHZ: u32 = CAPS_BLOCK + 0x24;

/// The status block: the card's counters as the driver reads them (docs/hardware.md "How a run
/// ends"). Values cross from the card's clock to the bus clock: each is a value the card held
/// a few cycles earlier, never a torn one (the counters move by at most one per card cycle and
/// cross Gray-coded).
pub const STATUS_BLOCK: u32 = 0x0200;
pub const STATUS_TYPE: u32 = fourcc(b"STAT");
pub const STATUS_VERSION: u32 = 1;
/// Messages whose last beat the card took (`st_taken`, wraps at 2³²).
pub const ST_TAKEN: u32 = STATUS_BLOCK + 0x0C;
/// Messages whose every event the card has handed on (`st_answered`, wraps at 2³²).
pub const ST_ANSWERED: u32 = STATUS_BLOCK + 0x10;
/// Flags, [`FLAG_CARD_IDLE`] and the others below.
pub const ST_FLAGS: u32 = STATUS_BLOCK + 0x14;
/// Host-to-card records dropped (a bad header, or a write that ended inside a record), wraps.
pub const ST_H2C_DROPPED: u32 = STATUS_BLOCK + 0x18;

/// `st_idle`: no message in the card and every event it made has left it.
pub const FLAG_CARD_IDLE: u32 = 1 << 0;
/// No record waits between the host-to-card stream and the card.
pub const FLAG_H2C_EMPTY: u32 = 1 << 1;
/// No event waits between the card and the card-to-host stream.
pub const FLAG_C2H_EMPTY: u32 = 1 << 2;
/// Every configuration write the bus delivered has reached the card. The host writes the
/// configuration, reads [`ST_FLAGS`] (a read completes after every earlier posted write)
/// until this is set, and only then starts the order stream.
pub const FLAG_CFG_EMPTY: u32 = 1 << 3;
/// All of them: the whole card, streams included, is quiet.
pub const FLAGS_QUIET: u32 = FLAG_CARD_IDLE | FLAG_H2C_EMPTY | FLAG_C2H_EMPTY | FLAG_CFG_EMPTY;

/// The configuration block: where the window is.
pub const CONFIG_BLOCK: u32 = 0x0300;
pub const CONFIG_TYPE: u32 = fourcc(b"CONF");
pub const CONFIG_VERSION: u32 = 1;
/// Byte offset of the configuration window ([`CFG_WINDOW`]).
pub const CONFIG_WINDOW_OFFSET: u32 = CONFIG_BLOCK + 0x0C;
/// Configuration addresses the window holds ([`CFG_ADDRESSES`]).
pub const CONFIG_WINDOW_WORDS: u32 = CONFIG_BLOCK + 0x10;

/// The configuration window: a write of `data` at `CFG_WINDOW + 4 · a` is the card
/// configuration write (`a`, `data`) of the addresses below.
pub const CFG_WINDOW: u32 = 0x4_0000;
/// Card configuration addresses are 16 bits.
pub const CFG_ADDRESS_BITS: u32 = 16;
pub const CFG_ADDRESSES: u32 = 1 << CFG_ADDRESS_BITS;
const _: () = assert!(CFG_WINDOW + CFG_ADDRESSES * REGISTER_BYTES <= BAR_BYTES);
const _: () = assert!(CFG_WINDOW.is_multiple_of(CFG_ADDRESSES * REGISTER_BYTES));

/// The BAR offset of card configuration address `address`.
pub const fn cfg_offset(address: u32) -> u32 {
    assert!(address < CFG_ADDRESSES);
    CFG_WINDOW + REGISTER_BYTES * address
}

// The card's configuration addresses (written through the window). Per account id
// `a < accounts`: `CFG_ACCOUNTS + a` = flags (bit 0 has a key, bit 1 oracle, bit 2 admin).
/// Account flags of account 0.
pub const CFG_ACCOUNTS: u32 = 0x0000;
/// Book `b`'s instrument entry: `CFG_INSTRUMENTS + 4b` = id | 1 << 16 (configured), `+ 1` the
/// lowest in-band price, `+ 2` the highest, `+ 3` `qty_lots_max`.
pub const CFG_INSTRUMENTS: u32 = 0x0400;
/// The venue's `accounts_max`.
pub const CFG_ACCOUNTS_MAX: u32 = 0x0420;
/// Book `b`'s lowest in-band price at `CFG_PRICE_BOUNDS + 2b`, its highest at `+ 1` (the
/// matcher's copy of the band).
pub const CFG_PRICE_BOUNDS: u32 = 0x0800;
/// The venue's default STP mode (wire value 1–4).
pub const CFG_DEFAULT_STP: u32 = 0x0810;
/// The venue's `orders_resting_max`; never written (reset): every slot.
pub const CFG_ORDERS_MAX: u32 = 0x0811;
/// The most resting orders one FOK check visits (`fok_orders_max`); never written: no bound
/// beyond the pool.
pub const CFG_FOK_ORDERS_MAX: u32 = 0x0812;

/// What a register reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A constant of this map (block headers, the window, record sizes).
    Constant(u32),
    /// Half of the firmware id (design revision) built into the bitstream: low, high.
    FirmwareIdLo,
    FirmwareIdHi,
    /// One of the firmware's built capacities.
    Capability(Capability),
    /// A live value from the card.
    Status(Status),
}

/// The capacities and build figures a firmware reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    OrdersMax,
    Books,
    Accounts,
    LevelsPerSide,
    CardClockKhz,
}

/// The live status values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Taken,
    Answered,
    Flags,
    H2cDropped,
}

/// One readable register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Register {
    pub offset: u32,
    pub name: &'static str,
    pub value: Value,
}

const fn reg(offset: u32, name: &'static str, value: Value) -> Register {
    Register {
        offset,
        name,
        value,
    }
}

use Value::Constant;

/// Every readable register, in offset order: the single source of the card's read decode.
pub const REGISTERS: &[Register] = &[
    reg(ID_BLOCK + BLOCK_TYPE, "id.type", Constant(MAGIC)),
    reg(
        ID_BLOCK + BLOCK_VERSION,
        "id.version",
        Constant(MAP_VERSION),
    ),
    reg(ID_BLOCK + BLOCK_NEXT, "id.next", Constant(CAPS_BLOCK)),
    reg(
        ID_ABI_VERSION,
        "id.abi_version",
        Constant(crate::ABI_VERSION as u32),
    ),
    reg(ID_FIRMWARE_ID_LO, "id.firmware_id_lo", Value::FirmwareIdLo),
    reg(ID_FIRMWARE_ID_HI, "id.firmware_id_hi", Value::FirmwareIdHi),
    reg(CAPS_BLOCK + BLOCK_TYPE, "caps.type", Constant(CAPS_TYPE)),
    reg(
        CAPS_BLOCK + BLOCK_VERSION,
        "caps.version",
        Constant(CAPS_VERSION),
    ),
    reg(CAPS_BLOCK + BLOCK_NEXT, "caps.next", Constant(STATUS_BLOCK)),
    reg(
        CAPS_ORDERS_MAX,
        "caps.orders_max",
        Value::Capability(Capability::OrdersMax),
    ),
    reg(
        CAPS_BOOKS,
        "caps.books",
        Value::Capability(Capability::Books),
    ),
    reg(
        CAPS_ACCOUNTS,
        "caps.accounts",
        Value::Capability(Capability::Accounts),
    ),
    reg(
        CAPS_LEVELS_PER_SIDE,
        "caps.levels_per_side",
        Value::Capability(Capability::LevelsPerSide),
    ),
    reg(
        CAPS_H2C_RECORD_BYTES,
        "caps.h2c_record_bytes",
        Constant(H2C_RECORD_BYTES as u32),
    ),
    reg(
        CAPS_C2H_RECORD_BYTES,
        "caps.c2h_record_bytes",
        Constant(C2H_RECORD_BYTES as u32),
    ),
    reg(
        CAPS_CARD_CLOCK_KHZ,
        "caps.card_clock_khz",
        Value::Capability(Capability::CardClockKhz),
    ),
    reg(
        STATUS_BLOCK + BLOCK_TYPE,
        "status.type",
        Constant(STATUS_TYPE),
    ),
    reg(
        STATUS_BLOCK + BLOCK_VERSION,
        "status.version",
        Constant(STATUS_VERSION),
    ),
    reg(
        STATUS_BLOCK + BLOCK_NEXT,
        "status.next",
        Constant(CONFIG_BLOCK),
    ),
    reg(ST_TAKEN, "status.taken", Value::Status(Status::Taken)),
    reg(
        ST_ANSWERED,
        "status.answered",
        Value::Status(Status::Answered),
    ),
    reg(ST_FLAGS, "status.flags", Value::Status(Status::Flags)),
    reg(
        ST_H2C_DROPPED,
        "status.h2c_dropped",
        Value::Status(Status::H2cDropped),
    ),
    reg(
        CONFIG_BLOCK + BLOCK_TYPE,
        "config.type",
        Constant(CONFIG_TYPE),
    ),
    reg(
        CONFIG_BLOCK + BLOCK_VERSION,
        "config.version",
        Constant(CONFIG_VERSION),
    ),
    reg(CONFIG_BLOCK + BLOCK_NEXT, "config.next", Constant(0)),
    reg(
        CONFIG_WINDOW_OFFSET,
        "config.window_offset",
        Constant(CFG_WINDOW),
    ),
    reg(
        CONFIG_WINDOW_WORDS,
        "config.window_words",
        Constant(CFG_ADDRESSES),
    ),
];

/// The register at `offset`, if any.
pub fn register(offset: u32) -> Option<&'static Register> {
    REGISTERS.iter().find(|r| r.offset == offset)
}

// ---------------------------------------------------------------------------------------
// DMA records (the XDMA streams; issue 15 adds rings in host memory with their own layout).

/// Bytes of one beat of the XDMA streams (256-bit AXI-Stream, Gen3 x8).
pub const STREAM_BEAT_BYTES: usize = 32;
/// Bytes of a host-to-card record header.
pub const H2C_HEADER_BYTES: usize = STREAM_BEAT_BYTES;
/// Bytes of one host-to-card record: the header beat, then the 128-byte message.
pub const H2C_RECORD_BYTES: usize = H2C_HEADER_BYTES + crate::ORDER_MESSAGE_BYTES;
/// Beats of one host-to-card record.
pub const H2C_RECORD_BEATS: usize = H2C_RECORD_BYTES / STREAM_BEAT_BYTES;
const _: () = assert!(H2C_RECORD_BYTES.is_multiple_of(STREAM_BEAT_BYTES));
/// Header offset 0, u32: the record kind, an order message (`ORD1`).
pub const H2C_KIND: usize = 0;
pub const H2C_KIND_ORDER: u32 = fourcc(b"ORD1");
/// Header offset 4, u32: flags; [`H2C_FLAG_SIGNATURE_OK`], every other bit 0.
pub const H2C_FLAGS: usize = 4;
/// The signature engines' verdict on this message (today the host's, until the card verifies
/// signatures itself).
pub const H2C_FLAG_SIGNATURE_OK: u32 = 1 << 0;
/// Header offset 8, u64: the message's arrival time, ns (abi §9: the card stamps
/// `max(arrival, previous stamp)`).
pub const H2C_ARRIVAL_NS: usize = 8;
/// Header bytes 16..32 are reserved and must be 0.
pub const H2C_RESERVED: usize = 16;
/// Record offset of the message (abi §1), as received.
pub const H2C_MESSAGE: usize = H2C_HEADER_BYTES;

/// Bytes of one card-to-host record: one event (abi §5), two stream beats, bytes 0..32 first.
pub const C2H_RECORD_BYTES: usize = crate::EVENT_BYTES;
const _: () = assert!(C2H_RECORD_BYTES.is_multiple_of(STREAM_BEAT_BYTES));

/// One host-to-card record: the header for `message` with its arrival time and verdict.
pub fn h2c_record(
    message: &[u8; crate::ORDER_MESSAGE_BYTES],
    arrival_ns: u64,
    signature_ok: bool,
) -> [u8; H2C_RECORD_BYTES] {
    let mut record = [0u8; H2C_RECORD_BYTES];
    record[H2C_KIND..H2C_KIND + 4].copy_from_slice(&H2C_KIND_ORDER.to_le_bytes());
    let flags = if signature_ok {
        H2C_FLAG_SIGNATURE_OK
    } else {
        0
    };
    record[H2C_FLAGS..H2C_FLAGS + 4].copy_from_slice(&flags.to_le_bytes());
    record[H2C_ARRIVAL_NS..H2C_ARRIVAL_NS + 8].copy_from_slice(&arrival_ns.to_le_bytes());
    record[H2C_MESSAGE..].copy_from_slice(message);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocks_chain_from_offset_zero_and_every_register_is_in_its_block() {
        // Proves a driver walking the chain from 0 visits the four blocks in order and ends,
        // and that no register overlaps another, leaves its block or reaches the window.
        let mut at = 0u32;
        let mut visited = Vec::new();
        loop {
            let read = |o: u32| register(at + o).map(|r| r.value);
            let Some(Constant(kind)) = read(BLOCK_TYPE) else {
                panic!("no block type at {at:#x}")
            };
            assert!(matches!(read(BLOCK_VERSION), Some(Constant(v)) if v >= 1));
            visited.push(kind);
            let Some(Constant(next)) = read(BLOCK_NEXT) else {
                panic!("no next pointer at {at:#x}")
            };
            if next == 0 {
                break;
            }
            assert!(next > at, "blocks go forward");
            at = next;
        }
        assert_eq!(visited, [MAGIC, CAPS_TYPE, STATUS_TYPE, CONFIG_TYPE]);
        let blocks = [ID_BLOCK, CAPS_BLOCK, STATUS_BLOCK, CONFIG_BLOCK];
        for pair in REGISTERS.windows(2) {
            assert!(pair[0].offset < pair[1].offset, "{} in order", pair[1].name);
        }
        for r in REGISTERS {
            assert_eq!(r.offset % REGISTER_BYTES, 0, "{} aligned", r.name);
            assert!(r.offset < CFG_WINDOW, "{} below the window", r.name);
            let block = *blocks.iter().rev().find(|b| **b <= r.offset).unwrap();
            assert!(r.offset - block < 0x100, "{} inside its block", r.name);
            let prefix = ["id.", "caps.", "status.", "config."]
                [blocks.iter().position(|b| *b == block).unwrap()];
            assert!(r.name.starts_with(prefix), "{} named for its block", r.name);
        }
    }

    #[test]
    fn the_magic_reads_ordo_and_the_window_maps_every_config_address() {
        assert_eq!(MAGIC.to_le_bytes(), *b"ORDO");
        assert_eq!(MAGIC, 0x4F44_524F);
        assert_eq!(cfg_offset(0), CFG_WINDOW);
        assert_eq!(cfg_offset(CFG_FOK_ORDERS_MAX), 0x4_0000 + 4 * 0x0812);
        assert_eq!(cfg_offset(CFG_ADDRESSES - 1), 0x7_FFFC);
        assert!(cfg_offset(CFG_ADDRESSES - 1) < BAR_BYTES);
        // The card's configuration addresses fit its 16-bit cfg_address port.
        for a in [
            CFG_ACCOUNTS,
            CFG_INSTRUMENTS,
            CFG_ACCOUNTS_MAX,
            CFG_PRICE_BOUNDS,
            CFG_DEFAULT_STP,
            CFG_ORDERS_MAX,
            CFG_FOK_ORDERS_MAX,
        ] {
            assert!(a < CFG_ADDRESSES);
        }
    }

    #[test]
    fn docs_abi_md_lists_every_register_at_its_offset() {
        // Proves the register table of docs/abi.md §17 is this table: a row per register,
        // at its offset, and no row for a register that is not here.
        let doc = include_str!("../../docs/abi.md");
        let section = &doc[doc.find("## 17.").expect("section 17")..];
        for r in REGISTERS {
            let row = format!("| 0x{:04X} | `{}` |", r.offset, r.name);
            assert!(section.contains(&row), "docs/abi.md §17 lacks {row}");
        }
        let rows = section
            .lines()
            .filter(|l| l.starts_with("| 0x") && l.contains(" | `"))
            .count();
        assert_eq!(rows, REGISTERS.len(), "rows in the register table");
        assert!(section.contains(&format!("0x{MAGIC:08X}")));
        assert!(section.contains(&format!("0x{H2C_KIND_ORDER:08X}")));
    }

    #[test]
    fn an_h2c_record_is_a_header_beat_then_the_message() {
        let mut message = [0u8; crate::ORDER_MESSAGE_BYTES];
        for (i, b) in message.iter_mut().enumerate() {
            *b = i as u8;
        }
        let r = h2c_record(&message, 0x1122_3344_5566_7788, true);
        assert_eq!(H2C_RECORD_BYTES, 160);
        assert_eq!(H2C_RECORD_BEATS, 5);
        assert_eq!(&r[0..4], b"ORD1");
        assert_eq!(r[4..8], [1, 0, 0, 0]);
        assert_eq!(r[8..16], 0x1122_3344_5566_7788u64.to_le_bytes());
        assert!(r[H2C_RESERVED..H2C_HEADER_BYTES].iter().all(|b| *b == 0));
        assert_eq!(&r[32..], &message[..]);
        let r = h2c_record(&message, 0, false);
        assert_eq!(r[4..8], [0, 0, 0, 0]);
        assert_eq!(C2H_RECORD_BYTES, 64);
    }
}
