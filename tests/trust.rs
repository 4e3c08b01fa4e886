//! The promises at the edges, in `update`: a confirmation counts only once
//! it has been seen, a batch counts only its own restores, a stopped queue
//! offers nothing, CloudTrail's ARN match wins, and a row's restore always
//! goes through the source that owns it.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::sync::Arc;
use std::time::Duration;

use fixtures::*;
use jiff::SignedDuration;
use reprieve::app::list::RestoreState;
use reprieve::app::{Action, Check, Effect, Mode, Msg, Outcome, Source, State, Target, update};
use reprieve::purge::Purge;
use reprieve::store::{ErrorKind, EventPage, Principal, StoreError};

fn restores(effects: &[Effect]) -> Vec<Target> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Restore(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// A frame is drawn `ms` after the loop started, as the loop does after
/// every message.
fn frame(state: &mut State, ms: u64) {
    let at = Duration::from_millis(ms);
    update(state, Msg::Drawn { at, whole: true });
}

/// A key that arrives `ms` after the loop started, then the frame after it.
fn key_at(state: &mut State, ms: u64, action: Action) -> Vec<Effect> {
    update(state, Msg::Elapsed(Duration::from_millis(ms)));
    let effects = act(state, action);
    frame(state, ms + 1);
    effects
}

/// A key typed `ms` after the loop started, mapped by the real keymap in
/// the mode it lands in, then the frame after it.
fn typed_at(state: &mut State, ms: u64, c: char) -> Vec<Effect> {
    update(state, Msg::Elapsed(Duration::from_millis(ms)));
    let key = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    );
    let effects = match reprieve::keys::map(state.mode(), &crossterm::event::Event::Key(key)) {
        Some(msg) => update(state, msg),
        None => vec![],
    };
    frame(state, ms + 1);
    effects
}

/// `r y r y` typed 60 ms apart: each `y` lands on a confirmation that has
/// been on screen for less than a quarter of a second, so nothing is
/// restored, and the first confirmation is still there to read.
#[test]
fn typeahead_never_confirms_a_dialog_nobody_saw() {
    let mut state = started();
    dated(&mut state, sample());
    frame(&mut state, 0);
    let mut sent = Vec::new();
    for (i, c) in "ryry".chars().enumerate() {
        sent.extend(restores(&typed_at(&mut state, 1000 + 60 * i as u64, c)));
    }
    assert!(sent.is_empty(), "restored unseen: {sent:?}");
    let Mode::Confirm(target) = state.mode() else {
        panic!("the confirmation stays: {:?}", state.mode());
    };
    assert_eq!(target.name, "prod/payments/stripe-webhook");
    // Read for long enough, the same `y` restores exactly that secret.
    let sent = restores(&typed_at(&mut state, 1000 + 260, 'y'));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].name, "prod/payments/stripe-webhook");
}

/// The typed count of a bulk restore is guarded the same way.
#[test]
fn a_bulk_confirmation_is_seen_before_enter_counts() {
    let mut state = started();
    dated(&mut state, sample());
    act(&mut state, Action::MarkAll);
    key_at(&mut state, 100, Action::Restore);
    for (i, c) in "10".chars().enumerate() {
        key_at(&mut state, 110 + i as u64, Action::Digit(c));
    }
    assert!(key_at(&mut state, 150, Action::Confirm).is_empty());
    assert_eq!(
        restores(&key_at(&mut state, 400, Action::Confirm)).len(),
        10
    );
}

