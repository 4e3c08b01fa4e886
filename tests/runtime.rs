//! The event loop with real tasks: the demo store, and a store that hangs.
//!
//! The clock is tokio's paused test clock: every sleep, the demo store's
//! latency and the CloudTrail pacing run in virtual time, which only moves
//! when every task is waiting, so the same things happen in the same order
//! on every run however loaded the machine is. Keys are sent only once the
//! screen shows what the operator would wait for.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::Stream;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::Modifier;
use reprieve::app::State;
use reprieve::runtime::{self, Stores};
use reprieve::store::demo::DemoStore;
use reprieve::store::{Arn, EventPage, EventQuery, Identity, Page, SecretStore, StoreFuture};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::Instant;
use unicode_width::UnicodeWidthStr;

/// How long, in virtual time, a test waits for the screen to show something.
const PATIENCE: Duration = Duration::from_secs(120);
/// How often, in virtual time, the screen is looked at meanwhile.
const POLL: Duration = Duration::from_millis(10);
/// How long, in virtual time, the loop may run before a test gives up on it.
const LIMIT: Duration = Duration::from_secs(600);

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

fn send(tx: &UnboundedSender<Event>, code: KeyCode) {
    let key = KeyEvent::new(code, KeyModifiers::NONE);
    tx.send(Event::Key(key)).unwrap();
}

fn press(tx: &UnboundedSender<Event>, c: char) {
    send(tx, KeyCode::Char(c));
}

fn new_state() -> State {
    State::new(
        fixtures::source(),
        jiff::tz::TimeZone::UTC,
        jiff::Timestamp::now(),
    )
}

/// A `TestBackend` the test can read while the loop draws into it.
#[derive(Clone)]
struct Screen(Arc<Mutex<TestBackend>>);

impl Screen {
    fn new(width: u16, height: u16) -> Self {
        Screen(Arc::new(Mutex::new(TestBackend::new(width, height))))
    }

    /// The screen as lines of text, a wide character counted once.
    fn lines(&self) -> Vec<String> {
        let backend = self.0.lock().unwrap();
        let buffer = backend.buffer();
        (0..buffer.area.height)
            .map(|y| {
                let mut line = String::new();
                let mut x = 0;
                while x < buffer.area.width {
                    let symbol = buffer[(x, y)].symbol();
                    line.push_str(symbol);
                    x += u16::try_from(symbol.width().max(1)).unwrap();
                }
                line
            })
            .collect()
    }

    fn text(&self) -> String {
        self.lines().join("\n")
    }

    /// The names in the table, top to bottom, and which one is highlighted.
    fn rows(&self) -> (Vec<String>, Option<usize>) {
        let lines = self.lines();
        let Some(header) = lines.iter().position(|l| l.starts_with("  Name ")) else {
            return (vec![], None);
        };
        let backend = self.0.lock().unwrap();
        let mut names = Vec::new();
        let mut selected = None;
        for (y, line) in lines.iter().enumerate().skip(header + 1) {
            let Some(name) = line
                .split_whitespace()
                .next()
                .filter(|_| line.starts_with("  "))
            else {
                break;
            };
            let y = u16::try_from(y).unwrap();
            if backend.buffer()[(2, y)]
                .modifier
                .contains(Modifier::REVERSED)
            {
                selected = Some(names.len());
            }
            names.push(name.to_owned());
        }
        (names, selected)
    }

    /// Waits, in virtual time, until the screen shows what `ready` looks for.
    async fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.text();
            if ready(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited {PATIENCE:?} for {what}; the screen:\n{text}"
            );
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Backend for Screen {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.0.lock().unwrap().draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.lock().unwrap().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.lock().unwrap().set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.0.lock().unwrap().size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.lock().unwrap().window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().flush()
    }
}

/// Runs the loop and `script` (which plays the operator) side by side, until
/// both are done. A script that fails its checks fails the test at once; a
/// loop that does not end on `q` fails it after `LIMIT` of virtual time.
async fn drive<T>(
    screen: &Screen,
    state: &mut State,
    store: Arc<dyn SecretStore>,
    events: impl Stream<Item = io::Result<Event>> + Unpin,
    script: impl Future<Output = T>,
) -> T {
    let mut terminal = Terminal::new(screen.clone()).unwrap();
    let run = runtime::run(&mut terminal, state, Stores::one(store), events);
    let (ran, out) = tokio::time::timeout(LIMIT, async { tokio::join!(run, script) })
        .await
        .unwrap_or_else(|_| {
            panic!(
                "the loop was still running after {LIMIT:?}; the screen:\n{}",
                screen.text()
            )
        });
    ran.unwrap();
    out
}

