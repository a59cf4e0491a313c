//! The theme's tera templates, loaded once and shared by every rendering thread, and the
//! functions templates call: `t(key=…, …args)` for translators' text.
//!
//! Templates are checked before anything renders: syntax errors come from tera with their
//! line and column, and every literal `t(key="…")` is looked up in the locales, so a message
//! that no locale defines fails the build even on a branch no page takes.

use crate::diag::{Code, Diagnostic, Diagnostics, Pos};
use crate::load::files::{TemplateFiles, TEMPLATES_DIR};
use crate::localise::L10n;
use crate::model::LocaleId;
use fluent_bundle::{FluentArgs, FluentValue};
use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tera::{Context, Kwargs, State, Tera, Value};

/// Names of the templates kbgen renders pages with; a theme must provide all of them.
pub(crate) const PAGE_TEMPLATES: &[&str] = &[
    "home.html",
    "category.html",
    "article.html",
    "search.html",
    "404.html",
    "redirect.html",
    "server-table.html",
    "alert.html",
    "translations.html",
];

pub struct Templates {
    /// The templates as written: errors are reported against them.
    tera: Tera,
    /// Per locale, the same templates with every `{{ t(key="…") }}` of a message without
    /// arguments replaced by the message's text as a string literal, printed (and escaped)
    /// as the call's result would be. A page makes about twenty such calls, each a function
    /// call with its arguments in a map: they were a third of rendering a page.
    /// `None` where they would not parse (a bug of kbgen's): the templates as written serve.
    by_locale: Vec<Option<Tera>>,
    sources: Vec<(String, String)>,
}

/// The theme's templates read and parsed, before the locales are known.
pub(crate) struct Parsed {
    tera: Tera,
    sources: Vec<(String, String)>,
}

impl Parsed {
    /// Parses the theme's files as read; errors are syntax errors and missing page templates.
    /// Needs no locales, so a broken locale never hides a template error.
    pub fn new(read: TemplateFiles) -> Result<Parsed, Diagnostics> {
        let mut diags = Diagnostics(read.unreadable);
        let sources = read.files;
        for required in PAGE_TEMPLATES {
            if !sources.iter().any(|(n, _)| n == required) {
                diags.push(
                    Diagnostic::error(
                        Code::TemplateMissing,
                        format!("{TEMPLATES_DIR}/{required}"),
                        Pos::START,
                        "the template is missing",
                    )
                    .hint("kbgen renders pages with it; copy it from kbgen's default theme"),
                );
            }
        }
        let mut tera = new_tera();
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            diags.extend(load_diagnostics(&e, &sources));
        }
        diags.check()?;
        Ok(Parsed { tera, sources })
    }

    /// Checks every literal message id against the locales and gives templates `t()`.
    pub(crate) fn with_locales(self, l10n: Arc<L10n>) -> Result<Templates, Diagnostics> {
        let mut diags = Diagnostics::default();
        for (name, text) in &self.sources {
            for (id, pos) in message_ids_used(text) {
                if !l10n.defines(&id) {
                    diags.push(
                        Diagnostic::error(
                            Code::MessageUndefined,
                            PathBuf::from(TEMPLATES_DIR).join(name),
                            pos,
                            format!("no locale defines the message `{id}`"),
                        )
                        .with_source(text)
                        .hint(format!("add `{id} = …` to the .ftl files in locales/")),
                    );
                }
            }
        }
        diags.check()?;
        // Messages without arguments, formatted once per locale.
        let plain: Arc<Vec<FxHashMap<String, String>>> = Arc::new(
            (0..l10n.locales.len())
                .map(|l| {
                    l10n.locales
                        .iter()
                        .flat_map(|loc| loc.messages.keys())
                        .filter_map(|id| Some((id.clone(), l10n.format(l, id, None).ok()?)))
                        .collect()
                })
                .collect(),
        );
        let by_locale = plain
            .iter()
            .enumerate()
            .map(|(l, messages)| {
                let mut tera = new_tera();
                register_functions(&mut tera, Arc::clone(&l10n), Arc::clone(&plain));
                // Arguments that are literals format the same on every page: once, here. A
                // `locale=` argument names another locale, which the page decides.
                let message = |id: &str, args: &[(&str, &str)]| -> Option<String> {
                    if args.is_empty() {
                        return messages.get(id).cloned();
                    }
                    if args
                        .iter()
                        .any(|(name, _)| *name == "locale" || *name == "key")
                    {
                        return None;
                    }
                    let mut fluent = FluentArgs::new();
                    for (name, value) in args {
                        fluent.set(name.to_string(), FluentValue::from(value.to_string()));
                    }
                    l10n.format(l, id, Some(&fluent)).ok()
                };
                let sources: Vec<(&str, String)> = self
                    .sources
                    .iter()
                    .map(|(n, t)| (n.as_str(), with_messages(t, &message)))
                    .collect();
                // The literals are well-formed strings, so this parses as the written ones
                // did.
                tera.add_raw_templates(sources.iter().map(|(n, t)| (*n, t.as_str())))
                    .ok()
                    .map(|()| tera)
            })
            .collect();
        let mut tera = self.tera;
        register_functions(&mut tera, l10n, plain);
        Ok(Templates {
            tera,
            by_locale,
            sources: self.sources,
        })
    }
}

