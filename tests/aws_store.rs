//! `AwsStore` against a real moto server: paging, restore, error kinds.
//! Only what AWS and moto agree on is asserted against moto (see
//! AWS-NOTES: moto's `DeletedDate` is the purge date, its account fixed).

#![allow(clippy::unwrap_used)]

mod common;
mod fake_aws;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, future};
use jiff::{SignedDuration, Timestamp};

use common::{
    ClosedPort, Moto, create_secret, delete_with_window, force_delete, raw_endpoint, store_config,
};
use reprieve::store::aws::AwsStore;
use reprieve::store::{Arn, ErrorKind, PendingSecret, SecretStore, StoreError};

/// Every page from the first to the last: (pending, scanned, pages).
async fn list_all(store: &AwsStore) -> (Vec<PendingSecret>, usize, usize) {
    let (mut pending, mut scanned, mut pages) = (Vec::new(), 0, 0);
    let mut token = None;
    loop {
        let page = store.list_page(token).await.unwrap();
        pages += 1;
        scanned += page.scanned;
        pending.extend(page.pending);
        token = page.next_token;
        if token.is_none() {
            return (pending, scanned, pages);
        }
        assert!(pages < 50, "paging does not end");
    }
}

fn names(secrets: &[PendingSecret]) -> BTreeSet<String> {
    secrets.iter().map(|s| s.name.clone()).collect()
}

/// Only a hung call fails on time.
const HANG: Duration = Duration::from_secs(120);

/// The `DeletedDate` DescribeSecret reports, read by a plain SDK client.
async fn described_deleted_date(sdk: &aws_sdk_secretsmanager::Client, arn: &Arn) -> Timestamp {
    let out = sdk
        .describe_secret()
        .secret_id(arn.as_str())
        .send()
        .await
        .unwrap();
    let date = out.deleted_date.expect("pending: DeletedDate");
    Timestamp::from_nanosecond(date.as_nanos()).unwrap()
}

#[tokio::test]
async fn listing_crosses_pages_and_keeps_only_pending_secrets() {
    let moto = Moto::start();
    let sdk = moto.client();
    let mut week = BTreeSet::new();
    let mut month = BTreeSet::new();
    let mut created = BTreeMap::new();
    for i in 0..145 {
        let name = format!("app/{i:03}");
        created.insert(name.clone(), create_secret(&sdk, &name).await);
        match i {
            0..8 => week.insert(name),
            8..14 => month.insert(name),
            _ => false,
        };
    }
    // Whole seconds: a date may be truncated on the way.
    let before = Timestamp::now() - SignedDuration::from_secs(1);
    for name in &week {
        delete_with_window(&sdk, name, 7).await;
    }
    for name in &month {
        delete_with_window(&sdk, name, 30).await;
    }
    // Gone for good: neither listed nor scanned.
    force_delete(&sdk, "app/144").await;

    let store = AwsStore::from_config(&store_config(&moto.url()).await);
    let (pending, scanned, pages) = list_all(&store).await;

    let expected: BTreeSet<String> = week.union(&month).cloned().collect();
    assert_eq!(names(&pending), expected);
    assert_eq!(pending.len(), expected.len(), "no secret listed twice");
    assert!(pages > 1, "expected more than one page, got {pages}");
    assert_eq!(scanned, 144, "130 active + 14 pending");
    for secret in &pending {
        assert_eq!(
            secret.arn.as_str(),
            created[&secret.name],
            "the ARN as created"
        );
        // AWS: the time of the call; moto: the purge. Never before the call.
        assert!(secret.deleted_date >= before, "{secret:?}");
        assert_eq!(
            secret.deleted_date,
            described_deleted_date(&sdk, &secret.arn).await,
            "the listing's DeletedDate is DescribeSecret's: {}",
            secret.name
        );
        assert_eq!(
            secret.description.as_deref(),
            Some(format!("test secret {}", secret.name).as_str())
        );
    }
}

#[tokio::test]
async fn restore_clears_the_deletion_and_the_listing_drops_it() {
    let moto = Moto::start();
    let sdk = moto.client();
    for name in ["keep/a", "gone/b", "gone/c"] {
        create_secret(&sdk, name).await;
    }
    delete_with_window(&sdk, "gone/b", 7).await;
    delete_with_window(&sdk, "gone/c", 10).await;

    let store = AwsStore::from_config(&store_config(&moto.url()).await);
    let (pending, _, _) = list_all(&store).await;
    assert_eq!(
        names(&pending),
        BTreeSet::from(["gone/b".to_owned(), "gone/c".to_owned()])
    );
    let target = pending.iter().find(|s| s.name == "gone/b").unwrap();

    store.restore(target.arn.clone()).await.unwrap();

    let described = sdk
        .describe_secret()
        .secret_id(target.arn.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(described.deleted_date, None);

    let (after, _, _) = list_all(&store).await;
    assert_eq!(names(&after), BTreeSet::from(["gone/c".to_owned()]));
}

#[tokio::test]
async fn restoring_an_unknown_arn_is_not_found() {
    let moto = Moto::start();
    // An ARN of this account and region that names no secret.
    let real = create_secret(&moto.client(), "probe").await;
    let (stem, _) = real.rsplit_once(":secret:").unwrap();
    let arn = Arn::new(format!("{stem}:secret:never-AbCdEf"));
    let store = AwsStore::from_config(&store_config(&moto.url()).await);
    let err = store.restore(arn).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err:?}");
    assert_eq!(err.code.as_deref(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let closed = ClosedPort::new();
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", closed.port)).is_err(),
        "no server can take the port while the test holds it"
    );
    let store = AwsStore::from_config(&store_config(&closed.url()).await);
    let err = tokio::time::timeout(HANG, store.list_page(None))
        .await
        .expect("a refused connection ends in an error, not a hang")
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unreachable, "{err:?}");
    assert!(err.message.contains("Connection refused"), "{err:?}");
}

