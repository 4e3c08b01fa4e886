//! The Organization's calls: the caller, its accounts, a member's role and
//! a member's enabled regions. SDK types stop here.

use aws_config::SdkConfig;
use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_account::types::RegionOptStatus;
use aws_sdk_organizations::types::{AccountState, AccountStatus};

use super::errors::classify;
use crate::store::{ErrorKind, Identity, StoreError};

/// An account as `ListAccounts` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: Option<String>,
    /// Neither suspended nor closing nor closed.
    pub active: bool,
}

/// How a member's role is assumed.
#[derive(Debug, Clone)]
pub struct Assume {
    pub role_arn: String,
    pub session_name: String,
    pub external_id: Option<String>,
}

/// STS `GetCallerIdentity` with the caller's own credentials.
pub async fn caller(base: &SdkConfig) -> Result<Identity, StoreError> {
    let out = aws_sdk_sts::Client::new(base)
        .get_caller_identity()
        .send()
        .await
        .map_err(classify)?;
    Ok(super::identity_of(out))
}

/// Organizations `ListAccounts`, every page.
pub async fn accounts(base: &SdkConfig) -> Result<Vec<OrgAccount>, StoreError> {
    let client = aws_sdk_organizations::Client::new(base);
    let mut pages = client.list_accounts().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(classify)?;
        for a in page.accounts() {
            let Some(id) = a.id() else { continue };
            // `State` replaces `Status`; either one saying not active counts.
            #[allow(deprecated)]
            let status_ok = a.status().is_none_or(|s| *s == AccountStatus::Active);
            let state_ok = a.state().is_none_or(|s| *s == AccountState::Active);
            out.push(OrgAccount {
                id: id.to_owned(),
                name: a.name().map(str::to_owned),
                active: status_ok && state_ok,
            });
        }
    }
    Ok(out)
}

/// `base` with a member's role in place of the caller's credentials, and
/// whether the role could be assumed (tried once, now, through STS
/// `GetCallerIdentity`). The member has an identity cache of its own, shared
/// by every client made from the config: it keeps the role's credentials
/// from that first call on and renews them before they expire. (One cache
/// for every member holds 64 and assumes the others again and again.)
pub async fn member(
    base: &SdkConfig,
    assume: &Assume,
) -> (SdkConfig, Result<Identity, StoreError>) {
    let mut builder = AssumeRoleProvider::builder(assume.role_arn.clone())
        .session_name(assume.session_name.clone())
        .configure(base);
    if let Some(id) = &assume.external_id {
        builder = builder.external_id(id.clone());
    }
    let provider = SharedCredentialsProvider::new(builder.build().await);
    let config = base
        .to_builder()
        .credentials_provider(provider)
        .identity_cache(IdentityCache::lazy().build())
        .build();
    let tried = caller(&config).await.map_err(|e| {
        let credentials = matches!(
            e.kind,
            ErrorKind::NoCredentials
                | ErrorKind::ExpiredCredentials
                | ErrorKind::InvalidCredentials
        );
        if credentials {
            StoreError {
                kind: ErrorKind::CannotAssumeRole,
                ..e
            }
        } else {
            e
        }
    });
    (config, tried)
}

/// Account `ListRegions`: the regions the account has enabled.
pub async fn enabled_regions(config: &SdkConfig) -> Result<Vec<String>, StoreError> {
    let client = aws_sdk_account::Client::new(config);
    let mut pages = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(classify)?;
        out.extend(
            page.regions()
                .iter()
                .filter_map(|r| r.region_name())
                .map(str::to_owned),
        );
    }
    Ok(out)
}