/// What the demo store was asked and answered.
#[derive(Default)]
struct Log {
    /// `(pending, scanned)` of each `ListSecrets` page answered.
    pages: Vec<(usize, usize)>,
    /// The `NextToken` of each `LookupEvents` page answered.
    event_pages: Vec<Option<String>>,
    /// ARNs sent to `RestoreSecret`.
    restored: Vec<Arn>,
}

/// Wraps the demo store and records every call.
struct Recording {
    inner: DemoStore,
    log: Mutex<Log>,
}

impl Recording {
    fn log<T>(&self, read: impl FnOnce(&Log) -> T) -> T {
        read(&self.log.lock().unwrap())
    }
}

impl SecretStore for Recording {
    fn list_page(&self, token: Option<String>) -> StoreFuture<'_, Page> {
        Box::pin(async move {
            let page = self.inner.list_page(token).await?;
            let counts = (page.pending.len(), page.scanned);
            self.log.lock().unwrap().pages.push(counts);
            Ok(page)
        })
    }
    fn restore(&self, arn: Arn) -> StoreFuture<'_, reprieve::store::Receipt> {
        self.log.lock().unwrap().restored.push(arn.clone());
        self.inner.restore(arn)
    }
    fn describe(&self, arn: Arn) -> StoreFuture<'_, reprieve::store::Described> {
        self.inner.describe(arn)
    }
    fn identity(&self) -> StoreFuture<'_, Identity> {
        self.inner.identity()
    }
    fn deletion_events(&self, query: EventQuery) -> StoreFuture<'_, EventPage> {
        Box::pin(async move {
            let page = self.inner.deletion_events(query).await?;
            let next = page.next_token.clone();
            self.log.lock().unwrap().event_pages.push(next);
            Ok(page)
        })
    }
    fn failed_reads(&self, query: EventQuery) -> StoreFuture<'_, reprieve::store::ReadPage> {
        self.inner.failed_reads(query)
    }
}

/// A name as the table shows it stands for `full`: whole, or cut with "…".
fn shows(cell: &str, full: &str) -> bool {
    match cell.strip_suffix('…') {
        Some(start) => full.starts_with(start),
        None => cell == full,
    }
}

#[tokio::test(start_paused = true)]
async fn demo_listing_dating_restore_and_quit_through_the_real_loop() {
    let store = Arc::new(Recording {
        inner: DemoStore::seeded(jiff::Timestamp::now(), Duration::from_millis(50)).unwrap(),
        log: Mutex::default(),
    });
    let screen = Screen::new(120, 30);
    let mut state = new_state();
    let (tx, events) = keys();
    let script = async {
        // Every page listed, then every CloudTrail page read: rows are in
        // their final order only then.
        screen
            .wait_for("the listing and CloudTrail dating to finish", |s| {
                s.contains("44 scheduled for deletion · 604 secrets scanned")
                    && !s.contains("Dating by CloudTrail")
            })
            .await;
        let event_pages = store.log(|l| l.event_pages.clone());
        assert!(event_pages.len() > 1, "CloudTrail pages: {event_pages:?}");
        assert_eq!(event_pages.last(), Some(&None), "the last page was read");

        // Down to the second row, and restore it.
        let (rows, selected) = screen.rows();
        assert_eq!(selected, Some(0), "the first row starts selected");
        let second = rows[1].clone();
        press(&tx, 'j');
        screen
            .wait_for("the second row to be highlighted", |_| {
                screen.rows().1 == Some(1)
            })
            .await;
        press(&tx, 'r');
        let confirm = screen
            .wait_for("the restore confirmation", |s| s.contains("Restore secret"))
            .await;
        let name = confirm
            .lines()
            .find_map(|l| l.split_once("│ Name "))
            .map(|(_, rest)| rest.trim().trim_end_matches('│').trim().to_owned())
            .unwrap_or_else(|| panic!("no name in the confirmation:\n{confirm}"));
        assert!(shows(&second, &name), "{second} is not {name}:\n{confirm}");
        // Read it first: a `y` typed ahead is ignored.
        tokio::time::sleep(Duration::from_millis(300)).await;
        press(&tx, 'y');
        let done = format!("Restored {name}");
        screen.wait_for(&done, |s| s.contains(&done)).await;
        press(&tx, 'q');
        name
    };
    let name = drive(&screen, &mut state, store.clone(), events, script).await;

    assert!(state.load().completed);
    assert_eq!(state.load().scanned, 604, "every demo page was read");
    let (pending, scanned) = store.log(|l| {
        l.pages
            .iter()
            .fold((0, 0), |(p, s), page| (p + page.0, s + page.1))
    });
    assert_eq!((pending, scanned), (44, 604), "what the demo listed");

    let restored = store.log(|l| l.restored.clone());
    assert_eq!(restored.len(), 1, "exactly one RestoreSecret call");
    let (stem, _suffix) = restored[0].as_str().rsplit_once('-').unwrap();
    assert!(
        stem.ends_with(&format!(":secret:{name}")),
        "{} is not {name}'s ARN",
        restored[0]
    );
    assert!(
        state.list().get(&restored[0]).is_none(),
        "the row left the list"
    );
    let (rows, _) = screen.rows();
    assert!(!rows.iter().any(|r| shows(r, &name)), "{rows:?}");

    let text = screen.text();
    assert!(text.contains(&format!("Restored {name}")), "{text}");
    assert!(
        text.contains(" 43 scheduled for deletion · 604 secrets scanned"),
        "{text}"
    );
}

