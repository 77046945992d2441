//! The book's glossary (`book/src/glossary.md`), compiled into the demo so
//! that its hover and focus explanations of terms such as "spte", "PT lock"
//! or "milestone" are the book's own words: one source, read at build time
//! with `include_str!`, never copied by hand.
//!
//! The file's format is a Markdown definition list:
//!
//! ```text
//! **PT lock (ptl)**
//! : The spinlock protecting a page-table page, taken by
//!   `pte_offset_map_lock()` ...
//! ```

/// The glossary's Markdown source (`book/src/glossary.md`).
pub const SOURCE: &str = include_str!("../../book/src/glossary.md");

/// Where the demo finds the book when both are deployed as one site
/// (`scripts/site.sh`: the book at the root, the demo in `demo/`).
pub const BOOK_INTRODUCTION: &str = "../introduction.html";
/// The book's glossary page, relative to the demo.
pub const BOOK_GLOSSARY: &str = "../glossary.html";

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The term as the glossary writes it (`PT lock (ptl)`).
    pub term: String,
    /// Its definition as plain text: Markdown code spans and links reduced
    /// to their text, lines joined with single spaces.
    pub definition: String,
}

/// Every entry of `markdown` (the glossary's format), in order.
pub fn parse(markdown: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut term: Option<String> = None;
    let mut def: Option<String> = None;
    let finish = |term: &mut Option<String>, def: &mut Option<String>, out: &mut Vec<Entry>| {
        if let (Some(t), Some(d)) = (term.take(), def.take()) {
            out.push(Entry { term: t, definition: plain(&d) });
        }
    };
    for line in markdown.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("**").and_then(|s| s.strip_suffix("**")) {
            finish(&mut term, &mut def, &mut out);
            term = Some(name.to_string());
        } else if let Some(first) = t.strip_prefix(": ").filter(|_| term.is_some()) {
            def = Some(first.to_string());
        } else if t.is_empty() {
            finish(&mut term, &mut def, &mut out);
        } else if let Some(d) = def.as_mut() {
            d.push(' ');
            d.push_str(t);
        }
    }
    finish(&mut term, &mut def, &mut out);
    out
}

/// Markdown inline text as plain text: `code` spans lose their backticks,
/// `[text](target)` links keep their text, `**`/`*` emphasis marks go.
fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            if let Some(close) = rest.find("](") {
                if let Some(end) = rest[close..].find(')') {
                    out.push_str(&rest[1..close]);
                    rest = &rest[close + end + 1..];
                    continue;
                }
            }
        }
        if c != '`' && c != '*' {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The names an entry is known by: `PT lock (ptl)` is "PT lock" and "ptl",
/// `original / wrapped / patched` each of its three words.
fn names(term: &str) -> Vec<String> {
    let mut v = Vec::new();
    for part in term.split(" / ") {
        match part.split_once(" (") {
            Some((head, paren)) => {
                v.push(head.trim().to_string());
                v.push(paren.trim_end_matches(')').trim().to_string());
            }
            None => v.push(part.trim().to_string()),
        }
    }
    v
}

/// The glossary entry `name` refers to (case-insensitive; any of an entry's
/// names, see the format above).
pub fn lookup<'a>(entries: &'a [Entry], name: &str) -> Option<&'a Entry> {
    let want = name.trim().to_lowercase();
    entries.iter().find(|e| names(&e.term).iter().any(|n| n.to_lowercase() == want))
}

/// The book's glossary, parsed once.
pub fn book() -> &'static [Entry] {
    use std::sync::OnceLock;
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| parse(SOURCE))
}

/// The book's definition of `name` (see [`lookup`]).
pub fn define(name: &str) -> Option<&'static str> {
    lookup(book(), name).map(|e| e.definition.as_str())
}

/// The glossary term a state-pane label starts with (`spte 0x10` is a
/// spte, `PT lock` the PT lock), for its hover explanation.
pub fn term_of_label(label: &str) -> Option<&'static str> {
    ["PT lock", "spte", "mmap_sem"].into_iter().find(|t| label.starts_with(t) && define(t).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demos_terms_come_from_the_books_glossary() {
        for t in ["spte", "PT lock", "ptl", "milestone", "secondary MMU", "change_pte", "wrapped"] {
            let d = define(t).unwrap_or_else(|| panic!("`{t}` is not in book/src/glossary.md"));
            assert!(d.len() > 40 && !d.contains('`') && !d.contains("](") && !d.contains('\n'), "{t}: {d}");
        }
        assert!(define("PT lock").unwrap().starts_with("The spinlock protecting a page-table page"));
        assert!(define("milestone").unwrap().contains("write_protect_page:ptl-taken"));
        assert!(define("original").unwrap().contains("How to read this book"), "link text kept");
        assert_eq!(define("no such term"), None);
        assert_eq!(term_of_label("spte 0x10"), Some("spte"));
        assert_eq!(term_of_label("PT lock"), Some("PT lock"));
        assert_eq!(term_of_label("pages"), None);
    }

    #[test]
    fn every_glossary_entry_is_read() {
        let terms = SOURCE.lines().filter(|l| l.starts_with("**") && l.trim_end().ends_with("**")).count();
        assert_eq!(book().len(), terms);
        assert!(book().iter().all(|e| !e.definition.is_empty()));
    }

    #[test]
    fn parse_and_plain() {
        let md = "# G\n\n**a (b)**\n: one `x`\n  two [c](d.md) *e*\n\n**f / g**\n: h\n";
        let e = parse(md);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].definition, "one x two c e");
        assert_eq!(lookup(&e, "B").unwrap().term, "a (b)");
        assert_eq!(lookup(&e, "g").unwrap().definition, "h");
    }
}
