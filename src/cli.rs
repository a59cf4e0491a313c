//! The command line: clap's raw arguments (`Cli`) kept apart from the options the library
//! runs with (`BuildOptions`), which are resolved here once: paths made absolute, defaults
//! filled in, the site root checked to be one.

use crate::config::CONFIG_FILE;
use crate::import::{map::DEFAULT_MAP_FILE, ImportOptions, Pairing};
use crate::BuildOptions;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "kbgen",
    version,
    about = "Static site generator for bilingual help centres"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: public/ in the site root)
    Build(BuildArgs),
    /// Check content, translations and templates without building; exit 1 on errors
    Check(CheckArgs),
    /// Start an article: write its file for every locale, front matter filled in
    New(NewArgs),
    /// Record that translations match their source-language files as they are now
    Translated(TranslatedArgs),
    /// Preview: serve the site on 127.0.0.1, rebuild and reload pages when files change
    Serve(ServeArgs),
    /// Convert articles of another system into kbgen article files in content/
    #[command(subcommand)]
    Import(ImportSource),
}

#[derive(Debug, clap::Args, Default)]
pub struct RootArg {
    /// The site root: the folder with kbgen.yaml, content/, locales/, templates/ and static/
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

impl RootArg {
    pub fn resolve(&self, cwd: &Path) -> Result<PathBuf, String> {
        BuildArgs {
            root: self.root.clone(),
            ..BuildArgs::default()
        }
        .resolve(cwd)
        .map(|o| o.root)
    }
}

#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: `file:line:column: error: …` and a status summary
    #[default]
    Text,
    /// For CI and editors: one JSON document on standard output
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The category path and the article's key, e.g. email/webmail/change-password
    #[arg(value_name = "CATEGORY/KEY")]
    pub path: String,
    #[command(flatten)]
    pub root: RootArg,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub root: RootArg,
    /// The port on 127.0.0.1
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
}

#[derive(Debug, clap::Args)]
pub struct TranslatedArgs {
    /// Translation files, e.g. content/email/webmail/change-password.en.md
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub root: RootArg,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Articles from WordPress: its export file (WXR, Tools → Export), or the REST API's JSON
    /// (`/wp-json/wp/v2/ht-kb/<id>`)
    Wordpress(WordpressArgs),
}

#[derive(Debug, clap::Args)]
pub struct WordpressArgs {
    /// Export files (WXR), JSON files holding one article or an array of them, or folders of
    /// JSON files
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub inputs: Vec<PathBuf>,
    /// The post types an export's articles are taken from, comma-separated
    #[arg(
        long,
        value_name = "TYPES",
        value_delimiter = ',',
        default_value = "ht_kb"
    )]
    pub post_type: Vec<String>,
    /// The language of the articles (default: the site's default locale)
    #[arg(long, value_name = "CODE")]
    pub locale: Option<String>,
    /// The site root: the folder with kbgen.yaml and content/
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// WordPress category and tag ids to category folders and tag words
    /// (default: wordpress-map.yaml in the site root)
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// The category folder for articles without a category (an export's pages, say)
    #[arg(long, value_name = "FOLDER")]
    pub uncategorized: Option<String>,
    /// Propose which articles of the default language these translate, in FILE, and write
    /// nothing else
    #[arg(long, value_name = "FILE", conflicts_with = "pairs")]
    pub propose_pairs: Option<PathBuf>,
    /// Write each article FILE pairs under its pair's key, as its translation
    #[arg(long, value_name = "FILE")]
    pub pairs: Option<PathBuf>,
    /// A copy of the old site's wp-content/uploads: its images are copied into static/img/
    #[arg(long, value_name = "DIR")]
    pub uploads: Option<PathBuf>,
    /// Write the migration report, a Markdown table of every article, to FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Replace article files that already exist
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args, Default)]
pub struct BuildArgs {
    /// The site root: the folder with kbgen.yaml, content/, locales/, templates/ and static/
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Where to write the site; replaced only when the build succeeds
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Print how long each step of the build took
    #[arg(long)]
    pub timings: bool,
}

impl BuildArgs {
    pub fn resolve(&self, cwd: &Path) -> Result<BuildOptions, String> {
        let root = cwd.join(self.root.as_deref().unwrap_or(Path::new(".")));
        let root = root
            .canonicalize()
            .map_err(|e| format!("the site root {} cannot be opened: {e}", root.display()))?;
        if !root.join(CONFIG_FILE).is_file() {
            return Err(format!(
                "{} is not a kbgen site: it has no {CONFIG_FILE} (pass --root DIR)",
                root.display()
            ));
        }
        // Resolved as the kernel will follow it, so the checks below and the build see the
        // same folder whatever `..`, `.` or symbolic links the argument holds.
        let output = match &self.output {
            Some(o) => crate::paths::resolve(cwd, o),
            None => crate::paths::resolve(&root, Path::new("public")),
        };
        if let Some(why) = crate::paths::output_conflict(&root, &output) {
            return Err(format!(
                "the output folder {} {why}: a build replaces its output, so it may not be \
                 the site root, a folder above it, or content/, locales/, templates/, static/ \
                 or a folder in them; choose another --output, such as public",
                output.display()
            ));
        }
        Ok(BuildOptions { root, output })
    }
}

impl WordpressArgs {
    pub fn resolve(&self, cwd: &Path) -> Result<ImportOptions, String> {
        // The same site-root checks as a build.
        let root = BuildArgs {
            root: self.root.clone(),
            ..BuildArgs::default()
        }
        .resolve(cwd)?
        .root;
        let map = match &self.map {
            Some(m) => cwd.join(m),
            None => root.join(DEFAULT_MAP_FILE),
        };
        Ok(ImportOptions {
            root,
            inputs: self.inputs.iter().map(|i| cwd.join(i)).collect(),
            locale: self.locale.clone(),
            post_types: self.post_type.clone(),
            map_optional: self.map.is_none(),
            map,
            uncategorized: self.uncategorized.clone(),
            uploads: self.uploads.as_ref().map(|u| cwd.join(u)),
            report: self.report.as_ref().map(|r| cwd.join(r)),
            pairing: match (&self.propose_pairs, &self.pairs) {
                (Some(f), _) => Pairing::Propose(cwd.join(f)),
                (None, Some(f)) => Pairing::Use(cwd.join(f)),
                (None, None) => Pairing::None,
            },
            force: self.force,
            cwd: cwd.to_path_buf(),
        })
    }
}
