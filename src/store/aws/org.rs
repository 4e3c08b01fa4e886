//! The Organization's calls: the caller, its accounts, a member's role and
//! a member's enabled regions. SDK types stop here.

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_account::types::RegionOptStatus;
use aws_sdk_organizations::types::{AccountState, AccountStatus};

use super::errors::{chain, classify};
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
    Ok(Identity {
        account: out.account.unwrap_or_default(),
        arn: out.arn.unwrap_or_default(),
    })
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
/// whether the role could be assumed (tried once, now). The SDK's identity
/// cache, shared by every client made from the config, keeps the role's
/// credentials and renews them before they expire.
pub async fn member(base: &SdkConfig, assume: &Assume) -> (SdkConfig, Result<(), StoreError>) {
    let mut builder = AssumeRoleProvider::builder(assume.role_arn.clone())
        .session_name(assume.session_name.clone())
        .configure(base);
    if let Some(id) = &assume.external_id {
        builder = builder.external_id(id.clone());
    }
    let provider = SharedCredentialsProvider::new(builder.build().await);
    let tried = provider
        .provide_credentials()
        .await
        .map(|_| ())
        .map_err(|e| StoreError::new(ErrorKind::CannotAssumeRole, None, chain(&e)));
    let config = base.to_builder().credentials_provider(provider).build();
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
