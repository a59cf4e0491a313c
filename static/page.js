// kbgen's page script, on every page: what a reader's browser adds to a page that already works
// without it. Each feature starts only where its markup is; every word it shows comes from a
// data attribute or hidden markup the templates filled from Fluent. Nothing typed or fetched is
// inserted as HTML.

/** How many articles the header's search suggests while the reader types. */
const SUGGESTIONS = 6;

/**
 * The header's search field as a combobox (WAI-ARIA's list autocomplete): the best articles
 * under the field as the reader types, ↑/↓ to move, Enter to open, Esc to close, and a last
 * option for the search page. The engine (search.js) and the index load when the field is
 * first focused, so a page that is only read costs no search bytes.
 */
function searchSuggestions(form) {
  const input = form.querySelector("input[type=search]");
  const d = form.dataset;
  const list = document.createElement("ul");
  list.id = input.id + "-list";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", d.list);
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  let engine, index, events, run = 0, timer, active = -1;
  const load = () => {
    engine ??= import(d.engine).then((m) => {
      index = m.browserIndex(d.index);
      events = m.searchEvents(document.documentElement.lang);
      index.meta().catch(() => {});
      return m;
    });
    return engine;
  };
  const options = () => [...list.children];
  const open = (yes) => {
    list.hidden = !yes;
    input.setAttribute("aria-expanded", String(yes));
    if (!yes) select(-1);
  };
  const select = (i) => {
    const all = options();
    active = i;
    all.forEach((o, j) => o.setAttribute("aria-selected", String(j === i)));
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", all[i].id);
      all[i].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };
  const option = (href, ...parts) => {
    const li = document.createElement("li");
    li.id = `${list.id}-${list.children.length}`;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.dataset.href = href;
    li.append(...parts);
    list.append(li);
  };
  const span = (cls, text) => {
    const s = document.createElement("span");
    s.className = cls;
    if (text !== undefined) s.textContent = text;
    return s;
  };

  async function suggest(query) {
    const mine = ++run;
    if (!query.trim()) return open(false);
    const m = await load().catch(() => {
      engine = undefined; // a later keystroke tries again
    });
    if (!m) return;
    let ws, docs, total = 0;
    try {
      const found = await index.search(query);
      ws = found.words;
      total = found.results.length;
      docs = await Promise.all(found.results.slice(0, SUGGESTIONS).map((r) => index.doc(r.doc)));
    } catch {
      docs = [];
    }
    if (mine !== run) return;
    events.shown(query, total);
    list.replaceChildren();
    for (const doc of docs) {
      const title = span("suggestion-title");
      m.show(title, m.snippet(doc.t, ws, 1000));
      const text = span("suggestion-text");
      const inBody = m.snippet(doc.x, ws, 90);
      m.show(text, inBody.some(([, hl]) => hl) || !doc.d ? inBody : m.snippet(doc.d, ws, 90));
      option(doc.u, title, span("suggestion-path", doc.c), text);
    }
    const url = new URL(form.action, location.href);
    url.searchParams.set(input.name, query);
    option(url.pathname + url.search, span("suggestion-all", d.all.replace("%q%", query)));
    select(-1);
    open(true);
  }

  input.addEventListener("focus", () => {
    load();
    if (input.value.trim() && list.children.length) open(true);
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => suggest(input.value), 80);
  });
  input.addEventListener("keydown", (e) => {
    const n = list.children.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!n) return;
      e.preventDefault();
      if (list.hidden) open(true);
      // Past either end the movement wraps round, as in the pattern's example.
      select(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n : active) - 1);
    } else if (e.key === "Enter" && !list.hidden && active >= 0) {
      e.preventDefault();
      go(active);
    } else if (e.key === "Escape") {
      // The first Esc closes the list, a second one empties the field (as the pattern has it).
      if (!list.hidden) {
        e.preventDefault();
        open(false);
      }
    }
  });
  input.addEventListener("blur", () => open(false));
  // Pressing an option must not take the focus from the field, or the list would close first.
  list.addEventListener("mousedown", (e) => e.preventDefault());
  list.addEventListener("click", (e) => {
    const o = e.target.closest("[role=option]");
    if (o) go(options().indexOf(o));
  });
  // Opens option `i`: an article is the search's answer; "All results" hands the query on to
  // the search page, which sends it itself. Enter in the field (no option) does the same.
  const go = (i) => {
    const all = options();
    if (i < all.length - 1) events?.opened(i + 1);
    else events?.drop();
    location.assign(all[i].dataset.href);
  };
  form.addEventListener("submit", () => events?.drop());
}

