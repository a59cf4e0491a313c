//! The disk side of a build: a staging folder beside the output that pages are written into
//! (from many threads), `static/` copied in, and the swap that replaces the published site
//! only once everything succeeded. A failed or interrupted build leaves the previous output
//! exactly as it was. The site before last is kept as the next build's folder, with a
//! manifest, so a rebuild writes only the files whose bytes changed.
//!
//! Nothing kbgen did not write is moved or deleted. A folder is kbgen's when a manifest beside
//! it names it by its identity on disk (device and inode, which follow a folder through
//! renames and differ for a folder made anew under the same name); only such a folder, or an
//! empty one, is replaced, kept as the spare or swept, and a sweep deletes only files that a
//! manifest says kbgen wrote. Any other existing output stops the build before it writes.

use crate::diag::{Code, Diagnostic, Pos};
use rustc_hash::FxHashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The output folder, locked for one build: taken before anything is read, so even a
/// build that fails first repairs what an interrupted one left behind.
pub struct Output {
    path: PathBuf,
    parent: PathBuf,
    name: String,
    _lock: Option<std::fs::File>,
    /// What the build should tell: folders and files left alone because kbgen did not write
    /// them.
    warnings: Vec<Diagnostic>,
}

/// What is at an output's path.
enum Found {
    Missing,
    Empty,
    /// A folder that a manifest beside it names.
    Ours,
    /// Anything else, and why it is not to be replaced.
    Foreign(&'static str),
}

/// A folder's identity on disk: its device and inode.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Identity {
    dev: u64,
    ino: u64,
}

impl Identity {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Option<Identity> {
        use std::os::unix::fs::MetadataExt;
        Some(Identity {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }

    /// Where the platform gives no inode, no folder can be shown to be kbgen's: only new
    /// and empty outputs are built into.
    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<Identity> {
        None
    }

    fn of_path(path: &Path) -> Option<Identity> {
        std::fs::symlink_metadata(path)
            .ok()
            .filter(|m| m.is_dir())
            .and_then(|m| Identity::of(&m))
    }
}

impl Output {
    pub fn lock(output: &Path) -> Result<Output, Diagnostic> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = output
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut out = Output {
            path: output.to_path_buf(),
            parent,
            name,
            _lock: None,
            warnings: Vec::new(),
        };
        // Before anything is written, not even the lock file.
        out.refuse_foreign()?;
        std::fs::create_dir_all(&out.parent)
            .map_err(|e| io_error(&out.parent, "cannot create", e))?;
        let lock_path = out.beside("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_error(&lock_path, "cannot create the lock", e))?;
        if lock.try_lock().is_err() {
            return Err(Diagnostic::error(
                Code::OutputLocked,
                &lock_path,
                Pos::START,
                format!("another kbgen build is writing to {}", output.display()),
            )
            .hint("wait for it to finish, or build into another --output"));
        }
        out._lock = Some(lock);
        out.recover()?;
        // A site that a killed build had moved aside is back: check again what is there now.
        out.refuse_foreign()?;
        Ok(out)
    }

    /// What is at the output's path, as far as replacing it goes.
    fn found(&self, path: &Path) -> Found {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return Found::Missing;
        };
        if meta.file_type().is_symlink() {
            return Found::Foreign("is a symbolic link that leads nowhere");
        }
        if !meta.is_dir() {
            return Found::Foreign("is a file, not a folder");
        }
        let id = Identity::of(&meta);
        if id.is_some() && self.manifests().iter().any(|m| Manifest::identity(m) == id) {
            return Found::Ours;
        }
        match std::fs::read_dir(path).map(|mut entries| entries.next().is_none()) {
            Ok(true) => Found::Empty,
            _ => Found::Foreign("holds files that kbgen did not write"),
        }
    }

    /// Stops the build when the output exists and is neither kbgen's nor empty.
    fn refuse_foreign(&self) -> Result<(), Diagnostic> {
        match self.found(&self.path) {
            Found::Foreign(why) => Err(Diagnostic::error(
                Code::OutputInvalid,
                &self.path,
                Pos::START,
                format!(
                    "the output folder {} {why}: kbgen replaces its output whole, so it builds \
                     only into a new or empty folder, or one that it made",
                    self.path.display()
                ),
            )
            .hint(format!(
                "choose a new or empty folder with --output DIR, or move or remove {} yourself",
                self.path.display()
            ))),
            _ => Ok(()),
        }
    }

