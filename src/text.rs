//! Making untrusted strings safe and tidy for a terminal cell.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

/// Replaces control characters (escape sequences included) with visible
/// stand-ins, so a secret's name can never drive the terminal.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() || hidden(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                // The Unicode "control pictures" block mirrors C0 controls.
                '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\x7f' => '\u{2421}',
                c if c.is_control() => '\u{fffd}',
                c if bidi(c) => '⇄',
                c if hidden(c) => '∅',
                c => c,
            })
            .collect(),
    )
}

/// Direction controls: they can make one name display as another.
fn bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Characters that take no room on screen: direction controls and
/// zero-width ones. Two names differing only by these must not look alike.
fn hidden(c: char) -> bool {
    bidi(c)
        || matches!(
            c,
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{061c}'
        )
}

/// Columns one character takes once shown: control characters become
/// one-column stand-ins (see `sanitize`).
pub fn char_width(c: char) -> usize {
    if c.is_control() || hidden(c) {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

/// Width on screen once control characters are shown as one-column symbols.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Cuts `s` to at most `width` columns, ending with "…" when it had to cut.
pub fn truncate(s: &str, width: usize) -> Cow<'_, str> {
    let total = display_width(s);
    if total <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

/// Sanitizes, then fits into `width` columns.
pub fn cell(s: &str, width: usize) -> String {
    truncate(&sanitize(s), width).into_owned()
}

/// Breaks `s` into lines of at most `width` columns, at spaces where it can.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split(' ') {
        let w = display_width(word);
        if used > 0 && used + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        // A word longer than a line is cut into pieces.
        for c in word.chars() {
            let cw = char_width(c);
            if used + cw > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    lines.push(line);
    lines
}

/// Sanitizes, fits into `width` columns, and pads to exactly `width`:
/// a column that lines up whatever the characters' widths.
pub fn fit(s: &str, width: usize) -> String {
    let shown = cell(s, width);
    let fill = width.saturating_sub(display_width(&shown));
    format!("{shown}{}", " ".repeat(fill))
}

/// Sanitizes and wraps `s` into at most `max` lines of `width` columns;
/// a cut ends in "…".
pub fn wrap_cut(s: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines = wrap(&sanitize(s), width);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            *last = truncate(&format!("{last} …"), width).into_owned();
        }
    }
    lines
}

/// 2034 -> "2,034".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn escape_sequences_become_visible_and_inert() {
        let s = sanitize("prod/\x1b[2Jdb\x07\n");
        assert_eq!(s, "prod/␛[2Jdb␇␊");
        assert!(!s.chars().any(char::is_control));
        assert_eq!(sanitize("\u{9b}x"), "\u{fffd}x");
        assert!(matches!(sanitize("plain/name"), Cow::Borrowed(_)));
    }

    #[test]
    fn direction_and_zero_width_characters_become_visible() {
        // "admin" with a right-to-left override reads as another name.
        let spoof = "prod/\u{202e}nimda\u{202c}-key";
        assert_eq!(sanitize(spoof), "prod/⇄nimda⇄-key");
        assert_eq!(sanitize("db\u{200b}"), "db∅");
        assert_ne!(sanitize("db\u{200b}"), sanitize("db"));
        assert_eq!(display_width("db\u{200b}"), 3);
        for c in [
            '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{feff}', '\u{2060}',
        ] {
            let shown = sanitize(&c.to_string()).into_owned();
            assert_ne!(shown, c.to_string(), "{c:?} reaches the terminal");
            assert_eq!(display_width(&shown), 1);
        }
    }

    #[test]
    fn truncation_counts_columns_not_bytes() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        // Wide characters take two columns each; never split one.
        let t = truncate("日本語のシークレット", 7);
        assert_eq!(t, "日本語…");
        assert!(t.width() <= 7);
        let long = "x".repeat(512);
        assert_eq!(truncate(&long, 40).width(), 40);
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(
            wrap("run aws sso login now", 10),
            ["run aws", "sso login", "now"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn a_fitted_cell_is_exactly_its_width() {
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        // A wide character that does not fit leaves a column to pad.
        assert_eq!(fit("東京都", 4), "東… ");
        assert_eq!(fit("a\x1bb", 4), "a␛b ");
        for s in ["東京都庁", "x\u{202e}y", "plain"] {
            assert_eq!(fit(s, 5).width(), 5, "{s:?}");
        }
    }

    #[test]
    fn a_long_text_is_wrapped_then_cut() {
        assert_eq!(wrap_cut("one two three", 7, 3), ["one two", "three"]);
        assert_eq!(wrap_cut("one two three four", 7, 2), ["one two", "three …"]);
        assert_eq!(wrap_cut("a\x07", 9, 1), ["a␇"]);
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2034), "2,034");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
