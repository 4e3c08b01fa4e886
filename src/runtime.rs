//! The one loop that owns the state: terminal events and task results in,
//! `update`, effects spawned, a redraw only when something changed.

pub mod pacer;
pub mod panics;

use std::io;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::Event;
use futures_util::{FutureExt, Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::time::Instant;

use crate::app::Target;
use crate::app::feeds::arn_region_account;
use crate::app::{Effect, Msg, State, update};
use crate::audit::{AuditLog, Line, Outcome};
use crate::store::{Arn, ErrorKind, Receipt, SecretStore, StoreError};
use crate::{keys, ui};
use pacer::Pacer;

/// Spinner frame interval while something is in flight.
const ANIMATION: Duration = Duration::from_millis(100);
/// Nothing on screen changes by itself: wake rarely, to keep `now` fresh.
const IDLE: Duration = Duration::from_secs(3600);

/// The audit log as the runtime holds it.
#[derive(Debug, Clone)]
pub enum Audit {
    /// `--no-audit-log`.
    Off,
    On(Arc<AuditLog>),
    /// It could not be opened: restores are refused, saying why.
    Broken(String),
}

impl Audit {
    fn record_unknown(&self, target: &Target) {
        self.write(target, Outcome::Unknown("sent, outcome unknown"), None);
    }

    fn record(&self, target: &Target, result: &Result<Receipt, StoreError>) {
        match result {
            Ok(receipt) => self.write(target, Outcome::Ok("ok"), receipt.request_id.as_deref()),
            Err(e) => {
                let failed = Outcome::Failed {
                    code: e.code.as_deref(),
                    message: &e.message,
                };
                self.write(target, failed, e.request_id.as_deref());
            }
        }
    }

    fn write(&self, target: &Target, outcome: Outcome<'_>, request_id: Option<&str>) {
        let Audit::On(log) = self else {
            return;
        };
        let (region, account) = arn_region_account(target.arn.as_str());
        let line = Line {
            time: Timestamp::now().to_string(),
            action: "RestoreSecret",
            arn: target.arn.as_str(),
            name: &target.name,
            region,
            account,
            profile: target.profile.as_deref(),
            principal: target.principal.as_deref(),
            result: outcome,
            request_id,
            version: env!("CARGO_PKG_VERSION"),
        };
        if let Err(e) = log.record(&line) {
            tracing::error!(path = %log.path().display(), error = %e, "audit line not written");
        }
    }
}

/// Why a write was refused in read-only mode.
pub const READ_ONLY: &str =
    "reprieve is read-only (--read-only or REPRIEVE_READ_ONLY=1): restores are turned off";

/// Restores waiting on an answer at once, over every source.
const RESTORES_IN_FLIGHT: usize = 16;

/// Calls in flight at once, over every source: many regions list at the
/// same time without a burst against the network or the quotas.
const CALLS_IN_FLIGHT: usize = 8;

/// Each source's store and its CloudTrail pacing, and the global cap.
#[derive(Clone)]
pub struct Stores {
    stores: Vec<Arc<dyn SecretStore>>,
    audit: Audit,
    /// Restores sent and not answered yet: on quitting, each ends up
    /// answered or recorded as "sent, outcome unknown".
    sent: Arc<Mutex<HashMap<Arn, Target>>>,
    /// Quitting: queued restores are not sent any more.
    quitting: Arc<AtomicBool>,
    /// Nothing that writes leaves the runtime.
    read_only: bool,
    lookups: Vec<Arc<Pacer>>,
    /// RestoreSecret is 50 calls a second per region, shared with the whole
    /// account: reprieve keeps to 40.
    restores: Vec<Arc<Pacer>>,
    /// Restores waiting on an answer at once.
    restoring: Arc<Semaphore>,
    cap: Arc<Semaphore>,
}

impl Stores {
    /// One store per source, in the state's source order.
    pub fn new(stores: Vec<Arc<dyn SecretStore>>) -> Self {
        let lookups = stores
            .iter()
            .map(|_| Arc::new(Pacer::new(pacer::LOOKUP_EVENTS)))
            .collect();
        let restores = stores
            .iter()
            .map(|_| Arc::new(Pacer::new(pacer::RESTORE_SECRET)))
            .collect();
        Stores {
            stores,
            audit: Audit::Off,
            sent: Arc::default(),
            quitting: Arc::default(),
            read_only: false,
            restores,
            restoring: Arc::new(Semaphore::new(RESTORES_IN_FLIGHT)),
            lookups,
            cap: Arc::new(Semaphore::new(CALLS_IN_FLIGHT)),
        }
    }

    /// Records every restore outcome (or, broken, refuses every restore).
    pub fn audit(self, audit: Audit) -> Self {
        Stores { audit, ..self }
    }

    /// Blocks every write here, whatever the state asks for.
    pub fn read_only(self, read_only: bool) -> Self {
        Stores { read_only, ..self }
    }

    /// A single source.
    pub fn one(store: Arc<dyn SecretStore>) -> Self {
        Self::new(vec![store])
    }
}

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
/// `DRAIN` to answer before they are recorded as "sent, outcome unknown".
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
    loop {
        for effect in effects.drain(..) {
            if perform(&stores, &tx, effect).is_break() {
                drain(&stores).await;
                return Ok(None);
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
                Some(Ok(event)) => keys::map(state.mode(), &event),
                Some(Err(e)) => return Err(e),
                None => return Ok(None),
            },
            Some(msg) = rx.recv() => Some(msg),
            Some(signal) = signals.next() => {
                drain(&stores).await;
                return Ok(Some(signal));
            }
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

/// Stops the restore queue, gives restores already sent `DRAIN` to
/// answer, and records the rest as sent with an unknown outcome.
async fn drain(stores: &Stores) {
    stores.quitting.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + DRAIN;
    while Instant::now() < deadline && !lock(&stores.sent).is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for target in lock(&stores.sent).values() {
        tracing::warn!(arn = %target.arn, "quit with a restore sent and unanswered");
        stores.audit.record_unknown(target);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The map stays whole: entries are inserted and removed whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs one effect. Work is spawned; its result comes back as a message,
/// also when the work panics, so no row waits forever.
pub fn perform(stores: &Stores, tx: &UnboundedSender<Msg>, effect: Effect) -> ControlFlow<()> {
    let source = match &effect {
        Effect::Identify { source }
        | Effect::LoadPage { source, .. }
        | Effect::LookupDeletions { source, .. } => *source,
        Effect::Restore(target) => target.source,
        Effect::Quit => return ControlFlow::Break(()),
    };
    let Some(store) = stores.stores.get(source).cloned() else {
        tracing::error!(source, "an effect for a source that does not exist");
        return ControlFlow::Continue(());
    };
    let cap = Arc::clone(&stores.cap);
    match effect {
        Effect::Identify { source } => spawn(
            tx,
            async move {
                let _permit = cap.acquire().await;
                let result = store.identity().await;
                if let Err(error) = &result {
                    tracing::warn!(source, %error, "identity failed");
                }
                Msg::Identified { source, result }
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
                let _permit = cap.acquire().await;
                match store.list_page(token).await {
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
                }
            },
            move |error| Msg::LoadFailed {
                source,
                generation,
                error,
            },
        ),
        // The one gate every write passes: read-only stops it here.
        Effect::Restore(target) if stores.read_only => {
            tracing::warn!(arn = %target.arn, "restore refused: read-only");
            let result = Err(StoreError::new(ErrorKind::ReadOnly, None, READ_ONLY));
            let _ = tx.send(Msg::RestoreFinished { target, result });
        }
        Effect::Restore(target) if matches!(stores.audit, Audit::Broken(_)) => {
            let Audit::Broken(why) = &stores.audit else {
                return ControlFlow::Continue(());
            };
            let message = format!(
                "restores are off: the audit log cannot be written ({why}); fix it, or start \
                 with --no-audit-log"
            );
            let result = Err(StoreError::new(ErrorKind::ReadOnly, None, message));
            let _ = tx.send(Msg::RestoreFinished { target, result });
        }
        Effect::Restore(target) => {
            let failed = target.clone();
            let audit = stores.audit.clone();
            let pacer = Arc::clone(&stores.restores[source]);
            let restoring = Arc::clone(&stores.restoring);
            let notify = tx.clone();
            let (sent, quitting) = (Arc::clone(&stores.sent), Arc::clone(&stores.quitting));
            spawn(
                tx,
                async move {
                    // Paced per source, a bounded number at once: a batch
                    // of hundreds stays under the account's quota.
                    pacer.wait().await;
                    let _permit = restoring.acquire().await;
                    if quitting.load(Ordering::SeqCst) {
                        let message = "not sent: reprieve was quitting";
                        let result = Err(StoreError::new(ErrorKind::Other, None, message));
                        return Msg::RestoreFinished { target, result };
                    }
                    lock(&sent).insert(target.arn.clone(), target.clone());
                    let _ = notify.send(Msg::RestoreSent {
                        arn: target.arn.clone(),
                    });
                    let result = store.restore(target.arn.clone()).await;
                    match &result {
                        Ok(_) => tracing::info!(arn = %target.arn, "restored"),
                        Err(e) => tracing::warn!(arn = %target.arn, error = %e, "restore failed"),
                    }
                    // Written and flushed before the operator hears of it.
                    audit.record(&target, &result);
                    lock(&sent).remove(&target.arn);
                    let result = result.map(drop);
                    Msg::RestoreFinished { target, result }
                },
                move |error| Msg::RestoreFinished {
                    target: failed,
                    result: Err(error),
                },
            );
        }
        Effect::LookupDeletions {
            source,
            generation,
            query,
        } => {
            let pacer = Arc::clone(&stores.lookups[source]);
            spawn(
                tx,
                async move {
                    pacer.wait().await;
                    let _permit = cap.acquire().await;
                    match store.deletion_events(query).await {
                        Ok(page) => {
                            let (events, unreadable) = (page.events.len(), page.unreadable);
                            tracing::debug!(
                                source,
                                generation,
                                events,
                                unreadable,
                                "cloudtrail page"
                            );
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
                    }
                },
                move |error| Msg::DeletionsFailed {
                    source,
                    generation,
                    error,
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
    F: Future<Output = Msg> + Send + 'static,
{
    let tx = tx.clone();
    tokio::spawn(async move {
        let msg = match AssertUnwindSafe(panics::Caught::new(work))
            .catch_unwind()
            .await
        {
            Ok(msg) => msg,
            Err(payload) => {
                let text = panics::message(payload.as_ref());
                tracing::error!("a background task panicked: {text}");
                on_panic(StoreError::new(
                    ErrorKind::Other,
                    None,
                    format!("reprieve failed internally ({text}); this is a bug"),
                ))
            }
        };
        // The loop may have ended; nobody is left to tell.
        let _ = tx.send(msg);
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
mod tests {
    use super::*;
    use crate::app::{Source, update};
    use crate::store::{Arn, Page, PendingSecret};
    use jiff::SignedDuration;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A listed state on a terminal `rows` high, with purges `mins` from now
    /// (emulator-style future dates, so each is exact).
    fn listed(rows: u16, mins: &[i64]) -> State {
        let now = ts("2026-11-29T12:00:00Z");
        let mut state = State::new(Source::default(), jiff::tz::TimeZone::UTC, now);
        update(
            &mut state,
            Msg::Resize {
                width: 100,
                height: rows,
            },
        );
        state.start();
        let pending = mins
            .iter()
            .enumerate()
            .map(|(i, m)| PendingSecret {
                arn: Arn::new(format!("arn:aws:secretsmanager:us-east-1:1:secret:s{i}")),
                name: format!("s{i}"),
                description: None,
                deleted_date: now + SignedDuration::from_mins(*m) + SignedDuration::from_secs(20),
            })
            .collect();
        let page = Page {
            pending,
            scanned: mins.len(),
            next_token: None,
        };
        update(
            &mut state,
            Msg::PageLoaded {
                source: 0,
                generation: 1,
                page,
            },
        );
        // No CloudTrail here: the lookup fails, which ends the spinner.
        let generation = state.trail().generation;
        let error = StoreError::new(ErrorKind::Other, None, "none");
        let source = 0;
        update(
            &mut state,
            Msg::DeletionsFailed {
                source,
                generation,
                error,
            },
        );
        state
    }

    #[test]
    fn a_spinner_ticks_fast_and_otherwise_the_loop_wakes_when_a_countdown_changes() {
        let now = ts("2026-11-29T12:00:00Z");
        let state = listed(30, &[90, 3000]);
        assert!(!state.animating());
        // "1h 30m" turns "1h 29m" 20 s from now (plus a millisecond).
        assert_eq!(until_next_tick(&state, now), Duration::from_millis(20_001));

        let mut loading = listed(30, &[90]);
        update(&mut loading, Msg::Action(crate::app::Action::Refresh));
        assert_eq!(until_next_tick(&loading, now), ANIMATION);
    }

    #[test]
    fn only_countdowns_on_screen_wake_the_loop() {
        let now = ts("2026-11-29T12:00:00Z");
        // On screen: "2d 0h" until 30m 20s from now. Off screen, the last
        // row ("3d 0h") changes first, in 1m 20s, but nobody sees it.
        let mut mins = vec![2 * 1440 + 30; 30];
        mins[29] = 3 * 1440 + 1;
        let state = listed(12, &mins);
        let shown = state.list().on_screen().count();
        assert!(shown < 30, "{shown} rows on screen");
        assert_eq!(
            until_next_tick(&state, now),
            Duration::from_millis((30 * 60 + 20) * 1000 + 1)
        );
        // With nothing counting down at all, it sleeps long.
        let overdue = listed(30, &[-31 * 1440]);
        assert_eq!(until_next_tick(&overdue, now), IDLE);
    }
}
