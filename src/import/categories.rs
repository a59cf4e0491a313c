//! Category folders from an export's own terms, for articles whose category the map does not
//! name: the folder is the terms' slugs from the top of the tree down (`e-post/grundinstallningar`),
//! and its `_category.yaml` is written with the term's name (and description) in the import's
//! language. An export in another language whose terms lead to the same folder adds its titles
//! to the file an earlier import wrote; a `_category.yaml` a person wrote is never changed.

use super::wxr::Term;
use crate::diag::{Code, Diagnostic, Pos};
use crate::load::{CategoryFile, CATEGORY_FILE, CONTENT_DIR};
use crate::names::{is_slug, slugify};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The first line of a `_category.yaml` the importer wrote: the only ones it changes later.
pub(crate) const MARKER: &str =
    "# Written by kbgen import wordpress; an import in another language adds its titles here.";

/// The folder (under `content/`) of a category given as its terms from the top down.
pub(crate) fn folder(path: &[Term]) -> String {
    path.iter().map(segment).collect::<Vec<_>>().join("/")
}

/// A term's slug as a folder name: percent-decoded, and made from the name when it is not
/// a slug kbgen can use.
fn segment(term: &Term) -> String {
    let slug = super::percent_decode(&term.slug);
    if is_slug(&slug) {
        return slug;
    }
    match slugify(if slug.is_empty() { &term.name } else { &slug }) {
        s if s.is_empty() => format!("category-{}", term.id),
        s => s,
    }
}

/// A `_category.yaml` to write.
#[derive(Debug)]
pub(crate) struct Planned {
    /// Relative to the site root.
    pub file: PathBuf,
    pub text: String,
    pub term: Term,
    /// The export it came from, as shown in messages.
    pub source: PathBuf,
    /// Another language's titles were there: this one's were added.
    pub added: bool,
}

/// Where the categories of one export go.
pub(crate) struct Target<'a> {
    pub root: &'a Path,
    /// The import's language, and the site's default one.
    pub locale: &'a str,
    pub default_locale: &'a str,
    /// The export, as shown in messages.
    pub source: &'a Path,
}

