//! Text analysis, the same at index and query time: words are split on anything that is not
//! a letter or digit, lowercased, `ё` read as `е`; then stemmed (Russian Snowball for Cyrillic
//! words; for Latin words the document language's Snowball stemmer — English for English and
//! Russian documents — when there is one) and stripped of diacritics (`tühistada` ->
//! `tuhistada`), so `Возврата` and `возвратом` meet at `возврат`.

use frostem::{Algorithm, Stemmer};

use crate::search::caches::STEM_CACHE;

/// One word of a text: where it is (bytes) and its normalised form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub from: usize,
    pub to: usize,
    /// Lowercased, `ё` -> `е`, diacritics kept (the stemmers need them).
    pub lower: String,
}

/// How one language's words are stemmed.
#[derive(Clone, Copy)]
pub struct Analyzer {
    latin: Option<Stemmer>,
    /// Tells analyzers apart in the per-thread stem cache.
    key: u8,
}

thread_local! {
    /// Per analyzer, word -> stem. A help center has tens of thousands of distinct words but
    /// millions of word occurrences: stemming each distinct word once per thread is enough.
    /// Bound: see `caches`.
    static STEMS: std::cell::RefCell<Vec<rustc_hash::FxHashMap<String, String>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl Analyzer {
    /// The analyzer for documents (and queries) in `lang`.
    pub fn for_lang(lang: &str) -> Analyzer {
        let latin = match lang.split('-').next().unwrap_or(lang) {
            // Russian help centers write product and brand names in English.
            "en" | "ru" | "uk" => Some(Algorithm::English),
            "et" => Some(Algorithm::Estonian),
            "de" => Some(Algorithm::German),
            "fi" => Some(Algorithm::Finnish),
            "fr" => Some(Algorithm::French),
            "es" => Some(Algorithm::Spanish),
            "sv" => Some(Algorithm::Swedish),
            "lt" => Some(Algorithm::Lithuanian),
            "pl" => Some(Algorithm::Polish),
            "nl" => Some(Algorithm::Dutch),
            "it" => Some(Algorithm::Italian),
            "pt" => Some(Algorithm::Portuguese),
            _ => None,
        };
        let key = latin.map_or(0, |a| a as u8 + 1);
        Analyzer {
            latin: latin.map(Stemmer::new),
            key,
        }
    }

    /// The indexed form of a word: stemmed and folded.
    pub fn stem(&self, word: &str) -> String {
        let mut out = String::new();
        self.stem_into(word, &mut out);
        out
    }

    /// Appends the indexed form of `word` to `out` (no allocation once the word is cached).
    pub fn stem_into(&self, word: &str, out: &mut String) {
        self.with_stem(word, |stem| out.push_str(stem));
    }

    /// Calls `f` with the indexed form of `word` (no allocation once the word is cached).
    pub fn with_stem<R>(&self, word: &str, f: impl FnOnce(&str) -> R) -> R {
        STEMS.with(|cache| {
            let mut cache = cache.borrow_mut();
            let key = usize::from(self.key);
            if cache.len() <= key {
                cache.resize_with(key + 1, Default::default);
            }
            let map = &mut cache[key];
            if let Some(stem) = map.get(word) {
                return f(stem);
            }
            if map.len() >= STEM_CACHE {
                map.clear();
            }
            let stem = self.stem_uncached(word);
            let result = f(&stem);
            map.insert(word.to_string(), stem);
            result
        })
    }

    fn stem_uncached(&self, word: &str) -> String {
        let stemmed = if is_cyrillic(word) {
            Stemmer::new(Algorithm::Russian).stem(word).into_owned()
        } else if let Some(stemmer) = &self.latin {
            stemmer.stem(word).into_owned()
        } else {
            word.to_string()
        };
        fold(&stemmed).into_owned()
    }
}

/// Calls `f(from, to, lower)` for each word of `text` without allocating per word: the
/// indexing hot path. Same words as [`words`].
pub fn each_word(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    let mut buffer = String::new();
    for_each_span(text, |from, to| {
        let raw = &text[from..to];
        if raw.len() <= LONGEST_WORD {
            f(from, to, lowered(raw, &mut buffer));
        }
    });
}

/// A word of a text, `from..to` in bytes, and its first letter (lowercased, folded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextWord {
    pub from: u32,
    pub to: u32,
    pub first: char,
}

