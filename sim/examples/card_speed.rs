//! Scratch A/B: demo flow through the rust-hdl card, best of N runs.
use std::time::Instant;

use host::config::VenueConfig;
use host::workload::{generate, Spec};

fn main() {
    let messages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3000);
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let config = VenueConfig::embedded();
    let w = generate(
        &config,
        Spec {
            sign: false,
            ..Spec::demo(7, messages)
        },
        &|_| {},
    );
    let card = sim::card::CardConfig {
        known_accounts: host::keys::account_table(&config)
            .iter()
            .map(Option::is_some)
            .collect(),
        instruments: config
            .instruments
            .iter()
            .map(|i| sim::card::CardInstrument {
                id: i.id,
                price_min_ticks: i.price_min_ticks(),
                price_max_ticks: i.price_max_ticks(),
                qty_lots_max: i.qty_lots_max,
            })
            .collect(),
        default_stp: config.venue.default_stp.mode() as u8,
    };
    let msgs: Vec<sim::card::CardMessage> = w
        .stimuli
        .iter()
        .zip(&w.signature_ok)
        .map(|(s, &ok)| sim::card::CardMessage {
            arrival_ns: s.arrival_ns,
            bytes: s.message.encode(),
            signature_ok: ok,
        })
        .collect();
    let mut best = 0f64;
    let mut digest = 0u64;
    for _ in 0..runs {
        let t = Instant::now();
        let out = sim::card::run_rust_hdl(&card, &msgs, sim::card::Pacing::Saturated).unwrap();
        let rate = out.cycles as f64 / t.elapsed().as_secs_f64();
        best = best.max(rate);
        digest = out.events.iter().fold(0xcbf29ce484222325u64, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        });
        eprintln!("{} cycles {:.0} cycles/s", out.cycles, rate);
    }
    println!("best {:.0} cycles/s digest {:016x}", best, digest);
}
