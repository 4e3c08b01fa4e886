//! Every source listed to its end, then dated by CloudTrail: what the
//! command line prints. The dashboard does the same work a message at a
//! time through `update`; both share the engine's calls, caps and pacing,
//! and the dating in `trail`.

use std::collections::{HashMap, HashSet};

use futures_util::future::join_all;
use jiff::Timestamp;

use super::reads::{self, ReadLookup, ReadPhase, ReadStats, SecretRef};
use super::sources::Source;
use super::trail::{Phase, Trail};
use super::{Engine, SourceId};
use crate::purge::{self, Dates};
use crate::store::{Arn, Identity, PendingSecret, StoreError, not_enabled};

/// One secret scheduled for deletion, with what is known of its purge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The first source that listed it: a restore goes through it.
    pub source: SourceId,
    pub secret: PendingSecret,
    pub dates: Dates,
    /// Refused reads since the deletion; `None` when none was counted.
    pub reads: Option<ReadStats>,
    /// `OwningService` (RDS, …), which may refuse changes.
    pub owning_service: Option<String>,
}

impl Row {
    /// Soonest possible purge first; name and ARN keep ties stable.
    fn key(&self) -> (Timestamp, &str, &str) {
        (
            self.dates.purge.earliest(),
            &self.secret.name,
            self.secret.arn.as_str(),
        )
    }
}

/// How one source went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    /// To its last page.
    Done { scanned: usize },
    /// It failed; `scanned` entries were listed before, and their rows kept.
    Failed { error: StoreError, scanned: usize },
    /// An opt-in region the account has not enabled.
    NotEnabled,
    /// Another source reaches the same account and region: not listed.
    Duplicate(SourceId),
}

/// What one source said, for the warnings and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub identity: Result<Identity, StoreError>,
    pub listed: Listed,
    /// CloudTrail: `Done` or `Failed`, or `Idle` when it was not asked.
    pub dating: Phase,
    /// Refused reads: how the lookup went.
    pub reads: ReadPhase,
    /// Reads are known back to this instant, and how many events were read.
    pub reads_checked: Option<(Timestamp, usize)>,
}

/// Everything listed, soonest purge first.
#[derive(Debug, Clone)]
pub struct Listing {
    pub rows: Vec<Row>,
    pub reports: Vec<Report>,
}

impl Listing {
    /// Sources that could be listed (to the end or partly).
    pub fn reachable(&self) -> usize {
        let listed = |r: &&Report| matches!(r.listed, Listed::Done { .. });
        let partly =
            |r: &&Report| matches!(r.listed, Listed::Failed { scanned, .. } if scanned > 0);
        self.reports
            .iter()
            .filter(|r| listed(r) || partly(r))
            .count()
    }

    /// Sources that failed (a region not enabled, or a duplicate, has not).
    pub fn failed(&self) -> usize {
        let failed = |r: &&Report| matches!(r.listed, Listed::Failed { .. });
        self.reports.iter().filter(failed).count()
    }
}

/// Lists every source (at once, under the engine's cap), drops duplicate
/// sources once STS names their accounts, and, with `cloudtrail`, dates the
/// rows by each source's `DeleteSecret` events. `sources` are the
/// engine's, in order: they say which share a region and which share
/// credentials (to tell a region not enabled from a failure).
pub async fn list(
    engine: &Engine,
    sources: &[Source],
    cloudtrail: bool,
    now: Timestamp,
) -> Listing {
    let n = engine.len();
    let identities = join_all((0..n).map(|s| engine.identify(s))).await;
    let duplicate_of: Vec<Option<SourceId>> = (0..n)
        .map(|s| {
            let id = identities[s].as_ref().ok()?;
            (0..s).find(|&o| {
                let (a, b) = (sources.get(o), sources.get(s));
                identities[o]
                    .as_ref()
                    .is_ok_and(|other| other.account == id.account)
                    && a.map(|a| (&a.region, &a.endpoint_url))
                        == b.map(|b| (&b.region, &b.endpoint_url))
            })
        })
        .collect();
    let listings = join_all((0..n).map(|s| {
        let duplicate = duplicate_of[s];
        async move {
            match duplicate {
                Some(_) => (Vec::new(), HashMap::new(), Ok(0)),
                None => list_source(engine, s).await,
            }
        }
    }))
    .await;

    // Each secret once, with the first source that listed it. A single
    // source needs no check: an ARN is listed once.
    let mut seen: HashSet<Arn> = HashSet::new();
    let mut by_source: Vec<Vec<Row>> = Vec::with_capacity(n);
    let mut listed = Vec::with_capacity(n);
    for (source, (pending, mut owners, result)) in listings.into_iter().enumerate() {
        let rows = pending
            .into_iter()
            .filter(|secret| n == 1 || seen.insert(secret.arn.clone()))
            .map(|secret| Row {
                source,
                dates: purge::read(secret.deleted_date, now, None),
                owning_service: owners.remove(&secret.arn),
                secret,
                reads: None,
            })
            .collect();
        by_source.push(rows);
        listed.push(result);
    }

    let dating = join_all(
        by_source
            .iter_mut()
            .enumerate()
            .map(|(s, rows)| async move {
                if !cloudtrail || rows.is_empty() {
                    return (Phase::Idle, ReadLookup::default());
                }
                let dated = date_source(engine, s, rows, now).await;
                let reads = read_source(engine, s, rows, now).await;
                (dated, reads)
            }),
    )
    .await;

    let listed_ok = |s: usize| listed[s].is_ok();
    let same_credentials = |a: usize, b: usize| match (sources.get(a), sources.get(b)) {
        (Some(a), Some(b)) => a.profile == b.profile && a.endpoint_url == b.endpoint_url,
        _ => false,
    };
    let reports = (0..n)
        .zip(identities)
        .zip(dating)
        .map(|((s, identity), dating)| {
            let listed = match (&listed[s], duplicate_of[s]) {
                (_, Some(of)) => Listed::Duplicate(of),
                (Ok(scanned), None) => Listed::Done { scanned: *scanned },
                (Err((error, _)), None)
                    if not_enabled(error)
                        && (0..n).any(|o| o != s && same_credentials(o, s) && listed_ok(o)) =>
                {
                    Listed::NotEnabled
                }
                (Err((error, scanned)), None) => Listed::Failed {
                    error: error.clone(),
                    scanned: *scanned,
                },
            };
            let (dating, reads) = dating;
            Report {
                identity,
                listed,
                dating,
                reads_checked: reads.checked_since().map(|since| (since, reads.events)),
                reads: reads.phase,
            }
        })
        .collect();
    let mut rows: Vec<Row> = by_source.into_iter().flatten().collect();
    // ARNs are unique: no two keys tie.
    rows.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
    Listing { rows, reports }
}

