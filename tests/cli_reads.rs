//! Who still asks for a deleted secret, as `reprieve list -o json` says it,
//! against a fake that records reads as CloudTrail does: refused ones by
//! name, full ARN and partial ARN, and the noise that must not count.

#![allow(clippy::unwrap_used)]

mod fake_aws;

use std::process::{Command, Stdio};

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use fake_aws::{Answer, FakeAws, FakeRead, FakeSecret, Who};

fn list(fake: &FakeAws, extra: &[&str]) -> (Vec<Value>, String, Option<i32>) {
    fake.wait_for_quota();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reprieve"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .env("AWS_CONFIG_FILE", "/nonexistent/reprieve-cli/config")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("REPRIEVE_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent/reprieve-cli/config-home")
        .args(["--endpoint-url", &fake.url(), "--region", "us-east-1"])
        .args(["list", "-o", "json"])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let records = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (records, err, out.status.code())
}

fn ago(mins: i64) -> Timestamp {
    Timestamp::now() - SignedDuration::from_mins(mins)
}

fn record<'a>(records: &'a [Value], name: &str) -> &'a Value {
    records.iter().find(|r| r["name"] == name).unwrap()
}

/// `billing/db` deleted two days ago: five refused reads since (by name,
/// full ARN, partial ARN), and noise. `other/key` is asked for once.
fn account() -> Vec<FakeSecret> {
    let api = Who::role("payments-api", "task-1");
    let mut billing = FakeSecret::pending(
        "billing/db",
        SignedDuration::from_hours(48),
        7,
        Who::user("bob"),
    );
    let arn = billing.arn();
    let partial = arn.rsplit_once('-').unwrap().0.to_owned();
    billing.reads = vec![
        FakeRead::new(ago(4), api.clone(), "billing/db", Answer::Refused),
        FakeRead::new(ago(30), api.clone(), &arn, Answer::Refused),
        FakeRead::new(ago(60), api.clone(), &partial, Answer::Refused),
        FakeRead::new(ago(90), api.clone(), "billing/db", Answer::Refused),
        FakeRead::new(ago(120), api.clone(), "billing/db", Answer::Refused),
        // Noise: denied after the deletion, and read fine before it.
        FakeRead::new(ago(10), Who::user("eve"), "billing/db", Answer::Denied),
        FakeRead::new(ago(3 * 24 * 60), api.clone(), "billing/db", Answer::Read),
    ];
    let mut other = FakeSecret::pending(
        "other/key",
        SignedDuration::from_hours(24),
        7,
        Who::user("bob"),
    );
    other.reads = vec![FakeRead::new(
        ago(15),
        Who::user("cron"),
        "other/key",
        Answer::Refused,
    )];
    let mut active = FakeSecret::active("live/token");
    active.reads = vec![FakeRead::new(ago(5), api, "live/token", Answer::Read)];
    let quiet = FakeSecret::pending(
        "quiet/one",
        SignedDuration::from_hours(30),
        7,
        Who::user("bob"),
    );
    vec![billing, other, active, quiet]
}

#[test]
fn refused_reads_are_counted_per_secret_and_the_noise_is_not() {
    let fake = FakeAws::start(account());
    let (records, err, code) = list(&fake, &[]);
    assert_eq!(code, Some(0), "{err}");
    let billing = record(&records, "billing/db");
    assert_eq!(
        billing["failed_reads"], 5,
        "name, ARN and partial ARN: {billing}"
    );
    let last: Timestamp = billing["last_failed_read"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (last - ago(4)).abs() < SignedDuration::from_mins(1),
        "{billing}"
    );
    assert_eq!(
        billing["last_failed_reader"],
        "arn:aws:sts::111122223333:assumed-role/payments-api/task-1"
    );
    assert_eq!(record(&records, "other/key")["failed_reads"], 1);
    assert_eq!(
        record(&records, "quiet/one")["failed_reads"],
        0,
        "checked, none"
    );
    assert!(err.contains("refused reads checked since"), "{err}");
    // --in-use keeps the secrets still asked for.
    let (records, _, _) = list(&fake, &["--in-use"]);
    let names: Vec<&str> = records
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["billing/db", "other/key"]);
}

#[test]
fn without_cloudtrail_the_counts_are_unknown_not_zero() {
    let fake = FakeAws::start(account());
    fake.deny_cloudtrail(true);
    let (records, err, code) = list(&fake, &[]);
    assert_eq!(code, Some(0));
    assert!(
        records.iter().all(|r| r["failed_reads"].is_null()),
        "{records:?}"
    );
    assert!(err.contains("refused reads unknown"), "{err}");
    let fake = FakeAws::start(account());
    let (records, _, _) = list(&fake, &["--no-cloudtrail"]);
    assert!(records.iter().all(|r| r["failed_reads"].is_null()));
    assert_eq!(fake.count("LookupEvents"), 0);
}

/// Reads are looked for back to the horizon, no further: a refused read
/// older than that is not read, so the count is not known back to the
/// deletion, and stderr says how far back reads were checked.
#[test]
fn reads_older_than_the_horizon_are_not_read_and_the_count_says_so() {
    let mut old = FakeSecret::pending(
        "old/db",
        SignedDuration::from_hours(10 * 24),
        30,
        Who::user("bob"),
    );
    old.reads = vec![FakeRead::new(
        ago(8 * 24 * 60),
        Who::user("cron"),
        "old/db",
        Answer::Refused,
    )];
    let fake = FakeAws::start(vec![old]);
    let (records, err, _) = list(&fake, &[]);
    let row = record(&records, "old/db");
    assert!(
        row["failed_reads"].is_null(),
        "not known back to the deletion: {row}"
    );
    let since = err
        .lines()
        .find_map(|l| l.strip_prefix("reprieve: refused reads checked since "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("{err}"));
    let since: Timestamp = since.parse().unwrap();
    let horizon = Timestamp::now() - SignedDuration::from_hours(7 * 24);
    assert!(
        (since - horizon).abs() < SignedDuration::from_mins(5),
        "{since}"
    );
}
