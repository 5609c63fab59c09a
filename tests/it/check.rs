//! `helpbook check` and failing builds: every problem named as `path:line:col: message` with
//! a hint, all of them in one run, exit 1, and the previous build left exactly as it was.

use crate::harness::HelpCenter;

/// Writes one bad file into a fresh minimal help center and returns check's stderr.
fn check_with(path: &str, text: &str) -> String {
    let hc = HelpCenter::minimal();
    hc.write(path, text);
    hc.check().failure().stderr
}

#[track_caller]
fn assert_reports(stderr: &str, expected: &str) {
    assert!(
        stderr.contains(expected),
        "expected\n  {expected}\nin\n{stderr}"
    );
}

#[test]
fn minimal_and_demo_content_pass() {
    HelpCenter::minimal().check().success();
    let run = HelpCenter::demo().check().success();
    assert!(run.stderr.starts_with("No problems in "), "{}", run.stderr);
}

#[test]
fn broken_toml_front_matter() {
    let stderr = check_with(
        "content/returns/bad.md",
        "+++\ntitle = \"Bad\"\nweight = = 3\n+++\nText\n",
    );
    assert_reports(
        &stderr,
        "content/returns/bad.md:3:10: error: front matter: ",
    );
    assert_reports(&stderr, "help: front matter between `+++` is TOML");
}

#[test]
fn broken_yaml_front_matter() {
    let stderr = check_with(
        "content/returns/bad.md",
        "---\ntitle: Bad\ntags: [a, b\n---\nText\n",
    );
    assert_reports(&stderr, "content/returns/bad.md:4:");
    assert_reports(&stderr, "help: front matter between `---` is YAML");
}

#[test]
fn deeply_nested_yaml_front_matter_is_refused_before_parsing() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/deep.md",
        &format!(
            "---\ntitle: Deep\nextra: {}\n---\nText\n",
            "[".repeat(100_000)
        ),
    );
    hc.write(
        "content/returns/brackets.md",
        &format!(
            "---\ntitle: \"Keys like {} are text\"\n---\nText\n",
            "[".repeat(100)
        ),
    );
    let stderr = hc.check().failure().stderr;
    assert_reports(
        &stderr,
        "content/returns/deep.md:1:1: error: front matter is 98 KB long; the limit is 64 KB\n  help: front matter holds the title and a few short keys; put long text in the article, below the closing `---`",
    );
    assert_reports(
        &stderr,
        "content/returns/deep.md:3:39: error: front matter nests lists and tables more than 32 levels deep\n  help: flatten it; if the value is text, put it in quotes (`extra: \"[[…\"`)",
    );
    assert!(!stderr.contains("brackets.md"), "{stderr}");
}

#[test]
fn missing_front_matter_and_missing_title() {
    let hc = HelpCenter::minimal();
    hc.write("content/returns/none.md", "Just text\n");
    hc.write(
        "content/returns/untitled.md",
        "+++\ndescription = \"x\"\n+++\n",
    );
    let stderr = hc.check().failure().stderr;
    assert_reports(
        &stderr,
        "content/returns/none.md:1:1: error: missing front matter",
    );
    assert_reports(
        &stderr,
        "content/returns/untitled.md:1:1: error: missing `title` in front matter",
    );
}

#[test]
fn misspelled_front_matter_key_and_wrong_kind() {
    let stderr = check_with(
        "content/returns/typo.md",
        "+++\ntitel = \"Refunds\"\ntitle = \"Refunds\"\nkind = \"FAQ\"\n+++\n",
    );
    assert_reports(
        &stderr,
        "content/returns/typo.md:2:1: error: unknown front matter key `titel`\n  help: did you mean `title`?",
    );
    assert_reports(
        &stderr,
        "content/returns/typo.md:4:1: error: unknown kind `FAQ`, expected `faq`, `howto` or `article`\n  help: write kind = \"faq\"",
    );
}

