//! What HTML an article may contain, and the cleaning that enforces it (ammonia). Pages may be
//! hosted as plain files, without `serve`'s Content-Security-Policy, so the HTML itself must be
//! safe: no scripts, styles, frames, event handlers or `javascript:` links, whoever wrote it.
//! The tags a writer needs (tables, details, images, kbd, sup, …) stay.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::url::{ParseError, Url};

/// Tags an article's HTML may use. Any other tag is removed and its content kept, except for
/// [`REMOVED_WITH_CONTENT`].
pub const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Tags removed together with everything inside them: what they hold is code, a frame's
/// fallback, or markup for other kinds of documents, never text for the reader.
pub const REMOVED_WITH_CONTENT: &[&str] = &[
    "applet", "embed", "frame", "frameset", "iframe", "math", "noembed", "noframes", "noscript",
    "object", "script", "select", "style", "svg", "template", "textarea", "title",
];

/// Attributes every allowed tag may have.
pub const GLOBAL_ATTRIBUTES: &[&str] = &["class", "dir", "id", "lang", "role", "title"];

/// Attributes particular tags may have besides [`GLOBAL_ATTRIBUTES`]. `data-embed` is the video
/// link's player address, which the theme's script only ever loads from YouTube or Vimeo;
/// `style` on table cells keeps only `text-align` (Markdown's column alignment).
pub const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    (
        "a",
        &["data-embed", "href", "hreflang", "name", "rel", "target"],
    ),
    ("blockquote", &["cite"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("img", &["alt", "height", "loading", "src", "width"]),
    ("ins", &["cite", "datetime"]),
    ("li", &["value"]),
    ("ol", &["reversed", "start", "type"]),
    ("q", &["cite"]),
    ("source", &["src", "type"]),
    ("td", &["colspan", "headers", "rowspan", "style"]),
    ("th", &["colspan", "headers", "rowspan", "scope", "style"]),
    ("time", &["datetime"]),
    (
        "video",
        &[
            "controls",
            "height",
            "loop",
            "muted",
            "playsinline",
            "poster",
            "preload",
            "src",
            "width",
        ],
    ),
];

/// The only CSS property kept, and only in table cells' `style`.
pub const STYLE_PROPERTY: &str = "text-align";

/// URL schemes links and images may use: web pages, mail, calls and messengers, maps and
/// calendars, app stores and settings pages. Relative URLs (paths, `#anchors`) are always fine;
/// `data:` only for images (`data:image/…`), which cannot run script.
pub const SCHEMES: &[&str] = &[
    "facetime",
    "ftp",
    "geo",
    "http",
    "https",
    "irc",
    "ircs",
    "itms-apps",
    "magnet",
    "mailto",
    "market",
    "ms-settings",
    "ms-windows-store",
    "msteams",
    "sip",
    "skype",
    "slack",
    "sms",
    "tel",
    "tg",
    "viber",
    "webcal",
    "whatsapp",
    "xmpp",
    "zoommtg",
];

/// Why a URL in an article is removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlRefusal {
    /// `javascript:`, `vbscript:`, `data:` outside images, or any scheme not in the list.
    Scheme(String),
    /// Not a URL a browser would read the same way (`http://[oops`).
    Malformed,
    /// A video from anywhere but this help center's own files.
    RemoteVideo,
}

impl UrlRefusal {
    /// What the writer is told, after "… `url` removed: ".
    pub fn reason(&self) -> String {
        match self {
            UrlRefusal::Scheme(scheme) => format!("`{scheme}:` addresses are not allowed"),
            UrlRefusal::Malformed => "it is not a valid address".into(),
            UrlRefusal::RemoteVideo => "videos play only from this help center's own files".into(),
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            UrlRefusal::RemoteVideo => VIDEO_HELP,
            _ => {
                "use web addresses (https://…), mailto: and tel: links, or the paths of this help center's own pages and files"
            }
        }
    }
}

/// How to show a video instead.
pub const VIDEO_HELP: &str = "put the file beside the article or in `static/` and write its path alone on its line (`unboxing.mp4`), or give the video's YouTube or Vimeo link alone on its line";

