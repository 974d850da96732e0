//! The Alveo U200 PCIe flow (`bitstreams/u200/`, `sim::xdma`) checked without Vivado: every
//! file the build script names exists, the generated Verilog passes Verilator lint with the
//! Xilinx parts as lint-only port models, the script and its XDC files run under `tclsh` with
//! recording stubs for the Vivado commands, and the wrapper `card_xdma` — the card behind the
//! XDMA's streams and register space, in its own clock — turns host-to-card records into the
//! software path's event stream through Verilator.

mod common;

use abi::regs;
use common::{assert_same_card_stream, demo, software_stream};
use host::config::VenueConfig;
use host::hardware::card_config;
use host::rng::SplitMix64;
use host::workload::Workload;
use sim::xdma::{Bench, Op, StreamBeat};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = sim::build_root().join(format!("xdma-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bitstreams() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../bitstreams/u200")
}

fn design() -> sim::xdma::XdmaDesign {
    sim::xdma::design(&hdl::card::verilog(), sim::xdma::DEFAULT_CARD_CLOCK_MHZ).unwrap()
}

#[test]
fn the_build_script_names_the_generated_files_and_they_pass_lint() {
    // Proves build.tcl reads exactly the Verilog files `ordo fpga vivado` writes (and the two
    // XDC files beside it), that each exists once generated, and that the whole design —
    // card, wrapper, board top, with lint-only models of the Xilinx primitives and of the
    // XDMA IP's ports — passes `verilator --lint-only -Wall` under the project's waivers.
    let gen = scratch("lint");
    let d = design();
    sim::xdma::write(&d, &gen).unwrap();
    let script = std::fs::read_to_string(bitstreams().join("build.tcl")).unwrap();
    let sources_line = script
        .lines()
        .find(|l| l.starts_with("set sources {"))
        .expect("build.tcl lists its sources");
    let named: Vec<&str> = sources_line
        .trim_start_matches("set sources {")
        .trim_end_matches('}')
        .split_whitespace()
        .collect();
    assert_eq!(named, sim::xdma::GENERATED_FILES);
    for name in &named {
        assert!(gen.join(name).exists(), "{name} generated");
    }
    for xdc in ["u200.xdc", "u200_timing.xdc"] {
        assert!(script.contains(&format!("read_xdc [file join $here {xdc}]")));
        assert!(bitstreams().join(xdc).exists(), "{xdc}");
    }
    // The lint-only models never reach Vivado.
    assert!(!script.contains("stub"), "build.tcl names no lint model");
    let stubs = gen.join("xilinx_lint_only.v");
    std::fs::write(&stubs, sim::xdma::LINT_STUBS).unwrap();
    let mut files: Vec<PathBuf> = named.iter().map(|n| gen.join(n)).collect();
    files.push(stubs);
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    sim::verilator::lint_files(&paths, "ordo_u200").expect("the board top lints");
    sim::verilator::lint_files(&paths[..2], "card_xdma").expect("the wrapper lints alone");
}

