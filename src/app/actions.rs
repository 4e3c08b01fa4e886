//! What the operator's keys do to the state.

use super::restore::{ask_restore, ask_restore_marked, confirm_many, confirm_restore};
use super::*;

pub(super) fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    use Action::*;
    // The startup error screen has its own keys only: nothing is listed
    // under it to filter, move in or restore.
    // The sources pane scrolls over it, and closes.
    if state.startup_error().is_some()
        && state.mode != Mode::Sources
        && !matches!(action, Refresh | Quit | ShowSources)
    {
        return vec![];
    }
    if state.mode == Mode::Sources && super::sources_pane::on_action(state, action) {
        return vec![];
    }
    if let (Up | Down, Mode::Details { scroll, .. }) = (action, &mut state.mode) {
        *scroll = if action == Up {
            scroll.saturating_sub(1)
        } else {
            scroll.saturating_add(1)
        };
        return vec![];
    }
    if let (Up | Down, Mode::ConfirmMany(bulk)) = (action, &mut state.mode) {
        // The names of a bulk confirmation scroll; the list stays put.
        let last = bulk.targets.len().saturating_sub(1);
        bulk.scroll = if action == Up {
            bulk.scroll.saturating_sub(1)
        } else {
            (bulk.scroll + 1).min(last)
        };
        return vec![];
    }
    match action {
        Up => state.list.move_by(-1),
        Down => state.list.move_by(1),
        PageUp => state.list.page(-1),
        PageDown => state.list.page(1),
        Top => state.list.select_first(),
        Bottom => state.list.select_last(),
        OpenFilter => state.mode = Mode::Filter,
        AcceptFilter => state.mode = Mode::List,
        ClearFilter => {
            state.filter.reset();
            state.list.set_query("");
            state.mode = Mode::List;
        }
        Restore if !state.marks.is_empty() => ask_restore_marked(state),
        Restore => ask_restore(state),
        ToggleMark => {
            if let Some(row) = state.list.selected() {
                let arn = row.secret.arn.clone();
                state.marks.toggle(&arn);
            }
        }
        MarkAll => {
            let shown: Vec<Arn> = state
                .list
                .visible_rows()
                .map(|r| r.secret.arn.clone())
                .collect();
            if shown.iter().all(|a| state.marks.contains(a)) {
                shown.iter().for_each(|a| {
                    state.marks.remove(a);
                });
            } else {
                shown.into_iter().for_each(|a| state.marks.insert(a));
            }
        }
        Escape if !state.list.query().is_empty() => {
            state.filter.reset();
            state.list.set_query("");
        }
        Escape => state.marks.clear(),
        Digit(c) => {
            if let Mode::ConfirmMany(bulk) = &mut state.mode
                && bulk.typed.len() < 7
            {
                bulk.typed.push(c);
            }
        }
        Erase => {
            if let Mode::ConfirmMany(bulk) = &mut state.mode {
                bulk.typed.pop();
            }
        }
        // Never confirm what the operator could not see: all of it, for
        // long enough to read.
        Confirm if state.hidden => {
            let text = "The terminal is too small to show this confirmation in full: make it \
                        larger (the screen says how large)";
            state.set_status(Tone::Error, text);
        }
        Confirm if !state.confirmation_seen() => {}
        Confirm if matches!(&state.mode, Mode::ConfirmMany(b) if !b.confirmed()) => {
            if let Mode::ConfirmMany(bulk) = &state.mode {
                let n = bulk.targets.len();
                let text = format!("To restore {n} secrets, type {n} and press Enter");
                state.set_status(Tone::Info, text);
            }
        }
        Confirm => match std::mem::replace(&mut state.mode, Mode::List) {
            Mode::Confirm(target) => return confirm_restore(state, target),
            Mode::ConfirmMany(bulk) => return confirm_many(state, bulk.targets),
            other => state.mode = other,
        },
        Cancel | CloseHelp | CloseMessage | CloseSources | CloseDetails => {
            state.mode = Mode::List;
        }
        ShowMessage if state.status.is_some() => state.mode = Mode::Message,
        ShowMessage | FailingOnly => {}
        ShowSources => super::sources_pane::open(state),
        AskedFirst => {
            let on = !state.list.asked_first();
            state.list.set_asked_first(on);
        }
        ShowDetails => {
            let Some(row) = state.list.selected() else {
                return vec![];
            };
            let (arn, source) = (row.secret.arn.clone(), row.source());
            state.mode = Mode::Details {
                arn: arn.clone(),
                scroll: 0,
            };
            // Asked once, on demand: the listing has the rest.
            if !state.described.contains_key(&arn) {
                return vec![Effect::Describe { source, arn }];
            }
        }
        // A second listing beside the first would double the calls against
        // an account-wide quota.
        Refresh if state.loading() => {
            state.set_status(Tone::Info, "Already listing: R works again when it ends");
        }
        Refresh => return state.refresh(),
        Help => state.mode = Mode::Help,
        // Work on its way is not dropped without asking.
        Quit if state.in_flight > 0 && state.mode != Mode::ConfirmQuit => {
            state.mode = Mode::ConfirmQuit;
        }
        Quit | QuitAnyway => return vec![Effect::Quit],
    }
    vec![]
}
