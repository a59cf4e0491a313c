#!/usr/bin/env node
// Lighthouse on the shipped help site: the four category scores of every page type (home,
// category, article with server tables, search with a query, 404, and the translators' status
// page), in Swedish and English, on a phone (Lighthouse's default: mobile form factor and
// screen, simulated slow 4G and a 4× slower CPU), and for every score below 100 the audits that
// fail; then the performance metrics.
//
// Usage: node bench/lighthouse.mjs [--site DIR] [--runs N] [--json FILE]
//   --site  a kbgen output folder (default public/ of this checkout: run
//           `cargo run --release -- build` first)
//   --runs  Lighthouse runs per page (default 1); the table shows each category's median, and
//           the failing audits of the run whose performance score is the median
//   --json  also writes every run's scores and failing audits to FILE
//
// How: the site is served on 127.0.0.1 by tests/browser/site.mjs's server (the 404 page of the
// path's language with status 404 for a missing path; text gzip-compressed and content-hashed
// assets cached for a year, as a host or CDN serves them), and npm `lighthouse` (bench/
// package.json, pinned) drives Debian's Chromium (/usr/bin/chromium, or $CHROMIUM), started
// headless once for all runs; each run opens a fresh page with an empty cache.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import lighthouse from "lighthouse";
import { REPO, serve } from "../tests/browser/site.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SITE = resolve(opt("--site", join(REPO, "public")));
const RUNS = Number(opt("--runs", "1"));
const JSON_OUT = opt("--json", null);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const SHORT = { performance: "perf", accessibility: "a11y", "best-practices": "bp", seo: "seo" };

// Every page type in both languages. The article is the seed article, with three server tables
// and contents; the category is a top-level one, with subcategories.
const PAGES = [
  ["home", "sv", "/"],
  ["home", "en", "/en/"],
  ["category", "sv", "/e-post/"],
  ["category", "en", "/en/email/"],
  ["article", "sv", "/kb/e-postprotokoll-imap-vs-pop3/"],
  ["article", "en", "/en/kb/email-protocol-imap-vs-pop3/"],
  ["search", "sv", "/sok/?q=imap"],
  ["search", "en", "/en/search/?q=imap"],
  // A missing path gets the 404 page with status 404, which Lighthouse does not audit (its
  // runtime error ERRORED_DOCUMENT_REQUEST, no scores); the same page as its file, with status
  // 200, is audited as readers see it.
  ["404", "sv", "/finns-inte/"],
  ["404", "en", "/en/does-not-exist/"],
  ["404 (file)", "sv", "/404.html"],
  ["404 (file)", "en", "/en/404.html"],
  // The translators' status page: not linked from the site, and noindex.
  ["translations", "sv", "/_translations/"],
  ["translations", "en", "/en/_translations/"],
];

