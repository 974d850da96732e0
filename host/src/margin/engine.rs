//! The margin engine: a state machine over the sequenced stream (`handle` one input, get the
//! margin events it caused). Integers only; every replica that handles the same inputs ends
//! in the same state ([`MarginEngine::digest`]).
//!
//! Accounting (docs/margin.md): an account has a cash `balance_e6`; each position has a size
//! in lots and a `quote_e6` — the cash its trades moved (a buy of q lots at p ticks adds
//! `−q·p·v`, a sell `+q·p·v`, v = the instrument's tick value of one lot). So every fill moves
//! quote from buyer to seller exactly, funding moves quote from one side to the other, fees
//! and penalties move balance to the venue, and the sum of all balances, all quotes and the
//! fees (the insurance fund is the insurance account's balance) changes only by deposits and
//! withdrawals ([`MarginEngine::total_e6`]). A position's value is `quote + size·value`,
//! value being `mark·v` for a perpetual and the Black–Scholes value of a lot for an option.

use abi::{Event, EventKind, Side};
use sha2::{Digest, Sha256};

use super::config::{MarginConfig, OptionKind, Tier, PPM, PRICE_TICKS_MAX, SCENARIO_MOVES_MAX};
use super::fixed::Fixed;
use super::options::{black_scholes, years_from_ns, OptionInputs};

/// No market for an instrument id.
const NO_MARKET: u16 = u16::MAX;

/// Scenario points of the options grid at most.
const SCENARIOS_MAX: usize = SCENARIO_MOVES_MAX * SCENARIO_MOVES_MAX;

/// Largest balance or isolated margin a sequenced transfer or isolation may leave (e6): the
/// bound the configuration puts on the insurance fund, an eighth of i64's range. The
/// sequencer takes any 64-bit amount; one that would go beyond is refused, so no transfer
/// can overflow the money the engine adds up.
pub const MONEY_E6_MAX: i64 = 1 << 60;

/// Money in millionths of the settlement asset (e6): every balance, quote, isolated margin,
/// fee total, position value and requirement, and every product and sum of them
/// (docs/margin.md, "Numeric range"). Lots and ticks stay i64; a product of a size and a
/// value is taken in i128, where it cannot overflow within the engine's envelope.
pub type Money = i128;

/// Why a pre-trade check or a withdrawal failed (each maps to one `abi::Reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarginReject {
    /// The order (or withdrawal) would leave the account below initial margin.
    InsufficientMargin,
    /// A reduce-only order would increase the position or flip it.
    ReduceOnly,
    /// The market is halted by the circuit breaker (only reduce-only orders pass).
    Halted,
    /// The price is further from the mark than the breaker's band.
    OutsideMarkBand,
    /// The account already holds `positions_per_account_max` positions.
    TooManyPositions,
    /// Isolated margin applies to perpetuals only, and can be withdrawn only from an
    /// isolated position.
    NotIsolatable,
    /// The account id is outside the engine's accounts.
    UnknownAccount,
    /// The amount would take a balance or an isolated margin beyond [`MONEY_E6_MAX`].
    BeyondRange,
}

/// What the engine decided, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarginEvent {
    /// The account fell below maintenance margin: `qty_lots` (signed as its position) moved
    /// to the insurance account at the mark, and a penalty went to the insurance fund.
    Liquidated {
        account: u32,
        instrument: u16,
        qty_lots: i64,
        /// The price of one lot in ticks (a perp's mark, an option's value over its tick
        /// value), clamped to i64's range (it is far inside it for any configured market).
        mark_ticks: i64,
        penalty_e6: Money,
    },
    /// The insurance account's order to work a taken-over position off in the book (IOC).
    LiquidationOrder {
        instrument: u16,
        side: Side,
        qty_lots: u32,
        limit_ticks: u32,
    },
    /// Open orders of a liquidated account are to be cancelled (its margin no longer counts
    /// them).
    CancelAll { account: u32 },
    /// A bankrupt account's deficit was paid by the insurance fund.
    InsuranceCovered { account: u32, deficit_e6: Money },
    /// The insurance fund could not cover it: `qty_lots` of the bankrupt account's position
    /// were closed against `counterparty`'s at the bankruptcy price (`transfer_e6` worse
    /// than the mark for the counterparty).
    AutoDeleveraged {
        account: u32,
        counterparty: u32,
        instrument: u16,
        qty_lots: i64,
        transfer_e6: Money,
    },
    /// Funding was paid: `per_lot_e6` from each long lot to each short lot (negative: the
    /// other way).
    Funding {
        instrument: u16,
        rate_ppm: i64,
        per_lot_e6: Money,
    },
    /// Funding boundaries passed without payment: a gap in sequencer time covered more
    /// boundaries than `funding.catch_up_periods_max`; that many periods were settled (the
    /// `Funding` events just before this one), the `periods` after them skipped. One event for
    /// all perpetuals, not one per instrument, because the schedule is the venue's, shared
    /// by every perpetual: the same boundaries are skipped for each, and there is nothing
    /// per instrument to report (no rate was computed for a skipped period). Consumers that
    /// act on `Funding` (money moved) need not act on this (nothing moved).
    FundingSkipped { periods: u64 },
    /// The breaker halted trading on the instrument until `until_ns`; `None` when that end
    /// (the halt's start plus `breaker.halt_ns`) is past u64::MAX, the end of sequencer
    /// time: the market then stays halted for the rest of the stream.
    Halted {
        instrument: u16,
        until_ns: Option<u64>,
    },
    /// Trading resumed.
    Resumed { instrument: u16 },
    /// An option series expired and was settled at intrinsic value.
    Expired { instrument: u16, value_e6: Money },
    /// The account is below maintenance margin and could not be liquidated now (halted
    /// market); it is checked again at the next input that moves time.
    Flagged { account: u32 },
    /// A sequenced collateral transfer was refused and changed nothing: a withdrawal beyond
    /// the balance or the initial margin, or an account outside the engine.
    TransferRefused { account: u32, amount_e6: i64 },
    /// A sequenced isolation (margin into or out of an isolated perpetual position) was
    /// refused and changed nothing (see [`MarginEngine::isolate`] for why).
    IsolateRefused {
        account: u32,
        instrument: u16,
        amount_e6: i64,
    },
}

/// One input of the margin engine, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarginInput {
    /// A sequenced event from the matching engine.
    Event(Event),
    /// Collateral in (positive) or out (negative; refused below initial margin).
    Deposit {
        account: u32,
        amount_e6: i64,
        timestamp_ns: u64,
    },
    /// A signed oracle update of an underlying's index price (and volatility, if given).
    Oracle {
        underlying: u16,
        index_ticks: i64,
        volatility_ppm: Option<i64>,
        timestamp_ns: u64,
    },
    /// Margin into an isolated perpetual position (positive; the position becomes isolated)
    /// or back to the balance (negative); refused (no effect) if either side would fall
    /// below initial margin.
    Isolate {
        account: u32,
        instrument: u16,
        amount_e6: i64,
        timestamp_ns: u64,
    },
    /// The best bid and ask of a perpetual's book (the mark uses them).
    BookTop {
        instrument: u16,
        best_bid_ticks: Option<i64>,
        best_ask_ticks: Option<i64>,
    },
}

#[derive(Debug, Clone)]
enum Kind {
    Perp {
        tiers: Vec<Tier>,
    },
    Option {
        kind: OptionKind,
        strike_ticks: i64,
        expiry_ns: u64,
        expired: bool,
    },
}

#[derive(Debug, Clone)]
struct Market {
    instrument: u16,
    underlying: usize,
    kind: Kind,
    tick_lot_value_e6: i64,
    /// Perps: median of index, bid and ask (the index while the book is one-sided).
    /// Options: the underlying's index.
    mark_ticks: i64,
    /// Value of one long lot: `mark·v` for perps, the option's value for options.
    value_e6: Money,
    /// Options: the value of one lot in each scenario of the grid (price-major).
    scenario_e6: Vec<Money>,
    best_bid_ticks: Option<i64>,
    best_ask_ticks: Option<i64>,
    /// Accounts with a position entry here (unordered; `Position::holder_slot` points back).
    holders: Vec<u32>,
    halt: Halt,
    /// Start of the breaker's window; never after the engine's `now_ns`.
    window_start_ns: u64,
    window_mark_ticks: i64,
}

/// Whether the circuit breaker holds a market halted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Halt {
    /// Trading.
    Open,
    /// Halted; trading resumes at the first input at or after this time.
    Until(u64),
    /// Halted for the rest of the stream: the halt's end is past u64::MAX, where no input's
    /// timestamp can reach (resuming at u64::MAX instead would cut the halt short).
    Forever,
}

impl Halt {
    fn halted(self) -> bool {
        self != Halt::Open
    }
}

#[derive(Debug, Clone)]
struct UnderlyingState {
    id: u16,
    index_ticks: i64,
    volatility_ppm: i64,
    markets: Vec<usize>,
    /// Sequencer time of the last re-mark (None: never): with the index and volatility
    /// unchanged since, a re-mark at the same time gives the same marks and values.
    remarked_ns: Option<u64>,
    /// Counts the changes to what every holder's margin depends on: re-marks, funding
    /// payments, expiries ([`MarginEngine::revision`]).
    revision: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Position {
    market: u16,
    size_lots: i64,
    quote_e6: Money,
    open_buy_lots: i64,
    open_sell_lots: i64,
    holder_slot: u32,
    /// Isolated margin: the position is margined by `isolated_e6` alone, outside the
    /// account's cross margin. The entry stays while it holds margin; a closed position's
    /// quote is realised into `isolated_e6`, not the balance.
    isolated: bool,
    isolated_e6: Money,
}

/// What a margin check covers: the account's cross margin (balance and every position not
/// isolated), or one isolated position (its margin and itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Cross,
    Isolated(u16),
}

