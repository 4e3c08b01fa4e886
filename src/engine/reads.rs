//! Who still asks for a deleted secret: `GetSecretValue` calls refused
//! because the secret is scheduled for deletion, read from CloudTrail and
//! counted per secret. In a busy account reads run into the millions, so a
//! lookup is bounded by a horizon and a page budget, and says how far back
//! it got: no claim is made beyond what was read.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::store::{EventQuery, FailedRead, Principal, ReadPage, StoreError};

/// How far back reads are looked for, at most.
pub const HORIZON: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Pages of 50 events a lookup reads at most: 5,000 events, about a minute
/// under CloudTrail's quota.
pub const PAGE_BUDGET: usize = 100;
/// Readers kept per secret, newest first, for the details.
pub const RECENT_READERS: usize = 3;
/// Events arrive minutes late: a later lookup reads this much again, and a
/// read seen twice in it counts once.
const MARGIN: SignedDuration = SignedDuration::from_mins(15);

/// One refused read, for the details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub at: Timestamp,
    pub principal: Arc<Principal>,
    pub source_ip: Option<String>,
}

/// What the refused reads of one secret came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub count: u32,
    /// Newest first, at most `RECENT_READERS`.
    pub recent: Vec<Reader>,
}

impl ReadStats {
    pub fn last(&self) -> Option<&Reader> {
        self.recent.first()
    }

    pub fn add(&mut self, read: &FailedRead) {
        self.count = self.count.saturating_add(1);
        let reader = Reader {
            at: read.event_time,
            principal: Arc::clone(&read.principal),
            source_ip: read.source_ip.clone(),
        };
        let at = self.recent.partition_point(|r| r.at > reader.at);
        self.recent.insert(at, reader);
        self.recent.truncate(RECENT_READERS);
    }
}

