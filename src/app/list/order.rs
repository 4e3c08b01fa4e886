//! The order, soonest purge first: a page is merged in, a row that moves is
//! taken out and merged back, never the whole list re-sorted.

use std::cmp::Ordering;

use super::{Id, SecretList};

impl SecretList {
    pub(super) fn compare(&self, a: Id, b: Id) -> Ordering {
        self.key(a).cmp(&self.key(b))
    }

    /// Where `id` stands in `ids`, which is in order and holds it.
    fn position(&self, ids: &[Id], id: Id) -> Option<usize> {
        let key = self.key(id);
        let at = ids.partition_point(|&other| self.key(other) < key);
        (ids.get(at) == Some(&id)).then_some(at)
    }

    /// Takes a row out of the order (and the visible rows) before its key
    /// changes.
    pub(super) fn unplace(&mut self, id: Id) {
        self.forget_history();
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
    pub(super) fn place(&mut self, mut ids: Vec<Id>) {
        self.forget_history();
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
            .filter(|&id| self.query.is_empty() || self.name_matches(id, None))
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
                let key = self.key(n);
                ids.partition_point(|&old| self.key(old) < key)
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
}
