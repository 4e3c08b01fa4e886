//! The config file, `~/.config/reprieve/config.toml`: defaults for the
//! flags, key bindings, colours and names for accounts. Only reading and
//! checking it lives here, in our own types; `keys` and `ui` turn them
//! into key events and styles, so nothing here needs a terminal library.

mod de;
mod default;
mod key;
mod paint;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use de::{Accounts, profile_name, region_name};
pub use default::{KeyDoc, default_text};
pub use key::{Code, Key};
pub use paint::{Colour, Paint};

/// What the file says. Everything it leaves out is the built-in default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from; `None` when there was none.
    pub path: Option<PathBuf>,
    pub defaults: Defaults,
    /// `[keys]`, in the file's order; `keys` checks the names.
    pub keys: Vec<Rebind>,
    pub colors: Colors,
    pub accounts: Accounts,
}

/// `[defaults]`: below the flags and the environment, above the built-in
/// defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    #[serde(default, deserialize_with = "de::profiles")]
    pub profiles: Vec<String>,
    #[serde(default, deserialize_with = "de::regions")]
    pub regions: Vec<String>,
    #[serde(default)]
    pub utc: bool,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default, deserialize_with = "path")]
    pub audit_log: Option<PathBuf>,
}

/// `[colors]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Colors {
    /// Rows that may purge within 24 hours, or are past it.
    pub urgent: Paint,
    /// Rows that may purge within 72 hours.
    pub soon: Paint,
    /// The title at the top left.
    pub header: Paint,
    /// The mark of a marked row, and the count of them.
    pub marks: Paint,
    /// The part of a name the filter matched.
    pub highlight: Paint,
}

impl Default for Colors {
    fn default() -> Colors {
        Colors {
            urgent: Paint::fg(Colour::RED),
            soon: Paint::fg(Colour::YELLOW),
            header: Paint::default().bold().reversed(),
            marks: Paint::default().bold(),
            highlight: Paint::fg(Colour::YELLOW).bold().underlined(),
        }
    }
}

/// `restore = ["x", "ctrl-r"]`: new keys for an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebind {
    pub action: String,
    pub keys: Vec<Key>,
    /// Where the action is named in the file.
    pub at: Place,
}

/// A line and a column in the file, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
}

impl Place {
    fn of(text: &str, offset: usize) -> Place {
        let before = &text[..offset.min(text.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Place {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// Something wrong with the file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub path: PathBuf,
    pub at: Option<Place>,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(at) = self.at {
            write!(f, ":{}:{}", at.line, at.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// A mistake found after parsing (an unknown action, a key bound twice),
/// at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: Place,
    pub message: String,
}

impl Config {
    /// `problem`, naming this config's file.
    pub fn error(&self, problem: Problem) -> Error {
        Error {
            path: self.path.clone().unwrap_or_default(),
            at: Some(problem.at),
            message: problem.message,
        }
    }
}

/// The file as `toml` reads it.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    defaults: Defaults,
    #[serde(default, deserialize_with = "de::entries")]
    keys: de::Entries,
    #[serde(default)]
    colors: Colors,
    #[serde(default)]
    accounts: Accounts,
}

/// Reads `text`, the contents of `path`.
pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
    let file: File = toml::from_str(text).map_err(|e| Error {
        path: path.to_owned(),
        at: e.span().map(|s| Place::of(text, s.start)),
        message: e.message().trim_end().to_owned(),
    })?;
    let keys = file
        .keys
        .into_iter()
        .map(|(action, keys)| Rebind {
            at: Place::of(text, action.span().start),
            action: action.into_inner(),
            keys: keys.into_inner().0,
        })
        .collect();
    Ok(Config {
        path: Some(path.to_owned()),
        defaults: file.defaults,
        keys,
        colors: file.colors,
        accounts: file.accounts,
    })
}

/// Reads the file at `at`. There being none is no error, unless
/// `--config` or `REPRIEVE_CONFIG` named it: then it is a typo.
pub fn load(at: &Location) -> Result<Config, Error> {
    let error = |message: String| Error {
        path: at.path.clone(),
        at: None,
        message,
    };
    match std::fs::read_to_string(&at.path) {
        Ok(text) => parse(&text, &at.path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !at.named => Ok(Config::default()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(error(
            "no such file (`reprieve config --default` prints one to start from)".into(),
        )),
        Err(e) => Err(error(format!("cannot read it: {e}"))),
    }
}

/// Where the file is read from, and what said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// `--config` or `REPRIEVE_CONFIG` named it: it is meant to be there.
    pub named: bool,
}

/// `--config`, else `REPRIEVE_CONFIG`, else `$XDG_CONFIG_HOME/reprieve/
/// config.toml`, else `~/.config/reprieve/config.toml` (macOS too: a
/// terminal tool's config is looked for there); `None` without a HOME.
pub fn locate(flag: Option<&Path>) -> Option<Location> {
    locate_with(flag, |name| std::env::var_os(name))
}

/// `locate`, with the environment given.
pub fn locate_with(
    flag: Option<&Path>,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<Location> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(path) = flag.map(Path::to_owned).or_else(|| set("REPRIEVE_CONFIG")) {
        return Some(Location { path, named: true });
    }
    let base = set("XDG_CONFIG_HOME").or_else(|| set("HOME").map(|h| h.join(".config")))?;
    Some(Location {
        path: base.join("reprieve").join("config.toml"),
        named: false,
    })
}

/// `audit_log = "~/audit.jsonl"`: a path, `~/` for the home directory.
fn path<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    let text = String::deserialize(d)?;
    if text.is_empty() {
        return Err(serde::de::Error::custom(
            "an empty path: leave audit_log out for the default",
        ));
    }
    let Some(rest) = text.strip_prefix("~/") else {
        return Ok(Some(PathBuf::from(text)));
    };
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| serde::de::Error::custom("no HOME to put in place of ~"))?;
    Ok(Some(PathBuf::from(home).join(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_count_lines_and_characters_from_one() {
        let text = "a = 1\n[keys]\n  é = \"x\"\n";
        assert_eq!(Place::of(text, 0), Place { line: 1, column: 1 });
        let at = text.find('é').unwrap_or(0);
        assert_eq!(Place::of(text, at), Place { line: 3, column: 3 });
        let after = text.find("= \"x").unwrap_or(0);
        assert_eq!(Place::of(text, after), Place { line: 3, column: 5 });
    }
}
