#!/usr/bin/env node
// Search relevance benchmark: does the article a reader should get come first, for kbgen's search
// and for Pagefind, on the SAME built kbgen site (Pagefind indexes kbgen's HTML output)?
//
// Usage: node bench/relevance.mjs --site DIR --set FILE [--site DIR --set FILE …] [--json OUT] [--verbose]
//   --site     a kbgen output folder; Pagefind's index is expected in DIR/pagefind-bench/ and is
//              built there with bench/node_modules/.bin/pagefind when missing or older than
//              kbgen's index (DIR/search-index/sv/index.json)
//   --set      a relevance set for that site (bench/relevance/*.tsv): one query a line,
//              lang<TAB>query<TAB>url[ url…], the URLs the equally right first answers, `#` comments
//   --json     write every query's ranks and result URLs, and the summary, to OUT
//   --verbose  print each query's rank per tool
// bench/relevance.sh builds both sites of bench/relevance/ with a given kbgen and runs this.
//
// How: kbgen: the real Index class of the site's built search script (/search.<hash>.js) in Node,
// a fresh one per query, with a fetchText that reads the files of search-index/<code>/ from disk;
// `index.search(q)`, then `index.doc(id).u` of the first 10 results. Pagefind: headless Chromium
// (Debian's /usr/bin/chromium through playwright-core from tests/browser), one browser and one
// page for the whole run, against a Node static server on 127.0.0.1; for each query it loads
// bench-search/pagefind-<lang>.html?q=… (search_bytes.mjs's page: <html lang> picks the index),
// which runs pagefind.search(q) and the data() of the first 10 results.
// Each result URL is normalised to a path with a trailing slash (index.html dropped); a result
// that is one of kbgen's redirect pages (an article's old URL, `aliases:`) counts as the article
// it redirects to, for either tool. Scores, per tool and set and overall: top-1 (share of queries
// whose first result is an expected URL), top-3, MRR (mean of 1/rank of the first expected URL
// within the first 10, 0 when none). The output has no timings: the same sites and sets print
// the same bytes.

import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PF_DIR, SEARCH_PAGE, ensurePagefind, indexDirOf, launch, pagefindPage, readFile, scriptOf, serve } from "./search_lib.mjs";

const SHOWN = 10;
// Pagefind's page loads this many results' data, so that its ranking restricted to article pages
// (below) still has 10 results.
const PF_LOADED = 30;
// "pagefindArticles": Pagefind's results with every page that is not an article (home, category
// and search pages, which Pagefind indexes too as kbgen's templates carry no data-pagefind-body)
// left out: an estimate of a Pagefind set-up that indexes articles only.
const TOOLS = ["kbgen", "pagefind", "pagefindArticles"];
const LABEL = { kbgen: "kbgen", pagefind: "Pagefind", pagefindArticles: "Pagefind, articles only" };

// --- Arguments --------------------------------------------------------------------------------
const args = process.argv.slice(2);
const pairs = [];
let JSON_OUT = null;
let VERBOSE = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--site") pairs.push({ site: resolve(args[++i] ?? "") });
  else if (a === "--set") {
    if (!pairs.length || pairs[pairs.length - 1].set) usage(`--set ${args[i + 1]} without a --site before it`);
    pairs[pairs.length - 1].set = resolve(args[++i] ?? "");
  } else if (a === "--json") JSON_OUT = args[++i];
  else if (a === "--verbose" || a === "-v") VERBOSE = true;
  else usage(`unknown argument ${a}`);
}
if (!pairs.length || pairs.some((p) => !p.set)) usage("each --site needs a --set");
function usage(msg) {
  console.error(`${msg}\nusage: node bench/relevance.mjs --site DIR --set FILE [--site DIR --set FILE …] [--json OUT] [--verbose]`);
  process.exit(2);
}

// --- Relevance sets ---------------------------------------------------------------------------
function readSet(file) {
  const out = [];
  readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    if (/^\s*(#|$)/.test(line)) return;
    const f = line.replace(/\r$/, "").split("\t");
    if (f.length !== 3 || !SEARCH_PAGE[f[0]] || !f[1].trim() || !f[2].trim()) {
      throw new Error(`${file}:${i + 1}: expected lang<TAB>query<TAB>url[ url…] with lang sv or en`);
    }
    out.push({ line: i + 1, lang: f[0], q: f[1], expected: f[2].trim().split(/\s+/).map(normalise) });
  });
  return out;
}

// A result URL as a site path: no origin, query or fragment, index.html dropped, a trailing slash
// on folder paths.
function normalise(u) {
  let p = decodeURIComponent(new URL(u, "http://x").pathname);
  p = p.replace(/(^|\/)index\.html$/, "$1");
  if (!p.endsWith("/") && !/\.[a-z0-9]+$/i.test(p)) p += "/";
  return p;
}

