//! The binary over several sources, against moto (which serves every
//! region, and STS, on one port).

#![allow(clippy::unwrap_used)]

mod common;
mod pty;

use common::{Moto, create_secret, delete_with_window};
use pty::{App, FAST, SLOW, TEST_KEYS};

/// Creates and deletes `names`, the first with the shortest window; returns
/// the account their ARNs name (moto's, whatever it is).
fn seed(moto: &Moto, region: &str, names: &[&str]) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sdk = moto.client_in(region);
        let mut account = String::new();
        for (i, name) in names.iter().enumerate() {
            let arn = create_secret(&sdk, name).await;
            account = arn.split(':').nth(4).unwrap().to_owned();
            delete_with_window(&sdk, name, 7 + i as i64).await;
        }
        account
    })
}

fn pending_in(moto: &Moto, region: &str, name: &str) -> bool {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let out = moto
            .client_in(region)
            .describe_secret()
            .secret_id(name)
            .send()
            .await
            .unwrap();
        out.deleted_date.is_some()
    })
}

#[test]
fn two_regions_in_one_table_with_a_region_column_and_restores_in_their_own_region() {
    let moto = Moto::start();
    seed(&moto, "us-east-1", &["east/db", "east/api"]);
    let account = seed(&moto, "eu-west-1", &["west/db", "west/cache", "west/queue"]);
    seed(&moto, "ap-southeast-2", &["syd/token"]);
    let url = moto.url();
    let mut app = App::start(
        &[
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1,eu-west-1",
            "--region",
            "ap-southeast-2",
            "--utc",
        ],
        &TEST_KEYS,
    );
    let screen = app.expect(
        &[
            "6 scheduled for deletion",
            "Region",
            "east/api",
            "west/queue",
            "syd/token",
            "1 account · 3 regions",
        ],
        &[],
        FAST,
    );
    let line = screen.lines().find(|l| l.contains("west/cache")).unwrap();
    assert!(line.contains("eu-west-1"), "{screen}");
    // One account: no Account column.
    assert!(!screen.contains("Account"), "{screen}");

    // Restore a secret of the second region, found through the filter.
    app.send("/west/cache\r");
    app.expect(&["1 of 6 scheduled for deletion"], &[], FAST);
    app.send("r");
    let place = format!("account {account} · eu-west-1 · profile default");
    app.confirm(&["Restore this secret?", &place], "y");
    app.expect(&["Restored west/cache"], &[], FAST);
    assert!(!pending_in(&moto, "eu-west-1", "west/cache"));
    assert!(pending_in(&moto, "eu-west-1", "west/db"));
    assert!(pending_in(&moto, "us-east-1", "east/db"));

    // The sources pane: who, where, how many. Esc alone, seen to clear the
    // filter: a key right behind it would read as Alt+key.
    app.send("\x1b");
    app.expect(&["5 scheduled for deletion"], &[" of 5 ", " of 6 "], FAST);
    app.send("s");
    app.expect(
        &[
            "Sources",
            "us-east-1",
            "eu-west-1",
            "ap-southeast-2",
            "done, 2 scheduled",
            "done, 1 scheduled",
        ],
        &[],
        FAST,
    );
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
}

#[test]
fn a_broken_profile_shows_in_the_sources_pane_while_the_other_lists_and_restores() {
    let moto = Moto::start();
    seed(&moto, "us-east-1", &["app/one", "app/two"]);
    let dir = std::env::temp_dir().join(format!("reprieve-e2e-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        "[profile good]\nregion = us-east-1\n\n[profile broken]\nregion = us-east-1\n\
         credential_process = /bin/false\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[good]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    let mut app = App::start(
        &[
            "--endpoint-url",
            &moto.url(),
            "--profile",
            "good,broken",
            "--utc",
        ],
        &[
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ],
    );
    app.expect(
        &["2 scheduled for deletion", "app/one", "1 failing"],
        &["Could not list secrets"],
        SLOW,
    );
    app.send("s");
    app.expect(
        &["Sources", "broken", "failed", "done, 2 scheduled"],
        &[],
        FAST,
    );
    // Esc alone, seen to close the pane, then the list's keys.
    app.send("\x1b");
    app.expect(&["2 scheduled for deletion"], &["done, 2 scheduled"], FAST);
    app.send("gr");
    app.confirm(&["Restore this secret?", "app/one"], "y");
    app.expect(&["Restored app/one", "1 scheduled for deletion"], &[], FAST);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Mark 5 of 8 filtered rows (`*`, then Space to unmark three), restore
/// them at once: exactly those 5 are restored, and the audit log has 5 lines.
#[test]
fn a_bulk_restore_restores_exactly_the_marked_secrets() {
    let moto = Moto::start();
    // Soonest purge first, named so that a sort by name is the reverse.
    let names: Vec<String> = (0..8).map(|i| format!("bulk/app-{}", 7 - i)).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let account = seed(&moto, "us-east-1", &refs);
    seed(&moto, "us-east-1", &["other/keep"]);
    let dir = std::env::temp_dir().join(format!("reprieve-bulk-{}", std::process::id()));
    let audit = dir.join("audit.jsonl");
    let url = moto.url();
    let mut app = App::start(
        &[
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
            "--audit-log",
            audit.to_str().unwrap(),
        ],
        &TEST_KEYS,
    );
    app.expect(&["9 scheduled for deletion"], &[], FAST);
    app.send("/bulk/\r");
    app.expect(&["8 of 9 scheduled"], &[], FAST);
    // All eight, then unmark the first three.
    app.send("*");
    app.expect(&["8 marked"], &[], FAST);
    app.send("g j j ");
    app.expect(&["5 marked"], &[], FAST);
    app.send("r");
    let place = format!("5 in account {account} · us-east-1");
    app.confirm(&["Restore these 5 secrets?", &place], "y");
    app.expect(&["Restored 5 of 5"], &[], FAST);
    app.send("q");
    assert_eq!(app.exit_code(FAST), 0);

    // The first three in the list (soonest first: shortest windows) stay:
    // bulk/app-7, -6 and -5, the last three by name.
    for (i, name) in names.iter().enumerate() {
        assert_eq!(pending_in(&moto, "us-east-1", name), i < 3, "{name}");
    }
    assert!(pending_in(&moto, "us-east-1", "other/keep"));
    let lines = std::fs::read_to_string(&audit).unwrap();
    // Each restore: a "sent" line written before it left, then "ok".
    assert_eq!(lines.lines().count(), 10, "{lines}");
    let sent = lines.lines().filter(|l| l.contains(r#""result":"sent""#));
    let ok = lines.lines().filter(|l| l.contains(r#""result":"ok""#));
    assert_eq!((sent.count(), ok.count()), (5, 5), "{lines}");
    let _ = std::fs::remove_dir_all(&dir);
}