/// The words [`each_word`] gives, with their first letters: a text read once for all the
/// snippets made of it.
pub fn text_words(text: &str) -> Vec<TextWord> {
    let mut words = Vec::new();
    for_each_span(text, |from, to| {
        let raw = &text[from..to];
        if raw.len() <= LONGEST_WORD {
            words.push(TextWord {
                from: from as u32,
                to: to as u32,
                first: first_letter_of(raw),
            });
        }
    });
    words
}

/// [`each_word_starting`] over the words of `text` found before by [`text_words`].
pub fn each_listed_word_starting(
    text: &str,
    words: &[TextWord],
    letters: &Starts,
    mut f: impl FnMut(usize, usize, &str),
) {
    let mut buffer = String::new();
    for word in words.iter().filter(|w| letters.letters.contains(&w.first)) {
        let (from, to) = (word.from as usize, word.to as usize);
        f(from, to, lowered(&text[from..to], &mut buffer));
    }
}

/// Longer runs of letters and digits (in bytes) are no words a shopper types: they are
/// neither indexed nor matched.
const LONGEST_WORD: usize = 64;

/// The words [`each_word`] gives whose first letter (lowercased, folded) is one of `letters`,
/// and no others. Instead of reading every word, it skips to bytes that can begin such a
/// letter (see [`Starts`]) and looks at the words starting there: a snippet's scan of a hit's
/// text.
pub fn each_word_starting(text: &str, letters: &Starts, mut f: impl FnMut(usize, usize, &str)) {
    let bytes = text.as_bytes();
    let mut buffer = String::new();
    let mut i = 0;
    while i < bytes.len() {
        while bytes
            .get(i)
            .is_some_and(|&b| !letters.bytes[usize::from(b)])
        {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { return };
        // Most bytes let through are inside a word (every Cyrillic letter's first byte is
        // one of two): the byte before tells at once, without decoding backwards.
        if i > 0 && continues_word(bytes, i) {
            i += utf8_len(b);
            continue;
        }
        if letter_at(text, i) == 0 || !word_starts_at(text, i) {
            i += utf8_len(b);
            continue;
        }
        let end = word_end(text, i);
        let raw = &text[i..end];
        if raw.len() <= LONGEST_WORD && letters.letters.contains(&first_letter_of(raw)) {
            f(i, end, lowered(raw, &mut buffer));
        }
        i = end;
    }
}

/// A word's first letter, lowercased and folded (`Äpfel` -> `a`).
fn first_letter_of(word: &str) -> char {
    match word.as_bytes().first() {
        Some(b) if b.is_ascii() => b.to_ascii_lowercase() as char,
        _ => word.chars().next().map_or(' ', first_letter),
    }
}

/// A word lowercased as indexed: the word itself when it already is, else written into
/// `buffer`.
fn lowered<'a>(word: &'a str, buffer: &'a mut String) -> &'a str {
    if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return word;
    }
    buffer.clear();
    lower_into(word, buffer);
    buffer
}

/// The first letters (lowercased, folded) of the words a scan looks for, and every byte that
/// can begin a character with one of them as its first letter: the letter itself, its capital,
/// its accented forms (`ä`, `Ä` for `a`; `ё` for `е`), and every lead byte of characters beyond
/// U+07FF, which are checked one by one.
pub struct Starts {
    letters: Vec<char>,
    bytes: [bool; 256],
}

impl Starts {
    pub fn new(letters: &[char]) -> Starts {
        let mut bytes = [false; 256];
        // Characters of three and four bytes are checked one by one.
        bytes[0xE0..].fill(true);
        let forms = letter_forms();
        for letter in letters {
            let mut mark = |c: char| {
                let mut utf8 = [0; 4];
                bytes[usize::from(c.encode_utf8(&mut utf8).as_bytes()[0])] = true;
            };
            mark(*letter);
            for &form in forms.get(letter).into_iter().flatten() {
                mark(form);
            }
        }
        Starts {
            letters: letters.to_vec(),
            bytes,
        }
    }
}

/// Each first letter of the characters up to U+07FF, with the characters that have it.
fn letter_forms() -> &'static rustc_hash::FxHashMap<char, Vec<char>> {
    static FORMS: std::sync::OnceLock<rustc_hash::FxHashMap<char, Vec<char>>> =
        std::sync::OnceLock::new();
    FORMS.get_or_init(|| {
        let mut forms = rustc_hash::FxHashMap::<char, Vec<char>>::default();
        for c in (0..0x800).filter_map(char::from_u32) {
            let first = if c.is_ascii() {
                c.to_ascii_lowercase()
            } else {
                first_letter(c)
            };
            forms.entry(first).or_default().push(c);
        }
        forms
    })
}

