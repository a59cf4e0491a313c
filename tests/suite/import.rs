//! `kbgen import wordpress`, run as the real binary on the `basic` fixture (the seed article
//! and the empty categories the WordPress ids are mapped to): the written files are read back
//! as YAML, the import report and errors compared as text, and the imported seed article is
//! built and read with an HTML parser.

use crate::harness::{assert_same_files, copy, sel, snapshot, text, Run, Site, ROOT};
use scraper::{ElementRef, Html};
use std::path::Path;

/// The fixture with the WordPress fixtures in `wp/` and a map file.
fn site(map: &str) -> Site {
    let site = Site::fixture("basic");
    copy(
        &Path::new(ROOT).join("tests/fixtures/wordpress"),
        &site.path("wp"),
    );
    site.write("wordpress-map.yaml", map);
    site
}

const MAP: &str = "\
categories:
  400: email/basic-settings   # Grundinställningar
  401: email/clients
  402: email/webmail
  403: web-hosting/ftp
tags: { 399: e-post, 12: priser, 13: signature }
";

/// Runs kbgen in the site root, so paths in messages are relative to it.
fn kbgen(site: &Site, args: &[&str]) -> Run {
    site.kbgen_in(args)
}

fn stdout(o: &Run) -> String {
    o.stdout.clone()
}

fn stderr(o: &Run) -> String {
    o.stderr.clone()
}

fn ok(o: Run) -> Run {
    o.ok()
}

/// An article file cut into its front matter (as YAML data) and its body.
fn article(site: &Path, file: &str) -> (serde_yaml::Value, String) {
    let text = std::fs::read_to_string(site.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let rest = text.strip_prefix("---\n").expect("front matter");
    let (yaml, body) = rest.split_once("\n---\n").expect("closing ---");
    (serde_yaml::from_str(yaml).unwrap(), body.to_string())
}

fn y(v: &serde_yaml::Value, path: &str) -> serde_yaml::Value {
    let mut v = v.clone();
    for key in path.split('.') {
        v = match key.parse::<usize>() {
            Ok(i) => v.get(i).cloned(),
            Err(_) => v.get(key).cloned(),
        }
        .unwrap_or(serde_yaml::Value::Null);
    }
    v
}

fn s(v: &serde_yaml::Value, path: &str) -> String {
    y(v, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string"))
        .to_string()
}

fn texts(root: ElementRef, selector: &str) -> Vec<String> {
    root.select(&sel(selector)).map(text).collect()
}

const SEED_FILE: &str = "content/email/basic-settings/email-protocol-imap-vs-pop3.en.md";

#[test]
fn the_seed_article_imports_and_builds_like_the_old_page() {
    let site = site(MAP);
    let root = site.root();
    // The seed's English article has the same slug: the import replaces it.
    std::fs::remove_file(root.join("content/email/basic-settings/email-protocols.en.md")).unwrap();

    let out = ok(kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/seed-21799.json",
            "--locale",
            "en",
        ],
    ));
    let img = "https://kunskap.websupport.se/app/uploads/sites/4/2021/11";
    assert_eq!(
        stdout(&out),
        format!(
            "{SEED_FILE} <- wp/seed-21799.json (WordPress article 21799: Email protocol (IMAP vs POP3))
  line 75: image: {img}/chrome_fbGtn6xqX9-1.png, shown at 783×343 on the old site: download it into static/img/chrome_fbGtn6xqX9-1.png and change the src to /img/chrome_fbGtn6xqX9-1.png; it has no alt text: write one
  line 84: image: {img}/chrome_Kro8gyqpwm.png, shown at 783×609 on the old site: download it into static/img/chrome_Kro8gyqpwm.png and change the src to /img/chrome_Kro8gyqpwm.png; it has no alt text: write one
imported 1 article; 2 things to finish by hand (listed above)
"
        )
    );

    let (front, body) = article(root, SEED_FILE);
    assert_eq!(s(&front, "title"), "Email protocol (IMAP vs POP3)");
    assert_eq!(s(&front, "slug"), "email-protocol-imap-vs-pop3");
    assert_eq!(s(&front, "updated"), "2024-07-02");
    assert_eq!(s(&front, "level"), "beginner");
    assert_eq!(
        s(&front, "description"),
        "POP3, IMAP and SMTP protocols are used for communication (receiving and sending e-mail) with the e-mail server. An email client uses them to connect."
    );
    assert_eq!(
        y(&front, "tags"),
        serde_yaml::from_str::<serde_yaml::Value>("[e-post]").unwrap()
    );
    // The old URL is the new one: no alias.
    assert!(front.get("aliases").is_none());
    let keys: Vec<&str> = front
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "title",
            "slug",
            "description",
            "updated",
            "level",
            "tags",
            "server_tables"
        ]
    );
    assert_eq!(s(&front, "server_tables.imap.rows.1.host"), "imap.{domain}");
    assert_eq!(s(&front, "server_tables.smtp.rows.1.security"), "starttls");
    assert!(body.contains("### IMAP\n"), "{body}");
    assert!(body.contains("```servers imap\n```"), "{body}");
    assert!(
        !body.contains("Instruktioner"),
        "the label stays out of the body:\n{body}"
    );
    assert!(!body.contains("wp:") && !body.contains("style") && !body.contains("class"));

    ok(kbgen(&site, &["build"]));
    let page = root.join("public/en/kb/email-protocol-imap-vs-pop3/index.html");
    let doc = Html::parse_document(&std::fs::read_to_string(page).unwrap());
    let main = doc.select(&sel(".article")).next().expect("the article");

    assert_eq!(texts(main, "h1"), ["Email protocol (IMAP vs POP3)"]);
    assert_eq!(
        texts(main, ".badge.badge-beginner"),
        ["Instructions suitable for beginners"]
    );
    assert_eq!(
        texts(main, ".article-body h3"),
        [
            "IMAP",
            "POP3",
            "SMTP (Outgoing Mail Protocol)",
            "Enable and disable your protocol."
        ]
    );

    let tables: Vec<ElementRef> = main.select(&sel(".server-table table")).collect();
    assert_eq!(tables.len(), 3);
    let rows = |t: ElementRef| -> Vec<(String, String, String)> {
        t.select(&sel("tbody tr"))
            .map(|r| {
                let c: Vec<String> = r.select(&sel("th, td")).map(text).collect();
                (c[0].clone(), c[1].clone(), c[2].clone())
            })
            .collect()
    };
    let row = |h: &str, p: &str, s: &str| (h.to_string(), p.to_string(), s.to_string());
    let (ssl, tls, none) = (
        "Secure SSL connection",
        "Secure TLS connection (STARTTLS)",
        "Insecure connection",
    );
    assert_eq!(
        texts(main, ".server-table caption"),
        [
            "Incoming server settings for IMAP. We always recommend running SSL.",
            "Incoming server settings for POP3. We always recommend running SSL.",
            "Outgoing server settings (SMTP). We always recommend running SSL."
        ]
    );
    assert_eq!(
        rows(tables[0]),
        [
            row("imap.websupport.se", "993", ssl),
            row("imap.yourdomain.tld", "143", none)
        ]
    );
    assert_eq!(
        rows(tables[1]),
        [
            row("pop3.websupport.se", "995", ssl),
            row("pop3.yourdomain.tld", "110", none)
        ]
    );
    assert_eq!(
        rows(tables[2]),
        [
            row("smtp.websupport.se", "465", ssl),
            row("smtp.websupport.se", "587", tls),
            row("smtp.yourdomain.tld", "25", none)
        ]
    );

    let steps: Vec<ElementRef> = main.select(&sel(".article-body ol > li")).collect();
    assert_eq!(steps.len(), 6);
    assert_eq!(text(steps[0]), "Log in to the Control Panel»");
    let link = steps[0].select(&sel("a")).next().expect("the link");
    assert_eq!(
        link.value().attr("href"),
        Some("https://admin.websupport.se/")
    );
    assert_eq!(
        text(steps[2]),
        "In the left menu, click Email > Overview > Email."
    );
    assert_eq!(text(steps[5]), "Save settings");

    let images: Vec<&str> = main
        .select(&sel(".article-body img"))
        .map(|i| i.value().attr("src").unwrap())
        .collect();
    assert_eq!(
        images,
        [
            format!("{img}/chrome_fbGtn6xqX9-1.png"),
            format!("{img}/chrome_Kro8gyqpwm.png")
        ]
    );

    let updated = main.select(&sel(".updated time")).next().unwrap();
    assert_eq!(updated.value().attr("datetime"), Some("2024-07-02"));
    assert_eq!(text(updated), "Updated on 2 July 2024");
}

