//! Proves the memory `ordo` states for a venue's capacities (`VenueConfig::memory`,
//! `MarginNode::memory`; `ordo config --check` prints them, and commands refuse a venue that
//! needs more than is available) is what the code allocates: a global allocator counts the
//! live bytes while the structures are built and filled.
//!
//! This file is a plain program (`harness = false` in Cargo.toml), not a libtest binary, on
//! purpose: the counter is process-wide, and libtest's own threads (and any second test)
//! would allocate and free into it while the measurement runs — seen once as a failure
//! under load.

// A global allocator cannot be written without `unsafe`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use abi::{Event, EventKind, OrderId};
use host::book_replay::{BookReplay, LEVEL_BYTES_MAX, LIVE_ORDER_BYTES_MAX};
use host::config::{VenueConfig, DEFAULT_CONFIG_TOML};
use host::engine::{LadderBook, Sequencer};
use host::keys::account_table;
use host::margin::config::MarginConfig;
use host::margin::node::MarginNode;
use host::rng::SplitMix64;

/// Bytes allocated and not yet freed.
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every method forwards its arguments unchanged to the system allocator, which
// upholds the GlobalAlloc contract; the counter has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_bytes() -> u64 {
    LIVE_BYTES.load(Ordering::Relaxed) as u64
}

/// `stated` covers `measured` and exceeds it by at most `slack` (a fraction).
fn covers(what: &str, stated: u64, measured: u64, slack: f64) {
    assert!(
        stated >= measured && stated as f64 <= measured as f64 * (1.0 + slack),
        "{what}: stated {stated} bytes, measured {measured}"
    );
}

fn main() {
    stated_memory_is_what_construction_and_live_orders_allocate();
    println!("memory: stated_memory_is_what_construction_and_live_orders_allocate ... ok");
}

fn stated_memory_is_what_construction_and_live_orders_allocate() {
    // Large capacities, so the per-slot and per-account figures dominate what is measured.
    let text = DEFAULT_CONFIG_TOML
        .replacen(
            "orders_resting_max = 16384",
            "orders_resting_max = 300000",
            1,
        )
        .replacen("accounts_max = 1024", "accounts_max = 200000", 1);
    let config = VenueConfig::parse(&text, "test").unwrap();
    let margin = MarginConfig::embedded();

    // The software path: the sequencer with its books, and the verifier's account table.
    let before = live_bytes();
    let sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let table = account_table(&config);
    let software = live_bytes() - before;
    // Exact up to other code's small allocations (none today).
    covers(
        "software path",
        config.memory().total_bytes,
        software,
        0.001,
    );
    drop((sequencer, table));

    // A margin node at start: its accounts and id tables (the stated accounts figure also
    // holds the demo scenario's nonce, 8 of 140 bytes an account).
    let stated = MarginNode::memory(&config);
    let before = live_bytes();
    let node = MarginNode::new(&config, &margin).unwrap();
    let start = live_bytes() - before;
    let level_bound: u64 = config
        .instruments
        .iter()
        .map(|i| 2 * u64::from(i.levels()) * LEVEL_BYTES_MAX)
        .sum();
    covers(
        "margin node at start",
        stated.accounts_bytes + stated.tables_bytes - level_bound,
        start,
        0.08,
    );
    drop(node);

    // The follower's rebuilt books as orders come and go (accepted at random prices on every
    // book, two in three then removed in random order: the B-tree's nodes at their emptiest).
    let mut replay = BookReplay::default();
    let mut rng = SplitMix64::new(5);
    let orders = 200_000u32;
    let mut live = Vec::with_capacity(orders as usize);
    let before = live_bytes();
    let mut worst_bytes_per_order = 0.0f64;
    for slot in 0..orders {
        let instrument = &config.instruments[rng.below(config.instruments.len() as u64) as usize];
        let price = instrument.price_min_ticks() + rng.below(u64::from(instrument.levels())) as u32;
        let e = Event {
            seq: u64::from(slot) + 1,
            instrument: instrument.id,
            side: rng.below(2) as u8,
            price_ticks: price,
            order_id: OrderId::new(slot, 1 + rng.below(1000) as u32).0,
            qty_lots: 1,
            account: 1,
            ..Event::blank(EventKind::Accepted)
        };
        replay.apply(&e).unwrap();
        live.push(e);
    }
    let grown = live_bytes() - before;
    covers(
        "rebuilt books, full",
        u64::from(orders) * LIVE_ORDER_BYTES_MAX + level_bound,
        grown,
        3.0,
    );
    for removed in 0..(2 * orders / 3) {
        let at = rng.below(live.len() as u64) as usize;
        let e = live.swap_remove(at);
        let cancel = Event {
            seq: u64::from(orders + removed) + 1,
            ..Event {
                kind: EventKind::Cancelled,
                ..e
            }
        };
        replay.apply(&cancel).unwrap();
        let now = (live_bytes() - before) as f64 / live.len() as f64;
        worst_bytes_per_order = worst_bytes_per_order.max(now);
    }
    let left = live_bytes() - before;
    assert!(
        left <= live.len() as u64 * LIVE_ORDER_BYTES_MAX + level_bound,
        "rebuilt books after removals: {left} bytes for {} orders",
        live.len()
    );
    println!(
        "software path {software} bytes; margin node at start {start}; rebuilt books {grown} \
         bytes for {orders} orders, {left} for {} after removals (worst {worst_bytes_per_order:.0} \
         a live order, levels included)",
        live.len()
    );
}