#[test]
fn unknown_book_toml_keys_and_content_problems_in_one_run() {
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Help\"\nlanguges = [\"ru\"]\n\n[suport]\nemail = \"a@b.c\"\n",
    );
    hc.write(
        "content/returns/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n[x](nowhere.md)\n",
    );
    let stderr = hc.check().failure().stderr;
    assert_reports(
        &stderr,
        "book.toml:3:1: error: unknown key `languges` in [book]\n  help: did you mean `languages`?",
    );
    assert_reports(
        &stderr,
        "book.toml:5:2: error: unknown key `suport`\n  help: did you mean `support`?",
    );
    assert_reports(
        &stderr,
        "content/returns/bad.md:4:1: error: link to `nowhere.md`, which does not exist",
    );
}

#[test]
fn broken_link_and_broken_anchor() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/links.md",
        "+++\ntitle = \"Links\"\n+++\n\nSee [the policy](refund-polcy.md) and\n[the question](refund-policy.md#how-long-does-refund-take).\n",
    );
    let stderr = hc.check().failure().stderr;
    assert_reports(
        &stderr,
        "content/returns/links.md:5:5: error: link to `refund-polcy.md`, which does not exist\n  help: did you mean `refund-policy.md`?",
    );
    assert_reports(
        &stderr,
        "content/returns/links.md:6:1: error: link to `refund-policy.md#how-long-does-refund-take`: no heading `#how-long-does-refund-take` in `content/returns/refund-policy.md`\n  help: did you mean `#how-long-does-a-refund-take`?",
    );
}

#[test]
fn duplicate_urls() {
    let stderr = check_with(
        "content/returns/Refund Policy.md",
        "+++\ntitle = \"Again\"\n+++\n",
    );
    assert_reports(
        &stderr,
        "error: URL `/returns/refund-policy/` is also the URL of",
    );
    assert_reports(
        &stderr,
        "help: URLs ignore capitals, spaces and punctuation; rename one of the files",
    );
}

#[test]
fn translation_without_original() {
    let stderr = check_with(
        "content/returns/exchange.ru.md",
        "+++\ntitle = \"Обмен\"\n+++\n",
    );
    assert_reports(
        &stderr,
        "content/returns/exchange.ru.md:1:1: error: translation into `ru` of `content/returns/exchange.md`, which does not exist",
    );
}

#[test]
fn file_that_is_not_utf8() {
    let hc = HelpCenter::minimal();
    hc.write_bytes(
        "content/returns/latin1.md",
        b"+++\ntitle = \"Caf\xe9\"\n+++\n",
    );
    let stderr = hc.check().failure().stderr;
    assert_reports(
        &stderr,
        "content/returns/latin1.md:2:13: error: the file is not UTF-8 text\n  help: save it as UTF-8",
    );
}

#[test]
fn every_problem_is_listed_in_one_run() {
    let hc = HelpCenter::minimal();
    hc.write("content/a.md", "no front matter\n");
    hc.write(
        "content/b.md",
        "+++\ntitle = \"B\"\ndraft = \"yes\"\n+++\n[x](nowhere.md)\n",
    );
    hc.write("content/c.ru.md", "+++\ntitle = \"C\"\n+++\n");
    let stderr = hc.check().failure().stderr;
    let errors = stderr.lines().filter(|l| l.contains(": error: ")).count();
    assert_eq!(errors, 4, "{stderr}");
    assert!(
        stderr.ends_with("error: 4 problems in 3 files\n"),
        "{stderr}"
    );
}

