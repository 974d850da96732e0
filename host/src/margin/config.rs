//! Margin parameters: a documented TOML file (`docs/margin.md`) with an embedded default
//! (`host/config/margin.toml`). Checked once in [`MarginConfig::parse`]; the engine relies on
//! the checks (every bound below keeps its integer arithmetic inside i64/i128).

use std::path::Path;

use serde::Deserialize;

use super::credit::CreditDesk;
use super::engine::MarginEngine;
use crate::config::VenueConfig;
use crate::Error;

/// The embedded default margin configuration.
pub const DEFAULT_MARGIN_TOML: &str = include_str!("../../config/margin.toml");

/// One million: `_ppm` fractions are parts of this.
pub const PPM: i64 = 1_000_000;

/// Largest index or strike, in ticks (prices on the wire are u32).
pub const PRICE_TICKS_MAX: i64 = u32::MAX as i64;

/// Largest tick value of one lot (1,000 units of the settlement asset per tick per lot).
pub const TICK_LOT_VALUE_E6_MAX: i64 = 1_000_000_000;

/// Most scenario points on either axis of the options grid.
pub const SCENARIO_MOVES_MAX: usize = 16;

/// Most tiers of a perpetual.
pub const TIERS_MAX: usize = 16;

/// One second and one (leap) year of 366 days, in ns: the bounds of `funding.interval_ns`.
/// Below a second the catch-up after a gap is the common case, not the exception; above a
/// year it is no funding schedule.
pub const FUNDING_INTERVAL_NS_MIN: u64 = 1_000_000_000;
pub const FUNDING_INTERVAL_NS_MAX: u64 = 366 * DAY_NS;

/// Most funding periods settled in one input after a gap in sequencer time
/// (`funding.catch_up_periods_max`); the engine's work per input stays bounded by it.
pub const CATCH_UP_PERIODS_MAX: u32 = 64;

/// The longest breaker window and halt: one day. A breaker reacts to minutes; a longer halt
/// is a venue closure, an operator's decision, not a breaker's.
pub const BREAKER_NS_MAX: u64 = DAY_NS;

