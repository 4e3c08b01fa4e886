use std::path::PathBuf;

use clap::Parser;

/// Find AWS Secrets Manager secrets that are scheduled for deletion, and
/// restore them before their recovery window ends.
#[derive(Debug, Parser)]
#[command(name = "reprieve", version, about)]
pub struct Cli {
    /// Profiles from ~/.aws/config, comma-separated and repeatable; `all`
    /// for every profile (default: AWS_PROFILE, then "default").
    #[arg(long, value_name = "NAME[,NAME]", value_delimiter = ',')]
    pub profile: Vec<String>,

    /// Regions to list, comma-separated and repeatable; `all` for every
    /// region (default: AWS_REGION, then the profile's region).
    #[arg(long, value_name = "REGION[,REGION]", value_delimiter = ',')]
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
