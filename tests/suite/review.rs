//! Review dates (`owner`, `review_by`, kbgen.yaml's `review_after`): `kbgen check` warns about
//! each article past its review date at the line the date comes from, the status page lists
//! them per owner, the oldest first, and `kbgen new` fills in `owner` from git.
//!
//! The `review` fixture's articles and their review dates (kbgen.yaml: `review_after: 365`),
//! on the tests' "today", 2026-01-01 (`SOURCE_DATE_EPOCH`):
//!
//! | file (content/guide/) | owner | review date | from |
//! |---|---|---|---|
//! | imap.en.md | Anna Berg | 2025-03-01 | `review_by`, line 5 |
//! | imap.sv.md | Anna Berg | 2025-06-01 | `review_by`, line 5 |
//! | smtp.sv.md | Björn Ek | 2025-01-14 | `updated` 2024-01-15 (a leap year), line 4 |
//! | ssl.sv.md | Björn Ek | 2025-12-31, yesterday | `updated` 2024-12-31, line 4 |
//! | pop3.sv.md | none | 2024-04-30 | `updated` 2023-05-01, line 3 |
//! | webmail.sv.md | Anna Berg | 2026-01-01, today: not past | `review_by` |
//! | ftp.sv.md | Björn Ek | 2026-06-01: not past | `updated` |
//! | dns.sv.md | Anna Berg | 2027-01-01: not past (`updated` is 2020) | `review_by` |

use crate::harness::{parse_diags, sel, text, Run, Site};
use serde_json::Value;
use std::process::Command;

/// 2026-01-01 00:00:00 UTC.
const TODAY: u64 = 1_767_225_600;
const CONFIG: &str = "kbgen.yaml";

fn site() -> Site {
    Site::fixture("review")
}

/// `kbgen ARGS --root <root>` on the day `epoch` (seconds since 1970).
fn kbgen_on(site: &Site, epoch: u64, args: &[&str]) -> Run {
    Run::of(
        crate::harness::kbgen()
            .args(args)
            .arg("--root")
            .arg(site.root())
            .env("SOURCE_DATE_EPOCH", epoch.to_string()),
    )
}