#[test]
fn failed_build_leaves_the_previous_build_untouched() {
    let hc = HelpCenter::minimal();
    hc.build().success();
    let before: Vec<(String, Vec<u8>)> = hc.site_bytes();
    hc.write(
        "content/returns/refund-policy.md",
        "+++\ntitle = \"Refund policy, changed\"\nkind = \"faq\"\n+++\n\n[broken](nowhere.md)\n",
    );
    let run = hc.build().failure();
    assert!(
        run.stderr
            .ends_with("error: 1 problem in 1 file; the previous build is unchanged\n"),
        "{}",
        run.stderr
    );
    let after: Vec<(String, Vec<u8>)> = hc.site_bytes();
    assert!(before == after, "build/site changed after a failed build");
    let leftovers: Vec<String> = std::fs::read_dir(hc.root())
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn hostile_content_never_panics() {
    let cases: &[&[u8]] = &[
        b"+++",
        b"+++\n+++",
        b"---\n---\n",
        b"---\n- a\n- b\n---\n",
        b"+++\ntitle = \"x\"\n+++\n# \n## \n### {#}\n",
        b"+++\ntitle = \"x\"\nkind = \"faq\"\n+++\n## \n\n## \n",
        b"+++\ntitle = \"x\"\nkind = \"howto\"\n+++\n1. \n   1. \n      1. \n",
        b"+++\ntitle = \"x\"\naliases = [\"../../etc\", \"//evil.example\", \"https://x\"]\n+++\n",
        b"\xff\xfe\x00+++",
        b"+++\ntitle = \"x\"\n+++\n[a](../../../../etc/passwd.md) [b](#) [c](<>) ![d](%zz.png) <Note>\n",
        b"+++\ntitle = \"x\"\n+++\n> [!NOTE]\n> > [!WARNING]\n> > deep\n\n[^1]: orphan\n",
    ];
    for (n, case) in cases.iter().enumerate() {
        let hc = HelpCenter::minimal();
        hc.write_bytes(&format!("content/returns/case{n}.md"), case);
        let run = hc.build();
        assert!(
            run.code == 0 || run.code == 1,
            "case {n} exited {}:\n{}",
            run.code,
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "case {n} panicked:\n{}",
            run.stderr
        );
    }
}

#[test]
fn site_links_to_tag_search_and_404_pages_are_known() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/refund-policy.md",
        "+++\ntitle = \"Refund policy\"\ntags = [\"Money back\"]\n+++\n\n[tag](/tags/money-back/) [all](/ru/tags/) [search](/ru/search/) [404](/ru/404.html)\n",
    );
    hc.check().success();
    hc.write(
        "content/returns/refund-policy.md",
        "+++\ntitle = \"Refund policy\"\n+++\n\n[nowhere](/returns/search/)\n",
    );
    let stderr = hc.check().failure().stderr;
    assert!(
        stderr.contains("content/returns/refund-policy.md:5:1: error: link to `/returns/search/`, which is not a page or file of this help center"),
        "{stderr}"
    );
}

/// `check` reports every one of `expected` and fails; `build` reports them too, fails, and
/// leaves no site behind.
#[track_caller]
fn check_and_build_report(hc: &HelpCenter, expected: &[&str]) {
    let checked = hc.check().failure().stderr;
    let built = hc.build().failure();
    for line in expected {
        assert_reports(&checked, line);
        assert_reports(&built.stderr, line);
    }
    assert!(
        built.stderr.ends_with("; nothing was written\n"),
        "{}",
        built.stderr
    );
    assert!(!hc.exists("build/site"), "a site was written");
}

#[test]
fn articles_and_sections_cannot_take_the_urls_of_generated_pages() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/refund-policy.md",
        "+++\ntitle = \"Refund policy\"\ntags = [\"Returns\"]\n+++\n",
    );
    hc.write("content/search.md", "+++\ntitle = \"Search tips\"\n+++\n");
    hc.write("content/tags/returns.md", "+++\ntitle = \"Returns\"\n+++\n");
    hc.write("content/ru/_index.md", "+++\ntitle = \"Главная\"\n+++\n");
    hc.write("content/ru/contacts.md", "+++\ntitle = \"Контакты\"\n+++\n");
    hc.write(
        "content/Returns/exchange.md",
        "+++\ntitle = \"Exchange\"\n+++\n",
    );
    hc.write(
        "content/404.md",
        "+++\ntitle = \"Not found\"\ndraft = true\naliases = [\"/ru/search/\"]\n+++\n",
    );
    check_and_build_report(
        &hc,
        &[
            "content/search.md:1:1: error: URL `/search/` is also the URL of the search page\n  help: rename this file: an article's URL is its path, in lowercase with dashes (the search page is made by helpbook)",
            "content/tags/returns.md:1:1: error: URL `/tags/returns/` is also the URL of the page of tag `Returns`",
            "content/tags: error: URL `/tags/` is also the URL of the list of tags\n  help: rename the folder `content/tags/`",
            "content/ru/_index.md:1:1: error: URL `/ru/` is also the URL of the home page in `ru`\n  help: to write the home page in `ru`, name this file `content/_index.ru.md`",
            "content/returns/_index.md:1:1: error: URL `/returns/` is also the URL of the section `content/Returns/`\n  help: URLs ignore capitals, spaces and punctuation; rename one of the folders",
            // A draft is not built, but its URLs are kept for when it is.
            "content/404.md:4:1: error: alias `/ru/search/` is also the URL of the search page in `ru`",
        ],
    );
}

