//! Front matter as `content::load_article` reads it from a real file: any bytes give problems
//! that name the file and a line and column in it, never a panic; front matter written right,
//! in TOML or YAML, with CRLF line endings, a byte-order mark, comments, block values holding
//! `---` and unicode anywhere, comes back as the article's fields; one value of the wrong type
//! is reported at its own line and the other keys still count.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use helpbook::config::Config;
use helpbook::content::{self, Article, Kind};
use helpbook::diag::{Diagnostic, Diagnostics, did_you_mean};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// The article every case rewrites, as problems name it.
const FILE: &str = "content/returns/item.md";

/// The keys front matter knows: the crate's own list, so a key added there is generated here.
const KNOWN: &[&str] = helpbook::content::FRONT_MATTER_KEYS;

/// A help center in a temp folder (English, Russian and Estonian) whose one article each case
/// rewrites.
struct Folder {
    dir: tempfile::TempDir,
    config: Config,
}

impl Folder {
    fn new() -> Folder {
        let dir = tempfile::tempdir().expect("temp dir");
        let book = "[book]\ntitle = \"Help\"\nlanguages = [\"ru\", \"et\"]\n";
        let (config, problems) = Config::parse(dir.path(), book).expect("book.toml parses");
        assert!(problems.is_empty(), "{problems:?}");
        std::fs::create_dir_all(dir.path().join("content/returns")).expect("content dir");
        Folder { dir, config }
    }

    /// Writes `bytes` as the article and reads it the way a build does: the article (when its
    /// front matter could be read) and every problem found.
    fn load(&self, bytes: &[u8]) -> (Option<Article>, Vec<Diagnostic>) {
        let path = self.dir.path().join(FILE);
        std::fs::write(&path, bytes).expect("write the article");
        let diagnostics = Diagnostics::new();
        let article = content::load_article(&self.config, &path, &diagnostics);
        (article, diagnostics.into_sorted())
    }
}

/// Every problem names the file, a line of it and a column within that line (or just past its
/// end), and says how to fix it.
fn assert_placed(bytes: &[u8], problems: &[Diagnostic]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.split('\n').collect();
    for problem in problems {
        prop_assert_eq!(&problem.path, FILE, "{}", problem);
        prop_assert!(
            (1..=lines.len()).contains(&problem.line),
            "`{}` is not on one of the file's {} lines",
            problem,
            lines.len()
        );
        let width = lines[problem.line - 1].chars().count();
        prop_assert!(
            (1..=width + 1).contains(&problem.col),
            "`{}` is not within its line of {} characters",
            problem,
            width
        );
        prop_assert!(!problem.message.is_empty(), "{:?}", problem);
        prop_assert!(
            problem.help.is_some(),
            "`{}` says nothing of a fix",
            problem
        );
    }
    Ok(())
}

// ---- any bytes ---------------------------------------------------------------------------

/// Lines front matter is made of, right and wrong, for files that are nearly front matter.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "---", "+++", "--- ", "...", "", "  ", "title: Refunds", "title = \"Refunds\"",
            "title:", "title = ", "tags: [a, b", "tags = [\"a\",", "kind: FAQ", "kind = 3",
            "date: 2025-13-45", "date = 2025-02-30", "weight: 1.5", "draft: yes",
            "- item", "  - nested", "key: &anchor [1, 2]", "other: *anchor", "other: *nowhere",
            "{", "}", "[table]", "[[array]]", "a.b.c = 1", "\"quoted key\": 1", "? complex",
            ": value", "title: 'unclosed", "title = \"\"\"", "!!binary aGVsbG8=", "x: !tag 1",
            "aliases: [https://evil.example/]", "titel: typo", "%YAML 1.2", "x: |", "x: >-",
            "\t- tab", "lang: fr", "lang = \"ru\"", "translation_key = []",
        ])
        .prop_map(str::to_string),
        2 => "[a-z_]{1,10}: [^\n]{0,30}",
        2 => "[a-z_]{1,10} = [^\n]{0,30}",
        1 => "[^\n]{0,40}",
    ]
}

