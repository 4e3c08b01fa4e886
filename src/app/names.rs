//! The list's names, laid out for a fast case-insensitive search: every
//! lowercased name in one buffer (a search reads memory in order), each
//! name's width measured once, and how many visible names take each width
//! (the name column's width, without walking the rows).

use crate::text::display_width;

/// Names are at most 512 characters; wider ones count as this wide.
const MAX_WIDTH: usize = 1024;

#[derive(Debug, Default)]
pub struct Names {
    lower: String,
    /// Where each id's lowercased name is in `lower`.
    spans: Vec<(u32, u32)>,
    widths: Vec<u16>,
    /// Bytes of `lower` no id uses any more.
    garbage: usize,
}

impl Names {
    /// Room for one more id.
    pub fn push(&mut self) {
        self.spans.push((0, 0));
        self.widths.push(0);
    }

    pub fn set(&mut self, id: u32, name: &str) {
        let id = id as usize;
        self.garbage += self.spans[id].1 as usize;
        let lower = name.to_lowercase();
        let start = u32::try_from(self.lower.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(lower.len()).unwrap_or(u32::MAX);
        self.lower.push_str(&lower);
        self.spans[id] = (start, len);
        let width = display_width(name).min(MAX_WIDTH);
        self.widths[id] = u16::try_from(width).unwrap_or(u16::MAX);
        if self.garbage > self.lower.len() / 2 {
            self.compact();
        }
    }

    pub fn clear(&mut self, id: u32) {
        let id = id as usize;
        self.garbage += self.spans[id].1 as usize;
        self.spans[id] = (0, 0);
    }

    pub fn width(&self, id: u32) -> usize {
        usize::from(self.widths[id as usize])
    }

    /// The lower-cased name of `id` (empty for a free id).
    pub fn lower_of(&self, id: u32) -> &str {
        self.lower(self.spans[id as usize])
    }

    fn lower(&self, (start, len): (u32, u32)) -> &str {
        &self.lower[start as usize..(start + len) as usize]
    }

    /// Drops the bytes no id uses.
    fn compact(&mut self) {
        let mut lower = String::with_capacity(self.lower.len() - self.garbage);
        for span in &mut self.spans {
            let (start, len) = *span;
            let text = &self.lower[start as usize..(start + len) as usize];
            *span = (u32::try_from(lower.len()).unwrap_or(u32::MAX), len);
            lower.push_str(text);
        }
        self.lower = lower;
        self.garbage = 0;
    }
}

/// How many visible names take each width.
#[derive(Debug, Default)]
pub struct WidthCounts(Vec<u32>);

impl WidthCounts {
    pub fn add(&mut self, width: usize, delta: i32) {
        if self.0.len() <= width {
            self.0.resize(width + 1, 0);
        }
        self.0[width] = self.0[width].saturating_add_signed(delta);
    }

    pub fn clear(&mut self) {
        self.0.iter_mut().for_each(|n| *n = 0);
    }

    pub fn widest(&self) -> usize {
        self.0.iter().rposition(|&n| n > 0).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_case_insensitively_after_changes_and_compaction() {
        let mut names = Names::default();
        for id in 0..3 {
            names.push();
            names.set(id, &format!("Prod/DB-{id}"));
        }
        assert_eq!(names.lower_of(1), "prod/db-1");
        // Renaming many times leaves garbage that compaction drops.
        for round in 0..50 {
            names.set(2, &format!("Staging/Cache-{round}"));
        }
        assert!(names.lower.len() < 200, "{}", names.lower.len());
        assert_eq!(names.lower_of(2), "staging/cache-49");
        names.clear(0);
        assert_eq!(names.lower_of(0), "", "a cleared id has no name");
        assert_eq!(names.width(1), "Prod/DB-1".len());
    }

    #[test]
    fn the_widest_count_wins() {
        let mut w = WidthCounts::default();
        w.add(10, 1);
        w.add(30, 1);
        assert_eq!(w.widest(), 30);
        w.add(30, -1);
        assert_eq!(w.widest(), 10);
        w.clear();
        assert_eq!(w.widest(), 0);
    }
}
