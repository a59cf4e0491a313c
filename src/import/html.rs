//! A WordPress article body (`content.rendered`) to kbgen Markdown.
//!
//! htmd does the conversion; the handlers registered here teach it what is particular to the
//! old site: server tables become `server_tables` front matter placed with a ```servers```
//! block, the beginner label becomes `level`, images take the largest `srcset` entry, figure
//! captions become an italic line, and elements with no Markdown form are dropped or turned
//! into links. Shortcodes Ultimate's notes and boxes become alerts (`> [!NOTE]`), its spoilers
//! and the block editor's `details` collapsible sections (`### Question {.collapsible}`),
//! whether the body holds them as the plugin rendered them or as shortcodes (an export file's
//! stored content). Everything that is not converted faithfully is written down as a [`Note`] for
//! the import report. Block comments, classes and inline styles disappear because htmd's
//! "pure" mode drops comments and attributes.

use super::images::{Found, Uploads};
use super::{Note, NoteKind};
use crate::load::frontmatter::{Level, Security};
use htmd::element_handler::{HandlerResult, Handlers};
use htmd::options::{BrStyle, BulletListMarker, Options};
use htmd::{Element, HtmlToMarkdown};
use markup5ever_rcdom::{Node, NodeData};
use serde::Serialize;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// A server table as it is written into the front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerTable {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    pub rows: Vec<ServerRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerRow {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// What one body turned into.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    pub markdown: String,
    pub level: Option<Level>,
    /// In the order they appear in the body.
    pub tables: Vec<(String, ServerTable)>,
    pub notes: Vec<Note>,
    /// Images of the uploads folder the body shows, to copy into `static/img/`.
    pub images: Vec<Found>,
}

/// Shared by the handlers while htmd walks one body.
#[derive(Default)]
struct State {
    level: Option<Level>,
    tables: Vec<(String, ServerTable)>,
    notes: Vec<Note>,
    /// The ids the article's headings will have, which `#fragment` links may lead to.
    anchors: BTreeSet<String>,
    /// Where the old site's images are (`--uploads`), and those of them the body shows.
    uploads: Option<Arc<Uploads>>,
    images: Vec<Found>,
}

type Shared = Arc<Mutex<State>>;

fn with<R>(state: &Shared, f: impl FnOnce(&mut State) -> R) -> R {
    let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut guard)
}

fn note(state: &Shared, kind: NoteKind, message: String) {
    with(state, |s| s.notes.push(Note::new(kind, message)));
}

/// A note about the part of the body that shows `at`, whose line the report gives.
fn note_at(state: &Shared, kind: NoteKind, message: String, at: String) {
    let mut n = Note::new(kind, message);
    n.at = Some(at);
    with(state, |s| s.notes.push(n));
}

/// Converts one article body.
#[cfg(test)]
pub(crate) fn convert(html: &str) -> Converted {
    convert_with(html, None)
}

/// Converts one article body (its shortcodes rendered: `render_shortcodes`, which reading the
/// inputs does once), its images taken from `uploads` where given.
pub(crate) fn convert_with(html: &str, uploads: Option<Arc<Uploads>>) -> Converted {
    let state: Shared = Arc::default();
    with(&state, |s| s.uploads = uploads);
    let converter = converter(&state);
    let tree = match converter.html_to_tree(html) {
        Ok(t) => t,
        Err(e) => {
            // html5ever reads any string; htmd's signature allows for I/O errors only.
            return Converted {
                notes: vec![Note::new(
                    NoteKind::Element,
                    format!("the body could not be read as HTML ({e}); it was left out"),
                )],
                ..Converted::default()
            };
        }
    };
    // Before conversion: htmd merges adjacent inline elements while it walks.
    let mut inventory = Inventory::default();
    inventory.walk(&tree, false);
    with(&state, |s| {
        s.anchors = std::mem::take(&mut inventory.anchors)
    });
    let markdown = tidy(&end_sections(&converter.tree_to_markdown(&tree)));
    let state = std::mem::take(&mut *state.lock().unwrap_or_else(|e| e.into_inner()));
    let mut notes = state.notes;
    notes.extend(inventory.notes());
    Converted {
        markdown,
        level: state.level,
        tables: state.tables,
        notes,
        images: state.images,
    }
}

/// The text of an HTML fragment (a title, an excerpt): tags stripped, entities decoded,
/// white space collapsed.
pub fn text(html: &str) -> String {
    let Ok(tree) = HtmlToMarkdown::new().html_to_tree(html) else {
        return html.to_string();
    };
    collapse(&node_text(&tree))
}