/// Bytes that are nearly front matter: an opening, some lines, maybe a closing and a body;
/// with CRLF, a byte-order mark, or bytes that are not UTF-8.
fn nearly_front_matter() -> impl Strategy<Value = Vec<u8>> {
    let opening = prop::sample::select(vec![
        "",
        "---",
        "+++",
        "\u{feff}---",
        "\u{feff}+++",
        "--- x",
        "+++ toml",
        "----",
        "\u{feff}",
    ]);
    (
        opening,
        vec(line(), 0..12),
        prop::option::of(prop::sample::select(vec!["---", "+++", "--- ", "+++\t"])),
        "(?s).{0,40}",
        any::<bool>(),
        vec(any::<u8>(), 0..3),
    )
        .prop_map(|(opening, lines, closing, body, crlf, junk)| {
            let mut text = String::from(opening);
            for line in lines.iter().map(String::as_str).chain(closing) {
                text.push('\n');
                text.push_str(line);
            }
            text.push('\n');
            text.push_str(&body);
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let mut bytes = text.into_bytes();
            // A stray byte (often not UTF-8) somewhere in the file.
            for byte in junk {
                let at = usize::from(byte) % (bytes.len() + 1);
                bytes.insert(at, byte);
            }
            bytes
        })
}

/// Values nested deep: flow lists and tables, YAML blocks, and aliases of aliases, each
/// closed or not.
fn deeply_nested() -> impl Strategy<Value = Vec<u8>> {
    (0..6u8, 1..400usize, any::<bool>()).prop_map(|(style, depth, closed)| {
        let close = |s: &str| {
            if closed {
                s.repeat(depth)
            } else {
                String::new()
            }
        };
        let text = match style {
            0 => format!(
                "---\ntitle: x\nx: {}1{}\n---\n",
                "[".repeat(depth),
                close("]")
            ),
            1 => format!(
                "---\ntitle: x\nx: {}1{}\n---\n",
                "{a: ".repeat(depth),
                close("}")
            ),
            2 => format!(
                "+++\ntitle = \"x\"\nx = {}1{}\n+++\n",
                "[".repeat(depth),
                close("]")
            ),
            3 => format!(
                "+++\ntitle = \"x\"\nx = {}1{}\n+++\n",
                "{a = ".repeat(depth),
                close("}")
            ),
            4 => {
                let mut text = String::from("---\ntitle: x\nx:\n");
                for level in 1..=depth {
                    text.push_str(&format!("{}- a:\n", "  ".repeat(level)));
                }
                text + "---\n"
            }
            _ => {
                let mut text = String::from("---\ntitle: x\na0: &a0 [lol, lol, lol, lol]\n");
                for n in 1..=depth.min(40) {
                    let refs = vec![format!("*a{}", n - 1); 4].join(", ");
                    text.push_str(&format!("a{n}: &a{n} [{refs}]\n"));
                }
                text + "---\n"
            }
        };
        text.into_bytes()
    })
}

fn any_file() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => nearly_front_matter(),
        1 => deeply_nested(),
        1 => vec(any::<u8>(), 0..300),
        1 => any::<String>().prop_map(String::into_bytes),
        1 => (valid(), vec(any::<u8>(), 1..4)).prop_map(|(written, junk)| {
            // Right front matter with a few bytes changed.
            let mut bytes = written.text().into_bytes();
            for byte in junk {
                let at = usize::from(byte) * 7 % bytes.len();
                bytes[at] = byte;
            }
            bytes
        }),
    ]
}

// ---- front matter written right ----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Yaml,
    Toml,
}

