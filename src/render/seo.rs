//! What search engines read: JSON-LD, `sitemap.xml` and `robots.txt`.
//!
//! JSON-LD is built as data with serde_json and then made safe for a `<script>` element, so
//! no title or description can close the element or start another one.

use crate::localise::L10n;
use crate::model::{ArticleId, CategoryId, LocaleId, Site};
use serde::Serialize;
use serde_json::json;

pub(crate) enum LdPage {
    Home,
    Category(CategoryId),
    Article(ArticleId),
    Other,
}

/// JSON-LD for every page: a `WebSite` node per locale, made once, and the page's own node.
/// Nodes are typed structs with their fields in key order, so the output is what a
/// `serde_json::Value` of the same data would give, without building one per page.
pub(crate) struct JsonLd {
    /// Per locale: the `WebSite` node as script-safe JSON, and its `@id`.
    websites: Vec<(String, String)>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: &'a str,
    position: usize,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct IdRef<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
}

#[derive(Serialize)]
struct TechArticle<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    breadcrumb: BreadcrumbList<'a>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: IdRef<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<String>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    #[serde(rename = "proficiencyLevel", skip_serializing_if = "Option::is_none")]
    proficiency_level: Option<&'static str>,
    url: &'a str,
}

#[derive(Serialize)]
struct CollectionPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
    breadcrumb: BreadcrumbList<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: IdRef<'a>,
    name: &'a str,
    url: &'a str,
}

impl JsonLd {
    pub fn new(site: &Site, l10n: &L10n) -> Result<JsonLd, String> {
        let websites = (0..site.locales.len())
            .map(|l| {
                let home = site.absolute(&site.home_url(l));
                let id = format!("{home}#website");
                let node = json!({
                    "@type": "WebSite",
                    "@id": id,
                    "url": home,
                    "name": l10n.format(l, "site-name", None)?,
                    "inLanguage": site.locales[l].tag,
                    "potentialAction": {
                        "@type": "SearchAction",
                        "target": {
                            "@type": "EntryPoint",
                            "urlTemplate": format!("{}?q={{search_term_string}}", site.absolute(&site.search_url(l))),
                        },
                        "query-input": "required name=search_term_string",
                    },
                });
                Ok((script_safe_json(node.to_string()), id))
            })
            .collect::<Result<_, String>>()?;
        Ok(JsonLd { websites })
    }