    /// `.<name>.kbgen-<what>` beside the output: every name kbgen uses there.
    fn beside(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.kbgen-{what}", self.name))
    }

    /// The manifest beside the output that names the folder `id`.
    fn manifest_of(&self, id: Identity) -> Option<Manifest> {
        let path = self
            .manifests()
            .into_iter()
            .find(|m| Manifest::identity(m) == Some(id))?;
        Some(Manifest::read(&path))
    }

    /// Every manifest that may name a folder of this output: the output's, the spare's, and
    /// the one a build writes for its new site before swapping it in.
    fn manifests(&self) -> [PathBuf; 3] {
        [
            self.manifest(OUTPUT),
            self.manifest(SPARE),
            self.manifest(NEXT),
        ]
    }

    /// The folder to build into, next to the output (same file system, so the final rename
    /// is cheap): the site of the build before last when one was kept — then files that did
    /// not change are neither written nor deleted — or else a fresh folder.
    pub fn staging(mut self) -> Result<Staging, Diagnostic> {
        let spare = self.spare();
        let spare_id = Identity::of_path(&spare);
        // The spare's manifest is whichever names it: after a crash in `publish` it may
        // still be the output's.
        let known = spare_id.and_then(|id| self.manifest_of(id));
        let output_is_ours = matches!(self.found(&self.path), Found::Ours);
        let dir = match known {
            Some(_) if output_is_ours => Dir::Reused(spare),
            _ => {
                match &known {
                    // The output is gone (or new): a build from nothing, as before one.
                    Some(old) => self.warnings.extend(remove_known(&spare, &old.files)),
                    None if spare_id.is_some() => self.warnings.push(foreign_spare(&spare)),
                    None => {}
                }
                let dir = tempfile::Builder::new()
                    .prefix(&format!(".{}.kbgen-", self.name))
                    .tempdir_in(&self.parent)
                    .map_err(|e| io_error(&self.parent, "cannot create a staging folder in", e))?;
                let mark = dir.path().join(STAGING_MARK);
                std::fs::write(&mark, "").map_err(|e| io_error(&mark, "cannot write", e))?;
                Dir::Fresh(dir)
            }
        };
        Ok(Staging {
            known: known
                .filter(|_| matches!(dir, Dir::Reused(_)))
                .unwrap_or_default(),
            dir,
            output: self,
            written: std::sync::Mutex::new(Manifest::default()),
            folders: std::sync::Mutex::new(rustc_hash::FxHashSet::default()),
        })
    }

    /// The manifest of the output (`which` = `OUTPUT`) or of the spare site (`SPARE`).
    fn manifest(&self, which: &str) -> PathBuf {
        self.beside(&format!("{which}manifest"))
    }

