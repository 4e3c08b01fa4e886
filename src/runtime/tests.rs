//! When the loop wakes: spinner frames, and countdowns on screen only.
use super::*;
use crate::app::{Source, update};
use crate::store::{Arn, Page, PendingSecret};
use jiff::SignedDuration;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A listed state on a terminal `rows` high, with purges `mins` from now
/// (emulator-style future dates, so each is exact).
fn listed(rows: u16, mins: &[i64]) -> State {
    let now = ts("2026-11-29T12:00:00Z");
    let mut state = State::new(Source::default(), jiff::tz::TimeZone::UTC, now);
    update(
        &mut state,
        Msg::Resize {
            width: 100,
            height: rows,
        },
    );
    state.start();
    let pending = mins
        .iter()
        .enumerate()
        .map(|(i, m)| PendingSecret {
            arn: Arn::new(format!("arn:aws:secretsmanager:us-east-1:1:secret:s{i}")),
            name: format!("s{i}"),
            description: None,
            deleted_date: now + SignedDuration::from_mins(*m) + SignedDuration::from_secs(20),
            last_accessed: None,
        })
        .collect();
    let page = Page {
        pending,
        scanned: mins.len(),
        next_token: None,
        owners: Vec::new(),
    };
    update(
        &mut state,
        Msg::PageLoaded {
            source: 0,
            generation: 1,
            page,
        },
    );
    // No CloudTrail here: the lookup fails, which ends the spinner.
    let generation = state.trail().generation;
    let error = StoreError::new(ErrorKind::Other, None, "none");
    let source = 0;
    update(
        &mut state,
        Msg::DeletionsFailed {
            source,
            generation,
            error,
        },
    );
    state
}

#[test]
fn a_spinner_ticks_fast_and_otherwise_the_loop_wakes_when_a_countdown_changes() {
    let now = ts("2026-11-29T12:00:00Z");
    let state = listed(30, &[90, 3000]);
    assert!(!state.animating());
    // "1h 30m" turns "1h 29m" 20 s from now (plus a millisecond).
    assert_eq!(until_next_tick(&state, now), Duration::from_millis(20_001));

    let mut loading = listed(30, &[90]);
    update(&mut loading, Msg::Action(crate::app::Action::Refresh));
    assert_eq!(until_next_tick(&loading, now), ANIMATION);
}

#[test]
fn only_countdowns_on_screen_wake_the_loop() {
    let now = ts("2026-11-29T12:00:00Z");
    // On screen: "2d 0h" until 30m 20s from now. Off screen, the last
    // row ("3d 0h") changes first, in 1m 20s, but nobody sees it.
    let mut mins = vec![2 * 1440 + 30; 30];
    mins[29] = 3 * 1440 + 1;
    let state = listed(12, &mins);
    let shown = state.list().on_screen().count();
    assert!(shown < 30, "{shown} rows on screen");
    assert_eq!(
        until_next_tick(&state, now),
        Duration::from_millis((30 * 60 + 20) * 1000 + 1)
    );
    // With nothing counting down at all, it sleeps long.
    let overdue = listed(30, &[-31 * 1440]);
    assert_eq!(until_next_tick(&overdue, now), IDLE);
}
