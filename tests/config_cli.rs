//! The config file through the real binary: a mistake stops reprieve with
//! exit code 2 and says where, `reprieve config` prints the default file
//! and where it is read from, and `[defaults]` and `[accounts]` reach
//! `reprieve list` and `reprieve restore` below the flags and environment.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The binary with no AWS environment, no config file of the host's and
/// an audit log of its own.
fn reprieve(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reprieve"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("AWS_") || key.starts_with("REPRIEVE_") {
            cmd.env_remove(&*key);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/reprieve-config/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/reprieve-config/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_CONFIG_HOME", "/nonexistent/reprieve-config/home")
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("reprieve-config-state"),
        )
        .env_remove("NO_COLOR")
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// A fresh folder for one test.
fn dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reprieve-config-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `text` saved as `config.toml` in a fresh folder.
fn file(test: &str, text: &str) -> PathBuf {
    let path = dir(test).join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn with_config(path: &Path, args: &[&str]) -> Output {
    let mut cmd = reprieve(&["--config", path.to_str().unwrap()]);
    cmd.args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_mistake_in_the_file_stops_every_mode_with_exit_2_and_says_where() {
    let path = file("mistake", "[defaults]\nutc = true\ncolour = \"red\"\n");
    let at = format!("{}:3:1: unknown field `colour`", path.display());
    for args in [
        &[][..],
        &["--demo"],
        &["list", "--demo"],
        &["restore", "--demo", "--yes", "prod/orders/postgres-primary"],
    ] {
        let out = with_config(&path, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&at), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: nothing listed");
    }
    // Named by the environment, the same.
    let out = reprieve(&["list", "--demo"])
        .env("REPRIEVE_CONFIG", &path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&at), "{}", stderr(&out));
    // Found in its usual place, the same.
    let home = dir("mistake-home");
    std::fs::create_dir_all(home.join("reprieve")).unwrap();
    std::fs::copy(&path, home.join("reprieve/config.toml")).unwrap();
    let out = reprieve(&["list", "--demo"])
        .env("XDG_CONFIG_HOME", &home)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(":3:1: unknown field `colour`"));
}

