//! Reading insights databases (read-only) into the report's tally.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};

use super::{Comment, Filter, Tally, count_vote, is_unanswered};
use crate::insights::store::InsightsError;

pub(crate) fn open_read_only(path: &Path) -> Result<Connection, InsightsError> {
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

pub(super) fn read_searches(
    db: &Connection,
    filter: &Filter,
    tally: &mut Tally,
) -> rusqlite::Result<()> {
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

pub(super) fn read_feedback(
    db: &Connection,
    filter: &Filter,
    tally: &mut Tally,
) -> rusqlite::Result<()> {
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

pub(super) fn read_clicks(
    db: &Connection,
    filter: &Filter,
    tally: &mut Tally,
) -> rusqlite::Result<()> {
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

pub(super) fn read_handoffs(
    db: &Connection,
    filter: &Filter,
    tally: &mut Tally,
) -> rusqlite::Result<()> {
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
