//! The writers' and translators' commands, run as they would run them: `kbgen check` on a
//! site with every kind of problem, `kbgen new`, `kbgen translated`, and `kbgen serve` seeing
//! an edit, an error and its fix, and reloading only the pages an edit changed. Each test
//! starts from the `help` fixture, whose seed article and categories the tests edit.

use crate::harness::{api, sel, text, Run, Site};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn copy_site() -> Site {
    Site::fixture("help")
}
const SEED_SV: &str = "content/email/basic-settings/email-protocols.sv.md";
const SEED_EN: &str = "content/email/basic-settings/email-protocols.en.md";
/// The Swedish seed's page, and its category's, as `kbgen serve` serves them.
const SEED_SV_PAGE: &str = "/kb/e-postprotokoll-imap-vs-pop3/";
const SEED_CATEGORY_PAGE: &str = "/e-post/grundinstallningar/";

fn kbgen(root: &Path, args: &[&str]) -> Run {
    Run::of(crate::harness::kbgen().args(args).arg("--root").arg(root))
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn append(root: &Path, file: &str, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(root.join(file))
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// The line of `file` (1-based) that starts with `prefix`.
fn line_of(root: &Path, file: &str, prefix: &str) -> u64 {
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    text.lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("{file}: no line starting with {prefix:?}")) as u64
        + 1
}

fn check_json(root: &Path) -> (i32, Value) {
    let out = kbgen(root, &["check", "--format", "json"]);
    let json = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    (out.status.code().unwrap(), json)
}

/// Asserts that the report holds a diagnostic at `file:line` of `severity` whose message
/// contains `message`.
fn has(report: &Value, severity: &str, file: &str, line: u64, message: &str) {
    let found = report["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["severity"] == severity
            && d["file"] == file
            && d["line"] == line
            && d["message"].as_str().unwrap().contains(message)
    });
    assert!(
        found,
        "no {severity} at {file}:{line} containing {message:?} in\n{report:#}"
    );
}

