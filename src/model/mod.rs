//! The site model: plain data that every later step only reads.
//!
//! `Site::new` turns the loader's raw records into locales, a category tree, articles linked
//! to their translations, resolved server tables, URLs and related articles, and reports
//! every inconsistency between files (a category with no `_category.yaml`, a duplicate slug,
//! a table with rows in no language, two things at one URL). Nothing after this step decides
//! anything about structure: rendering and indexing walk these vectors.

pub mod servers;
mod shown;
pub mod snippets;

use crate::config::Config;
use crate::diag::{display_path, Code, Diagnostic, Diagnostics, Pos};
use crate::load::frontmatter::{Date, Level, ServerRow};
use crate::load::{field_pos, Content, RawArticle, StaticFiles, Text, CONTENT_DIR};
use crate::names::{check_alias, is_key, is_slug, slugify};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub(crate) type LocaleId = usize;
pub(crate) type CategoryId = usize;
pub(crate) type ArticleId = usize;

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub locales: Vec<Locale>,
    /// Pre-order over the tree, siblings by `order`, then title, then key.
    pub categories: Vec<Category>,
    pub(crate) roots: Vec<CategoryId>,
    /// One per published language file, ordered by key and locale.
    pub articles: Vec<Article>,
    /// The tables of `servers.yaml`, which articles' tables name with `shared:`.
    pub servers: servers::SharedTables,
    /// The passages of `snippets/`, which articles include by name.
    pub snippets: snippets::Snippets,
    pub(crate) statics: StaticFiles,
    /// The date review dates are compared with: `load::today`, read once per load.
    pub today: Date,
}

#[derive(Debug)]
pub struct Locale {
    pub code: String,
    pub tag: String,
    /// `""` for the default locale, `/en` for the others: every URL of the locale starts so.
    pub prefix: String,
    pub search_path: String,
}

#[derive(Debug)]
pub struct Category {
    pub key: String,
    pub file: PathBuf,
    pub parent: Option<CategoryId>,
    pub(crate) children: Vec<CategoryId>,
    pub(crate) depth: usize,
    pub order: Option<i64>,
    /// Per locale; the default locale's where `_category.yaml` has none for a locale.
    pub title: Vec<String>,
    /// Per locale: whether `title` is the default locale's, for want of one of its own.
    pub(crate) untitled: Vec<bool>,
    pub description: Vec<Option<String>>,
    pub url: Vec<String>,
    /// Per locale: the category's own articles in that locale, in display order.
    pub articles: Vec<Vec<ArticleId>>,
    /// Per locale: articles of this category that exist only in other locales.
    pub untranslated: Vec<Vec<ArticleId>>,
}

#[derive(Debug)]
pub struct Article {
    pub key: String,
    pub file: PathBuf,
    pub locale: LocaleId,
    pub category: CategoryId,
    pub title: String,
    pub slug: String,
    pub url: String,
    pub description: Option<String>,
    pub updated: Date,
    pub level: Option<Level>,
    pub tags: Vec<String>,
    pub order: Option<i64>,
    pub aliases: Vec<String>,
    /// Where `aliases:` is written, for errors about them.
    pub(crate) aliases_pos: Pos,
    pub tables: BTreeMap<String, ServerTable>,
    /// See `FrontMatter::source_hash`.
    pub source_hash: Option<String>,
    /// Who keeps the article up to date, as the front matter names them (white space
    /// collapsed; never empty).
    pub owner: Option<String>,
    /// When the article is due for review: its `review_by`, else `updated` plus the site's
    /// `review_after` days; none when neither is set.
    pub review_by: Option<Date>,
    /// The file's text as written (front matter and Markdown), for rendering and for showing
    /// source lines in errors.
    pub text: Text,
    pub(crate) body_line: usize,
    /// Per locale, this article's translation there (itself at its own locale).
    pub translations: Vec<Option<ArticleId>>,
    pub related: Vec<ArticleId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerTable {
    pub caption: Option<String>,
    pub rows: Vec<ServerRow>,
    pub from: Rows,
}

/// Where a server table's rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    /// The article's `rows:`.
    Written,
    /// The table of `servers.yaml` with this name, named by the article's `shared:` or by its
    /// source article's.
    Shared(String),
    /// Another language's file of the article.
    Translation,
}

