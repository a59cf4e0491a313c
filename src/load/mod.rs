//! Loading: every input of a build read from disk, the content tree and `static/` into raw,
//! unvalidated records, the other inputs (synonyms, shared server tables, Fluent files,
//! templates) as text.
//!
//! This step owns the file system walk (sorted, so the order never depends on the file
//! system), decoding (UTF-8, BOM, CRLF) and front-matter parsing. It knows nothing of URLs or
//! translations; `model` turns the content into the site, and the later steps take the rest
//! from `Sources` without reading anything again.

pub mod files;
pub mod frontmatter;

use crate::config::Config;
use crate::diag::yaml::yaml_error;
use crate::diag::{display_path, Code, Diagnostic, Diagnostics, Pos};
use frontmatter::FrontMatter;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

pub const CONTENT_DIR: &str = "content";
pub(crate) const STATIC_DIR: &str = "static";
pub(crate) const CATEGORY_FILE: &str = "_category.yaml";

#[derive(Debug, Default)]
pub struct Content {
    pub categories: Vec<RawCategory>,
    pub articles: Vec<RawArticle>,
    pub(crate) statics: StaticFiles,
    pub warnings: Vec<Diagnostic>,
}

/// A `_category.yaml` file.
#[derive(Debug, Clone)]
pub struct RawCategory {
    /// Relative to the site root, e.g. `content/email/_category.yaml`.
    pub file: PathBuf,
    /// The folder path under `content/`, e.g. `email/basic-settings`.
    pub key: String,
    pub data: CategoryFile,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFile {
    pub title: BTreeMap<String, String>,
    #[serde(default)]
    pub slug: BTreeMap<String, String>,
    #[serde(default)]
    pub description: BTreeMap<String, String>,
    #[serde(default)]
    pub order: Option<i64>,
}

/// One language file of an article.
#[derive(Debug, Clone)]
pub struct RawArticle {
    pub file: PathBuf,
    /// The category folder, e.g. `email/basic-settings`.
    pub category: String,
    /// The translation key: the path without the language, e.g. `email/basic-settings/email-protocols`.
    pub key: String,
    pub locale: String,
    pub front: FrontMatter,
    pub text: Text,
    /// Lines of the file before the body, to report body positions as file positions.
    pub(crate) body_line: usize,
}

impl RawArticle {
    /// The line of a top-level front-matter `field`, for errors about its value.
    pub(crate) fn field_pos(&self, field: &str) -> Pos {
        field_pos(self.text.yaml(), field, 1)
    }
}

/// An article file's text as loaded (no BOM, LF line ends), kept whole: its front matter and
/// its body are views into it, not copies (130 MB at 10,000 articles per language). Shared, so
/// that `kbgen serve` keeps an unchanged file's text from one rebuild to the next for free.
#[derive(Debug, Clone, Default)]
pub struct Text {
    all: Arc<String>,
    yaml: std::ops::Range<usize>,
    body: usize,
}

impl Text {
    /// The front matter's YAML, between the `---` fences.
    pub fn yaml(&self) -> &str {
        &self.all[self.yaml.clone()]
    }

    /// The Markdown after the closing fence.
    pub fn body(&self) -> &str {
        &self.all[self.body..]
    }

    /// Whether the whole texts are the same: at once when both are the same loaded text.
    pub fn same(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.all, &other.all) || self.all == other.all
    }

    /// Whether the bodies are the same: at once when both are the same loaded text.
    pub(crate) fn same_body(&self, other: &Text) -> bool {
        (Arc::ptr_eq(&self.all, &other.all) && self.body == other.body)
            || self.body() == other.body()
    }
}

/// The file line where `field:` starts in `yaml`, or the first YAML line.
pub(crate) fn field_pos(yaml: &str, field: &str, line_offset: usize) -> Pos {
    crate::diag::yaml::key_pos(yaml, field, 1, None)
        .unwrap_or(Pos::START)
        .below(line_offset)
}

