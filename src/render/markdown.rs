//! Article bodies: Markdown to HTML, as pulldown-cmark's events stream to its HTML writer.
//!
//! Two adapters stand between parser and writer. `Transform` looks at one event at a time
//! and hands each concern to a method named for it: server-table directives become tables,
//! images get their size and lazy loading, links by key (`@/email/x/imap`) and to articles'
//! files (`../x/imap.sv.md`) become the article's URL in the page's language, relative URLs
//! the site paths they lead to, links and images are checked against the site, raw HTML
//! follows the configured policy, header cells get a scope, GitHub's alerts (`> [!NOTE]`)
//! become note boxes with a localised title, snippet directives bring in the
//! snippet's events (in the page's language, through the same transforms, errors at the
//! snippet's own lines); on the way it notes the body text, the links, the tables placed and
//! the snippets included. They share one pass rather than being chained adapters of their
//! own, which cost a build 12 % more instructions. `HeadingIds` holds a heading's events
//! until its text gives it an id. Problems are reported at their line and column in the
//! article's (or the snippet's) file.

use crate::config::RawHtml;
use crate::diag::{Code, Diagnostic, Pos};
use crate::model::snippets::SnippetText;
use crate::model::{Article, Site};
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options,
    Parser, Tag, TagEnd,
};
use std::collections::BTreeSet;
use std::ops::Range;

/// What rendering a body produced besides its HTML.
#[derive(Debug, Default, Clone)]
pub struct Body {
    /// `(level, id, text)` of every heading, for a table of contents and the search index.
    pub headings: Vec<(u8, String, String)>,
    /// The body as plain text (no markup), for search snippets.
    pub text: String,
    /// Every link, for `kbgen check` (a build never reports a position, so none is worked
    /// out).
    pub links: Vec<Link>,
    /// The snippets the body includes, directly or through others: `kbgen serve` renders
    /// the article again when one of them changes.
    pub snippets: BTreeSet<String>,
}

/// A link of a body, as published.
#[derive(Debug, Clone)]
pub struct Link {
    /// The `href`: as written, or the URL a link by key, to a file or relative resolves to.
    pub(crate) dest: String,
    /// Its byte offset in the body (for a link in a snippet, where the body includes it).
    pub(crate) offset: usize,
    /// A relative URL as written, which messages about `dest` show: the writer wrote that.
    pub relative: Option<String>,
}