fn converter(state: &Shared) -> HtmlToMarkdown {
    let options = Options {
        bullet_list_marker: BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        br_style: BrStyle::Backslash,
        ..Options::default()
    };
    let s = state.clone();
    let label = handler(move |h, el| {
        if has_class(el.node, "su-label") {
            // The old site's "Instructions suitable for beginners" label, in any language.
            with(&s, |s| s.level = Some(Level::Beginner));
            return None;
        }
        h.fallback(el)
    });
    let s = state.clone();
    let heading = handler(move |h, el| {
        let level: usize = el.tag[1..].parse().unwrap_or(2);
        let content = collapse(&h.walk_children(el.node).content.replace("\\\n", " "));
        let content = strip_strong(&content);
        if content.is_empty() {
            return None;
        }
        let level = if level == 1 {
            note(
                &s,
                NoteKind::Element,
                format!(
                    "heading 1 `{content}` became a heading 2: the title is the page's only <h1>"
                ),
            );
            2
        } else {
            level
        };
        // An id of its own (a link in the old site may lead to it) is kept where kbgen's would
        // differ.
        let id = attr(el.node, "id")
            .filter(|id| is_anchor(id) && *id != crate::names::slugify(&node_text(el.node)))
            .map(|id| format!(" {{#{id}}}"))
            .unwrap_or_default();
        Some(format!("\n\n{} {content}{id}\n\n", "#".repeat(level)).into())
    });
    let s = state.clone();
    let image = handler(move |_, el| image(&s, el.node).map(Into::into));
    let s = state.clone();
    let figure = handler(move |h, el| Some(figure(&s, h, el.node).into()));
    let s = state.clone();
    let table = handler(move |h, el| Some(table(&s, h, el.node, None).into()));
    let s = state.clone();
    let anchor = handler(move |h, el| match attr(el.node, "href") {
        Some(href)
            if href.len() > 1
                && href.starts_with('#')
                && !with(&s, |st| st.anchors.contains(&href[1..])) =>
        {
            let content = h.walk_children(el.node);
            note(
                &s,
                NoteKind::Link,
                format!("the link to `{href}` was removed, its text kept: the article has no heading with that id (it was the old page's)"),
            );
            Some(content)
        }
        Some(href) if !allowed_link(&href) => {
            let content = h.walk_children(el.node);
            note(
                &s,
                NoteKind::Link,
                format!("the link to `{href}` was removed, its text kept: kbgen allows only http(s), mailto:, tel: and paths on the site"),
            );
            Some(content)
        }
        _ => h.fallback(el),
    });
    let strike = handler(|h, el| {
        let content = h.walk_children(el.node).content;
        let content = content.trim();
        (!content.is_empty()).then(|| format!("~~{content}~~").into())
    });
    let s = state.clone();
    let embed = handler(move |_, el| Some(embed(&s, el).into()));
    let s_embed = state.clone();
    let boxes = handler(move |h, el| {
        let part = |class: &str| {
            element_children(el.node)
                .into_iter()
                .find(|c| has_class(c, class))
        };
        let markdown = |node: Option<Rc<Node>>| {
            node.map(|n| h.walk_children(&n).content)
                .unwrap_or_default()
        };
        if has_class(el.node, "su-note") {
            Some(alert(None, &markdown(part("su-note-inner"))).into())
        } else if has_class(el.node, "su-box") {
            let title = markdown(part("su-box-title"));
            Some(alert(Some(&title), &markdown(part("su-box-content"))).into())
        } else if has_class(el.node, "wp-block-embed__wrapper") {
            // The block editor stores an embed as its URL; the site rendered the player.
            let url = collapse(&node_text(el.node));
            if !url.starts_with("https://") && !url.starts_with("http://") {
                return h.fallback(el);
            }
            note_at(
                &s_embed,
                NoteKind::Element,
                format!("an embed ({url}) became a link: embed it by hand if the page needs it"),
                url.clone(),
            );
            Some(format!("\n\n[{}]({url})\n\n", escape_brackets(&url)).into())
        } else if has_class(el.node, "su-spoiler") {
            let title = markdown(part("su-spoiler-title"));
            Some(collapsible(&title, &markdown(part("su-spoiler-content"))).into())
        } else {
            h.fallback(el)
        }
    });
    // A `<pre>` without `<code>` (the block editor's preformatted block) is a code block too.
    let pre = handler(|h, el| {
        if element_children(el.node)
            .iter()
            .any(|c| tag(c) == Some("code"))
        {
            return h.fallback(el);
        }
        let text = node_text(el.node);
        let text = text.trim_matches('\n');
        let fence = if text.contains("```") { "~~~~" } else { "```" };
        Some(format!("\n\n{fence}\n{text}\n{fence}\n\n").into())
    });
    // A quote's source, as its last line.
    let cite = handler(|h, el| {
        let content = collapse(&h.walk_children(el.node).content);
        (!content.is_empty()).then(|| format!("\n\n— {content}\n\n").into())
    });
    let details = handler(|h, el| {
        let children = element_children(el.node);
        let summary = children.iter().find(|c| tag(c) == Some("summary"));
        let title = summary
            .map(|n| h.walk_children(n).content)
            .unwrap_or_default();
        let mut body = String::new();
        for child in el.node.children.borrow().iter() {
            if tag(child) != Some("summary") {
                if let Some(r) = h.handle(child) {
                    body.push_str(&r.content);
                }
            }
        }
        Some(collapsible(&title, &body).into())
    });
    let s = state.clone();
    let dropped = handler(move |_, el| {
        note(
            &s,
            NoteKind::Element,
            format!(
                "a <{}> element was dropped: it has no Markdown form",
                el.tag
            ),
        );
        None
    });

    HtmlToMarkdown::builder()
        .options(options)
        .add_handler(vec!["span"], label)
        .add_handler(vec!["h1", "h2", "h3", "h4", "h5", "h6"], heading)
        .add_handler(vec!["img"], image)
        .add_handler(vec!["figure"], figure)
        .add_handler(vec!["table"], table)
        .add_handler(vec!["a"], anchor)
        .add_handler(vec!["s", "del", "strike"], strike)
        .add_handler(vec!["iframe", "video", "audio"], embed)
        .add_handler(vec!["div"], boxes)
        .add_handler(vec!["details"], details)
        .add_handler(vec!["pre"], pre)
        .add_handler(vec!["cite"], cite)
        .add_handler(DROPPED.to_vec(), dropped)
        .build()
}

/// Gives a closure the higher-ranked signature htmd's handlers need.
fn handler<F>(f: F) -> F
where
    F: Fn(&dyn Handlers, Element) -> Option<HandlerResult> + Send + Sync + 'static,
{
    f
}

/// Elements the converter handles (or that need no Markdown of their own).
#[rustfmt::skip]
const KNOWN: &[&str] = &[
    "html", "head", "body", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
    "li", "a", "img", "strong", "b", "em", "i", "code", "pre", "blockquote", "table", "thead",
    "tbody", "tfoot", "tr", "td", "th", "caption", "figure", "figcaption", "span", "div",
    "section", "article", "main", "header", "footer", "aside", "nav", "picture", "source",
    "colgroup", "col", "s", "del", "strike", "wbr", "iframe", "video", "audio", "track",
    "details", "summary", "cite",
];

