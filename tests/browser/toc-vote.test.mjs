// The reader's aids on article pages that need JavaScript (static/page.js), in real headless
// Chromium, Swedish and English, phone and desktop: the contents marking the section being
// read, and the feedback vote that asks why after No and is sent once per article per reader.

import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { axeSerious } from "./pages.mjs";
import { buildSite, launch, serve } from "./site.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const LANGS = ["sv", "en"];
const WIDTHS = [375, 1280];
/** Where a reader goes when they leave an article. */
const HOME = { sv: "/", en: "/en/" };

let browser, out, site, feedbackUrl;
/** Per language: the path of an article with contents. */
const articles = {};

before(async () => {
  browser = await launch();
  out = buildSite();
  site = await serve(out);
  feedbackUrl = readFileSync(join(dirname(out), "kbgen.yaml"), "utf8").match(/^feedback_url:\s*(\S+)/m)[1];
  for (const file of readdirSync(out, { recursive: true }).filter((f) => f.endsWith("index.html")).sort()) {
    const html = readFileSync(join(out, file), "utf8");
    if (!html.includes('class="article"')) continue;
    const lang = html.match(/<html lang="(\w+)"/)[1];
    articles[lang] ??= {};
    if (html.includes('class="toc"')) articles[lang].toc ??= "/" + file.replace(/index\.html$/, "");
  }
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** The text of a message of locales/<lang>/main.ftl (single-line messages only). */
function message(lang, id) {
  const ftl = readFileSync(join(dirname(out), "locales", lang, "main.ftl"), "utf8");
  return ftl.match(new RegExp(`^${id} = (.*)$`, "m"))[1];
}

/**
 * Opens `path` in a fresh context (its own localStorage) with the feedback URL routed: every
 * request to it is recorded in `posts` and answered 204 with CORS allowed, as a real endpoint
 * on another origin would.
 */
async function open(path, { width = 1280, scheme = "light", javaScript = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme, javaScriptEnabled: javaScript });
  const posts = [], waiting = [];
  await context.route(feedbackUrl, (route) => {
    const r = route.request();
    posts.push({ method: r.method(), type: r.headers()["content-type"], body: Object.fromEntries(new URLSearchParams(r.postData() ?? "")) });
    for (const ok of waiting.splice(0)) ok();
    return route.fulfill({ status: 204, headers: { "access-control-allow-origin": "*" } });
  });
  /** Resolves when the next request to the feedback URL has been recorded. */
  const posted = () => new Promise((ok) => waiting.push(ok));
  const page = await context.newPage();
  await page.goto(site.url + path, { waitUntil: "load" });
  if (javaScript) await frames(page);
  return { page, posts, posted, close: () => context.close() };
}

/** A feedback endpoint on its own port (another origin): records the bodies it is posted. */
function recorder() {
  const posts = [], waiting = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST") posts.push(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())));
      res.writeHead(204, { "access-control-allow-origin": "*" });
      res.end();
      for (const ok of waiting.splice(0)) ok();
    });
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({
    url: `http://127.0.0.1:${server.address().port}/feedback`, posts,
    next: () => new Promise((done) => waiting.push(done)),
    close: () => new Promise((done) => server.close(done)),
  })));
}

/** Waits for two animation frames: page.js's scroll handler has run by then. */
function frames(page) {
  return page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/**
 * The page hidden or shown again, as when a phone's reader switches app and back: headless
 * Chromium keeps its pages visible, so the page's document.visibilityState is set and the
 * event fired at the document, as the browser does.
 */
const visibility = (page, state) => page.evaluate((s) => {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => s });
  document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
}, state);

const marked = (page) => page.$$eval(".toc [aria-current]", (as) => as.map((a) => a.getAttribute("href")));