const DAY_NS: u64 = 86_400 * 1_000_000_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarginConfig {
    pub margin: General,
    pub liquidation: Liquidation,
    pub funding: Funding,
    pub breaker: Breaker,
    pub options_margin: OptionsMargin,
    pub credit: Credit,
    pub underlyings: Vec<Underlying>,
    #[serde(default)]
    pub perps: Vec<Perp>,
    #[serde(default)]
    pub options: Vec<OptionSeries>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    /// Display only.
    pub settlement_asset: String,
    pub insurance_account: u32,
    pub insurance_fund_e6: i64,
    pub positions_per_account_max: u32,
    pub fee_ppm: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liquidation {
    pub penalty_ppm: i64,
    pub limit_slippage_ppm: i64,
    pub partial_threshold_e6: i64,
    pub step_ppm: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub interval_ns: u64,
    pub interest_ppm: i64,
    pub clamp_ppm: i64,
    pub cap_ppm: i64,
    /// After a gap in sequencer time covering several funding boundaries, at most this many
    /// periods are settled (each like a single one); the rest are skipped and reported
    /// (`MarginEvent::FundingSkipped`). Optional, 3 when absent.
    #[serde(default = "default_catch_up_periods_max")]
    pub catch_up_periods_max: u32,
}

fn default_catch_up_periods_max() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breaker {
    pub mark_band_ppm: i64,
    pub halt_move_ppm: i64,
    pub window_ns: u64,
    pub halt_ns: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionsMargin {
    pub price_moves_ppm: Vec<i64>,
    pub vol_moves_ppm: Vec<i64>,
    pub short_minimum_ppm: i64,
    pub im_over_mm_ppm: i64,
    pub rate_ppm: i64,
}

/// The pre-trade credit the host hands the sequencer (`margin::credit`, abi.md §16).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// Value of one credit unit (e6).
    pub unit_e6: i64,
    /// A credit (or a cost per lot) is raised only when the new value exceeds what the
    /// sequencer holds by more than this fraction; lowered at once, always.
    pub raise_ppm: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Underlying {
    pub id: u16,
    pub symbol: String,
    pub index_ticks: i64,
    pub volatility_ppm: i64,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The tier covers notional from the previous tier's bound up to this.
    pub up_to_e6: i64,
    pub im_ppm: i64,
    pub mm_ppm: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perp {
    pub instrument: u16,
    pub underlying: u16,
    pub tick_lot_value_e6: i64,
    pub tiers: Vec<Tier>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    Call,
    Put,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSeries {
    pub instrument: u16,
    pub underlying: u16,
    pub kind: OptionKind,
    pub strike_ticks: i64,
    pub expiry_ns: u64,
    pub tick_lot_value_e6: i64,
}

impl MarginConfig {
    /// The embedded default.
    pub fn embedded() -> MarginConfig {
        MarginConfig::parse(DEFAULT_MARGIN_TOML, "<embedded margin default>")
            .expect("the embedded margin config is valid")
    }

    /// Load `path`, or the embedded default when `None`.
    pub fn load(path: Option<&Path>) -> Result<MarginConfig, Error> {
        let Some(path) = path else {
            return Ok(MarginConfig::embedded());
        };
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        MarginConfig::parse(&text, &path.display().to_string())
    }

    /// Parse and check a TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<MarginConfig, Error> {
        let error = |message: String| Error::Config {
            origin: origin.to_string(),
            message,
        };
        let config: MarginConfig = toml::from_str(text).map_err(|e| error(e.to_string()))?;
        config.check().map_err(error)?;
        Ok(config)
    }

    /// Check what the margin engine, the margin node and the credit desk assume of the venue
    /// they run on; every command that runs them with `venue` calls this first, so none of
    /// their assertions can be reached from the two files.
    pub fn check_against(&self, venue: &VenueConfig) -> Result<(), Error> {
        self.venue_mismatch(venue).map_err(|message| Error::Config {
            origin: "margin config against the venue config".to_string(),
            message,
        })
    }

    fn venue_mismatch(&self, venue: &VenueConfig) -> Result<(), String> {
        let insurance = self.margin.insurance_account;
        let accounts = &venue.accounts;
        // `MarginEngine::new` asserts it: the engine keeps the venue's account ids.
        if insurance >= venue.venue.accounts_max {
            return Err(format!(
                "margin.insurance_account {insurance} must be below venue.accounts_max {} \
                 (the insurance account is an account of the venue)",
                venue.venue.accounts_max
            ));
        }
        // It works taken-over positions off in the book: the sequencer must know it.
        if insurance >= accounts.test_accounts && !accounts.keys.iter().any(|k| k.id == insurance) {
            return Err(format!(
                "margin.insurance_account {insurance} is not a known venue account (a test \
                 account, below accounts.test_accounts {}, or one of accounts.keys): its \
                 liquidation orders would be rejected unknown_account",
                accounts.test_accounts
            ));
        }
        // A follower tells the insurance account's orders from the admin's settings by the
        // account that sent them.
        if accounts.admins.contains(&insurance) {
            return Err(format!(
                "margin.insurance_account {insurance} is also in accounts.admins: the \
                 insurance account's orders and the admin's settings must come from \
                 different accounts"
            ));
        }
        // The credit desk refuses a margined book whose cost per lot at the top of its band
        // does not fit the card's 16 bits. Its bound depends on the markets at start alone,
        // not on the accounts, so a one-account engine answers as the real one will.
        let mut probe = self.clone();
        probe.margin.insurance_account = 0;
        CreditDesk::new(venue, self, &MarginEngine::new(&probe, 1)).map(|_| ())
    }

    fn check(&self) -> Result<(), String> {
        let g = &self.margin;
        in_range("margin.insurance_fund_e6", g.insurance_fund_e6, 0, 1 << 60)?;
        in_range(
            "margin.positions_per_account_max",
            i64::from(g.positions_per_account_max),
            1,
            256,
        )?;
        in_range("margin.fee_ppm", g.fee_ppm, 0, PPM / 10)?;
        in_range("credit.unit_e6", self.credit.unit_e6, 1, 1 << 40)?;
        in_range("credit.raise_ppm", self.credit.raise_ppm, 0, 10 * PPM)?;
        let l = &self.liquidation;
        in_range("liquidation.penalty_ppm", l.penalty_ppm, 0, PPM / 2)?;
        in_range(
            "liquidation.limit_slippage_ppm",
            l.limit_slippage_ppm,
            0,
            PPM / 2,
        )?;
        in_range(
            "liquidation.partial_threshold_e6",
            l.partial_threshold_e6,
            1,
            1 << 60,
        )?;
        in_range("liquidation.step_ppm", l.step_ppm, 1, PPM)?;
        let f = &self.funding;
        in_range_u64(
            "funding.interval_ns",
            f.interval_ns,
            FUNDING_INTERVAL_NS_MIN,
            FUNDING_INTERVAL_NS_MAX,
        )?;
        in_range(
            "funding.catch_up_periods_max",
            i64::from(f.catch_up_periods_max),
            1,
            i64::from(CATCH_UP_PERIODS_MAX),
        )?;
        in_range("funding.interest_ppm", f.interest_ppm, -PPM / 10, PPM / 10)?;
        in_range("funding.clamp_ppm", f.clamp_ppm, 0, PPM / 10)?;
        in_range("funding.cap_ppm", f.cap_ppm, 0, PPM / 10)?;
        let b = &self.breaker;
        in_range("breaker.mark_band_ppm", b.mark_band_ppm, 1, PPM)?;
        in_range("breaker.halt_move_ppm", b.halt_move_ppm, 1, PPM)?;
        in_range_u64("breaker.window_ns", b.window_ns, 1, BREAKER_NS_MAX)?;
        in_range_u64("breaker.halt_ns", b.halt_ns, 1, BREAKER_NS_MAX)?;
        self.check_options_margin()?;
        self.check_instruments()
    }

    fn check_options_margin(&self) -> Result<(), String> {
        let o = &self.options_margin;
        for (name, moves) in [
            ("price_moves_ppm", &o.price_moves_ppm),
            ("vol_moves_ppm", &o.vol_moves_ppm),
        ] {
            if moves.is_empty() || moves.len() > SCENARIO_MOVES_MAX {
                return Err(format!(
                    "options_margin.{name} needs 1..={SCENARIO_MOVES_MAX} entries"
                ));
            }
            for &m in moves {
                in_range(
                    &format!("options_margin.{name} entry"),
                    m,
                    -PPM + 1,
                    10 * PPM,
                )?;
            }
        }
        in_range(
            "options_margin.short_minimum_ppm",
            o.short_minimum_ppm,
            0,
            PPM,
        )?;
        in_range(
            "options_margin.im_over_mm_ppm",
            o.im_over_mm_ppm,
            PPM,
            10 * PPM,
        )?;
        in_range("options_margin.rate_ppm", o.rate_ppm, -PPM / 2, PPM / 2)
    }

    fn check_instruments(&self) -> Result<(), String> {
        let mut underlyings = Vec::new();
        for u in &self.underlyings {
            if underlyings.contains(&u.id) {
                return Err(format!("underlying {} ({}) listed twice", u.id, u.symbol));
            }
            underlyings.push(u.id);
            in_range(
                &format!("{}: index_ticks", u.symbol),
                u.index_ticks,
                1,
                PRICE_TICKS_MAX,
            )?;
            in_range(
                &format!("{}: volatility_ppm", u.symbol),
                u.volatility_ppm,
                0,
                10 * PPM,
            )?;
        }
        let mut instruments = Vec::new();
        let mut instrument = |id: u16, underlying: u16, tick_lot_value_e6: i64| {
            if instruments.contains(&id) {
                return Err(format!("instrument {id} listed twice"));
            }
            instruments.push(id);
            if !underlyings.contains(&underlying) {
                return Err(format!("instrument {id}: unknown underlying {underlying}"));
            }
            in_range(
                &format!("instrument {id}: tick_lot_value_e6"),
                tick_lot_value_e6,
                1,
                TICK_LOT_VALUE_E6_MAX,
            )
        };
        for p in &self.perps {
            instrument(p.instrument, p.underlying, p.tick_lot_value_e6)?;
            check_tiers(p)?;
        }
        for o in &self.options {
            instrument(o.instrument, o.underlying, o.tick_lot_value_e6)?;
            in_range(
                &format!("option {}: strike_ticks", o.instrument),
                o.strike_ticks,
                1,
                PRICE_TICKS_MAX,
            )?;
        }
        Ok(())
    }
}

fn check_tiers(p: &Perp) -> Result<(), String> {
    let name = format!("perp {}: tiers", p.instrument);
    if p.tiers.is_empty() || p.tiers.len() > TIERS_MAX {
        return Err(format!("{name}: needs 1..={TIERS_MAX} tiers"));
    }
    let mut previous = Tier {
        up_to_e6: 0,
        im_ppm: 0,
        mm_ppm: 0,
    };
    for t in &p.tiers {
        if t.up_to_e6 <= previous.up_to_e6 || t.up_to_e6 > 1 << 60 {
            return Err(format!(
                "{name}: up_to_e6 must increase (and stay below 2^60)"
            ));
        }
        if !(0 < t.mm_ppm && t.mm_ppm <= t.im_ppm && t.im_ppm <= PPM) {
            return Err(format!("{name}: needs 0 < mm_ppm <= im_ppm <= 1000000"));
        }
        if t.mm_ppm < previous.mm_ppm || t.im_ppm < previous.im_ppm {
            return Err(format!("{name}: rates must not fall with notional"));
        }
        previous = *t;
    }
    Ok(())
}

fn in_range(name: &str, value: i64, low: i64, high: i64) -> Result<(), String> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(format!("{name} {value} must be in {low}..={high}"))
    }
}

fn in_range_u64(name: &str, value: u64, low: u64, high: u64) -> Result<(), String> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(format!("{name} {value} must be in {low}..={high}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_default_parses() {
        let c = MarginConfig::embedded();
        assert_eq!(c.perps.len(), 4);
        assert_eq!(c.options.len(), 4);
    }

    #[test]
    fn bad_values_are_named() {
        // Proves each check reports the field: one bad value at a time in the default text.
        for (from, to, expect) in [
            ("fee_ppm = 200", "fee_ppm = -1", "margin.fee_ppm -1"),
            (
                "step_ppm = 250_000",
                "step_ppm = 0",
                "liquidation.step_ppm 0",
            ),
            (
                "interval_ns = 28_800_000_000_000",
                "interval_ns = 0",
                "funding.interval_ns",
            ),
            (
                "underlying = 4\n",
                "underlying = 9\n",
                "unknown underlying 9",
            ),
            ("mm_ppm = 5_000 }", "mm_ppm = 50_000 }", "mm_ppm <= im_ppm"),
            (
                "instrument = 104",
                "instrument = 103",
                "instrument 103 listed twice",
            ),
            ("rate_ppm = 0", "rate_ppm = 0\nextra = 1", "unknown field"),
            (
                "catch_up_periods_max = 3",
                "catch_up_periods_max = 0",
                "funding.catch_up_periods_max 0",
            ),
            (
                "catch_up_periods_max = 3",
                "catch_up_periods_max = 65",
                "funding.catch_up_periods_max 65",
            ),
            (
                "window_ns = 300_000_000_000",
                "window_ns = 86_400_000_000_001",
                "breaker.window_ns 86400000000001",
            ),
            (
                "halt_ns = 60_000_000_000",
                "halt_ns = 9_223_372_036_854_775_807",
                "breaker.halt_ns 9223372036854775807",
            ),
            (
                "halt_ns = 60_000_000_000",
                "halt_ns = 0",
                "breaker.halt_ns 0",
            ),
        ] {
            assert!(DEFAULT_MARGIN_TOML.contains(from), "{from}");
            let text = DEFAULT_MARGIN_TOML.replacen(from, to, 1);
            let message = MarginConfig::parse(&text, "t").unwrap_err().to_string();
            assert!(message.contains(expect), "{to}: {message}");
        }
    }

    #[test]
    fn funding_interval_one_ns_is_refused() {
        // Proves the defect of issue 11 ("funding loop runs away") cannot be configured: an
        // interval of 1 ns (which made every input settle up to its timestamp in periods),
        // and one past a 366-day year, are refused naming the field; the bounds themselves
        // load. Each case replaces the default's interval in the embedded text.
        let with = |interval: &str| {
            let from = "interval_ns = 28_800_000_000_000";
            assert!(DEFAULT_MARGIN_TOML.contains(from));
            let text = DEFAULT_MARGIN_TOML.replacen(from, &format!("interval_ns = {interval}"), 1);
            MarginConfig::parse(&text, "t")
        };
        for bad in ["1", "999_999_999", "31_622_400_000_000_001"] {
            let message = with(bad).unwrap_err().to_string();
            assert!(message.contains("funding.interval_ns"), "{bad}: {message}");
        }
        for good in ["1_000_000_000", "31_622_400_000_000_000"] {
            assert!(with(good).is_ok(), "{good}");
        }
        assert_eq!(FUNDING_INTERVAL_NS_MAX, 31_622_400_000_000_000);
    }

    #[test]
    fn catch_up_periods_max_defaults_to_three() {
        // Proves the new field is optional (configs written before it still load) and that
        // its default is 3: the embedded text without its line parses to 3.
        let line = "catch_up_periods_max = 3\n";
        assert!(DEFAULT_MARGIN_TOML.contains(line));
        let text = DEFAULT_MARGIN_TOML.replacen(line, "", 1);
        let config = MarginConfig::parse(&text, "t").unwrap();
        assert_eq!(config.funding.catch_up_periods_max, 3);
        assert_eq!(MarginConfig::embedded().funding.catch_up_periods_max, 3);
    }

    #[test]
    fn insurance_account_beyond_accounts_max_is_a_config_error() {
        // Proves the cross-file check refuses, naming the field, the default margin config
        // (insurance account 511) on the tighter venue of docs/config.md (16 accounts) with
        // an admin — which made `MarginEngine::new`'s assertion fail in `ordo follow` — and
        // passes the pair it does accept (the default venue).
        let venue = VenueConfig::parse(
            &crate::config::DEFAULT_CONFIG_TOML
                .replacen("accounts_max = 1024", "accounts_max = 16", 1)
                .replacen("test_accounts = 512", "test_accounts = 16", 1)
                .replacen("oracles = [510]", "oracles = []", 1)
                .replacen("admins = [509]", "admins = [15]", 1),
            "small",
        )
        .unwrap();
        let message = MarginConfig::embedded()
            .check_against(&venue)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("margin.insurance_account 511 must be below venue.accounts_max 16"),
            "{message}"
        );
        MarginConfig::embedded()
            .check_against(&crate::config::VenueConfig::embedded())
            .unwrap();
    }

    #[test]
    fn what_the_margin_side_assumes_of_the_venue_is_checked() {
        // Proves each cross-file check with one change from the default pair: an insurance
        // account the venue does not know (no test key, no listed key), one that is also the
        // admin, and a book whose cost per lot at the top of its band overflows the card's
        // 16 bits (the credit desk's refusal, now at load); a listed key makes an account
        // known.
        let venue = |from: &str, to: &str| {
            let text = crate::config::DEFAULT_CONFIG_TOML.replacen(from, to, 1);
            assert_ne!(text, crate::config::DEFAULT_CONFIG_TOML, "{from}");
            VenueConfig::parse(&text, "venue").unwrap()
        };
        let margin = |from: &str, to: &str| {
            assert!(DEFAULT_MARGIN_TOML.contains(from), "{from}");
            MarginConfig::parse(&DEFAULT_MARGIN_TOML.replacen(from, to, 1), "margin").unwrap()
        };
        let default = MarginConfig::embedded();
        for (margin, venue, expect) in [
            (
                &default,
                venue("test_accounts = 512", "test_accounts = 511"),
                "margin.insurance_account 511 is not a known venue account",
            ),
            (
                &default,
                venue("admins = [509]", "admins = [511]"),
                "margin.insurance_account 511 is also in accounts.admins",
            ),
            (
                &margin("unit_e6 = 10_000", "unit_e6 = 1"),
                VenueConfig::embedded(),
                "BTC-PERP: a lot's cost at the top of the band",
            ),
        ] {
            let message = margin.check_against(&venue).unwrap_err().to_string();
            assert!(message.contains(expect), "{expect}: {message}");
        }
        let known = venue(
            "keys = []",
            "keys = [{ id = 600, public_key = \"16b9369e74d5e340adb8b047d513e63bd7d361bcb7cfcf5f225d3075e9bca22b\" }]",
        );
        margin("insurance_account = 511", "insurance_account = 600")
            .check_against(&known)
            .unwrap();
    }
}