#[test]
fn aliases_cannot_take_generated_urls_nor_each_others() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/moved.md",
        "+++\ntitle = \"Moved\"\naliases = [\n  \"/search/\",\n  \"/index.html\",\n  \"/404.html\",\n  \"/robots.txt\",\n  \"/returns/refund-policy/\",\n  \"/old/refunds/\",\n]\n+++\n",
    );
    hc.write(
        "content/returns/again.md",
        "+++\ntitle = \"Again\"\naliases = [\"/old/refunds/\"]\n+++\n",
    );
    check_and_build_report(
        &hc,
        &[
            "content/returns/moved.md:4:1: error: alias `/search/` is also the URL of the search page\n  help: an alias is an old URL that redirects here; the search page is made by helpbook, so remove this alias",
            "content/returns/moved.md:5:1: error: alias `/index.html` is also the URL of the home page",
            "content/returns/moved.md:6:1: error: alias `/404.html` is also the URL of the not-found page",
            "content/returns/moved.md:7:1: error: alias `/robots.txt/` needs `/robots.txt` to be a folder, but that is the URL of the site's `robots.txt`",
            "content/returns/moved.md:8:1: error: alias `/returns/refund-policy/` is also the URL of `content/returns/refund-policy.md`\n  help: an alias is an old URL that redirects here; remove it or rename the other page",
            "content/returns/moved.md:9:1: error: alias `/old/refunds/` is also the URL of an alias in `content/returns/again.md:3`",
        ],
    );
}

#[test]
fn files_cannot_take_the_urls_of_pages_or_of_each_other() {
    let hc = HelpCenter::minimal();
    hc.build().success();
    let stylesheet = hc
        .site_files()
        .into_iter()
        .find(|f| f.starts_with("style.") && f.ends_with(".css"))
        .expect("a fingerprinted stylesheet");
    std::fs::remove_dir_all(hc.path("build")).expect("remove the build");
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\nlanguages = [\"ru\"]\nbase-url = \"https://help.example.com\"\n",
    );
    hc.write("static/robots.txt", "User-agent: *\n");
    hc.write("static/sitemap.xml", "<urlset/>\n");
    hc.write("static/search/index.html", "<p>search</p>\n");
    hc.write("static/returns/refund-policy/index.html", "<p>old</p>\n");
    hc.write(&format!("static/{stylesheet}"), "body { color: red }\n");
    hc.write("static/img/label.png", "png");
    hc.write("content/img/label.png", "png");
    hc.write("content/404.html", "<p>gone</p>\n");
    hc.write("static/ru", "a file where the Russian pages need a folder");
    let stderr = hc.check().failure().stderr;
    assert_reports(
        &stderr,
        &format!(
            "static/{stylesheet}: error: URL `/{stylesheet}` is also the URL of the theme's `style.css`"
        ),
    );
    // A clash with the theme's stylesheet stops the build before its pages are made; the
    // others are reported together.
    std::fs::remove_file(hc.path(&format!("static/{stylesheet}"))).expect("remove");
    check_and_build_report(
        &hc,
        &[
            "static/robots.txt: error: URL `/robots.txt` is also the URL of the site's `robots.txt`\n  help: rename or remove this file in `static/` (the site's `robots.txt` is made by helpbook)",
            "static/sitemap.xml: error: URL `/sitemap.xml` is also the URL of the site's sitemap",
            "static/search/index.html: error: URL `/search/index.html` is also the URL of the search page",
            "static/returns/refund-policy/index.html: error: URL `/returns/refund-policy/index.html` is also the URL of `content/returns/refund-policy.md`",
            "content/img/label.png: error: URL `/img/label.png` is also the URL of `static/img/label.png`\n  help: rename or move this file, or rename `static/img/label.png`",
            "content/404.html: error: URL `/404.html` is also the URL of the not-found page",
            "static/ru: error: URL `/ru` is a file where the home page in `ru` (`/ru/`) needs a folder",
        ],
    );
}

