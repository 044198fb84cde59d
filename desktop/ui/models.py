"""Qt item models over the archive: the Outlet › Section › Article tree and search results.

Models are thin (STYLE §5.1, §5.2): they hold ids and summaries the ``Archive`` hands out and
reveal them a page at a time. The tree shows outlets at once (one indexed query), loads an
outlet's sections when it is expanded and a section's article ids when that is expanded. An
article row's summary is fetched, with the rest of its page, when the row is first painted, and
only the last few pages fetched are kept. No widgets here, and no SQL: every query goes through
``Archive``.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable
from enum import IntEnum
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from desktop.data.archive import Archive, ArticleSummary, SearchHit, SummaryOrder
from desktop.errors import BroadsheetError
from desktop.override import override
from desktop.ui.lazyqt import (
    ACCESSIBLE_TEXT_ROLE,
    ALIGN_RIGHT_VCENTER,
    DISPLAY_ROLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
    Qt,
)

ModelIndex = QModelIndex | QPersistentModelIndex

PAGE = 500
"""Article summaries fetched per query, for the rows being painted."""

CACHED_PAGES = 4
"""Pages of article summaries the tree keeps; older ones are fetched again when painted."""

REVEAL = 100
"""Article rows a section shows at first; scrolling to the end of a section shows as many
again as it shows (``reveal_more``)."""

SORT_ORDERS: tuple[tuple[SummaryOrder, str], ...] = (
    ("title", "Title"),
    ("date", "Date"),
    ("score", "Score"),
    ("comments", "Comments"),
)
"""The tree's article orders: (``Archive.summaries_in`` order, label)."""

NO_SECTION_LABEL = "(no section)"


class Role(IntEnum):
    """Custom item data roles shared by the window's models."""

    ARTICLE_ID = USER_ROLE + 1
    KIND = USER_ROLE + 2
    COUNT = USER_ROLE + 3
    OUTLET = USER_ROLE + 4
    SECTION = USER_ROLE + 5
    SNIPPET_PARTS = USER_ROLE + 6
    SUMMARY = USER_ROLE + 7


_TREE_ROLES = frozenset(int(r) for r in (
    DISPLAY_ROLE, TOOLTIP_ROLE, TEXT_ALIGNMENT_ROLE, FONT_ROLE, FOREGROUND_ROLE, *Role,
))
"""The roles ``ArticleTreeModel.data`` serves."""


class NodeKind(IntEnum):
    """What a row of the article tree stands for."""

    OUTLET = 1
    SECTION = 2
    ARTICLE = 3
    BOOKMARKS = 4
    BOOKMARK = 5
    SAVED_SEARCHES = 6
    SAVED_SEARCH = 7


_LEAF_KINDS = frozenset({NodeKind.ARTICLE, NodeKind.BOOKMARK, NodeKind.SAVED_SEARCH})
"""Rows that never have children."""
_LAZY_KINDS = frozenset({NodeKind.OUTLET, NodeKind.SECTION})
"""Rows whose children are read from the archive when first asked for."""

BOOKMARKS_LABEL = "Bookmarks"
SAVED_SEARCHES_LABEL = "Saved searches"

_GROUP_OF = {NodeKind.BOOKMARK: NodeKind.BOOKMARKS, NodeKind.SAVED_SEARCH: NodeKind.SAVED_SEARCHES}
_GROUP_LABELS = {NodeKind.BOOKMARKS: BOOKMARKS_LABEL, NodeKind.SAVED_SEARCHES: SAVED_SEARCHES_LABEL}
# User groups sit above the outlets, in this order.
_GROUP_ORDER = (NodeKind.BOOKMARKS, NodeKind.SAVED_SEARCHES)


class UserEntry(NamedTuple):
    """One row of a user group: a bookmark or a saved search.

    ``key`` names it in the reader's data (a bookmark's URL, a saved search's name);
    ``article_id`` is the bookmarked article in the open archive, None when it is not there
    (the row then shows greyed with ``tooltip`` saying why).
    """

    title: str
    key: str
    tooltip: str
    article_id: int | None = None


