//! Markdown as `markdown::render` turns it into a page: any text renders without a panic and
//! with its problems placed inside it; Markdown made of everything a writer uses (headings,
//! lists, tables, links, images, code, callouts, footnotes, videos, balanced raw HTML, FAQ
//! questions and how-to steps) gives well-formed HTML, unique anchors, no script but the
//! writer's own raw HTML, and the FAQ items and steps it was written with.

use std::collections::BTreeMap;

use helpbook::content::Kind;
use helpbook::diag::Severity;
use helpbook::markdown::{self, Labels, PageRef, RenderOptions, Rendered, Resolution, Resolve};
use proptest::collection::vec;
use proptest::prelude::*;

use crate::html::nesting_problems;

/// Links as a help center resolves them: other articles (`x.md`, `x.md#part`) and this page's
/// anchors become pages, a missing article is a problem, images and videos beside the article
/// are rewritten, everything else is kept as written.
struct Site;

impl Resolve for Site {
    fn resolve(&self, dest: &str, _is_image: bool) -> Resolution {
        let (path, anchor) = dest
            .split_once('#')
            .map_or((dest, None), |(p, a)| (p, Some(a)));
        let anchor = anchor.filter(|a| !a.is_empty()).map(str::to_string);
        match path {
            "" if anchor.is_some() => Resolution::Page {
                url: dest.to_string(),
                target: PageRef::Article(0),
                anchor,
            },
            "missing.md" => Resolution::Problem {
                severity: Severity::Error,
                message: format!("link to `{dest}`, which does not exist"),
                help: "check the file name".into(),
            },
            p if p.ends_with(".md") => Resolution::Page {
                url: format!("/x/{}", dest.strip_prefix(p).unwrap_or_default()),
                target: PageRef::Article(1),
                anchor,
            },
            p if p.ends_with(".png") || p.ends_with(".mp4") => {
                Resolution::Rewrite(format!("/media/{p}"))
            }
            _ => Resolution::Keep,
        }
    }
}

/// The default theme's English labels.
fn english() -> Labels {
    let table: toml::Table =
        toml::from_str(include_str!("../../../themes/default/strings/en.toml"))
            .expect("en.toml is TOML");
    Labels::from_strings(|key| table.get(key).and_then(|v| v.as_str()))
}

fn render(body: &str, kind: Kind, mdx: bool) -> Rendered {
    markdown::render(
        body,
        RenderOptions {
            kind,
            title: "Refunds",
            labels: &english(),
            mdx,
        },
        &Site,
    )
}

fn kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(vec![Kind::Article, Kind::Faq, Kind::HowTo])
}

// ---- generators --------------------------------------------------------------------------

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "refund", "order", "Refunds", "parcel", "delivery", "step", "Step", "1", "2", "14",
            "заказ", "возврат", "Шаг", "tellimus", "tagastus", "Samm", "中文", "😀", "مرحبا",
            "don't", "e-mail", "x_y", "Node.js", "A&B", "\"quoted\"", "'single'",
        ])
        .prop_map(str::to_string),
        2 => "[a-zA-Zа-яА-ЯõäöüÕÄÖÜ0-9]{1,12}",
    ]
}

/// Markdown and HTML punctuation on its own, never a `<` that could start a tag.
fn punctuation() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "*", "_", "**", "`", "[", "]", "!", "#", "&", "&amp;", "&lt;script&gt;",
            "&#60;script&#62;", "&#x3C;b&#x3E;", "\\*", "\\", "|", "~", "~~", "<", "<3", "<=",
            "->", ">", "\"", "'", "(", ")", "{#x}", ":", "[^1]", "[^nope]", "onclick=\"x()\"",
        ])
        .prop_map(str::to_string),
        1 => "[^<\\s]{1,8}",
    ]
}

/// Link and image destinations: pages, anchors, files, other sites, and some hostile ones.
fn destination() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "x.md",
        "x.md#part",
        "#top",
        "#",
        "missing.md",
        "../up.md",
        "img.png",
        "clip.mp4",
        "https://example.com/a?b=1&c=2",
        "mailto:help@example.com",
        "/abs/path/",
        "",
        "<with space.md>",
        "javascript:alert(1)",
        "<script src=\"x.js\">",
        "data:text/html,alert(1)",
        "\"quote\"",
        "https://youtu.be/dQw4w9WgXcQ",
    ])
    .prop_map(str::to_string)
}

