//! Localisation: the translators' Fluent files and the locale data (CLDR dates) behind every
//! word a reader sees.
//!
//! One concurrent bundle per locale, loaded from `locales/<code>/*.ftl` in file-name order.
//! A message missing in a locale falls back to the default locale with a warning that names
//! where the untranslated message is defined. Bidi isolation marks are off: output is HTML
//! whose `lang` and `dir` attributes do that job.

use crate::config::Config;
use crate::diag::{display_path, Code, Diagnostic, Diagnostics, Pos};
use crate::load::files::{File, Folder, LocaleFiles, LOCALES_DIR};
use crate::load::frontmatter::Date;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use icu_calendar::Gregorian;
use icu_datetime::fieldsets::YMD;
use icu_datetime::FixedCalendarDateTimeFormatter;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Messages the Rust code asks for by id (everything else is named in templates).
pub(crate) const CODE_MESSAGES: &[&str] = &[
    // `{domain}` in server-table hosts becomes this.
    "server-domain-placeholder",
    // JSON-LD names.
    "site-name",
    "breadcrumb-home",
    // Server tables as readers see them, for the search index.
    "server-host",
    "server-port",
    "server-security-header",
    "server-security",
];

pub struct L10n {
    pub locales: Vec<LocaleText>,
}

pub struct LocaleText {
    pub code: String,
    bundle: FluentBundle<FluentResource>,
    /// Every message id with the file and position that defines it.
    pub messages: BTreeMap<String, (PathBuf, Pos)>,
    /// The text of each file, for source lines in diagnostics and `kbgen check`.
    pub sources: BTreeMap<PathBuf, String>,
    dates: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    /// The locale has no folder in `locales/` yet: every message is the default locale's, and
    /// one warning says so rather than one per message.
    no_folder: bool,
}

impl L10n {
    /// Every locale's bundle from its Fluent files as read (in the configuration's order);
    /// returns the warnings of a successful load.
    pub fn new(
        config: &Config,
        files: &[LocaleFiles],
    ) -> Result<(Arc<L10n>, Vec<Diagnostic>), Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut locales = Vec::new();
        for (l, files) in config.locales.iter().zip(files) {
            diags.extend(files.unreadable.iter().cloned());
            if let Some(t) = LocaleText::new(files, l.tag(), &mut diags) {
                locales.push(t);
            }
        }
        let diags = diags.check()?;
        let l10n = L10n { locales };
        let mut warnings = diags.0;
        warnings.extend(l10n.fallback_warnings());
        let mut errs = Diagnostics::default();
        for id in CODE_MESSAGES {
            if !l10n.locales[0].messages.contains_key(*id) {
                errs.push(
                    Diagnostic::error(
                        Code::MessageRequired,
                        format!("{LOCALES_DIR}/{}", l10n.locales[0].code),
                        Pos::START,
                        format!("the message `{id}` is missing; kbgen needs it"),
                    )
                    .hint(format!(
                        "define `{id} = …` in a .ftl file of the default locale"
                    )),
                );
            }
        }
        errs.check()?;
        Ok((Arc::new(l10n), warnings))
    }

    fn fallback_warnings(&self) -> Vec<Diagnostic> {
        let default = &self.locales[0];
        let mut out = Vec::new();
        for other in self.locales[1..].iter().filter(|l| !l.no_folder) {
            for (id, (file, pos)) in &default.messages {
                if !other.messages.contains_key(id) {
                    out.push(
                        Diagnostic::warning(
                            Code::MessageUntranslated,
                            file,
                            *pos,
                            format!(
                                "`{id}` has no `{}` translation; {} pages show this text",
                                other.code, other.code
                            ),
                        )
                        .with_source(default.sources.get(file).map_or("", String::as_str))
                        .hint(format!(
                            "add `{id} = …` to a file in {LOCALES_DIR}/{}/",
                            other.code
                        )),
                    );
                }
            }
        }
        out
    }

    pub fn defines(&self, id: &str) -> bool {
        self.locales.iter().any(|l| l.messages.contains_key(id))
    }

    /// The message `id` in `locale`, or in the default locale when that one lacks it.
    pub fn format(
        &self,
        locale: usize,
        id: &str,
        args: Option<&FluentArgs>,
    ) -> Result<String, String> {
        let text = self
            .locales
            .get(locale)
            .filter(|l| l.messages.contains_key(id))
            .or_else(|| self.locales.first().filter(|l| l.messages.contains_key(id)))
            .ok_or_else(|| format!("no locale defines the message `{id}`"))?;
        text.format(id, args)
    }

    /// A date in the locale's CLDR long form: "20 december 2021", "20 December 2021".
    pub fn date(&self, locale: usize, d: Date) -> String {
        let date = icu_calendar::Date::try_new_gregorian(d.year, d.month, d.day)
            .expect("front-matter dates are validated when loaded");
        self.locales[locale].dates.format(&date).to_string()
    }
}