/// A block of a body whose HTML comes from the templates.
pub(crate) enum Block<'n> {
    /// A server-table directive's table, by name.
    Table(&'n str),
    /// The title of an alert (`> [!WARNING]`): its words are the locale's.
    AlertTitle(BlockQuoteKind),
    /// The start of a code block, `<pre …><code …>`: a region that scrolls in place, so it is
    /// focusable and named, the `number`th code block of the page; `lang` as written.
    CodeStart { lang: &'n str, number: usize },
    /// The start of the box a Markdown table scrolls in, the `number`th table of the page.
    TableStart { number: usize },
}

/// Renders a block; supplied by the caller, which owns the templates.
pub(crate) type BlockRenderer<'a> = dyn Fn(Block) -> Result<String, Diagnostic> + 'a;

/// An alert's kind as its class and the template know it.
pub(crate) fn alert_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

pub(crate) fn render(
    site: &Site,
    article: &Article,
    blocks: &BlockRenderer,
) -> Result<(String, Body), Vec<Diagnostic>> {
    let body = article.body();
    // Events stream from the parser through the transforms into the HTML writer; only a
    // heading's events wait, until its text gives it an id.
    let parsed = Parser::new_ext(body, options()).into_offset_iter();
    let mut events = Collapsible::new(HeadingIds::new(Transform::new(
        site, article, blocks, parsed,
    )));
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, &mut events);
    let HeadingIds {
        inner: transform,
        headings,
        ..
    } = events.inner;
    let mut errors = transform.errors;
    for name in article.tables.keys() {
        if !transform.placed.contains(name) {
            errors.push(
                Diagnostic::error(
                    Code::ServerTableUnplaced,
                    &article.file,
                    article.table_pos(name),
                    format!("the server table `{name}` is never placed"),
                )
                .with_source(&article.source())
                .hint(format!(
                    "put a block ```servers {name}``` where the table belongs in the body"
                )),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let body = Body {
        headings,
        links: transform.links,
        text: transform.text.text,
        snippets: transform.snippets,
    };
    Ok((html, body))
}

/// The transforms that look at one event at a time, and what they note on the way (the body
/// text, the links, the tables placed, the errors).
struct Transform<'a, I> {
    site: &'a Site,
    article: &'a Article,
    blocks: &'a BlockRenderer<'a>,
    events: I,
    errors: Vec<Diagnostic>,
    placed: BTreeSet<String>,
    links: Vec<Link>,
    text: Words,
    head: HeaderCells,
    /// The snippets being included, innermost last: their events come before the body's.
    included: Vec<Included<'a>>,
    /// Where in the body the outermost snippet being included is.
    include_at: usize,
    snippets: BTreeSet<String>,
    /// How many alerts are open (their quotes become HTML here, so later adapters cannot
    /// see them).
    alerts: usize,
    /// The code blocks and Markdown tables so far, which number their regions' names.
    code_blocks: usize,
    tables: usize,
    /// An event to give out before the next one: a table's after its box is opened, the
    /// box's end after the table's.
    pending: Option<Event<'static>>,
}

/// A snippet being included: its name, its file and its events so far.
struct Included<'a> {
    name: &'a str,
    snippet: &'a SnippetText,
    events: pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>,
}

impl<'a: 'e, 'e, I: Iterator<Item = (Event<'e>, Range<usize>)>> Transform<'a, I> {
    fn new(site: &'a Site, article: &'a Article, blocks: &'a BlockRenderer<'a>, events: I) -> Self {
        Transform {
            site,
            article,
            blocks,
            events,
            errors: Vec::new(),
            placed: BTreeSet::new(),
            links: Vec::new(),
            text: Words::with_capacity(article.body().len()),
            head: HeaderCells::default(),
            included: Vec::new(),
            include_at: 0,
            snippets: BTreeSet::new(),
            alerts: 0,
            code_blocks: 0,
            tables: 0,
            pending: None,
        }
    }

    /// The next event: of the innermost snippet being included, else of the body.
    fn next_event(&mut self) -> Option<(Event<'e>, Range<usize>)> {
        while let Some(top) = self.included.last_mut() {
            match top.events.next() {
                Some(event) => return Some(event),
                None => {
                    self.included.pop();
                }
            }
        }
        self.events.next()
    }

    /// Skips the rest of a fenced block: a directive's content is not shown.
    fn skip_block(&mut self) {
        while let Some((e, _)) = self.next_event() {
            if matches!(e, Event::End(TagEnd::CodeBlock)) {
                break;
            }
        }
    }

    /// A snippet directive: the snippet's events come next, in this page's language, with
    /// every transform of the body.
    fn include(&mut self, info: &str, range: &Range<usize>) -> Option<Event<'e>> {
        self.skip_block();
        let name = info.trim().strip_prefix("snippet").unwrap_or("").trim();
        let snippets = &self.site.snippets;
        let Some((name, snippet)) = snippets.get_key_value(name) else {
            let names: Vec<&str> = snippets.keys().map(String::as_str).collect();
            let hint = match crate::diag::nearest(name, &names, |k| k, 3) {
                Some(k) => format!("did you mean `{k}`?"),
                None if names.is_empty() => {
                    "a snippet is a file snippets/<name>.<locale>.md; this site has none yet".into()
                }
                None => format!(
                    "a snippet is a file snippets/<name>.<locale>.md; this site's are: {}",
                    names.join(", ")
                ),
            };
            let e = self.error(
                Code::SnippetUnknown,
                range,
                format!("unknown snippet `{name}`"),
            );
            self.errors.push(e.hint(hint));
            return None;
        };
        if let Some(first) = self.included.iter().position(|i| i.name == name) {
            let chain: Vec<&str> = self.included[first..]
                .iter()
                .map(|i| i.name)
                .chain([name.as_str()])
                .collect();
            let e = self.error(
                Code::SnippetCycle,
                range,
                format!(
                    "the snippet `{name}` includes itself: {}",
                    chain.join(" → ")
                ),
            );
            self.errors.push(
                e.hint("remove one of the includes, so that no snippet leads back to itself"),
            );
            return None;
        }
        if self.included.is_empty() {
            self.include_at = range.start;
        }
        let snippet = &*snippet.texts[self.article.locale];
        self.snippets.insert(name.clone());
        self.included.push(Included {
            name,
            snippet,
            events: Parser::new_ext(&snippet.text, options()).into_offset_iter(),
        });
        None
    }

    /// An error at `range` of the body, or of the snippet being included, reported at its
    /// line and column in that file.
    fn error(&self, code: Code, range: &Range<usize>, msg: String) -> Diagnostic {
        if let Some(i) = self.included.last() {
            let (file, text) = (&i.snippet.file, &i.snippet.text);
            let at = Pos::of_offset(text, range.start);
            return Diagnostic::error(code, file, at, msg).with_source(text);
        }
        let a = self.article;
        let at = Pos::of_offset(a.body(), range.start).below(a.body_line);
        Diagnostic::error(code, &a.file, at, msg).with_source(&a.source())
    }

    /// A server-table directive's table; its block's content is skipped.
    fn server_table(&mut self, info: &str, range: &Range<usize>) -> Option<Event<'e>> {
        self.skip_block();
        let name = info
            .trim()
            .strip_prefix("servers")
            .unwrap_or("")
            .trim()
            .to_string();
        let tables = &self.article.tables;
        if !tables.contains_key(&name) {
            let known: Vec<&str> = tables.keys().map(String::as_str).collect();
            let hint = if known.is_empty() {
                "define the table under `server_tables:` in the front matter".to_string()
            } else {
                format!("the tables of this article are: {}", known.join(", "))
            };
            let e = self.error(
                Code::ServerTableUnknown,
                range,
                format!("unknown server table `{name}`"),
            );
            self.errors.push(e.hint(hint));
            return None;
        }
        let html = (self.blocks)(Block::Table(&name));
        self.placed.insert(name);
        self.block_html(html)
    }

    /// An alert's box and title (from the templates); its end closes the box.
    fn alert(&mut self, kind: BlockQuoteKind) -> Option<Event<'e>> {
        let title = (self.blocks)(Block::AlertTitle(kind));
        self.block_html(title.map(|t| {
            format!(
                "<div class=\"alert alert-{}\" role=\"note\">\n{t}",
                alert_kind(kind)
            )
        }))
    }

    /// A code block's start, focusable and named (the language stays a class, as
    /// pulldown-cmark writes it).
    fn code_start(&mut self, kind: &CodeBlockKind) -> Option<Event<'e>> {
        self.code_blocks += 1;
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
            CodeBlockKind::Indented => "",
        };
        let html = (self.blocks)(Block::CodeStart {
            lang,
            number: self.code_blocks,
        });
        self.block_html(html)
    }

    /// A Markdown table's start: the box it scrolls in (focusable and named), then the table.
    fn table_start(&mut self, alignments: Vec<Alignment>) -> Option<Event<'e>> {
        let table = self.head.replace(Event::Start(Tag::Table(alignments)));
        self.tables += 1;
        let html = (self.blocks)(Block::TableStart {
            number: self.tables,
        });
        self.pending = Some(table);
        self.block_html(html)
    }

    fn block_html(&mut self, html: Result<String, Diagnostic>) -> Option<Event<'e>> {
        match html {
            Ok(html) => Some(Event::Html(html.into())),
            Err(d) => {
                self.errors.push(d);
                None
            }
        }
    }

    /// Where a link goes: links by key and to articles' files become the article's URL in
    /// the page's language, relative URLs the site path they lead to from this page (so the
    /// path checked is the path published, and a body reads the same wherever it is shown).
    fn link_dest(&self, link_type: LinkType, dest: &str) -> Result<Dest, (String, String)> {
        let locale = self.article.locale;
        if link_type == LinkType::Email {
            // `<a@b.se>`: the HTML writer adds the `mailto:`.
            return Ok(Dest::AsWritten);
        }
        if let Some(key) = dest.strip_prefix("@/") {
            return self.site.article_link(locale, key).map(Dest::Article);
        }
        check_link(dest)?;
        let (path, rest) = split_path(dest);
        // A link to an article's file, as GitHub's and editors' previews follow it: relative
        // to the linking file, or from the site root, which holds content/.
        if path.ends_with(".md") && (is_relative(dest) || path.starts_with("/content/")) {
            let names_no_article = |why: String| {
                (
                    format!("the link `{dest}` names no article: {why}"),
                    "link to an article by its file under content/, or by its key, \
                     `@/<folder>/<file name without language and .md>`"
                        .to_string(),
                )
            };
            let file = match path.strip_prefix('/') {
                Some(_) => path.to_string(),
                None => resolve(&format!("/content/{}", self.article.key), path)
                    .ok_or_else(|| names_no_article("it climbs above the site root".into()))?,
            };
            let Some(stem) = file
                .strip_prefix("/content/")
                .and_then(|f| f.strip_suffix(".md"))
            else {
                return Err(names_no_article(format!(
                    "`{}` is not under content/",
                    &file[1..]
                )));
            };
            let key = match stem.rsplit_once('.') {
                Some((key, code)) if self.site.locales.iter().any(|l| l.code == code) => key,
                _ => stem,
            };
            let target = match rest.split_once('#') {
                Some((_, fragment)) => [key, "#", fragment].concat(),
                None => key.to_string(),
            };
            return self
                .site
                .article_link(locale, &target)
                .map(Dest::Article)
                .map_err(|(msg, hint)| {
                    (format!("the link `{dest}` names no article: {msg}"), hint)
                });
        }
        if !is_relative(dest) {
            return Ok(Dest::AsWritten);
        }
        match resolve(&self.article.url, path) {
            Some(resolved) => Ok(Dest::Resolved(resolved + rest)),
            None => Err((
                format!(
                    "the link `{dest}` climbs above the site root from `{}`",
                    self.article.url
                ),
                "link to a page of this site by its key, `@/<folder>/<file name without \
                 language and .md>`, or by its path from the site root; other sites by their \
                 http(s) URL"
                    .into(),
            )),
        }
    }

    /// An image as HTML, with its alt text taken from the events up to its end.
    fn image(&mut self, dest: &str, title: &str, range: &Range<usize>) -> Option<Event<'e>> {
        let mut alt = String::new();
        while let Some((e, _)) = self.next_event() {
            match e {
                Event::End(TagEnd::Image) => break,
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
        }
        match image_html(self.site, &self.article.url, dest, title, &alt) {
            Ok(html) => Some(Event::Html(html.into())),
            Err((msg, hint)) => {
                let e = self.error(Code::LinkInvalid, range, msg).hint(hint);
                self.errors.push(e);
                None
            }
        }
    }

    /// A link, its destination as published; noted for `kbgen check`.
    fn link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'e>,
        title: CowStr<'e>,
        id: CowStr<'e>,
        range: &Range<usize>,
    ) -> Event<'e> {
        let mut relative = None;
        let dest_url = match self.link_dest(link_type, &dest_url) {
            Ok(Dest::AsWritten) => dest_url,
            Ok(Dest::Article(url)) => url.into(),
            Ok(Dest::Resolved(url)) => {
                relative = Some(dest_url.to_string());
                url.into()
            }
            Err((msg, hint)) => {
                let e = self.error(Code::LinkInvalid, range, msg).hint(hint);
                self.errors.push(e);
                dest_url
            }
        };
        let offset = match self.included.is_empty() {
            true => range.start,
            false => self.include_at,
        };
        self.links.push(Link {
            dest: dest_url.to_string(),
            offset,
            relative,
        });
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
    }

    /// Raw HTML, as `raw_html:` in kbgen.yaml says: kept, dropped or an error.
    fn raw_html(&mut self, event: Event<'e>, range: &Range<usize>) -> Option<Event<'e>> {
        match self.site.config.raw_html {
            RawHtml::Allow => Some(event),
            RawHtml::Strip => None,
            RawHtml::Reject => {
                let e = self
                    .error(
                        Code::RawHtml,
                        range,
                        "raw HTML is not allowed in articles".into(),
                    )
                    .hint("write it in Markdown, or set `raw_html: allow` in kbgen.yaml");
                self.errors.push(e);
                None
            }
        }
    }
}

