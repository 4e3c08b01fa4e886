//! `AwsStore`'s CloudTrail lookups through the real SDK, against a fake
//! that answers as AWS does, and endpoints that serve no CloudTrail.

#![allow(clippy::unwrap_used)]

mod common;
mod fake_aws;

use jiff::{SignedDuration, Timestamp};

use common::store_config;
use fake_aws::{FakeAws, FakeSecret, Who};
use reprieve::store::aws::AwsStore;
use reprieve::store::{ErrorKind, EventQuery, SecretStore};

fn query(token: Option<String>) -> EventQuery {
    EventQuery {
        start: Timestamp::now() - SignedDuration::from_hours(60 * 24),
        end: None,
        token,
    }
}

#[tokio::test]
async fn deletions_page_through_lookup_events_with_dates_and_principals() {
    let mut secrets: Vec<FakeSecret> = (0..70)
        .map(|i| {
            let ago = SignedDuration::from_hours(i + 1);
            FakeSecret::pending(&format!("svc/{i:02}"), ago, 7 + i % 24, Who::user("bob"))
        })
        .collect();
    secrets[0].deleted_by = Who::sso("Admin", "alice@example.com");
    secrets[1].garbled_deletion_date = true;
    secrets[2].earlier_deletions = vec![Timestamp::now() - SignedDuration::from_hours(40 * 24)];
    let expected: Vec<FakeSecret> = secrets.clone();
    let fake = FakeAws::start(secrets);
    let store = AwsStore::from_config(&store_config(&fake.url()).await);

    let first = store.deletion_events(query(None)).await.unwrap();
    assert_eq!(first.events.len(), 50, "a full page");
    assert!(first.next_token.is_some());
    let second = store
        .deletion_events(query(first.next_token))
        .await
        .unwrap();
    assert_eq!(second.events.len(), 21, "70 deletions and one earlier one");
    assert_eq!(second.next_token, None);
    let events: Vec<_> = first.events.into_iter().chain(second.events).collect();
    assert!(
        events
            .windows(2)
            .all(|w| w[0].event_time >= w[1].event_time),
        "newest first"
    );

    let of = |i: usize| {
        let arn = expected[i].arn();
        events
            .iter()
            .filter(move |e| e.arn.as_ref().map(|a| a.as_str()) == Some(arn.as_str()))
            .collect::<Vec<_>>()
    };
    let alice = of(0)[0];
    assert_eq!(alice.principal.short.as_deref(), Some("alice@example.com"));
    assert_eq!(alice.name.as_deref(), Some("svc/00"));
    let purge = expected[0].purge().unwrap();
    let off = alice.deletion_date.unwrap().duration_since(purge).abs();
    assert!(
        off < SignedDuration::from_secs(1),
        "purge {purge}, off {off:?}"
    );
    let garbled = of(1)[0];
    assert_eq!(garbled.deletion_date, None);
    assert_eq!(
        garbled.recovery_window_days,
        Some(8),
        "the fallback is kept"
    );
    assert_eq!(of(2).len(), 2, "deleted, restored and deleted again");
}

#[tokio::test]
async fn a_denied_lookup_is_access_denied() {
    let fake = FakeAws::start(vec![FakeSecret::pending(
        "svc/x",
        SignedDuration::from_hours(1),
        7,
        Who::user("bob"),
    )]);
    fake.deny_cloudtrail(true);
    let store = AwsStore::from_config(&store_config(&fake.url()).await);
    let err = store.deletion_events(query(None)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccessDenied, "{err:?}");
    assert!(err.message.contains("cloudtrail:LookupEvents"), "{err}");
    // Listing goes on.
    let page = store.list_page(None).await.unwrap();
    assert_eq!(page.pending.len(), 1);
    assert!(page.pending[0].deleted_date < Timestamp::now());
}

/// What an endpoint that serves no CloudTrail answers LookupEvents with.
async fn lookup_error(reply: String) -> reprieve::store::StoreError {
    let url = common::raw_endpoint(reply).await;
    let store = AwsStore::from_config(&store_config(&url).await);
    store.deletion_events(query(None)).await.unwrap_err()
}

fn answer(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn an_endpoint_without_cloudtrail_says_so_in_words() {
    // A plain web server, or an emulator that routes no CloudTrail.
    let err = lookup_error(answer(
        "404 Not Found",
        "content-type: text/html\r\n",
        "<html><h1>Not Found</h1></html>",
    ))
    .await;
    assert_eq!(
        err.message, "HTTP 404 Not Found: the endpoint does not serve this API",
        "{err:?}"
    );

    // An AWS-style service that does not know the operation.
    let err = lookup_error(answer(
        "400 Bad Request",
        "content-type: application/x-amz-json-1.1\r\nx-amzn-errortype: UnknownOperationException\r\n",
        r#"{"__type":"UnknownOperationException","message":"Unknown operation CloudTrail_20131101.LookupEvents"}"#,
    ))
    .await;
    assert_eq!(
        err.code.as_deref(),
        Some("UnknownOperationException"),
        "{err:?}"
    );
    assert_eq!(
        err.message,
        "Unknown operation CloudTrail_20131101.LookupEvents"
    );
}
