//! `kbgen serve`: the writer's preview. Builds the site into memory, serves it on 127.0.0.1,
//! watches the site's files, rebuilds on change and reloads the open pages that changed.
//!
//! A rebuild reloads the content, reading and parsing again only the files that changed
//! (`load::Cache`), and compares the new model with the previous one:
//! when an edit changed only article bodies, only those articles' pages are rendered again;
//! anything else (titles, slugs, categories, templates, locales, configuration, static files)
//! renders the whole site, but first the pages open in a browser and those of the articles
//! that changed, which are served at once over the previous pages while the rest renders.
//! A failed rebuild keeps serving the last good pages with an overlay that names each
//! error's file and line, and prints the same errors in the terminal.
//!
//! Each served page carries a script that opens a WebSocket (`/__kbgen/ws`) with a fingerprint
//! of what it shows; the server sends `reload` once that page's bytes or the error overlay
//! differ, so an edit reloads the pages it changed and leaves the other open pages alone. A
//! page whose address an edit changed (an article's or a category's slug) is sent `move` and
//! its new address, and follows its article there.

use crate::diag::{count, Diagnostics};
use crate::model::{ArticleId, Site};
use crate::render::markdown::Body;
use crate::write::{url_to_file, Sink};
use crate::Inputs;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
}

/// Pages and files in memory, by their path under the site root (`kb/x/index.html`).
#[derive(Default)]
struct Memory(RwLock<HashMap<String, Vec<u8>>>);

impl Sink for Memory {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), crate::diag::Diagnostic> {
        self.0
            .write()
            .expect("no writer panics while holding the lock")
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// The pages being served: a whole-site rebuild first puts the pages it rendered ahead of
/// the others on `top`, over the previous build's pages `under`, until it has them all.
///
/// The addresses that edits moved belong to the same value as the pages, and are swapped in
/// with them: a moved address answers 404 at the same moment as its socket says `move`, and
/// a page at an address that is a page again is never followed elsewhere.
#[derive(Clone, Default)]
struct Layers {
    top: Arc<Memory>,
    under: Option<Arc<Memory>>,
    /// Addresses that edits moved (a slug changed) and where their pages are in the model
    /// that `top` is rendered from.
    moved: Arc<HashMap<String, String>>,
}

impl Layers {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        std::iter::once(&self.top)
            .chain(&self.under)
            .find_map(|m| m.0.read().expect("lock").get(key).cloned())
    }

    fn has(&self, key: &str) -> bool {
        std::iter::once(&self.top)
            .chain(&self.under)
            .any(|m| m.0.read().expect("lock").contains_key(key))
    }

    /// Where the page at `path` went: while its new address is not rendered yet, the
    /// previous page is served there instead, and a page rendered at the old address (an
    /// alias's redirect) is no move.
    fn moved_to(&self, path: &str) -> Option<String> {
        let to = self.moved.get(path)?;
        let here = self
            .top
            .0
            .read()
            .expect("lock")
            .contains_key(&url_to_file(path));
        (!here && self.has(&url_to_file(to))).then(|| to.clone())
    }

    /// What a request for `path` gets: a folder's `index.html` with status 200, or the
    /// locale's 404 page, with the address the page moved to if it did (then always 404:
    /// the previous build's page `under` is not the page there any more).
    fn resolve(&self, path: &str) -> (u16, String, Option<String>) {
        let not_found = || {
            let page = if path.starts_with("/en/") {
                "en/404.html"
            } else {
                "404.html"
            };
            (404, page.to_string())
        };
        if let Some(to) = self.moved_to(path) {
            let (status, key) = not_found();
            return (status, key, Some(to));
        }
        let mut key = url_to_file(path);
        if !self.has(&key) && !path.ends_with('/') && self.has(&format!("{key}/index.html")) {
            key = format!("{key}/index.html");
        }
        let (status, key) = if self.has(&key) {
            (200, key)
        } else {
            not_found()
        };
        (status, key, None)
    }
}

/// What the HTTP threads read and the rebuild thread writes.
struct Shared {
    files: RwLock<Layers>,
    /// The errors of the last rebuild, shown over every page until a rebuild succeeds.
    errors: RwLock<Option<String>>,
    version: Mutex<u64>,
    changed: Condvar,
    /// The paths browsers are showing (watching through `/__kbgen/ws`), with how many of each.
    open: Mutex<HashMap<String, usize>>,
    /// A change came in that the rebuild under way has not seen: the search index being
    /// built for it is already out of date, and gives way to the next rebuild.
    pending: AtomicBool,
}

