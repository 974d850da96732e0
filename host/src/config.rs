//! Venue configuration: a documented TOML file (`docs/config.md`) with embedded defaults.
//!
//! Everything here is checked once in [`VenueConfig::parse`]; the engine asserts the same
//! bounds again, so a config that passes parsing can never make the engine panic.

use std::path::Path;

use abi::StpMode;
use serde::Deserialize;

use crate::Error;

/// The embedded default configuration (`host/config/default.toml`).
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../config/default.toml");

/// Most books a venue can hold (the engine indexes books with a byte; the card holds fewer).
pub const INSTRUMENTS_LIMIT: u32 = 64;

/// Largest ladder the two-level best-price bitmap covers (64 words of 64 bits). The hardware
/// uses the same structure, so this bound is part of the contract.
pub const LEVELS_PER_SIDE_LIMIT: u32 = 4096;

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
    pub default_stp: StpName,
    pub orders_resting_max: u32,
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
        if v.orders_resting_max == 0 || v.orders_resting_max >= u32::MAX / 2 {
            return Err(format!(
                "venue.orders_resting_max {} out of range",
                v.orders_resting_max
            ));
        }
        if v.levels_per_side_max == 0 || v.levels_per_side_max > LEVELS_PER_SIDE_LIMIT {
            return Err(format!(
                "venue.levels_per_side_max {} must be in 1..={LEVELS_PER_SIDE_LIMIT}",
                v.levels_per_side_max
            ));
        }
        if v.accounts_max == 0 || v.accounts_max > 1 << 24 {
            return Err(format!(
                "venue.accounts_max {} must be in 1..=16777216",
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
}

/// Parse a 64-hex-digit public key.
pub fn parse_public_key(hex: &str) -> Result<[u8; 32], String> {
    let hex = hex.trim();
    // Before the length: the byte slicing below would split a non-ASCII character (a
    // fuzz finding: a panic).
    if !hex.is_ascii() {
        return Err("has a non-hex (non-ASCII) character".to_string());
    }
    if hex.len() != 64 {
        return Err(format!("must be 64 hex digits, got {}", hex.len()));
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .map_err(|_| format!("has a non-hex digit near position {}", 2 * i))?;
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
        ];
        for (from, to, needle) in cases {
            let text = DEFAULT_CONFIG_TOML.replacen(from, to, 1);
            let err = VenueConfig::parse(&text, "test").unwrap_err().to_string();
            assert!(err.contains(needle), "{to}: {err}");
        }
    }
}
