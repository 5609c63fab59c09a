//! schema.org JSON-LD for FAQ and how-to pages (rich results in search engines).

use serde_json::{Value, json};

use crate::content::{Article, Kind};
use crate::markdown::Rendered;

/// The JSON-LD block's text, safe to place inside `<script type="application/ld+json">`.
pub fn for_article(article: &Article, rendered: &Rendered, canonical: &str) -> String {
    let value = match article.kind {
        Kind::Faq => faq(article, rendered),
        Kind::HowTo => howto(article, rendered, canonical),
        Kind::Article => plain(article, canonical),
    };
    script_safe(&value)
}

fn faq(article: &Article, rendered: &Rendered) -> Value {
    let questions: Vec<Value> = rendered
        .faq
        .iter()
        .map(|item| {
            json!({
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": { "@type": "Answer", "text": item.answer_text },
            })
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "name": article.title,
        "inLanguage": article.lang,
        "mainEntity": questions,
    })
}

fn howto(article: &Article, rendered: &Rendered, canonical: &str) -> Value {
    let steps: Vec<Value> = rendered
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            json!({
                "@type": "HowToStep",
                "position": i + 1,
                "name": step_name(&step.text),
                "text": step.text,
            })
        })
        .collect();
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": article.title,
        "inLanguage": article.lang,
        "step": steps,
    });
    add_common(&mut value, article, canonical);
    value
}

fn plain(article: &Article, canonical: &str) -> Value {
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "inLanguage": article.lang,
    });
    add_common(&mut value, article, canonical);
    value
}

fn add_common(value: &mut Value, article: &Article, canonical: &str) {
    if let Value::Object(map) = value {
        if !article.description.is_empty() {
            map.insert("description".into(), json!(article.description));
        }
        if !canonical.is_empty() {
            map.insert("url".into(), json!(canonical));
        }
        if let Some(date) = &article.date {
            map.insert("datePublished".into(), json!(date));
        }
        if let Some(updated) = article.last_updated() {
            map.insert("dateModified".into(), json!(updated));
        }
    }
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

/// `</script>` inside a string would end the script element early; `<\/` means the same in JSON.
fn script_safe(value: &Value) -> String {
    value.to_string().replace("</", "<\\/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_are_short_first_sentences() {
        assert_eq!(step_name("Open Orders. Then click."), "Open Orders");
        assert!(step_name(&"word ".repeat(40)).ends_with('…'));
    }

    #[test]
    fn script_end_tags_are_escaped() {
        assert_eq!(
            script_safe(&json!({"a": "</script>"})),
            r#"{"a":"<\/script>"}"#
        );
    }
}
