//! The restore confirmations, one secret or the marked ones, and the
//! question before quitting with restores on their way. Each is drawn whole
//! or not at all, so nothing is confirmed unseen.

use ratatui::Frame;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph};

use super::overlay::{centered, field, too_small, wrapped_field};
use super::{dates, hints};
use crate::app::feeds::arn_region_account;
use crate::app::marks::{Bulk, TYPE_THE_COUNT};
use crate::app::{State, Target};
use crate::keys::Scope;
use crate::layout::{CONFIRM_MANY_PLACES, CONFIRM_MIN, LABEL_WIDTH};
use crate::purge::span;
use crate::text::{cell, wrap};

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
    // credentials of the profile (or the member role) that listed it.
    let (region, account) = arn_region_account(target.arn.as_str());
    let how = match &target.route {
        Some((role, _)) => format!("role {}", role.rsplit('/').next().unwrap_or(role)),
        None => format!("profile {}", target.profile),
    };
    let account = state.account_shown(account);
    let via = format!("account {account} · {region} · {how}");
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
        let account = state.account_shown(account);
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
