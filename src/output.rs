//! The output folder, written atomically. Layout:
//!
//! ```text
//! build/
//!   site/    the live site (served)        index/   the live search index
//!   .next/   the generation being written; after a swap, the previous one
//! ```
//!
//! A build writes `.next/site`, then swaps it with `site` using `renameat2`'s
//! `RENAME_EXCHANGE`: a failed or interrupted build leaves `site/` untouched, and a running
//! server never sees a missing or half-written site. The previous generation stays in `.next`
//! and is overwritten in place by the next build (stale files pruned): creating 10,000 fresh
//! files and folders and deleting as many is most of a big build's time on ext4.
//!
//! While a build writes `.next`, `.next/.writing` says so. A `.next` that still holds it when
//! the next build starts was left by a build that failed or was killed: its pages are no
//! generation, and its list of files is not what they are. That list is dropped first (with
//! anything but the pages), so that the build's commit walks `.next/site` and deletes every
//! page it did not write itself; the pages stay until then to be written over, since deleting
//! and creating 10,000 again took a 10,000-article build from 14-21 s to 96 s. A build that
//! fails on the disk (full, read-only) removes what it wrote at once, giving the space back.
//! Nothing else writes under `build/`.

use std::collections::HashSet;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::fs::{self, FsError, PageWriteError};
use crate::render::PageSink;

/// A file in every build folder so that we never swap away a folder that is not ours.
const MARKER: &str = ".helpbook-build";
const NEXT: &str = ".next";
/// In `.next` while a build writes it (see the module's doc).
const WRITING: &str = ".writing";
const LOCK: &str = ".lock";
/// Inside each generation's `site/`: the files that build wrote, one per line, so the build
/// after next can delete what it no longer writes without walking 10,000 folders. A dotfile,
/// never served.
const MANIFEST: &str = ".helpbook-files";
/// The generation's parts, swapped one by one.
const PARTS: &[&str] = &["site", "index"];

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// `--out` names a folder that holds something other than a helpbook build.
    #[error("`{}` exists and is not a helpbook build folder; refusing to write into it: pass an empty or new folder with `--out`", .0.display())]
    NotABuild(PathBuf),
    /// Another build holds the lock on the output folder.
    #[error("another helpbook build is writing `{}`; wait for it to finish", .0.display())]
    Busy(PathBuf),
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The final swap failed; the previous build is still in place.
    #[error("cannot swap the new build into `{}`: {}; the previous build is still there (check the folder's permissions and free space)", path.display(), fs::reason(source))]
    Swap {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A build being written into `<out>/.next`. Dropped without [`Staging::commit`], the live
/// build stays as it was.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    next: PathBuf,
    /// Site-relative paths written by this build; everything else in `.next/site` is stale.
    written: Mutex<HashSet<String>>,
    /// The first page that could not be written: the disk is full or read-only, and the
    /// build stops writing (see [`Staging::failure`]).
    failed: Mutex<Option<FsError>>,
    /// Held until the build is done: one build at a time per output folder.
    _lock: OwnedFd,
}

impl Staging {
    /// Starts a build into `out` (e.g. `build/`), creating it if needed.
    pub fn create(out: &Path) -> Result<Staging, OutputError> {
        if out.exists() && !out.join(MARKER).exists() && !is_empty_dir(out) {
            return Err(OutputError::NotABuild(out.to_path_buf()));
        }
        fs::create_dir_all(out)?;
        fs::write(
            &out.join(MARKER),
            b"This folder is written by `helpbook build`: site/ is the site, index/ the search index.\n",
        )?;
        // Held from here on: no other build is writing `.next` while it is cleared.
        let lock = lock(out)?;
        let next = out.join(NEXT);
        if next.join(WRITING).exists() {
            clear(&next)?;
        }
        fs::create_dir_all(&next)?;
        fs::write(&next.join(WRITING), b"")?;
        fs::create_dir_all(&next.join("site"))?;
        // The index is rebuilt from scratch by the search module.
        fs::remove_dir_all(&next.join("index"))?;
        Ok(Staging {
            out: out.to_path_buf(),
            next,
            written: Mutex::new(HashSet::new()),
            failed: Mutex::new(None),
            _lock: lock,
        })
    }

    /// The first page write that failed (the disk is full or read-only), if one did. Pages
    /// after it are not written; the build cannot be committed.
    pub fn failure(&self) -> Option<FsError> {
        self.failed.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Gives up this build after a disk failure: removes what it wrote, so that a full disk
    /// gets its space back now. The live build stays as it was; what cannot be removed is
    /// cleared by the next build.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.next);
    }

    /// Where the site's files go.
    pub fn site_dir(&self) -> PathBuf {
        self.next.join("site")
    }

    /// Where the search index goes (created by its writer).
    pub fn index_dir(&self) -> PathBuf {
        self.next.join("index")
    }

