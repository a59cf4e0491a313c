#!/usr/bin/env python3
"""Preview benchmark: how long a writer waits, after saving an article, until the preview
server serves the page with the change. kbgen's `kbgen serve` against `hugo server`, on the
same synthetic help centres as bench/compare.sh.

Usage: bench/preview.py [ARTICLES_PER_LANGUAGE | SITE_ROOT ...]      (default: 1000 10000)

A number is the bench/compare.sh corpus of that size, served by each tool; a folder is a kbgen
site (the shipped one is `.`), served by kbgen.

Environment (all optional):
  KBGEN_BENCH_DIR  where the corpora are (default /tmp/kbgen-bench; bench/compare.sh makes them)
  KBGEN            the kbgen binary (default <repo>/target/release/kbgen)
  EDITS            saves timed per tool and size (default 20)
  TOOLS            which servers to time (default "kbgen hugo")
  KINDS            which kinds of save, comma-separated (default all four, as named below)

Four kinds of save, each to a different article every time (both languages, spread over the
corpus): "body", a body edit that appends a sentence with a unique marker (the common case, a
writer fixing text); "title", a title edit that puts the marker in the title, which changes
category pages and related lists too (kbgen renders the whole site again); "body after a save",
a body edit 0.35 s after a body edit to another article (a writer saving twice in quick
succession, or an editor's autosave); and "title after a title", a title edit 0.35 s after a
title edit to another article, while the server may still be rendering the whole site for the
first. The last two are timed from the second save. The clock starts when the file is closed and
stops when a GET of that article's page returns HTML holding the marker; the page is polled
every 5 ms. That is the whole wait a writer sees: the watcher's delay, the rebuild,
and serving. After each save the benchmark waits for the server to go quiet (its CPU time
stops rising) before the next one, as a writer does not save twice in a second. The corpora
are copied first, so the edits never touch bench/compare.sh's inputs.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
WORK = os.environ.get("KBGEN_BENCH_DIR", "/tmp/kbgen-bench")
KBGEN = os.environ.get("KBGEN", os.path.join(REPO, "target", "release", "kbgen"))
EDITS = int(os.environ.get("EDITS", "20"))
TOOLS = os.environ.get("TOOLS", "kbgen hugo").split()
KINDS = ["body", "title", "body after a save", "title after a title"]
KINDS = [k.strip() for k in os.environ.get("KINDS", ",".join(KINDS)).split(",")
         if k.strip() in KINDS or sys.exit(f"KINDS: unknown kind {k.strip()!r}, known: {KINDS}")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return None, ""


def cpu_seconds(pid):
    """User and system time of the process and its threads, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_quiet(pid, still=0.3, limit=60):
    """Waits until the server has used no CPU for `still` seconds."""
    end = time.monotonic() + limit
    last = cpu_seconds(pid)
    while time.monotonic() < end:
        time.sleep(still)
        now = cpu_seconds(pid)
        if now - last < 0.01:
            return
        last = now


def articles(content):
    """(path, locale, key path without locale) of every article, sorted."""
    out = []
    for dirpath, _, names in os.walk(content):
        for n in names:
            if n.endswith(".md") and not n.startswith("_"):
                # kbgen names every language (`x.sv.md`); Hugo leaves out the default (`x.md`).
                stem, _, locale = n[: -len(".md")].rpartition(".")
                if not stem or len(locale) != 2:
                    stem, locale = n[: -len(".md")], "sv"
                rel = os.path.relpath(os.path.join(dirpath, stem), content)
                out.append((os.path.join(dirpath, n), locale, rel))
    return sorted(out)


def kbgen_url(path, locale, rel):
    slug = os.path.basename(rel)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("slug:"):
                slug = line.split(":", 1)[1].strip().strip('"')
                break
    return ("/en" if locale == "en" else "") + f"/kb/{slug}/"


def hugo_url(_path, locale, rel):
    return ("/en" if locale == "en" else "") + f"/{rel}/"


TOOL = {
    "kbgen": {
        "tree": "kbgen",
        "url": kbgen_url,
        "cmd": lambda root, port: [KBGEN, "serve", "--root", root, "--port", str(port)],
    },
    "hugo": {
        "tree": "hugo",
        "url": hugo_url,
        # Hugo's defaults: pages in memory, fast render mode, live reload.
        "cmd": lambda root, port: ["hugo", "server", "-s", root, "--port", str(port),
                                   "--bind", "127.0.0.1", "--quiet"],
    },
}


