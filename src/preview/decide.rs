//! What a save changes: each path the watcher reports is sorted into a [`ChangeKind`], and a
//! save into a [`Plan`]: nothing, an update in place of one article, or a full build. Pure: no
//! disk, no watcher, so every rule has a test.

use std::path::{Path, PathBuf};

use crate::content;

/// The folders watched recursively, when the help center has them; `book.toml` is watched
/// through the root folder, so that editors that save by renaming are seen too.
pub const WATCHED: [&str; 3] = ["content", "themes", "static"];

/// What changed on disk since the last build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These files (absolute paths) were saved, created, renamed or deleted.
    Files(Vec<PathBuf>),
    /// The watcher lost track (too many events at once), or nothing was built yet: anything
    /// may have changed.
    Unknown,
}

/// What a changed path is to the help center (Zola's `ChangeKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A Markdown file in `content/`: maybe an article an update can redo by itself.
    Article,
    /// Anything else in `content/` (a picture, a folder).
    Content,
    /// A file of a theme in `themes/`.
    Theme,
    /// A file in `static/`, copied as it is.
    Static,
    /// `book.toml`.
    Config,
    /// One of the watched folders itself, at the root (made or removed while previewing).
    WatchedFolder,
    /// Nothing the site is made of: an editor's swap or backup file, `build/`, anything else
    /// at the root.
    Ignored,
}

/// What to do about a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing the site is made of changed.
    Nothing,
    /// Update the kept build for this one file, which may be an article (the update finds
    /// out, and asks for a full build when it is not one it can redo).
    Update(PathBuf),
    /// Build everything again.
    FullBuild,
}

/// What `path` (absolute, as the watcher reports it) is to the help center at `root`.
pub fn classify(root: &Path, path: &Path) -> ChangeKind {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    // Hidden files, and editors' swap, backup and temporary files: a save through one is
    // also seen as the save of the file it is renamed to.
    if name.starts_with('.') || content::is_editor_file(name) {
        return ChangeKind::Ignored;
    }
    let Ok(relative) = path.strip_prefix(root) else {
        return ChangeKind::Ignored;
    };
    let mut parts = relative.components();
    let top = parts
        .next()
        .and_then(|part| part.as_os_str().to_str())
        .unwrap_or_default();
    let at_root = parts.next().is_none();
    match top {
        "book.toml" if at_root => ChangeKind::Config,
        folder if at_root && WATCHED.contains(&folder) => ChangeKind::WatchedFolder,
        "content" if name.ends_with(".md") => ChangeKind::Article,
        "content" => ChangeKind::Content,
        "themes" => ChangeKind::Theme,
        "static" => ChangeKind::Static,
        _ => ChangeKind::Ignored,
    }
}

/// Whether a change to `path` is worth building for.
pub fn matters(root: &Path, path: &Path) -> bool {
    classify(root, path) != ChangeKind::Ignored
}

/// What to do about `change`, when a kept build `can_update` in place. Only a single saved
/// article is updated in place: several files saved at once (Save All, a checkout) may only
/// agree with each other, as when one renames a heading and another its link, and a full
/// build checks them together. A template, `static/`, `book.toml` or a folder may change
/// every page.
pub fn plan(root: &Path, change: &Change, can_update: bool) -> Plan {
    let Change::Files(files) = change else {
        return Plan::FullBuild;
    };
    let files: Vec<&PathBuf> = files.iter().filter(|f| matters(root, f)).collect();
    match files.as_slice() {
        [] => Plan::Nothing,
        [file] if can_update && classify(root, file) == ChangeKind::Article => {
            Plan::Update(file.to_path_buf())
        }
        _ => Plan::FullBuild,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "/help";

    fn saved(paths: &[&str]) -> Change {
        Change::Files(paths.iter().map(|p| Path::new(ROOT).join(p)).collect())
    }

    fn plan_for(paths: &[&str]) -> Plan {
        plan(Path::new(ROOT), &saved(paths), true)
    }

    #[test]
    fn each_path_is_what_it_is_to_the_help_center() {
        let cases = [
            ("content/returns/refund-policy.md", ChangeKind::Article),
            ("content/returns/_index.md", ChangeKind::Article),
            ("content/returns/box.png", ChangeKind::Content),
            ("themes/shop/templates/article.html", ChangeKind::Theme),
            ("static/logo.svg", ChangeKind::Static),
            ("book.toml", ChangeKind::Config),
            ("content", ChangeKind::WatchedFolder),
            ("themes", ChangeKind::WatchedFolder),
            ("build/site/index.html", ChangeKind::Ignored),
            ("build", ChangeKind::Ignored),
            ("notes.txt", ChangeKind::Ignored),
            ("content/returns/.refund-policy.md.swp", ChangeKind::Ignored),
            ("content/returns/refund-policy.md~", ChangeKind::Ignored),
            ("static/book.toml", ChangeKind::Static),
        ];
        for (path, kind) in cases {
            assert_eq!(
                classify(Path::new(ROOT), &Path::new(ROOT).join(path)),
                kind,
                "{path}"
            );
        }
        assert_eq!(
            classify(Path::new(ROOT), Path::new("/elsewhere/book.toml")),
            ChangeKind::Ignored
        );
    }

    #[test]
    fn a_saved_article_is_updated_in_place() {
        assert_eq!(
            plan_for(&["content/returns/refund-policy.md"]),
            Plan::Update(Path::new(ROOT).join("content/returns/refund-policy.md"))
        );
    }

    #[test]
    fn an_article_with_an_editor_file_beside_it_is_still_one_save() {
        assert_eq!(
            plan_for(&[
                "content/returns/refund-policy.md",
                "content/returns/.refund-policy.md.swp",
                "build/site/returns/refund-policy/index.html",
            ]),
            Plan::Update(Path::new(ROOT).join("content/returns/refund-policy.md"))
        );
    }

    #[test]
    fn a_template_static_file_book_toml_or_other_content_builds_everything() {
        for path in [
            "themes/shop/templates/article.html",
            "static/logo.svg",
            "book.toml",
            "content/returns/box.png",
            "content",
        ] {
            assert_eq!(plan_for(&[path]), Plan::FullBuild, "{path}");
        }
    }

    #[test]
    fn articles_saved_together_are_built_together() {
        assert_eq!(plan_for(&["content/a.md", "content/b.md"]), Plan::FullBuild);
    }

    #[test]
    fn a_file_in_build_or_an_editor_file_changes_nothing() {
        assert_eq!(
            plan_for(&["build/site/index.html", "content/.a.md.swp"]),
            Plan::Nothing
        );
        assert_eq!(plan_for(&[]), Plan::Nothing);
    }

    #[test]
    fn without_a_kept_build_or_track_of_the_files_everything_is_built() {
        let article = saved(&["content/a.md"]);
        assert_eq!(plan(Path::new(ROOT), &article, false), Plan::FullBuild);
        assert_eq!(
            plan(Path::new(ROOT), &Change::Unknown, true),
            Plan::FullBuild
        );
    }
}
