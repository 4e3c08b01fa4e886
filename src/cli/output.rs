//! `list`'s formats, all written through one buffered writer as rows come:
//! aligned columns for people, JSON, JSON lines and CSV for programs.

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::record::Record;
use crate::args::ListFormat;
use crate::dates;
use crate::engine::listing::Row;
use crate::purge::time_left;
use crate::text::{display_width, sanitize, truncate};

/// The widest a name is shown in the table; JSON and CSV carry it whole.
const NAME_WIDTH: usize = 60;

/// What the rows are written against.
pub struct At<'a> {
    /// `checked[source]`: refused reads of that source are known since then.
    pub checked: &'a [Option<Timestamp>],
    pub tz: &'a TimeZone,
    pub now: Timestamp,
    /// Accounts' names from the config file, for the table (JSON and CSV
    /// keep the ids a script joins on).
    pub names: &'a BTreeMap<String, String>,
}

pub fn write(out: &mut dyn Write, format: ListFormat, rows: &[&Row], at: &At) -> io::Result<()> {
    let since = |row: &Row| at.checked.get(row.source).copied().flatten();
    match format {
        ListFormat::Table => table(out, rows, at),
        ListFormat::Json => {
            out.write_all(b"[")?;
            for (i, row) in rows.iter().enumerate() {
                out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut *out, &Record::of(row, since(row)))?;
            }
            out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })
        }
        ListFormat::Jsonl => {
            for row in rows {
                serde_json::to_writer(&mut *out, &Record::of(row, since(row)))?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        ListFormat::Csv => {
            let mut csv = csv::Writer::from_writer(&mut *out);
            if rows.is_empty() {
                // The header alone: a reader still learns the columns.
                csv.write_record(HEADER)?;
            }
            for row in rows {
                csv.serialize(Record::of(row, since(row)))?;
            }
            csv.flush()
        }
    }
}

/// The columns, as `Record` names them.
const HEADER: [&str; 14] = [
    "name",
    "arn",
    "region",
    "account",
    "deleted_at",
    "purge_earliest",
    "purge_latest",
    "purge_from",
    "deleted_by",
    "failed_reads",
    "last_failed_read",
    "last_failed_reader",
    "last_accessed",
    "owning_service",
];

/// Aligned columns; names shown with the dashboard's stand-ins for control
/// characters, so a name can never drive the terminal.
fn table(out: &mut dyn Write, rows: &[&Row], at: &At) -> io::Result<()> {
    let (tz, now) = (at.tz, at.now);
    let zone = dates::zone_at(tz, now);
    let names: Vec<String> = rows
        .iter()
        .map(|r| truncate(&sanitize(&r.secret.name), NAME_WIDTH).into_owned())
        .collect();
    let width = |title: &str, cells: &mut dyn Iterator<Item = usize>| {
        cells.fold(display_width(title), usize::max)
    };
    let name_w = width("NAME", &mut names.iter().map(|n| display_width(n)));
    let region = |r: &Row| {
        crate::store::arn_region_account(r.secret.arn.as_str())
            .0
            .to_owned()
    };
    let account = |r: &Row| {
        let id = crate::store::arn_region_account(r.secret.arn.as_str()).1;
        at.names
            .get(id)
            .map_or_else(|| id.to_owned(), |name| sanitize(name).into_owned())
    };
    let region_w = width("REGION", &mut rows.iter().map(|r| region(r).len()));
    let account_w = width(
        "ACCOUNT",
        &mut rows.iter().map(|r| display_width(&account(r))),
    );
    let purge_title = format!("PURGE ({zone})");
    let purge_w = usize::from(dates::PURGE_WIDTH).max(purge_title.len());
    writeln!(
        out,
        "{} {:<region_w$} {:<account_w$} {:<purge_w$} {:<10} {:<5} DELETED BY",
        pad("NAME", name_w),
        "REGION",
        "ACCOUNT",
        purge_title,
        "LEFT",
        "READS",
    )?;
    for (row, name) in rows.iter().zip(&names) {
        let by = sanitize(&dates::deleted_by(&row.dates)).into_owned();
        writeln!(
            out,
            "{} {:<region_w$} {} {:<purge_w$} {:<10} {:<5} {}",
            pad(name, name_w),
            region(row),
            pad(&account(row), account_w),
            dates::purge_cell(tz, row.dates.purge),
            time_left(row.dates.purge, now),
            reads_cell(row),
            if by.is_empty() { "-" } else { &by },
        )?;
    }
    Ok(())
}

/// A count of refused reads, "used" when it was read the day it was
/// deleted, else "-".
fn reads_cell(row: &Row) -> String {
    match &row.reads {
        Some(r) => r.count.to_string(),
        None if row.secret.in_use_when_deleted() => "used".to_owned(),
        None => "-".to_owned(),
    }
}

/// `s` padded with spaces to `width` columns, wide characters counted.
fn pad(s: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(s));
    format!("{s}{}", " ".repeat(fill))
}
