use super::labels::tests::shipped;
use super::*;

/// Rewrites `x.md` links to `/x/` and reports `missing.md`; everything else is kept.
struct FakeSite;

impl Resolve for FakeSite {
    fn resolve(&self, dest: &str, _is_image: bool) -> Resolution {
        if let Some(anchor) = dest.strip_prefix('#') {
            return Resolution::Page {
                url: dest.to_string(),
                target: PageRef::Article(0),
                anchor: Some(anchor.to_string()),
            };
        }
        match dest.split_once('#') {
            _ if dest.starts_with("missing") => Resolution::Problem {
                severity: Severity::Error,
                message: "link to `missing.md`, which does not exist".into(),
                help: "fix it".into(),
            },
            Some(("x.md", anchor)) => Resolution::Page {
                url: format!("/x/#{anchor}"),
                target: PageRef::Article(1),
                anchor: Some(anchor.to_string()),
            },
            None if dest == "x.md" => Resolution::Page {
                url: "/x/".into(),
                target: PageRef::Article(1),
                anchor: None,
            },
            _ => Resolution::Keep,
        }
    }
}

fn render_kind(body: &str, kind: Kind) -> Rendered {
    render(
        body,
        RenderOptions {
            kind,
            title: "Refunds",
            labels: &shipped("en"),
            mdx: false,
        },
        &FakeSite,
    )
}

#[test]
fn faq_questions_become_items_with_stable_anchors() {
    let r = render_kind(
        "Intro text.\n\n## How long does a refund take?\n\nUp to **14 days**.\n\n## Can I get cash?\n\nNo.\n",
        Kind::Faq,
    );
    assert_eq!(r.html, "<p>Intro text.</p>\n");
    assert_eq!(r.faq.len(), 2);
    assert_eq!(r.faq[0].id, "how-long-does-a-refund-take");
    assert_eq!(r.faq[0].question, "How long does a refund take?");
    assert_eq!(
        r.faq[0].answer_html,
        "<p>Up to <strong>14 days</strong>.</p>\n"
    );
    assert_eq!(r.faq[0].answer_text, "Up to 14 days.");
    assert_eq!(r.faq[1].id, "can-i-get-cash");
}

#[test]
fn russian_and_estonian_headings_get_readable_anchors() {
    let r = render_kind(
        "## Как вернуть товар?\n\nТак.\n\n## Kuidas tühistada?\n\nNii.\n",
        Kind::Faq,
    );
    assert_eq!(r.faq[0].id, "kak-vernut-tovar");
    assert_eq!(r.faq[1].id, "kuidas-tuhistada");
}

#[test]
fn howto_first_ordered_list_is_the_steps() {
    let r = render_kind(
        "Before you start.\n\n1. Open **Orders**.\n2. Choose the item.\n   - a detail\n3. Print the label.\n\n## After\n\n1. Not a step.\n",
        Kind::HowTo,
    );
    assert_eq!(r.steps.len(), 3);
    assert_eq!(r.steps[0].text, "Open Orders.");
    assert!(r.html.contains("<ol class=\"howto-steps\">"), "{}", r.html);
    assert_eq!(r.html.matches("howto-steps").count(), 1);
}

#[test]
fn howto_without_list_uses_step_headings() {
    let r = render_kind(
        "## Step 1: Pack\n\nText\n\n## Step 2: Ship\n\nText\n",
        Kind::HowTo,
    );
    assert_eq!(
        r.steps.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
        ["Step 1: Pack", "Step 2: Ship"]
    );
}

#[test]
fn gfm_features_render() {
    let r = render_kind(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ price[^1]\n\n- [x] done\n- [ ] todo\n\n[^1]: Footnote.\n",
        Kind::Article,
    );
    assert!(r.html.contains("<table>"), "{}", r.html);
    assert!(r.html.contains("<del>old</del>"), "{}", r.html);
    assert!(r.html.contains("type=\"checkbox\""), "{}", r.html);
    assert!(r.html.contains("footnote-definition"), "{}", r.html);
}

