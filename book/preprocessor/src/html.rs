//! Small HTML helpers. Every generated figure is raw HTML with no blank
//! line inside, so that Markdown leaves it alone (a blank line would end
//! the HTML block).

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // mdBook's own `{{#...}}` handling and Handlebars never see
            // these, but keep braces inert anyway.
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            _ => out.push(c),
        }
    }
    out
}

/// `<code>` of escaped text.
pub fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

/// A link.
pub fn a(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(href), esc(text))
}

/// Removes blank lines (a generated block must be one HTML block) and
/// surrounds it with blank lines.
pub fn block(s: &str) -> String {
    let body: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    format!("\n\n{}\n\n", body.join("\n"))
}

/// A table from a header row and body rows of already-escaped cells.
pub fn table(class: &str, caption: Option<&str>, head: &[String], rows: &[Vec<String>]) -> String {
    table_with_note(class, caption, head, rows, None)
}

/// [`table`] with a paragraph of already-escaped HTML under it (it wraps
/// to the page's width, where a long caption would be as wide as the
/// table).
pub fn table_with_note(
    class: &str,
    caption: Option<&str>,
    head: &[String],
    rows: &[Vec<String>],
    note: Option<&str>,
) -> String {
    let mut out = format!("<div class=\"nl {class}\">\n<table>\n");
    if let Some(c) = caption {
        out.push_str(&format!("<caption>{c}</caption>\n"));
    }
    out.push_str("<thead><tr>");
    for h in head {
        out.push_str(&format!("<th>{h}</th>"));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&format!("<td>{c}</td>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if let Some(n) = note {
        out.push_str(&format!("<p class=\"nl-cap\">{n}</p>\n"));
    }
    out.push_str("</div>");
    block(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_braces() {
        assert_eq!(esc("a<b>&\"c'{{x}}"), "a&lt;b&gt;&amp;&quot;c&#39;&#123;&#123;x&#125;&#125;");
    }

    #[test]
    fn blocks_have_no_blank_lines_inside() {
        let b = block("<div>\n\n<p>x</p>\n   \n</div>");
        assert_eq!(b.trim(), "<div>\n<p>x</p>\n</div>");
    }
}
