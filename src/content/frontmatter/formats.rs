//! The two front matter formats, TOML (`+++`) and YAML (`---`), read into one JSON map,
//! and where a key stands in either, for messages.

use serde_json::{Map, Value};

use super::Format;
use crate::diag::Diagnostic;

pub(super) fn parse_toml(
    path: &str,
    text: &str,
    inner: &str,
    inner_start: usize,
) -> Result<Map<String, Value>, Diagnostic> {
    let table: toml::Table = toml::from_str(inner).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        Diagnostic::error(path, format!("front matter: {}", e.message().trim()))
            .at(text, inner_start + offset)
            .with_help("front matter between `+++` is TOML: key = \"text\", one per line; quote text values")
    })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| (k, toml_to_json(v)))
        .collect())
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

pub(super) fn parse_yaml(
    path: &str,
    text: &str,
    inner: &str,
    inner_start: usize,
) -> Result<Map<String, Value>, Diagnostic> {
    if inner.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: serde_norway::Value = serde_norway::from_str(inner).map_err(|e| {
        let offset = e.location().map_or(0, |l| l.index());
        let message = e.to_string();
        // serde_norway appends " at line X column Y" (relative to the front matter); we give our own.
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        Diagnostic::error(path, format!("front matter: {message}"))
            .at(text, inner_start + offset)
            .with_help("front matter between `---` is YAML: `key: value`, one per line; quote values that contain `: `")
    })?;
    match yaml_to_json(value) {
        Value::Object(map) => Ok(map),
        _ => Err(
            Diagnostic::error(path, "front matter must be a list of `key: value` lines")
                .at(text, inner_start)
                .with_help("write e.g. `title: How do I return an item?`"),
        ),
    }
}

fn yaml_to_json(value: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                n.as_f64().map_or(Value::Null, Value::from)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v)))
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_norway::Value) -> String {
    match key {
        serde_norway::Value::String(s) => s,
        other => serde_norway::to_string(&other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

/// Byte offset of `key` at the start of a line in the front matter, for diagnostics.
pub(super) fn key_offset(inner: &str, key: &str, format: Format) -> Option<usize> {
    let mut offset = 0;
    for line in inner.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(after) = trimmed.strip_prefix(key) {
            let after = after.trim_start();
            let matches = match format {
                Format::Toml => after.starts_with('='),
                Format::Yaml => after.starts_with(':'),
            };
            if matches {
                return Some(offset + indent);
            }
        }
        offset += line.len();
    }
    None
}