#[test]
fn callouts_become_labelled_boxes() {
    let r = render_kind("> [!WARNING]\n> Do not wash hot.\n", Kind::Article);
    assert!(r.html.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"), "{}", r.html);
    assert!(
        r.html.contains("<p>Do not wash hot.</p>\n</div>"),
        "{}",
        r.html
    );
    let ru = render(
        "> [!TIP]\n> Совет.\n",
        RenderOptions {
            kind: Kind::Article,
            title: "x",
            labels: &shipped("ru"),
            mdx: false,
        },
        &FakeSite,
    );
    assert!(ru.html.contains(">Совет</p>"), "{}", ru.html);
}

#[test]
fn callout_and_video_labels_are_the_tables_words() {
    let table: toml::Table = toml::from_str(
        "video_play = \"Watch <now>\"\ncallout_tip = \"Good to know\"\ncallout_caution = \"Careful\"",
    )
    .unwrap();
    let labels = Labels::from_strings(|key| table.get(key).and_then(|v| v.as_str()));
    let r = render(
        "> [!TIP]\n> Soon.\n\n> [!CAUTION]\n> Hot.\n\nhttps://vimeo.com/76979871\n",
        RenderOptions {
            kind: Kind::Article,
            title: "x",
            labels: &labels,
            mdx: false,
        },
        &FakeSite,
    );
    assert!(
        r.html
            .contains("<p class=\"callout-title\">Good to know</p>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<p class=\"callout-title\">Careful</p>"),
        "{}",
        r.html
    );
    assert!(r.html.contains(">Watch &lt;now&gt;</a>"), "{}", r.html);
}

#[test]
fn bare_video_link_on_its_own_line_is_embedded() {
    let r = render_kind(
        "Watch:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nDone.\n",
        Kind::Article,
    );
    assert!(r.html.contains("class=\"video-link\""), "{}", r.html);
    let inline = render_kind(
        "See https://www.youtube.com/watch?v=dQw4w9WgXcQ for more.\n",
        Kind::Article,
    );
    assert!(
        !inline.html.contains("video-link"),
        "a link inside a sentence stays text: {}",
        inline.html
    );
}

#[test]
fn links_are_resolved_and_anchor_refs_recorded() {
    let body = "See [x](x.md#faq) and [gone](missing.md) and [top](#intro).\n\n## Intro\n";
    let r = render_kind(body, Kind::Article);
    assert!(r.html.contains("href=\"/x/#faq\""), "{}", r.html);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].offset, body.find("[gone]").unwrap());
    assert_eq!(r.anchor_refs.len(), 2);
    assert!(r.anchors.contains("intro"));
}

#[test]
fn leading_title_heading_is_dropped_and_toc_collected() {
    let r = render_kind("# Refunds\n\n## One\n\n### Two\n\n## One\n", Kind::Article);
    assert!(!r.html.contains("<h1"), "{}", r.html);
    let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["one", "two", "one-1"]);
}

#[test]
fn explicit_heading_ids_and_html_anchors_are_kept() {
    let r = render_kind(
        "## Setup {#setup-guide}\n\n<a name=\"legacy\"></a>\n",
        Kind::Article,
    );
    assert!(r.html.contains("id=\"setup-guide\""), "{}", r.html);
    assert!(r.anchors.contains("legacy"));
}

#[test]
fn mdx_components_are_reported_and_dropped() {
    let r = render(
        "<Note>Double-check the file.</Note>\n",
        RenderOptions {
            kind: Kind::Article,
            title: "x",
            labels: &shipped("en"),
            mdx: true,
        },
        &FakeSite,
    );
    assert!(!r.html.contains("<Note"), "{}", r.html);
    assert!(r.html.contains("Double-check the file."), "{}", r.html);
    assert_eq!(r.problems.len(), 1);
    assert!(r.problems[0].message.contains("`<Note>`"));
}

#[test]
fn empty_faq_is_a_warning() {
    let r = render_kind("Only text.\n", Kind::Faq);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].severity, Severity::Warning);
}

#[test]
fn escape_handles_every_special_character_and_unicode() {
    assert_eq!(escape("plain Возврат"), "plain Возврат");
    assert_eq!(
        escape("a<b>&\"c\"'d'"),
        "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;"
    );
    assert_eq!(escape("ё<"), "ё&lt;");
    assert_eq!(escape(""), "");
}

#[test]
fn a_video_before_the_questions_keeps_faq_items_intact() {
    let r = render_kind(
        "Watch:\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n## First question?\n\nFirst answer.\n\n## Second question?\n\nSecond answer.\n",
        Kind::Faq,
    );
    assert!(r.html.contains("video-link"), "{}", r.html);
    assert_eq!(r.faq.len(), 2);
    assert_eq!(r.faq[0].answer_text, "First answer.");
    assert_eq!(r.faq[1].answer_text, "Second answer.");
}

#[test]
fn sections_become_passages_for_search() {
    let r = render_kind(
        "Intro.\n\n## Prices\n\nFrom 2.99 €.\n\n## Times\n\nTwo days.\n",
        Kind::Article,
    );
    assert_eq!(r.intro_text, "Intro.");
    assert_eq!(r.passages.len(), 2);
    assert_eq!(r.passages[1].anchor, "times");
    assert_eq!(r.passages[1].text, "Two days.");
}

#[test]
fn a_heading_never_takes_a_footnotes_id() {
    // A footnote's id is its label: a `## Note` anchored `note` would catch its back link.
    let r = render_kind(
        "## Note\n\nSee the terms.[^note]\n\n[^note]: Terms apply.\n",
        Kind::Article,
    );
    assert!(r.html.contains("<h2 id=\"note-1\">Note</h2>"), "{}", r.html);
    assert_eq!(r.html.matches("id=\"note\"").count(), 1, "{}", r.html);
}

#[test]
fn a_heading_inside_a_list_is_no_faq_question() {
    // Splitting the FAQ there left the list open in the intro and closed it in the answer.
    let r = render_kind(
        "- ## Refunds\n\n## How long does a refund take?\n\nFourteen days.\n",
        Kind::Faq,
    );
    assert_eq!(
        r.html,
        "<ul>\n<li>\n<h2 id=\"refunds\">Refunds</h2>\n</li>\n</ul>\n"
    );
    let questions: Vec<&str> = r.faq.iter().map(|item| item.question.as_str()).collect();
    assert_eq!(questions, ["How long does a refund take?"]);
    assert_eq!(r.faq[0].answer_html, "<p>Fourteen days.</p>\n");
}