/// A front matter value as the writer types it.
#[derive(Debug, Clone)]
enum Val {
    /// Quoted text: YAML double quotes or a TOML basic string, escaped where needed.
    Text(String),
    /// Words written without quotes in YAML (quoted in TOML).
    Plain(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// `2025-03-14`, unquoted (a TOML date); `time` adds `T10:30:00Z`.
    Date {
        date: String,
        time: bool,
    },
    /// A list: flow style (`[a, b]`), or block style (`- a` lines) in YAML at the top level.
    List {
        items: Vec<Val>,
        block: bool,
    },
    Table(BTreeMap<String, Val>),
    /// Lines of a YAML literal block (`|`) or a TOML multi-line string.
    Lines(Vec<String>),
}

impl Val {
    /// The value as it must reach `extra`.
    fn json(&self) -> Value {
        match self {
            Val::Text(s) | Val::Plain(s) => Value::String(s.clone()),
            Val::Int(i) => Value::from(*i),
            Val::Float(f) => Value::from(*f),
            Val::Bool(b) => Value::Bool(*b),
            Val::Date { date, time } => match time {
                true => Value::String(format!("{date}T10:30:00Z")),
                false => Value::String(date.clone()),
            },
            Val::List { items, .. } => Value::Array(items.iter().map(Val::json).collect()),
            Val::Table(table) => Value::Object(
                table
                    .iter()
                    .map(|(k, v)| (k.clone(), v.json()))
                    .collect::<Map<_, _>>(),
            ),
            Val::Lines(lines) => Value::String(format!("{}\n", lines.join("\n"))),
        }
    }

    /// The value as written after `key: ` or `key = `; may run over several lines.
    fn write(&self, format: Format, out: &mut String) {
        match (self, format) {
            (Val::Text(s), Format::Yaml) => yaml_quoted(s, out),
            (Val::Text(s) | Val::Plain(s), Format::Toml) => toml_quoted(s, out),
            (Val::Plain(s), Format::Yaml) => out.push_str(s),
            (Val::Int(i), _) => write!(out, "{i}").expect("write to a string"),
            (Val::Float(f), _) => write!(out, "{f:?}").expect("write to a string"),
            (Val::Bool(b), _) => write!(out, "{b}").expect("write to a string"),
            (Val::Date { date, time }, _) => {
                out.push_str(date);
                if *time {
                    out.push_str("T10:30:00Z");
                }
            }
            (Val::List { items, block }, _) => {
                if *block && format == Format::Yaml {
                    for item in items {
                        out.push_str("\n  - ");
                        item.write(format, out);
                    }
                    if items.is_empty() {
                        out.push_str("[]");
                    }
                    return;
                }
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    item.write(format, out);
                }
                out.push(']');
            }
            (Val::Table(table), _) => {
                out.push('{');
                for (n, (key, value)) in table.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(key);
                    out.push_str(if format == Format::Yaml { ": " } else { " = " });
                    value.write(format, out);
                }
                out.push('}');
            }
            (Val::Lines(lines), Format::Yaml) => {
                out.push('|');
                for line in lines {
                    out.push_str("\n  ");
                    out.push_str(line);
                }
            }
            (Val::Lines(lines), Format::Toml) => {
                out.push_str("\"\"\"\n");
                for line in lines {
                    toml_escaped(line, out);
                    out.push('\n');
                }
                out.push_str("\"\"\"");
            }
        }
    }
}

/// A YAML double-quoted scalar: characters YAML does not allow as they are (controls, line
/// and paragraph separators, the byte-order mark, U+FFFE/U+FFFF) escaped.
fn yaml_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                write!(out, "\\U{:08x}", c as u32).expect("write to a string")
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn toml_quoted(s: &str, out: &mut String) {
    out.push('"');
    toml_escaped(s, out);
    out.push('"');
}

/// The inside of a TOML basic string: quotes, backslashes and control characters escaped.
fn toml_escaped(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => write!(out, "\\U{:08x}", c as u32).expect("write to a string"),
            c => out.push(c),
        }
    }
}

