//! The secrets the benchmark lists: names, ARNs, dates and CloudTrail
//! events, the same from run to run.

use jiff::{SignedDuration, Timestamp};
use reprieve::store::{Arn, DeletionEvent, Page, PendingSecret, Principal};

pub const ROWS: usize = 100_000;
pub const PAGE: usize = 100;
/// Refused reads fed to the dashboard, for P-keys and P-mem.
pub const READS: usize = 50_000;
const NOW: &str = "2026-11-29T12:00:00Z";

pub fn now() -> Timestamp {
    NOW.parse().expect("a timestamp")
}

pub fn name(i: usize) -> String {
    const TEAMS: [&str; 8] = [
        "orders", "payments", "identity", "search", "ledger", "mail", "edge", "ml",
    ];
    let env = ["prod", "staging", "dev"][i % 3];
    format!(
        "{env}/{}/service-{i:06}-credentials",
        TEAMS[i % TEAMS.len()]
    )
}

/// Regions for the many-source runs; row `i` of `sources` lives in one.
pub const REGIONS: [&str; 8] = [
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
];

/// Which source row `i` belongs to when pages are dealt out in turn.
pub fn source_of(i: usize, sources: usize) -> usize {
    (i / PAGE) % sources.max(1)
}

pub fn arn(i: usize) -> Arn {
    arn_in(i, 1)
}

pub fn arn_in(i: usize, sources: usize) -> Arn {
    Arn::new(format!(
        "arn:aws:secretsmanager:{}:111122223333:secret:{}-AbCdEf",
        REGIONS[source_of(i, sources)],
        name(i)
    ))
}

/// Deleted between minutes and 29 days ago, as AWS lists it.
pub fn deleted(i: usize) -> Timestamp {
    let mins = (i * 7919 % (29 * 24 * 60)) as i64 + 5;
    now() - SignedDuration::from_mins(mins)
}

fn window_days(i: usize) -> i64 {
    [7, 10, 14, 30][i % 4]
}

pub fn secret(i: usize, sources: usize) -> PendingSecret {
    PendingSecret {
        arn: arn_in(i, sources),
        name: name(i),
        description: Some(format!("Credentials of service {i} for the nightly jobs").into()),
        deleted_date: deleted(i),
        last_accessed: None,
    }
}

pub fn listing_page(p: usize, sources: usize) -> Page {
    Page {
        pending: (p * PAGE..(p + 1) * PAGE)
            .map(|i| secret(i, sources))
            .collect(),
        scanned: PAGE,
        next_token: (p + 1 < ROWS / PAGE).then(|| (p + 1).to_string()),
        owners: Vec::new(),
    }
}

pub fn event(i: usize, sources: usize) -> DeletionEvent {
    let who = ["alice@example.com", "bob", "gha-run-8812", "root"][i % 4];
    DeletionEvent {
        event_time: deleted(i),
        arn: Some(arn_in(i, sources)),
        name: Some(name(i)),
        deletion_date: Some(deleted(i) + SignedDuration::from_hours(window_days(i) * 24)),
        recovery_window_days: Some(window_days(i)),
        forced: false,
        principal: std::sync::Arc::new(Principal {
            kind: Some("AssumedRole".into()),
            arn: Some(format!("arn:aws:sts::111122223333:assumed-role/ops/{who}")),
            short: Some(who.into()),
        }),
        source_ip: Some("203.0.113.7".into()),
        user_agent: Some("aws-cli/2.15.0".into()),
    }
}
