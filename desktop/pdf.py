"""PDF export: articles set as printed pages with QPdfWriter, written atomically.

QtGui only (never QtWidgets): the CLI exports with ``QT_QPA_PLATFORM=offscreen`` and no
display. Each article is laid out by ``textdoc.build_document`` in the print theme and painted
page by page (followed, when asked, by the reader's note as a "Notes" appendix set as plain
text), with a running header (outlet, title, a rule; from an article's second page
on) and a footer (the archive's name, "Page k of n" counted over the whole PDF). Headings
never end a page, and no paragraph leaves a single line on either side of a page turn.

Memory does not grow with the number of articles: they are read one at a time (``records``
may be a lazy sequence, ``selection.ArticleSequence``), and a batch longer than
``KEEP_LAID_OUT`` lays each article out twice, first to count its pages (the footers say
"Page k of n" from the first page on), then again to paint it, instead of keeping every
laid-out document. The PDF is painted straight into its temporary file.

Qt 6.12's QPdfWriter has no API for outlines (bookmarks) or the Subject field, so the finished
PDF gets one incremental update, written here without a PDF library: an outline entry per
article, Subject in the Info dictionary and ``dc:description`` in the XMP metadata (PDF/A
wants the two to agree). The update is appended to the temporary file (read through ``mmap``,
so only the few objects it changes are read), which is then renamed into place: a failure
or a cancel never leaves half a PDF, and nothing touches the target before the rename.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import re
import secrets
import xml.sax.saxutils
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QFile, QFileDevice, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
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
from desktop.render import RenderOptions
from desktop.textdoc import ImageSource, build_document
from desktop.typography import PALETTES, UI_FONT_FAMILIES

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
#: A batch of at most this many articles keeps each laid-out document (about 0.45 MB) from
#: counting its pages to painting them; a longer one lays each article out again to paint it.
KEEP_LAID_OUT = 16

#: ``progress(done, total)``: steps done and in all; each article is two steps (see export_pdf).
Progress = Callable[[int, int], None]

_app: QGuiApplication | None = None
#: A PDF to read the update's objects from: in memory, or mapped from its file.
_Pdf = bytes | mmap.mmap


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
        progress: called as ``progress(done, total)`` after each step; ``total`` is twice the
            number of articles n. Steps 1 to n prepare article k (set and laid out to count
            its pages), steps n + 1 to 2n write it into the PDF; the last step is reported
            once the file is complete, just before it is renamed into place. An exception
            raised by ``progress`` stops the export and leaves no file.
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
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        # O_BINARY (Windows only): a descriptor opened in text mode would turn every "\n"
        # that Qt writes through it into "\r\n".
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(temp, flags, 0o666)
        with os.fdopen(fd, "r+b") as fh:
            pdf = QFile()
            if not pdf.open(fd, QIODevice.OpenModeFlag.WriteOnly):
                raise OSError(pdf.errorString())
            written = _write_pdf(records, pdf, archive_name=archive_name,
                                 page_size=page_size, pdfa=pdfa,
                                 show_furniture=show_furniture, images=images,
                                 progress=progress, notes=notes or {})
            pdf.close()
            if pdf.error() != QFileDevice.FileError.NoError:
                raise OSError(pdf.errorString())
            _append_outline_and_subject(fh, written.outline, written.subject)
            fh.flush()
            os.fsync(fh.fileno())
        if progress is not None:
            steps = 2 * len(records)
            progress(steps, steps)
        os.replace(temp, target)
    except OSError as exc:
        _remove(temp)
        raise ExportError(str(target), f"cannot write the PDF: {exc.strerror or exc}",
                          "check the folder is writable and has free space, "
                          "or choose another location") from exc
    except BaseException:
        _remove(temp)
        raise


def progress_stage(done: int, total: int) -> tuple[str, int, int]:
    """A ``progress(done, total)`` report of ``export_pdf`` as (stage, articles done in that
    stage, articles): ``("preparing", k, n)`` while articles are set and their pages counted,
    then ``("writing", k, n)`` while they are painted into the file."""
    articles = total // 2
    if done < articles:
        return "preparing", done, articles
    return "writing", done - articles, articles


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
    """One article, counted: where its pages start in the PDF, how many there are, what its
    running header says, and its laid-out document while it is kept for painting."""

    title: str
    outlet: str
    first_page: int
    pages: int
    doc: QTextDocument | None


@dataclass(frozen=True)
class _Written:
    """What the incremental update adds to a painted PDF."""

    outline: list[tuple[str, int]]
    subject: str


def _write_pdf(
    records: Sequence[ArchivedArticle],
    device: QIODevice,
    *,
    archive_name: str,
    page_size: str,
    pdfa: bool,
    show_furniture: bool,
    images: ImageSource | None,
    progress: Progress | None,
    notes: Mapping[int, str],
) -> _Written:
    """Paint ``records`` as a PDF into ``device``, in two passes: count, then paint.

    Every step but the last is reported through ``progress``; the caller reports the last
    one when the file is complete.
    """
    writer = QPdfWriter(device)
    writer.setPageSize(QPageSize(PAGE_SIZES[page_size]))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    if pdfa:
        writer.setPdfVersion(QPagedPaintDevice.PdfVersion.PdfVersion_A1b)
    page = _page_geometry(writer)
    options = RenderOptions(theme="print", show_furniture=show_furniture, web_links=True)
    count = len(records)
    keep = count <= KEEP_LAID_OUT

    def report(done: int) -> None:
        if progress is not None:
            progress(done, 2 * count)

    def set_article(record: ArchivedArticle) -> QTextDocument:
        doc = build_document(record, images, options, ligatures=False)
        note = notes.get(record.id, "")
        if note.strip():
            append_notes(doc, note)
        _lay_out(doc, writer, page.body.size())
        return doc

    info = _InfoCollector()
    laid: list[_Laid] = []
    first = 0
    for done, record in enumerate(records, start=1):
        doc = set_article(record)
        pages = doc.pageCount()
        article = record.article
        info.add(article.title, article.outlet, article.url)
        laid.append(_Laid(article.title, article.outlet, first, pages, doc if keep else None))
        first += pages
        del doc  # a document not kept is freed before the next one is set
        report(done)
    writer.setTitle(info.title)
    writer.setAuthor(info.author)
    writer.setCreator(f"Broadsheet {__version__}")

    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(None, "the PDF writer could not start", "try again")
    try:
        for done, counted in enumerate(laid, start=1):
            kept, counted.doc = counted.doc, None
            again = kept if kept is not None else set_article(records[done - 1])
            if again.pageCount() != counted.pages:
                raise ExportError(
                    None, f"article {done} of {count} came out on {again.pageCount()} "
                    f"pages when written but on {counted.pages} when counted",
                    "export again; if it happens again, please report it")
            _paint_article(painter, writer, page, again, counted, total=first,
                           archive_name=archive_name)
            if done < count:
                report(count + done)
    finally:
        painter.end()
    return _Written([(a.title, a.first_page) for a in laid], info.subject)


class _InfoCollector:
    """Title = the article's title, Author = its outlet, Subject = its source URL.

    For several articles: the first title "and N more", the outlets, the URLs. Collected one
    article at a time, keeping only the first title, the outlets and the URLs.
    """

    def __init__(self) -> None:
        self._first_title: str | None = None
        self._count = 0
        self._outlets: dict[str, None] = {}
        self._urls: list[str] = []

    def add(self, title: str, outlet: str, url: str) -> None:
        if self._first_title is None:
            self._first_title = title
        self._count += 1
        if outlet:
            self._outlets.setdefault(outlet)
        self._urls.append(url)

    @property
    def title(self) -> str:
        title = self._first_title or ""
        if self._count > 1:
            title += f" and {self._count - 1} more"
        return title

    @property
    def author(self) -> str:
        return ", ".join(self._outlets)

    @property
    def subject(self) -> str:
        return " ".join(self._urls)


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
    painter: QPainter, writer: QPdfWriter, page: _Page, doc: QTextDocument, article: _Laid,
    *, total: int, archive_name: str,
) -> None:
    body = page.body
    for i in range(article.pages):
        number = article.first_page + i
        if number > 0:
            writer.newPage()
        painter.save()
        painter.translate(body.left(), body.top() - i * body.height())
        doc.drawContents(painter, QRectF(0, i * body.height(), body.width(), body.height()))
        painter.restore()
        if i > 0:
            _paint_header(painter, page, article.outlet, article.title)
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


def _paint_header(painter: QPainter, page: _Page, outlet: str, title: str) -> None:
    """Outlet left, title right, a hairline under both; not on an article's first page,
    where the title itself stands."""
    body = page.body
    painter.save()
    metrics = _running_metrics(painter)
    gap = metrics.averageCharWidth() * 4
    outlet = metrics.elidedText(outlet, Qt.TextElideMode.ElideRight, body.width() / 3)
    title = metrics.elidedText(title, Qt.TextElideMode.ElideRight,
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


def _remove(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()


def _append_outline_and_subject(fh: BinaryIO, outline: Sequence[tuple[str, int]],
                                subject: str) -> None:
    """Append the outline and Subject update to the PDF in ``fh`` (open for reading and
    writing); the PDF is mapped, not read, so only the objects the update changes are."""
    fh.seek(0, os.SEEK_END)
    with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as pdf:
        update = outline_update(pdf, outline, subject)
    fh.write(update)


# --- outline and Subject: one incremental update -----------------------------------------------


def outline_update(pdf: _Pdf, outline: Sequence[tuple[str, int]], subject: str) -> bytes:
    """What to append to ``pdf`` (as QPdfWriter wrote it) to add an outline and a Subject:
    one incremental update.

    Args:
        pdf: the complete PDF, as bytes or mapped from its file.
        outline: (title, 0-based page index) per entry, in order.
        subject: the Info ``/Subject`` (and XMP ``dc:description``).

    Every string is written as a UTF-16 hex string, so no text can alter the PDF's syntax.
    """
    trailer = _last_trailer(pdf)
    size = int(_match(rb"/Size\s+(\d+)", trailer))
    root = int(_match(rb"/Root\s+(\d+)\s+0\s+R", trailer))
    info = int(_match(rb"/Info\s+(\d+)\s+0\s+R", trailer))
    ids = _match(rb"(/ID\s*\[[^\]]*\])", trailer)
    prev = int(_match(rb"startxref\s+(\d+)", pdf[_rindex(pdf, b"startxref"):]))
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
    return _update(pdf, objects, new_size=new_size, root=root, info=info, ids=ids, prev=prev)


def _update(pdf: _Pdf, objects: dict[int, bytes], *, new_size: int, root: int, info: int,
            ids: bytes, prev: int) -> bytes:
    """The update's bytes; its offsets count from the start of ``pdf``."""
    out = bytearray()
    if pdf[-1:] != b"\n":
        out += b"\n"
    start = len(pdf)
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = start + len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = start + len(out)
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