/// Characters of text values: mostly letters of the help center's languages, then everything
/// that means something to YAML, TOML or Markdown, then any character at all.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => prop::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9', ' '..=' '].into()),
        2 => prop::char::ranges(vec!['а'..='я', 'А'..='Я', 'ё'..='ё'].into()),
        1 => prop::sample::select(vec!['õ', 'ä', 'ö', 'ü', 'š', 'ž', '€', '—', '“', '中', '😀', 'ﬁ']),
        2 => prop::sample::select(
            ":#'\"\\{}[],&*!|>%@`~=+-?\t\u{a0}".chars().collect::<Vec<_>>()
        ),
        1 => any::<char>(),
    ]
}

/// Text as a writer means it: not empty, nothing to trim at either end, and no run of
/// spaces (keywords are compared word by word).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => vec(text_char(), 1..30).prop_map(|chars| chars.into_iter().collect::<String>()),
        1 => prop::sample::select(vec!["---", "+++", "a --- b", "key: value", "x = 1", "# not a comment"])
            .prop_map(str::to_string),
    ]
    .prop_map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    .prop_filter("text to write", |s| !s.is_empty())
}

/// Words YAML reads as text without quotes.
fn plain() -> impl Strategy<Value = String> {
    "[a-zA-Zа-яё][a-zA-Zа-яё0-9]{0,8}( [a-zA-Zа-яё0-9]{1,8}){0,3}".prop_filter(
        "YAML reads these as something else",
        |s| {
            let lower = s.to_lowercase();
            !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
                .iter()
                .any(|word| lower == *word)
        },
    )
}

/// Text values, quoted or not.
fn any_text() -> impl Strategy<Value = Val> {
    prop_oneof![3 => text().prop_map(Val::Text), 1 => plain().prop_map(Val::Plain)]
}

fn text_list() -> impl Strategy<Value = (Vec<String>, Val)> {
    (vec(any_text(), 0..5), any::<bool>()).prop_map(|(items, block)| {
        let texts = items.iter().map(|item| match item {
            Val::Text(s) | Val::Plain(s) => s.clone(),
            _ => unreachable!("text items"),
        });
        (texts.collect(), Val::List { items, block })
    })
}

fn date() -> impl Strategy<Value = String> {
    (1000..=9999u32, 1..=12u32, 1..=28u32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

/// Lines of a block value: text, empty lines, and lines only a fence or a key would be.
fn block_lines() -> impl Strategy<Value = Vec<String>> {
    let line = prop_oneof![
        4 => "[a-zA-Zа-я0-9 .,:!?'()-]{0,30}".prop_map(|s| s.trim().to_string()),
        1 => prop::sample::select(vec!["---", "+++", "- item", "# heading", "...", "weight: 3"])
            .prop_map(str::to_string),
    ];
    vec(line, 1..6)
}

/// A key of its own (`author`, `zendesk_id`): not a known key nor one letter or two from one.
fn extra_key() -> impl Strategy<Value = String> {
    "[a-z][a-z_]{1,11}".prop_filter("a key of its own", |key| {
        !KNOWN.contains(&key.as_str())
            && (key.chars().count() < 4 || did_you_mean(key, KNOWN).is_none())
            && !["true", "false", "null", "yes", "no", "on", "off"].contains(&key.as_str())
    })
}

fn extra_value() -> impl Strategy<Value = Val> {
    let leaf = prop_oneof![
        any_text(),
        any::<i64>().prop_map(Val::Int),
        any::<bool>().prop_map(Val::Bool),
        (-1.0e9..1.0e9f64).prop_map(Val::Float),
        date().prop_map(|date| Val::Date { date, time: false }),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|items| Val::List {
                items,
                block: false
            }),
            btree_map("[a-z]{1,6}", inner, 0..4).prop_map(Val::Table),
        ]
    })
}

