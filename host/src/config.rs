//! Venue configuration: a documented TOML file (`docs/config.md`) with embedded defaults.
//!
//! Everything here is checked once in [`VenueConfig::parse`]; the engine asserts the same
//! bounds again, so a config that passes parsing can never make the engine panic.

use std::mem::size_of;
use std::path::Path;

use abi::StpMode;
use serde::{Deserialize, Serialize};

use crate::engine::book::{ladder_bytes, BOOK_BYTES, ORDER_SLOT_BYTES, SPARE_SLOT_BYTES};
use crate::engine::{sequencer_table_bytes, SEQUENCER_ACCOUNT_BYTES, SEQUENCER_ORDER_SLOT_BYTES};
use crate::Error;

/// The embedded default configuration (`host/config/default.toml`).
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../config/default.toml");

/// Most books a venue can hold (the engine indexes books with a byte; the card holds fewer).
pub const INSTRUMENTS_LIMIT: u32 = 64;

/// Largest ladder the two-level best-price bitmap covers (64 words of 64 bits). The hardware
/// uses the same structure, so this bound is part of the contract.
pub const LEVELS_PER_SIDE_LIMIT: u32 = 4096;

/// Most order slots (2²⁴, 16,777,216): more resting orders than a venue holds (the largest
/// books hold a few million), and what this machine kind can hold with room to spare: at 108
/// bytes a slot on the software path and at most 144 more in a follower's rebuilt books
/// ([`VenueMemory`], `MarginNode::memory`), 1.7 + 2.3 GiB; with [`ACCOUNTS_LIMIT`] accounts
/// too, 9.6 GiB in all, under half of a 24 GiB machine (docs/config.md).
pub const ORDERS_RESTING_LIMIT: u32 = 1 << 24;

/// Most account ids (2²⁴, 16,777,216): at 223 bytes an id on the software path (most of it
/// the verifier's key) and 140 in the margin engine, 3.5 + 2.2 GiB.
pub const ACCOUNTS_LIMIT: u32 = 1 << 24;

/// Largest `venue.fok_orders_max` (2²⁴, the same bound as [`ORDERS_RESTING_LIMIT`]: a cap
/// above the pool never binds).
pub const FOK_ORDERS_LIMIT: u32 = 1 << 24;

/// `venue.fok_orders_max` when a venue file leaves it out (files written before the field).
pub const FOK_ORDERS_MAX_DEFAULT: u32 = 256;

fn fok_orders_max_default() -> u32 {
    FOK_ORDERS_MAX_DEFAULT
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueConfig {
    pub venue: Venue,
    pub accounts: Accounts,
    pub instruments: Vec<Instrument>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    pub name: String,
    /// The venue's id: signed into every order-entry message (abi.md §3), so a signature
    /// made for one venue is worthless on another. Pick a random non-zero u64 per venue.
    pub id: u64,
    pub default_stp: StpName,
    pub orders_resting_max: u32,
    /// The most resting orders one FOK order's fill check may visit (abi.md §11): a FOK
    /// that would need more is rejected `fok_too_deep`, so a FOK costs bounded work on
    /// every path. Optional in TOML ([`FOK_ORDERS_MAX_DEFAULT`]).
    #[serde(default = "fok_orders_max_default")]
    pub fok_orders_max: u32,
    pub levels_per_side_max: u32,
    pub accounts_max: u32,
    pub instruments_max: u32,
}

/// STP mode as written in the config (the wire value `default` is not allowed here).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StpName {
    None,
    CancelNewest,
    CancelOldest,
    CancelBoth,
}

