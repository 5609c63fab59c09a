//! Paths and URLs from content paths: page and asset URLs, folder arithmetic, relative
//! links and percent-decoding.

use std::path::{Component, Path, PathBuf};

use super::slugify;
use crate::config::Config;
use crate::diag::display_path;

/// `Store Support/Return-an-item` -> `/store-support/return-an-item/`, under `/ru/` for Russian.
pub(super) fn page_url(config: &Config, lang: &str, dir: &str, stem: Option<&str>) -> String {
    let mut url = config.lang_prefix(lang);
    for part in dir.split('/').filter(|p| !p.is_empty()).chain(stem) {
        url.push('/');
        url.push_str(&slug_or_raw(part));
    }
    url.push('/');
    url
}

pub(super) fn slug_or_raw(part: &str) -> String {
    let slug = slugify(part);
    if slug.is_empty() {
        "page".to_string()
    } else {
        slug
    }
}

/// Assets keep their file name (lowercased path folders) so image links stay recognisable.
pub(super) fn asset_url(content_path: &str) -> String {
    let (dir, file) = content_path.rsplit_once('/').unwrap_or(("", content_path));
    let mut url = String::new();
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        url.push('/');
        url.push_str(&slug_or_raw(part));
    }
    url.push('/');
    url.push_str(file);
    url
}

pub(super) fn parent_dir(dir: &str) -> Option<String> {
    if dir.is_empty() {
        None
    } else {
        Some(
            dir.rsplit_once('/')
                .map_or(String::new(), |(p, _)| p.to_string()),
        )
    }
}

pub(super) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

pub(super) fn relative(base: &Path, path: &Path) -> String {
    display_path(base, path)
}

/// `store-support` -> `Store support`; `Store Support` stays.
pub(super) fn humanize(name: &str) -> String {
    let spaced = name.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// Resolves a relative link from the file at `from` (content-relative) to a content-relative
/// path: `../returns/a%20b.md` from `orders/x.md` -> `returns/a b.md`. `None` if it leaves `content/`.
pub fn resolve_relative(from: &str, link: &str) -> Option<String> {
    let decoded = percent_decode(link);
    let base = from.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = if let Some(absolute) = decoded.strip_prefix('/') {
        PathBuf::from(absolute)
    } else {
        Path::new(base).join(&decoded)
    };
    let mut parts: Vec<String> = Vec::new();
    for component in joined.components() {
        match component {
            Component::Normal(p) => parts.push(p.to_string_lossy().to_string()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    Some(parts.join("/"))
}

/// `a%20b%232.png` -> `a b#2.png`; text that is not a valid escape stays as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}
