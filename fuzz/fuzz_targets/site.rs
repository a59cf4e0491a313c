// Shared by the fuzz targets: a small site (the shipped configuration, locales and templates,
// one category) in a temporary folder, and the whole pipeline run on it into nowhere.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        for item in ["kbgen.yaml", "synonyms.yaml", "locales", "templates", "static"] {
            copy(&Path::new(REPO).join(item), &dir.join(item));
        }
        std::fs::create_dir_all(dir.join("content/email")).unwrap();
        std::fs::write(dir.join("content/email/_category.yaml"), "title: { sv: E-post, en: Email }\n").unwrap();
        std::fs::write(
            dir.join("content/email/base.sv.md"),
            "---\ntitle: Bas\nupdated: 2024-01-01\nserver_tables:\n  imap:\n    rows:\n      - { host: imap.websupport.se, port: 993, security: ssl }\n---\n\n```servers imap\n```\n",
        )
        .unwrap();
        dir
    })
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Load, model, render every page and build the index, writing nothing. Errors are fine;
/// panics, hangs and crashes are what the fuzzer looks for.
pub fn run(root: &Path) {
    if let Ok(inputs) = kbgen::load(root) {
        if let Ok(rendered) = kbgen::render::site(&inputs.site, &inputs.l10n, &inputs.templates, &kbgen::write::Discard) {
            let _ = kbgen::index::build(&inputs.site, &rendered.bodies, &inputs.synonyms, &inputs.l10n.table_words(), &kbgen::write::Discard);
        }
    }
    let _ = kbgen::check::check(root);
}