#[test]
fn the_build_script_runs_under_tclsh_with_stubbed_vivado_commands() {
    // Proves build.tcl and both XDC files are valid Tcl that call only the Vivado commands
    // listed in sim::xdma::VIVADO_COMMANDS (any other command fails the run), in the flow's
    // order, with the part, the IP's configuration, the generated sources and the firmware id.
    let gen = scratch("tcl");
    let d = design();
    sim::xdma::write(&d, &gen).unwrap();
    let calls = sim::xdma::run_tcl_stubbed(&bitstreams().join("build.tcl"), &gen, &gen.join("out"))
        .expect("tclsh");
    let position = |command: &str| {
        calls
            .iter()
            .position(|c| c[0] == command)
            .unwrap_or_else(|| panic!("{command} called"))
    };
    let order = [
        "create_project",
        "create_ip",
        "synth_ip",
        "read_verilog",
        "synth_design",
        "opt_design",
        "place_design",
        "route_design",
        "report_timing_summary",
        "write_bitstream",
        "write_cfgmem",
    ];
    for pair in order.windows(2) {
        assert!(position(pair[0]) < position(pair[1]), "{pair:?} in order");
    }
    let call = |command: &str| calls[position(command)].join(" ");
    assert!(call("create_project").contains(sim::xdma::PART));
    assert!(call("create_ip").contains("-name xdma"));
    assert!(call("synth_design").contains("-top ordo_u200"));
    // Compared as files (Tcl normalizes the `..` of a target directory like `sim/../target`).
    let canonical = |path: &std::path::Path| std::fs::canonicalize(path).expect("file exists");
    let read: Vec<std::path::PathBuf> = calls
        .iter()
        .filter(|c| c[0] == "read_verilog")
        .map(|c| canonical(std::path::Path::new(c.last().unwrap())))
        .collect();
    let expected: Vec<std::path::PathBuf> = sim::xdma::GENERATED_FILES
        .iter()
        .map(|n| canonical(&gen.join(n)))
        .collect();
    assert_eq!(read, expected);
    // The IP as the wrapper expects it: streams of one beat = 32 bytes at 250 MHz, x8 Gen3,
    // a 1 MiB AXI-Lite BAR (abi::regs::BAR_BYTES).
    let ip = calls
        .iter()
        .find(|c| c[0] == "set_property" && c[1] == "-dict" && c[2].contains("xdma_axi_intf_mm"))
        .expect("the IP's configuration")
        .join(" ");
    for setting in [
        "CONFIG.xdma_axi_intf_mm AXI_Stream",
        "CONFIG.axi_data_width 256_bit",
        "CONFIG.axisten_freq 250",
        "CONFIG.pl_link_cap_max_link_width X8",
        "CONFIG.pl_link_cap_max_link_speed 8.0_GT/s",
        "CONFIG.axilite_master_en true",
        "CONFIG.axilite_master_size 1",
        "CONFIG.axilite_master_scale Megabytes",
    ] {
        assert!(ip.contains(setting), "{setting} in {ip}");
    }
    assert_eq!(regs::BAR_BYTES, 1 << 20);
    assert_eq!(regs::STREAM_BEAT_BYTES * 8, 256);
    let userid = calls
        .iter()
        .find(|c| c[0] == "set_property" && c[1] == "BITSTREAM.CONFIG.USERID")
        .expect("USERID set");
    assert_eq!(userid[2], format!("0x{:08x}", d.firmware_id as u32));
    // The XDC files were sourced: the reference clock, the card clock and the crossings.
    assert!(calls
        .iter()
        .any(|c| c[0] == "create_clock" && c.join(" ").contains("pcie_refclk_p")));
    assert!(calls
        .iter()
        .any(|c| c[0] == "create_generated_clock" && c.join(" ").contains("card_mmcm/CLKOUT0")));
    assert_eq!(calls.iter().filter(|c| c[0] == "set_max_delay").count(), 2);
    // A misspelt command is caught.
    let broken = gen.join("broken.tcl");
    std::fs::write(&broken, "create_project -in_memory\nsynth_desing -top x\n").unwrap();
    let err = sim::xdma::run_tcl_stubbed(&broken, &gen, &gen.join("out-broken")).unwrap_err();
    assert!(err.to_string().contains("synth_desing"), "{err}");
}

/// The host-to-card records of `w`, as beats, in writes of 1–8 records (tlast ends each).
fn records(w: &Workload, rng: &mut SplitMix64) -> Vec<StreamBeat> {
    let mut beats = Vec::new();
    let mut left_in_write = 0;
    for (s, &ok) in w.stimuli.iter().zip(&w.signature_ok) {
        if left_in_write == 0 {
            left_in_write = 1 + rng.next_u64() % 8;
        }
        left_in_write -= 1;
        let record = regs::h2c_record(&s.message.encode(), s.arrival_ns, ok);
        let n = record.len() / regs::STREAM_BEAT_BYTES;
        for (i, chunk) in record.chunks(regs::STREAM_BEAT_BYTES).enumerate() {
            beats.push(StreamBeat::from_bytes(
                chunk,
                i == n - 1 && left_in_write == 0,
            ));
        }
    }
    if let Some(last) = beats.last_mut() {
        last.last = true;
    }
    beats
}