impl Article {
    /// Where the server table `name` is defined in the front matter, for errors about it
    /// (worked out only then: most builds have none).
    pub(crate) fn table_pos(&self, name: &str) -> Pos {
        field_pos(self.yaml(), name, 1)
    }

    /// The front matter's YAML as written.
    pub fn yaml(&self) -> &str {
        self.text.yaml()
    }

    /// The Markdown body as written.
    pub fn body(&self) -> &str {
        self.text.body()
    }

    /// A short hash of the file's text: what a translation records in `source_hash`.
    pub(crate) fn content_hash(&self) -> String {
        format!("{:016x}", crate::load::fnv1a(self.source().as_bytes()))
    }

    /// The file's text as loaded (front matter and body), for source lines in errors.
    pub fn source(&self) -> String {
        format!("---\n{}---\n{}", self.yaml(), self.body())
    }
}

impl Site {
    /// Frees the articles' text as written (front matter and Markdown) once every body is
    /// rendered: a build's later steps read only the rendered bodies, and at 10,000 articles
    /// per language the text is 130 MB, freed before the search index is built.
    pub(crate) fn drop_sources(&mut self) {
        use rayon::prelude::*;
        // Freed on all threads: 20,000 bodies freed one by one held up the build.
        self.articles
            .par_iter_mut()
            .for_each(|a| a.text = Text::default());
    }

    pub(crate) fn home_url(&self, l: LocaleId) -> String {
        [self.locales[l].prefix.as_str(), "/"].concat()
    }

    pub(crate) fn search_url(&self, l: LocaleId) -> String {
        let loc = &self.locales[l];
        [loc.prefix.as_str(), "/", loc.search_path.as_str(), "/"].concat()
    }

    /// The translation status page: `_` keeps it apart from every slug.
    pub(crate) fn translations_url(&self, l: LocaleId) -> String {
        [self.locales[l].prefix.as_str(), "/_translations/"].concat()
    }

    pub(crate) fn not_found_url(&self, l: LocaleId) -> String {
        [self.locales[l].prefix.as_str(), "/404.html"].concat()
    }

    pub fn absolute(&self, url: &str) -> String {
        // These are made for every page, several times: without the formatting machinery.
        [self.config.base_url.as_str(), url].concat()
    }

    /// Where an `@/<key>` link goes from an article in locale `l`: the article `key` (its path
    /// under `content/` without language and `.md`, as in `@/email/basic-settings/imap`),
    /// in `l`, or, with no translation there, in the first locale that has it; with the
    /// link's `#fragment`. A link by key follows its article through slug changes, and one
    /// link serves every language of an article. `Err` is a message and a hint.
    pub(crate) fn article_link(
        &self,
        l: LocaleId,
        target: &str,
    ) -> Result<String, (String, String)> {
        let (key, fragment) = match target.split_once('#') {
            Some((k, f)) => (k, Some(f)),
            None => (target, None),
        };
        // Articles are sorted by key, then locale.
        let first = self.articles.partition_point(|a| a.key.as_str() < key);
        let Some(found) = self.articles.get(first).filter(|a| a.key == key) else {
            // The file's name written for the key: `email/x/imap.sv.md` is `email/x/imap`.
            let meant = key
                .strip_suffix(".md")
                .map_or(key, |k| match k.rsplit_once('.') {
                    Some((stem, code)) if self.locales.iter().any(|l| l.code == code) => stem,
                    _ => k,
                });
            let near = crate::diag::nearest(meant, &self.articles, |a| &a.key, 3);
            let hint = match near {
                Some(a) => format!("did you mean `@/{}`?", a.key),
                _ => "an `@/` link names an article by its path under content/, without \
                      language and `.md`: `@/email/basic-settings/imap`"
                    .into(),
            };
            return Err((format!("no article has the key `{key}`"), hint));
        };
        let to = found.translations[l].unwrap_or(first);
        let url = &self.articles[to].url;
        Ok(match fragment {
            Some(f) => [url.as_str(), "#", f].concat(),
            None => url.clone(),
        })
    }

