//! Rendering: the model and the translators' text turned into pages, written into staging.
//!
//! Each article is one task, in parallel: its body (Markdown, server tables), its page and its
//! alias redirects, written straight away; what the search index and `kbgen check` need of
//! the body (text, headings, links) is kept, its HTML is not. Then the other pages (home,
//! category, search, 404, translation status, per locale) and the sitemap. Every page gets a
//! context built from the model and is rendered by its template into bytes for the sink.

pub mod markdown;
mod redirects;
pub mod seo;
pub mod tables;
pub mod templates;

use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use crate::localise::L10n;
use crate::model::{ArticleId, CategoryId, LocaleId, Site};
use crate::write::{url_to_file, Sink};
use markdown::Body;
use rayon::prelude::*;
use serde::Serialize;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use tables::ServerTables;
use templates::Templates;
use tera::{Context, Value};

pub use markdown::escape;

/// Every page kbgen writes.
#[derive(Debug, Clone, Copy)]
enum Page {
    Home(LocaleId),
    Category(CategoryId, LocaleId),
    Article(ArticleId),
    Search(LocaleId),
    NotFound(LocaleId),
    Alias(ArticleId, usize),
    /// The translation status, for translators: not linked, not in the sitemap or index.
    Translations(LocaleId),
}

impl Page {
    /// The page's URL, without rendering it.
    fn url(self, site: &Site) -> String {
        match self {
            Page::Home(l) => site.home_url(l),
            Page::Search(l) => site.search_url(l),
            Page::NotFound(l) => site.not_found_url(l),
            Page::Translations(l) => site.translations_url(l),
            Page::Category(c, l) => site.categories[c].url[l].clone(),
            Page::Article(a) => site.articles[a].url.clone(),
            Page::Alias(a, n) => site.articles[a].aliases[n].clone(),
        }
    }
}

pub struct Rendered {
    /// Every article's body (without its HTML, which went into its page), by article id.
    pub bodies: Vec<Body>,
    pub pages: usize,
}

/// Every page of the site, written into `sink`.
pub fn site(
    site: &Site,
    l10n: &L10n,
    templates: &Templates,
    sink: &dyn Sink,
) -> Result<Rendered, Diagnostics> {
    site_or_stop(site, l10n, templates, sink, &|| false)
        .map(|r| r.expect("a render that is never told to stop finishes"))
}

