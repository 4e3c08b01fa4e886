//! Sources answering: who they are, their pages, and CloudTrail's events.

use super::*;
use crate::engine::reads;

/// Two sources that reach the same account and region are one: the later
/// one stops listing.
pub(super) fn on_identified(
    state: &mut State,
    source: SourceId,
    result: Result<Identity, StoreError>,
) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    match result {
        Ok(identity) => {
            feed.identity = Some(identity);
            feed.identity_error = None;
        }
        // The listing says what is wrong; an endpoint without STS still lists.
        Err(error) => {
            feed.identity_error = Some(error);
            return vec![];
        }
    }
    let feed = &state.feeds[source];
    let same = |f: &Feed| {
        f.account() == feed.account()
            && f.source.region == feed.source.region
            && f.source.endpoint_url == feed.source.endpoint_url
            && f.duplicate_of.is_none()
    };
    let first = state.feeds[..source].iter().position(same);
    if let Some(first) = first {
        let feed = &mut state.feeds[source];
        feed.duplicate_of = Some(first);
        // Its pages, late or not, are dropped from now on.
        feed.load.generation += 1;
        feed.load.loading = false;
        feed.load.scanned = 0;
    }
    vec![]
}

pub(super) fn on_load_failed(
    state: &mut State,
    source: SourceId,
    generation: u64,
    error: StoreError,
) {
    let Some(feed) = state.feeds.get_mut(source) else {
        return;
    };
    if generation != feed.load.generation {
        return;
    }
    feed.load.loading = false;
    // Stopped partway: what was listed is not all there is.
    feed.load.incomplete = feed.load.scanned > 0;
    let quiet = feeds::not_enabled(&error) && state.feeds.len() > 1;
    state.feeds[source].load.error = Some(error.clone());
    if quiet || state.startup_error().is_some() {
        return;
    }
    let text = if state.feeds.len() > 1 {
        let label = &state.feeds[source].source.label;
        format!("Listing {label} failed: {error} (s: sources)")
    } else {
        format!("Listing failed: {error}")
    };
    state.set_status(Tone::Error, text);
    state.status_is_listing_failure = true;
}

pub(super) fn on_page(
    state: &mut State,
    source: SourceId,
    generation: u64,
    page: Page,
) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    if generation != feed.load.generation {
        return vec![];
    }
    feed.load.scanned += page.scanned;
    let now = state.now;
    let mut fresh = Vec::with_capacity(page.pending.len());
    for secret in page.pending {
        if state.restored.get(&secret.arn) == Some(&secret.deleted_date) {
            continue;
        }
        // A row listed again keeps what CloudTrail said of the same deletion.
        let known = state.list.get(&secret.arn).filter(|row| {
            row.secret.deleted_date == secret.deleted_date && row.dates.from_cloudtrail()
        });
        let dates = match known {
            Some(row) => row.dates.clone(),
            None => state.feeds[source].trail.date(&secret, now),
        };
        fresh.push((secret, dates));
    }
    for (secret, _) in &fresh {
        state.accounts.listed(source, secret.arn.account());
    }
    state.list.upsert(source, fresh, generation);
    if let Some(token) = page.next_token {
        return vec![Effect::LoadPage {
            source,
            generation,
            token: Some(token),
        }];
    }
    // A dropped row's CloudTrail dates go back to the trail, in case a
    // later listing shows it again.
    for row in state.list.retain_seen(source, generation) {
        if let Some(event) = row.dates.as_event(&row.secret) {
            state.feeds[source].trail.keep(event);
        }
    }
    let list = &state.list;
    let dropped = state.marks.keep_only(|arn| list.get(arn).is_some());
    if dropped > 0 {
        let text = format!("{dropped} marked secret(s) left the listing: their marks are dropped");
        state.set_status(Tone::Info, text);
    }
    let load = &mut state.feeds[source].load;
    load.loading = false;
    load.completed = true;
    load.error = None;
    if state.status_is_listing_failure && state.failing() == 0 {
        state.status = None;
        state.status_is_listing_failure = false;
    }
    look_up_deletions(state, source)
}

