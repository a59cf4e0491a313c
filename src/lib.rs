//! kbgen: a static site generator for bilingual help centres.
//!
//! The build, as data flows through it:
//!
//! ```text
//! kbgen.yaml ─► config ─┐
//! content/, static/ ────┤
//! synonyms.yaml ────────┤
//! servers.yaml ─────────┤
//! snippets/ ────────────┼─► load::Sources ─┬─► model::Site ───────┐
//! locales/ ─────────────┤   (every file,   ├─► index::Synonyms ───┤
//! templates/ ───────────┘   read once)     ├─► localise::L10n ────┼─► render ─┬─► write::Staging ─► public/
//!                                          └─► render::Templates ─┘           └─► index (search) ─┘
//! ```
//!
//! `load` and `build` below are that diagram. Every step collects all its problems before the
//! pipeline stops, so one run reports every error; the output folder is replaced only by a
//! complete build. `check`, `serve`, `author` and `import` are the other commands, built on
//! the same steps.

pub mod author;
pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
mod html;
pub mod import;
pub mod index;
pub mod load;
pub mod localise;
pub mod model;
pub mod names;
pub mod paths;
pub mod render;
pub mod review;
mod scan;
pub mod serve;
pub mod status;
pub mod write;

use diag::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Resolved options of `kbgen build`, made by `cli::BuildArgs::resolve`, which resolves the
/// output and refuses one that is or holds the site's sources.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
}

/// What a successful build did, for the closing line and the caller's warnings.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub articles: usize,
    pub warnings: Vec<Diagnostic>,
    /// Each step of the build, how long it took and the peak memory so far (where the
    /// system tells).
    pub timings: Vec<Lap>,
}

/// Everything a build reads, loaded and cross-checked: the input of rendering.
pub struct Inputs {
    pub site: model::Site,
    pub l10n: Arc<localise::L10n>,
    pub templates: render::templates::Templates,
    pub synonyms: index::Synonyms,
    pub warnings: Vec<Diagnostic>,
}

/// Loads the site in `root`: the configuration, then every input read (`load::sources`), then
/// each made sense of (synonyms, locales, templates, the model). Independent inputs are all
/// loaded so that every error of the run is reported.
pub fn load(root: &Path) -> Result<Inputs, Diagnostics> {
    load_with(root, None)
}

/// As `load`, for `kbgen serve`'s rebuilds: unchanged articles come from `cache`.
pub(crate) fn load_cached(root: &Path, cache: &mut load::Cache) -> Result<Inputs, Diagnostics> {
    load_with(root, Some(cache))
}