/// As `site`, but gives up when `stop()` says so before every article is rendered, and then
/// returns `Ok(None)`, with some pages written and others not: for `kbgen serve`, where a
/// newer save makes the whole-site render under way out of date (0.7 s at 10,000 articles
/// per language), and its own rebuild renders the whole site again.
pub fn site_or_stop(
    site: &Site,
    l10n: &L10n,
    templates: &Templates,
    sink: &dyn Sink,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Rendered>, Diagnostics> {
    match all(site, l10n, templates, sink, stop) {
        (Some(rendered), errors) if errors.is_empty() => Ok(Some(rendered)),
        // A newer save's rebuild reports the errors that are still there.
        (None, _) if stop() => Ok(None),
        (_, errors) => Err(Diagnostics(errors).sorted()),
    }
}

/// Every page of the site, and every error: the bodies come back whenever all of them
/// rendered, even if a page failed, so `kbgen check` can still check links. None come back
/// if `stop()` said so before the last article.
pub fn all(
    site: &Site,
    l10n: &L10n,
    templates: &Templates,
    sink: &dyn Sink,
    stop: &(dyn Fn() -> bool + Sync),
) -> (Option<Rendered>, Vec<Diagnostic>) {
    let status = crate::status::translations(site, l10n).1;
    let cx = match Renderer::new(site, l10n, templates, &status) {
        Ok(cx) => cx,
        Err(e) => return (None, vec![e]),
    };
    let all: Vec<ArticleId> = (0..site.articles.len()).collect();
    let mut pages = Vec::new();
    for l in 0..site.locales.len() {
        pages.extend([
            Page::Home(l),
            Page::Search(l),
            Page::NotFound(l),
            Page::Translations(l),
        ]);
        pages.extend((0..site.categories.len()).map(|c| Page::Category(c, l)));
    }
    // The articles' folders are made ahead, on a thread per language (each its own parent
    // folder, so they do not wait for each other's lock): on a cold disk, making a folder
    // waits for the file system's block bitmaps to be read, nearly all of a build's waiting
    // (perf sched), which would otherwise stall the threads that render.
    let ((bodies, mut errors), (page_errors, sitemap)) = std::thread::scope(|s| {
        for l in 0..site.locales.len() {
            s.spawn(move || sink.make_folders(&article_folders(site, l)));
        }
        // The other pages and the sitemap are made beside the articles, by whichever thread
        // is free for them, rather than after the last article.
        rayon::join(
            || cx.articles(&all, sink, stop),
            || rayon::join(|| cx.write(&pages, sink), || seo::sitemap(site)),
        )
    });
    errors.extend(page_errors);
    errors.extend(sink.write("sitemap.xml", sitemap.as_bytes()).err());
    errors.extend(sink.write("robots.txt", seo::robots(site).as_bytes()).err());
    for (name, text) in redirects::files(site) {
        errors.extend(sink.write(name, text.as_bytes()).err());
    }
    let aliases: usize = site.articles.iter().map(|a| a.aliases.len()).sum();
    let rendered = bodies.map(|bodies| Rendered {
        pages: pages.len() + site.articles.len() + aliases,
        bodies,
    });
    (rendered, errors)
}

/// The folders of locale `l`'s article pages, in about the order two threads render them:
/// one from the first article, one from the middle.
fn article_folders(site: &Site, l: LocaleId) -> Vec<String> {
    let urls: Vec<&str> = site
        .articles
        .iter()
        .filter(|a| a.locale == l)
        .map(|a| a.url.trim_matches('/'))
        .collect();
    let (first, second) = urls.split_at(urls.len() / 2);
    let mut out = Vec::with_capacity(urls.len());
    for (i, url) in second.iter().enumerate() {
        out.extend(first.get(i).map(|u| u.to_string()));
        out.push(url.to_string());
    }
    out
}

/// Every article's body: Markdown rendered, server tables placed, links and headings noted.
pub fn bodies(site: &Site, l10n: &L10n, templates: &Templates) -> Result<Vec<Body>, Diagnostics> {
    let tables = ServerTables::new(l10n, templates);
    let results: Vec<_> = (0..site.articles.len())
        .into_par_iter()
        .map(|a| body(site, &tables, a).map(|(_, body)| body))
        .collect();
    let mut out = Vec::with_capacity(results.len());
    let mut errors = Diagnostics::default();
    for r in results {
        match r {
            Ok(b) => out.push(b),
            Err(e) => errors.extend(e),
        }
    }
    errors.check()?;
    Ok(out)
}

/// One article's body: its HTML and what else rendering found.
fn body(
    site: &Site,
    tables: &ServerTables,
    id: ArticleId,
) -> Result<(String, Body), Vec<Diagnostic>> {
    let a = &site.articles[id];
    // One your-domain field per page, before the first table it changes.
    let field_placed = Cell::new(false);
    markdown::render(site, a, &|block| match block {
        markdown::Block::Table(name) => {
            let field = !field_placed.get() && tables::has_domain(&a.tables[name].rows);
            field_placed.set(field_placed.get() || field);
            tables.html(a, name, field)
        }
        markdown::Block::AlertTitle(kind) => tables.alert_title(a.locale, kind),
        markdown::Block::CodeStart { lang, number } => {
            tables.scroll_region(a.locale, "code", lang, number)
        }
        markdown::Block::TableStart { number } => {
            tables.scroll_region(a.locale, "table", "", number)
        }
    })
}

/// Renders only the pages whose files (`url_to_file` of their URL) are among `files`, of any
/// kind, and returns how many it wrote: what `kbgen serve` shows first (the pages open in a
/// browser and those of the articles just edited) before it renders the whole site again.
/// Files the site does not publish are skipped.
pub fn only(
    site: &Site,
    l10n: &L10n,
    templates: &Templates,
    sink: &dyn Sink,
    files: &[String],
) -> Result<usize, Diagnostics> {
    let wanted = |url: &str| files.iter().any(|f| *f == url_to_file(url));
    let mut pages: Vec<Page> = Vec::new();
    for l in 0..site.locales.len() {
        pages.extend(
            [
                Page::Home(l),
                Page::Search(l),
                Page::NotFound(l),
                Page::Translations(l),
            ]
            .into_iter()
            .chain((0..site.categories.len()).map(|c| Page::Category(c, l)))
            .filter(|&p| wanted(&p.url(site))),
        );
    }
    let articles: Vec<ArticleId> = (0..site.articles.len())
        .filter(|&a| {
            let art = &site.articles[a];
            wanted(&art.url) || art.aliases.iter().any(|u| wanted(u))
        })
        .collect();
    // The translation status is only worked out when its page is asked for.
    let status = if pages.iter().any(|p| matches!(p, Page::Translations(_))) {
        crate::status::translations(site, l10n).1
    } else {
        Vec::new()
    };
    let cx = Renderer::new(site, l10n, templates, &status)?;
    let (_, mut errors) = cx.articles(&articles, sink, &|| false);
    errors.extend(cx.write(&pages, sink));
    Diagnostics(errors).check()?;
    let aliases: usize = articles
        .iter()
        .map(|&a| site.articles[a].aliases.len())
        .sum();
    Ok(pages.len() + articles.len() + aliases)
}

/// Renders only the pages of the articles `ids` (and their aliases), updating their entries
/// in `bodies`: what `kbgen serve` does when an edit changed nothing but article bodies.
pub fn articles(
    site: &Site,
    l10n: &L10n,
    templates: &Templates,
    sink: &dyn Sink,
    ids: &[ArticleId],
    bodies: &mut [Body],
) -> Result<(), Diagnostics> {
    let cx = Renderer::new(site, l10n, templates, &[])?;
    let (new, errors) = cx.articles(ids, sink, &|| false);
    Diagnostics(errors).check()?;
    for (id, body) in ids.iter().zip(new.into_iter().flatten()) {
        bodies[*id] = body;
    }
    Ok(())
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// Set when the target is in another language than the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
}

/// The status page's overdue reviews of one owner (`None`: of articles without one).
#[derive(Serialize)]
struct ReviewGroup<'a> {
    owner: Option<&'a str>,
    articles: Vec<ReviewItem<'a>>,
}

