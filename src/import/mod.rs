//! `kbgen import wordpress`: articles from the old WordPress help centre (Heroic Knowledge
//! Base + Yoast, as the REST API returns them) written as kbgen article files.
//!
//! ```text
//! WXR files (wxr::parse) ─┐
//! JSON files ─► wordpress::read_inputs ─► Post ─┐                     categories::plan ─► _category.yaml
//! wordpress-map.yaml ─► map::load ──────────────┼─► plan (html::convert, front matter) ─► content/
//! kbgen.yaml ─► config (locales, URLs) ─────────┘
//! ```
//!
//! An article goes to the folder the map gives its first category; an export's article whose
//! category the map does not name goes to the folder of the export's own terms (see
//! `categories`); one without a category, to `--uncategorized`.
//!
//! Like the build, the import collects every problem of the run before it stops, and writes
//! nothing unless every article can be written. What it cannot convert faithfully is not an
//! error: it is listed in the [`ImportReport`] for a person to finish by hand.

mod categories;
pub mod html;
mod images;
pub mod map;
mod pairs;
pub mod wordpress;
pub(crate) mod wxr;

use crate::config::{self, CONFIG_FILE};
use crate::diag::{display_path, Code, Diagnostic, Diagnostics, Pos};
use crate::load::frontmatter::{self, Date};
use crate::load::CONTENT_DIR;
use crate::names::{check_alias, is_slug, slugify};
use html::ServerTable;
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wordpress::{Post, Source};

/// Resolved options of `kbgen import wordpress`.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site root (holds kbgen.yaml).
    pub root: PathBuf,
    /// Absolute paths of the JSON files and folders to import.
    pub inputs: Vec<PathBuf>,
    /// The language of the articles; the site's default locale when not given.
    pub locale: Option<String>,
    /// The post types taken from an export file (`ht_kb` unless asked).
    pub post_types: Vec<String>,
    /// The mapping file (absolute).
    pub map: PathBuf,
    /// The map file was not asked for: it may be missing (an export names its own categories).
    pub map_optional: bool,
    /// The category folder of articles without a category (pages, say).
    pub uncategorized: Option<String>,
    /// Whether (and how) the articles are paired with the default language's as translations.
    pub pairing: Pairing,
    /// A copy of the old site's uploads folder (absolute): its images are copied in.
    pub uploads: Option<PathBuf>,
    /// Where to write the migration report (absolute), a Markdown table of every article.
    pub report: Option<PathBuf>,
    /// Replace article files that already exist.
    pub force: bool,
    /// The folder paths in messages are shown relative to.
    pub cwd: PathBuf,
}

/// Translations of the default language's articles, in an import of another language.
#[derive(Debug, Clone, Default)]
pub enum Pairing {
    /// Each article is a new one.
    #[default]
    None,
    /// Propose pairs in this file (absolute), and write nothing else.
    Propose(PathBuf),
    /// Write each article paired in this file under its pair's key.
    Use(PathBuf),
}

/// What an import wrote, and what a person has to finish by hand.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub articles: Vec<Imported>,
    /// Category files written (or given another language's titles), with the term they are of.
    pub categories: Vec<ImportedCategory>,
    /// Files found in a folder that are not JSON, with why.
    pub skipped: Vec<(PathBuf, String)>,
    /// A pairing file proposed (instead of writing articles), and how many it pairs of all.
    pub proposed: Option<(PathBuf, usize, usize)>,
    /// Images copied from the uploads folder, under `static/img/`.
    pub images: usize,
}

#[derive(Debug)]
pub struct Imported {
    /// The written file, relative to the site root.
    pub file: PathBuf,
    /// The JSON file it came from, as shown in messages.
    pub source: PathBuf,
    pub id: u64,
    pub title: String,
    pub notes: Vec<Note>,
}

#[derive(Debug)]
pub struct ImportedCategory {
    /// Relative to the site root.
    pub file: PathBuf,
    /// The export it came from, as shown in messages.
    pub source: PathBuf,
    pub id: u64,
    pub name: String,
    /// Only this language's title was added to it.
    pub added: bool,
}

/// Something not converted faithfully.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub message: String,
    /// The line of the written file it is about, where there is one.
    pub line: Option<usize>,
    /// Text of the written body that shows where (found once the file is made).
    pub(crate) at: Option<String>,
}

impl Note {
    pub(crate) fn new(kind: NoteKind, message: String) -> Note {
        Note {
            kind,
            message,
            line: None,
            at: None,
        }
    }

    /// `line 12: image: ` — where it is, and what it is about — before its message.
    fn lead(&self) -> String {
        let line = self.line.map_or(String::new(), |l| format!("line {l}: "));
        format!("{line}{}: ", self.kind.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Image,
    Shortcode,
    Table,
    Caption,
    Element,
    Link,
    Metadata,
}

impl NoteKind {
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Image => "image",
            NoteKind::Shortcode => "shortcode",
            NoteKind::Table => "table",
            NoteKind::Caption => "caption",
            NoteKind::Element => "element",
            NoteKind::Link => "link",
            NoteKind::Metadata => "metadata",
        }
    }
}

