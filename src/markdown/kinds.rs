//! What a page's kind takes from its body: FAQ question/answer pairs (with the shoppers'
//! phrasings in `keywords` comments) and how-to steps.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{FaqItem, HeadingInfo, Rendered, Spanned, Step, find_end, plain_text, push_html};

/// FAQ: the intro before the first `##`, then one item per `##` question.
pub(super) fn split_faq(
    events: Vec<Spanned<'_>>,
    headings: &[HeadingInfo],
    clean: bool,
    out: &mut Rendered,
) {
    // A `##` inside a list or quote belongs to it: splitting there would leave the list open.
    let questions: Vec<&HeadingInfo> = headings
        .iter()
        .filter(|h| h.level == HeadingLevel::H2 && h.top_level)
        .collect();
    let first = questions.first().map_or(events.len(), |h| h.start);
    let mut events: Vec<Option<Spanned<'_>>> = events.into_iter().map(Some).collect();
    push_html(
        &mut out.html,
        events[..first]
            .iter_mut()
            .filter_map(|e| e.take())
            .map(|(e, _)| e),
        clean,
    );
    for (n, question) in questions.iter().enumerate() {
        let answer_end = questions.get(n + 1).map_or(events.len(), |next| next.start);
        let mut answer: Vec<Spanned<'_>> = events[question.end + 1..answer_end]
            .iter_mut()
            .filter_map(|e| e.take())
            .collect();
        let keywords = take_keywords(&mut answer);
        let answer_text = plain_text(&answer);
        let mut answer_html = String::new();
        push_html(&mut answer_html, answer.into_iter().map(|(e, _)| e), clean);
        out.faq.push(FaqItem {
            id: question.id.clone(),
            question: question.text.clone(),
            answer_html,
            answer_text,
            keywords,
        });
    }
}

/// A question's own keywords: an HTML comment of its answer that reads
/// `<!-- keywords: a, b -->`, taken out of the answer (the first such comment; a page never
/// shows comments, and search needs only the words).
pub(super) fn take_keywords(answer: &mut Vec<Spanned<'_>>) -> Vec<String> {
    let mut at = 0;
    while at < answer.len() {
        if matches!(answer[at].0, Event::Start(Tag::HtmlBlock)) {
            let end = (at..answer.len())
                .find(|&i| matches!(answer[i].0, Event::End(TagEnd::HtmlBlock)))
                .unwrap_or(answer.len() - 1);
            let html: String = answer[at..=end]
                .iter()
                .filter_map(|(event, _)| match event {
                    Event::Html(text) => Some(text.as_ref()),
                    _ => None,
                })
                .collect();
            let keywords = html
                .trim()
                .strip_prefix("<!--")
                .and_then(|c| c.strip_suffix("-->"))
                .map(str::trim)
                .and_then(|c| c.strip_prefix("keywords:"));
            if let Some(keywords) = keywords {
                answer.drain(at..=end);
                return keywords
                    .split(',')
                    .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|k| !k.is_empty())
                    .collect();
            }
            at = end + 1;
        } else {
            at += 1;
        }
    }
    Vec::new()
}

/// How-to: the first top-level ordered list is the steps; without one, `## Step …` headings are.
pub(super) fn mark_steps(
    events: &mut [Spanned<'_>],
    headings: &[HeadingInfo],
    steps: &mut Vec<Step>,
) {
    let mut depth = 0usize;
    let mut list_start = None;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::List(Some(_))) if depth == 0 => {
                list_start = Some(i);
                break;
            }
            Event::Start(
                Tag::List(_) | Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_),
            ) => depth += 1,
            Event::End(
                TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if let Some(start) = list_start {
        let end = find_end(events, start);
        let mut item_depth = 0usize;
        let mut item_start = 0;
        for i in start + 1..end {
            match &events[i].0 {
                Event::Start(Tag::Item) => {
                    if item_depth == 0 {
                        item_start = i;
                    }
                    item_depth += 1;
                }
                Event::End(TagEnd::Item) => {
                    item_depth -= 1;
                    if item_depth == 0 {
                        steps.push(Step {
                            text: plain_text(&events[item_start..=i])
                                .replace('\n', " ")
                                .trim()
                                .to_string(),
                        });
                    }
                }
                _ => {}
            }
        }
        let number = match &events[start].0 {
            Event::Start(Tag::List(Some(n))) => *n,
            _ => 1,
        };
        let open = if number == 1 {
            "<ol class=\"howto-steps\">\n".to_string()
        } else {
            format!("<ol class=\"howto-steps\" start=\"{number}\">\n")
        };
        events[start].0 = Event::Html(CowStr::from(open));
        events[end].0 = Event::Html(CowStr::from("</ol>\n"));
        return;
    }
    for heading in headings.iter().filter(|h| h.level == HeadingLevel::H2) {
        let lower = heading.text.to_lowercase();
        if ["step", "шаг", "samm"].iter().any(|w| lower.starts_with(w)) {
            steps.push(Step {
                text: heading.text.clone(),
            });
        }
    }
}