#[derive(Serialize)]
struct ReviewItem<'a> {
    title: &'a str,
    url: &'a str,
    /// The article's language, when it is not the page's.
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    file: String,
    /// The review date in the page's language, and as `YYYY-MM-DD`.
    date: String,
    date_iso: String,
}

#[derive(Serialize)]
struct Language {
    code: String,
    url: String,
    current: bool,
    /// The link goes to this page's translation (not to a fallback such as the category).
    translation: bool,
}

#[derive(Serialize)]
struct Alternate {
    lang: String,
    href: String,
}

#[derive(Serialize)]
struct Crumb {
    name: String,
    url: String,
}

/// What every page's template sees at its top level (see `PageContext::into_context`).
struct PageContext {
    kind: &'static str,
    locale_index: LocaleId,
    lang: String,
    og_locale: String,
    title: Option<String>,
    description: Option<String>,
    url: String,
    canonical: String,
    alternates: Vec<Alternate>,
    x_default: Option<String>,
    languages: Vec<Language>,
    breadcrumbs: Vec<Crumb>,
    home_url: String,
    search_url: String,
    feedback_url: Option<String>,
    insights_url: Option<String>,
    noindex: bool,
}

impl PageContext {
    /// The template context: each field under its own name. Inserted one by one under static
    /// names, as `Context::from_serialize` would copy every name into a new string per page.
    fn into_context(self) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("kind", self.kind.into());
        ctx.insert_value("locale_index", self.locale_index.into());
        ctx.insert_value("lang", self.lang.into());
        ctx.insert_value("og_locale", self.og_locale.into());
        ctx.insert("title", &self.title);
        ctx.insert("description", &self.description);
        ctx.insert_value("url", self.url.into());
        ctx.insert_value("canonical", self.canonical.into());
        ctx.insert("alternates", &self.alternates);
        ctx.insert("x_default", &self.x_default);
        ctx.insert("languages", &self.languages);
        ctx.insert("breadcrumbs", &self.breadcrumbs);
        ctx.insert_value("home_url", self.home_url.into());
        ctx.insert_value("search_url", self.search_url.into());
        ctx.insert("feedback_url", &self.feedback_url);
        ctx.insert("insights_url", &self.insights_url);
        ctx.insert_value("noindex", self.noindex.into());
        ctx
    }
}

