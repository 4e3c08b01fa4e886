//! `reprieve restore` as a script runs it: the real binary, no terminal,
//! against a fake that answers as AWS does and against moto in two regions.

#![allow(clippy::unwrap_used)]

mod common;
mod fake_aws;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use jiff::SignedDuration;
use serde_json::Value;

use fake_aws::{FakeAws, FakeSecret, Who};

fn reprieve(url: &str, regions: &str, args: &[&str]) -> Command {
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
        .args(["--endpoint-url", url, "--region", regions])
        .args(args)
        .stdin(Stdio::null());
    cmd
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reprieve-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn audit(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn pending(n: usize) -> Vec<FakeSecret> {
    (0..n)
        .map(|i| {
            let ago = SignedDuration::from_hours(24 + i as i64);
            FakeSecret::pending(&format!("app/{i:02}"), ago, 7, Who::user("bob"))
        })
        .collect()
}

#[test]
fn named_secrets_are_restored_once_each_with_their_audit_lines() {
    let dir = temp_dir("named");
    let log = dir.join("audit.jsonl");
    let fake = FakeAws::start(pending(4));
    let arn = fake_secret_arn(&fake, "app/01");
    let out = reprieve(
        &fake.url(),
        "us-east-1",
        &["restore", "app/00", &arn, "app/00", "--yes"],
    )
    .args(["--audit-log", log.to_str().unwrap()])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("restored\tapp/00\tarn:"), "{text}");
    assert!(lines[1].starts_with("restored\tapp/01\tarn:"), "{text}");
    assert_eq!(
        fake.count("RestoreSecret"),
        2,
        "app/00 once though named twice"
    );
    assert_eq!(fake.deleted_at("app/00"), None);
    assert_eq!(fake.deleted_at("app/01"), None);
    assert!(fake.deleted_at("app/02").is_some(), "nothing else");
    let lines = audit(&log);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["result"], "sent");
    assert_eq!(lines.iter().filter(|l| l["result"] == "ok").count(), 2);
    assert!(
        lines
            .iter()
            .all(|l| l["principal"] == "arn:aws:iam::111122223333:user/tester")
    );
    assert!(lines.iter().all(|l| l["profile"] == "default"));
}

fn fake_secret_arn(fake: &FakeAws, name: &str) -> String {
    let out = reprieve(
        &fake.url(),
        "us-east-1",
        &["list", "-o", "jsonl", "--no-cloudtrail"],
    )
    .output()
    .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["name"] == name)
        .map(|r| r["arn"].as_str().unwrap().to_owned())
        .unwrap()
}

