"""The one renderer: an archived article as HTML in Qt's rich-text subset, for reader and PDF.

No Qt imports: the CLI and tests use this without PySide6. Every string that comes from a seed
goes through ``html.escape(..., quote=True)``; markup comes only from this module's own
constants. Highlighting splits the *raw* text at matches and escapes each piece on its own, so
a search term can never create or break markup. Images are referenced only as
``archive:image/<id>``; ``textdoc.build_document`` registers them, nothing else is loaded.

Must not: import Qt, read files, or emit a URL other than ``broadsheet:`` links and
``archive:image/`` sources.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from desktop.data.article import (
    ArchivedArticle,
    Article,
    Block,
    Embed,
    Furniture,
    Gallery,
    GalleryItem,
    Paragraph,
)
from desktop.typography import (
    BODY_FONT_FAMILIES,
    LINE_HEIGHT_PERCENT,
    PALETTES,
    UI_FONT_FAMILIES,
    Palette,
)

Theme = Literal["light", "dark", "print"]

#: Photos per row when a gallery has images (captions only: a plain list).
GRID_COLUMNS = 3
#: Width of a gallery image in CSS pixels.
THUMBNAIL_WIDTH = 160

#: Where the reader handles the source link (after the user confirms leaving offline reading).
SOURCE_LINK = "broadsheet:source"


@dataclass(frozen=True)
class RenderOptions:
    """How to render: colour theme, whether page furniture shows, which words to highlight.

    ``web_links`` is for documents that leave the app (PDF): the source URL links to the web
    address itself (http/https only, percent-encoded) and gallery captions carry no
    ``broadsheet:`` links.
    """

    theme: Theme = "light"
    show_furniture: bool = False
    highlight_terms: tuple[str, ...] = ()
    web_links: bool = False


def esc(text: str) -> str:
    """Seed text as HTML text: the only way seed strings enter the output."""
    return html.escape(text, quote=True)


def _stylesheet(p: Palette) -> str:
    body_faces = ", ".join(_css_family(f) for f in BODY_FONT_FAMILIES)
    ui_faces = ", ".join(_css_family(f) for f in UI_FONT_FAMILIES)
    return (
        f"body {{ color: {p.text}; background-color: {p.background};"
        f" font-family: {body_faces}; }}\n"
        f"p {{ line-height: {LINE_HEIGHT_PERCENT}%; margin-top: 0px; margin-bottom: 10px; }}\n"
        f"h1 {{ font-size: x-large; font-weight: bold; line-height: 120%;"
        f" margin-top: 0px; margin-bottom: 8px; }}\n"
        f"h2 {{ font-size: large; font-weight: bold; line-height: 130%;"
        f" margin-top: 18px; margin-bottom: 6px; }}\n"
        f"a {{ color: {p.link}; text-decoration: none; }}\n"
        f".meta {{ font-family: {ui_faces}; font-size: small; color: {p.muted};"
        f" line-height: 130%; margin-bottom: 2px; }}\n"
        f".source {{ font-family: {ui_faces}; font-size: small; color: {p.muted};"
        f" line-height: 130%; margin-bottom: 14px; }}\n"
        f".count {{ font-family: {ui_faces}; font-size: small; color: {p.muted};"
        f" margin-bottom: 6px; }}\n"
        f".caption {{ font-size: small; line-height: 135%; margin-bottom: 4px; }}\n"
        f".last {{ margin-bottom: 16px; }}\n"
        f".photo {{ line-height: 100%; margin-bottom: 4px; }}\n"
        f".num {{ font-family: {ui_faces}; font-weight: bold; }}\n"
        f".credit {{ color: {p.muted}; font-style: italic; }}\n"
        f".embed {{ font-family: {ui_faces}; font-size: small; background-color: {p.box};"
        f" border-color: {p.rule}; }}\n"
        f".furniture {{ font-family: {ui_faces}; font-size: x-small; color: {p.muted};"
        f" margin-bottom: 6px; }}\n"
        f".hl {{ background-color: {p.highlight}; color: {p.highlight_text}; }}\n"
    )


def _css_family(name: str) -> str:
    return name if name in ("serif", "sans-serif") else f"'{name}'"


def render_article(record: ArchivedArticle, options: RenderOptions = RenderOptions()) -> str:
    """The whole article as an HTML document in Qt's rich-text subset.

    Args:
        record: the archived article.
        options: theme, furniture and highlighting.

    Returns:
        HTML for ``QTextDocument.setHtml``; every seed string in it is escaped.
    """
    palette = PALETTES.get(options.theme, PALETTES["light"])
    marker = _Highlighter(options.highlight_terms)
    article = record.article
    parts = [
        "<html><head><meta charset=\"utf-8\"><style>",
        _stylesheet(palette),
        f"</style></head><body bgcolor=\"{palette.background}\">",
        _header_html(article, marker, options.web_links),
    ]
    gallery_index = 0
    for block in article.blocks:
        if isinstance(block, Gallery):
            parts.append(_gallery_html(block, gallery_index, marker, options.web_links))
            gallery_index += 1
        else:
            parts.append(_block_html(block, options, marker))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _header_html(article: Article, marker: _Highlighter, web_links: bool) -> str:
    href = web_url(article.url) if web_links else SOURCE_LINK
    source = esc(article.url)
    if href is not None:
        source = f"<a href=\"{esc(href)}\">{source}</a>"
    return (
        f"<h1>{marker(article.title)}</h1>\n"
        f"<p class=\"meta\">{esc(meta_line(article))}</p>\n"
        f"<p class=\"source\">{source}</p>"
    )


def web_url(url: str) -> str | None:
    """The URL percent-encoded to plain ASCII link characters, or None unless http(s).

    Qt writes a link's URI into the PDF as it is given, so parentheses, backslashes, spaces
    and non-ASCII characters must already be encoded.
    """
    url = url.strip()
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return urllib.parse.quote(url, safe=_URL_SAFE)


_URL_SAFE = ":/?#[]@!$&'*+,;=%~-._"


def _block_html(block: Block, options: RenderOptions, marker: _Highlighter) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{marker(block.text)}</p>"
    if isinstance(block, Embed):
        return _embed_html(block, marker)
    if isinstance(block, Furniture):
        if not options.show_furniture:
            return ""
        return f"<p class=\"furniture\">{marker(block.text)}</p>"
    raise TypeError(f"not a renderable block: {block!r}")


def _embed_html(embed: Embed, marker: _Highlighter) -> str:
    label = esc(embed_label(embed.kind))
    by = f" — by {marker(embed.by)}" if embed.by else ""
    duration = f" ({esc(embed.duration)})" if embed.duration else ""
    return (
        "<table class=\"embed\" width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"8\""
        " style=\"border-style: solid; margin-top: 4px; margin-bottom: 14px;\">"
        f"<tr><td><b>{label}:</b> {marker(embed.title)}{by}{duration}</td></tr></table>"
    )


def _gallery_html(gallery: Gallery, k: int, marker: _Highlighter, web_links: bool) -> str:
    """Heading, photo count, then a caption list, or a grid when the archive has images."""
    count = f"{gallery.total} photo{'' if gallery.total == 1 else 's'}"
    if len(gallery.items) != gallery.total:
        count += f", {len(gallery.items)} captioned"
    link_k = None if web_links else k
    captions = [
        _caption_html(item, gallery.total, link_k, marker, last=i == len(gallery.items) - 1)
        for i, item in enumerate(gallery.items)
    ]
    has_images = any(item.image_id is not None for item in gallery.items)
    body = _grid_html(captions) if has_images else "\n".join(captions)
    return (
        f"<a name=\"gallery-{k}\"></a><h2>{marker(gallery_heading(gallery))}</h2>\n"
        f"<p class=\"count\">{esc(count)}</p>\n{body}"
    )


def _grid_html(cells: list[str]) -> str:
    """Captions (with their images) in rows of ``GRID_COLUMNS`` equal cells."""
    width = 100 // GRID_COLUMNS
    rows = []
    for start in range(0, len(cells), GRID_COLUMNS):
        row = cells[start:start + GRID_COLUMNS]
        row += [""] * (GRID_COLUMNS - len(row))
        rows.append("<tr>" + "".join(f"<td width=\"{width}%\" valign=\"top\">{c}</td>"
                                     for c in row) + "</tr>")
    return ("<table class=\"grid\" width=\"100%\" cellspacing=\"0\" cellpadding=\"6\""
            " style=\"margin-bottom: 14px;\">" + "".join(rows) + "</table>")


def _caption_html(
    item: GalleryItem, total: int, k: int | None, marker: _Highlighter, *, last: bool
) -> str:
    """One caption; ``k`` None means no links (a PDF has no gallery grid to open).

    The credit is joined to the caption by no-break spaces, so it never wraps alone.
    """
    href = f"broadsheet:gallery/{k}/{int(item.n)}" if k is not None else None
    image = ""
    if item.image_id is not None:
        src = f"archive:image/{int(item.image_id)}"
        image = _linked(href, f"<img src=\"{src}\" width=\"{THUMBNAIL_WIDTH}\">")
        image = f"<p class=\"photo\">{image}</p>"
    number = _linked(href, f"<span class=\"num\">{int(item.n)}/{int(total)}</span>")
    credit = ""
    if item.credit:
        credit = f"\u00a0—\u00a0<span class=\"credit\">{marker(item.credit)}</span>"
    css = "caption last" if last else "caption"
    return f"{image}<p class=\"{css}\">{number} {marker(item.caption)}{credit}</p>"


def _linked(href: str | None, inner: str) -> str:
    return f"<a href=\"{href}\">{inner}</a>" if href else inner


def gallery_heading(gallery: Gallery) -> str:
    """The heading a gallery shows: "In pictures: T" (plain text, not escaped)."""
    title = (gallery.title or "").strip()
    if not title:
        return "In pictures"
    if title.lower().startswith("in pictures"):
        return title
    return f"In pictures: {title}"


def embed_label(kind: str) -> str:
    """"video" -> "Video": the label of an embed box."""
    kind = kind.strip() or "embed"
    return kind[:1].upper() + kind[1:]


def meta_line(article: Article) -> str:
    """"outlet · section · date · N points · N comments" as plain text (parts that exist)."""
    parts = [article.outlet]
    if article.section:
        parts.append(" › ".join(article.section))
    if article.date:
        parts.append(format_date(article.date))
    if article.score is not None:
        parts.append(_plural(article.score, "point"))
    if article.comments is not None:
        parts.append(_plural(article.comments, "comment"))
    return " · ".join(p for p in parts if p)


def format_date(iso: str) -> str:
    """"2016-10-29" -> "29 October 2016"; anything else is returned unchanged."""
    try:
        day = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class _Highlighter:
    """Escapes text and wraps words starting with a highlight term in a ``.hl`` span.

    Matching runs on the raw text and each piece is escaped on its own, so a term can
    neither match inside an entity nor produce markup.
    """

    def __init__(self, terms: Iterable[str]) -> None:
        patterns = [p for p in (_term_pattern(t) for t in terms) if p]
        self._regex = (
            re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
            if patterns else None
        )

    def __call__(self, text: str) -> str:
        if self._regex is None:
            return esc(text)
        out: list[str] = []
        last = 0
        for match in self._regex.finditer(text):
            if match.end() == match.start():
                continue
            out.append(esc(text[last:match.start()]))
            out.append(f"<span class=\"hl\">{esc(match.group(0))}</span>")
            last = match.end()
        out.append(esc(text[last:]))
        return "".join(out)


def _term_pattern(term: str) -> str | None:
    """A word-prefix pattern: "flood" matches "flood", "Flooded"; phrases allow any spacing.

    Returns None for a term with nothing to match (empty, or only ``*``).
    """
    words = [re.escape(w) for w in term.replace("*", " ").split()]
    if not words:
        return None
    return r"(?<!\w)" + r"\s+".join(words) + r"\w*"


def highlight(text: str, terms: Iterable[str]) -> str:
    """Seed text escaped, with words starting with any of ``terms`` wrapped in a ``.hl`` span."""
    return _Highlighter(terms)(text)
