"""Fixtures for the window's tests: the main window on the shared test archive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.data.archive import Archive
from desktop.ui.mainwindow import MainWindow


@pytest.fixture
def window(qtbot: QtBot, archive: Archive) -> Iterator[MainWindow]:
    """The main window on the shared archive, shown; the app's palette and colour scheme are
    put back afterwards, so a theme test cannot leak into the next test."""
    palette = QApplication.palette()
    win = MainWindow(archive, theme="light")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.search_bar.shutdown()
    QApplication.setPalette(palette)
    QGuiApplication.styleHints().unsetColorScheme()