impl Shared {
    fn bump(&self) {
        *self.version.lock().expect("lock") += 1;
        self.changed.notify_all();
    }

    /// What a request for `path` gets now, and what its socket is told: one reading of the
    /// pages, so that the two agree.
    fn page(&self, path: &str) -> Served {
        let files = self.files.read().expect("lock").clone();
        let (status, key, moved) = files.resolve(path);
        let bytes = files.get(&key);
        let errors = self.errors.read().expect("lock").clone();
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(bytes.as_deref().unwrap_or_default());
        h.update(&[0xff]);
        h.update(errors.as_deref().unwrap_or_default().as_bytes());
        Served {
            status,
            key,
            bytes,
            errors,
            fingerprint: h.digest(),
            moved,
        }
    }
}

/// A page as served: status, file, bytes (before the reload script), the errors shown over
/// it, the fingerprint of both, which its reload socket compares, and where it moved.
struct Served {
    status: u16,
    key: String,
    bytes: Option<Vec<u8>>,
    errors: Option<String>,
    fingerprint: u64,
    moved: Option<String>,
}

/// The last good build, kept to rebuild incrementally.
struct Built {
    inputs: Inputs,
    bodies: Vec<Body>,
}

/// What the rebuild thread keeps from one rebuild to the next.
#[derive(Default)]
struct State {
    /// The last whole build, which the next edit is compared with.
    last: Option<Built>,
    cache: crate::load::Cache,
    /// The model of a whole-site render that a newer save stopped, while its pages are
    /// served over the last whole site's: an address it moved is followed on from there.
    stopped: Option<Site>,
}

pub fn serve(opts: &ServeOptions) -> Result<(), String> {
    let shared = Arc::new(Shared {
        files: RwLock::default(),
        errors: RwLock::new(None),
        version: Mutex::new(0),
        changed: Condvar::new(),
        open: Mutex::default(),
        pending: AtomicBool::new(false),
    });
    let server = tiny_http::Server::http(("127.0.0.1", opts.port)).map_err(|e| {
        format!(
            "cannot listen on 127.0.0.1:{}: {e}\n  = hint: is another `kbgen serve` running? \
                 Stop it, or choose another port with --port",
            opts.port
        )
    })?;
    // Watch before the first build, so that no save is missed while it runs.
    let (tx, rx) = std::sync::mpsc::channel();
    let (root, events) = (opts.root.clone(), Arc::clone(&shared));
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.as_ref().is_ok_and(|e| relevant(&root, e)) {
            events.pending.store(true, Ordering::Relaxed);
        }
        let _ = tx.send(event);
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    for name in WATCHED_DIRS {
        let dir = opts.root.join(name);
        if dir.is_dir() {
            notify::Watcher::watch(&mut watcher, &dir, notify::RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
        }
    }
    notify::Watcher::watch(
        &mut watcher,
        &opts.root,
        notify::RecursiveMode::NonRecursive,
    )
    .map_err(|e| format!("cannot watch {}: {e}", opts.root.display()))?;
    let mut state = State::default();
    rebuild(&opts.root, &shared, &mut state, true);
    eprintln!(
        "serving {} at http://127.0.0.1:{}/ (Ctrl-C stops)",
        opts.root.display(),
        opts.port
    );

    let http_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let shared = Arc::clone(&http_shared);
            std::thread::spawn(move || respond(&shared, request));
        }
    });

    // Articles are compared through the model; a change to any other source (a template, a
    // locale, a category, the configuration, a static file) means the whole site, until a
    // whole-site render succeeds.
    let mut whole = false;
    let note = |cache: &mut crate::load::Cache, event: &notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return true;
        };
        let mut whole = false;
        for p in &event.paths {
            if let Ok(rel) = p.strip_prefix(&opts.root) {
                cache.forget(rel);
                whole |= !matches!(event.kind, notify::EventKind::Access(_))
                    && watched(&opts.root, p)
                    && outside_articles(rel);
            }
        }
        whole
    };
    while let Ok(event) = rx.recv() {
        if !event.as_ref().is_ok_and(|e| relevant(&opts.root, e)) {
            continue;
        }
        whole |= note(&mut state.cache, &event);
        // An editor's save is several events: wait until they stop.
        while let Ok(event) = rx.recv_timeout(Duration::from_millis(30)) {
            whole |= note(&mut state.cache, &event);
        }
        shared.pending.store(false, Ordering::Relaxed);
        match rebuild(&opts.root, &shared, &mut state, whole) {
            Rebuilt::Whole => whole = false,
            // Pages of the stopped render are served over the last whole site: only a whole
            // render replaces them all, whatever the next edit changes.
            Rebuilt::Stopped => whole = true,
            Rebuilt::Part | Rebuilt::Failed => {}
        }
    }
    Ok(())
}

