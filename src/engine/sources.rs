//! From `--profile` and `--region` to the list of sources: every profile
//! in every region. Pure, so it is tested without the network; identity
//! (and so which sources are the same account) is learnt later, from STS.

/// Every region reprieve looks in for `--region all`: the commercial
/// regions, opt-in ones included (a region the account has not enabled
/// shows as "not enabled"); GovCloud and China are other partitions, with
/// other credentials. Kept in this one place; see the README for how
/// it is brought up to date.
pub const ALL_REGIONS: [&str; 34] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// What the operator asked for: a profile (or an endpoint) and a region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// For the header when there is one source: "us-east-1 · profile prod".
    pub label: String,
    /// The profile a fix should name (`aws sso login --profile X`).
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Reached through the Organization (`--org-role`).
    pub org: Option<OrgRoute>,
}

/// How an Organization's account is reached: the caller's credentials, or
/// a role in the member that the caller assumes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgRoute {
    pub account: String,
    /// From `ListAccounts`.
    pub account_name: Option<String>,
    /// The member's role; `None` for the caller's own account.
    pub role_arn: Option<String>,
    /// The role is assumed with an external id.
    pub external_id: bool,
    /// The caller's own principal ARN, from STS: the audit log names it.
    pub caller: String,
}

/// The profile the AWS SDK uses when none is named.
pub const DEFAULT_PROFILE: &str = "default";

impl Source {
    /// The member role and the caller who assumes it, for the audit log.
    pub fn route(&self) -> Option<(String, String)> {
        let org = self.org.as_ref()?;
        Some((org.role_arn.clone()?, org.caller.clone()))
    }

    /// How its calls are made: "profile prod", or "role Reader" in a member.
    pub fn via(&self) -> String {
        match self.org.as_ref().and_then(|o| o.role_arn.as_deref()) {
            Some(role) => format!("role {}", role.rsplit('/').next().unwrap_or(role)),
            None => format!("profile {}", self.profile_name()),
        }
    }

    /// The profile as the screen and the audit log name it.
    pub fn profile_name(&self) -> &str {
        self.profile.as_deref().unwrap_or(DEFAULT_PROFILE)
    }
}

/// One source before it is built: a profile (`None`: the default chain)
/// and a region (`None`: the profile's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// Every profile asked for, in every region asked for, each pair once.
/// `all` stands for every profile defined in the config files, or every
/// region of `ALL_REGIONS`. Without flags: the default profile (or
/// `AWS_PROFILE`) in its own region, as ever.
pub fn resolve(
    profiles: &[String],
    regions: &[String],
    defined: &[String],
    env_profile: Option<&str>,
) -> Vec<Wanted> {
    let profiles: Vec<Option<String>> = if profiles.is_empty() {
        vec![env_profile.filter(|p| !p.is_empty()).map(str::to_owned)]
    } else {
        expand(profiles, defined).into_iter().map(Some).collect()
    };
    let all: Vec<String> = ALL_REGIONS.iter().map(|r| (*r).to_owned()).collect();
    let regions: Vec<Option<String>> = if regions.is_empty() {
        vec![None]
    } else {
        expand(regions, &all).into_iter().map(Some).collect()
    };
    let mut out = Vec::new();
    for profile in &profiles {
        for region in &regions {
            let wanted = Wanted {
                profile: profile.clone(),
                region: region.clone(),
            };
            if !out.contains(&wanted) {
                out.push(wanted);
            }
        }
    }
    out
}

/// What to list when: the flags' names; else, when the environment names
/// none (`AWS_PROFILE`, `AWS_REGION`), the config file's. An empty answer
/// leaves it to the environment, then the built-in default. As in the AWS
/// CLI, a flag wins over the environment and the environment over a file.
pub fn below_env<'a>(flag: &'a [String], env: Option<&str>, file: &'a [String]) -> &'a [String] {
    if flag.is_empty() && env.is_none_or(str::is_empty) {
        file
    } else {
        flag
    }
}

/// The names given, `all` replaced by `every`, blanks dropped, each once.
fn expand(given: &[String], every: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in given.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let names: Vec<&str> = if name == "all" {
            every.iter().map(String::as_str).collect()
        } else {
            vec![name]
        };
        for n in names {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    fn pairs(wanted: &[Wanted]) -> Vec<(Option<&str>, Option<&str>)> {
        wanted
            .iter()
            .map(|w| (w.profile.as_deref(), w.region.as_deref()))
            .collect()
    }

    #[test]
    fn without_flags_it_is_one_source_as_ever() {
        assert_eq!(pairs(&resolve(&[], &[], &[], None)), [(None, None)]);
        let w = resolve(&[], &[], &[], Some("ops"));
        assert_eq!(pairs(&w), [(Some("ops"), None)]);
    }

    #[test]
    fn lists_and_repeats_multiply_profiles_by_regions_once_each() {
        // `--profile a,b --profile a --region us-east-1,eu-west-1 --region us-east-1`
        let w = resolve(
            &strings(&["a", "b", "a"]),
            &strings(&["us-east-1", "eu-west-1", "us-east-1"]),
            &[],
            None,
        );
        assert_eq!(
            pairs(&w),
            [
                (Some("a"), Some("us-east-1")),
                (Some("a"), Some("eu-west-1")),
                (Some("b"), Some("us-east-1")),
                (Some("b"), Some("eu-west-1")),
            ]
        );
    }

    #[test]
    fn all_means_every_defined_profile_and_every_region() {
        let defined = strings(&["dev", "prod"]);
        let w = resolve(&strings(&["all"]), &strings(&["all"]), &defined, None);
        assert_eq!(w.len(), 2 * ALL_REGIONS.len());
        assert_eq!(pairs(&w[..1]), [(Some("dev"), Some("us-east-1"))]);
        // A profile named beside `all` is not listed twice.
        let w = resolve(&strings(&["prod", "all"]), &[], &defined, None);
        assert_eq!(pairs(&w), [(Some("prod"), None), (Some("dev"), None)]);
    }

    #[test]
    fn a_flag_wins_over_the_environment_and_the_environment_over_the_file() {
        let (flag, file) = (strings(&["cli"]), strings(&["file"]));
        assert_eq!(below_env(&flag, Some("env"), &file), flag);
        assert_eq!(below_env(&flag, None, &file), flag);
        assert!(
            below_env(&[], Some("env"), &file).is_empty(),
            "the env's turn"
        );
        assert_eq!(below_env(&[], None, &file), file);
        assert_eq!(below_env(&[], Some(""), &file), file, "set but empty");
        // Through `resolve`: the environment's profile, not the file's.
        let profiles = below_env(&[], Some("env"), &file);
        let w = resolve(profiles, &[], &[], Some("env"));
        assert_eq!(pairs(&w), [(Some("env"), None)]);
    }

    #[test]
    fn the_region_list_names_each_region_once() {
        let mut seen = std::collections::HashSet::new();
        assert!(ALL_REGIONS.iter().all(|r| seen.insert(r)));
    }
}
