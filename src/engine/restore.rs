//! The restore queue: every `RestoreSecret` reprieve sends passes here, and
//! its promises hold in this one place.
//!
//! - At most 40 calls a second per source, in every one-second window,
//!   whatever the latency (see `Pacer`), and a bounded number waiting on an
//!   answer at once.
//! - Before a call leaves, a `"sent"` line naming its ARN is on disk; after,
//!   exactly one outcome line. A log that cannot be written stops the queue.
//! - An answer that never came is unknown, never failed: `DescribeSecret`
//!   then says what became of the secret.
//! - Read-only refuses before anything is written or sent.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::SourceId;
use super::pacer::{self, Pacer};
use crate::audit::{self, AuditLog, Line};
use crate::store::guard::READ_ONLY;
use crate::store::{Arn, Described, ErrorKind, SecretStore, StoreError};

/// Restores waiting on an answer at once, over every source.
pub const IN_FLIGHT: usize = 16;
/// A throttled call was not acted on: it is tried again this many times.
const THROTTLE_RETRIES: u32 = 3;
/// The first wait after throttling; each retry doubles it.
const BACKOFF: Duration = Duration::from_millis(500);

/// What is restored, captured when the operator asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The source that listed it: the call goes through its credentials.
    pub source: SourceId,
    pub arn: Arn,
    /// For messages and the log.
    pub name: String,
    /// The profile as the screen names it.
    pub profile: String,
    /// The caller's principal ARN, from STS, when known.
    pub principal: Option<String>,
    /// Through an Organization's member role: that role, and who assumed it.
    pub route: Option<(String, String)>,
}

/// What became of a restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// AWS said so; or, `checked`, no answer came and `DescribeSecret`
    /// showed the secret restored.
    Restored {
        request_id: Option<String>,
        checked: bool,
    },
    /// AWS answered with an error, or reprieve did not send it (read-only,
    /// the audit log, quitting).
    Failed(StoreError),
    /// No answer came (`error` says how), and `check` could not settle it.
    Unknown { error: StoreError, check: Check },
}

/// What `DescribeSecret` said after a restore went unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Still scheduled for deletion: the restore may yet land, or not.
    StillScheduled,
    /// The secret is not found: purged, or force-deleted.
    NotFound,
    /// It could not be asked.
    Failed(StoreError),
    /// It was not asked, for this reason.
    NotAsked(&'static str),
}

/// Why a restore sent before quitting was not checked.
pub const QUIT: &str = "reprieve quit before the answer came";

impl Check {
    /// For the log's `checked`: short, and the same every time.
    pub fn token(&self) -> Option<String> {
        match self {
            Check::StillScheduled => Some("still scheduled for deletion".into()),
            Check::NotFound => Some("not found".into()),
            Check::Failed(e) => Some(format!("check failed: {e}")),
            Check::NotAsked(_) => None,
        }
    }

    /// In the operator's words, for the screen.
    pub fn words(&self) -> String {
        match self {
            Check::StillScheduled => "DescribeSecret shows it still scheduled for deletion".into(),
            Check::NotFound => "DescribeSecret does not find it".into(),
            Check::Failed(e) => format!("DescribeSecret failed too ({e})"),
            Check::NotAsked(why) => (*why).to_owned(),
        }
    }
}

/// A restore's outcome, and whether the queue stopped because of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub outcome: Outcome,
    /// The outcome line could not be written: no restore leaves from now
    /// on, and this says why.
    pub stopped: Option<String>,
}

/// The audit log as the queue holds it.
#[derive(Debug, Clone)]
pub enum Audit {
    /// `--no-audit-log`, or read-only, which writes nothing.
    Off,
    On(Arc<AuditLog>),
    /// It could not be opened: restores are refused, saying why.
    Broken(String),
}

pub struct RestoreQueue {
    stores: Vec<Arc<dyn SecretStore>>,
    pacers: Vec<Pacer>,
    audit: Audit,
    read_only: bool,
    /// Why restores stopped: the audit log failed after it was opened.
    stopped: Mutex<Option<String>>,
    quitting: AtomicBool,
    in_flight: Semaphore,
    /// Sent and not answered, by sequence number. Whoever takes an entry
    /// out writes its one outcome line.
    sent: Mutex<HashMap<u64, Request>>,
    seq: AtomicU64,
    /// Tells this run's lines from another's: the sent line and the outcome
    /// line of one restore share `RUN-SEQ`.
    run: String,
}

