//! The build folder when a build goes wrong — the disk fills up, the build is killed, the
//! content has errors: the served build stays byte for byte as it was, the error says why and
//! which file, and the next build needs no cleaning up by hand.

use std::collections::BTreeMap;

use crate::harness::{HelpCenter, Run, walk};

/// Every file under `build/site` and `build/index` with its bytes: the served build.
fn served(hc: &HelpCenter) -> BTreeMap<String, Vec<u8>> {
    let build = hc.path("build");
    ["site", "index"]
        .iter()
        .flat_map(|part| walk(&build.join(part)))
        .map(|file| {
            let bytes = std::fs::read(&file).expect("read");
            let name = file.strip_prefix(&build).expect("inside").display();
            (name.to_string(), bytes)
        })
        .collect()
}

/// Runs `helpbook ARGS --root <hc>` with every file it writes limited to 4096 blocks of the
/// shell's `ulimit -f` (2 or 4 MB): a write past that fails for real, as on a full disk,
/// even for root, whom no permission stops. The system answers `EFBIG` when the process
/// ignores `SIGXFSZ` (`survives`), else the signal kills the process at that write, as
/// `kill -9` would.
fn run_with_small_disk(hc: &HelpCenter, args: &[&str], survives: bool) -> Run {
    let ignore = if survives { "trap '' XFSZ; " } else { "" };
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{ignore}ulimit -f 4096 && exec \"$@\""))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_helpbook"))
        .args(args)
        .arg("--root")
        .arg(hc.root())
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .expect("run helpbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A file bigger than the limit of [`run_with_small_disk`], and than anything else a build
/// of the demo writes: the one write that fails.
fn add_big_download(hc: &HelpCenter) {
    hc.write_bytes("content/returns/return-label.pdf", &vec![b'%'; 8 << 20]);
}

/// Builds twice, as a help center that has been built before: the build folder then holds the
/// served build and, beside it, the one before, which the next build writes over.
fn built_twice(hc: &HelpCenter) {
    hc.build().success();
    hc.build().success();
}

#[test]
fn a_full_disk_says_so_and_the_served_build_stays() {
    let hc = HelpCenter::demo();
    hc.build().success();
    let before = served(&hc);
    add_big_download(&hc);

    let run = run_with_small_disk(&hc, &["build"], true).failure();
    let file = hc.path("build/.next/site/returns/return-label.pdf");
    assert!(
        run.stderr.contains(&format!(
            "file too large while writing `{}`",
            file.display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "said once: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(served(&hc) == before, "the served build is untouched");
    assert!(!file.exists(), "what the failed build wrote is removed");

    // Room again: the next build succeeds, nothing cleaned up by hand.
    hc.build().success();
    let written = std::fs::metadata(hc.path("build/site/returns/return-label.pdf"));
    assert_eq!(written.expect("served").len(), 8 << 20);
}

#[test]
fn nothing_of_a_killed_build_goes_live() {
    let hc = HelpCenter::demo();
    built_twice(&hc);
    let before = served(&hc);
    add_big_download(&hc);
    // Killed while it writes the download, its pages and index written beside the served ones.
    let run = run_with_small_disk(&hc, &["build"], false);
    assert_eq!(run.code, -1, "killed by a signal: {}", run.stderr);
    assert!(served(&hc) == before, "the served build is untouched");

    std::fs::remove_file(hc.path("content/returns/return-label.pdf")).expect("remove");
    hc.build().success();
    assert!(
        !hc.exists("build/site/returns/return-label.pdf"),
        "the killed build's half-written file went live"
    );
}

#[test]
fn a_page_of_a_failed_build_never_goes_live() {
    let hc = HelpCenter::minimal();
    built_twice(&hc);
    // An article and, beside it, a mistake: the build fails with the page written aside.
    hc.write(
        "content/returns/store-credit.md",
        "+++\ntitle = \"Store credit\"\n+++\n\nNot announced yet.\n",
    );
    hc.write(
        "content/returns/exchanges.md",
        "+++\ntitle = \"Exchanges\"\ntitel = \"typo\"\n+++\n\nSwap a size.\n",
    );
    hc.build().failure();
    assert!(!hc.exists("build/site/returns/store-credit/index.html"));

    // The writer takes the article back and fixes the mistake.
    std::fs::remove_file(hc.path("content/returns/store-credit.md")).expect("remove");
    hc.write(
        "content/returns/exchanges.md",
        "+++\ntitle = \"Exchanges\"\n+++\n\nSwap a size.\n",
    );
    hc.build().success();
    assert!(hc.exists("build/site/returns/exchanges/index.html"));
    assert!(
        !hc.exists("build/site/returns/store-credit/index.html"),
        "a page the last build did not write is served"
    );
}
