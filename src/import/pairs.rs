//! Pairing an export's articles with the articles they translate, when the export holds no
//! translation plugin's data (a multisite's sites are exported one by one): each article is
//! reduced to what survives translation — server tables, numbers, image files, link targets,
//! code, the number of headings — and the two languages' articles are paired one to one, best
//! matches first. The importer writes the proposal as a pairing file for a person to confirm.

use super::html::ServerTable;
use crate::diag::{Code, Diagnostic, Pos};
use crate::load::frontmatter::ServerTableSource;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What of an article survives translation.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fingerprint {
    tokens: BTreeSet<String>,
    headings: usize,
}

/// Below this, two articles are not proposed as a pair.
pub(crate) const THRESHOLD: f64 = 0.3;

impl Fingerprint {
    /// Of a Markdown body and its server tables (as a file's front matter has them).
    pub(crate) fn of(markdown: &str, tables: &BTreeMap<String, ServerTableSource>) -> Self {
        let mut f = Fingerprint::of_body(markdown);
        for (name, t) in tables {
            f.tokens.insert(format!("table:{name}"));
            if let Some(shared) = &t.shared {
                f.tokens.insert(format!("shared:{shared}"));
            }
            for r in t.rows.iter().flatten() {
                f.tokens.insert(format!("host:{}:{}", r.host, r.port.0));
            }
        }
        f
    }

    /// Of a body the importer converted, with the server tables it found.
    pub(crate) fn of_imported(markdown: &str, tables: &[(String, ServerTable)]) -> Self {
        let mut f = Fingerprint::of_body(markdown);
        for (name, t) in tables {
            f.tokens.insert(format!("table:{name}"));
            for r in &t.rows {
                f.tokens.insert(format!("host:{}:{}", r.host, r.port));
            }
        }
        f
    }

    fn of_body(markdown: &str) -> Self {
        let mut f = Fingerprint::default();
        let mut in_code = false;
        for event in Parser::new(markdown) {
            match event {
                Event::Start(Tag::Heading { .. }) => f.headings += 1,
                Event::Start(Tag::Image { dest_url, .. }) => {
                    let file = dest_url.rsplit('/').next().unwrap_or(&dest_url);
                    f.tokens.insert(format!("img:{file}"));
                }
                Event::Start(Tag::Link { dest_url, .. }) if dest_url.contains("://") => {
                    f.tokens.insert(format!("link:{dest_url}"));
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    in_code = true;
                    if let pulldown_cmark::CodeBlockKind::Fenced(info) = kind {
                        if let Some(name) = info.strip_prefix("servers ") {
                            f.tokens.insert(format!("table:{}", name.trim()));
                        }
                    }
                }
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Code(code) => {
                    f.tokens.insert(format!("code:{code}"));
                }
                Event::Text(text) if in_code => {
                    f.tokens
                        .extend(text.split_whitespace().map(|w| format!("code:{w}")));
                }
                Event::Text(text) => f.numbers(&text),
                _ => {}
            }
        }
        f
    }

    /// Numbers of two digits or more (ports, prices, sizes): a translation keeps them.
    fn numbers(&mut self, text: &str) {
        for n in text.split(|c: char| !c.is_ascii_digit()) {
            if n.len() >= 2 {
                self.tokens.insert(format!("num:{n}"));
            }
        }
    }

    /// How alike two articles are, from 0 to 1: mostly the tokens they share, a little the
    /// number of headings.
    pub(crate) fn score(&self, other: &Fingerprint) -> f64 {
        let union = self.tokens.union(&other.tokens).count();
        let shared = self.tokens.intersection(&other.tokens).count();
        let tokens = if union == 0 {
            0.0
        } else {
            shared as f64 / union as f64
        };
        let most = self.headings.max(other.headings);
        let headings = if most == 0 {
            1.0
        } else {
            self.headings.min(other.headings) as f64 / most as f64
        };
        0.8 * tokens + 0.2 * headings
    }

    /// The tokens two articles share, for the pairing file's comments.
    pub(crate) fn shared<'a>(&'a self, other: &'a Fingerprint) -> Vec<&'a str> {
        self.tokens
            .intersection(&other.tokens)
            .map(String::as_str)
            .collect()
    }
}

/// Pairs `new` articles with `existing` ones, one to one, best scores first; each new article
/// gets the index of its pair and the score, or none when nothing scores `THRESHOLD`.
pub(crate) fn propose(new: &[Fingerprint], existing: &[Fingerprint]) -> Vec<Option<(usize, f64)>> {
    let mut scores: Vec<(f64, usize, usize)> = Vec::new();
    for (i, n) in new.iter().enumerate() {
        for (j, e) in existing.iter().enumerate() {
            let s = n.score(e);
            if s >= THRESHOLD {
                scores.push((s, i, j));
            }
        }
    }
    // Ties go to the earlier articles, so that the proposal is the same every run.
    scores.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut out = vec![None; new.len()];
    let mut taken = vec![false; existing.len()];
    for (s, i, j) in scores {
        if out[i].is_none() && !taken[j] {
            out[i] = Some((j, s));
            taken[j] = true;
        }
    }
    out
}

