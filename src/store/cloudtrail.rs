//! Reading a CloudTrail `DeleteSecret` event. The event is JSON inside a
//! string, written by many service versions: every field is optional and
//! read leniently.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::DateTime;
use serde_json::Value;

use super::{Arn, DeletionEvent, FailedRead, Principal};

/// The `LookupEvents` attribute value that selects deletions.
pub const EVENT_NAME: &str = "DeleteSecret";

/// Where Secrets Manager's own events come from.
pub const EVENT_SOURCE: &str = "secretsmanager.amazonaws.com";

/// One `CloudTrailEvent`, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// A `DeleteSecret` call that succeeded: it scheduled a deletion.
    Deletion(DeletionEvent),
    /// A call that scheduled nothing: it failed (it carries `errorCode`; an
    /// IaC retry on a secret already scheduled fails so, and its
    /// `recoveryWindowInDays` is only what was asked), or it is another
    /// service's or another operation's event.
    Ignored,
    /// Not JSON, or without a time.
    Unreadable,
}

/// Reads one event's `CloudTrailEvent` JSON: only a successful
/// `DeleteSecret` call describes a deletion.
pub fn read_event(json: &str) -> Read {
    let Ok(v) = serde_json::from_str::<Value>(json) else {
        return Read::Unreadable;
    };
    let failed = v
        .get("errorCode")
        .is_some_and(|c| !c.is_null() && c.as_str() != Some(""));
    let other_source = text(&v, "eventSource").is_some_and(|s| s != EVENT_SOURCE);
    let other_name = text(&v, "eventName").is_some_and(|n| n != EVENT_NAME);
    if failed || other_source || other_name {
        return Read::Ignored;
    }
    match parse_deletion(&v) {
        Some(e) => Read::Deletion(e),
        None => Read::Unreadable,
    }
}

/// The `LookupEvents` attribute value that selects reads.
pub const READ_EVENT_NAME: &str = "GetSecretValue";

/// A `GetSecretValue` that Secrets Manager refused because the secret is
/// scheduled for deletion, if the event is one. A successful read, an
/// `AccessDeniedException` or another refusal is not: only this wording
/// (and the older "was deleted") says the secret itself was asked for
/// after its deletion.
pub fn parse_failed_read(json: &str) -> Option<FailedRead> {
    let v: Value = serde_json::from_str(json).ok()?;
    if text(&v, "eventSource").is_some_and(|s| s != EVENT_SOURCE)
        || text(&v, "eventName") != Some(READ_EVENT_NAME)
        || text(&v, "errorCode") != Some("InvalidRequestException")
    {
        return None;
    }
    let message = text(&v, "errorMessage")?.to_ascii_lowercase();
    if !(message.contains("marked for deletion") || message.contains("because it was deleted")) {
        return None;
    }
    let request = v.get("requestParameters").unwrap_or(&Value::Null);
    Some(FailedRead {
        event_time: v.get("eventTime").and_then(timestamp)?,
        event_id: text(&v, "eventID").map(str::to_owned),
        secret_id: text(request, "secretId")?.to_owned(),
        principal: Arc::new(principal(v.get("userIdentity").unwrap_or(&Value::Null))),
        source_ip: text(&v, "sourceIPAddress").map(str::to_owned),
    })
}

/// The deletion a `CloudTrailEvent` describes, if it describes one.
pub fn parse_event(json: &str) -> Option<DeletionEvent> {
    match read_event(json) {
        Read::Deletion(e) => Some(e),
        Read::Ignored | Read::Unreadable => None,
    }
}

