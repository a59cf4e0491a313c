# Shared by bench/compare.sh and bench/budget.sh: how an empty-output build is prepared, so
# that every tool and variant starts from the same state (see the top of compare.sh for why).
# Needs WORK (the benchmark folder) and a `log` function; sets TRASH.

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
