//! Markdown -> [`Rendered`]: HTML with heading anchors, FAQ question/answer pairs, how-to
//! steps, callouts, video embeds, the table of contents and plain text for search. Pure:
//! links are resolved through the [`Resolve`] it is given; it never touches the disk. A page
//! whose writer wrote raw HTML is cleaned (ammonia), each removal reported as a warning.

mod kinds;
mod labels;
mod mdx;
mod raw_html;
mod sanitize;
mod video;

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::content::{AnchorSet, Kind};
use crate::diag::Severity;

pub use labels::Labels;

use kinds::{mark_steps, split_faq};
use mdx::strip_jsx;
use video::embed_videos;

/// What a link destination turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// External or otherwise not ours to check: left as written.
    Keep,
    /// An internal file (image, download): written with this URL.
    Rewrite(String),
    /// Another article or section (or this one); `anchor` is checked once every page is rendered.
    Page {
        url: String,
        target: PageRef,
        anchor: Option<String>,
    },
    /// A problem; the link is left as written.
    Problem {
        severity: Severity,
        message: String,
        help: String,
    },
}

/// Which page a link points at, to check its `#anchor` later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageRef {
    Article(usize),
    Section(usize),
}

/// Resolves link and image destinations for one source file.
pub trait Resolve {
    fn resolve(&self, dest: &str, is_image: bool) -> Resolution;
}

/// How to render one file.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    pub kind: Kind,
    pub title: &'a str,
    /// The page language's UI strings that Markdown writes (video links, callout titles).
    pub labels: &'a Labels,
    /// `.mdx` files: JSX components are reported and dropped instead of passed through.
    pub mdx: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FaqItem {
    pub id: String,
    pub question: String,
    pub answer_html: String,
    pub answer_text: String,
    /// The shoppers' own phrasings this question answers, from a
    /// `<!-- keywords: where is my order, parcel not arrived -->` line in its answer.
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub text: String,
}

/// A `##` section as plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub anchor: String,
    pub heading: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A problem found while rendering, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub offset: usize,
    pub severity: Severity,
    pub message: String,
    pub help: String,
}

/// A link to `page#anchor`, checked after every page is rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct AnchorRef {
    pub offset: usize,
    pub target: PageRef,
    pub anchor: String,
    pub dest: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    /// The body; for FAQs only the intro before the first question.
    pub html: String,
    pub faq: Vec<FaqItem>,
    pub steps: Vec<Step>,
    pub toc: Vec<TocEntry>,
    /// Every id a link may point at: headings and ids written in raw HTML.
    pub anchors: HashSet<String>,
    pub anchor_refs: Vec<AnchorRef>,
    pub problems: Vec<Problem>,
    /// Plain text of the whole body, for search and descriptions.
    pub text: String,
    /// Plain text before the first `##` heading.
    pub intro_text: String,
    /// Each `##` section of a non-FAQ page as its own passage, for search.
    pub passages: Vec<Passage>,
}

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Renders a body (the file without its front matter). Offsets in the result are offsets of `body`.
pub fn render(body: &str, options: RenderOptions<'_>, resolver: &dyn Resolve) -> Rendered {
    let parser_options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let mut events: Vec<Spanned<'_>> = Parser::new_ext(body, parser_options)
        .into_offset_iter()
        .collect();
    let mut out = Rendered::default();

    if options.mdx {
        strip_jsx(&mut events, &mut out.problems);
    }
    collect_html_ids(&events, &mut out.anchors);
    // Before any HTML of our own joins the events: all there is now is the writer's.
    let clean = match raw_html::check(&mut events, &mut out.problems) {
        raw_html::Verdict::Keep => false,
        raw_html::Verdict::Clean => true,
        raw_html::Verdict::TooDeep => {
            for (event, _) in &mut events {
                if matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
                    *event = Event::Text(CowStr::Borrowed(""));
                }
            }
            false
        }
    };
    drop_title_heading(&mut events, options.title);
    // Embedding replaces events; it runs before headings record their event positions.
    embed_videos(
        &options.labels.video_play,
        &mut events,
        resolver,
        &mut out.problems,
    );
    let headings = anchor_headings(&mut events, &mut out);
    resolve_links(&mut events, resolver, &mut out);
    callouts(&mut events, options.labels);
    out.text = plain_text(&events);
    let first_h2 = headings.iter().find(|h| h.level == HeadingLevel::H2);
    out.intro_text =
        plain_text(&events[..first_h2.map_or(events.len(), |h| h.start.min(events.len()))]);
    if options.kind != Kind::Faq {
        out.passages = passages(&events, &headings);
    }

    match options.kind {
        Kind::Faq => split_faq(events, &headings, clean, &mut out),
        Kind::HowTo => {
            mark_steps(&mut events, &headings, &mut out.steps);
            push_html(&mut out.html, events.into_iter().map(|(e, _)| e), clean);
        }
        Kind::Article => push_html(&mut out.html, events.into_iter().map(|(e, _)| e), clean),
    }
    // A warning, not an error: the page still builds.
    let missing = match options.kind {
        Kind::Faq if out.faq.is_empty() => Some((
            "this FAQ has no questions",
            "write each question as a `## Question?` heading with its answer below it, or set kind = \"article\"",
        )),
        Kind::HowTo if out.steps.is_empty() => Some((
            "this how-to has no steps",
            "write the steps as a numbered list (`1. Open your order`), or set kind = \"article\"",
        )),
        _ => None,
    };
    if let Some((message, help)) = missing {
        out.problems.push(Problem {
            offset: 0,
            severity: Severity::Warning,
            message: message.into(),
            help: help.into(),
        });
    }
    out.shrink();
    out
}

