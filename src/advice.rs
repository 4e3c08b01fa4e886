//! What a failure means and what the operator can do about it.

use crate::engine::sources::Source;
use crate::store::{ErrorKind, StoreError};

pub fn headline(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NoRegion => "No AWS region is set",
        ErrorKind::UnknownProfile => "The AWS profile does not exist",
        ErrorKind::NoCredentials => "No AWS credentials were found",
        ErrorKind::ExpiredCredentials => "The AWS credentials have expired",
        ErrorKind::InvalidCredentials => "AWS did not accept the credentials",
        ErrorKind::AccessDenied => "Access denied",
        ErrorKind::CannotAssumeRole => "The member account's role could not be assumed",
        ErrorKind::Unreachable => "The Secrets Manager endpoint could not be reached",
        ErrorKind::Throttled => "Secrets Manager is throttling requests",
        ErrorKind::NotFound => "The secret no longer exists",
        ErrorKind::InvalidRequest => "Secrets Manager rejected the request",
        ErrorKind::Service | ErrorKind::Other => "Secrets Manager returned an error",
        ErrorKind::ReadOnly => "reprieve is read-only",
        ErrorKind::NotSent => "reprieve did not send it",
    }
}

/// The next step, naming the profile and endpoint in use, for the
/// dashboard (where `R` tries again).
pub fn fix(error: &StoreError, source: &Source) -> String {
    dashboard_fix(error, source)
}

/// The same step for the command line, which is run again instead.
pub fn fix_for_command_line(error: &StoreError, source: &Source) -> String {
    dashboard_fix(error, source)
        .replace("then press R", "then run it again")
        .replace("Then press R", "Then run it again")
}

fn dashboard_fix(error: &StoreError, source: &Source) -> String {
    let profile = source.profile_name();
    match error.kind {
        ErrorKind::NoRegion => "Start reprieve again with --region REGION, or set AWS_REGION, \
             or add `region = ...` to the profile in ~/.aws/config."
            .to_owned(),
        ErrorKind::UnknownProfile => "Start reprieve again with --profile set to one of the \
             defined profiles (`aws configure list-profiles` lists them)."
            .to_owned(),
        ErrorKind::NoCredentials => format!(
            "Run `aws sso login --profile {profile}` for an SSO profile, or add keys for \
             profile {profile} to ~/.aws/credentials, then press R. Or start again with \
             --profile NAME, or with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set."
        ),
        ErrorKind::ExpiredCredentials => format!(
            "Run `aws sso login --profile {profile}` (or refresh the credentials \
             of profile {profile}), then press R."
        ),
        ErrorKind::InvalidCredentials => match &source.endpoint_url {
            Some(url) => format!("Check the credentials accepted by {url}, then press R."),
            None => format!(
                "Check the access key of profile {profile} (or AWS_ACCESS_KEY_ID), or \
                 pass --profile NAME. Then press R."
            ),
        },
        ErrorKind::AccessDenied => "Your identity needs secretsmanager:ListSecrets to list \
             and secretsmanager:RestoreSecret to restore (see the README's IAM policy). \
             Or pick another role with --profile NAME."
            .to_owned(),
        ErrorKind::CannotAssumeRole => assume_fix(error, source),
        ErrorKind::Unreachable => match &source.endpoint_url {
            Some(url) => format!("Check that {url} is up and reachable, then press R."),
            None => "Check the network connection and --region, then press R.".to_owned(),
        },
        ErrorKind::Throttled => "Wait a few seconds, then press R.".to_owned(),
        _ => "Press R to try again.".to_owned(),
    }
}

/// Which role, in which account, must trust whom.
fn assume_fix(error: &StoreError, source: &Source) -> String {
    let Some(route) = &source.org else {
        return "Check the role to assume, then press R.".to_owned();
    };
    if error.message.to_ascii_lowercase().contains("expired") {
        let profile = source.profile_name();
        return format!(
            "The caller's own credentials have expired: run `aws sso login --profile \
             {profile}` (or refresh them), then press R."
        );
    }
    let role = route.role_arn.as_deref().unwrap_or("the member role");
    let caller_account = route
        .caller
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .unwrap_or("the caller's account");
    let external = if route.external_id {
        ", with the same sts:ExternalId condition"
    } else {
        ""
    };
    format!(
        "Create {role} in account {} (or fix its name with --org-role), with a trust \
         policy that lets arn:aws:iam::{caller_account}:root call sts:AssumeRole{external}; \
         and let {} call sts:AssumeRole on it. Then press R.",
        route.account, route.caller
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(profile: Option<&str>, endpoint: Option<&str>) -> Source {
        Source {
            profile: profile.map(str::to_owned),
            endpoint_url: endpoint.map(str::to_owned),
            ..Source::default()
        }
    }

    #[test]
    fn expired_credentials_name_the_sso_login_for_the_profile() {
        let e = StoreError::new(ErrorKind::ExpiredCredentials, None, "token expired");
        let fix = fix(&e, &ctx(Some("prod-admin"), None));
        assert!(fix.contains("aws sso login --profile prod-admin"), "{fix}");
    }

    #[test]
    fn unreachable_endpoint_names_the_endpoint() {
        let e = StoreError::new(ErrorKind::Unreachable, None, "connection refused");
        let fix = fix(&e, &ctx(None, Some("http://127.0.0.1:4566")));
        assert!(fix.contains("http://127.0.0.1:4566"), "{fix}");
    }

    #[test]
    fn missing_region_says_how_to_set_one() {
        let e = StoreError::new(ErrorKind::NoRegion, None, "no region");
        assert!(fix(&e, &ctx(None, None)).contains("--region"));
    }
}
