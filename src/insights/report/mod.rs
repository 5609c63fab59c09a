//! `helpbook report`'s figures: read from one or more insights databases (one per `serve`
//! replica) and merged. The JSON form of [`Report`] is a stable shape (documented in the
//! README); the CLI prints it as text too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use super::store::InsightsError;

mod dates;
mod queries;
mod read;

use dates::week_of;
pub use dates::{BadSince, date_of, since};
use queries::{rephrasings, suggestions, unanswered};
pub(crate) use read::open_read_only;
use read::{read_clicks, read_feedback, read_handoffs, read_searches};

/// What to report on.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Unix time: only what happened since.
    pub since: i64,
    /// Only searches in this language, and votes on its articles.
    pub lang: Option<String>,
    /// Only searches limited to this section, and votes on its articles (`/returns/`).
    pub section: Option<String>,
    /// The help center's languages other than the default: their articles' URLs start with
    /// `/<lang>/`.
    pub other_languages: Vec<String>,
    /// The help center's articles, by URL, when it could be read: for the articles to review.
    pub articles: BTreeMap<String, ArticleInfo>,
    /// An article not updated for this many days is due for a review when shoppers reach it.
    pub review_after_days: u32,
    /// Unix time of the report.
    pub now: i64,
}

/// What the report needs to know of an article of the help center.
#[derive(Debug, Clone, Default)]
pub struct ArticleInfo {
    pub title: String,
    /// `updated`, or `date`, from its front matter: `YYYY-MM-DD`.
    pub updated: Option<String>,
}

/// Rows shown per list.
const SHOWN: usize = 20;

#[derive(Debug, Serialize, PartialEq)]
pub struct Report {
    pub since: i64,
    pub lang: Option<String>,
    pub section: Option<String>,
    pub databases: Vec<String>,
    pub searches: usize,
    /// Searches that left the shopper without an answer in their words and language.
    pub unanswered_searches: usize,
    pub votes: Votes,
    pub clicks: usize,
    /// Turns to the support contact (e-mail, phone or chat).
    pub handoffs: usize,
    /// Per top-level section (and `/search/` for the search pages): what brings shoppers to
    /// support there, most first: hand-offs, then "No" votes.
    pub sections: Vec<SectionFigures>,
    /// The most searched queries.
    pub top_queries: Vec<QueryFigures>,
    /// Unanswered queries, typos of one another merged: the articles to write next.
    pub unanswered: Vec<Unanswered>,
    /// Queries that found articles, but no shopper chose one.
    pub unclicked: Vec<QueryFigures>,
    /// What shoppers asked first, then asked again otherwise and chose an article.
    pub rephrased: Vec<Rephrased>,
    /// `keywords` to add to an article: what shoppers asked without an answer before they
    /// found it, on enough days.
    pub suggestions: Vec<Suggestion>,
    /// Articles shoppers reached, voted on or left for support, most hand-offs and "No"
    /// first, with what they wrote.
    pub articles: Vec<ArticleFigures>,
    /// Articles to review first: not updated for `review-after-days` and reached by
    /// shoppers, or rated unhelpful more often than helpful.
    pub review: Vec<Review>,
    /// What the next build boosts when `[search] learn-from-clicks` is on: articles chosen
    /// for a query on several days (see `learn`), highest boost first.
    pub learned: Vec<crate::search::Learned>,
    /// Per week (Monday, `YYYY-MM-DD`): searches, unanswered ones, votes and hand-offs.
    pub weeks: Vec<Week>,
}

