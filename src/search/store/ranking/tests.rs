use super::write::idf;
use super::*;

fn ranking(articles: &[(&str, &str, &str)]) -> ArticleRanking {
    let counted: Vec<Counted> = articles
        .iter()
        .enumerate()
        .map(|(n, (title, topics, text))| count(title, &[topics], text, 2.0, vec![n as u32]))
        .collect();
    ArticleRanking::open(OwnedBytes::new(encode(&counted))).expect("opens")
}

fn weights(ranking: &ArticleRanking, stem: &str, part: Part) -> Vec<(u32, f32)> {
    let scale = ranking.scale(part);
    let mut out = Vec::new();
    ranking.for_each_units(stem, part, |a, units| {
        out.push((a, f32::from(units) * scale))
    });
    out
}

/// Articles counted as `ranking` counts them (article n's topic is document n).
fn counted(articles: &[(&str, &str, &str)]) -> Vec<Counted> {
    articles
        .iter()
        .enumerate()
        .map(|(n, (title, topics, text))| count(title, &[topics], text, 2.0, vec![n as u32]))
        .collect()
}

const SHOP: [(&str, &str, &str); 5] = [
    ("refund", "money", "refund card refund money"),
    ("parcel", "refund", "parcel refund late"),
    ("parcel track", "", "parcel track number"),
    ("gift card", "card", "gift card balance card"),
    ("account", "password", "account password reset"),
];

#[test]
fn an_article_replaced_by_itself_gives_the_same_file() {
    let counted = counted(&SHOP);
    let bytes = encode(&counted);
    let old = ArticleRanking::open(OwnedBytes::new(bytes.clone())).expect("opens");
    for a in 0..SHOP.len() {
        let same = replace_article(&old, a as u32, &counted[a], &counted[a], averages(&counted));
        assert!(
            same == bytes,
            "article {a} replaced by itself changed the file"
        );
    }
}

#[test]
fn a_replaced_article_is_found_by_its_new_words_only_and_the_others_keep_theirs() {
    let before = counted(&SHOP);
    let old = ArticleRanking::open(OwnedBytes::new(encode(&before))).expect("opens");
    let mut after = SHOP;
    after[1] = (
        "parcel courier",
        "delivery",
        "parcel courier delivery tuesday",
    );
    let new = || count(after[1].0, &[after[1].1], after[1].2, 2.0, vec![7]);
    let mut expected = counted(&after);
    expected[1] = new();
    let new = new();
    let bytes = replace_article(&old, 1, &before[1], &new, averages(&before));
    let replaced = ArticleRanking::open(OwnedBytes::new(bytes)).expect("opens");
    let full = ArticleRanking::open(OwnedBytes::new(encode(&expected))).expect("opens");
    assert_eq!(replaced.articles(), 5);
    assert_eq!(replaced.document(1, 0), Some(7));
    assert_eq!(replaced.document(2, 0), Some(2));
    for stem in ["tuesday", "courier", "delivery"] {
        for part in [Part::Title, Part::Topics, Part::Text] {
            let ids = |r: &ArticleRanking| -> Vec<u32> {
                weights(r, stem, part).iter().map(|(a, _)| *a).collect()
            };
            assert_eq!(ids(&replaced), ids(&full), "{stem} in {part:?}");
        }
    }
    assert!(
        weights(&replaced, "late", Part::Text).is_empty(),
        "a word only the old version had"
    );
    assert_eq!(
        weights(&replaced, "refund", Part::Text)
            .iter()
            .map(|(a, _)| *a)
            .collect::<Vec<_>>(),
        [0]
    );
    // Every other article keeps its weights exactly; the new one's are the full build's
    // but for the statistics, which an update does not work out again.
    for stem in [
        "refund", "parcel", "card", "track", "gift", "money", "password",
    ] {
        for part in [Part::Title, Part::Topics, Part::Text] {
            let kept: Vec<(u32, f32)> = weights(&old, stem, part)
                .into_iter()
                .filter(|(a, _)| *a != 1)
                .collect();
            let now: Vec<(u32, f32)> = weights(&replaced, stem, part)
                .into_iter()
                .filter(|(a, _)| *a != 1)
                .collect();
            assert_eq!(now, kept, "{stem} in {part:?}");
        }
    }
    for part in [Part::Title, Part::Text] {
        let parcel = |r: &ArticleRanking| {
            weights(r, "parcel", part)
                .into_iter()
                .find(|(a, _)| *a == 1)
                .map(|(_, w)| w)
                .expect("the replaced article holds \"parcel\"")
        };
        let (now, full) = (parcel(&replaced), parcel(&full));
        assert!(
            (now - full).abs() < full * 0.25,
            "{part:?}: {now} against {full}"
        );
    }
}

