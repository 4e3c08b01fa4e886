//! The keymap in use: the defaults, with the config file's `[keys]` laid
//! over them. Built and checked once at start-up, before anything runs.

use std::sync::OnceLock;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use super::{Binding, KEYMAP, Scope, normalize};
use crate::app::{Mode, Msg};
use crate::config::{Code, Key, KeyDoc, Place, Problem, Rebind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

static ACTIVE: OnceLock<Keymap> = OnceLock::new();

/// Makes `keymap` the one `map`, the hints and the help use; once, before
/// the first key. Gives it back when one is already in use.
pub fn install(keymap: Keymap) -> Result<(), Keymap> {
    ACTIVE.set(keymap)
}

/// The keymap installed, else the defaults.
pub fn active() -> &'static Keymap {
    ACTIVE.get_or_init(Keymap::defaults)
}

impl Keymap {
    pub fn defaults() -> Keymap {
        Keymap {
            bindings: KEYMAP.to_vec(),
        }
    }

    /// The defaults with `rebinds` over them: an action's new keys replace
    /// its old ones. An unknown action, a key bound twice on one screen, or
    /// one the filter line needs for typing is a problem at its place.
    pub fn with(rebinds: &[Rebind]) -> Result<Keymap, Problem> {
        let mut bindings = KEYMAP.to_vec();
        let mut rebound = vec![None; bindings.len()];
        for rebind in rebinds {
            let problem = |message: String| Problem {
                at: rebind.at,
                message,
            };
            let name = crate::text::sanitize(&rebind.action);
            let Some(i) = bindings.iter().position(|b| b.name == rebind.action) else {
                let hint = closest(&rebind.action, bindings.iter().map(|b| b.name))
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                return Err(problem(format!(
                    "unknown action `{name}` in [keys]: {hint}`reprieve config --default` lists them"
                )));
            };
            if rebind.keys.is_empty() {
                return Err(problem(format!("`{name}` needs at least one key")));
            }
            let binding = &mut bindings[i];
            let mut keys: Vec<KeyEvent> = Vec::with_capacity(rebind.keys.len());
            for key in &rebind.keys {
                let event = event(key);
                if let Some(why) = reserved(binding.scope, &event) {
                    return Err(problem(format!("`{key}` cannot be bound to {name}: {why}")));
                }
                if !keys.contains(&event) {
                    keys.push(event);
                }
            }
            let quiet: Vec<KeyEvent> = binding
                .quiet
                .iter()
                .filter(|k| keys.contains(k))
                .copied()
                .collect();
            binding.keys = leak(keys);
            binding.quiet = leak(quiet);
            rebound[i] = Some(rebind.at);
        }
        // Defaults never clash (a test holds them to it), so a clash
        // involves a rebound action: it is reported at the last one.
        for (b, second) in bindings.iter().enumerate() {
            for (a, first) in bindings[..b].iter().enumerate() {
                if first.scope != second.scope {
                    continue;
                }
                let Some(shared) = second.keys.iter().find(|k| first.keys.contains(k)) else {
                    continue;
                };
                let key =
                    config_key(shared).map_or_else(|| super::key_label(shared), |k| k.to_string());
                return Err(Problem {
                    at: rebound[b]
                        .or(rebound[a])
                        .unwrap_or(Place { line: 1, column: 1 }),
                    message: format!(
                        "`{key}` is bound to both {} and {} ({}): give one of them another key",
                        first.name,
                        second.name,
                        second.scope.title()
                    ),
                });
            }
        }
        Ok(Keymap { bindings })
    }

    /// Every binding, in the keymap's order.
    pub fn all(&self) -> &[Binding] {
        &self.bindings
    }

    pub fn bindings(&self, scope: Scope) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.scope == scope)
    }

    /// Maps a terminal event to a message, or `None` when it means nothing
    /// here.
    pub fn map(&self, mode: &Mode, event: &Event) -> Option<Msg> {
        super::map_in(self, mode, event)
    }
}

