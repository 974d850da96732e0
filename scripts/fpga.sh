#!/usr/bin/env bash
# The ECP5 flow on the card's timing harness, failing when Fmax falls below the floor in
# bitstreams/ecp5-timing.floor (issue 12's ratchet). scripts/test.sh (so CI) runs it after the
# test suite; bitstreams/README.md has its cold and warm times.
#
# Installs what it needs: python3 with venv (Debian packages) here; `ordo fpga build` then
# installs the pinned YoWASP tool packages into a virtual environment itself.
#
# Products and tools are kept in ORDO_FPGA_DIR (default ~/.cache/ordo-fpga, outside the
# clone, so a fresh clone on the same machine reuses them); a build is reused only for the
# same top Verilog, tool versions and command lines. Extra arguments go to `ordo fpga build`
# (e.g. --json).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -m venv --help >/dev/null 2>&1; then
  echo "installing: python3 python3-venv"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3 python3-venv
fi

export ORDO_FPGA_DIR="${ORDO_FPGA_DIR:-$HOME/.cache/ordo-fpga}"
# The debug build with the test suite's features: the flow's time is the tools', and the test
# build (`cargo test --workspace --all-features`) already compiled it.
# ORDO_BIN: an `ordo` built with the hardware feature to run instead (scripts/test.sh sets it).
if [ -n "${ORDO_BIN:-}" ]; then
  "$ORDO_BIN" fpga build ecp5-timing --check-floor "$@"
else
  cargo run -q -p host --all-features --bin ordo -- \
    fpga build ecp5-timing --check-floor "$@"
fi