/// A tera with kbgen's settings: HTML and XML escaped, by kbgen's escaper.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.set_escape_fn(crate::html::escape_html);
    // tera checks at parse time that functions exist; `with_locales` and `with_assets`
    // replace these.
    for name in ["t", "asset"] {
        tera.register_function(name, |_: Kwargs, _: &State| -> tera::TeraResult<String> {
            Err(tera::Error::message("called before the site is loaded"))
        });
    }
    tera
}

/// A message's text by its id and literal arguments, where it can be known before any page.
type MessageOf<'a> = dyn Fn(&str, &[(&str, &str)]) -> Option<String> + 'a;

/// A call of `t()` at the start of a text: its length, its opening delimiter, the id, the
/// literal arguments and its closing delimiter.
type LiteralCall<'t> = (usize, &'t str, &'t str, Vec<(&'t str, &'t str)>, &'t str);

/// `text` with every `{{ t(key="id") }}` (and every call whose arguments are all string
/// literals, such as `value="%v%"`) that `message` formats replaced by `{{ "its text" }}`.
fn with_messages(text: &str, message: &MessageOf) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        // What a raw block holds is printed as it is.
        if let Some(raw) = raw_block(rest) {
            out.push_str(&rest[..raw]);
            rest = &rest[raw..];
            continue;
        }
        if !rest.starts_with("{{") {
            out.push('{');
            rest = &rest[1..];
            continue;
        }
        match literal_call(rest)
            .and_then(|(len, open, id, args, close)| Some((len, open, message(id, &args)?, close)))
        {
            Some((len, open, message, close)) => {
                out.push_str(open);
                out.push_str(" \"");
                for c in message.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
                out.push_str("\" ");
                out.push_str(close);
                rest = &rest[len..];
            }
            None => {
                out.push_str("{{");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the `{% raw %}…{% endraw %}` block at the start of `text`, if one is; to
/// the end of `text` if it is not closed (which tera reports).
fn raw_block(text: &str) -> Option<usize> {
    let tag = text.strip_prefix("{%")?;
    let tag = tag.strip_prefix('-').unwrap_or(tag).trim_start();
    let after = tag.strip_prefix("raw")?;
    if !after.starts_with(|c: char| c.is_whitespace() || c == '-' || c == '%') {
        return None;
    }
    Some(match text.find("endraw") {
        Some(i) => text[i..].find("%}").map_or(text.len(), |j| i + j + 2),
        None => text.len(),
    })
}

/// At the start of `text`, `{{ t(key="id") }}` (or with `'`, and with `{{-`, `-}}`), perhaps
/// with arguments that are all string literals (`value="%v%"`): its length, its opening and
/// closing delimiters, the id and the arguments.
fn literal_call(text: &str) -> Option<LiteralCall<'_>> {
    let open = if text.starts_with("{{-") { "{{-" } else { "{{" };
    let rest = text[open.len()..].trim_start();
    let rest = rest.strip_prefix("t(key=")?;
    let (id, mut rest) = string_literal(rest)?;
    let mut args = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(')') {
            rest = after.trim_start();
            break;
        }
        let after = rest.strip_prefix(',')?.trim_start();
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let (name, after) = after.split_at(name_len);
        let after = after.trim_start().strip_prefix('=')?.trim_start();
        let (value, after) = string_literal(after)?;
        if name.is_empty() || value.contains('\\') {
            return None;
        }
        args.push((name, value));
        rest = after;
    }
    let close = if rest.starts_with("-}}") {
        "-}}"
    } else if rest.starts_with("}}") {
        "}}"
    } else {
        return None;
    };
    let len = text.len() - rest.len() + close.len();
    Some((len, open, id, args, close))
}

/// A string literal (`"…"` or `'…'`) at the start of `text`: its content and what follows.
fn string_literal(text: &str) -> Option<(&str, &str)> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &text[1..];
    let end = rest.find(quote)?;
    Some((&rest[..end], &rest[end + 1..]))
}

impl Templates {
    /// Whether every locale renders with its messages in the templates (see `by_locale`).
    #[cfg(test)]
    pub(crate) fn specialised(&self) -> bool {
        self.by_locale.iter().all(Option::is_some)
    }

