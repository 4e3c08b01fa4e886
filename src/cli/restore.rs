//! `reprieve restore SECRET...`: the secrets named, found among those
//! scheduled for deletion, confirmed, and restored through the same paced,
//! audited queue as the dashboard's.

use std::collections::HashSet;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;

use super::{Exit, finish, progress, setup, warn};
use crate::args::{Global, RestoreArgs, RestoreFormat};
use crate::config::Accounts;
use crate::engine::connect;
use crate::engine::listing::{self, Listing, Row};
use crate::engine::restore::{Check, Finished, Outcome, Request};
use crate::engine::sources::Source;
use crate::store::arn_region_account;
use crate::store::guard::READ_ONLY;
use crate::store::{ErrorKind, StoreError};

/// How long restores already sent get to answer after an interrupt.
const DRAIN: Duration = Duration::from_secs(3);

pub async fn run(global: &Global, args: &RestoreArgs) -> Exit {
    let wanted = match wanted(&args.secrets) {
        Ok(w) if w.is_empty() => {
            warn::say("nothing to restore: no secret was named");
            return Exit::Usage;
        }
        Ok(w) => w,
        Err(e) => {
            warn::say(&format!("cannot read the secrets from stdin: {e}"));
            return Exit::Usage;
        }
    };
    // Refused before anything is asked of AWS.
    if connect::read_only(global.read_only, global.file.defaults.read_only) {
        warn::say(READ_ONLY);
        return Exit::Usage;
    }
    let setup = match setup(global).await {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    progress(&format!("looking in {} source(s)…", setup.sources.len()));
    let listed = listing::list(&setup.engine, &setup.sources, false, setup.now).await;
    warn::listing(&listed, &setup.sources);
    if listed.reachable() == 0 && listed.failed() > 0 {
        return Exit::Unreachable;
    }
    let rows = match resolve(&listed, &wanted) {
        Ok(rows) => rows,
        Err(why) => {
            for line in why {
                warn::say(&line);
            }
            if listed.failed() > 0 {
                warn::say("some sources could not be listed: a secret there is not found");
            }
            return Exit::Usage;
        }
    };
    if !args.yes {
        match ask(&rows, &setup.sources, &setup.accounts) {
            Ok(true) => {}
            Ok(false) => {
                warn::say("nothing restored");
                return Exit::Usage;
            }
            Err(why) => {
                warn::say(&why);
                return Exit::Usage;
            }
        }
    }
    let principals: Vec<Option<String>> = listed
        .reports
        .iter()
        .map(|r| r.identity.as_ref().ok().map(|i| i.arn.clone()))
        .collect();
    let places = Places {
        sources: &setup.sources,
        principals: &principals,
    };
    restore_all(&setup.engine, places, &rows, args.output).await
}

/// The names and ARNs given, `-` read one a line from stdin, each once.
fn wanted(given: &[String]) -> io::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for g in given {
        if g == "-" {
            let mut text = String::new();
            io::stdin().lock().read_to_string(&mut text)?;
            out.extend(text.lines().map(str::trim).map(str::to_owned));
        } else {
            out.push(g.trim().to_owned());
        }
    }
    let mut seen = HashSet::new();
    out.retain(|s| !s.is_empty() && seen.insert(s.clone()));
    Ok(out)
}

/// Each name or ARN to exactly one pending secret, or every reason it
/// cannot be: not pending anywhere, or a name pending in several places.
fn resolve<'a>(listed: &'a Listing, wanted: &[String]) -> Result<Vec<&'a Row>, Vec<String>> {
    let mut rows: Vec<&Row> = Vec::new();
    let mut why = Vec::new();
    for w in wanted {
        let found: Vec<&Row> = listed
            .rows
            .iter()
            .filter(|r| {
                if w.starts_with("arn:") {
                    r.secret.arn.as_str() == w
                } else {
                    r.secret.name == *w
                }
            })
            .collect();
        match found.as_slice() {
            [] => why.push(format!(
                "{w}: not scheduled for deletion in any source listed"
            )),
            [one] => {
                if !rows.iter().any(|r| r.secret.arn == one.secret.arn) {
                    rows.push(one);
                }
            }
            many => {
                let arns: Vec<&str> = many.iter().map(|r| r.secret.arn.as_str()).collect();
                why.push(format!(
                    "{w}: pending in {} places; name one by its ARN: {}",
                    many.len(),
                    arns.join(", ")
                ));
            }
        }
    }
    if why.is_empty() { Ok(rows) } else { Err(why) }
}

