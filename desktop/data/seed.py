"""The seed parser: one scraped seed file in, one structured ``Article`` out.

A seed is the article URL on line 1, two integers (the Reddit score and comment count) on
lines 2 and 3, then the body: lines of text, paragraphs separated by blank lines. The parser
decodes whatever bytes it is given, recovers the title from the URL slug, and splits the body
into paragraphs, photo galleries, embeds and page furniture.

Pure Python: no Qt, no sqlite, no network. Seed text is untrusted, so ``parse_seed`` and
``parse_seed_bytes`` raise ``SeedError`` with a one-line reason and never anything else.
Non-fatal problems of a seed are in ``Article.warnings``.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import itertools
import re
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.data import urls
from desktop.data.article import Article, Block, Embed, Furniture, Gallery, GalleryItem, Paragraph
from desktop.errors import SeedError

MAX_SEED_BYTES = 10 * 1024 * 1024
"""Seeds above this size are rejected before they are read whole."""

MAX_URL_LENGTH = 8192
"""Longer first lines are rejected: servers refuse such URLs, and they are not article links."""

MISSING_COUNTS_WARNING = (
    "lines 2-3 are not the score and comment count; they are left empty "
    "and the body starts after the URL"
)

# --- decoding -------------------------------------------------------------------------------

_CP1252_ERRORS = "broadsheet.cp1252"


def _cp1252_char(byte: int) -> str:
    """What byte ``byte`` means in cp1252.

    The five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) carry no text in
    any Windows code page we could guess from, and Latin-1 would make them invisible C1
    controls; they are dropped.
    """
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


_CP1252 = tuple(_cp1252_char(b) for b in range(256))


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not valid UTF-8 are read as cp1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_CP1252[b] for b in bad), exc.end


codecs.register_error(_CP1252_ERRORS, _cp1252_fallback)

# C1 controls that reach us through valid UTF-8 are cp1252 text decoded as Latin-1 somewhere
# upstream (U+0092 is a mangled right quote); NEL (U+0085) is a line break.
_C1_FIXES = {chr(cp): _CP1252[cp] for cp in range(0x80, 0xA0)} | {"\x85": "\n"}
_LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n\n"}
_DROPPED_CONTROLS = {
    chr(cp): "" for cp in [*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F, 0xFEFF]
}
_TEXT_FIXES: dict[str, str] = _DROPPED_CONTROLS | _C1_FIXES | _LINE_BREAKS
# str.translate visits every character; a regex finds the rare ones to fix much faster.
_NEEDS_FIX = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_TEXT_FIXES)) + "]")


def _fix_characters(text: str) -> str:
    """Controls dropped, C1 read as cp1252, other line separators made LF."""
    # Every character to fix is unprintable, and most texts hold no unprintable character
    # but their line breaks: str.isprintable() says so faster than the regex's search.
    if text.replace("\n", "").isprintable():
        return text
    return _NEEDS_FIX.sub(lambda m: _TEXT_FIXES[m[0]], text)


# What _fix_characters changes, as UTF-8 writes it: ASCII controls, C1 controls (U+0080 to
# U+009F), U+2028 and U+2029, and U+FEFF. Bytes that are not UTF-8 are read as cp1252, which
# gives none of these.
_ASCII_FIXES = bytes(ord(ch) for ch in _TEXT_FIXES if ch.isascii())
_UTF8_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_UTF8_SEPARATORS = re.compile(rb"\xe2\x80[\xa8\xa9]")


def _utf8_needs_no_fix(data: bytes) -> bool:
    """True when UTF-8 ``data`` decodes to a text ``_fix_characters`` leaves as it is (False
    when unsure). Scanning the bytes costs 6 µs a seed, the decoded text 15 µs."""
    return (
        len(data.translate(None, _ASCII_FIXES)) == len(data)
        and (b"\xc2" not in data or _UTF8_C1.search(data) is None)
        and (b"\xa8" not in data and b"\xa9" not in data or _UTF8_SEPARATORS.search(data) is None)
        and b"\xef" not in data  # U+FEFF (and every character from U+F000 to U+FFFF)
    )


def decode_seed(data: bytes, source: str) -> str:
    """Seed bytes as text with LF line ends, NFC-normalised.

    UTF-16 needs a BOM; otherwise the text is UTF-8 (BOM stripped) and any byte that is not
    valid UTF-8 is read as cp1252. NUL bytes mean the file is binary.

    Raises:
        SeedError: the data holds NUL characters.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        text = data[2:].decode(codec, errors="replace")
        if "\x00" in text:
            raise _binary(source)
        fixed = False
    else:
        # UTF-8 has a NUL character only where the bytes have one, and cp1252 has none.
        if b"\x00" in data:
            raise _binary(source)
        data = data.removeprefix(codecs.BOM_UTF8)
        text = data.decode("utf-8", errors=_CP1252_ERRORS)
        fixed = _utf8_needs_no_fix(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not fixed:
        text = _fix_characters(text)
    return unicodedata.normalize("NFC", text)


def _binary(source: str) -> SeedError:
    return SeedError(
        source, "the file is binary (it contains NUL bytes)", "a seed is a plain-text file"
    )


# --- header ---------------------------------------------------------------------------------

_COUNT = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class _Header:
    url: str
    score: int | None
    comments: int | None
    body: list[str]
    warnings: tuple[str, ...]


def _split_header(text: str, source: str) -> _Header:
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise SeedError(source, "the file is empty", "a seed starts with the article's URL")
    url = lines[0].strip()
    if len(url) > MAX_URL_LENGTH:
        raise SeedError(
            source,
            f"line 1 is too long for a URL (over {MAX_URL_LENGTH} characters)",
            "a seed starts with the article's URL",
        )
    if not urls.is_http_url(url):
        raise SeedError(
            source,
            "line 1 is not an http(s) URL",
            "a seed starts with the article's URL, then its score and comment count",
        )
    counts = [line.strip() for line in lines[1:3]]
    if len(counts) == 2 and all(_COUNT.fullmatch(c) for c in counts):
        return _Header(url, int(counts[0]), int(counts[1]), lines[3:], ())
    return _Header(url, None, None, lines[1:], (MISSING_COUNTS_WARNING,))


# --- blocks ---------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t]+")
_IN_PICTURES = re.compile(r"In pictures:\s*(?P<title>.*\S)", re.IGNORECASE)
_SHOW_ALL = re.compile(
    r"(?P<total>[0-9]{1,4})\s+show all(?:\s+In pictures:?\s*(?P<title>.*\S))?", re.IGNORECASE
)
_ITEM = re.compile(r"(?P<n>[0-9]{1,4})\s*/\s*(?P<total>[0-9]{1,4})(?:\s+(?P<caption>.*))?")

PHOTO_AGENCIES = (
    "AFP via Getty Images", "Getty Images/iStockphoto", "AFP/Getty Images",
    "AFP/Getty", "Getty Images", "Getty", "Reuters", "AP Photo", "AP", "AFP", "EPA-EFE", "EPA",
    "PA Wire", "PA Images", "PA", "Press Association", "Rex Features", "Rex/Shutterstock",
    "REX/Shutterstock", "Rex", "REX", "Shutterstock", "Alamy", "Bloomberg", "Xinhua",
    "Anadolu Agency", "NurPhoto", "Sipa USA", "Corbis", "iStockphoto", "iStock", "Zuma Press",
    "SWNS", "Barcroft Media", "Bloomberg via Getty Images",
)
"""Photo agencies a gallery caption may end with, recognised as its credit."""
# How a credit is written: as listed, or in capitals ("GETTY IMAGES").
_CREDIT_WRITINGS = frozenset(PHOTO_AGENCIES) | {agency.upper() for agency in PHOTO_AGENCIES}
# The writings by their last word, longest first: a caption's last word picks the few that
# could end it.
_CREDITS_ENDING_IN = {
    last: sorted((w for w in _CREDIT_WRITINGS if w.rsplit(" ", 1)[-1] == last), key=len)[::-1]
    for last in {written.rsplit(" ", 1)[-1] for written in _CREDIT_WRITINGS}
}
_AGENCY_NAMES = frozenset(PHOTO_AGENCIES)

_EMBED = re.compile(r"(?P<title>\S.{1,120}?),\s+by\s+(?P<by>[^\s,][^,]{0,40})")
_EMBED_MAX_LENGTH = 160
_FINAL_PUNCTUATION = ".!?;:,\"'”’)]…"
# "…, by all accounts": phrases after ", by" that are prose, not a byline.
_NOT_A_BYLINE = frozenset(
    {
        "all", "any", "and", "far", "the", "then", "now", "law", "default", "design",
        "contrast", "comparison", "chance", "night", "day", "way", "itself", "himself",
        "herself", "themselves", "a", "an", "his", "her", "their", "its", "our", "my",
        "your", "which", "whom", "this", "that", "these", "those", "some", "more", "less",
        "nearly", "about", "around", "almost", "over", "up", "to", "as", "at", "on", "in",
    }
)

FURNITURE_LINES = frozenset(
    {
        "read more", "read more about", "read more here", "continue reading",
        "continue reading the main story", "continue reading →", "advertisement",
        "advertisements", "ad", "share this article", "share this", "share", "share on facebook",
        "share on twitter", "tweet", "email", "print", "follow", "like this", "related",
        "related coverage", "related posts", "related articles", "related stories",
        "related report", "facebook twitter pinterest", "facebook", "twitter", "google+",
        "linkedin", "pinterest", "whatsapp", "play video", "video", "image caption",
        "media caption", "see all comments", "comments", "modal trigger", "next slide",
        "previous slide", "fullscreen", "sign up", "learn more", "privacy policy",
        "story continues below", "story continues below advertisement", "skip ad",
        "click here", "subscribe", "loading", "loading...", "most popular", "most read",
        "top stories", "recommended", "more on this story", "watch", "listen",
        "see an error in this article? send us a correction", "featured image", "by",
    }
)
"""Lines that are page furniture when they make up a whole line (compared case-insensitively)."""

_FURNITURE_SOURCE = "|".join(
    f"(?:{p})"
    for p in (
        r".{0,20}image copyright ?[^.!?]{0,60}",
        r"image caption\b.{0,200}",
        r"media playback is unsupported on your device",
        r"(?:read more|related|see also|more on this story|most read)\s*:.{0,200}",
        r"follow @\w+",
        r"follow (?:us|\w+(?: \w+)?) on (?:twitter|facebook|instagram)\b.{0,60}",
        r"you can follow \w+(?: \w+)? on twitter.{0,60}",
        r"sign up (?:for|to) (?:our|the) .{0,80}newsletter.{0,40}",
        r"copyright ©.{0,100}",
        r"featured image (?:via|credit|by)\b.{0,100}",
        r"(?:photo|image) credit\s*:.{0,100}",
        r"[0-9,.]+[km]? [0-9,.]+[km]? retweets\s+[0-9,.]+[km]? [0-9,.]+[km]? likes",
        r"[0-9]{1,2}:[0-9]{2} [ap]m - [0-9]{1,2} [a-z]{3} [0-9]{4}",
        r"play video\s*[0-9:]*",
        # A video's share bar (NBC); the line after it is the title with its running time.
        r"play\s*\S.{0,200} facebook twitter google plus embed",
        r"subscribe to .{1,60} for free",
        r"[0-9]{1,3} photos",
        r"rss feed for .{1,60}",
        r"older articles by .{1,60}",
        r"posted (?:on|in)(?: .{1,40})? by \S{1,40}",
        r"publish date [a-z]+\.? [0-9]{1,2}, [0-9]{4}\..{0,200}",
        r"[/|•·]",
        r"[0-9]{1,2}:[0-9]{2}",
    )
)
_FURNITURE_PATTERNS = re.compile(_FURNITURE_SOURCE, re.IGNORECASE)


def _photo_credit_source(agencies: Iterable[str]) -> str:
    return (
        r"\(?(?:photo(?:graph)?:? )?(?:by )?[^()]{0,60}?/\s?"
        rf"(?:{'|'.join(re.escape(a) for a in agencies)})\)?"
    )


# A photo credit line ("Photo: Jane Doe/Getty Images"). Apart from the others because it is
# the costliest pattern to try, and a line without its "/" need not try it.
_PHOTO_CREDIT_LINE = re.compile(_photo_credit_source(PHOTO_AGENCIES), re.IGNORECASE)
# is_furniture matches lower-cased lines, where IGNORECASE adds only two letters that
# lower-casing leaves: "ı" and "ſ" match "i" and "s". A line without them gets the same
# answers from case-sensitive copies, which reject a line much faster: the regex engine
# skips an alternative whose first letter differs at once, but under IGNORECASE it must
# enter every one.
_FURNITURE_PATTERNS_LOWER = re.compile(_FURNITURE_SOURCE)
_PHOTO_CREDIT_LINE_LOWER = re.compile(_photo_credit_source(a.lower() for a in PHOTO_AGENCIES))
_FURNITURE_MAX_LENGTH = 300
"""No furniture line is longer: longer lines are body text."""
# BBC scrapes glue the photo credit to the caption: "… in Dallas.Image copyrightGETTY IMAGES".
_GLUED_COPYRIGHT = re.compile(r"(?P<text>.*[.!?\"”’])(?P<credit>Image copyright ?[^.!?]{1,60})")


def _units(lines: Iterable[str]) -> list[str]:
    """The body's non-blank lines, whitespace-collapsed: the units blocks are made of."""
    out = []
    for line in lines:
        # Most lines have no run to collapse, and the test is much cheaper than a sub().
        unit = (_SPACES.sub(" ", line) if "  " in line or "\t" in line else line).strip()
        if unit:
            out.append(unit)
    return out


@functools.lru_cache(maxsize=1024)
def _lower_line(line: str) -> str:
    return line.lower()


def _lower(text: str) -> str:
    """``text.lower()``; a text short enough to be furniture through a cache, which
    furniture detection fills: the title search lower-cases the same paragraphs again.
    ``str.lower`` looks up every character of a text that is not all ASCII (most are not:
    curly quotes), at about 50 instructions each. Longer texts are not kept."""
    return _lower_line(text) if len(text) <= _FURNITURE_MAX_LENGTH else text.lower()


def is_furniture(line: str) -> bool:
    """True when the whole line is page furniture ("Read more", "Advertisement", …)."""
    text = line.strip()
    # Lower-casing never shortens a text, so a long line is rejected before it is lowered.
    if len(text) > _FURNITURE_MAX_LENGTH:
        return False
    low = _lower_line(text)
    if len(low) > _FURNITURE_MAX_LENGTH:
        return False
    if low.rstrip(" :.…|»›>") in FURNITURE_LINES or low in FURNITURE_LINES:
        return True
    if "ı" in low or "ſ" in low:
        patterns, credit = _FURNITURE_PATTERNS, _PHOTO_CREDIT_LINE
    else:
        patterns, credit = _FURNITURE_PATTERNS_LOWER, _PHOTO_CREDIT_LINE_LOWER
    if patterns.fullmatch(low) is not None:
        return True
    return "/" in low and credit.fullmatch(low) is not None


def split_credit(caption: str) -> tuple[str, str | None]:
    """A caption and its trailing photo agency credit (None when it ends with no agency)."""
    text = caption.strip()
    if text in _CREDIT_WRITINGS:
        return "", text
    # The credit is what follows one of the caption's spaces; the longest one wins.
    last = text.rsplit(" ", 1)[-1]
    for written in _CREDITS_ENDING_IN.get(last, ()):
        if text.endswith(" " + written):
            return text[: -len(written) - 1].rstrip(), written
    if "/" in last and all(part in _AGENCY_NAMES for part in last.split("/")):
        return text[: -len(last)].rstrip(), last
    return text, None


def _embed(line: str) -> Embed | None:
    """An embed left as "Title, by name" (a short line without final punctuation)."""
    if len(line) > _EMBED_MAX_LENGTH or line[-1] in _FINAL_PUNCTUATION:
        return None
    match = _EMBED.fullmatch(line)
    if match is None:
        return None
    by = match["by"].strip()
    words = by.split()
    if len(words) > 4 or words[0].lower() in _NOT_A_BYLINE:
        return None
    return Embed("video", match["title"].strip(), by)


# Video players leave a title with its running time: NBC's "Title 2:25" (after a share bar,
# furniture), CNN's "Title 01:18", the Washington Post's "Title  Play Video5:44" (the
# button's label is dropped like the ", by" of an embed). A line that is only a time, "3:02",
# is the player's clock: furniture.
_DURATION = r"(?:\d{1,2}:)?\d{1,2}:[0-5]\d"
_TITLED_VIDEO = re.compile(rf"(?P<title>\S.*?)(?:\s+Play Video\s*|\s+)(?P<duration>{_DURATION})")
_VIDEO_TITLE_MIN_WORDS = 3
# A time after these is when the page was written ("Last updated at 10:45"), not a length.
_NOT_BEFORE_DURATION = frozenset(
    {
        "at", "on", "by", "updated", "published", "posted", "modified", "since", "from",
        "until", "to", "am", "pm", "et", "gmt", "bst", "utc", "edt", "est", "pst", "pdt",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "today", "yesterday", "tonight", "january", "february", "march", "april", "may",
        "june", "july", "august", "september", "october", "november", "december", "jan",
        "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)


def _video(line: str) -> Embed | None:
    """A video's title and running time as a video embed; None for any other line.

    The title needs three words, and the word before the time must not make it a time of
    day or a date ("on Friday Dec 29 2017 04:24").
    """
    if not ("0" <= line[-1:] <= "9" and line[-3:-2] == ":") or len(line) > _EMBED_MAX_LENGTH:
        return None
    match = _TITLED_VIDEO.fullmatch(line)
    if match is None:
        return None
    title = match["title"]
    words = title.split()
    last = words[-1].lower().strip(".,")
    if len(words) < _VIDEO_TITLE_MIN_WORDS or last.isdigit() or last in _NOT_BEFORE_DURATION:
        return None
    return Embed("video", title, None, match["duration"])


def _item(unit: str, total: int | None) -> GalleryItem | None:
    """A "k/N caption [Credit]" line as an item of a gallery of ``total`` (any when None)."""
    match = _ITEM.fullmatch(unit)
    if match is None:
        return None
    n, of = int(match["n"]), int(match["total"])
    if not 1 <= n <= of or (total is not None and of != total):
        return None
    caption, credit = split_credit(match["caption"] or "")
    return GalleryItem(n, caption, credit)


def _gallery_items(units: Sequence[str], start: int, total: int) -> tuple[list[GalleryItem], int]:
    """The items of a gallery of ``total`` photos from ``units[start]`` on, and where they end."""
    items: list[GalleryItem] = []
    index = start
    while index < len(units):
        item = _item(units[index], total)
        if item is None or (items and item.n <= items[-1].n):
            break
        items.append(item)
        index += 1
    return items, index


def _gallery_at(units: Sequence[str], start: int) -> tuple[Gallery, int] | None:
    """A gallery starting at ``units[start]``, and the index after it; None when none starts."""
    index = start
    title: str | None = None
    heading = _IN_PICTURES.fullmatch(units[index])
    if heading is not None:
        title = heading["title"]
        index += 1
    show_all = _SHOW_ALL.fullmatch(units[index]) if index < len(units) else None
    if show_all is not None and int(show_all["total"]) > 0:
        title = show_all["title"] or title
        total = int(show_all["total"])
        items, end = _gallery_items(units, index + 1, total)
        return Gallery(title, total, tuple(items)), end
    first = _ITEM.fullmatch(units[index]) if index < len(units) else None
    if first is None:
        return None
    total = int(first["total"])
    items, end = _gallery_items(units, index, total)
    # Without a heading a lone "1/2 cup flour" line is prose: a gallery needs two items.
    if items and (heading is not None or len(items) >= 2):
        return Gallery(title, total, tuple(items)), end
    return None


def parse_blocks(units: Sequence[str]) -> list[Block]:
    """The body's units as blocks, in order: paragraphs, galleries, embeds, furniture."""
    blocks: list[Block] = []
    index = 0
    while index < len(units):
        unit = units[index]
        # A heading has a colon; a unit without one need not try the pattern.
        heading = _IN_PICTURES.fullmatch(unit) if ":" in unit else None
        # A gallery starts with its heading, or with a "N show all" line or its first
        # "k/N" item, which both start with a digit: most units need not look further.
        if heading is not None or "0" <= unit[:1] <= "9":
            found = _gallery_at(units, index)
            if found is not None:
                gallery, index = found
                blocks.append(gallery)
                continue
        embed = _embed(unit) or _video(unit)
        glued = _GLUED_COPYRIGHT.fullmatch(unit) if "Image copyright" in unit else None
        if embed is not None:
            blocks.append(embed)
        elif glued is not None and not is_furniture(glued["text"]):
            blocks += [Paragraph(glued["text"]), Furniture(glued["credit"])]
        elif is_furniture(unit) or heading is not None:
            blocks.append(Furniture(unit))
        else:
            blocks.append(Paragraph(unit))
        index += 1
    return blocks


# --- title ----------------------------------------------------------------------------------

# Words of one run are joined by one of these; "Trump’s Cabinet" is the slug run
# "trump-s-cabinet".
_RUN_SEPARATORS = frozenset({" ", "-", "'", "\u2019"})
_SENTENCE_END = tuple(".!?:;…")
_OPENERS = " \t\"'“‘«([{—–-*•"
_WORD_RUN = re.compile(r"[^\W_]+")
_TRAILING_GAP = re.compile(r"[\W_]*$")
_TITLE_TEXT_LIMIT = 1_000_000
"""Characters of body text searched for the title's words: a title is written early."""
_TITLE_MAX_WORDS = 40
"""Slug words made into the title; longer slugs are not titles (and would cost time)."""
_MAX_SAMPLES = 500
"""Writings of one word looked at; enough to see how the body usually writes it."""


_APOSTROPHES = ("\u2019", "'")
_SHORT_WORD = 3
"""Slug words this long or shorter are found with a cached pattern; longer ones with find()."""


@functools.lru_cache(maxsize=1024)
def _whole_short_word(word: str) -> re.Pattern[str]:
    """The lower-case ``word`` as a whole word. Short words ("of", "the") occur inside many
    longer ones, which a pattern skips at C speed; there are few of them, so the cache keeps
    them all and each is compiled once.

    The word comes first and the look-behind after it, so the regex engine can skip ahead
    to the word's letters instead of trying every position.
    """
    literal = re.escape(word)
    return re.compile(rf"{literal}(?<![^\W_]{literal})(?![^\W_])")


def _whole_word_spans(low: str, word: str) -> list[tuple[int, int]]:
    """Where the lower-case text ``low`` holds ``word`` as a whole word, in text order.

    For longer words: they seldom occur inside other words, and the many distinct ones of
    a corpus would each cost a pattern compile (more than this whole search).
    """
    if len(word) <= _SHORT_WORD:
        return [m.span() for m in _whole_short_word(word).finditer(low)]
    spans = []
    size = len(low)
    start = low.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not low[start - 1].isalnum()) and (
            end == size or not low[end].isalnum()
        ):
            spans.append((start, end))
            start = low.find(word, end)
        else:
            start = low.find(word, start + 1)
    return spans


def _at_sentence_start(text: str, start: int, text_starts: Sequence[int]) -> bool:
    """True when the word at ``text[start]`` begins its text or a sentence.

    ``text`` holds several texts joined by "\\n", each starting at one of ``text_starts``.
    """
    if start > 1 and text[start - 1] == " " and text[start - 2].isalnum():
        return False  # the usual case, "word word": no punctuation between them
    begin = text_starts[bisect.bisect_right(text_starts, start) - 1]
    window = text[max(begin, start - 40) : start]
    gap = _TRAILING_GAP.search(window)
    if gap is None or gap.start() == 0 and start - begin <= 40:
        return True
    return gap[0].rstrip(_OPENERS).endswith(_SENTENCE_END)


def _in_url(text: str, start: int) -> bool:
    """True when the word at ``text[start]`` is part of a web address ("Source:
    https://example.com/whos-posterity-are-they/"): it is written the way the slug is,
    hyphens and all, not the way a headline is."""
    if start == 0 or text[start - 1] not in "/-_.":
        return False  # the usual case: a word after a space
    begin = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    token = text[begin:start]
    return "/" in token or token.startswith("www.")


class _Writings:
    """How the body writes the slug's words and runs of them, outside sentence starts.

    A word is searched for only when a run is asked to start from it (``longest_run``):
    a title is mostly made of a few long runs, and the words inside a run are read off
    the text where the run goes on.
    """

    def __init__(self, slug: Sequence[str], texts: Iterable[str]) -> None:
        self._slug_length = len(slug)
        # All texts searched in one pass; "\n" keeps words from running across texts.
        kept = list(texts)
        lengths = list(map(len, kept))
        if sum(lengths) >= _TITLE_TEXT_LIMIT:  # seldom: the texts are cut at the limit
            given, kept = kept, []
            budget = _TITLE_TEXT_LIMIT
            for text in given:
                if budget <= 0:
                    break
                kept.append(text[:budget])
                budget -= len(kept[-1])
            lengths = list(map(len, kept))
        # Where each text starts in the joined one: sentence starts are judged within a text.
        self._starts = list(itertools.accumulate((n + 1 for n in lengths[:-1]), initial=0))
        self._text = joined = "\n".join(kept)
        # The texts lower-cased one by one are the joined text lower-cased: lower-casing
        # looks at no neighbour but a final sigma's, and "\n" ends those.
        self._low = "\n".join(map(_lower, kept))
        # Lower-casing keeps every offset unless a character lower-cases to two (İ) or a
        # final sigma depends on its neighbours; then each word is lower-cased on its own,
        # all in one pass.
        self._unaligned: dict[str, list[tuple[int, int]]] | None = None
        if len(self._low) != len(joined) or "Σ" in joined:
            words = frozenset(slug)
            self._unaligned = {}
            for m in _WORD_RUN.finditer(joined):
                word = m[0].lower()
                if word in words:
                    self._unaligned.setdefault(word, []).append(m.span())
        # For each word asked for, where it is written outside sentence starts.
        self._samples: dict[str, list[tuple[int, int]]] = {}

    def _spans(self, word: str) -> list[tuple[int, int]]:
        """Where the text writes ``word`` as a whole word, in any case, in text order.

        A slug word ending in "s" may be a possessive whose apostrophe the slug dropped
        ("trumps" for "Trump’s"): those writings count too, and the most frequent wins.
        """
        if self._unaligned is not None:
            return self._unaligned.get(word, [])
        # str.isalnum() is exactly the regex class [^\W_] of a word character.
        spans = _whole_word_spans(self._low, word)
        if len(word) > _SHORT_WORD and word[-1] == "s":
            stem = word[:-1]
            possessive = [span for mark in _APOSTROPHES
                          for span in _whole_word_spans(self._low, f"{stem}{mark}s")]
            if possessive:
                spans = sorted(spans + possessive)
        return spans

    def _samples_of(self, word: str) -> list[tuple[int, int]]:
        """The first ``_MAX_SAMPLES`` places ``word`` is written outside a sentence start."""
        samples = self._samples.get(word)
        if samples is None:
            text, starts = self._text, self._starts
            outside = (
                span for span in self._spans(word)
                if not _at_sentence_start(text, span[0], starts) and not _in_url(text, span[0])
            )
            samples = self._samples[word] = list(itertools.islice(outside, _MAX_SAMPLES))
        return samples

    def longest_run(self, words: Sequence[str]) -> tuple[int, str] | None:
        """The longest prefix of ``words`` the body writes as a run, and its usual writing.

        A run is a slug word and the slug words that follow it, each after one separator
        character (``_RUN_SEPARATORS``): "Trump’s Cabinet" is a run of "trump", "s",
        "cabinet". A run never crosses a line break, so it stays within one text.
        """
        text = self._text
        low = self._low if self._unaligned is None else None
        limit = min(len(words), self._slug_length)
        # How often each writing of the longest run so far is seen.
        longest = 0
        writings: dict[str, int] = {}
        size = len(text)
        for start, end in self._samples_of(words[0]):
            length = 1
            while length < limit and end < size and text[end] in _RUN_SEPARATORS:
                word = words[length]
                if low is not None:
                    # Lower-casing kept every offset, and no character becomes or stops
                    # being a letter or digit when lower-cased (none in all of Unicode), so
                    # the lower-case text has the same words: the next one is ``word`` when
                    # it starts there and no letter or digit follows it.
                    after = end + 1 + len(word)
                    if not (
                        low.startswith(word, end + 1)
                        and word.isalnum()
                        and (after == size or not low[after].isalnum())
                    ):
                        break
                    end = after
                else:
                    following = _WORD_RUN.match(text, end + 1)
                    if following is None or following[0].lower() != word:
                        break
                    end = following.end()
                length += 1
            if length > longest:
                longest, writings = length, {}
            if length == longest:
                # Each separator is one character, so the run as written is one slice.
                written = text[start:end]
                writings[written] = writings.get(written, 0) + 1
        if not writings:
            return None
        # The most frequent writing; on a tie the lower-case one (a word is lower-case
        # unless the body shows otherwise).
        best = max(writings.items(), key=lambda kv: (kv[1], kv[0] == kv[0].lower()))
        return longest, best[0]


def recover_title(slug: Sequence[str], texts: Iterable[str]) -> str:
    """The title from the slug words, each word or run written the way ``texts`` write it."""
    slug = slug[:_TITLE_MAX_WORDS]
    writings = _Writings(slug, texts)
    parts: list[str] = []
    index = 0
    while index < len(slug):
        found = writings.longest_run(slug[index:])
        if found is None:
            parts.append(slug[index])
            index += 1
        else:
            length, written = found
            parts.append(written)
            index += length
    title = " ".join(parts)
    return title[:1].upper() + title[1:]


_FALLBACK_WORDS = 12
"""Words of the first paragraph a fallback title keeps when no sentence ends sooner."""
# Words whose final "." ends an abbreviation, not a sentence ("Mr. Trump said …").
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "gov", "sen", "rep", "prof", "lt",
        "col", "capt", "sgt", "rev", "no", "vs", "etc", "inc", "co", "corp", "ltd", "mt",
        "ft", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec",
    }
)


