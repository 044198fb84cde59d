"""The main window: layout, menus, toolbar and status bar, and the wiring of its widgets.

Left, the Outlet › Section › Article tree (or the search results while searching), with the
reader's Bookmarks and Saved searches above the outlets; centre, the Reader and Gallery tabs;
right, the Notes panel (``notes.py``) when shown. The reader's own data comes from
``UserData``: bookmarks and saved searches are served by ``library.py``, own imports and the
bundled merge by ``importing.py``, the session by ``session.py``, the Recently read menu by
``userlists.py``; the window keeps reading positions and history as articles open. Every
QAction comes from ``actions.py``; the window's own signals are connected in
``MainWindow._connect_signals()``, and the two controllers wire the actions they serve.
PDF export (the open article, a tree outlet or section, the search results) picks articles with
``desktop.selection``, as ``export-pdf`` does, and runs through ``export.py``.
Seed-derived text reaches widgets only as plain text (labels, titles and message boxes are set
to ``Qt.TextFormat.PlainText``). No SQL and no markup here: queries go through ``Archive``,
HTML comes from ``render.py`` via the reader.

Import late, build late (STYLE §5.8): the Gallery tab's view (``gallery``), the Notes dock
(``notes``) and own imports (``updates``) are built, and their modules imported, on first use;
export, import and merge code load only when they run. Before the first paint the archive is
asked only for the outlets with their counts (and for the reader's bookmarks, by URL).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import PySide6
from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSignalBlocker,
    QSize,
    QTimer,
    Signal,
    qVersion,
)
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.data.archive import Archive, SearchHit
from desktop.data.search import highlight_terms
from desktop.data.userdata import Setting, UserData, UserDataError
from desktop.errors import ArchiveError, BroadsheetError
from desktop.override import override
from desktop.ui import userlists
from desktop.ui.actions import Actions
from desktop.ui.lazyqt import Qt
from desktop.ui.library import LibraryController
from desktop.ui.models import SORT_ORDERS, ArticleTreeModel, SearchResultModel, section_label
from desktop.ui.reader import FindBar, ReaderPane
from desktop.ui.search import RESULT_LIMIT, SearchBar, SearchHitDelegate

if TYPE_CHECKING:
    import argparse

    # Event classes only annotate overrides, and the shortcuts dialog is built on first use:
    # each PySide6 class costs its Python enums when first touched, before the first paint.
    from PySide6.QtGui import (
        QCloseEvent,
        QContextMenuEvent,
        QDragEnterEvent,
        QDropEvent,
        QResizeEvent,
    )
    from PySide6.QtWidgets import QDialog, QMessageBox

    from desktop.data.article import ArchivedArticle
    from desktop.ui.gallery import GalleryView
    from desktop.ui.importing import ArchiveUpdates
    from desktop.ui.notes import NotesPanel

ThemeMode = Literal["system", "light", "dark"]
ViewName = Literal["reader", "gallery", "search"]

READER_TAB, GALLERY_TAB = 0, 1
TREE_PAGE, RESULTS_PAGE = 0, 1
STATUS_MS = 8000
NOTES_WIDTH = 330
WEB_SCHEMES = ("http", "https")

# Window colours of the dark theme; the article itself uses render.PALETTES["dark"].
_DARK_COLOURS: dict[QPalette.ColorRole, str] = {
    QPalette.ColorRole.Window: "#232427",
    QPalette.ColorRole.WindowText: "#e4e0d8",
    QPalette.ColorRole.Base: "#1b1c1e",
    QPalette.ColorRole.AlternateBase: "#26272a",
    QPalette.ColorRole.ToolTipBase: "#2d2e31",
    QPalette.ColorRole.ToolTipText: "#e4e0d8",
    QPalette.ColorRole.PlaceholderText: "#8d8981",
    QPalette.ColorRole.Text: "#e4e0d8",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e4e0d8",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#3a3b3e",
    QPalette.ColorRole.Midlight: "#323336",
    QPalette.ColorRole.Mid: "#2a2b2e",
    QPalette.ColorRole.Dark: "#151618",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#3d5f8f",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8fb6ea",
    QPalette.ColorRole.LinkVisited: "#b39ddb",
}


def dark_palette() -> QPalette:
    """The application palette of the dark theme (disabled text dimmed)."""
    palette = QPalette()
    for role, colour in _DARK_COLOURS.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f6c66"))
    return palette


def system_is_dark() -> bool:
    """True when the OS asks for a dark colour scheme."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def citation(record: ArchivedArticle) -> str:
    """Title, outlet, date and URL as one line to paste into notes."""
    from desktop.render import format_date

    a = record.article
    parts = [f"“{a.title}”", a.outlet]
    if a.date:
        parts.append(format_date(a.date))
    return ", ".join(p for p in parts if p) + f". {a.url}"


