//! How the screen is divided, from plain facts (size, the note and status
//! texts), in plain numbers. `app` asks it how many rows the table shows,
//! to keep the selection on screen; `ui` stacks its areas from the same
//! bands. Text is wrapped here, once, so the lines measured are the lines
//! drawn.

use crate::text::{sanitize, truncate, wrap};

/// The most lines an AWS error may take in the status area.
pub const MAX_STATUS_LINES: usize = 3;
/// Why dates are estimates: a sentence, two lines at most.
pub const MAX_NOTE_LINES: usize = 2;

/// The narrowest terminal a restore confirmation is drawn on; it must also
/// be tall enough for every line of it (see `ui::confirm`).
pub const CONFIRM_MIN: (u16, u16) = (44, 16);

/// Labels in a confirmation take this many columns.
pub const LABEL_WIDTH: usize = 10;

/// The places (account and region) a bulk confirmation lists; more are
/// counted on one line.
pub const CONFIRM_MANY_PLACES: usize = 4;

/// The note and the status line, wrapped for `width`, as they are drawn.
pub struct Footer {
    pub note: Vec<String>,
    pub status: Vec<String>,
    /// The status was cut; the whole of it is a key away.
    pub status_cut: bool,
}

impl Footer {
    pub fn new(width: u16, note: Option<&str>, status: Option<&str>) -> Self {
        let note = note.map_or_else(Vec::new, |t| lines(t, width, MAX_NOTE_LINES, "").0);
        let (status, status_cut) = status.map_or_else(
            || (Vec::new(), false),
            |t| lines(t, width, MAX_STATUS_LINES, MORE),
        );
        Footer {
            note,
            status,
            status_cut,
        }
    }
}

/// Ends a cut status line: the key that shows all of it.
pub const MORE: &str = " (m: whole message)";

/// `text` wrapped under a one-column margin, at most `max` lines; a cut
/// ends in "…" and `more`.
fn lines(text: &str, width: u16, max: usize, more: &str) -> (Vec<String>, bool) {
    let width = usize::from(width).saturating_sub(1).max(1);
    let mut parts = wrap(&sanitize(text), width);
    let cut = parts.len() > max;
    if cut {
        parts.truncate(max);
        if let Some(last) = parts.last_mut() {
            let room = width.saturating_sub(more.chars().count() + 1);
            *last = format!("{}…{more}", truncate(last, room).trim_end_matches('…'));
        }
    }
    (parts.into_iter().map(|p| format!(" {p}")).collect(), cut)
}

/// Lines each band of the screen takes, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands {
    pub header: u16,
    pub filter: u16,
    /// The table or the startup error: what the other bands leave.
    pub body: u16,
    pub note: u16,
    /// One line even when empty, so the table does not jump when a
    /// message comes and goes.
    pub status: u16,
    pub hints: u16,
}

impl Bands {
    pub fn new(height: u16, footer: &Footer) -> Self {
        let count = |lines: &[String]| u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let (note, status) = (count(&footer.note), count(&footer.status).max(1));
        let fixed = [1, 1, note, status, 1]
            .into_iter()
            .fold(0u16, u16::saturating_add);
        // Too short for every band: each takes what is left, from the top.
        let mut left = height;
        let mut take = |want: u16| {
            let got = want.min(left);
            left -= got;
            got
        };
        Bands {
            header: take(1),
            filter: take(1),
            body: take(height.saturating_sub(fixed)),
            note: take(note),
            status: take(status),
            hints: take(1),
        }
    }
}

/// How many secrets the table shows: the body less its column titles. The
/// footer is already wrapped for the width, so only the height counts.
pub fn table_rows(_width: u16, height: u16, footer: &Footer) -> usize {
    usize::from(Bands::new(height, footer).body.saturating_sub(1))
}

/// The sources pane is at most this wide, borders included.
pub const SOURCES_MAX_WIDTH: u16 = 110;

/// The sources pane on a `width` x `height` screen: its box's width, the
/// columns its text takes, and how many of its lines show at once. Borders,
/// the column titles, a blank line and two lines of keys take six rows.
pub fn sources_pane(width: u16, height: u16) -> SourcesPane {
    let boxed = width.saturating_sub(2).min(SOURCES_MAX_WIDTH);
    SourcesPane {
        width: boxed,
        // Border and padding take four columns.
        text: usize::from(boxed.saturating_sub(4)).max(1),
        rows: usize::from(height.saturating_sub(6)).max(1),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourcesPane {
    pub width: u16,
    pub text: usize,
    pub rows: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_status_is_cut_with_a_mark_and_the_key_for_the_rest() {
        let text = "AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ro/alice \
                    is not authorized to perform: secretsmanager:RestoreSecret on resource: \
                    prod/db because no identity-based policy allows the \
                    secretsmanager:RestoreSecret action";
        let footer = Footer::new(40, None, Some(text));
        assert!(footer.status_cut);
        assert_eq!(footer.status.len(), MAX_STATUS_LINES);
        let last = footer.status.last().unwrap();
        assert!(last.ends_with("… (m: whole message)"), "{last:?}");
        assert!(footer.status.iter().all(|l| l.chars().count() <= 40));
        let short = Footer::new(120, None, Some(text));
        assert!(!short.status_cut);
        assert!(short.status.concat().contains("RestoreSecret action"));
    }

    #[test]
    fn the_table_gets_what_the_footer_leaves() {
        let none = Footer::new(80, None, None);
        // Header, filter line, column titles, status and hints.
        assert_eq!(table_rows(80, 24, &none), 19);
        let both = Footer::new(80, Some("a note"), Some(&"word ".repeat(40)));
        assert_eq!(table_rows(80, 24, &both), 19 - 1 - 2);
        assert_eq!(table_rows(80, 3, &both), 0);
    }

    #[test]
    fn the_bands_fill_the_height_and_a_short_screen_keeps_the_top() {
        let footer = Footer::new(80, Some("a note"), Some(&"word ".repeat(40)));
        let bands = |height| {
            let b = Bands::new(height, &footer);
            [b.header, b.filter, b.body, b.note, b.status, b.hints]
        };
        assert_eq!(bands(24), [1, 1, 17, 1, 3, 1]);
        assert_eq!(bands(7), [1, 1, 0, 1, 3, 1]);
        assert_eq!(bands(5), [1, 1, 0, 1, 2, 0]);
        assert_eq!(bands(0), [0; 6]);
        for height in 0..40 {
            assert_eq!(bands(height).iter().sum::<u16>(), height);
        }
    }
}
