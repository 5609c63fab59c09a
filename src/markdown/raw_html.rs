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

/// Reports what the cleaning will remove from the raw HTML among `events` (an HTML block's
/// lines read together, inline HTML tag by tag). Returns whether there is any raw HTML other
/// than comments, that is whether the page needs cleaning.
pub fn check(events: &[Spanned<'_>], problems: &mut Vec<Problem>) -> bool {
    let mut found = false;
    let mut i = 0;
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
        found |= check_run(run, problems);
    }
    found
}

/// One stretch of raw HTML: its events' texts joined, tokenized as a browser would.
fn check_run(run: &[Spanned<'_>], problems: &mut Vec<Problem>) -> bool {
    let mut text = String::new();
    // Where each event's text starts, in `text` and in the body.
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(run.len());
    for (event, range) in run {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            starts.push((text.len(), range.start));
            text.push_str(html);
        }
    }
    let (tags, only_comments) = read(&text);
    if only_comments {
        return false;
    }
    let mut from = 0;
    for (line, tag) in tags {
        let at = tag_start(&text, from, line, &tag.name);
        from = at + 1;
        let (in_text, in_body) = starts
            .iter()
            .rev()
            .find(|(in_text, _)| *in_text <= at)
            .copied()
            .unwrap_or((0, run[0].1.start));
        report(&tag, in_body + (at - in_text), problems);
    }
    true
}

/// Every start tag in `text` with the 1-based line the tokenizer was on when it ended, and
/// whether `text` is nothing but comments and blanks (`<!-- keywords: … -->`), which need no
/// cleaning. Where a comment ends is the tokenizer's call, not a search for `-->`: browsers
/// also end one at `--!>`.
fn read(text: &str) -> (Vec<(usize, Tag)>, bool) {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let tokenizer = Tokenizer::new(StartTags::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let sink = tokenizer.sink;
    (sink.tags.into_inner(), !sink.more_than_comments.get())
}

#[derive(Default)]
struct StartTags {
    tags: RefCell<Vec<(usize, Tag)>>,
    more_than_comments: Cell<bool>,
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
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        self.tags.borrow_mut().push((line, tag));
        next
    }
}

/// Where the tag `<name` that ended on `line` begins in `text`: the first `<name` from `from`
/// (just after the tag before it) up to the end of that line.
fn tag_start(text: &str, from: usize, line: usize, name: &str) -> usize {
    let line_end = text
        .match_indices('\n')
        .nth(line.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let from = from.min(line_end);
    text[from..line_end]
        .match_indices('<')
        .map(|(i, _)| from + i)
        .find(|&i| {
            let after = &text[i + 1..line_end];
            after.len() >= name.len()
                && after.is_char_boundary(name.len())
                && after[..name.len()].eq_ignore_ascii_case(name)
                && after[name.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_ascii_whitespace() || c == '/' || c == '>')
        })
        .unwrap_or_else(|| text[..line_end].rfind('\n').map_or(0, |i| i + 1))
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
        let events: Vec<Spanned<'_>> = Parser::new_ext(body, Options::ENABLE_TABLES)
            .into_offset_iter()
            .collect();
        let mut problems = Vec::new();
        check(&events, &mut problems);
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
        let events: Vec<Spanned<'_>> = Parser::new("<!-- note -->\n").into_offset_iter().collect();
        assert!(
            !check(&events, &mut Vec::new()),
            "comments need no cleaning"
        );
    }

    #[test]
    fn a_comment_ends_where_a_browser_ends_it() {
        let body = "<!-- a --!> <script>alert(1)</script> -->\n";
        let events: Vec<Spanned<'_>> = Parser::new(body).into_offset_iter().collect();
        let mut problems = Vec::new();
        assert!(
            check(&events, &mut problems),
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
}