/// A store whose calls never finish, like an endpoint that hangs.
#[derive(Default)]
struct Stalled {
    calls: AtomicUsize,
}

impl SecretStore for Stalled {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::pending())
    }
    fn restore(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Receipt> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::pending())
    }
    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::pending())
    }
    fn failed_reads(&self, _: EventQuery) -> StoreFuture<'_, reprieve::store::ReadPage> {
        Box::pin(std::future::pending())
    }
    fn describe(&self, _: Arn) -> StoreFuture<'_, reprieve::store::Described> {
        Box::pin(std::future::pending())
    }
    fn identity(&self) -> StoreFuture<'_, Identity> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::pending())
    }
}

#[tokio::test(start_paused = true)]
async fn keys_work_and_quit_is_immediate_while_the_network_hangs() {
    let store = Arc::new(Stalled::default());
    let screen = Screen::new(100, 34);
    let mut state = new_state();
    let (tx, events) = keys();
    let script = async {
        screen
            .wait_for("the loading screen", |s| s.contains("Loading"))
            .await;
        press(&tx, '?');
        screen
            .wait_for("help to open while loading", |s| {
                s.contains("Keys") && s.contains("Loading")
            })
            .await;
        // A minute on, the listing still hangs and nothing else was asked.
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(
            store.calls.load(Ordering::SeqCst),
            2,
            "one GetCallerIdentity and one ListSecrets call"
        );
        assert!(screen.text().contains("Loading"), "{}", screen.text());
        press(&tx, 'q');
        Instant::now()
    };
    let quit_at = drive(&screen, &mut state, store.clone(), events, script).await;
    // The loop returned at the instant `q` arrived: it waited for no timer,
    // let alone for the listing, which never answers.
    assert_eq!(Instant::now(), quit_at, "quitting waited for something");
    assert!(!state.load().completed);
    assert_eq!(store.calls.load(Ordering::SeqCst), 2);
}

/// Keys closer together than a spinner frame must not hold the clock: the
/// loop still ticks while they arrive, so countdowns and spinners move.
#[tokio::test(start_paused = true)]
async fn a_stream_of_keys_never_starves_the_clock() {
    let store = Arc::new(Stalled::default());
    let screen = Screen::new(100, 34);
    // The state's clock starts in the past; only a tick moves it to now.
    let mut state = State::new(fixtures::source(), jiff::tz::TimeZone::UTC, fixtures::now());
    let (tx, events) = keys();
    let script = async {
        screen
            .wait_for("the loading screen", |s| s.contains("Loading"))
            .await;
        // Two seconds of keys, 50 ms apart, and `q` right behind the last.
        for _ in 0..40 {
            press(&tx, 'j');
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        press(&tx, 'q');
    };
    drive(&screen, &mut state, store, events, script).await;
    assert!(
        state.now() > fixtures::now(),
        "no tick ran while the keys came"
    );
}
