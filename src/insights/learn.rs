//! `[search] learn-from-clicks`: what shoppers chose for a query, as a boost the next build
//! gives that article for that query. Only a choice made on several distinct days counts (so
//! that one person clicking cannot steer it), each day counts less as it ages, and the boost
//! is capped so that it reorders close answers, not buries the words.

use std::path::Path;

use rusqlite::{Connection, params};

use super::store::InsightsError;
use crate::search::Learned;

/// Distinct days an article must have been chosen for a query on.
pub const DAYS_NEEDED: usize = 3;
/// What one day's choice adds, when it is today.
const PER_DAY: f32 = 6.0;
/// A day's choice counts half after this many days.
const HALF_LIFE_DAYS: f64 = 30.0;
/// The most a boost adds: about the difference between an answer with the query's words in
/// its title and one with them only in its text.
pub const CAP: f32 = 24.0;
/// Choices older than this are not read.
const LOOK_BACK_DAYS: i64 = 180;

/// The boosts the database at `path` teaches, as of `now` (Unix time); none when there is no
/// database yet.
pub fn boosts(path: &Path, now: i64) -> Result<Vec<Learned>, InsightsError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let db = super::report::open_read_only(path)?;
    boosts_in(&db, now).map_err(|sqlite| InsightsError::Open {
        path: path.display().to_string(),
        sqlite,
    })
}

/// [`boosts`] from a database already open.
pub(super) fn boosts_in(db: &Connection, now: i64) -> rusqlite::Result<Vec<Learned>> {
    let today = now.div_euclid(86_400);
    let mut statement = db.prepare(
        "SELECT query, lang, url, at / 86400 AS day FROM clicks WHERE at >= ?1
         GROUP BY query, lang, url, day ORDER BY query, lang, url",
    )?;
    let rows = statement.query_map(params![now - LOOK_BACK_DAYS * 86_400], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, i64>(3)?,
        ))
    })?;
    let mut learned: Vec<Learned> = Vec::new();
    for row in rows {
        let (query, lang, url, day) = row?;
        let weight = 0.5_f64.powf((today - day).max(0) as f64 / HALF_LIFE_DAYS) as f32 * PER_DAY;
        match learned.last_mut() {
            // One row per day: the same article again is another day.
            Some(last) if (&last.query, &last.lang, &last.url) == (&query, &lang, &url) => {
                last.boost += weight;
                last.days += 1;
            }
            _ => learned.push(Learned {
                query,
                lang,
                url,
                boost: weight,
                days: 1,
            }),
        }
    }
    learned.retain(|l| l.days >= DAYS_NEEDED && !l.query.is_empty());
    for l in &mut learned {
        l.boost = (l.boost.min(CAP) * 1000.0).round() / 1000.0;
    }
    Ok(learned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::{Click, Event, store::Writer};

    fn click(at: i64, query: &str, url: &str) -> Event {
        Event::Click(Click {
            at,
            query: query.into(),
            lang: "en".into(),
            url: url.into(),
            rank: 4,
            page: None,
        })
    }

    #[test]
    fn only_choices_on_several_days_count_and_old_ones_less() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("insights.db");
        let now = 20_429 * 86_400 + 3_600;
        let day = 86_400;
        let (writer, insights) = Writer::start(&path, 3650).expect("starts");
        let mut events = Vec::new();
        // Three days, recent: learned.
        for d in 0..3 {
            events.push(click(
                now - d * day,
                "where is my parcel",
                "/orders/track-your-order/",
            ));
        }
        // A hundred clicks in one afternoon: one person, or a bot. Nothing.
        for _ in 0..100 {
            events.push(click(now, "refund", "/returns/exchange-an-item/"));
        }
        // Three days, long ago: learned, but less.
        for d in 0..3 {
            events.push(click(
                now - (90 + d) * day,
                "invoice",
                "/payments/invoices/",
            ));
        }
        // Every day for a month: capped.
        for d in 0..30 {
            events.push(click(now - d * day, "gift card", "/payments/gift-cards/"));
        }
        for event in events {
            assert!(insights.record(event));
        }
        writer.finish();
        let learned = boosts(&path, now).expect("reads");
        let boost_of = |query: &str| learned.iter().find(|l| l.query == query).map(|l| l.boost);
        assert_eq!(boost_of("refund"), None, "one day is no pattern");
        let recent = boost_of("where is my parcel").expect("learned");
        let old = boost_of("invoice").expect("learned");
        assert!(recent > 15.0 && old < recent / 4.0, "{recent} {old}");
        assert_eq!(boost_of("gift card"), Some(CAP));
        assert_eq!(
            boosts(&dir.path().join("none.db"), now).expect("nothing yet"),
            []
        );
    }
}