type Listed1 = (
    Vec<PendingSecret>,
    HashMap<Arn, String>,
    Result<usize, (StoreError, usize)>,
);

/// One source's pages, in order, to the last; a failure keeps what came.
async fn list_source(engine: &Engine, source: SourceId) -> Listed1 {
    let (mut pending, mut scanned, mut token) = (Vec::new(), 0, None);
    let mut owners = HashMap::new();
    loop {
        match engine.list_page(source, token).await {
            Ok(page) => {
                scanned += page.scanned;
                pending.extend(page.pending);
                owners.extend(page.owners);
                match page.next_token {
                    Some(next) => token = Some(next),
                    None => return (pending, owners, Ok(scanned)),
                }
            }
            Err(error) => {
                tracing::warn!(source, %error, "listing failed");
                return (pending, owners, Err((error, scanned)));
            }
        }
    }
}

/// Reads CloudTrail for one source's rows until every page is read.
async fn date_source(engine: &Engine, source: SourceId, rows: &mut [Row], now: Timestamp) -> Phase {
    let mut trail = Trail::default();
    let undated = rows.iter().map(|r| r.secret.deleted_date);
    let Some(mut query) = trail.start(undated, now) else {
        return Phase::Idle;
    };
    let index: HashMap<Arn, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.secret.arn.clone(), i))
        .collect();
    loop {
        let page = match engine.lookup_deletions(source, query).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(source, %error, "cloudtrail lookup failed");
                return Phase::Failed(error);
            }
        };
        let (next, events) = trail.page(page);
        let changes = {
            let rows = &*rows;
            let listed = |arn: &Arn| index.get(arn).map(|&i| &rows[i].secret);
            let undated = |dated: &dyn Fn(&Arn) -> bool| -> Vec<PendingSecret> {
                rows.iter()
                    .filter(|r| !r.dates.from_cloudtrail() && !dated(&r.secret.arn))
                    .map(|r| r.secret.clone())
                    .collect()
            };
            trail.date_page(events, now, listed, undated)
        };
        for (arn, dates) in changes {
            if let Some(&i) = index.get(&arn) {
                rows[i].dates = dates;
            }
        }
        match next {
            Some(q) => query = q,
            None => return trail.phase.clone(),
        }
    }
}

/// Reads CloudTrail for refused reads of one source's rows, as far as the
/// horizon and the page budget allow.
async fn read_source(
    engine: &Engine,
    source: SourceId,
    rows: &mut [Row],
    now: Timestamp,
) -> ReadLookup {
    let mut lookup = ReadLookup::default();
    let Some(oldest) = rows.iter().map(|r| r.secret.deleted_date).min() else {
        return lookup;
    };
    let Some(mut query) = lookup.start(oldest, now) else {
        return lookup;
    };
    let by_arn: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.secret.arn.as_str(), i))
        .collect();
    // Within one region of one account, a pending name is one secret.
    let by_name: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.secret.name.clone(), i))
        .collect();
    let mut counted: Vec<(usize, crate::store::FailedRead)> = Vec::new();
    loop {
        let page = match engine.lookup_reads(source, query).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(source, %error, "reads lookup failed");
                lookup.failed(error);
                break;
            }
        };
        for read in &page.reads {
            if !lookup.first_time(read) {
                continue;
            }
            let (arn, name) = reads::names(&read.secret_id);
            let found = arn
                .and_then(|a| match a {
                    SecretRef::Arn(a) => by_arn.get(a).copied(),
                    SecretRef::Name(_) => None,
                })
                .or(match name {
                    SecretRef::Name(n) => by_name.get(n).copied(),
                    SecretRef::Arn(_) => None,
                });
            if let Some(i) = found {
                counted.push((i, read.clone()));
            }
        }
        match lookup.page(&page) {
            Some(q) => query = q,
            None => break,
        }
    }
    drop((by_arn, by_name));
    for (i, read) in counted {
        let row = &mut rows[i];
        if read.event_time >= row.secret.deleted_date {
            row.reads.get_or_insert_with(ReadStats::default).add(&read);
        }
    }
    lookup
}
