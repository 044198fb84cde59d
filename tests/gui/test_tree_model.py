"""The Outlet › Section › Article tree: Qt's model checks, counts, sorting and lazy loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from desktop.data.archive import Archive
from desktop.data.importer import import_seeds
from desktop.ui import models
from desktop.ui.models import ArticleTreeModel, NodeKind, Role

GUARDIAN = "The Guardian"
US_NEWS = "US News"

# (URL, score, comments): one outlet and section, so the orders are easy to tell apart.
SORT_SEEDS = (
    ("https://www.theguardian.com/us-news/2016/dec/03/banana-harvest-report", 5, 900),
    ("https://www.theguardian.com/us-news/2016/dec/01/apple-growers-meet", 300, 2),
    ("https://www.theguardian.com/us-news/2016/dec/02/cherry-season-opens", 40, 60),
)


def write_seeds(folder: Path, seeds: tuple[tuple[str, int, int], ...]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (url, score, comments) in enumerate(seeds):
        path = folder / f"seed_{i}.txt"
        path.write_text(
            f"{url}\n{score}\n{comments}\nA paragraph of body text number {i}.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


@pytest.fixture
def sort_archive(tmp_path: Path) -> Any:
    db = tmp_path / "sort.db"
    import_seeds(write_seeds(tmp_path / "seeds", SORT_SEEDS), db)
    archive = Archive(db)
    yield archive
    archive.close()


class CountingArchive:
    """An Archive stand-in that records which queries the model makes."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._archive, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return method(*args, **kwargs)

        return call


def titles_in(model: ArticleTreeModel, parent: QModelIndex) -> list[str]:
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def child_named(model: ArticleTreeModel, parent: QModelIndex, name: str) -> QModelIndex:
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data() == name:
            return index
    raise AssertionError(f"{name!r} not among {titles_in(model, parent)}")


def fetch_everything(model: ArticleTreeModel, parent: QModelIndex = QModelIndex()) -> None:
    while model.can_reveal_more(parent):
        model.reveal_more(parent)
    for row in range(model.rowCount(parent)):
        fetch_everything(model, model.index(row, 0, parent))