impl Position {
    fn in_scope(&self, scope: Scope) -> bool {
        match scope {
            Scope::Cross => !self.isolated,
            Scope::Isolated(m) => self.isolated && self.market == m,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Account {
    balance_e6: Money,
    positions: Positions,
    flagged: bool,
}

/// An account's position entries. Up to [`INLINE_POSITIONS`] live inside the account itself
/// (most accounts hold one or two instruments), so a fill's two accounts cost one memory
/// miss each instead of two (account, then its position vector); more spill to the heap.
#[derive(Debug, Clone)]
enum Positions {
    Inline([Position; INLINE_POSITIONS], u8),
    Heap(Vec<Position>),
}

/// Position entries stored inside an account.
const INLINE_POSITIONS: usize = 2;

/// Bytes [`MarginEngine::new`] allocates per account (its entry, with the inline positions).
/// An account holding more than [`INLINE_POSITIONS`] positions adds [`POSITION_BYTES`] for
/// each entry on the heap.
pub const ACCOUNT_BYTES: u64 = std::mem::size_of::<Account>() as u64;

/// Bytes of one position entry on the heap.
pub const POSITION_BYTES: u64 = std::mem::size_of::<Position>() as u64;

impl Default for Positions {
    fn default() -> Positions {
        Positions::Inline([Position::default(); INLINE_POSITIONS], 0)
    }
}

impl std::ops::Deref for Positions {
    type Target = [Position];
    fn deref(&self) -> &[Position] {
        match self {
            Positions::Inline(entries, len) => &entries[..usize::from(*len)],
            Positions::Heap(entries) => entries,
        }
    }
}

impl std::ops::DerefMut for Positions {
    fn deref_mut(&mut self) -> &mut [Position] {
        match self {
            Positions::Inline(entries, len) => &mut entries[..usize::from(*len)],
            Positions::Heap(entries) => entries,
        }
    }
}

impl Positions {
    fn push(&mut self, position: Position) {
        match self {
            Positions::Inline(entries, len) if usize::from(*len) < INLINE_POSITIONS => {
                entries[usize::from(*len)] = position;
                *len += 1;
            }
            Positions::Inline(entries, _) => {
                let mut heap = Vec::with_capacity(2 * INLINE_POSITIONS);
                heap.extend_from_slice(entries);
                heap.push(position);
                *self = Positions::Heap(heap);
            }
            Positions::Heap(entries) => entries.push(position),
        }
    }

    /// Remove entry `i`; the last entry takes its place.
    fn swap_remove(&mut self, i: usize) {
        match self {
            Positions::Inline(entries, len) => {
                let last = usize::from(*len) - 1;
                entries.swap(i, last);
                *len -= 1;
            }
            Positions::Heap(entries) => {
                entries.swap_remove(i);
            }
        }
    }
}

/// An account's margin figures at the current marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Assessment {
    /// Balance plus the value of every position.
    pub equity_e6: Money,
    /// Maintenance requirement of the positions.
    pub maintenance_e6: Money,
    /// Initial requirement of the positions and open orders.
    pub initial_e6: Money,
}

/// The margin engine (module documentation).
#[derive(Debug, Clone)]
pub struct MarginEngine {
    config: MarginConfig,
    markets: Vec<Market>,
    market_of: Vec<u16>,
    underlyings: Vec<UnderlyingState>,
    accounts: Vec<Account>,
    fees_e6: Money,
    deposits_e6: Money,
    now_ns: u64,
    /// The next funding boundary; `None` when it is past u64::MAX, the end of sequencer
    /// time: no funding is due again.
    next_funding_ns: Option<u64>,
    /// Accounts flagged for liquidation (ascending).
    flagged: Vec<u32>,
    /// Skip the re-mark and re-check of a book-top move that provably changes nothing
    /// ([`MarginEngine::top_changes_nothing`]); off only in the test that proves it exact.
    pub(crate) skip_unmoved_tops: bool,
}

impl MarginEngine {
    /// An engine for account ids `0 .. accounts`, markets as configured, the insurance fund
    /// deposited into the insurance account.
    pub fn new(config: &MarginConfig, accounts: u32) -> MarginEngine {
        assert!(
            config.margin.insurance_account < accounts,
            "insurance account {} outside 0..{accounts}",
            config.margin.insurance_account
        );
        let mut underlyings: Vec<UnderlyingState> = config
            .underlyings
            .iter()
            .map(|u| UnderlyingState {
                id: u.id,
                index_ticks: u.index_ticks,
                volatility_ppm: u.volatility_ppm,
                markets: Vec::new(),
                remarked_ns: None,
                revision: 0,
            })
            .collect();
        let underlying_of = |id: u16| {
            let u = config.underlyings.iter().position(|u| u.id == id);
            u.expect("checked: every instrument's underlying is listed")
        };
        let mut markets = Vec::new();
        for p in &config.perps {
            let kind = Kind::Perp {
                tiers: p.tiers.clone(),
            };
            let u = underlying_of(p.underlying);
            markets.push(Market::new(p.instrument, u, kind, p.tick_lot_value_e6));
        }
        for o in &config.options {
            let kind = Kind::Option {
                kind: o.kind,
                strike_ticks: o.strike_ticks,
                expiry_ns: o.expiry_ns,
                expired: false,
            };
            let u = underlying_of(o.underlying);
            markets.push(Market::new(o.instrument, u, kind, o.tick_lot_value_e6));
        }
        let mut market_of = vec![NO_MARKET; 1 << 16];
        for (i, m) in markets.iter().enumerate() {
            market_of[usize::from(m.instrument)] = i as u16;
            underlyings[m.underlying].markets.push(i);
        }
        let mut engine = MarginEngine {
            config: config.clone(),
            markets,
            market_of,
            underlyings,
            accounts: vec![Account::default(); accounts as usize],
            fees_e6: 0,
            deposits_e6: 0,
            now_ns: 0,
            next_funding_ns: Some(config.funding.interval_ns),
            flagged: Vec::new(),
            skip_unmoved_tops: true,
        };
        for u in 0..engine.underlyings.len() {
            engine.remark(u);
        }
        for m in &mut engine.markets {
            m.window_mark_ticks = m.mark_ticks;
        }
        let insurance = config.margin.insurance_account as usize;
        engine.accounts[insurance].balance_e6 = Money::from(config.margin.insurance_fund_e6);
        engine.deposits_e6 = i128::from(config.margin.insurance_fund_e6);
        engine
    }

    /// Handle one input; the margin events it caused, in order.
    pub fn handle(&mut self, input: &MarginInput) -> Vec<MarginEvent> {
        let mut out = Vec::new();
        match *input {
            MarginInput::Event(ref event) => {
                self.advance(event.timestamp_ns, &mut out);
                self.on_event(event, &mut out);
            }
            MarginInput::Deposit {
                account,
                amount_e6,
                timestamp_ns,
            } => {
                self.advance(timestamp_ns, &mut out);
                // A refused withdrawal changes nothing; `deposit` reports it to callers.
                let _ = self.deposit(account, amount_e6);
            }
            MarginInput::Isolate {
                account,
                instrument,
                amount_e6,
                timestamp_ns,
            } => {
                self.advance(timestamp_ns, &mut out);
                // A refused move changes nothing; `isolate` reports it to callers.
                let _ = self.isolate(account, instrument, amount_e6);
            }
            MarginInput::Oracle {
                underlying,
                index_ticks,
                volatility_ppm,
                timestamp_ns,
            } => {
                self.advance(timestamp_ns, &mut out);
                self.on_oracle(underlying, index_ticks, volatility_ppm, &mut out);
            }
            MarginInput::BookTop {
                instrument,
                best_bid_ticks,
                best_ask_ticks,
            } => {
                if let Some(m) = self.market_index(instrument) {
                    self.markets[m].best_bid_ticks = best_bid_ticks;
                    self.markets[m].best_ask_ticks = best_ask_ticks;
                    let u = self.markets[m].underlying;
                    if self.skip_unmoved_tops && self.top_changes_nothing(m) {
                        return out;
                    }
                    self.remark(u);
                    self.check_breakers(u, &mut out);
                    self.recheck_underlying(u, &mut out);
                }
            }
        }
        out
    }

    /// Collateral in or out. A withdrawal that would leave the balance below zero or the
    /// account below initial margin is refused and changes nothing.
    pub fn deposit(&mut self, account: u32, amount_e6: i64) -> Result<(), MarginReject> {
        let a = account as usize;
        if a >= self.accounts.len() {
            return Err(MarginReject::UnknownAccount);
        }
        // Only a deposit is capped: a withdrawal may always lower a balance grown past the
        // cap by trading.
        let balance = self.accounts[a].balance_e6 + Money::from(amount_e6);
        if amount_e6 > 0 && balance > Money::from(MONEY_E6_MAX) {
            return Err(MarginReject::BeyondRange);
        }
        if amount_e6 < 0 {
            let assessed = self.assess(account);
            if balance < 0 || assessed.equity_e6 + Money::from(amount_e6) < assessed.initial_e6 {
                return Err(MarginReject::InsufficientMargin);
            }
        }
        self.accounts[a].balance_e6 = balance;
        self.deposits_e6 += i128::from(amount_e6);
        Ok(())
    }

    /// Move margin between the balance and an isolated perpetual position (see
    /// [`MarginInput::Isolate`]). Both the cross account and the isolated position must
    /// cover their initial requirements afterwards.
    pub fn isolate(
        &mut self,
        account: u32,
        instrument: u16,
        amount_e6: i64,
    ) -> Result<(), MarginReject> {
        let a = account as usize;
        if a >= self.accounts.len() {
            return Err(MarginReject::UnknownAccount);
        }
        let m = self
            .market_index(instrument)
            .filter(|&m| matches!(self.markets[m].kind, Kind::Perp { .. }))
            .ok_or(MarginReject::NotIsolatable)?;
        let existing = self.accounts[a]
            .positions
            .iter()
            .find(|p| usize::from(p.market) == m);
        if existing.is_none()
            && self.accounts[a].positions.len()
                >= self.config.margin.positions_per_account_max as usize
        {
            return Err(MarginReject::TooManyPositions);
        }
        if amount_e6 < 0 && !existing.is_some_and(|p| p.isolated) {
            return Err(MarginReject::NotIsolatable);
        }
        let mut after = self.accounts[a].clone();
        // Whichever side the amount moves to is capped; the other only shrinks.
        let in_range = |x: Money, grows: bool| {
            Some(x)
                .filter(|&x| !grows || x <= Money::from(MONEY_E6_MAX))
                .ok_or(MarginReject::BeyondRange)
        };
        let amount = Money::from(amount_e6);
        after.balance_e6 = in_range(after.balance_e6 - amount, amount_e6 < 0)?;
        let p = after.position_mut(m as u16);
        p.isolated = true;
        p.isolated_e6 = in_range(p.isolated_e6 + amount, amount_e6 > 0)?;
        let margin = p.isolated_e6;
        let balance = after.balance_e6;
        let cross = self.assess_scope(&after, Scope::Cross, true);
        let isolated = self.assess_scope(&after, Scope::Isolated(m as u16), true);
        if balance < 0
            || margin < 0
            || cross.equity_e6 < cross.initial_e6
            || isolated.equity_e6 < isolated.initial_e6
        {
            return Err(MarginReject::InsufficientMargin);
        }
        self.accounts[a].balance_e6 = balance;
        let p = self.position(account, m);
        p.isolated = true;
        p.isolated_e6 = margin;
        self.drop_if_empty(account, m);
        Ok(())
    }

    /// The pre-trade check of a new order: the same answer on every replica in the same
    /// state. A reduce-only order passes the margin check (it can only lower requirements).
    pub fn check_order(
        &self,
        account: u32,
        instrument: u16,
        side: Side,
        price_ticks: i64,
        qty_lots: i64,
        reduce_only: bool,
    ) -> Result<(), MarginReject> {
        let Some(m) = self.market_index(instrument) else {
            return Ok(()); // not margined here
        };
        let market = &self.markets[m];
        let a = self
            .accounts
            .get(account as usize)
            .ok_or(MarginReject::UnknownAccount)?;
        let position = a.positions.iter().find(|p| usize::from(p.market) == m);
        if reduce_only {
            let p = position.copied().unwrap_or_default();
            let reducible = match side {
                Side::Buy => (-p.size_lots - p.open_buy_lots).max(0),
                Side::Sell => (p.size_lots - p.open_sell_lots).max(0),
            };
            return if qty_lots <= reducible {
                Ok(())
            } else {
                Err(MarginReject::ReduceOnly)
            };
        }
        if market.halt.halted() {
            return Err(MarginReject::Halted);
        }
        if let Kind::Perp { .. } = market.kind {
            let band = mul_ppm(market.mark_ticks, self.config.breaker.mark_band_ppm);
            if (price_ticks - market.mark_ticks).abs() > band {
                return Err(MarginReject::OutsideMarkBand);
            }
        }
        if position.is_none()
            && a.positions.len() >= self.config.margin.positions_per_account_max as usize
        {
            return Err(MarginReject::TooManyPositions);
        }
        // The order counts as open; the account must cover the initial requirement with it.
        let mut with_order = a.clone();
        let p = with_order.position_mut(m as u16);
        match side {
            Side::Buy => p.open_buy_lots += qty_lots,
            Side::Sell => p.open_sell_lots += qty_lots,
        }
        let scope = if p.isolated {
            Scope::Isolated(m as u16)
        } else {
            Scope::Cross
        };
        let mut assessed = self.assess_scope(&with_order, scope, true);
        if matches!(market.kind, Kind::Option { .. }) && side == Side::Buy {
            // The premium to pay if it fills, at the order's price.
            assessed.initial_e6 += Money::from(qty_lots)
                * Money::from(price_ticks)
                * Money::from(market.tick_lot_value_e6);
        }
        if assessed.equity_e6 >= assessed.initial_e6 {
            Ok(())
        } else {
            Err(MarginReject::InsufficientMargin)
        }
    }

    /// The account's equity and requirements at the current marks.
    pub fn assess(&self, account: u32) -> Assessment {
        self.assess_account(&self.accounts[account as usize], true)
    }

    /// An isolated position's margin plus value and its requirements (None: the position
    /// is not isolated).
    pub fn assess_isolated(&self, account: u32, instrument: u16) -> Option<Assessment> {
        let m = self.market_index(instrument)? as u16;
        let a = &self.accounts[account as usize];
        a.positions
            .iter()
            .any(|p| p.in_scope(Scope::Isolated(m)))
            .then(|| self.assess_scope(a, Scope::Isolated(m), true))
    }

    /// Whether the account's cross margin, or any of its isolated positions, is below its
    /// maintenance requirement.
    fn below_maintenance_at(&self, account: u32) -> bool {
        let a = &self.accounts[account as usize];
        let below = |scope| {
            let s = self.assess_scope(a, scope, false);
            s.equity_e6 < s.maintenance_e6
        };
        below(Scope::Cross)
            || a.positions
                .iter()
                .any(|p| p.isolated && below(Scope::Isolated(p.market)))
    }

    /// Equity of one scope of the account at the marks.
    fn scope_equity_e6(&self, account: u32, scope: Scope) -> Money {
        self.assess_scope(&self.accounts[account as usize], scope, false)
            .equity_e6
    }

    /// The account's cross equity at the marks.
    fn equity_e6(&self, account: u32) -> Money {
        self.scope_equity_e6(account, Scope::Cross)
    }

    /// Sum of balances (the insurance fund's included), quotes and fees: changes only by
    /// deposits, so it always equals [`MarginEngine::deposits_e6`].
    pub fn total_e6(&self) -> i128 {
        let mut total = self.fees_e6;
        for a in &self.accounts {
            total += a.balance_e6;
            total += a
                .positions
                .iter()
                .map(|p| p.quote_e6 + p.isolated_e6)
                .sum::<Money>();
        }
        total
    }

    /// Net deposits so far (the insurance fund's start included).
    pub fn deposits_e6(&self) -> i128 {
        self.deposits_e6
    }

    /// Fees collected.
    pub fn fees_e6(&self) -> Money {
        self.fees_e6
    }

    /// The insurance fund: the insurance account's balance.
    pub fn insurance_fund_e6(&self) -> Money {
        self.accounts[self.config.margin.insurance_account as usize].balance_e6
    }

    /// The insurance account's id.
    pub fn insurance_account(&self) -> u32 {
        self.config.margin.insurance_account
    }

    /// Balance of an account.
    pub fn balance_e6(&self, account: u32) -> Money {
        self.accounts[account as usize].balance_e6
    }

    /// Position size in lots (positive long).
    pub fn position_lots(&self, account: u32, instrument: u16) -> i64 {
        self.market_index(instrument)
            .map_or(0, |m| self.position_lots_at(account, m))
    }

    /// Net position of all accounts in an instrument (zero by construction).
    pub fn net_lots(&self, instrument: u16) -> i64 {
        let Some(m) = self.market_index(instrument) else {
            return 0;
        };
        let holders = &self.markets[m].holders;
        holders.iter().map(|&h| self.position_lots_at(h, m)).sum()
    }

    /// The mark of a perpetual (or the index of an option's underlying), in ticks.
    pub fn mark_ticks(&self, instrument: u16) -> Option<i64> {
        self.market_index(instrument)
            .map(|m| self.markets[m].mark_ticks)
    }

    /// The value of one long lot (e6).
    pub fn value_e6(&self, instrument: u16) -> Option<Money> {
        self.market_index(instrument)
            .map(|m| self.markets[m].value_e6)
    }

    /// An upper bound on what one more lot of open orders on `instrument` adds to an
    /// account's initial requirement at the current marks (e6; None: not margined here).
    /// Perps: the highest tier's initial rate on a lot's value at the mark or at `price`,
    /// whichever is higher (the requirement grows by at most the top marginal rate per lot
    /// of the larger side). Options: `im_over_mm` times the larger of the underlying's and
    /// the strike's value per lot — above any premium and any loss of the scenario grid.
    /// The pre-trade credit (`margin::credit`) prices an order with it. Clamped to
    /// i64::MAX (a bound that large prices every order out; the desk refuses far less).
    pub fn lot_requirement_bound_e6(&self, instrument: u16, price_ticks: i64) -> Option<i64> {
        let market = &self.markets[self.market_index(instrument)?];
        let v = Money::from(market.tick_lot_value_e6);
        // Rounded up: a bound must not fall short by the rounding.
        let ceil_ppm = |x: Money, ppm: i64| {
            let product = x.max(0) * Money::from(ppm.max(0));
            i64::try_from((product + 999_999) / 1_000_000).unwrap_or(i64::MAX)
        };
        Some(match &market.kind {
            Kind::Perp { tiers } => {
                let top = tiers.iter().map(|t| t.im_ppm).max().unwrap_or(0);
                let value = Money::from(market.mark_ticks.max(price_ticks)) * v;
                ceil_ppm(value, top)
            }
            Kind::Option { strike_ticks, .. } => {
                let index = self.underlyings[market.underlying].index_ticks;
                let value = Money::from(index.max(*strike_ticks)) * v;
                ceil_ppm(value, self.config.options_margin.im_over_mm_ppm)
            }
        })
    }

    /// What the account can still commit to new orders (e6): its equity less its initial
    /// requirement, in cross margin and in each isolated position, whichever is least; 0
    /// when flagged for liquidation. Never negative; clamped to i64::MAX (the credit desk
    /// caps a credit far below: 2³¹ − 1 units).
    pub fn free_margin_e6(&self, account: u32) -> i64 {
        let Some(a) = self.accounts.get(account as usize) else {
            return 0;
        };
        if a.flagged {
            return 0;
        }
        let free = |scope| {
            let s = self.assess_scope(a, scope, true);
            s.equity_e6 - s.initial_e6
        };
        let mut least = free(Scope::Cross);
        for p in a.positions.iter().filter(|p| p.isolated) {
            least = least.min(free(Scope::Isolated(p.market)));
        }
        i64::try_from(least.max(0)).unwrap_or(i64::MAX)
    }

    /// The underlyings' ids with their revisions: a revision moves whenever what every
    /// holder's margin depends on may have changed (a re-mark, a funding payment, an
    /// expiry), and only then — a book-top move the engine skipped as a no-op leaves it.
    /// Not part of the state digest (it only says where to look).
    pub fn revisions(&self) -> impl Iterator<Item = (u16, u64)> + '_ {
        self.underlyings.iter().map(|u| (u.id, u.revision))
    }

    /// Account ids are `0 .. account_count()`.
    pub fn account_count(&self) -> u32 {
        self.accounts.len() as u32
    }

    /// Accounts holding a position entry (a position or open orders) in any instrument on
    /// `underlying`, ascending.
    pub fn accounts_on(&self, underlying: u16) -> Vec<u32> {
        self.underlyings
            .iter()
            .position(|u| u.id == underlying)
            .map(|u| self.holders_of(u))
            .unwrap_or_default()
    }

    /// Whether the breaker holds the instrument halted.
    pub fn halted(&self, instrument: u16) -> bool {
        self.market_index(instrument)
            .is_some_and(|m| self.markets[m].halt.halted())
    }

    /// Accounts below maintenance margin now, the insurance account left out (after every
    /// input: none, unless flagged).
    pub fn below_maintenance(&self) -> Vec<u32> {
        let insurance = self.config.margin.insurance_account;
        (0..self.accounts.len() as u32)
            .filter(|&a| a != insurance && self.below_maintenance_at(a))
            .collect()
    }

    /// Whether the account is flagged for liquidation at the next input that moves time.
    pub fn flagged(&self, account: u32) -> bool {
        self.accounts[account as usize].flagged
    }

    /// SHA-256 of the whole state in a fixed order: equal on replicas in the same state.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        hash_money(&mut h, self.fees_e6);
        h.update(self.deposits_e6.to_le_bytes());
        h.update(self.now_ns.to_le_bytes());
        // 0 for "no boundary left": unambiguous, a boundary is at least one interval (> 0).
        h.update(self.next_funding_ns.unwrap_or(0).to_le_bytes());
        for u in &self.underlyings {
            h.update(u.index_ticks.to_le_bytes());
            h.update(u.volatility_ppm.to_le_bytes());
        }
        for m in &self.markets {
            h.update(m.mark_ticks.to_le_bytes());
            hash_money(&mut h, m.value_e6);
            // Open as 0 (a halt ends at least 1 ns after its start); a halt for good as
            // u64::MAX with a marker byte after it, apart from a halt until u64::MAX. Every
            // other state hashes as it did before halts for good existed.
            let until_ns = match m.halt {
                Halt::Open => 0,
                Halt::Until(t) => t,
                Halt::Forever => u64::MAX,
            };
            h.update(until_ns.to_le_bytes());
            if m.halt == Halt::Forever {
                h.update([0xff]);
            }
            h.update(m.window_start_ns.to_le_bytes());
            h.update(m.window_mark_ticks.to_le_bytes());
        }
        for (id, a) in self.accounts.iter().enumerate() {
            if a.balance_e6 == 0 && a.positions.is_empty() {
                continue;
            }
            h.update((id as u32).to_le_bytes());
            hash_money(&mut h, a.balance_e6);
            h.update([u8::from(a.flagged)]);
            let mut positions = a.positions.to_vec();
            positions.sort_by_key(|p| p.market);
            for p in positions {
                h.update(p.market.to_le_bytes());
                h.update(p.size_lots.to_le_bytes());
                hash_money(&mut h, p.quote_e6);
                h.update(p.open_buy_lots.to_le_bytes());
                h.update(p.open_sell_lots.to_le_bytes());
                h.update([u8::from(p.isolated)]);
                hash_money(&mut h, p.isolated_e6);
            }
        }
        h.finalize().into()
    }

