//! Front matter: splitting a Markdown file into its YAML head and its body, and the one place
//! that calls serde_yaml on writers' files (serde_yaml is archived upstream; a switch to a
//! maintained fork changes this module only).
//!
//! Field types validate themselves while they deserialize, so serde_yaml attaches the line and
//! column of the offending value to every error: a port of 70000 or a level of `expert` is
//! reported where the writer typed it.

use crate::diag::Pos;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// An article's front matter as the writer typed it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub updated: Date,
    #[serde(default)]
    pub level: Option<Level>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub order: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub server_tables: BTreeMap<String, ServerTableSource>,
    /// In a translation: the hash of the source-language file it was translated from, set
    /// by `kbgen translated`. When the source changes, `kbgen check` reports it stale.
    #[serde(default)]
    pub source_hash: Option<String>,
    /// Who keeps the article up to date: the status page lists overdue reviews per owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// When the article is to be reviewed again; without it, `review_after` days after
    /// `updated` when kbgen.yaml sets that.
    #[serde(default)]
    pub review_by: Option<Date>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerTableSource {
    #[serde(default)]
    pub caption: Option<String>,
    /// Left out in a translation: the rows come from another language's file.
    #[serde(default)]
    pub rows: Option<Vec<ServerRow>>,
    /// The name of a table of `servers.yaml` whose rows (and caption, unless this table has
    /// its own) this table shows, instead of `rows:`.
    #[serde(default)]
    pub shared: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerRow {
    pub host: String,
    pub port: Port,
    pub security: Security,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Port(pub u16);

// Both types check their value inside a visitor: an error raised there carries the position
// of the scalar itself, where one raised after deserializing points at the enclosing mapping.
impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Port;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a port: a whole number from 1 to 65535")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Port, E> {
                match u16::try_from(n) {
                    Ok(p) if p > 0 => Ok(Port(p)),
                    _ => Err(E::custom(format!("port {n} is outside 1–65535"))),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Port, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    Ssl,
    Starttls,
    None,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Ssl => "ssl",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Beginner,
    Advanced,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Advanced => "advanced",
        }
    }
}

/// A calendar date, `YYYY-MM-DD`, checked to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub(crate) year: i32,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date {
            year: year as i32,
            month: month as u8,
            day: day as u8,
        })
    }

    /// Days since 1970-01-01 (negative before it), Howard Hinnant's `days_from_civil`.
    pub fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, Howard Hinnant's `civil_from_days`; kept to
    /// the years a writer can type (0000–9999).
    pub fn from_days(days: i64) -> Date {
        const FIRST: Date = Date {
            year: 0,
            month: 1,
            day: 1,
        };
        const LAST: Date = Date {
            year: 9999,
            month: 12,
            day: 31,
        };
        let z = days.clamp(FIRST.days(), LAST.days()) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        Date {
            year: (yoe + era * 400 + i64::from(month <= 2)) as i32,
            month,
            day,
        }
    }

    /// The date `n` days later.
    pub fn plus_days(self, n: i64) -> Date {
        Date::from_days(self.days().saturating_add(n))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).ok_or_else(|| {
                    E::custom(format!(
                        "`{s}` is not a valid date; write it as YYYY-MM-DD, e.g. 2021-12-20"
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// A Markdown file cut in two.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Lines before the YAML text (the opening `---`), to turn YAML positions into file ones.
    pub yaml_line: usize,
    pub body: &'a str,
    /// Lines before the body.
    pub(crate) body_line: usize,
}

/// Cuts `text` (already without BOM and CRLF) at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, (Pos, String, &'static str)> {
    if text.trim().is_empty() {
        return Err((
            Pos::START,
            "the file is empty".into(),
            "an article starts with a line `---`, its YAML fields (at least `title` and `updated`), and another line `---`; or delete the file",
        ));
    }
    let Some(rest) = text.strip_prefix("---\n") else {
        return Err((
            Pos::START,
            "the file does not start with front matter".into(),
            "an article starts with a line `---`, its YAML fields (at least `title` and `updated`), and another line `---`",
        ));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(Split {
                yaml,
                yaml_line: 1,
                body,
                body_line: 1 + yaml.matches('\n').count() + 1,
            });
        }
        offset += line.len();
    }
    Err((
        Pos::START,
        "the front matter has no closing `---`".into(),
        "end the YAML fields with a line holding only `---`",
    ))
}

pub fn parse(yaml: &str) -> Result<FrontMatter, serde_yaml::Error> {
    serde_yaml::from_str(yaml)
}

pub(crate) fn parse_value<T: serde::de::DeserializeOwned>(
    yaml: &str,
) -> Result<T, serde_yaml::Error> {
    serde_yaml::from_str(yaml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert_eq!(Date::parse("2021-12-20").unwrap().to_string(), "2021-12-20");
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2021-13-01").is_none());
        assert!(Date::parse("20-12-2021").is_none());
    }

    #[test]
    fn days_count_from_1970_both_ways() {
        let d = |s| Date::parse(s).unwrap();
        for (date, days) in [
            ("1970-01-01", 0),
            ("2021-12-20", 18_981),
            ("2023-03-01", 19_417),
            ("2024-02-29", 19_782),
            ("1969-12-31", -1),
            ("2000-03-01", 11_017),
        ] {
            assert_eq!(d(date).days(), days, "{date}");
            assert_eq!(Date::from_days(days), d(date), "{days}");
        }
        assert_eq!(d("2024-02-28").plus_days(1), d("2024-02-29"));
        assert_eq!(d("2023-02-28").plus_days(1), d("2023-03-01"));
        assert_eq!(d("2024-06-01").plus_days(365), d("2025-06-01"));
        // Every day of four centuries, there and back.
        let start = d("1900-01-01").days();
        for n in start..start + 146_097 {
            let date = Date::from_days(n);
            assert_eq!(date.days(), n);
            assert_eq!(Date::parse(&date.to_string()), Some(date));
            assert_eq!(date.plus_days(1).days(), n + 1);
        }
        // Beyond the years a writer can type, the last of them.
        assert_eq!(
            d("9999-12-01").plus_days(i64::MAX).to_string(),
            "9999-12-31"
        );
        assert_eq!(Date::from_days(i64::MIN).to_string(), "0000-01-01");
    }

    #[test]
    fn split_finds_fences_and_body_line() {
        let s = split("---\ntitle: x\nupdated: 2021-01-01\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: x\nupdated: 2021-01-01\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 4);
        assert!(split("---\ntitle: x\n").is_err());
        assert!(split("title: x\n").is_err());
    }

    #[test]
    fn unknown_fields_get_a_suggestion() {
        let e = parse("titel: Hej\nupdated: 2021-01-01\n").unwrap_err();
        let d = crate::diag::yaml::yaml_error("a.md", "titel: Hej\n", 1, &e);
        assert_eq!(d.line, 2);
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn ports_and_security_are_checked_where_typed() {
        let yaml = "title: x\nupdated: 2021-01-01\nserver_tables:\n  t:\n    rows:\n      - { host: a, port: 70000, security: ssl }\n";
        let e = parse(yaml).unwrap_err();
        assert!(
            e.to_string().contains("port 70000 is outside 1–65535"),
            "{e}"
        );
        assert_eq!(e.location().unwrap().line(), 6);
        let e = parse(&yaml.replace("70000, security: ssl", "993, security: tls")).unwrap_err();
        assert!(e.to_string().contains("unknown variant `tls`"), "{e}");
    }
}
