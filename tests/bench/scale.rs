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
//! - P-cli: `reprieve list -o jsonl` of the same, the binary with stdout
//!   piped, against the same boto3 paginator.
//! - P-org: an Organization of 100 accounts in 17 regions each, from a
//!   stand-in: sources, listing and dating, peak memory, and a keystroke.
//!
//! Wall-clock figures depend on the machine: they are printed, never asserted.

mod cli;
mod data;
mod keys;
mod list;
mod mem;
mod org;
mod org_stand_in;
mod restore;
mod stand_in;

use std::time::Duration;

use data::ROWS;
use keys::keys;
use list::{list, list_regions};
use mem::{mem, mem_child};
use restore::restore_many;
use stand_in::serve;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--mem-child") => return mem_child(args.get(2).and_then(|n| n.parse().ok())),
        Some("--serve") => {
            let pages = args.get(2).and_then(|n| n.parse().ok());
            let latency = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(0);
            return serve(pages, Duration::from_millis(latency));
        }
        Some("--serve-org") => {
            let latency = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(0);
            return org_stand_in::serve_org(Duration::from_millis(latency));
        }
        Some("--org-child") => {
            let url = args.get(2).map_or("", String::as_str);
            return org::org_child(url, args.get(3).and_then(|n| n.parse().ok()));
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
    if run("cli") {
        cli::cli();
    }
    if run("org") {
        org::org();
    }
}
