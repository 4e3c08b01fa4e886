//! The Organization stand-in, in a process of its own (so its CPU is not
//! counted): Organizations `ListAccounts`, STS `GetCallerIdentity` and
//! `AssumeRole`, Account `ListRegions`, Secrets Manager `ListSecrets` and
//! CloudTrail `LookupEvents`, each answer after a set latency, a thread per
//! connection. Calls are told apart by the access key in the
//! `Authorization` header: each member's role has its own.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::data::name;

pub const ACCOUNTS: usize = 100;
/// `ListAccounts` gives at most 20 a page.
const ACCOUNTS_A_PAGE: usize = 20;
/// Pending secrets in each account and region.
pub const SECRETS: usize = 10;
/// The regions enabled by default: what `ListRegions` says each account has.
pub const ENABLED: [&str; 17] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ap-south-1",
    "ap-northeast-3",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "sa-east-1",
];
/// The caller's own access key; it is in account 0, the management account.
pub const CALLER_KEY: &str = "bench";

/// Account `a`'s id.
pub fn account_id(a: usize) -> String {
    format!("{:012}", 100_000_000_000 + a)
}

/// Secret `k` of account `a` in region `r`: a number unique in the
/// Organization, for its name and dates.
pub fn secret_index(a: usize, r: usize, k: usize) -> usize {
    (a * ENABLED.len() + r) * SECRETS + k
}

pub fn secret_arn(a: usize, r: usize, k: usize) -> String {
    let name = name(secret_index(a, r, k));
    format!(
        "arn:aws:secretsmanager:{}:{}:secret:{name}-AbCdEf",
        ENABLED[r],
        account_id(a)
    )
}

/// Deleted between minutes and 29 days before `t0`, in whole seconds, as
/// CloudTrail records them.
pub fn deleted_at(t0: Timestamp, i: usize) -> Timestamp {
    let mins = (i * 7919 % (29 * 24 * 60)) as i64 + 5;
    t0 - SignedDuration::from_mins(mins)
}

static CALLS: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

fn count(operation: &str) {
    let mut calls = CALLS.lock().unwrap_or_else(|e| e.into_inner());
    *calls.entry(operation.to_owned()).or_default() += 1;
}

/// One request, as much of it as the stand-in reads.
struct Request {
    path: String,
    target: String,
    /// From `Credential=KEY/date/REGION/service/aws4_request`.
    key: String,
    region: String,
    body: String,
}

/// Prints its port, then serves until killed.
pub fn serve_org(latency: Duration) {
    let t0 = Timestamp::from_second(Timestamp::now().as_second()).expect("now");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    std::io::stdout().flush().ok();
    for stream in listener.incoming().flatten() {
        count("(connections)");
        std::thread::spawn(move || connection(stream, t0, latency));
    }
}

