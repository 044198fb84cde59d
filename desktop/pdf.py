"""PDF export: articles set as printed pages with QPdfWriter, written atomically.

QtGui only (never QtWidgets): the CLI exports with ``QT_QPA_PLATFORM=offscreen`` and no
display. Each article is laid out by ``textdoc.build_document`` in the print theme and painted
page by page (followed, when asked, by the reader's note as a "Notes" appendix set as plain
text), with a running header (outlet, title, a rule; from an article's second page
on) and a footer (the archive's name, "Page k of n" counted over the whole PDF). Headings
never end a page, and no paragraph leaves a single line on either side of a page turn.

Qt 6.12's QPdfWriter has no API for outlines (bookmarks) or the Subject field, so the finished
PDF gets one incremental update, written here without a PDF library: an outline entry per
article, Subject in the Info dictionary and ``dc:description`` in the XMP metadata (PDF/A
wants the two to agree). The file is written to a temporary name beside the target and renamed
into place, so a failure never leaves half a PDF.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
import xml.sax.saxutils
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)

from desktop import __version__
from desktop.data.article import ArchivedArticle
from desktop.errors import ExportError
from desktop.render import PALETTES, UI_FONT_FAMILIES, RenderOptions
from desktop.textdoc import ImageSource, build_document

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}

#: Page margins in millimetres: the text block, and where header and footer sit.
MARGIN_LEFT_MM = 27.0
MARGIN_RIGHT_MM = 27.0
MARGIN_TOP_MM = 26.0
MARGIN_BOTTOM_MM = 26.0
HEADER_BASELINE_MM = 15.0  # from the top edge of the paper
FOOTER_BASELINE_MM = 15.0  # from the bottom edge of the paper
RUNNING_POINT_SIZE = 7.5
RUNNING_COLOUR = "#555555"
#: A heading must share its page with at least this many lines that follow it.
LINES_AFTER_HEADING = 2
NOTES_HEADING = "Notes"
NOTES_HEADING_SCALE = 1.3
NOTES_GAP_PT = 18.0

Progress = Callable[[int, int], None]

_app: QGuiApplication | None = None


def export_pdf(
    records: Sequence[ArchivedArticle],
    out_path: str | os.PathLike[str],
    *,
    archive_name: str,
    page_size: str = "A4",
    pdfa: bool = False,
    show_furniture: bool = False,
    images: ImageSource | None = None,
    progress: Progress | None = None,
    notes: Mapping[int, str] | None = None,
) -> None:
    """Write ``records`` to one PDF, each article starting on a new page.

    Args:
        records: the articles, in the order they appear.
        out_path: the PDF to write; replaced only once the new file is complete.
        archive_name: shown in every page's footer.
        page_size: "A4" or "Letter".
        pdfa: write PDF/A-1b.
        show_furniture: include page furniture ("Read more" and such).
        images: where gallery images come from (the Archive); None prints captions only.
        progress: called as ``progress(done, total)`` after each article is set.
        notes: the reader's notes by article id; an article with a non-blank note gets it
            as a "Notes" section after its text (set literally, never as markup).

    Raises:
        ExportError: nothing to export, or the file cannot be written.
    """
    target = Path(out_path)
    if not records:
        raise ExportError(str(target), "there are no articles to export",
                          "choose an article, a search or a section with articles")
    if page_size not in PAGE_SIZES:
        raise ExportError(str(target), f"unknown page size {page_size!r}",
                          f"use one of {', '.join(PAGE_SIZES)}")
    _check_target(target)
    ensure_gui_application()
    data = _write_pdf(records, archive_name=archive_name, page_size=page_size, pdfa=pdfa,
                      show_furniture=show_furniture, images=images, progress=progress,
                      notes=notes or {})
    _write_atomically(target, data)


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new QGuiApplication (PDF export needs one)."""
    global _app
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    _app = QGuiApplication([])
    return _app