/// Whether `value` may stay as the URL attribute `attribute` of `element` (`a`/`href`,
/// `img`/`src`, …), read as a browser reads it (WHATWG URL parsing: `Java\tScript:` is
/// `javascript:`). Markdown links and images are checked as `a`/`href` and `img`/`src`.
pub fn check_url(element: &str, attribute: &str, value: &str) -> Result<(), UrlRefusal> {
    let is_video = element == "video" || element == "source";
    match Url::parse(value) {
        Ok(_) if is_video => Err(UrlRefusal::RemoteVideo),
        Ok(url) => {
            let scheme = url.scheme();
            let image = element == "img" && attribute == "src";
            if SCHEMES.contains(&scheme)
                || (scheme == "data" && image && url.path().starts_with("image/"))
            {
                Ok(())
            } else {
                Err(UrlRefusal::Scheme(scheme.to_string()))
            }
        }
        // `//host/x` and `\\host\x` are relative to the page's scheme only: another site.
        Err(ParseError::RelativeUrlWithoutBase) if is_video && is_other_host(value) => {
            Err(UrlRefusal::RemoteVideo)
        }
        Err(ParseError::RelativeUrlWithoutBase) => Ok(()),
        Err(_) => Err(UrlRefusal::Malformed),
    }
}

/// `//host/…` (or with backslashes, which browsers read as slashes), after the blanks a
/// browser skips.
fn is_other_host(value: &str) -> bool {
    let mut chars = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    matches!(
        (chars.next(), chars.next()),
        (Some('/' | '\\'), Some('/' | '\\'))
    )
}

