//! The whole Organization (`--org-role`): every active member account,
//! each through one role the caller assumes, in every region asked for (or
//! each account's enabled ones). The caller's own account is listed with
//! its own credentials. A member whose role cannot be assumed is one
//! failing source; the others list.

use std::sync::Arc;

use aws_config::SdkConfig;
use futures_util::StreamExt;

use super::sources::{ALL_REGIONS, OrgRoute, Source};
use crate::store::aws::org::{self, Assume, OrgAccount};
use crate::store::aws::{AccountClients, AwsStore};
use crate::store::{ErrorKind, Identity, SecretStore, StoreError};

/// Members set up at once: each is an `AssumeRole` and maybe a
/// `ListRegions`, under STS's per-account quota by far.
const MEMBERS_AT_ONCE: usize = 16;

/// What `--org-role` and its flags ask for.
#[derive(Debug, Clone, Default)]
pub struct OrgWants {
    pub role: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    /// Only these accounts (ids), when given.
    pub accounts: Vec<String>,
    pub exclude_accounts: Vec<String>,
}

/// Where the caller's own calls go.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub profile: Option<String>,
    /// Organizations and STS are called here; it is also the region of a
    /// member listed in no other.
    pub region: String,
    pub endpoint_url: Option<String>,
}

/// Every source of the Organization, with its store, caller's own account
/// first, then by account name. `regions` are as `--region` gives them
/// (`all`: each account's enabled regions; none: the caller's region).
pub async fn sources(
    base: &SdkConfig,
    caller: &Caller,
    wants: &OrgWants,
    regions: &[String],
) -> Result<Vec<(Source, Arc<dyn SecretStore>)>, StoreError> {
    // Every member's clients share one HTTPS client, unless one is given.
    let shared;
    let base = if base.http_client().is_none() {
        shared = base
            .to_builder()
            .http_client(crate::store::aws::shared_https_client())
            .build();
        &shared
    } else {
        base
    };
    let me = org::caller(base).await?;
    let listed = org::accounts(base).await.map_err(|e| not_in_org(e, &me))?;
    let members = members(listed, wants, &me.account);
    if members.is_empty() {
        let message = "no active account of the Organization is left once \
                       --accounts and --exclude-accounts are applied";
        return Err(StoreError::new(ErrorKind::InvalidRequest, None, message));
    }
    let session = wants
        .session_name
        .clone()
        .unwrap_or_else(|| session_name(&me.arn));
    let per_member = futures_util::stream::iter(members)
        .map(|account| member_sources(base, caller, wants, regions, &me, &session, account))
        .buffered(MEMBERS_AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    Ok(per_member.into_iter().flatten().collect())
}

/// One member's sources: one per region, or one failing source when its
/// role cannot be assumed.
async fn member_sources(
    base: &SdkConfig,
    caller: &Caller,
    wants: &OrgWants,
    regions: &[String],
    me: &Identity,
    session: &str,
    account: OrgAccount,
) -> Vec<(Source, Arc<dyn SecretStore>)> {
    let own = account.id == me.account;
    let role_arn = (!own).then(|| role_arn(&me.arn, &account.id, &wants.role));
    let (config, assumed) = match &role_arn {
        None => (base.clone(), Ok(me.clone())),
        Some(role_arn) => {
            let assume = Assume {
                role_arn: role_arn.clone(),
                session_name: session.to_owned(),
                external_id: wants.external_id.clone(),
            };
            org::member(base, &assume).await
        }
    };
    let identity = assumed.as_ref().ok().cloned();
    let in_regions = match assumed {
        Ok(_) => {
            let enabled = if regions.iter().any(|r| r == "all") {
                org::enabled_regions(&config).await.ok()
            } else {
                None
            };
            regions_for(regions, enabled, &caller.region)
        }
        Err(error) => {
            tracing::warn!(account = %account.id, %error, "role not assumed");
            vec![caller.region.clone()]
        }
    };
    let route = OrgRoute {
        account: account.id.clone(),
        account_name: account.name.clone(),
        role_arn,
        external_id: wants.external_id.is_some(),
        caller: me.arn.clone(),
    };
    let clients = AccountClients::new(&config, identity.is_some());
    in_regions
        .into_iter()
        .map(|region| {
            let mut store = match &clients {
                Ok(clients) => AwsStore::in_region(clients, &region),
                Err(_) => AwsStore::from_config(
                    &config
                        .to_builder()
                        .region(aws_config::Region::new(region.clone()))
                        .build(),
                ),
            };
            if route.role_arn.is_some() {
                store = store.through_role();
            }
            if let Some(identity) = &identity {
                store = store.known_as(identity.clone());
            }
            let source = Source {
                label: label(&region, &route, caller),
                profile: caller.profile.clone(),
                region: Some(region),
                endpoint_url: caller.endpoint_url.clone(),
                org: Some(route.clone()),
            };
            (source, Arc::new(store) as Arc<dyn SecretStore>)
        })
        .collect()
}

fn label(region: &str, route: &OrgRoute, caller: &Caller) -> String {
    let name = route.account_name.as_deref().unwrap_or("account");
    let how = match &route.role_arn {
        Some(role) => format!("role {}", role.rsplit('/').next().unwrap_or(role)),
        None => format!(
            "profile {}",
            caller
                .profile
                .as_deref()
                .unwrap_or(super::sources::DEFAULT_PROFILE)
        ),
    };
    let mut label = format!("{region} · {name} {} · {how}", route.account);
    if let Some(url) = &caller.endpoint_url {
        label.push_str(&format!(" · {url}"));
    }
    label
}

/// `ListAccounts` refused: say what that means.
fn not_in_org(error: StoreError, me: &Identity) -> StoreError {
    let code = error.code.as_deref().unwrap_or_default();
    let message = if error.kind == ErrorKind::AccessDenied || code == "AccessDeniedException" {
        format!(
            "organizations:ListAccounts was denied to {}: --org-role works from the \
             Organization's management account or a delegated administrator account, \
             with organizations:ListAccounts allowed ({})",
            me.arn, error.message
        )
    } else if code == "AWSOrganizationsNotInUseException" {
        format!("account {} is not in an AWS Organization", me.account)
    } else {
        format!("organizations:ListAccounts failed: {}", error.message)
    };
    StoreError { message, ..error }
}

/// The accounts to list: active ones, narrowed by `--accounts` and
/// `--exclude-accounts`; the caller's own first, then by name.
pub fn members(listed: Vec<OrgAccount>, wants: &OrgWants, own: &str) -> Vec<OrgAccount> {
    let mut out: Vec<OrgAccount> = Vec::new();
    for a in listed {
        let wanted = wants.accounts.is_empty() || wants.accounts.contains(&a.id);
        if a.active
            && wanted
            && !wants.exclude_accounts.contains(&a.id)
            && !out.iter().any(|o| o.id == a.id)
        {
            out.push(a);
        }
    }
    out.sort_by(|a, b| (a.id != own, &a.name, &a.id).cmp(&(b.id != own, &b.name, &b.id)));
    out
}

/// `reprieve-<who>`: the last part of the caller's ARN (its user or session
/// name), in the characters STS allows, at most 64 of them.
pub fn session_name(caller_arn: &str) -> String {
    let who = caller_arn.rsplit(['/', ':']).next().unwrap_or_default();
    let allowed = |c: &char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c);
    let mut name: String = format!("reprieve-{who}").chars().filter(allowed).collect();
    name.truncate(64);
    name
}

