// Shared by search_bytes.mjs and relevance.mjs: the built site's search script and index folder,
// Pagefind's index over the same site, a static server that reports every request, headless
// Chromium, and the small page that runs Pagefind's JS API.

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(BENCH, "..");
export const PF_DIR = "pagefind-bench";
export const SEARCH_PAGE = { sv: "/sok/", en: "/en/search/" };

// --- The site's search script ----------------------------------------------------------------
// The search page names it (it may carry a content hash: /search.89454873.js); the page
// script every page loads (/page.….js) comes before it.
export function scriptOf(site, lang) {
  const html = readFileSync(join(site, SEARCH_PAGE[lang], "index.html"), "utf8");
  const m = html.match(/<script type="module" src="(\/search\b[^"]*)"/);
  if (!m) throw new Error(`no module script in ${SEARCH_PAGE[lang]}`);
  return m[1];
}
export function indexDirOf(site, lang) {
  const html = readFileSync(join(site, SEARCH_PAGE[lang], "index.html"), "utf8");
  const m = html.match(/data-index="([^"]+)"/);
  if (!m) throw new Error(`no data-index in ${SEARCH_PAGE[lang]}`);
  return m[1];
}

// Pagefind's index of the site in SITE/pagefind-bench/, built with bench/node_modules/.bin/pagefind
// when missing. Exits when Pagefind is not installed.
export function ensurePagefind(site) {
  if (existsSync(join(site, PF_DIR, "pagefind-entry.json"))) return;
  const bin = join(BENCH, "node_modules/.bin/pagefind");
  if (!existsSync(bin)) {
    console.error("pagefind is not installed: (cd bench && npm ci)");
    process.exit(1);
  }
  console.error(`building Pagefind's index: pagefind --site ${site} --output-subdir ${PF_DIR}`);
  execFileSync(bin, ["--site", site, "--output-subdir", PF_DIR], { stdio: "inherit" });
}

export function readFile(file) {
  return new Promise((ok, fail) => {
    try { ok(readFileSync(file, "utf8")); } catch (e) { fail(e); }
  });
}

// --- Static server that reports requests -------------------------------------------------------
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
  ".png": "image/png", ".wasm": "application/wasm" };
// `record({ path, status })` is called for every request.
export function serve(dir, record = () => {}) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    path = normalize(path).replace(/^(\.\.[/\\])+/, "");
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    const ok = file.startsWith(dir) && existsSync(file);
    record({ path, status: ok ? 200 : 404 });
    if (!ok) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

// A page of the given language (Pagefind picks its index by <html lang>) that runs
// pagefind.search(q) for ?q= and the data() of the first `shown` results, then sets window.__done.
export function pagefindPage(lang, shown) {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>pagefind bench</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
const q = new URLSearchParams(location.search).get("q");
try {
  const pagefind = await import("/${PF_DIR}/pagefind.js");
  const search = await pagefind.search(q);
  const top = search.results.slice(0, ${shown});
  const data = await Promise.all(top.map((r) => r.data()));
  window.__done = { count: search.results.length, ids: top.map((r) => r.id), urls: data.map((d) => d.url) };
} catch (e) {
  window.__done = { error: String(e && e.stack || e) };
}
</script>
</body>
</html>
`;
}

// --- Browser ------------------------------------------------------------------------------------
export async function launch() {
  const require = createRequire(join(REPO, "tests/browser/package.json"));
  const { chromium } = require("playwright-core");
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium is missing at ${executablePath}: apt-get install chromium`);
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
