//! The site configuration, `kbgen.yaml` in the site root: where the site lives, which locales
//! it has and the switches that change what is published. UI words are not here: they are
//! translators' and live in `locales/`.

use crate::diag::{Diagnostic, Pos};
use crate::load::frontmatter::yaml_error;
use serde::Deserialize;
use std::path::Path;

pub const CONFIG_FILE: &str = "kbgen.yaml";

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
    pub feedback_url: Option<String>,
    /// List articles that have no translation on the other locales' category pages too,
    /// marked with their language.
    #[serde(default)]
    pub list_untranslated: bool,
    /// What to do with raw HTML in Markdown bodies.
    #[serde(default)]
    pub raw_html: RawHtml,
    /// How many related articles an article page shows.
    #[serde(default = "default_related")]
    pub related_articles: usize,
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

pub fn load(root: &Path) -> Result<Config, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(CONFIG_FILE, Pos::START, format!("cannot read the configuration: {e}"))
            .hint(format!("run kbgen in the site root, or pass --root DIR; the root holds {CONFIG_FILE}, content/, locales/ and templates/"))
    })?;
    let config: Config =
        serde_yaml::from_str(&text).map_err(|e| yaml_error(CONFIG_FILE, &text, 0, &e))?;
    config.validate(&text)?;
    Ok(config)
}

impl Config {
    fn validate(&self, text: &str) -> Result<(), Diagnostic> {
        let at = |key: &str| {
            let line = text
                .lines()
                .position(|l| l.trim_start().trim_start_matches("- ").starts_with(key))
                .map_or(1, |i| i + 1);
            Pos::new(line, 1)
        };
        let err =
            |key: &str, msg: String| Diagnostic::error(CONFIG_FILE, at(key), msg).with_source(text);
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://"))
            || self.base_url.ends_with('/')
        {
            return Err(err(
                "base_url",
                format!(
                    "base_url `{}` must be an absolute http(s) URL without a trailing slash",
                    self.base_url
                ),
            ));
        }
        if let Some(url) = &self.feedback_url {
            if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
            {
                return Err(err(
                    "feedback_url",
                    format!("feedback_url `{url}` must be an http(s) URL or a path on the site"),
                ));
            }
        }
        if self.locales.is_empty() {
            return Err(err("locales", "at least one locale is needed".into()));
        }
        let mut seen = Vec::new();
        for l in &self.locales {
            if !crate::model::is_slug(&l.code) || seen.contains(&&l.code) {
                return Err(err(
                    "code",
                    format!(
                        "locale code `{}` must be unique and lower-case letters",
                        l.code
                    ),
                ));
            }
            if l.tag().parse::<unic_langid::LanguageIdentifier>().is_err() {
                return Err(err(
                    "tag",
                    format!("`{}` is not a BCP 47 language tag", l.tag()),
                ));
            }
            if !crate::model::is_slug(&l.search_path) {
                return Err(err(
                    "search_path",
                    format!(
                        "search_path `{}` must be one path segment of a-z, 0-9 and dashes",
                        l.search_path
                    ),
                ));
            }
            seen.push(&l.code);
        }
        Ok(())
    }
}
