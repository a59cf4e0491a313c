//! Where kbgen may write. Paths from the command line are resolved as the kernel will follow
//! them (symbolic links of the part that exists, then `.` and `..` of the rest), so that a
//! check on the resolved path is a check on the folder that will really be written. A leaf:
//! it knows the names of the site's source folders and nothing else of kbgen.

use std::path::{Component, Path, PathBuf};

/// The folders of a site root that hold its sources: no output may be one of them or lie
/// inside one. `.git` is not a source, but a build into it would be as bad.
pub(crate) const SOURCE_DIRS: &[&str] = &["content", "locales", "templates", "static", ".git"];

/// `path` with `.` removed and each `..` taking away the component before it, without looking
/// at the disk. `..` above the root stays at the root, as the kernel does.
pub(crate) fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The absolute path that `path` (relative to `cwd`) names on disk: its longest existing
/// ancestor with every symbolic link resolved, then the rest normalised. The rest does not
/// exist, so it holds no link that could change where its `..` lead.
pub fn resolve(cwd: &Path, path: &Path) -> PathBuf {
    let full = cwd.join(path);
    let parts: Vec<Component> = full.components().collect();
    for k in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..k].iter().collect();
        if let Ok(real) = prefix.canonicalize() {
            return normalise(&real.join(parts[k..].iter().collect::<PathBuf>()));
        }
    }
    normalise(&full)
}

/// Why `output` (resolved) cannot be the output of the site at `root` (canonical), if it
/// cannot: the root itself, a folder that holds the root, or a source folder or a folder in one.
pub(crate) fn output_conflict(root: &Path, output: &Path) -> Option<String> {
    if output == root {
        return Some("is the site root".into());
    }
    if root.starts_with(output) {
        return Some("holds the site root".into());
    }
    SOURCE_DIRS.iter().find_map(|dir| {
        let source = root.join(dir);
        if output == source {
            Some(format!("is the site's {dir}/ folder"))
        } else if output.starts_with(&source) {
            Some(format!("is inside the site's {dir}/ folder"))
        } else {
            None
        }
    })
}

/// Whether the file `target` (to be written) lies inside `dir` once resolved: for the commands
/// that write sources, which may write only in their own folders of the root.
pub(crate) fn is_inside(dir: &Path, target: &Path) -> bool {
    let dir = dir.canonicalize().unwrap_or_else(|_| normalise(dir));
    let target = resolve(Path::new("/"), target);
    target.starts_with(&dir) && target != dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_follows_dots_lexically() {
        for (path, want) in [
            ("/a/b/../c", "/a/c"),
            ("/a/./b/", "/a/b"),
            ("/a/../../b", "/b"),
            ("a/../../b", "../b"),
            ("./a", "a"),
        ] {
            assert_eq!(normalise(Path::new(path)), Path::new(want), "{path}");
        }
    }

    #[test]
    fn resolve_follows_links_of_the_existing_part() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(real.join("site/content")).unwrap();
        std::os::unix::fs::symlink(real.join("site"), real.join("link")).unwrap();
        let cwd = real.join("site/content");
        assert_eq!(resolve(&cwd, Path::new("..")), real.join("site"));
        assert_eq!(
            resolve(&cwd, Path::new("../new/x/..")),
            real.join("site/new")
        );
        assert_eq!(
            resolve(&real, Path::new("link/content/new")),
            real.join("site/content/new")
        );
        // `..` after a link goes up from where the link points, as the kernel does.
        assert_eq!(
            resolve(&real, Path::new("link/content/..")),
            real.join("site")
        );
    }

    #[test]
    fn an_output_may_not_be_the_root_above_it_or_in_a_source_folder() {
        let root = Path::new("/w/site");
        for (output, why) in [
            ("/w/site", Some("is the site root")),
            ("/w", Some("holds the site root")),
            ("/", Some("holds the site root")),
            ("/w/site/content", Some("is the site's content/ folder")),
            (
                "/w/site/static/x",
                Some("is inside the site's static/ folder"),
            ),
            ("/w/site/public", None),
            ("/w/site-public", None),
            ("/w/contents", None),
        ] {
            assert_eq!(
                output_conflict(root, Path::new(output)).as_deref(),
                why,
                "{output}"
            );
        }
    }
}