    fn market_index(&self, instrument: u16) -> Option<usize> {
        match self.market_of[usize::from(instrument)] {
            NO_MARKET => None,
            m => Some(usize::from(m)),
        }
    }

    /// Sequencer time moved to `now_ns`: resume halted markets, pay funding, expire options,
    /// retry flagged accounts.
    fn advance(&mut self, now_ns: u64, out: &mut Vec<MarginEvent>) {
        if now_ns <= self.now_ns {
            return;
        }
        self.now_ns = now_ns;
        for market in &mut self.markets {
            if matches!(market.halt, Halt::Until(t) if now_ns >= t) {
                market.halt = Halt::Open;
                market.window_start_ns = now_ns;
                market.window_mark_ticks = market.mark_ticks;
                out.push(MarginEvent::Resumed {
                    instrument: market.instrument,
                });
            }
        }
        self.fund(now_ns, out);
        for m in 0..self.markets.len() {
            if let Kind::Option {
                expiry_ns,
                expired: false,
                ..
            } = self.markets[m].kind
            {
                if now_ns >= expiry_ns {
                    self.expire(m, out);
                }
            }
        }
        if !self.flagged.is_empty() {
            let flagged = std::mem::take(&mut self.flagged);
            self.liquidate_below_maintenance(&flagged, out);
        }
    }

