//! `reprieve list` as a script runs it: the real binary, stdout piped, no
//! terminal, against a fake that answers as AWS does. Every format is read
//! back with a real parser.

#![allow(clippy::unwrap_used)]

mod fake_aws;

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use fake_aws::{FakeAws, FakeSecret, Who};

/// The binary with the AWS environment cleared and static keys.
fn reprieve(fake_url: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reprieve"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/reprieve-cli/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/reprieve-cli/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("REPRIEVE_READ_ONLY")
        // No config file of the host's: its defaults would change the runs.
        .env_remove("REPRIEVE_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent/reprieve-cli/config-home")
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("reprieve-cli-state"),
        )
        .stdin(Stdio::null());
    if let Some(url) = fake_url {
        cmd.args(["--endpoint-url", url, "--region", "us-east-1"]);
    }
    cmd.args(args);
    cmd
}

fn run(fake: &FakeAws, args: &[&str]) -> Output {
    fake.wait_for_quota();
    reprieve(Some(&fake.url()), args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

/// Purges in the reverse of the names' order; one event not delivered yet;
/// one name a terminal would obey, one a CSV reader would split.
fn account() -> Vec<FakeSecret> {
    let mut fresh = FakeSecret::pending(
        "a/just-deleted",
        SignedDuration::from_mins(2),
        30,
        Who::user("ci"),
    );
    fresh.event = false;
    vec![
        FakeSecret::active("a/active"),
        // Purge in 12 hours.
        FakeSecret::pending("z/soonest", hours(6 * 24 + 12), 7, Who::user("bob")),
        // Purge in 13 days.
        FakeSecret::pending("y/two-weeks", hours(24), 14, Who::role("deployer", "gha-1")),
        FakeSecret::pending("x/\u{1b}[31mred", hours(20 * 24), 30, Who::user("eve")),
        FakeSecret::pending("w/comma,\"quote\"", hours(21 * 24), 30, Who::user("eve")),
        fresh,
    ]
}

fn names(records: &[Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[test]
fn json_jsonl_and_csv_say_the_same_soonest_first() {
    let fake = FakeAws::start(account());
    let json = run(&fake, &["list", "--output", "json"]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let records: Vec<Value> = serde_json::from_str(&stdout(&json)).unwrap();
    // By earliest possible purge: the fresh deletion's window opens in 7
    // days, before the exact 9, 10 and 13 (and names sort otherwise).
    assert_eq!(
        names(&records),
        [
            "z/soonest",
            "a/just-deleted",
            "w/comma,\"quote\"",
            "x/\u{1b}[31mred",
            "y/two-weeks"
        ]
    );
    let first = &records[0];
    let purge: Timestamp = first["purge_earliest"].as_str().unwrap().parse().unwrap();
    let expected = Timestamp::now() + hours(12);
    assert!(
        (purge - expected).abs() < SignedDuration::from_mins(1),
        "{first}"
    );
    assert_eq!(first["purge_latest"], first["purge_earliest"]);
    assert_eq!(first["purge_from"], "cloudtrail");
    assert_eq!(first["deleted_by"], "arn:aws:iam::111122223333:user/bob");
    assert_eq!(
        (first["region"].as_str(), first["account"].as_str()),
        (Some("us-east-1"), Some("111122223333"))
    );
    assert!(first["deleted_at"].as_str().unwrap().ends_with('Z'));
    let fresh = &records[1];
    assert_eq!(fresh["purge_from"], "window", "no event yet: a window");
    assert_eq!(fresh["deleted_by"], Value::Null);

    let jsonl = run(&fake, &["list", "-o", "jsonl"]);
    let lines: Vec<Value> = stdout(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, records, "jsonl is the same objects, one a line");

    let csv = run(&fake, &["list", "-o", "csv"]);
    let text = stdout(&csv);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let keys: Vec<&String> = records[0].as_object().unwrap().keys().collect();
    assert_eq!(header.len(), keys.len());
    for row in reader.records() {
        let row = row.unwrap();
        let i = header.iter().position(|h| h == "name").unwrap();
        let json = records.iter().find(|r| r["name"] == row[i]).unwrap();
        for (h, field) in header.iter().zip(row.iter()) {
            let want = match &json[h] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            assert_eq!(field, want, "{h}");
        }
    }
    assert!(
        text.contains("\"w/comma,\"\"quote\"\"\""),
        "quoted by the csv crate: {text}"
    );
}

#[test]
fn the_table_shows_a_hostile_name_without_obeying_it() {
    let fake = FakeAws::start(account());
    let out = run(&fake, &["list", "--utc"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}'),
        "an escape reached the terminal: {text:?}"
    );
    assert!(text.contains("x/␛[31mred"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[0].contains("PURGE (UTC)"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("z/soonest") && lines[1].contains("bob"),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("a/just-deleted") && l.contains('…'))
    );
}

#[test]
fn within_keeps_what_purges_in_time_and_not_a_minute_later() {
    let soon = FakeSecret::pending(
        "b/in-47h59m",
        hours(7 * 24 - 48) + SignedDuration::from_mins(1),
        7,
        Who::user("bob"),
    );
    let later = FakeSecret::pending(
        "a/in-48h01m",
        hours(7 * 24 - 48) - SignedDuration::from_mins(1),
        7,
        Who::user("bob"),
    );
    let fake = FakeAws::start(vec![soon, later]);
    let out = run(&fake, &["list", "-o", "jsonl", "--within", "48h"]);
    let names: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["b/in-47h59m"]);
    let out = run(&fake, &["list", "-o", "jsonl", "--within", "2882m"]);
    assert_eq!(stdout(&out).lines().count(), 2, "48h02m keeps both");
}

#[test]
fn no_cloudtrail_gives_windows_and_asks_cloudtrail_nothing() {
    let fake = FakeAws::start(account());
    let out = run(
        &fake,
        &[
            "list",
            "-o",
            "json",
            "--no-cloudtrail",
            "--filter",
            "@us-east-1 t",
        ],
    );
    let records: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    // Windows only: the earliest end of each, the oldest deletion first.
    assert_eq!(
        names(&records),
        [
            "w/comma,\"quote\"",
            "z/soonest",
            "y/two-weeks",
            "a/just-deleted"
        ]
    );
    assert!(records.iter().all(|r| r["purge_from"] == "window"));
    assert_eq!(fake.count("LookupEvents"), 0);
    let out = run(&fake, &["list", "-o", "json", "--filter", "@eu-west-1"]);
    assert_eq!(stdout(&out).trim(), "[]");
}

#[test]
fn warnings_go_to_stderr_and_the_data_still_parses() {
    let fake = FakeAws::start(account());
    fake.deny_cloudtrail(true);
    let out = run(&fake, &["list", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "dates are windows, not a failure"
    );
    let records: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(records.len(), 5);
    let err = stderr(&out);
    assert!(err.contains("cloudtrail:LookupEvents"), "{err}");
    assert!(!stdout(&out).contains("reprieve:"));
}

/// A source that fails beside one that lists: partial, 1; none at all: 3.
#[test]
fn exit_codes_say_what_a_script_must_know() {
    let fake = FakeAws::start(account());
    let dir = std::env::temp_dir().join(format!("reprieve-cli-codes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(&config, "[profile good]\nregion = us-east-1\n").unwrap();
    let with_config = |args: &[&str]| {
        let mut cmd = reprieve(Some(&fake.url()), args);
        cmd.env("AWS_CONFIG_FILE", &config);
        cmd.output().unwrap()
    };
    let partial = with_config(&["list", "-o", "jsonl", "--profile", "good,missing"]);
    assert_eq!(partial.status.code(), Some(1), "{}", stderr(&partial));
    assert_eq!(
        stdout(&partial).lines().count(),
        5,
        "the good source's rows"
    );
    assert!(
        stderr(&partial).contains("profile `missing`"),
        "{}",
        stderr(&partial)
    );
    let none = with_config(&["list", "--profile", "missing"]);
    assert_eq!(none.status.code(), Some(3), "{}", stderr(&none));
    assert!(stdout(&none).is_empty());
    let mut cmd = reprieve(Some(&fake.url()), &["list"]);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let keyless = cmd.output().unwrap();
    assert_eq!(
        keyless.status.code(),
        Some(3),
        "no credentials: {}",
        stderr(&keyless)
    );
    let usage = run(&fake, &["list", "--output", "yaml"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(stderr(&usage).contains("yaml"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `reprieve list | head -1`: the reader goes away; reprieve ends quietly.
#[test]
fn a_closed_pipe_ends_it_quietly() {
    let many: Vec<FakeSecret> = (0..1500)
        .map(|i| {
            FakeSecret::pending(
                &format!("bulk/{i:04}-{}", "x".repeat(200)),
                hours(24),
                7,
                Who::user("bob"),
            )
        })
        .collect();
    let fake = FakeAws::start(many);
    let mut child = reprieve(
        Some(&fake.url()),
        &["list", "-o", "jsonl", "--no-cloudtrail"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(141), "{err}");
}

#[test]
fn completions_and_the_man_page_print() {
    let bash = reprieve(None, &["completions", "bash"]).output().unwrap();
    assert_eq!(bash.status.code(), Some(0));
    let path =
        std::env::temp_dir().join(format!("reprieve-completion-{}.bash", std::process::id()));
    std::fs::write(&path, &bash.stdout).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stdout(&bash).contains("restore"));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = reprieve(None, &["completions", shell]).output().unwrap();
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
    let man = reprieve(None, &["man"]).output().unwrap();
    assert!(stdout(&man).contains(".TH reprieve"), "{}", stdout(&man));
    let _ = std::fs::remove_file(&path);
    let _ = Duration::ZERO;
}
