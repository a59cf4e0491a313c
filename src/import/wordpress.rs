//! Reading WordPress REST API JSON: the articles of the Heroic Knowledge Base
//! (`/wp-json/wp/v2/ht-kb/<id>`) with Yoast's metadata, one object or an array per file.

use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The fields of an article the import uses; the API sends many more, which are ignored.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Post {
    pub id: u64,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub status: Option<String>,
    /// Local time of the last change, `2024-07-02T16:09:31`.
    pub modified: String,
    #[serde(default)]
    pub link: Option<String>,
    pub title: Rendered,
    pub content: Rendered,
    #[serde(default)]
    pub excerpt: Option<Rendered>,
    #[serde(rename = "ht-kb-category", default)]
    pub categories: Vec<u64>,
    #[serde(rename = "ht-kb-tag", default)]
    pub tags: Vec<u64>,
    #[serde(default)]
    pub(crate) yoast_head_json: Option<Yoast>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Rendered {
    #[serde(default)]
    pub rendered: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Yoast {
    #[serde(default)]
    pub description: Option<String>,
}

/// One input file and the articles in it.
#[derive(Debug)]
pub(crate) struct Source {
    /// As shown in messages: relative to the current folder when it is under it.
    pub shown: PathBuf,
    pub(crate) posts: Vec<Post>,
}

/// Expands folders (their `*.json` and `*.txt` files, sorted) and reads every file; every
/// problem is collected. Returns the sources and the files skipped (with why).
pub(crate) fn read_inputs(
    inputs: &[PathBuf],
    cwd: &Path,
    diags: &mut Diagnostics,
) -> (Vec<Source>, Vec<(PathBuf, String)>) {
    let shown = |p: &Path| super::shown(p, cwd);
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = match std::fs::read_dir(input) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.is_file()
                            && p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                                x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("txt")
                            })
                    })
                    .collect(),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        Code::ReadFailed,
                        shown(input),
                        Pos::START,
                        format!("cannot read the folder: {e}"),
                    ));
                    continue;
                }
            };
            found.sort();
            if found.is_empty() {
                diags.push(
                    Diagnostic::error(
                        Code::ImportInvalid,
                        shown(input),
                        Pos::START,
                        "the folder has no .json or .txt files",
                    )
                    .hint(
                        "pass the JSON files the WordPress REST API returned, or a folder of them",
                    ),
                );
            }
            files.extend(found.into_iter().map(|f| (f, true)));
        } else {
            files.push((input.clone(), false));
        }
    }

    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    for (file, from_folder) in files {
        let shown = shown(&file);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Code::ReadFailed,
                    &shown,
                    Pos::START,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first = text.trim_start().chars().next();
        let posts = match first {
            Some('[') => serde_json::from_str::<Vec<Post>>(text),
            Some('{') => serde_json::from_str::<Post>(text).map(|p| vec![p]),
            _ if from_folder => {
                // A folder of seeds may hold page text beside the JSON.
                skipped.push((shown, "not a JSON document".to_string()));
                continue;
            }
            _ => serde_json::from_str::<Post>(text).map(|p| vec![p]),
        };
        match posts {
            Ok(posts) if posts.is_empty() => {
                skipped.push((shown, "an empty array".to_string()));
            }
            Ok(posts) => sources.push(Source { shown, posts }),
            Err(e) => diags.push(json_error(&shown, text, &e)),
        }
    }
    (sources, skipped)
}

/// A serde_json error at its line and column (columns in characters, as editors count).
fn json_error(file: &Path, text: &str, e: &serde_json::Error) -> Diagnostic {
    let line = e.line().max(1);
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    // serde_json counts bytes; the column is the byte the parser stopped at.
    let column = line_text
        .char_indices()
        .take_while(|(i, _)| *i < e.column())
        .count()
        .max(1);
    let raw = e.to_string();
    let message = match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw,
    };
    let hint = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            "the file is not valid JSON: save the API's answer exactly as it came".to_string()
        }
        _ => format!(
            "{} should hold an article as /wp-json/wp/v2/ht-kb/<id> returns it, or an array of them",
            super::show(file)
        ),
    };
    let mut d =
        Diagnostic::error(Code::ImportInvalid, file, Pos::new(line, column), message).hint(hint);
    // Exported JSON is often one long line: show it only when it is readable.
    if line_text.chars().count() <= 200 {
        d = d.with_source(text);
    }
    d
}
