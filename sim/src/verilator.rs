//! Verilator builds of generated Verilog, driven with per-cycle vectors.
//!
//! [`Verilated::build`] writes the Verilog and a small C++ driver into a cache directory keyed
//! by the Verilog's hash, lints it (`verilator --lint-only -Wall`, with the waivers below),
//! and builds it (`-O3`). [`Verilated::run`] feeds one vector of input port values per cycle
//! (little-endian u64 each, in the order of the input port list) and returns one vector of
//! output port values per cycle, sampled like [`crate::harness::Harness`]: inputs set,
//! combinational logic evaluated, outputs sampled, then a rising and a falling clock edge.
//! Ports wider than 64 bits are not supported by this driver (split them).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{build_root, tool_available, Error};

/// Lint warnings the generated Verilog raises by construction, each with why it is waived.
/// Any other warning kind fails the build.
pub const LINT_WAIVERS: &[(&str, &str)] = &[
    // Add a kind only when a block's generated Verilog raises it, with the reason.
    (
        "DECLFILENAME",
        "rust-hdl writes every module of a design into one file, top.v",
    ),
    (
        "WIDTH",
        "rust-hdl writes 32-bit literals and relies on Verilog's implicit extension and \
         truncation; the per-cycle Verilator/rust-hdl diff is what proves the widths behave",
    ),
    (
        "UNUSEDPARAM",
        "rust-hdl declares every state of a LogicState enum in each module that carries it",
    ),
    (
        "UNOPTFLAT",
        "a parent's single always @(*) block drives a sub-block's input and reads its output; \
         acyclic per bit, it only costs Verilator some speed",
    ),
];

/// One port of the top module.
#[derive(Debug, Clone, Copy)]
pub struct Port {
    pub name: &'static str,
    pub bits: u32,
}

/// A Verilator-built model of one top module.
pub struct Verilated {
    binary: PathBuf,
    inputs: Vec<Port>,
    outputs: Vec<Port>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

fn run_tool(tool: &'static str, command: &mut Command) -> Result<String, Error> {
    let output = command.output().map_err(|_| Error::ToolMissing { tool })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        return Err(Error::ToolFailed {
            tool,
            message: text,
        });
    }
    Ok(text)
}

impl Verilated {
    /// Lint and build `verilog` (top module `top`, clock input `clock`).
    pub fn build(
        name: &str,
        verilog: &str,
        inputs: &[Port],
        outputs: &[Port],
    ) -> Result<Verilated, Error> {
        if !tool_available("verilator") {
            return Err(Error::ToolMissing { tool: "verilator" });
        }
        for port in inputs.iter().chain(outputs) {
            assert!(
                port.bits >= 1 && port.bits <= 64,
                "port {} is {} bits",
                port.name,
                port.bits
            );
        }
        let cpp = driver_source(inputs, outputs);
        let binary = compile(name, verilog, &cpp)?;
        Ok(Verilated {
            binary,
            inputs: inputs.to_vec(),
            outputs: outputs.to_vec(),
        })
    }

    /// Run one cycle per input vector; returns one output vector per cycle.
    pub fn run(&self, cycles: &[Vec<u64>]) -> Result<Vec<Vec<u64>>, Error> {
        let mut bytes = Vec::with_capacity(cycles.len() * self.inputs.len() * 8);
        for (cycle, vector) in cycles.iter().enumerate() {
            if vector.len() != self.inputs.len() {
                return Err(Error::Vector {
                    cycle,
                    got: vector.len(),
                    expected: self.inputs.len(),
                });
            }
            vector
                .iter()
                .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        }
        let raw = run_binary(&self.binary, &bytes)?.0;
        let width = self.outputs.len() * 8;
        assert_eq!(
            raw.len(),
            cycles.len() * width,
            "the model wrote one vector per cycle"
        );
        Ok(raw
            .chunks(width)
            .map(|c| {
                c.chunks(8)
                    .map(|b| u64::from_le_bytes(b.try_into().unwrap()))
                    .collect()
            })
            .collect())
    }
}

/// Verilator's own optimisations at their highest, and the model's C++ compiled with `-O2`:
/// Verilator's makefile compiles the model with `OPT_FAST` (`-Os` by default), placed after
/// the user's `-CFLAGS`, so the optimisation level is set there.
const BUILD_FLAGS: &[&str] = &[
    "-O3",
    "-Wno-fatal",
    "-Wno-lint",
    "-Wno-style",
    "-MAKEFLAGS",
    "OPT_FAST=-O2",
];

