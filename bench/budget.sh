#!/usr/bin/env bash
# The floor target's budget, measured: kbgen against the floor (examples/floor.rs) as built,
# without its search index, and without the index and the page templates, side by side.
#
# Usage: bench/budget.sh [ARTICLES_PER_LANGUAGE]      (default: 10000)
#
# Run bench/compare.sh for that size first: it makes the corpus this script builds.
# Environment (optional): KBGEN_BENCH_DIR as in compare.sh; RUNS, hyperfine --runs (default 5).
#
# The two variants are a copy of this checkout (a git worktree in the benchmark folder, with
# the checkout's uncommitted changes) with bench/budget.patch applied, which adds two switches
# for this measurement only: EXP_NO_INDEX=1 leaves out the search index; EXP_NO_TEMPLATES=1
# writes each article page as the floor does (its title and body HTML: no template, no
# breadcrumbs, no JSON-LD, no localised strings). Everything else of kbgen stays: the model
# and its checks, the Markdown transforms (server tables, heading ids, links), category pages,
# the sitemap, aliases and the output's manifest. Each build starts from an empty output,
# prepared as in compare.sh (bench/lib.sh).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
WORK="${KBGEN_BENCH_DIR:-/tmp/kbgen-bench}"
RUNS="${RUNS:-5}"
N="${1:-10000}"
[[ "$N" =~ ^[0-9]+$ ]] || { echo "usage: bench/budget.sh [ARTICLES_PER_LANGUAGE]" >&2; exit 2; }
log() { printf '\n== %s\n' "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

site="$WORK/$N/kbgen"
[ -d "$site/templates" ] || {
  echo "no corpus at $site: run bench/compare.sh $N first, which makes it" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }

log "building kbgen and the floor (cargo build --release)"
(cd "$REPO" && cargo build --release --quiet && cargo build --release --quiet --example floor)
dir="$WORK/budget"
mkdir -p "$dir"
cp "$REPO/target/release/kbgen" "$dir/kbgen"
cp "$REPO/target/release/examples/floor" "$dir/floor"

log "building the variants: this checkout with bench/budget.patch"
tree="$dir/tree"
git -C "$REPO" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
git -C "$REPO" worktree add --quiet --detach "$tree" HEAD
git -C "$REPO" diff HEAD --binary | git -C "$tree" apply --allow-empty
git -C "$tree" apply "$BENCH/budget.patch"
CARGO_TARGET_DIR="$dir/target" cargo build --release --quiet --manifest-path "$tree/Cargo.toml"
cp "$dir/target/release/kbgen" "$dir/kbgen-parts"
git -C "$REPO" worktree remove --force "$tree"

start_trash
out="$dir/out"
warm="$dir/kbgen --version"
build() { echo "$1 build --root $site --output $out-$2"; }
json="$dir/hyperfine-$N.json"
log "hyperfine, $N articles per language: --warmup 2 --runs $RUNS"
hyperfine --warmup 2 --runs "$RUNS" --export-json "$json" \
  --prepare "$(fresh_prepare "$out-all" "$site" "$warm")" \
  --prepare "$(fresh_prepare "$out-noindex" "$site" "$warm")" \
  --prepare "$(fresh_prepare "$out-bare" "$site" "$warm")" \
  --prepare "$(fresh_prepare "$out-floor" "$site/content" "$dir/floor")" \
  -n "kbgen" "$(build "$dir/kbgen" all)" \
  -n "kbgen without the search index" "EXP_NO_INDEX=1 $(build "$dir/kbgen-parts" noindex)" \
  -n "kbgen without the index and templates" \
  "EXP_NO_INDEX=1 EXP_NO_TEMPLATES=1 $(build "$dir/kbgen-parts" bare)" \
  -n "floor" "$dir/floor $site/content $out-floor"

python3 - "$json" "$N" "$(cd "$REPO" && git rev-parse --short HEAD)" <<'PY'
import json, sys
rs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
floor = rs["floor"]["mean"]
print("\n%s articles per language, kbgen at %s; each as a multiple of the floor (%.2f s):\n" % (sys.argv[2], sys.argv[3], floor))
print("| build | wall (mean ± sd) | user | system | ÷ floor | budget left for 1.5× |")
print("|---|---|---|---|---|---|")
for name, r in rs.items():
    left = 1.5 * floor - r["mean"]
    print("| %s | %.2f s ± %.2f | %.2f s | %.2f s | %.2f× | %+.2f s |" % (
        name, r["mean"], r["stddev"] or 0.0, r["user"], r["system"], r["mean"] / floor, left))
PY