impl RestoreQueue {
    /// One store per source, in source order.
    pub fn new(stores: Vec<Arc<dyn SecretStore>>, audit: Audit, read_only: bool) -> Self {
        let pacers = stores
            .iter()
            .map(|_| Pacer::new(pacer::RESTORE_SECRET))
            .collect();
        RestoreQueue {
            stores,
            pacers,
            // Read-only writes no file at all.
            audit: if read_only { Audit::Off } else { audit },
            read_only,
            stopped: Mutex::new(None),
            quitting: AtomicBool::new(false),
            in_flight: Semaphore::new(IN_FLIGHT),
            sent: Mutex::new(HashMap::new()),
            seq: AtomicU64::new(0),
            run: format!("{:x}", Timestamp::now().as_millisecond()),
        }
    }

    /// Why a restore would be refused now, before anything is sent.
    pub fn refusal(&self) -> Option<String> {
        if self.read_only {
            return Some(READ_ONLY.to_owned());
        }
        if let Audit::Broken(why) = &self.audit {
            return Some(format!(
                "restores are off: the audit log cannot be written ({why}); fix it, or start \
                 with --no-audit-log"
            ));
        }
        lock(&self.stopped).clone()
    }

    /// Restores one secret: paced, written ahead, checked when unanswered.
    /// `on_sent` runs as the call leaves.
    pub async fn restore(&self, request: Request, on_sent: impl FnOnce()) -> Finished {
        let source = request.source;
        let (Some(store), Some(pacer)) = (self.stores.get(source), self.pacers.get(source)) else {
            return not_sent(
                ErrorKind::Other,
                format!("no source {source} to restore through"),
            );
        };
        if let Some(why) = self.refusal() {
            return self.refused(why);
        }
        // The permit first, then the turn: a turn is never held while
        // waiting for a permit, so it cannot pass unused and burst later.
        let Ok(_permit) = self.in_flight.acquire().await else {
            return not_sent(ErrorKind::Other, "the restore queue is closed");
        };
        pacer.wait().await;
        if self.quitting.load(Ordering::SeqCst) {
            return not_sent(ErrorKind::NotSent, "not sent: reprieve was quitting");
        }
        if let Some(why) = self.refusal() {
            return self.refused(why);
        }
        let seq = self.seq.fetch_add(1, Ordering::SeqCst);
        if let Err(e) = self.write(seq, &request, audit::Outcome::SENT) {
            let why = self.stop(&e);
            return Finished {
                stopped: Some(why.clone()),
                ..not_sent(ErrorKind::NotSent, format!("not sent: {why}"))
            };
        }
        lock(&self.sent).insert(seq, request.clone());
        on_sent();
        let result = self.send(store.as_ref(), pacer, &request.arn).await;
        let outcome = match result {
            Ok(receipt) => Outcome::Restored {
                request_id: receipt.request_id,
                checked: false,
            },
            Err(error) if error.no_answer => check(store.as_ref(), &request.arn, error).await,
            Err(error) => Outcome::Failed(error),
        };
        match &outcome {
            Outcome::Restored { .. } => tracing::info!(arn = %request.arn, "restored"),
            other => tracing::warn!(arn = %request.arn, outcome = ?other, "restore not done"),
        }
        let mine = lock(&self.sent).remove(&seq).is_some();
        let stopped = if mine {
            self.write_outcome(seq, &request, &outcome)
                .err()
                .map(|e| self.stop(&e))
        } else {
            None
        };
        Finished { outcome, stopped }
    }

    /// One `RestoreSecret`, tried again only when throttled: a throttled
    /// call was answered, and not acted on.
    async fn send(
        &self,
        store: &dyn SecretStore,
        pacer: &Pacer,
        arn: &Arn,
    ) -> Result<crate::store::Receipt, StoreError> {
        let mut wait = BACKOFF;
        for _ in 0..THROTTLE_RETRIES {
            match store.restore(arn.clone()).await {
                Err(e) if e.kind == ErrorKind::Throttled && !e.no_answer => {
                    if self.quitting.load(Ordering::SeqCst) {
                        return Err(e);
                    }
                    tracing::info!(%arn, ?wait, "throttled; trying again");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    pacer.wait().await;
                }
                other => return other,
            }
        }
        store.restore(arn.clone()).await
    }

