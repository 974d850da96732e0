//! Files the `ordo` command reads and writes (formats in `docs/formats.md`):
//! - orders, binary: file header `ORDOORD1`, framed records of arrival_ns u64 ‖ 128-byte
//!   message;
//! - orders, CSV: one row per message, signed on load with the test keys (or unsigned when
//!   trusted);
//! - events: file header `ORDOEVT1`, framed 64-byte event records.
//!
//! Every error names the file and the line (CSV) or byte offset (binary).
//!
//! Every reader is bounded: a file larger than its format's maximum is refused before it is
//! read, and the records or rows in it are counted against [`ORDERS_MAX`] or [`EVENTS_MAX`],
//! so no input can make a reader allocate or loop beyond what a run of the largest size
//! needs.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use abi::framing::{
    write_file_header, write_frame, EVENTS_MAGIC, FILE_HEADER_BYTES, ORDERS_MAGIC,
    ORDER_RECORD_BYTES,
};
use abi::{
    Event, FrameReader, OrderId, OrderMessage, Side, StpMode, TimeInForce, EVENT_BYTES,
    FRAME_HEADER_BYTES,
};

use crate::config::VenueConfig;
use crate::keys::{sign_with_test_key, test_signing_key};
use crate::workload::Stimulus;
use crate::Error;

/// Default spacing of CSV rows that give no arrival time.
pub const CSV_ARRIVAL_STEP_NS: u64 = 1_000;

/// Messages in one orders file (binary records or CSV rows) at most, and so in one run. The
/// software path holds about 300 bytes per message (measured with `ordo demo` and `ordo
/// replay`: the decoded stimuli, the verifier's copy, the verdicts, the events kept for
/// `--events`), so 10 million take about 3 GB: a 24 GiB machine runs one comfortably, and
/// `ordo diff`'s several runs of it. `ordo demo --messages` has the same bound, so whatever
/// the demo writes replays.
pub const ORDERS_MAX: usize = 10_000_000;

/// Bytes of a binary orders file at most: the header and [`ORDERS_MAX`] framed records.
pub const ORDERS_FILE_BYTES_MAX: u64 =
    (FILE_HEADER_BYTES + ORDERS_MAX * (FRAME_HEADER_BYTES + ORDER_RECORD_BYTES)) as u64;

/// Bytes of one CSV line at most. A row with every column at its widest (twenty-digit
/// numbers, the longest names) is under 200 bytes; the rest is room for spaces. It bounds
/// the fields split out of one line, and any field echoed in an error.
pub const CSV_LINE_BYTES_MAX: usize = 1024;

/// Bytes of a CSV orders file at most: [`ORDERS_MAX`] rows of about 100 bytes (the
/// worked example's rows are 20 to 45), with room for comments.
pub const CSV_FILE_BYTES_MAX: u64 = 1 << 30;

/// Events in one events file at most. Over a run, every message has one first event, every
/// order leaves the book at most once (a fill, a cancel or an expiry) and every taker has at
/// most one partial fill: at most 3 events per message, so 4 per message of an
/// [`ORDERS_MAX`] run is a bound any stream `ordo` writes stays under. Decoded with its file
/// bytes, an event takes about 140 bytes (measured): 40 million take about 6 GB.
pub const EVENTS_MAX: usize = 4 * ORDERS_MAX;

/// Bytes of an events file at most: the header and [`EVENTS_MAX`] framed records.
pub const EVENTS_FILE_BYTES_MAX: u64 =
    (FILE_HEADER_BYTES + EVENTS_MAX * (FRAME_HEADER_BYTES + EVENT_BYTES)) as u64;

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source,
    }
}

fn input_error(path: &Path, location: String, message: impl Into<String>) -> Error {
    Error::Input {
        path: path.display().to_string(),
        location,
        message: message.into(),
    }
}

