//! The software path end to end: verify signatures on all cores, then sequence and match on
//! one core, tallying (and optionally keeping) the event stream.

use std::time::Instant;

use abi::Event;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::config::VenueConfig;
use crate::engine::{Input, LadderBook, Sequencer};
use crate::input::{append_event, events_file_header};
use crate::sigverify::Verifier;
use crate::summary::{Summary, Tally};
use crate::workload::Stimulus;

/// Which implementation sequences and matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// The software path (the reference).
    Software,
    /// The card's rust-hdl simulation (needs the `hardware` feature).
    RustHdl,
    /// The card's Verilator build (needs the `hardware` feature and verilator).
    Verilator,
}

/// How to run the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Sequencing and matching engine. Signatures are verified in software for every
    /// engine (the card's signature engines are not built yet; it takes the verdicts).
    pub engine: Engine,
    /// Verify signatures (false: trusted input, every signature counts as valid).
    pub verify: bool,
    /// Threads for signature verification.
    pub threads: usize,
    /// Keep the framed event file bytes in the report.
    pub keep_events: bool,
    /// Draw progress bars on stderr.
    pub progress: bool,
}

/// Wall-clock figures of one run (measurements, never inputs to the state machine).
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub verify_seconds: f64,
    pub verify_threads: usize,
    pub verifies_per_second: f64,
    pub engine_seconds: f64,
    pub engine_messages_per_second: f64,
    pub total_seconds: f64,
    pub messages_per_second: f64,
}

pub struct Report {
    pub messages: u64,
    pub summary: Summary,
    /// Resting orders after the run (software engine only; the card does not export its
    /// book yet).
    pub resting_orders_end: Option<u64>,
    pub timing: Timing,
    /// The framed events file, when `keep_events`.
    pub events_file: Option<Vec<u8>>,
}

/// A progress bar on stderr (hidden when `show` is false or stderr is not a terminal).
pub fn progress_bar(show: bool, total: u64, label: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(label.to_string());
    bar
}

/// Run `stimuli` through the software path.
pub fn run(
    config: &VenueConfig,
    stimuli: &[Stimulus],
    options: Options,
) -> Result<Report, crate::Error> {
    let total = stimuli.len() as u64;
    let started = Instant::now();
    let messages: Vec<_> = stimuli.iter().map(|s| s.message).collect();
    let verdicts = if options.verify {
        let bar = progress_bar(options.progress, total, "verify");
        let verifier = Verifier::for_venue(config);
        let verdicts = verifier.verify_parallel(&messages, options.threads, &|done| {
            bar.set_position(done as u64)
        });
        bar.finish_and_clear();
        verdicts
    } else {
        vec![true; messages.len()]
    };
    let verify_seconds = started.elapsed().as_secs_f64();

    let bar = progress_bar(options.progress, total, "match");
    let engine_started = Instant::now();
    let mut tally = Tally::default();
    let mut file = options.keep_events.then(events_file_header);
    let mut answered = 0u64;
    let mut record = |event: &Event| {
        answered += u64::from(abi::starts_message(event.kind as u8, event.reason as u8));
        tally.add(event);
        if let Some(file) = file.as_mut() {
            append_event(file, event);
        }
    };
    let resting_orders_end = if options.engine == Engine::Software {
        let mut sequencer: Sequencer<LadderBook> = Sequencer::new(config);
        for (index, (stimulus, signature_ok)) in stimuli.iter().zip(verdicts).enumerate() {
            let input = Input {
                arrival_ns: stimulus.arrival_ns,
                message: stimulus.message,
                signature_ok,
            };
            sequencer.handle(&input).iter().for_each(&mut record);
            if index % 65536 == 0 {
                bar.set_position(index as u64);
            }
        }
        use crate::engine::Matcher;
        Some(sequencer.matcher().resting_orders().len() as u64)
    } else {
        crate::hardware::run(options.engine, config, stimuli, &verdicts)?
            .iter()
            .for_each(&mut record);
        None
    };
    bar.finish_and_clear();
    // Every message is answered (abi §6): a stream that answers fewer lost events.
    if answered != total {
        return Err(crate::Error::Engine {
            engine: crate::hardware::engine_name(options.engine),
            message: format!(
                "{total} messages given, the event stream answers {answered} (abi §6 message \
                 boundaries): events were lost"
            ),
        });
    }
    let engine_seconds = engine_started.elapsed().as_secs_f64();
    let total_seconds = started.elapsed().as_secs_f64();
    let rate = |seconds: f64| {
        if seconds > 0.0 {
            total as f64 / seconds
        } else {
            0.0
        }
    };
    Ok(Report {
        messages: total,
        summary: tally.finish(),
        resting_orders_end,
        timing: Timing {
            verify_seconds,
            verify_threads: if options.verify { options.threads } else { 0 },
            verifies_per_second: if options.verify {
                rate(verify_seconds)
            } else {
                0.0
            },
            engine_seconds,
            engine_messages_per_second: rate(engine_seconds),
            total_seconds,
            messages_per_second: rate(total_seconds),
        },
        events_file: file,
    })
}
