//! Runs only the ladder matcher over the demo flow, for profilers (callgrind, perf):
//! `cargo build --release --example profile_matching` then
//! `valgrind --tool=callgrind target/release/examples/profile_matching 200000 demo`.

use host::config::VenueConfig;
use host::engine::{Input, LadderBook, Sequencer};
use host::workload::{generate, Spec};

fn main() {
    let mut args = std::env::args().skip(1);
    let messages: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let flow = args.next().unwrap_or_else(|| "demo".to_string());
    let config = VenueConfig::embedded();
    let spec = match flow.as_str() {
        "add_cancel" => Spec::add_cancel(1, messages),
        _ => Spec {
            sign: false,
            ..Spec::demo(1, messages)
        },
    };
    let workload = generate(&config, spec, &|_| {});
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
    let started = std::time::Instant::now();
    let events: usize = run(&mut sequencer, &inputs);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{events} events, {:.1} ns/message",
        seconds * 1e9 / inputs.len() as f64
    );
}

#[inline(never)]
fn run(sequencer: &mut Sequencer<LadderBook>, inputs: &[Input]) -> usize {
    inputs.iter().map(|i| sequencer.handle(i).len()).sum()
}
