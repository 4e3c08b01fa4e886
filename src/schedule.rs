//! How a `DeletedDate` becomes a deadline an operator can read.

use jiff::{SignedDuration, Timestamp};

/// When Secrets Manager plans to purge a secret, given its `DeletedDate`.
///
/// The API reference describes `DeletedDate` as the date the secret is
/// scheduled for deletion: DeleteSecret stamps it with the end of the
/// recovery window. Purge happens some time after it, with no guarantee, so
/// a past date means overdue but possibly still restorable. One page of the
/// reference words it as the time the deletion occurred; if that reading
/// ever wins, this is the one place to change.
pub fn scheduled_purge(deleted_date: Timestamp) -> Timestamp {
    deleted_date
}

/// How pressing the deadline is, for colour and sorting cues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    /// Under 24 hours left.
    Imminent,
    /// Under 72 hours left.
    Soon,
    Later,
}

pub fn time_left(purge: Timestamp, now: Timestamp) -> SignedDuration {
    purge.duration_since(now)
}

pub fn urgency(left: SignedDuration) -> Urgency {
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

/// "6d 4h", "3h 12m", "42m", "<1m" or "overdue".
pub fn format_left(left: SignedDuration) -> String {
    if left <= SignedDuration::ZERO {
        return "overdue".to_owned();
    }
    let minutes = left.as_secs() / 60;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn deleted_date_is_the_scheduled_purge_time() {
        let stamp = ts("2026-12-06T10:00:00Z");
        assert_eq!(scheduled_purge(stamp), stamp);
    }

    #[test]
    fn time_left_reads_like_an_operator_would_say_it() {
        let now = ts("2026-11-29T12:00:00Z");
        let left = |s| format_left(time_left(ts(s), now));
        assert_eq!(left("2026-12-05T16:30:00Z"), "6d 4h");
        assert_eq!(left("2026-11-29T15:12:59Z"), "3h 12m");
        assert_eq!(left("2026-11-29T12:42:00Z"), "42m");
        assert_eq!(left("2026-11-29T12:00:30Z"), "<1m");
        assert_eq!(left("2026-11-29T12:00:00Z"), "overdue");
        assert_eq!(left("2026-11-20T12:00:00Z"), "overdue");
        assert_eq!(left("2026-12-29T12:00:00Z"), "30d 0h");
    }

    #[test]
    fn urgency_thresholds_are_24_and_72_hours() {
        let h = |n: i64| SignedDuration::from_hours(n);
        assert_eq!(urgency(h(-1)), Urgency::Overdue);
        assert_eq!(urgency(SignedDuration::ZERO), Urgency::Overdue);
        assert_eq!(urgency(SignedDuration::from_secs(1)), Urgency::Imminent);
        assert_eq!(
            urgency(h(24) - SignedDuration::from_secs(1)),
            Urgency::Imminent
        );
        assert_eq!(urgency(h(24)), Urgency::Soon);
        assert_eq!(urgency(h(72) - SignedDuration::from_secs(1)), Urgency::Soon);
        assert_eq!(urgency(h(72)), Urgency::Later);
    }
}
