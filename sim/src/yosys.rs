//! Synthesis checks with yosys: the generated Verilog elaborates without latches, undriven
//! nets or missing modules (rust-hdl's `yosys_validate`), and synthesizes for ECP5
//! (`synth_ecp5`), whose cell counts are returned for the hardware docs.

use std::process::Command;

use crate::{build_root, tool_available, Error};

/// Cell counts of an ECP5 synthesis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Utilization {
    /// 4-input LUTs.
    pub luts: u64,
    /// Flip-flops.
    pub flip_flops: u64,
    /// 18 kbit block RAMs (DP16KD).
    pub block_rams: u64,
    /// Of those, the ones that use their output register (`REGMODE_B = "OUTREG"`).
    pub block_rams_outreg: u64,
    /// 18 × 18 multipliers (MULT18X18D).
    pub multipliers: u64,
    /// Of those, the ones that register both operands (`REG_INPUTA_CLK` and
    /// `REG_INPUTB_CLK` = `"CLK0"`, `hdl::mul16`).
    pub multipliers_input_registered: u64,
}

/// Check that `verilog` (top module `top`) is clean and synthesizes for ECP5.
pub fn check(name: &str, verilog: &str) -> Result<Utilization, Error> {
    check_defined(name, verilog, &[])
}

/// [`check`], synthesizing with the Verilog macros `defines` set (`ORDO_DP16KD`: the
/// ECP5 flow's bodies, `hdl::bram`, `hdl::mul16`). The validation runs without them.
pub fn check_defined(name: &str, verilog: &str, defines: &[&str]) -> Result<Utilization, Error> {
    if !tool_available("yosys") {
        return Err(Error::ToolMissing { tool: "yosys" });
    }
    rust_hdl::core::yosys::yosys_validate(name, verilog).map_err(|e| Error::ToolFailed {
        tool: "yosys (validate)",
        message: format!("{e:?}"),
    })?;
    let dir = build_root().join(format!("yosys-{name}"));
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let top = dir.join("top.v");
    std::fs::write(&top, verilog).map_err(|source| Error::Io {
        path: top.display().to_string(),
        source,
    })?;
    let output = Command::new("yosys")
        .current_dir(&dir)
        .args([
            "-q",
            "-p",
            &format!(
                "read_verilog {} top.v; synth_ecp5 -top top; tee -o stat.txt stat; \
                 tee -o outreg.txt select -list t:DP16KD r:REGMODE_B=OUTREG %i; \
                 tee -o multreg.txt select -list t:MULT18X18D r:REG_INPUTA_CLK=CLK0 %i \
                 r:REG_INPUTB_CLK=CLK0 %i",
                defines
                    .iter()
                    .map(|d| format!("-D{d}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ])
        .output()
        .map_err(|_| Error::ToolMissing { tool: "yosys" })?;
    if !output.status.success() {
        return Err(Error::ToolFailed {
            tool: "yosys synth_ecp5",
            message: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    let stat = std::fs::read_to_string(dir.join("stat.txt")).map_err(|source| Error::Io {
        path: dir.join("stat.txt").display().to_string(),
        source,
    })?;
    let count = |cell: &str| -> u64 {
        stat.lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some(cell))
                    .then(|| words.next()?.parse::<u64>().ok())
                    .flatten()
            })
            .sum()
    };
    let outreg = std::fs::read_to_string(dir.join("outreg.txt")).map_err(|source| Error::Io {
        path: dir.join("outreg.txt").display().to_string(),
        source,
    })?;
    let multreg = std::fs::read_to_string(dir.join("multreg.txt")).map_err(|source| Error::Io {
        path: dir.join("multreg.txt").display().to_string(),
        source,
    })?;
    Ok(Utilization {
        luts: count("LUT4"),
        flip_flops: count("TRELLIS_FF"),
        block_rams: count("DP16KD"),
        block_rams_outreg: outreg.lines().filter(|l| l.contains('/')).count() as u64,
        multipliers: count("MULT18X18D"),
        multipliers_input_registered: multreg.lines().filter(|l| l.contains('/')).count() as u64,
    })
}
