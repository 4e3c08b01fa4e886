//! The demo Organization (`--demo --org-role NAME`): a management account
//! and five members, one of them without the role, and one region the
//! payments account has not enabled.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::failing::FailingStore;
use super::seed::{SEED, SEED_STAGING, SEED_US_EAST_1};
use super::{DemoSource, DemoStore};
use crate::store::{ErrorKind, SecretStore, StoreError};

/// The management account and two members, a seed each.
const SEED_ORG: &str = include_str!("../../../assets/demo-org.json");

/// Who runs the demo Organization: an SSO session in the management account.
pub const DEMO_CALLER: &str =
    "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_OrgAdmin_1f2e/alice@example.com";
const MANAGEMENT: &str = "111111111111";

/// An account of the demo Organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMember {
    pub id: String,
    pub name: String,
    /// Reached through the member role (not the management account itself).
    pub through_role: bool,
}

impl DemoStore {
    /// Every source of the demo Organization, management account first.
    pub fn organization(
        now: Timestamp,
        latency: Duration,
        role: &str,
    ) -> Result<Vec<DemoSource>, StoreError> {
        let bad = |m: String| StoreError::new(ErrorKind::Other, None, format!("demo data: {m}"));
        let seeds: Vec<serde_json::Value> =
            serde_json::from_str(SEED_ORG).map_err(|e| bad(e.to_string()))?;
        let seed = |i: usize| -> Result<DemoStore, StoreError> {
            let json = seeds.get(i).ok_or_else(|| bad(format!("no seed {i}")))?;
            DemoStore::from_seed(&json.to_string(), now, latency)
        };
        let session = |account: &str| {
            format!("arn:aws:sts::{account}:assumed-role/{role}/reprieve-alice@example.com")
        };
        let member = |id: &str, name: &str| DemoMember {
            id: id.to_owned(),
            name: name.to_owned(),
            through_role: id != MANAGEMENT,
        };
        let payments = "123456789012";
        let staging = "210987654321";
        let not_enabled = StoreError::new(
            ErrorKind::InvalidCredentials,
            Some("UnrecognizedClientException"),
            "The security token included in the request is invalid.",
        );
        let refused = StoreError::new(
            ErrorKind::CannotAssumeRole,
            Some("AccessDenied"),
            format!(
                "User: {DEMO_CALLER} is not authorized to perform: sts:AssumeRole on \
                 resource: arn:aws:iam::777788889999:role/{role}"
            ),
        );
        let stores: Vec<(DemoMember, &str, Arc<dyn SecretStore>)> = vec![
            (
                member(MANAGEMENT, "management"),
                "eu-west-1",
                Arc::new(seed(0)?),
            ),
            (
                member(payments, "payments-prod"),
                "eu-west-1",
                Arc::new(DemoStore::from_seed(SEED, now, latency)?.calling_as(session(payments))),
            ),
            (
                member(payments, "payments-prod"),
                "us-east-1",
                Arc::new(
                    DemoStore::from_seed(SEED_US_EAST_1, now, latency)?
                        .calling_as(session(payments)),
                ),
            ),
            (
                member(payments, "payments-prod"),
                "ap-south-2",
                Arc::new(FailingStore {
                    error: not_enabled.clone(),
                    identity_error: not_enabled,
                    latency,
                }),
            ),
            (
                member(staging, "payments-staging"),
                "eu-west-1",
                Arc::new(
                    DemoStore::from_seed(SEED_STAGING, now, latency)?.calling_as(session(staging)),
                ),
            ),
            (
                member("333344445555", "data-lake"),
                "eu-west-1",
                Arc::new(seed(1)?),
            ),
            (
                member("444455556666", "identity"),
                "us-east-1",
                Arc::new(seed(2)?),
            ),
            (
                member("777788889999", "sandbox-legacy"),
                "eu-west-1",
                Arc::new(FailingStore {
                    error: refused.clone(),
                    identity_error: refused,
                    latency,
                }),
            ),
        ];
        Ok(stores
            .into_iter()
            .map(|(member, region, store)| DemoSource {
                profile: "org-admin".to_owned(),
                region: region.to_owned(),
                store,
                member: Some(member),
            })
            .collect())
    }

    /// `GetCallerIdentity` names `arn`: the member role's session.
    fn calling_as(self, arn: String) -> Self {
        DemoStore {
            caller: arn,
            ..self
        }
    }
}
