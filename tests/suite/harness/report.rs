//! Reading kbgen's diagnostics back: `path:line:column: severity: message` blocks with their
//! quoted source line, caret and hint, and the closing `build failed with N error(s); …` line.

use std::path::Path;

/// The diagnostics of a failed build.
pub struct Report {
    pub stderr: String,
    pub diags: Vec<Diag>,
    /// N in the closing `build failed with N error(s)` line.
    pub errors: usize,
}

/// One `path:line:column: severity: message` block with its source line, caret and hint.
#[derive(Debug)]
pub struct Diag {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: String,
    pub message: String,
    /// The quoted source line (`12 | text`) and the column its caret points at.
    pub source: Option<(String, Option<usize>)>,
    pub hint: Option<String>,
    pub text: String,
}

impl Report {
    pub fn parse(stderr: &str, public: &Path) -> Report {
        let last = stderr.lines().last().unwrap_or("");
        let closing = last
            .strip_prefix("build failed with ")
            .unwrap_or_else(|| panic!("no closing line; stderr:\n{stderr}"));
        let (count, kept) = closing
            .split_once("; ")
            .unwrap_or_else(|| panic!("malformed closing line: {last}"));
        // With a previous site it says that site was kept; without one, that nothing was written.
        let expected = if public.exists() {
            format!("{} was left as it was", public.display())
        } else {
            "nothing was written".to_string()
        };
        assert_eq!(kept, expected, "closing line: {last}");
        let errors = match count.split_once(' ') {
            Some(("1", "error")) => 1,
            Some((n, "errors")) if n != "1" => n.parse().unwrap(),
            _ => panic!("malformed error count in closing line: {last}"),
        };
        Report {
            stderr: stderr.to_string(),
            diags: parse_diags(stderr),
            errors,
        }
    }

    /// Asserts the number of errors, both in the closing line and as printed diagnostics.
    pub fn error_count(&self, n: usize) -> &Self {
        let printed = self.diags.iter().filter(|d| d.severity == "error").count();
        assert_eq!(
            (self.errors, printed),
            (n, n),
            "expected {n} error(s) (closing line, printed); stderr:\n{}",
            self.stderr
        );
        self
    }

    /// The error whose first line is exactly `file:line:column: error: message`.
    pub fn error(&self, file: &str, line: usize, column: usize, message: &str) -> &Diag {
        let header = format!("{file}:{line}:{column}: error: {message}");
        self.diags
            .iter()
            .find(|d| d.text.lines().next() == Some(header.as_str()))
            .unwrap_or_else(|| panic!("expected the line\n{header}\nin stderr:\n{}", self.stderr))
    }

    /// The error at `file:line:column` whose message contains `part` (for messages whose
    /// exact wording is the implementer's choice).
    pub fn error_containing(&self, file: &str, line: usize, column: usize, part: &str) -> &Diag {
        self.diags
            .iter()
            .find(|d| {
                d.severity == "error"
                    && (d.file.as_str(), d.line, d.column) == (file, line, column)
                    && d.message.contains(part)
            })
            .unwrap_or_else(|| {
                panic!(
                    "expected an error at {file}:{line}:{column} mentioning `{part}`; stderr:\n{}",
                    self.stderr
                )
            })
    }
}

impl Diag {
    /// Asserts the quoted source line and that the caret sits under the reported column.
    pub fn source(&self, expected: &str) -> &Self {
        let Some((src, caret)) = &self.source else {
            panic!(
                "expected the source line `{expected}` under:\n{}",
                self.text
            );
        };
        assert_eq!(src, expected, "source line of:\n{}", self.text);
        assert_eq!(
            *caret,
            Some(self.column),
            "the caret must point at column {}:\n{}",
            self.column,
            self.text
        );
        self
    }

    pub fn hint(&self, expected: &str) -> &Self {
        assert_eq!(
            self.hint.as_deref(),
            Some(expected),
            "hint of:\n{}",
            self.text
        );
        self
    }

    /// Asserts that there is a hint, and that it names `word`.
    pub fn hint_mentioning(&self, word: &str) -> &Self {
        match &self.hint {
            Some(h) => assert!(
                h.contains(word),
                "the hint should name `{word}`:\n{}",
                self.text
            ),
            None => panic!("expected a hint naming `{word}` under:\n{}", self.text),
        }
        self
    }

    pub fn message_lacks(&self, part: &str) -> &Self {
        assert!(
            !self.message.contains(part),
            "the message should not contain `{part}`:\n{}",
            self.text
        );
        self
    }
}

/// Splits stderr into diagnostics: a block starts at a `path:line:col: severity: …` line.
/// `kbgen check`'s closing line: `2 errors, 1 warning`.
fn is_check_summary(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_digit())
        && (line.ends_with(" warning") || line.ends_with(" warnings"))
}

pub fn parse_diags(stderr: &str) -> Vec<Diag> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in stderr.lines() {
        if parse_header(line).is_some() {
            blocks.push(vec![line]);
        } else if line.starts_with("build failed with ")
            || line.starts_with("built ")
            || is_check_summary(line)
        {
            break;
        } else if let Some(b) = blocks.last_mut() {
            b.push(line);
        }
    }
    blocks
        .into_iter()
        .map(|lines| {
            let (file, line, column, severity, message) = parse_header(lines[0]).unwrap();
            let number = format!("{line} |");
            let mut source = None;
            let mut hint = None;
            for (i, l) in lines.iter().enumerate().skip(1) {
                if let Some(h) = l.strip_prefix("  = hint: ") {
                    hint = Some(h.to_string());
                } else if let Some(rest) = l.strip_prefix(&number) {
                    let src = rest.strip_prefix(' ').unwrap_or(rest).to_string();
                    let caret = lines.get(i + 1).and_then(|c| {
                        let (_, after) = c.split_once(" | ")?;
                        after.find('^').map(|b| after[..b].chars().count() + 1)
                    });
                    source = Some((src, caret));
                }
            }
            Diag {
                file,
                line,
                column,
                severity,
                message,
                source,
                hint,
                text: lines.join("\n"),
            }
        })
        .collect()
}

fn parse_header(line: &str) -> Option<(String, usize, usize, String, String)> {
    if line.starts_with(' ') {
        return None;
    }
    let (place, severity, message) = ["error", "warning"].iter().find_map(|s| {
        let (place, message) = line.split_once(&format!(": {s}: "))?;
        Some((place, s.to_string(), message.to_string()))
    })?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line_no = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some((file, line_no, column, severity, message))
}