impl ImportReport {
    pub fn notes(&self) -> usize {
        self.articles.iter().map(|a| a.notes.len()).sum()
    }

    /// The migration report: a Markdown table of every article (what it became and what is
    /// left to do by hand), then the categories written and the items skipped.
    pub fn table(&self) -> String {
        // Text, not markup, wherever the file is shown: `<` would start a tag.
        let cell = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('|', "\\|")
                .replace('<', "&lt;")
                .replace('\n', " ")
        };
        let mut out = format!(
            "# Migration report\n\n{}, {} to finish by hand.\n\n\
             | WordPress | Title | File | To finish by hand |\n| --- | --- | --- | --- |\n",
            crate::diag::count(self.articles.len(), "article"),
            crate::diag::count(self.notes(), "thing")
        );
        for a in &self.articles {
            let todo: Vec<String> = a
                .notes
                .iter()
                .map(|n| format!("{}{}", n.lead(), cell(&n.message)))
                .collect();
            out.push_str(&format!(
                "| {} {} | {} | `{}` | {} |\n",
                show(&a.source),
                a.id,
                cell(&a.title),
                display_path(&a.file),
                if todo.is_empty() {
                    "—".to_string()
                } else {
                    todo.join("<br>")
                }
            ));
        }
        if !self.categories.is_empty() {
            out.push_str("\n## Categories\n\n| WordPress | Name | File |\n| --- | --- | --- |\n");
            for c in &self.categories {
                out.push_str(&format!(
                    "| {} {} | {} | `{}` |\n",
                    show(&c.source),
                    c.id,
                    cell(&c.name),
                    display_path(&c.file)
                ));
            }
        }
        if !self.skipped.is_empty() {
            out.push_str("\n## Skipped\n\n");
            for (file, why) in &self.skipped {
                out.push_str(&format!("- {}: {}\n", show(file), cell(why)));
            }
        }
        out
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((file, paired, all)) = &self.proposed {
            return write!(
                f,
                "proposed {paired} of {} as translations in {}; check it, then import with --pairs {}",
                crate::diag::count(*all, "article"),
                show(file),
                show(file)
            );
        }
        for c in &self.categories {
            writeln!(
                f,
                "{} <- {} (WordPress category {}: {}){}",
                display_path(&c.file),
                show(&c.source),
                c.id,
                c.name,
                if c.added { ": its title added" } else { "" }
            )?;
        }
        for a in &self.articles {
            writeln!(
                f,
                "{} <- {} (WordPress article {}: {})",
                display_path(&a.file),
                show(&a.source),
                a.id,
                a.title
            )?;
            if a.notes.is_empty() {
                writeln!(f, "  converted faithfully")?;
            }
            for n in &a.notes {
                writeln!(f, "  {}{}", n.lead(), n.message)?;
            }
        }
        for (file, why) in &self.skipped {
            writeln!(f, "skipped {}: {why}", show(file))?;
        }
        let n = self.articles.len();
        let notes = self.notes();
        let images = match self.images {
            0 => String::new(),
            n => format!(" and {}", crate::diag::count(n, "image")),
        };
        write!(
            f,
            "imported {}{images}; {}",
            crate::diag::count(n, "article"),
            match notes {
                0 => "nothing to finish by hand".to_string(),
                n => format!(
                    "{} to finish by hand (listed above)",
                    crate::diag::count(n, "thing")
                ),
            }
        )
    }
}

/// The front matter an imported article gets, in the order writers read it.
#[derive(Serialize)]
struct FrontMatterOut<'a> {
    title: &'a str,
    slug: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    updated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    aliases: &'a [String],
    #[serde(
        skip_serializing_if = "<[_]>::is_empty",
        serialize_with = "tables_in_order"
    )]
    server_tables: &'a [(String, ServerTable)],
}

/// Server tables as a map in the order of the body (not sorted by name).
fn tables_in_order<S: Serializer>(
    tables: &&[(String, ServerTable)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(tables.iter().map(|(k, v)| (k, v)))
}

/// One article ready to be written.
struct Planned {
    file: PathBuf,
    /// Its slug (the file's name, unless it was paired), and where its item is.
    slug: String,
    at: Pos,
    text: String,
    imported: Imported,
    /// What of it survives translation, to pair it with the article it translates.
    fingerprint: pairs::Fingerprint,
    /// Images to copy: from the uploads folder, to their path under the site root.
    images: Vec<(PathBuf, PathBuf)>,
}

/// Moves each article the pairing file pairs to its pair's key, so the two are translations
/// of each other; the key must be an article of the default language.
fn pair(
    planned: &mut [Planned],
    pairs: &pairs::Pairs,
    root: &Path,
    default: &str,
    locale: &str,
    diags: &mut Diagnostics,
) {
    for p in planned {
        let Some(key) = pairs.key(p.imported.id) else {
            continue;
        };
        if let Err(missing) = move_to_key(p, key, root, default, locale) {
            diags.push(
                pairs
                    .error(
                        p.imported.id,
                        format!("article {} is paired with `{key}`, but {} does not exist", p.imported.id, display_path(&missing)),
                    )
                    .hint(format!("write the key of a {default} article (its path under content/ without .{default}.md), or ~ for none")),
            );
        }
    }
}

/// Writes `p` under `key` in `locale`, as the translation of the `default` language's article
/// there; that article's file, when the site does not have it.
fn move_to_key(
    p: &mut Planned,
    key: &str,
    root: &Path,
    default: &str,
    locale: &str,
) -> Result<(), PathBuf> {
    let source = PathBuf::from(CONTENT_DIR).join(format!("{key}.{default}.md"));
    if !root.join(&source).is_file() {
        return Err(source);
    }
    p.file = PathBuf::from(CONTENT_DIR).join(format!("{key}.{locale}.md"));
    p.imported.file = p.file.clone();
    Ok(())
}

/// A file the run would write (a proposal, a report) is there already.
fn refuse_overwrite(file: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::ImportConflict,
        file,
        Pos::START,
        format!("refusing to overwrite {}: it already exists", show(file)),
    )
    .hint("pass --force to replace it, or name another file")
}