def _ends_sentence(word: str) -> bool:
    """True when ``word`` ends a sentence: final ``.``, ``!`` or ``?``, not an abbreviation."""
    stem = word.rstrip("\"'”’)]")
    if not stem.endswith((".", "!", "?")):
        return False
    core = stem.rstrip(".!?")
    return len(core) > 1 and "." not in core and core.lower() not in _ABBREVIATIONS


def _fallback_title(blocks: Sequence[Block], outlet: str) -> str:
    """A title for a URL whose slug gives none: the first paragraph's first sentence, or its
    first ``_FALLBACK_WORDS`` words and "…" when the sentence runs longer."""
    for block in blocks:
        if isinstance(block, Paragraph):
            words = block.text.split()
            for count, word in enumerate(words[:_FALLBACK_WORDS], start=1):
                if _ends_sentence(word):
                    return " ".join(words[:count])
            cut = len(words) > _FALLBACK_WORDS
            return " ".join(words[:_FALLBACK_WORDS]) + ("…" if cut else "")
    return outlet


_HEADLINE_PARAGRAPHS = 5
"""Paragraphs at the top of the body where a scrape may have kept the headline."""
_HEADLINE_MAX_LENGTH = 200


def _headline(slug: Sequence[str], blocks: Sequence[Block]) -> tuple[int, str] | None:
    """Which block is the headline, and its text, when the scrape kept it as one of the first
    paragraphs: a short paragraph whose words are exactly the slug's ("Who’s Posterity Are
    They Talking About?" for ``whos-posterity-are-they-talking-about``); else None."""
    wanted = "".join(slug)
    paragraphs = ((i, b) for i, b in enumerate(blocks) if isinstance(b, Paragraph))
    for index, paragraph in itertools.islice(paragraphs, _HEADLINE_PARAGRAPHS):
        text = paragraph.text
        if len(text) <= _HEADLINE_MAX_LENGTH and len(text) >= len(wanted) and (
            "".join(_WORD_RUN.findall(text)).lower() == wanted
        ):
            return index, text
    return None


