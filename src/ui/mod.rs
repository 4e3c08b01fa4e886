//! Drawing: a function of `State`, nothing else.

mod dates;
mod overlay;
mod table;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::trail::Phase;
use crate::app::{Mode, State, Tone};
use crate::keys::Context;
use crate::text::{cell, sanitize, thousands};

/// The most lines an AWS error may take in the status area.
const MAX_STATUS_LINES: u16 = 3;
/// Why dates are estimates: a sentence, two lines at most.
const MAX_NOTE_LINES: u16 = 2;

struct Areas {
    header: Rect,
    filter: Rect,
    body: Rect,
    note: Rect,
    status: Rect,
    hints: Rect,
}

fn layout(area: Rect, state: &State) -> Areas {
    let status_lines = state.status.as_ref().map_or(1, |s| {
        let lines = status_paragraph(&s.text, Style::new()).line_count(area.width);
        u16::try_from(lines)
            .unwrap_or(u16::MAX)
            .clamp(1, MAX_STATUS_LINES)
    });
    let note_lines = match state.dates_note() {
        Some(text) if state.startup_error().is_none() => {
            let lines = status_paragraph(&text, Style::new()).line_count(area.width);
            u16::try_from(lines)
                .unwrap_or(u16::MAX)
                .clamp(1, MAX_NOTE_LINES)
        }
        _ => 0,
    };
    let [header, filter, body, note, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(note_lines),
        Constraint::Length(status_lines),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        header,
        filter,
        body,
        note,
        status,
        hints,
    }
}

/// How many secrets fit on screen; `update` keeps the selection within it.
pub fn table_rows(state: &State) -> usize {
    let (width, height) = state.size;
    let body = layout(Rect::new(0, 0, width, height), state).body;
    // One row goes to the column titles.
    usize::from(body.height.saturating_sub(1))
}

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

fn spinner(state: &State) -> char {
    let frame = state.now.as_millisecond().rem_euclid(1000) / 100;
    SPINNER[frame as usize % SPINNER.len()]
}

pub fn render(frame: &mut Frame, state: &State) {
    let Areas {
        header,
        filter,
        body,
        note,
        status,
        hints,
    } = layout(frame.area(), state);

    render_header(frame, header, state);
    render_filter(frame, filter, state);
    if let Some(error) = state.startup_error() {
        overlay::startup_error(frame, body, state, error);
    } else {
        table::render(frame, body, state);
    }
    if let Some(text) = state.dates_note() {
        frame.render_widget(status_paragraph(&text, Style::new().dim()), note);
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
    let mut counts = Vec::new();
    if state.load.loading {
        counts.push(Span::styled(
            format!("{} Loading… ", spinner(state)),
            Style::new().fg(Color::Cyan),
        ));
    }
    if let Phase::Reading { pages } = state.trail.phase {
        counts.push(Span::styled(
            format!(
                "{} Dating by CloudTrail, page {} ",
                spinner(state),
                pages + 1
            ),
            Style::new().fg(Color::Cyan),
        ));
    }
    if state.startup_error().is_none() {
        let pending = thousands(state.list.len());
        let shown = if state.list.query().is_empty() {
            pending
        } else {
            format!("{} of {pending}", thousands(state.list.visible_len()))
        };
        counts.push(Span::raw(format!(
            "{shown} scheduled for deletion · {} secrets scanned ",
            thousands(state.load.scanned)
        )));
    }
    let counts = Line::from(counts);
    let counts_width = u16::try_from(counts.width()).unwrap_or(u16::MAX);
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(counts_width)]).areas(area);

    let title = " reprieve ";
    let room = usize::from(left.width).saturating_sub(title.len() + 2);
    let title = Line::from(vec![
        Span::styled(title, Style::new().bold().reversed()),
        Span::raw(" "),
        Span::raw(cell(&state.context.source, room)),
    ]);
    frame.render_widget(Paragraph::new(title), left);
    frame.render_widget(Paragraph::new(counts), right);
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

fn status_paragraph(text: &str, style: Style) -> Paragraph<'static> {
    Paragraph::new(Line::styled(format!(" {}", sanitize(text)), style)).wrap(Wrap { trim: false })
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
    frame.render_widget(status_paragraph(&status.text, style), area);
}

fn render_hints(frame: &mut Frame, area: Rect, state: &State) {
    let hints = match (&state.mode, state.startup_error()) {
        (Mode::List, Some(_)) => overlay::startup_error_hints(),
        (mode, _) => overlay::hint_line(Context::of(mode)),
    };
    let mut spans = vec![Span::raw(" ")];
    spans.extend(hints.spans);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
