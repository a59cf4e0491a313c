//! Text analysis shared by the index and (mirrored in `static/search.js`) the browser:
//! tokenising, case and diacritic folding, stemming and Swedish compound splitting.
//!
//! The browser has no stemmer: the index ships an alias from every folded word form it saw to
//! its folded stem, so the two sides only have to agree on tokenising and folding, which are
//! a few lines each and tested here against the same cases as the JavaScript.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Lower case without diacritics: "Lösenord" → "losenord" (NFD, combining marks dropped;
/// JavaScript's `normalize("NFD")` gives the same result).
pub(crate) fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// One token of a text: `word` is what is indexed (lower case, not folded), `parts` the
/// pieces of a joined token ("e-post" → "epost" with parts "e", "post"; a host keeps its
/// dots: "imap.websupport.se" with parts "imap", "websupport", "se").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub word: String,
    pub parts: Vec<String>,
}

/// Splits text into tokens: runs of letters and digits, joined by single `-` or `.`.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    each_token(text, |word, parts| {
        out.push(Token {
            word: word.to_string(),
            parts: parts.iter().map(|p| p.to_string()).collect(),
        })
    });
    out
}

/// Calls `f(word, parts)` for every token of `text` without allocating per token: `word` is
/// lower case with hyphens removed, `parts` the pieces of a joined token (empty otherwise).
pub(crate) fn each_token(text: &str, mut f: impl FnMut(&str, &[&str])) {
    each_raw_token(text, |raw| {
        let (word, parts) = split_joined(raw.as_str());
        f(&word, &parts)
    });
}

/// What a byte means to the tokenizer, looked up in one step (most text is ASCII).
#[derive(Clone, Copy, PartialEq)]
enum Class {
    /// `a`–`z`, `0`–`9`: a token that is only these is already lower case.
    Lower,
    /// `A`–`Z`.
    Upper,
    /// `-` and `.`: inside a token when a letter or digit follows.
    Joiner,
    /// Every other ASCII byte.
    Separator,
    /// 0xC3, the lead byte of U+00C0–U+00FF.
    Latin1,
    /// Any other byte of a multi-byte character.
    Other,
}

const CLASS: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'0'..=b'9' => Class::Lower,
            b'A'..=b'Z' => Class::Upper,
            b'-' | b'.' => Class::Joiner,
            _ => Class::Separator,
        };
        b += 1;
    }
    table[0xC3] = Class::Latin1;
    table
};

/// Calls `f(raw)` for every token of `text`, lower case, joiners kept ("e-post",
/// "imap.websupport.se"): `split_joined` makes the indexed word and its parts of it.
///
/// Most tokens are lower-case ASCII words: those are handed out as slices of `text`, and only
/// the others are lowered into a buffer. `reference::each_token` is the plain version it is
/// tested against.
pub(crate) fn each_raw_token<'t>(text: &'t str, mut f: impl FnMut(Raw<'t, '_>)) {
    let bytes = text.as_bytes();
    // Room for any word from the start: growing it was most of the index's reallocations.
    let mut lowered = String::with_capacity(64);
    let mut i = 0;
    while i < bytes.len() {
        // Separators: the ASCII ones (most) without decoding a character.
        match CLASS[bytes[i] as usize] {
            Class::Lower | Class::Upper => {}
            Class::Joiner | Class::Separator => {
                i += 1;
                continue;
            }
            Class::Latin1 | Class::Other => {
                let (alnum, width) = alnum_at(text, i);
                if !alnum {
                    i += width;
                    continue;
                }
            }
        }
        let start = i;
        // Lower-case ASCII letters and digits only: the token is its own slice of `text`.
        let mut plain = true;
        while i < bytes.len() {
            // Most of a token: lower-case letters and digits, in a loop of their own.
            while i < bytes.len() && CLASS[bytes[i] as usize] == Class::Lower {
                i += 1;
            }
            let Some(&b) = bytes.get(i) else { break };
            match CLASS[b as usize] {
                Class::Lower => i += 1,
                Class::Upper => {
                    plain = false;
                    i += 1;
                }
                Class::Joiner => {
                    if i + 1 < bytes.len() && alnum_at(text, i + 1).0 {
                        plain = false;
                        i += 1;
                    } else {
                        break;
                    }
                }
                Class::Latin1 => {
                    // U+00C0–U+00FF, most of Swedish's letters: all letters but × and ÷, the
                    // lower-case ones (from ß) already lowered.
                    match bytes[i + 1] {
                        0x97 | 0xB7 => break,
                        n => plain &= n >= 0x9F,
                    }
                    i += 2;
                }
                Class::Other => {
                    let (alnum, width) = alnum_at(text, i);
                    if !alnum {
                        break;
                    }
                    plain = false;
                    i += width;
                }
                Class::Separator => break,
            }
        }
        let token = &text[start..i];
        if plain {
            f(Raw::Text(token));
        } else {
            lowered.clear();
            for c in token.chars() {
                if c.is_ascii() {
                    lowered.push(c.to_ascii_lowercase());
                } else {
                    lowered.extend(c.to_lowercase());
                }
            }
            f(Raw::Lowered(&lowered));
        }
    }
}

