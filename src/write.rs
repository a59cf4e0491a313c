//! The disk side of a build: a staging folder beside the output that pages are written into
//! (from many threads), `static/` copied in, and the swap that replaces the published site
//! only once everything succeeded. A failed or interrupted build leaves the previous output
//! exactly as it was. The site before last is kept as the next build's folder, with a
//! manifest, so a rebuild writes only the files whose bytes changed.

use crate::diag::{Diagnostic, Pos};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The output folder, locked for one build: taken before anything is read, so even a
/// build that fails first repairs what an interrupted one left behind.
pub struct Output {
    path: PathBuf,
    parent: PathBuf,
    name: String,
    _lock: std::fs::File,
}

impl Output {
    pub fn lock(output: &Path) -> Result<Output, Diagnostic> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "cannot create", e))?;
        let name = output
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let lock_path = parent.join(format!(".{name}.kbgen-lock"));
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_error(&lock_path, "cannot create the lock", e))?;
        if lock.try_lock().is_err() {
            return Err(Diagnostic::error(
                &lock_path,
                Pos::START,
                format!("another kbgen build is writing to {}", output.display()),
            )
            .hint("wait for it to finish, or build into another --output"));
        }
        recover(&parent, &name, output)?;
        Ok(Output {
            path: output.to_path_buf(),
            parent,
            name,
            _lock: lock,
        })
    }

    /// The folder to build into, next to the output (same file system, so the final rename
    /// is cheap): the site of the build before last when one was kept — then files that did
    /// not change are neither written nor deleted — or else a fresh folder.
    pub fn staging(self) -> Result<Staging, Diagnostic> {
        let spare = self.spare();
        let dir = if spare.is_dir() && self.path.is_dir() {
            Dir::Reused(spare)
        } else {
            let _ = std::fs::remove_dir_all(&spare);
            Dir::Fresh(
                tempfile::Builder::new()
                    .prefix(&format!(".{}.kbgen-", self.name))
                    .tempdir_in(&self.parent)
                    .map_err(|e| io_error(&self.parent, "cannot create a staging folder in", e))?,
            )
        };
        let known = match dir {
            Dir::Reused(_) => Manifest::read(&self.manifest(SPARE)),
            Dir::Fresh(_) => Manifest::default(),
        };
        Ok(Staging {
            dir,
            output: self,
            known,
            written: std::sync::Mutex::new(Manifest::default()),
            folders: std::sync::Mutex::new(rustc_hash::FxHashSet::default()),
        })
    }

    /// The manifest of the output (`which` = `OUTPUT`) or of the spare site (`SPARE`).
    fn manifest(&self, which: &str) -> PathBuf {
        self.parent
            .join(format!(".{}.kbgen-{which}manifest", self.name))
    }

    /// The previous site, kept after a swap as the base of the next build.
    fn spare(&self) -> PathBuf {
        self.parent.join(format!(".{}.kbgen-spare", self.name))
    }
}

/// Where rendered files go: a staging folder for `build`, nowhere for `check`, memory for
/// `serve`. Called from many threads.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Makes the folders `dirs` (`/`-separated, under the output) ahead of the files that
    /// will go in them, where folders exist. Best effort: `write` makes any still missing.
    fn make_folders(&self, _dirs: &[String]) {}
}

/// Renders for its diagnostics only (`kbgen check`).
pub struct Discard;

impl Sink for Discard {
    fn write(&self, _: &str, _: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        Staging::write(self, rel, bytes)
    }

    fn make_folders(&self, dirs: &[String]) {
        // A reused site has its folders already.
        if let Dir::Reused(_) = self.dir {
            return;
        }
        for dir in dirs {
            if let Ok(rel) = safe_relative(dir) {
                let _ = self.folder(&self.path().join(rel));
            }
        }
    }
}

