//! The words Markdown rendering writes into a page of its own accord (a video's link, a
//! callout's title). They come from the theme's UI strings, which the caller looks up: this
//! module holds no language's words.

use pulldown_cmark::BlockQuoteKind;

/// The UI strings a page's Markdown needs, in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// The link a YouTube or Vimeo URL becomes, before the shopper plays it.
    pub video_play: String,
    /// Callout titles: `> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`.
    pub callout_note: String,
    pub callout_tip: String,
    pub callout_important: String,
    pub callout_warning: String,
    pub callout_caution: String,
}

impl Labels {
    /// The string table keys the labels are read from.
    pub const KEYS: [&'static str; 6] = [
        "video_play",
        "callout_note",
        "callout_tip",
        "callout_important",
        "callout_warning",
        "callout_caution",
    ];

    /// Labels from a string table: `lookup` gives the text of a key. A key the table lacks
    /// shows as the key itself, which a reader of the page reports and a theme author can find.
    pub fn from_strings<'a>(lookup: impl Fn(&str) -> Option<&'a str>) -> Labels {
        let text = |key: &str| lookup(key).unwrap_or(key).to_string();
        Labels {
            video_play: text("video_play"),
            callout_note: text("callout_note"),
            callout_tip: text("callout_tip"),
            callout_important: text("callout_important"),
            callout_warning: text("callout_warning"),
            callout_caution: text("callout_caution"),
        }
    }

    /// A callout's CSS class suffix and title.
    pub(super) fn callout(&self, kind: BlockQuoteKind) -> (&'static str, &str) {
        match kind {
            BlockQuoteKind::Note => ("note", &self.callout_note),
            BlockQuoteKind::Tip => ("tip", &self.callout_tip),
            BlockQuoteKind::Important => ("important", &self.callout_important),
            BlockQuoteKind::Warning => ("warning", &self.callout_warning),
            BlockQuoteKind::Caution => ("caution", &self.callout_caution),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The default theme's string tables, by language, as shipped.
    pub(crate) fn shipped_tables() -> BTreeMap<String, toml::Table> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/strings");
        let mut tables = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let lang = path.file_stem().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&path).unwrap();
                tables.insert(lang, toml::from_str(&text).unwrap());
            }
        }
        tables
    }

    /// The default theme's labels in `lang`.
    pub(crate) fn shipped(lang: &str) -> Labels {
        let tables = shipped_tables();
        let table = &tables[lang];
        Labels::from_strings(|key| table.get(key).and_then(|v| v.as_str()))
    }

    #[test]
    fn every_string_key_exists_in_every_shipped_language() {
        let tables = shipped_tables();
        assert!(tables.len() >= 3, "{:?}", tables.keys());
        let english = &tables["en"];
        for key in Labels::KEYS {
            assert!(english.contains_key(key), "en.toml lacks `{key}`");
        }
        for (lang, table) in &tables {
            for key in english.keys() {
                assert!(table.contains_key(key), "{lang}.toml lacks `{key}`");
            }
            for key in table.keys() {
                assert!(
                    english.contains_key(key),
                    "{lang}.toml has `{key}`, en.toml not"
                );
            }
        }
    }

    #[test]
    fn labels_come_from_the_table() {
        let table: toml::Table =
            toml::from_str("video_play = \"Watch\"\ncallout_tip = \"Good to know\"").unwrap();
        let labels = Labels::from_strings(|key| table.get(key).and_then(|v| v.as_str()));
        assert_eq!(labels.video_play, "Watch");
        assert_eq!(labels.callout(BlockQuoteKind::Tip), ("tip", "Good to know"));
        assert_eq!(labels.callout_note, "callout_note");
        assert_eq!(shipped("ru").callout_warning, "Внимание");
    }
}
