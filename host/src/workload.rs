//! Deterministic signed workloads: a seeded, closed-loop generator that plays many accounts
//! on several books. It keeps a shadow [`Sequencer`] so its cancels name real order ids and
//! its crosses meet real liquidity, and it mixes in the faults a venue sees (invalid
//! signatures, replayed and stale nonces, unknown accounts and instruments, prices outside
//! the band, orders of other accounts cancelled).
//!
//! The same seed and spec give the same messages, byte for byte, on every machine.

use std::collections::HashMap;

use abi::{EventKind, OrderId, OrderMessage, Side, StpMode, TimeInForce};

use crate::config::VenueConfig;
use crate::engine::{Input, LadderBook, Sequencer};
use crate::keys::{sign_with_test_key, test_signing_key};
use crate::rng::SplitMix64;

/// One message and the time it arrives at ingress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stimulus {
    pub arrival_ns: u64,
    pub message: OrderMessage,
}

/// The shape of a workload.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub seed: u64,
    pub messages: usize,
    /// Percent of messages that add passive liquidity near the touch.
    pub add_percent: u64,
    /// Percent of messages that cancel a live order.
    pub cancel_percent: u64,
    /// Fault injection, per mille of messages (signatures, nonces, ranges, ownership).
    pub fault_per_mille: u64,
    /// Sign messages (false: leave signatures zero, for trusted runs and matching benches).
    pub sign: bool,
}

impl Spec {
    /// The demo's mix: mostly adds and cancels near the touch, a steady flow of crosses.
    pub fn demo(seed: u64, messages: usize) -> Spec {
        Spec {
            seed,
            messages,
            add_percent: 60,
            cancel_percent: 28,
            fault_per_mille: 15,
            sign: true,
        }
    }

    /// Add/cancel-heavy: market makers requoting, few trades.
    pub fn add_cancel(seed: u64, messages: usize) -> Spec {
        Spec {
            seed,
            messages,
            add_percent: 50,
            cancel_percent: 48,
            fault_per_mille: 0,
            sign: false,
        }
    }
}

/// Live orders the generator knows about (from the shadow sequencer's events).
#[derive(Default)]
struct LiveOrders {
    ids: Vec<(OrderId, u32, u16)>,
    position: HashMap<OrderId, usize>,
}

impl LiveOrders {
    fn insert(&mut self, id: OrderId, account: u32, instrument: u16) {
        self.position.insert(id, self.ids.len());
        self.ids.push((id, account, instrument));
    }

    fn remove(&mut self, id: OrderId) {
        if let Some(index) = self.position.remove(&id) {
            self.ids.swap_remove(index);
            if let Some(moved) = self.ids.get(index) {
                self.position.insert(moved.0, index);
            }
        }
    }
}

struct Generator<'a> {
    config: &'a VenueConfig,
    spec: Spec,
    rng: SplitMix64,
    shadow: Sequencer<LadderBook>,
    live: LiveOrders,
    nonces: Vec<u64>,
    /// Each account's nonce before its latest one (for replay faults).
    previous_nonces: Vec<u64>,
    /// Per instrument: the generator's idea of the mid price, in ticks.
    mids: Vec<u32>,
    arrival_ns: u64,
    accounts: u32,
}

/// A generated workload.
pub struct Workload {
    pub stimuli: Vec<Stimulus>,
    /// Whether each message's signature is meant to verify (false: deliberately corrupted).
    /// When `Spec::sign` is false, feed these to the sequencer in place of a verifier.
    pub signature_ok: Vec<bool>,
}

/// The generator plays test accounts (it signs with their derivable keys): it needs two or
/// more, so that accounts can trade with each other.
pub fn check_config(config: &VenueConfig) -> Result<(), crate::Error> {
    if config.accounts.test_accounts < 2 {
        return Err(crate::Error::Config {
            origin: "workload".to_string(),
            message: format!(
                "generated workloads need accounts.test_accounts >= 2 (it is {})",
                config.accounts.test_accounts
            ),
        });
    }
    Ok(())
}

/// Generate `spec.messages` messages for `config` (which must pass [`check_config`]); `progress` gets the number of steps done
/// (of `spec.messages`: generation is the first half, signing the second).
pub fn generate(config: &VenueConfig, spec: Spec, progress: &(dyn Fn(usize) + Sync)) -> Workload {
    let accounts = config.accounts.test_accounts;
    assert!(
        check_config(config).is_ok(),
        "the generator needs test accounts"
    );
    let mut generator = Generator {
        config,
        spec,
        rng: SplitMix64::new(spec.seed),
        shadow: Sequencer::new(config),
        live: LiveOrders::default(),
        nonces: vec![0; accounts as usize],
        previous_nonces: vec![0; accounts as usize],
        mids: config
            .instruments
            .iter()
            .map(|i| i.reference_price_ticks)
            .collect(),
        arrival_ns: 1_000_000_000,
        accounts,
    };
    let mut out = Vec::with_capacity(spec.messages);
    let mut verdicts = Vec::with_capacity(spec.messages);
    for index in 0..spec.messages {
        let (stimulus, signature_ok) = generator.next();
        verdicts.push(signature_ok);
        out.push(stimulus);
        if index % 4096 == 0 {
            progress(index / 2);
        }
    }
    if spec.sign {
        sign_all(&mut out, config.venue.id, progress);
        for (stimulus, _) in out.iter_mut().zip(&verdicts).filter(|(_, ok)| !**ok) {
            // Flip one bit of S: the signature no longer verifies under any rule set.
            stimulus.message.signature[40] ^= 0x01;
        }
    }
    Workload {
        stimuli: out,
        signature_ok: verdicts,
    }
}

