//! Article bodies: Markdown to HTML, as a chain of pulldown-cmark event adapters.
//!
//! Each transform is one function over events: server-table directives become tables, images
//! get their size and lazy loading, links and images are checked against the site, raw HTML
//! follows the configured policy. Only heading ids need to see a heading's whole text, so that
//! pass collects. Problems are reported at their line and column in the article file.

use crate::config::RawHtml;
use crate::diag::{Diagnostic, Pos};
use crate::model::{Article, Site};
use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::collections::BTreeSet;
use std::ops::Range;

/// What rendering a body produced besides its HTML.
#[derive(Debug, Default, Clone)]
pub struct Body {
    /// `(level, id, text)` of every heading, for a table of contents and the search index.
    pub headings: Vec<(u8, String, String)>,
    /// The body as plain text (no markup), for search snippets.
    pub text: String,
    /// Every link's destination with its byte offset in the body, for `kbgen check` (a
    /// build never reports a position, so none is worked out).
    pub links: Vec<(String, usize)>,
}

/// Renders a server table for a directive; supplied by the caller, which owns the templates.
pub type TableRenderer<'a> = dyn Fn(&str) -> Result<String, Diagnostic> + 'a;

pub fn render(
    site: &Site,
    article: &Article,
    table: &TableRenderer,
) -> Result<(String, Body), Vec<Diagnostic>> {
    let body = article.body.as_str();
    let at = |range: &Range<usize>| Pos::of_offset(body, range.start).below(article.body_line);
    let mut errors = Vec::new();
    let err = |range: &Range<usize>, msg: String| {
        Diagnostic::error(&article.file, at(range), msg).with_source(&article.source())
    };

    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    options.insert(Options::ENABLE_FOOTNOTES);

    let mut placed = BTreeSet::new();
    let mut links = Vec::new();
    let (mut alignments, mut in_head, mut cell) = (Vec::new(), false, 0);
    // About one event per 12 bytes of Markdown.
    let mut out: Vec<Event> = Vec::with_capacity(body.len() / 12);
    let mut text = Words::with_capacity(body.len());
    let mut iter = Parser::new_ext(body, options).into_offset_iter();
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_directive(&info) => {
                // Skip to the end of the block: its content is ignored.
                for (e, _) in iter.by_ref() {
                    if matches!(e, Event::End(TagEnd::CodeBlock)) {
                        break;
                    }
                }
                let name = info
                    .trim()
                    .strip_prefix("servers")
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if !article.tables.contains_key(&name) {
                    let known: Vec<&str> = article.tables.keys().map(String::as_str).collect();
                    let hint = if known.is_empty() {
                        "define the table under `server_tables:` in the front matter".to_string()
                    } else {
                        format!("the tables of this article are: {}", known.join(", "))
                    };
                    errors.push(err(&range, format!("unknown server table `{name}`")).hint(hint));
                    continue;
                }
                placed.insert(name.clone());
                match table(&name) {
                    Ok(html) => out.push(Event::Html(html.into())),
                    Err(d) => errors.push(d),
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let mut alt = String::new();
                for (e, _) in iter.by_ref() {
                    match e {
                        Event::End(TagEnd::Image) => break,
                        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                        _ => {}
                    }
                }
                match image_html(site, &dest_url, &title, &alt) {
                    Ok(html) => out.push(Event::Html(html.into())),
                    Err((msg, hint)) => errors.push(err(&range, msg).hint(hint)),
                }
            }
            // Header cells say what they head, for screen readers.
            Event::Start(Tag::Table(ref a)) => {
                alignments = a.clone();
                out.push(event);
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                cell = 0;
                out.push(event);
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                out.push(event);
            }
            Event::Start(Tag::TableCell) if in_head => {
                let style = match alignments.get(cell) {
                    Some(Alignment::Left) => " style=\"text-align: left\"",
                    Some(Alignment::Center) => " style=\"text-align: center\"",
                    Some(Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                cell += 1;
                out.push(Event::Html(format!("<th scope=\"col\"{style}>").into()));
            }
            Event::End(TagEnd::TableCell) if in_head => {
                text.space();
                out.push(Event::Html("</th>".into()));
            }
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                if let Err((msg, hint)) = check_link(dest_url) {
                    errors.push(err(&range, msg).hint(hint));
                }
                links.push((dest_url.to_string(), range.start));
                out.push(event);
            }
            Event::Html(_) | Event::InlineHtml(_) => match site.config.raw_html {
                RawHtml::Allow => out.push(event),
                RawHtml::Strip => {}
                RawHtml::Reject => errors.push(
                    err(&range, "raw HTML is not allowed in articles".into())
                        .hint("write it in Markdown, or set `raw_html: allow` in kbgen.yaml"),
                ),
            },
            Event::Text(ref t) | Event::Code(ref t) => {
                text.push(t);
                out.push(event);
            }
            // Block ends separate words in the text: "lösenordet." in one cell and "Du" in the
            // next must not become one token.
            Event::SoftBreak | Event::HardBreak => {
                text.space();
                out.push(event);
            }
            Event::End(ref end) if !is_inline(end) => {
                text.space();
                out.push(event);
            }
            _ => out.push(event),
        }
    }
    for (name, t) in &article.tables {
        if !placed.contains(name) {
            errors.push(
                Diagnostic::error(
                    &article.file,
                    t.pos,
                    format!("the server table `{name}` is never placed"),
                )
                .with_source(&article.source())
                .hint(format!(
                    "put a block ```servers {name}``` where the table belongs in the body"
                )),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let headings = heading_ids(&mut out);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let body = Body {
        headings,
        links,
        text: text.text,
    };
    Ok((html, body))
}

/// The words of a body's text, one space between them and none at either end, as
/// `split_whitespace().collect::<Vec<_>>().join(" ")` of all that was pushed would give, made
/// as the text comes (the body text of a large site is tens of megabytes).
struct Words {
    text: String,
    /// Whitespace was seen since the last word: the next one starts after a space.
    space: bool,
}

/// The bytes that can start whitespace: ASCII controls and space, and the lead bytes of
/// U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000.
const MAY_START_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, 0..=b' ' | 0xC2 | 0xE1..=0xE3);
        b += 1;
    }
    table
};

