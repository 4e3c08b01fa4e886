//! `update` as an operator would feel it: listing, filtering, selection and
//! refreshing, with time fixed. Restores are in `update_restore.rs`,
//! CloudTrail dates in `update_cloudtrail.rs`.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use reprieve::app::{Action, Effect, Mode, Msg, State, Tone, update};
use reprieve::store::{ErrorKind, StoreError};

#[test]
fn pages_show_as_they_arrive_and_listing_follows_next_token() {
    let mut state = started();
    assert!(state.load().loading);
    let effects = page_arrives(
        &mut state,
        1,
        page(vec![secret("mm", 50.0)], 100, Some("t1")),
    );
    assert_eq!(
        effects,
        vec![Effect::LoadPage {
            source: 0,
            generation: 1,
            token: Some("t1".into())
        }]
    );
    assert_eq!(names(&state), ["mm"], "rows appear before the last page");
    assert!(state.load().loading);

    // AWS may send an empty page that still has a token: keep going.
    let effects = page_arrives(&mut state, 1, page(vec![], 0, Some("t2")));
    assert_eq!(effects.len(), 1);

    let effects = page_arrives(
        &mut state,
        1,
        page(vec![secret("zz", 2.0), secret("aa", 300.0)], 34, None),
    );
    // The last page asks CloudTrail when each pending secret was deleted.
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::LookupDeletions {
                source: 0,
                generation: 1,
                ..
            }]
        ),
        "{effects:?}"
    );
    assert!(!state.load().loading);
    assert_eq!(state.load().scanned, 134);
    // Named so that a sort by name would give the reverse.
    assert_eq!(
        names(&state),
        ["zz", "mm", "aa"],
        "soonest first across pages"
    );
}

#[test]
fn a_page_from_an_older_listing_is_ignored() {
    let mut state = started();
    listed(&mut state, vec![]);
    act(&mut state, Action::Refresh);
    assert_eq!(state.load().generation, 2);
    let effects = page_arrives(
        &mut state,
        1,
        page(vec![secret("stale", 5.0)], 1, Some("t")),
    );
    assert!(effects.is_empty(), "no further pages for a stale listing");
    assert!(names(&state).is_empty());
}

#[test]
fn filter_narrows_by_letters_in_order_and_esc_clears() {
    let mut state = started();
    listed(&mut state, sample());
    // A dropped letter still finds it.
    typed(&mut state, "pstgres");
    assert_eq!(
        names(&state),
        [
            "prod/orders/postgres-primary",
            "staging/orders/postgres-primary"
        ]
    );
    assert_eq!((state.list().visible_len(), state.list().len()), (2, 10));

    act(&mut state, Action::AcceptFilter);
    assert_eq!(*state.mode(), Mode::List);
    assert_eq!(state.list().visible_len(), 2, "Enter keeps the filter");

    act(&mut state, Action::ClearFilter);
    assert_eq!(state.list().visible_len(), 10);
    assert_eq!(state.filter().value(), "");
}

#[test]
fn selection_follows_its_secret_when_sooner_rows_arrive() {
    let mut state = started();
    page_arrives(
        &mut state,
        1,
        page(vec![secret("mm", 50.0), secret("aa", 90.0)], 2, Some("t")),
    );
    act(&mut state, Action::Down);
    assert_eq!(selected(&state).as_deref(), Some("aa"));
    page_arrives(
        &mut state,
        1,
        page(vec![secret("zz", 1.0), secret("yy", 2.0)], 2, None),
    );
    assert_eq!(names(&state), ["zz", "yy", "mm", "aa"]);
    assert_eq!(selected(&state).as_deref(), Some("aa"));
}

#[test]
fn selection_stays_on_its_secret_while_filtering_and_moves_down_when_it_leaves() {
    let mut state = started();
    listed(&mut state, sample());
    // Select staging/orders/postgres-primary.
    for _ in 0..6 {
        act(&mut state, Action::Down);
    }
    assert_eq!(
        selected(&state).as_deref(),
        Some("staging/orders/postgres-primary")
    );
    typed(&mut state, "orders");
    assert_eq!(
        selected(&state).as_deref(),
        Some("staging/orders/postgres-primary")
    );
    typed(&mut state, "/p");
    assert_eq!(
        selected(&state).as_deref(),
        Some("staging/orders/postgres-primary")
    );

    act(&mut state, Action::ClearFilter);
    typed(&mut state, "prod/");
    // The selection was filtered out: land on the next match below it.
    assert_eq!(selected(&state).as_deref(), Some("prod/mail/sendgrid"));

    typed(&mut state, "nothing-matches");
    assert_eq!(selected(&state), None);
    assert_eq!(state.list().visible_len(), 0);
}