/** WCAG's contrast ratio of two computed rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test("the shipped site has articles with contents in both languages", () => {
  for (const lang of LANGS) assert.ok(articles[lang]?.toc, `${lang}: no article with contents`);
});

for (const lang of LANGS) {
  for (const width of WIDTHS) {
    test(`contents (${lang}, ${width}px): scrolling to a heading marks its link, one at a time`, async () => {
      const { page, close } = await open(articles[lang].toc, { width });
      assert.deepEqual(await marked(page), [], "a link is marked above the first heading");
      const ids = await page.$$eval(".toc nav a", (as) => as.map((a) => a.getAttribute("href")));
      assert.ok(ids.length >= 3, `${ids}`);
      let reached = 0;
      for (const href of ids) {
        // The heading a little below the top: the reader is at the start of its section.
        const atLine = await page.evaluate((id) => {
          const h = document.getElementById(decodeURIComponent(id.slice(1)));
          scrollTo(0, h.getBoundingClientRect().top + scrollY - innerHeight * 0.1);
          return h.getBoundingClientRect().top <= innerHeight * 0.25;
        }, href);
        // The last sections of a page may be too short to reach the line.
        if (!atLine) continue;
        reached++;
        await page.waitForFunction((id) => document.querySelector(`.toc a[href="${id}"]`).getAttribute("aria-current") === "true", href);
        assert.deepEqual(await marked(page), [href]);
      }
      assert.ok(reached >= 2, `only ${reached} headings reached the reading line`);
      await page.evaluate(() => scrollTo(0, 0));
      await page.waitForFunction(() => !document.querySelector(".toc [aria-current]"));
      await close();
    });

    test(`contents (${lang}, ${width}px): following a link by keyboard marks it, until the reader scrolls`, async () => {
      const { page, close } = await open(articles[lang].toc, { width });
      const last = await page.$eval(".toc nav li:last-child a", (a) => a.getAttribute("href"));
      for (let i = 0; i < 40 && await page.evaluate(() => document.activeElement.getAttribute("href")) !== last; i++) {
        await page.keyboard.press("Tab");
      }
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), last, "Tab never reached the last link");
      await page.keyboard.press("Enter");
      await page.waitForFunction((id) => document.querySelector(`.toc a[href="${id}"]`).getAttribute("aria-current") === "true", last);
      assert.equal(await page.evaluate(() => location.hash), last);
      assert.deepEqual(await marked(page), [last]);
      await page.evaluate(() => scrollTo(0, 0));
      await page.waitForFunction(() => !document.querySelector(".toc [aria-current]"));
      await close();
    });
  }
}

for (const scheme of ["light", "dark"]) {
  test(`contents (${scheme}): the marked link has a bar and weight, not colour alone`, async () => {
    const { page, close } = await open(articles.sv.toc, { scheme });
    const first = await page.$eval(".toc nav a", (a) => a.getAttribute("href"));
    await page.evaluate((id) => document.getElementById(decodeURIComponent(id.slice(1))).scrollIntoView(), first);
    await page.waitForFunction(() => document.querySelector(".toc [aria-current]"));
    const [on, off] = await page.$$eval(".toc nav a", (as) => as.slice(0, 2).map((a) => {
      const cs = getComputedStyle(a);
      return { weight: Number(cs.fontWeight), bar: parseFloat(cs.borderLeftWidth), color: cs.borderLeftColor,
        bg: getComputedStyle(a.closest(".toc")).backgroundColor };
    }));
    assert.ok(on.weight >= 700 && off.weight < 700, JSON.stringify({ on, off }));
    assert.ok(on.bar >= 3, JSON.stringify(on));
    assert.ok(contrast(on.color, on.bg) >= 3, `the bar's contrast: ${JSON.stringify(on)}`);
    assert.match(off.color, /rgba\(0, 0, 0, 0\)|transparent/);
    await close();
  });
}

test("a page without contents or vote runs page.js without an error", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(site.url + HOME.en, { waitUntil: "load" });
  await frames(page);
  assert.equal(await page.locator(".toc, .feedback").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

const about = async (page) => ({
  article: await page.$eval(".feedback-vote [name=article]", (i) => i.value),
  lang: await page.$eval(".feedback-vote [name=lang]", (i) => i.value),
});

/** The thanks is shown, in a polite live region, focused (or not), and the forms are gone. */
async function assertThanks(page, lang, { focused }) {
  const s = await page.evaluate(() => {
    const p = document.querySelector(".feedback-thanks");
    return { text: p.textContent, visible: !!p.offsetParent, region: p.closest("[role=status]") !== null,
      focused: document.activeElement === p,
      forms: [...document.querySelectorAll(".feedback form")].filter((f) => f.offsetParent).length };
  });
  assert.deepEqual(s, { text: message(lang, "feedback-thanks"), visible: true, region: true, focused, forms: 0 });
}

