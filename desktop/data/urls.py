"""What an article URL tells us: archive key, domain, outlet, section, date and slug words.

No Qt and no I/O: the parser, the importer and the archive's URL lookup call these. Every
function accepts any string (seed text is untrusted) and never raises; a URL that cannot be
parsed gives empty results. Whether line 1 of a seed is an acceptable URL is ``is_http_url``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import unquote, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only say where a click came from; they never select content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "ocid", "cmpid", "cmp", "smid", "smtyp", "ito", "src", "ref", "ref_src", "ref_url",
        "referer", "referrer", "_ga", "_gl", "s_cid", "ns_mchannel", "ns_source",
        "ns_campaign", "ns_linkname", "ns_fee", "at_medium", "at_campaign", "icid",
        "intcmp", "guccounter", "share", "amp", "__twitter_impression",
    }
)

# Public suffixes with two labels (and a few shared hosting domains) under which the
# registrable domain has three labels: bbc.co.uk, smh.com.au, someone.wordpress.com.
_TWO_LABEL_SUFFIXES = frozenset(
    {
        "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz",
        "govt.nz", "co.za", "org.za", "co.in", "net.in", "org.in", "co.jp", "or.jp",
        "ne.jp", "com.br", "com.mx", "com.ar", "com.sg", "com.my", "com.hk", "com.tw",
        "com.cn", "com.tr", "com.ng", "com.pk", "com.ph", "co.ke", "co.il", "org.il",
        "co.kr", "com.eg", "com.sa", "co.id",
        "wordpress.com", "blogspot.com", "github.io", "tumblr.com", "substack.com",
        "medium.com", "typepad.com", "livejournal.com",
    }
)

# Host or registrable domain -> outlet name. A host is looked up from the most specific name
# to the registrable domain, so abcnews.go.com is ABC News while go.com is not an outlet.
OUTLETS: dict[str, str] = {
    "independent.co.uk": "The Independent",
    "independent.ie": "Irish Independent",
    "theguardian.com": "The Guardian",
    "guardian.co.uk": "The Guardian",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "economist.com": "The Economist",
    "npr.org": "NPR",
    "abcnews.go.com": "ABC News",
    "cbsnews.com": "CBS News",
    "nbcnews.com": "NBC News",
    "usatoday.com": "USA Today",
    "cnn.com": "CNN",
    "foxnews.com": "Fox News",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "bloomberg.com": "Bloomberg",
    "ft.com": "Financial Times",
    "telegraph.co.uk": "The Telegraph",
    "thetimes.co.uk": "The Times",
    "dailymail.co.uk": "Daily Mail",
    "mirror.co.uk": "Daily Mirror",
    "thesun.co.uk": "The Sun",
    "express.co.uk": "Daily Express",
    "standard.co.uk": "Evening Standard",
    "metro.co.uk": "Metro",
    "news.sky.com": "Sky News",
    "channel4.com": "Channel 4 News",
    "itv.com": "ITV News",
    "spectator.co.uk": "The Spectator",
    "newstatesman.com": "New Statesman",
    "latimes.com": "Los Angeles Times",
    "chicagotribune.com": "Chicago Tribune",
    "bostonglobe.com": "The Boston Globe",
    "nypost.com": "New York Post",
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "theatlantic.com": "The Atlantic",
    "newyorker.com": "The New Yorker",
    "time.com": "Time",
    "newsweek.com": "Newsweek",
    "huffingtonpost.com": "HuffPost",
    "huffpost.com": "HuffPost",
    "huffingtonpost.co.uk": "HuffPost UK",
    "buzzfeed.com": "BuzzFeed News",
    "buzzfeednews.com": "BuzzFeed News",
    "vox.com": "Vox",
    "thehill.com": "The Hill",
    "axios.com": "Axios",
    "slate.com": "Slate",
    "salon.com": "Salon",
    "thedailybeast.com": "The Daily Beast",
    "motherjones.com": "Mother Jones",
    "vice.com": "Vice",
    "breitbart.com": "Breitbart",
    "washingtonexaminer.com": "Washington Examiner",
    "nationalreview.com": "National Review",
    "aljazeera.com": "Al Jazeera",
    "abc.net.au": "ABC News (Australia)",
    "smh.com.au": "The Sydney Morning Herald",
    "theage.com.au": "The Age",
    "theaustralian.com.au": "The Australian",
    "cbc.ca": "CBC News",
    "theglobeandmail.com": "The Globe and Mail",
    "irishtimes.com": "The Irish Times",
    "rte.ie": "RTÉ News",
    "nzherald.co.nz": "The New Zealand Herald",
    "hindustantimes.com": "Hindustan Times",
    "timesofindia.indiatimes.com": "The Times of India",
    "scmp.com": "South China Morning Post",
    "dw.com": "DW",
    "france24.com": "France 24",
}

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DATE_SLASHED = re.compile(rf"/({_YEAR})/(\d{{1,2}}|[a-z]{{3,4}})/(\d{{1,2}})(?=/|$)")
_DATE_COMPACT = re.compile(rf"(?<!\d)({_YEAR})(\d\d)(\d\d)(?!\d)")
# Section words that are abbreviations: ``us-news`` is "US News", not "Us News".
# Path segments that say what kind of page it is, not which section: Reuters'
# ``/article/slug``, ``/story/``, Google AMP's ``/amp/``.
_PAGE_KIND_SEGMENTS = frozenset({"article", "articles", "story", "stories", "amp", "content"})
_ACRONYMS = frozenset({"uk", "us", "usa", "eu", "un", "uae", "nhs", "tv", "nfl", "nba", "mlb"})
_FILE_EXTENSIONS = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cms|cfm|story)$", re.IGNORECASE)
# An outlet's id token: numeric ids of five or more digits, or a letter and such an id
# (the Independent's ``a7386276``), letter-and-digit codes (Reuters' ``idUSKBN1431Z1``);
# ``index`` is never a word of a title.
_ID_TOKEN = re.compile(
    r"^(?:[a-z]{0,2}\d{5,}|(?=(?:[a-z]*\d){3})(?=\d*[a-z])[a-z\d]{6,}|index)$", re.IGNORECASE
)
_WORD_SPLIT = re.compile(r"[\W_]+")
# Outlets whose article URLs end in a section and an id, never in the headline's words
# (BBC: "world-us-canada-38305827"); a section there has at most four words.
_SECTION_ID_SLUG_DOMAINS = frozenset({"bbc.co.uk", "bbc.com"})
# Outlets whose slugs start with a two-letter edition code (Reuters: "us-usa-trump-cabinet").
_EDITION_SLUG_DOMAINS = frozenset({"reuters.com"})
_SECTION_AND_ID = re.compile(r"^[a-z]+(?:[-_][a-z]+){0,3}[-_][0-9]{5,}$", re.IGNORECASE)
_HOST_OK = re.compile(r"^[^\s/\\?#@:\[\]]+$")


class _Parts(NamedTuple):
    """The parts of a URL that ``urlsplit`` gives, with its host name and port read once
    (``SplitResult`` parses the network location again on each read of them)."""

    scheme: str
    netloc: str
    path: str
    query: str
    hostname: str | None
    port: int | None


@functools.lru_cache(maxsize=64)
def _split(url: str) -> _Parts | None:
    """``urlsplit`` that returns None instead of raising on a malformed URL.

    Cached: parsing one seed asks for the parts of the same URL several times.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return None
    return _Parts(parts.scheme, parts.netloc, parts.path, parts.query, parts.hostname, port)


