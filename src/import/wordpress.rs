//! Reading the importer's inputs as `Post`s: WordPress REST API JSON (the articles of the
//! Heroic Knowledge Base, `/wp-json/wp/v2/ht-kb/<id>`, with Yoast's metadata, one object or an
//! array per file), and export files (WXR, read by `wxr`), whose published items of the chosen
//! post types are made into the same `Post`s.

use super::wxr::{Export, Term};
use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use serde::Deserialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The fields of an article the import uses; the API sends many more, which are ignored.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Post {
    pub id: u64,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub status: Option<String>,
    /// Local time of the last change, `2024-07-02T16:09:31`.
    pub modified: String,
    #[serde(default)]
    pub link: Option<String>,
    pub title: Rendered,
    pub content: Rendered,
    #[serde(default)]
    pub excerpt: Option<Rendered>,
    #[serde(rename = "ht-kb-category", default)]
    pub categories: Vec<u64>,
    #[serde(rename = "ht-kb-tag", default)]
    pub tags: Vec<u64>,
    #[serde(default)]
    pub(crate) yoast_head_json: Option<Yoast>,
    /// What an export says of the item besides (the REST API sends none of it).
    #[serde(skip)]
    pub(crate) item: Option<ExportItem>,
}

/// An export item's place in its file and its terms, which an export holds itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExportItem {
    pub line: usize,
    pub post_type: String,
    /// Per category id of the post: its terms from the top of the tree down to it.
    pub categories: Vec<Vec<Term>>,
    /// Per tag id of the post: the tag's slug.
    pub tags: Vec<String>,
    /// Its language and translation group, from a translation plugin's data (Polylang's
    /// `language` and `post_translations` terms, or WPML's `_wpml_import_*` fields).
    pub language: Option<String>,
    pub group: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Rendered {
    #[serde(default)]
    pub rendered: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Yoast {
    #[serde(default)]
    pub description: Option<String>,
}

/// One input file and the articles in it.
#[derive(Debug)]
pub(crate) struct Source {
    /// As shown in messages: relative to the current folder when it is under it.
    pub shown: PathBuf,
    pub(crate) posts: Vec<Post>,
    /// An export's attachments: their file's URL and alt text.
    pub(crate) attachments: Vec<(String, String)>,
}

/// Expands folders (their `*.json` and `*.txt` files, sorted) and reads every file; every
/// problem is collected. Returns the sources and the files skipped (with why).
pub(crate) fn read_inputs(
    inputs: &[PathBuf],
    post_types: &[String],
    cwd: &Path,
    diags: &mut Diagnostics,
) -> (Vec<Source>, Vec<(PathBuf, String)>) {
    let shown = |p: &Path| super::shown(p, cwd);
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = match std::fs::read_dir(input) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.is_file()
                            && p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                                x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("txt")
                            })
                    })
                    .collect(),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        Code::ReadFailed,
                        shown(input),
                        Pos::START,
                        format!("cannot read the folder: {e}"),
                    ));
                    continue;
                }
            };
            found.sort();
            if found.is_empty() {
                diags.push(
                    Diagnostic::error(
                        Code::ImportInvalid,
                        shown(input),
                        Pos::START,
                        "the folder has no .json or .txt files",
                    )
                    .hint(
                        "pass the JSON files the WordPress REST API returned, or a folder of them",
                    ),
                );
            }
            files.extend(found.into_iter().map(|f| (f, true)));
        } else {
            files.push((input.clone(), false));
        }
    }

    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    // The post types of the run's exports, with how many items each has.
    let mut types: std::collections::BTreeMap<String, usize> = Default::default();
    let mut first_export: Option<PathBuf> = None;
    for (file, from_folder) in files {
        let shown = shown(&file);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Code::ReadFailed,
                    &shown,
                    Pos::START,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first = text.trim_start().chars().next();
        if first == Some('<') {
            match super::wxr::parse(text, &shown) {
                Ok(export) => {
                    for item in &export.items {
                        *types.entry(item.post_type.clone()).or_default() += 1;
                    }
                    first_export.get_or_insert_with(|| shown.clone());
                    let (posts, left) = posts_of_export(&export, post_types);
                    skipped.extend(left.into_iter().map(|why| (shown.clone(), why)));
                    let attachments = export
                        .items
                        .iter()
                        .filter_map(|i| {
                            let url = i.attachment_url.clone()?;
                            Some((
                                url,
                                i.meta("_wp_attachment_image_alt").unwrap_or("").to_string(),
                            ))
                        })
                        .collect();
                    sources.push(Source {
                        shown,
                        posts,
                        attachments,
                    });
                }
                Err(d) => diags.push(d.with_source(text)),
            }
            continue;
        }
        let posts = match first {
            Some('[') => serde_json::from_str::<Vec<Post>>(text),
            Some('{') => serde_json::from_str::<Post>(text).map(|p| vec![p]),
            _ if from_folder => {
                // A folder of seeds may hold page text beside the JSON.
                skipped.push((shown, "not a JSON document".to_string()));
                continue;
            }
            _ => serde_json::from_str::<Post>(text).map(|p| vec![p]),
        };
        match posts {
            Ok(posts) if posts.is_empty() => {
                skipped.push((shown, "an empty array".to_string()));
            }
            Ok(mut posts) => {
                // A site whose plugin is off sends its shortcodes as they are stored.
                for p in &mut posts {
                    if let Cow::Owned(html) = super::html::render_shortcodes(&p.content.rendered) {
                        p.content.rendered = html;
                    }
                }
                sources.push(Source {
                    shown,
                    posts,
                    attachments: Vec::new(),
                })
            }
            Err(e) => diags.push(json_error(&shown, text, &e)),
        }
    }
    // A type asked for that no export of the run has may be a typo: said, not an error, as
    // one site's export may well have no pages.
    if let Some(export) = first_export {
        for t in post_types.iter().filter(|t| !types.contains_key(*t)) {
            let found: Vec<String> = types.iter().map(|(t, n)| format!("{t} ({n})")).collect();
            skipped.push((
                export.clone(),
                format!(
                    "no items of the post type `{t}` (the export's post types: {})",
                    found.join(", ")
                ),
            ));
        }
    }
    (sources, skipped)
}