/// Inline raw HTML a writer uses, each element closed where it opens.
fn inline_html() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "<kbd>Ctrl</kbd>",
        "<br>",
        "<br/>",
        "<em>x</em>",
        "<span class=\"note\">y</span>",
        "<a name=\"top\"></a>",
        "<sup>2</sup>",
        "<!-- note -->",
        "<img src=\"a.png\" alt=\"a\">",
    ])
    .prop_map(str::to_string)
}

/// Inline Markdown of words: emphasis, code, links, images, autolinks, raw HTML; nothing
/// that could start a block of its own. A line starts with a word: one that starts with a
/// comment or a lone tag is raw HTML to its end (CommonMark's HTML blocks), `<https://…>`
/// and all.
fn prose() -> impl Strategy<Value = String> {
    (word(), vec(prose_token(), 0..7)).prop_map(|(first, tokens)| join(first, tokens))
}

/// [`prose`] with punctuation anywhere, starting blocks of its own at times.
fn inline() -> impl Strategy<Value = String> {
    (
        prop_oneof![word(), punctuation()],
        vec(prop_oneof![4 => prose_token(), 1 => punctuation()], 0..7),
    )
        .prop_map(|(first, tokens)| join(first, tokens))
}

fn join(first: String, tokens: Vec<String>) -> String {
    std::iter::once(first)
        .chain(tokens)
        .collect::<Vec<_>>()
        .join(" ")
}

fn prose_token() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => word(),
        2 => word().prop_map(|w| format!("*{w}*")),
        2 => word().prop_map(|w| format!("**{w}**")),
        1 => word().prop_map(|w| format!("~~{w}~~")),
        1 => prop::sample::select(vec!["`code`", "`a < b && c`", "``a ` b``", "`"]).prop_map(str::to_string),
        2 => (
            vec(word(), 1..3),
            destination(),
            prop::sample::select(vec!["", " \"a title\"", " '<script src=\"x.js\">'"]),
        )
            .prop_map(|(text, dest, title)| {
                // Without a destination the title is read as one, and the rest as raw HTML.
                let title = if dest.is_empty() { "" } else { title };
                format!("[{}]({dest}{title})", text.join(" "))
            }),
        1 => (word(), destination()).prop_map(|(alt, dest)| format!("![{alt}]({dest})")),
        1 => prop::sample::select(vec!["<https://example.com>", "<help@example.com>", "[text][ref]", "[ref]"])
            .prop_map(str::to_string),
        1 => inline_html(),
    ]
}

/// A heading's text: words, sometimes with inline Markdown.
fn heading_text() -> impl Strategy<Value = String> {
    prop_oneof![3 => vec(word(), 1..4).prop_map(|w| w.join(" ")), 1 => inline()]
}

/// Raw HTML blocks a writer uses, each element closed where it opens; and the product's own
/// comment that carries an FAQ answer's keywords.
fn html_block() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "<div class=\"box\">\n<p>Boxed</p>\n</div>",
        "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>",
        "<h2 id=\"custom\">Custom</h2>",
        "<a name=\"refund\"></a>",
        "<table><tr><td>1</td></tr></table>",
        "<!-- keywords: where is my order, parcel  not arrived -->",
        "<!-- a note for writers -->",
        "<video src=\"clip.mp4\" controls></video>",
        "<script>alert(1)</script>",
    ])
    .prop_map(str::to_string)
}

/// A fenced code block, closed or (running to the end of its container) not.
fn code_block() -> impl Strategy<Value = String> {
    any::<bool>().prop_flat_map(fenced_code)
}

fn fenced_code(closed: bool) -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["```", "~~~", "````"]),
        prop::sample::select(vec!["", "rust", "html", "sh {.x}"]),
        vec(
            prop_oneof![
                "[^\n`~]{0,30}",
                Just("<script src=\"x.js\"></script>".to_string())
            ],
            0..4,
        ),
    )
        .prop_map(move |(fence, lang, lines)| {
            let mut code = format!("{fence}{lang}\n");
            for line in lines {
                code.push_str(&line);
                code.push('\n');
            }
            if closed {
                code.push_str(fence);
            }
            code
        })
}

