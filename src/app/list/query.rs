//! The filter: a name to search for and `@` places to keep to. A longer
//! query searches only what the shorter one matched.

use super::{Id, SecretList};

/// The filter's grammar, shared with `list --filter`.
pub(super) type Scope = crate::filter::Query;

/// Narrowing more visible rows than this searches the names in memory
/// order instead of row by row.
const SCAN_ABOVE: usize = 8192;

impl SecretList {
    pub fn set_query(&mut self, query: &str) {
        let query = query.to_lowercase();
        if query == self.query {
            return;
        }
        // What matches a longer name matched the shorter one. With `@`
        // words, a search from scratch is simpler to trust.
        let scoped = query.contains('@') || self.query.contains('@');
        let narrower = !scoped && query.contains(self.query.as_str());
        self.scope = Scope::parse(&query);
        self.query = query;
        let mut visible = std::mem::take(&mut self.visible);
        if self.query.is_empty() {
            visible.clear();
            visible.extend_from_slice(&self.order);
        } else if narrower && visible.len() <= SCAN_ABOVE {
            visible.retain(|&id| self.name_matches(id));
        } else if narrower {
            // Many rows: one pass over the names in memory order beats a
            // look at each visible row's name in purge order (a cache miss
            // a row).
            let hits = self.names.scan(&self.scope.name);
            visible.retain(|&id| hits[id as usize]);
        } else {
            // A scan by id reads the names in memory order; the order is
            // then kept by filtering it.
            let hits = self.names.scan(&self.scope.name);
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

    pub(super) fn recount_widths(&mut self) {
        self.widths.clear();
        for i in 0..self.visible.len() {
            let id = self.visible[i];
            self.count_width(id, 1);
        }
    }

    pub(super) fn name_matches(&self, id: Id) -> bool {
        self.names.matches(id, &self.scope.name) && self.in_scope(id)
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
