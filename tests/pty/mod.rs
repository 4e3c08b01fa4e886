//! The built binary in a pseudo-terminal: keys in, screen text out.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 35;
pub const COLS: u16 = 120;
/// Listing a dead endpoint takes four attempts with backoff.
pub const SLOW: Duration = Duration::from_secs(30);
pub const FAST: Duration = Duration::from_secs(10);
/// A confirmation ignores `y` and Enter for about 250 ms after it shows.
pub const CONFIRM_GUARD: Duration = Duration::from_millis(300);

/// reprieve running in a pty; output is parsed into a vt100 screen.
/// Each app's own state directory, for its audit log.
static STATES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub struct App {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl App {
    /// Starts reprieve with `args`. The AWS environment is cleared so the
    /// host's profiles and keys cannot leak in; `env` adds what a test needs.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> App {
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
        // The audit log goes to a place of the test's own.
        let state = std::env::temp_dir().join(format!(
            "reprieve-e2e-state-{}-{}",
            std::process::id(),
            STATES.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        cmd.env("XDG_STATE_HOME", &state);
        // No config file of the host's: its keys and colours would change
        // the screens.
        cmd.env_remove("REPRIEVE_CONFIG");
        cmd.env("XDG_CONFIG_HOME", "/nonexistent/reprieve-e2e/config-home");
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

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows every `shown` text and no `hidden` one.
    /// A frame can arrive in several reads, so every check is part of the
    /// wait rather than asserted on the first screen that matches one.
    pub fn expect(&self, shown: &[&str], hidden: &[&str], timeout: Duration) -> String {
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

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for a confirmation showing `shown`, then past the time it
    /// ignores `y` and Enter (a key meant for the list must not confirm),
    /// and answers with `keys`. Returns the confirmation's screen.
    pub fn confirm(&mut self, shown: &[&str], keys: &str) -> String {
        let screen = self.expect(shown, &[], FAST);
        std::thread::sleep(CONFIRM_GUARD);
        self.send(keys);
        screen
    }

    /// Waits for the process to end and returns its exit code.
    pub fn exit_code(&mut self, timeout: Duration) -> u32 {
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

/// Static keys that moto and the fake accept.
pub const TEST_KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
];

impl App {
    /// Sends `signal` (`TERM`, `HUP`) to reprieve, as a service manager or a
    /// closed terminal would.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.process_id().expect("a running child");
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {pid}");
    }
}
