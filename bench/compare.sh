#!/usr/bin/env bash
# Build-time benchmark: kbgen against Hugo on the same synthetic help centre, side by side in
# one hyperfine run, plus Pagefind indexing kbgen's output for the largest size.
#
# Usage: bench/compare.sh [ARTICLES_PER_LANGUAGE ...]      (default: 1000 10000)
#
# Environment (all optional):
#   KBGEN_BENCH_DIR  where corpora and outputs go (default /tmp/kbgen-bench; needs ~3 GB for 10000)
#   GEN_CORPUS       the shared generator (default <repo>/../shared/bench/gen_corpus.py)
#   RUNS_SMALL       hyperfine --runs below 10000 articles (default 5)
#   RUNS_LARGE       hyperfine --runs from 10000 articles on (default 3)
#   BASELINE         a git revision of this repository: its kbgen is built too and timed in the
#                    same hyperfine run ("kbgen BASELINE, empty output"), on the same content
#                    with that revision's own configuration, locales, templates and static
#                    files, for "the build stays within 10 % of its time before" (a ratio line
#                    in the report). Its source goes to $KBGEN_BENCH_DIR/baseline-src (git
#                    archive, no worktree) and is built with its own target folder there.
#
# Every build is a full build: all content read, rendered and indexed. Two cases per tool:
#   "empty output": --prepare removes the output folder first (as in CI on a fresh clone);
#   "over previous output": the tool builds over what its previous run wrote (as on a writer's
#   machine): Hugo overwrites its files, kbgen writes only files whose bytes changed.
# The floor (examples/floor.rs) runs with an empty output. Every --prepare ends with `sync`, so
# the previous run's writes are on disk before the next run starts.
#
# An empty-output run does not delete the previous output: --prepare moves it aside, into
# $KBGEN_BENCH_DIR/trash, which is emptied when the benchmark ends. Deleting 60,000 files
# just before a build slows that build down on ext4 without a journal: for a minute after a
# deletion the kernel skips the freed inodes one by one to allocate new ones (perf:
# find_inode_bit/recently_deleted, 7 % of kbgen's time even with the page cache dropped). A
# fresh clone has no such deletion behind it, and a folder moved aside frees nothing. A
# trash left by an interrupted run is deleted at the start, and the benchmark then waits
# out that minute. The trash needs about 6 GB at 10,000 articles per language. Any other large
# deletion on the same file system in the minutes before (a build tree, a clone) slows the
# first empty-output builds of every tool in the same way: run the benchmark after a quiet
# minute.
# Wall time is hyperfine's mean ± stddev; CPU time and peak memory come from one extra run under
# /usr/bin/time -v; pages/s is the number of .html files in the output divided by the mean wall
# time. See bench/README.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
WORK="${KBGEN_BENCH_DIR:-/tmp/kbgen-bench}"
GEN="${GEN_CORPUS:-$REPO/../shared/bench/gen_corpus.py}"
RUNS_SMALL="${RUNS_SMALL:-5}"
RUNS_LARGE="${RUNS_LARGE:-3}"
if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
for n in "${SIZES[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: bench/compare.sh [ARTICLES_PER_LANGUAGE ...]" >&2; exit 2; }
done

log() { printf '\n== %s\n' "$*" >&2; }
# start_trash and fresh_prepare: the empty-output protocol described above.
source "$BENCH/lib.sh"

# --- Tools -----------------------------------------------------------------------------------
missing=()
command -v hugo >/dev/null || missing+=(hugo)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} (Debian packages)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y hugo hyperfine time
fi
if [ ! -x "$BENCH/node_modules/.bin/pagefind" ]; then
  log "installing pagefind (bench/package-lock.json)"
  (cd "$BENCH" && npm ci --no-audit --no-fund)
fi
PAGEFIND="$BENCH/node_modules/.bin/pagefind"
[ -f "$GEN" ] || { echo "the corpus generator is missing: $GEN (set GEN_CORPUS)" >&2; exit 1; }

