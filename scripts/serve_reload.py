#!/usr/bin/env python3
"""Time from saving a file to the reload signal of `kbgen serve`, as a browser sees it.

Usage: scripts/serve_reload.py SITE_ROOT [--kbgen target/release/kbgen] [--runs 10]

Copies SITE_ROOT to a temporary folder, starts `kbgen serve` on it, and for each run edits
one article's body (the common case: a writer fixing text), then a title (which changes
category pages and related lists, so the whole site is rendered). For each edit it measures
the time from the write to the answer of the page's long-poll (`/__kbgen/wait`, the moment
an open page reloads) and to the first GET that returns the new text. Prints medians.
"""
import argparse, http.client, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def get(port, path, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", path); r = c.getresponse(); body = r.read().decode("utf-8", "replace"); c.close()
    return body

def first_article(root):
    for dirpath, dirs, files in sorted(os.walk(os.path.join(root, "content"))):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".sv.md"):
                return os.path.join(dirpath, f)

def slug_of(path):
    for line in open(path, encoding="utf-8"):
        if line.startswith("slug:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise SystemExit("the article needs a slug: line for this script")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root"); ap.add_argument("--kbgen", default="target/release/kbgen"); ap.add_argument("--runs", type=int, default=10)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="kbgen-serve-")
    for item in ["kbgen.yaml", "synonyms.yaml", "content", "locales", "templates", "static"]:
        src = os.path.join(a.root, item)
        if os.path.isdir(src): shutil.copytree(src, os.path.join(tmp, item))
        elif os.path.exists(src): shutil.copy(src, os.path.join(tmp, item))
    port = free_port()
    proc = subprocess.Popen([os.path.abspath(a.kbgen), "serve", "--root", tmp, "--port", str(port)], stderr=subprocess.PIPE, text=True)
    log = []
    threading.Thread(target=lambda: [log.append(l) for l in proc.stderr], daemon=True).start()
    while True:
        try: get(port, "/", 2); break
        except OSError: time.sleep(0.05)
    time.sleep(1.5)  # let the search index of the first build finish
    article = first_article(tmp); url = "/kb/%s/" % slug_of(article)
    results = {}
    for kind in ["body", "title"]:
        signal, visible = [], []
        for i in range(a.runs):
            page = get(port, url)
            version = int(page.split("/__kbgen/wait?v='+v")[0].rsplit("let v=", 1)[1].split(";")[0]) if "let v=" in page else 0
            marker = "RELOAD%d%s" % (i, kind)
            text = open(article, encoding="utf-8").read()
            if kind == "body":
                text = text.rstrip("\n") + "\n\n" + marker + "\n"
            else:
                text = text.replace("title: ", "title: %s " % marker, 1)
            waiter = {}
            def wait():
                get(port, "/__kbgen/wait?v=%d" % version); waiter["t"] = time.perf_counter()
            th = threading.Thread(target=wait); th.start(); time.sleep(0.05)
            t0 = time.perf_counter()
            with open(article, "w", encoding="utf-8") as f: f.write(text)
            while marker not in get(port, url): time.sleep(0.002)
            visible.append(time.perf_counter() - t0)
            th.join(); signal.append(waiter["t"] - t0)
            time.sleep(0.3)
        results[kind] = (statistics.median(signal), statistics.median(visible))
    proc.terminate(); proc.wait(); shutil.rmtree(tmp)
    n = sum(1 for l in log if l.startswith("rebuilt"))
    print("site: %s (%s)" % (a.root, [l.strip() for l in log if l.startswith("rebuilt")][0]))
    for kind, (s, v) in results.items():
        print("%-5s edit: reload signal after %.0f ms, new page served after %.0f ms (median of %d)" % (kind, s * 1000, v * 1000, a.runs))
    print("server log, last rebuilds:", *[l.strip() for l in log if l.startswith("rebuilt")][-3:], sep="\n  ")

if __name__ == "__main__":
    main()
