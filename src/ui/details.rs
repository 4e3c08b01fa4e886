//! Everything known of one secret: the listing's fields, the deletion, who
//! still asks for it, and what `DescribeSecret` adds. It scrolls.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::overlay::{centered, wrapped_field};
use super::{dates, hints};
use crate::app::State;
use crate::keys::Scope;
use crate::store::{Arn, Described};

pub fn details(frame: &mut Frame, state: &State, arn: &Arn, scroll: usize) {
    let area = frame.area();
    let width = area.width.saturating_sub(2).min(110);
    let text_width = usize::from(width.saturating_sub(4)).max(1);
    let lines = body(state, arn, text_width);
    // Borders, and the keys at the foot.
    let room = usize::from(area.height.saturating_sub(4)).max(1);
    let scroll = scroll.min(lines.len().saturating_sub(room));
    let mut shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    shown.push(hints::hint_line(Scope::Details));
    let height = u16::try_from(shown.len() + 2).unwrap_or(u16::MAX);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Details ")
        .padding(ratatui::widgets::Padding::horizontal(1));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(shown).block(block), rect);
}

fn body(state: &State, arn: &Arn, width: usize) -> Vec<Line<'static>> {
    let Some(row) = state.list().get(arn) else {
        return vec![Line::from("It is no longer listed.")];
    };
    let tz = state.tz();
    let zone = dates::zone(state);
    let when = |t| format!("{} {zone}", dates::date(tz, t));
    let mut lines = Vec::new();
    let mut add = |label: &str, value: String| lines.extend(wrapped_field(label, &value, width, 6));
    add("Name", row.secret.display_name().to_owned());
    add("ARN", arn.to_string());
    if let Some(d) = &row.secret.description {
        add("About", d.to_string());
    }
    let source = state.feeds().get(row.source());
    let profile = source.map_or("default", |f| f.source.profile_name());
    add(
        "Where",
        format!(
            "account {} · {} · profile {profile}",
            state.account_shown(arn.account()),
            arn.region()
        ),
    );
    let d = &row.dates;
    match (d.deleted_at, &d.deleted_by) {
        (Some(at), Some(by)) => add(
            "Deleted",
            format!(
                "{} by {}",
                when(at),
                by.arn
                    .clone()
                    .or_else(|| by.short.clone())
                    .unwrap_or_default()
            ),
        ),
        (Some(at), None) => add(
            "Deleted",
            format!("{} (who: no CloudTrail event)", when(at)),
        ),
        (None, _) => add("Deleted", "unknown".to_owned()),
    }
    add(
        "Purge",
        format!(
            "{} ({})",
            dates::purge_long(state, d.purge),
            d.purge.source()
        ),
    );
    // Who still asks, and how far back that is known.
    let checked = state.reads_checked();
    match (row.reads(), state.reads_failed(), checked) {
        (Some(r), _, _) => {
            add(
                "Asked for",
                format!("{} refused read(s) since the deletion", r.count),
            );
            for reader in &r.recent {
                let who = reader
                    .principal
                    .arn
                    .clone()
                    .or_else(|| reader.principal.short.clone())
                    .unwrap_or_default();
                let ip = reader.source_ip.as_deref().unwrap_or("?");
                add("", format!("{} by {who} from {ip}", when(reader.at)));
            }
        }
        (None, Some(e), _) => add(
            "Asked for",
            format!("unknown: CloudTrail could not be read ({e})"),
        ),
        (None, None, Some((since, events))) => add(
            "Asked for",
            format!(
                "no refused read found since {} ({events} read events checked)",
                when(since)
            ),
        ),
        (None, None, None) => add("Asked for", "not checked yet".to_owned()),
    }
    if let Some(day) = row.secret.last_accessed {
        let flag = if row.secret.in_use_when_deleted() {
            " (in use when deleted)"
        } else {
            ""
        };
        add("Last used", format!("{day}{flag} (AWS keeps only the day)"));
    }
    match state.described(arn) {
        None => add("", "Asking DescribeSecret for the rest…".to_owned()),
        Some(Err(e)) => add("", format!("DescribeSecret failed: {e}")),
        Some(Ok(described)) => describe(described, &mut add, &when),
    }
    lines
}

fn describe(
    described: &Described,
    add: &mut impl FnMut(&str, String),
    when: &impl Fn(jiff::Timestamp) -> String,
) {
    let d = &described.details;
    add(
        "KMS key",
        d.kms_key_id
            .clone()
            .unwrap_or_else(|| "aws/secretsmanager (the default)".to_owned()),
    );
    let rotation = match (d.rotation_enabled, d.rotation_days) {
        (Some(true), Some(days)) => format!("every {days} days"),
        (Some(true), None) => "on".to_owned(),
        _ => "off".to_owned(),
    };
    add("Rotation", rotation);
    if let Some(t) = d.last_rotated {
        add("", format!("last rotated {}", when(t)));
    }
    if let Some(t) = d.next_rotation {
        add("", format!("next rotation {}", when(t)));
    }
    if let Some(s) = &d.owning_service {
        add("Owned by", format!("{s} (it may refuse changes)"));
    }
    if let Some(r) = &d.primary_region {
        add("Primary", r.clone());
    }
    for (region, status) in &d.replication {
        add("Replica", format!("{region}: {status}"));
    }
    if let Some(t) = d.created {
        add("Created", when(t));
    }
    if let Some(t) = d.last_changed {
        add("Changed", when(t));
    }
    for (i, (k, v)) in d.tags.iter().enumerate() {
        add(if i == 0 { "Tags" } else { "" }, format!("{k} = {v}"));
    }
}
