//! Relative links and images, and links to articles' source files, on the `guide` fixture: a
//! category `guide` whose article `other` (`/kb/andra/`, `/en/kb/other/`) is linked to, and an
//! article `first` (`/kb/forsta/`, `/en/kb/first/`) that each test writes with the links it
//! tries. Line numbers are those of the bodies written here: the front matter takes four
//! lines, so a body's first line is line 6.

use crate::harness::{sel, Site};
use std::path::Path;

const FIRST_SV: &str = "content/guide/first.sv.md";
const FIRST_EN: &str = "content/guide/first.en.md";

/// The fixture with `first` articles whose bodies are `sv` and `en`.
fn site(sv: &str, en: &str) -> Site {
    let site = Site::fixture("guide");
    let article = |title: &str, slug: &str, body: &str| {
        format!("---\ntitle: {title}\nslug: {slug}\nupdated: 2024-05-01\n---\n{body}")
    };
    site.write(FIRST_SV, article("Första", "forsta", sv));
    site.write(FIRST_EN, article("First", "first", en));
    site
}

/// Runs `kbgen <command> --root <root>`: exit code and stderr (build) or stdout (check).
fn kbgen(site: &Site, command: &str) -> (i32, String) {
    let run = site.kbgen(&[command]);
    let text = match command {
        "check" => run.stdout + &run.stderr,
        _ => run.stderr,
    };
    (run.status.code().unwrap(), text)
}

fn builds(site: &Site) {
    let (code, stderr) = kbgen(site, "build");
    assert_eq!(code, 0, "the build must succeed:\n{stderr}");
}

/// Asserts that `output` holds `diagnostic`, every line of it, as one block.
fn reports(output: &str, diagnostic: &str) {
    assert!(
        output.contains(diagnostic),
        "expected\n{diagnostic}\nin\n{output}"
    );
}

/// The `attr` of every element `selector` selects in the body of the built `page`.
fn attrs(root: &Path, page: &str, selector: &str, attr: &str) -> Vec<String> {
    let html = std::fs::read_to_string(root.join("public").join(page)).unwrap();
    let doc = scraper::Html::parse_document(&html);
    doc.select(&sel(&format!(".article-body {selector}")))
        .map(|e| e.value().attr(attr).unwrap_or("").to_string())
        .collect()
}

