//! Server tables shared by the whole site: `servers.yaml` names tables of rows, each with a
//! caption per locale, and an article's table takes one by name (`shared: email/imap`).
//!
//! The shared rows are resolved into the articles' own tables here, so every later step
//! (pages, `{domain}`, the search index, the checks, the status page, `serve`'s comparison of
//! what pages show) sees one kind of table and needs no rule of its own. The file's name and
//! positions stay for messages about the table itself, which are reported once, at
//! `servers.yaml`, rather than at every article that uses it.

use super::{Article, Rows};
use crate::config::Config;
use crate::diag::yaml::{key_pos, yaml_error};
use crate::diag::{nearest, Code, Diagnostic, Diagnostics, Pos, Severity};
use crate::load::files::{File, SERVERS_FILE};
use crate::load::frontmatter::ServerRow;
use crate::names::is_key;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The tables of `servers.yaml`, by name (none when the site has no such file).
#[derive(Debug)]
pub struct SharedTables {
    pub tables: BTreeMap<String, SharedTable>,
    /// The file as written, for its source lines in messages.
    pub(crate) text: String,
    /// Whether the file (if any) was read and parsed: else an article's `shared:` can name
    /// no table without being wrong.
    complete: bool,
}

impl Default for SharedTables {
    fn default() -> Self {
        SharedTables {
            tables: BTreeMap::new(),
            text: String::new(),
            complete: true,
        }
    }
}

#[derive(Debug)]
pub struct SharedTable {
    /// Per locale, the caption pages show: a locale without one of its own shows the first
    /// configured locale's that has one (with a warning).
    pub captions: Vec<Option<String>>,
    pub rows: Vec<ServerRow>,
    /// Where the table's name is written.
    pub(crate) pos: Pos,
}

/// A table of `servers.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    /// Locale code to caption.
    #[serde(default)]
    caption: BTreeMap<String, String>,
    rows: Vec<ServerRow>,
}

impl SharedTables {
    /// The tables of `servers.yaml` as read, each checked, and the problems found. Tables
    /// with errors are kept, so that the articles naming them are checked in the same run;
    /// a file that cannot be read or parsed gives none, and `complete` false.
    pub(crate) fn parse(
        file: Result<Option<File>, Diagnostic>,
        config: &Config,
    ) -> (SharedTables, Diagnostics) {
        let file_text = match file {
            Ok(Some(File { text, .. })) => text,
            Ok(None) => return (SharedTables::default(), Diagnostics::default()),
            Err(d) => return (SharedTables::unreadable(), d.into()),
        };
        let text = file_text.as_str();
        // A file of comments only is a site without shared tables yet.
        let written = text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let sources: BTreeMap<String, Source> = if written {
            match serde_yaml::from_str(text) {
                Ok(sources) => sources,
                Err(e) => {
                    return (
                        SharedTables::unreadable(),
                        yaml_error(SERVERS_FILE, text, 0, &e).into(),
                    )
                }
            }
        } else {
            BTreeMap::new()
        };
        let codes: Vec<&str> = config.locales.iter().map(|l| l.code.as_str()).collect();
        let lines = table_lines(text, sources.keys());
        let mut diags = Diagnostics::default();
        let tables = sources
            .into_iter()
            .map(|(name, source)| {
                let table = checked(&name, source, lines[&name], &codes, text, &mut diags);
                (name, table)
            })
            .collect();
        let tables = SharedTables {
            tables,
            text: file_text,
            complete: true,
        };
        (tables, diags)
    }

    /// What a `servers.yaml` that cannot be read or parsed gives: no tables, and no errors
    /// about the articles' names of them, which only the file's error explains.
    fn unreadable() -> SharedTables {
        SharedTables {
            complete: false,
            ..SharedTables::default()
        }
    }