for (const lang of LANGS) {
  for (const width of WIDTHS) {
    test(`vote (${lang}, ${width}px): Yes posts once, thanks the reader, and a reload shows the thanks`, async () => {
      const { page, posts, posted, close } = await open(articles[lang].toc, { width });
      const sent = posted();
      await page.click(".feedback-vote button[value=yes]");
      await sent;
      await page.waitForFunction(() => document.activeElement?.matches(".feedback-thanks"));
      assert.deepEqual(posts, [{ method: "POST", type: "application/x-www-form-urlencoded;charset=UTF-8",
        body: { ...await about(page), helpful: "yes", reason: "", comment: "" } }]);
      assert.equal(posts[0].body.lang, lang);
      await assertThanks(page, lang, { focused: true });

      await page.reload({ waitUntil: "load" });
      await page.waitForFunction(() => !document.querySelector(".feedback-thanks").hidden);
      await assertThanks(page, lang, { focused: false });
      await page.goto(site.url + HOME[lang], { waitUntil: "load" });
      await frames(page);
      assert.equal(posts.length, 1, JSON.stringify(posts));
      await close();
    });

    test(`vote (${lang}, ${width}px): No asks why; the reason and the trimmed comment are posted`, async () => {
      const { page, posts, posted, close } = await open(articles[lang].toc, { width });
      await page.click(".feedback-vote button[value=no]");
      await page.waitForFunction(() => document.activeElement?.matches("fieldset.feedback-reasons"));
      assert.equal(posts.length, 0, "No was sent before the reader said why");
      const form = await page.evaluate(() => ({
        legend: document.querySelector(".feedback-reasons legend").textContent,
        reasons: [...document.querySelectorAll(".feedback-reasons label")].map((l) => [l.querySelector("input").value, l.textContent.trim()]),
        comment: document.querySelector("label[for=feedback-comment]").textContent,
        max: document.querySelector("#feedback-comment").maxLength,
        hint: document.querySelector("#feedback-comment").getAttribute("aria-describedby"),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      }));
      assert.deepEqual(form, {
        legend: message(lang, "feedback-why"),
        reasons: ["unclear", "wrong", "missing", "other"].map((r) => [r, message(lang, `feedback-reason-${r}`)]),
        comment: message(lang, "feedback-comment"), max: 500, hint: "feedback-comment-hint", overflow: 0,
      });
      await page.check(".feedback-reasons input[value=wrong]");
      await page.fill("#feedback-comment", "  Port 993 is closed  \n");
      const sent = posted();
      await page.click(".feedback-why button[type=submit]");
      await sent;
      await page.waitForFunction(() => document.activeElement?.matches(".feedback-thanks"));
      assert.deepEqual(posts.map((p) => p.body), [{ ...await about(page), helpful: "no", reason: "wrong", comment: "Port 993 is closed" }]);
      await assertThanks(page, lang, { focused: true });
      // Sent already: leaving sends no beacon.
      await page.goto(site.url + HOME[lang], { waitUntil: "load" });
      await frames(page);
      assert.equal(posts.length, 1, JSON.stringify(posts));
      await close();
    });
  }

  test(`vote (${lang}): a comment is cut to 500 characters, and no reason is sent as empty`, async () => {
    const { page, posts, posted, close } = await open(articles[lang].toc);
    await page.click(".feedback-vote button[value=no]");
    await page.waitForFunction(() => document.activeElement?.matches("fieldset.feedback-reasons"));
    // A script may set more than maxlength lets a reader type.
    await page.$eval("#feedback-comment", (t) => { t.value = " " + "å".repeat(499) + "xyz "; });
    const sent = posted();
    await page.click(".feedback-why button[type=submit]");
    await sent;
    assert.deepEqual(posts.map((p) => p.body), [{ ...await about(page), helpful: "no", reason: "", comment: "å".repeat(499) + "x" }]);
    await close();
  });

  test(`vote (${lang}): No and then leaving the page sends the no by beacon, once`, async () => {
    // Chromium's beacons from a page being left pass by page.route, so a real endpoint on
    // another origin receives them, in a site built to post there.
    const endpoint = await recorder();
    const beaconSite = await serve(buildSite((root) => {
      const yaml = join(root, "kbgen.yaml");
      writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/^feedback_url:.*$/m, `feedback_url: ${endpoint.url}`));
    }));
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(beaconSite.url + articles[lang].toc, { waitUntil: "load" });
      const who = await about(page);
      await page.click(".feedback-vote button[value=no]");
      await page.waitForFunction(() => document.activeElement?.matches("fieldset.feedback-reasons"));
      await page.check(".feedback-reasons input[value=other]");
      const beacon = endpoint.next();
      await page.goto(beaconSite.url + HOME[lang], { waitUntil: "load" });
      await beacon;
      assert.deepEqual(endpoint.posts, [{ ...who, helpful: "no", reason: "", comment: "" }]);
      await page.goBack({ waitUntil: "load" });
      await page.waitForFunction(() => !document.querySelector(".feedback-thanks").hidden);
      await assertThanks(page, lang, { focused: false });
      await page.goto(beaconSite.url + HOME[lang], { waitUntil: "load" });
      await frames(page);
      assert.equal(endpoint.posts.length, 1, JSON.stringify(endpoint.posts));
    } finally {
      await context.close();
      await beaconSite.close();
      await endpoint.close();
    }
  });

  test(`vote (${lang}): No and then the page hidden (the reader switches app) sends the no by beacon, once`, { timeout: 30_000 }, async () => {
    // Phones may end a hidden page without a pagehide. The endpoint is real, as above, so that
    // a second beacon when the page is left later would be seen too.
    const endpoint = await recorder();
    const beaconSite = await serve(buildSite((root) => {
      const yaml = join(root, "kbgen.yaml");
      writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/^feedback_url:.*$/m, `feedback_url: ${endpoint.url}`));
    }));
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(beaconSite.url + articles[lang].toc, { waitUntil: "load" });
      const who = await about(page);
      await page.click(".feedback-vote button[value=no]");
      await page.waitForFunction(() => document.activeElement?.matches("fieldset.feedback-reasons"));
      assert.equal(endpoint.posts.length, 0, "No was sent before the page was hidden");
      const beacon = endpoint.next();
      await visibility(page, "hidden");
      await beacon;
      assert.deepEqual(endpoint.posts, [{ ...who, helpful: "no", reason: "", comment: "" }]);
      // Back to the page: it thanks the reader; hidden again and then left, nothing more is sent.
      await visibility(page, "visible");
      await assertThanks(page, lang, { focused: false });
      await visibility(page, "hidden");
      await page.goto(beaconSite.url + HOME[lang], { waitUntil: "load" });
      await frames(page);
      assert.equal(endpoint.posts.length, 1, JSON.stringify(endpoint.posts));
    } finally {
      await context.close();
      await beaconSite.close();
      await endpoint.close();
    }
  });

  test(`vote (${lang}): the keyboard alone goes through No, a reason, a comment and Send, focus visible`, async () => {
    const { page, posts, posted, close } = await open(articles[lang].toc, { width: 375 });
    const focused = () => page.evaluate(() => {
      const e = document.activeElement, cs = getComputedStyle(e);
      return { what: e.matches("button") ? `button:${e.value || e.type}` : e.matches("input") ? `${e.type}:${e.value}` : e.tagName.toLowerCase(),
        visible: e.matches(":focus-visible") && cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2 };
    });
    for (let i = 0; i < 80 && (await focused()).what !== "button:no"; i++) await page.keyboard.press("Tab");
    assert.deepEqual(await focused(), { what: "button:no", visible: true });
    await page.keyboard.press("Space");
    await page.waitForFunction(() => document.activeElement?.matches("fieldset.feedback-reasons"));
    await page.keyboard.press("Tab");
    assert.deepEqual(await focused(), { what: "radio:unclear", visible: true });
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await focused(), { what: "radio:wrong", visible: true });
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Tab");
    assert.deepEqual(await focused(), { what: "textarea", visible: true });
    await page.keyboard.type("Hej");
    await page.keyboard.press("Tab");
    assert.deepEqual(await focused(), { what: "button:submit", visible: true });
    const sent = posted();
    await page.keyboard.press("Enter");
    await sent;
    await page.waitForFunction(() => document.activeElement?.matches(".feedback-thanks"));
    assert.deepEqual(posts.map((p) => p.body), [{ ...await about(page), helpful: "no", reason: "missing", comment: "Hej" }]);
    await close();
  });
}