/// Read a whole file of at most `max` bytes (`what` names its kind in the error). A larger
/// regular file is refused before anything is read; a file whose size the metadata does not
/// tell (a pipe, a device) is read up to one byte past `max` and refused there.
fn read_bounded(path: &Path, max: u64, what: &str) -> Result<Vec<u8>, Error> {
    let too_large = |size: String| {
        input_error(
            path,
            "file size".into(),
            format!("{size} bytes, more than the {max} an {what} file may have"),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let length = file.metadata().map_err(|e| io_error(path, e))?.len();
    if length > max {
        return Err(too_large(length.to_string()));
    }
    // `length` <= `max`, a named bound: the capacity cannot be made absurd.
    let mut bytes = Vec::with_capacity(length as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(format!("over {max}")));
    }
    Ok(bytes)
}

/// Read an events file whole, refusing one larger than [`EVENTS_FILE_BYTES_MAX`]; decode it
/// with [`decode_events`].
pub fn read_events_file(path: &Path) -> Result<Vec<u8>, Error> {
    read_bounded(path, EVENTS_FILE_BYTES_MAX, "events")
}

/// Read an orders file, binary or CSV (told apart by the binary magic). CSV rows are signed
/// with the test keys unless `trusted`. A binary file beyond [`ORDERS_FILE_BYTES_MAX`], a
/// CSV file beyond [`CSV_FILE_BYTES_MAX`], and more than [`ORDERS_MAX`] messages are errors.
pub fn read_orders(
    path: &Path,
    config: &VenueConfig,
    trusted: bool,
) -> Result<Vec<Stimulus>, Error> {
    let bytes = read_bounded(
        path,
        ORDERS_FILE_BYTES_MAX.max(CSV_FILE_BYTES_MAX),
        "orders",
    )?;
    if bytes.starts_with(&ORDERS_MAGIC) {
        return decode_orders(&bytes, path);
    }
    if bytes.len() as u64 > CSV_FILE_BYTES_MAX {
        return Err(input_error(
            path,
            "file size".into(),
            format!(
                "{} bytes, more than the {CSV_FILE_BYTES_MAX} a CSV orders file may have",
                bytes.len()
            ),
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        input_error(
            path,
            format!("byte offset {}", e.valid_up_to()),
            "neither an ordo orders file nor UTF-8 CSV",
        )
    })?;
    parse_csv(text, path, config, !trusted)
}

/// Decode a binary orders file (at most [`ORDERS_MAX`] records).
pub fn decode_orders(bytes: &[u8], path: &Path) -> Result<Vec<Stimulus>, Error> {
    let reader = FrameReader::new(bytes, ORDERS_MAGIC, ORDER_RECORD_BYTES, "orders")
        .map_err(|e| input_error(path, "byte offset 0".into(), e.to_string()))?;
    // Every record takes a frame and a payload: this many at most, and never more than
    // the bound.
    let records = bytes.len() / (FRAME_HEADER_BYTES + ORDER_RECORD_BYTES);
    let mut out = Vec::with_capacity(records.min(ORDERS_MAX));
    for record in reader {
        let (offset, payload) =
            record.map_err(|e| input_error(path, "framing".into(), e.to_string()))?;
        if out.len() == ORDERS_MAX {
            return Err(input_error(
                path,
                format!("byte offset {offset}"),
                format!("more than {ORDERS_MAX} records (the most one run takes)"),
            ));
        }
        let mut arrival = [0u8; 8];
        arrival.copy_from_slice(&payload[..8]);
        let arrival_ns = u64::from_le_bytes(arrival);
        let message = OrderMessage::decode(&payload[8..])
            .map_err(|e| input_error(path, format!("byte offset {offset}"), e.to_string()))?;
        out.push(Stimulus {
            arrival_ns,
            message,
        });
    }
    Ok(out)
}

/// Encode stimuli as a binary orders file.
pub fn encode_orders(stimuli: &[Stimulus]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + stimuli.len() * (8 + ORDER_RECORD_BYTES));
    write_file_header(&mut out, ORDERS_MAGIC, ORDER_RECORD_BYTES);
    let mut payload = [0u8; ORDER_RECORD_BYTES];
    for s in stimuli {
        payload[..8].copy_from_slice(&s.arrival_ns.to_le_bytes());
        payload[8..].copy_from_slice(&s.message.encode());
        write_frame(&mut out, &payload);
    }
    out
}

/// Start an events file (header only); append records with [`append_event`].
pub fn events_file_header() -> Vec<u8> {
    let mut out = Vec::new();
    write_file_header(&mut out, EVENTS_MAGIC, EVENT_BYTES);
    out
}

pub fn append_event(out: &mut Vec<u8>, event: &Event) {
    write_frame(out, &event.encode());
}

/// Decode an events file: every good event up to the first bad record, and the error there
/// (at most [`EVENTS_MAX`] events: the record after them is an error).
pub fn decode_events(bytes: &[u8], path: &Path) -> (Vec<Event>, Option<Error>) {
    let reader = match FrameReader::new(bytes, EVENTS_MAGIC, EVENT_BYTES, "events") {
        Ok(reader) => reader,
        Err(e) => {
            return (
                Vec::new(),
                Some(input_error(path, "byte offset 0".into(), e.to_string())),
            )
        }
    };
    let records = bytes.len() / (FRAME_HEADER_BYTES + EVENT_BYTES);
    let mut events: Vec<Event> = Vec::with_capacity(records.min(EVENTS_MAX));
    for record in reader {
        let decoded = record
            .map_err(|e| input_error(path, "framing".into(), e.to_string()))
            .and_then(|(offset, payload)| {
                if events.len() == EVENTS_MAX {
                    return Err(input_error(
                        path,
                        format!("byte offset {offset}"),
                        format!("more than {EVENTS_MAX} events (the most a run writes)"),
                    ));
                }
                Event::decode(payload)
                    .map(|event| (offset, event))
                    .map_err(|e| input_error(path, format!("byte offset {offset}"), e.to_string()))
            });
        let decoded = decoded.and_then(|(offset, event)| match events.last() {
            Some(previous) if previous.seq.checked_add(1) != Some(event.seq) => Err(input_error(
                path,
                format!("byte offset {offset}"),
                format!(
                    "sequence gap: seq {} follows seq {}",
                    event.seq, previous.seq
                ),
            )),
            _ => Ok(event),
        });
        match decoded {
            Ok(event) => events.push(event),
            Err(e) => return (events, Some(e)),
        }
    }
    (events, None)
}

const CSV_REQUIRED: [&str; 9] = [
    "op",
    "account",
    "instrument",
    "side",
    "price_ticks",
    "qty_lots",
    "tif",
    "stp",
    "client_ref",
];
const CSV_OPTIONAL: [&str; 3] = ["order_id", "nonce", "arrival_ns"];

/// Parse CSV orders (see `docs/formats.md`); sign each row with its account's test key when
/// `sign`.
pub fn parse_csv(
    text: &str,
    path: &Path,
    config: &VenueConfig,
    sign: bool,
) -> Result<Vec<Stimulus>, Error> {
    let mut rows = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(line, text)| {
            // Bounds what one line can make the parser split and echo.
            if text.len() > CSV_LINE_BYTES_MAX {
                return Err(input_error(
                    path,
                    format!("line {line}"),
                    format!(
                        "{} bytes, longer than the {CSV_LINE_BYTES_MAX} a row may have",
                        text.len()
                    ),
                ));
            }
            Ok((line, text))
        });
    let Some((header_line, header)) = rows.next().transpose()? else {
        return Err(input_error(
            path,
            "line 1".into(),
            "empty file: expected a CSV header",
        ));
    };
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    for (index, name) in columns.iter().enumerate() {
        if !CSV_REQUIRED.contains(name) && !CSV_OPTIONAL.contains(name) {
            return Err(input_error(
                path,
                format!("line {header_line}"),
                format!("unknown column `{name}`"),
            ));
        }
        if columns[..index].contains(name) {
            return Err(input_error(
                path,
                format!("line {header_line}"),
                format!("duplicate column `{name}`"),
            ));
        }
    }
    if let Some(missing) = CSV_REQUIRED.iter().find(|c| !columns.contains(c)) {
        return Err(input_error(
            path,
            format!("line {header_line}"),
            format!("missing column `{missing}`"),
        ));
    }
    let mut state = CsvState {
        nonces: HashMap::new(),
        arrival_ns: 0,
        keys: HashMap::new(),
    };
    let mut out = Vec::new();
    for row in rows {
        let (line, text) = row?;
        if out.len() == ORDERS_MAX {
            return Err(input_error(
                path,
                format!("line {line}"),
                format!("more than {ORDERS_MAX} rows (the most one run takes)"),
            ));
        }
        let fields: Vec<&str> = text.split(',').map(str::trim).collect();
        if fields.len() != columns.len() {
            return Err(input_error(
                path,
                format!("line {line}"),
                format!("{} fields, header has {}", fields.len(), columns.len()),
            ));
        }
        let row = Row {
            columns: &columns,
            fields: &fields,
        };
        let stimulus = parse_row(&row, config, &mut state, sign)
            .map_err(|message| input_error(path, format!("line {line}"), message))?;
        out.push(stimulus);
    }
    Ok(out)
}

