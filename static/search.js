// kbgen search: queries the split index under /search-index/<lang>/ and shows the results.
// Tokenising and folding mirror src/index/text.rs; stems come from the index's aliases.
// Nothing from the index is ever inserted as HTML: text nodes and <mark> elements only.

export function fold(s) {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

const WORD = /[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*/gu;

/** The folded search words of a query: "E-POST imap.websupport.se" → ["epost", "imap.websupport.se"]. */
export function words(text) {
  return (text.match(WORD) || []).map((w) => fold(w.replace(/-/g, "")));
}

/** One letter wrong, missing, extra, or two neighbours swapped ("thunderbrid"). */
function editDistanceAtMostOne(a, b) {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    return a.slice(i + 1) === b.slice(i + 1) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Match qualities: an exact word ranks above its synonyms, completions, inflections and typos. */
const EXACT = 1, SYNONYM = 0.9, PREFIX = 0.7, STEM = 0.6, TYPO = 0.5;

export class Index {
  /**
   * `fetchText(path, version)` returns a file of the index as text (fetch in a browser, fs in
   * tests). `version` is the index's, from `index.json`, for every other file: a browser asks
   * for those as `path?v=version`, so that no cache mixes files of two builds of the site.
   */
  constructor(fetchText) {
    this.fetchText = fetchText;
    this.cache = new Map();
  }

  load(path) {
    if (!this.cache.has(path)) {
      this.cache.set(path, path === "index.json"
        ? this.fetchText(path)
        : this.meta().then((meta) => this.fetchText(path, meta.version)));
    }
    return this.cache.get(path);
  }

  async meta() {
    return JSON.parse(await this.load("index.json"));
  }

  async shard(i) {
    const key = "t" + i;
    if (!this.cache.has(key)) {
      this.cache.set(key, this.load(`t${i}.txt`).then((text) => {
        const entries = new Map();
        for (const line of text.split("\n")) {
          if (!line) continue;
          const tab = line.indexOf("\t");
          const alias = line.indexOf(">");
          const k = tab >= 0 ? line.slice(0, tab) : line.slice(0, alias);
          const e = entries.get(k) || {};
          if (tab >= 0) e.postings = line.slice(tab + 1);
          else e.alias = line.slice(alias + 1);
          entries.set(k, e);
        }
        return { entries, keys: [...entries.keys()] };
      }));
    }
    return this.cache.get(key);
  }

  shardOf(meta, key) {
    let lo = 0, hi = meta.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (meta.shards[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  async entry(meta, key) {
    return (await this.shard(this.shardOf(meta, key))).entries.get(key);
  }

  /** Adds the documents of `key` (following its alias) to `scores` with `quality`. */
  async add(meta, key, quality, scores, seen = new Set()) {
    if (seen.has(key)) return false;
    seen.add(key);
    const e = await this.entry(meta, key);
    if (!e) return false;
    if (e.alias) await this.add(meta, e.alias, quality, scores, seen);
    if (e.postings) {
      // A list cut at build time (the word is in more documents than it keeps) starts with "!".
      const cut = e.postings.startsWith("!");
      if (cut) this.truncated = true;
      let doc = 0;
      for (const p of (cut ? e.postings.slice(1) : e.postings).split(",")) {
        const [d, imp] = p.split(":");
        doc += parseInt(d, 36);
        const s = parseInt(imp, 36) * quality;
        if (!(scores.get(doc) >= s)) scores.set(doc, s);
      }
    }
    return true;
  }

  /** Keys that start with `prefix` (at most `limit`), from its shard and `more` after it. */
  async completions(meta, prefix, limit, more) {
    const first = this.shardOf(meta, prefix);
    const last = Math.min(this.shardOf(meta, prefix + "\uffff"), first + more);
    const out = [];
    for (let i = first; i <= last && out.length < limit; i++) {
      for (const k of (await this.shard(i)).keys) {
        if (k !== prefix && k.startsWith(prefix)) out.push(k);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  /** The documents one query word finds, with a score each. */
  async word(meta, w, isLast) {
    const scores = new Map();
    const seen = new Set();
    const exact = await this.add(meta, w, EXACT, scores, seen);
    for (const group of meta.synonyms) {
      if (group.includes(w)) for (const s of group) await this.add(meta, s, SYNONYM, scores, seen);
    }
    // The word being typed completes across shards; the others only within the shard
    // already loaded for them, which costs no download.
    if (w.length >= (isLast ? 2 : 4)) {
      for (const k of await this.completions(meta, w, 40, isLast ? 2 : 0)) await this.add(meta, k, PREFIX, scores, seen);
    }
    if (!exact && scores.size === 0 && w.length >= 4) {
      // A form the site never used ("lösenorden"): the longest known beginning of it.
      for (let cut = w.length - 1; cut >= Math.max(3, w.length - 4); cut--) {
        if (await this.add(meta, w.slice(0, cut), STEM, scores, seen)) break;
      }
    }
    // Typos: candidates share the first letter, or start with the second one (an extra or a
    // swapped first letter); the vocabulary files are split by first letter.
    for (const first of [...new Set([...w].slice(0, 2))]) {
      if (scores.size > 0 || w.length < 5) break;
      const vocab = await this.load(`v${first.codePointAt(0).toString(16)}.txt`).catch(() => "");
      for (const k of vocab.split("\n")) {
        if (k && editDistanceAtMostOne(w, k)) await this.add(meta, k, TYPO, scores, seen);
      }
    }
    return scores;
  }

  /** Ranked results: documents matching more words first, then by score, then by order. */
  async search(query) {
    const meta = await this.meta();
    this.truncated = false;
    const ws = [...new Set(words(query))];
    // Nothing to find, and no shard to ask for: an index without documents may have none.
    if (!meta.docs || !meta.shards.length) return { words: ws, results: [], truncated: false };
    const complete = /\s$/.test(query);
    const perWord = [];
    for (let i = 0; i < ws.length; i++) perWord.push(await this.word(meta, ws[i], i === ws.length - 1 && !complete));
    const total = new Map();
    for (const scores of perWord) {
      for (const [doc, s] of scores) {
        const t = total.get(doc) || { doc, matched: 0, score: 0 };
        t.matched += 1;
        t.score += s;
        total.set(doc, t);
      }
    }
    const ranked = [...total.values()].sort((a, b) => b.matched - a.matched || b.score - a.score || a.doc - b.doc);
    return { words: ws, results: ranked, truncated: this.truncated };
  }

  /** Document `id`'s record: files hold `docs_per_file` records each, in order. */
  async doc(id) {
    const per = (await this.meta()).docs_per_file;
    return JSON.parse(await this.load(`d/${Math.floor(id / per)}.json`))[id % per];
  }
}

/** Whether a word of the text should be highlighted for the query words. */
export function matches(token, ws) {
  const t = fold(token.replace(/-/g, ""));
  return ws.some((w) => t.startsWith(w) || (w.length >= 4 && t.includes(w)) ||
    (w.length >= 4 && t.length >= 4 && w.startsWith(t.slice(0, Math.max(4, w.length - 2)))) ||
    (w.length >= 5 && editDistanceAtMostOne(t, w)));
}

/** A window of `text` around its first matching word, as [text, highlighted] pieces. */
export function snippet(text, ws, size = 180) {
  const tokens = [...text.matchAll(WORD)];
  const hit = tokens.find((m) => matches(m[0], ws));
  let start = hit ? Math.max(0, hit.index - 50) : 0;
  if (start > 0) start = text.indexOf(" ", start) + 1;
  let end = Math.min(text.length, start + size);
  if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), start + 1);
  const pieces = [];
  let pos = start;
  for (const m of tokens) {
    if (m.index < start || m.index + m[0].length > end || !matches(m[0], ws)) continue;
    pieces.push([text.slice(pos, m.index), false], [m[0], true]);
    pos = m.index + m[0].length;
  }
  pieces.push([text.slice(pos, end), false]);
  if (start > 0) pieces.unshift(["…", false]);
  if (end < text.length) pieces.push(["…", false]);
  return pieces;
}

function ui() {
  const list = document.getElementById("search-results");
  const input = document.getElementById("search-input");
  const status = document.getElementById("search-status");
  if (!list || !input || !status) return;
  const d = list.dataset;
  // index.json is asked for again each time (a cheap 304 while the site is unchanged); the
  // files it names are asked for by version, and can be cached for good.
  const index = new Index((path, version) => fetch(
    d.index + path + (version ? "?v=" + version : ""),
    version ? {} : { cache: "no-cache" },
  ).then((r) => {
    if (!r.ok) throw new Error(path);
    return r.text();
  }));
  const plural = new Intl.PluralRules(document.documentElement.lang);
  const show = (el, pieces) => {
    el.replaceChildren(...pieces.map(([t, hl]) => {
      if (!hl) return document.createTextNode(t);
      const m = document.createElement("mark");
      m.textContent = t;
      return m;
    }));
  };
  let run = 0;
  async function search(query, updateUrl) {
    const mine = ++run;
    if (updateUrl) {
      const url = new URL(location.href);
      if (query.trim()) url.searchParams.set("q", query); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
    }
    if (!query.trim()) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    let ws, results, truncated, docs;
    try {
      ({ words: ws, results, truncated } = await index.search(query));
      docs = await Promise.all(results.slice(0, 10).map((r) => index.doc(r.doc)));
    } catch {
      // A file of the index that cannot be had (the network, a deploy in progress) leaves
      // the reader the no-results message and its hint, not a page that stays silent.
      results = docs = [];
    }
    if (mine !== run) return;
    list.replaceChildren(...docs.map((doc) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = doc.u;
      show(a, snippet(doc.t, ws, 1000));
      const path = document.createElement("span");
      path.className = "result-path";
      path.textContent = doc.c;
      const p = document.createElement("p");
      p.className = "result-snippet";
      const inBody = snippet(doc.x, ws);
      show(p, inBody.some(([, hl]) => hl) || !doc.d ? inBody : snippet(doc.d, ws));
      li.append(a, path, p);
      return li;
    }));
    const n = results.length;
    if (n === 0) {
      status.replaceChildren(d.none.replace("%q%", query), document.createElement("br"), d.hint);
    } else {
      // The messages were rendered by Fluent for the counts 1 and 7777.
      status.textContent = truncated
        ? d.many.replace("7777", String(n))
        : plural.select(n) === "one"
          ? d.one.replace("1", String(n))
          : d.other.replace("7777", String(n));
    }
  }
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value, true), 120);
  });
  input.form.addEventListener("submit", (e) => {
    e.preventDefault();
    search(input.value, true);
  });
  // Arrow keys move between the field and the results; Enter follows a link.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (document.activeElement !== input && at < 0) return;
    e.preventDefault();
    const next = e.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) input.focus();
    else if (next < links.length) links[next].focus();
  });
  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    search(q, false);
  }
}

if (typeof document !== "undefined") ui();
