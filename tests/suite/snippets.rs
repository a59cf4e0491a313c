//! Snippets (`snippets/<name>.<locale>.md`), as writers use them: included by name in the
//! including page's language, links by key resolved there, a missing translation shown from
//! the first locale with a warning, and mistakes reported at their line in the article or the
//! snippet. Each test starts from the `snippets` fixture.

use crate::harness::{sel, text, Site};

const HELP_SV: &str = "content/guide/help.sv.md";
const CONTACT_SV: &str = "snippets/contact.sv.md";

fn site() -> Site {
    Site::fixture("snippets")
}

/// The paragraphs of a built page's article body, and its links (`href`, text).
fn body(site: &Site, page: &str) -> (Vec<String>, Vec<(String, String)>) {
    let html = site.read(&format!("public/{page}index.html"));
    let doc = scraper::Html::parse_document(&html);
    let article = doc
        .select(&sel("article .body, article"))
        .next()
        .expect("an article");
    let paragraphs = article.select(&sel("p")).map(text).collect();
    let links = article
        .select(&sel("p a"))
        .map(|a| (a.value().attr("href").unwrap_or("").to_string(), text(a)))
        .collect();
    (paragraphs, links)
}

#[test]
fn a_snippet_is_included_in_the_pages_language_with_its_links_resolved_there() {
    let site = site();
    let stderr = site.succeeds();
    let (paragraphs, links) = body(&site, "kb/hjalp/");
    for p in [
        "Så gör du.",
        "Hittar du inte svaret? Läs den andra guiden eller kontakta supporten.",
        "Vänliga hälsningar, supporten.",
    ] {
        assert!(
            paragraphs.iter().any(|x| x == p),
            "{p:?} not in {paragraphs:?}"
        );
    }
    assert!(
        links.contains(&("/kb/andra/".to_string(), "den andra guiden".to_string())),
        "{links:?}"
    );

    let (paragraphs, links) = body(&site, "en/kb/help/");
    for p in [
        "Here is how.",
        "Cannot find the answer? Read the other guide or contact support.",
        // No English file of `sign-off`: the Swedish one stands in.
        "Vänliga hälsningar, supporten.",
    ] {
        assert!(
            paragraphs.iter().any(|x| x == p),
            "{p:?} not in {paragraphs:?}"
        );
    }
    assert!(
        links.contains(&("/en/kb/other/".to_string(), "the other guide".to_string())),
        "{links:?}"
    );
    // The directive itself is not shown as a code block.
    let html = site.read("public/kb/hjalp/index.html");
    assert!(
        !html.contains("snippet contact"),
        "the directive leaked into the page"
    );
    assert!(
        stderr.contains(
            "snippets/sign-off.sv.md:1:1: warning: the snippet `sign-off` has no `en` file: pages in `en` show this one"
        ),
        "{stderr}"
    );
}

#[test]
fn an_unknown_snippet_is_an_error_at_its_line_with_the_nearest_name() {
    let site = site().built();
    site.replace(HELP_SV, "```snippet contact", "```snippet contakt");
    let report = site.fails();
    report.error_count(1);
    report
        .error(HELP_SV, 8, 1, "unknown snippet `contakt`")
        .source("```snippet contakt")
        .hint("did you mean `contact`?");
}

#[test]
fn a_snippet_that_includes_itself_is_an_error_naming_the_cycle() {
    let site = site().built();
    site.write(
        "snippets/sign-off.sv.md",
        "Hälsningar.\n\n```snippet contact\n```\n",
    );
    let report = site.fails();
    // Once, though both languages include it (the English page shows the Swedish sign-off).
    report.error_count(1);
    report
        .error(
            "snippets/sign-off.sv.md",
            3,
            1,
            "the snippet `contact` includes itself: contact → sign-off → contact",
        )
        .hint("remove one of the includes, so that no snippet leads back to itself");
}

#[test]
fn a_mistake_inside_a_snippet_is_reported_in_the_snippets_file() {
    let site = site().built();
    site.replace(CONTACT_SV, "(@/guide/other)", "(@/guide/othr)");
    let report = site.fails();
    report.error_count(1);
    report
        .error_containing(CONTACT_SV, 1, 28, "guide/othr")
        .hint_mentioning("guide/other");
}

#[test]
fn snippet_files_must_name_a_configured_language() {
    let site = site().built();
    site.write("snippets/footer.de.md", "Tschüss.\n");
    site.write("snippets/Footer.sv.md", "Hej då.\n");
    let report = site.fails();
    report.error_count(2);
    report
        .error(
            "snippets/footer.de.md",
            1,
            1,
            "`snippets/footer.de.md` does not name its language",
        )
        .hint("name snippet files `<name>.<locale>.md` with a configured locale (sv, en)");
    report.error(
        "snippets/Footer.sv.md",
        1,
        1,
        "`Footer` cannot be the name of a snippet",
    );
}

#[test]
fn check_lists_the_snippets_no_article_includes() {
    let site = site();
    site.write("snippets/old-footer.sv.md", "Gammal text.\n");
    let (_, report) = site.check_json();
    let unused: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "snippet-unused")
        .map(|d| {
            format!(
                "{}:{}: {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        unused,
        ["snippets/old-footer.sv.md:1: no article includes the snippet `old-footer`"]
    );
}
