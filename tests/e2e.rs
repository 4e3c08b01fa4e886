//! The built binary in a pseudo-terminal, against moto or a dead endpoint.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use common::{Moto, create_secret, delete_with_window, force_delete};

const ROWS: u16 = 35;
const COLS: u16 = 120;
/// Listing a dead endpoint takes four attempts with backoff.
const SLOW: Duration = Duration::from_secs(30);
const FAST: Duration = Duration::from_secs(10);

/// reprieve running in a pty; output is parsed into a vt100 screen.
struct App {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl App {
    /// Starts reprieve with `args`. The AWS environment is cleared so the
    /// host's profiles and keys cannot leak in; `env` adds what a test needs.
    fn start(args: &[&str], env: &[(&str, &str)]) -> App {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_reprieve"));
        cmd.args(args);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("AWS_CONFIG_FILE", "/nonexistent/reprieve-e2e/config");
        cmd.env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/reprieve-e2e/credentials",
        );
        // Never ask the instance metadata service: nothing leaves the machine.
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        // Only the child holds the slave now, so the reader ends when it exits.
        drop(pair.slave);

        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(ROWS).unwrap(),
            NonZeroU16::new(COLS).unwrap(),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        App {
            screen,
            writer,
            child,
            _master: pair.master,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows every `shown` text and no `hidden` one.
    /// A frame can arrive in several reads, so every check is part of the
    /// wait rather than asserted on the first screen that matches one.
    fn expect(&self, shown: &[&str], hidden: &[&str], timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            let screen = self.contents();
            if shown.iter().all(|t| screen.contains(t))
                && !hidden.iter().any(|t| screen.contains(t))
            {
                return screen;
            }
            if started.elapsed() > timeout {
                panic!(
                    "timed out after {timeout:?} waiting for {shown:?} without {hidden:?}; \
                     screen:\n{screen}"
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for the process to end and returns its exit code.
    fn exit_code(&mut self, timeout: Duration) -> u32 {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if started.elapsed() > timeout {
                panic!(
                    "reprieve did not exit within {timeout:?}; screen:\n{}",
                    self.contents()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

const TEST_KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
];

/// Pending rows in soonest-first order, then secrets that must not show.
const PENDING: [(&str, i64); 3] = [
    ("e2e/alpha-db", 7),
    ("e2e/beta-api", 12),
    ("e2e/gamma-token", 25),
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
            "Deletion (UTC)",
            "e2e/alpha-db",
            "e2e/beta-api",
            "e2e/gamma-token",
        ],
        &["e2e/active-one", "e2e/active-two", "e2e/purged"],
        FAST,
    );
    // Soonest purge first.
    let at = |name: &str| screen.find(name).unwrap();
    assert!(at("e2e/alpha-db") < at("e2e/beta-api"), "{screen}");
    assert!(at("e2e/beta-api") < at("e2e/gamma-token"), "{screen}");

    app.send("/beta");
    app.expect(
        &[" / beta", "1 of 3 scheduled for deletion", "e2e/beta-api"],
        &["e2e/alpha-db", "e2e/gamma-token"],
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
            "e2e/alpha-db",
            "e2e/gamma-token",
        ],
        &[" of 3 ", "Esc clears"],
        FAST,
    );

    // Top, then down twice: the last row.
    app.send("gjj");
    app.send("r");
    app.expect(&["Restore secret", "Name      e2e/gamma-token"], &[], FAST);
    app.send("y");
    app.expect(
        &[
            "Restored e2e/gamma-token",
            "2 scheduled for deletion",
            "e2e/alpha-db",
        ],
        &["Restore secret", "test secret e2e/gamma-token"],
        FAST,
    );
    assert_eq!(deleted_date(&moto, "e2e/gamma-token"), None);
    assert!(deleted_date(&moto, "e2e/alpha-db").is_some());

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
    let url = format!("http://127.0.0.1:{}", common::free_port());
    startup_error(
        &["--endpoint-url", &url, "--region", "us-east-1"],
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
        &["3 scheduled for deletion", "e2e/alpha-db"],
        &["Could not list secrets"],
        FAST,
    );
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