#[test]
fn relative_links_and_images_that_resolve_go_to_their_site_paths() {
    let dir = site(
        "Se [andra](../andra/), [rubriken](../andra/#en-rubrik) och \
         [utan snedstreck](./../andra?x=1).\n\n![Bild](../../img/filezilla-site-manager.png)\n",
        "See [other](../other/) and [this page](./).\n",
    );
    let root = dir.root();
    builds(&dir);
    assert_eq!(
        attrs(root, "kb/forsta/index.html", "a", "href"),
        ["/kb/andra/", "/kb/andra/#en-rubrik", "/kb/andra?x=1"]
    );
    assert_eq!(
        attrs(root, "en/kb/first/index.html", "a", "href"),
        ["/en/kb/other/", "/en/kb/first/"]
    );
    let page = "kb/forsta/index.html";
    assert_eq!(
        attrs(root, page, "img", "src"),
        ["/img/filezilla-site-manager.png"]
    );
    // The image's size, as an absolute path gets it.
    assert!(!attrs(root, page, "img", "width")[0].is_empty());
    assert!(!attrs(root, page, "img", "height")[0].is_empty());
    let (code, out) = kbgen(&dir, "check");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_relative_link_to_no_page_is_a_broken_link_in_check() {
    let dir = site("Text.\n\nSe [andra](../andar/).\n", "Text.\n");
    // As for `/kb/andar/`: the build publishes it, `kbgen check` reports it.
    builds(&dir);
    let (code, out) = kbgen(&dir, "check");
    assert_eq!(code, 1, "{out}");
    reports(
        &out,
        "content/guide/first.sv.md:8:4: error: broken link: no page at `/kb/andar/`, where \
         `../andar/` leads from `/kb/forsta/`
  |
8 | Se [andra](../andar/).
  |    ^
  = hint: did you mean `/kb/andra/`? Linked by its key, `@/guide/other`, it stays right when \
         its slug changes",
    );
}

#[test]
fn a_relative_image_that_is_no_file_fails_the_build_and_check() {
    let dir = site(
        "Text.\n\n![Bild](img/filezilla-site-manager.png)\n",
        "Text.\n",
    );
    let expected = "content/guide/first.sv.md:8:1: error: the image \
         `img/filezilla-site-manager.png` does not exist: from `/kb/forsta/` it is \
         `/kb/forsta/img/filezilla-site-manager.png`
  |
8 | ![Bild](img/filezilla-site-manager.png)
  | ^
  = hint: did you mean `/img/filezilla-site-manager.png`?";
    let (code, out) = kbgen(&dir, "build");
    assert_eq!(code, 1, "{out}");
    reports(&out, expected);
    let (code, out) = kbgen(&dir, "check");
    assert_eq!(code, 1, "{out}");
    reports(&out, expected);
}

#[test]
fn relative_urls_that_climb_above_the_site_root_are_errors() {
    let dir = site(
        "Se [std](../../../std/index.html).\n\n![Bild](../../../img/x.png)\n",
        "Text.\n",
    );
    let (code, out) = kbgen(&dir, "build");
    assert_eq!(code, 1, "{out}");
    reports(
        &out,
        "content/guide/first.sv.md:6:4: error: the link `../../../std/index.html` climbs above \
         the site root from `/kb/forsta/`
  |
6 | Se [std](../../../std/index.html).
  |    ^
  = hint: link to a page of this site by its key, `@/<folder>/<file name without language \
         and .md>`, or by its path from the site root; other sites by their http(s) URL",
    );
    reports(
        &out,
        "content/guide/first.sv.md:8:1: error: the image `../../../img/x.png` climbs above the \
         site root from `/kb/forsta/`
  |
8 | ![Bild](../../../img/x.png)
  | ^
  = hint: put images in static/img/ and write `/img/name.png`",
    );
    let (code, out) = kbgen(&dir, "check");
    assert_eq!(code, 1, "{out}");
    reports(&out, "content/guide/first.sv.md:6:4: error: the link");
    reports(&out, "content/guide/first.sv.md:8:1: error: the image");
}

#[test]
fn links_to_article_files_go_to_the_article_in_the_page_language() {
    let dir = site(
        "Se [andra](other.sv.md#en-rubrik), [engelska filen](./other.en.md) och \
         [uppifrån](../guide/other.sv.md) och [från roten](/content/guide/other.en.md).\n",
        "See [other](other.sv.md).\n",
    );
    let root = dir.root();
    builds(&dir);
    assert_eq!(
        attrs(root, "kb/forsta/index.html", "a", "href"),
        [
            "/kb/andra/#en-rubrik",
            "/kb/andra/",
            "/kb/andra/",
            "/kb/andra/"
        ]
    );
    assert_eq!(
        attrs(root, "en/kb/first/index.html", "a", "href"),
        ["/en/kb/other/"]
    );
    let (code, out) = kbgen(&dir, "check");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_link_to_a_file_that_is_no_article_is_an_error_with_the_nearest_key() {
    let dir = site("Se [andra](othr.sv.md#en-rubrik).\n", "Text.\n");
    let expected = "content/guide/first.sv.md:6:4: error: the link `othr.sv.md#en-rubrik` names \
         no article: no article has the key `guide/othr`
  |
6 | Se [andra](othr.sv.md#en-rubrik).
  |    ^
  = hint: did you mean `@/guide/other`?";
    let (code, out) = kbgen(&dir, "build");
    assert_eq!(code, 1, "{out}");
    reports(&out, expected);
    let (code, out) = kbgen(&dir, "check");
    assert_eq!(code, 1, "{out}");
    reports(&out, expected);
}

/// The old addresses of articles as the web servers' own redirects, beside the HTML pages.
#[test]
fn aliases_are_redirects_for_netlify_apache_and_nginx_too() {
    let site = Site::fixture("guide");
    let article = |title: &str, slug: &str, aliases: &str| {
        format!("---\ntitle: {title}\nslug: {slug}\nupdated: 2024-05-01\naliases: {aliases}\n---\nText.\n")
    };
    site.write(
        FIRST_SV,
        article(
            "Första",
            "forsta",
            r#"["/kb/gamla-forsta/", "/kb/äldre/", "/kb/med mellanslag/"]"#,
        ),
    );
    site.write(
        FIRST_EN,
        article("First", "first", r#"["/en/kb/old-first/"]"#),
    );
    site.succeeds();
    assert_eq!(
        site.read("public/_redirects"),
        "# Old addresses of articles (kbgen: aliases)
/en/kb/old-first/ /en/kb/first/ 301
/kb/gamla-forsta/ /kb/forsta/ 301
/kb/äldre/ /kb/forsta/ 301
"
    );
    assert_eq!(
        site.read("public/.htaccess"),
        "# Old addresses of articles (kbgen: aliases)
Redirect 301 /en/kb/old-first/ /en/kb/first/
Redirect 301 /kb/gamla-forsta/ /kb/forsta/
Redirect 301 /kb/äldre/ /kb/forsta/
"
    );
    assert_eq!(
        site.read("public/redirects.nginx.conf"),
        "# Old addresses of articles (kbgen: aliases). In the server block:
#   include redirects.nginx.conf;
#   if ($kbgen_redirect) { return 301 $kbgen_redirect; }
map $uri $kbgen_redirect {
    /en/kb/old-first/ /en/kb/first/;
    /kb/gamla-forsta/ /kb/forsta/;
    /kb/äldre/ /kb/forsta/;
}
"
    );
    // The address with a space is left to its HTML page, which every host serves.
    let page = site.read("public/kb/med mellanslag/index.html");
    assert!(page.contains("url=/kb/forsta/"), "{page}");

    // Without aliases, no such files.
    site.write(FIRST_SV, article("Första", "forsta", "[]"));
    site.write(FIRST_EN, article("First", "first", "[]"));
    site.succeeds();
    for name in ["_redirects", ".htaccess", "redirects.nginx.conf"] {
        assert!(!site.path("public").join(name).exists(), "{name}");
    }
}
