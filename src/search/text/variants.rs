//! Other ways a shopper may have typed the same words: Russian typed with the English keyboard
//! layout (`ljcnfdrf` -> `доставка`) and the reverse (`куагтв` -> `refund`), and Russian in
//! Latin letters (`vozvrat` -> `возврат`). The engine tries these when the text as typed finds
//! nothing.

use super::analyze::is_cyrillic;

/// The same keys on the English (QWERTY) and Russian (ЙЦУКЕН) layouts.
const EN_KEYS: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
const RU_KEYS: &str = "йцукенгшщзхъфывапролджэячсмитьбюё";

/// The text as if typed with the other layout, or `None` when it has no letters to convert.
pub fn other_layout(text: &str) -> Option<String> {
    let en: Vec<char> = EN_KEYS.chars().collect();
    let ru: Vec<char> = RU_KEYS.chars().collect();
    let lower = text.to_lowercase();
    let cyrillic = lower.chars().filter(|c| ru.contains(c)).count();
    let latin = lower.chars().filter(|c| c.is_ascii_lowercase()).count();
    let (from, to) = if latin > cyrillic {
        (&en, &ru)
    } else {
        (&ru, &en)
    };
    if latin == 0 && cyrillic == 0 {
        return None;
    }
    let converted: String = lower
        .chars()
        .map(|c| from.iter().position(|k| *k == c).map_or(c, |i| to[i]))
        .collect();
    (converted != lower).then_some(converted)
}

/// Latin transliteration of Russian back to Cyrillic (`dostavka` -> `доставка`,
/// `vozvrat deneg` -> `возврат денег`); `None` when the text is not Latin.
pub fn from_translit(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if !lower.chars().any(|c| c.is_ascii_lowercase()) || is_cyrillic(&lower) {
        return None;
    }
    // Longest spellings first: `shch` before `sh`, `zh` before `z`.
    const MAP: &[(&str, &str)] = &[
        ("shch", "щ"),
        ("sch", "щ"),
        ("yo", "ё"),
        ("zh", "ж"),
        ("kh", "х"),
        ("ts", "ц"),
        ("ch", "ч"),
        ("sh", "ш"),
        ("yu", "ю"),
        ("ya", "я"),
        ("ju", "ю"),
        ("ja", "я"),
        ("ye", "е"),
        ("a", "а"),
        ("b", "б"),
        ("v", "в"),
        ("w", "в"),
        ("g", "г"),
        ("d", "д"),
        ("e", "е"),
        ("z", "з"),
        ("i", "и"),
        ("j", "й"),
        ("k", "к"),
        ("l", "л"),
        ("m", "м"),
        ("n", "н"),
        ("o", "о"),
        ("p", "п"),
        ("r", "р"),
        ("s", "с"),
        ("t", "т"),
        ("u", "у"),
        ("f", "ф"),
        ("h", "х"),
        ("c", "ц"),
        ("y", "ы"),
        ("x", "кс"),
        ("q", "к"),
        ("'", "ь"),
    ];
    let mut out = String::with_capacity(lower.len() * 2);
    let mut rest = lower.as_str();
    while let Some(c) = rest.chars().next() {
        if let Some((latin, cyrillic)) = MAP.iter().find(|(latin, _)| rest.starts_with(latin)) {
            // `y` after a vowel is `й` (`moy` -> `мой`), elsewhere `ы`.
            let cyrillic = if *latin == "y" && out.chars().last().is_some_and(is_vowel) {
                "й"
            } else {
                cyrillic
            };
            out.push_str(cyrillic);
            rest = &rest[latin.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out)
}

fn is_vowel(c: char) -> bool {
    "аеёиоуыэюя".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_typed_on_the_english_layout() {
        assert_eq!(other_layout("ljcnfdrf").as_deref(), Some("доставка"));
        assert_eq!(
            other_layout("djpdhfn ltytu").as_deref(),
            Some("возврат денег")
        );
        assert_eq!(
            other_layout("ult vjq pfrfp").as_deref(),
            Some("где мой заказ")
        );
    }

    #[test]
    fn english_typed_on_the_russian_layout() {
        assert_eq!(other_layout("куагтв").as_deref(), Some("refund"));
    }

    #[test]
    fn transliterated_russian() {
        assert_eq!(from_translit("dostavka").as_deref(), Some("доставка"));
        assert_eq!(
            from_translit("vozvrat deneg").as_deref(),
            Some("возврат денег")
        );
        assert_eq!(
            from_translit("gde moy zakaz").as_deref(),
            Some("где мой заказ")
        );
        assert_eq!(
            from_translit("oplata kartoy").as_deref(),
            Some("оплата картой")
        );
        assert_eq!(from_translit("возврат"), None);
    }
}
