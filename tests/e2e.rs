//! The built binary in a pseudo-terminal, against moto or a dead endpoint.

#![allow(clippy::unwrap_used)]

mod common;
mod pty;

use common::{ClosedPort, Moto, create_secret, delete_with_window, force_delete};
use pty::{App, FAST, SLOW, TEST_KEYS};

/// Pending rows in soonest-first order, named so that a sort by name
/// gives the reverse; then secrets that must not show.
const PENDING: [(&str, i64); 3] = [
    ("e2e/zz-soonest-db", 7),
    ("e2e/mm-middle-api", 12),
    ("e2e/aa-latest-token", 25),
];
const ACTIVE: [&str; 2] = ["e2e/active-one", "e2e/active-two"];

fn seed(moto: &Moto) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sdk = moto.client();
        for name in ACTIVE.iter().chain(PENDING.iter().map(|(n, _)| n)) {
            create_secret(&sdk, name).await;
        }
        for (name, days) in PENDING {
            delete_with_window(&sdk, name, days).await;
        }
        create_secret(&sdk, "e2e/purged").await;
        force_delete(&sdk, "e2e/purged").await;
    });
}

fn deleted_date(moto: &Moto, name: &str) -> Option<aws_sdk_secretsmanager::primitives::DateTime> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let out = moto
            .client()
            .describe_secret()
            .secret_id(name)
            .send()
            .await
            .unwrap();
        out.deleted_date
    })
}

#[test]
fn lists_filters_restores_and_quits() {
    let moto = Moto::start();
    seed(&moto);
    let url = moto.url();
    let mut app = App::start(
        &["--endpoint-url", &url, "--region", "us-east-1", "--utc"],
        &TEST_KEYS,
    );

    let screen = app.expect(
        &[
            "3 scheduled for deletion · 5 secrets scanned",
            "Purge (UTC)",
            "e2e/zz-soonest-db",
            "e2e/mm-middle-api",
            "e2e/aa-latest-token",
        ],
        &["e2e/active-one", "e2e/active-two", "e2e/purged"],
        FAST,
    );
    // Soonest purge first (moto's DeletedDate is the purge), not by name.
    let at = |name: &str| screen.find(name).unwrap();
    assert!(
        at("e2e/zz-soonest-db") < at("e2e/mm-middle-api"),
        "{screen}"
    );
    assert!(
        at("e2e/mm-middle-api") < at("e2e/aa-latest-token"),
        "{screen}"
    );

    app.send("/middle");
    app.expect(
        &[
            " / middle",
            "1 of 3 scheduled for deletion",
            "e2e/mm-middle-api",
        ],
        &["e2e/zz-soonest-db", "e2e/aa-latest-token"],
        FAST,
    );
    // Enter keeps the filter and leaves the filter line.
    app.send("\r");
    app.expect(&["Esc clears", "1 of 3 scheduled for deletion"], &[], FAST);

    // Esc alone; a key right behind it would read as Alt+key.
    app.send("\x1b");
    app.expect(
        &[
            "3 scheduled for deletion",
            "e2e/zz-soonest-db",
            "e2e/aa-latest-token",
        ],
        &[" of 3 ", "Esc clears"],
        FAST,
    );

    // Top, then down twice: the last row, the latest purge.
    app.send("gjj");
    app.send("r");
    app.confirm(&["Restore secret", "Name      e2e/aa-latest-token"], "y");
    app.expect(
        &[
            "Restored e2e/aa-latest-token",
            "2 scheduled for deletion",
            "e2e/zz-soonest-db",
        ],
        &["Restore secret", "test secret e2e/aa-latest-token"],
        FAST,
    );
    assert_eq!(deleted_date(&moto, "e2e/aa-latest-token"), None);
    assert!(deleted_date(&moto, "e2e/zz-soonest-db").is_some());

    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

/// The startup error box, with its headline and advice.
fn startup_error(args: &[&str], env: &[(&str, &str)], shown: &[&str]) {
    let mut app = App::start(args, env);
    let shown = [&["Could not list secrets"], shown].concat();
    app.expect(&shown, &[], SLOW);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

#[test]
fn unreachable_endpoint_shows_the_error_and_quits() {
    // Bound for the whole test and never listening: refused, and nobody
    // else's server can be there.
    let closed = ClosedPort::new();
    startup_error(
        &["--endpoint-url", &closed.url(), "--region", "us-east-1"],
        &TEST_KEYS,
        &[
            "The Secrets Manager endpoint could not be reached",
            "Connection refused",
        ],
    );
}

#[test]
fn missing_credentials_say_so() {
    let moto = Moto::start();
    startup_error(
        &["--endpoint-url", &moto.url(), "--region", "us-east-1"],
        &[],
        &[
            "No AWS credentials were found",
            "aws sso login --profile default",
        ],
    );
}

#[test]
fn missing_region_says_so() {
    startup_error(
        &[],
        &TEST_KEYS,
        &["No AWS region is set", "--region REGION"],
    );
}

#[test]
fn credentials_added_after_the_error_are_picked_up_by_r() {
    let moto = Moto::start();
    seed(&moto);
    let dir = std::env::temp_dir().join(format!("reprieve-e2e-creds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(&file, "").unwrap();
    let path = file.to_str().unwrap();
    let mut app = App::start(
        &["--endpoint-url", &moto.url(), "--region", "us-east-1"],
        &[("AWS_SHARED_CREDENTIALS_FILE", path)],
    );
    app.expect(&["No AWS credentials were found", "R refresh"], &[], SLOW);

    // The operator fixes the file in another terminal, then retries.
    std::fs::write(
        &file,
        "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    app.send("R");
    app.expect(
        &["3 scheduled for deletion", "e2e/zz-soonest-db"],
        &["Could not list secrets"],
        FAST,
    );
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// SIGTERM and SIGHUP end reprieve like `q`, with the terminal restored,
/// and exit as a shell reports a signal: 128 + its number.
#[test]
fn sigterm_and_sighup_exit_with_128_plus_the_signal() {
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let mut app = App::start(&["--demo"], &[]);
        app.expect(&["scheduled for deletion"], &[], FAST);
        app.signal(signal);
        assert_eq!(app.exit_code(FAST), code, "SIG{signal}");
        let screen = app.contents();
        // The alternate screen was left: the app's frame is gone.
        assert!(!screen.contains("R refresh"), "SIG{signal}: {screen}");
    }
}
