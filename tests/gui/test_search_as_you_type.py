"""Search as you type: the titles that match come first, then the full ranked page replaces
them without taking the reader's choice away."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.data.archive import Archive, SearchHit
from desktop.ui.mainwindow import RESULTS_PAGE, MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

# In the test archive "trump" is in two titles and in two more articles' text.
QUERY = "trump"


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(box: QMessageBox) -> int:
        raise AssertionError(f"unexpected message box: {box.text()}")

    monkeypatch.setattr(QMessageBox, "exec", fail)


def shown_ids(window: MainWindow) -> list[int]:
    return window.results_model.article_ids()


def selected_id(window: MainWindow) -> int | None:
    index = window.results_view.currentIndex()
    return window.results_model.hit(index.row()).id if index.isValid() else None


def pages(archive: Archive, query: str) -> tuple[list[SearchHit], list[SearchHit]]:
    return archive.search_titles(query, limit=100), archive.search(query, limit=100)


def test_typing_shows_the_matching_titles_first_then_the_full_page(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    titles, full = pages(archive, QUERY)
    assert 0 < len(titles) < len(full)  # the archive makes the two pages differ
    seen: list[tuple[str, list[int], str]] = []
    window.first_results_shown.connect(
        lambda _g: seen.append(("first", shown_ids(window), window.results_label.text())))
    window.full_results_shown.connect(
        lambda _g: seen.append(("full", shown_ids(window), window.results_label.text())))
    with qtbot.waitSignal(window.full_results_shown, timeout=5000) as full_signal, \
            qtbot.waitSignal(window.first_results_shown, timeout=5000) as first_signal:
        qtbot.keyClicks(window.search_bar.field, QUERY)
    assert first_signal.args == full_signal.args == [window.search_bar.generation]
    assert seen == [
        ("first", [h.id for h in titles], f"{len(titles)} titles match “{QUERY}”; "
                                          "searching the full text…"),
        ("full", [h.id for h in full], f"{len(full)} results for “{QUERY}”"),
    ]
    assert window.side.currentIndex() == RESULTS_PAGE


def test_the_search_bar_hands_over_titles_then_the_full_page_of_the_same_generation(
    qtbot: QtBot, window: MainWindow
) -> None:
    order: list[tuple[str, int, str]] = []
    bar = window.search_bar
    bar.titles_found.connect(lambda g, q, _hits: order.append(("titles", g, q)))
    bar.search_finished.connect(lambda g, q, _hits: order.append(("full", g, q)))
    with qtbot.waitSignal(bar.search_finished, timeout=5000):
        bar.search_now(QUERY)
    assert order == [("titles", bar.generation, QUERY), ("full", bar.generation, QUERY)]


def test_the_hit_being_read_stays_selected_when_the_full_page_replaces_the_titles(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    titles, full = pages(archive, QUERY)
    generation = window.search_bar.generation
    window.search_bar.titles_found.emit(generation, QUERY, titles)
    chosen = titles[-1].id
    window.results_view.setCurrentIndex(window.results_model.index(len(titles) - 1, 0))
    assert window.current is not None and window.current.id == chosen
    window.reader.verticalScrollBar().setValue(window.reader.verticalScrollBar().maximum())
    position = window.reader.verticalScrollBar().value()
    opened: list[int] = []
    window.article_opened.connect(opened.append)
    window.search_bar.search_finished.emit(generation, QUERY, full)
    assert shown_ids(window) == [h.id for h in full]
    assert selected_id(window) == chosen
    view = window.results_view
    rect = view.visualRect(view.currentIndex())
    assert view.viewport().rect().intersects(rect)  # still in sight
    assert opened == []  # nothing opened again: the reader stays where it was
    assert window.current is not None and window.current.id == chosen
    assert window.reader.verticalScrollBar().value() == position


def test_the_list_keeps_its_scroll_position_when_the_full_page_arrives(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    titles, full = pages(archive, QUERY)
    window.resize(900, 260)  # a short list, so it scrolls
    generation = window.search_bar.generation
    window.search_bar.titles_found.emit(generation, QUERY, titles)
    bar = window.results_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    bar.setValue(bar.maximum())
    scrolled = bar.value()
    window.search_bar.search_finished.emit(generation, QUERY, full)
    QApplication.processEvents()  # the list lays its new rows out
    assert bar.value() == scrolled > 0


def test_a_hit_the_full_page_drops_is_unselected_but_stays_open(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    titles, _full = pages(archive, QUERY)
    generation = window.search_bar.generation
    window.search_bar.titles_found.emit(generation, QUERY, titles)
    window.results_view.setCurrentIndex(window.results_model.index(0, 0))
    chosen = titles[0].id
    others = [h for h in archive.search(QUERY, limit=100) if h.id != chosen]
    window.search_bar.search_finished.emit(generation, QUERY, others)
    assert selected_id(window) is None
    assert window.current is not None and window.current.id == chosen


def test_no_matching_title_shows_nothing_until_the_full_page(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    _titles, full = pages(archive, QUERY)
    first: list[int] = []
    window.first_results_shown.connect(first.append)
    generation = window.search_bar.generation
    window.search_bar.titles_found.emit(generation, QUERY, [])
    assert first == []
    assert "Nothing found" not in window.results_label.text()
    window.search_bar.search_finished.emit(generation, QUERY, full)
    assert first == [generation]
    assert shown_ids(window) == [h.id for h in full]


def test_a_superseded_query_shows_neither_of_its_pages(qtbot: QtBot, window: MainWindow) -> None:
    pages_seen: list[tuple[str, str]] = []
    bar = window.search_bar
    bar.titles_found.connect(lambda _g, q, _hits: pages_seen.append(("titles", q)))
    bar.search_finished.connect(lambda _g, q, _hits: pages_seen.append(("full", q)))
    shown: list[int] = []
    window.first_results_shown.connect(shown.append)
    bar.search_now("mosul")
    with qtbot.waitSignal(bar.search_finished, timeout=5000):
        bar.search_now("bahamas")
    bar.shutdown()  # wait for every worker, then deliver what is queued
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    assert pages_seen == [("titles", "bahamas"), ("full", "bahamas")]
    assert shown == [bar.generation - 1]  # shutdown() moved the generation on