#[test]
fn a_key_bound_twice_stops_the_dashboard_naming_both_actions() {
    let path = file("twice", "[keys]\nrestore = \"x\"\nrefresh = \"x\"\n");
    let out = with_config(&path, &["--demo"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let want = format!(
        "{}:3:1: `x` is bound to both restore and refresh",
        path.display()
    );
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
}

#[test]
fn a_file_named_but_missing_is_a_mistake_and_one_never_written_is_not() {
    let missing = dir("missing").join("nope.toml");
    let out = with_config(&missing, &["list", "--demo"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{}: no such file", missing.display())),
        "{}",
        stderr(&out)
    );
    // Nothing in the usual place: the built-in defaults.
    let out = reprieve(&["list", "--demo", "-o", "json"])
        .env("XDG_CONFIG_HOME", dir("missing-home"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a demo source fails: partial");
    assert!(!stdout(&out).is_empty());
}

#[test]
fn config_path_says_where_the_file_is_read_from() {
    let path = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out).trim_end().to_owned()
    };
    let args = ["config", "--path"];
    assert_eq!(
        path(reprieve(&args).env("XDG_CONFIG_HOME", "/xdg")),
        "/xdg/reprieve/config.toml"
    );
    assert_eq!(
        path(
            reprieve(&args)
                .env_remove("XDG_CONFIG_HOME")
                .env("HOME", "/home/op")
        ),
        "/home/op/.config/reprieve/config.toml"
    );
    assert_eq!(
        path(reprieve(&args).env("REPRIEVE_CONFIG", "/etc/r.toml")),
        "/etc/r.toml"
    );
    assert_eq!(
        path(
            reprieve(&["--config", "./mine.toml", "config", "--path"])
                .env("REPRIEVE_CONFIG", "/etc/r.toml")
        ),
        "./mine.toml",
        "the flag wins"
    );
}

/// Name, region and account of each row `list -o json` prints.
fn rows(out: &Output) -> Vec<(String, String, String)> {
    let records: Vec<Value> = serde_json::from_str(&stdout(out)).unwrap();
    records
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_owned();
            (s("name"), s("region"), s("account"))
        })
        .collect()
}

#[test]
fn the_default_file_prints_while_the_file_is_broken_and_changes_nothing() {
    let broken = file("default-broken", "[keys]\nrestore = \"nope-x\"\n");
    let out = with_config(&broken, &["config", "--default"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("[defaults]") && text.contains("restore = \"r\""));

    let saved = file("default-saved", &text);
    let with = with_config(&saved, &["list", "--demo", "-o", "json"]);
    let without = reprieve(&["list", "--demo", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        with.status.code(),
        without.status.code(),
        "{}",
        stderr(&with)
    );
    assert!(!rows(&without).is_empty());
    assert_eq!(rows(&with), rows(&without));
}

#[test]
fn accounts_are_named_in_the_list_and_at_words_filter_by_the_name() {
    let path = file(
        "accounts",
        "[accounts]\n\"123456789012\" = \"prod-payments\"\n",
    );
    let out = with_config(&path, &["list", "--demo"]);
    let table = stdout(&out);
    let row = table
        .lines()
        .find(|l| l.starts_with("prod/orders/postgres-primary "))
        .unwrap();
    assert!(row.contains(" prod-payments "), "{row}");
    assert!(!row.contains("123456789012"), "{row}");
    assert!(
        table.contains("210987654321"),
        "the unnamed account keeps its id"
    );

    let out = with_config(
        &path,
        &["list", "--demo", "-o", "json", "--filter", "@prod-pay"],
    );
    let kept = rows(&out);
    assert!(!kept.is_empty(), "{}", stderr(&out));
    // Scripts still get the id.
    assert!(kept.iter().all(|(_, _, a)| a == "123456789012"), "{kept:?}");
    let all = reprieve(&["list", "--demo", "-o", "json"])
        .output()
        .unwrap();
    assert!(rows(&all).len() > kept.len());
}

/// A purge column titled in UTC or in Tokyo's time.
fn zone_title(out: &Output) -> String {
    let table = stdout(out);
    let head = table.lines().next().unwrap_or_default();
    head.split("PURGE (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn utc_in_the_file_shows_dates_in_utc() {
    let tokyo = |cmd: &mut Command| cmd.env("TZ", "Asia/Tokyo").output().unwrap();
    let path = file("utc", "[defaults]\nutc = true\n");
    assert_eq!(
        zone_title(&tokyo(&mut reprieve(&["list", "--demo"]))),
        "JST"
    );
    let mut cmd = reprieve(&["--config", path.to_str().unwrap(), "list", "--demo"]);
    assert_eq!(zone_title(&tokyo(&mut cmd)), "UTC");
}

const NAME: &str = "prod/orders/postgres-primary";

#[test]
fn read_only_in_the_file_refuses_restores_unless_the_environment_says_otherwise() {
    let path = file("read-only", "[defaults]\nread_only = true\n");
    let restore = ["restore", "--demo", "--yes", "--no-audit-log", NAME];
    let out = with_config(&path, &restore);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("restored"));

    // The environment wins over the file.
    let mut cmd = reprieve(&["--config", path.to_str().unwrap()]);
    let out = cmd
        .args(restore)
        .env("REPRIEVE_READ_ONLY", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("restored\t"), "{}", stdout(&out));

    // And the flag over the environment.
    let mut cmd = reprieve(&["--config", path.to_str().unwrap(), "--read-only"]);
    let out = cmd
        .args(restore)
        .env("REPRIEVE_READ_ONLY", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn the_audit_log_goes_where_the_file_says_unless_the_flag_says_otherwise() {
    let logs = dir("audit");
    let from_file = logs.join("file.jsonl");
    let from_flag = logs.join("flag.jsonl");
    let text = format!(
        "[defaults]\naudit_log = {:?}\n",
        from_file.to_str().unwrap()
    );
    let path = file("audit-config", &text);
    let out = with_config(&path, &["restore", "--demo", "--yes", NAME]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let logged = std::fs::read_to_string(&from_file).unwrap();
    assert!(logged.contains(NAME), "{logged}");

    std::fs::remove_file(&from_file).unwrap();
    let flag = ["--audit-log", from_flag.to_str().unwrap()];
    let out = with_config(
        &path,
        &[&flag[..], &["restore", "--demo", "--yes", NAME]].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&from_flag).unwrap().contains(NAME));
    assert!(!from_file.exists(), "the flag wins over the file");
}

/// moto with one pending secret in each of two regions, and an AWS config
/// with a profile for each region.
struct TwoRegions {
    moto: common::Moto,
    aws_config: PathBuf,
}

fn two_regions(test: &str) -> TwoRegions {
    let moto = common::Moto::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for region in ["us-east-1", "eu-west-1"] {
        let client = moto.client_in(region);
        let name = format!("app/{region}");
        rt.block_on(async {
            common::create_secret(&client, &name).await;
            common::delete_with_window(&client, &name, 7).await;
        });
    }
    let aws_config = dir(test).join("aws-config");
    std::fs::write(
        &aws_config,
        "[profile east]\nregion = us-east-1\n\n[profile west]\nregion = eu-west-1\n",
    )
    .unwrap();
    TwoRegions { moto, aws_config }
}

impl TwoRegions {
    /// The regions `list` listed, with the config file `config`, the
    /// environment `env` and the flags `flags`.
    fn listed(&self, config: &Path, env: &[(&str, &str)], flags: &[&str]) -> Vec<String> {
        let mut cmd = reprieve(&["--config", config.to_str().unwrap()]);
        cmd.env("AWS_CONFIG_FILE", &self.aws_config)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .args(["--endpoint-url", &self.moto.url()])
            .args(flags)
            .args(["list", "-o", "json", "--no-cloudtrail"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mut regions: Vec<String> = rows(&out).into_iter().map(|r| r.1).collect();
        regions.sort();
        regions
    }
}

#[test]
fn regions_in_the_file_rank_below_aws_region_and_below_the_flag() {
    let aws = two_regions("aws-regions");
    let both = file(
        "regions",
        "[defaults]\nprofiles = \"east\"\nregions = [\"us-east-1\", \"eu-west-1\"]\n",
    );
    assert_eq!(aws.listed(&both, &[], &[]), ["eu-west-1", "us-east-1"]);
    let env = [("AWS_REGION", "eu-west-1")];
    assert_eq!(aws.listed(&both, &env, &[]), ["eu-west-1"], "env over file");
    let flag = ["--region", "us-east-1"];
    assert_eq!(
        aws.listed(&both, &env, &flag),
        ["us-east-1"],
        "flag over env"
    );
}

#[test]
fn profiles_in_the_file_rank_below_aws_profile_and_below_the_flag() {
    let aws = two_regions("aws-profiles");
    let west = file("profiles-west", "[defaults]\nprofiles = [\"west\"]\n");
    assert_eq!(aws.listed(&west, &[], &[]), ["eu-west-1"]);
    let env = [("AWS_PROFILE", "east")];
    assert_eq!(aws.listed(&west, &env, &[]), ["us-east-1"], "env over file");
    let flag = ["--profile", "west"];
    assert_eq!(
        aws.listed(&west, &env, &flag),
        ["eu-west-1"],
        "flag over env"
    );
    let both = file(
        "profiles-both",
        "[defaults]\nprofiles = [\"east\", \"west\"]\n",
    );
    assert_eq!(aws.listed(&both, &[], &[]), ["eu-west-1", "us-east-1"]);
}
