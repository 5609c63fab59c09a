//! Articles grouped for the pages that list them: by folder, tag and translation, in display
//! order, with counts per folder.

use std::collections::{BTreeMap, HashMap};

use super::ids::ArticleId;
use crate::content::{Site, slugify};

/// Articles grouped for listings; built once, shared by every page (and kept by preview,
/// whose updates never change an article's place in them).
pub(crate) struct Listings {
    /// (dir, lang) -> article ids directly in that folder, in display order.
    pub by_dir: HashMap<(String, String), Vec<ArticleId>>,
    /// (lang, tag slug) -> (tag name, article ids).
    pub by_tag: BTreeMap<(String, String), (String, Vec<ArticleId>)>,
    /// translation_key -> article ids in every language.
    pub by_key: HashMap<String, Vec<ArticleId>>,
    /// Each article's place in display order (weight, then title): a cheap sort key.
    rank: Vec<usize>,
    /// (dir, lang) -> published articles in the folder and below it.
    pub counts: HashMap<(String, String), usize>,
}

impl Listings {
    /// Article `id`'s place in display order.
    pub fn rank(&self, id: ArticleId) -> usize {
        self.rank[id.0]
    }

    pub fn new(site: &Site, published: &[bool]) -> Listings {
        let mut by_dir: HashMap<(String, String), Vec<ArticleId>> = HashMap::new();
        let mut by_tag: BTreeMap<(String, String), (String, Vec<ArticleId>)> = BTreeMap::new();
        let mut by_key: HashMap<String, Vec<ArticleId>> = HashMap::new();
        for (i, article) in site.articles.iter().enumerate() {
            if !published[i] {
                continue;
            }
            let id = ArticleId(i);
            by_dir
                .entry((article.dir.clone(), article.lang.clone()))
                .or_default()
                .push(id);
            by_key
                .entry(article.translation_key.clone())
                .or_default()
                .push(id);
            for tag in &article.tags {
                let slug = slugify(tag);
                if slug.is_empty() {
                    continue;
                }
                by_tag
                    .entry((article.lang.clone(), slug))
                    .or_insert_with(|| (tag.clone(), Vec::new()))
                    .1
                    .push(id);
            }
        }
        // Lowercased once per article, not once per comparison.
        let keys: Vec<(i64, String)> = site
            .articles
            .iter()
            .map(|a| (a.weight, a.title.to_lowercase()))
            .collect();
        let mut by_order: Vec<usize> = (0..site.articles.len()).collect();
        by_order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        let mut rank = vec![0; site.articles.len()];
        for (position, &id) in by_order.iter().enumerate() {
            rank[id] = position;
        }
        let order = |ids: &mut Vec<ArticleId>| ids.sort_unstable_by_key(|&id| rank[id.0]);
        by_dir.values_mut().for_each(order);
        by_tag.values_mut().for_each(|(_, ids)| order(ids));
        let mut counts: HashMap<(String, String), usize> = HashMap::new();
        for (id, article) in site.articles.iter().enumerate() {
            if !published[id] {
                continue;
            }
            let mut dir = Some(article.dir.as_str());
            while let Some(d) = dir {
                *counts
                    .entry((d.to_string(), article.lang.clone()))
                    .or_default() += 1;
                dir = if d.is_empty() {
                    None
                } else {
                    Some(d.rsplit_once('/').map_or("", |(p, _)| p))
                };
            }
        }
        Listings {
            by_dir,
            by_tag,
            by_key,
            rank,
            counts,
        }
    }
}
