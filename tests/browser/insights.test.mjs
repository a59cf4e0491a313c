// What the pages send to the insights receiver (kbgen.yaml's insights_url), in real headless
// Chromium: one event per search (when a result is opened, after a pause, or when the page is
// left), never per keystroke; the vote; and nothing at all without insights_url. The receiver
// is routed: every request to it is recorded with its body.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildSite, launch, serve } from "./site.mjs";

const INSIGHTS = "https://insights.example.se/events";
let browser, withInsights, without;

before(async () => {
  browser = await launch();
  withInsights = await serve(buildSite((root) => {
    const yaml = join(root, "kbgen.yaml");
    writeFileSync(yaml, readFileSync(yaml, "utf8") + `insights_url: ${INSIGHTS}\n`);
  }));
  without = await serve(buildSite());
});

after(async () => {
  await browser?.close();
  await withInsights?.close();
  await without?.close();
});

/**
 * Opens `path` of `site` in a context of its own; `events` collects the bodies sent to the
 * receiver, `next()` resolves when the next one arrives, `posts` every POST of the page.
 */
async function open(site, path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const events = [], posts = [], waiting = [];
  context.on("request", (r) => {
    if (r.method() === "POST") posts.push(r.url());
  });
  await context.route(INSIGHTS, (route) => {
    events.push(Object.fromEntries(new URLSearchParams(route.request().postData() ?? "")));
    for (const ok of waiting.splice(0)) ok();
    return route.fulfill({ status: 204, headers: { "access-control-allow-origin": "*" } });
  });
  // The feedback endpoint of the shipped site, answered so that votes do not fail.
  await context.route(/\/feedback$/, (route) => route.fulfill({ status: 204, headers: { "access-control-allow-origin": "*" } }));
  const page = await context.newPage();
  await page.goto(site.url + path, { waitUntil: "load" });
  return { page, events, posts, next: () => new Promise((ok) => waiting.push(ok)), close: () => context.close() };
}

/** Types `query` into the header's field and waits for its suggestions. */
async function suggest(page, query) {
  await page.focus("#site-search");
  await page.keyboard.type(query, { delay: 40 });
  await page.waitForFunction((q) => {
    const list = document.getElementById("site-search-list");
    return list && !list.hidden && list.lastElementChild?.textContent.includes(q);
  }, query);
}

/** How many results the search page finds for `query`, as the events should count them. */
async function resultsOf(site, search, query) {
  const { page, close } = await open(site, `${search}?q=${encodeURIComponent(query)}`);
  await page.waitForSelector("#search-results li");
  const status = await page.textContent("#search-status");
  await close();
  return Number(status.match(/\d+/)[0]);
}

test("the receiver is named on every page only when insights_url is set", async () => {
  for (const [site, expected] of [[withInsights, INSIGHTS], [without, undefined]]) {
    const { page, close } = await open(site, "/");
    assert.equal(await page.evaluate(() => document.body.dataset.insights), expected);
    await close();
  }
});

for (const { lang, article, search, query } of [
  { lang: "sv", article: "/kb/e-postprotokoll-imap-vs-pop3/", search: "/sok/", query: "lösenord" },
  { lang: "en", article: "/en/kb/email-protocol-imap-vs-pop3/", search: "/en/search/", query: "password" },
]) {
  test(`insights (${lang}): a suggestion opened is one search, with its rank; the keystrokes before are none`, async () => {
    const n = await resultsOf(withInsights, search, query);
    const { page, events, next, close } = await open(withInsights, article);
    await suggest(page, query);
    const sent = next();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForURL((u) => u.pathname !== article), page.keyboard.press("Enter")]);
    await sent;
    assert.deepEqual(events, [{ event: "search", lang, q: query, results: String(n), opened: "2" }]);
    await close();
  });

  test(`insights (${lang}): a query left standing is sent after the pause, unopened, and once`, async () => {
    const { page, events, next, close } = await open(withInsights, article);
    const sent = next();
    await suggest(page, query);
    await sent;
    assert.equal(events.length, 1);
    assert.equal(events[0].q, query);
    assert.equal(events[0].opened, "");
    // Leaving the page afterwards sends nothing more.
    await page.goto(withInsights.url + search, { waitUntil: "load" });
    assert.equal(events.length, 1, JSON.stringify(events));
    await close();
  });

  test(`insights (${lang}): the search page sends the result opened, and the query as typed`, async () => {
    const hostile = `<img src=x onerror=alert(1)>"a'b ${query}`;
    const { page, events, next, close } = await open(withInsights, `${search}?q=${encodeURIComponent(hostile)}`);
    page.on("dialog", () => assert.fail("a dialog opened"));
    await page.waitForSelector("#search-results li");
    const n = await page.$$eval("#search-results li", (li) => li.length);
    const sent = next();
    await Promise.all([page.waitForURL((u) => u.pathname !== search), page.click("#search-results li:first-child a")]);
    await sent;
    assert.equal(events.length, 1);
    assert.equal(events[0].q, hostile);
    assert.equal(events[0].opened, "1");
    assert.ok(Number(events[0].results) >= n, JSON.stringify(events[0]));
    await close();
  });

  test(`insights (${lang}): a vote is sent as a vote, with its reason`, async () => {
    const { page, events, next, close } = await open(withInsights, article);
    const form = page.locator(".feedback-vote");
    await form.locator("button[value=no]").click();
    await page.locator(".feedback-why input[name=reason]").first().check();
    const reason = await page.locator(".feedback-why input[name=reason]").first().getAttribute("value");
    const sent = next();
    await page.locator(".feedback-why button[type=submit]").click();
    await sent;
    const key = await form.locator("input[name=article]").getAttribute("value");
    assert.deepEqual(events, [{ event: "vote", article: key, lang, helpful: "no", reason, comment: "" }]);
    await close();
  });
}

test("insights: without insights_url a search and a vote send nothing but the vote's own post", async () => {
  const { page, posts, close } = await open(without, "/kb/e-postprotokoll-imap-vs-pop3/");
  await suggest(page, "lösenord");
  await page.keyboard.press("ArrowDown");
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/kb/e-postprotokoll")), page.keyboard.press("Enter")]);
  await page.goBack({ waitUntil: "load" });
  await page.locator(".feedback-vote button[value=yes]").click();
  await page.waitForSelector(".feedback-thanks:not([hidden])");
  assert.deepEqual(posts.map((u) => new URL(u).pathname), ["/feedback"]);
  await close();
});