/** Copy buttons by every host and port of a server table and every code block: readers type
 *  these into mail and FTP clients, where one wrong letter fails. Made here, and only where the
 *  Clipboard API is, so that no page shows a button that cannot work. */
function copyButtons(body) {
  if (!navigator.clipboard?.writeText) return;
  const say = statusLine(body);
  for (const code of body.querySelectorAll(".server-table tbody th code")) {
    code.after(copyButton(body, () => code.textContent, say));
  }
  for (const cell of body.querySelectorAll(".server-table tbody td:nth-child(2)")) {
    const port = cell.textContent.trim();
    cell.append(" ", copyButton(body, () => port, say));
  }
  for (const pre of body.querySelectorAll("pre")) {
    const code = pre.querySelector("code") ?? pre;
    const block = document.createElement("div");
    block.className = "code-block";
    pre.replaceWith(block);
    const button = copyButton(body, () => code.textContent, say, codeStart);
    button.textContent = body.dataset.copyButton;
    block.append(button, pre);
  }
}

/** A code block's button is named by the code's first line, cut short: names differ per block. */
function codeStart(text) {
  const line = text.trim().split("\n")[0];
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** One button that copies `value()` and says so on `say`; its name says what it copies. */
function copyButton(body, value, say, shown = (v) => v) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  const label = () => button.setAttribute("aria-label", body.dataset.copy.replace("%v%", shown(value())));
  label();
  // The reader's domain changes what a host button copies, so its name follows.
  document.addEventListener("kbgen:hosts", label);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value());
      button.classList.add("copied");
      setTimeout(() => button.classList.remove("copied"), 2000);
      say(body.dataset.copied.replace("%v%", shown(value())));
    } catch {
      say(body.dataset.copyFailed);
    }
  });
  return button;
}

/** A polite live region, made before anything is said: a region added with its text in it
 *  is not announced. Its text goes after a while, so that it does not linger on screen. */
function statusLine(root) {
  const status = document.createElement("p");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  root.append(status);
  let timer;
  return (text) => {
    // Emptied first, so that the same words said twice are announced twice.
    status.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => {
      status.textContent = text;
      timer = setTimeout(() => { status.textContent = ""; }, 5000);
    }, 50);
  };
}

const DOMAIN_KEY = "kbgen-domain";
// A label of a host name: letters (any script, as IDN is typed), digits and dashes, no dash at
// either end, at most 63 characters. \p{M}: marks that some scripts' letters are written with.
const HOST_LABEL = /^[\p{L}\p{M}0-9](?:[\p{L}\p{M}0-9-]{0,61}[\p{L}\p{M}0-9])?$/u;

/** A host name as typed, made plain (trimmed, no final dot, lower case), or null if it is none. */
function hostName(typed) {
  const name = String(typed).trim().replace(/\.$/, "").normalize("NFC").toLowerCase();
  if (!name || [...name].length > 253) return null;
  return name.split(".").every((label) => HOST_LABEL.test(label)) ? name : null;
}

/** The domain this browser keeps, if it is still a host name (the store is the reader's to edit). */
function storedDomain() {
  return hostName(recall(DOMAIN_KEY) ?? "");
}

