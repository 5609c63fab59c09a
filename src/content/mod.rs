//! Walks `content/`, splits front matter and builds the model: [`Article`]s, [`Section`]s,
//! languages, translations and URLs. Checks duplicate URLs and translations without an
//! original. Produces no HTML and writes nothing.

mod checks;
mod frontmatter;
mod paths;
mod sections;
mod slug;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::fs;

pub use frontmatter::{KNOWN as FRONT_MATTER_KEYS, iso_date};
pub use paths::{percent_decode, resolve_relative};
pub use slug::{AnchorSet, anchor_slug, slugify};

use checks::{check_shared_keywords, check_translation_keys, check_translations};
use paths::{asset_url, humanize, join, page_url, parent_dir, relative};
use sections::build_sections;
use slug::{printable, unusable_name};

/// What an article is for; decides how it is rendered and which JSON-LD it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `## Question?` headings with their answers.
    Faq,
    /// An ordered list (or `## Step` headings) of steps.
    HowTo,
    Article,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Faq => "faq",
            Kind::HowTo => "howto",
            Kind::Article => "article",
        }
    }
}

/// A source file as read: its text and where the body starts, for diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    /// Relative to the help-center root, `/`-separated: `content/returns/refund-policy.md`.
    pub path: String,
    pub abs: PathBuf,
    pub text: String,
    pub body_offset: usize,
}

impl Source {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The line of the front matter where `key` is set (`key = …` or `key: …`), if it is.
    pub fn key_line(&self, key: &str) -> Option<usize> {
        self.front_matter_lines()
            .position(|line| {
                line.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
            })
            .map(|i| i + 1)
    }

    /// The line of the front matter that holds `value` of the list `key` (at or after the
    /// key's own line), else the key's line, else 1.
    pub fn value_line(&self, key: &str, value: &str) -> usize {
        let Some(key_line) = self.key_line(key) else {
            return 1;
        };
        self.front_matter_lines()
            .enumerate()
            .skip(key_line - 1)
            .find(|(_, line)| line.contains(value))
            .map_or(key_line, |(i, _)| i + 1)
    }

    fn front_matter_lines(&self) -> std::str::Lines<'_> {
        self.text
            .get(..self.body_offset)
            .unwrap_or_default()
            .lines()
    }
}

#[derive(Debug, Clone)]
pub struct Article {
    pub source: Source,
    /// Relative to `content/`, `/`-separated, as links name it: `returns/refund-policy.md`.
    pub content_path: String,
    /// The folder under `content/` ("" for the root).
    pub dir: String,
    pub lang: String,
    pub title: String,
    pub description: String,
    pub kind: Kind,
    pub tags: Vec<String>,
    /// The shoppers' own phrasings this article answers, searched like its topics.
    pub keywords: Vec<String>,
    pub weight: i64,
    pub draft: bool,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub aliases: Vec<String>,
    /// Shared by an article and its translations.
    pub translation_key: String,
    /// Site-relative, ends with `/`: `/ru/returns/refund-policy/`.
    pub url: String,
    pub extra: Map<String, Value>,
}

impl Article {
    /// `updated`, or `date` when the article was never updated.
    pub fn last_updated(&self) -> Option<&str> {
        self.updated.as_deref().or(self.date.as_deref())
    }
}

/// A folder under `content/` in one language; the root folder ("") is the home page.
#[derive(Debug, Clone)]
pub struct Section {
    pub dir: String,
    pub lang: String,
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub url: String,
    /// Its `_index.md` (or `_index.ru.md`), when there is one.
    pub source: Option<Source>,
    /// The parent folder, `None` for the root.
    pub parent_dir: Option<String>,
}

/// A file under `content/` that is not Markdown (an image beside its article): copied as-is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub abs: PathBuf,
    /// Relative to `content/`: `returns/label.png`.
    pub content_path: String,
    /// Site-relative: `/returns/label.png`.
    pub url: String,
}

/// Everything under `content/`.
#[derive(Debug, Default)]
pub struct Site {
    pub articles: Vec<Article>,
    pub sections: Vec<Section>,
    pub assets: Vec<Asset>,
    section_index: HashMap<(String, String), usize>,
    article_by_path: HashMap<String, usize>,
    translation_index: HashMap<(String, String), usize>,
    asset_by_path: HashMap<String, usize>,
}

