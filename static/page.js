// kbgen's page script, on every page: what a reader's browser adds to a page that already works
// without it. Each feature starts only where its markup is; every word it shows comes from a
// data attribute the templates filled from Fluent. Nothing typed or fetched is inserted as HTML.

/** Runs each feature whose root element the page has. */
const FEATURES = [];

for (const [selector, start] of FEATURES) {
  for (const el of document.querySelectorAll(selector)) start(el);
}