fn table() -> impl Strategy<Value = String> {
    (1..4usize)
        .prop_flat_map(|columns| {
            (
                vec(heading_text(), columns),
                vec(
                    prop::sample::select(vec!["---", ":--", "--:", ":-:"]),
                    columns,
                ),
                vec(
                    vec(prop_oneof![inline(), Just(String::new())], columns),
                    0..4,
                ),
            )
        })
        .prop_map(|(head, align, rows)| {
            let row = |cells: &[String]| {
                let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
                format!("| {} |", cells.join(" | "))
            };
            let mut table = format!("{}\n| {} |", row(&head), align.join(" | "));
            for cells in rows {
                table.push('\n');
                table.push_str(&row(&cells));
            }
            table
        })
}

/// Blocks that hold no other blocks.
fn leaf_block() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(inline(), 1..3).prop_map(|lines| lines.join("\n")),
        3 => (1..=6usize, heading_text(), prop::option::of(prop::sample::select(vec!["custom", "refund", "top", "1", "section", "x-y"])))
            .prop_map(|(level, text, id)| {
                let id = id.map(|id| format!(" {{#{id}}}")).unwrap_or_default();
                format!("{} {text}{id}", "#".repeat(level))
            }),
        1 => (heading_text(), prop::sample::select(vec!["===", "---"]))
            .prop_map(|(text, line)| format!("{text}\n{line}")),
        1 => prop::sample::select(vec!["***", "---", "___"]).prop_map(str::to_string),
        2 => code_block(),
        1 => "    [^\n]{1,20}".prop_map(|code| code.to_string()),
        2 => table(),
        2 => html_block(),
        1 => prop::sample::select(vec![
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1",
            "https://vimeo.com/76979871",
            "clip.mp4",
            "[https://youtu.be/dQw4w9WgXcQ](https://youtu.be/dQw4w9WgXcQ)",
        ])
        .prop_map(str::to_string),
        1 => (prop::sample::select(vec!["1", "note", "nope"]), inline())
            .prop_map(|(label, text)| format!("[^{label}]: {text}")),
        1 => Just("[ref]: https://example.com/ref \"Ref\"".to_string()),
    ]
}

/// `text` as the content of a list item opened by `marker`: lines after the first indented
/// to the item's content.
fn item(marker: &str, text: &str) -> String {
    let indent = " ".repeat(marker.chars().count());
    let mut out = String::from(marker);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
    out
}

fn quote(text: &str) -> String {
    text.split('\n')
        .map(|line| match line {
            "" => ">".to_string(),
            line => format!("> {line}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Any block, lists and quotes holding blocks in turn.
fn block() -> impl Strategy<Value = String> {
    leaf_block().prop_recursive(3, 32, 4, |inner| {
        let content = vec(inner, 1..3).prop_map(|blocks| blocks.join("\n\n"));
        prop_oneof![
            1 => vec((prop::sample::select(vec!["[ ]", "[x]"]), prose()), 1..4).prop_map(|items| {
                items.iter().map(|(task, text)| format!("- {task} {text}")).collect::<Vec<_>>().join("\n")
            }),
            3 => (
                prop::sample::select(vec!["- ", "* ", "+ ", "1. ", "3) ", "10. "]),
                vec(content.clone(), 1..4),
                any::<bool>(),
            )
                .prop_map(|(marker, items, loose)| {
                    let items: Vec<String> = items.iter().map(|text| item(marker, text)).collect();
                    items.join(if loose { "\n\n" } else { "\n" })
                }),
            2 => content.clone().prop_map(|text| quote(&text)),
            1 => (
                prop::sample::select(vec!["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION", "INFO"]),
                content,
            )
                // A blank line after the marker: the marker's line is a paragraph, which a
                // list numbered from 3 or a `<div>` cannot interrupt.
                .prop_map(|(kind, text)| quote(&format!("[!{kind}]\n\n{text}"))),
        ]
    })
}

fn document() -> impl Strategy<Value = String> {
    vec(block(), 0..8).prop_map(|blocks| blocks.join("\n\n"))
}

/// Text that is mostly Markdown punctuation, to reach the parser's corners.
fn markdown_soup() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            4 => prop::sample::select(
                "#*_-+=`~[]()!<>|\\:\"'{}^&;/ \n\n\t1.x".chars().collect::<Vec<_>>()
            ).prop_map(String::from),
            1 => prop::sample::select(vec![
                "<Note>", "</Note>", "<Steps />", "<div>", "</div>", "<!--", "-->", "[!NOTE]",
                "```", "| --- |", "https://youtu.be/dQw4w9WgXcQ", "{#id}", "[^1]:", "&#0;",
                "\r\n", "\u{0}", "é", "\u{200b}", "\u{feff}",
            ]).prop_map(str::to_string),
        ],
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

/// Containers and inline markup nested thousands deep.
fn deeply_nested() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "> ", "- ", "1. ", "[", "*", "**", "![", "<div>", "[^1]: ", "    ",
        ]),
        1..3000usize,
    )
        .prop_map(|(open, depth)| format!("{}refund\n", open.repeat(depth)))
}

