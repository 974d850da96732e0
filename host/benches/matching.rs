//! Criterion benches of the matching core: ladder books vs the BTreeMap baseline on the demo
//! flow and the add/cancel-heavy flow. Throughput is reported per message.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use host::config::VenueConfig;
use host::engine::{BTreeBook, Input, LadderBook, Matcher, Sequencer};
use host::workload::{generate, Spec};

const MESSAGES: usize = 100_000;

fn flow_inputs(config: &VenueConfig, spec: Spec) -> Vec<Input> {
    let w = generate(config, spec, &|_| {});
    w.stimuli
        .iter()
        .zip(&w.signature_ok)
        .map(|(s, &ok)| Input {
            arrival_ns: s.arrival_ns,
            message: s.message,
            signature_ok: ok,
        })
        .collect()
}

fn run<M: Matcher>(config: &VenueConfig, inputs: &[Input]) -> usize {
    let mut sequencer: Sequencer<M> = Sequencer::new(config);
    inputs.iter().map(|i| sequencer.handle(i).len()).sum()
}

fn matching(c: &mut Criterion) {
    let config = VenueConfig::embedded();
    for (name, spec) in [
        (
            "demo",
            Spec {
                sign: false,
                ..Spec::demo(1, MESSAGES)
            },
        ),
        ("add_cancel", Spec::add_cancel(1, MESSAGES)),
    ] {
        let inputs = flow_inputs(&config, spec);
        let mut group = c.benchmark_group(format!("matching/{name}"));
        group.throughput(Throughput::Elements(inputs.len() as u64));
        group.sample_size(10);
        group.bench_function("ladder", |b| {
            b.iter_batched(
                || (),
                |_| run::<LadderBook>(&config, &inputs),
                BatchSize::PerIteration,
            )
        });
        group.bench_function("btree", |b| {
            b.iter_batched(
                || (),
                |_| run::<BTreeBook>(&config, &inputs),
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, matching);
criterion_main!(benches);
