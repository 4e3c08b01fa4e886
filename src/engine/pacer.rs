//! Spacing calls to stay under a service quota, so throttling does not
//! happen in the first place (retries are only a backstop).

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// CloudTrail allows `LookupEvents` 2 calls per second per account and
/// region; a little slower keeps clear of the edge.
pub const LOOKUP_EVENTS: Duration = Duration::from_millis(600);

/// RestoreSecret allows 50 calls a second per region, shared with the rest
/// of the account: 40 leaves room.
pub const RESTORE_SECRET: Duration = Duration::from_millis(25);

/// Lets one call leave every `interval`, in the order they asked. The
/// interval runs from the moment the previous call was let go, never from
/// when it asked: a caller that waited elsewhere first (for a permit, a
/// retry) cannot use a turn that has already passed, so no burst follows a
/// slow spell.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    /// When the next call may leave. The lock is held while waiting for it,
    /// so waiters leave one by one, first come first served.
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn new(interval: Duration) -> Self {
        Pacer {
            interval,
            next: Mutex::new(None),
        }
    }

    /// Waits for this call's turn; the call leaves when this returns.
    pub async fn wait(&self) {
        let mut next = self.next.lock().await;
        if let Some(at) = *next {
            tokio::time::sleep_until(at).await;
        }
        *next = Some(Instant::now() + self.interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    async fn released(pacer: &Arc<Pacer>, n: usize) -> Vec<Duration> {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..n {
            let pacer = pacer.clone();
            tasks.push(tokio::spawn(async move {
                pacer.wait().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap() - start);
        }
        times.sort();
        times
    }

    #[tokio::test(start_paused = true)]
    async fn calls_leave_one_interval_apart() {
        let pacer = Arc::new(Pacer::new(LOOKUP_EVENTS));
        let times = released(&pacer, 5).await;
        assert_eq!(times[0], Duration::ZERO, "the first goes at once");
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], LOOKUP_EVENTS);
        }
        // After a quiet spell the next call goes at once again.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let before = Instant::now();
        pacer.wait().await;
        assert_eq!(Instant::now(), before);
    }

    /// Callers that asked long ago, and were held up meanwhile, still leave
    /// one interval apart: a turn not taken is gone.
    #[tokio::test(start_paused = true)]
    async fn a_late_caller_cannot_use_a_turn_that_passed() {
        let pacer = Arc::new(Pacer::new(RESTORE_SECRET));
        pacer.wait().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let times = released(&pacer, 80).await;
        let in_first_second = times
            .iter()
            .filter(|t| **t < Duration::from_secs(1))
            .count();
        assert_eq!(in_first_second, 40);
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= RESTORE_SECRET, "{pair:?}");
        }
    }
}