    /// Categories from the root down to `c`, inclusive.
    pub(crate) fn category_path(&self, c: CategoryId) -> Vec<CategoryId> {
        let mut path = vec![c];
        let mut cur = c;
        while let Some(p) = self.categories[cur].parent {
            path.push(p);
            cur = p;
        }
        path.reverse();
        path
    }

    /// The model, with the warnings of building it (problems that do not stop a build);
    /// `today` is what review dates are compared with.
    pub fn new(
        config: Config,
        content: Content,
        servers: servers::SharedTables,
        snippets: crate::load::files::SnippetFiles,
        today: Date,
    ) -> Result<(Site, Vec<Diagnostic>), Diagnostics> {
        let mut diags = Diagnostics::default();
        let locales: Vec<Locale> = config
            .locales
            .iter()
            .enumerate()
            .map(|(i, l)| Locale {
                code: l.code.clone(),
                tag: l.tag().to_string(),
                prefix: if i == 0 {
                    String::new()
                } else {
                    format!("/{}", l.code)
                },
                search_path: l.search_path.clone(),
            })
            .collect();
        let (categories, roots) = build_categories(&locales, &content, &mut diags);
        let articles = build_articles(
            &locales,
            &categories,
            config.review_after,
            content.articles,
            &mut diags,
        );
        let snippets = snippets::collect(snippets, &locales, &mut diags);
        let mut site = Site {
            config,
            locales,
            categories,
            roots,
            articles,
            servers,
            snippets,
            statics: content.statics,
            today,
        };
        diags = diags.check()?;
        link_translations(&mut site);
        site.servers.resolve(&mut site.articles, &mut diags);
        resolve_tables(&mut site, &mut diags);
        fill_categories(&mut site);
        compute_related(&mut site);
        check_urls(&site, &mut diags);
        let warnings = diags.check()?;
        Ok((site, warnings.0))
    }

    /// Every URL the site publishes, for link checks.
    pub(crate) fn output_urls(&self) -> Vec<String> {
        self.claims()
            .into_iter()
            .map(|(url, _)| url.into_owned())
            .collect()
    }

    /// Every URL the site publishes and who publishes it, in a fixed order: each locale's
    /// own pages, the categories, the articles each with its aliases.
    fn claims(&self) -> Vec<(Cow<'_, str>, Claim)> {
        let mut urls = Vec::with_capacity(self.articles.len() + 8 * self.categories.len());
        for l in 0..self.locales.len() {
            for (url, what) in [
                (self.home_url(l), "home page"),
                (self.search_url(l), "search page"),
                (self.not_found_url(l), "404 page"),
                (self.translations_url(l), "translation status page"),
            ] {
                urls.push((Cow::Owned(url), Claim::Page(l, what)));
            }
        }
        for (c, cat) in self.categories.iter().enumerate() {
            for (l, url) in cat.url.iter().enumerate() {
                urls.push((Cow::Borrowed(url.as_str()), Claim::Category(c, l)));
            }
        }
        for (a, art) in self.articles.iter().enumerate() {
            urls.push((Cow::Borrowed(art.url.as_str()), Claim::Article(a)));
            for alias in &art.aliases {
                urls.push((Cow::Borrowed(alias.as_str()), Claim::Alias(a)));
            }
        }
        urls
    }

    /// Who publishes a URL, for messages: what they are, the file and the place in it.
    fn claimant(&self, claim: Claim) -> (String, PathBuf, Pos) {
        match claim {
            Claim::Page(l, what) => (
                format!("the {} {what}", self.locales[l].code),
                PathBuf::from(crate::config::CONFIG_FILE),
                Pos::START,
            ),
            Claim::Category(c, l) => {
                let cat = &self.categories[c];
                let owner = format!("{} ({})", display_path(&cat.file), self.locales[l].code);
                (owner, cat.file.clone(), Pos::START)
            }
            Claim::Article(a) => {
                let art = &self.articles[a];
                (display_path(&art.file), art.file.clone(), Pos::START)
            }
            Claim::Alias(a) => {
                let art = &self.articles[a];
                let owner = format!("an alias of {}", display_path(&art.file));
                (owner, art.file.clone(), art.aliases_pos)
            }
        }
    }
}