/// Whether a watcher's event is a change to a source of the site.
fn relevant(root: &Path, e: &notify::Event) -> bool {
    !matches!(e.kind, notify::EventKind::Access(_)) && e.paths.iter().any(|p| watched(root, p))
}

/// Whether a change to the watched file `rel` can change pages in ways that comparing the
/// articles in the model does not find: any file outside `content/` but `servers.yaml`
/// (whose rows the model puts in the articles' tables) and the snippets (whose includers the
/// previous bodies name), and a category's file. (Other files
/// in `content/` are articles, or editors' files that kbgen ignores, such as vim's `4913` or
/// JetBrains' `*___jb_tmp___`: they must not make each save render it all.)
fn outside_articles(rel: &Path) -> bool {
    // Their pages are found by the shared tables they show and the snippets they include.
    let servers = rel == Path::new(crate::load::files::SERVERS_FILE);
    let snippets = rel.starts_with(crate::load::files::SNIPPETS_DIR);
    (!rel.starts_with(crate::load::CONTENT_DIR) && !servers && !snippets)
        || rel
            .file_name()
            .is_some_and(|n| n == crate::load::CATEGORY_FILE)
}

/// The folders of the site's sources, watched with all they hold.
const WATCHED_DIRS: [&str; 5] = ["content", "snippets", "locales", "templates", "static"];

/// Files whose change means a rebuild: the site's sources, not its output or editors' files.
fn watched(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
        return false;
    }
    match rel.components().next().and_then(|c| c.as_os_str().to_str()) {
        Some(top) if WATCHED_DIRS.contains(&top) => true,
        Some(top) => {
            rel.components().count() == 1
                && [
                    crate::config::CONFIG_FILE,
                    crate::load::files::SYNONYMS_FILE,
                    crate::load::files::SERVERS_FILE,
                ]
                .contains(&top)
        }
        None => false,
    }
}

/// How a rebuild ended.
enum Rebuilt {
    /// Every page rendered again, and the search index made (unless a newer change stopped it).
    Whole,
    /// Only the pages of articles whose bodies changed.
    Part,
    /// A newer change came in while the whole site rendered: some pages are new, some are not.
    Stopped,
    /// With errors, shown over the last good pages.
    Failed,
}

