//! YAML in diagnostics: serde_yaml's errors as messages a writer reads (with the place and a
//! "did you mean"), and where things are written in a YAML file, for messages about values
//! that serde gives without a position. One reading of the text for every caller: a key is
//! `key:` at the start of a line, after its indentation or a list item's `- `.

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
pub fn yaml_error(file: &str, yaml: &str, line_offset: usize, e: &serde_yaml::Error) -> Diagnostic {
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
