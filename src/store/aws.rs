//! `SecretStore` over the AWS SDK. SDK types stop here.

mod config;
mod errors;
pub mod org;

use config::{check_profile, client_for};
pub use config::{defined_profiles, load_config, shared_https_client};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::operation::RequestId;
use aws_sdk_secretsmanager::types::SecretListEntry;
use errors::classify;
use jiff::Timestamp;
use tokio::sync::Mutex;

use super::cloudtrail::{self, Read, parse_failed_read, read_event};
use super::{
    Arn, Described, Details, ErrorKind, EventPage, EventQuery, Identity, Page, PendingSecret,
    ReadPage, Receipt, SecretStore, StoreError, StoreFuture,
};

/// The SDK defaults reprieve was tested with, pinned so an SDK upgrade
/// cannot change retries or timeouts unseen.
pub fn behavior_version() -> BehaviorVersion {
    BehaviorVersion::v2026_01_12()
}

/// Largest page `ListSecrets` accepts.
pub const PAGE_SIZE: i32 = 100;
/// Largest page `LookupEvents` accepts.
pub const EVENT_PAGE_SIZE: i32 = 50;

/// Where to connect, as given on the command line. `None` defers to the
/// standard AWS environment variables and config files.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

enum Settings {
    Options(AwsOptions),
    Loaded(Box<aws_config::SdkConfig>),
    /// An account's clients, shared by its sources in every region.
    Shared(Clients),
}

/// One account's clients, for all its regions: an Organization's 1,700
/// sources hold a hundred pairs of clients, not thousands (each costs
/// tens of kilobytes). A store gives each call its own region.
#[derive(Clone)]
pub struct AccountClients(Clients);

impl AccountClients {
    /// `identity_known`: no STS client is needed.
    pub fn new(config: &aws_config::SdkConfig, identity_known: bool) -> Result<Self, StoreError> {
        client_for(config, !identity_known).map(AccountClients)
    }
}

pub struct AwsStore {
    settings: Settings,
    // Loading the config can touch the network (IMDS, SSO), so it happens on
    // the first call, inside a spawned task, never before the UI is up.
    // Only a working client is kept. A failure that better settings could
    // fix (profile, region, credentials files, SSO login) drops it, so `R`
    // reads them again.
    client: Mutex<Option<Clients>>,
    /// The credentials are a role assumed in a member account: a failure
    /// to get them is that role's.
    through_role: bool,
    /// Who the credentials are, when STS has said so already (an
    /// Organization's member): no STS client is kept, nor asked again.
    identity: Option<Identity>,
    /// Every call goes to this region (over shared clients' own).
    region: Option<aws_config::Region>,
}

/// Both services, built from one config: same credentials, region and endpoint.
#[derive(Clone)]
struct Clients {
    secrets: Client,
    trail: aws_sdk_cloudtrail::Client,
    /// None when the identity is known already.
    sts: Option<aws_sdk_sts::Client>,
}

impl AwsStore {
    pub fn new(options: AwsOptions) -> Self {
        AwsStore {
            settings: Settings::Options(options),
            client: Mutex::new(None),
            through_role: false,
            identity: None,
            region: None,
        }
    }