/// What the article must come out as.
#[derive(Debug, Clone, Default)]
struct Expected {
    title: String,
    description: String,
    kind: Option<Kind>,
    tags: Vec<String>,
    keywords: Vec<String>,
    weight: i64,
    draft: bool,
    date: Option<String>,
    updated: Option<String>,
    aliases: Vec<String>,
    lang: Option<String>,
    translation_key: Option<String>,
    extra: Map<String, Value>,
}

/// One file: its format and layout, its keys in the order written, and its body.
#[derive(Debug, Clone)]
struct Written {
    format: Format,
    bom: bool,
    crlf: bool,
    /// Blank lines and comments between the keys.
    comments: bool,
    entries: Vec<(String, Val)>,
    body: String,
    expected: Expected,
}

impl Written {
    /// The file, and the line each key is written on.
    fn lines(&self) -> (String, BTreeMap<String, usize>) {
        let (fence, sep, comment) = match self.format {
            Format::Yaml => ("---", ": ", "# a comment: with = signs"),
            Format::Toml => ("+++", " = ", "# a comment: with = signs"),
        };
        let mut text = String::new();
        if self.bom {
            text.push('\u{feff}');
        }
        text.push_str(fence);
        text.push('\n');
        let mut at = BTreeMap::new();
        for (n, (key, value)) in self.entries.iter().enumerate() {
            if self.comments && n % 2 == 1 {
                text.push_str(comment);
                text.push_str("\n\n");
            }
            at.insert(key.clone(), text.matches('\n').count() + 1);
            text.push_str(key);
            text.push_str(sep);
            value.write(self.format, &mut text);
            text.push('\n');
        }
        text.push_str(fence);
        text.push('\n');
        text.push_str(&self.body);
        if self.crlf {
            text = text.replace('\n', "\r\n");
        }
        (text, at)
    }

    fn text(&self) -> String {
        self.lines().0
    }

    /// The body as the article must keep it.
    fn body(&self) -> String {
        match self.crlf {
            true => self.body.replace('\n', "\r\n"),
            false => self.body.clone(),
        }
    }
}

/// One known key written right, and what it sets.
fn known_entry() -> impl Strategy<Value = (String, Val, Expected)> {
    prop_oneof![
        any_text().prop_map(|v| {
            let (Val::Text(s) | Val::Plain(s)) = &v else {
                unreachable!()
            };
            let expected = Expected {
                description: s.clone(),
                ..Expected::default()
            };
            ("description".to_string(), v, expected)
        }),
        block_lines().prop_map(|lines| {
            let description = lines.join("\n").trim().to_string();
            let expected = Expected {
                description,
                ..Expected::default()
            };
            ("description".to_string(), Val::Lines(lines), expected)
        }),
        prop::sample::select(vec![Kind::Faq, Kind::HowTo, Kind::Article]).prop_map(|kind| {
            let expected = Expected {
                kind: Some(kind),
                ..Expected::default()
            };
            (
                "kind".to_string(),
                Val::Plain(kind.as_str().to_string()),
                expected,
            )
        }),
        text_list().prop_map(|(tags, v)| {
            (
                "tags".to_string(),
                v,
                Expected {
                    tags,
                    ..Expected::default()
                },
            )
        }),
        text_list().prop_map(|(keywords, v)| {
            (
                "keywords".to_string(),
                v,
                Expected {
                    keywords,
                    ..Expected::default()
                },
            )
        }),
        any::<i64>().prop_map(|weight| {
            (
                "weight".to_string(),
                Val::Int(weight),
                Expected {
                    weight,
                    ..Expected::default()
                },
            )
        }),
        any::<bool>().prop_map(|draft| {
            (
                "draft".to_string(),
                Val::Bool(draft),
                Expected {
                    draft,
                    ..Expected::default()
                },
            )
        }),
        (
            prop::sample::select(vec!["date", "updated"]),
            date(),
            0..3u8
        )
            .prop_map(|(key, date, how)| {
                let value = match how {
                    0 => Val::Date {
                        date: date.clone(),
                        time: false,
                    },
                    1 => Val::Date {
                        date: date.clone(),
                        time: true,
                    },
                    _ => Val::Text(date.clone()),
                };
                let mut expected = Expected::default();
                match key {
                    "date" => expected.date = Some(date),
                    _ => expected.updated = Some(date),
                }
                (key.to_string(), value, expected)
            }),
        (
            vec(
                (
                    "/?",
                    "[a-z0-9-]{1,10}(/[a-z0-9-]{1,10}){0,2}",
                    prop::sample::select(vec!["", "/", ".html"])
                ),
                0..3
            ),
            any::<bool>()
        )
            .prop_map(|(paths, block)| {
                let written: Vec<String> = paths
                    .iter()
                    .map(|(lead, path, end)| format!("{lead}{path}{end}"))
                    .collect();
                let aliases = paths
                    .iter()
                    .map(|(_, path, end)| match *end {
                        ".html" => format!("/{path}.html"),
                        _ => format!("/{path}/"),
                    })
                    .collect();
                let items = written.into_iter().map(Val::Text).collect();
                (
                    "aliases".to_string(),
                    Val::List { items, block },
                    Expected {
                        aliases,
                        ..Expected::default()
                    },
                )
            }),
        prop::sample::select(vec!["en", "ru", "et"]).prop_map(|lang| {
            let expected = Expected {
                lang: Some(lang.to_string()),
                ..Expected::default()
            };
            ("lang".to_string(), Val::Plain(lang.to_string()), expected)
        }),
        text().prop_map(|key| {
            let expected = Expected {
                translation_key: Some(key.clone()),
                ..Expected::default()
            };
            ("translation_key".to_string(), Val::Text(key), expected)
        }),
    ]
}

