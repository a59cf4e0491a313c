# Svenska: allt som läsaren ser och som inte är artikeltext.
# Terms (-namn) används i andra meddelanden; meddelanden utan bindestreck används av mallarna.

-kb-name = Websupport kunskapsdatabas

## Webbplatsen

site-name = { -kb-name }
# Namnet på det här språket, på språket självt (i språkväljaren).
language-self = Svenska
language-switcher-label = Språk
skip-to-content = Hoppa till innehållet
footer-text = Hittar du inte svaret? Kontakta vår kundtjänst, vi hjälper dig gärna.
breadcrumbs-label = Du är här
breadcrumb-home = Hem

## Startsidan

home-title = Kunskapsdatabas
home-heading = Hur kan vi hjälpa dig?
home-intro = Guider och svar om e-post, domäner, webbhotell och ditt konto hos Websupport.
# The home page's meta description: what a search engine shows under its link.
home-description = Steg-för-steg-guider och svar från Websupport om e-post, domäner, webbhotell och ditt konto i kontrollpanelen.

## Kategorier

category-subcategories = Underkategorier
category-articles = Artiklar
category-empty = Den här kategorin har inga artiklar ännu.
category-article-count = { $count ->
    [one] { $count } artikel
   *[other] { $count } artiklar
}
# Visas vid en artikel som bara finns på ett annat språk. $code är artikelns språkkod.
only-in-language = { $code ->
    [sv] Endast på svenska
    [en] Endast på engelska
   *[other] Endast på ett annat språk
}

## Artiklar

level-badge = { $level ->
    [beginner] Instruktioner lämpliga för nybörjare
   *[advanced] För avancerade användare
}
# $date är redan formaterat enligt svenska regler ("20 december 2021").
article-updated = Uppdaterad { $date }
feedback-question = Var den här artikeln till hjälp?
feedback-yes = Ja
feedback-no = Nej
feedback-why = Vad var problemet?
feedback-reason-unclear = Svårt att förstå
feedback-reason-wrong = Något stämmer inte eller är inaktuellt
feedback-reason-missing = Saknar det jag sökte
feedback-reason-other = Annat
feedback-comment = Kommentar (frivillig)
# $max är det största antalet tecken fältet tar.
feedback-comment-hint = Högst { $max } tecken. Skriv inte lösenord eller personuppgifter.
feedback-send = Skicka
feedback-thanks = Tack för din återkoppling!
toc-title = Innehåll
related-articles = Relaterade artiklar
redirect-text = Sidan har flyttat: { $title }

## Servertabeller

# Ersätter {"{"}domain{"}"} i servernamn.
server-domain-placeholder = dindomän.tld
server-host = Server
server-port = Port
server-security-header = Säkerhet
server-security = { $security ->
    [ssl] Säker SSL-anslutning
    [starttls] Säker TLS-anslutning (STARTTLS)
   *[none] Osäker anslutning
}

## Kod och tabeller som rullar i sidled på en smal skärm: deras namn för skärmläsare

# Ett kodblock; $number räknar sidans kodblock (1, 2, …).
code-region-label = Kod { $number }
# En tabell skriven i Markdown; $number räknar sidans sådana tabeller.
table-region-label = Tabell { $number }
# En servertabell utan bildtext (en med bildtext får namn av den).
server-table-label = Serverinställningar

## Kopiera och din domän: orden sidans skript visar

# Knappens namn för skärmläsare; $value är det den kopierar (ett servernamn, en port, kodens början).
copy-label = Kopiera { $value }
# Synlig text på knappen vid ett kodblock.
copy-button = Kopiera
copy-done = Kopierat: { $value }
copy-failed = Det gick inte att kopiera. Markera texten och kopiera den själv.
your-domain-label = Din domän
your-domain-hint = Skriv din domän, till exempel minfirma.se, så visar tabellerna dina servernamn. Den sparas bara i den här webbläsaren.
your-domain-use = Använd
your-domain-forget = Glöm
your-domain-invalid = Det ser inte ut som en domän. Skriv till exempel minfirma.se, utan https:// och snedstreck.
# $domain är domänen läsaren skrev.
your-domain-done = Servernamnen visar nu { $domain }.
your-domain-forgotten = Din domän är glömd.

## Rutor i artiklar: GitHubs > [!NOTE] med flera

alert-note = Observera
alert-tip = Tips
alert-important = Viktigt
alert-warning = Varning
alert-caution = Var försiktig

## Sök

search-title = Sök
search-label = Sök i kunskapsdatabasen
search-placeholder = Till exempel ”e-post”
search-button = Sök
# The search page's meta description.
search-description = Sök bland Websupports guider och svar om e-post, domäner, webbhotell och ditt konto.

search-suggestions-label = Förslag
search-all-results = Alla resultat för ”{ $query }”
search-results-label = Sökresultat
search-result-count = { $count ->
    [one] { $count } träff
   *[other] { $count } träffar
}
search-result-count-many = Minst { $count } träffar
search-no-results = Inga träffar för ”{ $query }”.
search-no-results-hint = Prova ett annat eller kortare ord, kontrollera stavningen, eller bläddra bland kategorierna på startsidan.
search-needs-javascript = Sökningen behöver JavaScript. Bläddra bland kategorierna på startsidan i stället.

## 404

not-found-title = Sidan hittades inte
not-found-text = Sidan du letar efter finns inte, eller så har den flyttats. Prova att söka efter den.
not-found-home-link = Till startsidan

## Översättningsstatus (för översättare, inte länkad från webbplatsen)

translations-title = Översättningsstatus
translations-intro = Vad som är översatt, inaktuellt eller saknas, jämfört med svenska. Kör kbgen check för samma lista med filer och rader.
translations-locale = { $code ->
    [en] Engelska
   *[other] { $code }
}
translations-articles = Artiklar: { $translated } av { $total } översatta, { $stale } inaktuella, { $untracked } inte markerade, { $missing } saknas
translations-messages = Gränssnittstexter: { $translated } av { $total } översatta, { $missing } saknas
translations-missing-articles = Artiklar utan översättning
translations-stale-articles = Inaktuella översättningar (källan har ändrats)
translations-untracked-articles = Inte markerade som översatta (kör kbgen translated)
translations-missing-messages = Saknade gränssnittstexter
translations-untitled-categories = Kategorier utan titel på det här språket (standardspråkets titel visas)
translations-reviews-title = Artiklar att granska
translations-reviews-intro = Artiklar vars granskningsdatum har passerat, per ansvarig, den äldsta först. Kör kbgen check för samma lista med rader.
translations-reviews-no-owner = Ingen ansvarig
translations-reviews-due = granskningsdatum { $date }
