//! A moto server per test, and SDK helpers to seed it.
//!
//! moto is installed on first use into `<target>/moto-venv` (pinned), so a
//! fresh machine needs only Python 3 with venv and pip. Set
//! `REPRIEVE_MOTO_SERVER` to use an existing `moto_server` instead.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_secretsmanager::Client;

pub const REGION: &str = "us-east-1";
const MOTO_SPEC: &str = "moto[server]==5.2.5";
const READY_TIMEOUT: Duration = Duration::from_secs(20);
/// pip on a cold cache takes well under this; a stale lock older than it is broken.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

/// Credentials moto accepts; also what the e2e tests hand the binary.
pub fn test_credentials() -> Credentials {
    Credentials::new("testing", "testing", None, None, "reprieve-tests")
}

/// The `moto_server` executable, installed once per target dir.
pub fn moto_server_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os("REPRIEVE_MOTO_SERVER") {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "REPRIEVE_MOTO_SERVER={} does not exist",
                path.display()
            );
            return path;
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
        install_moto(&target.join("moto-venv"))
    })
}

/// Installs moto into `venv` unless a finished install is there. An atomic
/// mkdir lock keeps parallel test processes from installing at once.
fn install_moto(venv: &Path) -> PathBuf {
    let bin = venv.join("bin").join("moto_server");
    let done = venv.join(".reprieve-installed");
    let lock = venv.with_extension("lock");
    if let Some(parent) = venv.parent() {
        fs::create_dir_all(parent).expect("create the target dir");
    }
    let started = Instant::now();
    loop {
        if installed(&bin, &done) {
            return bin;
        }
        match fs::create_dir(&lock) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // A holder that died leaves the lock behind; age tells.
                let stale = fs::metadata(&lock)
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().unwrap_or_default() > INSTALL_TIMEOUT);
                if stale {
                    let _ = fs::remove_dir(&lock);
                }
                assert!(
                    started.elapsed() < INSTALL_TIMEOUT * 2,
                    "gave up waiting for another process to install moto (lock {})",
                    lock.display()
                );
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(e) => panic!("cannot create lock {}: {e}", lock.display()),
        }
    }
    let result = (|| {
        if installed(&bin, &done) {
            return Ok(());
        }
        // A half-made venv from an interrupted run is started over.
        if venv.exists() {
            fs::remove_dir_all(venv).map_err(|e| format!("remove {}: {e}", venv.display()))?;
        }
        eprintln!("installing {MOTO_SPEC} into {} ...", venv.display());
        run(Command::new("python3").arg("-m").arg("venv").arg(venv))?;
        run(Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(MOTO_SPEC))?;
        if !bin.is_file() {
            return Err(format!("pip finished but {} is missing", bin.display()));
        }
        fs::write(&done, MOTO_SPEC).map_err(|e| e.to_string())
    })();
    let _ = fs::remove_dir(&lock);
    if let Err(e) = result {
        panic!(
            "could not install {MOTO_SPEC} (needs python3 with venv and pip, and PyPI): {e}\n\
             set REPRIEVE_MOTO_SERVER to an existing moto_server to skip the install"
        );
    }
    bin
}

/// Our marker, or a venv made by other means (.ci/run) whose moto runs.
fn installed(bin: &Path, done: &Path) -> bool {
    if !bin.is_file() {
        return false;
    }
    if done.is_file() {
        return true;
    }
    let works = Command::new(bin)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    works && fs::write(done, MOTO_SPEC).is_ok()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// One moto server on loopback, killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Moto {
    pub fn start() -> Moto {
        // The port is free when picked but could be taken before moto binds
        // it; a server that exits early is retried on another port.
        let mut last = String::new();
        for _ in 0..3 {
            match Moto::try_start() {
                Ok(moto) => return moto,
                Err(e) => last = e,
            }
        }
        panic!("moto did not start: {last}");
    }

    fn try_start() -> Result<Moto, String> {
        let port = free_port();
        let log =
            std::env::temp_dir().join(format!("reprieve-moto-{}-{port}.log", std::process::id()));
        let log_file = fs::File::create(&log).map_err(|e| e.to_string())?;
        let child = Command::new(moto_server_bin())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", moto_server_bin().display()))?;
        let mut moto = Moto { child, port, log };
        let started = Instant::now();
        while started.elapsed() < READY_TIMEOUT {
            if let Ok(Some(status)) = moto.child.try_wait() {
                return Err(format!("moto exited with {status}:\n{}", moto.log_text()));
            }
            if http(port, "GET", "/moto-api/").is_ok_and(|status| status == 200) {
                return Ok(moto);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "moto not ready on port {port} after {READY_TIMEOUT:?}:\n{}",
            moto.log_text()
        ))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Forgets every secret.
    pub fn reset(&self) {
        let status = http(self.port, "POST", "/moto-api/reset").expect("reset moto");
        assert_eq!(status, 200, "moto reset");
    }

    /// A plain SDK client for seeding and checking, independent of the store.
    pub fn client(&self) -> Client {
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(test_credentials())
            .endpoint_url(self.url())
            .build();
        Client::from_conf(config)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_file(&self.log);
    }
}

/// Minimal HTTP/1.0 request; returns the status code.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<u16> {
    use std::io::Write;
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    // "HTTP/1.x NNN"
    std::str::from_utf8(&head[9..12])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("bad status line"))
}

/// An `SdkConfig` like the store's own (same retries and timeouts), with
/// static test credentials instead of the process environment.
pub async fn store_config(endpoint_url: &str) -> SdkConfig {
    let options = reprieve::store::aws::AwsOptions {
        profile: None,
        region: Some(REGION.to_owned()),
        endpoint_url: Some(endpoint_url.to_owned()),
    };
    reprieve::store::aws::load_config(&options)
        .await
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(test_credentials()))
        .build()
}

pub async fn create_secret(client: &Client, name: &str) -> String {
    let out = client
        .create_secret()
        .name(name)
        .description(format!("test secret {name}"))
        .secret_string("s3cr3t")
        .send()
        .await
        .unwrap_or_else(|e| panic!("create {name}: {e:?}"));
    out.arn.expect("CreateSecret returns an ARN")
}

/// Schedules deletion with a recovery window (7..=30 days).
pub async fn delete_with_window(client: &Client, name: &str, days: i64) {
    client
        .delete_secret()
        .secret_id(name)
        .recovery_window_in_days(days)
        .send()
        .await
        .unwrap_or_else(|e| panic!("delete {name}: {e:?}"));
}

/// Deletes at once, with no recovery window.
pub async fn force_delete(client: &Client, name: &str) {
    client
        .delete_secret()
        .secret_id(name)
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap_or_else(|e| panic!("force delete {name}: {e:?}"));
}
