#!/usr/bin/env bash
# Search relevance benchmark on both sites of bench/relevance/: builds them with the given kbgen
# and runs bench/relevance.mjs (kbgen's search against Pagefind's on the same output).
#
# Usage: bench/relevance.sh [KBGEN_BINARY] [relevance.mjs options: --verbose, --json FILE]
#   KBGEN_BINARY  default target/release/kbgen of this checkout (not built here)
#
# Environment (optional):
#   KBGEN_RELEVANCE_DIR  where the corpus and the outputs go (default /tmp/kbgen-relevance)
#   GEN_CORPUS           the shared generator (default <repo>/../shared/bench/gen_corpus.py)
#
# The shipped site is this checkout's content/ (with its kbgen.yaml, synonyms.yaml, locales/,
# templates/, static/). The synthetic corpus (1,000 articles per language, seed 42) is generated
# once into $KBGEN_RELEVANCE_DIR/c1000 and prepared on every run as bench/compare.sh prepares it:
# this checkout's configuration, locales, templates and static files copied beside its content/,
# then dedupe_slugs.py. Both outputs are built from empty folders, so Pagefind indexes them anew.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
WORK="${KBGEN_RELEVANCE_DIR:-/tmp/kbgen-relevance}"
GEN="${GEN_CORPUS:-$REPO/../shared/bench/gen_corpus.py}"
KBGEN="$REPO/target/release/kbgen"
if [ "$#" -gt 0 ] && [[ "$1" != --* ]]; then KBGEN="$1"; shift; fi
KBGEN="$(cd "$(dirname "$KBGEN")" && pwd)/$(basename "$KBGEN")"
[ -x "$KBGEN" ] || { echo "no kbgen binary at $KBGEN (cargo build --release, or pass one)" >&2; exit 1; }

log() { printf '== %s\n' "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
if [ ! -x "$BENCH/node_modules/.bin/pagefind" ]; then
  log "installing pagefind (bench/package-lock.json)"
  (cd "$BENCH" && npm ci --no-audit --no-fund)
fi
if [ ! -d "$REPO/tests/browser/node_modules/playwright-core" ]; then
  log "installing playwright-core (tests/browser/package-lock.json)"
  (cd "$REPO/tests/browser" && npm ci --no-audit --no-fund)
fi

mkdir -p "$WORK/out"
log "building the shipped site with $KBGEN"
rm -rf "$WORK/out/shipped"
"$KBGEN" build --root "$REPO" --output "$WORK/out/shipped" >&2

corpus="$WORK/c1000"
generate_corpus 1000 "$corpus"
site="$corpus/kbgen"
prepare_kbgen_tree "$site"
log "building the 1,000-article corpus with $KBGEN"
rm -rf "$WORK/out/c1000"
"$KBGEN" build --root "$site" --output "$WORK/out/c1000" >&2

# The sets the ranking was developed against, then the held-out sets, written afterwards
# without running any engine and never tuned on: their figures are the honest ones.
node "$BENCH/relevance.mjs" \
  --site "$WORK/out/shipped" --set "$BENCH/relevance/shipped.tsv" \
  --site "$WORK/out/c1000" --set "$BENCH/relevance/c1000.tsv" "$@"
echo
node "$BENCH/relevance.mjs" \
  --site "$WORK/out/shipped" --set "$BENCH/relevance/holdout-shipped.tsv" \
  --site "$WORK/out/c1000" --set "$BENCH/relevance/holdout-c1000.tsv" "$@"
