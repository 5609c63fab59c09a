//! The insights database: one SQLite file (WAL), its schema in numbered versions run on open,
//! and the one thread that writes to it, in batches of one transaction each.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};

use super::typing::{SETTLED, Typing};
use super::{Event, Insights, QUEUE};

/// The schema, one entry per version: the database's `user_version` says how many have run.
const SCHEMA: &[&str] = &[
    "
    CREATE TABLE searches (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        query TEXT NOT NULL,
        lang TEXT NOT NULL,
        section TEXT,
        hits INTEGER NOT NULL,
        answered TEXT NOT NULL,
        suggested INTEGER NOT NULL
    );
    CREATE INDEX searches_at ON searches (at);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        url TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        comment TEXT
    );
    CREATE INDEX feedback_at ON feedback (at);
",
    "
    ALTER TABLE searches ADD COLUMN page TEXT;
",
    "
    CREATE TABLE clicks (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        query TEXT NOT NULL,
        lang TEXT NOT NULL,
        url TEXT NOT NULL,
        rank INTEGER NOT NULL,
        page TEXT
    );
    CREATE INDEX clicks_at ON clicks (at);
    CREATE TABLE handoffs (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        from_url TEXT NOT NULL,
        query TEXT,
        channel TEXT NOT NULL,
        page TEXT
    );
    CREATE INDEX handoffs_at ON handoffs (at);
",
];

/// Events written in one transaction at most.
const BATCH: usize = 5000;

/// How long the writer gathers events before writing them: at most QUEUE events may arrive
/// meanwhile (40,000 searches a second).
const GATHER: Duration = Duration::from_millis(200);

/// How long the writer waits for a database another process holds locked.
const BUSY_WAIT: Duration = Duration::from_secs(2);

/// Why the insights database cannot be used. `serve` says so at start and serves on without
/// recording.
#[derive(Debug, thiserror::Error)]
pub enum InsightsError {
    /// The database's folder cannot be created.
    #[error(
        "cannot create `{path}` for the insights database: {source}; make the folder writable, or set another `database` under [insights] in book.toml"
    )]
    Folder {
        path: String,
        source: std::io::Error,
    },
    /// SQLite cannot open, set up or read the database. SQLite's error is kept but is not
    /// the error's source: the message already says its words, and a source would add its
    /// numeric code ("Error code 14: …") to what a writer reads.
    #[error(
        "cannot open the insights database `{path}`: {sqlite}; make it and its folder writable, or set another `database` under [insights] in book.toml"
    )]
    Open {
        path: String,
        sqlite: rusqlite::Error,
    },
    /// `report` was pointed at a database that does not exist.
    #[error(
        "cannot open the insights database `{path}`: there is no such file (`helpbook serve` creates it when it records the first search); make it and its folder writable, or set another `database` under [insights] in book.toml"
    )]
    Missing { path: String },
    /// The file is an SQLite database, but not one `serve` wrote.
    #[error(
        "cannot open the insights database `{path}`: it is not a helpbook insights database; make it and its folder writable, or set another `database` under [insights] in book.toml"
    )]
    Foreign { path: String },
    /// The thread that writes the database cannot be started.
    #[error(
        "cannot open the insights database ``: cannot start its writer: {source}; make it and its folder writable, or set another `database` under [insights] in book.toml"
    )]
    Writer { source: std::io::Error },
    #[error(
        "the insights database `{path}` was written by a newer helpbook (schema version {found}; this one knows {known}); run that version, or set another `database` under [insights] in book.toml"
    )]
    Newer {
        path: String,
        found: usize,
        known: usize,
    },
}

/// What the writer thread receives.
pub(super) enum Message {
    Event(Event),
    /// Write what is queued, then stop.
    Close,
}

/// Opens (creating it and its folder when missing) the database at `path` and brings its
/// schema up to date.
pub fn open(path: &Path) -> Result<Connection, InsightsError> {
    let shown = path.display().to_string();
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| InsightsError::Folder {
            path: folder.display().to_string(),
            source,
        })?;
    }
    let failed = |sqlite| InsightsError::Open {
        path: shown.clone(),
        sqlite,
    };
    let mut connection = Connection::open(path).map_err(failed)?;
    connection.busy_timeout(BUSY_WAIT).map_err(failed)?;
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .map_err(failed)?;
    connection
        .pragma_update(None, "synchronous", "NORMAL")
        .map_err(failed)?;
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(failed)?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > SCHEMA.len() {
        return Err(InsightsError::Newer {
            path: shown,
            found: version,
            known: SCHEMA.len(),
        });
    }
    for (n, step) in SCHEMA.iter().enumerate().skip(version) {
        let transaction = connection.transaction().map_err(failed)?;
        transaction.execute_batch(step).map_err(failed)?;
        transaction
            .pragma_update(None, "user_version", n as i64 + 1)
            .map_err(failed)?;
        transaction.commit().map_err(failed)?;
    }
    Ok(connection)
}