impl Words {
    fn with_capacity(n: usize) -> Words {
        Words {
            text: String::with_capacity(n),
            space: false,
        }
    }

    /// A word boundary: whitespace between what was pushed before and what comes next.
    fn space(&mut self) {
        self.space = true;
    }

    fn push(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let (mut i, mut start) = (0, 0);
        while i < bytes.len() {
            if !MAY_START_SPACE[bytes[i] as usize] {
                i += 1;
                continue;
            }
            // A lone space after a word and before another is already what the text should
            // hold: it stays in the run copied at once (most of a body's spaces are such).
            if bytes[i] == b' '
                && i > start
                && bytes
                    .get(i + 1)
                    .is_some_and(|&b| !MAY_START_SPACE[b as usize])
            {
                i += 2;
                continue;
            }
            let c = text[i..].chars().next().expect("i is a char boundary");
            if c.is_whitespace() {
                self.word(&text[start..i]);
                self.space = true;
                start = i + c.len_utf8();
            }
            i += c.len_utf8();
        }
        self.word(&text[start..]);
    }

    /// Appends `w` (words with a lone space between them, none at either end) to the word in
    /// progress, or after a boundary.
    fn word(&mut self, w: &str) {
        if w.is_empty() {
            return;
        }
        if self.space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(w);
    }
}

fn is_inline(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

fn is_directive(info: &str) -> bool {
    let info = info.trim();
    info == "servers" || info.starts_with("servers ")
}

/// Gives every heading an id (its text as a slug, numbered when repeated) unless the writer
/// set one with `{#id}`.
fn heading_ids(events: &mut [Event]) -> Vec<(u8, String, String)> {
    let mut used = BTreeSet::new();
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_number(*level);
            let given = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = given.unwrap_or_else(|| {
                let s = crate::model::slugify(&text);
                if s.is_empty() {
                    "section".into()
                } else {
                    s
                }
            });
            let mut id_str = base.clone();
            let mut n = 2;
            while !used.insert(id_str.clone()) {
                id_str = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(id_str.clone()));
            }
            headings.push((level, id_str, text));
            i = j;
        }
        i += 1;
    }
    headings
}

fn heading_number(l: HeadingLevel) -> u8 {
    l as u8
}

