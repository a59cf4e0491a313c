//! The shipped help site itself: the only tests that read the repository's content/. They say
//! whether what the writers committed builds and checks without errors, and nothing about how
//! many articles it has, so a writer's edit never changes them; every other test has a
//! fixture site.

use crate::harness::{kbgen, sel, Run, Site, ROOT};

#[test]
fn the_shipped_site_passes_check() {
    let out = Run::of(kbgen().args(["check", "--root", ROOT]));
    let stderr = &out.stderr;
    assert!(out.status.success(), "{stderr}");
    let summary = stderr.lines().last().unwrap_or_default();
    assert!(summary.starts_with("0 errors, "), "{stderr}");
    // The translation status follows, one line per other locale.
    assert!(out.stdout.starts_with("en: articles "), "{}", out.stdout);
}

#[test]
fn the_shipped_help_site_builds_and_its_seed_article_has_its_three_server_tables() {
    let site = Site::shipped();
    site.build().ok();
    for page in [
        "kb/e-postprotokoll-imap-vs-pop3/index.html",
        "en/kb/email-protocol-imap-vs-pop3/index.html",
    ] {
        let doc = scraper::Html::parse_document(&site.read(&format!("public/{page}")));
        let tables = doc
            .select(&sel(".article-body .server-table table"))
            .count();
        assert_eq!(tables, 3, "{page}");
    }
}
