//! One secret as the command line prints it: one mapping from the listing
//! to named fields, which every format writes the same way.

use jiff::Timestamp;
use serde::Serialize;

use crate::engine::listing::Row;
use crate::purge::Purge;

/// The fields of `list`, in every format.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub name: &'a str,
    pub arn: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// When `DeleteSecret` was called, when known.
    pub deleted_at: Option<String>,
    pub purge_earliest: String,
    pub purge_latest: String,
    /// `cloudtrail`, `window` or `scheduled`.
    pub purge_from: &'static str,
    /// The principal ARN that deleted it, from CloudTrail.
    pub deleted_by: Option<&'a str>,
    /// Reads refused since the deletion; null when that is not known back
    /// to the deletion (CloudTrail not read, or not that far back).
    pub failed_reads: Option<u32>,
    pub last_failed_read: Option<String>,
    /// The principal ARN of the newest refused read.
    pub last_failed_reader: Option<&'a str>,
    /// `LastAccessedDate`, a day: `2026-11-29`.
    pub last_accessed: Option<String>,
    pub owning_service: Option<&'a str>,
}

impl<'a> Record<'a> {
    /// `checked`: refused reads of the row's source are known since then.
    pub fn of(row: &'a Row, checked: Option<Timestamp>) -> Self {
        let last = row.reads.as_ref().and_then(|r| r.last());
        let arn = row.secret.arn.as_str();
        let (region, account) = (row.secret.arn.region(), row.secret.arn.account());
        let purge = row.dates.purge;
        Record {
            name: &row.secret.name,
            arn,
            region,
            account,
            deleted_at: row.dates.deleted_at.map(rfc3339),
            purge_earliest: rfc3339(purge.earliest()),
            purge_latest: rfc3339(purge.latest()),
            purge_from: match purge {
                Purge::Exact(_) => "cloudtrail",
                Purge::Window { .. } => "window",
                Purge::Scheduled(_) => "scheduled",
            },
            deleted_by: row.dates.deleted_by.as_ref().and_then(|p| p.arn.as_deref()),
            failed_reads: match &row.reads {
                Some(r) => Some(r.count),
                None => checked
                    .filter(|since| *since <= row.secret.deleted_date)
                    .map(|_| 0),
            },
            last_failed_read: last.map(|r| rfc3339(r.at)),
            last_failed_reader: last.and_then(|r| r.principal.arn.as_deref()),
            last_accessed: row.secret.last_accessed.map(|d| d.to_string()),
            owning_service: row.owning_service.as_deref(),
        }
    }
}

/// RFC 3339 in UTC, to the second: `2026-12-06T14:03:09Z`. A fraction is
/// dropped, never rounded up: an earliest purge is never shown later than
/// it is.
pub fn rfc3339(t: Timestamp) -> String {
    // Plain arithmetic and one `format!`: three a row, 100,000 rows.
    let dt = jiff::tz::Offset::UTC.to_datetime(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::purge;
    use crate::store::{Arn, PendingSecret};

    #[test]
    fn a_window_has_both_ends_and_no_one_to_name() {
        let deleted: Timestamp = "2026-11-29T14:03:09.999Z".parse().unwrap();
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let row = Row {
            source: 0,
            secret: PendingSecret {
                arn: Arn::new("arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf"),
                name: "db".into(),
                description: None,
                deleted_date: deleted,
                last_accessed: None,
            },
            dates: purge::read(deleted, now, None),
            reads: None,
            owning_service: None,
        };
        let r = Record::of(&row, None);
        assert_eq!((r.region, r.account), ("eu-west-1", "111122223333"));
        assert_eq!(r.deleted_at.as_deref(), Some("2026-11-29T14:03:09Z"));
        assert_eq!(r.purge_earliest, "2026-12-06T14:03:09Z");
        assert_eq!(r.purge_latest, "2026-12-29T14:03:09Z");
        assert_eq!((r.purge_from, r.deleted_by), ("window", None));
        assert_eq!(r.failed_reads, None, "not checked: unknown, not zero");
        let checked = Some(deleted - jiff::SignedDuration::from_hours(1));
        assert_eq!(Record::of(&row, checked).failed_reads, Some(0));
        let early: Timestamp = "0999-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(rfc3339(early), "0999-01-02T03:04:05Z");
    }
}
