//! Publishing: the output folder is only ever the previous site or the new one. Builds are
//! killed at several moments, run while another holds the output, and rerun after a crash.
//! Each test starts from the `basic` fixture.

use crate::harness::{kbgen, snapshot, Run, Site};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

const FIXTURE: &str = "basic";

/// The fixture with `extra` generated articles, so a build takes a while.
fn big_site(extra: usize) -> Site {
    let site = Site::fixture(FIXTURE);
    let body =
        "Text med **fetstil** och en [länk](/kb/e-postprotokoll-imap-vs-pop3/).\n\n".repeat(40);
    for i in 0..extra {
        site.write(
            format!("content/email/basic-settings/generated-{i}.sv.md"),
            format!("---\ntitle: Genererad artikel {i}\nupdated: 2024-01-01\n---\n\n## Rubrik\n\n{body}"),
        );
    }
    site
}

/// Folders a build leaves beside the output once it has finished: none but the spare
/// generation that the next build starts from.
fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.") && n != ".public.kbgen-spare")
        .collect()
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_site() {
    let site = big_site(1500);
    let root = site.root();
    assert!(site.build().success());
    let before = snapshot(&root.join("public"));
    // Change the content so a finished build would change the output.
    std::fs::write(
        root.join("content/email/basic-settings/generated-0.sv.md"),
        "---\ntitle: Ändrad\nupdated: 2024-01-02\n---\n\nNy text.\n",
    )
    .unwrap();
    for delay_ms in [5, 20, 60, 120, 200] {
        let mut child = site.build_command().stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL on Unix
        child.wait().unwrap();
        if finished {
            break; // the machine was fast enough to finish: nothing left to test at this delay
        }
        assert_eq!(
            snapshot(&root.join("public")),
            before,
            "output changed by a build killed after {delay_ms} ms"
        );
    }
    // The next build cleans up whatever the killed ones left and publishes.
    site.build().ok();
    assert_eq!(leftovers(root), Vec::<String>::new());
    let page = std::fs::read_to_string(root.join("public/kb/andrad/index.html")).unwrap();
    assert!(page.contains("<h1>Ändrad</h1>"));
}

#[test]
fn a_second_build_into_the_same_output_is_refused_while_one_runs() {
    let site = big_site(0);
    let root = site.root();
    assert!(site.build().success());
    let before = snapshot(&root.join("public"));
    // Hold the output's lock as a running build does.
    let lock = std::fs::File::open(root.join(".public.kbgen-lock")).unwrap();
    lock.lock().unwrap();
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    let stderr = &out.stderr;
    assert!(
        stderr.contains(&format!(
            "error: another kbgen build is writing to {}",
            root.join("public").display()
        )),
        "{stderr}"
    );
    assert_eq!(snapshot(&root.join("public")), before);
    drop(lock);
    assert!(site.build().success());
}

#[test]
fn a_site_moved_aside_by_a_crashed_build_is_restored() {
    let site = big_site(0);
    let root = site.root();
    assert!(site.build().success());
    let before = snapshot(&root.join("public"));
    // What a build killed between "move the old site aside" and "move the new one in" leaves
    // where the file system cannot exchange folders in one step.
    std::fs::rename(root.join("public"), root.join(".public.kbgen-old")).unwrap();
    std::fs::create_dir(root.join(".public.kbgen-abc123")).unwrap();
    // A failing build must still put the previous site back.
    std::fs::write(
        root.join("content/email/basic-settings/broken.sv.md"),
        "---\ntitel: x\n---\n",
    )
    .unwrap();
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&root.join("public")), before);
    assert_eq!(leftovers(root), Vec::<String>::new());
}

