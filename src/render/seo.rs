//! What search engines read: JSON-LD, `sitemap.xml` and `robots.txt`.
//!
//! JSON-LD is built as data with serde_json and then made safe for a `<script>` element, so
//! no title or description can close the element or start another one.

use crate::localise::L10n;
use crate::model::{ArticleId, CategoryId, LocaleId, Site};
use serde_json::{json, Value};

pub enum LdPage {
    Home,
    Category(CategoryId),
    Article(ArticleId),
    Other,
}

pub fn json_ld(
    site: &Site,
    l10n: &L10n,
    page: LdPage,
    crumbs: &[(String, String)],
    l: LocaleId,
) -> Result<String, String> {
    let loc = &site.locales[l];
    let home = site.absolute(&site.home_url(l));
    let website_id = format!("{home}#website");
    let site_name = l10n.format(l, "site-name", None)?;
    let mut graph = vec![json!({
        "@type": "WebSite",
        "@id": website_id,
        "url": home,
        "name": site_name,
        "inLanguage": loc.tag,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": format!("{}?q={{search_term_string}}", site.absolute(&site.search_url(l))),
            },
            "query-input": "required name=search_term_string",
        },
    })];
    let breadcrumb = || {
        let items: Vec<Value> = crumbs
            .iter()
            .enumerate()
            .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": site.absolute(url)}))
            .collect();
        json!({"@type": "BreadcrumbList", "itemListElement": items})
    };
    match page {
        LdPage::Article(a) => {
            let art = &site.articles[a];
            let url = site.absolute(&art.url);
            let mut ld = json!({
                "@type": "TechArticle",
                "@id": format!("{url}#article"),
                "headline": art.title,
                "url": url,
                "mainEntityOfPage": url,
                "inLanguage": loc.tag,
                "dateModified": art.updated.to_string(),
                "isPartOf": {"@id": website_id},
                "breadcrumb": breadcrumb(),
            });
            if let Some(d) = &art.description {
                ld["description"] = json!(d);
            }
            if let Some(level) = art.level {
                ld["proficiencyLevel"] = json!(match level {
                    crate::load::frontmatter::Level::Beginner => "Beginner",
                    crate::load::frontmatter::Level::Advanced => "Expert",
                });
            }
            if !art.tags.is_empty() {
                ld["keywords"] = json!(art.tags.join(", "));
            }
            graph.push(ld);
        }
        LdPage::Category(c) => {
            let cat = &site.categories[c];
            let mut ld = json!({
                "@type": "CollectionPage",
                "@id": site.absolute(&cat.url[l]),
                "url": site.absolute(&cat.url[l]),
                "name": cat.title[l],
                "inLanguage": loc.tag,
                "isPartOf": {"@id": website_id},
                "breadcrumb": breadcrumb(),
            });
            if let Some(d) = &cat.description[l] {
                ld["description"] = json!(d);
            }
            graph.push(ld);
        }
        LdPage::Home | LdPage::Other => {}
    }
    let doc = json!({"@context": "https://schema.org", "@graph": graph});
    Ok(script_safe_json(&doc))
}

/// JSON that can stand inside `<script>`: `<`, `>`, `&` and the JavaScript line separators
/// are written as `\u` escapes, which JSON parsers read back as the same characters.
pub fn script_safe_json(v: &Value) -> String {
    let s = serde_json::to_string(v).expect("JSON values always serialize");
    // U+2028 and U+2029 are encoded starting with the byte E2: text with none of these bytes
    // needs no change.
    if !s.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
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
    out.push_str("<url><loc>");
    out.push_str(&xml_escape(&site.absolute(url)));
    out.push_str("</loc>");
    if let Some(d) = lastmod {
        out.push_str(&format!("<lastmod>{d}</lastmod>"));
    }
    for (href, o) in alts {
        out.push_str(&format!(
            "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
            xml_escape(&site.locales[*o].code),
            xml_escape(&site.absolute(href))
        ));
    }
    if let Some((href, _)) = alts.iter().find(|(_, o)| *o == 0) {
        out.push_str(&format!(
            "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
            xml_escape(&site.absolute(href))
        ));
    }
    out.push_str("</url>\n");
}

fn xml_escape(s: &str) -> String {
    super::escape(s)
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        site.config.base_url
    )
}