    /// Settle the funding periods whose boundaries `now_ns` reached: every perp pays once
    /// per period, for at most `funding.catch_up_periods_max` periods (a gap in sequencer
    /// time must not cost work in proportion to its length — a stream stamped near u64::MAX
    /// reaches ~6·10⁵ boundaries of 8 h at once); the rest are skipped (`FundingSkipped`).
    /// The marks and indexes do not change between the periods of one gap, so a settled
    /// period pays what a single one would. The schedule moves to the first boundary after
    /// `now_ns`, or to none when that is past u64::MAX.
    fn fund(&mut self, now_ns: u64, out: &mut Vec<MarginEvent>) {
        let Some(next_ns) = self.next_funding_ns.filter(|&next| now_ns >= next) else {
            return;
        };
        let interval_ns = self.config.funding.interval_ns;
        assert!(
            interval_ns > 0,
            "checked at load: funding.interval_ns >= 1 s"
        );
        // Boundaries next, next + interval, … up to now: at least 1, at most u64::MAX.
        let due = 1 + (now_ns - next_ns) / interval_ns;
        let settled = due.min(u64::from(self.config.funding.catch_up_periods_max));
        for _ in 0..settled {
            for m in 0..self.markets.len() {
                if matches!(self.markets[m].kind, Kind::Perp { .. }) {
                    self.pay_funding(m, out);
                }
            }
        }
        if due > settled {
            out.push(MarginEvent::FundingSkipped {
                periods: due - settled,
            });
        }
        self.next_funding_ns = due
            .checked_mul(interval_ns)
            .and_then(|span_ns| next_ns.checked_add(span_ns));
        if let Some(next) = self.next_funding_ns {
            assert!(next > now_ns, "the schedule moves past now");
        }
    }

    fn on_event(&mut self, e: &Event, out: &mut Vec<MarginEvent>) {
        if e.kind == EventKind::Oracle {
            // A sequenced oracle message (abi §15): the instrument field is the underlying.
            let volatility = (e.qty_lots != 0).then_some(i64::from(e.qty_lots));
            self.on_oracle(e.instrument, i64::from(e.price_ticks), volatility, out);
            return;
        }
        if e.kind == EventKind::Admin && e.side == Side::Sell as u8 {
            // A sequenced collateral transfer (instrument 0) or isolation (abi §16): the
            // target account is the order id.
            let amount_e6 = abi::OrderMessage::transfer_amount_e6(e.price_ticks, e.qty_lots);
            let account = u32::try_from(e.order_id).unwrap_or(u32::MAX);
            if e.instrument == 0 {
                if self.deposit(account, amount_e6).is_err() {
                    out.push(MarginEvent::TransferRefused { account, amount_e6 });
                }
            } else if self.isolate(account, e.instrument, amount_e6).is_err() {
                out.push(MarginEvent::IsolateRefused {
                    account,
                    instrument: e.instrument,
                    amount_e6,
                });
            }
            return;
        }
        let Some(m) = self.market_index(e.instrument) else {
            return; // not margined here
        };
        let accounts = self.accounts.len();
        if e.account as usize >= accounts
            || (e.kind == EventKind::Fill && e.maker_account as usize >= accounts)
        {
            return; // the sequencer rejects unknown accounts: nothing of theirs is open
        }
        let Some(side) = Side::from_u8(e.side) else {
            return; // a rejected message with a malformed side: nothing opened
        };
        let qty = i64::from(e.qty_lots);
        match e.kind {
            EventKind::Accepted => self.open_orders(e.account, m, side, qty),
            EventKind::Cancelled | EventKind::Expired => self.open_orders(e.account, m, side, -qty),
            EventKind::Fill => {
                let (buyer, seller) = match side {
                    Side::Buy => (e.account, e.maker_account),
                    Side::Sell => (e.maker_account, e.account),
                };
                self.trade(buyer, seller, m, qty, i64::from(e.price_ticks));
                self.open_orders(e.account, m, side, -qty);
                self.open_orders(e.maker_account, m, side.opposite(), -qty);
                let accounts = [buyer.min(seller), buyer.max(seller)];
                self.liquidate_below_maintenance(&accounts, out);
            }
            EventKind::Rejected | EventKind::Oracle | EventKind::Admin => {}
        }
    }

    fn open_orders(&mut self, account: u32, m: usize, side: Side, lots: i64) {
        let p = self.position(account, m);
        match side {
            Side::Buy => p.open_buy_lots = (p.open_buy_lots + lots).max(0),
            Side::Sell => p.open_sell_lots = (p.open_sell_lots + lots).max(0),
        }
        self.drop_if_empty(account, m);
    }

