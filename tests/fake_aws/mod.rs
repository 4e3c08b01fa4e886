//! A local fake of Secrets Manager and CloudTrail on one port, answering as
//! live AWS does where moto does not: `DeletedDate` is when DeleteSecret was
//! called (a past time), LookupEvents is throttled at 2 calls a second, and
//! events carry `Resources: []` with the details only in `CloudTrailEvent`.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

mod failed;
pub use failed::FailedDelete;

pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "us-east-1";
const SECOND: Duration = Duration::from_secs(1);
const SOURCE: &str = "secretsmanager.amazonaws.com";

/// Who called DeleteSecret.
#[derive(Clone, Debug)]
pub struct Who {
    /// "IAMUser", "AssumedRole" or "Root", as in `userIdentity.type`.
    pub kind: &'static str,
    pub arn: String,
    /// What CloudTrail puts in `Username`: user name, session name or "root".
    pub short: String,
}

impl Who {
    fn new(kind: &'static str, arn: String, short: &str) -> Who {
        let short = short.to_owned();
        Who { kind, arn, short }
    }

    pub fn user(name: &str) -> Who {
        Who::new(
            "IAMUser",
            format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            name,
        )
    }

    /// An IAM Identity Center session, e.g. `sso("Admin", "alice@example.com")`.
    pub fn sso(permission_set: &str, session: &str) -> Who {
        let role = format!(
            "AWSReservedSSO_{permission_set}_{:016x}",
            hash(permission_set)
        );
        Who::role(&role, session)
    }

    pub fn role(role: &str, session: &str) -> Who {
        let arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}");
        Who::new("AssumedRole", arn, session)
    }

    pub fn root() -> Who {
        Who::new("Root", format!("arn:aws:iam::{ACCOUNT}:root"), "root")
    }

    /// `userIdentity` as CloudTrail writes it for this kind of caller.
    fn identity(&self, at: Timestamp) -> Value {
        let id = format!("{:016X}", hash(&self.arn));
        match self.kind {
            "AssumedRole" => {
                let role = self.arn.rsplit('/').nth(1).unwrap_or_default();
                let path = if role.starts_with("AWSReservedSSO_") {
                    "aws-reserved/sso.amazonaws.com/"
                } else {
                    ""
                };
                json!({
                    "type": "AssumedRole", "principalId": format!("AROA{id}:{}", self.short),
                    "arn": self.arn, "accountId": ACCOUNT, "accessKeyId": format!("ASIA{id}"),
                    "sessionContext": {
                        "sessionIssuer": {
                            "type": "Role", "principalId": format!("AROA{id}"),
                            "arn": format!("arn:aws:iam::{ACCOUNT}:role/{path}{role}"),
                            "accountId": ACCOUNT, "userName": role
                        },
                        "attributes": {"creationDate": iso(at - SignedDuration::from_mins(20)), "mfaAuthenticated": "false"}
                    }
                })
            }
            "Root" => {
                json!({"type": "Root", "principalId": ACCOUNT, "arn": self.arn, "accountId": ACCOUNT})
            }
            kind => json!({
                "type": kind, "principalId": format!("AIDA{id}"), "arn": self.arn,
                "accountId": ACCOUNT, "accessKeyId": format!("AKIA{id}"), "userName": self.short
            }),
        }
    }
}

#[derive(Clone, Debug)]
pub struct FakeSecret {
    pub name: String,
    pub description: Option<String>,
    pub created_at: Timestamp,
    /// When DeleteSecret was called; None: active (not pending).
    pub deleted_at: Option<Timestamp>,
    /// 7..=30; 30 is the default, which CloudTrail leaves out of the request.
    pub window_days: i64,
    pub deleted_by: Who,
    /// CloudTrail has delivered this deletion's event (false: deleted too recently).
    pub event: bool,
    /// Earlier DeleteSecret calls on the same secret (restored since): their times.
    pub earlier_deletions: Vec<Timestamp>,
    /// Write an unparseable deletionDate ("soon") in the events.
    pub garbled_deletion_date: bool,
    /// DeleteSecret calls on it that failed; CloudTrail records them too.
    pub failed_deletions: Vec<FailedDelete>,
}

impl FakeSecret {
    pub fn active(name: &str) -> Self {
        FakeSecret {
            name: name.to_owned(),
            description: Some(format!("{name} credentials")),
            created_at: Timestamp::now() - days(400),
            deleted_at: None,
            window_days: 30,
            deleted_by: Who::user("admin"),
            event: false,
            earlier_deletions: Vec::new(),
            garbled_deletion_date: false,
            failed_deletions: Vec::new(),
        }
    }

    /// Deleted `ago` before now with a window of `window_days`, by `who`, event delivered.
    pub fn pending(name: &str, ago: SignedDuration, window_days: i64, who: Who) -> Self {
        FakeSecret {
            deleted_at: Some(Timestamp::now() - ago),
            window_days,
            deleted_by: who,
            event: true,
            ..FakeSecret::active(name)
        }
    }

