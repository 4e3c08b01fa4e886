//! Screens as the operator sees them, drawn into ratatui's TestBackend.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use reprieve::app::{Action, Msg, Outcome, State, update};
use reprieve::store::{ErrorKind, StoreError};

fn draw(state: &State) -> (Terminal<TestBackend>, bool) {
    let (width, height) = state.size();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut whole = true;
    terminal
        .draw(|frame| whole = reprieve::ui::render(frame, state))
        .unwrap();
    (terminal, whole)
}

fn screen(state: &State) -> String {
    draw(state).0.backend().to_string()
}

/// Draws the screen and tells the state what reached it, as the loop does.
fn shown(state: &mut State) -> String {
    let (terminal, whole) = draw(state);
    let at = state.uptime();
    update(state, Msg::Drawn { at, whole });
    terminal.backend().to_string()
}

/// `y`, a while after the last frame: only the screen decides what was seen.
fn answer(state: &mut State) -> Vec<reprieve::app::Effect> {
    let later = state.uptime() + reprieve::app::CONFIRM_GUARD;
    update(state, Msg::Elapsed(later));
    act(state, Action::Confirm)
}

/// Listed, and dated by CloudTrail: what an operator sees on AWS.
fn loaded_state() -> State {
    let mut state = sized(110, 18);
    dated(&mut state, sample());
    state
}

/// Listed, with CloudTrail refused: every purge is a 7–30-day window.
fn estimated_state(width: u16, height: u16) -> State {
    let mut state = sized(width, height);
    listed(&mut state, sample());
    trail_denied(&mut state);
    state
}

