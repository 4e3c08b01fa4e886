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
//! Words all in lower-case ASCII against an ASCII name are matched by a
//! byte-level equivalent of nucleo's, on the list's lower-cased copy in
//! memory order: the same answer, without a pass through every row.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Matcher, Utf32Str};

use crate::store::arn_region_account;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Fast {
    kind: AtomKind,
    negative: bool,
    /// Lower-case ASCII.
    needle: String,
}

/// A query, read.
#[derive(Debug, Default)]
pub struct Query {
    /// Lowercase, without the `@`.
    pub places: Vec<String>,
    /// The other words, as typed.
    text: String,
    pattern: Pattern,
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
        let fast = pattern
            .atoms
            .iter()
            .map(|atom| {
                let needle = atom.needle_text().to_string();
                let plain = needle.is_ascii() && !needle.bytes().any(|b| b.is_ascii_uppercase());
                plain.then_some(Fast {
                    kind: atom.kind,
                    negative: atom.negative,
                    needle,
                })
            })
            .collect();
        Query {
            places: places
                .into_iter()
                .map(|p| p.trim_start_matches('@').to_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
            text,
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

    /// The words match a name. `lower` is the name lower-cased; `name`
    /// gives it as it is, asked only when the byte-level form cannot say.
    pub fn words_match<'a>(
        &self,
        lower: &str,
        name: impl FnOnce() -> &'a str,
        matcher: &mut Matcher,
    ) -> bool {
        if self.no_words() {
            return true;
        }
        if let Some(fast) = &self.fast
            && lower.is_ascii()
        {
            return fast.iter().all(|f| fast_match(f, lower.as_bytes()));
        }
        let mut buf = Vec::new();
        let hay = Utf32Str::new(name(), &mut buf);
        self.pattern.score(hay, matcher).is_some()
    }

    /// The secret `name` (with `arn`) matches: for `list --filter`.
    pub fn matches(&self, name: &str, arn: &str) -> bool {
        let mut matcher = Matcher::default();
        self.words_match(&name.to_lowercase(), || name, &mut matcher) && self.in_scope(arn)
    }

    /// Which characters of `shown` (the name as displayed) the words
    /// matched, as char positions, sorted: for the highlight.
    pub fn highlights(&self, shown: &str, matcher: &mut Matcher) -> Vec<u32> {
        if self.no_words() {
            return Vec::new();
        }
        let mut buf = Vec::new();
        let mut indices = Vec::new();
        let hay = Utf32Str::new(shown, &mut buf);
        if self.pattern.indices(hay, matcher, &mut indices).is_none() {
            return Vec::new();
        }
        indices.sort_unstable();
        indices.dedup();
        indices
    }
}

fn fast_match(f: &Fast, hay: &[u8]) -> bool {
    let needle = f.needle.as_bytes();
    let found = match f.kind {
        AtomKind::Fuzzy => subsequence(needle, hay),
        AtomKind::Substring => contains(hay, needle),
        AtomKind::Prefix => hay.starts_with(needle),
        AtomKind::Postfix => hay.ends_with(needle),
        AtomKind::Exact => hay == needle,
        _ => contains(hay, needle),
    };
    found != f.negative
}

/// Every byte of `needle` in `hay`, in order.
fn subsequence(needle: &[u8], hay: &[u8]) -> bool {
    let mut rest = hay;
    for &b in needle {
        match rest.iter().position(|&h| h == b) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

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