#[test]
fn odd_cases_are_converted_or_reported() {
    let site = site(MAP);
    let root = site.root();
    // No --locale: the site's default locale, Swedish.
    let out = ok(kbgen(&site, &["import", "wordpress", "wp/odd-cases.json"]));
    let file = "content/email/basic-settings/priser-och-villkor.sv.md";
    assert_eq!(
        stdout(&out),
        format!("{file} <- wp/odd-cases.json (WordPress article 501: Priser & villkor för “E-post” – allt du behöver veta…)
  metadata: it was also in the WordPress categories 401 (email/clients): kbgen keeps an article in one category, email/basic-settings
  link: the link to `javascript:alert(1)` was removed, its text kept: kbgen allows only http(s), mailto:, tel: and paths on the site
  table: the table starting `Paket Pris Lagring` is not a server table: it became a Markdown table; it had no header row, so its first row became the header
  line 13: caption: the server table `table1` has no caption; add one under server_tables.table1.caption
  line 49: element: an <iframe> (https://www.youtube.com/embed/abc123) became a link: embed it by hand if the page needs it
  line 53: image: https://kunskap.websupport.se/app/uploads/2022/01/pris.png, shown at 600×400 on the old site: download it into static/img/pris.png and change the src to /img/pris.png
  caption: an empty figure caption was dropped
  line 57: image: https://kunskap.websupport.se/app/uploads/2022/01/tom.png: download it into static/img/tom.png and change the src to /img/tom.png
  line 47: shortcode: the shortcode [gallery] is unknown: it was kept as text; rewrite it in Markdown
  element: <sup> has no Markdown form: its text was kept without it
imported 1 article; 10 things to finish by hand (listed above)
")
    );

    let (front, body) = article(root, file);
    // Entities decoded, and the YAML quotes what needs quoting.
    assert_eq!(
        s(&front, "title"),
        "Priser & villkor för “E-post” – allt du behöver veta…"
    );
    assert_eq!(s(&front, "slug"), "priser-och-villkor");
    assert_eq!(s(&front, "updated"), "2023-03-15");
    assert_eq!(s(&front, "level"), "beginner");
    // No Yoast description: the excerpt's text.
    assert_eq!(
        s(&front, "description"),
        "Här är våra priser & villkor – läs dem noga…"
    );
    assert_eq!(
        y(&front, "tags"),
        serde_yaml::from_str::<serde_yaml::Value>("[e-post, priser]").unwrap()
    );
    assert_eq!(
        y(&front, "aliases"),
        serde_yaml::from_str::<serde_yaml::Value>("[/kb/gamla-priser/]").unwrap()
    );
    // The server table without a caption: Swedish labels and dindomän.tld understood.
    let table = y(&front, "server_tables.table1");
    assert!(table.get("caption").is_none());
    assert_eq!(
        y(&table, "rows"),
        serde_yaml::from_str::<serde_yaml::Value>(
            "[{host: mail.websupport.se, port: 993, security: ssl}, {host: 'mail.{domain}', port: 143, security: none}]"
        )
        .unwrap()
    );

    for expected in [
        // the price table as GFM, its caption in italics
        "| Paket | Pris | Lagring |\n| --- | --- | --- |\n| **Bas** | 49 kr/mån | 10 GB |\n| Pro \\| Plus | 99 kr/mån | 50 GB |\n\n*Priser per månad, exklusive moms.*",
        "```servers table1\n```",
        "## Så här *gör* du",
        // nested lists
        "- Logga in\n  - med BankID\n  - eller med lösenord\n    1. skriv e-post\n    2. skriv lösenord\n- Välj **Priser**",
        // Shortcodes Ultimate's note as an alert, an unknown shortcode kept as text
        "> [!NOTE]\n> Obs! Priserna kan ändras.",
        "\\[gallery ids=\"12,13\"\\]",
        // the iframe as a link, the caption under it
        "[Så byter du paket](https://www.youtube.com/embed/abc123)\n\n*Video: så byter du paket*",
        "![Prislistan i kontrollpanelen](https://kunskap.websupport.se/app/uploads/2022/01/pris.png)\n\n*Prislistan i kontrollpanelen.*",
        "Se även den här länken och [prislistan](https://www.websupport.se/priser/).",
    ] {
        assert!(body.contains(expected), "missing {expected:?} in:\n{body}");
    }
    assert!(!body.contains("javascript"), "{body}");

    // What was written builds.
    ok(kbgen(&site, &["build"]));
    let page =
        std::fs::read_to_string(root.join("public/kb/priser-och-villkor/index.html")).unwrap();
    let doc = Html::parse_document(&page);
    let main = doc.select(&sel(".article-body")).next().unwrap();
    assert_eq!(
        texts(main, ".server-table tbody td:nth-child(3)"),
        ["Säker SSL-anslutning", "Osäker anslutning"]
    );
    assert_eq!(
        texts(main, "table:not(.server-table table) thead th"),
        ["Paket", "Pris", "Lagring"]
    );
    assert_eq!(
        texts(main, ".alert > p:not(.alert-title)"),
        ["Obs! Priserna kan ändras."]
    );
    // The old URL redirects.
    assert!(root.join("public/kb/gamla-priser/index.html").is_file());
}

#[test]
fn a_file_may_hold_an_array_of_articles() {
    let site = site(MAP);
    let root = site.root();
    let out = ok(kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/two-articles.json",
            "--locale",
            "en",
        ],
    ));
    assert_eq!(
        stdout(&out),
        "content/email/webmail/webmail-signature.en.md <- wp/two-articles.json (WordPress article 601: Add a signature in webmail)
  converted faithfully
content/web-hosting/ftp/ftp-atkomst.en.md <- wp/two-articles.json (WordPress article 602: FTP access: yes, it's possible)
  metadata: the WordPress slug `ftp-%c3%a5tkomst` is not a kbgen slug (a-z, 0-9, dashes): it became `ftp-atkomst`
  metadata: its WordPress status is `draft`: it was imported as `draft: true`
imported 2 articles; 2 things to finish by hand (listed above)
"
    );
    let (front, body) = article(root, "content/email/webmail/webmail-signature.en.md");
    assert_eq!(
        s(&front, "description"),
        "How to add a signature: \"Settings\" > Identities."
    );
    assert!(front.get("aliases").is_none(), "the old URL is the new one");
    assert_eq!(
        body,
        "\nOpen **Settings** > **Identities**.\n\n1. Write the signature.\n2. Click *Save*.\n"
    );

    let (front, body) = article(root, "content/web-hosting/ftp/ftp-atkomst.en.md");
    assert_eq!(s(&front, "title"), "FTP access: yes, it's possible");
    assert_eq!(y(&front, "draft"), serde_yaml::Value::Bool(true));
    assert_eq!(
        y(&front, "aliases"),
        serde_yaml::from_str::<serde_yaml::Value>("[/en/kb/old-ftp-access/]").unwrap()
    );
    // A header row above server rows is kbgen's own: the table is still server data.
    assert_eq!(s(&front, "server_tables.table1.caption"), "FTP server.");
    assert_eq!(
        s(&front, "server_tables.table1.rows.0.security"),
        "starttls"
    );
    assert_eq!(body, "\n```servers table1\n```\n\nDone.\n");
    ok(kbgen(&site, &["build"]));
}

#[test]
fn a_folder_imports_its_json_files_and_skips_page_text() {
    let site = site(MAP);
    let root = site.root();
    let folder = root.join("seeds");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(root.join("wp/two-articles.json"), folder.join("002_a.txt")).unwrap();
    std::fs::write(folder.join("000_page.txt"), "1. Home\n  2. E-post\n").unwrap();
    std::fs::write(folder.join("readme.md"), "not looked at").unwrap();
    let out = ok(kbgen(
        &site,
        &["import", "wordpress", "seeds", "--locale", "en"],
    ));
    let report = stdout(&out);
    assert!(
        report.contains("skipped seeds/000_page.txt: not a JSON document\n"),
        "{report}"
    );
    assert!(report.ends_with("imported 2 articles; 2 things to finish by hand (listed above)\n"));
    assert!(root
        .join("content/email/webmail/webmail-signature.en.md")
        .is_file());
}

#[test]
fn every_unmapped_id_of_the_run_is_listed_and_nothing_is_written() {
    let site = site("categories: { 400: email/basic-settings }\n");
    let root = site.root();
    let out = kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/odd-cases.json",
            "wp/two-articles.json",
        ],
    );
    assert!(!out.status.success());
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "\
wp/odd-cases.json:1:1: error: these WordPress tag ids are not in wordpress-map.yaml: 399 (article 501), 12 (article 501)
  = hint: add them under `tags:` in wordpress-map.yaml, e.g. `399: <tag word>`