log "building kbgen and the floor (cargo build --release)"
(cd "$REPO" && cargo build --release --quiet && cargo build --release --quiet --example floor)
# Copies, so that a rebuild in the checkout during the benchmark cannot swap a binary under it.
mkdir -p "$WORK"
cp "$REPO/target/release/kbgen" "$WORK/kbgen"
cp "$REPO/target/release/examples/floor" "$WORK/floor"
KBGEN="$WORK/kbgen"
FLOOR="$WORK/floor"
BASE_KBGEN=""
if [ -n "${BASELINE:-}" ]; then
  base_rev="$(cd "$REPO" && git rev-parse --short "$BASELINE^{commit}")"
  BASE_SRC="$WORK/baseline-src"
  log "building kbgen at $base_rev (BASELINE=$BASELINE) in $BASE_SRC"
  rm -rf "$BASE_SRC"; mkdir -p "$BASE_SRC"
  (cd "$REPO" && git archive "$base_rev") | tar -x -C "$BASE_SRC"
  (cd "$BASE_SRC" && CARGO_TARGET_DIR="$WORK/baseline-target" cargo build --release --quiet)
  cp "$WORK/baseline-target/release/kbgen" "$WORK/kbgen-baseline"
  BASE_KBGEN="$WORK/kbgen-baseline"
  BASE_NAME="kbgen $base_rev, empty output"
fi
start_trash

# --- Helpers ---------------------------------------------------------------------------------
# Fields of `/usr/bin/time -v` output: cpu seconds (user+sys) and peak RSS in MiB.
cpu_of() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u+s}' "$1"; }
rss_of() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); t=0; for(i=1;i<=n;i++) t=t*60+a[i]; printf "%.1f", t}' "$1"; }
html_count() { find "$1" -type f -name '*.html' | wc -l; }
file_count() { find "$1" -type f | wc -l; }
human_bytes() { awk -v b="$1" 'BEGIN {printf "%.0f MB", b/1e6}'; }
# hyperfine's JSON: "mean ± stddev" in seconds for the command named $2.
mean_of() {
  python3 - "$1" "$2" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["command"] == sys.argv[2]:
        print("%.3f %.3f" % (r["mean"], r["stddev"] or 0.0))
PY
}
timed() { # timed LOGFILE CMD... : one run under /usr/bin/time -v, output of the command kept
  local out="$1"; shift
  /usr/bin/time -v -o "$out" "$@" >"$out.stdout" 2>"$out.stderr" || {
    echo "failed: $*" >&2; cat "$out.stderr" >&2; exit 1; }
}

mkdir -p "$WORK/out"
ROWS=()
RATIOS=()
LOADS=()
LARGEST="${SIZES[0]}"
for n in "${SIZES[@]}"; do [ "$n" -gt "$LARGEST" ] && LARGEST="$n"; done

