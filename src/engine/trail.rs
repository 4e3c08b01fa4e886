//! What CloudTrail has told us about deletions, and the lookup in progress.
//!
//! An event that dates a listed row lives on in that row's dates. Events
//! kept here are those no listed row has used yet: for secrets a later page
//! or refresh will list, deletions newer than the listing, and events that
//! name no ARN. So memory follows what is still unknown, not the history.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::purge::{self, Dates, MAX_WINDOW_DAYS};
use crate::store::{
    Arn, DeletionEvent, EventPage, EventQuery, PendingSecret, Principal, StoreError,
};

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
    /// Every event from `.0` to `.1` has been read.
    covered: Option<(Timestamp, Timestamp)>,
    /// A listing finished while a lookup ran: look again when it ends.
    again: bool,
    /// Events not used yet, by ARN.
    by_arn: HashMap<Arn, Vec<DeletionEvent>>,
    /// Events that name no ARN, by name.
    by_name: HashMap<String, Vec<DeletionEvent>>,
    /// One copy of each principal, shared by every row it deleted.
    principals: HashSet<Arc<Principal>>,
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
            principals: HashSet::new(),
            unreadable: 0,
        }
    }
}

impl Trail {
    pub fn reading(&self) -> bool {
        matches!(self.phase, Phase::Reading { .. })
    }

    /// Kept events that may be about `secret`.
    fn candidates<'a>(
        &'a self,
        secret: &'a PendingSecret,
    ) -> impl Iterator<Item = &'a DeletionEvent> {
        let by_arn = self.by_arn.get(&secret.arn).into_iter().flatten();
        let by_name = self.by_name.get(&secret.name).into_iter().flatten();
        by_arn.chain(by_name)
    }

    /// The dates of a listed secret, from its kept event if there is one;
    /// the event is then the row's and is no longer kept here.
    pub fn date(&mut self, secret: &PendingSecret, now: Timestamp) -> Dates {
        let Some(event) = purge::pick_event(secret, now, self.candidates(secret)).cloned() else {
            return purge::read(secret.deleted_date, now, None);
        };
        let dates = purge::read(secret.deleted_date, now, Some(&event));
        let key = event.arn.clone();
        let name = event.name.clone();
        let drop_from = |events: &mut Vec<DeletionEvent>| events.retain(|e| *e != event);
        match (key, name) {
            (Some(arn), _) => {
                if let Some(events) = self.by_arn.get_mut(&arn) {
                    drop_from(events);
                    if events.is_empty() {
                        self.by_arn.remove(&arn);
                    }
                }
            }
            (None, Some(name)) => {
                if let Some(events) = self.by_name.get_mut(&name) {
                    drop_from(events);
                    if events.is_empty() {
                        self.by_name.remove(&name);
                    }
                }
            }
            (None, None) => {}
        }
        dates
    }

    /// Keeps an event no listed row could use yet.
    pub fn keep(&mut self, event: DeletionEvent) {
        let (arn, name) = (event.arn.clone(), event.name.clone());
        let events = match (arn, name) {
            (Some(arn), _) => self.by_arn.entry(arn).or_default(),
            (None, Some(name)) => self.by_name.entry(name).or_default(),
            (None, None) => return,
        };
        // Lookups overlap: the same event may come twice.
        if !events.contains(&event) {
            events.push(event);
        }
    }

    /// One shared copy of a principal.
    fn intern(&mut self, principal: Arc<Principal>) -> Arc<Principal> {
        match self.principals.get(&principal) {
            Some(shared) => Arc::clone(shared),
            None => {
                self.principals.insert(Arc::clone(&principal));
                principal
            }
        }
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

    /// Takes in a page of the current lookup: the next page's query, if
    /// any, and the page's events for the caller to date rows with (or to
    /// `keep`).
    pub fn page(&mut self, page: EventPage) -> (Option<EventQuery>, Vec<DeletionEvent>) {
        self.unreadable += page.unreadable;
        let events = page
            .events
            .into_iter()
            .map(|mut e| {
                e.principal = self.intern(e.principal);
                e
            })
            .collect();
        let Phase::Reading { pages } = &mut self.phase else {
            return (None, events);
        };
        *pages += 1;
        match (page.next_token, self.running) {
            (Some(token), Some((start, _))) => (
                Some(EventQuery {
                    start,
                    end: None,
                    token: Some(token),
                }),
                events,
            ),
            _ => {
                self.finish();
                (None, events)
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

    /// Dates the listed rows a page of events is about: an event that names
    /// a listed ARN dates it (the best of several, by `pick_event`); one that
    /// names no ARN may date any undated row of its name (`undated` gives
    /// them, leaving out the rows just dated); the rest are kept for later
    /// listings. The new dates, by ARN.
    pub fn date_page<'a>(
        &mut self,
        events: Vec<DeletionEvent>,
        now: Timestamp,
        listed: impl Fn(&Arn) -> Option<&'a PendingSecret>,
        undated: impl FnOnce(&dyn Fn(&Arn) -> bool) -> Vec<PendingSecret>,
    ) -> Vec<(Arn, Dates)> {
        let mut by_row: HashMap<Arn, Vec<DeletionEvent>> = HashMap::new();
        let mut unnamed = false;
        for event in events {
            let secret = event.arn.as_ref().and_then(&listed);
            match secret {
                Some(secret) if purge::pick_event(secret, now, [&event]).is_some() => {
                    by_row.entry(secret.arn.clone()).or_default().push(event);
                }
                // An earlier deletion of a listed secret will never date it.
                Some(secret) if event.event_time < secret.deleted_date => {}
                _ => {
                    unnamed |= event.arn.is_none();
                    self.keep(event);
                }
            }
        }
        let mut changes = Vec::with_capacity(by_row.len());
        for (arn, events) in &by_row {
            let Some(secret) = listed(arn) else {
                continue;
            };
            if let Some(event) = purge::pick_event(secret, now, events) {
                let dates = purge::read(secret.deleted_date, now, Some(event));
                changes.push((arn.clone(), dates));
            }
        }
        if unnamed {
            for secret in undated(&|arn| by_row.contains_key(arn)) {
                let dates = self.date(&secret, now);
                changes.push((secret.arn, dates));
            }
        }
        changes
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
