//! Reading WordPress's own export (WXR, Tools → Export): one site's terms (the categories and
//! tags of every taxonomy, `ht_kb_category` and `ht_kb_tag` included, with their parents) and
//! its items (posts, pages, `ht_kb` articles, attachments) with content, status, dates and
//! metadata, as plain data. Which items become articles, and how, is the importer's business.
//!
//! WXR is RSS 2.0 with WordPress's elements in a namespace whose address has changed over the
//! years (`http://` and `https://wordpress.org/export/1.0/` … `1.2/`), so elements are matched by
//! that namespace's family and their local name, never by prefix.

use crate::diag::{Code, Diagnostic, Pos};
use roxmltree::{Document, Node};
use std::path::Path;

/// One export file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Export {
    /// The site's title and address (`<channel><title>`, `<link>`).
    pub title: String,
    pub link: String,
    /// `<language>`: WordPress writes the site's locale (`sv-SE`, `en-US`).
    pub language: Option<String>,
    pub terms: Vec<Term>,
    pub items: Vec<Item>,
}

/// A term of a taxonomy: `<wp:category>`, `<wp:tag>` or `<wp:term>` (one per taxonomy and slug:
/// WordPress writes a category both as `wp:category` and as `wp:term`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub id: u64,
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
    /// The parent's slug, in the same taxonomy.
    pub parent: Option<String>,
    pub description: Option<String>,
    /// The line of the element in the file, for messages.
    pub line: usize,
}

/// An `<item>`: a post of any type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Item {
    pub id: u64,
    pub title: String,
    pub link: String,
    pub post_type: String,
    /// `publish`, `draft`, `pending`, `private`, `future`, `inherit` (attachments), `trash`.
    pub status: String,
    /// `wp:post_name`; empty for drafts WordPress never gave one.
    pub slug: String,
    /// Local time of publication, `2024-07-02 16:09:31` (`0000-00-00 00:00:00` for drafts).
    pub date: String,
    /// Local time of the last change, where the export has it (WordPress 5.0 and later).
    pub modified: Option<String>,
    /// The author's login (`dc:creator`).
    pub author: String,
    /// The post's content as stored: HTML with Gutenberg's block comments and shortcodes.
    pub content: String,
    pub excerpt: String,
    /// The parent item's id, 0 for none (an attachment's parent is the post it was uploaded to).
    pub parent: u64,
    /// Terms as `(taxonomy, slug)`, in the file's order.
    pub terms: Vec<(String, String)>,
    /// An attachment's file address.
    pub attachment_url: Option<String>,
    /// `wp:postmeta` pairs, in the file's order (`_wp_attachment_image_alt`, a translation
    /// plugin's keys, Yoast's `_yoast_wpseo_metadesc`, …).
    pub meta: Vec<(String, String)>,
    pub line: usize,
}

impl Item {
    /// The first value of a metadata key.
    pub(crate) fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether a namespace is WordPress's export namespace (any version, either scheme), not one
/// below it (`…/export/1.2/excerpt/`).
fn is_wp(ns: Option<&str>) -> bool {
    ns.and_then(|ns| {
        ns.strip_prefix("http://")
            .or_else(|| ns.strip_prefix("https://"))
    })
    .and_then(|rest| rest.strip_prefix("wordpress.org/export/"))
    .is_some_and(|version| !version.trim_end_matches('/').contains('/'))
}

const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

fn is_excerpt(ns: Option<&str>) -> bool {
    ns.is_some_and(|ns| ns.contains("wordpress.org/export/") && ns.ends_with("/excerpt/"))
}

/// The text of an element (its text and CDATA children together), trimmed as WordPress's own
/// importer does for every field but content.
fn text<'a>(node: Node<'a, 'a>) -> String {
    let mut out = String::new();
    for child in node.children().filter(|c| c.is_text()) {
        out.push_str(child.text().unwrap_or(""));
    }
    out
}

/// The text of the first child in WordPress's namespace with this local name.
fn wp_child(node: Node, name: &str) -> Option<String> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name && is_wp(c.tag_name().namespace()))
        .map(|c| text(c).trim().to_string())
}

