//! The list of pending secrets.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table, TableState};

use super::dates;
use crate::app::State;
use crate::app::feeds::arn_region_account;
use crate::app::list::{RestoreState, Row};
use crate::purge::{Urgency, time_left, urgency};
use crate::text::{cell, display_width, sanitize};

/// The columns, in screen order. Name, purge and time left always show;
/// the rest give way on narrow terminals, in the reverse of `OPTIONAL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Marker,
    Name,
    /// With more than one region or account among the sources.
    Region,
    Account,
    Purge,
    Left,
    /// Refused reads since the deletion, once any secret has them.
    Reads,
    Deleted,
    By,
    Description,
}

const ORDER: [Column; 10] = [
    Column::Marker,
    Column::Name,
    Column::Region,
    Column::Account,
    Column::Purge,
    Column::Left,
    Column::Reads,
    Column::Deleted,
    Column::By,
    Column::Description,
];
/// Kept first when room runs out.
const OPTIONAL: [Column; 3] = [Column::By, Column::Deleted, Column::Description];

const DATE_WIDTH: u16 = dates::DATE_WIDTH;
const PURGE_WIDTH: u16 = dates::PURGE_WIDTH;
const LEFT_WIDTH: u16 = 10;
/// Optional columns show only while names keep this much room (or all
/// they need, when less).
const NAME_FLOOR: u16 = 40;
const BY_MAX: u16 = 20;
const DESCRIPTION_MIN: u16 = 16;

/// Which columns fit in `total` cells, and how wide each is.
/// Which of Region and Account the sources make worth a column.
#[derive(Debug, Clone, Copy, Default)]
struct Spread {
    regions: bool,
    accounts: bool,
    /// The longest region name among the sources.
    region_width: u16,
    /// A row on screen is still asked for, or was in use when deleted.
    reads: bool,
    /// The longest account label (a name from the config file, or the id).
    account_width: u16,
}

fn spread(state: &State) -> Spread {
    use std::collections::HashSet;
    let feeds = state.feeds().iter().filter(|f| f.duplicate_of.is_none());
    let regions: HashSet<_> = feeds.clone().map(|f| &f.source.region).collect();
    // A source whose identity is not known yet counts as no account.
    let accounts: HashSet<_> = feeds.filter_map(|f| f.account()).collect();
    let account_width = accounts
        .iter()
        .map(|a| display_width(state.account_label(a)))
        .max()
        .unwrap_or(0);
    let longest = regions
        .iter()
        .filter_map(|r| r.as_ref())
        .map(|r| r.len())
        .max()
        .unwrap_or(0);
    Spread {
        regions: regions.len() > 1,
        accounts: accounts.len() > 1,
        region_width: u16::try_from(longest)
            .unwrap_or(REGION_WIDTH)
            .clamp(6, REGION_WIDTH),
        reads: state.list().asked() > 0 || state.list().on_screen().any(Row::in_use),
        account_width: u16::try_from(account_width)
            .unwrap_or(ACCOUNT_MAX)
            .clamp(ACCOUNT_WIDTH, ACCOUNT_MAX),
    }
}

/// "ap-southeast-4".
const REGION_WIDTH: u16 = 14;
/// "Reads", and a count or "used".
const READS_WIDTH: u16 = 5;
/// An account id; a name from the config file may take more, to this.
const ACCOUNT_WIDTH: u16 = 12;
const ACCOUNT_MAX: u16 = 24;

