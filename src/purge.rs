//! What is known of a secret's purge, and how pressing it is.
//!
//! On AWS a listing's `DeletedDate` is when `DeleteSecret` was called, not
//! the purge. The recovery window (7..=30 days) is returned by nothing after
//! that call, so a listing alone only bounds the purge to a window. The
//! `DeleteSecret` event in CloudTrail carries the exact date. Emulators put
//! the purge date in `DeletedDate`; a request time cannot lie in the future,
//! so a future one is read as the scheduled purge.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::store::{DeletionEvent, PendingSecret, Principal};

pub const MIN_WINDOW_DAYS: i64 = 7;
pub const MAX_WINDOW_DAYS: i64 = 30;

/// A `DeletedDate` this far ahead of our clock is still clock skew, not an
/// emulator's purge date.
const SKEW: SignedDuration = SignedDuration::from_mins(5);

/// How far an event's time may be from `DeletedDate` and still be the same
/// `DeleteSecret` call (both are stamped by the service in one request).
const SAME_CALL: SignedDuration = SignedDuration::from_mins(15);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// From the `DeleteSecret` event in CloudTrail.
    Exact(Timestamp),
    /// A `DeletedDate` in the future: an emulator's scheduled purge.
    Scheduled(Timestamp),
    /// From the 7..=30-day rule: the purge lies 7 to 30 days after the
    /// delete was asked (`deleted`). One stamp, not two: at 100,000 rows
    /// the row's size counts.
    Window { deleted: Timestamp },
}

impl Purge {
    pub fn earliest(self) -> Timestamp {
        match self {
            Purge::Exact(t) | Purge::Scheduled(t) => t,
            Purge::Window { deleted } => days_after(deleted, MIN_WINDOW_DAYS),
        }
    }

    pub fn latest(self) -> Timestamp {
        match self {
            Purge::Exact(t) | Purge::Scheduled(t) => t,
            Purge::Window { deleted } => days_after(deleted, MAX_WINDOW_DAYS),
        }
    }

    pub fn is_window(self) -> bool {
        matches!(self, Purge::Window { .. })
    }

    /// Where the date comes from, in the operator's words.
    pub fn source(self) -> &'static str {
        match self {
            Purge::Exact(_) => "from CloudTrail",
            Purge::Scheduled(_) => "as scheduled by the endpoint",
            Purge::Window { .. } => "estimated: recovery windows are 7 to 30 days",
        }
    }
}

/// Everything known about one pending deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dates {
    /// When `DeleteSecret` was called; unknown for an emulator's future date
    /// without an event.
    pub deleted_at: Option<Timestamp>,
    /// Who called it, from CloudTrail.
    pub deleted_by: Option<Arc<Principal>>,
    pub purge: Purge,
}

impl Dates {
    /// CloudTrail told us about this deletion.
    pub fn from_cloudtrail(&self) -> bool {
        self.deleted_by.is_some()
    }

    /// The CloudTrail event these dates were read from, rebuilt, so a row
    /// that leaves the list can be dated again if it comes back.
    pub fn as_event(&self, secret: &PendingSecret) -> Option<DeletionEvent> {
        let principal = self.deleted_by.clone()?;
        Some(DeletionEvent {
            event_time: self.deleted_at?,
            arn: Some(secret.arn.clone()),
            name: Some(secret.name.clone()),
            deletion_date: match self.purge {
                Purge::Exact(t) | Purge::Scheduled(t) => Some(t),
                Purge::Window { .. } => None,
            },
            recovery_window_days: None,
            forced: false,
            principal,
            source_ip: None,
            user_agent: None,
        })
    }
}

/// Reads a listing entry, with the matching CloudTrail event if one is known.
pub fn read(deleted_date: Timestamp, now: Timestamp, event: Option<&DeletionEvent>) -> Dates {
    let scheduled = is_scheduled(deleted_date, now);
    let Some(event) = event else {
        return Dates {
            deleted_at: (!scheduled).then_some(deleted_date),
            deleted_by: None,
            purge: if scheduled {
                Purge::Scheduled(deleted_date)
            } else {
                window(deleted_date)
            },
        };
    };
    let purge = if scheduled {
        // The endpoint's own purge date is the truth it will act on.
        Purge::Scheduled(deleted_date)
    } else if let Some(date) = event.deletion_date {
        Purge::Exact(date)
    } else if let Some(days) = event
        .recovery_window_days
        .filter(|d| (MIN_WINDOW_DAYS..=MAX_WINDOW_DAYS).contains(d))
    {
        deleted_date
            .checked_add(SignedDuration::from_hours(days * 24))
            .map_or_else(|_| window(deleted_date), Purge::Exact)
    } else {
        window(deleted_date)
    };
    Dates {
        deleted_at: Some(if scheduled {
            event.event_time
        } else {
            deleted_date
        }),
        deleted_by: Some(event.principal.clone()),
        purge,
    }
}

