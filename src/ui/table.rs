//! The list of pending secrets.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table, TableState};

use crate::app::State;
use crate::app::list::{RestoreState, Row};
use crate::schedule::{Urgency, format_left, time_left, urgency};
use crate::text::cell;

const DATE_FORMAT: &str = "%Y-%m-%d %H:%M";

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    if state.list.visible_len() == 0 {
        render_empty(frame, area, state);
        return;
    }
    let widths = [
        Constraint::Length(1),
        Constraint::Length(name_width(area.width, state.list.name_width())),
        Constraint::Length(16),
        Constraint::Length(9),
        Constraint::Fill(1),
    ];
    let columns = Layout::horizontal(widths).spacing(1).split(area);
    let width = |i: usize| usize::from(columns[i].width);

    // The zone's abbreviation (CET, PST…) tells the operator how to read the dates.
    let info = state.tz.to_offset_info(state.now);
    let zone = info.abbreviation();
    let header = TableRow::new([
        Cell::from(""),
        Cell::from("Name"),
        Cell::from(format!("Deletion ({zone})")),
        Cell::from("Time left"),
        Cell::from("Description"),
    ])
    .style(Style::new().bold().underlined());

    let height = area.height.saturating_sub(1);
    let offset = state.list.offset();
    let rows = state
        .list
        .window(offset, usize::from(height))
        .map(|row| table_row(state, row, &width));

    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut table_state =
        TableState::default().with_selected(state.list.cursor().map(|c| c - offset));
    frame.render_stateful_widget(table, area, &mut table_state);
}

/// Names matter most: they get the room they need, leaving the description
/// at least a third of what is left, up to 24 columns.
fn name_width(total: u16, longest: usize) -> u16 {
    // Marker, date, time left and four gaps.
    let rest = total.saturating_sub(1 + 16 + 9 + 4);
    let description = (rest / 3).min(24);
    let longest = u16::try_from(longest).unwrap_or(u16::MAX).max(4);
    longest.min(rest - description)
}

fn table_row<'a>(state: &State, row: &'a Row, width: &impl Fn(usize) -> usize) -> TableRow<'a> {
    let left = time_left(row.purge, state.now);
    let style = match urgency(left) {
        Urgency::Overdue | Urgency::Imminent => Style::new().fg(Color::Red),
        Urgency::Soon => Style::new().fg(Color::Yellow),
        Urgency::Later => Style::new(),
    };
    let marker = match row.restore {
        RestoreState::Idle => Cell::from(""),
        RestoreState::Restoring => Cell::from(super::spinner(state).to_string()).cyan(),
        RestoreState::Failed(_) => Cell::from("✗").red().bold(),
    };
    let date = state
        .tz
        .to_datetime(row.purge)
        .strftime(DATE_FORMAT)
        .to_string();
    let description = row.secret.description.as_deref().unwrap_or("");
    TableRow::new([
        marker,
        if row.secret.name.is_empty() {
            // ListSecrets leaves every field optional.
            Cell::from("(no name)").dim()
        } else {
            Cell::from(cell(&row.secret.name, width(1)))
        },
        Cell::from(date),
        Cell::from(format_left(left)),
        Cell::from(cell(description, width(4))).dim(),
    ])
    .style(style)
}

fn render_empty(frame: &mut Frame, area: Rect, state: &State) {
    let (text, style) = if !state.list.is_empty() {
        let query = cell(state.filter.value(), usize::from(area.width) / 2);
        (
            format!("No pending secret matches \"{query}\" · Esc clears the filter"),
            Style::new().dim(),
        )
    } else if state.load.loading {
        (
            "Looking for secrets scheduled for deletion…".to_owned(),
            Style::new().dim(),
        )
    } else if state.load.completed {
        (
            "Nothing is scheduled for deletion".to_owned(),
            Style::new().green(),
        )
    } else {
        (String::new(), Style::new())
    };
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(Line::styled(text, style).centered()), middle);
}
