//! Files the `ordo` command reads and writes (formats in `docs/formats.md`):
//! - orders, binary: file header `ORDOORD1`, framed records of arrival_ns u64 ‖ 128-byte
//!   message;
//! - orders, CSV: one row per message, signed on load with the test keys (or unsigned when
//!   trusted);
//! - events: file header `ORDOEVT1`, framed 64-byte event records.
//!
//! Every error names the file and the line (CSV) or byte offset (binary).

use std::collections::HashMap;
use std::path::Path;

use abi::framing::{
    write_file_header, write_frame, EVENTS_MAGIC, ORDERS_MAGIC, ORDER_RECORD_BYTES,
};
use abi::{Event, FrameReader, OrderId, OrderMessage, Side, StpMode, TimeInForce, EVENT_BYTES};

use crate::config::VenueConfig;
use crate::keys::{sign_with_test_key, test_signing_key};
use crate::workload::Stimulus;
use crate::Error;

/// Default spacing of CSV rows that give no arrival time.
pub const CSV_ARRIVAL_STEP_NS: u64 = 1_000;

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

/// Read an orders file, binary or CSV (told apart by the binary magic). CSV rows are signed
/// with the test keys unless `trusted`.
pub fn read_orders(
    path: &Path,
    config: &VenueConfig,
    trusted: bool,
) -> Result<Vec<Stimulus>, Error> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    if bytes.starts_with(&ORDERS_MAGIC) {
        return decode_orders(&bytes, path);
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

/// Decode a binary orders file.
pub fn decode_orders(bytes: &[u8], path: &Path) -> Result<Vec<Stimulus>, Error> {
    let reader = FrameReader::new(bytes, ORDERS_MAGIC, ORDER_RECORD_BYTES, "orders")
        .map_err(|e| input_error(path, "byte offset 0".into(), e.to_string()))?;
    let mut out = Vec::new();
    for record in reader {
        let (offset, payload) =
            record.map_err(|e| input_error(path, "framing".into(), e.to_string()))?;
        let arrival_ns = u64::from_le_bytes(payload[..8].try_into().unwrap());
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

/// Decode an events file: every good event up to the first bad record, and the error there.
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
    let mut events: Vec<Event> = Vec::new();
    for record in reader {
        let decoded = record
            .map_err(|e| input_error(path, "framing".into(), e.to_string()))
            .and_then(|(offset, payload)| {
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
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
    let Some((header_line, header)) = rows.next() else {
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
    for (line, text) in rows {
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