    /// The previous site, kept after a swap as the base of the next build.
    fn spare(&self) -> PathBuf {
        self.beside("spare")
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
/// The manifest of a staged site, written before it is swapped in, so that a crash during the
/// swap leaves both folders named by a manifest.
const NEXT: &str = "next-";

/// The warning for a spare folder that no manifest names (an older kbgen could move a
/// foreign output there): it is never reused or removed.
fn foreign_spare(spare: &Path) -> Diagnostic {
    Diagnostic::warning(
        Code::OutputForeign,
        spare,
        Pos::START,
        format!(
            "{} was not made by this kbgen (no manifest beside it names it), so it is left as it is",
            spare.display()
        ),
    )
    .hint("look inside: move out anything of yours, then remove the folder; builds meanwhile start from nothing")
}

/// What a build knows of the files of a site it made: size, modification time and a hash of
/// the bytes, kept beside the output (`.<name>.kbgen-manifest`, not in it). A build that
/// reuses that site can then tell a file unchanged from its metadata, without reading it. A
/// file whose size or time is not what the manifest says (edited by hand, or a manifest left
/// describing the other folder by a crash) is read and compared instead: a stale manifest
/// costs time, never a wrong page.
#[derive(Default)]
struct Manifest {
    files: rustc_hash::FxHashMap<PathBuf, Entry>,
}

/// The first line of a manifest: `kbgen-manifest <device> <inode>`.
const MANIFEST_HEADER: &str = "kbgen-manifest";

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
    /// A missing or unreadable manifest is an empty one that names no folder: every file is
    /// then compared, and no folder is taken for kbgen's.
    fn read(path: &Path) -> Manifest {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        // The first line names the folder (see `identity`); an older kbgen wrote none.
        let body = match text.split_once('\n') {
            Some((first, rest)) if first.starts_with(MANIFEST_HEADER) => rest,
            _ => text.as_str(),
        };
        let files = body.lines().filter_map(|line| {
            let mut f = line.splitn(4, ' ');
            let hash = u64::from_str_radix(f.next()?, 16).ok()?;
            let len = f.next()?.parse().ok()?;
            let mtime = f.next()?.parse().ok()?;
            Some((PathBuf::from(f.next()?), Entry { len, mtime, hash }))
        });
        Manifest {
            files: files.collect(),
        }
    }

    /// The folder the manifest at `path` names, from its first line alone.
    fn identity(path: &Path) -> Option<Identity> {
        use std::io::BufRead;
        let mut first = String::new();
        std::io::BufReader::new(std::fs::File::open(path).ok()?)
            .read_line(&mut first)
            .ok()?;
        parse_header(first.trim_end())
    }

    /// Writes the manifest of the folder `of` whole or not at all.
    fn write(&self, path: &Path, of: Option<Identity>) -> std::io::Result<()> {
        use rayon::prelude::*;
        // Tens of thousands of lines, made and sorted on all threads: this is the last step
        // of a build, which nothing else overlaps.
        let mut lines: Vec<String> = self.files.par_iter().map(|(p, e)| e.line(p)).collect();
        lines.par_sort_unstable();
        let header = match of {
            Some(id) => format!("{MANIFEST_HEADER} {} {}", id.dev, id.ino),
            None => MANIFEST_HEADER.to_string(),
        };
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        std::fs::write(&tmp, header + "\n" + &lines.join("\n"))?;
        std::fs::rename(&tmp, path)
    }
}

fn parse_header(line: &str) -> Option<Identity> {
    let mut f = line.strip_prefix(MANIFEST_HEADER)?.split_whitespace();
    Some(Identity {
        dev: f.next()?.parse().ok()?,
        ino: f.next()?.parse().ok()?,
    })
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
        // A failed stat leaves the entry without a time, which the next build notices; the
        // file is recorded all the same, as one kbgen wrote.
        let entry = match f.metadata() {
            Ok(meta) => Entry::of(&meta, hash),
            Err(_) => Entry {
                len: bytes.len() as u64,
                mtime: -1,
                hash,
            },
        };
        self.record(rel, entry);
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
        let same = match self.known.files.get(rel) {
            Some(known) if known.len == now.len && known.mtime == now.mtime => known.hash == hash,
            _ => std::fs::read(path).is_ok_and(|old| old == bytes),
        };
        same.then_some(now)
    }

    fn record(&self, rel: PathBuf, entry: Entry) {
        self.written
            .lock()
            .expect("no panic while held")
            .files
            .insert(rel, entry);
    }

    /// Copies `static/` into the output root (see `copy_static`).
    pub(crate) fn copy_static(
        &self,
        root: &Path,
        files: &[String],
        hashed: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), Diagnostic> {
        copy_static(self, root, files, hashed)
    }

