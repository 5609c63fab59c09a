//! Answering a shopper: their text read into clauses (`query`), the articles that match
//! (`matching`, on `bitset`s), each article's score (`scoring`), the best section and the
//! hit records (`engine`), the snippets (`snippet`).

pub(super) mod bitset;
pub(super) mod engine;
pub(super) mod matching;
pub(super) mod query;
pub(super) mod scoring;
pub(super) mod snippet;