/// Shows what will be restored and asks on the terminal, not on stdin,
/// which may be the list of names.
fn ask(rows: &[&Row], sources: &[Source], accounts: &Accounts) -> Result<bool, String> {
    let no_terminal = || "no terminal to ask on: pass --yes to restore without asking".to_owned();
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_terminal())?;
    if !tty.is_terminal() {
        return Err(no_terminal());
    }
    let mut to = tty.try_clone().map_err(|e| e.to_string())?;
    let write = |to: &mut std::fs::File| -> io::Result<()> {
        writeln!(to, "Restore these {} secret(s)?", rows.len())?;
        for row in rows {
            let (region, account) = arn_region_account(row.secret.arn.as_str());
            let account = accounts.shown(account);
            let via = sources
                .get(row.source)
                .map_or_else(|| "profile default".to_owned(), Source::via);
            writeln!(
                to,
                "  {}  (account {account} · {region} · {via})\n    {}",
                crate::text::sanitize(&row.secret.name),
                row.secret.arn
            )?;
        }
        write!(to, "Type yes to restore: ")?;
        to.flush()
    };
    write(&mut to).map_err(|e| e.to_string())?;
    // Keys typed before the question was shown do not answer it.
    discard_typeahead(&tty);
    let mut answer = String::new();
    io::BufReader::new(tty)
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(matches!(answer.trim(), "yes" | "y"))
}

#[cfg(unix)]
fn discard_typeahead(tty: &std::fs::File) {
    use std::os::fd::AsRawFd;
    // SAFETY: tcflush only reads the descriptor, which `tty` keeps open.
    unsafe {
        libc::tcflush(tty.as_raw_fd(), libc::TCIFLUSH);
    }
}

#[cfg(not(unix))]
fn discard_typeahead(_: &std::fs::File) {}

/// Every restore at once through the queue, which paces them; a line of
/// result each, in the order given. Ctrl-C or SIGTERM stops the queue and
/// records what is unanswered as unknown.
/// Who asks, by source: the profile the operator named and the caller
/// STS named, for the audit log.
#[derive(Clone, Copy)]
struct Places<'a> {
    sources: &'a [Source],
    principals: &'a [Option<String>],
}

