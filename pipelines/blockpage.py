"""Recognise anti-bot challenge and access-denied pages (captcha, WAF, "verify you are human") so they are
counted, never stored: by vendor markers, and by content (a short, link-less page that says so)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipelines.htmlpage import unescape

# Sources, named once: [bundle] the media monitor's Cloudflare check (kz-sites.md §0, index id 71609103845,
# fn `Pc`); [wafw00f] EnableSecurity/wafw00f `wafw00f/plugins/<vendor>.py` (2026-01); [identYwaf]
# stamparm/identYwaf `data.json`; [Dashchan] Mishiranu/Dashchan `StormWallResolver.java`; "index id N": a
# file of the search tool's code corpus that names no repository (scrapers and their tests).

# --- vendor markers --------------------------------------------------------------------------------------
CHALLENGE_HEADERS = {
    "cf-mitigated": "challenge",  # Cloudflare [bundle]
    "x-sucuri-block": "",  # Sucuri, on blocked requests only [wafw00f sucuri.py: attack=True]
    "x-firewall-protection": "",  # StormWall: the header its challenge resolver tests for [Dashchan]
}
"""Response headers (name -> part of the value) sent only with a challenge or block: they fire on any body."""

VENDOR_HEADERS = (
    ("server", "ddos-guard", "ddos-guard"),  # [wafw00f ddosguard.py]
    ("set-cookie", "__ddg", "ddos-guard"),  # __ddg1_, __ddg2_, __ddgid, __ddgmark [wafw00f ddosguard.py]
    ("server", "qrator", "qrator"),  # [wafw00f qrator.py]
    ("x-qrator-", "", "qrator"),  # x-qrator-requestid (index id 45475407366)
    ("set-cookie", "qrator_js", "qrator"),  # qrator_jsid(2), qrator_jsr (index ids 52282458074, 70939411094)
    ("server", "variti", "variti"),  # "Variti/0.9.3a" [wafw00f variti.py] (index id 7745703280)
    ("set-cookie", "ipp_uid", "variti"),  # same transcript: 200, a 31 kB challenge, Set-Cookie ipp_uid
    ("x-iinfo", "", "imperva"),  # with the cookies below (index ids 69383330478, 56381805198)
    ("set-cookie", "incap_ses_", "imperva"),  # [wafw00f incapsula.py]
    ("set-cookie", "visid_incap_", "imperva"),
    ("x-sucuri-id", "", "sucuri"),  # [wafw00f sucuri.py]
    ("server", "sucuri", "sucuri"),
    ("set-cookie", "swp_token", "stormwall"),  # [Dashchan]
    ("server", "akamaighost", "akamai"),  # [wafw00f kona.py; identYwaf]
    ("server", "cloudflare", "cloudflare"),  # [wafw00f cloudflare.py]
)
"""(header name, or a prefix ending in "-"; part of the value; vendor). Sent with every response of a site
behind the vendor ("both send their Server header on every response", index id 69562016653), so they only
name it; on a textless page with a script (a JS check) they decide."""

CHALLENGE_MARKUP = (
    'id="challenge-running"',  # Cloudflare [bundle]
    'id="cf-challenge-running"',
    'id="cf-please-wait"',
    'id="challenge-form"',
    'id="turnstile-wrapper"',
    "cf-browser-verification",
    "_cf_chl_opt",  # the challenge script's options object
    "/.well-known/ddos-guard/js-challenge",  # DDoS-Guard's JS check (index ids 54629022254, 69562016653)
    "/.well-known/ddos-guard/ddg-captcha-page",  # its captcha page's own assets (index id 69449433491)
    "sucuri-firewall-block.css",  # Sucuri's block page stylesheet [wafw00f sucuri.py]
    "reference&#32;&#35;",  # Akamai's "Access Denied", entity-encoded [identYwaf] (index id 67150709858)
)
"""Ids and asset paths present only in a challenge or block page: they fire on any body."""

CHALLENGE_TITLES = ("just a moment", "attention required", "один момент", "подождите")
"""<title> starts of Cloudflare challenges [bundle]; "Подождите…" can also head a real story, hence weak:
short, nearly link-less bodies only."""

CHALLENGE_PHRASES = (
    "/cdn-cgi/challenge-platform",  # Cloudflare [bundle]; also injected into normal pages (bot detection)
    "ddos-guard",  # check.ddos-guard.net; /.well-known/ddos-guard/mark/ is on normal pages (id 48374307055)
    "data-ddg-origin",  # DDoS-Guard's <body> attribute (index id 69364484429)
    "smartcaptcha",  # Yandex: smartcaptcha.yandexcloud.net/captcha.js, also in any site's forms
    "smart-captcha",  # its widget's class
    "checkboxcaptcha",  # Yandex's own captcha page: CheckboxCaptcha-Button (ids 21599076401, 33267342851)
    "showcaptcha",  # ...and its URLs: /showcaptcha?retpath=, /checkcaptcha (index id 71191662733)
    "checkcaptcha",
    "qrator",  # /__qrator/qauth_utm_v2d_v9118.js, also on a normal card (index ids 59948257010, 67108809159)
    "variti",
    "ipp_uid",  # the cookie Variti's check sets (index id 7745703280)
    "incapsula",  # _Incapsula_Resource: a script on every page of the site too (index id 60361935813)
    "sucuri",  # sucuri_cloudproxy, cloudproxy@sucuri.net [wafw00f sucuri.py]
    "stormwall",  # <script src="https://static.stormwall.pro/..."> [Dashchan]
    "edgesuite.net",  # Akamai: errors.edgesuite.net/<reference> (index id 59086530981)
)
"""Raw-text needles (markup included) that an ordinary page may contain too (a story about browser checks,
an injected script, a captcha on a comment form), hence weak: short, nearly link-less bodies only."""

# --- content: what block pages say, by concept and language --------------------------------------------
# Matched casefolded, "ё" as "е", "’" as "'". Vendor wording: "checking your browser", "проверка браузера"
# (Cloudflare [bundle], DDoS-Guard: index id 69449433491); Yandex "запросы с вашего устройства похожи на
# автоматические" (index ids 44326374001, 16100284339); Akamai "You don't have permission to access"
# [identYwaf]; Imperva "Request unsuccessful. Incapsula incident ID" (index id 69383330478); Qrator "Доступ к
# сайту … запрещен" (index id 67108809159); Sucuri "Access Denied - Sucuri Website Firewall" [wafw00f]. The
# rest is the generic wording of 403/429 pages served as 200; no vendor page in Kazakh was found: kk is our
# translation of the ru wording.
CHALLENGE_WORDING = {
    "ru": (r"проверка браузера", r"проверяем (?:ваш )?браузер", r"проверка, что вы не робот",
           r"подтвердите, что (?:вы (?:не робот|человек)|запросы отправляли вы)", r"вы (?:не )?робот\b\??",
           r"являетесь ли вы человеком", r"я не робот", r"не робот\b", r"проверка безопасности",
           r"похожи на автоматические", r"мы зафиксировали подозрительную активность",
           r"включите javascript и (?:файлы )?cookie"),
    "kk": (r"браузерді тексеру", r"сіз робот(?:сыз| емессіз) бе", r"робот емес(?:сіз| екеніңізді растаңыз)?",
           r"адам екеніңізді растаңыз", r"күдікті әрекет анықталды"),
    "en": (r"checking your browser", r"verif(?:y|ying) (?:that )?you are (?:a )?human", r"are you a robot",
           r"(?:(?:are you|i'?m|i am) )?not a robot", r"are you human", r"unusual traffic",
           r"ddos protection by", r"enable javascript and cookies to continue", r"you have been blocked",
           r"security service to protect itself from online attacks"),
}  # fmt: skip
DENIAL_WORDING = {
    "ru": (r"доступ (?:к [^!?]{1,60}? )?запрещен", r"доступ ограничен", r"ваш ip[- ]адрес заблокирован",
           r"запрос заблокирован", r"слишком много запросов"),
    "kk": (r"қол жеткізу(?:ге)? тыйым салынған", r"кіруге тыйым салынған", r"қолжетімділік шектелген",
           r"сұраулар тым көп"),
    "en": (r"403 forbidden", r"access denied", r"you don't have permission to access", r"request blocked",
           r"request unsuccessful", r"incapsula incident id", r"too many requests"),
}  # fmt: skip

# --- thresholds ------------------------------------------------------------------------------------------
SHORT_BODY_BYTES = 60_000
"""A challenge page is 1-31 kB; real pages of the sites weigh far more (the tengrinews homepage: 491 kB)."""

INTERSTITIAL_MAX_LINKS = 5
"""A challenge page has one or two links (cloudflare.com); any site page has dozens. Without this guard a
small listing whose sidebar headline mentions "проверка браузера" passed for a challenge (fixture site)."""

BLOCK_MAX_LINKS = 15
"""Links of a page whose <title>/<h1> says it blocks us: a vendor's footer (help, feedback, languages) adds
some (the Yandex sample: 8); site pages link dozens: fixture listings 21, AEB pages 29+ but for five, four
with article markup (4 links) and one of 2,251 words (7)."""

CHALLENGE_STATUSES = frozenset({401, 403, 429, 503})
"""Statuses challenges are served with (Qrator's: 401, index ids 59948257010, 70939411094): there the weak
markers count whatever the body size."""

BLOCK_MAX_WORDS = 200
"""Visible words of a page whose wording may decide: the block pages of tests/pipelines/data/blockpages have
0-117; the AEB pages within the size and link bounds 362+."""

BLOCK_TEXT_MAX_WORDS = 150
"""Words of a stored text that may be a block page's (the fault pass stored ones of 49 and 70 words); the
incremental look-up reads the text of no longer row."""

HEADING_MAX_WORDS = 12
"""A stored title or first paragraph this short that opens with block wording is the page's heading
("Проверка браузера перед переходом на сайт tengrinews.kz": 7 words). The fixture story about browser
checks opens with "Мошенники…" and a paragraph of 22 words; a short story titled "Проверка браузера стала
обязательной" would be fetched again every run: a cost, never a loss."""

JS_CHECK_MAX_WORDS = 15
"""Visible words of a JS check behind a vendor named by its headers (Variti's: none but a <noscript> note)."""

_MARKUP_NEEDLES = tuple((marker, marker.lower().encode("ascii")) for marker in CHALLENGE_MARKUP)
# Every article response of a crawl passes here in the crawl's own process: decoding and lower-casing a
# 100 kB page as str cost more than the rest of the spider's work on it (bench/crawl.py profile).
_FEEDS = (b"<rss", b"<urlset", b"<sitemapindex", b"<feed")  # the spider checks its feeds too: never blocks
_WORDING = "|".join(p for table in (CHALLENGE_WORDING, DENIAL_WORDING) for ps in table.values() for p in ps)
_PHRASE = re.compile(_WORDING)
_HEADING = re.compile(rf"{_WORDING}|{'|'.join(CHALLENGE_TITLES)}|ddos-guard")  # a whole title part
# The markup below is lower-cased. Ends are found with str.find, tags never run past a "<": a lazy ".*?" to
# a closing tag re-read the rest of the page from every unclosed opening (a 403 page of "<a" is any size).
_OPENING = {name: re.compile(rf"<{name}\b[^<>]*+>") for name in ("title", "h1")}
_HIDDEN = re.compile(r"<(script|style|noscript|template)\b|<!--")
_TAG = re.compile(r"<[^<>]*+>")
_ARTICLE = re.compile(  # a declared or marked-up article: no block page has one
    r"<article\b|articlebody|newsarticle|og:type[\"']?\s+content=[\"']?article"
    r"|content=[\"']article[\"']\s+property=[\"']og:type"
)
_TITLE_PARTS = re.compile(r"\s+[|:·—–-]\s+|\s*::\s*")  # "Attention Required! | Cloudflare" is two parts


def detect_block_page(status: int, headers: Mapping[str, str] | None, body: bytes | str) -> str | None:
    """Tell whether a response is an anti-bot challenge or access-denied page instead of the page asked for.

    Challenge-only headers and markup fire on any body; the rest only on a short body (any size under
    CHALLENGE_STATUSES) without article markup, not a feed: block wording in its <title> or <h1> with at
    most BLOCK_MAX_LINKS links, anything else with at most INTERSTITIAL_MAX_LINKS.

    Args:
        status: HTTP status; under CHALLENGE_STATUSES the weak markers ignore the body size.
        headers: response headers, any key case; values as str (bytes are decoded as Latin-1).
        body: the response body.

    Returns:
        The marker that fired, as ``"<kind>:<marker>"`` (kinds ``header``, ``markup``, ``title``, ``h1``,
        ``phrase``, ``vendor``; e.g. ``"title:just a moment"``), or None.
    """
    vendors = []
    for name, value in (headers or {}).items():
        key, value = _text(name).lower(), _text(value).lower()
        if key in CHALLENGE_HEADERS and CHALLENGE_HEADERS[key] in value:
            return f"header:{key}"
        vendors += [
            vendor for header, part, vendor in VENDOR_HEADERS if _named(key, header) and part in value
        ]
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    lowered = raw.lower()  # ASCII-only: the markup markers are ASCII, and a big page is never decoded
    for marker, needle in _MARKUP_NEEDLES:
        if needle in lowered:
            return f"markup:{marker}"
    if len(raw) >= SHORT_BODY_BYTES and status not in CHALLENGE_STATUSES:
        return None
    if any(feed in lowered for feed in _FEEDS):
        return None
    return _by_content(raw.decode("utf-8", "replace").lower(), vendors)


def is_block_text(title: str | None, text: str) -> bool:
    """Tell whether a stored article's title and text are a block page's (rows stored before it was known).

    Stricter than the page check, which sees links and markup too: at most BLOCK_TEXT_MAX_WORDS words, and a
    title part that is block wording as a whole ("Вы не робот?", "DDoS-Guard"), or a title or first paragraph
    that is a short heading opening with it ("Проверка браузера перед переходом на сайт …").
    """
    if len(text.split()) > BLOCK_TEXT_MAX_WORDS:
        return False
    parts = [_normal(part).strip(" .!?…") for part in _TITLE_PARTS.split(title or "")]
    if any(_HEADING.fullmatch(part) for part in parts):
        return True
    return _opens_heading(parts[0]) or _opens_heading(_normal(text.strip().partition("\n")[0]))


def _by_content(text: str, vendors: list[str]) -> str | None:
    """The weak markers of a short page (``text``: its lower-cased HTML) without article markup."""
    links = text.count("<a ")
    if links > BLOCK_MAX_LINKS or _ARTICLE.search(text):
        return None
    visible = _visible(text)
    words = len(visible.split())
    title, heading = _element(text, "title"), _element(text, "h1")
    for kind, part in (("title", title), ("h1", heading)) if words <= BLOCK_MAX_WORDS else ():
        if said := _PHRASE.search(_visible(part)):
            return f"{kind}:{said.group(0)}"
    if links > INTERSTITIAL_MAX_LINKS:
        return None
    for marker in CHALLENGE_TITLES:
        if title.startswith(marker):
            return f"title:{marker}"
    for marker in CHALLENGE_PHRASES:
        if marker in text:
            return f"phrase:{marker}"
    if words <= BLOCK_MAX_WORDS and (said := _PHRASE.search(visible)):
        return f"phrase:{said.group(0)}"
    if vendors and words <= JS_CHECK_MAX_WORDS and "<script" in text:
        return f"vendor:{vendors[0]}"
    return None


def _opens_heading(line: str) -> bool:
    """A heading of at most HEADING_MAX_WORDS words that opens with block wording, not a headline's label
    ("Доступ запрещён: парк закрыли на ремонт")."""
    found = _PHRASE.match(line)
    label = found and line[found.end() :].lstrip().startswith((":", "—", "–"))
    return bool(found) and not label and len(line.split()) <= HEADING_MAX_WORDS


def _visible(markup: str) -> str:
    """The text an HTML fragment shows, normalized as _normal does."""
    return _normal(unescape(_TAG.sub(" ", _without_hidden(markup))))


def _element(markup: str, name: str) -> str:
    """The content of the first ``name`` element of lower-cased markup; "" when there is none or it is
    never closed."""
    if (opening := _OPENING[name].search(markup)) is None:
        return ""
    end = markup.find(f"</{name}>", opening.end())
    return markup[opening.end() : end].strip() if end >= 0 else ""


def _without_hidden(markup: str) -> str:
    """Lower-cased markup without its scripts, styles, templates and comments (one never closed runs to
    the end, as in a browser)."""
    kept, pos = [], 0
    while found := _HIDDEN.search(markup, pos):
        kept.append(markup[pos : found.start()])
        name = found.group(1)
        end = markup.find(f"</{name}" if name else "-->", found.end())
        if end < 0:
            break
        pos = end + 3 if name is None else markup.find(">", end) + 1
        if pos == 0:  # "</script" with no ">" after it
            break
    else:
        kept.append(markup[pos:])
    return " ".join(kept)


def _normal(text: str) -> str:
    """Casefolded, "ё" as "е", "’" as "'", whitespace collapsed: the form the wording is written in."""
    return " ".join(text.casefold().replace("ё", "е").replace("’", "'").split())


def _named(key: str, header: str) -> bool:
    return key.startswith(header) if header.endswith("-") else key == header


def _text(value: str | bytes | list) -> str:
    if isinstance(value, list):  # Scrapy-style multi-valued headers
        value = value[0] if value else ""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)
