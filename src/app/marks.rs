//! Marks, and restoring many secrets at once: what the operator confirms,
//! and the running totals of a batch.

use std::collections::{BTreeMap, HashSet};

use crate::engine::restore::Outcome;
use crate::store::Arn;

use super::Target;

/// At this many secrets, `y` is not enough: the operator types the count.
pub const TYPE_THE_COUNT: usize = 10;

/// Marked secrets, by ARN: they survive filters, refreshes and new pages.
#[derive(Debug, Default)]
pub struct Marks(HashSet<Arn>);

impl Marks {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, arn: &Arn) -> bool {
        self.0.contains(arn)
    }

    pub fn toggle(&mut self, arn: &Arn) {
        if !self.0.remove(arn) {
            self.0.insert(arn.clone());
        }
    }

    pub fn insert(&mut self, arn: Arn) {
        self.0.insert(arn);
    }

    pub fn remove(&mut self, arn: &Arn) -> bool {
        self.0.remove(arn)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Drops the marks of secrets no longer listed; how many.
    pub fn keep_only(&mut self, listed: impl Fn(&Arn) -> bool) -> usize {
        let before = self.0.len();
        self.0.retain(|arn| listed(arn));
        before - self.0.len()
    }
}

/// A restore of several secrets, waiting for the operator's word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulk {
    pub targets: Vec<Target>,
    /// What the operator typed: for 10 or more, the count itself.
    pub typed: String,
    /// The first name shown in the list of names.
    pub scroll: usize,
}

impl Bulk {
    /// `y` or Enter is enough below 10; from 10 on, the typed count is.
    pub fn confirmed(&self) -> bool {
        self.targets.len() < TYPE_THE_COUNT || self.typed == self.targets.len().to_string()
    }
}

/// The running totals of restores sent together.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Which batch: a restore's outcome counts only in its own.
    pub id: u64,
    pub total: usize,
    pub restored: usize,
    /// Error codes (or kinds) of the failures, in order.
    pub failed: Vec<String>,
    /// Sent, and no answer came that settled it.
    pub unknown: usize,
    /// Restored, known only from DescribeSecret after no answer came.
    pub checked: usize,
}

impl Batch {
    /// A new batch, numbered after `previous`.
    pub fn after(previous: &Batch) -> Batch {
        Batch {
            id: previous.id + 1,
            ..Batch::default()
        }
    }

    pub fn done(&self) -> usize {
        self.restored + self.failed.len() + self.unknown
    }

    pub fn running(&self) -> bool {
        self.total > 0 && self.done() < self.total
    }

    pub fn all_restored(&self) -> bool {
        self.restored == self.total
    }

    pub fn record(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Restored { checked, .. } => {
                self.restored += 1;
                self.checked += usize::from(*checked);
            }
            Outcome::Failed(e) => self.failed.push(e.label()),
            Outcome::Unknown { .. } => self.unknown += 1,
        }
    }

    /// "Restoring: 12 of 40 done · 1 failed", or at the end
    /// "Restored 37 of 40 · 3 failed: AccessDeniedException ×2, …".
    pub fn summary(&self) -> String {
        self.summary_stopped(None)
    }

    /// The summary, ending with why restores stopped when they have: then
    /// `r` retries nothing.
    pub fn summary_stopped(&self, stopped: Option<&str>) -> String {
        let failed = self.failed.len();
        if self.running() {
            let mut text = format!("Restoring: {} of {} done", self.done(), self.total);
            if failed > 0 {
                text.push_str(&format!(" · {failed} failed"));
            }
            if self.unknown > 0 {
                text.push_str(&format!(" · {} unknown", self.unknown));
            }
            return text;
        }
        let mut text = format!("Restored {} of {}", self.restored, self.total);
        if self.checked > 0 {
            text.push_str(&format!(
                " ({} with no answer: DescribeSecret shows them restored)",
                self.checked
            ));
        }
        if failed > 0 {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for code in &self.failed {
                *counts.entry(code).or_default() += 1;
            }
            let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let each: Vec<String> = counts.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
            text.push_str(&format!(" · {failed} failed: {}", each.join(", ")));
        }
        if self.unknown > 0 {
            text.push_str(&format!(
                " · {} unknown: no answer came, and DescribeSecret did not show them restored",
                self.unknown
            ));
        }
        match stopped {
            Some(why) => text.push_str(&format!(" · {why}")),
            None if failed + self.unknown > 0 => text.push_str(" (still marked: r retries them)"),
            None => {}
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::restore::Check;
    use crate::store::{ErrorKind, StoreError};

    #[test]
    fn the_summary_counts_failures_by_code() {
        let mut batch = Batch {
            total: 5,
            ..Batch::default()
        };
        let denied = || {
            Outcome::Failed(StoreError::new(
                ErrorKind::AccessDenied,
                Some("AccessDeniedException"),
                "no",
            ))
        };
        let restored = Outcome::Restored {
            request_id: None,
            checked: false,
        };
        batch.record(&restored);
        batch.record(&denied());
        assert_eq!(batch.summary(), "Restoring: 2 of 5 done · 1 failed");
        batch.record(&restored);
        batch.record(&denied());
        let unanswered = StoreError::new(ErrorKind::Unreachable, None, "gone").unanswered();
        batch.record(&Outcome::Unknown {
            error: unanswered,
            check: Check::StillScheduled,
        });
        assert!(!batch.running());
        assert_eq!(
            batch.summary(),
            "Restored 2 of 5 · 2 failed: AccessDeniedException ×2 · 1 unknown: no answer \
             came, and DescribeSecret did not show them restored (still marked: r retries them)"
        );
    }
}