def greyed_text() -> QColor:
    """The colour of a row that cannot be opened: the palette's disabled text.

    The tree greys such rows with this colour rather than by clearing ``ItemIsEnabled`` in
    ``flags()``: a Python ``flags()`` returns ``Qt.ItemFlag``, and the first call would build
    Qt's whole enum namespace before the window's first paint (``lazyqt.py``).
    """
    return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows literally.

    Qt guesses whether a tooltip is rich text (``Qt::mightBeRichText``), so a seed title such
    as ``<b>x</b>`` would be rendered; escaping it inside a paragraph makes the guess harmless.
    """
    import html  # here: tooltips come after the first paint, and ``html`` costs it 3 ms

    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def section_label(section_path: str) -> str:
    """How a section path (``"News/World"``) reads in the window: ``"News › World"``."""
    return " › ".join(section_path.split("/")) if section_path else NO_SECTION_LABEL


class _Node:
    """A row of the tree above the articles: a user group or entry, an outlet or a section.

    A plain class, like ``_ArticleRows``, and ``_Page`` a ``NamedTuple``: the tree is made
    before the window's first paint, and making a dataclass's methods costs the start about
    0.5 ms a class. Nodes compare by identity (the tree keys its pages by node).
    """

    __slots__ = ("kind", "parent", "row", "name", "count", "outlet", "section", "entry",
                 "children", "ids", "shown", "rows", "loaded", "error")

    def __init__(
        self,
        kind: NodeKind,
        parent: _Node | None,
        row: int,
        *,
        name: str = "",
        count: int = 0,
        outlet: str = "",
        section: str = "",
        entry: UserEntry | None = None,
        loaded: bool = False,
    ) -> None:
        self.kind = kind
        self.parent = parent
        self.row = row
        self.name = name
        self.count = count
        self.outlet = outlet
        self.section = section
        self.entry = entry
        self.children: list[_Node] = []
        # For a section: the ids of its articles in the tree's order, fetched the first time a
        # view asks for its rows, of which ``shown`` are rows (``_next_batch``). Its article
        # rows have no node: their indexes point at ``rows``, and their row number is the
        # position in ``ids``.
        self.ids: array[int] | None = None
        self.shown = 0
        self.rows: _ArticleRows | None = None
        self.loaded = loaded
        self.error: str | None = None


class _ArticleRows:
    """What the indexes of a section's article rows point at: the section."""

    __slots__ = ("section",)

    def __init__(self, section: _Node) -> None:
        self.section = section


class _Page(NamedTuple):
    """Summaries fetched for one page of a section, by id; ``error`` when the fetch failed."""

    summaries: dict[int, ArticleSummary]
    error: str | None = None