/// Every file under `static/`, with the pixel size of the images among them.
#[derive(Debug, Default, Clone)]
pub(crate) struct StaticFiles {
    /// Paths relative to `static/`, `/`-separated, sorted.
    pub files: Vec<String>,
    pub(crate) image_sizes: BTreeMap<String, (u32, u32)>,
    /// Stylesheets and scripts by path, with the content-hashed name they are also published
    /// under (`style.css` → `style.3f2a9c1e.css`), so they can be cached for a year.
    pub(crate) hashed: BTreeMap<String, String>,
}

impl StaticFiles {
    pub fn contains(&self, rel: &str) -> bool {
        self.files.binary_search_by(|f| f.as_str().cmp(rel)).is_ok()
    }
}

/// Articles as last loaded, for `kbgen serve`'s rebuilds: a file whose size and modification
/// time are as they were, and that no watcher event has named since, is not read and parsed
/// again. At 10,000 articles per language that was 250 of a rebuild's 400 ms.
#[derive(Default)]
pub struct Cache {
    /// The locales the articles were loaded for: a file's language is checked against them.
    locales: Vec<String>,
    /// By path relative to the site root (as bytes: hashing a `Path` parses it).
    articles: FxHashMap<Vec<u8>, (Stamp, Arc<RawArticle>)>,
}

/// A file's size and modification time, taken before it is read: a change during the read
/// leaves a stamp that no longer matches, so the next load reads the file again.
type Stamp = (u64, SystemTime);

impl Cache {
    /// Forgets the file at `rel` (relative to the site root), for a watcher's event: file
    /// systems with coarse times can miss a quick second save.
    pub fn forget(&mut self, rel: &Path) {
        self.articles.remove(rel.as_os_str().as_encoded_bytes());
    }
}

/// Every input of a build, as read. Each part carries what could not be read, so the step
/// that makes sense of it reports that beside its own errors.
pub struct Sources {
    pub content: Result<Content, Diagnostics>,
    pub synonyms: Result<Option<files::File>, Diagnostic>,
    pub servers: Result<Option<files::File>, Diagnostic>,
    pub snippets: files::SnippetFiles,
    pub locales: Vec<files::LocaleFiles>,
    pub templates: files::TemplateFiles,
    /// The date review dates are compared with (`today`).
    pub today: Result<frontmatter::Date, Diagnostic>,
}

/// Reads every input of the site in `root`; with `cache`, unchanged articles come from it.
pub fn sources(root: &Path, config: &Config, cache: Option<&mut Cache>) -> Sources {
    Sources {
        content: match cache {
            Some(cache) => content_cached(root, config, cache),
            None => content(root, config),
        },
        synonyms: files::optional(root, files::SYNONYMS_FILE),
        servers: files::optional(root, files::SERVERS_FILE),
        snippets: files::snippets(root),
        locales: files::locales(root, config),
        templates: files::templates(root),
        today: today(),
    }
}

/// The environment variable that fixes "today", as reproducible-builds.org defines it.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// Today's date (UTC), which review dates are compared with and `kbgen new` writes:
/// `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC) when it is set, else the system clock's.
/// With it, the same input gives byte-identical files on any day.
pub fn today() -> Result<frontmatter::Date, Diagnostic> {
    let secs = match std::env::var_os(SOURCE_DATE_EPOCH) {
        // Empty is unset, as in the shell's `${SOURCE_DATE_EPOCH:-…}`.
        Some(value) if !value.is_empty() => {
            let value = value.to_string_lossy();
            // Digits only, as `date +%s` prints them (`parse` alone would take a `+`).
            let secs = value.bytes().all(|b| b.is_ascii_digit());
            let secs = secs.then(|| value.parse::<u64>().ok()).flatten();
            secs.ok_or_else(|| {
                Diagnostic::error(
                    Code::EnvironmentInvalid,
                    SOURCE_DATE_EPOCH,
                    Pos::START,
                    format!(
                        "{SOURCE_DATE_EPOCH} is `{}`, not a number of seconds since 1970",
                        value.escape_debug()
                    ),
                )
                .hint("set it to the seconds since 1970-01-01 UTC, as `date +%s` prints them, or unset it")
            })?
        }
        _ => SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX);
    Ok(frontmatter::Date::from_days(days))
}

