//! Properties that hold for any input a writer or a shopper can give: front matter from any
//! bytes, Markdown from a generator of everything the product understands, and any search
//! text. proptest runs each with generated inputs and shrinks a failure to its smallest form;
//! the failures found are kept in `tests/proptest-regressions/` and run first every time.
//!
//! Case counts are small so that `cargo test` stays quick; `PROPTEST_CASES=10000 cargo test
//! --test it properties` runs every property that many times (see tests/README.md).

mod front_matter;
mod markdown;
mod search;

use proptest::test_runner::Config;

/// `default` cases per property, or `PROPTEST_CASES` when it is set (a deeper run).
fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    Config::with_cases(cases)
}