/// The taxonomies of a post type's categories and tags: Heroic Knowledge Base's for its
/// articles, WordPress's own for the rest (pages have none).
fn taxonomies(post_type: &str) -> (&str, &str) {
    match post_type {
        "ht_kb" => ("ht_kb_category", "ht_kb_tag"),
        _ => ("category", "post_tag"),
    }
}

/// An export's published items of the chosen post types, as the REST API would have sent
/// them (title and content as HTML, categories and tags by term id), and why each other item
/// of those types was left out.
pub(crate) fn posts_of_export(export: &Export, post_types: &[String]) -> (Vec<Post>, Vec<String>) {
    let mut posts = Vec::new();
    let mut left = Vec::new();
    for item in export
        .items
        .iter()
        .filter(|i| post_types.contains(&i.post_type))
    {
        if item.status != "publish" {
            left.push(format!(
                "line {}: {} {} “{}” is {}: only published items are imported",
                item.line, item.post_type, item.id, item.title, item.status
            ));
            continue;
        }
        let (categories, tags) = taxonomies(&item.post_type);
        let term = |taxonomy: &str, slug: &str| {
            export
                .terms
                .iter()
                .find(|x| x.taxonomy == taxonomy && x.slug == slug)
        };
        let terms = |taxonomy: &str| -> Vec<&Term> {
            item.terms
                .iter()
                .filter(|(t, _)| t == taxonomy)
                .filter_map(|(t, slug)| term(t, slug))
                .collect()
        };
        // A category's terms from the top down (a loop of parents ends where it repeats).
        let path = |leaf: &Term| {
            let mut path = vec![leaf];
            while let Some(parent) = path[path.len() - 1]
                .parent
                .as_deref()
                .and_then(|p| term(categories, p))
            {
                if path.iter().any(|t| t.id == parent.id) {
                    break;
                }
                path.push(parent);
            }
            path.into_iter().rev().cloned().collect::<Vec<_>>()
        };
        let (category_terms, tag_terms) = (terms(categories), terms(tags));
        let term_slug = |taxonomy: &str| {
            item.terms
                .iter()
                .find(|(t, _)| t == taxonomy)
                .map(|(_, slug)| slug.clone())
        };
        let modified = item
            .modified
            .as_deref()
            .unwrap_or(&item.date)
            .replacen(' ', "T", 1);
        posts.push(Post {
            id: item.id,
            slug: item.slug.clone(),
            status: Some(item.status.clone()),
            modified,
            link: Some(item.link.clone()),
            title: Rendered {
                rendered: escaped(&item.title),
            },
            content: Rendered {
                rendered: autop(&super::html::render_shortcodes(&galleries(
                    &item.content,
                    export,
                    item.id,
                ))),
            },
            excerpt: (!item.excerpt.trim().is_empty()).then(|| Rendered {
                rendered: autop(&item.excerpt),
            }),
            categories: category_terms.iter().map(|t| t.id).collect(),
            tags: tag_terms.iter().map(|t| t.id).collect(),
            yoast_head_json: item.meta("_yoast_wpseo_metadesc").map(|d| Yoast {
                description: Some(d.to_string()),
            }),
            item: Some(ExportItem {
                line: item.line,
                post_type: item.post_type.clone(),
                categories: category_terms.into_iter().map(path).collect(),
                tags: tag_terms.into_iter().map(|t| t.slug.clone()).collect(),
                language: term_slug("language")
                    .or_else(|| item.meta("_wpml_import_language_code").map(str::to_string)),
                group: term_slug("post_translations").or_else(|| {
                    item.meta("_wpml_import_translation_group")
                        .map(str::to_string)
                }),
            }),
        });
    }
    (posts, left)
}

