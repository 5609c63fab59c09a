//! Sections: every folder holding an article (and its ancestors), per language, titled by
//! its `_index` page or, untranslated, by the default language's.

use std::collections::{BTreeMap, HashMap};

use super::{Parsed, Section, Site, humanize, page_url, parent_dir};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};

pub(super) fn build_sections(
    config: &Config,
    site: &mut Site,
    index_files: Vec<Parsed>,
    diagnostics: &Diagnostics,
) {
    let wanted = wanted(config, site, index_files, diagnostics);
    // Untranslated sections borrow the default language's title.
    let default_titles: HashMap<String, (String, String, i64)> = wanted
        .iter()
        .filter(|((_, lang), _)| *lang == config.language)
        .filter_map(|((dir, _), file)| {
            file.as_ref().and_then(|f| {
                f.front_matter.title.clone().map(|t| {
                    (
                        dir.clone(),
                        (t, f.front_matter.description.clone(), f.front_matter.weight),
                    )
                })
            })
        })
        .collect();
    for ((dir, lang), file) in wanted {
        let fallback_title = || {
            default_titles
                .get(&dir)
                .map(|(t, _, _)| t.clone())
                .unwrap_or_else(|| {
                    if dir.is_empty() {
                        config.title.clone()
                    } else {
                        humanize(dir.rsplit('/').next().unwrap_or(&dir))
                    }
                })
        };
        let fallback = default_titles.get(&dir);
        let (title, description, weight, source) = match file {
            Some(file) => (
                file.front_matter
                    .title
                    .clone()
                    .unwrap_or_else(fallback_title),
                if file.front_matter.description.is_empty() {
                    fallback.map(|f| f.1.clone()).unwrap_or_default()
                } else {
                    file.front_matter.description.clone()
                },
                if file.front_matter.weight == 0 {
                    fallback.map_or(0, |f| f.2)
                } else {
                    file.front_matter.weight
                },
                Some(file.source),
            ),
            None => (
                fallback_title(),
                fallback.map(|f| f.1.clone()).unwrap_or_default(),
                fallback.map_or(0, |f| f.2),
                None,
            ),
        };
        let url = page_url(config, &lang, &dir, None);
        site.section_index
            .insert((dir.clone(), lang.clone()), site.sections.len());
        site.sections.push(Section {
            parent_dir: if dir.is_empty() {
                None
            } else {
                Some(parent_dir(&dir).unwrap_or_default())
            },
            dir,
            lang,
            title,
            description,
            weight,
            url,
            source,
        });
    }
}

/// Every folder that holds an article (and each of its ancestors) is a section, in every
/// language that has an article below it or an `_index` of its own; with its `_index`.
fn wanted(
    config: &Config,
    site: &Site,
    index_files: Vec<Parsed>,
    diagnostics: &Diagnostics,
) -> BTreeMap<(String, String), Option<Parsed>> {
    let mut wanted: BTreeMap<(String, String), Option<Parsed>> = BTreeMap::new();
    for lang in &config.languages {
        wanted.insert((String::new(), lang.clone()), None);
    }
    for article in &site.articles {
        let mut dir = Some(article.dir.clone());
        while let Some(d) = dir {
            wanted
                .entry((d.clone(), article.lang.clone()))
                .or_insert(None);
            dir = parent_dir(&d);
        }
    }
    for file in index_files {
        let key = (file.dir.clone(), file.lang.clone());
        if let Some(Some(existing)) = wanted.get(&key) {
            diagnostics.push(
                Diagnostic::error(
                    &file.source.path,
                    format!("a second `_index` page for this folder in `{}`", file.lang),
                )
                .at_line(1, 1)
                .with_help(format!(
                    "`{}` already describes it; keep one",
                    existing.source.path
                )),
            );
            continue;
        }
        let mut dir = parent_dir(&file.dir);
        while let Some(d) = dir {
            wanted.entry((d.clone(), file.lang.clone())).or_insert(None);
            dir = parent_dir(&d);
        }
        wanted.insert(key, Some(file));
    }
    wanted
}