fn parse_deletion(v: &Value) -> Option<DeletionEvent> {
    let event_time = v.get("eventTime").and_then(timestamp)?;
    let request = v.get("requestParameters").unwrap_or(&Value::Null);
    let response = v.get("responseElements").unwrap_or(&Value::Null);
    let secret_id = text(request, "secretId");
    let arn = text(response, "aRN")
        .or_else(|| text(response, "arn"))
        .or_else(|| secret_id.filter(|id| id.starts_with("arn:")))
        .map(Arn::new);
    let name = text(response, "name")
        .or_else(|| secret_id.filter(|id| !id.starts_with("arn:")))
        .map(str::to_owned);
    Some(DeletionEvent {
        event_time,
        arn,
        name,
        deletion_date: response.get("deletionDate").and_then(timestamp),
        recovery_window_days: request.get("recoveryWindowInDays").and_then(integer),
        forced: request
            .get("forceDeleteWithoutRecovery")
            .is_some_and(|f| f.as_bool() == Some(true) || f.as_str() == Some("true")),
        principal: Arc::new(principal(v.get("userIdentity").unwrap_or(&Value::Null))),
        source_ip: text(v, "sourceIPAddress").map(str::to_owned),
        user_agent: text(v, "userAgent").map(str::to_owned),
    })
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn integer(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().map(|f| f as i64))
        .or_else(|| v.as_str()?.trim().parse().ok())
}

/// `userIdentity` to the full ARN and the short name an operator knows.
fn principal(identity: &Value) -> Principal {
    let kind = text(identity, "type");
    let arn = text(identity, "arn");
    // "arn:aws:sts::1:assumed-role/Role/session" -> "session".
    let arn_tail = arn.and_then(|a| a.rsplit(['/', ':']).next());
    let short = match kind {
        Some("Root") => Some("root"),
        Some("AWSService") => text(identity, "invokedBy"),
        Some("AssumedRole" | "FederatedUser") => arn_tail,
        _ => None,
    }
    .or_else(|| text(identity, "userName"))
    .or(arn_tail)
    .or_else(|| text(identity, "invokedBy"))
    .or_else(|| text(identity, "principalId"));
    Principal {
        kind: kind.map(str::to_owned),
        arn: arn.map(str::to_owned),
        short: short.map(str::to_owned),
    }
}

/// An ISO 8601 time, epoch seconds, or CloudTrail's Java-style
/// `May 3, 2018 5:51:02 PM` (UTC).
pub fn timestamp(v: &Value) -> Option<Timestamp> {
    if let Some(n) = v.as_f64() {
        return epoch(n);
    }
    parse_time(v.as_str()?)
}

fn epoch(n: f64) -> Option<Timestamp> {
    // Milliseconds are told apart by size: seconds reach 1e10 in 2286.
    let secs = if n.abs() >= 1e11 { n / 1000.0 } else { n };
    Timestamp::from_millisecond((secs * 1000.0).round() as i64).ok()
}

