//! The search index: built from the site model (not by re-reading HTML), one per locale,
//! split so that a browser downloads only what a query needs.
//!
//! Per locale, under `search-index/<code>/`:
//! - `index.json`: the first key of every term shard, the synonym groups, the language's stop
//!   words (Snowball's lists, lower case), the document count;
//! - `t<N>.txt`: term shards, sorted by key, at least one (empty in a locale without words).
//!   A line `key\tpostings` lists the documents of a folded stem with a precomputed BM25F
//!   impact (1–255), each `doc<mark>impact` where the mark says whether the title or a
//!   heading holds the word (`PLACE_MARK`); a line `form>stem` maps a folded word form to its
//!   stem, so the browser needs no stemmer;
//! - `v<hex>.txt` and `w<hex>.txt`: every key whose first (v) or second (w) character is
//!   that one, for typo tolerance, the first letter's typos included;
//! - `d/<n>.json`: the records of documents `DOCS_PER_FILE × n` onwards (an array): URL,
//!   title, category path, description and text, fetched only for the results shown.
//!
//! Scores are computed here once: title > tags, headings, category, server tables >
//! description > body, with BM25F length normalisation per field, and a bonus where the
//! title holds the word, by the word's rarity among titles. Swedish compounds are split
//! against the site's own vocabulary, so "byte" finds "lösenordsbyte". How the browser
//! combines a query's words: `static/search.js` and the README's "How search ranks".

pub mod text;

use crate::config::Config;
use crate::diag::yaml::yaml_error;
use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use crate::load::files::{File, SYNONYMS_FILE};
use crate::model::{LocaleId, Site};
use crate::render::markdown::Body;
use crate::render::tables::TableWords;
use crate::write::Sink;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use text::{each_raw_token, fold, split_joined, tokens, Analyzer};
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

pub(crate) const INDEX_DIR: &str = "search-index";

/// Fields with their weight and BM25 length normalisation.
const FIELDS: [(f32, f32); 6] = [
    (8.0, 0.3),  // title
    (4.0, 0.3),  // tags and category names
    (3.0, 0.5),  // headings
    (4.0, 0.3),  // server tables: hosts and ports
    (2.0, 0.5),  // description
    (1.0, 0.75), // body
];
const K1: f32 = 1.2;
/// Added to the saturated frequency (at most `K1 + 1`) when the title holds the word.
const TITLE_BONUS: f32 = 1.0;
/// A part of a joined word or compound counts this much of the whole.
const PART_WEIGHT: f32 = 0.5;
/// Longest posting list kept per term, by impact: enough to rank, small to download.
const MAX_POSTINGS: usize = 1000;
/// What separates a posting's document from its impact, by its `Places`: none, title,
/// headings, both.
const PLACE_MARK: [u8; 4] = [b':', b'=', b'+', b'*'];
/// Shards are cut after this many bytes (before compression).
const SHARD_BYTES: usize = 12 * 1024;
/// Document records per file. One per file is the fewest bytes a search downloads, but one
/// small file per article is a site's most files: creating them was a fifth of a build's
/// time on ext4, and they slow every upload. Two per file halves that, and the bytes before
/// the first results stay far below Pagefind's (bench/README.md).
const DOCS_PER_FILE: usize = 2;

/// Synonym groups per locale, from `synonyms.yaml` in the site root.
pub(crate) type Synonyms = BTreeMap<String, Vec<Vec<String>>>;

/// The synonym groups of `synonyms.yaml` as read (none when the site has no such file); each
/// locale named must be a configured one.
pub(crate) fn parse_synonyms(
    file: Option<&File>,
    config: &Config,
) -> Result<Synonyms, Diagnostics> {
    let Some(File { text, .. }) = file else {
        return Ok(Synonyms::new());
    };
    let synonyms: Synonyms =
        serde_yaml::from_str(text).map_err(|e| yaml_error(SYNONYMS_FILE, text, 0, &e))?;
    let codes: Vec<&str> = config.locales.iter().map(|l| l.code.as_str()).collect();
    let mut diags = Diagnostics::default();
    for code in synonyms.keys().filter(|c| !codes.contains(&c.as_str())) {
        let pos = crate::diag::yaml::key_pos(text, code, 1, None).unwrap_or(Pos::START);
        diags.push(
            Diagnostic::error(
                Code::SynonymsUnknownLocale,
                SYNONYMS_FILE,
                pos,
                format!("`{code}` is not a configured locale"),
            )
            .with_source(text)
            .hint(format!(
                "the locales of kbgen.yaml are: {}",
                codes.join(", ")
            )),
        );
    }
    diags.check().map(|_| synonyms)
}

