//! Slugs for URLs and heading anchors: ASCII, lowercase, readable for Russian and Estonian
//! text too (Cyrillic is transliterated, diacritics dropped).

/// `Return an item!` -> `return-an-item`, `Как вернуть товар?` -> `kak-vernut-tovar`,
/// `Kuidas tühistada?` -> `kuidas-tuhistada`. Empty when the text has no letters or digits.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            // Apostrophes join (`don't` -> `dont`), as GitHub and Zola do.
            pending_dash = true;
        }
    }
    slug
}

/// Why a file or folder name cannot be part of the site, or `None` when it can: a name that
/// is not UTF-8 has no URL; browsers read a backslash as `/` (and a name with one is usually
/// a Windows folder path, from an archive made on Windows unpacked elsewhere); a control
/// character (a line break, a tab) cannot be typed into a link and breaks the list of files a
/// build keeps. Markdown files get slugs, so their other characters never reach a URL; other
/// files keep their names, percent-encoded in links.
pub fn unusable_name(name: &std::ffi::OsStr) -> Option<&'static str> {
    let Some(name) = name.to_str() else {
        return Some("is not UTF-8 text");
    };
    if name.contains('\\') {
        Some("has a backslash (`\\`), which browsers read as `/`")
    } else if name.chars().any(char::is_control) {
        Some("has a control character (a line break or a tab) in it")
    } else {
        None
    }
}

/// A path for messages, its control characters escaped so that it stays on one line:
/// `content/a\nb.md`.
pub fn printable(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A heading's anchor, compatible with GitHub's (so links copied from a repository keep
/// working) but ASCII: letters and digits are kept (transliterated), spaces become `-`, `-`
/// and `_` stay, other punctuation is dropped. `Node.js 2.x setup` -> `nodejs-2x-setup`,
/// `Как вернуть товар?` -> `kak-vernut-tovar`.
pub fn anchor_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            let ascii = if c.is_ascii() {
                c.encode_utf8(&mut buffer)
            } else {
                deunicode::deunicode_char(c).unwrap_or("")
            };
            slug.extend(
                ascii
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else if c.is_whitespace() || c == '-' {
            slug.push('-');
        } else if c == '_' {
            slug.push('_');
        }
    }
    slug.trim_matches('-').to_string()
}

/// Gives each heading a unique anchor: the second `Shipping` becomes `shipping-1`.
#[derive(Debug, Default)]
pub struct AnchorSet {
    used: std::collections::HashSet<String>,
}

impl AnchorSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves `id` as-is (an explicit `{#id}` or an HTML id) and reports whether it was free.
    pub fn reserve(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// A unique anchor for heading text; `section` when the text has no letters.
    pub fn unique(&mut self, text: &str) -> String {
        let mut base = anchor_slug(text);
        if base.is_empty() {
            base = "section".to_string();
        }
        if self.used.insert(base.clone()) {
            return base;
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| !self.used.contains(candidate))
            .inspect(|id| {
                self.used.insert(id.clone());
            })
            .unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_words() {
        let cases = [
            ("Return-an-item", "return-an-item"),
            ("Store Support", "store-support"),
            (
                "How long does a refund take?",
                "how-long-does-a-refund-take",
            ),
            ("Как вернуть товар?", "kak-vernut-tovar"),
            ("Доставка и оплата", "dostavka-i-oplata"),
            ("Kuidas tellimust tühistada?", "kuidas-tellimust-tuhistada"),
            ("Õige suurus ja äri", "oige-suurus-ja-ari"),
            ("Don't panic", "dont-panic"),
            ("  --Hello__World--  ", "hello-world"),
            ("???", ""),
        ];
        for (text, slug) in cases {
            assert_eq!(slugify(text), slug, "{text}");
        }
    }

    #[test]
    fn anchors_follow_github_but_stay_ascii() {
        let cases = [
            (
                "How long does a refund take?",
                "how-long-does-a-refund-take",
            ),
            (
                "Add a device running Python, MicroPython or Node.js",
                "add-a-device-running-python-micropython-or-nodejs",
            ),
            ("Arduino IDE 1.8.19 (legacy)", "arduino-ide-1819-legacy"),
            (
                "If the On-line > Set up options are disabled",
                "if-the-on-line--set-up-options-are-disabled",
            ),
            ("Как вернуть товар?", "kak-vernut-tovar"),
            ("Kuidas tellimust tühistada?", "kuidas-tellimust-tuhistada"),
            ("What's in the box", "whats-in-the-box"),
            ("snake_case names", "snake_case-names"),
        ];
        for (text, anchor) in cases {
            assert_eq!(anchor_slug(text), anchor, "{text}");
        }
    }

    #[test]
    fn names_that_cannot_be_part_of_a_url() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        assert!(unusable_name(OsStr::new("orders\\faq.md")).is_some());
        assert!(unusable_name(OsStr::new("a\nb.png")).is_some());
        assert!(unusable_name(OsStr::new("tab\there.md")).is_some());
        assert!(unusable_name(OsStr::from_bytes(b"caf\xe9.md")).is_some());
        for fine in [
            "Return an item?.md",
            "100% cotton #1.png",
            "Доставка.md",
            "a b.pdf",
        ] {
            assert_eq!(unusable_name(OsStr::new(fine)), None, "{fine}");
        }
        assert_eq!(printable("content/a\nb.md"), "content/a\\nb.md");
    }

    #[test]
    fn repeated_headings_get_numbered_anchors() {
        let mut set = AnchorSet::new();
        assert_eq!(set.unique("Shipping"), "shipping");
        assert_eq!(set.unique("Shipping"), "shipping-1");
        assert_eq!(set.unique("Shipping"), "shipping-2");
        assert_eq!(set.unique("!!!"), "section");
    }
}
