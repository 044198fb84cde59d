"""Starting the window: ``run(args, db_path) -> int``.

Here live the QApplication, the ``sys.excepthook`` that logs a bug's traceback to the user log
folder and says where it is, the Qt message handler, and the check modes ``--screenshot`` and
``--self-test``. A normal start also hands its arguments to an already running Broadsheet
(``instance.py``) and exits, opens the reader's ``UserData`` (saying when a damaged file was
set aside), checks the bundled archive, restores the last session unless ``--open`` or
``--search`` was given, and merges a newer bundled archive in the background. The check modes
never restore a session, hand over or merge, so they do not depend on an earlier run.
Expected errors (``BroadsheetError``) become one plain-text line (and a plain message box when
a person is looking); nothing here shows a traceback to the user.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop import __version__, paths
from desktop.cli import EXIT_ERROR, EXIT_OK, _log_bug
from desktop.data.archive import Archive
from desktop.data.userdata import Setting, UserData, UserDataError
from desktop.errors import ArchiveError, BroadsheetError
from desktop.ui.lazyqt import Qt
from desktop.ui.mainwindow import MainWindow

if TYPE_CHECKING:
    from desktop.ui.instance import SingleInstance

EXIT_SELF_TEST_FAILED = 1
SCREENSHOT_SIZE = (1280, 800)
WAIT_MS = 15_000
"""How long the check modes wait for a search before giving up."""

_log = logging.getLogger("broadsheet.qt")

# Qt messages that are known to be harmless (one per line, with why).
_QUIET_QT_MESSAGES = (
    # Offscreen platform: printed on every show(); see PLATFORM-NOTES.md.
    "This plugin does not support propagateSizeHints()",
    # Offscreen platform: a second start's hand-over raises the window; nothing to raise.
    "This plugin does not support raise()",
)


def run(args: argparse.Namespace, db_path: Path) -> int:
    """Open the window on the archive at ``db_path`` and run until it closes.

    Returns:
        The exit status: 0, 2 for an archive that cannot be opened, 1 for a failed self-test.
    """
    headless = bool(args.screenshot or args.self_test)
    if headless and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        if sys.platform.startswith("linux"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _application()
    qInstallMessageHandler(_qt_message_handler)
    sys.excepthook = _make_excepthook(headless)
    instance: SingleInstance | None = None
    server = ""
    if not headless:  # the check modes never hand over or listen
        from desktop.ui.instancename import default_name, server_may_exist

        server = default_name(paths.user_data_dir())
        if server_may_exist(server):
            # Another Broadsheet may be running: hand over to it before anything else.
            from desktop.ui.instance import SingleInstance

            instance = SingleInstance(server, app)
            if instance.try_hand_over(forwarded_arguments(args)):
                return EXIT_OK
    userdata, notices = open_userdata()
    try:
        archive = _open_archive(db_path)
    except BroadsheetError as exc:
        userdata.close()
        return _archive_failed(exc, args, headless)
    window = MainWindow(archive, theme=args.theme or "system", userdata=userdata)
    # What the start made (modules, classes, the window and its widgets) lives as long as the
    # window: later collections leave it out. ``cli`` kept collection off until now.
    gc.freeze()
    gc.enable()
    if args.self_test:
        return _finish(_self_test(window), userdata)
    restore = not headless and not (args.open or args.search)
    if restore:
        # Not in the check modes, which never restore a session.
        from desktop.ui.session import restore_session

        restore_session(window, userdata, theme=args.theme is None)
    try:
        _prepare(window, args)
    except BroadsheetError as exc:
        if headless:
            raise
        window.statusBar().showMessage(str(exc))
    if args.screenshot:
        return _finish(_screenshot(window, Path(args.screenshot)), userdata)
    window.remember_session = True
    if instance is not None:
        _listen(instance, window)
    window.show()

    def after_first_paint() -> None:
        nonlocal instance
        _after_first_paint(window, notices, restore)
        if server and instance is None:
            # No server was there at the start: listen now, QtNetwork loaded after the paint.
            from desktop.ui.instance import SingleInstance

            instance = SingleInstance(server, app)
            _listen(instance, window)

    QTimer.singleShot(0, after_first_paint)
    status = app.exec()
    if instance is not None:
        instance.close()
    return _finish(status, userdata)


def _listen(instance: SingleInstance, window: MainWindow) -> None:
    """Take later starts' hand-overs into ``window`` (none when another live one listens)."""
    if instance.listen():
        instance.arguments_received.connect(window.handle_arguments)


def forwarded_arguments(args: argparse.Namespace) -> list[str]:
    """What a second start hands to the running window: ``--open``, ``--search``, ``--view``."""
    forwarded: list[str] = []
    for flag, value in (("--open", args.open), ("--search", args.search),
                        ("--view", args.view)):
        if value:
            forwarded += [flag, str(value)]
    return forwarded