/// Rebuilds after a change (`whole`: to a source other than the articles).
fn rebuild(root: &Path, shared: &Shared, state: &mut State, whole: bool) -> Rebuilt {
    let start = Instant::now();
    let inputs = match crate::load_cached(root, &mut state.cache) {
        Ok(i) => i,
        Err(d) => {
            return failed(shared, &d);
        }
    };
    for w in &inputs.warnings {
        eprintln!("{w}");
    }
    let changes = state
        .last
        .as_ref()
        .map(|prev| changes(&prev.inputs.site, &prev.bodies, &inputs.site, whole));
    // Only bodies changed: render those articles into the pages already in memory.
    if let (Some(prev), Some(Changes::Bodies(ids))) = (state.last.as_mut(), &changes) {
        let files = Arc::clone(&shared.files.read().expect("lock").top);
        let result = crate::render::articles(
            &inputs.site,
            &inputs.l10n,
            &inputs.templates,
            &*files,
            ids,
            &mut prev.bodies,
        );
        if let Err(d) = result {
            return failed(shared, &d);
        }
        succeeded(shared, start, &count(ids.len(), "article page"));
        // The translation status follows the article pages (working it out hashes every
        // source), and only when a translation's state changed: a source's text, or
        // `kbgen translated`, which changes only a translation's front matter; or when the
        // overdue reviews it lists did (an `owner` or `review_by` edit, or a new day).
        let reviews_changed =
            crate::review::overdue(&prev.inputs.site) != crate::review::overdue(&inputs.site);
        if reviews_changed || status_changed(&prev.inputs.site, &inputs.site) {
            let i = &inputs;
            let pages: Vec<String> = (0..i.site.locales.len())
                .map(|l| url_to_file(&i.site.translations_url(l)))
                .collect();
            match crate::render::only(&i.site, &i.l10n, &i.templates, &*files, &pages) {
                Ok(n) => succeeded(shared, start, &count(n, "translation status page")),
                // The model stays the previous one, so the next rebuild tries them again.
                Err(d) => return failed(shared, &d),
            }
        }
        // The previous model is freed after the pages are served (20 ms at 10,000
        // articles per language).
        let previous = std::mem::replace(&mut prev.inputs, inputs);
        drop(previous);
        reindex(shared, prev, &files);
        return Rebuilt::Part;
    }
    let shown = state
        .stopped
        .as_ref()
        .or(state.last.as_ref().map(|b| &b.inputs.site));
    // What is served now: kept as it is if this rebuild fails.
    let served = shared.files.read().expect("lock").clone();
    let mut moved = (*served.moved).clone();
    if let Some(shown) = shown {
        moves(shown, &inputs.site, &mut moved);
    }
    let moved = Arc::new(moved);
    // The last whole site: under the pages of a render that a newer save stopped, if any.
    let previous = Arc::clone(served.under.as_ref().unwrap_or(&served.top));
    let files = Arc::new(Memory::default());
    // Whether the pages of this render are served yet (with its moves).
    let mut shown_first = false;
    // The pages a writer is looking at, and those of the articles they just edited, first:
    // they are served over the previous pages while the whole site renders (at 10,000
    // articles per language, a title edit's page in 0.2 s rather than 0.8).
    if let Some(Changes::Articles(edited)) = &changes {
        let first = first_pages(shared, &inputs.site, edited, &moved);
        match crate::render::only(
            &inputs.site,
            &inputs.l10n,
            &inputs.templates,
            &*files,
            &first,
        ) {
            Ok(0) => {}
            Ok(n) => {
                *shared.files.write().expect("lock") = Layers {
                    top: Arc::clone(&files),
                    under: Some(Arc::clone(&previous)),
                    moved: Arc::clone(&moved),
                };
                shown_first = true;
                succeeded(shared, start, &format!("{} first", count(n, "page")));
            }
            Err(d) => {
                return failed(shared, &d);
            }
        }
    }
    // A newer save stops the render of the whole site (not the first pages, nor the first
    // build, which has nothing to show meanwhile): its rebuild comes sooner, and renders it all.
    let can_stop = state.last.is_some();
    let stop = || can_stop && shared.pending.load(Ordering::Relaxed);
    let (site, l10n, templates) = (&inputs.site, &inputs.l10n, &inputs.templates);
    let rendered =
        crate::render::site_or_stop(site, l10n, templates, &*files, &stop).and_then(|r| {
            // As in a build: a static file that cannot be read fails the rebuild.
            if r.is_some() {
                let statics = &inputs.site.statics;
                crate::write::copy_static(&*files, root, &statics.files, &statics.hashed)
                    .map_err(Diagnostics::from)?;
            }
            Ok(r)
        });
    let rendered = match rendered {
        Ok(Some(r)) => r,
        Ok(None) => {
            eprintln!(
                "stopped rendering the whole site after {:.0?}: a newer change came in",
                start.elapsed()
            );
            // Unless its first pages are served, the pages shown are still those of the
            // model shown before.
            if shown_first {
                state.stopped = Some(inputs.site);
            }
            return Rebuilt::Stopped;
        }
        Err(d) => {
            *shared.files.write().expect("lock") = served;
            return failed(shared, &d);
        }
    };
    let built = Built {
        inputs,
        bodies: rendered.bodies,
    };
    *shared.files.write().expect("lock") = Layers {
        top: Arc::clone(&files),
        under: None,
        moved,
    };
    succeeded(shared, start, &count(rendered.pages, "page"));
    drop(previous);
    drop(served);
    state.stopped = None;
    reindex(shared, &built, &files);
    state.last = Some(built);
    Rebuilt::Whole
}

