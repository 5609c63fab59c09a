//! `helpbook init`: a new help center that builds as it is, and never overwrites.

use crate::harness::HelpCenter;

#[test]
fn init_output_builds_with_the_embedded_theme() {
    let hc = HelpCenter::empty();
    hc.run(&["init"]).success();
    assert!(hc.exists("book.toml"));
    assert!(!hc.exists("themes"), "the theme is embedded, not copied");
    hc.check().success();
    hc.build().success();
    let faq = hc.read("build/site/returns/returns-faq/index.html");
    assert!(
        faq.contains("<details"),
        "the example FAQ renders as questions"
    );
    assert!(hc.exists("build/site/returns/return-an-item/index.html"));
}

#[test]
fn init_into_a_new_folder() {
    let hc = HelpCenter::empty();
    let target = hc.path("mykb");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_helpbook"))
        .arg("init")
        .arg(&target)
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(target.join("content/returns/returns-faq.md").exists());
}

#[test]
fn init_refuses_to_overwrite() {
    let hc = HelpCenter::empty();
    hc.write("book.toml", "[book]\ntitle = \"Mine\"\n");
    let run = hc.run(&["init"]).failure();
    assert!(
        run.stderr
            .contains("already exists; helpbook init never overwrites files"),
        "{}",
        run.stderr
    );
    assert_eq!(hc.read("book.toml"), "[book]\ntitle = \"Mine\"\n");
    assert!(!hc.exists("content"));
}