wp/odd-cases.json:1:1: error: this WordPress category id is not in wordpress-map.yaml: 401 (article 501)
  = hint: add it under `categories:` in wordpress-map.yaml, e.g. `401: <category folder under content/>`
wp/two-articles.json:1:1: error: these WordPress category ids are not in wordpress-map.yaml: 402 (article 601), 403 (article 602)
  = hint: add them under `categories:` in wordpress-map.yaml, e.g. `402: <category folder under content/>`
wp/two-articles.json:1:1: error: this WordPress tag id is not in wordpress-map.yaml: 13 (article 601)
  = hint: add it under `tags:` in wordpress-map.yaml, e.g. `13: <tag word>`
import failed with 4 errors; nothing was written
"
    );
    assert!(!root
        .join("content/email/basic-settings/priser-och-villkor.sv.md")
        .exists());
}

#[test]
fn a_mapped_folder_must_be_a_category() {
    let site = site("categories: { 400: email/no-such-folder, 401: email/clients }\ntags: { 399: e-post, 12: priser }\n");
    let out = kbgen(&site, &["import", "wordpress", "wp/odd-cases.json"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "\
wordpress-map.yaml:1:15: error: category 400 is mapped to `email/no-such-folder`, but content/email/no-such-folder/_category.yaml does not exist
  |
1 | categories: { 400: email/no-such-folder, 401: email/clients }
  |               ^
  = hint: create content/email/no-such-folder/_category.yaml with the category's titles, or map the id to an existing category
import failed with 1 error; nothing was written
"
    );
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let site = site(MAP);
    let root = site.root();
    let args = [
        "import",
        "wordpress",
        "wp/seed-21799.json",
        "--locale",
        "en",
    ];
    // The seed's English article is another file with the same slug: the import writes its
    // own file and warns that the build will see two articles on one URL.
    let first = ok(kbgen(&site, &args));
    assert!(
        stdout(&first).contains("\n  metadata: content/email/basic-settings/email-protocols.en.md already has the slug `email-protocol-imap-vs-pop3` in this language: the site will not build until one of the two changes"),
        "{}",
        stdout(&first)
    );
    std::fs::write(root.join(SEED_FILE), "edited by hand").unwrap();
    let out = kbgen(&site, &args);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        format!(
            "{SEED_FILE}:1:1: error: refusing to overwrite {SEED_FILE}: it already exists (article 21799 of wp/seed-21799.json)
  = hint: pass --force to replace it, or move it away first
import failed with 1 error; nothing was written
"
        )
    );
    assert_eq!(
        std::fs::read_to_string(root.join(SEED_FILE)).unwrap(),
        "edited by hand"
    );

    let mut forced = args.to_vec();
    forced.push("--force");
    ok(kbgen(&site, &forced));
    assert!(std::fs::read_to_string(root.join(SEED_FILE))
        .unwrap()
        .starts_with("---\ntitle: Email protocol (IMAP vs POP3)\n"));
}