def _title_texts(blocks: Sequence[Block]) -> Iterable[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Gallery):
            yield from (item.caption for item in block.items)


# --- the article ----------------------------------------------------------------------------


def _parse(data: bytes, source: str) -> Article:
    """``parse_seed_bytes`` without its last-resort guard (the property tests call this)."""
    if not data:
        raise SeedError(source, "the file is empty", "a seed starts with the article's URL")
    if len(data) > MAX_SEED_BYTES:
        raise _too_large(source)
    header = _split_header(decode_seed(data, source), source)
    blocks = parse_blocks(_units(header.body))
    if not any(isinstance(b, Paragraph | Gallery | Embed) for b in blocks):
        raise SeedError(
            source,
            "the file has no body text",
            "add the article text after the URL and the score and comment lines",
        )
    url = header.url
    outlet = urls.outlet_of(url)
    slug = [] if urls.slug_names_section(url) else urls.headline_words(url)
    headline = _headline(slug, blocks) if slug else None
    if headline is not None:
        # The reader shows the headline once, as the title: in the body it becomes furniture
        # (kept, shown on request) unless it is all the body has.
        index, title = headline
        if sum(isinstance(b, Paragraph | Gallery | Embed) for b in blocks) > 1:
            blocks[index] = Furniture(title)
    elif slug:
        title = recover_title(slug, _title_texts(blocks))
    else:
        title = _fallback_title(blocks, outlet)
    return Article(
        url=url,
        normalized_url=urls.normalize_url(url),
        domain=urls.domain_of(url),
        outlet=outlet,
        section=urls.section_of(url),
        date=urls.date_of(url),
        title=title,
        score=header.score,
        comments=header.comments,
        blocks=tuple(blocks),
        source_file=source,
        warnings=header.warnings,
    )