/// Writes the pairing file of a proposal: the articles of the run against the site's
/// articles in the default language.
fn propose(
    file: &Path,
    planned: &[Planned],
    opts: &ImportOptions,
    config: &config::Config,
    default: &str,
    locale: &str,
) -> Result<ImportReport, Diagnostics> {
    let shown_file = shown(file, &opts.cwd);
    if file.exists() && !opts.force {
        return Err(refuse_overwrite(&shown_file).into());
    }
    let content = crate::load::content(&opts.root, config)?;
    let existing: Vec<_> = content
        .articles
        .iter()
        .filter(|a| a.locale == default)
        .collect();
    let prints: Vec<pairs::Fingerprint> = existing
        .iter()
        .map(|a| pairs::Fingerprint::of(a.text.body(), &a.front.server_tables))
        .collect();
    let new: Vec<pairs::Fingerprint> = planned.iter().map(|p| p.fingerprint.clone()).collect();
    let proposal = pairs::propose(&new, &prints);
    let lines: Vec<pairs::Proposed> = planned
        .iter()
        .zip(&proposal)
        .map(|(p, pair)| pairs::Proposed {
            id: p.imported.id,
            title: &p.imported.title,
            pair: pair.map(|(j, score)| {
                let a = existing[j];
                (
                    a.key.as_str(),
                    a.front.title.as_str(),
                    score,
                    p.fingerprint.shared(&prints[j]),
                )
            }),
        })
        .collect();
    let sources: BTreeSet<String> = planned.iter().map(|p| show(&p.imported.source)).collect();
    let names: Vec<String> = sources.into_iter().collect();
    let text = pairs::file_text(&names.join(", "), locale, default, &lines);
    std::fs::write(file, text).map_err(|e| {
        Diagnostic::error(
            Code::WriteFailed,
            &shown_file,
            Pos::START,
            format!("cannot write: {e}"),
        )
    })?;
    let paired = proposal.iter().filter(|p| p.is_some()).count();
    Ok(ImportReport {
        proposed: Some((shown_file, paired, planned.len())),
        ..ImportReport::default()
    })
}

