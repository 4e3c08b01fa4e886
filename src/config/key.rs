//! Key names as the config file writes them: `x`, `R`, `ctrl-r`, `enter`,
//! `pgdn`. A small type of our own, so this module needs no crossterm;
//! `keys` turns it into a key event.

use std::fmt;
use std::str::FromStr;

/// One key, with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: Code,
    pub ctrl: bool,
    pub alt: bool,
    /// Only for keys that are not characters: Shift is already in `R`.
    pub shift: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Char(char),
    Enter,
    Esc,
    Tab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    F(u8),
}

/// Names for keys that are not one character, as written and as read
/// (the first name of each is how reprieve writes it).
const NAMES: [(&[&str], Code); 15] = [
    (&["enter", "return"], Code::Enter),
    (&["esc", "escape"], Code::Esc),
    (&["tab"], Code::Tab),
    (&["backspace"], Code::Backspace),
    (&["delete", "del"], Code::Delete),
    (&["insert", "ins"], Code::Insert),
    (&["up"], Code::Up),
    (&["down"], Code::Down),
    (&["left"], Code::Left),
    (&["right"], Code::Right),
    (&["pageup", "pgup"], Code::PageUp),
    (&["pagedown", "pgdn"], Code::PageDown),
    (&["home"], Code::Home),
    (&["end"], Code::End),
    (&["space"], Code::Char(' ')),
];

impl Key {
    pub const fn plain(code: Code) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }
}

impl FromStr for Key {
    type Err = String;

    fn from_str(s: &str) -> Result<Key, String> {
        let bad = || {
            format!(
                "`{}` is not a key: write a character (x, R, /), a name (enter, esc, \
                 tab, space, backspace, up, pgdn, home, f5…), with ctrl-, alt- or shift- before it",
                crate::text::sanitize(s)
            )
        };
        let mut key = Key::plain(Code::Enter);
        let mut rest = s;
        // `-` alone, and `ctrl--`, are the minus key.
        while let Some((modifier, tail)) = rest.split_once('-')
            && !tail.is_empty()
        {
            match modifier.to_ascii_lowercase().as_str() {
                "ctrl" => key.ctrl = true,
                "alt" | "meta" => key.alt = true,
                "shift" => key.shift = true,
                _ => return Err(bad()),
            }
            rest = tail;
        }
        let mut chars = rest.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => Code::Char(c),
            _ => {
                let name = rest.to_ascii_lowercase();
                let named = NAMES
                    .iter()
                    .find(|(names, _)| names.contains(&name.as_str()))
                    .map(|&(_, code)| code);
                let function = name
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=24).contains(n))
                    .map(Code::F);
                named.or(function).ok_or_else(bad)?
            }
        };
        // Shift is written into a letter: `shift-a` is `A`.
        if let Code::Char(c) = key.code
            && key.shift
        {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) if c.is_alphabetic() => key.code = Code::Char(u),
                // `shift-1` is `!` on one keyboard and `+` on another.
                _ => return Err(format!("shift-{c}: write the character Shift types")),
            }
            key.shift = false;
        }
        Ok(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if self.shift {
            f.write_str("shift-")?;
        }
        match self.code {
            Code::Char(' ') => f.write_str("space"),
            Code::Char(c) => write!(f, "{c}"),
            Code::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMES
                    .iter()
                    .find(|&&(_, c)| c == code)
                    .map_or("?", |(names, _)| names[0]);
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn names_characters_and_modifiers_read_as_keys() {
        assert_eq!(key("x"), Key::plain(Code::Char('x')));
        assert_eq!(key("R"), Key::plain(Code::Char('R')));
        assert_eq!(key("shift-r"), Key::plain(Code::Char('R')));
        assert_eq!(key("-"), Key::plain(Code::Char('-')));
        assert_eq!(key("PgDn"), Key::plain(Code::PageDown));
        assert_eq!(key("f5"), Key::plain(Code::F(5)));
        let ctrl_minus = key("ctrl--");
        assert!(ctrl_minus.ctrl && ctrl_minus.code == Code::Char('-'));
        let k = key("Ctrl-Alt-r");
        assert!(k.ctrl && k.alt && k.code == Code::Char('r'));
        let k = key("shift-tab");
        assert!(k.shift && k.code == Code::Tab);
        for bad in [
            "", "ctrl-", "hyper-x", "enterr", "f0", "f99", "\u{1b}", "shift-1",
        ] {
            assert!(bad.parse::<Key>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keys_are_written_as_they_are_read() {
        for s in [
            "x",
            "R",
            "/",
            "space",
            "ctrl-c",
            "alt-x",
            "shift-tab",
            "enter",
            "pagedown",
            "f12",
        ] {
            assert_eq!(key(s).to_string(), s);
            assert_eq!(key(&key(s).to_string()), key(s));
        }
    }
}
