//! The disk side of a build: a staging folder beside the output that pages are written into
//! (from many threads), `static/` copied in, and the swap that replaces the published site
//! only once everything succeeded. A failed or interrupted build leaves the previous output
//! exactly as it was.

use crate::diag::{Diagnostic, Pos};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

pub struct Staging {
    dir: tempfile::TempDir,
    output: PathBuf,
}

impl Staging {
    /// A fresh folder next to `output` (same file system, so the final rename is cheap).
    pub fn new(output: &Path) -> Result<Staging, Diagnostic> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "cannot create", e))?;
        let name = output.file_name().unwrap_or_default().to_string_lossy();
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.kbgen-"))
            .tempdir_in(&parent)
            .map_err(|e| io_error(&parent, "cannot create a staging folder in", e))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `bytes` at `rel` (a `/`-separated path under the output), creating folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.dir.path().join(safe_relative(rel)?);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "cannot create", e))?;
        }
        let mut f = std::fs::File::create(&path).map_err(|e| io_error(&path, "cannot write", e))?;
        f.write_all(bytes)
            .map_err(|e| io_error(&path, "cannot write", e))
    }

    /// Copies `static/` into the output root.
    pub fn copy_static(&self, root: &Path, files: &[String]) -> Result<(), Diagnostic> {
        for f in files {
            let to = self.dir.path().join(safe_relative(f)?);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| io_error(parent, "cannot create", e))?;
            }
            let from = root.join(crate::load::STATIC_DIR).join(f);
            std::fs::copy(&from, &to).map_err(|e| io_error(&from, "cannot copy", e))?;
        }
        Ok(())
    }

    /// Replaces the output with the staged site.
    pub fn publish(self) -> Result<(), Diagnostic> {
        let staged = self.dir.keep();
        let output = &self.output;
        if output.exists() {
            let parent = staged.parent().unwrap_or(Path::new("."));
            let name = output.file_name().unwrap_or_default().to_string_lossy();
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.old-"))
                .tempdir_in(parent)
                .map_err(|e| io_error(parent, "cannot create a folder in", e))?
                .keep();
            // `old` exists empty; renaming a folder onto an empty one replaces it.
            std::fs::rename(output, &old).map_err(|e| io_error(output, "cannot move aside", e))?;
            if let Err(e) = std::fs::rename(&staged, output) {
                // Put the previous site back before reporting.
                let _ = std::fs::rename(&old, output);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(io_error(output, "cannot replace", e));
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&staged, output).map_err(|e| io_error(output, "cannot create", e))?;
        }
        Ok(())
    }
}

/// `rel` as a relative path with no `..`, root or prefix: nothing is written outside the output.
fn safe_relative(rel: &str) -> Result<PathBuf, Diagnostic> {
    let p = Path::new(rel.trim_start_matches('/'));
    if p.components().all(|c| matches!(c, Component::Normal(_))) && !rel.contains('\\') {
        Ok(p.to_path_buf())
    } else {
        Err(Diagnostic::error(
            rel,
            Pos::START,
            "refusing to write outside the output folder",
        ))
    }
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(path, Pos::START, format!("{what} {}: {e}", path.display()))
}

/// The file an URL is served from: `/kb/x/` → `kb/x/index.html`.
pub fn url_to_file(url: &str) -> String {
    let rel = url.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}
