//! The filter: fuzzy words for the name and `@` places to keep to (see
//! `crate::filter`). A query that narrows the last one searches only what
//! it matched; a backspace back to a query on the way is a pop.

use super::{Id, SecretList};
use crate::app::names::NameKind;
use nucleo_matcher::Matcher;

/// The filter's grammar, shared with `list --filter`.
pub(super) type Scope = crate::filter::Query;

/// Narrowing more visible rows than this searches their names in memory
/// order instead of in purge order (a cache miss a row).
const SCAN_ABOVE: usize = 8192;

/// The match sets of the queries typed on the way to the current one, kept
/// while their rows add up to at most this many: a backspace is then a pop.
const HISTORY_ROWS: usize = 262_144;

impl SecretList {
    pub fn set_query(&mut self, query: &str) {
        if query == self.query {
            return;
        }
        let scope = Scope::parse(query);
        // What a narrower query matches, the previous one matched.
        let narrower = !self.query.is_empty() && scope.narrows(&self.scope);
        let mut visible = std::mem::take(&mut self.visible);
        let previous = std::mem::replace(&mut self.query, query.to_owned());
        let before = std::mem::replace(&mut self.scope, scope);
        if let Some(at) = self.history.iter().rposition(|(q, _)| *q == self.query) {
            // Back to a query on the way here: its rows, as they were.
            self.history.truncate(at + 1);
            visible = self.history.pop().map(|(_, rows)| rows).unwrap_or_default();
        } else if self.query.is_empty() {
            self.history.clear();
            visible.clear();
            visible.extend_from_slice(&self.order);
        } else if narrower {
            // Only a changed last word needs trying: the rows already
            // match the rest.
            let word = self.scope.changed_word(&before);
            self.remember(previous, &visible);
            if visible.len() <= SCAN_ABOVE {
                visible.retain(|&id| self.name_matches(id, word));
            } else {
                let mut hits = vec![false; self.names.len()];
                for &id in &visible {
                    hits[id as usize] = true;
                }
                self.scan(&mut hits, word);
                visible.retain(|&id| hits[id as usize]);
            }
        } else {
            self.history.clear();
            // A scan by id reads the names in memory order; the order is
            // then kept by filtering it.
            let mut hits = vec![true; self.names.len()];
            self.scan(&mut hits, None);
            visible.clear();
            visible.extend(
                self.order
                    .iter()
                    .copied()
                    .filter(|&id| hits[id as usize] && self.in_scope(id)),
            );
        }
        self.visible = visible;
        self.recount_widths();
        self.reconcile();
    }

    /// Keeps `rows`, what `query` matched, for a backspace back to it.
    fn remember(&mut self, query: String, rows: &[Id]) {
        self.history.push((query, rows.to_vec()));
        let mut total: usize = self.history.iter().map(|(_, r)| r.len()).sum();
        while total > HISTORY_ROWS && !self.history.is_empty() {
            total -= self.history.remove(0).1.len();
        }
    }

    /// Keeps in `hits` the ids whose names the words match (only word
    /// `word`, when given), reading the names in memory order.
    fn scan(&self, hits: &mut [bool], word: Option<usize>) {
        let mut matcher = self.matcher.borrow_mut();
        for (id, hit) in hits.iter_mut().enumerate() {
            if *hit {
                *hit = self.words_match(id as Id, word, &mut matcher);
            }
        }
    }

    fn words_match(&self, id: Id, word: Option<usize>, matcher: &mut Matcher) -> bool {
        let (name, kind) = self.names.get(id);
        let ascii = kind == NameKind::Ascii;
        match (kind, word) {
            (NameKind::Free, _) => false,
            (_, Some(at)) => self.scope.word_matches(at, name, ascii, matcher),
            (_, None) => self.scope.words_match(name, ascii, matcher),
        }
    }

    /// The match sets kept for backspaces no longer hold once rows change.
    pub(super) fn forget_history(&mut self) {
        self.history.clear();
    }

    pub(super) fn recount_widths(&mut self) {
        self.widths.clear();
        for i in 0..self.visible.len() {
            let id = self.visible[i];
            self.count_width(id, 1);
        }
    }

    /// The row matches the query (only word `word` needs trying, when
    /// given: the row matched the others).
    pub(super) fn name_matches(&self, id: Id, word: Option<usize>) -> bool {
        let mut matcher = self.matcher.borrow_mut();
        self.words_match(id, word, &mut matcher) && self.in_scope(id)
    }

    /// Which characters of the shown name the query matched: computed for
    /// a row on screen only.
    pub fn highlights(&self, shown: &str) -> Vec<u32> {
        self.scope.highlights(shown, &mut self.matcher.borrow_mut())
    }

    /// Every `@` word names the row's region, account or account name (a
    /// prefix will do).
    fn in_scope(&self, id: Id) -> bool {
        // Without places, the row itself is never read: at 100,000 rows a
        // look into each one is a cache miss per keystroke.
        if self.scope.places.is_empty() {
            return true;
        }
        let arn = &self.row(id).secret.arn;
        let name = self.account_names.get(arn.account()).map(String::as_str);
        self.scope.in_scope_named(arn.as_str(), name)
    }

    /// Names for accounts (from the config): `@name` keeps to the account.
    pub fn set_account_names(&mut self, names: std::collections::HashMap<String, String>) {
        self.account_names = names
            .into_iter()
            .map(|(id, name)| (id, name.to_lowercase()))
            .collect();
    }
}
