//! Screens as the operator sees them, drawn into ratatui's TestBackend.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use ratatui::style::Color;
use reprieve::app::{Action, Msg, Outcome, State, update};
use reprieve::store::{ErrorKind, StoreError};

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
    odd[3].description = Some("\u{9b}31m".repeat(100).into());
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
fn the_filter_cursor_sits_after_wide_characters() {
    let mut state = loaded_state();
    typed(&mut state, "東京/");
    let (mut terminal, _) = draw(&state);
    let cursor = terminal.get_cursor_position().unwrap();
    // " / " then two wide characters and a slash.
    assert_eq!((cursor.x, cursor.y), (3 + 5, 1));
}
