//! Drawing: a function of `State`, nothing else.

mod areas;
mod confirm;
mod dates;
mod details;
mod help;
mod hints;
mod overlay;
mod sources;
mod table;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{Action, Mode, State, Tone};
use crate::keys::Scope;
use crate::layout::Footer;
use crate::text::{cell, char_width, sanitize, thousands};
use areas::{Areas, split};
pub use theme::Theme;

/// The screen's areas for this state, and the footer text as drawn.
fn layout(area: Rect, state: &State) -> (Areas, Footer) {
    let footer = state.footer(area.width);
    (split(area, &footer), footer)
}

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

fn spinner(state: &State) -> char {
    let frame = state.now().as_millisecond().rem_euclid(1000) / 100;
    SPINNER[frame as usize % SPINNER.len()]
}

/// Draws the whole screen. `true` unless a confirmation is open and could
/// not be drawn in full (the terminal is too small for it).
pub fn render(frame: &mut Frame, state: &State) -> bool {
    let (
        Areas {
            header,
            filter,
            body,
            note,
            status,
            hints,
        },
        footer,
    ) = layout(frame.area(), state);

    render_header(frame, header, state);
    render_filter(frame, filter, state);
    if let Some(error) = state.startup_error() {
        overlay::startup_error(frame, body, state, error);
    } else {
        table::render(frame, body, state);
    }
    let lines = |lines: &[String], style: Style| {
        Paragraph::new(
            lines
                .iter()
                .map(|l| Line::styled(l.clone(), style))
                .collect::<Vec<_>>(),
        )
    };
    frame.render_widget(lines(&footer.note, Style::new().dim()), note);
    if let Some(s) = state.status() {
        let style = match s.tone {
            Tone::Info => Style::new(),
            Tone::Success => Style::new().fg(Color::Green),
            Tone::Error => Style::new().fg(Color::Red),
        };
        frame.render_widget(lines(&footer.status, style), status);
    }
    render_hints(frame, hints, state);

    match state.mode() {
        Mode::Confirm(target) => return confirm::confirm(frame, state, target),
        Mode::ConfirmMany(bulk) => return confirm::confirm_many(frame, state, bulk),
        Mode::Help => help::help(frame),
        Mode::Message => overlay::message(frame, state),
        Mode::Sources => sources::sources(frame, state),
        Mode::Details { arn, scroll } => details::details(frame, state, arn, *scroll),
        Mode::ConfirmQuit => confirm::confirm_quit(frame, state),
        Mode::List | Mode::Filter => {}
    }
    true
}

fn render_header(frame: &mut Frame, area: Rect, state: &State) {
    // The title keeps its room; the counts shorten first.
    let summary = sources_summary(state);
    let title_room = 12
        + crate::text::display_width(&summary).min(40)
        + 10 * usize::from(state.is_read_only())
        + 17 * usize::from(state.stopped().is_some())
        + 11 * usize::from(state.in_production());
    let full = header_counts(state, false);
    let counts = if full.width() + title_room > usize::from(area.width) {
        header_counts(state, true)
    } else {
        full
    };
    let counts_width = u16::try_from(counts.width()).unwrap_or(u16::MAX);
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(counts_width)]).areas(area);

    let title = " reprieve ";
    let room = usize::from(left.width).saturating_sub(title.len() + 2);
    let theme = theme::active();
    let mut spans = vec![Span::styled(title, theme.header), Span::raw(" ")];
    let mut room = room;
    // Said before anything else: what a restore here would touch.
    if state.in_production() {
        spans.push(Span::styled("PRODUCTION", theme.urgent.bold()));
        spans.push(Span::raw(" "));
        room = room.saturating_sub(11);
    }
    if state.is_read_only() {
        spans.push(Span::styled("READ-ONLY", Style::new().bold().yellow()));
        spans.push(Span::raw(" "));
        room = room.saturating_sub(10);
    } else if state.stopped().is_some() {
        spans.push(Span::styled("RESTORES STOPPED", Style::new().bold().red()));
        spans.push(Span::raw(" "));
        room = room.saturating_sub(17);
    }
    spans.push(Span::raw(cell(&summary, room)));
    let title = Line::from(spans);
    frame.render_widget(Paragraph::new(title), left);
    frame.render_widget(Paragraph::new(counts), right);
}

/// Who and where: the source and identity when there is one; a count of
/// accounts, regions and failures when there are many.
fn sources_summary(state: &State) -> String {
    let feeds = state.feeds();
    if let [feed] = feeds {
        return match &feed.identity {
            Some(id) => {
                let who = id.arn.rsplit(['/', ':']).next().unwrap_or("");
                let account = state.account_label(&id.account);
                format!("{} · {account} {who}", feed.source.label)
            }
            None => feed.source.label.clone(),
        };
    }
    let live = || feeds.iter().filter(|f| f.duplicate_of.is_none());
    let regions: std::collections::HashSet<_> = live().map(|f| &f.source.region).collect();
    let accounts: std::collections::HashSet<_> = live().filter_map(|f| f.known_account()).collect();
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let mut text = format!(
        "{} · {}",
        plural(accounts.len(), "account"),
        plural(regions.len(), "region")
    );
    let failing = state.failing();
    if failing > 0 {
        text.push_str(&format!(" · {failing} failing (s)"));
    }
    text
}

