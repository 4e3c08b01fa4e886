//! The keymap: every binding, by scope, with the words help and hints show.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Binding, Scope};
use crate::app::Action;

const fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

const fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

const CTRL_C: KeyEvent = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);

const fn bind(
    scope: Scope,
    keys: &'static [KeyEvent],
    action: Action,
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        scope,
        keys,
        quiet: &[],
        action,
        description,
        hint,
    }
}

use Scope as S;

pub static KEYMAP: &[Binding] = &[
    bind(
        S::List,
        &[key(KeyCode::Up), ch('k')],
        Action::Up,
        "Move up",
        None,
    ),
    bind(
        S::List,
        &[key(KeyCode::Down), ch('j')],
        Action::Down,
        "Move down",
        None,
    ),
    bind(
        S::List,
        &[key(KeyCode::PageUp)],
        Action::PageUp,
        "Page up",
        None,
    ),
    bind(
        S::List,
        &[key(KeyCode::PageDown)],
        Action::PageDown,
        "Page down",
        None,
    ),
    bind(
        S::List,
        &[key(KeyCode::Home), ch('g')],
        Action::Top,
        "First row",
        None,
    ),
    bind(
        S::List,
        &[key(KeyCode::End), ch('G')],
        Action::Bottom,
        "Last row",
        None,
    ),
    bind(
        S::List,
        &[ch('/')],
        Action::OpenFilter,
        "Filter: name, @region, @account",
        Some("filter"),
    ),
    bind(
        S::List,
        &[key(KeyCode::Esc)],
        Action::Escape,
        "Clear the filter, then the marks",
        None,
    ),
    bind(
        S::List,
        &[ch(' ')],
        Action::ToggleMark,
        "Mark or unmark the secret",
        Some("mark"),
    ),
    bind(
        S::List,
        &[ch('*')],
        Action::MarkAll,
        "Mark all shown (again: none)",
        None,
    ),
    bind(
        S::List,
        &[ch('r')],
        Action::Restore,
        "Restore the selected or marked",
        Some("restore"),
    ),
    bind(
        S::List,
        &[ch('R')],
        Action::Refresh,
        "Reload the list",
        Some("refresh"),
    ),
    bind(
        S::List,
        &[ch('m')],
        Action::ShowMessage,
        "Show the whole status message",
        None,
    ),
    bind(
        S::List,
        &[ch('s')],
        Action::ShowSources,
        "Sources and who you are",
        Some("sources"),
    ),
    bind(
        S::List,
        &[key(KeyCode::Enter), ch('i')],
        Action::ShowDetails,
        "Details of the secret",
        None,
    ),
    bind(
        S::List,
        &[ch('u')],
        Action::AskedFirst,
        "Still asked for first / by purge",
        None,
    ),
    bind(S::List, &[ch('?')], Action::Help, "Help", Some("help")),
    bind(
        S::List,
        &[ch('q'), CTRL_C],
        Action::Quit,
        "Quit",
        Some("quit"),
    )
    .quiet(&[CTRL_C]),
    bind(
        S::Filter,
        &[key(KeyCode::Enter)],
        Action::AcceptFilter,
        "Keep the filter",
        Some("keep"),
    ),
    bind(
        S::Filter,
        &[key(KeyCode::Esc)],
        Action::ClearFilter,
        "Clear the filter",
        Some("clear"),
    ),
    bind(S::Filter, &[key(KeyCode::Up)], Action::Up, "Move up", None),
    bind(
        S::Filter,
        &[key(KeyCode::Down)],
        Action::Down,
        "Move down",
        None,
    ),
    bind(S::Filter, &[CTRL_C], Action::Quit, "Quit", None),
    bind(
        S::Confirm,
        &[ch('y'), key(KeyCode::Enter)],
        Action::Confirm,
        "Restore",
        Some("restore"),
    ),
    bind(
        S::Confirm,
        &[ch('n'), key(KeyCode::Esc)],
        Action::Cancel,
        "Cancel",
        Some("cancel"),
    ),
    bind(S::Confirm, &[CTRL_C], Action::Quit, "Quit", None),
    bind(
        S::Help,
        &[key(KeyCode::Esc), ch('?'), key(KeyCode::Enter)],
        Action::CloseHelp,
        "Close help",
        Some("close"),
    ),
    bind(
        S::Help,
        &[ch('q'), CTRL_C],
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        S::Message,
        &[key(KeyCode::Esc), ch('m'), key(KeyCode::Enter)],
        Action::CloseMessage,
        "Close the message",
        Some("close"),
    ),
    bind(
        S::Message,
        &[ch('q'), CTRL_C],
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        S::ConfirmMany,
        &[ch('y'), key(KeyCode::Enter)],
        Action::Confirm,
        "Restore them (10 or more: type the count, then Enter)",
        Some("restore"),
    ),
    bind(
        S::ConfirmMany,
        &[ch('n'), key(KeyCode::Esc)],
        Action::Cancel,
        "Cancel",
        Some("cancel"),
    ),
    bind(
        S::ConfirmMany,
        &[key(KeyCode::Up), ch('k')],
        Action::Up,
        "Scroll the names up",
        Some("scroll"),
    ),
    bind(
        S::ConfirmMany,
        &[key(KeyCode::Down), ch('j')],
        Action::Down,
        "Scroll the names down",
        Some("scroll"),
    ),
    bind(
        S::ConfirmMany,
        &[key(KeyCode::Backspace)],
        Action::Erase,
        "Erase a digit",
        Some("erase"),
    ),
    bind(
        S::ConfirmMany,
        &[CTRL_C],
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        S::ConfirmQuit,
        &[ch('y'), ch('q'), CTRL_C],
        Action::QuitAnyway,
        "Quit: queued restores are not sent",
        Some("quit anyway"),
    ),
    bind(
        S::ConfirmQuit,
        &[ch('n'), key(KeyCode::Esc)],
        Action::Cancel,
        "Stay",
        Some("stay"),
    ),
    bind(
        S::Sources,
        &[key(KeyCode::Esc), ch('s'), key(KeyCode::Enter)],
        Action::CloseSources,
        "Close the sources",
        Some("close"),
    ),
    bind(
        S::Sources,
        &[ch('q'), CTRL_C],
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        S::Details,
        &[key(KeyCode::Esc), key(KeyCode::Enter), ch('i')],
        Action::CloseDetails,
        "Close the details",
        Some("close"),
    ),
    bind(
        S::Details,
        &[key(KeyCode::Up), ch('k')],
        Action::Up,
        "Scroll up",
        Some("up"),
    ),
    bind(
        S::Details,
        &[key(KeyCode::Down), ch('j')],
        Action::Down,
        "Scroll down",
        Some("down"),
    ),
    bind(
        S::Details,
        &[ch('q'), CTRL_C],
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
];

/// The scopes the help overlay lists, in order. The help screen's own keys
/// are named by its footer hint instead.
pub const HELP_SECTIONS: [Scope; 3] = [Scope::List, Scope::Filter, Scope::Confirm];
