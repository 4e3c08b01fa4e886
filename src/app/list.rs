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

mod index;
mod order;
mod query;
mod selection;

use jiff::Timestamp;

use index::ArnIndex;
use query::Scope;
use selection::Selection;

use super::feeds::SourceId;
use super::names::{Names, WidthCounts};
use crate::engine::reads::ReadStats;
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
    /// Refused reads since the deletion: something still asks for it.
    reads: Option<Box<ReadStats>>,
}

/// Soonest possible purge first (the rows still asked for before the
/// rest, when that order is on); name and ARN keep ties stable.
type Key<'a> = (bool, Timestamp, &'a str, &'a str);

impl Row {
    pub fn source(&self) -> SourceId {
        self.source as SourceId
    }

    /// Its place in the order; `asked_first`: the rows still asked for
    /// come before the rest.
    fn key(&self, asked_first: bool) -> Key<'_> {
        (
            !(asked_first && self.reads.is_some()),
            self.dates.purge.earliest(),
            &self.secret.name,
            self.secret.arn.as_str(),
        )
    }

    /// What is known of its refused reads; `None` when none was counted.
    pub fn reads(&self) -> Option<&ReadStats> {
        self.reads.as_deref()
    }

    /// Something asked for it after the deletion, or it was read the day it
    /// was deleted.
    pub fn in_use(&self) -> bool {
        self.reads.is_some() || self.secret.in_use_when_deleted()
    }
}

type Id = u32;

/// `State` holds at most `MAX_SOURCES`, so this never saturates.
fn small(source: SourceId) -> u32 {
    u32::try_from(source).unwrap_or(u32::MAX)
}

/// The most sources a state holds: every one has its own row ids.
pub const MAX_SOURCES: usize = u32::MAX as usize;

#[derive(Debug, Default)]
pub struct SecretList {
    /// Rows by id; `None` is a free slot.
    slab: Vec<Option<Row>>,
    free: Vec<Id>,
    by_arn: ArnIndex,
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
    /// Rows with refused reads.
    asked: usize,
    /// Account id to its name (lowercase), for `@name` in the filter.
    account_names: std::collections::HashMap<String, String>,
    /// The match sets of the queries on the way to the current one.
    history: Vec<(String, Vec<Id>)>,
    /// Reused: nucleo keeps its scratch space here.
    matcher: std::cell::RefCell<nucleo_matcher::Matcher>,
    /// The rows still asked for come first.
    asked_first: bool,
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
        self.by_arn.get(arn).map(|id| self.row(id))
    }

    /// The ARN as the list holds it, so other structures can share it.
    pub fn shared_arn(&self, arn: &Arn) -> Option<&Arn> {
        self.by_arn.get_key_value(arn).map(|(k, _)| k)
    }

    /// Marks a row restoring, restored-failed or idle; the order is not
    /// affected.
    pub fn set_restore(&mut self, arn: &Arn, restore: RestoreState) -> bool {
        match self.by_arn.get(arn) {
            Some(id) => {
                self.row_mut(id).restore = restore;
                true
            }
            None => false,
        }
    }

    /// The visible rows from `offset`, at most `n` of them.
    pub fn window(&self, offset: usize, n: usize) -> impl Iterator<Item = &Row> {
        let start = offset.min(self.visible.len());
        let end = start.saturating_add(n).min(self.visible.len());
        self.visible[start..end].iter().map(|&id| self.row(id))
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
            match self.by_arn.get(&secret.arn) {
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
            let Some(id) = self.by_arn.get(&arn) else {
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
        let id = self.by_arn.get(arn)?;
        self.unplace(id);
        let row = self.forget(id);
        self.reconcile();
        row
    }

    fn insert(&mut self, source: SourceId, secret: PendingSecret, dates: Dates, seen: u32) -> Id {
        let row = Row {
            secret,
            dates,
            restore: RestoreState::Idle,
            source: small(source),
            seen,
            reads: None,
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
        self.forget_history();
        self.count_estimate(id, -1);
        let row = self.slab[id as usize].take()?;
        self.by_arn.remove(&row.secret.arn);
        if row.reads.is_some() {
            self.asked -= 1;
        }
        self.names.clear(id);
        self.free.push(id);
        Some(row)
    }

    fn set_name(&mut self, id: Id, name: &str) {
        self.names.set(id, name);
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
}

/// What refused reads do to the rows, and the order that puts the rows
/// still asked for first.
impl SecretList {
    /// The listed secret named `name` whose ARN starts `prefix`
    /// (`arn:…:secret:`): the ARN is the prefix, the name, `-` and six
    /// characters.
    pub fn by_name(&self, prefix: &str, name: &str) -> Option<&Arn> {
        self.by_arn.by_partial(&format!("{prefix}{name}"))
    }

    /// Counts one refused read on the row of `arn`; `false` when it is not
    /// listed, or the read came before its deletion.
    pub fn add_read(&mut self, arn: &Arn, read: &crate::store::FailedRead) -> bool {
        let Some(id) = self.by_arn.get(arn) else {
            return false;
        };
        if read.event_time < self.row(id).secret.deleted_date {
            return false;
        }
        let first = self.asked_first && self.row(id).reads.is_none();
        if first {
            self.unplace(id);
        }
        let row = self.row_mut(id);
        let newly = row.reads.is_none();
        row.reads.get_or_insert_with(Box::default).add(read);
        if newly {
            self.asked += 1;
        }
        if first {
            self.place(vec![id]);
        }
        true
    }

    /// Rows with refused reads.
    pub fn asked(&self) -> usize {
        self.asked
    }

    pub fn asked_first(&self) -> bool {
        self.asked_first
    }

    /// A row's place in the order in effect.
    fn key(&self, id: Id) -> Key<'_> {
        self.row(id).key(self.asked_first)
    }

    /// Puts the rows still asked for first, or back into purge order.
    pub fn set_asked_first(&mut self, on: bool) {
        if self.asked_first == on {
            return;
        }
        self.forget_history();
        self.asked_first = on;
        let mut order = std::mem::take(&mut self.order);
        order.sort_by(|&a, &b| self.compare(a, b));
        self.order = order;
        let mut visible = std::mem::take(&mut self.visible);
        visible.sort_by(|&a, &b| self.compare(a, b));
        self.visible = visible;
        self.reconcile();
    }
}
