//! The restore queue's promises, against stores that misbehave, in tokio's
//! paused clock: pacing whatever the latency, the audit line on disk before
//! each call, exactly one outcome line, a log that fails stops the queue,
//! and an answer that never came is checked, not failed.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fixtures::*;
use reprieve::app::Target;
use reprieve::audit::AuditLog;
use reprieve::engine::restore::{Audit, Check, Outcome, Request, RestoreQueue};
use reprieve::store::{
    Arn, Described, ErrorKind, EventPage, EventQuery, Identity, Page, Receipt, SecretStore,
    StoreError, StoreFuture,
};
use serde_json::Value;
use tokio::time::Instant;

fn request(i: usize) -> Request {
    let s = secret(&format!("bulk/{i:03}"), 5.0);
    Target::of(0, &s, &reprieve::purge::read(s.deleted_date, now(), None)).request()
}

/// A fresh directory for one test's audit log.
fn log_path(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reprieve-queue-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("audit.jsonl")
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn audit(path: &Path) -> Audit {
    Audit::On(Arc::new(AuditLog::open(path).unwrap().0))
}

/// How a scripted store answers `RestoreSecret`.
type Answer = Box<dyn Fn(usize) -> (Duration, Result<Receipt, StoreError>) + Send + Sync>;

/// Answers restores as `answer` says for the n-th call; records when each
/// call arrived and what the audit log held at that moment.
struct Scripted {
    answer: Answer,
    described: Option<Timestamp>,
    calls: Mutex<Vec<(Instant, Arn)>>,
    /// The audit log as each call found it.
    log: Option<PathBuf>,
    seen_in_log: Mutex<Vec<bool>>,
    describes: AtomicUsize,
}

type Timestamp = jiff::Timestamp;

impl Scripted {
    fn new(answer: Answer) -> Self {
        Scripted {
            answer,
            described: None,
            calls: Mutex::default(),
            log: None,
            seen_in_log: Mutex::default(),
            describes: AtomicUsize::new(0),
        }
    }
}

impl SecretStore for Scripted {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        Box::pin(async { Ok(Page::default()) })
    }
    fn restore(&self, arn: Arn) -> StoreFuture<'_, Receipt> {
        let n = {
            let mut calls = self.calls.lock().unwrap();
            calls.push((Instant::now(), arn.clone()));
            calls.len() - 1
        };
        if let Some(path) = &self.log {
            // The call has left: its "sent" line must already be on disk.
            let written = lines(path)
                .iter()
                .any(|l| l["arn"] == arn.as_str() && l["result"] == "sent");
            self.seen_in_log.lock().unwrap().push(written);
        }
        let (latency, result) = (self.answer)(n);
        Box::pin(async move {
            tokio::time::sleep(latency).await;
            result
        })
    }
    fn describe(&self, _: Arn) -> StoreFuture<'_, Described> {
        self.describes.fetch_add(1, Ordering::SeqCst);
        let deleted_date = self.described;
        Box::pin(async move {
            Ok(Described {
                deleted_date,
                ..Described::default()
            })
        })
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

fn ok() -> Result<Receipt, StoreError> {
    Ok(Receipt {
        request_id: Some("req-1".into()),
    })
}

async fn restore_all(queue: &Arc<RestoreQueue>, n: usize) -> Vec<Outcome> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let queue = Arc::clone(queue);
            tokio::spawn(async move { queue.restore(request(i), || {}).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap().outcome);
    }
    outcomes
}

/// The most calls that arrived within any one second.
fn busiest_second(calls: &[(Instant, Arn)]) -> usize {
    calls
        .iter()
        .map(|(t, _)| {
            let end = *t + Duration::from_secs(1);
            calls.iter().filter(|(u, _)| u >= t && *u < end).count()
        })
        .max()
        .unwrap_or(0)
}