/// Elements dropped with their content (each is reported).
#[rustfmt::skip]
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "object", "embed", "form", "input", "button",
    "select", "textarea", "canvas", "svg", "map", "area",
];

/// What the converter does not see through its handlers: elements it passes over (keeping
/// their text) and WordPress shortcodes left in the text.
#[derive(Default)]
struct Inventory {
    unknown: Vec<(String, usize)>,
    shortcodes: Vec<(String, usize)>,
    /// Every heading's id: its own, or the one kbgen will make from its text.
    anchors: BTreeSet<String>,
}

impl Inventory {
    fn walk(&mut self, node: &Rc<Node>, in_code: bool) {
        match &node.data {
            NodeData::Element { name, .. } => {
                let tag: &str = &name.local;
                if DROPPED.contains(&tag) {
                    return;
                }
                if !KNOWN.contains(&tag) {
                    count(&mut self.unknown, tag);
                }
                if let Some(id) = heading_id(node) {
                    // Numbered when repeated, as the build numbers them.
                    crate::names::unique_id(&id, &mut self.anchors);
                }
                let in_code = in_code || tag == "pre" || tag == "code";
                for child in node.children.borrow().iter() {
                    self.walk(child, in_code);
                }
            }
            NodeData::Text { contents } if !in_code => {
                for name in shortcodes(&contents.borrow()) {
                    count(&mut self.shortcodes, &name);
                }
            }
            NodeData::Document => {
                for child in node.children.borrow().iter() {
                    self.walk(child, in_code);
                }
            }
            _ => {}
        }
    }

    fn notes(self) -> Vec<Note> {
        let times = |n: usize| {
            if n > 1 {
                format!(" ({n}×)")
            } else {
                String::new()
            }
        };
        let mut notes: Vec<Note> = self
            .shortcodes
            .into_iter()
            .map(|(name, n)| {
                let mut note = Note::new(
                    NoteKind::Shortcode,
                    format!(
                        "the shortcode [{name}]{} is unknown: it was kept as text; rewrite it in Markdown",
                        times(n)
                    ),
                );
                note.at = Some(format!("[{name}"));
                note
            })
            .collect();
        notes.extend(self.unknown.into_iter().map(|(tag, n)| {
            Note::new(
                NoteKind::Element,
                format!(
                    "<{tag}>{} has no Markdown form: its text was kept without it",
                    times(n)
                ),
            )
        }));
        notes
    }
}

/// The id a heading element will have in kbgen: its own, or one made from its text.
fn heading_id(node: &Rc<Node>) -> Option<String> {
    let tag = tag(node)?;
    if !matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
        return None;
    }
    Some(
        attr(node, "id")
            .filter(|id| is_anchor(id))
            .unwrap_or_else(|| crate::names::heading_id(&node_text(node))),
    )
}

/// An id that `{#id}` after a heading can carry.
fn is_anchor(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

fn count(list: &mut Vec<(String, usize)>, name: &str) {
    match list.iter_mut().find(|(n, _)| n == name) {
        Some((_, c)) => *c += 1,
        None => list.push((name.to_string(), 1)),
    }
}

/// The names of the opening shortcodes (`[name …]`, `[name]`, `[name/]`) in a text.
fn shortcodes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('[') {
        rest = &rest[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
            .collect();
        let after = rest[name.len()..].chars().next();
        let starts_with_letter = name.starts_with(|c: char| c.is_ascii_lowercase());
        if starts_with_letter
            && matches!(after, Some(' ' | ']' | '/'))
            && rest[name.len()..].contains(']')
        {
            out.push(name);
        }
    }
    out
}

/// Shortcodes Ultimate's shortcodes that become alerts and collapsible sections, as the
/// plugin renders them (`[su_note]…[/su_note]` → `<div class="su-note">…`), so that the
/// handlers read a body that holds the shortcodes themselves as they read one the site
/// rendered. Blank lines around the markup keep it out of the paragraphs of `autop`.
pub(crate) fn render_shortcodes(html: &str) -> std::borrow::Cow<'_, str> {
    let html = if html.contains("[/caption]") || html.contains("[/embed]") {
        std::borrow::Cow::Owned(render_enclosing(html))
    } else {
        std::borrow::Cow::Borrowed(html)
    };
    if !html.contains("[su_") && !html.contains("[/su_") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest: &str = &html;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match rendered_shortcode(rest) {
            Some((markup, len)) => {
                out.push_str(&format!("\n\n{markup}\n\n"));
                rest = &rest[len..];
            }
            None => {
                out.push('[');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// WordPress's own `[caption]` (an image, then its caption or a `caption=""`) as a figure, and
/// `[embed]URL[/embed]` as a link, as the site rendered them.
fn render_enclosing(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["[caption", "[embed"]
            .iter()
            .filter_map(|t| rest.find(t).map(|i| (i, *t)))
            .min();
        let Some((i, tag)) = next else { break };
        let name = &tag[1..];
        let close = format!("[/{name}]");
        let (Some(open_end), Some(end)) = (rest[i..].find(']'), rest[i..].find(&close)) else {
            break;
        };
        if open_end > end {
            break;
        }
        out.push_str(&rest[..i]);
        let attrs = &rest[i + tag.len()..i + open_end];
        let inner = &rest[i + open_end + 1..i + end];
        out.push_str(&match name {
            "caption" => caption_figure(attrs, inner),
            _ => {
                let url = inner.trim().replace('"', "%22").replace('<', "%3C");
                format!("<p><a href=\"{url}\">{url}</a></p>")
            }
        });
        rest = &rest[i + end + close.len()..];
    }
    out.push_str(rest);
    out
}

/// `[caption]`'s content as a figure: the image (in its link, if any), then the caption.
fn caption_figure(attrs: &str, inner: &str) -> String {
    let inner = inner.trim();
    let image_end = if inner.starts_with("<a") {
        inner.find("</a>").map(|e| e + 4)
    } else {
        inner.find('>').map(|e| e + 1)
    }
    .unwrap_or(0);
    let (image, text) = inner.split_at(image_end);
    let caption = match shortcode_attr(attrs, "caption") {
        Some(c) => c.replace('<', "&lt;").replace('>', "&gt;"),
        None => text.trim().to_string(),
    };
    format!("\n\n<figure>{image}<figcaption>{caption}</figcaption></figure>\n\n")
}

/// The markup for the shortcode tag at the start of `s`, and the tag's length.
fn rendered_shortcode(s: &str) -> Option<(String, usize)> {
    let end = s.find(']')?;
    let inner = &s[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(name) => (true, name),
        None => (false, inner),
    };
    let (name, attrs) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let title = || {
        let t = shortcode_attr(attrs, "title").unwrap_or_default();
        t.replace('<', "&lt;").replace('>', "&gt;")
    };
    let markup = match (name, closing) {
        ("su_accordion", false) => "<div class=\"su-accordion\">".into(),
        ("su_accordion", true) => "</div>".into(),
        ("su_note", false) => "<div class=\"su-note\"><div class=\"su-note-inner\">".into(),
        ("su_box", false) => format!(
            "<div class=\"su-box\"><div class=\"su-box-title\">{}</div><div class=\"su-box-content\">",
            title()
        ),
        ("su_spoiler", false) => format!(
            "<div class=\"su-spoiler\"><div class=\"su-spoiler-title\">{}</div><div class=\"su-spoiler-content\">",
            title()
        ),
        ("su_note" | "su_box" | "su_spoiler", true) => "</div></div>".into(),
        _ => return None,
    };
    Some((markup, end + 1))
}

/// A shortcode attribute's value: `name="…"`, `name='…'` or `name=word`.
pub(crate) fn shortcode_attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + name.len()..];
        rest = after;
        if before.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let Some(value) = after.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or("").to_string(),
            _ => value.split_whitespace().next().unwrap_or("").to_string(),
        });
    }
    None
}

