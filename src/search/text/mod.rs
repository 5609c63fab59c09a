//! Language knowledge shared by building and answering: words, stems and folding
//! (`analyze`), the shopper vocabulary and synonyms (`vocabulary`), keyboard-layout and
//! transliteration readings (`variants`) and the typo lexicon (`lexicon`). Reads no index
//! file and knows nothing of Tantivy.

pub(super) mod analyze;
pub(super) mod lexicon;
pub(super) mod stop_words;
pub(super) mod variants;
pub(super) mod vocabulary;
