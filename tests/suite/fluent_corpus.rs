//! The Fluent loader and the translators' checks against Fluent that people wrote elsewhere:
//! the fluent-rs parser fixtures (valid and invalid, with the reference parser's result) and
//! Firefox's Swedish translation against its English source (tests/fixtures/ftl-corpus,
//! see its SOURCES.md).

use kbgen::diag::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ftl-corpus");

fn ftl_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = crate::harness::files(dir);
    out.retain(|p| p.extension().is_some_and(|x| x == "ftl"));
    out
}

fn parse(path: &Path) -> Result<(), Vec<Diagnostic>> {
    let source = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
    let rel = path.strip_prefix(CORPUS).unwrap();
    kbgen::localise::parse(rel, source).map(|_| ())
}

#[test]
fn every_junk_entry_of_the_fluent_rs_fixtures_is_an_error_with_its_line() {
    let fixtures = ftl_files(&Path::new(CORPUS).join("fluent-rs-fixtures"));
    assert!(fixtures.len() >= 10);
    let mut total = 0;
    for ftl in fixtures {
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(ftl.with_extension("json")).unwrap())
                .unwrap();
        let junk: Vec<&serde_json::Value> = expected["body"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "Junk")
            .collect();
        let errors = parse(&ftl).err().unwrap_or_default();
        assert_eq!(errors.len(), junk.len(), "{}: {errors:#?}", ftl.display());
        let text = std::fs::read_to_string(&ftl).unwrap().replace("\r\n", "\n");
        let lines = text.lines().count().max(1);
        let mut cursor = 0;
        for (e, j) in errors.iter().zip(&junk) {
            assert!(
                e.is_error() && e.line >= 1 && e.line <= lines,
                "{}: {e}",
                ftl.display()
            );
            // Each error is reported inside the junk the reference parser found.
            let content = j["content"].as_str().unwrap();
            let start = cursor
                + text[cursor..]
                    .find(content.trim_end())
                    .unwrap_or_else(|| panic!("{}: junk not found", ftl.display()));
            cursor = start + content.trim_end().len();
            let junk_first = text[..start].matches('\n').count() + 1;
            let junk_last = junk_first + content.trim_end().matches('\n').count();
            assert!(
                (junk_first..=junk_last).contains(&e.line),
                "{}: error at line {} outside junk lines {junk_first}-{junk_last}: {e}",
                ftl.display(),
                e.line
            );
        }
        total += junk.len();
    }
    assert_eq!(total, 44, "the corpus's SOURCES.md counts 44 junk entries");
}

#[test]
fn mozillas_swedish_and_english_files_parse_cleanly() {
    for f in ftl_files(&Path::new(CORPUS).join("sv-SE"))
        .into_iter()
        .chain(ftl_files(&Path::new(CORPUS).join("en-US")))
    {
        assert!(parse(&f).is_ok(), "{}: {:#?}", f.display(), parse(&f).err());
    }
}

fn sources(dir: &str) -> BTreeMap<PathBuf, String> {
    ftl_files(&Path::new(CORPUS).join(dir))
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(Path::new(CORPUS).join(dir))
                .unwrap()
                .to_path_buf();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn the_swedish_translation_is_compared_with_its_english_source() {
    let (en, sv) = (sources("en-US"), sources("sv-SE"));
    let diags = kbgen::check::fluent::compare(&[("en", &en), ("sv", &sv)], None);
    // Every report points at the line that defines the message, in the Swedish file.
    for d in &diags {
        let text = &sv[&PathBuf::from(kbgen::diag::display_path(&d.file))];
        let line = text.lines().nth(d.line - 1).unwrap();
        let id = d.message.split('`').nth(1).unwrap();
        assert!(line.starts_with(id), "{d}");
    }
    // The oracle: messages whose set of `$variables` differs, counted independently with a
    // plain scan of each message's lines.
    fn variables(text: &str) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut current = None;
        for line in text.lines() {
            if let Some((id, _)) = line
                .split_once(" =")
                .filter(|(id, _)| !id.starts_with([' ', '#', '-']) && !id.is_empty())
            {
                current = Some(id.to_string());
                out.entry(id.to_string()).or_default();
            } else if !line.starts_with(' ') {
                current = None;
            }
            if let Some(id) = &current {
                for part in line.split("{ $").skip(1) {
                    let var: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    let vars = out.get_mut(id).unwrap();
                    if !vars.contains(&var) {
                        vars.push(var);
                    }
                }
            }
        }
        out.values_mut().for_each(|v| v.sort());
        out
    }
    let (en_vars, sv_vars): (BTreeMap<_, _>, BTreeMap<_, _>) = (
        en.values().flat_map(|t| variables(t)).collect(),
        sv.values().flat_map(|t| variables(t)).collect(),
    );
    let differing: Vec<&String> = sv_vars
        .iter()
        .filter(|(id, v)| en_vars.get(*id).is_some_and(|e| e != *v))
        .map(|(id, _)| id)
        .collect();
    let reported: std::collections::BTreeSet<&str> = diags
        .iter()
        .filter(|d| d.message.contains(" uses `$") || d.message.contains(" does not show `$"))
        .map(|d| d.message.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(
        reported.iter().copied().collect::<Vec<_>>(),
        differing.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "{diags:#?}"
    );
}