/// Front matter written right: a title, some known keys, some keys of the writer's own, in
/// any order and layout, and a body that may hold fence-like lines of its own.
fn valid() -> impl Strategy<Value = Written> {
    let format = prop::sample::select(vec![Format::Yaml, Format::Toml]);
    let body = prop_oneof![
        "(?s).{0,60}",
        Just("---\nnot front matter\n+++\n".to_string()),
        Just(String::new()),
    ];
    (
        format,
        any_text(),
        vec(known_entry(), 0..6),
        btree_map(extra_key(), extra_value(), 0..3),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        body,
    )
        .prop_flat_map(
            |(format, title, known, extra, (bom, crlf, comments), body)| {
                let (Val::Text(t) | Val::Plain(t)) = &title else {
                    unreachable!()
                };
                let mut expected = Expected {
                    title: t.clone(),
                    ..Expected::default()
                };
                let mut entries = vec![("title".to_string(), title)];
                for (key, value, set) in known {
                    if entries.iter().any(|(k, _)| *k == key) {
                        continue;
                    }
                    merge(&mut expected, &key, set);
                    entries.push((key, value));
                }
                for (key, value) in extra {
                    expected.extra.insert(key.clone(), value.json());
                    entries.push((key, value));
                }
                // A TOML multi-line string cannot hold a `+++` line: that line closes the front
                // matter, as in Hugo and Zola. (An indented YAML block holds `---` lines.)
                for (key, value) in &mut entries {
                    if let (Format::Toml, Val::Lines(lines)) = (format, value) {
                        lines.retain(|line| line != "+++");
                        if key == "description" {
                            expected.description = lines.join("\n").trim().to_string();
                        }
                    }
                }
                let written = Written {
                    format,
                    bom,
                    crlf,
                    comments,
                    entries: Vec::new(),
                    body,
                    expected,
                };
                Just(entries)
                    .prop_shuffle()
                    .prop_map(move |entries| Written {
                        entries,
                        ..written.clone()
                    })
            },
        )
}