    /// Every message id the templates name literally, for the obsolete-message check.
    pub(crate) fn message_ids(&self) -> std::collections::BTreeSet<String> {
        self.sources
            .iter()
            .flat_map(|(_, text)| message_ids_used(text))
            .map(|(id, _)| id)
            .collect()
    }

    /// Gives templates `asset(path="style.css")`: the URL of a stylesheet or script under its
    /// content-hashed name, so that pages always load the version they were built with.
    pub(crate) fn with_assets(
        mut self,
        hashed: std::collections::BTreeMap<String, String>,
    ) -> Templates {
        let hashed = Arc::new(hashed);
        for tera in std::iter::once(&mut self.tera).chain(self.by_locale.iter_mut().flatten()) {
            let hashed = Arc::clone(&hashed);
            tera.register_function(
                "asset",
                move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                    let path = kwargs.must_get::<&str>("path")?;
                    hashed.get(path).map(|h| format!("/{h}")).ok_or_else(|| {
                        tera::Error::message(format!(
                            "asset(): static/{path} does not exist or is not a .css or .js file"
                        ))
                    })
                },
            );
        }
        self
    }

    /// Renders a page of locale `l` as bytes, for writing: no UTF-8 check and no copy into a
    /// `String`.
    pub(crate) fn render_bytes(
        &self,
        name: &str,
        l: LocaleId,
        context: &Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        let tera = self.by_locale[l].as_ref().unwrap_or(&self.tera);
        match tera.render_to(name, context, &mut out) {
            Ok(()) => Ok(out),
            Err(_) => {
                // Reported from the templates as written, where the theme's author looks.
                out.clear();
                self.tera
                    .render_to(name, context, &mut out)
                    .map_err(|e| tera_diagnostic(&e, &self.sources))?;
                Ok(out)
            }
        }
    }

    pub fn render(&self, name: &str, l: LocaleId, context: &Context) -> Result<String, Diagnostic> {
        let bytes = self.render_bytes(name, l, context)?;
        Ok(String::from_utf8(bytes).expect("templates render UTF-8"))
    }
}

/// Gives templates `t()`. `plain` holds each locale's messages without arguments, formatted
/// once: calls that name one take it from there.
fn register_functions(
    tera: &mut Tera,
    l10n: Arc<L10n>,
    plain: Arc<Vec<FxHashMap<String, String>>>,
) {
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let key = kwargs.must_get::<&str>("key")?;
            let locale = match kwargs.get::<&str>("locale")? {
                Some(code) => l10n
                    .locales
                    .iter()
                    .position(|l| l.code == code)
                    .ok_or_else(|| {
                        tera::Error::message(format!("t(): `{code}` is not a configured locale"))
                    })?,
                None => state.get::<i64>("locale_index")?.ok_or_else(|| {
                    tera::Error::message("t() needs `locale_index` in the page context")
                })? as usize,
            };
            let mut args = FluentArgs::new();
            for (k, v) in kwargs.iter() {
                let Some(name) = k.as_str() else { continue };
                if name == "key" || name == "locale" {
                    continue;
                }
                args.set(name.to_string(), fluent_value(v));
            }
            if args.iter().next().is_none() {
                if let Some(text) = plain.get(locale).and_then(|p| p.get(key)) {
                    return Ok(text.clone());
                }
            }
            l10n.format(locale, key, Some(&args))
                .map_err(tera::Error::message)
        },
    );
}

fn fluent_value(v: &Value) -> FluentValue<'static> {
    if let Some(n) = v.as_i64() {
        FluentValue::from(n)
    } else if let Some(f) = v.as_f64() {
        FluentValue::from(f)
    } else if let Some(s) = v.as_str() {
        FluentValue::from(s.to_string())
    } else {
        FluentValue::from(v.to_string())
    }
}

/// Every literal `t(key="…")` in a template with its position.
pub(crate) fn message_ids_used(text: &str) -> Vec<(String, Pos)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("t(key=") {
        let start = from + i;
        from = start + 6;
        // `t(` must be the function name, not the end of another word.
        if start > 0 && text.as_bytes()[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rest = &text[from..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            out.push((rest[1..1 + end].to_string(), Pos::of_offset(text, start)));
        }
    }
    out
}