    pub fn arn(&self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let h = hash(&self.name);
        let suffix: String = (0..6)
            .map(|i| ALPHABET[(h >> (i * 6)) as usize % 62] as char)
            .collect();
        let name = &self.name;
        format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{suffix}")
    }

    /// When Secrets Manager will purge it: deleted_at + window.
    pub fn purge(&self) -> Option<Timestamp> {
        self.deleted_at.map(|t| t + days(self.window_days))
    }

    /// The ListSecrets/DescribeSecret entry.
    fn entry(&self) -> Value {
        let mut v = json!({
            "ARN": self.arn(), "Name": self.name,
            "CreatedDate": epoch(self.created_at),
            "LastChangedDate": epoch(self.deleted_at.unwrap_or(self.created_at)),
        });
        if let Some(d) = &self.description {
            v["Description"] = json!(d);
        }
        if let Some(t) = self.deleted_at {
            v["DeletedDate"] = json!(epoch(t));
        }
        v
    }

    /// One LookupEvents entry for a DeleteSecret call at `at`.
    fn event(&self, at: Timestamp) -> Value {
        // CloudTrail records whole seconds.
        let at = Timestamp::from_second(at.as_second()).expect("time in range");
        let event_id = uuid(&format!("{}@{at}", self.name));
        let mut request = json!({"secretId": self.name});
        if self.window_days != 30 {
            request["recoveryWindowInDays"] = json!(self.window_days);
        }
        let deletion_date = if self.garbled_deletion_date {
            "soon".to_owned()
        } else {
            (at + days(self.window_days))
                .strftime("%b %-d, %Y %-I:%M:%S %p")
                .to_string()
        };
        let detail = json!({
            "eventVersion": "1.08", "userIdentity": self.deleted_by.identity(at),
            "eventTime": iso(at), "eventSource": SOURCE, "eventName": "DeleteSecret",
            "awsRegion": REGION, "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2.15.0",
            "requestParameters": request,
            "responseElements": {"name": self.name, "aRN": self.arn(), "deletionDate": deletion_date},
            "requestID": uuid(&format!("request {event_id}")), "eventID": event_id,
            "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
            "recipientAccountId": ACCOUNT,
        });
        json!({
            "EventId": event_id, "EventName": "DeleteSecret", "ReadOnly": "false",
            "EventTime": at.as_second(), "EventSource": SOURCE,
            "Username": self.deleted_by.short, "Resources": [],
            "CloudTrailEvent": detail.to_string(),
        })
    }
}

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

/// Answers requests on one keep-alive connection until it closes.
fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut writer = stream;
    loop {
        let (mut target, mut length, mut close) = (String::new(), 0, false);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line.trim().is_empty() => break,
                Ok(_) => {}
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "x-amz-target" => target = value.to_owned(),
                "content-length" => length = value.parse().unwrap_or(0),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        // STS speaks the query protocol: a form body, an XML answer.
        if target.is_empty() && body.starts_with(b"Action=") {
            let text = String::from_utf8_lossy(&body);
            let action = text
                .split('&')
                .find_map(|p| p.strip_prefix("Action="))
                .unwrap_or_default()
                .to_owned();
            let xml = sts(state, &action);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n",
                xml.len()
            );
            let sent = writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(xml.as_bytes()));
            if sent.is_err() || close {
                return;
            }
            continue;
        }
        let request = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let (status, extra, body) = match handle(state, &target, &request) {
            Ok(v) => ("200 OK", String::new(), v),
            Err((code, message)) => (
                "400 Bad Request",
                format!("x-amzn-errortype: {code}\r\n"),
                json!({"__type": code, "message": message}),
            ),
        };
        let body = body.to_string();
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\n{extra}content-length: {}\r\n\r\n",
            body.len()
        );
        let sent = writer
            .write_all(head.as_bytes())
            .and_then(|()| writer.write_all(body.as_bytes()));
        if sent.is_err() || close {
            return;
        }
    }
}

type Error = (&'static str, String);

/// STS: who the caller is (any action is recorded; only this one answers).
fn sts(state: &Mutex<State>, action: &str) -> String {
    record(state, action.to_owned());
    format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/tester</Arn>\
         <UserId>AIDAEXAMPLE</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>0</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    )
}

fn handle(state: &Mutex<State>, target: &str, request: &Value) -> Result<Value, Error> {
    let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
    record(state, operation);
    match target {
        "secretsmanager.ListSecrets" => list_secrets(&lock(state).secrets, request),
        "secretsmanager.DescribeSecret" => {
            let state = lock(state);
            Ok(state.secrets[find(&state.secrets, request)?].entry())
        }
        "secretsmanager.RestoreSecret" => {
            let (answer, latency) = {
                let mut state = lock(state);
                let id = request["SecretId"].as_str().unwrap_or_default().to_owned();
                state.restores.push(id);
                let i = find(&state.secrets, request)?;
                let secret = &mut state.secrets[i];
                // The delivered event stays in CloudTrail's history.
                if let Some(at) = secret.deleted_at.take()
                    && secret.event
                {
                    secret.earlier_deletions.push(at);
                }
                let answer = json!({"ARN": secret.arn(), "Name": secret.name});
                (answer, state.restore_latency)
            };
            std::thread::sleep(latency);
            Ok(answer)
        }
        "CloudTrail_20131101.LookupEvents" => lookup_events(state, request),
        _ => Err((
            "UnknownOperationException",
            format!("Unknown operation {target:?}"),
        )),
    }
}

