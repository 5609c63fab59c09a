//! The theme: the default theme embedded in the binary, overlaid file by file by
//! `themes/<name>/` in the help center; the Tera instance; UI strings per language; and the
//! static files with fingerprinted CSS/JS names. Knows nothing about articles.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{Dir, include_dir};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diag::{Diagnostic, display_path};
use crate::fs;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A loaded theme, ready to render.
pub struct Theme {
    tera: tera::Tera,
    /// Files for the site root: fingerprinted CSS/JS, the theme's other static files and the
    /// help center's own `static/` folder, keyed by output path (`style.3f2a9c1e.css`).
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Where each of `static_files` comes from, for messages about it.
    pub static_origins: BTreeMap<String, StaticOrigin>,
    /// `/style.<hash>.css`
    pub css_url: String,
    /// `/app.<hash>.js`
    pub js_url: String,
    strings: BTreeMap<String, Map<String, Value>>,
    /// Where each template came from, for error messages: `themes/shop/templates/article.html`.
    origins: BTreeMap<String, String>,
    /// Each template's text, for placing problems the parsed template has no position for.
    sources: BTreeMap<String, String>,
}

/// One template of a loaded theme, parsed.
pub struct ThemeTemplate<'a> {
    /// Its name: `article.html`, `partials/support.html`.
    pub name: &'a str,
    /// Where it came from: `themes/shop/templates/article.html`.
    pub origin: &'a str,
    pub text: &'a str,
    pub parsed: &'a tera::Template,
}

/// Where a file of [`Theme::static_files`] comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticOrigin {
    /// The help center's own `static/` folder; its path: `static/images/size-chart.svg`. A
    /// file there with the path of a theme's static file replaces it.
    Site(String),
    /// The theme's `static/` folder: `themes/shop/static/favicon.svg`, or the built-in
    /// theme's `(built-in default theme) static/favicon.svg`.
    Theme(String),
    /// The theme's stylesheet or script under its fingerprinted name; what it was made from.
    Fingerprinted(String),
}

/// One theme file and where it came from.
struct ThemeFile {
    bytes: Vec<u8>,
    origin: String,
}

impl Theme {
    /// Loads `[theme] name` from the help center, falling back to the embedded default for every
    /// file the help center's theme folder does not have.
    pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let mut files: BTreeMap<String, ThemeFile> = BTreeMap::new();
        collect_embedded(&DEFAULT_THEME, &mut files);
        // A theme's `strings/ru.toml` is laid over the built-in one key by key, so a theme
        // written before a key was added still has its words.
        let built_in_strings: BTreeMap<String, Map<String, Value>> = files
            .iter()
            .filter_map(|(path, file)| {
                let lang = path.strip_prefix("strings/")?.strip_suffix(".toml")?;
                Some((lang.to_string(), parse_strings(file).ok()?))
            })
            .collect();
        let theme_dir = config.root.join("themes").join(&config.theme);
        if theme_dir.is_dir() {
            collect_dir(&config.root, &theme_dir, "", &mut files)?;
        } else if config.theme != "default" {
            return Err(vec![
                Diagnostic::error(
                    crate::config::FILE_NAME,
                    format!("theme `{}` not found: there is no folder `themes/{}`", config.theme, config.theme),
                )
                .with_help("create the folder (it only needs the files you change), or remove `name` from [theme] to use the default theme"),
            ]);
        }
        let mut problems = Vec::new();
        let mut templates = Vec::new();
        let mut origins = BTreeMap::new();
        let mut sources = BTreeMap::new();
        let mut strings = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        let mut static_origins = BTreeMap::new();
        for (path, file) in &files {
            if let Some(name) = path.strip_prefix("templates/") {
                match std::str::from_utf8(&file.bytes) {
                    Ok(text) => {
                        templates.push((name.to_string(), text.to_string()));
                        origins.insert(name.to_string(), file.origin.clone());
                        sources.insert(name.to_string(), text.to_string());
                    }
                    Err(_) => problems.push(
                        Diagnostic::error(&file.origin, "the template is not UTF-8 text")
                            .with_help("save it as UTF-8"),
                    ),
                }
            } else if let Some(lang) = path
                .strip_prefix("strings/")
                .and_then(|p| p.strip_suffix(".toml"))
            {
                match parse_strings(file) {
                    Ok(own) => {
                        let mut map = built_in_strings.get(lang).cloned().unwrap_or_default();
                        map.extend(own);
                        strings.insert(lang.to_string(), map);
                    }
                    Err(problem) => problems.push(problem),
                }
            } else if let Some(name) = path.strip_prefix("static/") {
                static_files.insert(name.to_string(), file.bytes.clone());
                static_origins.insert(name.to_string(), StaticOrigin::Theme(file.origin.clone()));
            }
        }
        let mut tera = tera::Tera::default();
        // Tera's default escaper also turns `/` into `&#x2F;`, which makes every URL in the
        // page source unreadable; escaping `& < > " '` is what HTML needs.
        tera.set_escape_fn(crate::markdown::escape);
        tera.register_filter("json_encode", json_encode);
        if let Err(e) = tera.add_raw_templates(templates) {
            problems.push(template_diagnostic(&e, &origins));
        }
        problems.extend(missing_templates(config, &origins));
        let site_static = config.root.join("static");
        if site_static.is_dir() {
            let mut own = BTreeMap::new();
            collect_dir(&config.root, &site_static, "", &mut own)?;
            for (path, file) in own {
                static_files.insert(path.clone(), file.bytes);
                static_origins.insert(path, StaticOrigin::Site(file.origin));
            }
        }
        let mut statics = (static_files, static_origins);
        let css_url = fingerprint(&mut statics, "style.css", &mut problems);
        let js_url = fingerprint(&mut statics, "app.js", &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let (static_files, static_origins) = statics;
        Ok(Theme {
            tera,
            static_files,
            static_origins,
            css_url,
            js_url,
            strings,
            origins,
            sources,
        })
    }

