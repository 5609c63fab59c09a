use super::*;

#[test]
fn phrases_and_exclusions() {
    let p = parse("\"money back\" refund -gift");
    assert_eq!(
        p.phrases,
        vec![vec!["money".to_string(), "back".to_string()]]
    );
    assert_eq!(p.words, ["refund"]);
    assert_eq!(p.excluded, ["gift"]);
}

#[test]
fn syntax_characters_are_plain_text() {
    let p = parse("title:refund* (card) ~x \"unbalanced");
    assert_eq!(p.words, ["title", "refund", "card", "x", "unbalanced"]);
    assert!(p.phrases.is_empty());
    assert!(p.excluded.is_empty());
}

#[test]
fn trailing_space_means_the_last_word_is_finished() {
    assert!(parse("refu").last_is_prefix);
    assert!(!parse("refund ").last_is_prefix);
    assert!(!parse("\"money back\"").last_is_prefix);
}

#[test]
fn repeats_are_merged_and_a_long_query_is_capped() {
    let p = parse(&"\"the to\" ".repeat(28));
    assert_eq!(p.phrases, vec![vec!["the".to_string(), "to".to_string()]]);
    assert!(!p.capped, "repeats are merged, nothing is left out");
    let words: Vec<String> = (0..14).map(|n| format!("word{n}")).collect();
    let p = parse(&format!("{} word0 -a -b -c -d -e -f -g", words.join(" ")));
    assert_eq!(p.words.len(), MAX_WORDS);
    assert_eq!(p.words[0], "word0");
    assert_eq!(p.excluded.len(), MAX_EXCLUDED);
    assert!(p.capped);
    // The unfinished last word was left out: no other word is taken as unfinished.
    let p = parse(&words.join(" "));
    assert!(!p.last_is_prefix);
    assert!(parse("refu").last_is_prefix);
}

#[test]
fn a_bound_first_part_leaves_the_known_second_part_standing_for_the_word() {
    let lexicon = Lexicon::new(vec![("продление".into(), 3), ("самовывоз".into(), 2)]);
    let found = |word: &str| -> Vec<(String, &str)> {
        let folded = fold(word).into_owned();
        let known = lexicon.contains(&folded);
        expansions(word, &folded, known, &lexicon, false, 1)
            .into_iter()
            .map(|(w, _, how)| (w, how))
            .collect()
    };
    assert!(found("автопродление").contains(&("продление".into(), "compound")));
    // A word the help center has is searched as it is.
    assert_eq!(found("самовывоз"), vec![("самовывоз".into(), "word")]);
    // The rest must be a word of four letters or more.
    assert!(!found("автопро").iter().any(|(_, how)| *how == "compound"));
}

#[test]
fn a_lone_dash_is_not_an_exclusion() {
    let p = parse("a - b");
    assert!(p.excluded.is_empty());
    assert_eq!(p.words, ["a", "b"]);
}