async fn restore_all(
    engine: &crate::engine::Engine,
    places: Places<'_>,
    rows: &[&Row],
    format: RestoreFormat,
) -> Exit {
    let mut pending: FuturesOrdered<_> = rows
        .iter()
        .map(|row| {
            let request = Request {
                source: row.source,
                arn: row.secret.arn.clone(),
                name: row.secret.display_name().to_owned(),
                profile: places
                    .sources
                    .get(row.source)
                    .map_or("default", Source::profile_name)
                    .to_owned(),
                principal: places.principals.get(row.source).cloned().flatten(),
                route: places.sources.get(row.source).and_then(Source::route),
            };
            // A task each: they go on while the loop below waits, and
            // through a drain after an interrupt.
            let engine = engine.clone();
            let task = tokio::spawn(async move { engine.restore(request, || {}).await });
            async move { (*row, task.await) }
        })
        .collect();
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut failed, mut done) = (0, 0);
    let total = rows.len();
    let interrupted = interrupted();
    tokio::pin!(interrupted);
    loop {
        let next = tokio::select! {
            next = pending.next() => next,
            () = &mut interrupted => {
                warn::say("interrupted: no more restores leave; those sent get 3 s to answer");
                let unanswered = engine.drain(DRAIN).await;
                if unanswered > 0 {
                    warn::say(&format!("{unanswered} restore(s) unanswered: recorded as unknown"));
                }
                let _ = out.flush();
                return Exit::Partial;
            }
        };
        let Some((row, finished)) = next else { break };
        // A task that panicked may have sent its call: unknown, never failed.
        let finished = finished.unwrap_or_else(|e| Finished {
            outcome: Outcome::Unknown {
                error: StoreError::new(ErrorKind::Other, None, format!("reprieve failed: {e}"))
                    .unanswered(),
                check: Check::NotAsked("reprieve failed before it could check"),
            },
            stopped: None,
        });
        done += 1;
        failed += usize::from(!matches!(finished.outcome, Outcome::Restored { .. }));
        progress(&format!("{done} of {total} done"));
        if let Some(why) = &finished.stopped {
            warn::say(why);
        }
        let line = match format {
            RestoreFormat::Text => text_line(row, &finished.outcome),
            RestoreFormat::Json => json_line(row, &finished.outcome),
        };
        if let Err(e) = writeln!(out, "{line}") {
            let _ = engine.drain(DRAIN).await;
            return finish(Err(e));
        }
    }
    let summary = if failed == 0 {
        format!("restored {total} of {total}")
    } else {
        format!(
            "restored {} of {total}; {failed} failed or unknown",
            total - failed
        )
    };
    warn::say(&summary);
    match finish(out.flush()) {
        Exit::Done if failed > 0 => Exit::Partial,
        other => other,
    }
}

/// Ctrl-C or SIGTERM, whichever comes first.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// `restored  NAME  ARN`, `failed  NAME  ARN  CODE: message` or
/// `unknown  NAME  ARN  why; what DescribeSecret showed`.
fn text_line(row: &Row, outcome: &Outcome) -> String {
    let name = crate::text::sanitize(&row.secret.name);
    let arn = &row.secret.arn;
    match outcome {
        Outcome::Restored { checked: false, .. } => format!("restored\t{name}\t{arn}"),
        Outcome::Restored { checked: true, .. } => {
            format!("restored\t{name}\t{arn}\tno answer came; DescribeSecret shows it restored")
        }
        Outcome::Failed(e) => format!(
            "failed\t{name}\t{arn}\t{}",
            crate::text::sanitize(&e.to_string())
        ),
        Outcome::Unknown { error, check } => {
            format!("unknown\t{name}\t{arn}\t{error}; {}", check.words())
        }
    }
}

/// One restore's result for scripts, with the fields `list` uses.
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    name: &'a str,
    arn: &'a str,
    region: &'a str,
    account: &'a str,
    /// `restored`, `failed` or `unknown`.
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    /// Why the outcome is not known: no answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    unknown: Option<String>,
    /// What DescribeSecret showed after no answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    checked: Option<String>,
}

fn json_line(row: &Row, outcome: &Outcome) -> String {
    let arn = row.secret.arn.as_str();
    let (region, account) = arn_region_account(arn);
    let mut line = JsonLine {
        name: &row.secret.name,
        arn,
        region,
        account,
        result: "restored",
        code: None,
        message: None,
        unknown: None,
        checked: None,
    };
    match outcome {
        Outcome::Restored { checked, .. } => {
            line.checked = checked.then(|| "restored".to_owned());
            if *checked {
                line.unknown = Some("no answer came".to_owned());
            }
        }
        Outcome::Failed(e) => {
            line.result = "failed";
            line.code = e.code.as_deref();
            line.message = Some(&e.message);
        }
        Outcome::Unknown { error, check } => {
            line.result = "unknown";
            line.unknown = Some(error.to_string());
            line.checked = check.token();
        }
    }
    serde_json::to_string(&line).unwrap_or_default()
}
