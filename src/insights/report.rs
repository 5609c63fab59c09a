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
    /// Per top-level section: what shoppers said of its articles, most "No" first.
    pub sections: Vec<SectionFigures>,
    /// The most searched queries.
    pub top_queries: Vec<QueryFigures>,
    /// Unanswered queries, typos of one another merged: the articles to write next.
    pub unanswered: Vec<Unanswered>,
    /// Articles shoppers voted on, most "No" first, with what they wrote.
    pub articles: Vec<ArticleFigures>,
    /// Per week (Monday, `YYYY-MM-DD`): searches, unanswered ones and votes.
    pub weeks: Vec<Week>,
}

#[derive(Debug, Default, Serialize, PartialEq, Clone, Copy)]
pub struct Votes {
    pub yes: usize,
    pub no: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct SectionFigures {
    pub section: String,
    pub votes: Votes,
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
pub struct ArticleFigures {
    pub url: String,
    pub votes: Votes,
    /// Comments, newest first, each with its time (Unix, to the minute).
    pub comments: Vec<Comment>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Comment {
    pub at: i64,
    pub helpful: bool,
    pub text: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Week {
    pub week: String,
    pub searches: usize,
    pub unanswered: usize,
    pub votes: Votes,
}

/// One query's searches, as read.
#[derive(Default)]
struct Counted {
    searches: usize,
    days: BTreeSet<i64>,
    answered: BTreeMap<String, usize>,
}

/// Reads `databases` (opened read-only; each must exist) and merges their figures.
pub fn report(databases: &[PathBuf], filter: &Filter) -> Result<Report, InsightsError> {
    let mut queries: BTreeMap<(String, String), Counted> = BTreeMap::new();
    let mut articles: BTreeMap<String, (Votes, Vec<Comment>)> = BTreeMap::new();
    let mut section_searches: BTreeMap<String, usize> = BTreeMap::new();
    let mut weeks: BTreeMap<i64, Week> = BTreeMap::new();
    for path in databases {
        let db = open_read_only(path)?;
        let failed = |e: rusqlite::Error| InsightsError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut statement = db
            .prepare(
                "SELECT query, lang, section, answered, at / 86400, count(*) FROM searches
                 WHERE at >= ?1 AND (?2 IS NULL OR lang = ?2) AND (?3 IS NULL OR section = ?3)
                 GROUP BY query, lang, section, answered, at / 86400",
            )
            .map_err(failed)?;
        let rows = statement
            .query_map(params![filter.since, filter.lang, filter.section], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, i64>(5)? as usize,
                ))
            })
            .map_err(failed)?;
        for row in rows {
            let (query, lang, section, answered, day, count) = row.map_err(failed)?;
            let unanswered = is_unanswered(&answered);
            let counted = queries.entry((query, lang)).or_default();
            counted.searches += count;
            counted.days.insert(day);
            *counted.answered.entry(answered).or_default() += count;
            if let Some(section) = section {
                *section_searches.entry(section).or_default() += count;
            }
            let week = week_of(day);
            let figures = weeks.entry(week).or_insert_with(|| Week {
                week: date_of(week),
                searches: 0,
                unanswered: 0,
                votes: Votes::default(),
            });
            figures.searches += count;
            figures.unanswered += if unanswered { count } else { 0 };
        }
        let mut statement = db
            .prepare("SELECT at, url, helpful, comment FROM feedback WHERE at >= ?1")
            .map_err(failed)?;
        let rows = statement
            .query_map([filter.since], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, bool>(2)?,
                    row.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(failed)?;
        for row in rows {
            let (at, url, helpful, comment) = row.map_err(failed)?;
            if !filter.holds_article(&url) {
                continue;
            }
            let (votes, comments) = articles.entry(url).or_default();
            count_vote(votes, helpful);
            if let Some(text) = comment {
                comments.push(Comment { at, helpful, text });
            }
            let week = week_of(at / 86400);
            let figures = weeks.entry(week).or_insert_with(|| Week {
                week: date_of(week),
                searches: 0,
                unanswered: 0,
                votes: Votes::default(),
            });
            count_vote(&mut figures.votes, helpful);
        }
    }

    let searches = queries.values().map(|c| c.searches).sum();
    let unanswered_searches = queries
        .values()
        .flat_map(|c| &c.answered)
        .filter(|(answered, _)| is_unanswered(answered))
        .map(|(_, n)| n)
        .sum();
    let mut top_queries: Vec<QueryFigures> = queries
        .iter()
        .map(|((query, lang), c)| QueryFigures {
            query: query.clone(),
            lang: lang.clone(),
            searches: c.searches,
            days: c.days.len(),
        })
        .collect();
    top_queries.sort_by(|a, b| b.searches.cmp(&a.searches).then(a.query.cmp(&b.query)));
    top_queries.truncate(SHOWN);

    let mut votes = Votes::default();
    let mut by_section: BTreeMap<String, SectionFigures> = BTreeMap::new();
    for (url, (article_votes, _)) in &articles {
        votes.yes += article_votes.yes;
        votes.no += article_votes.no;
        let section = filter.section_of(url);
        let figures = by_section
            .entry(section.clone())
            .or_insert_with(|| SectionFigures {
                section,
                votes: Votes::default(),
                searches: 0,
            });
        figures.votes.yes += article_votes.yes;
        figures.votes.no += article_votes.no;
    }
    for (section, searches) in section_searches {
        by_section
            .entry(section.clone())
            .or_insert_with(|| SectionFigures {
                section,
                votes: Votes::default(),
                searches: 0,
            })
            .searches += searches;
    }
    let mut sections: Vec<SectionFigures> = by_section.into_values().collect();
    sections.sort_by(|a, b| {
        (b.votes.no, b.searches)
            .cmp(&(a.votes.no, a.searches))
            .then(a.section.cmp(&b.section))
    });

    let mut articles: Vec<ArticleFigures> = articles
        .into_iter()
        .map(|(url, (votes, mut comments))| {
            comments.sort_by_key(|c| std::cmp::Reverse(c.at));
            ArticleFigures {
                url,
                votes,
                comments,
            }
        })
        .collect();
    articles.sort_by(|a, b| {
        (b.votes.no, a.votes.yes)
            .cmp(&(a.votes.no, b.votes.yes))
            .then(a.url.cmp(&b.url))
    });

    Ok(Report {
        since: filter.since,
        lang: filter.lang.clone(),
        section: filter.section.clone(),
        databases: databases.iter().map(|p| p.display().to_string()).collect(),
        searches,
        unanswered_searches,
        votes,
        sections,
        top_queries,
        unanswered: unanswered(&queries),
        articles,
        weeks: weeks.into_values().collect(),
    })
}

fn count_vote(votes: &mut Votes, helpful: bool) {
    if helpful {
        votes.yes += 1;
    } else {
        votes.no += 1;
    }
}

fn is_unanswered(answered: &str) -> bool {
    matches!(answered, "nothing" | "related" | "other-language")
}

/// The unanswered queries, each merged with the less searched ones within a typo of it
/// (one edit for queries of 4 to 8 letters, two beyond), most searched first.
fn unanswered(queries: &BTreeMap<(String, String), Counted>) -> Vec<Unanswered> {
    let mut open: Vec<(&(String, String), usize, &Counted)> = queries
        .iter()
        .filter_map(|(key, c)| {
            let missed: usize = c
                .answered
                .iter()
                .filter(|(a, _)| is_unanswered(a))
                .map(|(_, n)| n)
                .sum();
            (missed > 0).then_some((key, missed, c))
        })
        .collect();
    open.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // Merging compares each pair: only the most searched are merged and shown.
    open.truncate(2000);
    let chars: Vec<Vec<char>> = open.iter().map(|(k, _, _)| k.0.chars().collect()).collect();
    let mut merged_into: Vec<Option<usize>> = vec![None; open.len()];
    let mut groups: Vec<Unanswered> = Vec::new();
    let mut group_of: Vec<usize> = Vec::new();
    for i in 0..open.len() {
        let ((query, lang), missed, counted) = open[i];
        let head = (0..i).find(|&h| {
            merged_into[h].is_none() && open[h].0.1 == *lang && typo_of(&chars[h], &chars[i])
        });
        let answered = counted
            .answered
            .iter()
            .filter(|(a, _)| is_unanswered(a))
            .map(|(a, n)| (a.clone(), *n))
            .collect::<BTreeMap<_, _>>();
        match head {
            Some(h) => {
                merged_into[i] = Some(h);
                let group = &mut groups[group_of[h]];
                group.searches += missed;
                group.variants.push(query.clone());
                for (a, n) in answered {
                    *group.answered.entry(a).or_default() += n;
                }
                // Days are merged as a count of the head's and the variants' distinct days.
                group.days = group.days.max(counted.days.len());
                group_of.push(group_of[h]);
            }
            None => {
                group_of.push(groups.len());
                groups.push(Unanswered {
                    query: query.clone(),
                    lang: lang.clone(),
                    searches: missed,
                    days: counted.days.len(),
                    variants: Vec::new(),
                    answered,
                });
            }
        }
    }
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

/// `--since`: days (`30d`), weeks (`12w`) or a date (`2026-11-01`), as Unix time before `now`.
pub fn since(when: &str, now: i64) -> Result<i64, String> {
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
    Err(format!(
        "--since must be days (`30d`), weeks (`12w`) or a date (`2026-11-01`), got `{when}`"
    ))
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

fn open_read_only(path: &Path) -> Result<Connection, InsightsError> {
    let failed = |reason: String| InsightsError::Open {
        path: path.display().to_string(),
        reason,
    };
    if !path.is_file() {
        return Err(failed(
            "there is no such file (`helpbook serve` creates it when it records the first search)"
                .to_string(),
        ));
    }
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| failed(e.to_string()))?;
    let version: i64 = db
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| failed(e.to_string()))?;
    if version < 1 {
        return Err(failed("it is not a helpbook insights database".to_string()));
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
                search(now, "gift wraping", "en", Answered::Nothing),
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
            ("gift wrapping", 4, 3, vec!["gift wraping".to_string()])
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
            let error = since(bad, now).expect_err(bad);
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
