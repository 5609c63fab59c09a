//! The index folder: the Tantivy schema every stage agrees on (`schema`), our own files
//! beside Tantivy's (`hits`, `ranking`), and opening the folder only when it is whole and of
//! this version (`folder`).

pub(super) mod folder;
pub(super) mod hits;
pub(super) mod ranking;
pub(super) mod schema;
