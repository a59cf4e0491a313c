// The copy buttons and the your-domain field of article pages (page.js), in real headless
// Chromium: what the clipboard holds, the keyboard, what is announced, the reader's domain in
// every {domain} host and on later pages, hostile input refused as text, and the pages without
// the Clipboard API or without JavaScript.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SCHEMES, axeSerious } from "./pages.mjs";
import { buildSite, launch, serve } from "./site.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

// The words are the locales' (locales/*/main.ftl), written out so that a test notices a change.
const LANGS = {
  sv: {
    path: "/kb/e-postprotokoll-imap-vs-pop3/",
    // Thunderbird's page shows the IMAP table with {domain} in this test's site (see before()).
    later: "/kb/konfigurera-e-post-i-thunderbird/",
    code: "/kb/spf-dkim-och-dmarc/",
    placeholder: "dindomän.tld",
    copy: "Kopiera ",
    copied: "Kopierat: ",
    done: "Servernamnen visar nu ",
    invalid: "Det ser inte ut som en domän. Skriv till exempel minfirma.se, utan https:// och snedstreck.",
    forgotten: "Din domän är glömd.",
    forget: "Glöm",
  },
  en: {
    path: "/en/kb/email-protocol-imap-vs-pop3/",
    later: "/en/kb/set-up-email-in-thunderbird/",
    code: "/en/kb/spf-dkim-and-dmarc/",
    placeholder: "yourdomain.tld",
    copy: "Copy ",
    copied: "Copied: ",
    done: "The server names now show ",
    invalid: "That does not look like a domain. Type for example mycompany.com, without https:// or slashes.",
    forgotten: "Your domain is cleared.",
    forget: "Clear",
  },
};
const WIDTHS = [375, 1280];
const HOSTILE = ["<img src=x onerror=alert(1)>", 'a"b', "https://minfirma.se/", "min firma.se", "-min.se",
  "min-.se", "a..se", `${"a".repeat(64)}.se`, `${"a.".repeat(127)}se`, "minfirma.se/x", "", "   "];

let browser, site;

before(async () => {
  browser = await launch();
  const out = buildSite((root) => {
    // A second article with {domain} hosts, for the domain kept from one page to the next.
    for (const lang of ["sv", "en"]) {
      const file = join(root, `content/email/clients/thunderbird.${lang}.md`);
      const text = readFileSync(file, "utf8");
      assert.ok(text.includes("shared: email/imap-secure"), file);
      writeFileSync(file, text.replace("shared: email/imap-secure", "shared: email/imap"));
    }
  });
  site = await serve(out);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** A page in a context of its own (its own localStorage and permissions). */
async function open(path, { width = 1280, scheme = "light", js = true, clipboard = true, init } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 900 }, colorScheme: scheme, javaScriptEnabled: js,
    permissions: clipboard ? ["clipboard-read", "clipboard-write"] : [],
  });
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  await page.goto(site.url + path, { waitUntil: "load" });
  return page;
}

const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());
const status = (page) => page.locator(".copy-status");
const hosts = (page) => page.$$eval("code[data-host]", (cs) => cs.map((c) => c.textContent));

/** Waits until the copy status says `text`. */
async function announced(page, text) {
  await page.waitForFunction((t) => document.querySelector(".copy-status")?.textContent === t, text);
  assert.equal(await status(page).getAttribute("role"), "status");
}

async function axe(page, where) {
  const report = await axeSerious(page, AXE);
  assert.deepEqual(report, [], `${where}:\n${report.join("\n")}`);
}

