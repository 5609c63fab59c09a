//! Checks across articles: translations of an article that is not there, translation keys
//! used twice in one language, and FAQ keywords that two articles claim.

use std::collections::HashMap;

use super::{Article, Site};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};

pub(super) fn check_translations(config: &Config, site: &Site, diagnostics: &Diagnostics) {
    let originals: std::collections::HashSet<&str> = site
        .articles
        .iter()
        .filter(|a| a.lang == config.language)
        .map(|a| a.translation_key.as_str())
        .collect();
    for article in site.articles.iter().filter(|a| a.lang != config.language) {
        if !originals.contains(article.translation_key.as_str()) {
            let original = format!("content/{}.md", article.translation_key);
            diagnostics.push(
                Diagnostic::error(
                    &article.source.path,
                    format!("translation into `{}` of `{original}`, which does not exist", article.lang),
                )
                .at_line(1, 1)
                .with_help(format!(
                    "add `{original}` in `{}`, rename this file to match its original, or set translation_key to the original's",
                    config.language
                )),
            );
        }
    }
}

/// A page has at most one translation per language: two articles in one language sharing a
/// `translation_key` would both be offered as its translation (two `hreflang` links for one
/// language).
pub(super) fn check_translation_keys(site: &Site, diagnostics: &Diagnostics) {
    let mut first: HashMap<(&str, &str), &Article> = HashMap::new();
    for article in &site.articles {
        let key = (article.translation_key.as_str(), article.lang.as_str());
        let Some(&earlier) = first.get(&key) else {
            first.insert(key, article);
            continue;
        };
        // On the article that sets the key, when only one of them does: that is the one to fix.
        let (article, other) = match (
            earlier.source.key_line("translation_key"),
            article.source.key_line("translation_key"),
        ) {
            (Some(_), None) => (earlier, article),
            _ => (article, earlier),
        };
        let other_place = match other.source.key_line("translation_key") {
            Some(line) => format!("`{}:{line}`", other.source.path),
            None => format!("`{}` (by its file name)", other.source.path),
        };
        let (line, how) = match article.source.key_line("translation_key") {
            Some(line) => (line, ""),
            None => (1, " (by its file name)"),
        };
        diagnostics.push(
            Diagnostic::error(
                &article.source.path,
                format!(
                    "this article's translation_key `{}`{how} is also that of {other_place}, in the same language (`{}`)",
                    article.translation_key, article.lang
                ),
            )
            .at_line(line, 1)
            .with_help(
                "translations of one article share a translation_key, one article per language: give one of these two its own translation_key",
            ),
        );
    }
}

/// A shopper's phrasing (`keywords`) claimed by two articles in one language leads search to
/// both: the writer should choose the one that answers it.
pub(super) fn check_shared_keywords(site: &Site, diagnostics: &Diagnostics) {
    let mut owners: HashMap<(String, &str), &Article> = HashMap::new();
    for article in site.articles.iter().filter(|a| !a.draft) {
        for keyword in &article.keywords {
            let key = (keyword.to_lowercase(), article.lang.as_str());
            match owners.get(&key) {
                Some(other) if other.source.path != article.source.path => diagnostics.push(
                    Diagnostic::warning(
                        &article.source.path,
                        format!(
                            "keyword `{keyword}` is also a keyword of `{}`",
                            other.source.path
                        ),
                    )
                    .at_line(article.source.value_line("keywords", keyword), 1)
                    .with_help(
                        "a shopper who types it should get one answer first: keep it on the article that answers it",
                    ),
                ),
                Some(_) => {}
                None => {
                    owners.insert(key, article);
                }
            }
        }
    }
}
