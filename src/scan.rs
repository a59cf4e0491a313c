//! Finding the few bytes of a text that need something done: the output's escapers pass over
//! hundreds of megabytes of text of which almost every byte needs nothing, and the body text
//! looks for whitespace other than spaces. (Not for the spaces themselves: in running text
//! one comes every few bytes, and a block-wise search then costs more than it saves.)

/// The position of the first byte at or after `from` for which `hit` holds, or the length of
/// `bytes`. Sixteen bytes are tested at a time without stopping at the first hit, which the
/// compiler turns into vector instructions (if `hit` is written with `|`, not `||` or
/// `matches!`); the byte itself is then found in that block.
#[inline]
pub fn find(bytes: &[u8], mut from: usize, hit: impl Fn(u8) -> bool) -> usize {
    while let Some(block) = bytes.get(from..from + 16) {
        if block.iter().fold(false, |any, &b| any | hit(b)) {
            break;
        }
        from += 16;
    }
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| hit(b)))
        .map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Finds what a plain search from `from` finds, at every offset of the blocks.
        #[test]
        fn finds_the_first_hit(text in proptest::collection::vec(proptest::sample::select(vec![b'a', b'<', b' ']), 0..70), from in 0usize..80) {
            let from = from.min(text.len());
            let plain = text[from..].iter().position(|&b| b == b'<').map_or(text.len(), |p| from + p);
            proptest::prop_assert_eq!(super::find(&text, from, |b| b == b'<'), plain);
        }
    }
}
