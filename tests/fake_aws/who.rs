//! Who called DeleteSecret, and the `userIdentity` CloudTrail writes for
//! each kind of caller.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::{ACCOUNT, hash, iso};

/// Who called DeleteSecret.
#[derive(Clone, Debug)]
pub struct Who {
    /// "IAMUser", "AssumedRole" or "Root", as in `userIdentity.type`.
    pub kind: &'static str,
    pub arn: String,
    /// What CloudTrail puts in `Username`: user name, session name or "root".
    pub short: String,
}

impl Who {
    fn new(kind: &'static str, arn: String, short: &str) -> Who {
        let short = short.to_owned();
        Who { kind, arn, short }
    }

    pub fn user(name: &str) -> Who {
        Who::new(
            "IAMUser",
            format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            name,
        )
    }

    /// An IAM Identity Center session, e.g. `sso("Admin", "alice@example.com")`.
    pub fn sso(permission_set: &str, session: &str) -> Who {
        let role = format!(
            "AWSReservedSSO_{permission_set}_{:016x}",
            hash(permission_set)
        );
        Who::role(&role, session)
    }

    pub fn role(role: &str, session: &str) -> Who {
        let arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}");
        Who::new("AssumedRole", arn, session)
    }

    pub fn root() -> Who {
        Who::new("Root", format!("arn:aws:iam::{ACCOUNT}:root"), "root")
    }

    /// `userIdentity` as CloudTrail writes it for this kind of caller.
    pub(super) fn identity(&self, at: Timestamp) -> Value {
        let id = format!("{:016X}", hash(&self.arn));
        match self.kind {
            "AssumedRole" => {
                let role = self.arn.rsplit('/').nth(1).unwrap_or_default();
                let path = if role.starts_with("AWSReservedSSO_") {
                    "aws-reserved/sso.amazonaws.com/"
                } else {
                    ""
                };
                json!({
                    "type": "AssumedRole", "principalId": format!("AROA{id}:{}", self.short),
                    "arn": self.arn, "accountId": ACCOUNT, "accessKeyId": format!("ASIA{id}"),
                    "sessionContext": {
                        "sessionIssuer": {
                            "type": "Role", "principalId": format!("AROA{id}"),
                            "arn": format!("arn:aws:iam::{ACCOUNT}:role/{path}{role}"),
                            "accountId": ACCOUNT, "userName": role
                        },
                        "attributes": {"creationDate": iso(at - SignedDuration::from_mins(20)), "mfaAuthenticated": "false"}
                    }
                })
            }
            "Root" => {
                json!({"type": "Root", "principalId": ACCOUNT, "arn": self.arn, "accountId": ACCOUNT})
            }
            kind => json!({
                "type": kind, "principalId": format!("AIDA{id}"), "arn": self.arn,
                "accountId": ACCOUNT, "accessKeyId": format!("AKIA{id}"), "userName": self.short
            }),
        }
    }
}
