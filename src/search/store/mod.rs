//! The index folder: the Tantivy schema every stage agrees on (`schema`), our own files
//! beside Tantivy's (`hits`, `ranking`), and opening the folder only when it is whole and of
//! this version (`folder`).

pub(super) mod folder;
pub(super) mod hits;
pub(super) mod ranking;
pub(super) mod schema;

/// Why one of our binary files (hits, ranking) is not read: its header or its tables are not
/// as its layout says.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// It does not start with the file's magic bytes (which hold its layout's version).
    #[error("not a helpbook {0} file")]
    NotOurs(&'static str),
    #[error("cut short")]
    CutShort,
    /// Its length is not the one its tables add up to.
    #[error("its size does not match its {0}")]
    Size(&'static str),
}
