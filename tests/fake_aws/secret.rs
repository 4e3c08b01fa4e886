//! A secret in the fake: its listing entry and the CloudTrail events of
//! its deletions.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::{ACCOUNT, FailedDelete, REGION, SOURCE, Who, days, epoch, hash, iso, uuid};

#[derive(Clone, Debug)]
pub struct FakeSecret {
    pub name: String,
    pub description: Option<String>,
    pub created_at: Timestamp,
    /// When DeleteSecret was called; None: active (not pending).
    pub deleted_at: Option<Timestamp>,
    /// 7..=30; 30 is the default, which CloudTrail leaves out of the request.
    pub window_days: i64,
    pub deleted_by: Who,
    /// CloudTrail has delivered this deletion's event (false: deleted too recently).
    pub event: bool,
    /// Earlier DeleteSecret calls on the same secret (restored since): their times.
    pub earlier_deletions: Vec<Timestamp>,
    /// Write an unparseable deletionDate ("soon") in the events.
    pub garbled_deletion_date: bool,
    /// DeleteSecret calls on it that failed; CloudTrail records them too.
    pub failed_deletions: Vec<FailedDelete>,
    /// GetSecretValue calls on it, as CloudTrail records them.
    pub reads: Vec<super::FakeRead>,
}

impl FakeSecret {
    pub fn active(name: &str) -> Self {
        FakeSecret {
            name: name.to_owned(),
            description: Some(format!("{name} credentials")),
            created_at: Timestamp::now() - days(400),
            deleted_at: None,
            window_days: 30,
            deleted_by: Who::user("admin"),
            event: false,
            earlier_deletions: Vec::new(),
            garbled_deletion_date: false,
            failed_deletions: Vec::new(),
            reads: Vec::new(),
        }
    }

    /// Deleted `ago` before now with a window of `window_days`, by `who`, event delivered.
    pub fn pending(name: &str, ago: SignedDuration, window_days: i64, who: Who) -> Self {
        FakeSecret {
            deleted_at: Some(Timestamp::now() - ago),
            window_days,
            deleted_by: who,
            event: true,
            ..FakeSecret::active(name)
        }
    }

    pub fn arn(&self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let h = hash(&self.name);
        let suffix: String = (0..6)
            .map(|i| ALPHABET[(h >> (i * 6)) as usize % 62] as char)
            .collect();
        let name = &self.name;
        format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{suffix}")
    }

    /// When Secrets Manager will purge it: deleted_at + window.
    pub fn purge(&self) -> Option<Timestamp> {
        self.deleted_at.map(|t| t + days(self.window_days))
    }

    /// The ListSecrets/DescribeSecret entry.
    pub(super) fn entry(&self) -> Value {
        let mut v = json!({
            "ARN": self.arn(), "Name": self.name,
            "CreatedDate": epoch(self.created_at),
            "LastChangedDate": epoch(self.deleted_at.unwrap_or(self.created_at)),
        });
        if let Some(d) = &self.description {
            v["Description"] = json!(d);
        }
        if let Some(t) = self.deleted_at {
            v["DeletedDate"] = json!(epoch(t));
        }
        v
    }

    /// One LookupEvents entry for a DeleteSecret call at `at`.
    pub(super) fn event(&self, at: Timestamp) -> Value {
        // CloudTrail records whole seconds.
        let at = Timestamp::from_second(at.as_second()).expect("time in range");
        let event_id = uuid(&format!("{}@{at}", self.name));
        let mut request = json!({"secretId": self.name});
        if self.window_days != 30 {
            request["recoveryWindowInDays"] = json!(self.window_days);
        }
        let deletion_date = if self.garbled_deletion_date {
            "soon".to_owned()
        } else {
            (at + days(self.window_days))
                .strftime("%b %-d, %Y %-I:%M:%S %p")
                .to_string()
        };
        let detail = json!({
            "eventVersion": "1.08", "userIdentity": self.deleted_by.identity(at),
            "eventTime": iso(at), "eventSource": SOURCE, "eventName": "DeleteSecret",
            "awsRegion": REGION, "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2.15.0",
            "requestParameters": request,
            "responseElements": {"name": self.name, "aRN": self.arn(), "deletionDate": deletion_date},
            "requestID": uuid(&format!("request {event_id}")), "eventID": event_id,
            "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
            "recipientAccountId": ACCOUNT,
        });
        json!({
            "EventId": event_id, "EventName": "DeleteSecret", "ReadOnly": "false",
            "EventTime": at.as_second(), "EventSource": SOURCE,
            "Username": self.deleted_by.short, "Resources": [],
            "CloudTrailEvent": detail.to_string(),
        })
    }
}
