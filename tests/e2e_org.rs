//! `--org-role` against moto's Organizations and STS: the real binary lists
//! and restores across member accounts. A proxy in front of moto refuses
//! one member's role as AWS does (moto never refuses one) and counts the
//! operations the binary called.

#![allow(clippy::unwrap_used)]

mod common;
mod org_proxy;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use serde_json::Value;

use common::{Moto, create_secret, delete_with_window, store_config};
use org_proxy::Proxy;

const ROLE: &str = "OrganizationAccountAccessRole";
/// moto's default account: the one `create_organization` makes the
/// management account, and the caller's.
const MANAGEMENT: &str = "123456789012";
/// Who moto says the static test keys are.
const CALLER: &str = "arn:aws:sts::123456789012:user/moto";
/// Everything a listing and a restore need; never a secret's value.
const ALLOWED: [&str; 8] = [
    "ListSecrets",
    "RestoreSecret",
    "DescribeSecret",
    "LookupEvents",
    "GetCallerIdentity",
    "AssumeRole",
    "ListAccounts",
    "ListRegions",
];

/// An account of the Organization and the ARNs of its pending secrets.
struct Account {
    id: String,
    name: String,
    pending: Vec<String>,
}

/// moto with an Organization seeded, behind the proxy.
struct Org {
    moto: Moto,
    proxy: Proxy,
    /// The caller's own account.
    management: Account,
    /// Members whose role works.
    members: Vec<Account>,
    /// A member whose role the proxy refuses.
    refused: Account,
    /// A member closed after its secrets were made (SUSPENDED).
    closed: Account,
}

fn role_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/{ROLE}")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

/// The config for acting in `account` as the Organization's role does, or
/// as the caller in the management account.
async fn config_in(moto: &Moto, account: &str) -> SdkConfig {
    let base = store_config(&moto.url()).await;
    if account == MANAGEMENT {
        return base;
    }
    let out = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(role_arn(account))
        .role_session_name("seed")
        .send()
        .await
        .unwrap();
    let c = out.credentials.unwrap();
    let credentials = Credentials::new(
        c.access_key_id,
        c.secret_access_key,
        Some(c.session_token),
        None,
        "seed",
    );
    base.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build()
}

/// Two secrets of the account's own and one named alike in every account,
/// all scheduled for deletion; one active secret that must never show.
async fn seed(moto: &Moto, id: &str, name: &str) -> Account {
    let sdk = aws_sdk_secretsmanager::Client::new(&config_in(moto, id).await);
    let mut pending = Vec::new();
    for (i, secret) in [
        format!("{name}/db"),
        format!("{name}/api"),
        "shared/token".into(),
    ]
    .iter()
    .enumerate()
    {
        pending.push(create_secret(&sdk, secret).await);
        delete_with_window(&sdk, secret, 7 + i as i64).await;
    }
    create_secret(&sdk, &format!("{name}/active")).await;
    Account {
        id: id.to_owned(),
        name: name.to_owned(),
        pending,
    }
}

impl Org {
    fn start() -> Org {
        let moto = Moto::start();
        let rt = runtime();
        let (management, mut accounts) = rt.block_on(async {
            let base = store_config(&moto.url()).await;
            let orgs = aws_sdk_organizations::Client::new(&base);
            orgs.create_organization()
                .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
                .send()
                .await
                .unwrap();
            let management = seed(&moto, MANAGEMENT, "mgmt").await;
            let mut accounts = Vec::new();
            for name in ["payments", "search", "ledger", "sandbox", "retired"] {
                let out = orgs
                    .create_account()
                    .account_name(name)
                    .email(format!("{name}@example.com"))
                    .send()
                    .await
                    .unwrap();
                let id = out.create_account_status.unwrap().account_id.unwrap();
                accounts.push(seed(&moto, &id, name).await);
            }
            let retired = &accounts[4].id;
            orgs.close_account()
                .account_id(retired)
                .send()
                .await
                .unwrap();
            (management, accounts)
        });
        let closed = accounts.pop().unwrap();
        let refused = accounts.pop().unwrap();
        let proxy = Proxy::start(moto.port, CALLER);
        proxy.refuse_role(&role_arn(&refused.id));
        Org {
            moto,
            proxy,
            management,
            members: accounts,
            refused,
            closed,
        }
    }

    /// The binary with the AWS environment cleared and static keys, every
    /// call through the proxy.
    fn reprieve(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_reprieve"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("AWS_CONFIG_FILE", "/nonexistent/reprieve-org/config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/reprieve-org/credentials",
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("REPRIEVE_READ_ONLY")
            .env_remove("REPRIEVE_CONFIG")
            .env("XDG_CONFIG_HOME", "/nonexistent/reprieve-org/config-home")
            .env("XDG_STATE_HOME", temp_dir("state"))
            .args(args)
            .args(["--org-role", ROLE, "--endpoint-url", &self.proxy.url()])
            .args(["--region", "us-east-1"])
            .stdin(Stdio::null());
        cmd.output().unwrap()
    }