#[tokio::test]
async fn a_config_without_region_is_no_region() {
    let config = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .build();
    let err = AwsStore::from_config(&config)
        .list_page(None)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NoRegion, "{err:?}");
}

/// The SDK's default chain with nothing to find: no variables, empty
/// profile files, and IMDS pointed at a closed loopback port so nothing
/// leaves the machine.
#[allow(deprecated)] // the aliases' new home, aws-runtime, is not a dependency
async fn no_credentials_error(endpoint: &str) -> StoreError {
    use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
    let imds = ClosedPort::new();
    let files = ProfileFiles::builder()
        .with_contents(
            ProfileFileKind::Config,
            format!(
                "[default]\nec2_metadata_service_endpoint = {}\n",
                imds.url()
            ),
        )
        .with_contents(ProfileFileKind::Credentials, "")
        .build();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .empty_test_environment()
        .profile_files(files)
        .region(aws_config::Region::new(common::REGION))
        .endpoint_url(endpoint)
        .load()
        .await;
    AwsStore::from_config(&config)
        .list_page(None)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn missing_credentials_are_no_credentials() {
    // Signing fails before any request is sent, so no server is needed.
    let closed = ClosedPort::new();
    let err = no_credentials_error(&closed.url()).await;
    assert_eq!(err.kind, ErrorKind::NoCredentials, "{err:?}");
}

/// Fails with the SDK's own text for an expired SSO token.
#[derive(Debug)]
struct Expired;

impl ProvideCredentials for Expired {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::provider_error(
            "the SSO token has expired and cannot be refreshed",
        )))
    }
}

#[tokio::test]
async fn an_expired_session_is_expired_credentials() {
    let closed = ClosedPort::new();
    let config = store_config(&closed.url())
        .await
        .into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Expired),
        )
        .build();
    let err = AwsStore::from_config(&config)
        .list_page(None)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ExpiredCredentials, "{err:?}");
}

/// An endpoint that answers every request with one AWS JSON error, the way
/// Secrets Manager reports throttling or a missing permission.
async fn failing_endpoint(status: u16, code: &'static str, message: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                // One request per connection is enough for the SDK's retries.
                let _ = socket.read(&mut buf).await;
                let body = format!(r#"{{"__type":"{code}","message":"{message}"}}"#);
                let reply = format!(
                    "HTTP/1.1 {status} Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\n\
                     x-amzn-errortype: {code}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn throttling_and_access_denied_come_back_as_their_own_kinds() {
    let url = failing_endpoint(400, "ThrottlingException", "Rate exceeded").await;
    let store = AwsStore::from_config(&store_config(&url).await);
    let err = store.list_page(None).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Throttled, "{err:?}");
    assert_eq!(err.code.as_deref(), Some("ThrottlingException"));
    assert_eq!(err.message, "Rate exceeded");

    let url = failing_endpoint(
        400,
        "AccessDeniedException",
        "User: arn:aws:iam::111122223333:user/ro is not authorized to perform: secretsmanager:RestoreSecret",
    )
    .await;
    let store = AwsStore::from_config(&store_config(&url).await);
    let err = store
        .restore(Arn::new(
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccessDenied, "{err:?}");
    assert!(
        err.to_string()
            .starts_with("AccessDeniedException: User: arn:aws:iam::"),
        "{err}"
    );
}

#[tokio::test]
async fn answers_that_are_not_aws_are_said_in_words() {
    let html = "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/html\r\n\
                content-length: 33\r\nconnection: close\r\n\r\n<html><h1>Bad Gateway</h1></html>";
    let url = raw_endpoint(html).await;
    let store = AwsStore::from_config(&store_config(&url).await);
    let err = store.list_page(None).await.unwrap_err();
    assert_eq!(
        err.message, "HTTP 500 from the service, without an AWS error message",
        "{err:?}"
    );

    let url = raw_endpoint("").await;
    let store = AwsStore::from_config(&store_config(&url).await);
    let err = store.list_page(None).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unreachable, "{err:?}");
    assert_eq!(
        err.message, "the connection closed before an answer came",
        "{err:?}"
    );
}

#[tokio::test]
async fn the_identity_is_the_account_that_owns_the_secrets() {
    let moto = Moto::start();
    let arn = create_secret(&moto.client(), "mine").await;
    let store = AwsStore::from_config(&store_config(&moto.url()).await);
    let identity = store.identity().await.unwrap();
    // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME
    let owner = arn.split(':').nth(4).unwrap();
    assert_eq!(identity.account, owner, "{identity:?} vs {arn}");
    assert!(
        identity.arn.starts_with("arn:aws:") && identity.arn.contains(&format!(":{owner}:")),
        "{identity:?}"
    );
}

#[tokio::test]
async fn the_identity_reads_sts_as_aws_writes_it() {
    let fake = fake_aws::FakeAws::start(Vec::new());
    let store = AwsStore::from_config(&store_config(&fake.url()).await);
    let identity = store.identity().await.unwrap();
    assert_eq!(identity.account, fake_aws::ACCOUNT);
    assert_eq!(
        identity.arn,
        format!("arn:aws:iam::{}:user/tester", fake_aws::ACCOUNT)
    );
    assert_eq!(fake.count("GetCallerIdentity"), 1);
}
