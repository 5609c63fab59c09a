//! The writer's own HTML in a Markdown file, read tag by tag before the page is cleaned, so
//! that every tag, attribute and address the cleaning ([`super::sanitize`]) removes is reported
//! as a warning at its place.

use std::cell::{Cell, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::Event;

use super::sanitize::{
    REMOVED_WITH_CONTENT, STYLE_PROPERTY, TAGS, allowed_attributes, check_url,
    is_allowed_attribute, is_url_attribute, shown,
};
use super::{Problem, Spanned};
use crate::diag::Severity;

/// Elements inside each other deeper than this in a writer's HTML make the page an error: the
/// HTML parser's work per tag grows with the depth (10,000 nested `<div>`s take seconds), and
/// real articles stay under 30.
pub const MAX_DEPTH: usize = 128;

/// What a page's raw HTML calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// None, or only comments: written as it is.
    Keep,
    /// Cleaned before it is written.
    Clean,
    /// Nested too deep to clean in good time: an error, and the HTML is left out.
    TooDeep,
}

/// Reports what the cleaning will remove from the raw HTML among `events` (an HTML block's
/// lines read together, inline HTML tag by tag), and says what the page needs.
///
/// A `<script>`, `<style>` or other element whose content is raw text, left open where the
/// writer's HTML ends, is closed there: otherwise it would swallow the Markdown after it, and
/// the cleaning would remove the rest of the article with it (its headings still in the table
/// of contents and the search index).
pub fn check(events: &mut Vec<Spanned<'_>>, problems: &mut Vec<Problem>) -> Verdict {
    let mut verdict = Verdict::Keep;
    let mut depth = 0;
    let mut i = 0;
    // Where a closing tag goes (after the event at this index), and which.
    let mut closers: Vec<(usize, String)> = Vec::new();
    while i < events.len() {
        let run = match events[i].0 {
            Event::Html(_) => {
                let start = i;
                while i < events.len() && matches!(events[i].0, Event::Html(_)) {
                    i += 1;
                }
                &events[start..i]
            }
            Event::InlineHtml(_) => {
                i += 1;
                &events[i - 1..i]
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let (run_verdict, left_open) = check_run(run, &mut depth, problems);
        match run_verdict {
            Verdict::Keep => {}
            Verdict::Clean => verdict = Verdict::Clean,
            Verdict::TooDeep => return Verdict::TooDeep,
        }
        if let Some(name) = left_open {
            closers.push((i - 1, format!("</{name}>")));
        }
    }
    for (after, closer) in closers.into_iter().rev() {
        let (event, range) = &events[after];
        let end = range.end..range.end;
        let closer = match event {
            Event::InlineHtml(_) => Event::InlineHtml(closer.into()),
            _ => Event::Html(closer.into()),
        };
        events.insert(after + 1, (closer, end));
    }
    verdict
}

/// One stretch of raw HTML: its events' texts joined, tokenized as a browser would. `depth`
/// is how many of the writer's elements are open, carried from stretch to stretch.
/// Also returns the raw-text element (`script`, `style`, …) the stretch leaves open, if any.
fn check_run(
    run: &[Spanned<'_>],
    depth: &mut usize,
    problems: &mut Vec<Problem>,
) -> (Verdict, Option<String>) {
    let mut text = String::new();
    // Where each event's text starts, in `text` and in the body.
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(run.len());
    for (event, range) in run {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            starts.push((text.len(), range.start));
            text.push_str(html);
        }
    }
    let (tags, only_comments, left_open) = read(&text);
    if only_comments {
        return (Verdict::Keep, None);
    }
    let mut places = Places::new(&text);
    for (line, tag) in tags {
        let nests = !VOID.contains(&&*tag.name) && !CLOSED_BY_NEXT.contains(&&*tag.name);
        if tag.kind == TagKind::EndTag {
            if nests {
                *depth = depth.saturating_sub(1);
            }
            continue;
        }
        let at = places.start_of(&tag.name, line);
        let event = starts.partition_point(|(in_text, _)| *in_text <= at);
        let (in_text, in_body) = starts[event.saturating_sub(1)];
        let offset = in_body + (at - in_text);
        if nests {
            *depth += 1;
            if *depth > MAX_DEPTH {
                problems.push(Problem {
                    offset,
                    severity: Severity::Error,
                    message: format!("HTML elements nested more than {MAX_DEPTH} deep"),
                    help: "close each tag you open (`<div>` … `</div>`); the page's HTML is left out until then".into(),
                });
                return (Verdict::TooDeep, None);
            }
        }
        report(&tag, offset, problems);
    }
    (Verdict::Clean, left_open)
}

/// Elements the parser closes when another of their kind (or of their table part) begins:
/// left open, they do not nest. Tables inside cells do nest, but only through a `<table>`,
/// which counts.
const CLOSED_BY_NEXT: &[&str] = &[
    "a", "caption", "colgroup", "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt",
    "rtc", "tbody", "td", "tfoot", "th", "thead", "tr",
];
/// Every tag in `text` with the 1-based line the tokenizer was on when it ended, and
/// whether `text` is nothing but comments and blanks (`<!-- keywords: … -->`), which need no
/// cleaning. Where a comment ends is the tokenizer's call, not a search for `-->`: browsers
/// also end one at `--!>`.
fn read(text: &str) -> (Vec<(usize, Tag)>, bool, Option<String>) {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let tokenizer = Tokenizer::new(StartTags::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let sink = tokenizer.sink;
    (
        sink.tags.into_inner(),
        !sink.more_than_comments.get(),
        sink.raw_text_in.into_inner(),
    )
}

#[derive(Default)]
struct StartTags {
    tags: RefCell<Vec<(usize, Tag)>>,
    more_than_comments: Cell<bool>,
    /// The element whose raw text the tokenizer is reading, until its end tag.
    raw_text_in: RefCell<Option<String>>,
}

impl TokenSink for StartTags {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let tag = match token {
            Token::TagToken(tag) => tag,
            Token::CommentToken(_) | Token::ParseError(_) | Token::EOFToken => {
                return TokenSinkResult::Continue;
            }
            Token::CharacterTokens(text) if text.trim().is_empty() => {
                return TokenSinkResult::Continue;
            }
            Token::CharacterTokens(_) | Token::NullCharacterToken | Token::DoctypeToken(_) => {
                self.more_than_comments.set(true);
                return TokenSinkResult::Continue;
            }
        };
        self.more_than_comments.set(true);
        if tag.kind != TagKind::StartTag {
            let mut raw_text_in = self.raw_text_in.borrow_mut();
            if raw_text_in.as_deref() == Some(&*tag.name) {
                *raw_text_in = None;
            }
            let line = usize::try_from(line).unwrap_or(usize::MAX);
            self.tags.borrow_mut().push((line, tag));
            return TokenSinkResult::Continue;
        }
        // What follows these is text up to their end tag (the tree builder's switches), so a
        // script's `if (a<b)` is not read as a tag.
        let next = match &*tag.name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "iframe" | "xmp" | "noembed" | "noframes" | "noscript" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        };
        if !matches!(next, TokenSinkResult::Continue) {
            *self.raw_text_in.borrow_mut() = Some(tag.name.to_string());
        }
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        self.tags.borrow_mut().push((line, tag));
        next
    }
}

/// Finds where each tag the tokenizer read begins in the text, in one pass: the tokenizer
/// gives only the line a tag ended on.
struct Places<'a> {
    text: &'a str,
    /// Offsets of `\n`.
    newlines: Vec<usize>,
    /// Offsets of `<` followed by a letter, where a tag may begin (or a comment or a script
    /// holds one), in order.
    openings: Vec<usize>,
    /// The first opening not yet given to a tag.
    next: usize,
}

