//! The byte-level matcher: nucleo's answer for an ASCII word against an
//! ASCII name, without decoding the name (a keystroke at 100,000 rows
//! needs it), and right where nucleo 0.3.1 is not: a case-sensitive `^` or
//! `$` word is compared with the name's start or end, not the whole name
//! (helix-editor/nucleo#71, fixed after that release).

use nucleo_matcher::pattern::{Atom, AtomKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fast {
    pub kind: AtomKind,
    pub negative: bool,
    /// ASCII.
    pub needle: String,
    /// All lower-case: matched whatever the name's case (smart case).
    pub fold: bool,
}

impl Fast {
    /// The word's byte-level form, when it is ASCII.
    pub fn of(atom: &Atom) -> Option<Fast> {
        let needle = atom.needle_text().to_string();
        let fold = !needle.bytes().any(|b| b.is_ascii_uppercase());
        needle.is_ascii().then_some(Fast {
            kind: atom.kind,
            negative: atom.negative,
            needle,
            fold,
        })
    }

    /// The characters a case-sensitive `^`, `$` or `^…$` word lights in
    /// `hay`, an ASCII name it matches: where nucleo 0.3.1 cannot say.
    pub fn anchored(&self, hay: &[u8]) -> Option<std::ops::Range<u32>> {
        let (n, len) = (self.needle.len() as u32, hay.len() as u32);
        match self.kind {
            _ if self.fold || self.negative => None,
            AtomKind::Prefix | AtomKind::Exact => Some(0..n),
            AtomKind::Postfix => Some(len.saturating_sub(n)..len),
            _ => None,
        }
    }

    /// The word matches `hay`, an ASCII name.
    pub fn matches(&self, hay: &[u8]) -> bool {
        let found = if self.fold {
            found::<true>(self.kind, self.needle.as_bytes(), hay)
        } else {
            found::<false>(self.kind, self.needle.as_bytes(), hay)
        };
        found != self.negative
    }
}

/// `FOLD`: the needle is lower-case and the name's case does not count.
fn found<const FOLD: bool>(kind: AtomKind, needle: &[u8], hay: &[u8]) -> bool {
    let eq = |a: &[u8], b: &[u8]| {
        if FOLD {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    let n = needle.len();
    match kind {
        AtomKind::Fuzzy => subsequence::<FOLD>(needle, hay),
        AtomKind::Prefix => hay.len() >= n && eq(&hay[..n], needle),
        AtomKind::Postfix => hay.len() >= n && eq(&hay[hay.len() - n..], needle),
        AtomKind::Exact => eq(hay, needle),
        _ => n == 0 || hay.windows(n).any(|w| eq(w, needle)),
    }
}

/// Every byte of `needle` in `hay`, in order.
fn subsequence<const FOLD: bool>(needle: &[u8], hay: &[u8]) -> bool {
    let mut rest = hay;
    for &b in needle {
        let at = if FOLD && b.is_ascii_lowercase() {
            let upper = b.to_ascii_uppercase();
            rest.iter().position(|&h| h == b || h == upper)
        } else {
            rest.iter().position(|&h| h == b)
        };
        match at {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}
