//! Review dates: the articles whose review date (`review_by`, or `updated` plus the site's
//! `review_after` days) is before today. `kbgen check` warns about each at the line the date
//! comes from, and the status page lists them per owner. A build says nothing of them: an
//! overdue review stops no page and spoils none.

use crate::diag::{yaml::key_pos, Code, Diagnostic, Pos};
use crate::load::frontmatter::Date;
use crate::model::{Article, ArticleId, Site};

/// An article past its review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overdue<'a> {
    pub article: ArticleId,
    pub owner: Option<&'a str>,
    pub due: Date,
}

/// Every article past its review date on `site.today`: by owner (names in alphabetical
/// order, articles without an owner last), the oldest review date first, then by file.
pub fn overdue(site: &Site) -> Vec<Overdue<'_>> {
    let mut out: Vec<Overdue> = site
        .articles
        .iter()
        .enumerate()
        .filter_map(|(article, a)| {
            let due = a.review_by.filter(|&d| d < site.today)?;
            Some(Overdue {
                article,
                owner: a.owner.as_deref(),
                due,
            })
        })
        .collect();
    out.sort_by_cached_key(|o| {
        (
            o.owner.is_none(),
            o.owner.map(str::to_lowercase),
            o.owner,
            o.due,
            &site.articles[o.article].file,
        )
    });
    out
}

/// A warning for each article past its review date, for `kbgen check`.
pub fn diagnostics(site: &Site) -> Vec<Diagnostic> {
    overdue(site)
        .into_iter()
        .map(|o| {
            let a = &site.articles[o.article];
            let owner = match o.owner {
                Some(name) => format!("owner: {name}"),
                None => "no owner".to_string(),
            };
            let (pos, message, hint) = match written(a) {
                Some(pos) => (
                    pos,
                    format!("the review date {} has passed ({owner})", o.due),
                    "review the article, then set `review_by:` to the date of its next review"
                        .to_string(),
                ),
                None => (
                    crate::load::field_pos(a.yaml(), "updated", 1),
                    format!(
                        "the review date {} ({} days after `updated`, review_after in \
                         kbgen.yaml) has passed ({owner})",
                        o.due,
                        site.config.review_after.unwrap_or_default(),
                    ),
                    format!(
                        "review the article, then set `updated: {}`, or give it a date of its \
                         own with `review_by:`",
                        site.today
                    ),
                ),
            };
            Diagnostic::warning(Code::ReviewOverdue, &a.file, pos, message)
                .with_source(&a.source())
                .hint(hint)
        })
        .collect()
}

/// Where the article's front matter sets `review_by:` (a top-level key), if it does.
fn written(a: &Article) -> Option<Pos> {
    key_pos(a.yaml(), "review_by", 1, None)
        .filter(|p| p.column == 1)
        .map(|p| p.below(1))
}