#[test]
fn script_links_and_images_lose_their_address_and_keep_their_text() {
    let body = "Try [this](javascript:alert(1)), <jaVAscript:alert(2)> and ![a cat](vbscript:x).\n";
    let r = render_kind(body, Kind::Article);
    assert_eq!(
        r.html, "<p>Try this, jaVAscript:alert(2) and a cat.</p>\n",
        "nothing left to click"
    );
    let offsets: Vec<usize> = r.problems.iter().map(|p| p.offset).collect();
    assert_eq!(
        offsets,
        [
            body.find("[this]").unwrap(),
            body.find("<jaVA").unwrap(),
            body.find("![a cat]").unwrap()
        ]
    );
    assert!(r.problems.iter().all(|p| p.severity == Severity::Warning));
    assert_eq!(
        r.problems[0].message,
        "link to `javascript:alert(1)` removed (its text is kept): `javascript:` addresses are not allowed"
    );
}

#[test]
fn raw_html_split_across_markdown_is_cleaned_as_one_page() {
    let r = render_kind(
        "Press <kbd>Ctrl</kbd>.\n\n<details>\n<summary onclick=\"x()\">More</summary>\n\nMarkdown **inside**.\n\n</details>\n\n<script>alert(1)</script>\n\n- [x] done\n- [ ] open\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n> [!TIP]\n> Kept.\n",
        Kind::Article,
    );
    assert_eq!(
        r.html,
        "<p>Press <kbd>Ctrl</kbd>.</p>\n<details>\n<summary>More</summary>\n<p>Markdown <strong>inside</strong>.</p>\n</details>\n\n<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone</li>\n<li><input disabled=\"\" type=\"checkbox\"/>\nopen</li>\n</ul>\n<div class=\"video\"><a class=\"video-link\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" data-embed=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1\">Play video</a></div>\n<div class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Tip</p>\n<p>Kept.</p>\n</div>\n"
    );
    let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "attribute `onclick` removed from `<summary>`: event handler attributes are not allowed",
            "HTML tag `<script>` removed with its content"
        ]
    );
}

#[test]
fn a_script_left_open_takes_only_its_own_line_with_it() {
    // Left open, a browser's parser (and the cleaning's) would read the rest of the article as
    // the script's text; the headings after it would be in the table of contents and the
    // search index but not on the page. The same for a style left open inside a list. (A
    // block that starts with `<script` runs to its `</script>` in Markdown itself.)
    for (open, kind) in [
        ("Paste <script src=\"x.js\"> in the page.", "script"),
        ("- <style>p { color: red }", "style"),
    ] {
        let r = render_kind(
            &format!("{open}\n\n## Refunds\n\nWithin **14 days**.\n"),
            Kind::Article,
        );
        assert!(
            r.html.contains("<h2 id=\"refunds\">")
                && r.html.contains("Within <strong>14 days</strong>."),
            "{kind}: {}",
            r.html
        );
        assert!(!r.html.contains(kind), "{kind} removed: {}", r.html);
        let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [format!("HTML tag `<{kind}>` removed with its content")],
            "{kind}"
        );
    }
}

#[test]
fn faq_answers_with_raw_html_are_cleaned_each_on_its_own() {
    let r = render_kind(
        "## Can I pay later?\n\nYes, <b>within 14 days<img src=x onerror=alert(1)>.\n\n## Cash?\n\nNo.\n",
        Kind::Faq,
    );
    assert_eq!(
        r.faq[0].answer_html, "<p>Yes, <b>within 14 days<img src=\"x\">.</b></p><b>\n</b>",
        "unclosed tags end with their answer"
    );
    assert_eq!(r.faq[1].answer_html, "<p>No.</p>\n");
}

#[test]
fn only_local_videos_become_players() {
    let body = "https://cdn.example/clip.mp4\n\njavascript:alert(1)//clip.mp4\n\nclip.mp4\n";
    let r = render_kind(body, Kind::Article);
    assert_eq!(r.html.matches("<video").count(), 1, "{}", r.html);
    assert!(
        r.html
            .contains("<video controls preload=\"none\" src=\"clip.mp4\">")
    );
    assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
    assert_eq!(
        r.problems[0].message,
        "video `https://cdn.example/clip.mp4` is not embedded: videos play only from this help center's own files, YouTube or Vimeo"
    );
    assert_eq!(r.problems[1].offset, body.find("javascript").unwrap());
}

#[test]
fn html_nested_too_deep_is_an_error_and_left_out() {
    let body = format!("Intro.\n\n{}\n\nAfter.\n", "<div>".repeat(200));
    let r = render_kind(&body, Kind::Article);
    assert_eq!(r.html, "<p>Intro.</p>\n\n<p>After.</p>\n");
    let errors: Vec<&Problem> = r
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", r.problems);
    assert_eq!(errors[0].message, "HTML elements nested more than 128 deep");
}