    /// The page's JSON-LD, safe to put inside `<script>`; `crumbs` are `(name, url)`.
    pub fn page(&self, site: &Site, page: LdPage, crumbs: &[(&str, &str)], l: LocaleId) -> String {
        let (website, website_id) = &self.websites[l];
        let tag = site.locales[l].tag.as_str();
        let breadcrumb = || BreadcrumbList {
            kind: "BreadcrumbList",
            items: crumbs
                .iter()
                .enumerate()
                .map(|(i, (name, url))| ListItem {
                    kind: "ListItem",
                    item: site.absolute(url),
                    name,
                    position: i + 1,
                })
                .collect(),
        };
        let node = match page {
            LdPage::Article(a) => {
                let art = &site.articles[a];
                let url = site.absolute(&art.url);
                Some(serde_json::to_string(&TechArticle {
                    id: format!("{url}#article"),
                    kind: "TechArticle",
                    breadcrumb: breadcrumb(),
                    date_modified: art.updated.to_string(),
                    description: art.description.as_deref(),
                    headline: &art.title,
                    in_language: tag,
                    is_part_of: IdRef { id: website_id },
                    keywords: (!art.tags.is_empty()).then(|| art.tags.join(", ")),
                    main_entity_of_page: &url,
                    proficiency_level: art.level.map(|level| match level {
                        crate::load::frontmatter::Level::Beginner => "Beginner",
                        crate::load::frontmatter::Level::Advanced => "Expert",
                    }),
                    url: &url,
                }))
            }
            LdPage::Category(c) => {
                let cat = &site.categories[c];
                let url = site.absolute(&cat.url[l]);
                Some(serde_json::to_string(&CollectionPage {
                    id: &url,
                    kind: "CollectionPage",
                    breadcrumb: breadcrumb(),
                    description: cat.description[l].as_deref(),
                    in_language: tag,
                    is_part_of: IdRef { id: website_id },
                    name: &cat.title[l],
                    url: &url,
                }))
            }
            LdPage::Home | LdPage::Other => None,
        };
        let mut out = String::from(r#"{"@context":"https://schema.org","@graph":["#);
        out.push_str(website);
        if let Some(node) = node {
            out.push(',');
            out.push_str(&script_safe_json(
                node.expect("plain strings and numbers serialize"),
            ));
        }
        out.push_str("]}");
        out
    }
}

/// JSON that can stand inside `<script>`: `<`, `>`, `&` and the JavaScript line separators
/// are written as `\u` escapes, which JSON parsers read back as the same characters.
pub(crate) fn script_safe_json(s: String) -> String {
    // U+2028 and U+2029 are encoded starting with the byte E2: text with none of these bytes
    // needs no change.
    let bytes = s.as_bytes();
    let special = |b: u8| (b == b'<') | (b == b'>') | (b == b'&') | (b == 0xE2);
    if crate::scan::find(bytes, 0, special) == bytes.len() {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// Every home, category and article page with its language alternates.
pub fn sitemap(site: &Site) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let all: Vec<(String, LocaleId)> = (0..site.locales.len())
        .map(|o| (site.home_url(o), o))
        .collect();
    for l in 0..site.locales.len() {
        entry(&mut out, site, &site.home_url(l), None, &all);
    }
    for cat in &site.categories {
        let alts: Vec<(String, LocaleId)> = cat.url.iter().cloned().zip(0..).collect();
        for url in &cat.url {
            entry(&mut out, site, url, None, &alts);
        }
    }
    for a in &site.articles {
        let alts: Vec<(String, LocaleId)> = a
            .translations
            .iter()
            .enumerate()
            .filter_map(|(o, t)| t.map(|t| (site.articles[t].url.clone(), o)))
            .collect();
        let alts = if alts.len() > 1 { alts } else { Vec::new() };
        entry(&mut out, site, &a.url, Some(a.updated.to_string()), &alts);
    }
    out.push_str("</urlset>\n");
    out
}

fn entry(
    out: &mut String,
    site: &Site,
    url: &str,
    lastmod: Option<String>,
    alts: &[(String, LocaleId)],
) {
    // Written piece by piece: a large site has tens of thousands of entries.
    out.push_str("<url><loc>");
    push_escaped(out, &site.absolute(url));
    out.push_str("</loc>");
    if let Some(d) = lastmod {
        out.push_str("<lastmod>");
        out.push_str(&d);
        out.push_str("</lastmod>");
    }
    let link = |out: &mut String, lang: &str, href: &str| {
        out.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
        push_escaped(out, lang);
        out.push_str("\" href=\"");
        push_escaped(out, &site.absolute(href));
        out.push_str("\"/>");
    };
    for (href, o) in alts {
        link(out, &site.locales[*o].code, href);
    }
    if let Some((href, _)) = alts.iter().find(|(_, o)| *o == 0) {
        link(out, "x-default", href);
    }
    out.push_str("</url>\n");
}

/// Appends `s` escaped for XML text and attribute values (as `escape` does).
fn push_escaped(out: &mut String, s: &str) {
    if s.contains(['&', '<', '>', '"', '\'']) {
        out.push_str(&super::escape(s));
    } else {
        out.push_str(s);
    }
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        site.config.base_url
    )
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Escapes exactly the characters a `<script>` element cannot hold, next to other
        /// text starting with the same byte (– and ” share U+2028's first byte).
        #[test]
        fn script_safe_json_escapes_what_it_must(text in "[a<>&\u{2028}\u{2029}\u{2013}\u{201d}é]{0,40}") {
            let plain: String = text
                .chars()
                .map(|c| match c {
                    '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => format!("\\u{:04x}", c as u32),
                    c => c.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(super::script_safe_json(text), plain);
        }
    }
}
