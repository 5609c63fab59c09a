use super::*;

#[test]
fn the_built_in_file_parses_and_has_every_language() {
    let parsed: BTreeMap<String, LanguageSource> =
        toml::from_str(BUILT_IN).expect("vocabulary.toml parses");
    for lang in ["en", "ru", "et"] {
        let source = &parsed[lang];
        assert!(!source.phrasing.is_empty(), "{lang} has phrasings");
        for phrasing in &source.phrasing {
            assert!(
                !phrasing.means.is_empty(),
                "{lang}: {:?} means something",
                phrasing.asks
            );
            for asks in &phrasing.asks {
                for slot in asks.split(['|', ' ', '?']).filter(|t| t.starts_with('{')) {
                    let name = slot.trim_matches(['{', '}']);
                    assert!(
                        source.slots.contains_key(name),
                        "{lang}: unknown slot {slot} in {asks:?}"
                    );
                }
            }
        }
        assert!(
            source.phrasing.iter().any(|p| p.support),
            "{lang} has a way to ask for a person"
        );
    }
}

fn find(query: &str, lang: &str) -> Option<(String, Vec<String>)> {
    let vocabulary = Vocabulary::new(true, &[], "en");
    let words = lowered(query);
    let analyzer = Analyzer::for_lang(lang);
    (0..words.len()).find_map(|at| {
        vocabulary
            .find(lang, &words, at, &analyzer, words.len() == 1, &|_| false)
            .map(|found| (found.phrasing.means[0].join(" "), found.slot_words))
    })
}

#[test]
fn phrasings_match_with_typos_other_endings_and_optional_words() {
    assert_eq!(
        find("wheres my pakage", "en"),
        Some(("track order".into(), vec!["pakage".into()]))
    );
    assert_eq!(
        find("where my parcel", "en"),
        Some(("track order".into(), vec!["parcel".into()]))
    );
    assert_eq!(
        find("где моя посылка", "ru"),
        Some(("отследить заказ".into(), vec!["посылка".into()]))
    );
    assert_eq!(
        find("kus on minu pakk", "et"),
        Some(("tellimust jälgida".into(), vec!["pakk".into()]))
    );
    assert_eq!(find("where is my invoice", "en"), None);
}

#[test]
fn a_phrasing_passes_over_a_few_stop_words_it_does_not_have() {
    // "kus {order} on" with "mu" between.
    assert_eq!(
        find("kus mu pakk on", "et"),
        Some(("tellimust jälgida".into(), vec!["pakk".into()]))
    );
    // Content words are never passed over, nor more than two stop words.
    assert_eq!(find("kus vana pakk on", "et"), None);
    assert_eq!(find("wrong shoe address", "en"), None);
    assert_eq!(
        find("wrong the address", "en").map(|f| f.0),
        Some("change delivery address".into())
    );
    assert_eq!(find("wrong the a my address", "en"), None);
}

/// The phrasing found by comparing the query with every phrasing in turn: what the tree
/// walk must agree with.
fn found_one_by_one(
    vocabulary: &Vocabulary,
    lang: &str,
    rest: &[String],
    analyzer: &Analyzer,
    is_alone: bool,
    is_known: &dyn Fn(&str) -> bool,
) -> Option<(usize, Vec<usize>)> {
    let first = rest.first()?;
    let same = |want: &str, want_stem: &str, typed: &str| {
        let folded = fold(typed);
        want_stem == analyzer.stem(typed)
            || (!is_known(&folded)
                && within_typos(
                    &fold(want).chars().collect::<Vec<_>>(),
                    &folded.chars().collect::<Vec<_>>(),
                ))
    };
    let place = |p: &Phrasing| -> Option<Vec<usize>> {
        if !same(&p.words[0], &p.stems[0], first) {
            return None;
        }
        let (mut at, mut next, mut skipped) = (vec![0], 1, 0);
        for i in 1..p.words.len() {
            loop {
                let typed = rest.get(next)?;
                if p.words[i] == *typed || same(&p.words[i], &p.stems[i], typed) {
                    at.push(next);
                    next += 1;
                    break;
                }
                if skipped == SKIPPED || !is_stop_word(typed) {
                    return None;
                }
                skipped += 1;
                next += 1;
            }
        }
        Some(at)
    };
    vocabulary
        .phrasings(lang)
        .iter()
        .enumerate()
        .filter(|(_, p)| p.words.len() > 1 || is_alone)
        .filter_map(|(n, p)| Some((n, place(p)?)))
        .max_by_key(|(n, at)| (at.len(), *n))
}

#[test]
fn the_tree_walk_finds_what_comparing_every_phrasing_finds() {
    let vocabulary = Vocabulary::new(true, &[], "en");
    let mut compared = 0;
    let mut found = 0;
    for lang in ["en", "ru", "et"] {
        let analyzer = Analyzer::for_lang(lang);
        let phrasings = vocabulary.phrasings(lang);
        // Queries made from the phrasings themselves: as written, with a stop word put
        // in, with a typo in the last word, with a word before, and cut short.
        for phrasing in phrasings.iter().step_by(29) {
            let words = &phrasing.words;
            let mut queries = vec![words.clone()];
            let mut with_stop = words.clone();
            with_stop.insert(1.min(words.len()), "the".into());
            queries.push(with_stop);
            let mut typo = words.clone();
            if let Some(last) = typo.last_mut()
                && last.chars().count() > 4
            {
                let second = last.char_indices().nth(1).map_or(0, |(i, _)| i);
                last.insert(second, 'x');
            }
            queries.push(typo);
            let mut before = vec!["please".to_string()];
            before.extend(words.iter().cloned());
            queries.push(before);
            queries.push(words[..words.len().div_ceil(2)].to_vec());
            for query in queries {
                for at in 0..query.len().min(2) {
                    for known in [true, false] {
                        let is_known = |w: &str| known && w.len() > 3;
                        let walked = vocabulary
                            .find(lang, &query, at, &analyzer, query.len() == 1, &is_known)
                            .map(|f| {
                                let n = phrasings
                                    .iter()
                                    .position(|p| std::ptr::eq(p, f.phrasing))
                                    .expect("a phrasing of the language");
                                (n, f.len)
                            });
                        let compared_each = found_one_by_one(
                            &vocabulary,
                            lang,
                            &query[at..],
                            &analyzer,
                            query.len() == 1,
                            &is_known,
                        )
                        .map(|(n, at)| (n, at.last().map_or(1, |l| l + 1)));
                        assert_eq!(walked, compared_each, "{lang}: {query:?} from {at}");
                        compared += 1;
                        found += usize::from(walked.is_some());
                    }
                }
            }
        }
    }
    assert!(
        compared > 2_000 && found > compared / 8,
        "{found} of {compared}"
    );
}

#[test]
fn a_one_word_phrasing_counts_only_alone() {
    assert_eq!(find("human", "en").map(|f| f.0), Some("contact us".into()));
    assert_eq!(find("human resources policy", "en"), None);
}

#[test]
fn a_help_center_adds_its_own_and_may_switch_the_built_in_off() {
    let own = [PhrasingSource {
        asks: vec!["gift wrap|wrapping".into()],
        means: vec!["packaging".into()],
        ..PhrasingSource::default()
    }];
    let off = Vocabulary::new(false, &own, "en");
    assert_eq!(off.phrasings("en").len(), 2);
    assert!(off.phrasings("ru").is_empty());
    assert!(off.synonyms().is_empty());
    let on = Vocabulary::new(true, &own, "en");
    assert!(on.phrasings("en").len() > 2);
}