def open_userdata() -> tuple[UserData, list[str]]:
    """The reader's data, and what to tell them about it.

    A damaged file has been set aside by ``UserData.open`` (its ``notice`` says where). When
    the data folder cannot be used at all, a temporary folder stands in for this session.
    """
    try:
        userdata = UserData.open()
    except UserDataError as exc:
        folder = Path(tempfile.mkdtemp(prefix="broadsheet-data-"))
        notice = (f"Your bookmarks and notes could not be opened.\n\n{exc}\n\n"
                  f"Broadsheet uses a temporary folder for now ({folder}); what you save "
                  "in this session is not kept.")
        return UserData.open(folder), [notice]
    return userdata, [userdata.notice] if userdata.notice else []


def _is_bundled(db_path: Path) -> bool:
    return db_path.resolve() == paths.bundled_archive().resolve()


def _open_archive(db_path: Path) -> Archive:
    """Open the archive. The bundled one is checked in full (``PRAGMA quick_check``, seconds
    for a large archive) after the first paint, once per installed file:
    ``_check_bundled_once``. One that cannot even be opened is checked now, to say what is
    wrong with it and that reinstalling mends it."""
    try:
        return Archive(db_path)
    except ArchiveError:
        if _is_bundled(db_path):
            from desktop.data.userarchive import check_bundled

            check_bundled(db_path)
        raise


def _check_bundled_once(window: MainWindow) -> None:
    """Check the bundled archive in the background the first time this copy of it is shown;
    a damaged one is reported (reinstalling mends it), a sound one is not checked again."""
    path = window.archive.path
    if not _is_bundled(path):
        return
    from desktop.data.userarchive import bundled_fingerprint, check_bundled
    from desktop.ui.tasks import run_in_background

    try:
        fingerprint = bundled_fingerprint(path)
    except OSError:
        return  # gone since it was opened: reading it will say so
    if window.userdata.setting(Setting.BUNDLED_CHECKED) == fingerprint:
        return

    def passed(_: object) -> None:
        with contextlib.suppress(UserDataError):  # not remembered: checked again next time
            window.userdata.set_setting(Setting.BUNDLED_CHECKED, fingerprint)

    def failed(exc: Exception) -> None:
        _warn(window, str(exc))

    run_in_background(lambda: check_bundled(path), passed, failed)


def _after_first_paint(window: MainWindow, notices: list[str], restore: bool) -> None:
    window.check_system_scheme()
    if restore:
        from desktop.ui.session import reopen_last_article

        reopen_last_article(window, window.userdata)
    window.updates.start_bundled_merge()
    _check_bundled_once(window)
    for notice in notices:
        _warn(window, notice)


def _warn(window: MainWindow, notice: str) -> None:
    from PySide6.QtWidgets import QMessageBox  # only when there is something to say

    print(f"broadsheet: {notice}", file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Warning, "Broadsheet", notice,
                      QMessageBox.StandardButton.Ok, window)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def _finish(status: int, userdata: UserData) -> int:
    userdata.close()
    return status


def _application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName(paths.APP_AUTHOR)
    app.setApplicationVersion(__version__)
    # The .desktop file's name, so Wayland compositors match the window to its menu entry.
    app.setDesktopFileName("broadsheet")
    icon = paths.resources_dir() / "icons" / "broadsheet.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _archive_failed(exc: BroadsheetError, args: argparse.Namespace, headless: bool) -> int:
    from PySide6.QtWidgets import QMessageBox  # only when there is something to say

    if args.self_test:
        print(f"self-test failed: {exc}", file=sys.stderr)
        return EXIT_SELF_TEST_FAILED
    print(f"broadsheet: {exc}", file=sys.stderr)
    if not headless:
        box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open archive", str(exc))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
    return EXIT_ERROR


# -- start-up options ------------------------------------------------------------------------


def _prepare(window: MainWindow, args: argparse.Namespace) -> None:
    """Apply ``--open``, ``--search`` and ``--view``.

    A search is waited for; without ``--open`` its first hit is opened with the matched words
    marked. ``--view gallery`` alone opens the first article.
    """
    if args.open:
        window.open_reference(args.open)
    elif args.view == "gallery":
        first = window.first_article_id()
        if first is not None:
            window.open_article(first)
    if args.search and _wait_for_search(window, args.search) and not args.open:
        window.open_hit(0)
    if args.view:
        window.show_view(args.view)


def _wait_for_search(window: MainWindow, query: str) -> int:
    """Run ``query`` in the window's search bar and wait for it; returns the hit count."""
    from PySide6.QtCore import QEventLoop  # only for --search and the self-test

    hits: list[int] = []
    failures: list[str] = []
    loop = QEventLoop()
    window.search_bar.search_finished.connect(lambda _g, _q, found: hits.append(len(found)))
    window.search_bar.search_finished.connect(loop.quit)
    window.search_bar.search_failed.connect(failures.append)
    window.search_bar.search_failed.connect(loop.quit)
    QTimer.singleShot(WAIT_MS, loop.quit)
    window.search_bar.search_now(query)
    if not hits and not failures:
        loop.exec()
    if failures:
        raise BroadsheetError(None, failures[0])
    if not hits:
        raise BroadsheetError(None, f"the search for {query!r} did not finish")
    return hits[0]


