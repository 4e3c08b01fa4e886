//! reprieve at 100,000 pending secrets: `cargo bench`.
//!
//! - P-keys: a keystroke, a move, a page and a restore result, each one
//!   `update` plus one frame into a 160x50 `TestBackend`.
//! - P-mem: peak RSS of a process holding 100,000 dated rows (a child
//!   process, so nothing else is counted).
//! - P-list: the real AWS store lists 100,000 pending secrets through the SDK
//!   from a local `ListSecrets` stand-in (another process), against a bare
//!   boto3 paginator on the same stand-in.
//!
//! Wall-clock figures depend on the machine: they are printed, never asserted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reprieve::app::{Action, Msg, Source, State, update};
use reprieve::store::{Arn, DeletionEvent, EventPage, Page, PendingSecret, Principal};
use tui_input::InputRequest;

const ROWS: usize = 100_000;
const PAGE: usize = 100;
const NOW: &str = "2026-11-29T12:00:00Z";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--mem-child") => return mem_child(args.get(2).and_then(|n| n.parse().ok())),
        Some("--serve") => {
            let pages = args.get(2).and_then(|n| n.parse().ok());
            let latency = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(0);
            return serve(pages, Duration::from_millis(latency));
        }
        _ => {}
    }
    // `cargo bench -- list` runs one part; cargo itself passes `--bench`.
    let only: Vec<&str> = args[1..]
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |part: &str| only.is_empty() || only.contains(&part);
    println!("reprieve scale benchmark: {ROWS} pending secrets\n");
    if run("keys") {
        keys(1);
        keys(8);
    }
    if run("mem") {
        mem(1);
        mem(8);
    }
    if run("list") {
        list();
        list_regions();
    }
    if run("restore") {
        restore_many();
    }
}

fn now() -> Timestamp {
    NOW.parse().expect("a timestamp")
}

fn name(i: usize) -> String {
    const TEAMS: [&str; 8] = [
        "orders", "payments", "identity", "search", "ledger", "mail", "edge", "ml",
    ];
    let env = ["prod", "staging", "dev"][i % 3];
    format!(
        "{env}/{}/service-{i:06}-credentials",
        TEAMS[i % TEAMS.len()]
    )
}

/// Regions for the many-source runs; row `i` of `sources` lives in one.
const REGIONS: [&str; 8] = [
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
];

/// Which source row `i` belongs to when pages are dealt out in turn.
fn source_of(i: usize, sources: usize) -> usize {
    (i / PAGE) % sources.max(1)
}

fn arn(i: usize) -> Arn {
    arn_in(i, 1)
}

fn arn_in(i: usize, sources: usize) -> Arn {
    Arn::new(format!(
        "arn:aws:secretsmanager:{}:111122223333:secret:{}-AbCdEf",
        REGIONS[source_of(i, sources)],
        name(i)
    ))
}

/// Deleted between minutes and 29 days ago, as AWS lists it.
fn deleted(i: usize) -> Timestamp {
    let mins = (i * 7919 % (29 * 24 * 60)) as i64 + 5;
    now() - SignedDuration::from_mins(mins)
}

fn window_days(i: usize) -> i64 {
    [7, 10, 14, 30][i % 4]
}

fn secret(i: usize, sources: usize) -> PendingSecret {
    PendingSecret {
        arn: arn_in(i, sources),
        name: name(i),
        description: Some(format!("Credentials of service {i} for the nightly jobs")),
        deleted_date: deleted(i),
    }
}

fn listing_page(p: usize, sources: usize) -> Page {
    Page {
        pending: (p * PAGE..(p + 1) * PAGE)
            .map(|i| secret(i, sources))
            .collect(),
        scanned: PAGE,
        next_token: (p + 1 < ROWS / PAGE).then(|| (p + 1).to_string()),
    }
}

fn event(i: usize, sources: usize) -> DeletionEvent {
    let who = ["alice@example.com", "bob", "gha-run-8812", "root"][i % 4];
    DeletionEvent {
        event_time: deleted(i),
        arn: Some(arn_in(i, sources)),
        name: Some(name(i)),
        deletion_date: Some(deleted(i) + SignedDuration::from_hours(window_days(i) * 24)),
        recovery_window_days: Some(window_days(i)),
        forced: false,
        principal: std::sync::Arc::new(Principal {
            kind: Some("AssumedRole".into()),
            arn: Some(format!("arn:aws:sts::111122223333:assumed-role/ops/{who}")),
            short: Some(who.into()),
        }),
        source_ip: Some("203.0.113.7".into()),
        user_agent: Some("aws-cli/2.15.0".into()),
    }
}

