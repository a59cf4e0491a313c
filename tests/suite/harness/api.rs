//! Every call the suite makes into kbgen's library for loading, rendering and indexing, in one
//! place: `src/` is being refactored (how inputs load, what the index takes), and a changed
//! signature is adapted here, not in each test. Tests of other library parts (the Fluent
//! checks) call them directly.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

pub use kbgen::load::{Cache, Content};
pub use kbgen::Inputs;

/// Everything a build reads, as the build loads it.
pub fn load(root: &Path) -> Inputs {
    kbgen::load(root).unwrap_or_else(|e| panic!("the site does not load: {e:?}"))
}

/// The site's content alone, read fresh.
pub fn content(root: &Path) -> Content {
    kbgen::load::content(root, &config(root)).unwrap()
}

/// The site's content as `kbgen serve` reads it, through `cache`.
pub fn content_cached(root: &Path, cache: &mut Cache) -> Content {
    kbgen::load::content_cached(root, &config(root), cache).unwrap()
}

fn config(root: &Path) -> kbgen::config::Config {
    kbgen::config::load(root).unwrap()
}

/// What a render or an index build wrote, by file.
#[derive(Default)]
pub struct Files(Mutex<BTreeMap<String, Vec<u8>>>);

impl Files {
    pub fn into_map(self) -> BTreeMap<String, Vec<u8>> {
        self.0.into_inner().unwrap()
    }
}

impl kbgen::write::Sink for Files {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), kbgen::diag::Diagnostic> {
        self.0
            .lock()
            .unwrap()
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// The whole site rendered into `sink`: its page count.
pub fn render_site(i: &Inputs, sink: &Files) -> usize {
    kbgen::render::site(&i.site, &i.l10n, &i.templates, sink)
        .unwrap()
        .pages
}

/// As [`render_site`], asking `stop` as the render goes: `None` when it stopped, else the
/// page count and the number of article bodies.
pub fn render_site_or_stop(
    i: &Inputs,
    sink: &Files,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<(usize, usize)> {
    kbgen::render::site_or_stop(&i.site, &i.l10n, &i.templates, sink, stop)
        .unwrap()
        .map(|r| (r.pages, r.bodies.len()))
}

/// The search index built into `sink`, asking `stop` as it goes: whether it finished.
pub fn index_or_stop(i: &Inputs, sink: &Files, stop: &(dyn Fn() -> bool + Sync)) -> bool {
    let bodies = kbgen::render::bodies(&i.site, &i.l10n, &i.templates).unwrap();
    let words = kbgen::render::tables::TableWords::all(&i.l10n);
    kbgen::index::build_or_stop(&i.site, &bodies, &i.synonyms, &words, sink, stop).unwrap()
}

/// The search index of every locale, built as a build builds it, by file.
pub fn index(i: &Inputs) -> BTreeMap<String, Vec<u8>> {
    let bodies = kbgen::render::bodies(&i.site, &i.l10n, &i.templates).unwrap();
    let words = kbgen::render::tables::TableWords::all(&i.l10n);
    let files = Files::default();
    kbgen::index::build(&i.site, &bodies, &i.synonyms, &words, &files).unwrap();
    files.into_map()
}
