# English: everything a reader sees that is not article text.

-kb-name = Websupport knowledge base

## Site

site-name = { -kb-name }
# The name of this language, in this language (for the language switcher).
language-self = English
language-switcher-label = Language
skip-to-content = Skip to content
footer-text = Can't find the answer? Contact our customer support, we are happy to help.
breadcrumbs-label = You are here
breadcrumb-home = Home

## Home page

home-title = Knowledge base
home-heading = How can we help you?
home-intro = Guides and answers about email, domains, web hosting and your Websupport account.
# The home page's meta description: what a search engine shows under its link.
home-description = Step-by-step guides and answers from Websupport about email, domains, web hosting and your account in the control panel.

## Categories

category-subcategories = Subcategories
category-articles = Articles
category-empty = This category has no articles yet.
category-article-count = { $count ->
    [one] { $count } article
   *[other] { $count } articles
}
# Shown next to an article that exists in another language only. $code is its language code.
only-in-language = { $code ->
    [sv] Only in Swedish
    [en] Only in English
   *[other] Only in another language
}

## Articles

level-badge = { $level ->
    [beginner] Instructions suitable for beginners
   *[advanced] For advanced users
}
# $date is already formatted by English rules ("20 December 2021").
article-updated = Updated on { $date }
feedback-question = Was this article helpful?
feedback-yes = Yes
feedback-no = No
feedback-why = What was the problem?
feedback-reason-unclear = Hard to follow
feedback-reason-wrong = Something is wrong or out of date
feedback-reason-missing = Doesn't cover what I was looking for
feedback-reason-other = Other
feedback-comment = Comment (optional)
# $max is the most characters the field takes.
feedback-comment-hint = At most { $max } characters. Please don't write passwords or personal details.
feedback-send = Send
feedback-thanks = Thank you for your feedback!
toc-title = On this page
related-articles = Related articles
redirect-text = This page has moved: { $title }

## Server tables

# Replaces {"{"}domain{"}"} in host names.
server-domain-placeholder = yourdomain.tld
server-host = Server
server-port = Port
server-security-header = Security
server-security = { $security ->
    [ssl] Secure SSL connection
    [starttls] Secure TLS connection (STARTTLS)
   *[none] Insecure connection
}

## Code and tables that scroll sideways on a narrow screen: their names for screen readers

# A code block; $number counts the code blocks of the page (1, 2, …).
code-region-label = Code { $number }
# A table written in Markdown; $number counts those tables of the page.
table-region-label = Table { $number }
# A server table without a caption (one with a caption is named by it).
server-table-label = Server settings

## Copy and your domain: the words the page script shows

# The button's name for screen readers; $value is what it copies (a host, a port, the start of the code).
copy-label = Copy { $value }
# Visible text of the button by a code block.
copy-button = Copy
copy-done = Copied: { $value }
copy-failed = Could not copy. Select the text and copy it yourself.
your-domain-label = Your domain
your-domain-hint = Type your domain, for example mycompany.com, and the tables show your server names. It is kept in this browser only.
your-domain-use = Use
your-domain-forget = Clear
your-domain-invalid = That does not look like a domain. Type for example mycompany.com, without https:// or slashes.
# $domain is the domain the reader typed.
your-domain-done = The server names now show { $domain }.
your-domain-forgotten = Your domain is cleared.

## Boxes in articles: GitHub's > [!NOTE] and the others

alert-note = Note
alert-tip = Tip
alert-important = Important
alert-warning = Warning
alert-caution = Caution

## Search

search-title = Search
search-label = Search the knowledge base
search-placeholder = For example “email”
search-button = Search
# The search page's meta description.
search-description = Search Websupport's guides and answers about email, domains, web hosting and your account.

search-suggestions-label = Suggestions
search-all-results = All results for “{ $query }”
search-results-label = Search results
search-result-count = { $count ->
    [one] { $count } result
   *[other] { $count } results
}
search-result-count-many = At least { $count } results
search-no-results = No results for “{ $query }”.
search-no-results-hint = Try another or a shorter word, check the spelling, or browse the categories on the home page.
search-needs-javascript = Search needs JavaScript. Browse the categories on the home page instead.

## 404

not-found-title = Page not found
not-found-text = The page you are looking for does not exist, or it has moved. Try searching for it.
not-found-home-link = Go to the home page

## Translation status (for translators, not linked from the site)

translations-title = Translation status
translations-intro = What is translated, stale or missing, against Swedish. Run kbgen check for the same list with files and lines.
translations-locale = { $code ->
    [en] English
   *[other] { $code }
}
translations-articles = Articles: { $translated } of { $total } translated, { $stale } stale, { $untracked } not marked, { $missing } missing
translations-messages = Interface text: { $translated } of { $total } translated, { $missing } missing
translations-missing-articles = Articles with no translation
translations-stale-articles = Stale translations (the source changed)
translations-untracked-articles = Not marked as translated (run kbgen translated)
translations-missing-messages = Missing interface text
translations-untitled-categories = Categories without a title in this language (the default language's title is shown)
translations-reviews-title = Articles due for review
translations-reviews-intro = Articles whose review date has passed, per owner, the oldest first. Run kbgen check for the same list with lines.
translations-reviews-no-owner = No owner
translations-reviews-due = review date { $date }
