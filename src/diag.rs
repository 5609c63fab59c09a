//! Diagnostics: a problem in a writer's file (path, line, column, message, help), the collector
//! that keeps going after the first one, byte offset -> line:col, and their one rendering in two
//! forms: terminal text and HTML (preview's overlay). Depends on no other module.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How bad a problem is: errors fail `check` and `build`, warnings are printed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file. `line` and `col` are 1-based and count characters, not bytes;
/// 0 means "the whole file" (for example a file that is not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the help-center root, with `/` separators.
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: 0,
            col: 0,
            message: message.into(),
            help: None,
        }
    }

    /// A failure that is in no file (the build could not write, an index cannot be opened):
    /// shown as `error: message`, and not counted by [`summary`].
    pub fn general(message: impl Into<String>) -> Self {
        Diagnostic::error(String::new(), message)
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Places the problem at a byte offset of `text`, the whole file.
    pub fn at(mut self, text: &str, offset: usize) -> Self {
        let (line, col) = line_col(text, offset);
        self.line = line;
        self.col = col;
        self
    }

    pub fn at_line(mut self, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether the problem is in a file (not a [`general`](Diagnostic::general) failure).
    pub fn has_path(&self) -> bool {
        !self.path.is_empty()
    }

    /// `content/a.md:3:1`, `content/a.md` for the whole file, empty for a general failure.
    fn place(&self) -> String {
        if self.line == 0 {
            self.path.clone()
        } else {
            format!("{}:{}:{}", self.path, self.line, self.col)
        }
    }

    fn severity_word(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    /// The HTML form of the text form (for preview's overlay, whose container keeps white
    /// space): the place, severity and message, then `source_line` (the text of line
    /// `self.line`, when the caller has the file) under its number, then the help. Every
    /// value is escaped.
    pub fn to_html(&self, source_line: Option<&str>) -> String {
        let severity = self.severity_word();
        let mut html = format!("<div class=\"helpbook-diagnostic helpbook-{severity}\">");
        if self.has_path() {
            html.push_str(&format!("<strong>{}</strong>: ", escape(&self.place())));
        }
        html.push_str(&format!(
            "<strong>{severity}</strong>: {}",
            escape(&self.message)
        ));
        if let Some(line) = source_line.filter(|_| self.line > 0) {
            html.push_str(&format!(
                "\n<code>{:>5} | {}</code>",
                self.line,
                escape(line)
            ));
        }
        if let Some(help) = &self.help {
            html.push_str(&format!("\n  <em>help:</em> {}", escape(help)));
        }
        html.push_str("</div>");
        html
    }
}

impl fmt::Display for Diagnostic {
    /// `content/returns/refund-policy.md:3:1: error: message` then an indented `help:` line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = self.severity_word();
        if self.has_path() {
            write!(f, "{}: ", self.place())?;
        }
        write!(f, "{severity}: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The text form of `diagnostics`, as the terminal shows them: one block a problem, each
/// ending in a newline; warnings left out when `errors_only`.
pub fn to_text(diagnostics: &[Diagnostic], errors_only: bool) -> String {
    let mut text = String::new();
    for diagnostic in diagnostics {
        if errors_only && !diagnostic.is_error() {
            continue;
        }
        text.push_str(&diagnostic.to_string());
        text.push('\n');
    }
    text
}

/// The HTML form of `diagnostics`, one block a problem, each with its source line when
/// `source_of(path)` gives the file's text.
pub fn to_html(diagnostics: &[Diagnostic], source_of: impl Fn(&str) -> Option<String>) -> String {
    let blocks: Vec<String> = diagnostics
        .iter()
        .map(|diagnostic| {
            let source = (diagnostic.line > 0 && diagnostic.has_path())
                .then(|| source_of(&diagnostic.path))
                .flatten();
            let line = source
                .as_deref()
                .and_then(|text| text.lines().nth(diagnostic.line - 1));
            diagnostic.to_html(line)
        })
        .collect();
    blocks.join("\n")
}

/// Text made safe to place between HTML tags (never in an attribute value).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// 1-based line and character column of a byte offset. Offsets past the end or inside a
/// multi-byte character are clamped to the nearest character boundary before it.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Collects diagnostics from many threads; `into_sorted` orders them by path, line, column.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, diagnostic: Diagnostic) {
        // A poisoned lock only means another thread panicked while pushing; the list is intact.
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.push(diagnostic);
    }

    pub fn extend(&self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.extend(diagnostics);
    }

    pub fn has_errors(&self) -> bool {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.iter().any(Diagnostic::is_error)
    }

    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().unwrap_or_else(|e| e.into_inner());
        items.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
        });
        items.dedup();
        items
    }
}