fn is_scheduled(deleted_date: Timestamp, now: Timestamp) -> bool {
    deleted_date.duration_since(now) > SKEW
}

fn window(deleted: Timestamp) -> Purge {
    Purge::Window { deleted }
}

fn days_after(t: Timestamp, days: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_hours(days * 24))
        .unwrap_or(t)
}

/// The event that recorded this secret's current deletion, among events for
/// its ARN (or its name, when an event names no ARN). A secret deleted,
/// restored and deleted again has several: the one nearest its
/// `DeletedDate` counts, and only if it is that same call, so an old event
/// never dates a new deletion. An event that names the ARN always beats one
/// that only names the name: another secret of that name may have been
/// deleted at about the same time.
pub fn pick_event<'a>(
    secret: &PendingSecret,
    now: Timestamp,
    candidates: impl IntoIterator<Item = &'a DeletionEvent>,
) -> Option<&'a DeletionEvent> {
    let scheduled = is_scheduled(secret.deleted_date, now);
    candidates
        .into_iter()
        .filter(|e| !e.forced)
        .filter_map(|e| {
            let by_name = match &e.arn {
                Some(arn) if *arn == secret.arn => false,
                None if e.name.as_deref() == Some(secret.name.as_str()) => true,
                _ => return None,
            };
            // For an emulator's future date, compare purge with purge.
            let at = if scheduled {
                e.deletion_date?
            } else {
                e.event_time
            };
            let off = at.duration_since(secret.deleted_date).abs();
            (off <= SAME_CALL).then_some((by_name, off, e))
        })
        .min_by_key(|(by_name, off, e)| (*by_name, *off, e.event_time))
        .map(|(_, _, e)| e)
}

/// How pressing a purge is, for colour: by the earliest possible purge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    /// Under 24 hours left.
    Imminent,
    /// Under 72 hours left.
    Soon,
    Later,
}

pub fn urgency(purge: Purge, now: Timestamp) -> Urgency {
    let left = purge.earliest().duration_since(now);
    let hours = left.as_secs() / 3600;
    if left <= SignedDuration::ZERO {
        Urgency::Overdue
    } else if hours < 24 {
        Urgency::Imminent
    } else if hours < 72 {
        Urgency::Soon
    } else {
        Urgency::Later
    }
}

/// Time left, exact or as a lower bound: "6d 4h", "≥6d 4h", "any moment"
/// (the earliest possible purge has passed) or "overdue" (even the latest
/// has: AWS purges late, so it may still be restorable).
pub fn time_left(purge: Purge, now: Timestamp) -> String {
    let earliest = purge.earliest().duration_since(now);
    let latest = purge.latest().duration_since(now);
    if latest <= SignedDuration::ZERO {
        "overdue".to_owned()
    } else if earliest <= SignedDuration::ZERO {
        "any moment".to_owned()
    } else if purge.is_window() {
        format!("≥{}", span(earliest))
    } else {
        span(earliest)
    }
}

/// "6d 4h", "3h 12m", "42m" or "<1m" for a positive duration.
pub fn span(left: SignedDuration) -> String {
    let minutes = left.as_secs().max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins}m")
    } else if mins > 0 {
        format!("{mins}m")
    } else {
        "<1m".to_owned()
    }
}

