//! `reprieve config --default`: every setting at its default, with what
//! it does. Read back, it changes nothing (a test holds it to that).

use std::fmt::Write as _;

use super::{Colors, Key};

/// One action of `[keys]`, as the keymap has it by default.
#[derive(Debug, Clone)]
pub struct KeyDoc {
    /// The screen it works on: "List", "Filter line".
    pub section: &'static str,
    pub action: &'static str,
    pub keys: Vec<Key>,
    pub description: &'static str,
}

const HEAD: &str = r#"# reprieve's config file. `reprieve config --path` says where it is read
# from, `reprieve config --default` prints this. Every setting is here at
# its default: keep only what you change.
#
# A flag wins over the environment (AWS_PROFILE, AWS_REGION,
# REPRIEVE_READ_ONLY), and the environment over this file.

[defaults]
# Profiles to list, as --profile takes them ("all": every profile).
# profiles = ["prod", "staging"]
# Regions to list, as --region takes them ("all": every region).
# regions = ["eu-west-1", "us-east-1"]
# Dates in UTC instead of local time, as --utc.
utc = false
# Never write: restores are refused, as --read-only.
read_only = false
# Where restores are logged, as --audit-log (default:
# $XDG_STATE_HOME/reprieve/audit.jsonl, else ~/.local/state/reprieve/audit.jsonl).
# audit_log = "~/.local/state/reprieve/audit.jsonl"

[keys]
# An action's keys replace its default ones: restore = "x", or
# restore = ["x", "ctrl-r"]. A key is a character (x, R, /) or one of
# enter, esc, tab, space, backspace, delete, insert, up, down, left, right,
# pageup, pagedown, home, end, f1-f24, with ctrl-, alt- or shift- before it
# (ctrl-r, shift-tab). Two actions on one screen cannot share a key; in the
# filter line, keys that type or edit text cannot be bound.
"#;

const COLORS: &str = r#"
[colors]
# A colour (red, light-blue, dark-gray..., #ff8800, or 0-255), "on" a
# background colour, and any of bold, dim, italic, underlined, reversed.
# NO_COLOR (set, not empty) turns every colour off.
"#;

const ACCOUNTS: &str = r#"
[accounts]
# Names for accounts, shown where the id would be; `@name` filters by it.
# "123456789012" = "prod-payments"
# While a row or source of one of these accounts is in view, the header
# says PRODUCTION.
# production = ["123456789012"]
"#;

/// The whole default file; `keys` is the keymap's defaults.
pub fn default_text(keys: &[KeyDoc]) -> String {
    let mut text = HEAD.to_owned();
    let mut section = "";
    for doc in keys {
        if doc.section != section {
            section = doc.section;
            let _ = write!(text, "\n# {section}\n");
        }
        let value = match doc.keys.as_slice() {
            [one] => quoted(one),
            many => format!(
                "[{}]",
                many.iter().map(quoted).collect::<Vec<_>>().join(", ")
            ),
        };
        let entry = format!("{} = {value}", doc.action);
        let _ = writeln!(text, "{entry:<32} # {}", doc.description);
    }
    text.push_str(COLORS);
    let colors = Colors::default();
    for (name, paint, what) in [
        ("urgent", colors.urgent, "purge within 24 hours, or past"),
        ("soon", colors.soon, "purge within 72 hours"),
        ("header", colors.header, "the title, top left"),
        (
            "marks",
            colors.marks,
            "a marked row's * and the count of them",
        ),
        (
            "highlight",
            colors.highlight,
            "what the filter matched in a name",
        ),
    ] {
        let entry = format!("{name} = {}", toml::Value::String(paint.to_string()));
        let _ = writeln!(text, "{entry:<32} # {what}");
    }
    text.push_str(ACCOUNTS);
    text
}

fn quoted(key: &Key) -> String {
    toml::Value::String(key.to_string()).to_string()
}
