#!/usr/bin/env bash
# Fuzz every decoder and loader for a bounded time (issue 11; fuzz/README.md):
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Installs cargo-fuzz when missing, builds every target once (libFuzzer + AddressSanitizer,
# debug assertions and overflow checks on), then runs each target for SECONDS_PER_TARGET
# (default 20) from its committed seeds. Exits non-zero when any target crashed, after
# printing the path of each crash input (fuzz/artifacts/<target>/): commit it there, and
# plain `cargo test -p host` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_targets/*.rs; do
    targets+=("$(basename "$f" .rs)")
  done
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# cargo-fuzz builds with -Z flags (sanitizer, coverage counters). Only stable Rust is sure
# to be on a fresh machine; RUSTC_BOOTSTRAP lets its rustc take them (the flags are stable
# in all but name; the build is ours, nothing is published from it).
export RUSTC_BOOTSTRAP=1
# AddressSanitizer needs rustc's runtime library for this target (rustup's rust-std ships
# it for x86_64 Linux); without it, fuzz without a sanitizer: panics are still caught, and
# safe Rust has no memory errors to find.
sanitizer=none
if ls "$(rustc --print target-libdir)"/librustc-*_rt.asan.a >/dev/null 2>&1; then
  sanitizer=address
fi

echo "fuzz: building the targets, sanitizer $sanitizer"
cargo fuzz build --sanitizer "$sanitizer"

logs=fuzz/corpus-run/logs
mkdir -p "$logs"
failed=()
for t in "${targets[@]}"; do
  # New inputs go to the first directory, a scratch corpus kept between runs on this
  # machine (ignored by git); the committed seeds are read only.
  mkdir -p "fuzz/corpus-run/$t" "fuzz/artifacts/$t"
  log="$logs/$t.log"
  # Text formats have a dictionary of their keywords (fuzz/dict/), so mutations can
  # splice whole column and key names instead of finding them byte by byte.
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  status=0
  cargo fuzz run --sanitizer "$sanitizer" "$t" "fuzz/corpus-run/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 "${dict[@]}" >"$log" 2>&1 ||
    status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    echo "fuzz: $t ok: ${runs:-?} runs in ${seconds}s, ${rate:-?} runs/s"
  else
    echo "fuzz: $t FAILED (exit $status), log $log:"
    grep -E 'panicked at|^==[0-9]+==ERROR|SUMMARY' "$log" | head -5 || true
    artifacts=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
    for a in $artifacts; do
      echo "  crash input: $a"
    done
    failed+=("$t")
  fi
done

echo "fuzz: ${#targets[@]} target(s) ran ${seconds}s each"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]}"
  echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
  exit 1
fi
echo "fuzz: ${#targets[@]} passed, 0 failed"
