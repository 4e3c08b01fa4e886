//! The built binary against a fake that answers as AWS does: `DeletedDate`
//! is when the delete was asked, and CloudTrail knows the purge date.

#![allow(clippy::unwrap_used)]

mod fake_aws;
mod pty;

use std::time::Duration;

use jiff::SignedDuration;

use fake_aws::{FailedDelete, FakeAws, FakeSecret, Who};
use pty::{App, FAST, TEST_KEYS};

/// Only a hung session fails on time.
const HANG: Duration = Duration::from_secs(120);

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

/// What a real account looks like a few weeks after a cleanup. The names
/// sort the reverse of the purge dates, so a sort by name shows.
fn account() -> Vec<FakeSecret> {
    let alice = Who::sso("Admin", "alice@example.com");
    let ci = Who::role("terraform-deployer", "gha-run-8812");
    let mut fresh = FakeSecret::pending(
        "ct/xx-just-deleted",
        SignedDuration::from_mins(2),
        30,
        ci.clone(),
    );
    // CloudTrail records deletions minutes late.
    fresh.event = false;
    vec![
        FakeSecret::active("ct/active"),
        // Deleted 20 days ago with the default 30-day window: purge in 10 days.
        // From the listing alone its earliest purge was 13 days ago.
        FakeSecret::pending("ct/ww-old-long-window", hours(20 * 24), 30, alice.clone()),
        // Deleted 6.5 days ago with a 7-day window: purge in 12 hours.
        FakeSecret::pending("ct/yy-soonest", hours(6 * 24 + 12), 7, Who::user("bob")),
        // Deleted yesterday with a 14-day window: purge in 13 days.
        FakeSecret::pending("ct/vv-two-weeks", hours(24), 14, ci),
        // Its purge date passed an hour ago; AWS purges late, so it is still here.
        FakeSecret::pending("ct/zz-past-purge", hours(7 * 24 + 1), 7, alice),
        fresh,
    ]
}

fn start(fake: &FakeAws) -> App {
    App::start(
        &[
            "--endpoint-url",
            &fake.url(),
            "--region",
            "us-east-1",
            "--utc",
        ],
        &TEST_KEYS,
    )
}

