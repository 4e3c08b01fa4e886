//! The filter's grammar, the same in the dashboard and in `list --filter`.
//!
//! - Words starting with `@` keep to a region, an account or an account's
//!   name (a prefix will do).
//! - The other words are fzf's, through `nucleo-matcher`: a plain word
//!   matches when its characters appear in the name in order (`pstgres`
//!   finds `postgres`); `'word` is a substring, `^word` a prefix, `word$` a
//!   suffix, `!word` excludes. Every word must match. Smart case: a word
//!   with an upper-case letter is matched case-sensitively.
//!
//! ASCII words against an ASCII name are matched by a byte-level
//! equivalent of nucleo's: the same answer, several times faster, which a
//! keystroke at 100,000 rows needs.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Matcher, Utf32Str};

use crate::store::arn_region_account;
use atoms::Words;
use bytes::Fast;

mod atoms;
mod bytes;

/// A query, read.
#[derive(Debug, Default)]
pub struct Query {
    /// Lowercase, without the `@`.
    pub places: Vec<String>,
    /// The other words, as typed.
    text: String,
    pattern: Pattern,
    words: Words,
    /// Every word in its byte-level form, when all have one.
    fast: Option<Vec<Fast>>,
}

impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        self.places == other.places && self.text == other.text
    }
}

impl Eq for Query {}

impl Clone for Query {
    fn clone(&self) -> Self {
        Query::parse(&self.source())
    }
}

