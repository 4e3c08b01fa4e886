//! The sources pane: a window over the lines `app` laid out, under the
//! column titles, with where it is and the keys at its foot.

use ratatui::Frame;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph};

use super::hints;
use super::overlay::centered;
use crate::advice;
use crate::app::{Columns, FeedState, LineKind, PaneLine, State};
use crate::keys::Scope;
use crate::text::{cell, fit};

pub fn sources(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let room = crate::layout::sources_pane(area.width, area.height);
    let view = state.sources_view();
    let columns = view.columns;
    let bold = Style::new().bold();
    let mut titles = vec![Span::styled(fit("Account", columns.account), bold)];
    if let Some(width) = columns.profile {
        titles.push(Span::styled(format!(" {}", fit("Profile", width)), bold));
    }
    titles.push(Span::styled(
        format!(" {}", fit("Region", columns.region)),
        bold,
    ));
    titles.push(Span::styled(" State", bold));
    let mut lines = vec![Line::from(titles)];

    for (i, line) in view.window().iter().enumerate() {
        // The top line names its account when the heading is above it.
        let account = match view.lines.get(line.heading) {
            Some(PaneLine {
                kind: LineKind::Account { label, .. },
                ..
            }) if i == 0 && line.heading != view.scroll => Some(*label),
            _ => None,
        };
        lines.push(draw(state, line, columns, account, room.text));
    }
    if view.lines.is_empty() {
        let text = if view.failing_only {
            "No source is failing."
        } else {
            "No sources."
        };
        lines.push(Line::styled(text, Style::new().dim()));
    }
    lines.push(Line::default());
    lines.extend(hints::hint_lines(Scope::Sources, room.text, 2));

    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" {} ", view.title()))
        .padding(Padding::horizontal(1));
    if let Some(position) = view.position() {
        block = block.title_bottom(Line::from(format!(" {position} ")).right_aligned());
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, room.width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// One line of the pane; `account` fills the Account column of a line at
/// the top whose heading scrolled away.
fn draw(
    state: &State,
    line: &PaneLine,
    columns: Columns,
    account: Option<&str>,
    width: usize,
) -> Line<'static> {
    let dim = Style::new().dim();
    if let LineKind::Account {
        label,
        id,
        sources,
        regions,
        failing,
    } = &line.kind
    {
        let mut text = id.map(|id| format!("{id} · ")).unwrap_or_default();
        text.push_str(&counted(*sources, *regions));
        let room = width.saturating_sub(columns.account + 1);
        let counts = cell(&text, room);
        let room = room.saturating_sub(crate::text::display_width(&counts));
        let mut spans = vec![
            Span::styled(
                format!("{} ", fit(label, columns.account)),
                Style::new().bold(),
            ),
            Span::styled(counts, dim),
        ];
        if *failing > 0 {
            let text = format!(" · {failing} failing");
            spans.push(Span::styled(cell(&text, room), Style::new().red()));
        }
        return Line::from(spans);
    }
    let mut spans = vec![match account {
        Some(label) => Span::styled(format!("{} ", fit(label, columns.account)), dim),
        None => Span::raw(" ".repeat(columns.account + 1)),
    }];
    let profile = match &line.kind {
        LineKind::Source { id, .. } => state.feeds()[*id].source.profile_name(),
        _ => "",
    };
    if let Some(width) = columns.profile {
        spans.push(Span::raw(format!("{} ", fit(profile, width))));
    }
    let rest = width.saturating_sub(columns.indent());
    let span = match &line.kind {
        LineKind::Account { .. } => return Line::from(spans),
        LineKind::Identity(who) => Span::styled(cell(&format!("as {who}"), rest), dim),
        LineKind::MoreIdentities(n) => {
            Span::styled(cell(&format!("and {n} more callers"), rest), dim)
        }
        LineKind::Source {
            id,
            state: feed_state,
            scheduled,
            same_as,
        } => {
            let region = state.feeds()[*id].source.region.as_deref();
            let region = fit(region.unwrap_or("(not set)"), columns.region);
            spans.push(Span::raw(format!("{region} ")));
            let (text, style) = described(state, feed_state, *scheduled, *same_as);
            let room = rest.saturating_sub(columns.region + 1);
            Span::styled(cell(&text, room), style)
        }
        LineKind::Error(text) => Span::styled(text.clone(), Style::new().red().dim()),
        LineKind::Fix(text) => Span::raw(text.clone()),
    };
    spans.push(span);
    Line::from(spans)
}

/// "17 regions", "1 region", or "3 sources in 2 regions" when two
/// profiles reach one region.
fn counted(sources: usize, regions: usize) -> String {
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{} {one}s", crate::text::thousands(n))
        }
    };
    if sources == regions {
        plural(regions, "region")
    } else {
        format!(
            "{} in {}",
            plural(sources, "source"),
            plural(regions, "region")
        )
    }
}

/// What a source's State column says, and how it looks.
fn described(
    state: &State,
    feed_state: &FeedState,
    scheduled: usize,
    same_as: Option<usize>,
) -> (String, Style) {
    match feed_state {
        FeedState::Listing => ("listing…".to_owned(), Style::new().fg(Color::Cyan)),
        FeedState::Done => (format!("done, {scheduled} scheduled"), Style::new()),
        FeedState::NotEnabled => ("not enabled".to_owned(), Style::new().dim()),
        FeedState::Duplicate(of) => {
            let other = state.feeds()[*of].source.profile_name();
            (
                format!("same account and region as {other}"),
                Style::new().dim(),
            )
        }
        // Said once per account: the message and fix stand under the first.
        FeedState::Failed(_) if same_as.is_some() => {
            let first = same_as.and_then(|f| state.feeds()[f].source.region.as_deref());
            let text = format!("failed, same as {}", first.unwrap_or("above"));
            (text, Style::new().red())
        }
        FeedState::Failed(e) => (
            format!("failed: {}", advice::headline(e.kind)),
            Style::new().red(),
        ),
    }
}
