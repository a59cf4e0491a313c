# Shared by the benchmarks: how an empty-output build is prepared, so that every tool and
# variant starts from the same state (see the top of compare.sh for why; compare.sh and
# budget.sh), and how a corpus is generated and its kbgen tree prepared (compare.sh and
# relevance.sh). Needs WORK (the benchmark folder) and a `log` function; start_trash sets
# TRASH; the corpus functions need BENCH, REPO and GEN (the shared generator).

# Makes $WORK/trash, where --prepare moves old outputs, emptied when the script exits. A trash
# left by an interrupted run is deleted first, and then the freed inodes are waited out.
start_trash() {
  TRASH="$WORK/trash"
  if [ -d "$TRASH" ]; then
    log "deleting the trash of an earlier run, then waiting a minute (see the top of compare.sh)"
    rm -rf "$TRASH"; sync
    # Where allowed, the freed inodes' metadata also leaves the cache, which the kernel
    # then does not consult.
    (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null || true
    sleep 65
  fi
  mkdir -p "$TRASH"
  trap 'rm -rf "$TRASH"; sync' EXIT
  # Everything written or deleted before the benchmark goes to disk first.
  sync
}

# The --prepare of an empty-output run: move the output aside (see compare.sh) and write the
# moves out to disk; then every run of every tool starts from the same kernel caches: dropped
# where allowed (root), with the tool's inputs and program read back in. Without the drop, the
# cached inodes and directory entries of the trash grow run after run, and a tool measured
# later in the hyperfine run (kbgen, after Hugo's fourteen builds) creates its files among
# more of them: five kbgen builds in a row went from 1.9 s to 2.5 s that way.
fresh_prepare() { # fresh_prepare OUTPUT INPUTS PROGRAM_RUN
  echo "if [ -e $1 ]; then mv $1 $TRASH/\$(date +%s%N); fi && sync && { (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null || true; } && find $2 -type f -exec cat {} + >/dev/null && { $3 >/dev/null 2>&1 || true; }"
}

# Generates the corpus of N articles per language into DIR once: a later run finds it there.
# The generator's output goes to stderr, as the benchmarks print their results on stdout.
generate_corpus() { # generate_corpus N DIR
  if [ ! -d "$2/hugo" ] || [ ! -d "$2/kbgen/content" ]; then
    [ -f "$GEN" ] || { echo "the corpus generator is missing: $GEN (set GEN_CORPUS)" >&2; exit 1; }
    log "generating the corpus: $1 articles per language into $2"
    rm -rf "$2.partial"
    python3 "$GEN" --articles "$1" --out "$2.partial" >&2
    rm -rf "$2"; mv "$2.partial" "$2"
  fi
}

# Makes a corpus's kbgen tree (SITE, with content/ and static/img/) a site of this checkout (or
# of SOURCE, another kbgen tree): its configuration, synonyms, locales, templates and static
# files copied beside the content.
prepare_kbgen_tree() { # prepare_kbgen_tree SITE [SOURCE]
  local src="${2:-$REPO}"
  rm -rf "$1/locales" "$1/templates"
  cp "$src/kbgen.yaml" "$1/"
  [ -f "$src/synonyms.yaml" ] && cp "$src/synonyms.yaml" "$1/"
  cp -r "$src/locales" "$src/templates" "$1/"
  mkdir -p "$1/static"
  cp -r "$src/static/." "$1/static/"
  python3 "$BENCH/dedupe_slugs.py" "$1" >&2
}