/// An alert (`> [!NOTE]`) holding `body`, with `title` as its first line in bold.
fn alert(title: Option<&str>, body: &str) -> String {
    let mut inner = String::new();
    if let Some(t) = title
        .map(|t| strip_strong(&collapse(t)))
        .filter(|t| !t.is_empty())
    {
        inner.push_str(&format!("**{t}**\n\n"));
    }
    inner.push_str(tidy(body).trim());
    let quoted: Vec<String> = inner
        .lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect();
    format!("\n\n> [!NOTE]\n{}\n\n", quoted.join("\n"))
}

/// Marks where a collapsible section the importer made ends; see [`end_sections`].
const SECTION_END: &str = "\u{1}section-end\u{1}";

/// A collapsible section: `### title {.collapsible}` and `body`, ended (see [`end_sections`]).
fn collapsible(title: &str, body: &str) -> String {
    let title = strip_strong(&collapse(&title.replace("\\\n", " ")));
    let title = if title.is_empty() {
        "…".to_string()
    } else {
        title
    };
    format!(
        "\n\n### {title} {{.collapsible}}\n\n{}\n\n{SECTION_END}\n\n",
        tidy(body).trim()
    )
}

/// A collapsible section runs to the next heading of its level or above, or to a thematic
/// break: where text follows an imported one before such a heading, a `---` ends it there;
/// elsewhere the end needs no mark.
fn end_sections(md: &str) -> String {
    let lines: Vec<&str> = md.lines().collect();
    let mut out = String::with_capacity(md.len());
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != SECTION_END {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let next = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        let ended = match next {
            None => true,
            Some(l) if l == SECTION_END => true,
            Some(l) => {
                let hashes = l.chars().take_while(|&c| c == '#').count();
                (1..=3).contains(&hashes) && l[hashes..].starts_with(' ')
            }
        };
        if !ended {
            out.push_str("---\n");
        }
    }
    out
}

