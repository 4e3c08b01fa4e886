//! P-org: an Organization of 100 accounts, each in its 17 enabled regions
//! (1,700 sources, 10 pending secrets each), from a stand-in whose every
//! answer takes 20 ms. The sources are built with `engine::org::sources`
//! and listed and dated with `engine::listing::list`, as `reprieve list
//! --org-role R --region all` does, in a child process so its peak memory
//! is the listing's alone. Then a filter keystroke over the 17,000 rows.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use reprieve::app::{Msg, Source, State, update};
use reprieve::engine::Engine;
use reprieve::engine::listing;
use reprieve::engine::org::{self, Caller, OrgWants};
use reprieve::store::{Arn, DeletionEvent, EventPage, Identity, Page, PendingSecret, Principal};

use crate::data::{name, now};
use crate::keys::{Screen, draw, filter};
use crate::org_stand_in::{
    ACCOUNTS, CALLER_KEY, ENABLED, SECRETS, account_id, calls, deleted_at, secret_arn,
    secret_index, start,
};

const LATENCY_MS: u64 = 20;
const ROLE: &str = "OrganizationAccountAccessRole";
const SOURCES: usize = ACCOUNTS * ENABLED.len();
const ROWS: usize = SOURCES * SECRETS;
const LIMIT: Duration = Duration::from_secs(30);
const LIMIT_MIB: f64 = 100.0;
const FEW_FILES: u64 = 1024;

pub fn org() {
    println!(
        "P-org: an Organization of {ACCOUNTS} accounts x {} enabled regions ({SOURCES} sources, \
         {SECRETS} pending secrets each), every answer after {LATENCY_MS} ms",
        ENABLED.len()
    );
    measure(None);
    // A shell's usual limit (macOS has 256): idle pooled connections count.
    println!("  at 1024 open files, as a default Linux shell allows:");
    measure(Some(FEW_FILES));

    let started = Instant::now();
    let (mut state, mut terminal) = loaded();
    println!(
        "  (loading {ROWS} rows from {SOURCES} sources into the dashboard took {:.2?})",
        started.elapsed()
    );
    filter(&mut state, &mut terminal);
    println!();
}

/// One run of the child against a fresh stand-in, `files` its limit on
/// open files (None: this process's own), and its figures printed.
fn measure(files: Option<u64>) {
    let (mut server, url) = start(LATENCY_MS);
    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe);
    child.arg("--org-child").arg(&url);
    if let Some(files) = files {
        child.arg(files.to_string());
    }
    let out = child.output().expect("run the child");
    let text = String::from_utf8_lossy(&out.stdout);
    let figure = |key: &str| -> Option<u64> {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    };
    let read = || -> Option<[u64; 7]> {
        Some([
            figure("sources")?,
            figure("setup_ms")?,
            figure("total_ms")?,
            figure("rows")?,
            figure("dated")?,
            figure("failed")?,
            figure("peak_kib")?,
        ])
    };
    let Some([sources, setup_ms, total_ms, rows, dated, failed, peak_kib]) = read() else {
        let err = String::from_utf8_lossy(&out.stderr);
        println!("  could not measure: {text}{err}");
        let _ = server.kill();
        let _ = server.wait();
        return;
    };
    let secs = |ms: u64| ms as f64 / 1000.0;
    println!(
        "  sources (org::sources: STS, ListAccounts, AssumeRole, ListRegions): {sources} in {:.2} s",
        secs(setup_ms)
    );
    let within = Duration::from_millis(total_ms) <= LIMIT;
    let all = rows == ROWS as u64 && dated == rows && failed == 0;
    println!(
        "  sources, listing and CloudTrail dating: {rows} rows ({dated} dated by CloudTrail, \
         {failed} sources failed) in {:.2} s   limit {} s, every row   {}",
        secs(total_ms),
        LIMIT.as_secs(),
        match (within, all) {
            (true, true) => "ok",
            (false, true) => "OVER",
            (_, false) => "INCOMPLETE",
        }
    );
    if let Some(why) = text.lines().find_map(|l| l.strip_prefix("first failure: ")) {
        println!("  first failure: {why}");
    }
    let mib = peak_kib as f64 / 1024.0;
    println!(
        "  peak RSS {mib:.1} MiB   limit {LIMIT_MIB:.0} MiB   {}",
        if mib <= LIMIT_MIB { "ok" } else { "OVER" }
    );
    let setup_calls = text.lines().find_map(|l| l.strip_prefix("setup calls: "));
    println!(
        "  answered while building the sources: {}",
        setup_calls.unwrap_or("?")
    );
    println!("  answered in all: {}", calls(&url));
    let _ = server.kill();
    let _ = server.wait();
}