pub fn wordpress(opts: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    let config = config::load(&opts.root)?;
    let locales: Vec<&str> = config.locales.iter().map(|l| l.code.as_str()).collect();
    let locale = opts
        .locale
        .clone()
        .unwrap_or_else(|| locales[0].to_string());
    let Some(locale_index) = locales.iter().position(|l| *l == locale) else {
        return Err(Diagnostic::error(
            Code::ArgumentInvalid,
            CONFIG_FILE,
            Pos::START,
            format!("--locale {locale}: the site has no such locale"),
        )
        .hint(format!(
            "the locales in {CONFIG_FILE} are: {}",
            locales.join(", ")
        ))
        .into());
    };
    let url_prefix = if locale_index == 0 {
        String::new()
    } else {
        format!("/{locale}")
    };

    let mut diags = Diagnostics::default();
    let map = if opts.map_optional && !opts.map.exists() {
        Some(map::Map {
            shown: shown(&opts.map, &opts.cwd),
            ..map::Map::default()
        })
    } else {
        map::load(&opts.map, shown(&opts.map, &opts.cwd))
            .map_err(|d| diags.push(d))
            .ok()
    };
    if let Some(file) = opts.report.as_ref().filter(|f| f.exists() && !opts.force) {
        diags.push(refuse_overwrite(&shown(file, &opts.cwd)));
    }
    if let Some(dir) = opts.uploads.as_ref().filter(|d| !d.is_dir()) {
        diags.push(
            Diagnostic::error(
                Code::ArgumentInvalid,
                shown(dir, &opts.cwd),
                Pos::START,
                format!(
                    "--uploads {}: there is no such folder",
                    show(&shown(dir, &opts.cwd))
                ),
            )
            .hint("pass a copy of the old site's wp-content/uploads folder"),
        );
    }
    let pairs = match &opts.pairing {
        Pairing::Use(file) => pairs::Pairs::load(file, shown(file, &opts.cwd))
            .map_err(|d| diags.push(d))
            .ok(),
        _ => None,
    };
    if !matches!(opts.pairing, Pairing::None) && locale_index == 0 {
        diags.push(
            Diagnostic::error(
                Code::ArgumentInvalid,
                CONFIG_FILE,
                Pos::START,
                format!("--pairs and --propose-pairs pair articles with the {locale} ones, so they need another --locale"),
            )
            .hint("import the default language's articles first, then the other language's with --locale"),
        );
    }
    let uncategorized = opts.uncategorized.as_deref().and_then(|f| {
        check_uncategorized(&opts.root, f)
            .map_err(|d| diags.push(d))
            .ok()
    });
    let (mut sources, mut skipped) =
        wordpress::read_inputs(&opts.inputs, &opts.post_types, &opts.cwd, &mut diags);
    let defaults = take_language(&mut sources, &locale, locales[0], &mut skipped);
    if sources.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::error(
                Code::ImportInvalid,
                opts.inputs
                    .first()
                    .map_or(PathBuf::new(), |p| shown(p, &opts.cwd)),
                Pos::START,
                "no WordPress articles were found in the input",
            )
            .hint("pass JSON files the WordPress REST API returned (/wp-json/wp/v2/ht-kb/<id>)"),
        );
    }
    let Some(map) = map else {
        return Err(diags.sorted());
    };
    let folders = check_ids(
        &map,
        &sources,
        &opts.root,
        opts.uncategorized.is_some(),
        &mut diags,
    );
    // Translations a translation plugin paired: their keys, where their pairs are imported.
    let folders = Folders {
        map: &map,
        checked: &folders,
        uncategorized: uncategorized.as_deref(),
    };
    let auto: BTreeMap<u64, String> = sources
        .iter()
        .flat_map(|s| &s.posts)
        .filter_map(|post| {
            let source = defaults.get(post.item.as_ref()?.group.as_ref()?)?;
            let title = html::text(&source.title.rendered);
            let folder = folder_of(source, 0, &folders)?;
            Some((post.id, format!("{folder}/{}", slug_of(source, &title))))
        })
        .collect();
    let paired =
        |id: u64| pairs.as_ref().and_then(|p| p.key(id)).is_some() || auto.contains_key(&id);
    let mut category_files = BTreeMap::new();
    for source in &sources {
        for post in &source.posts {
            let Some(item) = &post.item else { continue };
            // A translation goes where its pair is: its own categories make no folder.
            if paired(post.id) {
                continue;
            }
            match (post.categories.first(), item.categories.first()) {
                (Some(id), Some(path)) if !folders.map.categories.contains_key(id) => {
                    let to = categories::Target {
                        root: &opts.root,
                        locale: &locale,
                        default_locale: locales[0],
                        source: &source.shown,
                    };
                    if let Err(d) = categories::plan(&to, path, &mut category_files) {
                        diags.push(d);
                    }
                }
                _ => {}
            }
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }

    let uploads = opts.uploads.as_ref().map(|dir| {
        let attachments = sources.iter().flat_map(|s| s.attachments.iter());
        Arc::new(images::Uploads {
            dir: dir.clone(),
            shown: shown(dir, &opts.cwd),
            alts: images::alts(attachments.map(|(u, a)| (u.as_str(), a.as_str()))),
        })
    });
    let ctx = Context {
        uploads,
        locale: &locale,
        url_prefix: &url_prefix,
        folders,
        slugs: slugs_in_use(&opts.root, &config, &locale),
    };
    let mut planned = Vec::new();
    for source in &sources {
        for post in &source.posts {
            match plan(post, source, &ctx) {
                Ok(p) => planned.push(p),
                Err(d) => diags.extend(d),
            }
        }
    }
    for p in planned.iter_mut() {
        let Some(key) = auto.get(&p.imported.id) else {
            continue;
        };
        // A pairing file the writer confirmed says the last word.
        if pairs
            .as_ref()
            .is_some_and(|f| f.keys.contains_key(&p.imported.id))
        {
            continue;
        }
        if let Err(missing) = move_to_key(p, key, &opts.root, locales[0], &locale) {
            diags.push(
                Diagnostic::error(
                    Code::ImportInvalid,
                    &p.imported.source,
                    p.at,
                    format!(
                        "article {} translates {}, which the site does not have",
                        p.imported.id,
                        display_path(&missing)
                    ),
                )
                .hint(format!(
                    "import the export's {} articles first (without --locale)",
                    locales[0]
                )),
            );
        }
    }
    if let Some(pairs) = &pairs {
        pair(
            &mut planned,
            pairs,
            &opts.root,
            locales[0],
            &locale,
            &mut diags,
        );
    }
    if let Pairing::Propose(file) = &opts.pairing {
        if diags.has_errors() {
            return Err(diags.sorted());
        }
        return propose(file, &planned, opts, &config, locales[0], &locale);
    }

    // Two articles of the run at one address (in different folders), or on one file, or a
    // file that is there already.
    let mut addresses: BTreeMap<&str, &Planned> = BTreeMap::new();
    for p in &planned {
        if let Some(first) = addresses.insert(&p.slug, p) {
            if first.file != p.file {
                diags.push(
                    Diagnostic::error(
                        Code::ImportConflict,
                        &p.imported.source,
                        p.at,
                        format!(
                            "article {} has the slug `{}` of article {} ({}): both would be at {}/kb/{}/",
                            p.imported.id,
                            p.slug,
                            first.imported.id,
                            show(&first.imported.source),
                            url_prefix,
                            p.slug
                        ),
                    )
                    .hint("a slug names one article per language; change one of them in WordPress or after the import"),
                );
            }
        }
    }
    let mut targets: BTreeMap<&Path, &Path> = BTreeMap::new();
    for p in &planned {
        if let Some(first) = targets.insert(&p.file, &p.imported.source) {
            diags.push(
                Diagnostic::error(
                    Code::ImportConflict,
                    &p.imported.source,
                    Pos::START,
                    format!(
                        "article {} would be written to {}, like an article of {}",
                        p.imported.id,
                        display_path(&p.file),
                        show(first)
                    ),
                )
                .hint("two WordPress articles have the same slug; import them in separate runs or change one slug"),
            );
        }
        let content = opts.root.join(crate::load::CONTENT_DIR);
        if !crate::paths::is_inside(&content, &opts.root.join(&p.file)) {
            diags.push(
                Diagnostic::error(
                    Code::ImportConflict,
                    &p.file,
                    Pos::START,
                    format!(
                        "{} would be written outside content/ (a folder on its way is a symbolic link)",
                        display_path(&p.file)
                    ),
                )
                .hint("kbgen imports articles only into the site's content/ folder"),
            );
            continue;
        }
        if !opts.force && opts.root.join(&p.file).exists() {
            diags.push(
                Diagnostic::error(
                    Code::ImportConflict,
                    &p.file,
                    Pos::START,
                    format!(
                        "refusing to overwrite {}: it already exists (article {} of {})",
                        display_path(&p.file),
                        p.imported.id,
                        show(&p.imported.source)
                    ),
                )
                .hint("pass --force to replace it, or move it away first"),
            );
        }
    }
    // An image of the site that a copy would replace with other bytes.
    for (from, to) in planned.iter().flat_map(|p| &p.images) {
        if !opts.force && images::differs(from, &opts.root.join(to)) {
            diags.push(
                Diagnostic::error(
                    Code::ImportConflict,
                    to,
                    Pos::START,
                    format!(
                        "refusing to overwrite {}: it differs from {}",
                        display_path(to),
                        from.display()
                    ),
                )
                .hint("pass --force to replace it, or move it away first"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }

    let mut report = ImportReport {
        skipped,
        ..ImportReport::default()
    };
    for c in category_files.into_values() {
        let written =
            std::fs::create_dir_all(opts.root.join(&c.file).parent().expect("in a folder"))
                .and_then(|()| std::fs::write(opts.root.join(&c.file), &c.text));
        if let Err(e) = written {
            diags.push(Diagnostic::error(
                Code::WriteFailed,
                &c.file,
                Pos::START,
                format!("cannot write: {e}"),
            ));
            continue;
        }
        report.categories.push(ImportedCategory {
            file: c.file,
            source: c.source,
            id: c.term.id,
            name: html::text(&c.term.name),
            added: c.added,
        });
    }
    let mut copied = BTreeSet::new();
    for (from, to) in planned.iter().flat_map(|p| &p.images) {
        if !copied.insert(to) {
            continue;
        }
        let target = opts.root.join(to);
        let done = std::fs::create_dir_all(target.parent().expect("in static/img"))
            .and_then(|()| std::fs::copy(from, &target));
        if let Err(e) = done {
            diags.push(Diagnostic::error(
                Code::WriteFailed,
                to,
                Pos::START,
                format!("cannot copy {}: {e}", from.display()),
            ));
        }
    }
    report.images = copied.len();
    for p in planned {
        if let Err(e) = std::fs::write(opts.root.join(&p.file), &p.text) {
            diags.push(Diagnostic::error(
                Code::WriteFailed,
                &p.file,
                Pos::START,
                format!("cannot write: {e}"),
            ));
            continue;
        }
        report.articles.push(p.imported);
    }
    if let Some(file) = opts.report.as_ref().filter(|_| !diags.has_errors()) {
        if let Err(e) = std::fs::write(file, report.table()) {
            diags.push(Diagnostic::error(
                Code::WriteFailed,
                shown(file, &opts.cwd),
                Pos::START,
                format!("cannot write the migration report: {e}"),
            ));
        }
    }
    diags.check()?;
    Ok(report)
}

/// A path as messages show it: relative to the current folder (with `..` when it is beside
/// it), absolute when the two share nothing but the file system root.
pub(crate) fn shown(p: &Path, cwd: &Path) -> PathBuf {
    if let Ok(rel) = p.strip_prefix(cwd) {
        return rel.to_path_buf();
    }
    let path: Vec<_> = p.components().collect();
    let base: Vec<_> = cwd.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    if common <= 1 {
        return p.to_path_buf();
    }
    let mut out: PathBuf = base[common..].iter().map(|_| "..").collect();
    out.extend(&path[common..]);
    out
}

/// A path in a message: `/`-separated when relative, as the system writes it when absolute.
pub(crate) fn show(p: &Path) -> String {
    if p.has_root() {
        p.display().to_string()
    } else {
        display_path(p)
    }
}

/// Every category and tag id of the run must be in the map, and the category folders the
/// articles go to must be categories: all problems are reported at once. Returns the checked
/// folders by category id.
fn check_ids(
    map: &map::Map,
    sources: &[Source],
    root: &Path,
    uncategorized: bool,
    diags: &mut Diagnostics,
) -> BTreeMap<u64, String> {
    let mut folders = BTreeMap::new();
    for source in sources {
        // An export names its own terms: only the REST API's articles need the map.
        let rest = || source.posts.iter().filter(|p| p.item.is_none());
        let categories = unmapped(rest(), |p| &p.categories, &map.categories);
        let tags = unmapped(rest(), |p| &p.tags, &map.tags);
        for (kind, section, ids, example) in [
            (
                "category",
                "categories",
                categories,
                "<category folder under content/>",
            ),
            ("tag", "tags", tags, "<tag word>"),
        ] {
            let Some(&(first, _)) = ids.first() else {
                continue;
            };
            let map_name = display_path(&map.shown);
            let list: Vec<String> = ids
                .iter()
                .map(|(id, post)| format!("{id} (article {post})"))
                .collect();
            let (this, is, it) = match ids.len() {
                1 => ("this", " is", "it"),
                _ => ("these", "s are", "them"),
            };
            diags.push(
                Diagnostic::error(
                    Code::ImportInvalid,
                    &source.shown,
                    Pos::START,
                    format!(
                        "{this} WordPress {kind} id{is} not in {map_name}: {}",
                        list.join(", ")
                    ),
                )
                .hint(format!(
                    "add {it} under `{section}:` in {map_name}, e.g. `{first}: {example}`"
                )),
            );
        }
        for post in &source.posts {
            match post.categories.first() {
                None if uncategorized => {}
                None => {
                    let (at, what) = match &post.item {
                        Some(i) => (
                            Pos::new(i.line, 1),
                            format!(
                                "{} {} “{}” has no category",
                                i.post_type,
                                post.id,
                                html::text(&post.title.rendered)
                            ),
                        ),
                        None => (
                            Pos::START,
                            format!(
                                "article {} has no category (`ht-kb-category` is empty)",
                                post.id
                            ),
                        ),
                    };
                    diags.push(
                        Diagnostic::error(Code::ImportInvalid, &source.shown, at, what)
                            .hint("kbgen keeps every article in a category folder; give it a category in WordPress, or name a folder for such articles with --uncategorized FOLDER"),
                    );
                }
                // The article goes to its first category; the others are only named in the report.
                Some(&id) if map.categories.contains_key(&id) && !folders.contains_key(&id) => {
                    match map.category_folder(root, id) {
                        Ok(f) => {
                            folders.insert(id, f);
                        }
                        Err(d) => diags.push(d),
                    }
                }
                Some(_) => {}
            }
        }
    }
    folders
}

/// The ids of `posts` missing from `known`, each once, with the first article that has it.
fn unmapped<'p>(
    posts: impl Iterator<Item = &'p Post>,
    ids_of: impl Fn(&Post) -> &Vec<u64>,
    known: &BTreeMap<u64, String>,
) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for post in posts {
        for &id in ids_of(post) {
            if !known.contains_key(&id) && !out.iter().any(|(i, _)| *i == id) {
                out.push((id, post.id));
            }
        }
    }
    out
}

/// `--uncategorized FOLDER` checked: a category folder under content/.
fn check_uncategorized(root: &Path, folder: &str) -> Result<String, Diagnostic> {
    let clean = folder.trim().trim_matches('/');
    let bad = !map::is_folder_path(clean);
    let file = Path::new(CONTENT_DIR)
        .join(clean)
        .join(crate::load::CATEGORY_FILE);
    if bad || !root.join(&file).is_file() {
        return Err(Diagnostic::error(
            Code::ArgumentInvalid,
            if bad { PathBuf::from(CONTENT_DIR) } else { file.clone() },
            Pos::START,
            format!("--uncategorized {folder}: there is no category folder {}", display_path(&file)),
        )
        .hint(format!(
            "create {} with the category's titles (e.g. `title: {{ sv: Sidor, en: Pages }}`), or name an existing category folder",
            display_path(&file)
        )));
    }
    Ok(clean.to_string())
}

struct Context<'a> {
    uploads: Option<Arc<images::Uploads>>,
    locale: &'a str,
    url_prefix: &'a str,
    folders: Folders<'a>,
    /// The slugs of the site's articles in `locale`, with their files.
    slugs: BTreeMap<String, PathBuf>,
}

