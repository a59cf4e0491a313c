//! Server tables shared by the whole site (`servers.yaml`), as writers use them: pages show
//! the shared rows with the article's caption or the shared one in the page's language, bad
//! input is reported at its line in `servers.yaml` or the article, and `kbgen check` finds
//! rows kept twice and tables nobody uses. Each test starts from the `servers` fixture.

use crate::harness::{sel, text, Site};
use serde_json::Value;

const SERVERS: &str = "servers.yaml";
const PROTOCOLS_SV: &str = "content/email/protocols.sv.md";
const CLIENT_SV: &str = "content/email/client.sv.md";
const WEBMAIL_SV: &str = "content/email/webmail.sv.md";

fn site() -> Site {
    Site::fixture("servers")
}

/// Each server table of a built page: its caption and its rows as `host port security`.
fn tables(site: &Site, page: &str) -> Vec<(String, Vec<String>)> {
    let html = site.read(&format!("public/{page}index.html"));
    let doc = scraper::Html::parse_document(&html);
    doc.select(&sel(".server-table table"))
        .map(|t| {
            let caption = t
                .select(&sel("caption"))
                .next()
                .map(text)
                .unwrap_or_default();
            let rows = t
                .select(&sel("tbody tr"))
                .map(|r| {
                    r.select(&sel("th, td"))
                        .map(text)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            (caption, rows)
        })
        .collect()
}

fn owned(rows: &[&str]) -> Vec<String> {
    rows.iter().map(|r| r.to_string()).collect()
}

#[test]
fn pages_show_the_shared_rows_with_the_caption_of_their_language() {
    let site = site().built();
    let imap_sv = owned(&[
        "imap.websupport.se 993 Säker SSL-anslutning",
        "imap.dindomän.tld 143 Osäker anslutning",
    ]);
    let imap_en = owned(&[
        "imap.websupport.se 993 Secure SSL connection",
        "imap.yourdomain.tld 143 Insecure connection",
    ]);
    let smtp_sv = owned(&[
        "smtp.websupport.se 465 Säker SSL-anslutning",
        "smtp.websupport.se 587 Säker TLS-anslutning (STARTTLS)",
    ]);
    let smtp_en = owned(&[
        "smtp.websupport.se 465 Secure SSL connection",
        "smtp.websupport.se 587 Secure TLS connection (STARTTLS)",
    ]);
    // Named by `shared:`, without a caption of its own: the shared caption of the language.
    assert_eq!(
        tables(&site, "kb/protokoll/"),
        [
            ("Inkommande server (IMAP).".to_string(), imap_sv.clone()),
            ("Utgående server (SMTP).".to_string(), smtp_sv),
        ]
    );
    // A translation that leaves the rows out takes them, and the caption, from the shared
    // table its source names.
    assert_eq!(
        tables(&site, "en/kb/protocols/"),
        [
            ("Incoming server (IMAP).".to_string(), imap_en.clone()),
            ("Outgoing server (SMTP).".to_string(), smtp_en),
        ]
    );
    // An article's own caption stands over the shared one, in each language.
    assert_eq!(
        tables(&site, "kb/e-postprogram/"),
        [("Inkommande server i programmet.".to_string(), imap_sv)]
    );
    assert_eq!(
        tables(&site, "en/kb/email-client/"),
        [("Incoming server in the client.".to_string(), imap_en)]
    );
}

#[test]
fn a_change_in_servers_yaml_reaches_every_page_that_shows_the_table() {
    let site = site().built();
    site.replace(
        SERVERS,
        "smtp.websupport.se, port: 587",
        "mailout.websupport.se, port: 587",
    );
    site.build().ok();
    for page in ["kb/protokoll/", "en/kb/protocols/"] {
        let smtp = &tables(&site, page)[1].1;
        assert!(
            smtp[1].starts_with("mailout.websupport.se 587 "),
            "{page}: {smtp:?}"
        );
    }
}

/// Every mistake in servers.yaml and in the articles naming its tables, in one run, each at
/// its line and column.
#[test]
fn bad_shared_tables_are_reported_at_their_lines_all_in_one_run() {
    let site = site().built();
    site.write(
        SERVERS,
        [
            "email/imap:",
            "  caption: { sv: Inkommande, de: Eingehend }",
            "  rows:",
            "    - { host: imap.websupport.se, port: 993, security: ssl }",
            "Email/SMTP:",
            "  rows: []",
            "email/smtp:",
            "  rows:",
            "    - { host: smtp.websupport.se, port: 465, security: ssl }",
            "",
        ]
        .join("\n"),
    );
    site.replace(CLIENT_SV, "shared: email/imap", "shared: email/imapp");
    site.replace(
        PROTOCOLS_SV,
        "  smtp: { shared: email/smtp }",
        "  smtp:\n    shared: email/smtp\n    rows:\n      - { host: smtp.websupport.se, port: 25, security: none }",
    );
    let report = site.fails();
    report.error_count(5);
    report
        .error(
            SERVERS,
            5,
            1,
            "`Email/SMTP` cannot be the name of a shared server table",
        )
        .source("Email/SMTP:")
        .hint("a name is words of a-z, 0-9, `-` and `_` between `/`, such as `email/imap`");
    report
        .error(
            SERVERS,
            5,
            1,
            "the shared server table `Email/SMTP` has no rows",
        )
        .hint_mentioning("rows:");
    report
        .error(SERVERS, 2, 30, "`de` is not a configured locale")
        .hint("the locales of kbgen.yaml are: sv, en");
    report
        .error(
            CLIENT_SV,
            8,
            5,
            "`email/imapp` is not a table of servers.yaml",
        )
        .source("    shared: email/imapp")
        .hint("did you mean `email/imap`?");
    report
        .error(
            PROTOCOLS_SV,
            8,
            5,
            "the server table `smtp` has both `shared:` and `rows:`",
        )
        .hint("leave out `rows:` to show those of `email/smtp`, or `shared:` to show its own");
}

#[test]
fn a_bad_port_in_servers_yaml_is_reported_where_it_is_typed() {
    let site = site().built();
    site.replace(SERVERS, "port: 465", "port: 70000");
    let report = site.fails();
    report.error_count(1);
    report.error_containing(SERVERS, 14, 41, "port 70000 is outside 1–65535");
}

/// `(severity, code, file:line:column, message)` of every diagnostic of a check run about
/// server tables.
fn server_diagnostics(report: &Value) -> Vec<(String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| s(&d["code"]).starts_with("server"))
        .map(|d| {
            (
                s(&d["severity"]),
                s(&d["code"]),
                format!("{}:{}:{}", s(&d["file"]), d["line"], d["column"]),
                s(&d["message"]),
            )
        })
        .collect()
}

#[test]
fn check_finds_rows_kept_twice_unused_tables_and_bad_shared_rows_once() {
    let site = site();
    // An article keeps its own copy of the SMTP rows.
    site.write(
        WEBMAIL_SV,
        [
            "---",
            "title: Webbmejl",
            "slug: webbmejl",
            "updated: 2024-05-01",
            "server_tables:",
            "  smtp:",
            "    rows:",
            "      - { host: smtp.websupport.se, port: 465, security: ssl }",
            "      - { host: smtp.websupport.se, port: 587, security: starttls }",
            "---",
            "",
            "```servers smtp",
            "```",
            "",
        ]
        .join("\n"),
    );
    // A table nobody uses, with a suspicious row, and a caption missing in English.
    site.append(
        SERVERS,
        "email/pop3:\n  caption: { sv: Inkommande (POP3) }\n  rows:\n    - { host: pop3.websupport.se, port: 995, security: none }\n",
    );
    let (code, report) = site.check_json();
    assert_eq!(code, 0, "{report:#}");
    let warning = |code: &str, at: &str, msg: &str| {
        (
            "warning".to_string(),
            code.to_string(),
            at.to_string(),
            msg.to_string(),
        )
    };
    assert_eq!(
        server_diagnostics(&report),
        [
            warning(
                "server-table-repeats-shared",
                &format!("{WEBMAIL_SV}:6:3"),
                "server table `smtp` has the rows of the shared table `email/smtp`"
            ),
            warning(
                "server-table-unused",
                "servers.yaml:16:1",
                "no article uses the shared server table `email/pop3`"
            ),
            warning(
                "server-port-suspicious",
                "servers.yaml:16:1",
                "shared server table `email/pop3`: port 995 is an SSL/TLS port, but the row says `none`"
            ),
            warning(
                "server-caption-missing",
                "servers.yaml:17:3",
                "the shared server table `email/pop3` has no caption in `en`: its pages there show the `sv` one"
            ),
        ]
    );
}

#[test]
fn a_site_with_only_comments_in_servers_yaml_builds() {
    let site = Site::fixture("basic");
    site.write(SERVERS, "# Shared server tables will go here.\n");
    site.build().ok();
}

/// The translation status's rule holds for shared rows too: a translation that writes rows of
/// its own, other than the shared ones its source shows, is an error of `kbgen check`.
#[test]
fn a_translation_with_other_rows_than_its_sources_shared_table_is_an_error() {
    let site = site();
    site.replace(
        "content/email/protocols.en.md",
        "  smtp: {}",
        "  smtp:\n    rows:\n      - { host: smtp.websupport.se, port: 25, security: none }",
    );
    let (code, report) = site.check_json();
    assert_eq!(code, 1, "{report:#}");
    let differ: Vec<_> = server_diagnostics(&report)
        .into_iter()
        .filter(|d| d.1 == "server-rows-differ")
        .collect();
    assert_eq!(
        differ,
        [(
            "error".to_string(),
            "server-rows-differ".to_string(),
            "content/email/protocols.en.md:7:3".to_string(),
            "server table `smtp` has other rows than in content/email/protocols.sv.md".to_string()
        )]
    );
}

/// A `{domain}` host of a page: `(data-host, text)`.
type DomainHost = (String, String);
/// A your-domain field of a page: before which table (by index), and whether hidden.
type Field = (usize, bool);

/// The `{domain}` hosts of a built page, and its your-domain fields.
fn domain_hosts(site: &Site, page: &str) -> (Vec<DomainHost>, Vec<Field>) {
    let html = site.read(&format!("public/{page}index.html"));
    let doc = scraper::Html::parse_document(&html);
    let hosts = doc
        .select(&sel("code[data-host]"))
        .map(|c| (c.value().attr("data-host").unwrap().to_string(), text(c)))
        .collect();
    let table_starts: Vec<usize> = html
        .match_indices("<div class=\"server-table\"")
        .map(|(i, _)| i)
        .collect();
    let fields = html
        .match_indices("<form class=\"your-domain\"")
        .map(|(at, _)| {
            let before = table_starts.iter().position(|&t| t > at).unwrap();
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            (before, tag.contains(" hidden"))
        })
        .collect();
    (hosts, fields)
}

#[test]
fn a_host_with_domain_keeps_its_pattern_and_the_page_gets_one_hidden_field_before_its_first_table()
{
    let site = site().built();
    // The table with `{domain}` comes first on these pages; hosts without it have no pattern.
    for (page, placeholder) in [
        ("kb/protokoll/", "dindomän.tld"),
        ("en/kb/protocols/", "yourdomain.tld"),
    ] {
        let (hosts, fields) = domain_hosts(&site, page);
        assert_eq!(
            hosts,
            [("imap.{domain}".to_string(), format!("imap.{placeholder}"))],
            "{page}"
        );
        assert_eq!(fields, [(0, true)], "{page}");
    }
    // A table without `{domain}` first: the field comes before the second table.
    site.replace(
        PROTOCOLS_SV,
        "```servers imap\n```\n\nUtgående e-post:\n\n```servers smtp\n```",
        "```servers smtp\n```\n\nInkommande e-post:\n\n```servers imap\n```",
    );
    site.build().ok();
    assert_eq!(domain_hosts(&site, "kb/protokoll/").1, [(1, true)]);
    // Two tables with `{domain}`: one field for the page, before the first of them.
    site.replace(
        SERVERS,
        "    - { host: smtp.websupport.se, port: 587, security: starttls }\n",
        "    - { host: smtp.websupport.se, port: 587, security: starttls }\n    - { host: \"smtp.{domain}\", port: 25, security: none }\n",
    );
    site.build().ok();
    let (hosts, fields) = domain_hosts(&site, "kb/protokoll/");
    assert_eq!(hosts.len(), 2);
    assert_eq!(fields, [(0, true)]);
    // A page with only tables without `{domain}` has no field.
    site.replace(
        SERVERS,
        "    - { host: \"imap.{domain}\", port: 143, security: none }\n",
        "",
    );
    site.replace(
        SERVERS,
        "    - { host: \"smtp.{domain}\", port: 25, security: none }\n",
        "",
    );
    site.build().ok();
    assert_eq!(domain_hosts(&site, "kb/protokoll/"), (vec![], vec![]));
}
