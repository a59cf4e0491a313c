//! Images from a copy of the old site's uploads folder (`--uploads DIR`, WordPress's
//! `wp-content/uploads`): an image URL names its file by the path after `/uploads/`
//! (`2022/01/pris.png`, or `sites/4/2022/01/pris.png` on a multisite's second site). The
//! original upload is taken rather than a size WordPress made of it (`pris-300x200.png`,
//! `pris-scaled.png`); it is copied to `static/img/` under the same path, and an image without
//! alt text gets its attachment's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The uploads folder and the alt texts of the exports' attachments.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    pub dir: PathBuf,
    /// As messages show it.
    pub shown: PathBuf,
    /// By the original upload's path (`2022/01/pris.png`).
    pub alts: BTreeMap<String, String>,
}

/// An image found in the uploads folder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Found {
    /// The file in the uploads folder.
    pub file: PathBuf,
    /// Its path under `static/img/` (and the page's `/img/`).
    pub rel: String,
    /// The attachment's alt text, if it has one.
    pub alt: Option<String>,
}

impl Uploads {
    /// The upload an image URL names, its original first; `Err` with the paths looked at (as
    /// shown) when it is an uploads URL whose file is not there, `Ok(None)` when it is no
    /// uploads URL.
    pub(crate) fn find(&self, url: &str) -> Result<Option<Found>, Vec<PathBuf>> {
        let Some(rel) = upload_path(url) else {
            return Ok(None);
        };
        let original = original(&rel);
        let mut tried = Vec::new();
        for candidate in [&original, &rel] {
            let file = self.dir.join(candidate);
            if file.is_file() {
                return Ok(Some(Found {
                    file,
                    rel: candidate.clone(),
                    alt: self.alts.get(&original).cloned(),
                }));
            }
            let shown = self.shown.join(candidate);
            if !tried.contains(&shown) {
                tried.push(shown);
            }
        }
        Err(tried)
    }
}

/// The path after `/uploads/` of an image URL, percent-decoded, if it is a safe relative path.
pub(crate) fn upload_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let (_, rel) = path.split_once("/uploads/")?;
    let rel = super::percent_decode(rel);
    let safe = !rel.is_empty()
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains('\\'));
    safe.then_some(rel)
}

/// The original upload of a size WordPress made: `x-300x200.png` and `x-scaled.png` → `x.png`.
pub(crate) fn original(rel: &str) -> String {
    let (dir, file) = match rel.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), rel),
    };
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return rel.to_string();
    };
    let stem = stem.strip_suffix("-scaled").unwrap_or(stem);
    let stem = match stem.rsplit_once('-') {
        Some((base, size)) if is_size(size) => base,
        _ => stem,
    };
    format!("{dir}{stem}.{ext}")
}

/// `300x200`: a size suffix WordPress adds.
fn is_size(s: &str) -> bool {
    s.split_once('x').is_some_and(|(w, h)| {
        !w.is_empty()
            && !h.is_empty()
            && w.bytes().all(|b| b.is_ascii_digit())
            && h.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Alt texts of an export's attachments, by their original upload's path.
pub(crate) fn alts<'a>(
    attachments: impl Iterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    attachments
        .filter(|(_, alt)| !alt.trim().is_empty())
        .filter_map(|(url, alt)| Some((original(&upload_path(url)?), alt.trim().to_string())))
        .collect()
}

/// Whether a copy would replace a different file there already.
pub(crate) fn differs(from: &Path, to: &Path) -> bool {
    match (std::fs::read(from), std::fs::read(to)) {
        (Ok(a), Ok(b)) => a != b,
        (_, Err(_)) => false,
        (Err(_), Ok(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_uploads_and_sizes_their_originals() {
        let url = "https://kunskap.websupport.se/app/uploads/sites/4/2022/01/pris%20lista-300x200.png?v=2";
        assert_eq!(
            upload_path(url).as_deref(),
            Some("sites/4/2022/01/pris lista-300x200.png")
        );
        assert_eq!(
            original("sites/4/2022/01/pris lista-300x200.png"),
            "sites/4/2022/01/pris lista.png"
        );
        assert_eq!(original("2022/01/foto-scaled.jpg"), "2022/01/foto.jpg");
        assert_eq!(
            original("2022/01/foto-1024x768-scaled.jpg"),
            "2022/01/foto.jpg"
        );
        assert_eq!(original("2022/01/windows-10.png"), "2022/01/windows-10.png");
        assert_eq!(original("2022/01/a-x2.png"), "2022/01/a-x2.png");
        assert_eq!(upload_path("https://example.com/img/x.png"), None);
        assert_eq!(
            upload_path("https://h/wp-content/uploads/../../etc/passwd"),
            None
        );
    }
}