/// A single restore made while a batch runs is its own: the batch's totals
/// do not count it, and its own message is shown.
#[test]
fn a_single_restore_during_a_batch_is_not_counted_in_it() {
    let mut state = started();
    let secrets = sample();
    dated(&mut state, secrets.clone());
    for _ in 0..3 {
        act(&mut state, Action::ToggleMark);
        act(&mut state, Action::Down);
    }
    act(&mut state, Action::Restore);
    let batch = restores(&confirm(&mut state));
    assert_eq!(batch.len(), 3);
    // Marks cleared, another row restored on its own.
    act(&mut state, Action::Escape);
    while selected(&state).as_deref() != Some("dev/alice/scratch") {
        act(&mut state, Action::Down);
    }
    act(&mut state, Action::Restore);
    let single = restores(&confirm(&mut state));
    assert_eq!(single.len(), 1);
    let restored = || Outcome::Restored {
        request_id: None,
        checked: false,
    };
    let finish = |state: &mut State, target: &Target| {
        let target = target.clone();
        let outcome = restored();
        update(state, Msg::RestoreFinished { target, outcome });
    };
    finish(&mut state, &batch[0]);
    finish(&mut state, &single[0]);
    assert_eq!(
        state.status().unwrap().text,
        "Restored dev/alice/scratch",
        "its own message"
    );
    assert_eq!(state.batch().done(), 1, "the batch counts only its own");
    finish(&mut state, &batch[1]);
    assert_eq!(state.status().unwrap().text, "Restoring: 2 of 3 done");
    finish(&mut state, &batch[2]);
    assert_eq!(state.status().unwrap().text, "Restored 3 of 3");
}

#[test]
fn an_unanswered_restore_is_unknown_on_its_row_and_says_what_describe_found() {
    let mut state = started();
    dated(&mut state, sample());
    act(&mut state, Action::Restore);
    let target = restores(&confirm(&mut state)).remove(0);
    let error =
        StoreError::new(ErrorKind::Unreachable, None, "no answer came in time").unanswered();
    let outcome = Outcome::Unknown {
        error,
        check: Check::StillScheduled,
    };
    let arn = target.arn.clone();
    update(&mut state, Msg::RestoreFinished { target, outcome });
    let row = state.list().get(&arn).unwrap();
    assert!(
        matches!(row.restore, RestoreState::Unknown(_)),
        "never failed"
    );
    let text = &state.status().unwrap().text;
    assert!(
        text.contains("No answer to the restore of prod/payments/stripe-webhook")
            && text.contains("still scheduled for deletion"),
        "{text}"
    );
    // Asked again and confirmed by DescribeSecret this time: gone from the list.
    act(&mut state, Action::Restore);
    let target = restores(&confirm(&mut state)).remove(0);
    let outcome = Outcome::Restored {
        request_id: None,
        checked: true,
    };
    update(&mut state, Msg::RestoreFinished { target, outcome });
    assert!(state.list().get(&arn).is_none());
    assert!(state.status().unwrap().text.contains("shows it restored"));
}

#[test]
fn once_the_audit_log_fails_nothing_more_is_offered_or_sent() {
    let mut state = started();
    dated(&mut state, sample());
    let reason = "restores are stopped: the audit log /dev/full could not be written (No space \
                  left on device); fix it and start reprieve again"
        .to_owned();
    update(&mut state, Msg::RestoresStopped { reason });
    assert!(act(&mut state, Action::Restore).is_empty());
    assert_eq!(*state.mode(), Mode::List, "no confirmation opens");
    assert!(state.status().unwrap().text.contains("/dev/full"));
    act(&mut state, Action::MarkAll);
    assert!(act(&mut state, Action::Restore).is_empty());
    assert_eq!(*state.mode(), Mode::List);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    terminal
        .draw(|f| {
            reprieve::ui::render(f, &state);
        })
        .unwrap();
    let text = terminal.backend().to_string();
    assert!(text.contains("RESTORES STOPPED"), "{text}");
    let footer = text.lines().last().unwrap();
    assert!(!footer.contains("restore"), "{footer}");
}

