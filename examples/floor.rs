//! The floor: only the work no generator can avoid — read every article, parse its front
//! matter, render its Markdown, write one file per page — in parallel, with nothing else
//! (no templates, no localisation, no categories, no index). kbgen's full build is measured
//! against it by bench/compare.sh.
//!
//! Each page goes where its URL puts it, as in kbgen's output and Hugo's: `kb/<slug>/index.html`
//! (`en/kb/<slug>/index.html` for English), so a folder per page, as any generator of
//! `/kb/<slug>/` URLs must make for a static host to serve them. The folders are made the way
//! kbgen makes them: ahead of the pages, on a thread per language, so that no rendering thread
//! waits while a cold disk's metadata is read.
//!
//! `cargo run --release --example floor -- CONTENT_DIR OUTPUT_DIR`

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// An article read and its front matter parsed: its text, where the body starts, its title
/// and its page's folder.
struct Article {
    text: String,
    body: usize,
    title: String,
    english: bool,
    dir: PathBuf,
}

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
    let articles: Vec<Article> = files.par_iter().filter_map(|f| read(&out, f)).collect();
    let written: usize = std::thread::scope(|s| {
        for english in [false, true] {
            let articles = &articles;
            s.spawn(move || {
                for a in articles.iter().filter(|a| a.english == english) {
                    std::fs::create_dir_all(&a.dir).expect("writable");
                }
            });
        }
        articles.par_iter().map(write).sum()
    });
    eprintln!("floor: {written} pages from {} files", files.len());
}

fn read(out: &Path, file: &Path) -> Option<Article> {
    let text = std::fs::read_to_string(file).expect("readable");
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    let front: kbgen::load::frontmatter::FrontMatter =
        serde_yaml::from_str(&rest[..end + 1]).expect("valid front matter");
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let english = name.ends_with(".en.md");
    let prefix = if english { "en/kb" } else { "kb" };
    let slug = front
        .slug
        .clone()
        .unwrap_or_else(|| kbgen::names::slugify(&front.title));
    Some(Article {
        body: 4 + end + 5,
        title: front.title,
        english,
        dir: out.join(prefix).join(slug),
        text,
    })
}

fn write(a: &Article) -> usize {
    let body = &a.text[a.body..];
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    let mut page = String::with_capacity(body.len() * 2);
    page.push_str("<!DOCTYPE html><title>");
    page.push_str(&a.title);
    page.push_str("</title>");
    html::push_html(&mut page, Parser::new_ext(body, options));
    let file = a.dir.join("index.html");
    if std::fs::write(&file, &page).is_err() {
        // The folder thread has not come this far yet.
        std::fs::create_dir_all(&a.dir).expect("writable");
        std::fs::write(&file, page).expect("writable");
    }
    1
}