pub fn content(root: &Path, config: &Config) -> Result<Content, Diagnostics> {
    load_content(root, config, None)
}

/// As `content`, taking unchanged articles from `cache`, which then holds this load's.
pub fn content_cached(
    root: &Path,
    config: &Config,
    cache: &mut Cache,
) -> Result<Content, Diagnostics> {
    let locales: Vec<String> = config.locales.iter().map(|l| l.code.clone()).collect();
    if cache.locales != locales {
        *cache = Cache {
            locales,
            ..Cache::default()
        };
    }
    let next = Mutex::new(FxHashMap::default());
    let content = load_content(root, config, Some((cache, &next)));
    cache.articles = next.into_inner().expect("no panic while held");
    content
}

/// The previous load's articles, and this load's as they are found.
type Reuse<'a> = (
    &'a Cache,
    &'a Mutex<FxHashMap<Vec<u8>, (Stamp, Arc<RawArticle>)>>,
);

fn load_content(
    root: &Path,
    config: &Config,
    reuse: Option<Reuse>,
) -> Result<Content, Diagnostics> {
    let mut diags = Diagnostics::default();
    let content_root = root.join(CONTENT_DIR);
    let locales: Vec<&str> = config.locales.iter().map(|l| l.code.as_str()).collect();
    // Files are loaded on all threads as the walk (on one) finds them, then put back in walk
    // order.
    let loaded = Mutex::new(Vec::new());
    rayon::scope(|s| {
        let walk = walkdir::WalkDir::new(&content_root)
            .sort_by_file_name()
            .follow_links(false);
        for (i, entry) in walk.into_iter().enumerate() {
            let (loaded, locales) = (&loaded, &locales);
            s.spawn(move |_| {
                if let Some(f) = found(root, entry, locales, reuse) {
                    loaded.lock().expect("no panic while held").push((i, f));
                }
            });
        }
    });
    let mut loaded = loaded.into_inner().expect("no panic while held");
    loaded.par_sort_unstable_by_key(|(i, _)| *i);

    let mut out = Content::default();
    for (_, f) in loaded {
        match f {
            Found::Category(Ok(c)) => out.categories.push(c),
            Found::Article(Ok(a)) => out.articles.push(a),
            Found::Category(Err(d)) | Found::Article(Err(d)) | Found::Problem(d) => diags.push(d),
        }
    }
    match statics(root) {
        Ok(s) => out.statics = s,
        Err(d) => diags.extend(d.0),
    }
    out.warnings = diags.check()?.0;
    Ok(out)
}

/// What the walk of content/ found at one entry.
// Nearly every entry is an article, so a smaller variant wastes little room, while a box
// would cost every article an allocation.
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every entry is the largest variant, an article"
)]
enum Found {
    Category(Result<RawCategory, Diagnostic>),
    Article(Result<RawArticle, Diagnostic>),
    /// A file or link that does not belong there, or one that cannot be read.
    Problem(Diagnostic),
}

/// Loads the entry of content/ that the walk found, if it is a file.
fn found(
    root: &Path,
    entry: walkdir::Result<walkdir::DirEntry>,
    locales: &[&str],
    reuse: Option<Reuse>,
) -> Option<Found> {
    let entry = match entry {
        Ok(e) => e,
        Err(e) => {
            let p = e
                .path()
                .map(|p| rel(root, p))
                .unwrap_or_else(|| CONTENT_DIR.into());
            return Some(Found::Problem(Diagnostic::error(
                Code::ReadFailed,
                p,
                Pos::START,
                format!("cannot read: {e}"),
            )));
        }
    };
    let path = entry.path();
    let relp = rel(root, path);
    let name = entry.file_name().to_string_lossy();
    if entry.path_is_symlink() {
        return Some(Found::Problem(
            Diagnostic::error(
                Code::SymbolicLink,
                relp,
                Pos::START,
                "symbolic links are not followed in content/",
            )
            .hint("copy the file into content/ instead of linking to it"),
        ));
    }
    if entry.file_type().is_dir() || name.starts_with('.') {
        return None;
    }
    Some(if name == CATEGORY_FILE {
        Found::Category(load_category(root, &relp))
    } else if name.ends_with(".md") {
        Found::Article(match reuse {
            None => load_article(root, &relp, locales),
            Some(reuse) => reuse_article(root, &entry, relp, locales, reuse),
        })
    } else {
        Found::Problem(
            Diagnostic::warning(
                Code::FileIgnored,
                relp,
                Pos::START,
                "ignored: not an article (`<key>.<locale>.md`) or `_category.yaml`",
            )
            .hint("images and downloads belong in static/"),
        )
    })
}

