//! Drawing: a function of `State`, nothing else.

mod overlay;
mod table;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{Mode, State, Tone};
use crate::keys::{self, Context};
use crate::text::{cell, thousands};

/// Header, filter line, status and hints around the table.
const CHROME_ROWS: u16 = 4;

/// How many secrets fit in a terminal `height` rows tall.
pub fn table_rows(height: u16) -> usize {
    // One more row for the table's column titles.
    usize::from(height.saturating_sub(CHROME_ROWS + 1))
}

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

fn spinner(state: &State) -> char {
    let frame = state.now.as_millisecond().rem_euclid(1000) / 100;
    SPINNER[frame as usize % SPINNER.len()]
}

pub fn render(frame: &mut Frame, state: &State) {
    let [header, filter, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());

    render_header(frame, header, state);
    render_filter(frame, filter, state);
    if let Some(error) = state.startup_error() {
        overlay::startup_error(frame, body, state, error);
    } else {
        table::render(frame, body, state);
    }
    render_status(frame, status, state);
    render_hints(frame, hints, state);

    match &state.mode {
        Mode::Confirm(target) => overlay::confirm(frame, state, target),
        Mode::Help => overlay::help(frame),
        Mode::List | Mode::Filter => {}
    }
}

fn render_header(frame: &mut Frame, area: Rect, state: &State) {
    let title = Line::from(vec![
        Span::styled(" reprieve ", Style::new().bold().reversed()),
        Span::raw(" "),
        Span::raw(cell(&state.context.source, usize::from(area.width) / 2)),
    ]);
    frame.render_widget(Paragraph::new(title), area);

    let pending = state.list.len();
    let mut count = if state.list.query().is_empty() {
        format!("{} scheduled for deletion", thousands(pending))
    } else {
        format!(
            "{} of {} scheduled for deletion",
            thousands(state.list.visible_len()),
            thousands(pending)
        )
    };
    count.push_str(&format!(
        " · {} secrets scanned ",
        thousands(state.load.scanned)
    ));
    let mut spans = Vec::new();
    if state.load.loading {
        spans.push(Span::styled(
            format!("{} Loading… ", spinner(state)),
            Style::new().fg(Color::Cyan),
        ));
    }
    spans.push(Span::raw(count));
    frame.render_widget(Paragraph::new(Line::from(spans).right_aligned()), area);
}

fn render_filter(frame: &mut Frame, area: Rect, state: &State) {
    let prompt = Span::styled(" / ", Style::new().bold());
    match state.mode {
        Mode::Filter => {
            let width = usize::from(area.width.saturating_sub(4));
            let scroll = state.filter.visual_scroll(width);
            let value = cell(state.filter.value(), usize::MAX);
            let shown: String = value.chars().skip(scroll).collect();
            let line = Line::from(vec![prompt, Span::raw(shown)]);
            frame.render_widget(Paragraph::new(line), area);
            let cursor = state.filter.visual_cursor().saturating_sub(scroll);
            let x = area.x + 3 + u16::try_from(cursor).unwrap_or(u16::MAX);
            frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
        }
        _ if !state.list.query().is_empty() => {
            let line = Line::from(vec![
                prompt,
                Span::raw(cell(state.filter.value(), usize::from(area.width) / 2)),
                Span::styled("   Esc clears", Style::new().dim()),
            ]);
            frame.render_widget(Paragraph::new(line), area);
        }
        _ => {}
    }
}

fn render_status(frame: &mut Frame, area: Rect, state: &State) {
    let Some(status) = &state.status else {
        return;
    };
    let style = match status.tone {
        Tone::Info => Style::new(),
        Tone::Success => Style::new().fg(Color::Green),
        Tone::Error => Style::new().fg(Color::Red),
    };
    let text = cell(&status.text, usize::from(area.width.saturating_sub(1)));
    frame.render_widget(
        Paragraph::new(Span::styled(format!(" {text}"), style)),
        area,
    );
}

fn render_hints(frame: &mut Frame, area: Rect, state: &State) {
    let mut spans = vec![Span::raw(" ")];
    for (i, b) in keys::bindings(Context::of(&state.mode)).enumerate() {
        let Some(hint) = b.hint else { continue };
        if i > 0 && spans.len() > 1 {
            spans.push(Span::styled(" · ", Style::new().dim()));
        }
        spans.push(Span::styled(
            b.label,
            Style::new().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(format!(" {hint}"), Style::new().dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
