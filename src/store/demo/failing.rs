//! A demo source whose every call fails: a region not enabled, or an
//! expired SSO session.

use std::time::Duration;

use crate::store::{
    Arn, Described, EventPage, EventQuery, Identity, Page, ReadPage, Receipt, SecretStore,
    StoreError, StoreFuture,
};

/// A source whose every call fails the same way, after the usual latency:
/// a region not enabled, or credentials the SDK cannot refresh.
pub(super) struct FailingStore {
    /// What Secrets Manager and CloudTrail answer.
    pub(super) error: StoreError,
    /// What STS answers.
    pub(super) identity_error: StoreError,
    pub(super) latency: Duration,
}

impl FailingStore {
    fn fail<T>(&self, error: &StoreError) -> StoreFuture<'_, T> {
        let error = error.clone();
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            Err(error)
        })
    }
}

impl SecretStore for FailingStore {
    fn list_page(&self, _: Option<String>) -> StoreFuture<'_, Page> {
        self.fail(&self.error)
    }

    fn restore(&self, _: Arn) -> StoreFuture<'_, Receipt> {
        self.fail(&self.error)
    }

    fn describe(&self, _: Arn) -> StoreFuture<'_, Described> {
        self.fail(&self.error)
    }

    fn identity(&self) -> StoreFuture<'_, Identity> {
        self.fail(&self.identity_error)
    }

    fn deletion_events(&self, _: EventQuery) -> StoreFuture<'_, EventPage> {
        self.fail(&self.error)
    }

    fn failed_reads(&self, _: EventQuery) -> StoreFuture<'_, ReadPage> {
        self.fail(&self.error)
    }
}
