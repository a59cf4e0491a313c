// The header's search field as a combobox (WAI-ARIA list autocomplete), in real headless
// Chromium: what it loads and when, the keyboard alone, the same results as the search page,
// hostile queries, and axe, in both languages at phone and desktop widths, light and dark.

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { axeSerious } from "./pages.mjs";
import { buildSite, launch, serve } from "./site.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

const LANGS = [
  { lang: "sv", article: "/kb/e-postprotokoll-imap-vs-pop3/", search: "/sok/", query: "lösenord",
    all: "Alla resultat för ”lösenord”" },
  { lang: "en", article: "/en/kb/email-protocol-imap-vs-pop3/", search: "/en/search/", query: "password",
    all: "All results for “password”" },
];

let browser, site;

before(async () => {
  browser = await launch();
  site = await serve(buildSite());
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** The page of `path` at `width` px in `scheme`, and the paths it has asked for so far. */
async function open(path, { width = 1280, scheme = "light" } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  await page.emulateMedia({ colorScheme: scheme });
  const asked = [];
  page.on("request", (r) => asked.push(new URL(r.url()).pathname));
  page.on("dialog", (d) => {
    throw new Error(`a dialog opened: ${d.message()}`);
  });
  await page.goto(site.url + path, { waitUntil: "load" });
  return { page, asked };
}

/** Tabs from the top of the page to the header's search field, as a keyboard user does. */
async function tabToField(page) {
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.id === "site-search")) return;
  }
  assert.fail("ten Tabs did not reach the search field");
}

/** Types `query` and waits for the suggestions of exactly that query. */
async function typeAndWait(page, query) {
  await page.keyboard.type(query);
  await page.waitForFunction((q) => {
    const list = document.getElementById("site-search-list");
    return list && !list.hidden && list.lastElementChild?.textContent.includes(q);
  }, query);
}

/** The combobox's state as a screen reader meets it. */
const state = (page) => page.evaluate(() => {
  const input = document.getElementById("site-search");
  const list = document.getElementById(input.getAttribute("aria-controls"));
  return {
    role: input.getAttribute("role"),
    expanded: input.getAttribute("aria-expanded"),
    autocomplete: input.getAttribute("aria-autocomplete"),
    active: input.getAttribute("aria-activedescendant"),
    listRole: list?.getAttribute("role"),
    listLabel: list?.getAttribute("aria-label"),
    hidden: list?.hidden,
    options: [...(list?.children ?? [])].map((o) => ({
      id: o.id, role: o.getAttribute("role"), selected: o.getAttribute("aria-selected"),
      title: o.querySelector(".suggestion-title")?.textContent ?? null, text: o.textContent,
      href: o.dataset.href,
    })),
    focused: document.activeElement === input,
  };
});

test("an article page asks for no search code or index until the field is focused", async () => {
  const { page, asked } = await open(LANGS[0].article);
  const search = (p) => /^\/search\.|^\/search-index\//.test(p);
  assert.deepEqual(asked.filter(search), [], "search files loaded with the page");
  const engine = page.waitForRequest((r) => /^\/search\.[0-9a-f]+\.js$/.test(new URL(r.url()).pathname));
  const meta = page.waitForRequest((r) => new URL(r.url()).pathname === "/search-index/sv/index.json");
  await tabToField(page);
  await engine;
  await meta;
  assert.deepEqual(asked.filter((p) => p.startsWith("/search-index/")), ["/search-index/sv/index.json"],
    "focusing the field should fetch the index's table of contents and nothing more");
  await page.close();
});

