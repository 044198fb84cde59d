"""The gallery grid and its lightbox: every photo of the open article's galleries, as cards.

Lives here: ``GalleryModel`` (one row per photo across all galleries of an article, images
decoded lazily and cached as thumbnails), ``GalleryDelegate`` (paints a card: the image or a
designed placeholder tile, the caption elided to two lines, the credit), ``GalleryView`` (the
grid, its header and empty state; the "Gallery" tab of the main window) and ``LightboxDialog``
(one photo large, with its full caption).

Must not live here: archive queries (the view is handed an object with ``image(id)``), markup
built from seed text (it is drawn, or set on plain-text labels; only the tooltip is rich text,
and it is escaped) and main-window wiring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from html import escape
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QImageReader,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.data.article import ArchivedArticle, GalleryItem
from desktop.errors import BroadsheetError
from desktop.override import override

ModelIndex = QModelIndex | QPersistentModelIndex

THUMB_SIZE = QSize(480, 320)
"""Decoded thumbnails cover this box (twice the largest card tile, for high-DPI screens)."""
LIGHTBOX_MAX_SIDE = 4096
"""The lightbox decodes an image at most this many pixels on its longer side."""
MAX_IMAGE_BYTES = 256 * 1024 * 1024
"""Images that would take more memory than this once decoded are skipped (Qt's own limit)."""

TILE_ASPECT = 2 / 3
"""Tile height as a fraction of its width (a 3:2 landscape frame, the common press shape)."""
LIGHTBOX_TILE = QSize(780, 520)
"""The largest placeholder tile the lightbox shows (a bigger one is only emptier)."""
LIGHTBOX_MARGIN = 18
LIGHTBOX_CAPTION_LINES = 8
"""A longer caption scrolls in the lightbox."""
LIGHTBOX_CAPTION_CHARS = 5000
"""A caption is shown up to this many characters: seeds are untrusted, and laying out a
megabyte in a label would freeze the window. Real captions are a few hundred characters."""
CARD_MIN_WIDTH = 188
CARD_MAX_WIDTH = 380
CARD_PADDING = 8
CARD_SPACING = 12
CAPTION_LINES = 2
CREDIT_GAP = 5


class ImageSource(Protocol):
    """What the gallery needs of the archive: the bytes of a stored image, if any."""

    def image(self, image_id: int) -> bytes | None: ...


class GalleryRole(IntEnum):
    """Custom roles of ``GalleryModel`` (``DisplayRole`` is the caption)."""

    GALLERY_INDEX = Qt.ItemDataRole.UserRole + 1
    NUMBER = Qt.ItemDataRole.UserRole + 2
    TOTAL = Qt.ItemDataRole.UserRole + 3
    LABEL = Qt.ItemDataRole.UserRole + 4
    CAPTION = Qt.ItemDataRole.UserRole + 5
    CREDIT = Qt.ItemDataRole.UserRole + 6
    GALLERY_TITLE = Qt.ItemDataRole.UserRole + 7
    HAS_IMAGE = Qt.ItemDataRole.UserRole + 8


@dataclass(frozen=True)
class Photo:
    """One row of the model: a gallery item with the gallery it belongs to."""

    gallery_index: int
    gallery_title: str | None
    total: int
    item: GalleryItem

    @property
    def label(self) -> str:
        """The photo's number as the gallery prints it, ``"3/28"``."""
        return f"{self.item.n}/{self.total}"

    @property
    def accessible_text(self) -> str:
        credit = f" Credit: {self.item.credit}." if self.item.credit else ""
        return f"Photo {self.item.n} of {self.total}. {self.item.caption}{credit}"


def photos_of(record: ArchivedArticle | None) -> list[Photo]:
    """Every photo of the article's galleries, in reading order."""
    if record is None:
        return []
    photos: list[Photo] = []
    for index, gallery in enumerate(record.article.galleries):
        total = max(gallery.total, len(gallery.items))
        photos.extend(Photo(index, gallery.title, total, item) for item in gallery.items)
    return photos


def gallery_heading(title: str | None) -> str:
    """``"In pictures: T"`` for a gallery title, whether or not the seed kept the prefix."""
    if not title:
        return "In pictures"
    if title.casefold().startswith("in pictures"):
        return title
    return f"In pictures: {title}"


def header_text(photos: list[Photo]) -> str:
    """The grid's header: ``"In pictures: Mosul offensive — 28 photos"``."""
    titles: list[str] = []
    for photo in photos:
        heading = gallery_heading(photo.gallery_title)
        if heading not in titles:
            titles.append(heading)
    count = f"{len(photos)} photo" + ("" if len(photos) == 1 else "s")
    return f"{' · '.join(titles)} — {count}"


def decode_image(data: bytes, bound: QSize | None = None) -> QImage | None:
    """Decode image bytes; None when they are not a readable image.

    Args:
        data: the stored bytes (untrusted: any format, any claimed size).
        bound: when given, decode scaled down so that the image just covers this box
            (``KeepAspectRatioByExpanding``); never scaled up.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if not size.isValid() or size.width() * size.height() * 4 > MAX_IMAGE_BYTES:
        return None
    if bound is not None and (size.width() > bound.width() or size.height() > bound.height()):
        reader.setScaledSize(size.scaled(bound, Qt.AspectRatioMode.KeepAspectRatioByExpanding))
    image = reader.read()
    return None if image.isNull() else image


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """The colour ``t`` of the way from ``a`` to ``b`` (0 is ``a``)."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


_ROLE_VALUES: dict[int, Callable[[Photo], Any]] = {
    Qt.ItemDataRole.DisplayRole: lambda p: p.item.caption,
    GalleryRole.CAPTION: lambda p: p.item.caption,
    GalleryRole.CREDIT: lambda p: p.item.credit,
    GalleryRole.LABEL: lambda p: p.label,
    GalleryRole.NUMBER: lambda p: p.item.n,
    GalleryRole.TOTAL: lambda p: p.total,
    GalleryRole.GALLERY_INDEX: lambda p: p.gallery_index,
    GalleryRole.GALLERY_TITLE: lambda p: p.gallery_title,
    GalleryRole.HAS_IMAGE: lambda p: p.item.image_id is not None,
    Qt.ItemDataRole.AccessibleTextRole: lambda p: p.accessible_text,
    Qt.ItemDataRole.ToolTipRole: lambda p: _tooltip(p),
}
"""What each text role of ``GalleryModel`` shows of a photo."""


class GalleryModel(QAbstractListModel):
    """One row per photo across all galleries of an article.

    ``DecorationRole`` is a thumbnail ``QPixmap`` when the archive holds the image, else None.
    The first request schedules the decode and returns None; when it is done the thumbnail is
    cached and ``dataChanged`` is emitted for that one index (STYLE §5.8).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._photos: list[Photo] = []
        self._archive: ImageSource | None = None
        self._thumbs: dict[int, QPixmap | None] = {}
        self._pending: set[int] = set()

    def set_article(self, record: ArchivedArticle | None, archive: ImageSource | None) -> None:
        """Show the photos of ``record`` (None: no article), images read from ``archive``."""
        self.beginResetModel()
        self._photos = photos_of(record)
        self._archive = archive
        self._thumbs = {}
        self._pending = set()
        self.endResetModel()

    def photo(self, row: int) -> Photo:
        return self._photos[row]

    def row_of(self, gallery_index: int, n: int) -> int | None:
        """The row of photo ``n`` of gallery ``gallery_index``, or None when there is none."""
        for row, photo in enumerate(self._photos):
            if photo.gallery_index == gallery_index and photo.item.n == n:
                return row
        return None

    def image(self, row: int, bound: QSize | None = None) -> QImage | None:
        """Decode the image of ``row`` now (not cached); None when the archive has none."""
        image_id = self._photos[row].item.image_id
        if image_id is None or self._archive is None:
            return None
        try:
            data = self._archive.image(image_id)
        except BroadsheetError:
            return None
        return decode_image(data, bound) if data else None

    @override
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._photos)

    @override
    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemNeverHasChildren

    @override
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._photos):
            return None
        photo = self._photos[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(index.row())
        return self._text_data(photo, role)

    def _text_data(self, photo: Photo, role: int) -> Any:
        value = _ROLE_VALUES.get(role)
        return value(photo) if value is not None else None

    def _thumbnail(self, row: int) -> QPixmap | None:
        if row in self._thumbs:
            return self._thumbs[row]
        if self._photos[row].item.image_id is not None and row not in self._pending:
            if not self._pending:
                QTimer.singleShot(0, self, self._decode_pending)
            self._pending.add(row)
        return None

    def _decode_pending(self) -> None:
        rows, self._pending = sorted(self._pending), set()
        for row in rows:
            if row >= len(self._photos) or row in self._thumbs:
                continue
            image = self.image(row, THUMB_SIZE)
            self._thumbs[row] = QPixmap.fromImage(image) if image is not None else None
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


def _tooltip(photo: Photo) -> str:
    """The full caption as a tooltip; escaped, because Qt guesses tooltips' format."""
    credit = f"<br><i>{escape(photo.item.credit)}</i>" if photo.item.credit else ""
    return f"<p>{escape(photo.label)} — {escape(photo.item.caption)}{credit}</p>"


def elide_lines(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """Wrap ``text`` to ``width`` pixels; the last of at most ``max_lines`` lines is elided."""
    if not text or width <= 0 or max_lines <= 0:
        return []
    # Only what can show is laid out (no glyph is under 2 px wide): a megabyte caption
    # costs no more than a short one.
    text = " ".join(text.split())[: max_lines * width // 2 + 1]
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    lines: list[str] = []
    end = 0
    while len(lines) < max_lines - 1:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        end = line.textStart() + line.textLength()
        lines.append(text[line.textStart() : end].rstrip())
    layout.endLayout()
    rest = text[end:].strip()
    if rest:
        lines.append(QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return lines


def _scaled_font(font: QFont, factor: float) -> QFont:
    """A copy of ``font``, ``factor`` times its size."""
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * factor)
    else:
        scaled.setPixelSize(max(8, round(font.pixelSize() * factor)))
    return scaled


def _small_font(font: QFont) -> QFont:
    """The size of credits and numbers under a caption."""
    return _scaled_font(font, 0.86)


def _camera_path(box: QRectF) -> QPainterPath:
    """A simple camera outline filling ``box`` (aspect 1 : 0.82): body, viewfinder, lens."""
    w = box.width()
    body = QRectF(box.left(), box.top() + w * 0.14, w, w * 0.68)
    path = QPainterPath()
    path.addRoundedRect(body, w * 0.12, w * 0.12)
    hump = QRectF(box.left() + w * 0.26, box.top(), w * 0.32, w * 0.16)
    path.addRoundedRect(hump, w * 0.04, w * 0.04)
    path.addEllipse(body.center(), w * 0.22, w * 0.22)
    path.addEllipse(body.center(), w * 0.09, w * 0.09)
    return path


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def paint_placeholder(
    painter: QPainter, rect: QRectF, palette: QPalette, label: str, credit: str | None
) -> None:
    """The designed tile of a photo the archive has no image for.

    A soft tile tinted from the palette's highlight, a camera glyph, the number ``"n/N"``
    large and the credit small beneath it, as one centred group. Works in light and dark
    palettes alike, from a grid card up to the lightbox.
    """
    base = palette.color(QPalette.ColorRole.Base)
    accent = palette.color(QPalette.ColorRole.Highlight)
    text = palette.color(QPalette.ColorRole.Text)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    radius = _clamp(rect.height() * 0.04, 4, 10)
    painter.setPen(QPen(_mix(base, accent, 0.28), 1))
    painter.setBrush(_mix(base, accent, 0.14))
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)

    unit = rect.height()
    glyph_w = _clamp(min(unit * 0.26, rect.width() * 0.3), 18, 96)
    number_px = round(_clamp(unit * 0.17, 12, 52))
    credit_px = round(_clamp(unit * 0.085, 9, 14))
    gap = _clamp(unit * 0.05, 3, 18)
    heights = [glyph_w * 0.82, gap, number_px * 1.3]
    if credit:
        heights += [gap * 0.4, credit_px * 1.5]
    top = rect.center().y() - sum(heights) / 2

    pen = QPen(_mix(base, accent, 0.62), _clamp(unit * 0.014, 1.5, 3))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(_camera_path(QRectF(rect.center().x() - glyph_w / 2, top, glyph_w, glyph_w)))
    top += heights[0] + heights[1]

    number_font = QFont(painter.font())
    number_font.setPixelSize(number_px)
    number_font.setWeight(QFont.Weight.DemiBold)
    painter.setFont(number_font)
    painter.setPen(_mix(text, accent, 0.35))
    painter.drawText(QRectF(rect.left(), top, rect.width(), heights[2]),
                     Qt.AlignmentFlag.AlignCenter, label)
    if credit:
        top += heights[2] + heights[3]
        credit_font = QFont(painter.font())
        credit_font.setPixelSize(credit_px)
        credit_font.setWeight(QFont.Weight.Normal)
        credit_font.setCapitalization(QFont.Capitalization.AllUppercase)
        credit_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 110)
        painter.setFont(credit_font)
        painter.setPen(_mix(text, base, 0.40))
        credit_box = QRectF(rect.left() + 6, top, rect.width() - 12, heights[4])
        elided = QFontMetrics(credit_font).elidedText(
            credit, Qt.TextElideMode.ElideRight, int(credit_box.width())
        )
        painter.drawText(credit_box, Qt.AlignmentFlag.AlignCenter, elided)
    painter.restore()


def paint_cover(painter: QPainter, rect: QRectF, pixmap: QPixmap, radius: float) -> None:
    """Draw ``pixmap`` filling ``rect`` (centre-cropped), clipped to rounded corners."""
    scale = max(rect.width() / pixmap.width(), rect.height() / pixmap.height())
    src_w, src_h = rect.width() / scale, rect.height() / scale
    source = QRectF((pixmap.width() - src_w) / 2, (pixmap.height() - src_h) / 2, src_w, src_h)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    clip = QPainterPath()
    clip.addRoundedRect(rect, radius, radius)
    painter.setClipPath(clip)
    painter.drawPixmap(rect, pixmap, source)
    painter.restore()


class GalleryDelegate(QStyledItemDelegate):
    """Paints a photo card: tile (image or placeholder), caption in two lines, credit.

    The card width is set by ``GalleryView`` to fill the grid's columns evenly.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._card_width = CARD_MIN_WIDTH

    def card_width(self) -> int:
        return self._card_width

    def set_card_width(self, width: int) -> None:
        self._card_width = max(CARD_MIN_WIDTH // 2, width)

    def card_size(self, font: QFont) -> QSize:
        """The size of one card for the view's font."""
        tile = self._tile_height()
        caption = QFontMetrics(font).lineSpacing() * CAPTION_LINES
        credit = QFontMetrics(_small_font(font)).lineSpacing()
        height = CARD_PADDING + tile + CARD_PADDING + caption + CREDIT_GAP + credit + CARD_PADDING
        return QSize(self._card_width, height)

    def _tile_height(self) -> int:
        return round((self._card_width - 2 * CARD_PADDING) * TILE_ASPECT)

    @override
    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        return self.card_size(option.font)

    @override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        font: QFont = option.font
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver)
        card = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5)
        self._paint_card(painter, card, palette, selected, hovered)

        inner = QRectF(rect).adjusted(CARD_PADDING, CARD_PADDING, -CARD_PADDING, -CARD_PADDING)
        tile = QRectF(inner.left(), inner.top(), inner.width(), self._tile_height())
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            paint_cover(painter, tile, pixmap, 5)
        else:
            paint_placeholder(
                painter, tile, palette,
                index.data(GalleryRole.LABEL), index.data(GalleryRole.CREDIT),
            )
        text_top = tile.bottom() + CARD_PADDING
        self._paint_text(painter, inner, text_top, index, palette, font, selected)

    def _paint_card(
        self, painter: QPainter, card: QRectF, palette: QPalette, selected: bool, hovered: bool
    ) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        accent = palette.color(QPalette.ColorRole.Highlight)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            fill, pen = _mix(base, accent, 0.12), QPen(accent, 2)
        elif hovered:
            fill, pen = _mix(base, text, 0.05), QPen(_mix(base, accent, 0.5), 1)
        else:
            fill, pen = _mix(base, text, 0.03), QPen(_mix(base, text, 0.13), 1)
        painter.setPen(pen)
        painter.setBrush(fill)
        inset = 1.0 if selected else 0.0
        painter.drawRoundedRect(card.adjusted(inset, inset, -inset, -inset), 8, 8)
        painter.restore()

    def _paint_text(
        self, painter: QPainter, inner: QRectF, top: float, index: ModelIndex,
        palette: QPalette, font: QFont, selected: bool,
    ) -> None:
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        width = int(inner.width())
        metrics = QFontMetrics(font)
        painter.save()
        painter.setFont(font)
        painter.setPen(text)
        y = top
        for line in elide_lines(index.data(GalleryRole.CAPTION) or "", font, width, CAPTION_LINES):
            painter.drawText(QRectF(inner.left(), y, width, metrics.lineSpacing()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
            y += metrics.lineSpacing()
        small = _small_font(font)
        small_metrics = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(_mix(text, base, 0.25 if selected else 0.42))
        credit_top = top + metrics.lineSpacing() * CAPTION_LINES + CREDIT_GAP
        footer = QRectF(inner.left(), credit_top, width, small_metrics.lineSpacing())
        label = index.data(GalleryRole.LABEL)
        painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        credit = index.data(GalleryRole.CREDIT)
        if credit:
            room = width - small_metrics.horizontalAdvance(label) - 12
            elided = small_metrics.elidedText(credit, Qt.TextElideMode.ElideRight, room)
            painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             elided)
        painter.restore()


class _PhotoCanvas(QWidget):
    """The lightbox's picture: the image fitted and centred, or a large placeholder tile."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._scaled = QPixmap()
        self._label = ""
        self._credit: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 160)

    def pixmap(self) -> QPixmap:
        """The photo shown; a null pixmap while the placeholder tile is shown."""
        return self._pixmap

    def set_photo(self, pixmap: QPixmap, label: str, credit: str | None) -> None:
        self._pixmap = pixmap
        self._scaled = QPixmap()
        self._label = label
        self._credit = credit
        self.update()

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        self._scaled = QPixmap()
        super().resizeEvent(event)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = QRectF(self.rect())
        if self._pixmap.isNull():
            tile = LIGHTBOX_TILE.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            tile = tile.boundedTo(LIGHTBOX_TILE)
            box = QRectF(0, 0, tile.width(), tile.height())
            box.moveCenter(area.center())
            paint_placeholder(painter, box, self.palette(), self._label, self._credit)
            return
        if self._scaled.isNull():
            self._scaled = self._fitted()
        box = QRectF(0, 0, self._scaled.width(), self._scaled.height())
        box.moveCenter(area.center())
        painter.drawPixmap(box.topLeft(), self._scaled)

    def _fitted(self) -> QPixmap:
        """The photo scaled to fit the canvas (never enlarged beyond twice its size)."""
        limit = self._pixmap.size() * 2
        target = limit.boundedTo(self.size()) if not limit.isEmpty() else self.size()
        return self._pixmap.scaled(
            self._pixmap.size().scaled(target, Qt.AspectRatioMode.KeepAspectRatio),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )


def _shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _plain_label(name: str, parent: QWidget) -> QLabel:
    """A label for seed text: plain text only, so ``<b>x</b>`` shows as typed."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(name)
    label.setObjectName(name.lower().replace(" ", "_"))
    return label


class LightboxDialog(QDialog):
    """One photo large: image or placeholder tile, full caption, credit, "n of N".

    Previous/Next buttons and the Left/Right arrow keys step through the photos; Esc closes.

    Signals:
        show_in_article(int): "Show in article" was pressed for a photo of this gallery
            index; the dialog closes.
        row_changed(int): the dialog now shows this model row.
    """

    show_in_article = Signal(int)
    row_changed = Signal(int)

    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._row = -1
        self.setObjectName("lightbox")
        self.setAccessibleName("Photo viewer")
        self.setSizeGripEnabled(True)
        self._build()
        self._add_arrow_keys()

    def _build(self) -> None:
        self._heading = _plain_label("Gallery title", self)
        self._heading.setWordWrap(False)
        heading_font = QFont(self.font())
        heading_font.setWeight(QFont.Weight.DemiBold)
        self._heading.setFont(heading_font)
        self._counter = QLabel(self)
        self._counter.setTextFormat(Qt.TextFormat.PlainText)
        self._counter.setAccessibleName("Photo number")
        self._counter.setObjectName("photo_number")
        self._counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._canvas = _PhotoCanvas(self)
        self._canvas.setAccessibleName("Photo")
        self._text_area = self._build_text()

        self._previous = QPushButton("◀  Previous", self)
        self._previous.setAccessibleName("Previous photo")
        self._previous.setAutoDefault(False)
        self._previous.clicked.connect(self.show_previous)
        self._next = QPushButton("Next  ▶", self)
        self._next.setAccessibleName("Next photo")
        self._next.setAutoDefault(False)
        self._next.clicked.connect(self.show_next)
        self._show_in_article = QPushButton("Show in article", self)
        self._show_in_article.setAccessibleName("Show in article")
        self._show_in_article.setAutoDefault(False)
        self._show_in_article.clicked.connect(self._on_show_in_article_clicked)
        close = QPushButton("Close", self)
        close.setAccessibleName("Close photo viewer")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self._heading, 1)
        top.addWidget(self._counter)
        buttons = QHBoxLayout()
        buttons.addWidget(self._previous)
        buttons.addWidget(self._next)
        buttons.addStretch(1)
        buttons.addWidget(self._show_in_article)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(LIGHTBOX_MARGIN, 14, LIGHTBOX_MARGIN, 14)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self._canvas, 1)
        layout.addWidget(self._text_area)
        layout.addSpacing(2)
        layout.addLayout(buttons)

    def _build_text(self) -> QScrollArea:
        """Caption and credit in a frameless scroll area: a long caption scrolls instead of
        stretching the dialog (a word too long to wrap scrolls sideways)."""
        self._caption = _plain_label("Caption", self)
        self._caption.setFont(_scaled_font(self.font(), 1.12))
        self._credit = _plain_label("Credit", self)
        self._credit.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._credit.setFont(_scaled_font(self.font(), 0.92))
        box = self._text_box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self._caption)
        column.addWidget(self._credit)
        area = QScrollArea(self)
        area.setObjectName("caption_area")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(box)
        return area

    def _fit_text_area(self) -> None:
        """Give the caption the height it needs, up to ``LIGHTBOX_CAPTION_LINES`` lines."""
        width = self.width() - 2 * LIGHTBOX_MARGIN
        box = self._text_box
        needed = box.heightForWidth(width) if box.hasHeightForWidth() else -1
        if needed < 0:
            needed = box.sizeHint().height()
        if box.minimumSizeHint().width() > width:  # an unbreakable word: room for the bar
            needed += self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        limit = QFontMetrics(self._caption.font()).lineSpacing() * LIGHTBOX_CAPTION_LINES
        self._text_area.setFixedHeight(min(needed, limit))

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_text_area()

    def _add_arrow_keys(self) -> None:
        # Actions, not keyPressEvent: a focused push button would take the arrow keys
        # for focus moves before the dialog saw them.
        keys = ((Qt.Key.Key_Left, self.show_previous), (Qt.Key.Key_Right, self.show_next))
        for key, slot in keys:
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def row(self) -> int:
        """The model row shown."""
        return self._row

    def caption_label(self) -> QLabel:
        return self._caption

    def credit_label(self) -> QLabel:
        return self._credit

    def counter_text(self) -> str:
        return self._counter.text()

    def pixmap(self) -> QPixmap:
        """The image shown; null while a placeholder tile stands in for it."""
        return self._canvas.pixmap()

    def show_row(self, row: int) -> None:
        """Show the photo of model row ``row``."""
        photo = self._model.photo(row)
        self._row = row
        image = self._model.image(row, QSize(LIGHTBOX_MAX_SIDE, LIGHTBOX_MAX_SIDE))
        pixmap = QPixmap.fromImage(image) if image is not None else QPixmap()
        self._canvas.set_photo(pixmap, photo.label, photo.item.credit)
        self._canvas.setAccessibleDescription(photo.accessible_text)
        heading = gallery_heading(photo.gallery_title)
        self._heading.setText(heading)
        self._counter.setText(f"{photo.item.n} of {photo.total}")
        self._caption.setText(_shortened(photo.item.caption, LIGHTBOX_CAPTION_CHARS))
        self._credit.setText(photo.item.credit or "")
        self._credit.setVisible(bool(photo.item.credit))
        self._text_area.verticalScrollBar().setValue(0)
        self._fit_text_area()
        self._previous.setEnabled(row > 0)
        self._next.setEnabled(row < self._model.rowCount() - 1)
        self.setWindowTitle(f"Photo {photo.item.n} of {photo.total} — {heading}")
        self.row_changed.emit(row)

    def show_previous(self) -> None:
        if self._row > 0:
            self.show_row(self._row - 1)

    def show_next(self) -> None:
        if 0 <= self._row < self._model.rowCount() - 1:
            self.show_row(self._row + 1)

    def _on_show_in_article_clicked(self) -> None:
        self.show_in_article.emit(self._model.photo(self._row).gallery_index)
        self.accept()