    /// Gives each article's table that names a shared table (`shared:`) its rows, and its
    /// caption in the article's locale unless it has its own.
    pub(crate) fn resolve(&self, articles: &mut [Article], diags: &mut Diagnostics) {
        for a in articles.iter_mut() {
            let mut errors = Vec::new();
            for (name, table) in a.tables.iter_mut() {
                let Rows::Shared(shared) = &table.from else {
                    continue;
                };
                let Some(s) = self.tables.get(shared) else {
                    if !self.complete {
                        continue;
                    }
                    let hint = match nearest(shared, self.tables.keys(), |k| k.as_str(), 3) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None if self.tables.is_empty() => {
                            format!("define it in {SERVERS_FILE}, in the site's root folder")
                        }
                        None => format!(
                            "the tables of {SERVERS_FILE} are: {}",
                            self.tables
                                .keys()
                                .map(String::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    errors.push((
                        name.clone(),
                        Code::ServerTableSharedUnknown,
                        format!("`{shared}` is not a table of {SERVERS_FILE}"),
                        hint,
                    ));
                    continue;
                };
                if !table.rows.is_empty() {
                    errors.push((
                        name.clone(),
                        Code::ServerTableSharedAndRows,
                        format!("the server table `{name}` has both `shared:` and `rows:`"),
                        format!("leave out `rows:` to show those of `{shared}`, or `shared:` to show its own"),
                    ));
                    continue;
                }
                table.rows = s.rows.clone();
                if table.caption.is_none() {
                    table.caption = s.captions[a.locale].clone();
                }
            }
            for (name, code, msg, hint) in errors {
                let at = shared_pos(a, &name);
                diags.push(
                    Diagnostic::error(code, &a.file, at, msg)
                        .with_source(&a.source())
                        .hint(hint),
                );
            }
        }
    }
}

/// Each table's lines in `text`: from the line of its name to the next table's (excluded).
fn table_lines<'n>(
    text: &str,
    names: impl Iterator<Item = &'n String>,
) -> BTreeMap<String, (usize, Option<usize>)> {
    let mut starts: Vec<(usize, &String)> = names
        .map(|name| (key_pos(text, name, 1, None).map_or(1, |p| p.line), name))
        .collect();
    starts.sort();
    let ends = starts
        .iter()
        .skip(1)
        .map(|(line, _)| Some(*line))
        .chain([None]);
    starts
        .iter()
        .zip(ends)
        .map(|(&(from, name), until)| (name.clone(), (from, until)))
        .collect()
}

/// One table of `servers.yaml`, with its problems: a name that cannot be one, no rows,
/// captions of unknown locales or missing in a locale (the first locale's stands in).
fn checked(
    name: &str,
    source: Source,
    (from, until): (usize, Option<usize>),
    codes: &[&str],
    text: &str,
    diags: &mut Diagnostics,
) -> SharedTable {
    let pos = Pos::new(from, 1);
    let mut report = |severity, code, at: Pos, msg: String, hint: String| {
        let d = Diagnostic::new(severity, code, SERVERS_FILE, at, msg);
        diags.push(d.with_source(text).hint(hint));
    };
    if !name.split('/').all(is_key) {
        report(
            Severity::Error,
            Code::ServerTableNameInvalid,
            pos,
            format!(
                "`{}` cannot be the name of a shared server table",
                name.escape_debug()
            ),
            "a name is words of a-z, 0-9, `-` and `_` between `/`, such as `email/imap`".into(),
        );
    }
    if source.rows.is_empty() {
        report(
            Severity::Error,
            Code::ServerTableNoRows,
            pos,
            format!("the shared server table `{name}` has no rows"),
            "give it `rows:`, each a `{ host: …, port: …, security: … }`".into(),
        );
    }
    for code in source
        .caption
        .keys()
        .filter(|c| !codes.contains(&c.as_str()))
    {
        report(
            Severity::Error,
            Code::ServersUnknownLocale,
            caption_pos(text, code, from, until).unwrap_or(pos),
            format!("`{code}` is not a configured locale"),
            format!("the locales of kbgen.yaml are: {}", codes.join(", ")),
        );
    }
    let first = codes
        .iter()
        .find_map(|c| source.caption.get(*c).map(|t| (*c, t)));
    let mut captions = Vec::with_capacity(codes.len());
    for code in codes {
        let own = source.caption.get(*code);
        if let (None, Some((shown, _))) = (own, first) {
            report(
                Severity::Warning,
                Code::ServerCaptionMissing,
                key_pos(text, "caption", from + 1, until).unwrap_or(pos),
                format!(
                    "the shared server table `{name}` has no caption in `{code}`: its pages \
                     there show the `{shown}` one"
                ),
                format!("add `{code}: …` under `caption:`"),
            );
        }
        captions.push(own.or(first.map(|(_, t)| t)).cloned());
    }
    SharedTable {
        captions,
        rows: source.rows,
        pos,
    }
}

/// Where the caption of locale `code` is written in the table on lines `from..until`: on a line
/// of its own under `caption:`, or in a flow mapping (`caption: { sv: …, en: … }`).
fn caption_pos(text: &str, code: &str, from: usize, until: Option<usize>) -> Option<Pos> {
    let caption = key_pos(text, "caption", from + 1, until)?;
    if let Some(pos) = key_pos(text, code, caption.line + 1, until) {
        return Some(pos);
    }
    let line = text.lines().nth(caption.line - 1)?;
    let at = [
        format!("{{{code}:"),
        format!(" {code}:"),
        format!(",{code}:"),
    ]
    .iter()
    .find_map(|p| line.find(p.as_str()).map(|i| i + 1))?;
    Some(Pos::new(caption.line, line[..at].chars().count() + 1))
}

/// Where the article's table `name` says `shared:`, or else where the table is.
fn shared_pos(a: &Article, name: &str) -> Pos {
    let yaml = a.yaml();
    let Some(table) = key_pos(yaml, name, 1, None) else {
        return a.table_pos(name);
    };
    let line = yaml.lines().nth(table.line - 1).unwrap_or("");
    // `imap: { shared: email/imap }`, on the table's line.
    if let Some(i) = line.find("shared:") {
        return Pos::new(table.line, line[..i].chars().count() + 1).below(1);
    }
    key_pos(yaml, "shared", table.line + 1, None)
        .unwrap_or(table)
        .below(1)
}
