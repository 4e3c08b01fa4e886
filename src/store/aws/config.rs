//! Building the SDK's config and clients: the settings reprieve pins
//! (retries, timeouts, one HTTPS client to share), and the profiles the
//! config files define.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_sdk_secretsmanager::Client;
use aws_types::os_shim_internal::{Env, Fs};

use super::{AwsOptions, Clients, behavior_version};
use crate::store::{ErrorKind, StoreError};

pub(super) fn client_for(config: &aws_config::SdkConfig, sts: bool) -> Result<Clients, StoreError> {
    match config.region() {
        Some(_) => Ok(Clients {
            secrets: Client::new(config),
            trail: aws_sdk_cloudtrail::Client::new(config),
            sts: sts.then(|| aws_sdk_sts::Client::new(config)),
        }),
        None => Err(StoreError::new(
            ErrorKind::NoRegion,
            None,
            "No AWS region is configured for this profile or environment.",
        )),
    }
}

/// Every profile in the config and credentials files, sorted, for
/// `--profile all`.
pub async fn defined_profiles() -> Vec<String> {
    let (fs, env) = (Fs::real(), Env::real());
    let Ok(profiles) = aws_config::profile::load(&fs, &env, &EnvConfigFiles::default(), None).await
    else {
        return Vec::new();
    };
    let mut names: Vec<String> = profiles.profiles().map(str::to_owned).collect();
    names.sort_unstable();
    names
}

/// A misspelt profile otherwise surfaces as a baffling missing-region or
/// missing-credentials error.
pub(super) async fn check_profile(name: &str) -> Result<(), StoreError> {
    let (fs, env) = (Fs::real(), Env::real());
    let profiles = aws_config::profile::load(&fs, &env, &EnvConfigFiles::default(), None).await;
    let Ok(profiles) = profiles else {
        // Unreadable files are reported by the credential chain itself.
        return Ok(());
    };
    if profiles.get_profile(name).is_some() {
        return Ok(());
    }
    let mut known: Vec<&str> = profiles.profiles().collect();
    known.sort_unstable();
    let known = if known.is_empty() {
        "no profiles are defined".to_owned()
    } else {
        format!("defined: {}", known.join(", "))
    };
    Err(StoreError::new(
        ErrorKind::UnknownProfile,
        None,
        format!("profile `{name}` is not in ~/.aws/config or ~/.aws/credentials ({known})"),
    ))
}

/// An HTTPS client to share between many stores: one TLS set-up and one
/// pool of connections, which are per host, not per credentials. Without
/// it every SDK client holds a pool of its own: an Organization's 1,700
/// sources kept thousands of connections open, past the open-files limit.
/// Its pool belongs to the runtime that first uses it.
pub fn shared_https_client() -> aws_sdk_secretsmanager::config::SharedHttpClient {
    use aws_smithy_http_client::{Builder, tls};
    Builder::new()
        .pool_max_idle_per_host(64)
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https()
}

pub async fn load_config(options: &AwsOptions) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(behavior_version())
        .retry_config(RetryConfig::standard().with_max_attempts(4))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                // A page of 100 entries comes back in well under a second;
                // a hung endpoint should not hold the screen for minutes.
                .operation_attempt_timeout(Duration::from_secs(10))
                .operation_timeout(Duration::from_secs(30))
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &options.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}