/// The first 40 answers take 2 s, the rest 10 ms: restores that waited
/// through the slow spell still leave at most 40 in any second.
#[tokio::test(start_paused = true)]
async fn no_burst_after_a_slow_spell() {
    let store = Arc::new(Scripted::new(Box::new(|n| {
        let latency = if n < 40 { 2000 } else { 10 };
        (Duration::from_millis(latency), ok())
    })));
    let queue = Arc::new(RestoreQueue::new(vec![store.clone()], Audit::Off, false));
    let outcomes = restore_all(&queue, 200).await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Restored { .. }))
    );
    let calls = store.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 200);
    let most = busiest_second(&calls);
    assert!(most <= 40, "{most} RestoreSecret calls in one second");
    assert!(
        most >= 39,
        "paced, not stalled: {most} in the busiest second"
    );
}

/// Every call finds its "sent" line already on disk; afterwards each
/// restore has exactly one outcome line with the same id.
#[tokio::test(start_paused = true)]
async fn the_sent_line_is_on_disk_before_the_call_and_one_outcome_follows() {
    let path = log_path("ahead");
    let mut store = Scripted::new(Box::new(|n| {
        let result = if n % 3 == 2 {
            Err(StoreError::new(
                ErrorKind::AccessDenied,
                Some("AccessDeniedException"),
                "no",
            ))
        } else {
            ok()
        };
        (Duration::from_millis(30), result)
    }));
    store.log = Some(path.clone());
    let store = Arc::new(store);
    let queue = Arc::new(RestoreQueue::new(vec![store.clone()], audit(&path), false));
    restore_all(&queue, 9).await;
    let seen = store.seen_in_log.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![true; 9],
        "a call left before its line was written"
    );
    let lines = lines(&path);
    assert_eq!(lines.len(), 18, "a sent line and an outcome line each");
    for i in 0..9 {
        let arn = request(i).arn.to_string();
        let of: Vec<&Value> = lines.iter().filter(|l| l["arn"] == arn).collect();
        assert_eq!(of.len(), 2, "{arn}");
        assert_eq!(of[0]["result"], "sent");
        assert_eq!(of[0]["id"], of[1]["id"]);
        assert_eq!(of[1]["profile"], "default");
        if i % 3 == 2 {
            assert_eq!(of[1]["result"]["code"], "AccessDeniedException");
        } else {
            assert_eq!(of[1]["result"], "ok");
            assert_eq!(of[1]["request_id"], "req-1");
        }
    }
}

