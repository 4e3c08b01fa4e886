//! The one loop that owns the state: terminal events and task results in,
//! `update`, effects spawned, a redraw only when something changed.

pub mod panics;

use std::future::Future;
use std::io;
use std::ops::ControlFlow;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use crossterm::event::Event;
use futures_util::{FutureExt, Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::Instant;

use crate::app::{Check, Effect, Msg, Outcome, State, update};
use crate::engine::Engine;
pub use crate::engine::restore::Audit;
pub use crate::store::guard::READ_ONLY;
use crate::store::{ErrorKind, StoreError};
use crate::{keys, ui};

/// Spinner frame interval while something is in flight.
const ANIMATION: Duration = Duration::from_millis(100);
/// Nothing on screen changes by itself: wake rarely, to keep `now` fresh.
const IDLE: Duration = Duration::from_secs(3600);

/// The engine the loop drives: the dashboard's name for it.
pub use crate::engine::Engine as Stores;

pub async fn run<B, E>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    stores: Stores,
    events: E,
) -> io::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let never = futures_util::stream::pending::<u8>();
    run_until(terminal, state, stores, events, never)
        .await
        .map(drop)
}

/// How long quitting waits for restores already sent.
const DRAIN: Duration = Duration::from_secs(3);

/// The loop, until `q` or a signal from `signals` (`Some(its number)`).
/// Either way, queued restores are not sent, and those already sent get
/// `DRAIN` to answer before they are recorded as unknown.
pub async fn run_until<B, E, S>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    stores: Stores,
    mut events: E,
    mut signals: S,
) -> io::Result<Option<u8>>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
    S: Stream<Item = u8> + Unpin,
{
    let (tx, mut rx) = unbounded_channel();
    let size = terminal.size().map_err(io::Error::other)?;
    let mut effects = update(
        state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    effects.extend(state.start());
    let mut dirty = true;
    let started = Instant::now();
    // The next tick is only ever brought forward: a stream of keys or
    // results can never put it off, so the clock on screen always moves.
    let mut tick = Instant::now() + until_next_tick(state, Timestamp::now());
    loop {
        for effect in effects.drain(..) {
            if perform(&stores, &tx, effect).is_break() {
                stores.drain(DRAIN).await;
                return Ok(None);
            }
        }
        if dirty {
            let mut whole = true;
            terminal
                .draw(|frame| whole = ui::render(frame, state))
                .map_err(io::Error::other)?;
            dirty = false;
            // Nothing to redraw: it only says what is now on screen.
            let at = started.elapsed();
            update(state, Msg::Drawn { at, whole });
        }
        tick = tick.min(Instant::now() + until_next_tick(state, Timestamp::now()));
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    // A key is judged by when it came.
                    update(state, Msg::Elapsed(started.elapsed()));
                    keys::map(state.mode(), &event)
                }
                Some(Err(e)) => return Err(e),
                None => return Ok(None),
            },
            Some(msg) = rx.recv() => Some(msg),
            Some(signal) = signals.next() => {
                stores.drain(DRAIN).await;
                return Ok(Some(signal));
            }
            () = tokio::time::sleep_until(tick) => {
                tick = Instant::now() + IDLE;
                Some(Msg::Tick(Timestamp::now()))
            }
        };
        let Some(msg) = msg else { continue };
        effects = update(state, msg);
        // Results that queued up meanwhile are folded in before one redraw.
        while let Ok(msg) = rx.try_recv() {
            effects.extend(update(state, msg));
        }
        dirty = true;
    }
}

