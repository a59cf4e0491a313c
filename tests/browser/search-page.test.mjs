// The search page in real headless Chromium: the shipped site built by kbgen, served on
// 127.0.0.1, queries typed as a reader types them.

import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { buildSite, launch, rebuildSite, serve, write } from "./site.mjs";

let browser, site, hostile, empty, emptyRoot;
const external = [];

before(async () => {
  browser = await launch();
  site = await serve(buildSite());
  // A site whose writers typed markup where text belongs: it must show as text.
  hostile = await serve(buildSite((root) => write(root, "content/email/basic-settings/xss.sv.md",
    "---\ntitle: \"<img src=x onerror=alert(1)> Skadlig rubrik\"\nslug: skadlig\n" +
    "description: \"<script>alert(2)</script> beskrivning\"\nupdated: 2024-01-01\n---\n\n" +
    "Text om skadlig &lt;b&gt; kod.\n")));
  // A third locale, German, with category titles and UI text but not one article.
  const emptyOut = buildSite(addEmptyLocale);
  emptyRoot = dirname(emptyOut);
  empty = await serve(emptyOut);
});

/** Adds the locale `de` to the site in `root`: a copy of the English UI text with its own
 * no-results message, a title for every category, no articles. */
function addEmptyLocale(root) {
  const config = readFileSync(join(root, "kbgen.yaml"), "utf8");
  write(root, "kbgen.yaml", config.replace("    search_path: search\n",
    "    search_path: search\n  - code: de\n    tag: de-DE\n    search_path: suche\n"));
  for (const rel of readdirSync(join(root, "content"), { recursive: true })) {
    if (basename(rel) !== "_category.yaml") continue;
    const file = join("content", rel);
    const text = readFileSync(join(root, file), "utf8");
    // Titles differ, so the categories' URLs do.
    write(root, file, text.replace("title: { ", `title: { de: ${basename(dirname(file))}, `));
  }
  cpSync(join(root, "locales/en"), join(root, "locales/de"), { recursive: true });
  const ftl = readFileSync(join(root, "locales/de/main.ftl"), "utf8");
  write(root, "locales/de/main.ftl", ftl.replace(/^search-no-results = .*$/m,
    "search-no-results = Keine Treffer für „{ $query }“."));
}

/** A message of the Fluent file of `lang` in the site in `root`, with `$query` set. */
function message(root, lang, id, query) {
  const ftl = readFileSync(join(root, `locales/${lang}/main.ftl`), "utf8");
  const line = ftl.match(new RegExp(`^${id} = (.*)$`, "m"));
  assert.ok(line, `${lang} has no ${id}`);
  return line[1].replace("{ $query }", query);
}

after(async () => {
  await browser?.close();
  await site?.close();
  await hostile?.close();
  await empty?.close();
});

async function open(base, path) {
  const page = await browser.newPage();
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) external.push(r.url()); });
  await page.goto(base + path);
  return { page, dialogs };
}

/** Types `query` into the search field and returns the result titles once they settle. */
async function typeQuery(page, query) {
  await page.fill("#search-input", "");
  await page.type("#search-input", query, { delay: 15 });
  await page.waitForFunction((q) => {
    const status = document.getElementById("search-status").textContent;
    return status !== "" && new URL(location.href).searchParams.get("q") === q;
  }, query);
  await page.waitForTimeout(150);
  return page.$$eval("#search-results > li > a", (as) => as.map((a) => a.textContent));
}

