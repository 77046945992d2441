//! The mdBook preprocessor protocol, without the `mdbook` crate.
//!
//! mdBook runs `<command> supports <renderer>` (exit 0: yes), then runs
//! `<command>` with `[context, book]` as JSON on stdin and reads the book
//! back as JSON on stdout. The book is `{"items": [...]}` in mdBook 0.5
//! (`{"sections": [...]}` in 0.4; both are accepted); an item is
//! `{"Chapter": {"name", "content", "sub_items", "path", ...}}`,
//! `"Separator"` or `{"PartTitle": "..."}`. Only `content` is changed;
//! every other field goes back untouched.

use serde_json::Value;

use crate::directive;
use crate::render::Lab;

/// Expands every directive of one chapter's text. Errors are
/// `line N: {{#notifier-lab ...}}: what went wrong`.
pub fn expand(lab: &mut Lab, content: &str) -> Result<String, Vec<String>> {
    let found = directive::find(content).map_err(|e| vec![e])?;
    let mut out = String::with_capacity(content.len());
    let mut errors = Vec::new();
    let mut at = 0;
    for f in found {
        out.push_str(&content[at..f.range.start]);
        at = f.range.end;
        if f.escaped {
            out.push_str(&content[f.range.start + 1..f.range.end]);
            continue;
        }
        match directive::parse(&f.body).and_then(|d| lab.render(&d)) {
            Ok(html) if html.is_empty() => {
                // A silent directive alone on its line (an `assert`) takes
                // its line with it, so it does not split the paragraph.
                let line_start = out.rfind('\n').map_or(0, |i| i + 1);
                let rest_end = content[at..].find('\n').map_or(content.len(), |i| at + i);
                if out[line_start..].trim().is_empty() && content[at..rest_end].trim().is_empty() {
                    out.truncate(line_start);
                    at = (rest_end + 1).min(content.len());
                }
            }
            Ok(html) => out.push_str(&html),
            Err(e) => errors.push(format!("line {}: {{{{#notifier-lab {}}}}}: {e}", f.line, f.body)),
        }
    }
    out.push_str(&content[at..]);
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn walk(lab: &mut Lab, items: &mut [Value], errors: &mut Vec<String>, chapters: &mut usize) {
    for item in items {
        let Some(ch) = item.get_mut("Chapter") else { continue };
        *chapters += 1;
        let name = ch.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
        let path = ch.get("path").and_then(Value::as_str).unwrap_or("(draft)").to_string();
        if let Some(Value::String(content)) = ch.get_mut("content") {
            match expand(lab, content) {
                Ok(new) => *content = rebase_demo_links(&new, &path),
                Err(es) => errors.extend(es.into_iter().map(|e| format!("chapter \"{name}\" ({path}), {e}"))),
            }
        }
        if let Some(Value::Array(sub)) = ch.get_mut("sub_items") {
            walk(lab, sub, errors, chapters);
        }
    }
}

/// Makes the demo links of the chapter at `path` (relative to the book's
/// source root, e.g. `review/races.md`) relative to its page: the
/// preprocessor and hand-written Markdown both write them relative to the
/// book's root (`demo/index.html#v1/...`, where `scripts/site.sh` puts the
/// demo), and a page `n` directories deep needs `n` times `../` before
/// that. Rewrites `href="demo/index.html` and the Markdown `](demo/index.html`.
pub fn rebase_demo_links(content: &str, path: &str) -> String {
    let depth = path.trim_start_matches("./").matches('/').count();
    if depth == 0 {
        return content.to_string();
    }
    let up = "../".repeat(depth);
    let demo = crate::render::DEMO;
    content
        .replace(&format!("href=\"{demo}"), &format!("href=\"{up}{demo}"))
        .replace(&format!("]({demo}"), &format!("]({up}{demo}"))
}

/// Processes the `[context, book]` input and returns the book. Errors list
/// every failing directive with its chapter.
pub fn run(input: &str) -> Result<(Value, usize), Vec<String>> {
    let v: Value = serde_json::from_str(input).map_err(|e| vec![format!("preprocessor input is not JSON: {e}")])?;
    let Value::Array(mut pair) = v else {
        return Err(vec!["preprocessor input must be a JSON array [context, book]".into()]);
    };
    if pair.len() != 2 {
        return Err(vec![format!("preprocessor input must be [context, book], got {} elements", pair.len())]);
    }
    let mut book = pair.pop().unwrap_or(Value::Null);
    let mut lab = Lab::default();
    let mut errors = Vec::new();
    let mut chapters = 0;
    let key = if book.get("items").is_some() { "items" } else { "sections" };
    match book.get_mut(key) {
        Some(Value::Array(items)) => walk(&mut lab, items, &mut errors, &mut chapters),
        _ => return Err(vec!["the book JSON has neither `items` (mdBook 0.5) nor `sections` (0.4)".into()]),
    }
    if errors.is_empty() { Ok((book, chapters)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chapter(name: &str, content: &str, sub: Vec<Value>) -> Value {
        json!({"Chapter": {"name": name, "content": content, "number": [1], "sub_items": sub,
            "path": format!("{name}.md"), "source_path": format!("{name}.md"), "parent_names": []}})
    }

    fn input(items: Value) -> String {
        json!([{"root": "/b", "config": {"book": {"title": "t"}}, "renderer": "html", "mdbook_version": "0.5.4"},
               {"items": items}])
        .to_string()
    }

    #[test]
    fn demo_links_are_relative_to_the_chapter_page() {
        let md = "[a](demo/index.html#v1/cow) <a href=\"demo/index.html#v1/ksm\">b</a> [c](other.md)";
        assert_eq!(rebase_demo_links(md, "intro.md"), md);
        assert_eq!(
            rebase_demo_links(md, "part/deeper/page.md"),
            "[a](../../demo/index.html#v1/cow) <a href=\"../../demo/index.html#v1/ksm\">b</a> [c](other.md)"
        );
        let items = json!([chapter("a", "x", vec![]), {"Chapter": {"name": "n", "content":
            "{{#notifier-lab trace ksm wrapped within=write_protect_page}}", "sub_items": [],
            "path": "sub/n.md", "source_path": "sub/n.md", "parent_names": []}}]);
        let (book, _) = run(&input(items)).unwrap();
        let nested = book["items"][1]["Chapter"]["content"].as_str().unwrap();
        assert!(nested.contains("href=\"../demo/index.html#v1/ksm/"), "{nested}");
        assert!(!nested.contains("href=\"demo/index.html"), "{nested}");
    }

    #[test]
    fn round_trip_expands_nested_chapters_and_keeps_everything_else() {
        let items = json!([
            chapter("a", "x {{#notifier-lab value ksm wrapped kvm.guest_faults}} y", vec![
                chapter("b", "{{#notifier-lab assert ksm wrapped kvm.guest_faults == 1}}z", vec![])
            ]),
            "Separator",
            {"PartTitle": "Part"},
        ]);
        let (book, n) = run(&input(items)).unwrap();
        assert_eq!(n, 2);
        let a = &book["items"][0]["Chapter"];
        assert_eq!(a["content"], "x 1 y");
        assert_eq!(a["sub_items"][0]["Chapter"]["content"], "z");
        assert_eq!(a["number"], json!([1]));
        assert_eq!(book["items"][1], "Separator");
        assert_eq!(book["items"][2]["PartTitle"], "Part");
    }

    #[test]
    fn accepts_the_04_shape() {
        let inp =
            json!([{}, {"sections": [chapter("a", "{{#notifier-lab value cow patched kvm.guest_faults}}", vec![])]}]);
        let (book, _) = run(&inp.to_string()).unwrap();
        assert_eq!(book["sections"][0]["Chapter"]["content"], "1");
    }

    #[test]
    fn failures_name_the_chapter_line_and_directive() {
        let items = json!([chapter(
            "Intro",
            "ok\n{{#notifier-lab assert ksm wrapped kvm.guest_faults == 0}}\n{{#notifier-lab bogus}}",
            vec![]
        )]);
        let errs = run(&input(items)).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(errs[0].starts_with("chapter \"Intro\" (Intro.md), line 2: {{#notifier-lab assert"), "{}", errs[0]);
        assert!(errs[0].contains("model says 1"), "{}", errs[0]);
        assert!(errs[1].contains("line 3") && errs[1].contains("unknown directive `bogus`"), "{}", errs[1]);
    }

    #[test]
    fn silent_directives_take_their_line_with_them() {
        let mut lab = Lab::default();
        let c = "one\n{{#notifier-lab assert ksm wrapped kvm.guest_faults == 1}}\ntwo\n";
        assert_eq!(expand(&mut lab, c).unwrap(), "one\ntwo\n");
        let c = "one {{#notifier-lab assert ksm wrapped kvm.guest_faults == 1}} two";
        assert_eq!(expand(&mut lab, c).unwrap(), "one  two");
    }

    #[test]
    fn escaped_directives_are_kept_as_text() {
        let mut lab = Lab::default();
        assert_eq!(expand(&mut lab, "\\{{#notifier-lab bogus}}").unwrap(), "{{#notifier-lab bogus}}");
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(run("nope").is_err());
        assert!(run("[1]").is_err());
        assert!(run("[{}, {}]").unwrap_err()[0].contains("neither"));
    }
}