/// `<img>`: the largest `srcset` entry, since kbgen takes image sizes from local files and the
/// file has to be downloaded anyway.
fn image(state: &Shared, node: &Rc<Node>) -> Option<String> {
    let src = attr(node, "src");
    let srcset = attr(node, "srcset");
    let url = srcset
        .as_deref()
        .and_then(largest_srcset)
        .or(src)
        .filter(|u| !u.trim().is_empty())?;
    let url = url.trim().to_string();
    let alt = attr(node, "alt").unwrap_or_default();
    let alt = collapse(&alt);
    let title = attr(node, "title")
        .map(|t| collapse(&t))
        .filter(|t| !t.is_empty());
    let size = match (attr(node, "width"), attr(node, "height")) {
        (Some(w), Some(h)) => format!(", shown at {w}×{h} on the old site"),
        _ => String::new(),
    };
    let name = url
        .split(['?', '#'])
        .next()
        .unwrap_or(&url)
        .rsplit('/')
        .next()
        .unwrap_or("image")
        .to_string();
    if url.starts_with("data:") {
        note(
            state,
            NoteKind::Image,
            "an image embedded as a data: URL was dropped; save it into static/img/ and add it by hand".into(),
        );
        return None;
    }
    let uploads = with(state, |s| s.uploads.clone());
    let found = uploads.as_ref().map(|u| u.find(&url));
    let (url, alt) = match found {
        // The old site's upload, copied: the page shows it from this site.
        Some(Ok(Some(f))) => {
            let alt = if alt.is_empty() {
                f.alt.clone().unwrap_or_default()
            } else {
                alt
            };
            if alt.is_empty() {
                note_at(
                    state,
                    NoteKind::Image,
                    format!(
                        "/img/{}: it has no alt text, nor has its attachment: write one",
                        f.rel
                    ),
                    format!("](/img/{}", f.rel),
                );
            }
            let local = format!("/img/{}", f.rel);
            with(state, |s| s.images.push(f));
            (local, alt)
        }
        missing => {
            let no_alt = if alt.is_empty() {
                "; it has no alt text: write one"
            } else {
                ""
            };
            let looked = match missing {
                Some(Err(tried)) => format!(
                    " (not in the uploads folder: no {})",
                    tried
                        .iter()
                        .map(|p| super::show(p))
                        .collect::<Vec<_>>()
                        .join(" nor ")
                ),
                _ => String::new(),
            };
            note_at(
                state,
                NoteKind::Image,
                format!(
                    "{url}{size}{looked}: download it into static/img/{name} and change the src to /img/{name}{no_alt}"
                ),
                url.clone(),
            );
            (url, alt)
        }
    };
    let dest = if url.contains([' ', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.replace('(', "%28").replace(')', "%29")
    };
    let title = title.map_or(String::new(), |t| {
        format!(" \"{}\"", t.replace('"', "\\\""))
    });
    Some(format!("![{}]({dest}{title})", escape_brackets(&alt)))
}

/// The URL of the widest (`w`) or densest (`x`) candidate of a `srcset`.
fn largest_srcset(srcset: &str) -> Option<String> {
    srcset
        .split(',')
        .filter_map(|candidate| {
            let mut parts = candidate.split_whitespace();
            let url = parts.next()?;
            let size = parts
                .next()
                .and_then(|d| {
                    d.strip_suffix('w')
                        .or_else(|| d.strip_suffix('x'))
                        .and_then(|n| n.parse::<f64>().ok())
                })
                .unwrap_or(1.0);
            Some((size, url))
        })
        .fold(None, |best: Option<(f64, &str)>, (size, url)| match best {
            Some((b, _)) if b >= size => best,
            _ => Some((size, url)),
        })
        .map(|(_, url)| url.to_string())
}

/// `<figure>`: a server table, another table, or an image (or an embed), with its caption.
fn figure(state: &Shared, h: &dyn Handlers, node: &Rc<Node>) -> String {
    let children = element_children(node);
    let caption = children
        .iter()
        .find(|c| tag(c) == Some("figcaption"))
        .map(|c| collapse(&h.walk_children(c).content.replace("\\\n", " ")));
    if caption.as_deref() == Some("") {
        note(
            state,
            NoteKind::Caption,
            "an empty figure caption was dropped".into(),
        );
    }
    let caption = caption.filter(|c| !c.is_empty());
    if let Some(t) = children.iter().find(|c| tag(c) == Some("table")) {
        return table(state, h, t, caption);
    }
    let mut out = String::new();
    for child in node.children.borrow().iter() {
        if tag(child) == Some("figcaption") {
            continue;
        }
        if let Some(r) = h.handle(child) {
            let content = r.content.trim();
            if !content.is_empty() {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(content);
            }
        }
    }
    if let Some(c) = caption {
        out.push_str(&format!("\n\n*{c}*"));
    }
    if out.trim().is_empty() {
        return String::new();
    }
    format!("\n\n{out}\n\n")
}

/// A table: server data becomes a `server_tables` entry and a directive; anything else a GFM
/// table with its caption as an italic line under it.
fn table(state: &Shared, h: &dyn Handlers, node: &Rc<Node>, caption: Option<String>) -> String {
    let rows = table_rows(node);
    if let Some(server_rows) = server_rows(&rows) {
        let name = with(state, |s| {
            let name = table_name(&server_rows[0].host, &s.tables);
            if caption.is_none() {
                let mut n = Note::new(
                    NoteKind::Caption,
                    format!(
                        "the server table `{name}` has no caption; add one under server_tables.{name}.caption"
                    ),
                );
                n.at = Some(format!("  {name}:"));
                s.notes.push(n);
            }
            s.tables.push((
                name.clone(),
                ServerTable {
                    caption,
                    rows: server_rows,
                },
            ));
            name
        });
        return format!("\n\n```servers {name}\n```\n\n");
    }
    gfm_table(state, h, &rows, caption)
}

/// The rows of a table (not of tables nested in it): `(is_header_row, cells)`.
fn table_rows(table: &Rc<Node>) -> Vec<(bool, Vec<Rc<Node>>)> {
    let mut rows = Vec::new();
    for child in element_children(table) {
        match tag(&child) {
            Some(section @ ("thead" | "tbody" | "tfoot")) => {
                for tr in element_children(&child) {
                    if tag(&tr) == Some("tr") {
                        rows.push((section == "thead", cells(&tr)));
                    }
                }
            }
            Some("tr") => rows.push((false, cells(&child))),
            _ => {}
        }
    }
    for row in &mut rows {
        if !row.1.is_empty() && row.1.iter().all(|c| tag(c) == Some("th")) {
            row.0 = true;
        }
    }
    rows
}

fn cells(tr: &Rc<Node>) -> Vec<Rc<Node>> {
    element_children(tr)
        .into_iter()
        .filter(|c| matches!(tag(c), Some("td" | "th")))
        .collect()
}

/// The rows of a server table, when every row is "host | port N | security label" (a header
/// row above them is allowed: kbgen writes its own, localised).
fn server_rows(rows: &[(bool, Vec<Rc<Node>>)]) -> Option<Vec<ServerRow>> {
    let body: Vec<&Vec<Rc<Node>>> = rows
        .iter()
        .skip_while(|(header, _)| *header)
        .map(|(_, cells)| cells)
        .collect();
    if body.is_empty() {
        return None;
    }
    body.into_iter()
        .map(|cells| {
            let [host, port, security] = cells.as_slice() else {
                return None;
            };
            let host = collapse(&node_text(host));
            if host.is_empty() || host.contains(char::is_whitespace) || !host.contains('.') {
                return None;
            }
            Some(ServerRow {
                host: domain_placeholder(&host),
                port: parse_port(&collapse(&node_text(port)))?,
                security: parse_security(&collapse(&node_text(security)))?,
            })
        })
        .collect()
}

/// `yourdomain.tld` / `dindomän.tld` become kbgen's `{domain}` placeholder.
fn domain_placeholder(host: &str) -> String {
    let lower = host.to_lowercase();
    for placeholder in ["yourdomain.tld", "dindomän.tld"] {
        if let Some(i) = lower.find(placeholder) {
            // Lower-casing keeps byte lengths for these ASCII/Swedish letters.
            if lower.len() == host.len() {
                return format!("{}{{domain}}{}", &host[..i], &host[i + placeholder.len()..]);
            }
            return lower.replace(placeholder, "{domain}");
        }
    }
    host.to_string()
}

fn parse_port(text: &str) -> Option<u16> {
    let lower = text.to_lowercase();
    let n = lower.strip_prefix("port").unwrap_or(&lower).trim();
    n.parse::<u16>().ok().filter(|p| *p > 0)
}

fn parse_security(text: &str) -> Option<Security> {
    let lower = text.to_lowercase();
    let label = lower.trim().trim_end_matches('.').trim();
    match label {
        "secure ssl connection" | "säker ssl-anslutning" => Some(Security::Ssl),
        "secure tls connection"
        | "secure tls connection (starttls)"
        | "säker tls-anslutning"
        | "säker tls-anslutning (starttls)" => Some(Security::Starttls),
        "insecure connection" | "osäker anslutning" => Some(Security::None),
        _ => None,
    }
}

/// The protocol of the first host (`imap`, `pop3`, `smtp`), else `table1`, `table2` …;
/// unique within the article.
fn table_name(first_host: &str, taken: &[(String, ServerTable)]) -> String {
    let is_taken = |n: &str| taken.iter().any(|(t, _)| t == n);
    let protocol = first_host.split('.').next().unwrap_or("").to_lowercase();
    if ["imap", "pop3", "pop", "smtp"].contains(&protocol.as_str()) {
        if !is_taken(&protocol) {
            return protocol;
        }
        return (2..)
            .map(|n| format!("{protocol}{n}"))
            .find(|n| !is_taken(n))
            .unwrap_or(protocol);
    }
    (1..)
        .map(|n| format!("table{n}"))
        .find(|n| !is_taken(n))
        .unwrap_or_default()
}

/// A table that holds no server data, as a GFM table.
fn gfm_table(
    state: &Shared,
    h: &dyn Handlers,
    rows: &[(bool, Vec<Rc<Node>>)],
    caption: Option<String>,
) -> String {
    let mut problems = Vec::new();
    let mut md_rows: Vec<(bool, Vec<String>)> = Vec::new();
    for (header, cells) in rows {
        let mut md = Vec::new();
        for cell in cells {
            let mut content = h.walk_children(cell).content.trim().to_string();
            if content.contains('\n') {
                let lines: Vec<&str> = content
                    .lines()
                    .map(|l| l.trim_end_matches('\\').trim())
                    .filter(|l| !l.is_empty())
                    .collect();
                let had_blocks = content.contains("\n\n") || content.contains("\n- ");
                content = lines.join("<br>");
                if had_blocks {
                    problems.push("a cell held paragraphs or a list, now joined with line breaks");
                }
            }
            md.push(content.replace('|', "\\|"));
            let span = |name: &str| attr(cell, name).and_then(|v| v.parse::<usize>().ok());
            if span("colspan").is_some_and(|n| n > 1) || span("rowspan").is_some_and(|n| n > 1) {
                problems.push("merged cells (colspan/rowspan) were split into single cells");
            }
        }
        if !md.is_empty() {
            md_rows.push((*header, md));
        }
    }
    if md_rows.is_empty() {
        note(state, NoteKind::Table, "an empty table was dropped".into());
        return String::new();
    }
    let width = md_rows.iter().map(|(_, r)| r.len()).max().unwrap_or(1);
    let header_rows = md_rows.iter().take_while(|(h, _)| *h).count();
    if header_rows == 0 {
        problems.push("it had no header row, so its first row became the header");
    } else if header_rows > 1 {
        problems.push("it had several header rows; only the first is a header now");
    }
    let line = |cells: &[String]| {
        let mut s = String::from("|");
        for i in 0..width {
            s.push(' ');
            s.push_str(cells.get(i).map_or("", String::as_str));
            s.push_str(" |");
        }
        s
    };
    let mut out = vec![line(&md_rows[0].1)];
    out.push(format!("|{}", " --- |".repeat(width)));
    out.extend(md_rows[1..].iter().map(|(_, r)| line(r)));
    let mut md = out.join("\n");
    let first = collapse(&md_rows[0].1.join(" "));
    let mut message = format!(
        "the table starting `{}` is not a server table: it became a Markdown table",
        shorten(&first, 40)
    );
    problems.dedup();
    for p in &problems {
        message.push_str("; ");
        message.push_str(p);
    }
    note(state, NoteKind::Table, message);
    if let Some(c) = caption {
        md.push_str(&format!("\n\n*{c}*"));
    }
    format!("\n\n{md}\n\n")
}

/// `<iframe>`, `<video>`, `<audio>`: a link to the source, so no content is lost silently.
fn embed(state: &Shared, el: Element) -> String {
    let src = attr(el.node, "src").or_else(|| {
        element_children(el.node)
            .iter()
            .filter(|c| tag(c) == Some("source"))
            .find_map(|c| attr(c, "src"))
    });
    let Some(src) = src.filter(|s| s.starts_with("https://") || s.starts_with("http://")) else {
        note(
            state,
            NoteKind::Element,
            format!("an <{}> without an http(s) source was dropped", el.tag),
        );
        return String::new();
    };
    let what = match el.tag {
        "video" => "Video",
        "audio" => "Audio",
        _ => "Embedded content",
    };
    let label = attr(el.node, "title")
        .map(|t| collapse(&t))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| what.to_string());
    note_at(
        state,
        NoteKind::Element,
        format!(
            "an <{}> ({src}) became a link: embed it by hand if the page needs it",
            el.tag
        ),
        src.clone(),
    );
    format!(
        "\n\n[{}]({})\n\n",
        escape_brackets(&label),
        src.replace(' ', "%20")
    )
}

