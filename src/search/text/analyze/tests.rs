use super::*;

/// Word spans the plain way: runs of `char::is_alphanumeric`, joined by an apostrophe
/// (`'` or `’`) that a letter or digit follows.
fn reference_spans(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let word = |n: usize| chars.get(n).is_some_and(|&(_, c)| c.is_alphanumeric());
    let mut spans = Vec::new();
    let mut n = 0;
    while n < chars.len() {
        if !word(n) {
            n += 1;
            continue;
        }
        let start = chars[n].0;
        while word(n) || (matches!(chars.get(n), Some((_, '\'' | '’'))) && word(n + 1)) {
            n += 1;
        }
        spans.push((start, chars.get(n).map_or(text.len(), |&(at, _)| at)));
    }
    spans
}

#[test]
fn a_scan_for_some_first_letters_finds_the_words_a_full_scan_would() {
    let text = "Refund: the REFUNDS arrive; prerefund, re-fund, don't, rock'n'roll, l'été, \
        ’rapid’ Äpfel, ärevus, Õun õhtul, Ёлка ёж, Елка — возврат ВОЗВРАТ переВозврат, \
        Kelvin \u{212A}ilo, ΣΊΣΥΦΟΣ σοφία, 日本 ＡＢＣ, ×r ÷a, 3dsecure 3DS, x😀r, \
        averyveryveryveryveryveryveryveryveryveryveryveryveryveryverylongrword r";
    let letter_sets: [&[char]; 8] = [
        &['r'],
        &['a', 'o'],
        &['е', 'в'],
        &['k', 'σ'],
        &['3', 'd', 'l'],
        &['p', 'õ'],
        &['日', 'ａ'],
        &['x', 'r', 'a'],
    ];
    for letters in letter_sets {
        let mut full = Vec::new();
        each_word(text, |from, to, lower| {
            if letters.contains(&first_letter_of(&text[from..to])) {
                full.push((from, to, lower.to_string()));
            }
        });
        let mut skipping = Vec::new();
        each_word_starting(text, &Starts::new(letters), |from, to, lower| {
            skipping.push((from, to, lower.to_string()))
        });
        assert_eq!(skipping, full, "{letters:?}");
        assert!(!full.is_empty(), "{letters:?} finds nothing to compare");
    }
}

#[test]
fn word_spans_agree_with_unicode_letters_in_every_script_we_meet() {
    let text = "Don't wait: refunds take 3–5 days (×2 ÷ 4). Возврат денег — «быстро»! \
        Ёлка, ёж; Tšekk õun ÄÖÜ šž. ɐɓ naïve café’s l'été ’quoted’ ' alone '' \
        日本語テキスト 😀 x😀y Ωμέγα الدفع ١٢٣ end'";
    let mut spans = Vec::new();
    for_each_span(text, |from, to| spans.push((from, to)));
    assert_eq!(spans, reference_spans(text));
    let words: Vec<&str> = spans.iter().map(|&(from, to)| &text[from..to]).collect();
    assert!(words.contains(&"Don't") && words.contains(&"Возврат") && words.contains(&"õun"));
    assert!(!words.iter().any(|w| w.contains('×') || w.contains('÷')));
}

#[test]
fn words_are_lowercased_like_unicode_does_with_yo_as_ye() {
    for (raw, lower) in [
        ("Refund", "refund"),
        ("DON'T", "dont"),
        ("Ёлка", "елка"),
        ("ВОЗВРАТ", "возврат"),
        ("Tšekk", "tšekk"),
        ("ÕUN", "õun"),
        ("İstanbul", "i\u{307}stanbul"),
        ("магазин’s", "магазинs"),
    ] {
        let mut out = String::new();
        lower_into(raw, &mut out);
        assert_eq!(out, lower, "{raw}");
    }
}

fn stems(lang: &str, text: &str) -> Vec<String> {
    let analyzer = Analyzer::for_lang(lang);
    words(text)
        .iter()
        .map(|w| analyzer.stem(&w.lower))
        .collect()
}

#[test]
fn english_and_russian_words_meet_at_their_stems() {
    assert_eq!(stems("en", "shipping shipped"), ["ship", "ship"]);
    assert_eq!(stems("en", "Refunds refunded"), ["refund", "refund"]);
    assert_eq!(
        stems("ru", "возврат возврата возвратом"),
        ["возврат", "возврат", "возврат"]
    );
    assert_eq!(stems("ru", "Доставка доставки"), ["доставк", "доставк"]);
}

#[test]
fn yo_is_ye_and_diacritics_fold() {
    assert_eq!(stems("ru", "ещё"), stems("ru", "еще"));
    assert_eq!(words("Ёлка")[0].lower, "елка");
    assert_eq!(fold("tühistada"), "tuhistada");
    assert_eq!(stems("fr", "élan")[0], fold(&stems("fr", "élan")[0]));
}

#[test]
fn words_keep_their_byte_offsets() {
    let text = "Где мой заказ? Don't panic!";
    let found = words(text);
    let raw: Vec<&str> = found.iter().map(|w| &text[w.from..w.to]).collect();
    assert_eq!(raw, ["Где", "мой", "заказ", "Don't", "panic"]);
    assert_eq!(found[3].lower, "dont");
}

#[test]
fn query_syntax_is_just_text() {
    let found: Vec<String> = words("title:refund* (foo) ~bar")
        .into_iter()
        .map(|w| w.lower)
        .collect();
    assert_eq!(found, ["title", "refund", "foo", "bar"]);
}