impl Site {
    pub fn section(&self, dir: &str, lang: &str) -> Option<&Section> {
        self.section_id(dir, lang).map(|i| &self.sections[i])
    }

    /// The position in `sections` of the folder `dir` in `lang`.
    pub fn section_id(&self, dir: &str, lang: &str) -> Option<usize> {
        self.section_index
            .get(&(dir.to_string(), lang.to_string()))
            .copied()
    }

    /// The article a link names by its `content/`-relative path (`returns/refund-policy.md`;
    /// a translation is its own file, `returns/refund-policy.ru.md`).
    pub fn article_by_path(&self, content_path: &str) -> Option<usize> {
        self.article_by_path.get(content_path).copied()
    }

    /// The article with `translation_key` in `lang`, if it was written.
    pub fn translation(&self, translation_key: &str, lang: &str) -> Option<usize> {
        self.translation_index
            .get(&(translation_key.to_string(), lang.to_string()))
            .copied()
    }

    pub fn asset_by_path(&self, content_path: &str) -> Option<&Asset> {
        self.asset_by_path
            .get(content_path)
            .map(|&i| &self.assets[i])
    }

    /// Whether `content_path` is a section's `_index.md`; returns that section's folder.
    pub fn section_index_file<'a>(&self, content_path: &'a str) -> Option<&'a str> {
        let (dir, file) = content_path.rsplit_once('/').unwrap_or(("", content_path));
        file.starts_with("_index.")
            .then_some(dir)
            .filter(|dir| self.section_index.keys().any(|(d, _)| d == dir))
    }
}

/// Whether a file named `name` is an editor's backup, swap or temporary file (vim's `~`,
/// `.swp`, `.swx` and `4913`, `.tmp`, JetBrains' `___jb_tmp___` and `___jb_old___`): never
/// content, and a save through one is the save of the file it is renamed to. (Hidden files,
/// `.name`, are never content either.)
pub fn is_editor_file(name: &str) -> bool {
    name.ends_with('~')
        || [".swp", ".swx", ".tmp", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|end| name.ends_with(end))
        || name == "4913"
}

/// Reads and checks everything under `content/`. Problems are pushed to `diagnostics`;
/// the model is returned even when some files had problems, so all checks can run.
pub fn load(config: &Config, diagnostics: &Diagnostics) -> Site {
    let content_dir = config.content_dir();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("content", "there is no `content/` folder")
                .with_help("create `content/<section>/<article>.md` files beside book.toml, or run `helpbook init`"),
        );
        return Site::default();
    }
    let (markdown, other) = discover(&config.root, &content_dir, diagnostics);
    let parsed: Vec<Parsed> = markdown
        .par_iter()
        .filter_map(|path| parse_file(config, &content_dir, path, diagnostics))
        .collect();

    let mut site = Site::default();
    let mut index_files: Vec<Parsed> = Vec::new();
    for file in parsed {
        if file.is_index {
            index_files.push(file);
        } else {
            site.articles.push(file.into_article(config));
        }
    }
    build_sections(config, &mut site, index_files, diagnostics);
    for asset in other {
        let content_path = relative(&content_dir, &asset);
        let url = asset_url(&content_path);
        site.asset_by_path
            .insert(content_path.clone(), site.assets.len());
        site.assets.push(Asset {
            abs: asset,
            content_path,
            url,
        });
    }
    for (i, article) in site.articles.iter().enumerate() {
        site.article_by_path.insert(article.content_path.clone(), i);
        site.translation_index
            .entry((article.translation_key.clone(), article.lang.clone()))
            .or_insert(i);
    }
    check_translations(config, &site, diagnostics);
    check_translation_keys(&site, diagnostics);
    check_shared_keywords(&site, diagnostics);
    site
}

/// Reads one article's file again (preview, after a save): the article as [`load`] makes it,
/// or `None` when the file cannot be read, has no front matter to read, or is a section's
/// `_index` file. Problems go to `diagnostics`. Checks across files (duplicate URLs,
/// translations) are not run: the caller makes sure the article keeps its URL and key.
pub fn load_article(config: &Config, path: &Path, diagnostics: &Diagnostics) -> Option<Article> {
    let parsed = parse_file(config, &config.content_dir(), path, diagnostics)?;
    (!parsed.is_index).then(|| parsed.into_article(config))
}