/// The ops of a run: identity and capabilities read, the configuration written through the
/// window, the stream, then the status polled until `messages` are answered and all is quiet.
fn ops(config: &VenueConfig, messages: u32) -> Vec<Op> {
    let mut ops: Vec<Op> = regs::REGISTERS
        .iter()
        .map(|r| Op::Read { offset: r.offset })
        .collect();
    for (address, data) in card_config(config).writes().unwrap() {
        ops.push(Op::Write {
            offset: regs::cfg_offset(address as u32),
            data: data as u32,
        });
    }
    ops.push(Op::Poll {
        offset: regs::ST_FLAGS,
        mask: regs::FLAG_CFG_EMPTY,
        expected: regs::FLAG_CFG_EMPTY,
    });
    ops.push(Op::Stream);
    ops.push(Op::Poll {
        offset: regs::ST_ANSWERED,
        mask: u32::MAX,
        expected: messages,
    });
    ops.push(Op::Poll {
        offset: regs::ST_FLAGS,
        mask: regs::FLAGS_QUIET,
        expected: regs::FLAGS_QUIET,
    });
    ops.push(Op::Read {
        offset: regs::ST_TAKEN,
    });
    ops.push(Op::Read {
        offset: regs::ST_H2C_DROPPED,
    });
    ops
}

/// The events of the card-to-host beats, checking the stream's framing: two beats per event,
/// tlast only ever on an event's second beat, and on the very last one.
fn events(c2h: &[StreamBeat]) -> Vec<u8> {
    assert_eq!(c2h.len() % 2, 0, "whole events");
    for (i, b) in c2h.iter().enumerate() {
        assert!(!(b.last && i % 2 == 0), "tlast on a first half (beat {i})");
    }
    assert!(
        c2h.last().is_none_or(|b| b.last),
        "the last event ends a burst"
    );
    c2h.iter().flat_map(|b| b.bytes()).collect()
}

#[test]
fn the_wrapper_turns_host_records_into_the_software_paths_event_stream() {
    // Proves the whole PCIe data path but the IP: through Verilator, with the card at 80 MHz
    // beside a 250 MHz bus clock, an AXI-Lite master reads the register map (every register
    // of abi::regs::REGISTERS: magic, firmware id, capabilities) and writes the venue's
    // configuration through the window; 300 demo messages (faults included) go in as H2C
    // records in writes of 1–8 records with idle bus cycles, events come out as C2H beats
    // under random backpressure, and they are the software path's stream byte for byte; the
    // status then reads every message taken and answered, nothing dropped, all quiet.
    let config = VenueConfig::embedded();
    let w = demo(&config, 51, 300);
    let want = software_stream(&config, &w);
    let mut rng = SplitMix64::new(5);
    let d = design();
    let bench = Bench {
        axi_period_ps: 4_000,
        card_period_ps: 12_500,
        h2c_idle_percent: 20,
        c2h_stall_percent: 30,
        seed: 7,
        ops: ops(&config, w.stimuli.len() as u32),
        beats: records(&w, &mut rng),
    };
    let out = bench.run(&hdl::card::verilog()).expect("verilator");
    assert_same_card_stream(&events(&out.c2h), &want);
    // The register map as the driver reads it.
    let n = regs::REGISTERS.len();
    for (r, &value) in regs::REGISTERS.iter().zip(&out.reads[..n]) {
        let expected = match r.value {
            regs::Value::Constant(v) => v,
            regs::Value::FirmwareIdLo => d.firmware_id as u32,
            regs::Value::FirmwareIdHi => (d.firmware_id >> 32) as u32,
            regs::Value::Capability(c) => sim::xdma::capability(c, d.card_clock_mhz),
            regs::Value::Status(regs::Status::Flags) => regs::FLAGS_QUIET,
            regs::Value::Status(_) => 0,
        };
        assert_eq!(value, expected, "{} before traffic", r.name);
    }
    assert_eq!(out.reads[0], u32::from_le_bytes(*b"ORDO"));
    assert_eq!(out.reads[5], (d.firmware_id >> 32) as u32);
    let tail = &out.reads[n..];
    // Poll cfg empty, poll answered, poll quiet, taken, dropped.
    assert_eq!(tail[1], 300);
    assert_eq!(tail[2] & regs::FLAGS_QUIET, regs::FLAGS_QUIET);
    assert_eq!(tail[3], 300, "taken");
    assert_eq!(tail[4], 0, "nothing dropped");
    println!(
        "card_xdma: {} messages, {} events, {} bus cycles",
        w.stimuli.len(),
        want.len() / 64,
        out.axi_cycles
    );
}