#[test]
fn a_translation_key_used_twice_in_one_language() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/refund-policy.ru.md",
        "+++\ntitle = \"Возврат денег\"\n+++\n",
    );
    hc.write(
        "content/returns/exchange.ru.md",
        "+++\ntitle = \"Обмен\"\ndescription = \"Как обменять товар\"\ntranslation_key = \"returns/refund-policy\"\n+++\n",
    );
    check_and_build_report(
        &hc,
        &[
            "content/returns/exchange.ru.md:4:1: error: this article's translation_key `returns/refund-policy` is also that of `content/returns/refund-policy.ru.md` (by its file name), in the same language (`ru`)\n  help: translations of one article share a translation_key, one article per language",
        ],
    );
}

#[test]
fn file_names_that_cannot_be_part_of_a_url() {
    use std::os::unix::ffi::OsStrExt;
    let hc = HelpCenter::minimal();
    hc.write("content/orders\\faq.md", "+++\ntitle = \"FAQ\"\n+++\n");
    hc.write("content/returns/label\n.png", "png");
    hc.write("static/img\\logo.svg", "<svg/>");
    let latin1 = hc
        .path("content/returns")
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.md"));
    std::fs::write(latin1, "+++\ntitle = \"Cafe\"\n+++\n").expect("write");
    check_and_build_report(
        &hc,
        &[
            "content/orders\\faq.md: error: the name of this file has a backslash (`\\`), which browsers read as `/`, so it cannot be part of the site\n  help: rename it; if the backslashes were meant as folders (a Windows path), make them: `orders/faq.md`",
            "content/returns/label\\n.png: error: the name of this file has a control character (a line break or a tab) in it",
            "static/img\\logo.svg: error: the name of this file has a backslash",
            "content/returns/caf\u{FFFD}.md: error: the name of this file is not UTF-8 text",
        ],
    );
}

/// A help center using theme `shop`, whose `article.html` is `template`.
fn shop_theme(template: &str) -> HelpCenter {
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\n\n[theme]\nname = \"shop\"\n",
    );
    hc.write("themes/shop/templates/article.html", template);
    hc
}

#[test]
fn a_theme_using_an_unknown_variable_is_stopped_at_its_line() {
    let template = "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ article.title }}</h1>\n    {{ pag.title }}\n{% endblock content %}\n";
    for run in [shop_theme(template).check(), shop_theme(template).build()] {
        let stderr = run.failure().stderr;
        assert_reports(
            &stderr,
            "themes/shop/templates/article.html:4:8: error: unknown variable `pag.title`\n  help: did you mean `page_title`?",
        );
    }
}

#[test]
fn a_loop_variable_knows_its_items_fields() {
    let stderr = shop_theme(
        "{% extends \"base.html\" %}{% block content %}\n{% for h in article.toc %}{{ h.titel }}{% endfor %}\n{{ article.extra.anything }}{% endblock content %}",
    )
    .check()
    .failure()
    .stderr;
    assert_reports(
        &stderr,
        "themes/shop/templates/article.html:2:30: error: unknown variable `h.titel`\n  help: did you mean `h.title`?",
    );
    assert!(!stderr.contains("extra"), "{stderr}");
}

#[test]
fn a_variable_of_another_template_is_unknown_in_this_one() {
    let stderr = shop_theme(
        "{% extends \"base.html\" %}{% block content %}{{ section.title }}{% endblock content %}",
    )
    .check()
    .failure()
    .stderr;
    assert_reports(
        &stderr,
        "themes/shop/templates/article.html:1:48: error: unknown variable `section.title`",
    );
}

#[test]
fn a_block_base_html_does_not_have_is_a_warning() {
    let hc = shop_theme(
        "{% extends \"base.html\" %}{% block contnet %}<p>lost</p>{% endblock contnet %}",
    );
    let run = hc.build().success();
    assert_reports(
        &run.stderr,
        "themes/shop/templates/article.html:1:29: warning: block `contnet` is not in `base.html`: nothing shows it\n  help: did you mean `content`?",
    );
}
