//! Read-only mode: nothing that writes leaves the runtime, whatever the
//! state asks for, and the operator is told why.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::sync::{Arc, Mutex};

use fixtures::*;
use reprieve::app::{Action, Effect, Msg, Outcome, Target, Tone};
use reprieve::runtime::{self, Stores};
use reprieve::store::{
    Arn, ErrorKind, EventPage, EventQuery, Identity, Page, SecretStore, StoreFuture,
};

/// Records the name of every operation it is asked for.
#[derive(Default)]
struct Recording(Mutex<Vec<&'static str>>);

impl Recording {
    fn note(&self, op: &'static str) {
        self.0.lock().unwrap().push(op);
    }
}

impl SecretStore for Recording {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        self.note("ListSecrets");
        Box::pin(async { Ok(page(sample(), 10, None)) })
    }
    fn restore(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Receipt> {
        self.note("RestoreSecret");
        Box::pin(async { Ok(reprieve::store::Receipt::default()) })
    }
    fn describe(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Described> {
        self.note("DescribeSecret");
        Box::pin(async { Ok(reprieve::store::Described::default()) })
    }
    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        self.note("LookupEvents");
        Box::pin(async { Ok(EventPage::default()) })
    }
    fn failed_reads(&self, _: EventQuery) -> StoreFuture<'_, reprieve::store::ReadPage> {
        self.note("LookupEvents");
        Box::pin(async { Ok(reprieve::store::ReadPage::default()) })
    }
    fn identity(&self) -> StoreFuture<'_, Identity> {
        self.note("GetCallerIdentity");
        Box::pin(async {
            Ok(Identity {
                account: "111122223333".into(),
                arn: "arn:aws:iam::111122223333:user/ops".into(),
            })
        })
    }
}

#[tokio::test]
async fn a_restore_effect_never_reaches_the_store_in_read_only_mode() {
    let store = Arc::new(Recording::default());
    let stores = Stores::one(store.clone()).read_only(true);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let secret = secret("prod/db", 5.0);
    // Even an effect the state should never have asked for is stopped.
    let target = Target::of(
        0,
        &secret,
        &reprieve::purge::read(secret.deleted_date, now(), None),
    );
    for effect in [
        Effect::Identify { source: 0 },
        Effect::LoadPage {
            source: 0,
            generation: 1,
            token: None,
        },
        Effect::Restore(target),
    ] {
        let _ = runtime::perform(&stores, &tx, effect);
    }
    let mut refused = None;
    for _ in 0..3 {
        if let Some(Msg::RestoreFinished { outcome, .. }) = rx.recv().await {
            refused = Some(outcome);
        }
    }
    let Some(Outcome::Failed(error)) = refused else {
        panic!("refused: {refused:?}");
    };
    assert_eq!(error.kind, ErrorKind::ReadOnly);
    let ops = store.0.lock().unwrap().clone();
    assert!(!ops.contains(&"RestoreSecret"), "{ops:?}");
    assert!(
        ops.contains(&"ListSecrets") && ops.contains(&"GetCallerIdentity"),
        "{ops:?}"
    );
}

#[test]
fn r_says_why_in_read_only_mode_and_the_header_says_read_only() {
    let mut state =
        reprieve::app::State::new(source(), jiff::tz::TimeZone::UTC, now()).with_read_only(true);
    reprieve::app::update(
        &mut state,
        Msg::Resize {
            width: 110,
            height: 14,
        },
    );
    state.start();
    listed(&mut state, sample());
    assert!(act(&mut state, Action::Restore).is_empty());
    assert!(confirm(&mut state).is_empty(), "no confirmation opened");
    let status = state.status().unwrap();
    assert_eq!(status.tone, Tone::Info);
    assert!(status.text.contains("read-only"), "{}", status.text);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(110, 14)).unwrap();
    terminal
        .draw(|f| {
            reprieve::ui::render(f, &state);
        })
        .unwrap();
    let text = terminal.backend().to_string();
    assert!(text.lines().next().unwrap().contains("READ-ONLY"), "{text}");
    let footer = text.lines().last().unwrap();
    assert!(!footer.contains("restore"), "nothing to restore: {footer}");
    assert!(footer.contains("q quit"), "{footer}");
}

/// The gate is the store itself: a caller that holds the store, not the
/// queue, still cannot write through it.
#[tokio::test]
async fn a_read_only_store_refuses_a_write_from_any_caller() {
    let store = Arc::new(Recording::default());
    let guarded = reprieve::store::guard::guard(store.clone(), true);
    let error = guarded.restore(arn("prod/db")).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::ReadOnly);
    assert!(guarded.list_page(None).await.is_ok(), "reads pass");
    let stores = Stores::one(store.clone()).read_only(true);
    let s = secret("prod/db", 5.0);
    let target = Target::of(0, &s, &reprieve::purge::read(s.deleted_date, now(), None));
    let finished = stores.queue().restore(target.request(), || {}).await;
    assert!(
        matches!(&finished.outcome, Outcome::Failed(e) if e.kind == ErrorKind::ReadOnly),
        "{finished:?}"
    );
    let ops = store.0.lock().unwrap().clone();
    assert_eq!(ops, ["ListSecrets"], "no write reached the store");
}
