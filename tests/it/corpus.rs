//! Real public help centers nobody here wrote (`../shared/corpus/`, see each SOURCE.md for
//! its licence): they must build, or `check` must say exactly what it does not support.

use crate::harness::{HelpCenter, corpus};

#[test]
fn arduino_help_center_builds() {
    let Some(dir) = corpus("arduino-help-center") else {
        return;
    };
    let hc = HelpCenter::with_content(
        &dir.join("content"),
        "[book]\ntitle = \"Arduino Help Center\"\n",
    );
    let run = hc.build();
    // Its anchors are GitHub-style; the few that point at headings that do not exist are real
    // broken links in the source, reported with the heading they probably meant.
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert!(
        errors.iter().all(|e| e.contains(": no heading `#")),
        "{}",
        run.stderr
    );
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert_eq!(run.code, 1, "broken anchors fail the build");
    // Its images were not copied with it: warnings, not errors.
    assert!(run.stderr.contains("warning: image `"), "{}", run.stderr);
    // check reports exactly what build does.
    let check = hc.check().failure();
    let check_errors: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(check_errors, errors);
}

#[test]
fn russian_billing_help_center_builds() {
    let Some(dir) = corpus("ms-alchemy-insights-ru") else {
        return;
    };
    let hc = HelpCenter::with_content(
        &dir.join("AlchemyInsights"),
        "[book]\ntitle = \"Справка\"\nlanguage = \"ru\"\n",
    );
    let run = hc.build().success();
    assert!(run.stderr.contains("Built "), "{}", run.stderr);
    let files = hc.site_files();
    assert!(files.len() > 389, "{} files", files.len());
    // A Russian title becomes a transliterated URL; the repeated `# Title` is shown once.
    let page = hc.read("build/site/update-payment-method-in-azure/index.html");
    assert_eq!(page.matches("<h1").count(), 1);
}

#[test]
fn spree_mdx_guide_checks_with_exact_reasons() {
    let Some(dir) = corpus("spree-user-docs") else {
        return;
    };
    let hc = HelpCenter::empty();
    hc.write("book.toml", "[book]\ntitle = \"Spree\"\n");
    crate::harness::copy_dir(&dir.join("docs/user"), &hc.path("content/user"));
    let run = hc.check().failure();
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    // Links into parts of Spree's docs that are not in the corpus (developer guide,
    // integrations) and one anchor that is off by one in the source.
    for error in &errors {
        assert!(
            error.contains("which is not a page or file of this help center")
                || error.contains(": no heading `#"),
            "unexpected: {error}"
        );
    }
    assert!(!errors.is_empty());
    // Mintlify components are named with their place.
    assert!(
        run.stderr
            .contains("warning: MDX component `<Note>` is not supported"),
        "{}",
        run.stderr
    );
}
