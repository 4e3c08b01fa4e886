//! The audit log: for each restore, one JSON line written and synced before
//! the call leaves (`"result":"sent"`), and one line with its outcome,
//! synced before anyone hears of it: what was done, to what, by whom, and
//! what AWS answered.

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
    /// Opens the log for appending, creating it and any missing directory
    /// owner-only. An existing log that others could read is made
    /// owner-only; the second value says so.
    pub fn open(path: &Path) -> io::Result<(AuditLog, Option<String>)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(dir)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let existed = path.exists();
        let file = options.open(path)?;
        if !existed {
            sync_dir(path);
        }
        let note = tighten(&file, path)?;
        let log = AuditLog {
            file: Mutex::new(file),
            path: path.to_owned(),
        };
        Ok((log, note))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and syncs it to the disk.
    pub fn record(&self, line: &Line<'_>) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        // A writer that panicked mid-line left nothing half-done to keep.
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(text.as_bytes())?;
        file.flush()?;
        match file.sync_data() {
            // A terminal or a pipe has no disk to sync to.
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
            other => other,
        }
    }
}

/// A new file's name is on disk only once its directory is: a power cut
/// must not lose the log with its first line. Best effort: not every file
/// system lets a directory be synced.
fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Err(e) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!(dir = %dir.display(), error = %e, "directory not synced");
    }
}

/// A regular log file that group or others can read becomes owner-only.
#[cfg(unix)]
fn tighten(file: &File, path: &Path) -> io::Result<Option<String>> {
    use std::os::unix::fs::PermissionsExt;
    let meta = file.metadata()?;
    let mode = meta.permissions().mode() & 0o777;
    if !meta.is_file() || mode & 0o077 == 0 {
        return Ok(None);
    }
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(Some(format!(
        "the audit log {} was readable by others (mode {mode:o}); it is now owner-only (600)",
        path.display()
    )))
}

#[cfg(not(unix))]
fn tighten(_: &File, _: &Path) -> io::Result<Option<String>> {
    Ok(None)
}

/// One line: a restore about to be sent, or its outcome.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    /// RFC 3339, UTC.
    pub time: String,
    /// The same for a restore's "sent" line and its outcome line.
    pub id: &'a str,
    pub action: &'a str,
    pub arn: &'a str,
    pub name: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub profile: Option<&'a str>,
    /// Who made the call: the caller's principal ARN, from STS (in an
    /// Organization's member, the assumed role's session).
    pub principal: Option<&'a str>,
    /// In an Organization: the member role assumed, and the caller's own
    /// identity that assumed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<&'a str>,
    pub result: Outcome<'a>,
    pub request_id: Option<&'a str>,
    pub version: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Outcome<'a> {
    /// `"sent"`: written before the call leaves.
    Sent(&'static str),
    /// `"ok"`.
    Ok(&'static str),
    Failed {
        code: Option<&'a str>,
        message: &'a str,
    },
    /// No answer came: it may or may not have happened. `checked` is what
    /// `DescribeSecret` showed after, when it could be asked.
    Unknown {
        unknown: &'a str,
        checked: Option<&'a str>,
    },
}

impl Outcome<'_> {
    pub const SENT: Outcome<'static> = Outcome::Sent("sent");
    pub const OK: Outcome<'static> = Outcome::Ok("ok");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(result: Outcome<'a>) -> Line<'a> {
        Line {
            time: "2026-11-29T12:00:00Z".into(),
            id: "r-1",
            action: "RestoreSecret",
            arn: "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf",
            name: "db",
            region: "eu-west-1",
            account: "1",
            profile: Some("prod"),
            principal: Some("arn:aws:sts::1:assumed-role/Admin/alice"),
            role: None,
            caller: None,
            result,
            request_id: Some("r-1"),
            version: "0.1.0",
        }
    }

    #[test]
    fn lines_are_appended_flushed_and_owner_only() {
        let dir = std::env::temp_dir().join(format!("reprieve-audit-{}", std::process::id()));
        let path = dir.join("nested").join("audit.jsonl");
        let (log, note) = AuditLog::open(&path).unwrap();
        assert_eq!(note, None);
        log.record(&line(Outcome::OK)).unwrap();
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
        assert!(
            lines[0].get("role").is_none(),
            "no role outside an Organization"
        );
        let through = Line {
            role: Some("arn:aws:iam::2:role/OrganizationAccountAccessRole"),
            caller: Some("arn:aws:iam::1:user/alice"),
            ..line(Outcome::OK)
        };
        log.record(&through).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(
            last["role"],
            "arn:aws:iam::2:role/OrganizationAccountAccessRole"
        );
        assert_eq!(last["caller"], "arn:aws:iam::1:user/alice");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir), 0o700, "a directory it creates is owner-only");
            assert_eq!(mode(&dir.join("nested")), 0o700);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_log_others_can_read_is_made_owner_only_and_said() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("reprieve-audit-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("audit.jsonl");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (_log, note) = AuditLog::open(&path).unwrap();
        let note = note.expect("the change is said");
        assert!(
            note.contains("644") && note.contains("owner-only"),
            "{note}"
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_an_error_not_a_silent_loss() {
        let (log, _) = AuditLog::open(Path::new("/dev/full")).unwrap();
        let error = log.record(&line(Outcome::SENT)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::StorageFull, "{error}");
    }
}