#[test]
fn keys_move_by_row_page_and_to_either_end() {
    let mut state = sized(120, 10);
    let many: Vec<_> = (0..40)
        .map(|i| secret(&format!("s{i:02}"), f64::from(i)))
        .collect();
    listed(&mut state, many);
    assert_eq!(selected(&state).as_deref(), Some("s00"));
    act(&mut state, Action::Up);
    assert_eq!(selected(&state).as_deref(), Some("s00"), "stops at the top");
    act(&mut state, Action::PageDown);
    // Ten lines: header, filter line, column titles, status and hints leave five.
    let page = 5;
    assert_eq!(selected(&state).as_deref(), Some("s05"));
    act(&mut state, Action::Bottom);
    assert_eq!(selected(&state).as_deref(), Some("s39"));
    assert!(
        state.list().offset() + page > 39,
        "the last row is on screen"
    );
    act(&mut state, Action::Down);
    assert_eq!(
        selected(&state).as_deref(),
        Some("s39"),
        "stops at the bottom"
    );
    act(&mut state, Action::PageUp);
    assert_eq!(selected(&state), Some(format!("s{:02}", 39 - page)));
    act(&mut state, Action::Top);
    assert_eq!(selected(&state).as_deref(), Some("s00"));
    assert_eq!(state.list().offset(), 0);
}

#[test]
fn r_while_a_listing_runs_does_not_start_a_second_one() {
    let mut state = started();
    page_arrives(&mut state, 1, page(vec![secret("a", 5.0)], 100, Some("t")));
    assert!(
        act(&mut state, Action::Refresh).is_empty(),
        "no second listing"
    );
    assert_eq!(state.load().generation, 1);
    let status = state.status().cloned().unwrap();
    assert_eq!(status.text, "Already listing: R works again when it ends");
    // The running listing goes on and ends; then R works.
    page_arrives(&mut state, 1, page(vec![], 10, None));
    assert_eq!(
        act(&mut state, Action::Refresh),
        vec![Effect::LoadPage {
            source: 0,
            generation: 2,
            token: None
        }]
    );
}

#[test]
fn refresh_keeps_filter_and_selection_and_drops_what_is_gone() {
    let mut state = started();
    listed(&mut state, sample());
    typed(&mut state, "prod/");
    act(&mut state, Action::AcceptFilter);
    act(&mut state, Action::Down);
    act(&mut state, Action::Down);
    let chosen = selected(&state).unwrap();

    let effects = act(&mut state, Action::Refresh);
    assert_eq!(
        effects,
        vec![Effect::LoadPage {
            source: 0,
            generation: 2,
            token: None
        }]
    );
    assert_eq!(state.list().len(), 10, "old rows stay while reloading");
    let mut fresh = sample();
    fresh.retain(|s| s.name != "prod/payments/stripe-webhook");
    listed(&mut state, fresh);
    assert_eq!(
        state.list().len(),
        9,
        "a secret no longer listed is dropped"
    );
    assert_eq!(state.filter().value(), "prod/");
    assert_eq!(selected(&state), Some(chosen));
}

#[test]
fn a_startup_failure_is_a_screen_and_r_retries() {
    let mut state = started();
    let error = StoreError::new(
        ErrorKind::ExpiredCredentials,
        None,
        "the SSO token has expired",
    );
    update(
        &mut state,
        Msg::LoadFailed {
            source: 0,
            generation: 1,
            error: error.clone(),
        },
    );
    assert_eq!(state.startup_error().map(|(e, _)| e), Some(&error));
    assert!(!state.animating());

    assert_eq!(act(&mut state, Action::Refresh).len(), 1);
    assert_eq!(
        state.startup_error(),
        None,
        "retrying shows loading, not the old error"
    );
    listed(&mut state, sample());
    assert_eq!(state.startup_error(), None);
    assert_eq!(state.list().len(), 10);
}