/// The member role's ARN, in the caller's partition.
pub fn role_arn(caller_arn: &str, account: &str, role: &str) -> String {
    let partition = caller_arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    let role = role.trim_start_matches('/');
    format!("arn:{partition}:iam::{account}:role/{role}")
}

/// The regions of one member: as asked, `all` standing for its enabled
/// regions (when `ListRegions` answered) or every region; none asked: the
/// caller's region.
pub fn regions_for(asked: &[String], enabled: Option<Vec<String>>, home: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |r: &str| {
        if !out.iter().any(|o| o == r) {
            out.push(r.to_owned());
        }
    };
    for r in asked.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        if r != "all" {
            add(r);
            continue;
        }
        match &enabled {
            // In the usual order, not the API's.
            Some(enabled) => {
                for known in ALL_REGIONS
                    .iter()
                    .filter(|k| enabled.iter().any(|e| e == *k))
                {
                    add(known);
                }
                enabled.iter().for_each(|e| add(e));
            }
            None => ALL_REGIONS.iter().for_each(|k| add(k)),
        }
    }
    if out.is_empty() {
        out.push(home.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, name: &str, active: bool) -> OrgAccount {
        OrgAccount {
            id: id.into(),
            name: Some(name.into()),
            active,
        }
    }

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn only_active_accounts_narrowed_as_asked_own_first() {
        let listed = vec![
            account("3", "zeta", true),
            account("2", "closed", false),
            account("1", "mgmt", true),
            account("4", "alpha", true),
        ];
        let ids = |m: Vec<OrgAccount>| m.into_iter().map(|a| a.id).collect::<Vec<_>>();
        let all = OrgWants::default();
        assert_eq!(ids(members(listed.clone(), &all, "1")), ["1", "4", "3"]);
        let only = OrgWants {
            accounts: strings(&["3", "2"]),
            ..OrgWants::default()
        };
        assert_eq!(
            ids(members(listed.clone(), &only, "1")),
            ["3"],
            "2 is closed"
        );
        let except = OrgWants {
            exclude_accounts: strings(&["1"]),
            ..OrgWants::default()
        };
        assert_eq!(ids(members(listed, &except, "1")), ["4", "3"]);
    }

    #[test]
    fn list_accounts_refused_says_where_the_caller_must_be() {
        let me = Identity {
            account: "444455556666".into(),
            arn: "arn:aws:iam::444455556666:user/alice".into(),
        };
        let denied = StoreError::new(
            ErrorKind::AccessDenied,
            Some("AccessDeniedException"),
            "You don't have permissions to access this resource.",
        );
        let said = not_in_org(denied, &me).message;
        assert!(
            said.contains("management account or a delegated administrator"),
            "{said}"
        );
        assert!(
            said.contains("arn:aws:iam::444455556666:user/alice"),
            "{said}"
        );
        let alone = StoreError::new(
            ErrorKind::Service,
            Some("AWSOrganizationsNotInUseException"),
            "Your account is not a member of an organization.",
        );
        let said = not_in_org(alone, &me).message;
        assert_eq!(said, "account 444455556666 is not in an AWS Organization");
    }

    #[test]
    fn the_session_is_named_after_the_caller_within_sts_rules() {
        let arn =
            "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0a1b/alice@example.com";
        assert_eq!(session_name(arn), "reprieve-alice@example.com");
        assert_eq!(
            session_name("arn:aws:iam::1:user/bob smith!"),
            "reprieve-bobsmith"
        );
        assert_eq!(
            session_name(&format!("arn:aws:iam::1:user/{}", "x".repeat(90))).len(),
            64
        );
    }

    #[test]
    fn the_role_is_in_the_member_and_the_callers_partition() {
        assert_eq!(
            role_arn(
                "arn:aws:iam::1:user/a",
                "444455556666",
                "OrganizationAccountAccessRole"
            ),
            "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole"
        );
        assert_eq!(
            role_arn("arn:aws-us-gov:iam::1:user/a", "2", "ops/Reader"),
            "arn:aws-us-gov:iam::2:role/ops/Reader"
        );
    }

    #[test]
    fn all_is_the_enabled_regions_or_every_region() {
        let enabled = Some(strings(&["eu-west-1", "us-east-1", "xx-new-1"]));
        assert_eq!(
            regions_for(&strings(&["all"]), enabled, "us-east-1"),
            ["us-east-1", "eu-west-1", "xx-new-1"]
        );
        assert_eq!(
            regions_for(&strings(&["all"]), None, "x").len(),
            ALL_REGIONS.len()
        );
        assert_eq!(regions_for(&[], None, "eu-north-1"), ["eu-north-1"]);
        assert_eq!(
            regions_for(
                &strings(&["eu-west-1", "us-east-1", "eu-west-1"]),
                None,
                "x"
            ),
            ["eu-west-1", "us-east-1"]
        );
    }
}
