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
use super::restore::Audit;
use super::sources::{self, Source, Wanted};
use crate::audit::{self, AuditLog};
use crate::store::aws::{self as aws_store, AwsOptions, AwsStore};
use crate::store::demo::DemoStore;
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
        return demo(now);
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
    let wanted = sources::resolve(profiles, regions, &defined, env_profile.as_deref());
    let mut stores: Vec<Arc<dyn SecretStore>> = Vec::with_capacity(wanted.len());
    let mut out = Vec::with_capacity(wanted.len());
    for w in wanted {
        let (store, source) = aws(w, wants.endpoint_url.clone()).await;
        stores.push(store);
        out.push(source);
    }
    Ok((out, stores))
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

async fn aws(wanted: Wanted, endpoint_url: Option<String>) -> (Arc<dyn SecretStore>, Source) {
    let Wanted { profile, region } = wanted;
    // Only local sources here (flag, environment, config file): the full
    // chain may ask the instance metadata service, which happens later in
    // the background.
    let mut local = ProfileFileRegionProvider::builder();
    if let Some(p) = &profile {
        local = local.profile_name(p);
    }
    let region = RegionProviderChain::first_try(region.map(aws_config::Region::new))
        .or_else(EnvironmentVariableRegionProvider::new())
        .or_else(local.build())
        .region()
        .await
        .map(|r| r.to_string());

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