/// Quitting records what is unanswered as unknown, once: the answer that
/// comes after adds no second line.
#[tokio::test(start_paused = true)]
async fn quitting_writes_one_outcome_line_even_if_the_answer_comes_later() {
    let path = log_path("drain");
    let store = Arc::new(Scripted::new(Box::new(|_| (Duration::from_secs(10), ok()))));
    let queue = Arc::new(RestoreQueue::new(vec![store.clone()], audit(&path), false));
    let task = {
        let queue = Arc::clone(&queue);
        tokio::spawn(async move { queue.restore(request(0), || {}).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(queue.drain(Duration::from_secs(3)).await, 1);
    let finished = task.await.unwrap();
    assert!(matches!(finished.outcome, Outcome::Restored { .. }));
    let lines = lines(&path);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["result"], "sent");
    assert_eq!(lines[1]["result"]["unknown"], "no answer yet");
    // Nothing queued leaves once quitting.
    let late = queue.restore(request(1), || {}).await;
    assert!(matches!(late.outcome, Outcome::Failed(e) if e.kind == ErrorKind::NotSent));
    assert_eq!(store.calls.lock().unwrap().len(), 1);
}

/// `/dev/full` opens but takes no line: the first restore is not sent,
/// nor any after it, and each says why.
#[cfg(target_os = "linux")]
#[tokio::test(start_paused = true)]
async fn a_log_that_cannot_be_written_stops_the_queue_before_any_call() {
    let store = Arc::new(Scripted::new(Box::new(|_| (Duration::ZERO, ok()))));
    let queue = Arc::new(RestoreQueue::new(
        vec![store.clone()],
        audit(Path::new("/dev/full")),
        false,
    ));
    let outcomes = restore_all(&queue, 5).await;
    assert_eq!(store.calls.lock().unwrap().len(), 0, "nothing left");
    for outcome in &outcomes {
        let Outcome::Failed(e) = outcome else {
            panic!("{outcome:?}");
        };
        assert_eq!(e.kind, ErrorKind::NotSent);
        assert!(e.message.contains("/dev/full"), "{}", e.message);
    }
    assert!(queue.refusal().unwrap().contains("restores are stopped"));
}

/// A timeout is no answer: DescribeSecret says what happened, and the log
/// says unknown, never failed.
#[tokio::test(start_paused = true)]
async fn an_answer_that_never_came_is_checked_with_describe_secret() {
    let timeout = || {
        let e = StoreError::new(ErrorKind::Unreachable, None, "no answer came in time");
        (Duration::from_secs(10), Err(e.unanswered()))
    };
    let path = log_path("unknown");
    let store = Arc::new(Scripted::new(Box::new(move |_| timeout())));
    let queue = Arc::new(RestoreQueue::new(vec![store.clone()], audit(&path), false));
    let restored = queue.restore(request(0), || {}).await;
    assert_eq!(
        restored.outcome,
        Outcome::Restored {
            request_id: None,
            checked: true
        }
    );
    let mut scheduled = Scripted::new(Box::new(move |_| timeout()));
    scheduled.described = Some(now());
    let queue = RestoreQueue::new(vec![Arc::new(scheduled)], audit(&path), false);
    let unknown = queue.restore(request(1), || {}).await;
    assert!(
        matches!(
            &unknown.outcome,
            Outcome::Unknown {
                check: Check::StillScheduled,
                ..
            }
        ),
        "{unknown:?}"
    );
    assert_eq!(
        store.calls.lock().unwrap().len(),
        1,
        "sent once, not retried"
    );
    let lines = lines(&path);
    let outcome = |arn: &str| {
        let mut of = lines.iter().filter(|l| l["arn"] == arn);
        of.next_back().unwrap()["result"].clone()
    };
    let first = outcome(request(0).arn.as_str());
    assert_eq!(first["checked"], "restored", "{first}");
    let second = outcome(request(1).arn.as_str());
    assert_eq!(
        second["checked"], "still scheduled for deletion",
        "{second}"
    );
    assert!(
        second["unknown"]
            .as_str()
            .unwrap()
            .contains("no answer came")
    );
}

/// Throttling is an answer: the call was not acted on, and is tried again
/// under the same sent line.
#[tokio::test(start_paused = true)]
async fn a_throttled_restore_is_tried_again() {
    let path = log_path("throttled");
    let store = Arc::new(Scripted::new(Box::new(|n| {
        let result = if n < 2 {
            Err(StoreError::new(
                ErrorKind::Throttled,
                Some("ThrottlingException"),
                "Rate exceeded",
            ))
        } else {
            ok()
        };
        (Duration::from_millis(5), result)
    })));
    let queue = RestoreQueue::new(vec![store.clone()], audit(&path), false);
    let finished = queue.restore(request(0), || {}).await;
    assert!(matches!(finished.outcome, Outcome::Restored { .. }));
    assert_eq!(store.calls.lock().unwrap().len(), 3);
    assert_eq!(store.describes.load(Ordering::SeqCst), 0);
    let lines = lines(&path);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["result"], "ok");
}

/// Read-only writes nothing: no call, and no audit file.
#[tokio::test(start_paused = true)]
async fn read_only_sends_nothing_and_writes_no_line() {
    let path = log_path("read-only");
    let store = Arc::new(Scripted::new(Box::new(|_| (Duration::ZERO, ok()))));
    // The caller passed a working log; read-only still writes none.
    let queue = RestoreQueue::new(vec![store.clone()], audit(&path), true);
    let _ = std::fs::remove_file(&path);
    let finished = queue.restore(request(0), || {}).await;
    assert!(matches!(finished.outcome, Outcome::Failed(e) if e.kind == ErrorKind::ReadOnly));
    assert_eq!(store.calls.lock().unwrap().len(), 0);
    assert!(!path.exists());
}
