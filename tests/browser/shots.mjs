// Screenshots of every page type at every width, light and dark, for a person to look at:
//   KBGEN_BIN=… node shots.mjs [OUT_DIR]        (default /tmp/kb-shots)
// Also a no-results search, a focused skip link and the print style of an article.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PAGES, SCHEMES, WIDTHS, openPage } from "./pages.mjs";
import { buildSite, launch, serve } from "./site.mjs";

const dir = process.argv[2] || "/tmp/kb-shots";
mkdirSync(join(dir, "parts"), { recursive: true });
const browser = await launch();
const site = await serve(buildSite());
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;

async function shot(page, name) {
  // Lazy images load only near the viewport: load them all for a full-page picture.
  await page.evaluate(async () => {
    for (const img of document.images) img.loading = "eager";
    await Promise.all([...document.images].map((i) => i.complete || new Promise((ok) => { i.onload = i.onerror = ok; })));
  });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  console.log(join(dir, `${name}.png`));
  // Tall pages also in screen-sized parts, to look at in detail.
  const { width, height } = await page.evaluate(() => ({
    width: document.documentElement.clientWidth, height: document.documentElement.scrollHeight }));
  const step = Math.round(width * 1.4);
  for (let y = 0, i = 1; height > step && y < height; y += step, i++) {
    await page.screenshot({ path: join(dir, "parts", `${name}.${i}.png`), fullPage: true,
      clip: { x: 0, y, width, height: Math.min(step, height - y) } });
  }
}

const extra = [
  { name: "search-none-sv", lang: "sv", path: "/sok/?q=xyzzyqq", wait: "#search-status:not(:empty)" },
  { name: "search-empty-en", lang: "en", path: "/en/search/" },
];
try {
  for (const spec of [...PAGES, ...extra]) {
    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) {
        const name = `${spec.name}-${width}-${scheme}`;
        if (only && !only.test(name)) continue;
        const page = await openPage(browser, site.url, spec, { width, scheme });
        await shot(page, name);
        await page.close();
      }
    }
  }
  for (const scheme of SCHEMES) {
    const page = await openPage(browser, site.url, PAGES[4], { width: 375, scheme });
    await page.keyboard.press("Tab");
    await page.screenshot({ path: join(dir, `focus-skip-link-375-${scheme}.png`) });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.screenshot({ path: join(dir, `focus-third-375-${scheme}.png`) });
    await page.close();
  }
  const page = await openPage(browser, site.url, PAGES[4], { width: 800 });
  await page.emulateMedia({ media: "print" });
  await shot(page, "print-article-sv");
  await page.close();
} finally {
  await browser.close();
  await site.close();
}
