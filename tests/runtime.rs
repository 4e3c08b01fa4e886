//! The event loop with real tasks: the demo store, and stores that stall.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::Stream;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reprieve::app::State;
use reprieve::runtime;
use reprieve::store::demo::DemoStore;
use reprieve::store::{Arn, EventPage, EventQuery, Page, Restored, SecretStore, StoreFuture};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

fn keys() -> (
    UnboundedSender<Event>,
    impl Stream<Item = io::Result<Event>> + Unpin,
) {
    let (tx, rx) = unbounded_channel();
    let stream =
        futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) },
        );
    (tx, Box::pin(stream))
}

fn press(tx: &UnboundedSender<Event>, c: char) {
    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    tx.send(Event::Key(key)).unwrap();
}

fn new_state() -> State {
    State::new(
        fixtures::context(),
        jiff::tz::TimeZone::UTC,
        jiff::Timestamp::now(),
    )
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

/// Wraps the demo store and records which ARNs were sent to RestoreSecret.
struct Recording {
    inner: DemoStore,
    restored: Mutex<Vec<Arn>>,
}

impl SecretStore for Recording {
    fn list_page(&self, token: Option<String>) -> StoreFuture<'_, Page> {
        self.inner.list_page(token)
    }
    fn restore(&self, arn: Arn) -> StoreFuture<'_, Restored> {
        self.restored.lock().unwrap().push(arn.clone());
        self.inner.restore(arn)
    }
    fn deletion_events(&self, query: EventQuery) -> StoreFuture<'_, EventPage> {
        self.inner.deletion_events(query)
    }
}

#[tokio::test]
async fn demo_listing_restore_and_quit_through_the_real_loop() {
    let store = Arc::new(Recording {
        inner: DemoStore::seeded(jiff::Timestamp::now(), Duration::from_millis(5)).unwrap(),
        restored: Mutex::default(),
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let mut state = new_state();
    let (tx, events) = keys();
    let driver = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Second row, then restore it.
        press(&tx, 'j');
        press(&tx, 'r');
        press(&tx, 'y');
        tokio::time::sleep(Duration::from_millis(300)).await;
        press(&tx, 'q');
    });
    let store_dyn: Arc<dyn SecretStore> = store.clone();
    tokio::time::timeout(
        Duration::from_secs(10),
        runtime::run(&mut terminal, &mut state, store_dyn, events),
    )
    .await
    .expect("the loop ends on q")
    .unwrap();
    driver.await.unwrap();

    assert!(state.load.completed);
    assert_eq!(state.load.scanned, 604, "every demo page was read");
    let restored = store.restored.lock().unwrap().clone();
    assert_eq!(restored.len(), 1, "exactly one RestoreSecret call");
    assert!(
        restored[0]
            .as_str()
            .contains(":secret:prod/orders/postgres-primary-")
    );
    assert!(
        state.list.get(&restored[0]).is_none(),
        "the row left the list"
    );
    let text = screen(&terminal);
    assert!(
        text.contains("Restored prod/orders/postgres-primary"),
        "{text}"
    );
    assert!(text.contains("42 scheduled for deletion"), "{text}");
}

/// A store whose calls never finish, like an endpoint that hangs.
struct Stalled;

impl SecretStore for Stalled {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        Box::pin(std::future::pending())
    }
    fn restore(&self, _: Arn) -> StoreFuture<'_, Restored> {
        Box::pin(std::future::pending())
    }
    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn keys_work_and_quit_is_immediate_while_the_network_hangs() {
    let mut terminal = Terminal::new(TestBackend::new(100, 34)).unwrap();
    let mut state = new_state();
    let (tx, events) = keys();
    press(&tx, '?');
    let quit = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        press(&tx, 'q');
    });
    let started = std::time::Instant::now();
    tokio::time::timeout(
        Duration::from_secs(2),
        runtime::run(&mut terminal, &mut state, Arc::new(Stalled), events),
    )
    .await
    .expect("quitting does not wait for the hung listing")
    .unwrap();
    quit.await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    let text = screen(&terminal);
    assert!(text.contains("Keys"), "help opened while loading: {text}");
    assert!(text.contains("Loading"), "{text}");
}
