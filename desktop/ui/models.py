"""Qt item models over the archive: the Outlet › Section › Article tree and search results.

Models are thin (STYLE §5.1, §5.2): they hold ids and summaries the ``Archive`` hands out and
reveal them a page at a time. The tree shows outlets at once (one indexed query), loads an
outlet's sections when it is expanded and a section's articles when that is expanded. No
widgets here, and no SQL: every query goes through ``Archive``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from typing_extensions import override

from desktop.data.archive import Archive, ArticleSummary, SearchHit, SummaryOrder
from desktop.errors import BroadsheetError

ModelIndex = QModelIndex | QPersistentModelIndex

PAGE = 500
"""Articles revealed per ``fetchMore`` call in a section."""

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

    ARTICLE_ID = Qt.ItemDataRole.UserRole + 1
    KIND = Qt.ItemDataRole.UserRole + 2
    COUNT = Qt.ItemDataRole.UserRole + 3
    OUTLET = Qt.ItemDataRole.UserRole + 4
    SECTION = Qt.ItemDataRole.UserRole + 5
    SNIPPET_PARTS = Qt.ItemDataRole.UserRole + 6
    SUMMARY = Qt.ItemDataRole.UserRole + 7


class NodeKind(IntEnum):
    """What a row of the article tree stands for."""

    OUTLET = 1
    SECTION = 2
    ARTICLE = 3


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows literally.

    Qt guesses whether a tooltip is rich text (``Qt::mightBeRichText``), so a seed title such
    as ``<b>x</b>`` would be rendered; escaping it inside a paragraph makes the guess harmless.
    """
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def section_label(section_path: str) -> str:
    """How a section path (``"News/World"``) reads in the window: ``"News › World"``."""
    return " › ".join(section_path.split("/")) if section_path else NO_SECTION_LABEL


@dataclass(eq=False)
class _Node:
    kind: NodeKind
    parent: _Node | None
    row: int
    name: str = ""
    count: int = 0
    outlet: str = ""
    section: str = ""
    summary: ArticleSummary | None = None
    children: list[_Node] = field(default_factory=list)
    # For a section: every summary, fetched on first expansion, revealed PAGE at a time.
    pending: list[ArticleSummary] | None = None
    loaded: bool = False
    error: str | None = None


