//! Commands that write content for writers and translators: `kbgen new` starts an article in
//! every locale, `kbgen translated` records that a translation matches its source.

use crate::diag::{display_path, Code, Diagnostic, Diagnostics, Pos};
use crate::load::frontmatter::Date;
use crate::load::{CATEGORY_FILE, CONTENT_DIR};
use crate::names::is_slug;
use std::path::{Path, PathBuf};

/// `kbgen new <category path>/<key>`: the article's file for every locale, front matter filled
/// in: `updated: <today>` and, when given one (`git_user_name`), `owner`. Returns the files
/// written.
pub fn new_article(
    root: &Path,
    path: &str,
    today: Date,
    owner: Option<&str>,
) -> Result<Vec<PathBuf>, Diagnostics> {
    let config = crate::config::load(root)?;
    let path = path.trim_matches('/');
    let (category, key) = path.rsplit_once('/').unwrap_or(("", path));
    let arg = |msg: String| {
        Diagnostic::error(
            Code::ArgumentInvalid,
            PathBuf::from(CONTENT_DIR).join(path),
            Pos::START,
            msg,
        )
    };
    if !is_slug(key) {
        return Err(arg(format!("`{key}` cannot be an article key"))
            .hint("a key is lower-case a-z, 0-9 and dashes, such as `change-password`")
            .into());
    }
    let dir = root.join(CONTENT_DIR).join(category);
    if category.is_empty()
        || !category.split('/').all(is_slug)
        || !dir.join(CATEGORY_FILE).is_file()
    {
        let known = categories(root);
        let hint = match crate::diag::nearest(category, &known, |c| c, 3) {
            Some(c) => format!("did you mean `{c}/{key}`?"),
            None => format!("the categories are: {}", known.join(", ")),
        };
        return Err(arg(format!("`{category}` is not a category"))
            .hint(hint)
            .into());
    }
    let files: Vec<PathBuf> = config
        .locales
        .iter()
        .map(|l| {
            PathBuf::from(CONTENT_DIR)
                .join(category)
                .join(format!("{key}.{}.md", l.code))
        })
        .collect();
    let content = root.join(CONTENT_DIR);
    if let Some(f) = files
        .iter()
        .find(|f| !crate::paths::is_inside(&content, &root.join(f)))
    {
        return Err(arg(format!(
            "{} would be written outside {CONTENT_DIR}/ (a folder on its way is a symbolic link)",
            display_path(f)
        ))
        .hint("kbgen writes articles only inside the site's content/ folder")
        .into());
    }
    let existing: Vec<Diagnostic> = files
        .iter()
        .filter(|f| root.join(f).exists())
        .map(|f| {
            Diagnostic::error(
                Code::ArticleExists,
                f,
                Pos::START,
                "the article already exists",
            )
            .hint("choose another key, or edit the file")
        })
        .collect();
    if !existing.is_empty() {
        return Err(Diagnostics(existing));
    }
    // A JSON string is a YAML double-quoted one: any name, quotes and backslashes included.
    let owner = owner.map_or(String::new(), |o| {
        format!("owner: {}\n", serde_json::Value::from(o))
    });
    for f in &files {
        let text = format!(
            "---\ntitle: \"{}\"\nupdated: {today}\ndescription: \"\"\n{owner}---\n\n",
            title_from_key(key)
        );
        std::fs::write(root.join(f), text).map_err(|e| {
            Diagnostic::error(
                Code::WriteFailed,
                f,
                Pos::START,
                format!("cannot write: {e}"),
            )
        })?;
    }
    Ok(files)
}

/// "change-password" → "Change password": a placeholder the writer will replace.
fn title_from_key(key: &str) -> String {
    let words = key.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn categories(root: &Path) -> Vec<String> {
    let base = root.join(CONTENT_DIR);
    let mut out: Vec<String> = walkdir::WalkDir::new(&base)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == CATEGORY_FILE)
        .filter_map(|e| {
            e.path()
                .parent()?
                .strip_prefix(&base)
                .ok()
                .map(display_path)
        })
        .collect();
    out.sort();
    out
}

/// `kbgen translated FILE…`: records in each translation the hash of its source-language
/// file, so `kbgen check` can tell when the source changes again. Returns `(file, hash)`.
pub fn mark_translated(
    root: &Path,
    files: &[PathBuf],
) -> Result<Vec<(PathBuf, String)>, Diagnostics> {
    let inputs = crate::load(root)?;
    let site = &inputs.site;
    let mut done = Vec::new();
    let mut errors = Diagnostics::default();
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(f);
        let Some(a) = site.articles.iter().find(|a| a.file == rel) else {
            errors.push(
                Diagnostic::error(
                    Code::NotATranslation,
                    rel,
                    Pos::START,
                    "not an article of this site",
                )
                .hint("name an article file under content/, e.g. content/email/x.en.md"),
            );
            continue;
        };
        if a.locale == 0 {
            errors.push(
                Diagnostic::error(
                    Code::NotATranslation,
                    rel,
                    Pos::START,
                    "this is the source language; only translations are marked",
                )
                .hint("run it on the other languages' files"),
            );
            continue;
        }
        let Some(source) = a.translations[0] else {
            errors.push(Diagnostic::error(
                Code::NotATranslation,
                rel,
                Pos::START,
                format!("no {} file to be a translation of", site.locales[0].code),
            ));
            continue;
        };
        let hash = site.articles[source].content_hash();
        match set_field(&root.join(rel), "source_hash", &hash) {
            Ok(()) => done.push((rel.to_path_buf(), hash)),
            Err(e) => errors.push(Diagnostic::error(
                Code::WriteFailed,
                rel,
                Pos::START,
                format!("cannot write: {e}"),
            )),
        }
    }
    errors.check()?;
    Ok(done)
}

/// Sets a top-level front-matter field, replacing its line or adding one before the closing
/// `---`, and leaves every other byte of the file as it was.
fn set_field(path: &Path, field: &str, value: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = format!("{field}: {value}{newline}");
    let close = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == "---")
        .map(|i| i + 1)
        .ok_or_else(|| std::io::Error::other("the front matter has no closing ---"))?;
    match lines[..close]
        .iter()
        .position(|l| l.starts_with(&format!("{field}:")))
    {
        Some(i) => lines[i] = &line,
        None => lines.insert(close, &line),
    }
    std::fs::write(path, lines.concat())
}

/// The name in `git config user.name`, as run in `root` (so a repository's own setting
/// counts), for a new article's `owner`; none without git, without the setting, or when it
/// is empty.
pub fn git_user_name(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["config", "user.name"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let name = String::from_utf8(out.stdout).ok()?;
    let name = name.trim();
    (out.status.success() && !name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_keys() {
        assert_eq!(title_from_key("change-password"), "Change password");
    }
}