test("vote: without JavaScript the form posts article, lang and helpful as a page", async () => {
  const { page, posts, posted, close } = await open(articles.en.toc, { javaScript: false });
  const who = await about(page);
  assert.equal(await page.locator(".feedback-why").isVisible(), false);
  await Promise.all([posted(), page.click(".feedback-vote button[value=no]", { noWaitAfter: true })]);
  assert.deepEqual(posts.map((p) => [p.method, p.body]), [["POST", { ...who, helpful: "no" }]]);
  await close();
});

for (const lang of LANGS) {
  for (const scheme of ["light", "dark"]) {
    for (const state of ["reasons", "thanks"]) {
      test(`axe (${lang}, ${scheme}): the article with the ${state} shown has no serious or critical violation`, async () => {
        const { page, close } = await open(articles[lang].toc, { scheme, width: state === "reasons" ? 375 : 1280 });
        await page.click(`.feedback-vote button[value=${state === "reasons" ? "no" : "yes"}]`);
        await page.waitForFunction((s) => document.activeElement?.matches(s === "reasons" ? "fieldset.feedback-reasons" : ".feedback-thanks"), state);
        if (state === "reasons") await page.check(".feedback-reasons input[value=unclear]");
        assert.deepEqual(await axeSerious(page, AXE), []);
        await close();
      });
    }
  }
}