/// Builds every locale's index and writes its files into `sink`, each as soon as it is made.
pub fn build(
    site: &Site,
    bodies: &[Body],
    synonyms: &Synonyms,
    tables: &[TableWords],
    sink: &dyn Sink,
) -> Result<(), Diagnostics> {
    build_or_stop(site, bodies, synonyms, tables, sink, &|| false).map(|_| ())
}

/// As `build`, but gives up as soon as `stop()` says so, between runs of documents and before
/// a locale's files are written (once begun, a locale's files are all written): for `kbgen
/// serve`, where a newer save makes the index being built out of date. Returns whether every
/// locale's index was written.
pub fn build_or_stop(
    site: &Site,
    bodies: &[Body],
    synonyms: &Synonyms,
    tables: &[TableWords],
    sink: &dyn Sink,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<bool, Diagnostics> {
    // Locales side by side: each has steps that run on one thread.
    let written: Vec<Result<bool, Diagnostic>> = site
        .locales
        .par_iter()
        .enumerate()
        .zip(tables)
        .map(|((l, locale), words)| {
            match LocaleIndex::build(site, bodies, l, synonyms.get(&locale.code), words, stop) {
                Some(index) if !stop() => index.write(sink).map(|()| true),
                _ => Ok(false),
            }
        })
        .collect();
    let mut all = true;
    let mut errors = Diagnostics::default();
    for w in written {
        match w {
            Ok(done) => all &= done,
            Err(e) => errors.push(e),
        }
    }
    errors.check().map(|_| all)
}

/// A document's searchable text, by field (see `FIELDS`).
fn fields<'a>(
    site: &'a Site,
    bodies: &'a [Body],
    a: usize,
    words: &TableWords,
) -> [Vec<Cow<'a, str>>; 6] {
    let art = &site.articles[a];
    let l = art.locale;
    let categories = site
        .category_path(art.category)
        .into_iter()
        .map(|c| Cow::Borrowed(site.categories[c].title[l].as_str()));
    let tables = art.tables.values().flat_map(|t| {
        let rows = t.rows.iter().map(|r| Cow::Owned(words.row(r)));
        let caption = t.caption.as_deref().map(Cow::Borrowed);
        caption
            .into_iter()
            .chain(std::iter::once(Cow::Owned(words.headers.clone())))
            .chain(rows)
    });
    [
        vec![Cow::Borrowed(art.title.as_str())],
        art.tags
            .iter()
            .map(|t| Cow::Borrowed(t.as_str()))
            .chain(categories)
            .collect(),
        bodies[a]
            .headings
            .iter()
            .map(|(_, _, t)| Cow::Borrowed(t.as_str()))
            .collect(),
        tables.collect(),
        art.description
            .as_deref()
            .map(Cow::Borrowed)
            .into_iter()
            .collect(),
        vec![Cow::Borrowed(bodies[a].text.as_str())],
    ]
}

/// A raw token's terms: its word's stem, the stems of the word's compound parts, and the
/// stems of its joined parts ("e-post" → "e", "post").
type RawTerms = (u32, Vec<u32>, Vec<u32>);

/// Documents per run of pass 1: each run numbers its own raw tokens.
const CHUNK_DOCS: usize = 256;

/// A run of documents, tokenised: their raw tokens numbered in order of first appearance,
/// and each document's counts by those numbers.
struct Chunk<'a> {
    names: Vec<Cow<'a, str>>,
    docs: Vec<DocWords>,
}

/// One document's raw tokens (by number in its run), each with how often it occurs in each
/// field (see `FIELDS`), and the number of tokens per field.
struct DocWords {
    len: [u32; 6],
    words: Vec<(u32, [u16; 6])>,
}

