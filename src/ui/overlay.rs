//! Boxes drawn over the list: confirmation, help, and the startup error.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph};

use unicode_width::UnicodeWidthStr;

use super::{dates, hints};
use crate::advice;
use crate::app::feeds::arn_region_account;
use crate::app::marks::{Bulk, TYPE_THE_COUNT};
use crate::app::{FeedState, Source, State, Target};
use crate::keys::{self, Scope};
use crate::layout::{CONFIRM_MANY_PLACES, CONFIRM_MIN, LABEL_WIDTH};
use crate::purge::span;
use crate::store::StoreError;
use crate::text::{cell, sanitize, truncate, wrap};

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

/// The restore confirmation, whole, or a note that it does not fit: `true`
/// when every line of it is on screen.
pub fn confirm(frame: &mut Frame, state: &State, target: &Target) -> bool {
    let area = frame.area();
    let arn = target.arn.as_str();
    if area.width < CONFIRM_MIN.0 {
        too_small(frame, CONFIRM_MIN);
        return false;
    }
    // Wide enough for the whole ARN where the screen allows; wrapped otherwise,
    // never cut, so the operator can check exactly what will be restored.
    let want = u16::try_from(arn.len() + LABEL_WIDTH + 4)
        .unwrap_or(u16::MAX)
        .max(60);
    let width = want.min(area.width.saturating_sub(2));
    // Border and padding take four columns.
    let text_width = usize::from(width.saturating_sub(4));
    // CloudTrail may have dated the row since the key was pressed.
    let dates = state
        .list()
        .get(&target.arn)
        .map_or(&target.dates, |row| &row.dates);
    let purge = dates.purge;
    let until = purge.earliest().duration_since(state.now());
    let left = if purge.earliest() <= state.now() {
        // AWS purges late, with no guaranteed time.
        "may be purged at any moment".to_owned()
    } else if purge.is_window() {
        format!("at least {} left", span(until))
    } else {
        format!("{} left", span(until))
    };
    let mut lines = vec![Line::from("Restore this secret?"), Line::default()];
    lines.extend(wrapped_field("Name", &target.name, text_width, 3));
    lines.extend(wrapped_field("ARN", arn, text_width, usize::MAX));
    // Where the call goes: the region and account the ARN names, with the
    // credentials of the profile that listed it.
    let (region, account) = arn_region_account(target.arn.as_str());
    let profile = &target.profile;
    let via = format!("account {account} · {region} · profile {profile}");
    lines.extend(wrapped_field("Via", &via, text_width, 2));
    let deleted = match (dates.deleted_at, &dates.deleted_by) {
        (Some(at), by) => {
            let who = by
                .as_ref()
                .and_then(|p| p.arn.clone().or_else(|| p.short.clone()))
                .unwrap_or_else(|| "(unknown: no CloudTrail event)".to_owned());
            format!(
                "{} {} by {who}",
                dates::date(state.tz(), at),
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
    lines.push(hints::hint_line(Scope::Confirm));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    if height > area.height {
        too_small(frame, (area.width, height.max(CONFIRM_MIN.1)));
        return false;
    }
    let area = centered(frame.area(), width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Restore secret ")
        .padding(Padding::horizontal(1))
        .border_style(Style::new().fg(Color::Cyan));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
    true
}

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
fn too_small(frame: &mut Frame, (w, h): (u16, u16)) {
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

/// Every source: profile, account, region, state; for a failed one, its
/// error and the fix.
pub fn sources(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let width = area.width.saturating_sub(2).min(110);
    let text_width = usize::from(width.saturating_sub(4)).max(1);
    let bold = Style::new().bold();
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<14} ", "Profile"), bold),
        Span::styled(format!("{:<13} ", "Account"), bold),
        Span::styled(format!("{:<15} ", "Region"), bold),
        Span::styled("State", bold),
    ])];
    let counts = state.rows_by_source();
    for (id, feed) in state.feeds().iter().enumerate() {
        let source = &feed.source;
        let profile = source.profile.as_deref().unwrap_or("default");
        let account = feed.account().unwrap_or("?");
        let region = source.region.as_deref().unwrap_or("(not set)");
        let (text, style) = match state.feed_state(id) {
            FeedState::Listing => ("listing…".to_owned(), Style::new().fg(Color::Cyan)),
            FeedState::Done => (format!("done, {} scheduled", counts[id]), Style::new()),
            FeedState::NotEnabled => ("not enabled".to_owned(), Style::new().dim()),
            FeedState::Duplicate(of) => {
                let other = state.feeds()[of]
                    .source
                    .profile
                    .as_deref()
                    .unwrap_or("default");
                (
                    format!("same account and region as {other}"),
                    Style::new().dim(),
                )
            }
            FeedState::Failed(e) => (
                format!("failed: {}", advice::headline(e.kind)),
                Style::new().red(),
            ),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{:<14} ", truncate(&sanitize(profile), 14))),
            Span::raw(format!("{account:<13} ")),
            Span::raw(format!("{:<15} ", truncate(&sanitize(region), 15))),
            Span::styled(text, style),
        ]));
        if let Some(identity) = &feed.identity
            && state.feeds().len() > 1
        {
            // "assumed-role/Role/session", without the partition and account.
            let who = identity.arn.splitn(6, ':').nth(5).unwrap_or(&identity.arn);
            lines.extend(wrapped_field("", &format!("as {who}"), text_width, 2));
        }
        if let FeedState::Failed(error) = state.feed_state(id) {
            lines.extend(wrapped_field("", &error.to_string(), text_width, 2));
            lines.extend(wrapped_field(
                "",
                &advice::fix(&error, source),
                text_width,
                2,
            ));
        }
    }
    let room = usize::from(area.height.saturating_sub(4)).max(1);
    if lines.len() > room {
        lines.truncate(room.saturating_sub(1));
        lines.push(Line::from("…"));
    }
    lines.push(Line::default());
    lines.push(hints::hint_line(Scope::Sources));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Sources ")
        .padding(Padding::horizontal(1));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// How many, where, the soonest purge, and the names, before restoring the