#[test]
fn json_output_is_one_object_a_secret_and_stdin_names_them() {
    let fake = FakeAws::start(pending(3));
    let mut child = reprieve(
        &fake.url(),
        "us-east-1",
        &["restore", "-", "--yes", "-o", "json", "--no-audit-log"],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"app/02\n\n  app/00  \n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let results: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = results
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app/02", "app/00"], "in the order given");
    assert!(
        results
            .iter()
            .all(|r| r["result"] == "restored" && r["region"] == "us-east-1")
    );
}

#[test]
fn nothing_is_restored_unless_every_name_is_found_asked_for_and_allowed() {
    let fake = FakeAws::start(pending(2));
    let url = fake.url();
    // An unknown name beside a good one: neither is restored.
    let out = reprieve(&url, "us-east-1", &["restore", "app/00", "nope", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err(&out).contains("nope: not scheduled for deletion"),
        "{}",
        err(&out)
    );
    // No --yes and no terminal to ask on.
    let out = reprieve(&url, "us-east-1", &["restore", "app/00"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(err(&out).contains("--yes"), "{}", err(&out));
    // Read-only, by flag or environment, before anything is asked of AWS.
    let calls = fake.calls().len();
    let out = reprieve(
        &url,
        "us-east-1",
        &["--read-only", "restore", "app/00", "--yes"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = reprieve(&url, "us-east-1", &["restore", "app/00", "--yes"])
        .env("REPRIEVE_READ_ONLY", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(err(&out).contains("read-only"));
    assert_eq!(fake.calls().len(), calls, "read-only asked AWS nothing");
    // An empty stdin names nothing.
    let out = reprieve(&url, "us-east-1", &["restore", "-", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fake.count("RestoreSecret"), 0);
    assert!(fake.deleted_at("app/00").is_some());
}

/// The same name pending in two regions is refused, naming both ARNs.
#[test]
fn an_ambiguous_name_restores_nothing() {
    let moto = common::Moto::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut arns = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        let client = moto.client_in(region);
        rt.block_on(async {
            arns.push(common::create_secret(&client, "shared/db").await);
            common::delete_with_window(&client, "shared/db", 7).await;
        });
    }
    let out = reprieve(
        &moto.url(),
        "us-east-1,eu-west-1",
        &["restore", "shared/db", "--yes", "--no-audit-log"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", err(&out));
    for arn in &arns {
        assert!(err(&out).contains(arn.as_str()), "{}", err(&out));
    }
    for region in ["us-east-1", "eu-west-1"] {
        let client = moto.client_in(region);
        let described = rt
            .block_on(client.describe_secret().secret_id("shared/db").send())
            .unwrap();
        assert!(described.deleted_date.is_some(), "{region} still pending");
    }
    // By ARN it is one secret, and only that one is restored.
    let out = reprieve(
        &moto.url(),
        "us-east-1,eu-west-1",
        &["restore", &arns[1], "--yes", "--no-audit-log"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let east = rt.block_on(
        moto.client_in("us-east-1")
            .describe_secret()
            .secret_id("shared/db")
            .send(),
    );
    let west = rt.block_on(
        moto.client_in("eu-west-1")
            .describe_secret()
            .secret_id("shared/db")
            .send(),
    );
    assert!(east.unwrap().deleted_date.is_some());
    assert!(west.unwrap().deleted_date.is_none());
}

/// 30 restores named on stdin against a fake that answers in 400 ms, with
/// the audit log at `log`; returns once five have reached the server.
fn restoring_thirty(fake: &FakeAws, log: &Path) -> std::process::Child {
    fake.set_restore_latency(Duration::from_millis(400));
    let mut child = reprieve(&fake.url(), "us-east-1", &["restore", "-", "--yes"])
        .args(["--audit-log", log.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let names: String = (0..30).map(|i| format!("app/{i:02}\n")).collect();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(names.as_bytes()).unwrap();
    drop(stdin);
    let started = Instant::now();
    while fake.restores().len() < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no restores arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// SIGKILL in the middle: every restore the server received has its sent
/// line, as in the dashboard.
#[test]
fn a_killed_restore_leaves_a_sent_line_for_every_call_received() {
    let dir = temp_dir("kill");
    let log = dir.join("audit.jsonl");
    let fake = FakeAws::start(pending(30));
    let mut child = restoring_thirty(&fake, &log);
    child.kill().unwrap();
    let _ = child.wait();
    let received: HashSet<String> = fake.restores().into_iter().collect();
    assert!(received.len() < 30);
    let sent: HashSet<String> = audit(&log)
        .iter()
        .filter(|l| l["result"] == "sent")
        .map(|l| l["arn"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<&String> = received.difference(&sent).collect();
    assert!(missing.is_empty(), "received with no line: {missing:?}");
}

/// SIGTERM in the middle: no more leave, those sent get their answers (or
/// are recorded unknown), every sent line has exactly one outcome line, and
/// the exit says partial.
#[test]
fn sigterm_stops_the_queue_and_leaves_one_outcome_per_restore_sent() {
    let dir = temp_dir("term");
    let log = dir.join("audit.jsonl");
    let fake = FakeAws::start(pending(30));
    let child = restoring_thirty(&fake, &log);
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", err(&out));
    let received = fake.restores().len();
    assert!(received < 30, "the queue stopped: {received} sent");
    let lines = audit(&log);
    let sent: Vec<&Value> = lines.iter().filter(|l| l["result"] == "sent").collect();
    assert_eq!(sent.len(), received, "a sent line for each call, no more");
    for s in &sent {
        let outcomes = lines
            .iter()
            .filter(|l| l["id"] == s["id"] && l["result"] != "sent")
            .count();
        assert_eq!(outcomes, 1, "{s}");
    }
    // The restores already sent went on through the drain and were answered.
    let ok = lines.iter().filter(|l| l["result"] == "ok").count();
    assert_eq!(ok, received, "{lines:?}");
    assert!(err(&out).contains("interrupted"), "{}", err(&out));
}