for n in "${SIZES[@]}"; do
  corpus="$WORK/$n"
  # --- Corpus: generated once; kbgen tree: this checkout's configuration, locales, … ---------
  generate_corpus "$n" "$corpus"
  site="$corpus/kbgen"
  prepare_kbgen_tree "$site"
  base_site="$corpus/kbgen-baseline"
  if [ -n "$BASE_KBGEN" ]; then
    # The same content (hard links: no build writes into its inputs), the baseline's own tree.
    rm -rf "$base_site"; mkdir -p "$base_site/static"
    cp -al "$site/content" "$base_site/"
    cp -al "$site/static/img" "$base_site/static/"
    prepare_kbgen_tree "$base_site" "$BASE_SRC"
  fi

  hugo_out="$WORK/out/hugo-$n"
  hugo_over_out="$WORK/out/hugo-over-$n"
  kbgen_out="$WORK/out/kbgen-$n"
  rebuild_out="$WORK/out/kbgen-rebuild-$n"
  floor_out="$WORK/out/floor-$n"
  if [ "$n" -ge 10000 ]; then runs="$RUNS_LARGE"; else runs="$RUNS_SMALL"; fi
  hugo_cmd="hugo -s $corpus/hugo --quiet -d $hugo_out"
  hugo_over_cmd="hugo -s $corpus/hugo --quiet -d $hugo_over_out"
  kbgen_cmd="$KBGEN build --root $site --output $kbgen_out"
  rebuild_cmd="$KBGEN build --root $site --output $rebuild_out"
  floor_cmd="$FLOOR $site/content $floor_out"
  # Run after a cache drop, so that each program and its libraries are read in again.
  hugo_warm="hugo version"
  kbgen_warm="$KBGEN --version"
  floor_warm="$FLOOR"
  base_out="$WORK/out/kbgen-baseline-$n"
  base_cmd="$BASE_KBGEN build --root $base_site --output $base_out"
  BASE_ARGS=()
  if [ -n "$BASE_KBGEN" ]; then
    log "checking that the baseline kbgen builds the $n corpus"
    eval "$(fresh_prepare "$base_out" "$base_site" "$BASE_KBGEN --version")"; $base_cmd
    BASE_ARGS=(--prepare "$(fresh_prepare "$base_out" "$base_site" "$BASE_KBGEN --version")"
      -n "$BASE_NAME" "$base_cmd")
  fi

  # A first build shows kbgen's errors plainly (hyperfine would only say "non-zero exit code").
  log "checking that kbgen builds the $n corpus"
  eval "$(fresh_prepare "$kbgen_out" "$site" "$kbgen_warm")"; $kbgen_cmd

  # "Over the previous output" is measured in its steady state: kbgen reuses the site it kept
  # from the build before last, which exists from the second build on. Two warmup runs per
  # command, because a dropped page cache (the empty-output prepares) leaves both folders of
  # a reusing build cold: the first warmup reads one, the second the other.
  log "priming the over-previous-output folders (two builds each)"
  for _ in 1 2; do $hugo_over_cmd >/dev/null; $rebuild_cmd 2>/dev/null; done

  log "hyperfine, $n articles per language: --warmup 2 --runs $runs"
  echo "commands (empty output: --prepare '$(fresh_prepare '<output>' '<inputs>' '<program --version>')'; over previous output: --prepare sync):"
  printf '  %s\n' "$hugo_cmd" "$hugo_over_cmd" "$kbgen_cmd" "$rebuild_cmd" "$floor_cmd"
  json="$WORK/hyperfine-$n.json"
  LOADS+=("$n: load average before $(cut -d' ' -f1-3 /proc/loadavg)")
  hyperfine --warmup 2 --runs "$runs" --export-json "$json" \
    --prepare "$(fresh_prepare "$hugo_out" "$corpus/hugo" "$hugo_warm")" \
    --prepare "sync" \
    --prepare "$(fresh_prepare "$kbgen_out" "$site" "$kbgen_warm")" \
    --prepare "sync" \
    --prepare "$(fresh_prepare "$floor_out" "$site/content" "$floor_warm")" \
    -n "hugo, empty output" "$hugo_cmd" \
    -n "hugo, over previous output" "$hugo_over_cmd" \
    -n "kbgen, empty output" "$kbgen_cmd" \
    -n "kbgen, over previous output" "$rebuild_cmd" \
    -n "floor, empty output" "$floor_cmd" "${BASE_ARGS[@]}" || {
    echo "hyperfine failed; running the commands once to show their errors:" >&2
    rm -rf "$hugo_out"; $hugo_cmd; $rebuild_cmd; $floor_cmd; exit 1; }

  LOADS[-1]+=", after $(cut -d' ' -f1-3 /proc/loadavg)"

  # --- One extra run each under /usr/bin/time -v: CPU and peak memory ------------------------
  log "CPU time and peak memory (/usr/bin/time -v, one run each)"
  eval "$(fresh_prepare "$hugo_out" "$corpus/hugo" "$hugo_warm")"; timed "$WORK/time-hugo-$n.txt" $hugo_cmd
  # The over-previous-output runs come after a prepare that dropped the caches: two builds
  # each first (kbgen's rebuild alternates between two folders), so that they are timed
  # warm, as hyperfine's are.
  for _ in 1 2; do $hugo_over_cmd >/dev/null; $rebuild_cmd 2>/dev/null; done
  sync; timed "$WORK/time-hugo-over-$n.txt" $hugo_over_cmd
  sync; timed "$WORK/time-kbgen-rebuild-$n.txt" $rebuild_cmd
  eval "$(fresh_prepare "$floor_out" "$site/content" "$floor_warm")"; timed "$WORK/time-floor-$n.txt" $floor_cmd
  eval "$(fresh_prepare "$kbgen_out" "$site" "$kbgen_warm")"; timed "$WORK/time-kbgen-$n.txt" $kbgen_cmd

  for tool in "hugo, empty output" "hugo, over previous output" "kbgen, empty output" \
    "kbgen, over previous output" "floor, empty output"; do
    case "$tool" in
      "hugo, empty output") out="$hugo_out"; t="$WORK/time-hugo-$n.txt" ;;
      "hugo, over previous output") out="$hugo_over_out"; t="$WORK/time-hugo-over-$n.txt" ;;
      "kbgen, empty output") out="$kbgen_out"; t="$WORK/time-kbgen-$n.txt" ;;
      "kbgen, over previous output") out="$rebuild_out"; t="$WORK/time-kbgen-rebuild-$n.txt" ;;
      *) out="$floor_out"; t="$WORK/time-floor-$n.txt" ;;
    esac
    read -r mean sd < <(mean_of "$json" "$tool")
    pages=$(html_count "$out")
    bytes=$(du -sb "$out" | cut -f1)
    files=$(file_count "$out")
    pps=$(awk -v p="$pages" -v m="$mean" 'BEGIN {printf "%.0f", p/m}')
    ROWS+=("$(printf '| %s | %s | %s | %.2f s ± %.2f | %s s | %s MiB | %s | %s | %s |' \
      "$tool" "$n" "$pages" "$mean" "$sd" "$(cpu_of "$t")" "$(rss_of "$t")" "$pps" \
      "$(human_bytes "$bytes")" "$files")")
  done
  log "kbgen build --timings, $n articles per language (one run from scratch)"
  eval "$(fresh_prepare "$kbgen_out" "$site" "$kbgen_warm")"
  $KBGEN build --root "$site" --output "$kbgen_out" --timings 2>&1 | tee "$WORK/timings-$n.txt" >&2

  # The issue's ratios, from the means: Hugo ÷ kbgen in each case, and kbgen ÷ floor; then
  # kbgen ÷ floor again without the search index's step (its time in the --timings run above),
  # to show what the index costs on top of the rest.
  RATIOS+=("$(python3 - "$json" "$n" "$WORK/timings-$n.txt" <<'PY'
import json, re, sys
m = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
step = re.compile(r"\s*([\d.]+) ms\s+build and write search index")
index = next(float(x.group(1)) / 1000 for x in map(step.match, open(sys.argv[3])) if x)
kbgen, floor = m["kbgen, empty output"], m["floor, empty output"]
print("%s articles/lang: Hugo ÷ kbgen %.1f× from an empty output, %.1f× over the previous output; kbgen ÷ floor %.1f×, or %.1f× without the search index's step (%.2f s in one --timings run); Hugo memory ÷ kbgen memory: see the table" % (
    sys.argv[2],
    m["hugo, empty output"] / kbgen,
    m["hugo, over previous output"] / m["kbgen, over previous output"],
    kbgen / floor, (kbgen - index) / floor, index))
PY
)")
  if [ -n "$BASE_KBGEN" ]; then
    read -r bm bsd < <(mean_of "$json" "$BASE_NAME")
    read -r km ksd < <(mean_of "$json" "kbgen, empty output")
    RATIOS+=("$(awk -v n="$n" -v r="$base_rev" -v b="$bm" -v bs="$bsd" -v k="$km" -v ks="$ksd" 'BEGIN {
      printf "%s articles/lang: kbgen %.2f s ± %.2f against kbgen %s %.2f s ± %.2f from an empty output: %+.1f %%", n, k, ks, r, b, bs, (k / b - 1) * 100 }')")
  fi
