//! Spacing calls to stay under a service quota, so throttling does not
//! happen in the first place (retries are only a backstop).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// CloudTrail allows `LookupEvents` 2 calls per second per account and
/// region; one every 0.6 s keeps clear of the edge.
pub const LOOKUP_EVENTS: Pace = Pace {
    most: 1,
    per: Duration::from_millis(600),
    gap: Duration::from_millis(600),
};

/// RestoreSecret allows 50 calls a second per region, shared with the rest
/// of the account: 40 leaves room, and no two leave closer than 20 ms.
pub const RESTORE_SECRET: Pace = Pace {
    most: 40,
    per: Duration::from_secs(1),
    gap: Duration::from_millis(20),
};

/// At most `most` calls in any window of `per`, and never two closer than
/// `gap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub most: usize,
    pub per: Duration,
    pub gap: Duration,
}

/// Lets calls leave under a `Pace`, in the order they asked. It counts the
/// moments calls actually left, never turns handed out ahead: a caller that
/// waited elsewhere first (for a permit, a retry) cannot use a turn that has
/// passed, so no burst follows a slow spell.
#[derive(Debug)]
pub struct Pacer {
    pace: Pace,
    /// When the calls of the last window left. The lock is held while
    /// waiting, so waiters leave one by one, first come first served.
    left: Mutex<VecDeque<Instant>>,
}

impl Pacer {
    pub fn new(pace: Pace) -> Self {
        Pacer {
            pace,
            left: Mutex::new(VecDeque::with_capacity(pace.most)),
        }
    }

    /// Waits for this call's turn; the call leaves when this returns.
    pub async fn wait(&self) {
        let mut left = self.left.lock().await;
        loop {
            let now = Instant::now();
            while left
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.pace.per)
            {
                left.pop_front();
            }
            let mut at = now;
            if let Some(last) = left.back() {
                at = at.max(*last + self.pace.gap);
            }
            if left.len() >= self.pace.most
                && let Some(first) = left.front()
            {
                at = at.max(*first + self.pace.per);
            }
            if at <= now {
                break;
            }
            tokio::time::sleep_until(at).await;
        }
        left.push_back(Instant::now());
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

    /// The most releases in any window of `per`.
    fn busiest(times: &[Duration], per: Duration) -> usize {
        times
            .iter()
            .map(|t| times.iter().filter(|u| **u >= *t && **u < *t + per).count())
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn lookups_leave_one_interval_apart() {
        let pacer = Arc::new(Pacer::new(LOOKUP_EVENTS));
        let times = released(&pacer, 5).await;
        assert_eq!(times[0], Duration::ZERO, "the first goes at once");
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_millis(600));
        }
        // After a quiet spell the next call goes at once again.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let before = Instant::now();
        pacer.wait().await;
        assert_eq!(Instant::now(), before);
    }

    /// Forty a second, and no closer than the gap, however many wait.
    #[tokio::test(start_paused = true)]
    async fn restores_keep_to_forty_in_every_second() {
        let pacer = Arc::new(Pacer::new(RESTORE_SECRET));
        let times = released(&pacer, 200).await;
        assert_eq!(busiest(&times, Duration::from_secs(1)), 40);
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= RESTORE_SECRET.gap, "{pair:?}");
        }
        // 200 at 40 a second: the last leaves within the fifth second.
        assert!(times[199] < Duration::from_secs(5), "{:?}", times[199]);
    }

    /// Callers that asked long ago, and were held up meanwhile, still keep
    /// to the pace: a turn not taken is gone.
    #[tokio::test(start_paused = true)]
    async fn a_late_caller_cannot_use_a_turn_that_passed() {
        let pacer = Arc::new(Pacer::new(RESTORE_SECRET));
        pacer.wait().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let times = released(&pacer, 80).await;
        assert_eq!(busiest(&times, Duration::from_secs(1)), 40);
    }
}