/// The article at `relp` from the previous load if its file is unchanged, else loaded; kept
/// for the next load either way.
fn reuse_article(
    root: &Path,
    entry: &walkdir::DirEntry,
    relp: PathBuf,
    locales: &[&str],
    (old, next): Reuse,
) -> Result<RawArticle, Diagnostic> {
    let stamp = entry
        .metadata()
        .ok()
        .and_then(|m| Some((m.len(), m.modified().ok()?)));
    let key = relp.as_os_str().as_encoded_bytes();
    let article = match (stamp, old.articles.get(key)) {
        (Some(now), Some((then, article))) if now == *then => Arc::clone(article),
        _ => Arc::new(load_article(root, &relp, locales)?),
    };
    let owned = RawArticle::clone(&article);
    if let Some(stamp) = stamp {
        next.lock()
            .expect("no panic while held")
            .insert(key.to_vec(), (stamp, article));
    }
    Ok(owned)
}

fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

/// Reads a text file as writers save it: UTF-8, maybe with a BOM, maybe with CRLF endings.
pub(crate) fn read_text(root: &Path, file: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(file)).map_err(|e| {
        Diagnostic::error(
            Code::ReadFailed,
            file,
            Pos::START,
            format!("cannot read: {e}"),
        )
    })?;
    let text = match simdutf8::basic::from_utf8(&bytes) {
        // SAFETY: the bytes were just checked to be UTF-8.
        Ok(_) => Ok(unsafe { String::from_utf8_unchecked(bytes) }),
        // std's check again, for where the file goes wrong.
        Err(_) => String::from_utf8(bytes),
    };
    let text = text.map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let good = String::from_utf8_lossy(good);
        Diagnostic::error(
            Code::NotUtf8,
            file,
            Pos::of_offset(&good, good.len()),
            "the file is not valid UTF-8",
        )
        .hint("save the file as UTF-8 in your editor")
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}

fn load_category(root: &Path, file: &Path) -> Result<RawCategory, Diagnostic> {
    let text = read_text(root, file)?;
    let name = display_path(file);
    let data: CategoryFile =
        frontmatter::parse_value(&text).map_err(|e| yaml_error(&name, &text, 0, &e))?;
    let key = display_path(
        file.parent()
            .and_then(|p| p.strip_prefix(CONTENT_DIR).ok())
            .unwrap_or(Path::new("")),
    );
    Ok(RawCategory {
        file: file.to_path_buf(),
        key,
        data,
        text,
    })
}

