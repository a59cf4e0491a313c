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
    /// `SOURCE_DATE_EPOCH` is set to something other than a number of seconds.
    EnvironmentInvalid => "environment-invalid",
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
    /// A table name in `servers.yaml` that is not words of a-z, 0-9, `-` and `_` between `/`.
    ServerTableNameInvalid => "server-table-name-invalid",
    /// A caption in `servers.yaml` for a locale that `kbgen.yaml` does not configure.
    ServersUnknownLocale => "servers-unknown-locale",
    /// A shared server table without a caption in a locale where it has others: another is shown.
    ServerCaptionMissing => "server-caption-missing",
    /// A server table's `shared:` naming no table of `servers.yaml`.
    ServerTableSharedUnknown => "server-table-shared-unknown",
    /// A server table with both `shared:` and `rows:`.
    ServerTableSharedAndRows => "server-table-shared-and-rows",
    /// An article's own rows that a shared table of `servers.yaml` has (`kbgen check`).
    ServerTableRepeatsShared => "server-table-repeats-shared",
    /// A shared server table that no article uses (`kbgen check`).
    ServerTableUnused => "server-table-unused",
    /// A snippet file name without a configured language (`<name>.<locale>.md`).
    SnippetNoLocale => "snippet-no-locale",
    /// A snippet file name that cannot be a name.
    SnippetNameInvalid => "snippet-name-invalid",
    /// A snippet without a file in a locale: another locale's text is shown.
    SnippetUntranslated => "snippet-untranslated",
    /// A `snippet` block naming no snippet.
    SnippetUnknown => "snippet-unknown",
    /// A snippet that includes itself, directly or through others.
    SnippetCycle => "snippet-cycle",
    /// A snippet that no article includes (`kbgen check`).
    SnippetUnused => "snippet-unused",
    /// Raw HTML in an article where `raw_html` does not allow it.
    RawHtml => "raw-html",
    /// A `{.collapsible}` heading inside an alert, which cannot hold a collapsible section.
    CollapsibleInAlert => "collapsible-in-alert",
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
    /// An article whose review date (`review_by`, or `review_after` in kbgen.yaml) has passed (`kbgen check`).
    ReviewOverdue => "review-overdue",
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
    pub fn new(
        severity: Severity,
        code: Code,
        file: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            file: file.into(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn error(
        code: Code,
        file: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::new(Severity::Error, code, file, pos, message)
    }

    pub fn warning(
        code: Code,
        file: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::new(Severity::Warning, code, file, pos, message)
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

pub mod yaml;

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
        let readme = include_str!("../../README.md");
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
