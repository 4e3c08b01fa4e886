use std::fs::OpenOptions;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use crossterm::event::EventStream;
use jiff::Timestamp;
use tokio::signal::unix::{SignalKind, signal};

use reprieve::app::State;
use reprieve::args::{Args, Command, Global};
use reprieve::config::{self, Config};
use reprieve::engine::connect;
use reprieve::keys::{self, Keymap};
use reprieve::runtime;
use reprieve::ui::{Theme, theme};

fn main() -> ExitCode {
    let mut args = Args::parse();
    if let Err(e) = init_logging(&args.global) {
        eprintln!("reprieve: {e:#}");
        return ExitCode::from(2);
    }
    // A config file with a mistake stops everything, as a bad flag does.
    let (config, settings) = match settings(&args) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("reprieve: {e}");
            return ExitCode::from(2);
        }
    };
    args.global.file = config;
    // A subcommand is the command line, which never touches the terminal.
    // One thread does: the work is waiting on the network, and a second
    // thread would only add handing over.
    if args.command.is_some() {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("reprieve: cannot start the async runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        let exit = runtime.block_on(reprieve::cli::run(&args));
        runtime.shutdown_timeout(Duration::from_millis(100));
        return ExitCode::from(exit.map_or(0, |e| e.code()));
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("reprieve: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(dashboard(&args.global, settings));
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

/// The dashboard's keymap and colours, built from the config file.
struct Settings {
    keymap: Keymap,
    theme: Theme,
}

/// Reads the config file, unless the command only prints something of
/// reprieve's own: `reprieve config` must work while the file is broken.
fn settings(args: &Args) -> Result<(Config, Settings), config::Error> {
    let location = match args.command {
        Some(Command::Config(_) | Command::Completions { .. } | Command::Man) => None,
        _ => config::locate(args.global.config.as_deref()),
    };
    let config = match &location {
        Some(at) => config::load(at)?,
        None => Config::default(),
    };
    if let Some(path) = &config.path {
        tracing::info!(path = %path.display(), "config file");
    }
    let keymap = Keymap::with(&config.keys).map_err(|p| config.error(p))?;
    let theme = Theme::new(&config.colors, theme::no_color());
    Ok((config, Settings { keymap, theme }))
}

/// Runs the dashboard; `Some(signal)` when a signal ended it.
async fn dashboard(global: &Global, settings: Settings) -> anyhow::Result<Option<u8>> {
    let now = Timestamp::now();
    let wants = global.wants();
    if wants.org.is_some() && !wants.demo {
        eprintln!("reprieve: reading the Organization's accounts…");
    }
    let (sources, stores) = connect::sources(&wants, now).await?;
    let writes = global.writes();
    let read_only = connect::read_only(writes.read_only, writes.file_read_only);
    let accounts = &global.file.accounts;
    let names = connect::account_names(&sources, &accounts.names);
    let mut state = State::with_sources(sources, global.tz(), now)
        .with_read_only(read_only)
        .with_accounts(names.into_iter().collect(), accounts.production.clone());
    let (engine, note) = connect::engine(stores, &writes);
    if let Some(note) = note {
        state = state.with_notice(note);
    }
    // Nothing has mapped a key or drawn yet, so neither is taken.
    let _ = keys::install(settings.keymap);
    let _ = theme::install(settings.theme);

    let hangup = signal(SignalKind::hangup()).context("cannot watch for SIGHUP")?;
    let terminate = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
    if !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the dashboard needs a terminal; for scripts, use `reprieve list` or `reprieve restore`"
        );
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
    let result = runtime::run_until(&mut terminal, &mut state, engine, events, signals).await;
    ratatui::restore();
    result.context("terminal I/O failed")
}

const SIGHUP: u8 = 1;
const SIGTERM: u8 = 15;

fn init_logging(global: &Global) -> anyhow::Result<()> {
    let Some(path) = &global.log_file else {
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