    /// Removes what the previous generation left and this build did not write, then swaps the
    /// new generation in. After this, `out/site` is the new site, atomically.
    pub fn commit(self) -> Result<(), OutputError> {
        if let Err(error) = self.finish_site() {
            self.abandon();
            return Err(error.into());
        }
        let mut swapped: Vec<&str> = Vec::new();
        for part in PARTS {
            let new = self.next.join(part);
            let live = self.out.join(part);
            if !new.exists() {
                continue;
            }
            if let Err(source) = swap(&new, &live) {
                // The parts swapped already go back: the site and its index stay one build.
                for part in swapped {
                    let _ = swap(&self.next.join(part), &self.out.join(part));
                }
                return Err(OutputError::Swap { path: live, source });
            }
            swapped.push(part);
        }
        // `.next` now holds the previous generation, whole. Should this fail, the next build
        // clears it rather than reusing it: slower, never wrong.
        let _ = std::fs::remove_file(self.next.join(WRITING));
        Ok(())
    }

    /// Prunes what the previous generation left and this build did not write, and lists what
    /// it wrote.
    fn finish_site(&self) -> Result<(), FsError> {
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let site = self.site_dir();
        match std::fs::read_to_string(site.join(MANIFEST)) {
            Ok(previous) => prune_listed(&site, previous.lines(), &written)?,
            // No list (first reuse, or written by an older helpbook): walk the folder.
            Err(_) => {
                prune(&site, &site, &written)?;
            }
        }
        let mut manifest: Vec<&str> = written.iter().map(String::as_str).collect();
        manifest.sort_unstable();
        fs::write(
            &site.join(MANIFEST),
            (manifest.join("\n") + "\n").as_bytes(),
        )
    }
}

/// Makes what a failed or killed build left in `.next` safe to write over: its pages' list is
/// removed (the commit then walks the folder, see the module's doc), and everything beside
/// `site/` (its index, a half-swapped folder). Only `out/.next` is touched, under the lock;
/// a symbolic link there is removed, not followed.
fn clear(next: &Path) -> Result<(), FsError> {
    match std::fs::symlink_metadata(next) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return std::fs::remove_file(next).map_err(|e| FsError::new("removing", next, e));
        }
        Err(_) => return Ok(()),
    }
    let site = next.join("site");
    let entries =
        std::fs::read_dir(next).map_err(|e| FsError::new("reading the folder", next, e))?;
    for entry in entries {
        let path = entry
            .map_err(|e| FsError::new("reading the folder", next, e))?
            .path();
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_dir());
        if path == site && is_dir {
            remove_file(&site.join(MANIFEST))?;
        } else if is_dir {
            fs::remove_dir_all(&path)?;
        } else {
            remove_file(&path)?;
        }
    }
    Ok(())
}

/// Removes a file; one already gone is fine.
fn remove_file(path: &Path) -> Result<(), FsError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(FsError::new("removing", path, e))
        }
        _ => Ok(()),
    }
}

impl PageSink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), PageWriteError> {
        // Paths come from slugs and checked aliases; refuse anything that could leave the site.
        inside_site(path)?;
        // One write per file: two pages racing for one path would make the output depend on
        // which finished last. The build checks for such clashes first; this is the backstop.
        let first = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string());
        if !first {
            return Err(PageWriteError::WrittenTwice(path.to_string()));
        }
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(error) = failed.as_ref() {
            // One failure says it all; 10,000 more attempts would only say it again.
            return Err(error.again().into());
        }
        drop(failed);
        if let Err(error) = fs::write(&self.site_dir().join(path), bytes) {
            let again = error.again();
            failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
            failed.get_or_insert(error);
            return Err(again.into());
        }
        Ok(())
    }
}

/// Writes pages over a live site (`<out>/site`) one by one (preview's updates of one
/// article): each through a temporary file and a rename, so a request never reads one
/// half-written. Only pages the site already has are written this way, so the generation's
/// list of files stays true.
pub struct InPlace {
    site: PathBuf,
}

impl InPlace {
    pub fn new(out: &Path) -> InPlace {
        InPlace {
            site: out.join("site"),
        }
    }
}

impl PageSink for InPlace {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), PageWriteError> {
        inside_site(path)?;
        Ok(fs::replace(&self.site.join(path), bytes)?)
    }
}

/// Refuses a site-relative path that could leave the site's folder.
fn inside_site(path: &str) -> Result<(), PageWriteError> {
    if path.split('/').any(|p| p == ".." || p.is_empty()) || path.starts_with('/') {
        return Err(PageWriteError::OutsideSite(path.to_string()));
    }
    Ok(())
}