impl<'a> Places<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        Places {
            text,
            newlines: positions(bytes, b'\n'),
            openings: positions(bytes, b'<')
                .into_iter()
                .filter(|&i| bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic))
                .collect(),
            next: 0,
        }
    }

    /// Where the tag `<name` that ended on `line` (1-based) begins: the next opening with its
    /// name up to the end of that line, looking a few openings ahead (past a `<b>` inside a
    /// comment); else the next opening, else the line's start.
    fn start_of(&mut self, name: &str, line: usize) -> usize {
        let line_end = self
            .newlines
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let text = self.text;
        let names_it = |i: usize| {
            let after = &text.as_bytes()[i + 1..line_end.max(i + 1)];
            after.len() >= name.len()
                && after[..name.len()].eq_ignore_ascii_case(name.as_bytes())
                && after
                    .get(name.len())
                    .is_none_or(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        };
        let ahead = self.openings[self.next.min(self.openings.len())..]
            .iter()
            .take(64)
            .take_while(|&&i| i < line_end)
            .position(|&i| names_it(i));
        let taken = ahead.unwrap_or(0);
        match self.openings.get(self.next + taken) {
            Some(&at) if at < line_end => {
                self.next += taken + 1;
                at
            }
            _ => line
                .checked_sub(2)
                .and_then(|previous| self.newlines.get(previous))
                .map_or(0, |&newline| newline + 1),
        }
    }
}

