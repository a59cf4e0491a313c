//! Publishing: the output folder is only ever the previous site or the new one. Builds are
//! killed at several moments, run while another holds the output, and rerun after a crash.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

/// A copy of the shipped site with `extra` generated articles, so a build takes a while.
fn big_site(extra: usize) -> tempfile::TempDir {
    let dir = common::copy_site();
    let folder = dir.path().join("content/email/basic-settings");
    let body =
        "Text med **fetstil** och en [länk](/kb/e-postprotokoll-imap-vs-pop3/).\n\n".repeat(40);
    for i in 0..extra {
        std::fs::write(
            folder.join(format!("generated-{i}.sv.md")),
            format!("---\ntitle: Genererad artikel {i}\nupdated: 2024-01-01\n---\n\n## Rubrik\n\n{body}"),
        )
        .unwrap();
    }
    dir
}

fn kbgen(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kbgen"));
    cmd.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(root.join("public"));
    cmd
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
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
    let root = site.path();
    assert!(kbgen(root).status().unwrap().success());
    let before = snapshot(&root.join("public"));
    // Change the content so a finished build would change the output.
    std::fs::write(
        root.join("content/email/basic-settings/generated-0.sv.md"),
        "---\ntitle: Ändrad\nupdated: 2024-01-02\n---\n\nNy text.\n",
    )
    .unwrap();
    for delay_ms in [5, 20, 60, 120, 200] {
        let mut child = kbgen(root).stderr(Stdio::null()).spawn().unwrap();
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
    let out = kbgen(root).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(leftovers(root), Vec::<String>::new());
    let page = std::fs::read_to_string(root.join("public/kb/andrad/index.html")).unwrap();
    assert!(page.contains("<h1>Ändrad</h1>"));
}

#[test]
fn a_second_build_into_the_same_output_is_refused_while_one_runs() {
    let site = big_site(0);
    let root = site.path();
    assert!(kbgen(root).status().unwrap().success());
    let before = snapshot(&root.join("public"));
    // Hold the output's lock as a running build does.
    let lock = std::fs::File::open(root.join(".public.kbgen-lock")).unwrap();
    lock.lock().unwrap();
    let out = kbgen(root).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: another kbgen build is writing to {}",
            root.join("public").display()
        )),
        "{stderr}"
    );
    assert_eq!(snapshot(&root.join("public")), before);
    drop(lock);
    assert!(kbgen(root).status().unwrap().success());
}

#[test]
fn a_site_moved_aside_by_a_crashed_build_is_restored() {
    let site = big_site(0);
    let root = site.path();
    assert!(kbgen(root).status().unwrap().success());
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
    let out = kbgen(root).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&root.join("public")), before);
    assert_eq!(leftovers(root), Vec::<String>::new());
}

#[test]
fn a_rebuild_over_the_spare_generation_equals_a_fresh_build() {
    let site = big_site(30);
    let root = site.path();
    for _ in 0..3 {
        assert!(kbgen(root).status().unwrap().success());
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
    assert!(kbgen(root).status().unwrap().success());
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
    let forward = common::copy_site();
    let backward = tempfile::tempdir().unwrap();
    for item in common::SITE {
        copy_reversed(
            &Path::new(common::ROOT).join(item),
            &backward.path().join(item),
        );
    }
    for root in [forward.path(), backward.path()] {
        let out = kbgen(root).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (a, b) = (
        snapshot(&forward.path().join("public")),
        snapshot(&backward.path().join("public")),
    );
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
    let out = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(fresh.path().join("public"))
        .output()
        .unwrap();
    assert!(out.status.success());
    snapshot(&fresh.path().join("public"))
}

#[test]
fn a_rebuild_leaves_unchanged_files_untouched_and_rewrites_changed_ones() {
    let site = big_site(5);
    let root = site.path();
    let page = |root: &Path| root.join("public/kb/genererad-artikel-3/index.html");
    // The first build's site becomes the spare after the second, and the third reuses it.
    assert!(kbgen(root).status().unwrap().success());
    let first = modified(&page(root));
    assert!(kbgen(root).status().unwrap().success());
    assert!(root.join(".public.kbgen-manifest").is_file());
    assert!(root.join(".public.kbgen-spare-manifest").is_file());
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(
        root.join("content/email/basic-settings/generated-1.sv.md"),
        "---\ntitle: Genererad artikel 1\nupdated: 2024-03-03\n---\n\nNy text.\n",
    )
    .unwrap();
    assert!(kbgen(root).status().unwrap().success());
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
    let root = site.path();
    for _ in 0..2 {
        assert!(kbgen(root).status().unwrap().success());
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
    // And a stale manifest: the spare's manifest is replaced by the output's.
    std::fs::copy(
        root.join(".public.kbgen-manifest"),
        root.join(".public.kbgen-spare-manifest"),
    )
    .unwrap();
    assert!(kbgen(root).status().unwrap().success());
    assert!(snapshot(&root.join("public")) == fresh_build_of(root));
}

#[test]
fn a_manifest_cut_short_by_a_crash_is_cleaned_up() {
    let site = common::copy_site();
    let root = site.path();
    assert!(kbgen(root).status().unwrap().success());
    let partial = root.join(".public.kbgen-manifest.tmp");
    std::fs::write(&partial, "0123 12 34 kb/x/ind").unwrap();
    assert!(kbgen(root).status().unwrap().success());
    assert!(!partial.exists());
    assert!(root.join(".public.kbgen-manifest").is_file());
}
