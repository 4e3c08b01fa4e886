//! The list's names, laid out for a fast search: every name in one buffer
//! (a search reads memory in order, not a row at a time), whether each is
//! ASCII (the byte-level matcher's case), each name's width measured once,
//! and how many visible names take each width (the name column's width,
//! without walking the rows).

use crate::text::display_width;

/// Names are at most 512 characters; wider ones count as this wide.
const MAX_WIDTH: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Free,
    Ascii,
    Unicode,
}

#[derive(Debug, Default)]
pub struct Names {
    text: String,
    /// Where each id's name is in `text`.
    spans: Vec<(u32, u32)>,
    kinds: Vec<NameKind>,
    widths: Vec<u16>,
    /// Bytes of `text` no id uses any more.
    garbage: usize,
}

impl Names {
    /// Room for one more id.
    pub fn push(&mut self) {
        self.spans.push((0, 0));
        self.kinds.push(NameKind::Free);
        self.widths.push(0);
    }

    /// How many ids there is room for.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn set(&mut self, id: u32, name: &str) {
        let id = id as usize;
        self.garbage += self.spans[id].1 as usize;
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(name.len()).unwrap_or(u32::MAX);
        self.text.push_str(name);
        self.spans[id] = (start, len);
        self.kinds[id] = if name.is_ascii() {
            NameKind::Ascii
        } else {
            NameKind::Unicode
        };
        let width = display_width(name).min(MAX_WIDTH);
        self.widths[id] = u16::try_from(width).unwrap_or(u16::MAX);
        if self.garbage > self.text.len() / 2 {
            self.compact();
        }
    }

    pub fn clear(&mut self, id: u32) {
        let id = id as usize;
        self.garbage += self.spans[id].1 as usize;
        self.spans[id] = (0, 0);
        self.kinds[id] = NameKind::Free;
    }

    pub fn width(&self, id: u32) -> usize {
        usize::from(self.widths[id as usize])
    }

    /// The name of `id` as it is, and what kind it is.
    pub fn get(&self, id: u32) -> (&str, NameKind) {
        let (start, len) = self.spans[id as usize];
        (
            &self.text[start as usize..(start + len) as usize],
            self.kinds[id as usize],
        )
    }

    /// Drops the bytes no id uses.
    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() - self.garbage);
        for span in &mut self.spans {
            let (start, len) = *span;
            let name = &self.text[start as usize..(start + len) as usize];
            *span = (u32::try_from(text.len()).unwrap_or(u32::MAX), len);
            text.push_str(name);
        }
        self.text = text;
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
    fn names_are_kept_after_changes_and_compaction() {
        let mut names = Names::default();
        for id in 0..3 {
            names.push();
            names.set(id, &format!("Prod/DB-{id}"));
        }
        assert_eq!(names.get(1), ("Prod/DB-1", NameKind::Ascii));
        // Renaming many times leaves garbage that compaction drops.
        for round in 0..50 {
            names.set(2, &format!("Staging/Cache-{round}"));
        }
        assert!(names.text.len() < 200, "{}", names.text.len());
        assert_eq!(names.get(2).0, "Staging/Cache-49");
        names.set(1, "team-東京");
        assert_eq!(names.get(1), ("team-東京", NameKind::Unicode));
        names.clear(0);
        assert_eq!(
            names.get(0),
            ("", NameKind::Free),
            "a cleared id has no name"
        );
        assert_eq!(names.width(2), "Staging/Cache-49".len());
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