/// Local images must exist in static/; they get their pixel size and lazy loading.
fn image_html(site: &Site, src: &str, title: &str, alt: &str) -> Result<String, (String, String)> {
    let mut attrs = String::new();
    if let Some(path) = src.strip_prefix('/') {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        if !site.statics.contains(path) {
            return Err((
                format!("the image `{src}` does not exist"),
                format!("put the file at static/{path}"),
            ));
        }
        if let Some((w, h)) = site.statics.image_sizes.get(path) {
            attrs = format!(" width=\"{w}\" height=\"{h}\"");
        }
    } else if !src.starts_with("https://") && !src.starts_with("http://") {
        return Err((
            format!("the image `{src}` is neither a path from the site root nor an http(s) URL"),
            "put images in static/img/ and write `/img/name.png`".into(),
        ));
    }
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape(title))
    };
    Ok(format!(
        "<img src=\"{}\" alt=\"{}\"{attrs}{title} loading=\"lazy\" decoding=\"async\">",
        escape(src),
        escape(alt)
    ))
}

/// Links may go to pages of this site, anchors, http(s), mailto: and tel:, nothing else:
/// a `javascript:` link in an article would run in every reader's browser.
fn check_link(dest: &str) -> Result<(), (String, String)> {
    let scheme_end = dest.find(':');
    let path_start = dest.find(['/', '?', '#']);
    let has_scheme = matches!((scheme_end, path_start), (Some(c), Some(p)) if c < p)
        || (scheme_end.is_some() && path_start.is_none());
    if !has_scheme {
        return Ok(());
    }
    let scheme = dest[..scheme_end.unwrap_or(0)].to_ascii_lowercase();
    if ["http", "https", "mailto", "tel"].contains(&scheme.as_str()) {
        Ok(())
    } else {
        Err((
            format!("links with the `{scheme}:` scheme are not allowed"),
            "link to http(s) pages, mailto: or tel:, or to paths on this site".into(),
        ))
    }
}

/// `s` with the five HTML special characters as entities: what templates do to what they
/// print (one escaper for both).
pub fn escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    super::templates::escape_html(s, &mut out).expect("a Vec takes every write");
    String::from_utf8(out).expect("entities keep the text UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_schemes() {
        assert!(check_link("/kb/x/").is_ok());
        assert!(check_link("https://admin.websupport.se/").is_ok());
        assert!(check_link("#imap").is_ok());
        assert!(check_link("page?a=b:c").is_ok());
        assert!(check_link("mailto:a@b.se").is_ok());
        assert!(check_link("javascript:alert(1)").is_err());
        assert!(check_link("JavaScript:alert(1)").is_err());
        assert!(check_link("data:text/html,x").is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Escaped text holds no markup characters, and an HTML parser reads back the original.
        #[test]
        fn escaping_round_trips_through_an_html_parser(text in "\\PC{0,60}") {
            let e = escape(&text);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let doc = scraper::Html::parse_fragment(&format!("<p title=\"{e}\">{e}</p>"));
            let p = doc.select(&scraper::Selector::parse("p").unwrap()).next().unwrap();
            // HTML parsing normalises CR to LF and NUL to U+FFFD; nothing else may change.
            let expected = text.replace("\r\n", "\n").replace('\r', "\n").replace('\0', "\u{fffd}");
            prop_assert_eq!(p.value().attr("title").unwrap(), expected.as_str());
        }

        /// Text pushed in pieces, with boundaries between some, comes out as
        /// `split_whitespace` and `join` would make of it all, for ASCII and Unicode spaces
        /// (no-break, ideographic, line separator) and controls that are not spaces.
        #[test]
        fn words_collapse_like_split_and_join(pieces in prop::collection::vec(("[a-zö \t\n\r\u{01}\u{0b}\u{0c}\u{85}\u{a0}\u{1680}\u{2003}\u{2028}\u{202f}\u{3000}\u{e1}\u{2019}]{0,12}", any::<bool>()), 0..6)) {
            let mut words = Words::with_capacity(0);
            let mut all = String::new();
            for (piece, boundary) in &pieces {
                words.push(piece);
                all.push_str(piece);
                if *boundary {
                    words.space();
                    all.push(' ');
                }
            }
            let expected = all.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(words.text, expected);
        }
    }
}