/// Alice deleted with a 7-day window; a name-only event five minutes later
/// (another secret of that name, or a record without the ARN) asks for 30.
/// Both come in one page: the event that names the ARN dates the row.
#[test]
fn within_one_page_an_arn_match_beats_a_name_match() {
    let mut state = started();
    let s = secret("prod/db", 24.0 * 7.0);
    listed(&mut state, vec![s.clone()]);
    let mut alice = deletion(&s);
    let purge = s.deleted_date + SignedDuration::from_hours(7 * 24);
    alice.deletion_date = Some(purge);
    let mut other = deletion(&s);
    other.arn = None;
    other.event_time = s.deleted_date + SignedDuration::from_mins(5);
    other.deletion_date = Some(s.deleted_date + SignedDuration::from_hours(30 * 24));
    other.principal = Arc::new(Principal {
        kind: Some("AssumedRole".into()),
        arn: Some("arn:aws:sts::111122223333:assumed-role/ci/ci-bot".into()),
        short: Some("ci-bot".into()),
    });
    for events in [vec![alice.clone(), other.clone()], vec![other, alice]] {
        let mut state = started();
        listed(&mut state, vec![s.clone()]);
        let generation = state.trail().generation;
        let page = EventPage {
            events,
            unreadable: 0,
            next_token: None,
        };
        update(
            &mut state,
            Msg::DeletionsLoaded {
                source: 0,
                generation,
                page,
            },
        );
        let row = state.list().get(&s.arn).unwrap();
        assert_eq!(row.dates.purge, Purge::Exact(purge));
        let by = row.dates.deleted_by.as_ref().unwrap();
        assert_eq!(by.short.as_deref(), Some("alice"));
    }
    let _ = &mut state;
}

fn sources(n: usize) -> Vec<Source> {
    (0..n)
        .map(|i| Source {
            label: format!("source {i}"),
            profile: Some(format!("p{i}")),
            region: Some("us-east-1".into()),
            ..Source::default()
        })
        .collect()
}

fn list_in(state: &mut State, source: usize, secrets: Vec<reprieve::store::PendingSecret>) {
    let generation = state.feeds()[source].load.generation;
    let page = page(secrets, 1, None);
    update(
        state,
        Msg::PageLoaded {
            source,
            generation,
            page,
        },
    );
}

/// Two profiles that reach one account list the same secret before STS
/// tells them apart: the first source owns it, whichever listed it last.
#[test]
fn a_row_restores_through_the_first_source_that_listed_it() {
    let mut state = State::with_sources(sources(2), jiff::tz::TimeZone::UTC, now());
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 30,
        },
    );
    state.start();
    let s = secret("prod/db", 5.0);
    list_in(&mut state, 1, vec![s.clone()]);
    list_in(&mut state, 0, vec![s.clone()]);
    list_in(&mut state, 1, vec![s.clone()]);
    assert_eq!(state.list().get(&s.arn).unwrap().source(), 0);
    act(&mut state, Action::Restore);
    let sent = restores(&confirm(&mut state));
    assert_eq!(sent[0].source, 0);
    assert_eq!(sent[0].profile, "p0");
}

/// Past 65,535 sources a restore still goes to its own.
#[test]
fn a_restore_goes_to_its_source_among_seventy_thousand() {
    let n = 70_001;
    let mut state = State::with_sources(sources(n), jiff::tz::TimeZone::UTC, now());
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 30,
        },
    );
    let s = secret("prod/far-away", 5.0);
    list_in(&mut state, n - 1, vec![s.clone()]);
    assert_eq!(state.list().get(&s.arn).unwrap().source(), n - 1);
    act(&mut state, Action::Restore);
    let sent = restores(&confirm(&mut state));
    assert_eq!(sent[0].source, n - 1);
    assert_eq!(sent[0].profile, format!("p{}", n - 1));
}

/// The audit line names the profile the screen names: without a profile
/// that is "default", never nothing.
#[test]
fn a_restore_names_the_profile_the_screen_shows() {
    let source = Source {
        profile: None,
        ..fixtures::source()
    };
    let mut state = State::new(source, jiff::tz::TimeZone::UTC, now());
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 30,
        },
    );
    state.start();
    listed(&mut state, sample());
    act(&mut state, Action::Restore);
    let sent = restores(&confirm(&mut state));
    assert_eq!(sent[0].profile, "default");
    assert_eq!(sent[0].request().profile, "default");
}
