//! Boxes drawn over the list: the startup error and the whole status
//! message; and the pieces every box is built from.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph};

use super::hints;
use crate::advice;
use crate::app::{Source, State};
use crate::keys::Scope;
use crate::layout::LABEL_WIDTH;
use crate::store::StoreError;
use crate::text::{sanitize, truncate, wrap};

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [_, col, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width.min(area.width)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, row, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height.min(area.height)),
        Constraint::Fill(1),
    ])
    .areas(col);
    row
}

pub(super) fn field(label: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<LABEL_WIDTH$}"), Style::new().bold()),
        Span::raw(value),
    ])
}

/// A labelled value wrapped under itself, not under the label, in at most
/// `max_lines` lines.
pub(super) fn wrapped_field(
    label: &str,
    value: &str,
    width: usize,
    max_lines: usize,
) -> Vec<Line<'static>> {
    let width = width.saturating_sub(LABEL_WIDTH);
    let mut parts = wrap(&sanitize(value), width);
    if parts.len() > max_lines {
        parts.truncate(max_lines);
        if let Some(last) = parts.last_mut() {
            *last = truncate(&format!("{last} …"), width).into_owned();
        }
    }
    let mut lines = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        lines.push(field(label, part));
    }
    lines
}

pub fn startup_error(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    (error, source): (&StoreError, &Source),
) {
    let width = area.width.saturating_sub(4).min(100);
    // Border and padding take four columns.
    let text_width = usize::from(width.saturating_sub(4));
    let mut lines = vec![
        Line::styled(advice::headline(error.kind), Style::new().bold().red()),
        Line::default(),
    ];
    lines.extend(wrapped_field("Listing", &source.label, text_width, 2));
    let others = state.feeds().len() - 1;
    if others > 0 {
        let text = format!("and {others} more sources failed too; s shows each");
        lines.extend(wrapped_field("", &text, text_width, 2));
    }
    // Long SDK errors are cut so the fix always fits.
    lines.extend(wrapped_field("Error", &error.to_string(), text_width, 5));
    lines.push(Line::default());
    let fix = advice::fix(error, source);
    lines.extend(wrapped_field("Fix", &fix, text_width, 4));
    lines.push(Line::default());
    lines.push(hints::startup_error_hints());
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Could not list secrets ")
        .padding(Padding::horizontal(1))
        .border_style(Style::new().fg(Color::Red));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The status line in full, wrapped to the screen: what a cut line hides.
pub fn message(frame: &mut Frame, state: &State) {
    let Some(status) = state.status() else {
        return;
    };
    let area = frame.area();
    let width = area.width.saturating_sub(4).min(100);
    // Border and padding take four columns; two rows go to the keys.
    let text_width = usize::from(width.saturating_sub(4)).max(1);
    let room = usize::from(area.height.saturating_sub(4)).max(1);
    let mut parts = wrap(&sanitize(&status.text), text_width);
    if parts.len() > room {
        parts.truncate(room);
        if let Some(last) = parts.last_mut() {
            *last = truncate(&format!("{last} …"), text_width).into_owned();
        }
    }
    let mut lines: Vec<Line> = parts.into_iter().map(Line::from).collect();
    lines.push(Line::default());
    lines.push(hints::hint_line(Scope::Message));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Message ")
        .padding(Padding::horizontal(1));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// Instead of a box that would hide its subject or its keys.
pub(super) fn too_small(frame: &mut Frame, (w, h): (u16, u16)) {
    let area = frame.area();
    let text = format!(
        "Too small to confirm: needs {w}x{h}, this is {}x{}. Esc cancels.",
        area.width, area.height
    );
    let lines: Vec<Line> = wrap(&text, usize::from(area.width).max(1))
        .into_iter()
        .map(|l| Line::styled(l, Style::new().bold().red()))
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}
