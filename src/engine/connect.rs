//! What both front ends set up the same way: the sources and their stores
//! from the flags, read-only mode, and the audit log.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use jiff::Timestamp;

use super::Engine;
use super::org::{self, Caller, OrgWants};
use super::restore::Audit;
use super::sources::{self, OrgRoute, Source, Wanted};
use crate::audit::{self, AuditLog};
use crate::store::aws::{self as aws_store, AwsOptions, AwsStore};
use crate::store::demo::{DEMO_CALLER, DemoStore};
use crate::store::{SecretStore, StoreError};

/// The sources, and a store for each, in source order.
pub type Sources = (Vec<Source>, Vec<Arc<dyn SecretStore>>);

/// What a demo call costs, so loading and restoring can be watched.
pub const DEMO_LATENCY: Duration = Duration::from_millis(300);

/// Where to look, as the flags say.
#[derive(Debug, Clone, Default)]
pub struct Wants {
    pub profiles: Vec<String>,
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// The built-in sample data instead of AWS.
    pub demo: bool,
    /// The config file's: used when neither the flags nor the environment
    /// name any.
    pub file_profiles: Vec<String>,
    pub file_regions: Vec<String>,
    /// `--org-role`: the whole Organization, as the first profile's caller.
    pub org: Option<OrgWants>,
}

/// How writes are handled, as the flags and environment say.
#[derive(Debug, Clone, Default)]
pub struct Writes {
    /// `--read-only`.
    pub read_only: bool,
    /// The config file's `read_only`, below `REPRIEVE_READ_ONLY`.
    pub file_read_only: bool,
    pub audit_log: Option<PathBuf>,
    pub no_audit_log: bool,
}

/// `--read-only`; else `REPRIEVE_READ_ONLY` when it is set (`1` or
/// `true` is on, anything else off); else the config file's `read_only`.
pub fn read_only(flag: bool, file: bool) -> bool {
    read_only_with(
        flag,
        std::env::var("REPRIEVE_READ_ONLY").ok().as_deref(),
        file,
    )
}

/// `read_only`, with the environment variable given.
pub fn read_only_with(flag: bool, env: Option<&str>, file: bool) -> bool {
    match env.filter(|v| !v.is_empty()) {
        _ if flag => true,
        Some(v) => v == "1" || v.eq_ignore_ascii_case("true"),
        None => file,
    }
}

