//! What CloudTrail has told us about deletions, and the lookup in progress.
//!
//! Events are kept for the whole session: a refresh re-reads only the
//! recent past, and pages of a listing are dated as they arrive.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::purge::{self, Dates, MAX_WINDOW_DAYS};
use crate::store::{Arn, DeletionEvent, EventPage, EventQuery, PendingSecret, StoreError};

/// CloudTrail keeps 90 days of event history.
const HISTORY: SignedDuration = SignedDuration::from_hours(90 * 24);
/// Looked up a little before the oldest deletion, and again over the last
/// stretch of a previous lookup, since events are delivered minutes late.
const MARGIN: SignedDuration = SignedDuration::from_mins(15);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Nothing asked yet.
    Idle,
    Reading {
        pages: usize,
    },
    Done,
    Failed(StoreError),
}

#[derive(Debug)]
pub struct Trail {
    pub generation: u64,
    pub phase: Phase,
    /// The span the running lookup reads: its start, and when it was asked.
    running: Option<(Timestamp, Timestamp)>,
    /// Every event from `.0` to `.1` is known.
    covered: Option<(Timestamp, Timestamp)>,
    /// A listing finished while a lookup ran: look again when it ends.
    again: bool,
    by_arn: HashMap<Arn, Vec<Arc<DeletionEvent>>>,
    /// Events that name no ARN, by name.
    by_name: HashMap<String, Vec<Arc<DeletionEvent>>>,
    /// Lookups overlap; an event is kept once.
    seen: HashSet<(Timestamp, Option<Arn>, Option<String>)>,
    /// Events whose JSON could not be read, for the log and the note.
    pub unreadable: usize,
}

impl Default for Trail {
    fn default() -> Self {
        Trail {
            generation: 0,
            phase: Phase::Idle,
            running: None,
            covered: None,
            again: false,
            by_arn: HashMap::new(),
            by_name: HashMap::new(),
            seen: HashSet::new(),
            unreadable: 0,
        }
    }
}

/// What a page changed: which rows need dating again.
pub enum Touched {
    Arns(Vec<Arn>),
    /// Some event named no ARN: any row could be it.
    All,
}

impl Trail {
    pub fn reading(&self) -> bool {
        matches!(self.phase, Phase::Reading { .. })
    }

    /// Known events that may be about `secret`.
    pub fn candidates<'a>(
        &'a self,
        secret: &'a PendingSecret,
    ) -> impl Iterator<Item = &'a DeletionEvent> {
        let by_arn = self.by_arn.get(&secret.arn).into_iter().flatten();
        let by_name = self.by_name.get(&secret.name).into_iter().flatten();
        by_arn.chain(by_name).map(Arc::as_ref)
    }

    /// The dates of a listed secret, with its CloudTrail event if known.
    pub fn date(&self, secret: &PendingSecret, now: Timestamp) -> Dates {
        let event = purge::pick_event(secret, now, self.candidates(secret));
        purge::read(secret.deleted_date, now, event)
    }

    /// Starts a lookup that covers every undated deletion in `undated`
    /// (their `DeletedDate`s), unless one is running; then it runs again
    /// after. `None` when there is nothing to look up.
    pub fn start(
        &mut self,
        undated: impl Iterator<Item = Timestamp>,
        now: Timestamp,
    ) -> Option<EventQuery> {
        if self.reading() {
            self.again = true;
            return None;
        }
        // An emulator's future date is the purge: the call came up to 30 days before.
        let window = SignedDuration::from_hours(MAX_WINDOW_DAYS * 24);
        let oldest = undated
            .map(|d| if d > now { d - window } else { d })
            .min()?;
        let mut start = (oldest - MARGIN).max(now - HISTORY);
        if let Some((from, to)) = self.covered
            && start >= from
        {
            start = (to - MARGIN).max(from);
        }
        self.generation += 1;
        self.phase = Phase::Reading { pages: 0 };
        self.running = Some((start, now));
        self.again = false;
        Some(EventQuery {
            start,
            end: None,
            token: None,
        })
    }

    /// Takes in a page of the current lookup. Returns the next page's query,
    /// if any, and which rows it may date.
    pub fn page(&mut self, page: EventPage) -> (Option<EventQuery>, Touched) {
        let mut arns = Vec::new();
        let mut all = false;
        self.unreadable += page.unreadable;
        for event in page.events {
            let key = (event.event_time, event.arn.clone(), event.name.clone());
            if !self.seen.insert(key) {
                continue;
            }
            let event = Arc::new(event);
            match (&event.arn, &event.name) {
                (Some(arn), _) => {
                    arns.push(arn.clone());
                    self.by_arn.entry(arn.clone()).or_default().push(event);
                }
                (None, Some(name)) => {
                    all = true;
                    self.by_name.entry(name.clone()).or_default().push(event);
                }
                (None, None) => {}
            }
        }
        let touched = if all {
            Touched::All
        } else {
            Touched::Arns(arns)
        };
        let Phase::Reading { pages } = &mut self.phase else {
            return (None, touched);
        };
        *pages += 1;
        match (page.next_token, self.running) {
            (Some(token), Some((start, _))) => (
                Some(EventQuery {
                    start,
                    end: None,
                    token: Some(token),
                }),
                touched,
            ),
            _ => {
                self.finish();
                (None, touched)
            }
        }
    }

    fn finish(&mut self) {
        self.phase = Phase::Done;
        if let Some((start, asked)) = self.running.take() {
            self.covered = Some(match self.covered {
                Some((from, to)) if start <= to => (from.min(start), asked.max(to)),
                _ => (start, asked),
            });
        }
    }

    pub fn failed(&mut self, error: StoreError) {
        self.phase = Phase::Failed(error);
        self.running = None;
        self.again = false;
    }

    /// A listing ended while the lookup ran; it asked to be run again.
    pub fn take_again(&mut self) -> bool {
        std::mem::take(&mut self.again)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_lookup_starts_before_the_oldest_deletion_and_a_second_reads_only_what_is_new() {
        let now = ts("2026-11-29T12:00:00Z");
        let mut trail = Trail::default();
        let dates = [ts("2026-11-20T10:00:00Z"), ts("2026-11-28T10:00:00Z")];
        let q = trail.start(dates.into_iter(), now).unwrap();
        assert_eq!(q.start, ts("2026-11-20T09:45:00Z"));
        assert_eq!(trail.start(dates.into_iter(), now), None, "one at a time");
        let (next, _) = trail.page(EventPage::default());
        assert_eq!(next, None);
        assert!(trail.take_again());

        let later = ts("2026-11-29T13:00:00Z");
        let q = trail.start(dates.into_iter(), later).unwrap();
        assert_eq!(
            q.start,
            ts("2026-11-29T11:45:00Z"),
            "only since the last lookup"
        );
        assert_eq!(trail.start(std::iter::empty(), later), None);
    }

    #[test]
    fn a_lookup_never_reaches_past_cloudtrails_history() {
        let now = ts("2026-11-29T12:00:00Z");
        let mut trail = Trail::default();
        let q = trail
            .start([ts("2026-01-01T00:00:00Z")].into_iter(), now)
            .unwrap();
        assert_eq!(q.start, now - HISTORY);
    }
}
