//! Property tests of the software path (sequencer + matching engine + book replay).
//!
//! The generator plays adversarial sessions against a small venue (two books with narrow
//! bands, four test accounts, a tiny order pool) so that prices collide, books get deep, the
//! pool fills and self-trade prevention fires all the time. It is stateful: each generated
//! [`Step`] is an *action* ("cancel the n-th live order", "send a replayed nonce") that
//! [`Driver`] turns into a concrete message using the events seen so far, so cancels name live
//! orders and nonces stay fresh unless a step asks for a fault. Shrinking removes steps and the
//! remaining ones still make sense.
//!
//! Each property is a [`Check`]: an observer fed every message, the events it caused and the
//! product engine after it. Proptests run one check each; the workload test runs several at
//! once over a long generated flow.

use std::collections::BTreeMap;

use abi::{
    Event, EventKind, MessageType, OrderId, OrderMessage, Reason, Side, StpMode, TimeInForce,
    ABI_VERSION,
};
use host::book_replay::BookReplay;
use host::config::{StpName, VenueConfig, DEFAULT_CONFIG_TOML};
use host::engine::{BTreeBook, Input, LadderBook, Matcher, RestingOrder, Sequencer};
use host::workload::{generate, Spec};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

type CheckResult = Result<(), TestCaseError>;

// ---------------------------------------------------------------------------------------------
// The small venue

/// Test accounts of the small venue (few, so self-trades are frequent).
const ACCOUNTS: u32 = 4;
/// Per-order quantity limit of the small venue.
const QTY_LOTS_MAX: u32 = 100;

/// The embedded default config, text-edited down: the first two instruments only, with bands
/// of 8 and 3 ticks, `pool` order slots, four test accounts, `default_stp` as given, and
/// FOK checks that visit at most `fok_orders_max` resting orders.
fn small_config(pool: u32, default_stp: StpName, fok_orders_max: u32) -> VenueConfig {
    let stp_name = match default_stp {
        StpName::None => "none",
        StpName::CancelNewest => "cancel_newest",
        StpName::CancelOldest => "cancel_oldest",
        StpName::CancelBoth => "cancel_both",
    };
    let third = DEFAULT_CONFIG_TOML
        .find("id = 3\n")
        .expect("a third instrument");
    let cut = DEFAULT_CONFIG_TOML[..third]
        .rfind("[[instruments]]")
        .expect("its table header");
    let text = DEFAULT_CONFIG_TOML[..cut]
        .replacen(
            "orders_resting_max = 16384",
            &format!("orders_resting_max = {pool}"),
            1,
        )
        .replacen(
            "fok_orders_max = 256",
            &format!("fok_orders_max = {fok_orders_max}"),
            1,
        )
        .replacen(
            "test_accounts = 512",
            &format!("test_accounts = {ACCOUNTS}"),
            1,
        )
        .replacen("oracles = [510]", "oracles = []", 1)
        .replacen("admins = [509]", &format!("admins = [{}]", ACCOUNTS - 1), 1)
        .replacen(
            "default_stp = \"cancel_newest\"",
            &format!("default_stp = \"{stp_name}\""),
            1,
        )
        .replacen("band_ticks = 2000", "band_ticks = 8", 1)
        .replacen("band_ticks = 2000", "band_ticks = 3", 1)
        .replace(
            "qty_lots_max = 1000000",
            &format!("qty_lots_max = {QTY_LOTS_MAX}"),
        );
    let config = VenueConfig::parse(&text, "properties small config").expect("valid config");
    // The edits must all have landed (the default file may change under us).
    assert_eq!(config.instruments.len(), 2);
    assert_eq!(config.venue.orders_resting_max, pool);
    assert_eq!(config.venue.fok_orders_max, fok_orders_max);
    assert_eq!(config.accounts.test_accounts, ACCOUNTS);
    assert_eq!(config.venue.default_stp, default_stp);
    assert_eq!(
        (
            config.instruments[0].band_ticks,
            config.instruments[1].band_ticks
        ),
        (8, 3)
    );
    assert!(config
        .instruments
        .iter()
        .all(|i| i.qty_lots_max == QTY_LOTS_MAX));
    config
}

// ---------------------------------------------------------------------------------------------
// Actions and their strategies

/// One generated session: venue shape and the actions played against it.
#[derive(Debug, Clone)]
struct Scenario {
    pool: u32,
    default_stp: StpName,
    /// `venue.fok_orders_max`: often small, so FOKs hit the cap.
    fok_orders_max: u32,
    steps: Vec<Step>,
}

impl Scenario {
    fn config(&self) -> VenueConfig {
        small_config(self.pool, self.default_stp, self.fok_orders_max)
    }
}

#[derive(Debug, Clone, Copy)]
struct Step {
    arrival: Arrival,
    nonce: NonceChoice,
    signature_ok: bool,
    /// Sender (unless the action names the owner of a live order). 0..ACCOUNTS are known.
    account: u32,
    /// Instrument id for new orders and guessed cancels: 1 and 2 exist.
    instrument: u16,
    action: Action,
}

#[derive(Debug, Clone, Copy)]
enum Arrival {
    /// The ingress clock advances by this many ns (0: same instant).
    After(u16),
    /// Arrives this many ns before the clock (a stalled ingress): the stamp must not go back.
    Late(u16),
}

#[derive(Debug, Clone, Copy)]
enum NonceChoice {
    /// Last accepted nonce + n (gaps are legal).
    Fresh(u8),
    /// The last accepted nonce again.
    Replay,
    /// Below the last accepted nonce by n.
    Stale(u8),
}

#[derive(Debug, Clone, Copy)]
enum Price {
    /// In band on the passive side of the reference price: n % band ticks away from the
    /// touch (below it for a buy, above it for a sell), so books get deep.
    Passive(u8),
    /// In band on the aggressive side: n % (band + 1) ticks through the reference price.
    Through(u8),
    /// In band: level n modulo the band's levels (any side of the reference).
    Level(u8),
    /// Just below the band.
    Below(u8),
    /// Just above the band.
    Above(u8),
    Raw(u32),
}

#[derive(Debug, Clone, Copy)]
enum Action {
    New {
        side: Side,
        price: Price,
        qty_lots: u32,
        time_in_force: TimeInForce,
        stp: StpMode,
    },
    /// Cancel live order `pick % live`, sent by its owner unless `foreign`, on its own book
    /// unless `wrong_book`.
    CancelLive {
        pick: u16,
        foreign: bool,
        wrong_book: bool,
    },
    /// Cancel an order that has left the book (a stale id).
    CancelDead { pick: u16 },
    /// Cancel a guessed id.
    CancelGuess { slot: u32, generation: u32 },
    /// A new order (or a cancel) with one defect.
    Defective { new_order: bool, defect: Defect },
}

#[derive(Debug, Clone, Copy)]
enum Defect {
    Version,
    MessageType(u8),
    Side(u8),
    TimeInForce(u8),
    Stp(u8),
    Flags,
    Reserved,
    CancelWithPrice,
    CancelWithQty,
    NewWithTarget,
}

