#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 30) on its committed corpus, with cargo-fuzz
# (installed if missing). Stable Rust runs it with RUSTC_BOOTSTRAP=1. Exits non-zero on a crash;
# the crash's input lands in fuzz/artifacts/TARGET/ — add it to the corpus as a regression.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
export RUSTC_BOOTSTRAP=1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in front_matter record sanitizer; do
  echo "== fuzz $target (${secs}s)"
  status=0
  cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$secs" -max_len=4096 >"$log" 2>&1 || status=$?
  grep -a -E "^(Done|SUMMARY)|panicked" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log"
    exit "$status"
  fi
done