#[test]
fn a_rebuild_over_the_spare_generation_equals_a_fresh_build() {
    let site = big_site(30);
    let root = site.root();
    for _ in 0..3 {
        assert!(site.build().success());
    }
    assert!(
        root.join(".public.kbgen-spare").is_dir(),
        "the previous site is kept as a base"
    );
    // Change one article, remove another: the reused folder must not keep its old page.
    std::fs::write(
        root.join("content/email/basic-settings/generated-1.sv.md"),
        "---\ntitle: Ny titel\nupdated: 2024-02-02\n---\n\nNy text.\n",
    )
    .unwrap();
    std::fs::remove_file(root.join("content/email/basic-settings/generated-2.sv.md")).unwrap();
    assert!(site.build().success());
    let (reused, clean) = (snapshot(&root.join("public")), fresh_build_of(root));
    assert_eq!(
        reused.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>()
    );
    assert!(reused == clean, "a file differs");
    assert!(!root.join("public/kb/genererad-artikel-2").exists());
}

/// Copies `from` into `to` creating entries in reverse name order, so a file system that lists
/// a folder in creation order (tmpfs, some overlay file systems) lists it differently.
fn copy_reversed(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        let mut entries: Vec<_> = std::fs::read_dir(from)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.file_name()));
        for e in entries {
            copy_reversed(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

#[test]
fn output_does_not_depend_on_the_order_files_are_listed_in() {
    let forward = Site::fixture(FIXTURE);
    let backward = Site::empty();
    copy_reversed(forward.root(), backward.root());
    for site in [&forward, &backward] {
        site.build().ok();
    }
    let (a, b) = (snapshot(&forward.public()), snapshot(&backward.public()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs", path.display());
    }
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

fn fresh_build_of(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    Run::of(
        kbgen()
            .args(["build", "--root"])
            .arg(root)
            .arg("--output")
            .arg(fresh.path().join("public")),
    )
    .ok();
    snapshot(&fresh.path().join("public"))
}

#[test]
fn a_rebuild_leaves_unchanged_files_untouched_and_rewrites_changed_ones() {
    let site = big_site(5);
    let root = site.root();
    let page = |root: &Path| root.join("public/kb/genererad-artikel-3/index.html");
    // The first build's site becomes the spare after the second, and the third reuses it.
    assert!(site.build().success());
    let first = modified(&page(root));
    assert!(site.build().success());
    assert!(root.join(".public.kbgen-manifest").is_file());
    assert!(root.join(".public.kbgen-spare-manifest").is_file());
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(
        root.join("content/email/basic-settings/generated-1.sv.md"),
        "---\ntitle: Genererad artikel 1\nupdated: 2024-03-03\n---\n\nNy text.\n",
    )
    .unwrap();
    assert!(site.build().success());
    // Known from the manifest: neither read nor written again.
    assert_eq!(
        modified(&page(root)),
        first,
        "an unchanged page was rewritten"
    );
    let changed = root.join("public/kb/genererad-artikel-1/index.html");
    assert!(modified(&changed) > first, "a changed page was not written");
    assert!(snapshot(&root.join("public")) == fresh_build_of(root));
}

#[test]
fn a_spare_file_edited_by_hand_is_caught_even_at_the_same_size() {
    let site = big_site(5);
    let root = site.root();
    for _ in 0..2 {
        assert!(site.build().success());
    }
    // The spare is the site the next build reuses. Swap two letters of a page in it: same
    // size, different bytes, as the manifest does not record them.
    let spare_page = root.join(".public.kbgen-spare/kb/genererad-artikel-3/index.html");
    let text = std::fs::read_to_string(&spare_page).unwrap();
    let edited = text.replacen("Genererad", "Gneererad", 1);
    assert_ne!(text, edited);
    assert_eq!(text.len(), edited.len());
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&spare_page, edited).unwrap();
    // And a stale manifest: the spare's file list is replaced by the output's (its first
    // line, which names the folder it describes, stays).
    let spare_manifest = root.join(".public.kbgen-spare-manifest");
    let header = std::fs::read_to_string(&spare_manifest).unwrap();
    let header = header.lines().next().unwrap();
    let output_manifest = std::fs::read_to_string(root.join(".public.kbgen-manifest")).unwrap();
    let (_, files) = output_manifest.split_once('\n').unwrap();
    std::fs::write(&spare_manifest, format!("{header}\n{files}")).unwrap();
    assert!(site.build().success());
    assert!(snapshot(&root.join("public")) == fresh_build_of(root));
}

#[test]
fn a_manifest_cut_short_by_a_crash_is_cleaned_up() {
    let site = Site::fixture(FIXTURE);
    let root = site.root();
    assert!(site.build().success());
    let partial = root.join(".public.kbgen-manifest.tmp");
    std::fs::write(&partial, "0123 12 34 kb/x/ind").unwrap();
    assert!(site.build().success());
    assert!(!partial.exists());
    assert!(root.join(".public.kbgen-manifest").is_file());
}

// ---------------------------------------------------------------------------------------------
// Nothing kbgen did not write is moved or deleted.
// ---------------------------------------------------------------------------------------------

/// Every file under `dir`, folders and hidden files included, with its bytes.
fn everything(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk_all(dir, dir)
}

fn walk_all(base: &Path, dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let rel = p.strip_prefix(base).unwrap().to_path_buf();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.is_dir() {
            out.insert(rel.join(""), Vec::new());
            out.extend(walk_all(base, &p));
        } else if meta.file_type().is_symlink() {
            out.insert(
                rel,
                std::fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes(),
            );
        } else {
            out.insert(rel, std::fs::read(&p).unwrap());
        }
    }
    out
}

/// `kbgen build ARGS` run in `cwd`.
fn build_in(cwd: &Path, args: &[&str]) -> Run {
    Run::of(kbgen().arg("build").args(args).current_dir(cwd))
}

/// A folder of someone's own beside the site: the issue's `docs/` with a thesis in it.
#[test]
fn an_output_that_kbgen_did_not_make_is_refused_before_anything_is_written() {
    let site = Site::fixture_at(FIXTURE, "site");
    let (base, root) = (site.base().to_path_buf(), site.root().to_path_buf());
    std::fs::create_dir(base.join("docs")).unwrap();
    std::fs::write(base.join("docs/thesis.txt"), "four years of work").unwrap();
    let before = everything(&base);
    for _ in 0..2 {
        let out = build_in(&root, &["--output", "../docs"]);
        assert_eq!(out.status.code(), Some(1));
        let docs = base.join("docs");
        let d = docs.display();
        assert_eq!(
            out.stderr,
            format!(
                "{d}:1:1: error: the output folder {d} holds files that kbgen did not write: \
                 kbgen replaces its output whole, so it builds only into a new or empty folder, \
                 or one that it made\n  = hint: choose a new or empty folder with --output DIR, \
                 or move or remove {d} yourself\nbuild failed with 1 error; {d} was left as it was\n"
            )
        );
        // Not even a lock file beside it.
        assert!(everything(&base) == before, "a file changed, came or went");
    }
}

#[test]
fn a_public_folder_that_another_tool_made_is_refused() {
    let site = Site::fixture(FIXTURE);
    let root = site.root();
    // What `hugo` leaves in the site root.
    std::fs::create_dir(root.join("public")).unwrap();
    std::fs::write(root.join("public/index.html"), "<p>Hugo's site</p>").unwrap();
    let before = everything(root);
    let out = build_in(root, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("holds files that kbgen did not write"),
        "{}",
        out.stderr
    );
    assert!(everything(root) == before);
}

#[test]
fn an_empty_output_folder_is_built_into_and_then_is_kbgens() {
    let site = Site::fixture(FIXTURE);
    let root = site.root();
    std::fs::create_dir(root.join("out")).unwrap();
    for _ in 0..3 {
        let out = build_in(root, &["--output", "out"]);
        assert!(out.status.success(), "{}", out.stderr);
    }
    assert!(root.join("out/index.html").is_file());
    assert!(snapshot(&root.join("out")) == fresh_build_of(root));
}

/// The issue's `kb/site/` layout: each `--output` below is, or holds, the site's sources.
#[test]
fn an_output_that_is_or_holds_the_sources_is_refused_however_it_is_written() {
    let site = Site::fixture_at(FIXTURE, "kb/site");
    let (base, root) = (site.base().to_path_buf(), site.root().to_path_buf());
    std::os::unix::fs::symlink(&root, base.join("link")).unwrap();
    let before = everything(&base);
    let abs = |p: &Path| p.to_string_lossy().into_owned();
    let cases: Vec<(String, PathBuf, &str)> = vec![
        ("../../kb".into(), base.join("kb"), "holds the site root"),
        ("../site".into(), root.clone(), "is the site root"),
        (".".into(), root.clone(), "is the site root"),
        ("./".into(), root.clone(), "is the site root"),
        ("..".into(), base.join("kb"), "holds the site root"),
        (
            "content".into(),
            root.join("content"),
            "is the site's content/ folder",
        ),
        (
            "./static/../content".into(),
            root.join("content"),
            "is the site's content/ folder",
        ),
        (
            "templates/new".into(),
            root.join("templates/new"),
            "is inside the site's templates/ folder",
        ),
        // Through a symbolic link to the site root, relative and absolute.
        (
            "../../link/locales".into(),
            root.join("locales"),
            "is the site's locales/ folder",
        ),
        (abs(&base.join("link")), root.clone(), "is the site root"),
        (
            abs(&root.join("static")),
            root.join("static"),
            "is the site's static/ folder",
        ),
        (abs(&base), base.clone(), "holds the site root"),
    ];
    for (arg, resolved, why) in cases {
        let out = build_in(&root, &["--output", &arg]);
        assert_eq!(out.status.code(), Some(1), "--output {arg}");
        assert_eq!(
            out.stderr,
            format!(
                "error: the output folder {} {why}: a build replaces its output, so it may not be \
                 the site root, a folder above it, or content/, locales/, templates/, static/ or \
                 a folder in them; choose another --output, such as public\n",
                resolved.display()
            ),
            "--output {arg}"
        );
        assert!(everything(&base) == before, "--output {arg} changed a file");
    }
}

#[test]
fn a_file_put_into_the_output_by_hand_is_never_deleted() {
    let site = Site::fixture(FIXTURE);
    let root = site.root();
    assert!(build_in(root, &[]).status.success());
    std::fs::write(root.join("public/notes.txt"), "mine").unwrap();
    let mut warned = false;
    for _ in 0..3 {
        let out = build_in(root, &[]);
        assert!(out.status.success(), "{}", out.stderr);
        warned |= out.stderr.contains("`notes.txt` in ");
        let kept = [
            root.join("public/notes.txt"),
            root.join(".public.kbgen-spare/notes.txt"),
        ];
        assert!(
            kept.iter()
                .any(|k| std::fs::read_to_string(k).is_ok_and(|t| t == "mine")),
            "notes.txt is gone"
        );
    }
    assert!(warned, "the build never said it left notes.txt alone");
}

/// An older kbgen moved a foreign output aside as its spare: it must never be reused or swept.
#[test]
fn a_spare_folder_that_no_manifest_names_is_left_alone() {
    let site = Site::fixture(FIXTURE);
    let root = site.root();
    std::fs::create_dir(root.join(".public.kbgen-spare")).unwrap();
    std::fs::write(root.join(".public.kbgen-spare/thesis.txt"), "four years").unwrap();
    for _ in 0..3 {
        let out = build_in(root, &[]);
        assert!(out.status.success(), "{}", out.stderr);
        assert!(
            out.stderr.contains("was not made by this kbgen"),
            "{}",
            out.stderr
        );
        assert_eq!(
            everything(&root.join(".public.kbgen-spare")),
            BTreeMap::from([(PathBuf::from("thesis.txt"), b"four years".to_vec())])
        );
    }
    assert!(snapshot(&root.join("public")) == fresh_build_of(root));
}
