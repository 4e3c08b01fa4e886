//! Key presses to messages, by mode. The same table feeds the footer hints
//! and the help overlay, so they can never disagree with what keys do.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Action, Mode, Msg};

/// Which set of bindings is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    List,
    Filter,
    Confirm,
    Help,
}

impl Context {
    pub fn of(mode: &Mode) -> Self {
        match mode {
            Mode::List => Context::List,
            Mode::Filter => Context::Filter,
            Mode::Confirm(_) => Context::Confirm,
            Mode::Help => Context::Help,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::List => "List",
            Context::Filter => "Filter line",
            Context::Confirm => "Restore confirmation",
            Context::Help => "Help",
        }
    }
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [KeyEvent],
    /// How the keys are written in hints and help.
    pub label: &'static str,
    pub action: Action,
    pub description: &'static str,
    /// Short form for the footer; `None` keeps it to the help overlay.
    pub hint: Option<&'static str>,
}

const fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

const fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

const CTRL_C: KeyEvent = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);

const fn bind(
    context: Context,
    keys: &'static [KeyEvent],
    label: &'static str,
    action: Action,
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        context,
        keys,
        label,
        action,
        description,
        hint,
    }
}

use Context as C;

pub static KEYMAP: &[Binding] = &[
    bind(
        C::List,
        &[key(KeyCode::Up), ch('k')],
        "↑/k",
        Action::Up,
        "Move up",
        None,
    ),
    bind(
        C::List,
        &[key(KeyCode::Down), ch('j')],
        "↓/j",
        Action::Down,
        "Move down",
        None,
    ),
    bind(
        C::List,
        &[key(KeyCode::PageUp)],
        "PgUp",
        Action::PageUp,
        "Page up",
        None,
    ),
    bind(
        C::List,
        &[key(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "Page down",
        None,
    ),
    bind(
        C::List,
        &[key(KeyCode::Home), ch('g')],
        "Home/g",
        Action::Top,
        "First row",
        None,
    ),
    bind(
        C::List,
        &[key(KeyCode::End), ch('G')],
        "End/G",
        Action::Bottom,
        "Last row",
        None,
    ),
    bind(
        C::List,
        &[ch('/')],
        "/",
        Action::OpenFilter,
        "Filter by name",
        Some("filter"),
    ),
    bind(
        C::List,
        &[key(KeyCode::Esc)],
        "Esc",
        Action::ClearFilter,
        "Clear the filter",
        None,
    ),
    bind(
        C::List,
        &[ch('r')],
        "r",
        Action::Restore,
        "Restore the selected secret",
        Some("restore"),
    ),
    bind(
        C::List,
        &[ch('R')],
        "R",
        Action::Refresh,
        "Reload the list",
        Some("refresh"),
    ),
    bind(C::List, &[ch('?')], "?", Action::Help, "Help", Some("help")),
    bind(
        C::List,
        &[ch('q'), CTRL_C],
        "q",
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        C::Filter,
        &[key(KeyCode::Enter)],
        "Enter",
        Action::AcceptFilter,
        "Keep the filter",
        Some("keep"),
    ),
    bind(
        C::Filter,
        &[key(KeyCode::Esc)],
        "Esc",
        Action::ClearFilter,
        "Clear the filter",
        Some("clear"),
    ),
    bind(
        C::Filter,
        &[key(KeyCode::Up)],
        "↑",
        Action::Up,
        "Move up",
        None,
    ),
    bind(
        C::Filter,
        &[key(KeyCode::Down)],
        "↓",
        Action::Down,
        "Move down",
        None,
    ),
    bind(C::Filter, &[CTRL_C], "Ctrl-C", Action::Quit, "Quit", None),
    bind(
        C::Confirm,
        &[ch('y'), key(KeyCode::Enter)],
        "y/Enter",
        Action::Confirm,
        "Restore",
        Some("restore"),
    ),
    bind(
        C::Confirm,
        &[ch('n'), key(KeyCode::Esc)],
        "n/Esc",
        Action::Cancel,
        "Cancel",
        Some("cancel"),
    ),
    bind(C::Confirm, &[CTRL_C], "Ctrl-C", Action::Quit, "Quit", None),
    bind(
        C::Help,
        &[key(KeyCode::Esc), ch('?'), key(KeyCode::Enter)],
        "Esc/?",
        Action::CloseHelp,
        "Close help",
        Some("close"),
    ),
    bind(
        C::Help,
        &[ch('q'), CTRL_C],
        "q",
        Action::Quit,
        "Quit",
        Some("quit"),
    ),
];

pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.context == context)
}

