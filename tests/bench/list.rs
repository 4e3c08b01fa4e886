//! P-list: the real AWS store lists through the SDK from the stand-in,
//! against a bare boto3 paginator; and many regions side by side.

use std::process::Command;
use std::time::{Duration, Instant};

use reprieve::app::{Msg, Source, State, update};

use crate::data::{PAGE, REGIONS, ROWS, now};
use crate::stand_in::{aws_store, stand_in};

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

pub fn list() {
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

/// Four regions, each as big as the one: they list side by side.
pub fn list_regions() {
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

pub fn boto3(url: &str) -> Option<(usize, f64)> {
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