fn sign_all(out: &mut [Stimulus], venue_id: u64, progress: &(dyn Fn(usize) + Sync)) {
    let total = out.len();
    let threads = crate::sigverify::all_cores();
    let chunk = out.len().div_ceil(threads).max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for part in out.chunks_mut(chunk) {
            let done = &done;
            scope.spawn(move || {
                let mut keys = HashMap::new();
                for (i, stimulus) in part.iter_mut().enumerate() {
                    let account = stimulus.message.account;
                    let key = keys
                        .entry(account)
                        .or_insert_with(|| test_signing_key(account));
                    sign_with_test_key(&mut stimulus.message, key, venue_id);
                    if i % 1024 == 1023 {
                        let n = done.fetch_add(1024, std::sync::atomic::Ordering::Relaxed);
                        progress(total / 2 + (n + 1024) / 2);
                    }
                }
            });
        }
    });
}

impl Generator<'_> {
    fn next(&mut self) -> (Stimulus, bool) {
        self.arrival_ns += 50 + self.rng.below(1950);
        let mut signature_ok = true;
        let mut message = self.pick_message();
        if self.rng.below(1000) < self.spec.fault_per_mille {
            signature_ok = self.inject_fault(&mut message);
        }
        let stimulus = Stimulus {
            arrival_ns: self.arrival_ns,
            message,
        };
        self.observe(&stimulus, signature_ok);
        (stimulus, signature_ok)
    }

    fn fresh_nonce(&mut self, account: u32) -> u64 {
        let index = account as usize;
        self.previous_nonces[index] = self.nonces[index];
        // Gaps are legal: nonces need only increase.
        self.nonces[index] += 1 + self.rng.below(2);
        self.nonces[index]
    }

    fn pick_message(&mut self) -> OrderMessage {
        // Oracle updates, 5 in 1,000 messages when the venue has an oracle account: a book's
        // mid as the index of the underlying with the instrument's id, and now and then a
        // volatility. (Faults may turn one into a not-oracle or malformed one.)
        if let Some(&oracle) = self.config.accounts.oracles.first() {
            if oracle < self.accounts && self.rng.below(1000) < 5 {
                let book = self.rng.below(self.config.instruments.len() as u64) as usize;
                let volatility = if self.rng.chance(30) {
                    500_000 + self.rng.below(1_000_000) as u32
                } else {
                    0
                };
                let nonce = self.fresh_nonce(oracle);
                return OrderMessage::oracle(
                    oracle,
                    nonce,
                    self.config.instruments[book].id,
                    self.mids[book],
                    volatility,
                );
            }
        }
        // Admin messages, 3 in 1,000 when the venue has an admin account: a book's credit
        // cost per lot, or the credit of one of the first 16 accounts — as the risk engine
        // would set it (beyond the consumption it saw) or unlimited — so a few accounts run
        // out of credit now and then.
        if let Some(&admin) = self.config.accounts.admins.first() {
            if admin < self.accounts && self.rng.below(1000) < 3 {
                let nonce = self.fresh_nonce(admin);
                if self.rng.chance(30) {
                    let book = self.rng.below(self.config.instruments.len() as u64) as usize;
                    let cost = self.rng.below(9) as u32;
                    let instrument = self.config.instruments[book].id;
                    return OrderMessage::admin_lot_cost(admin, nonce, instrument, cost);
                }
                let target = self.rng.below(u64::from(self.accounts.min(16))) as u32;
                if self.rng.chance(30) {
                    // Collateral in or out, or into or out of an isolated position, for the
                    // margin engine (echoed, no sequencer state).
                    let amount_e6 = self.rng.next_u64() as i64 >> self.rng.below(40);
                    if self.rng.chance(50) {
                        let book = self.rng.below(self.config.instruments.len() as u64) as usize;
                        let instrument = self.config.instruments[book].id;
                        return OrderMessage::admin_isolate(
                            admin, nonce, target, instrument, amount_e6,
                        );
                    }
                    return OrderMessage::admin_transfer(admin, nonce, target, amount_e6);
                }
                let credit = if self.rng.chance(25) {
                    abi::CREDIT_UNLIMITED
                } else {
                    self.rng.below(3_000) as u32
                };
                let as_of = self.shadow.credit(target).used;
                return OrderMessage::admin_credit(admin, nonce, target, credit, as_of);
            }
        }
        let roll = self.rng.below(100);
        let pool_pressure =
            self.live.ids.len() * 4 > self.config.venue.orders_resting_max as usize * 3;
        if (roll < self.spec.cancel_percent || pool_pressure) && !self.live.ids.is_empty() {
            let pick = self.rng.below(self.live.ids.len() as u64) as usize;
            let (id, account, instrument) = self.live.ids[pick];
            let nonce = self.fresh_nonce(account);
            return OrderMessage::cancel(account, nonce, instrument, id, nonce);
        }
        let book = self.rng.below(self.config.instruments.len() as u64) as usize;
        self.drift(book);
        let account = self.rng.below(u64::from(self.accounts)) as u32;
        let side = if self.rng.chance(50) {
            Side::Buy
        } else {
            Side::Sell
        };
        let mid = self.mids[book];
        let passive = roll < self.spec.cancel_percent + self.spec.add_percent;
        let (price, qty, tif) = if passive {
            // Near the touch: most within a few ticks, a tail further out.
            let depth = if self.rng.chance(80) {
                self.rng.below(8)
            } else {
                self.rng.below(60)
            } as u32;
            let price = match side {
                Side::Buy => mid - 1 - depth,
                Side::Sell => mid + 1 + depth,
            };
            let tif = if self.rng.chance(10) {
                TimeInForce::PostOnly
            } else {
                TimeInForce::Gtc
            };
            (price, 1 + self.rng.below(20) as u32, tif)
        } else {
            // Aggressive: through the touch by a few ticks, sometimes sweeping.
            let through = self.rng.below(6) as u32;
            let price = match side {
                Side::Buy => mid + through,
                Side::Sell => mid - through,
            };
            let tif = match self.rng.below(10) {
                0..=4 => TimeInForce::Ioc,
                5 => TimeInForce::Fok,
                _ => TimeInForce::Gtc,
            };
            (price, 1 + self.rng.below(40) as u32, tif)
        };
        let stp = match self.rng.below(20) {
            0 => StpMode::None,
            1 => StpMode::CancelOldest,
            2 => StpMode::CancelBoth,
            _ => StpMode::Default,
        };
        let instrument = self.config.instruments[book].id;
        let nonce = self.fresh_nonce(account);
        OrderMessage::new_order(
            account, nonce, instrument, side, price, qty, tif, stp, nonce,
        )
    }

    /// Random walk of the mid, kept well inside the band.
    fn drift(&mut self, book: usize) {
        if !self.rng.chance(5) {
            return;
        }
        let instrument = &self.config.instruments[book];
        let margin = instrument.band_ticks / 4;
        let low = instrument.price_min_ticks() + margin;
        let high = instrument.price_max_ticks() - margin;
        let mid = &mut self.mids[book];
        *mid = if self.rng.chance(50) {
            (*mid + 1).min(high)
        } else {
            (*mid - 1).max(low)
        };
    }

    /// Turn `message` into a faulty one; returns whether its signature should still verify.
    fn inject_fault(&mut self, message: &mut OrderMessage) -> bool {
        match self.rng.below(7) {
            0 | 1 => return false, // the signature is corrupted after signing
            2 => message.nonce = self.previous_nonces[message.account as usize], // replayed
            3 => message.nonce = self.previous_nonces[message.account as usize].saturating_sub(2),
            4 => message.price_ticks = if self.rng.chance(50) { 1 } else { u32::MAX / 2 },
            5 => message.instrument ^= 0xfff0, // unknown (or, for an admin message, malformed)
            _ => {
                // Another account: for a cancel, not the owner.
                message.account = (message.account + 1) % self.accounts;
                message.nonce = self.fresh_nonce(message.account);
            }
        }
        true
    }

    /// Feed the message to the shadow sequencer and track which orders are live.
    fn observe(&mut self, stimulus: &Stimulus, signature_ok: bool) {
        let input = Input {
            arrival_ns: stimulus.arrival_ns,
            message: stimulus.message,
            signature_ok,
        };
        for event in self.shadow.handle(&input) {
            let id = OrderId(event.order_id);
            match event.kind {
                EventKind::Accepted => self.live.insert(id, event.account, event.instrument),
                EventKind::Fill => {
                    if event.maker_remaining_lots == 0 {
                        self.live.remove(OrderId(event.maker_order_id));
                    }
                    if event.remaining_lots == 0 {
                        self.live.remove(id);
                    }
                }
                EventKind::Cancelled | EventKind::Expired => self.live.remove(id),
                EventKind::Rejected | EventKind::Oracle | EventKind::Admin => {}
            }
        }
    }
}
