//! Keys map to what their labels say, in every scope.

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
        last_accessed: None,
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
        Scope::Details => Mode::Details {
            arn: Arn::new("arn:x"),
            scroll: 0,
        },
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

/// `[keys]` finds an action by its name: each is one word, and one only.
#[test]
fn every_binding_has_a_name_of_its_own() {
    let mut seen = std::collections::HashSet::new();
    for b in KEYMAP {
        assert!(seen.insert(b.name), "{} twice", b.name);
        assert!(
            b.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{}",
            b.name
        );
    }
}