/// Lint and build `verilog` (top module `top`) with the C++ driver `cpp`, cached by hash;
/// returns the binary.
fn compile(name: &str, verilog: &str, cpp: &str) -> Result<PathBuf, Error> {
    compile_top(name, verilog, "top", cpp)
}

/// [`compile`] with the top module `top_module`; the model's class is `Vtop` whatever its name.
fn compile_top(name: &str, verilog: &str, top_module: &str, cpp: &str) -> Result<PathBuf, Error> {
    if !tool_available("verilator") {
        return Err(Error::ToolMissing { tool: "verilator" });
    }
    let mut hasher = DefaultHasher::new();
    (verilog, cpp, top_module, LINT_WAIVERS, BUILD_FLAGS).hash(&mut hasher);
    let dir = build_root().join(format!("{name}-{:016x}", hasher.finish()));
    let binary = dir.join("obj").join("model");
    if binary.exists() {
        return Ok(binary);
    }
    // Threads of one process that need the same model wait for one build (tests run in
    // parallel, and a cold card model is a minute of C++ on a core the others need).
    let lock = build_lock(&dir);
    let _building = lock.lock().unwrap_or_else(|e| e.into_inner());
    if binary.exists() {
        return Ok(binary);
    }
    // Build in a directory of this thread's own, then move it into place: other processes
    // may build the same model, and none may see another's half-built one.
    static BUILDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let staging = build_root().join(format!(
        "{name}-{:016x}.building-{}-{}",
        hasher.finish(),
        std::process::id(),
        BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let top = staging.join("top.v");
    std::fs::write(&top, verilog).map_err(io(&top))?;
    let main = staging.join("main.cpp");
    std::fs::write(&main, cpp).map_err(io(&main))?;
    lint_files(&[top.as_path()], top_module)?;
    run_tool(
        "verilator",
        Command::new("verilator")
            .args(["--cc", "--exe", "--build"])
            .args(BUILD_FLAGS)
            .args(["--top-module", top_module, "--prefix", "Vtop", "-Mdir"])
            .arg(staging.join("obj"))
            .args(["-o", "model"])
            .arg(&top)
            .arg(&main), // absolute: relative paths resolve inside -Mdir
    )?;
    if std::fs::rename(&staging, &dir).is_err() {
        if binary.exists() {
            // Another thread finished the same build first.
            let _ = std::fs::remove_dir_all(&staging);
        } else {
            // A leftover without a model (an interrupted build of an older version).
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::rename(&staging, &dir).map_err(io(&dir))?;
        }
    }
    Ok(binary)
}

/// The lock of one model's build directory, shared by every thread of this process.
fn build_lock(dir: &Path) -> std::sync::Arc<std::sync::Mutex<()>> {
    static LOCKS: std::sync::Mutex<
        Option<std::collections::HashMap<PathBuf, std::sync::Arc<std::sync::Mutex<()>>>>,
    > = std::sync::Mutex::new(None);
    let mut locks = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
    locks
        .get_or_insert_with(Default::default)
        .entry(dir.to_path_buf())
        .or_default()
        .clone()
}

/// Run `binary IN OUT` on `input`; returns OUT's bytes and what the binary printed.
fn run_binary(binary: &Path, input: &[u8]) -> Result<(Vec<u8>, String), Error> {
    let dir = binary.parent().expect("binary has a directory");
    let unique = format!("{}-{:?}", std::process::id(), std::thread::current().id());
    let input_path = dir.join(format!("in-{unique}.bin"));
    let output_path = dir.join(format!("out-{unique}.bin"));
    std::fs::write(&input_path, input).map_err(io(&input_path))?;
    let result = run_tool(
        "verilated model",
        Command::new(binary).arg(&input_path).arg(&output_path),
    );
    let _ = std::fs::remove_file(&input_path);
    let printed = result?;
    let raw = std::fs::read(&output_path).map_err(io(&output_path))?;
    let _ = std::fs::remove_file(&output_path);
    Ok((raw, printed))
}

/// A Verilator build with a block-specific C++ driver that runs a protocol on its own
/// (closed loop: it honours the block's ready signals), so long runs need no per-cycle
/// round trip through Rust.
#[derive(Clone)]
pub struct VerilatedDriver {
    binary: PathBuf,
}

impl VerilatedDriver {
    pub fn build(name: &str, verilog: &str, cpp: &str) -> Result<VerilatedDriver, Error> {
        Ok(VerilatedDriver {
            binary: compile(name, verilog, cpp)?,
        })
    }

    /// The driver's executable (`model IN OUT`, or a protocol of its own on stdin/stdout).
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// [`VerilatedDriver::build`] with the top module `top_module` (the C++ still sees `Vtop`).
    pub fn build_top(
        name: &str,
        verilog: &str,
        top_module: &str,
        cpp: &str,
    ) -> Result<VerilatedDriver, Error> {
        Ok(VerilatedDriver {
            binary: compile_top(name, verilog, top_module, cpp)?,
        })
    }

    /// Run the driver on `input`; returns its output file and what it printed.
    pub fn run(&self, input: &[u8]) -> Result<(Vec<u8>, String), Error> {
        run_binary(&self.binary, input)
    }
}

/// `verilator --lint-only -Wall`, failing on any warning kind not in [`LINT_WAIVERS`].
pub fn lint(top: &Path) -> Result<(), Error> {
    lint_files(&[top], "top")
}

/// [`lint`] of a design spread over `files`, with top module `top_module`.
pub fn lint_files(files: &[&Path], top_module: &str) -> Result<(), Error> {
    let output = Command::new("verilator")
        .args(["--lint-only", "-Wall", "--top-module", top_module])
        .args(files)
        .output()
        .map_err(|_| Error::ToolMissing { tool: "verilator" })?;
    let text = String::from_utf8_lossy(&output.stderr);
    let unwaived: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("%Warning-") || line.starts_with("%Error"))
        // The closing summary ("Exiting due to N warning(s)") is not a finding of its own.
        .filter(|line| !line.starts_with("%Error: Exiting due to"))
        .filter(|line| {
            let kind = line
                .trim_start_matches("%Warning-")
                .split(':')
                .next()
                .unwrap_or("");
            !LINT_WAIVERS.iter().any(|(waived, _)| *waived == kind)
        })
        .collect();
    if !unwaived.is_empty() {
        return Err(Error::ToolFailed {
            tool: "verilator --lint-only",
            message: unwaived.join("\n"),
        });
    }
    Ok(())
}

fn driver_source(inputs: &[Port], outputs: &[Port]) -> String {
    let set: String = inputs
        .iter()
        .enumerate()
        .map(|(i, p)| format!("        top->{} = in[{i}];\n", p.name))
        .collect();
    let get: String = outputs
        .iter()
        .enumerate()
        .map(|(i, p)| format!("        out[{i}] = (uint64_t)top->{};\n", p.name))
        .collect();
    format!(
        r#"// Generated by ordo sim::verilator: per-cycle vectors in, per-cycle vectors out.
#include "Vtop.h"
#include "verilated.h"
#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {{
    if (argc != 3) {{ std::fprintf(stderr, "usage: model IN OUT\n"); return 2; }}
    Verilated::commandArgs(1, argv);
    Vtop* top = new Vtop;
    std::FILE* fin = std::fopen(argv[1], "rb");
    std::FILE* fout = std::fopen(argv[2], "wb");
    if (!fin || !fout) {{ std::perror("open"); return 2; }}
    uint64_t in[{n_in}];
    uint64_t out[{n_out}];
    top->clock = 0;
    top->eval();
    while (std::fread(in, sizeof(uint64_t), {n_in}, fin) == {n_in}) {{
{set}        top->eval();
{get}        std::fwrite(out, sizeof(uint64_t), {n_out}, fout);
        top->clock = 1;
        top->eval();
        top->clock = 0;
        top->eval();
    }}
    top->final();
    delete top;
    std::fclose(fin);
    return std::fclose(fout) == 0 ? 0 : 1;
}}
"#,
        n_in = inputs.len(),
        n_out = outputs.len(),
    )
}

/// A cycle on which the Verilator build and the rust-hdl simulation disagree.
#[derive(Debug, PartialEq, Eq)]
pub struct Difference {
    pub cycle: usize,
    pub verilator: Vec<u64>,
    pub rust_hdl: Vec<u64>,
}

/// Build `verilog`, replay the per-cycle `inputs` recorded from a rust-hdl run, and return
/// the first cycle whose outputs differ from the recorded `outputs` (None: identical on
/// every cycle).
pub fn first_difference(
    name: &str,
    verilog: &str,
    input_ports: &[Port],
    output_ports: &[Port],
    inputs: &[Vec<u64>],
    outputs: &[Vec<u64>],
) -> Result<Option<Difference>, Error> {
    assert_eq!(
        inputs.len(),
        outputs.len(),
        "one output vector per input vector"
    );
    let model = Verilated::build(name, verilog, input_ports, output_ports)?;
    let got = model.run(inputs)?;
    Ok(got
        .into_iter()
        .zip(outputs)
        .enumerate()
        .find(|(_, (v, r))| v != *r)
        .map(|(cycle, (verilator, rust_hdl))| Difference {
            cycle,
            verilator,
            rust_hdl: rust_hdl.clone(),
        }))
}