def _screenshot(window: MainWindow, out: Path) -> int:
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    QApplication.processEvents()
    pixmap = window.grab()
    if not pixmap.save(str(out), "PNG"):
        raise BroadsheetError(str(out), "cannot write the screenshot", "check the folder exists")
    window.close()
    return EXIT_OK


def _self_test(window: MainWindow) -> int:
    """Open the first article, its gallery, a search and (when it exists) a PDF export."""
    steps: list[tuple[str, Callable[[], None]]] = [
        ("check the bundled archive", lambda: _check_bundled_now(window)),
        ("draw the toolbar icons", lambda: _check_icons(window)),
        ("open the first article", lambda: _check_first_article(window)),
        ("show the gallery", lambda: _check_gallery(window)),
        ("search", lambda: _check_search(window)),
        ("export a PDF", lambda: _check_pdf(window)),
    ]
    window.show()
    for name, step in steps:
        try:
            step()
            QApplication.processEvents()
        except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
            print(f"self-test failed: {name}: {exc}", file=sys.stderr)
            window.close()
            return EXIT_SELF_TEST_FAILED
    window.close()
    print("self-test ok")
    return EXIT_OK


def _check_bundled_now(window: MainWindow) -> None:
    if _is_bundled(window.archive.path):
        from desktop.data.userarchive import check_bundled

        check_bundled(window.archive.path)


def _check_icons(window: MainWindow) -> None:
    # They are SVG drawn by Qt's image plugin, which a bundle must carry.
    for action in (window.commands.back, window.commands.bookmark, window.commands.export_pdf):
        if action.icon().pixmap(24, 24).isNull():
            raise BroadsheetError(None, f"the {action.text()!r} icon did not draw",
                                  "the SVG image plugin is missing from the installation")


def _check_first_article(window: MainWindow) -> None:
    first = window.first_article_id()
    if first is None:
        raise BroadsheetError(str(window.archive.path), "the archive holds no articles")
    if not window.open_article(first) or window.current is None:
        raise BroadsheetError(str(window.archive.path), f"article {first} did not open")
    if window.current.article.title not in window.reader.toPlainText():
        raise BroadsheetError(None, "the reader does not show the article's title")


def _check_gallery(window: MainWindow) -> None:
    assert window.current is not None
    window.show_view("gallery")
    photos = sum(len(g.items) for g in window.current.article.galleries)
    if window.gallery.model().rowCount() != photos:
        raise BroadsheetError(None, f"the gallery shows {window.gallery.model().rowCount()} "
                              f"photos, the article has {photos}")


def _check_search(window: MainWindow) -> None:
    assert window.current is not None
    words = [w for w in window.current.article.title.split() if w.isalpha() and len(w) > 3]
    query = words[0] if words else window.current.article.title
    if _wait_for_search(window, query) < 1:
        raise BroadsheetError(None, f"searching for {query!r} found nothing")


def _check_pdf(window: MainWindow) -> None:
    if importlib.util.find_spec("desktop.pdf") is None:
        return
    from desktop.pdf import export_pdf
    assert window.current is not None
    with tempfile.TemporaryDirectory(prefix="broadsheet-self-test-") as folder:
        out = Path(folder) / "self-test.pdf"
        export_pdf(
            [window.current], out, archive_name=window.archive.path.name, images=window.archive
        )
        if not out.read_bytes().startswith(b"%PDF"):
            raise BroadsheetError(str(out), "the exported file is not a PDF")


# -- errors ----------------------------------------------------------------------------------


def _make_excepthook(
    headless: bool,
) -> Callable[[type[BaseException], BaseException, TracebackType | None], None]:
    def excepthook(
        kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, KeyboardInterrupt):
            QApplication.quit()
            return
        if isinstance(exc, BroadsheetError):
            _tell_user("Broadsheet", str(exc), headless)
            return
        log_file = _log_bug(exc.with_traceback(tb))
        where = (
            f"Details are in {log_file}." if log_file else "The log file could not be written."
        )
        _tell_user(
            "Broadsheet: internal error",
            f"Something went wrong inside Broadsheet: {exc!r}\n{where}\n"
            "Your archive is unchanged; you can keep reading.",
            headless,
        )

    return excepthook


def _tell_user(title: str, text: str, headless: bool) -> None:
    from PySide6.QtWidgets import QMessageBox  # only when there is something to say

    print(f"broadsheet: {text}", file=sys.stderr)
    if headless or QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Warning, title, text)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def _qt_message_handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if any(quiet in message for quiet in _QUIET_QT_MESSAGES):
        return
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(kind, logging.ERROR)
    _log.log(level, "Qt: %s", message)