    /// A store over an already loaded config (tests use this).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        AwsStore {
            settings: Settings::Loaded(Box::new(config.clone())),
            client: Mutex::new(None),
            through_role: false,
            identity: None,
            region: None,
        }
    }

    /// A store over an account's shared clients, in `region`.
    pub fn in_region(clients: &AccountClients, region: &str) -> Self {
        AwsStore {
            settings: Settings::Shared(clients.0.clone()),
            client: Mutex::new(None),
            through_role: false,
            identity: None,
            region: Some(aws_config::Region::new(region.to_owned())),
        }
    }

    /// Each call's own settings: its region, when the clients are shared.
    fn secrets_config(&self) -> aws_sdk_secretsmanager::config::Builder {
        let mut b = aws_sdk_secretsmanager::config::Builder::default();
        b.set_region(self.region.clone());
        b
    }

    fn trail_config(&self) -> aws_sdk_cloudtrail::config::Builder {
        let mut b = aws_sdk_cloudtrail::config::Builder::default();
        b.set_region(self.region.clone());
        b
    }

    fn sts_config(&self) -> aws_sdk_sts::config::Builder {
        let mut b = aws_sdk_sts::config::Builder::default();
        b.set_region(self.region.clone());
        b
    }

    /// Its credentials are `identity`, as STS named them.
    pub fn known_as(self, identity: Identity) -> Self {
        AwsStore {
            identity: Some(identity),
            ..self
        }
    }

    /// Its credentials come from a member account's role.
    pub fn through_role(self) -> Self {
        AwsStore {
            through_role: true,
            ..self
        }
    }

    async fn client(&self) -> Result<Clients, StoreError> {
        let mut slot = self.client.lock().await;
        if let Some(client) = &*slot {
            return Ok(client.clone());
        }
        let client = match &self.settings {
            Settings::Options(options) => {
                if let Some(profile) = &options.profile {
                    check_profile(profile).await?;
                }
                client_for(&load_config(options).await, true)?
            }
            Settings::Loaded(config) => client_for(config, self.identity.is_none())?,
            Settings::Shared(clients) => clients.clone(),
        };
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Passes a result through, dropping the client after a failure that
    /// fresh settings could fix.
    async fn settle<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        let credentials = [
            ErrorKind::NoCredentials,
            ErrorKind::ExpiredCredentials,
            ErrorKind::InvalidCredentials,
        ];
        let result = result.map_err(|e| {
            // The role's credentials come from STS `AssumeRole`: it refused.
            if self.through_role && credentials.contains(&e.kind) {
                StoreError {
                    kind: ErrorKind::CannotAssumeRole,
                    ..e
                }
            } else {
                e
            }
        });
        if let Err(error) = &result
            && matches!(
                error.kind,
                ErrorKind::NoCredentials
                    | ErrorKind::ExpiredCredentials
                    | ErrorKind::InvalidCredentials
                    | ErrorKind::NoRegion
                    | ErrorKind::UnknownProfile
            )
        {
            *self.client.lock().await = None;
        }
        result
    }

    async fn fetch_page(&self, token: Option<String>) -> Result<Page, StoreError> {
        let client = self.client().await?.secrets;
        let out = client
            .list_secrets()
            .include_planned_deletion(true)
            .max_results(PAGE_SIZE)
            .set_next_token(token)
            .customize()
            .config_override(self.secrets_config())
            .send()
            .await
            .map_err(classify)?;
        let entries = out.secret_list();
        Ok(Page {
            pending: entries.iter().filter_map(pending_from_entry).collect(),
            scanned: entries.len(),
            // An empty token would loop forever on the same page.
            owners: entries
                .iter()
                .filter(|e| e.deleted_date().is_some())
                .filter_map(|e| Some((Arn::new(e.arn()?), e.owning_service()?.to_owned())))
                .collect(),
            next_token: out.next_token.clone().filter(|t| !t.is_empty()),
        })
    }

    async fn restore_one(&self, arn: Arn) -> Result<Receipt, StoreError> {
        let client = self.client().await?.secrets;
        // Sent once: the SDK would repeat a call that timed out, and the
        // first may have restored it already. The queue retries throttling,
        // which is an answer.
        let once = self.secrets_config().retry_config(RetryConfig::disabled());
        let out = client
            .restore_secret()
            .secret_id(arn.as_str())
            .customize()
            .config_override(once)
            .send()
            .await
            .map_err(classify)?;
        Ok(Receipt {
            request_id: out.request_id().map(str::to_owned),
        })
    }

    async fn describe_one(&self, arn: Arn) -> Result<Described, StoreError> {
        let client = self.client().await?.secrets;
        let out = client
            .describe_secret()
            .secret_id(arn.as_str())
            .customize()
            .config_override(self.secrets_config())
            .send()
            .await
            .map_err(classify)?;
        let time = |d: Option<&aws_sdk_secretsmanager::primitives::DateTime>| {
            d.and_then(|d| Timestamp::from_nanosecond(d.as_nanos()).ok())
        };
        let details = Details {
            kms_key_id: out.kms_key_id().map(str::to_owned),
            rotation_enabled: out.rotation_enabled(),
            rotation_days: out
                .rotation_rules()
                .and_then(|r| r.automatically_after_days()),
            last_rotated: time(out.last_rotated_date()),
            next_rotation: time(out.next_rotation_date()),
            tags: out
                .tags()
                .iter()
                .map(|t| {
                    let text = |s: Option<&str>| s.unwrap_or_default().to_owned();
                    (text(t.key()), text(t.value()))
                })
                .collect(),
            owning_service: out.owning_service().map(str::to_owned),
            primary_region: out.primary_region().map(str::to_owned),
            created: time(out.created_date()),
            last_changed: time(out.last_changed_date()),
            replication: out
                .replication_status()
                .iter()
                .map(|r| {
                    let status = r.status().map_or("", |s| s.as_str()).to_owned();
                    (r.region().unwrap_or_default().to_owned(), status)
                })
                .collect(),
        };
        Ok(Described {
            deleted_date: time(out.deleted_date()),
            details,
        })
    }

    async fn who(&self) -> Result<Identity, StoreError> {
        if let Some(known) = &self.identity {
            return Ok(known.clone());
        }
        let Some(client) = self.client().await?.sts else {
            return Err(StoreError::new(ErrorKind::Other, None, "no STS client"));
        };
        let out = client
            .get_caller_identity()
            .customize()
            .config_override(self.sts_config())
            .send()
            .await
            .map_err(classify)?;
        Ok(identity_of(out))
    }

    /// One `LookupEvents` page of the events named `name`.
    async fn events(
        &self,
        name: &str,
        query: EventQuery,
    ) -> Result<aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput, StoreError> {
        let client = self.client().await?.trail;
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventName)
            .attribute_value(name)
            .build()
            .map_err(|e| StoreError::new(ErrorKind::Other, None, e.to_string()))?;
        let time = |t: Timestamp| {
            aws_sdk_cloudtrail::primitives::DateTime::from_millis(t.as_millisecond())
        };
        client
            .lookup_events()
            .lookup_attributes(attribute)
            .start_time(time(query.start))
            .set_end_time(query.end.map(time))
            .max_results(EVENT_PAGE_SIZE)
            .set_next_token(query.token)
            .customize()
            .config_override(self.trail_config())
            .send()
            .await
            .map_err(classify)
    }

    async fn reads(&self, query: EventQuery) -> Result<ReadPage, StoreError> {
        let out = self.events(cloudtrail::READ_EVENT_NAME, query).await?;
        let mut page = ReadPage {
            next_token: out.next_token.filter(|t| !t.is_empty()),
            ..ReadPage::default()
        };
        for event in out.events.unwrap_or_default() {
            page.events += 1;
            let at = event
                .event_time
                .and_then(|t| Timestamp::from_millisecond(t.to_millis().ok()?).ok());
            page.oldest = match (page.oldest, at) {
                (Some(o), Some(a)) => Some(o.min(a)),
                (o, a) => o.or(a),
            };
            match event.cloud_trail_event.as_deref() {
                Some(json) => page.reads.extend(parse_failed_read(json)),
                None => page.unreadable += 1,
            }
        }
        Ok(page)
    }

    async fn lookup(&self, query: EventQuery) -> Result<EventPage, StoreError> {
        let out = self.events(cloudtrail::EVENT_NAME, query).await?;
        let mut page = EventPage {
            next_token: out.next_token.filter(|t| !t.is_empty()),
            ..EventPage::default()
        };
        let mut ignored = 0;
        for event in out.events.unwrap_or_default() {
            match event.cloud_trail_event.as_deref().map(read_event) {
                Some(Read::Deletion(e)) => page.events.push(e),
                Some(Read::Ignored) => ignored += 1,
                Some(Read::Unreadable) | None => page.unreadable += 1,
            }
        }
        if ignored > 0 {
            tracing::debug!(ignored, "failed DeleteSecret calls skipped");
        }
        Ok(page)
    }
}

