//! File-system wrappers whose errors name the path. `content`, `config` and `theme` read
//! through here, never through bare `std::fs`.

use std::io;
use std::path::{Path, PathBuf};

/// An I/O failure on a named path: "no space left on device while writing `build/.next/…`".
#[derive(Debug, thiserror::Error)]
#[error("{} while {action} `{}`", reason(source), path.display())]
pub struct FsError {
    /// What was being done, as in "while writing": `writing`, `creating the folder`, ….
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

    /// The same failure once more, for a second report of it (an `io::Error` is not `Clone`):
    /// the system's words are the same.
    pub fn again(&self) -> FsError {
        let source = match self.source.raw_os_error() {
            Some(code) => io::Error::from_raw_os_error(code),
            None => io::Error::new(self.source.kind(), self.source.to_string()),
        };
        FsError::new(self.action, &self.path, source)
    }
}

/// Why a page could not go into the site being written.
#[derive(Debug, thiserror::Error)]
pub enum PageWriteError {
    /// The page's path would leave the site's folder (`..`, an empty part, a leading `/`).
    #[error("refusing to write outside the site: `{0}`")]
    OutsideSite(String),
    /// The build wrote this path already: two pages would share one file.
    #[error("`{0}` was already written by this build; two pages cannot share one file")]
    WrittenTwice(String),
    /// The disk refused this page, or an earlier one (the build stops writing then).
    #[error(transparent)]
    Fs(#[from] FsError),
}

/// What went wrong, as a sentence goes on: the system's words without their number, in
/// lower case ("no space left on device", "read-only file system", "file too large").
pub fn reason(error: &io::Error) -> String {
    let text = error.to_string();
    // Also when a library has kept only the system's words, number and all.
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        // Only a capital that starts a word of lower-case letters: "EOF" stays.
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text,
    }
}

pub fn read(path: &Path) -> Result<Vec<u8>, FsError> {
    std::fs::read(path).map_err(|e| FsError::new("reading", path, e))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).map_err(|e| FsError::new("writing", path, e))
}

/// Writes `path` through a temporary file beside it and a rename, so that a reader never
/// sees it half-written. The temporary file does not outlive a failure.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let Some(name) = path.file_name() else {
        let error = io::Error::new(io::ErrorKind::InvalidInput, "no file name");
        return Err(FsError::new("writing", path, error));
    };
    let temporary = path.with_file_name(format!(".{}.new", name.to_string_lossy()));
    let written = std::fs::write(&temporary, bytes)
        .map_err(|e| FsError::new("writing", path, e))
        .and_then(|()| {
            std::fs::rename(&temporary, path).map_err(|e| FsError::new("replacing", path, e))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

pub fn create_dir_all(path: &Path) -> Result<(), FsError> {
    std::fs::create_dir_all(path).map_err(|e| FsError::new("creating the folder", path, e))
}

pub fn copy(from: &Path, to: &Path) -> Result<(), FsError> {
    if let Some(parent) = to.parent() {
        create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| FsError::new("copying", from, e))
}

pub fn remove_dir_all(path: &Path) -> Result<(), FsError> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(FsError::new("removing", path, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_reads_as_part_of_a_sentence() {
        let full = io::Error::from_raw_os_error(28);
        assert_eq!(reason(&full), "no space left on device");
        let error = FsError::new("writing", Path::new("build/.next/site/a.html"), full);
        assert_eq!(
            error.to_string(),
            "no space left on device while writing `build/.next/site/a.html`"
        );
        // Words kept by a library that dropped the number's meaning stay words.
        let kept = io::Error::other("No space left on device (os error 28)");
        assert_eq!(reason(&kept), "no space left on device");
        assert_eq!(
            reason(&io::Error::other("EOF while reading")),
            "EOF while reading"
        );
    }
}
