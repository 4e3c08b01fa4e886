//! The filter: fuzzy words for the name and `@` places to keep to (see
//! `crate::filter`). A query that narrows the last one searches only what
//! it matched; a backspace back to a query on the way is a pop.

use super::{Id, SecretList};

/// The filter's grammar, shared with `list --filter`.
pub(super) type Scope = crate::filter::Query;

/// Narrowing more visible rows than this searches the names in memory
/// order instead of row by row.
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
        self.scope = scope;
        if let Some(at) = self.history.iter().rposition(|(q, _)| *q == self.query) {
            // Back to a query on the way here: its rows, as they were.
            self.history.truncate(at + 1);
            visible = self.history.pop().map(|(_, rows)| rows).unwrap_or_default();
        } else if self.query.is_empty() {
            self.history.clear();
            visible.clear();
            visible.extend_from_slice(&self.order);
        } else if narrower {
            self.remember(previous, &visible);
            if visible.len() <= SCAN_ABOVE {
                visible.retain(|&id| self.name_matches(id));
            } else {
                // Many rows: one pass over the names in memory order beats
                // a look at each visible row's name in purge order (a cache
                // miss a row).
                let hits = self.scan();
                visible.retain(|&id| hits[id as usize]);
            }
        } else {
            self.history.clear();
            // A scan by id reads the names in memory order; the order is
            // then kept by filtering it.
            let hits = self.scan();
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

    /// Which ids' names the words match, reading the names in memory order.
    fn scan(&self) -> Vec<bool> {
        let mut matcher = self.matcher.borrow_mut();
        (0..self.slab.len())
            .map(|id| {
                let Some(row) = &self.slab[id] else {
                    return false;
                };
                let lower = self.names.lower_of(id as Id);
                self.scope
                    .words_match(lower, || row.secret.name.as_str(), &mut matcher)
            })
            .collect()
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

    pub(super) fn name_matches(&self, id: Id) -> bool {
        let mut matcher = self.matcher.borrow_mut();
        let lower = self.names.lower_of(id);
        let name = || self.row(id).secret.name.as_str();
        self.scope.words_match(lower, name, &mut matcher) && self.in_scope(id)
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