fn layout(
    total: u16,
    longest_name: usize,
    longest_by: usize,
    spread: Spread,
) -> Vec<(Column, u16)> {
    let longest_name = u16::try_from(longest_name).unwrap_or(u16::MAX).max(4);
    let by = u16::try_from(longest_by)
        .unwrap_or(u16::MAX)
        .clamp(2, BY_MAX);
    let fixed = |c: Column| match c {
        Column::Marker => 1,
        Column::Purge => PURGE_WIDTH,
        Column::Left => LEFT_WIDTH,
        Column::Deleted => DATE_WIDTH,
        Column::By => by,
        Column::Description => DESCRIPTION_MIN,
        Column::Region => spread.region_width,
        Column::Account => spread.account_width.max(ACCOUNT_WIDTH),
        Column::Reads => READS_WIDTH,
        Column::Name => 0,
    };
    let wanted = |c: &Column| match c {
        Column::Region => spread.regions,
        Column::Account => spread.accounts,
        Column::Reads => spread.reads,
        c => !OPTIONAL.contains(c),
    };
    let mut shown: Vec<Column> = ORDER.into_iter().filter(wanted).collect();
    let need = |cols: &[Column]| -> u16 {
        let gaps = u16::try_from(cols.len().saturating_sub(1)).unwrap_or(0);
        cols.iter().map(|&c| fixed(c)).sum::<u16>() + gaps
    };
    let name_floor = longest_name.min(NAME_FLOOR);
    for c in OPTIONAL {
        let mut with = shown.clone();
        with.push(c);
        if need(&with) + name_floor <= total {
            shown = with;
        }
    }
    // Names get the room they need; the description takes what is left.
    let name = longest_name.min(total.saturating_sub(need(&shown)));
    ORDER
        .into_iter()
        .filter(|c| shown.contains(c))
        .map(|c| {
            let width = match c {
                Column::Name => name,
                Column::Description => total.saturating_sub(need(&shown) + name) + DESCRIPTION_MIN,
                c => fixed(c),
            };
            (c, width)
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    if state.list().visible_len() == 0 {
        render_empty(frame, area, state);
        return;
    }
    let height = area.height.saturating_sub(1);
    let offset = state.list().offset();
    let window: Vec<&Row> = state.list().window(offset, usize::from(height)).collect();
    let longest_by = window
        .iter()
        .map(|r| display_width(&dates::deleted_by(&r.dates)))
        .max()
        .unwrap_or(0);
    let columns = layout(
        area.width,
        state.list().name_width(),
        longest_by,
        spread(state),
    );
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|&(_, w)| Constraint::Length(w))
        .collect();

    // The zone's abbreviation (CET, PST…) tells the operator how to read the dates.
    let zone = dates::zone(state);
    let header = TableRow::new(columns.iter().map(|&(c, _)| {
        Cell::from(match c {
            Column::Marker => String::new(),
            Column::Name => "Name".to_owned(),
            Column::Purge => format!("Purge ({zone})"),
            Column::Left => "Time left".to_owned(),
            Column::Deleted => format!("Deleted ({zone})"),
            Column::By => "By".to_owned(),
            Column::Description => "Description".to_owned(),
            Column::Region => "Region".to_owned(),
            Column::Account => "Account".to_owned(),
            Column::Reads => "Reads".to_owned(),
        })
    }))
    .style(Style::new().bold().underlined());

    let rows = window
        .into_iter()
        .map(|row| table_row(state, row, &columns));
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut table_state =
        TableState::default().with_selected(state.list().cursor().map(|c| c - offset));
    frame.render_stateful_widget(table, area, &mut table_state);
}

fn table_row<'a>(state: &State, row: &'a Row, columns: &[(Column, u16)]) -> TableRow<'a> {
    let purge = row.dates.purge;
    let theme = super::theme::active();
    let style = match urgency(purge, state.now()) {
        Urgency::Overdue | Urgency::Imminent => theme.urgent,
        Urgency::Soon => theme.soon,
        Urgency::Later => Style::new(),
    };
    let cells = columns.iter().map(|&(column, width)| {
        let width = usize::from(width);
        match column {
            Column::Marker => match row.restore {
                // Marked rows show without colour too.
                RestoreState::Idle if state.marks().contains(&row.secret.arn) => {
                    Cell::from("*").style(theme.marks)
                }
                RestoreState::Idle => Cell::from(""),
                RestoreState::Queued => Cell::from("…").cyan(),
                RestoreState::Restoring => Cell::from(super::spinner(state).to_string()).cyan(),
                RestoreState::Failed(_) => Cell::from("✗").red().bold(),
                RestoreState::Unknown(_) => Cell::from("?").yellow().bold(),
            },
            // ListSecrets leaves every field optional.
            Column::Name if row.secret.name.is_empty() => Cell::from("(no name)").dim(),
            Column::Name => name_cell(state, row, width),
            Column::Purge => Cell::from(dates::purge_cell(state.tz(), purge)),
            Column::Left => Cell::from(time_left(purge, state.now())),
            // Still asked for: it stands out. Read the day it was deleted:
            // something used it then, CloudTrail or not.
            Column::Reads => match row.reads() {
                Some(r) => Cell::from(r.count.to_string()).magenta().bold().reversed(),
                None if row.secret.in_use_when_deleted() => Cell::from("used").yellow(),
                None => Cell::from(""),
            },
            Column::Deleted => match row.dates.deleted_at {
                Some(at) => Cell::from(dates::date(state.tz(), at)),
                None => Cell::from("—").dim(),
            },
            Column::By => match &row.dates.deleted_by {
                Some(_) => Cell::from(cell(&dates::deleted_by(&row.dates), width)),
                None => Cell::from("—").dim(),
            },
            Column::Region => {
                Cell::from(cell(arn_region_account(row.secret.arn.as_str()).0, width))
            }
            Column::Account => {
                let account = arn_region_account(row.secret.arn.as_str()).1;
                Cell::from(cell(state.account_label(account), width))
            }
            // A failed restore says why where the description was.
            Column::Description => match &row.restore {
                RestoreState::Failed(e) => {
                    Cell::from(cell(&format!("✗ {}", e.label()), width)).red()
                }
                RestoreState::Unknown(_) => {
                    Cell::from(cell("? no answer: r tries again", width)).yellow()
                }
                _ => {
                    let description = row.secret.description.as_deref().unwrap_or("");
                    Cell::from(cell(description, width)).dim()
                }
            },
        }
    });
    TableRow::new(cells).style(style)
}