#[derive(Debug, Default, Serialize, PartialEq, Clone, Copy)]
pub struct Votes {
    pub yes: usize,
    pub no: usize,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct SectionFigures {
    pub section: String,
    pub handoffs: usize,
    pub votes: Votes,
    /// Results chosen in it.
    pub clicks: usize,
    /// Searches limited to this section (`section=`).
    pub searches: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct QueryFigures {
    pub query: String,
    pub lang: String,
    pub searches: usize,
    /// Distinct days it was searched on.
    pub days: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Unanswered {
    /// The most searched spelling.
    pub query: String,
    pub lang: String,
    pub searches: usize,
    pub days: usize,
    /// The other spellings merged into it (typos of one another), most searched first.
    pub variants: Vec<String>,
    /// How they were answered: `nothing`, `related`, `other-language`, with counts.
    pub answered: BTreeMap<String, usize>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Rephrased {
    /// What was asked first, without a choice.
    pub from: String,
    /// What was asked next, and led to `url`.
    pub to: String,
    pub url: String,
    pub lang: String,
    /// Pages (shoppers) that went this way.
    pub times: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Suggestion {
    pub url: String,
    pub lang: String,
    /// The line to paste into the article's front matter.
    pub keywords: String,
    /// The query, how often it went unanswered and on how many days.
    pub query: String,
    pub searches: usize,
    pub days: usize,
    /// Shoppers who asked it and then chose this article.
    pub then_chose: usize,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct ArticleFigures {
    pub url: String,
    pub handoffs: usize,
    pub votes: Votes,
    pub clicks: usize,
    /// Comments, newest first, each with its time (Unix, to the minute).
    pub comments: Vec<Comment>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Review {
    pub url: String,
    pub title: String,
    /// `YYYY-MM-DD`, when the article has a date.
    pub updated: Option<String>,
    /// Days since, when it has one.
    pub days_old: Option<i64>,
    pub why: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Comment {
    pub at: i64,
    pub helpful: bool,
    pub text: String,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Week {
    pub week: String,
    pub searches: usize,
    pub unanswered: usize,
    pub votes: Votes,
    pub handoffs: usize,
}

/// Days a query must have been asked on before its suggestion is shown: one shopper on one
/// afternoon is no pattern.
const SUGGESTION_DAYS: usize = 2;

/// One query's searches, as read.
#[derive(Default)]
struct Counted {
    searches: usize,
    days: BTreeSet<i64>,
    answered: BTreeMap<String, usize>,
    clicks: usize,
}

impl Counted {
    /// Its searches that went unanswered.
    fn missed(&self) -> usize {
        self.answered
            .iter()
            .filter(|(a, _)| is_unanswered(a))
            .map(|(_, n)| n)
            .sum()
    }
}

/// One page's searches and choices, in order: what rephrasings are read from.
#[derive(Default)]
struct PageTrail {
    /// (minute, order read, query, lang, answered)
    searches: Vec<(i64, usize, String, String, String)>,
    /// (minute, order read, query, url)
    clicks: Vec<(i64, usize, String, String)>,
}

/// Everything read, before it is ranked.
#[derive(Default)]
struct Tally {
    queries: BTreeMap<(String, String), Counted>,
    articles: BTreeMap<String, ArticleFigures>,
    sections: BTreeMap<String, SectionFigures>,
    weeks: BTreeMap<i64, Week>,
    pages: BTreeMap<String, PageTrail>,
    clicks: usize,
    handoffs: usize,
    order: usize,
}

impl Tally {
    fn week(&mut self, day: i64) -> &mut Week {
        let week = week_of(day);
        self.weeks.entry(week).or_insert_with(|| Week {
            week: date_of(week),
            ..Week::default()
        })
    }

    fn section(&mut self, section: String) -> &mut SectionFigures {
        self.sections
            .entry(section.clone())
            .or_insert_with(|| SectionFigures {
                section,
                ..SectionFigures::default()
            })
    }

    fn article(&mut self, url: &str) -> &mut ArticleFigures {
        self.articles
            .entry(url.to_string())
            .or_insert_with(|| ArticleFigures {
                url: url.to_string(),
                ..ArticleFigures::default()
            })
    }

    fn next(&mut self) -> usize {
        self.order += 1;
        self.order
    }
}

/// Reads `databases` (opened read-only; each must exist) and merges their figures.
pub fn report(databases: &[PathBuf], filter: &Filter) -> Result<Report, InsightsError> {
    let mut tally = Tally::default();
    let mut learned: Vec<crate::search::Learned> = Vec::new();
    for path in databases {
        let db = open_read_only(path)?;
        let failed = |sqlite| InsightsError::Open {
            path: path.display().to_string(),
            sqlite,
        };
        read_searches(&db, filter, &mut tally).map_err(failed)?;
        read_feedback(&db, filter, &mut tally).map_err(failed)?;
        read_clicks(&db, filter, &mut tally).map_err(failed)?;
        read_handoffs(&db, filter, &mut tally).map_err(failed)?;
        for boost in super::learn::boosts_in(&db, filter.now).map_err(failed)? {
            match learned
                .iter_mut()
                .find(|l| (&l.query, &l.lang, &l.url) == (&boost.query, &boost.lang, &boost.url))
            {
                Some(known) => {
                    known.boost = known.boost.max(boost.boost);
                    known.days = known.days.max(boost.days);
                }
                None => learned.push(boost),
            }
        }
    }
    learned.sort_by(|a, b| b.boost.total_cmp(&a.boost).then(a.query.cmp(&b.query)));
    learned.truncate(SHOWN);
    let mut report = rank(tally, databases, filter);
    report.learned = learned;
    Ok(report)
}

/// The figures read, ranked and cut to what a reader can take in.
fn rank(tally: Tally, databases: &[PathBuf], filter: &Filter) -> Report {
    let Tally {
        queries,
        articles,
        sections,
        weeks,
        pages,
        clicks,
        handoffs,
        ..
    } = tally;
    let searches = queries.values().map(|c| c.searches).sum();
    let unanswered_searches = queries.values().map(Counted::missed).sum();
    let figures = |((query, lang), c): (&(String, String), &Counted)| QueryFigures {
        query: query.clone(),
        lang: lang.clone(),
        searches: c.searches,
        days: c.days.len(),
    };
    let by_searches = |a: &QueryFigures, b: &QueryFigures| {
        b.searches.cmp(&a.searches).then(a.query.cmp(&b.query))
    };
    let mut top_queries: Vec<QueryFigures> = queries
        .iter()
        .filter(|(_, c)| c.searches > 0)
        .map(figures)
        .collect();
    top_queries.sort_by(by_searches);
    top_queries.truncate(SHOWN);
    let mut unclicked: Vec<QueryFigures> = queries
        .iter()
        .filter(|(_, c)| c.clicks == 0 && c.answered.keys().any(|a| !is_unanswered(a)))
        .map(figures)
        .collect();
    unclicked.sort_by(by_searches);
    unclicked.truncate(SHOWN);

    let votes = articles.values().fold(Votes::default(), |sum, a| Votes {
        yes: sum.yes + a.votes.yes,
        no: sum.no + a.votes.no,
    });
    let mut sections: Vec<SectionFigures> = sections.into_values().collect();
    sections.sort_by(|a, b| {
        (b.handoffs, b.votes.no, b.searches, b.clicks)
            .cmp(&(a.handoffs, a.votes.no, a.searches, a.clicks))
            .then(a.section.cmp(&b.section))
    });
    let mut articles: Vec<ArticleFigures> = articles
        .into_values()
        .map(|mut a| {
            a.comments.sort_by_key(|c| std::cmp::Reverse(c.at));
            a
        })
        .collect();
    articles.sort_by(|a, b| {
        (b.handoffs + b.votes.no, b.clicks)
            .cmp(&(a.handoffs + a.votes.no, a.clicks))
            .then(a.url.cmp(&b.url))
    });
    let review = review(&articles, filter);
    let rephrased = rephrasings(&pages);
    let suggestions = suggestions(&rephrased, &queries);
    let mut rephrased: Vec<Rephrased> = rephrased
        .into_iter()
        .map(|((from, to, url, lang), times)| Rephrased {
            from,
            to,
            url,
            lang,
            times,
        })
        .collect();
    rephrased.sort_by(|a, b| b.times.cmp(&a.times).then(a.from.cmp(&b.from)));
    rephrased.truncate(SHOWN);
    Report {
        since: filter.since,
        lang: filter.lang.clone(),
        section: filter.section.clone(),
        databases: databases.iter().map(|p| p.display().to_string()).collect(),
        searches,
        unanswered_searches,
        votes,
        clicks,
        handoffs,
        sections,
        top_queries,
        unanswered: unanswered(&queries),
        unclicked,
        rephrased,
        suggestions,
        articles,
        review,
        learned: Vec::new(),
        weeks: weeks.into_values().collect(),
    }
}

/// The articles to review first, most reason first: rated unhelpful more often than helpful
/// (at least twice), or reached (chosen, voted on or left for support) at least five times
/// and not updated for `review_after_days`.
fn review(articles: &[ArticleFigures], filter: &Filter) -> Vec<Review> {
    let today = filter.now.div_euclid(86_400);
    let mut due: Vec<(usize, Review)> = articles
        .iter()
        .filter_map(|a| {
            let info = filter.articles.get(&a.url);
            let updated = info.and_then(|i| i.updated.clone());
            let days_old = updated
                .as_deref()
                .and_then(|d| since(d, filter.now).ok())
                .map(|t| today - t.div_euclid(86_400));
            let reached = a.clicks + a.handoffs + a.votes.yes + a.votes.no;
            let unhelpful = a.votes.no >= 2 && a.votes.no > a.votes.yes;
            let stale = days_old.is_some_and(|d| d >= i64::from(filter.review_after_days));
            let why = match (unhelpful, stale && reached >= 5) {
                (true, true) => format!(
                    "rated unhelpful {} times of {}, and not updated for {} days",
                    a.votes.no,
                    a.votes.no + a.votes.yes,
                    days_old.unwrap_or_default()
                ),
                (true, false) => format!(
                    "rated unhelpful {} times of {}",
                    a.votes.no,
                    a.votes.no + a.votes.yes
                ),
                (false, true) => format!(
                    "reached {reached} times, not updated for {} days",
                    days_old.unwrap_or_default()
                ),
                (false, false) => return None,
            };
            Some((
                a.votes.no + a.handoffs + reached / 5,
                Review {
                    url: a.url.clone(),
                    title: info.map(|i| i.title.clone()).unwrap_or_default(),
                    updated,
                    days_old,
                    why,
                },
            ))
        })
        .collect();
    due.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.url.cmp(&b.1.url)));
    due.into_iter().take(SHOWN).map(|(_, r)| r).collect()
}

fn count_vote(votes: &mut Votes, helpful: bool) {
    if helpful {
        votes.yes += 1;
    } else {
        votes.no += 1;
    }
}

/// Whether a search stored as answered this way left the shopper without an answer (see
/// [`super::Answered::is_unanswered`], the one list of them).
fn is_unanswered(answered: &str) -> bool {
    super::Answered::parse(answered).is_some_and(super::Answered::is_unanswered)
}

impl Filter {
    /// Whether the vote on `url` is within the language and section asked for.
    fn holds_article(&self, url: &str) -> bool {
        let lang_ok = match &self.lang {
            None => true,
            Some(lang) => self.lang_of(url) == Some(lang.as_str()),
        };
        let section_ok = match &self.section {
            None => true,
            Some(section) => self.section_of(url) == *section,
        };
        lang_ok && section_ok
    }

    /// The language of the article at `url`: `Some` for another language than the default,
    /// `None` for the default one (whose URLs have no prefix).
    fn lang_of<'a>(&self, url: &'a str) -> Option<&'a str> {
        let first = url.trim_start_matches('/').split('/').next()?;
        self.other_languages
            .iter()
            .any(|l| l == first)
            .then_some(first)
    }

    /// The top-level section of the article at `url` as the `section=` filter names it:
    /// `/returns/`, `/ru/returns/`.
    fn section_of(&self, url: &str) -> String {
        let mut parts = url.trim_start_matches('/').split('/');
        let first = parts.next().unwrap_or_default();
        if self.lang_of(url).is_some() {
            let second = parts.next().unwrap_or_default();
            format!("/{first}/{second}/")
        } else {
            format!("/{first}/")
        }
    }
}

#[cfg(test)]
mod tests;