#[test]
fn bad_records_are_dropped_whole_and_counted() {
    // Proves a record with a wrong kind, one with a reserved header byte set, a write that
    // ends inside a record and a beat with missing bytes are each dropped whole (the card sees
    // no part of them) and counted in status.h2c_dropped, that the records after each are
    // taken normally, and that writes outside the window or with partial strobes change
    // nothing: the stream is the software path's over the good messages alone. Each bad
    // record carries the *next* message, so any part of it reaching the card changes the
    // stream (an early message, then its nonce replayed).
    let config = VenueConfig::embedded();
    let w = demo(&config, 52, 40);
    let want = software_stream(&config, &w);
    let mut rng = SplitMix64::new(6);
    let good = records(&w, &mut rng);
    let beats_per_record = regs::H2C_RECORD_BEATS;
    let record = |i: usize| good[i * beats_per_record..(i + 1) * beats_per_record].to_vec();
    let mut beats = Vec::new();
    let end_write = |beats: &mut Vec<StreamBeat>| beats.last_mut().unwrap().last = true;
    for i in 0..w.stimuli.len() {
        match i {
            5 => {
                // A wrong record kind, alone in its write.
                let mut bad = record(i + 1);
                bad[0].data[0] ^= 1;
                bad.iter_mut().for_each(|b| b.last = false);
                beats.extend(bad);
                end_write(&mut beats);
            }
            12 => {
                // A reserved header byte set, followed in the same write by more beats: the
                // rest of the write is dropped with it.
                let mut bad = record(i + 1);
                bad[0].data[3] = 1 << 56;
                bad.iter_mut().for_each(|b| b.last = false);
                beats.extend(bad.clone());
                beats.extend(bad);
                end_write(&mut beats);
            }
            20 => {
                // A write that ends after the header and two message beats.
                let mut cut = record(i + 1)[..3].to_vec();
                cut.iter_mut().for_each(|b| b.last = false);
                beats.extend(cut);
                end_write(&mut beats);
            }
            27 => {
                // The last message beat with bytes missing.
                let mut cut = record(i + 1);
                cut.iter_mut().for_each(|b| b.last = false);
                cut[beats_per_record - 1].keep = 0x0FFF_FFFF;
                cut[beats_per_record - 1].last = true;
                beats.extend(cut);
            }
            _ => {}
        }
        let mut r = record(i);
        r.iter_mut().for_each(|b| b.last = false);
        beats.extend(r);
        if i % 3 == 2 {
            end_write(&mut beats);
        }
    }
    end_write(&mut beats);
    let mut ops = ops(&config, w.stimuli.len() as u32);
    // Stray writes before the stream: outside the window, inside it with partial strobes
    // (a default STP of 0 or an orders_max of 1 would change the stream).
    let at = ops.iter().position(|o| *o == Op::Stream).unwrap();
    ops.splice(
        at..at,
        [
            Op::Write {
                offset: regs::ST_TAKEN,
                data: 77,
            },
            Op::Write {
                offset: regs::cfg_offset(regs::CFG_ORDERS_MAX) + 2,
                data: 1,
            },
            Op::WriteStrobe {
                offset: regs::cfg_offset(regs::CFG_ORDERS_MAX),
                data: 1,
                strobe: 0x1,
            },
            Op::WriteStrobe {
                offset: regs::cfg_offset(regs::CFG_DEFAULT_STP),
                data: 0,
                strobe: 0x7,
            },
        ],
    );
    let bench = Bench {
        axi_period_ps: 4_000,
        card_period_ps: 12_500,
        h2c_idle_percent: 10,
        c2h_stall_percent: 10,
        seed: 8,
        ops,
        beats,
    };
    let out = bench.run(&hdl::card::verilog()).expect("verilator");
    assert_same_card_stream(&events(&out.c2h), &want);
    let tail = &out.reads[regs::REGISTERS.len()..];
    assert_eq!(tail[3], 40, "taken");
    assert_eq!(
        tail[4], 4,
        "dropped: kind, reserved byte, cut write, missing bytes"
    );
}