// Proptest's combinators are slow to build values in debug builds (nested unions of maps cost
// ~40x more than plain integers), so each step is generated as two plain words and decoded
// into a [`Step`]. Shrinking still drops steps and moves words toward zero, and the all-zero
// step is the plainest action: account 0 buys one lot one tick under the reference price on
// instrument 1, GTC, default STP, next nonce, valid signature.
fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::sample::select(vec![3u32, 16, 64, 64]),
        prop::sample::select(vec![
            StpName::None,
            StpName::CancelNewest,
            StpName::CancelOldest,
            StpName::CancelBoth,
        ]),
        prop::sample::select(vec![1u32, 2, 3, 5, 256]),
        prop::collection::vec((any::<u64>(), any::<u64>()), 1..=300),
    )
        .prop_map(|(pool, default_stp, fok_orders_max, words)| Scenario {
            pool,
            default_stp,
            fok_orders_max,
            steps: words.into_iter().map(Step::decode).collect(),
        })
}

/// Reads choices out of a generated word, one byte (or two) at a time.
struct Bits(u64);

impl Bits {
    fn byte(&mut self) -> u32 {
        let v = (self.0 & 0xff) as u32;
        self.0 >>= 8;
        v
    }

    fn wide(&mut self) -> u32 {
        let v = (self.0 & 0xffff) as u32;
        self.0 >>= 16;
        v
    }

    fn below(&mut self, n: u32) -> u32 {
        self.byte() % n
    }

    /// Index into `weights`, chosen with probability proportional to its weight (byte 0
    /// always picks the first).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.byte() % total;
        for (index, &weight) in weights.iter().enumerate() {
            if x < weight {
                return index;
            }
            x -= weight;
        }
        unreachable!("x < total")
    }

    fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        choices[self.below(choices.len() as u32) as usize]
    }
}

impl Step {
    fn decode((envelope, payload): (u64, u64)) -> Step {
        let mut b = Bits(envelope);
        let arrival = match b.weighted(&[8, 1, 1]) {
            0 => Arrival::After((b.wide() % 2000) as u16),
            1 => Arrival::After(0),
            _ => Arrival::Late((1 + b.wide() % 5000) as u16),
        };
        let nonce = match b.weighted(&[30, 1, 1]) {
            0 => NonceChoice::Fresh(1 + b.below(3) as u8),
            1 => NonceChoice::Replay,
            _ => NonceChoice::Stale(1 + b.below(4) as u8),
        };
        let signature_ok = b.weighted(&[24, 1]) == 0;
        let account = match b.weighted(&[30, 1]) {
            0 => b.below(ACCOUNTS),
            _ => b.pick(&[ACCOUNTS, 1023, 1024, u32::MAX]),
        };
        let instrument = match b.weighted(&[30, 1]) {
            0 => b.pick(&[1u16, 2]),
            _ => b.pick(&[0u16, 3, u16::MAX]),
        };
        Step {
            arrival,
            nonce,
            signature_ok,
            account,
            instrument,
            action: Action::decode(payload),
        }
    }
}

impl Action {
    fn decode(payload: u64) -> Action {
        let mut b = Bits(payload);
        match b.weighted(&[14, 3, 1, 1, 1]) {
            0 => Action::New {
                side: b.pick(&[Side::Buy, Side::Sell]),
                price: match b.weighted(&[10, 5, 4, 1, 1, 1]) {
                    0 => Price::Passive(b.byte() as u8),
                    1 => Price::Through(b.byte() as u8),
                    2 => Price::Level(b.byte() as u8),
                    3 => Price::Below(b.below(3) as u8),
                    4 => Price::Above(b.below(3) as u8),
                    _ => Price::Raw(b.pick(&[0, 1, u32::MAX])),
                },
                qty_lots: match b.weighted(&[16, 3, 1]) {
                    0 => 1 + b.below(10),
                    1 => 11 + b.below(QTY_LOTS_MAX - 10),
                    _ => b.pick(&[0, QTY_LOTS_MAX, QTY_LOTS_MAX + 1, u32::MAX]),
                },
                time_in_force: [
                    TimeInForce::Gtc,
                    TimeInForce::Ioc,
                    TimeInForce::Fok,
                    TimeInForce::PostOnly,
                ][b.weighted(&[4, 2, 2, 2])],
                stp: b.pick(&[
                    StpMode::Default,
                    StpMode::None,
                    StpMode::CancelNewest,
                    StpMode::CancelOldest,
                    StpMode::CancelBoth,
                ]),
            },
            1 => Action::CancelLive {
                pick: b.wide() as u16,
                foreign: b.weighted(&[9, 1]) == 1,
                wrong_book: b.weighted(&[9, 1]) == 1,
            },
            2 => Action::CancelDead {
                pick: b.wide() as u16,
            },
            3 => Action::CancelGuess {
                slot: b.below(70),
                generation: b.below(4),
            },
            _ => Action::Defective {
                new_order: b.weighted(&[1, 1]) == 0,
                defect: Defect::decode(&mut b),
            },
        }
    }
}

