//! The screen's areas, stacked from `layout::Bands`: the arithmetic `app`
//! uses to count the table's rows, so what it counts is what is drawn.

use ratatui::layout::Rect;

use crate::layout::{Bands, Footer};

pub struct Areas {
    pub header: Rect,
    pub filter: Rect,
    pub body: Rect,
    pub note: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn split(area: Rect, footer: &Footer) -> Areas {
    let bands = Bands::new(area.height, footer);
    let mut y = area.y;
    let mut next = |height: u16| {
        let rect = Rect::new(area.x, y, area.width, height);
        y = y.saturating_add(height);
        rect
    };
    Areas {
        header: next(bands.header),
        filter: next(bands.filter),
        body: next(bands.body),
        note: next(bands.note),
        status: next(bands.status),
        hints: next(bands.hints),
    }
}

#[cfg(test)]
mod tests {
    use ratatui::layout::{Constraint, Layout};

    use super::*;
    use crate::layout::table_rows;

    /// Notes and statuses of every length the footer shows, cut or not.
    fn footers(width: u16) -> Vec<Footer> {
        let long = "a longer text ".repeat(20);
        let texts = [None, Some("Restored prod/db"), Some(long.as_str())];
        let footer = |note, status| Footer::new(width, note, status);
        texts
            .iter()
            .flat_map(|&note| texts.iter().map(move |&status| footer(note, status)))
            .collect()
    }

    #[test]
    fn the_table_rows_app_counts_are_the_rows_drawn() {
        for width in [1, 2, 20, 44, 80, 118, 160, 300] {
            for footer in footers(width) {
                for height in 0..60 {
                    let body = split(Rect::new(0, 0, width, height), &footer).body;
                    assert_eq!(
                        usize::from(body.height.saturating_sub(1)),
                        table_rows(width, height, &footer),
                        "{width}x{height}, {} note and {} status lines",
                        footer.note.len(),
                        footer.status.len()
                    );
                }
            }
        }
    }

    /// The areas ratatui's solver gave before the arithmetic moved out of
    /// `ui`: the same wherever every band fits, the same body everywhere.
    #[test]
    fn the_areas_are_what_a_ratatui_layout_gives() {
        let lines = |n| vec![String::new(); usize::from(n)];
        for (note, status) in (0..=2).flat_map(|n| (0..=3).map(move |s| (n, s))) {
            let footer = Footer {
                note: lines(note),
                status: lines(status),
                status_cut: false,
            };
            for height in 0..30 {
                let area = Rect::new(3, 2, 80, height);
                let solved: [Rect; 6] = Layout::vertical([
                    Constraint::Length(1),
                    Constraint::Length(1),
                    Constraint::Fill(1),
                    Constraint::Length(note),
                    Constraint::Length(status.max(1)),
                    Constraint::Length(1),
                ])
                .areas(area);
                let a = split(area, &footer);
                let ours = [a.header, a.filter, a.body, a.note, a.status, a.hints];
                assert_eq!(ours[2].height, solved[2].height, "{note} {status} {height}");
                // Shorter, the solver's split is arbitrary; ours keeps the top.
                if height >= 3 + note + status.max(1) {
                    assert_eq!(ours, solved, "{note} {status} {height}");
                }
            }
        }
    }
}