/// marked secrets; from 10 on, the count must be typed.
/// `true` when all of it is on screen: the count, every place, the soonest
/// purge, names and the keys.
pub fn confirm_many(frame: &mut Frame, state: &State, bulk: &Bulk) -> bool {
    let area = frame.area();
    if area.width < CONFIRM_MIN.0 {
        too_small(frame, CONFIRM_MIN);
        return false;
    }
    let n = bulk.targets.len();
    let width = area.width.saturating_sub(2).min(100);
    let text_width = usize::from(width.saturating_sub(4)).max(1);
    let mut lines = vec![
        Line::from(format!("Restore these {n} secrets?")),
        Line::default(),
    ];
    let mut places: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for t in &bulk.targets {
        let (region, account) = arn_region_account(t.arn.as_str());
        *places.entry((account, region)).or_default() += 1;
    }
    for (i, ((account, region), count)) in places.iter().enumerate() {
        let label = if i == 0 { "Where" } else { "" };
        if i == CONFIRM_MANY_PLACES && places.len() > CONFIRM_MANY_PLACES + 1 {
            let rest: usize = places.values().skip(i).sum();
            let more = places.len() - i;
            lines.push(field(label, format!("{rest} in {more} more places")));
            break;
        }
        lines.push(field(
            label,
            format!("{count} in account {account} · {region}"),
        ));
    }
    if let Some(soonest) = bulk
        .targets
        .iter()
        .map(|t| t.dates.purge)
        .min_by_key(|p| p.earliest())
    {
        let text = format!(
            "{} ({})",
            dates::purge_long(state, soonest),
            crate::purge::time_left(soonest, state.now())
        );
        lines.extend(wrapped_field("Soonest", &text, text_width, 2));
    }
    lines.push(Line::default());
    // The names, as many as fit from where the operator scrolled to.
    let room = usize::from(area.height)
        .saturating_sub(lines.len() + 9)
        .max(1);
    let first = bulk.scroll.min(n.saturating_sub(room));
    if first > 0 {
        lines.push(Line::styled(
            format!("  ↑ {first} more"),
            Style::new().dim(),
        ));
    }
    for t in bulk.targets.iter().skip(first).take(room) {
        lines.push(Line::from(format!(
            "  {}",
            cell(&t.name, text_width.saturating_sub(2))
        )));
    }
    let below = n.saturating_sub(first + room);
    if below > 0 {
        lines.push(Line::styled(
            format!("  ↓ {below} more"),
            Style::new().dim(),
        ));
    }
    lines.push(Line::default());
    if n >= TYPE_THE_COUNT {
        lines.push(Line::from(vec![
            Span::styled(format!("Type {n} and press Enter: "), Style::new().bold()),
            Span::styled(format!("{}▏", bulk.typed), Style::new().fg(Color::Cyan)),
        ]));
    }
    lines.push(hints::hint_line(Scope::ConfirmMany));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    if height > area.height {
        too_small(frame, (area.width, height.max(CONFIRM_MIN.1)));
        return false;
    }
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" Restore {n} secrets "))
        .padding(Padding::horizontal(1))
        .border_style(Style::new().fg(Color::Cyan));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    true
}

/// Restores are on their way: quitting stops the queue.
pub fn confirm_quit(frame: &mut Frame, state: &State) {
    let n = state.in_flight();
    let area = frame.area();
    let width = area.width.saturating_sub(2).min(64);
    let text_width = usize::from(width.saturating_sub(4)).max(1);
    let text = format!(
        "{n} restore(s) are queued or on their way. Quitting sends no more; those \
         already sent get a few seconds to answer, and the audit log records the \
         rest as sent with an unknown outcome."
    );
    let mut lines: Vec<Line> = wrap(&text, text_width)
        .into_iter()
        .map(Line::from)
        .collect();
    lines.push(Line::default());
    lines.push(hints::hint_line(Scope::ConfirmQuit));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Quit? ")
        .padding(Padding::horizontal(1))
        .border_style(Style::new().fg(Color::Yellow));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
