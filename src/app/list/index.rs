//! The rows by ARN, in a hash map keyed by the ARN less its six-character
//! suffix: a full ARN is found in one look (and checked whole), and so is a
//! name, which gives that partial ARN. Within one region of one account a
//! pending name is one secret, so two rows never share a key.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::Id;
use crate::store::Arn;

/// `arn:…:secret:NAME-AbCdEf` less `-AbCdEf`; an ARN without a suffix
/// is itself.
fn partial(arn: &str) -> &str {
    let bytes = arn.as_bytes();
    if bytes.len() > 7 && bytes[bytes.len() - 7] == b'-' {
        &arn[..arn.len() - 7]
    } else {
        arn
    }
}

#[derive(Debug)]
struct Key(Arn);

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        partial(self.0.as_str())
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        partial(self.0.as_str()).hash(state);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        partial(self.0.as_str()) == partial(other.0.as_str())
    }
}

impl Eq for Key {}

#[derive(Debug, Default)]
pub(super) struct ArnIndex(HashMap<Key, Id>);

impl ArnIndex {
    pub(super) fn get(&self, arn: &Arn) -> Option<Id> {
        self.get_key_value(arn).map(|(_, id)| id)
    }

    /// The ARN as the index holds it, so others can share it.
    pub(super) fn get_key_value(&self, arn: &Arn) -> Option<(&Arn, Id)> {
        let (key, &id) = self.0.get_key_value(partial(arn.as_str()))?;
        (key.0 == *arn).then_some((&key.0, id))
    }

    pub(super) fn insert(&mut self, arn: Arn, id: Id) {
        self.0.insert(Key(arn), id);
    }

    pub(super) fn remove(&mut self, arn: &Arn) {
        if self.get(arn).is_some() {
            self.0.remove(partial(arn.as_str()));
        }
    }

    /// The listed ARN that is `partial` and a suffix.
    pub(super) fn by_partial(&self, partial: &str) -> Option<&Arn> {
        self.0.get_key_value(partial).map(|(key, _)| &key.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_found_by_its_arn_or_its_arn_less_the_suffix() {
        let mut index = ArnIndex::default();
        let arn = Arn::new("arn:aws:secretsmanager:eu-west-1:1:secret:prod/db-AbCdEf");
        index.insert(arn.clone(), 7);
        assert_eq!(index.get(&arn), Some(7));
        let other = Arn::new("arn:aws:secretsmanager:eu-west-1:1:secret:prod/db-XyZxYz");
        assert_eq!(index.get(&other), None, "the whole ARN is checked");
        let found = index.by_partial("arn:aws:secretsmanager:eu-west-1:1:secret:prod/db");
        assert_eq!(found, Some(&arn));
        assert_eq!(
            index.by_partial("arn:aws:secretsmanager:eu-west-1:1:secret:prod"),
            None
        );
        index.remove(&other);
        assert_eq!(index.get(&arn), Some(7), "another ARN removes nothing");
        index.remove(&arn);
        assert_eq!(index.get(&arn), None);
    }
}