/// How many `<script` the writer wrote as raw HTML: in the HTML CommonMark finds in `body`
/// (parsed with the options the product uses), not in text or code.
fn raw_html_scripts(body: &str) -> usize {
    use pulldown_cmark::{Event, Options, Parser};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    Parser::new_ext(body, options)
        .map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                html.to_lowercase().matches("<script").count()
            }
            _ => 0,
        })
        .sum()
}

// ---- what the HTML holds ------------------------------------------------------------------

/// Every page part a rendering gives: the body (for an FAQ, its intro) and each answer.
fn parts(rendered: &Rendered) -> Vec<&str> {
    let mut parts = vec![rendered.html.as_str()];
    parts.extend(rendered.faq.iter().map(|item| item.answer_html.as_str()));
    parts
}

/// The values of `id="…"` attributes in tags of `html`.
fn ids(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if let Some(at) = tag.find(" id=\"") {
            let value = &tag[at + 5..];
            found.push(value[..value.find('"').unwrap_or(value.len())].to_string());
        }
        rest = &rest[end..];
    }
    found
}

/// How many times the writer gave each id themselves: `{#id}`, `id="id"`, `name="id"`, and
/// footnote labels (a footnote's id is its label).
fn written_ids(body: &str) -> BTreeMap<String, usize> {
    let mut written = BTreeMap::new();
    for (open, close) in [
        ("{#", "}"),
        (" id=\"", "\""),
        (" name=\"", "\""),
        ("[^", "]:"),
    ] {
        let mut rest = body;
        while let Some(at) = rest.find(open) {
            rest = &rest[at + open.len()..];
            if let Some(end) = rest.find(close) {
                *written.entry(rest[..end].to_string()).or_insert(0) += 1;
            }
        }
    }
    written
}

proptest! {
    #![proptest_config(super::cases(256))]

    /// Any text renders, as any kind, without a panic; what it reports is placed inside it.
    #[test]
    fn any_text_renders(
        body in prop_oneof![any::<String>(), markdown_soup(), document(), deeply_nested()],
        kind in kind(),
        mdx in any::<bool>(),
    ) {
        let rendered = render(&body, kind, mdx);
        for problem in &rendered.problems {
            prop_assert!(problem.offset <= body.len(), "{:?} is past the end", problem);
            prop_assert!(body.is_char_boundary(problem.offset), "{:?} is inside a character", problem);
        }
        for link in &rendered.anchor_refs {
            prop_assert!(link.offset <= body.len(), "{:?} is past the end", link);
        }
    }

    /// Markdown whose raw HTML is balanced gives well-formed HTML, in every kind of page.
    #[test]
    fn html_is_well_formed(body in document(), kind in kind()) {
        let rendered = render(&body, kind, false);
        for html in parts(&rendered) {
            let problems = nesting_problems(html);
            prop_assert!(problems.is_empty(), "{:?} in\n{}\n---- from\n{}", problems, html, body);
        }
    }

    /// Every id in the page is there once, but for ids the writer gave twice themselves; the
    /// table of contents lists headings that are there.
    #[test]
    fn anchors_are_unique(body in document(), kind in kind()) {
        let rendered = render(&body, kind, false);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for html in parts(&rendered) {
            for id in ids(html) {
                *seen.entry(id).or_insert(0) += 1;
            }
        }
        for item in &rendered.faq {
            *seen.entry(item.id.clone()).or_insert(0) += 1;
        }
        let written = written_ids(&body);
        for (id, count) in &seen {
            prop_assert!(
                *count == 1 || written.get(id).is_some_and(|w| *w >= 2),
                "id `{}` is in the page {} times\n---- from\n{}", id, count, body
            );
        }
        for entry in &rendered.toc {
            prop_assert!(seen.contains_key(&entry.id), "{:?} is not in the page", entry);
            prop_assert!(rendered.anchors.contains(&entry.id), "{:?} is no link target", entry);
        }
    }

    /// A `<script` in the page is one the writer wrote as raw HTML (passed through, as all
    /// raw HTML is); in text, code, entities, link destinations and titles it is escaped.
    #[test]
    fn no_script_but_raw_html(body in document(), kind in kind()) {
        let rendered = render(&body, kind, false);
        let html = parts(&rendered).concat().to_lowercase();
        let found = html.matches("<script").count();
        let written = raw_html_scripts(&body);
        prop_assert!(found <= written, "{} scripts, {} written as HTML, in\n{}\n---- from\n{}", found, written, html, body);
    }
}