/// Writes `events` as HTML to `out`; with `clean`, through [`sanitize::clean`] (each fragment of
/// a page on its own, as each is placed on the page on its own).
fn push_html<'a>(out: &mut String, events: impl Iterator<Item = Event<'a>>, clean: bool) {
    if !clean {
        html::push_html(out, events);
        return;
    }
    let mut dirty = String::new();
    html::push_html(
        &mut dirty,
        events.map(|event| match event {
            Event::TaskListMarker(done) => Event::InlineHtml(CowStr::Borrowed(if done {
                sanitize::TASK_DONE
            } else {
                sanitize::TASK_OPEN
            })),
            event => event,
        }),
    );
    out.push_str(&sanitize::clean(&dirty));
}

/// A rendering's plain text, for search: taken out of [`Rendered`] once the pages no longer
/// need it, so that the search documents own it rather than copy it.
#[derive(Debug, Default)]
pub struct PlainText {
    /// Plain text of the whole body.
    pub text: String,
    /// Plain text before the first `##` heading.
    pub intro: String,
    /// Each `##` section of a non-FAQ page.
    pub passages: Vec<Passage>,
}

impl Rendered {
    /// Moves the plain text out (the text, intro and passages are empty afterwards).
    pub fn take_plain_text(&mut self) -> PlainText {
        PlainText {
            text: std::mem::take(&mut self.text),
            intro: std::mem::take(&mut self.intro_text),
            passages: std::mem::take(&mut self.passages),
        }
    }

    /// Gives back what the texts grew by and no longer need: every article's rendering is kept
    /// until the whole site is written, and growing strings leave up to half their room empty.
    fn shrink(&mut self) {
        self.html.shrink_to_fit();
        self.text.shrink_to_fit();
        self.intro_text.shrink_to_fit();
        for item in &mut self.faq {
            item.answer_html.shrink_to_fit();
            item.answer_text.shrink_to_fit();
        }
        for passage in &mut self.passages {
            passage.text.shrink_to_fit();
        }
    }
}

/// A heading found in the body: index of its Start event, level, anchor and text.
struct HeadingInfo {
    start: usize,
    end: usize,
    level: HeadingLevel,
    id: String,
    text: String,
    /// Not inside a list, quote or footnote: only such a heading splits an FAQ.
    top_level: bool,
}

fn heading_text(events: &[Spanned<'_>]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn find_end(events: &[Spanned<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// Imported help centers often repeat the title as a leading `# Title`; the page shows it once.
fn drop_title_heading(events: &mut Vec<Spanned<'_>>, title: &str) {
    let Some((
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        }),
        _,
    )) = events.first()
    else {
        return;
    };
    let end = find_end(events, 0);
    let text = heading_text(&events[..=end]);
    if text.eq_ignore_ascii_case(title.trim()) || text.to_lowercase() == title.trim().to_lowercase()
    {
        events.drain(..=end);
    }
}

fn anchor_headings(events: &mut [Spanned<'_>], out: &mut Rendered) -> Vec<HeadingInfo> {
    let mut set = AnchorSet::new();
    for id in &out.anchors {
        set.reserve(id);
    }
    // Explicit `{#id}`s are reserved first so generated anchors never take them, and so are
    // footnote labels: a footnote's id is its label (`[^note]` is `id="note"`).
    for (event, _) in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. } | Tag::FootnoteDefinition(id)) = event
        {
            set.reserve(id);
        }
    }
    let mut headings = Vec::new();
    // Containers (lists, quotes, footnotes) open around the current event.
    let mut depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Heading { .. }) => {}
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = *level;
            let explicit = id.as_ref().map(|id| id.to_string());
            let end = find_end(events, i);
            let text = heading_text(&events[i..=end]);
            let id = explicit.unwrap_or_else(|| set.unique(&text));
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i].0 {
                *slot = Some(CowStr::from(id.clone()));
            }
            out.anchors.insert(id.clone());
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) && !text.is_empty() {
                out.toc.push(TocEntry {
                    level: if level == HeadingLevel::H2 { 2 } else { 3 },
                    id: id.clone(),
                    title: text.clone(),
                });
            }
            headings.push(HeadingInfo {
                start: i,
                end,
                level,
                id,
                text,
                top_level: depth == 0,
            });
            i = end;
        }
        i += 1;
    }
    headings
}