pub struct Staging {
    dir: Dir,
    /// Holds the lock until the staged site is published or dropped.
    output: Output,
    /// In a reused folder: what the build that wrote it recorded of its files.
    known: Manifest,
    /// Every file this build wrote or found unchanged: the sweep of a reused folder keeps
    /// them, and they are the manifest of the published site.
    written: std::sync::Mutex<Manifest>,
    /// Folders this build made or found: each is created once, not once per file in it.
    /// By their bytes: a `Path`'s hash and comparison go component by component.
    folders: std::sync::Mutex<rustc_hash::FxHashSet<Vec<u8>>>,
}

const OUTPUT: &str = "";
const SPARE: &str = "spare-";

/// What a build knows of the files of a site it made: size, modification time and a hash of
/// the bytes, kept beside the output (`.<name>.kbgen-manifest`, not in it). A build that
/// reuses that site can then tell a file unchanged from its metadata, without reading it. A
/// file whose size or time is not what the manifest says (edited by hand, or a manifest left
/// describing the other folder by a crash) is read and compared instead: a stale manifest
/// costs time, never a wrong page.
#[derive(Default)]
struct Manifest(rustc_hash::FxHashMap<PathBuf, Entry>);

#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    len: u64,
    /// Nanoseconds since the epoch.
    mtime: i128,
    hash: u64,
}

impl Entry {
    /// The manifest line of the file at `path`: `hash len mtime path`, the hash in 16 hex
    /// digits. Written without the formatting machinery: a site has tens of thousands.
    fn line(&self, path: &Path) -> String {
        let path = path.to_string_lossy();
        let mut line = String::with_capacity(64 + path.len());
        for shift in (0..16).rev() {
            let digit = (self.hash >> (shift * 4)) & 0xF;
            line.push(char::from_digit(digit as u32, 16).expect("a hex digit"));
        }
        line.push(' ');
        line.push_str(itoa::Buffer::new().format(self.len));
        line.push(' ');
        line.push_str(itoa::Buffer::new().format(self.mtime));
        line.push(' ');
        line.push_str(&path);
        line
    }

    fn of(meta: &std::fs::Metadata, hash: u64) -> Entry {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        Entry {
            len: meta.len(),
            mtime,
            hash,
        }
    }
}

impl Manifest {
    /// A missing or unreadable manifest is an empty one: every file is then compared.
    fn read(path: &Path) -> Manifest {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let entries = text.lines().filter_map(|line| {
            let mut f = line.splitn(4, ' ');
            let hash = u64::from_str_radix(f.next()?, 16).ok()?;
            let len = f.next()?.parse().ok()?;
            let mtime = f.next()?.parse().ok()?;
            Some((PathBuf::from(f.next()?), Entry { len, mtime, hash }))
        });
        Manifest(entries.collect())
    }

    /// Writes the manifest whole or not at all.
    fn write(&self, path: &Path) -> std::io::Result<()> {
        use rayon::prelude::*;
        // Tens of thousands of lines, made and sorted on all threads: this is the last step
        // of a build, which nothing else overlaps.
        let mut lines: Vec<String> = self.0.par_iter().map(|(p, e)| e.line(p)).collect();
        lines.par_sort_unstable();
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        std::fs::write(&tmp, lines.join("\n"))?;
        std::fs::rename(&tmp, path)
    }
}

enum Dir {
    /// Removed when the build fails.
    Fresh(tempfile::TempDir),
    /// The spare site: a failed build leaves it as a base for the next one.
    Reused(PathBuf),
}

impl Staging {
    pub fn path(&self) -> &Path {
        match &self.dir {
            Dir::Fresh(t) => t.path(),
            Dir::Reused(p) => p,
        }
    }

