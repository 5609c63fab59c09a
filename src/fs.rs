//! File-system wrappers whose errors name the path. `content`, `config` and `theme` read
//! through here, never through bare `std::fs`.

use std::io;
use std::path::{Path, PathBuf};

/// An I/O failure on a named path.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} `{}`: {source}", path.display())]
pub struct FsError {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl FsError {
    pub fn new(action: &'static str, path: &Path, source: io::Error) -> Self {
        FsError {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

pub fn read(path: &Path) -> Result<Vec<u8>, FsError> {
    std::fs::read(path).map_err(|e| FsError::new("read", path, e))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).map_err(|e| FsError::new("write", path, e))
}

/// Writes `path` through a temporary file beside it and a rename, so that a reader never
/// sees it half-written. The temporary file does not outlive a failure.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let Some(name) = path.file_name() else {
        let error = io::Error::new(io::ErrorKind::InvalidInput, "no file name");
        return Err(FsError::new("write", path, error));
    };
    let temporary = path.with_file_name(format!(".{}.new", name.to_string_lossy()));
    let written = std::fs::write(&temporary, bytes)
        .map_err(|e| FsError::new("write", path, e))
        .and_then(|()| {
            std::fs::rename(&temporary, path).map_err(|e| FsError::new("replace", path, e))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

pub fn create_dir_all(path: &Path) -> Result<(), FsError> {
    std::fs::create_dir_all(path).map_err(|e| FsError::new("create folder", path, e))
}

pub fn copy(from: &Path, to: &Path) -> Result<(), FsError> {
    if let Some(parent) = to.parent() {
        create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| FsError::new("copy", from, e))
}

pub fn remove_dir_all(path: &Path) -> Result<(), FsError> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(FsError::new("remove", path, e)),
        _ => Ok(()),
    }
}
