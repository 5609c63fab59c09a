//! book.toml -> a validated [`Config`]: serde with unknown keys rejected at their line,
//! defaults, and cross-field checks. Knows nothing of `content/`, Tera or Tantivy.

mod keys;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::fs;
use keys::strip_unknown_keys;

pub const FILE_NAME: &str = "book.toml";

/// The resolved configuration; everything downstream trusts it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The help-center root: the folder that holds book.toml.
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// The default language, served at `/`.
    pub language: String,
    /// Every language, the default first; the others are served at `/<code>/`.
    pub languages: Vec<String>,
    /// Without a trailing slash; empty when not set.
    pub base_url: String,
    pub theme: String,
    pub synonyms: Vec<Vec<String>>,
    /// Whether search uses the built-in shopper vocabulary (`[search] vocabulary`).
    pub vocabulary: bool,
    /// Whether the build boosts what shoppers chose, from the insights database (`[search]
    /// learn-from-clicks`).
    pub learn_from_clicks: bool,
    /// The help center's own shopper phrasings (`[[search.phrasing]]`).
    pub phrasings: Vec<Phrasing>,
    pub expect: Vec<Expectation>,
    pub support: Option<Support>,
    /// `[insights] enabled`: `None` when not set (on for `serve`, off for `preview`).
    pub insights_enabled: Option<bool>,
    /// Where searches and feedback are recorded, relative to the help center's folder unless
    /// absolute.
    pub insights_database: PathBuf,
    pub insights_retention_days: u32,
    /// After how many days without an update an often-read article is due for a review.
    pub insights_review_after_days: u32,
}

/// A pinned answer: searching `query` must rank `url` within the first `top` results.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub query: String,
    pub url: String,
    #[serde(default = "default_top")]
    pub top: usize,
    /// Where the entry is in book.toml (1-based), for messages.
    #[serde(skip)]
    pub line: usize,
}

/// A way shoppers ask for something the articles call otherwise: `asks = ["gift wrap"]`,
/// `means = ["packaging"]`; with `support = true`, they ask for a person. Phrasings of one
/// `intent` in several languages are one question asked in each: when the shopper's language
/// has no article on it, the articles of another language that has are the answer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Phrasing {
    /// The language it is asked in; the default language when empty.
    #[serde(default)]
    pub lang: String,
    pub asks: Vec<String>,
    #[serde(default)]
    pub means: Vec<String>,
    #[serde(default)]
    pub support: bool,
    /// What the phrasing asks, the same in every language (`delete-account`).
    #[serde(default)]
    pub intent: String,
}

fn default_top() -> usize {
    3
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub chat: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    book: RawBook,
    #[serde(default)]
    theme: RawTheme,
    #[serde(default)]
    search: RawSearch,
    support: Option<Support>,
    #[serde(default)]
    insights: RawInsights,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBook {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    base_url: String,
}

fn default_language() -> String {
    "en".to_string()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
    vocabulary: Option<bool>,
    #[serde(rename = "learn-from-clicks")]
    learn_from_clicks: Option<bool>,
    #[serde(default)]
    phrasing: Vec<Phrasing>,
    #[serde(default)]
    expect: Vec<Expectation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawInsights {
    enabled: Option<bool>,
    database: Option<PathBuf>,
    retention_days: Option<u32>,
    review_after_days: Option<u32>,
}

impl Config {
    /// Reads `root/book.toml`. Problems come back as diagnostics naming book.toml's lines.
    pub fn load(root: &Path) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
        let path = root.join(FILE_NAME);
        let bytes = fs::read(&path).map_err(|e| {
            vec![
                Diagnostic::error(FILE_NAME, format!("cannot read book.toml: {}", e.source))
                    .with_help(
                        "run helpbook in the folder that holds book.toml, pass `--root DIR`, \
                         or create one with `helpbook init`",
                    ),
            ]
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            vec![
                Diagnostic::error(FILE_NAME, "book.toml is not valid UTF-8")
                    .at(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                    )
                    .with_help("save the file as UTF-8"),
            ]
        })?;
        Config::parse(root, &text)
    }

    /// Parses book.toml's text; `root` is only recorded, never read. Unknown keys are
    /// reported (all of them) but do not stop the configuration from loading, so that the
    /// content can still be checked in the same run: they come back beside the config.
    pub fn parse(root: &Path, text: &str) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (cleaned, unknown) =
            strip_unknown_keys(text).map_err(|e| vec![toml_diagnostic(text, &e)])?;
        let raw: RawConfig = toml::from_str(&cleaned).map_err(|e| {
            let mut all = unknown.clone();
            all.push(toml_diagnostic(text, &e));
            all
        })?;
        let mut problems = Vec::new();
        let (title, languages, base_url) = check_book(&raw.book, text, &mut problems);
        check_search(&raw.search, &languages, text, &mut problems);
        if !problems.is_empty() {
            problems.extend(unknown);
            return Err(problems);
        }
        let mut expect = raw.search.expect;
        let mut search_from = 0;
        for expectation in &mut expect {
            let found = text[search_from..]
                .find("[[search.expect]]")
                .map(|i| search_from + i);
            if let Some(offset) = found {
                expectation.line = crate::diag::line_col(text, offset).0;
                search_from = offset + 1;
            }
        }
        let config = Config {
            root: root.to_path_buf(),
            title,
            description: raw.book.description,
            language: raw.book.language,
            languages,
            base_url,
            theme: raw.theme.name.unwrap_or_else(|| "default".to_string()),
            synonyms: raw.search.synonyms,
            vocabulary: raw.search.vocabulary.unwrap_or(true),
            learn_from_clicks: raw.search.learn_from_clicks.unwrap_or(false),
            phrasings: raw.search.phrasing,
            expect,
            support: raw.support,
            insights_enabled: raw.insights.enabled,
            insights_database: raw
                .insights
                .database
                .unwrap_or_else(|| PathBuf::from(".helpbook/insights.db")),
            insights_retention_days: raw.insights.retention_days.unwrap_or(180),
            insights_review_after_days: raw.insights.review_after_days.unwrap_or(180),
        };
        Ok((config, unknown))
    }

    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The URL prefix of a language: "" for the default, "/ru" for others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.language {
            String::new()
        } else {
            format!("/{lang}")
        }
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
}

