//! A search index damaged after its build — a byte flipped in a Tantivy file, a file gone or
//! cut short, an index of another version: `helpbook search` and `helpbook serve` refuse it
//! at once, naming the file and saying to rebuild, never a panic; a running server keeps the
//! index it has when a new one is damaged.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{HelpCenter, Run};
use crate::serve::Server;

fn built_demo() -> HelpCenter {
    let hc = HelpCenter::demo();
    hc.build().success();
    hc
}

/// The first (by name) file of the index in `index` whose name ends in `.ext`: a part of a
/// Tantivy segment.
fn segment_file(index: &Path, ext: &str) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(index)
        .expect("index folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files.into_iter().next().expect("a segment file")
}

fn name(path: &Path) -> String {
    path.file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned()
}

/// Inverts a few bytes in the middle of `path`, as a failing disk or a bad copy would.
fn flip_bytes(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    let (middle, end) = (bytes.len() / 2, (bytes.len() / 2 + 4).min(bytes.len()));
    for byte in &mut bytes[middle..end] {
        *byte ^= 0xff;
    }
    std::fs::write(path, bytes).expect("write");
}

/// `helpbook serve` on the help center's build, which must end by itself rather than serve;
/// killed (and the test failed) if it is still running after 30 seconds.
fn serve_refusing(hc: &HelpCenter) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpbook"))
        .args(["serve", "--bind", "127.0.0.1:0", "--root"])
        .arg(hc.root())
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start helpbook serve");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!(
                "helpbook serve started on a damaged index:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `helpbook search` and `helpbook serve` both refuse the index with exit code 1, a message
/// naming `file` and saying to rebuild, and no panic.
#[track_caller]
fn refused_naming(hc: &HelpCenter, file: &str) {
    for (command, run) in [
        ("search", hc.run(&["search", "refund"])),
        ("serve", serve_refusing(hc)),
    ] {
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("`{file}`"))
                && run.stderr.contains("rebuild it with `helpbook build`"),
            "{command}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "{command}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_flipped_byte_in_a_fast_field_file_is_refused() {
    let hc = built_demo();
    let fast = segment_file(&hc.path("build/index"), "fast");
    flip_bytes(&fast);
    refused_naming(&hc, &name(&fast));
}

#[test]
fn a_flipped_byte_in_a_term_dictionary_is_refused() {
    let hc = built_demo();
    let terms = segment_file(&hc.path("build/index"), "term");
    flip_bytes(&terms);
    refused_naming(&hc, &name(&terms));
}

#[test]
fn a_missing_positions_file_is_refused() {
    let hc = built_demo();
    let positions = segment_file(&hc.path("build/index"), "pos");
    std::fs::remove_file(&positions).expect("remove");
    refused_naming(&hc, &name(&positions));
}

#[test]
fn helpbooks_own_files_cut_short_are_refused() {
    let hc = built_demo();
    for file in ["helpbook-lexicon.tsv", "helpbook-hits.bin"] {
        let path = hc.path(&format!("build/index/{file}"));
        let whole = std::fs::read(&path).expect("read");
        std::fs::write(&path, &whole[..whole.len() - 100]).expect("cut short");
        refused_naming(&hc, file);
        std::fs::write(&path, &whole).expect("restore");
    }
    hc.run(&["search", "refund"]).success();
}

#[test]
fn an_index_of_another_format_is_refused() {
    let hc = built_demo();
    let list = hc.path("build/index/helpbook-index.json");
    let text = std::fs::read_to_string(&list).expect("the index's list of files");
    let later = text.replacen(
        &format!("\"format\": {}", helpbook::search::INDEX_FORMAT),
        "\"format\": 99",
        1,
    );
    assert_ne!(text, later, "{text}");
    std::fs::write(&list, later).expect("write");
    let run = hc.run(&["search", "refund"]).failure();
    assert!(
        run.stderr
            .contains("written by another version of helpbook (index format 99")
            && run.stderr.contains("rebuild it with `helpbook build`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_damaged_new_build_leaves_the_server_on_the_one_it_has() {
    let hc = built_demo();
    let server = Server::start(&hc);
    let title = "Refund policy: when you get your money back";
    let answer = |server: &Server| {
        let reply = server.get("/api/search?q=refund+policy");
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["hits"][0]["title"].clone()
    };
    assert_eq!(answer(&server), title);

    // A new build, its index damaged, swapped in as a build swaps it (one atomic exchange).
    let article = "content/returns/refund-policy.md";
    hc.write(
        article,
        &hc.read(article)
            .replace(title, "Refund policy: money back within fourteen days"),
    );
    hc.run(&["build", "--out", &hc.path("next").display().to_string()])
        .success();
    let positions = segment_file(&hc.path("next/index"), "pos");
    std::fs::remove_file(&positions).expect("remove");
    rustix::fs::renameat_with(
        rustix::fs::CWD,
        hc.path("next/index"),
        rustix::fs::CWD,
        hc.path("build/index"),
        rustix::fs::RenameFlags::EXCHANGE,
    )
    .expect("swap the index in");

    let logged = server.log_until("could not be opened", std::time::Duration::from_secs(30));
    assert!(
        logged.contains(&format!("`{}` is missing", name(&positions)))
            && logged.contains("rebuild"),
        "{logged}"
    );
    assert_eq!(answer(&server), title, "the server keeps the index it had");
}