/// "⠋ Dating by CloudTrail, page 3 · 44 scheduled for deletion · 604
/// secrets scanned", or, `short`, "⠋ CloudTrail p3 · 44 pending · 604 scanned".
fn header_counts(state: &State, short: bool) -> Line<'static> {
    let busy = Style::new().fg(Color::Cyan);
    let mut counts = Vec::new();
    if state.loading() {
        let text = if short { "Listing" } else { "Loading…" };
        counts.push(Span::styled(format!("{} {text} · ", spinner(state)), busy));
    }
    if let Some(pages) = state.dating() {
        let page = pages + 1;
        let text = if short {
            format!("CloudTrail p{page}")
        } else {
            format!("Dating by CloudTrail, page {page}")
        };
        counts.push(Span::styled(format!("{} {text} · ", spinner(state)), busy));
    }
    let asked = state.list().asked();
    if asked > 0 {
        let text = if short {
            format!("{asked} asked for · ")
        } else {
            format!("{asked} still asked for (u) · ")
        };
        counts.push(Span::styled(text, Style::new().magenta().bold()));
    }
    let marked = state.marks().len();
    if marked > 0 {
        counts.push(Span::styled(
            format!("{marked} marked · "),
            theme::active().marks,
        ));
    }
    if state.startup_error().is_none() {
        let pending = thousands(state.list().len());
        let shown = if state.list().query().is_empty() {
            pending
        } else {
            format!("{} of {pending}", thousands(state.list().visible_len()))
        };
        let scanned = thousands(state.scanned());
        // A listing that stopped early must not read as all there is.
        let (more, cut) = if state.incomplete() {
            (
                "+",
                if short {
                    ", incomplete"
                } else {
                    ", listing incomplete"
                },
            )
        } else {
            ("", "")
        };
        let text = if short {
            format!("{shown}{more} pending · {scanned} scanned{cut} ")
        } else {
            format!("{shown}{more} scheduled for deletion · {scanned} secrets scanned{cut} ")
        };
        let style = if cut.is_empty() {
            Style::new()
        } else {
            Style::new().fg(Color::Yellow)
        };
        counts.push(Span::styled(text, style));
    }
    Line::from(counts)
}

fn render_filter(frame: &mut Frame, area: Rect, state: &State) {
    let prompt = Span::styled(" / ", Style::new().bold());
    match state.mode() {
        Mode::Filter => {
            let width = usize::from(area.width.saturating_sub(4)).max(1);
            let (shown, column) =
                filter_window(state.filter().value(), state.filter().cursor(), width);
            let line = Line::from(vec![prompt, Span::raw(shown)]);
            frame.render_widget(Paragraph::new(line), area);
            let x = area.x + 3 + u16::try_from(column).unwrap_or(u16::MAX);
            frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
        }
        _ if !state.list().query().is_empty() => {
            let line = Line::from(vec![
                prompt,
                Span::raw(cell(state.filter().value(), usize::from(area.width) / 2)),
                Span::styled("   Esc clears", Style::new().dim()),
            ]);
            frame.render_widget(Paragraph::new(line), area);
        }
        _ => {}
    }
}

/// The part of the typed filter that fits `width` columns with the cursor
/// in view, and the cursor's column in it. Counted in screen columns, so
/// wide characters and control stand-ins land the cursor where it shows.
fn filter_window(value: &str, cursor: usize, width: usize) -> (String, usize) {
    // One stand-in per control character: char positions are unchanged.
    let chars: Vec<char> = sanitize(value).chars().collect();
    let cursor = cursor.min(chars.len());
    let w = |c: &char| char_width(*c);
    let mut column: usize = chars[..cursor].iter().map(w).sum();
    let mut start = 0;
    while column >= width && start < cursor {
        column -= w(&chars[start]);
        start += 1;
    }
    let shown: String = chars[start..].iter().collect();
    (cell(&shown, width), column)
}

fn render_hints(frame: &mut Frame, area: Rect, state: &State) {
    let hints = match (state.mode(), state.startup_error()) {
        (Mode::List, Some(_)) => hints::startup_error_hints(),
        // Nothing can be restored: the footer does not offer it.
        (Mode::List, None) if state.is_read_only() || state.stopped().is_some() => {
            hints::hint_line_where(Scope::List, |a| a != Action::Restore)
        }
        (mode, _) => hints::hint_line(Scope::of(mode)),
    };
    let mut spans = vec![Span::raw(" ")];
    spans.extend(hints.spans);
    if state.mode() == &Mode::List && state.list().asked_first() {
        spans.push(Span::styled(
            " · order: still asked for first (u: soonest purge)",
            Style::new().magenta(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::filter_window;

    #[test]
    fn the_filter_cursor_counts_screen_columns() {
        assert_eq!(filter_window("postgres", 8, 40), ("postgres".into(), 8));
        // Two columns per wide character.
        assert_eq!(filter_window("東京/db", 5, 40), ("東京/db".into(), 7));
        assert_eq!(filter_window("東京/db", 1, 40).1, 2);
        // Control characters show as one-column stand-ins.
        assert_eq!(filter_window("a\u{1b}b", 3, 40), ("a␛b".into(), 3));
        // Past the width, the start scrolls out and the cursor stays in view.
        let (shown, column) = filter_window(&"東".repeat(30), 30, 10);
        assert!(column < 10, "{column}");
        assert!(shown.starts_with('東'));
    }
}
