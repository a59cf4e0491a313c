//! Bad input: what writers, translators and template authors see when they break the site.
//!
//! Each test copies the `basic` fixture site (the seed article and the shipped locales,
//! templates and static files) into a fresh temporary folder, builds it once into
//! `<tmp>/public`, records every byte of that output, applies ONE breaking edit and runs the
//! real `kbgen` binary again. A failed build must exit with status 1, report each problem as
//! `path:line:column: error: message` (with the source line, a caret under the column and a
//! hint where one helps), close with `build failed with N error(s); <output> was left as it
//! was`, and leave the previous output byte for byte as it was, with no staging folder left
//! behind ([`Site::fails`] checks all of that).
//!
//! Line numbers in the expectations are counted from the edits below, not copied from kbgen.

use crate::harness::{parse_diags, Site};

/// A small article added to the seed's category, so that line numbers are easy to count.
const ARTICLE: &str = "content/email/basic-settings/broken.sv.md";
const ARTICLE_EN: &str = "content/email/basic-settings/broken.en.md";

/// The fixture, copied and not built yet.
fn copied() -> Site {
    Site::fixture("basic")
}

/// The fixture, copied and built once into `<tmp>/public`.
fn built() -> Site {
    copied().built()
}

/// An article file from its lines (joined with `\n`, ending with one).
fn article(lines: &[&str]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------------------------

#[test]
fn malformed_yaml_is_reported_where_the_unclosed_quote_opens() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: \"unclosed", // line 2, the quote is column 8
            "updated: 2021-12-20",
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    report.error_count(1);
    // The positions inside the message must not be YAML-relative ("line 3" is file line 4).
    report
        .error_containing(ARTICLE, 2, 8, "quoted scalar")
        .message_lacks(" at line ")
        .source("title: \"unclosed")
        .hint_mentioning("quote");
}

#[test]
fn missing_title_is_reported_with_a_hint() {
    let site = built();
    site.write(
        ARTICLE,
        article(&["---", "updated: 2021-12-20", "---", "", "Text."]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error(ARTICLE, 2, 1, "missing field `title`")
        .source("updated: 2021-12-20")
        .hint_mentioning("title:");
}

#[test]
fn missing_updated_is_reported_with_a_hint() {
    let site = built();
    site.write(
        ARTICLE,
        article(&["---", "title: Trasig", "---", "", "Text."]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error(ARTICLE, 2, 1, "missing field `updated`")
        .source("title: Trasig")
        .hint_mentioning("updated:");
}

#[test]
fn unknown_field_suggests_the_closest_one() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "titel: Trasig",
            "updated: 2021-12-20",
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    // The whole stderr, as `just` checks it.
    assert_eq!(
        report.stderr,
        format!(
            "{ARTICLE}:2:1: error: unknown field `titel`, expected one of `title`, `slug`, \
             `description`, `updated`, `level`, `tags`, `order`, `draft`, `aliases`, \
             `server_tables`, `source_hash`, `owner`, `review_by`\n  |\n2 | titel: Trasig\n  | ^\n  = hint: did you mean `title`?\n\
             build failed with 1 error; {} was left as it was\n",
            site.public().display()
        )
    );
}

#[test]
fn invalid_date_is_reported_at_the_date() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-13-45", // line 3, the value is column 10
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error_containing(
            ARTICLE,
            3,
            10,
            "`2021-13-45` is not a valid date; write it as YYYY-MM-DD, e.g. 2021-12-20",
        )
        .source("updated: 2021-13-45");
}

#[test]
fn invalid_level_is_reported_at_the_level() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "level: expert", // line 4, the value is column 8
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error(
            ARTICLE,
            4,
            8,
            "level: unknown variant `expert`, expected `beginner` or `advanced`",
        )
        .source("level: expert");
}

// ---------------------------------------------------------------------------------------------
// Server tables
// ---------------------------------------------------------------------------------------------

/// An article with one server table `imap` made of `table_lines`, placed in the body.
fn article_with_table(table_lines: &[&str]) -> String {
    let mut lines = vec![
        "---",
        "title: Trasig",
        "updated: 2021-12-20",
        "server_tables:", // line 4
        "  imap:",        // line 5
        "    caption: IMAP",
        "    rows:", // line 7
    ];
    lines.extend_from_slice(table_lines); // from line 8
    lines.extend_from_slice(&["---", "", "```servers imap", "```"]);
    article(&lines)
}

#[test]
fn invalid_security_is_reported_at_the_value() {
    let site = built();
    let row = "      - { host: imap.websupport.se, port: 993, security: tls }";
    site.write(ARTICLE, article_with_table(&[row]));
    let report = site.fails();
    report.error_count(1);
    report
        .error(
            ARTICLE,
            8,
            58,
            "server_tables.imap.rows[0].security: unknown variant `tls`, expected one of `ssl`, `starttls`, `none`",
        )
        .source(row);
}

#[test]
fn port_above_65535_is_reported_at_the_port() {
    let site = built();
    let row = "      - { host: imap.websupport.se, port: 70000, security: ssl }";
    site.write(ARTICLE, article_with_table(&[row]));
    let report = site.fails();
    report.error_count(1);
    // `70000` is column 43 of line 8, not the `{` of the row at column 9.
    report
        .error_containing(ARTICLE, 8, 43, "port 70000 is outside 1–65535")
        .source(row);
}

#[test]
fn port_zero_is_reported_at_the_port() {
    let site = built();
    site.write(
        ARTICLE,
        article_with_table(&[
            "      - host: imap.websupport.se",
            "        port: 0", // line 9, the value is column 15
            "        security: ssl",
        ]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error_containing(ARTICLE, 9, 15, "port 0 is outside 1–65535")
        .source("        port: 0");
}

#[test]
fn unknown_server_table_is_reported_at_its_fence_in_the_body() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "---",
            "",
            "Text.",
            "",
            "```servers nosuch", // line 8
            "```",
        ]),
    );
    let report = site.fails();
    assert_eq!(
        report.stderr,
        format!(
            "{ARTICLE}:8:1: error: unknown server table `nosuch`\n  |\n8 | ```servers nosuch\n  | ^\n  \
             = hint: define the table under `server_tables:` in the front matter\n\
             build failed with 1 error; {} was left as it was\n",
            site.public().display()
        )
    );
}

