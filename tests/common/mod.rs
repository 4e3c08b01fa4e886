//! A moto server per test, and SDK helpers to seed it.
//!
//! moto is installed on first use into `<target>/moto-venv` (pinned), so a
//! fresh machine needs only Python 3 with venv and pip. Set
//! `REPRIEVE_MOTO_SERVER` to use an existing `moto_server` instead.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
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

/// What to do when moto cannot be had; ends every install failure's first line.
const MOTO_ADVICE: &str = "Set REPRIEVE_MOTO_SERVER to an existing moto_server, or install \
                           Python 3 with venv and pip and allow PyPI.";
/// How much of a failed command's output follows the one-line reason.
const OUTPUT_LINES: usize = 10;

/// The `moto_server` executable, installed once per target dir. A failed
/// install fails every moto test with the same message, tried once per
/// test binary.
pub fn moto_server_bin() -> &'static Path {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = BIN.get_or_init(|| {
        if let Some(path) = std::env::var_os("REPRIEVE_MOTO_SERVER") {
            let path = PathBuf::from(path);
            return if path.is_file() {
                Ok(path)
            } else {
                Err(format!(
                    "REPRIEVE_MOTO_SERVER={} is not a file. Point it at an existing \
                     moto_server, or unset it to have the tests install moto.",
                    path.display()
                ))
            };
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
        install_moto(&target.join("moto-venv")).map_err(|e| e.to_string())
    });
    match found {
        Ok(path) => path,
        // One line up front that says why and what to do; output after.
        Err(message) => panic!("{message}"),
    }
}

/// Why moto could not be installed, and what the failed step printed.
#[derive(Debug)]
struct InstallError {
    reason: String,
    /// `(which step, how it ended; its stdout and stderr)`.
    output: Option<(String, String)>,
}

impl InstallError {
    fn new(reason: impl Into<String>) -> Self {
        InstallError {
            reason: reason.into(),
            output: None,
        }
    }
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "moto could not be installed: {}. {MOTO_ADVICE}",
            self.reason
        )?;
        if let Some((step, output)) = &self.output {
            let lines: Vec<&str> = output.trim_end().lines().collect();
            let skipped = lines.len().saturating_sub(OUTPUT_LINES);
            write!(f, "\n--- {step}")?;
            if skipped > 0 {
                write!(f, ", the last {OUTPUT_LINES} of {} lines", lines.len())?;
            }
            write!(f, " ---")?;
            for line in &lines[skipped..] {
                write!(f, "\n{line}")?;
            }
        }
        Ok(())
    }
}

/// Installs moto into `venv` unless a finished install is there. An atomic
/// mkdir lock keeps parallel test processes from installing at once.
fn install_moto(venv: &Path) -> Result<PathBuf, InstallError> {
    let bin = venv.join("bin").join("moto_server");
    let done = venv.join(".reprieve-installed");
    let lock = venv.with_extension("lock");
    if let Some(parent) = venv.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| InstallError::new(format!("cannot create {} ({e})", parent.display())))?;
    }
    let started = Instant::now();
    loop {
        if installed(&bin, &done) {
            return Ok(bin);
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
                if started.elapsed() > INSTALL_TIMEOUT * 2 {
                    return Err(InstallError::new(format!(
                        "another test process has held the install lock {} for {:?} \
                         (remove it if no install is running)",
                        lock.display(),
                        INSTALL_TIMEOUT * 2
                    )));
                }
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(e) => {
                return Err(InstallError::new(format!(
                    "cannot create the install lock {} ({e})",
                    lock.display()
                )));
            }
        }
    }
    let result = (|| {
        if installed(&bin, &done) {
            return Ok(());
        }
        // A half-made venv from an interrupted run is started over.
        if venv.exists() {
            fs::remove_dir_all(venv).map_err(|e| {
                InstallError::new(format!("cannot remove the old {} ({e})", venv.display()))
            })?;
        }
        eprintln!("installing {MOTO_SPEC} into {} ...", venv.display());
        run(
            Command::new("python3").arg("-m").arg("venv").arg(venv),
            "python3 -m venv failed (is python3-venv installed?)",
        )?;
        run(
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(MOTO_SPEC),
            &format!("pip install {MOTO_SPEC} failed (is PyPI reachable?)"),
        )?;
        if !bin.is_file() {
            return Err(InstallError::new(format!(
                "pip finished but {} is missing",
                bin.display()
            )));
        }
        fs::write(&done, MOTO_SPEC)
            .map_err(|e| InstallError::new(format!("cannot write {} ({e})", done.display())))
    })();
    let _ = fs::remove_dir(&lock);
    result.map(|()| bin)
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

/// Runs one install step; `failed` is the reason given when it exits non-zero.
fn run(cmd: &mut Command, failed: &str) -> Result<(), InstallError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| {
        InstallError::new(if e.kind() == std::io::ErrorKind::NotFound {
            format!("{program} was not found (is it installed and on PATH?)")
        } else {
            format!("{program} could not be started ({e})")
        })
    })?;
    if out.status.success() {
        return Ok(());
    }
    Err(InstallError {
        reason: failed.to_owned(),
        output: Some((
            format!(
                "output of {} ({})",
                Path::new(&program)
                    .file_name()
                    .unwrap_or_default()
                    .display(),
                out.status
            ),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )),
    })
}

/// A port nobody listens on right now, for moto to bind. Someone else may
/// take it before moto does; `Moto::start` retries on another. Not for
/// tests that need a refused connection: see `ClosedPort`.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// A loopback port that refuses every connection for as long as this lives:
/// the socket is bound, so no other process can take the port, but never
/// listens, so connecting to it is refused at once.
pub struct ClosedPort {
    _socket: tokio::net::TcpSocket,
    pub port: u16,
}

impl ClosedPort {
    pub fn new() -> ClosedPort {
        let socket = tokio::net::TcpSocket::new_v4().expect("create a TCP socket");
        socket
            .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .expect("bind a loopback port");
        let port = socket.local_addr().expect("local addr").port();
        ClosedPort {
            _socket: socket,
            port,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
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
        self.client_in(REGION)
    }

    /// A client for another region; moto serves every region on one port.
    pub fn client_in(&self, region: &str) -> Client {
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
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

/// An endpoint that answers every request with `reply` verbatim (nothing:
/// it closes the connection after reading the request).
pub async fn raw_endpoint(reply: impl Into<String>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let reply: std::sync::Arc<str> = reply.into().into();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    url
}