struct Renderer<'a> {
    site: &'a Site,
    l10n: &'a L10n,
    templates: &'a Templates,
    status: &'a [crate::status::LocaleStatus],
    /// Articles past their review date, for the status page (none on most sites).
    reviews: Vec<crate::review::Overdue<'a>>,
    json_ld: seo::JsonLd,
    tables: ServerTables<'a>,
    /// Every article's link as a page of its own language shows it, as a template value:
    /// made once, when a page first lists it, and shared (not copied) by the pages that do.
    links: Vec<OnceLock<Value>>,
}

impl<'a> Renderer<'a> {
    /// What every page of a render shares, prepared once.
    fn new(
        site: &'a Site,
        l10n: &'a L10n,
        templates: &'a Templates,
        status: &'a [crate::status::LocaleStatus],
    ) -> Result<Renderer<'a>, Diagnostic> {
        let json_ld = seo::JsonLd::new(site, l10n)
            .map_err(|e| Diagnostic::error(Code::MessageFormatFailed, "locales", Pos::START, e))?;
        let links = site.articles.iter().map(|_| OnceLock::new()).collect();
        Ok(Renderer {
            site,
            l10n,
            templates,
            status,
            reviews: crate::review::overdue(site),
            json_ld,
            tables: ServerTables::new(l10n, templates),
            links,
        })
    }
}