/// Whether the character before byte `i` (`i > 0`, a character boundary) is certainly a
/// letter or digit: an ASCII one, or a two-byte Cyrillic letter (U+0400..U+047F). `false`
/// says nothing: [`word_starts_at`] decides.
#[inline(always)]
fn continues_word(bytes: &[u8], i: usize) -> bool {
    let before = bytes[i - 1];
    before.is_ascii_alphanumeric()
        || (i >= 2 && (0x80..=0xBF).contains(&before) && matches!(bytes[i - 2], 0xD0 | 0xD1))
}

/// Whether no word goes on into byte `i` from before it: the character before is not a letter
/// or digit, nor an apostrophe joining one to the letter at `i`.
fn word_starts_at(text: &str, i: usize) -> bool {
    let Some(before) = text.get(..i).and_then(|t| t.chars().next_back()) else {
        return true;
    };
    if before == '\'' || before == '’' {
        let at = i - before.len_utf8();
        return text
            .get(..at)
            .and_then(|t| t.chars().next_back())
            .is_none_or(|c| letter_at(text, at - c.len_utf8()) == 0);
    }
    letter_at(text, i - before.len_utf8()) == 0
}

/// [`fold_lower_char`] with the Russian alphabet answered without a table look-up.
fn first_letter(c: char) -> char {
    match c {
        'а'..='я' => c,
        'А'..='Я' => char::from_u32(u32::from(c) + 0x20).unwrap_or(c),
        'ё' | 'Ё' => 'е',
        _ => fold_lower_char(c),
    }
}

/// A letter lowercased and folded the way words are (`Ä` -> `a`, `Ё` -> `е`).
pub fn fold_lower_char(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let mut buffer = [0; 4];
    fold(lower.encode_utf8(&mut buffer))
        .chars()
        .next()
        .unwrap_or(lower)
}

fn lower_into(raw: &str, out: &mut String) {
    if raw.is_ascii() {
        if raw.contains('\'') {
            out.extend(
                raw.bytes()
                    .filter(|b| *b != b'\'')
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
        } else {
            let from = out.len();
            out.push_str(raw);
            out[from..].make_ascii_lowercase();
        }
        return;
    }
    for c in raw.chars() {
        match c {
            '\'' | '’' => {}
            // The Russian alphabet without a look-up in Unicode's tables.
            'а'..='я' => out.push(c),
            'А'..='Я' => out.push(char::from_u32(u32::from(c) + 0x20).unwrap_or(c)),
            'ё' | 'Ё' => out.push('е'),
            _ => out.extend(c.to_lowercase().map(|c| if c == 'ё' { 'е' } else { c })),
        }
    }
}

/// Word spans: runs of letters and digits; an apostrophe between letters joins. The hot loop
/// of indexing and of every snippet: each character is classed by its first byte, and only
/// characters outside ASCII, Latin-1, Latin Extended-A/B and the common Cyrillic letters are
/// decoded.
pub(in crate::search) fn for_each_span(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        // To the next word's first letter or digit.
        let start = loop {
            let Some(&b) = bytes.get(i) else { return };
            match BYTE_CLASS[usize::from(b)] {
                Class::Alnum | Class::Cyrillic => break i,
                Class::Separator | Class::Apostrophe => i += 1,
                Class::Latin | Class::Other if letter_at(text, i) > 0 => break i,
                Class::Latin | Class::Other => i += utf8_len(b),
            }
        };
        i = word_end(text, start);
        f(start, i);
    }
}

/// The end of the word starting at byte `start`: letters, digits, and apostrophes followed by
/// one.
fn word_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    loop {
        // ASCII and Cyrillic letters without a call.
        while let Some(&b) = bytes.get(i) {
            match BYTE_CLASS[usize::from(b)] {
                Class::Alnum => i += 1,
                Class::Cyrillic => i += 2,
                _ => break,
            }
        }
        let len = letter_at(text, i);
        if len > 0 {
            i += len;
        } else if bytes.get(i) == Some(&b'\'') && letter_at(text, i + 1) > 0 {
            i += 1;
        } else if bytes.get(i..i + 3) == Some("’".as_bytes()) && letter_at(text, i + 3) > 0 {
            i += 3;
        } else {
            return i;
        }
    }
}

