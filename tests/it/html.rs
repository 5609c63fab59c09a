//! A small well-formedness check for our own output: every element we open is closed, in
//! order, and the page has the landmarks every page must have.

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Problems found in `html`, a whole page; empty when it is well-formed.
pub fn problems(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    if !html
        .trim_start()
        .to_lowercase()
        .starts_with("<!doctype html>")
    {
        found.push("no <!doctype html>".to_string());
    }
    found.extend(nesting_problems(html));
    for (needle, what) in [
        ("<main", "<main>"),
        ("<h1", "<h1>"),
        ("<title>", "<title>"),
        ("name=\"viewport\"", "viewport meta"),
    ] {
        let count = html.matches(needle).count();
        if count != 1 {
            found.push(format!("{count} × {what}, expected exactly 1"));
        }
    }
    found
}

/// Problems in the nesting of `html`, a whole page or a fragment (an article's body): every
/// element opened is closed, in order, and every `<` starts a tag or a comment.
pub fn nesting_problems(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            rest = &rest[end..];
            continue;
        }
        if rest.starts_with("<!") {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            rest = &rest[end..];
            continue;
        }
        let Some(end) = tag_end(rest) else {
            found.push("unterminated tag".to_string());
            break;
        };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_lowercase();
        if name.is_empty() {
            found.push(format!(
                "stray `<` before `{}`",
                &tag.chars().take(20).collect::<String>()
            ));
            continue;
        }
        if closing {
            match stack.pop() {
                Some(open) if open == name => {}
                Some(open) => {
                    found.push(format!("</{name}> closes <{open}>"));
                    break;
                }
                None => found.push(format!("</{name}> without an opening tag")),
            }
        } else if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            if name == "script" || name == "style" {
                let close = format!("</{name}>");
                let end = rest.find(&close).unwrap_or(rest.len());
                rest = &rest[end..];
            }
            stack.push(name);
        }
    }
    if !stack.is_empty() && found.is_empty() {
        found.push(format!("unclosed: {}", stack.join(" > ")));
    }
    found
}

/// The `>` that ends a tag, skipping quoted attribute values.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

#[test]
fn the_checker_catches_what_it_should() {
    let good = "<!doctype html><html><head><title>x</title><meta name=\"viewport\"></head><body><main><h1>a</h1><p>b<br></p></main></body></html>";
    assert_eq!(problems(good), Vec::<String>::new());
    let bad = good.replace("</p>", "");
    assert!(!problems(&bad).is_empty());
}
