//! The problems rendering the Markdown found, and links to headings that are not there, as
//! diagnostics at their place in the source file.

use std::collections::HashSet;

use crate::content::Site;
use crate::diag::{Diagnostic, Diagnostics, Severity, did_you_mean};
use crate::markdown::{PageRef, Rendered};

/// Reports each article's and section's problems, and every link to a heading that is not in
/// the page it points at.
pub fn report_problems(
    site: &Site,
    articles: &[Option<Rendered>],
    sections: &[Option<Rendered>],
    diagnostics: &Diagnostics,
) {
    let empty = HashSet::new();
    let sources = site
        .articles
        .iter()
        .map(|a| Some(&a.source))
        .zip(articles)
        .chain(
            site.sections
                .iter()
                .map(|s| s.source.as_ref())
                .zip(sections),
        );
    for (source, rendered) in sources {
        let (Some(source), Some(rendered)) = (source, rendered) else {
            continue;
        };
        for problem in &rendered.problems {
            let diagnostic = match problem.severity {
                Severity::Error => Diagnostic::error(&source.path, &problem.message),
                Severity::Warning => Diagnostic::warning(&source.path, &problem.message),
            };
            diagnostics.push(
                diagnostic
                    .at(&source.text, source.body_offset + problem.offset)
                    .with_help(&problem.help),
            );
        }
        for link in &rendered.anchor_refs {
            let (anchors, target_path) = match link.target {
                PageRef::Article(id) => (
                    articles[id].as_ref().map_or(&empty, |r| &r.anchors),
                    site.articles[id].source.path.clone(),
                ),
                PageRef::Section(id) => (
                    sections[id].as_ref().map_or(&empty, |r| &r.anchors),
                    site.sections[id]
                        .source
                        .as_ref()
                        .map_or_else(|| site.sections[id].url.clone(), |s| s.path.clone()),
                ),
            };
            if anchors.contains(&link.anchor)
                || link.anchor.starts_with("fn")
                || link.anchor.starts_with(':')
            {
                continue;
            }
            let candidates: Vec<&str> = anchors.iter().map(String::as_str).collect();
            let help = match did_you_mean(&link.anchor, &candidates) {
                Some(near) => format!("did you mean `#{near}`?"),
                None if candidates.is_empty() => {
                    format!("`{target_path}` has no headings to link to")
                }
                None => {
                    let mut list: Vec<&str> = candidates.clone();
                    list.sort_unstable();
                    list.truncate(8);
                    format!(
                        "headings there: {}",
                        list.iter()
                            .map(|a| format!("`#{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            };
            diagnostics.push(
                Diagnostic::error(
                    &source.path,
                    format!(
                        "link to `{}`: no heading `#{}` in `{target_path}`",
                        link.dest, link.anchor
                    ),
                )
                .at(&source.text, source.body_offset + link.offset)
                .with_help(help),
            );
        }
    }
}