fn discover(
    root: &Path,
    content_dir: &Path,
    diagnostics: &Diagnostics,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut markdown = Vec::new();
    let mut other = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        // Hidden files and folders (.git, .DS_Store, editor swap files) are never content. Nor
        // is a name that cannot be part of a URL: reported, and left out with what is in it.
        .filter_entry(|e| {
            if e.depth() == 0 || e.file_name().to_string_lossy().starts_with('.') {
                return e.depth() == 0;
            }
            match name_problem(root, e) {
                Some(problem) => {
                    diagnostics.push(problem);
                    false
                }
                None => true,
            }
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let path = entry.into_path();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                if is_editor_file(&name) {
                    continue;
                }
                match path.extension().and_then(|e| e.to_str()) {
                    Some("md" | "mdx") => markdown.push(path),
                    _ => other.push(path),
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(root, p))
                    .unwrap_or_else(|| "content".into());
                diagnostics.push(
                    Diagnostic::error(path, format!("cannot read: {e}"))
                        .with_help("check the file's permissions"),
                );
            }
        }
    }
    (markdown, other)
}

/// The problem with a file or folder (under `content/`, `static/` or a theme) whose name
/// cannot be part of the site (see `slug::unusable_name`), or `None`.
pub fn name_problem(root: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let reason = unusable_name(entry.file_name())?;
    let what = if entry.file_type().is_dir() {
        "folder"
    } else {
        "file"
    };
    let name = entry.file_name().to_string_lossy();
    let help = if name.contains('\\') {
        let folders = name.replace('\\', "/");
        format!(
            "rename it; if the backslashes were meant as folders (a Windows path), make them: `{}`",
            printable(&folders)
        )
    } else {
        "rename it with letters, digits, spaces and dashes".to_string()
    };
    Some(
        Diagnostic::error(
            printable(&display_path(root, entry.path())),
            format!("the name of this {what} {reason}, so it cannot be part of the site"),
        )
        .with_help(help),
    )
}

struct Parsed {
    source: Source,
    content_path: String,
    dir: String,
    /// File name without extension and language suffix: `refund-policy`.
    stem: String,
    lang: String,
    is_index: bool,
    front_matter: frontmatter::FrontMatter,
}

fn parse_file(
    config: &Config,
    content_dir: &Path,
    path: &Path,
    diagnostics: &Diagnostics,
) -> Option<Parsed> {
    let display = display_path(&config.root, path);
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(display, format!("cannot read: {}", e.source))
                    .with_help("check the file's permissions"),
            );
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).to_string();
            let prefix_len = String::from_utf8_lossy(&e.as_bytes()[..valid]).len();
            diagnostics.push(
                Diagnostic::error(display, "the file is not UTF-8 text")
                    .at(&lossy, prefix_len)
                    .with_help(
                        "save it as UTF-8 (in most editors: File > Save with Encoding > UTF-8)",
                    ),
            );
            return None;
        }
    };
    let content_path = relative(content_dir, path);
    let (dir, file_name) = content_path
        .rsplit_once('/')
        .map_or(("".to_string(), content_path.clone()), |(d, f)| {
            (d.to_string(), f.to_string())
        });
    let without_ext = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(s, _)| s);
    let (stem, suffix_lang) = match without_ext.rsplit_once('.') {
        Some((stem, lang)) if config.languages.iter().any(|l| l == lang) => {
            (stem.to_string(), Some(lang.to_string()))
        }
        _ => (without_ext.to_string(), None),
    };
    let (split, problems) = frontmatter::split(&display, &text);
    diagnostics.extend(problems);
    let split = split?;
    let body_offset = split.body_offset;
    let front_matter = split.front_matter;
    let is_index = stem == "_index";
    if front_matter.title.is_none() && !is_index {
        let (line, col) = (1, 1);
        diagnostics.push(
            Diagnostic::error(&display, "missing `title` in front matter")
                .at_line(line, col)
                .with_help("add a title line, e.g. title = \"How do I return an item?\" (TOML) or title: How do I return an item? (YAML)"),
        );
    }
    let mut lang = suffix_lang.unwrap_or_else(|| config.language.clone());
    if let Some(declared) = &front_matter.lang {
        if config.languages.contains(declared) {
            lang = declared.clone();
        } else {
            diagnostics.push(
                Diagnostic::error(
                    &display,
                    format!("language `{declared}` is not declared in book.toml"),
                )
                .at_line(1, 1)
                .with_help(format!(
                    "add it to `languages` under [book] in book.toml (now: {})",
                    config.languages.join(", ")
                )),
            );
        }
    }
    Some(Parsed {
        source: Source {
            path: display,
            abs: path.to_path_buf(),
            text,
            body_offset,
        },
        content_path,
        dir,
        stem,
        lang,
        is_index,
        front_matter,
    })
}