fn load_article(root: &Path, file: &Path, locales: &[&str]) -> Result<RawArticle, Diagnostic> {
    let name = display_path(file);
    let stem = file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".md"))
        .unwrap_or("");
    let Some((key_name, locale)) = stem.rsplit_once('.').filter(|(_, l)| locales.contains(l))
    else {
        return Err(Diagnostic::error(
            Code::ArticleNoLocale,
            file,
            Pos::START,
            format!(
                "`{}` does not name its language",
                file.file_name().unwrap_or_default().to_string_lossy()
            ),
        )
        .hint(format!(
            "name article files `<key>.<locale>.md` with a configured locale ({})",
            locales.join(", ")
        )));
    };
    let text = read_text(root, file)?;
    let split = frontmatter::split(&text).map_err(|(pos, msg, hint)| {
        Diagnostic::error(Code::FrontMatterMissing, file, pos, msg)
            .hint(hint)
            .with_source(&text)
    })?;
    let front = frontmatter::parse(split.yaml)
        .map_err(|e| yaml_error(&name, split.yaml, split.yaml_line, &e))?;
    let category = display_path(
        file.parent()
            .and_then(|p| p.strip_prefix(CONTENT_DIR).ok())
            .unwrap_or(Path::new("")),
    );
    let key = if category.is_empty() {
        key_name.to_string()
    } else {
        format!("{category}/{key_name}")
    };
    // Both are slices of `text`: the YAML right after the opening fence, the body its end.
    let yaml = "---\n".len()..("---\n".len() + split.yaml.len());
    let body = text.len() - split.body.len();
    let body_line = split.body_line;
    Ok(RawArticle {
        file: file.to_path_buf(),
        category,
        key,
        locale: locale.to_string(),
        front,
        text: Text {
            all: Arc::new(text),
            yaml,
            body,
        },
        body_line,
    })
}

fn statics(root: &Path) -> Result<StaticFiles, Diagnostics> {
    let dir = root.join(STATIC_DIR);
    let mut out = StaticFiles::default();
    let mut diags = Diagnostics::default();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.path_is_symlink() => diags.push(Diagnostic::error(
                Code::SymbolicLink,
                rel(root, e.path()),
                Pos::START,
                "symbolic links are not followed in static/",
            )),
            Ok(e) if e.file_type().is_file() => {
                let r = display_path(e.path().strip_prefix(&dir).unwrap_or(e.path()));
                if r.ends_with(".css") || r.ends_with(".js") {
                    match std::fs::read(e.path()) {
                        Ok(bytes) => {
                            out.hashed.insert(r.clone(), hashed_name(&r, &bytes));
                        }
                        Err(err) => diags.push(Diagnostic::error(
                            Code::ReadFailed,
                            rel(root, e.path()),
                            Pos::START,
                            format!("cannot read: {err}"),
                        )),
                    }
                }
                if is_image(&r) {
                    if let Ok(size) = imagesize::size(e.path()) {
                        out.image_sizes
                            .insert(r.clone(), (size.width as u32, size.height as u32));
                    }
                }
                out.files.push(r);
            }
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::error(
                Code::ReadFailed,
                STATIC_DIR,
                Pos::START,
                format!("cannot read: {e}"),
            )),
        }
    }
    out.files.sort();
    diags.check().map(|_| out)
}

/// FNV-1a: a stable content hash (not a security one) for file names and translation marks.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `css/site.css` with its content's FNV-1a hash: `css/site.1a2b3c4d.css`.
fn hashed_name(path: &str, bytes: &[u8]) -> String {
    let hash = fnv1a(bytes);
    let short = format!("{:08x}", (hash >> 32) ^ (hash & 0xffff_ffff));
    match path.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{path}.{short}"),
    }
}

fn is_image(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Any bytes read as std's check reads them: the text, or the error at the same place.
        #[test]
        fn reads_text_as_std_checks_it(bytes in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\n', 0xC3, 0xA5, 0x80, 0xE2, 0xFF, 0xEF, 0xBB, 0xBF]), 0..80)) {
            let dir = tempfile::tempdir().expect("temporary folder");
            std::fs::write(dir.path().join("a.md"), &bytes).expect("writable");
            let read = super::read_text(dir.path(), std::path::Path::new("a.md"));
            match String::from_utf8(bytes) {
                Ok(text) => proptest::prop_assert_eq!(read.ok(), Some(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())),
                Err(e) => {
                    let good = String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]).into_owned();
                    let d = read.expect_err("not UTF-8");
                    let at = crate::diag::Pos::of_offset(&good, good.len());
                    proptest::prop_assert_eq!((d.line, d.column), (at.line, at.column));
                }
            }
        }
    }
}
