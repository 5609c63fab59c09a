//! Front matter: TOML between `+++` lines or YAML between `---` lines, split from the body and
//! checked key by key. Unknown keys are kept as `extra`, except near-misses of known keys
//! (`titel`), which are reported.

mod formats;
mod limits;

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, did_you_mean, line_col};
use formats::{key_offset, parse_toml, parse_yaml};

/// The checked front matter of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: String,
    pub kind: Option<String>,
    pub tags: Vec<String>,
    /// The shoppers' own phrasings this article answers ("where is my order").
    pub keywords: Vec<String>,
    pub weight: i64,
    pub draft: bool,
    /// ISO dates, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub updated: Option<String>,
    pub aliases: Vec<String>,
    pub lang: Option<String>,
    pub translation_key: Option<String>,
    pub extra: Map<String, Value>,
}

/// A file split into front matter and body; `body_offset` is where the body starts in the file.
#[derive(Debug)]
pub struct Split {
    pub front_matter: FrontMatter,
    pub body_offset: usize,
}

/// The known key an unknown one is probably a typo of ([`did_you_mean`] over [`KNOWN`]),
/// remembered per thread: a help center's extra keys (`author`, `weight`) come back in article
/// after article.
fn near_known(key: &str) -> Option<&'static str> {
    thread_local! {
        static NEAR: std::cell::RefCell<std::collections::HashMap<String, Option<&'static str>>> =
            std::cell::RefCell::default();
    }
    NEAR.with(|near| {
        if let Some(known) = near.borrow().get(key) {
            return *known;
        }
        let known = did_you_mean(key, KNOWN);
        near.borrow_mut().insert(key.to_string(), known);
        known
    })
}

/// Every key front matter may have (DESIGN.md's content model); any other is an error.
pub const KNOWN: &[&str] = &[
    "title",
    "description",
    "kind",
    "tags",
    "keywords",
    "weight",
    "draft",
    "date",
    "updated",
    "aliases",
    "lang",
    "translation_key",
];

#[derive(Clone, Copy)]
enum Format {
    Toml,
    Yaml,
}

/// Splits and checks `text`, the whole file. `path` is only used in diagnostics. Returns the
/// split even when some keys had problems (with those keys left at their defaults) so that
/// later checks can still run on the body.
pub fn split(path: &str, text: &str) -> (Option<Split>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let (format, fence) = if rest.starts_with("+++") {
        (Format::Toml, "+++")
    } else if rest.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        problems.push(
            Diagnostic::error(path, "missing front matter")
                .at_line(1, 1)
                .with_help(
                    "start the file with a title between `+++` lines:\n  +++\n  title = \"How do I return an item?\"\n  +++",
                ),
        );
        return (None, problems);
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[fence.len()..first_line_end].trim() != "" {
        problems.push(
            Diagnostic::error(
                path,
                format!("the opening `{fence}` must be alone on its line"),
            )
            .at(text, start)
            .with_help(format!(
                "put `{fence}` on the first line and the keys below it"
            )),
        );
        return (None, problems);
    }
    let inner_start = start + first_line_end;
    let Some((inner_end, body_offset)) = closing_fence(text, inner_start, fence) else {
        problems.push(
            Diagnostic::error(
                path,
                format!("front matter is not closed: no `{fence}` line after it"),
            )
            .at(text, start)
            .with_help(format!(
                "add a line with only `{fence}` after the last front matter key"
            )),
        );
        return (None, problems);
    };
    let inner = &text[inner_start..inner_end];
    let over = over_limits(path, text, inner, inner_start, start, format);
    if !over.is_empty() {
        problems.extend(over);
        return (
            Some(Split {
                front_matter: FrontMatter::default(),
                body_offset,
            }),
            problems,
        );
    }
    let map = match format {
        Format::Toml => parse_toml(path, text, inner, inner_start),
        Format::Yaml => parse_yaml(path, text, inner, inner_start),
    };
    let map = match map {
        Ok(map) => map,
        Err(problem) => {
            problems.push(problem);
            return (
                Some(Split {
                    front_matter: FrontMatter::default(),
                    body_offset,
                }),
                problems,
            );
        }
    };
    let locate = |key: &str| -> (usize, usize) {
        key_offset(inner, key, format).map_or((1, 1), |o| line_col(text, inner_start + o))
    };
    let front_matter = check(path, map, &locate, &mut problems);
    problems.sort_by_key(|d| (d.line, d.col));
    (
        Some(Split {
            front_matter,
            body_offset,
        }),
        problems,
    )
}

