#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 30), with cargo-fuzz (installed if missing). Stable
# Rust runs it with RUSTC_BOOTSTRAP=1. Exits non-zero on a crash.
#
# The committed seeds (fuzz/seeds/TARGET/, a few dozen minimised inputs each, replayed by
# `cargo test` in tests/fuzz_seeds.rs) are copied into a working corpus in fuzz/target/corpus/,
# which grows from run to run on this machine and is never committed. A crash's input lands in
# fuzz/artifacts/TARGET/: fix the bug, then add the input to fuzz/seeds/TARGET/ as a regression.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
export RUSTC_BOOTSTRAP=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in front_matter record sanitizer; do
  echo "== fuzz $target (${secs}s)"
  work="target/corpus/$target"
  mkdir -p "$work"
  cp -n "seeds/$target/"* "$work/" 2>/dev/null || true
  status=0
  cargo fuzz run -O "$target" "$work" -- -max_total_time="$secs" -max_len=4096 >"$log" 2>&1 || status=$?
  grep -a -E "^(Done|SUMMARY)|panicked" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log"
    exit "$status"
  fi
done
