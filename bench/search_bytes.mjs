#!/usr/bin/env node
// Search download benchmark: how many bytes (compressed) a browser must download before it can
// show the first results of a query, for kbgen's search and for Pagefind, on the SAME built kbgen
// site (Pagefind indexes kbgen's HTML output).
//
// Usage: node bench/search_bytes.mjs [--site DIR] [--json FILE] [--header [--delay MS]]
//   --site  a kbgen output folder (default /tmp/kbgen-bench/out/kbgen-10000, as bench/compare.sh
//           leaves it); Pagefind's index is expected in DIR/pagefind-bench/ and is built there
//           with bench/node_modules/.bin/pagefind when missing.
//   --header  the suggestions under every page's header field instead of the search page: the
//           home page of the query's language is loaded, the field focused and the query typed
//           (page.keyboard.type, MS milliseconds between keys, default 0: the whole query
//           before the script's pause between keystrokes ends, as when pasted; 150 is a steady
//           typist, whose every prefix is searched too), until the list holds the suggestions
//           of the whole query. Counted as for the search page: the search script and
//           everything under /search-index/ (the page script is part of every page's first
//           paint, and is reported apart). Pagefind shows as many results as the list does
//           (SUGGESTIONS in the page script) and searches the whole query once.
//
// How: a Node static server on 127.0.0.1 serves the site and records every path requested; real
// headless Chromium (Debian's /usr/bin/chromium through playwright-core from tests/browser) loads,
// in a fresh browser context (empty cache) per query,
//   kbgen:    the real search page, /sok/?q=… or /en/search/?q=…, until #search-results shows its
//             results (the page runs Index.search(q) and fetches index.doc(id) of the first 10);
//   Pagefind: a tiny page written into the site (bench-search/pagefind-<lang>.html, <html lang>
//             set so Pagefind picks that language's index) that imports /pagefind-bench/pagefind.js
//             and runs pagefind.search(q) and Promise.all(results.slice(0, 10).map(r => r.data())).
// Counted: kbgen's script and everything under /search-index/; everything under /pagefind-bench/
// (pagefind.js, its worker if any, the wasm, pagefind-entry.json, the language's .pf_meta, index
// chunks and the fragments of the first 10 results). Not counted for either: the HTML page, CSS,
// favicon. Each file is counted once per query session, as the gzip -9 size of its bytes
// (zlib.gzipSync level 9; the same rule for both tools, though Pagefind's .pf_* and wasm files
// are gzip already, so for them this is their size plus ~20 bytes) and the brotli size
// (zlib.brotliCompressSync, quality 11). The kbgen side is cross-checked in Node with the real
// Index class of the built search script and a fetchText that records each path.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as lib from "./search_lib.mjs";
import { PF_DIR, SEARCH_PAGE, ensurePagefind, launch, readFile, serve } from "./search_lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SITE = resolve(opt("--site", "/tmp/kbgen-bench/out/kbgen-10000"));
const JSON_OUT = opt("--json", null);
const HEADER = args.includes("--header");
const DELAY = Number(opt("--delay", "0"));
const HOME = { sv: "/", en: "/en/" };
const FIELD = "form.search-form[data-engine] input[type=search]";
// The page script every page loads, and the number of suggestions it shows.
const PAGE_SCRIPT = (readFileSync(join(SITE, "index.html"), "utf8").match(/<script type="module" src="\/(page\b[^"]*)"/) || [])[1];
const SUGGESTIONS = PAGE_SCRIPT &&
  Number((readFileSync(join(SITE, PAGE_SCRIPT), "utf8").match(/const SUGGESTIONS = (\d+)/) || [])[1]);
if (HEADER && !SUGGESTIONS) {
  console.error(`--header: no page script with SUGGESTIONS in ${SITE}/index.html`);
  process.exit(1);
}
const SHOWN = HEADER ? SUGGESTIONS : 10;

// Half Swedish (the sv index, /sok/), half English (/en/search/).
const QUERIES = [
  ["sv", "imap"],
  ["sv", "imap 993"],
  ["sv", "lösenord"],
  ["sv", "kontrollpanelen"],
  ["sv", "thunderbird"],
  ["sv", "byta lösenord e-post"],
  ["en", "smtp port"],
  ["en", "password"],
  ["en", "certificate"],
  ["en", "email server settings"],
  ["en", "dns"],
  ["en", "wordpress plugin"],
  // Typos, the first letter's too (added with search round two, #25): words the index does
  // not have, so the vocabularies of typo candidates are fetched as well.
  ["sv", "lösenrod"],
  ["en", "hunderbird"],
  ["en", "certficate"],
];

