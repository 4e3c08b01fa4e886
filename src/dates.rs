//! Dates as the operator reads them, one format everywhere: the dashboard
//! and the command line's table.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::purge::{Dates, Purge};

const FORMAT: &str = "%Y-%m-%d %H:%M";
/// "2026-12-06 14:03".
pub const DATE_WIDTH: u16 = 16;
/// "2026-12-06 … 12-29" for a window.
pub const PURGE_WIDTH: u16 = 18;

pub fn date(tz: &TimeZone, t: Timestamp) -> String {
    tz.to_datetime(t).strftime(FORMAT).to_string()
}

/// An exact date, or a window as its first day and last day.
pub fn purge_cell(tz: &TimeZone, purge: Purge) -> String {
    match purge {
        Purge::Exact(t) | Purge::Scheduled(t) => date(tz, t),
        Purge::Window { .. } => {
            let from = tz.to_datetime(purge.earliest());
            let to = tz.to_datetime(purge.latest());
            let to = if from.year() == to.year() {
                to.strftime("%m-%d").to_string()
            } else {
                to.strftime("%Y-%m-%d").to_string()
            };
            format!("{} … {to}", from.strftime("%Y-%m-%d"))
        }
    }
}

/// The zone's abbreviation (CET, PST…) at `now`.
pub fn zone_at(tz: &TimeZone, now: Timestamp) -> String {
    tz.to_offset_info(now).abbreviation().to_owned()
}

/// Who deleted it, short: user name or role session name.
pub fn deleted_by(dates: &Dates) -> String {
    dates
        .deleted_by
        .as_ref()
        .and_then(|p| p.short.clone().or_else(|| p.arn.clone()))
        .unwrap_or_default()
}
