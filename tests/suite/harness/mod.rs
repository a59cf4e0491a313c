//! The suite's one harness: sites copied into temporary folders (from a fixture under
//! tests/fixtures/sites/ or, for the smoke tests only, the shipped site), the one way the tests
//! start the `kbgen` binary and read what it printed, snapshots of output folders, and the HTML
//! helpers. Diagnostics are parsed in `report`; the library calls the tests make live in `api`.

pub mod api;
pub mod report;

pub use report::{parse_diags, Report};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The binary under test, built by cargo for this test target.
pub const BIN: &str = env!("CARGO_BIN_EXE_kbgen");

/// The product's parts of a site, which fixtures share with the shipped site: writers do not
/// edit them, and tests that change them copy them first.
const PRODUCT: &[&str] = &["templates", "locales", "static"];

/// Folders of the product's parts that are writers' content, not product (screenshots).
const NOT_PRODUCT: &[&str] = &["static/img"];

/// Everything the shipped site's root holds.
const SHIPPED: &[&str] = &[
    "kbgen.yaml",
    "synonyms.yaml",
    "servers.yaml",
    "snippets",
    "content",
    "locales",
    "templates",
    "static",
];

/// A fixture's folder.
pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/sites").join(name)
}

/// The one way the tests start kbgen. Everything else adds arguments, a folder or variables.
pub fn kbgen() -> Command {
    Command::new(BIN)
}

/// What one run of kbgen printed, and how it exited.
#[derive(Debug)]
pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `cmd` to its end. kbgen prints UTF-8, and never panics, whatever its input.
    pub fn of(cmd: &mut Command) -> Run {
        let out = cmd.output().expect("run kbgen");
        let run = Run {
            status: out.status,
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        };
        assert!(!run.stderr.contains("panicked"), "kbgen panicked:\n{run}");
        run
    }

    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Asserts that the run succeeded.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert!(self.success(), "kbgen failed:\n{self}");
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}{}", self.stdout, self.stderr)
    }
}

/// A site in a temporary folder, to change, build and read back.
pub struct Site {
    _tmp: tempfile::TempDir,
    /// The temporary folder, canonical so that paths kbgen prints (it resolves links) compare
    /// equal to the tests' own.
    base: PathBuf,
    /// The site root: `base` or, for tests of paths around the site, a folder inside it.
    root: PathBuf,
    /// Every file under public/ after [`Site::built`]'s build.
    pub before: BTreeMap<PathBuf, Vec<u8>>,
}

impl Site {
    /// The fixture `name`, over the shipped product parts, not built yet.
    pub fn fixture(name: &str) -> Site {
        Site::fixture_at(name, "")
    }

    /// The fixture `name` with its root at `rel` inside the temporary folder.
    pub fn fixture_at(name: &str, rel: &str) -> Site {
        let fixture = fixture_dir(name);
        assert!(fixture.is_dir(), "no fixture {}", fixture.display());
        let site = Site::empty_at(rel);
        for part in PRODUCT {
            copy(&Path::new(ROOT).join(part), &site.root.join(part));
        }
        for part in NOT_PRODUCT {
            let _ = fs::remove_dir_all(site.root.join(part));
        }
        copy(&fixture, &site.root);
        site
    }

    /// The shipped site of the repository: only for the smoke tests, which are about it.
    pub fn shipped() -> Site {
        let site = Site::empty_at("");
        // A part the shipped site does not have yet (snippets/) is left out.
        for part in SHIPPED.iter().filter(|p| Path::new(ROOT).join(p).exists()) {
            copy(&Path::new(ROOT).join(part), &site.root.join(part));
        }
        site
    }

    /// An empty folder, for a test that lays a site out itself.
    pub fn empty() -> Site {
        Site::empty_at("")
    }

    fn empty_at(rel: &str) -> Site {
        let tmp = tempfile::tempdir().expect("create a temporary folder");
        let base = tmp.path().canonicalize().unwrap();
        let root = base.join(rel);
        fs::create_dir_all(&root).unwrap();
        Site {
            _tmp: tmp,
            base,
            root,
            before: BTreeMap::new(),
        }
    }