impl<'a> Chunk<'a> {
    fn of(docs: impl Iterator<Item = [Vec<Cow<'a, str>>; 6]>) -> Chunk<'a> {
        let mut c = Counter::default();
        let docs = docs
            .map(|fields| {
                let mut len = [0u32; 6];
                for (f, texts) in fields.iter().enumerate() {
                    for t in texts {
                        match t {
                            // Tokens of borrowed text stay borrowed.
                            Cow::Borrowed(text) => each_raw_token(text, |raw| {
                                len[f] += 1;
                                c.add(f, raw.as_str(), || raw.to_cow());
                            }),
                            Cow::Owned(text) => each_raw_token(text, |raw| {
                                len[f] += 1;
                                c.add(f, raw.as_str(), || raw.as_str().to_string().into());
                            }),
                        }
                    }
                }
                DocWords {
                    len,
                    words: c.finish_doc(),
                }
            })
            .collect();
        Chunk {
            names: c.names,
            docs,
        }
    }
}

/// Numbers raw tokens and counts them per field for the document at hand.
#[derive(Default)]
struct Counter<'a> {
    /// Tokens of at most 16 bytes (nearly all), by their bytes packed into two words: a
    /// look-up hashes and compares two words, with no call to compare bytes.
    short: FxHashMap<(u64, u64), u32>,
    long: FxHashMap<Cow<'a, str>, u32>,
    names: Vec<Cow<'a, str>>,
    counts: PerDoc<[u16; 6]>,
}

impl<'a> Counter<'a> {
    fn add(&mut self, field: usize, raw: &str, key: impl FnOnce() -> Cow<'a, str>) {
        let id = match pack(raw.as_bytes()) {
            Some(packed) => match self.short.get(&packed) {
                Some(&id) => id,
                None => {
                    let id = self.name(key());
                    self.short.insert(packed, id);
                    id
                }
            },
            None => match self.long.get(raw) {
                Some(&id) => id,
                None => {
                    let key = key();
                    let id = self.name(key.clone());
                    self.long.insert(key, id);
                    id
                }
            },
        };
        let c = self.counts.get(id);
        c[field] = c[field].saturating_add(1);
    }

    /// Numbers a token seen for the first time.
    fn name(&mut self, key: Cow<'a, str>) -> u32 {
        let id = self.names.len() as u32;
        self.names.push(key);
        self.counts.push();
        id
    }

    /// The counts of the document just added, which start again from zero.
    fn finish_doc(&mut self) -> Vec<(u32, [u16; 6])> {
        self.counts.finish_doc()
    }
}

/// The bytes of a token of 1–16 bytes as two words, zero-padded: a different token always
/// packs differently, as tokens hold no zero byte (the tokenizer splits at every control
/// character). Loads overlap rather than go byte by byte.
fn pack(b: &[u8]) -> Option<(u64, u64)> {
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let half = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    let n = b.len();
    Some(match n {
        0 => return None,
        1..=3 => {
            let byte = |i: usize| u64::from(b[i]) << (8 * i);
            (byte(0) | byte(n / 2) | byte(n - 1), 0)
        }
        4..=7 => (half(0) | half(n - 4) << (8 * (n - 4)), 0),
        8 => (word(0), 0),
        9..=16 => (word(0), word(n - 8) >> (8 * (16 - n))),
        _ => return None,
    })
}

/// Values by number for the document at hand, and the numbers it has: each document costs
/// only its own, and the table is reused, back at zero, for the next (no hashing and no
/// growing per document).
struct PerDoc<T> {
    values: Vec<T>,
    /// The numbers the document has, in `touched[..n]`; one slot longer than `values`, so that
    /// a number is written each time and kept only when new, with no branch to mispredict.
    touched: Vec<u32>,
    n: usize,
}

impl<T: Copy + Default + PartialEq> Default for PerDoc<T> {
    fn default() -> Self {
        PerDoc::new(0)
    }
}

impl<T: Copy + Default + PartialEq> PerDoc<T> {
    fn new(len: usize) -> PerDoc<T> {
        PerDoc {
            values: vec![T::default(); len],
            touched: vec![0; len + 1],
            n: 0,
        }
    }

    fn push(&mut self) {
        self.values.push(T::default());
        self.touched.push(0);
    }

    fn get(&mut self, n: u32) -> &mut T {
        let v = &mut self.values[n as usize];
        self.touched[self.n] = n;
        self.n += usize::from(*v == T::default());
        v
    }

    /// The values of the document just added, in the order it first had them.
    fn finish_doc(&mut self) -> Vec<(u32, T)> {
        let values = &mut self.values;
        let out = self.touched[..self.n]
            .iter()
            .map(|&n| (n, std::mem::take(&mut values[n as usize])))
            .collect();
        self.n = 0;
        out
    }
}

struct LocaleIndex<'a> {
    code: String,
    docs: Vec<DocRecord<'a>>,
    /// Key, whether its list was cut to `MAX_POSTINGS`, postings (doc, impact); sorted by
    /// key, then by doc.
    postings: Vec<(String, bool, Postings)>,
    /// Folded word form → folded stem, where they differ.
    aliases: BTreeMap<String, String>,
    synonyms: Vec<Vec<String>>,
    stop_words: &'static [&'static str],
}

