//! The site's inputs other than content, read whole as text: `synonyms.yaml`, `servers.yaml`,
//! the snippets, each locale's Fluent files and the theme's templates. Reading is all this does; the index,
//! the model, `localise` and the templates make sense of the text, so no later step touches
//! the disk.

use super::read_text;
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Pos};
use std::path::{Path, PathBuf};

pub(crate) const SYNONYMS_FILE: &str = "synonyms.yaml";
pub(crate) const SERVERS_FILE: &str = "servers.yaml";
pub(crate) const LOCALES_DIR: &str = "locales";
pub(crate) const SNIPPETS_DIR: &str = "snippets";
pub(crate) const TEMPLATES_DIR: &str = "templates";

/// A text file read whole.
#[derive(Debug, Clone)]
pub struct File {
    /// Relative to the site root, e.g. `locales/sv/main.ftl`.
    pub path: PathBuf,
    pub text: String,
}

/// One configured locale's Fluent files, in file-name order.
#[derive(Debug, Clone)]
pub struct LocaleFiles {
    pub code: String,
    pub folder: Folder,
    /// Why a file or the folder could not be read: the locale's errors too.
    pub unreadable: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
pub enum Folder {
    /// The `.ftl` files that could be read.
    Files(Vec<File>),
    /// A locale other than the default has no folder yet: a language being added.
    Missing,
    /// The folder could not be read (an error says why).
    Unreadable,
}

/// The theme: every file under `templates/`, by name relative to it (`partials/x.html`),
/// sorted.
#[derive(Debug, Clone, Default)]
pub struct TemplateFiles {
    pub files: Vec<(String, String)>,
    /// Why a file could not be read: the templates' errors too.
    pub unreadable: Vec<Diagnostic>,
}

/// A file of the site root that a site may leave out (`synonyms.yaml`, `servers.yaml`).
pub(crate) fn optional(root: &Path, name: &str) -> Result<Option<File>, Diagnostic> {
    if !root.join(name).is_file() {
        return Ok(None);
    }
    let path = PathBuf::from(name);
    Ok(Some(File {
        text: read_text(root, &path)?,
        path,
    }))
}

/// Every configured locale's `locales/<code>/*.ftl`.
pub(crate) fn locales(root: &Path, config: &Config) -> Vec<LocaleFiles> {
    config
        .locales
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut unreadable = Vec::new();
            let folder = locale_folder(root, &l.code, i == 0, &mut unreadable);
            LocaleFiles {
                code: l.code.clone(),
                folder,
                unreadable,
            }
        })
        .collect()
}

fn locale_folder(root: &Path, code: &str, default: bool, errors: &mut Vec<Diagnostic>) -> Folder {
    let rel_dir = format!("{LOCALES_DIR}/{code}");
    let mut names: Vec<String> = match std::fs::read_dir(root.join(&rel_dir)) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .map(|p| {
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !default => return Folder::Missing,
        Err(e) => {
            errors.push(
                Diagnostic::error(
                    Code::ReadFailed,
                    &rel_dir,
                    Pos::START,
                    format!("cannot read the locale folder: {e}"),
                )
                .hint(format!(
                    "every configured locale needs {rel_dir}/ with .ftl files"
                )),
            );
            return Folder::Unreadable;
        }
    };
    names.sort();
    Folder::Files(
        names
            .into_iter()
            .filter_map(|n| read(root, PathBuf::from(format!("{rel_dir}/{n}")), errors))
            .collect(),
    )
}

pub(crate) fn templates(root: &Path) -> TemplateFiles {
    let dir = root.join(TEMPLATES_DIR);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(Diagnostic::error(
                    Code::ReadFailed,
                    TEMPLATES_DIR,
                    Pos::START,
                    format!("cannot read templates: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name =
            crate::diag::display_path(entry.path().strip_prefix(&dir).unwrap_or(entry.path()));
        let path = PathBuf::from(TEMPLATES_DIR).join(&name);
        if let Some(f) = read(root, path, &mut errors) {
            out.push((name, f.text));
        }
    }
    TemplateFiles {
        files: out,
        unreadable: errors,
    }
}

/// The snippets: every `.md` file under `snippets/`, sorted by path (none when the site has no
/// such folder).
#[derive(Debug, Clone, Default)]
pub struct SnippetFiles {
    pub files: Vec<File>,
    /// Why a file could not be read, and the files that are not snippets.
    pub problems: Vec<Diagnostic>,
}

pub(crate) fn snippets(root: &Path) -> SnippetFiles {
    let dir = root.join(SNIPPETS_DIR);
    let mut out = SnippetFiles::default();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.problems.push(Diagnostic::error(
                    Code::ReadFailed,
                    SNIPPETS_DIR,
                    Pos::START,
                    format!("cannot read snippets: {e}"),
                ));
                continue;
            }
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let path = PathBuf::from(crate::diag::display_path(rel));
        if entry.depth() > 0 && entry.path_is_symlink() {
            out.problems.push(
                Diagnostic::warning(
                    Code::SymbolicLink,
                    &path,
                    Pos::START,
                    "a symbolic link, which kbgen does not follow",
                )
                .hint("put the snippet's file itself under snippets/"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if path.extension().is_none_or(|e| e != "md") {
            out.problems.push(
                Diagnostic::warning(
                    Code::FileIgnored,
                    &path,
                    Pos::START,
                    "not a snippet: snippets are `.md` files",
                )
                .hint("name snippet files `<name>.<locale>.md`"),
            );
            continue;
        }
        if let Some(f) = read(root, path, &mut out.problems) {
            out.files.push(f);
        }
    }
    out
}

fn read(root: &Path, path: PathBuf, errors: &mut Vec<Diagnostic>) -> Option<File> {
    match read_text(root, &path) {
        Ok(text) => Some(File { path, text }),
        Err(d) => {
            errors.push(d);
            None
        }
    }
}
