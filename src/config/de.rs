//! Reading the file's values. Each check runs inside the value's own
//! deserializer, so `toml` pins an error on that value's line and column.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use super::{Key, Paint};

/// A string read with `T::from_str`; its error is the value's.
struct Parse<T>(&'static str, PhantomData<T>);

impl<T: FromStr<Err = String>> Visitor<'_> for Parse<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

fn parse<'de, D: Deserializer<'de>, T: FromStr<Err = String>>(
    d: D,
    what: &'static str,
) -> Result<T, D::Error> {
    d.deserialize_str(Parse(what, PhantomData))
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        parse(d, "a key, as a string: \"x\", \"ctrl-r\", \"enter\"")
    }
}

impl<'de> Deserialize<'de> for Paint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Paint, D::Error> {
        parse(
            d,
            "a colour, as a string: \"red\", \"bold yellow\", \"#ff8800\"",
        )
    }
}

/// A value or a list of them: `"x"` or `["x", "ctrl-r"]`.
pub(super) struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let one = T::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                Ok(OneOrMany(vec![one]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut all = Vec::new();
                while let Some(one) = seq.next_element()? {
                    all.push(one);
                }
                Ok(OneOrMany(all))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A profile name, checked as `--profile` checks it.
struct Profile(String);
/// A region name, checked as `--region` checks it.
struct Region(String);
/// Twelve digits.
pub(super) struct AccountId(pub String);
/// What `@` words in the filter can name: one word.
struct AccountName(String);

macro_rules! checked {
    ($type:ident, $check:expr, $what:literal) => {
        impl FromStr for $type {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $check(s).map($type)
            }
        }
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                parse(d, $what)
            }
        }
    };
}

checked!(Profile, profile_name, "a profile name, as a string");
checked!(Region, region_name, "a region name, as a string");
checked!(AccountId, account_id, "an account id, as a string");
checked!(AccountName, account_name, "an account's name, as a string");

/// A profile name: not empty, and nothing a terminal would act on.
pub fn profile_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("a profile name cannot be empty (leave out --profile for the default)".into());
    }
    if s.chars().any(char::is_control) {
        return Err("a profile name cannot hold control characters".into());
    }
    Ok(s.to_owned())
}

/// A region name as AWS writes them (`eu-west-1`, `us-gov-east-1`), or
/// `all`. Anything else would reach the SDK as a host name it cannot build.
pub fn region_name(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err("a region cannot be empty (leave out --region for the default)".into());
    }
    let shape = s.len() <= 32
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--");
    if !shape {
        let shown = crate::text::sanitize(s);
        return Err(format!(
            "`{shown}` is not a valid region name: regions are written like eu-west-1"
        ));
    }
    Ok(s.to_owned())
}

fn account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(s.to_owned());
    }
    Err(format!(
        "`{}` is not an account id: write its 12 digits in quotes, \
         \"123456789012\" = \"prod-payments\" (or `production = [...]`)",
        crate::text::sanitize(s)
    ))
}

/// Shown on screen and typed after `@`: one word, nothing a terminal acts on.
fn account_name(s: &str) -> Result<String, String> {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{}` cannot name an account: one word, no spaces (`@name` filters by it)",
            crate::text::sanitize(s)
        ));
    }
    Ok(s.to_owned())
}

pub(super) fn profiles<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let OneOrMany(all) = OneOrMany::<Profile>::deserialize(d)?;
    Ok(all.into_iter().map(|p| p.0).collect())
}

pub(super) fn regions<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let OneOrMany(all) = OneOrMany::<Region>::deserialize(d)?;
    Ok(all.into_iter().map(|r| r.0).collect())
}

/// `[keys]`: each action's name and keys, in the file's order, with where
/// they are written.
pub(super) type Entries = Vec<(Spanned<String>, Spanned<OneOrMany<Key>>)>;

pub(super) fn entries<'de, D: Deserializer<'de>>(d: D) -> Result<Entries, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Entries;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a table of actions and keys: restore = \"x\"")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
            let mut all = Vec::new();
            while let Some(name) = map.next_key()? {
                all.push((name, map.next_value()?));
            }
            Ok(all)
        }
    }
    d.deserialize_map(V)
}

/// `[accounts]`: ids to names, and `production`, the ids to warn about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    pub names: std::collections::BTreeMap<String, String>,
    pub production: Vec<String>,
}

impl Accounts {
    /// `prod-payments (123456789012)` for a named account, else the id:
    /// where a write is about to go, both are shown.
    pub fn shown(&self, id: &str) -> String {
        match self.names.get(id) {
            Some(name) => format!("{} ({id})", crate::text::sanitize(name)),
            None => id.to_owned(),
        }
    }
}

/// A key of `[accounts]`.
enum AccountKey {
    Production,
    Id(String),
}

impl<'de> Deserialize<'de> for AccountKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AccountKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an account id or `production`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AccountKey, E> {
                if v == "production" {
                    return Ok(AccountKey::Production);
                }
                account_id(v).map(AccountKey::Id).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Accounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Accounts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table: \"123456789012\" = \"prod-payments\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Accounts, A::Error> {
                let mut accounts = Accounts::default();
                while let Some(key) = map.next_key()? {
                    match key {
                        AccountKey::Production => {
                            let ids: Vec<AccountId> = map.next_value()?;
                            accounts.production = ids.into_iter().map(|id| id.0).collect();
                        }
                        AccountKey::Id(id) => {
                            let name: AccountName = map.next_value()?;
                            accounts.names.insert(id, name.0);
                        }
                    }
                }
                Ok(accounts)
            }
        }
        d.deserialize_map(V)
    }
}