/// Who publishes an output URL (see `Site::claims`).
#[derive(Debug, Clone, Copy)]
enum Claim {
    /// A locale's own page: home, search, 404 or translation status.
    Page(LocaleId, &'static str),
    Category(CategoryId, LocaleId),
    Article(ArticleId),
    Alias(ArticleId),
}

fn build_categories(
    locales: &[Locale],
    content: &Content,
    diags: &mut Diagnostics,
) -> (Vec<Category>, Vec<CategoryId>) {
    let codes: Vec<&str> = locales.iter().map(|l| l.code.as_str()).collect();
    // Loaded categories by key; the root of content/ is not a category.
    let mut by_key: BTreeMap<&str, &crate::load::RawCategory> = BTreeMap::new();
    for c in &content.categories {
        if c.key.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::CategoryKeyInvalid,
                    &c.file,
                    Pos::START,
                    "content/ itself cannot be a category",
                )
                .hint("put _category.yaml files in the folders under content/"),
            );
            continue;
        }
        // Keys name translations and appear in feedback posts: keep them to URL-safe words.
        if let Some(bad) = c.key.split('/').find(|seg| !is_key(seg)) {
            diags.push(
                Diagnostic::error(
                    Code::CategoryKeyInvalid,
                    &c.file,
                    Pos::START,
                    format!(
                        "the folder name `{}` cannot be a category key",
                        bad.escape_debug()
                    ),
                )
                .hint(
                    "name category folders with a-z, 0-9, `-` and `_` only, e.g. `basic-settings`",
                ),
            );
            continue;
        }
        by_key.insert(&c.key, c);
    }
    for c in by_key.values() {
        let pos = |field: &str| field_pos(&c.text, field, 0);
        let err = |field: &str, msg: String| {
            Diagnostic::error(Code::CategoryFieldInvalid, &c.file, pos(field), msg)
                .with_source(&c.text)
        };
        // A site grows a language step by step: a locale without a title of its own shows the
        // default locale's, as UI messages do, until a translator adds one.
        for (i, code) in codes.iter().enumerate() {
            if !c.data.title.contains_key(*code) {
                let message = match i {
                    0 => err("title", format!("the category has no `{code}` title")),
                    _ => Diagnostic::warning(
                        Code::CategoryUntitled,
                        &c.file,
                        pos("title"),
                        format!(
                            "the category has no `{code}` title: its `{}` title is shown",
                            codes[0]
                        ),
                    )
                    .with_source(&c.text),
                };
                diags.push(message.hint(format!("add `{code}: …` under `title:`")));
            }
        }
        for (field, map) in [
            ("title", &c.data.title),
            ("slug", &c.data.slug),
            ("description", &c.data.description),
        ] {
            for code in map.keys().filter(|k| !codes.contains(&k.as_str())) {
                diags.push(
                    err(field, format!("`{code}` is not a configured locale"))
                        .hint(format!("the locales are {}", codes.join(", "))),
                );
            }
        }
        for (code, slug) in &c.data.slug {
            if !is_slug(slug) {
                diags.push(err(
                    "slug",
                    format!("the {code} slug `{slug}` may hold only a-z, 0-9 and dashes"),
                ));
            }
        }
        if let Some((parent, _)) = c.key.rsplit_once('/') {
            if !by_key.contains_key(parent) {
                diags.push(
                    Diagnostic::error(
                        Code::CategoryParentMissing,
                        &c.file,
                        Pos::START,
                        format!("the parent folder `{CONTENT_DIR}/{parent}` is not a category"),
                    )
                    .hint(format!("add {CONTENT_DIR}/{parent}/_category.yaml")),
                );
            }
        }
    }

    // Order siblings, then lay the tree out in pre-order.
    let sort_key = |c: &crate::load::RawCategory| {
        (
            c.data.order.unwrap_or(i64::MAX),
            c.data
                .title
                .get(codes[0])
                .cloned()
                .unwrap_or_default()
                .to_lowercase(),
            c.key.clone(),
        )
    };
    let mut children: BTreeMap<&str, Vec<&crate::load::RawCategory>> = BTreeMap::new();
    for c in by_key.values() {
        let parent = c.key.rsplit_once('/').map_or("", |(p, _)| p);
        children.entry(parent).or_default().push(c);
    }
    for v in children.values_mut() {
        v.sort_by_key(|c| sort_key(c));
    }
    let mut cats: Vec<Category> = Vec::new();
    let mut roots = Vec::new();
    let mut order: Vec<(&crate::load::RawCategory, Option<CategoryId>)> = Vec::new();
    fn visit<'a>(
        key: &str,
        parent: Option<CategoryId>,
        children: &BTreeMap<&str, Vec<&'a crate::load::RawCategory>>,
        order: &mut Vec<(&'a crate::load::RawCategory, Option<CategoryId>)>,
    ) {
        for c in children.get(key).map(Vec::as_slice).unwrap_or(&[]) {
            let id = order.len();
            order.push((c, parent));
            visit(&c.key, Some(id), children, order);
        }
    }
    visit("", None, &children, &mut order);
    for (id, (raw, parent)) in order.iter().enumerate() {
        let untitled: Vec<bool> = codes
            .iter()
            .map(|code| !raw.data.title.contains_key(*code))
            .collect();
        let title: Vec<String> = codes
            .iter()
            .map(|code| {
                let own = raw.data.title.get(*code);
                own.or_else(|| raw.data.title.get(codes[0]))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let slugs: Vec<String> = codes
            .iter()
            .zip(&title)
            .map(|(code, t)| {
                raw.data
                    .slug
                    .get(*code)
                    .cloned()
                    .unwrap_or_else(|| slugify(t))
            })
            .collect();
        let url = (0..locales.len())
            .map(|l| match parent {
                Some(p) => format!("{}{}/", cats[*p].url[l], slugs[l]),
                None => format!("{}/{}/", locales[l].prefix, slugs[l]),
            })
            .collect();
        let depth = parent.map_or(0, |p| cats[p].depth + 1);
        if let Some(p) = parent {
            cats[*p].children.push(id);
        } else {
            roots.push(id);
        }
        cats.push(Category {
            key: raw.key.clone(),
            file: raw.file.clone(),
            parent: *parent,
            children: Vec::new(),
            depth,
            order: raw.data.order,
            title,
            untitled,
            description: codes
                .iter()
                .map(|c| raw.data.description.get(*c).cloned())
                .collect(),
            url,
            articles: vec![Vec::new(); locales.len()],
            untranslated: vec![Vec::new(); locales.len()],
        });
    }
    (cats, roots)
}

fn build_articles(
    locales: &[Locale],
    categories: &[Category],
    review_after: Option<i64>,
    raw: Vec<RawArticle>,
    diags: &mut Diagnostics,
) -> Vec<Article> {
    let cat_ids: HashMap<&str, CategoryId> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();
    let mut raw: Vec<RawArticle> = raw.into_iter().filter(|a| !a.front.draft).collect();
    let locale_index = |code: &str| locales.iter().position(|l| l.code == code).unwrap_or(0);
    rayon::slice::ParallelSliceMut::par_sort_by(&mut raw[..], |a, b| {
        a.key
            .cmp(&b.key)
            .then_with(|| locale_index(&a.locale).cmp(&locale_index(&b.locale)))
    });
    // Each article is made on all threads; only the slug check, which compares articles
    // with each other, is serial. Errors keep the order of the articles.
    let made: Vec<Result<Made, Diagnostic>> = {
        use rayon::prelude::*;
        raw.into_par_iter()
            .map(|a| make_article(locales, &cat_ids, review_after, a))
            .collect()
    };
    let mut slugs: HashMap<(LocaleId, &str), &std::path::Path> = HashMap::default();
    let mut keep = Vec::with_capacity(made.len());
    for m in &made {
        let ok = match m {
            Err(d) => {
                diags.push(d.clone());
                false
            }
            Ok(m) => {
                let a = &m.article;
                if let Some(other) = slugs.insert((a.locale, &a.slug), &a.file) {
                    let field = if m.slug_given { "slug" } else { "title" };
                    let msg = format!(
                        "the slug `{}` is already used by {}",
                        a.slug,
                        display_path(other)
                    );
                    diags.push(
                        field_error(&a.file, a.text.yaml(), field, msg)
                            .hint("give one of the two articles another `slug:`"),
                    );
                    false
                } else {
                    diags.extend(m.warnings.iter().cloned());
                    true
                }
            }
        };
        keep.push(ok);
    }
    made.into_iter()
        .zip(keep)
        .filter_map(|(m, keep)| m.ok().filter(|_| keep).map(|m| m.article))
        .collect()
}

/// An error about the front-matter `field` of `file`, at its line, with the YAML shown.
fn field_error(file: &std::path::Path, yaml: &str, field: &str, msg: String) -> Diagnostic {
    Diagnostic::error(
        Code::ArticleFieldInvalid,
        file,
        field_pos(yaml, field, 1),
        msg,
    )
    .with_source(&format!("---\n{yaml}"))
}

/// An article made from its file, before the slug check: whether the writer gave the slug,
/// and its errors that do not leave it out.
struct Made {
    article: Article,
    slug_given: bool,
    warnings: Vec<Diagnostic>,
}

fn make_article(
    locales: &[Locale],
    cat_ids: &HashMap<&str, CategoryId>,
    review_after: Option<i64>,
    a: RawArticle,
) -> Result<Made, Diagnostic> {
    let locale = locales.iter().position(|l| l.code == a.locale).unwrap_or(0);
    let name = a.key.rsplit('/').next().unwrap_or("");
    if !is_key(name) {
        return Err(
            Diagnostic::error(Code::ArticleKeyInvalid, &a.file, Pos::START, format!("the file name `{}` cannot be an article key", name.escape_debug()))
                .hint("name article files `<key>.<locale>.md` with a key of a-z, 0-9, `-` and `_`, e.g. `change-password.sv.md`"),
        );
    }
    let Some(&category) = cat_ids.get(a.category.as_str()) else {
        let hint = if a.category.is_empty() {
            "put articles in a category folder under content/".to_string()
        } else {
            format!(
                "create {CONTENT_DIR}/{}/{} with the category's titles",
                a.category,
                crate::load::CATEGORY_FILE
            )
        };
        return Err(Diagnostic::error(
            Code::ArticleNotInCategory,
            &a.file,
            Pos::START,
            format!(
                "the folder `{CONTENT_DIR}/{}` is not a category: it has no _category.yaml",
                a.category
            ),
        )
        .hint(hint));
    };
    let err = |field: &str, msg: String| field_error(&a.file, a.text.yaml(), field, msg);
    let slug = match &a.front.slug {
        Some(s) if is_slug(s) => s.clone(),
        Some(s) => {
            return Err(err(
                "slug",
                format!("the slug `{s}` may hold only a-z, 0-9 and dashes"),
            )
            .hint(format!("for example `{}`", slugify(s))));
        }
        None => slugify(&a.front.title),
    };
    if slug.is_empty() {
        return Err(
            err("title", "no slug can be made from this title".into()).hint("add a `slug:` field")
        );
    }
    let mut warnings = Vec::new();
    if a.front.title.trim().is_empty() {
        warnings.push(err("title", "the title is empty".into()));
    }
    for alias in &a.front.aliases {
        if let Err(why) = check_alias(alias) {
            warnings.push(
                err(
                    "aliases",
                    format!("the alias `{}` {why}", alias.escape_debug()),
                )
                .hint("an alias is an old URL path of this site, such as `/kb/old-name/`"),
            );
        }
    }
    let url = format!("{}/kb/{}/", locales[locale].prefix, slug);
    // Only an article with aliases can have an error there.
    let aliases_pos = if a.front.aliases.is_empty() {
        Pos::START
    } else {
        a.field_pos("aliases")
    };
    let tables = a
        .front
        .server_tables
        .iter()
        .map(|(name, t)| {
            let table = ServerTable {
                caption: t.caption.clone(),
                rows: t.rows.clone().unwrap_or_default(),
                from: match &t.shared {
                    Some(name) => Rows::Shared(name.clone()),
                    None => Rows::Written,
                },
            };
            (name.clone(), table)
        })
        .collect();
    Ok(Made {
        slug_given: a.front.slug.is_some(),
        warnings,
        article: Article {
            key: a.key,
            file: a.file,
            locale,
            category,
            title: a.front.title,
            slug,
            url,
            description: a.front.description,
            updated: a.front.updated,
            level: a.front.level,
            tags: a.front.tags,
            order: a.front.order,
            aliases_pos,
            aliases: a.front.aliases,
            tables,
            source_hash: a.front.source_hash,
            // One name however it is spaced, so that it is one owner on the status page.
            owner: a
                .front
                .owner
                .map(|o| o.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|o| !o.is_empty()),
            review_by: a
                .front
                .review_by
                .or_else(|| review_after.map(|days| a.front.updated.plus_days(days))),
            text: a.text,
            body_line: a.body_line,
            translations: vec![None; locales.len()],
            related: Vec::new(),
        },
    })
}

fn link_translations(site: &mut Site) {
    let mut by_key: HashMap<&str, Vec<ArticleId>> = HashMap::default();
    for (i, a) in site.articles.iter().enumerate() {
        by_key.entry(a.key.as_str()).or_default().push(i);
    }
    let links: Vec<(ArticleId, LocaleId, ArticleId)> = by_key
        .values()
        .flat_map(|ids| {
            ids.iter()
                .flat_map(|&a| ids.iter().map(move |&b| (a, b)))
                .collect::<Vec<_>>()
        })
        .map(|(a, b)| (a, site.articles[b].locale, b))
        .collect();
    for (a, l, b) in links {
        site.articles[a].translations[l] = Some(b);
    }
}

/// Rows a translation left out come from the first other language that has them
/// (the default locale first): technical data has one source of truth. Rows that language
/// takes from `servers.yaml` come with the shared table's caption in the translation's
/// locale, unless it has its own.
fn resolve_tables(site: &mut Site, diags: &mut Diagnostics) {
    let mut fills = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        for (name, t) in &a.tables {
            if !t.rows.is_empty() || matches!(t.from, Rows::Shared(_)) {
                continue;
            }
            let source = a.translations.iter().flatten().find_map(|&o| {
                site.articles[o]
                    .tables
                    .get(name)
                    .filter(|t| !t.rows.is_empty())
            });
            // A shared table that did not resolve has its own error, in the file naming it.
            let unresolved = || {
                a.translations.iter().flatten().any(|&o| {
                    site.articles[o]
                        .tables
                        .get(name)
                        .is_some_and(|t| matches!(t.from, Rows::Shared(_)))
                })
            };
            match source {
                Some(t) => fills.push((i, name.clone(), t.rows.clone(), t.from.clone())),
                None if unresolved() => {}
                None => diags.push(
                    Diagnostic::error(
                        Code::ServerTableNoRows,
                        &a.file,
                        a.table_pos(name),
                        format!("the server table `{name}` has no rows, here or in a translation"),
                    )
                    .with_source(&a.source())
                    .hint("give the table `rows:` in at least one language"),
                ),
            }
        }
    }
    for (i, name, rows, from) in fills {
        let locale = site.articles[i].locale;
        let Some(t) = site.articles[i].tables.get_mut(&name) else {
            continue;
        };
        t.rows = rows;
        t.from = match from {
            Rows::Shared(shared) => {
                if t.caption.is_none() {
                    t.caption = site.servers.tables[&shared].captions[locale].clone();
                }
                Rows::Shared(shared)
            }
            _ => Rows::Translation,
        };
    }
}