impl<'a: 'e, 'e, I: Iterator<Item = (Event<'e>, Range<usize>)>> Iterator for Transform<'a, I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if let Some(event) = self.pending.take() {
            return Some(event);
        }
        loop {
            let (event, range) = self.next_event()?;
            let out = match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                    if is_directive(&info) =>
                {
                    self.server_table(&info, &range)
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_snippet(&info) => {
                    self.include(&info, &range)
                }
                Event::Start(Tag::Image {
                    dest_url, title, ..
                }) => self.image(&dest_url, &title, &range),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Some(self.link(link_type, dest_url, title, id, &range)),
                Event::Html(_) | Event::InlineHtml(_) => self.raw_html(event, &range),
                Event::Start(Tag::Heading { ref classes, .. })
                    if self.alerts > 0 && classes.iter().any(|c| c.as_ref() == COLLAPSIBLE) =>
                {
                    let e = self.error(
                        Code::CollapsibleInAlert,
                        &range,
                        "a collapsible section cannot start inside an alert".into(),
                    );
                    let hint = "put the question after the alert, or the alert inside the answer";
                    self.errors.push(e.hint(hint));
                    Some(event)
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    self.alerts += 1;
                    self.alert(kind)
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => {
                    self.alerts -= 1;
                    self.text.note(&event);
                    Some(Event::Html("</div>\n".into()))
                }
                Event::Start(Tag::CodeBlock(kind)) => self.code_start(&kind),
                Event::Start(Tag::Table(alignments)) => self.table_start(alignments),
                Event::End(TagEnd::Table) => {
                    self.text.note(&event);
                    self.pending = Some(Event::Html("</div>\n".into()));
                    Some(event)
                }
                Event::Start(Tag::TableHead | Tag::TableCell)
                | Event::End(TagEnd::TableHead | TagEnd::TableCell) => {
                    self.text.note(&event);
                    Some(self.head.replace(event))
                }
                _ => {
                    self.text.note(&event);
                    Some(event)
                }
            };
            if out.is_some() {
                return out;
            }
        }
    }
}