    /// Whether `arn` is still scheduled for deletion, asked in its own
    /// account with that account's credentials, straight from moto.
    fn pending(&self, arn: &str) -> bool {
        let account = arn.split(':').nth(4).unwrap();
        runtime().block_on(async {
            let config = config_in(&self.moto, account).await;
            let out = aws_sdk_secretsmanager::Client::new(&config)
                .describe_secret()
                .secret_id(arn)
                .send()
                .await
                .unwrap();
            out.deleted_date.is_some()
        })
    }

    /// Every account reprieve can reach: the caller's and the members'.
    fn reachable(&self) -> impl Iterator<Item = &Account> {
        std::iter::once(&self.management).chain(&self.members)
    }

    /// Operations called that a listing or a restore has no need of.
    fn unexpected_calls(&self) -> BTreeMap<String, usize> {
        let mut counts = self.proxy.counts();
        counts.retain(|op, _| !ALLOWED.contains(&op.as_str()));
        counts
    }
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reprieve-org-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn records(out: &Output) -> Vec<Value> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}\n{}", stderr(out)))
}

#[test]
fn every_reachable_account_is_listed_and_the_refused_role_is_named() {
    let org = Org::start();
    let out = org.reprieve(&["list", "-o", "json"]);
    let err = stderr(&out);
    let records = records(&out);

    // Every pending secret of the caller's account and of each member whose
    // role works, once each: nothing of the refused or the closed member.
    let listed: BTreeSet<&str> = records.iter().map(|r| r["arn"].as_str().unwrap()).collect();
    let expected: BTreeSet<&str> = org
        .reachable()
        .flat_map(|a| a.pending.iter().map(String::as_str))
        .collect();
    assert_eq!(listed, expected, "{err}");
    assert_eq!(records.len(), expected.len(), "each secret once");
    for r in &records {
        let arn = r["arn"].as_str().unwrap();
        assert_eq!(r["account"], arn.split(':').nth(4).unwrap(), "{r}");
    }
    let accounts: BTreeSet<&str> = records
        .iter()
        .map(|r| r["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts.len(), 1 + org.members.len(), "{accounts:?}");

    // The refused member is said, with its account and the role that was
    // refused; it is the only failure.
    let role = role_arn(&org.refused.id);
    let said: Vec<&str> = err.lines().filter(|l| l.contains(&role)).collect();
    assert!(
        said.iter()
            .any(|l| l.contains(&org.refused.id) && l.contains("sts:AssumeRole")),
        "no line names {role} in account {}:\n{err}",
        org.refused.id
    );
    for member in &org.members {
        let failing = err
            .lines()
            .filter(|l| l.contains(&member.id) && l.contains("failed"));
        assert_eq!(failing.count(), 0, "{} is reachable:\n{err}", member.name);
    }
    // A partial listing, not a clean one: a script must not read it as all.
    assert_eq!(out.status.code(), Some(1), "{err}");

    // The closed member is neither listed nor tried.
    assert!(!err.contains(&org.closed.id), "{err}");
    let tried = org.proxy.calls();
    assert!(tried.iter().any(|c| c == "ListAccounts"), "{tried:?}");
    assert!(
        !org.proxy.roles_asked().contains(&role_arn(&org.closed.id)),
        "{:?}",
        org.proxy.roles_asked()
    );
    assert!(
        org.proxy.roles_asked().contains(&role),
        "the refused role was tried"
    );
    assert_eq!(org.unexpected_calls(), BTreeMap::new());
}

#[test]
fn a_restore_in_one_member_restores_there_and_nowhere_else() {
    let org = Org::start();
    let (target, others) = org.members.split_first().unwrap();
    let arn = target.pending[0].clone();
    let log = temp_dir("restore").join("audit.jsonl");
    let _ = std::fs::remove_file(&log);

    // A name pending in every account is ambiguous: nothing is restored.
    let out = org.reprieve(&["restore", "--yes", "--no-audit-log", "shared/token"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("shared/token: pending in"), "{err}");
    assert_eq!(org.proxy.count("RestoreSecret"), 0);

    let out = org.reprieve(&[
        "restore",
        "--yes",
        "-o",
        "json",
        "--audit-log",
        log.to_str().unwrap(),
        "--org-session-name",
        "ticket-4711",
        &arn,
    ]);
    let err = stderr(&out);
    // Restored, though another member could not be reached.
    assert_eq!(out.status.code(), Some(0), "{err}");
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["result"], "restored", "{line}");
    assert_eq!(line["account"], target.id.as_str(), "{line}");
    assert!(err.contains(&role_arn(&org.refused.id)), "{err}");
    assert_eq!(org.proxy.count("RestoreSecret"), 1);

    // Seen in the member itself, with its own credentials.
    assert!(!org.pending(&arn), "{arn} is still pending");
    for other in target.pending.iter().skip(1) {
        assert!(org.pending(other), "{other} was restored too");
    }
    for account in others.iter().chain([&org.management, &org.refused]) {
        for other in &account.pending {
            assert!(
                org.pending(other),
                "{other} in {} was restored",
                account.name
            );
        }
    }

    // The audit log says where, through which role, and who assumed it
    // under which session name (what the member's CloudTrail shows).
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ok: Vec<&Value> = lines.iter().filter(|l| l["result"] == "ok").collect();
    let [ok] = ok[..] else {
        panic!("one outcome line: {text}")
    };
    assert_eq!(ok["arn"], arn.as_str(), "{ok}");
    assert_eq!(ok["account"], target.id.as_str(), "{ok}");
    assert_eq!(ok["role"], role_arn(&target.id).as_str(), "{ok}");
    assert_eq!(ok["caller"], CALLER, "{ok}");
    let principal = ok["principal"].as_str().unwrap_or_default();
    assert!(principal.ends_with("/ticket-4711"), "{ok}");
    assert_eq!(org.unexpected_calls(), BTreeMap::new());
}

/// `--exclude-accounts` leaves the broken member out, so the listing is
/// whole again; `--accounts` lists only the members named.
#[test]
fn accounts_and_exclude_accounts_narrow_what_is_listed() {
    let org = Org::start();
    let arns = |out: &Output| -> BTreeSet<String> {
        records(out)
            .iter()
            .map(|r| r["arn"].as_str().unwrap().to_owned())
            .collect()
    };

    let out = org.reprieve(&["list", "-o", "json", "--exclude-accounts", &org.refused.id]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let expected: BTreeSet<String> = org.reachable().flat_map(|a| a.pending.clone()).collect();
    assert_eq!(arns(&out), expected, "{err}");
    assert!(!err.contains(&org.refused.id), "{err}");
    assert!(
        !org.proxy.roles_asked().contains(&role_arn(&org.refused.id)),
        "an excluded member's role is not even tried"
    );

    // The closed member named too: it is not active, so not listed.
    let (one, _) = org.members.split_first().unwrap();
    let only = format!("{},{}", one.id, org.closed.id);
    let out = org.reprieve(&["list", "-o", "json", "--accounts", &only]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(arns(&out), one.pending.iter().cloned().collect(), "{err}");
    assert_eq!(org.unexpected_calls(), BTreeMap::new());
}

/// An operator reads STS's refusal, not the SDK's debug dump of it.
#[test]
fn the_refused_role_is_said_in_aws_words() {
    let org = Org::start();
    let out = org.reprieve(&["list", "-o", "json", "--no-cloudtrail"]);
    let err = stderr(&out);
    let line = err.lines().find(|l| l.contains(&org.refused.id)).unwrap();
    assert!(
        line.contains("is not authorized to perform: sts:AssumeRole"),
        "{line}"
    );
    assert!(!line.contains("Error {"), "{line}");
    assert!(!line.contains("aws_request_id"), "{line}");
}

/// The engine alone, as the command line uses it: one source per reachable
/// account, and one failing source for the refused member.
#[test]
fn the_engine_makes_one_failing_source_of_a_refused_member() {
    use reprieve::engine::listing::{self, Listed};
    use reprieve::engine::org::{self, Caller, OrgWants};
    use reprieve::store::ErrorKind;

    let org = Org::start();
    let rt = runtime();
    let (sources, listing) = rt.block_on(async {
        let base = store_config(&org.proxy.url()).await;
        let caller = Caller {
            profile: None,
            region: common::REGION.into(),
            endpoint_url: Some(org.proxy.url()),
        };
        let wants = OrgWants {
            role: ROLE.into(),
            ..OrgWants::default()
        };
        let regions = [common::REGION.to_owned()];
        let pairs = org::sources(&base, &caller, &wants, &regions)
            .await
            .unwrap();
        let (sources, stores): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        let engine = reprieve::engine::Engine::new(stores);
        let listing = listing::list(&engine, &sources, false, jiff::Timestamp::now()).await;
        (sources, listing)
    });
    let accounts: Vec<&str> = sources
        .iter()
        .map(|s| s.org.as_ref().unwrap().account.as_str())
        .collect();
    // The caller's own account first; the closed one not at all.
    assert_eq!(accounts.len(), 2 + org.members.len(), "{accounts:?}");
    assert_eq!(accounts[0], MANAGEMENT);
    assert!(!accounts.contains(&org.closed.id.as_str()));
    for (source, report) in sources.iter().zip(&listing.reports) {
        let route = source.org.as_ref().unwrap();
        if route.account == org.refused.id {
            assert_eq!(
                route.role_arn.as_deref(),
                Some(role_arn(&org.refused.id).as_str())
            );
            let Listed::Failed { error, .. } = &report.listed else {
                panic!("{} listed: {:?}", source.label, report.listed)
            };
            assert_eq!(error.kind, ErrorKind::CannotAssumeRole, "{error}");
        } else {
            assert!(
                matches!(report.listed, Listed::Done { .. }),
                "{}: {:?}",
                source.label,
                report.listed
            );
        }
    }
    assert_eq!(listing.failed(), 1);
    assert_eq!(listing.rows.len(), 3 * (1 + org.members.len()));
    assert_eq!(org.unexpected_calls(), BTreeMap::new());
}
