//! A help center in a temp folder and the real binary to run on it (mdBook's `BookTest`).

use std::path::{Path, PathBuf};
use std::process::Output;

use tempfile::TempDir;

/// The repository root: the bundled demo help center lives here.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct HelpCenter {
    dir: TempDir,
}

/// What a command did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(self) -> Run {
        assert_eq!(
            self.code, 1,
            "expected exit code 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl HelpCenter {
    /// An empty folder.
    pub fn empty() -> HelpCenter {
        HelpCenter {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The smallest help center: book.toml and one article.
    pub fn minimal() -> HelpCenter {
        let hc = HelpCenter::empty();
        hc.write(
            "book.toml",
            "[book]\ntitle = \"Test Help\"\nlanguages = [\"ru\"]\n",
        );
        hc.write(
            "content/returns/_index.md",
            "+++\ntitle = \"Returns\"\n+++\n",
        );
        hc.write(
            "content/returns/refund-policy.md",
            "+++\ntitle = \"Refund policy\"\nkind = \"faq\"\n+++\n\n## How long does a refund take?\n\nFourteen days.\n",
        );
        hc
    }

    /// A copy of the bundled demo (book.toml, content/, static/).
    pub fn demo() -> HelpCenter {
        let hc = HelpCenter::empty();
        std::fs::copy(repo().join("book.toml"), hc.path("book.toml")).expect("copy book.toml");
        copy_dir(&repo().join("content"), &hc.path("content"));
        copy_dir(&repo().join("static"), &hc.path("static"));
        hc
    }

    /// A copy of any folder as the help center's `content/`, with the given book.toml.
    pub fn with_content(content: &Path, book_toml: &str) -> HelpCenter {
        let hc = HelpCenter::empty();
        hc.write("book.toml", book_toml);
        copy_dir(content, &hc.path("content"));
        hc
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) -> &HelpCenter {
        self.write_bytes(relative, text.as_bytes())
    }

    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) -> &HelpCenter {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
        std::fs::write(&path, bytes).expect("write");
        self
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("read {relative}: {e}"))
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    /// Runs `helpbook ARGS --root <this help center>` with a clean environment.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_helpbook"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .output()
            .expect("run helpbook");
        Run::from(output)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn check(&self) -> Run {
        self.run(&["check"])
    }

    /// Every file under `build/site`, relative, sorted.
    pub fn site_files(&self) -> Vec<String> {
        let site = self.path("build/site");
        let mut files: Vec<String> = walk(&site)
            .into_iter()
            .map(|p| {
                p.strip_prefix(&site)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        files
    }

    /// Every file under `build/site` with its bytes, to compare whole builds.
    pub fn site_bytes(&self) -> Vec<(String, Vec<u8>)> {
        self.site_files()
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(self.path(&format!("build/site/{f}"))).expect("read");
                (f, bytes)
            })
            .collect()
    }

    /// The `<main>` element of a built page: what snapshots compare.
    pub fn main_of(&self, page: &str) -> String {
        let html = self.read(&format!("build/site/{page}"));
        let start = html.find("<main").expect("page has <main>");
        let end = html.find("</main>").expect("page has </main>") + "</main>".len();
        html[start..end].to_string()
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for file in walk(from) {
        let target = to.join(file.strip_prefix(from).expect("inside"));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("create dir");
        std::fs::copy(&file, &target).expect("copy");
        let mut permissions = std::fs::metadata(&target).expect("metadata").permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&target, permissions).expect("make writable");
    }
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The corpus folder, or `None` (with a note) when this checkout has none beside it. In CI it
/// must be there.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let dir = repo().join("../shared/corpus").join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI runs with ../shared/corpus beside the repository"
    );
    eprintln!("skipping: {} is not here", dir.display());
    None
}
