// `kbgen serve` in real headless Chromium: an edit reloads the open pages it changed, on its
// own, and leaves the other open pages as they are; a page whose slug is edited follows it to
// its new address; many open pages do not stall the next.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { REPO, launch } from "./site.mjs";

const BIN = process.env.KBGEN_BIN || join(REPO, "target/debug/kbgen");
const SEED = "content/email/basic-settings/email-protocols.sv.md";

let browser, root, server, base;
/** What the server has printed so far. */
let log = "";

/** Resolves once what the server printed after `from` (an offset in `log`) satisfies `ok`. */
async function logAfter(from, ok) {
  const deadline = Date.now() + 60000;
  while (!ok(log.slice(from))) {
    if (Date.now() > deadline) throw new Error(`the server never printed that:\n${log}`);
    await new Promise((next) => setTimeout(next, 20));
  }
}

function freePort() {
  return new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

before(async () => {
  browser = await launch();
  root = mkdtempSync(join(tmpdir(), "kbgen-serve-"));
  for (const item of ["kbgen.yaml", "synonyms.yaml", "servers.yaml", "snippets", "content", "locales", "templates", "static"]) {
    if (existsSync(join(REPO, item))) cpSync(join(REPO, item), join(root, item), { recursive: true });
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ["serve", "--port", String(port), "--root", root], { stdio: ["ignore", "ignore", "pipe"] });
  server.stderr.setEncoding("utf8");
  await new Promise((ok, fail) => {
    server.stderr.on("data", (d) => { log += d; if (log.includes("serving ")) ok(); });
    server.on("exit", (code) => fail(new Error(`kbgen serve exited (${code}): ${log}`)));
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** Opens `path` and marks the loaded document, so that a reload shows as a lost mark. */
async function open(path) {
  const page = await browser.newPage();
  await page.goto(base + path, { waitUntil: "load" });
  await page.evaluate(() => { window.kbgenMark = true; });
  return page;
}

const marked = (page) => page.evaluate(() => window.kbgenMark === true);

/** What the server tells a new reload socket for the document `page` shows now. */
const socketSays = (page) => page.evaluate(() => new Promise((ok) => {
  const h = document.documentElement.outerHTML.match(/__kbgen\/ws\?h=(\d+)/)[1];
  const p = encodeURIComponent(location.pathname);
  const w = new WebSocket(`ws://${location.host}/__kbgen/ws?h=${h}&p=${p}`);
  w.onmessage = (e) => { ok(e.data); w.close(); };
}));

test("an edit reloads the open pages it changed, and only those", async () => {
  const article = await open("/kb/e-postprotokoll-imap-vs-pop3/");
  const category = await open("/e-post/grundinstallningar/");
  const other = await open("/kb/vad-ar-ett-ocr-nummer/");
  const otherText = await other.textContent("main");
  assert.equal(await article.textContent("h1"), "E-postprotokoll (IMAP vs POP3)");

  const file = join(root, SEED);
  const edited = log.length;
  writeFileSync(file, readFileSync(file, "utf8")
    .replace('title: "E-postprotokoll (IMAP vs POP3)"', 'title: "IMAP, POP3 och SMTP"'));

  // Neither page is reloaded by the test: the pages' own script does it.
  await article.waitForFunction(() => document.querySelector("h1")?.textContent === "IMAP, POP3 och SMTP");
  await category.waitForFunction(() => document.querySelector("main")?.textContent.includes("IMAP, POP3 och SMTP"));
  assert.equal(await marked(article), false);
  assert.equal(await marked(category), false);
  // A page the edit did not change stays as it was, not reloaded, once the whole site is
  // rendered again: the server holds it unchanged, so its socket never said reload.
  await logAfter(edited, (l) => / \d+ pages in /.test(l));
  assert.equal(await socketSays(other), "watching");
  assert.equal(await marked(other), true);
  assert.equal(await other.textContent("main"), otherText);

  // An error is shown over every open page.
  writeFileSync(file, readFileSync(file, "utf8").replace("level: beginner", "level: expert"));
  await other.waitForSelector("#kbgen-errors");
  assert.match(await other.textContent("#kbgen-errors"), /email-protocols\.sv\.md:\d+:8: error:/);
});

test("eight open pages do not hold up the next one", async () => {
  // Browsers open at most six HTTP/1.1 connections to a host: the reload must not keep one
  // per open page (a long poll did, and the seventh page waited for a poll to end, 20 s).
  const context = await browser.newContext();
  // Each page notes whether its reload socket is open, and whether it ever closed.
  await context.addInitScript(() => {
    const Socket = window.WebSocket;
    window.kbgenSocket = "none";
    window.WebSocket = function (...args) {
      const w = new Socket(...args);
      w.addEventListener("open", () => { if (window.kbgenSocket === "none") window.kbgenSocket = "open"; });
      w.addEventListener("close", () => { window.kbgenSocket = "closed"; });
      return w;
    };
  });
  const open = [];
  const paths = ["/", "/en/", "/e-post/", "/en/email/", "/kb/vad-ar-ett-ocr-nummer/",
    "/en/kb/pay-your-invoice/", "/sok/", "/en/search/"];
  for (const path of paths) {
    const page = await context.newPage();
    const response = await page.goto(base + path, { waitUntil: "load" });
    assert.equal(response.status(), 200, path);
    await page.waitForFunction(() => window.kbgenSocket !== "none");
    open.push(page);
  }
  const next = await context.newPage();
  const response = await next.goto(base + "/webbhotell/", { waitUntil: "load" });
  assert.equal(response.status(), 200);
  // The ninth page came while every reload socket stayed open: none had to end to let it.
  for (const [i, page] of open.entries()) {
    assert.equal(await page.evaluate(() => window.kbgenSocket), "open", paths[i]);
  }
  await context.close();
});

test("a page whose slug is edited follows it to its new address", async () => {
  // The test before left an error in the seed article: mend it, and wait for the overlay to go.
  const seed = join(root, SEED);
  const mended = log.length;
  writeFileSync(seed, readFileSync(seed, "utf8").replace("level: expert", "level: beginner"));
  // Its rebuild is done (not only its first pages), so the page opened next is not reloaded
  // under the test.
  await logAfter(mended, (l) => /^rebuilt (?!.* first in )/m.test(l));
  const page = await open("/en/kb/pay-your-invoice/#payment-methods");
  await page.waitForFunction(() => !document.querySelector("#kbgen-errors"));
  await page.evaluate(() => { window.kbgenMark = true; });
  const entries = await page.evaluate(() => history.length);

  const file = join(root, "content/account/billing/pay-invoice.en.md");
  writeFileSync(file, readFileSync(file, "utf8").replace("slug: pay-your-invoice", "slug: paying-an-invoice"));

  await page.waitForURL(base + "/en/kb/paying-an-invoice/#payment-methods");
  assert.equal(await page.textContent("h1"), "Pay your invoice");
  assert.equal(await marked(page), false);
  // The move replaced the old address in the tab's history rather than adding to it.
  assert.equal(await page.evaluate(() => history.length), entries);
});
