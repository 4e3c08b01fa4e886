//! The footer's key hints, straight from the keymap.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::app::Action;
use crate::keys::{self, Scope};

/// "y/Enter restore · n/Esc cancel": every hinted binding of the scope.
pub(super) fn hint_line(scope: Scope) -> Line<'static> {
    hint_line_where(scope, |_| true)
}

pub(super) fn hint_line_where(scope: Scope, keep: impl Fn(Action) -> bool) -> Line<'static> {
    let mut spans = Vec::new();
    for b in keys::bindings(scope).filter(|b| keep(b.action)) {
        let Some(hint) = b.hint else { continue };
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", Style::new().dim()));
        }
        spans.push(Span::styled(b.hint_label(), Style::new().bold()));
        spans.push(Span::styled(format!(" {hint}"), Style::new().dim()));
    }
    Line::from(spans)
}

/// Every hinted binding of the scope, packed into lines of at most
/// `width` columns, at most `max` of them (the last takes what is left).
pub(super) fn hint_lines(scope: Scope, width: usize, max: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = vec![Line::default()];
    for b in keys::bindings(scope) {
        let Some(hint) = b.hint else { continue };
        let label = b.hint_label();
        let wide = UnicodeWidthStr::width(label.as_str()) + 1 + hint.chars().count();
        let used = lines.last().map_or(0, Line::width);
        if used > 0 && used + 3 + wide > width && lines.len() < max {
            lines.push(Line::default());
        }
        let Some(line) = lines.last_mut() else { break };
        if line.width() > 0 {
            line.spans.push(Span::styled(" · ", Style::new().dim()));
        }
        line.spans.push(Span::styled(label, Style::new().bold()));
        line.spans
            .push(Span::styled(format!(" {hint}"), Style::new().dim()));
    }
    lines
}

/// The only keys that help on the startup error screen.
pub(super) fn startup_error_hints() -> Line<'static> {
    hint_line_where(Scope::List, |a| {
        matches!(a, Action::Refresh | Action::Quit | Action::ShowSources)
    })
}
