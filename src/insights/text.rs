//! `helpbook report`'s text: the figures as a terminal shows them, lists left out when empty.

use std::fmt::Write;

use super::report::{Report, date_of};

/// The page for `report`.
pub fn page(report: &Report) -> String {
    let mut out = String::new();
    let since = date_of(report.since.div_euclid(86_400));
    let _ = writeln!(
        out,
        "Since {since}{}{}: {} searches, {} unanswered ({}); {} results chosen; {} turns to support; {} votes, {} \"No\".",
        report
            .lang
            .as_ref()
            .map(|l| format!(", language {l}"))
            .unwrap_or_default(),
        report
            .section
            .as_ref()
            .map(|s| format!(", section {s}"))
            .unwrap_or_default(),
        report.searches,
        report.unanswered_searches,
        percent(report.unanswered_searches, report.searches),
        report.clicks,
        report.handoffs,
        report.votes.yes + report.votes.no,
        report.votes.no,
    );
    if !report.sections.is_empty() {
        let _ = writeln!(out, "\nWhat brings shoppers to support, by section:");
        let _ = writeln!(
            out,
            "  {:<32} {:>8} {:>6} {:>6} {:>7} {:>9}",
            "section", "support", "no", "yes", "chosen", "searches"
        );
        for s in &report.sections {
            let _ = writeln!(
                out,
                "  {:<32} {:>8} {:>6} {:>6} {:>7} {:>9}",
                s.section, s.handoffs, s.votes.no, s.votes.yes, s.clicks, s.searches
            );
        }
    }
    if !report.unanswered.is_empty() {
        let _ = writeln!(out, "\nUnanswered queries (the articles to write next):");
        for u in &report.unanswered {
            let variants = if u.variants.is_empty() {
                String::new()
            } else {
                format!(" (also: {})", u.variants.join(", "))
            };
            let how: Vec<String> = u.answered.iter().map(|(a, n)| format!("{a} {n}")).collect();
            let _ = writeln!(
                out,
                "  {:>5}  {} [{}] on {} day(s){variants}; {}",
                u.searches,
                u.query,
                u.lang,
                u.days,
                how.join(", ")
            );
        }
    }
    if !report.suggestions.is_empty() {
        let _ = writeln!(
            out,
            "\nSuggestions ready to paste (front matter of the article):"
        );
        for s in &report.suggestions {
            let _ = writeln!(
                out,
                "  {}  ->  {}\n      unanswered {} time(s) on {} day(s), then {} shopper(s) chose this article",
                s.url, s.keywords, s.searches, s.days, s.then_chose
            );
        }
    }
    if !report.rephrased.is_empty() {
        let _ = writeln!(out, "\nRephrased before a choice:");
        for r in &report.rephrased {
            let _ = writeln!(out, "  {:>5}  {} -> {} -> {}", r.times, r.from, r.to, r.url);
        }
    }
    if !report.unclicked.is_empty() {
        let _ = writeln!(out, "\nFound articles, but nobody chose one:");
        for q in &report.unclicked {
            let _ = writeln!(out, "  {:>5}  {} [{}]", q.searches, q.query, q.lang);
        }
    }
    if !report.top_queries.is_empty() {
        let _ = writeln!(out, "\nTop queries:");
        for q in &report.top_queries {
            let _ = writeln!(out, "  {:>5}  {} [{}]", q.searches, q.query, q.lang);
        }
    }
    if !report.articles.is_empty() {
        let _ = writeln!(out, "\nArticles, most turns to support and \"No\" first:");
        for a in &report.articles {
            let _ = writeln!(
                out,
                "  support {:>4}  no {:>4}  yes {:>4}  chosen {:>5}  {}",
                a.handoffs, a.votes.no, a.votes.yes, a.clicks, a.url
            );
            for c in &a.comments {
                let _ = writeln!(
                    out,
                    "      {} {}: {}",
                    date_of(c.at.div_euclid(86_400)),
                    if c.helpful { "yes" } else { "no" },
                    c.text
                );
            }
        }
    }
    if !report.review.is_empty() {
        let _ = writeln!(out, "\nArticles to review first:");
        for r in &report.review {
            let _ = writeln!(
                out,
                "  {} ({}){}: {}",
                r.url,
                r.title,
                r.updated
                    .as_ref()
                    .map(|u| format!(", updated {u}"))
                    .unwrap_or_default(),
                r.why
            );
        }
    }
    if !report.learned.is_empty() {
        let _ = writeln!(
            out,
            "\nLearned from shoppers' choices ([search] learn-from-clicks boosts these):"
        );
        for l in &report.learned {
            let _ = writeln!(
                out,
                "  +{:<6} {} [{}] -> {} (chosen on {} days)",
                l.boost, l.query, l.lang, l.url, l.days
            );
        }
    }
    if !report.weeks.is_empty() {
        let _ = writeln!(out, "\nWeeks:");
        let _ = writeln!(
            out,
            "  {:<10} {:>9} {:>11} {:>8} {:>6} {:>6}",
            "week of", "searches", "unanswered", "support", "no", "yes"
        );
        for w in &report.weeks {
            let _ = writeln!(
                out,
                "  {:<10} {:>9} {:>11} {:>8} {:>6} {:>6}",
                w.week, w.searches, w.unanswered, w.handoffs, w.votes.no, w.votes.yes
            );
        }
    }
    if report.searches + report.clicks + report.handoffs + report.votes.yes + report.votes.no == 0 {
        let _ = writeln!(out, "\nNothing recorded in this time yet.");
    }
    out
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0%".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}
