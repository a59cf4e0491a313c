// kbgen's page script, on every page: what a reader's browser adds to a page that already works
// without it. Each feature starts only where its markup is; every word it shows comes from a
// data attribute the templates filled from Fluent. Nothing typed or fetched is inserted as HTML.

/** How far down the viewport the reading line is: the section whose heading is above it is read. */
const READING_LINE = 0.25;

/**
 * Marks the contents' link of the section being read (aria-current), so a reader of a long
 * article sees where they are: the last heading above the reading line, none before the first
 * one (the introduction is not in the contents). A followed link is marked even when its
 * section is too short at the end of the page to reach the line, until the reader scrolls.
 */
function tocMarking(toc) {
  const links = [...toc.querySelectorAll('a[href^="#"]')];
  const headings = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1))));
  let current = null, followed = null, followedAt = null, queued = false;

  const mark = (link) => {
    if (link === current) return;
    current?.removeAttribute("aria-current");
    link?.setAttribute("aria-current", "true");
    current = link;
    if (link) keepInView(toc, link);
  };
  const read = () => {
    const line = innerHeight * READING_LINE;
    let found = null;
    headings.forEach((h, i) => { if (h && h.getBoundingClientRect().top <= line) found = links[i]; });
    return found;
  };
  const update = () => {
    queued = false;
    if (followed) {
      followedAt ??= scrollY;
      if (Math.abs(scrollY - followedAt) > 1) followed = null;
    }
    mark(followed ?? read());
  };
  const queue = () => {
    if (!queued) requestAnimationFrame(update);
    queued = true;
  };
  const follow = (link) => {
    if (!link) return;
    followed = link;
    followedAt = null;
    queue();
  };
  const byHash = () => links.find((a) => a.hash === location.hash);

  addEventListener("scroll", queue, { passive: true });
  addEventListener("resize", queue, { passive: true });
  addEventListener("hashchange", () => follow(byHash()));
  toc.addEventListener("click", (e) => follow(e.target.closest?.('a[href^="#"]')));
  if (location.hash) follow(byHash());
  else queue();
}

/** Scrolls the contents (not the page) to `link` when the contents are taller than their box. */
function keepInView(toc, link) {
  if (toc.scrollHeight <= toc.clientHeight) return;
  const box = toc.getBoundingClientRect(), r = link.getBoundingClientRect();
  if (r.top < box.top || r.bottom > box.bottom) toc.scrollTop += r.top - box.top - box.height / 2;
}

/**
 * "Was this article helpful?" without leaving the page: Yes thanks the reader at once, No asks
 * why first (the reasons form the template renders hidden). One vote per article per reader,
 * remembered in localStorage; a No left without Send still counts, by a beacon when the page is
 * hidden. Without JavaScript (or without a submitter) the form posts as it always did.
 */
function vote(box) {
  const form = box.querySelector(".feedback-vote");
  const why = box.querySelector(".feedback-why");
  const thanks = box.querySelector(".feedback-thanks");
  const comment = why.elements.comment;
  const about = { article: form.elements.article.value, lang: form.elements.lang.value };
  const key = `kbgen-feedback:${about.lang}:${about.article}`;
  let pendingNo = false;

  const body = (helpful, reason = "", text = "") => new URLSearchParams({
    ...about, helpful, reason, comment: text.trim().slice(0, comment.maxLength),
  });
  const thank = (focus) => {
    form.hidden = why.hidden = true;
    thanks.hidden = false;
    if (focus) thanks.focus();
  };
  const sent = (helpful, focus) => {
    pendingNo = false;
    remember(key, helpful);
    thank(focus);
  };
  // keepalive: a vote is not lost when the reader follows a link right after it.
  const post = (data) => fetch(form.action, { method: "POST", body: data, keepalive: true }).catch(() => {});

  if (recall(key)) return thank(false);
  form.addEventListener("submit", (e) => {
    const helpful = e.submitter?.value;
    if (helpful !== "yes" && helpful !== "no") return;
    e.preventDefault();
    if (helpful === "yes") {
      post(body("yes"));
      return sent("yes", true);
    }
    pendingNo = true;
    form.hidden = true;
    why.hidden = false;
    why.querySelector("fieldset").focus();
  });
  why.addEventListener("submit", (e) => {
    e.preventDefault();
    post(body("no", why.elements.reason.value, comment.value));
    sent("no", true);
  });
  addEventListener("pagehide", () => {
    if (!pendingNo) return;
    navigator.sendBeacon(form.action, body("no"));
    sent("no", false);
  });
}

/** localStorage may be off (private windows, policies): then a reader may simply vote again. */
function remember(key, value) {
  try { localStorage.setItem(key, value); } catch { /* not remembered */ }
}

function recall(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

/** Runs each feature whose root element the page has. */
const FEATURES = [
  // The contents of a long article say which section the reader is in.
  [".toc", tocMarking],
  // The feedback vote asks why after No, and is sent once per article per reader.
  [".feedback", vote],
];

for (const [selector, start] of FEATURES) {
  for (const el of document.querySelectorAll(selector)) start(el);
}
