//! The AWS fake answers the way live AWS does, read through reprieve's own
//! `AwsStore` where reprieve reads it, and through bare SDK clients for the
//! event JSON and for requests reprieve never sends. The fake's clock is
//! frozen, so its 2-a-second rate limit is stepped through, not raced.

#![allow(clippy::unwrap_used)]

mod common;
mod fake_aws;

use std::collections::HashMap;
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

use common::store_config;
use fake_aws::{FakeAws, FakeSecret, Who};
use reprieve::store::aws::AwsStore;
use reprieve::store::{Arn, ErrorKind, EventQuery, PendingSecret, SecretStore};

/// Past CloudTrail's rate-limit window.
const SECOND: Duration = Duration::from_secs(1);

/// A fake whose clock moves only when a test moves it.
fn frozen(secrets: Vec<FakeSecret>) -> FakeAws {
    let fake = FakeAws::start(secrets);
    fake.freeze_clock();
    fake
}

/// reprieve's store over the fake, with the app's retries and timeouts.
async fn store(fake: &FakeAws) -> AwsStore {
    AwsStore::from_config(&store_config(&fake.url()).await)
}

/// The same store without retries, so throttling reaches the test.
async fn store_without_retries(fake: &FakeAws) -> AwsStore {
    let config = store_config(&fake.url())
        .await
        .into_builder()
        .retry_config(RetryConfig::disabled())
        .build();
    AwsStore::from_config(&config)
}

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