# --- layout and painting ------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    """Where things go on the paper, in device pixels."""

    width: float
    height: float
    body: QRectF
    header_y: float
    footer_y: float


def _page_geometry(writer: QPdfWriter) -> _Page:
    px_per_mm = writer.resolution() / 25.4
    width, height = float(writer.width()), float(writer.height())
    left, right = MARGIN_LEFT_MM * px_per_mm, MARGIN_RIGHT_MM * px_per_mm
    top, bottom = MARGIN_TOP_MM * px_per_mm, MARGIN_BOTTOM_MM * px_per_mm
    return _Page(
        width=width,
        height=height,
        body=QRectF(left, top, width - left - right, height - top - bottom),
        header_y=HEADER_BASELINE_MM * px_per_mm,
        footer_y=height - FOOTER_BASELINE_MM * px_per_mm,
    )


@dataclass
class _Laid:
    """One article, laid out: its document and where its pages start in the PDF."""

    record: ArchivedArticle
    doc: QTextDocument
    first_page: int
    pages: int


def _write_pdf(
    records: Sequence[ArchivedArticle],
    *,
    archive_name: str,
    page_size: str,
    pdfa: bool,
    show_furniture: bool,
    images: ImageSource | None,
    progress: Progress | None,
    notes: Mapping[int, str],
) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(PAGE_SIZES[page_size]))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    if pdfa:
        writer.setPdfVersion(QPagedPaintDevice.PdfVersion.PdfVersion_A1b)
    info = _document_info(records)
    writer.setTitle(info.title)
    writer.setAuthor(info.author)
    writer.setCreator(f"Broadsheet {__version__}")
    page = _page_geometry(writer)
    options = RenderOptions(theme="print", show_furniture=show_furniture, web_links=True)

    laid: list[_Laid] = []
    first = 0
    for done, record in enumerate(records, start=1):
        doc = build_document(record, images, options, ligatures=False)
        note = notes.get(record.id, "")
        if note.strip():
            append_notes(doc, note)
        _lay_out(doc, writer, page.body.size())
        laid.append(_Laid(record, doc, first, doc.pageCount()))
        first += doc.pageCount()
        if progress is not None:
            progress(done, len(records))

    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(None, "the PDF writer could not start", "try again")
    try:
        for article in laid:
            _paint_article(painter, writer, page, article, total=first,
                           archive_name=archive_name)
    finally:
        painter.end()
    buffer.close()
    outline = [(a.record.article.title, a.first_page) for a in laid]
    return add_outline_and_subject(bytes(buffer.data().data()), outline, info.subject)


@dataclass(frozen=True)
class _Info:
    title: str
    author: str
    subject: str


def _document_info(records: Sequence[ArchivedArticle]) -> _Info:
    """Title = the article's title, Author = its outlet, Subject = its source URL.

    For several articles: the first title "and N more", the outlets, the URLs.
    """
    articles = [r.article for r in records]
    title = articles[0].title
    if len(articles) > 1:
        title += f" and {len(articles) - 1} more"
    outlets = list(dict.fromkeys(a.outlet for a in articles if a.outlet))
    return _Info(title=title, author=", ".join(outlets),
                 subject=" ".join(a.url for a in articles))


def append_notes(doc: QTextDocument, text: str) -> None:
    """Add a "Notes" heading and ``text`` after the article, in the print colours.

    The text is inserted as plain text (one paragraph per line), so markup in a note shows
    literally; ligatures stay off, as in the rest of the PDF.
    """
    base = doc.defaultFont()
    colour = QColor(PALETTES["print"].text)
    body = QTextCharFormat()
    body.setFont(base)
    body.setForeground(colour)
    body.setFontFeatures({QFont.Tag.fromString("liga"): 0})
    heading = QTextCharFormat(body)
    heading.setFontWeight(QFont.Weight.Bold)
    heading.setFontPointSize(base.pointSizeF() * NOTES_HEADING_SCALE)
    heading_block = QTextBlockFormat()
    heading_block.setHeadingLevel(2)
    heading_block.setTopMargin(NOTES_GAP_PT)
    heading_block.setBottomMargin(NOTES_GAP_PT / 3)
    cursor = QTextCursor(doc)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertBlock(heading_block, heading)
    cursor.insertText(NOTES_HEADING, heading)
    paragraph = QTextBlockFormat()
    paragraph.setBottomMargin(4)
    for line in text.strip("\n").split("\n"):
        cursor.insertBlock(paragraph, body)
        cursor.insertText(line, body)


