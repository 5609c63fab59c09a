//! Writing the index: every document into Tantivy and our own files (`index`), and
//! replacing one article in a written index for preview (`update`, on Tantivy's directory
//! without fsync, `unsynced`).

pub(super) mod index;
pub(super) mod unsynced;
pub(super) mod update;