/// The sources asked for, each with its store, in source order.
pub async fn sources(wants: &Wants, now: Timestamp) -> Result<Sources, StoreError> {
    if wants.demo {
        return match &wants.org {
            Some(org) => demo_org(now, &org.role),
            None => demo(now),
        };
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let env_profile = env("AWS_PROFILE");
    // The region chain reads both, in this order.
    let env_region = env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION"));
    let profiles = sources::below_env(
        &wants.profiles,
        env_profile.as_deref(),
        &wants.file_profiles,
    );
    let regions = sources::below_env(&wants.regions, env_region.as_deref(), &wants.file_regions);
    let defined = if profiles.iter().any(|p| p == "all") {
        aws_store::defined_profiles().await
    } else {
        Vec::new()
    };
    let mut stores: Vec<Arc<dyn SecretStore>> = Vec::new();
    let mut out = Vec::new();
    // The Organization's caller is the first profile; any others are
    // listed as ever (an account reached both ways is listed once).
    let profiles = match &wants.org {
        Some(org) => {
            let caller = profiles.first().filter(|p| *p != "all").cloned();
            let caller = caller.or_else(|| env_profile.clone());
            let found = org_sources(caller, regions, wants.endpoint_url.clone(), org).await?;
            for (source, store) in found {
                out.push(source);
                stores.push(store);
            }
            profiles.get(1..).unwrap_or_default()
        }
        None => profiles,
    };
    if wants.org.is_some() && profiles.is_empty() {
        return Ok((out, stores));
    }
    let wanted = sources::resolve(profiles, regions, &defined, env_profile.as_deref());
    for w in wanted {
        let (store, source) = aws(w, wants.endpoint_url.clone()).await;
        stores.push(store);
        out.push(source);
    }
    Ok((out, stores))
}

/// The Organization's sources, as `caller` (a profile, or the default
/// chain) sees them.
async fn org_sources(
    profile: Option<String>,
    regions: &[String],
    endpoint_url: Option<String>,
    org: &OrgWants,
) -> Result<Vec<(Source, Arc<dyn SecretStore>)>, StoreError> {
    let first = regions.iter().find(|r| *r != "all").cloned();
    let region = home_region(profile.as_deref(), None)
        .await
        .or(first)
        .unwrap_or_else(|| "us-east-1".to_owned());
    let options = AwsOptions {
        profile: profile.clone(),
        region: Some(region.clone()),
        endpoint_url: endpoint_url.clone(),
    };
    let base = aws_store::load_config(&options).await;
    let caller = Caller {
        profile,
        region,
        endpoint_url,
    };
    org::sources(&base, &caller, org, regions).await
}

/// The region named (`region`), else the environment's, else the
/// profile's: local sources only (the full chain may ask the instance
/// metadata service, which happens later in the background).
async fn home_region(profile: Option<&str>, region: Option<String>) -> Option<String> {
    let mut local = ProfileFileRegionProvider::builder();
    if let Some(p) = profile {
        local = local.profile_name(p);
    }
    RegionProviderChain::first_try(region.map(aws_config::Region::new))
        .or_else(EnvironmentVariableRegionProvider::new())
        .or_else(local.build())
        .region()
        .await
        .map(|r| r.to_string())
}

/// Account names from `ListAccounts`, under the ones given (the config
/// file's win).
pub fn account_names(
    sources: &[Source],
    given: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, String> {
    let mut names = given.clone();
    for route in sources.iter().filter_map(|s| s.org.as_ref()) {
        if let Some(name) = &route.account_name {
            names
                .entry(route.account.clone())
                .or_insert_with(|| name.clone());
        }
    }
    names
}

/// The engine over `stores`, with writes set up as asked: read-only writes
/// nothing, not even an empty log. The second value is something to tell
/// the operator about the log (it was made owner-only).
pub fn engine(stores: Vec<Arc<dyn SecretStore>>, writes: &Writes) -> (Engine, Option<String>) {
    let read_only = read_only(writes.read_only, writes.file_read_only);
    let (audit, note) = if read_only {
        (Audit::Off, None)
    } else {
        open_audit(writes)
    };
    let engine = Engine::new(stores).read_only(read_only).audit(audit);
    (engine, note)
}

/// The audit log asked for: off, open, or broken (then restores are
/// refused, saying why); and what opening it changed, to say.
fn open_audit(writes: &Writes) -> (Audit, Option<String>) {
    if writes.no_audit_log {
        return (Audit::Off, None);
    }
    let Some(path) = writes.audit_log.clone().or_else(audit::default_path) else {
        let why = "no HOME or XDG_STATE_HOME to put it in; pass --audit-log PATH";
        return (Audit::Broken(why.into()), None);
    };
    match AuditLog::open(&path) {
        Ok((log, note)) => {
            tracing::info!(path = %path.display(), "audit log");
            (Audit::On(Arc::new(log)), note)
        }
        Err(e) => (Audit::Broken(format!("{}: {e}", path.display())), None),
    }
}

/// The demo's sources: several regions and accounts, one region not
/// enabled and one expired SSO session, all in memory.
fn demo(now: Timestamp) -> Result<Sources, StoreError> {
    let demo = DemoStore::sources(now, DEMO_LATENCY)?;
    let many = demo.len() > 1;
    let sources = demo
        .iter()
        .map(|d| Source {
            label: if many {
                format!("demo · {} · profile {}", d.region, d.profile)
            } else {
                format!("demo · {} · sample data, no AWS calls", d.region)
            },
            profile: Some(d.profile.clone()),
            region: Some(d.region.clone()),
            endpoint_url: None,
            org: None,
        })
        .collect();
    let stores = demo.into_iter().map(|d| d.store).collect();
    Ok((sources, stores))
}

/// The demo Organization: sources as `--org-role` would find them.
fn demo_org(now: Timestamp, role: &str) -> Result<Sources, StoreError> {
    let demo = DemoStore::organization(now, DEMO_LATENCY, role)?;
    let sources = demo
        .iter()
        .map(|d| {
            let member = d.member.as_ref();
            let org = member.map(|m| OrgRoute {
                account: m.id.clone(),
                account_name: Some(m.name.clone()),
                role_arn: m
                    .through_role
                    .then(|| org::role_arn(DEMO_CALLER, &m.id, role)),
                external_id: false,
                caller: DEMO_CALLER.to_owned(),
            });
            let name = member.map_or("account", |m| m.name.as_str());
            let id = member.map_or("", |m| m.id.as_str());
            let via = match member {
                Some(m) if m.through_role => format!("role {role}"),
                _ => format!("profile {}", d.profile),
            };
            Source {
                label: format!("demo · {} · {name} {id} · {via}", d.region),
                profile: Some(d.profile.clone()),
                region: Some(d.region.clone()),
                endpoint_url: None,
                org,
            }
        })
        .collect();
    let stores = demo.into_iter().map(|d| d.store).collect();
    Ok((sources, stores))
}

async fn aws(wanted: Wanted, endpoint_url: Option<String>) -> (Arc<dyn SecretStore>, Source) {
    let Wanted { profile, region } = wanted;
    let region = home_region(profile.as_deref(), region).await;

    let mut label = region
        .clone()
        .unwrap_or_else(|| "region not set".to_owned());
    label.push_str(&format!(
        " · profile {}",
        profile.as_deref().unwrap_or(sources::DEFAULT_PROFILE)
    ));
    if let Some(url) = &endpoint_url {
        label.push_str(&format!(" · {url}"));
    }
    let store = AwsStore::new(AwsOptions {
        profile: profile.clone(),
        region: region.clone(),
        endpoint_url: endpoint_url.clone(),
    });
    let source = Source {
        label,
        profile,
        region,
        endpoint_url,
        org: None,
    };
    (Arc::new(store), source)
}
