//! GetSecretValue calls as CloudTrail records them: refused because the
//! secret is scheduled for deletion (AWS's wording), and the noise that
//! must not count: successful reads, denied reads.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{ACCOUNT, REGION, SOURCE, Who, iso, uuid};

/// How a read ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// InvalidRequestException: the secret is scheduled for deletion.
    Refused,
    /// The value was returned.
    Read,
    /// AccessDeniedException.
    Denied,
}

/// One GetSecretValue call.
#[derive(Clone, Debug)]
pub struct FakeRead {
    pub at: Timestamp,
    pub by: Who,
    /// As the caller passed it: a name, a full ARN or a partial ARN.
    pub secret_id: String,
    pub answer: Answer,
}

impl FakeRead {
    pub fn new(at: Timestamp, by: Who, secret_id: &str, answer: Answer) -> Self {
        FakeRead {
            at,
            by,
            secret_id: secret_id.to_owned(),
            answer,
        }
    }

    /// The LookupEvents entry.
    pub(super) fn event(&self) -> Value {
        let at = Timestamp::from_second(self.at.as_second()).expect("time in range");
        let event_id = uuid(&format!("read {} {:?}@{at}", self.secret_id, self.answer));
        let mut detail = json!({
            "eventVersion": "1.08", "userIdentity": self.by.identity(at),
            "eventTime": iso(at), "eventSource": SOURCE, "eventName": "GetSecretValue",
            "awsRegion": REGION, "sourceIPAddress": "10.0.3.7", "userAgent": "aws-sdk-java/2.25.13",
            "requestParameters": {"secretId": self.secret_id}, "responseElements": null,
            "requestID": uuid(&format!("request {event_id}")), "eventID": event_id,
            "readOnly": true, "eventType": "AwsApiCall", "managementEvent": true,
            "recipientAccountId": ACCOUNT,
        });
        match self.answer {
            Answer::Refused => {
                detail["errorCode"] = json!("InvalidRequestException");
                detail["errorMessage"] = json!(
                    "You can't perform this operation on the secret because it was marked for deletion."
                );
            }
            Answer::Denied => {
                detail["errorCode"] = json!("AccessDenied");
                detail["errorMessage"] = json!(format!(
                    "User: {} is not authorized to perform: secretsmanager:GetSecretValue",
                    self.by.arn
                ));
            }
            Answer::Read => {}
        }
        json!({
            "EventId": event_id, "EventName": "GetSecretValue", "ReadOnly": "true",
            "EventTime": at.as_second(), "EventSource": SOURCE,
            "Username": self.by.short, "Resources": [],
            "CloudTrailEvent": detail.to_string(),
        })
    }
}
