//! Regression guards for the hot paths, on the shipped site: Markdown with server tables,
//! rendering one article page, and building the search index. `cargo bench`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn hot_paths(c: &mut Criterion) {
    let inputs =
        kbgen::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the shipped site loads");
    let (site, l10n, templates) = (&inputs.site, &inputs.l10n, &inputs.templates);
    let bodies = kbgen::render::bodies(site, l10n, templates).expect("renders");
    let seed = site
        .articles
        .iter()
        .position(|a| a.key == "email/basic-settings/email-protocols" && a.locale == 0)
        .expect("the seed article");

    c.bench_function("markdown and server tables, every article", |b| {
        b.iter(|| kbgen::render::bodies(site, l10n, templates).expect("renders"))
    });
    c.bench_function("one article page (the seed, three server tables)", |b| {
        let mut bodies = bodies.clone();
        b.iter(|| {
            kbgen::render::articles(
                site,
                l10n,
                templates,
                &kbgen::write::Discard,
                &[seed],
                &mut bodies,
            )
            .expect("renders")
        })
    });
    c.bench_function("search index, both locales", |b| {
        let words = kbgen::render::tables::TableWords::all(l10n);
        b.iter(|| {
            kbgen::index::build(
                site,
                &bodies,
                &inputs.synonyms,
                &words,
                &kbgen::write::Discard,
            )
            .expect("builds")
        })
    });
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
