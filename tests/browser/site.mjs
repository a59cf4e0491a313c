// Shared by the browser tests: build a kbgen site with the real binary and serve it on
// 127.0.0.1, and start headless Chromium (Debian's package) through playwright-core.

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const REPO = resolve(fileURLToPath(import.meta.url), "../../..");
const BIN = process.env.KBGEN_BIN || join(REPO, "target/debug/kbgen");

/** A copy of the shipped site in a temporary folder; `edit(root)` may change it before building. */
export function buildSite(edit) {
  const root = mkdtempSync(join(tmpdir(), "kbgen-browser-"));
  for (const item of ["kbgen.yaml", "synonyms.yaml", "servers.yaml", "snippets", "content", "locales", "templates", "static"]) {
    if (existsSync(join(REPO, item))) cpSync(join(REPO, item), join(root, item), { recursive: true });
  }
  return rebuildSite(join(root, "public"), edit);
}

/** Builds the site whose output is `out` again, after `edit(root)` changed it. */
export function rebuildSite(out, edit) {
  const root = dirname(out);
  if (edit) edit(root);
  if (!existsSync(BIN)) throw new Error(`no kbgen binary at ${BIN}: run cargo build first`);
  execFileSync(BIN, ["build", "--root", root, "--output", out], { stdio: "pipe" });
  return out;
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
  ".png": "image/png", ".xml": "application/xml" };

/**
 * Serves `dir` on 127.0.0.1 at a free port; resolves to { url, close }. `cacheFor(path)` may
 * give a file's Cache-Control header, as a host or CDN would; with `gzip`, text is sent
 * compressed to a browser that accepts it, as a host or CDN would too.
 */
export function serve(dir, cacheFor = () => undefined, { gzip = false } = {}) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    path = normalize(path).replace(/^(\.\.[/\\])+/, "");
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    const found = file.startsWith(dir) && existsSync(file);
    if (!found) file = join(dir, path.startsWith("/en/") ? "en/404.html" : "404.html");
    const type = TYPES[extname(file)] || "application/octet-stream";
    const cache = found ? cacheFor(file) : undefined;
    let body = readFileSync(file);
    const headers = { "content-type": type, ...(cache ? { "cache-control": cache } : {}) };
    if (gzip && /^(text\/|application\/(json|xml)|image\/svg)/.test(type)) {
      headers.vary = "accept-encoding";
      if (/\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
        body = gzipSync(body);
        headers["content-encoding"] = "gzip";
      }
    }
    res.writeHead(found ? 200 : 404, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

/** Headless Chromium, or a failure under CI when it is missing (never a silent skip). */
export async function launch() {
  const { chromium } = await import("playwright-core");
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is missing at ${executablePath}: apt-get install chromium`);
  }
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export function write(root, rel, text) {
  writeFileSync(join(root, rel), text);
}