/// The slugs the site's articles in `locale` already have (explicit or from the title), to
/// warn before the build does. A site that does not load is left to the build to report.
fn slugs_in_use(root: &Path, config: &config::Config, locale: &str) -> BTreeMap<String, PathBuf> {
    let Ok(content) = crate::load::content(root, config) else {
        return BTreeMap::new();
    };
    content
        .articles
        .into_iter()
        .filter(|a| a.locale == locale)
        .map(|a| {
            let slug = a
                .front
                .slug
                .clone()
                .unwrap_or_else(|| slugify(&a.front.title));
            (slug, a.file)
        })
        .collect()
}

/// One article converted: its file path, its text, its notes.
fn plan(post: &Post, source: &Source, ctx: &Context) -> Result<Planned, Vec<Diagnostic>> {
    let at = post
        .item
        .as_ref()
        .map_or(Pos::START, |i| Pos::new(i.line, 1));
    let err = |msg: String| Diagnostic::error(Code::ImportInvalid, &source.shown, at, msg);
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut meta = |message: String| notes.push(Note::new(NoteKind::Metadata, message));

    let mut title = html::text(&post.title.rendered);
    if title.is_empty() {
        // WordPress publishes a post without a title; kbgen needs one for the page and links.
        let text = html::text(&post.content.rendered);
        title = match text
            .split_terminator(['.', '!', '?', '\n'])
            .next()
            .map(str::trim)
        {
            Some(first) if !first.is_empty() => html::shorten(first, 60),
            _ => percent_decode(&post.slug).replace('-', " "),
        };
        if title.trim().is_empty() {
            errors.push(err(format!(
                "article {} has an empty title and no text to name it by",
                post.id
            )));
        } else {
            meta(format!(
                "it had no title: it was given `{title}`, from its text; give it a better one"
            ));
        }
    }
    let updated = post.modified.get(..10).and_then(Date::parse);
    if updated.is_none() {
        errors.push(
            err(format!(
                "article {}: `modified` is `{}`, not a date",
                post.id, post.modified
            ))
            .hint("the REST API writes it as 2024-07-02T16:09:31"),
        );
    }
    let slug = slug_of(post, &title);
    if slug != percent_decode(&post.slug) {
        meta(format!(
            "the WordPress slug `{}` is not a kbgen slug (a-z, 0-9, dashes): it became `{slug}`",
            post.slug
        ));
    }
    if slug.is_empty() {
        errors.push(err(format!("article {} has no usable slug", post.id)));
    }
    let (Some(updated), true) = (updated, errors.is_empty()) else {
        return Err(errors);
    };

    let description = post
        .yoast_head_json
        .as_ref()
        .and_then(|y| y.description.as_deref())
        .map(html::text)
        .filter(|d| !d.is_empty())
        .or_else(|| {
            let e = html::text(&post.excerpt.as_ref()?.rendered);
            let e = e.trim_end_matches("[…]").trim_end_matches("[...]").trim();
            (!e.is_empty()).then(|| e.to_string())
        });

    let url = format!("{}/kb/{slug}/", ctx.url_prefix);
    let mut aliases = Vec::new();
    if let Some(old) = post.link.as_deref().and_then(url_path) {
        let old = percent_decode(&old);
        if old != url {
            match check_alias(&old) {
                Ok(()) => aliases.push(old),
                Err(why) => meta(format!(
                    "the old URL path `{old}` {why}, so it is not an alias; redirect it on the web server"
                )),
            }
        }
    }

    let folder = folder_of(post, 0, &ctx.folders)
        .ok_or_else(|| vec![err(format!("article {} has no category", post.id))])?;
    let file = PathBuf::from(CONTENT_DIR)
        .join(&folder)
        .join(format!("{slug}.{}.md", ctx.locale));
    if let Some(other) = ctx.slugs.get(&slug).filter(|f| **f != file) {
        meta(format!(
            "{} already has the slug `{slug}` in this language: the site will not build until one of the two changes (delete or rename the old article, or change a slug)",
            show(other)
        ));
    }
    if post.categories.len() > 1 {
        let others: Vec<String> = (1..post.categories.len())
            .map(|i| {
                let folder = folder_of(post, i, &ctx.folders).unwrap_or_default();
                format!("{} ({folder})", post.categories[i])
            })
            .collect();
        meta(format!(
            "it was also in the WordPress categories {}: kbgen keeps an article in one category, {folder}",
            others.join(", ")
        ));
    }
    let mut tags: Vec<String> = Vec::new();
    for (i, id) in post.tags.iter().enumerate() {
        let word = match (ctx.folders.map.tags.get(id), &post.item) {
            (Some(w), _) => w.trim().to_string(),
            (None, Some(item)) => percent_decode(&item.tags[i]),
            (None, None) => unreachable!("check_ids found every tag of the REST API's articles"),
        };
        if !word.is_empty() && !tags.contains(&word) {
            tags.push(word);
        }
    }
    let draft = post.status.as_deref().is_some_and(|s| s != "publish");
    if draft {
        meta(format!(
            "its WordPress status is `{}`: it was imported as `draft: true`",
            post.status.as_deref().unwrap_or_default()
        ));
    }

    let body = html::convert_with(&post.content.rendered, ctx.uploads.clone());
    notes.extend(body.notes);
    let front = FrontMatterOut {
        title: &title,
        slug: &slug,
        description: description.as_deref(),
        updated: updated.to_string(),
        level: body.level.map(|l| l.as_str()),
        tags: &tags,
        draft,
        aliases: &aliases,
        server_tables: &body.tables,
    };
    let yaml = serde_yaml::to_string(&front).map_err(|e| {
        vec![err(format!(
            "article {}: the front matter cannot be written: {e}",
            post.id
        ))]
    })?;
    // What is written must read back as kbgen front matter.
    if let Err(e) = frontmatter::parse(&yaml) {
        return Err(vec![crate::diag::yaml::yaml_error(
            &display_path(&file),
            &yaml,
            1,
            &e,
        )
        .hint(
            "this is a bug in the importer: please report it with the article's JSON",
        )]);
    }
    let images = body
        .images
        .iter()
        .map(|f| (f.file.clone(), Path::new("static/img").join(&f.rel)))
        .collect();
    let text = format!("---\n{yaml}---\n\n{}", body.markdown);
    for n in &mut notes {
        n.line = n.at.as_deref().and_then(|at| line_of(&text, at));
    }
    Ok(Planned {
        slug: slug.clone(),
        at,
        images,
        fingerprint: pairs::Fingerprint::of_imported(&body.markdown, &body.tables),
        text,
        imported: Imported {
            file: file.clone(),
            source: source.shown.clone(),
            id: post.id,
            title,
            notes,
        },
        file,
    })
}

