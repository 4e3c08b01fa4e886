//! P-restore: 1,000 restores through the paced queue and the audit log.

use std::time::Instant;

use reprieve::app::Msg;

use crate::data::{now, secret};
use crate::stand_in::{aws_store, stand_in};

/// 1,000 restores in one region against a stand-in that throttles above
/// 50 a second: the paced queue keeps under it, and every outcome is
/// written to the audit log.
pub fn restore_many() {
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