def is_http_url(url: str) -> bool:
    """True when ``url`` is an absolute http(s) URL with a plausible host name."""
    text = url.strip()
    if len(text.split(maxsplit=1)) != 1:  # empty, or whitespace inside
        return False
    parts = _split(text)
    if parts is None or parts.scheme.lower() not in _DEFAULT_PORTS:
        return False
    host = parts.hostname or ""
    return bool(host) and bool(_HOST_OK.match(host)) and "." in host.strip(".")


def _host(parts: _Parts) -> str:
    return (parts.hostname or "").strip(".").lower()


def _strip_host_prefix(host: str, *, mobile: bool) -> str:
    prefixes = ("www.", "m.") if mobile else ("www.",)
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if host.startswith(prefix) and len(host) > len(prefix):
                host = host[len(prefix):]
                changed = True
    return host


def normalize_url(url: str) -> str:
    """The archive's key for ``url``.

    The scheme and host are lower-cased, http and https are the same key (https), ``www.``,
    a default port, the fragment and tracking parameters (``utm_*``, ``fbclid``, …) are
    dropped. Path and the remaining query are kept as given. A string that is not a URL is
    returned stripped, unchanged otherwise.
    """
    parts = _split(url)
    if parts is None or not parts.netloc:
        return url.strip()
    scheme = parts.scheme.lower()
    host = _strip_host_prefix(_host(parts), mobile=False)
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if scheme == "http":
        scheme = "https"
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _is_tracking(param: str) -> bool:
    """True for a ``key=value`` query part that only records where a click came from."""
    key = unquote(param.split("=", 1)[0]).strip().lower()
    return key.startswith("utm_") or key in _TRACKING_PARAMS