/// Takes the one field `set` sets into `expected`.
fn merge(expected: &mut Expected, key: &str, set: Expected) {
    match key {
        "description" => expected.description = set.description,
        "kind" => expected.kind = set.kind,
        "tags" => expected.tags = set.tags,
        "keywords" => expected.keywords = set.keywords,
        "weight" => expected.weight = set.weight,
        "draft" => expected.draft = set.draft,
        "date" => expected.date = set.date,
        "updated" => expected.updated = set.updated,
        "aliases" => expected.aliases = set.aliases,
        "lang" => expected.lang = set.lang,
        "translation_key" => expected.translation_key = set.translation_key,
        _ => unreachable!("a known key"),
    }
}

/// The article has exactly the fields written (and the defaults for the others).
fn assert_article(article: &Article, written: &Written) -> Result<(), TestCaseError> {
    let expected = &written.expected;
    prop_assert_eq!(&article.title, &expected.title);
    // A TOML multi-line string keeps the file's line endings (the TOML spec lets parsers
    // choose); YAML blocks read CRLF as `\n`.
    let description = match (written.format, written.crlf) {
        (Format::Toml, true) => article.description.replace("\r\n", "\n"),
        _ => article.description.clone(),
    };
    prop_assert_eq!(&description, &expected.description);
    prop_assert_eq!(article.kind, expected.kind.unwrap_or(Kind::Article));
    prop_assert_eq!(&article.tags, &expected.tags);
    prop_assert_eq!(&article.keywords, &expected.keywords);
    prop_assert_eq!(article.weight, expected.weight);
    prop_assert_eq!(article.draft, expected.draft);
    prop_assert_eq!(&article.date, &expected.date);
    prop_assert_eq!(&article.updated, &expected.updated);
    prop_assert_eq!(&article.aliases, &expected.aliases);
    let lang = expected.lang.as_deref().unwrap_or("en");
    prop_assert_eq!(&article.lang, lang);
    let url = match lang {
        "en" => "/returns/item/".to_string(),
        other => format!("/{other}/returns/item/"),
    };
    prop_assert_eq!(&article.url, &url);
    let key = expected
        .translation_key
        .as_deref()
        .unwrap_or("returns/item");
    prop_assert_eq!(&article.translation_key, key);
    prop_assert_eq!(&article.extra, &expected.extra);
    prop_assert_eq!(article.source.body(), written.body());
    Ok(())
}

// ---- a value of the wrong type -----------------------------------------------------------

/// A value of the wrong type for `key`, and what its problem must say.
fn wrong_value(key: &str) -> BoxedStrategy<(Val, String)> {
    let must = |what: &str| format!("`{key}` must be {what}");
    let table =
        || btree_map("[a-z]{1,4}", any::<i64>().prop_map(Val::Int), 1..3).prop_map(Val::Table);
    let list = || {
        vec(any::<i64>().prop_map(Val::Int), 0..3).prop_map(|items| Val::List {
            items,
            block: false,
        })
    };
    match key {
        "title" | "description" | "translation_key" | "lang" => {
            let message = must("text");
            prop_oneof![
                any::<i64>().prop_map(Val::Int),
                any::<bool>().prop_map(Val::Bool),
                list(),
                table(),
            ]
            .prop_map(move |v| (v, message.clone()))
            .boxed()
        }
        "kind" => prop_oneof![
            prop::sample::select(vec!["FAQ", "How-To", "guide", "faqs", "Article "])
                .prop_map(|s| (Val::Text(s.to_string()), format!("unknown kind `{s}`"))),
            any::<i64>().prop_map(|i| (Val::Int(i), "`kind` must be text".to_string())),
        ]
        .boxed(),
        "tags" | "keywords" | "aliases" => {
            let message = must("a list of text");
            prop_oneof![
                table(),
                any::<bool>().prop_map(Val::Bool),
                any::<i64>().prop_map(Val::Int),
                table().prop_map(|t| Val::List {
                    items: vec![Val::Text("ok".into()), t],
                    block: false
                }),
                Just(Val::List {
                    items: vec![Val::Bool(true)],
                    block: true
                }),
            ]
            .prop_map(move |v| (v, message.clone()))
            .boxed()
        }
        "weight" => {
            let message = must("a whole number");
            prop_oneof![
                text().prop_map(Val::Text),
                any::<bool>().prop_map(Val::Bool),
                (0.1..1.0e6f64).prop_map(|f| Val::Float(f.floor() + 0.5)),
                list(),
            ]
            .prop_map(move |v| (v, message.clone()))
            .boxed()
        }
        "draft" => {
            let message = must("true or false");
            prop_oneof![
                prop::sample::select(vec!["true", "no", "yes"])
                    .prop_map(|s| Val::Text(s.to_string())),
                any::<i64>().prop_map(Val::Int),
                table(),
            ]
            .prop_map(move |v| (v, message.clone()))
            .boxed()
        }
        "date" | "updated" => {
            let message = must("a date like 2025-03-14");
            prop_oneof![
                prop::sample::select(vec![
                    "14.03.2025",
                    "2025-13-01",
                    "2025-03-32",
                    "soon",
                    "2025-03-14x"
                ])
                .prop_map(|s| Val::Text(s.to_string())),
                any::<bool>().prop_map(Val::Bool),
                list(),
            ]
            .prop_map(move |v| (v, message.clone()))
            .boxed()
        }
        _ => unreachable!("a known key"),
    }
}