/// The name a typo most likely meant: two edits away at most.
fn closest<'a>(typed: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    names
        .map(|n| (edits(typed, n), n))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

/// Levenshtein distance, by characters.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Why `key` cannot be bound on `scope`'s screen, if it cannot.
fn reserved(scope: Scope, key: &KeyEvent) -> Option<&'static str> {
    match scope {
        Scope::Filter
            if tui_input::backend::crossterm::to_input_request(&Event::Key(*key)).is_some() =>
        {
            Some("in the filter line it types or edits the text")
        }
        Scope::ConfirmMany
            if matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit())
                && key.modifiers.is_empty() =>
        {
            Some("digits are the count a large restore asks for")
        }
        _ => None,
    }
}

/// Rebound keys live as long as the keymap that is built once at
/// start-up: leaked, they stay `'static` like the defaults.
fn leak(keys: Vec<KeyEvent>) -> &'static [KeyEvent] {
    Box::leak(keys.into_boxed_slice())
}

/// The config file's key as a key event, in the form `map` compares.
fn event(key: &Key) -> KeyEvent {
    let code = match key.code {
        Code::Char(c) => KeyCode::Char(c),
        // Terminals report Shift-Tab as a key of its own.
        Code::Tab if key.shift => KeyCode::BackTab,
        Code::Tab => KeyCode::Tab,
        Code::Enter => KeyCode::Enter,
        Code::Esc => KeyCode::Esc,
        Code::Backspace => KeyCode::Backspace,
        Code::Delete => KeyCode::Delete,
        Code::Insert => KeyCode::Insert,
        Code::Up => KeyCode::Up,
        Code::Down => KeyCode::Down,
        Code::Left => KeyCode::Left,
        Code::Right => KeyCode::Right,
        Code::PageUp => KeyCode::PageUp,
        Code::PageDown => KeyCode::PageDown,
        Code::Home => KeyCode::Home,
        Code::End => KeyCode::End,
        Code::F(n) => KeyCode::F(n),
    };
    let mut modifiers = KeyModifiers::NONE;
    modifiers.set(KeyModifiers::CONTROL, key.ctrl);
    modifiers.set(KeyModifiers::ALT, key.alt);
    modifiers.set(KeyModifiers::SHIFT, key.shift);
    normalize(&KeyEvent::new(code, modifiers))
}

/// A key event as the config file writes it; `None` for keys it has no
/// name for.
pub(super) fn config_key(event: &KeyEvent) -> Option<Key> {
    let code = match event.code {
        KeyCode::Char(c) => Code::Char(c),
        KeyCode::Tab | KeyCode::BackTab => Code::Tab,
        KeyCode::Enter => Code::Enter,
        KeyCode::Esc => Code::Esc,
        KeyCode::Backspace => Code::Backspace,
        KeyCode::Delete => Code::Delete,
        KeyCode::Insert => Code::Insert,
        KeyCode::Up => Code::Up,
        KeyCode::Down => Code::Down,
        KeyCode::Left => Code::Left,
        KeyCode::Right => Code::Right,
        KeyCode::PageUp => Code::PageUp,
        KeyCode::PageDown => Code::PageDown,
        KeyCode::Home => Code::Home,
        KeyCode::End => Code::End,
        KeyCode::F(n) => Code::F(n),
        _ => return None,
    };
    let m = event.modifiers;
    Some(Key {
        code,
        ctrl: m.contains(KeyModifiers::CONTROL),
        alt: m.contains(KeyModifiers::ALT),
        shift: m.contains(KeyModifiers::SHIFT) || event.code == KeyCode::BackTab,
    })
}

/// Every default binding as `reprieve config --default` writes it.
pub fn documented() -> Vec<KeyDoc> {
    KEYMAP
        .iter()
        .map(|b| KeyDoc {
            section: b.scope.title(),
            action: b.name,
            keys: b.keys.iter().filter_map(config_key).collect(),
            description: b.description,
        })
        .collect()
}