/// The files to render before the rest of the site: the pages open in a browser (at their
/// new address if an edit moved them), and those of the articles that changed (when only a
/// few did: a checkout of another branch changes many, and then every page is as likely to
/// be looked at next).
fn first_pages(
    shared: &Shared,
    site: &Site,
    edited: &[ArticleId],
    moved: &HashMap<String, String>,
) -> Vec<String> {
    // Resolved as in the new model: an address it moved back is a page again.
    let files = Layers {
        moved: Arc::default(),
        ..shared.files.read().expect("lock").clone()
    };
    let mut first: Vec<String> = shared
        .open
        .lock()
        .expect("lock")
        .keys()
        .map(|path| match moved.get(path) {
            Some(to) => url_to_file(to),
            None => files.resolve(path).1,
        })
        .collect();
    if edited.len() <= 8 {
        first.extend(edited.iter().map(|&a| url_to_file(&site.articles[a].url)));
    }
    first.sort();
    first.dedup();
    first
}

/// The search index follows the pages (it needs every body, and no page waits for it). A
/// save that comes in meanwhile stops it: the next rebuild makes it again, from newer bodies,
/// and that save's page is not kept waiting (at 10,000 articles per language the index takes
/// about 0.3 s).
fn reindex(shared: &Shared, built: &Built, files: &Memory) {
    let i = &built.inputs;
    let words = crate::render::tables::TableWords::all(&i.l10n);
    let stop = || shared.pending.load(Ordering::Relaxed);
    let built =
        crate::index::build_or_stop(&i.site, &built.bodies, &i.synonyms, &words, files, &stop);
    if let Err(d) = built {
        d.0.iter().for_each(|e| eprintln!("{e}"));
    }
}

fn succeeded(shared: &Shared, start: Instant, what: &str) {
    *shared.errors.write().expect("lock") = None;
    shared.bump();
    eprintln!("rebuilt {what} in {:.0?}", start.elapsed());
}

/// Shows and prints the errors of a rebuild that failed.
fn failed(shared: &Shared, d: &Diagnostics) -> Rebuilt {
    let text: Vec<String> = d.0.iter().map(ToString::to_string).collect();
    for t in &text {
        eprintln!("{t}");
    }
    eprintln!(
        "rebuild failed with {}; still serving the last good pages",
        count(d.errors().count(), "error")
    );
    *shared.errors.write().expect("lock") = Some(text.join("\n\n"));
    shared.bump();
    Rebuilt::Failed
}

/// Notes in `moved` the addresses of the article and category pages whose slug changed from
/// `old` to `new`, by article (file and locale) and category, so that a browser showing one
/// follows it: a writer who edits a slug keeps the page in view.
fn moves(old: &Site, new: &Site, moved: &mut HashMap<String, String>) {
    let mut now: HashMap<String, String> = HashMap::new();
    let articles: HashMap<(&str, usize), &str> = old
        .articles
        .iter()
        .map(|a| ((a.key.as_str(), a.locale), a.url.as_str()))
        .collect();
    for a in &new.articles {
        match articles.get(&(a.key.as_str(), a.locale)) {
            Some(&url) if url != a.url => {
                now.insert(url.to_string(), a.url.clone());
            }
            _ => {}
        }
    }
    let categories: HashMap<&str, &Vec<String>> = old
        .categories
        .iter()
        .map(|c| (c.key.as_str(), &c.url))
        .collect();
    for c in &new.categories {
        if let Some(urls) = categories.get(c.key.as_str()) {
            let changed = urls.iter().zip(&c.url).filter(|(a, b)| a != b);
            now.extend(changed.map(|(a, b)| (a.clone(), b.clone())));
        }
    }
    // A page moved before and again now: its first address leads to the latest.
    for to in moved.values_mut() {
        if let Some(next) = now.get(to.as_str()) {
            to.clone_from(next);
        }
    }
    moved.extend(now);
    // An address that is a page again (a slug changed back) is no move any more.
    let live: std::collections::HashSet<&str> = new
        .articles
        .iter()
        .map(|a| a.url.as_str())
        .chain(
            new.categories
                .iter()
                .flat_map(|c| c.url.iter().map(String::as_str)),
        )
        .collect();
    moved.retain(|from, to| from != to && !live.contains(from.as_str()));
}