#[test]
fn malformed_json_is_reported_with_line_and_column() {
    let site = site(MAP);
    let root = site.root();
    std::fs::write(
        root.join("wp/broken.json"),
        "{\n  \"id\": 1,\n  \"slug\": \"x\"\n  \"modified\": \"2024-01-01T00:00:00\"\n}\n",
    )
    .unwrap();
    // Columns count characters: å, ä and ö are two bytes each.
    std::fs::write(
        root.join("wp/broken2.json"),
        "{\"slug\": \"åäö\" \"id\": 1}",
    )
    .unwrap();
    std::fs::write(
        root.join("wp/not-an-article.json"),
        "{\n  \"id\": 2,\n  \"title\": {\"rendered\": \"x\"}\n}\n",
    )
    .unwrap();
    let out = kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/broken.json",
            "wp/broken2.json",
            "wp/not-an-article.json",
        ],
    );
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "\
wp/broken.json:4:3: error: expected `,` or `}`
  |
4 |   \"modified\": \"2024-01-01T00:00:00\"
  |   ^
  = hint: the file is not valid JSON: save the API's answer exactly as it came
wp/broken2.json:1:16: error: expected `,` or `}`
  |
1 | {\"slug\": \"åäö\" \"id\": 1}
  |                ^
  = hint: the file is not valid JSON: save the API's answer exactly as it came
wp/not-an-article.json:4:1: error: missing field `modified`
  |
4 | }
  | ^
  = hint: wp/not-an-article.json should hold an article as /wp-json/wp/v2/ht-kb/<id> returns it, or an array of them
import failed with 3 errors; nothing was written
"
    );
}

#[test]
fn an_unknown_locale_is_an_error() {
    let site = site(MAP);
    let out = kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/seed-21799.json",
            "--locale",
            "de",
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).starts_with("kbgen.yaml:1:1: error: --locale de: the site has no such locale\n  = hint: the locales in kbgen.yaml are: sv, en\n"),
        "{}",
        stderr(&out)
    );
}

/// The map names a category folder that is a symbolic link out of content/: nothing is
/// written there.
#[test]
fn an_import_never_writes_outside_content() {
    let site = site("categories: { 400: linked }\ntags: { 399: e-post }\n");
    let root = site.root();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("_category.yaml"),
        "title: { sv: Ute, en: Out }\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("content/linked")).unwrap();
    let out = kbgen(&site, &["import", "wordpress", "wp/seed-21799.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "content/linked/email-protocol-imap-vs-pop3.sv.md:1:1: error: \
         content/linked/email-protocol-imap-vs-pop3.sv.md would be written outside content/ \
         (a folder on its way is a symbolic link)\n  = hint: kbgen imports articles only into \
         the site's content/ folder\nimport failed with 1 error; nothing was written\n"
    );
    let names: Vec<_> = std::fs::read_dir(outside.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["_category.yaml"]);
}

#[test]
fn an_export_file_imports_its_published_articles_and_reports_the_rest() {
    let site = site(MAP);
    let root = site.root();
    let out = ok(kbgen(&site, &["import", "wordpress", "wp/kb-sv.xml"]));
    let file = "content/email/basic-settings/byt-losenord.sv.md";
    assert_eq!(
        stdout(&out),
        format!(
            "{file} <- wp/kb-sv.xml (WordPress article 501: Byt lösenord <för> e-post & webbmejl)
  converted faithfully
skipped wp/kb-sv.xml: line 37: ht_kb 502 “Ett utkast” is draft: only published items are imported
imported 1 article; nothing to finish by hand
"
        )
    );
    let (front, body) = article(root, file);
    assert_eq!(s(&front, "title"), "Byt lösenord <för> e-post & webbmejl");
    assert_eq!(s(&front, "updated"), "2024-05-06");
    assert_eq!(
        s(&front, "description"),
        "Så byter du lösenordet till en e-postadress."
    );
    assert_eq!(
        y(&front, "tags"),
        serde_yaml::from_str::<serde_yaml::Value>("[e-post]").unwrap()
    );
    // The classic editor's blank lines are paragraphs, its single line breaks stay breaks.
    assert_eq!(
        body.trim(),
        "Logga in i kontrollpanelen.\\\nVälj **E-post**.\n\nSkriv det nya lösenordet två gånger.\n\n- Minst tolv tecken"
    );
    // A post of another type is not an article unless asked for.
    assert!(!root
        .join("content/email/basic-settings/nyheter-i-juni.sv.md")
        .exists());
    ok(site.kbgen_in(&["build"]));
    let html = Html::parse_document(
        &std::fs::read_to_string(root.join("public/kb/byt-losenord/index.html")).unwrap(),
    );
    assert_eq!(
        texts(html.root_element(), "h1"),
        ["Byt lösenord <för> e-post & webbmejl"]
    );
    assert_eq!(
        texts(html.root_element(), ".article-body p"),
        [
            "Logga in i kontrollpanelen. Välj E-post.",
            "Skriv det nya lösenordet två gånger."
        ]
    );
    assert_eq!(
        html.select(&sel(".article-body p:first-of-type br"))
            .count(),
        1
    );
}

#[test]
fn other_post_types_are_taken_when_asked() {
    let site = site(MAP);
    let out = kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/kb-sv.xml",
            "--post-type",
            "ht_kb,post",
        ],
    );
    // The blog post has no category: the run stops, naming it, and writes nothing.
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "\
wp/kb-sv.xml:51:1: error: post 503 “Nyheter i juni” has no category
  = hint: kbgen keeps every article in a category folder; give it a category in WordPress, or name a folder for such articles with --uncategorized FOLDER
