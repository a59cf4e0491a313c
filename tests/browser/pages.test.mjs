// Every page kbgen publishes for the shipped site: valid HTML (Nu Html Checker), accessible
// (axe-core in real headless Chromium, light and dark), well structured, responsive and light.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { PAGES, SCHEMES, WIDTHS, openPage } from "./pages.mjs";
import { buildSite, launch, serve, write } from "./site.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const AXE_VERSION = require("axe-core/package.json").version;
const VNU = String(require("vnu-jar"));
const BUDGET = 30 * 1024; // bytes, gzip -9 of an article's HTML, CSS and JS

let browser, out, site;

before(async () => {
  browser = await launch();
  out = buildSite();
  site = await serve(out);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(".html"))
    .map((f) => join(dir, f))
    .sort();
}

/** Runs a command to its end: { code, stdout, stderr }, or rejects when it cannot start. */
function run(cmd, args) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout = [], stderr = [];
    child.stdout.on("data", (b) => stdout.push(b));
    child.stderr.on("data", (b) => stderr.push(b));
    child.on("error", fail);
    child.on("close", (code) => ok({
      code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(),
    }));
  });
}

test("every generated page is valid HTML (Nu Html Checker)", async (t) => {
  const files = htmlFiles(out);
  assert.ok(files.includes(join(out, "404.html")) && files.includes(join(out, "en/404.html")));
  // The shipped site has aliases: their redirect pages are checked too.
  assert.ok(files.some((f) => readFileSync(f, "utf8").includes('http-equiv="refresh"')), "no redirect page");
  // A page with a known error proves the checker really checks.
  const canary = join(mkdtempSync(join(tmpdir(), "kbgen-vnu-")), "canary.html");
  writeFileSync(canary, '<!DOCTYPE html><html lang="en"><title>x</title><p><div>x</div></p></html>\n');

  const java = process.env.JAVA || "java";
  let result;
  try {
    result = await run(java, ["-jar", VNU, "--errors-only", "--format", "json", canary, ...files]);
  } catch (e) {
    assert.fail(`cannot run ${java} (${e.code || e.message}): the Nu Html Checker needs Java 11 or ` +
      "later; install it with apt-get install -y default-jre-headless, or set JAVA");
  }
  let report;
  try {
    report = JSON.parse(result.stderr || result.stdout);
  } catch {
    assert.fail(`vnu exited ${result.code} without a JSON report:\n${result.stderr}${result.stdout}`);
  }
  t.diagnostic(`vnu ${report.version}: ${files.length} pages in one run`);
  const isCanary = (m) => m.url && decodeURI(m.url).endsWith("/canary.html");
  assert.ok(report.messages.some(isCanary), "the checker found no error in the broken canary page");
  const errors = report.messages.filter((m) => !isCanary(m)).map((m) => {
    const file = m.url ? relative(out, decodeURI(m.url.replace(/^file:/, ""))) : "?";
    return `${file}:${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ${m.type}: ${m.message}` +
      (m.extract ? `\n    ${m.extract.replace(/\n/g, "⏎")}` : "");
  });
  assert.deepEqual(errors, [], `${errors.length} HTML errors:\n${errors.join("\n")}`);
});

for (const spec of PAGES) {
  for (const scheme of SCHEMES) {
    test(`axe: ${spec.name} in ${scheme} mode has no serious or critical violation`, async () => {
      const page = await openPage(browser, site.url, spec, { scheme });
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const dark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
      assert.equal(dark, scheme === "dark", `the page is not in ${scheme} mode (background ${bg})`);
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      assert.equal(result.testEngine.version, AXE_VERSION);
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) =>
        `    ${n.target.join(" ")}\n      ${n.failureSummary.replace(/\n/g, "\n      ")}`).join("\n"));
      assert.deepEqual(report, [], `${spec.path} (${scheme}):\n${report.join("\n")}`);
      await page.close();
    });
  }
}

