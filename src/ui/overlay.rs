//! Boxes drawn over the list: confirmation, help, and the startup error.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph};

use super::dates;
use crate::advice;
use crate::app::{Action, State, Target};
use crate::keys::{self, Context};
use crate::purge::span;
use crate::store::StoreError;
use crate::text::{sanitize, truncate, wrap};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
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

const LABEL_WIDTH: usize = 10;

fn field(label: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<LABEL_WIDTH$}"), Style::new().bold()),
        Span::raw(value),
    ])
}

/// A labelled value wrapped under itself, not under the label, in at most
/// `max_lines` lines.
fn wrapped_field(label: &str, value: &str, width: usize, max_lines: usize) -> Vec<Line<'static>> {
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

/// "y/Enter restore · n/Esc cancel", straight from the keymap.
pub(super) fn hint_line(context: Context) -> Line<'static> {
    hint_line_where(context, |_| true)
}

pub(super) fn hint_line_where(context: Context, keep: impl Fn(Action) -> bool) -> Line<'static> {
    let mut spans = Vec::new();
    for b in keys::bindings(context).filter(|b| keep(b.action)) {
        let Some(hint) = b.hint else { continue };
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", Style::new().dim()));
        }
        spans.push(Span::styled(b.label, Style::new().bold()));
        spans.push(Span::styled(format!(" {hint}"), Style::new().dim()));
    }
    Line::from(spans)
}

pub fn confirm(frame: &mut Frame, state: &State, target: &Target) {
    // Wide enough for the whole ARN where the screen allows; wrapped otherwise,
    // never cut, so the operator can check exactly what will be restored.
    let want = u16::try_from(target.arn.as_str().len() + LABEL_WIDTH + 4)
        .unwrap_or(u16::MAX)
        .max(60);
    let width = want.min(frame.area().width.saturating_sub(2));
    // Border and padding take four columns.
    let text_width = usize::from(width.saturating_sub(4));
    // CloudTrail may have dated the row since the key was pressed.
    let dates = state
        .list
        .get(&target.arn)
        .map_or(&target.dates, |row| &row.dates);
    let purge = dates.purge;
    let until = purge.earliest().duration_since(state.now);
    let left = if purge.earliest() <= state.now {
        // AWS purges late, with no guaranteed time.
        "may be purged at any moment".to_owned()
    } else if purge.is_window() {
        format!("at least {} left", span(until))
    } else {
        format!("{} left", span(until))
    };
    let mut lines = vec![Line::from("Restore this secret?"), Line::default()];
    lines.extend(wrapped_field("Name", &target.name, text_width, 3));
    lines.extend(wrapped_field("ARN", target.arn.as_str(), text_width, 3));
    let deleted = match (dates.deleted_at, &dates.deleted_by) {
        (Some(at), by) => {
            let who = by
                .as_ref()
                .and_then(|p| p.arn.clone().or_else(|| p.short.clone()))
                .unwrap_or_else(|| "(unknown: no CloudTrail event)".to_owned());
            format!(
                "{} {} by {who}",
                dates::date(&state.tz, at),
                dates::zone(state)
            )
        }
        (None, _) => "unknown".to_owned(),
    };
    lines.extend(wrapped_field("Deleted", &deleted, text_width, 3));
    lines.extend(wrapped_field(
        "Purge",
        &format!("{} ({left})", dates::purge_long(state, purge)),
        text_width,
        2,
    ));
    lines.extend(wrapped_field("", purge.source(), text_width, 2));
    lines.push(Line::default());
    lines.push(hint_line(Context::Confirm));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Restore secret ")
        .padding(Padding::horizontal(1))
        .border_style(Style::new().fg(Color::Cyan));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn help(frame: &mut Frame) {
    let contexts = [Context::List, Context::Filter, Context::Confirm];
    let mut lines = Vec::new();
    for context in contexts {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(
            context.title(),
            Style::new().bold().underlined(),
        ));
        for b in keys::bindings(context) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<10}", b.label), Style::new().bold()),
                Span::raw(b.description),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(hint_line(Context::Help));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), 48, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Keys ");
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn startup_error(frame: &mut Frame, area: Rect, state: &State, error: &StoreError) {
    let width = area.width.saturating_sub(4).min(100);
    // Border and padding take four columns.
    let text_width = usize::from(width.saturating_sub(4));
    let mut lines = vec![
        Line::styled(advice::headline(error.kind), Style::new().bold().red()),
        Line::default(),
    ];
    lines.extend(wrapped_field(
        "Listing",
        &state.context.source,
        text_width,
        2,
    ));
    // Long SDK errors are cut so the fix always fits.
    lines.extend(wrapped_field("Error", &error.to_string(), text_width, 5));
    lines.push(Line::default());
    let fix = advice::fix(error, &state.context);
    lines.extend(wrapped_field("Fix", &fix, text_width, 4));
    lines.push(Line::default());
    lines.push(startup_error_hints());
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Could not list secrets ")
        .padding(Padding::horizontal(1))
        .border_style(Style::new().fg(Color::Red));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The only keys that help on the startup error screen.
pub(super) fn startup_error_hints() -> Line<'static> {
    hint_line_where(Context::List, |a| {
        matches!(a, Action::Refresh | Action::Quit)
    })
}