#[test]
fn server_table_never_placed_is_reported_at_its_definition() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "server_tables:",
            "  imap:", // line 5, column 3
            "    caption: IMAP",
            "    rows:",
            "      - { host: imap.websupport.se, port: 993, security: ssl }",
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error(ARTICLE, 5, 3, "the server table `imap` is never placed")
        .source("  imap:")
        .hint("put a block ```servers imap``` where the table belongs in the body");
}

#[test]
fn server_table_without_rows_in_any_language_is_reported_in_each_file() {
    let site = built();
    // Both translations define `imap` (line 5, column 3) with a caption but no rows.
    for (file, title) in [(ARTICLE, "Trasig"), (ARTICLE_EN, "Broken")] {
        site.write(
            file,
            article(&[
                "---",
                &format!("title: {title}"),
                "updated: 2021-12-20",
                "server_tables:",
                "  imap:",
                "    caption: IMAP",
                "---",
                "",
                "```servers imap",
                "```",
            ]),
        );
    }
    let report = site.fails();
    report.error_count(2);
    for file in [ARTICLE_EN, ARTICLE] {
        report
            .error(
                file,
                5,
                3,
                "the server table `imap` has no rows, here or in a translation",
            )
            .source("  imap:")
            .hint("give the table `rows:` in at least one language");
    }
}

// ---------------------------------------------------------------------------------------------
// Structure: slugs and categories
// ---------------------------------------------------------------------------------------------

#[test]
fn two_articles_with_one_slug_in_a_locale() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "slug: e-postprotokoll-imap-vs-pop3", // the slug of email-protocols.sv.md
            "updated: 2021-12-20",
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    report.error_count(1);
    // broken.sv.md sorts first, so the seed article (its `slug:` is line 3) is the second
    // claimant; the message names both files.
    report
        .error(
            "content/email/basic-settings/email-protocols.sv.md",
            3,
            1,
            &format!("the slug `e-postprotokoll-imap-vs-pop3` is already used by {ARTICLE}"),
        )
        .source("slug: e-postprotokoll-imap-vs-pop3")
        .hint("give one of the two articles another `slug:`");
}

