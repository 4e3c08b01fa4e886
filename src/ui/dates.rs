//! Dates as the dashboard shows them: the shared formats, in the state's
//! zone.

use crate::app::State;
pub use crate::dates::{DATE_WIDTH, PURGE_WIDTH, date, deleted_by, purge_cell};
use crate::purge::Purge;

/// The zone's abbreviation (CET, PST…) at the current instant.
pub fn zone(state: &State) -> String {
    crate::dates::zone_at(state.tz(), state.now())
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