for (const spec of PAGES) {
  test(`structure: ${spec.name} has one h1 and one main, headings in order, landmarks, a skip link`, async () => {
    const page = await openPage(browser, site.url, spec);
    const s = await page.evaluate(() => {
      const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
        .map((h) => ({ level: Number(h.tagName[1]), text: h.textContent.trim() }));
      const skip = document.querySelector("body > a.skip-link");
      const target = skip && document.getElementById(skip.getAttribute("href").replace(/^#/, ""));
      return {
        lang: document.documentElement.lang,
        headings,
        h1: document.querySelectorAll("h1").length,
        main: document.querySelectorAll("main, [role=main]").length,
        banner: document.querySelectorAll("body > header").length,
        contentinfo: document.querySelectorAll("body > footer").length,
        unnamedNav: [...document.querySelectorAll("nav")].filter((n) => !n.getAttribute("aria-label")).length,
        outside: [...document.body.children]
          .filter((e) => !e.matches("header, nav, main, footer, script, a.skip-link"))
          .map((e) => e.outerHTML.slice(0, 80)),
        firstChild: document.body.firstElementChild === skip,
        skipHref: skip?.getAttribute("href"),
        skipText: skip?.textContent.trim(),
        skipTarget: target ? target.tagName : null,
        searchForm: document.querySelectorAll("form[role=search]").length,
        thWithoutScope: [...document.querySelectorAll("th")]
          .filter((th) => !["col", "row", "colgroup", "rowgroup"].includes(th.getAttribute("scope")))
          .map((th) => th.outerHTML),
        tablesWithoutHeaders: [...document.querySelectorAll("table")].filter((t) => !t.querySelector("th")).length,
        images: [...document.querySelectorAll("main img")].map((i) => ({
          src: i.getAttribute("src"), alt: i.getAttribute("alt"), width: i.getAttribute("width"),
          height: i.getAttribute("height"), loading: i.getAttribute("loading"),
        })),
        imagesWithoutAlt: [...document.querySelectorAll("img:not([alt])")].map((i) => i.outerHTML),
      };
    });
    const where = `${spec.path}: `;
    assert.equal(s.lang, spec.lang, where + "html lang");
    assert.equal(s.h1, 1, where + "h1 elements");
    assert.equal(s.main, 1, where + "main elements");
    assert.equal(s.banner, 1, where + "site header (banner)");
    assert.equal(s.contentinfo, 1, where + "site footer (contentinfo)");
    assert.equal(s.unnamedNav, 0, where + "nav without a name");
    assert.ok(s.searchForm >= 1, where + "no search landmark");
    assert.deepEqual(s.outside, [], where + "content outside landmarks");
    assert.equal(s.headings[0]?.level, 1, where + "the first heading is not the h1");
    for (let i = 1; i < s.headings.length; i++) {
      const [a, b] = [s.headings[i - 1], s.headings[i]];
      assert.ok(b.level <= a.level + 1, `${where}h${a.level} "${a.text}" is followed by h${b.level} "${b.text}"`);
    }
    assert.ok(s.firstChild, where + "the skip link is not the first element of the body");
    assert.match(s.skipHref ?? "", /^#.+/, where + "skip link href");
    assert.ok(s.skipText, where + "skip link text");
    assert.equal(s.skipTarget, "MAIN", where + `skip link target ${s.skipHref}`);
    assert.deepEqual(s.thWithoutScope, [], where + "table headers without scope");
    assert.equal(s.tablesWithoutHeaders, 0, where + "tables without headers");
    assert.deepEqual(s.imagesWithoutAlt, [], where + "images without alt");
    if (spec.article) {
      for (const img of s.images) {
        assert.ok(img.alt, `${where}${img.src}: empty alt text`);
        assert.match(img.width ?? "", /^\d+$/, `${where}${img.src}: width`);
        assert.match(img.height ?? "", /^\d+$/, `${where}${img.src}: height`);
        assert.equal(img.loading, "lazy", `${where}${img.src}: loading`);
      }
    }

    // The keyboard: the first Tab shows the skip link, Enter moves to the main content.
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const e = document.activeElement, r = e.getBoundingClientRect(), cs = getComputedStyle(e);
      return { cls: e.className, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
        outline: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth), vw: innerWidth };
    });
    assert.equal(skip.cls, "skip-link", where + "the first Tab does not reach the skip link");
    assert.ok(skip.top >= 0 && skip.bottom > skip.top && skip.left >= 0 && skip.right <= skip.vw,
      `${where}the focused skip link is not on screen: ${JSON.stringify(skip)}`);
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => location.hash), s.skipHref, where + "the skip link goes nowhere");
    await page.close();
  });
}