impl StpName {
    pub fn mode(self) -> StpMode {
        match self {
            StpName::None => StpMode::None,
            StpName::CancelNewest => StpMode::CancelNewest,
            StpName::CancelOldest => StpMode::CancelOldest,
            StpName::CancelBoth => StpMode::CancelBoth,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    pub test_accounts: u32,
    #[serde(default)]
    pub keys: Vec<AccountKey>,
    /// Accounts allowed to send oracle messages (each a known account).
    #[serde(default)]
    pub oracles: Vec<u32>,
    /// Accounts allowed to send admin messages (the risk engine's credit settings; each a
    /// known account).
    #[serde(default)]
    pub admins: Vec<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountKey {
    pub id: u32,
    /// 32-byte ed25519 public key, hex.
    pub public_key: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub id: u16,
    pub symbol: String,
    /// Display only: the price of one tick.
    pub tick_size: String,
    /// Display only: the size of one lot.
    pub lot_size: String,
    pub reference_price_ticks: u32,
    pub band_ticks: u32,
    pub qty_lots_max: u32,
}

impl Instrument {
    /// Lowest price inside the band.
    pub fn price_min_ticks(&self) -> u32 {
        self.reference_price_ticks - self.band_ticks
    }

    /// Highest price inside the band.
    pub fn price_max_ticks(&self) -> u32 {
        self.reference_price_ticks + self.band_ticks
    }

    /// Number of price levels per side.
    pub fn levels(&self) -> u32 {
        2 * self.band_ticks + 1
    }
}

impl VenueConfig {
    /// The embedded default.
    pub fn embedded() -> VenueConfig {
        VenueConfig::parse(DEFAULT_CONFIG_TOML, "<embedded default>")
            .expect("the embedded default config is valid")
    }

    /// Load `path`, or the embedded default when `None`.
    pub fn load(path: Option<&Path>) -> Result<VenueConfig, Error> {
        match path {
            None => Ok(VenueConfig::embedded()),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                VenueConfig::parse(&text, &path.display().to_string())
            }
        }
    }

    /// Parse and check a TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<VenueConfig, Error> {
        let config: VenueConfig = toml::from_str(text).map_err(|e| Error::Config {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        config.check().map_err(|message| Error::Config {
            origin: origin.to_string(),
            message,
        })?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        let v = &self.venue;
        if v.id == 0 {
            return Err("venue.id must be non-zero (a random u64 naming this venue)".into());
        }
        if v.orders_resting_max == 0 || v.orders_resting_max > ORDERS_RESTING_LIMIT {
            return Err(format!(
                "venue.orders_resting_max {} must be in 1..={ORDERS_RESTING_LIMIT}",
                v.orders_resting_max
            ));
        }
        if v.fok_orders_max == 0 || v.fok_orders_max > FOK_ORDERS_LIMIT {
            return Err(format!(
                "venue.fok_orders_max {} must be in 1..={FOK_ORDERS_LIMIT}",
                v.fok_orders_max
            ));
        }
        if v.levels_per_side_max == 0 || v.levels_per_side_max > LEVELS_PER_SIDE_LIMIT {
            return Err(format!(
                "venue.levels_per_side_max {} must be in 1..={LEVELS_PER_SIDE_LIMIT}",
                v.levels_per_side_max
            ));
        }
        if v.accounts_max == 0 || v.accounts_max > ACCOUNTS_LIMIT {
            return Err(format!(
                "venue.accounts_max {} must be in 1..={ACCOUNTS_LIMIT}",
                v.accounts_max
            ));
        }
        if v.instruments_max == 0 || v.instruments_max > INSTRUMENTS_LIMIT {
            return Err(format!(
                "venue.instruments_max {} must be in 1..={INSTRUMENTS_LIMIT}",
                v.instruments_max
            ));
        }
        if self.accounts.test_accounts > v.accounts_max {
            return Err(format!(
                "accounts.test_accounts {} exceeds venue.accounts_max {}",
                self.accounts.test_accounts, v.accounts_max
            ));
        }
        for key in &self.accounts.keys {
            if key.id >= v.accounts_max {
                return Err(format!("account key id {} >= venue.accounts_max", key.id));
            }
            if key.id < self.accounts.test_accounts {
                return Err(format!(
                    "account key id {} collides with a test account",
                    key.id
                ));
            }
            let bytes = parse_public_key(&key.public_key)
                .map_err(|e| format!("account {}: public_key {e}", key.id))?;
            // Refused here, so the account table and the sequencer's known-account set agree.
            ed25519_consensus::VerificationKey::try_from(bytes).map_err(|_| {
                format!(
                    "account {}: public_key is not an ed25519 curve point",
                    key.id
                )
            })?;
        }
        let mut ids: Vec<u32> = self.accounts.keys.iter().map(|k| k.id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err("duplicate account key id".to_string());
        }
        for (list, accounts) in [
            ("oracles", &self.accounts.oracles),
            ("admins", &self.accounts.admins),
        ] {
            for &account in accounts {
                if account >= self.accounts.test_accounts && ids.binary_search(&account).is_err() {
                    return Err(format!(
                        "accounts.{list}: account {account} is not a known account"
                    ));
                }
            }
        }
        if self.instruments.is_empty() || self.instruments.len() > v.instruments_max as usize {
            return Err(format!(
                "need 1..={} instruments, got {}",
                v.instruments_max,
                self.instruments.len()
            ));
        }
        for (index, instrument) in self.instruments.iter().enumerate() {
            let name = &instrument.symbol;
            if instrument.id == 0 {
                return Err(format!(
                    "{name}: instrument id 0 is reserved (admin messages address accounts with it)"
                ));
            }
            if self.instruments[..index]
                .iter()
                .any(|other| other.id == instrument.id)
            {
                return Err(format!("duplicate instrument id {}", instrument.id));
            }
            // Compare the band before computing 2 * band + 1, which could overflow.
            if instrument.band_ticks == 0
                || instrument.band_ticks > LEVELS_PER_SIDE_LIMIT
                || instrument.levels() > v.levels_per_side_max
            {
                return Err(format!(
                    "{name}: band_ticks {} needs 2*band+1 <= levels_per_side_max {}",
                    instrument.band_ticks, v.levels_per_side_max
                ));
            }
            if instrument.reference_price_ticks <= instrument.band_ticks
                || instrument.reference_price_ticks > u32::MAX / 2
            {
                return Err(format!(
                    "{name}: reference_price_ticks {} must exceed band_ticks and fit in 31 bits",
                    instrument.reference_price_ticks
                ));
            }
            if instrument.qty_lots_max == 0 {
                return Err(format!("{name}: qty_lots_max must be > 0"));
            }
        }
        Ok(())
    }

    /// The instrument with wire id `id`.
    pub fn instrument(&self, id: u16) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.id == id)
    }

    /// The bytes the software path allocates for these capacities before the first message
    /// (the sequencer, its books and the signature verifier's account table), from the sizes
    /// of the types it allocates. Buffers that grow with the input (messages, kept events)
    /// come on top.
    pub fn memory(&self) -> VenueMemory {
        let v = &self.venue;
        let per_order_slot_bytes = ORDER_SLOT_BYTES + SEQUENCER_ORDER_SLOT_BYTES;
        // The verifier's table (`keys::account_table`) has an entry for every account id.
        let per_account_bytes = SEQUENCER_ACCOUNT_BYTES
            + size_of::<Option<ed25519_consensus::VerificationKey>>() as u64;
        let order_slots_bytes =
            u64::from(v.orders_resting_max) * per_order_slot_bytes + SPARE_SLOT_BYTES;
        let accounts_bytes = u64::from(v.accounts_max) * per_account_bytes;
        let books_bytes = self
            .instruments
            .iter()
            .map(|i| BOOK_BYTES + 2 * ladder_bytes(i.levels()))
            .sum();
        let tables_bytes = sequencer_table_bytes(self.instruments.len());
        VenueMemory {
            per_order_slot_bytes,
            per_account_bytes,
            order_slots_bytes,
            accounts_bytes,
            books_bytes,
            tables_bytes,
            total_bytes: order_slots_bytes + accounts_bytes + books_bytes + tables_bytes,
        }
    }
}

/// What a venue's capacities cost in memory on the software path ([`VenueConfig::memory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VenueMemory {
    /// Per order slot (`orders_resting_max`): the book's slot and client reference, and the
    /// sequencer's event buffer entry.
    pub per_order_slot_bytes: u64,
    /// Per account id (`accounts_max`): the sequencer's nonce, flags and credit, and the
    /// verifier's key.
    pub per_account_bytes: u64,
    pub order_slots_bytes: u64,
    pub accounts_bytes: u64,
    /// The ladders and bitmaps of every book (`2 * band_ticks + 1` levels a side).
    pub books_bytes: u64,
    /// The instrument id table and per-book entries.
    pub tables_bytes: u64,
    pub total_bytes: u64,
}