import failed with 1 error; nothing was written
"
    );
    assert!(!site
        .root()
        .join("content/email/basic-settings/byt-losenord.sv.md")
        .exists());
    // Given a folder for them, articles without a category go there.
    let args = [
        "import",
        "wordpress",
        "wp/kb-sv.xml",
        "--post-type",
        "ht_kb,post",
    ];
    let out = kbgen(
        &site,
        &[&args[..], &["--uncategorized", "email/clients"]].concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("content/email/basic-settings/byt-losenord.sv.md <- "));
    let (front, _) = article(site.root(), "content/email/clients/nyheter-i-juni.sv.md");
    assert_eq!(s(&front, "title"), "Nyheter i juni");
    // A folder that is no category is refused before anything is read.
    let out = kbgen(
        &site,
        &[&args[..], &["--uncategorized", "sidor", "--force"]].concat(),
    );
    assert_eq!(
        stderr(&out),
        "content/sidor/_category.yaml:1:1: error: --uncategorized sidor: there is no category folder content/sidor/_category.yaml
  = hint: create content/sidor/_category.yaml with the category's titles (e.g. `title: { sv: Sidor, en: Pages }`), or name an existing category folder
import failed with 1 error; nothing was written
"
    );
}

#[test]
fn an_export_without_a_map_makes_its_categories_and_a_second_language_adds_its_titles() {
    let site = site(MAP);
    let root = site.root();
    std::fs::remove_file(root.join("wordpress-map.yaml")).unwrap();
    let out = ok(kbgen(&site, &["import", "wordpress", "wp/kb-sv.xml"]));
    assert_eq!(
        stdout(&out),
        "content/grundinstallningar/_category.yaml <- wp/kb-sv.xml (WordPress category 400: Grundinställningar)
content/grundinstallningar/byt-losenord.sv.md <- wp/kb-sv.xml (WordPress article 501: Byt lösenord <för> e-post & webbmejl)
  converted faithfully
skipped wp/kb-sv.xml: line 37: ht_kb 502 “Ett utkast” is draft: only published items are imported
imported 1 article; nothing to finish by hand
"
    );
    let (front, _) = article(root, "content/grundinstallningar/byt-losenord.sv.md");
    assert_eq!(
        y(&front, "tags"),
        serde_yaml::from_str::<serde_yaml::Value>("[e-post]").unwrap()
    );
    // The English export's category has the same slug: its title joins the Swedish one. Its
    // child matches no category, and an import in another language than the default one makes
    // none: the run stops there, until the map names a folder for it.
    let category = root.join("content/grundinstallningar/_category.yaml");
    let swedish = std::fs::read_to_string(&category).unwrap();
    let en = ["import", "wordpress", "wp/kb-en.xml", "--locale", "en"];
    let out = kbgen(&site, &en);
    assert_eq!(
        stderr(&out),
        "wp/kb-en.xml:12:1: error: the en category 701 “Passwords” matches no category: content/grundinstallningar/passwords/_category.yaml does not exist
  = hint: import the sv export first (a category with the same slug path is the same category), or map 701 to a category folder in the map file
import failed with 1 error; nothing was written
"
    );
    assert_eq!(std::fs::read_to_string(&category).unwrap(), swedish);
    site.write(
        "wordpress-map.yaml",
        "categories: { 701: grundinstallningar }\n",
    );
    let out = ok(kbgen(&site, &en));
    assert_eq!(
        stdout(&out),
        "content/grundinstallningar/_category.yaml <- wp/kb-en.xml (WordPress category 700: Basic settings): its title added
content/grundinstallningar/change-password.en.md <- wp/kb-en.xml (WordPress article 801: Change your email password)
  converted faithfully
content/grundinstallningar/set-up-email.en.md <- wp/kb-en.xml (WordPress article 802: Set up your email)
  converted faithfully
content/grundinstallningar/secure-connection.en.md <- wp/kb-en.xml (WordPress article 803: Secure connection)
  converted faithfully
imported 3 articles; nothing to finish by hand
"
    );
    assert_eq!(
        std::fs::read_to_string(&category).unwrap(),
        "# Written by kbgen import wordpress; an import in another language adds its titles here.
title: { en: \"Basic settings\", sv: \"Grundinställningar\" }
description: { en: \"What you need to get started.\" }
"
    );
    let (front, _) = article(root, "content/grundinstallningar/change-password.en.md");
    assert_eq!(
        y(&front, "tags"),
        serde_yaml::from_str::<serde_yaml::Value>("[email]").unwrap()
    );
    ok(site.kbgen_in(&["build"]));
    let page = |path: &str| {
        Html::parse_document(&std::fs::read_to_string(root.join("public").join(path)).unwrap())
    };
    assert_eq!(
        texts(page("grundinstallningar/index.html").root_element(), "h1"),
        ["Grundinställningar"]
    );
    assert_eq!(
        texts(page("en/basic-settings/index.html").root_element(), "h1"),
        ["Basic settings"]
    );
}

#[test]
fn a_malformed_export_is_reported_with_line_and_column() {
    let site = site(MAP);
    let root = site.root();
    let text = std::fs::read_to_string(root.join("wp/kb-sv.xml")).unwrap();
    std::fs::write(
        root.join("wp/cut.xml"),
        text.replace("</wp:post_name>", "</wp:post_nam>"),
    )
    .unwrap();
    std::fs::write(
        root.join("wp/atom.xml"),
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>\n",
    )
    .unwrap();
    let out = kbgen(&site, &["import", "wordpress", "wp/cut.xml", "wp/atom.xml"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "\
wp/atom.xml:1:1: error: this is not a WordPress export: its root is <feed>, with no WordPress elements (wp:…) in an RSS channel
  |
1 | <feed xmlns=\"http://www.w3.org/2005/Atom\"/>
  | ^
  = hint: use the file WordPress writes under Tools → Export (WXR), or pass the REST API's JSON files
wp/cut.xml:29:39: error: the export is not well-formed XML: expected 'wp:post_name' tag, not 'wp:post_nam'
   |
29 | <wp:post_name><![CDATA[byt-losenord]]></wp:post_nam>
   |                                       ^
  = hint: export the site again (WordPress: Tools → Export); a file cut short or edited by hand is often the cause
import failed with 2 errors; nothing was written
"
    );
}

#[test]
fn notes_boxes_and_spoilers_of_an_export_become_alerts_and_collapsible_sections() {
    let site = site(MAP);
    let root = site.root();
    let out = ok(kbgen(&site, &["import", "wordpress", "wp/kb-faq.xml"]));
    // The plugin's shortcodes are known: none is reported as kept as text.
    assert!(
        stdout(&out).contains("  converted faithfully\n"),
        "{}",
        stdout(&out)
    );
    let (_, body) = article(root, "content/email/basic-settings/saker-anslutning.sv.md");
    assert_eq!(
        body.trim(),
        "Välj alltid en krypterad anslutning.

> [!NOTE]
> Lösenordet till e-postkontot är inte lösenordet till kontrollpanelen.

> [!NOTE]
> **Tips**
>
> Använd port 993 för IMAP.
>
> Och 465 för SMTP.

## Vanliga frågor

### Vad är STARTTLS? {.collapsible}

Ett sätt att kryptera en anslutning som börjar okrypterad.

### Vad är SSL? {.collapsible}

Äldre namn på TLS.

### Och port 25? {.collapsible}

Används inte av e-postprogram.

---

Hör av dig till supporten om inget hjälper."
    );
    // With raw HTML rejected, as the shipped site does: all of it is Markdown.
    site.replace("kbgen.yaml", "raw_html: allow", "raw_html: reject");
    ok(site.kbgen_in(&["build"]));
    let html = Html::parse_document(
        &std::fs::read_to_string(root.join("public/kb/saker-anslutning/index.html")).unwrap(),
    );
    let page = html.root_element();
    assert_eq!(
        texts(page, ".article-body .alert-title"),
        ["Observera", "Observera"]
    );
    assert_eq!(
        texts(page, ".article-body details.collapsible > summary > h3"),
        ["Vad är STARTTLS?", "Vad är SSL?", "Och port 25?"]
    );
    assert_eq!(
        texts(page, ".article-body details.collapsible > p"),
        [
            "Ett sätt att kryptera en anslutning som börjar okrypterad.",
            "Äldre namn på TLS.",
            "Används inte av e-postprogram."
        ]
    );
    assert_eq!(
        texts(page, ".article-body > p"),
        [
            "Välj alltid en krypterad anslutning.",
            "Hör av dig till supporten om inget hjälper."
        ]
    );
}

/// The published posts and pages of a real export, and the ids of the others, read with an
/// XML parser of its own (not the importer's).
fn posts_and_pages(xml: &str) -> (usize, Vec<String>) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let (mut published, mut others) = (0, Vec::new());
    for item in doc.descendants().filter(|n| n.has_tag_name("item")) {
        let field = |name: &str| {
            item.children()
                .find(|c| c.tag_name().name() == name)
                .and_then(|c| c.text())
                .unwrap_or("")
                .to_string()
        };
        if !["post", "page"].contains(&field("post_type").as_str()) {
            continue;
        }
        match field("status").as_str() {
            "publish" => published += 1,
            _ => others.push(field("post_id")),
        }
    }
    (published, others)
}

#[test]
fn the_theme_teams_real_exports_import_into_a_site_that_builds_and_checks() {
    let shared = Path::new(ROOT).join("../shared/wordpress");
    for export in ["themeunittestdata.wordpress.xml", "theme-preview.xml"] {
        let file = shared.join(export);
        let (published, others) = posts_and_pages(&std::fs::read_to_string(&file).unwrap());
        let site = Site::shipped();
        site.write(
            "content/pages/_category.yaml",
            "title: { sv: Sidor, en: Pages }\n",
        );
        let run = site.kbgen_in(&[
            "import",
            "wordpress",
            file.to_str().unwrap(),
            "--post-type",
            "post,page",
            "--uncategorized",
            "pages",
        ]);
        assert!(run.success(), "{export}:\n{}", run.stderr);
        let out = stdout(&run);
        let last = out.lines().last().unwrap();
        let imported = format!("imported {published} articles; ");
        assert!(last.starts_with(&imported), "{export}: {last}");
        let skipped: Vec<&str> = out
            .lines()
            .filter(|l| {
                l.starts_with("skipped ") && l.ends_with(": only published items are imported")
            })
            .collect();
        assert_eq!(skipped.len(), others.len(), "{export}: {skipped:?}");
        for id in &others {
            assert!(
                skipped.iter().any(|l| l.contains(&format!(" {id} “"))),
                "{export}: {id} is not listed as skipped: {skipped:?}"
            );
        }
        let written = out.lines().filter(|l| l.contains(".sv.md <- ")).count();
        assert_eq!(written, published, "{export}");
        // What was written builds and passes the checks (warnings are fine).
        let build = site.kbgen_in(&["build"]);
        assert!(build.success(), "{export}:\n{}", build.stderr);
        let check = site.kbgen_in(&["check"]);
        assert!(check.success(), "{export}:\n{}", check.stderr);
        assert!(
            check.stderr.contains("\n0 errors, "),
            "{export}:\n{}",
            check.stderr
        );
    }
}

#[test]
fn a_second_language_is_paired_with_the_first_by_a_proposal_a_person_confirms() {
    let site = site("categories: { 701: grundinstallningar }\n");
    let root = site.root();
    for export in ["wp/kb-sv.xml", "wp/kb-faq.xml"] {
        ok(kbgen(&site, &["import", "wordpress", export]));
    }
    let en = ["import", "wordpress", "wp/kb-en.xml", "--locale", "en"];
    let before = snapshot(&root.join("content"));
    let out = ok(kbgen(
        &site,
        &[&en[..], &["--propose-pairs", "pairs.yaml"]].concat(),
    ));
    assert_eq!(
        stdout(&out),
        "proposed 1 of 3 articles as translations in pairs.yaml; check it, then import with --pairs pairs.yaml\n"
    );
    // Only the proposal is written.
    assert_same_files(&before, &snapshot(&root.join("content")));
    let proposal = site.read("pairs.yaml");
    assert_eq!(
        proposal,
        "# Translations proposed by kbgen import wordpress for wp/kb-en.xml (en): each article's
# WordPress id, and the key of the sv article it translates (~: none). Check each
# line, correct or clear it, then import again with --pairs and this file.
801: ~   # \"Change your email password\": no sv article is alike
802: ~   # \"Set up your email\": no sv article is alike
803: grundinstallningar/saker-anslutning   # 0.75 \"Secure connection\" ~ \"Säker anslutning\": num:25, num:465, num:993
"
    );
    // Not twice without --force.
    let again = kbgen(
        &site,
        &[&en[..], &["--propose-pairs", "pairs.yaml"]].concat(),
    );
    assert_eq!(
        stderr(&again),
        "pairs.yaml:1:1: error: refusing to overwrite pairs.yaml: it already exists\n  = hint: pass --force to replace it, or name another file\nimport failed with 1 error; nothing was written\n"
    );

    // The writer knows the password article is the other one's translation, and says so.
    site.write(
        "pairs.yaml",
        proposal.replace("801: ~", "801: grundinstallningar/byt-losenord"),
    );
    let out = ok(kbgen(
        &site,
        &[&en[..], &["--pairs", "pairs.yaml"]].concat(),
    ));
    let printed = stdout(&out);
    let written: Vec<&str> = printed
        .lines()
        .filter(|l| l.contains(" <- "))
        .map(|l| l.split(" <- ").next().unwrap())
        .collect();
    assert_eq!(
        written,
        [
            "content/grundinstallningar/_category.yaml",
            "content/grundinstallningar/byt-losenord.en.md",
            "content/grundinstallningar/set-up-email.en.md",
            "content/grundinstallningar/saker-anslutning.en.md",
        ]
    );
    let (front, _) = article(root, "content/grundinstallningar/saker-anslutning.en.md");
    assert_eq!(s(&front, "slug"), "secure-connection");
    // The pairs are translations of each other: each page names the other as its language version.
    ok(site.kbgen_in(&["build"]));
    let alternates = |page: &str| {
        let html =
            Html::parse_document(&std::fs::read_to_string(root.join("public").join(page)).unwrap());
        html.select(&sel("link[rel=alternate][hreflang=en]"))
            .filter_map(|l| l.value().attr("href").map(str::to_string))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        alternates("kb/saker-anslutning/index.html"),
        ["https://kunskap.websupport.se/en/kb/secure-connection/"]
    );
    assert_eq!(
        alternates("kb/byt-losenord/index.html"),
        ["https://kunskap.websupport.se/en/kb/change-password/"]
    );

    // A pair with no such article is an error at its line.
    site.write("pairs.yaml", "803: grundinstallningar/ingen\n");
    let bad = kbgen(
        &site,
        &[&en[..], &["--pairs", "pairs.yaml", "--force"]].concat(),
    );
    assert_eq!(
        stderr(&bad),
        "pairs.yaml:1:1: error: article 803 is paired with `grundinstallningar/ingen`, but content/grundinstallningar/ingen.sv.md does not exist
  |
1 | 803: grundinstallningar/ingen
  | ^
  = hint: write the key of a sv article (its path under content/ without .sv.md), or ~ for none
import failed with 1 error; nothing was written
"
    );
}

#[test]
fn images_come_from_the_uploads_folder_as_originals_with_their_attachments_alt_text() {
    let site = site(MAP);
    let root = site.root();
    let out = ok(kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/kb-images.xml",
            "--uploads",
            "wp/uploads",
        ],
    ));
    assert_eq!(
        stdout(&out),
        "content/email/basic-settings/imap-i-bilder.sv.md <- wp/kb-images.xml (WordPress article 610: IMAP i bilder)
  line 11: image: https://kunskap.example.se/app/uploads/2024/05/saknas.png (not in the uploads folder: no wp/uploads/2024/05/saknas.png): download it into static/img/saknas.png and change the src to /img/saknas.png
imported 1 article and 1 image; 1 thing to finish by hand (listed above)
"
    );
    // The original upload, not the size the page showed, byte for byte.
    assert_eq!(
        std::fs::read(root.join("static/img/2024/05/imap-settings.png")).unwrap(),
        std::fs::read(root.join("wp/uploads/2024/05/imap-settings.png")).unwrap()
    );
    assert!(!root
        .join("static/img/2024/05/imap-settings-300x200.png")
        .exists());
    let (_, body) = article(root, "content/email/basic-settings/imap-i-bilder.sv.md");
    assert!(
        body.contains("![Inställningar för IMAP i Thunderbird](/img/2024/05/imap-settings.png)"),
        "{body}"
    );
    ok(site.kbgen_in(&["build"]));
    let html = Html::parse_document(
        &std::fs::read_to_string(root.join("public/kb/imap-i-bilder/index.html")).unwrap(),
    );
    let img = html
        .select(&sel(".article-body img[src^='/img/']"))
        .next()
        .expect("the copied image");
    assert_eq!(
        img.value().attr("alt"),
        Some("Inställningar för IMAP i Thunderbird")
    );
    assert_eq!(
        (img.value().attr("width"), img.value().attr("height")),
        (Some("48"), Some("32"))
    );
    // A different file already at the copy's place is not replaced; a missing folder is an error.
    std::fs::write(root.join("static/img/2024/05/imap-settings.png"), b"mine").unwrap();
    let again = kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/kb-images.xml",
            "--uploads",
            "wp/uploads",
        ],
    );
    assert!(stderr(&again).starts_with(
        "content/email/basic-settings/imap-i-bilder.sv.md:1:1: error: refusing to overwrite"
    ));
    assert!(
        stderr(&again).contains("static/img/2024/05/imap-settings.png:1:1: error: refusing to overwrite static/img/2024/05/imap-settings.png: it differs from "),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read(root.join("static/img/2024/05/imap-settings.png")).unwrap(),
        b"mine"
    );
    let none = kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/kb-images.xml",
            "--uploads",
            "nowhere",
        ],
    );
    assert!(
        stderr(&none)
            .starts_with("nowhere:1:1: error: --uploads nowhere: there is no such folder\n"),
        "{}",
        stderr(&none)
    );
}

