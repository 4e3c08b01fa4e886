//! The sources pane: every source under its account's heading, a failing
//! one with its error and fix; a window over it that scrolls, and a
//! switch to the failing sources only. It is laid out here, in lines for
//! the screen's width, so the lines scrolled are the lines drawn.

mod lines;

use super::{Action, Mode, State};
pub use lines::{Columns, LineKind, PaneLine};

/// Where the pane is scrolled to, and whether it shows only the failing
/// sources (kept while it is closed: the operator's choice).
#[derive(Debug, Clone, Default)]
pub struct SourcesPane {
    scroll: usize,
    failing_only: bool,
}

/// The pane as it is drawn now.
#[derive(Debug)]
pub struct SourcesView<'a> {
    pub lines: Vec<PaneLine<'a>>,
    pub columns: Columns,
    /// The first line in the window, kept within the lines.
    pub scroll: usize,
    /// How many lines the window holds.
    pub rows: usize,
    /// Sources under the headings, and sources in all.
    pub shown: usize,
    pub total: usize,
    pub failing_only: bool,
}

impl SourcesView<'_> {
    /// The lines in the window.
    pub fn window(&self) -> &[PaneLine<'_>] {
        let end = (self.scroll + self.rows).min(self.lines.len());
        &self.lines[self.scroll.min(end)..end]
    }

    /// "rows 1–28 of 1,912"; `None` when there are none.
    pub fn position(&self) -> Option<String> {
        let shown = self.window().len();
        if shown == 0 {
            return None;
        }
        let n = crate::text::thousands;
        Some(format!(
            "rows {}–{} of {}",
            n(self.scroll + 1),
            n(self.scroll + shown),
            n(self.lines.len())
        ))
    }

    /// "Sources · 1,700", or "Sources · failing only · 3 of 1,700".
    pub fn title(&self) -> String {
        let n = crate::text::thousands;
        if self.failing_only {
            format!(
                "Sources · failing only · {} of {}",
                n(self.shown),
                n(self.total)
            )
        } else {
            format!("Sources · {}", n(self.total))
        }
    }

    fn last_scroll(&self) -> usize {
        self.lines.len().saturating_sub(self.rows)
    }
}

impl State {
    /// The sources pane laid out for the screen: one pass over the sources.
    pub fn sources_view(&self) -> SourcesView<'_> {
        let (width, height) = self.size;
        let room = crate::layout::sources_pane(width, height);
        let (lines, columns, shown) = lines::lay_out(self, self.sources_pane.failing_only, room);
        let mut view = SourcesView {
            lines,
            columns,
            scroll: 0,
            rows: room.rows,
            shown,
            total: self.feeds.len(),
            failing_only: self.sources_pane.failing_only,
        };
        // Lines come and go as sources answer: the window stays within them.
        view.scroll = self.sources_pane.scroll.min(view.last_scroll());
        view
    }
}

/// Opens the pane at its top.
pub(super) fn open(state: &mut State) {
    state.sources_pane.scroll = 0;
    state.mode = Mode::Sources;
}

/// The pane's own keys: `false` for an action it leaves to others.
pub(super) fn on_action(state: &mut State, action: Action) -> bool {
    use Action::*;
    if !matches!(
        action,
        Up | Down | PageUp | PageDown | Top | Bottom | FailingOnly
    ) {
        return false;
    }
    let (at, last, rows) = {
        let view = state.sources_view();
        (view.scroll, view.last_scroll(), view.rows)
    };
    // A page keeps one line of the last in view.
    let page = rows.saturating_sub(1).max(1);
    let pane = &mut state.sources_pane;
    pane.scroll = match action {
        Up => at.saturating_sub(1),
        Down => (at + 1).min(last),
        PageUp => at.saturating_sub(page),
        PageDown => (at + page).min(last),
        Top => 0,
        Bottom => last,
        _ => {
            pane.failing_only = !pane.failing_only;
            0
        }
    };
    true
}