/// `[gallery]` as WordPress renders it: the images of the attachments it names (`ids=`), or
/// else of those uploaded to the post, in the export's order, with their alt text and
/// caption. An attachment the export lacks is left out.
fn galleries<'a>(content: &'a str, export: &Export, post: u64) -> Cow<'a, str> {
    if !content.contains("[gallery") {
        return content.into();
    }
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(i) = rest.find("[gallery") {
        let Some(end) = rest[i..].find(']') else {
            break;
        };
        let after = rest[i + "[gallery".len()..].chars().next();
        if !matches!(after, Some(' ' | ']' | '/')) {
            out.push_str(&rest[..i + 1]);
            rest = &rest[i + 1..];
            continue;
        }
        out.push_str(&rest[..i]);
        let attrs = &rest[i + "[gallery".len()..i + end];
        let ids: Vec<u64> = super::html::shortcode_attr(attrs, "ids")
            .map(|ids| {
                ids.split(',')
                    .filter_map(|n| n.trim().parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let attachments = export.items.iter().filter(|a| {
            a.attachment_url.is_some()
                && if ids.is_empty() {
                    a.parent == post
                } else {
                    ids.contains(&a.id)
                }
        });
        let mut shown: Vec<&super::wxr::Item> = attachments.collect();
        if !ids.is_empty() {
            shown.sort_by_key(|a| ids.iter().position(|&id| id == a.id));
        }
        out.push_str("\n\n<figure class=\"wp-block-gallery\">");
        for a in shown {
            let attr = |s: &str| escaped(s).replace('"', "&quot;");
            out.push_str(&format!(
                "<figure class=\"wp-block-image\"><img src=\"{}\" alt=\"{}\">",
                attr(a.attachment_url.as_deref().unwrap_or_default()),
                attr(a.meta("_wp_attachment_image_alt").unwrap_or_default())
            ));
            if !a.excerpt.trim().is_empty() {
                out.push_str(&format!(
                    "<figcaption>{}</figcaption>",
                    escaped(a.excerpt.trim())
                ));
            }
            out.push_str("</figure>");
        }
        out.push_str("</figure>\n\n");
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out.into()
}

/// A title as HTML, as the REST API renders it: an export holds the text itself.
fn escaped(text: &str) -> String {
    let mut out = Vec::new();
    crate::html::escape_html(text, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("escaped UTF-8 stays UTF-8")
}

/// Paragraphs of an export's content as WordPress shows them (its `wpautop`, in short): the
/// classic editor stores text with blank lines between paragraphs and single line breaks in
/// them, which HTML would run together. Content of the block editor is HTML as stored. A
/// chunk that starts with a block-level tag (or a paragraph of its own) stays as it is.
fn autop(content: &str) -> String {
    if content.contains("<!-- wp:") {
        return content.to_string();
    }
    const BLOCKS: &[&str] = &[
        "<address",
        "<article",
        "<aside",
        "<blockquote",
        "<details",
        "<div",
        "<dl",
        "<figure",
        "<form",
        "<h1",
        "<h2",
        "<h3",
        "<h4",
        "<h5",
        "<h6",
        "<hr",
        "<ol",
        "<p>",
        "<p ",
        "<pre",
        "<section",
        "<table",
        "<ul",
        "<!--",
    ];
    let text = content.replace("\r\n", "\n");
    // A chunk of closing tags (the end of a shortcode's box) is no paragraph either.
    let mut out = String::new();
    for chunk in text.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        let lower = chunk.to_ascii_lowercase();
        if lower.starts_with("</") || BLOCKS.iter().any(|b| lower.starts_with(b)) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// A serde_json error at its line and column (columns in characters, as editors count).
fn json_error(file: &Path, text: &str, e: &serde_json::Error) -> Diagnostic {
    let line = e.line().max(1);
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    // serde_json counts bytes; the column is the byte the parser stopped at.
    let column = line_text
        .char_indices()
        .take_while(|(i, _)| *i < e.column())
        .count()
        .max(1);
    let raw = e.to_string();
    let message = match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw,
    };
    let hint = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            "the file is not valid JSON: save the API's answer exactly as it came".to_string()
        }
        _ => format!(
            "{} should hold an article as /wp-json/wp/v2/ht-kb/<id> returns it, or an array of them",
            super::show(file)
        ),
    };
    let mut d =
        Diagnostic::error(Code::ImportInvalid, file, Pos::new(line, column), message).hint(hint);
    // Exported JSON is often one long line: show it only when it is readable.
    if line_text.chars().count() <= 200 {
        d = d.with_source(text);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::{autop, galleries, Export};
    use crate::import::wxr::Item;

    #[test]
    fn galleries_show_the_attachments_they_name_or_those_of_the_post() {
        let image = |id: u64, parent: u64, alt: &str, caption: &str| Item {
            id,
            parent,
            post_type: "attachment".into(),
            attachment_url: Some(format!("https://x.se/uploads/{id}.jpg")),
            meta: vec![("_wp_attachment_image_alt".into(), alt.into())],
            excerpt: caption.into(),
            ..Item::default()
        };
        let export = Export {
            title: String::new(),
            link: String::new(),
            language: None,
            terms: Vec::new(),
            items: vec![
                image(1, 9, "Ett \"citat\"", ""),
                image(2, 9, "Två", "<b>Bildtext</b>"),
                image(3, 8, "Tre", ""),
            ],
        };
        let html = |ids: &[u64]| {
            ids.iter()
                .map(|&id| {
                    let item = &export.items[id as usize - 1];
                    let alt = super::escaped(item.meta("_wp_attachment_image_alt").unwrap());
                    let caption = match item.excerpt.as_str() {
                        "" => String::new(),
                        c => format!("<figcaption>{}</figcaption>", super::escaped(c)),
                    };
                    format!("<figure class=\"wp-block-image\"><img src=\"https://x.se/uploads/{id}.jpg\" alt=\"{alt}\">{caption}</figure>")
                })
                .collect::<String>()
        };
        let gallery = |ids: &[u64]| {
            format!(
                "\n\n<figure class=\"wp-block-gallery\">{}</figure>\n\n",
                html(ids)
            )
        };
        assert_eq!(
            galleries("A [gallery] B", &export, 9),
            format!("A {} B", gallery(&[1, 2]))
        );
        assert_eq!(
            galleries("[gallery columns=2 ids=\"3,1\"][galleryx]", &export, 9),
            format!("{}[galleryx]", gallery(&[3, 1]))
        );
        let converted = crate::import::html::convert(&galleries("[gallery]", &export, 9));
        assert_eq!(
            converted.markdown,
            "![Ett \"citat\"](https://x.se/uploads/1.jpg)\n\n![Två](https://x.se/uploads/2.jpg)\n\n*\\<b>Bildtext\\</b>*\n"
        );
    }

    #[test]
    fn classic_paragraphs_are_made_and_blocks_and_block_editor_content_kept() {
        assert_eq!(
            autop("One\ntwo\r\n\r\n<ul><li>x</li></ul>\n\n\n<!-- more -->\n\nThree"),
            "<p>One<br>two</p>\n<ul><li>x</li></ul>\n<!-- more -->\n<p>Three</p>\n"
        );
        let blocks = "<!-- wp:paragraph -->\n<p>A</p>\n<!-- /wp:paragraph -->\n\nB";
        assert_eq!(autop(blocks), blocks);
        assert_eq!(
            autop("<p>Already</p>\n\nplain"),
            "<p>Already</p>\n<p>plain</p>\n"
        );
    }
}