    /// Builds the site once into public/ and records that output in `before`.
    pub fn built(mut self) -> Site {
        let run = self.build();
        assert_eq!(run.code(), Some(0), "the site must build:\n{}", run.stderr);
        self.before = snapshot(&self.public());
        assert!(
            self.before.contains_key(Path::new("index.html")),
            "the first build wrote no index.html"
        );
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary folder the root is in.
    pub fn base(&self) -> &Path {
        &self.base
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Replaces the one occurrence of `from` in `rel` with `to`.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "{rel} must hold `{from}` exactly once"
        );
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Adds `text` at the end of a file that ends with a line break.
    pub fn append(&self, rel: &str, text: &str) {
        let mut all = self.read(rel);
        assert!(all.ends_with('\n'), "{rel} must end with a newline");
        all.push_str(text);
        self.write(rel, all);
    }

    /// The number of lines of a file, to count where appended text lands.
    pub fn lines(&self, rel: &str) -> usize {
        self.read(rel).lines().count()
    }

    /// `kbgen ARGS` run in the site root, so that paths in messages are relative to it.
    pub fn kbgen_in(&self, args: &[&str]) -> Run {
        Run::of(kbgen().args(args).current_dir(&self.root))
    }

    /// `kbgen ARGS --root <root>`.
    pub fn kbgen(&self, args: &[&str]) -> Run {
        Run::of(kbgen().args(args).arg("--root").arg(&self.root))
    }

    /// `kbgen build --root <root> --output <root>/public`.
    /// `kbgen check --format json` on the site: its exit code and its report.
    pub fn check_json(&self) -> (i32, serde_json::Value) {
        let out = self.kbgen(&["check", "--format", "json"]);
        let json = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out}"));
        (out.code().unwrap(), json)
    }

    pub fn build(&self) -> Run {
        Run::of(&mut self.build_command())
    }

    /// The command [`Site::build`] runs, to start it another way.
    pub fn build_command(&self) -> Command {
        let mut cmd = kbgen();
        cmd.arg("build")
            .arg("--root")
            .arg(&self.root)
            .arg("--output")
            .arg(self.public());
        cmd
    }

    /// Runs a build that must succeed; returns its stderr (warnings and the closing line).
    pub fn succeeds(&self) -> String {
        let run = self.build();
        assert_eq!(
            run.code(),
            Some(0),
            "the build must succeed:\n{}",
            run.stderr
        );
        assert_no_staging_left(&self.root);
        run.stderr
    }

    /// Runs a build that must fail, and checks what every failure must do: exit status 1,
    /// the closing line, public/ as [`Site::built`] left it, no staging folder left over, and
    /// `kbgen check` reporting the same errors.
    pub fn fails(&self) -> Report {
        let run = self.build();
        assert_eq!(run.code(), Some(1), "the build must fail:\n{}", run.stderr);
        let report = Report::parse(&run.stderr, &self.public());
        assert_same_files(&self.before, &snapshot(&self.public()));
        assert_no_staging_left(&self.root);
        self.check_reports_the_same(&report);
        report
    }

    /// `kbgen check` must report every error the build reported, word for word, and fail.
    fn check_reports_the_same(&self, build: &Report) {
        let run = self.kbgen(&["check"]);
        assert_eq!(run.code(), Some(1), "check must fail too:\n{}", run.stderr);
        let checked: Vec<String> = parse_diags(&run.stderr)
            .into_iter()
            .map(|d| d.text)
            .collect();
        for d in build.diags.iter().filter(|d| d.severity == "error") {
            assert!(
                checked.contains(&d.text),
                "build reported\n{}\nbut check did not; check said:\n{}",
                d.text,
                run.stderr
            );
        }
    }
}

/// Copies a file or a folder with everything in it.
pub fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    }
}

/// Every file under `dir`, sorted, folders left out.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Every file under `dir` with its bytes, by its path in `dir` (empty when `dir` does not
/// exist): what an output folder holds, to compare two.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    files(dir)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p.strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

/// Asserts that two snapshots hold the same files with the same bytes.
#[track_caller]
pub fn assert_same_files(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) {
    let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let changed: Vec<_> = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|a| a != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        added.is_empty() && removed.is_empty() && changed.is_empty(),
        "a failed build touched public/: added {added:?}, removed {removed:?}, changed {changed:?}"
    );
}

/// Staging (`.public.kbgen-*`) and swap (`.public.kbgen-old`) folders live beside the output
/// and must be gone when kbgen exits; only the lock file, the spare site and the two sites'
/// manifests stay.
pub fn assert_no_staging_left(root: &Path) {
    const KEPT: [&str; 4] = [
        ".public.kbgen-lock",
        ".public.kbgen-spare",
        ".public.kbgen-manifest",
        ".public.kbgen-spare-manifest",
    ];
    let stray: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.") && !KEPT.contains(&n.as_str()))
        .collect();
    assert!(stray.is_empty(), "left behind: {stray:?}");
}

pub fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

/// An element's text with its white space collapsed, as a reader sees it.
pub fn text(e: scraper::ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