/// Ids and names written in raw HTML (`<a name="x">`, `<h2 id="x">`) are link targets too.
fn collect_html_ids(events: &[Spanned<'_>], anchors: &mut HashSet<String>) {
    for (event, _) in events {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            for attr in [" id=\"", " name=\""] {
                let mut rest: &str = html;
                while let Some(pos) = rest.find(attr) {
                    rest = &rest[pos + attr.len()..];
                    if let Some(end) = rest.find('"') {
                        anchors.insert(rest[..end].to_string());
                    }
                }
            }
        }
    }
}

fn resolve_links(events: &mut [Spanned<'_>], resolver: &dyn Resolve, out: &mut Rendered) {
    let mut refused = Vec::new();
    for (i, (event, range)) in events.iter_mut().enumerate() {
        let (dest, is_image) = match event {
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) if !matches!(link_type, LinkType::Email) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        match resolver.resolve(dest, is_image) {
            Resolution::Keep => {
                let (element, attribute) = if is_image {
                    ("img", "src")
                } else {
                    ("a", "href")
                };
                if let Err(refusal) = sanitize::check_url(element, attribute, dest) {
                    let (what, kept) = if is_image {
                        ("image", "its description is kept as text")
                    } else {
                        ("link to", "its text is kept")
                    };
                    out.problems.push(Problem {
                        offset: range.start,
                        severity: Severity::Warning,
                        message: format!(
                            "{what} `{}` removed ({kept}): {}",
                            sanitize::shown(dest),
                            refusal.reason()
                        ),
                        help: refusal.help().into(),
                    });
                    refused.push(i);
                }
            }
            Resolution::Rewrite(url) => *dest = CowStr::from(url),
            Resolution::Page {
                url,
                target,
                anchor,
            } => {
                if let Some(anchor) = anchor {
                    out.anchor_refs.push(AnchorRef {
                        offset: range.start,
                        target,
                        anchor,
                        dest: dest.to_string(),
                    });
                }
                *dest = CowStr::from(url);
            }
            Resolution::Problem {
                severity,
                message,
                help,
            } => out.problems.push(Problem {
                offset: range.start,
                severity,
                message,
                help,
            }),
        }
    }
    // The link or image goes; what was inside it stays, as text.
    for start in refused {
        let end = find_end(events, start);
        events[start].0 = Event::Text(CowStr::Borrowed(""));
        events[end].0 = Event::Text(CowStr::Borrowed(""));
    }
}

/// GitHub-style `> [!NOTE]` blockquotes become labelled callout boxes.
fn callouts(events: &mut [Spanned<'_>], labels: &Labels) {
    for (event, _) in events.iter_mut() {
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = labels.callout(*kind);
                *event = Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{}</p>\n",
                    escape(title)
                )));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                *event = Event::Html(CowStr::from("</div>\n"))
            }
            _ => {}
        }
    }
}

fn plain_text(events: &[Spanned<'_>]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => text.push('\n'),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// The text under each `##` heading, up to the next one.
fn passages(events: &[Spanned<'_>], headings: &[HeadingInfo]) -> Vec<Passage> {
    let h2: Vec<&HeadingInfo> = headings
        .iter()
        .filter(|h| h.level == HeadingLevel::H2)
        .collect();
    h2.iter()
        .enumerate()
        .filter_map(|(n, heading)| {
            let end = h2.get(n + 1).map_or(events.len(), |next| next.start);
            let body = events.get(heading.end + 1..end)?;
            Some(Passage {
                anchor: heading.id.clone(),
                heading: heading.text.clone(),
                text: plain_text(body),
            })
        })
        .collect()
}

/// Escapes text for HTML content and attribute values. Also Tera's escaper, so it runs for
/// every value on every page: text without special characters is copied in one go.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(text: &str, out: &mut String) {
    let special = |b: &u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    let Some(first) = text.bytes().position(|b| special(&b)) else {
        out.push_str(text);
        return;
    };
    out.push_str(&text[..first]);
    let mut start = first;
    for (i, b) in text.bytes().enumerate().skip(first) {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
mod tests;
