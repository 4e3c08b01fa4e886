//! P-cli: `reprieve list --output jsonl --no-cloudtrail` of 100,000 pending
//! secrets, the real binary with stdout piped, against a bare boto3
//! paginator over the same stand-in in the same run.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::data::{PAGE, ROWS};
use crate::list::boto3;
use crate::stand_in::stand_in;

/// CPU (user + system) of the children this process has waited for.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_CHILDREN with a valid pointer.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

pub fn cli() {
    println!(
        "P-cli: `reprieve list -o jsonl --no-cloudtrail` of {ROWS} pending secrets from the stand-in"
    );
    let (mut server, url) = stand_in(ROWS / PAGE, 0);
    let before = children_cpu();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_reprieve"))
        .args(["--endpoint-url", &url, "--region", "us-east-1"])
        .args([
            "list",
            "--output",
            "jsonl",
            "--no-cloudtrail",
            "--no-audit-log",
        ])
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_CONFIG_FILE", "/nonexistent/reprieve-bench/config")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start reprieve");
    let stdout = child.stdout.take().expect("stdout");
    let lines = BufReader::new(stdout).lines().map_while(Result::ok).count();
    let status = child.wait().expect("reprieve ends");
    let wall = started.elapsed();
    let cpu = children_cpu().saturating_sub(before);
    let ok = status.success() && lines == ROWS;
    println!(
        "  reprieve: {lines} lines in {:.2} s, its CPU {:.2} s ({})   limit 1 s CPU   {}",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        status,
        if ok && cpu <= Duration::from_secs(1) {
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
        None => {
            println!("  boto3 paginator: skipped, no Python with boto3 (run `cargo test` once)")
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    println!();
}
