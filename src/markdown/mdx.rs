//! `.mdx` files: JSX components are reported and dropped, the Markdown around them kept.

use pulldown_cmark::{CowStr, Event};

use super::{Problem, Spanned};
use crate::diag::Severity;

/// Mintlify-style JSX (`<Note>`, `<Steps>`) is not HTML: report each component once per
/// place and drop the tags, keeping what is between them.
pub(super) fn strip_jsx(events: &mut [Spanned<'_>], problems: &mut Vec<Problem>) {
    for (event, range) in events.iter_mut() {
        let (is_block, html) = match event {
            Event::Html(h) => (true, h.to_string()),
            Event::InlineHtml(h) => (false, h.to_string()),
            _ => continue,
        };
        let (kept, found) = remove_capitalized_tags(&html);
        if found.is_empty() {
            continue;
        }
        for (offset, name) in found {
            problems.push(Problem {
                offset: range.start + offset,
                severity: Severity::Warning,
                message: format!("MDX component `<{name}>` is not supported; its tags are dropped and its text kept"),
                help: "use Markdown instead: `> [!NOTE]` for notes, a numbered list for steps, `![alt](image.png)` for frames".into(),
            });
        }
        *event = if is_block {
            Event::Html(CowStr::from(kept))
        } else {
            Event::InlineHtml(CowStr::from(kept))
        };
    }
}

/// Removes `<Name ...>`, `</Name>` and `<Name />` tags whose name starts with a capital letter.
fn remove_capitalized_tags(html: &str) -> (String, Vec<(usize, String)>) {
    let mut kept = String::with_capacity(html.len());
    let mut found = Vec::new();
    let mut rest = html;
    let mut offset = 0;
    while let Some(pos) = rest.find('<') {
        let after = &rest[pos + 1..];
        let name_part = after.strip_prefix('/').unwrap_or(after);
        let is_component = name_part
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase());
        if !is_component {
            kept.push_str(&rest[..pos + 1]);
            offset += pos + 1;
            rest = after;
            continue;
        }
        kept.push_str(&rest[..pos]);
        let name: String = name_part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        if !after.starts_with('/') {
            found.push((offset + pos, name));
        }
        let close = after.find('>').map_or(after.len(), |i| i + 1);
        offset += pos + 1 + close;
        rest = &after[close..];
    }
    kept.push_str(rest);
    (kept, found)
}
