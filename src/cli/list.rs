//! `reprieve list`: every secret scheduled for deletion, soonest purge
//! first, in the format asked for.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};

use jiff::Timestamp;

use super::{Exit, finish, output, progress, setup, warn};
use crate::args::{Global, ListArgs};
use crate::engine::listing::{self, Listing, Row};
use crate::filter::Query;

pub async fn run(global: &Global, args: &ListArgs) -> Exit {
    let setup = match setup(global).await {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let n = setup.sources.len();
    progress(&format!("listing {n} source(s)…"));
    let cloudtrail = !args.no_cloudtrail;
    let listed = listing::list(&setup.engine, &setup.sources, cloudtrail, setup.now).await;
    warn::listing(&listed, &setup.sources);
    // Nothing was reached: an empty list would read as "nothing pending".
    if let exit @ Exit::Unreachable = status(&listed) {
        return exit;
    }
    let names = &setup.accounts.names;
    let rows = keep(&listed, args, names, Timestamp::now());
    if cloudtrail {
        warn::windows(&rows);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let checked: Vec<_> = listed
        .reports
        .iter()
        .map(|r| r.reads_checked.map(|(since, _)| since))
        .collect();
    let at = output::At {
        checked: &checked,
        tz: &setup.tz,
        now: setup.now,
        names,
    };
    let written = output::write(&mut out, args.output, &rows, &at).and_then(|()| out.flush());
    match finish(written) {
        Exit::Done => status(&listed),
        other => other,
    }
}

/// The rows the filter and `--within` keep, in the listing's order; `@`
/// words also match the accounts' `names` from the config file.
fn keep<'a>(
    listed: &'a Listing,
    args: &ListArgs,
    names: &BTreeMap<String, String>,
    now: Timestamp,
) -> Vec<&'a Row> {
    let query = args.filter.as_deref().map(Query::parse);
    let lower: BTreeMap<&str, String> = names
        .iter()
        .map(|(id, name)| (id.as_str(), name.to_lowercase()))
        .collect();
    let until = args.within.and_then(|d| now.checked_add(d).ok());
    listed
        .rows
        .iter()
        .filter(|r| {
            query.as_ref().is_none_or(|q| {
                let name = lower.get(r.secret.arn.account()).map(String::as_str);
                q.matches_named(&r.secret.name, r.secret.arn.as_str(), name)
            })
        })
        .filter(|r| until.is_none_or(|until| r.dates.purge.earliest() <= until))
        .filter(|r| !args.in_use || r.reads.is_some() || r.secret.in_use_when_deleted())
        .collect()
}

/// Every source listed: done; some failed: partial; none reached: 3.
fn status(listed: &Listing) -> Exit {
    if listed.reachable() == 0 && listed.failed() > 0 {
        Exit::Unreachable
    } else if listed.failed() > 0 {
        Exit::Partial
    } else {
        Exit::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::ListFormat;
    use crate::engine::listing::Listing;
    use crate::purge::{Dates, Purge};
    use crate::store::{Arn, PendingSecret};
    use jiff::SignedDuration;

    fn row(name: &str, purge: Timestamp) -> Row {
        Row {
            source: 0,
            secret: PendingSecret {
                arn: Arn::new(format!(
                    "arn:aws:secretsmanager:us-east-1:1:secret:{name}-AbCdEf"
                )),
                name: name.into(),
                description: None,
                deleted_date: purge - SignedDuration::from_hours(7 * 24),
                last_accessed: None,
            },
            dates: Dates {
                deleted_at: None,
                deleted_by: None,
                purge: Purge::Exact(purge),
            },
            reads: None,
            owning_service: None,
        }
    }

    #[test]
    fn within_keeps_a_purge_exactly_at_its_end_and_not_a_second_after() {
        let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        let end = now + SignedDuration::from_hours(48);
        let listed = Listing {
            rows: vec![
                row("at-the-end", end),
                row("a-second-after", end + SignedDuration::from_secs(1)),
                row("overdue", now - SignedDuration::from_hours(1)),
            ],
            reports: Vec::new(),
        };
        let args = ListArgs {
            output: ListFormat::Json,
            filter: None,
            within: Some(SignedDuration::from_hours(48)),
            no_cloudtrail: false,
            in_use: false,
        };
        let kept: Vec<&str> = keep(&listed, &args, &BTreeMap::new(), now)
            .iter()
            .map(|r| r.secret.name.as_str())
            .collect();
        assert_eq!(kept, ["at-the-end", "overdue"]);
    }
}
