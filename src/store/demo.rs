//! In-memory stores for `--demo` and fast tests, seeded from
//! `assets/demo-secrets*.json`. They page, fail and date deletions like
//! Secrets Manager and CloudTrail do: a listing's `DeletedDate` is when
//! `DeleteSecret` was called, and only the `DeleteSecret` event in
//! CloudTrail tells the purge date and who deleted the secret.
//!
//! [`DemoStore::sources`] gives several sources: three regions in two
//! accounts; one region is not enabled, and one profile has an expired SSO
//! session.

mod failing;
mod org;
mod seed;

pub use org::{DEMO_CALLER, DemoMember};

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

use failing::FailingStore;
use seed::{SEED, SEED_STAGING, SEED_US_EAST_1, suffix};

use super::{
    Arn, DeletionEvent, Described, Details, ErrorKind, EventPage, EventQuery, FailedRead, Identity,
    Page, PendingSecret, ReadPage, Receipt, SecretStore, StoreError, StoreFuture,
};

const PAGE_SIZE: usize = 100;
/// `LookupEvents` gives up to 50 events a page; smaller pages let the dates
/// be watched firming up in the demo.
const EVENT_PAGE_SIZE: usize = 10;

#[derive(Debug, Clone)]
struct DemoSecret {
    arn: Arn,
    name: String,
    description: Option<String>,
    /// When `DeleteSecret` was called, while the secret is pending.
    deleted_date: Option<Timestamp>,
    last_accessed: Option<jiff::civil::Date>,
    restore_error: Option<String>,
}

/// One demo source: what `--profile`/`--region` would have named, and its
/// store.
pub struct DemoSource {
    pub profile: String,
    pub region: String,
    pub store: Arc<dyn SecretStore>,
    /// In the demo Organization: the account it is.
    pub member: Option<DemoMember>,
}

pub struct DemoStore {
    secrets: Mutex<Vec<DemoSecret>>,
    /// Every `DeleteSecret` event CloudTrail holds, newest first. A restore
    /// leaves them be, as CloudTrail does.
    events: Vec<DeletionEvent>,
    /// Every refused `GetSecretValue` CloudTrail holds, newest first.
    reads: Vec<FailedRead>,
    latency: Duration,
    /// CloudTrail answers slower than Secrets Manager.
    events_latency: Duration,
    region: String,
    account: String,
    caller: String,
    /// The seed's `now`, and when it was: the demo's clock runs on from it.
    seeded_at: (Timestamp, Instant),
}

impl DemoStore {
    /// The seeded store, with deletion dates counted from `now`.
    pub fn seeded(now: Timestamp, latency: Duration) -> Result<Self, StoreError> {
        Self::from_seed(SEED, now, latency)
    }

