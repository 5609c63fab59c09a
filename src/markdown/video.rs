//! Video links that become embeds. Nothing loads from the video host until the shopper
//! clicks: the page carries a plain link that the theme's script swaps for an iframe of the
//! privacy-enhanced player (youtube-nocookie.com, Vimeo with `dnt=1`).

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use super::{Problem, Resolution, Resolve, Spanned, escape, find_end, heading_text, sanitize};
use crate::diag::Severity;

/// The embed for a YouTube or Vimeo page URL, `None` for anything else. `label` is the
/// link's text in the page's language.
pub fn embed_html(url: &str, label: &str) -> Option<String> {
    let (watch, embed) = youtube(url).or_else(|| vimeo(url))?;
    Some(format!(
        "<div class=\"video\"><a class=\"video-link\" href=\"{}\" data-embed=\"{}\">{}</a></div>\n",
        escape(&watch),
        escape(&embed),
        escape(label)
    ))
}

/// A local video file, loaded only when played.
pub fn local_html(src: &str) -> String {
    format!(
        "<div class=\"video\"><video controls preload=\"none\" src=\"{}\"></video></div>\n",
        escape(src)
    )
}

fn youtube(url: &str) -> Option<(String, String)> {
    let rest = strip_scheme(url)?;
    let rest = rest
        .strip_prefix("www.")
        .or_else(|| rest.strip_prefix("m."))
        .unwrap_or(rest);
    let id = if let Some(path) = rest.strip_prefix("youtu.be/") {
        path.split(['?', '&', '#']).next()?
    } else if let Some(path) = rest.strip_prefix("youtube.com/") {
        if let Some(query) = path.strip_prefix("watch?") {
            query.split('&').find_map(|pair| pair.strip_prefix("v="))?
        } else {
            let path = path
                .strip_prefix("shorts/")
                .or_else(|| path.strip_prefix("embed/"))
                .or_else(|| path.strip_prefix("live/"))?;
            path.split(['?', '&', '#', '/']).next()?
        }
    } else {
        return None;
    };
    let valid = id.len() == 11
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| {
        (
            format!("https://www.youtube.com/watch?v={id}"),
            format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
        )
    })
}

fn vimeo(url: &str) -> Option<(String, String)> {
    let rest = strip_scheme(url)?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let path = rest.strip_prefix("vimeo.com/")?;
    let id = path.split(['?', '#', '/']).next()?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_digit())).then(|| {
        (
            format!("https://vimeo.com/{id}"),
            format!("https://player.vimeo.com/video/{id}?autoplay=1&dnt=1"),
        )
    })
}

fn strip_scheme(url: &str) -> Option<&str> {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
}

pub(super) fn embed_videos(
    play_label: &str,
    events: &mut Vec<Spanned<'_>>,
    resolver: &dyn Resolve,
    problems: &mut Vec<Problem>,
) {
    let mut i = 0;
    while i < events.len() {
        if !matches!(events[i].0, Event::Start(Tag::Paragraph)) {
            i += 1;
            continue;
        }
        let end = find_end(events, i);
        let inner = &events[i + 1..end];
        let url = match inner {
            // `<https://youtu.be/x>` or `[https://youtu.be/x](https://youtu.be/x)` alone
            [
                (
                    Event::Start(Tag::Link {
                        dest_url,
                        link_type,
                        ..
                    }),
                    _,
                ),
                rest @ ..,
            ] if matches!(link_type, LinkType::Autolink)
                || heading_text(rest) == dest_url.as_ref() =>
            {
                Some(dest_url.to_string())
            }
            _ if inner.iter().all(|(e, _)| matches!(e, Event::Text(_))) => {
                Some(heading_text(inner))
            }
            _ => None,
        };
        let embed = url.and_then(|url| {
            if url.contains(char::is_whitespace) {
                return None;
            }
            if let Some(html) = embed_html(&url, play_label) {
                return Some(html);
            }
            if url.to_ascii_lowercase().ends_with(".mp4")
                || url.to_ascii_lowercase().ends_with(".webm")
            {
                if sanitize::check_url("video", "src", &url).is_err() {
                    problems.push(Problem {
                        offset: events[i].1.start,
                        severity: Severity::Warning,
                        message: format!("video `{}` is not embedded: videos play only from this help center's own files, YouTube or Vimeo", sanitize::shown(&url)),
                        help: sanitize::VIDEO_HELP.into(),
                    });
                    return None;
                }
                let src = match resolver.resolve(&url, true) {
                    Resolution::Rewrite(src) => src,
                    Resolution::Problem {
                        severity,
                        message,
                        help,
                    } => {
                        problems.push(Problem {
                            offset: events[i].1.start,
                            severity,
                            message,
                            help,
                        });
                        url.clone()
                    }
                    _ => url.clone(),
                };
                return Some(local_html(&src));
            }
            None
        });
        if let Some(html) = embed {
            let range = events[i].1.clone();
            events.splice(i..=end, [(Event::Html(CowStr::from(html)), range)]);
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn youtube_and_vimeo_urls_become_click_to_load_embeds() {
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
        ] {
            let html = embed_html(url, "Play video").unwrap_or_else(|| panic!("{url}"));
            assert!(
                html.contains(
                    "data-embed=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1\""
                ),
                "{html}"
            );
            assert!(
                !html.contains("<iframe"),
                "nothing loads before a click: {html}"
            );
        }
        let vimeo = embed_html("https://vimeo.com/76979871", "Play video").unwrap();
        assert!(
            vimeo.contains("https://player.vimeo.com/video/76979871?autoplay=1&amp;dnt=1"),
            "{vimeo}"
        );
    }

    #[test]
    fn other_links_are_not_videos() {
        assert_eq!(
            embed_html("https://www.youtube.com/channel/UC123", "x"),
            None
        );
        assert_eq!(
            embed_html("https://example.com/watch?v=dQw4w9WgXcQ", "x"),
            None
        );
        assert_eq!(embed_html("https://youtu.be/short", "x"), None);
    }
}