/// A URL as a message shows it: control characters (a tab hidden in `java\tscript:`) written
/// out, and `data:` URLs, which run to kilobytes, cut short.
pub fn shown(url: &str) -> String {
    let mut out = String::new();
    for (n, c) in url.chars().enumerate() {
        if n == 60 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Attributes that hold a URL, as ammonia checks them.
pub fn is_url_attribute(element: &str, attribute: &str) -> bool {
    matches!(attribute, "href" | "src") || (element == "video" && attribute == "poster")
}

/// Whether `attribute` may stay on the allowed tag `element` (its value aside).
pub fn is_allowed_attribute(element: &str, attribute: &str) -> bool {
    GLOBAL_ATTRIBUTES.contains(&attribute)
        || TAG_ATTRIBUTES
            .iter()
            .any(|(tag, attributes)| *tag == element && attributes.contains(&attribute))
}

/// The attributes `element` may have, for help texts: `id, class, …, href, name`.
pub fn allowed_attributes(element: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = GLOBAL_ATTRIBUTES.to_vec();
    for (tag, attributes) in TAG_ATTRIBUTES {
        if *tag == element {
            names.extend(attributes.iter().filter(|a| **a != "data-embed"));
        }
    }
    names
}

/// Task-list checkboxes are `<input>`s, which articles may not contain (a writer's `<input>`
/// would become a form field): they are put in after cleaning, as GitHub does, in place of
/// these markers.
pub const TASK_OPEN: &str = "<span class=\"task-list-marker\"></span>";
pub const TASK_DONE: &str = "<span class=\"task-list-marker done\"></span>";
/// As pulldown-cmark writes them, the line break being the space before the item's text.
const CHECKBOX_OPEN: &str = "<input disabled=\"\" type=\"checkbox\"/>\n";
const CHECKBOX_DONE: &str = "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n";

/// Cleans a rendered HTML fragment: whatever is not allowed goes (see the module's tables),
/// unclosed tags are closed, and task-list markers become checkboxes.
pub fn clean(html: &str) -> String {
    let cleaned = CLEANER.clean(html).to_string();
    if cleaned.contains("task-list-marker") {
        cleaned
            .replace(TASK_DONE, CHECKBOX_DONE)
            .replace(TASK_OPEN, CHECKBOX_OPEN)
    } else {
        cleaned
    }
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
        .collect();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(REMOVED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(GLOBAL_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(tag_attributes)
        .url_schemes(SCHEMES.iter().copied().chain(["data"]).collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        // Our own links carry no `rel`; a writer's `rel` is kept.
        .link_rel(None)
        .strip_comments(true)
        .filter_style_properties([STYLE_PROPERTY].into_iter().collect())
        .attribute_filter(|element, attribute, value| {
            if is_url_attribute(element, attribute) && check_url(element, attribute, value).is_err()
            {
                None
            } else {
                Some(Cow::Borrowed(value))
            }
        });
    builder
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_writer_needs_stays() {
        let html = "<table><thead><tr><th style=\"text-align: center\">Key</th></tr></thead><tbody><tr><td><kbd>Ctrl</kbd>+<kbd>C</kbd></td></tr></tbody></table>\n<details open=\"\"><summary>More</summary><p>H<sub>2</sub>O, x<sup>2</sup><br>line</p></details>\n<p><img src=\"/images/a.png\" alt=\"A\" width=\"20\"> <a href=\"https://example.com/\" target=\"_blank\">x</a> <a name=\"old-anchor\"></a></p>";
        let cleaned = clean(html);
        for kept in [
            "<th style=\"text-align:center\">Key</th>",
            "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
            "<details open=\"\"><summary>More</summary>",
            "H<sub>2</sub>O, x<sup>2</sup><br>line",
            "<img src=\"/images/a.png\" alt=\"A\" width=\"20\">",
            "<a href=\"https://example.com/\" target=\"_blank\">x</a>",
            "<a name=\"old-anchor\"></a>",
        ] {
            assert!(cleaned.contains(kept), "{kept} in {cleaned}");
        }
    }

    #[test]
    fn scripts_frames_handlers_and_script_urls_go() {
        let cleaned = clean(
            "<p onclick=\"steal()\">Hi<script>steal()</script><style>p{}</style></p><iframe src=\"https://evil.example/\">fallback</iframe><a href=\"javascript:steal()\">a</a><a href=\" JaVa&#x09;ScRiPt:steal()\">b</a><a href=\"vbscript:x\">c</a><a href=\"data:text/html,x\">d</a><img src=\"x\" onerror=\"steal()\"><svg><script>steal()</script></svg><span style=\"position:fixed\">e</span>",
        );
        assert_eq!(
            cleaned,
            "<p>Hi</p><a>a</a><a>b</a><a>c</a><a>d</a><img src=\"x\"><span>e</span>"
        );
    }

    #[test]
    fn images_may_be_data_urls_and_videos_only_our_own_files() {
        assert_eq!(
            check_url("img", "src", "data:image/png;base64,iVBO"),
            Ok(())
        );
        assert_eq!(
            check_url("a", "href", "data:image/png;base64,iVBO"),
            Err(UrlRefusal::Scheme("data".into()))
        );
        assert_eq!(check_url("video", "src", "clip.mp4"), Ok(()));
        assert_eq!(check_url("video", "src", "/media/clip.mp4"), Ok(()));
        for remote in [
            "https://cdn.example/clip.mp4",
            "//cdn.example/clip.mp4",
            " \\\\cdn.example/clip.mp4",
            "javascript:alert(1)//.mp4",
        ] {
            assert_eq!(
                check_url("source", "src", remote),
                Err(UrlRefusal::RemoteVideo),
                "{remote}"
            );
        }
        assert_eq!(check_url("a", "href", "mailto:help@example.com"), Ok(()));
        assert_eq!(shown(" jav\tascript:x"), " jav\\tascript:x");
        assert_eq!(shown(&"a".repeat(100)), format!("{}…", "a".repeat(60)));
        assert_eq!(check_url("a", "href", "../returns/refund.md#x"), Ok(()));
        assert_eq!(
            check_url("a", "href", "http://[oops"),
            Err(UrlRefusal::Malformed)
        );
    }

    #[test]
    fn task_list_checkboxes_are_put_back_but_a_writers_input_is_not_kept() {
        assert_eq!(
            clean(&format!(
                "<ul><li>{TASK_OPEN} a</li><li>{TASK_DONE} b</li></ul><input type=\"text\" name=\"q\">"
            )),
            format!("<ul><li>{CHECKBOX_OPEN} a</li><li>{CHECKBOX_DONE} b</li></ul>")
        );
    }
}