/// Links kbgen accepts: http(s), mailto:, tel: and paths (see `render::markdown`).
fn allowed_link(href: &str) -> bool {
    let scheme_end = href.find(':');
    let path_start = href.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, path_start) {
        (Some(c), Some(p)) => c < p,
        (Some(_), None) => true,
        _ => false,
    };
    if !has_scheme {
        return true;
    }
    let scheme = href[..scheme_end.unwrap_or(0)].to_ascii_lowercase();
    ["http", "https", "mailto", "tel"].contains(&scheme.as_str())
}

// --- DOM helpers (markup5ever_rcdom, the tree htmd parses into) ---

fn tag(node: &Rc<Node>) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

fn attr(node: &Rc<Node>, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn has_class(node: &Rc<Node>, class: &str) -> bool {
    attr(node, "class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

fn element_children(node: &Rc<Node>) -> Vec<Rc<Node>> {
    node.children
        .borrow()
        .iter()
        .filter(|c| matches!(c.data, NodeData::Element { .. }))
        .cloned()
        .collect()
}

/// All text under a node; `<br>` counts as a space.
fn node_text(node: &Rc<Node>) -> String {
    let mut out = String::new();
    fn walk(node: &Rc<Node>, out: &mut String) {
        match &node.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. } if &*name.local == "br" => out.push(' '),
            NodeData::Element { name, .. }
                if matches!(&*name.local, "script" | "style" | "template") => {}
            _ => {
                for child in node.children.borrow().iter() {
                    walk(child, out);
                }
            }
        }
    }
    walk(node, &mut out);
    out
}

// --- text helpers ---

/// White space (including no-break spaces) collapsed to single spaces, trimmed.
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `**IMAP**` → `IMAP`: the old site made every heading bold.
fn strip_strong(s: &str) -> String {
    match s.strip_prefix("**").and_then(|s| s.strip_suffix("**")) {
        Some(inner) if !inner.is_empty() && !inner.contains("**") => inner.trim().to_string(),
        _ => s.to_string(),
    }
}

fn escape_brackets(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>().trim_end())
    }
}