#[test]
fn loading() {
    let mut state = sized(110, 12);
    page_arrives(
        &mut state,
        1,
        page(sample().into_iter().take(3).collect(), 100, Some("t")),
    );
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn loading_before_the_first_page() {
    let state = sized(80, 10);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn loaded() {
    insta::assert_snapshot!(screen(&loaded_state()));
}

#[test]
fn loaded_at_160_columns_shows_every_column() {
    let mut state = sized(160, 16);
    dated(&mut state, sample());
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn loaded_at_80_columns_keeps_name_purge_time_left_and_who() {
    let mut state = sized(80, 16);
    dated(&mut state, sample());
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn cloudtrail_denied_shows_windows_and_says_why() {
    let state = estimated_state(110, 18);
    let text = screen(&state);
    assert!(
        text.contains("10 purge dates are 7–30-day estimates: CloudTrail refused LookupEvents"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn confirmation_of_an_estimated_purge_says_it_is_an_estimate() {
    let mut state = estimated_state(110, 24);
    act(&mut state, Action::Restore);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn filtered() {
    let mut state = loaded_state();
    typed(&mut state, "postgres");
    let (terminal, _) = draw(&state);
    insta::assert_snapshot!(terminal.backend().to_string());
    // The cursor sits after the typed text on the filter line.
    let mut terminal = terminal;
    let cursor = terminal.get_cursor_position().unwrap();
    assert_eq!((cursor.x, cursor.y), (3 + 8, 1));
}

#[test]
fn filter_that_matches_nothing() {
    let mut state = loaded_state();
    typed(&mut state, "zzz");
    act(&mut state, Action::AcceptFilter);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn confirmation() {
    let mut state = loaded_state();
    update(
        &mut state,
        Msg::Resize {
            width: 110,
            height: 22,
        },
    );
    act(&mut state, Action::Down);
    act(&mut state, Action::Restore);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn restoring_and_failed_rows() {
    let mut state = loaded_state();
    act(&mut state, Action::Restore);
    let first = match state.mode() {
        reprieve::app::Mode::Confirm(t) => t.clone(),
        _ => unreachable!(),
    };
    confirm(&mut state);
    act(&mut state, Action::Down);
    act(&mut state, Action::Restore);
    confirm(&mut state);
    update(
        &mut state,
        Msg::RestoreFinished {
            target: first,
            outcome: Outcome::Failed(StoreError::new(
                ErrorKind::AccessDenied,
                Some("AccessDeniedException"),
                "User: arn:aws:sts::111122223333:assumed-role/ops-readonly/alice is not authorized \
                 to perform: secretsmanager:RestoreSecret on resource: prod/payments/stripe-webhook \
                 because no identity-based policy allows the secretsmanager:RestoreSecret action",
            )),
        },
    );
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn startup_error() {
    let mut state = sized(100, 20);
    update(
        &mut state,
        Msg::LoadFailed {
            source: 0,
            generation: 1,
            error: StoreError::new(
                ErrorKind::ExpiredCredentials,
                None,
                "failed to load credentials: the SSO session has expired; run aws sso login",
            ),
        },
    );
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn nothing_scheduled_for_deletion() {
    let mut state = sized(80, 10);
    listed(&mut state, vec![]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn help_overlay() {
    let mut state = sized(100, 32);
    dated(&mut state, sample());
    act(&mut state, Action::Help);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn deadlines_are_coloured_by_how_close_they_are() {
    let state = loaded_state();
    let (terminal, _) = draw(&state);
    let buffer = terminal.backend().buffer();
    let row_of = |name: &str| {
        (0..buffer.area.height)
            .find(|&y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .contains(name)
            })
            .unwrap()
    };
    let fg = |name: &str| buffer[(3, row_of(name))].fg;
    // The first row is selected (reversed) but keeps its colour.
    assert_eq!(fg("prod/payments/stripe-webhook"), Color::Red, "overdue");
    assert_eq!(fg("prod/orders/postgres-primary"), Color::Red, "under 24 h");
    assert_eq!(fg("prod/edge/cloudfront-key"), Color::Yellow, "under 72 h");
    assert_eq!(fg("dev/alice/scratch"), Color::Reset, "later");
}

#[test]
fn hostile_names_cannot_drive_the_terminal_or_break_the_layout() {
    use unicode_width::UnicodeWidthStr;

    const EVIL: &str = "evil/\u{1b}[2J\u{1b}]0;pwned\u{7}title";
    const WIDE: &str = "team-東京/データベース/パスワード";
    let mut state = sized(100, 14);
    let mut odd = vec![
        secret(EVIL, 5.0),
        secret("line\nbreak\r\ttab", 6.0),
        secret(WIDE, 7.0),
        secret(&"x".repeat(512), 8.0),
        secret("", 9.0),
    ];
    odd[4].description = None;
    odd[3].description = Some("\u{9b}31m".repeat(100));
    listed(&mut state, odd);
    let (terminal, _) = draw(&state);
    let buffer = terminal.backend().buffer();
    // Each screen line as the operator reads it: a wide character once,
    // not followed by the cell it covers.
    let lines: Vec<String> = (0..buffer.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < buffer.area.width {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                x += u16::try_from(symbol.width().max(1)).unwrap();
            }
            line
        })
        .collect();
    let text = lines.join("\n");
    let header = lines.iter().position(|l| l.starts_with("  Name ")).unwrap();
    let rows = &lines[header + 1..header + 6];

    // Every control character shows as a visible stand-in, in place.
    assert!(rows[0].starts_with("  evil/␛[2J␛]0;pwned␇title "), "{text}");
    assert!(rows[1].starts_with("  line␊break␍␉tab "), "{text}");
    // Wide characters whole, a long name cut with an ellipsis, and an
    // empty name named.
    assert!(rows[2].starts_with(&format!("  {WIDE} ")), "{text}");
    let long = rows[3].trim_start().split(' ').next().unwrap();
    assert!(long.ends_with('…'), "{text}");
    let kept = long.trim_end_matches('…');
    assert!(
        !kept.is_empty() && kept.len() < 100 && kept.chars().all(|c| c == 'x'),
        "{text}"
    );
    assert!(rows[4].starts_with("  (no name) "), "{text}");

    // The layout holds: every line fills the width exactly, and every row's
    // purge window starts in the Purge column.
    for line in &lines {
        assert_eq!(line.width(), 100, "{line:?}");
    }
    let column = |line: &str, what: &str| line.find(what).map(|i| line[..i].width());
    let purge = column(&lines[header], "Purge").unwrap();
    for row in rows {
        assert_eq!(column(row, "2026-11-06 … 11-29"), Some(purge), "{text}");
    }

    // And nothing that could reach the terminal as a control sequence.
    let screen = terminal.backend().to_string();
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{9b}') && !screen.contains('\u{7}'));
    for line in screen.lines() {
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    }
    insta::assert_snapshot!(screen);
}

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
fn the_filter_cursor_sits_after_wide_characters() {
    let mut state = loaded_state();
    typed(&mut state, "東京/");
    let (mut terminal, _) = draw(&state);
    let cursor = terminal.get_cursor_position().unwrap();
    // " / " then two wide characters and a slash.
    assert_eq!((cursor.x, cursor.y), (3 + 5, 1));
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