    /// Writes `bytes` at `rel` (a `/`-separated path under the output), creating folders;
    /// in a reused folder, a file that already holds these bytes is left alone.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let rel = safe_relative(rel)?;
        let path = self.path().join(&rel);
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        if let Dir::Reused(_) = self.dir {
            if let Some(old) = self.unchanged(&rel, &path, bytes, hash) {
                self.record(rel, old);
                return Ok(());
            }
        }
        if let Some(parent) = path.parent() {
            self.folder(parent)?;
        }
        let mut f = std::fs::File::create(&path).map_err(|e| io_error(&path, "cannot write", e))?;
        f.write_all(bytes)
            .map_err(|e| io_error(&path, "cannot write", e))?;
        // A failed stat only leaves the entry stale, which the next build notices.
        if let Ok(meta) = f.metadata() {
            self.record(rel, Entry::of(&meta, hash));
        }
        Ok(())
    }

    /// Makes the folder `dir` (and its parents) unless this build already has.
    fn folder(&self, dir: &Path) -> Result<(), Diagnostic> {
        let key = dir.as_os_str().as_encoded_bytes();
        if self
            .folders
            .lock()
            .expect("no panic while held")
            .contains(key)
        {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create", e))?;
        self.folders
            .lock()
            .expect("no panic while held")
            .insert(key.to_vec());
        Ok(())
    }

    /// The entry of the file at `path` if it already holds `bytes`: known from the manifest
    /// when its size and time are as recorded, or else read and compared.
    fn unchanged(&self, rel: &Path, path: &Path, bytes: &[u8], hash: u64) -> Option<Entry> {
        let meta = std::fs::metadata(path).ok()?;
        if meta.len() != bytes.len() as u64 {
            return None;
        }
        let now = Entry::of(&meta, hash);
        let same = match self.known.0.get(rel) {
            Some(known) if known.len == now.len && known.mtime == now.mtime => known.hash == hash,
            _ => std::fs::read(path).is_ok_and(|old| old == bytes),
        };
        same.then_some(now)
    }

    fn record(&self, rel: PathBuf, entry: Entry) {
        self.written
            .lock()
            .expect("no panic while held")
            .0
            .insert(rel, entry);
    }

    /// Copies `static/` into the output root (see `copy_static`).
    pub fn copy_static(
        &self,
        root: &Path,
        files: &[String],
        hashed: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), Diagnostic> {
        copy_static(self, root, files, hashed)
    }

    /// Replaces the output with the staged site in one step: readers and a killed process
    /// see either the old site or the new one, never a mix or nothing.
    ///
    /// The manifests follow their folders: the output's becomes the spare's, and this build's
    /// is written as the output's. A crash between these steps leaves a manifest that does not
    /// match its folder's files, which the next build notices file by file (see `Manifest`).
    pub fn publish(self) -> Result<(), Diagnostic> {
        let written = self.written.into_inner().expect("no panic while held");
        let staged = match self.dir {
            Dir::Fresh(t) => t.keep(),
            Dir::Reused(p) => {
                sweep(&p, &p, &written.0);
                p
            }
        };
        let output = &self.output.path;
        let (ours, spares) = (self.output.manifest(OUTPUT), self.output.manifest(SPARE));
        if !output.exists() {
            std::fs::rename(&staged, output).map_err(|e| io_error(output, "cannot create", e))?;
            let _ = written.write(&ours);
            return Ok(());
        }
        match exchange(&staged, output) {
            // `staged` now holds the previous site: it is kept as the next build's base.
            Ok(()) => {
                let spare = self.output.spare();
                if staged == spare || std::fs::rename(&staged, &spare).is_ok() {
                    let _ = std::fs::rename(&ours, &spares);
                } else {
                    remove_dir_parallel(&staged);
                }
            }
            Err(_) => swap_by_two_renames(&staged, output)?,
        }
        let _ = written.write(&ours);
        Ok(())
    }
}