#[test]
fn the_migration_report_is_a_table_of_every_article_and_what_is_left_to_do() {
    let site = site(MAP);
    let root = site.root();
    std::fs::remove_file(root.join("wordpress-map.yaml")).unwrap();
    let run = [
        "import",
        "wordpress",
        "wp/kb-sv.xml",
        "wp/kb-images.xml",
        "--uploads",
        "wp/uploads",
        "--report",
        "report.md",
    ];
    ok(kbgen(&site, &run));
    assert_eq!(
        site.read("report.md"),
        "# Migration report

2 articles, 1 thing to finish by hand.

| WordPress | Title | File | To finish by hand |
| --- | --- | --- | --- |
| wp/kb-sv.xml 501 | Byt lösenord &lt;för> e-post & webbmejl | `content/grundinstallningar/byt-losenord.sv.md` | — |
| wp/kb-images.xml 610 | IMAP i bilder | `content/grundinstallningar/imap-i-bilder.sv.md` | line 11: image: https://kunskap.example.se/app/uploads/2024/05/saknas.png (not in the uploads folder: no wp/uploads/2024/05/saknas.png): download it into static/img/saknas.png and change the src to /img/saknas.png |

## Categories

| WordPress | Name | File |
| --- | --- | --- |
| wp/kb-sv.xml 400 | Grundinställningar | `content/grundinstallningar/_category.yaml` |

## Skipped

- wp/kb-sv.xml: line 37: ht_kb 502 “Ett utkast” is draft: only published items are imported
"
    );
    // A report already there is not replaced without --force.
    let again = kbgen(&site, &run);
    assert!(
        stderr(&again).starts_with(
            "report.md:1:1: error: refusing to overwrite report.md: it already exists\n"
        ),
        "{}",
        stderr(&again)
    );
}