/// Header cells say what they head, for screen readers: `<th scope="col">`, which
/// pulldown-cmark's writer does not give them, keeping the column's alignment.
#[derive(Default)]
struct HeaderCells {
    /// The alignments of the table at hand.
    alignments: Vec<Alignment>,
    in_head: bool,
    /// The header cell that comes next.
    cell: usize,
}

impl HeaderCells {
    fn replace<'e>(&mut self, event: Event<'e>) -> Event<'e> {
        match event {
            Event::Start(Tag::Table(ref a)) => self.alignments = a.clone(),
            Event::Start(Tag::TableHead) => {
                self.in_head = true;
                self.cell = 0;
            }
            Event::End(TagEnd::TableHead) => self.in_head = false,
            Event::Start(Tag::TableCell) if self.in_head => {
                let style = match self.alignments.get(self.cell) {
                    Some(Alignment::Left) => " style=\"text-align: left\"",
                    Some(Alignment::Center) => " style=\"text-align: center\"",
                    Some(Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                self.cell += 1;
                return Event::Html(format!("<th scope=\"col\"{style}>").into());
            }
            Event::End(TagEnd::TableCell) if self.in_head => return Event::Html("</th>".into()),
            _ => {}
        }
        event
    }
}

/// Gives every heading an id (its text as a slug, numbered when repeated) unless the writer
/// set one with `{#id}`: a heading's events are held until its end, the rest pass through.
struct HeadingIds<'e, I> {
    inner: I,
    held: std::collections::VecDeque<Event<'e>>,
    used: BTreeSet<String>,
    /// `(level, id, text)` of every heading so far.
    headings: Vec<(u8, String, String)>,
}

