//! The AWS fake's CloudTrail answers as live AWS does: the event JSON as
//! AWS writes it (read raw through the SDK), the same events through
//! reprieve's own `AwsStore`, and the 2-a-second rate limit, stepped on the
//! fake's frozen clock rather than raced against the wall clock.

#![allow(clippy::unwrap_used)]

mod common;
mod fake_aws;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_credential_types::Credentials;
use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use aws_types::region::Region;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use common::store_config;
use fake_aws::{FailedDelete, FakeAws, FakeSecret, Who};
use reprieve::store::aws::AwsStore;
use reprieve::store::{Arn, DeletionEvent, ErrorKind, EventQuery, SecretStore};

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

/// Every deletion since `start` as reprieve's reader reads it, page by
/// page, a second apart on the fake's frozen clock.
async fn read_all(fake: &FakeAws, start: Timestamp) -> Vec<DeletionEvent> {
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
async fn a_failed_delete_is_an_event_with_its_error_what_was_asked_and_no_response() {
    let alice = Who::sso("Admin", "alice@example.com");
    let mut secret = FakeSecret::pending("prod/db", hours(3), 30, alice);
    let ci = Who::role("terraform-deployer", "gha-run-9120");
    let retry = FailedDelete::retry(&secret, SignedDuration::from_mins(5), ci, 7);
    secret.failed_deletions = vec![retry];
    let (arn, deleted) = (secret.arn(), secret.deleted_at.unwrap());
    let other = FakeSecret::pending("other", hours(1), 7, Who::user("bob"));
    let fake = frozen(vec![secret, other]);

    let (events, _) = deletions(&fake, None).await;
    let details: Vec<Value> = events.iter().map(detail).collect();
    let ids: Vec<&Value> = details
        .iter()
        .map(|d| &d["requestParameters"]["secretId"])
        .collect();
    // Newest first; the retry names the secret by ARN, as Terraform does.
    assert_eq!(ids, ["other", arn.as_str(), "prod/db"]);

    let failed = &details[1];
    assert_eq!(failed["eventName"], "DeleteSecret");
    assert_eq!(failed["eventSource"], "secretsmanager.amazonaws.com");
    assert_eq!(failed["errorCode"], "InvalidRequestException");
    assert_eq!(
        failed["errorMessage"],
        "You can't perform this operation on the secret because it was marked for deletion."
    );
    assert_eq!(failed["requestParameters"]["recoveryWindowInDays"], 7);
    assert!(
        failed.get("responseElements").is_some_and(Value::is_null),
        "present and null: {failed}"
    );
    assert_eq!(
        failed["userIdentity"]["arn"],
        "arn:aws:sts::111122223333:assumed-role/terraform-deployer/gha-run-9120"
    );
    assert_eq!(events[1].username(), Some("gha-run-9120"));
    let at: Timestamp = failed["eventTime"].as_str().unwrap().parse().unwrap();
    let five_later = deleted + SignedDuration::from_mins(5);
    assert_eq!(at.as_second(), five_later.as_second());
    assert_eq!(
        events[1].event_time().unwrap().secs(),
        five_later.as_second()
    );

    // The call that did delete: no error, the default window left out.
    let deletion = &details[2];
    assert!(deletion.get("errorCode").is_none(), "{deletion}");
    assert_eq!(deletion["responseElements"]["aRN"], arn.as_str());
    assert!(
        deletion["requestParameters"]
            .get("recoveryWindowInDays")
            .is_none()
    );
    assert_eq!(deletion["userIdentity"]["type"], "AssumedRole");

    // A restore keeps both in CloudTrail's history.
    store(&fake)
        .await
        .restore(Arn::new(arn.as_str()))
        .await
        .unwrap();
    assert_eq!(deletions(&fake, None).await.0.len(), 3);
}
