// kbgen search: queries the split index under /search-index/<lang>/ and shows the results.
// Tokenising and folding mirror src/index/text.rs; stems come from the index's aliases.
// Nothing from the index is ever inserted as HTML: text nodes and <mark> elements only.

export function fold(s) {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

const WORD = /[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*/gu;

/** A token as the index looks it up: folded, without hyphens ("E-POST" → "epost"). */
const asKey = (token) => fold(token.replace(/-/g, ""));

/** The folded search words of a query: "E-POST imap.websupport.se" → ["epost", "imap.websupport.se"]. */
export function words(text) {
  return (text.match(WORD) || []).map(asKey);
}

/**
 * The words of a query that say what it is about, each once: without the locale's stop words
 * (`stop`, lower case as in the index's `index.json`), unless the query has nothing else.
 * "How do I change my password" → ["change", "password"]; "how" → ["how"].
 */
export function queryWords(text, stop = []) {
  const all = text.match(WORD) || [];
  const skip = new Set(stop);
  const kept = all.filter((w) => !skip.has(w.toLowerCase().normalize("NFC")));
  return [...new Set((kept.length ? kept : all).map(asKey))];
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

/** Where a document holds a word, from the mark between a posting's document and impact. */
const TITLE = 1, HEADING = 2;
const PLACES = { ":": 0, "=": TITLE, "+": HEADING, "*": TITLE | HEADING };

/**
 * Ranking (see the README's "How search ranks"): a document's score is the sum of its words'
 * impacts, times the share of the query's informativeness (idf) it matches (to the power
 * COVERED), times 1 + TITLE_WEIGHT × the share of the query's informativeness among titles
 * its title holds (headings count half). Among the results shown, query words next to each
 * other (or one word apart) in the title or the text add NEAR_TITLE or NEAR_TEXT times the
 * share of neighbouring query words so placed.
 */
const COVERED = 1, TITLE_WEIGHT = 1, NEAR_TITLE = 0.5, NEAR_TEXT = 0.25, SHOWN = 10;

const byRank = (a, b) => b.rank - a.rank || a.doc - b.doc;

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

  /**
   * Adds the documents of `key` (following its alias) to `scores` with `quality`: for each,
   * its best score and every place (title, headings) a form of the word was found in.
   * Returns the key its alias leads to (or itself) when the index has it, else false.
   */
  async add(meta, key, quality, scores, seen = new Set()) {
    if (seen.has(key)) return false;
    seen.add(key);
    const e = await this.entry(meta, key);
    if (!e) return false;
    const stem = e.alias ? await this.add(meta, e.alias, quality, scores, seen) : false;
    if (e.postings) {
      // A list cut at build time (the word is in more documents than it keeps) starts with "!".
      const cut = e.postings.startsWith("!");
      if (cut) this.truncated = true;
      let doc = 0;
      for (const p of (cut ? e.postings.slice(1) : e.postings).split(",")) {
        const mark = p.search(/[^0-9a-z]/);
        doc += parseInt(p.slice(0, mark), 36);
        const s = parseInt(p.slice(mark + 1), 36) * quality;
        const had = scores.get(doc);
        if (!had) scores.set(doc, { s, places: PLACES[p[mark]] });
        else {
          had.s = Math.max(had.s, s);
          had.places |= PLACES[p[mark]];
        }
      }
    }
    return stem || key;
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

  /** Adds `key` and, at `quality` × SYNONYM, the words of the synonym groups of it or its stem. */
  async addWithSynonyms(meta, key, quality, scores, seen) {
    const stem = await this.add(meta, key, quality, scores, seen);
    for (const group of meta.synonyms) {
      if (group.includes(key) || (stem && group.includes(stem))) {
        for (const s of group) await this.add(meta, s, quality * SYNONYM, scores, seen);
      }
    }
    return stem;
  }

  /**
   * The keys one edit away from `w` (a letter wrong, missing, extra, or two neighbours
   * swapped), from the vocabularies: `v<c>` holds the keys whose first letter is c, `w<c>`
   * those whose second is. A typo after the first letter keeps it (v of w's first letter); an
   * extra or swapped first letter makes w's second the key's first (v of w's second); a
   * missing first letter makes w's first the key's second, and a wrong one keeps the second
   * (w of w's first and second), asked for only when the first two find nothing.
   */
  async typos(w) {
    const found = new Set();
    const scan = async (file) => {
      for (const k of (await this.load(file).catch(() => "")).split("\n")) {
        if (k && editDistanceAtMostOne(w, k)) found.add(k);
      }
    };
    const letters = [...new Set([...w].slice(0, 2))].map((c) => c.codePointAt(0).toString(16));
    await Promise.all(letters.map((c) => scan(`v${c}.txt`)));
    if (found.size === 0) await Promise.all(letters.map((c) => scan(`w${c}.txt`)));
    return [...found].sort();
  }

  /** The documents one query word finds: for each, a score and the places it holds the word. */
  async word(meta, w, isLast) {
    const scores = new Map();
    const seen = new Set();
    await this.addWithSynonyms(meta, w, EXACT, scores, seen);
    // The word being typed completes across shards; the others only within the shard
    // already loaded for them, which costs no download.
    if (w.length >= (isLast ? 2 : 4)) {
      for (const k of await this.completions(meta, w, 40, isLast ? 2 : 0)) await this.add(meta, k, PREFIX, scores, seen);
    }
    // A word the site does not have: a form it never used, an ending of one or two letters
    // away ("lösenorden", "mejlen"); else a word one typo away ("outlok"); else a known
    // beginning three or four letters shorter. The longest beginning wins.
    const beginning = async (shortest, longest) => {
      for (let cut = w.length - shortest; cut >= Math.max(3, w.length - longest); cut--) {
        if (await this.addWithSynonyms(meta, w.slice(0, cut), STEM, scores, seen)) return;
      }
    };
    if (scores.size === 0 && w.length >= 4) await beginning(1, 2);
    if (scores.size === 0 && w.length >= 5) {
      for (const k of await this.typos(w)) await this.addWithSynonyms(meta, k, TYPO, scores, seen);
    }
    if (scores.size === 0 && w.length >= 5) await beginning(3, 4);
    return scores;
  }

  /** Ranked results, best first, by `rank` (see TITLE_WEIGHT), ties by document order. */
  async search(query) {
    const meta = await this.meta();
    this.truncated = false;
    const ws = queryWords(query, meta.stop);
    // Nothing to find, and no shard to ask for: an index without documents may have none.
    if (!meta.docs || !meta.shards.length) return { words: ws, results: [], truncated: false };
    const complete = /\s$/.test(query);
    const perWord = [];
    for (let i = 0; i < ws.length; i++) perWord.push(await this.word(meta, ws[i], i === ws.length - 1 && !complete));
    // A word is as informative as it is rare (BM25's idf, from the documents it found), and
    // in a title as it is rare among titles; words no title has do not count there.
    const rarity = (n) => Math.log(1 + (meta.docs - n + 0.5) / (n + 0.5));
    const idf = perWord.map((m) => rarity(m.size));
    const titles = perWord.map((m) => [...m.values()].filter((e) => e.places & TITLE).length);
    const titleIdf = titles.map((n) => (n ? rarity(n) : 0));
    const all = idf.reduce((a, b) => a + b, 0);
    const allTitled = titleIdf.reduce((a, b) => a + b, 0) || 1;
    const total = new Map();
    perWord.forEach((scores, i) => {
      for (const [doc, { s, places }] of scores) {
        const t = total.get(doc) || { doc, matched: 0, score: 0, covered: 0, titled: 0 };
        t.matched += 1;
        t.score += s;
        t.covered += idf[i];
        t.titled += places & TITLE ? titleIdf[i] : places & HEADING ? titleIdf[i] / 2 : 0;
        total.set(doc, t);
      }
    });
    for (const t of total.values()) {
      const covered = t.covered / all;
      t.rank = t.score * covered ** COVERED * (1 + TITLE_WEIGHT * t.titled / allTitled);
    }
    const ranked = [...total.values()].sort(byRank);
    if (ws.length > 1) {
      // Words side by side: only among the results shown, whose records the page fetches.
      const shown = ranked.slice(0, SHOWN);
      const records = await Promise.all(shown.map((r) => this.doc(r.doc)));
      shown.forEach((r, i) => {
        r.rank *= 1 + NEAR_TITLE * nearness(records[i].t, ws) + NEAR_TEXT * nearness(records[i].x, ws);
      });
      ranked.splice(0, shown.length, ...shown.sort(byRank));
    }
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
  const t = asKey(token);
  return ws.some((w) => t.startsWith(w) || (w.length >= 4 && t.includes(w)) ||
    (w.length >= 4 && t.length >= 4 && w.startsWith(t.slice(0, Math.max(4, w.length - 2)))) ||
    (w.length >= 5 && editDistanceAtMostOne(t, w)));
}

/**
 * The share of the query's neighbouring words (`ws[i]`, `ws[i + 1]`) that `text` has in that
 * order, next to each other or one word apart ("change the password").
 */
export function nearness(text, ws) {
  const tokens = text.match(WORD) || [];
  const at = ws.map((w) => new Set(tokens.flatMap((t, p) => (matches(t, [w]) ? [p] : []))));
  let near = 0;
  for (let i = 0; i + 1 < ws.length; i++) {
    if ([...at[i]].some((p) => at[i + 1].has(p + 1) || at[i + 1].has(p + 2))) near++;
  }
  return near / (ws.length - 1);
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

/** The index under `base` ("/search-index/sv/") as a browser fetches it. */
export function browserIndex(base) {
  // index.json is asked for again each time (a cheap 304 while the site is unchanged); the
  // files it names are asked for by version, and can be cached for good.
  return new Index((path, version) => fetch(
    base + path + (version ? "?v=" + version : ""),
    version ? {} : { cache: "no-cache" },
  ).then((r) => {
    if (!r.ok) throw new Error(path);
    return r.text();
  }));
}

/** Puts `pieces` (from `snippet`) into `el` as text, the highlighted ones in <mark>. */
export function show(el, pieces) {
  el.replaceChildren(...pieces.map(([t, hl]) => {
    if (!hl) return document.createTextNode(t);
    const m = document.createElement("mark");
    m.textContent = t;
    return m;
  }));
}

/** How long a query stands unchanged before it counts as a search of its own. */
const PAUSE = 3000;

/**
 * One event per search for the insights receiver (kbgen.yaml's insights_url, on the body): the
 * query as typed, its number of results and the rank of the result opened (none: empty), sent
 * by beacon when the reader opens a result, PAUSE ms after the query last changed, or when the
 * page is left. A query the reader goes on typing is not sent. No cookie, no identifier;
 * without insights_url, nothing at all.
 */
export function searchEvents(lang) {
  const url = document.body.dataset.insights;
  let pending = null, timer;
  const send = (rank) => {
    clearTimeout(timer);
    if (!pending) return;
    const { q, n } = pending;
    pending = null;
    navigator.sendBeacon(url, new URLSearchParams({
      event: "search", lang, q, results: String(n), opened: rank ? String(rank) : "",
    }));
  };
  if (url) {
    addEventListener("pagehide", () => send(0));
    // Phones often hide a page (the reader switches app) and end it without a pagehide.
    document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && send(0));
  }
  return {
    /** The results of `q` are on screen: `n` of them. */
    shown(q, n) {
      if (pending?.q === q) return;
      clearTimeout(timer);
      pending = url && q.trim() ? { q, n } : null;
      if (pending) timer = setTimeout(() => send(0), PAUSE);
    },
    /** The reader opens the result at `rank` (from 1). */
    opened: (rank) => send(rank),
    /** The query goes on elsewhere (the search page): it is not this page's to send. */
    drop() {
      clearTimeout(timer);
      pending = null;
    },
  };
}

function ui() {
  const list = document.getElementById("search-results");
  const input = document.getElementById("search-input");
  const status = document.getElementById("search-status");
  if (!list || !input || !status) return;
  const d = list.dataset;
  const index = browserIndex(d.index);
  const plural = new Intl.PluralRules(document.documentElement.lang);
  const events = searchEvents(document.documentElement.lang);
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
    events.shown(query, n);
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
  // A result opened (by click, Enter or a middle click) is the search's answer.
  const opened = (e) => {
    const a = e.target.closest("a");
    if (a) events.opened([...list.querySelectorAll("a")].indexOf(a) + 1);
  };
  list.addEventListener("click", opened);
  list.addEventListener("auxclick", opened);
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