/// A pairing file a person confirmed: WordPress ids to the keys of the articles they
/// translate (`~`: none).
pub(crate) struct Pairs {
    pub keys: BTreeMap<u64, Option<String>>,
    pub shown: PathBuf,
    text: String,
}

impl Pairs {
    pub(crate) fn load(path: &Path, shown: PathBuf) -> Result<Pairs, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(
                Code::ReadFailed,
                &shown,
                Pos::START,
                format!("cannot read the pairing file: {e}"),
            )
            .hint("write one with --propose-pairs FILE, check it, then pass it to --pairs")
        })?;
        let keys = if text.trim().is_empty() {
            BTreeMap::new()
        } else {
            crate::load::frontmatter::parse_value(&text).map_err(|e| {
                crate::diag::yaml::yaml_error(&crate::diag::display_path(&shown), &text, 0, &e)
            })?
        };
        Ok(Pairs { keys, shown, text })
    }

    /// The key `id` is paired with, if any.
    pub(crate) fn key(&self, id: u64) -> Option<&str> {
        self.keys.get(&id)?.as_deref()
    }

    /// An error at `id`'s line.
    pub(crate) fn error(&self, id: u64, msg: String) -> Diagnostic {
        let line = self
            .text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{id}:")))
            .map_or(1, |i| i + 1);
        Diagnostic::error(Code::ImportInvalid, &self.shown, Pos::new(line, 1), msg)
            .with_source(&self.text)
    }
}

/// One line of a proposal: the new article and the existing one it seems to translate.
pub(crate) struct Proposed<'a> {
    pub id: u64,
    pub title: &'a str,
    /// The key and title of its pair, the score and the tokens they share.
    pub pair: Option<(&'a str, &'a str, f64, Vec<&'a str>)>,
}

/// The pairing file of a proposal, for a person to check.
pub(crate) fn file_text(source: &str, locale: &str, default: &str, lines: &[Proposed]) -> String {
    let mut out = format!(
        "# Translations proposed by kbgen import wordpress for {source} ({locale}): each article's\n\
         # WordPress id, and the key of the {default} article it translates (~: none). Check each\n\
         # line, correct or clear it, then import again with --pairs and this file.\n"
    );
    for p in lines {
        let title = serde_json::Value::from(p.title);
        match &p.pair {
            Some((key, other, score, shared)) => {
                let shown: Vec<&str> = shared.iter().take(4).copied().collect();
                out.push_str(&format!(
                    "{}: {key}   # {score:.2} {title} ~ {}: {}\n",
                    p.id,
                    serde_json::Value::from(*other),
                    shown.join(", ")
                ));
            }
            None => out.push_str(&format!(
                "{}: ~   # {title}: no {default} article is alike\n",
                p.id
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On the shipped site, whose English articles are translations of Swedish ones: how many
    /// the proposal pairs right, with each English article's own key hidden from it.
    #[test]
    fn the_shipped_sites_translations_are_proposed_as_pairs() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::config::load(root).unwrap();
        let content = crate::load::content(root, &config).unwrap();
        let of = |lang: &str| -> Vec<(String, Fingerprint)> {
            content
                .articles
                .iter()
                .filter(|a| a.locale == lang)
                .map(|a| {
                    (
                        a.key.clone(),
                        Fingerprint::of(a.text.body(), &a.front.server_tables),
                    )
                })
                .collect()
        };
        let (sv, en) = (of("sv"), of("en"));
        let proposal = propose(
            &en.iter().map(|(_, f)| f.clone()).collect::<Vec<_>>(),
            &sv.iter().map(|(_, f)| f.clone()).collect::<Vec<_>>(),
        );
        let right = en
            .iter()
            .zip(&proposal)
            .filter(|((key, _), p)| p.is_some_and(|(j, _)| sv[j].0 == *key))
            .count();
        let wrong: Vec<String> = en
            .iter()
            .zip(&proposal)
            .filter(|((key, _), p)| !p.is_some_and(|(j, _)| sv[j].0 == *key))
            .map(|((key, _), p)| format!("{key} -> {:?}", p.map(|(j, s)| (&sv[j].0, s))))
            .collect();
        eprintln!(
            "{right} of {} English articles paired right; wrong: {wrong:#?}",
            en.len()
        );
        assert!(right == en.len(), "{right} of {}: {wrong:#?}", en.len());
    }
}