class ArticleTreeModel(QAbstractItemModel):
    """Outlet › Section › Article, with counts; children are fetched when a node expands.

    Column 0 is the name (outlet, section or article title); column 1 is the article count of
    a group, or for an article the value it is sorted by (the date when sorted by title).
    """

    COLUMNS = 2

    def __init__(
        self, archive: Archive, order: SummaryOrder = "title", parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._order = order
        self._fetching = False
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
        self._load_outlets()
        self.endResetModel()

    def outlet_names(self) -> list[str]:
        """The outlets, in tree order (no query: the tree already holds them)."""
        return [node.name for node in self._root.children]

    def total_count(self) -> int:
        """Articles in the archive: the sum of the outlets' counts (no extra query)."""
        return sum(node.count for node in self._root.children)

    def article_id(self, index: ModelIndex) -> int | None:
        node = self._node(index)
        if node is None or node.summary is None:
            return None
        return node.summary.id

    def index_of_article(self, outlet: str, section: str, article_id: int) -> QModelIndex:
        """The index of an article, loading its outlet and section as needed; invalid if absent.

        ``section`` is the section path (``"News/World"``, ``""`` for none).
        """
        outlet_index = self._child_index(QModelIndex(), lambda n: n.outlet == outlet)
        if not outlet_index.isValid():
            return QModelIndex()
        section_index = self._child_index(outlet_index, lambda n: n.section == section)
        if not section_index.isValid():
            return QModelIndex()
        return self._child_index(
            section_index, lambda n: n.summary is not None and n.summary.id == article_id
        )

    def _child_index(self, parent: QModelIndex, wanted: Callable[[_Node], bool]) -> QModelIndex:
        """The first child of ``parent`` that ``wanted`` accepts, fetching pages until found."""
        node = self._node_or_root(parent)
        checked = 0
        while True:
            for row in range(checked, len(node.children)):
                if wanted(node.children[row]):
                    return self.index(row, 0, parent)
            checked = len(node.children)
            if not self.canFetchMore(parent):
                return QModelIndex()
            self.fetchMore(parent)
            if len(node.children) == checked:
                return QModelIndex()

    # -- loading -----------------------------------------------------------------------------

    def _load_outlets(self) -> None:
        self._root.children = [
            _Node(NodeKind.OUTLET, self._root, row, name=g.name, count=g.count, outlet=g.name)
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

    def _article_node(self, parent: _Node, row: int, summary: ArticleSummary) -> _Node:
        return _Node(
            NodeKind.ARTICLE,
            parent,
            row,
            name=summary.title,
            outlet=parent.outlet,
            section=parent.section,
            summary=summary,
            loaded=True,
        )

    def _next_batch(self, node: _Node) -> list[_Node]:
        """The children ``fetchMore`` adds next: all sections, or the next page of articles."""
        if node.kind is NodeKind.OUTLET:
            node.loaded = True
            return self._load_sections(node)
        if node.pending is None:
            node.pending = self._archive.summaries_in(node.outlet, node.section, self._order)
        start = len(node.children)
        page = node.pending[start : start + PAGE]
        if start + len(page) >= len(node.pending):
            node.loaded = True
        return [self._article_node(node, start + i, s) for i, s in enumerate(page)]

    # -- Qt model API ------------------------------------------------------------------------

    def _node(self, index: ModelIndex) -> _Node | None:
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, _Node) else None

    def _node_or_root(self, index: ModelIndex) -> _Node:
        return self._node(index) or self._root

    @override
    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        node = self._node_or_root(parent)
        return self.createIndex(row, column, node.children[row])

    @override
    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        node = self._node(index)
        if node is None or node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    @override
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        if parent.column() > 0:
            return 0
        return len(self._node_or_root(parent).children)

    @override
    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return self.COLUMNS

    @override
    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:
        if parent.column() > 0:
            return False
        node = self._node_or_root(parent)
        if node is self._root:
            return bool(node.children)
        if node.kind is NodeKind.ARTICLE:
            return False
        return bool(node.children) or (not node.loaded and node.count > 0)

    @override
    def canFetchMore(self, parent: ModelIndex) -> bool:
        node = self._node(parent)
        if node is None or node.kind is NodeKind.ARTICLE or parent.column() > 0:
            return False
        return not node.loaded and node.error is None

    @override
    def fetchMore(self, parent: ModelIndex) -> None:
        node = self._node(parent)
        if self._fetching or node is None or not self.canFetchMore(parent):
            return
        self._fetching = True
        try:
            self._insert_children(parent, node)
        finally:
            self._fetching = False

    def _insert_children(self, parent: ModelIndex, node: _Node) -> None:
        try:
            batch = self._next_batch(node)
        except BroadsheetError as exc:
            node.error = exc.reason
            self.dataChanged.emit(parent, parent)
            return
        if not batch:
            return
        first = len(node.children)
        self.beginInsertRows(parent, first, first + len(batch) - 1)
        node.children.extend(batch)
        self.endInsertRows()

    @override
    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        node = self._node(index)
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        if node.error is not None:
            return Qt.ItemFlag.ItemIsSelectable
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if node.kind is NodeKind.ARTICLE:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    @override
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return node.name if index.column() == 0 else self._second_column(node)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(node))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self._custom_data(node, role)

    def _custom_data(self, node: _Node, role: int) -> Any:
        if role == Role.KIND:
            return int(node.kind)
        if role == Role.ARTICLE_ID:
            return node.summary.id if node.summary is not None else None
        if role == Role.COUNT:
            return node.count if node.kind is not NodeKind.ARTICLE else None
        if role == Role.OUTLET:
            return node.outlet
        if role == Role.SECTION:
            return node.section
        if role == Role.SUMMARY:
            return node.summary
        return None

    def _second_column(self, node: _Node) -> str:
        if node.kind is not NodeKind.ARTICLE:
            return f"{node.count:,}"
        summary = node.summary
        assert summary is not None
        value: object = {"score": summary.score, "comments": summary.comments}.get(
            self._order, summary.date
        )
        return "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)

    def _second_column_title(self) -> str:
        return "Date" if self._order == "title" else dict(SORT_ORDERS)[self._order]

    def _tooltip(self, node: _Node) -> str:
        if node.error is not None:
            return f"Could not load: {node.error}"
        if node.summary is None:
            noun = "article" if node.count == 1 else "articles"
            return f"{node.name}: {node.count:,} {noun}"
        s = node.summary
        details = [s.outlet, section_label("/".join(s.section)), s.date or "undated"]
        return f"{s.title}\n" + " · ".join(details)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
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

    @override
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    @override
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{hit.title}\n{hit.outlet}\n{hit.snippet}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
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
