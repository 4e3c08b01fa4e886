//! The help overlay: every key of the sections it lists, from the keymap.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph};

use unicode_width::UnicodeWidthStr;

use super::hints;
use super::overlay::centered;
use crate::keys::{self, Scope};

/// Columns between the two halves of a short help.
const HELP_GAP: usize = 4;

/// Every binding of the sections the help lists, generated from the keymap.
/// It stands in one column where the screen is tall enough, else in two (List
/// on the left, the rest on the right); where even that does not fit, it is
/// cut from the bottom, and the keys to close it always show.
pub fn help(frame: &mut Frame) {
    let label_width = keys::HELP_SECTIONS
        .into_iter()
        .flat_map(keys::bindings)
        .map(|b| b.label().width())
        .max()
        .unwrap_or(0);
    let sections: Vec<_> = keys::HELP_SECTIONS
        .into_iter()
        .map(|scope| help_section(scope, label_width))
        .collect();
    let one_column = stacked(&sections);
    let (left, right) = sections.split_at(1);
    let two_columns = side_by_side(stacked(left), stacked(right));
    let footer = hints::hint_line(Scope::Help);

    let area = frame.area();
    // Border and padding take four columns; border, a blank line and the
    // footer take four rows.
    let size = |body: &[Line]| {
        let widest = body
            .iter()
            .chain([&footer])
            .map(Line::width)
            .max()
            .unwrap_or(0);
        (
            u16::try_from(widest + 4).unwrap_or(u16::MAX),
            u16::try_from(body.len() + 4).unwrap_or(u16::MAX),
        )
    };
    let (one_width, one_height) = size(&one_column);
    let (two_width, _) = size(&two_columns);
    let body = if one_width <= area.width && one_height <= area.height {
        one_column
    } else if two_width <= area.width {
        two_columns
    } else {
        one_column
    };
    let (width, height) = size(&body);
    let rows = usize::from(height.min(area.height).saturating_sub(2));
    let lines = cut_to(body, footer, rows);

    let area = centered(area, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Keys ")
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A scope's title, then each binding's keys and what they do.
fn help_section(scope: Scope, label_width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        scope.title(),
        Style::new().bold().underlined(),
    ))];
    for b in keys::bindings(scope) {
        let label = b.label();
        let pad = label_width.saturating_sub(label.width()) + 2;
        lines.push(Line::from(vec![
            Span::styled(format!("  {label}{:pad$}", ""), Style::new().bold()),
            Span::raw(b.description),
        ]));
    }
    lines
}

/// Sections one under another, a blank line between.
fn stacked(sections: &[Vec<Line<'static>>]) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.extend(section.iter().cloned());
    }
    lines
}

fn side_by_side(left: Vec<Line<'static>>, right: Vec<Line<'static>>) -> Vec<Line<'static>> {
    let left_width = left.iter().map(Line::width).max().unwrap_or(0) + HELP_GAP;
    let rows = left.len().max(right.len());
    let mut left = left.into_iter();
    let mut right = right.into_iter();
    (0..rows)
        .map(|_| {
            let mut line = left.next().unwrap_or_default();
            if let Some(r) = right.next() {
                let pad = left_width.saturating_sub(line.width());
                line.spans.push(Span::raw(" ".repeat(pad)));
                line.spans.extend(r.spans);
            }
            line
        })
        .collect()
}

/// The body, a blank line and the footer in `rows` lines. A body that does
/// not fit loses its last lines to a "…"; the footer stays, so the way out
/// is always on screen.
fn cut_to(mut body: Vec<Line<'static>>, footer: Line<'static>, rows: usize) -> Vec<Line<'static>> {
    if body.len() + 2 <= rows {
        body.push(Line::default());
        body.push(footer);
        return body;
    }
    if rows == 0 {
        return Vec::new();
    }
    body.truncate(rows - 1);
    if let Some(last) = body.last_mut() {
        *last = Line::styled("  …", Style::new().dim());
    }
    body.push(footer);
    body
}
