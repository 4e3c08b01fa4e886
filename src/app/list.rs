//! The pending secrets, their order, the name filter and the selection.
//!
//! Rows are kept sorted soonest purge first. The selection is remembered by
//! ARN, so it survives new pages, refreshes and filter changes.
//!
//! At 100,000 rows every change costs what it touches: a page is merged
//! into the order (no re-sort), a longer query searches only what the
//! shorter one matched, and the name column's width is kept as a count of
//! names per width. Rows live in a slab and are referred to by id, so
//! neither the order nor the index moves when rows come and go.

use std::cmp::Ordering;
use std::collections::HashMap;

use jiff::Timestamp;

use super::feeds::{SourceId, arn_region_account};
use super::names::{Names, WidthCounts};
use crate::purge::Dates;
use crate::store::{Arn, PendingSecret, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreState {
    Idle,
    /// Confirmed; waits for its turn under the restore pacing.
    Queued,
    Restoring,
    Failed(Box<StoreError>),
    /// Sent, and no answer settled it: it may have been restored or not.
    Unknown(Box<StoreError>),
}

impl RestoreState {
    /// Confirmed and not answered yet.
    pub fn on_its_way(&self) -> bool {
        matches!(self, RestoreState::Queued | RestoreState::Restoring)
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub secret: PendingSecret,
    pub dates: Dates,
    pub restore: RestoreState,
    /// The source that owns it: the first (lowest) of those that listed
    /// it, so its restore always goes back through the same one.
    source: u32,
    /// That source's load generation that last listed this row.
    seen: u32,
}

/// Soonest possible purge first; name and ARN keep ties stable.
type Key<'a> = (Timestamp, &'a str, &'a str);

impl Row {
    pub fn source(&self) -> SourceId {
        self.source as SourceId
    }

    fn key(&self) -> Key<'_> {
        (
            self.dates.purge.earliest(),
            &self.secret.name,
            self.secret.arn.as_str(),
        )
    }
}

type Id = u32;

/// `State` holds at most `MAX_SOURCES`, so this never saturates.
fn small(source: SourceId) -> u32 {
    u32::try_from(source).unwrap_or(u32::MAX)
}

/// The most sources a state holds: every one has its own row ids.
pub const MAX_SOURCES: usize = u32::MAX as usize;

/// A query read as a name to search for and places to keep to:
/// `prod @eu-west-1` is names containing "prod" in eu-west-1, and `@2109`
/// rows of an account starting with 2109. Without `@`, the whole query is
/// the name, spaces and all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Scope {
    name: String,
    places: Vec<String>,
}

impl Scope {
    fn parse(query: &str) -> Scope {
        if !query.contains('@') {
            return Scope {
                name: query.to_owned(),
                places: Vec::new(),
            };
        }
        let (places, words): (Vec<&str>, Vec<&str>) =
            query.split_whitespace().partition(|w| w.starts_with('@'));
        Scope {
            name: words.join(" "),
            places: places
                .into_iter()
                .map(|p| p.trim_start_matches('@').to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
        }
    }
}

/// Where the selection is, and how it got there.
#[derive(Debug, Default)]
struct Selection {
    /// The selected secret; it is followed through new pages and filters.
    arn: Option<Arn>,
    /// The selection's place in the order when last seen: where to land if
    /// it leaves.
    anchor: Option<(Timestamp, String, String)>,
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
    /// Rows by id; `None` is a free slot.
    slab: Vec<Option<Row>>,
    free: Vec<Id>,
    by_arn: HashMap<Arn, Id>,
    /// Every row, in order.
    order: Vec<Id>,
    /// The rows that match the filter, in order.
    visible: Vec<Id>,
    names: Names,
    /// How many visible names take each width: the longest is the name
    /// column's width, kept without walking the rows.
    widths: WidthCounts,
    /// Rows whose purge is only known as a window.
    estimated: usize,
    query: String,
    /// The query, read: a name and `@` region or account words.
    scope: Scope,
    selection: Selection,
    viewport: usize,
}

impl SecretList {
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    /// Columns taken by the longest visible name.
    pub fn name_width(&self) -> usize {
        self.widths.widest()
    }

