//! Proves the matching hot path allocates nothing after start-up: a counting global allocator
//! observes a full demo-mix run (adds, cancels, sweeps, STP, faults) through
//! `Sequencer<LadderBook>::handle` and must see zero allocations.
//!
//! This file holds a single test on purpose: the counter is process-wide, and a second test
//! running in parallel would allocate into it.

// A global allocator cannot be written without `unsafe`; it only forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::workload::{generate, Spec};

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every method forwards its arguments unchanged to the system allocator, which
// upholds the GlobalAlloc contract; the counter has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn handle_does_not_allocate() {
    let config = VenueConfig::embedded();
    let workload = generate(
        &config,
        Spec {
            sign: false,
            ..Spec::demo(3, 60_000)
        },
        &|_| {},
    );
    let inputs: Vec<Input> = workload
        .stimuli
        .iter()
        .zip(&workload.signature_ok)
        .map(|(s, &ok)| Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        })
        .collect();
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let mut events = 0usize;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for input in &inputs {
        events += sequencer.handle(input).len();
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert!(events > inputs.len(), "the run must do real work");
    assert_eq!(
        after - before,
        0,
        "allocations during {} messages",
        inputs.len()
    );
}