#[test]
fn urls_claimed_twice_name_both_claimants() {
    let site = built();
    // A folder URL clashes with a page's URL, with a folder of static/ and with a file of
    // static/ at its index.html.
    site.write("static/old/index.html", "<p>old</p>\n");
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "aliases: [\"/kb/e-postprotokoll-imap-vs-pop3/\", \"/img/\", \"/old/\"]", // line 4
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    report.error_count(3);
    let hint = "change a slug or an alias so that every page has its own URL";
    report
        .error(
            ARTICLE,
            4,
            1,
            &format!(
                "`/img/` is claimed twice: by an alias of {ARTICLE} and by the folder static/img"
            ),
        )
        .hint(hint);
    report
        .error(
            ARTICLE,
            4,
            1,
            &format!(
                "`/old/` is claimed twice: by an alias of {ARTICLE} and by static/old/index.html"
            ),
        )
        .hint(hint);
    // broken.sv.md sorts first, so the seed article is the second claimant of its URL.
    let seed = "content/email/basic-settings/email-protocols.sv.md";
    report
        .error(
            seed,
            1,
            1,
            &format!(
                "`/kb/e-postprotokoll-imap-vs-pop3/` is claimed twice: by {seed} and by an alias of {ARTICLE}"
            ),
        )
        .hint(hint);
}

#[test]
fn article_in_a_folder_without_category_file() {
    let site = built();
    let orphan = "content/email/no-category/orphan.sv.md";
    site.write(
        orphan,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "---",
            "",
            "Text.",
        ]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error(
            orphan,
            1,
            1,
            "the folder `content/email/no-category` is not a category: it has no _category.yaml",
        )
        .hint("create content/email/no-category/_category.yaml with the category's titles");
}

// ---------------------------------------------------------------------------------------------
// Locales and templates
// ---------------------------------------------------------------------------------------------

#[test]
fn fluent_syntax_error_is_reported_on_the_broken_line() {
    let site = built();
    let ftl = "locales/en/main.ftl";
    let line = site.lines(ftl) + 1;
    site.append(ftl, "broken-message = { $unclosed\n");
    let report = site.fails();
    report.error_count(1);
    // The `}` is missing at the end of the appended line (column 29); the position must be
    // a place in the file, not the end of input on a line that does not exist.
    report
        .error(ftl, line, 29, "Expected a token starting with \"}\"")
        .source("broken-message = { $unclosed")
        .hint("see https://projectfluent.org/fluent/guide/ for the syntax");
}

#[test]
fn tera_block_syntax_error_is_reported_in_the_template() {
    let site = built();
    let tpl = "templates/article.html";
    let line = site.lines(tpl) + 1;
    site.append(tpl, "{% if %}\n");
    let report = site.fails();
    report.error_count(1);
    report
        .error(
            tpl,
            line,
            7,
            "Found `%}` but expected one of: integer, float, string, bool, ident, `-`, `not`, \
             `<`, `{`, `[` or `(`",
        )
        .source("{% if %}");
}

#[test]
fn tera_unclosed_expression_is_reported_in_the_template() {
    let site = built();
    let tpl = "templates/article.html";
    let line = site.lines(tpl) + 1;
    site.append(tpl, "{{ unclosed\n");
    let report = site.fails();
    report.error_count(1);
    report
        .error(tpl, line, 12, "Unexpected end of input")
        .source("{{ unclosed");
}

#[test]
fn unknown_filters_are_each_reported_where_the_template_calls_them() {
    let site = built();
    let tpl = "templates/category.html";
    site.replace(tpl, "<h1>{{ title }}</h1>", "<h1>{{ title | shout }}</h1>");
    let line = site
        .read(tpl)
        .lines()
        .position(|l| l.contains("shout"))
        .unwrap()
        + 1;
    let (home, home_line) = add_to_home_page(&site, "<p>{{ 1 is tall }}</p>");
    let report = site.fails();
    report.error_count(2);
    report
        .error(tpl, line, 16, "Unknown filter `shout`")
        .source("<h1>{{ title | shout }}</h1>");
    report
        .error(home, home_line, 12, "Unknown test `tall`")
        .source("<p>{{ 1 is tall }}</p>");
}

/// Adds the line `html` to the home page's template; its file and line number.
fn add_to_home_page(site: &Site, html: &str) -> (&'static str, usize) {
    let tpl = "templates/home.html";
    // home.html extends base.html, so the line goes inside its last block: text after the
    // blocks of a child template is a tera error of its own. `{% endblock main %}` is the
    // last line, so the new line takes its number.
    let line = site.lines(tpl);
    site.replace(
        tpl,
        "{% endblock main %}",
        &format!("{html}\n{{% endblock main %}}"),
    );
    (tpl, line)
}