/// Every offset of `byte` in `bytes`.
fn positions(bytes: &[u8], byte: u8) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == byte)
        .map(|(i, _)| i)
        .collect()
}

fn report(tag: &Tag, offset: usize, problems: &mut Vec<Problem>) {
    let name: &str = &tag.name;
    let mut warn = |message: String, help: String| {
        problems.push(Problem {
            offset,
            severity: Severity::Warning,
            message,
            help,
        })
    };
    if !TAGS.contains(&name) {
        let message = if REMOVED_WITH_CONTENT.contains(&name) {
            format!("HTML tag `<{name}>` removed with its content")
        } else if VOID.contains(&name) {
            format!("HTML tag `<{name}>` removed")
        } else {
            format!("HTML tag `<{name}>` removed; its content is kept")
        };
        warn(message, tag_help(name));
        return;
    }
    for attribute in &tag.attrs {
        let attribute_name: &str = &attribute.name.local;
        let value: &str = &attribute.value;
        if !is_allowed_attribute(name, attribute_name) {
            let (why, help) = if attribute_name.starts_with("on") {
                (
                    "event handler attributes are not allowed".to_string(),
                    "pages run only the theme's own script".to_string(),
                )
            } else if attribute_name == "style" {
                (
                    "inline styles are not allowed".to_string(),
                    "give the element a `class` and style it in the theme's CSS (`themes/<name>/static/style.css`)".to_string(),
                )
            } else {
                (
                    format!("`<{name}>` may not have it"),
                    format!("`<{name}>` may have {}", list(&allowed_attributes(name))),
                )
            };
            warn(
                format!("attribute `{attribute_name}` removed from `<{name}>`: {why}"),
                help,
            );
        } else if attribute_name == "style" {
            let others: Vec<&str> = value
                .split(';')
                .filter_map(|declaration| declaration.split_once(':'))
                .map(|(property, _)| property.trim())
                .filter(|property| !property.eq_ignore_ascii_case(STYLE_PROPERTY))
                .collect();
            if !others.is_empty() {
                warn(
                    format!(
                        "`style` of `<{name}>` keeps only `{STYLE_PROPERTY}`; removed: {}",
                        list(&others)
                    ),
                    "give the cell a `class` and style it in the theme's CSS (`themes/<name>/static/style.css`)".into(),
                );
            }
        } else if is_url_attribute(name, attribute_name)
            && let Err(refusal) = check_url(name, attribute_name, value)
        {
            let what = match (name, attribute_name) {
                ("video" | "source", _) => "video",
                ("img", _) => "image",
                _ => "link",
            };
            warn(
                format!(
                    "{what} `{}` removed from `<{name}>`: {}",
                    shown(value),
                    refusal.reason()
                ),
                refusal.help().into(),
            );
        }
    }
}

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "img", "input", "keygen",
    "link", "meta", "param", "source", "track", "wbr",
];

fn tag_help(name: &str) -> String {
    match name {
        "script" | "noscript" => "pages run only the theme's own script; a widget or tracking code belongs in the theme's templates (`themes/<name>/templates/base.html`)".into(),
        "style" => "style pages in the theme's CSS (`themes/<name>/static/style.css`)".into(),
        "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" => "for a YouTube or Vimeo video put its link alone on its line: it becomes a player that loads nothing until pressed; other embedded pages are not allowed".into(),
        "form" | "input" | "button" | "select" | "textarea" | "label" | "fieldset" | "legend"
        | "option" | "optgroup" | "datalist" | "output" => {
            "forms are not part of articles; link to the page that has the form".into()
        }
        "svg" | "math" => {
            "save the picture as a file and show it as an image: `![Diagram](diagram.svg)`".into()
        }
        _ => format!(
            "if it is meant as text, put it in backticks (`` `<{name}>` ``); the tags articles may use are listed in README.md under \"HTML in articles\""
        ),
    }
}