// kbgen's redirect pages (meta refresh) stand for the page they send the reader to.
function resolveRedirect(site, path) {
  const file = path.endsWith("/") ? join(site, path, "index.html") : join(site, path);
  if (!existsSync(file) || !statSync(file).isFile()) return { path, redirected: false };
  const m = readFileSync(file, "utf8").match(/<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"/i);
  return m ? { path: normalise(m[1]), redirected: true } : { path, redirected: false };
}

// The page's <h1> (else its <title>), to show what came first.
const titles = new Map();
function titleOf(site, path) {
  const key = site + path;
  if (!titles.has(key)) {
    const file = path.endsWith("/") ? join(site, path, "index.html") : join(site, path);
    let t = "";
    if (existsSync(file) && statSync(file).isFile()) {
      const html = readFileSync(file, "utf8");
      const m = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/) || html.match(/<title>([\s\S]*?)<\/title>/);
      if (m) t = m[1].replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, " ").trim();
    }
    titles.set(key, t);
  }
  return titles.get(key);
}

// --- kbgen in Node: the real Index class, a fresh one per query --------------------------------
async function kbgenSearch(site, lang, q) {
  const { Index } = await import(pathToFileURL(join(site, scriptOf(site, lang))).href);
  const base = indexDirOf(site, lang);
  const index = new Index((path) => readFile(join(site, base, path)));
  const { results } = await index.search(q);
  const docs = await Promise.all(results.slice(0, SHOWN).map((r) => index.doc(r.doc)));
  return { count: results.length, urls: docs.map((d) => d.u) };
}

// --- Pagefind in Chromium -----------------------------------------------------------------------
async function pagefindSearch(page, server, lang, q) {
  await page.goto(`${server.url}/bench-search/pagefind-${lang}.html?q=${encodeURIComponent(q)}`);
  await page.waitForFunction(() => window.__done, null, { timeout: 120000 });
  const r = await page.evaluate(() => window.__done);
  if (r.error) throw new Error(`pagefind, "${q}": ${r.error}`);
  return { count: r.count, urls: r.urls };
}

function preparePagefind(site) {
  const entry = join(site, PF_DIR, "pagefind-entry.json");
  const kbIndex = join(site, "search-index/sv/index.json");
  if (existsSync(entry) && existsSync(kbIndex) && statSync(entry).mtimeMs < statSync(kbIndex).mtimeMs) {
    console.error(`${site}: Pagefind's index is older than kbgen's, building it again`);
    rmSync(join(site, PF_DIR), { recursive: true, force: true });
  }
  ensurePagefind(site);
  mkdirSync(join(site, "bench-search"), { recursive: true });
  for (const lang of Object.keys(SEARCH_PAGE)) {
    writeFileSync(join(site, "bench-search", `pagefind-${lang}.html`), pagefindPage(lang, PF_LOADED));
  }
  return JSON.parse(readFileSync(entry, "utf8"));
}

// Rank (1-based) of the first expected URL among the first SHOWN results, else 0; with
// articlesOnly, among the first SHOWN results that are article pages.
function rankOf(site, urls, expected, articlesOnly = false) {
  const want = new Set(expected);
  let paths = urls.map((u) => resolveRedirect(site, normalise(u)));
  if (articlesOnly) paths = paths.filter((p) => isArticle(site, p.path));
  paths = paths.slice(0, SHOWN);
  const i = paths.findIndex((p) => want.has(p.path));
  return { rank: i + 1, paths: paths.map((p) => p.path), redirected: paths.filter((p) => p.redirected).length };
}

// An article page of kbgen's templates has an <article> element; category, home and search
// pages have none.
const articles = new Map();
function isArticle(site, path) {
  const key = site + path;
  if (!articles.has(key)) {
    const file = path.endsWith("/") ? join(site, path, "index.html") : join(site, path);
    articles.set(key, existsSync(file) && statSync(file).isFile() && /<article[\s>]/.test(readFileSync(file, "utf8")));
  }
  return articles.get(key);
}

async function main() {
  const rows = [];
  const sites = [];
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    for (const { site, set } of pairs) {
      if (!existsSync(join(site, "sok/index.html"))) throw new Error(`no kbgen site at ${site}`);
      const name = basename(set).replace(/\.tsv$/, "");
      const queries = readSet(set);
      const entry = preparePagefind(site);
      sites.push({ name, site, set, queries: queries.length, pagefind: entry.version,
        pagefindPages: Object.values(entry.languages).reduce((n, l) => n + l.page_count, 0) });
      const server = await serve(site);
      try {
        for (const query of queries) {
          const k = await kbgenSearch(site, query.lang, query.q);
          const p = await pagefindSearch(page, server, query.lang, query.q);
          if (errors.length) throw new Error(`${query.q}: ${errors.join("; ")}`);
          const row = { set: name, line: query.line, lang: query.lang, q: query.q, expected: query.expected };
          for (const [tool, r] of [["kbgen", k], ["pagefind", p], ["pagefindArticles", p]]) {
            const { rank, paths, redirected } = rankOf(site, r.urls, query.expected, tool === "pagefindArticles");
            row[tool] = { rank, results: r.count, urls: paths, redirected,
              first: paths[0] ? { url: paths[0], title: titleOf(site, paths[0]) } : null };
          }
          rows.push(row);
          console.error(`${name} ${query.lang} ${JSON.stringify(query.q)}: kbgen ${row.kbgen.rank || "-"}, pagefind ${row.pagefind.rank || "-"} (articles only ${row.pagefindArticles.rank || "-"})`);
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
  }
  const summary = report(rows, sites);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ sites, summary, queries: rows }, null, 1) + "\n");
}

