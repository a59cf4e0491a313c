//! The command line: clap's raw arguments (`Cli`) kept apart from the options the library
//! runs with (`BuildOptions`), which are resolved here once: paths made absolute, defaults
//! filled in, the site root checked to be one.

use crate::config::CONFIG_FILE;
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
}

#[derive(Debug, clap::Args, Default)]
pub struct BuildArgs {
    /// The site root: the folder with kbgen.yaml, content/, locales/, templates/ and static/
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Where to write the site; replaced only when the build succeeds
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
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
        let output = match &self.output {
            Some(o) => cwd.join(o),
            None => root.join("public"),
        };
        if root.starts_with(&output) {
            return Err(format!(
                "the output folder {} would hold the site root; choose another --output",
                output.display()
            ));
        }
        Ok(BuildOptions { root, output })
    }
}