/// `a, b and c`
fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!(
            "{} and `{last}`",
            init.iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser};

    use super::*;

    fn warnings(body: &str) -> Vec<(usize, String)> {
        let mut events: Vec<Spanned<'_>> = Parser::new_ext(body, Options::ENABLE_TABLES)
            .into_offset_iter()
            .collect();
        let mut problems = Vec::new();
        check(&mut events, &mut problems);
        problems
            .into_iter()
            .map(|p| (p.offset, p.message))
            .collect()
    }

    #[test]
    fn each_removal_is_reported_where_its_tag_begins() {
        let body = "Press <kbd onclick=\"x()\">Ctrl</kbd>.\n\n<div>\n<script>if (a<b) go()</script>\n<iframe src=\"https://example.com/\"></iframe>\n<a href=\"javascript:go()\"\n   style=\"color: red\">x</a>\n</div>\n";
        assert_eq!(
            warnings(body),
            vec![
                (
                    body.find("<kbd").unwrap(),
                    "attribute `onclick` removed from `<kbd>`: event handler attributes are not allowed".to_string()
                ),
                (
                    body.find("<script").unwrap(),
                    "HTML tag `<script>` removed with its content".to_string()
                ),
                (
                    body.find("<iframe").unwrap(),
                    "HTML tag `<iframe>` removed with its content".to_string()
                ),
                (
                    body.find("<a href").unwrap(),
                    "link `javascript:go()` removed from `<a>`: `javascript:` addresses are not allowed".to_string()
                ),
                (
                    body.find("<a href").unwrap(),
                    "attribute `style` removed from `<a>`: inline styles are not allowed"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn two_tags_on_a_line_are_each_found() {
        let body = "<form><input name=\"q\"><input type=\"submit\"></form>\n";
        assert_eq!(
            warnings(body),
            vec![
                (
                    0,
                    "HTML tag `<form>` removed; its content is kept".to_string()
                ),
                (
                    body.find("<input").unwrap(),
                    "HTML tag `<input>` removed".to_string()
                ),
                (
                    body.rfind("<input").unwrap(),
                    "HTML tag `<input>` removed".to_string()
                ),
            ]
        );
    }

    #[test]
    fn allowed_html_and_comments_are_quiet() {
        assert_eq!(
            warnings(
                "<details>\n<summary>More</summary>\n\nText with <kbd>Ctrl</kbd>, H<sub>2</sub>O.\n\n</details>\n\n<!-- keywords: a, b -->\n\n<table><tr><td style=\"text-align: right\">1</td></tr></table>\n"
            ),
            vec![]
        );
        let mut events: Vec<Spanned<'_>> =
            Parser::new("<!-- note -->\n").into_offset_iter().collect();
        assert_eq!(
            check(&mut events, &mut Vec::new()),
            Verdict::Keep,
            "comments need no cleaning"
        );
    }

    #[test]
    fn a_comment_ends_where_a_browser_ends_it() {
        let body = "<!-- a --!> <script>alert(1)</script> -->\n";
        let mut events: Vec<Spanned<'_>> = Parser::new(body).into_offset_iter().collect();
        let mut problems = Vec::new();
        assert_eq!(
            check(&mut events, &mut problems),
            Verdict::Clean,
            "the script is outside the comment"
        );
        assert_eq!(problems[0].offset, body.find("<script").unwrap());
    }

    #[test]
    fn a_remote_video_source_says_where_videos_may_come_from() {
        let found = warnings(
            "<video controls>\n  <source src=\"https://cdn.example/a.mp4\" type=\"video/mp4\">\n</video>\n",
        );
        assert_eq!(
            found[0].1,
            "video `https://cdn.example/a.mp4` removed from `<source>`: videos play only from this help center's own files"
        );
    }

    #[test]
    fn html_nested_too_deep_is_an_error_where_it_goes_over() {
        let body = format!("{}\n\n{}\n", "<div>".repeat(MAX_DEPTH), "<br>x<div>");
        let mut events: Vec<Spanned<'_>> = Parser::new(&body).into_offset_iter().collect();
        let mut problems = Vec::new();
        assert_eq!(check(&mut events, &mut problems), Verdict::TooDeep);
        let error = problems.last().unwrap();
        assert_eq!(error.severity, Severity::Error);
        assert_eq!(error.offset, body.rfind("<div>").unwrap());
        // Paragraphs and list items left open close each other: they do not nest.
        let open = format!("{}{}\n", "<p>a".repeat(1_000), "<li>b".repeat(1_000));
        let mut events: Vec<Spanned<'_>> = Parser::new(&open).into_offset_iter().collect();
        assert_eq!(check(&mut events, &mut Vec::new()), Verdict::Clean);
    }
}