fn fill_categories(site: &mut Site) {
    let mut ids: Vec<ArticleId> = (0..site.articles.len()).collect();
    // On all threads: lower-casing 20,000 titles was most of this step.
    rayon::slice::ParallelSliceMut::par_sort_by_cached_key(&mut ids[..], |&x| {
        let a = &site.articles[x];
        (
            a.order.unwrap_or(i64::MAX),
            a.title.to_lowercase(),
            a.key.clone(),
        )
    });
    for id in ids {
        let a = &site.articles[id];
        let c = a.category;
        site.categories[c].articles[a.locale].push(id);
        for l in 0..site.locales.len() {
            // An untranslated article is listed once, in its first language.
            let first_language = a.translations.iter().position(Option::is_some) == Some(a.locale);
            if a.translations[l].is_none() && first_language {
                site.categories[c].untranslated[l].push(id);
            }
        }
    }
}

/// Related articles: the same category first (in its order), then articles sharing the
/// most tags, in the same language. Computed once here, read by every page.
fn compute_related(site: &mut Site) {
    use rayon::prelude::*;
    let limit = site.config.related_articles;
    let mut by_tag: HashMap<(LocaleId, &str), Vec<ArticleId>> = HashMap::default();
    for (i, a) in site.articles.iter().enumerate() {
        for t in &a.tags {
            by_tag.entry((a.locale, t.as_str())).or_default().push(i);
        }
    }
    let related: Vec<Vec<ArticleId>> = site
        .articles
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let mut out: Vec<ArticleId> = site.categories[a.category].articles[a.locale]
                .iter()
                .copied()
                .filter(|&o| o != i)
                .take(limit)
                .collect();
            if out.len() < limit {
                let mut shared: BTreeMap<ArticleId, usize> = BTreeMap::new();
                for t in &a.tags {
                    for &o in by_tag
                        .get(&(a.locale, t.as_str()))
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                    {
                        if o != i && !out.contains(&o) {
                            *shared.entry(o).or_default() += 1;
                        }
                    }
                }
                let mut shared: Vec<(usize, ArticleId)> =
                    shared.into_iter().map(|(o, n)| (n, o)).collect();
                shared.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
                out.extend(shared.into_iter().map(|(_, o)| o).take(limit - out.len()));
            }
            out
        })
        .collect();
    for (a, r) in site.articles.iter_mut().zip(related) {
        a.related = r;
    }
}