/// How a read names its secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretRef<'a> {
    /// Possibly a full ARN: try it as one first.
    Arn(&'a str),
    Name(&'a str),
}

/// A full ARN is itself; a partial ARN (no six-character suffix) and a name
/// are the name. An ARN is tried whole first, since a name may itself end
/// like a suffix.
pub fn names(secret_id: &str) -> (Option<SecretRef<'_>>, SecretRef<'_>) {
    match secret_id.split_once(":secret:") {
        Some((_, name)) if secret_id.starts_with("arn:") => {
            (Some(SecretRef::Arn(secret_id)), SecretRef::Name(name))
        }
        _ => (None, SecretRef::Name(secret_id)),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadPhase {
    /// Not started: dating comes first.
    Idle,
    Reading,
    /// Read back to `checked_since`: to its start, or as far as the budget went.
    Done,
    Failed(StoreError),
}

/// One source's lookups of reads.
#[derive(Debug)]
pub struct ReadLookup {
    pub generation: u64,
    pub phase: ReadPhase,
    /// The running lookup's start, and when it was asked.
    running: Option<(Timestamp, Timestamp)>,
    pages: usize,
    /// Events read by the latest lookup, refused or not.
    pub events: usize,
    /// The oldest event the latest lookup read.
    oldest: Option<Timestamp>,
    /// Every read from `.0` to `.1` has been counted.
    covered: Option<(Timestamp, Timestamp)>,
    /// Reads counted within a margin of the covered end: a later lookup
    /// reads them again.
    recent_ids: HashMap<String, Timestamp>,
}

impl Default for ReadLookup {
    fn default() -> Self {
        ReadLookup {
            generation: 0,
            phase: ReadPhase::Idle,
            running: None,
            pages: 0,
            events: 0,
            oldest: None,
            covered: None,
            recent_ids: HashMap::new(),
        }
    }
}

impl ReadLookup {
    pub fn reading(&self) -> bool {
        self.phase == ReadPhase::Reading
    }

    /// Starts a lookup back to the oldest deletion (no further than the
    /// horizon), or, after one, from a little before where it ended.
    pub fn start(&mut self, oldest_deletion: Timestamp, now: Timestamp) -> Option<EventQuery> {
        if self.reading() {
            return None;
        }
        let mut start = (oldest_deletion - MARGIN).max(now - HORIZON);
        if let Some((from, to)) = self.covered
            && start >= from
        {
            start = (to - MARGIN).max(from);
        }
        self.generation += 1;
        self.phase = ReadPhase::Reading;
        self.running = Some((start, now));
        self.pages = 0;
        self.events = 0;
        self.oldest = None;
        Some(EventQuery {
            start,
            end: None,
            token: None,
        })
    }

    /// Takes in a page's counts; the next page's query, unless the lookup
    /// ended (last page, or the budget spent).
    pub fn page(&mut self, page: &ReadPage) -> Option<EventQuery> {
        self.pages += 1;
        self.events += page.events;
        self.oldest = match (self.oldest, page.oldest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let (start, asked) = self.running?;
        match &page.next_token {
            Some(token) if self.pages < PAGE_BUDGET => Some(EventQuery {
                start,
                end: None,
                token: Some(token.clone()),
            }),
            more => {
                // Spent before the end: only back to the oldest event read.
                let from = match (more, self.oldest) {
                    (Some(_), Some(oldest)) => oldest,
                    _ => start,
                };
                self.finish(from, asked);
                None
            }
        }
    }

    fn finish(&mut self, from: Timestamp, to: Timestamp) {
        self.phase = ReadPhase::Done;
        self.running = None;
        self.covered = Some(match self.covered {
            Some((f, t)) if from <= t => (f.min(from), to.max(t)),
            _ => (from, to),
        });
        // Only reads within the margin can be read again.
        let keep_after = to - MARGIN;
        self.recent_ids.retain(|_, at| *at >= keep_after);
    }

    pub fn failed(&mut self, error: StoreError) {
        self.phase = ReadPhase::Failed(error);
        self.running = None;
    }

    /// Reads are known from this instant on (to when it was asked).
    pub fn checked_since(&self) -> Option<Timestamp> {
        self.covered.map(|(from, _)| from)
    }

    /// `read` counts: it is not one counted already. Only reads within a
    /// margin of a lookup's end are remembered: only they can come again.
    pub fn first_time(&mut self, read: &FailedRead) -> bool {
        let Some(id) = &read.event_id else {
            return true;
        };
        if let Some((_, to)) = self.covered
            && read.event_time >= to - MARGIN
            && self.recent_ids.contains_key(id)
        {
            return false;
        }
        if let Some((_, asked)) = self.running
            && read.event_time >= asked - MARGIN
        {
            self.recent_ids.insert(id.clone(), read.event_time);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn read(at: &str, id: &str) -> FailedRead {
        FailedRead {
            event_time: ts(at),
            event_id: Some(id.into()),
            secret_id: "prod/db".into(),
            principal: Arc::new(Principal::default()),
            source_ip: None,
        }
    }

    #[test]
    fn a_lookup_is_bounded_by_the_horizon_and_the_budget_and_says_how_far_it_got() {
        let now = ts("2026-12-01T12:00:00Z");
        let mut lookup = ReadLookup::default();
        let q = lookup.start(ts("2026-10-01T00:00:00Z"), now).unwrap();
        assert_eq!(q.start, now - HORIZON, "no further back than the horizon");
        let mut next = Some(q);
        let mut pages = 0;
        while let Some(_q) = next {
            pages += 1;
            let page = ReadPage {
                events: 50,
                oldest: Some(now - SignedDuration::from_mins(pages as i64)),
                next_token: Some("more".into()),
                ..ReadPage::default()
            };
            next = lookup.page(&page);
        }
        assert_eq!(pages, PAGE_BUDGET);
        assert_eq!(lookup.events, 50 * PAGE_BUDGET);
        assert_eq!(lookup.phase, ReadPhase::Done);
        // Spent after 100 pages, 100 minutes back: known only that far.
        assert_eq!(
            lookup.checked_since(),
            Some(now - SignedDuration::from_mins(PAGE_BUDGET as i64))
        );
    }

    #[test]
    fn a_read_seen_again_by_a_later_lookup_counts_once() {
        let now = ts("2026-12-01T12:00:00Z");
        let mut lookup = ReadLookup::default();
        lookup.start(ts("2026-11-30T00:00:00Z"), now);
        let r = read("2026-12-01T11:55:00Z", "e-1");
        assert!(lookup.first_time(&r));
        lookup.page(&ReadPage::default());
        let later = ts("2026-12-01T13:00:00Z");
        let q = lookup.start(ts("2026-11-30T00:00:00Z"), later).unwrap();
        assert_eq!(
            q.start,
            now - MARGIN,
            "only since the last lookup, and a margin"
        );
        assert!(!lookup.first_time(&r), "the same event again");
        assert!(lookup.first_time(&read("2026-12-01T11:56:00Z", "e-2")));
    }

    #[test]
    fn a_secret_is_named_by_arn_partial_arn_or_name() {
        let arn = "arn:aws:secretsmanager:eu-west-1:1:secret:prod/db-AbCdEf";
        assert_eq!(
            names(arn),
            (Some(SecretRef::Arn(arn)), SecretRef::Name("prod/db-AbCdEf"))
        );
        let partial = "arn:aws:secretsmanager:eu-west-1:1:secret:prod/db";
        assert_eq!(names(partial).1, SecretRef::Name("prod/db"));
        assert_eq!(names("prod/db"), (None, SecretRef::Name("prod/db")));
    }

    #[test]
    fn stats_keep_the_newest_readers() {
        let mut stats = ReadStats::default();
        for (i, at) in ["10:00", "10:05", "09:00", "10:10"].iter().enumerate() {
            stats.add(&read(&format!("2026-12-01T{at}:00Z"), &i.to_string()));
        }
        assert_eq!(stats.count, 4);
        let times: Vec<Timestamp> = stats.recent.iter().map(|r| r.at).collect();
        assert_eq!(
            times,
            [
                ts("2026-12-01T10:10:00Z"),
                ts("2026-12-01T10:05:00Z"),
                ts("2026-12-01T10:00:00Z")
            ]
        );
    }
}