impl Defect {
    fn decode(b: &mut Bits) -> Defect {
        match b.below(10) {
            0 => Defect::Version,
            1 => Defect::MessageType(b.pick(&[0, 3, 4, 5, 255])),
            2 => Defect::Side(2 + b.below(254) as u8),
            3 => Defect::TimeInForce(4 + b.below(252) as u8),
            4 => Defect::Stp(5 + b.below(251) as u8),
            5 => Defect::Flags,
            6 => Defect::Reserved,
            7 => Defect::CancelWithPrice,
            8 => Defect::CancelWithQty,
            _ => Defect::NewWithTarget,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Driver: actions → messages, using what the events said so far

struct Driver<'a> {
    config: &'a VenueConfig,
    /// Last accepted nonce per known account, mirrored from the sequencer's rule.
    nonces: Vec<u64>,
    /// Live orders: (id, owner, instrument), in acceptance order.
    live: Vec<(OrderId, u32, u16)>,
    /// Ids that have left the book (most recent last, bounded).
    dead: Vec<(OrderId, u32, u16)>,
    clock_ns: u64,
}

impl<'a> Driver<'a> {
    fn new(config: &'a VenueConfig) -> Driver<'a> {
        Driver {
            config,
            nonces: vec![0; config.accounts.test_accounts as usize],
            live: Vec::new(),
            dead: Vec::new(),
            clock_ns: 1_000,
        }
    }

    fn input_for(&mut self, index: usize, step: &Step) -> Input {
        let arrival_ns = match step.arrival {
            Arrival::After(dt) => {
                self.clock_ns += u64::from(dt);
                self.clock_ns
            }
            Arrival::Late(dt) => self.clock_ns.saturating_sub(u64::from(dt)),
        };
        let mut message = self.message_for(index as u64 + 1, step);
        message.nonce = self.nonce_for(message.account, step.nonce);
        Input {
            arrival_ns,
            message,
            signature_ok: step.signature_ok,
        }
    }

    fn nonce_for(&self, account: u32, choice: NonceChoice) -> u64 {
        let last = self.nonces.get(account as usize).copied().unwrap_or(0);
        match choice {
            NonceChoice::Fresh(gap) => last + u64::from(gap),
            NonceChoice::Replay => last,
            NonceChoice::Stale(by) => last.saturating_sub(u64::from(by)),
        }
    }

    fn price_for(&self, instrument: u16, side: Side, price: Price) -> u32 {
        let i = self
            .config
            .instrument(instrument)
            .unwrap_or(&self.config.instruments[0]);
        match price {
            Price::Passive(n) => match side {
                Side::Buy => i.reference_price_ticks - 1 - u32::from(n) % i.band_ticks,
                Side::Sell => i.reference_price_ticks + 1 + u32::from(n) % i.band_ticks,
            },
            Price::Through(n) => match side {
                Side::Buy => i.reference_price_ticks + u32::from(n) % (i.band_ticks + 1),
                Side::Sell => i.reference_price_ticks - u32::from(n) % (i.band_ticks + 1),
            },
            Price::Level(n) => i.price_min_ticks() + u32::from(n) % i.levels(),
            Price::Below(n) => i.price_min_ticks() - 1 - u32::from(n),
            Price::Above(n) => i.price_max_ticks() + 1 + u32::from(n),
            Price::Raw(p) => p,
        }
    }

    fn other_instrument(&self, instrument: u16) -> u16 {
        let ids: Vec<u16> = self.config.instruments.iter().map(|i| i.id).collect();
        let at = ids.iter().position(|&id| id == instrument).unwrap_or(0);
        ids[(at + 1) % ids.len()]
    }

    fn message_for(&self, client_ref: u64, step: &Step) -> OrderMessage {
        let (account, instrument) = (step.account, step.instrument);
        match step.action {
            Action::New {
                side,
                price,
                qty_lots,
                time_in_force,
                stp,
            } => OrderMessage::new_order(
                account,
                0,
                instrument,
                side,
                self.price_for(instrument, side, price),
                qty_lots,
                time_in_force,
                stp,
                client_ref,
            ),
            Action::CancelLive {
                pick,
                foreign,
                wrong_book,
            } => {
                let Some(&(id, owner, on)) = pick_from(&self.live, pick) else {
                    let guess = OrderId::new(u32::from(pick) % 70, 1);
                    return OrderMessage::cancel(account, 0, instrument, guess, client_ref);
                };
                let sender = if foreign {
                    (owner + 1) % ACCOUNTS
                } else {
                    owner
                };
                let on = if wrong_book {
                    self.other_instrument(on)
                } else {
                    on
                };
                OrderMessage::cancel(sender, 0, on, id, client_ref)
            }
            Action::CancelDead { pick } => match pick_from(&self.dead, pick) {
                Some(&(id, owner, on)) => OrderMessage::cancel(owner, 0, on, id, client_ref),
                None => OrderMessage::cancel(account, 0, instrument, OrderId::NONE, client_ref),
            },
            Action::CancelGuess { slot, generation } => OrderMessage::cancel(
                account,
                0,
                instrument,
                OrderId::new(slot, generation),
                client_ref,
            ),
            Action::Defective { new_order, defect } => {
                self.defective(client_ref, step, new_order, defect)
            }
        }
    }

    fn defective(
        &self,
        client_ref: u64,
        step: &Step,
        new_order: bool,
        defect: Defect,
    ) -> OrderMessage {
        let cancel_base = match defect {
            Defect::CancelWithPrice | Defect::CancelWithQty => true,
            Defect::NewWithTarget => false,
            _ => !new_order,
        };
        let (account, instrument) = (step.account, step.instrument);
        let mut m = if cancel_base {
            let target = self.live.first().map_or(OrderId::new(0, 1), |l| l.0);
            OrderMessage::cancel(account, 0, instrument, target, client_ref)
        } else {
            let price = self.price_for(instrument, Side::Buy, Price::Level(8));
            OrderMessage::new_order(
                account,
                0,
                instrument,
                Side::Buy,
                price,
                1,
                TimeInForce::Gtc,
                StpMode::Default,
                client_ref,
            )
        };
        match defect {
            Defect::Version => m.version = ABI_VERSION.wrapping_add(1),
            Defect::MessageType(t) => m.message_type = t,
            Defect::Side(v) => m.side = v,
            Defect::TimeInForce(v) => m.time_in_force = v,
            Defect::Stp(v) => m.stp = v,
            Defect::Flags => m.flags = 1,
            Defect::Reserved => m.reserved0[3] = 0x80,
            Defect::CancelWithPrice => m.price_ticks = 1,
            Defect::CancelWithQty => m.qty_lots = 1,
            Defect::NewWithTarget => m.target_order_id = OrderId::new(0, 1),
        }
        m
    }

    /// Learn from the events of one message: nonces consumed, orders in and out.
    fn observe(&mut self, input: &Input, events: &[Event]) {
        let m = &input.message;
        if let Some(last) = self.nonces.get_mut(m.account as usize) {
            if input.signature_ok && m.nonce > *last {
                *last = m.nonce;
            }
        }
        for e in events {
            match e.kind {
                EventKind::Accepted => {
                    self.live
                        .push((OrderId(e.order_id), e.account, e.instrument))
                }
                EventKind::Fill => {
                    if e.maker_remaining_lots == 0 {
                        self.retire(e.maker_order_id);
                    }
                    if e.remaining_lots == 0 {
                        self.retire(e.order_id);
                    }
                }
                EventKind::Cancelled | EventKind::Expired => self.retire(e.order_id),
                EventKind::Rejected | EventKind::Oracle | EventKind::Admin => {}
            }
        }
    }

    fn retire(&mut self, id: u64) {
        if let Some(at) = self.live.iter().position(|l| l.0 .0 == id) {
            self.dead.push(self.live.remove(at));
            if self.dead.len() > 64 {
                self.dead.remove(0);
            }
        }
    }
}

fn pick_from<T>(items: &[T], pick: u16) -> Option<&T> {
    (!items.is_empty()).then(|| &items[usize::from(pick) % items.len()])
}

// ---------------------------------------------------------------------------------------------
// Running checks

/// An observer of one run: sees every message, its events and the product engine after it.
trait Check {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        events: &[Event],
        engine: &LadderBook,
    ) -> CheckResult;

    fn finish(&mut self, _engine: &LadderBook) -> CheckResult {
        Ok(())
    }
}

fn feed(
    engine: &mut Sequencer<LadderBook>,
    index: usize,
    input: &Input,
    checks: &mut [&mut dyn Check],
) -> Result<Vec<Event>, TestCaseError> {
    let events = engine.handle(input).to_vec();
    for check in checks.iter_mut() {
        check.message(index, input, &events, engine.matcher())?;
    }
    Ok(events)
}

/// Counts rejections by reason (to show a run reached the cases a property is about).
#[derive(Default)]
struct Rejections(BTreeMap<Reason, u64>);

impl Check for Rejections {
    fn message(&mut self, _: usize, _: &Input, events: &[Event], _: &LadderBook) -> CheckResult {
        for e in events.iter().filter(|e| e.kind == EventKind::Rejected) {
            *self.0.entry(e.reason).or_default() += 1;
        }
        Ok(())
    }
}

impl Rejections {
    fn of(&self, reason: Reason) -> u64 {
        self.0.get(&reason).copied().unwrap_or(0)
    }
}

/// Play `scenario` on a `Sequencer<LadderBook>` under `checks`; returns the inputs it made.
fn run_scenario(
    scenario: &Scenario,
    checks: &mut [&mut dyn Check],
) -> Result<Vec<Input>, TestCaseError> {
    let config = scenario.config();
    let mut engine = Sequencer::<LadderBook>::new(&config);
    let mut driver = Driver::new(&config);
    let mut inputs = Vec::with_capacity(scenario.steps.len());
    for (index, step) in scenario.steps.iter().enumerate() {
        let input = driver.input_for(index, step);
        let events = feed(&mut engine, index, &input, checks)?;
        driver.observe(&input, &events);
        inputs.push(input);
    }
    for check in checks.iter_mut() {
        check.finish(engine.matcher())?;
    }
    Ok(inputs)
}

/// Feed fixed inputs to a `Sequencer<LadderBook>` under `checks`.
fn run_inputs(
    config: &VenueConfig,
    inputs: &[Input],
    checks: &mut [&mut dyn Check],
) -> CheckResult {
    let mut engine = Sequencer::<LadderBook>::new(config);
    for (index, input) in inputs.iter().enumerate() {
        feed(&mut engine, index, input, checks)?;
    }
    for check in checks.iter_mut() {
        check.finish(engine.matcher())?;
    }
    Ok(())
}

/// One line per message for failure reports.
fn describe(index: usize, input: &Input) -> String {
    let m = &input.message;
    format!(
        "message {index}: arrival {} sig_ok {} acct {} nonce {} type {} side {} tif {} stp {} \
         flags {} reserved {} instrument {} price {} qty {} target {:#x} ref {}",
        input.arrival_ns,
        input.signature_ok,
        m.account,
        m.nonce,
        m.message_type,
        m.side,
        m.time_in_force,
        m.stp,
        m.flags,
        m.reserved_nonzero(),
        m.instrument,
        m.price_ticks,
        m.qty_lots,
        m.target_order_id.0,
        m.client_ref
    )
}

fn due(index: usize, every: usize) -> bool {
    index.checked_rem(every) == Some(0)
}

// ---------------------------------------------------------------------------------------------
// Property 1: the product engine and the reference engine agree

struct Differential {
    reference: Sequencer<BTreeBook>,
    /// Compare resting orders after every `books_every` messages (and at the end).
    books_every: usize,
}

impl Differential {
    fn new(config: &VenueConfig, books_every: usize) -> Differential {
        Differential {
            reference: Sequencer::new(config),
            books_every,
        }
    }
}

impl Check for Differential {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        events: &[Event],
        engine: &LadderBook,
    ) -> CheckResult {
        let expected = self.reference.handle(input);
        prop_assert_eq!(
            events,
            expected,
            "events differ at {}",
            describe(index, input)
        );
        if due(index, self.books_every) {
            prop_assert_eq!(
                engine.resting_orders(),
                self.reference.matcher().resting_orders(),
                "books differ after {}",
                describe(index, input)
            );
        }
        Ok(())
    }

    fn finish(&mut self, engine: &LadderBook) -> CheckResult {
        prop_assert_eq!(
            engine.resting_orders(),
            self.reference.matcher().resting_orders()
        );
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Property 2: no book is ever crossed

struct Uncrossed<'a> {
    config: &'a VenueConfig,
    every: usize,
}

impl Uncrossed<'_> {
    fn check(&self, resting: &[RestingOrder], when: &str) -> CheckResult {
        for instrument in &self.config.instruments {
            let book = || resting.iter().filter(|o| o.instrument == instrument.id);
            let bid = book()
                .filter(|o| o.side == Side::Buy)
                .map(|o| o.price_ticks)
                .max();
            let ask = book()
                .filter(|o| o.side == Side::Sell)
                .map(|o| o.price_ticks)
                .min();
            if let (Some(bid), Some(ask)) = (bid, ask) {
                prop_assert!(
                    bid < ask,
                    "instrument {} crossed ({bid} >= {ask}) {when}",
                    instrument.id
                );
            }
            for o in book() {
                prop_assert!(o.qty_lots > 0, "empty resting order {o:?} {when}");
                prop_assert!(
                    (instrument.price_min_ticks()..=instrument.price_max_ticks())
                        .contains(&o.price_ticks),
                    "resting order out of band {o:?} {when}"
                );
            }
        }
        let configured = |o: &RestingOrder| self.config.instrument(o.instrument).is_some();
        prop_assert!(
            resting.iter().all(configured),
            "order on an unknown book {when}"
        );
        let pool = self.config.venue.orders_resting_max as usize;
        prop_assert!(
            resting.len() <= pool,
            "more resting orders than slots {when}"
        );
        Ok(())
    }
}

impl Check for Uncrossed<'_> {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        _: &[Event],
        engine: &LadderBook,
    ) -> CheckResult {
        if due(index, self.every) {
            self.check(
                &engine.resting_orders(),
                &format!("after {}", describe(index, input)),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, engine: &LadderBook) -> CheckResult {
        self.check(&engine.resting_orders(), "at the end")
    }
}

// ---------------------------------------------------------------------------------------------
// Property 3: quantity is conserved

#[derive(Debug, Default, Clone, Copy)]
struct Ledger {
    accepted: u64,
    filled: u64,
    cancelled: u64,
    expired: u64,
}

#[derive(Default)]
struct Conservation {
    /// Order id → what happened to its quantity.
    ledger: BTreeMap<u64, Ledger>,
    /// Also balance the books after every `every` messages (0: only at the end).
    every: usize,
}

impl Conservation {
    fn balance(&self, engine: &LadderBook, when: &str) -> CheckResult {
        let resting: BTreeMap<u64, u32> = engine
            .resting_orders()
            .iter()
            .map(|o| (o.order_id.0, o.qty_lots))
            .collect();
        for id in resting.keys() {
            prop_assert!(
                self.ledger.contains_key(id),
                "order {id:#x} rests but was never accepted {when}"
            );
        }
        for (id, l) in &self.ledger {
            let open = u64::from(resting.get(id).copied().unwrap_or(0));
            prop_assert_eq!(
                l.accepted,
                l.filled + l.cancelled + l.expired + open,
                "order {:#x} {:?} open {} {}",
                id,
                l,
                open,
                when
            );
        }
        Ok(())
    }
}

impl Check for Conservation {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        events: &[Event],
        engine: &LadderBook,
    ) -> CheckResult {
        let when = || describe(index, input);
        for e in events {
            let qty = u64::from(e.qty_lots);
            let ledger = &mut self.ledger;
            match e.kind {
                EventKind::Accepted => {
                    let fresh = Ledger {
                        accepted: qty,
                        ..Ledger::default()
                    };
                    let reused = ledger.insert(e.order_id, fresh).is_some();
                    prop_assert!(!reused, "id {:#x} issued twice at {}", e.order_id, when());
                }
                EventKind::Fill => {
                    prop_assert!(qty > 0, "empty fill at {}", when());
                    credit(ledger, e.order_id, &when, |l| l.filled += qty)?;
                    credit(ledger, e.maker_order_id, &when, |l| l.filled += qty)?;
                }
                EventKind::Cancelled => credit(ledger, e.order_id, &when, |l| l.cancelled += qty)?,
                EventKind::Expired => credit(ledger, e.order_id, &when, |l| l.expired += qty)?,
                EventKind::Rejected | EventKind::Oracle | EventKind::Admin => {}
            }
        }
        if due(index, self.every) {
            self.balance(engine, &format!("after {}", when()))?;
        }
        Ok(())
    }

    fn finish(&mut self, engine: &LadderBook) -> CheckResult {
        self.balance(engine, "at the end")
    }
}

