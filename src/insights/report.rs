//! `helpbook report`'s figures: read from one or more insights databases (one per `serve`
//! replica) and merged. The JSON form of [`Report`] is a stable shape (documented in the
//! README); the CLI prints it as text too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, params};
use serde::Serialize;

use super::store::InsightsError;
use crate::search::distance_within;

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

fn read_searches(db: &Connection, filter: &Filter, tally: &mut Tally) -> rusqlite::Result<()> {
    let mut statement = db.prepare(
        "SELECT query, lang, section, answered, at, page FROM searches
         WHERE at >= ?1 AND (?2 IS NULL OR lang = ?2) AND (?3 IS NULL OR section = ?3)
         ORDER BY id",
    )?;
    let rows = statement.query_map(params![filter.since, filter.lang, filter.section], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
            row.get::<_, Option<String>>(5)?,
        ))
    })?;
    for row in rows {
        let (query, lang, section, answered, at, page) = row?;
        let day = at.div_euclid(86_400);
        let missed = is_unanswered(&answered);
        let counted = tally
            .queries
            .entry((query.clone(), lang.clone()))
            .or_default();
        counted.searches += 1;
        counted.days.insert(day);
        *counted.answered.entry(answered.clone()).or_default() += 1;
        if let Some(section) = section {
            tally.section(section).searches += 1;
        }
        let week = tally.week(day);
        week.searches += 1;
        week.unanswered += usize::from(missed);
        if let Some(page) = page {
            let order = tally.next();
            let trail = tally.pages.entry(page).or_default();
            trail.searches.push((at, order, query, lang, answered));
        }
    }
    Ok(())
}

fn read_feedback(db: &Connection, filter: &Filter, tally: &mut Tally) -> rusqlite::Result<()> {
    let mut statement =
        db.prepare("SELECT at, url, helpful, comment FROM feedback WHERE at >= ?1 ORDER BY id")?;
    let rows = statement.query_map([filter.since], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, bool>(2)?,
            row.get::<_, Option<String>>(3)?,
        ))
    })?;
    for row in rows {
        let (at, url, helpful, comment) = row?;
        if !filter.holds_article(&url) {
            continue;
        }
        let article = tally.article(&url);
        count_vote(&mut article.votes, helpful);
        if let Some(text) = comment {
            article.comments.push(Comment { at, helpful, text });
        }
        count_vote(&mut tally.section(filter.section_of(&url)).votes, helpful);
        count_vote(&mut tally.week(at.div_euclid(86_400)).votes, helpful);
    }
    Ok(())
}

fn read_clicks(db: &Connection, filter: &Filter, tally: &mut Tally) -> rusqlite::Result<()> {
    let mut statement = db.prepare(
        "SELECT at, query, lang, url, page FROM clicks
         WHERE at >= ?1 AND (?2 IS NULL OR lang = ?2) ORDER BY id",
    )?;
    let rows = statement.query_map(params![filter.since, filter.lang], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (at, query, lang, url, page) = row?;
        if filter.section.is_some() && !filter.holds_article(&url) {
            continue;
        }
        tally.clicks += 1;
        tally
            .queries
            .entry((query.clone(), lang))
            .or_default()
            .clicks += 1;
        tally.article(&url).clicks += 1;
        tally.section(filter.section_of(&url)).clicks += 1;
        if let Some(page) = page {
            let order = tally.next();
            let trail = tally.pages.entry(page).or_default();
            trail.clicks.push((at, order, query, url));
        }
    }
    Ok(())
}

