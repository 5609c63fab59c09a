//! The output folder (`build/`: `site/` and later `index/`), written atomically: a new build
//! goes to a staging folder beside it and is swapped in at once with `renameat2`'s
//! `RENAME_EXCHANGE`, so a failed or interrupted build leaves the previous output untouched and
//! a running server never sees a half-written site. Nothing else writes under `build/`.

use std::path::{Path, PathBuf};

use crate::fs::{self, FsError};
use crate::render::PageSink;

/// A file in every build folder so that we never swap away a folder that is not ours.
const MARKER: &str = ".helpbook-build";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// `--out` names a folder that holds something other than a helpbook build.
    #[error("`{}` exists and is not a helpbook build folder; refusing to replace it", .0.display())]
    NotABuild(PathBuf),
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The final swap failed; the previous build is still in place.
    #[error("cannot swap the new build into `{}`: {source}", path.display())]
    Swap {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A build being written. Dropped without [`Staging::commit`], it removes itself.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    root: PathBuf,
    committed: bool,
}

impl Staging {
    /// Starts a build that will replace `target` (e.g. `build/`).
    pub fn create(target: &Path) -> Result<Staging, OutputError> {
        if target.exists() && !target.join(MARKER).exists() && !is_empty_dir(target) {
            return Err(OutputError::NotABuild(target.to_path_buf()));
        }
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map_or_else(|| "build".into(), |n| n.to_string_lossy().to_string());
        let prefix = format!(".{name}.staging-");
        remove_abandoned(parent, &prefix);
        let root = parent.join(format!("{prefix}{}", std::process::id()));
        fs::remove_dir_all(&root)?;
        fs::create_dir_all(&root.join("site"))?;
        fs::write(
            &root.join(MARKER),
            b"This folder is written by `helpbook build`; it is replaced on every build.\n",
        )?;
        Ok(Staging {
            target: target.to_path_buf(),
            root,
            committed: false,
        })
    }

    /// Where the site's files go.
    pub fn site_dir(&self) -> PathBuf {
        self.root.join("site")
    }

    /// Where the search index goes.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// Swaps the new build in: after this, `target` is the new build, atomically.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let swap_error = |source| OutputError::Swap {
            path: self.target.clone(),
            source,
        };
        if self.target.exists() {
            match rustix::fs::renameat_with(
                rustix::fs::CWD,
                &self.root,
                rustix::fs::CWD,
                &self.target,
                rustix::fs::RenameFlags::EXCHANGE,
            ) {
                Ok(()) => {
                    self.committed = true;
                    // `root` now holds the previous build.
                    remove_tree(&self.root)?;
                    return Ok(());
                }
                // Some file systems cannot exchange; fall back to two renames (a brief gap).
                Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
                    let old = self.root.with_extension("old");
                    std::fs::rename(&self.target, &old).map_err(swap_error)?;
                    std::fs::rename(&self.root, &self.target).map_err(swap_error)?;
                    self.committed = true;
                    remove_tree(&old)?;
                    return Ok(());
                }
                Err(e) => return Err(swap_error(e.into())),
            }
        }
        std::fs::rename(&self.root, &self.target).map_err(swap_error)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

impl PageSink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        // Paths come from slugs and checked aliases; refuse anything that could leave the site.
        if path.split('/').any(|p| p == "..") || path.starts_with('/') {
            return Err(format!("refusing to write outside the site: `{path}`"));
        }
        fs::write(&self.site_dir().join(path), bytes).map_err(|e| e.to_string())
    }
}

/// A build killed mid-way (Ctrl-C, power loss) leaves its staging folder behind; remove those
/// whose process is gone. A staging folder of a build still running is left alone.
fn remove_abandoned(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('.').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = remove_tree(&entry.path());
        }
    }
}

/// Removes a build folder, its subfolders in parallel: deleting 10,000 page folders one by
/// one is a large part of a big build's time.
fn remove_tree(path: &Path) -> Result<(), FsError> {
    use rayon::prelude::*;
    let children = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let mut parts: Vec<PathBuf> = Vec::new();
    for child in children(path) {
        if child.is_dir() {
            parts.extend(children(&child).into_iter().filter(|c| c.is_dir()));
        }
    }
    parts
        .par_iter()
        .try_for_each(|dir| fs::remove_dir_all(dir))?;
    fs::remove_dir_all(path)
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_previous_build_and_drop_discards() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("build");
        let first = Staging::create(&target).unwrap();
        first.put("index.html", b"one").unwrap();
        first.commit().unwrap();
        assert_eq!(
            std::fs::read(target.join("site/index.html")).unwrap(),
            b"one"
        );

        let second = Staging::create(&target).unwrap();
        second.put("index.html", b"two").unwrap();
        drop(second);
        assert_eq!(
            std::fs::read(target.join("site/index.html")).unwrap(),
            b"one"
        );

        let third = Staging::create(&target).unwrap();
        third.put("other.html", b"three").unwrap();
        third.commit().unwrap();
        assert!(!target.join("site/index.html").exists());
        assert!(target.join("site/other.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }

    #[test]
    fn staging_folders_of_killed_builds_are_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        // No process has a pid this large (pid_max is at most 2^22).
        let abandoned = dir.path().join(".build.staging-99999999");
        std::fs::create_dir_all(abandoned.join("site")).unwrap();
        let staging = Staging::create(&dir.path().join("build")).unwrap();
        assert!(!abandoned.exists());
        staging.commit().unwrap();
    }

    #[test]
    fn refuses_to_replace_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), b"x").unwrap();
        assert!(matches!(
            Staging::create(dir.path()),
            Err(OutputError::NotABuild(_))
        ));
    }
}
