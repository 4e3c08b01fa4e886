//! Quitting with restores on their way: it asks first, stops the queue,
//! waits briefly, and every restore sent ends up in the audit log.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::io;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use fixtures::*;
use futures_util::Stream;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reprieve::app::{Action, Effect, Mode, State};
use reprieve::audit::AuditLog;
use reprieve::runtime::{self, Audit, Stores};
use reprieve::store::{
    Arn, EventPage, EventQuery, Identity, Page, Receipt, SecretStore, StoreFuture,
};
use tokio::sync::mpsc::unbounded_channel;

#[test]
fn q_with_restores_on_their_way_asks_first() {
    let mut state = started();
    dated(&mut state, sample());
    act(&mut state, Action::Restore);
    confirm(&mut state);
    assert!(act(&mut state, Action::Quit).is_empty(), "not at once");
    assert_eq!(*state.mode(), Mode::ConfirmQuit);
    act(&mut state, Action::Cancel);
    assert_eq!(*state.mode(), Mode::List, "n stays");
    act(&mut state, Action::Quit);
    assert_eq!(act(&mut state, Action::QuitAnyway), vec![Effect::Quit]);
}

/// Lists two secrets; a restore is answered for the first only.
struct HalfHung;

impl SecretStore for HalfHung {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        let secrets = vec![secret("answers", 5.0), secret("hangs", 6.0)];
        Box::pin(async move { Ok(page(secrets, 2, None)) })
    }
    fn restore(&self, arn: Arn) -> StoreFuture<'_, Receipt> {
        Box::pin(async move {
            if arn.as_str().contains(":secret:hangs-") {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(Receipt::default())
        })
    }
    fn describe(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Described> {
        Box::pin(async { Ok(reprieve::store::Described::default()) })
    }
    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        Box::pin(async { Ok(EventPage::default()) })
    }
    fn failed_reads(&self, _: EventQuery) -> StoreFuture<'_, reprieve::store::ReadPage> {
        Box::pin(async { Ok(reprieve::store::ReadPage::default()) })
    }
    fn identity(&self) -> StoreFuture<'_, Identity> {
        Box::pin(std::future::pending())
    }
}

fn key(c: char) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[tokio::test(start_paused = true)]
async fn a_restore_sent_and_unanswered_at_quit_is_recorded_as_such() {
    let dir = std::env::temp_dir().join(format!("reprieve-quit-{}", std::process::id()));
    let path = dir.join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&path).unwrap().0);
    let stores = Stores::one(Arc::new(HalfHung)).audit(Audit::On(log));
    let (tx, rx) = unbounded_channel();
    let events: std::pin::Pin<Box<dyn Stream<Item = io::Result<Event>>>> =
        Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|e| (e, rx))
        }));
    let driver = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        // Mark both, restore both, then quit while one hangs.
        for c in ['*', 'r'] {
            tx.send(key(c)).unwrap();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(key('y')).unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(key('q')).unwrap();
        tx.send(key('y')).unwrap();
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let mut state = State::new(source(), jiff::tz::TimeZone::UTC, now());
    runtime::run(&mut terminal, &mut state, stores, events)
        .await
        .unwrap();
    driver.await.unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Each restore: its "sent" line, then exactly one outcome line.
    assert_eq!(lines.len(), 4, "{text}");
    for name in ["answers", "hangs"] {
        let of: Vec<&serde_json::Value> = lines.iter().filter(|l| l["name"] == name).collect();
        assert_eq!(of.len(), 2, "{name}: {text}");
        assert_eq!(of[0]["result"], "sent", "{name}");
        assert_eq!(of[0]["id"], of[1]["id"], "{name}: one restore");
    }
    let outcome = |name: &str| {
        let mut of = lines.iter().filter(|l| l["name"] == name);
        of.next_back().unwrap()["result"].clone()
    };
    assert_eq!(outcome("answers"), "ok");
    let hangs = outcome("hangs");
    assert_eq!(hangs["unknown"], "no answer yet", "never failed: {hangs}");
    assert_eq!(hangs["checked"], serde_json::Value::Null);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Counts when each RestoreSecret call arrived.
#[derive(Default)]
struct Clocked(std::sync::Mutex<Vec<tokio::time::Instant>>);

impl SecretStore for Clocked {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        Box::pin(async { Ok(Page::default()) })
    }
    fn restore(&self, _: Arn) -> StoreFuture<'_, Receipt> {
        self.0.lock().unwrap().push(tokio::time::Instant::now());
        Box::pin(async {
            tokio::time::sleep(Duration::from_millis(80)).await;
            Ok(Receipt::default())
        })
    }
    fn describe(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Described> {
        Box::pin(async { Ok(reprieve::store::Described::default()) })
    }
    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        Box::pin(async { Ok(EventPage::default()) })
    }
    fn failed_reads(&self, _: EventQuery) -> StoreFuture<'_, reprieve::store::ReadPage> {
        Box::pin(async { Ok(reprieve::store::ReadPage::default()) })
    }
    fn identity(&self) -> StoreFuture<'_, Identity> {
        Box::pin(std::future::pending())
    }
}

/// A batch of 200 leaves at no more than 40 calls in any second, under
/// RestoreSecret's 50 a second per region.
#[tokio::test(start_paused = true)]
async fn restores_leave_at_most_forty_a_second_per_region() {
    let store = Arc::new(Clocked::default());
    let stores = Stores::one(store.clone());
    let (tx, mut rx) = unbounded_channel();
    for i in 0..200 {
        let s = secret(&format!("bulk/{i:03}"), 5.0);
        let target =
            reprieve::app::Target::of(0, &s, &reprieve::purge::read(s.deleted_date, now(), None));
        let _ = runtime::perform(&stores, &tx, Effect::Restore(target));
    }
    let mut finished = 0;
    while finished < 200 {
        if let Some(reprieve::app::Msg::RestoreFinished { outcome, .. }) = rx.recv().await {
            assert!(matches!(outcome, reprieve::app::Outcome::Restored { .. }));
            finished += 1;
        }
    }
    let calls = store.0.lock().unwrap().clone();
    assert_eq!(calls.len(), 200);
    let most = calls
        .iter()
        .map(|&t| {
            calls
                .iter()
                .filter(|&&u| u >= t && u < t + Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap();
    assert!(most <= 40, "{most} calls in one second");
    assert!(
        most >= 39,
        "paced, not stalled: {most} in the busiest second"
    );
}