type Screen = Terminal<TestBackend>;

fn draw(terminal: &mut Screen, state: &State) {
    terminal
        .draw(|frame| {
            reprieve::ui::render(frame, state);
        })
        .expect("a frame");
}

/// A state holding every row, listed and dated by CloudTrail, over
/// `sources` sources that each hold an equal share.
fn loaded(sources: usize) -> (State, Screen) {
    let list: Vec<Source> = (0..sources)
        .map(|s| Source {
            region: Some(REGIONS[s].to_owned()),
            ..Source::default()
        })
        .collect();
    let mut state = State::with_sources(list, jiff::tz::TimeZone::UTC, now());
    let size = Msg::Resize {
        width: 160,
        height: 50,
    };
    update(&mut state, size);
    state.start();
    let pages = ROWS / PAGE;
    for p in 0..pages {
        let source = p % sources;
        let last = p + sources >= pages;
        let page = Page {
            next_token: (!last).then(|| (p + sources).to_string()),
            ..listing_page(p, sources)
        };
        let generation = state.feeds()[source].load.generation;
        update(
            &mut state,
            Msg::PageLoaded {
                source,
                generation,
                page,
            },
        );
    }
    let chunks = ROWS / 50;
    for chunk in 0..chunks {
        let source = source_of(chunk * 50, sources);
        let last = (chunk + 1..chunks).all(|c| source_of(c * 50, sources) != source);
        let events = (chunk * 50..(chunk + 1) * 50)
            .map(|i| event(i, sources))
            .collect();
        let page = EventPage {
            events,
            unreadable: 0,
            next_token: (!last).then(|| chunk.to_string()),
        };
        let generation = state.feeds()[source].trail.generation;
        update(
            &mut state,
            Msg::DeletionsLoaded {
                source,
                generation,
                page,
            },
        );
    }
    assert_eq!(state.list().len(), ROWS);
    assert_eq!(state.estimated(), 0, "every row dated");
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("a test terminal");
    draw(&mut terminal, &state);
    (state, terminal)
}

struct Samples(Vec<Duration>);

impl Samples {
    fn time(&mut self, state: &mut State, terminal: &mut Screen, msg: Msg) {
        let started = Instant::now();
        update(state, msg);
        draw(terminal, state);
        self.0.push(started.elapsed());
    }

    fn report(mut self, what: &str) {
        self.0.sort();
        let at = |q: f64| self.0[((self.0.len() - 1) as f64 * q).round() as usize];
        let (median, p99) = (at(0.5), at(0.99));
        let ok = median <= Duration::from_millis(2) && p99 <= Duration::from_millis(8);
        println!(
            "  {what:<28} median {:>7.3} ms   p99 {:>7.3} ms   ({} samples)   limit 2 / 8 ms   {}",
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            self.0.len(),
            if ok { "ok" } else { "OVER" }
        );
    }
}

fn keys(sources: usize) {
    println!(
        "P-keys: one update and one 160x50 frame, {ROWS} rows loaded from {sources} source(s)"
    );
    let started = Instant::now();
    let (mut state, mut terminal) = loaded(sources);
    println!(
        "  (loading {ROWS} rows and their CloudTrail events took {:.2?})",
        started.elapsed()
    );

    let mut typing = Samples(Vec::new());
    for round in 0..20 {
        update(&mut state, Msg::Action(Action::OpenFilter));
        for c in ["service-0", "prod/", "ledger"][round % 3].chars() {
            let msg = Msg::FilterEdit(InputRequest::InsertChar(c));
            typing.time(&mut state, &mut terminal, msg);
        }
        for _ in 0..3 {
            let msg = Msg::FilterEdit(InputRequest::DeletePrevChar);
            typing.time(&mut state, &mut terminal, msg);
        }
        typing.time(&mut state, &mut terminal, Msg::Action(Action::ClearFilter));
    }
    typing.report("filter keystroke");

    let mut moving = Samples(Vec::new());
    for i in 0..300 {
        let action = match i % 10 {
            0 => Action::PageDown,
            5 => Action::Bottom,
            9 => Action::Top,
            _ => Action::Down,
        };
        moving.time(&mut state, &mut terminal, Msg::Action(action));
    }
    moving.report("moving the selection");

    // A refresh: the same rows again, page by page.
    let mut pages = Samples(Vec::new());
    update(&mut state, Msg::Action(Action::Refresh));
    let generation = state.load().generation;
    for p in 0..300 {
        let page = listing_page(p * 3, sources);
        let page = Page {
            next_token: Some("more".into()),
            ..page
        };
        pages.time(
            &mut state,
            &mut terminal,
            Msg::PageLoaded {
                source: 0,
                generation,
                page,
            },
        );
    }
    pages.report("a page arriving");

    let mut restores = Samples(Vec::new());
    for i in 0..300 {
        let row = state
            .list()
            .get(&arn_in(i * 311, sources))
            .expect("a listed row");
        let target = reprieve::app::Target::of(row.source(), &row.secret, &row.dates);
        let msg = Msg::RestoreFinished {
            target,
            outcome: reprieve::app::Outcome::Restored {
                request_id: None,
                checked: false,
            },
        };
        restores.time(&mut state, &mut terminal, msg);
    }
    restores.report("a restore result");
    println!();
}