/// The length of the letter or digit starting at byte `i` (a character boundary); 0 when none
/// does.
#[inline(always)]
fn letter_at(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(&b) = bytes.get(i) else { return 0 };
    match BYTE_CLASS[usize::from(b)] {
        Class::Alnum => 1,
        Class::Cyrillic => 2,
        // U+00C0..U+024F are letters, but for × and ÷.
        Class::Latin => match (b, bytes.get(i + 1)) {
            (0xC3, Some(0x97 | 0xB7)) => 0,
            _ => 2,
        },
        Class::Separator | Class::Apostrophe => 0,
        Class::Other => {
            let (c, len) = char_at(text, i);
            if is_letter_or_digit(c) { len } else { 0 }
        }
    }
}

/// What a byte says about the character it starts, for [`for_each_span`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Separator,
    Alnum,
    Apostrophe,
    /// U+0400..U+047F: a Cyrillic letter of two bytes.
    Cyrillic,
    /// U+00C0..U+023F: a Latin letter of two bytes, but for × and ÷.
    Latin,
    /// Any other byte: the character is decoded.
    Other,
}

static BYTE_CLASS: [Class; 256] = {
    let mut classes = [Class::Other; 256];
    let mut b = 0;
    while b < 128 {
        classes[b] = if (b as u8).is_ascii_alphanumeric() {
            Class::Alnum
        } else {
            Class::Separator
        };
        b += 1;
    }
    classes[b'\'' as usize] = Class::Apostrophe;
    classes[0xD0] = Class::Cyrillic;
    classes[0xD1] = Class::Cyrillic;
    let mut b = 0xC3;
    while b <= 0xC8 {
        classes[b] = Class::Latin;
        b += 1;
    }
    classes
};

/// The length of the UTF-8 character starting with byte `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// The character starting at byte `i` of `text` (a character boundary) and its length; a
/// space past the end.
fn char_at(text: &str, i: usize) -> (char, usize) {
    text.get(i..)
        .and_then(|rest| rest.chars().next())
        .map_or((' ', 1), |c| (c, c.len_utf8()))
}

/// `char::is_alphanumeric` with the Latin-1, Latin Extended and Cyrillic letters answered
/// without the Unicode table lookup (which is slow, and these are most of a Russian or
/// Estonian text).
fn is_letter_or_digit(c: char) -> bool {
    match c {
        '\u{00C0}'..='\u{024F}' => c != '\u{00D7}' && c != '\u{00F7}',
        '\u{0400}'..='\u{0481}' | '\u{048A}'..='\u{04FF}' => true,
        _ => c.is_alphanumeric(),
    }
}

/// Splits `text` into words. Apostrophes inside words join (`don't`), as do digits.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    each_word(text, |from, to, lower| {
        out.push(Word {
            from,
            to,
            lower: lower.to_string(),
        })
    });
    out
}

/// The unstemmed, folded form used for typo and prefix matching.
pub fn fold(word: &str) -> std::borrow::Cow<'_, str> {
    if word.is_ascii()
        || !word
            .chars()
            .any(|c| !c.is_ascii() && !is_cyrillic_char(c) || c == 'ё')
    {
        return std::borrow::Cow::Borrowed(word);
    }
    std::borrow::Cow::Owned(
        word.chars()
            .map(|c| match c {
                'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' | 'ą' => 'a',
                'ö' | 'õ' | 'ò' | 'ó' | 'ô' | 'ø' | 'ō' => 'o',
                'ü' | 'ù' | 'ú' | 'û' | 'ū' | 'ų' => 'u',
                'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'ī' | 'į' => 'i',
                'š' | 'ś' => 's',
                'ž' | 'ź' | 'ż' => 'z',
                'ç' | 'č' | 'ć' => 'c',
                'ñ' | 'ń' => 'n',
                'ł' => 'l',
                'ß' => 's',
                'ё' => 'е',
                other => other,
            })
            .collect(),
    )
}

fn is_cyrillic_char(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Whether the word has a Cyrillic letter.
pub fn is_cyrillic(word: &str) -> bool {
    word.chars().any(is_cyrillic_char)
}

#[cfg(test)]
mod tests;
