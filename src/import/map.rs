//! The mapping file: WordPress category and tag ids to kbgen category folders and tag words.
//!
//! ```yaml
//! categories: { 400: email/basic-settings }   # category id -> folder under content/
//! tags: { 399: e-post }                        # tag id -> tag word
//! ```

use crate::diag::yaml::yaml_error;
use crate::diag::{Code, Diagnostic, Pos};
use crate::load::frontmatter::parse_value;
use crate::load::{CATEGORY_FILE, CONTENT_DIR};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) const DEFAULT_MAP_FILE: &str = "wordpress-map.yaml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Map {
    #[serde(default)]
    pub categories: BTreeMap<u64, String>,
    #[serde(default)]
    pub tags: BTreeMap<u64, String>,
    /// The file as shown in messages, and its text, for positions.
    #[serde(skip)]
    pub shown: PathBuf,
    #[serde(skip)]
    pub text: String,
}

const EXAMPLE: &str = "categories: { 400: email/basic-settings }  # WordPress category id -> folder under content/\ntags: { 399: e-post }  # WordPress tag id -> tag word";

pub fn load(path: &Path, shown: PathBuf) -> Result<Map, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(Code::ReadFailed, &shown, Pos::START, format!("cannot read the WordPress map: {e}")).hint(
            format!(
                "write it (default: {DEFAULT_MAP_FILE} in the site root, or pass --map FILE), e.g.\n{EXAMPLE}"
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let mut map: Map = if text.trim().is_empty() {
        Map::default()
    } else {
        parse_value(&text)
            .map_err(|e| yaml_error(&crate::diag::display_path(&shown), &text, 0, &e))?
    };
    map.shown = shown;
    map.text = text;
    Ok(map)
}

/// A relative folder path under content/: segments that are not empty, `.`, `..` or hold `\\`.
pub(crate) fn is_folder_path(folder: &str) -> bool {
    !folder.is_empty()
        && !folder
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\'))
}

impl Map {
    /// Where `id:` is written under `section`, for messages about that entry.
    pub(crate) fn pos_of(&self, section: &str, id: u64) -> Pos {
        let key = format!("{id}:");
        let start = self
            .text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{section}:")))
            .unwrap_or(0);
        self.text
            .lines()
            .enumerate()
            .skip(start)
            .find_map(|(i, l)| {
                l.find(&key)
                    .filter(|&c| c == 0 || !l.as_bytes()[c - 1].is_ascii_digit())
                    .map(|c| Pos::new(i + 1, l[..c].chars().count() + 1))
            })
            .unwrap_or(Pos::START)
    }

    /// The category folder of `id` checked: a relative path under content/ holding a
    /// `_category.yaml`.
    pub(crate) fn category_folder(&self, root: &Path, id: u64) -> Result<String, Diagnostic> {
        let raw = &self.categories[&id];
        let folder = raw.trim().trim_matches('/');
        let err = |msg: String| {
            Diagnostic::error(
                Code::ImportInvalid,
                &self.shown,
                self.pos_of("categories", id),
                msg,
            )
            .with_source(&self.text)
        };
        if !is_folder_path(folder) {
            return Err(err(format!(
                "category {id} is mapped to `{raw}`, which is not a folder path under {CONTENT_DIR}/"
            ))
            .hint("write the category's folder under content/, e.g. `email/basic-settings`"));
        }
        if !root
            .join(CONTENT_DIR)
            .join(folder)
            .join(CATEGORY_FILE)
            .is_file()
        {
            return Err(err(format!(
                "category {id} is mapped to `{folder}`, but {CONTENT_DIR}/{folder}/{CATEGORY_FILE} does not exist"
            ))
            .hint(format!(
                "create {CONTENT_DIR}/{folder}/{CATEGORY_FILE} with the category's titles, or map the id to an existing category"
            )));
        }
        Ok(folder.to_string())
    }
}