impl SecretStore for AwsStore {
    fn list_page(&self, token: Option<String>) -> StoreFuture<'_, Page> {
        Box::pin(async move { self.settle(self.fetch_page(token).await).await })
    }

    fn restore(&self, arn: Arn) -> StoreFuture<'_, Receipt> {
        Box::pin(async move { self.settle(self.restore_one(arn).await).await })
    }

    fn describe(&self, arn: Arn) -> StoreFuture<'_, Described> {
        Box::pin(async move { self.settle(self.describe_one(arn).await).await })
    }

    fn deletion_events(&self, query: EventQuery) -> StoreFuture<'_, EventPage> {
        Box::pin(async move { self.settle(self.lookup(query).await).await })
    }

    fn failed_reads(&self, query: EventQuery) -> StoreFuture<'_, ReadPage> {
        Box::pin(async move { self.settle(self.reads(query).await).await })
    }

    fn identity(&self) -> StoreFuture<'_, Identity> {
        Box::pin(async move { self.settle(self.who().await).await })
    }
}

/// Who STS says the caller is.
fn identity_of(
    out: aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput,
) -> Identity {
    Identity {
        account: out.account.unwrap_or_default(),
        arn: out.arn.unwrap_or_default(),
    }
}

/// Keeps entries that carry `DeletedDate`; a pending entry without an ARN
/// cannot be acted on, so it is dropped too.
fn pending_from_entry(entry: &SecretListEntry) -> Option<PendingSecret> {
    let deleted = entry.deleted_date()?;
    let deleted_date = Timestamp::from_nanosecond(deleted.as_nanos()).ok()?;
    let arn = entry.arn()?;
    Some(PendingSecret {
        arn: Arn::new(arn),
        name: entry.name().unwrap_or_default().to_owned(),
        description: entry.description().map(Box::from),
        deleted_date,
        last_accessed: entry
            .last_accessed_date()
            .and_then(|d| Timestamp::from_nanosecond(d.as_nanos()).ok())
            .map(|t| jiff::tz::Offset::UTC.to_datetime(t).date()),
    })
}