/// A raw token: a slice of the text itself when it was already lower case, or else the
/// lowered copy, valid only during the callback.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Raw<'t, 'b> {
    Text(&'t str),
    Lowered(&'b str),
}

impl<'t> Raw<'t, '_> {
    pub fn as_str(&self) -> &str {
        match self {
            Raw::Text(s) => s,
            Raw::Lowered(s) => s,
        }
    }

    /// The token, borrowed from the text where it can be.
    pub(crate) fn to_cow(self) -> std::borrow::Cow<'t, str> {
        match self {
            Raw::Text(s) => std::borrow::Cow::Borrowed(s),
            Raw::Lowered(s) => std::borrow::Cow::Owned(s.to_string()),
        }
    }
}

/// The indexed word of a raw token and the parts of a joined one: "e-post" → "epost" with
/// parts "e", "post"; "imap.websupport.se" keeps its dots, with parts "imap", "websupport",
/// "se"; a plain word is itself, with no parts (and nothing is allocated).
pub(crate) fn split_joined(raw: &str) -> (std::borrow::Cow<'_, str>, Vec<&str>) {
    if !raw.contains(['-', '.']) {
        return (std::borrow::Cow::Borrowed(raw), Vec::new());
    }
    let word = raw.chars().filter(|c| *c != '-').collect();
    let parts = raw.split(['-', '.']).filter(|p| !p.is_empty()).collect();
    (std::borrow::Cow::Owned(word), parts)
}

/// Whether the character at byte `i` of `text` is a letter or digit, and its width in bytes.
fn alnum_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    if b == 0xC3 {
        // U+00C0–U+00FF: letters, but for × and ÷.
        return (!matches!(text.as_bytes()[i + 1], 0x97 | 0xB7), 2);
    }
    let c = text[i..].chars().next().expect("i is a char boundary");
    (c.is_alphanumeric(), c.len_utf8())
}

/// A locale's stemmer and stop words (Snowball's), or none for languages Snowball does not
/// know.
pub(crate) struct Analyzer {
    stemmer: Option<Stemmer>,
    /// Lower case, not folded: "år" (year) is not "är" (is).
    pub stop_words: &'static [&'static str],
    /// Swedish and its neighbours join compounds with a linking `s`.
    linking_s: bool,
}

impl Analyzer {
    pub fn new(lang: &str) -> Analyzer {
        let algorithm = match lang {
            "sv" => Some(Algorithm::Swedish),
            "en" => Some(Algorithm::English),
            "da" => Some(Algorithm::Danish),
            "no" | "nb" | "nn" => Some(Algorithm::Norwegian),
            "de" => Some(Algorithm::German),
            "fi" => Some(Algorithm::Finnish),
            "fr" => Some(Algorithm::French),
            "nl" => Some(Algorithm::Dutch),
            "es" => Some(Algorithm::Spanish),
            _ => None,
        };
        let language = lang.split('-').next().unwrap_or(lang);
        Analyzer {
            stemmer: algorithm.map(Stemmer::create),
            stop_words: stop_words::lookup(language).unwrap_or_default(),
            linking_s: matches!(lang, "sv" | "da" | "no" | "nb" | "nn" | "de"),
        }
    }

    /// The folded stem of a lower-case word: "lösenorden" → "losenord". Numbers and host
    /// names are kept whole.
    pub(crate) fn stem(&self, word: &str) -> String {
        if word.contains('.') || word.chars().any(|c| c.is_ascii_digit()) {
            return fold(word);
        }
        match &self.stemmer {
            Some(s) => fold(&s.stem(word)),
            None => fold(word),
        }
    }

    /// Splits a folded compound into known words: "losenordsbyte" → ["losenord", "byte"].
    /// The first part must be a word of the site (`vocabulary`, folded, at least 4 letters);
    /// the rest is a known word, a known compound, or a remainder of at least 4 letters.
    pub(crate) fn split_compound(&self, word: &str, vocabulary: &HashSet<String>) -> Vec<String> {
        const MIN_WORD: usize = 6;
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < MIN_WORD + 2 || !chars.iter().all(|c| c.is_alphabetic()) {
            return Vec::new();
        }
        // Longest known first part wins: "losenords|byte" before "losen|ordsbyte".
        for cut in (4..=chars.len() - 3).rev() {
            let head: String = chars[..cut].iter().collect();
            if !vocabulary.contains(&head) {
                continue;
            }
            let rest: String = chars[cut..].iter().collect();
            let without_s = rest.strip_prefix('s').filter(|_| self.linking_s);
            let tail = if vocabulary.contains(&rest) {
                rest
            } else if let Some(w) =
                without_s.filter(|w| vocabulary.contains(*w) || w.chars().count() >= 4)
            {
                w.to_string()
            } else if rest.chars().count() >= 4 {
                rest
            } else {
                continue;
            };
            let mut parts = vec![head];
            let deeper = self.split_compound(&tail, vocabulary);
            if deeper.is_empty() {
                parts.push(tail);
            } else {
                parts.extend(deeper);
            }
            return parts;
        }
        Vec::new()
    }
}

