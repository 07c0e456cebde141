#!/usr/bin/env bash
# Builds the online editor's pre-save check: ess-site's `check` compiled to WebAssembly
# (editor-check/, wasm32-wasip1), into editor-check/out/, where build.rs embeds it in the
# `ess-site` binary, which publishes it in /admin/ with the editor. Run it before building the
# binary (.ci/run and the release workflow do); cargo warns when it is missing or older than
# the sources.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip1 >/dev/null 2>&1 || rustup target list --installed | grep -qx wasm32-wasip1
cargo build --locked --quiet -p ess-site-editor-check --target wasm32-wasip1 --profile editor-check
target="${CARGO_TARGET_DIR:-target}"
cp "$target/wasm32-wasip1/editor-check/ess-site-editor-check.wasm" editor-check/out/ess-site-editor-check.wasm
ls -l editor-check/out/ess-site-editor-check.wasm