const SWEDISH = [
  ["imap 993", "E-postprotokoll (IMAP vs POP3)"],
  ["lösenord", "Byt lösenord för ditt e-postkonto"],
  ["losenord", "Byt lösenord för ditt e-postkonto"],
  ["smtp port", "Konfigurera e-post i Outlook"],
  ["webmail", "Logga in i webbmejlen"], // synonym of webbmejl
  ["filezil", "Anslut med FileZilla via SFTP"], // prefix
  ["thunderbrd", "Konfigurera e-post i Thunderbird"], // typo
  ["hunderbird", "Konfigurera e-post i Thunderbird"], // typo in the first letter
  ["hur byter jag lösenord för mejlen", "Byt lösenord för ditt e-postkonto"], // stop words
  ["ocr-nummer", "Vad är ett OCR-nummer?"],
  ["dkim", "SPF, DKIM och DMARC"],
  ["filezilla sftp", "Anslut med FileZilla via SFTP"],
  ["tvåfaktor", "Tvåfaktorsautentisering (2FA)"],
  ["lets encrypt", "Installera ett gratis SSL-certifikat från Let's Encrypt"],
];
const ENGLISH = [
  ["imap 993", "Email protocol (IMAP vs POP3)"],
  ["password", "Reset your Control Panel password"],
  ["smtp port", "Set up email in Outlook"],
  ["mail iphone", "Email on iPhone and iPad (Apple Mail)"], // synonym mail = email
  ["passw", "Reset your Control Panel password"], // prefix
  ["thunderbrid", "Set up email in Thunderbird"], // typo
  ["dns records", "DNS records: A, AAAA, CNAME, MX and TXT"],
  ["dmarc", "SPF, DKIM and DMARC"],
  ["force https", "Force HTTPS on your website"],
  ["ftp account", "Create an FTP account"],
  ["invoice", "Pay your invoice"],
];

test("Swedish queries put the right article first", async () => {
  const { page } = await open(site.url, "/sok/");
  for (const [query, first] of SWEDISH) {
    const titles = await typeQuery(page, query);
    assert.equal(titles[0], first, `query ${query}: ${titles.join(" | ")}`);
  }
  await page.close();
});

test("English queries put the right article first, in English only", async () => {
  const { page } = await open(site.url, "/en/search/");
  for (const [query, first] of ENGLISH) {
    const titles = await typeQuery(page, query);
    assert.equal(titles[0], first, `query ${query}: ${titles.join(" | ")}`);
    const hrefs = await page.$$eval("#search-results a", (as) => as.map((a) => a.getAttribute("href")));
    assert.ok(hrefs.every((h) => h.startsWith("/en/kb/")), hrefs.join(" "));
  }
  await page.close();
});

test("a result shows title, category path and a snippet with the words highlighted", async () => {
  const { page } = await open(site.url, "/sok/?q=imap%20993");
  await page.waitForSelector("#search-results > li");
  const first = await page.$eval("#search-results > li", (li) => ({
    href: li.querySelector("a").getAttribute("href"),
    path: li.querySelector(".result-path").textContent,
    marks: [...li.querySelectorAll(".result-snippet mark, a mark")].map((m) => m.textContent.toLowerCase()),
  }));
  assert.equal(first.href, "/kb/e-postprotokoll-imap-vs-pop3/");
  assert.equal(first.path, "E-post › Grundinställningar");
  assert.ok(first.marks.includes("imap"), first.marks.join(","));
  assert.equal(await page.inputValue("#search-input"), "imap 993");
  const status = await page.textContent("#search-status");
  assert.match(status, /^\d+ träffar$/);
  assert.equal(await page.getAttribute("#search-status", "aria-live"), "polite");
  await page.close();
});

test("no results: a localised message with a suggestion", async () => {
  const { page } = await open(site.url, "/en/search/");
  const titles = await typeQuery(page, "xyzzyqq");
  assert.deepEqual(titles, []);
  const status = await page.textContent("#search-status");
  assert.match(status, /^No results for “xyzzyqq”\./);
  assert.match(status, /Try another or a shorter word/);
  await page.close();
});

