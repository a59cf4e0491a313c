//! The floor: only the work no generator can avoid — read every article, parse its front
//! matter, render its Markdown, write one file per page — in parallel, with nothing else
//! (no templates, no localisation, no categories, no index). kbgen's full build is measured
//! against it by bench/compare.sh.
//!
//! Each page goes where its URL puts it, as in kbgen's output and Hugo's: `kb/<slug>/index.html`
//! (`en/kb/<slug>/index.html` for English), so a folder per page, as any generator of
//! `/kb/<slug>/` URLs must make for a static host to serve them.
//!
//! `cargo run --release --example floor -- CONTENT_DIR OUTPUT_DIR`

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (content, out) = match args.as_slice() {
        [_, c, o] => (PathBuf::from(c), PathBuf::from(o)),
        _ => {
            eprintln!("usage: floor CONTENT_DIR OUTPUT_DIR");
            std::process::exit(2);
        }
    };
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let written: usize = files.par_iter().map(|f| page(&out, f)).sum();
    eprintln!("floor: {written} pages from {} files", files.len());
}

fn page(out: &Path, file: &Path) -> usize {
    let text = std::fs::read_to_string(file).expect("readable");
    let Some(rest) = text.strip_prefix("---\n") else {
        return 0;
    };
    let Some(end) = rest.find("\n---\n") else {
        return 0;
    };
    let front: kbgen::load::frontmatter::FrontMatter =
        serde_yaml::from_str(&rest[..end + 1]).expect("valid front matter");
    let body = &rest[end + 5..];
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    let mut page = String::with_capacity(body.len() * 2);
    page.push_str("<!DOCTYPE html><title>");
    page.push_str(&front.title);
    page.push_str("</title>");
    html::push_html(&mut page, Parser::new_ext(body, options));
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let prefix = if name.ends_with(".en.md") {
        "en/kb"
    } else {
        "kb"
    };
    let slug = front
        .slug
        .clone()
        .unwrap_or_else(|| kbgen::model::slugify(&front.title));
    let dir = out.join(prefix).join(slug);
    std::fs::create_dir_all(&dir).expect("writable");
    std::fs::write(dir.join("index.html"), page).expect("writable");
    1
}
