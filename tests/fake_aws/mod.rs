//! A local fake of Secrets Manager and CloudTrail on one port, answering as
//! live AWS does where moto does not: `DeletedDate` is when DeleteSecret was
//! called (a past time), LookupEvents is throttled at 2 calls a second, and
//! events carry `Resources: []` with the details only in `CloudTrailEvent`.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

mod failed;
mod operations;
mod reads;
mod secret;
mod who;
mod wire;

pub use failed::FailedDelete;
// Each test binary uses a different subset.
#[allow(unused_imports)]
pub use reads::{Answer, FakeRead};
pub use secret::FakeSecret;
pub use who::Who;
use wire::serve;

pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "us-east-1";
const SECOND: Duration = Duration::from_secs(1);
const SOURCE: &str = "secretsmanager.amazonaws.com";

#[derive(Default)]
struct State {
    secrets: Vec<FakeSecret>,
    deny_cloudtrail: bool,
    lookup_latency: Duration,
    calls: Vec<(String, Instant)>,
    /// When each LookupEvents call was answered, for the rate limit.
    lookups_answered: Vec<Instant>,
    /// Set: the fake's clock stands at this instant until advanced, so the
    /// rate limit can be tested without racing the wall clock.
    frozen: Option<Instant>,
    throttled: usize,
    /// How long RestoreSecret takes to answer, after it has acted.
    restore_latency: Duration,
    /// The SecretId of each RestoreSecret received, in order.
    restores: Vec<String>,
}

impl State {
    /// The fake's clock: the wall clock unless frozen.
    fn now(&self) -> Instant {
        self.frozen.unwrap_or_else(Instant::now)
    }
}

/// The server; stops when dropped.
pub struct FakeAws {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeAws {
    pub fn start(secrets: Vec<FakeSecret>) -> FakeAws {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake AWS");
        let port = listener.local_addr().expect("local addr").port();
        let state = Arc::new(Mutex::new(State {
            secrets,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let acceptor = {
            let (state, stop, connections) = (state.clone(), stop.clone(), connections.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    if let Ok(clone) = stream.try_clone() {
                        lock(&connections).push(clone);
                    }
                    let state = state.clone();
                    std::thread::spawn(move || serve(stream, &state));
                }
            })
        };
        FakeAws {
            port,
            state,
            stop,
            connections,
            acceptor: Some(acceptor),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn deny_cloudtrail(&self, deny: bool) {
        lock(&self.state).deny_cloudtrail = deny;
    }

    /// Extra latency before each LookupEvents answer (default zero).
    pub fn set_lookup_latency(&self, d: Duration) {
        lock(&self.state).lookup_latency = d;
    }

    /// RestoreSecret acts at once and answers `d` later: longer than the
    /// client waits, and the answer never comes though the secret is back.
    pub fn set_restore_latency(&self, d: Duration) {
        lock(&self.state).restore_latency = d;
    }

    /// The SecretId of every RestoreSecret received, in order.
    pub fn restores(&self) -> Vec<String> {
        lock(&self.state).restores.clone()
    }

    /// Changes a secret in place, e.g. to deliver its event late.
    pub fn update(&self, name: &str, f: impl FnOnce(&mut FakeSecret)) {
        let mut state = lock(&self.state);
        f(state
            .secrets
            .iter_mut()
            .find(|s| s.name == name)
            .expect("no such fake secret"));
    }

    /// Every operation received, in order: ("ListSecrets", when), ...
    pub fn calls(&self) -> Vec<(String, Instant)> {
        lock(&self.state).calls.clone()
    }

    pub fn count(&self, operation: &str) -> usize {
        self.arrivals(operation).len()
    }

    fn arrivals(&self, operation: &str) -> Vec<Instant> {
        let calls = &lock(&self.state).calls;
        calls
            .iter()
            .filter(|c| c.0 == operation)
            .map(|c| c.1)
            .collect()
    }

    /// The most LookupEvents calls that arrived within any 1-second window.
    pub fn max_lookups_per_second(&self) -> usize {
        let times = self.arrivals("LookupEvents");
        let second_from = |&t: &Instant| {
            times
                .iter()
                .filter(|u| (t..t + SECOND).contains(*u))
                .count()
        };
        times.iter().map(second_from).max().unwrap_or(0)
    }

    pub fn throttled(&self) -> usize {
        lock(&self.state).throttled
    }

    /// Waits until no LookupEvents was answered within the last second, as
    /// a script run after another would find CloudTrail's quota: the next
    /// process starts with the quota whole.
    pub fn wait_for_quota(&self) {
        let started = Instant::now();
        loop {
            let last = lock(&self.state).lookups_answered.last().copied();
            if last.is_none_or(|t| t.elapsed() >= SECOND) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "LookupEvents never went quiet"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the fake's clock (rate limit, recorded arrivals) where it is.
    pub fn freeze_clock(&self) {
        let mut state = lock(&self.state);
        state.frozen = Some(state.now());
    }

    /// Moves the frozen clock on by `d`.
    pub fn advance_clock(&self, d: Duration) {
        let mut state = lock(&self.state);
        let at = state.frozen.expect("freeze_clock first");
        state.frozen = Some(at + d);
    }

    /// The secret's current deletion time (None once restored).
    pub fn deleted_at(&self, name: &str) -> Option<Timestamp> {
        lock(&self.state)
            .secrets
            .iter()
            .find(|s| s.name == name)?
            .deleted_at
    }
}

impl Drop for FakeAws {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for c in lock(&self.connections).drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not take the server down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Notes an operation's arrival, on the fake's clock.
fn record(state: &Mutex<State>, operation: String) {
    let mut state = lock(state);
    let at = state.now();
    state.calls.push((operation, at));
}

/// FNV-1a: stable across runs, unlike std's hasher.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn uuid(seed: &str) -> String {
    let h = format!("{:016x}{:016x}", hash(seed), hash(&format!("{seed}#")));
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn iso(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn epoch(t: Timestamp) -> f64 {
    t.as_millisecond() as f64 / 1000.0
}