/// Removes what a reused folder holds that this build did not write: pages of articles that
/// are gone. Folders left empty go too. Folders are swept in parallel (a site's `kb/` holds
/// a folder per article).
fn sweep(root: &Path, dir: &Path, keep: &rustc_hash::FxHashMap<PathBuf, Entry>) -> bool {
    use rayon::prelude::*;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    // Each entry: whether it is gone (or an empty folder that was removed).
    let gone: Vec<bool> = entries
        .par_iter()
        .map(|e| {
            let path = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                sweep(root, &path, keep) && std::fs::remove_dir(&path).is_ok()
            } else if path
                .strip_prefix(root)
                .is_ok_and(|rel| keep.contains_key(rel))
            {
                false
            } else {
                std::fs::remove_file(&path).is_ok()
            }
        })
        .collect();
    gone.iter().all(|g| *g)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Where the file system cannot exchange two folders: move the old site aside under a name
/// `recover` knows, then move the new one in. A build killed between the two renames is
/// repaired by the next one.
fn swap_by_two_renames(staged: &Path, output: &Path) -> Result<(), Diagnostic> {
    let parent = staged.parent().unwrap_or(Path::new("."));
    let name = output.file_name().unwrap_or_default().to_string_lossy();
    let old = parent.join(format!(".{name}.kbgen-old"));
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(output, &old).map_err(|e| io_error(output, "cannot move aside", e))?;
    if let Err(e) = std::fs::rename(staged, output) {
        let _ = std::fs::rename(&old, output);
        let _ = std::fs::remove_dir_all(staged);
        return Err(io_error(output, "cannot replace", e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Cleans up after a build that was killed: staging folders are removed, and a previous site
/// that was moved aside but never replaced is put back. Runs under the output's lock.
fn recover(parent: &Path, name: &str, output: &Path) -> Result<(), Diagnostic> {
    let old = parent.join(format!(".{name}.kbgen-old"));
    if old.is_dir() {
        if output.exists() {
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&old, output).map_err(|e| io_error(&old, "cannot restore", e))?;
        }
    }
    let prefix = format!(".{name}.kbgen-");
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let kept = n == format!("{prefix}lock") || n == format!("{prefix}spare");
            if n.starts_with(&prefix) && !kept && e.path().is_dir() {
                let _ = std::fs::remove_dir_all(e.path());
            } else if n.starts_with(&prefix) && n.ends_with(".tmp") {
                // A manifest whose writing was cut short.
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

/// Removes a folder tree using every core: a site has tens of thousands of files, and
/// unlinking them one by one is most of the time of a rebuild. Best effort.
fn remove_dir_parallel(dir: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<_> = entries.flatten().collect();
    entries.par_iter().for_each(|e| match e.file_type() {
        Ok(t) if t.is_dir() => remove_dir_parallel(&e.path()),
        _ => {
            let _ = std::fs::remove_file(e.path());
        }
    });
    let _ = std::fs::remove_dir(dir);
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

/// Copies the files of `static/` into `sink`: a build's staging folder, or `kbgen serve`'s
/// memory, so that the preview fails on a file that cannot be read as a build does.
/// Stylesheets and scripts are also written under their content-hashed names.
pub fn copy_static(
    sink: &dyn Sink,
    root: &Path,
    files: &[String],
    hashed: &std::collections::BTreeMap<String, String>,
) -> Result<(), Diagnostic> {
    for f in files {
        let from = root.join(crate::load::STATIC_DIR).join(f);
        let bytes = std::fs::read(&from).map_err(|e| io_error(&from, "cannot copy", e))?;
        sink.write(f, &bytes)?;
        if let Some(hashed) = hashed.get(f) {
            sink.write(hashed, &bytes)?;
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines_are_what_formatting_gives() {
        for (hash, len, mtime) in [(0, 0, 0), (0xfe, 12, -3), (u64::MAX, u64::MAX, i128::MAX)] {
            let entry = Entry { len, mtime, hash };
            let path = Path::new("kb/ändra-lösenord/index.html");
            assert_eq!(
                entry.line(path),
                format!("{hash:016x} {len} {mtime} {}", path.display())
            );
        }
    }
}
