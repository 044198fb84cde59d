"""The reader: ``ReaderView(QTextBrowser)`` shows one article, plus its find bar.

``ReaderView`` owns ``loadResource``: it serves ``archive:image/<id>`` from the archive and a
placeholder image for anything else, so Qt never reads a file or URL named in a document
(the stock ``QTextBrowser`` would read ``file:`` paths itself). Links are never followed by
Qt: ``anchorClicked`` turns ``broadsheet:`` links into signals and ignores everything else.
The article HTML comes from ``textdoc.build_document`` (which calls ``render.py``); nothing
here builds markup from seed text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import (
    QColor,
    QFontInfo,
    QKeySequence,
    QPalette,
    QShortcut,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.data.archive import Archive
from desktop.override import override
from desktop.typography import BODY_POINT_SIZE, PALETTES, READING_WIDTH_EM
from desktop.ui.lazyqt import Qt

if TYPE_CHECKING:
    # Imported where they are used (articles, images, find): the window's first paint shows
    # only a short message, and each PySide6 class costs its Python enums when first used.
    from PySide6.QtCore import QRegularExpression, QUrl
    from PySide6.QtGui import QImage, QResizeEvent, QTextCursor

    from desktop.data.article import ArchivedArticle
    from desktop.render import RenderOptions

MAX_MATCHES = 10_000
"""Find stops counting here; the label then reads "k of 10000+"."""

ZOOM_STEP = 1.0
"""Points added or removed per zoom step."""

ZOOM_LIMITS = (-5, 12)
"""The smallest and largest zoom step."""

MIN_SIDE_MARGIN = 24
"""Pixels kept left and right of the text when the window is narrower than the column."""

TOP_MARGIN = 28

MATCH_COLOURS = {"light": ("#fff0a8", "#f5a623"), "dark": ("#5a4a1a", "#c77d12")}
"""(every match, current match) backgrounds per theme."""


def _placeholder_image() -> QImage:
    from PySide6.QtGui import QImage

    image = QImage(QSize(16, 16), QImage.Format.Format_ARGB32)
    image.fill(QColor(128, 128, 128, 60))
    return image


class ReaderView(QTextBrowser):
    """The article reader: book-like column, zoom, find with every match highlighted.

    Signals:
        gallery_requested(int, int): a ``broadsheet:gallery/<k>/<n>`` link was clicked.
        source_requested(): the source URL link (``broadsheet:source``) was clicked.
        find_status_changed(int, int): current match (1-based, 0 for none) and match count.
        zoom_changed(int): the zoom step after a zoom in, out or reset.
    """

    gallery_requested = Signal(int, int)
    source_requested = Signal()
    find_status_changed = Signal(int, int)
    zoom_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Article reader")
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self._archive: Archive | None = None
        self._theme = "light"
        self._zoom = 0
        self._matches: list[QTextCursor] = []
        self._current = -1
        self._placeholder: QImage | None = None  # made when a document first asks
        # The message shown (text, theme), so the same one is not rendered again; None while
        # an article (or nothing yet) is shown.
        self._message: tuple[str, str] | None = None
        # Whether the document shown is one this view installed (and so deletes when it
        # installs the next). Tracked here rather than asked with ``document().parent()``:
        # the default document's parent is a private Qt class, and wrapping it the first time
        # costs PySide6 tens of milliseconds before the first paint.
        self._owns_document = False
        self.anchorClicked.connect(self._on_self_anchor_clicked)
        self.show_message("")

    # -- content -----------------------------------------------------------------------------

    def show_article(
        self, record: ArchivedArticle, archive: Archive, options: RenderOptions
    ) -> None:
        """Show ``record`` rendered with ``options``; the view scrolls to the top."""
        from desktop.textdoc import build_document

        self._archive = archive
        self._theme = "dark" if options.theme == "dark" else "light"
        self._message = None
        self._install(build_document(record, archive, options))

    def show_message(self, text: str, theme: str = "light") -> None:
        """Show a short plain-text message (nothing opened yet) instead of an article.

        The message already shown, in the same theme, is not rendered again.
        """
        theme = "dark" if theme == "dark" else "light"
        if self._message == (text, theme):
            return
        self._theme = theme
        self._message = (text, theme)
        doc = QTextDocument()
        doc.setPlainText(text)
        self._install(doc)

    def _install(self, doc: QTextDocument) -> None:
        # The document's parent must be this view: QTextDocument asks its parent's
        # loadResource and, when there is no parent, reads files itself.
        doc.setParent(self)
        old = self.document()
        # The first (default) document belongs to the text control, which deletes it itself.
        ours = self._owns_document and old is not doc
        self._owns_document = True
        self._matches = []
        self._current = -1
        self.setDocument(doc)
        if ours:
            # The previous article's text, layout and image resources are released now; the
            # emptied object goes when control is back in the event loop (it may be the one
            # whose signal brought us here). Only the shown article is kept in memory.
            old.clear()
            old.deleteLater()
        self._apply_colours()
        self._apply_zoom()
        self._update_margins()
        self.setExtraSelections([])
        self.verticalScrollBar().setValue(0)

    def _apply_colours(self) -> None:
        colours = PALETTES[self._theme]
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(colours.background))
        palette.setColor(QPalette.ColorRole.Text, QColor(colours.text))
        self.setPalette(palette)
        # The viewport fills its background with the Base colour already (QAbstractScrollArea
        # sets it up so).

    # -- resources and links -----------------------------------------------------------------

    @override
    def loadResource(self, type: int, name: QUrl | str) -> Any:  # noqa: A002 - Qt's name
        """Serve ``archive:image/<id>`` from the archive; a placeholder image for anything else.

        Never returns None and never calls the base class: both would let Qt read the file.
        """
        from PySide6.QtCore import QUrl

        url = QUrl(name) if isinstance(name, str) else name
        image = self._archive_image(url)
        if image is not None:
            return image
        if self._placeholder is None:
            self._placeholder = _placeholder_image()
        return self._placeholder

    def _archive_image(self, url: QUrl) -> QImage | None:
        if url.scheme() != "archive" or self._archive is None:
            return None
        path = url.path()
        if not path.startswith("image/") or not path[6:].isdigit():
            return None
        data = self._archive.image(int(path[6:]))
        if not data:
            return None
        from PySide6.QtGui import QImage

        image = QImage.fromData(data)
        return None if image.isNull() else image

    def _on_self_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() != "broadsheet":
            if not url.scheme() and url.fragment():
                self.scrollToAnchor(url.fragment())
            return
        parts = url.path().split("/")
        if parts == ["source"]:
            self.source_requested.emit()
        elif len(parts) == 3 and parts[0] == "gallery" and all(p.isdigit() for p in parts[1:]):
            self.gallery_requested.emit(int(parts[1]), int(parts[2]))

    # -- layout and zoom ---------------------------------------------------------------------

    @property
    def zoom(self) -> int:
        return self._zoom

    def zoom_percent(self) -> int:
        """The body text size against the unzoomed size, in percent."""
        return round(100 * (BODY_POINT_SIZE + self._zoom * ZOOM_STEP) / BODY_POINT_SIZE)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom + 1)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom - 1)

    def zoom_reset(self) -> None:
        self.set_zoom(0)

    def set_zoom(self, step: int) -> None:
        step = max(ZOOM_LIMITS[0], min(ZOOM_LIMITS[1], step))
        if step == self._zoom:
            return
        self._zoom = step
        self._apply_zoom()
        self._update_margins()
        self.zoom_changed.emit(step)

    def _apply_zoom(self) -> None:
        doc = self.document()
        font = doc.defaultFont()
        font.setPointSizeF(BODY_POINT_SIZE + self._zoom * ZOOM_STEP)
        doc.setDefaultFont(font)

    def _column_width(self) -> int:
        """The text column: ``READING_WIDTH_EM`` ems of the body font at the current zoom."""
        return READING_WIDTH_EM * QFontInfo(self.document().defaultFont()).pixelSize()

    def _update_margins(self) -> None:
        doc = self.document()
        side = max(MIN_SIDE_MARGIN, (self._viewport_width() - self._column_width()) // 2)
        frame = doc.rootFrame()
        fmt = frame.frameFormat()
        if fmt.leftMargin() == side and fmt.topMargin() == TOP_MARGIN:
            return
        fmt.setLeftMargin(side)
        fmt.setRightMargin(side)
        fmt.setTopMargin(TOP_MARGIN)
        fmt.setBottomMargin(TOP_MARGIN * 2)
        frame.setFrameFormat(fmt)

    def _viewport_width(self) -> int:
        """The viewport's width, worked out without ``viewport()``.

        The first ``viewport()`` call of a process costs PySide6 about 20 ms (it resolves the
        viewport's class among every QtWidgets class not loaded yet), and the reader would
        pay it before the window's first paint.
        """
        width = self.maximumViewportSize().width()
        bar = self.verticalScrollBar()
        # maximumViewportSize() counts a shown bar's room unless the bar is always on; the
        # reader keeps Qt's default policy (as needed), so a shown bar takes its width here.
        if bar.isVisibleTo(self):
            width -= bar.width()
        return width

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_margins()

    def text_column_width(self) -> float:
        """Width of the laid-out text column in pixels (for checks and tests)."""
        fmt = self.document().rootFrame().frameFormat()
        return self.document().textWidth() - fmt.leftMargin() - fmt.rightMargin()

    # -- find --------------------------------------------------------------------------------

    def find_text(self, text: str) -> int:
        """Highlight every case-insensitive match of ``text``; select the first. Returns n."""
        if not text:
            self._set_matches([])
            return 0
        from PySide6.QtCore import QRegularExpression

        pattern = QRegularExpression(
            QRegularExpression.escape(text),
            QRegularExpression.PatternOption.CaseInsensitiveOption,
        )
        return self._set_matches(self._find_all(pattern))

    def find_highlighted(self) -> int:
        """Make the renderer's highlighted words (search hits) the matches; select the first."""
        from PySide6.QtGui import QTextCursor

        wanted = QColor(PALETTES[self._theme].highlight)
        found: list[QTextCursor] = []
        block = self.document().begin()
        while block.isValid() and len(found) < MAX_MATCHES:
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.isValid() and fragment.charFormat().background().color() == wanted:
                    cursor = QTextCursor(self.document())
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    found.append(cursor)
                it += 1
            block = block.next()
        return self._set_matches(found)

    def _find_all(self, pattern: QRegularExpression) -> list[QTextCursor]:
        doc = self.document()
        found: list[QTextCursor] = []
        cursor = doc.find(pattern, 0)
        while not cursor.isNull() and len(found) < MAX_MATCHES:
            if cursor.hasSelection():
                found.append(cursor)
            cursor = doc.find(pattern, cursor)
        return found

    def _set_matches(self, matches: list[QTextCursor]) -> int:
        self._matches = matches
        self._current = 0 if matches else -1
        self._show_current()
        return len(matches)

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self._matches:
            return
        self._current = (self._current + delta) % len(self._matches)
        self._show_current()

    def clear_find(self) -> None:
        self._set_matches([])

    def find_status(self) -> tuple[int, int]:
        """(current match, 1-based or 0 for none; number of matches)."""
        return self._current + 1, len(self._matches)

    def _show_current(self) -> None:
        from PySide6.QtGui import QTextCharFormat, QTextCursor

        every, current = MATCH_COLOURS[self._theme]
        selections = []
        for i, cursor in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(current if i == self._current else every))
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)
        if self._matches:
            target = QTextCursor(self._matches[self._current])
            target.setPosition(target.selectionStart())
            self.setTextCursor(target)
            self.ensureCursorVisible()
        self.find_status_changed.emit(*self.find_status())