def test_tree_model_passes_qt_model_tester_before_and_after_loading(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    model = ArticleTreeModel(archive)
    qtmodeltester.check(model)
    fetch_everything(model)
    qtmodeltester.check(model)


def test_tree_model_passes_qt_model_tester_while_pages_load(
    qtmodeltester: ModelTester, sort_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The C++ tester stays connected and checks every later insert. (It cannot watch a
    # reset of a lazy model: it fetches children inside its own modelReset handler, before
    # it marks the reset finished, and then reports its own inserts as overlapping.)
    monkeypatch.setattr(models, "PAGE", 2)
    monkeypatch.setattr(models, "REVEAL", 2)
    model = ArticleTreeModel(sort_archive)
    model.set_order("score")
    qtmodeltester.check(model)
    fetch_everything(model)
    assert model.rowCount(model.index(0, 0, model.index(0, 0))) == 3


def test_outlets_show_their_article_counts(archive: Archive) -> None:
    model = ArticleTreeModel(archive)
    rows = {
        model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())
    }
    assert rows["The Guardian"] == "1"
    assert rows["Reuters"] == "1"
    assert rows == {g.name: f"{g.count:,}" for g in archive.outlets()}
    independent = child_named(model, QModelIndex(), "The Independent")
    assert independent.data(Role.COUNT) == sum(g.count for g in archive.sections("The Independent"))


def test_sections_read_as_paths_with_counts(archive: Archive) -> None:
    model = ArticleTreeModel(archive)
    independent = child_named(model, QModelIndex(), "The Independent")
    assert titles_in(model, independent) == ["News › UK › Home News", "News › World › Middle East"]
    assert model.index(0, 1, independent).data() == "1"
    assert model.index(0, 0, independent).data(Role.KIND) == NodeKind.SECTION


def test_article_rows_carry_their_id_and_title(archive: Archive) -> None:
    model = ArticleTreeModel(archive)
    guardian = child_named(model, QModelIndex(), GUARDIAN)
    section = child_named(model, guardian, US_NEWS)
    article = model.index(0, 0, section)
    assert article.data() == "Rex Tillerson director Bahamas US-Russian oil firm leak"
    article_id = model.article_id(article)
    assert article_id is not None and article_id == article.data(Role.ARTICLE_ID)
    assert archive.get(article_id).article.title == article.data()
    assert not model.hasChildren(article)


def test_sort_control_orders_articles_by_title_score_comments_and_date(
    sort_archive: Archive,
) -> None:
    model = ArticleTreeModel(sort_archive)
    section = child_named(model, child_named(model, QModelIndex(), GUARDIAN), US_NEWS)
    by_title = titles_in(model, section)
    assert [t.split()[0] for t in by_title] == ["Apple", "Banana", "Cherry"]

    expected = {
        "score": (["Apple", "Cherry", "Banana"], ["300", "40", "5"]),
        "comments": (["Banana", "Cherry", "Apple"], ["900", "60", "2"]),
        "date": (["Banana", "Cherry", "Apple"], ["2016-12-03", "2016-12-02", "2016-12-01"]),
    }
    for order, (first_words, second_column) in expected.items():
        model.set_order(order)
        section = child_named(model, child_named(model, QModelIndex(), GUARDIAN), US_NEWS)
        assert [t.split()[0] for t in titles_in(model, section)] == first_words, order
        assert [model.index(r, 1, section).data() for r in range(3)] == second_column, order


def test_set_order_resets_the_model(qtbot: Any, sort_archive: Archive) -> None:
    model = ArticleTreeModel(sort_archive)
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_order("comments")
    assert model.order == "comments"
    with pytest.raises(ValueError):
        model.set_order("colour")


def test_only_outlets_are_queried_until_a_view_asks_for_a_nodes_rows(archive: Archive) -> None:
    counting = CountingArchive(archive)
    model = ArticleTreeModel(counting)  # type: ignore[arg-type]
    assert counting.calls == ["outlets"]
    guardian = next(model.index(r, 0) for r in range(model.rowCount())
                    if model.index(r, 0).data() == GUARDIAN)
    # A collapsed outlet shows an expander without loading its sections.
    assert model.hasChildren(guardian) and counting.calls == ["outlets"]
    # A view asks for the rows as it expands the outlet: they are there, with no insertion.
    assert model.rowCount(guardian) == len(archive.sections(GUARDIAN))
    assert counting.calls == ["outlets", "sections"]
    section = model.index(0, 0, guardian)
    assert model.hasChildren(section) and counting.calls == ["outlets", "sections"]
    # Expanding a section fetches its ids only; a row's summary waits until it is painted.
    assert model.rowCount(section) == 1
    assert counting.calls == ["outlets", "sections", "ids_in"]
    assert not model.can_reveal_more(section)
    assert model.index(0, 0, section).data()
    assert counting.calls == ["outlets", "sections", "ids_in", "summaries"]


def test_a_section_reveals_its_articles_a_page_at_a_time(
    qtbot: Any, sort_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "PAGE", 2)
    monkeypatch.setattr(models, "REVEAL", 2)
    counting = CountingArchive(sort_archive)
    model = ArticleTreeModel(counting)  # type: ignore[arg-type]
    section = child_named(model, child_named(model, QModelIndex(), GUARDIAN), US_NEWS)
    assert model.rowCount(section) == 2
    assert model.can_reveal_more(section)
    with qtbot.waitSignal(model.rowsInserted, timeout=1000) as inserted:
        model.reveal_more(section)
    assert inserted.args[1:] == [2, 2]
    assert model.rowCount(section) == 3
    assert not model.can_reveal_more(section)
    assert counting.calls.count("ids_in") == 1
    assert "summaries" not in counting.calls and "summaries_in" not in counting.calls


def test_a_view_of_the_collapsed_tree_queries_only_the_outlets(
    qtbot: Any, archive: Archive
) -> None:
    """Painting the collapsed tree (the window's first paint) reads no outlet's sections."""
    from PySide6.QtWidgets import QTreeView

    counting = CountingArchive(archive)
    model = ArticleTreeModel(counting)  # type: ignore[arg-type]
    view = QTreeView()
    qtbot.addWidget(view)
    view.setUniformRowHeights(True)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    assert counting.calls == ["outlets"]


def test_expanding_lays_out_the_new_rows_only(qtbot: Any, archive: Archive) -> None:
    """An outlet's and a section's rows are there when a view expands them: no insertion,
    which would make QTreeView lay out every shown row of the tree again."""
    from PySide6.QtWidgets import QTreeView

    model = ArticleTreeModel(archive)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    inserted: list[object] = []
    model.rowsInserted.connect(lambda *args: inserted.append(args))
    guardian = child_named(model, QModelIndex(), GUARDIAN)
    view.expand(guardian)
    section = model.index(0, 0, guardian)
    view.expand(section)
    qtbot.wait(10)
    assert inserted == []
    assert view.isExpanded(section)
    first = model.index(0, 0, section)
    assert view.visualRect(first).isValid() and first.data()


def test_index_of_article_loads_the_path_to_it(archive: Archive) -> None:
    model = ArticleTreeModel(archive)
    record = archive.get(archive.search("tillerson")[0].id)
    index = model.index_of_article(
        record.article.outlet, record.article.section_path, record.id
    )
    assert index.isValid()
    assert model.article_id(index) == record.id
    assert index.parent().data() == US_NEWS
    assert not model.index_of_article("No Such Outlet", "", record.id).isValid()


def test_group_rows_say_how_many_articles_in_their_tooltip(archive: Archive) -> None:
    model = ArticleTreeModel(archive)
    guardian = child_named(model, QModelIndex(), GUARDIAN)
    assert guardian.data(Qt.ItemDataRole.ToolTipRole) == "<p>The Guardian: 1 article</p>"


def test_tooltips_show_seed_markup_literally() -> None:
    assert models.plain_tooltip("<b>x</b> & y\nz") == "<p>&lt;b&gt;x&lt;/b&gt; &amp; y<br>z</p>"


BIG_SECTION = 1200


@pytest.fixture(scope="module")
def big_section_archive(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One outlet and section holding ``BIG_SECTION`` articles, imported from seed files."""
    folder = tmp_path_factory.mktemp("big")
    seeds = tuple(
        (f"https://www.theguardian.com/us-news/2016/dec/{1 + i % 28:02d}/story-{i:04d}-report",
         i, BIG_SECTION - i)
        for i in range(BIG_SECTION)
    )
    import_seeds(write_seeds(folder / "seeds", seeds), folder / "big.db")
    archive = Archive(folder / "big.db")
    yield archive
    archive.close()


def test_revealing_an_article_deep_in_a_big_section_fetches_only_the_pages_painted(
    qtbot: Any, big_section_archive: Archive
) -> None:
    from PySide6.QtWidgets import QTreeView

    archive = big_section_archive
    expected = archive.summaries_in(GUARDIAN, US_NEWS, "title")
    assert len(expected) == BIG_SECTION
    deep = expected[1100]
    counting = CountingArchive(archive)
    model = ArticleTreeModel(counting)  # type: ignore[arg-type]

    index = model.index_of_article(GUARDIAN, US_NEWS, deep.id)
    assert index.isValid() and index.row() == 1100
    assert model.article_id(index) == deep.id
    # Rows up to the article are revealed from the id list alone: no summary fetched yet.
    assert "summaries_in" not in counting.calls and "summaries" not in counting.calls
    assert counting.calls.count("ids_in") == 1

    view = QTreeView()
    qtbot.addWidget(view)
    view.setUniformRowHeights(True)
    view.setModel(model)
    view.resize(400, 300)
    view.show()
    view.setCurrentIndex(index)
    view.scrollTo(index)
    qtbot.waitExposed(view)
    qtbot.wait(50)
    assert "summaries_in" not in counting.calls
    assert 1 <= counting.calls.count("summaries") <= 2
    assert index.data() == deep.title

    section = index.parent()
    painted = [
        row for row in range(model.rowCount(section))
        if view.visualRect(model.index(row, 0, section)).intersects(view.viewport().rect())
    ]
    assert 1100 in painted
    assert [model.index(r, 0, section).data() for r in painted] == [
        expected[r].title for r in painted
    ]


def test_a_long_section_doubles_its_shown_rows_on_each_reveal(
    big_section_archive: Archive,
) -> None:
    """Each insertion makes QTreeView lay out every shown row again, so a section shows as
    many again each time: few insertions to reach the end of a long section."""
    model = ArticleTreeModel(big_section_archive)
    section = child_named(model, child_named(model, QModelIndex(), GUARDIAN), US_NEWS)
    shown = [model.rowCount(section)]
    while model.can_reveal_more(section):
        model.reveal_more(section)
        shown.append(model.rowCount(section))
    assert shown == [100, 200, 400, 800, BIG_SECTION]


def test_every_row_of_a_big_section_reads_right_with_a_bounded_cache(
    big_section_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "PAGE", 100)
    monkeypatch.setattr(models, "REVEAL", 30)  # rows are shown in other steps than fetched
    for order in ("title", "score"):
        expected = big_section_archive.summaries_in(GUARDIAN, US_NEWS, order)
        counting = CountingArchive(big_section_archive)
        model = ArticleTreeModel(counting, order)  # type: ignore[arg-type]
        section = child_named(model, child_named(model, QModelIndex(), GUARDIAN), US_NEWS)
        fetch_everything(model, section)
        assert model.rowCount(section) == BIG_SECTION
        rows = [model.index(r, 0, section) for r in range(BIG_SECTION)]
        assert [i.data() for i in rows] == [s.title for s in expected], order
        assert [i.data(Role.ARTICLE_ID) for i in rows] == [s.id for s in expected]
        assert counting.calls.count("summaries") == BIG_SECTION // 100
        assert len(model._pages) <= models.CACHED_PAGES
        # A page dropped from the cache is fetched again when painted.
        assert rows[0].data() == expected[0].title
        assert counting.calls.count("summaries") == BIG_SECTION // 100 + 1