class _CameraGlyph(QWidget):
    """The camera of the placeholder tiles, drawn alone in a muted colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(72, 64)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        colour = _mix(palette.color(QPalette.ColorRole.Window),
                      palette.color(QPalette.ColorRole.WindowText), 0.35)
        pen = QPen(colour, 2.5)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPath(_camera_path(QRectF(4, 4, 64, 64 * 0.82)))


class _EmptyState(QWidget):
    """What the Gallery tab shows without photos: a glyph, one line, and a hint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gallery_empty")
        self._title = QLabel(self)
        self._title.setAccessibleName("No photos")
        self._title.setFont(_scaled_font(self.font(), 1.2))
        self._hint = QLabel(self)
        self._hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(_CameraGlyph(self), 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        for label in (self._title, self._hint):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addStretch(3)

    def text(self) -> str:
        return self._title.text()

    def set_text(self, title: str, hint: str) -> None:
        self._title.setText(title)
        self._hint.setText(hint)


class GalleryView(QWidget):
    """The "Gallery" tab: a header, a grid of photo cards, and an empty state.

    Enter or double-click on a card opens the lightbox (built on first use).

    Signals:
        show_in_article(int): the user asked to see this gallery (index in the article)
            in the reader.
    """

    show_in_article = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gallery_view")
        self.setAccessibleName("Gallery")
        self._model = GalleryModel(self)
        self._delegate = GalleryDelegate(self)
        self._lightbox: LightboxDialog | None = None
        self._build()
        self._connect_signals()
        self.set_article(None, None)

    def _build(self) -> None:
        self._header = QLabel(self)
        self._header.setObjectName("gallery_header")
        self._header.setAccessibleName("Gallery title")
        self._header.setTextFormat(Qt.TextFormat.PlainText)
        self._header.setWordWrap(True)
        header_font = _scaled_font(self.font(), 1.3)
        header_font.setWeight(QFont.Weight.DemiBold)
        self._header.setFont(header_font)
        self._list = self._build_grid()
        self._empty = _EmptyState(self)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._list)
        self._stack.addWidget(self._empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 6, 0)
        layout.setSpacing(10)
        layout.addWidget(self._header)
        layout.addWidget(self._stack, 1)
        self.setFocusProxy(self._list)

    def _build_grid(self) -> QListView:
        grid = QListView(self)
        grid.setObjectName("gallery_grid")
        grid.setAccessibleName("Gallery photos")
        grid.setViewMode(QListView.ViewMode.IconMode)
        grid.setMovement(QListView.Movement.Static)
        grid.setResizeMode(QListView.ResizeMode.Adjust)
        grid.setFlow(QListView.Flow.LeftToRight)
        grid.setWrapping(True)
        grid.setUniformItemSizes(True)
        grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        grid.setFrameShape(QListView.Shape.NoFrame)
        grid.setMouseTracking(True)
        grid.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)  # cards light up under the mouse
        grid.setModel(self._model)
        grid.setItemDelegate(self._delegate)
        return grid

    def _connect_signals(self) -> None:
        self._list.activated.connect(self._on_list_activated)

    def model(self) -> GalleryModel:
        return self._model

    def list_view(self) -> QListView:
        return self._list

    def lightbox(self) -> LightboxDialog | None:
        """The lightbox, once it has been opened."""
        return self._lightbox

    def is_empty(self) -> bool:
        """True while the empty state is shown instead of the grid."""
        return self._stack.currentWidget() is self._empty

    def header_text(self) -> str:
        return self._header.text()

    def empty_text(self) -> str:
        return self._empty.text()

    def set_article(self, record: ArchivedArticle | None, archive: ImageSource | None) -> None:
        """Show the photos of ``record``; ``archive`` supplies the images (None: no images)."""
        if self._lightbox is not None:
            self._lightbox.reject()
        self._model.set_article(record, archive)
        count = self._model.rowCount()
        if count:
            self._header.setText(header_text([self._model.photo(r) for r in range(count)]))
            self._list.setCurrentIndex(self._model.index(0, 0))
            self._list.scrollToTop()
        elif record is None:
            self._empty.set_text("No article is open", "Open an article to see its photos here.")
        else:
            self._empty.set_text(
                "This article has no photos",
                "When an article has a gallery, its photos appear here as cards.",
            )
        self._header.setVisible(count > 0)
        self._stack.setCurrentWidget(self._list if count else self._empty)

    def select_item(self, gallery_index: int, n: int) -> bool:
        """Select photo ``n`` of gallery ``gallery_index`` and scroll to it; False if absent."""
        row = self._model.row_of(gallery_index, n)
        if row is None:
            return False
        self._select_row(row)
        return True

    def open_lightbox(self, row: int) -> LightboxDialog:
        """Open the lightbox on model row ``row`` (window-modal, not blocking)."""
        if self._lightbox is None:
            self._lightbox = LightboxDialog(self._model, self)
            self._lightbox.show_in_article.connect(self.show_in_article)
            self._lightbox.row_changed.connect(self._on_lightbox_row_changed)
            window = self.window().size()
            self._lightbox.resize(
                QSize(900, 700).boundedTo(window * 0.9).expandedTo(QSize(560, 460))
            )
        self._lightbox.show_row(row)
        self._lightbox.open()
        self._lightbox.activateWindow()
        return self._lightbox

    def _select_row(self, row: int) -> None:
        index = self._model.index(row, 0)
        self._list.setCurrentIndex(index)
        self._list.scrollTo(index)

    def _on_list_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_lightbox(index.row())

    def _on_lightbox_row_changed(self, row: int) -> None:
        self._select_row(row)

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_cards()

    def _fit_cards(self) -> None:
        """Size the cards so that whole columns fill the grid's width.

        The scroll bar's width is always reserved, so showing or hiding it never changes
        the card size (which could otherwise flip the scroll bar back and forth).
        """
        scrollbar = self._list.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        available = self._stack.width() - 2 * self._list.frameWidth() - scrollbar - 2
        columns = max(1, (available - CARD_SPACING) // (CARD_MIN_WIDTH + CARD_SPACING))
        width = (available - CARD_SPACING * (columns + 1)) // columns
        self._delegate.set_card_width(min(CARD_MAX_WIDTH, width))
        card = self._delegate.card_size(self._list.font())
        self._list.setSpacing(0)
        self._list.setGridSize(card + QSize(CARD_SPACING, CARD_SPACING))
