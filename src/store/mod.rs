//! The seam between the app and Secrets Manager: our own types, one trait.

pub mod aws;
pub mod cloudtrail;
pub mod demo;
pub mod guard;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use jiff::Timestamp;

/// A secret's ARN: the identity every action and result is keyed by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn(Arc<str>);

impl Arn {
    pub fn new(s: impl Into<Arc<str>>) -> Self {
        Arn(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The region the ARN names: `arn:aws:secretsmanager:REGION:…`.
    pub fn region(&self) -> &str {
        arn_region_account(&self.0).0
    }

    /// The account the ARN names: `arn:aws:secretsmanager:…:ACCOUNT:…`.
    pub fn account(&self) -> &str {
        arn_region_account(&self.0).1
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An opt-in region the account has not enabled answers that the token is
/// not recognised (see AWS-NOTES): not an error to fix.
pub fn not_enabled(error: &StoreError) -> bool {
    error.kind == ErrorKind::InvalidCredentials
        && error.code.as_deref() == Some("UnrecognizedClientException")
}

/// Region and account from an ARN: `arn:aws:secretsmanager:REGION:ACCOUNT:…`.
pub fn arn_region_account(arn: &str) -> (&str, &str) {
    let mut parts = arn.splitn(6, ':').skip(3);
    let region = parts.next().unwrap_or("");
    let account = parts.next().unwrap_or("");
    (region, account)
}

/// A secret that is scheduled for deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSecret {
    pub arn: Arn,
    pub name: String,
    /// Boxed: at 100,000 rows the eight bytes a `String` keeps for growth count.
    pub description: Option<Box<str>>,
    /// The `DeletedDate` stamp exactly as Secrets Manager reported it: on AWS
    /// the moment `DeleteSecret` was called (see `purge`).
    pub deleted_date: Timestamp,
    /// `LastAccessedDate`: AWS keeps only the day.
    pub last_accessed: Option<jiff::civil::Date>,
}

impl PendingSecret {
    /// It was read on the day it was deleted or the day before: something
    /// used it up to the end.
    pub fn in_use_when_deleted(&self) -> bool {
        let Some(accessed) = self.last_accessed else {
            return false;
        };
        let deleted = jiff::tz::Offset::UTC.to_datetime(self.deleted_date).date();
        deleted
            .yesterday()
            .is_ok_and(|day_before| accessed >= day_before)
    }
}

impl PendingSecret {
    /// What messages call the secret: its name, or its ARN when it has none
    /// (every field of a listing entry is optional).
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            self.arn.as_str()
        } else {
            &self.name
        }
    }
}

/// Who made an AWS call, from a CloudTrail event's `userIdentity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Principal {
    /// `IAMUser`, `AssumedRole`, `Root`, `AWSService`, ...
    pub kind: Option<String>,
    /// The full ARN, for the confirmation and the record.
    pub arn: Option<String>,
    /// What an operator calls them: user name or role session name.
    pub short: Option<String>,
}

/// One `DeleteSecret` call as CloudTrail recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionEvent {
    pub event_time: Timestamp,
    /// `responseElements.aRN`.
    pub arn: Option<Arn>,
    /// `responseElements.name`, else `requestParameters.secretId` when that
    /// is not an ARN.
    pub name: Option<String>,
    /// `responseElements.deletionDate`: the scheduled purge, when it parsed.
    pub deletion_date: Option<Timestamp>,
    /// `requestParameters.recoveryWindowInDays`.
    pub recovery_window_days: Option<i64>,
    /// `requestParameters.forceDeleteWithoutRecovery`: nothing to restore.
    pub forced: bool,
    /// Shared: a few principals delete thousands of secrets.
    pub principal: Arc<Principal>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A `GetSecretValue` refused because its secret is scheduled for
/// deletion: something still asks for the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRead {
    pub event_time: Timestamp,
    /// CloudTrail's `eventID`: a read seen twice counts once.
    pub event_id: Option<String>,
    /// `requestParameters.secretId`: a name, a full ARN or a partial ARN.
    pub secret_id: String,
    /// Shared: a few applications make most reads.
    pub principal: Arc<Principal>,
    pub source_ip: Option<String>,
}

/// One `LookupEvents` page of `GetSecretValue` events, reduced to the
/// refused reads, with how much was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadPage {
    pub reads: Vec<FailedRead>,
    /// Every event on the page, refused or not.
    pub events: usize,
    /// The oldest event's time on the page: how far back reading has got.
    pub oldest: Option<Timestamp>,
    pub unreadable: usize,
    pub next_token: Option<String>,
}

/// Which `DeleteSecret` events to look up, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    pub start: Timestamp,
    /// `None`: up to now.
    pub end: Option<Timestamp>,
    pub token: Option<String>,
}

/// One `LookupEvents` page, reduced to the deletions it could read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventPage {
    pub events: Vec<DeletionEvent>,
    /// Events on the page whose JSON could not be read.
    pub unreadable: usize,
    pub next_token: Option<String>,
}

