//! The filter's grammar, the same in the dashboard and in `list --filter`:
//! words starting with `@` keep to a region or an account (a prefix will
//! do); the rest is a case-insensitive part of the name, spaces and all.

use crate::store::arn_region_account;

/// A query read as a name to search for and places to keep to:
/// `prod @eu-west-1` is names containing "prod" in eu-west-1, and `@2109`
/// rows of an account starting with 2109. Without `@`, the whole query is
/// the name, spaces and all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Query {
    /// Lowercase.
    pub name: String,
    /// Lowercase, without the `@`.
    pub places: Vec<String>,
}

impl Query {
    pub fn parse(query: &str) -> Query {
        let query = query.to_lowercase();
        if !query.contains('@') {
            return Query {
                name: query,
                places: Vec::new(),
            };
        }
        let (places, words): (Vec<&str>, Vec<&str>) =
            query.split_whitespace().partition(|w| w.starts_with('@'));
        Query {
            name: words.join(" "),
            places: places
                .into_iter()
                .map(|p| p.trim_start_matches('@').to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        }
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

    /// The secret `name` (with `arn`) matches.
    pub fn matches(&self, name: &str, arn: &str) -> bool {
        name.to_lowercase().contains(&self.name) && self.in_scope(arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/Db-AbCdEf";

    #[test]
    fn names_match_in_any_case_and_at_words_keep_to_a_place() {
        assert!(Query::parse("DB").matches("prod/Db", ARN));
        assert!(Query::parse("prod @eu-west").matches("prod/Db", ARN));
        assert!(Query::parse("@2109 @eu").matches("prod/Db", ARN));
        assert!(!Query::parse("prod @us-east-1").matches("prod/Db", ARN));
        assert!(!Query::parse("staging").matches("prod/Db", ARN));
        // Without @, spaces are part of the name.
        assert!(!Query::parse("prod db").matches("prod/Db", ARN));
        assert!(Query::parse("").matches("prod/Db", ARN));
    }
}