def _lay_out(doc: QTextDocument, writer: QPdfWriter, body: QSizeF) -> None:
    """Lay the document out in page-sized slices on the writer, headings kept with text."""
    doc.documentLayout().setPaintDevice(writer)
    doc.setDocumentMargin(0)
    doc.setPageSize(body)
    _keep_headings_with_text(doc, body.height())
    _avoid_widows_and_orphans(doc, body.height())


def _keep_headings_with_text(doc: QTextDocument, page_height: float) -> None:
    """Move a heading to the next page when the lines after it would not share its page."""
    moved: set[int] = set()
    while True:
        heading = _first_stranded_heading(doc, page_height, moved)
        if heading is None:
            return
        moved.add(heading.blockNumber())
        _break_before(heading)


def _first_stranded_heading(
    doc: QTextDocument, page_height: float, skip: set[int]
) -> QTextBlock | None:
    layout = doc.documentLayout()
    # WORKAROUND: QTextDocumentLayout lays out lazily; block rectangles asked for before the
    # layout has finished are wrong, and a format change on top of that leaves later blocks
    # unlaid. pageCount() finishes the layout first.
    doc.pageCount()
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0 and block.blockNumber() not in skip:
            rect = layout.blockBoundingRect(block)
            page = _page_of(rect.top(), page_height)
            at_page_top = rect.top() - page * page_height < _LAYOUT_SLACK
            following = _following_line_tops(doc, block, LINES_AFTER_HEADING)
            if not at_page_top and any(_page_of(y, page_height) != page for y in following):
                return block
        block = block.next()
    return None


def _avoid_widows_and_orphans(doc: QTextDocument, page_height: float) -> None:
    """No paragraph leaves a single line at a page's foot or carries one over to the next.

    A short paragraph moves to the next page whole. A longer one is split in two blocks where
    the page turns, so that two lines go over; the halves keep the paragraph's spacing.
    """
    done: set[int] = set()
    while True:
        found = _first_page_split(doc, page_height, done)
        if found is None:
            return
        block, lines_before = found
        done.add(block.blockNumber())
        lines = block.layout().lineCount()
        if lines_before == 1 or lines < 4:
            _break_before(block)
        elif lines - lines_before == 1:
            _split_block(block, lines - 2)
            done.add(block.blockNumber() + 1)


def _first_page_split(
    doc: QTextDocument, page_height: float, done: set[int]
) -> tuple[QTextBlock, int] | None:
    """The first paragraph with one line alone on either side of a page turn, and how many
    of its lines are on the first page."""
    layout = doc.documentLayout()
    doc.pageCount()  # see the WORKAROUND in _first_stranded_heading
    block = doc.begin()
    while block.isValid():
        lines = block.layout().lineCount()
        if block.blockNumber() not in done and lines > 1 and block.textList() is None:
            origin = layout.blockBoundingRect(block).top()
            pages = [_page_of(origin + block.layout().lineAt(i).y(), page_height)
                     for i in range(lines)]
            before = pages.count(pages[0])
            if before < lines and (before == 1 or lines - before == 1):
                return block, before
        block = block.next()
    return None


def _break_before(block: QTextBlock) -> None:
    fmt = QTextBlockFormat()
    fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    QTextCursor(block).mergeBlockFormat(fmt)


