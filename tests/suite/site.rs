//! A whole help centre, the `help` fixture (a frozen copy of the shipped help content), built
//! by the real binary into a temporary folder and read back with an HTML parser: what a reader
//! and a search engine get.

use crate::harness::{files as walk, kbgen, sel, text, Site};
use scraper::{CaseSensitivity::CaseSensitive, ElementRef, Html};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const FIXTURE: &str = "help";

/// One build of the fixture shared by every test in this module.
fn site() -> &'static Path {
    static SITE: OnceLock<(Site, PathBuf)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let site = Site::fixture(FIXTURE);
            let out = site.public();
            build_into(&site, &out, None);
            (site, out)
        })
        .1
}

fn build_into(site: &Site, out: &Path, threads: Option<usize>) {
    let mut cmd = kbgen();
    cmd.args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(out);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n.to_string());
    }
    crate::harness::Run::of(&mut cmd).ok();
}

fn page(url: &str) -> Html {
    let file = site().join(url.trim_start_matches('/')).join("index.html");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    Html::parse_document(&text)
}

fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector)).map(text).collect()
}

fn attr(doc: &Html, selector: &str, name: &str) -> String {
    doc.select(&sel(selector))
        .next()
        .unwrap_or_else(|| panic!("no {selector}"))
        .value()
        .attr(name)
        .unwrap_or_else(|| panic!("{selector} has no {name}"))
        .to_string()
}

/// Every HTML file of the output, by its URL path.
fn all_pages() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in walk(site()) {
        if e.extension().is_some_and(|x| x == "html") {
            let rel = e
                .strip_prefix(site())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(format!("/{rel}"), std::fs::read_to_string(&e).unwrap());
        }
    }
    out
}

/// The local file a site URL (absolute or root-relative) is served from, if it exists.
fn served_file(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("https://kunskap.websupport.se")
        .unwrap_or(url);
    let path = path.split(['?', '#']).next().unwrap();
    let rel = path.trim_start_matches('/');
    let file = if rel.is_empty() || rel.ends_with('/') {
        site().join(rel).join("index.html")
    } else {
        site().join(rel)
    };
    file.is_file().then_some(file)
}

