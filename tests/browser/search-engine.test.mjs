// The search engine of static/search.js, in Node, against the index kbgen builds for the
// shipped site: tokenising, folding, prefixes, compounds, typos, synonyms and ranking.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { before, test } from "node:test";
import { buildSite, REPO } from "./site.mjs";

const { Index, fold, words, queryWords, nearness, snippet, matches } = await import(join(REPO, "static/search.js"));

let sv, en, out;
before(() => {
  out = buildSite();
  const load = (lang) => new Index((p) => readFile(join(out, "search-index", lang, p), "utf8"));
  sv = load("sv");
  en = load("en");
});

async function titles(index, query, n = 3) {
  const { results } = await index.search(query);
  return Promise.all(results.slice(0, n).map(async (r) => (await index.doc(r.doc)).t));
}

test("folding and tokenising mirror the index", () => {
  assert.equal(fold("Lösenord"), "losenord");
  assert.equal(fold("ÅÄÖ éü"), "aao eu");
  assert.deepEqual(words("E-POST imap.websupport.se, port 993!"), ["epost", "imap.websupport.se", "port", "993"]);
  assert.deepEqual(words("e-post"), words("epost"));
});

test("diacritics are optional and case does not matter", async () => {
  const exact = await titles(sv, "lösenord");
  assert.equal(exact[0], "Byt lösenord för ditt e-postkonto");
  assert.deepEqual(await titles(sv, "losenord"), exact);
  assert.deepEqual(await titles(sv, "LÖSENORD"), exact);
  assert.deepEqual(await titles(sv, "E-POST", 5), await titles(sv, "epost", 5));
  assert.deepEqual(await titles(sv, "e-post", 5), await titles(sv, "epost", 5));
});

test("a prefix finds the word being typed", async () => {
  assert.deepEqual((await titles(sv, "lösen", 2)).sort(),
    ["Byt lösenord för ditt e-postkonto", "Återställ lösenordet till kontrollpanelen"]);
  assert.equal((await titles(en, "passw"))[0], "Reset your Control Panel password");
  assert.equal((await titles(en, "thunderb"))[0], "Set up email in Thunderbird");
});

test("a part of a Swedish compound finds the compound", async () => {
  // "lösenordsbyte" is split against the site's own words at build time.
  const { results } = await sv.search("byte");
  const docs = await Promise.all(results.map((r) => sv.doc(r.doc)));
  assert.ok(docs.some((d) => fold(d.x).includes("losenordsbyte")), "no document with lösenordsbyte");
  assert.equal((await titles(sv, "lösenordsbyte"))[0], "Byt lösenord för ditt e-postkonto");
});

test("one typo in a long word still finds the article, ranked below exact matches", async () => {
  assert.equal((await titles(sv, "thunderbrd"))[0], "Konfigurera e-post i Thunderbird");
  assert.equal((await titles(en, "thunderbrid"))[0], "Set up email in Thunderbird");
  assert.equal((await titles(en, "certficate"))[0], "Install a free SSL certificate from Let's Encrypt");
  // An extra or swapped first letter is found through the second letter's vocabulary.
  assert.equal((await titles(en, "htunderbird"))[0], "Set up email in Thunderbird");
  assert.equal((await titles(en, "xthunderbird"))[0], "Set up email in Thunderbird");
  // A missing or wrong first letter, through the vocabularies of keys by their second letter.
  assert.equal((await titles(en, "hunderbird"))[0], "Set up email in Thunderbird");
  assert.equal((await titles(sv, "hunderbird"))[0], "Konfigurera e-post i Thunderbird");
  assert.equal((await titles(en, "shunderbird"))[0], "Set up email in Thunderbird");
  // A typo is tried before a shorter known beginning: "outlok" is not "out" (of office).
  assert.equal((await titles(en, "outlok"))[0], "Set up email in Outlook");
  // Short words are not guessed at.
  assert.deepEqual(await titles(en, "dmx"), []);
});

test("server tables are searchable by host and port", async () => {
  assert.equal((await titles(sv, "imap 993"))[0], "E-postprotokoll (IMAP vs POP3)");
  assert.equal((await titles(en, "imap 993"))[0], "Email protocol (IMAP vs POP3)");
  assert.ok((await titles(en, "smtp.websupport.se", 10)).includes("Email protocol (IMAP vs POP3)"));
  assert.ok((await titles(sv, "993", 10)).includes("E-postprotokoll (IMAP vs POP3)"));
});

test("a query for a shared table's rows finds every article that shows the table", async () => {
  // servers.yaml's email/smtp and email/smtp-secure hold port 587; the Android article's
  // English file takes its rows from the Swedish one, which names email/smtp-secure. They
  // match both words, so they come before the iPhone article (SMTP, but on port 465 only).
  const sorted = async (index, q) => (await titles(index, q, 4)).sort();
  assert.deepEqual(await sorted(en, "smtp 587"), [
    "Email on Android (Gmail app)", "Email protocol (IMAP vs POP3)",
    "Set up email in Outlook", "Set up email in Thunderbird",
  ]);
  assert.deepEqual(await sorted(sv, "smtp 587"), [
    "E-post på Android (Gmail-appen)", "E-postprotokoll (IMAP vs POP3)",
    "Konfigurera e-post i Outlook", "Konfigurera e-post i Thunderbird",
  ]);
});