struct CsvState {
    nonces: HashMap<u32, u64>,
    arrival_ns: u64,
    keys: HashMap<u32, ed25519_consensus::SigningKey>,
}

struct Row<'a> {
    columns: &'a [&'a str],
    fields: &'a [&'a str],
}

impl Row<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let index = self.columns.iter().position(|c| *c == name)?;
        Some(self.fields[index]).filter(|f| !f.is_empty())
    }

    fn number<T: TryFrom<u64>>(&self, name: &str) -> Result<Option<T>, String> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => text.parse::<u64>(),
        }
        .map_err(|_| format!("column `{name}`: `{text}` is not a non-negative integer"))?;
        T::try_from(value)
            .map(Some)
            .map_err(|_| format!("column `{name}`: {value} is out of range"))
    }

    fn required<T: TryFrom<u64>>(&self, name: &str) -> Result<T, String> {
        self.number(name)?
            .ok_or_else(|| format!("column `{name}` is empty"))
    }

    fn choice<T: Copy>(
        &self,
        name: &str,
        options: &[(&str, T)],
        default: Option<T>,
    ) -> Result<T, String> {
        let Some(text) = self.get(name) else {
            return default.ok_or_else(|| format!("column `{name}` is empty"));
        };
        options
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(text))
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
                format!(
                    "column `{name}`: expected one of {}, got `{text}`",
                    names.join("|")
                )
            })
    }
}

