//! Server data that is probably wrong: a security setting that does not fit a well-known
//! port, a protocol on another protocol's port, a host that is not a host name; and server
//! data kept twice: an article's own rows that a table of `servers.yaml` has. (Rows that
//! differ between the languages of an article are the translation status's: `status.rs`.)

use crate::diag::{Code, Diagnostic, Severity};
use crate::load::files::SERVERS_FILE;
use crate::load::frontmatter::{Security, ServerRow};
use crate::model::{Rows, Site};
use crate::render::tables::TableWords;
use std::collections::BTreeSet;

const IMAP: &[u16] = &[143, 993];
const POP3: &[u16] = &[110, 995];
const SMTP: &[u16] = &[25, 465, 587, 2525];

/// Every suspicious row of every table, with hosts as readers see them; an article's rows
/// that a shared table has; shared tables no article uses.
pub fn check(site: &Site, words: &[TableWords]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in &site.articles {
        for (name, table) in &a.tables {
            // Shared rows are checked once, where servers.yaml has them.
            if let Rows::Shared(_) = table.from {
                continue;
            }
            for row in &table.rows {
                let host = words[a.locale].host(row);
                let problems = row_problems(&host, row);
                for (severity, code, msg, hint) in problems {
                    let d = Diagnostic::new(
                        severity,
                        code,
                        &a.file,
                        a.table_pos(name),
                        format!("server table `{name}`: {msg}"),
                    );
                    out.push(d.with_source(&a.source()).hint(hint));
                }
            }
            let same = site
                .servers
                .tables
                .iter()
                .find(|(_, s)| s.rows == table.rows);
            if let (Rows::Written, Some((shared, _))) = (&table.from, same) {
                let d = Diagnostic::warning(
                    Code::ServerTableRepeatsShared,
                    &a.file,
                    a.table_pos(name),
                    format!("server table `{name}` has the rows of the shared table `{shared}`"),
                );
                out.push(d.with_source(&a.source()).hint(format!(
                    "write `shared: {shared}` instead of its `rows:`, so that a change in \
                     {SERVERS_FILE} reaches this page too"
                )));
            }
        }
    }
    out.extend(shared(site, words));
    out
}

/// The shared tables' suspicious rows, once for all locales, and the tables no article uses.
fn shared(site: &Site, words: &[TableWords]) -> Vec<Diagnostic> {
    let used: BTreeSet<&str> = site
        .articles
        .iter()
        .flat_map(|a| a.tables.values())
        .filter_map(|t| match &t.from {
            Rows::Shared(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let servers = &site.servers;
    let mut out = Vec::new();
    for (name, table) in &servers.tables {
        let mut seen = BTreeSet::new();
        for row in &table.rows {
            for w in words {
                for (severity, code, msg, hint) in row_problems(&w.host(row), row) {
                    if seen.insert(msg.clone()) {
                        let msg = format!("shared server table `{name}`: {msg}");
                        let d = Diagnostic::new(severity, code, SERVERS_FILE, table.pos, msg);
                        out.push(d.with_source(&servers.text).hint(hint));
                    }
                }
            }
        }
        if !used.contains(name.as_str()) {
            let d = Diagnostic::warning(
                Code::ServerTableUnused,
                SERVERS_FILE,
                table.pos,
                format!("no article uses the shared server table `{name}`"),
            );
            out.push(d.with_source(&servers.text).hint(format!(
                "name it in an article's table, `shared: {name}`, or remove it"
            )));
        }
    }
    out
}

/// `(severity, code, message, hint)` for each problem of one row.
pub(crate) fn row_problems(host: &str, row: &ServerRow) -> Vec<(Severity, Code, String, String)> {
    let port = row.port.0;
    let mut out = Vec::new();
    if !is_host_name(host) {
        out.push((
            Severity::Error,
            Code::ServerHostInvalid,
            format!("`{}` is not a valid host name", row.host),
            "a host name is labels of a-z, 0-9 and dashes separated by dots, such as imap.websupport.se; use {domain} for the reader's domain".into(),
        ));
    }
    match (port, row.security) {
        (993 | 995 | 465, s) if s != Security::Ssl => out.push((
            Severity::Warning,
            Code::ServerPortSuspicious,
            format!("port {port} is an SSL/TLS port, but the row says `{}`", s.as_str()),
            format!("port {port} is encrypted from the first byte: use `security: ssl`, or check the port"),
        )),
        (143 | 110 | 25 | 587, Security::Ssl) => out.push((
            Severity::Warning,
            Code::ServerPortSuspicious,
            format!("port {port} is not an SSL port, but the row says `ssl`"),
            format!("port {port} starts unencrypted: use `starttls` or `none`, or check the port (SSL ports are 993, 995 and 465)"),
        )),
        _ => {}
    }
    let first = host.split('.').next().unwrap_or("");
    let (protocol, own): (&str, &[u16]) = match first {
        "imap" => ("IMAP", IMAP),
        "pop" | "pop3" => ("POP3", POP3),
        "smtp" | "mailout" => ("SMTP", SMTP),
        _ => ("", &[]),
    };
    let others: Vec<(&str, &[u16])> = [("IMAP", IMAP), ("POP3", POP3), ("SMTP", SMTP)]
        .into_iter()
        .filter(|(p, _)| *p != protocol)
        .collect();
    if !protocol.is_empty() && !own.contains(&port) {
        if let Some((other, _)) = others.iter().find(|(_, ports)| ports.contains(&port)) {
            out.push((
                Severity::Warning,
                Code::ServerPortSuspicious,
                format!("{host} is named for {protocol}, but port {port} belongs to {other}"),
                format!(
                    "{protocol} uses port {}",
                    own.iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            ));
        }
    }
    out
}

/// RFC 1123 host names: labels of letters, digits and dashes, 1–63 characters, not starting
/// or ending with a dash, at most 253 characters in all. Letters may be any alphabet
/// (internationalised names such as dindomän.tld).
pub(crate) fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::frontmatter::Port;

    fn row(host: &str, port: u16, security: Security) -> ServerRow {
        ServerRow {
            host: host.into(),
            port: Port(port),
            security,
        }
    }

    fn messages(host: &str, port: u16, security: Security) -> Vec<String> {
        row_problems(host, &row(host, port, security))
            .into_iter()
            .map(|(_, _, m, _)| m)
            .collect()
    }

    #[test]
    fn well_known_ports_and_security() {
        assert!(messages("imap.websupport.se", 993, Security::Ssl).is_empty());
        assert!(messages("smtp.websupport.se", 587, Security::Starttls).is_empty());
        assert_eq!(
            messages("imap.websupport.se", 993, Security::None),
            ["port 993 is an SSL/TLS port, but the row says `none`"]
        );
        assert_eq!(
            messages("smtp.websupport.se", 587, Security::Ssl),
            ["port 587 is not an SSL port, but the row says `ssl`"]
        );
    }

    #[test]
    fn protocol_on_another_protocols_port() {
        assert_eq!(
            messages("imap.websupport.se", 995, Security::Ssl),
            ["imap.websupport.se is named for IMAP, but port 995 belongs to POP3"]
        );
        assert!(messages("ftp.websupport.se", 21, Security::Starttls).is_empty());
    }

    #[test]
    fn host_names() {
        assert!(is_host_name("imap.dindomän.tld"));
        assert!(is_host_name("a-b.example.com"));
        assert!(!is_host_name("imap websupport.se"));
        assert!(!is_host_name("-imap.se"));
        assert!(!is_host_name("localhost"));
        assert!(!is_host_name("imap..se"));
    }
}