#[test]
fn message_id_no_locale_defines_is_reported_where_the_template_uses_it() {
    let site = built();
    let (tpl, line) = add_to_home_page(&site, "<p>{{ t(key=\"no-such-message\") }}</p>");
    let report = site.fails();
    report.error_count(1);
    report
        .error(
            tpl,
            line,
            7,
            "no locale defines the message `no-such-message`",
        )
        .source("<p>{{ t(key=\"no-such-message\") }}</p>")
        .hint("add `no-such-message = …` to the .ftl files in locales/");
}

#[test]
fn tera_render_error_is_reported_where_the_template_as_written_has_it() {
    let site = built();
    // Pages render from templates with the messages written into them: the column must still
    // be the one of the template as written, after the call.
    let (tpl, line) = add_to_home_page(
        &site,
        "<p>{{ t(key=\"search-button\") }} {{ no_such_value }}</p>",
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error_containing(tpl, line, 36, "`no_such_value` is not defined")
        .source("<p>{{ t(key=\"search-button\") }} {{ no_such_value }}</p>");
}

// ---------------------------------------------------------------------------------------------
// Every error of a run at once
// ---------------------------------------------------------------------------------------------

#[test]
fn errors_in_several_files_are_all_reported_in_one_run() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "titel: Trasig",
            "updated: 2021-12-20",
            "---",
            "",
            "Text.",
        ]),
    );
    site.write(
        ARTICLE_EN,
        article(&[
            "---",
            "title: Broken",
            "updated: 2021-12-20",
            "level: expert",
            "---",
            "",
            "Text.",
        ]),
    );
    let category = "content/email/basic-settings/_category.yaml";
    site.replace(category, "order: 1", "order: first"); // line 4, value at column 8
    let tpl = "templates/article.html";
    let tpl_line = site.lines(tpl) + 1;
    site.append(tpl, "{{ unclosed\n");

    let report = site.fails();
    report.error_count(4);
    report.error_containing(category, 4, 8, "first");
    report.error_containing(ARTICLE_EN, 4, 8, "expert");
    report.error_containing(ARTICLE, 2, 1, "titel");
    report.error_containing(tpl, tpl_line, 12, "Unexpected end of input");
}

#[test]
fn a_broken_locale_file_does_not_hide_template_errors() {
    let site = built();
    let ftl = "locales/en/main.ftl";
    let ftl_line = site.lines(ftl) + 1;
    site.append(ftl, "broken-message Hello\n"); // no `=`: expected at column 16
    let tpl = "templates/article.html";
    let tpl_line = site.lines(tpl) + 1;
    site.append(tpl, "{{ unclosed\n");

    let report = site.fails();
    report.error_count(2);
    report.error(ftl, ftl_line, 16, "Expected a token starting with \"=\"");
    report.error(tpl, tpl_line, 12, "Unexpected end of input");
}

// ---------------------------------------------------------------------------------------------
// Encodings and odd files
// ---------------------------------------------------------------------------------------------

#[test]
fn file_that_is_not_utf8() {
    let site = built();
    let mut bytes =
        article(&["---", "title: Trasig", "updated: 2021-12-20", "---", ""]).into_bytes();
    bytes.extend_from_slice(b"H\xe4lsning fr\xe5n Sverige.\n"); // Latin-1 `ä` on line 6, column 2
    site.write(ARTICLE, bytes);
    let report = site.fails();
    report.error_count(1);
    report
        .error(ARTICLE, 6, 2, "the file is not valid UTF-8")
        .hint("save the file as UTF-8 in your editor");
}