/// Takes out of an export that holds several languages (a translation plugin's) the items in
/// other languages than `locale`, listing them as skipped; returns the default language's, by
/// translation group, for pairing.
fn take_language(
    sources: &mut [Source],
    locale: &str,
    default: &str,
    skipped: &mut Vec<(PathBuf, String)>,
) -> BTreeMap<String, Post> {
    let mut defaults = BTreeMap::new();
    for source in sources {
        let mut kept = Vec::new();
        for post in std::mem::take(&mut source.posts) {
            let Some(item) = post.item.as_ref() else {
                kept.push(post);
                continue;
            };
            match item.language.as_deref() {
                Some(l) if l != locale => {
                    let with = if l == default {
                        "without --locale".to_string()
                    } else {
                        format!("with --locale {l}")
                    };
                    skipped.push((
                        source.shown.clone(),
                        format!(
                            "line {}: {} {} is in `{l}`: import it {with}",
                            item.line, item.post_type, post.id
                        ),
                    ));
                    if let (true, Some(group)) = (l == default, item.group.clone()) {
                        defaults.insert(group, post);
                    }
                }
                _ => kept.push(post),
            }
        }
        source.posts = kept;
    }
    defaults
}

/// What decides an article's folder: the map, its folders checked, and `--uncategorized`.
struct Folders<'a> {
    map: &'a map::Map,
    checked: &'a BTreeMap<u64, String>,
    uncategorized: Option<&'a str>,
}