if (!existsSync(join(SITE, "index.html"))) {
  console.error(`no site at ${SITE}: run cargo run --release -- build (or give --site DIR)`);
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium is missing at ${CHROMIUM}: apt-get install chromium`);
  process.exit(1);
}

/** Debian's Chromium, headless, with its DevTools port; resolves to { port, close }. */
function startChromium() {
  const profile = mkdtempSync(join(tmpdir(), "kbgen-lighthouse-"));
  const chrome = spawn(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", `--user-data-dir=${profile}`,
    "--remote-debugging-port=0", "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });
  const close = () => new Promise((done) => {
    chrome.once("exit", () => {
      rmSync(profile, { recursive: true, force: true });
      done();
    });
    chrome.kill();
  });
  return new Promise((ok, fail) => {
    let err = "";
    chrome.stderr.on("data", (d) => {
      err += d;
      const m = err.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
      if (m) ok({ port: Number(m[1]), close });
    });
    chrome.once("exit", (code) => fail(new Error(`chromium exited ${code}:\n${err}`)));
  });
}

/** An audit as listed: its id, title and what it shows (a time, a count, the elements). */
function describe(audit) {
  const items = (audit.details?.items ?? []).map((i) => i.node?.selector ?? i.url ?? i.source?.url ?? i.description)
    .filter(Boolean).slice(0, 4);
  const shown = audit.displayValue ? ` (${audit.displayValue})` : "";
  return `${audit.id}${shown}: ${audit.title}${items.length ? ` [${items.join(", ")}]` : ""}`;
}

/** One run's scores (0–100) and, per category below 100, its failing audits. */
function summary(lhr) {
  const scores = {}, failing = {};
  if (lhr.runtimeError) {
    return { scores: Object.fromEntries(CATEGORIES.map((c) => [c, null])), failing,
      warnings: lhr.runWarnings, error: lhr.runtimeError.code };
  }
  for (const c of CATEGORIES) {
    const cat = lhr.categories[c];
    scores[c] = Math.round(cat.score * 100);
    if (scores[c] === 100) continue;
    failing[c] = cat.auditRefs
      .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
      .filter(({ ref, audit }) => (ref.weight > 0 || c !== "performance" || audit.scoreDisplayMode === "metricSavings") &&
        audit.score !== null &&
        audit.score < 1 && ["binary", "numeric", "metricSavings"].includes(audit.scoreDisplayMode))
      .map(({ audit }) => describe(audit));
  }
  const metric = (id) => lhr.audits[id]?.numericValue;
  const metrics = { fcp: metric("first-contentful-paint"), lcp: metric("largest-contentful-paint"),
    tbt: metric("total-blocking-time"), cls: metric("cumulative-layout-shift"), si: metric("speed-index") };
  return { scores, failing, metrics, warnings: lhr.runWarnings };
}

const median = (xs) => xs.includes(null) ? null : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const shownScore = (r, c) => r.scores[c] ?? "n/a";

const cacheFor = (file) => /\.[0-9a-f]{8}\.(css|js)$/.test(basename(file))
  ? "public, max-age=31536000, immutable" : "no-cache";
const site = await serve(SITE, cacheFor, { gzip: true });
const chrome = await startChromium();
const results = [];
try {
  for (const [type, lang, path] of PAGES) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const result = await lighthouse(site.url + path, { port: chrome.port, output: "json",
        logLevel: "error", onlyCategories: CATEGORIES });
      runs.push(summary(result.lhr));
      process.stderr.write(`${type} ${lang} run ${r + 1}: ${CATEGORIES.map((c) => runs.at(-1).scores[c] ?? runs.at(-1).error).join("/")}\n`);
    }
    const perf = median(runs.map((r) => r.scores.performance));
    const shown = runs.find((r) => r.scores.performance === perf) ?? runs[0];
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, median(runs.map((r) => r.scores[c]))]));
    results.push({ type, lang, path, scores, failing: shown.failing, metrics: shown.metrics, runs });
  }
} finally {
  await chrome.close();
  await site.close();
}

const { version } = JSON.parse(readFileSync(join(REPO, "bench/node_modules/lighthouse/package.json"), "utf8"));
console.log(`Lighthouse ${version}, mobile (default config), ${RUNS} run(s) per page, ${SITE}\n`);
console.log(`| page | lang | path | ${CATEGORIES.map((c) => SHORT[c]).join(" | ")} |`);
console.log(`|---|---|---|${CATEGORIES.map(() => "---:").join("|")}|`);
for (const r of results) {
  console.log(`| ${r.type} | ${r.lang} | \`${r.path}\` | ${CATEGORIES.map((c) => shownScore(r, c)).join(" | ")} |`);
}
console.log("\nThe run of median performance (simulated: slow 4G, 4× CPU slowdown): first and largest contentful");
console.log("paint, total blocking time, cumulative layout shift, speed index.\n");
console.log("| page | lang | FCP | LCP | TBT | CLS | SI |\n|---|---|---:|---:|---:|---:|---:|");
const ms = (v) => v === undefined ? "n/a" : `${(v / 1000).toFixed(2)} s`;
for (const r of results.filter((r) => r.metrics)) {
  const m = r.metrics;
  console.log(`| ${r.type} | ${r.lang} | ${ms(m.fcp)} | ${ms(m.lcp)} | ${m.tbt === undefined ? "n/a" : `${Math.round(m.tbt)} ms`} | ` +
    `${m.cls === undefined ? "n/a" : m.cls.toFixed(3)} | ${ms(m.si)} |`);
}
for (const r of results) {
  const below = Object.entries(r.failing);
  const warnings = r.runs.flatMap((run) => run.warnings);
  const errors = new Set(r.runs.map((run) => run.error).filter(Boolean));
  if (!below.length && !warnings.length && !errors.size) continue;
  console.log(`\n${r.type} (${r.lang}) ${r.path}:`);
  for (const e of errors) console.log(`  not audited: Lighthouse's runtime error ${e}`);
  for (const [c, audits] of below) {
    console.log(`  ${SHORT[c]} ${r.scores[c]}: ${audits.length ? "" : "(no single audit fails)"}`);
    for (const a of audits) console.log(`    - ${a}`);
  }
  for (const w of new Set(warnings)) console.log(`  warning: ${w}`);
}
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
