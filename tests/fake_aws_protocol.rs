//! The AWS fake answers the real SDK clients the way live AWS does.

#![allow(clippy::unwrap_used)]

mod fake_aws;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_credential_types::Credentials;
use aws_sdk_cloudtrail::error::ProvideErrorMetadata;
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use aws_types::region::Region;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use fake_aws::{FakeAws, FakeSecret, Who};

fn secrets_client(fake: &FakeAws) -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "t"))
        .endpoint_url(fake.url())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

/// Retries are off so the fake's throttling reaches the test.
fn trail_client(fake: &FakeAws) -> aws_sdk_cloudtrail::Client {
    let config = aws_sdk_cloudtrail::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "t"))
        .endpoint_url(fake.url())
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_cloudtrail::Client::from_conf(config)
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

fn time(t: Timestamp) -> DateTime {
    DateTime::from_millis(t.as_millisecond())
}

/// Every DeleteSecret event since `start`, page by page, spaced to stay
/// under the 2-a-second quota.
async fn deletions(fake: &FakeAws, start: Option<Timestamp>) -> (Vec<Event>, usize) {
    let client = trail_client(fake);
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventName)
        .attribute_value("DeleteSecret")
        .build()
        .unwrap();
    let (mut events, mut pages, mut token) = (Vec::new(), 0, None);
    loop {
        if pages > 0 {
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        let out = client
            .lookup_events()
            .lookup_attributes(attribute.clone())
            .set_start_time(start.map(time))
            .end_time(time(Timestamp::now()))
            .max_results(50)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        events.extend(out.events.unwrap_or_default());
        token = out.next_token;
        if token.is_none() {
            return (events, pages);
        }
    }
}

fn detail(event: &Event) -> Value {
    serde_json::from_str(event.cloud_trail_event().unwrap()).unwrap()
}

#[tokio::test]
async fn listing_pages_through_every_secret_and_dates_deletions_in_the_past() {
    let secrets = (0..250)
        .map(|i| match i % 25 < 12 {
            true => FakeSecret::pending(&format!("app/{i:03}"), hours(i + 1), 7, Who::user("bob")),
            false => FakeSecret::active(&format!("app/{i:03}")),
        })
        .collect();
    let fake = FakeAws::start(secrets);
    let client = secrets_client(&fake);
    let now = Timestamp::now();

    let (mut listed, mut pending, mut pages, mut token) = (0, Vec::new(), 0, None);
    loop {
        let out = client
            .list_secrets()
            .include_planned_deletion(true)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        listed += out.secret_list().len();
        for s in out.secret_list() {
            assert!(
                s.arn()
                    .unwrap()
                    .starts_with("arn:aws:secretsmanager:us-east-1:111122223333:secret:app/")
            );
            if let Some(deleted) = s.deleted_date() {
                assert!(deleted.as_secs_f64() < now.as_millisecond() as f64 / 1000.0);
                pending.push(s.name().unwrap().to_owned());
            }
        }
        token = out.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!((listed, pages, pending.len()), (250, 3, 120));
    assert_eq!(fake.count("ListSecrets"), 3);

    let active = client.list_secrets().send().await.unwrap();
    assert_eq!(active.secret_list().len(), 100);
    assert!(
        active
            .secret_list()
            .iter()
            .all(|s| s.deleted_date().is_none())
    );
    let err = client
        .list_secrets()
        .max_results(101)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
}

#[tokio::test]
async fn lookup_events_pages_newest_first_with_the_deletion_in_the_event_json() {
    let mut secrets: Vec<FakeSecret> = (0..60)
        .map(|i| {
            FakeSecret::pending(
                &format!("svc/{i:02}"),
                hours(i * 3 + 1),
                7,
                Who::sso("Admin", "alice@example.com"),
            )
        })
        .collect();
    let mut again = FakeSecret::pending("again", hours(2 * 24), 30, Who::user("bob"));
    again.earlier_deletions = vec![Timestamp::now() - hours(20 * 24)];
    let mut fresh = FakeSecret::pending("fresh", SignedDuration::from_mins(2), 7, Who::user("bob"));
    fresh.event = false;
    secrets.extend([again, fresh, FakeSecret::active("live")]);
    let fake = FakeAws::start(secrets);

    let (events, pages) = deletions(&fake, Some(Timestamp::now() - hours(90 * 24))).await;
    assert_eq!((events.len(), pages), (62, 2));
    let times: Vec<i64> = events
        .iter()
        .map(|e| e.event_time().unwrap().secs())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "not newest first");
    assert!(events.iter().all(|e| e.resources().is_empty()));

    let newest = detail(&events[0]);
    assert_eq!(newest["eventName"], "DeleteSecret");
    assert_eq!(newest["requestParameters"]["secretId"], "svc/00");
    assert_eq!(newest["requestParameters"]["recoveryWindowInDays"], 7);
    assert_eq!(newest["userIdentity"]["type"], "AssumedRole");
    assert!(
        newest["userIdentity"]["arn"]
            .as_str()
            .unwrap()
            .ends_with("/alice@example.com")
    );
    assert_eq!(events[0].username(), Some("alice@example.com"));
    let at: Timestamp = newest["eventTime"].as_str().unwrap().parse().unwrap();
    let purge = (at + hours(7 * 24))
        .strftime("%b %-d, %Y %-I:%M:%S %p")
        .to_string();
    assert_eq!(newest["responseElements"]["deletionDate"], purge.as_str());
    assert_eq!(
        newest["responseElements"]["aRN"],
        FakeSecret::active("svc/00").arn()
    );

    let again: Vec<Value> = events
        .iter()
        .map(detail)
        .filter(|d| d["responseElements"]["name"] == "again")
        .collect();
    assert_eq!(again.len(), 2, "an earlier deletion is its own event");
    assert!(
        again
            .iter()
            .all(|d| d["requestParameters"].get("recoveryWindowInDays").is_none())
    );
    assert_eq!(again[0]["userIdentity"]["userName"], "bob");

    tokio::time::sleep(Duration::from_secs(1)).await;
    let (recent, _) = deletions(&fake, Some(Timestamp::now() - hours(10))).await;
    let names: Vec<Value> = recent
        .iter()
        .map(|e| detail(e)["requestParameters"]["secretId"].clone())
        .collect();
    assert_eq!(names, ["svc/00", "svc/01", "svc/02"]);
}

