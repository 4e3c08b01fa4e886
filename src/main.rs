use std::fs::OpenOptions;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use clap::Parser;
use crossterm::event::EventStream;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tokio::signal::unix::{SignalKind, signal};

use reprieve::app::{Source, State};
use reprieve::audit::{self, AuditLog};
use reprieve::cli::Cli;
use reprieve::runtime::{self, Audit, Stores};
use reprieve::sources::{self, Wanted};
use reprieve::store::SecretStore;
use reprieve::store::aws::{AwsOptions, AwsStore};
use reprieve::store::demo::DemoStore;

/// What a demo call costs, so loading and restoring can be watched.
const DEMO_LATENCY: Duration = Duration::from_millis(300);

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = init_logging(&cli) {
        eprintln!("reprieve: {e:#}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("reprieve: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // Quitting never waits for a slow AWS call to finish.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(None) => ExitCode::SUCCESS,
        // As a shell reports a death by signal: 128 + its number.
        Ok(Some(signal)) => {
            tracing::info!(signal, "ended by a signal");
            ExitCode::from(128 + signal)
        }
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("reprieve: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the dashboard; `Some(signal)` when a signal ended it.
async fn run(cli: Cli) -> anyhow::Result<Option<u8>> {
    let now = Timestamp::now();
    let (stores, sources) = if cli.demo {
        demo_sources(now)?
    } else {
        aws_sources(&cli).await
    };
    let tz = if cli.utc {
        TimeZone::UTC
    } else {
        TimeZone::system()
    };
    let read_only = cli.read_only
        || std::env::var("REPRIEVE_READ_ONLY")
            .is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
    let mut state = State::with_sources(sources, tz, now).with_read_only(read_only);
    // Read-only writes nothing, not even an empty log.
    let audit = if read_only {
        Audit::Off
    } else {
        let (audit, note) = audit(&cli);
        if let Some(note) = note {
            state = state.with_notice(note);
        }
        audit
    };
    let stores = stores.read_only(read_only).audit(audit);

    let hangup = signal(SignalKind::hangup()).context("cannot watch for SIGHUP")?;
    let terminate = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("needs a terminal: run it interactively, not with its output redirected");
    }
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(e) => {
            // Raw mode may be on even though the rest of the set-up failed.
            ratatui::restore();
            return Err(e).context("cannot set up the terminal");
        }
    };
    // A panic in a background task becomes an error on its row; only other
    // panics go on to ratatui's hook, which restores the terminal.
    runtime::panics::install_hook();
    // A signal ends the loop the same way `q` does, so the terminal is
    // restored; the exit code says which signal it was.
    let hangups = futures_util::stream::unfold(hangup, |mut s| async move {
        s.recv().await.map(|()| (SIGHUP, s))
    });
    let terms = futures_util::stream::unfold(terminate, |mut s| async move {
        s.recv().await.map(|()| (SIGTERM, s))
    });
    let signals = Box::pin(futures_util::stream::select(hangups, terms));
    let events = EventStream::new();
    let result = runtime::run_until(&mut terminal, &mut state, stores, events, signals).await;
    ratatui::restore();
    result.context("terminal I/O failed")
}

const SIGHUP: u8 = 1;
const SIGTERM: u8 = 15;

/// The audit log asked for: off, open, or broken (then restores are
/// refused, saying why); and what opening it changed, to say.
fn audit(cli: &Cli) -> (Audit, Option<String>) {
    if cli.no_audit_log {
        return (Audit::Off, None);
    }
    let Some(path) = cli.audit_log.clone().or_else(audit::default_path) else {
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
fn demo_sources(now: Timestamp) -> anyhow::Result<(Stores, Vec<Source>)> {
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
        })
        .collect();
    let stores = demo.into_iter().map(|d| d.store).collect();
    Ok((Stores::new(stores), sources))
}

/// Every profile in every region asked for, each with its own store.
async fn aws_sources(cli: &Cli) -> (Stores, Vec<Source>) {
    let env_profile = std::env::var("AWS_PROFILE").ok();
    let defined = if cli.profile.iter().any(|p| p == "all") {
        reprieve::store::aws::defined_profiles().await
    } else {
        Vec::new()
    };
    let wanted = sources::resolve(&cli.profile, &cli.region, &defined, env_profile.as_deref());
    let mut stores: Vec<Arc<dyn SecretStore>> = Vec::with_capacity(wanted.len());
    let mut out = Vec::with_capacity(wanted.len());
    for w in wanted {
        let (store, source) = aws_store(w, cli.endpoint_url.clone()).await;
        stores.push(store);
        out.push(source);
    }
    (Stores::new(stores), out)
}

async fn aws_store(wanted: Wanted, endpoint_url: Option<String>) -> (Arc<dyn SecretStore>, Source) {
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
        profile.as_deref().unwrap_or("default")
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
    };
    (Arc::new(store), source)
}

fn init_logging(cli: &Cli) -> anyhow::Result<()> {
    let Some(path) = &cli.log_file else {
        return Ok(());
    };
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open log file {}", path.display()))?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("REPRIEVE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        default_hook(info);
    }));
    Ok(())
}