/// The next instant after `now` at which `time_left` or `urgency` reads
/// differently, so the screen can wake exactly then and not before.
pub fn next_change(purge: Purge, now: Timestamp) -> Option<Timestamp> {
    const HOUR: i128 = 3_600_000;
    [purge.earliest(), purge.latest()]
        .into_iter()
        .filter_map(|edge| {
            let left = edge.duration_since(now).as_millis();
            if left <= 0 {
                return None;
            }
            // Whole hours above a day, whole minutes below; the text changes
            // once `left` drops below the unit it shows, or below 72 h / 24 h.
            let unit = if left >= 24 * HOUR { HOUR } else { 60_000 };
            let mut step = left % unit;
            for threshold in [72 * HOUR, 24 * HOUR] {
                if left > threshold {
                    step = step.min(left - threshold);
                }
            }
            let step = i64::try_from(step + 1).ok()?;
            now.checked_add(SignedDuration::from_millis(step)).ok()
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Arn;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const NOW: &str = "2026-11-29T12:00:00Z";

    fn event(time: &str, deletion: Option<&str>, days: Option<i64>) -> DeletionEvent {
        DeletionEvent {
            event_time: ts(time),
            arn: Some(Arn::new(
                "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf",
            )),
            name: Some("db".into()),
            deletion_date: deletion.map(ts),
            recovery_window_days: days,
            forced: false,
            principal: Arc::new(Principal {
                kind: Some("IAMUser".into()),
                arn: Some("arn:aws:iam::1:user/alice".into()),
                short: Some("alice".into()),
            }),
            source_ip: None,
            user_agent: None,
        }
    }

    fn secret(deleted: &str) -> PendingSecret {
        PendingSecret {
            arn: Arn::new("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf"),
            name: "db".into(),
            description: None,
            deleted_date: ts(deleted),
            last_accessed: None,
        }
    }

    #[test]
    fn a_past_deleted_date_gives_a_seven_to_thirty_day_window() {
        let d = read(ts("2026-11-20T10:00:00Z"), ts(NOW), None);
        assert_eq!(d.purge.earliest(), ts("2026-11-27T10:00:00Z"));
        assert_eq!(d.purge.latest(), ts("2026-12-20T10:00:00Z"));
        assert!(d.purge.is_window());
        assert_eq!(d.deleted_at, Some(ts("2026-11-20T10:00:00Z")));
        assert_eq!(d.deleted_by, None);
    }

    #[test]
    fn a_future_deleted_date_is_the_scheduled_purge() {
        let d = read(ts("2026-12-06T10:00:00Z"), ts(NOW), None);
        assert_eq!(d.purge, Purge::Scheduled(ts("2026-12-06T10:00:00Z")));
        assert_eq!(d.deleted_at, None, "the request time is unknown");
        // A few minutes of clock skew is still a request time.
        let d = read(ts("2026-11-29T12:02:00Z"), ts(NOW), None);
        assert!(d.purge.is_window());
    }

    #[test]
    fn a_cloudtrail_date_wins() {
        let e = event(
            "2026-11-20T10:00:01Z",
            Some("2026-11-27T10:00:01Z"),
            Some(7),
        );
        let d = read(ts("2026-11-20T10:00:00Z"), ts(NOW), Some(&e));
        assert_eq!(d.purge, Purge::Exact(ts("2026-11-27T10:00:01Z")));
        assert_eq!(d.deleted_by.unwrap().short.as_deref(), Some("alice"));
    }

    #[test]
    fn an_unparseable_deletion_date_falls_back_to_the_window_in_the_request() {
        let e = event("2026-11-20T10:00:01Z", None, Some(10));
        let d = read(ts("2026-11-20T10:00:00Z"), ts(NOW), Some(&e));
        assert_eq!(d.purge, Purge::Exact(ts("2026-11-30T10:00:00Z")));
    }

    #[test]
    fn with_neither_date_nor_window_the_purge_stays_a_window() {
        let e = event("2026-11-20T10:00:01Z", None, None);
        let d = read(ts("2026-11-20T10:00:00Z"), ts(NOW), Some(&e));
        assert!(d.purge.is_window());
        assert!(d.from_cloudtrail(), "who deleted it is still known");
    }

    #[test]
    fn a_double_deletion_picks_the_event_of_the_current_deletion() {
        let s = secret("2026-11-25T09:00:00Z");
        let old = event("2026-11-01T08:00:00Z", Some("2026-12-01T08:00:00Z"), None);
        let current = event("2026-11-25T09:00:02Z", Some("2026-12-02T09:00:02Z"), None);
        let picked = pick_event(&s, ts(NOW), [&old, &current]).unwrap();
        assert_eq!(picked, &current);
        // Before CloudTrail delivers the new event, the old one must not date it.
        assert_eq!(pick_event(&s, ts(NOW), [&old]), None);
    }

    #[test]
    fn events_match_by_arn_first_then_by_name() {
        let s = secret("2026-11-25T09:00:00Z");
        let mut other = event("2026-11-25T09:00:00Z", None, Some(7));
        other.arn = Some(Arn::new(
            "arn:aws:secretsmanager:us-east-1:1:secret:db-XyZxYz",
        ));
        assert_eq!(
            pick_event(&s, ts(NOW), [&other]),
            None,
            "same name, other secret"
        );
        let mut by_name = event("2026-11-25T09:00:00Z", None, Some(7));
        by_name.arn = None;
        assert!(pick_event(&s, ts(NOW), [&by_name]).is_some());
        let mut forced = event("2026-11-25T09:00:00Z", None, None);
        forced.forced = true;
        assert_eq!(pick_event(&s, ts(NOW), [&forced]), None);
        // A name match nearer the DeletedDate still loses to the ARN's own.
        let mut nearer = event("2026-11-25T09:00:00Z", None, Some(30));
        nearer.arn = None;
        let own = event("2026-11-25T09:04:00Z", None, Some(7));
        let picked = pick_event(&s, ts(NOW), [&nearer, &own]).unwrap();
        assert_eq!(picked, &own);
        let picked = pick_event(&s, ts(NOW), [&own, &nearer]).unwrap();
        assert_eq!(picked, &own);
    }

    #[test]
    fn time_left_is_exact_or_a_bound_and_never_overdue_early() {
        let now = ts(NOW);
        let exact = |s| time_left(Purge::Exact(ts(s)), now);
        assert_eq!(exact("2026-12-05T16:30:00Z"), "6d 4h");
        assert_eq!(exact("2026-11-29T15:12:59Z"), "3h 12m");
        assert_eq!(exact("2026-11-29T12:42:00Z"), "42m");
        assert_eq!(exact("2026-11-29T12:00:30Z"), "<1m");
        assert_eq!(exact("2026-11-29T12:00:00Z"), "overdue");
        // A window named by its two ends, which are always 23 days apart.
        let window = |a, b| {
            let deleted = ts(a) - SignedDuration::from_hours(7 * 24);
            assert_eq!(Purge::Window { deleted }.latest(), ts(b));
            time_left(Purge::Window { deleted }, now)
        };
        assert_eq!(
            window("2026-12-05T16:30:00Z", "2026-12-28T16:30:00Z"),
            "≥6d 4h"
        );
        assert_eq!(
            window("2026-11-28T16:30:00Z", "2026-12-21T16:30:00Z"),
            "any moment"
        );
        assert_eq!(
            window("2026-11-05T16:30:00Z", "2026-11-28T16:30:00Z"),
            "overdue"
        );
    }

    #[test]
    fn urgency_follows_the_earliest_possible_purge() {
        let now = ts(NOW);
        let h = |n: i64| now + SignedDuration::from_hours(n);
        let w = |a: i64| Purge::Window {
            deleted: h(a - 7 * 24),
        };
        assert_eq!(urgency(w(-1), now), Urgency::Overdue);
        assert_eq!(urgency(w(23), now), Urgency::Imminent);
        assert_eq!(urgency(w(24), now), Urgency::Soon);
        assert_eq!(urgency(w(71), now), Urgency::Soon);
        assert_eq!(urgency(w(72), now), Urgency::Later);
        assert_eq!(urgency(Purge::Exact(now), now), Urgency::Overdue);
    }

    #[test]
    fn the_next_change_is_when_the_text_or_colour_changes() {
        let now = ts(NOW);
        let secs = |n: i64| SignedDuration::from_secs(n);
        let wake = |p: Purge| next_change(p, now).map(|t| t.duration_since(now).as_millis());
        // "3h 12m" for 30 more seconds, then "3h 11m".
        let p = Purge::Exact(now + secs(3 * 3600 + 12 * 60 + 30));
        assert_eq!(wake(p), Some(30_001));
        assert_eq!(time_left(p, now + secs(30)), "3h 12m");
        assert_eq!(
            time_left(p, now + SignedDuration::from_millis(30_001)),
            "3h 11m"
        );
        // Above a day the text shows hours, so it changes once an hour.
        let p = Purge::Exact(now + secs(6 * 86_400 + 4 * 3600 + 1));
        assert_eq!(wake(p), Some(1_001));
        let p = Purge::Exact(now + secs(6 * 86_400 + 3 * 3600 + 59 * 60));
        assert_eq!(wake(p), Some(3_540_001));
        // Turning yellow at 72 h and red at 24 h.
        let p = Purge::Exact(now + SignedDuration::from_hours(72) + SignedDuration::from_mins(20));
        assert_eq!(wake(p), Some(1_200_001));
        let before = urgency(p, now + SignedDuration::from_mins(20));
        let after = urgency(p, now + SignedDuration::from_millis(1_200_001));
        assert_eq!((before, after), (Urgency::Later, Urgency::Soon));
        // Past: nothing more to count down.
        assert_eq!(
            wake(Purge::Exact(now - SignedDuration::from_hours(1))),
            None
        );
        // A window whose earliest passed still changes when its latest does.
        let w = Purge::Window {
            deleted: now + secs(90) - SignedDuration::from_hours(30 * 24),
        };
        assert_eq!(wake(w), Some(30_001));
    }
}