    /// `qty` lots move from seller to buyer at `price` ticks; both pay the fee.
    fn trade(&mut self, buyer: u32, seller: u32, m: usize, qty: i64, price: i64) {
        let cash =
            Money::from(qty) * Money::from(price) * Money::from(self.markets[m].tick_lot_value_e6);
        self.transfer_position(buyer, seller, m, qty, cash);
        let fee = money_ppm(cash, self.config.margin.fee_ppm);
        for account in [buyer, seller] {
            self.accounts[account as usize].balance_e6 -= fee;
            self.fees_e6 += fee;
        }
    }

    /// `qty` lots from seller to buyer for `cash` (quote moves the other way); positions
    /// left empty realise their quote into the balance.
    fn transfer_position(&mut self, buyer: u32, seller: u32, m: usize, qty: i64, cash: Money) {
        for (account, lots, quote) in [(buyer, qty, -cash), (seller, -qty, cash)] {
            let p = self.position(account, m);
            p.size_lots += lots;
            p.quote_e6 += quote;
            self.drop_if_empty(account, m);
        }
    }

    /// The account's position entry for market `m`, created when missing.
    fn position(&mut self, account: u32, m: usize) -> &mut Position {
        let a = &mut self.accounts[account as usize];
        let i = match a.positions.iter().position(|p| usize::from(p.market) == m) {
            Some(i) => i,
            None => {
                let holders = &mut self.markets[m].holders;
                a.positions.push(Position {
                    market: m as u16,
                    holder_slot: holders.len() as u32,
                    ..Position::default()
                });
                holders.push(account);
                a.positions.len() - 1
            }
        };
        &mut a.positions[i]
    }

    /// Remove a position entry with nothing left in it, its quote realised to the balance.
    fn drop_if_empty(&mut self, account: u32, m: usize) {
        let a = &mut self.accounts[account as usize];
        let Some(i) = a.positions.iter().position(|p| usize::from(p.market) == m) else {
            return;
        };
        let p = &mut a.positions[i];
        if p.size_lots != 0 {
            return;
        }
        if p.isolated {
            // A closed isolated position's result stays isolated until withdrawn.
            p.isolated_e6 += p.quote_e6;
            p.quote_e6 = 0;
        }
        let p = *p;
        if p.open_buy_lots != 0 || p.open_sell_lots != 0 || p.isolated_e6 != 0 {
            return;
        }
        a.balance_e6 += p.quote_e6;
        a.positions.swap_remove(i);
        let holders = &mut self.markets[m].holders;
        let slot = p.holder_slot as usize;
        holders.swap_remove(slot);
        if let Some(&moved) = holders.get(slot) {
            let q = self.accounts[moved as usize]
                .positions
                .iter_mut()
                .find(|q| usize::from(q.market) == m)
                .expect("a holder has a position entry");
            q.holder_slot = slot as u32;
        }
    }

    fn on_oracle(
        &mut self,
        underlying: u16,
        index_ticks: i64,
        volatility_ppm: Option<i64>,
        out: &mut Vec<MarginEvent>,
    ) {
        let Some(u) = self.underlyings.iter().position(|s| s.id == underlying) else {
            return; // an underlying this venue does not margin
        };
        if !(1..=PRICE_TICKS_MAX).contains(&index_ticks) {
            return; // outside the price range: ignored, as a malformed oracle message
        }
        self.underlyings[u].index_ticks = index_ticks;
        if let Some(v) = volatility_ppm.filter(|v| (0..=10 * PPM).contains(v)) {
            self.underlyings[u].volatility_ppm = v;
        }
        self.remark(u);
        self.check_breakers(u, out);
        self.recheck_underlying(u, out);
    }

    /// Every account holding a market of underlying `u`, in account order, is checked and
    /// liquidated if below maintenance.
    fn recheck_underlying(&mut self, u: usize, out: &mut Vec<MarginEvent>) {
        let accounts = self.holders_of(u);
        self.liquidate_below_maintenance(&accounts, out);
    }