#[test]
fn front_matter_without_closing_fence() {
    let site = built();
    site.write(
        ARTICLE,
        article(&["---", "title: Trasig", "updated: 2021-12-20", "", "Text."]),
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error(ARTICLE, 1, 1, "the front matter has no closing `---`")
        .source("---")
        .hint("end the YAML fields with a line holding only `---`");
}

#[test]
fn empty_markdown_file() {
    let site = built();
    site.write(ARTICLE, "");
    let report = site.fails();
    report.error_count(1);
    report.error(ARTICLE, 1, 1, "the file is empty").hint(
        "an article starts with a line `---`, its YAML fields (at least `title` and \
             `updated`), and another line `---`; or delete the file",
    );
}

#[test]
fn bom_and_crlf_line_endings_build() {
    let site = built();
    site.write(
        ARTICLE,
        "\u{feff}---\r\ntitle: BOM och CRLF\r\nupdated: 2021-12-20\r\n---\r\n\r\nText med CRLF.\r\n",
    );
    site.succeeds();
    let page = site.read("public/kb/bom-och-crlf/index.html");
    assert!(page.contains("<h1>BOM och CRLF</h1>"), "{page}");
    assert!(page.contains("<p>Text med CRLF.</p>"), "{page}");
    assert!(
        !page.contains('\r') && !page.contains('\u{feff}'),
        "{page:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Fallback to the default locale
// ---------------------------------------------------------------------------------------------

#[test]
fn message_missing_in_en_falls_back_to_sv_with_a_warning() {
    let site = built();
    let line = "feedback-question = Was this article helpful?\n";
    site.replace("locales/en/main.ftl", line, "");
    let stderr = site.succeeds();

    let page = site.read("public/en/kb/email-protocol-imap-vs-pop3/index.html");
    assert!(page.contains("<html lang=\"en\">"), "not the English page");
    assert!(
        page.contains("<legend>Var den här artikeln till hjälp?</legend>"),
        "the English page must show the Swedish text"
    );
    assert!(
        !page.contains("feedback-question"),
        "raw message id in the page"
    );

    let diags = parse_diags(&stderr);
    let warning = diags
        .iter()
        .find(|d| d.severity == "warning" && d.message.contains("`feedback-question`"))
        .unwrap_or_else(|| panic!("no warning names `feedback-question`:\n{stderr}"));
    let sv_line = 1 + site
        .read("locales/sv/main.ftl")
        .lines()
        .position(|l| l.starts_with("feedback-question = "))
        .unwrap();
    assert_eq!(
        warning.text.lines().next().unwrap(),
        format!(
            "locales/sv/main.ftl:{sv_line}:1: warning: `feedback-question` has no `en` \
             translation; en pages show this text"
        )
    );
    warning.hint("add `feedback-question = …` to a file in locales/en/");
    // "this text" is the Swedish line the warning points at: it must be shown.
    warning.source("feedback-question = Var den här artikeln till hjälp?");
}

// ---------------------------------------------------------------------------------------------
// First builds
// ---------------------------------------------------------------------------------------------

#[test]
fn a_link_to_an_unknown_key_is_reported_with_the_nearest_key() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "---",
            "",
            "Se [protokollen](@/email/basic-settings/email-protocol).",
            "Och [filen](@/email/basic-settings/email-protocols.sv.md).",
            "Och [ingenting](@/nothing/like/it).",
        ]),
    );
    let report = site.fails();
    assert_eq!(
        report.stderr,
        format!(
            "{ARTICLE}:6:4: error: no article has the key `email/basic-settings/email-protocol`\n\
             \x20 |\n6 | Se [protokollen](@/email/basic-settings/email-protocol).\n  |    ^\n\
             \x20 = hint: did you mean `@/email/basic-settings/email-protocols`?\n\
             {ARTICLE}:7:5: error: no article has the key `email/basic-settings/email-protocols.sv.md`\n\
             \x20 |\n7 | Och [filen](@/email/basic-settings/email-protocols.sv.md).\n  |     ^\n\
             \x20 = hint: did you mean `@/email/basic-settings/email-protocols`?\n\
             {ARTICLE}:8:5: error: no article has the key `nothing/like/it`\n\
             \x20 |\n8 | Och [ingenting](@/nothing/like/it).\n  |     ^\n\
             \x20 = hint: an `@/` link names an article by its path under content/, without \
             language and `.md`: `@/email/basic-settings/imap`\n\
             build failed with 3 errors; {} was left as it was\n",
            site.public().display()
        )
    );
}

#[test]
fn configuration_errors_say_what_to_type_and_where() {
    let site = built();
    site.replace(
        "kbgen.yaml",
        "related_articles: 5",
        "related_articles: five",
    );
    let line = site
        .read("kbgen.yaml")
        .lines()
        .position(|l| l.contains("five"))
        .unwrap()
        + 1;
    let report = site.fails();
    assert_eq!(
        report.stderr,
        format!(
            "kbgen.yaml:{line}:19: error: related_articles: invalid type: string \"five\", \
             expected a whole number (0 or more)\n   |\n{line} | related_articles: five\n   |                   ^\n\
             build failed with 1 error; {} was left as it was\n",
            site.public().display()
        )
    );
    site.replace(
        "kbgen.yaml",
        "related_articles: five",
        "related_articles: 5",
    );
    site.replace("kbgen.yaml", "base_url:", "# base_url:");
    site.fails()
        .error_containing("kbgen.yaml", 3, 1, "missing field `base_url`")
        .hint("add `base_url: …` to kbgen.yaml");
}

