//! The built binary when the process, the network or the disk misbehaves:
//! killed mid-batch, a restore whose answer never comes, a log that cannot
//! be written, and read-only mode writing nothing at all.

#![allow(clippy::unwrap_used)]

mod fake_aws;
mod pty;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::SignedDuration;

use fake_aws::{FakeAws, FakeSecret, Who};
use pty::{App, FAST, TEST_KEYS};

/// `n` pending secrets whose purges come in the reverse of their names'
/// order, so a table sorted by name would read upside down.
fn many(n: usize) -> Vec<FakeSecret> {
    (0..n)
        .map(|i| {
            let ago = SignedDuration::from_hours(24 + i as i64);
            FakeSecret::pending(&format!("bulk/{i:02}"), ago, 7, Who::user("bob"))
        })
        .collect()
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reprieve-trust-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn start(fake: &FakeAws, extra: &[&str], env: &[(&str, &str)]) -> App {
    let url = fake.url();
    let mut args = vec!["--endpoint-url", &url, "--region", "us-east-1", "--utc"];
    args.extend_from_slice(extra);
    let mut all: Vec<(&str, &str)> = TEST_KEYS.to_vec();
    all.extend_from_slice(env);
    App::start(&args, &all)
}

fn audit_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a torn line {l:?}: {e}")))
        .collect()
}

/// Waits until `ready` holds, or fails after `timeout`.
fn wait(what: &str, timeout: Duration, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < timeout, "waited {timeout:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGKILL in the middle of a bulk restore: every restore the server
/// received has its "sent" line in the log, written before it left.
#[test]
fn killed_mid_batch_the_log_names_every_restore_the_server_received() {
    let dir = temp_dir("kill");
    let path = dir.join("audit.jsonl");
    let fake = FakeAws::start(many(30));
    fake.set_restore_latency(Duration::from_millis(400));
    let mut app = start(&fake, &["--audit-log", path.to_str().unwrap()], &[]);
    app.expect(
        &["30 scheduled for deletion"],
        &["Dating by CloudTrail"],
        FAST,
    );
    app.send("*");
    app.send("r");
    app.expect(&["Restore these 30 secrets?"], &[], FAST);
    app.send("30");
    app.confirm(&[], "\r");
    wait("five restores at the server", FAST, || {
        fake.restores().len() >= 5
    });
    app.signal("KILL");
    let _ = app.exit_code(FAST);

    let received: HashSet<String> = fake.restores().into_iter().collect();
    assert!(
        received.len() < 30,
        "killed before the end: {}",
        received.len()
    );
    let lines = audit_lines(&path);
    let sent: HashSet<String> = lines
        .iter()
        .filter(|l| l["result"] == "sent")
        .map(|l| l["arn"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<&String> = received.difference(&sent).collect();
    assert!(missing.is_empty(), "received with no line: {missing:?}");
    // An outcome line only ever follows its own sent line.
    for outcome in lines.iter().filter(|l| l["result"] != "sent") {
        let before = lines
            .iter()
            .any(|l| l["id"] == outcome["id"] && l["result"] == "sent");
        assert!(before, "{outcome}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The server acts, then answers after the client has stopped waiting.
/// Not a failure: DescribeSecret shows it restored, and says so; the call
/// was sent once.
#[test]
fn a_restore_whose_answer_never_comes_is_checked_not_failed() {
    let dir = temp_dir("timeout");
    let path = dir.join("audit.jsonl");
    let fake = FakeAws::start(many(3));
    fake.set_restore_latency(Duration::from_secs(15));
    let mut app = start(&fake, &["--audit-log", path.to_str().unwrap()], &[]);
    app.expect(
        &["3 scheduled for deletion"],
        &["Dating by CloudTrail"],
        FAST,
    );
    app.send("r");
    app.expect(&["Restore this secret?"], &[], FAST);
    app.confirm(&[], "y");
    let screen = app.expect(
        &["no answer came, and DescribeSecret shows it restored"],
        &[],
        Duration::from_secs(40),
    );
    assert!(!screen.contains("failed"), "{screen}");
    assert_eq!(fake.count("RestoreSecret"), 1, "never sent twice");
    assert_eq!(fake.count("DescribeSecret"), 1);
    let lines = audit_lines(&path);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["result"]["checked"], "restored", "{}", lines[1]);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A log that opens but takes no line: no restore leaves, and the screen
/// says why instead of "Restored".
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_stops_every_restore_and_says_why() {
    let fake = FakeAws::start(many(5));
    let mut app = start(&fake, &["--audit-log", "/dev/full"], &[]);
    app.expect(
        &["5 scheduled for deletion"],
        &["Dating by CloudTrail"],
        FAST,
    );
    app.send("*");
    app.send("r");
    app.expect(&["Restore these 5 secrets?"], &[], FAST);
    app.confirm(&[], "y");
    let screen = app.expect(&["RESTORES STOPPED", "/dev/full"], &[], FAST);
    assert!(!screen.contains("Restored 5"), "{screen}");
    assert_eq!(fake.count("RestoreSecret"), 0);
    app.send("r");
    app.expect(
        &["restores are stopped: the audit log /dev/full"],
        &[],
        FAST,
    );
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

/// Read-only, by flag or by environment: no restore leaves, and not one
/// file is created, not even an empty log.
#[test]
fn read_only_sends_no_write_and_creates_no_file() {
    for (flags, env) in [
        (&["--read-only"][..], &[][..]),
        (&[][..], &[("REPRIEVE_READ_ONLY", "1")][..]),
    ] {
        let home = temp_dir("home");
        let state = temp_dir("state");
        std::fs::create_dir_all(&home).unwrap();
        let mut env: Vec<(&str, &str)> = env.to_vec();
        env.push(("HOME", home.to_str().unwrap()));
        env.push(("XDG_STATE_HOME", state.to_str().unwrap()));
        let fake = FakeAws::start(many(3));
        let mut app = start(&fake, flags, &env);
        let screen = app.expect(&["READ-ONLY", "3 scheduled for deletion"], &[], FAST);
        assert!(!screen.contains("r restore"), "{screen}");
        app.send("r");
        app.expect(&["reprieve is read-only"], &[], FAST);
        app.send("*r");
        app.send("y");
        app.send("q");
        assert_eq!(app.exit_code(FAST), 0);
        assert_eq!(fake.count("RestoreSecret"), 0, "{flags:?} {env:?}");
        let created: Vec<_> = std::fs::read_dir(&home).unwrap().collect();
        assert!(created.is_empty(), "{created:?}");
        assert!(!state.exists(), "{}", state.display());
        let _ = std::fs::remove_dir_all(&home);
    }
}
