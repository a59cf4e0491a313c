//! The site configuration, `kbgen.yaml` in the site root: where the site lives, which locales
//! it has and the switches that change what is published. UI words are not here: they are
//! translators' and live in `locales/`.

use crate::diag::{yaml, yaml::yaml_error, Code, Diagnostic, Diagnostics, Pos};
use crate::names::is_locale_code;
use serde::Deserialize;
use std::path::Path;

pub(crate) const CONFIG_FILE: &str = "kbgen.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Absolute URL of the site root, without a trailing slash; used for canonical links,
    /// hreflang, Open Graph, JSON-LD and the sitemap.
    pub base_url: String,
    /// Locales in the order the language switcher lists them; the first is the default one,
    /// published at `/`, the others under `/<code>/`.
    pub locales: Vec<LocaleConfig>,
    /// Where "Was this article helpful?" posts; the block is hidden when unset.
    #[serde(default)]
    pub(crate) feedback_url: Option<String>,
    /// Where the pages send what readers searched for and how they voted (README: "Insights");
    /// nothing is sent when unset.
    #[serde(default)]
    pub(crate) insights_url: Option<String>,
    /// List articles that have no translation on the other locales' category pages too,
    /// marked with their language.
    #[serde(default)]
    pub(crate) list_untranslated: bool,
    /// What to do with raw HTML in Markdown bodies.
    #[serde(default)]
    pub raw_html: RawHtml,
    /// How many related articles an article page shows.
    #[serde(default = "default_related")]
    pub related_articles: usize,
    /// Days after `updated` that an article without `review_by` is due for review; no
    /// review date when unset. A whole number, checked to be positive in `validate`.
    #[serde(default)]
    pub review_after: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocaleConfig {
    /// The language code used in paths, file names and `<html lang>`: `sv`, `en`.
    pub code: String,
    /// The full BCP 47 tag for dates, `og:locale` and JSON-LD `inLanguage`: `sv-SE`, `en-GB`.
    #[serde(default)]
    pub tag: Option<String>,
    /// Path segment of the search page: `sok` gives `/sok/`.
    pub search_path: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Writers are trusted: raw HTML passes through.
    #[default]
    Allow,
    /// Raw HTML is dropped from the output.
    Strip,
    /// Raw HTML is an error.
    Reject,
}

fn default_related() -> usize {
    5
}

impl LocaleConfig {
    pub fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or(&self.code)
    }
}

pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(Code::ReadFailed, CONFIG_FILE, Pos::START, format!("cannot read the configuration: {e}"))
            .hint(format!("run kbgen in the site root, or pass --root DIR; the root holds {CONFIG_FILE}, content/, locales/ and templates/"))
    })?;
    let config: Config =
        serde_yaml::from_str(&text).map_err(|e| yaml_error(CONFIG_FILE, &text, 0, &e))?;
    Diagnostics(config.validate(&text)).check()?;
    Ok(config)
}

impl Config {
    /// Every problem of the configuration, each at the line of its key.
    fn validate(&self, text: &str) -> Vec<Diagnostic> {
        let err = |pos: Pos, msg: String| {
            Diagnostic::error(Code::ConfigInvalid, CONFIG_FILE, pos, msg).with_source(text)
        };
        let top = |key: &str| yaml::key_pos(text, key, 1, None).unwrap_or(Pos::START);
        let mut out = Vec::new();
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://"))
            || self.base_url.ends_with('/')
        {
            out.push(err(
                top("base_url"),
                format!(
                    "base_url `{}` must be an absolute http(s) URL without a trailing slash",
                    self.base_url
                ),
            ));
        }
        for (field, value) in [
            ("feedback_url", &self.feedback_url),
            ("insights_url", &self.insights_url),
        ] {
            let Some(url) = value else { continue };
            if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
            {
                out.push(err(
                    top(field),
                    format!("{field} `{url}` must be an http(s) URL or a path on the site"),
                ));
            }
        }
        if let Some(days) = self.review_after.filter(|&d| d <= 0) {
            out.push(
                err(
                    top("review_after"),
                    format!("review_after is {days}: it must be a positive number of days"),
                )
                .hint("for example `review_after: 365`, a year after `updated`; or leave it out for no review dates"),
            );
        }
        if self.locales.is_empty() {
            out.push(err(top("locales"), "at least one locale is needed".into()));
        }
        for (i, l) in self.locales.iter().enumerate() {
            let at = |key: &str| yaml::item_key_pos(text, "locales", i, key);
            if !is_locale_code(&l.code) {
                out.push(
                    err(at("code"), format!("`{}` cannot be a locale code", l.code)).hint(
                        "a locale code is lower-case letters, digits and dashes, starting with a letter, such as `sv` or `pt-br`",
                    ),
                );
            } else if self.locales[..i].iter().any(|o| o.code == l.code) {
                out.push(err(
                    at("code"),
                    format!("the locale `{}` is configured twice", l.code),
                ));
            }
            if l.tag().parse::<unic_langid::LanguageIdentifier>().is_err() {
                out.push(err(
                    at(if l.tag.is_some() { "tag" } else { "code" }),
                    format!("`{}` is not a BCP 47 language tag", l.tag()),
                ));
            }
            if !crate::names::is_slug(&l.search_path) {
                out.push(err(
                    at("search_path"),
                    format!(
                        "search_path `{}` must be one path segment of a-z, 0-9 and dashes",
                        l.search_path
                    ),
                ));
            }
        }
        out
    }
}
