//! Read-only mode at the store: a guarded store refuses every write before
//! any call, so no caller above it (dashboard, command line) can go around
//! the gate.

use std::sync::Arc;

use super::{
    Arn, Described, ErrorKind, EventPage, EventQuery, Identity, Page, ReadPage, Receipt,
    SecretStore, StoreError, StoreFuture,
};

/// Why a write was refused in read-only mode.
pub const READ_ONLY: &str = "reprieve is read-only (--read-only, REPRIEVE_READ_ONLY=1 or read_only in the config file): \
     restores are turned off";

/// `store` itself, or, read-only, a store that reads through it and writes
/// nothing.
pub fn guard(store: Arc<dyn SecretStore>, read_only: bool) -> Arc<dyn SecretStore> {
    if read_only {
        Arc::new(ReadOnly(store))
    } else {
        store
    }
}

struct ReadOnly(Arc<dyn SecretStore>);

impl SecretStore for ReadOnly {
    fn list_page(&self, token: Option<String>) -> StoreFuture<'_, Page> {
        self.0.list_page(token)
    }

    fn restore(&self, arn: Arn) -> StoreFuture<'_, Receipt> {
        tracing::warn!(%arn, "restore refused: read-only");
        Box::pin(async { Err(StoreError::new(ErrorKind::ReadOnly, None, READ_ONLY)) })
    }

    fn describe(&self, arn: Arn) -> StoreFuture<'_, Described> {
        self.0.describe(arn)
    }

    fn identity(&self) -> StoreFuture<'_, Identity> {
        self.0.identity()
    }

    fn deletion_events(&self, query: EventQuery) -> StoreFuture<'_, EventPage> {
        self.0.deletion_events(query)
    }

    fn failed_reads(&self, query: EventQuery) -> StoreFuture<'_, ReadPage> {
        self.0.failed_reads(query)
    }
}