/// The measured run, in its own process: prints `key=value` figures.
pub fn org_child(url: &str, files: Option<u64>) {
    if let Some(files) = files {
        few_files(files);
    }
    // Read before the run: /proc cannot be opened once every file is.
    let status = std::fs::File::open("/proc/self/status").ok();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (sources, setup, total, listing) = rt.block_on(async {
        let options = reprieve::store::aws::AwsOptions {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(url.to_owned()),
        };
        let keys = aws_credential_types::Credentials::new(CALLER_KEY, "bench", None, None, "bench");
        let started = Instant::now();
        let base = reprieve::store::aws::load_config(&options)
            .await
            .into_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(keys),
            )
            .build();
        let caller = Caller {
            profile: None,
            region: "us-east-1".into(),
            endpoint_url: Some(url.to_owned()),
        };
        let wants = OrgWants {
            role: ROLE.into(),
            ..OrgWants::default()
        };
        let pairs = org::sources(&base, &caller, &wants, &["all".to_owned()])
            .await
            .expect("the Organization's sources");
        let setup = started.elapsed();
        println!("setup calls: {}", calls(url));
        let (sources, stores): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        let engine = Engine::new(stores);
        let listing = listing::list(&engine, &sources, true, Timestamp::now()).await;
        (sources.len(), setup, started.elapsed(), listing)
    });
    let peak = status.map_or(0, peak_kib);
    let failure = listing.reports.iter().find_map(|r| match &r.listed {
        listing::Listed::Failed { error, .. } => Some(error.to_string()),
        _ => None,
    });
    if let Some(why) = failure {
        println!("first failure: {why}");
    }
    let dated = listing
        .rows
        .iter()
        .filter(|r| r.dates.from_cloudtrail())
        .count();
    println!(
        "sources={sources} setup_ms={} total_ms={} rows={} dated={dated} failed={} peak_kib={peak}",
        setup.as_millis(),
        total.as_millis(),
        listing.rows.len(),
        listing.failed(),
    );
}

/// Lowers this process's limit on open files.
fn few_files(files: u64) {
    let limit = libc::rlimit {
        rlim_cur: files,
        rlim_max: files,
    };
    // SAFETY: setrlimit only reads the struct it is given.
    let ok = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } == 0;
    assert!(ok, "cannot lower the open-files limit");
}

/// VmHWM from a `/proc/self/status` opened earlier, in KiB.
fn peak_kib(mut status: std::fs::File) -> u64 {
    use std::io::{Read, Seek};
    let mut text = String::new();
    let _ = status.rewind();
    let _ = status.read_to_string(&mut text);
    text.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The dashboard holding every row of the Organization, listed and dated,
/// each source's identity known.
fn loaded() -> (State, Screen) {
    let sources: Vec<Source> = (0..SOURCES)
        .map(|s| Source {
            label: format!(
                "{} · account-{:03} {} · role {ROLE}",
                ENABLED[s % ENABLED.len()],
                s / ENABLED.len(),
                account_id(s / ENABLED.len())
            ),
            region: Some(ENABLED[s % ENABLED.len()].to_owned()),
            ..Source::default()
        })
        .collect();
    let mut state = State::with_sources(sources, jiff::tz::TimeZone::UTC, now());
    let size = Msg::Resize {
        width: 160,
        height: 50,
    };
    update(&mut state, size);
    state.start();
    let principal = Arc::new(Principal {
        kind: Some("IAMUser".into()),
        arn: Some("arn:aws:iam::100000000000:user/ops".into()),
        short: Some("ops".into()),
    });
    // `now()` stands in for the stand-in's start: every date before it.
    let t0 = now();
    for source in 0..SOURCES {
        let (a, r) = (source / ENABLED.len(), source % ENABLED.len());
        let account = account_id(a);
        let result = Ok(Identity {
            arn: format!("arn:aws:sts::{account}:assumed-role/{ROLE}/reprieve-bench"),
            account,
        });
        update(&mut state, Msg::Identified { source, result });
        let secret = |k: usize| {
            let i = secret_index(a, r, k);
            PendingSecret {
                arn: Arn::new(secret_arn(a, r, k)),
                name: name(i),
                description: Some(
                    format!("Credentials of service {i} for the nightly jobs").into(),
                ),
                deleted_date: deleted_at(t0, i),
                last_accessed: None,
            }
        };
        let page = Page {
            pending: (0..SECRETS).map(secret).collect(),
            scanned: SECRETS,
            owners: Vec::new(),
            next_token: None,
        };
        let generation = state.feeds()[source].load.generation;
        let msg = Msg::PageLoaded {
            source,
            generation,
            page,
        };
        update(&mut state, msg);
        let events = (0..SECRETS)
            .map(|k| {
                let i = secret_index(a, r, k);
                let window = [7, 10, 14, 30][i % 4];
                DeletionEvent {
                    event_time: deleted_at(t0, i),
                    arn: Some(Arn::new(secret_arn(a, r, k))),
                    name: Some(name(i)),
                    deletion_date: Some(
                        deleted_at(t0, i) + SignedDuration::from_hours(24 * window),
                    ),
                    recovery_window_days: Some(window),
                    forced: false,
                    principal: Arc::clone(&principal),
                    source_ip: Some("203.0.113.7".into()),
                    user_agent: Some("aws-cli/2.15.0".into()),
                }
            })
            .collect();
        let page = EventPage {
            events,
            unreadable: 0,
            next_token: None,
        };
        let generation = state.feeds()[source].trail.generation;
        let msg = Msg::DeletionsLoaded {
            source,
            generation,
            page,
        };
        update(&mut state, msg);
    }
    assert_eq!(state.list().len(), ROWS);
    assert_eq!(state.estimated(), 0, "every row dated");
    let mut terminal =
        Screen::new(ratatui::backend::TestBackend::new(160, 50)).expect("a terminal");
    draw(&mut terminal, &state);
    (state, terminal)
}