    /// Every template, parsed, by name.
    pub fn templates(&self) -> impl Iterator<Item = ThemeTemplate<'_>> {
        self.sources.iter().filter_map(|(name, text)| {
            Some(ThemeTemplate {
                name,
                origin: self.origins.get(name)?,
                text,
                parsed: self.tera.templates.get(name)?,
            })
        })
    }

    /// Template `name`, parsed.
    pub fn template(&self, name: &str) -> Option<&tera::Template> {
        self.tera.templates.get(name)
    }

    /// UI strings in `lang`, with the English (then any) table filling gaps.
    pub fn strings(&self, lang: &str) -> Map<String, Value> {
        let mut merged = self.strings.get("en").cloned().unwrap_or_default();
        if let Some(own) = self.strings.get(lang) {
            for (k, v) in own {
                merged.insert(k.clone(), v.clone());
            }
        }
        merged
    }

    /// Renders a template; the error names the template file and says what went wrong.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|e| template_diagnostic(&e, &self.origins))
    }

    /// Like [`Theme::render`], into bytes headed for a file: no UTF-8 check of the whole
    /// page afterwards, and room made once for `expected` bytes.
    pub fn render_bytes(
        &self,
        template: &str,
        context: &tera::Context,
        expected: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(expected);
        self.tera
            .render_to(template, context, &mut out)
            .map_err(|e| template_diagnostic(&e, &self.origins))?;
        Ok(out)
    }
}

/// A `strings/<lang>.toml` file: UI strings by key.
fn parse_strings(file: &ThemeFile) -> Result<Map<String, Value>, Diagnostic> {
    let text = String::from_utf8_lossy(&file.bytes);
    let table = toml::from_str::<toml::Table>(&text).map_err(|e| {
        Diagnostic::error(&file.origin, format!("UI strings: {}", e.message().trim()))
            .at(&text, e.span().map_or(0, |s| s.start))
            .with_help("write one `key = \"text\"` per line")
    })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            (k, Value::String(text))
        })
        .collect())
}

/// The pages' templates the theme lacks.
fn missing_templates<'a>(
    config: &'a Config,
    origins: &'a BTreeMap<String, String>,
) -> impl Iterator<Item = Diagnostic> + 'a {
    [
        "base.html",
        "index.html",
        "section.html",
        "article.html",
        "tag.html",
        "tags.html",
        "search.html",
        "404.html",
        "redirect.html",
    ]
    .into_iter()
    .filter(|required| !origins.contains_key(*required))
    .map(|required| {
        Diagnostic::error(
            format!("themes/{}/templates", config.theme),
            format!("the theme has no `{required}` template"),
        )
        .with_help("copy it from the default theme")
    })
}