    /// Rows whose purge is only known as a 7–30-day window.
    pub fn estimated(&self) -> usize {
        self.estimated
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    fn row(&self, id: Id) -> &Row {
        match &self.slab[id as usize] {
            Some(row) => row,
            // Ids in the order and the index always name live rows.
            None => unreachable!("row {id} is listed but free"),
        }
    }

    fn row_mut(&mut self, id: Id) -> &mut Row {
        match &mut self.slab[id as usize] {
            Some(row) => row,
            None => unreachable!("row {id} is listed but free"),
        }
    }

    pub fn get(&self, arn: &Arn) -> Option<&Row> {
        self.by_arn.get(arn).map(|&id| self.row(id))
    }

    /// The ARN as the list holds it, so other structures can share it.
    pub fn shared_arn(&self, arn: &Arn) -> Option<&Arn> {
        self.by_arn.get_key_value(arn).map(|(k, _)| k)
    }

    /// Marks a row restoring, restored-failed or idle; the order is not
    /// affected.
    pub fn set_restore(&mut self, arn: &Arn, restore: RestoreState) -> bool {
        match self.by_arn.get(arn) {
            Some(&id) => {
                self.row_mut(id).restore = restore;
                true
            }
            None => false,
        }
    }

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

    /// The visible rows from `offset`, at most `n` of them.
    pub fn window(&self, offset: usize, n: usize) -> impl Iterator<Item = &Row> {
        let start = offset.min(self.visible.len());
        let end = start.saturating_add(n).min(self.visible.len());
        self.visible[start..end].iter().map(|&id| self.row(id))
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
        self.order.iter().map(|&id| self.row(id))
    }

    /// Adds or updates listed secrets, keeping any restore in progress.
    pub fn upsert(
        &mut self,
        source: SourceId,
        secrets: Vec<(PendingSecret, Dates)>,
        generation: u64,
    ) {
        let seen = u32::try_from(generation).unwrap_or(u32::MAX);
        let mut placed = Vec::with_capacity(secrets.len());
        for (secret, dates) in secrets {
            match self.by_arn.get(&secret.arn).copied() {
                // Another source owns it (two profiles reach one account
                // before STS says so): it stays with the first.
                Some(id) if self.row(id).source() < source => {}
                Some(id) => {
                    let row = self.row(id);
                    let moves = row.dates.purge.earliest() != dates.purge.earliest()
                        || row.secret.name != secret.name;
                    if moves {
                        self.unplace(id);
                    }
                    if self.row(id).secret.name != secret.name {
                        self.set_name(id, &secret.name);
                    }
                    self.count_estimate(id, -1);
                    let row = self.row_mut(id);
                    row.dates = dates;
                    row.secret = secret;
                    row.seen = seen;
                    row.source = small(source);
                    self.count_estimate(id, 1);
                    if moves {
                        placed.push(id);
                    }
                }
                None => placed.push(self.insert(source, secret, dates, seen)),
            }
        }
        self.place(placed);
    }

    /// New dates for rows already listed (CloudTrail answered); rows move
    /// only when their place changes.
    pub fn set_dates(&mut self, changes: Vec<(Arn, Dates)>) {
        let mut placed = Vec::new();
        for (arn, dates) in changes {
            let Some(&id) = self.by_arn.get(&arn) else {
                continue;
            };
            if self.row(id).dates == dates {
                continue;
            }
            let moves = self.row(id).dates.purge.earliest() != dates.purge.earliest();
            if moves {
                self.unplace(id);
                placed.push(id);
            }
            self.count_estimate(id, -1);
            self.row_mut(id).dates = dates;
            self.count_estimate(id, 1);
        }
        self.place(placed);
    }

    /// After a complete listing: drops rows it did not list. A row being
    /// restored stays until its own result arrives.
    pub fn retain_seen(&mut self, source: SourceId, generation: u64) -> Vec<Row> {
        let seen = u32::try_from(generation).unwrap_or(u32::MAX);
        let gone: Vec<Id> = self
            .order
            .iter()
            .copied()
            .filter(|&id| {
                let row = self.row(id);
                row.source() == source && row.seen < seen && !row.restore.on_its_way()
            })
            .collect();
        if gone.is_empty() {
            return Vec::new();
        }
        let rows = gone.iter().filter_map(|&id| self.forget(id)).collect();
        let slab = &self.slab;
        let live = |id: &Id| slab[*id as usize].is_some();
        self.order.retain(live);
        self.visible.retain(live);
        self.recount_widths();
        self.reconcile();
        rows
    }

    pub fn remove(&mut self, arn: &Arn) -> Option<Row> {
        let id = self.by_arn.get(arn).copied()?;
        self.unplace(id);
        let row = self.forget(id);
        self.reconcile();
        row
    }

    pub fn set_query(&mut self, query: &str) {
        let query = query.to_lowercase();
        if query == self.query {
            return;
        }
        // What matches a longer name matched the shorter one. With `@`
        // words, a search from scratch is simpler to trust.
        let scoped = query.contains('@') || self.query.contains('@');
        let narrower = !scoped && query.contains(self.query.as_str());
        self.scope = Scope::parse(&query);
        self.query = query;
        let mut visible = std::mem::take(&mut self.visible);
        if self.query.is_empty() {
            visible.clear();
            visible.extend_from_slice(&self.order);
        } else if narrower {
            visible.retain(|&id| self.name_matches(id));
        } else {
            // A scan by id reads the names in memory order; the order is
            // then kept by filtering it.
            let hits = self.names.scan(&self.scope.name);
            visible.clear();
            visible.extend(
                self.order
                    .iter()
                    .copied()
                    .filter(|&id| hits[id as usize] && self.in_scope(id)),
            );
        }
        self.visible = visible;
        self.recount_widths();
        self.reconcile();
    }

    fn recount_widths(&mut self) {
        self.widths.clear();
        for i in 0..self.visible.len() {
            let id = self.visible[i];
            self.count_width(id, 1);
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
        let row = self.row(self.visible[pos]);
        let (at, name, arn) = row.key();
        let anchor = (at, name.to_owned(), arn.to_owned());
        let selected = row.secret.arn.clone();
        self.selection.anchor = Some(anchor);
        self.selection.arn = Some(selected);
        self.scroll();
    }

    fn insert(&mut self, source: SourceId, secret: PendingSecret, dates: Dates, seen: u32) -> Id {
        let row = Row {
            secret,
            dates,
            restore: RestoreState::Idle,
            source: small(source),
            seen,
        };
        let arn = row.secret.arn.clone();
        let name = row.secret.name.clone();
        let id = match self.free.pop() {
            Some(id) => {
                self.slab[id as usize] = Some(row);
                id
            }
            None => {
                self.slab.push(Some(row));
                self.names.push();
                Id::try_from(self.slab.len() - 1).unwrap_or(Id::MAX)
            }
        };
        self.by_arn.insert(arn, id);
        self.set_name(id, &name);
        self.count_estimate(id, 1);
        id
    }

    /// Takes a row out of the slab and the index; the caller fixes the order.
    fn forget(&mut self, id: Id) -> Option<Row> {
        self.count_estimate(id, -1);
        let row = self.slab[id as usize].take()?;
        self.by_arn.remove(&row.secret.arn);
        self.names.clear(id);
        self.free.push(id);
        Some(row)
    }

    fn set_name(&mut self, id: Id, name: &str) {
        self.names.set(id, name);
    }

    fn name_matches(&self, id: Id) -> bool {
        self.names.matches(id, &self.scope.name) && self.in_scope(id)
    }

    /// Every `@` word names the row's region or account (a prefix will do).
    fn in_scope(&self, id: Id) -> bool {
        if self.scope.places.is_empty() {
            return true;
        }
        let (region, account) = arn_region_account(self.row(id).secret.arn.as_str());
        self.scope
            .places
            .iter()
            .all(|p| region.starts_with(p.as_str()) || account.starts_with(p.as_str()))
    }

    fn count_width(&mut self, id: Id, delta: i32) {
        self.widths.add(self.names.width(id), delta);
    }

    fn count_estimate(&mut self, id: Id, delta: isize) {
        if let Some(row) = &self.slab[id as usize]
            && row.dates.purge.is_window()
        {
            self.estimated = self.estimated.saturating_add_signed(delta);
        }
    }

    fn compare(&self, a: Id, b: Id) -> Ordering {
        self.row(a).key().cmp(&self.row(b).key())
    }

    /// Where `id` stands in `ids`, which is in order and holds it.
    fn position(&self, ids: &[Id], id: Id) -> Option<usize> {
        let key = self.row(id).key();
        let at = ids.partition_point(|&other| self.row(other).key() < key);
        (ids.get(at) == Some(&id)).then_some(at)
    }

    /// Takes a row out of the order (and the visible rows) before its key
    /// changes.
    fn unplace(&mut self, id: Id) {
        if let Some(at) = self.position(&self.order, id) {
            self.order.remove(at);
        }
        if let Some(at) = self.position(&self.visible, id) {
            self.visible.remove(at);
            self.count_width(id, -1);
        }
    }

    /// Merges rows into the order, and those that match into the visible
    /// rows, in one pass over each.
    fn place(&mut self, mut ids: Vec<Id>) {
        if ids.is_empty() {
            self.reconcile();
            return;
        }
        ids.sort_by(|&a, &b| self.compare(a, b));
        // A secret twice in one batch is placed once.
        ids.dedup();
        let shown: Vec<Id> = ids
            .iter()
            .copied()
            .filter(|&id| self.query.is_empty() || self.name_matches(id))
            .collect();
        for &id in &shown {
            self.count_width(id, 1);
        }
        let mut order = std::mem::take(&mut self.order);
        self.merge_into(&mut order, &ids);
        self.order = order;
        let mut visible = std::mem::take(&mut self.visible);
        self.merge_into(&mut visible, &shown);
        self.visible = visible;
        self.reconcile();
    }

    /// Merges sorted `new` into sorted `ids` in place: a binary search per
    /// new row, then one move of each stretch of old rows, from the back.
    /// The cost is the new rows' searches and a memory move, not a
    /// comparison with every listed row.
    fn merge_into(&self, ids: &mut Vec<Id>, new: &[Id]) {
        let points: Vec<usize> = new
            .iter()
            .map(|&n| {
                let key = self.row(n).key();
                ids.partition_point(|&old| self.row(old).key() < key)
            })
            .collect();
        let mut end = ids.len();
        ids.resize(end + new.len(), 0);
        for (j, (&id, &at)) in new.iter().zip(&points).enumerate().rev() {
            // Old rows from `at` have j + 1 new rows before them.
            ids.copy_within(at..end, at + j + 1);
            ids[at + j] = id;
            end = at;
        }
    }

    /// Puts the selection back on its secret or, when that secret left the
    /// view, on the next row below where it was.
    fn reconcile(&mut self) {
        if self.visible.is_empty() {
            self.selection.cursor = 0;
            self.selection.offset = 0;
            return;
        }
        let pos = if !self.selection.moved {
            0
        } else if let Some(&id) = self.selection.arn.as_ref().and_then(|a| self.by_arn.get(a)) {
            let key = self.row(id).key();
            self.visible
                .partition_point(|&other| self.row(other).key() < key)
        } else if let Some((at, name, arn)) = &self.selection.anchor {
            let key: Key<'_> = (*at, name, arn);
            self.visible
                .partition_point(|&other| self.row(other).key() < key)
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