#[tokio::test]
async fn deletion_dates_are_written_java_style() {
    let mut a = FakeSecret::pending("a", hours(1), 7, Who::root());
    a.deleted_at = Some("2025-11-22T14:03:09.250Z".parse().unwrap());
    let mut b = FakeSecret::pending("b", hours(1), 30, Who::role("Deployer", "ci"));
    b.deleted_at = Some("2025-11-01T00:05:00Z".parse().unwrap());
    let fake = FakeAws::start(vec![a, b]);
    let (events, _) = deletions(&fake, None).await;
    let dates: Vec<Value> = events
        .iter()
        .map(|e| detail(e)["responseElements"]["deletionDate"].clone())
        .collect();
    assert_eq!(
        dates,
        ["Nov 29, 2025 2:03:09 PM", "Dec 1, 2025 12:05:00 AM"]
    );
    assert_eq!(detail(&events[0])["eventTime"], "2025-11-22T14:03:09Z");
    assert_eq!(events[0].username(), Some("root"));
    assert_eq!(
        detail(&events[1])["userIdentity"]["sessionContext"]["sessionIssuer"]["userName"],
        "Deployer"
    );
}

#[tokio::test]
async fn a_burst_of_lookups_is_throttled_after_two_a_second() {
    let fake = FakeAws::start(vec![FakeSecret::pending(
        "x",
        hours(1),
        7,
        Who::user("bob"),
    )]);
    let client = trail_client(&fake);
    let mut codes = Vec::new();
    for _ in 0..5 {
        let result = client.lookup_events().send().await;
        codes.push(result.err().and_then(|e| e.code().map(str::to_owned)));
    }
    let throttled = Some("ThrottlingException".to_owned());
    assert_eq!(
        codes,
        [None, None, throttled.clone(), throttled.clone(), throttled]
    );
    assert_eq!((fake.max_lookups_per_second(), fake.throttled()), (5, 3));

    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.lookup_events().send().await.unwrap();
}

#[tokio::test]
async fn deny_mode_answers_access_denied() {
    let fake = FakeAws::start(vec![FakeSecret::pending(
        "x",
        hours(1),
        7,
        Who::user("bob"),
    )]);
    fake.deny_cloudtrail(true);
    let err = trail_client(&fake)
        .lookup_events()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert!(
        err.message()
            .unwrap()
            .contains("not authorized to perform: cloudtrail:LookupEvents")
    );
}

#[tokio::test]
async fn restoring_clears_the_deletion_but_not_its_event() {
    let secret = FakeSecret::pending("prod/db", hours(5), 7, Who::user("bob"));
    let arn = secret.arn();
    let fake = FakeAws::start(vec![secret]);
    let client = secrets_client(&fake);

    let before = client
        .describe_secret()
        .secret_id("prod/db")
        .send()
        .await
        .unwrap();
    assert!(before.deleted_date().is_some());
    let out = client
        .restore_secret()
        .secret_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (out.arn(), out.name()),
        (Some(arn.as_str()), Some("prod/db"))
    );
    let after = client
        .describe_secret()
        .secret_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(after.deleted_date(), None);
    assert_eq!(fake.deleted_at("prod/db"), None);

    let err = client
        .restore_secret()
        .secret_id("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(
        err.message(),
        Some("Secrets Manager can't find the specified secret.")
    );
    assert_eq!(deletions(&fake, None).await.0.len(), 1);
    let ops: Vec<String> = fake.calls().into_iter().map(|c| c.0).collect();
    assert_eq!(
        ops,
        [
            "DescribeSecret",
            "RestoreSecret",
            "DescribeSecret",
            "RestoreSecret",
            "LookupEvents"
        ]
    );
}

#[test]
fn one_connection_carries_many_requests_and_unknown_operations_fail() {
    let fake = FakeAws::start(Vec::new());
    let mut conn = TcpStream::connect(("127.0.0.1", fake.port())).unwrap();
    let mut ask = |target: &str| {
        let body = "{}";
        let request = format!(
            "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {target}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        conn.write_all(request.as_bytes()).unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0];
            conn.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        let mut body = vec![0; length];
        conn.read_exact(&mut body).unwrap();
        (head, serde_json::from_slice::<Value>(&body).unwrap())
    };
    let (head, body) = ask("secretsmanager.ListSecrets");
    assert!(head.starts_with("HTTP/1.1 200"));
    assert_eq!(body["SecretList"], serde_json::json!([]));
    let (head, body) = ask("secretsmanager.DeleteSecret");
    assert!(
        head.starts_with("HTTP/1.1 400")
            && head.contains("x-amzn-errortype: UnknownOperationException")
    );
    assert_eq!(body["__type"], "UnknownOperationException");
}
