//! Names writers and translators type that become parts of URLs and file names: slugs,
//! content keys, locale codes and alias paths. A leaf: the configuration, the loader and the
//! model all check names, and none of them owns the rules.

/// A URL path segment as writers may type it: lower-case ASCII letters, digits and dashes.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A folder or file key: lower-case ASCII letters, digits, `-` and `_`.
pub(crate) fn is_key(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['-', '.'])
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A slug from a title: "Lösenordsbyte i kontrollpanelen" → `losenordsbyte-i-kontrollpanelen`.
pub fn slugify(title: &str) -> String {
    slug::slugify(title)
}

/// The id a heading's text gives it: its slug, or `section` for text with none.
pub(crate) fn heading_id(text: &str) -> String {
    match slugify(text) {
        s if s.is_empty() => "section".into(),
        s => s,
    }
}

/// `base`, or `base-2`, `base-3`, … : the first that `used` does not hold, now held there.
pub(crate) fn unique_id(base: &str, used: &mut std::collections::BTreeSet<String>) -> String {
    let mut unique = base.to_string();
    let mut n = 2;
    while !used.insert(unique.clone()) {
        unique = format!("{base}-{n}");
        n += 1;
    }
    unique
}

/// Whether `code` can be a locale code: lower-case letters, digits and dashes, starting with a
/// letter and not ending with a dash (`sv`, `pt-br`), since it is a path segment, part of
/// article file names (`x.pt-br.md`) and `<html lang>`.
pub(crate) fn is_locale_code(code: &str) -> bool {
    code.starts_with(|c: char| c.is_ascii_lowercase()) && is_slug(code)
}

/// An alias is a path on this site: it starts with `/`, has only safe segments and no
/// scheme, host, query or `..`.
pub(crate) fn check_alias(alias: &str) -> Result<(), &'static str> {
    if !alias.starts_with('/') || alias.starts_with("//") {
        return Err("must be a path starting with `/`");
    }
    if alias.contains(['\\', '?', '#', ':']) || alias.chars().any(char::is_control) {
        return Err("may not hold `\\`, `?`, `#`, `:` or control characters");
    }
    for seg in alias.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." {
            return Err("may not hold `.` or `..` segments");
        }
    }
    if alias.split('/').filter(|s| !s.is_empty()).count() == 0 {
        return Err("cannot be the home page");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_swedish_letters() {
        assert_eq!(
            slugify("E-postprotokoll (IMAP vs POP3)"),
            "e-postprotokoll-imap-vs-pop3"
        );
        assert_eq!(
            slugify("Byt lösenord för e-post"),
            "byt-losenord-for-e-post"
        );
        assert!(is_slug("kb-1"));
        assert!(!is_slug("../etc"));
        assert!(!is_slug("A"));
    }

    #[test]
    fn aliases_stay_on_the_site() {
        assert!(check_alias("/kb/old/").is_ok());
        for bad in [
            "kb/x",
            "//evil.com/x",
            "/kb/../../x",
            "/a\\b",
            "javascript:alert(1)",
            "/x\n",
            "/",
        ] {
            assert!(check_alias(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any title gives a slug that is safe in a URL path, and slugging a slug changes nothing.
        #[test]
        fn slugs_are_url_safe_and_idempotent(title in "\\PC{0,80}") {
            let s = slugify(&title);
            prop_assert!(s.is_empty() || is_slug(&s), "{s:?}");
            prop_assert_eq!(slugify(&s), s);
        }

        /// A Swedish or English title gives the slug the README promises: its words, å and ä
        /// as a, ö as o, in lower case, joined by dashes; nothing else of the title survives.
        #[test]
        fn slugs_are_the_titles_words_as_the_readme_says(
            title in "[A-Za-z0-9åäöÅÄÖ ,.!?:()/&'-]{0,60}"
        ) {
            let folded: String = title
                .chars()
                .map(|c| match c {
                    'å' | 'ä' | 'Å' | 'Ä' => 'a',
                    'ö' | 'Ö' => 'o',
                    c => c.to_ascii_lowercase(),
                })
                .collect();
            let words: Vec<&str> = folded
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            prop_assert_eq!(slugify(&title), words.join("-"));
        }

        /// No alias that passes the check can leave the site or carry a scheme.
        #[test]
        fn accepted_aliases_stay_on_the_site(alias in "[/a-z.:\\\\%?#-]{0,20}") {
            if check_alias(&alias).is_ok() {
                prop_assert!(alias.starts_with('/') && !alias.starts_with("//"));
                prop_assert!(!alias.split('/').any(|seg| seg == ".."));
                prop_assert!(!alias.contains(':') && !alias.contains('\\'));
            }
        }
    }
}