// ---- FAQ and how-to ----------------------------------------------------------------------

/// Blocks an answer or a step's neighbour is made of, with no heading in them (and no code
/// left open to swallow the next question).
fn answer_block() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => vec(prose(), 1..3).prop_map(|lines| lines.join("\n")),
        1 => fenced_code(true),
        1 => table(),
        1 => vec(prose(), 1..4).prop_map(|items| {
            items.iter().map(|text| format!("- {text}")).collect::<Vec<_>>().join("\n")
        }),
        1 => prose().prop_map(|text| quote(&format!("[!TIP]\n{text}"))),
        1 => Just("<!-- keywords: where is my order, parcel  not arrived -->".to_string()),
    ]
}

/// A question: words and a question mark.
fn question() -> impl Strategy<Value = String> {
    vec(word(), 1..6).prop_map(|words| format!("{}?", words.join(" ")))
}

proptest! {
    #![proptest_config(super::cases(128))]

    /// An FAQ has one item per `## Question?`, in order, with the question as written, and
    /// the keywords comment of its answer.
    #[test]
    fn faq_has_an_item_per_question(
        intro in vec(answer_block(), 0..3),
        questions in vec((question(), vec(answer_block(), 0..4)), 0..6),
    ) {
        let mut body = intro.join("\n\n");
        for (question, answer) in &questions {
            body.push_str(&format!("\n\n## {question}\n\n{}", answer.join("\n\n")));
        }
        let rendered = render(&body, Kind::Faq, false);
        let asked: Vec<&str> = questions.iter().map(|(q, _)| q.as_str()).collect();
        let found: Vec<&str> = rendered.faq.iter().map(|item| item.question.as_str()).collect();
        prop_assert_eq!(found, asked, "{}", body);
        for (item, (_, answer)) in rendered.faq.iter().zip(&questions) {
            // The first keywords comment is taken out of the answer; a second is a comment,
            // which cleaning a page with a writer's HTML in it drops.
            let comments = answer.iter().filter(|block| block.starts_with("<!-- keywords")).count();
            let keywords: &[&str] = if comments > 0 { &["where is my order", "parcel not arrived"] } else { &[] };
            prop_assert_eq!(&item.keywords, keywords, "{}", body);
            prop_assert!(item.answer_html.matches("keywords:").count() <= comments.saturating_sub(1), "{}", body);
        }
    }

    /// A how-to's steps are the items of its first numbered list, in order.
    #[test]
    fn howto_steps_are_the_first_numbered_list(
        intro in vec(vec(prose(), 1..3).prop_map(|lines| lines.join("\n")), 0..3),
        start in 1..20u32,
        steps in vec(vec(word(), 1..6).prop_map(|w| w.join(" ")), 1..8),
        after in vec(answer_block(), 0..3),
    ) {
        let list: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(n, text)| format!("{}. {text}", start as usize + n))
            .collect();
        let body = format!("{}\n\n{}\n\n{}", intro.join("\n\n"), list.join("\n"), after.join("\n\n"));
        let rendered = render(&body, Kind::HowTo, false);
        let found: Vec<&str> = rendered.steps.iter().map(|step| step.text.as_str()).collect();
        let written: Vec<&str> = steps.iter().map(String::as_str).collect();
        prop_assert_eq!(found, written, "{}", body);
    }
}
