//! nucleo's matcher, for the words the byte-level one cannot take (a name
//! or a word beyond ASCII), with one mend: nucleo 0.3.1 never tries a
//! substring at the very end of a non-ASCII name (helix-editor/nucleo#104),
//! so there a `'word` is also tried as a suffix.

use nucleo_matcher::pattern::{Atom, AtomKind};
use nucleo_matcher::{Matcher, Utf32Str};

#[derive(Debug, Default)]
pub(super) struct Words(Vec<Word>);

#[derive(Debug)]
struct Word {
    /// The word, as a match (an exclusion is `negative`).
    atom: Atom,
    negative: bool,
    /// A substring word as a suffix.
    tail: Option<Atom>,
}

impl Word {
    fn new(atom: &Atom) -> Word {
        let mut positive = atom.clone();
        positive.negative = false;
        let tail = (atom.kind == AtomKind::Substring).then(|| {
            let mut tail = positive.clone();
            tail.kind = AtomKind::Postfix;
            tail
        });
        Word {
            atom: positive,
            negative: atom.negative,
            tail,
        }
    }

    /// The word is in `hay` (whether or not it excludes).
    fn found(&self, hay: Utf32Str<'_>, matcher: &mut Matcher) -> bool {
        self.atom.score(hay, matcher).is_some()
            || self.tail_applies(hay)
                && self
                    .tail
                    .as_ref()
                    .is_some_and(|t| t.score(hay, matcher).is_some())
    }

    fn tail_applies(&self, hay: Utf32Str<'_>) -> bool {
        matches!(hay, Utf32Str::Unicode(_)) && self.tail.is_some()
    }
}

impl Words {
    pub fn new(atoms: &[Atom]) -> Words {
        Words(atoms.iter().map(Word::new).collect())
    }

    /// Word `at` matches `hay`.
    pub fn word_matches(&self, at: usize, hay: Utf32Str<'_>, matcher: &mut Matcher) -> bool {
        let word = &self.0[at];
        word.found(hay, matcher) != word.negative
    }

    /// Every word matches `hay`.
    pub fn matches(&self, hay: Utf32Str<'_>, matcher: &mut Matcher) -> bool {
        (0..self.0.len()).all(|at| self.word_matches(at, hay, matcher))
    }

    /// Word `at` matches `hay`; the characters it lit go to `out`.
    pub fn word_indices(
        &self,
        at: usize,
        hay: Utf32Str<'_>,
        matcher: &mut Matcher,
        out: &mut Vec<u32>,
    ) -> bool {
        let word = &self.0[at];
        if word.negative {
            return !word.found(hay, matcher);
        }
        word.atom.indices(hay, matcher, out).is_some()
            || word.tail_applies(hay)
                && word
                    .tail
                    .as_ref()
                    .is_some_and(|t| t.indices(hay, matcher, out).is_some())
    }
}
