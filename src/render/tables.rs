//! Server tables as readers see them: the rows with `{domain}` replaced by the locale's
//! placeholder and the Fluent words for the headers and security settings. The pages get them
//! as HTML from `server-table.html`; the search index and `kbgen check` get the same words from
//! here, so what a reader finds is what a reader sees. A host with `{domain}` keeps its pattern
//! too (`data-host`), from which the page script shows the reader's own domain, and the first
//! such table of a page brings the field the reader types it in.

use super::templates::Templates;
use crate::diag::Diagnostic;
use crate::load::frontmatter::{Security, ServerRow};
use crate::localise::L10n;
use crate::model::{Article, LocaleId};
use fluent_bundle::FluentArgs;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::sync::Mutex;
use tera::Context;

/// One locale's words of a rendered server table.
pub struct TableWords {
    /// What `{domain}` in a host becomes ("dindomän.tld").
    domain: String,
    /// The column headers, as one text.
    pub headers: String,
    ssl: String,
    starttls: String,
    none: String,
}

impl TableWords {
    /// Per locale, in the order of the configuration.
    pub fn all(l10n: &L10n) -> Vec<TableWords> {
        (0..l10n.locales.len())
            .map(|l| {
                let text = |id: &str| l10n.format(l, id, None).unwrap_or_default();
                // The template asks for `server-security` with the setting as it is written.
                let security = |s: Security| {
                    let mut args = FluentArgs::new();
                    args.set("security", s.as_str());
                    l10n.format(l, "server-security", Some(&args))
                        .unwrap_or_default()
                };
                TableWords {
                    domain: domain(l10n, l),
                    headers: ["server-host", "server-port", "server-security-header"]
                        .map(text)
                        .join(" "),
                    ssl: security(Security::Ssl),
                    starttls: security(Security::Starttls),
                    none: security(Security::None),
                }
            })
            .collect()
    }

    /// The host as readers see it: `{domain}` is the reader's own domain.
    pub fn host(&self, row: &ServerRow) -> String {
        host(row, &self.domain)
    }

    pub fn security(&self, s: Security) -> &str {
        match s {
            Security::Ssl => &self.ssl,
            Security::Starttls => &self.starttls,
            Security::None => &self.none,
        }
    }

    /// A row's words: host, port and security, as one text.
    pub fn row(&self, row: &ServerRow) -> String {
        format!(
            "{} {} {}",
            self.host(row),
            row.port.0,
            self.security(row.security)
        )
    }
}

/// What `{domain}` in a host becomes in locale `l` ("dindomän.tld").
fn domain(l10n: &L10n, l: LocaleId) -> String {
    l10n.format(l, "server-domain-placeholder", None)
        .unwrap_or_default()
}

/// The one substitution of `{domain}`, for pages, the index and `kbgen check` alike.
fn host(row: &ServerRow, domain: &str) -> String {
    row.host.replace("{domain}", domain)
}

/// Server tables as HTML, each made once: help centres repeat the same settings
/// (imap.websupport.se, 993, SSL) in many articles, and the template is the same for all.
pub(super) struct ServerTables<'a> {
    templates: &'a Templates,
    /// Per locale, what `{domain}` becomes: all the pages need of `TableWords` (the template
    /// has the other words from Fluent itself).
    domains: Vec<String>,
    made: Mutex<FxHashMap<TableKey, String>>,
}

/// What a table's HTML depends on: the locale, the table's name, caption and rows, and whether
/// the your-domain field comes with it.
type TableKey = (LocaleId, String, Option<String>, Vec<ServerRow>, bool);

/// Whether a table has a host with `{domain}`, which the reader's own domain can fill in.
pub(super) fn has_domain(rows: &[ServerRow]) -> bool {
    rows.iter().any(|r| r.host.contains("{domain}"))
}

#[derive(Serialize)]
struct TableRow {
    host: String,
    /// The host as written when it has `{domain}`, for the page script to fill in.
    pattern: Option<String>,
    port: u16,
    security: &'static str,
}

impl<'a> ServerTables<'a> {
    pub(super) fn new(l10n: &L10n, templates: &'a Templates) -> ServerTables<'a> {
        ServerTables {
            templates,
            domains: (0..l10n.locales.len()).map(|l| domain(l10n, l)).collect(),
            made: Mutex::default(),
        }
    }

    /// A table's HTML; `field`: with the your-domain field before it (one per page).
    pub(super) fn html(&self, a: &Article, name: &str, field: bool) -> Result<String, Diagnostic> {
        let t = &a.tables[name];
        let key = (
            a.locale,
            name.to_string(),
            t.caption.clone(),
            t.rows.clone(),
            field,
        );
        if let Some(html) = self.made.lock().expect("no panic while held").get(&key) {
            return Ok(html.clone());
        }
        let rows: Vec<_> = t
            .rows
            .iter()
            .map(|r| TableRow {
                host: host(r, &self.domains[a.locale]),
                pattern: r.host.contains("{domain}").then(|| r.host.clone()),
                port: r.port.0,
                security: r.security.as_str(),
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("locale_index", &a.locale);
        ctx.insert("name", name);
        ctx.insert("caption", &t.caption);
        ctx.insert("rows", &rows);
        ctx.insert("field", &field);
        let html = self.templates.render("server-table.html", a.locale, &ctx)?;
        self.made
            .lock()
            .expect("no panic while held")
            .insert(key, html.clone());
        Ok(html)
    }

    /// The title of an alert box (`alert.html`), in the article's language.
    pub(super) fn alert_title(
        &self,
        l: LocaleId,
        kind: pulldown_cmark::BlockQuoteKind,
    ) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("locale_index", &l);
        ctx.insert("kind", super::markdown::alert_kind(kind));
        self.templates.render("alert.html", l, &ctx)
    }

    /// The start of a region that scrolls in place (`scroll-region.html`): a code block's
    /// `<pre>` (`kind` "code", with its language) or a Markdown table's box ("table"), focusable
    /// and named in the article's language, the `number`th of its kind on the page.
    pub(super) fn scroll_region(
        &self,
        l: LocaleId,
        kind: &str,
        lang: &str,
        number: usize,
    ) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("locale_index", &l);
        ctx.insert("kind", kind);
        ctx.insert("lang", lang);
        ctx.insert("number", &number);
        self.templates.render("scroll-region.html", l, &ctx)
    }
}