/// Parse a 64-hex-digit public key. Works on bytes: the text may hold any UTF-8, and
/// slicing a `str` at a byte offset inside a multi-byte character would panic.
pub fn parse_public_key(hex: &str) -> Result<[u8; 32], String> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 64 {
        return Err(format!("must be 64 hex digits, got {} bytes", hex.len()));
    }
    let digit = |position: usize| {
        // A byte of a multi-byte character is above 0x7f: never an ASCII hex digit.
        (hex[position] as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or_else(|| format!("has a non-hex digit at byte {position}"))
    };
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = digit(2 * i)? << 4 | digit(2 * i + 1)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_is_valid() {
        let c = VenueConfig::embedded();
        assert_eq!(c.instruments.len(), 4);
        assert_eq!(c.venue.orders_resting_max, 16384);
        assert_eq!(c.venue.fok_orders_max, 256);
    }

    #[test]
    fn fok_orders_max_is_optional_and_bounded() {
        // Proves a venue file written before the field (no `fok_orders_max` line) loads with
        // the documented default 256; that both ends of 1..=2^24 load as written; and that 0
        // and 2^24 + 1 are refused with a message naming the field and its range.
        let line = "fok_orders_max = 256\n";
        assert!(DEFAULT_CONFIG_TOML.contains(line), "the default writes it");
        let without = DEFAULT_CONFIG_TOML.replacen(line, "", 1);
        assert!(!without.contains("fok_orders_max"));
        let c = VenueConfig::parse(&without, "test").unwrap();
        assert_eq!(c.venue.fok_orders_max, FOK_ORDERS_MAX_DEFAULT);
        assert_eq!(FOK_ORDERS_MAX_DEFAULT, 256);
        for ok in [1u32, 3, 16_777_216] {
            let text = DEFAULT_CONFIG_TOML.replacen(line, &format!("fok_orders_max = {ok}\n"), 1);
            let c = VenueConfig::parse(&text, "test").unwrap();
            assert_eq!(c.venue.fok_orders_max, ok);
        }
        for bad in [0u32, 16_777_217] {
            let text = DEFAULT_CONFIG_TOML.replacen(line, &format!("fok_orders_max = {bad}\n"), 1);
            let err = VenueConfig::parse(&text, "test").unwrap_err().to_string();
            assert!(
                err.contains(&format!(
                    "venue.fok_orders_max {bad} must be in 1..=16777216"
                )),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn bad_configs_name_the_problem() {
        // Proves each bound is checked and the message names the offending field.
        let cases = [
            ("band_ticks = 2000", "band_ticks = 2048", "band_ticks"),
            (
                "orders_resting_max = 16384",
                "orders_resting_max = 0",
                "orders_resting_max",
            ),
            (
                "test_accounts = 512",
                "test_accounts = 5000",
                "test_accounts",
            ),
            ("id = 2", "id = 1", "duplicate instrument"),
            (
                "reference_price_ticks = 15000",
                "reference_price_ticks = 10",
                "reference_price",
            ),
            (
                "keys = []",
                "keys = [{ id = 600, public_key = \"zz\" }]",
                "public_key",
            ),
            ("name = \"ordo-demo\"", "name = \"x\"\nbogus = 1", "bogus"),
            (
                "orders_resting_max = 16384",
                "orders_resting_max = 16777217",
                "venue.orders_resting_max 16777217 must be in 1..=16777216",
            ),
            (
                "accounts_max = 1024",
                "accounts_max = 16777217",
                "venue.accounts_max 16777217 must be in 1..=16777216",
            ),
        ];
        for (from, to, needle) in cases {
            let text = DEFAULT_CONFIG_TOML.replacen(from, to, 1);
            let err = VenueConfig::parse(&text, "test").unwrap_err().to_string();
            assert!(err.contains(needle), "{to}: {err}");
        }
    }

    #[test]
    fn public_key_with_multibyte_character_is_an_error() {
        // Proves a key of 64 bytes that are not all ASCII (61 hex digits, a two-byte "é"
        // across the boundary of the 31st digit pair, one more digit) is refused naming the
        // key, where slicing the text at that boundary panicked: the parser alone, and a
        // config listing the key.
        let key = format!("{}é0", "a".repeat(61));
        assert_eq!(key.len(), 64);
        assert!(!key.is_char_boundary(62));
        assert_eq!(
            parse_public_key(&key),
            Err("has a non-hex digit at byte 61".to_string())
        );
        let text = DEFAULT_CONFIG_TOML.replacen(
            "keys = []",
            &format!("keys = [{{ id = 600, public_key = \"{key}\" }}]"),
            1,
        );
        let err = VenueConfig::parse(&text, "test").unwrap_err().to_string();
        assert!(
            err.contains("account 600: public_key has a non-hex digit"),
            "{err}"
        );
        // Upper and lower case digits still decode (test account 0's documented key).
        let upper = "16B9369E74D5E340ADB8B047D513E63BD7D361BCB7CFCF5F225D3075E9BCA22B";
        assert_eq!(
            parse_public_key(upper),
            parse_public_key(&upper.to_lowercase())
        );
        assert_eq!(parse_public_key(upper).unwrap()[..2], [0x16, 0xb9]);
    }

    #[test]
    fn capacities_load_up_to_their_maxima() {
        // Proves the documented maxima are accepted (one above each is refused in
        // bad_configs_name_the_problem) and that their memory follows the capacities: one
        // slot or one account more costs exactly its per-unit figure.
        let text = DEFAULT_CONFIG_TOML
            .replacen(
                "orders_resting_max = 16384",
                "orders_resting_max = 16777216",
                1,
            )
            .replacen("accounts_max = 1024", "accounts_max = 16777216", 1);
        let max = VenueConfig::parse(&text, "test").unwrap();
        let default = VenueConfig::embedded().memory();
        let m = max.memory();
        assert_eq!(
            m.order_slots_bytes - default.order_slots_bytes,
            (16_777_216 - 16_384) * m.per_order_slot_bytes
        );
        assert_eq!(
            m.accounts_bytes - default.accounts_bytes,
            (16_777_216 - 1_024) * m.per_account_bytes
        );
        assert_eq!(m.books_bytes, default.books_bytes);
    }

    #[test]
    fn the_tighter_venue_example_in_the_docs_loads() {
        // Proves the "Example: a tighter venue" TOML block of docs/config.md is a valid
        // config as written (read from the doc itself, so the two cannot drift apart).
        let doc = include_str!("../../docs/config.md");
        let section = doc
            .split("## Example: a tighter venue")
            .nth(1)
            .expect("the doc has the example");
        let block = section
            .split("```toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("a toml block");
        let c = VenueConfig::parse(block, "docs/config.md").unwrap();
        assert_eq!(c.venue.accounts_max, 16);
        assert_eq!(c.instruments[0].levels(), c.venue.levels_per_side_max);
    }
}
