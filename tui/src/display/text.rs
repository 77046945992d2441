//! Small text helpers. Every string the walkthrough draws is ASCII or a
//! handful of one-cell symbols (`›`, `▶`, `≠`, `…`), so a char is a cell.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Cells `s` takes.
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// Keeps the *end* of `s` (the innermost frames of a breadcrumb are the
/// interesting ones), marking the cut with `…`.
pub fn truncate_left(s: &str, max: usize) -> String {
    let n = width(s);
    if n <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let tail: String = s.chars().skip(n - (max - 1)).collect();
    format!("…{tail}")
}

/// Keeps the start of `s`, marking the cut with `…`.
pub fn truncate_right(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let head: String = s.chars().take(max - 1).collect();
    format!("{head}…")
}

/// Word-wraps `text` to `max` cells; continuation lines start with
/// `indent` spaces. Words longer than a line are cut.
pub fn wrap(text: &str, max: usize, indent: usize) -> Vec<String> {
    let max = max.max(1);
    // Continuation lines keep at least one cell for text.
    let indent = indent.min(max - 1);
    let mut out = Vec::new();
    // Leading blanks are kept: they are the caller's indentation.
    let lead = (text.len() - text.trim_start_matches(' ').len()).min(max - 1);
    let mut line = " ".repeat(lead);
    let mut len = lead;
    let mut start = lead;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut chars: Vec<char> = word.chars().collect();
        if len > start {
            if len + 1 + chars.len() <= max {
                line.push(' ');
                len += 1;
            } else {
                out.push(std::mem::replace(&mut line, " ".repeat(indent)));
                len = indent;
                start = indent;
            }
        }
        while len + chars.len() > max {
            let take = max - len;
            line.extend(chars.drain(..take));
            out.push(std::mem::replace(&mut line, " ".repeat(indent)));
            len = indent;
            start = indent;
        }
        len += chars.len();
        line.extend(chars);
    }
    if len > start || out.is_empty() {
        out.push(line);
    }
    out
}

/// One `label value` pair of a flowing pane.
#[derive(Debug, Clone)]
pub struct Item {
    /// Dim label (may be empty).
    pub label: String,
    /// The value.
    pub value: String,
    /// Style of the value.
    pub style: Style,
    /// Prefix the value with `≠` (differs from the other side).
    pub differs: bool,
    /// Start a new line before this item.
    pub newline: bool,
}

impl Item {
    /// A plain item.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Item {
        Item { label: label.into(), value: value.into(), style: Style::new(), differs: false, newline: false }
    }

    fn cells(&self) -> usize {
        let l = width(&self.label);
        l + usize::from(l > 0) + usize::from(self.differs) + width(&self.value)
    }
}

/// A labelled group of items; `one_per_line` forces a line per item.
#[derive(Debug, Clone)]
pub struct Section {
    /// Left-hand label (`mm`, `KVM`, `pages`).
    pub label: String,
    /// The items.
    pub items: Vec<Item>,
    /// Start every item on its own line.
    pub one_per_line: bool,
}

/// Lays sections out in `max` cells: the section label in a gutter, then
/// the items flowing left to right, wrapping under the gutter. Narrow
/// terminals get more lines, wide ones fewer; nothing is dropped.
pub fn flow(sections: &[Section], max: usize, gutter: usize, label_style: Style, marker: Style) -> Vec<Line<'static>> {
    let gutter = if max >= gutter + 12 { gutter } else { 0 };
    let mut out = Vec::new();
    for sec in sections {
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut used;
        if gutter > 0 {
            spans.push(Span::styled(format!("{:<gutter$}", truncate_right(&sec.label, gutter - 1)), label_style));
            used = gutter;
        } else {
            // Too narrow for a gutter: the label gets its own line.
            out.push(Line::from(Span::styled(sec.label.clone(), label_style)));
            used = 0;
        }
        let mut first_on_line = true;
        for it in &sec.items {
            let need = it.cells() + if first_on_line { 0 } else { 2 };
            if !first_on_line && (sec.one_per_line || it.newline || used + need > max) {
                out.push(Line::from(std::mem::take(&mut spans)));
                spans.push(Span::raw(" ".repeat(gutter)));
                used = gutter;
                first_on_line = true;
            }
            if !first_on_line {
                spans.push(Span::raw("  "));
                used += 2;
            }
            if !it.label.is_empty() {
                spans.push(Span::styled(format!("{} ", it.label), label_style));
            }
            if it.differs {
                spans.push(Span::styled("≠", marker));
            }
            spans.push(Span::styled(it.value.clone(), it.style));
            used += it.cells();
            first_on_line = false;
        }
        if !spans.is_empty() {
            out.push(Line::from(spans));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation() {
        assert_eq!(truncate_left("abcdef", 4), "…def");
        assert_eq!(truncate_left("abc", 4), "abc");
        assert_eq!(truncate_left("abc", 0), "");
        assert_eq!(truncate_right("abcdef", 4), "abc…");
        assert_eq!(truncate_right("abcdef", 1), "…");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("aa bb cc", 5, 2), vec!["aa bb", "  cc"]);
        assert_eq!(wrap("abcdefgh", 3, 0), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 3, 0), vec![""]);
        assert_eq!(wrap("  - a b", 5, 4), vec!["  - a", "    b"]);
        for w in 1..20 {
            for l in wrap("KVM: spte for gfn 0x10 (pfn 0x100) dropped in invalidate_range_start", w, 4) {
                assert!(width(&l) <= w, "{l:?} wider than {w}");
            }
        }
    }

    #[test]
    fn flow_wraps_items() {
        let sec = Section {
            label: "KVM".into(),
            items: vec![Item::new("seq", "1"), Item::new("count", "1"), Item::new("lock", "free")],
            one_per_line: false,
        };
        let lines = flow(std::slice::from_ref(&sec), 24, 6, Style::new(), Style::new());
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, vec!["KVM   seq 1  count 1", "      lock free"]);
        let lines = flow(&[sec], 80, 6, Style::new(), Style::new());
        assert_eq!(lines.len(), 1);
    }
}