#[test]
fn check_reports_every_problem_with_file_and_line() {
    let site = copy_site();
    let root = site.root();
    // Fluent: a message no template uses, a translation with another variable, one missing.
    append(
        root,
        "locales/sv/main.ftl",
        "unused-message = Ingen använder mig\n",
    );
    edit(
        root,
        "locales/en/main.ftl",
        "article-updated = Updated on { $date }",
        "article-updated = Updated on { $when }",
    );
    edit(root, "locales/en/main.ftl", "feedback-no = No\n", "");
    // The Swedish source changed after its translation was marked translated.
    append(root, SEED_SV, "\nEn ny mening.\n");
    // Server data: rows that differ between languages, wrong security, a protocol on another
    // protocol's port, a host that is not a host name.
    edit(
        root,
        SEED_EN,
        "{ host: pop3.websupport.se, port: 995, security: ssl }",
        "{ host: pop3.websupport.se, port: 995, security: none }",
    );
    edit(
        root,
        SEED_SV,
        "{ host: imap.websupport.se, port: 993, security: ssl }",
        "{ host: imap.websupport.se, port: 995, security: ssl }",
    );
    edit(
        root,
        SEED_SV,
        "{ host: smtp.websupport.se, port: 465, security: ssl }",
        "{ host: smtp websupport.se, port: 465, security: ssl }",
    );
    // Broken links: to an article that does not exist and to a heading that does not.
    append(
        root,
        SEED_SV,
        "\nSe [fel](/kb/e-postprotokol-imap-vs-pop3/) och [rubrik](/kb/dns-poster/#nej).\n",
    );

    let (code, report) = check_json(root);
    assert_eq!(code, 1);
    let ftl_sv = "locales/sv/main.ftl";
    has(
        &report,
        "warning",
        ftl_sv,
        line_of(root, ftl_sv, "unused-message"),
        "`unused-message` is not used by any template",
    );
    let ftl_en = "locales/en/main.ftl";
    let updated = line_of(root, ftl_en, "article-updated");
    has(
        &report,
        "error",
        ftl_en,
        updated,
        "`article-updated` uses `$when` that the sv message does not have",
    );
    has(
        &report,
        "warning",
        ftl_en,
        updated,
        "the en `article-updated` does not show `$date`",
    );
    let status = &report["status"][0];
    // Both the deleted English message and the new Swedish one are missing in English.
    assert_eq!(
        status["missing_messages"],
        serde_json::json!(["feedback-no", "unused-message"])
    );
    assert_eq!(status["stale_articles"], serde_json::json!([SEED_EN]));
    assert_eq!(
        status["missing_articles"],
        serde_json::json!(["content/account/billing/ocr-number.sv.md"])
    );
    has(
        &report,
        "warning",
        SEED_EN,
        line_of(root, SEED_EN, "source_hash"),
        "stale translation",
    );
    has(
        &report,
        "warning",
        "content/account/billing/ocr-number.sv.md",
        1,
        "no en translation",
    );
    let pop3_en = line_of(root, SEED_EN, "pop3:");
    has(&report, "error", SEED_EN, pop3_en, "server table `pop3` has other rows than in content/email/basic-settings/email-protocols.sv.md");
    has(
        &report,
        "warning",
        SEED_EN,
        pop3_en,
        "port 995 is an SSL/TLS port, but the row says `none`",
    );
    let imap_sv = line_of(root, SEED_SV, "imap:");
    has(
        &report,
        "warning",
        SEED_SV,
        imap_sv,
        "imap.websupport.se is named for IMAP, but port 995 belongs to POP3",
    );
    has(
        &report,
        "error",
        SEED_SV,
        line_of(root, SEED_SV, "smtp:"),
        "`smtp websupport.se` is not a valid host name",
    );
    let links = line_of(root, SEED_SV, "Se [fel]");
    has(
        &report,
        "error",
        SEED_SV,
        links,
        "broken link: no page at `/kb/e-postprotokol-imap-vs-pop3/`",
    );
    has(
        &report,
        "error",
        SEED_SV,
        links,
        "broken link: `/kb/dns-poster/` has no heading `#nej`",
    );
    let hint = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("no page at"))
        .unwrap()["hint"]
        .clone();
    assert_eq!(
        hint,
        "did you mean `/kb/e-postprotokoll-imap-vs-pop3/`? Linked by its key, \
         `@/email/basic-settings/email-protocols`, it stays right when its slug changes"
    );

    // The text format says the same for people, and the status.
    let out = kbgen(root, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = out.stderr;
    assert!(stderr.contains(&format!("{SEED_SV}:{links}:")), "{stderr}");
    let stdout = out.stdout;
    assert!(
        stdout.contains(&format!("  stale: {SEED_EN}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("  missing message: feedback-no\n"),
        "{stdout}"
    );
}

#[test]
fn check_reports_what_build_rejects() {
    let site = copy_site();
    edit(site.root(), SEED_SV, "title:", "titel:");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    has(&report, "error", SEED_SV, 2, "unknown field `titel`");
}

#[test]
fn translated_marks_a_stale_translation_up_to_date() {
    let site = copy_site();
    let root = site.root();
    append(root, SEED_SV, "\nEn ny mening.\n");
    assert_eq!(check_json(root).1["status"][0]["articles"]["stale"], 1);
    let out = kbgen(root, &["translated", &root.join(SEED_EN).to_string_lossy()]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.starts_with(&format!("{SEED_EN}: source_hash ")));
    assert_eq!(check_json(root).1["status"][0]["articles"]["stale"], 0);
    // The source itself is not a translation.
    let out = kbgen(root, &["translated", &root.join(SEED_SV).to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("this is the source language"));
}

#[test]
fn new_writes_every_locale_and_the_site_builds() {
    let site = copy_site();
    let root = site.root();
    let out = kbgen(root, &["new", "email/webmail/forward-email"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "wrote content/email/webmail/forward-email.sv.md\nwrote content/email/webmail/forward-email.en.md\n"
    );
    let text =
        std::fs::read_to_string(root.join("content/email/webmail/forward-email.sv.md")).unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Forward email\"\nupdated: 20"),
        "{text}"
    );
    let out = kbgen(root, &["build"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(root.join("public/en/kb/forward-email/index.html").is_file());

    // Again: the article exists.
    let out = kbgen(root, &["new", "email/webmail/forward-email"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.starts_with(
        "content/email/webmail/forward-email.sv.md:1:1: error: the article already exists"
    ));
    // A category that does not exist, with a suggestion.
    let out = kbgen(root, &["new", "email/webmial/x"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = out.stderr;
    assert!(
        stderr.contains("error: `email/webmial` is not a category"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= hint: did you mean `email/webmail/x`?"),
        "{stderr}"
    );
}

/// The links of a built page, as (text, href).
fn links_of(root: &Path, page: &str) -> Vec<(String, String)> {
    let html = std::fs::read_to_string(root.join("public").join(page)).unwrap();
    let doc = scraper::Html::parse_document(&html);
    doc.select(&sel(".article-body a"))
        .map(|a| (text(a), a.value().attr("href").unwrap_or("").to_string()))
        .collect()
}

#[test]
fn links_by_key_go_to_the_article_in_the_page_language_and_follow_its_slug() {
    let site = copy_site();
    let root = site.root();
    let (sv, en) = (
        "content/account/billing/pay-invoice.sv.md",
        "content/account/billing/pay-invoice.en.md",
    );
    append(
        root,
        sv,
        "\nSe [protokollen](@/email/basic-settings/email-protocols#imap) och \
         [OCR-numret](@/account/billing/ocr-number).\n",
    );
    append(
        root,
        en,
        "\nSee [the protocols](@/email/basic-settings/email-protocols#imap) and \
         [the OCR number](@/account/billing/ocr-number) (in Swedish only).\n",
    );
    assert!(kbgen(root, &["build"]).status.success());
    let sv_links = links_of(root, "kb/betala-din-faktura/index.html");
    let en_links = links_of(root, "en/kb/pay-your-invoice/index.html");
    let href = |links: &[(String, String)], text: &str| {
        links
            .iter()
            .find(|(t, _)| t == text)
            .unwrap_or_else(|| panic!("no link {text:?} in {links:?}"))
            .1
            .clone()
    };
    assert_eq!(
        href(&sv_links, "protokollen"),
        "/kb/e-postprotokoll-imap-vs-pop3/#imap"
    );
    assert_eq!(
        href(&en_links, "the protocols"),
        "/en/kb/email-protocol-imap-vs-pop3/#imap"
    );
    // No English translation: the link goes to the Swedish article.
    assert_eq!(
        href(&en_links, "the OCR number"),
        "/kb/vad-ar-ett-ocr-nummer/"
    );
    // `kbgen check` follows the links to their headings.
    let (code, report) = check_json(root);
    assert_eq!(code, 0, "{report}");

    edit(
        root,
        SEED_EN,
        "slug: email-protocol-imap-vs-pop3",
        "slug: imap-or-pop3",
    );
    assert!(kbgen(root, &["build"]).status.success());
    let en_links = links_of(root, "en/kb/pay-your-invoice/index.html");
    assert_eq!(
        href(&en_links, "the protocols"),
        "/en/kb/imap-or-pop3/#imap"
    );

    edit(
        root,
        en,
        "email-protocols#imap",
        "email-protocols#imap-settings",
    );
    let (code, report) = check_json(root);
    assert_eq!(code, 1);
    let line = line_of(root, en, "See [the protocols]");
    has(
        &report,
        "error",
        en,
        line,
        "broken link: `/en/kb/imap-or-pop3/` has no heading `#imap-settings`",
    );
}

struct Server {
    child: Child,
    port: u16,
    /// What the server has printed so far (read as it prints).
    log: std::sync::Arc<std::sync::Mutex<String>>,
    /// The thread that reads it, which ends at the end of the output.
    reader: Option<std::thread::JoinHandle<()>>,
}

/// How long a serve test waits for what it expects before it fails: long, so that a loaded
/// machine is slow rather than failing, since the tests wait for events, not for time.
const PATIENCE: Duration = Duration::from_secs(60);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_serve(root: &Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = crate::harness::kbgen()
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log: std::sync::Arc<std::sync::Mutex<String>> = std::sync::Arc::default();
    let (mut stderr, into) = (child.stderr.take().unwrap(), std::sync::Arc::clone(&log));
    let reader = std::thread::spawn(move || {
        let mut chunk = [0; 4096];
        while let Ok(n @ 1..) = stderr.read(&mut chunk) {
            let mut log = into.lock().unwrap();
            log.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    });
    let server = Server {
        child,
        port,
        log,
        reader: Some(reader),
    };
    wait_for(&server, "/", |body| body.contains("<html"));
    server
}

/// Stops the server; returns what it printed.
fn stop(mut server: Server) -> String {
    let _ = server.child.kill();
    let _ = server.child.wait();
    if let Some(reader) = server.reader.take() {
        reader.join().unwrap();
    }
    let log = server.log.lock().unwrap().clone();
    log
}

/// Waits until what the server printed satisfies `ok`.
fn wait_for_log(server: &Server, ok: impl Fn(&str) -> bool) {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if ok(&server.log.lock().unwrap()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "the server never printed that:\n{}",
        server.log.lock().unwrap()
    );
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(PATIENCE)).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// The HTTP status a request for `path` gets.
fn status(port: u16, path: &str) -> u16 {
    let response = get(port, path).unwrap();
    response.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Polls `path` until `ok(body)` holds; returns how long it took.
fn wait_for(server: &Server, path: &str, ok: impl Fn(&str) -> bool) -> Duration {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if get(server.port, path).is_some_and(|b| ok(&b)) {
            return start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{path} never matched");
}

#[test]
fn serve_shows_an_edit_then_an_error_then_its_fix() {
    let site = copy_site();
    let root = site.root();
    let server = start_serve(root);
    let page = SEED_SV_PAGE;
    let first = get(server.port, page).unwrap();
    assert!(first.contains("<h1>E-postprotokoll (IMAP vs POP3)</h1>"));
    assert!(first.contains("/__kbgen/ws?h="), "no reload script");

    edit(
        root,
        SEED_SV,
        "Står du i valet och kvalet",
        "Funderar du på",
    );
    wait_for(&server, page, |b| b.contains("Funderar du på"));

    edit(root, SEED_SV, "level: beginner", "level: expert");
    let line = line_of(root, SEED_SV, "level:");
    wait_for(&server, page, |b| b.contains("kbgen-errors"));
    let overlay = get(server.port, page).unwrap();
    assert!(
        overlay.contains(&format!("{SEED_SV}:{line}:8: error:")),
        "{overlay}"
    );
    // The last good page is still there under the overlay.
    assert!(overlay.contains("Funderar du på"));

    edit(root, SEED_SV, "level: expert", "level: advanced");
    wait_for(&server, page, |b| {
        !b.contains("kbgen-errors") && b.contains("badge-advanced")
    });

    // A new article appears too.
    let out = kbgen(root, &["new", "email/webmail/forward-email"]);
    assert!(out.status.success());
    wait_for(&server, "/kb/forward-email/", |b| {
        b.starts_with("HTTP/1.1 200") || b.starts_with("HTTP/1.0 200")
    });

    let stderr = stop(server);
    assert!(
        stderr.contains(&format!("{SEED_SV}:{line}:8: error:")),
        "{stderr}"
    );
    assert!(stderr.contains("rebuilt 1 article page in"), "{stderr}");
}

/// What the reload socket of a page served as `page` at `path` says first: `watching` while
/// the page is as it was served, else `reload`.
fn watch_now(port: u16, path: &str, page: &str) -> String {
    let marker = "/__kbgen/ws?h=";
    let rest = &page[page.find(marker).expect(page) + marker.len()..];
    let h = &rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap()];
    let url = format!("ws://127.0.0.1:{port}/__kbgen/ws?h={h}&p={path}");
    let (mut socket, _) = tungstenite::connect(url).unwrap();
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_mut() {
        s.set_read_timeout(Some(PATIENCE)).unwrap();
    }
    socket.read().unwrap().into_text().unwrap().to_string()
}

/// The page as served, without its headers (their date) and its reload script.
fn without_script(page: &str) -> &str {
    &page[page.find("\r\n\r\n").unwrap()..page.find("<script>(()=>{const c=").unwrap()]
}

#[test]
fn serve_shows_a_title_edit_first_and_reloads_only_the_pages_it_changed() {
    let site = copy_site();
    let root = site.root();
    let server = start_serve(root);
    let article = SEED_SV_PAGE;
    let category = SEED_CATEGORY_PAGE;
    let other = "/kb/vad-ar-ett-ocr-nummer/";
    let before: Vec<String> = [article, category, other]
        .iter()
        .map(|p| get(server.port, p).unwrap())
        .collect();
    assert!(before[1].contains("E-postprotokoll (IMAP vs POP3)"));
    assert!(!before[2].contains("E-postprotokoll"));
    // Nothing changed yet: no page is told to reload.
    for (path, page) in [article, category, other].iter().zip(&before) {
        assert_eq!(watch_now(server.port, path, page), "watching", "{path}");
    }

    edit(
        root,
        SEED_SV,
        "title: \"E-postprotokoll (IMAP vs POP3)\"",
        "title: \"IMAP, POP3 och SMTP\"",
    );
    wait_for(&server, article, |b| {
        b.contains("<h1>IMAP, POP3 och SMTP</h1>")
    });
    wait_for(&server, category, |b| b.contains("IMAP, POP3 och SMTP"));

    assert_eq!(watch_now(server.port, article, &before[0]), "reload");
    assert_eq!(watch_now(server.port, category, &before[1]), "reload");
    let after = get(server.port, other).unwrap();
    assert_eq!(without_script(&after), without_script(&before[2]));
    assert_eq!(watch_now(server.port, other, &before[2]), "watching");
    // The edited article's page (and those the test watched) came before the whole site.
    wait_for_log(&server, |log| {
        log.find(" first in ")
            .is_some_and(|first| log[first..].contains(" pages in "))
    });

    // An error shows on every page, so every page reloads.
    edit(root, SEED_SV, "level: beginner", "level: expert");
    wait_for(&server, other, |b| b.contains("kbgen-errors"));
    assert_eq!(watch_now(server.port, other, &after), "reload");
}

#[test]
fn serve_moves_an_open_page_whose_slug_an_edit_changed() {
    let site = copy_site();
    let root = site.root();
    let server = start_serve(root);
    let ok = |b: &str| b.starts_with("HTTP/1.1 200") || b.starts_with("HTTP/1.0 200");
    let article = get(server.port, SEED_SV_PAGE).unwrap();
    let category = get(server.port, SEED_CATEGORY_PAGE).unwrap();
    assert_eq!(watch_now(server.port, SEED_SV_PAGE, &article), "watching");

    let slug = "slug: e-postprotokoll-imap-vs-pop3";
    edit(root, SEED_SV, slug, "slug: imap-eller-pop3");
    wait_for(&server, "/kb/imap-eller-pop3/", ok);
    assert_eq!(
        watch_now(server.port, SEED_SV_PAGE, &article),
        "move /kb/imap-eller-pop3/"
    );
    // The served pages agree with the socket: the old address is no page any more.
    assert_eq!(status(server.port, SEED_SV_PAGE), 404);
    // Moved twice: the first address leads to the latest.
    edit(
        root,
        SEED_SV,
        "slug: imap-eller-pop3",
        "slug: imap-pop3-smtp",
    );
    wait_for(&server, "/kb/imap-pop3-smtp/", ok);
    assert_eq!(
        watch_now(server.port, SEED_SV_PAGE, &article),
        "move /kb/imap-pop3-smtp/"
    );
    assert_eq!(
        watch_now(server.port, "/kb/imap-eller-pop3/", &article),
        "move /kb/imap-pop3-smtp/"
    );

    // A category's slug, in one language of its two.
    let file = "content/email/basic-settings/_category.yaml";
    edit(root, file, "sv: grundinstallningar", "sv: installningar");
    wait_for(&server, "/e-post/installningar/", ok);
    assert_eq!(
        watch_now(server.port, SEED_CATEGORY_PAGE, &category),
        "move /e-post/installningar/"
    );
    assert_eq!(status(server.port, SEED_CATEGORY_PAGE), 404);

    // Back to the first slug: that address is a page again, not a move.
    edit(root, SEED_SV, "slug: imap-pop3-smtp", slug);
    wait_for(&server, SEED_SV_PAGE, ok);
    let again = get(server.port, SEED_SV_PAGE).unwrap();
    assert_eq!(watch_now(server.port, SEED_SV_PAGE, &again), "watching");
    assert_eq!(watch_now(server.port, SEED_SV_PAGE, &article), "reload");
}

#[test]
fn serve_shows_a_translation_made_stale_by_a_body_edit_and_marked_translated_again() {
    let site = copy_site();
    let root = site.root();
    let server = start_serve(root);
    let listed = format!("<code>{SEED_EN}</code>");
    // Each status page, and how it words a count of stale translations.
    let pages = [
        ("/_translations/", "inaktuella"),
        ("/en/_translations/", "stale"),
    ];
    let shows = |body: &str, word: &str, n: usize| {
        body.contains(&format!(", {n} {word},")) && body.contains(&listed) == (n == 1)
    };
    for (page, word) in pages {
        let body = get(server.port, page).unwrap();
        assert!(shows(&body, word, 0), "{body}");
    }

    // The Swedish source's text changes: its English translation is stale.
    edit(
        root,
        SEED_SV,
        "Står du i valet och kvalet",
        "Funderar du på",
    );
    for (page, word) in pages {
        wait_for(&server, page, |b| shows(b, word, 1));
    }
    // The article's page came the fast way, only the pages that changed.
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .contains("rebuilt 1 article page in"),
        "{}",
        server.log.lock().unwrap()
    );

    // A translator marks it translated: only its front matter changes.
    let out = kbgen(root, &["translated", &root.join(SEED_EN).to_string_lossy()]);
    assert!(out.status.success());
    for (page, word) in pages {
        wait_for(&server, page, |b| shows(b, word, 0));
    }
    let log = stop(server);
    assert!(log.contains("rebuilt 0 article pages in"), "{log}");
}

#[test]
fn serve_lists_an_owner_and_review_by_edit_on_the_status_page() {
    let site = copy_site();
    let root = site.root();
    let server = start_serve(root);
    let page = "/en/_translations/";
    assert!(!get(server.port, page).unwrap().contains("id=\"reviews\""));

    // Front matter only, of a translation: no page but the status page shows it, and the
    // translation's state does not change. A date long past is past on any day.
    edit(
        root,
        SEED_EN,
        "updated: 2021-12-20\n",
        "updated: 2021-12-20\nowner: Anna Berg\nreview_by: 2000-01-01\n",
    );
    wait_for(&server, page, |b| b.contains("<h3>Anna Berg</h3>"));
    edit(root, SEED_EN, "owner: Anna Berg", "owner: Björn Ek");
    wait_for(&server, page, |b| {
        b.contains("<h3>Björn Ek</h3>") && !b.contains("Anna Berg")
    });
    edit(root, SEED_EN, "review_by: 2000-01-01\n", "");
    wait_for(&server, page, |b| !b.contains("id=\"reviews\""));
    let log = stop(server);
    assert!(log.contains("rebuilt 0 article pages in"), "{log}");
    assert!(
        log.contains("rebuilt 2 translation status pages in"),
        "{log}"
    );
}

#[test]
fn serve_shows_template_and_locale_edits_even_after_an_error() {
    let site = copy_site();
    let root = site.root();
    let server = start_serve(root);
    let article = SEED_SV_PAGE;
    let category = SEED_CATEGORY_PAGE;

    edit(
        root,
        "locales/sv/main.ftl",
        "= Hoppa till innehållet",
        "= Till innehållet",
    );
    wait_for(&server, article, |b| b.contains(">Till innehållet</a>"));

    // A template edited while an article is broken shows once the article is fixed, although
    // the last save touched only the article.
    edit(root, SEED_SV, "level: beginner", "level: expert");
    wait_for(&server, article, |b| b.contains("kbgen-errors"));
    let failures = |log: &str| log.matches("rebuild failed with").count();
    let before = failures(&server.log.lock().unwrap());
    edit(
        root,
        "templates/category.html",
        "<h1>{{ title }}</h1>",
        "<h1 class=\"edited\">{{ title }}</h1>",
    );
    // Its own rebuild, which fails for the article, before the article's fix.
    wait_for_log(&server, |log| failures(log) > before);
    let rebuilds = |log: &str| log.lines().filter(|l| l.starts_with("rebuilt ")).count();
    let done = rebuilds(&server.log.lock().unwrap());
    edit(root, SEED_SV, "level: expert", "level: beginner");
    wait_for(&server, category, |b| {
        !b.contains("kbgen-errors") && b.contains("<h1 class=\"edited\">")
    });
    // The page is served first, while the rest of the site renders: an edit before that
    // render ends would stop it, and the next render would be the whole site again.
    wait_for_log(&server, |log| rebuilds(log) > done);

    // An editor's own file beside the articles (vim's write test) is no reason to render it all.
    std::fs::write(root.join("content/email/basic-settings/4913"), "").unwrap();
    let after_junk = |log: &str| {
        let junk = log.find("basic-settings/4913")?;
        log[junk..]
            .lines()
            .find(|l| l.starts_with("rebuilt "))
            .map(str::to_string)
    };
    wait_for_log(&server, |log| after_junk(log).is_some());
    let rebuilt = after_junk(&server.log.lock().unwrap()).unwrap();
    assert!(
        rebuilt.starts_with("rebuilt 0 article pages in"),
        "{rebuilt}"
    );
}

#[cfg(unix)]
#[test]
fn serve_fails_on_a_static_file_it_cannot_copy_as_a_build_does() {
    use std::os::unix::ffi::OsStrExt;
    let site = copy_site();
    let root = site.root();
    let server = start_serve(root);
    // A name that is not UTF-8 is listed, but not found again under its lossy name: reading it
    // fails (the tests run as root, so a file's permissions cannot make a read fail).
    let name = std::ffi::OsStr::from_bytes(b"static/caf\xe9.txt");
    std::fs::write(root.join(name), "x").unwrap();
    let build = kbgen(
        root,
        &["build", "--output", &root.join("out").to_string_lossy()],
    );
    assert_eq!(build.status.code(), Some(1));
    let error = build.stderr;
    let error = error.lines().next().unwrap();
    assert!(error.contains(": error: cannot copy "), "{error}");

    wait_for(&server, SEED_SV_PAGE, |b| b.contains("kbgen-errors"));
    let page = get(server.port, SEED_SV_PAGE).unwrap();
    assert!(page.contains(&kbgen::render::escape(error)), "{page}");
    std::fs::remove_file(root.join(name)).unwrap();
    wait_for(&server, SEED_SV_PAGE, |b| !b.contains("kbgen-errors"));
    let log = stop(server);
    assert!(log.contains(error), "{log}");
}

#[test]
fn a_whole_site_render_that_is_told_to_stop_gives_way_with_only_finished_pages() {
    // `kbgen serve` stops rendering the whole site when a newer save comes in.
    let site = copy_site();
    let i = api::load(site.root());
    let render = |stop: &(dyn Fn() -> bool + Sync)| {
        let files = api::Files::default();
        let rendered = api::render_site_or_stop(&i, &files, stop);
        (rendered, files.into_map())
    };
    let whole = api::Files::default();
    let all_pages = api::render_site(&i, &whole);
    let whole = whole.into_map();
    let article_pages = |m: &std::collections::BTreeMap<String, Vec<u8>>| {
        i.site
            .articles
            .iter()
            .filter(|a| m.contains_key(&kbgen::write::url_to_file(&a.url)))
            .count()
    };
    assert_eq!(article_pages(&whole), i.site.articles.len());

    let (rendered, files) = render(&|| false);
    assert_eq!(rendered, Some((all_pages, i.site.articles.len())));
    assert_eq!(files, whole);

    let (rendered, files) = render(&|| true);
    assert_eq!(rendered, None);
    assert_eq!(article_pages(&files), 0);

    // Told to stop part of the way: no bodies, fewer article pages, and each page written is
    // the page a whole render writes, not a part of one.
    for after in [1, 5, 20] {
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let (rendered, files) =
            render(&|| asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= after);
        assert_eq!(rendered, None, "stop after {after}");
        let n = article_pages(&files);
        assert!(
            n < i.site.articles.len(),
            "stop after {after}: {n} article pages"
        );
        for (file, bytes) in &files {
            assert!(whole.get(file) == Some(bytes), "stop after {after}: {file}");
        }
    }
}

#[test]
fn serve_renders_the_whole_site_again_after_a_save_stopped_its_render() {
    // Enough articles for the whole site to take a while to render (debug build), so that the
    // second save comes in while it does.
    let site = copy_site();
    let root = site.root();
    for n in 0..3000 {
        std::fs::write(
            root.join(format!("content/email/webmail/generated-{n}.sv.md")),
            format!(
                "---\ntitle: \"Genererad artikel {n}\"\nupdated: 2024-01-01\n---\n\n\
                 Text nummer {n} om webbmejl.\n"
            ),
        )
        .unwrap();
    }
    let server = start_serve(root);
    let (old, new) = ("E-postprotokoll (IMAP vs POP3)", "Protokollen i korthet");
    assert!(get(server.port, SEED_CATEGORY_PAGE).unwrap().contains(old));

    edit(
        root,
        SEED_SV,
        &format!("title: \"{old}\""),
        &format!("title: \"{new}\""),
    );
    // The edited article's page comes first, then the whole site begins to render ...
    wait_for(&server, SEED_SV_PAGE, |b| {
        b.contains(&format!("<h1>{new}</h1>"))
    });
    // ... and the edit is taken back: that render stops, with some pages showing the title
    // that is no longer there.
    edit(
        root,
        SEED_SV,
        &format!("title: \"{new}\""),
        &format!("title: \"{old}\""),
    );
    wait_for_log(&server, |log| {
        log.find("stopped rendering the whole site")
            .is_some_and(|at| log[at..].contains(" pages in "))
    });
    // The next rebuild rendered every page again, though the articles are as they were
    // before the first edit.
    for page in [SEED_SV_PAGE, SEED_CATEGORY_PAGE] {
        let body = get(server.port, page).unwrap();
        assert!(body.contains(old) && !body.contains(new), "{page}: {body}");
    }
    let stderr = stop(server);
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn an_index_build_that_is_told_to_stop_writes_no_locale_by_halves() {
    // `kbgen serve` stops the search index when a newer save comes in: the index then is
    // either a locale's whole new files or its previous ones.
    let site = copy_site();
    let i = api::load(site.root());
    let build = |stop: &(dyn Fn() -> bool + Sync)| {
        let files = api::Files::default();
        let all = api::index_or_stop(&i, &files, stop);
        (all, files.into_map())
    };
    let whole = api::index(&i);
    assert!(whole.keys().any(|f| f.starts_with("search-index/sv/")));
    assert!(whole.keys().any(|f| f.starts_with("search-index/en/")));

    assert_eq!(build(&|| false), (true, whole.clone()));
    assert_eq!(build(&|| true), (false, Default::default()));
    // Told to stop part of the way: each locale's files are all there or none are.
    for after in 1..12 {
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let (all, files) =
            build(&|| asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= after);
        for locale in ["sv", "en"] {
            let dir = format!("search-index/{locale}/");
            let of = |m: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<(String, Vec<u8>)> {
                m.iter()
                    .filter(|(f, _)| f.starts_with(&dir))
                    .map(|(f, b)| (f.clone(), b.clone()))
                    .collect()
            };
            let written = of(&files);
            assert!(
                written.is_empty() || written == of(&whole),
                "{locale}, stop after {after}"
            );
        }
        assert_eq!(all, files == whole, "stop after {after}");
    }
}

#[test]
fn the_search_index_version_changes_with_the_files_it_names_and_only_then() {
    // The search page asks for the index's files with `?v=<version>`: a version that stayed
    // the same while a file changed would let caches serve the old file with the new index.
    let versions = |root: &Path| -> Vec<String> {
        let files = api::index(&api::load(root));
        ["sv", "en"]
            .iter()
            .map(|l| {
                let meta: Value =
                    serde_json::from_slice(&files[&format!("search-index/{l}/index.json")])
                        .unwrap();
                meta["version"].as_str().unwrap().to_string()
            })
            .collect()
    };
    // Two copies of one site: the version is the same however often it is built.
    let first = copy_site();
    let original = versions(first.root());
    for v in &original {
        assert!(
            v.len() == 16 && v.bytes().all(|b| b.is_ascii_hexdigit()),
            "{v}"
        );
    }
    assert_ne!(original[0], original[1]);
    let site = copy_site();
    let root = site.root();
    assert_eq!(versions(root), original);
    // A Swedish article's text: the Swedish index changes, the English one does not.
    append(root, SEED_SV, "\nEn ny mening om brevlådor.\n");
    let edited = versions(root);
    assert_ne!(edited[0], original[0]);
    assert_eq!(edited[1], original[1]);
}

#[test]
fn serve_on_a_port_in_use_says_so_with_a_hint() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = copy_site();
    let out = kbgen(site.root(), &["serve", "--port", &port.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = out.stderr;
    assert!(
        stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "\n  = hint: is another `kbgen serve` running? Stop it, or choose another port \
             with --port\n"
        ),
        "{stderr}"
    );
}

/// The loader `kbgen serve` rebuilds with: an unchanged file is not read again, a changed one
/// (or one a watcher event named) is, and the result is what a plain load gives.
#[test]
fn a_cached_load_reads_again_only_what_changed() {
    use api::{content, content_cached, Cache};
    let site = copy_site();
    let root = site.root();
    let articles = |c: api::Content| format!("{:?}", c.articles);
    let body = |c: &api::Content| {
        let a = c.articles.iter().find(|a| a.file == Path::new(SEED_SV));
        a.unwrap().text.body().to_string()
    };
    let mut cache = Cache::default();
    let first = content_cached(root, &mut cache);
    assert!(body(&first).contains("Står du i valet"));
    assert_eq!(articles(first), articles(content(root)));

    // The same size and time as before: taken from the cache, not read.
    let path = root.join(SEED_SV);
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    edit(root, SEED_SV, "Står du i valet", "Står ni i valet");
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    let stale = content_cached(root, &mut cache);
    assert!(body(&stale).contains("Står du i valet"));
    // Named by a watcher: read again.
    cache.forget(Path::new(SEED_SV));
    let named = content_cached(root, &mut cache);
    assert!(body(&named).contains("Står ni i valet"));

    // Another size: read again without being named; a removed file is gone.
    edit(root, SEED_SV, "Står ni i valet", "Funderar du på");
    std::fs::remove_file(root.join(SEED_EN)).unwrap();
    let edited = content_cached(root, &mut cache);
    assert!(body(&edited).contains("Funderar du på"));
    assert!(!edited.articles.iter().any(|a| a.file == Path::new(SEED_EN)));
    assert_eq!(articles(edited), articles(content(root)));
}

/// A category folder in content/ that is a symbolic link to elsewhere: `new` writes nothing
/// there (the build does not follow such links either).
#[test]
fn new_never_writes_outside_content() {
    let site = copy_site();
    let root = site.root();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("_category.yaml"),
        "title: { sv: Ute, en: Out }\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("content/linked")).unwrap();
    let out = kbgen(root, &["new", "linked/x"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stderr,
        "content/linked/x:1:1: error: content/linked/x.sv.md would be written outside content/ \
         (a folder on its way is a symbolic link)\n  = hint: kbgen writes articles only inside \
         the site's content/ folder\nkbgen new failed with 1 error\n"
    );
    let names: Vec<_> = std::fs::read_dir(outside.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["_category.yaml"]);
}

/// A site grows a language step by step: a locale added to kbgen.yaml, with no Fluent folder
/// and no category titles yet, builds with warnings; its pages show the default locale's text
/// and its status page lists the categories still to title.
#[test]
fn a_new_locale_builds_before_anything_is_translated() {
    let site = copy_site();
    let root = site.root();
    edit(
        root,
        "kbgen.yaml",
        "    search_path: search\n",
        "    search_path: search\n  - code: pt-br\n    tag: pt-BR\n    search_path: busca\n",
    );
    let out = kbgen(root, &["build"]);
    let stderr = out.stderr;
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("locales/pt-br:1:1: warning: there is no locales/pt-br/ folder: pt-br pages show the default locale's interface text"),
        "{stderr}"
    );
    let mut categories: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.ends_with("_category.yaml"))
        .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect();
    categories.sort();
    for c in &categories {
        assert!(
            stderr.contains(&format!(
                "{c}:1:1: warning: the category has no `pt-br` title: its `sv` title is shown"
            )),
            "no warning for {c}:\n{stderr}"
        );
    }
    let home = std::fs::read_to_string(root.join("public/pt-br/index.html")).unwrap();
    let home = scraper::Html::parse_document(&home);
    let html = home.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("lang"), Some("pt-br"));
    let status =
        std::fs::read_to_string(root.join("public/pt-br/_translations/index.html")).unwrap();
    let status = scraper::Html::parse_document(&status);
    let section = status
        .select(&sel("section[aria-labelledby='status-pt-br']"))
        .next()
        .unwrap();
    let mut listed: Vec<String> = section
        .select(&sel("li > code"))
        .map(text)
        .filter(|t| t.ends_with("_category.yaml"))
        .collect();
    listed.sort();
    assert_eq!(listed, categories);
    // Warnings only: check passes too.
    assert!(kbgen(root, &["check"]).status.success());
}

/// Every diagnostic in `--format json` has its kind's stable code: the whole list of
/// (severity, code, file, line) of a run, word for word, once for problems that stop loading
/// and once for those `check` finds in a site that loads.
#[test]
fn check_json_gives_every_problem_its_code() {
    let codes = |report: &Value| -> Vec<String> {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {} {}:{}",
                    d["severity"].as_str().unwrap(),
                    d["code"].as_str().unwrap(),
                    d["file"].as_str().unwrap(),
                    d["line"]
                )
            })
            .collect()
    };
    let article = "content/email/basic-settings/email-protocols.en.md";

    let site = Site::fixture("basic");
    site.replace(article, "level: beginner", "levle: beginner");
    site.write(
        "content/email/no-language.md",
        "---\ntitle: x\nupdated: 2021-01-01\n---\n",
    );
    site.append("locales/en/main.ftl", "\nbroken = {\n");
    let (status, report) = check_json(site.root());
    assert_eq!(status, 1, "{report:#}");
    assert_eq!(
        codes(&report),
        [
            format!("error yaml-invalid {article}:6"),
            "error article-no-locale content/email/no-language.md:1".to_string(),
            format!(
                "error fluent-syntax locales/en/main.ftl:{}",
                site.lines("locales/en/main.ftl")
            ),
        ],
        "{report:#}"
    );

    let site = Site::fixture("basic");
    site.replace(
        article,
        "host: pop3.websupport.se",
        "host: pop3 websupport.se",
    );
    site.append(article, "\nSee [the FTP guide](/en/kb/no-such-page/).\n");
    let (status, report) = check_json(site.root());
    assert_eq!(status, 1, "{report:#}");
    let line = site.lines(article);
    assert_eq!(
        codes(&report),
        [
            // Both at the table's `pop3:`; in the order of their messages.
            format!("error server-rows-differ {article}:15"),
            format!("error server-host-invalid {article}:15"),
            format!("error link-broken {article}:{line}"),
        ],
        "{report:#}"
    );
}

/// An edit of `servers.yaml` renders again exactly the pages of the articles that show the
/// edited table, in every language, and leaves the others as they were.
#[test]
fn serve_renders_again_only_the_articles_that_show_an_edited_shared_table() {
    let site = Site::fixture("servers");
    let root = site.root();
    let server = start_serve(root);
    let (uses, other) = ("/en/kb/protocols/", "/kb/e-postprogram/");
    let before_uses = get(server.port, uses).unwrap();
    let before_other = get(server.port, other).unwrap();
    assert!(before_uses.contains("smtp.websupport.se"));

    edit(
        root,
        "servers.yaml",
        "smtp.websupport.se, port: 587",
        "mailout.websupport.se, port: 587",
    );
    wait_for(&server, uses, |b| b.contains("mailout.websupport.se"));
    wait_for(&server, "/kb/protokoll/", |b| {
        b.contains("mailout.websupport.se")
    });
    assert_eq!(watch_now(server.port, uses, &before_uses), "reload");
    // The client article shows only the IMAP table: its page was not rendered again.
    let after_other = get(server.port, other).unwrap();
    assert_eq!(without_script(&after_other), without_script(&before_other));
    assert_eq!(watch_now(server.port, other, &before_other), "watching");
    // The first build, then the two pages of the edit, and no whole-site render.
    wait_for_log(&server, |log| log.contains("rebuilt 2 article pages in"));
    let log = stop(server);
    let rebuilds: Vec<&str> = log.lines().filter(|l| l.starts_with("rebuilt ")).collect();
    assert_eq!(rebuilds.len(), 2, "{log}");
    assert!(
        rebuilds[1].starts_with("rebuilt 2 article pages in"),
        "{log}"
    );
}

/// An edit of a snippet renders again exactly the pages that include it, directly or through
/// another snippet, and leaves the others as they were.
#[test]
fn serve_renders_again_only_the_articles_that_include_an_edited_snippet() {
    let site = Site::fixture("snippets");
    let root = site.root();
    let server = start_serve(root);
    let (sv, en, other) = ("/kb/hjalp/", "/en/kb/help/", "/kb/andra/");
    let before_other = get(server.port, other).unwrap();

    // Only the English page includes the English file.
    edit(
        root,
        "snippets/contact.en.md",
        "contact support",
        "write to support",
    );
    wait_for(&server, en, |b| b.contains("write to support"));
    wait_for_log(&server, |log| log.contains("rebuilt 1 article page in"));
    // Both languages show the Swedish sign-off, through `contact`.
    edit(
        root,
        "snippets/sign-off.sv.md",
        "Vänliga hälsningar",
        "Med vänlig hälsning",
    );
    wait_for(&server, sv, |b| b.contains("Med vänlig hälsning"));
    wait_for(&server, en, |b| b.contains("Med vänlig hälsning"));
    wait_for_log(&server, |log| log.contains("rebuilt 2 article pages in"));

    let after_other = get(server.port, other).unwrap();
    assert_eq!(without_script(&after_other), without_script(&before_other));
    assert_eq!(watch_now(server.port, other, &before_other), "watching");
    let log = stop(server);
    let rebuilds: Vec<&str> = log.lines().filter(|l| l.starts_with("rebuilt ")).collect();
    assert_eq!(rebuilds.len(), 3, "{log}");
}