impl<'e, I: Iterator<Item = Event<'e>>> HeadingIds<'e, I> {
    fn new(inner: I) -> Self {
        HeadingIds {
            inner,
            held: std::collections::VecDeque::new(),
            used: BTreeSet::new(),
            headings: Vec::new(),
        }
    }

    /// Holds the heading that `start` begins, up to its end, and gives it its id.
    fn hold(&mut self, start: Event<'e>) {
        let mut text = String::new();
        self.held.push_back(start);
        for e in self.inner.by_ref() {
            if let Event::Text(t) | Event::Code(t) = &e {
                text.push_str(t);
            }
            let end = matches!(e, Event::End(TagEnd::Heading(_)));
            self.held.push_back(e);
            if end {
                break;
            }
        }
        let Some(Event::Start(Tag::Heading { level, id, .. })) = self.held.front_mut() else {
            unreachable!("a heading is held from its start");
        };
        let base = match id {
            Some(given) => given.to_string(),
            None => crate::names::heading_id(&text),
        };
        let unique = crate::names::unique_id(&base, &mut self.used);
        *id = Some(CowStr::from(unique.clone()));
        self.headings.push((heading_number(*level), unique, text));
    }
}

impl<'e, I: Iterator<Item = Event<'e>>> Iterator for HeadingIds<'e, I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if let Some(e) = self.held.pop_front() {
            return Some(e);
        }
        match self.inner.next()? {
            start @ Event::Start(Tag::Heading { .. }) => {
                self.hold(start);
                self.held.pop_front()
            }
            e => Some(e),
        }
    }
}

/// A heading marked `{.collapsible}` and its section (up to the next heading of its level or
/// above, a thematic break `---`, or the end of what holds it) become a `<details>` whose
/// summary is the heading: questions and answers in plain Markdown, which work without
/// JavaScript and with `raw_html: reject`. The heading keeps its id, so the contents and links still lead to it.
struct Collapsible<'e, I> {
    inner: I,
    /// How many of the tags that may hold headings (quotes, lists, footnotes) are open: only
    /// they, since the other adapters give some tags' starts as HTML.
    depth: usize,
    /// The open sections, innermost last: their heading's level and the depth it is at.
    open: Vec<(HeadingLevel, usize)>,
    /// A collapsible heading's events are under way: its end closes the summary.
    in_summary: bool,
    queued: std::collections::VecDeque<Event<'e>>,
}