def find_label(k: int, n: int) -> str:
    """The find bar's count: "3 of 12", "No matches", "1 of 10000+"."""
    if n == 0:
        return "No matches"
    more = "+" if n >= MAX_MATCHES else ""
    return f"{k} of {n:,}{more}"


class FindBar(QWidget):
    """Find in article: a text field, "k of n", previous/next and close (Esc).

    Signals:
        closed(): the bar was closed (Esc or the close button).
    """

    closed = Signal()

    def __init__(self, reader: ReaderView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Find in article")
        self.field.setAccessibleName("Find in article")
        self.field.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setMinimumWidth(90)
        self.previous_button = self._button("Previous match", "↑")
        self.next_button = self._button("Next match", "↓")
        self.close_button = self._button("Close find bar", "✕")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count_label)
        for button in (self.previous_button, self.next_button, self.close_button):
            layout.addWidget(button)
        self._connect_signals()
        self.hide()

    def _button(self, name: str, text: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(name)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        return button

    def _connect_signals(self) -> None:
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.returnPressed.connect(self._reader.find_next)
        self.previous_button.clicked.connect(self._reader.find_previous)
        self.next_button.clicked.connect(self._reader.find_next)
        self.close_button.clicked.connect(self.close_bar)
        self._reader.find_status_changed.connect(self._on_reader_find_status_changed)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_bar)
        back = QShortcut(QKeySequence("Shift+Return"), self.field)
        back.setContext(Qt.ShortcutContext.WidgetShortcut)
        back.activated.connect(self._reader.find_previous)

    def open_bar(self) -> None:
        """Show the bar with its text selected, and search again for that text."""
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        if self.field.text():
            self._reader.find_text(self.field.text())

    def show_hits(self, label: str) -> None:
        """Show the bar for search hits already marked in the reader (``find_highlighted``)."""
        self.field.blockSignals(True)
        self.field.setText(label)
        self.field.blockSignals(False)
        self.show()
        self._on_reader_find_status_changed(*self._reader.find_status())

    def close_bar(self) -> None:
        self.hide()
        self._reader.clear_find()
        self._reader.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def _on_field_text_changed(self, text: str) -> None:
        self._reader.find_text(text)

    def _on_reader_find_status_changed(self, k: int, n: int) -> None:
        self.count_label.setText(find_label(k, n) if self.field.text() else "")


class ReaderPane(QWidget):
    """The reader with its find bar above it: what the Reader tab shows.

    The find bar starts hidden, so it is built the first time it is asked for (``find_bar``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = ReaderView(self)
        self._find_bar: FindBar | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.reader, 1)

    @property
    def find_bar(self) -> FindBar:
        """The find bar above the reader, built (hidden) on first use."""
        if self._find_bar is None:
            self._find_bar = FindBar(self.reader, self)
            self._layout.insertWidget(0, self._find_bar)
        return self._find_bar

    def find_bar_is_visible(self) -> bool:
        """Whether the find bar is shown (False while it has not been built)."""
        return self._find_bar is not None and self._find_bar.isVisible()

