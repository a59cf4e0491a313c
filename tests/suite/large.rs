//! Large and odd sites build, or fail with a clear message, within memory proportional to
//! the content: a 5 MB article, 50,000 articles in one category, a category tree ten levels
//! deep.
//!
//! Each test starts from the `bare` fixture (no content) and writes its own.

use crate::harness::{Run, Site, BIN};
use std::path::Path;
use std::process::Command;

fn category(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("_category.yaml"),
        format!("title: {{ sv: {name}, en: {name} }}\n"),
    )
    .unwrap();
}

/// Builds and returns the peak resident memory in KiB (from /proc, as `time -v` reports it).
/// The binary runs under a shell that reads its peak as it goes, so it is started here, not by
/// the harness.
fn build(root: &Path) -> u64 {
    let out = Run::of(Command::new("/usr/bin/env")
        .arg("bash")
        .arg("-c")
        .arg(format!(
            "{} build --root '{}' --output '{}/public' & pid=$!; peak=0; while kill -0 $pid 2>/dev/null; do v=$(grep VmHWM /proc/$pid/status 2>/dev/null | tr -dc 0-9); [ -n \"$v\" ] && peak=$v; sleep 0.05; done; wait $pid; code=$?; echo $peak; exit $code",
            BIN,
            root.display(),
            root.display()
        )))
    .ok();
    out.stdout.trim().parse().unwrap_or(0)
}

#[test]
fn a_five_megabyte_article_builds() {
    let dir = Site::fixture("bare");
    let root = dir.root();
    category(&root.join("content/big"), "Stor");
    let paragraph = "Det här är en lång text om e-post, lösenord och servrar. ".repeat(20) + "\n\n";
    let mut body = String::new();
    let mut n = 0;
    while body.len() < 5 * 1024 * 1024 {
        n += 1;
        body.push_str(&format!("## Avsnitt {n}\n\n"));
        body.push_str(&paragraph);
    }
    std::fs::write(
        root.join("content/big/huge.sv.md"),
        format!("---\ntitle: Enorm\nupdated: 2024-01-01\n---\n\n{body}"),
    )
    .unwrap();
    let peak = build(root);
    let page = std::fs::metadata(root.join("public/kb/enorm/index.html"))
        .unwrap()
        .len();
    assert!(page > 5 * 1024 * 1024);
    // A few copies of the article, not hundreds.
    assert!(peak < 400 * 1024, "peak {peak} KiB for a 5 MiB article");
}

#[test]
fn fifty_thousand_articles_in_one_category_and_ten_levels_of_categories() {
    let dir = Site::fixture("bare");
    let root = dir.root();
    let mut deep = root.join("content");
    for level in 1..=10 {
        deep = deep.join(format!("level-{level}"));
        category(&deep, &format!("Nivå {level}"));
    }
    std::fs::write(
        deep.join("bottom.sv.md"),
        "---\ntitle: Längst ner\nupdated: 2024-01-01\n---\n\nText.\n",
    )
    .unwrap();
    let many = root.join("content/many");
    category(&many, "Många");
    for i in 0..50_000 {
        std::fs::write(
            many.join(format!("a{i}.sv.md")),
            format!("---\ntitle: Artikel {i}\nupdated: 2024-01-01\n---\n\nText {i}.\n"),
        )
        .unwrap();
    }
    let peak = build(root);
    let bottom = std::fs::read_to_string(root.join("public/kb/langst-ner/index.html")).unwrap();
    // Breadcrumbs: home, ten levels, the article.
    assert!(bottom.matches("<li>").count() >= 12);
    assert!(bottom.contains("Nivå 10"));
    let listing = std::fs::read_to_string(root.join("public/manga/index.html")).unwrap();
    assert_eq!(listing.matches("href=\"/kb/artikel-").count(), 50_000);
    assert!(
        peak < 1024 * 1024,
        "peak {peak} KiB for 50,000 small articles"
    );
}
