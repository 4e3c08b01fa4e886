//! The operations the fake answers, as AWS does: ListSecrets,
//! DescribeSecret, RestoreSecret, LookupEvents (throttled, or denied) and
//! STS GetCallerIdentity.

use std::sync::Mutex;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{ACCOUNT, FakeSecret, SECOND, State, lock, record};

/// An AWS error: its code and message.
pub(super) type Error = (&'static str, String);

/// STS: who the caller is (any action is recorded; only this one answers).
pub(super) fn sts(state: &Mutex<State>, action: &str) -> String {
    record(state, action.to_owned());
    format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/tester</Arn>\
         <UserId>AIDAEXAMPLE</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>0</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    )
}

pub(super) fn handle(state: &Mutex<State>, target: &str, request: &Value) -> Result<Value, Error> {
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
    let reads = secrets
        .iter()
        .flat_map(|s| &s.reads)
        .map(|r| (r.at, r.event()));
    let mut all: Vec<(Timestamp, Value)> = calls
        .into_iter()
        .map(|(t, s)| (t, s.event(t)))
        .chain(failed)
        .chain(reads)
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
