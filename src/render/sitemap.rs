//! `sitemap.xml` (with lastmod and hreflang alternates) and `robots.txt`.

use std::collections::HashMap;
use std::fmt::Write;

use crate::config::Config;
use crate::content::Site;
use crate::markdown::escape;

pub const ROBOTS: &str = "robots.txt";
pub const SITEMAP: &str = "sitemap.xml";

/// The files [`files`] writes: robots.txt and, when `base-url` is set, sitemap.xml. A sitemap
/// needs absolute URLs, so without a base URL there is none.
pub fn paths(config: &Config) -> &'static [&'static str] {
    if config.base_url.is_empty() {
        &[ROBOTS]
    } else {
        &[ROBOTS, SITEMAP]
    }
}

/// (output path, text) of each of [`paths`].
pub fn files(config: &Config, site: &Site, published: &[bool]) -> Vec<(&'static str, String)> {
    paths(config)
        .iter()
        .map(|&path| {
            let text = if path == SITEMAP {
                sitemap(config, site, published)
            } else {
                robots(config)
            };
            (path, text)
        })
        .collect()
}

fn robots(config: &Config) -> String {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if !config.base_url.is_empty() {
        let _ = writeln!(robots, "Sitemap: {}/{SITEMAP}", config.base_url);
    }
    robots
}

fn sitemap(config: &Config, site: &Site, published: &[bool]) -> String {
    let absolute = |url: &str| escape(&format!("{}{}", config.base_url, super::encode(url)));
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut newest_in: HashMap<(&str, &str), &str> = HashMap::new();
    for (id, article) in site.articles.iter().enumerate() {
        if !published[id] || article.draft {
            continue;
        }
        by_key.entry(&article.translation_key).or_default().push(id);
        if let Some(date) = article.last_updated() {
            let mut dir = Some(article.dir.as_str());
            while let Some(d) = dir {
                let entry = newest_in.entry((d, &article.lang)).or_insert(date);
                if date > *entry {
                    *entry = date;
                }
                dir = if d.is_empty() {
                    None
                } else {
                    Some(d.rsplit_once('/').map_or("", |(p, _)| p))
                };
            }
        }
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for section in &site.sections {
        let Some(lastmod) = newest_in.get(&(section.dir.as_str(), section.lang.as_str())) else {
            if !section.dir.is_empty() {
                continue;
            }
            let _ = writeln!(xml, "  <url><loc>{}</loc></url>", absolute(&section.url));
            continue;
        };
        let _ = write!(
            xml,
            "  <url><loc>{}</loc><lastmod>{lastmod}</lastmod>",
            absolute(&section.url)
        );
        for lang in &config.languages {
            if let Some(other) = site.section(&section.dir, lang)
                && config.languages.len() > 1
                && newest_in.contains_key(&(other.dir.as_str(), lang.as_str()))
            {
                let _ = write!(
                    xml,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    absolute(&other.url)
                );
            }
        }
        xml.push_str("</url>\n");
    }
    for (id, article) in site.articles.iter().enumerate() {
        if !published[id] || article.draft {
            continue;
        }
        let _ = write!(xml, "  <url><loc>{}</loc>", absolute(&article.url));
        if let Some(date) = article.last_updated() {
            let _ = write!(xml, "<lastmod>{date}</lastmod>");
        }
        let family = by_key
            .get(article.translation_key.as_str())
            .map_or(&[][..], Vec::as_slice);
        if family.len() > 1 {
            for &other in family {
                let other = &site.articles[other];
                let _ = write!(
                    xml,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    other.lang,
                    absolute(&other.url)
                );
            }
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}