/// Asks CloudTrail about every deletion in this source it has not dated yet.
pub(super) fn look_up_deletions(state: &mut State, source: SourceId) -> Vec<Effect> {
    let undated = state
        .list
        .rows()
        .filter(|r| r.source() == source && !r.dates.from_cloudtrail())
        .map(|r| r.secret.deleted_date);
    let trail = &mut state.feeds[source].trail;
    match trail.start(undated, state.now) {
        Some(query) => vec![Effect::LookupDeletions {
            source,
            generation: trail.generation,
            query,
        }],
        None => vec![],
    }
}

pub(super) fn on_deletions(
    state: &mut State,
    source: SourceId,
    generation: u64,
    page: EventPage,
) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    if generation != feed.trail.generation {
        return vec![];
    }
    let (next, events) = feed.trail.page(page);
    let now = state.now;
    let list = &state.list;
    let undated = |dated: &dyn Fn(&Arn) -> bool| -> Vec<PendingSecret> {
        list.rows()
            .filter(|r| r.source() == source && !r.dates.from_cloudtrail())
            .filter(|r| !dated(&r.secret.arn))
            .map(|r| r.secret.clone())
            .collect()
    };
    let listed = |arn: &Arn| list.get(arn).map(|r| &r.secret);
    let changes = state.feeds[source]
        .trail
        .date_page(events, now, listed, undated);
    state.list.set_dates(changes);
    match next {
        Some(query) => vec![Effect::LookupDeletions {
            source,
            generation,
            query,
        }],
        None if state.feeds[source].trail.take_again() => look_up_deletions(state, source),
        None => look_up_reads(state, source),
    }
}

/// Once its dates are read, asks CloudTrail who still asks for this
/// source's secrets; a lookup held while dates were read goes on.
pub(super) fn look_up_reads(state: &mut State, source: SourceId) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    if feed.trail.reading() {
        return vec![];
    }
    if let Some(query) = feed.parked.take() {
        let generation = feed.reads.generation;
        return vec![Effect::LookupReads {
            source,
            generation,
            query,
        }];
    }
    let oldest = state
        .list
        .rows()
        .filter(|r| r.source() == source)
        .map(|r| r.secret.deleted_date)
        .min();
    let feed = &mut state.feeds[source];
    match oldest.and_then(|oldest| feed.reads.start(oldest, state.now)) {
        Some(query) => vec![Effect::LookupReads {
            source,
            generation: feed.reads.generation,
            query,
        }],
        None => vec![],
    }
}

/// A page of refused reads: each counted once on the row it names, by ARN,
/// partial ARN or name; the next page unless the budget is spent. While a
/// deletion lookup runs, the next page waits for it.
pub(super) fn on_reads(
    state: &mut State,
    source: SourceId,
    generation: u64,
    page: crate::store::ReadPage,
) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    if generation != feed.reads.generation {
        return vec![];
    }
    let prefix = feed.arn_prefix();
    for read in &page.reads {
        if !state.feeds[source].reads.first_time(read) {
            continue;
        }
        let (arn, name) = reads::names(&read.secret_id);
        let listed = arn
            .and_then(|a| match a {
                reads::SecretRef::Arn(a) => state.list.shared_arn(&Arn::new(a)).cloned(),
                reads::SecretRef::Name(_) => None,
            })
            .or_else(|| match (name, &prefix) {
                (reads::SecretRef::Name(n), Some(p)) => state.list.by_name(p, n).cloned(),
                _ => None,
            });
        if let Some(arn) = listed {
            state.list.add_read(&arn, read);
        }
    }
    let feed = &mut state.feeds[source];
    match feed.reads.page(&page) {
        Some(query) if feed.trail.reading() => {
            feed.parked = Some(query);
            vec![]
        }
        Some(query) => vec![Effect::LookupReads {
            source,
            generation,
            query,
        }],
        None => vec![],
    }
}
