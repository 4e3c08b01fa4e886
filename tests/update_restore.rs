//! `update` through a restore's lifecycle: confirmed, sent, answered, and
//! results that arrive late or after a refresh.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use reprieve::app::list::RestoreState;
use reprieve::app::{Action, Effect, Mode, Msg, State, Target, Tone, update};
use reprieve::store::{ErrorKind, StoreError};

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