if (!existsSync(join(SITE, "sok/index.html"))) {
  console.error(`no kbgen site at ${SITE}: run bench/compare.sh 10000 first (or pass --site DIR)`);
  process.exit(1);
}
ensurePagefind(SITE);

// --- Sizes ---------------------------------------------------------------------------------
const sizeCache = new Map();
function sizes(rel) {
  if (!sizeCache.has(rel)) {
    const file = join(SITE, rel);
    if (!existsSync(file) || !statSync(file).isFile()) {
      sizeCache.set(rel, { raw: 0, gz: 0, br: 0, missing: true });
    } else {
      const b = readFileSync(file);
      sizeCache.set(rel, {
        raw: b.length,
        gz: gzipSync(b, { level: 9 }).length,
        br: brotliCompressSync(b, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length },
        }).length,
      });
    }
  }
  return sizeCache.get(rel);
}
function total(paths) {
  const t = { files: 0, raw: 0, gz: 0, br: 0, missing: 0 };
  for (const p of paths) {
    const s = sizes(p.replace(/^\//, ""));
    if (s.missing) { t.missing++; continue; }
    t.files++; t.raw += s.raw; t.gz += s.gz; t.br += s.br;
  }
  return t;
}
function dirTotal(dir) {
  let files = 0, bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else { files++; bytes += statSync(p).size; }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { files, bytes };
}

// --- The site's search script (search_lib.mjs) -------------------------------------------------
const scriptOf = (lang) => lib.scriptOf(SITE, lang);
const indexDirOf = (lang) => lib.indexDirOf(SITE, lang);

// --- kbgen in Node: the real Index class, a fresh one per query --------------------------------
async function kbgenNode(lang, q) {
  const { Index } = await import(pathToFileURL(join(SITE, scriptOf(lang))).href);
  const base = indexDirOf(lang);
  const fetched = new Set();
  const index = new Index((path) => {
    fetched.add(base + path);
    return readFile(join(SITE, base, path));
  });
  const { results } = await index.search(q);
  const top = results.slice(0, SHOWN);
  const docs = await Promise.all(top.map((r) => index.doc(r.doc)));
  // The file holding each shown document's record, in result order (files hold several).
  const per = (await index.meta()).docs_per_file;
  const docPaths = top.map((r) => `${base}d/${Math.floor(r.doc / per)}.json`);
  return { paths: [scriptOf(lang), ...fetched], count: results.length, docPaths, urls: docs.map((d) => d.u) };
}

// --- Static server that records requests (search_lib.mjs), Pagefind's page, the browser ----------
let requests = [];
const pagefindPage = (lang) => lib.pagefindPage(lang, SHOWN);

async function session(browser, server, url, ready) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  requests = [];
  await page.goto(server.url + url);
  const result = await ready(page);
  const log = requests.slice();
  await context.close();
  if (errors.length) throw new Error(`${url}: ${errors.join("; ")}`);
  return { result, log };
}

function uniq(paths) {
  return [...new Set(paths)];
}

async function main() {
  for (const lang of ["sv", "en"]) {
    mkdirSync(join(SITE, "bench-search"), { recursive: true });
    writeFileSync(join(SITE, "bench-search", `pagefind-${lang}.html`), pagefindPage(lang));
  }
  const server = await serve(SITE, (r) => requests.push(r));
  const browser = await launch();
  const rows = [];
  try {
    for (const [lang, q] of QUERIES) {
      // kbgen: the real search page, or the header field's suggestions.
      const k = HEADER ? await session(browser, server, HOME[lang], async (page) => {
        await page.focus(FIELD);
        await page.keyboard.type(q, { delay: DELAY });
        const list = await page.waitForFunction(([sel, query]) => {
          const input = document.querySelector(sel);
          const l = document.getElementById(input.getAttribute("aria-controls"));
          const all = l && !l.hidden && l.lastElementChild;
          return all && new URL(all.dataset.href, location.href).searchParams.get(input.name) === query && l;
        }, [FIELD, q], { timeout: 60000 });
        return list.evaluate((l) => ({
          shown: l.children.length - 1,
          urls: [...l.children].slice(0, -1).map((li) => li.dataset.href),
        }));
      }) : await session(browser, server, `${SEARCH_PAGE[lang]}?q=${encodeURIComponent(q)}`, async (page) => {
        await page.waitForFunction(() => {
          const list = document.getElementById("search-results");
          const status = document.getElementById("search-status");
          return list && status && status.textContent.trim() !== "";
        }, null, { timeout: 60000 });
        return page.evaluate(() => ({
          shown: document.querySelectorAll("#search-results li").length,
          urls: [...document.querySelectorAll("#search-results li a")].map((a) => a.getAttribute("href")),
          status: document.getElementById("search-status").textContent,
        }));
      });
      const script = scriptOf(lang);
      const kPaths = uniq(k.log.filter((r) => r.status === 200 &&
        (r.path === script || r.path.startsWith("/search-index/"))).map((r) => r.path));
      const node = await kbgenNode(lang, q);
      const nodeSet = new Set(node.paths);
      const same = kPaths.length === nodeSet.size && kPaths.every((p) => nodeSet.has(p));

      // Pagefind: its JS API on a page of the same language.
      const p = await session(browser, server, `/bench-search/pagefind-${lang}.html?q=${encodeURIComponent(q)}`, async (page) => {
        await page.waitForFunction(() => window.__done, null, { timeout: 120000 });
        return page.evaluate(() => window.__done);
      });
      if (p.result.error) throw new Error(`pagefind, "${q}": ${p.result.error}`);
      const pPaths = uniq(p.log.filter((r) => r.status === 200 && r.path.startsWith(`/${PF_DIR}/`)).map((r) => r.path));
      const pf404 = p.log.filter((r) => r.status !== 200 && r.path.startsWith(`/${PF_DIR}/`)).map((r) => r.path);

      const kt = total(kPaths);
      const pt = total(pPaths);
      // The first 5 only (Pagefind's UI loads 5 results at first): without the documents /
      // fragments of results 6–10.
      const kEarly = new Set(node.docPaths.slice(0, 5));
      const kLate = new Set(node.docPaths.slice(5).filter((x) => !kEarly.has(x)));
      const pLate = new Set(pPaths.filter((x) => x.includes("/fragment/")).filter((x) => {
        const id = x.split("/").pop().replace(/\.pf_fragment$/, "");
        return p.result.ids.indexOf(id) >= 5;
      }));
      const kt5 = total(kPaths.filter((x) => !kLate.has(x)));
      const pt5 = total(pPaths.filter((x) => !pLate.has(x)));
      rows.push({
        lang, q,
        kbgen: { ...kt, results: node.count, shown: k.result.shown, paths: kPaths, nodeMatchesBrowser: same, first5: kt5 },
        pagefind: { ...pt, results: p.result.count, shown: p.result.ids.length, paths: pPaths, notFound: pf404, first5: pt5 },
      });
      if (!same) {
        console.error(`note: "${q}": the browser fetched ${kPaths.length} kbgen files, the Node Index ${nodeSet.size}`);
      }
      console.error(`${lang} ${JSON.stringify(q)}: kbgen ${kt.files} files ${kt.gz} B gz; pagefind ${pt.files} files ${pt.gz} B gz`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  report(rows);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(rows, null, 1));
}

const kb = (n) => (n / 1024).toFixed(1) + " KiB";
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function report(rows) {
  const entry = JSON.parse(readFileSync(join(SITE, PF_DIR, "pagefind-entry.json"), "utf8"));
  const pages = Object.values(entry.languages).reduce((n, l) => n + l.page_count, 0);
  console.log(HEADER
    ? `\n## Search as you type: bytes downloaded before the header field shows its ${SHOWN} suggestions (${DELAY} ms between keys)`
    : `\n## Search: bytes downloaded before the first ${SHOWN} results are shown`);
  if (HEADER) {
    console.log(`\nNot counted: the page script every page loads at first paint, ${PAGE_SCRIPT}: ${kb(sizes(PAGE_SCRIPT).gz)} gzip.`);
  }
  console.log(`\nSite: ${SITE} (Pagefind ${entry.version} indexed its ${pages} HTML pages). ` +
    `gzip = zlib gzip level 9 of each fetched file, br = brotli quality 11; each file once per query ` +
    `(fresh browser context per query). kbgen: its script + index files; Pagefind: everything its JS API fetched.\n`);
  console.log("| query | lang | kbgen results | kbgen files | kbgen gzip | Pagefind results | Pagefind files | Pagefind gzip | kbgen/Pagefind (gzip) | kbgen br | Pagefind br | kbgen/Pagefind (br) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.q} | ${r.lang} | ${r.kbgen.results} | ${r.kbgen.files} | ${kb(r.kbgen.gz)} | ${r.pagefind.results} | ${r.pagefind.files} | ${kb(r.pagefind.gz)} | ${(r.kbgen.gz / r.pagefind.gz).toFixed(3)} | ${kb(r.kbgen.br)} | ${kb(r.pagefind.br)} | ${(r.kbgen.br / r.pagefind.br).toFixed(3)} |`);
  }
  const mg = median(rows.map((r) => r.kbgen.gz / r.pagefind.gz));
  const mb = median(rows.map((r) => r.kbgen.br / r.pagefind.br));
  const m5 = median(rows.map((r) => r.kbgen.first5.gz / r.pagefind.first5.gz));
  console.log(`\nMedian kbgen/Pagefind ratio, gzip: ${mg.toFixed(3)} (1/${(1 / mg).toFixed(1)}); brotli: ${mb.toFixed(3)} (1/${(1 / mb).toFixed(1)}).`);
  const worst = rows.reduce((w, r) => (r.kbgen.gz / r.pagefind.gz > w.kbgen.gz / w.pagefind.gz ? r : w));
  const mw = worst.kbgen.gz / worst.pagefind.gz;
  // The targets of search round two (#25): median at most a quarter, no query above 0.4.
  console.log(`Largest ratio, gzip: ${mw.toFixed(3)} ("${worst.q}").`);
  console.log(`Targets (gzip): median ≤ 0.25 ${mg <= 0.25 ? "met" : "NOT met"}; none > 0.4 ${mw <= 0.4 ? "met" : "NOT met"}.`);
  console.log(`With only the first 5 results' documents/fragments (Pagefind's UI loads 5 at first): median ratio ${m5.toFixed(3)}; ` +
    `kbgen median ${kb(median(rows.map((r) => r.kbgen.first5.gz)))}, Pagefind median ${kb(median(rows.map((r) => r.pagefind.first5.gz)))} gzip.`);
  console.log(`Medians, 10 results: kbgen ${kb(median(rows.map((r) => r.kbgen.gz)))}, Pagefind ${kb(median(rows.map((r) => r.pagefind.gz)))} gzip.`);
  const mismatch = rows.filter((r) => !r.kbgen.nodeMatchesBrowser).map((r) => r.q);
  console.log(mismatch.length
    ? `kbgen files fetched in Chromium and by the Node Index differ for: ${mismatch.join(", ")}.`
    : "kbgen: the files fetched in Chromium are exactly the script plus those the Node Index class fetched, for every query.");
  const notFound = rows.flatMap((r) => r.pagefind.notFound);
  if (notFound.length) console.log(`Pagefind requests answered 404 (not counted): ${uniq(notFound).join(", ")}.`);

  // Where the bytes go, for the first query of each language.
  for (const lang of ["sv", "en"]) {
    const r = rows.find((x) => x.lang === lang);
    const group = (paths, rules) => {
      const out = new Map();
      for (const p of paths) {
        const g = rules.find(([re]) => re.test(p))[1];
        const s = sizes(p.replace(/^\//, ""));
        const e = out.get(g) || { files: 0, gz: 0 };
        e.files++; e.gz += s.gz; out.set(g, e);
      }
      return [...out].map(([g, e]) => `${g} ${e.files}× ${kb(e.gz)}`).join(", ");
    };
    console.log(`\nBreakdown, "${r.q}" (${lang}), gzip:`);
    console.log(`- kbgen: ${group(r.kbgen.paths, [[/\.js$/, "script"], [/index\.json$/, "index.json"], [/\/t\d+\.txt$/, "term shards"], [/\/v[0-9a-f]+\.txt$/, "typo vocabulary"], [/\/d\//, "documents"], [/./, "other"]])}`);
    console.log(`- Pagefind: ${group(r.pagefind.paths, [[/pagefind\.js$/, "pagefind.js"], [/worker/, "worker"], [/wasm\./, "wasm"], [/entry\.json$/, "entry"], [/\.pf_meta$/, "meta"], [/\.pf_filter$/, "filters"], [/\.pf_index$/, "index chunks"], [/\.pf_fragment$/, "fragments"], [/./, "other"]])}`);
  }

  const ki = dirTotal(join(SITE, "search-index"));
  const pi = dirTotal(join(SITE, PF_DIR));
  const ui = readdirSync(join(SITE, PF_DIR)).filter((f) => /ui\.(js|css)$|highlight\.js$/.test(f));
  const uiBytes = ui.reduce((n, f) => n + statSync(join(SITE, PF_DIR, f)).size, 0);
  console.log(`\nIndex on disk (uncompressed): kbgen search-index/ ${(ki.bytes / 1e6).toFixed(1)} MB in ${ki.files} files ` +
    `(+ its script, ${kb(sizes(scriptOf("sv").slice(1)).raw)}); Pagefind ${PF_DIR}/ ${(pi.bytes / 1e6).toFixed(1)} MB in ${pi.files} files ` +
    `(of which its UI bundles ${ui.length} files, ${(uiBytes / 1e6).toFixed(2)} MB; Pagefind's .pf_* files are gzip-compressed on disk).`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