/// A term's documents with their impact (1–255) and where they hold it, by document.
type Postings = Vec<(u32, u8, Places)>;

/// What the results list shows of a document; borrowed, as it is only serialized.
/// Written by `records_json`; serde_json's output of the same struct is what tests hold it to.
#[cfg_attr(test, derive(serde::Serialize))]
struct DocRecord<'a> {
    u: &'a str,
    t: &'a str,
    c: String,
    #[cfg_attr(test, serde(skip_serializing_if = "str::is_empty"))]
    d: &'a str,
    x: &'a str,
}

/// Pass 1: each document's words, counted per field (tokenised once, here), in fixed runs of
/// documents so the numbering never depends on the thread count. Two thirds of the index's
/// time: `stop` is asked before each run and after the last, and `None` means it said so.
fn tokenise<'a>(
    site: &'a Site,
    bodies: &'a [Body],
    ids: &[usize],
    words: &TableWords,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Chunk<'a>>> {
    ids.par_chunks(CHUNK_DOCS)
        .map(|run| {
            (!stop()).then(|| Chunk::of(run.iter().map(|&a| fields(site, bodies, a, words))))
        })
        .collect::<Option<_>>()
        .filter(|_| !stop())
}

/// The raw tokens of every run, numbered across runs in order of first appearance.
struct Numbered<'c> {
    raws: Vec<&'c str>,
    /// `remaps[run][id in the run]` is the token's number across runs.
    remaps: Vec<Vec<u32>>,
}

fn number<'c>(chunks: &'c [Chunk]) -> Numbered<'c> {
    let mut global: FxHashMap<&str, u32> = FxHashMap::default();
    let mut raws: Vec<&str> = Vec::new();
    let remaps = chunks
        .iter()
        .map(|c| {
            c.names
                .iter()
                .map(|n| {
                    *global.entry(n.as_ref()).or_insert_with(|| {
                        raws.push(n.as_ref());
                        (raws.len() - 1) as u32
                    })
                })
                .collect()
        })
        .collect();
    Numbered { raws, remaps }
}

/// Every word form (the indexed words and the parts of joined ones), each analysed once.
struct Analysis {
    /// Sorted, each once.
    forms: Vec<String>,
    /// By form: its stem and, for a compound, its folded parts with their stems.
    analysed: Vec<(String, Vec<(String, String)>)>,
}

fn analyse(analyzer: &Analyzer, raws: &[&str]) -> Analysis {
    let mut forms: Vec<String> = raws
        .iter()
        .flat_map(|r| {
            let (word, parts) = split_joined(r);
            std::iter::once(word.into_owned()).chain(parts.into_iter().map(str::to_string))
        })
        .collect();
    forms.sort_unstable();
    forms.dedup();
    // Compounds are split against the locale's own words only.
    let vocabulary: HashSet<String> = forms
        .iter()
        .map(|w| fold(w))
        .filter(|w| w.chars().count() >= 4)
        .collect();
    let analysed = forms
        .par_iter()
        .map(|w| {
            let parts = analyzer
                .split_compound(&fold(w), &vocabulary)
                .into_iter()
                .map(|p| {
                    let stem = analyzer.stem(&p);
                    (p, stem)
                })
                .collect();
            (analyzer.stem(w), parts)
        })
        .collect();
    Analysis { forms, analysed }
}

/// The terms (stems), and what each raw token counts towards.
struct Terms<'s> {
    /// Sorted, each once: a term's number is its place, so postings come out sorted by key.
    stems: Vec<&'s str>,
    /// By raw token number.
    raw: Vec<RawTerms>,
}

fn terms<'s>(analysis: &'s Analysis, raws: &[&str]) -> Terms<'s> {
    let mut stems: Vec<&str> = analysis
        .analysed
        .iter()
        .flat_map(|(s, parts)| {
            std::iter::once(s.as_str()).chain(parts.iter().map(|(_, s)| s.as_str()))
        })
        .collect();
    stems.sort_unstable();
    stems.dedup();
    let term_id: FxHashMap<&str, u32> = stems
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i as u32))
        .collect();
    let form_terms: FxHashMap<&str, (u32, Vec<u32>)> = analysis
        .forms
        .iter()
        .zip(&analysis.analysed)
        .map(|(w, (stem, parts))| {
            (
                w.as_str(),
                (
                    term_id[stem.as_str()],
                    parts.iter().map(|(_, s)| term_id[s.as_str()]).collect(),
                ),
            )
        })
        .collect();
    let raw = raws
        .iter()
        .map(|r| {
            let (word, parts) = split_joined(r);
            let (stem, compound) = &form_terms[word.as_ref()];
            let parts = parts.iter().map(|p| form_terms[p].0).collect();
            (*stem, compound.clone(), parts)
        })
        .collect();
    Terms { stems, raw }
}

