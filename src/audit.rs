//! One JSON line per restore outcome, written and flushed before the UI
//! hears of it: what was done, to what, by whom, and what AWS answered.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

/// Where the log goes by default: `$XDG_STATE_HOME/reprieve/audit.jsonl`,
/// else `~/.local/state/reprieve/audit.jsonl`.
pub fn default_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(state.join("reprieve").join("audit.jsonl"))
}

#[derive(Debug)]
pub struct AuditLog {
    file: Mutex<File>,
    path: PathBuf,
}

impl AuditLog {
    /// Opens (creating, owner-only) the log for appending.
    pub fn open(path: &Path) -> io::Result<AuditLog> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path)?;
        Ok(AuditLog {
            file: Mutex::new(file),
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and flushes it to the file.
    pub fn record(&self, line: &Line<'_>) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        // A writer that panicked mid-line left nothing half-done to keep.
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(text.as_bytes())?;
        file.flush()?;
        file.sync_data()
    }
}

/// One restore outcome.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    /// RFC 3339, UTC.
    pub time: String,
    pub action: &'a str,
    pub arn: &'a str,
    pub name: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub profile: Option<&'a str>,
    /// Who made the call: the caller's principal ARN, from STS.
    pub principal: Option<&'a str>,
    pub result: Outcome<'a>,
    pub request_id: Option<&'a str>,
    pub version: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome<'a> {
    /// `"ok"`.
    Ok(&'static str),
    Failed {
        code: Option<&'a str>,
        message: &'a str,
    },
    /// Sent, and reprieve quit before the answer: it may or may not have
    /// happened.
    Unknown(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(result: Outcome<'a>) -> Line<'a> {
        Line {
            time: "2026-11-29T12:00:00Z".into(),
            action: "RestoreSecret",
            arn: "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf",
            name: "db",
            region: "eu-west-1",
            account: "1",
            profile: Some("prod"),
            principal: Some("arn:aws:sts::1:assumed-role/Admin/alice"),
            result,
            request_id: Some("r-1"),
            version: "0.1.0",
        }
    }

    #[test]
    fn lines_are_appended_flushed_and_owner_only() {
        let dir = std::env::temp_dir().join(format!("reprieve-audit-{}", std::process::id()));
        let path = dir.join("nested").join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        log.record(&line(Outcome::Ok("ok"))).unwrap();
        let failed = Outcome::Failed {
            code: Some("AccessDeniedException"),
            message: "no",
        };
        log.record(&line(failed)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["result"], "ok");
        assert_eq!(
            lines[0]["principal"],
            "arn:aws:sts::1:assumed-role/Admin/alice"
        );
        assert_eq!(lines[1]["result"]["code"], "AccessDeniedException");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