for (const l of LANGS) {
  for (const width of [375, 1280]) {
    test(`${l.lang} at ${width}px: the combobox by keyboard alone suggests what the search page finds`, async () => {
      // What the search page shows first for the same query, by the same engine.
      const { page: results } = await open(`${l.search}?q=${encodeURIComponent(l.query)}`, { width });
      await results.waitForSelector("#search-results li");
      const expected = await results.$$eval("#search-results li > a", (as) => as.map((a) => ({
        title: a.textContent, href: new URL(a.href).pathname })));
      await results.close();

      const { page } = await open(l.article, { width });
      await tabToField(page);
      await typeAndWait(page, l.query);
      let s = await state(page);
      assert.equal(s.role, "combobox");
      assert.equal(s.expanded, "true");
      assert.equal(s.autocomplete, "list");
      assert.equal(s.listRole, "listbox");
      assert.ok(s.listLabel, "the listbox has no name");
      assert.equal(s.active, null, "an option is active before the reader moved to one");
      const articles = s.options.slice(0, -1);
      assert.ok(articles.length >= 2 && articles.length <= 8, `${articles.length} suggestions`);
      assert.deepEqual(articles.map((o) => ({ title: o.title, href: o.href })),
        expected.slice(0, articles.length), "the suggestions are not the search page's first results");
      assert.ok(s.options.every((o) => o.role === "option" && o.selected === "false"));
      assert.equal(s.options.at(-1).text, l.all);
      assert.equal(new Set(s.options.map((o) => o.id)).size, s.options.length, "option ids repeat");

      // ↓ moves to the first option, ↓ again to the second, ↑ back; the focus stays in the field.
      await page.keyboard.press("ArrowDown");
      s = await state(page);
      assert.equal(s.active, s.options[0].id);
      assert.deepEqual(s.options.map((o) => o.selected === "true"), s.options.map((_, i) => i === 0));
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowUp");
      s = await state(page);
      assert.equal(s.active, s.options[1].id);
      assert.ok(s.focused, "the focus left the field");
      // ↑ from the first option wraps round to "All results".
      await page.keyboard.press("ArrowUp");
      await page.keyboard.press("ArrowUp");
      assert.equal((await state(page)).active, s.options.at(-1).id);

      // Esc closes the list and keeps what was typed; ↓ opens it again.
      await page.keyboard.press("Escape");
      s = await state(page);
      assert.equal(s.expanded, "false");
      assert.equal(s.hidden, true);
      assert.equal(s.active, null);
      assert.equal(await page.inputValue("#site-search"), l.query);
      await page.keyboard.press("ArrowDown");
      s = await state(page);
      assert.equal(s.expanded, "true");

      // Enter opens the active option's article.
      await page.keyboard.press("ArrowDown");
      const target = (await state(page)).options[1].href;
      await Promise.all([page.waitForURL((u) => u.pathname === target), page.keyboard.press("Enter")]);
      await page.close();
    });
  }

  test(`${l.lang}: "All results" and Enter without an option open the search page`, async () => {
    const { page } = await open(l.article);
    await tabToField(page);
    await typeAndWait(page, l.query);
    await page.keyboard.press("ArrowUp");
    const wanted = (u) => u.pathname === l.search && u.searchParams.get("q") === l.query;
    await Promise.all([page.waitForURL(wanted), page.keyboard.press("Enter")]);
    await page.waitForSelector("#search-results li");

    // Enter with no option chosen submits the form, as without JavaScript.
    await page.goto(site.url + l.article);
    await tabToField(page);
    await typeAndWait(page, l.query);
    await Promise.all([page.waitForURL(wanted), page.keyboard.press("Enter")]);
    await page.close();
  });

  test(`${l.lang}: a click on a suggestion opens it`, async () => {
    const { page } = await open(l.article, { width: 375 });
    await page.click("#site-search");
    await typeAndWait(page, l.query);
    const s = await state(page);
    await Promise.all([page.waitForURL((u) => u.pathname === s.options[0].href),
      page.click(`#${s.options[0].id}`)]);
    await page.close();
  });

  for (const scheme of ["light", "dark"]) {
    for (const width of [375, 1280]) {
      test(`axe: ${l.lang} with suggestions open at ${width}px, ${scheme}, has no serious violation`, async () => {
        const { page } = await open(l.article, { width, scheme });
        await page.focus("#site-search");
        await typeAndWait(page, l.query);
        await page.keyboard.press("ArrowDown");
        assert.deepEqual(await axeSerious(page, AXE), []);
        const m = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        assert.ok(m.scroll <= m.client, `the open list overflows: ${JSON.stringify(m)}`);
        await page.close();
      });
    }
  }
}

test("a hostile query is shown as text, never as markup", async () => {
  const { page } = await open(LANGS[1].article);
  const imgs = () => page.evaluate(() => document.querySelectorAll("img").length);
  const before = await imgs();
  await page.focus("#site-search");
  const hostile = `<img src=x onerror=alert(1)>"a'b`;
  await typeAndWait(page, hostile);
  const s = await page.evaluate(() => {
    const list = document.getElementById("site-search-list");
    return { elements: [...list.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()),
      last: list.lastElementChild.textContent };
  });
  assert.equal(await imgs(), before, "the query added an image to the page");
  assert.ok(s.elements.every((t) => ["li", "span", "mark"].includes(t)), s.elements.join(" "));
  assert.equal(s.last, `All results for “${hostile}”`);
  await page.close();
});

test("the search page has no header field and so no combobox", async () => {
  const { page } = await open("/sok/?q=imap");
  assert.equal(await page.$("#site-search"), null);
  assert.equal(await page.$("[role=combobox]"), null);
  await page.close();
});