/// Front matter too long or too deeply nested to hand to the parser (see [`limits`]).
fn over_limits(
    path: &str,
    text: &str,
    inner: &str,
    inner_start: usize,
    fence_start: usize,
    format: Format,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if inner.len() > limits::MAX_BYTES {
        let fence = match format {
            Format::Toml => "+++",
            Format::Yaml => "---",
        };
        problems.push(
            Diagnostic::error(
                path,
                format!(
                    "front matter is {} KB long; the limit is {} KB",
                    inner.len().div_ceil(1024),
                    limits::MAX_BYTES / 1024
                ),
            )
            .at(text, fence_start)
            .with_help(format!("front matter holds the title and a few short keys; put long text in the article, below the closing `{fence}`")),
        );
    }
    // The TOML parser stops at its own depth limit, in linear time.
    if let Format::Yaml = format
        && let Some(offset) = limits::yaml_too_deep(inner)
    {
        problems.push(
            Diagnostic::error(
                path,
                format!(
                    "front matter nests lists and tables more than {} levels deep",
                    limits::MAX_DEPTH
                ),
            )
            .at(text, inner_start + offset)
            .with_help("flatten it; if the value is text, put it in quotes (`extra: \"[[…\"`)"),
        );
    }
    problems
}

/// Finds the closing fence line: returns (end of front matter, start of body).
fn closing_fence(text: &str, from: usize, fence: &str) -> Option<(usize, usize)> {
    let mut line_start = from;
    while line_start <= text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if text[line_start..line_end].trim_end() == fence {
            let body = (line_end + 1).min(text.len());
            return Some((line_start, body));
        }
        if line_end >= text.len() {
            return None;
        }
        line_start = line_end + 1;
    }
    None
}

fn check(
    path: &str,
    map: Map<String, Value>,
    locate: &dyn Fn(&str) -> (usize, usize),
    problems: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let mut problem = |key: &str, message: String, help: &str| {
        let (line, col) = locate(key);
        problems.push(
            Diagnostic::error(path, message)
                .at_line(line, col)
                .with_help(help),
        );
    };
    for (key, value) in map {
        match key.as_str() {
            "title" | "description" | "kind" | "lang" | "translation_key" => {
                take_text(&mut fm, &key, value, &mut problem)
            }
            "tags" | "keywords" | "aliases" => take_list(&mut fm, &key, value, &mut problem),
            "weight" | "draft" | "date" | "updated" => {
                take_scalar(&mut fm, &key, value, &mut problem)
            }
            _ => {
                let near = if key.chars().count() >= 4 {
                    near_known(&key)
                } else {
                    None
                };
                match near {
                    Some(known) if !fm_has(&fm, known) => problem(
                        &key,
                        format!("unknown front matter key `{key}`"),
                        &format!("did you mean `{known}`?"),
                    ),
                    _ => {
                        fm.extra.insert(key, value);
                    }
                }
            }
        }
    }
    fm
}

/// Reports a problem at a front matter key: the key, the message, the help.
type Problem<'a> = dyn FnMut(&str, String, &str) + 'a;

/// `title`, `description`, `kind`, `lang` and `translation_key`; other keys are left alone.
fn take_text(fm: &mut FrontMatter, key: &str, value: Value, problem: &mut Problem<'_>) {
    match key {
        "title" => match value {
            Value::String(s) if !s.trim().is_empty() => fm.title = Some(s.trim().to_string()),
            Value::String(_) => problem(
                "title",
                "`title` is empty".into(),
                "write the question or task the article answers, e.g. title = \"How do I return an item?\"",
            ),
            other => problem(
                "title",
                format!("`title` must be text, got {}", type_name(&other)),
                "put the title in quotes",
            ),
        },
        "description" => match value {
            Value::String(s) => fm.description = s.trim().to_string(),
            Value::Null => {}
            other => problem(
                "description",
                format!("`description` must be text, got {}", type_name(&other)),
                "put the description in quotes",
            ),
        },
        "kind" => match value {
            Value::String(s) if ["faq", "howto", "article"].contains(&s.as_str()) => {
                fm.kind = Some(s)
            }
            Value::String(s) => {
                let lower = s.to_lowercase().replace(['-', ' ', '_'], "");
                let help = if ["faq", "howto", "article"].contains(&lower.as_str()) {
                    format!("write kind = \"{lower}\"")
                } else {
                    "`faq` for questions and answers, `howto` for step-by-step guides, `article` for anything else".to_string()
                };
                problem(
                    "kind",
                    format!("unknown kind `{s}`, expected `faq`, `howto` or `article`"),
                    &help,
                );
            }
            other => problem(
                "kind",
                format!("`kind` must be text, got {}", type_name(&other)),
                "write kind = \"faq\", \"howto\" or \"article\"",
            ),
        },
        "lang" => match value {
            Value::String(s) => fm.lang = Some(s),
            other => problem(
                "lang",
                format!("`lang` must be text, got {}", type_name(&other)),
                "write lang = \"ru\"",
            ),
        },
        "translation_key" => match value {
            Value::String(s) => fm.translation_key = Some(s),
            other => problem(
                "translation_key",
                format!("`translation_key` must be text, got {}", type_name(&other)),
                "use the same text in every translation of the article",
            ),
        },
        _ => {}
    }
}