def _split_block(block: QTextBlock, line: int) -> None:
    """Split ``block`` before its line ``line``; the second half starts a new page."""
    original = block.blockFormat()
    cursor = QTextCursor(block)
    first_half = QTextBlockFormat()
    first_half.setBottomMargin(0)
    cursor.mergeBlockFormat(first_half)
    cursor.setPosition(block.position() + block.layout().lineAt(line).textStart())
    second_half = QTextBlockFormat(original)
    second_half.setTopMargin(0)
    second_half.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    cursor.insertBlock(second_half)


#: Layout positions are 1/64-pixel fixed point; a line Qt moved to the top of a page can sit
#: a hair above the boundary in float arithmetic.
_LAYOUT_SLACK = 1.0


def _page_of(y: float, page_height: float) -> int:
    """The 0-based page a document y coordinate falls on."""
    return math.floor((y + _LAYOUT_SLACK) / page_height)


def _following_line_tops(doc: QTextDocument, heading: QTextBlock, count: int) -> list[float]:
    """Document y of the bottoms of the first ``count`` text lines after ``heading``."""
    layout = doc.documentLayout()
    tops: list[float] = []
    block = heading.next()
    while block.isValid() and len(tops) < count:
        origin = layout.blockBoundingRect(block).top()
        text_layout = block.layout()
        for i in range(text_layout.lineCount()):
            line = text_layout.lineAt(i)
            tops.append(origin + line.y() + line.height() - 2 * _LAYOUT_SLACK)
            if len(tops) == count:
                break
        block = block.next()
    return tops


def _paint_article(
    painter: QPainter, writer: QPdfWriter, page: _Page, article: _Laid, *, total: int,
    archive_name: str,
) -> None:
    body = page.body
    for i in range(article.pages):
        number = article.first_page + i
        if number > 0:
            writer.newPage()
        painter.save()
        painter.translate(body.left(), body.top() - i * body.height())
        article.doc.drawContents(painter, QRectF(0, i * body.height(), body.width(),
                                                 body.height()))
        painter.restore()
        if i > 0:
            _paint_header(painter, page, article.record)
        _paint_footer(painter, page, number + 1, total, archive_name)


def _running_font() -> QFont:
    font = QFont()
    font.setFamilies(list(UI_FONT_FAMILIES))
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(RUNNING_POINT_SIZE)
    font.setFeature(QFont.Tag.fromString("liga"), 0)  # text extracts as "ff", not U+FB00
    return font


def _running_metrics(painter: QPainter) -> QFontMetricsF:
    font = _running_font()
    painter.setFont(font)
    painter.setPen(QColor(RUNNING_COLOUR))
    return QFontMetricsF(font, painter.device())


def _paint_header(painter: QPainter, page: _Page, record: ArchivedArticle) -> None:
    """Outlet left, title right, a hairline under both; not on an article's first page,
    where the title itself stands."""
    article = record.article
    body = page.body
    painter.save()
    metrics = _running_metrics(painter)
    gap = metrics.averageCharWidth() * 4
    outlet = metrics.elidedText(article.outlet, Qt.TextElideMode.ElideRight, body.width() / 3)
    title = metrics.elidedText(article.title, Qt.TextElideMode.ElideRight,
                               body.width() - metrics.horizontalAdvance(outlet) - gap)
    painter.drawText(QPointF(body.left(), page.header_y), outlet)
    painter.drawText(QPointF(body.right() - metrics.horizontalAdvance(title), page.header_y),
                     title)
    rule_y = page.header_y + metrics.descent() + metrics.height() * 0.35
    pen = QPen(QColor(RUNNING_COLOUR))
    pen.setWidthF(painter.device().logicalDpiY() / 72 * 0.4)  # 0.4 pt
    painter.setPen(pen)
    painter.drawLine(QPointF(body.left(), rule_y), QPointF(body.right(), rule_y))
    painter.restore()


