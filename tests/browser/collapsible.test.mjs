// Collapsible sections (a heading marked {.collapsible}) in the shipped site's articles, in real
// headless Chromium, Swedish and English, phone and desktop, light and dark: closed until the
// reader opens one, by keyboard alone or by pointer, with or without JavaScript, and
// accessible (axe) open and closed.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { axeSerious } from "./pages.mjs";
import { buildSite, launch, serve } from "./site.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const LANGS = ["sv", "en"];

let browser, site;
/** Per language: the path of an article with collapsible sections and their questions. */
const faq = {};

before(async () => {
  browser = await launch();
  const out = buildSite();
  site = await serve(out);
  for (const file of readdirSync(out, { recursive: true }).filter((f) => f.endsWith("index.html")).sort()) {
    const html = readFileSync(join(out, file), "utf8");
    if (!html.includes('<details class="collapsible">')) continue;
    const lang = html.match(/<html lang="(\w+)"/)[1];
    faq[lang] ??= "/" + file.replace(/index\.html$/, "");
  }
});

after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(path, { width = 1280, scheme = "light", javaScript = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme, javaScriptEnabled: javaScript });
  const page = await context.newPage();
  await page.goto(site.url + path, { waitUntil: "load" });
  return { page, close: () => context.close() };
}

/** For each collapsible section: its question, whether it is open, whether its answer shows. */
const sections = (page) => page.$$eval("details.collapsible", (ds) => ds.map((d) => {
  const answer = d.querySelector(":scope > :not(summary)");
  return [d.querySelector("summary").textContent.trim(), d.open, answer.checkVisibility()];
}));

/** Presses Tab until `selector` has the focus (at most `max` times); returns how many. */
async function tabTo(page, selector, max = 80) {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return n;
  }
  throw new Error(`${selector} never had the focus`);
}

test("the shipped site has collapsible sections in both languages", () => {
  for (const lang of LANGS) assert.ok(faq[lang], `${lang}: no article with collapsible sections`);
});

for (const lang of LANGS) {
  for (const width of [375, 1280]) {
    for (const scheme of ["light", "dark"]) {
      test(`collapsible (${lang}, ${width}px, ${scheme}): closed at first, opened and closed by keyboard alone`, async () => {
        const { page, close } = await open(faq[lang], { width, scheme });
        const before = await sections(page);
        assert.ok(before.length >= 3, JSON.stringify(before));
        for (const [question, isOpen, shows] of before) {
          assert.ok(question.length > 3 && !question.includes("{"), question);
          assert.equal(isOpen, false, question);
          assert.equal(shows, false, `${question}: the answer shows while closed`);
        }
        // The question is a heading (so the contents and a screen reader's heading list find
        // it) inside the summary, which is what the keyboard reaches.
        const heading = await page.$eval("details.collapsible summary > h3", (h) => [h.id, h.textContent]);
        assert.ok(heading[0], "the question's heading has an id");
        assert.equal(await page.locator(`.toc a[href="#${heading[0]}"]`).count(), 1, "the contents lead to the question");
        await tabTo(page, "details.collapsible > summary");
        const focused = await page.evaluate(() => document.activeElement.textContent.trim());
        assert.equal(focused, before[0][0]);
        await page.keyboard.press("Enter");
        assert.deepEqual((await sections(page))[0], [before[0][0], true, true]);
        assert.deepEqual(await axeSerious(page, AXE), [], "open");
        await page.keyboard.press("Space");
        assert.deepEqual((await sections(page))[0], [before[0][0], false, false]);
        assert.deepEqual(await axeSerious(page, AXE), [], "closed");
        // Nothing is wider than the screen, open or closed.
        await page.$$eval("details.collapsible", (ds) => ds.forEach((d) => { d.open = true; }));
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "horizontal overflow");
        await close();
      });
    }
  }

  test(`collapsible (${lang}): a click opens a section without JavaScript, and only that one`, async () => {
    const { page, close } = await open(faq[lang], { javaScript: false });
    const before = await sections(page);
    await page.locator("details.collapsible > summary").nth(1).click();
    const after = await sections(page);
    assert.deepEqual(after.map(([, o]) => o), before.map((_, i) => i === 1));
    assert.equal(after[1][2], true, "the answer shows");
    await close();
  });
}

test("collapsible: printed, every answer shows though none was opened", async () => {
  const { page, close } = await open(faq.sv);
  await page.emulateMedia({ media: "print" });
  const shown = await sections(page);
  assert.ok(shown.length >= 3);
  for (const [question, isOpen, shows] of shown) assert.deepEqual([isOpen, shows], [false, true], question);
  await close();
});