/// Whether a translation's state (`status::mark`) differs between `old` and `new`, models
/// with the same articles in the same order (an edit of bodies only). Only the articles whose
/// text changed are compared.
fn status_changed(old: &Site, new: &Site) -> bool {
    let pair = |site: &Site, source: ArticleId, translation: ArticleId| {
        crate::status::mark(&site.articles[source], &site.articles[translation])
    };
    let changed = |i: ArticleId| {
        let source = new.articles[i].translations[0]?;
        let translations = new.articles[source].translations.iter().skip(1).flatten();
        translations
            .filter(|&&t| source == i || t == i)
            .any(|&t| pair(old, source, t) != pair(new, source, t))
            .then_some(())
    };
    (0..new.articles.len())
        .filter(|&i| !old.articles[i].text.same(&new.articles[i].text))
        .any(|i| changed(i).is_some())
}

/// What an edit changed, between the previous model and the new one.
enum Changes {
    /// Only the bodies (and the server tables they show) of these articles, by id.
    Bodies(Vec<ArticleId>),
    /// More than bodies; these articles (ids in the new model) are new or differ.
    Articles(Vec<ArticleId>),
}

/// `whole`: a source other than the articles changed, so bodies alone never suffice.
/// `bodies` are the old model's: the snippets each article included.
fn changes(
    old: &Site,
    bodies: &[crate::render::markdown::Body],
    new: &Site,
    whole: bool,
) -> Changes {
    // An article whose body includes a snippet whose text in its language was edited (by
    // id in the old model).
    let any_snippet = old.snippets != new.snippets;
    let edited = |name: &str, l: usize| {
        let text = |site: &Site| {
            site.snippets
                .get(name)
                .and_then(|s| s.texts.get(l).cloned())
        };
        text(old) != text(new)
    };
    let includes = |old_id: ArticleId| {
        let locale = old.articles[old_id].locale;
        any_snippet
            && bodies
                .get(old_id)
                .is_some_and(|b| b.snippets.iter().any(|n| edited(n, locale)))
    };
    let same_categories = old.categories.len() == new.categories.len()
        && old
            .categories
            .iter()
            .zip(&new.categories)
            .all(|(a, b)| a.shown() == b.shown());
    let same_site = same_categories
        && old.statics.files == new.statics.files
        && old.statics.hashed == new.statics.hashed;
    // What other pages show of an article, and what only its own page shows.
    let listing = |a: &crate::model::Article, b: &crate::model::Article| a.shown().0 != b.shown().0;
    let body = |a: &crate::model::Article, b: &crate::model::Article| a.shown().1 != b.shown().1;
    if !whole && same_site && old.articles.len() == new.articles.len() {
        let mut changed = Vec::new();
        let mut listings = false;
        for (i, (a, b)) in old.articles.iter().zip(&new.articles).enumerate() {
            if listing(a, b) {
                listings = true;
                break;
            }
            if body(a, b) || includes(i) {
                changed.push(i);
            }
        }
        if !listings {
            return Changes::Bodies(changed);
        }
    }
    let before: HashMap<(&str, usize), (ArticleId, &crate::model::Article)> = old
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| ((a.key.as_str(), a.locale), (i, a)))
        .collect();
    Changes::Articles(
        new.articles
            .iter()
            .enumerate()
            .filter(|(_, b)| {
                before
                    .get(&(b.key.as_str(), b.locale))
                    .is_none_or(|&(i, a)| listing(a, b) || body(a, b) || includes(i))
            })
            .map(|(i, _)| i)
            .collect(),
    )
}

fn respond(shared: &Shared, request: tiny_http::Request) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if path == "/__kbgen/ws" {
        return watch(shared, request, query);
    }
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let Served {
        status,
        key,
        bytes,
        errors,
        fingerprint,
        moved: _,
    } = shared.page(&path);
    let body = match bytes {
        Some(bytes) if key.ends_with(".html") => inject(&String::from_utf8_lossy(&bytes), fingerprint, errors.as_deref()).into_bytes(),
        Some(bytes) => bytes,
        None => inject("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>kbgen</title></head><body></body></html>", fingerprint, errors.as_deref()).into_bytes(),
    };
    let content_type = content_type(&key);
    let header =
        tiny_http::Header::from_bytes("Content-Type", content_type).expect("static header");
    let no_cache =
        tiny_http::Header::from_bytes("Cache-Control", "no-store").expect("static header");
    let _ = request.respond(
        tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(header)
            .with_header(no_cache),
    );
}