/// The name as shown, sanitised and cut to `width`, its matched characters
/// lit: computed on the shown text, so stand-ins and wide characters light
/// the right cells.
fn name_cell<'a>(state: &State, row: &Row, width: usize) -> Cell<'a> {
    let shown = cell(&row.secret.name, width);
    if state.list().query().is_empty() {
        return Cell::from(shown);
    }
    let full = sanitize(&row.secret.name);
    let lit = state.list().highlights(&full);
    if lit.is_empty() {
        return Cell::from(shown);
    }
    let style = super::theme::active().highlight;
    let mut spans: Vec<Span> = Vec::new();
    let mut run = String::new();
    let mut run_lit = false;
    let mut next = lit.iter().peekable();
    for (i, c) in shown.chars().enumerate() {
        // A cut name ends in "…": it stands for the rest, and is not lit.
        let is_lit = next.peek().is_some_and(|&&at| at as usize == i) && c != '…';
        while next.peek().is_some_and(|&&at| at as usize <= i) {
            next.next();
        }
        if is_lit != run_lit && !run.is_empty() {
            let text = std::mem::take(&mut run);
            spans.push(if run_lit {
                Span::styled(text, style)
            } else {
                Span::raw(text)
            });
        }
        run_lit = is_lit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(if run_lit {
            Span::styled(run, style)
        } else {
            Span::raw(run)
        });
    }
    Cell::from(Line::from(spans))
}

fn render_empty(frame: &mut Frame, area: Rect, state: &State) {
    let (text, style) = if !state.list().is_empty() {
        let query = cell(state.filter().value(), usize::from(area.width) / 2);
        (
            format!("No pending secret matches \"{query}\" · Esc clears the filter"),
            Style::new().dim(),
        )
    } else if state.load().loading {
        (
            "Looking for secrets scheduled for deletion…".to_owned(),
            Style::new().dim(),
        )
    } else if state.load().completed {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn layout_one(total: u16, name: usize, by: usize) -> Vec<(Column, u16)> {
        layout(total, name, by, Spread::default())
    }

    #[test]
    fn many_regions_and_accounts_get_their_columns() {
        use Column::*;
        let both = Spread {
            regions: true,
            accounts: true,
            region_width: REGION_WIDTH,
            reads: false,
            account_width: ACCOUNT_WIDTH,
        };
        let cols: Vec<Column> = layout(160, 30, 16, both).iter().map(|&(c, _)| c).collect();
        assert_eq!(&cols[..4], [Marker, Name, Region, Account]);
        let cols: Vec<Column> = layout(80, 30, 16, both).iter().map(|&(c, _)| c).collect();
        assert!(
            cols.contains(&Region) && cols.contains(&Account),
            "{cols:?}"
        );
    }

    fn names(cols: &[(Column, u16)]) -> Vec<Column> {
        cols.iter().map(|&(c, _)| c).collect()
    }

    #[test]
    fn columns_give_way_description_first_then_deleted_then_by() {
        use Column::*;
        let wide = layout_one(160, 30, 16);
        assert_eq!(
            names(&wide),
            [Marker, Name, Purge, Left, Deleted, By, Description],
            "one region, one account: no columns for them"
        );
        assert_eq!(wide.iter().map(|&(_, w)| w).sum::<u16>() + 6, 160);
        assert_eq!(
            names(&layout_one(80, 30, 16)),
            [Marker, Name, Purge, Left, By]
        );
        assert_eq!(
            layout_one(80, 30, 16)[1],
            (Name, 30),
            "names are not cut for a column"
        );
        assert_eq!(names(&layout_one(60, 30, 16)), [Marker, Name, Purge, Left]);
        let narrow = layout_one(40, 30, 16);
        assert_eq!(names(&narrow), [Marker, Name, Purge, Left]);
        assert!(narrow.iter().map(|&(_, w)| w).sum::<u16>() + 3 <= 40);
    }

    #[test]
    fn names_get_the_room_they_need_and_no_more() {
        let cols = layout_one(160, 12, 5);
        assert_eq!(cols[1], (Column::Name, 12));
        let cols = layout_one(160, 200, 5);
        let description = cols.last().unwrap().1;
        assert_eq!(
            description, DESCRIPTION_MIN,
            "description keeps some room: {cols:?}"
        );
    }
}
