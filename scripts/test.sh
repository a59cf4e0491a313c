#!/usr/bin/env bash
# The whole test suite: the Rust tests, then the search engine (Node) and the built pages in
# real headless Chromium. Needs Node.js and Debian's chromium (.ci/run installs both).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test
cargo build --quiet
cd tests/browser
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi
KBGEN_BIN="$PWD/../../target/debug/kbgen" npm test
