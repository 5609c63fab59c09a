use super::*;

fn messages(text: &str) -> Vec<String> {
    split("a.md", text)
        .1
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn toml_front_matter_with_all_keys() {
    let text = "+++\ntitle = \"Refunds\"\nkind = \"faq\"\ntags = [\"money\"]\nweight = 2\ndate = 2025-03-14\naliases = [\"old/refunds\"]\nid = 7\n+++\nBody\n";
    let (split, problems) = split("a.md", text);
    assert!(problems.is_empty(), "{problems:?}");
    let split = split.unwrap();
    let fm = split.front_matter;
    assert_eq!(fm.title.as_deref(), Some("Refunds"));
    assert_eq!(fm.kind.as_deref(), Some("faq"));
    assert_eq!(fm.date.as_deref(), Some("2025-03-14"));
    assert_eq!(fm.aliases, vec!["/old/refunds/"]);
    assert_eq!(fm.extra.get("id"), Some(&Value::from(7)));
    assert_eq!(&text[split.body_offset..], "Body\n");
}

#[test]
fn yaml_front_matter_with_dates_and_extra() {
    let text = "---\ntitle: \"Cloud Support\"\nid: 9347128757660\ndate: 2024-09-12\ntags: [\"a\", \"b\"]\n---\n\nHello";
    let (split, problems) = split("a.md", text);
    assert!(problems.is_empty(), "{problems:?}");
    let fm = split.unwrap().front_matter;
    assert_eq!(fm.title.as_deref(), Some("Cloud Support"));
    assert_eq!(fm.date.as_deref(), Some("2024-09-12"));
    assert_eq!(fm.tags, vec!["a", "b"]);
    assert!(fm.extra.contains_key("id"));
}

#[test]
fn near_miss_key_is_reported_with_its_line() {
    assert_eq!(
        messages("+++\ndescription = \"x\"\ntitel = \"Refunds\"\n+++\n"),
        vec!["a.md:3:1: error: unknown front matter key `titel`\n  help: did you mean `title`?"]
    );
}

#[test]
fn wrong_kind_and_bad_date_are_both_reported() {
    let found = messages("+++\ntitle = \"x\"\nkind = \"FAQ\"\ndate = \"14.03.2025\"\n+++\n");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains("a.md:3:1: error: unknown kind `FAQ`"),
        "{found:?}"
    );
    assert!(found[0].contains("write kind = \"faq\""), "{found:?}");
    assert!(
        found[1].contains("a.md:4:1: error: `date` must be a date like 2025-03-14"),
        "{found:?}"
    );
}

#[test]
fn toml_syntax_error_points_into_the_file() {
    let found = messages("+++\ntitle = \"x\"\nweight = = 3\n+++\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("a.md:3:"), "{found:?}");
}

#[test]
fn yaml_syntax_error_points_into_the_file() {
    let found = messages("---\ntitle: x\ntags: [a, b\n---\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("a.md:"), "{found:?}");
    assert!(!found[0].starts_with("a.md:1:"), "{found:?}");
}

#[test]
fn missing_and_unclosed_front_matter() {
    assert!(messages("Just text")[0].contains("missing front matter"));
    assert!(messages("+++\ntitle = \"x\"\n")[0].contains("front matter is not closed"));
}

#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    let text = format!(
        "---\ntitle: Deep\nextra: {}\n---\nBody\n",
        "[".repeat(1_000)
    );
    let (split, problems) = split("a.md", &text);
    assert_eq!(
        problems.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        vec![
            "a.md:3:39: error: front matter nests lists and tables more than 32 levels deep\n  help: flatten it; if the value is text, put it in quotes (`extra: \"[[…\"`)"
        ]
    );
    assert_eq!(&text[split.unwrap().body_offset..], "Body\n");
}

#[test]
fn brackets_inside_quoted_yaml_text_are_only_text() {
    let brackets = "[".repeat(100);
    let text = format!("---\ntitle: \"Use {brackets} here\"\ntags: ['{brackets}']\n---\n");
    let (split, problems) = split("a.md", &text);
    assert!(problems.is_empty(), "{problems:?}");
    let fm = split.unwrap().front_matter;
    assert_eq!(fm.title, Some(format!("Use {brackets} here")));
    assert_eq!(fm.tags, vec![brackets]);
}

#[test]
fn oversized_front_matter_is_refused_unread() {
    // About 70,000 bytes between the fences either way.
    for text in [
        format!(
            "+++\ntitle = \"x\"\n{}+++\nBody\n",
            "k = \"x\"\n".repeat(8_750)
        ),
        format!("---\ntitle: \"x\"\n{}---\nBody\n", "k: x\n".repeat(14_000)),
    ] {
        let fence = &text[..3];
        assert_eq!(
            messages(&text),
            vec![format!(
                "a.md:1:1: error: front matter is 69 KB long; the limit is 64 KB\n  help: front matter holds the title and a few short keys; put long text in the article, below the closing `{fence}`"
            )]
        );
    }
}

#[test]
fn iso_dates() {
    assert_eq!(iso_date("2025-03-14").as_deref(), Some("2025-03-14"));
    assert_eq!(
        iso_date("2025-03-14T10:00:00Z").as_deref(),
        Some("2025-03-14")
    );
    assert_eq!(iso_date("2025-13-14"), None);
    assert_eq!(iso_date("14.03.2025"), None);
    assert_eq!(iso_date("2025-03-14x"), None);
}
