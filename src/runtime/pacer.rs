//! Spacing calls to stay under a service quota, so throttling does not
//! happen in the first place (the SDK's retries are only a backstop).

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// CloudTrail allows `LookupEvents` 2 calls per second per account and
/// region; a little slower keeps clear of the edge.
pub const LOOKUP_EVENTS: Duration = Duration::from_millis(600);

/// RestoreSecret allows 50 calls a second per region, shared with the rest
/// of the account: 40 leaves room.
pub const RESTORE_SECRET: Duration = Duration::from_millis(25);

/// Lets one call leave every `interval`, in the order they asked.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn new(interval: Duration) -> Self {
        Pacer {
            interval,
            next: Mutex::new(None),
        }
    }

    /// Waits for this call's turn.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn calls_leave_one_interval_apart() {
        let pacer = std::sync::Arc::new(Pacer::new(LOOKUP_EVENTS));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..5 {
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
}
