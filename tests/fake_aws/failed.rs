//! DeleteSecret calls that failed, as CloudTrail records them.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::{ACCOUNT, FakeSecret, REGION, SOURCE, Who, iso, uuid};

/// A DeleteSecret call that failed. CloudTrail records it with
/// `errorCode` and `errorMessage`, what was asked in `requestParameters`,
/// and `responseElements: null`: it describes no deletion.
#[derive(Clone, Debug)]
pub struct FailedDelete {
    pub at: Timestamp,
    pub by: Who,
    /// As the caller passed it: a name or an ARN.
    pub secret_id: String,
    /// What was asked (None: left out), not what holds.
    pub window_days: Option<i64>,
    pub error_code: &'static str,
    pub error_message: &'static str,
    pub user_agent: &'static str,
}

impl FailedDelete {
    /// An IaC retry on a secret already scheduled for deletion, `after` its
    /// deletion, by `by`, asking for `window_days`. Terraform passes the ARN.
    pub fn retry(secret: &FakeSecret, after: SignedDuration, by: Who, window_days: i64) -> Self {
        FailedDelete {
            at: secret.deleted_at.expect("a pending secret") + after,
            by,
            secret_id: secret.arn(),
            window_days: Some(window_days),
            error_code: "InvalidRequestException",
            error_message: "You can't perform this operation on the secret because it was marked for deletion.",
            user_agent: "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0",
        }
    }

    /// The LookupEvents entry, as CloudTrail writes a failed call.
    pub(super) fn event(&self) -> Value {
        let at = Timestamp::from_second(self.at.as_second()).expect("time in range");
        let event_id = uuid(&format!("failed {}@{at}", self.secret_id));
        let mut request = json!({"secretId": self.secret_id});
        if let Some(days) = self.window_days {
            request["recoveryWindowInDays"] = json!(days);
        }
        let detail = json!({
            "eventVersion": "1.08", "userIdentity": self.by.identity(at),
            "eventTime": iso(at), "eventSource": SOURCE, "eventName": "DeleteSecret",
            "awsRegion": REGION, "sourceIPAddress": "198.51.100.20", "userAgent": self.user_agent,
            "errorCode": self.error_code, "errorMessage": self.error_message,
            "requestParameters": request, "responseElements": null,
            "requestID": uuid(&format!("request {event_id}")), "eventID": event_id,
            "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
            "recipientAccountId": ACCOUNT,
        });
        json!({
            "EventId": event_id, "EventName": "DeleteSecret", "ReadOnly": "false",
            "EventTime": at.as_second(), "EventSource": SOURCE,
            "Username": self.by.short, "Resources": [],
            "CloudTrailEvent": detail.to_string(),
        })
    }
}
