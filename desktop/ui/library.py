"""The reader's bookmarks and saved searches in the window: ``LibraryController``.

It serves the bookmark star (Go › Bookmark this article, Ctrl+D, the toolbar star), Save
search (Go menu and the button beside the search bar), the tree's Bookmarks and Saved searches
groups with their context menu, the tree's Export as PDF… on an outlet or section (handed to
``MainWindow.export_section``), and the notes handed to the PDF export. Everything is read
from and written to ``UserData`` (keyed by normalised URL); a write that fails is one
status-bar line, never a dialog. Tree rows are built by ``userlists.py``. No SQL and no markup
here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint
from PySide6.QtWidgets import QMenu

from desktop.data.userdata import UserDataError
from desktop.errors import BroadsheetError
from desktop.ui import userlists
from desktop.ui.models import NodeKind, Role

if TYPE_CHECKING:
    from desktop.ui.mainwindow import MainWindow

ModelIndex = QModelIndex | QPersistentModelIndex
STATUS_MS = 8000


class LibraryController(QObject):
    """Bookmarks and saved searches for one window; it wires the actions it serves."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._connect_signals()

    def _connect_signals(self) -> None:
        w = self._window
        w.commands.bookmark.triggered.connect(self._on_bookmark_triggered)
        w.commands.save_search.triggered.connect(self._on_save_search_triggered)
        w.search_bar.field.textChanged.connect(self._on_search_field_text_changed)
        # Saved searches run when clicked or activated (Enter), not when the keyboard passes
        # over them: running one replaces the tree with the results.
        w.tree.clicked.connect(self.run_saved_search_at)
        w.tree.activated.connect(self.run_saved_search_at)
        w.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)

    def _status(self, text: str) -> None:
        self._window.statusBar().showMessage(text, STATUS_MS)

    def write(self, change: Callable[[], object]) -> bool:
        """Run one write to the reader's data; a failure is a status-bar line, not a dialog."""
        try:
            change()
        except UserDataError as exc:
            self._status(f"Not saved: {exc}")
            return False
        return True

    # -- the tree's groups -------------------------------------------------------------------

    def refresh(self) -> None:
        """Rebuild the Bookmarks and Saved searches rows from the reader's data."""
        w = self._window
        try:
            bookmarks = userlists.bookmark_entries(w.userdata, w.archive)
            searches = userlists.saved_search_entries(w.userdata)
        except UserDataError as exc:
            self._status(str(exc))
            return
        for kind, entries in ((NodeKind.BOOKMARKS, bookmarks),
                              (NodeKind.SAVED_SEARCHES, searches)):
            w.tree_model.set_user_group(kind, entries)
            group = w.tree_model.group_index(kind)
            if group.isValid():
                # Titles take the whole row: entries have nothing in the count column.
                for row in range(len(entries)):
                    w.tree.setFirstColumnSpanned(row, group, True)
                w.tree.expand(group)
        self.update_bookmark_action()

    def remove_entry(self, index: ModelIndex) -> bool:
        """Remove the bookmark or saved search at ``index`` of the tree; False if it is none."""
        w = self._window
        entry = w.tree_model.user_entry(index)
        if entry is None:
            return False
        if index.data(Role.KIND) == NodeKind.BOOKMARK:
            ok = self.write(lambda: w.userdata.remove_bookmark(entry.key))
        else:
            ok = self.write(lambda: w.userdata.delete_saved_search(entry.key))
        self.refresh()
        return ok

    def context_menu(self, index: QModelIndex) -> QMenu | None:
        """The context menu of a bookmark or saved search row (None for other rows)."""
        kind = index.data(Role.KIND)
        if kind not in (NodeKind.BOOKMARK, NodeKind.SAVED_SEARCH):
            return None
        menu = QMenu(self._window.tree)
        text = "Remove bookmark" if kind == NodeKind.BOOKMARK else "Delete saved search"
        target = QPersistentModelIndex(index)
        menu.addAction(text).triggered.connect(lambda: self.remove_entry(target))
        return menu

    def export_menu(self, index: QModelIndex) -> QMenu | None:
        """The context menu of an outlet row (Export as PDF… of all its sections) or a
        section row (with its subsections); None for other rows."""
        kind = index.data(Role.KIND)
        if kind not in (NodeKind.OUTLET, NodeKind.SECTION):
            return None
        outlet: str = index.data(Role.OUTLET)
        section: str | None = index.data(Role.SECTION) if kind == NodeKind.SECTION else None
        menu = QMenu(self._window.tree)
        export = menu.addAction("Export as PDF…")
        export.triggered.connect(lambda: self._window.export_section(outlet, section))
        return menu

    # -- bookmarks ---------------------------------------------------------------------------

    def is_bookmarked(self) -> bool:
        """True when the open article is bookmarked."""
        current = self._window.current
        if current is None:
            return False
        try:
            return self._window.userdata.is_bookmarked(current.article.url)
        except UserDataError:
            return False

    def set_bookmarked(self, starred: bool) -> bool:
        """Star or unstar the open article; False when there is none or it failed."""
        w = self._window
        record = w.current
        if record is None:
            return False
        a = record.article
        if starred:
            ok = self.write(lambda: w.userdata.add_bookmark(a.url, a.title))
        else:
            ok = self.write(lambda: w.userdata.remove_bookmark(a.url))
        self.refresh()
        if ok:
            self._status("Bookmarked." if starred else "Bookmark removed.")
        return ok

    def update_bookmark_action(self) -> None:
        """The star follows the open article: enabled with one, checked when it is starred."""
        action = self._window.commands.bookmark
        action.setEnabled(self._window.current is not None)
        action.setChecked(self.is_bookmarked())
        action.setText("Remove &bookmark" if action.isChecked() else "&Bookmark this article")

    # -- saved searches ----------------------------------------------------------------------

    def save_current_search(self, name: str) -> bool:
        """Save the search bar's query and filters under ``name``; False when it failed."""
        w = self._window
        query = w.search_bar.query.strip()
        if not query or not name.strip():
            return False
        outlet, section = w.search_bar.filters()
        ok = self.write(lambda: w.userdata.save_search(name, query, outlet, section))
        self.refresh()
        if ok:
            self._status(f"Search saved as “{name.strip()}”.")
        return ok

    def run_saved_search(self, name: str) -> bool:
        """Put a saved search's query and filters in the search bar and run it (unless
        exactly that search is already in the bar: a click and an activation come together)."""
        w = self._window
        try:
            found = [s for s in w.userdata.saved_searches() if s.name == name]
        except UserDataError as exc:
            self._status(str(exc))
            return False
        if not found:
            return False
        search = found[0]
        wanted = (search.query, (search.outlet, search.section))
        if (w.search_bar.query, w.search_bar.filters()) == wanted:
            return True
        w.search_bar.set_filters(search.outlet, search.section)
        w.search_bar.search_now(search.query)
        return True

    def run_saved_search_at(self, index: ModelIndex) -> bool:
        """Run the saved search of a tree row; False when the row is not one."""
        entry = self._window.tree_model.user_entry(index)
        if index.data(Role.KIND) != NodeKind.SAVED_SEARCH or entry is None:
            return False
        return self.run_saved_search(entry.key)

    # -- notes for the PDF -------------------------------------------------------------------

    def notes_on(self, article_ids: list[int]) -> dict[int, str]:
        """The reader's notes on these articles of the open archive, by id.

        One lookup per note, not per article: a batch can hold thousands of articles.
        """
        from desktop.selection import notes_by_article  # with an export, not at start

        w = self._window
        try:
            notes = w.userdata.notes()
            return notes_by_article(w.archive, ((n.url, n.text) for n in notes), article_ids)
        except BroadsheetError:  # notes or archive unreadable: the export goes on without
            return {}

    # -- slots -------------------------------------------------------------------------------

    def _on_bookmark_triggered(self, checked: bool) -> None:
        if self._window.current is None:
            self._status("Open an article first.")
            self.update_bookmark_action()
            return
        self.set_bookmarked(checked)

    def _on_save_search_triggered(self) -> None:
        query = self._window.search_bar.query.strip()
        if not query:
            self._status("Type a search first.")
            return
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self._window, "Save search",
                                        "Name of the saved search:", text=query)
        if ok and name.strip():
            self.save_current_search(name)

    def _on_search_field_text_changed(self, text: str) -> None:
        self._window.commands.save_search.setEnabled(bool(text.strip()))

    def _on_tree_context_menu_requested(self, pos: QPoint) -> None:
        tree = self._window.tree
        index = tree.indexAt(pos)
        menu = self.context_menu(index)
        if menu is None:
            menu = self.export_menu(index)
        if menu is not None:
            menu.exec(tree.viewport().mapToGlobal(pos))
            menu.deleteLater()
