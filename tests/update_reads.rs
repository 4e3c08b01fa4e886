//! Refused reads in `update`: counted on the row they name (by ARN, partial
//! ARN or name) once dates are read, held while dates are read again, the
//! rows still asked for first on `u`, and said honestly when unknown.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::sync::Arc;

use fixtures::*;
use jiff::SignedDuration;
use reprieve::app::{Action, Effect, Msg, State, update};
use reprieve::store::{
    ErrorKind, EventQuery, FailedRead, Identity, PendingSecret, Principal, ReadPage, StoreError,
};

fn identified(state: &mut State) {
    let result = Ok(Identity {
        account: "111122223333".into(),
        arn: "arn:aws:iam::111122223333:user/ops".into(),
    });
    update(state, Msg::Identified { source: 0, result });
}

fn api() -> Arc<Principal> {
    Arc::new(Principal {
        kind: Some("AssumedRole".into()),
        arn: Some("arn:aws:sts::111122223333:assumed-role/payments/payments-api".into()),
        short: Some("payments-api".into()),
    })
}

fn read(secret: &PendingSecret, id: &str, secret_id: String, mins_after: i64) -> FailedRead {
    FailedRead {
        event_time: secret.deleted_date + SignedDuration::from_mins(mins_after),
        event_id: Some(id.into()),
        secret_id,
        principal: api(),
        source_ip: Some("10.0.3.7".into()),
    }
}

/// Listed and dated; the effects that came after the dates.
fn dated_and_asked(state: &mut State, secrets: &[PendingSecret]) -> Vec<Effect> {
    identified(state);
    listed(state, secrets.to_vec());
    trail_arrives(state, secrets)
}

fn reads_query(effects: &[Effect]) -> (u64, EventQuery) {
    match effects {
        [
            Effect::LookupReads {
                source: 0,
                generation,
                query,
            },
        ] => (*generation, query.clone()),
        other => panic!("expected a reads lookup: {other:?}"),
    }
}

fn reads_arrive(state: &mut State, generation: u64, page: ReadPage) -> Vec<Effect> {
    update(
        state,
        Msg::ReadsLoaded {
            source: 0,
            generation,
            page,
        },
    )
}

#[test]
fn refused_reads_count_on_the_row_they_name_after_its_deletion_only() {
    let mut state = started();
    let secrets = sample();
    let effects = dated_and_asked(&mut state, &secrets);
    let (generation, query) = reads_query(&effects);
    let oldest = secrets.iter().map(|s| s.deleted_date).min().unwrap();
    let horizon = now() - reprieve::engine::reads::HORIZON;
    assert_eq!(
        query.start,
        (oldest - SignedDuration::from_mins(15)).max(horizon),
        "back to the oldest deletion, no further than the horizon"
    );

    let db = &secrets[1];
    let arn = db.arn.to_string();
    let partial = arn.rsplit_once('-').unwrap().0.to_owned();
    let page = ReadPage {
        reads: vec![
            read(db, "e1", db.name.clone(), 5),
            read(db, "e2", arn.clone(), 6),
            read(db, "e3", partial, 7),
            // Before the deletion: another deletion's, not this one.
            read(db, "e4", db.name.clone(), -5),
            // A secret that is not pending: nobody's row.
            read(db, "e5", "live/token".into(), 8),
        ],
        events: 40,
        oldest: Some(oldest),
        unreadable: 0,
        next_token: None,
    };
    assert!(reads_arrive(&mut state, generation, page).is_empty());
    let row = state.list().get(&db.arn).unwrap();
    let reads = row.reads().unwrap();
    assert_eq!(reads.count, 3);
    assert_eq!(
        reads.last().unwrap().at,
        db.deleted_date + SignedDuration::from_mins(7)
    );
    assert_eq!(state.list().asked(), 1);
    let note = state.notes().unwrap();
    assert!(note.contains("Reads checked since"), "{note}");
    assert!(note.contains("(40 events)"), "{note}");

    // On screen: the count stands out, and the header counts the rows.
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 18)).unwrap();
    terminal
        .draw(|f| {
            reprieve::ui::render(f, &state);
        })
        .unwrap();
    insta::assert_snapshot!(terminal.backend().to_string());
}

#[test]
fn u_puts_the_rows_still_asked_for_first_and_back() {
    let mut state = started();
    let secrets = sample();
    let effects = dated_and_asked(&mut state, &secrets);
    let (generation, _) = reads_query(&effects);
    let late = &secrets[7];
    let page = ReadPage {
        reads: vec![read(late, "e1", late.name.clone(), 1)],
        ..ReadPage::default()
    };
    reads_arrive(&mut state, generation, page);
    let purge_order = names(&state);
    act(&mut state, Action::AskedFirst);
    let asked = names(&state);
    assert_eq!(asked[0], late.name, "{asked:?}");
    assert_eq!(
        &asked[1..],
        &purge_order
            .iter()
            .filter(|n| **n != late.name)
            .cloned()
            .collect::<Vec<_>>()[..]
    );
    act(&mut state, Action::AskedFirst);
    assert_eq!(names(&state), purge_order);
}

/// Dates first: a reads page that comes while dates are read again waits.
#[test]
fn a_reads_lookup_waits_while_dates_are_read() {
    let mut state = started();
    let secrets = sample();
    let effects = dated_and_asked(&mut state, &secrets);
    let (generation, _) = reads_query(&effects);
    // A refresh lists a new deletion, and a deletion lookup starts.
    act(&mut state, Action::Refresh);
    let mut again = secrets.clone();
    let fresh = secret("new/just-deleted", 24.0 * 30.0 - 0.1);
    again.push(fresh.clone());
    let more = page(again, 30, None);
    let listing = state.load().generation;
    let effects = page_arrives(&mut state, listing, more);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LookupDeletions { .. })),
        "{effects:?}"
    );
    let page = ReadPage {
        next_token: Some("more".into()),
        ..ReadPage::default()
    };
    assert!(
        reads_arrive(&mut state, generation, page).is_empty(),
        "held while dating"
    );
    let effects = trail_arrives(&mut state, &[fresh]);
    let (resumed, query) = reads_query(&effects);
    assert_eq!(resumed, generation, "the same lookup goes on");
    assert_eq!(query.token.as_deref(), Some("more"));
}

#[test]
fn denied_reads_are_unknown_and_said_so() {
    let mut state = started();
    let secrets = sample();
    let effects = dated_and_asked(&mut state, &secrets);
    let (generation, _) = reads_query(&effects);
    let error = StoreError::new(
        ErrorKind::AccessDenied,
        Some("AccessDeniedException"),
        "not authorized to perform: cloudtrail:LookupEvents",
    );
    update(
        &mut state,
        Msg::ReadsFailed {
            source: 0,
            generation,
            error,
        },
    );
    let note = state.notes().unwrap();
    assert!(note.contains("Refused reads are unknown"), "{note}");
    assert!(
        !note.contains("checked since"),
        "no claim beyond what was read"
    );
}