test("focus is visible on every link, field and button of every page type", async () => {
  for (const spec of PAGES) {
    for (const scheme of SCHEMES) {
      const page = await openPage(browser, site.url, spec, { scheme });
      const count = await page.evaluate(() => document.querySelectorAll("a[href], input:not([type=hidden]), button").length);
      const seen = new Set();
      for (let i = 0; i < Math.min(count, 60); i++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(() => {
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          const cs = getComputedStyle(e);
          return { what: e.outerHTML.slice(0, 70), style: cs.outlineStyle, width: parseFloat(cs.outlineWidth),
            color: cs.outlineColor, visible: e.matches(":focus-visible") };
        });
        if (!f || seen.has(f.what)) continue;
        seen.add(f.what);
        assert.ok(f.visible && f.style !== "none" && f.width >= 2,
          `${spec.path} (${scheme}): no visible focus on ${f.what}: ${JSON.stringify(f)}`);
      }
      assert.ok(seen.size >= 3, `${spec.path}: Tab reached only ${seen.size} elements`);
      await page.close();
    }
  }
});

test("no horizontal overflow at 375, 768 and 1280 px on any page type", async () => {
  const problems = [];
  for (const width of WIDTHS) {
    for (const spec of PAGES) {
      const page = await openPage(browser, site.url, spec, { width });
      const m = await page.evaluate(() => {
        const root = document.documentElement;
        const wide = [...document.body.querySelectorAll("*")]
          .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5)
          .slice(0, 5).map((e) => e.outerHTML.slice(0, 80));
        return { scroll: root.scrollWidth, client: root.clientWidth, wide };
      });
      if (m.scroll > m.client) problems.push(`${spec.path} at ${width}px: scrollWidth ${m.scroll} > ${m.client}\n    ${m.wide.join("\n    ")}`);
      await page.close();
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});

test("at 375 px every region that scrolls is reached by Tab, scrolled by the arrow keys and named; axe agrees", async () => {
  let scrolled = 0;
  // The article pages, and two whose code blocks (and, in English, a table) are wider than a phone.
  const wide = [{ path: "/kb/tvinga-https/" }, { path: "/en/kb/spf-dkim-and-dmarc/" }];
  for (const spec of [...PAGES.filter((p) => p.article), ...wide]) {
    const page = await openPage(browser, site.url, spec, { width: 375 });
    // Every element that scrolls (its content wider or taller than its box, overflow auto or
    // scroll), found by its style rather than by class.
    const regions = await page.evaluate(() => [...document.body.querySelectorAll("*")]
      .filter((e) => {
        const cs = getComputedStyle(e);
        return (/auto|scroll/.test(cs.overflowX) && e.scrollWidth > e.clientWidth + 1) ||
          (/auto|scroll/.test(cs.overflowY) && e.scrollHeight > e.clientHeight + 1);
      })
      .map((e) => ({ what: e.outerHTML.slice(0, 90), tabIndex: e.tabIndex, role: e.getAttribute("role"),
        name: e.getAttribute("aria-label") })));
    for (const r of regions) {
      assert.ok(r.tabIndex === 0 && r.role === "region" && r.name?.trim(), `${spec.path}: ${JSON.stringify(r)}`);
    }
    const before = await page.evaluate(() => [...document.querySelectorAll("[role=region][tabindex='0']")]
      .map((e) => e.scrollLeft));
    const reached = new Set();
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      const at = await page.evaluate(() => {
        const e = document.activeElement;
        return e?.matches("[role=region]") && e.scrollWidth > e.clientWidth + 1
          ? { n: [...document.querySelectorAll("[role=region]")].indexOf(e),
            visible: e.matches(":focus-visible") && getComputedStyle(e).outlineStyle !== "none" } : null;
      });
      if (!at || reached.has(at.n)) continue;
      reached.add(at.n);
      assert.ok(at.visible, `${spec.path}: a focused region shows no focus`);
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(() => document.activeElement.scrollLeft > 0);
      scrolled++;
    }
    assert.ok(before.every((x) => x === 0));
    await page.addScriptTag({ path: AXE });
    const axe = await page.evaluate(() => window.axe.run(document, { runOnly: ["scrollable-region-focusable"] }));
    assert.deepEqual(axe.violations.map((v) => v.nodes.map((n) => n.target.join(" "))), [], spec.path);
    if (regions.length) assert.ok(axe.passes.length > 0, `${spec.path}: axe found no scrolling region`);
    await page.close();
  }
  assert.ok(scrolled >= 4, `only ${scrolled} regions scrolled by the keyboard`);
});

