//! The card's simulated implementations as engines of the `ordo` command (rust-hdl and
//! Verilator, from the `sim` crate). Built only with the `hardware` feature, so the
//! software path — the README's first command — does not compile rust-hdl.

use abi::Event;

use crate::config::VenueConfig;
use crate::pipeline::Engine;
use crate::workload::Stimulus;
use crate::Error;

/// Run `stimuli` (with their signature verdicts) through `engine`; returns the events.
#[cfg(feature = "hardware")]
pub fn run(
    engine: Engine,
    config: &VenueConfig,
    stimuli: &[Stimulus],
    verdicts: &[bool],
) -> Result<Vec<Event>, Error> {
    use sim::card::{run_rust_hdl, run_verilator, CardConfig, CardInstrument, CardMessage};
    let card_config = CardConfig {
        known_accounts: crate::keys::account_table(config)
            .iter()
            .map(Option::is_some)
            .collect(),
        instruments: config
            .instruments
            .iter()
            .map(|i| CardInstrument {
                id: i.id,
                price_min_ticks: i.price_min_ticks(),
                price_max_ticks: i.price_max_ticks(),
                qty_lots_max: i.qty_lots_max,
            })
            .collect(),
        default_stp: config.venue.default_stp.mode() as u8,
    };
    let messages: Vec<CardMessage> = stimuli
        .iter()
        .zip(verdicts)
        .map(|(s, &ok)| CardMessage {
            arrival_ns: s.arrival_ns,
            bytes: s.message.encode(),
            signature_ok: ok,
        })
        .collect();
    let output = match engine {
        Engine::RustHdl => run_rust_hdl(&card_config, &messages),
        Engine::Verilator => run_verilator(&card_config, &messages),
        Engine::Software => unreachable!("the software engine does not go through the card"),
    }
    .map_err(|e| Error::Engine {
        engine: engine_name(engine),
        message: e.to_string(),
    })?;
    output
        .events
        .chunks(abi::EVENT_BYTES)
        .map(|record| {
            Event::decode(record).map_err(|e| Error::Engine {
                engine: engine_name(engine),
                message: format!("bad event record: {e}"),
            })
        })
        .collect()
}

/// Without the `hardware` feature: a clear error naming the way to get the engines.
#[cfg(not(feature = "hardware"))]
pub fn run(
    engine: Engine,
    _config: &VenueConfig,
    _stimuli: &[Stimulus],
    _verdicts: &[bool],
) -> Result<Vec<Event>, Error> {
    Err(Error::Engine {
        engine: engine_name(engine),
        message: "this ordo was built without the hardware engines; build it with \
                  `cargo run --release -p host --features hardware -- ...`"
            .to_string(),
    })
}

pub fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Software => "software",
        Engine::RustHdl => "rust-hdl",
        Engine::Verilator => "verilator",
    }
}