class ArticleTreeModel(QAbstractItemModel):
    """Outlet › Section › Article, with counts; children are fetched when a node expands.

    Column 0 is the name (outlet, section or article title); column 1 is the article count of
    a group, or for an article the value it is sorted by (the date when sorted by title).
    Above the outlets, ``set_user_group`` adds the reader's Bookmarks and Saved searches (each
    shown only while it holds entries).
    """

    COLUMNS = 2

    def __init__(
        self, archive: Archive, order: SummaryOrder = "title", parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._order = order
        self._fetching = False
        self._pages: OrderedDict[tuple[_Node, int], _Page] = OrderedDict()
        self._root = _Node(NodeKind.OUTLET, None, 0, loaded=True)
        self._load_outlets()

    # -- our API -----------------------------------------------------------------------------

    @property
    def order(self) -> SummaryOrder:
        return self._order

    def set_order(self, order: str) -> None:
        """Sort articles by ``order`` (see ``SORT_ORDERS``); resets the model."""
        known = next((o for o, _label in SORT_ORDERS if o == order), None)
        if known is None:
            raise ValueError(f"unknown order {order!r}")
        if known == self._order:
            return
        self.beginResetModel()
        self._order = known
        self._pages.clear()
        self._load_outlets()
        self.endResetModel()

    def outlet_names(self) -> list[str]:
        """The outlets, in tree order (no query: the tree already holds them)."""
        return [node.name for node in self._outlets()]

    def total_count(self) -> int:
        """Articles in the archive: the sum of the outlets' counts (no extra query)."""
        return sum(node.count for node in self._outlets())

    def _outlets(self) -> list[_Node]:
        return [n for n in self._root.children if n.kind is NodeKind.OUTLET]

    def article_id(self, index: ModelIndex) -> int | None:
        """The article a row opens (an article or an available bookmark), else None."""
        article = self._article(index)
        if article is not None:
            return article[1]
        node = self._node(index)
        if node is None:
            return None
        return node.entry.article_id if node.entry is not None else None

    def user_entry(self, index: ModelIndex) -> UserEntry | None:
        """The bookmark or saved search of a row, else None."""
        node = self._node(index)
        return node.entry if node is not None else None

    def group_index(self, kind: NodeKind) -> QModelIndex:
        """The index of the Bookmarks or Saved searches group; invalid while it is empty."""
        for row, node in enumerate(self._root.children):
            if node.kind is kind:
                return self.createIndex(row, 0, node)
        return QModelIndex()

    def set_user_group(self, kind: NodeKind, entries: list[UserEntry]) -> None:
        """Show ``entries`` under the Bookmarks or Saved searches group (``kind``).

        The group row is added above the outlets when it gets its first entry and removed when
        it has none; only the group's own rows change, so the rest of the tree keeps its state.
        """
        if kind not in _GROUP_ORDER:
            raise ValueError(f"not a user group: {kind!r}")
        group = self.group_index(kind)
        if group.isValid():
            self._clear_group(group)
            if not entries:
                self._remove_top_row(group.row())
                return
        elif not entries:
            return
        else:
            group = self._insert_group(kind)
        node = self._node_or_root(group)
        self.beginInsertRows(group, 0, len(entries) - 1)
        node.children = [self._entry_node(node, row, e) for row, e in enumerate(entries)]
        node.count = len(entries)
        self.endInsertRows()
        self.dataChanged.emit(group, group.siblingAtColumn(1))

    def _entry_node(self, group: _Node, row: int, entry: UserEntry) -> _Node:
        kind = next(k for k, g in _GROUP_OF.items() if g is group.kind)
        return _Node(kind, group, row, name=entry.title, entry=entry, loaded=True)

    def _clear_group(self, group: QModelIndex) -> None:
        node = self._node_or_root(group)
        if not node.children:
            return
        self.beginRemoveRows(group, 0, len(node.children) - 1)
        node.children = []
        node.count = 0
        self.endRemoveRows()

    def _insert_group(self, kind: NodeKind) -> QModelIndex:
        rank = _GROUP_ORDER.index(kind)
        row = sum(1 for n in self._root.children if n.kind in _GROUP_ORDER[:rank])
        self.beginInsertRows(QModelIndex(), row, row)
        node = _Node(kind, self._root, row, name=_GROUP_LABELS[kind], loaded=True)
        self._root.children.insert(row, node)
        self._renumber_top()
        self.endInsertRows()
        return self.createIndex(row, 0, node)

    def _remove_top_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._root.children[row]
        self._renumber_top()
        self.endRemoveRows()

    def _renumber_top(self) -> None:
        for row, node in enumerate(self._root.children):
            node.row = row

    def index_of_article(self, outlet: str, section: str, article_id: int) -> QModelIndex:
        """The index of an article, loading its outlet and section as needed; invalid if absent.

        ``section`` is the section path (``"News/World"``, ``""`` for none).
        """
        outlet_index = self._child_index(
            QModelIndex(), lambda n: n.kind is NodeKind.OUTLET and n.outlet == outlet
        )
        if not outlet_index.isValid():
            return QModelIndex()
        section_index = self._child_index(outlet_index, lambda n: n.section == section)
        if not section_index.isValid():
            return QModelIndex()
        # Rows are revealed up to the article without fetching a summary: only the page the
        # view paints is fetched.
        node = self._node_or_root(section_index)
        self.rowCount(section_index)  # the section's ids and first rows
        if node.ids is None:
            return QModelIndex()
        try:
            row = node.ids.index(article_id)
        except ValueError:
            return QModelIndex()
        while node.shown <= row and self.can_reveal_more(section_index):
            self.reveal_more(section_index)
        return self.index(row, 0, section_index) if row < node.shown else QModelIndex()

    def _child_index(self, parent: QModelIndex, wanted: Callable[[_Node], bool]) -> QModelIndex:
        """The first child of ``parent`` (the root or an outlet) that ``wanted`` accepts."""
        node = self._node_or_root(parent)
        self.rowCount(parent)  # an outlet's sections, the first time
        for row, child in enumerate(node.children):
            if wanted(child):
                return self.index(row, 0, parent)
        return QModelIndex()

    # -- loading -----------------------------------------------------------------------------

    def _load_outlets(self) -> None:
        groups = [n for n in self._root.children if n.kind in _GROUP_ORDER]
        first = len(groups)
        self._root.children = groups + [
            _Node(NodeKind.OUTLET, self._root, first + row, name=g.name, count=g.count,
                  outlet=g.name)
            for row, g in enumerate(self._archive.outlets())
        ]

    def _load_sections(self, node: _Node) -> list[_Node]:
        return [
            _Node(
                NodeKind.SECTION,
                node,
                row,
                name=section_label(g.name),
                count=g.count,
                outlet=node.outlet,
                section=g.name,
            )
            for row, g in enumerate(self._archive.sections(node.outlet))
        ]

    def _summary(self, section: _Node, row: int) -> tuple[ArticleSummary | None, str | None]:
        """The summary of article ``row`` of ``section``, fetching its page the first time
        (or again once it has left the cache); else None and why."""
        assert section.ids is not None
        page_size = PAGE
        key = (section, row // page_size)
        page = self._pages.get(key)
        if page is None:
            start = key[1] * page_size
            try:
                fetched = self._archive.summaries(section.ids[start : start + page_size])
                page = _Page({s.id: s for s in fetched})
            except BroadsheetError as exc:
                page = _Page({}, exc.reason)
            self._pages[key] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(key)
        summary = page.summaries.get(section.ids[row])
        if summary is None:
            return None, page.error or "the article is no longer in the archive"
        return summary, None

    def _next_batch(self, node: _Node) -> int:
        """How many article rows of section ``node`` to reveal next, fetching its ids the first
        time; the caller shows them (inside insert signals once a view has seen the section)."""
        if node.ids is None:
            node.ids = array("q", self._archive.ids_in(node.outlet, node.section, self._order))
            node.rows = _ArticleRows(node)
        # The first REVEAL, then as many again as are shown: each insertion lays out every
        # shown row of the tree again, so doubling keeps scrolling to the end of a long
        # section linear in its length, not quadratic.
        n = min(max(REVEAL, node.shown), len(node.ids) - node.shown)
        if node.shown + max(n, 0) >= len(node.ids):
            node.loaded = True
        return max(n, 0)

    # -- Qt model API ------------------------------------------------------------------------

    def _node(self, index: ModelIndex) -> _Node | None:
        """The node of an outlet, section or user row; None for the root and article rows."""
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, _Node) else None

    def _article(self, index: ModelIndex) -> tuple[_Node, int] | None:
        """The section and id of an article row, else None."""
        if not index.isValid():
            return None
        rows = index.internalPointer()
        if not isinstance(rows, _ArticleRows):
            return None
        section = rows.section
        if section.ids is None or not 0 <= index.row() < section.shown:
            return None
        return section, section.ids[index.row()]

    def _node_or_root(self, index: ModelIndex) -> _Node:
        return self._node(index) or self._root

    # index, parent, rowCount and hasChildren run for every row a view lays out, and a view
    # lays out every shown row of every expanded node each time rows are inserted under one
    # of them: each reads the index's pointer once and calls no other Python method.

    def _parent_node(self, parent: ModelIndex) -> _Node | None:
        """The node whose children ``parent`` stands for: the root for an invalid index, None
        for an article row or a second-column cell (they have no children)."""
        if not parent.isValid():
            return self._root
        node = parent.internalPointer()
        return node if type(node) is _Node and parent.column() == 0 else None

    @override
    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:
        # _parent_node inline: this is the call made most.
        if not parent.isValid():
            node = self._root
        else:
            node = parent.internalPointer()
            if type(node) is not _Node or parent.column() != 0:
                return QModelIndex()
        if not 0 <= column < self.COLUMNS or row < 0:
            return QModelIndex()
        if not node.loaded and self._needs_first_rows(node):
            self._first_rows(node)
        rows = node.rows
        if rows is not None:
            return self.createIndex(row, column, rows) if row < node.shown else QModelIndex()
        children = node.children
        return self.createIndex(row, column, children[row]) if row < len(children) else (
            QModelIndex())

    @override
    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        pointer = index.internalPointer()
        if type(pointer) is _ArticleRows:
            return self.createIndex(pointer.section.row, 0, pointer.section)
        up = pointer.parent if type(pointer) is _Node else None
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    @override
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        node = self._parent_node(parent)
        if node is None:
            return 0
        if not node.loaded and self._needs_first_rows(node):
            self._first_rows(node)
        return node.shown if node.rows is not None else len(node.children)

    @override
    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return self.COLUMNS

    @override
    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:
        node = self._parent_node(parent)
        if node is None or node.kind in _LEAF_KINDS:
            return False
        if node is self._root:
            return bool(node.children)
        shown = node.shown if node.rows is not None else len(node.children)
        return shown > 0 or (not node.loaded and node.count > 0)

    # An outlet's sections and a section's first REVEAL articles appear the first time a view
    # asks for the node's rows, as it lays the node out on expanding it: they are there before
    # the view lays them out, and it lays out just them. Rows inserted later make QTreeView lay
    # out every shown row of the whole tree again, so Qt's fetchMore, which QTreeView calls
    # right after an expansion, is not used: the view calls ``reveal_more`` when the last shown
    # row of a section comes on screen.

    def _needs_first_rows(self, node: _Node) -> bool:
        return (not node.loaded and node.shown == 0 and not node.children
                and node.error is None and node.kind in _LAZY_KINDS)

    def _first_rows(self, node: _Node) -> None:
        """Load an outlet's sections, or fetch a section's ids and show its first articles.
        No signal: no view has seen the node's rows yet. A failure greys the node."""
        try:
            if node.kind is NodeKind.OUTLET:
                node.children = self._load_sections(node)
                node.loaded = True
            else:
                node.shown = self._next_batch(node)
        except BroadsheetError as exc:
            node.error = exc.reason

    def can_reveal_more(self, parent: ModelIndex) -> bool:
        """Whether section ``parent`` has articles not shown yet."""
        node = self._node(parent)
        return (node is not None and node.kind is NodeKind.SECTION and not node.loaded
                and node.error is None and parent.column() == 0)

    def reveal_more(self, parent: ModelIndex) -> None:
        """Show the next articles of section ``parent``, as many again as it shows (its first
        REVEAL, if no view has asked for them yet)."""
        node = self._node(parent)
        if node is None or self._fetching:
            return
        if self._needs_first_rows(node):
            self._first_rows(node)
            return
        if not self.can_reveal_more(parent):
            return
        self._fetching = True
        try:
            n = self._next_batch(node)
            if n > 0:
                self.beginInsertRows(parent, node.shown, node.shown + n - 1)
                node.shown += n
                self.endInsertRows()
        finally:
            self._fetching = False

    @override
    def data(self, index: ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        # Views ask for a dozen roles per cell as they lay out and paint; the ones this model
        # does not serve are answered before any other work.
        if role not in _TREE_ROLES:
            return None
        article = self._article(index)
        if article is not None:
            return self._article_data(index, article[0], article[1], role)
        node = self._node(index)
        if node is None:
            return None
        if role == DISPLAY_ROLE:
            return node.name if index.column() == 0 else self._second_column(node)
        if role == TOOLTIP_ROLE:
            return plain_tooltip(self._tooltip(node))
        if role == TEXT_ALIGNMENT_ROLE and index.column() == 1:
            return ALIGN_RIGHT_VCENTER
        if role == FONT_ROLE and node.kind in _GROUP_ORDER:
            font = QFont()
            font.setBold(True)
            return font
        if role == FOREGROUND_ROLE:
            # A failed group, or a bookmark whose article is not in this archive, shows greyed.
            missing = node.kind is NodeKind.BOOKMARK and self.article_id(index) is None
            return greyed_text() if node.error is not None or missing else None
        return self._custom_data(node, role)

    def _article_data(self, index: ModelIndex, section: _Node, article_id: int, role: int) -> Any:
        if role == Role.ARTICLE_ID:
            return article_id
        if role == Role.KIND:
            return int(NodeKind.ARTICLE)
        if role == Role.OUTLET:
            return section.outlet
        if role == Role.SECTION:
            return section.section
        if role == Role.COUNT or role == FONT_ROLE:
            return None
        if role == TEXT_ALIGNMENT_ROLE:
            if index.column() == 1:
                return ALIGN_RIGHT_VCENTER
            return None
        summary, error = self._summary(section, index.row())
        if role == Role.SUMMARY:
            return summary
        if role == FOREGROUND_ROLE:
            return greyed_text() if summary is None else None
        if summary is None:
            if role == TOOLTIP_ROLE:
                return plain_tooltip(f"Could not load: {error}")
            return "(could not load)" if index.column() == 0 else ""
        if role == TOOLTIP_ROLE:
            details = [summary.outlet, section_label("/".join(summary.section)),
                       summary.date or "undated"]
            return plain_tooltip(f"{summary.title}\n" + " · ".join(details))
        return summary.title if index.column() == 0 else self._sort_value(summary)

    def _custom_data(self, node: _Node, role: int) -> Any:
        if role == Role.KIND:
            return int(node.kind)
        if role == Role.ARTICLE_ID:
            return node.entry.article_id if node.entry is not None else None
        if role == Role.COUNT:
            return node.count
        if role == Role.OUTLET:
            return node.outlet
        if role == Role.SECTION:
            return node.section
        return None

    def _second_column(self, node: _Node) -> str:
        if node.entry is not None:
            return ""
        return f"{node.count:,}"

    def _sort_value(self, summary: ArticleSummary) -> str:
        """An article's second column: the value it is sorted by (the date by title)."""
        value: object = {"score": summary.score, "comments": summary.comments}.get(
            self._order, summary.date
        )
        return "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)

    def _second_column_title(self) -> str:
        return "Date" if self._order == "title" else dict(SORT_ORDERS)[self._order]

    def _tooltip(self, node: _Node) -> str:
        if node.error is not None:
            return f"Could not load: {node.error}"
        if node.entry is not None:
            return node.entry.tooltip
        noun = "article" if node.count == 1 else "articles"
        return f"{node.name}: {node.count:,} {noun}"

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY_ROLE:
            return "Article" if section == 0 else self._second_column_title()
        return None


class SearchResultModel(QAbstractListModel):
    """The hits of one search, best first: title, outlet and a snippet with matched words.

    ``Role.SNIPPET_PARTS`` gives ``((text, matched), ...)`` for the delegate to emphasise.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._query = ""

    @property
    def query(self) -> str:
        return self._query

    def set_hits(self, query: str, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._query = query
        self._hits = list(hits)
        self.endResetModel()

    def clear(self) -> None:
        self.set_hits("", [])

    def hit(self, row: int) -> SearchHit:
        return self._hits[row]

    def article_ids(self) -> list[int]:
        return [h.id for h in self._hits]

    def row_of(self, article_id: int) -> int | None:
        """The row of the hit on article ``article_id``, or None when it is not listed."""
        return next((row for row, h in enumerate(self._hits) if h.id == article_id), None)

    @override
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    @override
    def data(self, index: ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == DISPLAY_ROLE:
            return hit.title
        if role == TOOLTIP_ROLE:
            return plain_tooltip(f"{hit.title}\n{hit.outlet}\n{hit.snippet}")
        if role == ACCESSIBLE_TEXT_ROLE:
            return f"{hit.title}. {hit.outlet}. {hit.snippet}"
        if role == Role.ARTICLE_ID:
            return hit.id
        if role == Role.OUTLET:
            return hit.outlet
        if role == Role.SECTION:
            return hit.section
        if role == Role.SNIPPET_PARTS:
            return hit.snippet_parts
        return None
