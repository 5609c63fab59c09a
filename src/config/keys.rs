//! Unknown keys in book.toml: each one reported at its line with a "did you mean", then
//! blanked out so that the rest of the file still loads.

use super::FILE_NAME;
use crate::diag::{Diagnostic, did_you_mean};

/// The shape of book.toml, to report every unknown key (serde stops at the first).
enum Shape {
    Value,
    Table(&'static [(&'static str, Shape)]),
    Tables(&'static [(&'static str, Shape)]),
}

const SCHEMA: &[(&str, Shape)] = &[
    (
        "book",
        Shape::Table(&[
            ("title", Shape::Value),
            ("description", Shape::Value),
            ("language", Shape::Value),
            ("languages", Shape::Value),
            ("base-url", Shape::Value),
        ]),
    ),
    ("theme", Shape::Table(&[("name", Shape::Value)])),
    (
        "search",
        Shape::Table(&[
            ("synonyms", Shape::Value),
            ("vocabulary", Shape::Value),
            ("learn-from-clicks", Shape::Value),
            (
                "phrasing",
                Shape::Tables(&[
                    ("lang", Shape::Value),
                    ("asks", Shape::Value),
                    ("means", Shape::Value),
                    ("support", Shape::Value),
                    ("intent", Shape::Value),
                ]),
            ),
            (
                "expect",
                Shape::Tables(&[
                    ("query", Shape::Value),
                    ("url", Shape::Value),
                    ("top", Shape::Value),
                ]),
            ),
        ]),
    ),
    (
        "support",
        Shape::Table(&[
            ("email", Shape::Value),
            ("phone", Shape::Value),
            ("chat", Shape::Value),
        ]),
    ),
    (
        "insights",
        Shape::Table(&[
            ("enabled", Shape::Value),
            ("database", Shape::Value),
            ("retention-days", Shape::Value),
            ("review-after-days", Shape::Value),
        ]),
    ),
];

/// Blanks out (with spaces, so every position stays where it was) each key book.toml does not
/// know, returning the cleaned text and one diagnostic per unknown key.
pub(super) fn strip_unknown_keys(text: &str) -> Result<(String, Vec<Diagnostic>), toml::de::Error> {
    let table = toml::de::DeTable::parse(text)?;
    let mut blanks = Vec::new();
    let mut problems = Vec::new();
    walk(
        text,
        table.get_ref(),
        SCHEMA,
        "",
        &mut blanks,
        &mut problems,
    );
    problems.sort_by_key(|p| (p.line, p.col));
    let mut bytes = text.as_bytes().to_vec();
    for range in blanks {
        for byte in &mut bytes[range] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    // Only ASCII spaces replaced whole lines of the original, so the text is still UTF-8.
    let cleaned = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
    Ok((cleaned, problems))
}

fn walk(
    text: &str,
    table: &toml::de::DeTable<'_>,
    allowed: &[(&str, Shape)],
    path: &str,
    blanks: &mut Vec<std::ops::Range<usize>>,
    problems: &mut Vec<Diagnostic>,
) {
    use toml::de::DeValue;
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        match allowed
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, shape)| shape)
        {
            None => {
                let names: Vec<&str> = allowed.iter().map(|(k, _)| *k).collect();
                let within = if path.is_empty() {
                    String::new()
                } else {
                    format!(" in [{path}]")
                };
                let help = match did_you_mean(name, &names) {
                    Some(known) => format!("did you mean `{known}`?"),
                    None => format!("remove it; known keys{within}: {}", names.join(", ")),
                };
                problems.push(
                    Diagnostic::error(FILE_NAME, format!("unknown key `{name}`{within}"))
                        .at(text, key.span().start)
                        .with_help(help),
                );
                blank_entry(text, key.span().start, value, blanks);
            }
            Some(Shape::Table(inner)) => {
                if let DeValue::Table(t) = value.get_ref() {
                    walk(text, t, inner, &join_key(path, name), blanks, problems);
                }
            }
            Some(Shape::Tables(inner)) => {
                if let DeValue::Array(items) = value.get_ref() {
                    for item in items {
                        if let DeValue::Table(t) = item.get_ref() {
                            walk(text, t, inner, &join_key(path, name), blanks, problems);
                        }
                    }
                }
            }
            Some(Shape::Value) => {}
        }
    }
}

/// The lines of an unknown key and its value; for a table, its header and every entry in it.
fn blank_entry(
    text: &str,
    start: usize,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    blanks: &mut Vec<std::ops::Range<usize>>,
) {
    let end = value.span().end.max(start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    blanks.push(line_start..line_end);
    match value.get_ref() {
        toml::de::DeValue::Table(t) => {
            for (k, v) in t {
                blank_entry(text, k.span().start, v, blanks);
            }
        }
        toml::de::DeValue::Array(items) => {
            for item in items {
                blank_entry(text, item.span().start, item, blanks);
            }
        }
        _ => {}
    }
}

fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
