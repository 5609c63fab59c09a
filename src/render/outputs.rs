//! Every file a build writes and what writes it. Two writers of one file (an article whose URL
//! is the search page's, an alias of `/index.html`, `static/robots.txt`) and a file where
//! another writer needs a folder (an alias of `/robots.txt` would be `robots.txt/index.html`)
//! are errors naming both, on the file (and line) to change. So a build writes each file once,
//! and what it writes never depends on which of two pages was written last.

use std::collections::{HashMap, HashSet};

use super::pages::{self, Page};
use super::{Input, Listings, sitemap};
use crate::diag::{Diagnostic, Diagnostics};
use crate::theme::StaticOrigin;

/// What writes a file of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Writer<'a> {
    /// A page, by its place in the list of pages ([`pages::pages`]).
    Page(usize),
    /// An article that is not built this time (a draft), by id: its URL is kept for when it is.
    Unbuilt(usize),
    /// An alias of an article that is not built this time, by article id and place.
    UnbuiltAlias { article: usize, alias: usize },
    /// A file of the theme's `static/` folder or the help center's, by output path.
    Static(&'a str),
    /// A file beside the articles in `content/`, by its place in `Site::assets`.
    Asset(usize),
    /// A file helpbook writes for the whole site: `robots.txt`, `sitemap.xml`.
    Generated(&'static str),
}

/// What a build writes: everything but the writers that lost a file to another, each loss
/// reported as an error.
pub(crate) struct Plan<'a> {
    left_out: HashSet<Writer<'a>>,
}

impl<'a> Plan<'a> {
    pub fn writes(&self, writer: Writer<'a>) -> bool {
        !self.left_out.contains(&writer)
    }
}

/// Finds every file written twice, or written where a folder is needed, and reports each as
/// an error on the weaker writer: what the writer can change gives way to what helpbook makes
/// (home, search, tag and not-found pages, robots.txt, the sitemap, the theme's files), then a
/// section to an article... to a file beside the articles (see [`Kind`]); of two of a kind,
/// the later in the list. Unbuilt drafts claim their URLs too, so that publishing one never
/// breaks the build.
pub(crate) fn plan<'a>(
    input: Input<'a>,
    pages: &[Page],
    published: &[bool],
    listings: &Listings,
    diagnostics: &Diagnostics,
) -> Plan<'a> {
    let claims = Claims {
        input,
        pages,
        listings,
        list: claims(input, pages, published),
    };
    let list = &claims.list;
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by_key(|&i| (claims.kind(list[i].writer), i));
    let mut left_out: HashSet<usize> = HashSet::new();
    let mut files: HashMap<&str, usize> = HashMap::with_capacity(list.len());
    for &i in &order {
        match files.get(list[i].file.as_str()) {
            Some(&first) => {
                claims.report(Conflict::SameFile, i, first, diagnostics);
                left_out.insert(i);
            }
            None => {
                files.insert(&list[i].file, i);
            }
        }
    }
    // `a/b/index.html` needs a folder `a/b` and a folder `a`: neither may be a file.
    for &i in &order {
        let file = list[i].file.as_str();
        for (end, _) in file.match_indices('/') {
            if left_out.contains(&i) {
                break;
            }
            let folder = &file[..end];
            let Some(&other) = files.get(folder).filter(|o| !left_out.contains(*o)) else {
                continue;
            };
            if (claims.kind(list[other].writer), other) < (claims.kind(list[i].writer), i) {
                claims.report(Conflict::NeedsFolder(folder), i, other, diagnostics);
                left_out.insert(i);
            } else {
                claims.report(Conflict::IsFile, other, i, diagnostics);
                left_out.insert(other);
            }
        }
    }
    Plan {
        left_out: left_out.into_iter().map(|i| list[i].writer).collect(),
    }
}

/// One writer's claim on one file.
struct Claim<'a> {
    /// Site-relative output path: `returns/refund-policy/index.html`.
    file: String,
    /// The URL it is served at, as messages show it.
    url: String,
    writer: Writer<'a>,
}

fn claims<'a>(input: Input<'a>, pages: &[Page], published: &[bool]) -> Vec<Claim<'a>> {
    let Input {
        config,
        site,
        theme,
    } = input;
    let at = |url: String, writer| Claim {
        file: pages::output_path(&url),
        url,
        writer,
    };
    let mut list = Vec::with_capacity(pages.len() + theme.static_files.len() + site.assets.len());
    for (i, page) in pages.iter().enumerate() {
        list.push(at(pages::page_url(config, site, page), Writer::Page(i)));
    }
    for (id, article) in site.articles.iter().enumerate() {
        if !published[id] {
            list.push(at(article.url.clone(), Writer::Unbuilt(id)));
            for (alias, url) in article.aliases.iter().enumerate() {
                list.push(at(url.clone(), Writer::UnbuiltAlias { article: id, alias }));
            }
        }
    }
    let file = |path: &str, writer| Claim {
        file: path.trim_start_matches('/').to_string(),
        url: format!("/{}", path.trim_start_matches('/')),
        writer,
    };
    for path in theme.static_files.keys() {
        list.push(file(path, Writer::Static(path)));
    }
    for (id, asset) in site.assets.iter().enumerate() {
        list.push(file(&asset.url, Writer::Asset(id)));
    }
    for &path in sitemap::paths(config) {
        list.push(file(path, Writer::Generated(path)));
    }
    list
}

