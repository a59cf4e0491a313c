//! User-facing diagnostics: every problem kbgen reports to a writer, translator or template
//! author is a `Diagnostic` with a file, a 1-based line and column, a message and a hint.
//!
//! Errors are data, collected by every step of the pipeline so that one run reports all of
//! them; nothing here prints. The text form is the GNU one (`path:line:column: error: …`) that
//! editors and CI annotate, followed by the source line and a caret when the source is known.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A diagnostic's kind: `code` in `--format json`, for editors and CI to match on. The names
/// are stable (a kind may be added, never renamed) and listed in README.md ("Diagnostic
/// codes"), which a test keeps in step with this list.
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// A file or folder could not be read.
    ReadFailed => "read-failed",
    /// A file could not be written.
    WriteFailed => "write-failed",
    /// A text file is not valid UTF-8.
    NotUtf8 => "not-utf8",
    /// A symbolic link in `content/` or `static/`, which kbgen does not follow.
    SymbolicLink => "symbolic-link",
    /// YAML that does not parse, or a field that is unknown, missing or of the wrong type.
    YamlInvalid => "yaml-invalid",
    /// A value in `kbgen.yaml` that kbgen cannot use.
    ConfigInvalid => "config-invalid",
    /// An article without front matter between `---` lines.
    FrontMatterMissing => "front-matter-missing",
    /// A file in `content/` that is neither an article nor `_category.yaml`.
    FileIgnored => "file-ignored",
    /// An article file name without a configured language (`<key>.<locale>.md`).
    ArticleNoLocale => "article-no-locale",
    /// An article file name that cannot be a key.
    ArticleKeyInvalid => "article-key-invalid",
    /// A front-matter value that kbgen cannot use (slug, alias, date, …).
    ArticleFieldInvalid => "article-field-invalid",
    /// An article in a folder without `_category.yaml`.
    ArticleNotInCategory => "article-not-in-category",
    /// A category folder name that cannot be a key.
    CategoryKeyInvalid => "category-key-invalid",
    /// A value in `_category.yaml` that kbgen cannot use.
    CategoryFieldInvalid => "category-field-invalid",
    /// A category whose parent folder is not a category.
    CategoryParentMissing => "category-parent-missing",
    /// A category without a title in a locale: the default locale's is shown.
    CategoryUntitled => "category-untitled",
    /// Two pages (articles, aliases, categories) at one URL.
    UrlConflict => "url-conflict",
    /// A server table with rows in no language.
    ServerTableNoRows => "server-table-no-rows",
    /// A `server-table` block naming a table the front matter does not define.
    ServerTableUnknown => "server-table-unknown",
    /// A server table the body never places.
    ServerTableUnplaced => "server-table-unplaced",
    /// A translation's server table that its source article does not have.
    ServerTableNotInSource => "server-table-not-in-source",
    /// A server table whose rows differ between languages.
    ServerRowsDiffer => "server-rows-differ",
    /// A server-table host that is not a host name.
    ServerHostInvalid => "server-host-invalid",
    /// A port that does not fit the row's security setting or the host's protocol.
    ServerPortSuspicious => "server-port-suspicious",
    /// Raw HTML in an article where `raw_html` does not allow it.
    RawHtml => "raw-html",
    /// A link or image whose target is not a page, file or safe URL.
    LinkInvalid => "link-invalid",
    /// A link to a page that does not exist (`kbgen check`).
    LinkBroken => "link-broken",
    /// A link to a `#heading` the page does not have (`kbgen check`).
    LinkBrokenFragment => "link-broken-fragment",
    /// A page template the theme lacks.
    TemplateMissing => "template-missing",
    /// A template that does not parse, or fails to render.
    TemplateInvalid => "template-invalid",
    /// A Fluent file that does not parse.
    FluentSyntax => "fluent-syntax",
    /// A message a template uses that no locale defines.
    MessageUndefined => "message-undefined",
    /// A message kbgen itself needs, missing in the default locale.
    MessageRequired => "message-required",
    /// A message (or a term and a message) defined twice in a locale.
    MessageDefinedTwice => "message-defined-twice",
    /// A message that fails to format.
    MessageFormatFailed => "message-format-failed",
    /// A message missing in a locale: the default locale's text is shown.
    MessageUntranslated => "message-untranslated",
    /// A message no template uses (`kbgen check`).
    MessageUnused => "message-unused",
    /// A translation whose variables differ from the default locale's (`kbgen check`).
    MessageVariables => "message-variables",
    /// A translation that uses other terms than the default locale's (`kbgen check`).
    MessageTerms => "message-terms",
    /// A translation that lacks an attribute of the default locale's (`kbgen check`).
    MessageAttributes => "message-attributes",
    /// A configured locale without `locales/<code>/`: the default locale's text is shown.
    LocaleFolderMissing => "locale-folder-missing",
    /// `synonyms.yaml` names a locale the site does not have.
    SynonymsUnknownLocale => "synonyms-unknown-locale",
    /// An article without a translation in a locale.
    TranslationMissing => "translation-missing",
    /// A translation whose source changed after it was translated.
    TranslationStale => "translation-stale",
    /// An output folder kbgen will not write into (not new, empty or its own; or holding the sources).
    OutputInvalid => "output-invalid",
    /// Another build is writing into the output folder.
    OutputLocked => "output-locked",
    /// Files or folders in or beside the output that kbgen did not write: left alone.
    OutputForeign => "output-foreign",
    /// A command-line argument kbgen cannot use (a key, a category, a file, a locale).
    ArgumentInvalid => "argument-invalid",
    /// `kbgen new` would overwrite an article.
    ArticleExists => "article-exists",
    /// `kbgen translated` named a file that is not a translation.
    NotATranslation => "not-a-translation",
    /// WordPress input or a map that the importer cannot use.
    ImportInvalid => "import-invalid",
    /// An imported article would overwrite a file or land outside `content/`.
    ImportConflict => "import-conflict",
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// Relative to the site root, with `/` separators, so messages are the same everywhere.
    #[serde(serialize_with = "serialize_path")]
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The source line the position points into, shown under the message.
    #[serde(skip)]
    pub(crate) source_line: Option<String>,
}

