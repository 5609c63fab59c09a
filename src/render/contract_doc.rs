//! README.md's "Theming" lists the theme contract: its table of variables is the one
//! [`contract::samples`] gives (a test writes it out when they differ), and its list of blocks
//! is the default `base.html`'s.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::contract;

const README: &str = include_str!("../../README.md");
const BASE: &str = include_str!("../../themes/default/templates/base.html");

/// The variables table as the contract gives it: one row per variable, the templates that get
/// it and its fields (a list's items' fields), nested in parentheses.
fn table() -> String {
    let samples = contract::samples();
    // By name and fields: `popular` is articles on the home page, search hits on the search page.
    let mut variables: BTreeMap<(&str, String), Vec<&str>> = BTreeMap::new();
    for (template, sample) in &samples {
        let Value::Object(map) = sample else { continue };
        for (name, value) in map {
            let fields = if contract::OPEN.contains(&name.as_str()) {
                String::new()
            } else {
                fields(value, name)
            };
            variables
                .entry((name.as_str(), fields))
                .or_default()
                .push(template);
        }
    }
    let mut out = String::from("| variable | templates | fields |\n|---|---|---|\n");
    for ((name, fields), templates) in &variables {
        let templates = if templates.len() == samples.len() {
            "every template".to_string()
        } else {
            let mut names: Vec<String> = templates.iter().map(|t| format!("`{t}`")).collect();
            names.sort();
            names.join(", ")
        };
        let cell = if fields.is_empty() { "" } else { " " };
        out.push_str(&format!(
            "| `{name}` | {templates} |{cell}{fields}{cell}|\n"
        ));
    }
    out
}

fn fields(value: &Value, path: &str) -> String {
    match value {
        Value::Array(items) => items.first().map_or(String::new(), |v| fields(v, path)),
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| {
                let inner = format!("{path}.{key}");
                let nested = if contract::OPEN.contains(&inner.as_str()) {
                    String::new()
                } else {
                    fields(value, &inner)
                };
                if nested.is_empty() {
                    format!("`{key}`")
                } else {
                    format!("`{key}` ({nested})")
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// The README's table: the lines from its header row to the first line that is not a row.
fn readme_table() -> String {
    let start = README
        .find("| variable | templates | fields |")
        .expect("README.md's Theming section has the variables table");
    README[start..]
        .lines()
        .take_while(|line| line.starts_with('|'))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Each row's variable and the backticked names in its fields column.
fn names(table: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for row in table.lines().skip(2) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (Some(variable), Some(fields)) = (cells.get(1), cells.get(3)) else {
            continue;
        };
        let variable = variable.trim_matches('`');
        out.insert(variable.to_string());
        for field in fields.split('`').skip(1).step_by(2) {
            out.insert(format!("{variable}: {field}"));
        }
    }
    out
}

#[test]
fn readme_lists_every_template_variable_of_the_contract() {
    let expected = table();
    let written = readme_table();
    if expected != written {
        let (expected_names, written_names) = (names(&expected), names(&written));
        let missing: Vec<_> = expected_names.difference(&written_names).collect();
        let extra: Vec<_> = written_names.difference(&expected_names).collect();
        panic!(
            "README.md's variables table differs from the contract\n\
             missing from README: {missing:?}\nin README, not in the contract: {extra:?}\n\
             the table as the contract gives it:\n\n{expected}"
        );
    }
}

/// The blocks of the default `base.html`, nested ones included, sorted.
fn base_blocks() -> Vec<String> {
    let template = tera::Template::new("base.html", None, BASE).expect("base.html parses");
    let mut names: Vec<String> = super::check::block_names(&template.ast)
        .into_iter()
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

#[test]
fn readme_lists_every_block_of_the_default_base_template() {
    let start = README
        .find("Blocks of `base.html`")
        .expect("README.md's Theming section lists the blocks of base.html");
    let paragraph = README[start..].split("\n\n").next().unwrap_or_default();
    let mut written: Vec<String> = (paragraph.split('`').skip(1).step_by(2))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect();
    written.sort();
    assert_eq!(
        written,
        base_blocks(),
        "README.md's list of blocks differs from the default base.html's"
    );
}