def _index(pdf: _Pdf, sub: bytes, start: int = 0) -> int:
    """``bytes.index`` for bytes and mmap alike (mmap has ``find`` only)."""
    at = pdf.find(sub, start)
    if at < 0:
        raise ValueError(f"unexpected PDF structure: no {sub!r}")
    return at


def _rindex(pdf: _Pdf, sub: bytes) -> int:
    at = pdf.rfind(sub)
    if at < 0:
        raise ValueError(f"unexpected PDF structure: no {sub!r}")
    return at


def _match(pattern: bytes, data: bytes) -> bytes:
    found = re.search(pattern, data)
    if found is None:
        raise ValueError(f"unexpected PDF structure: no {pattern!r}")
    return found.group(1)


def _last_trailer(pdf: _Pdf) -> bytes:
    start = _rindex(pdf, b"trailer")
    return pdf[start:_index(pdf, b">>", start) + 2]


def _xref_offsets(pdf: _Pdf, at: int) -> dict[int, int]:
    """Object number -> byte offset, from the classic cross-reference table at ``at``."""
    if pdf[at:at + 4] != b"xref":
        raise ValueError("unexpected PDF structure: no xref table at startxref")
    offsets: dict[int, int] = {}
    lines = iter(pdf[at + 4:_index(pdf, b"trailer", at)].split())
    for first in lines:
        count = int(next(lines))
        for number in range(int(first), int(first) + count):
            offset, _generation, kind = next(lines), next(lines), next(lines)
            if kind == b"n":
                offsets[number] = int(offset)
    return offsets


def _object(pdf: _Pdf, table: dict[int, int], number: int) -> bytes:
    """The text between ``N 0 obj`` and ``endobj``."""
    start = table.get(number)
    header = b"%d 0 obj" % number
    if start is None or pdf[start:start + len(header)] != header:
        raise ValueError(f"unexpected PDF structure: no object {number}")
    body_start = start + len(header)
    return pdf[body_start:_index(pdf, b"endobj", body_start)].strip()


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
