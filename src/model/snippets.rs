//! Snippets: short Markdown passages kept once under `snippets/` (`contact-support.sv.md`,
//! `contact-support.en.md`) and included by name in any article with a
//! ```` ```snippet contact-support ```` block.
//!
//! This module names them and picks each locale's text (a locale without its own file shows
//! the first configured locale's that has one, with a warning); the Markdown renderer
//! includes them where articles ask, in the including page's language and context.

use super::Locale;
use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use crate::load::files::{File, SnippetFiles, SNIPPETS_DIR};
use crate::names::is_key;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Every snippet, by name (its path under `snippets/` without language and `.md`).
pub type Snippets = BTreeMap<String, Snippet>;

/// One snippet's text per locale.
#[derive(Debug, PartialEq)]
pub struct Snippet {
    /// Per locale, the text pages in that locale include: its own file's, or the first
    /// configured locale's that has one.
    pub texts: Vec<Arc<SnippetText>>,
}

/// One file of a snippet.
#[derive(Debug, PartialEq)]
pub struct SnippetText {
    /// Relative to the site root, e.g. `snippets/contact-support.sv.md`.
    pub file: PathBuf,
    pub text: String,
}

/// Names the snippet files and picks each locale's text; the warnings are locales a snippet
/// has no file for.
pub(crate) fn collect(
    files: SnippetFiles,
    locales: &[Locale],
    diags: &mut Diagnostics,
) -> Snippets {
    diags.extend(files.problems);
    let codes: Vec<&str> = locales.iter().map(|l| l.code.as_str()).collect();
    let mut by_name: BTreeMap<String, Vec<Option<Arc<SnippetText>>>> = BTreeMap::new();
    for File { path, text } in files.files {
        let rel = crate::diag::display_path(&path);
        let stem = rel
            .strip_prefix(&format!("{SNIPPETS_DIR}/"))
            .and_then(|r| r.strip_suffix(".md"))
            .unwrap_or("");
        let Some((name, locale)) = stem
            .rsplit_once('.')
            .and_then(|(name, code)| Some((name, codes.iter().position(|c| *c == code)?)))
        else {
            diags.push(
                Diagnostic::error(
                    Code::SnippetNoLocale,
                    &path,
                    Pos::START,
                    format!("`{rel}` does not name its language"),
                )
                .hint(format!(
                    "name snippet files `<name>.<locale>.md` with a configured locale ({})",
                    codes.join(", ")
                )),
            );
            continue;
        };
        if !name.split('/').all(is_key) {
            diags.push(
                Diagnostic::error(
                    Code::SnippetNameInvalid,
                    &path,
                    Pos::START,
                    format!("`{}` cannot be the name of a snippet", name.escape_debug()),
                )
                .hint("a name is words of a-z, 0-9, `-` and `_` between `/`, such as `contact-support`"),
            );
            continue;
        }
        let texts = by_name
            .entry(name.to_string())
            .or_insert_with(|| vec![None; codes.len()]);
        texts[locale] = Some(Arc::new(SnippetText { file: path, text }));
    }
    by_name
        .into_iter()
        .map(|(name, own)| {
            let first = own.iter().flatten().next().cloned().expect("a file per snippet");
            let texts = own
                .iter()
                .zip(&codes)
                .map(|(text, code)| match text {
                    Some(t) => Arc::clone(t),
                    None => {
                        diags.push(
                            Diagnostic::warning(
                                Code::SnippetUntranslated,
                                &first.file,
                                Pos::START,
                                format!(
                                    "the snippet `{name}` has no `{code}` file: pages in `{code}` show this one"
                                ),
                            )
                            .hint(format!("translate it into {SNIPPETS_DIR}/{name}.{code}.md")),
                        );
                        Arc::clone(&first)
                    }
                })
                .collect();
            (name, Snippet { texts })
        })
        .collect()
}