/// The browser looks words up by their folded form; where that is not the stem, an alias
/// leads there. Compound parts get one too, so "byte" finds "…sbyte".
fn aliases(analysis: &Analysis) -> BTreeMap<String, String> {
    let mut aliases = BTreeMap::new();
    for (w, (stem, parts)) in analysis.forms.iter().zip(&analysis.analysed) {
        for (form, stem) in
            std::iter::once((fold(w), stem)).chain(parts.iter().map(|(p, s)| (p.clone(), s)))
        {
            if &form != stem {
                aliases.insert(form, stem.clone());
            }
        }
    }
    aliases
}

/// Where a document holds a term itself (not as a compound's part): bits of `IN_TITLE` and
/// `IN_HEADING`. The browser ranks by them; the title also earns a bonus in the impact.
type Places = u8;
const IN_TITLE: Places = 1;
const IN_HEADING: Places = 2;

/// A document's terms by number, each with its BM25F-weighted frequency and where the
/// document holds the word itself; in the order the document first has them, which no later
/// stage depends on (postings are filled document by document).
type TermWeights = Vec<(u32, (f32, Places))>;

/// Pass 2, by document. Each thread sums into one dense table it reuses, by term number. The
/// runs and raw terms are taken, to be freed as soon as they are used: they are the largest.
fn weigh(
    chunks: Vec<Chunk>,
    remaps: &[Vec<u32>],
    raw_terms: Vec<RawTerms>,
    term_count: usize,
) -> Vec<TermWeights> {
    let n = chunks.iter().map(|c| c.docs.len()).sum::<usize>().max(1) as f32;
    let mut avg = [0f32; 6];
    for d in chunks.iter().flat_map(|c| &c.docs) {
        for (avg, len) in avg.iter_mut().zip(d.len) {
            *avg += len as f32 / n;
        }
    }
    chunks
        .par_iter()
        .zip(remaps)
        .flat_map_iter(|(c, remap)| c.docs.iter().map(move |d| (d, remap)))
        .map_init(
            || PerDoc::<(f32, Places)>::new(term_count),
            |sums, (d, remap)| {
                let mut weight = [0f32; 6];
                for (f, w) in weight.iter_mut().enumerate() {
                    let (field_weight, b) = FIELDS[f];
                    let norm = if avg[f] > 0.0 {
                        1.0 - b + b * d.len[f] as f32 / avg[f]
                    } else {
                        1.0
                    };
                    *w = field_weight / norm;
                }
                for (raw, counts) in &d.words {
                    let (stem, compound, parts) = &raw_terms[remap[*raw as usize] as usize];
                    let w: f32 = counts
                        .iter()
                        .zip(&weight)
                        .map(|(&c, w)| f32::from(c) * w)
                        .sum();
                    let places = if counts[0] > 0 { IN_TITLE } else { 0 }
                        | if counts[2] > 0 { IN_HEADING } else { 0 };
                    let mut add = |term: u32, w: f32, places: Places| {
                        let e = sums.get(term);
                        e.0 += w;
                        e.1 |= places;
                    };
                    add(*stem, w, places);
                    for p in compound {
                        add(*p, w * PART_WEIGHT, 0);
                    }
                    for p in parts {
                        add(*p, w * PART_WEIGHT, places);
                    }
                }
                sums.finish_doc()
            },
        )
        .collect()
}

