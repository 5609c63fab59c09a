//! Resolves the links and images of one source file against the site: `.md` paths become
//! URLs (in the reader's language when a translation exists), files beside articles become
//! asset URLs, and everything that points nowhere becomes a problem.

use std::collections::HashSet;

use crate::content::{Site, resolve_relative};
use crate::diag::{Severity, did_you_mean};
use crate::markdown::{PageRef, Resolution, Resolve};

pub struct LinkResolver<'a> {
    pub site: &'a Site,
    /// Content-relative path of the file being rendered.
    pub from: &'a str,
    pub lang: &'a str,
    pub this: PageRef,
    /// Articles that are built (not drafts, unless drafts are shown).
    pub published: &'a [bool],
    /// Every site-relative URL that exists: pages, aliases, static files.
    pub known_urls: &'a HashSet<String>,
}

impl Resolve for LinkResolver<'_> {
    fn resolve(&self, dest: &str, is_image: bool) -> Resolution {
        let dest = dest.trim();
        if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return Resolution::Keep;
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            if anchor.is_empty() {
                return Resolution::Keep;
            }
            return Resolution::Page {
                url: dest.to_string(),
                target: self.this,
                anchor: Some(anchor.to_string()),
            };
        }
        let (path, fragment) = dest
            .split_once('#')
            .map_or((dest, None), |(p, f)| (p, Some(f)));
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let with_fragment = |url: &str| match fragment {
            Some(f) => format!("{url}#{f}"),
            None => url.to_string(),
        };
        let anchor = fragment.filter(|f| !f.is_empty()).map(str::to_string);

        if path.starts_with('/') && !is_markdown(path) {
            return self.resolve_absolute(path, dest, is_image);
        }
        let Some(target) = resolve_relative(self.from, path) else {
            return problem(
                Severity::Error,
                format!("link to `{dest}` points outside `content/`"),
                "link to files inside `content/`; for other sites write the full https:// address"
                    .into(),
            );
        };
        if is_markdown(path) {
            if let Some(id) = self.site.article_by_path(&target) {
                let id = self.in_reader_language(id);
                if !self.published[id] {
                    return problem(
                        Severity::Error,
                        format!("link to `{dest}`, which is a draft and is not published"),
                        "publish it (remove `draft = true`) or remove the link".into(),
                    );
                }
                let url = &self.site.articles[id].url;
                return Resolution::Page {
                    url: with_fragment(url),
                    target: PageRef::Article(id),
                    anchor,
                };
            }
            if let Some(dir) = self.site.section_index_file(&target) {
                // The section in the reader's language, else in whichever language it exists.
                let id = self
                    .site
                    .section_id(dir, self.lang)
                    .or_else(|| self.site.sections.iter().position(|s| s.dir == dir));
                if let Some(id) = id {
                    return Resolution::Page {
                        url: with_fragment(&self.site.sections[id].url),
                        target: PageRef::Section(id),
                        anchor,
                    };
                }
            }
            let candidates: Vec<&str> = self
                .site
                .articles
                .iter()
                .map(|a| a.content_path.as_str())
                .filter(|path| *path != self.from)
                .collect();
            let help = match did_you_mean(&target, &candidates) {
                Some(near) => format!("did you mean `{}`?", relative_to(self.from, near)),
                None => "check the file name; links are relative to this file, e.g. `../returns/refund-policy.md`".into(),
            };
            return problem(
                Severity::Error,
                format!("link to `{dest}`, which does not exist"),
                help,
            );
        }
        if let Some(asset) = self.site.asset_by_path(&target) {
            return Resolution::Rewrite(with_fragment(&encode_file(&asset.url)));
        }
        let section_dir = target.trim_end_matches('/');
        if (path.ends_with('/') || path.is_empty())
            && let Some(section) = self.site.section(section_dir, self.lang)
        {
            return Resolution::Rewrite(with_fragment(&section.url));
        }
        problem(
            if is_image {
                Severity::Warning
            } else {
                Severity::Error
            },
            format!(
                "{} `{dest}` does not exist",
                if is_image { "image" } else { "linked file" }
            ),
            format!(
                "put the file at `content/{target}`, or fix the path (it is relative to this file)"
            ),
        )
    }
}

impl LinkResolver<'_> {
    /// A link to the default-language file goes to the translation the reader is reading in.
    fn in_reader_language(&self, id: usize) -> usize {
        let article = &self.site.articles[id];
        if article.lang == self.lang {
            return id;
        }
        self.site
            .translation(&article.translation_key, self.lang)
            .filter(|&t| self.published[t])
            .unwrap_or(id)
    }

    fn resolve_absolute(&self, path: &str, dest: &str, is_image: bool) -> Resolution {
        let decoded = crate::content::percent_decode(path);
        let candidates = [
            path.to_string(),
            decoded.clone(),
            format!("{}/", decoded.trim_end_matches('/')),
        ];
        if candidates.iter().any(|c| self.known_urls.contains(c)) {
            return Resolution::Keep;
        }
        problem(
            if is_image {
                Severity::Warning
            } else {
                Severity::Error
            },
            format!("link to `{dest}`, which is not a page or file of this help center"),
            if is_image {
                "put the image in `static/` (it is served from the site root) or beside the article"
                    .into()
            } else {
                "link to the article's file instead, e.g. `../returns/refund-policy.md`; its URL is worked out for you".into()
            },
        )
    }
}

fn problem(severity: Severity, message: String, help: String) -> Resolution {
    Resolution::Problem {
        severity,
        message,
        help,
    }
}

fn is_markdown(path: &str) -> bool {
    path.ends_with(".md") || path.ends_with(".mdx")
}

/// `https:`, `mailto:`, `tel:`… but not a Windows-looking `C:` or a path with a colon later on.
fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) if i > 1 => dest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')),
        _ => false,
    }
}

/// Spaces and other URL-unsafe characters in file names, percent-encoded for `href`/`src`.
/// A `#` (a fragment) and `%` (an escape already made) are kept.
pub fn encode(url: &str) -> String {
    encode_except(url, b"#%")
}

/// A file's path as it is on disk (`/returns/100% wool #2.png`), every character that is not
/// safe in a URL path percent-encoded, `#` and `%` too: `/returns/100%25%20wool%20%232.png`.
fn encode_file(path: &str) -> String {
    encode_except(path, b"")
}

fn encode_except(url: &str, kept: &[u8]) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ if kept.contains(&byte) => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `returns/refund-policy.md` seen from `orders/x.md` -> `../returns/refund-policy.md`.
fn relative_to(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .rev()
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_external() {
        assert!(has_scheme("https://example.com"));
        assert!(has_scheme("mailto:help@example.com"));
        assert!(!has_scheme("../a.md"));
        assert!(!has_scheme("a.md#x:y"));
    }

    #[test]
    fn relative_suggestions() {
        assert_eq!(
            relative_to("orders/x.md", "returns/refund-policy.md"),
            "../returns/refund-policy.md"
        );
        assert_eq!(relative_to("orders/x.md", "orders/y.md"), "y.md");
    }

    #[test]
    fn encoding_keeps_paths_readable() {
        assert_eq!(
            encode("/store-support/img/Label 1.png"),
            "/store-support/img/Label%201.png"
        );
        assert_eq!(encode("/ru/a/"), "/ru/a/");
        assert_eq!(
            encode_file("/returns/100% wool #2?.png"),
            "/returns/100%25%20wool%20%232%3F.png",
            "a file's own `%` and `#` are part of its name"
        );
    }
}