fn find(secrets: &[FakeSecret], request: &Value) -> Result<usize, Error> {
    let id = request["SecretId"].as_str().unwrap_or_default();
    secrets
        .iter()
        .position(|s| s.name == id || s.arn() == id)
        .ok_or((
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret.".to_owned(),
        ))
}

fn list_secrets(secrets: &[FakeSecret], request: &Value) -> Result<Value, Error> {
    let max = max_results(request, 100, "InvalidParameterException")?;
    let planned = request["IncludePlannedDeletion"].as_bool() == Some(true);
    let entries = secrets.iter().filter(|s| planned || s.deleted_at.is_none());
    let entries = entries.map(FakeSecret::entry).collect();
    page(entries, request, max, "SecretList")
}

fn lookup_events(state: &Mutex<State>, request: &Value) -> Result<Value, Error> {
    let (answer, latency) = {
        let mut state = lock(state);
        let now = state.now();
        let recent = state
            .lookups_answered
            .iter()
            .filter(|t| now.duration_since(**t) < SECOND);
        let answer = if recent.count() >= 2 {
            state.throttled += 1;
            Err(("ThrottlingException", "Rate exceeded".to_owned()))
        } else if state.deny_cloudtrail {
            Err((
                "AccessDeniedException",
                format!(
                    "User: arn:aws:iam::{ACCOUNT}:user/ro is not authorized to perform: cloudtrail:LookupEvents \
                 because no identity-based policy allows the cloudtrail:LookupEvents action"
                ),
            ))
        } else {
            events_page(&state.secrets, request)
        };
        (answer, state.lookup_latency)
    };
    std::thread::sleep(latency);
    let mut locked = lock(state);
    let at = locked.now();
    locked.lookups_answered.push(at);
    answer
}

fn events_page(secrets: &[FakeSecret], request: &Value) -> Result<Value, Error> {
    let max = max_results(request, 50, "InvalidMaxResultsException")?;
    let start = request["StartTime"].as_f64().unwrap_or(f64::MIN);
    let end = request["EndTime"].as_f64().unwrap_or(f64::MAX);
    let no_attributes = Vec::new();
    let attributes = request["LookupAttributes"]
        .as_array()
        .unwrap_or(&no_attributes);
    let calls: Vec<(Timestamp, &FakeSecret)> = secrets
        .iter()
        .flat_map(|s| {
            let current = s.deleted_at.filter(|_| s.event);
            s.earlier_deletions
                .iter()
                .copied()
                .chain(current)
                .map(move |t| (t, s))
        })
        .collect();
    let failed = secrets
        .iter()
        .flat_map(|s| &s.failed_deletions)
        .map(|f| (f.at, f.event()));
    let mut all: Vec<(Timestamp, Value)> = calls
        .into_iter()
        .map(|(t, s)| (t, s.event(t)))
        .chain(failed)
        .collect();
    all.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    let events = all.into_iter().map(|(_, e)| e).filter(|e| {
        let at = e["EventTime"].as_f64().unwrap_or_default();
        // Keys absent from the event (ResourceName...) match nothing: Resources is empty.
        let matches = |a: &Value| {
            e.get(a["AttributeKey"].as_str().unwrap_or_default()) == Some(&a["AttributeValue"])
        };
        (start..=end).contains(&at) && attributes.iter().all(matches)
    });
    page(events.collect(), request, max, "Events")
}

fn max_results(request: &Value, limit: u64, code: &'static str) -> Result<usize, Error> {
    match request.get("MaxResults") {
        None => Ok(limit as usize),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=limit).contains(n))
            .map(|n| n as usize)
            .ok_or((
                code,
                format!("MaxResults must be between 1 and {limit}, got {v}"),
            )),
    }
}

/// One page of `items` under `key`; NextToken only when more remain.
fn page(items: Vec<Value>, request: &Value, max: usize, key: &str) -> Result<Value, Error> {
    let from = match request["NextToken"].as_str() {
        None => 0,
        Some(token) => token
            .strip_prefix("fake-page-")
            .and_then(|n| n.parse().ok())
            .filter(|n| *n <= items.len())
            .ok_or((
                "InvalidNextTokenException",
                format!("Invalid NextToken {token:?}"),
            ))?,
    };
    let to = (from + max).min(items.len());
    let mut out = json!({ key: items[from..to] });
    if to < items.len() {
        out["NextToken"] = json!(format!("fake-page-{to}"));
    }
    Ok(out)
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