/// Every DeleteSecret event since `start` as raw SDK events, page by page,
/// a second apart on the fake's frozen clock.
async fn deletions(fake: &FakeAws, start: Option<Timestamp>) -> (Vec<Event>, usize) {
    let client = trail_client(fake);
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventName)
        .attribute_value("DeleteSecret")
        .build()
        .unwrap();
    let (mut events, mut pages, mut token) = (Vec::new(), 0, None);
    loop {
        fake.advance_clock(SECOND);
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

fn query(start: Timestamp, token: Option<String>) -> EventQuery {
    EventQuery {
        start,
        end: None,
        token,
    }
}

/// `a` and `b` name the same millisecond (dates cross JSON as float seconds).
fn same_instant(a: Timestamp, b: Timestamp) -> bool {
    a.duration_since(b).abs() <= SignedDuration::from_millis(1)
}

#[tokio::test]
async fn listing_pages_through_every_secret_and_dates_deletions_in_the_past() {
    let secrets: Vec<FakeSecret> = (0..250)
        .map(|i| match i % 25 < 12 {
            true => FakeSecret::pending(&format!("app/{i:03}"), hours(i + 1), 7, Who::user("bob")),
            false => FakeSecret::active(&format!("app/{i:03}")),
        })
        .collect();
    let seeded: HashMap<String, FakeSecret> = secrets
        .iter()
        .map(|s| (s.name.clone(), s.clone()))
        .collect();
    let fake = frozen(secrets);
    let store = store(&fake).await;
    let now = Timestamp::now();

    let (mut pending, mut scanned, mut pages, mut token) =
        (Vec::<PendingSecret>::new(), 0, 0, None);
    loop {
        let page = store.list_page(token).await.unwrap();
        pages += 1;
        scanned += page.scanned;
        pending.extend(page.pending);
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!((scanned, pages, pending.len()), (250, 3, 120));
    assert_eq!(fake.count("ListSecrets"), 3);
    for secret in &pending {
        let seed = &seeded[&secret.name];
        assert_eq!(secret.arn.as_str(), seed.arn(), "the ARN as listed");
        assert!(
            secret
                .arn
                .as_str()
                .starts_with("arn:aws:secretsmanager:us-east-1:111122223333:secret:app/")
        );
        // AWS's DeletedDate: when DeleteSecret was called, in the past.
        let deleted = seed.deleted_at.unwrap();
        assert!(same_instant(secret.deleted_date, deleted), "{secret:?}");
        assert!(secret.deleted_date < now, "{secret:?}");
        assert_eq!(secret.description, seed.description);
    }

    // Without IncludePlannedDeletion, pending secrets are hidden.
    let client = secrets_client(&fake);
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

/// Every deletion since `start` as reprieve's reader reads it, page by
/// page, a second apart on the fake's frozen clock.
async fn read_all(fake: &FakeAws, start: Timestamp) -> Vec<reprieve::store::DeletionEvent> {
    let store = store(fake).await;
    let (mut events, mut token) = (Vec::new(), None);
    loop {
        fake.advance_clock(SECOND);
        let page = store.deletion_events(query(start, token)).await.unwrap();
        assert_eq!(page.unreadable, 0, "every event reads");
        events.extend(page.events);
        token = page.next_token;
        if token.is_none() {
            return events;
        }
    }
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
    let again_arn = again.arn();
    let mut fresh = FakeSecret::pending("fresh", SignedDuration::from_mins(2), 7, Who::user("bob"));
    fresh.event = false;
    secrets.extend([again, fresh, FakeSecret::active("live")]);
    let fake = frozen(secrets);

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

    // The same history through reprieve's reader.
    let read = read_all(&fake, Timestamp::now() - hours(90 * 24)).await;
    assert_eq!(read.len(), 62);
    assert_eq!(
        read[0].principal.short.as_deref(),
        Some("alice@example.com")
    );
    assert_eq!(read[0].deletion_date, Some(at + hours(7 * 24)));
    assert_eq!(read[0].recovery_window_days, Some(7));
    let agains = read
        .iter()
        .filter(|e| e.arn.as_ref().map(Arn::as_str) == Some(&again_arn));
    assert_eq!(agains.count(), 2);
    assert!(!read.iter().any(|e| e.name.as_deref() == Some("fresh")));

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
    let fake = frozen(vec![a, b]);
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

    // reprieve's reader turns that text back into the instants.
    let read = read_all(&fake, "2025-10-01T00:00:00Z".parse().unwrap()).await;
    let dates: Vec<_> = read.iter().map(|e| e.deletion_date).collect();
    assert_eq!(
        dates,
        [
            Some("2025-11-29T14:03:09Z".parse().unwrap()),
            Some("2025-12-01T00:05:00Z".parse().unwrap())
        ]
    );
    assert_eq!(read[0].principal.short.as_deref(), Some("root"));
    assert_eq!(read[1].principal.short.as_deref(), Some("ci"));
}

#[tokio::test]
async fn a_burst_of_lookups_is_throttled_after_two_a_second() {
    let fake = frozen(vec![FakeSecret::pending(
        "x",
        hours(1),
        7,
        Who::user("bob"),
    )]);
    let store = store_without_retries(&fake).await;
    let start = Timestamp::now() - hours(24);
    let mut kinds = Vec::new();
    for _ in 0..5 {
        let result = store.deletion_events(query(start, None)).await;
        kinds.push(result.err().map(|e| (e.kind, e.code, e.message)));
    }
    let throttled = Some((
        ErrorKind::Throttled,
        Some("ThrottlingException".to_owned()),
        "Rate exceeded".to_owned(),
    ));
    assert_eq!(
        kinds,
        [None, None, throttled.clone(), throttled.clone(), throttled]
    );
    assert_eq!((fake.max_lookups_per_second(), fake.throttled()), (5, 3));

    // The window is one second from the last answer, to the millisecond.
    fake.advance_clock(SECOND - Duration::from_millis(1));
    let err = store.deletion_events(query(start, None)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Throttled, "{err:?}");
    fake.advance_clock(Duration::from_millis(1));
    let page = store.deletion_events(query(start, None)).await.unwrap();
    assert_eq!(page.events.len(), 1);
    assert_eq!(fake.throttled(), 4);
}

#[tokio::test]
async fn deny_mode_answers_access_denied() {
    let fake = frozen(vec![FakeSecret::pending(
        "x",
        hours(1),
        7,
        Who::user("bob"),
    )]);
    fake.deny_cloudtrail(true);
    let err = store(&fake)
        .await
        .deletion_events(query(Timestamp::now() - hours(24), None))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccessDenied, "{err:?}");
    assert_eq!(err.code.as_deref(), Some("AccessDeniedException"));
    assert!(
        err.message
            .contains("not authorized to perform: cloudtrail:LookupEvents"),
        "{err}"
    );
}

#[tokio::test]
async fn restoring_clears_the_deletion_but_not_its_event() {
    let db = FakeSecret::pending("prod/db", hours(5), 7, Who::user("bob"));
    let api = FakeSecret::pending("prod/api", hours(6), 7, Who::user("bob"));
    let (arn, api_arn) = (db.arn(), api.arn());
    let fake = frozen(vec![db, api]);
    let client = secrets_client(&fake);
    let store = store(&fake).await;

    let before = client
        .describe_secret()
        .secret_id("prod/db")
        .send()
        .await
        .unwrap();
    assert!(before.deleted_date().is_some());
    store.restore(Arn::new(arn.as_str())).await.unwrap();
    let after = client
        .describe_secret()
        .secret_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(after.deleted_date(), None);
    assert_eq!(fake.deleted_at("prod/db"), None);
    let listed = store.list_page(None).await.unwrap().pending;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "prod/api");

    // RestoreSecret answers with the secret's ARN and name.
    let out = client
        .restore_secret()
        .secret_id(&api_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (out.arn(), out.name()),
        (Some(api_arn.as_str()), Some("prod/api"))
    );

    let err = store
        .restore(Arn::new(FakeSecret::active("nope").arn()))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err:?}");
    assert_eq!(err.code.as_deref(), Some("ResourceNotFoundException"));
    assert_eq!(
        err.message,
        "Secrets Manager can't find the specified secret."
    );
    assert_eq!(deletions(&fake, None).await.0.len(), 2);
    let ops: Vec<String> = fake.calls().into_iter().map(|c| c.0).collect();
    assert_eq!(
        ops,
        [
            "DescribeSecret",
            "RestoreSecret",
            "DescribeSecret",
            "ListSecrets",
            "RestoreSecret",
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
