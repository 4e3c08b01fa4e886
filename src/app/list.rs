//! The pending secrets, their order, the name filter and the selection.
//!
//! Rows are kept sorted soonest purge first. The selection is remembered by
//! ARN, so it survives new pages, refreshes and filter changes.

use std::collections::HashMap;

use crate::purge::Dates;
use crate::store::{Arn, PendingSecret, StoreError};
use crate::text::display_width;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreState {
    Idle,
    Restoring,
    Failed(StoreError),
}

#[derive(Debug, Clone)]
pub struct Row {
    pub secret: PendingSecret,
    pub dates: Dates,
    pub restore: RestoreState,
    /// Lowercased name, for the case-insensitive filter.
    name_lower: String,
    /// The load generation that last listed this row.
    seen: u64,
}

impl Row {
    fn new(secret: PendingSecret, dates: Dates, seen: u64) -> Self {
        Row {
            dates,
            name_lower: secret.name.to_lowercase(),
            secret,
            restore: RestoreState::Idle,
            seen,
        }
    }

    /// Soonest possible purge first; name and ARN keep ties stable.
    fn order(&self) -> (jiff::Timestamp, &str, &Arn) {
        (
            self.dates.purge.earliest(),
            &self.secret.name,
            &self.secret.arn,
        )
    }
}

/// Where the selection is, and how it got there.
#[derive(Debug, Default)]
struct Selection {
    /// The selected secret; it is followed through new pages and filters.
    arn: Option<Arn>,
    /// Row index of the selection when last seen; where to land if it leaves.
    anchor: usize,
    /// Position of the selection within the visible rows.
    cursor: usize,
    /// First visible position drawn on screen.
    offset: usize,
    /// The operator has moved the selection; until then it rests on the
    /// top row, whatever arrives above it.
    moved: bool,
}

#[derive(Debug, Default)]
pub struct SecretList {
    rows: Vec<Row>,
    by_arn: HashMap<Arn, usize>,
    /// Indexes into `rows` that match the filter, in row order.
    visible: Vec<usize>,
    query: String,
    selection: Selection,
    viewport: usize,
    /// Columns taken by the longest visible name, for sizing the name column.
    name_width: usize,
}

impl SecretList {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn name_width(&self) -> usize {
        self.name_width
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn get(&self, arn: &Arn) -> Option<&Row> {
        self.by_arn.get(arn).map(|&i| &self.rows[i])
    }

    pub fn get_mut(&mut self, arn: &Arn) -> Option<&mut Row> {
        self.by_arn.get(arn).map(|&i| &mut self.rows[i])
    }

    pub fn selected(&self) -> Option<&Row> {
        let i = *self.visible.get(self.selection.cursor)?;
        Some(&self.rows[i])
    }

    /// Position of the selection among the visible rows.
    pub fn cursor(&self) -> Option<usize> {
        (!self.visible.is_empty()).then_some(self.selection.cursor)
    }

    pub fn offset(&self) -> usize {
        self.selection.offset
    }

    /// The visible rows from `offset`, at most `n` of them.
    pub fn window(&self, offset: usize, n: usize) -> impl Iterator<Item = &Row> {
        self.visible
            .iter()
            .skip(offset)
            .take(n)
            .map(|&i| &self.rows[i])
    }

    /// The rows drawn on screen now.
    pub fn on_screen(&self) -> impl Iterator<Item = &Row> {
        self.window(self.selection.offset, self.viewport.max(1))
    }

    pub fn visible_rows(&self) -> impl Iterator<Item = &Row> {
        self.window(0, usize::MAX)
    }

    /// Every row, in order, filtered or not.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter()
    }