fn number(value: Option<String>) -> u64 {
    value.and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// Parses an export. Errors: the XML's own (with its line and column), and a file that is XML
/// but not a WordPress export.
pub(crate) fn parse(text_in: &str, file: &Path) -> Result<Export, Diagnostic> {
    let doc = Document::parse(text_in).map_err(|e| {
        let pos = e.pos();
        // roxmltree ends its message with the position, which the diagnostic shows already.
        let message = e.to_string();
        let message = message.strip_suffix(&format!(" at {pos}")).unwrap_or(&message);
        Diagnostic::error(
            Code::ImportInvalid,
            file,
            Pos::new(pos.row as usize, pos.col as usize),
            format!("the export is not well-formed XML: {message}"),
        )
        .hint("export the site again (WordPress: Tools → Export); a file cut short or edited by hand is often the cause")
    })?;
    let line_of = |n: Node| doc.text_pos_at(n.range().start).row as usize;
    let root = doc.root_element();
    let channel = root.children().find(|c| c.has_tag_name("channel"));
    let wxr = channel.filter(|_| root.has_tag_name("rss")).filter(|c| {
        c.children()
            .any(|e| e.is_element() && is_wp(e.tag_name().namespace()))
    });
    let Some(channel) = wxr else {
        return Err(Diagnostic::error(
            Code::ImportInvalid,
            file,
            Pos::new(line_of(root), doc.text_pos_at(root.range().start).col as usize),
            format!(
                "this is not a WordPress export: its root is <{}>, with no WordPress elements (wp:…) in an RSS channel",
                root.tag_name().name()
            ),
        )
        .hint("use the file WordPress writes under Tools → Export (WXR), or pass the REST API's JSON files"));
    };

    let child_text = |n: Node, name: &str| {
        n.children()
            .find(|c| {
                c.is_element() && c.tag_name().name() == name && c.tag_name().namespace().is_none()
            })
            .map(|c| text(c).trim().to_string())
    };
    let mut export = Export {
        title: child_text(channel, "title").unwrap_or_default(),
        link: child_text(channel, "link").unwrap_or_default(),
        language: non_empty(child_text(channel, "language")),
        terms: Vec::new(),
        items: Vec::new(),
    };
    for node in channel.children().filter(Node::is_element) {
        let name = node.tag_name().name();
        let ns = node.tag_name().namespace();
        if is_wp(ns) {
            let term = match name {
                "category" => Some((
                    "category".to_string(),
                    "category_nicename",
                    "cat_name",
                    "category_parent",
                    "category_description",
                )),
                "tag" => Some((
                    "post_tag".to_string(),
                    "tag_slug",
                    "tag_name",
                    "",
                    "tag_description",
                )),
                "term" => wp_child(node, "term_taxonomy").map(|t| {
                    (
                        t,
                        "term_slug",
                        "term_name",
                        "term_parent",
                        "term_description",
                    )
                }),
                _ => None,
            };
            if let Some((taxonomy, slug, term_name, parent, description)) = term {
                let slug = wp_child(node, slug).unwrap_or_default();
                let known = export
                    .terms
                    .iter()
                    .any(|t| t.taxonomy == taxonomy && t.slug == slug);
                if !known {
                    export.terms.push(Term {
                        id: number(wp_child(node, "term_id")),
                        name: wp_child(node, term_name).unwrap_or_else(|| slug.clone()),
                        parent: non_empty(wp_child(node, parent)),
                        description: non_empty(wp_child(node, description)),
                        taxonomy,
                        slug,
                        line: line_of(node),
                    });
                }
            }
        } else if name == "item" && ns.is_none() {
            export.items.push(item(node, line_of(node)));
        }
    }
    Ok(export)
}

fn item(node: Node, line: usize) -> Item {
    let mut it = Item {
        line,
        ..Item::default()
    };
    for c in node.children().filter(Node::is_element) {
        let (name, ns) = (c.tag_name().name(), c.tag_name().namespace());
        match (name, ns) {
            ("title", None) => it.title = text(c).trim().to_string(),
            ("link", None) => it.link = text(c).trim().to_string(),
            ("category", None) => {
                if let (Some(domain), Some(slug)) = (c.attribute("domain"), c.attribute("nicename"))
                {
                    it.terms.push((domain.to_string(), slug.to_string()));
                }
            }
            ("encoded", Some(CONTENT_NS)) => it.content = text(c),
            ("encoded", ns) if is_excerpt(ns) => it.excerpt = text(c),
            ("creator", Some(DC_NS)) => it.author = text(c).trim().to_string(),
            (_, ns) if is_wp(ns) => {
                let value = || text(c).trim().to_string();
                match name {
                    "post_id" => it.id = value().parse().unwrap_or(0),
                    "post_type" => it.post_type = value(),
                    "status" => it.status = value(),
                    "post_name" => it.slug = value(),
                    "post_date" => it.date = value(),
                    "post_modified" => it.modified = non_empty(Some(value())),
                    "post_parent" => it.parent = value().parse().unwrap_or(0),
                    "attachment_url" => it.attachment_url = non_empty(Some(value())),
                    "postmeta" => {
                        if let Some(key) = wp_child(c, "meta_key") {
                            let value = c
                                .children()
                                .find(|m| {
                                    m.tag_name().name() == "meta_value"
                                        && is_wp(m.tag_name().namespace())
                                })
                                .map(text)
                                .unwrap_or_default();
                            it.meta.push((key, value));
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    it
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Kunskapsbas</title>
<link>https://www.example.se</link>
<language>sv-SE</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:term><wp:term_id>5</wp:term_id><wp:term_taxonomy><![CDATA[ht_kb_category]]></wp:term_taxonomy><wp:term_slug><![CDATA[e-post]]></wp:term_slug><wp:term_parent><![CDATA[]]></wp:term_parent><wp:term_name><![CDATA[E-post]]></wp:term_name></wp:term>
<wp:term><wp:term_id>6</wp:term_id><wp:term_taxonomy><![CDATA[ht_kb_category]]></wp:term_taxonomy><wp:term_slug><![CDATA[e-postprogram]]></wp:term_slug><wp:term_parent><![CDATA[e-post]]></wp:term_parent><wp:term_name><![CDATA[E-postprogram & appar]]></wp:term_name></wp:term>
<item>
<title><![CDATA[IMAP eller POP3?]]></title>
<link>https://www.example.se/kb/imap-eller-pop3/</link>
<dc:creator><![CDATA[anna]]></dc:creator>
<content:encoded><![CDATA[<p>Välj <strong>IMAP</strong>.</p>
]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>42</wp:post_id>
<wp:post_date><![CDATA[2024-07-02 16:09:31]]></wp:post_date>
<wp:post_modified><![CDATA[2024-08-01 10:00:00]]></wp:post_modified>
<wp:post_name><![CDATA[imap-eller-pop3]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:post_type><![CDATA[ht_kb]]></wp:post_type>
<category domain="ht_kb_category" nicename="e-postprogram"><![CDATA[E-postprogram & appar]]></category>
<wp:postmeta><wp:meta_key><![CDATA[_yoast_wpseo_metadesc]]></wp:meta_key><wp:meta_value><![CDATA[Skillnaden mellan IMAP och POP3.]]></wp:meta_value></wp:postmeta>
</item>
</channel>
</rss>
"#;

    #[test]
    fn a_small_export_reads_as_plain_data() {
        let e = parse(SMALL, Path::new("sv.xml")).unwrap();
        assert_eq!(
            (e.title.as_str(), e.language.as_deref()),
            ("Kunskapsbas", Some("sv-SE"))
        );
        assert_eq!(e.terms.len(), 2);
        assert_eq!(e.terms[1].name, "E-postprogram & appar");
        assert_eq!(e.terms[1].parent.as_deref(), Some("e-post"));
        assert_eq!(e.terms[1].line, 11);
        let it = &e.items[0];
        assert_eq!(
            (it.id, it.post_type.as_str(), it.status.as_str()),
            (42, "ht_kb", "publish")
        );
        assert_eq!(it.slug, "imap-eller-pop3");
        assert_eq!(it.content, "<p>Välj <strong>IMAP</strong>.</p>\n");
        assert_eq!(it.modified.as_deref(), Some("2024-08-01 10:00:00"));
        assert_eq!(
            it.terms,
            vec![("ht_kb_category".to_string(), "e-postprogram".to_string())]
        );
        assert_eq!(
            it.meta("_yoast_wpseo_metadesc"),
            Some("Skillnaden mellan IMAP och POP3.")
        );
        assert_eq!(it.line, 12);
    }

    #[test]
    fn malformed_xml_is_an_error_at_its_line_and_column() {
        let cut = SMALL.replace("</wp:post_name>", "</wp:post_nam>");
        let d = parse(&cut, Path::new("sv.xml")).unwrap_err();
        assert_eq!(d.code, Code::ImportInvalid);
        assert_eq!((d.line, d.column), (22, 42));
        assert_eq!(
            d.message,
            "the export is not well-formed XML: expected 'wp:post_name' tag, not 'wp:post_nam'"
        );
    }

    #[test]
    fn xml_of_another_kind_is_refused_with_a_hint() {
        let d = parse("<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title></feed>", Path::new("a.xml")).unwrap_err();
        assert_eq!(
            d.message,
            "this is not a WordPress export: its root is <feed>, with no WordPress elements (wp:…) in an RSS channel"
        );
        assert_eq!((d.line, d.column), (2, 1));
        let plain_rss = "<rss version=\"2.0\"><channel><title>x</title><item><title>a</title></item></channel></rss>";
        assert!(parse(plain_rss, Path::new("b.xml")).is_err());
    }

    #[test]
    fn the_namespace_family_is_matched_by_version_and_scheme() {
        assert!(is_wp(Some("http://wordpress.org/export/1.0/")));
        assert!(is_wp(Some("https://wordpress.org/export/1.2/")));
        assert!(!is_wp(Some("https://wordpress.org/export/1.2/excerpt/")));
        assert!(!is_wp(Some("http://purl.org/dc/elements/1.1/")));
        assert!(!is_wp(None));
    }

    /// The theme review team's real exports (../shared/wordpress, SOURCES.md there).
    fn shared(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/wordpress")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn the_theme_unit_test_export_reads_whole() {
        let e = parse(
            &shared("themeunittestdata.wordpress.xml"),
            Path::new("t.xml"),
        )
        .unwrap();
        let count = |t: &str| e.items.iter().filter(|i| i.post_type == t).count();
        // Counted in the file with grep, CDATA or not (SOURCES.md: about 190 items).
        assert_eq!(e.items.len(), 186);
        let counts = [
            count("post"),
            count("page"),
            count("attachment"),
            count("nav_menu_item"),
        ];
        assert_eq!(counts, [58, 21, 37, 70]);
        assert_eq!(
            e.items.iter().filter(|i| i.status == "publish").count(),
            147
        );
        // Every item has an id and a type; every attachment its file.
        assert!(e.items.iter().all(|i| i.id > 0 && !i.post_type.is_empty()));
        assert!(e
            .items
            .iter()
            .filter(|i| i.post_type == "attachment")
            .all(|i| i.attachment_url.is_some()));
        // Categories nest: a child names a parent that is itself a category.
        let cats: Vec<&Term> = e
            .terms
            .iter()
            .filter(|t| t.taxonomy == "category")
            .collect();
        let child = cats
            .iter()
            .find(|t| t.parent.is_some())
            .expect("a nested category");
        assert!(cats.iter().any(|t| Some(&t.slug) == child.parent.as_ref()));
        // One term per taxonomy and slug, though categories are written twice.
        let mut keys: Vec<_> = e.terms.iter().map(|t| (&t.taxonomy, &t.slug)).collect();
        let all = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), all);
    }

    #[test]
    fn the_theme_preview_export_reads_whole() {
        let raw = shared("theme-preview.xml");
        let e = parse(&raw, Path::new("p.xml")).unwrap();
        assert_eq!(e.items.len(), raw.matches("<item>").count());
        assert!(e
            .items
            .iter()
            .any(|i| i.post_type == "post" && i.status == "publish" && !i.content.is_empty()));
    }
}
