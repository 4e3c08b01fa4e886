//! Screens at awkward sizes and with awkward text: cut or wrapped, never
//! garbled, and never confirming what did not fit on screen.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use reprieve::app::{Action, Msg, Outcome, update};
use reprieve::store::{ErrorKind, StoreError};

#[test]
fn tiny_terminals_never_panic() {
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 8)] {
        let mut state = sized(w, h);
        listed(&mut state, sample());
        screen(&state);
        act(&mut state, Action::Restore);
        screen(&state);
        act(&mut state, Action::Cancel);
        act(&mut state, Action::Help);
        screen(&state);
        let mut failed = sized(w, h);
        update(
            &mut failed,
            Msg::LoadFailed {
                source: 0,
                generation: 1,
                error: StoreError::new(ErrorKind::Unreachable, None, "connection refused"),
            },
        );
        screen(&failed);
    }
}

#[test]
fn a_narrow_confirmation_wraps_the_arn_instead_of_cutting_it() {
    let mut state = sized(64, 20);
    listed(&mut state, sample());
    act(&mut state, Action::Restore);
    let screen = screen(&state);
    let arn = arn("prod/payments/stripe-webhook").to_string();
    // Every piece of the ARN is on screen, in order, across the wrapped lines.
    let inside: String = screen
        .lines()
        .filter_map(|l| l.split('│').nth(1))
        .map(|l| l.trim().trim_start_matches("ARN").trim())
        .collect();
    assert!(inside.contains(&arn), "{screen}");
    assert!(!inside.contains('…'), "nothing in the box is cut: {screen}");
}

/// The help fits a standard 80x24 terminal: every binding of every section it
/// lists is on screen, its description beside its keys.
#[test]
fn help_at_80x24_shows_every_binding() {
    let mut state = sized(80, 24);
    dated(&mut state, sample());
    act(&mut state, Action::Help);
    let text = screen(&state);
    for scope in reprieve::keys::HELP_SECTIONS {
        for b in reprieve::keys::bindings(scope) {
            let label = b.label();
            let beside = text.lines().any(|line| {
                line.match_indices(&label).any(|(at, _)| {
                    line[at + label.len()..]
                        .trim_start()
                        .starts_with(b.description)
                })
            });
            assert!(
                beside,
                "{scope:?}: {label} {} is not on screen\n{text}",
                b.description
            );
        }
    }
    assert!(text.contains("Esc/?/Enter close"), "{text}");
}

/// Too small for the help: it is cut, not garbled, and the way out shows.
#[test]
fn help_on_a_short_terminal_keeps_the_way_out() {
    for (w, h) in [(80, 12), (40, 24), (30, 8), (1, 1)] {
        let mut state = sized(w, h);
        listed(&mut state, sample());
        act(&mut state, Action::Help);
        let text = screen(&state);
        if h >= 8 && w >= 40 {
            assert!(text.contains("Esc/?/Enter"), "{w}x{h}\n{text}");
        }
    }
}

#[test]
fn a_long_error_is_cut_with_a_mark_and_m_shows_all_of_it() {
    let mut state = sized(80, 24);
    dated(&mut state, sample());
    act(&mut state, Action::Restore);
    let target = match state.mode() {
        reprieve::app::Mode::Confirm(t) => t.clone(),
        _ => unreachable!(),
    };
    confirm(&mut state);
    let message = "User: arn:aws:sts::111122223333:assumed-role/ops-readonly/alice is not \
                   authorized to perform: secretsmanager:RestoreSecret on resource: \
                   prod/payments/stripe-webhook because no identity-based policy allows the \
                   secretsmanager:RestoreSecret action (Service: SecretsManager, Status Code: 400)";
    update(
        &mut state,
        Msg::RestoreFinished {
            target,
            outcome: Outcome::Failed(StoreError::new(
                ErrorKind::AccessDenied,
                Some("AccessDeniedException"),
                message,
            )),
        },
    );
    let text = screen(&state);
    assert!(text.contains("… (m: whole message)"), "{text}");
    assert!(!text.contains("Status Code: 400"), "cut: {text}");

    act(&mut state, Action::ShowMessage);
    let text = screen(&state);
    let boxed: String = text
        .lines()
        .filter_map(|l| l.split('│').nth(1))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        boxed.contains("(Service: SecretsManager, Status Code: 400)"),
        "{text}"
    );
    assert!(text.contains("Esc/m/Enter close"), "{text}");
    act(&mut state, Action::CloseMessage);
    assert!(!screen(&state).contains(" Message "));
}

#[test]
fn the_header_keeps_the_title_on_a_narrow_terminal() {
    let mut state = sized(80, 12);
    listed(&mut state, sample());
    let text = screen(&state);
    let header = text.lines().next().unwrap();
    assert!(header.contains("reprieve"), "{header}");
    assert!(
        header.contains("CloudTrail p1 · 10 pending · 30 scanned"),
        "{header}"
    );
}