/// The tokenizer written plainly, char by char: what `each_token` must agree with.
#[cfg(test)]
mod reference {
    pub(crate) fn each_token(text: &str, mut f: impl FnMut(&str, &[&str])) {
        let mut raw = String::new();
        let mut word = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let joiner = !c.is_alphanumeric()
                && (c == '-' || c == '.')
                && !raw.is_empty()
                && chars.peek().is_some_and(|n| n.is_alphanumeric());
            if c.is_alphanumeric() || joiner {
                raw.extend(c.to_lowercase());
            } else if !raw.is_empty() {
                emit(&raw, &mut word, &mut f);
                raw.clear();
            }
        }
        if !raw.is_empty() {
            emit(&raw, &mut word, &mut f);
        }
    }

    fn emit(raw: &str, word: &mut String, f: &mut impl FnMut(&str, &[&str])) {
        if raw.contains(['-', '.']) {
            word.clear();
            word.extend(raw.chars().filter(|c| *c != '-'));
            let parts: Vec<&str> = raw.split(['-', '.']).filter(|p| !p.is_empty()).collect();
            f(word, &parts);
        } else {
            f(raw, &[]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_diacritics() {
        assert_eq!(fold("Lösenord"), "losenord");
        assert_eq!(fold("ÅÄÖ éü"), "aao eu");
        assert_eq!(fold("E-POST"), "e-post");
    }

    #[test]
    fn tokens_join_hyphens_and_keep_hosts() {
        let t = tokens("Byt e-post: imap.websupport.se, port 993. Klart!");
        let words: Vec<&str> = t.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            ["byt", "epost", "imap.websupport.se", "port", "993", "klart"]
        );
        assert_eq!(t[1].parts, ["e", "post"]);
        assert_eq!(t[2].parts, ["imap", "websupport", "se"]);
        assert!(t[0].parts.is_empty());
        assert_eq!(tokens("E-POST")[0].word, "epost");
    }

    #[test]
    fn stems_are_folded_and_numbers_kept() {
        let sv = Analyzer::new("sv");
        assert_eq!(sv.stem("lösenorden"), sv.stem("lösenord"));
        assert_eq!(sv.stem("lösenord"), "losenord");
        assert_eq!(sv.stem("993"), "993");
        assert_eq!(sv.stem("imap.websupport.se"), "imap.websupport.se");
        let en = Analyzer::new("en");
        assert_eq!(en.stem("passwords"), en.stem("password"));
        assert_eq!(en.stem("installation"), en.stem("installing"));
    }

    #[test]
    fn swedish_compounds_split_against_the_vocabulary() {
        let sv = Analyzer::new("sv");
        let vocab: HashSet<String> = ["losenord", "konto", "kontroll", "panelen", "epost"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            sv.split_compound("losenordsbyte", &vocab),
            ["losenord", "byte"]
        );
        assert_eq!(
            sv.split_compound("kontrollpanelen", &vocab),
            ["kontroll", "panelen"]
        );
        assert_eq!(sv.split_compound("epostkonto", &vocab), ["epost", "konto"]);
        assert!(sv.split_compound("losenord", &vocab).is_empty());
        assert!(sv.split_compound("fakturor", &vocab).is_empty());
    }

    fn all_tokens(
        each: impl Fn(&str, &mut dyn FnMut(&str, &[&str])),
        text: &str,
    ) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        each(text, &mut |w, parts| {
            out.push((w.to_string(), parts.iter().map(|p| p.to_string()).collect()))
        });
        out
    }

    proptest::proptest! {
        /// Text made of the characters that decide token boundaries: ASCII of both cases,
        /// joiners, Swedish letters, the edges of Latin-1's letters (À, Þ, ß, ÿ) and its two
        /// signs among them (× and ÷), a combining mark, a dotted capital I that lowers to
        /// two chars, digits, spaces and punctuation.
        #[test]
        fn fast_tokens_equal_the_plain_ones(text in "[a-zA-Z0-9 .,:!åäöÅÄÖéÀÞßÿ×÷\\u{301}İ\\u{2028}`{@\\[/:\\u{7f}-]{0,60}") {
            let fast = all_tokens(|t, f| each_token(t, f), &text);
            let plain = all_tokens(|t, f| reference::each_token(t, f), &text);
            proptest::prop_assert_eq!(fast, plain);
        }
    }
}