#[test]
fn an_unknown_post_type_is_said_and_two_articles_at_one_address_are_an_error() {
    let site = site(MAP);
    let out = ok(kbgen(
        &site,
        &[
            "import",
            "wordpress",
            "wp/kb-sv.xml",
            "--post-type",
            "ht_kb,product",
        ],
    ));
    assert!(
        stdout(&out).contains(
            "skipped wp/kb-sv.xml: no items of the post type `product` (the export's post types: ht_kb (2), post (1))\n"
        ),
        "{}",
        stdout(&out)
    );
    // Two articles with one slug in two categories: one address for both.
    let item = |id: u64, term: &str, line_title: &str| {
        format!(
            "<item><title>{line_title}</title><link>https://x.se/kb/dubbel/</link><content:encoded><![CDATA[Text.]]></content:encoded>\
             <wp:post_id>{id}</wp:post_id><wp:post_date>2024-01-01 00:00:00</wp:post_date><wp:post_name>dubbel</wp:post_name>\
             <wp:status>publish</wp:status><wp:post_type>ht_kb</wp:post_type>\
             <category domain=\"ht_kb_category\" nicename=\"{term}\"><![CDATA[{term}]]></category></item>\n"
        )
    };
    site.write(
        "wp/twice.xml",
        format!(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\n\
             <wp:wxr_version>1.2</wp:wxr_version>\n\
             <wp:term><wp:term_id>400</wp:term_id><wp:term_taxonomy>ht_kb_category</wp:term_taxonomy><wp:term_slug>a</wp:term_slug><wp:term_name>A</wp:term_name></wp:term>\n\
             <wp:term><wp:term_id>401</wp:term_id><wp:term_taxonomy>ht_kb_category</wp:term_taxonomy><wp:term_slug>b</wp:term_slug><wp:term_name>B</wp:term_name></wp:term>\n\
             {}{}</channel></rss>\n",
            item(1, "a", "Första"),
            item(2, "b", "Andra")
        ),
    );
    let out = kbgen(&site, &["import", "wordpress", "wp/twice.xml", "--force"]);
    assert_eq!(
        stderr(&out),
        "wp/twice.xml:7:1: error: article 2 has the slug `dubbel` of article 1 (wp/twice.xml): both would be at /kb/dubbel/
  = hint: a slug names one article per language; change one of them in WordPress or after the import
import failed with 1 error; nothing was written
"
    );
}

