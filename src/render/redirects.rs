//! The articles' old addresses (`aliases`) as redirects the usual web servers answer with a
//! real 301, beside the HTML pages that redirect on any host: `_redirects` (Netlify,
//! Cloudflare Pages), `.htaccess` (Apache) and `redirects.nginx.conf` (an nginx `map` to
//! include). Sorted by old address, so the same site gives the same files. An address with a
//! character these syntaxes would read as syntax (white space, quotes, `$`, `;`, braces) keeps
//! only its HTML page.

use crate::model::Site;

/// `(old, new)` paths of every alias, sorted.
fn pairs(site: &Site) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = site
        .articles
        .iter()
        .flat_map(|a| {
            a.aliases
                .iter()
                .map(move |old| (old.as_str(), a.url.as_str()))
        })
        .filter(|(old, new)| plain(old) && plain(new))
        .collect();
    out.sort_unstable();
    out
}

/// The files, by name; none when no article has an alias.
pub(crate) fn files(site: &Site) -> Vec<(&'static str, String)> {
    let pairs = pairs(site);
    if pairs.is_empty() {
        return Vec::new();
    }
    let mut netlify = String::from("# Old addresses of articles (kbgen: aliases)\n");
    let mut apache = netlify.clone();
    let mut nginx = String::from(
        "# Old addresses of articles (kbgen: aliases). In the server block:\n\
         #   include redirects.nginx.conf;\n\
         #   if ($kbgen_redirect) { return 301 $kbgen_redirect; }\n\
         map $uri $kbgen_redirect {\n",
    );
    for (old, new) in pairs {
        netlify.push_str(&format!("{old} {new} 301\n"));
        apache.push_str(&format!("Redirect 301 {old} {new}\n"));
        nginx.push_str(&format!("    {old} {new};\n"));
    }
    nginx.push_str("}\n");
    vec![
        ("_redirects", netlify),
        (".htaccess", apache),
        ("redirects.nginx.conf", nginx),
    ]
}

/// A path that the three syntaxes take as it is.
fn plain(path: &str) -> bool {
    !path.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '\'' | '\\' | '$' | ';' | '{' | '}' | '#')
    })
}