/// Exchanges `new` and `live` atomically; when `live` does not exist yet, renames.
fn swap(new: &Path, live: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    if !live.exists() {
        return std::fs::rename(new, live);
    }
    match renameat_with(CWD, new, CWD, live, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // File systems without RENAME_EXCHANGE: two renames, with a moment without `live`.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
            let old = new.with_extension("old");
            std::fs::rename(live, &old)?;
            std::fs::rename(new, live)?;
            std::fs::rename(&old, new)
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes the files of `previous` (a generation's manifest) that this build did not write,
/// and the folders that leaves empty.
fn prune_listed<'a>(
    site: &Path,
    previous: impl Iterator<Item = &'a str>,
    written: &HashSet<String>,
) -> Result<(), FsError> {
    let mut parents: Vec<PathBuf> = Vec::new();
    for path in previous.filter(|p| !p.is_empty() && !written.contains(*p)) {
        if path.split('/').any(|part| part == ".." || part.is_empty()) {
            continue;
        }
        let file = site.join(path);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(FsError::new("removing", &file, e));
            }
            _ => {}
        }
        if let Some(parent) = file.parent() {
            parents.push(parent.to_path_buf());
        }
    }
    // Deepest first, so that a folder emptied by its emptied subfolder goes too.
    parents.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    parents.dedup();
    for mut dir in parents {
        while dir != site && std::fs::remove_dir(&dir).is_ok() {
            match dir.parent() {
                Some(parent) => dir = parent.to_path_buf(),
                None => break,
            }
        }
    }
    Ok(())
}

/// Deletes files under `dir` that this build did not write, and folders left empty.
fn prune(site: &Path, dir: &Path, written: &HashSet<String>) -> Result<bool, FsError> {
    let entries = std::fs::read_dir(dir).map_err(|e| FsError::new("reading the folder", dir, e))?;
    let mut empty = true;
    for entry in entries.flatten() {
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir {
            if prune(site, &path, written)? {
                std::fs::remove_dir(&path).map_err(|e| FsError::new("removing", &path, e))?;
            } else {
                empty = false;
            }
            continue;
        }
        let relative = path
            .strip_prefix(site)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if written.contains(&relative) {
            empty = false;
        } else {
            std::fs::remove_file(&path).map_err(|e| FsError::new("removing", &path, e))?;
        }
    }
    Ok(empty)
}

/// An exclusive lock on `out/.lock`, released when the process ends, however it ends.
fn lock(out: &Path) -> Result<OwnedFd, OutputError> {
    use rustix::fs::{FlockOperation, Mode, OFlags, flock, open};
    let path = out.join(LOCK);
    let fd = open(
        &path,
        OFlags::CREATE | OFlags::RDWR | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    )
    .map_err(|e| FsError::new("opening", &path, e.into()))?;
    match flock(&fd, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(fd),
        Err(rustix::io::Errno::WOULDBLOCK) => Err(OutputError::Busy(out.to_path_buf())),
        Err(e) => Err(FsError::new("locking", &path, e.into()).into()),
    }
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn commit_replaces_the_previous_build_and_drop_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("build");
        let first = Staging::create(&out).unwrap();
        first.put("index.html", b"one").unwrap();
        first.put("a/index.html", b"a1").unwrap();
        first.commit().unwrap();
        assert_eq!(read(out.join("site/index.html")), "one");

        let failed = Staging::create(&out).unwrap();
        failed.put("index.html", b"two").unwrap();
        drop(failed);
        assert_eq!(
            read(out.join("site/index.html")),
            "one",
            "a failed build changes nothing"
        );

        let third = Staging::create(&out).unwrap();
        third.put("b/index.html", b"b3").unwrap();
        third.commit().unwrap();
        assert!(
            !out.join("site/index.html").exists(),
            "files the new build did not write are gone"
        );
        assert!(
            !out.join("site/a").exists(),
            "and so are folders left empty"
        );
        assert_eq!(read(out.join("site/b/index.html")), "b3");

        let fourth = Staging::create(&out).unwrap();
        fourth.put("index.html", b"four").unwrap();
        fourth.commit().unwrap();
        assert!(
            !out.join("site/b").exists(),
            "stale files of two builds ago are pruned too"
        );
        assert_eq!(read(out.join("site/index.html")), "four");
    }

    #[test]
    fn one_build_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("build");
        let first = Staging::create(&out).unwrap();
        assert!(matches!(Staging::create(&out), Err(OutputError::Busy(_))));
        drop(first);
        Staging::create(&out).unwrap();
    }

    #[test]
    fn refuses_to_write_into_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), b"x").unwrap();
        assert!(matches!(
            Staging::create(dir.path()),
            Err(OutputError::NotABuild(_))
        ));
    }

    #[test]
    fn a_file_is_written_once_per_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("build");
        let staging = Staging::create(&out).unwrap();
        staging
            .put("search/index.html", b"the search page")
            .unwrap();
        assert!(matches!(
            staging.put("search/index.html", b"an article"),
            Err(PageWriteError::WrittenTwice(_))
        ));
        staging.commit().unwrap();
        assert_eq!(read(out.join("site/search/index.html")), "the search page");
    }

    #[test]
    fn refuses_paths_that_leave_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::create(&dir.path().join("build")).unwrap();
        for path in ["../escape.html", "/etc/x"] {
            let error = staging.put(path, b"x").unwrap_err();
            assert!(matches!(error, PageWriteError::OutsideSite(_)), "{error}");
        }
    }
}