impl Query {
    pub fn parse(query: &str) -> Query {
        let (places, words): (Vec<&str>, Vec<&str>) =
            query.split_whitespace().partition(|w| w.starts_with('@'));
        let text = words.join(" ");
        let pattern = Pattern::parse(&text, CaseMatching::Smart, Normalization::Smart);
        let fast = pattern.atoms.iter().map(Fast::of).collect();
        Query {
            places: places
                .into_iter()
                .map(|p| p.trim_start_matches('@').to_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
            text,
            words: Words::new(&pattern.atoms),
            pattern,
            fast,
        }
    }

    /// The query as it would be typed again.
    fn source(&self) -> String {
        let mut s = self.text.clone();
        for p in &self.places {
            s.push_str(" @");
            s.push_str(p);
        }
        s
    }

    /// No words for the name: every name matches.
    pub fn no_words(&self) -> bool {
        self.pattern.atoms.is_empty()
    }

    /// Every name `self` matches, `previous` matched: `self` only added
    /// letters to the words (or words), and did not lengthen an excluding
    /// word, which would let more through.
    pub fn narrows(&self, previous: &Query) -> bool {
        if self.places != previous.places || !self.text.starts_with(&previous.text) {
            return false;
        }
        let continues_last_word = !previous.text.is_empty()
            && self.text.len() > previous.text.len()
            && !self.text[previous.text.len()..].starts_with(' ');
        let last_negative = previous.pattern.atoms.last().is_some_and(|a| a.negative)
            || previous
                .text
                .rsplit(' ')
                .next()
                .is_some_and(|w| w.starts_with('!'));
        !(continues_last_word && last_negative)
    }

    /// Every `@` word names the ARN's region or account.
    pub fn in_scope(&self, arn: &str) -> bool {
        self.in_scope_named(arn, None)
    }

    /// Every `@` word names the ARN's region, its account, or the account's
    /// name (`account_name`, lowercase, from the config): a prefix will do.
    pub fn in_scope_named(&self, arn: &str, account_name: Option<&str>) -> bool {
        if self.places.is_empty() {
            return true;
        }
        let (region, account) = arn_region_account(arn);
        self.places.iter().all(|p| {
            region.starts_with(p.as_str())
                || account.starts_with(p.as_str())
                || account_name.is_some_and(|n| n.starts_with(p.as_str()))
        })
    }

    /// How many words for the name there are.
    pub fn word_count(&self) -> usize {
        self.pattern.atoms.len()
    }

    /// When `self` narrows `previous` (see `narrows`) and its words are
    /// the same but for the last one, lengthened or new: that word's
    /// index. A row `previous` matched then needs only that word tried.
    pub fn changed_word(&self, previous: &Query) -> Option<usize> {
        let (now, before) = (&self.pattern.atoms, &previous.pattern.atoms);
        let last = now.len().checked_sub(1)?;
        let kept = before.len() == now.len() || before.len() == last;
        (kept && now[..last] == before[..last] && self.narrows(previous)).then_some(last)
    }

    /// The words match a name; `ascii`: the name is ASCII.
    pub fn words_match(&self, name: &str, ascii: bool, matcher: &mut Matcher) -> bool {
        if self.no_words() {
            return true;
        }
        if let Some(fast) = &self.fast
            && ascii
        {
            return fast.iter().all(|f| f.matches(name.as_bytes()));
        }
        let mut buf = Vec::new();
        let hay = Utf32Str::new(name, &mut buf);
        self.words.matches(hay, matcher)
    }

    /// Word `at` alone matches a name; `ascii`: the name is ASCII.
    pub fn word_matches(&self, at: usize, name: &str, ascii: bool, matcher: &mut Matcher) -> bool {
        if let Some(fast) = &self.fast
            && ascii
        {
            return fast[at].matches(name.as_bytes());
        }
        let mut buf = Vec::new();
        let hay = Utf32Str::new(name, &mut buf);
        self.words.word_matches(at, hay, matcher)
    }

    /// The secret `name` (with `arn`) matches: for `list --filter`.
    pub fn matches(&self, name: &str, arn: &str) -> bool {
        self.matches_named(name, arn, None)
    }

    /// `matches`, where `@` words may also name the account by its name
    /// from the config (`account_name`, lowercase).
    pub fn matches_named(&self, name: &str, arn: &str, account_name: Option<&str>) -> bool {
        let mut matcher = Matcher::default();
        self.words_match(name, name.is_ascii(), &mut matcher)
            && self.in_scope_named(arn, account_name)
    }

    /// Which characters of `shown` (the name as displayed) the words
    /// matched, as char positions, sorted: for the highlight.
    pub fn highlights(&self, shown: &str, matcher: &mut Matcher) -> Vec<u32> {
        if self.no_words() {
            return Vec::new();
        }
        if !self.words_match(shown, shown.is_ascii(), matcher) {
            return Vec::new();
        }
        let mut buf = Vec::new();
        let mut indices = Vec::new();
        let hay = Utf32Str::new(shown, &mut buf);
        for at in 0..self.word_count() {
            let anchored = self.fast.as_ref().filter(|_| shown.is_ascii());
            match anchored.and_then(|fast| fast[at].anchored(shown.as_bytes())) {
                Some(range) => indices.extend(range),
                None => {
                    self.words.word_indices(at, hay, matcher, &mut indices);
                }
            }
        }
        indices.sort_unstable();
        indices.dedup();
        indices
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nucleo_matcher::pattern::AtomKind;

    const ARN: &str = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/Db-AbCdEf";

    fn m(query: &str, name: &str) -> bool {
        Query::parse(query).matches(name, ARN)
    }

    #[test]
    fn the_characters_in_order_are_enough() {
        assert!(m("pstgres", "prod/orders/postgres-primary"));
        assert!(m("prdpst", "prod/orders/postgres-primary"));
        assert!(!m("sergtsop", "prod/orders/postgres-primary"), "in order");
        assert!(m("", "anything"));
    }

    #[test]
    fn smart_case_exact_negated_and_several_words() {
        assert!(m("db", "prod/Db"));
        assert!(m("Db", "prod/Db"));
        assert!(
            !m("DB", "prod/Db"),
            "an upper-case letter makes it exact in case"
        );
        assert!(m("'orders/postgres-p", "prod/orders/postgres-primary"));
        assert!(
            !m("'pstgres", "prod/orders/postgres-primary"),
            "exact is a substring"
        );
        assert!(m("prod pst", "prod/orders/postgres-primary"));
        assert!(!m("prod xyz", "prod/orders/postgres-primary"), "every word");
        assert!(!m("prod !orders", "prod/orders/postgres-primary"));
        assert!(m("^prod", "prod/orders/postgres-primary"));
        assert!(m("primary$", "prod/orders/postgres-primary"));
    }

    #[test]
    fn unicode_names_match_through_nucleo() {
        assert!(m("tokyo", "team-tokyo/ingest"));
        assert!(m("東京", "team-東京/ingest/kafka-sasl"));
        assert!(m("kfk", "team-東京/ingest/kafka-sasl"));
        assert!(
            m("cafe", "team/café"),
            "accents are folded for a plain needle"
        );
    }

    #[test]
    fn anchored_and_exact_words_hold_where_nucleo_slips() {
        // A case-sensitive prefix, on an ASCII name.
        assert!(m("^Prod", "Prod/orders"));
        assert!(!m("^Prod", "prod/orders"));
        assert!(m("ders$", "Prod/orders"));
        // A substring at the very end of a non-ASCII name.
        assert!(m("'kafka", "team-東京/kafka"));
        assert!(!m("!'kafka", "team-東京/kafka"));
        let mut matcher = Matcher::default();
        let lit = |q: &str, shown: &str, matcher: &mut Matcher| {
            let at = Query::parse(q).highlights(shown, matcher);
            let chars: Vec<char> = shown.chars().collect();
            at.iter().map(|&i| chars[i as usize]).collect::<String>()
        };
        assert_eq!(lit("^Prod", "Prod/orders", &mut matcher), "Prod");
        assert_eq!(lit("'kafka", "team-東京/kafka", &mut matcher), "kafka");
    }

    #[test]
    fn places_keep_to_a_region_an_account_or_its_name() {
        let q = Query::parse("prod @eu-west");
        assert!(q.matches("prod/Db", ARN));
        assert!(Query::parse("@2109 @eu").matches("prod/Db", ARN));
        assert!(!Query::parse("prod @us-east-1").matches("prod/Db", ARN));
        assert!(Query::parse("@payments").in_scope_named(ARN, Some("payments-prod")));
    }

    #[test]
    fn a_query_narrows_when_it_only_adds_letters_unless_to_an_excluding_word() {
        let narrows = |a: &str, b: &str| Query::parse(b).narrows(&Query::parse(a));
        assert!(narrows("pst", "pstg"));
        assert!(narrows("pst", "pst prod"));
        assert!(narrows("pst !x", "pst !x y"));
        assert!(narrows("'orders", "'orders/"));
        assert!(
            !narrows("pst !x", "pst !xy"),
            "a longer exclusion lets more through"
        );
        assert!(!narrows("pstg", "pst"), "shorter");
        assert!(!narrows("pst", "pst @eu"), "places changed");
    }

    #[test]
    fn the_byte_level_matcher_answers_as_nucleo_does() {
        // A small deterministic generator: names and words over an
        // alphabet with both cases and the characters AWS allows.
        let alphabet = b"abcdeABCDE/-_.+=@0";
        let mut seed = 0x2545_f491_u32;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize % n
        };
        let word = |len: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
            (0..len)
                .map(|_| alphabet[next(alphabet.len())] as char)
                .collect()
        };
        let prefixes = ["", "'", "^", "!", "!'", "!^"];
        let mut matcher = Matcher::default();
        let mut disagreements = Vec::new();
        for _ in 0..4000 {
            let name = word(1 + next(24), &mut next);
            let mut query = String::new();
            for _ in 0..1 + next(2) {
                let w = word(1 + next(4), &mut next);
                let suffix = if next(5) == 0 { "$" } else { "" };
                query += &format!("{}{w}{suffix} ", prefixes[next(prefixes.len())]);
            }
            let q = Query::parse(&query);
            let fast = q.fast.as_ref().expect("ASCII words have a byte-level form");
            for (at, f) in fast.iter().enumerate() {
                let ours = q.word_matches(at, &name, true, &mut matcher);
                let anchored = matches!(
                    f.kind,
                    AtomKind::Prefix | AtomKind::Postfix | AtomKind::Exact
                );
                let theirs = if anchored && !f.fold {
                    // nucleo 0.3.1 compares these with the whole name
                    // (helix-editor/nucleo#71): std says instead.
                    let hit = match f.kind {
                        AtomKind::Prefix => name.starts_with(&f.needle),
                        AtomKind::Postfix => name.ends_with(&f.needle),
                        _ => name == f.needle,
                    };
                    hit != f.negative
                } else {
                    q.word_matches(at, &name, false, &mut matcher)
                };
                if ours != theirs {
                    disagreements.push((query.clone(), at, name.clone(), ours));
                }
            }
        }
        assert!(disagreements.is_empty(), "{disagreements:?}");
    }

    #[test]
    fn highlights_are_char_positions_in_the_shown_name() {
        let mut matcher = Matcher::default();
        let q = Query::parse("pstgres");
        let shown = "prod/orders/postgres";
        let at = q.highlights(shown, &mut matcher);
        let picked: String = at
            .iter()
            .map(|&i| shown.chars().nth(i as usize).unwrap())
            .collect();
        assert_eq!(picked, "pstgres");
        // A wide name: positions count characters, not bytes or cells.
        let at = Query::parse("kfk").highlights("東京/kafka", &mut matcher);
        assert_eq!(at.first(), Some(&3));
    }
}
