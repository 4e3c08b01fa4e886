//! The footer's key hints, straight from the keymap.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

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

/// The only keys that help on the startup error screen.
pub(super) fn startup_error_hints() -> Line<'static> {
    hint_line_where(Scope::List, |a| {
        matches!(a, Action::Refresh | Action::Quit | Action::ShowSources)
    })
}