const HASHED = /^\/[\w-]+\.[0-9a-f]{8,}\.(css|js)$/;

test("pages load only content-hashed CSS and JS", async () => {
  for (const spec of PAGES) {
    const page = await openPage(browser, site.url, spec);
    const refs = await page.evaluate(() => [...document.querySelectorAll(
      "link[rel=stylesheet], link[rel=modulepreload], link[rel=preload], script[src]")]
      .map((e) => e.getAttribute("href") ?? e.getAttribute("src")));
    assert.ok(refs.some((r) => r.endsWith(".css")), `${spec.path}: no stylesheet`);
    for (const r of refs) assert.match(r, HASHED, `${spec.path}: ${r} has no content hash`);
    if (spec.name.startsWith("search")) assert.ok(refs.some((r) => r.endsWith(".js")), `${spec.path}: no script`);
    await page.close();
  }
  // And in the markup of every generated page, not only the page types above.
  for (const file of htmlFiles(out)) {
    const html = readFileSync(file, "utf8");
    const refs = [...html.matchAll(/<(?:link[^>]*\brel="(?:stylesheet|modulepreload|preload)"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"/g)]
      .map((m) => m[1]);
    for (const r of refs) assert.match(r, HASHED, `${relative(out, file)}: ${r} has no content hash`);
  }
});

test("a changed stylesheet gets a new name", async () => {
  const name = (dir) => readFileSync(join(dir, "index.html"), "utf8").match(/href="(\/style\.[^"]+\.css)"/)[1];
  const changed = buildSite((root) => write(root, "static/style.css",
    readFileSync(join(root, "static/style.css"), "utf8") + "\n.changed { color: red; }\n"));
  assert.notEqual(name(changed), name(out));
  assert.match(readFileSync(join(changed, name(changed)), "utf8"), /\.changed \{ color: red; \}/);
});

for (const spec of PAGES.filter((p) => p.name === "article-sv" || p.name === "article-en")) {
  test(`page weight: ${spec.path} with its CSS and JS is under 30 KB compressed`, async (t) => {
    const page = await browser.newPage();
    const responses = [];
    page.on("response", (r) => responses.push(r));
    await page.goto(site.url + spec.path, { waitUntil: "networkidle" });
    // Scroll through the page so lazy content that loads on the way counts too.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState("networkidle");
    const parts = [];
    for (const r of responses) {
      const type = r.request().resourceType();
      const mime = (await r.headerValue("content-type")) ?? "";
      if (type === "image" || type === "media" || mime.startsWith("image/") || r.status() >= 300) continue;
      const body = await r.body();
      parts.push({ url: new URL(r.url()).pathname, type, raw: body.length, gz: gzipSync(body, { level: 9 }).length });
    }
    const types = parts.map((p) => p.type);
    assert.ok(types.includes("document") && types.includes("stylesheet"), JSON.stringify(parts));
    for (const p of parts) if (p.type !== "document") assert.match(p.url, HASHED);
    const total = parts.reduce((n, p) => n + p.gz, 0);
    const detail = parts.map((p) => `${p.url} ${p.raw} B → ${p.gz} B`).join(", ");
    t.diagnostic(`${spec.path}: ${(total / 1024).toFixed(1)} KB gzip -9 (${detail})`);
    assert.ok(total < BUDGET, `${spec.path}: ${total} B compressed, budget ${BUDGET} B`);

    // Images do not count, but they must not cost layout or an early download.
    const imgs = await page.$$eval("img", (is) => is.map((i) => [i.getAttribute("width"), i.getAttribute("height"), i.getAttribute("loading")]));
    assert.ok(imgs.length > 0, `${spec.path}: the seed article has images`);
    for (const [w, h, loading] of imgs) {
      assert.ok(w && h, `${spec.path}: image without width/height`);
      assert.equal(loading, "lazy");
    }
    await page.close();
  });
}
