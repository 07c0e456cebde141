//! Dates and times as written in front matter: a record's date, a programme item's time.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A date, or a date and time, as written in front matter (`2016-11-19`, `2016-11-19T14:00`).
/// Times are local to the site (Europe/Paris).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub at: NaiveDateTime,
    /// Whether a time of day was given (`false` for a plain date).
    pub has_time: bool,
}

impl Date {
    /// « samedi 5 décembre 2026 », with « à 8 h » when the date has a time of day.
    pub fn moment_long(self) -> String {
        use crate::text::french;
        if self.has_time {
            format!(
                "{} à {}",
                french::date_long(self.date()),
                french::time(self.at)
            )
        } else {
            french::date_long(self.date())
        }
    }

    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            if s.len() == 10 {
                return Ok(Date {
                    at: d.and_time(NaiveTime::MIN),
                    has_time: false,
                });
            }
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(at) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(Date { at, has_time: true });
            }
        }
        // Tell a date that does not exist (2016-02-30) apart from one badly written.
        let digits: Vec<&str> = s.get(..10).unwrap_or(s).split('-').collect();
        if digits.len() == 3
            && digits
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(format!("la date « {s} » n'existe pas"));
        }
        Err(format!(
            "date invalide « {s} » : écrivez AAAA-MM-JJ, ou AAAA-MM-JJTHH:MM pour une heure"
        ))
    }

    pub fn date(&self) -> NaiveDate {
        self.at.date()
    }

    /// ISO 8601: `2016-11-19` or `2016-11-19T14:00:00`.
    pub fn iso(&self) -> String {
        if self.has_time {
            self.at.format("%Y-%m-%dT%H:%M:%S").to_string()
        } else {
            self.at.format("%Y-%m-%d").to_string()
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date (AAAA-MM-JJ)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

/// A time of a Forum programme item: `10:00`, `10h`, `10h30`, `24:00` (the end of the day,
/// as ISO 8601 allows), or a full date and time for an edition over several days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProgramTime {
    Clock(NaiveTime),
    At(Date),
    /// `24:00`: midnight at the end of the edition's day.
    EndOfDay,
}

impl ProgramTime {
    fn parse(s: &str) -> Result<ProgramTime, String> {
        let t = s.trim();
        let clock = t.replace(['h', 'H'], ":");
        let clock = if clock.ends_with(':') {
            format!("{clock}00")
        } else {
            clock
        };
        if let Ok(c) = NaiveTime::parse_from_str(&clock, "%H:%M") {
            return Ok(ProgramTime::Clock(c));
        }
        if clock == "24:00" {
            return Ok(ProgramTime::EndOfDay);
        }
        match Date::parse(t) {
            Ok(d) if d.has_time => Ok(ProgramTime::At(d)),
            _ => Err(format!(
                "heure invalide « {t} » : écrivez HH:MM (par exemple 14:30)"
            )),
        }
    }

    /// The moment on the edition's day `day`.
    pub fn on(&self, day: NaiveDate) -> NaiveDateTime {
        match self {
            ProgramTime::Clock(c) => day.and_time(*c),
            ProgramTime::At(d) => d.at,
            ProgramTime::EndOfDay => day.succ_opt().map_or_else(
                || day.and_time(NaiveTime::MIN),
                |next| next.and_time(NaiveTime::MIN),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for ProgramTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ProgramTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time (HH:MM)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ProgramTime, E> {
                ProgramTime::parse(s).map_err(E::custom)
            }
            // `start: 10:00` unquoted is sexagesimal in YAML 1.1 but a string in 1.2; an
            // integer here means the editor wrote `start: 10`.
            fn visit_u64<E: de::Error>(self, h: u64) -> Result<ProgramTime, E> {
                ProgramTime::parse(&format!("{h}:00")).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for ProgramTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ProgramTime::Clock(c) => s.serialize_str(&c.format("%H:%M").to_string()),
            ProgramTime::At(d) => d.serialize(s),
            ProgramTime::EndOfDay => s.serialize_str("24:00"),
        }
    }
}

impl super::blank::Blankable<'_> for Date {
    const TEXT: bool = true;
}

impl super::blank::Blankable<'_> for ProgramTime {
    const TEXT: bool = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_programme_item_may_end_at_24_00_the_end_of_its_day() {
        let day = NaiveDate::from_ymd_opt(2016, 11, 19).unwrap();
        for written in ["24:00", "24h", "24h00", "24H"] {
            let t = ProgramTime::parse(written).unwrap();
            assert_eq!(t, ProgramTime::EndOfDay, "{written}");
            let next = NaiveDate::from_ymd_opt(2016, 11, 20).unwrap();
            assert_eq!(t.on(day), next.and_time(NaiveTime::MIN));
            assert!(t.on(day) > ProgramTime::parse("23:00").unwrap().on(day));
        }
        assert!(ProgramTime::parse("24:30").is_err());
        assert!(ProgramTime::parse("25h").is_err());
        assert_eq!(
            crate::text::french::time(day.and_time(NaiveTime::MIN)),
            "minuit"
        );
    }
}
