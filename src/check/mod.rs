//! `kbgen check`: everything `build` rejects, plus what writers and translators need to know
//! that does not stop a build — missing and stale translations, Fluent messages that drifted
//! apart, server data that is probably wrong, broken links, unused snippets, articles past
//! their review date — and a translation status.
//!
//! It renders the whole site into `Discard`, so every error a build would hit is found, and
//! then reads the model; it writes nothing.

pub mod fluent;
pub mod servers;

use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use crate::model::Site;
use crate::render::markdown::Body;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The result of a check: every diagnostic and the translation status per locale.
#[derive(Debug, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub status: Vec<crate::status::LocaleStatus>,
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
    // Every page, rendered into nothing, for the errors a build would hit.
    let (rendered, errors) =
        crate::render::all(site, l10n, templates, &crate::write::Discard, &|| false);
    diags.extend(errors);
    if let Some(rendered) = &rendered {
        diags.extend(links(site, &rendered.bodies));
        diags.extend(unused_snippets(site, &rendered.bodies));
    }
    diags.extend(servers::check(
        site,
        &crate::render::tables::TableWords::all(&inputs.l10n),
    ));
    diags.extend(fluent::check(&inputs));
    let (article_diags, status) = crate::status::translations(&inputs.site, &inputs.l10n);
    diags.extend(article_diags);
    diags.extend(crate::review::diagnostics(site));
    Report {
        diagnostics: diags.sorted().0,
        status,
    }
}

/// Snippets that no article includes, directly or through another snippet.
fn unused_snippets(site: &Site, bodies: &[Body]) -> Vec<Diagnostic> {
    let used: BTreeSet<&String> = bodies.iter().flat_map(|b| &b.snippets).collect();
    site.snippets
        .iter()
        .filter(|(name, _)| !used.contains(name))
        .map(|(name, snippet)| {
            let file = &snippet.texts[0].file;
            Diagnostic::warning(
                Code::SnippetUnused,
                file,
                Pos::START,
                format!("no article includes the snippet `{name}`"),
            )
            .hint(format!(
                "include it with a block ```snippet {name}```, or remove its files"
            ))
        })
        .collect()
}

/// Links to pages of the site (and their `#anchors`) that do not exist.
fn links(site: &Site, bodies: &[Body]) -> Vec<Diagnostic> {
    let mut pages: BTreeMap<String, Option<usize>> = site
        .output_urls()
        .into_iter()
        .map(|url| (url, None))
        .collect();
    for (i, a) in site.articles.iter().enumerate() {
        pages.insert(a.url.clone(), Some(i));
    }
    let files: BTreeSet<String> = site.statics.files.iter().map(|f| format!("/{f}")).collect();
    let mut out = Vec::new();
    for (i, (a, body)) in site.articles.iter().zip(bodies).enumerate() {
        for link in &body.links {
            let dest = &link.dest;
            let pos = Pos::of_offset(a.body(), link.offset).below(a.body_line);
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
                        let msg = match &link.relative {
                            Some(written) => format!(
                                "broken link: no page at `{path}`, where `{written}` leads \
                                 from `{}`",
                                a.url
                            ),
                            None => format!("broken link: no page at `{path}`"),
                        };
                        out.push(
                            Diagnostic::error(Code::LinkBroken, &a.file, pos, msg)
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
                            Code::LinkBrokenFragment,
                            &a.file,
                            pos,
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
    let here = site.articles.iter().filter(|a| a.locale == locale);
    match crate::diag::nearest(slug, here, |a| &a.slug, 3) {
        Some(a) => format!(
            "did you mean `{}`? Linked by its key, `@/{}`, it stays right when its slug changes",
            a.url, a.key
        ),
        _ => "link to an article by its key, `@/<folder>/<file name without language and .md>`, \
              or as /kb/<slug>/ (Swedish) or /en/kb/<slug>/ (English)"
            .into(),
    }
}