/// What kind of writer, strongest first: of two writers of one file, the weaker gives way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// What helpbook makes: home, search, tag and not-found pages, the list of tags,
    /// robots.txt, the sitemap, the theme's fingerprinted stylesheet and script.
    Made,
    /// A file of the theme's `static/` folder.
    Theme,
    Section,
    Article,
    Alias,
    /// A file of the help center's own `static/` folder.
    Static,
    /// A file beside the articles in `content/`.
    Asset,
}

/// How two claims clash.
#[derive(Clone, Copy)]
enum Conflict<'f> {
    /// Both are the same file.
    SameFile,
    /// The weaker one needs this folder (`robots.txt`), which is the stronger one's file.
    NeedsFolder(&'f str),
    /// The weaker one is a file where the stronger one needs a folder.
    IsFile,
}

struct Claims<'a, 'p> {
    input: Input<'a>,
    pages: &'p [Page],
    listings: &'p Listings,
    list: Vec<Claim<'a>>,
}

impl Claims<'_, '_> {
    fn kind(&self, writer: Writer<'_>) -> Kind {
        match writer {
            Writer::Page(i) => match &self.pages[i] {
                Page::Section(id) if !self.input.site.sections[*id].dir.is_empty() => Kind::Section,
                Page::Article(_) => Kind::Article,
                Page::Redirect { .. } => Kind::Alias,
                _ => Kind::Made,
            },
            Writer::Unbuilt(_) => Kind::Article,
            Writer::UnbuiltAlias { .. } => Kind::Alias,
            Writer::Static(path) => match self.input.theme.static_origins.get(path) {
                Some(StaticOrigin::Site(_)) => Kind::Static,
                Some(StaticOrigin::Theme(_)) => Kind::Theme,
                Some(StaticOrigin::Fingerprinted(_)) | None => Kind::Made,
            },
            Writer::Asset(_) => Kind::Asset,
            Writer::Generated(_) => Kind::Made,
        }
    }

    /// The file (and line, 0 for the whole file) where a writer's claim can be changed;
    /// `None` for what helpbook makes.
    fn source(&self, writer: Writer<'_>) -> Option<(String, usize)> {
        let site = self.input.site;
        let alias_line = |article: usize, url: &str| {
            let source = &site.articles[article].source;
            (
                source.path.clone(),
                source.value_line("aliases", url.trim_matches('/')),
            )
        };
        match writer {
            Writer::Page(i) => match &self.pages[i] {
                Page::Article(id) => Some((site.articles[*id].source.path.clone(), 1)),
                Page::Redirect { from, article } => Some(alias_line(article.0, from)),
                Page::Section(id) if !site.sections[*id].dir.is_empty() => {
                    let section = &site.sections[*id];
                    Some(match &section.source {
                        Some(source) => (source.path.clone(), 1),
                        None => (format!("content/{}", section.dir), 0),
                    })
                }
                _ => None,
            },
            Writer::Unbuilt(id) => Some((site.articles[id].source.path.clone(), 1)),
            Writer::UnbuiltAlias { article, alias } => {
                Some(alias_line(article, &site.articles[article].aliases[alias]))
            }
            Writer::Static(path) => match self.input.theme.static_origins.get(path) {
                Some(StaticOrigin::Site(origin) | StaticOrigin::Theme(origin)) => {
                    Some((origin.clone(), 0))
                }
                _ => None,
            },
            Writer::Asset(id) => Some((format!("content/{}", site.assets[id].content_path), 0)),
            Writer::Generated(_) => None,
        }
    }

    /// What a writer is, as the other one's message names it.
    fn describe(&self, writer: Writer<'_>) -> String {
        let Input {
            config,
            site,
            theme,
        } = self.input;
        let in_lang = |lang: &str| {
            if lang == config.language {
                String::new()
            } else {
                format!(" in `{lang}`")
            }
        };
        let at_line = |writer| match self.source(writer) {
            Some((path, line)) if line > 0 => format!("`{path}:{line}`"),
            Some((path, _)) => format!("`{path}`"),
            None => String::new(),
        };
        match writer {
            Writer::Page(i) => match &self.pages[i] {
                Page::Article(id) => format!("`{}`", site.articles[*id].source.path),
                Page::Redirect { .. } => format!("an alias in {}", at_line(writer)),
                Page::Section(id) => {
                    let section = &site.sections[*id];
                    match &section.source {
                        _ if section.dir.is_empty() => {
                            format!("the home page{}", in_lang(&section.lang))
                        }
                        Some(source) => format!("`{}`", source.path),
                        None => format!("the section `content/{}/`", section.dir),
                    }
                }
                Page::Tag { lang, slug } => {
                    let name = self
                        .listings
                        .by_tag
                        .get(&(lang.clone(), slug.clone()))
                        .map_or(slug.as_str(), |(name, _)| name.as_str());
                    format!("the page of tag `{name}`{}", in_lang(lang))
                }
                Page::Tags { lang } => format!("the list of tags{}", in_lang(lang)),
                Page::Search { lang } => format!("the search page{}", in_lang(lang)),
                Page::NotFound { lang } => format!("the not-found page{}", in_lang(lang)),
            },
            Writer::Unbuilt(id) => format!("`{}` (a draft)", site.articles[id].source.path),
            Writer::UnbuiltAlias { .. } => format!("an alias in {} (a draft)", at_line(writer)),
            Writer::Static(path) => match theme.static_origins.get(path) {
                Some(StaticOrigin::Site(origin)) => format!("`{origin}`"),
                Some(StaticOrigin::Theme(origin)) => format!("the theme's `{origin}`"),
                Some(StaticOrigin::Fingerprinted(from)) => {
                    format!("the theme's `{path}` (made from `{from}`)")
                }
                None => format!("`{path}`"),
            },
            Writer::Asset(id) => format!("`content/{}`", site.assets[id].content_path),
            Writer::Generated(sitemap::SITEMAP) => "the site's sitemap".to_string(),
            Writer::Generated(path) => format!("the site's `{path}`"),
        }
    }

