//! The error overlay: a save's errors as the open pages show them over the last good page,
//! in [`diag`]'s HTML form with the line each one is about.

use std::path::Path;

use crate::diag::{self, Diagnostic};

/// The errors among `problems` (paths relative to `root`) as HTML, for the live-reload
/// script to show; warnings are left to the terminal.
pub fn html(root: &Path, problems: &[Diagnostic]) -> String {
    let errors: Vec<Diagnostic> = problems.iter().filter(|d| d.is_error()).cloned().collect();
    diag::to_html(&errors, |path| {
        let bytes = crate::fs::read(&root.join(path)).ok()?;
        String::from_utf8(bytes).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_shows_where_and_what_escaped_with_the_line_itself() {
        let root = tempfile::tempdir().expect("temp folder");
        let article = "+++\ntitle = \"Refunds <fast> & free\n+++\n";
        std::fs::create_dir_all(root.path().join("content")).expect("content/");
        std::fs::write(root.path().join("content/refunds.md"), article).expect("article");
        let problems = [
            Diagnostic::error("content/refunds.md", "unclosed string in `<title>`")
                .at_line(2, 9)
                .with_help("end it with `\"`"),
            Diagnostic::warning("content/refunds.md", "no description"),
        ];
        let html = html(root.path(), &problems);
        assert!(
            html.contains("<strong>content/refunds.md:2:9</strong>: <strong>error</strong>: "),
            "{html}"
        );
        assert!(
            html.contains("unclosed string in `&lt;title&gt;`"),
            "{html}"
        );
        assert!(
            html.contains("<code>    2 | title = \"Refunds &lt;fast&gt; &amp; free</code>"),
            "{html}"
        );
        assert!(html.contains("<em>help:</em> end it with `\"`"), "{html}");
        assert!(
            !html.contains("no description"),
            "warnings stay in the terminal: {html}"
        );
        assert!(
            !html.contains("<fast>") && !html.contains("<title>"),
            "{html}"
        );
    }

    #[test]
    fn a_general_failure_is_its_message() {
        let html = html(
            Path::new("/nowhere"),
            &[Diagnostic::general("cannot build: disk <full>")],
        );
        assert_eq!(
            html,
            "<div class=\"helpbook-diagnostic helpbook-error\"><strong>error</strong>: \
             cannot build: disk &lt;full&gt;</div>"
        );
    }
}