/// Front matter written right but for one known key, given a value of the wrong type.
fn one_wrong() -> impl Strategy<Value = (Written, String, String)> {
    (valid(), any::<prop::sample::Index>()).prop_flat_map(|(written, pick)| {
        let known: Vec<usize> = (0..written.entries.len())
            .filter(|&n| KNOWN.contains(&written.entries[n].0.as_str()))
            .collect();
        let n = known[pick.index(known.len())];
        let key = written.entries[n].0.clone();
        // A problem is placed at the first line that starts with its key, so a block value's
        // line that reads like the key (`weight: 3` in a description) would take its place.
        let mut written = written;
        for (_, value) in &mut written.entries {
            if let Val::Lines(lines) = value {
                lines.retain(|line| !line.starts_with(key.as_str()));
            }
        }
        wrong_value(&key).prop_map(move |(value, message)| {
            let mut written = written.clone();
            written.entries[n].1 = value;
            (written, key.clone(), message)
        })
    })
}

proptest! {
    #![proptest_config(super::cases(256))]

    /// Whatever the file holds, reading it never panics, and every problem names the file,
    /// a line and column in it, and a fix.
    #[test]
    fn any_file_gives_problems_placed_in_it(bytes in any_file()) {
        let folder = Folder::new();
        let (_, problems) = folder.load(&bytes);
        assert_placed(&bytes, &problems)?;
    }

    /// Front matter written right comes back as the article's fields, with no problem.
    #[test]
    fn front_matter_written_right_comes_back(written in valid()) {
        let folder = Folder::new();
        let text = written.text();
        let (article, problems) = folder.load(text.as_bytes());
        prop_assert!(problems.is_empty(), "{}\n---- problems:\n{}", text, problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"));
        let article = article.expect("an article");
        assert_article(&article, &written)?;
    }

    /// A value of the wrong type is reported at its key's line, naming the key; the article
    /// is still read, and every problem is placed in the file.
    #[test]
    fn a_wrong_value_is_reported_at_its_line((written, key, message) in one_wrong()) {
        let folder = Folder::new();
        let (text, lines) = written.lines();
        let (article, problems) = folder.load(text.as_bytes());
        assert_placed(text.as_bytes(), &problems)?;
        let line = lines[&key];
        prop_assert!(
            problems.iter().any(|p| p.line == line && p.message.contains(&message)),
            "no problem `{}` at line {}:\n{}\n---- problems:\n{}",
            message, line, text, problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
        );
        prop_assert!(article.is_some(), "the article is still read");
    }
}
