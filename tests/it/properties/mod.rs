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

use proptest::test_runner::{Config, RngSeed};

/// `default` cases per property, or `PROPTEST_CASES` when it is set (a deeper run).
///
/// Under `CI=true` the inputs come from a fixed seed (`PROPTEST_SEED` chooses another): a
/// change is judged on the same inputs every run, and a new finding is made on a developer's
/// machine, where every run draws new inputs, and kept in `tests/proptest-regressions/`.
fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    let mut config = Config::with_cases(cases);
    let seed = std::env::var("PROPTEST_SEED")
        .ok()
        .and_then(|n| n.parse().ok());
    if let Some(seed) =
        seed.or_else(|| (std::env::var("CI").as_deref() == Ok("true")).then_some(17))
    {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    config
}