/// `/__kbgen/ws?h=FINGERPRINT&p=PATH`: a WebSocket that says `watching` while the page at PATH
/// still matches FINGERPRINT, `reload` as soon as a rebuild changes what it shows, and
/// `move /NEW/PATH/` once an edit has moved its page there. A
/// WebSocket rather than a long poll: browsers open at most six HTTP connections to a host,
/// and six open tabs each holding a poll stalled every other request to the preview.
fn watch(shared: &Shared, request: tiny_http::Request, query: &str) {
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .map(|v| percent_encoding::percent_decode_str(v).decode_utf8_lossy())
    };
    let fingerprint: u64 = param("h").and_then(|v| v.parse().ok()).unwrap_or(0);
    let path = param("p").map_or_else(|| "/".to_string(), |p| p.into_owned());
    let key = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Sec-WebSocket-Key"))
        .map(|h| tungstenite::handshake::derive_accept_key(h.value.as_bytes()));
    let Some(accept) = key else {
        let _ = request.respond(tiny_http::Response::empty(400));
        return;
    };
    let response = tiny_http::Response::empty(101).with_header(
        tiny_http::Header::from_bytes("Sec-WebSocket-Accept", accept).expect("base64 is a header"),
    );
    let stream = request.upgrade("websocket", response);
    let mut socket =
        tungstenite::WebSocket::from_raw_socket(stream, tungstenite::protocol::Role::Server, None);
    *shared
        .open
        .lock()
        .expect("lock")
        .entry(path.clone())
        .or_default() += 1;
    let mut seen = *shared.version.lock().expect("lock");
    let mut changed = true;
    loop {
        let message = if !changed {
            // Also finds out when the tab has gone: writing to its closed socket fails.
            tungstenite::Message::Ping(Default::default())
        } else {
            let served = shared.page(&path);
            let last = match served.moved {
                Some(to) => format!("move {to}"),
                None if served.fingerprint != fingerprint => "reload".to_string(),
                None => String::new(),
            };
            if !last.is_empty() {
                let _ = socket.send(tungstenite::Message::text(last));
                let _ = socket.close(None);
                let _ = socket.flush();
                break;
            }
            tungstenite::Message::text("watching")
        };
        if socket.send(message).is_err() {
            break;
        }
        let version = shared.version.lock().expect("lock");
        let (version, _) = shared
            .changed
            .wait_timeout_while(version, Duration::from_secs(20), |v| *v == seen)
            .expect("lock");
        changed = *version != seen;
        seen = *version;
    }
    let mut open = shared.open.lock().expect("lock");
    if let Some(n) = open.get_mut(&path) {
        *n -= 1;
        if *n == 0 {
            open.remove(&path);
        }
    }
}

/// Adds the reload script, and the error overlay when the last rebuild failed.
fn inject(html: &str, fingerprint: u64, errors: Option<&str>) -> String {
    let overlay = errors.map_or(String::new(), |e| {
        format!(
            "<div id=\"kbgen-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:#2b0b0b;color:#fff;padding:1.5rem;font:14px/1.5 ui-monospace,monospace\"><pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
            crate::render::escape(e)
        )
    });
    // Reconnects when the server restarts, and reloads only if the page changed meanwhile.
    let script = format!(
        "<script>(()=>{{const c=()=>{{const w=new WebSocket('ws://'+location.host+'/__kbgen/ws?h={fingerprint}&p='+encodeURIComponent(location.pathname));w.onmessage=e=>{{if(e.data==='reload')location.reload();else if(e.data.startsWith('move /'))location.replace(e.data.slice(5)+location.hash)}};w.onclose=()=>setTimeout(c,1000)}};c()}})();</script>"
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{overlay}{script}{}", &html[..i], &html[i..]),
        None => format!("{html}{overlay}{script}"),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}
