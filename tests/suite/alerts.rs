//! GitHub's alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`), as
//! readers see them: a box per alert with its title in the page's language (from Fluent), its
//! content rendered as Markdown, and no literal `[!` left. Each test starts from the `alerts`
//! fixture, whose kbgen.yaml rejects raw HTML: alerts are Markdown, not HTML.

use crate::harness::{sel, text, Site};

/// Each alert of a built page's article: its class, role, title and the rest of its text.
fn alerts(site: &Site, page: &str) -> Vec<(String, String, String, String)> {
    let html = site.read(&format!("public/{page}index.html"));
    let doc = scraper::Html::parse_document(&html);
    doc.select(&sel("article .alert"))
        .map(|a| {
            let title = a.select(&sel(".alert-title")).next().map(text);
            let rest: Vec<String> = a
                .children()
                .filter_map(scraper::ElementRef::wrap)
                .filter(|e| !e.value().classes().any(|c| c == "alert-title"))
                .map(text)
                .collect();
            (
                a.value().attr("class").unwrap_or("").to_string(),
                a.value().attr("role").unwrap_or("").to_string(),
                title.unwrap_or_default(),
                rest.join(" | "),
            )
        })
        .collect()
}

#[test]
fn alerts_are_boxes_titled_in_the_pages_language() {
    let site = Site::fixture("alerts");
    site.succeeds();
    let row = |(class, title, rest): &(&str, &str, &str)| {
        (
            format!("alert alert-{class}"),
            "note".to_string(),
            title.to_string(),
            rest.to_string(),
        )
    };
    for (page, rows) in [
        (
            "kb/rutor/",
            [
                (
                    "note",
                    "Observera",
                    "Lösenordet till e-postkontot är ett annat.",
                ),
                (
                    "tip",
                    "Tips",
                    "Sänk TTL en dag innan flytten: | till 300 sekunder och vänta",
                ),
                ("important", "Viktigt", "Läs den andra guiden först."),
                (
                    "warning",
                    "Varning",
                    "Välj aldrig Ingen anslutningssäkerhet.",
                ),
                ("caution", "Var försiktig", "Det går inte att ångra."),
            ],
        ),
        (
            "en/kb/boxes/",
            [
                ("note", "Note", "The email password is another one."),
                (
                    "tip",
                    "Tip",
                    "Lower the TTL a day before the move: | to 300 seconds and wait",
                ),
                ("important", "Important", "Read the other guide first."),
                ("warning", "Warning", "Never choose No connection security."),
                ("caution", "Caution", "It cannot be undone."),
            ],
        ),
    ] {
        let expected: Vec<_> = rows.iter().map(row).collect();
        assert_eq!(alerts(&site, page), expected, "{page}");
    }
}

#[test]
fn an_alert_holds_markdown_and_leaves_no_marker_and_a_plain_quote_stays_a_quote() {
    let site = Site::fixture("alerts");
    site.succeeds();
    let html = site.read("public/kb/rutor/index.html");
    let doc = scraper::Html::parse_document(&html);
    let article = doc.select(&sel("article")).next().expect("an article");
    assert!(!text(article).contains("[!"), "{}", text(article));
    // The link by key is resolved inside the box; the list and strong text are Markdown's.
    let link = doc
        .select(&sel(".alert-important a"))
        .next()
        .expect("a link");
    assert_eq!(link.value().attr("href"), Some("/kb/andra/"));
    assert_eq!(doc.select(&sel(".alert-tip ul > li")).count(), 2);
    assert_eq!(doc.select(&sel(".alert-warning strong")).count(), 1);
    let quotes: Vec<String> = doc.select(&sel("article blockquote")).map(text).collect();
    assert_eq!(quotes, ["Ett vanligt citat."]);
    // The search index has the alert's text, not its title.
    let records = site.read("public/search-index/sv/d/0.json");
    assert!(records.contains("Det går inte att ångra."), "{records}");
    assert!(!records.contains("Var försiktig"), "{records}");
}