/// Plans the `_category.yaml` of every folder on `path` that has none, or has one an earlier
/// import wrote without a title in the import's language. Only an import in the default
/// language makes new categories: a category needs that language's title, so another
/// language's category that matches none is an error. `planned` is keyed by folder.
pub(crate) fn plan(
    to: &Target,
    path: &[Term],
    planned: &mut BTreeMap<String, Planned>,
) -> Result<(), Diagnostic> {
    let (root, locale) = (to.root, to.locale);
    for depth in 1..=path.len() {
        let folder = folder(&path[..depth]);
        if planned.contains_key(&folder) {
            continue;
        }
        let term = &path[depth - 1];
        let file = PathBuf::from(CONTENT_DIR).join(&folder).join(CATEGORY_FILE);
        let (mut data, added) = match std::fs::read_to_string(root.join(&file)) {
            Ok(text) if !text.starts_with(MARKER) => continue,
            Ok(text) => {
                let data: CategoryFile =
                    crate::load::frontmatter::parse_value(&text).map_err(|e| {
                        crate::diag::yaml::yaml_error(
                            &crate::diag::display_path(&file),
                            &text,
                            0,
                            &e,
                        )
                    })?;
                if data.title.contains_key(locale) {
                    continue;
                }
                (data, true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && locale != to.default_locale => {
                return Err(Diagnostic::error(
                    Code::ImportInvalid,
                    to.source,
                    Pos::new(term.line, 1),
                    format!(
                        "the {locale} category {} “{}” matches no category: {} does not exist",
                        term.id,
                        super::html::text(&term.name),
                        crate::diag::display_path(&file)
                    ),
                )
                .hint(format!(
                    "import the {} export first (a category with the same slug path is the same category), or map {} to a category folder in the map file",
                    to.default_locale, term.id
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
                CategoryFile {
                    title: BTreeMap::new(),
                    slug: BTreeMap::new(),
                    description: BTreeMap::new(),
                    order: None,
                },
                false,
            ),
            Err(e) => {
                return Err(Diagnostic::error(
                    Code::ReadFailed,
                    &file,
                    Pos::START,
                    format!("cannot read: {e}"),
                ))
            }
        };
        data.title
            .insert(locale.to_string(), super::html::text(&term.name));
        if let Some(d) = term.description.as_deref().map(super::html::text) {
            if !d.is_empty() {
                data.description.insert(locale.to_string(), d);
            }
        }
        planned.insert(
            folder,
            Planned {
                file,
                text: text(&data),
                term: term.clone(),
                source: to.source.to_path_buf(),
                added,
            },
        );
    }
    Ok(())
}

/// A category file as the importer writes it: one line per field, a language per key.
fn text(data: &CategoryFile) -> String {
    let line = |field: &str, values: &BTreeMap<String, String>| {
        let pairs: Vec<String> = values
            .iter()
            .map(|(locale, v)| format!("{locale}: {}", serde_json::Value::from(v.as_str())))
            .collect();
        format!("{field}: {{ {} }}\n", pairs.join(", "))
    };
    let mut out = format!("{MARKER}\n{}", line("title", &data.title));
    for (field, values) in [("slug", &data.slug), ("description", &data.description)] {
        if !values.is_empty() {
            out.push_str(&line(field, values));
        }
    }
    if let Some(order) = data.order {
        out.push_str(&format!("order: {order}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: u64, slug: &str, name: &str) -> Term {
        Term {
            id,
            taxonomy: "ht_kb_category".into(),
            slug: slug.into(),
            name: name.into(),
            parent: None,
            description: None,
            line: 9,
        }
    }

    #[test]
    fn folders_are_the_slugs_from_the_top() {
        let path = [
            term(1, "e-post", "E-post"),
            term(2, "grund%c3%a4ggande", "Grundläggande"),
            term(3, "", "Övrigt & annat"),
            term(4, "", ""),
        ];
        assert_eq!(folder(&path), "e-post/grundaggande/ovrigt-annat/category-4");
    }

    #[test]
    fn a_second_language_adds_its_title_to_the_importers_file_only() {
        let root = tempfile::tempdir().unwrap();
        let mut sv = term(400, "e-post", "E-post & webbmejl");
        sv.description = Some("Allt om <b>e-post</b>".into());
        let to = |locale| Target {
            root: root.path(),
            locale,
            default_locale: "sv",
            source: Path::new("export.xml"),
        };
        let mut planned = BTreeMap::new();
        plan(&to("sv"), &[sv], &mut planned).unwrap();
        let first = &planned["e-post"];
        assert_eq!(
            first.text,
            format!("{MARKER}\ntitle: {{ sv: \"E-post & webbmejl\" }}\ndescription: {{ sv: \"Allt om e-post\" }}\n")
        );
        std::fs::create_dir_all(root.path().join("content/e-post")).unwrap();
        std::fs::write(root.path().join(&first.file), &first.text).unwrap();

        let mut planned = BTreeMap::new();
        let en = term(7, "e-post", "Email \"quoted\"");
        plan(&to("en"), std::slice::from_ref(&en), &mut planned).unwrap();
        let second = &planned["e-post"];
        assert!(second.added);
        assert_eq!(
            second.text,
            format!("{MARKER}\ntitle: {{ en: \"Email \\\"quoted\\\"\", sv: \"E-post & webbmejl\" }}\ndescription: {{ sv: \"Allt om e-post\" }}\n")
        );
        let read: CategoryFile = crate::load::frontmatter::parse_value(&second.text).unwrap();
        assert_eq!(read.title["en"], "Email \"quoted\"");

        // Nothing is planned for a language the file has, nor for a file a person wrote.
        std::fs::write(root.path().join(&second.file), &second.text).unwrap();
        let mut planned = BTreeMap::new();
        plan(&to("en"), std::slice::from_ref(&en), &mut planned).unwrap();
        assert!(planned.is_empty());
        std::fs::write(root.path().join(&second.file), "title: { sv: Egen }\n").unwrap();
        plan(&to("de"), std::slice::from_ref(&en), &mut planned).unwrap();
        assert!(planned.is_empty());

        // Another language's category that matches none is an error at the term.
        let child = [en, term(8, "losenord", "Passwords")];
        let e = plan(&to("en"), &child, &mut planned).unwrap_err();
        assert_eq!(e.to_string(), "export.xml:9:1: error: the en category 8 “Passwords” matches no category: content/e-post/losenord/_category.yaml does not exist\n  = hint: import the sv export first (a category with the same slug path is the same category), or map 8 to a category folder in the map file");
    }
}