fn read_handoffs(db: &Connection, filter: &Filter, tally: &mut Tally) -> rusqlite::Result<()> {
    let mut statement =
        db.prepare("SELECT at, from_url FROM handoffs WHERE at >= ?1 ORDER BY id")?;
    let rows = statement.query_map([filter.since], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (at, from) = row?;
        if !filter.holds_article(&from) {
            continue;
        }
        tally.handoffs += 1;
        if !from.ends_with("/search/") {
            tally.article(&from).handoffs += 1;
        }
        tally.section(filter.section_of(&from)).handoffs += 1;
        tally.week(at.div_euclid(86_400)).handoffs += 1;
    }
    Ok(())
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

/// Per (first query, next query, article chosen, language): how many pages went that way. A
/// page's search counts as rephrased when a later search of the same page, with another
/// query, led to a choice and it did not.
fn rephrasings(
    pages: &BTreeMap<String, PageTrail>,
) -> BTreeMap<(String, String, String, String), usize> {
    let mut ways = BTreeMap::new();
    for trail in pages.values() {
        let mut seen = BTreeSet::new();
        for click in &trail.clicks {
            let (_, order, to, url) = click;
            let Some((_, _, _, lang, _)) = trail.searches.iter().find(|s| &s.2 == to) else {
                continue;
            };
            for earlier in trail.searches.iter().filter(|s| s.1 < *order && &s.2 != to) {
                let chosen_before = trail
                    .clicks
                    .iter()
                    .any(|c| c.2 == earlier.2 && c.1 < *order);
                let way = (earlier.2.clone(), to.clone(), url.clone(), lang.clone());
                if !chosen_before && seen.insert(way.clone()) {
                    *ways.entry(way).or_default() += 1;
                }
            }
        }
    }
    ways
}

/// `keywords` lines: a query that went unanswered, then was asked otherwise and led to the
/// same article, by at least two pages or on at least [`SUGGESTION_DAYS`] days.
fn suggestions(
    ways: &BTreeMap<(String, String, String, String), usize>,
    queries: &BTreeMap<(String, String), Counted>,
) -> Vec<Suggestion> {
    let mut chose: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for ((from, _, url, lang), times) in ways {
        *chose
            .entry((from.clone(), url.clone(), lang.clone()))
            .or_default() += times;
    }
    let mut suggestions: Vec<Suggestion> = chose
        .into_iter()
        .filter_map(|((query, url, lang), then_chose)| {
            let counted = queries.get(&(query.clone(), lang.clone()))?;
            let missed = counted.missed();
            let days = counted.days.len();
            (missed > 0 && (days >= SUGGESTION_DAYS || then_chose >= 2)).then(|| Suggestion {
                keywords: format!("keywords = [{}]", serde_json::Value::String(query.clone())),
                url,
                lang,
                query,
                searches: missed,
                days,
                then_chose,
            })
        })
        .collect();
    suggestions.sort_by(|a, b| {
        (b.then_chose, b.searches)
            .cmp(&(a.then_chose, a.searches))
            .then(a.query.cmp(&b.query))
    });
    suggestions.truncate(SHOWN);
    suggestions
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

/// The unanswered queries, each merged with the less searched ones within a typo of it
/// (one edit for queries of 4 to 8 letters, two beyond), most searched first.
fn unanswered(queries: &BTreeMap<(String, String), Counted>) -> Vec<Unanswered> {
    let mut open: Vec<(&(String, String), usize, &Counted)> = queries
        .iter()
        .map(|(key, c)| (key, c.missed(), c))
        .filter(|(_, missed, _)| *missed > 0)
        .collect();
    open.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // Merging compares each pair: only the most searched are merged and shown.
    open.truncate(2000);
    let chars: Vec<Vec<char>> = open.iter().map(|(k, _, _)| k.0.chars().collect()).collect();
    // Each group with the distinct days of all its spellings; `heads[g]` is group g's first.
    let mut groups: Vec<(Unanswered, BTreeSet<i64>)> = Vec::new();
    let mut heads: Vec<usize> = Vec::new();
    for (i, &((query, lang), missed, counted)) in open.iter().enumerate() {
        let answered = counted
            .answered
            .iter()
            .filter(|(a, _)| is_unanswered(a))
            .map(|(a, n)| (a.clone(), *n));
        let same = heads
            .iter()
            .position(|&h| open[h].0.1 == *lang && typo_of(&chars[h], &chars[i]));
        match same {
            Some(g) => {
                let (group, days) = &mut groups[g];
                group.searches += missed;
                group.variants.push(query.clone());
                for (a, n) in answered {
                    *group.answered.entry(a).or_default() += n;
                }
                days.extend(&counted.days);
            }
            None => {
                heads.push(i);
                let group = Unanswered {
                    query: query.clone(),
                    lang: lang.clone(),
                    searches: missed,
                    days: 0,
                    variants: Vec::new(),
                    answered: answered.collect(),
                };
                groups.push((group, counted.days.clone()));
            }
        }
    }
    let mut groups: Vec<Unanswered> = groups
        .into_iter()
        .map(|(group, days)| Unanswered {
            days: days.len(),
            ..group
        })
        .collect();
    groups.sort_by(|a, b| b.searches.cmp(&a.searches).then(a.query.cmp(&b.query)));
    groups.truncate(SHOWN);
    groups
}

fn typo_of(a: &[char], b: &[char]) -> bool {
    let shorter = a.len().min(b.len());
    let max = match shorter {
        0..=3 => return false,
        4..=8 => 1,
        _ => 2,
    };
    distance_within(a, b, max).is_some()
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

/// The Monday (as a day number) of the week of day `day` (days since 1970-01-01, a Thursday).
fn week_of(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

/// A `--since` that is neither days, weeks nor a date; it holds what was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--since must be days (`30d`), weeks (`12w`) or a date (`2026-11-01`), got `{0}`")]
pub struct BadSince(pub String);

/// `--since`: days (`30d`), weeks (`12w`) or a date (`2026-11-01`), as Unix time before `now`.
pub fn since(when: &str, now: i64) -> Result<i64, BadSince> {
    let day = 86_400;
    let count = |digits: &str| digits.parse::<i64>().ok().filter(|n| *n > 0);
    if let Some(n) = when.strip_suffix('d').and_then(count) {
        return Ok(now - n * day);
    }
    if let Some(n) = when.strip_suffix('w').and_then(count) {
        return Ok(now - n * 7 * day);
    }
    let parts: Vec<i64> = when.split('-').filter_map(|p| p.parse().ok()).collect();
    if let [y, m, d] = parts[..]
        && (1..=12).contains(&m)
        && (1..=31).contains(&d)
    {
        let day_number = days_from_civil(y, m, d);
        // 2025-02-30 is not a date: it does not read back as itself.
        if date_of(day_number) == format!("{y:04}-{m:02}-{d:02}") && when.len() == 10 {
            return Ok(day_number * day);
        }
    }
    Err(BadSince(when.to_string()))
}

/// Days since 1970-01-01 of `y-m-d` (days from civil, proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of day `day` since 1970-01-01 (civil from days, proleptic Gregorian).
pub fn date_of(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

pub(super) fn open_read_only(path: &Path) -> Result<Connection, InsightsError> {
    let shown = || path.display().to_string();
    if !path.is_file() {
        return Err(InsightsError::Missing { path: shown() });
    }
    let failed = |sqlite| InsightsError::Open {
        path: shown(),
        sqlite,
    };
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(failed)?;
    let version: i64 = db
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(failed)?;
    if version < 1 {
        return Err(InsightsError::Foreign { path: shown() });
    }
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::{Answered, Event, Feedback, Search, store};

    fn search(at: i64, query: &str, lang: &str, answered: Answered) -> Event {
        Event::Search(Search {
            at,
            query: query.into(),
            lang: lang.into(),
            section: None,
            hits: usize::from(answered != Answered::Nothing),
            answered,
            suggested: false,
            page: None,
        })
    }

    fn vote(at: i64, url: &str, helpful: bool, comment: Option<&str>) -> Event {
        Event::Feedback(Feedback {
            at,
            url: url.into(),
            helpful,
            comment: comment.map(Into::into),
        })
    }

    fn database(dir: &Path, name: &str, events: Vec<Event>) -> PathBuf {
        let path = dir.join(name);
        let (writer, insights) = store::Writer::start(&path, 3650).expect("starts");
        for event in events {
            assert!(insights.record(event));
        }
        writer.finish();
        path
    }

    #[test]
    fn two_replicas_are_merged_and_typos_of_one_unanswered_query_grouped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let day = 86_400;
        let now = crate::insights::this_minute();
        let one = database(
            dir.path(),
            "a.db",
            vec![
                search(now, "gift wrapping", "en", Answered::Nothing),
                search(now - day, "gift wrapping", "en", Answered::Nothing),
                search(now - 5 * day, "gift wraping", "en", Answered::Nothing),
                search(now, "refund", "en", Answered::AsTyped),
                search(now, "kinkepakend", "et", Answered::OtherLanguage),
                vote(now, "/returns/refund-policy/", false, Some("Too slow")),
                vote(now, "/ru/returns/refund-policy/", true, None),
            ],
        );
        let two = database(
            dir.path(),
            "b.db",
            vec![
                search(now - 2 * day, "gift wrapping", "en", Answered::Related),
                search(now, "refund", "en", Answered::AsTyped),
                search(now - 400 * day, "old", "en", Answered::Nothing),
                vote(now, "/returns/refund-policy/", false, None),
                vote(now, "/delivery/parcel-lockers/", true, None),
            ],
        );
        let filter = Filter {
            since: now - 30 * day,
            other_languages: vec!["ru".into(), "et".into()],
            ..Filter::default()
        };
        let report = report(&[one, two], &filter).expect("reports");
        assert_eq!((report.searches, report.unanswered_searches), (7, 5));
        assert_eq!(report.votes, Votes { yes: 2, no: 2 });
        let wrap = &report.unanswered[0];
        assert_eq!(
            (
                wrap.query.as_str(),
                wrap.searches,
                wrap.days,
                wrap.variants.clone()
            ),
            ("gift wrapping", 4, 4, vec!["gift wraping".to_string()])
        );
        assert_eq!(wrap.answered.get("related"), Some(&1));
        assert_eq!(report.unanswered[1].query, "kinkepakend");
        assert_eq!(report.top_queries[0].query, "gift wrapping");
        assert_eq!(report.sections[0].section, "/returns/");
        assert_eq!(report.sections[0].votes, Votes { yes: 0, no: 2 });
        assert!(report.sections.iter().any(|s| s.section == "/ru/returns/"));
        let article = &report.articles[0];
        assert_eq!(article.url, "/returns/refund-policy/");
        assert_eq!(article.comments.len(), 1);
        assert_eq!(article.comments[0].text, "Too slow");

        let russian = Filter {
            lang: Some("ru".into()),
            ..filter
        };
        let only = report_of(dir.path(), &russian);
        assert_eq!(only.searches, 0);
        assert_eq!(only.articles.len(), 1);
        assert_eq!(only.articles[0].url, "/ru/returns/refund-policy/");
    }

    fn typed(at: i64, query: &str, answered: Answered, page: &str) -> Event {
        match search(at, query, "en", answered) {
            Event::Search(mut s) => {
                s.page = Some(page.into());
                Event::Search(s)
            }
            other => other,
        }
    }

    fn chose(at: i64, query: &str, url: &str, page: &str) -> Event {
        Event::Click(crate::insights::Click {
            at,
            query: query.into(),
            lang: "en".into(),
            url: url.into(),
            rank: 1,
            page: Some(page.into()),
        })
    }

    #[test]
    fn what_shoppers_asked_before_they_found_an_article_becomes_its_keywords() {
        let dir = tempfile::tempdir().expect("temp dir");
        let day = 86_400;
        let now = crate::insights::this_minute();
        let url = "/orders/gift-packaging/";
        let mut events = Vec::new();
        for (n, page) in ["pageone1", "pagetwo2"].iter().enumerate() {
            let at = now - n as i64 * day;
            events.push(typed(at, "gift wrap", Answered::Nothing, page));
            events.push(typed(at, "packaging", Answered::AsTyped, page));
            events.push(chose(at, "packaging", url, page));
        }
        // One shopper asks without an answer, another asks otherwise and chooses: two pages,
        // no rephrasing.
        events.push(typed(now, "gift wrap", Answered::Nothing, "pagethr3"));
        events.push(typed(now, "packaging", Answered::AsTyped, "pagefou4"));
        events.push(chose(now, "packaging", url, "pagefou4"));
        // Found, but nobody chose anything; and a turn to support from an article.
        events.push(search(now, "warranty", "en", Answered::AsTyped));
        events.push(Event::Handoff(crate::insights::Handoff {
            at: now,
            from: "/returns/refund-policy/".into(),
            query: None,
            channel: "chat".into(),
            page: None,
        }));
        let path = database(dir.path(), "a.db", events);
        let filter = Filter {
            since: now - 30 * day,
            ..Filter::default()
        };
        let report = report(&[path], &filter).expect("reports");
        assert_eq!(
            report.rephrased,
            [Rephrased {
                from: "gift wrap".into(),
                to: "packaging".into(),
                url: url.into(),
                lang: "en".into(),
                times: 2,
            }]
        );
        assert_eq!(report.suggestions.len(), 1);
        let suggestion = &report.suggestions[0];
        assert_eq!(suggestion.keywords, r#"keywords = ["gift wrap"]"#);
        assert_eq!(
            (
                suggestion.url.as_str(),
                suggestion.searches,
                suggestion.days,
                suggestion.then_chose
            ),
            (url, 3, 2, 2),
            "three unanswered searches, two of them rephrased into a choice"
        );
        let unclicked: Vec<&str> = report.unclicked.iter().map(|q| q.query.as_str()).collect();
        assert_eq!(unclicked, ["warranty"]);
        assert_eq!((report.clicks, report.handoffs), (3, 1));
        assert_eq!(
            report.sections[0].section, "/returns/",
            "hand-offs rank first"
        );
        assert_eq!(report.sections[0].handoffs, 1);
        assert_eq!(report.articles[0].url, "/returns/refund-policy/");
        let packaging = report
            .articles
            .iter()
            .find(|a| a.url == url)
            .expect("reached");
        assert_eq!(packaging.clicks, 3);
    }

    #[test]
    fn articles_rated_unhelpful_or_reached_and_old_are_to_be_reviewed_first() {
        let now = 20_429 * 86_400;
        let article = |url: &str, no: usize, yes: usize, clicks: usize| ArticleFigures {
            url: url.into(),
            votes: Votes { yes, no },
            clicks,
            ..ArticleFigures::default()
        };
        let articles = [
            article("/old-and-read/", 0, 1, 9),
            article("/unhelpful/", 3, 1, 0),
            article("/new-and-read/", 0, 0, 40),
            article("/old-and-quiet/", 0, 0, 2),
            article("/undated/", 0, 0, 50),
        ];
        let info = |updated: Option<&str>| ArticleInfo {
            title: "T".into(),
            updated: updated.map(Into::into),
        };
        let filter = Filter {
            now,
            review_after_days: 180,
            articles: [
                ("/old-and-read/".to_string(), info(Some("2025-01-01"))),
                ("/unhelpful/".to_string(), info(Some("2025-12-01"))),
                ("/new-and-read/".to_string(), info(Some("2025-11-01"))),
                ("/old-and-quiet/".to_string(), info(Some("2024-01-01"))),
                ("/undated/".to_string(), info(None)),
            ]
            .into_iter()
            .collect(),
            ..Filter::default()
        };
        let due = review(&articles, &filter);
        let urls: Vec<&str> = due.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["/unhelpful/", "/old-and-read/"]);
        assert_eq!(due[0].why, "rated unhelpful 3 times of 4");
        assert_eq!(due[1].why, "reached 10 times, not updated for 340 days");
        assert_eq!(due[1].days_old, Some(340));
    }

    fn report_of(dir: &Path, filter: &Filter) -> Report {
        report(&[dir.join("a.db"), dir.join("b.db")], filter).expect("reports")
    }

    #[test]
    fn a_missing_database_is_named() {
        let error = report(
            &[PathBuf::from("/nonexistent/insights.db")],
            &Filter::default(),
        )
        .expect_err("refused")
        .to_string();
        assert!(error.contains("/nonexistent/insights.db") && error.contains("helpbook serve"));
    }

    #[test]
    fn since_reads_days_weeks_and_dates() {
        let now = 20_429 * 86_400 + 3_600;
        assert_eq!(since("30d", now), Ok(now - 30 * 86_400));
        assert_eq!(since("2w", now), Ok(now - 14 * 86_400));
        assert_eq!(since("2025-12-07", now), Ok(20_429 * 86_400));
        assert_eq!(
            since("2024-02-29", now).map(|t| date_of(t / 86_400)),
            Ok("2024-02-29".into())
        );
        for bad in [
            "",
            "30",
            "0d",
            "-3d",
            "2025-13-01",
            "2025-02-30",
            "2025-1-01",
            "yesterday",
        ] {
            let error = since(bad, now).expect_err(bad).to_string();
            assert!(error.starts_with("--since must be"), "{bad}: {error}");
        }
    }

    #[test]
    fn dates_and_weeks_are_calendar_ones() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(20_429), "2025-12-07");
        assert_eq!(date_of(week_of(20_429)), "2025-12-01", "a Monday");
        assert_eq!(date_of(week_of(20_424)), "2025-12-01");
    }
}
