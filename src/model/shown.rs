//! What pages show of each article and category, for `kbgen serve`, which renders again only
//! the pages an edit changed. Each method names every field of its struct, so a new field does
//! not compile until someone decides which pages show it.

use super::{Article, Category, ServerTable};
use crate::load::Text;
use std::collections::BTreeMap;

/// What pages other than an article's own show of it (category listings, links, related
/// articles, language switchers, the search page): when it changes, every page may have to
/// be rendered again.
#[derive(PartialEq)]
pub(crate) struct Listed<'a> {
    key: &'a str,
    locale: usize,
    title: &'a str,
    url: &'a str,
    description: &'a Option<String>,
    updated: super::Date,
    level: Option<super::Level>,
    tags: &'a [String],
    order: Option<i64>,
    aliases: &'a [String],
    translations: &'a [Option<usize>],
    related: &'a [usize],
}

/// What only an article's own page shows: its body and the server tables in it.
#[derive(PartialEq)]
pub(crate) struct OwnPage<'a> {
    body: Body<'a>,
    tables: &'a BTreeMap<String, ServerTable>,
}

/// A body, compared at once when both are the same loaded text.
pub(crate) struct Body<'a>(&'a Text);

impl PartialEq for Body<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.same_body(other.0)
    }
}

impl Article {
    /// What of this article other pages show, and what only its own page shows.
    pub(crate) fn shown(&self) -> (Listed<'_>, OwnPage<'_>) {
        let Article {
            key,
            // The key is the file's path without the language: a renamed file has a new key.
            file: _,
            locale,
            // A move to another category changes the categories' lists (`Category::shown`).
            category: _,
            title,
            // Pages show the URL, which holds the slug.
            slug: _,
            url,
            description,
            updated,
            level,
            tags,
            order,
            aliases,
            // Positions are for error messages, which a rebuild reports anew.
            aliases_pos: _,
            tables,
            // Only the translation status page shows it, which `serve` compares on its own.
            source_hash: _,
            // Only the status page shows these, in its list of overdue reviews, which `serve`
            // compares on its own (`review::overdue`): no article or listing page shows them.
            owner: _,
            review_by: _,
            text,
            body_line: _,
            translations,
            related,
        } = self;
        (
            Listed {
                key,
                locale: *locale,
                title,
                url,
                description,
                updated: *updated,
                level: *level,
                tags,
                order: *order,
                aliases,
                translations,
                related,
            },
            OwnPage {
                body: Body(text),
                tables,
            },
        )
    }
}

impl Category {
    /// What pages show of this category: its names, URLs and lists of articles, per locale.
    pub(crate) fn shown(&self) -> impl PartialEq + '_ {
        let Category {
            key,
            // The key is the folder's path: another file has another key.
            file: _,
            // Parents, children, depth and order decide the categories' order, and a category
            // is compared with the one in the same place: another place, another key.
            parent: _,
            children: _,
            depth: _,
            order: _,
            title,
            // The translation status page lists the categories without a title of their own.
            untitled,
            description,
            url,
            articles,
            untranslated,
        } = self;
        (
            key,
            title,
            untitled,
            url,
            description,
            articles,
            untranslated,
        )
    }
}