impl LocaleText {
    fn new(read: &LocaleFiles, tag: &str, diags: &mut Diagnostics) -> Option<LocaleText> {
        let code = read.code.as_str();
        let rel_dir = format!("{LOCALES_DIR}/{code}");
        let langid: unic_langid::LanguageIdentifier = tag.parse().ok()?;
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        bundle.set_use_isolating(false);
        let mut messages: BTreeMap<String, (PathBuf, Pos)> = BTreeMap::new();
        let mut sources = BTreeMap::new();
        let mut no_folder = false;
        let files: &[File] = match &read.folder {
            Folder::Files(files) => files,
            // A language being added: its pages show the default locale's text meanwhile.
            Folder::Missing => {
                diags.push(
                    Diagnostic::warning(
                        Code::LocaleFolderMissing,
                        &rel_dir,
                        Pos::START,
                        format!("there is no {rel_dir}/ folder: {code} pages show the default locale's interface text"),
                    )
                    .hint(format!("copy the default locale's .ftl files into {rel_dir}/ and translate them")),
                );
                no_folder = true;
                &[]
            }
            Folder::Unreadable => return None,
        };
        for File {
            path: rel,
            text: source,
        } in files
        {
            let resource = match parse(rel, source.clone()) {
                Ok(r) => r,
                Err(errors) => {
                    diags.extend(errors);
                    continue;
                }
            };
            let mut twice = std::collections::BTreeSet::new();
            for id in message_ids(&resource) {
                let pos = definition_pos(source, &id);
                if let Some((first, _)) = messages.get(&id) {
                    twice.insert(id.clone());
                    diags.push(
                        Diagnostic::error(
                            Code::MessageDefinedTwice,
                            rel,
                            pos,
                            format!("the message `{id}` is defined twice"),
                        )
                        .with_source(source)
                        .hint(format!("it is also defined in {}", display_path(first))),
                    );
                    continue;
                }
                messages.insert(id, (rel.clone(), pos));
            }
            sources.insert(rel.clone(), source.clone());
            // fluent-rs keeps messages and terms in one namespace: `-x` and `x` collide.
            if let Err(errors) = bundle.add_resource(resource) {
                for e in errors {
                    if let fluent_bundle::FluentError::Overriding { id, .. } = &e {
                        if messages.get(id).is_some_and(|(f, _)| f == rel) && !twice.contains(id) {
                            diags.push(
                                Diagnostic::error(Code::MessageDefinedTwice, rel, definition_pos(source, id), format!("`{id}` is defined twice"))
                                    .with_source(source)
                                    .hint(format!("a term `-{id}` and a message `{id}` cannot share a name; rename one")),
                            );
                        }
                    }
                }
            }
        }
        let locale: icu_locale_core::Locale = tag.parse().ok()?;
        let dates = FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long()).ok()?;
        Some(LocaleText {
            code: code.to_string(),
            bundle,
            messages,
            sources,
            dates,
            no_folder,
        })
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> Result<String, String> {
        let msg = self
            .bundle
            .get_message(id)
            .ok_or_else(|| format!("no message `{id}` in {}", self.code))?;
        let pattern = msg
            .value()
            .ok_or_else(|| format!("the message `{id}` in {} has no value", self.code))?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        match errors.first() {
            None => Ok(text.into_owned()),
            Some(e) => Err(format!("the message `{id}` in {}: {e}", self.code)),
        }
    }
}

/// Parses one Fluent file; every syntax error (each becomes junk in Fluent's terms) is a
/// diagnostic at its line and column.
pub fn parse(rel: &Path, source: String) -> Result<FluentResource, Vec<Diagnostic>> {
    FluentResource::try_new(source).map_err(|(resource, errors)| {
        let source = resource.source();
        errors
            .into_iter()
            .map(|e| {
                // Fluent notices some errors only at the next line; point into the entry.
                let at = match &e.slice {
                    Some(junk) if e.pos.start >= junk.end && junk.end > junk.start => junk.end - 1,
                    _ => e.pos.start,
                };
                Diagnostic::error(
                    Code::FluentSyntax,
                    rel,
                    Pos::of_offset(source, at),
                    e.kind.to_string(),
                )
                .with_source(source)
                .hint("see https://projectfluent.org/fluent/guide/ for the syntax")
            })
            .collect()
    })
}

fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

/// Where `id = …` starts in `source` (Fluent's AST has no positions).
pub(crate) fn definition_pos(source: &str, id: &str) -> Pos {
    source
        .lines()
        .position(|l| {
            l.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(Pos::START, |i| Pos::new(i + 1, 1))
}