const COLLAPSIBLE: &str = "collapsible";

/// A tag a heading may be inside of, whose end ends the collapsible sections in it.
fn holds_headings(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)
    )
}

impl<'e, I: Iterator<Item = Event<'e>>> Collapsible<'e, I> {
    fn new(inner: I) -> Self {
        Collapsible {
            inner,
            depth: 0,
            open: Vec::new(),
            in_summary: false,
            queued: std::collections::VecDeque::new(),
        }
    }

    /// Closes the open sections at this depth that `ends` says end here.
    fn close(&mut self, ends: impl Fn(HeadingLevel) -> bool) {
        while let Some(&(level, depth)) = self.open.last() {
            if depth != self.depth || !ends(level) {
                break;
            }
            self.open.pop();
            self.queued.push_back(Event::Html("</details>\n".into()));
        }
    }
}

impl<'e, I: Iterator<Item = Event<'e>>> Iterator for Collapsible<'e, I> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        if let Some(e) = self.queued.pop_front() {
            return Some(e);
        }
        let Some(mut event) = self.inner.next() else {
            return self.open.pop().map(|_| Event::Html("</details>\n".into()));
        };
        match &mut event {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                let level = *level;
                self.close(|open| open >= level);
                if classes.iter().any(|c| c.as_ref() == COLLAPSIBLE) {
                    classes.retain(|c| c.as_ref() != COLLAPSIBLE);
                    self.queued.push_back(Event::Html(
                        "<details class=\"collapsible\">\n<summary>".into(),
                    ));
                    self.open.push((level, self.depth));
                    self.in_summary = true;
                }
            }
            Event::End(TagEnd::Heading(_)) if self.in_summary => {
                self.in_summary = false;
                self.queued.push_back(Event::Html("</summary>\n".into()));
                return Some(event);
            }
            Event::Start(t) if holds_headings(t) => self.depth += 1,
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => {
                self.close(|_| true);
                self.depth -= 1;
            }
            Event::Rule => self.close(|_| true),
            _ => {}
        }
        // Most events pass straight through; what was queued before one comes first.
        if self.queued.is_empty() {
            return Some(event);
        }
        self.queued.push_back(event);
        self.queued.pop_front()
    }
}

/// The words of a body's text, one space between them and none at either end, as
/// `split_whitespace().collect::<Vec<_>>().join(" ")` of all that was pushed would give, made
/// as the text comes (the body text of a large site is tens of megabytes).
struct Words {
    text: String,
    /// Whitespace was seen since the last word: the next one starts after a space.
    space: bool,
}

impl Words {
    fn with_capacity(n: usize) -> Words {
        Words {
            text: String::with_capacity(n),
            space: false,
        }
    }

    /// What an event adds to the text: its words, or a word boundary. Block ends separate
    /// words: "lösenordet." in one cell and "Du" in the next must not become one token.
    fn note(&mut self, event: &Event) {
        match event {
            Event::Text(t) | Event::Code(t) => self.push(t),
            Event::SoftBreak | Event::HardBreak => self.space(),
            Event::End(end) if !is_inline(end) => self.space(),
            _ => {}
        }
    }

    /// A word boundary: whitespace between what was pushed before and what comes next.
    fn space(&mut self) {
        self.space = true;
    }

    fn push(&mut self, text: &str) {
        // Most text is already as the body text holds it, and is copied at once, but for a
        // space at either end (before and after a link or emphasis).
        let inner = text.strip_prefix(' ').unwrap_or(text);
        let words = inner.strip_suffix(' ').unwrap_or(inner);
        if plain(words) {
            self.space |= inner.len() < text.len();
            self.words(words);
            self.space |= words.len() < inner.len();
            return;
        }
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                self.words(&text[start..i]);
                self.space = true;
                start = i + c.len_utf8();
            }
        }
        self.words(&text[start..]);
    }

    /// Appends `w` (words with a lone space between them, none at either end) to the word in
    /// progress, or after a boundary.
    fn words(&mut self, w: &str) {
        if w.is_empty() {
            return;
        }
        if self.space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(w);
    }
}

/// Whether the only whitespace in `text` is lone ASCII spaces between other characters.
fn plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut i = 0;
    loop {
        // Controls (some are whitespace) and the lead bytes of Unicode whitespace, in blocks.
        i = crate::scan::find(bytes, i, |b| {
            (b < b' ') | (b == 0xC2) | (b.wrapping_sub(0xE1) < 3)
        });
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        // Punctuation such as ’ and – shares those lead bytes.
        if c.is_whitespace() || c.is_ascii_control() {
            return false;
        }
        i += c.len_utf8();
    }
    !text.contains("  ")
}

