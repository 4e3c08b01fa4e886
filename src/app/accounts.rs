//! Names for accounts, and which are production, from the config file.

use std::collections::{HashMap, HashSet};

use super::{SourceId, State};

#[derive(Debug, Default)]
pub struct Accounts {
    names: HashMap<String, String>,
    production: HashSet<String>,
    /// Sources that listed a row of a production account (their identity
    /// may be unknown).
    listed: HashSet<SourceId>,
}

impl Accounts {
    pub fn new(names: HashMap<String, String>, production: HashSet<String>) -> Accounts {
        Accounts {
            names,
            production,
            listed: HashSet::new(),
        }
    }

    pub fn is_production(&self, account: &str) -> bool {
        !self.production.is_empty() && self.production.contains(account)
    }

    /// `source` listed a row of `account`.
    pub(super) fn listed(&mut self, source: SourceId, account: &str) {
        if self.is_production(account) {
            self.listed.insert(source);
        }
    }
}

impl State {
    /// Names for accounts (id to name), shown where the id would be and
    /// matched by `@name`; and the production accounts, which the header
    /// warns of while one is in view.
    pub fn with_accounts(
        mut self,
        names: HashMap<String, String>,
        production: impl IntoIterator<Item = String>,
    ) -> Self {
        self.list.set_account_names(names.clone());
        self.accounts = Accounts::new(names, production.into_iter().collect());
        self
    }

    /// The account's name from the config file, else its id.
    pub fn account_label<'a>(&'a self, account: &'a str) -> &'a str {
        self.accounts
            .names
            .get(account)
            .map_or(account, String::as_str)
    }

    /// `prod-payments (123456789012)` for a named account, else the id:
    /// where a restore would go, both are shown.
    pub fn account_shown(&self, account: &str) -> String {
        match self.accounts.names.get(account) {
            Some(name) => format!("{name} ({account})"),
            None => account.to_owned(),
        }
    }

    /// A production account is in view: a source's, or a listed row's.
    pub fn in_production(&self) -> bool {
        if self.accounts.production.is_empty() {
            return false;
        }
        !self.accounts.listed.is_empty()
            || self
                .feeds
                .iter()
                .filter_map(|f| f.account())
                .any(|a| self.accounts.is_production(a))
    }
}