    /// Every demo source, in a stable order, with deletion dates counted
    /// from `now`.
    pub fn sources(now: Timestamp, latency: Duration) -> Result<Vec<DemoSource>, StoreError> {
        let invalid = |code| {
            StoreError::new(
                ErrorKind::InvalidCredentials,
                Some(code),
                "The security token included in the request is invalid.",
            )
        };
        let expired = StoreError::new(
            ErrorKind::ExpiredCredentials,
            None,
            "the SSO session for profile sandbox has expired; run aws sso login --profile sandbox",
        );
        let stores: [(&str, &str, Arc<dyn SecretStore>); 5] = [
            ("prod", "eu-west-1", Arc::new(Self::seeded(now, latency)?)),
            (
                "prod",
                "us-east-1",
                Arc::new(Self::from_seed(SEED_US_EAST_1, now, latency)?),
            ),
            // An opt-in region nobody enabled: AWS does not know the keys there.
            (
                "prod",
                "ap-south-2",
                Arc::new(FailingStore {
                    error: invalid("UnrecognizedClientException"),
                    identity_error: invalid("InvalidClientTokenId"),
                    latency,
                }),
            ),
            (
                "staging",
                "eu-west-1",
                Arc::new(Self::from_seed(SEED_STAGING, now, latency)?),
            ),
            // The SDK fails before any request leaves.
            (
                "sandbox",
                "eu-west-1",
                Arc::new(FailingStore {
                    error: expired.clone(),
                    identity_error: expired,
                    latency,
                }),
            ),
        ];
        Ok(stores
            .into_iter()
            .map(|(profile, region, store)| DemoSource {
                profile: profile.to_owned(),
                region: region.to_owned(),
                store,
                member: None,
            })
            .collect())
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// The demo's clock: the seed's `now`, plus the time since.
    fn now(&self) -> Timestamp {
        let (then, since) = self.seeded_at;
        SignedDuration::try_from(since.elapsed())
            .ok()
            .and_then(|d| then.checked_add(d).ok())
            .unwrap_or(then)
    }

    fn page_at(&self, token: Option<String>) -> Result<Page, StoreError> {
        let start = offset(token)?;
        let secrets = self.lock();
        let end = (start + PAGE_SIZE).min(secrets.len());
        let slice = secrets.get(start..end).unwrap_or_default();
        Ok(Page {
            pending: slice
                .iter()
                .filter_map(|s| {
                    Some(PendingSecret {
                        arn: s.arn.clone(),
                        name: s.name.clone(),
                        description: s.description.as_deref().map(Box::from),
                        deleted_date: s.deleted_date?,
                        last_accessed: s.last_accessed,
                    })
                })
                .collect(),
            scanned: slice.len(),
            next_token: (end < secrets.len()).then(|| end.to_string()),
            owners: Vec::new(),
        })
    }

    fn events_at(&self, query: EventQuery, now: Timestamp) -> Result<EventPage, StoreError> {
        let start = offset(query.token)?;
        let end = query.end.unwrap_or(now);
        let matching: Vec<&DeletionEvent> = self
            .events
            .iter()
            .filter(|e| (query.start..=end).contains(&e.event_time))
            .collect();
        let stop = (start + EVENT_PAGE_SIZE).min(matching.len());
        Ok(EventPage {
            events: matching
                .get(start..stop)
                .unwrap_or_default()
                .iter()
                .map(|e| (*e).clone())
                .collect(),
            unreadable: 0,
            next_token: (stop < matching.len()).then(|| stop.to_string()),
        })
    }

    fn reads_at(&self, query: EventQuery, now: Timestamp) -> Result<ReadPage, StoreError> {
        let start = offset(query.token)?;
        let end = query.end.unwrap_or(now);
        let matching: Vec<&FailedRead> = self
            .reads
            .iter()
            .filter(|r| (query.start..=end).contains(&r.event_time))
            .collect();
        let stop = (start + EVENT_PAGE_SIZE).min(matching.len());
        let reads: Vec<FailedRead> = matching
            .get(start..stop)
            .unwrap_or_default()
            .iter()
            .map(|r| (*r).clone())
            .collect();
        Ok(ReadPage {
            events: reads.len(),
            oldest: reads.last().map(|r| r.event_time),
            reads,
            unreadable: 0,
            next_token: (stop < matching.len()).then(|| stop.to_string()),
        })
    }

    fn restore_now(&self, arn: &Arn) -> Result<(), StoreError> {
        let mut secrets = self.lock();
        let Some(secret) = secrets.iter_mut().find(|s| &s.arn == arn) else {
            return Err(not_found());
        };
        if let Some(code) = &secret.restore_error {
            return Err(StoreError::new(
                ErrorKind::AccessDenied,
                Some(code),
                format!(
                    "User: arn:aws:sts::{}:assumed-role/ops-readonly/demo is not \
                     authorized to perform: secretsmanager:RestoreSecret on resource: {} \
                     because no identity-based policy allows the \
                     secretsmanager:RestoreSecret action",
                    self.account, secret.name
                ),
            ));
        }
        secret.deleted_date = None;
        Ok(())
    }

    fn describe_now(&self, arn: &Arn) -> Result<Described, StoreError> {
        let secrets = self.lock();
        match secrets.iter().find(|s| &s.arn == arn) {
            Some(secret) => Ok(Described {
                deleted_date: secret.deleted_date,
                details: Details {
                    created: secret
                        .deleted_date
                        .map(|d| d - jiff::SignedDuration::from_hours(24 * 400)),
                    last_changed: secret.deleted_date,
                    tags: vec![(
                        "team".to_owned(),
                        secret.name.split('/').nth(1).unwrap_or("").to_owned(),
                    )],
                    ..Details::default()
                },
            }),
            None => Err(not_found()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<DemoSecret>> {
        // A panic while holding the lock cannot leave the data half-written.
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for DemoStore {
    fn identity(&self) -> StoreFuture<'_, Identity> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            Ok(Identity {
                account: self.account.clone(),
                arn: self.caller.clone(),
            })
        })
    }

    fn list_page(&self, token: Option<String>) -> StoreFuture<'_, Page> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            self.page_at(token)
        })
    }

    fn restore(&self, arn: Arn) -> StoreFuture<'_, Receipt> {
        Box::pin(async move {
            tokio::time::sleep(self.latency * 2).await;
            self.restore_now(&arn)?;
            Ok(Receipt {
                request_id: Some(format!("demo-{}", suffix(arn.as_str()))),
            })
        })
    }

    fn describe(&self, arn: Arn) -> StoreFuture<'_, Described> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            self.describe_now(&arn)
        })
    }

    fn deletion_events(&self, query: EventQuery) -> StoreFuture<'_, EventPage> {
        Box::pin(async move {
            tokio::time::sleep(self.events_latency).await;
            self.events_at(query, self.now())
        })
    }

    fn failed_reads(&self, query: EventQuery) -> StoreFuture<'_, ReadPage> {
        Box::pin(async move {
            tokio::time::sleep(self.events_latency).await;
            self.reads_at(query, self.now())
        })
    }
}

fn not_found() -> StoreError {
    StoreError::new(
        ErrorKind::NotFound,
        Some("ResourceNotFoundException"),
        "Secrets Manager can't find the specified secret.",
    )
}

/// Where a page starts, from a `NextToken` this store handed out.
fn offset(token: Option<String>) -> Result<usize, StoreError> {
    match token {
        None => Ok(0),
        Some(t) => t.parse::<usize>().map_err(|_| {
            StoreError::new(
                ErrorKind::InvalidRequest,
                Some("InvalidNextTokenException"),
                "The NextToken value is invalid.",
            )
        }),
    }
}

#[cfg(test)]
mod tests;