impl Parsed {
    fn into_article(self, config: &Config) -> Article {
        let fm = self.front_matter;
        let key = fm
            .translation_key
            .clone()
            .unwrap_or_else(|| join(&self.dir, &self.stem));
        let url = page_url(config, &self.lang, &self.dir, Some(&self.stem));
        let kind = match fm.kind.as_deref() {
            Some("faq") => Kind::Faq,
            Some("howto") => Kind::HowTo,
            _ => Kind::Article,
        };
        Article {
            content_path: self.content_path,
            dir: self.dir,
            lang: self.lang,
            title: fm.title.unwrap_or_else(|| self.stem.clone()),
            description: fm.description,
            kind,
            tags: fm.tags,
            keywords: fm.keywords,
            weight: fm.weight,
            draft: fm.draft,
            date: fm.date,
            updated: fm.updated,
            aliases: fm.aliases,
            translation_key: key,
            url,
            extra: fm.extra,
            source: self.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_temporary_files_are_not_content() {
        for name in [
            "refunds.md~",
            ".refunds.md.swp",
            "refunds.md.swx",
            "4913",
            "refunds.md.tmp",
            "refunds.md___jb_tmp___",
            "refunds.md___jb_old___",
        ] {
            assert!(is_editor_file(name), "{name}");
        }
        for name in [
            "refunds.md",
            "refunds.ru.md",
            "guide.mdx",
            "tmp.md",
            "logo.svg",
        ] {
            assert!(!is_editor_file(name), "{name}");
        }
    }

    #[test]
    fn relative_links_resolve_inside_content() {
        assert_eq!(
            resolve_relative("orders/x.md", "../returns/a%20b.md").as_deref(),
            Some("returns/a b.md")
        );
        assert_eq!(
            resolve_relative("orders/x.md", "y.md").as_deref(),
            Some("orders/y.md")
        );
        assert_eq!(
            resolve_relative("x.md", "./sub/y.md").as_deref(),
            Some("sub/y.md")
        );
        assert_eq!(resolve_relative("x.md", "../../etc/passwd"), None);
    }

    #[test]
    fn front_matter_lines_of_keys_and_list_values() {
        let text = "+++\ntitle = \"How search works\"\naliases = [\n  \"/search/\",\n  \"/old/\",\n]\ntranslation_key = \"x\"\n+++\n/old/ in the body\n";
        let source = Source {
            path: "content/a.md".into(),
            abs: PathBuf::new(),
            text: text.into(),
            body_offset: text.rfind("+++").unwrap() + 4,
        };
        assert_eq!(source.key_line("aliases"), Some(3));
        assert_eq!(source.key_line("translation_key"), Some(7));
        assert_eq!(source.key_line("tags"), None);
        assert_eq!(
            source.value_line("aliases", "search"),
            4,
            "not the title's line"
        );
        assert_eq!(source.value_line("aliases", "old"), 5);
        assert_eq!(source.value_line("aliases", "gone"), 3, "the key's line");
        assert_eq!(source.value_line("keywords", "x"), 1);
    }

    #[test]
    fn humanized_folder_names() {
        assert_eq!(humanize("store-support"), "Store support");
        assert_eq!(humanize("Store Support"), "Store Support");
    }

    #[test]
    fn asset_urls_keep_file_names() {
        assert_eq!(
            asset_url("Store Support/img/Label 1.png"),
            "/store-support/img/Label 1.png"
        );
    }
}
