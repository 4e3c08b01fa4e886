//! The demo's data: the seed files, read into secrets and the CloudTrail
//! events that date them, with names and ARNs stable from run to run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::{DemoSecret, DemoStore};
use crate::store::{Arn, DeletionEvent, ErrorKind, FailedRead, Principal, StoreError};

/// `prod` in `eu-west-1`, the busiest source.
pub(super) const SEED: &str = include_str!("../../../assets/demo-secrets.json");
/// `prod` in `us-east-1`: the same account, a few secrets.
pub(super) const SEED_US_EAST_1: &str = include_str!("../../../assets/demo-secrets-us-east-1.json");
/// `staging` in `eu-west-1`: another account.
pub(super) const SEED_STAGING: &str = include_str!("../../../assets/demo-secrets-staging.json");
/// The recovery window Secrets Manager applies when a request names none.
const DEFAULT_WINDOW_DAYS: i64 = 30;

#[derive(Deserialize)]
pub(super) struct Seed {
    pub(super) account: String,
    pub(super) region: String,
    /// The principal `GetCallerIdentity` names.
    pub(super) caller: String,
    /// The first part of the active secrets' names.
    pub(super) active_prefix: String,
    pub(super) active_secrets: usize,
    pub(super) principals: HashMap<String, SeedPrincipal>,
    pub(super) pending: Vec<SeedSecret>,
}

/// Someone who deletes secrets, as CloudTrail's `userIdentity` names them,
/// with where they usually call from.
#[derive(Deserialize)]
pub(super) struct SeedPrincipal {
    pub(super) kind: String,
    pub(super) arn: String,
    pub(super) short: String,
    pub(super) source_ip: String,
    pub(super) user_agent: String,
}

#[derive(Deserialize)]
pub(super) struct SeedSecret {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    /// Hours from now to the purge (negative: overdue), rounded to minutes.
    pub(super) due_in_hours: f64,
    /// The recovery window it was deleted with: it was deleted this long
    /// before its purge.
    pub(super) window_days: i64,
    /// A key of `principals`.
    pub(super) deleted_by: String,
    /// CloudTrail has delivered the `DeleteSecret` event.
    #[serde(default = "yes")]
    pub(super) event: bool,
    /// The event carries `responseElements.deletionDate`.
    #[serde(default = "yes")]
    pub(super) event_deletion_date: bool,
    /// Deletions before the current one, each since restored.
    #[serde(default)]
    pub(super) earlier_deletions: Vec<SeedDeletion>,
    /// An error code that restoring this secret answers with.
    #[serde(default)]
    pub(super) restore_error: Option<String>,
    /// `LastAccessedDate`: this many days before the deletion's day.
    #[serde(default)]
    pub(super) accessed_days_before: Option<i64>,
    /// Reads refused since the deletion.
    #[serde(default)]
    pub(super) failed_reads: Option<SeedReads>,
}

/// Someone still asking for a deleted secret: one read every
/// `every_minutes`, the last `last_minutes_ago` before now.
#[derive(Deserialize)]
pub(super) struct SeedReads {
    /// A key of `principals`.
    pub(super) by: String,
    pub(super) count: usize,
    pub(super) every_minutes: i64,
    pub(super) last_minutes_ago: i64,
    /// The reads name the secret by its ARN, not its name.
    #[serde(default)]
    pub(super) by_arn: bool,
}

#[derive(Deserialize)]
pub(super) struct SeedDeletion {
    /// Hours before the current deletion.
    pub(super) hours_before: f64,
    pub(super) window_days: i64,
    pub(super) deleted_by: String,
}

fn yes() -> bool {
    true
}

impl DemoStore {
    pub(super) fn from_seed(
        json: &str,
        now: Timestamp,
        latency: Duration,
    ) -> Result<Self, StoreError> {
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
        let mut reads = Vec::new();
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
            if let Some(r) = &s.failed_reads {
                let Some(reader) = seed.principals.get(&r.by) else {
                    return Err(bad_seed(format!("{}: no principal `{}`", s.name, r.by)));
                };
                let principal = Arc::new(Principal {
                    kind: Some(reader.kind.clone()),
                    arn: Some(reader.arn.clone()),
                    short: Some(reader.short.clone()),
                });
                for i in 0..r.count {
                    let ago = r.last_minutes_ago + r.every_minutes * i as i64;
                    let event_time = at(now, -ago)?;
                    if event_time < deleted_at {
                        break;
                    }
                    reads.push(FailedRead {
                        event_time,
                        event_id: Some(format!("demo-read-{}-{i}", suffix(&s.name))),
                        secret_id: if r.by_arn {
                            arn.to_string()
                        } else {
                            s.name.clone()
                        },
                        principal: Arc::clone(&principal),
                        source_ip: Some(reader.source_ip.clone()),
                    });
                }
            }
            let deleted_day = jiff::tz::Offset::UTC.to_datetime(deleted_at).date();
            let last_accessed = s
                .accessed_days_before
                .and_then(|d| deleted_day.checked_sub(jiff::Span::new().days(d)).ok());
            secrets.push(DemoSecret {
                arn,
                name: s.name.clone(),
                description: (!s.description.is_empty()).then(|| s.description.clone()),
                deleted_date: Some(deleted_at),
                last_accessed,
                restore_error: s.restore_error.clone(),
            });
        }
        events.sort_by_key(|e| std::cmp::Reverse(e.event_time));
        reads.sort_by_key(|r| std::cmp::Reverse(r.event_time));
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
                    last_accessed: None,
                    restore_error: None,
                },
            );
        }
        Ok(DemoStore {
            secrets: Mutex::new(secrets),
            events,
            reads,
            latency,
            events_latency: latency * 3,
            region: seed.region,
            account: seed.account,
            caller: seed.caller,
            seeded_at: (now, Instant::now()),
        })
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
pub(super) fn suffix(name: &str) -> String {
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
