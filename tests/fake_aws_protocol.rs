//! The AWS fake's Secrets Manager answers as live AWS does, read through
//! reprieve's own `AwsStore`, and through a bare SDK client for what
//! reprieve never sends. CloudTrail's side is in `fake_aws_events.rs`.

#![allow(clippy::unwrap_used)]

mod common;
mod fake_aws;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use aws_types::region::Region;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use common::store_config;
use fake_aws::{FakeAws, FakeSecret, Who};
use reprieve::store::aws::AwsStore;
use reprieve::store::{Arn, ErrorKind, EventQuery, PendingSecret, SecretStore};

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

fn secrets_client(fake: &FakeAws) -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "t"))
        .endpoint_url(fake.url())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

/// `a` and `b` name the same millisecond (dates cross JSON as float seconds).
/// The wire carries milliseconds as a float: the fake drops the rest of a
/// millisecond, and the float's rounding can add a few nanoseconds.
fn same_instant(a: Timestamp, b: Timestamp) -> bool {
    a.duration_since(b).abs() <= SignedDuration::from_millis(2)
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
        assert_eq!(secret.description.as_deref(), seed.description.as_deref());
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
    let history = store
        .deletion_events(EventQuery {
            start: Timestamp::now() - hours(24),
            end: None,
            token: None,
        })
        .await
        .unwrap();
    assert_eq!(history.events.len(), 2, "both deletions stay in CloudTrail");
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