done

# --- Pagefind over kbgen's output of the largest size -----------------------------------------
n="$LARGEST"
kbgen_out="$WORK/out/kbgen-$n"
pf_cmd="npx pagefind --site $kbgen_out --output-subdir pagefind-bench"
log "Pagefind over kbgen's output, $n articles per language: $pf_cmd"
rm -rf "$kbgen_out/pagefind-bench"; sync
(cd "$BENCH" && /usr/bin/time -v -o "$WORK/time-pagefind-$n.txt" npx --no-install pagefind \
  --site "$kbgen_out" --output-subdir pagefind-bench >"$WORK/pagefind-$n.log" 2>&1) || {
  cat "$WORK/pagefind-$n.log" >&2; exit 1; }
grep -E 'Indexed|Finished' "$WORK/pagefind-$n.log" || true
pf_t="$WORK/time-pagefind-$n.txt"
pf_bytes=$(du -sb "$kbgen_out/pagefind-bench" | cut -f1)
pf_files=$(file_count "$kbgen_out/pagefind-bench")
kb_bytes=$(du -sb "$kbgen_out/search-index" | cut -f1)
kb_files=$(file_count "$kbgen_out/search-index")

# --- Report ---------------------------------------------------------------------------------
{
  echo
  echo "## Results ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM"
  echo "Versions: $(hugo version | head -1); $($KBGEN --version) ($(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$REPO" && git diff --quiet 2>/dev/null || echo ', uncommitted changes')); pagefind $("$PAGEFIND" --version | awk '{print $2}'); hyperfine $(hyperfine --version | awk '{print $2}')"
  echo "Load average (1, 5, 15 min) around each hyperfine run (2 cores; other work on the machine shows here): $(IFS=';'; echo "${LOADS[*]}")"
  echo
  echo "| tool | articles/lang | pages (.html) | wall (mean ± sd) | CPU (user+sys) | peak memory | pages/s | output size | files written |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  printf '%s\n' "${RATIOS[@]}"
  echo
  echo "Pagefind $("$PAGEFIND" --version | awk '{print $2}') over kbgen's output ($n articles/lang): wall $(wall_of "$pf_t") s, CPU $(cpu_of "$pf_t") s, peak memory $(rss_of "$pf_t") MiB; wrote $(human_bytes "$pf_bytes") in $pf_files files (kbgen's own search-index/: $(human_bytes "$kb_bytes") in $kb_files files)."
  echo
  echo "Commands: hyperfine --warmup 2 --runs <5 below 10000, 3 from 10000>, empty output prepared with: $(fresh_prepare '<out>' '<inputs>' '<program --version>'); over previous output with: sync"
  echo "  hugo -s $WORK/<N>/hugo --quiet -d $WORK/out/hugo-<N>            (and -d $WORK/out/hugo-over-<N>)"
  echo "  $KBGEN build --root $WORK/<N>/kbgen --output $WORK/out/kbgen-<N>   (and --output $WORK/out/kbgen-rebuild-<N>)"
  echo "  $FLOOR $WORK/<N>/kbgen/content $WORK/out/floor-<N>"
  echo "  (cd bench && /usr/bin/time -v $pf_cmd)"
} | tee "$WORK/results.md"