#[test]
fn an_order_that_is_not_a_number_says_so_in_words() {
    let site = built();
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "order: first",
            "---",
            "",
            "Text.",
        ]),
    );
    site.fails().error(
        ARTICLE,
        4,
        8,
        "order: invalid type: string \"first\", expected a whole number",
    );
}

#[test]
fn fresh_build_creates_the_output() {
    let site = copied();
    assert!(!site.public().exists());
    site.succeeds();
    for page in ["index.html", "en/index.html", "sitemap.xml", "robots.txt"] {
        assert!(site.public().join(page).is_file(), "no public/{page}");
    }
}

#[test]
fn failed_first_build_leaves_no_output_and_no_staging_folder() {
    let site = copied();
    // An unknown table fails while pages render, after the staging folder exists.
    site.write(
        ARTICLE,
        article(&[
            "---",
            "title: Trasig",
            "updated: 2021-12-20",
            "---",
            "",
            "```servers nosuch",
            "```",
        ]),
    );
    let report = site.fails(); // also checks that no `.public.*` folder is left
    report.error_count(1);
    report.error(ARTICLE, 6, 1, "unknown server table `nosuch`");
    assert!(
        !site.public().exists(),
        "a failed first build created public/"
    );
}

/// `synonyms.yaml` is read with the other inputs: a locale it names that `kbgen.yaml` does
/// not configure fails the build and `kbgen check` alike, at its line.
#[test]
fn a_synonym_group_of_an_unknown_locale_is_reported_at_its_line() {
    let site = built();
    site.write(
        "synonyms.yaml",
        "sv:\n  - [mejl, e-post]\nde:\n  - [mail, e-mail]\n",
    );
    let report = site.fails();
    report.error_count(1);
    report
        .error("synonyms.yaml", 3, 1, "`de` is not a configured locale")
        .source("de:")
        .hint("the locales of kbgen.yaml are: sv, en");
}

/// Each problem of the second locale is reported at its own line, not the first locale's, and
/// all of them in one run.
#[test]
fn every_bad_field_of_the_second_locale_is_reported_at_its_own_line() {
    let site = built();
    site.replace(
        "kbgen.yaml",
        "  - code: en\n    tag: en-GB\n    search_path: search\n",
        "  - code: En_1\n    tag: \"e n\"\n    search_path: Sök\n",
    );
    let report = site.fails();
    report.error_count(3);
    report
        .error("kbgen.yaml", 8, 5, "`En_1` cannot be a locale code")
        .source("  - code: En_1")
        .hint("a locale code is lower-case letters, digits and dashes, starting with a letter, such as `sv` or `pt-br`");
    report
        .error("kbgen.yaml", 9, 5, "`e n` is not a BCP 47 language tag")
        .source("    tag: \"e n\"");
    report
        .error(
            "kbgen.yaml",
            10,
            5,
            "search_path `Sök` must be one path segment of a-z, 0-9 and dashes",
        )
        .source("    search_path: Sök");
}

#[test]
fn a_locale_configured_twice_is_reported_at_the_second() {
    let site = built();
    site.replace("kbgen.yaml", "  - code: en\n", "  - code: sv\n");
    let report = site.fails();
    report.error_count(1);
    report
        .error("kbgen.yaml", 8, 5, "the locale `sv` is configured twice")
        .source("  - code: sv");
}

#[test]
fn an_insights_url_that_is_no_url_is_an_error_and_a_good_one_names_the_receiver_on_pages() {
    let site = built();
    site.append("kbgen.yaml", "insights_url: javascript:alert(1)\n");
    let line = site.lines("kbgen.yaml");
    let report = site.fails();
    report.error_count(1);
    report.error(
        "kbgen.yaml",
        line,
        1,
        "insights_url `javascript:alert(1)` must be an http(s) URL or a path on the site",
    );
    site.replace(
        "kbgen.yaml",
        "insights_url: javascript:alert(1)",
        "insights_url: https://insikt.example.se/events",
    );
    site.succeeds();
    for page in ["public/index.html", "public/en/index.html"] {
        let doc = scraper::Html::parse_document(&site.read(page));
        let body = doc.select(&crate::harness::sel("body")).next().unwrap();
        assert_eq!(
            body.value().attr("data-insights"),
            Some("https://insikt.example.se/events"),
            "{page}"
        );
    }
}