def edit(path, kind, marker):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if kind.startswith("body"):
        text = text.rstrip("\n") + f"\n\n{marker} was added.\n"
    elif 'title: "' in text:
        text = text.replace('title: "', f'title: "{marker} ', 1)
    else:
        text = text.replace("title: ", f"title: {marker} ", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(tool, site, name):
    spec = TOOL[tool]
    src = site if os.path.isdir(site) else os.path.join(WORK, site, spec["tree"])
    if not os.path.isdir(src):
        sys.exit(f"no corpus at {src}: run bench/compare.sh {site} first")
    root = os.path.join(WORK, f"preview-{name.replace(' ', '-')}", spec["tree"])
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(src, root, ignore=shutil.ignore_patterns("target", "node_modules", ".git",
                                                             "public", "bench"))
    arts = articles(os.path.join(root, "content"))
    step = max(1, len(arts) // (len(KINDS) * EDITS))
    chosen = [arts[(i * step) % len(arts)] for i in range(len(KINDS) * EDITS)]
    kinds = [kind for kind in KINDS for _ in range(EDITS)]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(WORK, f"preview-{tool}-{name.replace(' ', '-')}.log"), "w")
    start = time.monotonic()
    server = subprocess.Popen(spec["cmd"](root, port), stdout=log, stderr=subprocess.STDOUT)
    try:
        first = spec["url"](*chosen[0])
        while get(base + first)[0] != 200:
            if server.poll() is not None:
                sys.exit(f"{tool} serve exited: see {log.name}")
            time.sleep(0.05)
        ready = time.monotonic() - start
        wait_quiet(server.pid)
        waits = {kind: [] for kind in kinds}
        for i, (path, locale, rel) in enumerate(chosen):
            kind = kinds[i]
            url = base + spec["url"](path, locale, rel)
            status, html = get(url)
            if status != 200:
                sys.exit(f"{tool}: {url} answered {status}")
            marker = f"Previewmarker{i}x{time.time_ns()}"
            assert marker not in html
            if " after a " in kind:
                # The first save goes to the article half the corpus away.
                other = chosen[(i + len(chosen) // 2) % len(chosen)][0]
                edit(other, kind.split()[0], f"Firstmarker{i}x{time.time_ns()}")
                time.sleep(0.35)
            edit(path, kind, marker)
            t0 = time.monotonic()
            while True:
                status, html = get(url)
                if marker in html:
                    break
                if time.monotonic() - t0 > 120:
                    sys.exit(f"{tool}: {url} never showed the edit")
                time.sleep(0.005)
            waits[kind].append(time.monotonic() - t0)
            wait_quiet(server.pid)
        return ready, waits, peak_memory_mib(server.pid)
    finally:
        server.terminate()
        server.wait()
        log.close()
        shutil.rmtree(os.path.dirname(root), ignore_errors=True)


def main():
    sites = sys.argv[1:] or ["1000", "10000"]
    if "hugo" in TOOLS and any(s.isdigit() for s in sites) and shutil.which("hugo") is None:
        sys.exit("hugo is not installed: apt-get install hugo (bench/compare.sh does)")
    rows = []
    for site in sites:
        tools = TOOLS if site.isdigit() else ["kbgen"]
        name = site if site.isdigit() else (
            "shipped site" if os.path.abspath(site) == REPO else os.path.basename(os.path.abspath(site)))
        for tool in tools:
            ready, waits, mem = run(tool, site, name)
            for kind, w in waits.items():
                ms = sorted(x * 1000 for x in w)
                rows.append((tool, name, kind, ready, statistics.median(ms), ms[0],
                             ms[int(0.9 * (len(ms) - 1))], ms[-1], mem))
                print(f"{tool} {name} {kind}: save to page {statistics.median(ms):.0f} ms median",
                      file=sys.stderr)
    print("\n| tool | site (articles/lang) | edit | first page served | save → page: median "
          "| min | 90th pct | max | peak memory |\n|---|---|---|---|---|---|---|---|---|")
    for tool, name, kind, ready, med, lo, p90, hi, mem in rows:
        print(f"| {tool} | {name} | {kind} | {ready:.1f} s | {med:.0f} ms | {lo:.0f} ms "
              f"| {p90:.0f} ms | {hi:.0f} ms | {mem:.0f} MiB |")
    print(f"\n{EDITS} saves per edit kind and row, each to a different article; the page polled "
          "every 5 ms.")


if __name__ == "__main__":
    main()
