//! The list's incremental paths (merged pages, narrowed queries, moved
//! rows, counted widths) against a full recompute, over random sequences of
//! pages, CloudTrail answers, queries, restores and refreshes.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::collections::HashSet;

use fixtures::*;
use jiff::SignedDuration;
use reprieve::app::{Action, Msg, Outcome, State, Target, update};
use reprieve::store::{EventPage, PendingSecret};
use reprieve::text::display_width;
use tui_input::InputRequest;

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const NAMES: [&str; 8] = [
    "prod/DB",
    "prod/db-replica",
    "Staging/API",
    "team-東京/kafka",
    "dev/alice",
    "prod/api",
    "ops/\u{1b}[31mred",
    "PROD/Cache",
];

/// One of a few hundred secrets; names repeat across ARNs, and dates
/// collide, to exercise the tie-breaks.
fn universe(i: usize) -> PendingSecret {
    let mut s = secret(&format!("{}/{}", NAMES[i % NAMES.len()], i % 37), 0.0);
    s.arn = arn(&format!("u{i}"));
    // Some in the future (an emulator's purge date), most in the past.
    let hours = (i * 7 % 900) as i64 - 700;
    s.deleted_date = now() + SignedDuration::from_hours(hours);
    s
}

/// What the list must show, computed from scratch from its rows.
fn check(state: &State, step: usize) {
    let list = state.list();
    let mut all: Vec<_> = list.rows().collect();
    let arns: HashSet<_> = all.iter().map(|r| r.secret.arn.clone()).collect();
    assert_eq!(arns.len(), all.len(), "step {step}: a row twice");
    assert_eq!(list.len(), all.len());
    for row in &all {
        assert!(
            std::ptr::eq(list.get(&row.secret.arn).unwrap(), *row),
            "step {step}: index"
        );
    }
    let key = |r: &&reprieve::app::list::Row| {
        (
            r.dates.purge.earliest(),
            r.secret.name.clone(),
            r.secret.arn.to_string(),
        )
    };
    let listed: Vec<_> = all.iter().map(key).collect();
    all.sort_by_key(key);
    let sorted: Vec<_> = all.iter().map(key).collect();
    assert_eq!(listed, sorted, "step {step}: order");

    let query = list.query().to_owned();
    let parsed = reprieve::filter::Query::parse(&query);
    let expected: Vec<_> = all
        .iter()
        .filter(|r| parsed.matches(&r.secret.name, r.secret.arn.as_str()))
        .map(key)
        .collect();
    let visible: Vec<_> = list.visible_rows().map(|r| key(&r)).collect();
    assert_eq!(visible, expected, "step {step}: visible rows for {query:?}");
    let widest = list
        .visible_rows()
        .map(|r| display_width(&r.secret.name))
        .max()
        .unwrap_or(0);
    assert_eq!(list.name_width(), widest, "step {step}: name width");
    let windows = all.iter().filter(|r| r.dates.purge.is_window()).count();
    assert_eq!(list.estimated(), windows, "step {step}: estimated");
    if let Some(cursor) = list.cursor() {
        assert!(cursor < list.visible_len());
        assert_eq!(
            list.selected().map(|r| r.secret.arn.clone()),
            list.visible_rows()
                .nth(cursor)
                .map(|r| r.secret.arn.clone())
        );
    }
}

fn run(seed: u64, steps: usize) {
    let mut rng = Rng(seed);
    let mut state = sized(100, 20);
    let mut token = 0;
    for step in 0..steps {
        match rng.below(10) {
            // A page of the running listing, or of a new one.
            0..=2 => {
                if !state.load().loading {
                    update(&mut state, Msg::Action(Action::Refresh));
                }
                let pending = (0..rng.below(12))
                    .map(|_| universe(rng.below(300)))
                    .collect();
                token += 1;
                let last = rng.below(4) == 0;
                let next = (!last).then(|| token.to_string());
                let generation = state.load().generation;
                page_arrives(&mut state, generation, page(pending, 10, next.as_deref()));
            }
            // CloudTrail dates some secrets, listed or not.
            3 => {
                let events = (0..rng.below(10))
                    .map(|_| deletion(&universe(rng.below(300))))
                    .collect();
                let generation = state.trail().generation;
                let page = EventPage {
                    events,
                    unreadable: 0,
                    next_token: Some("more".into()),
                };
                update(
                    &mut state,
                    Msg::DeletionsLoaded {
                        source: 0,
                        generation,
                        page,
                    },
                );
            }
            // Typing, deleting, clearing.
            4..=5 => {
                if !matches!(state.mode(), reprieve::app::Mode::Filter) {
                    update(&mut state, Msg::Action(Action::OpenFilter));
                }
                let c = ['p', 'r', 'o', 'd', '/', 'a', 'D', '東', '1', 'x'][rng.below(10)];
                update(&mut state, Msg::FilterEdit(InputRequest::InsertChar(c)));
            }
            6 => {
                update(&mut state, Msg::FilterEdit(InputRequest::DeletePrevChar));
            }
            7 => {
                let action = [Action::ClearFilter, Action::AcceptFilter][rng.below(2)];
                update(&mut state, Msg::Action(action));
            }
            // A restore result for a listed row.
            8 => {
                let n = state.list().len();
                let pick = rng.below(n.max(1));
                let target = state
                    .list()
                    .rows()
                    .nth(pick)
                    .map(|row| Target::of(row.source(), &row.secret, &row.dates));
                if let Some(target) = target {
                    let outcome = Outcome::Restored {
                        request_id: None,
                        checked: false,
                    };
                    update(&mut state, Msg::RestoreFinished { target, outcome });
                }
            }
            // Moving around.
            _ => {
                let action = [
                    Action::Down,
                    Action::Up,
                    Action::PageDown,
                    Action::Bottom,
                    Action::Top,
                ][rng.below(5)];
                update(&mut state, Msg::Action(action));
            }
        }
        check(&state, step);
    }
}

#[test]
fn incremental_updates_match_a_full_recompute() {
    for seed in 1..=40u64 {
        run(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), 400);
    }
}