/// `tags`, `keywords` and `aliases`; other keys are left alone.
fn take_list(fm: &mut FrontMatter, key: &str, value: Value, problem: &mut Problem<'_>) {
    match key {
        "tags" => match string_list(value) {
            Ok(tags) => {
                fm.tags = tags
                    .into_iter()
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| t.trim().to_string())
                    .collect()
            }
            Err(got) => problem(
                "tags",
                format!("`tags` must be a list of text, got {got}"),
                "write tags = [\"returns\", \"refund\"]",
            ),
        },
        "keywords" => match string_list(value) {
            Ok(keywords) => {
                fm.keywords = keywords
                    .into_iter()
                    .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|k| !k.is_empty())
                    .collect()
            }
            Err(got) => problem(
                "keywords",
                format!("`keywords` must be a list of text, got {got}"),
                "write keywords = [\"where is my order\", \"parcel not arrived\"]",
            ),
        },
        "aliases" => match string_list(value) {
            Ok(aliases) => {
                for alias in aliases {
                    match normalize_alias(&alias) {
                        Some(url) => fm.aliases.push(url),
                        None => problem(
                            "aliases",
                            format!("alias `{alias}` is not a site path"),
                            "write old URLs of this site as paths, e.g. aliases = [\"/help/returns-policy/\"]",
                        ),
                    }
                }
            }
            Err(got) => problem(
                "aliases",
                format!("`aliases` must be a list of text, got {got}"),
                "write aliases = [\"/old/url/\"]",
            ),
        },
        _ => {}
    }
}

/// `weight`, `draft`, `date` and `updated`; other keys are left alone.
fn take_scalar(fm: &mut FrontMatter, key: &str, value: Value, problem: &mut Problem<'_>) {
    match key {
        "weight" => match value.as_i64() {
            Some(w) => fm.weight = w,
            None => problem(
                "weight",
                format!("`weight` must be a whole number, got {}", type_name(&value)),
                "lower weights come first, e.g. weight = 10",
            ),
        },
        "draft" => match value {
            Value::Bool(b) => fm.draft = b,
            other => problem(
                "draft",
                format!("`draft` must be true or false, got {}", type_name(&other)),
                "write draft = true (without quotes)",
            ),
        },
        "date" | "updated" => match value.as_str().and_then(iso_date) {
            Some(date) => {
                if key == "date" {
                    fm.date = Some(date)
                } else {
                    fm.updated = Some(date)
                }
            }
            None if value.is_null() => {}
            None => problem(
                key,
                format!(
                    "`{key}` must be a date like 2025-03-14, got {}",
                    display_value(&value)
                ),
                "write the date as YYYY-MM-DD",
            ),
        },
        _ => {}
    }
}

/// Whether a known key was already set, so `tag` beside `tags` is kept as extra, not flagged.
fn fm_has(fm: &FrontMatter, key: &str) -> bool {
    match key {
        "title" => fm.title.is_some(),
        "tags" => !fm.tags.is_empty(),
        "date" => fm.date.is_some(),
        _ => false,
    }
}

fn string_list(value: Value) -> Result<Vec<String>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        // A single value is unambiguous: `tags: returns`.
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(format!("a list containing {}", type_name(&other))),
            })
            .collect(),
        other => Err(type_name(&other).to_string()),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

fn display_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => type_name(other).to_string(),
    }
}

/// `2025-03-14`, `2025-03-14T10:00:00Z` or `2025-03-14 10:00` -> `2025-03-14`.
pub fn iso_date(text: &str) -> Option<String> {
    let date = text.trim().get(..10)?;
    let bytes = date.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && bytes[4] == b'-' && digits(5..7) && bytes[7] == b'-' && digits(8..10)) {
        return None;
    }
    let rest = &text.trim()[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let month: u32 = date[5..7].parse().ok()?;
    let day: u32 = date[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| date.to_string())
}

/// `help/old` -> `/help/old/`; `None` for full URLs, which are not this site's to redirect.
fn normalize_alias(alias: &str) -> Option<String> {
    let alias = alias.trim();
    if alias.is_empty() || alias.contains("://") || alias.starts_with("//") || alias.contains("..")
    {
        return None;
    }
    let trimmed = alias.trim_matches('/');
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.ends_with(".html") {
        Some(format!("/{trimmed}"))
    } else {
        Some(format!("/{trimmed}/"))
    }
}

#[cfg(test)]
mod tests;