/// `(file, line, column, message, hint)` of every `review-overdue` diagnostic of `kbgen check`.
fn overdue(site: &Site, epoch: u64) -> Vec<(String, u64, u64, String, String)> {
    let run = kbgen_on(site, epoch, &["check", "--format", "json"]);
    assert_eq!(run.code(), Some(0), "warnings only:\n{run}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "review-overdue")
        .map(|d| {
            assert_eq!(d["severity"], "warning");
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
                d["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn check_warns_about_each_article_past_its_review_date_at_the_line_it_comes_from() {
    let site = site();
    let review_by = "review the article, then set `review_by:` to the date of its next review";
    let updated = "review the article, then set `updated: 2026-01-01`, or give it a date of its \
                   own with `review_by:`";
    let derived = |date: &str, owner: &str| {
        format!(
            "the review date {date} (365 days after `updated`, review_after in kbgen.yaml) has \
             passed ({owner})"
        )
    };
    let row = |file: &str, line, message: String, hint: &str| {
        (
            format!("content/guide/{file}"),
            line,
            1,
            message,
            hint.to_string(),
        )
    };
    assert_eq!(
        overdue(&site, TODAY),
        [
            row(
                "imap.en.md",
                5,
                "the review date 2025-03-01 has passed (owner: Anna Berg)".into(),
                review_by
            ),
            row(
                "imap.sv.md",
                5,
                "the review date 2025-06-01 has passed (owner: Anna Berg)".into(),
                review_by
            ),
            row("pop3.sv.md", 3, derived("2024-04-30", "no owner"), updated),
            row(
                "smtp.sv.md",
                4,
                derived("2025-01-14", "owner: Björn Ek"),
                updated
            ),
            row(
                "ssl.sv.md",
                4,
                derived("2025-12-31", "owner: Björn Ek"),
                updated
            ),
        ]
    );

    // The text form quotes the line the date comes from.
    let run = kbgen_on(&site, TODAY, &["check"]);
    let diags = parse_diags(&run.stderr);
    let at = |file: &str| {
        diags
            .iter()
            .find(|d| d.file == format!("content/guide/{file}") && d.message.contains("review"))
            .unwrap_or_else(|| panic!("no review warning for {file}:\n{run}"))
    };
    at("imap.sv.md").source("review_by: 2025-06-01");
    at("smtp.sv.md").source("updated: 2024-01-15");
}

#[test]
fn no_warning_before_the_review_date_nor_on_it() {
    let site = site();
    // 2024-05-01 00:00:00 UTC, the day after pop3's review date, the fixture's oldest.
    let may_first = 1_714_521_600;
    // The last second of its review date: nothing is past.
    assert!(overdue(&site, may_first - 1).is_empty());
    // A second later pop3's date has passed, and only that.
    let files: Vec<String> = overdue(&site, may_first).into_iter().map(|d| d.0).collect();
    assert_eq!(files, ["content/guide/pop3.sv.md"]);
    // Today's review date (webmail) is not past until tomorrow, even at the day's last second.
    let today_late = overdue(&site, TODAY + 86_399);
    assert!(!today_late.iter().any(|d| d.0.contains("webmail")));
    let tomorrow = overdue(&site, TODAY + 86_400);
    assert!(tomorrow
        .iter()
        .any(|d| d.0 == "content/guide/webmail.sv.md"));
}

#[test]
fn without_review_after_only_articles_with_review_by_have_a_date() {
    let site = site();
    site.replace(CONFIG, "review_after: 365\n", "");
    let files: Vec<String> = overdue(&site, TODAY).into_iter().map(|d| d.0).collect();
    assert_eq!(
        files,
        ["content/guide/imap.en.md", "content/guide/imap.sv.md"]
    );
}

#[test]
fn a_build_does_not_print_review_warnings() {
    let site = site();
    let run = Run::of(
        site.build_command()
            .env("SOURCE_DATE_EPOCH", TODAY.to_string()),
    )
    .ok();
    assert!(!run.stderr.contains("review"), "{}", run.stderr);
}

#[test]
fn a_bad_review_by_date_is_an_error_at_its_line_and_column() {
    let site = site().built();
    site.replace(
        "content/guide/imap.sv.md",
        "review_by: 2025-06-01",
        "review_by: 2025-02-30",
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error_containing(
            "content/guide/imap.sv.md",
            5,
            12,
            "`2025-02-30` is not a valid date; write it as YYYY-MM-DD, e.g. 2021-12-20",
        )
        .source("review_by: 2025-02-30");
}

#[test]
fn review_after_must_be_a_positive_whole_number_of_days() {
    let site = site().built();
    for days in ["0", "-30"] {
        site.write(
            CONFIG,
            site.read(CONFIG)
                .lines()
                .map(|l| match l.starts_with("review_after:") {
                    true => format!("review_after: {days}\n"),
                    false => format!("{l}\n"),
                })
                .collect::<String>(),
        );
        let report = site.fails();
        report.error_count(1);
        report
            .error(
                CONFIG,
                10,
                1,
                &format!("review_after is {days}: it must be a positive number of days"),
            )
            .source(&format!("review_after: {days}"))
            .hint_mentioning("review_after: 365");
    }
    site.replace(CONFIG, "review_after: -30", "review_after: a year");
    let report = site.fails();
    report.error_count(1);
    report
        .error_containing(
            CONFIG,
            10,
            15,
            "invalid type: string \"a year\", expected a whole number",
        )
        .source("review_after: a year");
}

#[test]
fn a_malformed_source_date_epoch_stops_the_run() {
    let site = site();
    for value in ["yesterday", "-1", "1.5e9"] {
        let run = Run::of(
            crate::harness::kbgen()
                .args(["check", "--root"])
                .arg(site.root())
                .env("SOURCE_DATE_EPOCH", value),
        );
        assert_eq!(run.code(), Some(1), "{run}");
        assert!(
            run.stderr.starts_with(&format!(
                "SOURCE_DATE_EPOCH:1:1: error: SOURCE_DATE_EPOCH is `{value}`, not a number of \
                 seconds since 1970\n  = hint: set it to the seconds since 1970-01-01 UTC, as \
                 `date +%s` prints them, or unset it\n"
            )),
            "{run}"
        );
    }
    // Empty is unset.
    let run = Run::of(
        crate::harness::kbgen()
            .args(["check", "--root"])
            .arg(site.root())
            .env("SOURCE_DATE_EPOCH", ""),
    );
    assert_eq!(run.code(), Some(0), "{run}");
}

/// The review section of a status page: per owner heading, each article's
/// `(title, href, lang, file, datetime, text of the date)`.
type Listed = Vec<(
    String,
    Vec<(String, String, String, String, String, String)>,
)>;

fn reviews(html: &str) -> Listed {
    let doc = scraper::Html::parse_document(html);
    let section = doc
        .select(&sel("section[aria-labelledby=reviews]"))
        .next()
        .expect("a review section");
    let heading = section.select(&sel("h2#reviews")).next().unwrap();
    assert!(!text(heading).is_empty());
    let owners: Vec<String> = section.select(&sel("h3")).map(text).collect();
    let lists: Vec<Vec<_>> = section
        .select(&sel("ul"))
        .map(|ul| {
            ul.select(&sel("li"))
                .map(|li| {
                    let a = li.select(&sel("a")).next().unwrap();
                    let time = li.select(&sel("time")).next().unwrap();
                    let attr =
                        |e: scraper::ElementRef, name| e.attr(name).unwrap_or("").to_string();
                    (
                        text(a),
                        attr(a, "href"),
                        attr(a, "lang"),
                        text(li.select(&sel("code")).next().unwrap()),
                        attr(time, "datetime"),
                        text(time),
                    )
                })
                .collect()
        })
        .collect();
    owners.into_iter().zip(lists).collect()
}

#[test]
fn the_status_page_lists_overdue_articles_per_owner_oldest_first() {
    let site = site();
    Run::of(
        site.build_command()
            .env("SOURCE_DATE_EPOCH", TODAY.to_string()),
    )
    .ok();
    let item = |title: &str, href: &str, lang: &str, file: &str, iso: &str, date: &str| {
        (
            title.to_string(),
            href.to_string(),
            lang.to_string(),
            format!("content/guide/{file}"),
            iso.to_string(),
            date.to_string(),
        )
    };
    let sv = reviews(&site.read("public/_translations/index.html"));
    assert_eq!(
        sv,
        [
            (
                "Anna Berg".to_string(),
                vec![
                    item(
                        "Set up IMAP",
                        "/en/kb/set-up-imap/",
                        "en",
                        "imap.en.md",
                        "2025-03-01",
                        "granskningsdatum 1 mars 2025"
                    ),
                    item(
                        "Ställ in IMAP",
                        "/kb/stall-in-imap/",
                        "",
                        "imap.sv.md",
                        "2025-06-01",
                        "granskningsdatum 1 juni 2025"
                    ),
                ]
            ),
            (
                "Björn Ek".to_string(),
                vec![
                    item(
                        "Ställ in SMTP",
                        "/kb/stall-in-smtp/",
                        "",
                        "smtp.sv.md",
                        "2025-01-14",
                        "granskningsdatum 14 januari 2025"
                    ),
                    item(
                        "SSL",
                        "/kb/ssl/",
                        "",
                        "ssl.sv.md",
                        "2025-12-31",
                        "granskningsdatum 31 december 2025"
                    ),
                ]
            ),
            (
                "Ingen ansvarig".to_string(),
                vec![item(
                    "Ställ in POP3",
                    "/kb/stall-in-pop3/",
                    "",
                    "pop3.sv.md",
                    "2024-04-30",
                    "granskningsdatum 30 april 2024"
                )]
            ),
        ]
    );
    // The English page: the same list in English words, the Swedish titles marked Swedish.
    let en = reviews(&site.read("public/en/_translations/index.html"));
    let owners: Vec<&str> = en.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(owners, ["Anna Berg", "Björn Ek", "No owner"]);
    let (_, anna) = &en[0];
    assert_eq!(
        anna[0],
        item(
            "Set up IMAP",
            "/en/kb/set-up-imap/",
            "",
            "imap.en.md",
            "2025-03-01",
            "review date 1 March 2025"
        )
    );
    assert_eq!(anna[1].2, "sv");
}

#[test]
fn the_status_page_escapes_what_writers_type() {
    let site = site();
    let owner = "<script>alert(1)</script> & \"co\"";
    site.replace(
        "content/guide/pop3.sv.md",
        "title: Ställ in POP3\n",
        &format!(
            "title: \"<img src=x onerror=alert(2)>\"\nslug: pop3\nowner: {}\n",
            serde_json::Value::from(owner)
        ),
    );
    Run::of(
        site.build_command()
            .env("SOURCE_DATE_EPOCH", TODAY.to_string()),
    )
    .ok();
    let html = site.read("public/_translations/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    let listed = reviews(&html);
    let (first, items) = &listed[0];
    // `<` sorts before letters.
    assert_eq!(first, owner);
    assert_eq!(items[0].0, "<img src=x onerror=alert(2)>");
}

#[test]
fn a_site_without_review_dates_has_no_review_section() {
    let site = Site::fixture("basic");
    Run::of(
        site.build_command()
            .env("SOURCE_DATE_EPOCH", TODAY.to_string()),
    )
    .ok();
    for page in [
        "public/_translations/index.html",
        "public/en/_translations/index.html",
    ] {
        let html = site.read(page);
        assert!(!html.contains("id=\"reviews\""), "{page}:\n{html}");
    }
    assert!(overdue(&site, TODAY).is_empty());
}

/// `kbgen new` on 2026-01-01 with git's global configuration in `gitconfig` (written to a
/// file beside the site) or none at all, and git's system configuration ignored.
fn new_with_git(site: &Site, gitconfig: Option<&str>, path: &str) -> Run {
    let global = match gitconfig {
        Some(text) => {
            let file = site.base().join("gitconfig");
            std::fs::write(&file, text).unwrap();
            file
        }
        None => "/dev/null".into(),
    };
    let mut cmd: Command = crate::harness::kbgen();
    cmd.args(["new", path, "--root"])
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", TODAY.to_string())
        .env("GIT_CONFIG_GLOBAL", global)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", site.base());
    Run::of(&mut cmd).ok()
}

#[test]
fn new_fills_in_owner_from_git_config_and_leaves_it_out_without_one() {
    let site = Site::fixture("basic");
    new_with_git(
        &site,
        Some("[user]\n\tname = Anna Berg\n"),
        "email/webmail/forward",
    );
    for locale in ["sv", "en"] {
        assert_eq!(
            site.read(&format!("content/email/webmail/forward.{locale}.md")),
            "---\ntitle: \"Forward\"\nupdated: 2026-01-01\ndescription: \"\"\nowner: \"Anna Berg\"\n---\n\n"
        );
    }
    // No user.name, or an empty one: no owner.
    new_with_git(&site, None, "email/webmail/filter");
    new_with_git(&site, Some("[user]\n\tname =\n"), "email/webmail/sort");
    for key in ["filter", "sort"] {
        assert_eq!(
            site.read(&format!("content/email/webmail/{key}.sv.md")),
            format!(
                "---\ntitle: \"{}\"\nupdated: 2026-01-01\ndescription: \"\"\n---\n\n",
                if key == "filter" { "Filter" } else { "Sort" }
            )
        );
    }
    // Without git at all (nothing on PATH), the same.
    let run = Run::of(
        crate::harness::kbgen()
            .args(["new", "email/webmail/archive", "--root"])
            .arg(site.root())
            .env("PATH", ""),
    )
    .ok();
    assert!(run.stdout.contains("archive.sv.md"), "{run}");
    assert!(!site
        .read("content/email/webmail/archive.sv.md")
        .contains("owner"));
}

#[test]
fn an_owner_name_with_quotes_is_written_so_that_it_reads_back() {
    let site = Site::fixture("basic");
    let name = r#"Anna "AB" Berg \ Ek"#;
    new_with_git(
        &site,
        Some(&format!(
            "[user]\n\tname = {}\n",
            r#"Anna \"AB\" Berg \\ Ek"#
        )),
        "email/webmail/forward",
    );
    let file = "content/email/webmail/forward.sv.md";
    assert!(
        site.read(file)
            .contains(r#"owner: "Anna \"AB\" Berg \\ Ek""#),
        "{}",
        site.read(file)
    );
    // It loads, and the status page names the owner as git has it.
    site.append(file, "Text.\n");
    site.replace(file, "updated: 2026-01-01", "updated: 2020-01-01");
    site.append(CONFIG, "review_after: 30\n");
    Run::of(
        site.build_command()
            .env("SOURCE_DATE_EPOCH", TODAY.to_string()),
    )
    .ok();
    let listed = reviews(&site.read("public/_translations/index.html"));
    assert_eq!(listed[0].0, name);
}