fn parse_row(
    row: &Row,
    config: &VenueConfig,
    state: &mut CsvState,
    sign: bool,
) -> Result<Stimulus, String> {
    let op = row.choice("op", &[("new", true), ("cancel", false)], None)?;
    let account: u32 = row.required("account")?;
    let instrument: u16 = row.required("instrument")?;
    if config.instrument(instrument).is_none() {
        return Err(format!("unknown instrument {instrument}"));
    }
    let client_ref: u64 = row.number("client_ref")?.unwrap_or(0);
    let last = state.nonces.get(&account).copied().unwrap_or(0);
    let nonce: u64 = match row.number("nonce")? {
        Some(nonce) => nonce,
        None => last
            .checked_add(1)
            .ok_or("column `nonce` is empty and the next nonce would overflow u64")?,
    };
    state.nonces.insert(account, nonce.max(last));
    let mut message = if op {
        let side = row.choice("side", &[("buy", Side::Buy), ("sell", Side::Sell)], None)?;
        let tif = row.choice(
            "tif",
            &[
                ("gtc", TimeInForce::Gtc),
                ("ioc", TimeInForce::Ioc),
                ("fok", TimeInForce::Fok),
                ("post_only", TimeInForce::PostOnly),
            ],
            Some(TimeInForce::Gtc),
        )?;
        let stp = row.choice(
            "stp",
            &[
                ("default", StpMode::Default),
                ("none", StpMode::None),
                ("cancel_newest", StpMode::CancelNewest),
                ("cancel_oldest", StpMode::CancelOldest),
                ("cancel_both", StpMode::CancelBoth),
            ],
            Some(StpMode::Default),
        )?;
        let price: u32 = row.required("price_ticks")?;
        let qty: u32 = row.required("qty_lots")?;
        if row.get("order_id").is_some() {
            return Err("column `order_id` is for cancels only".into());
        }
        OrderMessage::new_order(
            account, nonce, instrument, side, price, qty, tif, stp, client_ref,
        )
    } else {
        let target: u64 = row.required("order_id")?;
        for unused in ["side", "price_ticks", "qty_lots", "tif", "stp"] {
            if row.get(unused).is_some() {
                return Err(format!("column `{unused}` must be empty on a cancel"));
            }
        }
        OrderMessage::cancel(account, nonce, instrument, OrderId(target), client_ref)
    };
    state.arrival_ns = match row.number::<u64>("arrival_ns")? {
        Some(at) => at,
        None => state
            .arrival_ns
            .checked_add(CSV_ARRIVAL_STEP_NS)
            .ok_or("column `arrival_ns` is empty and the next arrival time would overflow u64")?,
    };
    if sign {
        if account >= config.accounts.test_accounts {
            return Err(format!(
                "account {account} has no test key (test accounts are 0..{}); use --trusted to replay unsigned",
                config.accounts.test_accounts
            ));
        }
        let key = state
            .keys
            .entry(account)
            .or_insert_with(|| test_signing_key(account));
        sign_with_test_key(&mut message, key, config.venue.id);
    }
    Ok(Stimulus {
        arrival_ns: state.arrival_ns,
        message,
    })
}
