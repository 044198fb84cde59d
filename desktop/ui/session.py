"""Where the reader left off: window geometry, splitter, zoom, theme and the last article.

``save_session`` writes them to ``UserData`` settings when the window closes;
``restore_session`` puts the window back before it is shown, and ``reopen_last_article`` opens
the last article once it is (the reading position depends on the shown reader's size). The
check modes (``--screenshot``, ``--self-test``) and a start with ``--open``/``--search`` never
restore, so they do not depend on an earlier run. Reading positions within articles are the
window's (saved on leaving an article). A setting that cannot be read or is malformed is
skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray

from desktop.data.userdata import Setting, UserData, UserDataError
from desktop.errors import BroadsheetError

if TYPE_CHECKING:
    from desktop.ui.mainwindow import MainWindow

THEMES = ("system", "light", "dark")


def save_session(window: MainWindow, userdata: UserData) -> str | None:
    """Store the window's state; returns why it could not be saved, or None."""
    current = window.current
    window.notes  # noqa: B018 - built on first use; the saved state must place it
    values: dict[Setting, object] = {
        Setting.WINDOW_GEOMETRY: bytes(window.saveGeometry().data()),
        Setting.WINDOW_STATE: bytes(window.saveState().data()),
        Setting.SPLITTER_SIZES: list(window.splitter.sizes()),
        Setting.ZOOM: window.reader.zoom,
        Setting.THEME: window.theme_mode(),
        Setting.LAST_ARTICLE: current.article.url if current is not None else None,
    }
    try:
        for key, value in values.items():
            userdata.set_setting(key, value)  # type: ignore[arg-type]
    except UserDataError as exc:
        return str(exc)
    return None


def restore_session(window: MainWindow, userdata: UserData, *, theme: bool = True) -> None:
    """Put back what ``save_session`` stored; ``theme=False`` keeps a theme given on start."""
    try:
        settings = {key: userdata.setting(key) for key in Setting}
    except UserDataError:
        return
    geometry, state = settings[Setting.WINDOW_GEOMETRY], settings[Setting.WINDOW_STATE]
    if isinstance(geometry, bytes):
        window.restoreGeometry(QByteArray(geometry))
    if isinstance(state, bytes):
        # The Notes dock is built on first use; the state places it (and shows it when it was
        # open), so it is built first, as ``save_session`` does before saving the state.
        window.notes  # noqa: B018
        window.restoreState(QByteArray(state))
    sizes = settings[Setting.SPLITTER_SIZES]
    if isinstance(sizes, list) and len(sizes) == 2 and all(isinstance(s, int) for s in sizes):
        window.splitter.setSizes(sizes)
    zoom = settings[Setting.ZOOM]
    if isinstance(zoom, int) and not isinstance(zoom, bool):
        window.reader.set_zoom(zoom)
    mode = settings[Setting.THEME]
    if theme and mode in THEMES:
        window.set_theme_mode(mode)  # type: ignore[arg-type]


def reopen_last_article(window: MainWindow, userdata: UserData) -> bool:
    """Open the article read last, at its reading position; False when there is none."""
    try:
        last = userdata.setting(Setting.LAST_ARTICLE)
    except UserDataError:
        return False
    if not isinstance(last, str):
        return False
    try:
        return window.open_reference(last)
    except BroadsheetError:
        return False  # the article is not in this archive any more: start without it
