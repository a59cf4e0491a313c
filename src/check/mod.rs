//! `kbgen check`: everything `build` rejects, plus what writers and translators need to know
//! that does not stop a build — missing and stale translations, Fluent messages that drifted
//! apart, server data that is probably wrong, broken links — and a translation status.
//!
//! It renders the whole site into `Discard`, so every error a build would hit is found, and
//! then reads the model; it writes nothing.

pub mod fluent;
pub mod servers;

use crate::diag::{display_path, Diagnostic, Diagnostics, Pos};
use crate::model::Site;
use crate::render::markdown::Body;
use crate::Inputs;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The result of a check: every diagnostic and the translation status per locale.
#[derive(Debug, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub status: Vec<LocaleStatus>,
}

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
    pub untracked_articles: Vec<String>,
    pub missing_messages: Vec<String>,
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
    pub untracked: usize,
    pub missing: usize,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks the site in `root`.
pub fn check(root: &Path) -> Report {
    let inputs = match crate::load(root) {
        Ok(i) => i,
        Err(d) => {
            return Report {
                diagnostics: d.sorted().0,
                status: Vec::new(),
            }
        }
    };
    let mut diags = Diagnostics(inputs.warnings.clone());
    let (site, l10n, templates) = (&inputs.site, &inputs.l10n, &inputs.templates);
    let bodies = match crate::render::bodies(site, l10n, templates) {
        Ok(bodies) => Some(bodies),
        Err(d) => {
            diags.extend(d.0);
            None
        }
    };
    if let Some(bodies) = &bodies {
        // Every page, rendered into nothing, for the errors a build would hit.
        let pages = crate::render::pages(
            site,
            l10n,
            templates,
            &crate::write::Discard,
            bodies.clone(),
        );
        diags.extend(pages.err().into_iter().flat_map(|d| d.0));
    }
    if let Some(bodies) = &bodies {
        diags.extend(links(site, bodies));
    }
    diags.extend(servers::check(site, &inputs.l10n.domain_placeholders()));
    diags.extend(fluent::check(&inputs));
    let (article_diags, status) = translations(&inputs);
    diags.extend(article_diags);
    Report {
        diagnostics: diags.sorted().0,
        status,
    }
}

/// Links to pages of the site (and their `#anchors`) that do not exist.
fn links(site: &Site, bodies: &[Body]) -> Vec<Diagnostic> {
    let mut pages: BTreeMap<String, Option<usize>> = site
        .output_urls()
        .into_iter()
        .map(|u| (u.url, None))
        .collect();
    for (i, a) in site.articles.iter().enumerate() {
        pages.insert(a.url.clone(), Some(i));
    }
    let files: BTreeSet<String> = site.statics.files.iter().map(|f| format!("/{f}")).collect();
    let mut out = Vec::new();
    for (i, (a, body)) in site.articles.iter().zip(bodies).enumerate() {
        for (dest, pos) in &body.links {
            let (path, fragment) = dest
                .split_once('#')
                .map_or((dest.as_str(), None), |(p, f)| (p, Some(f)));
            let path = path.split('?').next().unwrap_or(path);
            let target = if path.is_empty() {
                Some(Some(i))
            } else if path.starts_with('/') && !path.starts_with("//") {
                let with_slash = if path.ends_with('/') || path.contains('.') {
                    path.to_string()
                } else {
                    format!("{path}/")
                };
                match pages.get(&with_slash) {
                    Some(t) => Some(*t),
                    None if files.contains(path) => Some(None),
                    None => {
                        out.push(
                            Diagnostic::error(
                                &a.file,
                                *pos,
                                format!("broken link: no page at `{path}`"),
                            )
                            .with_source(&a.source())
                            .hint(nearest_article_hint(site, a.locale, path)),
                        );
                        None
                    }
                }
            } else {
                None
            };
            if let (Some(Some(t)), Some(fragment)) = (target, fragment) {
                if !fragment.is_empty()
                    && !bodies[t].headings.iter().any(|(_, id, _)| id == fragment)
                {
                    let ids: Vec<&str> = bodies[t]
                        .headings
                        .iter()
                        .map(|(_, id, _)| id.as_str())
                        .collect();
                    out.push(
                        Diagnostic::error(
                            &a.file,
                            *pos,
                            format!(
                                "broken link: `{}` has no heading `#{fragment}`",
                                site.articles[t].url
                            ),
                        )
                        .with_source(&a.source())
                        .hint(if ids.is_empty() {
                            "that article has no headings".to_string()
                        } else {
                            format!("its headings are: #{}", ids.join(", #"))
                        }),
                    );
                }
            }
        }
    }
    out
}

fn nearest_article_hint(site: &Site, locale: usize, path: &str) -> String {
    let slug = path.trim_matches('/').rsplit('/').next().unwrap_or("");
    let best = site
        .articles
        .iter()
        .filter(|a| a.locale == locale)
        .map(|a| {
            (
                crate::load::frontmatter::edit_distance(slug, &a.slug),
                &a.url,
            )
        })
        .min();
    match best {
        Some((d, url)) if d <= 3 => format!("did you mean `{url}`?"),
        _ => "link to an article as /kb/<slug>/ (Swedish) or /en/kb/<slug>/ (English)".into(),
    }
}

/// Missing, stale and untracked translations, and rows of one table that disagree between
/// languages; the per-locale status.
fn translations(inputs: &Inputs) -> (Vec<Diagnostic>, Vec<LocaleStatus>) {
    let site = &inputs.site;
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
        };
        for &src in &sources {
            let source = &site.articles[src];
            let Some(t) = source.translations[l] else {
                s.articles.missing += 1;
                s.missing_articles.push(display_path(&source.file));
                out.push(
                    Diagnostic::warning(
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
            match &tr.source_hash {
                None => {
                    s.articles.untracked += 1;
                    s.untracked_articles.push(display_path(&tr.file));
                }
                Some(h) if *h != source.content_hash() => {
                    s.articles.stale += 1;
                    s.stale_articles.push(display_path(&tr.file));
                    let pos = crate::load::field_pos(&tr.yaml, "source_hash", 1);
                    out.push(
                        Diagnostic::warning(
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
                Some(_) => s.articles.translated += 1,
            }
            out.extend(servers::rows_differ(site, src, t));
        }
        let default = &inputs.l10n.locales[0];
        let this = &inputs.l10n.locales[l];
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
        ] {
            for item in list {
                out.push_str(&format!("  {label}: {item}\n"));
            }
        }
    }
    out
}