/// (peak RSS, RSS) of this process in KiB.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn mem_child(sources: Option<usize>) {
    let (_, before) = rss();
    let (state, _terminal) = loaded(sources.unwrap_or(1));
    let (peak, after) = rss();
    println!("{peak} {before} {after} {}", state.list().len());
}

fn mem(sources: usize) {
    println!(
        "P-mem: peak RSS of a process holding {ROWS} listed and dated rows from {sources} source(s)"
    );
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .arg("--mem-child")
        .arg(sources.to_string())
        .output()
        .expect("run the child");
    let text = String::from_utf8_lossy(&out.stdout);
    let nums: Vec<u64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [peak, before, after, rows] = nums[..] else {
        println!("  could not measure: {text}");
        return;
    };
    let mib = peak as f64 / 1024.0;
    println!(
        "  peak RSS {mib:.1} MiB   limit 60 MiB   {}",
        if mib <= 60.0 { "ok" } else { "OVER" }
    );
    println!(
        "  held by the rows: {:.1} MiB, {} bytes a row (RSS before {:.1} MiB, after {:.1} MiB)",
        (after - before) as f64 / 1024.0,
        (after - before) * 1024 / rows.max(1),
        before as f64 / 1024.0,
        after as f64 / 1024.0
    );
    println!();
}

/// This process's CPU time (user + system), from /proc.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15, the 12th and 13th after ")".
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let ticks = field(11) + field(12);
    Duration::from_millis(ticks * 10)
}

