//! GitHub's alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`), as
//! readers see them: a box per alert with its title in the page's language (from Fluent), its
//! content rendered as Markdown, and no literal `[!` left. Each test starts from the `alerts`
//! fixture, whose kbgen.yaml rejects raw HTML: alerts are Markdown, not HTML. So are
//! collapsible sections (a heading marked `{.collapsible}`), for questions and answers.

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

const FAQ: &str = "content/guide/faq.sv.md";

/// A page of questions: two collapsible ones (the first with a code block, the second holding
/// a third), a plain section
/// after them, a question inside a list item, one ended by a thematic break, and one at the end
/// of the body.
const FAQ_BODY: &str = "---
title: Frågor
slug: fragor
updated: 2024-05-01
---
Inledning.

## Vanliga frågor

### Vad är STARTTLS? {.collapsible}

Ett sätt att **kryptera** en anslutning som börjar okrypterad.

- port 587

```
openssl s_client -starttls smtp
```

### Måste jag? {.collapsible #maste}

Ja.

#### Varför? {.collapsible}

Lösenordet.

## Efter frågorna

Vanlig text.

- Punkt

  ### I en lista {.collapsible}

  Svar i listan.

Efter listan.

### Bruten {.collapsible}

Före strecket.

---

Efter strecket.

### Sist {.collapsible}

Slutet.
";

/// Each collapsible section of `doc`: its heading's tag and id, then its text past the summary.
fn sections(doc: &scraper::Html) -> Vec<(String, String, String, String)> {
    doc.select(&sel("article details.collapsible"))
        .map(|d| {
            let summary = d.children().filter_map(scraper::ElementRef::wrap).next();
            let summary = summary.expect("a summary");
            assert_eq!(summary.value().name(), "summary");
            let heading = summary
                .children()
                .filter_map(scraper::ElementRef::wrap)
                .next()
                .expect("a heading in the summary");
            let rest: Vec<String> = d
                .children()
                .filter_map(scraper::ElementRef::wrap)
                .skip(1)
                .map(|e| format!("{}: {}", e.value().name(), text(e)))
                .collect();
            (
                heading.value().name().to_string(),
                heading.value().attr("id").unwrap_or("").to_string(),
                text(heading),
                rest.join(" | "),
            )
        })
        .collect()
}

#[test]
fn a_collapsible_heading_folds_its_section_up_to_the_next_heading_of_its_level() {
    let site = Site::fixture("alerts");
    site.write(FAQ, FAQ_BODY);
    site.succeeds();
    let html = site.read("public/kb/fragor/index.html");
    let doc = scraper::Html::parse_document(&html);
    let row = |tag: &str, id: &str, title: &str, rest: &str| {
        (tag.into(), id.into(), title.into(), rest.into())
    };
    assert_eq!(
        sections(&doc),
        [
            row(
                "h3",
                "vad-ar-starttls",
                "Vad är STARTTLS?",
                "p: Ett sätt att kryptera en anslutning som börjar okrypterad. | ul: port 587 | pre: openssl s_client -starttls smtp",
            ),
            row(
                "h3",
                "maste",
                "Måste jag?",
                "p: Ja. | details: Varför? Lösenordet."
            ),
            row("h4", "varfor", "Varför?", "p: Lösenordet."),
            row("h3", "i-en-lista", "I en lista", "p: Svar i listan."),
            row("h3", "bruten", "Bruten", "p: Före strecket."),
            row("h3", "sist", "Sist", "p: Slutet."),
        ]
    );
    // Closed until opened; the class that marked them is not left on the headings.
    assert_eq!(
        doc.select(&sel("details[open]")).count(),
        1,
        "only the contents are open"
    );
    assert_eq!(doc.select(&sel("article .collapsible")).count(), 6);
    assert_eq!(
        doc.select(&sel("h3.collapsible, h4.collapsible")).count(),
        0
    );
    // The section ends at the next heading of its level or above, and at the end of the list
    // that holds it.
    let after = doc
        .select(&sel("article h2#efter-fragorna"))
        .next()
        .expect("h2");
    assert!(after
        .ancestors()
        .all(|a| a.value().as_element().map(|e| e.name()) != Some("details")));
    let list = doc.select(&sel("article li details.collapsible")).count();
    assert_eq!(list, 1);
    let texts: Vec<String> = doc.select(&sel(".article-body > p")).map(text).collect();
    // …and at a thematic break.
    for outside in ["Efter listan.", "Efter strecket."] {
        assert!(texts.iter().any(|t| t == outside), "{outside}: {texts:?}");
    }
    // The contents lead to the questions, and the search index holds the answers.
    let toc: Vec<&str> = doc
        .select(&sel(".toc a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        toc.contains(&"#vad-ar-starttls") && toc.contains(&"#maste"),
        "{toc:?}"
    );
    let records = site.read("public/search-index/sv/d/0.json");
    assert!(records.contains("börjar okrypterad"), "{records}");
}

#[test]
fn a_collapsible_heading_inside_an_alert_is_an_error_at_its_line() {
    let site = Site::fixture("alerts").built();
    site.write(
        FAQ,
        "---\ntitle: Frågor\nslug: fragor\nupdated: 2024-05-01\n---\n> [!NOTE]\n> ### Fråga {.collapsible}\n> Svar.\n",
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error(
            FAQ,
            7,
            3,
            "a collapsible section cannot start inside an alert",
        )
        .source("> ### Fråga {.collapsible}")
        .hint("put the question after the alert, or the alert inside the answer");
}
