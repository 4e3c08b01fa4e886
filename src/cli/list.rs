//! `reprieve list`: every secret scheduled for deletion, soonest purge
//! first, in the format asked for.

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
    warn::listing(&listed, &setup.sources, cloudtrail);
    let rows = keep(&listed, args, Timestamp::now());
    let mut out = BufWriter::new(io::stdout().lock());
    let written = output::write(&mut out, args.output, &rows, &setup.tz, setup.now)
        .and_then(|()| out.flush());
    match finish(written) {
        Exit::Done => status(&listed),
        other => other,
    }
}

/// The rows the filter and `--within` keep, in the listing's order.
fn keep<'a>(listed: &'a Listing, args: &ListArgs, now: Timestamp) -> Vec<&'a Row> {
    let query = args.filter.as_deref().map(Query::parse);
    let until = args.within.and_then(|d| now.checked_add(d).ok());
    listed
        .rows
        .iter()
        .filter(|r| {
            query
                .as_ref()
                .is_none_or(|q| q.matches(&r.secret.name, r.secret.arn.as_str()))
        })
        .filter(|r| until.is_none_or(|until| r.dates.purge.earliest() <= until))
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