/// Final clean-up: lines of only white space emptied, at most one blank line in a row outside
/// code blocks, one newline at the end.
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + 1);
    let mut in_fence = false;
    let mut blank = 0;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
            continue;
        }
        blank = 0;
        out.push_str(line.trim_end_matches(|c: char| c.is_whitespace() && c != '\n'));
        out.push('\n');
    }
    let trimmed = out.trim_matches('\n');
    format!("{trimmed}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcset_takes_the_largest_candidate() {
        assert_eq!(
            largest_srcset("a-783.png 783w, a-50.png 50w, a.png 1728w, a-1536.png 1536w")
                .as_deref(),
            Some("a.png")
        );
        assert_eq!(
            largest_srcset("a.png 1x, a@2x.png 2x").as_deref(),
            Some("a@2x.png")
        );
        assert_eq!(largest_srcset(""), None);
    }

    #[test]
    fn shortcodes_are_found_in_text() {
        assert_eq!(
            shortcodes(
                "Obs [su_note color=\"#fff\"]x[/su_note] and [gallery] but not [1] or [Note]"
            ),
            vec!["su_note", "gallery"]
        );
    }

    #[test]
    fn server_cells() {
        assert_eq!(parse_port("port 993 "), Some(993));
        assert_eq!(parse_port("Port 0"), None);
        assert_eq!(
            parse_security("Säker TLS-anslutning"),
            Some(Security::Starttls)
        );
        assert_eq!(parse_security("Osäker anslutning"), Some(Security::None));
        assert_eq!(parse_security("Fast"), None);
        assert_eq!(domain_placeholder("imap.yourdomain.tld"), "imap.{domain}");
        assert_eq!(domain_placeholder("smtp.DinDomän.tld"), "smtp.{domain}");
    }

    #[test]
    fn headings_lose_the_old_bold() {
        let c = convert("<h3 class=\"wp-block-heading\"><strong>IMAP</strong></h3><p>x</p>");
        assert_eq!(c.markdown, "### IMAP\n\nx\n");
    }

    #[test]
    fn the_label_becomes_the_level() {
        let c = convert(
            "<span class=\"su-label su-label-type-success\">Nybörjare</span>\n\n<p>Hej</p>",
        );
        assert_eq!(c.level, Some(Level::Beginner));
        assert_eq!(c.markdown, "Hej\n");
    }

    #[test]
    fn notes_and_boxes_become_alerts_as_rendered_and_as_shortcodes() {
        let rendered = convert(
            "<div class=\"su-note\" style=\"border-color:#e5dd9b\"><div class=\"su-note-inner su-u-clearfix su-u-trim\"><p>Lösenordet är <strong>ett annat</strong>.</p><p>Två stycken.</p></div></div>\
             <div class=\"su-box su-box-style-default\"><div class=\"su-box-title\">Tips</div><div class=\"su-box-content su-u-clearfix\">Sänk TTL.</div></div>",
        );
        let expected = "> [!NOTE]\n> Lösenordet är **ett annat**.\n>\n> Två stycken.\n\n> [!NOTE]\n> **Tips**\n>\n> Sänk TTL.\n";
        assert_eq!(rendered.markdown, expected);
        assert!(rendered.notes.is_empty(), "{:?}", rendered.notes);
        let stored = convert(&render_shortcodes(
            "[su_note note_color=\"#fff\"]<p>Lösenordet är <strong>ett annat</strong>.</p><p>Två stycken.</p>[/su_note][su_box title='Tips' style=\"soft\"]Sänk TTL.[/su_box]",
        ));
        assert_eq!(stored.markdown, expected);
        assert!(stored.notes.is_empty(), "{:?}", stored.notes);
    }

    #[test]
    fn spoilers_and_details_become_collapsible_sections_ended_before_other_text() {
        let c = convert(
            "<h2>Frågor</h2><div class=\"su-accordion su-u-trim\">\
             <div class=\"su-spoiler su-spoiler-style-default su-spoiler-icon-plus su-spoiler-closed\"><div class=\"su-spoiler-title\" tabindex=\"0\" role=\"button\"><span class=\"su-spoiler-icon\"></span>Vad är STARTTLS?</div><div class=\"su-spoiler-content su-u-clearfix su-u-trim\">Kryptering <em>efteråt</em>.</div></div>\
             <details class=\"wp-block-details\"><summary>Port <code>587</code>?</summary><p>Ja.</p><ul><li>SMTP</li></ul></details></div>\
             <p>Text efter frågorna.</p><h2>Sist</h2>",
        );
        assert_eq!(
            c.markdown,
            "## Frågor\n\n### Vad är STARTTLS? {.collapsible}\n\nKryptering *efteråt*.\n\n### Port `587`? {.collapsible}\n\nJa.\n\n- SMTP\n\n---\n\nText efter frågorna.\n\n## Sist\n"
        );
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        let stored = convert(&render_shortcodes(
            "[su_accordion][su_spoiler title=\"Vad &amp; <varför>?\" open=\"no\"]Svar.[/su_spoiler][/su_accordion]",
        ));
        assert_eq!(
            stored.markdown,
            "### Vad & \\<varför>? {.collapsible}\n\nSvar.\n"
        );
    }

    #[test]
    fn fragment_links_lead_to_headings_or_are_removed() {
        let c = convert(
            "<h2 id=\"top-of-page\">Början</h2><h2 id=\"borjan\">Början</h2><h3>Andra</h3>\
             <p><a href=\"#top-of-page\">upp</a> <a href=\"#andra\">andra</a> <a href=\"#borjan\">b</a> <a href=\"#wrapper\">till toppen</a></p>",
        );
        assert_eq!(
            c.markdown,
            "## Början {#top-of-page}\n\n## Början\n\n### Andra\n\n[upp](#top-of-page) [andra](#andra) [b](#borjan) till toppen\n"
        );
        assert_eq!(
            c.notes,
            [Note::new(
                NoteKind::Link,
                "the link to `#wrapper` was removed, its text kept: the article has no heading with that id (it was the old page's)".into()
            )]
        );
    }

    #[test]
    fn captions_and_embeds_become_figures_and_links() {
        let c = convert(&render_shortcodes(
            "[caption id=\"attachment_906\" width=\"580\"]<img alt=\"Alt\" src=\"https://x.se/a.jpg\" width=\"580\" height=\"300\" /> Look at <a href=\"https://x.se/\">this</a>.[/caption]\
             [caption caption=\"From the attribute\"]<a href=\"https://x.se/b.jpg\"><img src=\"https://x.se/b.jpg\" alt=\"B\" /></a>[/caption]\
             [embed]https://www.youtube.com/watch?v=abc[/embed]",
        ));
        assert_eq!(
            c.markdown,
            "![Alt](https://x.se/a.jpg)\n\n*Look at [this](https://x.se/).*\n\n[![B](https://x.se/b.jpg)](https://x.se/b.jpg)\n\n*From the attribute*\n\n[https://www.youtube.com/watch?v=abc](https://www.youtube.com/watch?v=abc)\n"
        );
        assert!(
            !c.notes.iter().any(|n| n.kind == NoteKind::Shortcode),
            "{:?}",
            c.notes
        );
    }

    #[test]
    fn block_editor_quotes_code_preformatted_buttons_columns_and_embeds() {
        let c = convert("<!-- wp:quote --><blockquote class=\"wp-block-quote\"><p>Citat.</p><cite>Anna</cite></blockquote><!-- /wp:quote -->\
<!-- wp:code --><pre class=\"wp-block-code\"><code>ssh user@host</code></pre><!-- /wp:code -->\
<!-- wp:preformatted --><pre class=\"wp-block-preformatted\">Förformaterat\n  text</pre><!-- /wp:preformatted -->\
<!-- wp:separator --><hr class=\"wp-block-separator\"/><!-- /wp:separator -->\
<!-- wp:buttons --><div class=\"wp-block-buttons\"><div class=\"wp-block-button\"><a class=\"wp-block-button__link\" href=\"https://www.websupport.se/kontrollpanel/\">Till kontrollpanelen</a></div></div><!-- /wp:buttons -->\
<!-- wp:columns --><div class=\"wp-block-columns\"><div class=\"wp-block-column\"><p>Vänster</p></div><div class=\"wp-block-column\"><p>Höger</p></div></div><!-- /wp:columns -->\
<!-- wp:embed --><figure class=\"wp-block-embed is-type-video\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=abc\n</div><figcaption>Video</figcaption></figure><!-- /wp:embed -->");
        assert_eq!(
            c.markdown,
            "> Citat.\n>\n> — Anna\n\n```\nssh user@host\n```\n\n```\nFörformaterat\n  text\n```\n\n* * *\n\n[Till kontrollpanelen](https://www.websupport.se/kontrollpanel/)\n\nVänster\n\nHöger\n\n[https://www.youtube.com/watch?v=abc](https://www.youtube.com/watch?v=abc)\n\n*Video*\n"
        );
        assert_eq!(
            c.notes,
            [Note {
                kind: NoteKind::Element,
                message: "an embed (https://www.youtube.com/watch?v=abc) became a link: embed it by hand if the page needs it".into(),
                line: None,
                at: Some("https://www.youtube.com/watch?v=abc".into()),
            }]
        );
    }
}
