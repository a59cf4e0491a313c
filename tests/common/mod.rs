//! Shared by the integration tests: copies of the shipped site to change and build.
#![allow(dead_code)]

use std::path::Path;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Everything a site root holds.
pub const SITE: &[&str] = &[
    "kbgen.yaml",
    "synonyms.yaml",
    "content",
    "locales",
    "templates",
    "static",
];

/// The shipped site's `items`, copied into a new temporary folder.
pub fn copy_of(items: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for item in items {
        copy(&Path::new(ROOT).join(item), &dir.path().join(item));
    }
    dir
}

/// The whole shipped site in a temporary folder.
pub fn copy_site() -> tempfile::TempDir {
    copy_of(SITE)
}

pub fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

pub fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

/// An element's text with its white space collapsed, as a reader sees it.
pub fn text(e: scraper::ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
