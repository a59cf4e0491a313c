//! Nothing a writer or translator types becomes markup or script in a reader's browser:
//! hostile text in every field, built by the real binary, read back with parsers (HTML,
//! JSON, XML). And the raw-HTML policy and path rules that keep the output where it belongs.
//! Each test starts from the `basic` fixture.

use crate::harness::{files, Run, Site};
use scraper::{Html, Selector};
use std::path::Path;

fn site() -> Site {
    Site::fixture("basic")
}

/// Everything that breaks out of a context: tags, both quotes, a script end, a comment end,
/// an ampersand, and the line separators that end a JavaScript string.
const EVIL: &str = "<script>alert(1)</script> \"q\" 'a' </script><!-- --> & \u{2028}\u{2029} <img src=x onerror=alert(2)>";

fn build(site: &Site) -> Run {
    site.build()
}

/// A YAML double-quoted string. (JSON's escapes are YAML's, but YAML reads a raw U+2028 as a
/// line break, so those two are escaped.)
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap()
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[test]
fn hostile_text_in_every_field_stays_text() {
    let site = site();
    let root = site.root();
    let evil = yaml_str(EVIL);
    std::fs::create_dir_all(root.join("content/evil")).unwrap();
    std::fs::write(
        root.join("content/evil/_category.yaml"),
        format!("title: {{ sv: {evil}, en: {evil} }}\nslug: {{ sv: ond, en: evil }}\ndescription: {{ sv: {evil}, en: {evil} }}\n"),
    )
    .unwrap();
    for lang in ["sv", "en"] {
        std::fs::write(
            root.join(format!("content/evil/hostile.{lang}.md")),
            format!(
                "---\ntitle: {evil}\nslug: hostile\ndescription: {evil}\nupdated: 2024-01-01\ntags: [{evil}]\nserver_tables:\n  t:\n    caption: {evil}\n    rows:\n      - {{ host: {evil}, port: 993, security: ssl }}\n---\n\n## {evil_md}\n\nText {evil_md} [länk](/kb/hostile/ \"{title}\")\n\n```servers t\n```\n",
                evil_md = EVIL.replace('<', "&lt;"),
                title = "t\\\" onmouseover=alert(3) x=\\\"",
            ),
        )
        .unwrap();
    }
    // A translator's text too.
    let ftl = root.join("locales/en/main.ftl");
    let text = std::fs::read_to_string(&ftl).unwrap();
    std::fs::write(
        &ftl,
        text.replace(
            "footer-text = Can't find",
            &format!(
                "footer-text = {} Can't find",
                EVIL.replace(['\u{2028}', '\u{2029}'], " ")
            ),
        ),
    )
    .unwrap();

    let out = build(&site);
    assert!(out.status.success(), "{}", out.stderr);
    let public = root.join("public");
    let script = Selector::parse("script").unwrap();
    let all = Selector::parse("*").unwrap();
    let mut pages = 0;
    for f in files(&public) {
        let name = f.strip_prefix(&public).unwrap().display().to_string();
        let bytes = std::fs::read(&f).unwrap();
        match f.extension().and_then(|e| e.to_str()) {
            Some("html") => {
                pages += 1;
                let doc = Html::parse_document(std::str::from_utf8(&bytes).unwrap());
                for s in doc.select(&script) {
                    let ty = s.value().attr("type").unwrap_or("");
                    assert!(
                        ty == "application/ld+json"
                            || (ty == "module"
                                && s.value()
                                    .attr("src")
                                    .is_some_and(|src| src.starts_with("/search.")
                                        || src.starts_with("/page."))),
                        "{name}: a script came from content: {}",
                        s.html()
                    );
                    if ty == "application/ld+json" {
                        let ld: serde_json::Value = serde_json::from_str(&s.inner_html())
                            .unwrap_or_else(|e| panic!("{name}: JSON-LD: {e}"));
                        let text = ld.to_string();
                        assert!(
                            !text.contains("\\u003c"),
                            "{name}: JSON-LD parsed back still holds escapes"
                        );
                        if name.ends_with("kb/hostile/index.html") {
                            assert!(
                                text.contains("alert(1)"),
                                "{name}: the title is in the JSON-LD"
                            );
                        }
                    }
                }
                for el in doc.select(&all) {
                    for (attr, value) in el.value().attrs() {
                        assert!(
                            !attr.starts_with("on"),
                            "{name}: event handler {attr}={value}"
                        );
                        assert!(
                            !value.trim_start().to_lowercase().starts_with("javascript:"),
                            "{name}: {attr}={value}"
                        );
                    }
                }
                if name.ends_with("kb/hostile/index.html") {
                    let h1 = doc.select(&Selector::parse("h1").unwrap()).next().unwrap();
                    assert_eq!(
                        h1.text().collect::<String>(),
                        EVIL,
                        "{name}: the title shows as text"
                    );
                    let cells: Vec<String> = doc
                        .select(
                            &Selector::parse(".server-table caption, .server-table tbody th")
                                .unwrap(),
                        )
                        .map(|e| e.text().collect())
                        .collect();
                    assert_eq!(cells, [EVIL, EVIL]);
                }
            }
            Some("xml") => {
                let text = std::str::from_utf8(&bytes).unwrap();
                roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            Some("json") => {
                let v: serde_json::Value =
                    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                if v["t"] == EVIL {
                    assert_eq!(v["d"], EVIL);
                }
            }
            _ => {}
        }
    }
    // Every page of the fixture and the hostile category was read: 26 when this was written
    // (homes, categories, articles, search, 404 and status pages of both languages).
    assert!(pages > 24, "{pages} pages");
    // The seed article has images; the hostile one had only text that looked like one.
    let hostile = std::fs::read_to_string(public.join("kb/hostile/index.html")).unwrap();
    assert!(!hostile.contains("<img"), "an img tag came from text");
    assert!(
        !hostile.contains("<script>alert"),
        "a script tag came from text"
    );
    let home =
        Html::parse_document(&std::fs::read_to_string(public.join("en/index.html")).unwrap());
    let footer: String = home
        .select(&Selector::parse("footer").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        footer.contains("<script>alert(1)</script>"),
        "the translator's text shows as text: {footer}"
    );
}

fn add_article(root: &Path, body: &str) {
    std::fs::write(
        root.join("content/email/basic-settings/raw.sv.md"),
        format!("---\ntitle: Rå HTML\nupdated: 2024-01-01\n---\n\nFörst.\n\n{body}\n"),
    )
    .unwrap();
}

fn set_raw_html(root: &Path, policy: &str) {
    let path = root.join("kbgen.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("raw_html: allow", &format!("raw_html: {policy}")),
    )
    .unwrap();
}

#[test]
fn raw_html_is_allowed_stripped_or_rejected_as_configured() {
    let body = "<div class=\"note\">Obs!</div>\n\nText med <span>inline</span> HTML.";
    for (policy, expect_div) in [("allow", true), ("strip", false)] {
        let site = site();
        set_raw_html(site.root(), policy);
        add_article(site.root(), body);
        let out = build(&site);
        assert!(out.status.success(), "{policy}: {}", out.stderr);
        let page =
            std::fs::read_to_string(site.root().join("public/kb/ra-html/index.html")).unwrap();
        assert_eq!(
            page.contains("<div class=\"note\">"),
            expect_div,
            "{policy}"
        );
        assert_eq!(page.contains("<span>inline</span>"), expect_div, "{policy}");
        assert!(page.contains("HTML."), "{policy}: the text stays");
    }
    let site = site();
    set_raw_html(site.root(), "reject");
    add_article(site.root(), body);
    let out = build(&site);
    assert_eq!(out.status.code(), Some(1));
    let stderr = out.stderr;
    assert!(stderr.starts_with("content/email/basic-settings/raw.sv.md:8:1: error: raw HTML is not allowed in articles\n"), "{stderr}");
    assert!(stderr.contains("content/email/basic-settings/raw.sv.md:10:10: error: raw HTML is not allowed in articles\n"), "{stderr}");
}

/// Builds with one file written at `rel` and returns stderr; the build must fail.
fn fails_with(rel: &str, text: &str) -> String {
    let site = site();
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let out = build(&site);
    assert_eq!(out.status.code(), Some(1), "{rel} built");
    assert!(!site.root().join("public").exists());
    out.stderr
}

fn article_with(front: &str, body: &str) -> String {
    format!("---\ntitle: X\nupdated: 2024-01-01\n{front}---\n\n{body}\n")
}

#[test]
fn paths_that_leave_the_site_are_refused() {
    let a = "content/email/basic-settings/p.sv.md";
    for slug in [
        "../../etc",
        "a/b",
        "a\\\\b",
        "/abs",
        "c:",
        "ok\\tno",
        "http://x",
    ] {
        let stderr = fails_with(a, &article_with(&format!("slug: \"{slug}\"\n"), "Text."));
        assert!(
            stderr.contains(&format!("{a}:4:1: error: the slug `")),
            "{slug}: {stderr}"
        );
    }
    for alias in [
        "/kb/../../etc/",
        "kb/x/",
        "//evil.example/",
        "/a\\\\b/",
        "C:\\\\x",
        "javascript:alert(1)",
        "/x\\u0007/",
    ] {
        let stderr = fails_with(
            a,
            &article_with(&format!("aliases: [\"{alias}\"]\n"), "Text."),
        );
        assert!(
            stderr.contains(&format!("{a}:4:1: error: the alias `")),
            "{alias}: {stderr}"
        );
    }
    for image in [
        "../secret.png",
        "/../../etc/passwd",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "C:\\x.png",
    ] {
        let stderr = fails_with(a, &article_with("", &format!("![x]({image})")));
        assert!(
            stderr.contains(&format!("{a}:6:1: error: the image `")),
            "{image}: {stderr}"
        );
    }
    for link in [
        "javascript:alert(1)",
        "JAVASCRIPT:x",
        "data:text/html,x",
        "vbscript:x",
    ] {
        let stderr = fails_with(a, &article_with("", &format!("[x]({link})")));
        assert!(
            stderr.contains(&format!("{a}:6:1: error: links with the `")),
            "{link}: {stderr}"
        );
    }
    let stderr = fails_with(
        "content/bad..name/_category.yaml",
        "title: { sv: A, en: A }\n",
    );
    assert!(
        stderr.contains("error: the folder name `bad..name` cannot be a category key"),
        "{stderr}"
    );
    let stderr = fails_with("content/email/Evil Name.sv.md", &article_with("", "Text."));
    assert!(
        stderr.contains("error: the file name `Evil Name` cannot be an article key"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_site_are_refused() {
    let site = site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.sv.md"),
        article_with("", "Hemligt."),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.sv.md"),
        site.root()
            .join("content/email/basic-settings/secret.sv.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("static/linked")).unwrap();
    let out = build(&site);
    assert_eq!(out.status.code(), Some(1));
    let stderr = out.stderr;
    assert!(stderr.contains("content/email/basic-settings/secret.sv.md:1:1: error: symbolic links are not followed in content/"), "{stderr}");
    assert!(
        stderr.contains("static/linked:1:1: error: symbolic links are not followed in static/"),
        "{stderr}"
    );
}
