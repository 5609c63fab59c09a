//! Answering a shopper: their text read into clauses (`query`), the articles that match
//! (`matching`, on `bitset`s), each article's score (`scoring`), the best section and the
//! hit records (`engine`, its fallbacks in `engine/readings`; the anchor in `anchor`), the
//! snippets (`snippet`). What a search is asked and answers: `response`; `--explain`: `explain`.

pub(super) mod anchor;
pub(super) mod bitset;
pub(super) mod engine;
pub(super) mod explain;
pub(super) mod matching;
pub(super) mod query;
pub(super) mod response;
pub(super) mod scoring;
pub(super) mod snippet;