// --- Report -------------------------------------------------------------------------------------
function score(rows, tool) {
  const n = rows.length;
  const ranks = rows.map((r) => r[tool].rank);
  return {
    queries: n,
    top1: ranks.filter((x) => x === 1).length / n,
    top3: ranks.filter((x) => x >= 1 && x <= 3).length / n,
    mrr: ranks.reduce((s, x) => s + (x ? 1 / x : 0), 0) / n,
    found: ranks.filter((x) => x >= 1).length / n,
  };
}
const pct = (x) => (100 * x).toFixed(1) + " %";

function report(rows, sites) {
  console.log(`\n## Search relevance: is an expected article first?\n`);
  for (const s of sites) {
    console.log(`- ${s.name}: ${s.queries} queries (${s.set.replace(/.*\/bench\//, "bench/")}) on ${s.site}; Pagefind ${s.pagefind} indexed its ${s.pagefindPages} HTML pages`);
  }
  console.log(`\ntop-1 / top-3: share of queries with an expected URL first / in the first 3; MRR: mean of 1/rank of the first expected URL in the first ${SHOWN} (0 when none); in 10: share with one in the first ${SHOWN}.\n`);
  const summary = [];
  const groups = [...sites.map((s) => [s.name, rows.filter((r) => r.set === s.name)]), ...(sites.length > 1 ? [["all", rows]] : [])];
  console.log("| site | tool | queries | top-1 | top-3 | MRR | in 10 |");
  console.log("|---|---|---|---|---|---|---|");
  for (const [name, rs] of groups) {
    for (const tool of TOOLS) {
      const s = score(rs, tool);
      summary.push({ site: name, tool, ...s });
      console.log(`| ${name} | ${LABEL[tool]} | ${s.queries} | ${pct(s.top1)} | ${pct(s.top3)} | ${s.mrr.toFixed(3)} | ${pct(s.found)} |`);
    }
  }
  console.log("\nBy language:\n");
  console.log("| site | lang | queries | kbgen top-1 | Pagefind top-1 | kbgen MRR | Pagefind MRR |");
  console.log("|---|---|---|---|---|---|---|");
  for (const [name, rs] of groups) {
    for (const lang of Object.keys(SEARCH_PAGE)) {
      const l = rs.filter((r) => r.lang === lang);
      if (!l.length) continue;
      const k = score(l, "kbgen"), p = score(l, "pagefind");
      console.log(`| ${name} | ${lang} | ${l.length} | ${pct(k.top1)} | ${pct(p.top1)} | ${k.mrr.toFixed(3)} | ${p.mrr.toFixed(3)} |`);
    }
  }
  const red = ["kbgen", "pagefind"].map((t) => `${LABEL[t]} ${rows.reduce((n, r) => n + r[t].redirected, 0)}`).join(", ");
  console.log(`\nRedirect pages among the first ${SHOWN} results, counted as the article they send to: ${red}.`);

  if (VERBOSE) {
    console.log("\nRank of the first expected URL per query (– = not in the first 10):\n");
    console.log("| site | lang | query | kbgen | Pagefind | Pagefind, articles only |");
    console.log("|---|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.set} | ${r.lang} | ${md(r.q)} | ${r.kbgen.rank || "–"} | ${r.pagefind.rank || "–"} | ${r.pagefindArticles.rank || "–"} |`);
  }
  // The misses of "articles only" are those of Pagefind less the ones a non-article page caused.
  for (const tool of VERBOSE ? TOOLS : ["kbgen", "pagefind"]) {
    const miss = rows.filter((r) => r[tool].rank !== 1);
    console.log(`\n${LABEL[tool]}: ${miss.length} of ${rows.length} queries without an expected URL first:\n`);
    if (!miss.length) continue;
    console.log("| site | lang | query | rank | expected | first result |");
    console.log("|---|---|---|---|---|---|");
    for (const r of miss) {
      const f = r[tool].first;
      console.log(`| ${r.set} | ${r.lang} | ${md(r.q)} | ${r[tool].rank || "–"} | ${r.expected.join(" ")} | ${f ? `${f.url} (${md(f.title)})` : "no results"} |`);
    }
  }
  return summary;
}
const md = (s) => s.replace(/\|/g, "\\|");

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