/// One page of `ListSecrets`, already reduced to the pending entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub pending: Vec<PendingSecret>,
    /// Every entry on the page, pending or not.
    pub scanned: usize,
    /// The pending ones a service owns (RDS, …), which may refuse changes:
    /// few, so kept beside the rows, not in each.
    pub owners: Vec<(Arn, String)>,
    pub next_token: Option<String>,
}

/// Who the credentials belong to, from STS `GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    /// The caller's principal ARN.
    pub arn: String,
}

/// What kind of failure, so the UI can say what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NoRegion,
    UnknownProfile,
    NoCredentials,
    ExpiredCredentials,
    InvalidCredentials,
    AccessDenied,
    /// A member account's role could not be assumed (an Organization).
    CannotAssumeRole,
    Unreachable,
    Throttled,
    NotFound,
    InvalidRequest,
    Service,
    /// reprieve itself refused: read-only mode.
    ReadOnly,
    /// reprieve did not send it: the audit log cannot be written, or it
    /// was quitting.
    NotSent,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub kind: ErrorKind,
    /// The AWS error code, when the service sent one.
    pub code: Option<String>,
    pub message: String,
    /// The AWS request id, when an answer came: for the audit log.
    pub request_id: Option<String>,
    /// The request may have reached the service, and no answer that can be
    /// read came back (a timeout, a dropped connection, a 5xx page): what it
    /// did is unknown, not failed.
    pub no_answer: bool,
}

impl StoreError {
    pub fn new(kind: ErrorKind, code: Option<&str>, message: impl Into<String>) -> Self {
        StoreError {
            kind,
            code: code.map(str::to_owned),
            message: message.into(),
            request_id: None,
            no_answer: false,
        }
    }

    /// What the error is called in a row or a tally: its AWS code, or what
    /// reprieve made of it.
    pub fn label(&self) -> String {
        match (&self.code, self.kind) {
            (Some(code), _) => code.clone(),
            (None, ErrorKind::NotSent) => "not sent".to_owned(),
            (None, ErrorKind::ReadOnly) => "read-only".to_owned(),
            (None, kind) => format!("{kind:?}"),
        }
    }

    /// The same error, marked as one whose request may have been acted on.
    pub fn unanswered(self) -> Self {
        StoreError {
            no_answer: true,
            ..self
        }
    }
}

/// What `DescribeSecret` says of one secret now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Described {
    /// Still scheduled for deletion: its `DeletedDate`.
    pub deleted_date: Option<Timestamp>,
    pub details: Details,
}

/// What `DescribeSecret` tells beyond the listing's few fields kept per
/// row, for the details pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// Absent: the default `aws/secretsmanager` key.
    pub kms_key_id: Option<String>,
    pub rotation_enabled: Option<bool>,
    pub rotation_days: Option<i64>,
    pub last_rotated: Option<Timestamp>,
    pub next_rotation: Option<Timestamp>,
    pub tags: Vec<(String, String)>,
    /// A service that manages it (RDS, …) and may refuse changes.
    pub owning_service: Option<String>,
    pub primary_region: Option<String>,
    pub created: Option<Timestamp>,
    pub last_changed: Option<Timestamp>,
    /// Replicas: region and status.
    pub replication: Vec<(String, String)>,
}

/// What a successful restore answered with, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Receipt {
    pub request_id: Option<String>,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for StoreError {}

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Where secrets come from: AWS, or the in-memory demo.
pub trait SecretStore: Send + Sync {
    /// One `ListSecrets` page (planned deletions included), from `token` onwards.
    fn list_page(&self, token: Option<String>) -> StoreFuture<'_, Page>;

    /// `RestoreSecret` on one ARN, sent once: a call whose answer does not
    /// come is not repeated (see `StoreError::no_answer`).
    fn restore(&self, arn: Arn) -> StoreFuture<'_, Receipt>;

    /// `DescribeSecret` on one ARN: whether it is still scheduled for
    /// deletion, to settle a restore whose answer never came.
    fn describe(&self, arn: Arn) -> StoreFuture<'_, Described>;

    /// STS `GetCallerIdentity`: the account and principal, needing no
    /// permission.
    fn identity(&self) -> StoreFuture<'_, Identity>;

    /// One page of CloudTrail `LookupEvents` for `DeleteSecret` in the
    /// listed region. The caller paces these calls (2 per second per region).
    fn deletion_events(&self, query: EventQuery) -> StoreFuture<'_, EventPage>;

    /// One page of CloudTrail `LookupEvents` for `GetSecretValue`, newest
    /// first, reduced to reads refused because the secret is scheduled for
    /// deletion. Paced by the caller with `deletion_events`.
    fn failed_reads(&self, query: EventQuery) -> StoreFuture<'_, ReadPage>;
}
