//! The one loop that owns the state: terminal events and task results in,
//! `update`, effects spawned, a redraw only when something changed.

pub mod pacer;

use std::io;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::Instant;

use crate::app::{Effect, Msg, State, update};
use crate::store::SecretStore;
use crate::{keys, ui};
use pacer::Pacer;

/// Spinner frame interval while something is in flight.
const ANIMATION: Duration = Duration::from_millis(100);

pub async fn run<B, E>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    store: Arc<dyn SecretStore>,
    mut events: E,
) -> io::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let (tx, mut rx) = unbounded_channel();
    let lookups = Arc::new(Pacer::new(pacer::LOOKUP_EVENTS));
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
    loop {
        for effect in effects.drain(..) {
            if perform(&store, &lookups, &tx, effect).is_break() {
                return Ok(());
            }
        }
        if dirty {
            terminal
                .draw(|frame| ui::render(frame, state))
                .map_err(io::Error::other)?;
            dirty = false;
        }
        let wake = Instant::now() + until_next_tick(state, Timestamp::now());
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => keys::map(&state.mode, &event),
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => Some(msg),
            () = tokio::time::sleep_until(wake) => Some(Msg::Tick(Timestamp::now())),
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

/// Runs one effect. Work is spawned; its result comes back as a message.
pub fn perform(
    store: &Arc<dyn SecretStore>,
    lookups: &Arc<Pacer>,
    tx: &UnboundedSender<Msg>,
    effect: Effect,
) -> ControlFlow<()> {
    let (store, tx) = (Arc::clone(store), tx.clone());
    match effect {
        Effect::LoadPage { generation, token } => {
            tokio::spawn(async move {
                let msg = match store.list_page(token).await {
                    Ok(page) => {
                        tracing::debug!(generation, scanned = page.scanned, "page loaded");
                        Msg::PageLoaded { generation, page }
                    }
                    Err(error) => {
                        tracing::warn!(generation, %error, "listing failed");
                        Msg::LoadFailed { generation, error }
                    }
                };
                // The loop may have ended; nobody is left to tell.
                let _ = tx.send(msg);
            });
        }
        Effect::Restore(target) => {
            tokio::spawn(async move {
                let result = store.restore(target.arn.clone()).await;
                if let Err(e) = &result {
                    tracing::warn!(arn = %target.arn, error = %e, "restore failed");
                } else {
                    tracing::info!(arn = %target.arn, "restored");
                }
                let result = result.map(|_| ());
                let _ = tx.send(Msg::RestoreFinished { target, result });
            });
        }
        Effect::LookupDeletions { generation, query } => {
            let lookups = Arc::clone(lookups);
            tokio::spawn(async move {
                lookups.wait().await;
                let msg = match store.deletion_events(query).await {
                    Ok(page) => {
                        tracing::debug!(generation, events = page.events.len(), "cloudtrail page");
                        if page.unreadable > 0 {
                            tracing::warn!(
                                unreadable = page.unreadable,
                                "unreadable cloudtrail events"
                            );
                        }
                        Msg::DeletionsLoaded { generation, page }
                    }
                    Err(error) => {
                        tracing::warn!(generation, %error, "cloudtrail lookup failed");
                        Msg::DeletionsFailed { generation, error }
                    }
                };
                let _ = tx.send(msg);
            });
        }
        Effect::Quit => return ControlFlow::Break(()),
    }
    ControlFlow::Continue(())
}

/// Fast while a spinner turns; otherwise at the next whole minute, when a
/// countdown could change.
fn until_next_tick(state: &State, now: Timestamp) -> Duration {
    if state.animating() {
        return ANIMATION;
    }
    let into_minute = now.as_millisecond().rem_euclid(60_000);
    let ms = u64::try_from(60_000 - into_minute).unwrap_or(60_000);
    Duration::from_millis(ms)
}