fn credit(
    ledger: &mut BTreeMap<u64, Ledger>,
    id: u64,
    when: &dyn Fn() -> String,
    f: impl FnOnce(&mut Ledger),
) -> CheckResult {
    let Some(entry) = ledger.get_mut(&id) else {
        return Err(TestCaseError::fail(format!(
            "event names order {id:#x}, never accepted, at {}",
            when()
        )));
    };
    f(entry);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Property 4: gap-free sequence numbers, ingress stamps

struct Numbering {
    next_seq: u64,
    last_stamp_ns: u64,
}

impl Default for Numbering {
    fn default() -> Numbering {
        Numbering {
            next_seq: 1,
            last_stamp_ns: 0,
        }
    }
}

impl Check for Numbering {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        events: &[Event],
        _: &LadderBook,
    ) -> CheckResult {
        let stamp_ns = input.arrival_ns.max(self.last_stamp_ns);
        for e in events {
            prop_assert_eq!(
                e.seq,
                self.next_seq,
                "sequence gap at {}",
                describe(index, input)
            );
            prop_assert_eq!(
                e.timestamp_ns,
                stamp_ns,
                "stamp at {}",
                describe(index, input)
            );
            self.next_seq += 1;
        }
        self.last_stamp_ns = stamp_ns;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Property 5: the event stream alone rebuilds the books (and their tops)

struct Replayed<'a> {
    config: &'a VenueConfig,
    replay: BookReplay,
    every: usize,
}

impl<'a> Replayed<'a> {
    fn new(config: &'a VenueConfig, every: usize) -> Replayed<'a> {
        Replayed {
            config,
            replay: BookReplay::default(),
            every,
        }
    }
}

impl Check for Replayed<'_> {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        events: &[Event],
        engine: &LadderBook,
    ) -> CheckResult {
        for e in events {
            let applied = self.replay.apply(e);
            prop_assert!(
                applied.is_ok(),
                "replay refused {:?}: {:?} at {}",
                e,
                applied,
                describe(index, input)
            );
        }
        // The tops a replica marks with are the book's own after every message.
        for i in &self.config.instruments {
            prop_assert_eq!(
                self.replay.best_prices(i.id),
                engine.best_prices(i.id),
                "replayed tops of {} differ after {}",
                i.id,
                describe(index, input)
            );
        }
        if due(index, self.every) {
            prop_assert_eq!(
                self.replay.resting_orders(self.config),
                engine.resting_orders(),
                "replayed books differ after {}",
                describe(index, input)
            );
        }
        Ok(())
    }

    fn finish(&mut self, engine: &LadderBook) -> CheckResult {
        prop_assert_eq!(
            self.replay.resting_orders(self.config),
            engine.resting_orders()
        );
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Property 6: every message is answered; a rejection is the whole answer

struct Answered;

impl Check for Answered {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        events: &[Event],
        _: &LadderBook,
    ) -> CheckResult {
        let when = || describe(index, input);
        prop_assert!(!events.is_empty(), "no event for {}", when());
        let rejected = events
            .iter()
            .filter(|e| e.kind == EventKind::Rejected)
            .count();
        prop_assert!(
            rejected == 0 || events.len() == 1,
            "a rejection with other events: {:?} for {}",
            events,
            when()
        );
        if rejected == 0 {
            // Not rejected: a new order opens with its acceptance, a cancel is one cancellation.
            let first = events[0].kind;
            match input.message.message_type() {
                Some(MessageType::NewOrder) => {
                    prop_assert_eq!(first, EventKind::Accepted, "{}", when())
                }
                Some(MessageType::Cancel) => {
                    prop_assert_eq!(events.len(), 1, "{}", when());
                    prop_assert_eq!(first, EventKind::Cancelled, "{}", when());
                }
                Some(MessageType::Oracle) => {
                    prop_assert_eq!(events.len(), 1, "{}", when());
                    prop_assert_eq!(first, EventKind::Oracle, "{}", when());
                }
                Some(MessageType::Admin) => {
                    prop_assert_eq!(events.len(), 1, "{}", when());
                    prop_assert_eq!(first, EventKind::Admin, "{}", when());
                }
                other => prop_assert!(false, "{other:?} was not rejected: {}", when()),
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Property 7: the encoded stream is a function of the input

#[derive(Default)]
struct Recorder {
    bytes: Vec<u8>,
}

impl Check for Recorder {
    fn message(&mut self, _: usize, _: &Input, events: &[Event], _: &LadderBook) -> CheckResult {
        for e in events {
            self.bytes.extend_from_slice(&e.encode());
        }
        Ok(())
    }
}

fn encoded_stream<M: Matcher>(config: &VenueConfig, inputs: &[Input]) -> Vec<u8> {
    let mut sequencer = Sequencer::<M>::new(config);
    let mut bytes = Vec::new();
    for input in inputs {
        for e in sequencer.handle(input) {
            bytes.extend_from_slice(&e.encode());
        }
    }
    bytes
}

fn input_bytes(inputs: &[Input]) -> Vec<(u64, bool, [u8; 128])> {
    inputs
        .iter()
        .map(|i| (i.arrival_ns, i.signature_ok, i.message.encode()))
        .collect()
}

fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))
}

// ---------------------------------------------------------------------------------------------
// Property 8: an independent model of the documented contract predicts every event

/// A resting order of the model with its time priority (acceptance order).
#[derive(Debug, Clone, Copy)]
struct ModelOrder {
    view: RestingOrder,
    priority: u64,
}

/// The contract as documented in `engine/mod.rs` (check order, id allocation by a LIFO slot
/// stack with generations) and `abi` (price-time priority, TIF, STP, event fields), written
/// as plainly as possible: a flat list of resting orders, sorted when needed.
struct Model {
    config: VenueConfig,
    nonces: Vec<u64>,
    orders: Vec<ModelOrder>,
    /// Free slots, top of the stack last.
    free: Vec<u32>,
    generations: Vec<u32>,
    next_priority: u64,
    /// Per account: its credit limit (None: unlimited) and consumption counter (abi §16:
    /// 32-bit counters that wrap).
    credit_limit: Vec<Option<u32>>,
    credit_used: Vec<u32>,
    /// Per instrument id: credit units per lot (0 until an admin message sets it).
    lot_cost: std::collections::HashMap<u16, u32>,
}

/// The taker side of a new order, resolved.
#[derive(Debug, Clone, Copy)]
struct Taker {
    id: OrderId,
    side: Side,
    time_in_force: TimeInForce,
    stp: StpMode,
    m: OrderMessage,
}

impl Model {
    fn new(config: &VenueConfig) -> Model {
        let pool = config.venue.orders_resting_max;
        Model {
            config: config.clone(),
            nonces: vec![0; config.venue.accounts_max as usize],
            orders: Vec::new(),
            free: (0..pool).rev().collect(),
            generations: vec![0; pool as usize],
            next_priority: 0,
            credit_limit: vec![None; config.venue.accounts_max as usize],
            credit_used: vec![0; config.venue.accounts_max as usize],
            lot_cost: Default::default(),
        }
    }

    fn handle(&mut self, input: &Input) -> Vec<Event> {
        let mut events = Vec::new();
        if let Err(reason) = self.dispatch(input, &mut events) {
            assert!(events.is_empty(), "model: a rejection has no effect");
            let m = &input.message;
            return vec![Event {
                reason,
                side: m.side,
                instrument: m.instrument,
                account: m.account,
                price_ticks: m.price_ticks,
                order_id: m.target_order_id.0,
                qty_lots: m.qty_lots,
                client_ref: m.client_ref,
                ..Event::blank(EventKind::Rejected)
            }];
        }
        events
    }

    fn known(&self, account: u32) -> bool {
        let accounts = &self.config.accounts;
        account < accounts.test_accounts && account < self.config.venue.accounts_max
            || accounts.keys.iter().any(|k| k.id == account)
    }

    fn dispatch(&mut self, input: &Input, events: &mut Vec<Event>) -> Result<(), Reason> {
        let m = input.message;
        // 1-3: account, signature, nonce (consumed from here on).
        if !self.known(m.account) {
            return Err(Reason::UnknownAccount);
        }
        if !input.signature_ok {
            return Err(Reason::BadSignature);
        }
        let last = &mut self.nonces[m.account as usize];
        if m.nonce == *last {
            return Err(Reason::DuplicateNonce);
        }
        if m.nonce < *last {
            return Err(Reason::StaleNonce);
        }
        *last = m.nonce;
        // 4: fields.
        let defined = m.version == ABI_VERSION
            && m.flags == 0
            && !m.reserved_nonzero()
            && Side::from_u8(m.side).is_some()
            && TimeInForce::from_u8(m.time_in_force).is_some()
            && StpMode::from_u8(m.stp).is_some();
        let kind = MessageType::from_u8(m.message_type).filter(|_| defined);
        let kind = match kind {
            None => return Err(Reason::Malformed),
            Some(MessageType::NewOrder) if m.target_order_id != OrderId::NONE => {
                return Err(Reason::Malformed)
            }
            Some(MessageType::Cancel) if m.price_ticks != 0 || m.qty_lots != 0 => {
                return Err(Reason::Malformed)
            }
            Some(MessageType::Oracle)
                if m.target_order_id != OrderId::NONE || m.price_ticks == 0 =>
            {
                return Err(Reason::Malformed)
            }
            Some(MessageType::Admin)
                if m.target_order_id.0 >= 1 << 32
                    || m.instrument != 0
                        && m.side == 0
                        && (m.price_ticks != 0
                            || m.target_order_id != OrderId::NONE
                            || m.qty_lots > 0xFFFF) =>
            {
                return Err(Reason::Malformed)
            }
            Some(kind) => kind,
        };
        // 5 for admin messages (abi §16): an admin's credit or lot cost setting is applied,
        // a transfer or isolation (side 1) only checked; each is echoed.
        if kind == MessageType::Admin {
            if !self.config.accounts.admins.contains(&m.account) {
                return Err(Reason::NotAdmin);
            }
            let target = m.target_order_id.0 as usize;
            if (m.instrument == 0 || m.side == 1) && target >= self.credit_limit.len() {
                return Err(Reason::Malformed);
            }
            if m.instrument != 0 && self.config.instrument(m.instrument).is_none() {
                return Err(Reason::UnknownInstrument);
            }
            match (m.instrument, m.side) {
                (0, 0) => {
                    self.credit_limit[target] =
                        (m.price_ticks != u32::MAX).then(|| m.qty_lots.wrapping_add(m.price_ticks));
                }
                (instrument, 0) => {
                    self.lot_cost.insert(instrument, m.qty_lots);
                }
                _ => {}
            }
            events.push(Event {
                side: m.side,
                instrument: m.instrument,
                account: m.account,
                price_ticks: m.price_ticks,
                order_id: m.target_order_id.0,
                qty_lots: m.qty_lots,
                client_ref: m.client_ref,
                ..Event::blank(EventKind::Admin)
            });
            return Ok(());
        }
        // 5 for oracle messages (abi §15): an oracle account's update is echoed; no book.
        if kind == MessageType::Oracle {
            if !self.config.accounts.oracles.contains(&m.account) {
                return Err(Reason::NotOracle);
            }
            events.push(Event {
                side: m.side,
                instrument: m.instrument,
                account: m.account,
                price_ticks: m.price_ticks,
                qty_lots: m.qty_lots,
                client_ref: m.client_ref,
                ..Event::blank(EventKind::Oracle)
            });
            return Ok(());
        }
        // 5: instrument.
        let Some(instrument) = self.config.instrument(m.instrument).cloned() else {
            return Err(Reason::UnknownInstrument);
        };
        // 6: amend and mass cancel (checked after the instrument).
        if matches!(kind, MessageType::Amend | MessageType::MassCancel) {
            return Err(Reason::UnsupportedMessage);
        }
        // 7: the message's own checks.
        if kind == MessageType::Cancel {
            return self.cancel(&m, events);
        }
        if m.qty_lots == 0 || m.qty_lots > instrument.qty_lots_max {
            return Err(Reason::InvalidQuantity);
        }
        if m.price_ticks < instrument.price_min_ticks()
            || m.price_ticks > instrument.price_max_ticks()
        {
            return Err(Reason::PriceOutOfBand);
        }
        // 7.3: the credit; a passing order consumes its cost whatever the matcher decides.
        let cost = u64::from(m.qty_lots)
            * u64::from(self.lot_cost.get(&m.instrument).copied().unwrap_or(0));
        let used = &mut self.credit_used[m.account as usize];
        if let Some(limit) = self.credit_limit[m.account as usize] {
            let available = (limit.wrapping_sub(*used) as i32).max(0) as u64;
            if cost > available {
                return Err(Reason::CreditExceeded);
            }
        }
        *used = used.wrapping_add(cost as u32);
        self.new_order(&m, events)
    }

    fn cancel(&mut self, m: &OrderMessage, events: &mut Vec<Event>) -> Result<(), Reason> {
        let target = m.target_order_id;
        let Some(order) = self
            .orders
            .iter()
            .find(|o| o.view.order_id == target && o.view.instrument == m.instrument)
            .copied()
        else {
            return Err(Reason::UnknownOrder);
        };
        if order.view.account != m.account {
            return Err(Reason::NotOrderOwner);
        }
        events.push(removed(EventKind::Cancelled, Reason::None, &order.view));
        self.remove(target);
        Ok(())
    }

    fn remove(&mut self, id: OrderId) {
        let at = self
            .orders
            .iter()
            .position(|o| o.view.order_id == id)
            .expect("live");
        self.orders.remove(at);
        self.free.push(id.slot());
    }

    /// Resting orders a taker would meet, best first: price, then time.
    fn crossing(&self, m: &OrderMessage, side: Side) -> Vec<ModelOrder> {
        let mut queue: Vec<ModelOrder> = self
            .orders
            .iter()
            .filter(|o| o.view.instrument == m.instrument && o.view.side != side)
            .filter(|o| match side {
                Side::Buy => o.view.price_ticks <= m.price_ticks,
                Side::Sell => o.view.price_ticks >= m.price_ticks,
            })
            .copied()
            .collect();
        queue.sort_by_key(|o| {
            let price = match side {
                Side::Buy => i64::from(o.view.price_ticks),
                Side::Sell => -i64::from(o.view.price_ticks),
            };
            (price, o.priority)
        });
        queue
    }

    fn resolve_stp(&self, m: &OrderMessage) -> StpMode {
        match StpMode::from_u8(m.stp).unwrap() {
            StpMode::Default => self.config.venue.default_stp.mode(),
            mode => mode,
        }
    }

    /// The FOK check (abi.md §11): can `queue` fill `qty` in full right now, with
    /// self-trade prevention applied, visiting at most `cap` resting orders? Needing to look
    /// at order `cap + 1` is `fok_too_deep`; an own order skipped under cancel_oldest counts
    /// as visited; running out of orders, or an own order under cancel_newest / cancel_both,
    /// is `fok_cannot_fill`.
    fn fok_check(
        queue: &[ModelOrder],
        m: &OrderMessage,
        stp: StpMode,
        cap: u32,
    ) -> Result<(), Reason> {
        let mut available = 0u64;
        for (visited, maker) in queue.iter().enumerate() {
            if visited == cap as usize {
                return Err(Reason::FokTooDeep);
            }
            let own = maker.view.account == m.account;
            match stp {
                _ if !own => available += u64::from(maker.view.qty_lots),
                StpMode::None => available += u64::from(maker.view.qty_lots),
                StpMode::CancelOldest => {}
                _ => return Err(Reason::FokCannotFill),
            }
            if available >= u64::from(m.qty_lots) {
                return Ok(());
            }
        }
        Err(Reason::FokCannotFill)
    }

    fn new_order(&mut self, m: &OrderMessage, events: &mut Vec<Event>) -> Result<(), Reason> {
        let side = Side::from_u8(m.side).unwrap();
        let time_in_force = TimeInForce::from_u8(m.time_in_force).unwrap();
        let stp = self.resolve_stp(m);
        let queue = self.crossing(m, side);
        if time_in_force == TimeInForce::PostOnly && !queue.is_empty() {
            return Err(Reason::PostOnlyWouldCross);
        }
        if time_in_force == TimeInForce::Fok {
            Model::fok_check(&queue, m, stp, self.config.venue.fok_orders_max)?;
        }
        let slot = self.free.pop().ok_or(Reason::OrderPoolFull)?;
        let generation = &mut self.generations[slot as usize];
        *generation = if *generation == u32::MAX {
            1
        } else {
            *generation + 1
        };
        let taker = Taker {
            id: OrderId::new(slot, *generation),
            side,
            time_in_force,
            stp,
            m: *m,
        };
        events.push(Event {
            remaining_lots: m.qty_lots,
            client_ref: m.client_ref,
            ..taker_event(&taker, EventKind::Accepted, m.qty_lots)
        });
        let (remaining, stopped) = self.walk(&taker, &queue, events);
        self.settle(&taker, remaining, stopped, events);
        Ok(())
    }

    /// Trade through `queue`; returns the open quantity and whether STP stopped the taker.
    fn walk(
        &mut self,
        taker: &Taker,
        queue: &[ModelOrder],
        events: &mut Vec<Event>,
    ) -> (u32, bool) {
        let mut remaining = taker.m.qty_lots;
        for maker in queue {
            if remaining == 0 {
                break;
            }
            let own = maker.view.account == taker.m.account;
            let stp = if own { taker.stp } else { StpMode::None };
            if matches!(stp, StpMode::CancelOldest | StpMode::CancelBoth) {
                events.push(removed(
                    EventKind::Cancelled,
                    Reason::SelfTrade,
                    &maker.view,
                ));
                self.remove(maker.view.order_id);
            }
            match stp {
                StpMode::CancelOldest => continue,
                StpMode::CancelNewest | StpMode::CancelBoth => return (remaining, true),
                _ => {}
            }
            let traded = remaining.min(maker.view.qty_lots);
            remaining -= traded;
            let maker_left = maker.view.qty_lots - traded;
            events.push(Event {
                price_ticks: maker.view.price_ticks,
                remaining_lots: remaining,
                maker_order_id: maker.view.order_id.0,
                maker_account: maker.view.account,
                maker_remaining_lots: maker_left,
                ..taker_event(taker, EventKind::Fill, traded)
            });
            if maker_left == 0 {
                self.remove(maker.view.order_id);
            } else {
                let live = self
                    .orders
                    .iter_mut()
                    .find(|o| o.view.order_id == maker.view.order_id);
                live.unwrap().view.qty_lots = maker_left;
            }
        }
        (remaining, false)
    }

    /// The taker's end: done, cancelled by STP, expired, or resting.
    fn settle(&mut self, taker: &Taker, remaining: u32, stopped: bool, events: &mut Vec<Event>) {
        let view = RestingOrder {
            order_id: taker.id,
            instrument: taker.m.instrument,
            side: taker.side,
            price_ticks: taker.m.price_ticks,
            qty_lots: remaining,
            account: taker.m.account,
            client_ref: taker.m.client_ref,
        };
        let rests = remaining > 0
            && !stopped
            && matches!(
                taker.time_in_force,
                TimeInForce::Gtc | TimeInForce::PostOnly
            );
        if rests {
            self.orders.push(ModelOrder {
                view,
                priority: self.next_priority,
            });
            self.next_priority += 1;
            return;
        }
        if remaining > 0 && stopped {
            events.push(removed(EventKind::Cancelled, Reason::SelfTrade, &view));
        } else if remaining > 0 {
            assert_eq!(
                taker.time_in_force,
                TimeInForce::Ioc,
                "model: a FOK is filled in full"
            );
            events.push(removed(EventKind::Expired, Reason::None, &view));
        }
        self.free.push(taker.id.slot());
    }

    /// Canonical order: by book (config order), bids then asks, best price first, then time.
    fn resting_orders(&self) -> Vec<RestingOrder> {
        let mut orders = self.orders.clone();
        let book = |id: u16| self.config.instruments.iter().position(|i| i.id == id);
        orders.sort_by_key(|o| {
            let price = match o.view.side {
                Side::Buy => -i64::from(o.view.price_ticks),
                Side::Sell => i64::from(o.view.price_ticks),
            };
            (
                book(o.view.instrument),
                o.view.side as u8,
                price,
                o.priority,
            )
        });
        orders.into_iter().map(|o| o.view).collect()
    }
}

/// The fields every event about a taker carries.
fn taker_event(taker: &Taker, kind: EventKind, qty_lots: u32) -> Event {
    Event {
        side: taker.side as u8,
        instrument: taker.m.instrument,
        account: taker.m.account,
        price_ticks: taker.m.price_ticks,
        order_id: taker.id.0,
        qty_lots,
        ..Event::blank(kind)
    }
}

/// An order leaving the book (or a taker's remainder) with its open quantity.
fn removed(kind: EventKind, reason: Reason, order: &RestingOrder) -> Event {
    Event {
        reason,
        side: order.side as u8,
        instrument: order.instrument,
        account: order.account,
        price_ticks: order.price_ticks,
        order_id: order.order_id.0,
        qty_lots: order.qty_lots,
        remaining_lots: 0,
        client_ref: order.client_ref,
        ..Event::blank(kind)
    }
}

struct Oracle {
    model: Model,
    books_every: usize,
}

impl Oracle {
    fn new(config: &VenueConfig, books_every: usize) -> Oracle {
        Oracle {
            model: Model::new(config),
            books_every,
        }
    }
}

impl Check for Oracle {
    fn message(
        &mut self,
        index: usize,
        input: &Input,
        events: &[Event],
        engine: &LadderBook,
    ) -> CheckResult {
        let expected = self.model.handle(input);
        let unstamped: Vec<Event> = events
            .iter()
            .map(|e| Event {
                seq: 0,
                timestamp_ns: 0,
                ..*e
            })
            .collect();
        prop_assert_eq!(
            unstamped,
            expected,
            "model disagrees at {}",
            describe(index, input)
        );
        if due(index, self.books_every) {
            prop_assert_eq!(
                engine.resting_orders(),
                self.model.resting_orders(),
                "model books differ after {}",
                describe(index, input)
            );
        }
        Ok(())
    }

    fn finish(&mut self, engine: &LadderBook) -> CheckResult {
        prop_assert_eq!(engine.resting_orders(), self.model.resting_orders());
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The properties on generated sessions

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Counterexamples worth keeping become explicit regression tests below.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn ladder_book_agrees_with_btree_book(scenario in scenario()) {
        // Proves property 1: the product matcher and the independent BTreeMap matcher, each
        // behind a sequencer, emit identical events (stamps included) for every message and
        // hold identical resting orders (same ids, quantities and priority order) after every
        // message.
        let config = scenario.config();
        run_scenario(&scenario, &mut [&mut Differential::new(&config, 1)])?;
    }

    #[test]
    fn books_are_never_crossed(scenario in scenario()) {
        // Proves property 2: after every message, on every book, best bid < best ask (computed
        // from the engine's resting orders as max bid / min ask, independent of their order);
        // also that every resting order is non-empty, in band, on a configured book, and that
        // no more orders rest than the pool has slots.
        let config = scenario.config();
        run_scenario(&scenario, &mut [&mut Uncrossed { config: &config, every: 1 }])?;
    }

    #[test]
    fn quantity_is_conserved(scenario in scenario()) {
        // Proves property 3: for every accepted order, accepted qty == filled (as taker or
        // maker) + cancelled + expired + open qty still resting — balanced after every message
        // from the events alone against the engine's resting orders; ids are never issued
        // twice and no event names an order that was never accepted.
        let mut conservation = Conservation { every: 1, ..Conservation::default() };
        run_scenario(&scenario, &mut [&mut conservation])?;
    }

    #[test]
    fn sequence_numbers_and_stamps(scenario in scenario()) {
        // Proves property 4: events are numbered 1, 2, 3, … with no gap across messages, and
        // every event of a message carries stamp = max(arrival, previous stamp), so stamps
        // never decrease even when the generator delivers messages "late".
        run_scenario(&scenario, &mut [&mut Numbering::default()])?;
    }

    #[test]
    fn replay_rebuilds_the_books(scenario in scenario()) {
        // Proves property 5: BookReplay accepts every event of the stream and, after every
        // message, its rebuilt books equal the engine's resting orders (ids, quantities,
        // owners, client refs, priority order).
        let config = scenario.config();
        run_scenario(&scenario, &mut [&mut Replayed::new(&config, 1)])?;
    }

    #[test]
    fn every_message_is_answered(scenario in scenario()) {
        // Proves property 6: each message yields at least one event; a rejected message yields
        // exactly that one rejection; otherwise a new order's events start with its acceptance
        // and a cancel yields exactly one cancellation (amend and mass cancel are always
        // rejected).
        run_scenario(&scenario, &mut [&mut Answered])?;
    }

    #[test]
    fn same_input_gives_the_same_bytes(scenario in scenario()) {
        // Proves property 7: playing the same session twice makes the same inputs and a
        // byte-identical encoded event stream, and feeding the recorded inputs to fresh
        // sequencers (product and reference matcher) reproduces those bytes again.
        let config = scenario.config();
        let (mut first, mut second) = (Recorder::default(), Recorder::default());
        let inputs = run_scenario(&scenario, &mut [&mut first])?;
        let inputs_again = run_scenario(&scenario, &mut [&mut second])?;
        prop_assert!(input_bytes(&inputs) == input_bytes(&inputs_again), "inputs differ");
        for (name, bytes) in [
            ("second run", second.bytes),
            ("fresh ladder", encoded_stream::<LadderBook>(&config, &inputs)),
            ("fresh btree", encoded_stream::<BTreeBook>(&config, &inputs)),
        ] {
            prop_assert!(
                first.bytes == bytes,
                "{} differs from the first run at byte {:?}",
                name,
                first_difference(&first.bytes, &bytes)
            );
        }
    }

    #[test]
    fn events_follow_the_documented_contract(scenario in scenario()) {
        // Proves property 8: a model written only from the documented contract (check order in
        // engine/mod.rs, LIFO slot ids with generations, price-time priority, TIF and STP
        // rules, event field layout) predicts every event of every message, field for field,
        // and the same resting orders after every message. Unlike property 1 it shares no code
        // with the engines, so a mistake common to both matchers shows here.
        let config = scenario.config();
        run_scenario(&scenario, &mut [&mut Oracle::new(&config, 1)])?;
    }
}

// ---------------------------------------------------------------------------------------------
// At scale: the demo workload

fn workload_inputs(config: &VenueConfig, seed: u64, messages: usize) -> Vec<Input> {
    let spec = Spec {
        sign: false,
        ..Spec::demo(seed, messages)
    };
    let workload = generate(config, spec, &|_| {});
    workload
        .stimuli
        .iter()
        .zip(&workload.signature_ok)
        .map(|(s, &signature_ok)| Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok,
        })
        .collect()
}

#[test]
fn demo_workload_at_scale() {
    // Proves properties 1, 3, 4 and 5 (and 2, 6, 8) on 20 000-message demo workloads (faults
    // included, signatures judged by the generator): once on the embedded venue (four deep
    // books, 512 accounts) and once on the small venue (64 slots, so the pool fills; FOK
    // checks capped at 1 order, so fok_too_deep happens). Events are diffed against the
    // reference matcher and the model for every message; books are compared, balanced and
    // checked for crossing every 500 messages and at the end.
    let small = small_config(64, StpName::CancelNewest, 1);
    for (config, seed) in [(VenueConfig::embedded(), 1), (small, 2)] {
        let inputs = workload_inputs(&config, seed, 20_000);
        let mut differential = Differential::new(&config, 500);
        let mut conservation = Conservation {
            every: 500,
            ..Conservation::default()
        };
        let mut numbering = Numbering::default();
        let mut replayed = Replayed::new(&config, 500);
        let mut uncrossed = Uncrossed {
            config: &config,
            every: 500,
        };
        let mut oracle = Oracle::new(&config, 500);
        let mut rejections = Rejections::default();
        let mut checks: [&mut dyn Check; 8] = [
            &mut differential,
            &mut conservation,
            &mut numbering,
            &mut replayed,
            &mut uncrossed,
            &mut Answered,
            &mut oracle,
            &mut rejections,
        ];
        if let Err(e) = run_inputs(&config, &inputs, &mut checks) {
            panic!("seed {seed}: {e}");
        }
        assert!(numbering.next_seq > inputs.len() as u64);
        // The embedded venue's cap (256) is never reached by the demo's FOKs; the small
        // venue's (1) is, and FOKs still also fail for want of quantity there.
        let too_deep = rejections.of(Reason::FokTooDeep);
        let cannot_fill = rejections.of(Reason::FokCannotFill);
        assert!(cannot_fill > 0, "seed {seed}: {:?}", rejections.0);
        assert_eq!(
            too_deep > 0,
            config.venue.fok_orders_max == 1,
            "seed {seed}: {:?}",
            rejections.0
        );
    }
}

#[test]
fn generated_sessions_reach_both_fok_rejections() {
    // Proves the generator exercises the FOK cap the properties above check: over 64
    // sessions drawn with a fixed seed, FOKs are rejected fok_too_deep and fok_cannot_fill
    // and also accepted, so the cap's boundary is not left to luck.
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut rejections = Rejections::default();
    let mut fok_accepted = 0u64;
    struct FokAccepted<'a>(&'a mut u64);
    impl Check for FokAccepted<'_> {
        fn message(
            &mut self,
            _: usize,
            input: &Input,
            events: &[Event],
            _: &LadderBook,
        ) -> CheckResult {
            let fok = input.message.time_in_force == TimeInForce::Fok as u8;
            *self.0 += u64::from(fok && events[0].kind == EventKind::Accepted);
            Ok(())
        }
    }
    for _ in 0..64 {
        let scenario = scenario().new_tree(&mut runner).unwrap().current();
        let mut accepted = FokAccepted(&mut fok_accepted);
        run_scenario(&scenario, &mut [&mut rejections, &mut accepted]).unwrap();
    }
    assert!(rejections.of(Reason::FokTooDeep) > 0, "{:?}", rejections.0);
    assert!(
        rejections.of(Reason::FokCannotFill) > 0,
        "{:?}",
        rejections.0
    );
    assert!(fok_accepted > 0);
}