/// The `ListSecrets` stand-in: every page rendered before the first call,
/// so its own cost is a lookup. Prints its port, then serves until killed.
fn serve(pages: Option<usize>, latency: Duration) {
    let when = |t: Timestamp| t.as_millisecond() as f64 / 1000.0;
    let count = pages.unwrap_or(ROWS / PAGE);
    let pages: Vec<String> = (0..count)
        .map(|p| {
            let entries: Vec<String> = (p * PAGE..(p + 1) * PAGE)
                .map(|i| {
                    format!(
                        r#"{{"ARN":"{}","Name":"{}","Description":"Credentials of service {i} for the nightly jobs","DeletedDate":{},"CreatedDate":1700000000.0,"LastChangedDate":{}}}"#,
                        arn(i),
                        name(i),
                        when(deleted(i)),
                        when(deleted(i))
                    )
                })
                .collect();
            let next = if p + 1 < count {
                format!(r#","NextToken":"{}""#, p + 1)
            } else {
                String::new()
            };
            format!(r#"{{"SecretList":[{}]{next}}}"#, entries.join(","))
        })
        .collect();
    let pages = std::sync::Arc::new(pages);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    std::io::stdout().flush().ok();
    for stream in listener.incoming().flatten() {
        let pages = std::sync::Arc::clone(&pages);
        std::thread::spawn(move || answer(stream, &pages, latency));
    }
}

/// Answers requests on one keep-alive connection.
/// When the stand-in answered RestoreSecret, for its 50-a-second quota.
static RESTORE_CALLS: std::sync::Mutex<Vec<Instant>> = std::sync::Mutex::new(Vec::new());

fn answer(stream: TcpStream, pages: &[String], latency: Duration) {
    // One write per answer and no Nagle delay: otherwise every answer
    // waits for a delayed ACK and the clients are not what is measured.
    stream.set_nodelay(true).ok();
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut length = 0;
        // The signing region, from the Authorization header's scope.
        let mut region = String::from("us-east-1");
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("authorization:")
                && let Some(scope) = lower.split("credential=").nth(1)
                && let Some(r) = scope.split('/').nth(2)
            {
                region = r.to_owned();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body);
        // RestoreSecret: 50 a second (over the trailing second), then
        // ThrottlingException, as AWS does.
        if body.contains("\"SecretId\"") {
            let throttled = {
                let mut calls = RESTORE_CALLS.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                calls.retain(|t| now.duration_since(*t) < Duration::from_secs(1));
                let over = calls.len() >= 50;
                calls.push(now);
                over
            };
            std::thread::sleep(latency);
            let (status, reply) = if throttled {
                (
                    "400 Bad Request",
                    r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_owned(),
                )
            } else {
                let id = body.split('"').nth(3).unwrap_or_default().to_owned();
                ("200 OK", format!(r#"{{"ARN":"{id}","Name":"x"}}"#))
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: bench\r\ncontent-length: {}\r\n\r\n{reply}",
                reply.len()
            );
            if writer.write_all(answer.as_bytes()).is_err() {
                return;
            }
            continue;
        }
        let page = body
            .split("\"NextToken\"")
            .nth(1)
            .and_then(|t| t.split('"').nth(1))
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0);
        let reply = &pages[page.min(pages.len() - 1)];
        // Each region its own secrets: the same pages, other ARNs.
        let reply = if region == "us-east-1" {
            std::borrow::Cow::Borrowed(reply.as_str())
        } else {
            std::borrow::Cow::Owned(reply.replace(":us-east-1:", &format!(":{region}:")))
        };
        // A service's own time to answer, as over a network.
        std::thread::sleep(latency);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{reply}",
            reply.len()
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

const BOTO3: &str = r#"
import sys, time, boto3
c = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="bench", aws_secret_access_key="bench")
t = time.perf_counter()
n = 0
for page in c.get_paginator("list_secrets").paginate(
        IncludePlannedDeletion=True, PaginationConfig={"PageSize": 100}):
    n += sum(1 for s in page["SecretList"] if "DeletedDate" in s)
print(n, time.perf_counter() - t)
"#;

fn list() {
    println!(
        "P-list: listing {ROWS} pending secrets from a local stand-in ({} pages)",
        ROWS / PAGE
    );
    let (mut server, url) = stand_in(ROWS / PAGE, 0);

    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let (count, wall, cpu_used) = rt.block_on(reprieve_listing(&url));
    println!(
        "  reprieve (AwsStore through the SDK, and update): {count} pending in {:.2} s, CPU {:.2} s   limit 3 s CPU   {}",
        wall.as_secs_f64(),
        cpu_used.as_secs_f64(),
        if cpu_used <= Duration::from_secs(3) {
            "ok"
        } else {
            "OVER"
        }
    );
    match boto3(&url) {
        Some((n, secs)) => println!(
            "  boto3 paginator, same stand-in: {n} pending in {secs:.2} s   reprieve {}",
            if wall.as_secs_f64() <= secs {
                "is as fast or faster: ok"
            } else {
                "is SLOWER"
            }
        ),
        None => println!(
            "  boto3 paginator: skipped, no Python with boto3 (run `cargo test` once to install moto, which brings boto3, under target/moto-venv)"
        ),
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// The real AWS store for `region`, pointed at the stand-in, with the
/// app's own retries and timeouts.
async fn aws_store(url: &str, region: &str) -> reprieve::store::aws::AwsStore {
    let options = reprieve::store::aws::AwsOptions {
        profile: None,
        region: Some(region.to_owned()),
        endpoint_url: Some(url.into()),
    };
    let config = reprieve::store::aws::load_config(&options)
        .await
        .into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("bench", "bench", None, None, "bench"),
            ),
        )
        .build();
    reprieve::store::aws::AwsStore::from_config(&config)
}

async fn reprieve_listing(url: &str) -> (usize, Duration, Duration) {
    use reprieve::store::SecretStore;
    let store = aws_store(url, "us-east-1").await;
    let mut state = State::new(Source::default(), jiff::tz::TimeZone::UTC, now());
    update(
        &mut state,
        Msg::Resize {
            width: 160,
            height: 50,
        },
    );
    state.start();
    let (started, cpu_before) = (Instant::now(), cpu());
    let mut token = None;
    loop {
        let page = store.list_page(token).await.expect("a page");
        token = page.next_token.clone();
        update(
            &mut state,
            Msg::PageLoaded {
                source: 0,
                generation: 1,
                page,
            },
        );
        if token.is_none() {
            break;
        }
    }
    (state.list().len(), started.elapsed(), cpu() - cpu_before)
}

/// Starts the stand-in with `pages` pages; returns it and its URL.
fn stand_in(pages: usize, latency_ms: u64) -> (std::process::Child, String) {
    let exe = std::env::current_exe().expect("own path");
    let mut server = Command::new(exe)
        .arg("--serve")
        .arg(pages.to_string())
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

/// Four regions, each as big as the one: they list side by side.
fn list_regions() {
    const PAGES: usize = 250;
    // Each answer takes 20 ms, as a real service's would.
    const LATENCY_MS: u64 = 20;
    println!(
        "P-list, many regions: each region {} pending secrets ({PAGES} pages, {LATENCY_MS} ms an answer)",
        PAGES * PAGE
    );
    let (mut server, url) = stand_in(PAGES, LATENCY_MS);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let (one, one_wall) = rt.block_on(listing_regions(&url, &REGIONS[..1]));
    let (four, four_wall) = rt.block_on(listing_regions(&url, &REGIONS[..4]));
    let ratio = four_wall.as_secs_f64() / one_wall.as_secs_f64();
    println!(
        "  1 region: {one} pending in {:.2} s   4 regions: {four} pending in {:.2} s   ratio {ratio:.2}   limit 1.2   {}",
        one_wall.as_secs_f64(),
        four_wall.as_secs_f64(),
        if ratio <= 1.2 { "ok" } else { "OVER" }
    );
    let _ = server.kill();
    let _ = server.wait();
    println!();
}

/// Lists `regions` at once, as the runtime does: each region's pages in
/// sequence, every page into one state.
async fn listing_regions(url: &str, regions: &[&str]) -> (usize, Duration) {
    use reprieve::store::SecretStore;
    let mut stores = Vec::new();
    for region in regions {
        stores.push(std::sync::Arc::new(aws_store(url, region).await));
    }
    let sources = regions
        .iter()
        .map(|r| Source {
            region: Some((*r).to_owned()),
            ..Source::default()
        })
        .collect();
    let mut state = State::with_sources(sources, jiff::tz::TimeZone::UTC, now());
    state.start();
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for (source, store) in stores.into_iter().enumerate() {
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut token = None;
            loop {
                let page = store.list_page(token).await.expect("a page");
                token = page.next_token.clone();
                let _ = tx.send((source, page));
                if token.is_none() {
                    return;
                }
            }
        });
    }
    drop(tx);
    while let Some((source, page)) = rx.recv().await {
        let generation = state.feeds()[source].load.generation;
        update(
            &mut state,
            Msg::PageLoaded {
                source,
                generation,
                page,
            },
        );
    }
    (state.list().len(), started.elapsed())
}

/// 1,000 restores in one region against a stand-in that throttles above
/// 50 a second: the paced queue keeps under it, and every outcome is
/// written to the audit log.
fn restore_many() {
    const N: usize = 1000;
    println!("P-restore: {N} restores in one region; the stand-in throttles above 50 a second");
    let (mut server, url) = stand_in(1, 20);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = std::env::temp_dir().join(format!("reprieve-bench-audit-{}", std::process::id()));
    let path = dir.join("audit.jsonl");
    let (wall, failed) = rt.block_on(async {
        let log = std::sync::Arc::new(reprieve::audit::AuditLog::open(&path).expect("audit").0);
        let store: std::sync::Arc<dyn reprieve::store::SecretStore> =
            std::sync::Arc::new(aws_store(&url, "us-east-1").await);
        let stores = reprieve::runtime::Stores::one(store).audit(reprieve::runtime::Audit::On(log));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let started = Instant::now();
        for i in 0..N {
            let s = secret(i, 1);
            let target = reprieve::app::Target::of(
                0,
                &s,
                &reprieve::purge::read(s.deleted_date, now(), None),
            );
            let _ =
                reprieve::runtime::perform(&stores, &tx, reprieve::app::Effect::Restore(target));
        }
        let (mut done, mut failed) = (0, 0);
        while done < N {
            match rx.recv().await {
                Some(Msg::RestoreFinished { outcome, .. }) => {
                    done += 1;
                    let restored = matches!(outcome, reprieve::app::Outcome::Restored { .. });
                    failed += usize::from(!restored);
                }
                Some(_) => {}
                None => break,
            }
        }
        (started.elapsed(), failed)
    });
    let rate = N as f64 / wall.as_secs_f64();
    let ok_lines = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(r#""result":"ok""#))
        .count();
    println!(
        "  {N} in {:.1} s: {rate:.1} a second (at least 40), {failed} failed (0), {ok_lines} ok lines in the audit log ({N})   {}",
        wall.as_secs_f64(),
        if rate >= 40.0 && failed == 0 && ok_lines == N {
            "ok"
        } else {
            "OVER"
        }
    );
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    println!();
}

fn boto3(url: &str) -> Option<(usize, f64)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("REPRIEVE_BENCH_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target/moto-venv/bin/python"));
    let out = Command::new(python)
        .arg("-c")
        .arg(BOTO3)
        .arg(url)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}