    /// Stops the queue, gives restores already sent `wait` to answer, and
    /// records the rest as unknown. How many were left unanswered.
    pub async fn drain(&self, wait: Duration) -> usize {
        self.quitting.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline && !lock(&self.sent).is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left: Vec<(u64, Request)> = lock(&self.sent).drain().collect();
        let error = StoreError::new(ErrorKind::Unreachable, None, "no answer yet").unanswered();
        for (seq, request) in &left {
            tracing::warn!(arn = %request.arn, "quit with a restore sent and unanswered");
            let outcome = Outcome::Unknown {
                error: error.clone(),
                check: Check::NotAsked(QUIT),
            };
            if let Err(e) = self.write_outcome(*seq, request, &outcome) {
                tracing::error!(error = %e, "audit line not written");
            }
        }
        left.len()
    }

    fn refused(&self, why: String) -> Finished {
        let kind = if self.read_only {
            ErrorKind::ReadOnly
        } else {
            ErrorKind::NotSent
        };
        not_sent(kind, why)
    }

    /// Stops every later restore; the reason, for the screen.
    fn stop(&self, error: &io::Error) -> String {
        let path = match &self.audit {
            Audit::On(log) => log.path().display().to_string(),
            _ => "the audit log".to_owned(),
        };
        tracing::error!(path, %error, "audit line not written: restores stop");
        let why = format!(
            "restores are stopped: the audit log {path} could not be written ({error}); fix it \
             and start reprieve again"
        );
        lock(&self.stopped).get_or_insert(why).clone()
    }

    fn write_outcome(&self, seq: u64, request: &Request, outcome: &Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Restored {
                request_id,
                checked: false,
            } => self.write_line(seq, request, audit::Outcome::OK, request_id.as_deref()),
            Outcome::Restored { checked: true, .. } => {
                let line = audit::Outcome::Unknown {
                    unknown: "no answer came",
                    checked: Some("restored"),
                };
                self.write_line(seq, request, line, None)
            }
            Outcome::Failed(e) => {
                let line = audit::Outcome::Failed {
                    code: e.code.as_deref(),
                    message: &e.message,
                };
                self.write_line(seq, request, line, e.request_id.as_deref())
            }
            Outcome::Unknown { error, check } => {
                let (unknown, checked) = (error.to_string(), check.token());
                let line = audit::Outcome::Unknown {
                    unknown: &unknown,
                    checked: checked.as_deref(),
                };
                self.write_line(seq, request, line, error.request_id.as_deref())
            }
        }
    }

    fn write(&self, seq: u64, request: &Request, result: audit::Outcome<'_>) -> io::Result<()> {
        self.write_line(seq, request, result, None)
    }

    fn write_line(
        &self,
        seq: u64,
        request: &Request,
        result: audit::Outcome<'_>,
        request_id: Option<&str>,
    ) -> io::Result<()> {
        let Audit::On(log) = &self.audit else {
            return Ok(());
        };
        let (region, account) = (request.arn.region(), request.arn.account());
        let id = format!("{}-{seq}", self.run);
        log.record(&Line {
            time: Timestamp::now().to_string(),
            id: &id,
            action: "RestoreSecret",
            arn: request.arn.as_str(),
            name: &request.name,
            region,
            account,
            profile: Some(&request.profile),
            principal: request.principal.as_deref(),
            role: request.route.as_ref().map(|(role, _)| role.as_str()),
            caller: request.route.as_ref().map(|(_, caller)| caller.as_str()),
            result,
            request_id,
            version: env!("CARGO_PKG_VERSION"),
        })
    }
}

/// After no answer: restored, still scheduled, gone, or still unknown.
async fn check(store: &dyn SecretStore, arn: &Arn, error: StoreError) -> Outcome {
    match store.describe(arn.clone()).await {
        Ok(Described {
            deleted_date: None, ..
        }) => Outcome::Restored {
            request_id: None,
            checked: true,
        },
        Ok(Described {
            deleted_date: Some(_),
            ..
        }) => Outcome::Unknown {
            error,
            check: Check::StillScheduled,
        },
        Err(e) if e.kind == ErrorKind::NotFound => Outcome::Unknown {
            error,
            check: Check::NotFound,
        },
        Err(e) => Outcome::Unknown {
            error,
            check: Check::Failed(e),
        },
    }
}

fn not_sent(kind: ErrorKind, why: impl Into<String>) -> Finished {
    Finished {
        outcome: Outcome::Failed(StoreError::new(kind, None, why)),
        stopped: None,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Entries are inserted and removed whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
