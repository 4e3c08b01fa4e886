//! Dates as the operator reads them: one format everywhere.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::app::State;
use crate::purge::{Dates, Purge};

const FORMAT: &str = "%Y-%m-%d %H:%M";
/// "2026-12-06 14:03".
pub const DATE_WIDTH: u16 = 16;
/// "2026-12-06 … 12-29" for a window.
pub const PURGE_WIDTH: u16 = 18;

pub fn date(tz: &TimeZone, t: Timestamp) -> String {
    tz.to_datetime(t).strftime(FORMAT).to_string()
}

/// The zone's abbreviation (CET, PST…) at the current instant.
pub fn zone(state: &State) -> String {
    state
        .tz()
        .to_offset_info(state.now())
        .abbreviation()
        .to_owned()
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

/// The purge in full, for the confirmation: "2026-12-06 14:03 CET" or
/// "between 2026-12-06 14:03 and 2026-12-29 14:03 CET".
pub fn purge_long(state: &State, purge: Purge) -> String {
    let zone = zone(state);
    match purge {
        Purge::Exact(t) | Purge::Scheduled(t) => format!("{} {zone}", date(state.tz(), t)),
        Purge::Window { .. } => format!(
            "between {} and {} {zone}",
            date(state.tz(), purge.earliest()),
            date(state.tz(), purge.latest())
        ),
    }
}

/// Who deleted it, short: user name or role session name.
pub fn deleted_by(dates: &Dates) -> String {
    dates
        .deleted_by
        .as_ref()
        .and_then(|p| p.short.clone().or_else(|| p.arn.clone()))
        .unwrap_or_default()
}