fn load_with(root: &Path, cache: Option<&mut load::Cache>) -> Result<Inputs, Diagnostics> {
    let config = config::load(root)?;
    let load::Sources {
        content,
        synonyms,
        servers,
        snippets,
        locales,
        templates,
        today,
    } = load::sources(root, &config, cache);
    // Tables of servers.yaml with errors are kept, so that the articles are checked too.
    let (servers, servers_diags) = model::servers::SharedTables::parse(servers, &config);
    let synonyms = synonyms
        .map_err(Diagnostics::from)
        .and_then(|file| index::parse_synonyms(file.as_ref(), &config));
    let l10n = localise::L10n::new(&config, &locales);
    // Templates parse without locales, so a broken locale never hides a template error.
    let templates = render::templates::Parsed::new(templates).and_then(|t| match &l10n {
        Ok((l, _)) => t.with_locales(Arc::clone(l)).map(Some),
        Err(_) => Ok(None),
    });
    let (content, (l10n, l10n_warnings), templates, synonyms, today) =
        match (content, l10n, templates, synonyms, today) {
            (Ok(c), Ok(l), Ok(Some(t)), Ok(s), Ok(d)) => (c, l, t, s, d),
            (c, l, t, s, d) => {
                let mut all = servers_diags;
                all.extend(d.err());
                all.extend(s.err().into_iter().flat_map(|d| d.0));
                all.extend(c.err().into_iter().flat_map(|d| d.0));
                all.extend(l.err().into_iter().flat_map(|d| d.0));
                all.extend(t.err().into_iter().flat_map(|d| d.0));
                return Err(all.sorted());
            }
        };
    let mut warnings = content.warnings.clone();
    warnings.extend(l10n_warnings);
    let (site, model_warnings) = match (
        model::Site::new(config, content, servers, snippets, today),
        servers_diags.check(),
    ) {
        (Ok((site, model)), Ok(servers)) => {
            warnings.extend(servers.0);
            (site, model)
        }
        (site, servers) => {
            let mut all = servers.unwrap_or_else(|e| e);
            all.extend(site.err().into_iter().flat_map(|d| d.0));
            return Err(all.sorted());
        }
    };
    warnings.extend(model_warnings);
    let templates = templates.with_assets(site.statics.hashed.clone());
    Ok(Inputs {
        site,
        l10n,
        templates,
        synonyms,
        warnings,
    })
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let mut timings = Timings::default();
    let output = write::Output::lock(&opts.output)?;
    let Inputs {
        mut site,
        l10n,
        templates,
        synonyms,
        mut warnings,
    } = load(&opts.root)?;
    timings.lap("load and model");

    let staging = output.staging()?;
    let rendered = render::site(&site, &l10n, &templates, &staging)?;
    timings.lap("render and write pages");
    // Every body is rendered: the articles' text is freed before the index is built.
    site.drop_sources();
    index::build(
        &site,
        &rendered.bodies,
        &synonyms,
        &render::tables::TableWords::all(&l10n),
        &staging,
    )?;
    timings.lap("build and write search index");
    staging.copy_static(&opts.root, &site.statics.files, &site.statics.hashed)?;
    timings.lap("copy static files");
    warnings.extend(staging.publish()?);
    timings.lap("publish");

    let report = BuildReport {
        pages: rendered.pages,
        articles: site.articles.len(),
        warnings: Diagnostics(warnings).sorted().0,
        timings: timings.laps,
    };
    // Hundreds of megabytes in small pieces: the model and the bodies are freed side by side.
    rayon::join(|| drop(site), || drop(rendered));
    Ok(report)
}

/// One step of a build, for `kbgen build --timings`.
#[derive(Debug)]
pub struct Lap {
    pub step: &'static str,
    pub took: std::time::Duration,
    /// The process's peak resident memory at the end of the step, in bytes (Linux only).
    pub peak_memory: Option<u64>,
    /// CPU time (user and system, all threads) the step took (Linux only): more than `took`
    /// when the step ran in parallel.
    pub cpu: Option<std::time::Duration>,
}

/// How long each step of a build took, for `kbgen build --timings`.
#[derive(Debug)]
struct Timings {
    last: std::time::Instant,
    last_cpu: Option<std::time::Duration>,
    laps: Vec<Lap>,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            last: std::time::Instant::now(),
            last_cpu: cpu_time(),
            laps: Vec::new(),
        }
    }
}

impl Timings {
    fn lap(&mut self, step: &'static str) {
        let now = std::time::Instant::now();
        let cpu = cpu_time();
        self.laps.push(Lap {
            step,
            took: now - self.last,
            peak_memory: peak_memory(),
            cpu: cpu
                .zip(self.last_cpu)
                .map(|(now, last)| now.saturating_sub(last)),
        });
        self.last = now;
        self.last_cpu = cpu;
    }
}

/// The peak resident memory of this process so far: `VmHWM` of /proc/self/status.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    Some(
        kb.trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()?
            * 1024,
    )
}

/// The CPU time of this process so far: `utime` and `stime` of /proc/self/stat.
fn cpu_time() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports these in USER_HZ, which is 100 on every architecture it runs on.
    Some(std::time::Duration::from_millis(ticks * 10))
}

/// `kbgen import wordpress`: WordPress REST API articles written into content/, with a report
/// of what has to be finished by hand. Nothing is written when any article has an error.
pub fn import(opts: &import::ImportOptions) -> Result<import::ImportReport, Diagnostics> {
    import::wordpress(opts)
}