#[test]
fn a_failed_refresh_keeps_the_rows_and_reports_in_the_status_line() {
    let mut state = started();
    listed(&mut state, sample());
    act(&mut state, Action::Refresh);
    update(
        &mut state,
        Msg::LoadFailed {
            source: 0,
            generation: 2,
            error: StoreError::new(
                ErrorKind::Throttled,
                Some("ThrottlingException"),
                "Rate exceeded",
            ),
        },
    );
    assert_eq!(state.list().len(), 10);
    assert_eq!(state.startup_error(), None);
    let status = state.status().cloned().unwrap();
    assert_eq!(status.tone, Tone::Error);
    assert!(status.text.contains("ThrottlingException: Rate exceeded"));

    // The next good listing clears the complaint.
    act(&mut state, Action::Refresh);
    listed(&mut state, sample());
    assert_eq!(state.status(), None);
}

#[test]
fn quit_is_an_effect_and_a_tick_moves_every_countdown() {
    let mut state = started();
    dated(&mut state, sample());
    let left = |state: &State| {
        let row = state
            .list()
            .get(&arn("prod/orders/postgres-primary"))
            .unwrap();
        reprieve::purge::time_left(row.dates.purge, state.now())
    };
    assert_eq!(left(&state), "3h 12m");
    update(
        &mut state,
        Msg::Tick(now() + jiff::SignedDuration::from_hours(3)),
    );
    assert_eq!(left(&state), "12m");
    update(
        &mut state,
        Msg::Tick(now() + jiff::SignedDuration::from_hours(4)),
    );
    assert_eq!(left(&state), "overdue");
    assert_eq!(act(&mut state, Action::Quit), vec![Effect::Quit]);
}

#[test]
fn an_untouched_selection_rests_on_the_soonest_secret() {
    let mut state = started();
    page_arrives(&mut state, 1, page(vec![secret("mm", 50.0)], 1, Some("t")));
    page_arrives(&mut state, 1, page(vec![secret("yy", 1.0)], 1, None));
    assert_eq!(
        selected(&state).as_deref(),
        Some("yy"),
        "top row, not the first to arrive"
    );
    // Home puts it back in that mode after the operator has moved.
    act(&mut state, Action::Down);
    act(&mut state, Action::Top);
    act(&mut state, Action::Refresh);
    listed(
        &mut state,
        vec![secret("mm", 50.0), secret("yy", 1.0), secret("zz", 0.5)],
    );
    assert_eq!(selected(&state).as_deref(), Some("zz"));
}

#[test]
fn on_the_startup_error_screen_only_its_own_keys_work() {
    let mut state = started();
    let error = StoreError::new(ErrorKind::Unreachable, None, "connection refused");
    update(
        &mut state,
        Msg::LoadFailed {
            source: 0,
            generation: 1,
            error,
        },
    );
    assert!(state.startup_error().is_some());
    for action in [
        Action::OpenFilter,
        Action::Restore,
        Action::Help,
        Action::Down,
    ] {
        assert!(act(&mut state, action).is_empty());
        assert_eq!(*state.mode(), Mode::List, "{action:?} did something");
    }
    assert_eq!(act(&mut state, Action::Quit), vec![Effect::Quit]);
    assert_eq!(act(&mut state, Action::Refresh).len(), 1, "R retries");
}

/// Past a few thousand rows, narrowing searches the names in memory order:
/// the rows it keeps are still exactly those that match, in purge order.
#[test]
fn narrowing_a_long_list_keeps_exactly_the_matches_in_order() {
    let mut state = started();
    let many: Vec<_> = (0..9000)
        .map(|i| secret(&format!("svc/{i:05}"), f64::from(i % 977) + 1.0))
        .collect();
    listed(&mut state, many);
    typed(&mut state, "svc/0");
    let wide = names(&state);
    assert!(wide.len() > 8192, "{}", wide.len());
    update(
        &mut state,
        Msg::FilterEdit(tui_input::InputRequest::InsertChar('1')),
    );
    let narrowed = names(&state);
    let query = reprieve::filter::Query::parse("svc/01");
    let expected: Vec<String> = wide
        .iter()
        .filter(|n| query.matches(n, "arn"))
        .cloned()
        .collect();
    assert_eq!(narrowed, expected);
    // Fuzzy: `svc/0…1…` too, not only `svc/01…`.
    assert!(narrowed.len() > 1000, "{}", narrowed.len());
    assert!(narrowed.contains(&"svc/02001".to_owned()));
}