/// Maps a terminal event to a message, or `None` when it means nothing here.
pub fn map(mode: &Mode, event: &Event) -> Option<Msg> {
    match event {
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            let context = Context::of(mode);
            let pressed = normalize(k);
            let bound = bindings(context)
                .find(|b| b.keys.contains(&pressed))
                .map(|b| Msg::Action(b.action));
            match context {
                Context::Filter => bound.or_else(|| {
                    tui_input::backend::crossterm::to_input_request(event).map(Msg::FilterEdit)
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
mod tests {
    use super::*;
    use crate::app::Target;
    use crate::store::Arn;
    use tui_input::InputRequest;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    fn typed(c: char) -> Event {
        press(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn q_quits_the_list_but_types_in_the_filter() {
        assert_eq!(
            map(&Mode::List, &typed('q')),
            Some(Msg::Action(Action::Quit))
        );
        assert_eq!(
            map(&Mode::Filter, &typed('q')),
            Some(Msg::FilterEdit(InputRequest::InsertChar('q')))
        );
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for mode in [Mode::List, Mode::Filter, Mode::Help] {
            assert_eq!(map(&mode, &ctrl_c), Some(Msg::Action(Action::Quit)));
        }
    }

    #[test]
    fn shifted_letters_match_their_bindings() {
        let big_r = press(KeyCode::Char('R'), KeyModifiers::SHIFT);
        assert_eq!(map(&Mode::List, &big_r), Some(Msg::Action(Action::Refresh)));
        assert_eq!(
            map(&Mode::List, &typed('r')),
            Some(Msg::Action(Action::Restore))
        );
        let big_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(map(&Mode::List, &big_g), Some(Msg::Action(Action::Bottom)));
    }

    #[test]
    fn confirmation_takes_only_yes_or_no() {
        let at = jiff::Timestamp::UNIX_EPOCH;
        let mode = Mode::Confirm(Target {
            arn: Arn::new("arn:x"),
            name: "x".into(),
            deleted_date: at,
            dates: crate::purge::read(at, at, None),
        });
        assert_eq!(map(&mode, &typed('y')), Some(Msg::Action(Action::Confirm)));
        assert_eq!(
            map(&mode, &press(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Msg::Action(Action::Confirm))
        );
        assert_eq!(map(&mode, &typed('n')), Some(Msg::Action(Action::Cancel)));
        assert_eq!(map(&mode, &typed('r')), None);
        assert_eq!(map(&mode, &typed('q')), None);
    }

    #[test]
    fn releases_are_ignored_and_resizes_pass_through() {
        let release = Event::Key(KeyEvent::new_with_kind(
            KeyCode::Char('q'),
            KeyModifiers::NONE,
            KeyEventKind::Release,
        ));
        assert_eq!(map(&Mode::List, &release), None);
        assert_eq!(
            map(&Mode::List, &Event::Resize(80, 24)),
            Some(Msg::Resize {
                width: 80,
                height: 24
            })
        );
    }

    #[test]
    fn every_context_has_a_way_out() {
        for context in [
            Context::List,
            Context::Filter,
            Context::Confirm,
            Context::Help,
        ] {
            assert!(
                bindings(context).any(|b| b.action == Action::Quit),
                "{context:?} cannot quit"
            );
        }
    }
}
