//! Key presses to messages, by mode. The same table feeds the footer hints
//! and the help overlay, and their labels are written from the table's key
//! events, so they can never disagree with what keys do.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Action, Mode, Msg};

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
}

impl Scope {
    pub const ALL: [Scope; 8] = [
        Scope::List,
        Scope::Filter,
        Scope::Confirm,
        Scope::Help,
        Scope::Message,
        Scope::Sources,
        Scope::ConfirmMany,
        Scope::ConfirmQuit,
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
        }
    }
}

pub struct Binding {
    pub scope: Scope,
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
        KeyCode::Tab => label.push_str("Tab"),
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
];

/// The scopes the help overlay lists, in order. The help screen's own keys
/// are named by its footer hint instead.
pub const HELP_SECTIONS: [Scope; 3] = [Scope::List, Scope::Filter, Scope::Confirm];

pub fn bindings(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.scope == scope)
}

/// Maps a terminal event to a message, or `None` when it means nothing here.
pub fn map(mode: &Mode, event: &Event) -> Option<Msg> {
    match event {
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            let scope = Scope::of(mode);
            let pressed = normalize(k);
            let bound = bindings(scope)
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

    fn confirming() -> Mode {
        let at = jiff::Timestamp::UNIX_EPOCH;
        let secret = crate::store::PendingSecret {
            arn: Arn::new("arn:x"),
            name: "x".into(),
            description: None,
            deleted_date: at,
        };
        Mode::Confirm(Target::of(0, &secret, &crate::purge::read(at, at, None)))
    }

    fn mode_of(scope: Scope) -> Mode {
        match scope {
            Scope::List => Mode::List,
            Scope::Filter => Mode::Filter,
            Scope::Confirm => confirming(),
            Scope::Help => Mode::Help,
            Scope::Message => Mode::Message,
            Scope::Sources => Mode::Sources,
            Scope::ConfirmQuit => Mode::ConfirmQuit,
            Scope::ConfirmMany => Mode::ConfirmMany(crate::app::marks::Bulk {
                targets: Vec::new(),
                typed: String::new(),
                scroll: 0,
            }),
        }
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
        let mode = confirming();
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
    fn every_scope_has_a_way_out() {
        for scope in Scope::ALL {
            assert!(
                bindings(scope).any(|b| matches!(b.action, Action::Quit | Action::QuitAnyway)),
                "{scope:?} cannot quit"
            );
        }
    }

    fn binding(scope: Scope, action: Action) -> &'static Binding {
        bindings(scope).find(|b| b.action == action).expect("bound")
    }

    #[test]
    fn labels_are_written_from_the_keys() {
        let close = binding(Scope::Help, Action::CloseHelp);
        assert!(close.label().contains("Enter"), "{}", close.label());
        assert_eq!(close.label(), "Esc/?/Enter");
        assert_eq!(binding(Scope::List, Action::Up).label(), "↑/k");
        assert_eq!(binding(Scope::List, Action::PageDown).label(), "PgDn");
        assert_eq!(binding(Scope::List, Action::Bottom).label(), "End/G");
        assert_eq!(binding(Scope::Confirm, Action::Cancel).label(), "n/Esc");
        let quit = binding(Scope::List, Action::Quit);
        assert_eq!(quit.label(), "q/Ctrl-C");
        assert_eq!(quit.hint_label(), "q");
        assert_eq!(
            key_label(&KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE)),
            "Space"
        );
        assert_eq!(
            key_label(&KeyEvent::new(KeyCode::Tab, KeyModifiers::SHIFT)),
            "Shift-Tab"
        );
    }

    /// Whatever a label names does what the binding says, in its scope.
    #[test]
    fn every_key_of_a_binding_does_its_action() {
        for b in KEYMAP {
            let mode = mode_of(b.scope);
            for k in b.keys {
                let mut presses = vec![*k];
                // Terminals report an upper-case letter with Shift held.
                if let KeyCode::Char(c) = k.code
                    && c.is_uppercase()
                {
                    presses.push(KeyEvent::new(k.code, k.modifiers | KeyModifiers::SHIFT));
                }
                for press in presses {
                    assert_eq!(
                        map(&mode, &Event::Key(press)),
                        Some(Msg::Action(b.action)),
                        "{} in {:?} should {:?}",
                        key_label(k),
                        b.scope,
                        b.action
                    );
                }
            }
        }
    }

    /// A key left out of a footer hint is still named where the operator
    /// can read it: the help overlay lists every key of its sections, and
    /// the help screen's own keys are only in its footer, so none is quiet.
    #[test]
    fn no_key_works_unseen() {
        for b in KEYMAP {
            for q in b.quiet {
                assert!(
                    b.keys.contains(q),
                    "{} is quiet but not bound",
                    key_label(q)
                );
            }
            let label = b.label();
            for k in b.keys {
                assert!(label.contains(&key_label(k)), "{label} misses {k:?}");
            }
            if !HELP_SECTIONS.contains(&b.scope) {
                assert!(
                    b.hint.is_some(),
                    "{:?} {:?} is never shown",
                    b.scope,
                    b.action
                );
                assert_eq!(b.hint_label(), label, "{:?} hides a key", b.scope);
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_scope() {
        for scope in Scope::ALL {
            let keys: Vec<_> = bindings(scope).flat_map(|b| b.keys).collect();
            for (i, k) in keys.iter().enumerate() {
                assert!(
                    !keys[..i].contains(k),
                    "{} twice in {scope:?}",
                    key_label(k)
                );
            }
        }
    }
}
