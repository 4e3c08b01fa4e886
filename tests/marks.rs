//! Marks and restoring many: what survives, what is confirmed, the queue's
//! states, the summary, and retrying exactly the failures.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use reprieve::app::list::RestoreState;
use reprieve::app::{Action, Effect, Mode, Msg, State, Target, update};
use reprieve::store::{ErrorKind, StoreError};

fn mark(state: &mut State, name: &str) {
    act(state, Action::Top);
    while selected(state).as_deref() != Some(name) {
        act(state, Action::Down);
    }
    act(state, Action::ToggleMark);
}

fn restores(effects: &[Effect]) -> Vec<Target> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Restore(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

fn finish(state: &mut State, target: Target, result: Result<(), StoreError>) {
    let outcome = answered(result);
    update(state, Msg::RestoreFinished { target, outcome });
}

fn denied() -> StoreError {
    StoreError::new(ErrorKind::AccessDenied, Some("AccessDeniedException"), "no")
}

#[test]
fn marks_survive_filtering_and_refresh_and_drop_when_the_secret_leaves() {
    let mut state = started();
    dated(&mut state, sample());
    mark(&mut state, "prod/mail/sendgrid");
    mark(&mut state, "dev/alice/scratch");
    typed(&mut state, "prod/");
    act(&mut state, Action::AcceptFilter);
    assert_eq!(state.marks().len(), 2, "a filter hides, it does not unmark");
    act(&mut state, Action::Escape);
    assert_eq!(state.list().query(), "", "Esc clears the filter first");
    assert_eq!(state.marks().len(), 2);

    act(&mut state, Action::Refresh);
    let without: Vec<_> = sample()
        .into_iter()
        .filter(|s| s.name != "dev/alice/scratch")
        .collect();
    listed(&mut state, without);
    assert_eq!(state.marks().len(), 1);
    let status = state.status().unwrap().text.clone();
    assert!(
        status.contains("1 marked secret(s) left the listing"),
        "{status}"
    );
    act(&mut state, Action::Escape);
    assert_eq!(state.marks().len(), 0, "then Esc clears the marks");
}

#[test]
fn star_marks_every_shown_row_and_again_clears_them() {
    let mut state = started();
    dated(&mut state, sample());
    typed(&mut state, "postgres");
    act(&mut state, Action::AcceptFilter);
    act(&mut state, Action::MarkAll);
    assert_eq!(state.marks().len(), 2);
    act(&mut state, Action::MarkAll);
    assert_eq!(state.marks().len(), 0);
}

#[test]
fn below_ten_y_restores_the_marked_ones_and_each_row_goes_queued_restoring_done() {
    let mut state = started();
    dated(&mut state, sample());
    for name in [
        "prod/mail/sendgrid",
        "dev/alice/scratch",
        "prod/ci/github-app-key",
    ] {
        mark(&mut state, name);
    }
    act(&mut state, Action::Restore);
    let Mode::ConfirmMany(bulk) = state.mode().clone() else {
        panic!("a bulk confirmation")
    };
    assert_eq!(bulk.targets.len(), 3);
    let sent = restores(&confirm(&mut state));
    assert_eq!(sent.len(), 3, "one RestoreSecret each");
    let row = |state: &State, t: &Target| state.list().get(&t.arn).unwrap().restore.clone();
    assert_eq!(row(&state, &sent[0]), RestoreState::Queued);
    update(
        &mut state,
        Msg::RestoreSent {
            arn: sent[0].arn.clone(),
        },
    );
    assert_eq!(row(&state, &sent[0]), RestoreState::Restoring);
    assert_eq!(state.status().unwrap().text, "Restoring: 0 of 3 done");

    finish(&mut state, sent[0].clone(), Ok(()));
    finish(&mut state, sent[1].clone(), Err(denied()));
    assert_eq!(
        state.status().unwrap().text,
        "Restoring: 2 of 3 done · 1 failed"
    );
    finish(&mut state, sent[2].clone(), Ok(()));
    assert_eq!(
        state.status().unwrap().text,
        "Restored 2 of 3 · 1 failed: AccessDeniedException ×1 (still marked: r retries them)"
    );
    assert!(state.list().get(&sent[0].arn).is_none());
    assert!(matches!(row(&state, &sent[1]), RestoreState::Failed(_)));

    // `r` now restores exactly the failed one, still marked.
    assert_eq!(state.marks().len(), 1);
    act(&mut state, Action::Restore);
    let retry = restores(&confirm(&mut state));
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].arn, sent[1].arn);
}

#[test]
fn from_ten_the_count_must_be_typed_and_y_alone_does_not_pass() {
    let mut state = started();
    let many: Vec<_> = (0..12)
        .map(|i| secret(&format!("bulk/{i:02}"), 10.0 + f64::from(i)))
        .collect();
    dated(&mut state, many);
    act(&mut state, Action::MarkAll);
    act(&mut state, Action::Restore);
    assert!(confirm(&mut state).is_empty(), "y alone");
    assert!(matches!(state.mode(), Mode::ConfirmMany(_)), "still asking");
    assert!(
        state
            .status()
            .unwrap()
            .text
            .contains("type 12 and press Enter")
    );
    for c in ['1', '3'] {
        act(&mut state, Action::Digit(c));
    }
    assert!(confirm(&mut state).is_empty(), "13 is not 12");
    act(&mut state, Action::Erase);
    act(&mut state, Action::Digit('2'));
    assert_eq!(restores(&confirm(&mut state)).len(), 12);
}

#[test]
fn the_names_of_a_bulk_confirmation_scroll_and_the_list_stays() {
    let mut state = sized(100, 24);
    // Soonest first is bulk/29 down to bulk/00: the reverse of by name.
    let many: Vec<_> = (0..30)
        .map(|i| secret(&format!("bulk/{:02}", 29 - i), 10.0 + f64::from(i)))
        .collect();
    dated(&mut state, many);
    act(&mut state, Action::MarkAll);
    act(&mut state, Action::Restore);
    let draw = |state: &State| {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
        t.draw(|f| {
            reprieve::ui::render(f, state);
        })
        .unwrap();
        t.backend().to_string()
    };
    let before = draw(&state);
    assert!(
        before.contains("bulk/29") && before.contains("more"),
        "{before}"
    );
    for _ in 0..20 {
        act(&mut state, Action::Down);
    }
    let after = draw(&state);
    assert!(after.contains("↑ ") && after.contains("bulk/04"), "{after}");
    assert_eq!(
        selected(&state).as_deref(),
        Some("bulk/29"),
        "the list did not move"
    );
}
