//! In-memory stores for `--demo` and fast tests, seeded from
//! `assets/demo-secrets*.json`. They page, fail and date deletions like
//! Secrets Manager and CloudTrail do: a listing's `DeletedDate` is when
//! `DeleteSecret` was called, and only the `DeleteSecret` event in
//! CloudTrail tells the purge date and who deleted the secret.
//!
//! [`DemoStore::sources`] gives several sources: three regions in two
//! accounts; one region is not enabled, and one profile has an expired SSO
//! session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::{
    Arn, DeletionEvent, Described, ErrorKind, EventPage, EventQuery, Identity, Page, PendingSecret,
    Principal, Receipt, SecretStore, StoreError, StoreFuture,
};

/// `prod` in `eu-west-1`, the busiest source.
const SEED: &str = include_str!("../../assets/demo-secrets.json");
/// `prod` in `us-east-1`: the same account, a few secrets.
const SEED_US_EAST_1: &str = include_str!("../../assets/demo-secrets-us-east-1.json");
/// `staging` in `eu-west-1`: another account.
const SEED_STAGING: &str = include_str!("../../assets/demo-secrets-staging.json");
const PAGE_SIZE: usize = 100;
/// `LookupEvents` gives up to 50 events a page; smaller pages let the dates
/// be watched firming up in the demo.
const EVENT_PAGE_SIZE: usize = 10;
/// The recovery window Secrets Manager applies when a request names none.
const DEFAULT_WINDOW_DAYS: i64 = 30;

#[derive(Deserialize)]
struct Seed {
    account: String,
    region: String,
    /// The principal `GetCallerIdentity` names.
    caller: String,
    /// The first part of the active secrets' names.
    active_prefix: String,
    active_secrets: usize,
    principals: HashMap<String, SeedPrincipal>,
    pending: Vec<SeedSecret>,
}

/// Someone who deletes secrets, as CloudTrail's `userIdentity` names them,
/// with where they usually call from.
#[derive(Deserialize)]
struct SeedPrincipal {
    kind: String,
    arn: String,
    short: String,
    source_ip: String,
    user_agent: String,
}

#[derive(Deserialize)]
struct SeedSecret {
    name: String,
    #[serde(default)]
    description: String,
    /// Hours from now to the purge (negative: overdue), rounded to minutes.
    due_in_hours: f64,
    /// The recovery window it was deleted with: it was deleted this long
    /// before its purge.
    window_days: i64,
    /// A key of `principals`.
    deleted_by: String,
    /// CloudTrail has delivered the `DeleteSecret` event.
    #[serde(default = "yes")]
    event: bool,
    /// The event carries `responseElements.deletionDate`.
    #[serde(default = "yes")]
    event_deletion_date: bool,
    /// Deletions before the current one, each since restored.
    #[serde(default)]
    earlier_deletions: Vec<SeedDeletion>,
    /// An error code that restoring this secret answers with.
    #[serde(default)]
    restore_error: Option<String>,
}

#[derive(Deserialize)]
struct SeedDeletion {
    /// Hours before the current deletion.
    hours_before: f64,
    window_days: i64,
    deleted_by: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone)]
struct DemoSecret {
    arn: Arn,
    name: String,
    description: Option<String>,
    /// When `DeleteSecret` was called, while the secret is pending.
    deleted_date: Option<Timestamp>,
    restore_error: Option<String>,
}

/// One demo source: what `--profile`/`--region` would have named, and its
/// store.
pub struct DemoSource {
    pub profile: String,
    pub region: String,
    pub store: Arc<dyn SecretStore>,
}

