//! `helpbook report --format html`: the report as one self-contained page (styles and charts
//! inline, no request to anywhere), readable on a phone.

use std::fmt::Write;

use super::report::{Report, date_of};
use crate::markdown::escape;

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1f24}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}\
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d8dde3;vertical-align:top}td.n,th.n{text-align:right}\
.lead{font-size:1.05rem}code{background:#f1f3f5;padding:0 .25rem}.muted{color:#5a6470}svg{max-width:100%;height:auto}\
@media(prefers-color-scheme:dark){body{background:#0f1218;color:#e6e9ee}th,td{border-color:#2b313b}code{background:#1c212a}.muted{color:#9aa4b0}}";

/// The page for `report`.
pub fn page(report: &Report) -> String {
    let mut out = String::new();
    let since = date_of(report.since.div_euclid(86_400));
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Help center report since {since}</title><style>{STYLE}</style></head><body>\n\
         <h1>What shoppers asked, since {since}</h1>\n<p class=\"lead\">{} searches, {} unanswered; \
         {} results chosen; {} turns to support; {} votes, {} &ldquo;No&rdquo;.</p>\n",
        report.searches,
        report.unanswered_searches,
        report.clicks,
        report.handoffs,
        report.votes.yes + report.votes.no,
        report.votes.no,
    );
    if let Some(lang) = &report.lang {
        let _ = writeln!(out, "<p class=\"muted\">Language: {}</p>", escape(lang));
    }
    if let Some(section) = &report.section {
        let _ = writeln!(out, "<p class=\"muted\">Section: {}</p>", escape(section));
    }
    weeks_chart(report, &mut out);
    search_tables(report, &mut out);
    article_tables(report, &mut out);
    out.push_str("</body></html>\n");
    out
}

/// Sections, then what shoppers searched for: unanswered, suggestions, rephrasings, queries.
fn search_tables(report: &Report, out: &mut String) {
    table(
        out,
        "What brings shoppers to support, by section",
        &["section", "support", "no", "yes", "chosen", "searches"],
        report.sections.iter().map(|s| {
            vec![
                escape(&s.section),
                s.handoffs.to_string(),
                s.votes.no.to_string(),
                s.votes.yes.to_string(),
                s.clicks.to_string(),
                s.searches.to_string(),
            ]
        }),
    );
    table(
        out,
        "Unanswered queries: the articles to write next",
        &[
            "query",
            "language",
            "searches",
            "days",
            "also typed as",
            "answered",
        ],
        report.unanswered.iter().map(|u| {
            vec![
                escape(&u.query),
                escape(&u.lang),
                u.searches.to_string(),
                u.days.to_string(),
                escape(&u.variants.join(", ")),
                escape(
                    &u.answered
                        .iter()
                        .map(|(a, n)| format!("{a} {n}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]
        }),
    );
    table(
        out,
        "Suggestions ready to paste into an article's front matter",
        &["article", "line", "unanswered", "days", "then chose it"],
        report.suggestions.iter().map(|s| {
            vec![
                escape(&s.url),
                format!("<code>{}</code>", escape(&s.keywords)),
                s.searches.to_string(),
                s.days.to_string(),
                s.then_chose.to_string(),
            ]
        }),
    );
    table(
        out,
        "Rephrased before a choice",
        &["asked first", "then", "chose", "times"],
        report.rephrased.iter().map(|r| {
            vec![
                escape(&r.from),
                escape(&r.to),
                escape(&r.url),
                r.times.to_string(),
            ]
        }),
    );
    for (title, queries) in [
        ("Found articles, but nobody chose one", &report.unclicked),
        ("Top queries", &report.top_queries),
    ] {
        table(
            out,
            title,
            &["query", "language", "searches", "days"],
            queries.iter().map(|q| {
                vec![
                    escape(&q.query),
                    escape(&q.lang),
                    q.searches.to_string(),
                    q.days.to_string(),
                ]
            }),
        );
    }
}

/// Articles with their votes and comments, those to review and learned boosts.
fn article_tables(report: &Report, out: &mut String) {
    table(
        out,
        "Articles, most turns to support and \u{201c}No\u{201d} first",
        &[
            "article",
            "support",
            "no",
            "yes",
            "chosen",
            "what shoppers wrote",
        ],
        report.articles.iter().map(|a| {
            let comments: Vec<String> = a
                .comments
                .iter()
                .map(|c| {
                    format!(
                        "{} {}: {}",
                        date_of(c.at.div_euclid(86_400)),
                        if c.helpful { "yes" } else { "no" },
                        escape(&c.text)
                    )
                })
                .collect();
            vec![
                escape(&a.url),
                a.handoffs.to_string(),
                a.votes.no.to_string(),
                a.votes.yes.to_string(),
                a.clicks.to_string(),
                comments.join("<br>"),
            ]
        }),
    );
    table(
        out,
        "Articles to review first",
        &["article", "title", "updated", "why"],
        report.review.iter().map(|r| {
            vec![
                escape(&r.url),
                escape(&r.title),
                escape(r.updated.as_deref().unwrap_or("")),
                escape(&r.why),
            ]
        }),
    );
    table(
        out,
        "Learned from shoppers' choices ([search] learn-from-clicks boosts these)",
        &["query", "language", "article", "boost", "days"],
        report.learned.iter().map(|l| {
            vec![
                escape(&l.query),
                escape(&l.lang),
                escape(&l.url),
                format!("+{}", l.boost),
                l.days.to_string(),
            ]
        }),
    );
}

/// A table of `rows` (cells already HTML) under `title`; nothing when there are none. Columns
/// whose header is a count are right-aligned.
fn table(out: &mut String, title: &str, header: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let numeric = |h: &str| {
        matches!(
            h,
            "support"
                | "no"
                | "yes"
                | "chosen"
                | "searches"
                | "days"
                | "times"
                | "unanswered"
                | "then chose it"
        )
    };
    let mut body = String::new();
    for row in rows {
        body.push_str("<tr>");
        for (cell, h) in row.iter().zip(header) {
            let class = if numeric(h) { " class=\"n\"" } else { "" };
            let _ = write!(body, "<td{class}>{cell}</td>");
        }
        body.push_str("</tr>\n");
    }
    if body.is_empty() {
        return;
    }
    let _ = write!(out, "<h2>{}</h2>\n<table><thead><tr>", escape(title));
    for h in header {
        let class = if numeric(h) { " class=\"n\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(h));
    }
    let _ = write!(out, "</tr></thead><tbody>\n{body}</tbody></table>\n");
}

/// Searches per week as bars, the unanswered part of each darker, turns to support as dots.
fn weeks_chart(report: &Report, out: &mut String) {
    if report.weeks.is_empty() {
        return;
    }
    let (width, height, bottom) = (640.0_f64, 200.0_f64, 170.0_f64);
    let most = report
        .weeks
        .iter()
        .map(|w| w.searches.max(w.handoffs))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = width / report.weeks.len() as f64;
    let bar = (slot * 0.7).min(60.0);
    let scale = |n: usize| n as f64 / most * (bottom - 10.0);
    let _ = write!(
        out,
        "<h2>Weeks</h2>\n<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Searches per week, unanswered in red, turns to support as dots\">"
    );
    for (n, w) in report.weeks.iter().enumerate() {
        let x = n as f64 * slot + (slot - bar) / 2.0;
        let all = scale(w.searches);
        let missed = scale(w.unanswered);
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{all:.1}\" fill=\"#7aa7d8\"><title>{}: {} searches</title></rect>\
             <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{missed:.1}\" fill=\"#c8553d\"><title>{} unanswered</title></rect>\
             <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#2f3e46\"><title>{} turns to support</title></circle>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
            bottom - all,
            w.week,
            w.searches,
            bottom - missed,
            w.unanswered,
            x + bar / 2.0,
            bottom - scale(w.handoffs),
            w.handoffs,
            x + bar / 2.0,
            bottom + 16.0,
            &w.week[5..],
        );
    }
    out.push_str("</svg>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::report::{ArticleFigures, Comment, Votes, Week};

    #[test]
    fn the_page_is_self_contained_and_escapes_what_shoppers_wrote() {
        let report = Report {
            since: 20_400 * 86_400,
            lang: None,
            section: None,
            databases: vec!["a.db".into()],
            searches: 12,
            unanswered_searches: 3,
            votes: Votes { yes: 1, no: 1 },
            clicks: 4,
            handoffs: 2,
            sections: Vec::new(),
            top_queries: Vec::new(),
            unanswered: Vec::new(),
            unclicked: Vec::new(),
            rephrased: Vec::new(),
            suggestions: Vec::new(),
            articles: vec![ArticleFigures {
                url: "/returns/refund-policy/".into(),
                votes: Votes { yes: 0, no: 1 },
                comments: vec![Comment {
                    at: 20_401 * 86_400,
                    helpful: false,
                    text: "<script>alert(1)</script> too slow".into(),
                }],
                ..ArticleFigures::default()
            }],
            review: Vec::new(),
            learned: Vec::new(),
            weeks: vec![Week {
                week: "2025-11-03".into(),
                searches: 12,
                unanswered: 3,
                handoffs: 2,
                ..Week::default()
            }],
        };
        let html = page(&report);
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("12 searches, 3 unanswered"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; too slow"));
        assert!(!html.contains("<script"), "no script, escaped or not");
        assert!(html.contains("<svg") && html.contains("2025-11-03: 12 searches"));
        for external in ["http://", "https://", "src=", "@import"] {
            assert!(!html.contains(external), "the page asks for `{external}`");
        }
        assert!(!html.contains("Top queries"), "empty lists are left out");
    }
}