def plain_message_box(
    parent: QWidget, icon: QMessageBox.Icon, title: str, text: str
) -> QMessageBox:
    """A message box that shows ``text`` literally (never as rich text)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def _page(parent: QWidget, header: QWidget | QHBoxLayout, body: QWidget) -> QWidget:
    """A side-pane page: a header row above a view that takes the rest of the height."""
    page = QWidget(parent)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    if isinstance(header, QHBoxLayout):
        layout.addLayout(header)
    else:
        layout.addWidget(header)
    layout.addWidget(body, 1)
    return page


class RoomyItemDelegate(QStyledItemDelegate):
    """The standard delegate with a few pixels more height per row: a calmer tree."""

    EXTRA_HEIGHT = 8

    @override
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self.EXTRA_HEIGHT)


class PlainLabel(QLabel):
    """A label whose text always shows literally: queries and seed text are never markup.

    Plain text is set with the first text rather than when the label is made: the format is a
    ``Qt`` enum, not built before the window's first paint (``lazyqt.py``).
    """

    @override
    def setText(self, text: str) -> None:
        if self.textFormat() != Qt.TextFormat.PlainText:
            self.setTextFormat(Qt.TextFormat.PlainText)
        super().setText(text)


def _request_menu(view: QAbstractItemView, event: QContextMenuEvent) -> None:
    """Send ``customContextMenuRequested`` for a context-menu event, as the
    ``CustomContextMenu`` policy would; the policy is a ``Qt`` enum (``lazyqt.py``)."""
    view.customContextMenuRequested.emit(event.pos())


class ResultsView(QListView):
    """The search results list; a context-menu event becomes ``customContextMenuRequested``."""

    @override
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        _request_menu(self, event)


class ArticleTreeView(QTreeView):
    """The article tree; it shows the next articles of a section as soon as its last shown row
    comes into view (``ArticleTreeModel.reveal_more``: the model leaves Qt's fetchMore alone).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_visible_pages)
        self.verticalScrollBar().valueChanged.connect(self._schedule_fetch)
        self.expanded.connect(self._schedule_fetch)

    @override
    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            model.rowsInserted.connect(self._schedule_fetch)
            model.modelReset.connect(self._schedule_fetch)

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._schedule_fetch()

    @override
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        _request_menu(self, event)

    def _schedule_fetch(self, *_args: object) -> None:
        # Not QTimer.start directly: valueChanged(int) would become the interval.
        self._fetch_timer.start()

    def _fetch_visible_pages(self) -> None:
        model = self.model()
        if not isinstance(model, ArticleTreeModel):
            return
        x = self.header().sectionViewportPosition(0) + self.header().sectionSize(0) - 2
        index = self.indexAt(QPoint(x, 1))
        # Not viewport(): its first call costs PySide6 ~20 ms, before the first paint.
        bottom = self.maximumViewportSize().height()
        # The row at the bottom edge, invalid when the rows end above it. Found with indexAt,
        # not by each row's visualRect(): that returns a QRect, one more PySide6 type (1 ms)
        # for the first paint, which runs this once.
        bottom_row = self.indexAt(QPoint(x, bottom - 1))
        while index.isValid():
            parent = index.parent()
            last = index.row() == model.rowCount(parent) - 1
            if parent.isValid() and last and model.can_reveal_more(parent):
                model.reveal_more(parent)
                return  # the insert restarts the timer for the next page
            if index == bottom_row:
                return
            index = self.indexBelow(index)


class MainWindow(QMainWindow):
    """Broadsheet's window over one open archive and the reader's own data.

    ``library`` (``library.py``) serves bookmarks and saved searches, ``updates``
    (``importing.py``) own imports and the bundled merge; both wire the actions they serve.

    Signals:
        article_opened(int): an article was shown in the reader (its id).
        first_results_shown(int): the results list shows the first page of a search (its
            generation): the titles-only page, or the full page when that came first. Sent
            once per generation, after the list has been filled.
        full_results_shown(int): the results list shows the full ranked page of a search
            (its generation), after the list has been filled.
    """

    article_opened = Signal(int)
    first_results_shown = Signal(int)
    full_results_shown = Signal(int)

    def __init__(
        self, archive: Archive, theme: ThemeMode = "system", userdata: UserData | None = None
    ) -> None:
        """Args:
            archive: the archive to show.
            theme: the theme mode at start.
            userdata: the reader's data; None opens it from ``paths.user_data_dir()``
                (the window then closes it when it closes).
        """
        super().__init__()
        self._owns_userdata = userdata is None
        self._userdata = userdata if userdata is not None else UserData.open()
        self._archive = archive
        self._current: ArchivedArticle | None = None
        self._terms: tuple[str, ...] = ()
        self._history: list[int] = []
        self._history_pos = -1
        self._theme_mode: ThemeMode = theme
        self._system_dark = self._remembered_system_dark()
        self._light_palette = QApplication.palette()
        if self._system_dark:
            self._light_palette = QApplication.style().standardPalette()
        self._shortcuts_dialog: QDialog | None = None
        self._message = ""
        # The search generation whose results were last put in the list.
        self._shown_generation = -1
        # True while the results list is refilled: a selection put back is not a new choice.
        self._refilling_results = False
        self.remember_session = False
        self.commands = Actions(self)
        self._build_widgets()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect_signals()
        self.library = LibraryController(self)
        # The start message first, in the theme about to be applied: the theme then finds it
        # shown already, so the reader's placeholder is rendered once.
        self._show_archive_state()
        self.set_theme_mode(theme)
        self.library.refresh()
        self.setAcceptDrops(True)
        self.resize(1280, 800)

    # -- building ----------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.side = QStackedWidget(self)
        self.side.insertWidget(TREE_PAGE, self._build_tree_page())
        self.side.insertWidget(RESULTS_PAGE, self._build_results_page())
        self.reader_pane = ReaderPane(self)
        self.reader = self.reader_pane.reader
        # The Gallery tab's view is built the first time it is shown or asked for (``gallery``):
        # until then the tab holds an empty page, and the start loads no gallery code.
        self._gallery: GalleryView | None = None
        self._gallery_page = QWidget(self)
        self._gallery_page.setAccessibleName("Gallery")
        QVBoxLayout(self._gallery_page).setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Reader and gallery")
        self.tabs.setDocumentMode(True)
        self.tabs.insertTab(READER_TAB, self.reader_pane, "Reader")
        self.tabs.insertTab(GALLERY_TAB, self._gallery_page, "Gallery")
        # Horizontal, and parented by setCentralWidget below: QSplitter(parent) would make
        # PySide6 weigh the constructor that takes a ``Qt.Orientation`` (``lazyqt.py``).
        self.splitter = QSplitter()
        self.splitter.addWidget(self.side)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([340, 940])
        self.setCentralWidget(self.splitter)
        # Built on first use (``notes``, ``updates``): the start loads neither module.
        self._notes: NotesPanel | None = None
        self._updates: ArchiveUpdates | None = None

    def _build_tree_page(self) -> QWidget:
        self.tree_model = ArticleTreeModel(self._archive, parent=self)
        self.tree = ArticleTreeView(self)
        self.tree.setAccessibleName("Articles by outlet and section")
        self.tree.setModel(self.tree_model)
        self.tree.setItemDelegate(RoomyItemDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setFrameShape(QTreeView.Shape.NoFrame)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # A fixed width for the counts, dates and scores column: ResizeToContents would ask
        # the delegate for the size of every loaded row each time a section expands (hundreds
        # of milliseconds once a few thousand rows are loaded).
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, self.tree.fontMetrics().horizontalAdvance("0000-00-00") + 16)
        self.sort_combo = QComboBox(self)
        self.sort_combo.setAccessibleName("Sort articles by")
        for order, label in SORT_ORDERS:
            self.sort_combo.addItem(label, order)
        sort_label = QLabel("Sort by", self)
        sort_label.setBuddy(self.sort_combo)
        sort_row = QHBoxLayout()
        sort_row.setContentsMargins(10, 8, 10, 6)
        sort_row.setSpacing(8)
        sort_row.addWidget(sort_label)
        sort_row.addWidget(self.sort_combo, 1)
        return _page(self, sort_row, self.tree)

    def _build_results_page(self) -> QWidget:
        self.results_model = SearchResultModel(self)
        self.results_view = ResultsView(self)
        self.results_view.setAccessibleName("Search results")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(SearchHitDelegate(self.results_view))
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setFrameShape(QListView.Shape.NoFrame)
        self.results_view.setSpacing(1)
        self.results_label = PlainLabel(self)
        self.results_label.setWordWrap(True)
        self.results_label.setContentsMargins(10, 8, 10, 6)
        return _page(self, self.results_label, self.results_view)

    def _build_menus(self) -> None:
        a = self.commands
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.open_archive, a.import_seeds, a.export_pdf,
                              a.export_results_pdf])
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([a.copy, a.copy_citation])
        edit_menu.addSeparator()
        edit_menu.addActions([a.find, a.find_next, a.find_previous])
        view_menu = bar.addMenu("&View")
        view_menu.addActions([a.zoom_in, a.zoom_out, a.zoom_reset])
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        theme_menu.addActions([a.theme_system, a.theme_light, a.theme_dark])
        view_menu.addAction(a.show_furniture)
        view_menu.addAction(a.notes)
        view_menu.addSeparator()
        view_menu.addActions([a.view_reader, a.view_gallery])
        go_menu = bar.addMenu("&Go")
        go_menu.addActions([a.back, a.forward])
        self.recent_menu = go_menu.addMenu("&Recently read")
        go_menu.addSeparator()
        go_menu.addAction(a.bookmark)
        go_menu.addSeparator()
        go_menu.addActions([a.search, a.save_search])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([a.shortcuts, a.about])

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Navigation", self)
        toolbar.setObjectName("navigation")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setIconSize(QSize(18, 18))
        toolbar.addActions([self.commands.back, self.commands.forward])
        toolbar.addSeparator()
        self.search_bar = SearchBar(self._archive, self.tree_model.outlet_names(), toolbar)
        toolbar.addWidget(self.search_bar)
        toolbar.addAction(self.commands.save_search)
        toolbar.addSeparator()
        toolbar.addActions([self.commands.bookmark, self.commands.export_pdf])
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        # Only ever the article count the window formats, so no text format is set: Qt's
        # guess (AutoText) finds no markup in a number, and ``PlainText`` is a ``Qt`` enum,
        # not built before the first paint (``lazyqt.py``).
        self.count_label = QLabel(self)
        self.count_label.setContentsMargins(0, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.count_label)

    def _connect_signals(self) -> None:
        a = self.commands
        a.open_archive.triggered.connect(self._on_open_archive_triggered)
        a.export_pdf.triggered.connect(self._on_export_pdf_triggered)
        a.export_results_pdf.triggered.connect(self.export_search_results)
        self.results_model.modelReset.connect(self._on_results_model_reset)
        self.results_view.customContextMenuRequested.connect(
            self._on_results_view_context_menu_requested)
        a.notes.toggled.connect(self._on_notes_action_toggled)
        a.import_seeds.triggered.connect(self._on_import_seeds_triggered)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        a.quit.triggered.connect(self.close)
        a.copy.triggered.connect(self._on_copy_triggered)
        a.copy_citation.triggered.connect(self._on_copy_citation_triggered)
        a.find.triggered.connect(self._on_find_triggered)
        a.find_next.triggered.connect(self.reader.find_next)
        a.find_previous.triggered.connect(self.reader.find_previous)
        a.zoom_in.triggered.connect(self.reader.zoom_in)
        a.zoom_out.triggered.connect(self.reader.zoom_out)
        a.zoom_reset.triggered.connect(self.reader.zoom_reset)
        a.theme_system.triggered.connect(self._on_theme_system_triggered)
        a.theme_light.triggered.connect(lambda: self.set_theme_mode("light"))
        a.theme_dark.triggered.connect(lambda: self.set_theme_mode("dark"))
        a.show_furniture.toggled.connect(self._on_show_furniture_toggled)
        a.view_reader.triggered.connect(lambda: self.show_view("reader"))
        a.view_gallery.triggered.connect(lambda: self.show_view("gallery"))
        a.back.triggered.connect(self.go_back)
        a.forward.triggered.connect(self.go_forward)
        a.search.triggered.connect(self.search_bar.focus_field)
        a.shortcuts.triggered.connect(self._on_shortcuts_triggered)
        a.about.triggered.connect(self._on_about_triggered)
        self.sort_combo.currentIndexChanged.connect(self._on_sort_combo_changed)
        self._connect_tree()
        self.results_view.selectionModel().currentChanged.connect(self._on_results_current_changed)
        self.search_bar.field.down_pressed.connect(self._on_search_field_down_pressed)
        self.search_bar.titles_found.connect(self._on_search_bar_titles_found)
        self.search_bar.search_finished.connect(self._on_search_bar_search_finished)
        self.search_bar.search_failed.connect(self._on_search_bar_search_failed)
        self.search_bar.search_cleared.connect(self._on_search_bar_search_cleared)
        self.reader.gallery_requested.connect(self._on_reader_gallery_requested)
        self.reader.source_requested.connect(self._on_reader_source_requested)
        self.reader.zoom_changed.connect(self._on_reader_zoom_changed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    def _connect_tree(self) -> None:
        """Connect the tree's selection model (replaced whenever the model is)."""
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)

    # -- archive -----------------------------------------------------------------------------

    @property
    def archive(self) -> Archive:
        return self._archive

    @property
    def find_bar(self) -> FindBar:
        """The reader's find bar (built on first use, like the other hidden panels)."""
        return self.reader_pane.find_bar

    @property
    def notes(self) -> NotesPanel:
        """The Notes dock (View › Notes), built hidden on first use (Frescobaldi's ``Panel``),
        showing the note on the open article. ``session.py`` builds it before it saves or
        restores the window state."""
        if self._notes is None:
            from desktop.ui.notes import NotesPanel

            panel = NotesPanel(self._userdata, self)
            self._notes = panel
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
            panel.hide()
            panel.visibilityChanged.connect(self._on_notes_visibility_changed)
            if self._current is not None:
                panel.set_article(self._current.article.url, self._current.article.title)
        return self._notes

    @property
    def updates(self) -> ArchiveUpdates:
        """Own imports and the bundled merge (``importing.py``), built on first use."""
        if self._updates is None:
            from desktop.ui.importing import ArchiveUpdates

            self._updates = ArchiveUpdates(self)
        return self._updates

    @property
    def gallery(self) -> GalleryView:
        """The Gallery tab's view, built (showing the open article's photos) on first use."""
        if self._gallery is None:
            from desktop.ui.gallery import GalleryView

            self._gallery = GalleryView(self._gallery_page)
            layout = self._gallery_page.layout()
            assert layout is not None
            layout.addWidget(self._gallery)
            self._gallery.show()  # a widget added to a page already shown stays hidden else
            self._gallery_page.setFocusProxy(self._gallery)
            self._gallery.show_in_article.connect(self._on_gallery_show_in_article)
            if self._current is not None:
                self._gallery.set_article(self._current, self._archive)
        return self._gallery

    @property
    def current(self) -> ArchivedArticle | None:
        """The article in the reader, or None."""
        return self._current

    @property
    def userdata(self) -> UserData:
        """The reader's own data: bookmarks, history, positions, notes, saved searches."""
        return self._userdata

    def set_archive(self, archive: Archive) -> None:
        """Show ``archive`` instead of the current one (which is closed)."""
        old = self._archive
        self._leave_article()
        self.search_bar.shutdown()
        self._archive = archive
        self._current = None
        self._history = []
        self._history_pos = -1
        self.tree_model = ArticleTreeModel(archive, self.tree_model.order, parent=self)
        self.tree.setModel(self.tree_model)
        self._connect_tree()
        self.search_bar.set_archive(archive, self.tree_model.outlet_names())
        self.results_model.clear()
        self.side.setCurrentIndex(TREE_PAGE)
        if self._gallery is not None:
            self._gallery.set_article(None, None)
        if self._notes is not None:
            self._notes.set_article(None)
        self._show_archive_state()
        self.library.refresh()
        if old is not archive:
            old.close()

    def reload_archive(self, path: Path) -> bool:
        """Show the archive at ``path`` afresh (after an import or merge), keeping the open
        article when it is there; False (and a message box) when it cannot be opened."""
        url = self._current.article.url if self._current is not None else None
        if not self.open_archive_file(path):
            return False
        article_id = userlists.find_article(self._archive, url) if url else None
        if article_id is not None:
            self.open_article(article_id)
        return True

    def open_archive_file(self, path: str | Path) -> bool:
        """Open the archive at ``path``; a plain message box says why when it cannot be."""
        try:
            archive = Archive(path)
        except ArchiveError as exc:
            self.show_error("Cannot open archive", str(exc))
            return False
        self.set_archive(archive)
        return True

    def _show_archive_state(self) -> None:
        name = self._archive.path.name
        self.setWindowTitle(f"{name} — Broadsheet".replace("[*]", "[*][*]"))
        count = self.tree_model.total_count()
        self.count_label.setText(f"{count:,} article{'' if count == 1 else 's'}")
        self._update_history_actions()
        self._message = (
            "Choose an article from the list on the left, or search the archive (Ctrl+K)."
            if count
            else "This archive holds no articles yet."
        )
        self.reader.show_message(self._message, self.theme())

    # -- opening articles --------------------------------------------------------------------

    def open_article(
        self, article_id: int, terms: tuple[str, ...] = (), *, record_history: bool = True
    ) -> bool:
        """Show article ``article_id``, marking ``terms``; False (and a status line) if absent."""
        try:
            record = self._archive.get(article_id)
        except BroadsheetError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
            return False
        self._leave_article()
        self._current = record
        self._terms = terms
        if record_history:
            self._push_history(record.id)
        self._render()
        if not terms:
            self._restore_position(record)
        if self._gallery is not None:
            self._gallery.set_article(record, self._archive)
        self._reveal_in_tree(record)
        if self._notes is not None:
            self._notes.set_article(record.article.url, record.article.title)
        self.library.update_bookmark_action()
        self.library.write(lambda: self._userdata.record_open(record.article.url,
                                                              record.article.title))
        self.setWindowTitle(
            f"{record.article.title} — {self._archive.path.name} — Broadsheet".replace(
                "[*]", "[*][*]"
            )
        )
        self.article_opened.emit(record.id)
        return True

    def _reveal_in_tree(self, record: ArchivedArticle) -> None:
        if self.tree_model.article_id(self.tree.currentIndex()) == record.id:
            return  # chosen from the Bookmarks group: stay there
        a = record.article
        index = self.tree_model.index_of_article(a.outlet, a.section_path, record.id)
        if index.isValid() and index != self.tree.currentIndex():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def open_reference(self, ref: str) -> bool:
        """Open the article an id or URL names (``--open``); raises ``ArticleNotFoundError``."""
        return self.open_article(self._archive.resolve(ref))

    def open_hit(self, row: int) -> bool:
        """Open search result ``row`` with its matched words marked; False if there is none."""
        index = self.results_model.index(row, 0)
        if not index.isValid():
            return False
        self.results_view.setCurrentIndex(index)
        return True

    def first_article_id(self) -> int | None:
        """The first article of the first non-empty section, in the tree's order."""
        for outlet in self._archive.outlets():
            for section in self._archive.sections(outlet.name):
                ids = self._archive.ids_in(outlet.name, section.name, self.tree_model.order)
                if ids:
                    return ids[0]
        return None

    def _render(self) -> None:
        if self._current is None:
            return
        # The renderer loads with the first article (``typography`` serves the reader before).
        from desktop.render import RenderOptions

        options = RenderOptions(
            theme=self.theme(),
            show_furniture=self.commands.show_furniture.isChecked(),
            highlight_terms=self._terms,
        )
        self.reader.show_article(self._current, self._archive, options)
        if self._terms and self.reader.find_highlighted():
            self.find_bar.show_hits(" ".join(self._terms))
        elif self.reader_pane.find_bar_is_visible():
            self.reader.find_text(self.find_bar.field.text())

    def _rerender_keeping_place(self) -> None:
        ratio = self.reading_position()
        self._render()
        self.set_reading_position(ratio)

    # -- the reader's own data ---------------------------------------------------------------

    def reading_position(self) -> float:
        """How far down the open article the reader is: 0 at the top, 1 at the end."""
        bar = self.reader.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() else 0.0

    def set_reading_position(self, fraction: float) -> None:
        bar = self.reader.verticalScrollBar()
        bar.setValue(round(fraction * bar.maximum()))

    def _restore_position(self, record: ArchivedArticle) -> None:
        try:
            fraction = self._userdata.position(record.article.url)
        except UserDataError:
            return
        if fraction:
            self.set_reading_position(fraction)

    def _leave_article(self) -> None:
        """Save where the reader is in the open article, and its note."""
        if self._current is None:
            return
        url, fraction = self._current.article.url, self.reading_position()
        self.library.write(lambda: self._userdata.set_position(url, fraction))
        if self._notes is not None:
            self._notes.flush()

    # -- PDF export --------------------------------------------------------------------------

    def export_articles(self, ids: list[int], title: str) -> Path | None:
        """Export ``ids`` into one PDF (save dialog, progress, outcome; ``ui/export.py``),
        with the reader's notes on them when asked; ``title`` proposes the file name."""
        from desktop.ui.export import export_articles_dialog

        if self._notes is not None:
            self._notes.flush()
        return export_articles_dialog(self, self._archive, ids, title,
                                      notes=self.library.notes_on(ids))

    def export_section(self, outlet: str, section: str | None) -> Path | None:
        """Export an outlet (``section`` None) or a section with its subsections into one
        PDF, the articles in the tree's order; the rule ``export-pdf --section`` follows."""
        from desktop.selection import section_article_ids

        name = outlet if section is None else f"{outlet} - {section_label(section)}"
        try:
            ids = section_article_ids(self._archive, outlet, section, self.tree_model.order)
        except BroadsheetError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
            return None
        if not ids:
            self.statusBar().showMessage(f"No articles in {name}.", STATUS_MS)
            return None
        return self.export_articles(ids, name)

    def export_search_results(self) -> Path | None:
        """Export every hit of the current search (with its outlet and section filters),
        best first, into one PDF; the rule ``export-pdf --search`` follows."""
        from desktop.selection import search_article_ids

        query = self.results_model.query
        if not self.results_model.rowCount():
            self.statusBar().showMessage("Search first.", STATUS_MS)
            return None
        outlet, section = self.search_bar.filters()
        try:
            ids = search_article_ids(self._archive, query, outlet=outlet, section=section)
        except BroadsheetError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)
            return None
        return self.export_articles(ids, query)

    # -- history -----------------------------------------------------------------------------

    def _push_history(self, article_id: int) -> None:
        if self._history_pos >= 0 and self._history[self._history_pos] == article_id:
            return
        del self._history[self._history_pos + 1 :]
        self._history.append(article_id)
        self._history_pos = len(self._history) - 1
        self._update_history_actions()

    def go_back(self) -> None:
        if self._history_pos > 0:
            self._history_pos -= 1
            self.open_article(self._history[self._history_pos], record_history=False)
        self._update_history_actions()

    def go_forward(self) -> None:
        if self._history_pos < len(self._history) - 1:
            self._history_pos += 1
            self.open_article(self._history[self._history_pos], record_history=False)
        self._update_history_actions()

    def _update_history_actions(self) -> None:
        self.commands.back.setEnabled(self._history_pos > 0)
        self.commands.forward.setEnabled(self._history_pos < len(self._history) - 1)

    # -- views and theme ---------------------------------------------------------------------

    def show_view(self, view: ViewName) -> None:
        """Bring the reader, the gallery or the search results to the front."""
        if view == "gallery":
            self.tabs.setCurrentIndex(GALLERY_TAB)
        elif view == "search":
            self.side.setCurrentIndex(RESULTS_PAGE)
            self.search_bar.focus_field()
        else:
            self.tabs.setCurrentIndex(READER_TAB)

    def theme_mode(self) -> ThemeMode:
        """The chosen theme mode: "system", "light" or "dark"."""
        return self._theme_mode

    def theme(self) -> Literal["light", "dark"]:
        """The theme in effect: the chosen one, or the OS's for "system"."""
        if self._theme_mode == "system":
            return "dark" if self._system_dark else "light"
        return self._theme_mode

    def set_theme_mode(self, mode: ThemeMode) -> None:
        """Use the light or dark theme, or follow the OS ("system"); re-renders the article."""
        self._theme_mode = mode
        {
            "system": self.commands.theme_system,
            "light": self.commands.theme_light,
            "dark": self.commands.theme_dark,
        }[mode].setChecked(True)
        self._apply_theme()

    def check_system_scheme(self) -> None:
        """Ask the OS for its colour scheme; follow it, and remember it, if it changed.

        The window starts with the scheme it saw last time (``_remembered_system_dark``); the
        app asks again once the window has been painted.
        """
        dark = system_is_dark()
        if dark == self._system_dark:
            return
        self._system_dark = dark
        self._remember_system_dark(dark)
        if dark:  # the palette the platform gave at start was the dark one
            self._light_palette = QApplication.style().standardPalette()
        if self._theme_mode == "system":
            self._apply_theme()

    def _remembered_system_dark(self) -> bool:
        """Whether the OS was dark when the window last asked; asked now the first time.

        Asking (``system_is_dark``) makes PySide6 build Qt's whole enum namespace, about 40 ms
        (``lazyqt.py``), so the start uses the answer kept in the user's settings and the app
        asks again after the first paint: a changed OS scheme is followed a moment later.
        """
        remembered = self._userdata.setting(Setting.SYSTEM_DARK)
        if isinstance(remembered, bool):
            return remembered
        dark = system_is_dark()
        self._remember_system_dark(dark)
        return dark

    def _remember_system_dark(self, dark: bool) -> None:
        try:
            self._userdata.set_setting(Setting.SYSTEM_DARK, dark)
        except UserDataError:
            pass  # asked again at the next start

    def _apply_theme(self) -> None:
        # Native styles (Windows 11, macOS) follow the app's colour scheme, not only its palette.
        hints = QGuiApplication.styleHints()
        with QSignalBlocker(hints):
            if self._theme_mode == "system":
                hints.unsetColorScheme()
            else:
                scheme = Qt.ColorScheme.Dark if self._theme_mode == "dark" else Qt.ColorScheme.Light
                hints.setColorScheme(scheme)
        dark = self.theme() == "dark"
        QApplication.setPalette(dark_palette() if dark else self._light_palette)
        if self._current is not None:
            self._rerender_keeping_place()
        else:
            self.reader.show_message(self._message, self.theme())

    # -- dialogs -----------------------------------------------------------------------------

    def show_error(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        plain_message_box(self, QMessageBox.Icon.Warning, title, text).exec()

    def confirm_leave_offline(self, url: str) -> bool:
        """Ask before opening ``url`` in the web browser (it leaves offline reading)."""
        from PySide6.QtWidgets import QMessageBox

        box = plain_message_box(
            self,
            QMessageBox.Icon.Question,
            "Open the source page?",
            "This opens the article's original page in your web browser, "
            f"which leaves offline reading:\n\n{url}",
        )
        box.setStandardButtons(
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Open

    def about_text(self) -> str:
        meta = self._archive.metadata()
        built = meta.get("built_at", "unknown")
        return (
            f"Broadsheet {__version__}\n"
            "An offline archive viewer for news articles.\n\n"
            f"Qt {qVersion()} (PySide6 {PySide6.__version__})\n"
            f"SQLite {sqlite3.sqlite_version}\n\n"
            f"Archive: {self._archive.path}\n"
            f"Built: {built}"
        )

    # -- slots -------------------------------------------------------------------------------

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        article_id = self.tree_model.article_id(current)
        if article_id is not None and (self._current is None or self._current.id != article_id):
            self.open_article(article_id)

    def _on_notes_action_toggled(self, checked: bool) -> None:
        if not checked and self._notes is None:
            return
        self.notes.setVisible(checked)
        if checked:
            if self.notes.width() < NOTES_WIDTH:
                self.resizeDocks([self.notes], [NOTES_WIDTH], Qt.Orientation.Horizontal)
            self.notes.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_import_seeds_triggered(self) -> None:
        self.updates.choose_and_import()

    def _on_notes_visibility_changed(self, visible: bool) -> None:
        with QSignalBlocker(self.commands.notes):
            self.commands.notes.setChecked(visible)

    def _on_recent_menu_about_to_show(self) -> None:
        userlists.fill_recent_menu(self.recent_menu, self._userdata, self._archive,
                                   self.open_article)

    def handle_arguments(self, argv: list[str]) -> None:
        """Arguments a second start handed over: open, search, view; then come to the front."""
        from desktop.cli import build_parser

        try:
            args, _unknown = build_parser().parse_known_args(argv)
        except SystemExit:  # argparse exits on a bad value; this window must not
            args = None
        if args is not None:
            self._apply_arguments(args)
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()

    def _apply_arguments(self, args: argparse.Namespace) -> None:
        try:
            if args.open:
                self.open_reference(args.open)
            if args.search:
                self.search_bar.search_now(args.search)
            if args.view:
                self.show_view(args.view)
        except BroadsheetError as exc:
            self.statusBar().showMessage(str(exc), STATUS_MS)

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from desktop.ui.importing import dropped_paths

        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        from desktop.ui.importing import dropped_paths

        dropped = dropped_paths(event.mimeData())
        if not dropped:
            event.ignore()
            return
        event.acceptProposedAction()
        self.updates.import_seeds(dropped)

    def _on_sort_combo_changed(self, _row: int) -> None:
        self.tree_model.set_order(self.sort_combo.currentData())
        if self._current is not None:
            self._reveal_in_tree(self._current)

    def _on_results_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._refilling_results:
            return
        hit = self.results_model.hit(current.row())
        self.open_article(hit.id, highlight_terms(self.results_model.query))
        self.tabs.setCurrentIndex(READER_TAB)

    def _on_search_bar_titles_found(
        self, generation: int, query: str, hits: list[SearchHit]
    ) -> None:
        # An empty title page shows nothing: the full page may still find the words in the
        # text, and "Nothing found" would flash before it.
        if not hits or generation == self._shown_generation:
            return
        self._show_results(generation, query, hits)
        noun = "title matches" if len(hits) == 1 else "titles match"
        self.results_label.setText(
            f"{len(hits):,} {noun} “{query}”; searching the full text…")
        self.first_results_shown.emit(generation)

    def _on_search_bar_search_finished(
        self, generation: int, query: str, hits: list[SearchHit]
    ) -> None:
        first = generation != self._shown_generation
        self._show_results(generation, query, hits)
        n = len(hits)
        if n >= RESULT_LIMIT:
            self.results_label.setText(f"The {n:,} best results for “{query}”")
        elif n:
            noun = "result" if n == 1 else "results"
            self.results_label.setText(f"{n:,} {noun} for “{query}”")
        else:
            self.results_label.setText(f"Nothing found for “{query}”")
        if first:
            self.first_results_shown.emit(generation)
        self.full_results_shown.emit(generation)

    def _show_results(self, generation: int, query: str, hits: list[SearchHit]) -> None:
        """Fill the results list with ``hits``.

        When the full page replaces the title page of the same search, the hit the reader
        has selected stays selected (if the full page has it) and the list keeps its scroll
        position; nothing is opened again. The list is refilled and put back in one go, so
        it never paints in between.
        """
        view, model = self.results_view, self.results_model
        same_search = generation == self._shown_generation
        current = view.currentIndex()
        selected = model.hit(current.row()).id if same_search and current.isValid() else None
        scroll = view.verticalScrollBar().value()
        self._refilling_results = True
        try:
            model.set_hits(query, hits)
            if same_search:
                view.doItemsLayout()  # the scroll range of the new rows, before scrolling
                view.verticalScrollBar().setValue(scroll)
                row = model.row_of(selected) if selected is not None else None
                if row is not None:
                    index = model.index(row, 0)
                    view.setCurrentIndex(index)
                    view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._refilling_results = False
        self._shown_generation = generation
        self._show_side_page(RESULTS_PAGE)

    def _on_search_field_down_pressed(self) -> None:
        if self.side.currentIndex() != RESULTS_PAGE or not self.results_model.rowCount():
            return
        self.results_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.results_view.currentIndex().isValid():
            self.open_hit(0)

    def _on_search_bar_search_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MS)

    def _on_search_bar_search_cleared(self) -> None:
        self.results_model.clear()
        self._show_side_page(TREE_PAGE)

    def _show_side_page(self, page: int) -> None:
        # Hiding the focused page would hand focus to the other one, and a list view taking
        # focus selects its first row, which would open an article nobody chose.
        if page == self.side.currentIndex():
            return
        leaving, focus = self.side.currentWidget(), QApplication.focusWidget()
        if leaving is not None and focus is not None and leaving.isAncestorOf(focus):
            self.search_bar.field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.side.setCurrentIndex(page)

    def _on_tabs_current_changed(self, index: int) -> None:
        if index == GALLERY_TAB:
            self.gallery  # noqa: B018 - builds the view the first time the tab is shown

    def _on_reader_gallery_requested(self, gallery_index: int, n: int) -> None:
        self.tabs.setCurrentIndex(GALLERY_TAB)
        self.gallery.select_item(gallery_index, n)

    def _on_gallery_show_in_article(self, gallery_index: int) -> None:
        self.tabs.setCurrentIndex(READER_TAB)
        self.reader.scrollToAnchor(f"gallery-{gallery_index}")

    def _on_reader_source_requested(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self._current is None:
            return
        text = self._current.article.url
        url = QUrl(text)
        if not url.isValid() or url.scheme().lower() not in WEB_SCHEMES:
            self.statusBar().showMessage(f"Not a web address, not opened: {text}", STATUS_MS)
            return
        if self.confirm_leave_offline(text):
            QDesktopServices.openUrl(url)

    def _on_reader_zoom_changed(self, _step: int) -> None:
        self.statusBar().showMessage(f"Text size {self.reader.zoom_percent()}%", 2000)

    def _on_show_furniture_toggled(self, _checked: bool) -> None:
        self._rerender_keeping_place()

    def _on_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        self.check_system_scheme()

    def _on_theme_system_triggered(self) -> None:
        self.set_theme_mode("system")
        self.check_system_scheme()

    def _on_find_triggered(self) -> None:
        self.tabs.setCurrentIndex(READER_TAB)
        self.find_bar.open_bar()

    def _on_copy_triggered(self) -> None:
        focus = QApplication.focusWidget()
        copy = getattr(focus, "copy", None)
        if callable(copy):
            copy()
        else:
            self.reader.copy()

    def _on_copy_citation_triggered(self) -> None:
        if self._current is None:
            self.statusBar().showMessage("Open an article first.", STATUS_MS)
            return
        QGuiApplication.clipboard().setText(citation(self._current))
        self.statusBar().showMessage("Citation copied.", STATUS_MS)

    def _on_open_archive_triggered(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(
            self,
            "Open archive",
            str(self._archive.path.parent),
            "Broadsheet archives (*.db);;All files (*)",
        )
        if path:
            self.open_archive_file(path)

    def _on_export_pdf_triggered(self) -> None:
        if self._current is not None:
            ids, title = [self._current.id], self._current.article.title
        elif self.results_model.rowCount():
            ids, title = self.results_model.article_ids(), self.results_model.query
        else:
            self.statusBar().showMessage("Open an article or search first.", STATUS_MS)
            return
        self.export_articles(ids, title)

    def _on_results_model_reset(self) -> None:
        self.commands.export_results_pdf.setEnabled(self.results_model.rowCount() > 0)

    def _on_results_view_context_menu_requested(self, pos: QPoint) -> None:
        if not self.results_model.rowCount():
            return
        menu = QMenu(self.results_view)
        menu.addAction("Export results as PDF…").triggered.connect(self.export_search_results)
        menu.exec(self.results_view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _on_shortcuts_triggered(self) -> None:
        if self._shortcuts_dialog is None:
            self._shortcuts_dialog = self._build_shortcuts_dialog()
        self._shortcuts_dialog.show()
        self._shortcuts_dialog.raise_()

    def _build_shortcuts_dialog(self) -> QDialog:
        from PySide6.QtWidgets import QDialog, QTableWidget, QTableWidgetItem

        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        rows = [
            (action.text().replace("&", ""), action.shortcut().toString(
                action.shortcut().SequenceFormat.NativeText))
            for action in self.commands.all()
            if not action.shortcut().isEmpty()
        ]
        table = QTableWidget(len(rows), 2, dialog)
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Action", "Shortcut"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, (name, keys) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        dialog.resize(420, 520)
        return dialog

    def _on_about_triggered(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = plain_message_box(
            self, QMessageBox.Icon.Information, "About Broadsheet", self.about_text()
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self._leave_article()
        if self._notes is not None and self._notes.has_unsaved() and \
                not self._confirm_close_unsaved():
            event.ignore()
            return
        if self.remember_session:
            from desktop.ui.session import save_session

            problem = save_session(self, self._userdata)
            if problem:
                self.statusBar().showMessage(problem)
        self.search_bar.shutdown()
        if self._owns_userdata:
            self._userdata.close()
        super().closeEvent(event)

    def _confirm_close_unsaved(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        box = plain_message_box(
            self, QMessageBox.Icon.Warning, "Unsaved note",
            "A note could not be saved, and closing now loses what was typed since the last "
            f"save.\n\n{self.notes.status_label.text()}",
        )
        box.setStandardButtons(
            QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Close