    /// How to fix `weaker`'s clash with `stronger`.
    fn help(&self, weaker: Writer<'_>, stronger: Writer<'_>) -> String {
        let made = self.source(stronger).is_none();
        let other = self.describe(stronger);
        let same_kind = self.kind(weaker) == self.kind(stronger);
        let or_other = if made {
            format!(" ({other} is made by helpbook)")
        } else {
            format!(", or rename {other}")
        };
        match self.kind(weaker) {
            Kind::Article if same_kind => {
                "URLs ignore capitals, spaces and punctuation; rename one of the files".into()
            }
            Kind::Article => format!(
                "rename this file: an article's URL is its path, in lowercase with dashes{or_other}"
            ),
            Kind::Section if same_kind => {
                "URLs ignore capitals, spaces and punctuation; rename one of the folders".into()
            }
            Kind::Section => {
                let section = match weaker {
                    Writer::Page(i) => match &self.pages[i] {
                        Page::Section(id) => Some(&self.input.site.sections[*id]),
                        _ => None,
                    },
                    _ => None,
                };
                let dir = section.map_or("", |s| s.dir.as_str());
                let has_text = section.is_some_and(|s| s.source.is_some());
                match self.home_language(stronger) {
                    Some(lang) if lang == dir && has_text => format!(
                        "to write the home page in `{lang}`, name this file `content/_index.{lang}.md`; to keep a section called `{dir}`, rename the folder"
                    ),
                    Some(lang) if lang == dir => format!(
                        "articles in `{lang}` are named `name.{lang}.md` and sit beside the others; to keep a section called `{dir}`, rename the folder"
                    ),
                    _ => format!("rename the folder `content/{dir}/`{or_other}"),
                }
            }
            Kind::Alias if made => format!(
                "an alias is an old URL that redirects here; {other} is made by helpbook, so remove this alias"
            ),
            Kind::Alias => {
                "an alias is an old URL that redirects here; remove it or rename the other page"
                    .into()
            }
            Kind::Static => format!("rename or remove this file in `static/`{or_other}"),
            Kind::Theme => format!("rename or remove this file of the theme{or_other}"),
            Kind::Asset => format!("rename or move this file{or_other}"),
            Kind::Made => {
                "two pages helpbook makes share a URL: check `languages` in book.toml".into()
            }
        }
    }

    /// The language whose home page `writer` is, if it is one.
    fn home_language(&self, writer: Writer<'_>) -> Option<&str> {
        let Writer::Page(i) = writer else {
            return None;
        };
        let Page::Section(id) = &self.pages[i] else {
            return None;
        };
        let section = &self.input.site.sections[*id];
        section.dir.is_empty().then_some(section.lang.as_str())
    }

    /// Reports the clash of claim `weaker` with claim `stronger`, on `weaker`'s file.
    fn report(&self, conflict: Conflict<'_>, weaker: usize, stronger: usize, to: &Diagnostics) {
        let (x, y) = (&self.list[weaker], &self.list[stronger]);
        let subject = match self.kind(x.writer) {
            Kind::Alias => "alias",
            _ => "URL",
        };
        let other = self.describe(y.writer);
        let message = match conflict {
            Conflict::SameFile => format!("{subject} `{}` is also the URL of {other}", x.url),
            Conflict::NeedsFolder(folder) => format!(
                "{subject} `{}` needs `/{folder}` to be a folder, but that is the URL of {other}",
                x.url
            ),
            Conflict::IsFile => format!(
                "{subject} `{}` is a file where {other} (`{}`) needs a folder",
                x.url, y.url
            ),
        };
        let (path, line) = self
            .source(x.writer)
            .unwrap_or_else(|| (crate::config::FILE_NAME.to_string(), 0));
        let diagnostic = Diagnostic::error(path, message).with_help(self.help(x.writer, y.writer));
        to.push(if line > 0 {
            diagnostic.at_line(line, 1)
        } else {
            diagnostic
        });
    }
}