    /// Adds or updates listed secrets, keeping any restore in progress.
    pub fn upsert(&mut self, secrets: Vec<(PendingSecret, Dates)>, generation: u64) {
        for (secret, dates) in secrets {
            match self.by_arn.get(&secret.arn) {
                Some(&i) => {
                    let row = &mut self.rows[i];
                    row.dates = dates;
                    row.name_lower = secret.name.to_lowercase();
                    row.secret = secret;
                    row.seen = generation;
                }
                None => {
                    self.by_arn.insert(secret.arn.clone(), self.rows.len());
                    self.rows.push(Row::new(secret, dates, generation));
                }
            }
        }
        self.resort();
    }

    /// New dates for rows already listed (CloudTrail answered); re-sorts
    /// only when something changed.
    pub fn set_dates(&mut self, changes: Vec<(Arn, Dates)>) {
        let mut changed = false;
        for (arn, dates) in changes {
            if let Some(&i) = self.by_arn.get(&arn)
                && self.rows[i].dates != dates
            {
                self.rows[i].dates = dates;
                changed = true;
            }
        }
        if changed {
            self.resort();
        }
    }

    fn resort(&mut self) {
        self.rows.sort_by(|a, b| a.order().cmp(&b.order()));
        self.reindex();
    }

    /// After a complete listing: drops rows it did not list. A row being
    /// restored stays until its own result arrives.
    pub fn retain_seen(&mut self, generation: u64) {
        let before = self.rows.len();
        self.rows
            .retain(|r| r.seen >= generation || r.restore == RestoreState::Restoring);
        if self.rows.len() != before {
            self.reindex();
        }
    }

    pub fn remove(&mut self, arn: &Arn) -> Option<Row> {
        let i = self.by_arn.get(arn).copied()?;
        let row = self.rows.remove(i);
        self.reindex();
        Some(row)
    }

    pub fn set_query(&mut self, query: &str) {
        let query = query.to_lowercase();
        if query != self.query {
            self.query = query;
            self.reconcile();
        }
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
        let i = self.visible[pos];
        self.selection.anchor = i;
        self.selection.arn = Some(self.rows[i].secret.arn.clone());
        self.scroll();
    }

    fn reindex(&mut self) {
        self.by_arn.clear();
        for (i, row) in self.rows.iter().enumerate() {
            self.by_arn.insert(row.secret.arn.clone(), i);
        }
        self.reconcile();
    }

    /// Rebuilds the visible rows and puts the selection back on its secret,
    /// or, when that secret left the view, on the next row below it.
    fn reconcile(&mut self) {
        let query = &self.query;
        self.visible = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| query.is_empty() || r.name_lower.contains(query.as_str()))
            .map(|(i, _)| i)
            .collect();
        self.name_width = self
            .visible
            .iter()
            .map(|&i| display_width(&self.rows[i].secret.name))
            .max()
            .unwrap_or(0);
        if self.visible.is_empty() {
            self.selection.cursor = 0;
            self.selection.offset = 0;
            return;
        }
        // A selection that is filtered out lands on the next match below it;
        // one that is gone lands where it used to be.
        let current = self
            .selection
            .arn
            .as_ref()
            .and_then(|arn| self.by_arn.get(arn));
        let pos = match (current, &self.selection.arn) {
            _ if !self.selection.moved => 0,
            (Some(i), _) => self.visible.partition_point(|v| v < i),
            (None, None) => 0,
            (None, Some(_)) => self.visible.partition_point(|&v| v < self.selection.anchor),
        };
        let pos = pos.min(self.visible.len() - 1);
        self.select_at(pos);
    }

    /// Keeps the selection on screen, moving the window as little as possible.
    fn scroll(&mut self) {
        let height = self.viewport.max(1);
        if self.selection.cursor < self.selection.offset {
            self.selection.offset = self.selection.cursor;
        } else if self.selection.cursor >= self.selection.offset + height {
            self.selection.offset = self.selection.cursor + 1 - height;
        }
        // Never leave blank space below the last row when rows could fill it.
        let max_offset = self.visible.len().saturating_sub(height);
        self.selection.offset = self.selection.offset.min(max_offset);
    }
}
