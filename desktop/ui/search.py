"""Search as you type: the toolbar's search bar, its worker, and the results delegate.

Typing restarts a 150 ms single-shot timer (STYLE §5.3). Each query gets a generation number
and runs on a worker thread with its own read-only ``Archive`` connection (``reopen()``): first
``Archive.search_titles`` (titles only, the fast first page, delivered as ``titles_found``),
then ``Archive.search`` (the full ranked page, ``search_finished``), one after the other on the
same connection. A newer query interrupts the older ones (``Archive.interrupt()``) and results
of a stale generation, either page, are dropped. No input raises or opens a dialog:
``desktop.data.search`` quotes every word, and any failure is reported through
``search_failed`` as one quiet line.
No SQL here; the results model lives in ``models.py``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSignalBlocker,
    QSize,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.data.archive import Archive, QueryInterruptedError, SearchHit
from desktop.data.search import to_fts_query
from desktop.errors import BroadsheetError
from desktop.override import override
from desktop.ui.lazyqt import Qt
from desktop.ui.models import Role, section_label
from desktop.ui.tasks import run_in_background

if TYPE_CHECKING:
    # The event and painter only annotate overrides: PySide6 makes a class's Python type
    # (with its enums) when it is first touched, and QPainter's costs the first paint 2 ms.
    from PySide6.QtGui import QKeyEvent, QPainter

DEBOUNCE_MS = 150
RESULT_LIMIT = 100
ALL_OUTLETS = "All outlets"
ALL_SECTIONS = "All sections"


class SearchField(QLineEdit):
    """The search text; Down in it sends ``down_pressed`` (the window then moves to the
    results). A key handler, not a widget-context QShortcut: a shortcut's context is a ``Qt``
    enum, which is not built before the window's first paint (``lazyqt.py``)."""

    down_pressed = Signal()

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class SearchBar(QWidget):
    """The search field with outlet and section filters; runs queries off the GUI thread.

    Signals:
        titles_found(int, str, object): generation, query text and the titles-only
            ``list[SearchHit]`` (``Archive.search_titles``): the first page while the full one
            is still running. Not sent for a query that is answered at once (no words).
        search_finished(int, str, object): generation, query text and the full ranked
            ``list[SearchHit]`` (``Archive.search``); always after that generation's
            ``titles_found``.
        search_failed(str): a one-line reason the current query gave no results.
        search_cleared(): the field was emptied; the window goes back to the tree.
    """

    titles_found = Signal(int, str, object)
    search_finished = Signal(int, str, object)
    search_failed = Signal(str)
    search_cleared = Signal()

    def __init__(
        self, archive: Archive, outlets: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._generation = 0
        self._running: dict[int, Archive] = {}
        self._lock = threading.Lock()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        # Carries a worker's title page to the GUI thread (it lives here, so it is queued).
        self._relay = _TitlesRelay(self)
        self._relay.titles_found.connect(self._on_relay_titles_found)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self.field = SearchField(self)
        self.field.setPlaceholderText("Search the archive (Ctrl+K)")
        self.field.setAccessibleName("Search the archive")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(260)
        self.outlet_combo = QComboBox(self)
        self.outlet_combo.setAccessibleName("Search in outlet")
        self.outlet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.section_combo = QComboBox(self)
        self.section_combo.setAccessibleName("Search in section")
        self.section_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.outlet_combo)
        layout.addWidget(self.section_combo)
        self._fill_outlets(outlets)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.returnPressed.connect(self.run_now)
        self._timer.timeout.connect(self.run_now)
        self.outlet_combo.currentIndexChanged.connect(self._on_outlet_combo_changed)
        self.section_combo.currentIndexChanged.connect(self._on_section_combo_changed)

    # -- public ------------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """The number of the latest query; results of any other are stale."""
        return self._generation

    @property
    def query(self) -> str:
        return self.field.text()

    def set_archive(self, archive: Archive, outlets: list[str]) -> None:
        """Search ``archive`` (whose outlets are ``outlets``) from now on; clears the field."""
        self._archive = archive
        self.field.clear()
        self._fill_outlets(outlets)

    def search_now(self, text: str) -> None:
        """Put ``text`` in the field and run it at once (``--search``, tests)."""
        self.field.setText(text)
        self.run_now()

    def focus_field(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def run_now(self) -> None:
        """Run the current query (cancelling any older one) without waiting for the timer."""
        self._timer.stop()
        self._generation += 1
        self._interrupt_running()
        text = self.field.text()
        if not text.strip():
            self.search_cleared.emit()
            return
        if to_fts_query(text) is None:
            self.search_finished.emit(self._generation, text, [])
            return
        self._start(self._generation, text, *self.filters())

    def shutdown(self) -> None:
        """Cancel running queries and wait for the workers (when the window closes)."""
        self._generation += 1
        self._interrupt_running()
        self._pool.waitForDone(2000)

    # -- filters -----------------------------------------------------------------------------

    def filters(self) -> tuple[str | None, str | None]:
        """The outlet and section the search is limited to (None: all)."""
        outlet = self.outlet_combo.currentData()
        section = self.section_combo.currentData()
        return outlet, section

    def set_filters(self, outlet: str | None, section: str | None) -> None:
        """Limit the search to ``outlet`` and ``section`` (None: all) without running it;
        a filter this archive does not have falls back to all."""
        with QSignalBlocker(self.outlet_combo), QSignalBlocker(self.section_combo):
            self.outlet_combo.setCurrentIndex(max(0, self.outlet_combo.findData(outlet)))
            self._fill_sections(self.outlet_combo.currentData())
            self.section_combo.setCurrentIndex(max(0, self.section_combo.findData(section)))

    def _fill_outlets(self, outlets: list[str]) -> None:
        self.outlet_combo.blockSignals(True)
        self.outlet_combo.clear()
        self.outlet_combo.addItem(ALL_OUTLETS, None)
        for name in outlets:
            self.outlet_combo.addItem(name, name)
        self.outlet_combo.blockSignals(False)
        self._fill_sections(None)

    def _fill_sections(self, outlet: str | None) -> None:
        self.section_combo.blockSignals(True)
        self.section_combo.clear()
        self.section_combo.addItem(ALL_SECTIONS, None)
        if outlet is not None:
            try:
                for group in self._archive.sections(outlet):
                    if group.name:
                        self.section_combo.addItem(section_label(group.name), group.name)
            except BroadsheetError as exc:
                self.search_failed.emit(str(exc))
        self.section_combo.setEnabled(self.section_combo.count() > 1)
        self.section_combo.blockSignals(False)

    # -- slots -------------------------------------------------------------------------------

    def _on_field_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_outlet_combo_changed(self, _row: int) -> None:
        self._fill_sections(self.outlet_combo.currentData())
        if self.field.text().strip():
            self.run_now()

    def _on_section_combo_changed(self, _row: int) -> None:
        if self.field.text().strip():
            self.run_now()

    # -- the worker --------------------------------------------------------------------------

    def _start(self, generation: int, text: str, outlet: str | None, section: str | None) -> None:
        source, relay = self._archive, self._relay

        def work() -> list[SearchHit]:
            archive = source.reopen()
            with self._lock:
                self._running[generation] = archive
            try:
                if generation != self._generation:
                    return []
                titles = archive.search_titles(
                    text, limit=RESULT_LIMIT, outlet=outlet, section=section)
                relay.titles_found.emit(generation, text, titles)
                if generation != self._generation:
                    return []
                return archive.search(text, limit=RESULT_LIMIT, outlet=outlet, section=section)
            finally:
                with self._lock:
                    self._running.pop(generation, None)
                archive.close()

        run_in_background(
            work,
            lambda hits: self._on_worker_done(generation, text, hits),
            lambda exc: self._on_worker_failed(generation, exc),
            pool=self._pool,
        )

    def _interrupt_running(self) -> None:
        with self._lock:
            for generation, archive in self._running.items():
                if generation != self._generation:
                    archive.interrupt()

    def _on_relay_titles_found(self, generation: int, text: str, hits: list[SearchHit]) -> None:
        if generation == self._generation:
            self.titles_found.emit(generation, text, hits)

    def _on_worker_done(self, generation: int, text: str, hits: list[SearchHit]) -> None:
        if generation == self._generation:
            self.search_finished.emit(generation, text, hits)

    def _on_worker_failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation or isinstance(exc, QueryInterruptedError):
            return
        reason = exc.reason if isinstance(exc, BroadsheetError) else repr(exc)
        self.search_failed.emit(f"Search failed: {reason}")


class _TitlesRelay(QObject):
    """Hands a worker's title page to the GUI thread.

    Signals:
        titles_found(int, str, object): generation, query text and ``list[SearchHit]``.
    """

    titles_found = Signal(int, str, object)


class SearchHitDelegate(QStyledItemDelegate):
    """Paints a search hit: the title, "outlet · section", the snippet with matches in bold.

    Seed strings are escaped before they reach the rich text drawn here.
    """

    PADDING = 8

    def _document(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QTextDocument:
        import html  # here: results are painted after the window's first paint

        palette: QPalette = option.palette
        muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
        section = index.data(Role.SECTION) or ()
        meta = " · ".join(
            p for p in (index.data(Role.OUTLET), section_label("/".join(section))) if p
        )
        snippet = "".join(
            f"<b>{html.escape(text)}</b>" if matched else html.escape(text)
            for text, matched in index.data(Role.SNIPPET_PARTS) or ()
        )
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setHtml(
            f"<p style='margin:0'><b>{html.escape(index.data() or '')}</b></p>"
            f"<p style='margin:2px 0 3px 0; color:{muted}'><small>{html.escape(meta)}"
            f"</small></p><p style='margin:0'><small>{snippet}</small></p>"
        )
        return doc

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        width = option.rect.width()
        view = self.parent()
        if width <= 0 and isinstance(view, QAbstractScrollArea):
            width = view.viewport().width()
        return max(120, width - 2 * self.PADDING)

    @override
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        doc = self._document(option, index)
        doc.setTextWidth(self._text_width(option))
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2 * self.PADDING)

    @override
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # Here, not at the top: QStyle's Python enums are a large part of what the first
        # paint would otherwise spend on QtWidgets types, and only painting hits needs them.
        from PySide6.QtGui import QAbstractTextDocumentLayout
        from PySide6.QtWidgets import QStyle

        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        doc = self._document(opt, index)
        doc.setTextWidth(self._text_width(opt))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        rect: Any = opt.rect
        painter.save()
        painter.translate(rect.left() + self.PADDING, rect.top() + self.PADDING)
        context.clip = QRectF(0, 0, rect.width() - 2 * self.PADDING, rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()