/// A problem with book.toml at the first place `needle` appears (or its start).
fn problem(text: &str, needle: &str, message: String, help: &str) -> Diagnostic {
    let (line, col) = text
        .find(needle)
        .map_or((0, 0), |offset| crate::diag::line_col(text, offset));
    Diagnostic::error(FILE_NAME, message)
        .at_line(line, col)
        .with_help(help)
}

/// `[book]`: the title, every language (the default first) and the base URL, checked.
fn check_book(
    book: &RawBook,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> (String, Vec<String>, String) {
    let title = book.title.trim().to_string();
    if title.is_empty() {
        problems.push(problem(
            text,
            "title",
            "`title` is empty".into(),
            "give the help center a name, e.g. title = \"Kask & Co Help Center\"",
        ));
    }
    let mut languages = vec![book.language.clone()];
    for code in std::iter::once(&book.language).chain(&book.languages) {
        if !is_language_code(code) {
            problems.push(problem(
                text,
                &format!("\"{code}\""),
                format!("`{code}` is not a language code"),
                "use a lowercase ISO 639-1 code such as \"en\", \"ru\" or \"et\"",
            ));
        }
    }
    for code in &book.languages {
        if languages.contains(code) {
            problems.push(problem(
                text,
                "languages",
                format!("language `{code}` is listed twice"),
                "`language` is the default; list only the other languages in `languages`",
            ));
        } else {
            languages.push(code.clone());
        }
    }
    let base_url = book.base_url.trim().trim_end_matches('/').to_string();
    if !base_url.is_empty() && !base_url.starts_with("https://") && !base_url.starts_with("http://")
    {
        problems.push(problem(
            text,
            "base-url",
            format!("`base-url` must start with https:// or http://, got `{base_url}`"),
            "write the full address, e.g. base-url = \"https://help.example.com\"",
        ));
    }
    (title, languages, base_url)
}

/// `[search]`: expectations, synonym groups and phrasings, checked against `languages`.
fn check_search(
    search: &RawSearch,
    languages: &[String],
    text: &str,
    problems: &mut Vec<Diagnostic>,
) {
    for expectation in &search.expect {
        if !expectation.url.starts_with('/') {
            problems.push(problem(
                text,
                &expectation.url,
                format!(
                    "expected url `{}` must be a site path starting with `/`",
                    expectation.url
                ),
                "write it as the article's URL, e.g. \"/returns/refund-policy/\"",
            ));
        }
        if expectation.top == 0 {
            problems.push(problem(
                text,
                "top",
                "`top` must be at least 1".into(),
                "top = 3 means: within the first three results",
            ));
        }
    }
    for group in &search.synonyms {
        if group.len() < 2 {
            problems.push(problem(
                text,
                "synonyms",
                "a synonym group needs at least two words".into(),
                "write groups like [\"refund\", \"money back\"]",
            ));
        }
    }
    // Each `[[search.phrasing]]` table's own line, in order, for its problems.
    let phrasing_at: Vec<usize> = text
        .match_indices("[[search.phrasing]]")
        .map(|(offset, _)| offset)
        .collect();
    for (n, phrasing) in search.phrasing.iter().enumerate() {
        let problem = |message: String, help: &str| {
            let (line, col) = phrasing_at
                .get(n)
                .map_or((0, 0), |&offset| crate::diag::line_col(text, offset));
            Diagnostic::error(FILE_NAME, message)
                .at_line(line, col)
                .with_help(help)
        };
        if phrasing.asks.iter().all(|a| a.trim().is_empty()) {
            problems.push(problem(
                "a phrasing needs what shoppers ask in `asks`".into(),
                "write asks = [\"gift wrap\", \"wrap it as a present\"]",
            ));
        }
        if let Some(slot) = phrasing.asks.iter().find(|a| a.contains('{')) {
            problems.push(problem(
                format!("`{{…}}` in `{slot}`: slots belong to the built-in vocabulary"),
                "write the words it stands for as alternatives: \"where is my order|parcel\"",
            ));
        }
        if phrasing.means.iter().all(|m| m.trim().is_empty()) && !phrasing.support {
            problems.push(problem(
                "a phrasing needs the articles' words for it in `means`, or `support = true`"
                    .into(),
                "write means = [\"packaging\"]: the words your articles use",
            ));
        }
        if !phrasing.lang.is_empty() && !languages.contains(&phrasing.lang) {
            problems.push(problem(
                format!(
                    "phrasing language `{}` is not one of this help center's ({})",
                    phrasing.lang,
                    languages.join(", ")
                ),
                "use a language listed in [book] language or languages",
            ));
        }
    }
}

/// Lowercase ISO 639-1/639-3 code, optionally with a region (`pt-br`).
fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The language's own name, for the switcher ("Русский", "Eesti").
pub fn language_name(code: &str) -> String {
    let name = match code.split('-').next().unwrap_or(code) {
        "en" => "English",
        "ru" => "Русский",
        "et" => "Eesti",
        "de" => "Deutsch",
        "fi" => "Suomi",
        "lv" => "Latviešu",
        "lt" => "Lietuvių",
        "fr" => "Français",
        "es" => "Español",
        "it" => "Italiano",
        "pl" => "Polski",
        "uk" => "Українська",
        "sv" => "Svenska",
        "nl" => "Nederlands",
        "pt" => "Português",
        _ => return code.to_uppercase(),
    };
    name.to_string()
}

fn toml_diagnostic(text: &str, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let mut diagnostic = Diagnostic::error(FILE_NAME, message.clone());
    if let Some(span) = error.span() {
        diagnostic = diagnostic.at(text, span.start);
    }
    if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        diagnostic.message = format!("unknown key `{unknown}`");
        let help = format!(
            "remove it; {}",
            message
                .split_once(", ")
                .map_or("see README.md for every key", |(_, expected)| expected)
        );
        diagnostic = diagnostic.with_help(help);
    } else if message.contains("missing field `book`") {
        diagnostic = diagnostic
            .with_help("book.toml needs a [book] table with a title, e.g.\n  [book]\n  title = \"My Help Center\"");
    } else if message.contains("missing field `title`") {
        diagnostic = diagnostic.with_help("add title = \"My Help Center\" under [book]");
    } else {
        diagnostic = diagnostic.with_help("book.toml is TOML: check quotes, brackets and `=`");
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        match Config::parse(Path::new("/hc"), text) {
            Ok((config, problems)) if problems.is_empty() => Ok(config),
            Ok((_, problems)) => Err(problems),
            Err(problems) => Err(problems),
        }
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse("[book]\ntitle = \"Help\"\n").unwrap();
        assert_eq!(config.language, "en");
        assert_eq!(config.languages, vec!["en"]);
        assert_eq!(config.theme, "default");
        assert!(config.support.is_none());
    }

    #[test]
    fn unknown_key_names_key_line_and_suggestion() {
        let errors = parse("[book]\ntitle = \"Help\"\nlanguges = [\"ru\"]\n").unwrap_err();
        let text = errors[0].to_string();
        assert!(
            text.starts_with("book.toml:3:1: error: unknown key `languges`"),
            "{text}"
        );
        assert!(text.contains("did you mean `languages`?"), "{text}");
    }

    #[test]
    fn every_unknown_key_is_reported_and_the_rest_still_loads() {
        let text = "[book]\ntitle = \"Help\"\ncolour = \"red\"\nlanguages = [\"ru\"]\n\n[serach]\nsynonyms = [\n  [\"a\", \"b\"],\n]\n\n[[search.expect]]\nquery = \"x\"\nurl = \"/x/\"\ntopp = 3\n";
        let (config, problems) = Config::parse(Path::new("/hc"), text).unwrap();
        let found: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("book.toml:3:1: error: unknown key `colour` in [book]"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("book.toml:6:2: error: unknown key `serach`"),
            "{found:?}"
        );
        assert!(found[1].contains("did you mean `search`?"), "{found:?}");
        assert!(
            found[2].starts_with("book.toml:14:1: error: unknown key `topp` in [search.expect]"),
            "{found:?}"
        );
        assert_eq!(config.languages, vec!["en", "ru"]);
        assert_eq!(config.expect.len(), 1);
    }

    #[test]
    fn duplicate_and_bad_languages_are_reported_together() {
        let errors = parse(
            "[book]\ntitle = \"Help\"\nlanguage = \"en\"\nlanguages = [\"en\", \"Russian\"]\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn base_url_loses_trailing_slash() {
        let config =
            parse("[book]\ntitle = \"Help\"\nbase-url = \"https://help.example.com/\"\n").unwrap();
        assert_eq!(config.base_url, "https://help.example.com");
    }
}