/// Answers requests on one keep-alive connection.
fn connection(stream: TcpStream, t0: Timestamp, latency: Duration) {
    stream.set_nodelay(true).ok();
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    while let Some(request) = read(&mut reader) {
        let (kind, body) = answer(&request, t0);
        let counts = request.path == "/counts";
        if !counts {
            // A service's own time to answer, as over a network.
            std::thread::sleep(latency);
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\nx-amzn-requestid: bench\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        // One write an answer: no Nagle delay on a second one.
        if writer
            .write_all(format!("{head}{body}").as_bytes())
            .is_err()
            || counts
        {
            return;
        }
    }
}

fn read(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut request = Request {
        path: String::new(),
        target: String::new(),
        key: String::new(),
        region: String::new(),
        body: String::new(),
    };
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if request.path.is_empty() {
            request.path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().unwrap_or(0),
            "x-amz-target" => request.target = value.to_owned(),
            "authorization" => {
                let scope = value.split("Credential=").nth(1).unwrap_or_default();
                let mut parts = scope.split('/');
                request.key = parts.next().unwrap_or_default().to_owned();
                request.region = parts.nth(1).unwrap_or_default().to_owned();
            }
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    request.body = String::from_utf8_lossy(&body).into_owned();
    Some(request)
}

/// The content type and body of the answer.
fn answer(request: &Request, t0: Timestamp) -> (&'static str, String) {
    const JSON: &str = "application/x-amz-json-1.1";
    // Account 0 is the caller's; a member's role has the key ASIA<id>.
    let account = match request.key.strip_prefix("ASIA") {
        Some(id) => id.parse::<usize>().map_or(0, |n| n - 100_000_000_000),
        None => 0,
    };
    if request.path == "/counts" {
        let calls = CALLS.lock().unwrap_or_else(|e| e.into_inner());
        let text: Vec<String> = calls.iter().map(|(op, n)| format!("{op} {n}")).collect();
        return ("text/plain", text.join("\n"));
    }
    if request.path.starts_with("/listRegions") {
        count("ListRegions");
        let regions: Vec<Value> = ENABLED
            .iter()
            .map(|r| json!({"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"}))
            .collect();
        return (
            "application/json",
            json!({ "Regions": regions }).to_string(),
        );
    }
    if let Some(action) = form(&request.body, "Action") {
        count(&action);
        return ("text/xml", sts(&action, &request.body, account));
    }
    let operation = request.target.rsplit('.').next().unwrap_or_default();
    count(operation);
    let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    let region = ENABLED.iter().position(|r| *r == request.region);
    let answer = match (operation, region) {
        ("ListAccounts", _) => list_accounts(&body),
        ("ListSecrets", Some(r)) => list_secrets(account, r, t0),
        ("LookupEvents", Some(r)) if request.body.contains("\"DeleteSecret\"") => {
            deletions(account, r, t0)
        }
        _ => json!({"Events": [], "SecretList": []}),
    };
    (JSON, answer.to_string())
}

fn sts(action: &str, body: &str, account: usize) -> String {
    const NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
    if action == "AssumeRole" {
        let role = form(body, "RoleArn").unwrap_or_default();
        let session = form(body, "RoleSessionName").unwrap_or_default();
        let id = role.split(':').nth(4).unwrap_or_default();
        let role_name = role.rsplit('/').next().unwrap_or_default();
        let expires = (Timestamp::now() + SignedDuration::from_hours(1))
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        return format!(
            "<AssumeRoleResponse xmlns=\"{NS}\"><AssumeRoleResult><Credentials>\
             <AccessKeyId>ASIA{id}</AccessKeyId><SecretAccessKey>bench-{id}</SecretAccessKey>\
             <SessionToken>token-{id}</SessionToken><Expiration>{expires}</Expiration>\
             </Credentials><AssumedRoleUser><AssumedRoleId>AROA{id}:{session}</AssumedRoleId>\
             <Arn>arn:aws:sts::{id}:assumed-role/{role_name}/{session}</Arn></AssumedRoleUser>\
             </AssumeRoleResult><ResponseMetadata><RequestId>bench</RequestId>\
             </ResponseMetadata></AssumeRoleResponse>"
        );
    }
    let id = account_id(account);
    let arn = if account == 0 {
        format!("arn:aws:iam::{id}:user/bench")
    } else {
        format!("arn:aws:sts::{id}:assumed-role/OrganizationAccountAccessRole/reprieve-bench")
    };
    format!(
        "<GetCallerIdentityResponse xmlns=\"{NS}\"><GetCallerIdentityResult>\
         <Arn>{arn}</Arn><UserId>AIDABENCH</UserId><Account>{id}</Account>\
         </GetCallerIdentityResult><ResponseMetadata><RequestId>bench</RequestId>\
         </ResponseMetadata></GetCallerIdentityResponse>"
    )
}

fn list_accounts(body: &Value) -> Value {
    let from: usize = body["NextToken"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let to = (from + ACCOUNTS_A_PAGE).min(ACCOUNTS);
    let accounts: Vec<Value> = (from..to)
        .map(|a| {
            let id = account_id(a);
            json!({
                "Id": id, "Arn": format!("arn:aws:organizations::{}:account/o-bench/{id}", account_id(0)),
                "Email": format!("aws+{a}@example.com"), "Name": format!("account-{a:03}"),
                "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": "CREATED",
                "JoinedTimestamp": 1_700_000_000.0,
            })
        })
        .collect();
    let mut out = json!({ "Accounts": accounts });
    if to < ACCOUNTS {
        out["NextToken"] = json!(to.to_string());
    }
    out
}

fn epoch(t: Timestamp) -> f64 {
    t.as_millisecond() as f64 / 1000.0
}

fn list_secrets(a: usize, r: usize, t0: Timestamp) -> Value {
    let entries: Vec<Value> = (0..SECRETS)
        .map(|k| {
            let i = secret_index(a, r, k);
            let deleted = epoch(deleted_at(t0, i));
            json!({
                "ARN": secret_arn(a, r, k), "Name": name(i),
                "Description": format!("Credentials of service {i} for the nightly jobs"),
                "DeletedDate": deleted, "CreatedDate": 1_700_000_000.0, "LastChangedDate": deleted,
            })
        })
        .collect();
    json!({ "SecretList": entries })
}

/// The `DeleteSecret` events of one account and region, newest first.
fn deletions(a: usize, r: usize, t0: Timestamp) -> Value {
    let id = account_id(a);
    let mut events: Vec<(Timestamp, Value)> = (0..SECRETS)
        .map(|k| {
            let i = secret_index(a, r, k);
            let at = deleted_at(t0, i);
            let window = [7, 10, 14, 30][i % 4];
            let purge = (at + SignedDuration::from_hours(24 * window))
                .strftime("%b %-d, %Y %-I:%M:%S %p")
                .to_string();
            let detail = json!({
                "eventVersion": "1.08",
                "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::{id}:user/ops"),
                                 "accountId": id, "userName": "ops"},
                "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "eventSource": "secretsmanager.amazonaws.com", "eventName": "DeleteSecret",
                "awsRegion": ENABLED[r], "sourceIPAddress": "203.0.113.7",
                "requestParameters": {"secretId": name(i), "recoveryWindowInDays": window},
                "responseElements": {"name": name(i), "aRN": secret_arn(a, r, k), "deletionDate": purge},
                "eventID": format!("event-{i}"), "recipientAccountId": id,
            });
            let event = json!({
                "EventId": format!("event-{i}"), "EventName": "DeleteSecret", "ReadOnly": "false",
                "EventTime": at.as_second(), "EventSource": "secretsmanager.amazonaws.com",
                "Username": "ops", "Resources": [], "CloudTrailEvent": detail.to_string(),
            });
            (at, event)
        })
        .collect();
    events.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    json!({ "Events": events.into_iter().map(|(_, e)| e).collect::<Vec<_>>() })
}

/// One value of a form body, percent-decoded.
fn form(body: &str, key: &str) -> Option<String> {
    let value = body
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{key}=")))?;
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Starts the stand-in; returns it and its URL.
pub fn start(latency_ms: u64) -> (Child, String) {
    let exe = std::env::current_exe().expect("own path");
    let mut server = Command::new(exe)
        .arg("--serve-org")
        .arg(latency_ms.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the stand-in");
    let mut port = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut port)
        .expect("the stand-in's port");
    (server, format!("http://127.0.0.1:{}", port.trim()))
}

/// How many calls of each operation the stand-in has answered.
pub fn calls(url: &str) -> String {
    let address = url.trim_start_matches("http://");
    let Ok(mut stream) = TcpStream::connect(address) else {
        return String::new();
    };
    let request = "GET /counts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut text = String::new();
    if stream.write_all(request.as_bytes()).is_err() || stream.read_to_string(&mut text).is_err() {
        return String::new();
    }
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    body.lines().collect::<Vec<_>>().join(", ")
}
