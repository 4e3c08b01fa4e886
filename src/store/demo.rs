//! An in-memory store for `--demo` and fast tests, seeded from
//! `assets/demo-secrets.json`. It pages and fails like Secrets Manager does.

use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::{Arn, ErrorKind, Page, PendingSecret, Restored, SecretStore, StoreError, StoreFuture};

const SEED: &str = include_str!("../../assets/demo-secrets.json");
const PAGE_SIZE: usize = 100;

#[derive(Deserialize)]
struct Seed {
    account: String,
    region: String,
    active_secrets: usize,
    pending: Vec<SeedSecret>,
}

#[derive(Deserialize)]
struct SeedSecret {
    name: String,
    #[serde(default)]
    description: String,
    due_in_hours: f64,
    /// An error code that restoring this secret answers with.
    #[serde(default)]
    restore_error: Option<String>,
}

#[derive(Debug, Clone)]
struct DemoSecret {
    arn: Arn,
    name: String,
    description: Option<String>,
    deleted_date: Option<Timestamp>,
    restore_error: Option<String>,
}

pub struct DemoStore {
    secrets: Mutex<Vec<DemoSecret>>,
    latency: Duration,
    region: String,
}

impl DemoStore {
    /// The seeded store, with deletion dates counted from `now`.
    pub fn seeded(now: Timestamp, latency: Duration) -> Result<Self, StoreError> {
        let seed: Seed = serde_json::from_str(SEED)
            .map_err(|e| StoreError::new(ErrorKind::Other, None, format!("demo data: {e}")))?;
        let arn = |name: &str| {
            Arn::new(format!(
                "arn:aws:secretsmanager:{}:{}:secret:{name}-{}",
                seed.region,
                seed.account,
                suffix(name)
            ))
        };
        let mut secrets: Vec<DemoSecret> = seed
            .pending
            .iter()
            .map(|s| {
                let minutes = (s.due_in_hours * 60.0).round() as i64;
                DemoSecret {
                    arn: arn(&s.name),
                    name: s.name.clone(),
                    description: (!s.description.is_empty()).then(|| s.description.clone()),
                    deleted_date: now.checked_add(SignedDuration::from_mins(minutes)).ok(),
                    restore_error: s.restore_error.clone(),
                }
            })
            .collect();
        // Active secrets, interleaved so pending ones turn up on every page.
        let teams = ["orders", "payments", "identity", "search", "ledger", "mail"];
        for i in 0..seed.active_secrets {
            let name = format!("prod/{}/service-{i:04}", teams[i % teams.len()]);
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
            latency,
            region: seed.region,
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    fn page_at(&self, token: Option<String>) -> Result<Page, StoreError> {
        let start = match token {
            None => 0,
            Some(t) => t.parse::<usize>().map_err(|_| {
                StoreError::new(
                    ErrorKind::InvalidRequest,
                    Some("InvalidNextTokenException"),
                    "The NextToken value is invalid.",
                )
            })?,
        };
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

    fn restore_now(&self, arn: &Arn) -> Result<Restored, StoreError> {
        let mut secrets = self.lock();
        let Some(secret) = secrets.iter_mut().find(|s| &s.arn == arn) else {
            return Err(StoreError::new(
                ErrorKind::NotFound,
                Some("ResourceNotFoundException"),
                "Secrets Manager can't find the specified secret.",
            ));
        };
        if let Some(code) = &secret.restore_error {
            return Err(StoreError::new(
                ErrorKind::AccessDenied,
                Some(code),
                format!(
                    "User: arn:aws:sts::123456789012:assumed-role/ops-readonly/demo is not \
                     authorized to perform: secretsmanager:RestoreSecret on resource: {} \
                     because no identity-based policy allows the \
                     secretsmanager:RestoreSecret action",
                    secret.name
                ),
            ));
        }
        secret.deleted_date = None;
        Ok(Restored {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<DemoSecret>> {
        // A panic while holding the lock cannot leave the data half-written.
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for DemoStore {
    fn list_page(&self, token: Option<String>) -> StoreFuture<'_, Page> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            self.page_at(token)
        })
    }

    fn restore(&self, arn: Arn) -> StoreFuture<'_, Restored> {
        Box::pin(async move {
            tokio::time::sleep(self.latency * 2).await;
            self.restore_now(&arn)
        })
    }
}

/// Secrets Manager appends six random characters to a name; a stable
/// stand-in keeps demo ARNs the same from run to run.
fn suffix(name: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(ALPHABET[((h >> (i * 8)) % ALPHABET.len() as u64) as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> DemoStore {
        DemoStore::seeded("2026-11-29T12:00:00Z".parse().unwrap(), Duration::ZERO).unwrap()
    }

    fn list_all(store: &DemoStore) -> (Vec<PendingSecret>, usize, usize) {
        let (mut pending, mut scanned, mut pages, mut token) = (vec![], 0, 0, None);
        loop {
            let page = store.page_at(token).unwrap();
            pending.extend(page.pending);
            scanned += page.scanned;
            pages += 1;
            token = page.next_token;
            if token.is_none() {
                return (pending, scanned, pages);
            }
        }
    }

    #[test]
    fn seed_covers_every_state_the_ui_can_show() {
        let now: Timestamp = "2026-11-29T12:00:00Z".parse().unwrap();
        let (pending, scanned, pages) = list_all(&store());
        assert!(pending.len() >= 40, "only {} pending", pending.len());
        assert!(pages > 1, "the demo should page");
        assert!(scanned > pending.len());
        let hours = |s: &PendingSecret| s.deleted_date.duration_since(now).as_hours();
        assert!(pending.iter().any(|s| hours(s) < 0), "something overdue");
        assert!(pending.iter().any(|s| (0..24).contains(&hours(s))));
        assert!(pending.iter().any(|s| (24..72).contains(&hours(s))));
        assert!(pending.iter().all(|s| hours(s) <= 30 * 24));
    }

    #[test]
    fn restore_removes_a_secret_from_the_pending_list() {
        let store = store();
        let (pending, ..) = list_all(&store);
        let target = pending
            .iter()
            .find(|s| s.name == "prod/orders/postgres-primary")
            .unwrap();
        let restored = store.restore_now(&target.arn).unwrap();
        assert_eq!(restored.name, target.name);
        let (after, ..) = list_all(&store);
        assert_eq!(after.len(), pending.len() - 1);
        assert!(after.iter().all(|s| s.arn != target.arn));
    }

    #[test]
    fn one_secret_refuses_with_access_denied_and_unknown_arns_are_not_found() {
        let store = store();
        let (pending, ..) = list_all(&store);
        let denied = pending
            .iter()
            .find(|s| s.name == "prod/identity/okta-scim-token")
            .unwrap();
        let err = store.restore_now(&denied.arn).unwrap_err();
        assert_eq!(err.kind, ErrorKind::AccessDenied);
        assert_eq!(err.code.as_deref(), Some("AccessDeniedException"));
        let err = store
            .restore_now(&Arn::new("arn:aws:secretsmanager:eu-west-1:1:secret:gone"))
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
    }
}
