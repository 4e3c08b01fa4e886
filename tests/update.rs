//! `update` as an operator would feel it: listing, filtering, selection and
//! the restore lifecycle, with time fixed.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use reprieve::app::list::RestoreState;
use reprieve::app::{Action, Effect, Mode, Msg, Target, Tone, update};
use reprieve::store::{ErrorKind, StoreError};

fn restore_target(state: &mut State, name: &str) -> Target {
    while selected(state).as_deref() != Some(name) {
        act(state, Action::Down);
    }
    act(state, Action::Restore);
    match state.mode() {
        Mode::Confirm(target) => target.clone(),
        other => panic!("expected a confirmation, got {other:?}"),
    }
}

use reprieve::app::State;

fn finish(state: &mut State, target: &Target, result: Result<(), StoreError>) {
    update(
        state,
        Msg::RestoreFinished {
            target: target.clone(),
            outcome: answered(result),
        },
    );
}

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
fn filter_narrows_by_case_insensitive_substring_and_esc_clears() {
    let mut state = started();
    listed(&mut state, sample());
    typed(&mut state, "PostGres");
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
fn restore_lifecycle_success() {
    let mut state = started();
    dated(&mut state, sample());
    let target = restore_target(&mut state, "dev/alice/scratch");
    assert_eq!(target.arn, arn("dev/alice/scratch"));

    let effects = confirm(&mut state);
    assert_eq!(effects, vec![Effect::Restore(target.clone())]);
    assert_eq!(*state.mode(), Mode::List);
    assert!(state.animating(), "a spinner turns while restoring");
    let row = state.list().get(&target.arn).unwrap();
    assert_eq!(row.restore, RestoreState::Restoring);

    // The operator keeps working meanwhile.
    act(&mut state, Action::Down);
    typed(&mut state, "prod");
    act(&mut state, Action::ClearFilter);

    finish(&mut state, &target, Ok(()));
    assert!(state.list().get(&target.arn).is_none(), "the row leaves");
    let status = state.status().cloned().unwrap();
    assert_eq!(status.tone, Tone::Success);
    assert_eq!(status.text, "Restored dev/alice/scratch");
    assert!(!state.animating());
}

#[test]
fn cancel_sends_nothing() {
    let mut state = started();
    listed(&mut state, sample());
    restore_target(&mut state, "prod/mail/sendgrid");
    assert!(act(&mut state, Action::Cancel).is_empty());
    assert_eq!(*state.mode(), Mode::List);
    assert!(
        state
            .list()
            .visible_rows()
            .all(|r| r.restore == RestoreState::Idle)
    );
}

#[test]
fn a_second_press_on_a_restoring_secret_does_nothing() {
    let mut state = started();
    listed(&mut state, sample());
    let target = restore_target(&mut state, "prod/mail/sendgrid");
    // The operator presses r, y and then r, y again on the same row.
    let mut sent = confirm(&mut state);
    sent.extend(act(&mut state, Action::Restore));
    assert_eq!(*state.mode(), Mode::List, "no second confirmation");
    assert_eq!(
        state.status().unwrap().text,
        "prod/mail/sendgrid is already being restored"
    );
    sent.extend(confirm(&mut state));
    assert_eq!(
        sent,
        vec![Effect::Restore(target.clone())],
        "one RestoreSecret call"
    );
    assert_eq!(
        state.list().get(&target.arn).unwrap().restore,
        RestoreState::Restoring
    );
}

#[test]
fn an_unnamed_secret_is_called_by_its_arn_in_every_message() {
    let mut state = started();
    let mut unnamed = secret("", 30.0);
    unnamed.arn = arn("anonymous");
    listed(&mut state, vec![unnamed.clone()]);
    act(&mut state, Action::Restore);
    let target = match state.mode() {
        Mode::Confirm(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(target.name, unnamed.arn.as_str());
    confirm(&mut state);
    act(&mut state, Action::Restore);
    let text = &state.status().unwrap().text;
    assert_eq!(*text, format!("{} is already being restored", unnamed.arn));
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
fn a_failed_restore_keeps_the_row_and_says_why() {
    let mut state = started();
    listed(&mut state, sample());
    let target = restore_target(&mut state, "prod/ci/github-app-key");
    confirm(&mut state);
    let denied = StoreError::new(
        ErrorKind::AccessDenied,
        Some("AccessDeniedException"),
        "not authorized to perform: secretsmanager:RestoreSecret",
    );
    finish(&mut state, &target, Err(denied.clone()));
    let row = state.list().get(&target.arn).unwrap();
    assert_eq!(row.restore, RestoreState::Failed(Box::new(denied)));
    let status = state.status().cloned().unwrap();
    assert_eq!(status.tone, Tone::Error);
    assert!(
        status
            .text
            .contains("AccessDeniedException: not authorized"),
        "{}",
        status.text
    );
    assert!(status.text.contains("prod/ci/github-app-key"));

    // A failed row can be tried again.
    act(&mut state, Action::Restore);
    assert!(matches!(state.mode(), Mode::Confirm(_)));
}

#[test]
fn not_found_means_the_secret_is_gone() {
    let mut state = started();
    listed(&mut state, sample());
    let target = restore_target(&mut state, "legacy/monolith/mysql-root");
    confirm(&mut state);
    let gone = StoreError::new(
        ErrorKind::NotFound,
        Some("ResourceNotFoundException"),
        "Secrets Manager can't find the specified secret.",
    );
    finish(&mut state, &target, Err(gone));
    assert!(state.list().get(&target.arn).is_none());
    let text = state.status().cloned().unwrap().text;
    assert!(text.contains("no longer exists"), "{text}");
    assert_eq!(
        selected(&state).as_deref(),
        Some("prod/backup/restic-password")
    );
}

#[test]
fn a_late_result_after_a_refresh_lands_on_its_own_secret() {
    let mut state = started();
    listed(&mut state, sample());
    let target = restore_target(&mut state, "prod/edge/cloudfront-key");
    confirm(&mut state);
    act(&mut state, Action::Refresh);
    // The new listing still has it (the restore has not landed yet) and
    // reorders everything with a new secret on top.
    let mut again = sample();
    again.push(secret("new/urgent", 0.5));
    listed(&mut state, again);
    assert_eq!(
        state.list().get(&target.arn).unwrap().restore,
        RestoreState::Restoring,
        "a refresh keeps the spinner"
    );
    finish(&mut state, &target, Ok(()));
    assert!(state.list().get(&target.arn).is_none());
    assert!(state.list().get(&arn("new/urgent")).is_some());
    assert_eq!(state.list().len(), 10);
}

#[test]
fn a_stale_listing_does_not_bring_a_restored_secret_back() {
    let mut state = started();
    listed(&mut state, sample());
    let target = restore_target(&mut state, "prod/mail/sendgrid");
    confirm(&mut state);
    finish(&mut state, &target, Ok(()));

    // ListSecrets can lag by minutes and still report the old DeletedDate.
    act(&mut state, Action::Refresh);
    listed(&mut state, sample());
    assert!(state.list().get(&target.arn).is_none());
    assert_eq!(state.list().len(), 9);

    // Deleted again later (a new DeletedDate): that is real, show it.
    act(&mut state, Action::Refresh);
    let mut later = sample();
    later.retain(|s| s.name != "prod/mail/sendgrid");
    later.push(secret("prod/mail/sendgrid", 720.0));
    listed(&mut state, later);
    assert!(state.list().get(&target.arn).is_some());
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
fn a_refresh_that_no_longer_lists_a_restoring_secret_keeps_its_spinner_until_the_result() {
    let mut state = started();
    listed(&mut state, sample());
    let target = restore_target(&mut state, "prod/mail/sendgrid");
    confirm(&mut state);
    act(&mut state, Action::Refresh);
    let mut without = sample();
    without.retain(|s| s.name != "prod/mail/sendgrid");
    listed(&mut state, without);
    assert_eq!(
        state.list().get(&target.arn).unwrap().restore,
        RestoreState::Restoring
    );
    finish(&mut state, &target, Ok(()));
    assert!(state.list().get(&target.arn).is_none());
    assert_eq!(
        state.status().cloned().unwrap().text,
        "Restored prod/mail/sendgrid"
    );
}

#[test]
fn cloudtrail_dates_arriving_after_the_listing_resort_rows_and_keep_the_selection() {
    let mut state = started();
    // Deleted 20 days ago with a 30-day window: purge in 10 days. Deleted
    // yesterday with a 7-day window: purge in 6 days.
    let old = secret("old-30-day-window", 240.0);
    let mut new = secret("new-7-day-window", 0.0);
    new.deleted_date = now() - jiff::SignedDuration::from_hours(24);
    let effects = listed(&mut state, vec![old.clone(), new.clone()]);
    // From the listing alone, the recent deletion could be purged first.
    assert_eq!(names(&state), ["old-30-day-window", "new-7-day-window"]);
    let query = match effects.as_slice() {
        [
            Effect::LookupDeletions {
                source: 0, query, ..
            },
        ] => query.clone(),
        other => panic!("expected a CloudTrail lookup, got {other:?}"),
    };
    assert!(
        query.start < old.deleted_date,
        "the lookup reaches the oldest deletion"
    );
    act(&mut state, Action::Down);
    assert_eq!(selected(&state).as_deref(), Some("new-7-day-window"));

    let mut week = deletion(&new);
    week.deletion_date = Some(new.deleted_date + jiff::SignedDuration::from_hours(7 * 24));
    let generation = state.trail().generation;
    let effects = update(
        &mut state,
        Msg::DeletionsLoaded {
            source: 0,
            generation,
            page: reprieve::store::EventPage {
                events: vec![deletion(&old), week],
                unreadable: 0,
                next_token: None,
            },
        },
    );
    assert!(effects.is_empty(), "one page, no token: the lookup is done");
    assert_eq!(
        names(&state),
        ["new-7-day-window", "old-30-day-window"],
        "the exact purge dates re-sort the rows"
    );
    assert_eq!(
        selected(&state).as_deref(),
        Some("new-7-day-window"),
        "the selection stays on its secret"
    );
    let row = state.list().selected().unwrap();
    assert_eq!(
        row.dates.deleted_by.as_ref().unwrap().short.as_deref(),
        Some("alice")
    );
    assert!(!state.animating());
    assert_eq!(state.dates_note(), None, "every date is exact");
}

#[test]
fn cloudtrail_pages_follow_their_token_and_late_pages_are_dropped() {
    let mut state = started();
    let secrets = sample();
    listed(&mut state, secrets.clone());
    let generation = state.trail().generation;
    let first = reprieve::store::EventPage {
        events: secrets[..5].iter().map(deletion).collect(),
        unreadable: 1,
        next_token: Some("p2".into()),
    };
    let effects = update(
        &mut state,
        Msg::DeletionsLoaded {
            source: 0,
            generation,
            page: first,
        },
    );
    match effects.as_slice() {
        [
            Effect::LookupDeletions {
                source: 0, query, ..
            },
        ] => assert_eq!(query.token.as_deref(), Some("p2")),
        other => panic!("expected the next CloudTrail page, got {other:?}"),
    }
    assert!(state.animating(), "the header shows CloudTrail being read");
    assert_eq!(state.estimated(), 5, "half the rows are exact so far");
    // A page from an older lookup is ignored.
    let stale = update(
        &mut state,
        Msg::DeletionsLoaded {
            source: 0,
            generation: generation - 1,
            page: reprieve::store::EventPage {
                events: secrets.iter().map(deletion).collect(),
                unreadable: 0,
                next_token: Some("x".into()),
            },
        },
    );
    assert!(stale.is_empty());
    assert_eq!(state.estimated(), 5);
}

#[test]
fn cloudtrail_denied_is_a_note_and_listing_and_restoring_go_on() {
    let mut state = started();
    listed(&mut state, sample());
    trail_denied(&mut state);
    assert!(state.startup_error().is_none());
    assert_eq!(state.status(), None, "not an error in the status line");
    let note = state.dates_note().unwrap();
    assert!(
        note.contains("10 purge dates are 7–30-day estimates"),
        "{note}"
    );
    assert!(note.contains("cloudtrail:LookupEvents"), "{note}");
    // Restoring still works; a refresh asks CloudTrail again.
    let target = restore_target(&mut state, "dev/alice/scratch");
    assert_eq!(confirm(&mut state), vec![Effect::Restore(target)]);
    act(&mut state, Action::Refresh);
    let effects = listed(&mut state, sample());
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::LookupDeletions { source: 0, .. }]
        ),
        "{effects:?}"
    );
}

#[test]
fn a_deletion_too_fresh_for_cloudtrail_stays_a_window_and_a_refresh_reads_only_the_recent_past() {
    let mut state = started();
    let settled = sample();
    let mut fresh = secret("just-deleted", 0.0);
    fresh.deleted_date = now() - jiff::SignedDuration::from_mins(1);
    let mut all = settled.clone();
    all.push(fresh.clone());
    listed(&mut state, all.clone());
    trail_arrives(&mut state, &settled);
    let row = state.list().get(&fresh.arn).unwrap();
    assert!(row.dates.purge.is_window(), "never an invented exact date");
    assert_eq!(row.dates.deleted_at, Some(fresh.deleted_date));
    let note = state.dates_note().unwrap();
    assert!(
        note.starts_with("1 purge date is a 7–30-day estimate"),
        "{note}"
    );

    // Later, R: the lookup starts near the end of the last one, not 30 days back.
    update(
        &mut state,
        Msg::Tick(now() + jiff::SignedDuration::from_mins(10)),
    );
    act(&mut state, Action::Refresh);
    let effects = listed(&mut state, all);
    let query = match effects.as_slice() {
        [
            Effect::LookupDeletions {
                source: 0, query, ..
            },
        ] => query.clone(),
        other => panic!("expected a CloudTrail lookup, got {other:?}"),
    };
    assert!(
        query.start > now() - jiff::SignedDuration::from_hours(1),
        "{query:?}"
    );
    trail_arrives(&mut state, std::slice::from_ref(&fresh));
    assert!(
        !state
            .list()
            .get(&fresh.arn)
            .unwrap()
            .dates
            .purge
            .is_window()
    );
    assert_eq!(state.dates_note(), None);
}

#[test]
fn an_event_read_before_its_secret_is_listed_dates_it_when_it_arrives() {
    let mut state = started();
    let early = secret("early", 20.0);
    let late = secret("listed-later", 60.0);
    listed(&mut state, vec![early.clone()]);
    // CloudTrail knows both deletions; only one secret is listed so far.
    trail_arrives(&mut state, &[early.clone(), late.clone()]);
    assert!(
        state
            .list()
            .get(&early.arn)
            .unwrap()
            .dates
            .from_cloudtrail()
    );
    act(&mut state, Action::Refresh);
    listed(&mut state, vec![early.clone(), late.clone()]);
    let row = state.list().get(&late.arn).unwrap();
    assert!(row.dates.from_cloudtrail(), "{:?}", row.dates);
    assert!(!row.dates.purge.is_window());
}

#[test]
fn a_row_that_leaves_one_listing_and_returns_keeps_its_cloudtrail_dates() {
    let mut state = started();
    let all = sample();
    dated(&mut state, all.clone());
    // ListSecrets lags: one listing misses a secret, the next has it again.
    act(&mut state, Action::Refresh);
    listed(&mut state, all[1..].to_vec());
    assert!(state.list().get(&all[0].arn).is_none());
    act(&mut state, Action::Refresh);
    listed(&mut state, all.clone());
    let row = state.list().get(&all[0].arn).unwrap();
    assert!(row.dates.from_cloudtrail(), "{:?}", row.dates);
    assert_eq!(state.estimated(), 0);
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
