//! The headless engine under both front ends (the dashboard and the command
//! line): sources, every call under its quota and the global cap, CloudTrail
//! dating, and the restore queue where every write passes. Nothing here
//! draws or reads a terminal.

pub mod connect;
pub mod listing;
pub mod org;
pub mod pacer;
pub mod reads;
pub mod restore;
pub mod sources;
pub mod trail;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::store::{
    ErrorKind, EventPage, EventQuery, Identity, Page, ReadPage, SecretStore, StoreError, guard,
};
use pacer::Pacer;
use restore::{Audit, Finished, Request, RestoreQueue};

/// Index of a source (one profile or endpoint in one region); results and
/// rows carry it.
pub type SourceId = usize;

/// Calls in flight at once, over every source. Quotas are per account and
/// region, and a source makes about one call at a time, so the cap is for
/// this machine: each call in flight holds a connection (a file descriptor
/// and a TLS session). Two a source, from 8 to 64, and at most a quarter of
/// the files the process may open.
pub fn calls_in_flight(sources: usize) -> usize {
    let files = open_files_allowed().map_or(usize::MAX, |n| n / 4);
    sources.saturating_mul(2).clamp(8, 64).min(files.max(1))
}

fn open_files_allowed() -> Option<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    ok.then(|| usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX))
}

/// Each source's store and its CloudTrail pacing, the global cap, and the
/// restore queue every write goes through. Cheap to clone: a task takes one.
#[derive(Clone)]
pub struct Engine {
    stores: Arc<[Arc<dyn SecretStore>]>,
    lookups: Arc<[Pacer]>,
    cap: Arc<Semaphore>,
    queue: Arc<RestoreQueue>,
    audit: Audit,
    read_only: bool,
}

impl Engine {
    /// One store per source, in source order.
    pub fn new(stores: Vec<Arc<dyn SecretStore>>) -> Self {
        let lookups = stores
            .iter()
            .map(|_| Pacer::new(pacer::LOOKUP_EVENTS))
            .collect();
        let queue = Arc::new(RestoreQueue::new(stores.clone(), Audit::Off, false));
        let cap = calls_in_flight(stores.len());
        Engine {
            stores: stores.into(),
            lookups,
            cap: Arc::new(Semaphore::new(cap)),
            queue,
            audit: Audit::Off,
            read_only: false,
        }
    }

    /// A single source.
    pub fn one(store: Arc<dyn SecretStore>) -> Self {
        Self::new(vec![store])
    }

    /// Records every restore (or, broken, refuses every restore).
    pub fn audit(self, audit: Audit) -> Self {
        Engine { audit, ..self }.requeue()
    }

    /// Every store refuses writes, whoever asks; nothing is written to the
    /// audit log either.
    pub fn read_only(self, read_only: bool) -> Self {
        let stores = self
            .stores
            .iter()
            .map(|s| guard::guard(Arc::clone(s), read_only))
            .collect();
        Engine {
            stores,
            read_only,
            ..self
        }
        .requeue()
    }

    fn requeue(self) -> Self {
        let stores = self.stores.to_vec();
        let queue = RestoreQueue::new(stores, self.audit.clone(), self.read_only);
        Engine {
            queue: Arc::new(queue),
            ..self
        }
    }

    pub fn len(&self) -> usize {
        self.stores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stores.is_empty()
    }

    /// The queue every restore goes through.
    pub fn queue(&self) -> &Arc<RestoreQueue> {
        &self.queue
    }

    fn store(&self, source: SourceId) -> Result<&Arc<dyn SecretStore>, StoreError> {
        self.stores.get(source).ok_or_else(|| {
            let message = format!("no source {source}");
            StoreError::new(ErrorKind::Other, None, message)
        })
    }

    /// STS `GetCallerIdentity` for one source.
    pub async fn identify(&self, source: SourceId) -> Result<Identity, StoreError> {
        let store = self.store(source)?;
        let _permit = self.cap.acquire().await;
        store.identity().await
    }

    /// One `ListSecrets` page of one source.
    pub async fn list_page(
        &self,
        source: SourceId,
        token: Option<String>,
    ) -> Result<Page, StoreError> {
        let store = self.store(source)?;
        let _permit = self.cap.acquire().await;
        store.list_page(token).await
    }

    /// One CloudTrail page of one source, paced under its quota.
    pub async fn lookup_deletions(
        &self,
        source: SourceId,
        query: EventQuery,
    ) -> Result<EventPage, StoreError> {
        let store = self.store(source)?;
        if let Some(pacer) = self.lookups.get(source) {
            pacer.wait().await;
        }
        let _permit = self.cap.acquire().await;
        store.deletion_events(query).await
    }

    /// One page of refused reads of one source, paced with its deletion
    /// lookups under the same quota.
    pub async fn lookup_reads(
        &self,
        source: SourceId,
        query: EventQuery,
    ) -> Result<ReadPage, StoreError> {
        let store = self.store(source)?;
        if let Some(pacer) = self.lookups.get(source) {
            pacer.wait().await;
        }
        let _permit = self.cap.acquire().await;
        store.failed_reads(query).await
    }

    /// `DescribeSecret` of one secret, under the cap.
    pub async fn describe(
        &self,
        source: SourceId,
        arn: crate::store::Arn,
    ) -> Result<crate::store::Described, StoreError> {
        let store = self.store(source)?;
        let _permit = self.cap.acquire().await;
        store.describe(arn).await
    }

    /// One restore, through the queue.
    pub async fn restore(&self, request: Request, on_sent: impl FnOnce()) -> Finished {
        self.queue.restore(request, on_sent).await
    }

    /// Stops the queue; restores already sent get `wait` to answer.
    pub async fn drain(&self, wait: Duration) -> usize {
        self.queue.drain(wait).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_grows_with_the_sources_within_bounds() {
        assert_eq!(calls_in_flight(1), 8);
        assert_eq!(calls_in_flight(10), 20);
        // 1,700 sources (100 accounts in 17 regions) and the usual 1,024 files.
        assert!(calls_in_flight(1_700) <= 64);
        assert!(calls_in_flight(1_700) >= 8.min(open_files_allowed().unwrap_or(64) / 4));
    }
}