/// Waits until `ready`; only a hung test fails on time.
fn until(what: &str, ready: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !ready() {
        assert!(started.elapsed() < HANG, "waited {HANG:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The screen's lines that show a given secret.
fn line_of<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("{name} not on screen:\n{screen}"))
}

#[test]
fn the_soonest_true_purge_is_first_and_the_confirmation_names_who_deleted_it() {
    let fake = FakeAws::start(account());
    let mut app = start(&fake);
    let screen = app.expect(
        &["5 scheduled for deletion", "ct/yy-soonest", "bob"],
        &["Dating by CloudTrail", "ct/active"],
        FAST,
    );
    let order: Vec<usize> = [
        "ct/zz-past-purge",
        "ct/yy-soonest",
        // Its purge is unknown: sorted by the earliest it could be.
        "ct/xx-just-deleted",
        "ct/ww-old-long-window",
        "ct/vv-two-weeks",
    ]
    .iter()
    .map(|n| screen.find(n).unwrap())
    .collect();
    assert!(order.is_sorted(), "soonest purge first:\n{screen}");

    // Only the secret whose purge date has passed says so.
    assert!(
        line_of(&screen, "ct/zz-past-purge").contains("overdue"),
        "{screen}"
    );
    assert_eq!(screen.matches("overdue").count(), 1, "{screen}");
    assert!(
        line_of(&screen, "ct/yy-soonest").contains(" 11h "),
        "{screen}"
    );
    assert!(
        line_of(&screen, "ct/vv-two-weeks").contains("gha-run-8812"),
        "{screen}"
    );
    // The fresh deletion has no event yet: a window, a bound, and a note.
    let fresh = line_of(&screen, "ct/xx-just-deleted");
    assert!(
        fresh.contains(" … ") && fresh.contains("≥6d 23h"),
        "{screen}"
    );
    assert!(
        screen.contains("1 purge date is a 7–30-day estimate: CloudTrail has no event for it yet"),
        "{screen}"
    );

    // Second row, then restore: the dialog names the full principal.
    app.send("gjr");
    let dialog = app.confirm(
        &["Restore this secret?", "ct/yy-soonest", "from CloudTrail"],
        "y",
    );
    assert!(
        dialog.contains("by arn:aws:iam::111122223333:user/bob"),
        "{dialog}"
    );
    app.expect(
        &["Restored ct/yy-soonest", "4 scheduled for deletion"],
        &[],
        FAST,
    );
    assert_eq!(fake.deleted_at("ct/yy-soonest"), None);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

#[test]
fn with_cloudtrail_denied_the_list_works_and_the_note_says_why() {
    let fake = FakeAws::start(account());
    fake.deny_cloudtrail(true);
    let mut app = start(&fake);
    let screen = app.expect(
        &[
            "5 scheduled for deletion",
            "5 purge dates are 7–30-day estimates: CloudTrail refused LookupEvents",
            "cloudtrail:LookupEvents",
        ],
        &["Could not list secrets"],
        FAST,
    );
    // Windows, sorted and coloured by the earliest possible purge; nobody named.
    let order: Vec<usize> = [
        "ct/ww-old-long-window",
        "ct/zz-past-purge",
        "ct/yy-soonest",
        "ct/vv-two-weeks",
        "ct/xx-just-deleted",
    ]
    .iter()
    .map(|n| screen.find(n).unwrap())
    .collect();
    assert!(
        order.is_sorted(),
        "earliest possible purge first:\n{screen}"
    );
    assert!(
        line_of(&screen, "ct/ww-old-long-window").contains("any moment"),
        "{screen}"
    );
    assert!(
        line_of(&screen, "ct/yy-soonest").contains("≥11h"),
        "{screen}"
    );
    assert!(!screen.contains("bob"), "{screen}");
    assert_eq!(screen.matches("overdue").count(), 0, "{screen}");

    // Restoring does not need CloudTrail.
    app.send("gr");
    app.confirm(
        &[
            "Restore this secret?",
            "ct/ww-old-long-window",
            "estimated: recovery windows are 7 to 30 days",
        ],
        "y",
    );
    app.expect(
        &["Restored ct/ww-old-long-window", "4 scheduled for deletion"],
        &[],
        FAST,
    );
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

#[test]
fn cloudtrail_is_read_at_most_twice_a_second() {
    // 300 deletions are 6 pages of 50 events.
    let who = Who::user("cleanup-bot");
    let secrets: Vec<FakeSecret> = (0..300)
        .map(|i| {
            let ago = SignedDuration::from_mins(10 + i * 60);
            FakeSecret::pending(&format!("bulk/{i:03}"), ago, 30, who.clone())
        })
        .collect();
    let fake = FakeAws::start(secrets);
    let mut app = start(&fake);
    app.expect(
        &["300 scheduled for deletion", "cleanup-bot"],
        &["Dating by CloudTrail", "estimate"],
        HANG,
    );
    assert_eq!(
        fake.count("LookupEvents"),
        6,
        "one call per page, no retries"
    );
    assert_eq!(fake.throttled(), 0);
    // On the fake's arrival times: at the quota, neither over nor far under.
    let most = fake.max_lookups_per_second();
    assert!(most <= 2, "{most} LookupEvents calls within one second");
    assert_eq!(most, 2, "paced at one call per 0.6 s, not slower");
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

/// Every call a whole session sends: identity, listing, CloudTrail and a
/// restore. None of them reads a secret's value.
#[test]
fn a_session_sends_only_the_calls_it_needs_and_never_reads_a_value() {
    const ALLOWED: [&str; 5] = [
        "GetCallerIdentity",
        "ListSecrets",
        "LookupEvents",
        "RestoreSecret",
        "DescribeSecret",
    ];
    let fake = FakeAws::start(account());
    let mut app = start(&fake);
    app.expect(
        &["5 scheduled for deletion", "bob", "· 1111"],
        &["Dating by CloudTrail"],
        FAST,
    );
    app.send("gjr");
    app.confirm(&["Restore this secret?", "ct/yy-soonest"], "y");
    app.expect(&["Restored ct/yy-soonest"], &[], FAST);
    app.send("R");
    app.expect(&["4 scheduled for deletion"], &["Loading"], FAST);
    // And a bulk restore of two marked ones.
    app.send("g j ");
    app.send("r");
    app.confirm(&["Restore these 2 secrets?"], "y");
    app.expect(&["Restored 2 of 2"], &[], FAST);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
    let calls: Vec<String> = fake.calls().into_iter().map(|(op, _)| op).collect();
    assert_eq!(calls.iter().filter(|op| *op == "RestoreSecret").count(), 3);
    for op in &calls {
        assert!(ALLOWED.contains(&op.as_str()), "{op} was sent: {calls:?}");
    }
    assert!(
        !calls.iter().any(|op| op.contains("SecretValue")),
        "{calls:?}"
    );
    for needed in [
        "GetCallerIdentity",
        "ListSecrets",
        "LookupEvents",
        "RestoreSecret",
    ] {
        assert!(
            calls.iter().any(|op| op == needed),
            "{needed} missing: {calls:?}"
        );
    }
}

/// Each restore is two JSON lines, "sent" and its outcome, field by field.
#[test]
fn each_restore_is_a_sent_line_and_an_outcome_line_in_the_audit_log() {
    let dir = std::env::temp_dir().join(format!("reprieve-audit-e2e-{}", std::process::id()));
    let path = dir.join("audit.jsonl");
    let fake = FakeAws::start(account());
    let mut app = App::start(
        &[
            "--endpoint-url",
            &fake.url(),
            "--region",
            "us-east-1",
            "--utc",
            "--audit-log",
            path.to_str().unwrap(),
        ],
        &TEST_KEYS,
    );
    app.expect(
        &["5 scheduled for deletion", "bob", "· 1111"],
        &["Dating by CloudTrail"],
        FAST,
    );
    // Mark two, restore both.
    app.send("gj ");
    app.send("j ");
    app.send("r");
    app.confirm(&["Restore these 2 secrets?"], "y");
    app.expect(&["Restored 2 of 2"], &[], FAST);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["action"], "RestoreSecret");
        let sent = lines[..i].iter().any(|l| l["id"] == line["id"]);
        assert_eq!(line["result"], if sent { "ok" } else { "sent" }, "{text}");
        assert_eq!(line["region"], "us-east-1");
        assert_eq!(line["account"], "111122223333");
        assert_eq!(line["profile"], "default", "as the screen names it");
        assert_eq!(line["principal"], "arn:aws:iam::111122223333:user/tester");
        assert_eq!(line["version"], env!("CARGO_PKG_VERSION"));
        assert!(
            line["arn"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:secretsmanager:")
        );
        assert!(line["time"].as_str().unwrap().ends_with('Z'));
    }
    let names: Vec<&str> = lines
        .iter()
        .filter(|l| l["result"] == "ok")
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"ct/yy-soonest") && names.contains(&"ct/xx-just-deleted"),
        "{names:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An audit log that cannot be written turns restores off, saying why.
#[test]
fn an_unwritable_audit_log_refuses_restores_with_the_reason() {
    let fake = FakeAws::start(account());
    let mut app = App::start(
        &[
            "--endpoint-url",
            &fake.url(),
            "--region",
            "us-east-1",
            "--audit-log",
            "/proc/reprieve-no/audit.jsonl",
        ],
        &TEST_KEYS,
    );
    app.expect(&["5 scheduled for deletion"], &[], FAST);
    app.send("r");
    app.confirm(&["Restore this secret?"], "y");
    app.expect(
        &["restores are off: the audit log cannot be written"],
        &[],
        FAST,
    );
    assert_eq!(fake.count("RestoreSecret"), 0);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

/// A failed DeleteSecret (an IaC retry, delivered late) dates nothing: the
/// row keeps who deleted it and the window that holds.
#[test]
fn a_failed_retry_read_later_does_not_redate_the_row() {
    // Deleted 17 minutes ago; the retry, 5 minutes later, falls inside the
    // re-read (the last 15 minutes) and the deletion itself does not.
    let secret = FakeSecret::pending(
        "ct/retried",
        SignedDuration::from_mins(17),
        7,
        Who::user("bob"),
    );
    let retry = FailedDelete::retry(
        &secret,
        SignedDuration::from_mins(5),
        Who::role("terraform-deployer", "gha-run-9120"),
        30,
    );
    // Undated, so R reads CloudTrail again.
    let mut fresh = FakeSecret::pending(
        "ct/fresh",
        SignedDuration::from_mins(1),
        7,
        Who::user("bob"),
    );
    fresh.event = false;
    let fake = FakeAws::start(vec![secret, fresh]);
    let mut app = start(&fake);
    let screen = app.expect(
        &["2 scheduled for deletion", "bob", " 6d 23h "],
        &["Dating by CloudTrail"],
        FAST,
    );
    let before = line_of(&screen, "ct/retried").to_owned();
    fake.update("ct/retried", |s| s.failed_deletions.push(retry));
    app.send("R");
    until("a second LookupEvents", || fake.count("LookupEvents") == 2);
    let screen = app.expect(
        &["2 scheduled for deletion"],
        &["Dating by CloudTrail", "Loading"],
        FAST,
    );
    assert_eq!(line_of(&screen, "ct/retried"), before, "{screen}");
    assert!(!screen.contains("gha-run-9120"), "{screen}");
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}