def _paint_footer(painter: QPainter, page: _Page, number: int, total: int,
                  archive_name: str) -> None:
    """The archive's name left, "Page k of n" right."""
    body = page.body
    painter.save()
    metrics = _running_metrics(painter)
    label = f"Page {number} of {total}"
    gap = metrics.averageCharWidth() * 4
    name = metrics.elidedText(archive_name, Qt.TextElideMode.ElideMiddle,
                              body.width() - metrics.horizontalAdvance(label) - gap)
    painter.drawText(QPointF(body.left(), page.footer_y), name)
    painter.drawText(QPointF(body.right() - metrics.horizontalAdvance(label), page.footer_y),
                     label)
    painter.restore()


# --- writing the file -----------------------------------------------------------------------


def _check_target(target: Path) -> None:
    """Fail early, with a clear message, when ``target`` cannot be a PDF file."""
    if target.is_dir():
        raise ExportError(str(target), "this is a folder, not a file name",
                          "give a file name ending in .pdf")
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(str(target), "the folder does not exist",
                          "create it or choose another folder")


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it into place."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise ExportError(str(target), f"cannot write the PDF: {exc.strerror or exc}",
                          "check the folder is writable and has free space, "
                          "or choose another location") from exc


# --- outline and Subject: one incremental update -----------------------------------------------


def add_outline_and_subject(pdf: bytes, outline: Sequence[tuple[str, int]],
                            subject: str) -> bytes:
    """``pdf`` (as QPdfWriter wrote it) plus an outline and a Subject, as an incremental update.

    Args:
        pdf: the complete PDF.
        outline: (title, 0-based page index) per entry, in order.
        subject: the Info ``/Subject`` (and XMP ``dc:description``).

    Every string is written as a UTF-16 hex string, so no text can alter the PDF's syntax.
    """
    trailer = _last_trailer(pdf)
    size = int(_match(rb"/Size\s+(\d+)", trailer))
    root = int(_match(rb"/Root\s+(\d+)\s+0\s+R", trailer))
    info = int(_match(rb"/Info\s+(\d+)\s+0\s+R", trailer))
    ids = _match(rb"(/ID\s*\[[^\]]*\])", trailer)
    prev = int(_match(rb"startxref\s+(\d+)", pdf[pdf.rindex(b"startxref"):]))
    table = _xref_offsets(pdf, prev)

    def read(number: int) -> bytes:
        return _object(pdf, table, number)

    catalog = _dict_body(read(root))
    pages = _page_refs(read(int(_match(rb"/Pages\s+(\d+)\s+0\s+R", catalog))))
    metadata_ref = re.search(rb"/Metadata\s+(\d+)\s+0\s+R", catalog)

    objects: dict[int, bytes] = {}
    outlines_root = size
    entries = [e for e in outline if 0 <= e[1] < len(pages)]
    first_item = size + 1
    if entries:
        objects[outlines_root] = (
            f"<< /Type /Outlines /First {first_item} 0 R "
            f"/Last {first_item + len(entries) - 1} 0 R /Count {len(entries)} >>"
        ).encode()
        for i, (title, page_index) in enumerate(entries):
            number = first_item + i
            links = f"/Parent {outlines_root} 0 R"
            if i > 0:
                links += f" /Prev {number - 1} 0 R"
            if i < len(entries) - 1:
                links += f" /Next {number + 1} 0 R"
            objects[number] = (
                f"<< /Title {_pdf_text(title)} {links} "
                f"/Dest [{pages[page_index]} 0 R /XYZ null null null] >>"
            ).encode()
        catalog = re.sub(rb"/(Outlines|PageMode)\s+\S+(\s+0\s+R)?", b"", catalog)
        catalog += f"\n/Outlines {outlines_root} 0 R".encode()
        if len(entries) > 1:
            catalog += b"\n/PageMode /UseOutlines"
    objects[root] = b"<<" + catalog + b"\n>>"

    info_body = re.sub(rb"/Subject\s*(\([^)]*\)|<[^>]*>)", b"", _dict_body(read(info)))
    objects[info] = b"<<" + info_body + f"\n/Subject {_pdf_text(subject)}\n>>".encode()
    if metadata_ref is not None:
        number = int(metadata_ref.group(1))
        xmp = _with_description(_stream_data(read(number)), subject)
        objects[number] = (
            f"<< /Type /Metadata /Subtype /XML /Length {len(xmp)} >>\nstream\n".encode()
            + xmp + b"\nendstream"
        )
    new_size = max(size, max(objects) + 1)
    return _append_update(pdf, objects, new_size=new_size, root=root, info=info, ids=ids,
                          prev=prev)