/// Each term's postings: impacts are idf × saturated tf, plus a bonus where the title holds
/// the word, quantised against the largest in the locale.
fn postings(stems: &[&str], tfs: Vec<TermWeights>) -> Vec<(String, bool, Postings)> {
    let n = tfs.len().max(1) as f32;
    // Documents, and titles, that hold each term.
    let mut df = vec![(0u32, 0u32); stems.len()];
    for tf in &tfs {
        for (k, (_, places)) in tf {
            let d = &mut df[*k as usize];
            d.0 += 1;
            d.1 += u32::from(places & IN_TITLE != 0);
        }
    }
    // A posting as (document << 2 | places, score): eight bytes, the largest list of a build.
    let mut raw: Vec<Vec<(u32, f32)>> = vec![Vec::new(); stems.len()];
    let idf = |d: u32| (1.0 + (n - d as f32 + 0.5) / (d as f32 + 0.5)).ln();
    let idf: Vec<(f32, f32)> = df.iter().map(|&(d, t)| (idf(d), idf(t))).collect();
    let mut max = 0f32;
    for (doc, tf) in tfs.iter().enumerate() {
        for &(k, (t, places)) in tf {
            let (idf, title_idf) = idf[k as usize];
            // Saturation keeps a long body from drowning the fields; a title that holds the
            // word earns a bonus beyond it, as readers expect that article first. The bonus
            // goes by how rare the word is among titles: a word every body has ("connection")
            // still tells titles apart.
            let title = if places & IN_TITLE != 0 {
                TITLE_BONUS * title_idf
            } else {
                0.0
            };
            let score = idf * t * (K1 + 1.0) / (t + K1) + title;
            max = max.max(score);
            raw[k as usize].push(((doc as u32) << 2 | u32::from(places), score));
        }
    }
    stems
        .par_iter()
        .map(|s| s.to_string())
        .zip(raw)
        .map(|(k, mut list)| {
            // Lists are made in document order; only a cut one is reordered.
            let cut = list.len() > MAX_POSTINGS;
            if cut {
                // The highest impacts (ties to the lower document) are found without sorting
                // the whole list: common words are in most documents.
                list.select_nth_unstable_by(MAX_POSTINGS - 1, |a, b| {
                    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
                });
                list.truncate(MAX_POSTINGS);
                list.sort_unstable_by_key(|p| p.0);
            }
            let q = list
                .into_iter()
                .map(|(d, s)| (d >> 2, ((s / max) * 254.0).round() as u8 + 1, (d & 3) as u8))
                .collect();
            (k, cut, q)
        })
        .collect()
}

/// What the results list shows of each document, in document order.
fn records<'a>(
    site: &'a Site,
    bodies: &'a [Body],
    ids: &[usize],
    l: LocaleId,
) -> Vec<DocRecord<'a>> {
    ids.iter()
        .map(|&a| {
            let art = &site.articles[a];
            DocRecord {
                u: &art.url,
                t: &art.title,
                c: site
                    .category_path(art.category)
                    .into_iter()
                    .map(|c| site.categories[c].title[l].as_str())
                    .collect::<Vec<_>>()
                    .join(" › "),
                d: art.description.as_deref().unwrap_or(""),
                x: &bodies[a].text,
            }
        })
        .collect()
}

/// The synonym groups as the browser matches them: each word as its first token, folded, and
/// its stem where that differs, so that another form of the word ("mejlen", "passwords")
/// finds the group through its alias.
fn synonym_keys(groups: Option<&Vec<Vec<String>>>, analyzer: &Analyzer) -> Vec<Vec<String>> {
    groups
        .map(|groups| {
            groups
                .iter()
                .map(|g| {
                    let mut keys: Vec<String> = Vec::new();
                    for t in g.iter().filter_map(|w| tokens(w).into_iter().next()) {
                        for key in [fold(&t.word), analyzer.stem(&t.word)] {
                            if !keys.contains(&key) {
                                keys.push(key);
                            }
                        }
                    }
                    keys
                })
                .collect()
        })
        .unwrap_or_default()
}

impl<'a> LocaleIndex<'a> {
    fn build(
        site: &'a Site,
        bodies: &'a [Body],
        l: LocaleId,
        synonyms: Option<&Vec<Vec<String>>>,
        words: &TableWords,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<LocaleIndex<'a>> {
        let analyzer = Analyzer::new(&site.locales[l].code);
        let ids: Vec<usize> = (0..site.articles.len())
            .filter(|&a| site.articles[a].locale == l)
            .collect();
        let chunks = tokenise(site, bodies, &ids, words, stop)?;
        let Numbered { raws, remaps } = number(&chunks);
        let analysis = analyse(&analyzer, &raws);
        let Terms { stems, raw } = terms(&analysis, &raws);
        let aliases = aliases(&analysis);
        let tfs = weigh(chunks, &remaps, raw, stems.len());
        Some(LocaleIndex {
            code: site.locales[l].code.clone(),
            docs: records(site, bodies, &ids, l),
            postings: postings(&stems, tfs),
            aliases,
            synonyms: synonym_keys(synonyms, &analyzer),
            stop_words: analyzer.stop_words,
        })
    }