fn serialize_path<S: serde::Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&display_path(p))
}

impl Diagnostic {
    pub fn error(
        code: Code,
        file: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn warning(
        code: Code,
        file: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, pos, message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attaches the line of `source` that this diagnostic points at.
    pub(crate) fn with_source(mut self, source: &str) -> Self {
        self.source_line = source
            .lines()
            .nth(self.line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {kind}: {}",
            display_path(&self.file),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(src) = &self.source_line {
            let width = self.line.to_string().len();
            let pad = " ".repeat(width);
            let caret: String = src
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{pad} |\n{} | {src}\n{pad} | {caret}^", self.line)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// `n` and an English noun, plural when `n` is not 1: "1 error", "2 errors". For kbgen's
/// own messages to writers and the terminal; readers' words are Fluent's.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Paths in messages always use `/`, whatever the platform.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub(crate) const START: Pos = Pos { line: 1, column: 1 };

    pub fn new(line: usize, column: usize) -> Self {
        Pos { line, column }
    }

    /// The position of byte `offset` in `text`.
    pub(crate) fn of_offset(text: &str, offset: usize) -> Pos {
        // The end of a file that ends with a newline is the end of its last line, not a line
        // that does not exist.
        let offset = if offset >= text.len() && text.ends_with('\n') {
            text.len() - 1
        } else {
            offset.min(text.len())
        };
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos {
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// This position moved down by `lines` (for text embedded at a line offset in a file).
    pub fn below(self, lines: usize) -> Pos {
        Pos {
            line: self.line + lines,
            column: self.column,
        }
    }
}

/// Of `items`, the one whose `name` is nearest to `word` and at most `max` edits away (of
/// equally near ones, the first name in order): what a "did you mean" hint names.
pub(crate) fn nearest<T>(
    word: &str,
    items: impl IntoIterator<Item = T>,
    name: impl Fn(&T) -> &str,
    max: usize,
) -> Option<T> {
    items
        .into_iter()
        .map(|t| (edit_distance(word, name(&t)), t))
        .filter(|(d, _)| *d <= max)
        .min_by(|(da, a), (db, b)| da.cmp(db).then_with(|| name(a).cmp(name(b))))
        .map(|(_, t)| t)
}

/// Levenshtein distance, for "did you mean" hints.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Where things are written in a YAML file, for messages about values that serde gives without
/// a position. One reading of the text for every caller: a key is `key:` at the start of a
/// line, after its indentation or a list item's `- `.
pub mod yaml {
    use super::{nearest, Code, Diagnostic, Pos};

    /// Where `key:` is first written on lines `from..until` (1-based, `until` excluded).
    pub(crate) fn key_pos(text: &str, key: &str, from: usize, until: Option<usize>) -> Option<Pos> {
        text.lines()
            .enumerate()
            .skip(from.saturating_sub(1))
            .take_while(|(i, _)| until.is_none_or(|u| i + 1 < u))
            .find_map(|(i, l)| {
                let rest = l.trim_start();
                let rest = rest.strip_prefix("- ").map_or(rest, str::trim_start);
                let column = l[..l.len() - rest.len()].chars().count() + 1;
                rest.strip_prefix(key)?
                    .starts_with(':')
                    .then_some(Pos::new(i + 1, column))
            })
    }

    /// The lines on which the items of the block list under the top-level `key:` start.
    pub(crate) fn item_lines(text: &str, key: &str) -> Vec<usize> {
        let Some(list) = key_pos(text, key, 1, None) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        let mut indent = None;
        for (i, l) in text.lines().enumerate().skip(list.line) {
            let rest = l.trim_start();
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            let at = l.len() - rest.len();
            // The list ends at the next top-level key.
            if at == 0 && !rest.starts_with('-') {
                break;
            }
            if (rest.starts_with("- ") || rest == "-") && *indent.get_or_insert(at) == at {
                lines.push(i + 1);
            }
        }
        lines
    }

    /// Where `key:` is written in the `n`th item (from 0) of the list under `list:`; else
    /// where the list is.
    pub(crate) fn item_key_pos(text: &str, list: &str, n: usize, key: &str) -> Pos {
        let items = item_lines(text, list);
        items
            .get(n)
            .and_then(|&from| key_pos(text, key, from, items.get(n + 1).copied()))
            .or_else(|| key_pos(text, list, 1, None))
            .unwrap_or(Pos::START)
    }

    /// A serde_yaml error as a diagnostic at its place in `file`; `line_offset` is the number of
    /// lines in the file before the YAML text.
    pub fn yaml_error(
        file: &str,
        yaml: &str,
        line_offset: usize,
        e: &serde_yaml::Error,
    ) -> Diagnostic {
        let (message, marks) = split_marks(&e.to_string());
        let message = in_words(&message);
        // A scanner error names the construct it was in ("while scanning a quoted scalar at line
        // 2 column 8"): that opening is where the writer has to look.
        let (line, column) = match (marks.get(1), e.location()) {
            (Some(&context), _) => context,
            (None, Some(l)) => (l.line(), l.column()),
            (None, None) => marks.first().copied().unwrap_or((1, 1)),
        };
        let mut d = Diagnostic::error(
            Code::YamlInvalid,
            file,
            Pos::new(line + line_offset, column),
            message.clone(),
        );
        d.source_line = yaml.lines().nth(line.saturating_sub(1)).map(str::to_string);
        if let Some(hint) = hint_for(&message, file) {
            d = d.hint(hint);
        }
        d
    }

    /// Removes every " at line L column C" from a serde_yaml message, returning the marks.
    fn split_marks(raw: &str) -> (String, Vec<(usize, usize)>) {
        let mut message = String::new();
        let mut marks = Vec::new();
        let mut rest = raw;
        while let Some(i) = rest.find(" at line ") {
            message.push_str(&rest[..i]);
            let after = &rest[i + " at line ".len()..];
            let mut nums = after.splitn(3, ' ');
            let line = nums.next().and_then(|n| n.parse().ok());
            let col_word = nums.next();
            let tail = nums.next().unwrap_or("");
            let col_len = tail
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len());
            match (line, col_word, tail[..col_len].parse().ok()) {
                (Some(l), Some("column"), Some(c)) => {
                    marks.push((l, c));
                    rest = &tail[col_len..];
                }
                _ => {
                    message.push_str(" at line ");
                    rest = after;
                }
            }
        }
        message.push_str(rest);
        (message, marks)
    }

    /// serde names the Rust type it wanted ("invalid type: string \"five\", expected usize"):
    /// a writer reads what to type instead.
    fn in_words(message: &str) -> String {
        match message.rsplit_once(", expected ") {
            Some((head, "usize" | "u8" | "u16" | "u32" | "u64")) => {
                format!("{head}, expected a whole number (0 or more)")
            }
            Some((head, "isize" | "i8" | "i16" | "i32" | "i64")) => {
                format!("{head}, expected a whole number")
            }
            _ => message.to_string(),
        }
    }

    /// Turns serde's "unknown field `titel`, expected one of …" into "did you mean `title`?";
    /// a missing field is to be added to `file`'s front matter, or to `file` when it is all YAML.
    fn hint_for(message: &str, file: &str) -> Option<String> {
        let message = message.rsplit(": ").next().unwrap_or(message);
        if let Some(field) = message.strip_prefix("missing field `") {
            let field = field.trim_end_matches('`');
            let place = if file.ends_with(".md") {
                "the front matter".to_string()
            } else {
                file.to_string()
            };
            return Some(format!("add `{field}: …` to {place}"));
        }
        if message.contains("while scanning a quoted scalar") {
            return Some("a value that opens a quote must close it on the same value".into());
        }
        let unknown = message.strip_prefix("unknown field `")?;
        let (field, rest) = unknown.split_once('`')?;
        let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        Some(match nearest(field, &expected, |e| e, 2) {
            Some(e) => format!("did you mean `{e}`?"),
            None => format!("the fields are: {}", expected.join(", ")),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const CONFIG: &str = "base_url: x\nlocales:\n  - code: sv\n    tag: sv-SE\n  - code: en\n    search_path: search\nraw_html: allow\n";

        #[test]
        fn keys_are_found_in_their_own_list_item() {
            assert_eq!(item_lines(CONFIG, "locales"), [3, 5]);
            assert_eq!(item_key_pos(CONFIG, "locales", 1, "code"), Pos::new(5, 5));
            assert_eq!(item_key_pos(CONFIG, "locales", 0, "tag"), Pos::new(4, 5));
            // Not in the second item: the list's line, not the first item's `tag`.
            assert_eq!(item_key_pos(CONFIG, "locales", 1, "tag"), Pos::new(2, 1));
            assert_eq!(key_pos(CONFIG, "raw_html", 1, None), Some(Pos::new(7, 1)));
            assert_eq!(key_pos(CONFIG, "raw", 1, None), None);
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The diagnostics of one run, in a stable order (file, line, column) so output is
/// deterministic even when steps run in parallel.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub(crate) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.0.dedup();
        self
    }

    /// `Err(self)` when any error was collected, so a step can stop the pipeline with `?`.
    pub fn check(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() {
            Err(self.sorted())
        } else {
            Ok(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "ab\nåäö x\n";
        assert_eq!(Pos::of_offset(text, 0), Pos::new(1, 1));
        assert_eq!(Pos::of_offset(text, 3), Pos::new(2, 1));
        // "åäö " is 7 bytes but 4 characters
        assert_eq!(Pos::of_offset(text, 3 + 7), Pos::new(2, 5));
    }

    #[test]
    fn display_is_gnu_style_with_source_and_hint() {
        let d = Diagnostic::error(
            Code::YamlInvalid,
            "content/a.sv.md",
            Pos::new(2, 1),
            "unknown field `titel`",
        )
        .with_source("---\ntitel: Hej\n---\n")
        .hint("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.sv.md:2:1: error: unknown field `titel`\n  |\n2 | titel: Hej\n  | ^\n  = hint: did you mean `title`?"
        );
    }

    /// Every code is documented in README.md's table, and the table names no other.
    #[test]
    fn the_readme_lists_every_code() {
        let readme = include_str!("../README.md");
        let section = readme
            .split("### Diagnostic codes")
            .nth(1)
            .expect("README.md has a section \"Diagnostic codes\"");
        let listed: Vec<&str> = section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .collect();
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, codes);
    }

    #[test]
    fn codes_are_serialised_by_name() {
        let d = Diagnostic::warning(Code::TranslationStale, "a", Pos::START, "m");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["code"], "translation-stale");
        assert_eq!(json["severity"], "warning");
    }
}