def _too_large(source: str) -> SeedError:
    return SeedError(
        source,
        "the file is larger than 10 MB",
        "a seed is one article; check that this is the right file",
    )


def parse_seed_bytes(data: bytes, source: str) -> Article:
    """The article in seed ``data``; ``source`` names it in errors and ``Article.source_file``.

    Raises:
        SeedError: the data is not a usable seed; ``reason`` says why. Nothing else is raised.
    """
    try:
        return _parse(data, source)
    except SeedError:
        raise
    except Exception as exc:  # noqa: BLE001 - untrusted input must never crash an import
        raise SeedError(
            source, f"the file could not be parsed ({type(exc).__name__})", "please report it"
        ) from exc


def parse_seed(path: Path) -> Article:
    """The article in the seed file at ``path``.

    Files above ``MAX_SEED_BYTES`` are rejected before they are read whole.

    Raises:
        SeedError: the file cannot be read or is not a usable seed. Nothing else is raised.
    """
    source = str(path)
    try:
        info = Path(path).stat()
        if not stat.S_ISREG(info.st_mode):
            raise SeedError(source, "is not a file", "give a seed file or a folder of them")
        if info.st_size > MAX_SEED_BYTES:
            raise _too_large(source)
        with open(path, "rb") as fh:
            data = fh.read(MAX_SEED_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SeedError(source, f"the file cannot be read ({reason})") from exc
    except ValueError as exc:  # e.g. a path with a NUL character
        raise SeedError(source, "the file cannot be read (invalid file name)") from exc
    return parse_seed_bytes(data, source)