    fn write(self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let dir = format!("{INDEX_DIR}/{}", self.code);
        let mut files = Vec::with_capacity(1024);
        // Shards: the lines of consecutive keys until a shard is big enough, made as the keys
        // come in order, postings and aliases merged (a key with both has its postings line
        // first). Typo candidates: every key, by its first character and by its second, so
        // that a typo in the first letter finds the word too.
        let mut shards: Vec<(&str, Vec<u8>)> = Vec::new();
        let mut vocab: BTreeMap<(char, char), String> = BTreeMap::new();
        let mut postings = self.postings.iter().peekable();
        let mut aliases = self.aliases.iter().peekable();
        loop {
            let key = match (postings.peek(), aliases.peek()) {
                (Some((k, ..)), Some((form, _))) => k.as_str().min(form.as_str()),
                (Some((k, ..)), None) => k.as_str(),
                (None, Some((form, _))) => form.as_str(),
                (None, None) => break,
            };
            match shards.last() {
                Some((_, text)) if text.len() < SHARD_BYTES => {}
                _ => shards.push((key, Vec::with_capacity(SHARD_BYTES + 4096))),
            }
            let text = &mut shards.last_mut().expect("pushed above").1;
            let posted = postings.next_if(|(k, ..)| k == key);
            if let Some((_, cut, list)) = posted {
                // About 7 bytes per posting: the millions of a large site are written
                // without the formatting machinery.
                text.extend_from_slice(key.as_bytes());
                text.push(b'\t');
                if *cut {
                    text.push(b'!');
                }
                let mut prev = 0u32;
                for (i, (d, imp, places)) in list.iter().enumerate() {
                    if i > 0 {
                        text.push(b',');
                    }
                    push_radix36(text, d - prev);
                    text.push(PLACE_MARK[usize::from(*places)]);
                    push_radix36(text, u32::from(*imp));
                    prev = *d;
                }
            }
            if let Some((form, stem)) = aliases.next_if(|(form, _)| *form == key) {
                if posted.is_some() {
                    text.push(b'\n');
                }
                text.extend_from_slice(form.as_bytes());
                text.push(b'>');
                text.extend_from_slice(stem.as_bytes());
            }
            text.push(b'\n');
            let mut chars = key.chars();
            for c in [
                chars.next().map(|c| ('v', c)),
                chars.next().map(|c| ('w', c)),
            ]
            .into_iter()
            .flatten()
            {
                let v = vocab.entry(c).or_default();
                v.push_str(key);
                v.push('\n');
            }
        }
        // The search page looks a word up in the last shard whose first key is not after it,
        // or else in the first: a locale without words (without articles) still needs one.
        if shards.is_empty() {
            shards.push(("", Vec::new()));
        }
        let first_keys: Vec<String> = shards.iter().map(|(k, _)| k.to_string()).collect();
        for (i, (_, text)) in shards.into_iter().enumerate() {
            let text = String::from_utf8(text).expect("keys and ASCII are UTF-8");
            files.push((format!("{dir}/t{i}.txt"), text));
        }
        for ((by, c), keys) in vocab {
            files.push((format!("{dir}/{by}{:x}.txt", c as u32), keys));
        }
        let records: Vec<u64> = self
            .docs
            .par_chunks(DOCS_PER_FILE)
            .enumerate()
            .map(|(i, d)| {
                let json = records_json(d);
                sink.write(&format!("{dir}/d/{i}.json"), &json)?;
                Ok(xxh3_64(&json))
            })
            .collect::<Result<_, Diagnostic>>()?;
        // The other files' names and bytes, hashed: the search page asks for them with
        // `?v=<version>`, so that no browser or CDN cache mixes files of two deploys (document
        // numbers and shard boundaries change with the content) while `index.json` itself is
        // asked for again each time.
        let mut version = Xxh3::new();
        for (path, text) in &files {
            version.update(path.as_bytes());
            version.update(&xxh3_64(text.as_bytes()).to_le_bytes());
        }
        for h in records {
            version.update(&h.to_le_bytes());
        }
        let meta = serde_json::json!({
            "v": 3,
            "version": format!("{:016x}", version.digest()),
            "docs": self.docs.len(),
            "docs_per_file": DOCS_PER_FILE,
            "shards": first_keys,
            "synonyms": self.synonyms,
            "stop": self.stop_words,
        });
        files.push((format!("{dir}/index.json"), meta.to_string()));
        files
            .par_iter()
            .try_for_each(|(path, text)| sink.write(path, text.as_bytes()))
    }
}

