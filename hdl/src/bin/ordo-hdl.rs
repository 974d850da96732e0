//! `ordo-hdl`: writes the Verilog of the card's blocks.
//!
//! `cargo run -p hdl --bin ordo-hdl -- verilog stamper [--out FILE]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "ordo-hdl", about = "Verilog of the ordo card's blocks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a block's Verilog (top module `top`) to stdout or a file.
    Verilog {
        block: BlockName,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum BlockName {
    /// Ingress stamper (hdl::stamper).
    Stamper,
    /// Best-level finder of one book side (hdl::priority_bitmap).
    PriorityBitmap,
    /// Order-id allocator (hdl::order_pool).
    OrderPool,
    /// Sequencer checks before matching (hdl::validator).
    Validator,
    /// Order-entry words to fields (hdl::deserializer).
    Deserializer,
    /// Per-level FIFOs of resting orders (hdl::level_queues).
    LevelQueues,
    /// Sequence numbers and event records out (hdl::event_serializer).
    EventSerializer,
    /// Arrival-order release of signature verdicts (hdl::reorder).
    Reorder,
    /// The matching core (hdl::matcher).
    Matcher,
    /// The card top: order words in, event records out (hdl::card).
    Card,
    /// Host-link records to the card's input (hdl::link_deframer).
    LinkDeframer,
    /// The card's output to host-link records (hdl::link_framer).
    LinkFramer,
    /// The card behind the serial host link (hdl::board_link).
    BoardLink,
}

fn main() -> ExitCode {
    let Command::Verilog { block, out } = Cli::parse().command;
    let verilog = match block {
        BlockName::Stamper => hdl::stamper::verilog(),
        BlockName::PriorityBitmap => hdl::priority_bitmap::verilog(),
        BlockName::OrderPool => hdl::order_pool::verilog(),
        BlockName::Validator => hdl::validator::verilog(),
        BlockName::Deserializer => hdl::deserializer::verilog(),
        BlockName::LevelQueues => hdl::level_queues::verilog(),
        BlockName::EventSerializer => hdl::event_serializer::verilog(),
        BlockName::Reorder => hdl::reorder::verilog(),
        BlockName::Matcher => hdl::matcher::verilog(),
        BlockName::Card => hdl::card::verilog(),
        BlockName::LinkDeframer => hdl::link_deframer::verilog(),
        BlockName::LinkFramer => hdl::link_framer::verilog(),
        BlockName::BoardLink => hdl::board_link::verilog(),
    };
    match out {
        None => {
            print!("{verilog}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(&path, verilog) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ordo-hdl: error: {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
    }
}
