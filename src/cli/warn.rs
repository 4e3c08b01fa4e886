//! What the command line says on stderr: warnings, one line each, never
//! mixed into the data on stdout.

use crate::advice;
use crate::engine::listing::{Listed, Listing, Report, Row};
use crate::engine::reads::ReadPhase;
use crate::engine::sources::Source;
use crate::engine::trail::Phase;
use crate::store::ErrorKind;
use crate::text::sanitize;

/// One line on stderr; control characters shown, never obeyed.
pub fn say(text: &str) {
    eprintln!("reprieve: {}", sanitize(text));
}

/// Every source that failed, with its fix; where CloudTrail could not be
/// read.
pub fn listing(listing: &Listing, sources: &[Source]) {
    for (report, source) in listing.reports.iter().zip(sources) {
        source_report(report, source);
    }
    // Never a claim beyond what was read: how far back, and how much.
    let checked = listing.reports.iter().filter_map(|r| r.reads_checked);
    if let Some((since, events)) =
        checked.fold(None, |acc: Option<(jiff::Timestamp, usize)>, (s, e)| {
            Some(acc.map_or((s, e), |(a, n)| (a.max(s), n + e)))
        })
    {
        say(&format!(
            "refused reads checked since {} ({events} read events)",
            crate::cli::record::rfc3339(since)
        ));
    }
}

/// How many of the rows printed have only a window for a purge date.
pub fn windows(rows: &[&Row]) {
    let windows = rows.iter().filter(|r| r.dates.purge.is_window()).count();
    if windows > 0 {
        say(&format!(
            "{windows} purge date(s) are 7–30-day windows: CloudTrail had no event for them \
             (it records deletions minutes late) or could not be read"
        ));
    }
}

fn source_report(report: &Report, source: &Source) {
    let label = &source.label;
    if let Listed::Failed { error, scanned } = &report.listed {
        let partly = if *scanned > 0 {
            format!(" after {scanned} entries: what was listed is not all there is")
        } else {
            String::new()
        };
        say(&format!(
            "{label}: listing failed{partly}: {error}. {}",
            advice::fix_for_command_line(error, source)
        ));
        return;
    }
    if let ReadPhase::Failed(e) = &report.reads {
        say(&format!(
            "{label}: refused reads unknown: CloudTrail could not be read ({e})"
        ));
    }
    if let Phase::Failed(e) = &report.dating {
        let why = if e.kind == ErrorKind::AccessDenied {
            "allow cloudtrail:LookupEvents for exact dates and who deleted each secret".to_owned()
        } else {
            e.to_string()
        };
        say(&format!("{label}: CloudTrail could not be read ({why})"));
    }
}