pub fn parse_time(s: &str) -> Option<Timestamp> {
    // Newer Java locales put a narrow no-break space before AM/PM.
    let s: String = s
        .split(|c: char| c.is_whitespace() || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(n) = s.parse::<f64>() {
        return epoch(n);
    }
    for format in ["%b %d, %Y %I:%M:%S %p", "%B %d, %Y %I:%M:%S %p"] {
        if let Ok(dt) = DateTime::strptime(format, &s) {
            return jiff::tz::TimeZone::UTC.to_timestamp(dt).ok();
        }
    }
    // An ISO time without a zone is UTC, as everything in CloudTrail is.
    let dt: DateTime = s.trim_end_matches('Z').parse().ok()?;
    jiff::tz::TimeZone::UTC.to_timestamp(dt).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const SSO_DELETE: &str = r#"{
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:alice@example.com",
            "arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0a1b/alice@example.com",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "AWSReservedSSO_Admin_0a1b"}}
        },
        "eventTime": "2026-11-22T14:03:09Z",
        "eventSource": "secretsmanager.amazonaws.com",
        "eventName": "DeleteSecret",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {"secretId": "prod/db", "recoveryWindowInDays": 7},
        "responseElements": {
            "name": "prod/db",
            "aRN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
            "deletionDate": "Nov 29, 2026 2:03:09 PM"
        }
    }"#;

    #[test]
    fn an_sso_deletion_reads_in_full() {
        let e = parse_event(SSO_DELETE).unwrap();
        assert_eq!(e.event_time, ts("2026-11-22T14:03:09Z"));
        assert_eq!(
            e.arn.unwrap().as_str(),
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"
        );
        assert_eq!(e.name.as_deref(), Some("prod/db"));
        assert_eq!(e.deletion_date, Some(ts("2026-11-29T14:03:09Z")));
        assert_eq!(e.recovery_window_days, Some(7));
        assert!(!e.forced);
        assert_eq!(e.principal.kind.as_deref(), Some("AssumedRole"));
        assert_eq!(e.principal.short.as_deref(), Some("alice@example.com"));
        assert!(
            e.principal
                .arn
                .as_ref()
                .unwrap()
                .ends_with("/alice@example.com")
        );
        assert_eq!(e.source_ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(e.user_agent.as_deref(), Some("aws-cli/2.15.0"));
    }

    #[test]
    fn deletion_dates_parse_in_every_form_cloudtrail_writes() {
        let want = ts("2018-05-03T17:51:02Z");
        for s in [
            "May 3, 2018 5:51:02 PM",
            "May 03, 2018 05:51:02 PM",
            "May 3, 2018, 5:51:02 PM".replace(", 5", " 5").as_str(),
            "May 3, 2018 5:51:02\u{202f}PM",
            "2018-05-03T17:51:02Z",
            "2018-05-03T17:51:02.000Z",
            "1525369862",
        ] {
            assert_eq!(parse_time(s), Some(want), "{s:?}");
        }
        assert_eq!(
            parse_time("Dec 1, 2026 12:05:00 AM"),
            Some(ts("2026-12-01T00:05:00Z"))
        );
        assert_eq!(parse_time("soon"), None);
        assert_eq!(timestamp(&serde_json::json!(1525369862.0)), Some(want));
    }

    #[test]
    fn principals_read_as_their_short_names() {
        let short = |identity: &str| {
            let json = format!(
                r#"{{"eventName":"DeleteSecret","eventTime":"2026-11-22T14:03:09Z","userIdentity":{identity}}}"#
            );
            parse_event(&json).unwrap().principal.short.clone()
        };
        assert_eq!(
            short(r#"{"type":"IAMUser","userName":"bob","arn":"arn:aws:iam::1:user/ops/bob"}"#)
                .as_deref(),
            Some("bob")
        );
        assert_eq!(
            short(
                r#"{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/terraform/ci-run-42"}"#
            )
            .as_deref(),
            Some("ci-run-42")
        );
        assert_eq!(
            short(r#"{"type":"Root","arn":"arn:aws:iam::1:root"}"#).as_deref(),
            Some("root")
        );
        assert_eq!(
            short(r#"{"type":"AWSService","invokedBy":"cloudformation.amazonaws.com"}"#).as_deref(),
            Some("cloudformation.amazonaws.com")
        );
        assert_eq!(short("{}"), None);
    }

    /// Alice's delete, then five minutes later ci-bot's retry, which fails
    /// because the secret is already scheduled: it asked for 30 days, and
    /// nothing holds of it.
    #[test]
    fn a_failed_delete_or_another_services_event_is_no_deletion() {
        assert!(parse_event(SSO_DELETE).is_some());
        let retry = r#"{
            "eventTime": "2026-11-22T14:08:09Z",
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": "DeleteSecret",
            "userIdentity": {"type": "AssumedRole",
                "arn": "arn:aws:sts::111122223333:assumed-role/ci/ci-bot"},
            "errorCode": "InvalidRequestException",
            "errorMessage": "You can't perform this operation on the secret because it was marked for deletion.",
            "requestParameters": {"secretId": "prod/db", "recoveryWindowInDays": 30},
            "responseElements": null
        }"#;
        assert_eq!(read_event(retry), Read::Ignored);
        assert_eq!(parse_event(retry), None);
        let denied = SSO_DELETE.replace(
            r#""eventName": "DeleteSecret","#,
            r#""eventName": "DeleteSecret", "errorCode": "AccessDenied","#,
        );
        assert_eq!(read_event(&denied), Read::Ignored);
        let other = SSO_DELETE.replace("secretsmanager.amazonaws.com", "ssm.amazonaws.com");
        assert_eq!(read_event(&other), Read::Ignored);
        // An empty or null errorCode is no error.
        let null = SSO_DELETE.replace(
            r#""eventName": "DeleteSecret","#,
            r#""eventName": "DeleteSecret", "errorCode": null,"#,
        );
        assert!(parse_event(&null).is_some());
        assert_eq!(read_event("not json"), Read::Unreadable);
    }

    fn read(error: Option<(&str, &str)>, secret_id: &str) -> String {
        let error = error.map_or(String::new(), |(code, message)| {
            format!(r#""errorCode": "{code}", "errorMessage": "{message}","#)
        });
        format!(
            r#"{{"eventTime": "2026-11-30T10:00:00Z", "eventSource": "secretsmanager.amazonaws.com",
                "eventName": "GetSecretValue", "eventID": "e-1", {error}
                "userIdentity": {{"type": "AssumedRole",
                    "arn": "arn:aws:sts::1:assumed-role/payments/payments-api"}},
                "sourceIPAddress": "10.0.3.7",
                "requestParameters": {{"secretId": "{secret_id}"}}, "responseElements": null}}"#
        )
    }

    #[test]
    fn only_a_read_refused_as_deleted_is_a_failed_read() {
        let marked =
            "You can't perform this operation on the secret because it was marked for deletion.";
        let r =
            parse_failed_read(&read(Some(("InvalidRequestException", marked)), "prod/db")).unwrap();
        assert_eq!(r.secret_id, "prod/db");
        assert_eq!(r.event_time, ts("2026-11-30T10:00:00Z"));
        assert_eq!(r.principal.short.as_deref(), Some("payments-api"));
        assert_eq!(r.source_ip.as_deref(), Some("10.0.3.7"));
        assert_eq!(r.event_id.as_deref(), Some("e-1"));
        let older = "You can't perform this operation on the secret because it was deleted.";
        assert!(parse_failed_read(&read(Some(("InvalidRequestException", older)), "x")).is_some());
        // A success, a denial, or another refusal does not count.
        assert_eq!(parse_failed_read(&read(None, "prod/db")), None);
        let denied = (
            "AccessDeniedException",
            "User is not authorized to perform GetSecretValue",
        );
        assert_eq!(parse_failed_read(&read(Some(denied), "prod/db")), None);
        let other = (
            "InvalidRequestException",
            "You provided a parameter value that is not valid",
        );
        assert_eq!(parse_failed_read(&read(Some(other), "prod/db")), None);
        let delete = read(Some(("InvalidRequestException", marked)), "x")
            .replace("GetSecretValue", "DeleteSecret");
        assert_eq!(parse_failed_read(&delete), None);
        assert_eq!(parse_failed_read("not json"), None);
    }

    #[test]
    fn missing_and_odd_fields_never_fail_the_event() {
        let e = parse_event(
            r#"{"eventTime":"2026-11-22T14:03:09Z",
                "requestParameters":{"secretId":"arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf",
                                     "recoveryWindowInDays":"10","forceDeleteWithoutRecovery":true},
                "responseElements":null}"#,
        )
        .unwrap();
        assert_eq!(
            e.arn.unwrap().as_str(),
            "arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf"
        );
        assert_eq!(e.name, None);
        assert_eq!(e.recovery_window_days, Some(10));
        assert!(e.forced);
        assert_eq!(e.deletion_date, None);
        assert_eq!(parse_event("not json"), None);
        assert_eq!(parse_event(r#"{"eventName":"DeleteSecret"}"#), None);
        assert_eq!(
            parse_event(r#"{"eventName":"RestoreSecret","eventTime":"2026-11-22T14:03:09Z"}"#),
            None
        );
    }
}
