// The page types of the shipped site, in both languages, for the page tests and screenshots.

/**
 * `wait`: a selector to wait for before the page is checked (the search page fills its
 * results after load); `status`: the HTTP status the server answers with.
 */
export const PAGES = [
  { name: "home-sv", lang: "sv", path: "/" },
  { name: "home-en", lang: "en", path: "/en/" },
  { name: "category-sv", lang: "sv", path: "/e-post/" },
  { name: "category-en", lang: "en", path: "/en/email/basic-settings/" },
  // Lists an article that exists only in Swedish (list_untranslated).
  { name: "category-untranslated-en", lang: "en", path: "/en/account/invoices-and-payment/" },
  { name: "article-sv", lang: "sv", path: "/kb/e-postprotokoll-imap-vs-pop3/", article: true },
  { name: "article-en", lang: "en", path: "/en/kb/email-protocol-imap-vs-pop3/", article: true },
  { name: "article-table-sv", lang: "sv", path: "/kb/dns-poster/", article: true },
  { name: "article-table-en", lang: "en", path: "/en/kb/dns-records/", article: true },
  { name: "search-sv", lang: "sv", path: "/sok/?q=imap", wait: "#search-results li" },
  { name: "search-en", lang: "en", path: "/en/search/?q=imap", wait: "#search-results li" },
  { name: "404-sv", lang: "sv", path: "/finns-inte/", status: 404 },
  { name: "404-en", lang: "en", path: "/en/no-such-page/", status: 404 },
  // The translators' status page (noindex, not linked from the site).
  { name: "translations-sv", lang: "sv", path: "/_translations/" },
  { name: "translations-en", lang: "en", path: "/en/_translations/" },
];

export const WIDTHS = [375, 768, 1280];
export const SCHEMES = ["light", "dark"];

/** Opens `spec` in a new page of `browser` at `width` px in `scheme`; returns the page. */
export async function openPage(browser, base, spec, { width = 1280, scheme = "light" } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.emulateMedia({ colorScheme: scheme });
  const response = await page.goto(base + spec.path, { waitUntil: "load" });
  if (response.status() !== (spec.status ?? 200)) {
    throw new Error(`${spec.path}: HTTP ${response.status()}, expected ${spec.status ?? 200}`);
  }
  if (spec.wait) await page.waitForSelector(spec.wait);
  return page;
}

/** The serious and critical axe-core violations of `page` as it is now, one line per node. */
export async function axeSerious(page, axePath) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(" ")}`));
}