    /// Replaces the output with the staged site in one step: readers and a killed process
    /// see either the old site or the new one, never a mix or nothing. Returns the warnings
    /// of the build's disk side (folders and files left alone).
    ///
    /// The new site's manifest is written before the swap, so at every moment each folder is
    /// named by a manifest: the output's becomes the spare's, and the new one the output's.
    pub(crate) fn publish(self) -> Result<Vec<Diagnostic>, Diagnostic> {
        let written = self.written.into_inner().expect("no panic while held");
        let mut output = self.output;
        let staged = match self.dir {
            Dir::Fresh(t) => t.keep(),
            Dir::Reused(p) => {
                let left = sweep(&p, &written.files, &self.known.files);
                output.warnings.extend(left_alone(&p, left));
                p
            }
        };
        let path = output.path.clone();
        let (ours, spares, next) = (
            output.manifest(OUTPUT),
            output.manifest(SPARE),
            output.manifest(NEXT),
        );
        written
            .write(&next, Identity::of_path(&staged))
            .map_err(|e| io_error(&next, "cannot write the manifest", e))?;
        // Named by a manifest now, the staged folder needs its mark no more.
        let _ = std::fs::remove_file(staged.join(STAGING_MARK));
        match output.found(&path) {
            Found::Missing => {
                std::fs::rename(&staged, &path).map_err(|e| io_error(&path, "cannot create", e))?
            }
            // Only an empty folder is removed here, whatever came into it since the start.
            Found::Empty => std::fs::remove_dir(&path)
                .and_then(|()| std::fs::rename(&staged, &path))
                .map_err(|e| io_error(&path, "cannot replace the empty folder", e))?,
            Found::Ours => match exchange(&staged, &path) {
                // `staged` now holds the previous site: it is kept as the next build's base.
                Ok(()) => {
                    let spare = output.spare();
                    if staged == spare || std::fs::rename(&staged, &spare).is_ok() {
                        let _ = std::fs::rename(&ours, &spares);
                    } else {
                        // The spare's name is taken by a folder that is not kbgen's.
                        let old = Manifest::read(&ours);
                        output.warnings.extend(remove_known(&staged, &old.files));
                    }
                }
                Err(_) => {
                    let old = Manifest::read(&ours);
                    let left = swap_by_two_renames(&staged, &path, &old)?;
                    output.warnings.extend(left);
                }
            },
            Found::Foreign(why) => {
                return Err(Diagnostic::error(
                    Code::OutputInvalid,
                    &path,
                    Pos::START,
                    format!(
                        "the output folder {} {why} (it changed during the build)",
                        path.display()
                    ),
                )
                .hint("build again once nothing else writes there"));
            }
        }
        std::fs::rename(&next, &ours)
            .map_err(|e| io_error(&ours, "cannot write the manifest", e))?;
        Ok(output.warnings)
    }
}

/// A fresh staging folder holds this file until it is published, so that `recover` can tell
/// what a killed build left from anything else.
const STAGING_MARK: &str = ".kbgen-staging";

/// Removes what a folder of kbgen's holds that it no longer needs: files that `known` (its
/// manifest) says kbgen wrote and that are not in `keep` (this build's). Files that neither
/// names were not written by kbgen and stay, and are returned; folders left empty go. Folders
/// are swept in parallel (a site's `kb/` holds a folder per article).
fn sweep(
    root: &Path,
    keep: &FxHashMap<PathBuf, Entry>,
    known: &FxHashMap<PathBuf, Entry>,
) -> Vec<PathBuf> {
    let left = std::sync::Mutex::new(Vec::new());
    sweep_in(root, root, keep, known, &left);
    let mut left = left.into_inner().expect("no panic while held");
    left.sort();
    left
}

/// Whether `dir` is now empty (and may go).
fn sweep_in(
    root: &Path,
    dir: &Path,
    keep: &FxHashMap<PathBuf, Entry>,
    known: &FxHashMap<PathBuf, Entry>,
    left: &std::sync::Mutex<Vec<PathBuf>>,
) -> bool {
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
            let rel = path.strip_prefix(root).unwrap_or(&path);
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                sweep_in(root, &path, keep, known, left) && std::fs::remove_dir(&path).is_ok()
            } else if keep.contains_key(rel) {
                false
            } else if known.contains_key(rel) {
                std::fs::remove_file(&path).is_ok()
            } else {
                left.lock()
                    .expect("no panic while held")
                    .push(rel.to_path_buf());
                false
            }
        })
        .collect();
    gone.iter().all(|g| *g)
}

