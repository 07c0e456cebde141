//! What `now` means, in one place: whether a dated record is published yet, whether an event
//! is still to come, and when a day given without a time ends. `now` itself is decided once,
//! by the command line (`--now`, `SOURCE_DATE_EPOCH`, the clock).

use crate::model::Date;
use crate::model::Section;
use chrono::NaiveDateTime;

/// The clock, as local time in Europe/Paris (the site's time zone).
pub fn clock_now() -> NaiveDateTime {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .naive_local()
}

/// The last second of a date: its time if it has one, else 23:59:59 of that day.
pub fn end_moment(d: Date) -> NaiveDateTime {
    if d.has_time {
        d.at
    } else {
        d.date().and_hms_opt(23, 59, 59).unwrap_or(d.at)
    }
}

/// Whether a record of `section` dated `date` is published at `now`: a record dated in the
/// future waits for its date, except events, announced ahead.
pub fn is_published(section: Section, date: Option<Date>, now: NaiveDateTime) -> bool {
    section.is_event() || date.is_none_or(|d| d.at <= now)
}

/// Whether an event (from `start` to `end`, or on `start` alone) is still to come at `now`:
/// it ends at or after now; a day given without a time lasts the whole day.
pub fn is_upcoming(start: Option<Date>, end: Option<Date>, now: NaiveDateTime) -> bool {
    match end.or(start) {
        Some(e) if e.has_time => e.at >= now,
        Some(e) => e.date() >= now.date(),
        None => false,
    }
}

/// The next moment after `now` at which one of these dated records changes state — a record
/// is published, an event becomes past — so that a preview left open knows when to look again.
pub fn next_change<'a>(
    records: impl IntoIterator<Item = (Section, Option<Date>, Option<Date>)> + 'a,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    records
        .into_iter()
        .flat_map(|(section, date, end)| {
            let published = date.filter(|_| !section.is_event()).map(|d| d.at);
            let over = section
                .is_event()
                .then(|| end.or(date))
                .flatten()
                .map(|e| end_moment(e) + chrono::Duration::seconds(1));
            [published, over]
        })
        .flatten()
        .filter(|t| *t > now)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn a_day_without_time_lasts_until_its_last_second() {
        let now = d("2026-12-05T23:59:30").at;
        assert!(is_upcoming(Some(d("2026-12-05")), None, now));
        assert!(!is_upcoming(Some(d("2026-12-04")), None, now));
        assert!(!is_upcoming(Some(d("2026-12-05T20:00")), None, now));
        assert_eq!(end_moment(d("2026-12-05")), d("2026-12-05T23:59:59").at);
    }

    #[test]
    fn records_wait_for_their_date_events_do_not() {
        let now = d("2026-12-01T10:00").at;
        let later = Some(d("2026-12-01T23:30"));
        assert!(!is_published(Section::Magazine, later, now));
        assert!(is_published(Section::Conferences, later, now));
        assert!(is_published(Section::Actors, None, now));
    }

    #[test]
    fn the_next_change_is_the_nearest_date_to_come() {
        let now = d("2026-12-01T10:00").at;
        let records = vec![
            (Section::Magazine, Some(d("2026-12-03")), None),
            (Section::Magazine, Some(d("2026-11-03")), None),
            (Section::Conferences, Some(d("2026-12-01T19:00")), None),
            (Section::Forum, Some(d("2026-12-02")), Some(d("2026-12-02"))),
        ];
        assert_eq!(next_change(records, now), Some(d("2026-12-01T19:00:01").at));
    }
}
