//! `ordo-hdl`: writes the Verilog of the card's blocks.
//!
//! `cargo run -p hdl --bin ordo-hdl -- verilog stamper [--out FILE]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        block: hdl::blocks::Block,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let Command::Verilog { block, out } = Cli::parse().command;
    let verilog = block.verilog();
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
