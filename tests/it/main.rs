//! Integration tests: the real `helpbook` binary on real files in temp folders.
//! One binary so it links once; a module per user action. See tests/README.md.
#![allow(clippy::print_stderr)]

mod api;
mod build;
mod check;
mod corpus;
mod damaged_index;
mod harness;
mod html;
mod init;
mod insights;
mod openapi;
mod operations;
mod output;
mod overload;
mod preview;
mod properties;
mod relevance;
mod search_cli;
mod serve;