for (const [lang, w] of Object.entries(LANGS)) {
  for (const width of WIDTHS) {
    for (const scheme of SCHEMES) {
      test(`copy: ${lang} at ${width} px, ${scheme}: hosts and ports by mouse and keyboard, announced`, async () => {
        const page = await open(w.path, { width, scheme });
        const host = page.getByRole("button", { name: `${w.copy}imap.websupport.se`, exact: true });
        assert.equal(await host.count(), 1);
        await host.first().click();
        assert.equal(await clipboard(page), "imap.websupport.se");
        await announced(page, `${w.copied}imap.websupport.se`);
        assert.ok(await page.locator(".copy-status").isVisible(), "the status is not shown");

        const placeholder = page.getByRole("button", { name: `${w.copy}imap.${w.placeholder}`, exact: true });
        await placeholder.click();
        assert.equal(await clipboard(page), `imap.${w.placeholder}`);

        // The keyboard: Tab reaches the button, Enter and Space copy.
        await page.evaluate(() => navigator.clipboard.writeText(""));
        await page.locator("#your-domain").focus();
        let name = "";
        for (let i = 0; i < 80 && name !== `${w.copy}imap.websupport.se`; i++) {
          await page.keyboard.press("Tab");
          name = await page.evaluate(() => document.activeElement.getAttribute("aria-label") ?? "");
        }
        assert.equal(name, `${w.copy}imap.websupport.se`, "Tab never reached the host's button");
        const focus = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
        assert.notEqual(focus, "none", "no visible focus on the copy button");
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t === "imap.websupport.se"));
        await page.keyboard.press("Tab");
        assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), `${w.copy}993`);
        await page.keyboard.press("Space");
        await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t === "993"));
        await announced(page, `${w.copied}993`);

        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the viewport`);
        // Buttons of at least 24 px, and their names, per table cell.
        const sizes = await page.$$eval("button.copy", (bs) => bs.map((b) => b.getBoundingClientRect())
          .map((r) => Math.min(r.width, r.height)));
        assert.ok(sizes.length >= 12 && sizes.every((s) => s >= 24), `button sizes ${sizes}`);
        await axe(page, `${w.path} at ${width} px, ${scheme}, with the status shown`);
        await page.context().close();
      });
    }
  }

  test(`copy: ${lang}: a code block's button copies exactly its code`, async () => {
    const page = await open(w.code, { width: 375 });
    const code = await page.locator("pre code").first().textContent();
    const button = page.locator(".code-block button.copy").first();
    assert.equal(await button.textContent(), w.copy.trim());
    const line = code.trim().split("\n")[0];
    assert.ok(line.length > 40);
    assert.equal(await button.getAttribute("aria-label"), `${w.copy}${line.slice(0, 40)}…`);
    await button.click();
    assert.equal(await clipboard(page), code);
    await announced(page, await button.getAttribute("aria-label").then((l) => w.copied + l.slice(w.copy.length)));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the viewport`);
    // At 1280 px: at 375 px the page's wide DNS table and code scroll without being focusable,
    // which axe reports whether or not there are copy buttons.
    await page.setViewportSize({ width: 1280, height: 900 });
    await axe(page, `${w.code} with a code block's status shown`);
    await page.context().close();
  });

  for (const width of WIDTHS) {
    test(`your domain: ${lang} at ${width} px: every {domain} host, the copy, later pages, clearing`, async () => {
      const page = await open(w.path, { width });
      const field = page.getByLabel(w === LANGS.sv ? "Din domän" : "Your domain", { exact: true });
      assert.ok(await field.isVisible(), "the field is not shown");
      assert.equal(await page.locator("form.your-domain").count(), 1, "one field per page");
      // Before the first table with a {domain} host.
      assert.ok(await page.evaluate(() => {
        const form = document.querySelector("form.your-domain");
        const table = document.querySelector("code[data-host]").closest(".server-table");
        return Boolean(form.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING);
      }), "the field is not before the first table it changes");
      assert.deepEqual(await hosts(page), ["imap", "pop3", "smtp"].map((h) => `${h}.${w.placeholder}`));
      await axe(page, `${w.path} at ${width} px with the field shown`);

      await field.fill("  MinFirma.SE. ");
      await field.press("Enter");
      assert.deepEqual(await hosts(page), ["imap.minfirma.se", "pop3.minfirma.se", "smtp.minfirma.se"]);
      assert.equal(await field.inputValue(), "minfirma.se");
      assert.equal(await page.locator("#your-domain-message").textContent(), `${w.done}minfirma.se.`);
      assert.equal(await field.getAttribute("aria-invalid"), null);
      await page.getByRole("button", { name: `${w.copy}smtp.minfirma.se`, exact: true }).click();
      assert.equal(await clipboard(page), "smtp.minfirma.se");
      await announced(page, `${w.copied}smtp.minfirma.se`);
      // Hosts without {domain} stay as they are.
      assert.equal(await page.locator("tbody th code:not([data-host])").first().textContent(), "imap.websupport.se");

      // Kept for later pages.
      await page.goto(site.url + w.later);
      assert.deepEqual(await hosts(page), ["imap.minfirma.se"]);
      assert.equal(await page.locator("#your-domain").inputValue(), "minfirma.se");
      await page.getByRole("button", { name: `${w.copy}imap.minfirma.se`, exact: true }).click();
      assert.equal(await clipboard(page), "imap.minfirma.se");

      // Cleared: the placeholder again, here and on later pages.
      await page.getByRole("button", { name: w.forget, exact: true }).click();
      assert.deepEqual(await hosts(page), [`imap.${w.placeholder}`]);
      assert.equal(await page.locator("#your-domain-message").textContent(), w.forgotten);
      assert.equal(await page.evaluate(() => localStorage.getItem("kbgen-domain")), null);
      assert.ok(await page.getByRole("button", { name: `${w.copy}imap.${w.placeholder}`, exact: true }).count());
      await page.goto(site.url + w.path);
      assert.deepEqual(await hosts(page), ["imap", "pop3", "smtp"].map((h) => `${h}.${w.placeholder}`));
      await page.context().close();
    });
  }

  test(`your domain: ${lang}: hostile and malformed input is refused as text, never markup`, async () => {
    const page = await open(w.path);
    let dialogs = 0;
    page.on("dialog", (d) => { dialogs++; d.dismiss(); });
    const field = page.locator("#your-domain");
    const before = await page.locator("main").innerHTML();
    for (const typed of HOSTILE) {
      await field.fill(typed);
      await field.press("Enter");
      assert.equal(await field.getAttribute("aria-invalid"), "true", `accepted: ${typed}`);
      assert.equal(await page.locator("#your-domain-message").textContent(), w.invalid);
      assert.ok((await field.getAttribute("aria-describedby")).split(" ").includes("your-domain-message"));
      assert.deepEqual(await hosts(page), ["imap", "pop3", "smtp"].map((h) => `${h}.${w.placeholder}`));
      assert.equal(await page.locator(".server-table img, form.your-domain img, [onerror]").count(), 0,
        `injected: ${typed}`);
      assert.equal(await page.evaluate(() => localStorage.getItem("kbgen-domain")), null);
    }
    await axe(page, `${w.path} with the field's error shown`);
    // Nothing else of the page changed but the field's state.
    const after = (await page.locator("main").innerHTML()).replace(/ aria-invalid="true"/, "");
    const strip = (html) => html.replace(/<p id="your-domain-message"[^>]*>.*?<\/p>/s, "").replace(/<p class="copy-status"[^>]*>.*?<\/p>/s, "");
    assert.equal(strip(after), strip(before));
    // IDN as typed: letters of any script.
    await field.fill("Räksmörgås.se");
    await field.press("Enter");
    assert.equal(await field.getAttribute("aria-invalid"), null);
    assert.deepEqual(await hosts(page), ["imap", "pop3", "smtp"].map((h) => `${h}.räksmörgås.se`));
    assert.equal(dialogs, 0, "a dialog opened");
    await page.context().close();
  });

  test(`your domain: ${lang}: a stored domain that is no host name is ignored`, async () => {
    const page = await open(w.path, {
      init: () => localStorage.setItem("kbgen-domain", "<img src=x onerror=alert(1)>"),
    });
    assert.deepEqual(await hosts(page), ["imap", "pop3", "smtp"].map((h) => `${h}.${w.placeholder}`));
    assert.equal(await page.locator("#your-domain").inputValue(), "");
    assert.equal(await page.locator(".server-table img, [onerror]").count(), 0);
    await page.context().close();
  });

  test(`${lang}: no copy buttons without the Clipboard API; the field still works`, async () => {
    const page = await open(w.path, { init: () => { delete Navigator.prototype.clipboard; } });
    assert.equal(await page.evaluate(() => "clipboard" in navigator), false);
    assert.equal(await page.locator("button.copy").count(), 0);
    await page.locator("#your-domain").fill("minfirma.se");
    await page.locator("#your-domain").press("Enter");
    assert.deepEqual(await hosts(page), ["imap.minfirma.se", "pop3.minfirma.se", "smtp.minfirma.se"]);
    await page.context().close();
  });

  test(`${lang}: without JavaScript the placeholder shows and the field is hidden`, async () => {
    const page = await open(w.path, { js: false });
    assert.deepEqual(await hosts(page), ["imap", "pop3", "smtp"].map((h) => `${h}.${w.placeholder}`));
    assert.equal(await page.locator("form.your-domain").count(), 1);
    assert.equal(await page.locator("form.your-domain").isVisible(), false);
    assert.equal(await page.locator("button.copy").count(), 0);
    await page.context().close();
  });
}