test("synonyms from synonyms.yaml widen a query", async () => {
  assert.equal((await titles(en, "bill"))[0], "Pay your invoice");
  // Another form of a group's word finds the group through its stem.
  assert.equal((await titles(en, "bills"))[0], "Pay your invoice");
  // The Swedish site writes "webbmejl"; readers type "webmail".
  assert.equal((await titles(sv, "webmail"))[0], "Logga in i webbmejlen");
  const mejl = await sv.search("mejl");
  const epost = await sv.search("e-post");
  assert.ok(mejl.results.length > 0);
  assert.ok(mejl.results.length >= epost.results.length - 1);
});

test("ranking: by rank, ties by document order", async () => {
  const { results } = await en.search("two factor");
  assert.equal((await en.doc(results[0].doc)).t, "Two-factor authentication (2FA)");
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1], results[i]];
    assert.ok(a.rank > b.rank || (a.rank === b.rank && a.doc < b.doc), `order at ${i}`);
  }
});

test("stop words neither count nor cost a download, unless the query has nothing else", async () => {
  const meta = JSON.parse(await readFile(join(out, "search-index/en/index.json"), "utf8"));
  assert.ok(meta.stop.includes("how") && meta.stop.includes("my"), "Snowball's English list");
  assert.deepEqual(queryWords("How do I change my email password?", meta.stop), ["change", "email", "password"]);
  assert.deepEqual(queryWords("how do I", meta.stop), ["how", "do", "i"]);
  // Stop words are compared unfolded: "år" (year) is not "är" (is).
  assert.deepEqual(queryWords("år är", ["är"]), ["ar"]);
  assert.equal((await titles(en, "how do I change my email password"))[0], "Change your email password");
  assert.equal((await titles(sv, "hur byter jag lösenord för mejlen"))[0], "Byt lösenord för ditt e-postkonto");
  assert.ok((await en.search("the")).results.length > 0, "a query of stop words only finds something");
  // The stop words' shards are never asked for.
  const asked = [];
  const index = new Index((p) => {
    asked.push(p);
    return readFile(join(out, "search-index/en", p), "utf8");
  });
  const alone = new Set();
  const quiet = new Index((p) => {
    alone.add(p);
    return readFile(join(out, "search-index/en", p), "utf8");
  });
  await index.search("how do I change the password for my email");
  await quiet.search("change password email");
  assert.deepEqual(new Set(asked), alone);
});

test("an article whose title holds the query's words beats one that only mentions them", async () => {
  // The iPhone article is about Apple Mail and mentions Android; the Android one's title
  // holds the rarest word and "email", a synonym of "mail".
  assert.equal((await titles(en, "android mail settings"))[0], "Email on Android (Gmail app)");
  assert.equal((await titles(en, "iphone mail settings"))[0], "Email on iPhone and iPad (Apple Mail)");
  // "mailbox" finds "email" through synonyms.yaml; the title holds "change" and "password".
  assert.equal((await titles(en, "change mailbox password"))[0], "Change your email password");
});

test("nearness: the share of neighbouring query words side by side, or one word apart", () => {
  assert.equal(nearness("Change the password of your email", ["change", "password", "email"]), 0.5);
  assert.equal(nearness("email password change", ["change", "password"]), 0);
  assert.equal(nearness("Byt lösenord för e-post", ["byt", "losenord", "epost"]), 1);
  assert.equal(nearness("", ["a", "b"]), 0);
});

test("no results for nonsense", async () => {
  assert.deepEqual((await sv.search("xyzzyqq")).results, []);
});

test("snippets highlight the matched words and never more than the window", () => {
  const text = "Öppna kontrollpanelen. Byt lösenordet under Inställningar och spara.";
  const pieces = snippet(text, words("lösenord"), 60);
  assert.deepEqual(pieces.filter(([, hl]) => hl).map(([t]) => t), ["lösenordet"]);
  assert.ok(pieces.map(([t]) => t).join("").length <= 62);
  assert.ok(matches("Lösenordsbyte", ["byte"]));
  assert.ok(!matches("by", ["byte"]));
});

test("a word whose list was cut at build time says so, for an honest count", async () => {
  const files = {
    "index.json": JSON.stringify({ v: 1, docs: 3, shards: ["a"], synonyms: [] }),
    "t0.txt": "common\t!0:5,1:4,1:3\nrare\t2:9\n",
  };
  const index = new Index(async (p) => files[p]);
  const common = await index.search("common");
  assert.equal(common.truncated, true);
  assert.deepEqual(common.results.map((r) => r.doc), [0, 1, 2]);
  const rare = await index.search("rare");
  assert.equal(rare.truncated, false);
  assert.deepEqual(rare.results.map((r) => r.doc), [2]);
});

test("an index without documents finds nothing and asks for no file but its directory", async () => {
  // As kbgen wrote a locale without articles before it wrote an empty first shard.
  for (const shards of [[], [""]]) {
    const asked = [];
    const empty = new Index(async (p) => {
      asked.push(p);
      if (p !== "index.json") throw new Error(`no ${p}`);
      return JSON.stringify({ v: 2, version: "0", docs: 0, docs_per_file: 2, shards,
        synonyms: [["mail", "email"]] });
    });
    for (const query of ["anything", "mail", "thunderbrd", "e"]) {
      assert.deepEqual((await empty.search(query)).results, [], `${query} in ${JSON.stringify(shards)}`);
    }
    assert.deepEqual(asked, ["index.json"]);
  }
});
