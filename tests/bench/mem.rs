//! P-mem: peak RSS of a child process holding 100,000 dated rows, so
//! nothing else is counted.

use std::process::Command;

use crate::data::ROWS;
use crate::keys::loaded;

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

pub fn mem_child(sources: Option<usize>) {
    let (_, before) = rss();
    let (state, _terminal) = loaded(sources.unwrap_or(1));
    let (peak, after) = rss();
    println!("{peak} {before} {after} {}", state.list().len());
}

pub fn mem(sources: usize) {
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
