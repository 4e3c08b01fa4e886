//! The selection: remembered by ARN, so it survives new pages, refreshes
//! and filter changes, and kept on screen.

use jiff::Timestamp;

use super::{Key, Row, SecretList};
use crate::store::Arn;

/// Where the selection is, and how it got there.
#[derive(Debug, Default)]
pub(super) struct Selection {
    /// The selected secret; it is followed through new pages and filters.
    arn: Option<Arn>,
    /// The selection's place in the order when last seen: where to land if
    /// it leaves.
    anchor: Option<(bool, Timestamp, String, String)>,
    /// Position of the selection within the visible rows.
    cursor: usize,
    /// First visible position drawn on screen.
    offset: usize,
    /// The operator has moved the selection; until then it rests on the
    /// top row, whatever arrives above it.
    moved: bool,
}

impl SecretList {
    pub fn selected(&self) -> Option<&Row> {
        let &id = self.visible.get(self.selection.cursor)?;
        Some(self.row(id))
    }

    /// Position of the selection among the visible rows.
    pub fn cursor(&self) -> Option<usize> {
        (!self.visible.is_empty()).then_some(self.selection.cursor)
    }

    pub fn offset(&self) -> usize {
        self.selection.offset
    }

    /// The rows drawn on screen now.
    pub fn on_screen(&self) -> impl Iterator<Item = &Row> {
        self.window(self.selection.offset, self.viewport.max(1))
    }

    pub fn set_viewport(&mut self, rows: usize) {
        self.viewport = rows;
        self.scroll();
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        self.selection.moved = true;
        let last = self.visible.len() - 1;
        let target = self.selection.cursor.saturating_add_signed(delta).min(last);
        self.select_at(target);
    }

    pub fn page(&mut self, pages: isize) {
        let step = self.viewport.max(1) as isize;
        self.move_by(pages * step);
    }

    pub fn select_first(&mut self) {
        self.selection.moved = false;
        if !self.visible.is_empty() {
            self.select_at(0);
        }
    }

    pub fn select_last(&mut self) {
        self.selection.moved = true;
        if let Some(last) = self.visible.len().checked_sub(1) {
            self.select_at(last);
        }
    }

    fn select_at(&mut self, pos: usize) {
        self.selection.cursor = pos;
        let id = self.visible[pos];
        let row = self.row(id);
        let (later, at, name, arn) = self.key(id);
        let anchor = (later, at, name.to_owned(), arn.to_owned());
        let selected = row.secret.arn.clone();
        self.selection.anchor = Some(anchor);
        self.selection.arn = Some(selected);
        self.scroll();
    }

    /// Puts the selection back on its secret or, when that secret left the
    /// view, on the next row below where it was.
    pub(super) fn reconcile(&mut self) {
        if self.visible.is_empty() {
            self.selection.cursor = 0;
            self.selection.offset = 0;
            return;
        }
        let pos = if !self.selection.moved {
            0
        } else if let Some(id) = self.selection.arn.as_ref().and_then(|a| self.by_arn.get(a)) {
            let key = self.key(id);
            self.visible.partition_point(|&other| self.key(other) < key)
        } else if let Some((later, at, name, arn)) = &self.selection.anchor {
            let key: Key<'_> = (*later, *at, name, arn);
            self.visible.partition_point(|&other| self.key(other) < key)
        } else {
            0
        };
        let pos = pos.min(self.visible.len() - 1);
        self.select_at(pos);
    }

    /// Keeps the selection on screen, moving the window as little as possible.
    fn scroll(&mut self) {
        let height = self.viewport.max(1);
        let s = &mut self.selection;
        if s.cursor < s.offset {
            s.offset = s.cursor;
        } else if s.cursor >= s.offset + height {
            s.offset = s.cursor + 1 - height;
        }
        // Never leave blank space below the last row when rows could fill it.
        let max_offset = self.visible.len().saturating_sub(height);
        s.offset = s.offset.min(max_offset);
    }
}