/// Runs one effect. Work is spawned; its result comes back as a message,
/// also when the work panics, so no row waits forever.
pub fn perform(engine: &Engine, tx: &UnboundedSender<Msg>, effect: Effect) -> ControlFlow<()> {
    let engine = engine.clone();
    match effect {
        Effect::Identify { source } => spawn(
            tx,
            async move {
                let result = engine.identify(source).await;
                if let Err(error) = &result {
                    tracing::warn!(source, %error, "identity failed");
                }
                vec![Msg::Identified { source, result }]
            },
            move |error| Msg::Identified {
                source,
                result: Err(error),
            },
        ),
        Effect::LoadPage {
            source,
            generation,
            token,
        } => spawn(
            tx,
            async move {
                let msg = match engine.list_page(source, token).await {
                    Ok(page) => {
                        tracing::debug!(source, generation, scanned = page.scanned, "page loaded");
                        Msg::PageLoaded {
                            source,
                            generation,
                            page,
                        }
                    }
                    Err(error) => {
                        tracing::warn!(source, generation, %error, "listing failed");
                        Msg::LoadFailed {
                            source,
                            generation,
                            error,
                        }
                    }
                };
                vec![msg]
            },
            move |error| Msg::LoadFailed {
                source,
                generation,
                error,
            },
        ),
        // Every write goes through the engine's queue: pacing, the audit log
        // and read-only are its business.
        Effect::Restore(target) => {
            let notify = tx.clone();
            let failed = target.clone();
            spawn(
                tx,
                async move {
                    let arn = target.arn.clone();
                    let on_sent = move || {
                        let _ = notify.send(Msg::RestoreSent { arn });
                    };
                    let finished = engine.restore(target.request(), on_sent).await;
                    let mut msgs = vec![Msg::RestoreFinished {
                        target,
                        outcome: finished.outcome,
                    }];
                    if let Some(reason) = finished.stopped {
                        msgs.push(Msg::RestoresStopped { reason });
                    }
                    msgs
                },
                // It may have been sent before the panic: unknown, not failed.
                move |error| Msg::RestoreFinished {
                    target: failed,
                    outcome: Outcome::Unknown {
                        error: error.unanswered(),
                        check: Check::NotAsked("reprieve failed before it could check"),
                    },
                },
            );
        }
        Effect::LookupDeletions {
            source,
            generation,
            query,
        } => spawn(
            tx,
            async move {
                let msg = match engine.lookup_deletions(source, query).await {
                    Ok(page) => {
                        let (events, unreadable) = (page.events.len(), page.unreadable);
                        tracing::debug!(source, generation, events, unreadable, "cloudtrail page");
                        Msg::DeletionsLoaded {
                            source,
                            generation,
                            page,
                        }
                    }
                    Err(error) => {
                        tracing::warn!(source, generation, %error, "cloudtrail lookup failed");
                        Msg::DeletionsFailed {
                            source,
                            generation,
                            error,
                        }
                    }
                };
                vec![msg]
            },
            move |error| Msg::DeletionsFailed {
                source,
                generation,
                error,
            },
        ),
        Effect::LookupReads {
            source,
            generation,
            query,
        } => spawn(
            tx,
            async move {
                let msg = match engine.lookup_reads(source, query).await {
                    Ok(page) => Msg::ReadsLoaded {
                        source,
                        generation,
                        page,
                    },
                    Err(error) => {
                        tracing::warn!(source, %error, "reads lookup failed");
                        Msg::ReadsFailed {
                            source,
                            generation,
                            error,
                        }
                    }
                };
                vec![msg]
            },
            move |error| Msg::ReadsFailed {
                source,
                generation,
                error,
            },
        ),
        Effect::Describe { source, arn } => {
            let failed = arn.clone();
            spawn(
                tx,
                async move {
                    let result = engine.describe(source, arn.clone()).await;
                    vec![Msg::Described { arn, result }]
                },
                move |error| Msg::Described {
                    arn: failed,
                    result: Err(error),
                },
            );
        }
        Effect::Quit => return ControlFlow::Break(()),
    }
    ControlFlow::Continue(())
}

/// Spawns `work`; a panic inside it becomes `on_panic`'s message instead of
/// a result that never arrives.
fn spawn<F>(
    tx: &UnboundedSender<Msg>,
    work: F,
    on_panic: impl FnOnce(StoreError) -> Msg + Send + 'static,
) where
    F: Future<Output = Vec<Msg>> + Send + 'static,
{
    let tx = tx.clone();
    tokio::spawn(async move {
        let msgs = match AssertUnwindSafe(panics::Caught::new(work))
            .catch_unwind()
            .await
        {
            Ok(msgs) => msgs,
            Err(payload) => {
                let text = panics::message(payload.as_ref());
                tracing::error!("a background task panicked: {text}");
                vec![on_panic(StoreError::new(
                    ErrorKind::Other,
                    None,
                    format!("reprieve failed internally ({text}); this is a bug"),
                ))]
            }
        };
        // The loop may have ended; nobody is left to tell.
        for msg in msgs {
            let _ = tx.send(msg);
        }
    });
}

/// How long the loop may sleep: a spinner frame while something turns,
/// otherwise until the next instant a countdown on screen reads differently.
pub fn until_next_tick(state: &State, now: Timestamp) -> Duration {
    if state.animating() {
        return ANIMATION;
    }
    let Some(next) = state.next_countdown_change(now) else {
        return IDLE;
    };
    let wait = next.duration_since(now);
    Duration::try_from(wait).map_or(Duration::ZERO, |d| d.min(IDLE))
}

#[cfg(test)]
mod tests;