@functools.lru_cache(maxsize=256)
def registrable_domain(host: str) -> str:
    """The registrable part of a host name: ``news.bbc.co.uk`` -> ``bbc.co.uk``.

    Cached: a corpus has few hosts, and every URL of one asks for the same answer.
    """
    host = host.strip(".").lower()
    labels = host.split(".")
    if len(labels) <= 2 or all(label.isdigit() for label in labels):
        return host
    keep = 3 if ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def _outlet_key(host: str) -> str | None:
    """The most specific suffix of ``host`` that is in the outlet table, or None."""
    labels = host.split(".")
    for start in range(len(labels) - 1):
        key = ".".join(labels[start:])
        if key in OUTLETS:
            return key
    return None


def domain_of(url: str) -> str:
    """The site's domain without ``www.``/``m.``; empty when the URL has no host.

    That is the registrable domain (``news.bbc.co.uk`` -> ``bbc.co.uk``), or the outlet
    table's more specific entry when it has one (``abcnews.go.com``).
    """
    parts = _split(url)
    if parts is None:
        return ""
    return _host_domain(_host(parts))


@functools.lru_cache(maxsize=256)
def _host_domain(host: str) -> str:
    """``domain_of`` a URL on ``host`` (cached like ``registrable_domain``)."""
    host = _strip_host_prefix(host, mobile=True)
    return _outlet_key(host) or registrable_domain(host)


def outlet_of(url: str) -> str:
    """The outlet's name from the built-in table, else the domain (``example.org``)."""
    domain = domain_of(url)
    return OUTLETS.get(domain, domain)


def _segments(url: str) -> tuple[str, ...]:
    """The URL's non-blank path segments, percent-decoded."""
    parts = _split(url)
    if parts is None:
        return ()
    return tuple(unquote(s) for s in parts.path.split("/") if s.strip())


# The token functions are cached: section segments ("news", "world") recur in most URLs, and
# one seed's parse asks for the tokens of its own segments several times.
@functools.lru_cache(maxsize=1024)
def _raw_tokens(segment: str) -> tuple[str, ...]:
    return tuple(filter(None, _WORD_SPLIT.split(_FILE_EXTENSIONS.sub("", segment))))


@functools.lru_cache(maxsize=1024)
def _slug_tokens(segment: str) -> tuple[str, ...]:
    """The words of one path segment, with file extension and id tokens removed."""
    return tuple(itertools.filterfalse(_ID_TOKEN.match, _raw_tokens(segment)))


def _is_slug(segment: str) -> bool:
    """A slug has two or more words, or one word marked as a page (``.html``, an id token)."""
    words = [t for t in _slug_tokens(segment) if not t.isdigit()]
    if len(words) >= 2:
        return True
    has_extension = _FILE_EXTENSIONS.search(segment) is not None
    has_id = len(_raw_tokens(segment)) > len(_slug_tokens(segment))
    return len(words) == 1 and (has_extension or has_id)


def _slug_index(segments: Sequence[str]) -> int | None:
    """Which path segment is the slug: the last one that looks like one, else None."""
    for index in range(len(segments) - 1, -1, -1):
        if _is_slug(segments[index]):
            return index
    return None


@functools.lru_cache(maxsize=64)
def _slug_at(url: str) -> tuple[tuple[str, ...], int | None]:
    """The URL's path segments and the index of its slug (cached like ``_split``)."""
    segments = _segments(url)
    return segments, _slug_index(segments)