/// `style.css` -> `style.3f2a9c1e0b.css`, so browsers may cache it forever. A static file
/// that already has the fingerprinted name is a problem: one of the two would be lost.
fn fingerprint(
    (files, origins): &mut (BTreeMap<String, Vec<u8>>, BTreeMap<String, StaticOrigin>),
    name: &str,
    problems: &mut Vec<Diagnostic>,
) -> String {
    let Some(bytes) = files.remove(name) else {
        return String::new();
    };
    let made_from = match origins.remove(name) {
        Some(StaticOrigin::Site(origin) | StaticOrigin::Theme(origin)) => origin,
        _ => name.to_string(),
    };
    let digest = Sha256::digest(&bytes);
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let fingerprinted = format!("{stem}.{hash}.{ext}");
    if let Some(StaticOrigin::Site(taken) | StaticOrigin::Theme(taken)) =
        origins.get(&fingerprinted)
    {
        problems.push(
            Diagnostic::error(
                taken,
                format!("URL `/{fingerprinted}` is also the URL of the theme's `{name}` (made from `{made_from}`), which the build names after its content"),
            )
            .with_help(format!("rename or remove this file; to change the theme's `{name}`, edit `{made_from}` or put your own `{name}` in `static/`")),
        );
    }
    origins.insert(
        fingerprinted.clone(),
        StaticOrigin::Fingerprinted(made_from),
    );
    files.insert(fingerprinted.clone(), bytes);
    format!("/{fingerprinted}")
}

fn collect_embedded(dir: &Dir<'static>, files: &mut BTreeMap<String, ThemeFile>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        files.insert(
            path.clone(),
            ThemeFile {
                bytes: file.contents().to_vec(),
                origin: format!("(built-in default theme) {path}"),
            },
        );
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}

fn collect_dir(
    root: &Path,
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, ThemeFile>,
) -> Result<(), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        // A name that cannot be part of a URL: reported, and left out with what is in it.
        .filter_entry(|e| match crate::content::name_problem(root, e) {
            Some(problem) if e.depth() > 0 => {
                problems.push(problem);
                false
            }
            _ => true,
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            vec![Diagnostic::error(
                display_path(root, dir),
                format!("cannot read: {e}"),
            )]
        })?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let relative = display_path(dir, entry.path());
        let bytes = fs::read(entry.path()).map_err(|e| {
            vec![Diagnostic::error(
                display_path(root, entry.path()),
                e.to_string(),
            )]
        })?;
        files.insert(
            format!("{prefix}{relative}"),
            ThemeFile {
                bytes,
                origin: display_path(root, entry.path()),
            },
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// JSON made safe to place inside a `<script>` element: `<`, `>` and `&` (which can only occur
/// inside JSON strings) become `\u003c`, `\u003e` and `\u0026`, the same text to a JSON
/// parser. HTML ends a script at `</script>`, and `<!--` followed by `<script>` makes it read on
/// past its end tag (the "script data double escaped" state): one FAQ answer quoting a tracking
/// snippet would turn the rest of the page into script.
pub fn json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut start = 0;
    for (i, byte) in json.bytes().enumerate() {
        let escaped = match byte {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            _ => continue,
        };
        out.push_str(&json[start..i]);
        out.push_str(escaped);
        start = i + 1;
    }
    out.push_str(&json[start..]);
    out
}

/// Tera's `json_encode`, safe inside `<script>` (see [`json_for_script`]), so that a theme can
/// write `<script>const page = {{ article.extra | json_encode | safe }};</script>`.
fn json_encode(
    value: &Value,
    args: &std::collections::HashMap<String, Value>,
) -> tera::Result<Value> {
    let pretty = args.get("pretty").and_then(Value::as_bool).unwrap_or(false);
    let json = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    json.map(|json| Value::String(json_for_script(&json)))
        .map_err(tera::Error::json)
}

/// Tera errors nest the useful part (`--> 3:5` and the reason) in their source chain.
fn template_diagnostic(error: &tera::Error, origins: &BTreeMap<String, String>) -> Diagnostic {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        chain.push(inner.to_string());
        source = inner.source();
    }
    let template = chain.iter().find_map(|m| {
        m.split('\'')
            .nth(1)
            .filter(|name| origins.contains_key(*name))
            .map(str::to_string)
    });
    let path = template
        .as_ref()
        .and_then(|t| origins.get(t))
        .cloned()
        .unwrap_or_else(|| "templates".to_string());
    let (mut line, mut col) = (0, 0);
    for message in &chain {
        if let Some(pos) = message.find("--> ") {
            let digits: String = message[pos + 4..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ':')
                .collect();
            let mut parts = digits.split(':');
            line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
        }
    }
    let message = chain
        .iter()
        .map(|m| {
            m.lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(": ");
    Diagnostic::error(path, format!("template error: {message}"))
        .at_line(line, col)
        .with_help("check the template's {{ }} and {% %} tags; the default theme's templates show every variable in use")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_script_reads_as_the_same_json_without_markup_characters() {
        let value = serde_json::json!({
            "text": "Remove <!-- <script>track()</script> --> & check a > b",
            "plain": "Возврат"
        });
        let json = json_for_script(&value.to_string());
        assert!(!json.contains(['<', '>', '&']), "{json}");
        assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), value);
        assert_eq!(
            json_for_script("{\"a\":\"Возврат\"}"),
            "{\"a\":\"Возврат\"}"
        );
    }
}