/// The records as a JSON array: what `serde_json::to_vec` gives, written without it, as
/// their text is most of the index's bytes and serde_json escapes it a byte at a time.
fn records_json(docs: &[DocRecord]) -> Vec<u8> {
    let mut out = Vec::with_capacity(docs.iter().map(|d| d.x.len() + 256).sum());
    out.push(b'[');
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(br#"{"u":"#);
        push_json_string(&mut out, d.u);
        out.extend_from_slice(br#","t":"#);
        push_json_string(&mut out, d.t);
        out.extend_from_slice(br#","c":"#);
        push_json_string(&mut out, &d.c);
        if !d.d.is_empty() {
            out.extend_from_slice(br#","d":"#);
            push_json_string(&mut out, d.d);
        }
        out.extend_from_slice(br#","x":"#);
        push_json_string(&mut out, d.x);
        out.push(b'}');
    }
    out.push(b']');
    out
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"`, `\` and the control
/// characters, nothing else.
fn push_json_string(out: &mut Vec<u8>, s: &str) {
    let needs_escape = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut start = 0;
    loop {
        let i = crate::scan::find(bytes, start, needs_escape);
        let Some(&b) = bytes.get(i) else { break };
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends `n` in base 36 (digits, then lower-case letters).
fn push_radix36(out: &mut Vec<u8>, mut n: u32) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    // u32::MAX has 7 digits in base 36.
    let mut buf = [0u8; 7];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    // A byte at a time: one to three digits, too few for a copy call.
    for &digit in &buf[i..] {
        out.push(digit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Each document gets back the numbers it had, in the order it first had them, with
        /// their values, and nothing of the documents before it; numbers are added on the way.
        #[test]
        fn per_doc_gives_each_document_its_own(docs in proptest::collection::vec(proptest::collection::vec((0u32..40, 1u16..4), 0..60), 1..6)) {
            let mut table = PerDoc::<u16>::default();
            for doc in docs {
                let mut expected: Vec<(u32, u16)> = Vec::new();
                for (n, add) in doc {
                    while table.values.len() <= n as usize {
                        table.push();
                    }
                    *table.get(n) += add;
                    match expected.iter_mut().find(|(m, _)| *m == n) {
                        Some((_, v)) => *v += add,
                        None => expected.push((n, add)),
                    }
                }
                proptest::prop_assert_eq!(table.finish_doc(), expected);
            }
        }
    }

    proptest::proptest! {
        /// The records are written exactly as serde_json writes them: quotes, backslashes,
        /// every control character and non-ASCII text, and an empty description left out.
        #[test]
        fn records_are_what_serde_json_writes(
            texts in proptest::collection::vec("[a-zö\"\\\\ \u{0}-\u{1f}\u{7f}\u{2028}]{0,80}", 10)
        ) {
            let docs: Vec<DocRecord> = texts
                .chunks(5)
                .map(|t| DocRecord { u: &t[0], t: &t[1], c: t[2].clone(), d: &t[3], x: &t[4] })
                .collect();
            for n in 0..=docs.len() {
                proptest::prop_assert_eq!(
                    records_json(&docs[..n]),
                    serde_json::to_vec(&docs[..n]).unwrap()
                );
            }
        }
    }

    proptest::proptest! {
        /// Two tokens pack alike only when they are the same, and packing keeps every byte
        /// (the second word is the bytes after the eighth).
        #[test]
        fn packed_tokens_are_their_bytes(a in "[a-c0-9.-]{1,16}|[a-zö]{1,8}", b in "[a-c]{1,16}") {
            for (x, y) in [(a.as_str(), b.as_str()), (a.as_str(), a.as_str())] {
                let (px, py) = (pack(x.as_bytes()).unwrap(), pack(y.as_bytes()).unwrap());
                proptest::prop_assert_eq!(px == py, x == y);
            }
            let mut bytes = [0u8; 16];
            bytes[..a.len()].copy_from_slice(a.as_bytes());
            let (lo, hi) = pack(a.as_bytes()).unwrap();
            proptest::prop_assert_eq!(&lo.to_le_bytes()[..], &bytes[..8]);
            proptest::prop_assert_eq!(&hi.to_le_bytes()[..], &bytes[8..]);
        }
    }

    #[test]
    fn only_tokens_of_one_to_sixteen_bytes_pack() {
        assert_eq!(pack(b""), None);
        assert_eq!(pack(&[b'a'; 17]), None);
        assert!(pack(&[b'a'; 16]).is_some());
    }

    #[test]
    fn radix36_round_numbers() {
        let radix36 = |n| {
            let mut s = Vec::new();
            push_radix36(&mut s, n);
            String::from_utf8(s).unwrap()
        };
        assert_eq!(radix36(0), "0");
        assert_eq!(radix36(35), "z");
        assert_eq!(radix36(36), "10");
        assert_eq!(radix36(255), "73");
        assert_eq!(radix36(u32::MAX), "1z141z3");
    }
}
