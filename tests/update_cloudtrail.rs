//! `update` as CloudTrail dates the rows: pages of events, denial, and
//! deletions too fresh for CloudTrail to have recorded.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use reprieve::app::{Action, Effect, Msg, update};

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
    // One page, no token: the dating is done, and the reads come next.
    assert!(
        matches!(effects.as_slice(), [Effect::LookupReads { source: 0, .. }]),
        "{effects:?}"
    );
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
