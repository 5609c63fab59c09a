//! Report dates: `--since` read as Unix time, day numbers as dates, weeks from Monday.

/// The Monday (as a day number) of the week of day `day` (days since 1970-01-01, a Thursday).
pub(super) fn week_of(day: i64) -> i64 {
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