#[test]
fn a_listing_that_fails_partway_does_not_read_as_complete() {
    let mut state = sized(120, 12);
    page_arrives(&mut state, 1, page(sample(), 100, Some("p2")));
    let error = StoreError::new(
        ErrorKind::Service,
        None,
        "HTTP 500 from the service, without an AWS error message",
    );
    update(
        &mut state,
        Msg::LoadFailed {
            source: 0,
            generation: 1,
            error,
        },
    );
    let text = screen(&state);
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("10+ scheduled for deletion · 100 secrets scanned, listing incomplete"),
        "{header}"
    );
    assert!(
        text.contains("Listing failed: HTTP 500 from the service, without an AWS error message"),
        "{text}"
    );
}

#[test]
fn a_name_cannot_display_as_another_with_direction_or_zero_width_characters() {
    let mut state = sized(100, 20);
    listed(
        &mut state,
        vec![
            secret("prod/\u{202e}nimda\u{202c}-key", 5.0),
            secret("prod/db\u{200b}", 6.0),
        ],
    );
    let text = screen(&state);
    assert!(text.contains("prod/⇄nimda⇄-key"), "{text}");
    assert!(text.contains("prod/db∅"), "{text}");
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{200b}'),
        "{text}"
    );
    act(&mut state, Action::Restore);
    assert!(screen(&state).contains("Name      prod/⇄nimda⇄-key"));
}

#[test]
fn a_confirmation_too_small_to_show_its_subject_is_not_shown_or_confirmed() {
    let mut state = sized(20, 5);
    listed(&mut state, sample());
    act(&mut state, Action::Restore);
    let text = shown(&mut state);
    assert!(text.contains("Too small"), "{text}");
    assert!(
        !text.contains("Name"),
        "never a confirmation without its subject: {text}"
    );
    assert!(answer(&mut state).is_empty(), "y restores nothing unseen");
    assert!(
        state.status().unwrap().text.contains("too small"),
        "and says why"
    );
    // Made big enough, the same confirmation shows in full and works.
    update(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let text = shown(&mut state);
    assert!(
        text.contains("Restore this secret?") && text.contains("y/Enter restore"),
        "{text}"
    );
    assert_eq!(answer(&mut state).len(), 1);
}

/// Nine marked secrets are below the typed count: on a terminal too short
/// for the bulk confirmation, `y` must not restore what nobody saw.
#[test]
fn a_bulk_confirmation_too_small_to_show_is_not_confirmed() {
    let mut state = sized(100, 9);
    dated(&mut state, sample()[..9].to_vec());
    act(&mut state, Action::MarkAll);
    act(&mut state, Action::Restore);
    let text = shown(&mut state);
    assert!(text.contains("Too small"), "{text}");
    assert!(answer(&mut state).is_empty(), "nothing restored unseen");
    update(
        &mut state,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    let text = shown(&mut state);
    assert!(text.contains("Restore these 9 secrets?"), "{text}");
    // 100 ms on screen is not enough to have read it.
    let soon = state.uptime() + std::time::Duration::from_millis(100);
    update(&mut state, Msg::Elapsed(soon));
    assert!(act(&mut state, Action::Confirm).is_empty(), "typed ahead");
    let effects = answer(&mut state);
    assert_eq!(effects.len(), 9, "{effects:?}");
}

/// A 512-character name: the confirmation shows every character of the
/// ARN, or does not show at all.
#[test]
fn the_confirmation_never_cuts_an_arn() {
    let name = format!("prod/{}", "n".repeat(507));
    let mut state = sized(60, 24);
    listed(&mut state, vec![secret(&name, 5.0)]);
    act(&mut state, Action::Restore);
    let text = shown(&mut state);
    assert!(
        text.contains("Too small"),
        "its ARN needs more lines: {text}"
    );
    assert!(answer(&mut state).is_empty());
    update(
        &mut state,
        Msg::Resize {
            width: 60,
            height: 40,
        },
    );
    let text = shown(&mut state);
    // The ARN's lines: from its label to the next one.
    let inner: Vec<&str> = text.lines().filter_map(|l| l.split('│').nth(1)).collect();
    let from = inner.iter().position(|l| l.trim_start().starts_with("ARN"));
    let from = from.unwrap_or_else(|| panic!("no ARN: {text}"));
    let to = inner
        .iter()
        .position(|l| l.trim_start().starts_with("Via"))
        .unwrap();
    let shown_arn: String = inner[from..to]
        .iter()
        .map(|l| l.trim().trim_start_matches("ARN").trim())
        .collect();
    assert_eq!(shown_arn, arn(&name).as_str(), "{text}");
    assert_eq!(answer(&mut state).len(), 1);
}