/// `root/content/a b.md` -> `content/a b.md`, always with `/` separators (and a backslash in a
/// name on Linux, where it is no separator, kept).
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let parts: Vec<_> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Summary line: `4 problems in 3 files` (errors in files only; warnings are counted
/// separately).
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error() && d.has_path())
        .collect();
    let mut files: Vec<&str> = errors.iter().map(|d| d.path.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    format!(
        "{} {} in {} {}",
        errors.len(),
        plural(errors.len(), "problem", "problems"),
        files.len(),
        plural(files.len(), "file", "files")
    )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The closest candidate within edit distance 2, for "did you mean" hints.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let length = word.chars().count();
    candidates
        .iter()
        // Words more than two letters longer or shorter are more than two edits away.
        .filter(|c| c.chars().count().abs_diff(length) <= 2)
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edits between two words (characters, not bytes), a swap of neighbours counting as one
/// (optimal string alignment): `titel` is one edit from `title`, `refudn` from `refund`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "+++\ntitle = \"Возврат\"x\n";
        let offset = text.find('x').unwrap();
        assert_eq!(line_col(text, offset), (2, 18));
    }

    #[test]
    fn line_col_of_start_and_past_end() {
        assert_eq!(line_col("abc", 0), (1, 1));
        assert_eq!(line_col("a\nb", 99), (2, 2));
    }

    #[test]
    fn display_has_path_line_col_and_help() {
        let d = Diagnostic::error("content/a.md", "unknown front matter key `titel`")
            .at_line(3, 1)
            .with_help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:1: error: unknown front matter key `titel`\n  help: did you mean `title`?"
        );
    }

    #[test]
    fn a_general_failure_has_no_place() {
        let d = Diagnostic::general("cannot build: disk full");
        assert_eq!(d.to_string(), "error: cannot build: disk full");
        assert_eq!(summary(&[d]), "0 problems in 0 files");
    }

    #[test]
    fn text_form_is_one_block_a_problem_and_quiet_keeps_errors() {
        let ds = vec![
            Diagnostic::error("content/a.md", "bad").at_line(2, 3),
            Diagnostic::warning("content/b.md", "odd"),
        ];
        assert_eq!(
            to_text(&ds, false),
            "content/a.md:2:3: error: bad\ncontent/b.md: warning: odd\n"
        );
        assert_eq!(to_text(&ds, true), "content/a.md:2:3: error: bad\n");
    }

    #[test]
    fn html_form_names_the_place_and_escapes_every_value() {
        let d = Diagnostic::error("content/<a>.md", "unknown tag `<b>` & more")
            .at_line(2, 7)
            .with_help("write `&lt;`");
        let html = to_html(&[d], |path| {
            assert_eq!(path, "content/<a>.md");
            Some("+++\ntitle = \"<b>\"\n".to_string())
        });
        assert_eq!(
            html,
            "<div class=\"helpbook-diagnostic helpbook-error\">\
             <strong>content/&lt;a&gt;.md:2:7</strong>: <strong>error</strong>: \
             unknown tag `&lt;b&gt;` &amp; more\n\
             <code>    2 | title = \"&lt;b&gt;\"</code>\n  \
             <em>help:</em> write `&amp;lt;`</div>"
        );
    }

    #[test]
    fn did_you_mean_finds_near_misses_only() {
        assert_eq!(did_you_mean("titel", &["title", "tags"]), Some("title"));
        assert_eq!(did_you_mean("colour", &["title", "tags"]), None);
        assert_eq!(edit_distance("refudn", "refund"), 1, "a swap is one edit");
        assert_eq!(edit_distance("доствка", "доставка"), 1);
    }

    #[test]
    fn summary_counts_errors_and_files() {
        let ds = vec![
            Diagnostic::error("a.md", "x"),
            Diagnostic::error("a.md", "y"),
            Diagnostic::error("b.md", "z"),
            Diagnostic::warning("c.md", "w"),
        ];
        assert_eq!(summary(&ds), "3 problems in 2 files");
    }
}