#[test]
fn seed_article_in_swedish_shows_everything_the_old_page_showed() {
    let doc = page("/kb/e-postprotokoll-imap-vs-pop3/");
    assert_eq!(attr(&doc, "html", "lang"), "sv");
    assert_eq!(
        texts(&doc, "title"),
        ["E-postprotokoll (IMAP vs POP3) - Websupport kunskapsdatabas"]
    );
    assert_eq!(
        texts(&doc, "nav.breadcrumbs li"),
        [
            "Hem",
            "E-post",
            "Grundinställningar",
            "E-postprotokoll (IMAP vs POP3)"
        ]
    );
    let crumb_links: Vec<_> = doc
        .select(&sel("nav.breadcrumbs a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        crumb_links,
        ["/", "/e-post/", "/e-post/grundinstallningar/"]
    );
    assert_eq!(texts(&doc, "h1"), ["E-postprotokoll (IMAP vs POP3)"]);
    assert_eq!(
        texts(&doc, ".badge"),
        ["Instruktioner lämpliga för nybörjare"]
    );
    assert_eq!(texts(&doc, ".updated"), ["Uppdaterad 20 december 2021"]);
    assert_eq!(attr(&doc, ".updated time", "datetime"), "2021-12-20");

    let tables: Vec<ElementRef> = doc.select(&sel(".article-body table")).collect();
    assert_eq!(tables.len(), 3);
    let captions: Vec<String> = tables
        .iter()
        .map(|t| text(t.select(&sel("caption")).next().unwrap()))
        .collect();
    assert_eq!(
        captions,
        [
            "Inkommande serverinställningar för IMAP. Vi rekommenderar alltid att köra med SSL.",
            "Inkommande serverinställningar för POP3. Vi rekommenderar alltid att köra med SSL.",
            "Utgående serverinställningar (SMTP). Vi rekommenderar alltid att köra med SSL.",
        ]
    );
    let rows = |t: &ElementRef| -> Vec<Vec<String>> {
        t.select(&sel("tbody tr"))
            .map(|r| r.select(&sel("th, td")).map(text).collect())
            .collect()
    };
    assert_eq!(
        rows(&tables[0]),
        [
            ["imap.websupport.se", "993", "Säker SSL-anslutning"],
            ["imap.dindomän.tld", "143", "Osäker anslutning"],
        ]
    );
    assert_eq!(
        rows(&tables[1])[0],
        ["pop3.websupport.se", "995", "Säker SSL-anslutning"]
    );
    assert_eq!(
        rows(&tables[2]),
        [
            ["smtp.websupport.se", "465", "Säker SSL-anslutning"],
            [
                "smtp.websupport.se",
                "587",
                "Säker TLS-anslutning (STARTTLS)"
            ],
            ["smtp.dindomän.tld", "25", "Osäker anslutning"],
        ]
    );
    let headers: Vec<String> = tables[0].select(&sel("thead th")).map(text).collect();
    assert_eq!(headers, ["Server", "Port", "Säkerhet"]);
    assert!(tables[0]
        .select(&sel("thead th"))
        .all(|th| th.value().attr("scope") == Some("col")));

    let steps = texts(&doc, ".article-body ol > li");
    assert_eq!(steps.len(), 6);
    assert_eq!(steps[0], "Logga in på Kontrollpanelen»");
    assert_eq!(
        attr(&doc, ".article-body ol > li a", "href"),
        "https://admin.websupport.se/"
    );
    let images: Vec<_> = doc.select(&sel(".article-body img")).collect();
    assert_eq!(images.len(), 2);
    let sizes: Vec<(&str, &str)> = images
        .iter()
        .map(|i| {
            (
                i.value().attr("width").unwrap(),
                i.value().attr("height").unwrap(),
            )
        })
        .collect();
    assert_eq!(sizes, [("783", "343"), ("783", "609")]);
    for img in &images {
        assert!(!img.value().attr("alt").unwrap().is_empty());
        assert_eq!(img.value().attr("loading"), Some("lazy"));
        assert!(served_file(img.value().attr("src").unwrap()).is_some());
    }
    assert_eq!(
        texts(&doc, ".feedback-vote legend"),
        ["Var den här artikeln till hjälp?"]
    );
    assert_eq!(
        attr(&doc, "form.feedback-vote", "action"),
        "https://kunskap.websupport.se/feedback"
    );
    // Why, after No: rendered hidden for page.js, the reasons as fixed tokens, words from Fluent.
    assert!(doc
        .select(&sel("form.feedback-why[hidden]"))
        .next()
        .is_some());
    let reasons: Vec<(String, String)> = doc
        .select(&sel(".feedback-reasons label"))
        .map(|l| {
            let input = l.select(&sel("input[type=radio]")).next().unwrap();
            (input.value().attr("value").unwrap().to_string(), text(l))
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("unclear", "Svårt att förstå"),
            ("wrong", "Något stämmer inte eller är inaktuellt"),
            ("missing", "Saknar det jag sökte"),
            ("other", "Annat"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(attr(&doc, "#feedback-comment", "maxlength"), "500");
    assert_eq!(
        texts(&doc, ".feedback-hint"),
        ["Högst 500 tecken. Skriv inte lösenord eller personuppgifter."]
    );
    assert!(!texts(&doc, ".related li").is_empty());
}

#[test]
fn seed_article_in_english_is_localised_not_swedish() {
    let doc = page("/en/kb/email-protocol-imap-vs-pop3/");
    assert_eq!(attr(&doc, "html", "lang"), "en");
    assert_eq!(
        texts(&doc, "nav.breadcrumbs li"),
        [
            "Home",
            "Email",
            "Basic settings",
            "Email protocol (IMAP vs POP3)"
        ]
    );
    // The old English page showed the Swedish label; this one must not.
    assert_eq!(
        texts(&doc, ".badge"),
        ["Instructions suitable for beginners"]
    );
    assert_eq!(texts(&doc, ".updated"), ["Updated on 20 December 2021"]);
    let cells = texts(&doc, ".article-body table tbody tr:first-child > *");
    assert_eq!(
        cells[..3],
        ["imap.websupport.se", "993", "Secure SSL connection"]
    );
    let hosts = texts(&doc, ".article-body table tbody th");
    assert!(
        hosts.contains(&"imap.yourdomain.tld".to_string()),
        "{hosts:?}"
    );
    assert_eq!(
        texts(&doc, ".article-body caption")[0],
        "Incoming server settings for IMAP. We always recommend running SSL."
    );
    assert_eq!(
        texts(&doc, ".feedback legend"),
        ["Was this article helpful?", "What was the problem?"]
    );
    assert_eq!(
        texts(&doc, ".feedback-thanks"),
        ["Thank you for your feedback!"]
    );
    // The language switcher goes to the same article in Swedish.
    assert_eq!(
        attr(&doc, "nav.languages a", "href"),
        "/kb/e-postprotokoll-imap-vs-pop3/"
    );
    assert_eq!(attr(&doc, "nav.languages a", "lang"), "sv");
}

#[test]
fn head_has_canonical_hreflang_open_graph_and_json_ld() {
    let doc = page("/en/kb/email-protocol-imap-vs-pop3/");
    let canonical = attr(&doc, "link[rel=canonical]", "href");
    assert_eq!(
        canonical,
        "https://kunskap.websupport.se/en/kb/email-protocol-imap-vs-pop3/"
    );
    let alternates: BTreeMap<String, String> = doc
        .select(&sel("link[rel=alternate][hreflang]"))
        .map(|l| {
            (
                l.value().attr("hreflang").unwrap().to_string(),
                l.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        alternates.get("sv").map(String::as_str),
        Some("https://kunskap.websupport.se/kb/e-postprotokoll-imap-vs-pop3/")
    );
    assert_eq!(alternates.get("en"), Some(&canonical));
    assert_eq!(alternates.get("x-default"), alternates.get("sv"));
    assert_eq!(attr(&doc, "meta[property='og:url']", "content"), canonical);
    assert_eq!(attr(&doc, "meta[property='og:locale']", "content"), "en_GB");
    assert_eq!(attr(&doc, "meta[property='og:type']", "content"), "article");
    assert!(attr(&doc, "meta[name=description]", "content").starts_with("POP3, IMAP and SMTP"));

    let ld: serde_json::Value = serde_json::from_str(
        &doc.select(&sel("script[type='application/ld+json']"))
            .next()
            .unwrap()
            .inner_html(),
    )
    .unwrap();
    let graph = ld["@graph"].as_array().unwrap();
    let of_type = |t: &str| {
        graph
            .iter()
            .find(|n| n["@type"] == t)
            .unwrap_or_else(|| panic!("no {t}"))
    };
    assert_eq!(
        of_type("TechArticle")["headline"],
        "Email protocol (IMAP vs POP3)"
    );
    assert_eq!(of_type("TechArticle")["dateModified"], "2021-12-20");
    let crumbs = of_type("TechArticle")["breadcrumb"]["itemListElement"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = crumbs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Home",
            "Email",
            "Basic settings",
            "Email protocol (IMAP vs POP3)"
        ]
    );
    let action = &of_type("WebSite")["potentialAction"];
    assert_eq!(action["@type"], "SearchAction");
    assert_eq!(
        action["target"]["urlTemplate"],
        "https://kunskap.websupport.se/en/search/?q={search_term_string}"
    );
    assert!(served_file("https://kunskap.websupport.se/en/search/").is_some());
}

#[test]
fn every_page_is_in_its_language_and_links_only_to_pages_that_exist() {
    let pages = all_pages();
    assert!(pages.len() > 60, "only {} pages", pages.len());
    let fluent_ids: Vec<String> = ["sv", "en"]
        .iter()
        .flat_map(|l| {
            std::fs::read_to_string(
                site()
                    .parent()
                    .unwrap()
                    .join(format!("locales/{l}/main.ftl")),
            )
            .unwrap()
            .lines()
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id.trim().to_string()))
            .filter(|id| !id.starts_with('-') && !id.starts_with('#') && id.contains('-'))
            .collect::<Vec<_>>()
        })
        .collect();
    for (url, html) in &pages {
        let doc = Html::parse_document(html);
        let lang = attr(&doc, "html", "lang");
        let expected = if url.starts_with("/en/") { "en" } else { "sv" };
        assert_eq!(lang, expected, "{url}");
        let visible = text(doc.select(&sel("body")).next().unwrap());
        assert!(
            !visible.contains("{domain}"),
            "{url}: unresolved {{domain}}"
        );
        for id in &fluent_ids {
            assert!(!visible.contains(id.as_str()), "{url}: raw Fluent id {id}");
        }
        for link in doc.select(&sel("link[rel=alternate][hreflang], a[href^='/'], link[rel=canonical], img[src^='/'], link[rel=stylesheet]")) {
            let v = link.value();
            let target = v.attr("href").or(v.attr("src")).unwrap();
            assert!(served_file(target).is_some(), "{url}: link to missing {target}");
        }
        // An hreflang'd link must go to a page in that language.
        for a in doc.select(&sel("a[hreflang], link[rel=alternate][hreflang]")) {
            let hreflang = a.value().attr("hreflang").unwrap();
            if hreflang == "x-default" {
                continue;
            }
            let target = served_file(a.value().attr("href").unwrap()).unwrap();
            let target_doc = Html::parse_document(&std::fs::read_to_string(target).unwrap());
            assert_eq!(attr(&target_doc, "html", "lang"), hreflang, "{url}");
        }
    }
}

#[test]
fn an_article_only_in_swedish_is_listed_in_english_marked_and_without_false_hreflang() {
    let sv = page("/kb/vad-ar-ett-ocr-nummer/");
    assert_eq!(sv.select(&sel("link[hreflang]")).count(), 0);
    assert!(served_file("/en/kb/vad-ar-ett-ocr-nummer/").is_none());
    // Its language switcher goes to the English category, not to a translation.
    let switch = sv.select(&sel("nav.languages a")).next().unwrap();
    assert_eq!(switch.value().attr("hreflang"), None);
    assert_eq!(
        switch.value().attr("href"),
        Some("/en/account/invoices-and-payment/")
    );

    let en = page("/en/account/invoices-and-payment/");
    let item = en
        .select(&sel("li.untranslated"))
        .next()
        .expect("listed in English");
    let link = item.select(&sel("a")).next().unwrap();
    assert_eq!(
        link.value().attr("href"),
        Some("/kb/vad-ar-ett-ocr-nummer/")
    );
    assert_eq!(link.value().attr("lang"), Some("sv"));
    assert_eq!(texts(&en, "li.untranslated .only-in"), ["Only in Swedish"]);
}

#[test]
fn categories_list_their_subcategories_and_articles_at_every_level() {
    let home = page("/en/");
    let top = texts(&home, ".category-grid > li > h2");
    assert_eq!(
        top,
        ["Email", "Domains", "Web hosting", "Security", "Account"]
    );
    let email = page("/en/email/");
    assert!(texts(&email, ".category-list > li > a").contains(&"Basic settings".to_string()));
    let third = page("/e-post/e-postprogram/mobil-och-surfplatta/");
    assert_eq!(
        texts(&third, "nav.breadcrumbs li"),
        ["Hem", "E-post", "E-postprogram", "Mobil och surfplatta"]
    );
    assert!(!texts(&third, ".article-list > li > a").is_empty());
}

#[test]
fn sitemap_robots_404_and_aliases() {
    let sitemap = std::fs::read_to_string(site().join("sitemap.xml")).unwrap();
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(locs.contains(&"https://kunskap.websupport.se/en/kb/email-protocol-imap-vs-pop3/"));
    for loc in &locs {
        assert!(served_file(loc).is_some(), "sitemap lists missing {loc}");
    }
    assert!(!locs.iter().any(|l| l.contains("404")));
    // The translators' status page is published but kept out of the sitemap and search.
    assert!(!locs.iter().any(|l| l.contains("_translations")));
    let status = page("/en/_translations/");
    assert_eq!(attr(&status, "meta[name=robots]", "content"), "noindex");
    assert_eq!(
        texts(&status, "main li")[0],
        "Articles: 16 of 17 translated, 0 stale, 0 not marked, 1 missing"
    );
    for lang in ["sv", "en"] {
        let docs = std::fs::read_dir(site().join(format!("search-index/{lang}/d"))).unwrap();
        for d in docs {
            let text = std::fs::read_to_string(d.unwrap().path()).unwrap();
            assert!(!text.contains("_translations"));
        }
        // Document records, `docs_per_file` to a file in document order: every article of
        // the locale exactly once, each at a page that exists.
        let dir = site().join(format!("search-index/{lang}"));
        let meta = index_json(&dir);
        let (count, per) = (
            meta["docs"].as_u64().unwrap() as usize,
            meta["docs_per_file"].as_u64().unwrap() as usize,
        );
        assert!(per >= 1);
        let mut urls = Vec::new();
        for n in 0..count.div_ceil(per) {
            let file = std::fs::read_to_string(dir.join(format!("d/{n}.json"))).unwrap();
            let records: Vec<serde_json::Value> = serde_json::from_str(&file).unwrap();
            assert!(records.len() == per || n == count / per, "d/{n}.json");
            urls.extend(records.iter().map(|r| r["u"].as_str().unwrap().to_string()));
        }
        assert_eq!(urls.len(), count);
        let unique: std::collections::BTreeSet<&String> = urls.iter().collect();
        assert_eq!(unique.len(), count, "a document listed twice");
        for u in &urls {
            assert!(
                served_file(u).is_some(),
                "search record of a missing page {u}"
            );
        }
        let articles = if lang == "sv" { 17 } else { 16 };
        assert_eq!(count, articles);
    }
    assert!(sitemap.contains("hreflang=\"x-default\""));
    let robots = std::fs::read_to_string(site().join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://kunskap.websupport.se/sitemap.xml"));
    for (file, lang) in [("404.html", "sv"), ("en/404.html", "en")] {
        let doc = Html::parse_document(&std::fs::read_to_string(site().join(file)).unwrap());
        assert_eq!(attr(&doc, "html", "lang"), lang);
        assert_eq!(attr(&doc, "meta[name=robots]", "content"), "noindex");
    }
    let alias = page("/kb/logga-in-pa-webmail/");
    assert_eq!(
        attr(&alias, "meta[http-equiv=refresh]", "content"),
        "0; url=/kb/logga-in-i-webbmejlen/"
    );
    assert!(served_file("/kb/logga-in-i-webbmejlen/").is_some());
    assert!(site().join("favicon.svg").is_file());
}

#[test]
fn output_is_byte_identical_with_one_thread_and_many() {
    let site = Site::fixture(FIXTURE);
    let (one, many) = (site.path("one"), site.path("many"));
    build_into(&site, &one, Some(1));
    build_into(&site, &many, Some(4));
    let read = |root: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        walk(root)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    };
    let (a, b) = (read(&one), read(&many));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs", path.display());
    }
}

/// The fixture with a third locale, `de`, that has no articles: its category titles and
/// a copy of the English UI text with its own no-results message.
fn site_with_empty_locale() -> Site {
    let dir = Site::fixture(FIXTURE);
    let root = dir.root();
    let config = std::fs::read_to_string(root.join("kbgen.yaml")).unwrap();
    let config = config.replace(
        "    search_path: search\n",
        "    search_path: search\n  - code: de\n    tag: de-DE\n    search_path: suche\n",
    );
    assert!(
        config.contains("code: de"),
        "kbgen.yaml has no `search_path: search`"
    );
    std::fs::write(root.join("kbgen.yaml"), config).unwrap();
    for file in walk(&root.join("content")) {
        if file.file_name().is_some_and(|n| n == "_category.yaml") {
            // Titles differ, so the categories' URLs do.
            let name = file
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy();
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(text.contains("title: { "), "{}", file.display());
            let text = text.replacen("title: { ", &format!("title: {{ de: {name}, "), 1);
            std::fs::write(&file, text).unwrap();
        }
    }
    let de = root.join("locales/de");
    crate::harness::copy(&root.join("locales/en"), &de);
    let ftl = std::fs::read_to_string(de.join("main.ftl")).unwrap();
    let ftl = ftl.replace(
        "search-no-results = No results for “{ $query }”.",
        "search-no-results = Keine Treffer für „{ $query }“.",
    );
    assert!(ftl.contains("Keine Treffer"));
    std::fs::write(de.join("main.ftl"), ftl).unwrap();
    dir
}

#[test]
fn a_locale_without_articles_has_a_search_index_whose_files_all_exist() {
    let dir = site_with_empty_locale();
    let out = dir.public();
    dir.build().ok();
    let search =
        Html::parse_document(&std::fs::read_to_string(out.join("de/suche/index.html")).unwrap());
    assert_eq!(
        attr(&search, "#search-results", "data-none"),
        "Keine Treffer für „%q%“."
    );
    assert_eq!(
        attr(&search, "#search-results", "data-index"),
        "/search-index/de/"
    );
    for (lang, articles) in [("sv", 17usize), ("en", 16), ("de", 0)] {
        let dir = out.join(format!("search-index/{lang}"));
        let meta = index_json(&dir);
        assert_eq!(meta["docs"], articles, "{lang}");
        // The search page looks every word up in the shard whose first key is the last one
        // not after it, and in the first shard when there is none: an index needs one.
        let shards: Vec<&str> = meta["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert!(!shards.is_empty(), "{lang}: no term shard");
        assert!(shards.is_sorted(), "{lang}: {shards:?}");
        let per = meta["docs_per_file"].as_u64().unwrap() as usize;
        let mut named: Vec<String> = (0..shards.len()).map(|i| format!("t{i}.txt")).collect();
        named.extend((0..articles.div_ceil(per)).map(|n| format!("d/{n}.json")));
        for file in &named {
            assert!(
                dir.join(file).is_file(),
                "{lang}: index.json names {file}, not written"
            );
        }
        // And nothing but those, the directory and the typo candidates.
        for file in walk(&dir) {
            let rel = file
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let vocab = (rel.starts_with('v') || rel.starts_with('w')) && rel.ends_with(".txt");
            assert!(
                rel == "index.json" || vocab || named.contains(&rel),
                "{lang}: {rel} is not named by index.json"
            );
        }
    }
}

/// A locale's `index.json`, in its folder of the search index.
fn index_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap()
}

/// The postings of `word` in a locale's index (following its alias), by document: the mark
/// between document and impact, which says where the document holds the word.
fn postings_of(lang: &str, word: &str) -> BTreeMap<usize, char> {
    let dir = site().join(format!("search-index/{lang}"));
    let mut lines: BTreeMap<String, String> = BTreeMap::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for i in 0.. {
        let Ok(text) = std::fs::read_to_string(dir.join(format!("t{i}.txt"))) else {
            break;
        };
        for line in text.lines() {
            if let Some((k, p)) = line.split_once('\t') {
                lines.insert(k.to_string(), p.to_string());
            } else if let Some((form, stem)) = line.split_once('>') {
                aliases.insert(form.to_string(), stem.to_string());
            }
        }
    }
    let key = aliases.get(word).map_or(word, String::as_str);
    let mut doc = 0;
    lines[key]
        .trim_start_matches('!')
        .split(',')
        .map(|p| {
            let mark = p.find(|c: char| !c.is_ascii_alphanumeric()).unwrap();
            doc += usize::from_str_radix(&p[..mark], 36).unwrap();
            (doc, p[mark..].chars().next().unwrap())
        })
        .collect()
}

#[test]
fn postings_say_whether_the_title_or_a_heading_holds_the_word() {
    let dir = site().join("search-index/en");
    let meta = index_json(&dir);
    let per = meta["docs_per_file"].as_u64().unwrap() as usize;
    let doc = (0..)
        .find(|n| {
            let file = std::fs::read_to_string(dir.join(format!("d/{}.json", n / per))).unwrap();
            let records: Vec<serde_json::Value> = serde_json::from_str(&file).unwrap();
            records[n % per]["t"] == "Set up email in Thunderbird"
        })
        .unwrap();
    // Title and the heading "If Thunderbird cannot find the server"; only the heading
    // "Incoming server"; only the description ("Mozilla Thunderbird").
    assert_eq!(postings_of("en", "thunderbird")[&doc], '*');
    assert_eq!(postings_of("en", "incoming")[&doc], '+');
    assert_eq!(postings_of("en", "mozilla")[&doc], ':');
    assert_eq!(postings_of("en", "set")[&doc], '=');
}

#[test]
fn each_index_lists_its_languages_stop_words_as_snowball_has_them() {
    for (lang, some) in [
        ("sv", ["och", "på", "hur", "jag"]),
        ("en", ["the", "how", "my", "do"]),
    ] {
        let meta = index_json(&site().join(format!("search-index/{lang}")));
        let stop: Vec<&str> = meta["stop"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        for w in some {
            assert!(stop.contains(&w), "{lang}: {w}");
        }
        // The words of a help centre are not among them.
        for w in ["lösenord", "password", "email", "e-post", "port"] {
            assert!(!stop.contains(&w), "{lang}: {w}");
        }
    }
}

#[test]
fn a_long_article_has_contents_linking_to_its_sections_and_a_short_one_none() {
    let doc = page("/en/kb/set-up-email-in-thunderbird/");
    assert_eq!(
        text(doc.select(&sel(".toc summary")).next().unwrap()),
        "On this page"
    );
    let entries: Vec<(String, String)> = doc
        .select(&sel(".toc nav a"))
        .map(|a| (a.value().attr("href").unwrap().to_string(), text(a)))
        .collect();
    // Every `##` and `###` heading of the body, in order, by its id.
    let headings: Vec<(String, String)> = doc
        .select(&sel(".article-body :is(h2, h3)"))
        .map(|h| (format!("#{}", h.value().id().unwrap()), text(h)))
        .collect();
    assert_eq!(entries, headings);
    assert_eq!(entries.len(), 4, "{entries:?}");
    let sv = page("/kb/konfigurera-e-post-i-thunderbird/");
    assert_eq!(
        text(sv.select(&sel(".toc summary")).next().unwrap()),
        "Innehåll"
    );
    // Fewer than three sections: no contents.
    for (url, html) in all_pages() {
        let doc = Html::parse_document(&html);
        let sections = doc.select(&sel(".article-body :is(h2, h3)")).count();
        let toc = doc.select(&sel(".toc")).count();
        if doc.select(&sel("article.article")).next().is_some() {
            assert_eq!(
                toc,
                usize::from(sections >= 3),
                "{url}: {sections} sections"
            );
        }
    }
}

/// A single-line message of the fixture's `locales/<lang>/main.ftl`, as written there.
fn message(lang: &str, id: &str) -> String {
    let file = site()
        .parent()
        .unwrap()
        .join(format!("locales/{lang}/main.ftl"));
    let ftl = std::fs::read_to_string(&file).unwrap();
    let prefix = format!("{id} = ");
    ftl.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{}: no {id}", file.display()))
        .to_string()
}

#[test]
fn home_and_search_pages_are_described_in_their_language_and_so_is_every_indexed_page() {
    for (url, lang, id) in [
        ("/", "sv", "home-description"),
        ("/en/", "en", "home-description"),
        ("/sok/", "sv", "search-description"),
        ("/en/search/", "en", "search-description"),
    ] {
        let doc = page(url);
        let expected = message(lang, id);
        assert_eq!(attr(&doc, "html", "lang"), lang, "{url}");
        assert_eq!(
            attr(&doc, "meta[name=description]", "content"),
            expected,
            "{url}"
        );
        assert_eq!(
            attr(&doc, "meta[property='og:description']", "content"),
            expected,
            "{url}"
        );
        assert_eq!(
            doc.select(&sel("meta[name=description]")).count(),
            1,
            "{url}"
        );
    }
    // The 404 and the translators' pages, not indexed, say what their text says.
    for (file, lang, id) in [
        ("404.html", "sv", "not-found-text"),
        ("en/404.html", "en", "not-found-text"),
        ("_translations/index.html", "sv", "translations-intro"),
        ("en/_translations/index.html", "en", "translations-intro"),
    ] {
        let doc = Html::parse_document(&std::fs::read_to_string(site().join(file)).unwrap());
        assert_eq!(
            attr(&doc, "meta[name=description]", "content"),
            message(lang, id),
            "{file}"
        );
    }
    // What a search engine indexes has a description: pages marked noindex (redirects) need
    // none.
    for (url, html) in all_pages() {
        let doc = Html::parse_document(&html);
        if doc.select(&sel("meta[name=robots]")).next().is_some() {
            continue;
        }
        let description = attr(&doc, "meta[name=description]", "content");
        assert!(!description.trim().is_empty(), "{url}");
    }
}

/// A message of the fixture's locale with its one variable, `$number`, set.
fn numbered(lang: &str, id: &str, n: usize) -> String {
    message(lang, id).replace("{ $number }", &n.to_string())
}

/// Every region of an article's body that scrolls sideways on a narrow screen (code blocks,
/// the boxes of Markdown tables, server tables), in page order: `(class or tag, tabindex,
/// role, aria-label)`.
fn scroll_regions(doc: &Html) -> Vec<(String, String, String, String)> {
    doc.select(&sel(".article-body :is(pre, .table-scroll, .server-table)"))
        .map(|e| {
            let v = e.value();
            let what = v.attr("class").map_or(v.name(), |c| c).to_string();
            let a = |name| v.attr(name).unwrap_or("-").to_string();
            (what, a("tabindex"), a("role"), a("aria-label"))
        })
        .collect()
}

/// What `scroll_regions` must be, from the body as a reader sees it: each region focusable,
/// a region, and named in the page's language (code blocks and Markdown tables numbered in
/// order, server tables by their caption).
fn expected_regions(doc: &Html, lang: &str) -> Vec<(String, String, String, String)> {
    let (mut code, mut tables) = (0, 0);
    doc.select(&sel(".article-body :is(pre, .table-scroll, .server-table)"))
        .map(|e| {
            let (what, name) = if e.value().name() == "pre" {
                code += 1;
                ("pre", numbered(lang, "code-region-label", code))
            } else if e.value().has_class("table-scroll", CaseSensitive) {
                tables += 1;
                ("table-scroll", numbered(lang, "table-region-label", tables))
            } else {
                let caption = e.select(&sel("caption")).next().map(text);
                let name = caption.unwrap_or_else(|| message(lang, "server-table-label"));
                ("server-table", name)
            };
            (what.into(), "0".into(), "region".into(), name)
        })
        .collect()
}

#[test]
fn code_blocks_and_tables_scroll_in_regions_the_keyboard_can_focus_named_in_the_language() {
    let mut seen = BTreeMap::<String, usize>::new();
    for (url, html) in all_pages() {
        let doc = Html::parse_document(&html);
        if doc.select(&sel("article.article")).next().is_none() {
            continue;
        }
        let lang = attr(&doc, "html", "lang");
        let regions = scroll_regions(&doc);
        assert_eq!(regions, expected_regions(&doc, &lang), "{url}");
        for r in &regions {
            *seen.entry(r.0.clone()).or_default() += 1;
        }
        // Every table scrolls in a box of its own; the box holds the table alone.
        for t in doc.select(&sel(".article-body table")) {
            let parent = ElementRef::wrap(t.parent().unwrap()).unwrap();
            assert!(
                ["table-scroll", "server-table"]
                    .iter()
                    .any(|c| parent.value().has_class(c, CaseSensitive)),
                "{url}: a table outside a box"
            );
        }
        for b in doc.select(&sel(".table-scroll")) {
            let children: Vec<&str> = b
                .children()
                .filter_map(ElementRef::wrap)
                .map(|c| c.value().name())
                .collect();
            assert_eq!(children, ["table"], "{url}");
        }
    }
    // The help centre has each kind, in both languages.
    for what in ["pre", "table-scroll", "server-table"] {
        assert!(seen.get(what).is_some_and(|n| *n >= 2), "{what}: {seen:?}");
    }
}

#[test]
fn regions_are_numbered_per_page_in_lists_alerts_and_snippets_and_a_table_without_caption_is_named()
{
    let site = Site::fixture("guide");
    site.write(
        "content/guide/regions.sv.md",
        [
            "---",
            "title: Regioner",
            "updated: 2024-05-01",
            "server_tables:",
            "  imap:",
            "    rows:",
            "      - { host: imap.websupport.se, port: 993, security: ssl }",
            "---",
            "```sh",
            "dig mx example.se",
            "```",
            "",
            "1. Ett steg:",
            "",
            "       indragen kod",
            "",
            "> [!NOTE]",
            "> | a | b |",
            "> |---|---|",
            "> | 1 | 2 |",
            "",
            "```servers imap",
            "```",
            "",
            "| c | d |",
            "|---|---|",
            "| 3 | <b>4</b> |",
            "",
            "```",
            "<script>alert(1)</script>",
            "```",
            "",
            "```snippet kod",
            "```",
            "",
        ]
        .join("\n"),
    );
    site.write("snippets/kod.sv.md", "```ini\n[snippet]\n```\n");
    site.succeeds();
    let doc = Html::parse_document(&site.read("public/kb/regioner/index.html"));
    let region = |what: &str, name: &str| {
        (
            what.to_string(),
            "0".to_string(),
            "region".to_string(),
            name.to_string(),
        )
    };
    assert_eq!(
        scroll_regions(&doc),
        [
            region("pre", "Kod 1"),
            region("pre", "Kod 2"),
            region("table-scroll", "Tabell 1"),
            region("server-table", "Serverinställningar"),
            region("table-scroll", "Tabell 2"),
            region("pre", "Kod 3"),
            region("pre", "Kod 4"),
        ]
    );
    // The code is text, its language a class, as before.
    let pres: Vec<(String, String)> = doc
        .select(&sel(".article-body pre > code"))
        .map(|c| {
            let class = c.value().attr("class").unwrap_or("-").to_string();
            (class, c.text().collect())
        })
        .collect();
    assert_eq!(
        pres,
        [
            ("language-sh".to_string(), "dig mx example.se\n".to_string()),
            ("-".to_string(), "indragen kod\n".to_string()),
            ("-".to_string(), "<script>alert(1)</script>\n".to_string()),
            ("language-ini".to_string(), "[snippet]\n".to_string()),
        ]
    );
    assert_eq!(doc.select(&sel(".article-body script")).count(), 0);
}
