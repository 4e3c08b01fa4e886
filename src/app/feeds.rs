//! Where secrets come from: one profile (or endpoint) in one region, its
//! identity, its listing and its CloudTrail lookups. Each feed fails on its
//! own; rows stay keyed by ARN, which names region and account.

use std::collections::HashSet;

use crate::store::{Identity, StoreError};

use crate::engine::reads::ReadLookup;
use crate::engine::trail::Trail;

pub use crate::engine::SourceId;

pub use crate::engine::sources::{DEFAULT_PROFILE, Source};

#[derive(Debug, Clone, Default)]
pub struct Load {
    pub generation: u64,
    pub loading: bool,
    /// Entries seen by the current (or last) listing, pending or not.
    pub scanned: usize,
    /// A listing has run to its last page at least once.
    pub completed: bool,
    /// The latest listing failed before its last page: the rows are not
    /// all there is.
    pub incomplete: bool,
    pub error: Option<StoreError>,
}

#[derive(Debug, Default)]
pub struct Feed {
    pub source: Source,
    /// From STS; `None` until it answers, or when it could not.
    pub identity: Option<Identity>,
    pub identity_error: Option<StoreError>,
    /// Another feed reaches the same account and region: this one is not
    /// listed.
    pub duplicate_of: Option<SourceId>,
    pub load: Load,
    /// CloudTrail's `DeleteSecret` events: exact purge dates and who deleted.
    pub trail: Trail,
    /// CloudTrail's refused `GetSecretValue` events: who still asks.
    pub reads: ReadLookup,
    /// The next page of reads, held while a deletion lookup runs: dates
    /// come first.
    pub parked: Option<crate::store::EventQuery>,
}

/// What the sources pane says of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedState {
    Listing,
    /// Listed to its last page; how many rows it holds is the list's.
    Done,
    /// An opt-in region the account has not enabled.
    NotEnabled,
    Duplicate(SourceId),
    Failed(StoreError),
}

impl Feed {
    pub fn new(source: Source) -> Self {
        Feed {
            source,
            ..Feed::default()
        }
    }

    /// How this source's secrets' ARNs begin (`arn:aws:secretsmanager:
    /// REGION:ACCOUNT:secret:`), once STS has named the account.
    pub fn arn_prefix(&self) -> Option<String> {
        let identity = self.identity.as_ref()?;
        let partition = identity.arn.split(':').nth(1).filter(|p| !p.is_empty())?;
        let region = self.source.region.as_deref()?;
        Some(format!(
            "arn:{partition}:secretsmanager:{region}:{}:secret:",
            identity.account
        ))
    }

    /// The account, from STS or from the rows' ARNs' owner.
    pub fn account(&self) -> Option<&str> {
        self.identity.as_ref().map(|i| i.account.as_str())
    }

    /// The account, from STS, else the Organization's list (a member
    /// whose role was refused is still named): for showing, not matching.
    pub fn known_account(&self) -> Option<&str> {
        self.account()
            .or_else(|| self.source.org.as_ref().map(|o| o.account.as_str()))
    }

    /// `peer_ok`: another feed with the same credentials listed fine, so an
    /// unrecognised token here means the region is not enabled.
    pub fn state(&self, peer_ok: bool) -> FeedState {
        if let Some(of) = self.duplicate_of {
            return FeedState::Duplicate(of);
        }
        if self.load.loading {
            return FeedState::Listing;
        }
        match &self.load.error {
            Some(e) if peer_ok && not_enabled(e) => FeedState::NotEnabled,
            Some(e) => FeedState::Failed(e.clone()),
            None if self.load.completed => FeedState::Done,
            None => FeedState::Listing,
        }
    }

    /// Listed to the end at least once, without a failure since.
    pub fn listed(&self) -> bool {
        self.load.completed && self.load.error.is_none()
    }
}

/// What the sources pane and the header say of the sources. Each call is
/// one pass over them: with an Organization there are thousands, and the
/// header asks on every frame.
impl super::State {
    /// What the sources pane says of one source.
    pub fn feed_state(&self, id: SourceId) -> FeedState {
        let feed = &self.feeds[id];
        let peer_ok = self
            .feeds
            .iter()
            .any(|f| credentials(f) == credentials(feed) && f.listed());
        feed.state(peer_ok)
    }

    /// What the sources pane says of each source, by id.
    pub fn feed_states(&self) -> Vec<FeedState> {
        // A feed with an error is not listed itself, so "another feed with
        // the same credentials listed" is "any such feed listed".
        let listed: HashSet<(Option<&str>, Option<&str>)> = self
            .feeds
            .iter()
            .filter(|f| f.listed())
            .map(credentials)
            .collect();
        self.feeds
            .iter()
            .map(|f| f.state(listed.contains(&credentials(f))))
            .collect()
    }

    /// How many listed rows each source holds now.
    pub fn rows_by_source(&self) -> Vec<usize> {
        let mut counts = vec![0; self.feeds.len()];
        for row in self.list.rows() {
            if let Some(n) = counts.get_mut(row.source()) {
                *n += 1;
            }
        }
        counts
    }

    /// Sources that failed (a region not enabled has not).
    pub fn failing(&self) -> usize {
        self.feed_states()
            .iter()
            .filter(|s| matches!(s, FeedState::Failed(_)))
            .count()
    }
}

/// What a feed signs in with: its profile and endpoint.
fn credentials(feed: &Feed) -> (Option<&str>, Option<&str>) {
    (
        feed.source.profile.as_deref(),
        feed.source.endpoint_url.as_deref(),
    )
}

pub use crate::store::arn_region_account;
pub use crate::store::not_enabled;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ErrorKind;

    #[test]
    fn arns_name_their_region_and_account() {
        let arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf";
        assert_eq!(arn_region_account(arn), ("eu-west-1", "111122223333"));
        assert_eq!(arn_region_account("not an arn"), ("", ""));
    }

    #[test]
    fn an_unrecognised_token_in_one_region_is_not_enabled_not_failed() {
        let mut feed = Feed::new(Source::default());
        feed.load.error = Some(StoreError::new(
            ErrorKind::InvalidCredentials,
            Some("UnrecognizedClientException"),
            "The security token included in the request is invalid",
        ));
        assert_eq!(feed.state(true), FeedState::NotEnabled);
        // Alone, the same answer means the credentials are wrong.
        assert!(matches!(feed.state(false), FeedState::Failed(_)));
    }
}
