//! The translation status: per locale, which articles and UI messages are translated, stale
//! or missing. `kbgen check` prints it; every build publishes it as a page for translators.

use crate::diag::{display_path, Code, Diagnostic, Pos};
use crate::localise::L10n;
use crate::model::{Article, ArticleId, Site};
use serde::Serialize;

/// How far one locale's translation has come, against the default locale.
#[derive(Debug, Serialize, Clone)]
pub struct LocaleStatus {
    pub locale: String,
    pub articles: Counts,
    pub messages: MessageCounts,
    /// Default-locale article files with no file in this locale.
    pub missing_articles: Vec<String>,
    /// Translations whose source changed after they were marked translated.
    pub stale_articles: Vec<String>,
    /// Translations never marked with `kbgen translated`.
    pub(crate) untracked_articles: Vec<String>,
    pub missing_messages: Vec<String>,
    /// `_category.yaml` files with no title in this locale, which show the default locale's.
    pub(crate) untitled_categories: Vec<String>,
}

/// UI messages: translated or missing (a message's staleness is not tracked).
#[derive(Debug, Serialize, Clone, Copy, Default)]
pub struct MessageCounts {
    pub total: usize,
    pub translated: usize,
    pub missing: usize,
}

/// Articles of the default locale and the state of their translation.
#[derive(Debug, Serialize, Clone, Copy, Default)]
pub struct Counts {
    pub total: usize,
    pub translated: usize,
    pub stale: usize,
    pub(crate) untracked: usize,
    pub missing: usize,
}

/// Missing, stale and untracked translations, and rows of one table that disagree between
/// languages; the per-locale status.
pub fn translations(site: &Site, l10n: &L10n) -> (Vec<Diagnostic>, Vec<LocaleStatus>) {
    let mut out = Vec::new();
    let mut status = Vec::new();
    let sources: Vec<usize> = (0..site.articles.len())
        .filter(|&a| site.articles[a].locale == 0)
        .collect();
    for (l, loc) in site.locales.iter().enumerate().skip(1) {
        let mut s = LocaleStatus {
            locale: loc.code.clone(),
            articles: Counts {
                total: sources.len(),
                ..Counts::default()
            },
            messages: MessageCounts::default(),
            missing_articles: Vec::new(),
            stale_articles: Vec::new(),
            untracked_articles: Vec::new(),
            missing_messages: Vec::new(),
            untitled_categories: site
                .categories
                .iter()
                .filter(|c| c.untitled[l])
                .map(|c| display_path(&c.file))
                .collect(),
        };
        for &src in &sources {
            let source = &site.articles[src];
            let Some(t) = source.translations[l] else {
                s.articles.missing += 1;
                s.missing_articles.push(display_path(&source.file));
                out.push(
                    Diagnostic::warning(
                        Code::TranslationMissing,
                        &source.file,
                        Pos::START,
                        format!("no {} translation", loc.code),
                    )
                    .hint(format!(
                        "translate it into {}",
                        translation_path(source, &site.locales[0].code, &loc.code)
                    )),
                );
                continue;
            };
            let tr = &site.articles[t];
            match mark(source, tr) {
                Mark::NotMarked => {
                    s.articles.untracked += 1;
                    s.untracked_articles.push(display_path(&tr.file));
                }
                Mark::Stale => {
                    s.articles.stale += 1;
                    s.stale_articles.push(display_path(&tr.file));
                    let pos = crate::load::field_pos(tr.yaml(), "source_hash", 1);
                    out.push(
                        Diagnostic::warning(
                            Code::TranslationStale,
                            &tr.file,
                            pos,
                            format!(
                                "stale translation: {} changed after this was translated",
                                display_path(&source.file)
                            ),
                        )
                        .with_source(&tr.source())
                        .hint(format!(
                            "update the translation, then run `kbgen translated {}`",
                            display_path(&tr.file)
                        )),
                    );
                }
                Mark::Translated => s.articles.translated += 1,
            }
            out.extend(rows_differ(site, src, t));
        }
        let default = &l10n.locales[0];
        let this = &l10n.locales[l];
        s.messages.total = default.messages.len();
        for id in default.messages.keys() {
            if this.messages.contains_key(id) {
                s.messages.translated += 1;
            } else {
                s.messages.missing += 1;
                s.missing_messages.push(id.clone());
            }
        }
        status.push(s);
    }
    (out, status)
}

/// Where a translation stands against its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Never marked with `kbgen translated`.
    NotMarked,
    /// The source changed after the translation was marked.
    Stale,
    Translated,
}

/// Where `translation` stands against `source`: what the status shows of the pair.
pub(crate) fn mark(source: &Article, translation: &Article) -> Mark {
    match &translation.source_hash {
        None => Mark::NotMarked,
        Some(h) if *h != source.content_hash() => Mark::Stale,
        Some(_) => Mark::Translated,
    }
}

/// Both languages of an article give rows for a table, and they differ.
pub(crate) fn rows_differ(
    site: &Site,
    source: ArticleId,
    translation: ArticleId,
) -> Vec<Diagnostic> {
    let (s, t) = (&site.articles[source], &site.articles[translation]);
    let mut out = Vec::new();
    for (name, table) in &t.tables {
        let Some(src) = s.tables.get(name) else {
            out.push(
                Diagnostic::error(
                    Code::ServerTableNotInSource,
                    &t.file,
                    t.table_pos(name),
                    format!("server table `{name}` is not in {}", display_path(&s.file)),
                )
                .with_source(&t.source())
                .hint("both languages of an article have the same tables"),
            );
            continue;
        };
        if src.rows != table.rows {
            out.push(
                Diagnostic::error(Code::ServerRowsDiffer, &t.file, t.table_pos(name), format!("server table `{name}` has other rows than in {}", display_path(&s.file)))
                    .with_source(&t.source())
                    .hint("leave `rows:` out of the translation to take them from the source, or make them the same"),
            );
        }
    }
    out
}

/// Where the `to` translation of `source` belongs: `x/y.sv.md` → `x/y.en.md`.
fn translation_path(source: &crate::model::Article, from: &str, to: &str) -> String {
    let path = display_path(&source.file);
    match path.strip_suffix(&format!(".{from}.md")) {
        Some(stem) => format!("{stem}.{to}.md"),
        None => path,
    }
}

/// The status as text for the terminal.
pub fn status_text(status: &[LocaleStatus]) -> String {
    let mut out = String::new();
    for s in status {
        out.push_str(&format!(
            "{}: articles {}/{} translated ({} stale, {} not marked, {} missing); messages {}/{} translated ({} missing)\n",
            s.locale,
            s.articles.translated,
            s.articles.total,
            s.articles.stale,
            s.articles.untracked,
            s.articles.missing,
            s.messages.translated,
            s.messages.total,
            s.messages.missing,
        ));
        for (label, list) in [
            ("missing", &s.missing_articles),
            ("stale", &s.stale_articles),
            ("not marked translated", &s.untracked_articles),
            ("missing message", &s.missing_messages),
            ("category without a title", &s.untitled_categories),
        ] {
            for item in list {
                out.push_str(&format!("  {label}: {item}\n"));
            }
        }
    }
    out
}