/** Opens `path` with `?q=query`; the status once set, the results, and what went wrong. */
async function searchFor(base, path, query) {
  const page = await browser.newPage();
  const errors = [], missing = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("response", (r) => { if (r.status() >= 400) missing.push(r.url()); });
  await page.goto(`${base}${path}?q=${encodeURIComponent(query)}`);
  await page.waitForFunction(() => document.getElementById("search-status").textContent !== "",
    null, { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(200);
  const status = await page.textContent("#search-status");
  const titles = await page.$$eval("#search-results > li", (lis) => lis.length);
  await page.close();
  return { status, titles, errors, missing };
}

test("a locale without articles: its search page says nothing was found", async () => {
  const got = await searchFor(empty.url, "/de/suche/", "anything");
  assert.deepEqual(got.errors, []);
  assert.deepEqual(got.missing, []);
  assert.equal(got.titles, 0);
  assert.equal(got.status, message(emptyRoot, "de", "search-no-results", "anything") +
    message(emptyRoot, "de", "search-no-results-hint"));
  assert.match(got.status, /^Keine Treffer für „anything“\./);
});

test("an index that cannot be loaded: the search page says nothing was found", async () => {
  // As when a deploy left out the index, or the network failed.
  const out = buildSite();
  for (const f of readdirSync(join(out, "search-index/en"))) {
    if (f.startsWith("t")) rmSync(join(out, "search-index/en", f));
  }
  const host = await serve(out);
  const got = await searchFor(host.url, "/en/search/", "imap");
  await host.close();
  assert.deepEqual(got.errors, []);
  assert.equal(got.titles, 0);
  assert.equal(got.status, message(dirname(out), "en", "search-no-results", "imap") +
    message(dirname(out), "en", "search-no-results-hint"));
});

test("the keyboard alone: arrows move through results, Enter opens one", async () => {
  const { page } = await open(site.url, "/en/search/");
  await typeQuery(page, "email");
  await page.focus("#search-input");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement.getAttribute("href"));
  const second = await page.$$eval("#search-results a", (as) => as[1].getAttribute("href"));
  assert.equal(focused, second);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
  await page.keyboard.press("ArrowDown");
  const target = await page.evaluate(() => document.activeElement.getAttribute("href"));
  await Promise.all([page.waitForURL((u) => u.pathname === target), page.keyboard.press("Enter")]);
  await page.close();
});

test("the header search field of every page goes to the search page with ?q=", async () => {
  const { page } = await open(site.url, "/kb/e-postprotokoll-imap-vs-pop3/");
  assert.equal(await page.getAttribute("#site-search", "type"), "search");
  await page.fill("#site-search", "lösenord");
  await Promise.all([page.waitForURL(/\/sok\/\?q=/), page.press("#site-search", "Enter")]);
  await page.waitForSelector("#search-results > li");
  assert.equal(await page.textContent("#search-results > li > a"), "Byt lösenord för ditt e-postkonto");
  await page.close();
});

test("index text is never inserted as HTML", async () => {
  const { page, dialogs } = await open(hostile.url, "/sok/");
  const titles = await typeQuery(page, "skadlig");
  assert.equal(titles[0], "<img src=x onerror=alert(1)> Skadlig rubrik");
  assert.equal(await page.$$eval("#search-results img, #search-results script", (e) => e.length), 0);
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, []);
  await page.close();
});

test("after a deploy, a browser that cached the old index finds what the new site holds", async () => {
  // A host that caches everything but HTML for a year, as a CDN may be set to.
  const out = buildSite();
  const host = await serve(out, (file) => file.endsWith(".html") ? "no-cache" : "max-age=31536000");
  const context = await browser.newContext();
  const page = await context.newPage();
  const results = () => page.$$eval("#search-results > li > a",
    (as) => as.map((a) => [a.textContent, new URL(a.href).pathname]));
  const inBuilt = async (pairs) => {
    for (const [title, path] of pairs) {
      const html = await (await fetch(host.url + path)).text();
      const h1 = html.match(/<h1>(.*?)<\/h1>/)[1].replace(/&#x27;/g, "'").replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
      assert.equal(h1, title, path);
    }
  };
  await page.goto(host.url + "/sok/");
  await typeQuery(page, "imap");
  const before = await results();
  await inBuilt(before);
  // A new article whose key comes first: every other document's number moves up by one.
  rebuildSite(out, (root) => write(root, "content/account/aaa-ny-imap-guide.sv.md",
    "---\ntitle: \"Ny IMAP-guide\"\nupdated: 2024-01-01\ntags: [imap]\n---\n\nIMAP och port 993.\n"));
  await page.goto(host.url + "/sok/");
  await typeQuery(page, "imap");
  const now = await results();
  assert.ok(now.some(([t]) => t === "Ny IMAP-guide"), JSON.stringify(now));
  await inBuilt(now);
  await context.close();
  await host.close();
});

test("no request goes to another host", () => {
  assert.deepEqual(external, []);
});
