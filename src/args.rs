//! The command line as clap reads it: the flags every mode shares, and the
//! subcommands. `reprieve` alone is the dashboard.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::SignedDuration;

use crate::config::{Config, profile_name, region_name};
use crate::engine::connect::{Wants, Writes};
use crate::engine::org::OrgWants;

/// How `--help` and the README say the exit codes.
pub const EXIT_CODES: &str = "\
Exit codes (list and restore):
  0  all done
  1  partial: a restore failed or is unknown, or a source could not be listed
  2  usage: bad flags, an unknown or ambiguous secret, a restore refused
     (read-only, or no --yes without a terminal)
  3  nothing reachable: no credentials, or every source failed
  141  the reader of stdout went away (`reprieve list | head -1`)";

/// Find AWS Secrets Manager secrets that are scheduled for deletion, and
/// restore them before their recovery window ends.
#[derive(Debug, Parser)]
#[command(name = "reprieve", version, about, after_help = EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags that mean the same before or after a subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Profiles from ~/.aws/config, comma-separated and repeatable; `all`
    /// for every profile (default: AWS_PROFILE, then the config file, then
    /// "default").
    #[arg(long, global = true, value_name = "NAME[,NAME]", value_delimiter = ',', value_parser = profile_name)]
    pub profile: Vec<String>,

    /// Regions to list, comma-separated and repeatable; `all` for every
    /// region (default: AWS_REGION, then the config file, then the
    /// profile's region).
    #[arg(long, global = true, value_name = "REGION[,REGION]", value_delimiter = ',', value_parser = region_name)]
    pub region: Vec<String>,

    /// Send requests to this endpoint instead of AWS (LocalStack, moto).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Every active account of the AWS Organization, through this role in
    /// each member (e.g. OrganizationAccountAccessRole). The caller is the
    /// first --profile; it must be in the management account or a
    /// delegated administrator. Its own account uses its own credentials.
    #[arg(long, global = true, value_name = "ROLE", value_parser = role_name)]
    pub org_role: Option<String>,

    /// The session name the member roles are assumed with (default:
    /// reprieve-<caller>); it is in each member's CloudTrail.
    #[arg(long, global = true, value_name = "NAME", requires = "org_role", value_parser = session_name)]
    pub org_session_name: Option<String>,

    /// The external id the member roles' trust policies ask for.
    #[arg(long, global = true, value_name = "ID", requires = "org_role")]
    pub org_external_id: Option<String>,

    /// Only these accounts of the Organization, comma-separated.
    #[arg(long, global = true, value_name = "ID[,ID]", value_delimiter = ',', requires = "org_role", value_parser = account_id)]
    pub accounts: Vec<String>,

    /// Every account of the Organization but these, comma-separated.
    #[arg(long, global = true, value_name = "ID[,ID]", value_delimiter = ',', requires = "org_role", value_parser = account_id)]
    pub exclude_accounts: Vec<String>,

    /// Use built-in sample data instead of AWS; needs no account (with
    /// --org-role, a small Organization).
    #[arg(long, global = true, conflicts_with_all = ["profile", "region", "endpoint_url"])]
    pub demo: bool,

    /// Where to append the audit log: a line before each restore leaves and
    /// one with its outcome (default: the config file's, else
    /// $XDG_STATE_HOME/reprieve/audit.jsonl, else ~/.local/state/...).
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        conflicts_with = "no_audit_log"
    )]
    pub audit_log: Option<PathBuf>,

    /// Restore without writing an audit log.
    #[arg(long, global = true)]
    pub no_audit_log: bool,

    /// Never write: restores are refused (also REPRIEVE_READ_ONLY=1, or
    /// `read_only = true` in the config file).
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Show dates in UTC instead of local time (the dashboard, and `list`'s
    /// table; JSON and CSV are always UTC); also `utc = true` in the config
    /// file.
    #[arg(long, global = true)]
    pub utc: bool,

    /// Append diagnostic logs to this file (level from REPRIEVE_LOG, default info).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Read the config file from PATH (also REPRIEVE_CONFIG; default:
    /// $XDG_CONFIG_HOME/reprieve/config.toml, else ~/.config/...).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// What the config file says; its `[defaults]` rank below the flags
    /// and the environment.
    #[arg(skip)]
    pub file: Config,
}

/// The flags over the config file's `[defaults]`; the environment comes
/// between them where it has a say (`connect` and `sources` read it).
impl Global {
    pub fn wants(&self) -> Wants {
        Wants {
            profiles: self.profile.clone(),
            regions: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            demo: self.demo,
            file_profiles: self.file.defaults.profiles.clone(),
            file_regions: self.file.defaults.regions.clone(),
            org: self.org_role.clone().map(|role| OrgWants {
                role,
                session_name: self.org_session_name.clone(),
                external_id: self.org_external_id.clone(),
                accounts: self.accounts.clone(),
                exclude_accounts: self.exclude_accounts.clone(),
            }),
        }
    }

    pub fn writes(&self) -> Writes {
        Writes {
            read_only: self.read_only,
            file_read_only: self.file.defaults.read_only,
            audit_log: self
                .audit_log
                .clone()
                .or_else(|| self.file.defaults.audit_log.clone()),
            no_audit_log: self.no_audit_log,
        }
    }

    /// `--utc`, or `utc = true` in the file.
    pub fn utc(&self) -> bool {
        self.utc || self.file.defaults.utc
    }