/// The slug an article gets: WordPress's, made into a kbgen slug where it is not one.
fn slug_of(post: &Post, title: &str) -> String {
    let wp_slug = percent_decode(&post.slug);
    if is_slug(&wp_slug) {
        wp_slug
    } else {
        slugify(if wp_slug.is_empty() { title } else { &wp_slug })
    }
}

/// The folder of the post's `n`th category: the map's, else the export's terms'; with no
/// category, the `--uncategorized` folder.
fn folder_of(post: &Post, n: usize, ctx: &Folders) -> Option<String> {
    let Some(id) = post.categories.get(n) else {
        return ctx.uncategorized.map(str::to_string);
    };
    if ctx.map.categories.contains_key(id) {
        return ctx
            .checked
            .get(id)
            .cloned()
            .or_else(|| Some(ctx.map.categories[id].trim().trim_matches('/').to_string()));
    }
    let path = post.item.as_ref()?.categories.get(n)?;
    Some(categories::folder(path))
}

/// The first line (1-based) of a written file that shows `at`; Markdown's escapes (`\\[`,
/// `\\_`) do not count.
fn line_of(text: &str, at: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .find(|(_, l)| l.contains(at) || l.replace('\\', "").contains(at))
        .map(|(i, _)| i + 1)
}

/// The path of an absolute URL (`https://host/en/kb/x/` → `/en/kb/x/`), or a path as it is.
fn url_path(link: &str) -> Option<String> {
    let path = match link.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None if link.starts_with('/') => link,
        None => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    Some(path.to_string())
}

/// `%c3%a5` → `å`; what does not decode to UTF-8 is replaced, not dropped.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_from_the_current_folder() {
        let cwd = Path::new("/work/main");
        assert_eq!(
            shown(Path::new("/work/main/a/b.json"), cwd),
            Path::new("a/b.json")
        );
        assert_eq!(
            shown(Path::new("/work/shared/seeds/x.txt"), cwd),
            Path::new("../shared/seeds/x.txt")
        );
        assert_eq!(
            shown(Path::new("/tmp/x.json"), cwd),
            Path::new("/tmp/x.json")
        );
    }

    #[test]
    fn url_paths_and_percent_decoding() {
        assert_eq!(
            url_path("https://kunskap.websupport.se/en/kb/x/?a=b").as_deref(),
            Some("/en/kb/x/")
        );
        assert_eq!(url_path("/kb/x/").as_deref(), Some("/kb/x/"));
        assert_eq!(url_path("https://host").as_deref(), None);
        assert_eq!(percent_decode("e-post-%c3%a5"), "e-post-å");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