/// Removes a folder of kbgen's that is no longer needed, all but the files that its manifest
/// `known` does not list: those stay, with a warning.
fn remove_known(dir: &Path, known: &FxHashMap<PathBuf, Entry>) -> Option<Diagnostic> {
    let left = sweep(dir, &FxHashMap::default(), known);
    if left.is_empty() {
        let _ = std::fs::remove_dir(dir);
    }
    left_alone(dir, left)
}

/// The warning for files a sweep left in `dir` because kbgen did not write them.
fn left_alone(dir: &Path, files: Vec<PathBuf>) -> Option<Diagnostic> {
    let first = files.first()?;
    let what = match files.len() {
        1 => format!(
            "`{}` in {} was not written by kbgen: it is left where it is",
            first.display(),
            dir.display()
        ),
        n => format!(
            "`{}` and {} in {} were not written by kbgen: they are left where they are",
            first.display(),
            crate::diag::count(n - 1, "more file"),
            dir.display()
        ),
    };
    Some(
        Diagnostic::warning(Code::OutputForeign, dir.join(first), Pos::START, what)
        .hint("move them out: kbgen's output and its spare (the previous site, beside it) take turns as the published site"),
    )
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
/// `recover` knows, then move the new one in, then sweep the old site by its manifest `old`.
/// A build killed between the two renames is repaired by the next one.
fn swap_by_two_renames(
    staged: &Path,
    output: &Path,
    old_files: &Manifest,
) -> Result<Option<Diagnostic>, Diagnostic> {
    let parent = staged.parent().unwrap_or(Path::new("."));
    let name = output.file_name().unwrap_or_default().to_string_lossy();
    let old = parent.join(format!(".{name}.kbgen-old"));
    std::fs::rename(output, &old).map_err(|e| io_error(output, "cannot move aside", e))?;
    if let Err(e) = std::fs::rename(staged, output) {
        let _ = std::fs::rename(&old, output);
        return Err(io_error(output, "cannot replace", e));
    }
    Ok(remove_known(&old, &old_files.files))
}

impl Output {
    /// Cleans up after a build that was killed: a previous site that was moved aside but never
    /// replaced is put back, and what killed builds left beside the output goes — wholly
    /// where it is a staging folder (it holds `STAGING_MARK`), else only the files that a
    /// manifest naming it lists. Runs under the output's lock.
    fn recover(&mut self) -> Result<(), Diagnostic> {
        let old = self.beside("old");
        if old.is_dir() && !self.path.exists() {
            std::fs::rename(&old, &self.path).map_err(|e| io_error(&old, "cannot restore", e))?;
        }
        let prefix = format!(".{}.kbgen-", self.name);
        let (lock, spare) = (self.beside("lock"), self.spare());
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return Ok(());
        };
        let mut names: Vec<_> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .collect();
        names.sort();
        for path in names {
            if path == lock || path == spare {
                continue;
            }
            if path.to_string_lossy().ends_with(".tmp") && path.is_file() {
                // A manifest whose writing was cut short.
                let _ = std::fs::remove_file(&path);
            } else if path.join(STAGING_MARK).is_file() {
                remove_dir_parallel(&path);
            } else if let Some(id) = Identity::of_path(&path) {
                match self.manifest_of(id) {
                    Some(m) => self.warnings.extend(remove_known(&path, &m.files)),
                    // An empty folder holds nothing to lose.
                    None if std::fs::remove_dir(&path).is_ok() => {}
                    None => self.warnings.push(foreign_spare(&path)),
                }
            }
        }
        Ok(())
    }
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
            Code::OutputInvalid,
            rel,
            Pos::START,
            "refusing to write outside the output folder",
        ))
    }
}

/// Copies the files of `static/` into `sink`: a build's staging folder, or `kbgen serve`'s
/// memory, so that the preview fails on a file that cannot be read as a build does.
/// Stylesheets and scripts are also written under their content-hashed names.
pub(crate) fn copy_static(
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
    Diagnostic::error(
        Code::WriteFailed,
        path,
        Pos::START,
        format!("{what} {}: {e}", path.display()),
    )
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