pub struct DemoStore {
    secrets: Mutex<Vec<DemoSecret>>,
    /// Every `DeleteSecret` event CloudTrail holds, newest first. A restore
    /// leaves them be, as CloudTrail does.
    events: Vec<DeletionEvent>,
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
            })
            .collect())
    }

    fn from_seed(json: &str, now: Timestamp, latency: Duration) -> Result<Self, StoreError> {
        let bad_seed =
            |m: String| StoreError::new(ErrorKind::Other, None, format!("demo data: {m}"));
        let seed: Seed = serde_json::from_str(json).map_err(|e| bad_seed(e.to_string()))?;
        let arn = |name: &str| {
            Arn::new(format!(
                "arn:aws:secretsmanager:{}:{}:secret:{name}-{}",
                seed.region,
                seed.account,
                suffix(name)
            ))
        };
        let at = |t: Timestamp, minutes: i64| {
            t.checked_add(SignedDuration::from_mins(minutes))
                .map_err(|e| bad_seed(e.to_string()))
        };
        let mut secrets = Vec::with_capacity(seed.pending.len() + seed.active_secrets);
        let mut events = Vec::new();
        for s in &seed.pending {
            let arn = arn(&s.name);
            let due = (s.due_in_hours * 60.0).round() as i64;
            let deleted_at = at(now, due - s.window_days * 24 * 60)?;
            if deleted_at >= now {
                return Err(bad_seed(format!("{} is deleted in the future", s.name)));
            }
            let deletions = std::iter::once((s.window_days, &s.deleted_by)).chain(
                s.earlier_deletions
                    .iter()
                    .map(|d| (d.window_days, &d.deleted_by)),
            );
            for (window, by) in deletions {
                if !(7..=30).contains(&window) {
                    return Err(bad_seed(format!("{}: a {window}-day window", s.name)));
                }
                if !seed.principals.contains_key(by) {
                    return Err(bad_seed(format!("{}: no principal `{by}`", s.name)));
                }
            }
            let mut deletion = |deleted_at: Timestamp, window: i64, by: &str, dated: bool| {
                let principal = &seed.principals[by];
                events.push(DeletionEvent {
                    // The event is stamped within the same request.
                    event_time: deleted_at
                        .checked_add(SignedDuration::from_millis(jitter(&s.name)))
                        .map_err(|e| bad_seed(e.to_string()))?,
                    arn: Some(arn.clone()),
                    name: Some(s.name.clone()),
                    deletion_date: if dated {
                        Some(at(deleted_at, window * 24 * 60)?)
                    } else {
                        None
                    },
                    // AWS leaves out a window that was not asked for; the
                    // event without a date shows the one that was.
                    recovery_window_days: (window != DEFAULT_WINDOW_DAYS || !dated)
                        .then_some(window),
                    forced: false,
                    principal: Arc::new(Principal {
                        kind: Some(principal.kind.clone()),
                        arn: Some(principal.arn.clone()),
                        short: Some(principal.short.clone()),
                    }),
                    source_ip: Some(principal.source_ip.clone()),
                    user_agent: Some(principal.user_agent.clone()),
                });
                Ok(())
            };
            if s.event {
                deletion(
                    deleted_at,
                    s.window_days,
                    &s.deleted_by,
                    s.event_deletion_date,
                )?;
            }
            for earlier in &s.earlier_deletions {
                let before = (earlier.hours_before * 60.0).round() as i64;
                deletion(
                    at(deleted_at, -before)?,
                    earlier.window_days,
                    &earlier.deleted_by,
                    true,
                )?;
            }
            secrets.push(DemoSecret {
                arn,
                name: s.name.clone(),
                description: (!s.description.is_empty()).then(|| s.description.clone()),
                deleted_date: Some(deleted_at),
                restore_error: s.restore_error.clone(),
            });
        }
        events.sort_by_key(|e| std::cmp::Reverse(e.event_time));
        // Active secrets, interleaved so pending ones turn up on every page.
        let teams = ["orders", "payments", "identity", "search", "ledger", "mail"];
        for i in 0..seed.active_secrets {
            let team = teams[i % teams.len()];
            let name = format!("{}/{team}/service-{i:04}", seed.active_prefix);
            let at = (i * 7919) % (secrets.len() + 1);
            secrets.insert(
                at,
                DemoSecret {
                    arn: arn(&name),
                    name,
                    description: None,
                    deleted_date: None,
                    restore_error: None,
                },
            );
        }
        Ok(DemoStore {
            secrets: Mutex::new(secrets),
            events,
            latency,
            events_latency: latency * 3,
            region: seed.region,
            account: seed.account,
            caller: seed.caller,
            seeded_at: (now, Instant::now()),
        })
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
                        description: s.description.clone(),
                        deleted_date: s.deleted_date?,
                    })
                })
                .collect(),
            scanned: slice.len(),
            next_token: (end < secrets.len()).then(|| end.to_string()),
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
}

/// A source whose every call fails the same way, after the usual latency:
/// a region not enabled, or credentials the SDK cannot refresh.
struct FailingStore {
    /// What Secrets Manager and CloudTrail answer.
    error: StoreError,
    /// What STS answers.
    identity_error: StoreError,
    latency: Duration,
}

impl FailingStore {
    fn fail<T>(&self, error: &StoreError) -> StoreFuture<'_, T> {
        let error = error.clone();
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            Err(error)
        })
    }
}

impl SecretStore for FailingStore {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        self.fail(&self.error)
    }

    fn restore(&self, _: Arn) -> StoreFuture<'_, Receipt> {
        self.fail(&self.error)
    }

    fn describe(&self, _: Arn) -> StoreFuture<'_, Described> {
        self.fail(&self.error)
    }

    fn identity(&self) -> StoreFuture<'_, Identity> {
        self.fail(&self.identity_error)
    }

    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        self.fail(&self.error)
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

fn hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// Secrets Manager appends six random characters to a name; a stable
/// stand-in keeps demo ARNs the same from run to run.
fn suffix(name: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let h = hash(name);
    (0..6)
        .map(|i| char::from(ALPHABET[((h >> (i * 8)) % ALPHABET.len() as u64) as usize]))
        .collect()
}

/// How long after the request CloudTrail stamps its event: under a second,
/// the same from run to run.
fn jitter(name: &str) -> i64 {
    (hash(name) >> 48) as i64 % 1000
}

#[cfg(test)]
mod tests;
