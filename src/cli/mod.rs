//! The command line: `list` and `restore` over the same engine as the
//! dashboard, for scripts. Data goes to stdout, progress and warnings to
//! stderr; nothing here touches the terminal's modes.

mod list;
mod output;
pub mod record;
mod restore;
mod warn;

use std::io::{self, IsTerminal, Write};

use clap::CommandFactory;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::args::{Args, Command, ConfigArgs, Global};
use crate::engine::Engine;
use crate::engine::connect;
use crate::engine::sources::Source;

/// What the process ends with; `--help` and the README list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Done = 0,
    /// A restore failed or is unknown, or a source could not be listed.
    Partial = 1,
    /// Bad flags, an unknown or ambiguous secret, a refused restore.
    Usage = 2,
    /// No credentials, or every source failed.
    Unreachable = 3,
    /// The reader of stdout went away (`| head`): 128 + SIGPIPE, as Unix
    /// tools end then.
    BrokenPipe = 141,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Runs a subcommand; `None` when there is none (the dashboard's turn).
pub async fn run(args: &Args) -> Option<Exit> {
    let exit = match args.command.as_ref()? {
        Command::List(list) => list::run(&args.global, list).await,
        Command::Restore(restore) => restore::run(&args.global, restore).await,
        // Made whole first: the generators panic on a write that fails.
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Args::command(), "reprieve", &mut script);
            finish(write_out(&script))
        }
        Command::Man => {
            let mut page = Vec::new();
            let man = clap_mangen::Man::new(Args::command());
            finish(man.render(&mut page).and_then(|()| write_out(&page)))
        }
        Command::Config(config) => self::config(&args.global, config),
    };
    Some(exit)
}

/// `reprieve config`: the default file (the keymap's defaults in it), or
/// where the file is read from. Neither reads the file, so both work while
/// it is broken.
fn config(global: &Global, args: &ConfigArgs) -> Exit {
    if args.default {
        let text = crate::config::default_text(&crate::keys::documented());
        return finish(write_out(text.as_bytes()));
    }
    match crate::config::locate(global.config.as_deref()) {
        Some(at) => finish(write_out(format!("{}\n", at.path.display()).as_bytes())),
        None => {
            warn::say("no HOME or XDG_CONFIG_HOME to look in: pass --config PATH");
            Exit::Usage
        }
    }
}

/// The sources and the engine the flags ask for.
struct Setup {
    sources: Vec<Source>,
    /// The config file's accounts, with the Organization's names under them.
    accounts: crate::config::Accounts,
    engine: Engine,
    tz: TimeZone,
    now: Timestamp,
}

async fn setup(global: &Global) -> Result<Setup, Exit> {
    let now = Timestamp::now();
    let wants = global.wants();
    if wants.org.is_some() && !wants.demo {
        progress("reading the Organization's accounts…");
    }
    let (sources, stores) = connect::sources(&wants, now).await.map_err(|e| {
        warn::say(&format!("cannot set up the sources: {e}"));
        Exit::Unreachable
    })?;
    let mut accounts = global.file.accounts.clone();
    accounts.names = connect::account_names(&sources, &accounts.names);
    let writes = global.writes();
    let (engine, note) = connect::engine(stores, &writes);
    if let Some(note) = note {
        warn::say(&note);
    }
    let tz = global.tz();
    Ok(Setup {
        sources,
        accounts,
        engine,
        tz,
        now,
    })
}

/// Progress is for a person watching; a script's log gets warnings only.
fn progress(text: &str) {
    if io::stderr().is_terminal() {
        warn::say(text);
    }
}

fn write_out(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// The exit for a write to stdout: a reader that went away ends it
/// quietly.
fn finish(result: io::Result<()>) -> Exit {
    match result {
        Ok(()) => Exit::Done,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Exit::BrokenPipe,
        Err(e) => {
            warn::say(&format!("cannot write the output: {e}"));
            Exit::Partial
        }
    }
}