fn is_inline(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

fn is_directive(info: &str) -> bool {
    let info = info.trim();
    info == "servers" || info.starts_with("servers ")
}

fn is_snippet(info: &str) -> bool {
    let info = info.trim();
    info == "snippet" || info.starts_with("snippet ")
}

/// The Markdown of bodies and snippets alike.
fn options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_GFM);
    options
}

fn heading_number(l: HeadingLevel) -> u8 {
    l as u8
}

/// Local images must exist in static/; they get their pixel size and lazy loading. A relative
/// `src` is published as the site path it leads to from `page`.
fn image_html(
    site: &Site,
    page: &str,
    src: &str,
    title: &str,
    alt: &str,
) -> Result<String, (String, String)> {
    let mut attrs = String::new();
    let written = src;
    let resolved;
    let src = if is_relative(src) {
        let (path, rest) = split_path(src);
        resolved = resolve(page, path).ok_or_else(|| {
            (
                format!("the image `{src}` climbs above the site root from `{page}`"),
                "put images in static/img/ and write `/img/name.png`".to_string(),
            )
        })? + rest;
        &resolved
    } else {
        src
    };
    if let Some(path) = src.strip_prefix('/') {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        if !site.statics.contains(path) {
            if written == src {
                return Err((
                    format!("the image `{src}` does not exist"),
                    format!("put the file at static/{path}"),
                ));
            }
            // Written as if from the site root (`img/x.png`), the usual slip.
            let mut meant = split_path(written).0;
            while let Some(rest) = meant.strip_prefix("./").or(meant.strip_prefix("../")) {
                meant = rest;
            }
            let hint = if site.statics.contains(meant) {
                format!("did you mean `/{meant}`?")
            } else {
                format!("put the file at static/{path}, or write its path from the site root")
            };
            return Err((
                format!("the image `{written}` does not exist: from `{page}` it is `/{path}`"),
                hint,
            ));
        }
        if let Some((w, h)) = site.statics.image_sizes.get(path) {
            attrs = format!(" width=\"{w}\" height=\"{h}\"");
        }
    } else if !src.starts_with("https://") && !src.starts_with("http://") {
        return Err((
            format!("the image `{src}` is neither a path from the site root nor an http(s) URL"),
            "put images in static/img/ and write `/img/name.png`".into(),
        ));
    }
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape(title))
    };
    Ok(format!(
        "<img src=\"{}\" alt=\"{}\"{attrs}{title} loading=\"lazy\" decoding=\"async\">",
        escape(src),
        escape(alt)
    ))
}

/// Where a link goes, when it is not as written.
enum Dest {
    AsWritten,
    /// An article's URL, for a link by key or to its file.
    Article(String),
    /// The site path of a relative URL.
    Resolved(String),
}

/// A URL with no scheme that is not a path from the site root, an anchor or a link by key:
/// the browser resolves it against the page's URL.
fn is_relative(dest: &str) -> bool {
    !dest.is_empty()
        && !dest.starts_with(['/', '#'])
        && !dest.starts_with("@/")
        && !has_scheme(dest)
}

/// `dest`'s path, and its query and fragment (`?a=b#c`, or `""`).
fn split_path(dest: &str) -> (&str, &str) {
    dest.split_at(dest.find(['?', '#']).unwrap_or(dest.len()))
}

/// The relative path `rel` resolved against the page path `base` as a browser does (RFC 3986,
/// 5.2.2–5.2.4); `None` when its `..` climb above the root, which a browser ignores but which
/// means the writer had another site in mind.
fn resolve(base: &str, rel: &str) -> Option<String> {
    if rel.is_empty() {
        return Some(base.to_string());
    }
    let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
    // `/kb/x/` → ["", "kb", "x"]: the root's empty segment stays first.
    let mut out: Vec<&str> = dir.split('/').collect();
    out.pop();
    let segments: Vec<&str> = rel.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {}
            ".." if out.len() <= 1 => return None,
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
        // A last `.` or `..` names a folder: `..` from /kb/x/ is /kb/.
        if i + 1 == segments.len() && matches!(*segment, "." | "..") {
            out.push("");
        }
    }
    Some(out.join("/"))
}

fn has_scheme(dest: &str) -> bool {
    let scheme_end = dest.find(':');
    let path_start = dest.find(['/', '?', '#']);
    matches!((scheme_end, path_start), (Some(c), Some(p)) if c < p)
        || (scheme_end.is_some() && path_start.is_none())
}