def _append_update(pdf: bytes, objects: dict[int, bytes], *, new_size: int, root: int,
                   info: int, ids: bytes, prev: int) -> bytes:
    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n"
    for number in sorted(offsets):
        out += f"{number} 1\n{offsets[number]:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {new_size} /Root {root} 0 R /Info {info} 0 R ".encode()
        + ids + f" /Prev {prev} >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    )
    return bytes(out)


def _pdf_text(text: str) -> str:
    """A PDF text string as UTF-16BE hex with a byte-order mark: no escaping can go wrong."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _match(pattern: bytes, data: bytes) -> bytes:
    found = re.search(pattern, data)
    if found is None:
        raise ValueError(f"unexpected PDF structure: no {pattern!r}")
    return found.group(1)


def _last_trailer(pdf: bytes) -> bytes:
    start = pdf.rindex(b"trailer")
    return pdf[start:pdf.index(b">>", start) + 2]


def _xref_offsets(pdf: bytes, at: int) -> dict[int, int]:
    """Object number -> byte offset, from the classic cross-reference table at ``at``."""
    if not pdf.startswith(b"xref", at):
        raise ValueError("unexpected PDF structure: no xref table at startxref")
    offsets: dict[int, int] = {}
    lines = iter(pdf[at + 4:pdf.index(b"trailer", at)].split())
    for first in lines:
        count = int(next(lines))
        for number in range(int(first), int(first) + count):
            offset, _generation, kind = next(lines), next(lines), next(lines)
            if kind == b"n":
                offsets[number] = int(offset)
    return offsets


def _object(pdf: bytes, table: dict[int, int], number: int) -> bytes:
    """The text between ``N 0 obj`` and ``endobj``."""
    start = table.get(number)
    header = b"%d 0 obj" % number
    if start is None or not pdf.startswith(header, start):
        raise ValueError(f"unexpected PDF structure: no object {number}")
    body_start = start + len(header)
    return pdf[body_start:pdf.index(b"endobj", body_start)].strip()


def _dict_body(obj: bytes) -> bytes:
    """The inside of a dictionary object that contains no nested dictionaries or streams."""
    if not obj.startswith(b"<<") or b"stream" in obj:
        raise ValueError("unexpected PDF structure: not a plain dictionary")
    return obj[2:obj.rindex(b">>")].rstrip()


def _page_refs(pages: bytes) -> list[int]:
    kids = _match(rb"/Kids\s*\[([^\]]*)\]", pages)
    return [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", kids)]


def _stream_data(obj: bytes) -> bytes:
    start = obj.index(b"stream") + len(b"stream")
    if obj[start:start + 2] == b"\r\n":
        start += 2
    elif obj[start:start + 1] in (b"\n", b"\r"):
        start += 1
    length = int(_match(rb"/Length\s+(\d+)", obj[:start]))
    return obj[start:start + length]


def _with_description(xmp: bytes, subject: str) -> bytes:
    """Qt's XMP packet with ``dc:description`` set to ``subject``."""
    text = xml.sax.saxutils.escape(subject, {'"': "&quot;"})
    description = (
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"
        f"{text}</rdf:li></rdf:Alt></dc:description>"
    ).encode()
    xmp = re.sub(rb"<dc:description>.*?</dc:description>", b"", xmp, flags=re.S)
    marker = b"</dc:title>"
    if marker not in xmp:
        raise ValueError("unexpected XMP structure: no dc:title")
    return xmp.replace(marker, marker + description, 1)