/** The your-domain field: readers see (and copy) their own server names instead of
 *  imap.yourdomain.tld, typed once and kept for later pages. Hidden in the HTML, so that
 *  a page without JavaScript shows the placeholder and no field that does nothing. */
function yourDomain(form) {
  const input = form.elements.domain;
  const message = form.querySelector(".field-message");
  const tell = (text, invalid) => {
    message.textContent = text;
    message.classList.toggle("field-error", invalid);
    if (invalid) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = hostName(input.value);
    if (!name) {
      tell(form.dataset.invalid, true);
      input.focus();
      return;
    }
    input.value = name;
    remember(DOMAIN_KEY, name);
    showDomain(form, name);
    tell(form.dataset.done.replace("%v%", name), false);
  });
  form.querySelector("[data-forget]").addEventListener("click", () => {
    input.value = "";
    remember(DOMAIN_KEY, null);
    showDomain(form, null);
    tell(form.dataset.forgotten, false);
    input.focus();
  });
  const saved = storedDomain();
  if (saved) {
    input.value = saved;
    showDomain(form, saved);
  }
  form.hidden = false;
}

/** Every `{domain}` host of the page with `name`, or the placeholder again (as text, never HTML). */
function showDomain(form, name) {
  for (const code of document.querySelectorAll("code[data-host]")) {
    code.textContent = code.dataset.host.replaceAll("{domain}", name ?? form.dataset.placeholder);
  }
  document.dispatchEvent(new Event("kbgen:hosts"));
}

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
  let current = null, followed = null, arrived = false, queued = false;

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
  // A followed link stays marked while its heading is on screen: the jump to it may come before
  // or after the first update, so arrival is seen rather than timed, and leaving ends it.
  const onScreen = (link) => {
    const r = headings[links.indexOf(link)]?.getBoundingClientRect();
    return !!r && r.bottom > 0 && r.top < innerHeight;
  };
  const update = () => {
    queued = false;
    if (followed) {
      if (onScreen(followed)) arrived = true;
      else if (arrived) followed = null;
    }
    mark(followed && arrived ? followed : read());
  };
  const queue = () => {
    if (!queued) requestAnimationFrame(update);
    queued = true;
  };
  const follow = (link) => {
    if (!link) return;
    followed = link;
    arrived = false;
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
 * remembered in localStorage; a No left without Send still counts, by one beacon when the page is
 * hidden or left. Without JavaScript (or without a submitter) the form posts as it always did.
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
  // keepalive: a vote is not lost when the reader follows a link right after it. The insights
  // receiver, where there is one, gets it too, marked as a vote.
  const insights = document.body.dataset.insights;
  const toInsights = (data) => {
    if (insights) navigator.sendBeacon(insights, new URLSearchParams({ event: "vote", ...Object.fromEntries(data) }));
  };
  const post = (data) => {
    fetch(form.action, { method: "POST", body: data, keepalive: true }).catch(() => {});
    toInsights(data);
  };

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
  // Phones often hide a page (the reader switches app) and end it later without a pagehide.
  const leave = () => {
    if (!pendingNo) return;
    navigator.sendBeacon(form.action, body("no"));
    toInsights(body("no"));
    sent("no", false);
  };
  addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") leave();
  });
}

/**
 * Keeps `value` in localStorage under `key` (none: forgets it). The store may be off (private
 * windows, policies): then what is kept lasts for this page only (a reader may vote again).
 */
function remember(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch { /* not kept */ }
}

function recall(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

/** Runs each feature whose root element the page has. */
const FEATURES = [
  ["form.search-form[data-engine]", searchSuggestions],
  [".article-body[data-copy]", copyButtons],
  ["form.your-domain", yourDomain],
  // The contents of a long article say which section the reader is in.
  [".toc", tocMarking],
  // The feedback vote asks why after No, and is sent once per article per reader.
  [".feedback", vote],
];

for (const [selector, start] of FEATURES) {
  for (const el of document.querySelectorAll(selector)) start(el);
}
