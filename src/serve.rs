//! `kbgen serve`: the writer's preview. Builds the site into memory, serves it on 127.0.0.1,
//! watches the site's files, rebuilds on change and reloads open pages.
//!
//! A rebuild reloads the content, reading and parsing again only the files that changed
//! (`load::Cache`), and compares the new model with the previous one:
//! when an edit changed only article bodies, only those articles' pages are rendered again;
//! anything else (titles, slugs, categories, templates, locales, configuration, static files)
//! renders the whole site. A failed rebuild keeps serving the last good pages with an overlay
//! that names each error's file and line, and prints the same errors in the terminal.

use crate::diag::Diagnostics;
use crate::model::{ArticleId, Site};
use crate::render::markdown::Body;
use crate::write::{url_to_file, Sink};
use crate::Inputs;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
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

/// What the HTTP threads read and the rebuild thread writes.
struct Shared {
    files: RwLock<Arc<Memory>>,
    /// The errors of the last rebuild, shown over every page until a rebuild succeeds.
    errors: RwLock<Option<String>>,
    version: Mutex<u64>,
    changed: Condvar,
}

impl Shared {
    fn bump(&self) {
        *self.version.lock().expect("lock") += 1;
        self.changed.notify_all();
    }
}

/// The last good build, kept to rebuild incrementally.
struct Built {
    inputs: Inputs,
    bodies: Vec<Body>,
}

pub fn serve(opts: &ServeOptions) -> Result<(), String> {
    let shared = Arc::new(Shared {
        files: RwLock::new(Arc::new(Memory::default())),
        errors: RwLock::new(None),
        version: Mutex::new(0),
        changed: Condvar::new(),
    });
    let server = tiny_http::Server::http(("127.0.0.1", opts.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", opts.port))?;
    // Watch before the first build, so that no save is missed while it runs.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| format!("cannot watch files: {e}"))?;
    for name in ["content", "locales", "templates", "static"] {
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
    let mut last = None;
    let mut cache = crate::load::Cache::default();
    rebuild(&opts.root, &shared, &mut last, &mut cache);
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

    let relevant = |e: &notify::Event| {
        !matches!(e.kind, notify::EventKind::Access(_))
            && e.paths.iter().any(|p| watched(&opts.root, p))
    };
    let forget = |cache: &mut crate::load::Cache, event: &notify::Result<notify::Event>| {
        for p in event.iter().flat_map(|e| &e.paths) {
            if let Ok(rel) = p.strip_prefix(&opts.root) {
                cache.forget(rel);
            }
        }
    };
    while let Ok(event) = rx.recv() {
        if !event.as_ref().is_ok_and(relevant) {
            continue;
        }
        forget(&mut cache, &event);
        // An editor's save is several events: wait until they stop.
        while let Ok(event) = rx.recv_timeout(Duration::from_millis(30)) {
            forget(&mut cache, &event);
        }
        rebuild(&opts.root, &shared, &mut last, &mut cache);
    }
    Ok(())
}

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
        Some("content" | "locales" | "templates" | "static") => true,
        Some(top) => {
            rel.components().count() == 1
                && (top == crate::config::CONFIG_FILE || top == crate::index::SYNONYMS_FILE)
        }
        None => false,
    }
}

fn rebuild(root: &Path, shared: &Shared, last: &mut Option<Built>, cache: &mut crate::load::Cache) {
    let start = Instant::now();
    let inputs = match crate::load_cached(root, cache) {
        Ok(i) => i,
        Err(d) => return failed(shared, &d),
    };
    for w in &inputs.warnings {
        eprintln!("{w}");
    }
    // Only bodies changed: render those articles into the pages already in memory.
    if let Some(prev) = last.as_mut() {
        if let Some(ids) = body_changes(&prev.inputs.site, &inputs.site) {
            let files = Arc::clone(&shared.files.read().expect("lock"));
            let result = crate::render::articles(
                &inputs.site,
                &inputs.l10n,
                &inputs.templates,
                &*files,
                &ids,
                &mut prev.bodies,
            );
            if let Err(d) = result {
                return failed(shared, &d);
            }
            // The previous model is freed after the pages are served (20 ms at 10,000
            // articles per language).
            let previous = std::mem::replace(&mut prev.inputs, inputs);
            succeeded(
                shared,
                start,
                &format!(
                    "{} article page{}",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" }
                ),
            );
            drop(previous);
            reindex(prev, &files);
            return;
        }
    }
    let files = Arc::new(Memory::default());
    let rendered = match crate::render::site(&inputs.site, &inputs.l10n, &inputs.templates, &*files)
    {
        Ok(r) => r,
        Err(d) => return failed(shared, &d),
    };
    for f in &inputs.site.statics.files {
        if let Ok(bytes) = std::fs::read(root.join(crate::load::STATIC_DIR).join(f)) {
            if let Some(hashed) = inputs.site.statics.hashed.get(f) {
                let _ = files.write(hashed, &bytes);
            }
            let _ = files.write(f, &bytes);
        }
    }
    let built = Built {
        inputs,
        bodies: rendered.bodies,
    };
    *shared.files.write().expect("lock") = Arc::clone(&files);
    succeeded(shared, start, &format!("{} pages", rendered.pages));
    reindex(&built, &files);
    *last = Some(built);
}

/// The search index follows the pages (it needs every body, and no page waits for it).
fn reindex(built: &Built, files: &Memory) {
    let i = &built.inputs;
    let words = i.l10n.table_words();
    if let Err(d) = crate::index::build(&i.site, &built.bodies, &i.synonyms, &words, files) {
        d.0.iter().for_each(|e| eprintln!("{e}"));
    }
}

fn succeeded(shared: &Shared, start: Instant, what: &str) {
    *shared.errors.write().expect("lock") = None;
    shared.bump();
    eprintln!("rebuilt {what} in {:.0?}", start.elapsed());
}

fn failed(shared: &Shared, d: &Diagnostics) {
    let text: Vec<String> = d.0.iter().map(ToString::to_string).collect();
    for t in &text {
        eprintln!("{t}");
    }
    let n = d.errors().count();
    eprintln!(
        "rebuild failed with {n} error{}; still serving the last good pages",
        if n == 1 { "" } else { "s" }
    );
    *shared.errors.write().expect("lock") = Some(text.join("\n\n"));
    shared.bump();
}

/// The articles whose pages must be rendered again when nothing but bodies (and the server
/// tables they show) changed between `old` and `new`; `None` when anything else changed.
fn body_changes(old: &Site, new: &Site) -> Option<Vec<ArticleId>> {
    let same_categories = old.categories.len() == new.categories.len()
        && old.categories.iter().zip(&new.categories).all(|(a, b)| {
            (
                &a.key,
                &a.title,
                &a.url,
                &a.description,
                &a.articles,
                &a.untranslated,
            ) == (
                &b.key,
                &b.title,
                &b.url,
                &b.description,
                &b.articles,
                &b.untranslated,
            )
        });
    if !same_categories
        || old.articles.len() != new.articles.len()
        || old.statics.files != new.statics.files
        || old.statics.hashed != new.statics.hashed
    {
        return None;
    }
    let mut changed = Vec::new();
    for (i, (a, b)) in old.articles.iter().zip(&new.articles).enumerate() {
        fn listing(x: &crate::model::Article) -> impl PartialEq + '_ {
            (
                (
                    &x.key,
                    x.locale,
                    &x.title,
                    &x.url,
                    &x.description,
                    x.updated,
                ),
                (
                    x.level,
                    &x.tags,
                    x.order,
                    &x.aliases,
                    &x.translations,
                    &x.related,
                ),
            )
        }
        if listing(a) != listing(b) {
            return None;
        }
        let rows = |x: &crate::model::Article| {
            x.tables
                .iter()
                .map(|(n, t)| (n.clone(), t.caption.clone(), t.rows.clone()))
                .collect::<Vec<_>>()
        };
        if !a.text.same_body(&b.text) || rows(a) != rows(b) {
            changed.push(i);
        }
    }
    Some(changed)
}

