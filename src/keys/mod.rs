//! Key presses to messages, by mode. The same table feeds the footer hints
//! and the help overlay, and their labels are written from the table's key
//! events, so they can never disagree with what keys do. The table in use
//! is the defaults (`KEYMAP`) with the config file's `[keys]` over them,
//! installed once at start-up.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Action, Mode, Msg};

mod custom;
mod keymap;
pub use custom::{Keymap, active, documented, install};
pub use keymap::{HELP_SECTIONS, KEYMAP};

/// The set of bindings that is live: one per mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    List,
    Filter,
    Confirm,
    Help,
    Message,
    Sources,
    ConfirmMany,
    ConfirmQuit,
    Details,
}

impl Scope {
    pub const ALL: [Scope; 9] = [
        Scope::List,
        Scope::Filter,
        Scope::Confirm,
        Scope::Help,
        Scope::Message,
        Scope::Sources,
        Scope::ConfirmMany,
        Scope::ConfirmQuit,
        Scope::Details,
    ];

    pub fn of(mode: &Mode) -> Self {
        match mode {
            Mode::List => Scope::List,
            Mode::Filter => Scope::Filter,
            Mode::Confirm(_) => Scope::Confirm,
            Mode::Help => Scope::Help,
            Mode::Message => Scope::Message,
            Mode::Sources => Scope::Sources,
            Mode::ConfirmMany(_) => Scope::ConfirmMany,
            Mode::ConfirmQuit => Scope::ConfirmQuit,
            Mode::Details { .. } => Scope::Details,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Scope::List => "List",
            Scope::Filter => "Filter line",
            Scope::Confirm => "Restore confirmation",
            Scope::Help => "Help",
            Scope::Message => "Whole message",
            Scope::Sources => "Sources",
            Scope::ConfirmMany => "Restore of the marked secrets",
            Scope::ConfirmQuit => "Quit with restores on their way",
            Scope::Details => "Details of a secret",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    /// What the config file's `[keys]` calls it: `restore`, `filter_keep`.
    pub name: &'static str,
    /// Every key that does this, in the order the label names them.
    pub keys: &'static [KeyEvent],
    /// Keys of `keys` left out of the footer hint to keep it short. The help
    /// overlay's label still names them, so no key works unseen.
    pub quiet: &'static [KeyEvent],
    pub action: Action,
    pub description: &'static str,
    /// Short form for the footer; `None` keeps it to the help overlay.
    pub hint: Option<&'static str>,
}

impl Binding {
    /// Every key, as the help overlay writes it: `↑/k`, `q/Ctrl-C`.
    pub fn label(&self) -> String {
        join(self.keys.iter())
    }

    /// The keys the footer hint names: all but the quiet ones.
    pub fn hint_label(&self) -> String {
        join(self.keys.iter().filter(|k| !self.quiet.contains(k)))
    }

    /// Leaves `keys` out of the footer hint; they must be among `self.keys`.
    const fn quiet(self, keys: &'static [KeyEvent]) -> Self {
        Binding {
            quiet: keys,
            ..self
        }
    }
}

fn join<'a>(keys: impl Iterator<Item = &'a KeyEvent>) -> String {
    keys.map(key_label).collect::<Vec<_>>().join("/")
}

/// How one key is written: `↑`, `PgDn`, `Enter`, `G`, `Ctrl-C`.
pub fn key_label(key: &KeyEvent) -> String {
    let mut label = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        label.push_str("Ctrl-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        label.push_str("Alt-");
    }
    // Shift is already in an upper-case letter.
    if key.modifiers.contains(KeyModifiers::SHIFT) && !matches!(key.code, KeyCode::Char(_)) {
        label.push_str("Shift-");
    }
    match key.code {
        KeyCode::Up => label.push('↑'),
        KeyCode::Down => label.push('↓'),
        KeyCode::Left => label.push('←'),
        KeyCode::Right => label.push('→'),
        KeyCode::PageUp => label.push_str("PgUp"),
        KeyCode::PageDown => label.push_str("PgDn"),
        KeyCode::Home => label.push_str("Home"),
        KeyCode::End => label.push_str("End"),
        KeyCode::Enter => label.push_str("Enter"),
        KeyCode::Esc => label.push_str("Esc"),
        KeyCode::Tab | KeyCode::BackTab => label.push_str("Tab"),
        KeyCode::Char(' ') => label.push_str("Space"),
        // Ctrl-C, as terminals and manuals write it.
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            label.extend(c.to_uppercase());
        }
        KeyCode::Char(c) => label.push(c),
        other => label.push_str(&other.to_string()),
    }
    label
}

/// The bindings of `scope` in the keymap in use.
pub fn bindings(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    active().bindings(scope)
}

/// Maps a terminal event to a message, or `None` when it means nothing
/// here, by the keymap in use.
pub fn map(mode: &Mode, event: &Event) -> Option<Msg> {
    active().map(mode, event)
}

fn map_in(keymap: &Keymap, mode: &Mode, event: &Event) -> Option<Msg> {
    match event {
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            let scope = Scope::of(mode);
            let pressed = normalize(k);
            let bound = keymap
                .bindings(scope)
                .find(|b| b.keys.contains(&pressed))
                .map(|b| Msg::Action(b.action));
            match scope {
                Scope::Filter => bound.or_else(|| {
                    tui_input::backend::crossterm::to_input_request(event).map(Msg::FilterEdit)
                }),
                // The count a large restore asks for.
                Scope::ConfirmMany => bound.or(match pressed.code {
                    KeyCode::Char(c) if c.is_ascii_digit() && pressed.modifiers.is_empty() => {
                        Some(Msg::Action(Action::Digit(c)))
                    }
                    _ => None,
                }),
                _ => bound,
            }
        }
        _ => None,
    }
}

/// Just the code and modifiers; Shift is already in an upper-case letter.
fn normalize(k: &KeyEvent) -> KeyEvent {
    let mut modifiers = k.modifiers;
    if let KeyCode::Char(_) = k.code {
        modifiers.remove(KeyModifiers::SHIFT);
    }
    KeyEvent::new(k.code, modifiers)
}

#[cfg(test)]
mod tests;
