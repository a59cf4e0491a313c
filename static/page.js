// kbgen's page script, on every page: what a reader's browser adds to a page that already works
// without it. Each feature starts only where its markup is; every word it shows comes from a
// data attribute the templates filled from Fluent. Nothing typed or fetched is inserted as HTML.

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

  let engine, index, run = 0, timer, active = -1;
  const load = () => {
    engine ??= import(d.engine).then((m) => {
      index = m.browserIndex(d.index);
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
    let ws, docs;
    try {
      const found = await index.search(query);
      ws = found.words;
      docs = await Promise.all(found.results.slice(0, SUGGESTIONS).map((r) => index.doc(r.doc)));
    } catch {
      docs = [];
    }
    if (mine !== run) return;
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
      location.assign(options()[active].dataset.href);
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
    if (o) location.assign(o.dataset.href);
  });
}

/** Runs each feature whose root element the page has. */
const FEATURES = [
  ["form.search-form[data-engine]", searchSuggestions],
];

for (const [selector, start] of FEATURES) {
  for (const el of document.querySelectorAll(selector)) start(el);
}