#[test]
fn weights_are_bm25_of_each_part() {
    let r = ranking(&[
        ("refund", "", "refund card refund"),
        ("parcel", "refund", "parcel refund"),
        ("parcel", "", "parcel"),
    ]);
    assert_eq!(r.articles(), 3);
    // Text: "refund" in articles 0 (twice in 3 words) and 1 (once in 2); average length 2.
    let n = 3.0;
    let idf = idf(n, 2.0);
    let bm25 = |tf: f32, len: f32| idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / 2.0));
    let text = weights(&r, "refund", Part::Text);
    assert_eq!(text.iter().map(|(a, _)| *a).collect::<Vec<_>>(), [0, 1]);
    for ((_, got), want) in text.iter().zip([bm25(2.0, 3.0), bm25(1.0, 2.0)]) {
        assert!((got - want).abs() < want / 1000.0, "{got} vs {want}");
    }
    assert_eq!(weights(&r, "refund", Part::Title).len(), 1);
    assert_eq!(weights(&r, "refund", Part::Topics)[0].0, 1);
    assert!(weights(&r, "absent", Part::Text).is_empty());
}

#[test]
fn a_question_matching_word_for_word_counts_fully_among_many() {
    let faq = [
        "how long refund take",
        "where parcel",
        "who pay ship",
        "can exchang",
    ];
    let counted = [
        count("faq", &faq, "faq", 4.0, vec![0, 1, 2, 3]),
        count(
            "refund polici",
            &["how long it take reach you"],
            "refund polici",
            4.0,
            vec![4],
        ),
    ];
    let r = ArticleRanking::open(OwnedBytes::new(encode(&counted))).expect("opens");
    let topics = weights(&r, "long", Part::Topics);
    // The FAQ's 4-word question weighs "long" more than the other's 6-word heading does,
    // however many other questions the FAQ has.
    assert_eq!(topics.iter().map(|(a, _)| *a).collect::<Vec<_>>(), [0, 1]);
    assert!(topics[0].1 > topics[1].1, "{topics:?}");
    // Each topic stands for its document.
    assert_eq!(r.document(0, 0), Some(0));
    assert_eq!(r.document(0, 3), Some(3));
    assert_eq!(r.document(1, 0), Some(4));
    assert_eq!(r.document(0, 4), None);
}

#[test]
fn the_text_list_is_every_article_with_the_word_anywhere() {
    // The text holds every word of the article, topics and title included.
    let r = ranking(&[("a", "", "a x"), ("b", "", "b"), ("c x", "x", "c x x")]);
    let holders: Vec<u32> = weights(&r, "x", Part::Text)
        .iter()
        .map(|(a, _)| *a)
        .collect();
    assert_eq!(holders, [0, 2]);
    assert_eq!(weights(&r, "x", Part::Title).len(), 1);
}

#[test]
fn article_ids_past_one_varint_byte_read_back() {
    let many: Vec<(&str, &str, &str)> = (0..300)
        .map(|i| {
            if i % 97 == 0 {
                ("t", "", "rare t")
            } else {
                ("t", "", "t")
            }
        })
        .collect();
    let r = ranking(&many);
    let holders: Vec<u32> = weights(&r, "rare", Part::Text)
        .iter()
        .map(|(a, _)| *a)
        .collect();
    assert_eq!(holders, [0, 97, 194, 291]);
}

#[test]
fn an_articles_topics_are_found_through_the_blocks_as_by_bisecting() {
    // Articles with none, one or several questions holding "refund", in runs longer and
    // shorter than a block, and an empty block in between.
    let topics: Vec<Vec<String>> = (0..100u32)
        .map(|a| match a % 7 {
            _ if (40..60).contains(&a) => vec!["delivery".to_string()],
            0 | 3 => vec!["refund card".to_string(), "delivery refund".to_string()],
            5 => vec!["delivery".to_string(), "refund".to_string()],
            _ => vec!["delivery".to_string()],
        })
        .collect();
    let counted: Vec<Counted> = topics
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let t: Vec<&str> = t.iter().map(String::as_str).collect();
            count("t", &t, "t", 2.0, vec![n as u32; t.len()])
        })
        .collect();
    let r = ArticleRanking::open(OwnedBytes::new(encode(&counted))).expect("opens");
    let list = r.topics("refund");
    let starts = list.starts(100);
    assert_eq!(starts.len(), 100usize.div_ceil(TOPIC_BLOCK as usize) + 1);
    let holding = topics
        .iter()
        .flatten()
        .filter(|t| t.split(' ').any(|w| w == "refund"))
        .count();
    let mut found = 0;
    for article in 0..110 {
        let (mut by_blocks, mut by_bisecting) = (Vec::new(), Vec::new());
        list.of(article, &starts, |t, w| by_blocks.push((t, w)));
        list.of(article, &[], |t, w| by_bisecting.push((t, w)));
        assert_eq!(by_blocks, by_bisecting, "article {article}");
        found += by_blocks.len();
    }
    // Every question holding the word is found, once.
    assert_eq!(found, holding);
    assert!(holding > 40, "{holding}");
}

#[test]
fn a_damaged_file_is_refused_not_misread() {
    let bytes = encode(&[count("a", &[""], "a b", 1.0, vec![0])]);
    assert!(ArticleRanking::open(OwnedBytes::new(bytes[..bytes.len() - 1].to_vec())).is_err());
    assert!(ArticleRanking::open(OwnedBytes::new(b"HBRANK1\n".to_vec())).is_err());
    assert!(ArticleRanking::open(OwnedBytes::new(b"something else".to_vec())).is_err());
}
