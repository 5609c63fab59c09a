//! `helpbook report`'s text: the figures as a terminal shows them, lists left out when empty.

use std::fmt::Write;

use super::report::{Report, date_of};

/// The page for `report`.
pub fn page(report: &Report) -> String {
    let mut out = summary(report);
    searches(&mut out, report);
    articles(&mut out, report);
    if report.searches + report.clicks + report.handoffs + report.votes.yes + report.votes.no == 0 {
        let _ = writeln!(out, "\nNothing recorded in this time yet.");
    }
    out
}

/// Writes `heading` and a line per item, or nothing at all when there are no items.
fn list<T>(out: &mut String, heading: &str, items: &[T], mut line: impl FnMut(&mut String, &T)) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{heading}");
    for item in items {
        line(out, item);
    }
}

/// The first line: the period, the filters and the totals.
fn summary(report: &Report) -> String {
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
    out
}

/// Sections, then what shoppers searched for: unanswered, suggestions, rephrasings, queries.
fn searches(out: &mut String, report: &Report) {
    let columns = format!(
        "  {:<32} {:>8} {:>6} {:>6} {:>7} {:>9}",
        "section", "support", "no", "yes", "chosen", "searches"
    );
    let heading = format!("What brings shoppers to support, by section:\n{columns}");
    list(out, &heading, &report.sections, |out, s| {
        let _ = writeln!(
            out,
            "  {:<32} {:>8} {:>6} {:>6} {:>7} {:>9}",
            s.section, s.handoffs, s.votes.no, s.votes.yes, s.clicks, s.searches
        );
    });
    let heading = "Unanswered queries (the articles to write next):";
    list(out, heading, &report.unanswered, |out, u| {
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
    });
    let heading = "Suggestions ready to paste (front matter of the article):";
    list(out, heading, &report.suggestions, |out, s| {
        let _ = writeln!(
            out,
            "  {}  ->  {}\n      unanswered {} time(s) on {} day(s), then {} shopper(s) chose this article",
            s.url, s.keywords, s.searches, s.days, s.then_chose
        );
    });
    list(
        out,
        "Rephrased before a choice:",
        &report.rephrased,
        |out, r| {
            let _ = writeln!(out, "  {:>5}  {} -> {} -> {}", r.times, r.from, r.to, r.url);
        },
    );
    let heading = "Found articles, but nobody chose one:";
    list(out, heading, &report.unclicked, |out, q| {
        let _ = writeln!(out, "  {:>5}  {} [{}]", q.searches, q.query, q.lang);
    });
    list(out, "Top queries:", &report.top_queries, |out, q| {
        let _ = writeln!(out, "  {:>5}  {} [{}]", q.searches, q.query, q.lang);
    });
}

/// Articles with their votes and comments, those to review, learned boosts and the weeks.
fn articles(out: &mut String, report: &Report) {
    let heading = "Articles, most turns to support and \"No\" first:";
    list(out, heading, &report.articles, |out, a| {
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
    });
    list(
        out,
        "Articles to review first:",
        &report.review,
        |out, r| {
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
        },
    );
    let heading = "Learned from shoppers' choices ([search] learn-from-clicks boosts these):";
    list(out, heading, &report.learned, |out, l| {
        let _ = writeln!(
            out,
            "  +{:<6} {} [{}] -> {} (chosen on {} days)",
            l.boost, l.query, l.lang, l.url, l.days
        );
    });
    let columns = format!(
        "  {:<10} {:>9} {:>11} {:>8} {:>6} {:>6}",
        "week of", "searches", "unanswered", "support", "no", "yes"
    );
    list(
        out,
        &format!("Weeks:\n{columns}"),
        &report.weeks,
        |out, w| {
            let _ = writeln!(
                out,
                "  {:<10} {:>9} {:>11} {:>8} {:>6} {:>6}",
                w.week, w.searches, w.unanswered, w.handoffs, w.votes.no, w.votes.yes
            );
        },
    );
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0%".to_string()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}