/// Links may go to pages of this site, anchors, http(s), mailto: and tel:, nothing else:
/// a `javascript:` link in an article would run in every reader's browser.
fn check_link(dest: &str) -> Result<(), (String, String)> {
    if !has_scheme(dest) {
        return Ok(());
    }
    let scheme = dest[..dest.find(':').unwrap_or(0)].to_ascii_lowercase();
    if ["http", "https", "mailto", "tel"].contains(&scheme.as_str()) {
        Ok(())
    } else {
        Err((
            format!("links with the `{scheme}:` scheme are not allowed"),
            "link to http(s) pages, mailto: or tel:, or to paths on this site".into(),
        ))
    }
}

/// `s` with the five HTML special characters as entities: what templates do to what they
/// print (one escaper for both).
pub fn escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    crate::html::escape_html(s, &mut out).expect("a Vec takes every write");
    String::from_utf8(out).expect("entities keep the text UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_schemes() {
        assert!(check_link("/kb/x/").is_ok());
        assert!(check_link("https://admin.websupport.se/").is_ok());
        assert!(check_link("#imap").is_ok());
        assert!(check_link("page?a=b:c").is_ok());
        assert!(check_link("mailto:a@b.se").is_ok());
        assert!(check_link("javascript:alert(1)").is_err());
        assert!(check_link("JavaScript:alert(1)").is_err());
        assert!(check_link("data:text/html,x").is_err());
    }

    #[test]
    fn relative_paths_resolve_as_in_a_browser() {
        let page = "/kb/x/";
        assert_eq!(resolve(page, "../y/").as_deref(), Some("/kb/y/"));
        assert_eq!(
            resolve(page, "img/a.png").as_deref(),
            Some("/kb/x/img/a.png")
        );
        assert_eq!(
            resolve(page, "./../../img/a.png").as_deref(),
            Some("/img/a.png")
        );
        assert_eq!(resolve(page, "..").as_deref(), Some("/kb/"));
        assert_eq!(resolve(page, ".").as_deref(), Some("/kb/x/"));
        assert_eq!(resolve(page, "").as_deref(), Some("/kb/x/"));
        assert_eq!(resolve(page, "a//b").as_deref(), Some("/kb/x/a//b"));
        assert_eq!(
            resolve("/content/a/b", "c.sv.md").as_deref(),
            Some("/content/a/c.sv.md")
        );
        assert_eq!(resolve(page, "../../.."), None);
        assert_eq!(resolve(page, "../../../kb/x/"), None);
        assert_eq!(split_path("a/b?c=d#e"), ("a/b", "?c=d#e"));
        assert!(is_relative("ch03-02-data-types.html"));
        assert!(is_relative("?page=2"));
        assert!(!is_relative("/kb/x/"));
        assert!(!is_relative("#imap"));
        assert!(!is_relative("@/email/x"));
        assert!(!is_relative("mailto:a@b.se"));
        assert!(!is_relative("https://x.se/"));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Escaped text holds no markup characters, and an HTML parser reads back the original.
        #[test]
        fn escaping_round_trips_through_an_html_parser(text in "\\PC{0,60}") {
            let e = escape(&text);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let doc = scraper::Html::parse_fragment(&format!("<p title=\"{e}\">{e}</p>"));
            let p = doc.select(&scraper::Selector::parse("p").unwrap()).next().unwrap();
            // HTML parsing normalises CR to LF and NUL to U+FFFD; nothing else may change.
            let expected = text.replace("\r\n", "\n").replace('\r', "\n").replace('\0', "\u{fffd}");
            prop_assert_eq!(p.value().attr("title").unwrap(), expected.as_str());
        }

        /// Text pushed in pieces, with boundaries between some, comes out as
        /// `split_whitespace` and `join` would make of it all, for ASCII and Unicode spaces
        /// (no-break, ideographic, line separator) and controls that are not spaces.
        #[test]
        fn words_collapse_like_split_and_join(pieces in prop::collection::vec(("[a-zö \t\n\r\u{01}\u{0b}\u{0c}\u{85}\u{a0}\u{1680}\u{2003}\u{2028}\u{202f}\u{3000}\u{e1}\u{2019}]{0,12}", any::<bool>()), 0..6)) {
            let mut words = Words::with_capacity(0);
            let mut all = String::new();
            for (piece, boundary) in &pieces {
                words.push(piece);
                all.push_str(piece);
                if *boundary {
                    words.space();
                    all.push(' ');
                }
            }
            let expected = all.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(words.text, expected);
        }
    }
}