fn respond(shared: &Shared, request: tiny_http::Request) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if path == "/__kbgen/wait" {
        let seen: u64 = query
            .strip_prefix("v=")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let version = shared.version.lock().expect("lock");
        let (version, _) = shared
            .changed
            .wait_timeout_while(version, Duration::from_secs(20), |v| *v == seen)
            .expect("lock");
        let _ = request.respond(tiny_http::Response::from_string(version.to_string()));
        return;
    }
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let files = Arc::clone(&shared.files.read().expect("lock"));
    let map = files.0.read().expect("lock");
    let mut key = url_to_file(&path);
    if !map.contains_key(&key)
        && !path.ends_with('/')
        && map.contains_key(&format!("{key}/index.html"))
    {
        key = format!("{key}/index.html");
    }
    let (status, key) = if map.contains_key(&key) {
        (200, key)
    } else if path.starts_with("/en/") {
        (404, "en/404.html".to_string())
    } else {
        (404, "404.html".to_string())
    };
    let version = *shared.version.lock().expect("lock");
    let errors = shared.errors.read().expect("lock").clone();
    let body = match map.get(&key) {
        Some(bytes) if key.ends_with(".html") => inject(&String::from_utf8_lossy(bytes), version, errors.as_deref()).into_bytes(),
        Some(bytes) => bytes.clone(),
        None => inject("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>kbgen</title></head><body></body></html>", version, errors.as_deref()).into_bytes(),
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

/// Adds the reload script, and the error overlay when the last rebuild failed.
fn inject(html: &str, version: u64, errors: Option<&str>) -> String {
    let overlay = errors.map_or(String::new(), |e| {
        format!(
            "<div id=\"kbgen-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:#2b0b0b;color:#fff;padding:1.5rem;font:14px/1.5 ui-monospace,monospace\"><pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
            crate::render::escape(e)
        )
    });
    let script = format!(
        "<script>(async()=>{{let v={version};for(;;){{try{{const r=await fetch('/__kbgen/wait?v='+v);const n=+(await r.text());if(n!==v){{location.reload();return}}}}catch(e){{await new Promise(r=>setTimeout(r,1000))}}}}}})();</script>"
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