    /// Accounts with a position entry in any market of underlying `u`, ascending, each
    /// once: marked in a bitmap over the account ids and read back in order — linear in
    /// the holders, where sorting their concatenation took a third of a re-check.
    fn holders_of(&self, u: usize) -> Vec<u32> {
        let mut marks = vec![0u64; self.accounts.len().div_ceil(64)];
        let mut count = 0;
        for &m in &self.underlyings[u].markets {
            for &h in &self.markets[m].holders {
                marks[h as usize / 64] |= 1 << (h % 64);
            }
            count += self.markets[m].holders.len();
        }
        let mut accounts = Vec::with_capacity(count);
        for (w, &word) in marks.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                accounts.push((w * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        accounts
    }

    /// Whether perp market `m`'s new book top (already stored) leaves the whole state and
    /// output as they are, so the re-mark, breaker check and re-check can be skipped: the
    /// mark (median of index, bid, ask) did not move; the underlying was re-marked at this
    /// very sequencer time, so every other market's mark and option value would come out
    /// the same and the breakers' windows and checks find what they found then; and no
    /// account is flagged, so — every account having been at or above maintenance after
    /// the previous input (the engine's invariant, property-tested) — a re-check at
    /// unchanged marks finds nobody. The usual case while the index sits inside the spread.
    fn top_changes_nothing(&self, m: usize) -> bool {
        let market = &self.markets[m];
        let u = &self.underlyings[market.underlying];
        matches!(market.kind, Kind::Perp { .. })
            && perp_mark(u.index_ticks, market.best_bid_ticks, market.best_ask_ticks)
                == market.mark_ticks
            && u.remarked_ns == Some(self.now_ns)
            && self.flagged.is_empty()
    }

    /// New marks and option values (current and per scenario) for underlying `u`.
    fn remark(&mut self, u: usize) {
        self.underlyings[u].remarked_ns = Some(self.now_ns);
        self.underlyings[u].revision += 1;
        let index = self.underlyings[u].index_ticks;
        let volatility = self.underlyings[u].volatility_ppm;
        let grid = &self.config.options_margin;
        for &m in &self.underlyings[u].markets {
            let market = &mut self.markets[m];
            match market.kind {
                Kind::Perp { .. } => {
                    market.mark_ticks =
                        perp_mark(index, market.best_bid_ticks, market.best_ask_ticks);
                    market.value_e6 =
                        Money::from(market.mark_ticks) * Money::from(market.tick_lot_value_e6);
                }
                Kind::Option {
                    kind,
                    strike_ticks,
                    expiry_ns,
                    expired,
                } => {
                    market.mark_ticks = index;
                    if expired {
                        continue;
                    }
                    let option = LotValuer {
                        kind,
                        strike_ticks,
                        years: years_from_ns(expiry_ns.saturating_sub(self.now_ns)),
                        rate_ppm: grid.rate_ppm,
                        tick_lot_value_e6: market.tick_lot_value_e6,
                    };
                    market.value_e6 = option.value_e6(index, volatility);
                    market.scenario_e6.clear();
                    for &dp in &grid.price_moves_ppm {
                        let spot = (index + mul_ppm(index, dp)).max(1);
                        for &dv in &grid.vol_moves_ppm {
                            let vol = (volatility + mul_ppm(volatility, dv)).max(0);
                            market.scenario_e6.push(option.value_e6(spot, vol));
                        }
                    }
                }
            }
        }
    }

    /// Halt perps whose mark moved more than the limit from the window's first mark; start a
    /// new window when one has elapsed.
    fn check_breakers(&mut self, u: usize, out: &mut Vec<MarginEvent>) {
        let b = &self.config.breaker;
        for &m in &self.underlyings[u].markets {
            let market = &mut self.markets[m];
            if !matches!(market.kind, Kind::Perp { .. }) || market.halt.halted() {
                continue;
            }
            // Elapsed time, not start + window: the sum may pass u64::MAX near the end of
            // time, the difference cannot (a window starts at a time already reached).
            let elapsed_ns = self
                .now_ns
                .checked_sub(market.window_start_ns)
                .expect("a window starts no later than now");
            if elapsed_ns >= b.window_ns {
                market.window_start_ns = self.now_ns;
                market.window_mark_ticks = market.mark_ticks;
                continue;
            }
            let limit = mul_ppm(market.window_mark_ticks, b.halt_move_ppm);
            if (market.mark_ticks - market.window_mark_ticks).abs() > limit {
                let until_ns = self.now_ns.checked_add(b.halt_ns);
                market.halt = until_ns.map_or(Halt::Forever, Halt::Until);
                out.push(MarginEvent::Halted {
                    instrument: market.instrument,
                    until_ns,
                });
            }
        }
    }

    /// Funding on perp `m`: the premium of the mark over the index, plus the interest term
    /// clamped, capped; paid per lot in whole e6, so longs and shorts sum to exactly zero.
    fn pay_funding(&mut self, m: usize, out: &mut Vec<MarginEvent>) {
        let f = &self.config.funding;
        let market = &self.markets[m];
        self.underlyings[market.underlying].revision += 1;
        let index = self.underlyings[market.underlying].index_ticks;
        let premium_ppm =
            (i128::from(market.mark_ticks - index) * i128::from(PPM) / i128::from(index)) as i64;
        let interest = (f.interest_ppm - premium_ppm).clamp(-f.clamp_ppm, f.clamp_ppm);
        let rate_ppm = (premium_ppm + interest).clamp(-f.cap_ppm, f.cap_ppm);
        let per_lot_e6 = money_ppm(
            Money::from(index) * Money::from(market.tick_lot_value_e6),
            rate_ppm,
        );
        let instrument = market.instrument;
        if per_lot_e6 != 0 {
            for i in 0..self.markets[m].holders.len() {
                let account = self.markets[m].holders[i];
                let p = self.position(account, m);
                p.quote_e6 -= Money::from(p.size_lots) * per_lot_e6;
            }
        }
        out.push(MarginEvent::Funding {
            instrument,
            rate_ppm,
            per_lot_e6,
        });
    }

    /// An option series expired: every position settles at intrinsic value against the
    /// index (cash moves between holders through their quotes; the sizes sum to zero).
    fn expire(&mut self, m: usize, out: &mut Vec<MarginEvent>) {
        let index = self.underlyings[self.markets[m].underlying].index_ticks;
        let market = &mut self.markets[m];
        let Kind::Option {
            kind,
            strike_ticks,
            ref mut expired,
            ..
        } = market.kind
        else {
            unreachable!("only options expire")
        };
        *expired = true;
        self.underlyings[market.underlying].revision += 1;
        let value_e6 = Money::from(intrinsic_ticks(kind, index, strike_ticks))
            * Money::from(market.tick_lot_value_e6);
        market.value_e6 = value_e6;
        market.scenario_e6.iter_mut().for_each(|v| *v = value_e6);
        let instrument = market.instrument;
        let holders = market.holders.clone();
        for account in holders {
            let p = self.position(account, m);
            p.quote_e6 += Money::from(p.size_lots) * value_e6;
            p.size_lots = 0;
            // Open orders on an expired series can no longer fill.
            p.open_buy_lots = 0;
            p.open_sell_lots = 0;
            self.drop_if_empty(account, m);
        }
        out.push(MarginEvent::Expired {
            instrument,
            value_e6,
        });
    }

    /// Equity and requirements; the initial requirement only `with_initial` (the check
    /// after fills and index moves needs maintenance alone, at a third of the options cost).
    fn assess_account(&self, a: &Account, with_initial: bool) -> Assessment {
        self.assess_scope(a, Scope::Cross, with_initial)
    }

    /// Equity and requirements of one scope of the account (see [`Scope`]).
    fn assess_scope(&self, a: &Account, scope: Scope, with_initial: bool) -> Assessment {
        let mut s = Assessment {
            equity_e6: if scope == Scope::Cross {
                a.balance_e6
            } else {
                0
            },
            ..Assessment::default()
        };
        let mut has_options = false;
        for p in a.positions.iter().filter(|p| p.in_scope(scope)) {
            let market = &self.markets[usize::from(p.market)];
            s.equity_e6 += p.isolated_e6 + p.quote_e6 + lots_times(p.size_lots, market.value_e6);
            match &market.kind {
                Kind::Perp { tiers } => {
                    let held = lots_times(p.size_lots, market.value_e6).abs();
                    if !with_initial {
                        s.maintenance_e6 += tiered(tiers, held, |t| t.mm_ppm);
                        continue;
                    }
                    let size = Money::from(p.size_lots);
                    let worst = (size + Money::from(p.open_buy_lots))
                        .abs()
                        .max((size - Money::from(p.open_sell_lots)).abs())
                        * market.value_e6;
                    s.maintenance_e6 += tiered(tiers, held, |t| t.mm_ppm);
                    if with_initial {
                        s.initial_e6 += tiered(tiers, worst, |t| t.im_ppm);
                    }
                }
                Kind::Option { .. } => has_options = true,
            }
        }
        if has_options {
            let (mm, im) = self.options_requirement(a, with_initial);
            s.maintenance_e6 += mm;
            s.initial_e6 += im;
        }
        s
    }

    /// Options requirement (maintenance, initial) of an account: per underlying, the worst
    /// scenario loss of its option positions, at least the short-option minimum; initial is
    /// that of the worse of the positions with all buy or all sell orders filled, times
    /// `im_over_mm`.
    fn options_requirement(&self, a: &Account, with_initial: bool) -> (Money, Money) {
        let grid = &self.config.options_margin;
        let (mut mm, mut im) = (0, 0);
        for (i, p) in a.positions.iter().enumerate() {
            let market = &self.markets[usize::from(p.market)];
            let u = market.underlying;
            let first_of_underlying = !a.positions[..i].iter().any(|q| self.is_option_on(q, u));
            if !self.is_option_on(p, u) || !first_of_underlying {
                continue;
            }
            let held = self.underlying_options_mm(a, u, |p| Money::from(p.size_lots));
            mm += held;
            if !with_initial {
                continue;
            }
            let buys = self.underlying_options_mm(a, u, |p| {
                Money::from(p.size_lots) + Money::from(p.open_buy_lots)
            });
            let sells = self.underlying_options_mm(a, u, |p| {
                Money::from(p.size_lots) - Money::from(p.open_sell_lots)
            });
            im += money_ppm(held.max(buys).max(sells), grid.im_over_mm_ppm);
        }
        (mm, im)
    }

    fn is_option_on(&self, p: &Position, u: usize) -> bool {
        let market = &self.markets[usize::from(p.market)];
        market.underlying == u && matches!(market.kind, Kind::Option { .. })
    }

    /// Options maintenance of underlying `u` with each position's size given by `size`.
    fn underlying_options_mm(
        &self,
        a: &Account,
        u: usize,
        size: impl Fn(&Position) -> Money,
    ) -> Money {
        let grid = &self.config.options_margin;
        let scenarios = grid.price_moves_ppm.len() * grid.vol_moves_ppm.len();
        // The usual grid (≤ 32 scenarios) on the stack: zeroing all SCENARIOS_MAX i128s per
        // call cost more than the grid itself.
        debug_assert!(scenarios <= SCENARIOS_MAX);
        let mut small: [Money; 32] = [0; 32];
        let mut large = Vec::new();
        let loss: &mut [Money] = if scenarios <= small.len() {
            &mut small[..scenarios]
        } else {
            large.resize(scenarios, 0);
            &mut large
        };
        let mut short_minimum = 0;
        let index = Money::from(self.underlyings[u].index_ticks);
        for p in a.positions.iter().filter(|p| self.is_option_on(p, u)) {
            let market = &self.markets[usize::from(p.market)];
            let lots = size(p);
            for (l, v) in loss.iter_mut().zip(&market.scenario_e6) {
                *l -= lots * (v - market.value_e6);
            }
            if lots < 0 {
                let notional = -lots * index * Money::from(market.tick_lot_value_e6);
                short_minimum += money_ppm(notional, grid.short_minimum_ppm);
            }
        }
        let worst = loss.iter().copied().max().unwrap_or(0);
        worst.max(short_minimum).max(0)
    }

    /// Check `accounts` (in the given order) and liquidate those below maintenance.
    fn liquidate_below_maintenance(&mut self, accounts: &[u32], out: &mut Vec<MarginEvent>) {
        let insurance = self.config.margin.insurance_account;
        for &account in accounts {
            if account == insurance {
                continue;
            }
            self.accounts[account as usize].flagged = false;
            if self.below_maintenance_at(account) {
                self.liquidate(account, out);
            }
        }
    }

    /// Liquidate `account`: its open orders are cancelled, then each isolated position below
    /// maintenance (lowest market first), then the cross positions, each until back above
    /// maintenance or closed: largest notional first, large positions in steps. Positions in
    /// halted markets wait (the account is flagged).
    fn liquidate(&mut self, account: u32, out: &mut Vec<MarginEvent>) {
        let a = account as usize;
        let orders_open = self.accounts[a]
            .positions
            .iter()
            .any(|p| p.open_buy_lots + p.open_sell_lots > 0);
        if orders_open {
            out.push(MarginEvent::CancelAll { account });
            for p in self.accounts[a].positions.iter_mut() {
                p.open_buy_lots = 0;
                p.open_sell_lots = 0;
            }
            let markets: Vec<usize> = self.accounts[a]
                .positions
                .iter()
                .map(|p| usize::from(p.market))
                .collect();
            for m in markets {
                self.drop_if_empty(account, m);
            }
        }
        let mut isolated: Vec<u16> = self.accounts[a]
            .positions
            .iter()
            .filter(|p| p.isolated)
            .map(|p| p.market)
            .collect();
        isolated.sort_unstable();
        for m in isolated {
            self.liquidate_scope(account, Scope::Isolated(m), out);
        }
        self.liquidate_scope(account, Scope::Cross, out);
    }

    /// Liquidate one scope of the account until it is back above maintenance or has no
    /// positions (module documentation of `liquidate`).
    fn liquidate_scope(&mut self, account: u32, scope: Scope, out: &mut Vec<MarginEvent>) {
        let a = account as usize;
        loop {
            let s = self.assess_scope(&self.accounts[a], scope, false);
            if s.equity_e6 >= s.maintenance_e6 {
                return;
            }
            let Some((m, lots)) = self.next_liquidation_slice(account, scope) else {
                break;
            };
            if self.markets[m].halt.halted() {
                self.accounts[a].flagged = true;
                if let Err(i) = self.flagged.binary_search(&account) {
                    self.flagged.insert(i, account);
                }
                out.push(MarginEvent::Flagged { account });
                return;
            }
            if s.equity_e6 < 0 {
                if !self.insurance_can_cover(-s.equity_e6) {
                    self.auto_deleverage(account, scope, out);
                    break;
                }
                if let Scope::Isolated(m) = scope {
                    // An isolated position's loss stops at its margin: the fund pays the
                    // rest now, before the position is taken over.
                    self.cover(account, -s.equity_e6, out);
                    let p = self.position(account, usize::from(m));
                    p.isolated_e6 += -s.equity_e6;
                    self.accounts[a].balance_e6 -= -s.equity_e6;
                }
            }
            self.take_over(account, scope, m, lots, out);
        }
        // No cross positions left: a negative balance is the insurance fund's to cover.
        let deficit = -self.accounts[a].balance_e6;
        let cross_open = self.accounts[a].positions.iter().any(|p| !p.isolated);
        if scope == Scope::Cross && deficit > 0 && !cross_open {
            self.cover(account, deficit, out);
        }
    }

    /// The insurance fund pays `deficit_e6` into the account's balance.
    fn cover(&mut self, account: u32, deficit_e6: Money, out: &mut Vec<MarginEvent>) {
        let insurance = self.config.margin.insurance_account as usize;
        self.accounts[insurance].balance_e6 -= deficit_e6;
        self.accounts[account as usize].balance_e6 += deficit_e6;
        out.push(MarginEvent::InsuranceCovered {
            account,
            deficit_e6,
        });
    }

    /// The next slice to liquidate: of the largest position by notional (lowest market on a
    /// tie), all of it, or above the partial threshold `step_ppm` of it, rounded up to a lot.
    fn next_liquidation_slice(&self, account: u32, scope: Scope) -> Option<(usize, i64)> {
        let l = &self.config.liquidation;
        let notional = |p: &Position| {
            Money::from(p.size_lots.unsigned_abs())
                * self.markets[usize::from(p.market)].value_e6.abs()
        };
        let p = self.accounts[account as usize]
            .positions
            .iter()
            .filter(|p| p.size_lots != 0 && p.in_scope(scope))
            .max_by_key(|p| (notional(p), std::cmp::Reverse(p.market)))?;
        let mut lots = p.size_lots;
        if notional(p) > Money::from(l.partial_threshold_e6) {
            let step = (i128::from(p.size_lots.abs()) * i128::from(l.step_ppm)
                + i128::from(PPM - 1))
                / i128::from(PPM);
            lots = (step as i64).max(1) * p.size_lots.signum();
        }
        Some((usize::from(p.market), lots))
    }

    /// Whether the insurance fund can pay `deficit_e6`: its balance, and the insurance
    /// account's equity (positions it took over count), both cover it.
    fn insurance_can_cover(&self, deficit_e6: Money) -> bool {
        let insurance = self.config.margin.insurance_account;
        deficit_e6 <= self.equity_e6(insurance).min(self.insurance_fund_e6())
    }

    /// `lots` (signed as the position) of the account's position in `m` move to the
    /// insurance account at the mark; the account pays the penalty (as far as its equity
    /// allows) to the insurance fund, which sends an IOC order to close the slice.
    fn take_over(
        &mut self,
        account: u32,
        scope: Scope,
        m: usize,
        lots: i64,
        out: &mut Vec<MarginEvent>,
    ) {
        let insurance = self.config.margin.insurance_account;
        let market = &self.markets[m];
        let (instrument, value) = (market.instrument, market.value_e6);
        // The price of one lot in the instrument's ticks (a perp's mark, an option's value).
        let mark = value / Money::from(market.tick_lot_value_e6);
        let cash = Money::from(lots.unsigned_abs()) * value;
        let (buyer, seller) = if lots > 0 {
            (insurance, account)
        } else {
            (account, insurance)
        };
        // A transfer at the mark leaves the scope's equity as it is: the penalty, capped at
        // that equity, is taken first, from the scope's money.
        let equity = self.scope_equity_e6(account, scope).max(0);
        let penalty = money_ppm(cash.abs(), self.config.liquidation.penalty_ppm).min(equity);
        match scope {
            Scope::Cross => self.accounts[account as usize].balance_e6 -= penalty,
            Scope::Isolated(_) => self.position(account, m).isolated_e6 -= penalty,
        }
        self.accounts[insurance as usize].balance_e6 += penalty;
        self.transfer_position(buyer, seller, m, lots.abs(), cash);
        out.push(MarginEvent::Liquidated {
            account,
            instrument,
            qty_lots: lots,
            mark_ticks: i64::try_from(mark).unwrap_or(i64::MAX),
            penalty_e6: penalty,
        });
        // The insurance account closes what it took: it bought from a long, so it sells,
        // no lower than the limit.
        let slippage = money_ppm(mark, self.config.liquidation.limit_slippage_ppm);
        let (side, limit) = if lots > 0 {
            (Side::Sell, (mark - slippage).max(1))
        } else {
            (Side::Buy, mark + slippage)
        };
        out.push(MarginEvent::LiquidationOrder {
            instrument,
            side,
            qty_lots: u32::try_from(lots.abs()).unwrap_or(u32::MAX),
            limit_ticks: u32::try_from(limit).unwrap_or(u32::MAX),
        });
    }

    /// The insurance fund cannot absorb the account's deficit: each position is closed
    /// against the opposing positions ranked by profit × leverage (highest first, account
    /// id on ties) at prices that leave the bankrupt account at exactly zero equity.
    fn auto_deleverage(&mut self, account: u32, scope: Scope, out: &mut Vec<MarginEvent>) {
        let a = account as usize;
        let mut deficit = -self.scope_equity_e6(account, scope);
        let positions: Vec<Position> = self.accounts[a]
            .positions
            .iter()
            .copied()
            .filter(|p| p.size_lots != 0 && p.in_scope(scope))
            .collect();
        let notionals: Vec<i128> = positions
            .iter()
            .map(|p| {
                let value = self.markets[usize::from(p.market)].value_e6;
                Money::from(p.size_lots.unsigned_abs()) * value.abs()
            })
            .collect();
        let total: i128 = notionals.iter().sum();
        for (i, p) in positions.iter().enumerate() {
            let m = usize::from(p.market);
            // This position's share of the deficit; the last one takes the remainder.
            let share = if i + 1 == positions.len() || total == 0 {
                deficit
            } else {
                // notional ≤ total: the share is at most the deficit.
                mul_div(deficit, notionals[i], total)
            };
            deficit -= share;
            let value = self.markets[m].value_e6;
            let mut left = p.size_lots.abs();
            let mut share_left = share;
            for counterparty in self.adl_ranking(m, -p.size_lots.signum(), account) {
                if left == 0 {
                    break;
                }
                let lots = self.position_lots_at(counterparty, m).abs().min(left);
                // The counterparty's part of the share, pro rata (the last takes the rest).
                let part = if lots == left {
                    share_left
                } else {
                    mul_div(share_left, Money::from(lots), Money::from(left))
                };
                share_left -= part;
                left -= lots;
                let cash = Money::from(lots) * value;
                // The bankruptcy price is worse than the mark for the counterparty: a
                // bankrupt long sells above it, a bankrupt short buys below it.
                if p.size_lots > 0 {
                    self.transfer_position(counterparty, account, m, lots, cash + part);
                } else {
                    self.transfer_position(account, counterparty, m, lots, cash - part);
                }
                out.push(MarginEvent::AutoDeleveraged {
                    account,
                    counterparty,
                    instrument: self.markets[m].instrument,
                    qty_lots: lots * p.size_lots.signum(),
                    transfer_e6: part,
                });
            }
            assert_eq!(
                left, 0,
                "the opposing side holds the bankrupt position's size"
            );
        }
        let a = &self.accounts[account as usize];
        assert!(
            a.positions
                .iter()
                .all(|p| p.size_lots == 0 || !p.in_scope(scope)),
            "auto-deleveraging closes every position of the scope"
        );
    }

    fn position_lots_at(&self, account: u32, m: usize) -> i64 {
        self.accounts[account as usize]
            .positions
            .iter()
            .find(|p| usize::from(p.market) == m)
            .map_or(0, |p| p.size_lots)
    }

    /// Holders of market `m` with positions of sign `sign` (not `except`), ranked for ADL by
    /// profit ratio × leverage — unrealised profit over cost basis, times notional over
    /// equity — highest first, then by account id.
    fn adl_ranking(&self, m: usize, sign: i64, except: u32) -> Vec<u32> {
        let value = self.markets[m].value_e6;
        let mut ranked: Vec<(i128, u32)> = self.markets[m]
            .holders
            .iter()
            .copied()
            .filter(|&h| h != except)
            .filter_map(|h| {
                let p = self.accounts[h as usize]
                    .positions
                    .iter()
                    .find(|p| usize::from(p.market) == m)?;
                if p.size_lots.signum() != sign {
                    return None;
                }
                let worth = Money::from(p.size_lots) * value;
                let pnl = p.quote_e6 + worth;
                let cost = p.quote_e6.abs().max(1);
                let notional = worth.abs();
                let equity = self.equity_e6(h).max(1);
                // Saturating: a score past i128 ranks first either way (equal scores rank
                // by account id); below that the product is exact.
                let score = pnl.saturating_mul(Money::from(PPM)) / cost;
                Some((score.saturating_mul(notional) / equity, h))
            })
            .collect();
        ranked.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        ranked.into_iter().map(|(_, h)| h).collect()
    }
}

impl Market {
    fn new(instrument: u16, underlying: usize, kind: Kind, tick_lot_value_e6: i64) -> Market {
        Market {
            instrument,
            underlying,
            kind,
            tick_lot_value_e6,
            mark_ticks: 0,
            value_e6: 0,
            scenario_e6: Vec::new(),
            best_bid_ticks: None,
            best_ask_ticks: None,
            holders: Vec::new(),
            halt: Halt::Open,
            window_start_ns: 0,
            window_mark_ticks: 0,
        }
    }
}

impl Account {
    fn position_mut(&mut self, m: u16) -> &mut Position {
        let i = match self.positions.iter().position(|p| p.market == m) {
            Some(i) => i,
            None => {
                self.positions.push(Position {
                    market: m,
                    ..Position::default()
                });
                self.positions.len() - 1
            }
        };
        &mut self.positions[i]
    }
}

/// Mark of a perpetual: the median of index, best bid and best ask; the index while the
/// book is one-sided or empty.
fn perp_mark(index: i64, bid: Option<i64>, ask: Option<i64>) -> i64 {
    match (bid, ask) {
        (Some(b), Some(a)) => {
            let mut v = [index, b, a];
            v.sort_unstable();
            v[1]
        }
        _ => index,
    }
}

/// Requirement of a notional under marginal tiers: each rate on the part inside its tier;
/// beyond the last tier, the last rate.
fn tiered(tiers: &[Tier], notional_e6: Money, rate: impl Fn(&Tier) -> i64) -> Money {
    let mut requirement = 0;
    let mut floor = 0;
    for t in tiers {
        if notional_e6 <= floor {
            return requirement;
        }
        let up_to = Money::from(t.up_to_e6);
        requirement += money_ppm(notional_e6.min(up_to) - floor, rate(t));
        floor = up_to;
    }
    let last = tiers.last().expect("checked: at least one tier");
    requirement + money_ppm((notional_e6 - floor).max(0), rate(last))
}

/// `x × ppm / 10⁶`, rounded toward zero. When the product fits in 64 bits the division is
/// a 64-bit one by a constant (a multiply and shifts); otherwise i128 — the same result
/// either way (both truncate), an order of magnitude apart in cost (the re-check calls this
/// per position and tier).
#[inline]
fn mul_ppm(x: i64, ppm: i64) -> i64 {
    match x.checked_mul(ppm) {
        Some(product) => product / PPM,
        None => (i128::from(x) * i128::from(ppm) / i128::from(PPM)) as i64,
    }
}

/// `x × ppm / 10⁶` on money, rounded toward zero: [`mul_ppm`]'s 64-bit path when `x` and
/// the product fit in 64 bits (the common case, an order of magnitude cheaper than an i128
/// division), else exact in i128 — the same result either way. Callers keep `x` within
/// 2¹⁰⁶ (a ppm factor is at most 10⁷ < 2²⁴), so the product cannot overflow.
#[inline]
fn money_ppm(x: Money, ppm: i64) -> Money {
    if let Ok(narrow) = i64::try_from(x) {
        if let Some(product) = narrow.checked_mul(ppm) {
            return Money::from(product / PPM);
        }
    }
    x * Money::from(ppm) / Money::from(PPM)
}

/// `a × b / c` rounded toward zero, exact for every `a`, `b`, `c ≠ 0` whose quotient fits
/// in i128 (callers pass `|b| ≤ |c|`): the i128 product when it fits — the result the
/// engine always computed — else a 256-bit product and long division (a pro-rata share of
/// a deficit beyond 2⁶⁴ e6: rare, and exact either way).
fn mul_div(a: i128, b: i128, c: i128) -> i128 {
    if let Some(product) = a.checked_mul(b) {
        return product / c;
    }
    let negative = (a < 0) ^ (b < 0) ^ (c < 0);
    let (x, y, d) = (a.unsigned_abs(), b.unsigned_abs(), c.unsigned_abs());
    // 256-bit x·y as (high, low) from 64-bit halves.
    let half = |v: u128| (v >> 64, v & u128::from(u64::MAX));
    let ((x1, x0), (y1, y0)) = (half(x), half(y));
    let (low, cross1, cross2, high) = (x0 * y0, x1 * y0, x0 * y1, x1 * y1);
    let (mid, carry_mid) = cross1.overflowing_add(cross2);
    let (lo, carry_lo) = low.overflowing_add(mid << 64);
    let hi = high + (mid >> 64) + (u128::from(carry_mid) << 64) + u128::from(carry_lo);
    // Long division by d (≤ 2¹²⁷, so the running remainder fits after each shift).
    let (mut quotient, mut remainder) = (0u128, 0u128);
    for bit in (0..256).rev() {
        let next = if bit >= 128 {
            (hi >> (bit - 128)) & 1
        } else {
            (lo >> bit) & 1
        };
        remainder = (remainder << 1) | next;
        quotient <<= 1;
        if remainder >= d {
            remainder -= d;
            quotient |= 1;
        }
    }
    let magnitude = i128::try_from(quotient).expect("callers keep the quotient in range");
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// `lots × value` in money: one widening 64 × 64-bit multiply when the value fits in i64
/// (every perp lot, and any option lot below 9.2·10¹⁸ e6), else the full i128 product —
/// the same result either way.
#[inline]
fn lots_times(lots: i64, value: Money) -> Money {
    match i64::try_from(value) {
        Ok(narrow) => Money::from(lots) * Money::from(narrow),
        Err(_) => Money::from(lots) * value,
    }
}

/// Hash a money figure into the state digest: as its 8 little-endian bytes when it fits in
/// i64 and is not i64::MIN — so every state the engine could hold before money widened to
/// i128 hashes as it did — else as the 8 bytes of i64::MIN followed by its 16 bytes (an
/// i64-sized figure never hashes as i64::MIN, so the two forms cannot be confused).
fn hash_money(h: &mut Sha256, x: Money) {
    match i64::try_from(x) {
        Ok(narrow) if narrow != i64::MIN => h.update(narrow.to_le_bytes()),
        _ => {
            h.update(i64::MIN.to_le_bytes());
            h.update(x.to_le_bytes());
        }
    }
}

fn intrinsic_ticks(kind: OptionKind, spot_ticks: i64, strike_ticks: i64) -> i64 {
    match kind {
        OptionKind::Call => (spot_ticks - strike_ticks).max(0),
        OptionKind::Put => (strike_ticks - spot_ticks).max(0),
    }
}

/// Values lots of one option series at a given time to expiry.
struct LotValuer {
    kind: OptionKind,
    strike_ticks: i64,
    years: Fixed,
    rate_ppm: i64,
    tick_lot_value_e6: i64,
}

impl LotValuer {
    /// Black–Scholes value of one lot in e6, rounded toward zero. Inputs the model refuses
    /// cannot come from a checked configuration; the value is then the intrinsic value.
    fn value_e6(&self, spot_ticks: i64, volatility_ppm: i64) -> Money {
        let ppm = |x: i64| Fixed::from_ratio(i128::from(x), i128::from(PPM)).expect("ppm");
        let inputs = OptionInputs {
            spot: Fixed::from_int(spot_ticks),
            strike: Fixed::from_int(self.strike_ticks),
            expiry_years: self.years,
            volatility: ppm(volatility_ppm),
            rate: ppm(self.rate_ppm),
        };
        let ticks = match black_scholes(&inputs) {
            Ok(prices) => match self.kind {
                OptionKind::Call => prices.call,
                OptionKind::Put => prices.put,
            },
            Err(_) => Fixed::from_int(intrinsic_ticks(self.kind, spot_ticks, self.strike_ticks)),
        };
        // |ticks| ≤ 1.7·10²⁰ raw / 10¹⁸ … the raw value times v (≤ 10⁹) stays below 2⁹⁸.
        ticks.raw() * Money::from(self.tick_lot_value_e6) / Fixed::SCALE
    }
}

#[cfg(test)]
mod positions_tests {
    use super::*;

    #[test]
    fn positions_behave_like_a_vec_inline_and_spilled() {
        // Proves the inline-first store keeps Vec's order under push and swap_remove, both
        // while inline and after spilling to the heap (the state, and so the digest, must
        // not depend on where the entries live).
        let entry = |m: u16| Position {
            market: m,
            ..Position::default()
        };
        let mut store = Positions::default();
        let mut model: Vec<Position> = Vec::new();
        let ops: [(bool, u16); 10] = [
            (true, 1),
            (true, 2),
            (false, 0),
            (true, 3),
            (true, 4),
            (true, 5),
            (false, 1),
            (false, 0),
            (true, 6),
            (false, 2),
        ];
        for (push, arg) in ops {
            if push {
                store.push(entry(arg));
                model.push(entry(arg));
            } else {
                store.swap_remove(usize::from(arg));
                model.swap_remove(usize::from(arg));
            }
            assert_eq!(&store[..], &model[..]);
        }
        assert!(matches!(store, Positions::Heap(_)));
    }
}

#[cfg(test)]
mod mul_ppm_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn mul_div_is_exact_past_i128_products(
            a in any::<i128>(),
            b in (any::<i128>(), 0u32..127).prop_map(|(b, shift)| b >> shift),
            d in (any::<i128>(), 0u32..127).prop_map(|(d, shift)| d >> shift),
        ) {
            // Proves the 256-bit path exact: a·b / (b·d) is a/d exactly, rounded toward
            // zero alike, whether or not a·b fits in i128 (magnitudes of every size).
            prop_assume!(b != 0 && d != 0 && b.unsigned_abs() <= 1 << 126);
            if let Some(c) = b.checked_mul(d) {
                prop_assert_eq!(mul_div(a, b, c), a / d);
            }
        }
    }

    #[test]
    fn mul_div_hand_checked() {
        assert_eq!(mul_div(7, 3, 2), 10);
        assert_eq!(mul_div(-7, 3, 2), -10);
        assert_eq!(mul_div(i128::MAX, i128::MAX, i128::MAX), i128::MAX);
        assert_eq!(mul_div(i128::MAX, 1 << 100, 1 << 101), i128::MAX / 2);
        assert_eq!(mul_div(-(1 << 120), 3 << 100, 1 << 102), -(3 << 118));
        assert_eq!(mul_div(i128::MIN + 1, -1, 1), i128::MAX);
    }

    fn wide(x: i64, ppm: i64) -> i64 {
        (i128::from(x) * i128::from(ppm) / i128::from(PPM)) as i64
    }

    #[test]
    fn the_fast_path_agrees_at_the_edges() {
        // Proves the 64-bit path truncates like the i128 one (toward zero, both signs) and
        // that products past 64 bits take the wide path.
        for x in [
            0,
            1,
            -1,
            999_999,
            -999_999,
            1_000_001,
            i64::MAX,
            i64::MIN + 1,
        ] {
            for ppm in [0, 1, -1, 2_500, 999_999, PPM, 10 * PPM, -7_654_321] {
                assert_eq!(mul_ppm(x, ppm), wide(x, ppm), "{x} × {ppm}");
            }
        }
    }

    proptest! {
        #[test]
        fn mul_ppm_equals_the_i128_product(
            x in (any::<i64>(), 0u32..64).prop_map(|(x, shift)| x >> shift),
            ppm in -100_000_000i64..100_000_000,
        ) {
            // Magnitudes of every size; results that do not fit i64 are outside the
            // engine's ranges and not compared.
            let exact = i128::from(x) * i128::from(ppm) / i128::from(PPM);
            if i64::try_from(exact).is_ok() {
                prop_assert_eq!(mul_ppm(x, ppm), wide(x, ppm));
            }
        }
    }
}
