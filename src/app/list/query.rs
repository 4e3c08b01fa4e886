//! The filter: a name to search for and `@` places to keep to. A longer
//! query searches only what the shorter one matched.

use super::{Id, SecretList};
use crate::app::feeds::arn_region_account;

/// A query read as a name to search for and places to keep to:
/// `prod @eu-west-1` is names containing "prod" in eu-west-1, and `@2109`
/// rows of an account starting with 2109. Without `@`, the whole query is
/// the name, spaces and all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Scope {
    name: String,
    places: Vec<String>,
}

impl Scope {
    fn parse(query: &str) -> Scope {
        if !query.contains('@') {
            return Scope {
                name: query.to_owned(),
                places: Vec::new(),
            };
        }
        let (places, words): (Vec<&str>, Vec<&str>) =
            query.split_whitespace().partition(|w| w.starts_with('@'));
        Scope {
            name: words.join(" "),
            places: places
                .into_iter()
                .map(|p| p.trim_start_matches('@').to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        }
    }
}

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
        } else if narrower {
            visible.retain(|&id| self.name_matches(id));
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

    /// Every `@` word names the row's region or account (a prefix will do).
    fn in_scope(&self, id: Id) -> bool {
        if self.scope.places.is_empty() {
            return true;
        }
        let (region, account) = arn_region_account(self.row(id).secret.arn.as_str());
        self.scope
            .places
            .iter()
            .all(|p| region.starts_with(p.as_str()) || account.starts_with(p.as_str()))
    }
}
