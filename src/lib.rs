//! helpbook turns a folder of Markdown FAQ and how-to articles into a fast, searchable help
//! center.
//!
//! ```text
//! book.toml ─► config ─┐
//! content/ ──► content ─► markdown ─► render (+ theme) ─► output ─► build/site/
//! build/site + build/index ─► server (static, /search/, /api/search)
//! ```
//!
//! | module | owns |
//! |---|---|
//! | [`diag`] | diagnostics: path, line, column, message, help; the collector |
//! | [`fs`] | file reads and writes whose errors name the path |
//! | [`config`] | book.toml -> [`config::Config`] |
//! | [`content`] | `content/` -> articles, sections, translations, URLs |
//! | [`markdown`] | Markdown -> HTML, anchors, FAQ items, how-to steps (pure) |
//! | [`theme`] | the embedded default theme, overrides, Tera, fingerprinted assets |
//! | [`render`] | model + theme -> pages: contexts, JSON-LD, sitemap, redirects, link checks |
//! | [`output`] | the staging folder beside `build/` and the atomic swap |
//! | [`build`] | runs the pipeline (full or dry for `check`) and reports |
//! | [`preview`] | `preview`: watch, decide what a save changes, update in place or build, error overlay |
//! | [`search`] | analysis, the index (built, or updated one article at a time), queries |
//! | [`server`] | `serve`: static files, `/search/`, `/api/search`, limits, headers, hot swap |
//! | [`init`] | scaffolds a new help center |
//! | [`insights`] | what shoppers searched and how they rated articles, in SQLite |
//! | `cli` | the command line (binary only) |

/// The allocator of every binary built on this library (the command, its tests and benchmarks).
/// Searching allocates many small short-lived buffers, and on the 10,000-article benchmark
/// mimalloc answers 10-15% more searches per second than the system allocator and builds with
/// a fifth less CPU time; transparent huge pages are off (`no_thp`) because with them the
/// build's peak memory grew by a hundred megabytes. See bench/README.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod build;
pub mod config;
pub mod content;
pub mod diag;
pub mod fs;
pub mod init;
pub mod insights;
pub mod markdown;
pub mod output;
pub mod preview;
pub mod render;
pub mod search;
pub mod server;
pub mod theme;