impl Renderer<'_> {
    /// Renders `pages` in parallel and writes each as soon as it is rendered.
    fn write(&self, pages: &[Page], sink: &dyn Sink) -> Vec<Diagnostic> {
        pages
            .par_iter()
            .filter_map(|&p| self.write_page(p, None, sink).err())
            .collect()
    }

    fn write_page(
        &self,
        page: Page,
        body: Option<(&str, &Body)>,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let (url, html) = self.page(page, body)?;
        sink.write(&url_to_file(&url), &html)
    }

    /// The articles `ids`, each in one task: its body, its page and its alias redirects,
    /// written at once, so no article's HTML is held longer than it takes to write it. The
    /// bodies come back (by position in `ids`) when all of them rendered; articles not begun
    /// when `stop()` says so are skipped.
    fn articles(
        &self,
        ids: &[ArticleId],
        sink: &dyn Sink,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> (Option<Vec<Body>>, Vec<Diagnostic>) {
        let results: Vec<(Option<Body>, Vec<Diagnostic>)> = ids
            .par_iter()
            // Small runs, so that the last articles are shared out too: one thread no longer
            // waits through the other's last long run.
            .with_max_len(16)
            .map(|&a| {
                if stop() {
                    return (None, Vec::new());
                }
                let (html, body) = match body(self.site, &self.tables, a) {
                    Ok(b) => b,
                    Err(e) => return (None, e),
                };
                let mut errors: Vec<Diagnostic> = self
                    .write_page(Page::Article(a), Some((&html, &body)), sink)
                    .err()
                    .into_iter()
                    .collect();
                drop(html);
                for n in 0..self.site.articles[a].aliases.len() {
                    errors.extend(self.write_page(Page::Alias(a, n), None, sink).err());
                }
                (Some(body), errors)
            })
            .collect();
        let mut bodies = Some(Vec::with_capacity(ids.len()));
        let mut errors = Vec::new();
        for (body, e) in results {
            errors.extend(e);
            match (body, &mut bodies) {
                (Some(b), Some(all)) => all.push(b),
                _ => bodies = None,
            }
        }
        (bodies, errors)
    }

    fn page(
        &self,
        page: Page,
        body: Option<(&str, &Body)>,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let site = self.site;
        let (template, pc, extra): (&str, PageContext, Context) = match page {
            Page::Home(l) => {
                let mut ctx = Context::new();
                ctx.insert("categories", &self.category_links(&site.roots, l, true));
                (
                    "home.html",
                    self.base("home", l, site.home_url(l), None, None, Vec::new()),
                    ctx,
                )
            }
            Page::Search(l) => (
                "search.html",
                self.base("search", l, site.search_url(l), None, None, Vec::new()),
                Context::new(),
            ),
            Page::NotFound(l) => {
                let mut pc = self.base("404", l, site.not_found_url(l), None, None, Vec::new());
                pc.noindex = true;
                pc.alternates.clear();
                pc.x_default = None;
                ("404.html", pc, Context::new())
            }
            Page::Category(c, l) => self.category(c, l),
            Page::Article(a) => {
                let (html, body) = body.expect("article pages are rendered with their body");
                self.article(a, html, body)
            }
            Page::Translations(l) => {
                let mut pc = self.base(
                    "translations",
                    l,
                    site.translations_url(l),
                    None,
                    None,
                    Vec::new(),
                );
                pc.noindex = true;
                pc.alternates.clear();
                pc.x_default = None;
                let mut ctx = Context::new();
                ctx.insert("status", self.status);
                ctx.insert("reviews", &self.review_groups(l));
                ("translations.html", pc, ctx)
            }
            Page::Alias(a, n) => {
                let art = &site.articles[a];
                let mut pc = self.base(
                    "redirect",
                    art.locale,
                    art.aliases[n].clone(),
                    Some(art.title.clone()),
                    None,
                    Vec::new(),
                );
                pc.canonical = site.absolute(&art.url);
                pc.noindex = true;
                pc.alternates.clear();
                pc.x_default = None;
                let mut ctx = Context::new();
                ctx.insert("target", &art.url);
                ("redirect.html", pc, ctx)
            }
        };
        let crumbs: Vec<(&str, &str)> = pc
            .breadcrumbs
            .iter()
            .map(|c| (c.name.as_str(), c.url.as_str()))
            .collect();
        let json_ld = self
            .json_ld
            .page(self.site, page_ld(page), &crumbs, pc.locale_index);
        let (url, l) = (pc.url.clone(), pc.locale_index);
        let mut ctx = pc.into_context();
        ctx.insert_value("json_ld", Value::safe_string(&json_ld));
        ctx.extend(extra);
        let html = self.templates.render_bytes(template, l, &ctx)?;
        Ok((url, html))
    }

    fn base(
        &self,
        kind: &'static str,
        l: LocaleId,
        url: String,
        title: Option<String>,
        description: Option<String>,
        crumbs: Vec<Crumb>,
    ) -> PageContext {
        let site = self.site;
        let loc = &site.locales[l];
        let same_page = |other: LocaleId| match kind {
            "home" => site.home_url(other),
            "search" => site.search_url(other),
            "translations" => site.translations_url(other),
            _ => site.not_found_url(other),
        };
        let alternates: Vec<Alternate> = (0..site.locales.len())
            .map(|o| Alternate {
                lang: site.locales[o].code.clone(),
                href: site.absolute(&same_page(o)),
            })
            .collect();
        let languages = (0..site.locales.len())
            .map(|o| Language {
                code: site.locales[o].code.clone(),
                url: same_page(o),
                current: o == l,
                translation: true,
            })
            .collect();
        let mut breadcrumbs = vec![Crumb {
            name: self.home_crumb(l),
            url: site.home_url(l),
        }];
        breadcrumbs.extend(crumbs);
        PageContext {
            kind,
            locale_index: l,
            lang: loc.code.clone(),
            og_locale: loc.tag.replace('-', "_"),
            title,
            description,
            canonical: site.absolute(&url),
            url,
            x_default: Some(site.absolute(&same_page(0))),
            alternates,
            languages,
            breadcrumbs,
            home_url: site.home_url(l),
            search_url: site.search_url(l),
            feedback_url: site.config.feedback_url.clone(),
            insights_url: site.config.insights_url.clone(),
            noindex: false,
        }
    }

    fn home_crumb(&self, l: LocaleId) -> String {
        self.l10n
            .format(l, "breadcrumb-home", None)
            .unwrap_or_default()
    }

    fn category_crumbs(&self, c: CategoryId, l: LocaleId) -> Vec<Crumb> {
        self.site
            .category_path(c)
            .into_iter()
            .map(|p| Crumb {
                name: self.site.categories[p].title[l].clone(),
                url: self.site.categories[p].url[l].clone(),
            })
            .collect()
    }

    fn category_links(&self, ids: &[CategoryId], l: LocaleId, with_children: bool) -> Vec<Link> {
        ids.iter()
            .map(|&c| {
                let cat = &self.site.categories[c];
                Link {
                    title: cat.title[l].clone(),
                    url: cat.url[l].clone(),
                    description: cat.description[l].clone(),
                    lang: None,
                    children: if with_children {
                        self.category_links(&cat.children, l, false)
                    } else {
                        Vec::new()
                    },
                    count: Some(self.article_count(c, l)),
                }
            })
            .collect()
    }

    /// Articles in a category and all its sub-categories, in one locale.
    fn article_count(&self, c: CategoryId, l: LocaleId) -> usize {
        let cat = &self.site.categories[c];
        cat.articles[l].len()
            + cat
                .children
                .iter()
                .map(|&ch| self.article_count(ch, l))
                .sum::<usize>()
    }

    /// Article `a`'s link on a page in `page_locale`, as a template value.
    fn article_link(&self, a: ArticleId, page_locale: LocaleId) -> Value {
        if self.site.articles[a].locale == page_locale {
            self.links[a]
                .get_or_init(|| Value::from_serializable(&link(self.site, a, page_locale)))
                .clone()
        } else {
            Value::from_serializable(&link(self.site, a, page_locale))
        }
    }

    /// The overdue reviews as the status page in locale `l` lists them: per owner, in the
    /// order of `review::overdue`.
    fn review_groups(&self, l: LocaleId) -> Vec<ReviewGroup<'_>> {
        let site = self.site;
        let mut groups: Vec<ReviewGroup> = Vec::new();
        for o in &self.reviews {
            let a = &site.articles[o.article];
            let item = ReviewItem {
                title: &a.title,
                url: &a.url,
                lang: (a.locale != l).then_some(site.locales[a.locale].code.as_str()),
                file: crate::diag::display_path(&a.file),
                date: self.l10n.date(l, o.due),
                date_iso: o.due.to_string(),
            };
            match groups.last_mut() {
                Some(g) if g.owner == o.owner => g.articles.push(item),
                _ => groups.push(ReviewGroup {
                    owner: o.owner,
                    articles: vec![item],
                }),
            }
        }
        groups
    }

    fn category(&self, c: CategoryId, l: LocaleId) -> (&'static str, PageContext, Context) {
        let site = self.site;
        let cat = &site.categories[c];
        let mut pc = self.base(
            "category",
            l,
            cat.url[l].clone(),
            Some(cat.title[l].clone()),
            cat.description[l].clone(),
            self.category_crumbs(c, l),
        );
        pc.alternates = (0..site.locales.len())
            .map(|o| Alternate {
                lang: site.locales[o].code.clone(),
                href: site.absolute(&cat.url[o]),
            })
            .collect();
        pc.x_default = Some(site.absolute(&cat.url[0]));
        pc.languages = (0..site.locales.len())
            .map(|o| Language {
                code: site.locales[o].code.clone(),
                url: cat.url[o].clone(),
                current: o == l,
                translation: true,
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert(
            "subcategories",
            &self.category_links(&cat.children, l, false),
        );
        let articles: Vec<Value> = cat.articles[l]
            .iter()
            .map(|&a| self.article_link(a, l))
            .collect();
        ctx.insert_value("articles", articles.into());
        let untranslated: Vec<Value> = if site.config.list_untranslated {
            cat.untranslated[l]
                .iter()
                .map(|&a| self.article_link(a, l))
                .collect()
        } else {
            Vec::new()
        };
        ctx.insert_value("untranslated", untranslated.into());
        ("category.html", pc, ctx)
    }

    fn article(
        &self,
        a: ArticleId,
        html: &str,
        body: &Body,
    ) -> (&'static str, PageContext, Context) {
        let site = self.site;
        let art = &site.articles[a];
        let l = art.locale;
        let mut crumbs = self.category_crumbs(art.category, l);
        crumbs.push(Crumb {
            name: art.title.clone(),
            url: art.url.clone(),
        });
        let description = art
            .description
            .clone()
            .or_else(|| Some(truncate_words(&body.text, 160)));
        let mut pc = self.base(
            "article",
            l,
            art.url.clone(),
            Some(art.title.clone()),
            description,
            crumbs,
        );
        // hreflang only between real translations.
        pc.alternates = art
            .translations
            .iter()
            .enumerate()
            .filter_map(|(o, t)| {
                t.map(|t| Alternate {
                    lang: site.locales[o].code.clone(),
                    href: site.absolute(&site.articles[t].url),
                })
            })
            .collect();
        pc.x_default =
            Some(site.absolute(art.translations[0].map_or(&art.url, |t| &site.articles[t].url)));
        if pc.alternates.len() < 2 {
            pc.alternates.clear();
            pc.x_default = None;
        }
        pc.languages = (0..site.locales.len())
            .map(|o| match art.translations[o] {
                Some(t) => Language {
                    code: site.locales[o].code.clone(),
                    url: site.articles[t].url.clone(),
                    current: o == l,
                    translation: true,
                },
                None => Language {
                    code: site.locales[o].code.clone(),
                    url: site.categories[art.category].url[o].clone(),
                    current: false,
                    translation: false,
                },
            })
            .collect();
        let related: Vec<Value> = art
            .related
            .iter()
            .map(|&r| self.article_link(r, l))
            .collect();
        // Contents for a long article: its sections and subsections, from three on.
        let sections: Vec<Value> = body
            .headings
            .iter()
            .filter(|(level, ..)| matches!(level, 2 | 3))
            .map(|(level, id, text)| {
                BTreeMap::from([
                    ("level", Value::from(*level)),
                    ("id", id.as_str().into()),
                    ("text", text.as_str().into()),
                ])
                .into()
            })
            .collect();
        let toc = if sections.len() >= TOC_MIN_SECTIONS {
            sections
        } else {
            Vec::new()
        };
        let article = BTreeMap::from([
            ("key", Value::from(art.key.as_str())),
            ("toc", toc.into()),
            ("title", art.title.as_str().into()),
            ("level", art.level.map(|lv| lv.as_str()).into()),
            ("updated_iso", art.updated.to_string().into()),
            ("updated", self.l10n.date(l, art.updated).into()),
            ("related", related.into()),
        ]);
        let mut ctx = Context::new();
        ctx.insert_value("article", article.into());
        ctx.insert_value("body", Value::safe_string(html));
        ("article.html", pc, ctx)
    }
}

/// An article gets a table of contents when it has this many `##`/`###` headings.
const TOC_MIN_SECTIONS: usize = 3;

/// Article `a`'s link on a page in `page_locale`: marked with its language when that is
/// another.
fn link(site: &Site, a: ArticleId, page_locale: LocaleId) -> Link {
    let art = &site.articles[a];
    Link {
        title: art.title.clone(),
        url: art.url.clone(),
        description: art.description.clone(),
        lang: (art.locale != page_locale).then(|| site.locales[art.locale].code.clone()),
        children: Vec::new(),
        count: None,
    }
}

fn page_ld(p: Page) -> seo::LdPage {
    match p {
        Page::Home(_) => seo::LdPage::Home,
        Page::Category(c, _) => seo::LdPage::Category(c),
        Page::Article(a) => seo::LdPage::Article(a),
        Page::Search(_) | Page::NotFound(_) | Page::Alias(..) | Page::Translations(_) => {
            seo::LdPage::Other
        }
    }
}

/// At most `max` bytes of `text`, cut at a word boundary, with an ellipsis when cut.
pub(crate) fn truncate_words(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text[..end].rfind(' ').unwrap_or(end);
    format!("{}…", text[..cut].trim_end_matches([',', '.', ';', ':']))
}
