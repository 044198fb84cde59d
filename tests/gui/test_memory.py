"""What the window keeps in memory as articles open: the shown article, and ids for the rest."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop.data.archive import Archive
from desktop.ui.mainwindow import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_opening_another_article_releases_the_previous_document(
    qtbot: QtBot, archive: Archive
) -> None:
    window = MainWindow(archive, theme="light")
    qtbot.addWidget(window)
    window.show()
    first, second = sorted(s.id for o in archive.outlets()
                           for sec in archive.sections(o.name)
                           for s in archive.summaries_in(o.name, sec.name))[:2]
    assert window.open_article(first)
    previous = window.reader.document()
    assert not previous.isEmpty()
    assert window.open_article(second)
    assert window.reader.document() is not previous
    assert previous.isEmpty()  # its text, layout and images are gone at once
    assert window.current is not None and window.current.id == second
    window.search_bar.shutdown()


def test_history_holds_article_ids_and_reopens_them_from_the_archive(
    qtbot: QtBot, archive: Archive
) -> None:
    window = MainWindow(archive, theme="light")
    qtbot.addWidget(window)
    window.show()
    ids = [s.id for s in archive.summaries_in(archive.outlets()[0].name,
                                              archive.sections(archive.outlets()[0].name)[0].name)]
    others = [h.id for h in archive.search("trump", limit=3)]
    for article_id in [*ids[:1], *others]:
        assert window.open_article(article_id)
    assert all(isinstance(i, int) for i in window._history)
    window.go_back()
    assert window.current is not None and window.current.id == others[-2]
    assert window.current.article.title in window.reader.toPlainText()
    window.search_bar.shutdown()