#[test]
fn a_translation_plugins_data_pairs_the_languages_of_one_export() {
    let site = site("");
    let root = site.root();
    let en = ["import", "wordpress", "wp/polylang.xml", "--locale", "en"];
    // The English articles first: their pairs are not on the site yet.
    assert_eq!(
        stderr(&kbgen(&site, &en)),
        "wp/polylang.xml:30:1: error: article 702 translates content/grundinstallningar/byt-losenord.sv.md, which the site does not have
  = hint: import the export's sv articles first (without --locale)
wp/polylang.xml:56:1: error: article 706 translates content/grundinstallningar/port-587.sv.md, which the site does not have
  = hint: import the export's sv articles first (without --locale)
import failed with 2 errors; nothing was written
"
    );
    let out = ok(kbgen(&site, &["import", "wordpress", "wp/polylang.xml"]));
    assert!(
        stdout(&out).contains(
            "skipped wp/polylang.xml: line 30: ht_kb 702 is in `en`: import it with --locale en\n"
        ),
        "{}",
        stdout(&out)
    );
    let out = ok(kbgen(&site, &en));
    assert_eq!(
        stdout(&out),
        "content/grundinstallningar/byt-losenord.en.md <- wp/polylang.xml (WordPress article 702: Change your password)
  converted faithfully
content/grundinstallningar/port-587.en.md <- wp/polylang.xml (WordPress article 706: Port 587 (English))
  converted faithfully
skipped wp/polylang.xml: line 17: ht_kb 701 is in `sv`: import it without --locale
skipped wp/polylang.xml: line 43: ht_kb 705 is in `sv`: import it without --locale
imported 2 articles; nothing to finish by hand
"
    );
    let (front, _) = article(root, "content/grundinstallningar/port-587.en.md");
    assert_eq!(s(&front, "slug"), "port-587-en");
    ok(site.kbgen_in(&["build"]));
    let page = std::fs::read_to_string(root.join("public/kb/byt-losenord/index.html")).unwrap();
    let html = Html::parse_document(&page);
    let alternate: Vec<&str> = html
        .select(&sel("link[rel=alternate][hreflang=en]"))
        .filter_map(|l| l.value().attr("href"))
        .collect();
    assert_eq!(
        alternate,
        ["https://kunskap.websupport.se/en/kb/change-password/"]
    );
}

#[test]
fn the_seed_article_from_an_export_is_the_same_file_as_from_the_rest_api() {
    let written = |input: &str| {
        let site = site(MAP);
        let root = site.root();
        std::fs::remove_file(root.join(SEED_FILE)).ok();
        std::fs::remove_file(root.join("content/email/basic-settings/email-protocols.en.md")).ok();
        ok(kbgen(
            &site,
            &["import", "wordpress", input, "--locale", "en"],
        ));
        std::fs::read_to_string(root.join(SEED_FILE)).unwrap()
    };
    let from_json = written("wp/seed-21799.json");
    assert!(from_json.contains("```servers imap"), "{from_json}");
    assert_eq!(written("wp/seed-en.xml"), from_json);
}