/// The thread that writes events; [`Writer::finish`] (or dropping it) writes what is queued
/// and stops it.
pub struct Writer {
    queue: SyncSender<Message>,
    thread: Option<JoinHandle<()>>,
    dropped: Arc<AtomicU64>,
}

impl Writer {
    /// Opens the database at `path` and starts its writer. Rows older than `retention_days`
    /// are deleted now and once a day.
    pub fn start(path: &Path, retention_days: u32) -> Result<(Writer, Insights), InsightsError> {
        let connection = open(path)?;
        let (queue, received) = std::sync::mpsc::sync_channel(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let path = path.to_path_buf();
        let lost = Arc::clone(&dropped);
        let thread = std::thread::Builder::new()
            .name("insights".into())
            .spawn(move || write_until_closed(connection, &path, received, retention_days, &lost))
            .map_err(|source| InsightsError::Writer { source })?;
        let insights = Insights {
            queue: queue.clone(),
            dropped: Arc::clone(&dropped),
        };
        Ok((
            Writer {
                queue,
                thread: Some(thread),
                dropped,
            },
            insights,
        ))
    }

    /// Writes every event queued so far, then stops the writer.
    pub fn finish(mut self) {
        self.close();
    }

    fn close(&mut self) {
        if let Some(thread) = self.thread.take() {
            // Waits for room in a full queue: the writer is emptying it.
            let _ = self.queue.send(Message::Close);
            if thread.join().is_err() {
                tracing::error!("insights: the writer stopped unexpectedly");
            }
            let dropped = self.dropped.load(Ordering::Relaxed);
            if dropped > 0 {
                tracing::warn!(
                    dropped,
                    "insights: events were not recorded (the database was busy or the queue full)"
                );
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.close();
    }
}

fn write_until_closed(
    mut connection: Connection,
    path: &Path,
    received: Receiver<Message>,
    retention_days: u32,
    dropped: &AtomicU64,
) {
    let day = 24 * 60 * 60;
    let mut cleaned = 0;
    let mut typing = Typing::default();
    loop {
        let now = super::this_minute();
        if now - cleaned >= day {
            if let Err(error) = delete_older_than(&connection, retention_days, now) {
                tracing::warn!(path = %path.display(), %error, "insights: cannot delete old rows");
            }
            cleaned = now;
        }
        // While a shopper may still be typing, wake up to count what they settled on.
        let first = if typing.is_empty() {
            received.recv().ok()
        } else {
            match received.recv_timeout(SETTLED) {
                Ok(message) => Some(message),
                Err(RecvTimeoutError::Timeout) => {
                    let settled = typing.settled(Instant::now());
                    let events: Vec<Event> = settled.into_iter().map(Event::Search).collect();
                    write_or_count(&mut connection, path, &events, dropped);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => None,
            }
        };
        let Some(first) = first else {
            let events: Vec<Event> = typing.all().into_iter().map(Event::Search).collect();
            write_or_count(&mut connection, path, &events, dropped);
            return;
        };
        // What arrives within GATHER of the first event goes in its transaction, taken from
        // the queue at once: a commit per event or two, or a wake-up of this thread per event
        // (each a system call on the searching thread that sends it), cost a tenth of the
        // server's CPU under load.
        if !matches!(first, Message::Close) {
            std::thread::sleep(GATHER);
        }
        let mut batch = Vec::new();
        let mut closing = false;
        let mut next = Some(first);
        let now = Instant::now();
        while let Some(message) = next.take() {
            match message {
                Message::Event(Event::Search(search)) => {
                    batch.extend(typing.add(search, now).map(Event::Search));
                }
                // A choice ends the typing that led to it: the search is written first.
                Message::Event(Event::Click(click)) => {
                    let typed = click.page.as_deref().and_then(|p| typing.finish(p));
                    batch.extend(typed.map(Event::Search));
                    batch.push(Event::Click(click));
                }
                Message::Event(event) => batch.push(event),
                Message::Close => closing = true,
            }
            if batch.len() < BATCH || closing {
                next = received.try_recv().ok();
            }
        }
        let done = if closing {
            typing.all()
        } else {
            typing.settled(now)
        };
        batch.extend(done.into_iter().map(Event::Search));
        write_or_count(&mut connection, path, &batch, dropped);
        if closing {
            return;
        }
    }
}

/// Writes `events`; when that fails, counts them as dropped and says why in the log.
fn write_or_count(connection: &mut Connection, path: &Path, events: &[Event], dropped: &AtomicU64) {
    if events.is_empty() {
        return;
    }
    if let Err(error) = write(connection, events) {
        let lost = events.len() as u64;
        dropped.fetch_add(lost, Ordering::Relaxed);
        tracing::warn!(path = %path.display(), %error, lost, "insights: cannot write events");
    }
}

/// Writes `events` in one transaction.
fn write(connection: &mut Connection, events: &[Event]) -> rusqlite::Result<()> {
    let transaction = connection.transaction()?;
    {
        let mut search = transaction.prepare_cached(
            "INSERT INTO searches (at, query, lang, section, hits, answered, suggested, page)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut feedback = transaction.prepare_cached(
            "INSERT INTO feedback (at, url, helpful, comment) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut click = transaction.prepare_cached(
            "INSERT INTO clicks (at, query, lang, url, rank, page) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut handoff = transaction.prepare_cached(
            "INSERT INTO handoffs (at, from_url, query, channel, page) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for event in events {
            match event {
                Event::Search(s) => {
                    search.execute(params![
                        s.at,
                        s.query,
                        s.lang,
                        s.section,
                        s.hits as i64,
                        s.answered.as_str(),
                        s.suggested,
                        s.page,
                    ])?;
                }
                Event::Feedback(f) => {
                    feedback.execute(params![f.at, f.url, f.helpful, f.comment])?;
                }
                Event::Click(c) => {
                    click.execute(params![c.at, c.query, c.lang, c.url, c.rank as i64, c.page])?;
                }
                Event::Handoff(h) => {
                    handoff.execute(params![h.at, h.from, h.query, h.channel, h.page])?;
                }
            }
        }
    }
    transaction.commit()
}

/// Deletes the rows older than `days` days before `now`.
fn delete_older_than(connection: &Connection, days: u32, now: i64) -> rusqlite::Result<()> {
    let before = now - i64::from(days) * 24 * 60 * 60;
    for table in ["searches", "feedback", "clicks", "handoffs"] {
        connection.execute(&format!("DELETE FROM {table} WHERE at < ?1"), [before])?;
    }
    Ok(())
}

/// Where the help center at `root` keeps its database (book.toml `[insights] database`,
/// relative to `root` unless absolute).
pub fn path_of(config: &crate::config::Config) -> PathBuf {
    config.root.join(&config.insights_database)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::{Answered, Feedback, Search};

    fn search(query: &str) -> Event {
        Event::Search(Search {
            at: crate::insights::this_minute(),
            query: query.into(),
            lang: "en".into(),
            section: None,
            hits: 0,
            answered: Answered::Nothing,
            suggested: false,
            page: None,
        })
    }

    fn count(path: &Path, table: &str) -> i64 {
        Connection::open(path)
            .expect("opens")
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("counts")
    }

    #[test]
    fn everything_recorded_before_finish_is_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested/insights.db");
        let (writer, insights) = Writer::start(&path, 180).expect("starts");
        for n in 0..2500 {
            assert!(insights.record(search(&format!("query {n}"))));
        }
        assert!(insights.record(Event::Feedback(Feedback {
            at: crate::insights::this_minute(),
            url: "/returns/refund-policy/".into(),
            helpful: false,
            comment: Some("too slow".into()),
        })));
        writer.finish();
        assert_eq!(count(&path, "searches"), 2500);
        assert_eq!(count(&path, "feedback"), 1);
        // After the writer stopped, events are dropped and counted, not queued for nobody.
        assert!(!insights.record(search("late")));
        assert_eq!(insights.dropped(), 1);
    }

    #[test]
    fn a_database_of_an_older_schema_is_brought_up_to_date() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("insights.db");
        let old = Connection::open(&path).expect("opens");
        old.execute_batch(SCHEMA[0]).expect("first version");
        old.pragma_update(None, "user_version", 1).expect("writes");
        old.execute(
            "INSERT INTO searches (at, query, lang, hits, answered, suggested)
             VALUES (60, 'kept', 'en', 1, 'as-typed', 0)",
            [],
        )
        .expect("writes");
        drop(old);
        let db = open(&path).expect("opens");
        let version: i64 = db
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("reads");
        assert_eq!(version as usize, SCHEMA.len());
        let row: (String, Option<String>) = db
            .query_row("SELECT query, page FROM searches", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("reads");
        assert_eq!(row, ("kept".to_string(), None));
    }

    #[test]
    fn a_database_of_a_newer_schema_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("insights.db");
        Connection::open(&path)
            .and_then(|c| c.pragma_update(None, "user_version", 99))
            .expect("writes");
        let error = open(&path).expect_err("refused").to_string();
        assert!(
            error.contains("insights.db") && error.contains("newer helpbook"),
            "{error}"
        );
    }

    #[test]
    fn an_unwritable_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").expect("writes");
        let error = open(&file.join("insights.db"))
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("a-file") && error.contains("[insights]"),
            "{error}"
        );
    }

    #[test]
    fn old_rows_are_deleted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("insights.db");
        let mut connection = open(&path).expect("opens");
        let now = crate::insights::this_minute();
        let mut old = search("old");
        if let Event::Search(s) = &mut old {
            s.at = now - 200 * 24 * 60 * 60;
        }
        write(&mut connection, &[old, search("new")]).expect("writes");
        delete_older_than(&connection, 180, now).expect("deletes");
        let left: Vec<String> = connection
            .prepare("SELECT query FROM searches")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("reads");
        assert_eq!(left, ["new"]);
    }
}