/// The errors of loading the templates. Tera checks every filter, test, function and
/// component a template calls, and gives all the unknown ones as one message of rendered
/// reports (`error: Unknown filter `x`\n --> article.html:3:16\n…`, blank lines between):
/// each becomes a diagnostic at its place, as tera's other errors are.
fn load_diagnostics(e: &tera::Error, sources: &[(String, String)]) -> Vec<Diagnostic> {
    let tera::ErrorKind::Msg(text) = e.kind() else {
        return vec![tera_diagnostic(e, sources)];
    };
    let place = |report: &str| {
        let mut lines = report.trim_start_matches('\n').lines();
        let message = lines.next()?.strip_prefix("error: ")?;
        let at = lines.next()?.trim_start().strip_prefix("--> ")?;
        let mut parts = at.rsplitn(3, ':');
        let column: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let name = parts.next()?;
        let d = Diagnostic::error(
            Code::TemplateInvalid,
            PathBuf::from(TEMPLATES_DIR).join(name),
            Pos::new(line, column),
            message,
        );
        Some(match sources.iter().find(|(n, _)| n == name) {
            Some((_, text)) => d.with_source(text),
            None => d,
        })
    };
    let reports: Option<Vec<Diagnostic>> = text
        .split("\n\n")
        .filter(|r| !r.trim().is_empty())
        .map(place)
        .collect();
    match reports {
        Some(all) if !all.is_empty() => all,
        _ => vec![tera_diagnostic(e, sources)],
    }
}

/// A tera error as a diagnostic at its template position.
fn tera_diagnostic(e: &tera::Error, sources: &[(String, String)]) -> Diagnostic {
    use tera::ErrorKind;
    let report = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let mut message = match report {
        Some(r) => r.message().to_string(),
        None => e.to_string(),
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    match report {
        Some(r) => {
            let span = r.span();
            let file = PathBuf::from(TEMPLATES_DIR).join(r.filename());
            let d = Diagnostic::error(
                Code::TemplateInvalid,
                file,
                Pos::new(span.start_line, span.start_col + 1),
                message,
            );
            match sources.iter().find(|(n, _)| n == r.filename()) {
                Some((_, text)) => d.with_source(text),
                None => d,
            }
        }
        None => Diagnostic::error(Code::TemplateInvalid, TEMPLATES_DIR, Pos::START, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_message_ids_with_positions() {
        let ids = message_ids_used(
            "<p>{{ t(key=\"a-b\") }}</p>\n{{ t(key='c', n=1) }} {{ at(key=\"no\") }}",
        );
        assert_eq!(
            ids,
            vec![
                ("a-b".to_string(), Pos::new(1, 7)),
                ("c".to_string(), Pos::new(2, 4))
            ]
        );
    }
}

#[cfg(test)]
mod messages_in_templates {
    use super::*;

    /// Renders `template` as `page.html`, `t()` giving `message` for every key.
    fn render(template: &str, message: &str) -> String {
        let mut tera = new_tera();
        let message = message.to_string();
        tera.register_function(
            "t",
            move |_: Kwargs, _: &State| -> tera::TeraResult<String> { Ok(message.clone()) },
        );
        tera.add_raw_template("page.html", template).unwrap();
        tera.render("page.html", &Context::new()).unwrap()
    }

    #[test]
    fn a_message_in_the_template_prints_as_the_call_did() {
        let template = "<p title=\"{{ t(key='a') }}\">{{- t(key=\"a\") -}} </p>\n{% raw %}{{ t(key=\"a\") }}{% endraw %}{{ t(key=\"a\", n=1) }}";
        let message = "\"Quotes\" & <tags>, a \\ backslash,\na line, {{ braces }} {% endraw %} 'é'";
        let specialised = with_messages(template, &|id, args| {
            (id == "a" && args.is_empty()).then(|| message.to_string())
        });
        // Only the calls without arguments outside the raw block became text.
        assert_eq!(specialised.matches("t(key=").count(), 2);
        assert_eq!(render(&specialised, message), render(template, message));
    }

    #[test]
    fn calls_with_literal_arguments_are_formatted_once_and_others_left() {
        let template = "{{ t(key='b', value=\"%v%\") }}|{{ t(key=\"b\", value=x) }}|{{ t(key=\"b\", locale=\"en\", value=\"y\") }}";
        let specialised = with_messages(template, &|id, args| match (id, args) {
            ("b", [("value", v)]) => Some(format!("Kopiera {v}")),
            _ => None,
        });
        assert_eq!(
            specialised,
            "{{ \"Kopiera %v%\" }}|{{ t(key=\"b\", value=x) }}|{{ t(key=\"b\", locale=\"en\", value=\"y\") }}"
        );
        assert_eq!(
            literal_call("{{- t(key=\"c\", a = 'x', b=\"y z\") -}} tail")
                .map(|(len, _, id, args, _)| (len, id, args)),
            Some((36, "c", vec![("a", "x"), ("b", "y z")]))
        );
        assert_eq!(literal_call("{{ t(key=\"c\", n=1) }}"), None);
    }

    #[test]
    fn the_shipped_theme_renders_its_messages_from_the_templates() {
        let inputs = crate::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .map_err(|d| d.0)
            .unwrap();
        assert!(inputs.templates.specialised());
    }
}
