use std::path::PathBuf;

use clap::Parser;

/// Find AWS Secrets Manager secrets that are scheduled for deletion, and
/// restore them before their recovery window ends.
#[derive(Debug, Parser)]
#[command(name = "reprieve", version, about)]
pub struct Cli {
    /// Profiles from ~/.aws/config, comma-separated and repeatable; `all`
    /// for every profile (default: AWS_PROFILE, then "default").
    #[arg(long, value_name = "NAME[,NAME]", value_delimiter = ',', value_parser = profile_name)]
    pub profile: Vec<String>,

    /// Regions to list, comma-separated and repeatable; `all` for every
    /// region (default: AWS_REGION, then the profile's region).
    #[arg(long, value_name = "REGION[,REGION]", value_delimiter = ',', value_parser = region_name)]
    pub region: Vec<String>,

    /// Send requests to this endpoint instead of AWS (LocalStack, moto).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Use built-in sample data instead of AWS; needs no account.
    #[arg(long, conflicts_with_all = ["profile", "region", "endpoint_url"])]
    pub demo: bool,

    /// Where to append one JSON line per restore outcome (default:
    /// $XDG_STATE_HOME/reprieve/audit.jsonl, else ~/.local/state/...).
    #[arg(long, value_name = "PATH", conflicts_with = "no_audit_log")]
    pub audit_log: Option<PathBuf>,

    /// Restore without writing an audit log.
    #[arg(long)]
    pub no_audit_log: bool,

    /// Never write: restores are refused (also REPRIEVE_READ_ONLY=1).
    #[arg(long)]
    pub read_only: bool,

    /// Show dates in UTC instead of local time.
    #[arg(long)]
    pub utc: bool,

    /// Append diagnostic logs to this file (level from REPRIEVE_LOG, default info).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

/// A profile name: not empty, and nothing a terminal would act on.
fn profile_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("a profile name cannot be empty (leave out --profile for the default)".into());
    }
    if s.chars().any(char::is_control) {
        return Err("a profile name cannot hold control characters".into());
    }
    Ok(s.to_owned())
}

/// A region name as AWS writes them (`eu-west-1`, `us-gov-east-1`), or
/// `all`. Anything else would reach the SDK as a host name it cannot build.
fn region_name(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err("a region cannot be empty (leave out --region for the default)".into());
    }
    let shape = s.len() <= 32
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--");
    if !shape {
        let shown = crate::text::sanitize(s);
        return Err(format!(
            "`{shown}` is not a valid region name: regions are written like eu-west-1"
        ));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("reprieve").chain(args.iter().copied()))
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
        ] {
            let error = parse(args).expect_err(&format!("{args:?} is refused"));
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
        let error = parse(&["--region", "us_east!1"]).unwrap_err().to_string();
        assert!(error.contains("not a valid region name"), "{error}");
        let cli = parse(&[
            "--region",
            "eu-west-1,us-gov-east-1,all",
            "--profile",
            "prod",
        ])
        .unwrap();
        assert_eq!(cli.region, ["eu-west-1", "us-gov-east-1", "all"]);
        assert_eq!(cli.profile, ["prod"]);
    }
}
