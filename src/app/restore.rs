//! Restoring: asking first, sending, and what the outcome does to the rows,
//! the marks and the batch totals.

use super::*;

pub(super) fn ask_restore(state: &mut State) {
    let Some(row) = state.list.selected() else {
        return;
    };
    if let Some(why) = state.refusal() {
        state.set_status(Tone::Info, why);
        return;
    }
    if row.restore.on_its_way() {
        let text = format!("{} is already being restored", row.secret.display_name());
        state.set_status(Tone::Info, text);
        return;
    }
    let target = state.target(row);
    state.ask(Mode::Confirm(target));
}

/// With marks, `r` restores the marked secrets that are listed and not
/// already on their way.
pub(super) fn ask_restore_marked(state: &mut State) {
    if let Some(why) = state.refusal() {
        state.set_status(Tone::Info, why);
        return;
    }
    let targets: Vec<Target> = state
        .list
        .rows()
        .filter(|r| state.marks.contains(&r.secret.arn))
        .filter(|r| !r.restore.on_its_way())
        .map(|r| state.target(r))
        .collect();
    if targets.is_empty() {
        state.set_status(Tone::Info, "Every marked secret is already being restored");
        return;
    }
    state.ask(Mode::ConfirmMany(Bulk {
        targets,
        typed: String::new(),
        scroll: 0,
    }));
}

/// Sends every restore at once; the runtime paces them per source. A batch
/// confirmed while another runs joins it.
pub(super) fn confirm_many(state: &mut State, targets: Vec<Target>) -> Vec<Effect> {
    if !state.batch.running() {
        state.batch = Batch::after(&state.batch);
    }
    let batch = state.batch.id;
    let mut effects = Vec::with_capacity(targets.len());
    for mut target in targets {
        if state
            .list
            .get(&target.arn)
            .is_none_or(|r| r.restore.on_its_way())
        {
            continue;
        }
        state.list.set_restore(&target.arn, RestoreState::Queued);
        state.in_flight += 1;
        state.batch.total += 1;
        target.batch = Some(batch);
        effects.push(Effect::Restore(target));
    }
    state.set_status(Tone::Info, state.batch.summary());
    effects
}

pub(super) fn confirm_restore(state: &mut State, mut target: Target) -> Vec<Effect> {
    if let Some(row) = state.list.get(&target.arn) {
        if row.restore.on_its_way() {
            return vec![];
        }
        state.list.set_restore(&target.arn, RestoreState::Restoring);
    }
    state.set_status(Tone::Info, format!("Restoring {}…", target.name));
    state.in_flight += 1;
    target.batch = None;
    vec![Effect::Restore(target)]
}

pub(super) fn on_restore_finished(state: &mut State, target: Target, outcome: Outcome) {
    state.in_flight = state.in_flight.saturating_sub(1);
    let in_batch = target.batch == Some(state.batch.id) && state.batch.running();
    // A failed or unknown one stays marked in a batch, so `r` retries
    // exactly those; a single restore's mark goes either way.
    let gone = match &outcome {
        Outcome::Restored { .. } => {
            state
                .restored
                .insert(target.arn.clone(), target.deleted_date);
            true
        }
        Outcome::Failed(e) => e.kind == ErrorKind::NotFound,
        Outcome::Unknown { check, .. } => *check == Check::NotFound,
    };
    if gone || !in_batch {
        state.marks.remove(&target.arn);
    }
    if gone {
        state.list.remove(&target.arn);
    } else {
        let shown = match &outcome {
            Outcome::Unknown { error, .. } => RestoreState::Unknown(Box::new(error.clone())),
            Outcome::Failed(e) => RestoreState::Failed(Box::new(e.clone())),
            Outcome::Restored { .. } => RestoreState::Idle,
        };
        state.list.set_restore(&target.arn, shown);
    }
    if in_batch {
        state.batch.record(&outcome);
        let tone = match (state.batch.running(), state.batch.all_restored()) {
            (true, _) => Tone::Info,
            (false, true) => Tone::Success,
            (false, false) => Tone::Error,
        };
        let text = state.batch.summary_stopped(state.stopped.as_deref());
        state.set_status(tone, text);
        return;
    }
    let name = &target.name;
    let (tone, text) = match outcome {
        Outcome::Restored { checked: false, .. } => (Tone::Success, format!("Restored {name}")),
        Outcome::Restored { checked: true, .. } => (
            Tone::Success,
            format!("Restored {name}: no answer came, and DescribeSecret shows it restored"),
        ),
        Outcome::Failed(error) if error.kind == ErrorKind::NotFound => {
            (Tone::Error, format!("{name} no longer exists ({error})"))
        }
        Outcome::Failed(error) => (Tone::Error, format!("Restore of {name} failed: {error}")),
        Outcome::Unknown { error, check } => {
            let after = match check {
                Check::StillScheduled => ": r tries again",
                Check::NotFound => ": it is gone",
                Check::Failed(_) | Check::NotAsked(_) => ": R lists it again",
            };
            let words = check.words();
            let text = format!("No answer to the restore of {name} ({error}); {words}{after}");
            (Tone::Error, text)
        }
    };
    state.set_status(tone, text);
}