    /// The time zone dates are shown in.
    pub fn tz(&self) -> jiff::tz::TimeZone {
        if self.utc() {
            jiff::tz::TimeZone::UTC
        } else {
            jiff::tz::TimeZone::system()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every secret scheduled for deletion, soonest purge first.
    #[command(after_help = EXIT_CODES)]
    List(ListArgs),
    /// Restore secrets scheduled for deletion, by ARN or name.
    #[command(after_help = EXIT_CODES)]
    Restore(RestoreArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page.
    Man,
    /// Print the default config file, or where it is read from.
    Config(ConfigArgs),
}

#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct ConfigArgs {
    /// Print every setting at its default, commented; saved as it is, it
    /// changes nothing.
    #[arg(long)]
    pub default: bool,
    /// Print where the config file is read from.
    #[arg(long)]
    pub path: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// table (aligned, for people), json (one array), jsonl (one object a
    /// line) or csv (a header row, then a row a secret).
    #[arg(long, short, value_enum, default_value_t = ListFormat::Table)]
    pub output: ListFormat,

    /// Keep the names that match, as the dashboard's filter does: words
    /// starting with @ keep to a region or account.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Keep the secrets whose earliest possible purge is within this time:
    /// 90m, 48h, 7d.
    #[arg(long, value_name = "DURATION", value_parser = within)]
    pub within: Option<SignedDuration>,

    /// Do not read CloudTrail: purge dates from the listing alone (7–30-day
    /// windows on AWS), nobody named, no refused reads.
    #[arg(long)]
    pub no_cloudtrail: bool,

    /// Keep the secrets still asked for (reads refused since the deletion)
    /// or in use when deleted (read that day or the day before).
    #[arg(long)]
    pub in_use: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Jsonl,
    Csv,
}

#[derive(Debug, Clone, clap::Args)]
pub struct RestoreArgs {
    /// ARNs or names; `-` reads them one a line from stdin.
    #[arg(required = true, value_name = "SECRET")]
    pub secrets: Vec<String>,

    /// Restore without asking.
    #[arg(long, short)]
    pub yes: bool,

    /// text (a line a secret) or json (an object a line).
    #[arg(long, short, value_enum, default_value_t = RestoreFormat::Text)]
    pub output: RestoreFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RestoreFormat {
    Text,
    Json,
}

/// `90m`, `48h` or `7d`.
pub fn within(s: &str) -> Result<SignedDuration, String> {
    let s = s.trim();
    let unit = s.chars().last().filter(char::is_ascii_alphabetic);
    let number = unit.map_or(s, |_| &s[..s.len() - 1]);
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("`{s}` is not a duration: write 90m, 48h or 7d"))?;
    let minutes = match unit {
        Some('m') => n,
        Some('h') => n.saturating_mul(60),
        Some('d') => n.saturating_mul(24 * 60),
        _ => return Err(format!("`{s}` needs a unit: m, h or d (90m, 48h, 7d)")),
    };
    Ok(SignedDuration::from_mins(minutes))
}

/// A role name or path as IAM allows them (`OrganizationAccountAccessRole`,
/// `ops/Reader`).
fn role_name(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 512
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c));
    if ok {
        Ok(s.trim_matches('/').to_owned())
    } else {
        let shown = crate::text::sanitize(s);
        Err(format!(
            "`{shown}` is not a role name: IAM role names use letters, digits and +=,.@_-"
        ))
    }
}

/// A session name as STS allows them: 2 to 64 of `[\w+=,.@-]`.
fn session_name(s: &str) -> Result<String, String> {
    let ok = (2..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(s.to_owned())
    } else {
        Err("a session name is 2 to 64 letters, digits or +=,.@_-".into())
    }
}

/// A twelve-digit account id.
fn account_id(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        let shown = crate::text::sanitize(s);
        Err(format!(
            "`{shown}` is not an account id: they are twelve digits"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("reprieve").chain(args.iter().copied()))
    }

    #[test]
    fn empty_or_malformed_regions_and_profiles_are_usage_errors() {
        for args in [
            &["--region", ""][..],
            &["--region", ","],
            &["--region", "eu-west-1,"],
            &["--profile", ""],
            &["--profile", " "],
            &["--region", "us_east!1"],
            &["--region", "US-EAST-1"],
            &["--region", "\x1b[31m"],
            &["list", "--region", ""],
        ] {
            let error = parse(args).expect_err(&format!("{args:?} is refused"));
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
        let error = parse(&["--region", "us_east!1"]).unwrap_err().to_string();
        assert!(error.contains("not a valid region name"), "{error}");
        let args = parse(&[
            "--region",
            "eu-west-1,us-gov-east-1,all",
            "--profile",
            "prod",
        ])
        .unwrap();
        assert_eq!(args.global.region, ["eu-west-1", "us-gov-east-1", "all"]);
        assert_eq!(args.global.profile, ["prod"]);
    }

    #[test]
    fn shared_flags_mean_the_same_before_or_after_the_subcommand() {
        let before = parse(&["--read-only", "--region", "eu-west-1", "restore", "x"]).unwrap();
        let after = parse(&["restore", "x", "--read-only", "--region", "eu-west-1"]).unwrap();
        for args in [&before, &after] {
            assert!(args.global.read_only);
            assert_eq!(args.global.region, ["eu-west-1"]);
            assert!(matches!(&args.command, Some(Command::Restore(r)) if r.secrets == ["x"]));
        }
        assert!(
            parse(&["list", "--output", "yaml"]).is_err(),
            "an unknown format"
        );
        assert!(parse(&[]).unwrap().command.is_none(), "the dashboard");
    }

    #[test]
    fn durations_are_minutes_hours_or_days() {
        assert_eq!(within("90m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(within("48h"), Ok(SignedDuration::from_hours(48)));
        assert_eq!(within("7d"), Ok(SignedDuration::from_hours(7 * 24)));
        for bad in ["", "48", "h", "-1h", "2w", "1.5h"] {
            assert!(within(bad).is_err(), "{bad}");
        }
    }
}
