//! schema.org JSON-LD for FAQ and how-to pages (rich results in search engines).

use serde::Serialize;

use crate::content::{Article, Kind};
use crate::markdown::Rendered;
use crate::theme::json_for_script;

/// The JSON-LD block's text, safe to place inside `<script type="application/ld+json">`.
/// Written straight from the article (fields in alphabetical order, as schema.org's examples
/// and earlier builds have them), without a JSON tree in between.
pub fn for_article(article: &Article, rendered: &Rendered, canonical: &str) -> String {
    let json = match article.kind {
        Kind::Faq => serde_json::to_string(&FaqPage {
            context: SCHEMA,
            kind: "FAQPage",
            in_language: &article.lang,
            main_entity: rendered
                .faq
                .iter()
                .map(|item| Question {
                    kind: "Question",
                    accepted_answer: Answer {
                        kind: "Answer",
                        text: &item.answer_text,
                    },
                    name: &item.question,
                })
                .collect(),
            name: &article.title,
        }),
        Kind::HowTo => serde_json::to_string(&Described {
            name: Some(&article.title),
            step: Some(
                rendered
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, step)| HowToStep {
                        kind: "HowToStep",
                        name: step_name(&step.text),
                        position: i + 1,
                        text: &step.text,
                    })
                    .collect(),
            ),
            ..Described::of("HowTo", article, canonical)
        }),
        Kind::Article => serde_json::to_string(&Described {
            headline: Some(&article.title),
            ..Described::of("Article", article, canonical)
        }),
    };
    // Serialising borrowed strings and numbers cannot fail.
    json_for_script(&json.unwrap_or_default())
}

const SCHEMA: &str = "https://schema.org";

#[derive(Serialize)]
struct FaqPage<'a> {
    #[serde(rename = "@context")]
    context: &'a str,
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "mainEntity")]
    main_entity: Vec<Question<'a>>,
    name: &'a str,
}

#[derive(Serialize)]
struct Question<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(rename = "acceptedAnswer")]
    accepted_answer: Answer<'a>,
    name: &'a str,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    text: &'a str,
}

/// A how-to (`name` and `step`) or a plain article (`headline`), with the dates, description
/// and URL when the article has them.
#[derive(Serialize)]
struct Described<'a> {
    #[serde(rename = "@context")]
    context: &'a str,
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<&'a str>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<&'a str>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<Vec<HowToStep<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

impl<'a> Described<'a> {
    fn of(kind: &'a str, article: &'a Article, canonical: &'a str) -> Described<'a> {
        Described {
            context: SCHEMA,
            kind,
            date_modified: article.last_updated(),
            date_published: article.date.as_deref(),
            description: Some(article.description.as_str()).filter(|d| !d.is_empty()),
            headline: None,
            in_language: &article.lang,
            name: None,
            step: None,
            url: Some(canonical).filter(|u| !u.is_empty()),
        }
    }
}

#[derive(Serialize)]
struct HowToStep<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    name: String,
    position: usize,
    text: &'a str,
}

/// A step's name: its first sentence, at most ~80 characters.
fn step_name(text: &str) -> String {
    let first = text
        .split_inclusive(['.', '!', '?'])
        .next()
        .unwrap_or(text)
        .trim();
    if first.chars().count() <= 80 {
        return first.trim_end_matches('.').to_string();
    }
    let cut: String = first.chars().take(77).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_are_short_first_sentences() {
        assert_eq!(step_name("Open Orders. Then click."), "Open Orders");
        assert!(step_name(&"word ".repeat(40)).ends_with('…'));
    }
}