/// Two things may not share a URL, and nothing may shadow a file from static/.
fn check_urls(site: &Site, diags: &mut Diagnostics) {
    /// Who made the first claim on a URL: a static file (by index) or a claimant.
    enum First {
        Static(usize),
        Claim(Claim),
    }
    let statics: Vec<String> = site.statics.files.iter().map(|f| format!("/{f}")).collect();
    // Only looked up, never listed: a hash map, as 20,000 URLs made the ordered map's string
    // comparisons a serial cost of every build. Claimants are described only for a clash.
    let mut seen: HashMap<&str, First> = HashMap::default();
    for (i, url) in statics.iter().enumerate() {
        seen.insert(url, First::Static(i));
    }
    // A folder's URL (`/x/`) clashes with a file at `/x/index.html` too: looked up only when
    // such a file was claimed.
    let mut index_files = statics.iter().any(|u| u.ends_with("index.html"));
    let static_dirs: BTreeSet<String> = site
        .statics
        .files
        .iter()
        .filter_map(|f| f.split_once('/').map(|(d, _)| format!("/{d}/")))
        .collect();
    let claims = site.claims();
    for (url, claim) in &claims {
        let url: &str = url;
        let first = match seen.get(url) {
            Some(first) => Some(first),
            None if index_files && url.ends_with('/') => {
                seen.get(format!("{url}index.html").as_str())
            }
            None => None,
        };
        let first = first
            .map(|first| match first {
                First::Static(i) => format!("static/{}", site.statics.files[*i]),
                First::Claim(c) => site.claimant(*c).0,
            })
            .or_else(|| {
                static_dirs
                    .contains(url)
                    .then(|| format!("the folder static{}", url.trim_end_matches('/')))
            });
        if let Some(first) = first {
            let (owner, file, pos) = site.claimant(*claim);
            diags.push(
                Diagnostic::error(
                    Code::UrlConflict,
                    file,
                    pos,
                    format!("`{url}` is claimed twice: by {owner} and by {first}"),
                )
                .hint("change a slug or an alias so that every page has its own URL"),
            );
        }
        index_files |= url.ends_with("index.html");
        seen.insert(url, First::Claim(*claim));
    }
}
