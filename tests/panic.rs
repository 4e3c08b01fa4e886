//! A panic inside a background task: the row gets an error, the loop goes
//! on, and the terminal is left in the app's mode.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::{FutureExt, Stream};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reprieve::app::State;
use reprieve::app::list::RestoreState;
use reprieve::runtime::{self, Stores, panics};
use reprieve::store::{Arn, EventPage, EventQuery, Identity, Page, SecretStore, StoreFuture};
use tokio::sync::mpsc::unbounded_channel;

/// Lists one secret; restoring it hits a bug.
struct Buggy;

impl SecretStore for Buggy {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        let page = fixtures::page(vec![fixtures::secret("prod/db", 30.0)], 1, None);
        Box::pin(async move { Ok(page) })
    }
    fn restore(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Receipt> {
        Box::pin(async { panic!("index out of bounds in the restore path") })
    }
    fn describe(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Described> {
        Box::pin(async { panic!("index out of bounds in the describe path") })
    }
    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        Box::pin(async { Ok(EventPage::default()) })
    }
    fn failed_reads(&self, _: EventQuery) -> StoreFuture<'_, reprieve::store::ReadPage> {
        Box::pin(async { Ok(reprieve::store::ReadPage::default()) })
    }
    fn identity(&self) -> StoreFuture<'_, Identity> {
        Box::pin(async {
            Ok(Identity {
                account: "111122223333".into(),
                arn: "arn:aws:iam::111122223333:user/ops".into(),
            })
        })
    }
}

fn press(c: char) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[tokio::test(start_paused = true)]
async fn a_panicking_restore_is_unknown_on_its_row_instead_of_spinning_forever() {
    let (tx, rx) = unbounded_channel();
    let events: std::pin::Pin<Box<dyn Stream<Item = io::Result<Event>>>> =
        Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|e| (e, rx))
        }));
    let driver = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(press('r')).unwrap();
        // Read before it is answered: a `y` typed ahead would not count.
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(press('y')).unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(press('q')).unwrap();
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 20)).unwrap();
    let mut state = State::new(fixtures::source(), jiff::tz::TimeZone::UTC, fixtures::now());
    runtime::run(
        &mut terminal,
        &mut state,
        Stores::one(Arc::new(Buggy)),
        events,
    )
    .await
    .unwrap();
    driver.await.unwrap();

    // It may have been sent before the panic: unknown, never failed.
    let row = state.list().selected().unwrap();
    assert!(
        matches!(&row.restore, RestoreState::Unknown(e) if e.message.contains("index out of bounds")),
        "{:?}",
        row.restore
    );
    assert!(!state.animating(), "no spinner left turning");
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("No answer to the restore of prod/db (reprieve failed internally"),
        "{screen}"
    );
    assert!(screen.contains("? prod/db"), "{screen}");
}

#[test]
fn the_hook_leaves_caught_task_panics_to_the_task_and_passes_on_the_rest() {
    let restored = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&restored);
    // Stands in for ratatui's hook, which would restore the terminal.
    std::panic::set_hook(panics::task_aware(Box::new(move |_| {
        count.fetch_add(1, Ordering::SeqCst);
    })));

    let rt = tokio::runtime::Runtime::new().unwrap();
    let caught = rt.block_on(async {
        let task = panics::Caught::new(async { panic!("in a task") });
        AssertUnwindSafe(task).catch_unwind().await
    });
    assert!(caught.is_err());
    assert_eq!(
        restored.load(Ordering::SeqCst),
        0,
        "the terminal stays as it is"
    );
    assert!(!panics::is_caught(), "the flag is cleared after the unwind");

    let outside = std::thread::spawn(|| panic!("in the main loop")).join();
    assert!(outside.is_err());
    assert_eq!(
        restored.load(Ordering::SeqCst),
        1,
        "other panics restore the terminal"
    );
    let _ = std::panic::take_hook();
}