def slug_words(url: str) -> list[str]:
    """The words of the URL's slug, lower-case, ids/``index``/``.html`` dropped.

    ``…/mosul-offensive-latest-…-hashed-al-shaabi-a7386276.html`` gives
    ``["mosul", "offensive", "latest", …, "hashed", "al", "shaabi"]``. A URL without a
    slug (``/news/``) gives ``[]``.
    """
    segments, index = _slug_at(url)
    if index is None:
        return []
    return [t.lower() for t in _slug_tokens(segments[index])]


def headline_words(url: str) -> list[str]:
    """``slug_words`` less what is not the headline's: Reuters starts its slugs with an
    edition code and, in the US edition, the country's (``us-usa-trump-cabinet`` gives
    ``["trump", "cabinet"]``)."""
    words = slug_words(url)
    parts = _split(url)
    if not words or len(words[0]) != 2 or parts is None or (
        registrable_domain(_host(parts)) not in _EDITION_SLUG_DOMAINS
    ):
        return words
    rest = words[1:]
    if words[0] == "us" and rest[:1] == ["usa"]:
        rest = rest[1:]
    return rest or words


@functools.lru_cache(maxsize=64)
def slug_names_section(url: str) -> bool:
    """True when the URL's slug names a section, not the article: the outlet writes its
    article URLs as a section and an id (BBC's ``/news/world-us-canada-38305827``).

    Cached like ``_split``.
    """
    parts = _split(url)
    if parts is None or registrable_domain(_host(parts)) not in _SECTION_ID_SLUG_DOMAINS:
        return False
    segments, index = _slug_at(url)
    return index is not None and _SECTION_AND_ID.match(segments[index]) is not None


def _is_date_part(segments: Sequence[str], index: int) -> bool:
    """A year, month or day segment: digits, or a month name right after a year."""
    segment = segments[index].lower()
    if segment.isdigit():
        return True
    return segment in _MONTHS and index > 0 and segments[index - 1].isdigit()


def section_of(url: str) -> tuple[str, ...]:
    """The section path: segments before the slug, dates and ids removed, title-cased.

    ``/news/world/middle-east/slug-a123456.html`` gives ``("News", "World", "Middle East")``;
    where the slug names a section (``slug_names_section``) it is the last section name:
    ``/news/uk-politics-34678442`` gives ``("News", "UK Politics")``.
    """
    segments, index = _slug_at(url)
    end = len(segments) if index is None else index
    if index is not None and slug_names_section(url):
        end = index + 1  # BBC's "world-us-canada-38305827": the slug is the section
    section: list[str] = []
    for position in range(end):
        if _is_date_part(segments, position) or segments[position].lower() in _PAGE_KIND_SEGMENTS:
            continue
        name = _section_name(segments[position])
        if name:
            section.append(name)
    return tuple(section)


@functools.lru_cache(maxsize=1024)
def _section_name(segment: str) -> str:
    """A path segment as a section name (``middle-east`` -> ``Middle East``), empty when it
    has no words. Cached: the same sections recur in most URLs."""
    return " ".join(_title_case(w) for w in _slug_tokens(segment) if not w.isdigit())


def _title_case(word: str) -> str:
    low = word.lower()
    return low.upper() if low in _ACRONYMS else low.capitalize()


def _valid_date(year: str, month: str, day: str) -> str | None:
    month_number = _MONTHS.get(month.lower()) if not month.isdigit() else int(month)
    if month_number is None:
        return None
    try:
        return _dt.date(int(year), month_number, int(day)).isoformat()
    except ValueError:
        return None


def date_of(url: str) -> str | None:
    """The publication date the URL carries, as ISO ``YYYY-MM-DD``; None when there is none.

    Understands ``/2016/10/29/``, ``/2016/oct/29/`` and ``20161029``; impossible dates
    (``/2016/02/30/``) are None.
    """
    parts = _split(url)
    if parts is None:
        return None
    path = parts.path.lower()
    for match in _DATE_SLASHED.finditer(path):
        found = _valid_date(*match.groups())
        if found:
            return found
    for match in _DATE_COMPACT.finditer(path):
        found = _valid_date(*match.groups())
        if found:
            return found
    return None
